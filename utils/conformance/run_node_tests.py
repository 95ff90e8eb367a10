#!/usr/bin/env python3
"""Run ONNX backend node tests through mlc-compile and mlc-run.

Usage:
    run_node_tests.py --suite NAME=DIR [--suite NAME=DIR ...] [--tools-dir DIR]
                      [--jobs N] [--filter REGEX] [--json OUT]
                      [--expected NAME=FILE ...] [--write-expected NAME=FILE ...]

Each DIR holds ONNX node tests: test_*/model.onnx plus test_data_set_*/ with
input_<i>.pb and output_<i>.pb. Every test is compiled once
(`mlc-compile model.onnx -o model.so`), run on every data set
(`mlc-run model.so --input input_0.pb ... --output-dir D`) and each
output_<i>.pb is compared with the expected one: floats at rtol 1e-3 /
atol 1e-5 (NaN equals NaN), integers and bools exactly; shape and dtype must
match. Each test gets one class:

    pass           every output of every data set matches (outputs of random
                   ops: shape and dtype match, values pass statistical
                   checks, and the detail says so)
    mismatch       ran, but an output differs (values, shape, dtype or count)
    unsupported    mlc-compile failed cleanly saying an operator is unsupported
    compile-error  mlc-compile failed cleanly (exit 1) for another reason
    run-error      mlc-run failed cleanly (exit 1)
    crash          a tool died by a signal, exited with a code other than 0/1,
                   or printed a crash marker (Stack dump, Assertion, LLVM ERROR,
                   UNREACHABLE), whatever its exit code
    timeout        a tool ran past --compile-timeout / --run-timeout

Whether a test is in scope is decided from its model alone: see OUT_OF_SCOPE
below, the one place that defines it. docs/Conformance.md describes the
output and how to update the expected lists.

Exit code: 1 when any test crashes or times out, or (with --expected) when a
listed test does not pass; 0 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

RTOL = 1e-3
ATOL = 1e-5

CLASSES = ["pass", "mismatch", "unsupported", "compile-error", "run-error",
           "crash", "timeout"]

# ----------------------------------------------------------------------------
# Scope (issue 3, "ONNX importer breadth"). A test is out of scope when its
# model (main graph or any subgraph) uses one of these operators, a node of a
# non-default domain, or a value that is not a plain numeric tensor. The
# reason shown for a test is the first rule that matches.
# ----------------------------------------------------------------------------
OUT_OF_SCOPE = {
    "training op": {
        "SoftmaxCrossEntropyLoss", "NegativeLogLikelihoodLoss", "Adam",
        "Adagrad", "Momentum", "Gradient",
    },
    # Any op whose name starts with Sequence or Optional is also one of these.
    "sequence/optional op": {"ConcatFromSequence", "SplitToSequence"},
    "string op": {
        "StringNormalizer", "StringConcat", "StringSplit", "RegexFullMatch",
    },
}
# Random ops (RandomNormal(Like), RandomUniform(Like), Bernoulli,
# Multinomial) are in scope since issue 19: their outputs are checked
# statistically (RANDOM_OPS below).
OUT_OF_SCOPE_OP_PREFIXES = {"Sequence": "sequence/optional op",
                            "Optional": "sequence/optional op"}
# Nodes of any other domain (ai.onnx.ml, ai.onnx.preview.training, local
# function domains, ...) are out of scope.
DEFAULT_DOMAINS = {"", "ai.onnx"}
# Values of string type, and sequence/optional/map values, are out of scope.

CRASH_MARKERS = ("Stack dump", "Assertion", "LLVM ERROR", "UNREACHABLE")
UNSUPPORTED_OP_RE = re.compile(r"unsupported ONNX operator '([^']+)'")


def op_scope_reason(domain: str, op_type: str) -> str | None:
    if domain not in DEFAULT_DOMAINS:
        return f"non-default domain '{domain}'"
    for reason, ops in OUT_OF_SCOPE.items():
        if op_type in ops:
            return f"{reason} {op_type}"
    for prefix, reason in OUT_OF_SCOPE_OP_PREFIXES.items():
        if op_type.startswith(prefix):
            return f"{reason} {op_type}"
    return None


def type_scope_reason(type_proto: onnx.TypeProto) -> str | None:
    kind = type_proto.WhichOneof("value")
    if kind in ("sequence_type", "optional_type", "map_type"):
        return f"{kind.split('_')[0]} value"
    if kind == "tensor_type" and \
            type_proto.tensor_type.elem_type == onnx.TensorProto.STRING:
        return "string tensor"
    return None


def walk_graphs(graph: onnx.GraphProto):
    """Yields `graph` and every subgraph of its nodes' attributes."""
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("g"):
                yield from walk_graphs(attr.g)
            for sub in attr.graphs:
                yield from walk_graphs(sub)


