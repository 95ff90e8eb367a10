#!/usr/bin/env bash
# resnet50 on the CUDA backend (needs a GPU): exported with Debian's torch
# at batch 1 and 32, compiled with --target=cuda, checked against
# onnxruntime on the CPU at rtol 1e-2 (f16 Tensor Core convolutions), then
# timed with mlc-run --bench.
#   bash utils/bench/cuda_resnet50.sh [BUILD_DIR] [SM]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$repo/build}"
sm="${2:-80}"
python="${MLC_VENV:-$repo/.venv}/bin/python"
work="$(mktemp -d /tmp/mlc-cuda-r50.XXXXXX)"
for batch in 1 32; do
  /usr/bin/python3 "$repo/utils/models/export_torch_models.py" "$work/b$batch" \
    --models resnet50 --opsets 17 --batch "$batch" > /dev/null
  model="$work/b$batch/resnet50-op17.onnx"
  "$python" "$repo/utils/e2e/check_model.py" "$model" --target cuda \
    --compile-arg="--cuda-sm=$sm" --rtol 1e-2 --atol 1e-3 \
    --mlc-compile "$build/bin/mlc-compile" --mlc-run "$build/bin/mlc-run" \
    --workdir "$work/b$batch/check"
  "$python" -c "import numpy as np; np.save('$work/b$batch/x.npy', np.random.RandomState(0).randn($batch, 3, 224, 224).astype(np.float32))"
  "$build/bin/mlc-compile" "$model" --target=cuda --cuda-sm="$sm" -o "$work/b$batch/r50.so"
  echo "batch $batch:"
  "$build/bin/mlc-run" "$work/b$batch/r50.so" --input "$work/b$batch/x.npy" --bench 50 --warmup 5 | tail -1
done
