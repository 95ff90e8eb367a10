"""MLC from Python: compile ONNX models ahead of time and run them.

    import mlc
    artifact = mlc.compile("model.onnx")            # an mlc.Artifact (model.so)
    session = mlc.Session(artifact)
    outputs = session.run(None, {"x": x})           # as onnxruntime's run

`compile` takes the options of `mlc-compile` and raises `mlc.CompileError`
with the diagnostics it prints; `Session` loads an artifact (the C ABI of
include/mlc/Runtime/mlc_runtime.h) and runs it on numpy arrays, raising
`mlc.InvalidArgument` for inputs that do not fit the model and `mlc.Error`
for other failures. See docs/Python.md.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ._mlc import ABI_VERSION, CompileError, Error, InvalidArgument
from ._mlc import _compile, _graph_values, _imported_onnx_ops, _Session

for _error in (Error, CompileError, InvalidArgument):
    _error.__module__ = "mlc"

__all__ = [
    "ABI_VERSION",
    "Artifact",
    "CompileError",
    "Error",
    "InvalidArgument",
    "NodeArg",
    "Session",
    "compile",
    "imported_onnx_ops",
    "compile_torch",
]

# onnx.TensorProto.DataType codes (the mlc_dtype values) -> ONNX type names.
_ONNX_TYPE_NAMES = {
    1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
    7: "int64", 9: "bool", 10: "float16", 11: "double", 12: "uint32",
    13: "uint64", 16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz",
    19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4",
    23: "float4e2m1",
}

# The numpy dtype a tensor of each element type travels in. Types numpy
# lacks travel as their bit patterns: bfloat16 in uint16, the float8 and
# 4-bit types in uint8 (one value per byte, as the C ABI stores them).
_NUMPY_DTYPES = {
    1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16",
    6: "int32", 7: "int64", 9: "bool", 10: "float16", 11: "float64",
    12: "uint32", 13: "uint64", 16: "uint16", 17: "uint8", 18: "uint8",
    19: "uint8", 20: "uint8", 21: "uint8", 22: "uint8", 23: "uint8",
}


@dataclass(frozen=True)
class NodeArg:
    """A model input or output, as onnxruntime's NodeArg: `shape` holds an
    int per static dimension and, per dynamic one, its ONNX dim_param (a
    str) or None when the model gives it no name; `type` is onnxruntime's
    'tensor(float)' form and `dtype` the numpy dtype name of the arrays."""

    name: str
    shape: list
    type: str
    dtype: str


def _node_args(infos, dim_names) -> list[NodeArg]:
    result = []
    for index, (name, code, shape) in enumerate(infos):
        names = dim_names.get(name, [])
        dims = []
        for d, dim in enumerate(shape):
            if dim >= 0:
                dims.append(dim)
            else:
                dims.append(names[d] if d < len(names) and names[d] else None)
        result.append(NodeArg(name, dims,
                              "tensor(%s)" % _ONNX_TYPE_NAMES.get(code, "?"),
                              _NUMPY_DTYPES.get(code, "uint8")))
    return result


class Artifact:
    """A compiled model: `path` (the shared library, or with emit other
    than "so" the file written), `inputs` and `outputs` (NodeArg lists, for
    a shared library) and `diagnostics` (what the compiler printed on
    success: warnings, remarks; print_partition writes to stderr). An artifact written to a
    temporary directory (compile without `output`) lives as long as this
    object and the sessions opened on it."""

    def __init__(self, path: str, emit: str = "so",
                 dim_names: Mapping[str, list] | None = None,
                 diagnostics: str = "", _tempdir=None):
        self.path = os.fspath(path)
        self.emit = emit
        self.diagnostics = diagnostics
        self._tempdir = _tempdir
        self._dim_names = dict(dim_names or {})
        self.inputs: list[NodeArg] | None = None
        self.outputs: list[NodeArg] | None = None
        if emit == "so":
            try:
                probe = _Session(self.path, 1)
            except Error:
                # Not loadable here: another architecture (target="aarch64")
                # or a device runtime that cannot start.
                return
            self.inputs = _node_args(probe._infos(False), self._dim_names)
            self.outputs = _node_args(probe._infos(True), self._dim_names)

    def __fspath__(self) -> str:
        return self.path

    def __repr__(self) -> str:
        return "mlc.Artifact(%r)" % self.path


def _model_to_file(model, directory: str) -> str:
    """The path of `model` (a path, bytes or an onnx.ModelProto), written
    into `directory` when it is not a file already."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if isinstance(model, (bytes, bytearray, memoryview)):
        data = bytes(model)
    elif hasattr(model, "SerializeToString"):
        data = model.SerializeToString()
    else:
        raise TypeError("model must be a path, bytes or an onnx.ModelProto, "
                        "not %s" % type(model).__name__)
    path = os.path.join(directory, "model.onnx")
    with open(path, "wb") as f:
        f.write(data)
    return path


