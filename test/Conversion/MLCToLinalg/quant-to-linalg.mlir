// RUN: mlc-opt %s -split-input-file --convert-mlc-to-linalg | FileCheck %s

// Per-axis int8 quantization: the scale and zero point are read along dim 1;
// round half to even, zero point added, saturated to [-128, 127] in float.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]]
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.addf
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_per_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xi8> {
  %0 = mlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// uint8 without a zero point: [0, 255], fptoui; a 1-element scale is read at
// index 0.
// CHECK-DAG: #[[ZERO:.*]] = affine_map<(d0) -> (0)>
// CHECK-LABEL: func.func @quantize_unsigned
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ZERO]], #{{.*}}]
// CHECK-NOT: sitofp
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @quantize_unsigned(%x: tensor<4xf32>, %s: tensor<1xf32>) -> tensor<4xi8> {
  %0 = mlc.quantize_linear %x, %s {unsigned_result} : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Blocked: the scale of element (i, j) is (i, j floordiv 2).
// CHECK-DAG: #[[BLK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-LABEL: func.func @dequantize_blocked
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BLK]], #[[BLK]], #{{.*}}]
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.subi
// CHECK: arith.sitofp %{{.*}} : i64 to f32
// CHECK: arith.mulf
func.func @dequantize_blocked(%x: tensor<2x4xi8>, %s: tensor<2x2xf32>, %z: tensor<2x2xi8>) -> tensor<2x4xf32> {
  %0 = mlc.dequantize_linear %x, %s, %z {axis = 1 : i64, block_size = 2 : i64} : (tensor<2x4xi8>, tensor<2x2xf32>, tensor<2x2xi8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Unsigned input, f16 result: the difference is computed in i64 from
// zero-extended values, scaled in f32 and truncated.
// CHECK-LABEL: func.func @dequantize_unsigned_f16
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @dequantize_unsigned_f16(%x: tensor<4xi8>, %s: tensor<f16>, %z: tensor<i8>) -> tensor<4xf16> {
  %0 = mlc.dequantize_linear %x, %s, %z {unsigned_input} : (tensor<4xi8>, tensor<f16>, tensor<i8>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Upstream quant types: the parameters of the type become constant operands;
// no quant op is left, and a scast round trip gives back the integers.
// CHECK-LABEL: func.func @quant_types
// CHECK-DAG: arith.constant dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<[0, -3]> : tensor<2xi8>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: arith.constant dense<-128> : tensor<i8>
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK-NOT: quant.
// CHECK: return %{{.*}}, %{{.*}}, %arg0
func.func @quant_types(%i: tensor<2x2xi8>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xi8>) {
  %t = quant.scast %i : tensor<2x2xi8> to tensor<2x2x!quant.uniform<u8:f32, 0.5:128>>
  %d = quant.dcast %t : tensor<2x2x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x2xf32>
  %a = quant.scast %i : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {0.25:0, 0.5:-3}>>
  %e = quant.dcast %a : tensor<2x2x!quant.uniform<i8:f32:0, {0.25:0, 0.5:-3}>> to tensor<2x2xf32>
  %b = quant.scast %t : tensor<2x2x!quant.uniform<u8:f32, 0.5:128>> to tensor<2x2xi8>
  return %d, %e, %b : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xi8>
}

// -----

// An i32 convolution (ConvInteger, QLinearConv) lowers like a float one,
// with integer arithmetic and an i32 zero accumulator.
// CHECK-LABEL: func.func @conv_i32
// CHECK: arith.constant 0 : i32
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x6x6xi32>, tensor<3x2x3x3xi32>) outs(%{{.*}} : tensor<1x3x4x4xi32>)
func.func @conv_i32(%x: tensor<1x2x4x4xi32>, %w: tensor<3x2x3x3xi32>) -> tensor<1x3x4x4xi32> {
  %0 = mlc.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xi32>, tensor<3x2x3x3xi32>) -> tensor<1x3x4x4xi32>
  return %0 : tensor<1x3x4x4xi32>
}


// -----

// mlc.requantize: integer only. Per-channel multipliers (i32) and shifts
// (i8) are constants at their own width, read along dim 1; the rounding
// bias 2^(s-1) is computed from the shift; no float op and no i64 table.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @requantize
// CHECK-NOT: tensor<2xi64>
// CHECK-DAG: arith.constant dense<[1073741824, 1518500250]> : tensor<2xi32>
// CHECK-DAG: arith.constant dense<[30, 31]> : tensor<2xi8>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #[[CH]], #{{.*}}]
// CHECK: %[[X:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[M:.*]] = arith.extsi %{{.*}} : i32 to i64
// CHECK: %[[S:.*]] = arith.extsi %{{.*}} : i8 to i64
// CHECK: %[[SM1:.*]] = arith.subi %[[S]], %{{.*}} : i64
// CHECK: %[[R:.*]] = arith.shli %{{.*}}, %[[SM1]] : i64
// CHECK: %[[P:.*]] = arith.muli %[[X]], %[[M]]
// CHECK: %[[PR:.*]] = arith.addi %[[P]], %[[R]]
// CHECK: arith.shrsi %[[PR]], %[[S]]
// CHECK: arith.addi
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i64 to i8
// CHECK-NOT: f32
func.func @requantize(%acc: tensor<3x2xi32>) -> tensor<3x2xi8> {
  %0 = mlc.requantize %acc {multipliers = array<i32: 1073741824, 1518500250>, shifts = array<i64: 30, 31>, axis = 1 : i64, output_zero_point = -3 : i64, min = -128 : i64, max = 127 : i64} : (tensor<3x2xi32>) -> tensor<3x2xi8>
  return %0 : tensor<3x2xi8>
}

// -----

// Every shift >= 33: the same in i32 on the high word of the product, the
// shifts stored as s - 32 (exact: test/e2e/requantize-exact.test).
// CHECK-LABEL: func.func @requantize_high
// CHECK-DAG: arith.constant dense<[1, 8]> : tensor<2xi8>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: i32, %[[M:.*]]: i32, %[[T8:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[LOW:.*]], %[[HIGH:.*]] = arith.mulsi_extended %[[X]], %[[M]] : i32
// CHECK: %[[T:.*]] = arith.extsi %[[T8]] : i8 to i32
// CHECK: %[[TM1:.*]] = arith.subi %[[T]], %{{.*}} : i32
// CHECK: %[[R:.*]] = arith.shli %{{.*}}, %[[TM1]] : i32
// CHECK: %[[PR:.*]] = arith.addi %[[HIGH]], %[[R]] : i32
// CHECK: arith.shrsi %[[PR]], %[[T]] : i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK-NOT: i64
func.func @requantize_high(%acc: tensor<3x2xi32>) -> tensor<3x2xi8> {
  %0 = mlc.requantize %acc {multipliers = array<i32: 1073741824, 1518500250>, shifts = array<i64: 33, 40>, axis = 1 : i64, output_zero_point = -3 : i64, min = -128 : i64, max = 127 : i64} : (tensor<3x2xi32>) -> tensor<3x2xi8>
  return %0 : tensor<3x2xi8>
}

// -----

// float8 storage: x / scale converted without rounding to an integer (no
// clamp with saturate = false); dequantization widens the float8 exactly.
// CHECK-LABEL: func.func @float8_storage
// CHECK: linalg.generic
// CHECK: %[[Q:.*]] = arith.divf
// CHECK-NOT: math.roundeven
// CHECK-NOT: arith.maximumf
// CHECK: arith.bitcast %[[Q]] : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: %[[X:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[X]], %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @float8_storage(%x: tensor<4xf32>, %s: tensor<f32>, %q: tensor<4xf8E4M3FN>) -> (tensor<4xf8E4M3FN>, tensor<4xf32>) {
  %0 = mlc.quantize_linear %x, %s {saturate = false} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf8E4M3FN>
  %1 = mlc.dequantize_linear %q, %s : (tensor<4xf8E4M3FN>, tensor<f32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf8E4M3FN>, tensor<4xf32>
}

// -----

// float4 storage: x / scale + zero point, clamped to +-6, then converted.
// CHECK-LABEL: func.func @float4_storage
// CHECK: %[[Q:.*]] = arith.divf
// CHECK: arith.bitcast %{{.*}} : f4E2M1FN to i4
// CHECK: %[[S:.*]] = arith.addf %[[Q]], %{{.*}} : f32
// CHECK: arith.constant -6.000000e+00 : f32
// CHECK: arith.maximumf %[[S]]
// CHECK: %[[C:.*]] = arith.minimumf
// CHECK: arith.bitcast %[[C]] : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i4 to f4E2M1FN
func.func @float4_storage(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f4E2M1FN>) -> tensor<4xf4E2M1FN> {
  %0 = mlc.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<f4E2M1FN>) -> tensor<4xf4E2M1FN>
  return %0 : tensor<4xf4E2M1FN>
}
