"""torch.onnx export for mlc.compile_torch (imported only when used)."""

from __future__ import annotations


def export(module, example_inputs, path, *, opset, input_names, output_names,
           dynamic_axes):
    import torch

    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = tuple(example_inputs)
    if input_names is None:
        input_names = ["input_%d" % i for i in range(len(example_inputs))]
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            outputs = module(*example_inputs)
        count = len(outputs) if isinstance(outputs, (tuple, list)) else 1
        if output_names is None:
            output_names = ["output_%d" % i for i in range(count)]
        with torch.no_grad():
            torch.onnx.export(module, example_inputs, path,
                              opset_version=opset,
                              input_names=list(input_names),
                              output_names=list(output_names),
                              dynamic_axes=dict(dynamic_axes or {}),
                              do_constant_folding=True)
    finally:
        module.train(was_training)
