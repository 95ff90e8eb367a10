// Quantized conv (u8 activation, as mlc-lower-quant leaves it) and matmul
// (s8 activation) compile to the target's integer dot-product instructions.
// RUN: mlc-compile %s --target=x86_64 --mattr=+avx512vnni,+avx512vl --emit=asm -o - | FileCheck %s --check-prefix=VNNI
// RUN: mlc-compile %s --target=x86_64 --mattr=+avxvnni --emit=asm -o - | FileCheck %s --check-prefix=AVXVNNI
// RUN: mlc-compile %s --target=x86_64 --mattr=+avx2 --emit=asm -o - | FileCheck %s --check-prefix=AVX2
// RUN: mlc-compile %s --target=aarch64 --mattr=+dotprod --emit=asm -o - | FileCheck %s --check-prefix=DOT
// RUN: mlc-compile %s --target=aarch64 --mattr=+dotprod,+i8mm --emit=asm -o - | FileCheck %s --check-prefix=I8MM
// RUN: mlc-opt %s --convert-mlc-to-linalg | mlc-opt --mlc-cpu-int8-gemm=isa=x86-vnni | FileCheck %s --check-prefix=IR

// VNNI: vpdpbusd {{.*}}%ymm
// AVXVNNI: {vex} vpdpbusd
// AVX2: vpmaddwd {{.*}}%ymm
// AVX2-NOT: vpmulld
// DOT: sdot v{{[0-9]+}}.4s
// I8MM-DAG: usdot v{{[0-9]+}}.4s
// I8MM-DAG: sdot v{{[0-9]+}}.4s
// IR: func.func private @llvm.x86.avx512.vpdpbusd.256(vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32> attributes {mlc.intrinsic}
// IR: scf.for
// IR: func.call @llvm.x86.avx512.vpdpbusd.256
// The s8 matmul has no vpdpbusd form (u8 x s8): it stays a generic.
// IR: linalg.generic
// IR: arith.extsi
func.func @main(%xq: tensor<1x32x14x14xi8>, %mq: tensor<5x40xi8>) -> (tensor<1x64x14x14xi32>, tensor<5x24xi32>) {
  %w = mlc.constant dense<3> : tensor<64x32x3x3xi32>
  %b = mlc.constant dense<7> : tensor<64xi32>
  %x = mlc.cast %xq {unsigned_input} : (tensor<1x32x14x14xi8>) -> tensor<1x32x14x14xi32>
  %c = mlc.conv2d %x, %w, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x32x14x14xi32>, tensor<64x32x3x3xi32>, tensor<64xi32>) -> tensor<1x64x14x14xi32>
  %wm = mlc.constant dense<-5> : tensor<40x24xi32>
  %m = mlc.cast %mq : (tensor<5x40xi8>) -> tensor<5x40xi32>
  %y = mlc.matmul %m, %wm : (tensor<5x40xi32>, tensor<40x24xi32>) -> tensor<5x24xi32>
  return %c, %y : tensor<1x64x14x14xi32>, tensor<5x24xi32>
}
