// RUN: mlc-opt %s -split-input-file --mlc-expand-small-float-casts | FileCheck %s

// f32 -> f8E4M3FN: round the mantissa to 3 bits (bias 2^19 - 1 plus the odd
// bit), rebias the exponent (127 - 7 = 120, << 3 = 960), the subnormal path
// scales by 2^(7 - 1 + 3) = 512 and rounds with + 2^23; codes above 0x7E
// (448) and NaN inputs give the NaN code 0x7F; the sign goes to bit 7.
// CHECK-LABEL: func.func @trunc_e4m3fn
// CHECK-NOT: arith.truncf
// CHECK: %[[U:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[SIGN:.*]] = arith.shrui %[[U]], %{{.*}} : i32
// CHECK: %[[A:.*]] = arith.andi %[[U]], %{{.*}} : i32
// CHECK: %[[ISNAN:.*]] = arith.cmpi ugt, %[[A]], %{{.*}} : i32
// CHECK: %[[HALF:.*]] = arith.constant 524287 : i32
// CHECK: arith.addi %[[HALF]], %{{.*}} : i32
// CHECK: %[[REBIAS:.*]] = arith.constant 960 : i32
// CHECK: %[[NORMAL:.*]] = arith.subi %{{.*}}, %[[REBIAS]] : i32
// CHECK: %[[SCALE:.*]] = arith.constant 5.120000e+02 : f32
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[MAGIC:.*]] = arith.constant 0x4B000000 : f32
// CHECK: arith.addf %{{.*}}, %[[MAGIC]] : f32
// CHECK: %[[MINNORMAL:.*]] = arith.constant 1015021568 : i32
// CHECK: %[[TINY:.*]] = arith.cmpi ult, %[[A]], %[[MINNORMAL]] : i32
// CHECK: %[[CODE:.*]] = arith.select %[[TINY]], %{{.*}}, %[[NORMAL]] : i32
// CHECK: %[[MAX:.*]] = arith.constant 126 : i32
// CHECK: %[[OVER:.*]] = arith.cmpi ugt, %[[CODE]], %[[MAX]] : i32
// CHECK: %[[NAN:.*]] = arith.constant 127 : i32
// CHECK: %[[BAD:.*]] = arith.ori %[[OVER]], %[[ISNAN]] : i1
// CHECK: %[[MAG:.*]] = arith.select %[[BAD]], %[[NAN]], %[[CODE]] : i32
// CHECK: %[[S:.*]] = arith.shli %[[SIGN]], %{{.*}} : i32
// CHECK: %[[R:.*]] = arith.ori %[[MAG]], %[[S]] : i32
// CHECK: %[[T:.*]] = arith.trunci %[[R]] : i32 to i8
// CHECK: %[[Y:.*]] = arith.bitcast %[[T]] : i8 to f8E4M3FN
// CHECK: return %[[Y]]
func.func @trunc_e4m3fn(%x: f32) -> f8E4M3FN {
  %0 = arith.truncf %x : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

// f8E5M2 has infinity: overflow (codes above 0x7B) gives 0x7C, NaN 0x7E.
// CHECK-LABEL: func.func @trunc_e5m2
// CHECK: %[[MAX:.*]] = arith.constant 123 : i32
// CHECK: %[[OVER:.*]] = arith.cmpi ugt, %{{.*}}, %[[MAX]] : i32
// CHECK: %[[INF:.*]] = arith.constant 124 : i32
// CHECK: arith.select %[[OVER]], %[[INF]], %{{.*}} : i32
// CHECK: %[[QNAN:.*]] = arith.constant 126 : i32
// CHECK: arith.select %{{.*}}, %[[QNAN]], %{{.*}} : i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E5M2
func.func @trunc_e5m2(%x: f32) -> f8E5M2 {
  %0 = arith.truncf %x : f32 to f8E5M2
  return %0 : f8E5M2
}

// -----

// FNUZ: a zero magnitude drops the sign; NaN and overflow give 0x80.
// CHECK-LABEL: func.func @trunc_e4m3fnuz
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : i32
// CHECK: arith.select %[[ZERO]]
// CHECK: %[[BAD:.*]] = arith.ori %{{.*}}, %{{.*}} : i1
// CHECK: %[[NAN:.*]] = arith.constant 128 : i32
// CHECK: arith.select %[[BAD]], %[[NAN]], %{{.*}} : i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FNUZ
func.func @trunc_e4m3fnuz(%x: f32) -> f8E4M3FNUZ {
  %0 = arith.truncf %x : f32 to f8E4M3FNUZ
  return %0 : f8E4M3FNUZ
}

// -----

// f4E2M1FN saturates at code 7 (6.0) and maps NaN to 0; f16 goes through f32.
// CHECK-LABEL: func.func @trunc_f4_from_f16
// CHECK: %[[E:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: arith.bitcast %[[E]] : f32 to i32
// CHECK: %[[SEVEN:.*]] = arith.constant 7 : i32
// CHECK: %[[OVER:.*]] = arith.cmpi ugt, %{{.*}}, %[[SEVEN]] : i32
// CHECK: %[[SEVEN2:.*]] = arith.constant 7 : i32
// CHECK: arith.select %[[OVER]], %[[SEVEN2]], %{{.*}} : i32
// CHECK: arith.trunci %{{.*}} : i32 to i4
// CHECK: arith.bitcast %{{.*}} : i4 to f4E2M1FN
func.func @trunc_f4_from_f16(%x: f16) -> f4E2M1FN {
  %0 = arith.truncf %x : f16 to f4E2M1FN
  return %0 : f4E2M1FN
}

// -----

// Extension: the normal code shifted to the f32 mantissa plus the rebias
// ((127 - 7) << 23), subnormals as mant * 2^-9, NaN (magnitude 0x7F).
// CHECK-LABEL: func.func @ext_e4m3fn
// CHECK-NOT: arith.extf %{{.*}} : f8E4M3FN
// CHECK: %[[I:.*]] = arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: arith.extui %[[I]] : i8 to i32
// CHECK: %[[REBIAS:.*]] = arith.constant 1006632960 : i32
// CHECK: arith.addi %{{.*}}, %[[REBIAS]] : i32
// CHECK: %[[SUBSCALE:.*]] = arith.constant 0.001953125 : f32
// CHECK: arith.mulf %{{.*}}, %[[SUBSCALE]] : f32
// CHECK: %[[NAN:.*]] = arith.constant 2143289344 : i32
// CHECK: arith.select %{{.*}}, %[[NAN]], %{{.*}} : i32
// CHECK: %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[D:.*]] = arith.extf %[[F]] : f32 to f64
// CHECK: return %[[D]]
func.func @ext_e4m3fn(%x: f8E4M3FN) -> f64 {
  %0 = arith.extf %x : f8E4M3FN to f64
  return %0 : f64
}

// -----

// Other truncf / extf are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.extf %{{.*}} : f16 to f32
func.func @untouched(%x: f32) -> f32 {
  %0 = arith.truncf %x : f32 to f16
  %1 = arith.extf %0 : f16 to f32
  return %1 : f32
}