def analyze_model(model: onnx.ModelProto) -> tuple[list[str], str | None]:
    """Returns the sorted op types of a model and why it is out of scope
    (None when in scope)."""
    ops: set[str] = set()
    reasons: list[str] = []
    for graph in walk_graphs(model.graph):
        for value in [*graph.input, *graph.output, *graph.value_info]:
            reason = type_scope_reason(value.type)
            if reason:
                reasons.append(reason)
        for tensor in graph.initializer:
            if tensor.data_type == onnx.TensorProto.STRING:
                reasons.append("string tensor")
        for node in graph.node:
            ops.add(node.op_type if node.domain in DEFAULT_DOMAINS
                    else f"{node.domain}.{node.op_type}")
            reason = op_scope_reason(node.domain, node.op_type)
            if reason:
                reasons.append(reason)
            for attr in node.attribute:
                if attr.HasField("t") and \
                        attr.t.data_type == onnx.TensorProto.STRING:
                    reasons.append("string tensor")
                if attr.type == onnx.AttributeProto.STRINGS and \
                        attr.name.startswith("value"):
                    reasons.append("string tensor")
    return sorted(ops), (reasons[0] if reasons else None)


# ----------------------------------------------------------------------------
# Running the tools.
# ----------------------------------------------------------------------------
@dataclasses.dataclass
class ToolResult:
    returncode: int | None  # None on timeout
    output: str
    seconds: float


def run_tool(cmd: list[str], timeout: float) -> ToolResult:
    """Runs `cmd` in its own process group, killing the group on timeout."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        code = None
    return ToolResult(code, out.decode("utf-8", "replace"),
                      time.monotonic() - start)


FILE_LOC_RE = re.compile(r'\("[^"]*":\d+:\d+\)')


def first_line(text: str, pattern: str = "error") -> str:
    """The first line of `text` containing `pattern` (else the first line),
    without the model path of MLIR locations, which the test name implies."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    chosen = next((l for l in lines if pattern in l), lines[0] if lines else "")
    return FILE_LOC_RE.sub("", chosen)[:240]


def tool_failure(tool: str, result: ToolResult,
                 timeout: float) -> tuple[str, str] | None:
    """The (class, detail) of a failed tool run, or None if it succeeded.
    Classes other than crash/timeout are decided by the caller."""
    if result.returncode is None:
        return "timeout", f"{tool} ran past {timeout:g} s"
    if result.returncode < 0:
        try:
            name = signal.Signals(-result.returncode).name
        except ValueError:
            name = str(-result.returncode)
        return "crash", f"{tool} killed by {name}: {first_line(result.output)}"
    if result.returncode not in (0, 1):
        return "crash", (f"{tool} exited with {result.returncode}: "
                         f"{first_line(result.output)}")
    for marker in CRASH_MARKERS:
        if marker in result.output:
            return "crash", (f"{tool} printed '{marker}' (exit "
                             f"{result.returncode}): "
                             f"{first_line(result.output, marker)}")
    if result.returncode == 1:
        return "error", first_line(result.output)
    return None


