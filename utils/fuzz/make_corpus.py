#!/usr/bin/env python3
"""Writes the seed corpora of the MLC fuzz targets (utils/fuzz/README.md).

Usage: make_corpus.py OUT_DIR [--node-tests DIR] [--max-bytes N]

OUT_DIR/import and OUT_DIR/compile: the model.onnx of every ONNX backend node
test (Debian's libonnx-testdata) and every .onnxtxt model of the repository
(test/, converted with onnx.parser), each at most --max-bytes (64 KiB; the
compile target skips larger inputs anyway), and every input a fuzzer found
that a regression test keeps (test/**/Inputs/fuzz/*.onnx), so that each run
of the targets, CI's included, replays the past findings first.
OUT_DIR/tensor-io: the test_data_set_*/*.pb tensors of the node tests (at
most --max-bytes each, 1500 at most, spread over all tests) and, for a
sample of them, the same array as a .npy file (C and Fortran order), which
covers every element type and rank that numpy writes.

Files are named by the SHA-1 of their bytes (libFuzzer's convention), so
duplicates collapse. Nothing is committed: CI and utils/fuzz/run.sh make the
corpora in the build directory.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_NODE_TESTS = Path("/usr/share/libonnx-testdata/data/node")


def put(directory: Path, data: bytes) -> bool:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / hashlib.sha1(data).hexdigest()
    if path.exists():
        return False
    path.write_bytes(data)
    return True


def repo_models() -> list[bytes]:
    """The repository's textual test models, as binary ModelProtos."""
    sys.path.insert(0, str(REPO / "utils" / "models"))
    import onnx_text  # noqa: E402

    models = []
    for path in sorted(REPO.glob("test/**/*.onnxtxt")):
        text = "\n".join(line for line in path.read_text().splitlines()
                         if not line.lstrip().startswith("#"))
        try:
            models.append(onnx_text.convert_slow(text, check=False))
        except Exception:  # a test of a malformed model: not a seed
            continue
    return models


def npy_variants(pb: bytes) -> list[bytes]:
    import numpy as np
    from onnx import TensorProto, numpy_helper

    proto = TensorProto()
    proto.ParseFromString(pb)
    try:
        array = numpy_helper.to_array(proto)
    except Exception:
        return []
    if array.dtype.kind not in "biuf":
        return []
    out = []
    for order in ("C", "F"):
        buffer = io.BytesIO()
        np.save(buffer, np.asarray(array, order=order), allow_pickle=False)
        out.append(buffer.getvalue())
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--node-tests", type=Path, default=DEFAULT_NODE_TESTS)
    parser.add_argument("--max-bytes", type=int, default=64 * 1024)
    parser.add_argument("--max-tensors", type=int, default=1500)
    args = parser.parse_args()

    if not args.node_tests.is_dir():
        print(f"make_corpus: error: no node tests in {args.node_tests} "
              "(install libonnx-testdata)", file=sys.stderr)
        return 1
    counts = {"import": 0, "compile": 0, "tensor-io": 0}

    models = [p.read_bytes() for p in sorted(args.node_tests.glob("*/model.onnx"))]
    models += repo_models()
    models += [p.read_bytes() for p in sorted(REPO.glob("test/**/Inputs/fuzz/*.onnx"))]
    for data in models:
        if len(data) <= args.max_bytes:
            for target in ("import", "compile"):
                counts[target] += put(args.out / target, data)

    tensors = sorted(p for p in args.node_tests.glob("*/test_data_set_*/*.pb")
                     if p.stat().st_size <= args.max_bytes)
    step = max(1, len(tensors) // args.max_tensors)
    for index, path in enumerate(tensors[::step]):
        data = path.read_bytes()
        counts["tensor-io"] += put(args.out / "tensor-io", data)
        if index % 4 == 0:
            for npy in npy_variants(data):
                counts["tensor-io"] += put(args.out / "tensor-io", npy)

    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