def _write_calibration_data(data, input_names: Sequence[str],
                            directory: str) -> str:
    """Writes calibration samples given from Python as mlc-compile's .npy
    layout (input_<i>.npy, [S, ...input shape]); a path is used as it is.
    `data` is {input name: array [S, ...]} or a list of samples, each a
    {input name: array} of the input's shape."""
    import numpy as np

    if isinstance(data, (str, os.PathLike)):
        return os.fspath(data)
    if isinstance(data, Mapping):
        stacked = {name: np.asarray(value) for name, value in data.items()}
    else:
        samples = list(data)
        if not samples or not all(isinstance(s, Mapping) for s in samples):
            raise TypeError("calibration_data must be a directory, a dict of "
                            "input name to [S, ...] arrays or a non-empty "
                            "list of dicts of input name to array")
        stacked = {name: np.stack([np.asarray(s[name]) for s in samples])
                   for name in samples[0]}
    unknown = sorted(set(stacked) - set(input_names))
    if unknown:
        raise InvalidArgument("calibration_data names unknown input(s) %s "
                              "(the model's inputs: %s)"
                              % (", ".join(map(repr, unknown)),
                                 ", ".join(map(repr, input_names))))
    missing = [name for name in input_names if name not in stacked]
    if missing:
        raise InvalidArgument("calibration_data has no samples for input(s) "
                              "%s" % ", ".join(map(repr, missing)))
    path = os.path.join(directory, "calibration")
    os.makedirs(path)
    for index, name in enumerate(input_names):
        np.save(os.path.join(path, "input_%d.npy" % index),
                np.ascontiguousarray(stacked[name]))
    return path


def compile(model, output: str | os.PathLike | None = None, *,
            target: str = "host", cpu: str | None = None,
            mattr: str | None = None, opt_level: int = 2,
            layout: str = "auto", quantize: str | None = None,
            calibration_data=None, calibration_method: str = "minmax",
            calibration_percentile: float = 99.99,
            calibration_file: str | os.PathLike | None = None,
            quant_report: str | os.PathLike | None = None,
            keep_float: Iterable[str] | None = None,
            lower_quant: bool = True, cuda_sm: int = 80,
            cuda_gemm: str = "wmma", emit: str = "so",
            print_partition: bool = False,
            backend_options: dict | None = None,
            max_memory: str | int | None = None,
            input_structure: Mapping[str, str] | None = None,
            max_loop_iterations: int = 0) -> Artifact:
    """Compiles `model` (a path to .onnx or .mlir, ONNX bytes, or an
    onnx.ModelProto) as `mlc-compile` does; each keyword is one of its
    flags (opt_level=N is -ON, mattr is --mattr, emit is --emit, max_memory
    is --max-memory: bytes, or a size such as "512M", input_structure is
    --input-structure: {"seq_input": "seq([2,3],[4,3])", "opt": "none"},
    max_loop_iterations is --max-loop-iterations, ...).
    cpu, mattr, cuda_sm and cuda_gemm are backend options (--cpu, ...);
    `backend_options` sets any backend's, a plug-in's too, by flag name:
    {"cuda-sm": 90, "npu-example-ops": "matmul"}.
    `calibration_data` may also be arrays: {input name: [S, ...]} or a list
    of {input name: array} samples. Without `output`, the artifact goes to
    a temporary directory owned by the returned Artifact. Raises
    mlc.CompileError with the compiler's located diagnostics."""
    if isinstance(opt_level, bool) or not isinstance(opt_level, int) \
            or opt_level < 0:
        raise CompileError("error: -O must be 0, 1, 2 or 3")
    if not isinstance(cuda_sm, int) or cuda_sm < 0:
        raise CompileError("error: unsupported --cuda-sm=%s (expected 80, "
                           "86, 89 or 90)" % cuda_sm)
    tempdir = tempfile.TemporaryDirectory(prefix="mlc-")
    keep_tempdir = False
    try:
        input_path = _model_to_file(model, tempdir.name)
        graph = None
        if not input_path.endswith(".mlir"):
            graph = _graph_values(input_path)
        calibration_path = ""
        if calibration_data is not None:
            names = [name for name, _ in graph[0]] if graph else []
            calibration_path = _write_calibration_data(
                calibration_data, names, tempdir.name)
        if output is None:
            if emit != "so":
                raise CompileError("error: emit=%r needs an output path"
                                   % emit)
            output_path = os.path.join(tempdir.name, "model.so")
            keep_tempdir = True
        else:
            output_path = os.fspath(output)
        options = [("cuda-sm", str(cuda_sm)), ("cuda-gemm", cuda_gemm),
                   ("cpu", cpu or ""), ("mattr", mattr or "")]
        for name, value in (backend_options or {}).items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            options.append((str(name).lstrip("-"), str(value)))
        diagnostics = _compile(
            input_path, output_path, target, options, opt_level, layout,
            emit, print_partition,
            quantize or "", calibration_path, calibration_method,
            float(calibration_percentile),
            os.fspath(calibration_file) if calibration_file else "",
            os.fspath(quant_report) if quant_report else "",
            list(keep_float or []), lower_quant,
            "" if max_memory is None else str(max_memory),
            ["%s=%s" % (name, spec)
             for name, spec in (input_structure or {}).items()],
            int(max_loop_iterations))
        if input_path.startswith(tempdir.name):
            diagnostics = diagnostics.replace(input_path, "<model bytes>")
        dim_names = {}
        if graph:
            for values in graph:
                dim_names.update({name: dims for name, dims in values})
        return Artifact(output_path, emit, dim_names, diagnostics,
                        tempdir if keep_tempdir else None)
    except CompileError as error:
        message = str(error)
        if not isinstance(model, (str, os.PathLike)):
            message = message.replace(
                os.path.join(tempdir.name, "model.onnx"), "<model bytes>")
        keep_tempdir = False
        raise CompileError(message) from None
    finally:
        if not keep_tempdir:
            tempdir.cleanup()