# ----------------------------------------------------------------------------
# Comparing outputs.
# ----------------------------------------------------------------------------
def read_tensor(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


def value_kind(type_proto: onnx.TypeProto | None) -> str:
    """'tensor', 'sequence', 'optional_tensor' or 'optional_sequence'."""
    if type_proto is None:
        return "tensor"
    kind = type_proto.WhichOneof("value")
    if kind == "sequence_type":
        return "sequence"
    if kind == "optional_type":
        inner = type_proto.optional_type.elem_type.WhichOneof("value")
        return ("optional_sequence" if inner == "sequence_type"
                else "optional_tensor")
    return "tensor"


def read_value(path: Path, kind: str):
    """A .pb file as the graph value `kind` says: an array, a list of arrays
    (a sequence), or for an optional None (absent) or its value."""
    if kind == "tensor":
        return read_tensor(path)
    if kind == "sequence":
        sequence = onnx.SequenceProto()
        sequence.ParseFromString(path.read_bytes())
        return [numpy_helper.to_array(t) for t in sequence.tensor_values]
    optional = onnx.OptionalProto()
    optional.ParseFromString(path.read_bytes())
    if optional.HasField("tensor_value"):
        return numpy_helper.to_array(optional.tensor_value)
    if optional.HasField("sequence_value"):
        return [numpy_helper.to_array(t)
                for t in optional.sequence_value.tensor_values]
    return None


def input_structures(model: onnx.ModelProto, data_set: Path) -> list[str]:
    """mlc-compile --input-structure flags that specialize the model's
    sequence and optional inputs to those of `data_set` (their lengths,
    presence and element shapes)."""
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    flags = []
    for index, info in enumerate(inputs):
        kind = value_kind(info.type)
        path = data_set / f"input_{index}.pb"
        if kind == "tensor" or not path.exists():
            continue
        try:
            value = read_value(path, kind)
        except Exception:
            continue
        shape = lambda a: "[" + ",".join(str(d) for d in a.shape) + "]"
        if value is None:
            spec = "none"
        elif isinstance(value, list):
            spec = "seq(" + ",".join(shape(a) for a in value) + ")"
        else:
            spec = shape(value)
        flags.append(f"--input-structure={info.name}={spec}")
    return flags


# The bound mlc-compile --max-loop-iterations gets for a model with a Loop
# that carries a sequence or optional (unrolled; a run past it fails).
MAX_LOOP_ITERATIONS = 16


def loop_flags(model: onnx.ModelProto) -> list[str]:
    """--max-loop-iterations when a Loop of the main graph carries a
    sequence or optional: its trip count may be known only at run time."""
    for node in model.graph.node:
        if node.op_type != "Loop":
            continue
        for attr in node.attribute:
            if attr.name == "body" and any(
                    value_kind(i.type) != "tensor"
                    for i in attr.g.input[2:]):
                return [f"--max-loop-iterations={MAX_LOOP_ITERATIONS}"]
    return []


def compare_value(expected, actual) -> str | None:
    """compare() over sequences (lists) and optionals (None when absent)."""
    if expected is None or actual is None:
        if expected is None and actual is None:
            return None
        return ("an absent optional, expected a value" if actual is None
                else "a value, expected an absent optional")
    if isinstance(expected, list) or isinstance(actual, list):
        if not (isinstance(expected, list) and isinstance(actual, list)):
            return "a tensor where a sequence is expected, or the reverse"
        if len(expected) != len(actual):
            return (f"a sequence of {len(actual)} elements, expected "
                    f"{len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            problem = compare(e, a)
            if problem:
                return f"element {i}: {problem}"
        return None
    return compare(expected, actual)


def as_comparable(a: np.ndarray) -> np.ndarray:
    # Tolerances are applied in float64 so that float16 rounding does not
    # blur them; bfloat16 and float8 come back as ml_dtypes arrays (kind V).
    if a.dtype.kind == "f" or a.dtype.kind not in "biuc":
        return a.astype(np.float64)
    return a


def compare(expected: np.ndarray, actual: np.ndarray) -> str | None:
    """None when `actual` matches `expected`, else why not."""
    if expected.dtype == np.uint16 and actual.dtype.name == "bfloat16":
        # ONNX test data from before onnx 1.8 stores bfloat16 as UINT16 bit
        # patterns: compare the values those bits encode.
        expected = (expected.astype(np.uint32) << 16).view(np.float32)
        actual = actual.astype(np.float32)
    if expected.dtype != actual.dtype:
        return f"dtype {actual.dtype}, expected {expected.dtype}"
    if expected.shape != actual.shape:
        return f"shape {list(actual.shape)}, expected {list(expected.shape)}"
    e, a = as_comparable(expected), as_comparable(actual)
    if e.dtype.kind in "fc":
        ok = np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        ok = a == e
    if np.all(ok):
        return None
    bad = np.argwhere(~np.asarray(ok))
    index = tuple(int(i) for i in bad[0])
    return (f"{len(bad)}/{e.size} values differ, first at {list(index)}: "
            f"got {a[index].item()!r}, expected {e[index].item()!r}")


# ----------------------------------------------------------------------------
# Errata: node tests whose shipped expected outputs contradict the operator's
# specification. For these the expected outputs are recomputed from the
# test's inputs by the spec's formula, and the result's detail says so.
# ----------------------------------------------------------------------------
def qlinear_matmul_saturated(inputs: list[np.ndarray]) -> list[np.ndarray]:
    """QLinearMatMul as ONNX's reference computes it (same dtypes, so the same
    float16 rounding of the scale product), but saturating to the output
    type as the spec says instead of wrapping in numpy's astype."""
    a, a_scale, a_zero, b, b_scale, b_zero, y_scale, y_zero = inputs
    acc = np.matmul(a.astype(np.int32) - a_zero.astype(np.int32),
                    b.astype(np.int32) - b_zero.astype(np.int32))
    y = np.rint(acc * (a_scale * b_scale / y_scale) + y_zero)
    info = np.iinfo(y_zero.dtype)
    return [np.clip(y, info.min, info.max).astype(y_zero.dtype)]


# The QLinearMatMul tests of onnx <= 1.19 were generated by a reference that
# wraps out-of-range results (-236 stored as 20 in int8): onnx/onnx#7835,
# fixed by onnx/onnx#7868; onnxruntime saturates, as the spec requires.
ERRATA = {
    re.compile(r"test_qlinearmatmul_[23]D_(u?int8)_float(16|32)$"):
        ("expected outputs recomputed with saturation (onnx/onnx#7835)",
         qlinear_matmul_saturated),
}


def errata_for(test_name: str):
    for pattern, entry in ERRATA.items():
        if pattern.match(test_name):
            return entry
    return None


def indexed_files(directory: Path, stem: str) -> list[Path]:
    files = []
    for path in directory.glob(f"{stem}_*.pb"):
        suffix = path.stem[len(stem) + 1:]
        if suffix.isdigit():
            files.append((int(suffix), path))
    return [p for _, p in sorted(files)]


# ----------------------------------------------------------------------------
# Random ops. Their expected outputs are one draw of the reference's
# generator, which MLC's (Philox, per context) does not reproduce: for a
# model whose outputs are random (a random op, or Dropout with a training
# flag) the runner checks each output's shape and dtype exactly and its
# values statistically, and the test's detail says so. Moments are checked
# at 5 standard errors plus one element's share (the node tests have 10 to
# 60 elements, so these checks are loose; test/python/random-ops.py checks
# the generator on large draws).
# ----------------------------------------------------------------------------
RANDOM_OPS = {"RandomNormal", "RandomNormalLike", "RandomUniform",
              "RandomUniformLike", "Bernoulli", "Multinomial"}
RANDOM_DETAIL = ("random outputs: shape and dtype checked exactly, values by "
                 "their distribution's moments")


def attr_value(node: onnx.NodeProto, name: str, default):
    for attr in node.attribute:
        if attr.name == name:
            return onnx.helper.get_attribute_value(attr)
    return default


def within(value: float, expected: float, stderr: float, n: int) -> bool:
    return abs(value - expected) <= 5 * stderr + 1.0 / max(n, 1)


def check_bernoulli(p: np.ndarray, y: np.ndarray, inverted: bool) -> str | None:
    """y ~ Bernoulli(p) (of 1 - p for the expanded form, which compares the
    draw with Greater)."""
    values = y.astype(np.float64)
    if not np.all((values == 0) | (values == 1)):
        return "values other than 0 and 1"
    prob = 1.0 - p.astype(np.float64) if inverted else p.astype(np.float64)
    if np.any(values[prob == 0] != 0) or np.any(values[prob == 1] != 1):
        return "a draw with probability 0 or 1 came out the other way"
    n = values.size
    stderr = np.sqrt(np.sum(prob * (1 - prob))) / max(n, 1)
    if not within(values.mean(), prob.mean(), stderr, n):
        return f"mean {values.mean():.4g}, expected {prob.mean():.4g}"
    return None


def check_dropout(x: np.ndarray, ratio: float, training: bool,
                  outputs: list[np.ndarray]) -> str | None:
    """Training-mode Dropout: each element kept (scaled by 1 / (1 - ratio))
    or zeroed, the mask saying which, about `ratio` of them dropped."""
    y = outputs[0].astype(np.float64)
    x = x.astype(np.float64)
    if not training or ratio == 0:
        kept = np.ones(x.shape, bool)
    else:
        scaled = x / (1.0 - ratio)
        kept = np.isclose(y, scaled, rtol=RTOL, atol=ATOL) & (y != 0)
        dropped = y == 0
        if not np.all(kept | dropped):
            return "values that are neither x / (1 - ratio) nor 0"
        if len(outputs) > 1:
            mask = outputs[1].astype(bool)
            undecided = x == 0
            if np.any((mask != kept) & ~undecided):
                return "mask disagrees with the output"
            kept = mask
        n = x.size
        rate = 1.0 - kept.mean()
        if not within(rate, ratio, np.sqrt(ratio * (1 - ratio) / n), n):
            return f"dropped {rate:.4g} of the elements, expected {ratio:.4g}"
    if not training or ratio == 0:
        if not np.allclose(y, x, rtol=RTOL, atol=ATOL):
            return "not the identity without dropping"
        if len(outputs) > 1 and not outputs[1].astype(bool).all():
            return "mask not all true without dropping"
    return None


def check_distribution(node: onnx.NodeProto, y: np.ndarray) -> str | None:
    """RandomUniform(Like) / RandomNormal(Like) by their attributes;
    Multinomial by its range."""
    values = y.astype(np.float64)
    n = values.size
    if node.op_type.startswith("RandomUniform"):
        low, high = attr_value(node, "low", 0.0), attr_value(node, "high", 1.0)
        if values.min(initial=low) < low or values.max(initial=low) > high:
            return f"values outside [{low}, {high}]"
        mean, std = (low + high) / 2, (high - low) / np.sqrt(12)
    elif node.op_type.startswith("RandomNormal"):
        mean, std = attr_value(node, "mean", 0.0), attr_value(node, "scale", 1.0)
    else:
        if values.min(initial=0) < 0:
            return "negative class index"
        return None
    if n and not within(values.mean(), mean, std / np.sqrt(n), n):
        return f"mean {values.mean():.4g}, expected {mean:.4g}"
    return None


def random_checker(model: onnx.ModelProto):
    """A function (inputs, expected outputs, actual outputs) -> problem or
    None for a model whose outputs are random, else None."""
    nodes = list(model.graph.node)
    ops = {n.op_type for n in nodes}
    training_dropout = [n for n in nodes if n.op_type == "Dropout"
                        and len(n.input) > 2 and n.input[2]]
    if not (ops & RANDOM_OPS) and not training_dropout:
        return None

    def check(inputs, expected, actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            if e.dtype != a.dtype:
                return f"output_{i}: dtype {a.dtype}, expected {e.dtype}"
            if e.shape != a.shape:
                return (f"output_{i}: shape {list(a.shape)}, expected "
                        f"{list(e.shape)}")
        if training_dropout and len(nodes) == 1:
            ratio = float(inputs[1]) if len(inputs) > 1 else 0.5
            training = bool(inputs[2]) if len(inputs) > 2 else False
            return check_dropout(inputs[0], ratio, training, actual)
        if "Bernoulli" in ops or ("RandomUniformLike" in ops and
                                  ops & {"Less", "Greater"}):
            return check_bernoulli(inputs[0], actual[0],
                                   inverted="Greater" in ops)
        random_nodes = [n for n in nodes if n.op_type in RANDOM_OPS]
        if len(nodes) == 1 and random_nodes:
            return check_distribution(random_nodes[0], actual[0])
        return "no statistical check for this model's random outputs"
    return check


# ----------------------------------------------------------------------------
# One test.
# ----------------------------------------------------------------------------
@dataclasses.dataclass
class TestResult:
    suite: str
    name: str
    cls: str = "pass"
    detail: str = ""
    in_scope: bool = True
    scope_reason: str | None = None
    ops: list[str] = dataclasses.field(default_factory=list)
    unsupported_op: str | None = None
    seconds: float = 0.0


@dataclasses.dataclass
class Config:
    tools_dir: Path
    workdir: Path
    compile_timeout: float
    run_timeout: float


def run_test(cfg: Config, suite: str, test_dir: Path) -> TestResult:
    start = time.monotonic()
    result = TestResult(suite, test_dir.name)
    model = None
    try:
        model = onnx.load(str(test_dir / "model.onnx"),
                          load_external_data=False)
        result.ops, result.scope_reason = analyze_model(model)
    except Exception as e:  # A model onnx cannot read is still run.
        result.scope_reason = f"onnx cannot load the model: {e}"[:200]
    result.in_scope = result.scope_reason is None
    try:
        classify(cfg, test_dir, result, model)
    finally:
        result.seconds = time.monotonic() - start
    return result


def classify(cfg: Config, test_dir: Path, result: TestResult,
             model: onnx.ModelProto | None = None) -> None:
    work = cfg.workdir / result.suite / result.name
    checker = random_checker(model) if model is not None else None
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    library = work / "model.so"
    data_sets = sorted(test_dir.glob("test_data_set_*"))
    # Sequence and optional inputs are compiled for the structure of the
    # first data set's (the C ABI fixes lengths and presence).
    structures = (input_structures(model, data_sets[0])
                  if model is not None and data_sets else [])
    if model is not None:
        structures += loop_flags(model)
    output_kinds = ([value_kind(o.type) for o in model.graph.output]
                    if model is not None else None)
    compiled = run_tool([str(cfg.tools_dir / "mlc-compile"),
                         str(test_dir / "model.onnx"), "-o", str(library),
                         *structures],
                        cfg.compile_timeout)
    failure = tool_failure("mlc-compile", compiled, cfg.compile_timeout)
    if failure:
        cls, result.detail = failure
        if cls == "error":
            unsupported = UNSUPPORTED_OP_RE.search(compiled.output)
            if unsupported:
                cls = "unsupported"
                result.unsupported_op = unsupported.group(1)
            else:
                cls = "compile-error"
        result.cls = cls
        return

    if not data_sets:
        result.cls, result.detail = "run-error", "no test_data_set_* directory"
        return
    for data_set in data_sets:
        out_dir = work / data_set.name
        inputs = indexed_files(data_set, "input")
        cmd = [str(cfg.tools_dir / "mlc-run"), str(library)]
        for path in inputs:
            cmd += ["--input", str(path)]
        cmd += ["--output-dir", str(out_dir)]
        ran = run_tool(cmd, cfg.run_timeout)
        failure = tool_failure("mlc-run", ran, cfg.run_timeout)
        if failure:
            cls, detail = failure
            result.cls = "run-error" if cls == "error" else cls
            result.detail = f"{data_set.name}: {detail}"
            return
        problem = compare_outputs(data_set, out_dir, errata_for(result.name),
                                  checker, output_kinds)
        if problem:
            result.cls = "mismatch"
            result.detail = f"{data_set.name}: {problem}"
            return
    errata = errata_for(result.name)
    if errata:
        result.detail = errata[0]
    if checker:
        result.detail = RANDOM_DETAIL
    shutil.rmtree(work, ignore_errors=True)


def compare_outputs(data_set: Path, out_dir: Path, errata=None,
                    checker=None, kinds: list[str] | None = None) -> str | None:
    expected_files = indexed_files(data_set, "output")
    actual_files = indexed_files(out_dir, "output")
    if len(actual_files) != len(expected_files):
        return (f"{len(actual_files)} output(s), expected "
                f"{len(expected_files)}")
    if checker:
        try:
            inputs = [read_tensor(p) for p in indexed_files(data_set, "input")]
            expected = [read_tensor(p) for p in expected_files]
            actual = [read_tensor(p) for p in actual_files]
        except Exception as e:
            return f"cannot read a tensor: {e}"
        problem = checker(inputs, expected, actual)
        return f"{problem} ({RANDOM_DETAIL})" if problem else None
    corrected = None
    if errata:
        inputs = [read_tensor(p) for p in indexed_files(data_set, "input")]
        corrected = errata[1](inputs)
    for i, (expected_path, actual_path) in enumerate(zip(expected_files, actual_files)):
        kind = kinds[i] if kinds and i < len(kinds) else "tensor"
        if kind != "tensor":
            try:
                expected = read_value(expected_path, kind)
                actual = read_value(actual_path, kind)
            except Exception as e:
                return f"cannot read {expected_path.name}: {e}"
            problem = compare_value(expected, actual)
            if problem:
                return f"{expected_path.stem}: {problem}"
            continue
        try:
            expected = read_tensor(expected_path)
        except Exception as e:
            return f"cannot read expected {expected_path.name}: {e}"
        if corrected is not None:
            expected = corrected[i]
        try:
            actual = read_tensor(actual_path)
        except Exception as e:
            return f"cannot read {actual_path.name} written by mlc-run: {e}"
        problem = compare(expected, actual)
        if problem:
            return f"{expected_path.stem}: {problem}"
    return None


# ----------------------------------------------------------------------------
# Expected lists and the summary.
# ----------------------------------------------------------------------------
def read_list(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.append(line)
    return names


def counts_line(results: list[TestResult]) -> str:
    counts = collections.Counter(r.cls for r in results)
    return (f"{len(results)} tests: " +
            ", ".join(f"{counts[c]} {c}" for c in CLASSES))


def pass_rate(results: list[TestResult]) -> str:
    passed = sum(r.cls == "pass" for r in results)
    pct = 100.0 * passed / len(results) if results else 0.0
    return f"{pct:.1f}% ({passed}/{len(results)})"


def print_summary(by_suite: dict[str, list[TestResult]], top: int) -> None:
    print("=== summary ===")
    everything: list[TestResult] = []
    for suite, results in by_suite.items():
        scoped = [r for r in results if r.in_scope]
        print(f"{suite}: all {counts_line(results)}")
        print(f"{suite}: in-scope {counts_line(scoped)}")
        print(f"{suite}: in-scope pass rate {pass_rate(scoped)}")
        everything += results
    scoped = [r for r in everything if r.in_scope]
    print(f"total: all {counts_line(everything)}")
    print(f"total: in-scope {counts_line(scoped)}")
    print(f"total: in-scope pass rate {pass_rate(scoped)}")

    failing: collections.Counter[str] = collections.Counter()
    for r in scoped:
        if r.cls == "pass":
            continue
        if r.unsupported_op:
            failing[r.unsupported_op] += 1
        else:
            failing.update(r.ops)
    print(f"top failing op types (in-scope failing tests that contain the op; "
          f"for unsupported, the op named):")
    for op, count in sorted(failing.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        print(f"  {op:32} {count}")


def check_expected(by_suite: dict[str, list[TestResult]],
                   expected: dict[str, Path], pattern: re.Pattern,
                   suite_dirs: dict[str, Path]) -> int:
    """Prints regressions and new passes; returns the regression count."""
    regressions = 0
    for suite, path in expected.items():
        listed = set(read_list(path))
        results = {r.name: r for r in by_suite[suite]}
        lost = []
        for name in sorted(listed):
            if not pattern.search(name):
                continue
            r = results.get(name)
            if r is None:
                lost.append(f"REGRESSION: {suite}/{name} (listed, but no such "
                            f"test under {suite_dirs[suite]})")
            elif r.cls != "pass":
                lost.append(f"REGRESSION: {suite}/{name} ({r.cls}: "
                            f"{r.detail})")
        new = sorted(n for n, r in results.items()
                     if r.cls == "pass" and n not in listed)
        for line in lost:
            print(line)
        for name in new:
            print(f"NEW PASS: {suite}/{name}")
        print(f"expected {suite}: {len(listed)} listed, {len(lost)} "
              f"regressions, {len(new)} new passes")
        regressions += len(lost)
    return regressions


def write_expected(by_suite: dict[str, list[TestResult]],
                   targets: dict[str, Path]) -> None:
    """Rewrites each list: the passes of this run, plus the entries of the
    old list for tests this run did not cover (--filter)."""
    for suite, path in targets.items():
        ran = {r.name for r in by_suite[suite]}
        kept = {n for n in read_list(path) if n not in ran} \
            if path.exists() else set()
        passes = {r.name for r in by_suite[suite] if r.cls == "pass"}
        path.write_text("".join(f"{n}\n" for n in sorted(kept | passes)))
        print(f"wrote {path}: {len(kept | passes)} tests")


def parse_pairs(values: list[str], what: str) -> dict[str, Path]:
    pairs = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise SystemExit(f"error: {what} expects NAME=PATH, got '{value}'")
        pairs[name] = Path(path)
    return pairs


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suite", action="append", default=[], required=True,
                        metavar="NAME=DIR",
                        help="a directory of test_*/ node tests (repeatable)")
    parser.add_argument("--tools-dir", type=Path,
                        default=here.parent.parent / "build" / "bin",
                        help="where mlc-compile and mlc-run are "
                             "(default: build/bin of this checkout)")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    parser.add_argument("--filter", default="",
                        help="run only tests whose name matches this regex")
    parser.add_argument("--compile-timeout", type=float, default=60.0,
                        help="seconds per mlc-compile (default 60)")
    parser.add_argument("--run-timeout", type=float, default=30.0,
                        help="seconds per mlc-run, per data set (default 30)")
    parser.add_argument("--json", type=Path, help="write all results here")
    parser.add_argument("--expected", action="append", default=[],
                        metavar="NAME=FILE",
                        help="fail when a test listed in FILE does not pass")
    parser.add_argument("--write-expected", action="append", default=[],
                        metavar="NAME=FILE",
                        help="rewrite FILE with the tests of suite NAME that "
                             "pass")
    parser.add_argument("--workdir", type=Path,
                        help="keep artifacts and outputs of failing tests "
                             "here (default: a temporary directory, removed)")
    parser.add_argument("--top", type=int, default=20,
                        help="how many failing op types to list")
    parser.add_argument("--quiet", action="store_true",
                        help="print only failing tests and the summary")
    args = parser.parse_args()

    suites = parse_pairs(args.suite, "--suite")
    expected = parse_pairs(args.expected, "--expected")
    write_targets = parse_pairs(args.write_expected, "--write-expected")
    for name in [*expected, *write_targets]:
        if name not in suites:
            parser.error(f"no --suite named '{name}'")
    for name, path in expected.items():
        if not path.is_file():
            parser.error(f"expected list '{path}' of suite {name} not found")
    for name, directory in suites.items():
        if not directory.is_dir():
            parser.error(f"suite {name}: '{directory}' is not a directory")
    for tool in ("mlc-compile", "mlc-run"):
        if not os.access(args.tools_dir / tool, os.X_OK):
            parser.error(f"no executable {tool} in '{args.tools_dir}'")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    pattern = re.compile(args.filter)

    tasks = []
    for suite, directory in suites.items():
        for test_dir in sorted(directory.glob("test_*")):
            if (test_dir / "model.onnx").is_file() and \
                    pattern.search(test_dir.name):
                tasks.append((suite, test_dir))

    temp = None
    if args.workdir:
        workdir = args.workdir.resolve()
    else:
        temp = tempfile.mkdtemp(prefix="mlc-conformance-")
        workdir = Path(temp)
    cfg = Config(args.tools_dir.resolve(), workdir, args.compile_timeout,
                 args.run_timeout)

    start = time.monotonic()
    by_suite: dict[str, list[TestResult]] = {s: [] for s in suites}
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            # map() yields in submission order: the listing is deterministic.
            for r in pool.map(lambda t: run_test(cfg, *t), tasks):
                by_suite[r.suite].append(r)
                if args.quiet and r.cls == "pass":
                    continue
                scope = "" if r.in_scope else f" [out of scope: {r.scope_reason}]"
                detail = f": {r.detail}" if r.detail else ""
                print(f"{r.cls:13} {r.suite}/{r.name} ({r.seconds:.1f} s)"
                      f"{scope}{detail}", flush=True)
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    elapsed = time.monotonic() - start

    print_summary(by_suite, args.top)
    slowest = sorted((r for rs in by_suite.values() for r in rs),
                     key=lambda r: -r.seconds)[:5]
    print(f"wall time {elapsed:.0f} s with {args.jobs} job(s); slowest: " +
          ", ".join(f"{r.suite}/{r.name} {r.seconds:.1f} s" for r in slowest))
    regressions = check_expected(by_suite, expected, pattern, suites)
    if write_targets:
        write_expected(by_suite, write_targets)

    everything = [r for rs in by_suite.values() for r in rs]
    broken = [r for r in everything if r.cls in ("crash", "timeout")]
    for r in broken:
        print(f"TOOL FAILURE: {r.suite}/{r.name} ({r.cls}: {r.detail})")
    print(f"crashes and timeouts: {len(broken)}")
    if args.json:
        args.json.write_text(json.dumps(
            {"rtol": RTOL, "atol": ATOL,
             "suites": {s: {"dir": str(suites[s]),
                            "tests": [dataclasses.asdict(r) for r in rs]}
                        for s, rs in by_suite.items()}},
            indent=1) + "\n")
    passed = sum(r.cls == "pass" for r in everything)
    print(f"{passed} passed, {len(everything) - passed} failed")
    return 1 if regressions or broken else 0


if __name__ == "__main__":
    sys.exit(main())
