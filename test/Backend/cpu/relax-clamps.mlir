// RUN: mlc-opt %s -split-input-file --mlc-cpu-relax-clamps | FileCheck %s

// The end of a quantization: clamp to [-128, 127], NaN guard, conversion.
// Both clamps become compare-and-select with the bound picked when the
// value is beyond it (NaN still reaches the guard).
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: %[[V:.*]]: vector<16xf32>)
// CHECK-DAG: %[[LO:.*]] = arith.constant dense<-1.280000e+02>
// CHECK-DAG: %[[HI:.*]] = arith.constant dense<1.270000e+02>
// CHECK: %[[BELOW:.*]] = arith.cmpf olt, %[[V]], %[[LO]]
// CHECK: %[[A:.*]] = arith.select %[[BELOW]], %[[LO]], %[[V]]
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt, %[[A]], %[[HI]]
// CHECK: %[[B:.*]] = arith.select %[[ABOVE]], %[[HI]], %[[A]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[B]], %[[B]]
// CHECK: %[[G:.*]] = arith.select %[[NAN]], %{{.*}}, %[[B]]
// CHECK: arith.fptosi %[[G]]
// CHECK-NOT: arith.maximumf
// CHECK-NOT: arith.minimumf
func.func @quantize(%v: vector<16xf32>) -> vector<16xi8> {
  %lo = arith.constant dense<-128.0> : vector<16xf32>
  %hi = arith.constant dense<127.0> : vector<16xf32>
  %zero = arith.constant dense<0.0> : vector<16xf32>
  %a = arith.maximumf %v, %lo : vector<16xf32>
  %b = arith.minimumf %a, %hi : vector<16xf32>
  %nan = arith.cmpf uno, %b, %b : vector<16xf32>
  %g = arith.select %nan, %zero, %b : vector<16xi1>, vector<16xf32>
  %q = arith.fptosi %g : vector<16xf32> to vector<16xi8>
  return %q : vector<16xi8>
}

// -----

// Left alone: a ReLU (its result is a float, whose zero sign is seen), a
// clamp whose result is also used as a float (the clamp after it, which
// only the conversion reads, is relaxed), a clamp to a bound that is not a
// constant.
// CHECK-LABEL: func.func @kept(
// CHECK: %[[RELU:.*]] = arith.maximumf
// CHECK: %[[A:.*]] = arith.maximumf
// CHECK: arith.cmpf ogt, %[[A]]
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.minimumf
func.func @kept(%v: f32, %bound: f32) -> (f32, f32, i8, i8) {
  %zero = arith.constant 0.0 : f32
  %hi = arith.constant 127.0 : f32
  %relu = arith.maximumf %v, %zero : f32
  %a = arith.maximumf %v, %zero : f32
  %b = arith.minimumf %a, %hi : f32
  %q = arith.fptosi %b : f32 to i8
  %c = arith.maximumf %v, %bound : f32
  %r = arith.fptosi %c : f32 to i8
  return %relu, %a, %q, %r : f32, f32, i8, i8
}
