# mlc.compile_torch: a torch.nn.Module exported with torch.onnx (a dynamic
# batch) and compiled, matching torch's own outputs at rtol 1e-4 / atol 1e-5
# at batch 1 and 3. Then the README's ten lines: torchvision's resnet18,
# exported, compiled and compared with onnxruntime.
# REQUIRES: torch
# RUN: rm -rf %t && mkdir -p %t
# RUN: %torch_python %s
# RUN: %torch_python %utils/models/export_torch_models.py %t --models resnet18 --opsets 17 > /dev/null 2>&1
# RUN: cd %t && %python %S/Inputs/run_doc_example.py %mlc_src/README.md resnet18 | FileCheck %s
# CHECK: running {{([1-9]|10)}} lines of
# CHECK: PASS

import numpy as np
import torch

import mlc


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, x, scale):
        y = torch.relu(self.bn(self.conv(x)))
        y = torch.nn.functional.adaptive_avg_pool2d(y, 1).flatten(1)
        return torch.softmax(self.fc(y) * scale, dim=-1), y


torch.manual_seed(0)
net = Net()
with torch.no_grad():
    net.bn.running_mean.uniform_(-0.5, 0.5)
    net.bn.running_var.uniform_(0.5, 2.0)
example = (torch.randn(2, 3, 16, 16), torch.tensor([2.0]))
artifact = mlc.compile_torch(
    net, example, input_names=["x", "scale"], output_names=["probs", "feat"],
    dynamic_axes={"x": {0: "batch"}, "probs": {0: "batch"},
                  "feat": {0: "batch"}})
session = mlc.Session(artifact)
assert [(i.name, i.shape) for i in session.get_inputs()] == \
    [("x", ["batch", 3, 16, 16]), ("scale", [1])], session.get_inputs()
assert net.training  # compile_torch put it back in training mode
net.eval()
for batch in (1, 3):
    x = torch.randn(batch, 3, 16, 16)
    scale = torch.tensor([0.5])
    with torch.no_grad():
        expected = [t.numpy() for t in net(x, scale)]
    ours = session.run(None, {"x": x.numpy(), "scale": scale.numpy()})
    for a, b in zip(ours, expected):
        assert a.shape == b.shape, (a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
print("PASS")
