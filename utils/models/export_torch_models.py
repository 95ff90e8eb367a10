#!/usr/bin/env python3
"""Export the reference networks of MLC's model tests from PyTorch to ONNX.

Usage (Debian's torch: apt-get install python3-torch python3-torchvision):
    /usr/bin/python3 export_torch_models.py OUTDIR [--models resnet18,resnet50,...]
        [--opsets 13,17] [--batch 1] [--dynamic-batch] [--fold-bn] [--seed 0]
        [--cache DIR]

Writes OUTDIR/<model>-op<opset>.onnx (and -dyn.onnx with --dynamic-batch, whose
batch dimension is symbolic, and with --dynamic-seq transformer-op<N>-seq.onnx,
whose batch and sequence length are) for:
  resnet18, resnet50, mobilenet_v2   torchvision architectures, random weights
  transformer                        a 2-layer transformer encoder (d_model 256,
                                     4 heads, GELU feed-forward, LayerNorm),
                                     input [batch, 64, 256]

Models are exported from eval mode with TrainingMode.PRESERVE, so that
BatchNormalization nodes stay in the graph (the default EVAL export fuses them
into the convolutions, which would leave MLC's own BN folding untested), and with
constant folding on. With --fold-bn they are exported as torch.onnx does by
default (TrainingMode.EVAL: the exporter folds BatchNormalization into the
convolutions and shares equal initializers, such as the zero biases of random
weights, through Identity nodes), to <model>-op<N>-foldbn.onnx. Weights come from torch.manual_seed(seed): the same seed gives
the same weights. Only torch and torchvision are needed, not the onnx package.

With --cache DIR, each file is exported once into DIR, named after a key that
hashes this script, the torch and torchvision versions and every argument that
shapes the file (model, opset, variant, batch, seed), and then hard-linked (or
copied) into OUTDIR; a later call with the same key exports nothing. Parallel
calls (lit runs tests in parallel) wait for each other on a lock file per key.
The lit suite passes <build>/test/torch-model-cache: a build exports each model
once, however many tests use it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import sys
from pathlib import Path

import torch
import torchvision


class TransformerEncoder(torch.nn.Module):
    """What a BERT-style encoder block stack exports to: attention built from
    MatMul/Softmax, GELU and LayerNorm (decomposed before opset 17)."""

    def __init__(self, d_model: int = 256, heads: int = 4, layers: int = 2):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(
            d_model, heads, dim_feedforward=4 * d_model, dropout=0.0,
            activation="gelu", batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, layers,
                                                   enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


def build(name: str) -> tuple[torch.nn.Module, tuple[int, ...]]:
    if name == "transformer":
        return TransformerEncoder(), (64, 256)
    constructor = getattr(torchvision.models, name)
    return constructor(), (3, 224, 224)


def cache_key(args: argparse.Namespace, name: str, opset: int, suffix: str) -> str:
    """A hash of everything that shapes one exported file."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"torch {torch.__version__}; torchvision {torchvision.__version__}; "
                  f"{name}; {opset}; {suffix}; {args.batch}; {args.seed}; "
                  f"{args.fold_bn}".encode())
    return digest.hexdigest()[:24]


@contextlib.contextmanager
def locked(path: Path):
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def place(cached: Path, path: Path) -> None:
    """cached at path: a hard link where the file system allows, else a copy
    (tests may delete their copy, never change it)."""
    path.unlink(missing_ok=True)
    try:
        os.link(cached, path)
    except OSError:
        shutil.copyfile(cached, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--models", default="resnet18,resnet50,mobilenet_v2,transformer")
    parser.add_argument("--opsets", default="13,17")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--dynamic-batch", action="store_true",
                        help="also write <model>-op<N>-dyn.onnx with a symbolic batch")
    parser.add_argument("--dynamic-seq", action="store_true",
                        help="transformer only: also write transformer-op<N>-seq.onnx "
                        "with a symbolic batch and sequence length")
    parser.add_argument("--fold-bn", action="store_true",
                        help="export with TrainingMode.EVAL (BatchNormalization "
                        "folded by the exporter) to <model>-op<N>-foldbn.onnx")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="export each file once into DIR and link it from there")
    args = parser.parse_args()

    args.outdir.mkdir(parents=True, exist_ok=True)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    for name in args.models.split(","):
        torch.manual_seed(args.seed)
        model, sample_shape = build(name)
        model.eval()
        x = torch.randn(args.batch, *sample_shape)
        for opset in (int(o) for o in args.opsets.split(",")):
            variants = [("-foldbn" if args.fold_bn else "", None)]
            if args.dynamic_batch:
                variants.append(("-dyn", {"input": {0: "batch"}, "output": {0: "batch"}}))
            if args.dynamic_seq and name == "transformer":
                axes = {0: "batch", 1: "seq"}
                variants.append(("-seq", {"input": axes, "output": axes}))
            for suffix, dynamic_axes in variants:
                path = args.outdir / f"{name}-op{opset}{suffix}.onnx"

                def export(to: Path) -> None:
                    # Not under no_grad: with gradients enabled torch's
                    # transformer layers take their plain path (MatMul/
                    # Softmax/LayerNorm), not the fused kernel that has no
                    # ONNX export.
                    torch.onnx.export(
                        model, x, str(to), opset_version=opset,
                        training=(torch.onnx.TrainingMode.EVAL if args.fold_bn
                                  else torch.onnx.TrainingMode.PRESERVE),
                        do_constant_folding=True, input_names=["input"],
                        output_names=["output"], dynamic_axes=dynamic_axes)

                if not args.cache:
                    export(path)
                    print(f"wrote {path}")
                    continue
                key = cache_key(args, name, opset, suffix)
                cached = args.cache / f"{path.stem}-{key}.onnx"
                with locked(args.cache / f"{path.stem}-{key}.lock"):
                    how = "from the cache"
                    if not cached.is_file():
                        partial = args.cache / f"{path.stem}-{key}.partial"
                        export(partial)
                        os.replace(partial, cached)
                        how = "exported into the cache"
                    place(cached, path)
                print(f"wrote {path} ({how}: {cached.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
