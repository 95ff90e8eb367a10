//===- MLCFusedOps.td - Fusion groups of the mlc dialect ---*- tablegen -*-===//
//
// mlc.fused holds a producer-consumer group that a backend lowers as one
// kernel; mlc-fuse forms them.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCFUSEDOPS_TD
#define MLC_DIALECT_MLC_IR_MLCFUSEDOPS_TD

include "mlc/Dialect/MLC/IR/MLCDialect.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MLC_FusedOp : MLC_Op<"fused", [IsolatedFromAbove, RecursiveMemoryEffects,
                                   RecursivelySpeculatable]> {
  let summary = "A group of mlc ops that a backend lowers as one kernel.";
  let description = [{
    The body is one block whose arguments are the group's inputs, holding
    mlc ops and ending in `mlc.yield`. `kind` names the pattern of the group
    (the root op and its epilogue, e.g. `"conv2d_add_relu"`), for
    diagnostics, op statistics and backends that match kernels by name.
    Lowering inlines the body; backends keep the group together (the CPU
    backend tiles its last op and fuses the rest into the same loop nest).

    ```mlir
    %y = mlc.fused "conv2d_relu" (%x, %w, %b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> {
    ^bb0(%a: tensor<1x3x8x8xf32>, %f: tensor<4x3x3x3xf32>, %c: tensor<4xf32>):
      %0 = mlc.conv2d %a, %f, %c : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
      %1 = mlc.relu %0 : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
      mlc.yield %1 : tensor<1x4x6x6xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<AnyRankedTensor>:$inputs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
}

def MLC_YieldOp : MLC_Op<"yield", [Pure, Terminator, ReturnLike,
                                   HasParent<"FusedOp">]> {
  let summary = "Returns the results of an mlc.fused group.";
  let description = [{
    ```mlir
    mlc.yield %r : tensor<1x4x6x6xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // MLC_DIALECT_MLC_IR_MLCFUSEDOPS_TD
