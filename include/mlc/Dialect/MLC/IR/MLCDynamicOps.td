//===- MLCDynamicOps.td - Ops whose shapes come from runtime values -*- tablegen -*-===//
//
// Included by MLCOps.td. Ops that read shape-choosing operands (slice
// bounds, pads, target shapes) as runtime tensors and query the sizes of
// dynamically shaped tensors. Their result types are given, not inferred:
// a dimension the importer can derive statically stays static, the others
// are `?` and are computed by the lowered code.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCDYNAMICOPS_TD
#define MLC_DIALECT_MLC_IR_MLCDYNAMICOPS_TD

def MLC_DynamicSliceOp : MLC_Op<"dynamic_slice", [Pure]> {
  let summary = "ONNX Slice with starts, ends, axes and steps read at run time.";
  let description = [{
    `starts`, `ends`, `axes` and `steps` are 1-D integer tensors of one
    static length `k`: entry `i` slices dimension `axes[i]` (negative counts
    from the end) from `starts[i]` to `ends[i]` by `steps[i]`, with ONNX's
    clamping of out-of-range bounds. Dimensions no entry names are kept
    whole. A static result dimension must equal the computed size (the
    importer only makes it static when the graph says so); a step of 0 is
    treated as 1 instead of trapping.

    ```mlir
    %y = mlc.dynamic_slice %x, %starts, %ends, %axes, %steps
        : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, MLC_IntTensor:$starts,
                       MLC_IntTensor:$ends, MLC_IntTensor:$axes,
                       MLC_IntTensor:$steps);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicPadOp : MLC_Op<"dynamic_pad", [Pure]> {
  let summary = "Pad whose amounts (and constant) are read at run time.";
  let description = [{
    `pads` is a 1-D integer tensor of `2 * rank` entries in ONNX order (all
    begins, then all ends); negative amounts crop. `value` is a rank-0 tensor
    of the element type, the fill of `constant` mode. The modes are those of
    `mlc.pad`; border modes need non-empty padded dimensions.

    ```mlir
    %y = mlc.dynamic_pad reflect %x, %pads, %v
        : (tensor<3x4xf32>, tensor<4xi64>, tensor<f32>) -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins MLC_PadMode:$mode, MLC_Tensor:$input,
                       MLC_IntTensor:$pads, MLC_Tensor:$value);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat =
      "$mode operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DimOp : MLC_Op<"dim", [Pure]> {
  let summary = "The size of one dimension of a tensor, as a 1-element i64 tensor.";
  let description = [{
    What ONNX Shape gives for a dimension that is only known at run time
    (the importer builds Shape from constants for the static dimensions and
    this op for the dynamic ones).

    ```mlir
    %n = mlc.dim %x {index = 0 : i64} : (tensor<?x3xf32>) -> tensor<1xi64>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, I64Attr:$index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicReshapeOp : MLC_Op<"dynamic_reshape", [Pure]> {
  let summary = "ONNX Reshape with the target shape read at run time.";
  let description = [{
    `shape` is a 1-D i64 tensor with one entry per result dimension: 0
    copies the input's dimension (unless `allowzero`), one -1 is inferred
    from the element count. Static result dimensions are what the importer
    could derive at compile time; the others are `?`.

    ```mlir
    %y = mlc.dynamic_reshape %x, %s : (tensor<?x64x256xf32>, tensor<3xi64>) -> tensor<?x64x64xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, RankedTensorOf<[I64]>:$shape,
                       UnitAttr:$allowzero);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicExpandOp : MLC_Op<"dynamic_expand", [Pure]> {
  let summary = "ONNX Expand with the target shape read at run time.";
  let description = [{
    Broadcasts `input` against `shape` (a 1-D i64 tensor of static length
    `n`), aligned at the trailing dimensions: the result has rank
    max(rank(input), n) and dimension `d` is `shape[d]` where the input's is
    1 (or absent), else the input's. ConstantOfShape is this op on a scalar.
    Static result dimensions are those the importer could derive.

    ```mlir
    %y = mlc.dynamic_expand %x, %s : (tensor<3x1xf32>, tensor<2xi64>) -> tensor<3x?xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, RankedTensorOf<[I64]>:$shape);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicTileOp : MLC_Op<"dynamic_tile", [Pure]> {
  let summary = "ONNX Tile with the repeats read at run time.";
  let description = [{
    `repeats` is a 1-D i64 tensor with one entry per dimension; result
    dimension `d` is `input[d] * repeats[d]` (a negative repeat counts as
    0) and element `i` reads input element `i mod input[d]`.

    ```mlir
    %y = mlc.dynamic_tile %x, %r : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, RankedTensorOf<[I64]>:$repeats);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicRangeOp : MLC_Op<"dynamic_range", [Pure]> {
  let summary = "ONNX Range with start, limit and delta read at run time.";
  let description = [{
    The result holds max(ceil((limit - start) / delta), 0) elements
    `start + i * delta`; the operands are scalars (rank 0 or one element)
    of the result's element type. A delta of 0 gives an empty result
    instead of trapping.

    ```mlir
    %y = mlc.dynamic_range %start, %limit, %delta
        : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$start, MLC_Tensor:$limit, MLC_Tensor:$delta);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_NonZeroOp : MLC_Op<"nonzero", [Pure]> {
  let summary = "ONNX NonZero: the indices of the non-zero elements.";
  let description = [{
    The result is `[rank, count]`: column `j` holds the index of the `j`-th
    non-zero element of `input` in row-major order. `count` depends on the
    data, so the result's second dimension is `?` and the lowered code
    counts before it fills.

    ```mlir
    %i = mlc.nonzero %x : (tensor<2x3xf32>) -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_CompressOp : MLC_Op<"compress", [Pure]> {
  let summary = "ONNX Compress with a condition read at run time.";
  let description = [{
    Keeps the slices of `input` along `axis` whose entry of `condition` (a
    1-D i1 tensor) is true; entries past the end of either are ignored. The
    kept count depends on the data: the result's `axis` dimension is `?`.

    ```mlir
    %y = mlc.compress %x, %c {axis = 0 : i64}
        : (tensor<3x2xf32>, tensor<3xi1>) -> tensor<?x2xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, RankedTensorOf<[I1]>:$condition,
                       I64Attr:$axis);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_DynamicTopKOp : MLC_Op<"dynamic_topk", [Pure]> {
  let summary = "ONNX TopK with k read at run time.";
  let description = [{
    The `k` largest (or, without `largest`, smallest) elements along `axis`
    and their indices, sorted, equal values in index order. `k` is a
    one-element i64 tensor, clamped to [0, dim]. The lowered code ranks
    every element against the others along the axis (quadratic in the axis
    length) and scatters the first `k` ranks into results whose `axis`
    dimension is `?`.

    ```mlir
    %v, %i = mlc.dynamic_topk %x, %k {axis = 1 : i64, largest}
        : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, RankedTensorOf<[I64]>:$k,
                       I64Attr:$axis, UnitAttr:$largest);
  let results = (outs MLC_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // MLC_DIALECT_MLC_IR_MLCDYNAMICOPS_TD
