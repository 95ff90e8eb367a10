// RUN: mlc-opt %s | mlc-opt | FileCheck %s
// The examples of MLCMathOps.td's descriptions parse, verify and print back.

// CHECK-LABEL: func.func @examples
func.func @examples(%x: tensor<4xf32>, %i: tensor<4xi32>, %p: tensor<4xi1>,
                    %a: tensor<2x3xf32>, %b: tensor<3xf32>, %e: tensor<i32>,
                    %n: tensor<1x3x4x4xf32>, %s: tensor<3x1x1xf32>,
                    %c: tensor<2x1xi1>, %y: tensor<f32>) {
  // CHECK: mlc.acosh %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %0 = mlc.acosh %x : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: mlc.sign %{{.*}} : (tensor<4xi32>) -> tensor<4xi32>
  %1 = mlc.sign %i : (tensor<4xi32>) -> tensor<4xi32>
  // CHECK: mlc.selu %{{.*}} {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32}
  %2 = mlc.selu %x {alpha = 2.0 : f32, gamma = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: mlc.gelu %{{.*}} {approximate = "tanh"}
  %3 = mlc.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: mlc.gelu %{{.*}} : (tensor<4xf32>) -> tensor<4xf32>
  %4 = mlc.gelu %x {approximate = "none"} : (tensor<4xf32>) -> tensor<4xf32>
  // CHECK: mlc.prelu %{{.*}}, %{{.*}} : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  %5 = mlc.prelu %n, %s : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  // CHECK: mlc.max %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = mlc.max %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: mlc.mod %{{.*}}, %{{.*}} {fmod = true, unsigned_ints}
  %7 = mlc.mod %i, %i {fmod = true, unsigned_ints} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: mlc.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  %8 = mlc.pow %a, %e : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  // CHECK: mlc.less %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %9 = mlc.less %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: mlc.xor %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %10 = mlc.xor %p, %p : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: mlc.is_inf %{{.*}} {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  %11 = mlc.is_inf %x {detect_negative = false} : (tensor<4xf32>) -> tensor<4xi1>
  // CHECK: mlc.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %12 = mlc.where %c, %a, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: mlc.cast %{{.*}} {unsigned_input} : (tensor<4xi32>) -> tensor<4xf32>
  %13 = mlc.cast %i {unsigned_input} : (tensor<4xi32>) -> tensor<4xf32>
  return
}
