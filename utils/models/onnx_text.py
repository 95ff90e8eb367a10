#!/usr/bin/env python3
"""Turn ONNX's textual syntax into a binary .onnx model (for importer lit tests).

Usage:
    python onnx_text.py IN.onnxtxt -o OUT.onnx [--no-check]

IN holds one model in the syntax of onnx.parser, for example

    # RUN: %python %utils/models/onnx_text.py %s -o %t.onnx
    # RUN: mlc-translate --import-onnx %t.onnx | FileCheck %s
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2, 3] x) => (float[2, 3] y) { y = Relu(x) }

Lines starting with '#' are comments (lit's RUN/CHECK lines live there). The model
is checked with onnx.checker unless --no-check is given, so that a test of a
malformed model is explicit about it.

The lit suite runs this script about 200 times. `import onnx` takes about a
second (most of it in ml_dtypes), while parsing and checking take
milliseconds in onnx's C++ extension and need nothing else: the script loads
that extension alone, from the onnx package's directory, and writes the bytes
the C++ parser serializes. Where that fails (an onnx without the extension's
parser/checker functions), it goes through `import onnx` as before.
"""

from __future__ import annotations

import argparse
import glob
import importlib.machinery
import importlib.util
import os
import sys


class ConversionError(Exception):
    """The text does not parse, or the model fails onnx.checker."""


def onnx_cpp_extension():
    """onnx.onnx_cpp2py_export, loaded without running onnx/__init__.py."""
    spec = importlib.util.find_spec("onnx")
    if spec is None or not spec.submodule_search_locations:
        return None
    name = "onnx.onnx_cpp2py_export"
    for path in glob.glob(os.path.join(spec.submodule_search_locations[0],
                                       "onnx_cpp2py_export*.so")):
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_loader(name, loader))
        loader.exec_module(module)
        return module
    return None


def convert_fast(text: str, check: bool) -> bytes | None:
    """The serialized model through the C++ extension alone; None when the
    extension is not there or lacks the functions this relies on."""
    try:
        cpp = onnx_cpp_extension()
        parse_model = cpp.parser.parse_model
        check_model = cpp.checker.check_model
        validation_error = cpp.checker.ValidationError
    except (ImportError, AttributeError, OSError):
        return None
    success, message, model = parse_model(text)
    if not success:
        raise ConversionError(message.decode() if isinstance(message, bytes) else message)
    if check:
        try:
            check_model(model, True, False, False)
        except validation_error as e:
            raise ConversionError(str(e)) from e
    return model


def convert_slow(text: str, check: bool) -> bytes:
    import onnx
    import onnx.checker
    import onnx.parser
    try:
        model = onnx.parser.parse_model(text)
    except onnx.parser.ParseError as e:
        raise ConversionError(str(e)) from e
    if check:
        try:
            onnx.checker.check_model(model, full_check=True)
        except onnx.checker.ValidationError as e:
            raise ConversionError(str(e)) from e
    return model.SerializeToString()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--no-check", action="store_true",
                        help="skip onnx.checker (for deliberately invalid models)")
    args = parser.parse_args()

    with open(args.input, encoding="utf-8") as f:
        text = "".join(line for line in f if not line.lstrip().startswith("#"))
    try:
        model = convert_fast(text, not args.no_check)
        if model is None:
            model = convert_slow(text, not args.no_check)
    except ConversionError as e:
        print(f"{args.input}: error: {e}", file=sys.stderr)
        return 1
    with open(args.output, "wb") as f:
        f.write(model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
