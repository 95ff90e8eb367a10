"""Writes the mlc.requantize test module and its input, or checks the
output of the compiled module against the op's definition evaluated with
Python's exact integers:
    y = clamp(zp + ((x * m + 2^(s-1)) >> s), min, max)

    requantize_exact.py write CASE DIR      -> DIR/CASE.mlir, DIR/CASE.npy
    requantize_exact.py check CASE OUT      -> compares OUT/output_0.pb
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

# (multiplier, shift) per channel. `high` are all >= 33 (the i32 high-word
# lowering), `low` includes shifts below 33 (the i64 lowering).
CASES = {
    "high": [(1518500250, 33), (2147483647, 45), (1073741824, 62),
             (1431655765, 38), (2147483647, 33), (1, 40)],
    "low": [(1518500250, 31), (2147483647, 45), (1073741824, 33),
            (1431655765, 1), (2147483647, 32), (1, 40)],
}
ZP, LO, HI = -3, -128, 127
ROWS = 4096


def inputs(channels: int) -> np.ndarray:
    rng = np.random.RandomState(0)
    acc = rng.randint(-2**31, 2**31, size=(ROWS, channels), dtype=np.int64)
    edges = [-2**31, 2**31 - 1, -1, 0, 1, 2**30, -2**30, 2**16, -2**16]
    acc[:len(edges), :] = np.array(edges)[:, None]
    # Small values, where rounding ties and the clamp matter most.
    acc[len(edges):1024, :] = rng.randint(-2**12, 2**12,
                                          size=(1024 - len(edges), channels))
    return acc.astype(np.int32)


def module(name: str) -> str:
    ms = ", ".join(str(m) for m, _ in CASES[name])
    ss = ", ".join(str(s) for _, s in CASES[name])
    t = f"tensor<{ROWS}x{len(CASES[name])}"
    return (f"func.func @main(%acc: {t}xi32>) -> {t}xi8> {{\n"
            f"  %y = mlc.requantize %acc {{multipliers = array<i32: {ms}>, "
            f"shifts = array<i64: {ss}>, axis = 1 : i64, output_zero_point = "
            f"{ZP} : i64, min = {LO} : i64, max = {HI} : i64}} : ({t}xi32>) -> "
            f"{t}xi8>\n  return %y : {t}xi8>\n}}\n")


def main() -> int:
    mode, name, root = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    acc = inputs(len(CASES[name]))
    if mode == "write":
        root.mkdir(parents=True, exist_ok=True)
        (root / f"{name}.mlir").write_text(module(name))
        np.save(root / f"{name}.npy", acc)
        return 0
    got = numpy_helper.to_array(onnx.load_tensor(str(root / "output_0.pb")))
    bad = 0
    for c, (m, s) in enumerate(CASES[name]):
        for r in range(ROWS):
            x = int(acc[r, c])
            want = min(max(ZP + ((x * m + (1 << (s - 1))) >> s), LO), HI)
            if int(got[r, c]) != want:
                if bad < 5:
                    print(f"MISMATCH row {r} channel {c}: x={x} m={m} s={s} "
                          f"got {int(got[r, c])} want {want}")
                bad += 1
    print(f"{name}: {ROWS * len(CASES[name])} values, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
