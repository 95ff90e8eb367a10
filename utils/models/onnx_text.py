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
"""

from __future__ import annotations

import argparse
import sys

import onnx
import onnx.parser


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
        model = onnx.parser.parse_model(text)
    except onnx.parser.ParseError as e:
        print(f"{args.input}: error: {e}", file=sys.stderr)
        return 1
    if not args.no_check:
        onnx.checker.check_model(model, full_check=True)
    onnx.save(model, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
