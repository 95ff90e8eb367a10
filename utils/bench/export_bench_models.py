#!/usr/bin/env python3
"""Export the networks of bench_models.py from PyTorch to ONNX (batch 1).

Usage (Debian's torch, not the venv: apt-get install python3-torch python3-torchvision):
    /usr/bin/python3 export_bench_models.py OUTDIR [--models resnet50,...]
        [--opset 17] [--seed 0]

Writes OUTDIR/<model>.onnx for:
  resnet18, resnet50, mobilenet_v2   torchvision architectures, random weights,
                                     input [1, 3, 224, 224]
  transformer                        a transformer encoder as in
                                     utils/models/export_torch_models.py but at
                                     the size of issue 14's target: d_model 256,
                                     4 heads, 4 layers, GELU feed-forward 1024,
                                     input [1, 128, 256], each layer with its
                                     own random weights

Unlike utils/models/export_torch_models.py (which keeps BatchNormalization to
test MLC's folding), this exports in eval mode as users do, with constant
folding: the graphs both MLC and onnxruntime get are what a user would give
them. The same seed gives the same weights.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
import torchvision

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from export_torch_models import TransformerEncoder  # noqa: E402

MODELS = ("resnet50", "resnet18", "mobilenet_v2", "transformer")


def build(name: str) -> tuple[torch.nn.Module, tuple[int, ...]]:
    if name == "transformer":
        model = TransformerEncoder(d_model=256, heads=4, layers=4)
        # nn.TransformerEncoder deep-copies one layer: redraw the matrices so
        # that the layers differ (the exporter would share identical ones).
        for param in model.parameters():
            if param.dim() > 1:
                torch.nn.init.xavier_uniform_(param)
        return model, (1, 128, 256)
    return getattr(torchvision.models, name)(), (1, 3, 224, 224)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    args.outdir.mkdir(parents=True, exist_ok=True)
    for name in args.models.split(","):
        if name not in MODELS:
            parser.error(f"unknown model '{name}' (known: {', '.join(MODELS)})")
        torch.manual_seed(args.seed)
        model, shape = build(name)
        model.eval()
        x = torch.randn(*shape)
        path = args.outdir / f"{name}.onnx"
        # Not under no_grad: with gradients enabled torch's transformer layers
        # take their plain path (MatMul/Softmax/LayerNorm), not the fused
        # kernel that has no ONNX export.
        torch.onnx.export(model, x, str(path), opset_version=args.opset,
                          do_constant_folding=True, input_names=["input"],
                          output_names=["output"])
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
