//===- MLCTensorOps.td - Data movement, reductions, norms --*- tablegen -*-===//
//
// Included by MLCOps.td. Ops that ONNX's shape, indexing, reduction and
// normalization operators import to. ONNX operators that are compositions of
// these (Split, Tile, DepthToSpace, InstanceNormalization) or constants under
// static shapes (Shape, Size, Range, ConstantOfShape) have no op of their own.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCTENSOROPS_TD
#define MLC_DIALECT_MLC_IR_MLCTENSOROPS_TD

include "mlc/Dialect/MLC/IR/MLCTensorEnums.td"

def MLC_IntTensor : RankedTensorOf<[AnySignlessInteger]>;

//===----------------------------------------------------------------------===//
// Slicing, indexing, broadcasting, padding
//===----------------------------------------------------------------------===//

def MLC_SliceOp : MLC_InferOp<"slice", [SameOperandsAndResultElementType]> {
  let summary = "Strided slice with one offset, size and stride per dimension.";
  let description = [{
    Result element `r[i0, .., in]` is `input[o0 + i0 * s0, .., on + in * sn]`.
    Strides are non-zero and may be negative (the slice then runs backwards
    from its offset); every index read lies inside the input. The importer
    resolves ONNX's clamping, negative and omitted starts/ends into this form.

    ```mlir
    %y = mlc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 2, 3>, strides = array<i64: 1, -2>}
        : (tensor<2x5xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs MLC_Tensor:$result);
  let hasVerifier = 1;
}

def MLC_GatherOp : MLC_InferOp<"gather"> {
  let summary = "Gathers slices of `input` along `axis` at `indices`.";
  let description = [{
    ONNX Gather: the result shape is `input.shape[:axis] + indices.shape +
    input.shape[axis+1:]`. Negative indices count from the end of the axis.

    ```mlir
    %y = mlc.gather %x, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, MLC_IntTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs MLC_Tensor:$result);
}

def MLC_GatherElementsOp : MLC_InferOp<"gather_elements"> {
  let summary = "Gathers single elements along `axis` (ONNX GatherElements).";
  let description = [{
    `indices` has the rank of `input`; the result has its shape and
    `r[.., i_axis, ..] = input[.., indices[.., i_axis, ..], ..]`. Negative
    indices count from the end of the axis.

    ```mlir
    %y = mlc.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, MLC_IntTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs MLC_Tensor:$result);
}

def MLC_GatherNDOp : MLC_InferOp<"gather_nd"> {
  let summary = "Gathers slices addressed by index tuples (ONNX GatherND).";
  let description = [{
    The last dimension of `indices` (size `k`) holds tuples indexing
    dimensions `[batch_dims, batch_dims + k)` of `input`; the first
    `batch_dims` dimensions of both are shared. The result shape is
    `indices.shape[:-1] + input.shape[batch_dims + k:]`. Negative indices
    count from the end.

    ```mlir
    %y = mlc.gather_nd %x, %i : (tensor<2x2xf32>, tensor<2x2xi64>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, MLC_IntTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs MLC_Tensor:$result);
}

def MLC_ScatterElementsOp : MLC_InferOp<"scatter_elements"> {
  let summary = "Writes updates at per-element indices along `axis`.";
  let description = [{
    ONNX ScatterElements: a copy of `input` where, for every position `p` of
    `updates`, the element at `p` with `p[axis]` replaced by `indices[p]` is
    set to (or, by `reduction`, combined with) `updates[p]`. Updates apply
    in row-major order, so with `none` the last duplicate wins.

    ```mlir
    %y = mlc.scatter_elements none %x, %i, %u {axis = 1 : i64}
        : (tensor<3x3xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins MLC_ScatterReduction:$reduction, MLC_Tensor:$input,
                       MLC_IntTensor:$indices, MLC_Tensor:$updates,
                       DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat =
      "$reduction operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_ScatterNDOp : MLC_InferOp<"scatter_nd"> {
  let summary = "Writes update slices at index tuples (ONNX ScatterND).";
  let description = [{
    The last dimension of `indices` (size `k`) holds tuples addressing the
    first `k` dimensions of `input`; `updates` has shape
    `indices.shape[:-1] + input.shape[k:]`. Updates apply in row-major
    order, combined with the existing element by `reduction`.

    ```mlir
    %y = mlc.scatter_nd add %x, %i, %u
        : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins MLC_ScatterReduction:$reduction, MLC_Tensor:$input,
                       MLC_IntTensor:$indices, MLC_Tensor:$updates);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat =
      "$reduction operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_ExpandOp : MLC_InferOp<"expand", [SameOperandsAndResultElementType]> {
  let summary = "Broadcasts a tensor to `shape` by numpy rules.";
  let description = [{
    `shape` is the result shape: the input must broadcast to exactly it
    (the importer folds ONNX Expand's own broadcasting into it).

    ```mlir
    %y = mlc.expand %x {shape = array<i64: 2, 3, 4>} : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs MLC_Tensor:$result);
}

def MLC_PadOp : MLC_InferOp<"pad", [SameOperandsAndResultElementType]> {
  let summary = "Pads every dimension with a constant or the input's border.";
  let description = [{
    `pads` holds the non-negative amounts added before each dimension, then
    those added after (ONNX order). `constant` fills with `value`, `reflect`
    mirrors without repeating the border, `edge` repeats the border and
    `wrap` continues periodically.

    ```mlir
    %y = mlc.pad reflect %x {pads = array<i64: 0, 2, 0, 1>} : (tensor<3x4xf32>) -> tensor<3x7xf32>
    ```
  }];
  let arguments = (ins MLC_PadMode:$mode, MLC_Tensor:$input,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat =
      "$mode operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_OneHotOp : MLC_InferOp<"one_hot"> {
  let summary = "One-hot encoding of integer indices (ONNX OneHot).";
  let description = [{
    Inserts a dimension of size `depth` at `axis` of the indices' shape;
    the result is `values[1]` where the index along it equals the index
    (negative indices count from `depth`; float indices are truncated) and
    `values[0]` elsewhere.

    ```mlir
    %y = mlc.one_hot %i, %v {depth = 10 : i64, axis = -1 : i64} : (tensor<3xi64>, tensor<2xf32>) -> tensor<3x10xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$indices, MLC_Tensor:$values,
                       I64Attr:$depth, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs MLC_Tensor:$result);
}

def MLC_TriluOp : MLC_SameTypeOp<"trilu"> {
  let summary = "Keeps the upper or lower triangle of the last two dims.";
  let description = [{
    Element `[.., i, j]` is kept when `j - i >= k` (upper) or `j - i <= k`
    (lower) and set to zero otherwise.

    ```mlir
    %y = mlc.trilu %x {upper = true, k = 1 : i64} : (tensor<4x5xf32>) -> tensor<4x5xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$upper,
                       DefaultValuedAttr<I64Attr, "0">:$k);
  let results = (outs MLC_Tensor:$result);
  let hasVerifier = 1;
}

def MLC_CumSumOp : MLC_SameTypeOp<"cumsum"> {
  let summary = "Cumulative sum along one axis.";
  let description = [{
    `exclusive` leaves out the element itself, `reverse` sums from the end.

    ```mlir
    %y = mlc.cumsum %x {axis = 0 : i64, exclusive = true} : (tensor<5xf32>) -> tensor<5xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs MLC_Tensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def MLC_ReduceOp : MLC_InferOp<"reduce"> {
  let summary = "Reduction over the given axes, selected by `kind`.";
  let description = [{
    Reduces over `axes` (all axes when empty); reduced dimensions are kept
    with size 1 when `keepdims` is set. `sum`, `max`, `min` and `prod`
    accept integers; `l1` is the sum of absolute values, `l2` the square root
    of the sum of squares, `log_sum` the log of the sum, `log_sum_exp` the
    (numerically stable) log of the sum of exponentials and `sum_square` the
    sum of squares.

    ```mlir
    %y = mlc.reduce l2 %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins MLC_ReduceKind:$kind, MLC_Tensor:$input,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat =
      "$kind operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def MLC_ArgReduceOp : MLC_InferOp<"arg_reduce"> {
  let summary = "Index of the largest or smallest element along one axis.";
  let description = [{
    Returns `i64` indices. Ties select the first index, or the last when
    `select_last_index` is set.

    ```mlir
    %i = mlc.arg_reduce argmax %x {axis = 1 : i64, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins MLC_ArgReduceKind:$kind, MLC_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat =
      "$kind operands attr-dict `:` functional-type(operands, results)";
}

def MLC_LogSoftmaxOp : MLC_SameTypeOp<"log_softmax"> {
  let summary = "log(softmax(x)) along one axis, computed stably.";
  let description = [{
    `x - max(x) - log(sum(exp(x - max(x))))` along `axis`.

    ```mlir
    %y = mlc.log_softmax %x {axis = -1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

def MLC_HardmaxOp : MLC_SameTypeOp<"hardmax"> {
  let summary = "1 at the first maximum along one axis, 0 elsewhere.";
  let description = [{
    ```mlir
    %y = mlc.hardmax %x {axis = -1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs MLC_FloatTensor:$result);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def MLC_LayerNormOp : MLC_Op<"layer_norm", [Pure, InferTypeOpAdaptor,
                                            AttrSizedOperandSegments]> {
  let summary = "Layer normalization over the dimensions from `axis` on.";
  let description = [{
    Normalizes over dimensions `[axis, rank)`:
    `y = (x - mean) * inv_std_dev * scale + bias` with
    `inv_std_dev = 1 / sqrt(var + epsilon)`. `scale` and `bias` are optional
    and broadcast against the normalized dimensions. `mean` and `inv_std_dev`
    keep the input's rank with the normalized dimensions of size 1 (ONNX's
    optional outputs); unused they cost nothing after lowering.

    ```mlir
    %y, %m, %r = mlc.layer_norm %x scale(%s : tensor<8xf32>) bias(%b : tensor<8xf32>) {axis = -1 : i64, epsilon = 1.0e-05 : f32}
        : tensor<2x8xf32> -> tensor<2x8xf32>, tensor<2x1xf32>, tensor<2x1xf32>
    ```
  }];
  let arguments = (ins MLC_FloatTensor:$input,
                       Optional<MLC_FloatTensor>:$scale,
                       Optional<MLC_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs MLC_FloatTensor:$result, MLC_FloatTensor:$mean,
                      MLC_FloatTensor:$inv_std_dev);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `:` type($scale) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict `:` type($input)
    `->` type(results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Region-of-interest pooling
//===----------------------------------------------------------------------===//

def MLC_RoiAlignOp : MLC_Op<"roi_align", [Pure]> {
  let summary = "ONNX RoiAlign: bilinear pooling of regions of interest.";
  let description = [{
    For every region r (`rois[r] = [x1, y1, x2, y2]`, scaled by
    `spatial_scale`, on image `batch_indices[r]` of the `[N, C, H, W]`
    input) and every channel, the region is split into the result's
    `[OH, OW]` bins; each bin samples a grid of points (`sampling_ratio`
    per side, or with 0 the ceiling of the bin's size, read from the region
    at run time), interpolates the input bilinearly at each point, and
    averages the samples, or with `max` takes the largest weighted corner
    term of any sample (the ONNX reference's definition). `half_pixel`
    shifts the scaled coordinates by -0.5 (ONNX's default
    coordinate_transformation_mode since opset 16); without it regions are
    at least 1x1. The result is `[R, C, OH, OW]`.

    ```mlir
    %y = mlc.roi_align %x, %rois, %idx {half_pixel, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32}
        : (tensor<1x3x10x10xf32>, tensor<4x4xf32>, tensor<4xi64>) -> tensor<4x3x5x5xf32>
    ```
  }];
  let arguments = (ins MLC_Tensor:$input, MLC_Tensor:$rois,
                       MLC_IntTensor:$batch_indices, UnitAttr:$max,
                       UnitAttr:$half_pixel,
                       DefaultValuedAttr<I64Attr, "0">:$sampling_ratio,
                       DefaultValuedAttr<F32Attr, "1.0">:$spatial_scale);
  let results = (outs MLC_Tensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // MLC_DIALECT_MLC_IR_MLCTENSOROPS_TD