class Session(_Session):
    """A compiled model loaded for running, with onnxruntime's
    InferenceSession API: get_inputs(), get_outputs(), run(output_names,
    {name: array}). `threads` is the size of the model's thread pool.

    Inputs that are C-contiguous arrays of the model's dtype are passed to
    the compiled code without a copy; other arrays and array-likes are made
    contiguous first (numpy.ascontiguousarray), and a dtype other than the
    model's raises mlc.InvalidArgument (no silent casts), as do missing or
    unknown names and shapes the model does not take. Outputs are new
    arrays the model wrote into. One session runs one call at a time
    (calls from several threads wait for each other); sessions are
    independent."""

    def __init__(self, artifact_or_path, threads: int = 1):
        if isinstance(artifact_or_path, Artifact):
            if artifact_or_path.emit != "so":
                raise Error("cannot run an artifact emitted as %r"
                            % artifact_or_path.emit)
            self._artifact = artifact_or_path
            dim_names = artifact_or_path._dim_names
        else:
            self._artifact = None
            dim_names = {}
        if isinstance(threads, bool) or not isinstance(threads, int):
            raise InvalidArgument("threads must be an int")
        super().__init__(os.fspath(artifact_or_path), threads)
        self._inputs = _node_args(self._infos(False), dim_names)
        self._outputs = _node_args(self._infos(True), dim_names)

    @property
    def path(self) -> str:
        return self._path

    def get_inputs(self) -> list[NodeArg]:
        return list(self._inputs)

    def get_outputs(self) -> list[NodeArg]:
        return list(self._outputs)

    def benchmark(self, inputs: Mapping[str, Any], runs: int = 100,
                  warmup: int = 5) -> dict:
        """Times `runs` calls of the compiled model on `inputs` (after
        `warmup` untimed ones), as `mlc-run --bench`: returns
        {"runs", "median_ms", "p95_ms", "p99_ms", "max_ms"}. Inputs are
        converted once and output buffers reused, so the numbers are the
        model's own, without the Python call."""
        return self._benchmark(inputs, runs, warmup)

    def __repr__(self) -> str:
        return "mlc.Session(%r)" % self.path


def imported_onnx_ops() -> dict[str, list[tuple[int, int]]]:
    """The ONNX ops (default domain) the importer takes, each with the
    opset ranges [first, last] it imports, merged where they touch:
    {"Add": [(7, 24)], ...}. docs/SupportedOps.md is generated from it."""
    ops: dict[str, list[tuple[int, int]]] = {}
    for op, since, until in _imported_onnx_ops():
        ops.setdefault(op, []).append((since, until))
    for op, ranges in ops.items():
        merged: list[tuple[int, int]] = []
        for since, until in sorted(ranges):
            if merged and since <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], until))
            else:
                merged.append((since, until))
        ops[op] = merged
    return dict(sorted(ops.items()))


def compile_torch(module, example_inputs, output=None, *, opset: int = 17,
                  input_names: Sequence[str] | None = None,
                  output_names: Sequence[str] | None = None,
                  dynamic_axes: Mapping | None = None,
                  **compile_options) -> Artifact:
    """Exports a torch.nn.Module with torch.onnx.export (in eval mode, on
    `example_inputs`, a tensor or a tuple of them) and compiles it with
    `compile(**compile_options)`. `input_names` default to input_0, ...,
    `output_names` to output_0, ...; `dynamic_axes` is torch.onnx's (e.g.
    {"input_0": {0: "batch"}}). Needs torch."""
    from ._torch import export

    with tempfile.TemporaryDirectory(prefix="mlc-torch-") as directory:
        path = os.path.join(directory, "model.onnx")
        export(module, example_inputs, path, opset=opset,
               input_names=input_names, output_names=output_names,
               dynamic_axes=dynamic_axes)
        with open(path, "rb") as f:
            data = f.read()
    return compile(data, output, **compile_options)
