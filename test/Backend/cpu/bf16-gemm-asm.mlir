// A bf16 conv and matmul (as --quantize=bf16 leaves them) compile to
// vdpbf16ps register tiles where the target has AVX512-BF16, to bfdot
// ones on AArch64 with BF16, and to the f32 FMA register tiles (operands
// widened) where the target has neither.
// RUN: mlc-compile %s --target=x86_64 --cpu=x86-64-v4 --mattr=+avx512bf16 --emit=asm -o - | FileCheck %s --check-prefix=BF16
// RUN: mlc-compile %s --target=x86_64 --cpu=x86-64-v4 --emit=asm -o - | FileCheck %s --check-prefix=V4
// RUN: mlc-compile %s --target=x86_64 --cpu=x86-64-v3 --emit=asm -o - | FileCheck %s --check-prefix=V3
// RUN: mlc-compile %s --target=aarch64 --emit=asm -o - | FileCheck %s --check-prefix=ARM
// RUN: mlc-compile %s --target=aarch64 --mattr=+bf16 --emit=asm -o - | FileCheck %s --check-prefix=ARM-BF16

// BF16: vdpbf16ps {{.*}}%zmm
// V4-NOT: vdpbf16ps
// V4: vfmadd{{.*}}ps {{.*}}%zmm
// V4-NOT: vdpbf16ps
// V3-NOT: vdpbf16ps
// V3: vfmadd{{.*}}ps {{.*}}%ymm
// V3-NOT: vdpbf16ps
// ARM-NOT: bfdot
// ARM: fmla v{{[0-9]+}}.4s
// ARM-NOT: bfdot
// ARM-BF16: bfdot v{{[0-9]+}}.4s, v{{[0-9]+}}.8h, v{{[0-9]+}}.8h
func.func @main(%x: tensor<1x16x16x32xf32>) -> tensor<1x256x64xf32> {
  %w = mlc.constant dense<0.5> : tensor<64x3x3x32xbf16>
  %b = mlc.constant dense<0.25> : tensor<64xbf16>
  %m = mlc.constant dense<0.125> : tensor<64x64xbf16>
  %xb = mlc.cast %x : (tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xbf16>
  %c = mlc.conv2d %xb, %w, %b {layout = "NHWC", pads = array<i64: 1, 1, 1, 1>} : (tensor<1x16x16x32xbf16>, tensor<64x3x3x32xbf16>, tensor<64xbf16>) -> tensor<1x16x16x64xbf16>
  %r = mlc.relu %c : (tensor<1x16x16x64xbf16>) -> tensor<1x16x16x64xbf16>
  %f = mlc.reshape %r {shape = array<i64: 1, 256, 64>} : (tensor<1x16x16x64xbf16>) -> tensor<1x256x64xbf16>
  %y = mlc.matmul %f, %m : (tensor<1x256x64xbf16>, tensor<64x64xbf16>) -> tensor<1x256x64xbf16>
  %o = mlc.cast %y : (tensor<1x256x64xbf16>) -> tensor<1x256x64xf32>
  return %o : tensor<1x256x64xf32>
}
