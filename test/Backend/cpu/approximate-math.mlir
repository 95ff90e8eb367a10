// RUN: mlc-opt %s --mlc-cpu-approximate-math | FileCheck %s

// f32 erf and exp, vectors and scalars, become arithmetic (no libm call
// left); other functions and other element types are left alone.
// CHECK-LABEL: func.func @approximated
// CHECK-NOT: math.erf
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK: return
func.func @approximated(%v: vector<8x32xf32>, %s: f32) -> (vector<8x32xf32>, f32) {
  %0 = math.erf %v : vector<8x32xf32>
  %1 = math.exp %s : f32
  return %0, %1 : vector<8x32xf32>, f32
}

// CHECK-LABEL: func.func @kept
// CHECK: math.log %{{.*}} : vector<16xf32>
// CHECK: math.erf %{{.*}} : f64
// CHECK: math.exp %{{.*}} : vector<8xf16>
func.func @kept(%v: vector<16xf32>, %d: f64, %h: vector<8xf16>) -> (vector<16xf32>, f64, vector<8xf16>) {
  %0 = math.log %v : vector<16xf32>
  %1 = math.erf %d : f64
  %2 = math.exp %h : vector<8xf16>
  return %0, %1, %2 : vector<16xf32>, f64, vector<8xf16>
}
