// Quantized conv (u8 activation, as mlc-lower-quant leaves it) and matmul
// (s8 activation) compile to the target's integer dot-product instructions.
// RUN: mlc-compile %s --target=x86_64 --mattr=+avx512vnni,+avx512vl --emit=asm -o - | FileCheck %s --check-prefix=VNNI
// RUN: mlc-compile %s --target=x86_64 --mattr=+avxvnni --emit=asm -o - | FileCheck %s --check-prefix=AVXVNNI
// RUN: mlc-compile %s --target=x86_64 --mattr=+avx2 --emit=asm -o - | FileCheck %s --check-prefix=AVX2
// RUN: mlc-compile %s --target=aarch64 --mattr=+dotprod --emit=asm -o - | FileCheck %s --check-prefix=DOT
// RUN: mlc-compile %s --target=aarch64 --mattr=+dotprod,+i8mm --emit=asm -o - | FileCheck %s --check-prefix=I8MM
// RUN: mlc-opt %s --convert-mlc-to-linalg | mlc-opt --mlc-cpu-int8-gemm=isa=x86-vnni | FileCheck %s --check-prefix=IR
// RUN: mlc-opt %s --convert-mlc-to-linalg | mlc-opt --mlc-cpu-int8-gemm="isa=x86-vnni512 parallel=true" | FileCheck %s --check-prefix=ZMM

// VNNI: vpdpbusd {{.*}}%zmm
// AVXVNNI: {vex} vpdpbusd
// AVX2: vpmaddwd {{.*}}%ymm
// AVX2-NOT: vpmulld
// DOT: sdot v{{[0-9]+}}.4s
// I8MM-DAG: usdot v{{[0-9]+}}.4s
// I8MM-DAG: sdot v{{[0-9]+}}.4s
// IR: func.func private @llvm.x86.avx512.vpdpbusd.256(vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32> attributes {mlc.intrinsic}
// IR: scf.for
// IR: scf.for
// IR: func.call @llvm.x86.avx512.vpdpbusd.256
// AVX512-VNNI: the 64 channels are one block of 4 tiles, 6 rows x 4 zmm
// accumulators per k step (24 vpdpbusd); the 196 rows are blocks of up
// to 96 rows (3 of them), run as an scf.forall (196 x 64 x 288 MACs is
// worth threads); a block's rows past a multiple of 6 run one at a time.
// ZMM: func.func private @llvm.x86.avx512.vpdpbusd.512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// ZMM: scf.forall (%{{.*}}, %{{.*}}) in (3, 1) shared_outs
// ZMM: tensor.extract_slice {{.*}} to tensor<?x?xi32>
// ZMM: scf.for {{.*}} iter_args
// ZMM-COUNT-24: func.call @llvm.x86.avx512.vpdpbusd.512
// ZMM-NOT: func.call @llvm.x86.avx512.vpdpbusd.512
// ZMM: scf.yield
// ZMM: scf.for
// ZMM-COUNT-4: func.call @llvm.x86.avx512.vpdpbusd.512
// ZMM-NOT: func.call @llvm.x86.avx512.vpdpbusd.512
// ZMM: scf.forall.in_parallel
// ZMM: tensor.parallel_insert_slice
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
