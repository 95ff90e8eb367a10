//===- MLCControlFlowOps.td - If and Loop with regions -----*- tablegen -*-===//
//
// ONNX's control flow: If and Loop keep their subgraphs as regions of
// value-semantic mlc ops, each region ending in mlc.cf.yield (ONNX Scan is
// imported as an mlc.loop whose body slices the scanned inputs). The regions
// are not isolated from above: a subgraph's reads of outer-scope values are
// plain uses of those values. convert-mlc-to-linalg lowers them to scf.if
// and scf.while on tensors, which one-shot bufferization handles upstream.
//
// A TableGen target of its own (MLCControlFlowOps.h.inc, included by
// MLCControlFlowOps.h, registered by MLCDialect.cpp): the ops that every
// other file sees through MLCOps.h do not change with these.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_TD
#define MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_TD

include "mlc/Dialect/MLC/IR/MLCDialect.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// The tensors of mlc ops (MLC_Tensor of MLCOps.td).
def MLC_CFTensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, I1]>;

/// A single-element tensor: ONNX's scalar condition and trip count (rank 0,
/// or rank 1 of size 1 as some exporters write them).
def MLC_BoolScalarTensor : TensorOf<[I1]>;
def MLC_I64ScalarTensor : TensorOf<[I64]>;

def MLC_IfOp : MLC_Op<"if", [RecursiveMemoryEffects, NoRegionArguments]> {
  let summary = "ONNX If: runs one of two regions and returns its values.";
  let description = [{
    `condition` is a single-element i1 tensor. Each region is one block
    ending in `mlc.cf.yield` with one value per result; a yielded type may be
    less static than the result type (or more), as long as the two are
    compatible (same element type and rank, equal static sizes): the result
    type is what the importer derived from both branches and the graph's
    declarations. Values of the enclosing scope are used directly.

    A constant condition is folded by the canonicalizer: the taken region is
    inlined.

    ```mlir
    %r = mlc.if %c : tensor<i1> -> (tensor<5xf32>) {
      %a = mlc.constant dense<1.0> : tensor<5xf32>
      mlc.cf.yield %a : tensor<5xf32>
    } else {
      %b = mlc.relu %x : (tensor<5xf32>) -> tensor<5xf32>
      mlc.cf.yield %b : tensor<5xf32>
    }
    ```
  }];
  let arguments = (ins MLC_BoolScalarTensor:$condition);
  let results = (outs Variadic<MLC_CFTensor>:$results);
  let regions = (region SizedRegion<1>:$thenRegion, SizedRegion<1>:$elseRegion);
  let assemblyFormat = [{
    $condition `:` type($condition) (`->` `(` type($results)^ `)`)?
    $thenRegion `else` $elseRegion attr-dict
  }];
  let hasVerifier = 1;
  let hasCanonicalizeMethod = 1;
}

def MLC_LoopOp : MLC_Op<"loop", [RecursiveMemoryEffects]> {
  let summary = "ONNX Loop: a counted and/or conditional loop with scan outputs.";
  let description = [{
    Runs the body while `iteration < max_trip_count` and the condition holds
    (the condition is tested before each iteration, so a false `condition`
    operand runs no iteration). The importer gives INT64_MAX for an absent
    trip count and `true` for an absent condition.

    The body block takes the iteration number (`tensor<i64>`), the condition
    (`tensor<i1>`) and one value per loop-carried dependency, and yields the
    next condition, the next loop-carried values and one value per scan
    output. The first results are the final loop-carried values (the block
    argument types); the others are the scan outputs, each yielded value
    stacked along a new leading dimension; its other dimensions are static.
    A dynamic leading size is the number of iterations run (the buffer holds
    `max_trip_count` rows). A static one is the number of rows it can hold
    (the constant trip count, or what the graph declares): rows the loop
    does not reach are zero, and the loop stops once such an output is
    full. Initial and yielded values may be less or more static than the
    carried types as long as they are compatible.

    ```mlir
    %y, %scan = mlc.loop %m, %c, %y0
        : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<1xf32>, tensor<5x1xf32>) {
    ^bb0(%i: tensor<i64>, %cond: tensor<i1>, %acc: tensor<1xf32>):
      %next = mlc.add %acc, %one : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
      mlc.cf.yield %cond, %next, %next : tensor<i1>, tensor<1xf32>, tensor<1xf32>
    }
    ```
  }];
  let arguments = (ins MLC_I64ScalarTensor:$max_trip_count,
                       MLC_BoolScalarTensor:$condition,
                       Variadic<MLC_CFTensor>:$init);
  let results = (outs Variadic<MLC_CFTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results) $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of loop-carried values (results that are not scan outputs).
    unsigned getNumCarried() { return getInit().size(); }
    /// The block's terminator.
    CFYieldOp getYield();
  }];
}

def MLC_CFYieldOp : MLC_Op<"cf.yield", [Pure, Terminator, ReturnLike,
                                       ParentOneOf<["IfOp", "LoopOp"]>]> {
  let summary = "Returns the values of an mlc.if branch or mlc.loop iteration.";
  let description = [{
    The terminator of the regions of `mlc.if` (one value per result) and
    `mlc.loop` (the next condition, the next loop-carried values, one value
    per scan output).

    ```mlir
    mlc.cf.yield %cond, %next : tensor<i1>, tensor<1xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def MLC_RuntimeErrorOp : MLC_Op<"runtime_error", [MemoryEffects<[MemWrite]>]> {
  let summary = "Fails the run with a message: a branch that cannot run here.";
  let description = [{
    Stands for an mlc.if branch that could not be compiled for the shapes it
    receives (say an LSTM whose input is not 3-D for these input shapes):
    the importer puts it in that branch's place, so that the model compiles
    and reports `message` only if the branch is reached. Reaching it ends the
    run: mlc_run returns MLC_ERROR_MODEL and mlc_last_error() returns the
    message. The results are placeholders (empty tensors, dynamic sizes 0)
    that only exist for the branch to yield; nothing reads them. A constant
    condition that later selects the other branch prunes it with the rest of
    the branch (the mlc.if canonicalizer).

    ```mlir
    %r = mlc.if %c : tensor<i1> -> (tensor<1x64xf32>) {
      %a = mlc.relu %x : (tensor<1x64xf32>) -> tensor<1x64xf32>
      mlc.cf.yield %a : tensor<1x64xf32>
    } else {
      %e = mlc.runtime_error "else branch: LSTM needs a static 3-D float X"
          : tensor<1x64xf32>
      mlc.cf.yield %e : tensor<1x64xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$message);
  let results = (outs Variadic<MLC_CFTensor>:$results);
  let assemblyFormat = "$message attr-dict (`:` type($results)^)?";
}

#endif // MLC_DIALECT_MLC_IR_MLCCONTROLFLOWOPS_TD
