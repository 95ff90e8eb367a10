"""The tiers of the MLC lit suite (docs/Testing.md).

Every test belongs to exactly one tier, the first of these that applies:

  torch        it REQUIRES torch: models exported by torch.onnx (resnet50, ...)
  qemu         it REQUIRES aarch64-qemu: AArch64 code run under qemu
  conformance  it REQUIRES libonnx-testdata: the ONNX backend node tests
  e2e          it lives in e2e/: small models compiled, run and compared
  quick        everything else: FileCheck, importer, tools, plug-ins

A test's tier follows from what it needs, so a new test that needs torch
cannot land in the quick tier by mistake, and no list of files is kept.

`python test/lit_tiers.py FILE...` prints the tier of each test file.
"""

import os
import re
import sys

import lit.formats

TIERS = ("quick", "e2e", "qemu", "torch", "conformance")
TIER_OF_FEATURE = (("torch", "torch"), ("aarch64-qemu", "qemu"),
                   ("libonnx-testdata", "conformance"))


def test_tier(source_path, path_in_suite):
    """The tier of the test at source_path (path_in_suite: its path in the
    suite, as a tuple of names)."""
    required = set()
    with open(source_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = re.search(r"\bREQUIRES:(.*)", line)
            if match:
                required.update(re.findall(r"[\w.+-]+", match.group(1)))
    for feature, tier in TIER_OF_FEATURE:
        if feature in required:
            return tier
    return "e2e" if path_in_suite[0] == "e2e" else "quick"


class TieredShTest(lit.formats.ShTest):
    """ShTest that discovers only the tests of the selected tiers."""

    def __init__(self, selected_tiers, execute_external):
        super().__init__(execute_external)
        self.selected_tiers = tuple(selected_tiers)

    def getTestsForPath(self, testSuite, path_in_suite, litConfig, localConfig):
        for test in super().getTestsForPath(testSuite, path_in_suite, litConfig,
                                            localConfig):
            if test_tier(test.getSourcePath(), path_in_suite) in self.selected_tiers:
                yield test


def main(paths):
    suite_root = os.path.dirname(os.path.abspath(__file__))
    for path in paths:
        in_suite = os.path.relpath(os.path.abspath(path), suite_root).split(os.sep)
        print("%-12s %s" % (test_tier(path, tuple(in_suite)), "/".join(in_suite)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
