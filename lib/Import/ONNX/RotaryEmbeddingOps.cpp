//===- RotaryEmbeddingOps.cpp - ONNX RotaryEmbedding as a composition -----===//
//
// RotaryEmbedding (opset 23) follows the reference on mlc ops: the input is
// brought to [batch, seq, heads, head_size] (transpose of 4-D input, reshape
// of 3-D input with num_heads), the first rotary_embedding_dim channels are
// split in halves (or even/odd channels when interleaved) by mlc.slice, the
// cos/sin caches are gathered at position_ids, and
//   real = cos * x1 - sin * x2,  imag = sin * x1 + cos * x2
// are put back (concatenated, or interleaved by a concat on a new last axis
// and a reshape) in front of the channels that are not rotated.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// mlc.slice of the last axis of `x`: `size` elements from `offset` by
/// `stride`.
static Value sliceLastAxis(OpBuilder &b, Location loc, Value x, int64_t offset,
                           int64_t size, int64_t stride) {
  RankedTensorType type = getRankedType(x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  offsets.back() = offset;
  sizes.back() = size;
  strides.back() = stride;
  return SliceOp::create(
      b, loc, type.clone(sizes), x, b.getDenseI64ArrayAttr(offsets),
      b.getDenseI64ArrayAttr(sizes), b.getDenseI64ArrayAttr(strides));
}

static LogicalResult importRotaryEmbedding(ImporterContext &ic,
                                           const onnx::NodeProto &node,
                                           Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> cosCache = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> sinCache = ic.getRequiredInput(node, 2, loc);
  FailureOr<Value> positions = ic.getInput(node, 3, loc);
  if (failed(input) || failed(cosCache) || failed(sinCache) ||
      failed(positions))
    return failure();
  for (Value value : {*input, *cosCache, *sinCache, *positions})
    if (value && failed(requireStaticShape(node, value, loc)))
      return failure();
  RankedTensorType type = getRankedType(*input);
  Type elementType = type.getElementType();
  int64_t rank = type.getRank();
  if (!isa<FloatType>(elementType) || (rank != 3 && rank != 4))
    return emitError(loc) << "RotaryEmbedding needs a 3-D or 4-D float input";
  if (getRankedType(*cosCache).getElementType() != elementType ||
      getRankedType(*sinCache).getElementType() != elementType ||
      getRankedType(*cosCache) != getRankedType(*sinCache))
    return emitError(loc) << "RotaryEmbedding cos_cache and sin_cache must "
                             "match each other and the input's type";
  OpBuilder &b = ic.builder;
  Value x = *input;
  int64_t batch = type.getDimSize(0);
  if (rank == 4) {
    x = createTranspose(ic, loc, x, {0, 2, 1, 3});
  } else {
    int64_t heads = getIntAttr(node, "num_heads", 0);
    if (heads <= 0 || type.getDimSize(2) % heads)
      return emitError(loc) << "RotaryEmbedding with a 3-D input needs a "
                               "num_heads that divides the hidden size";
    x = createReshape(
        ic, loc, x,
        {batch, type.getDimSize(1), heads, type.getDimSize(2) / heads});
  }
  ArrayRef<int64_t> shape = getRankedType(x).getShape();
  int64_t seq = shape[1], headSize = shape[3];
  int64_t rotaryDim = getIntAttr(node, "rotary_embedding_dim", 0);
  if (rotaryDim == 0)
    rotaryDim = headSize;
  if (rotaryDim < 0 || rotaryDim > headSize || rotaryDim % 2)
    return emitError(loc) << "RotaryEmbedding rotary_embedding_dim "
                          << rotaryDim << " must be even and at most the "
                          << "head size " << headSize;
  int64_t half = rotaryDim / 2;

  // The caches as [batch, seq, 1, half].
  Value cosValue = *cosCache, sinValue = *sinCache;
  if (*positions) {
    RankedTensorType posType = getRankedType(*positions);
    if (posType.getRank() != 2 || !isa<IntegerType>(posType.getElementType()) ||
        getRankedType(cosValue).getRank() != 2)
      return emitError(loc) << "RotaryEmbedding position_ids must be 2-D "
                               "integers indexing 2-D caches";
    cosValue = GatherOp::create(b, loc, cosValue, *positions, 0);
    sinValue = GatherOp::create(b, loc, sinValue, *positions, 0);
  }
  RankedTensorType cacheType = getRankedType(cosValue);
  if (cacheType.getRank() != 3 ||
      (cacheType.getDimSize(0) != batch && cacheType.getDimSize(0) != 1) ||
      cacheType.getDimSize(1) != seq || cacheType.getDimSize(2) != half)
    return emitError(loc) << "RotaryEmbedding caches " << cacheType
                          << " do not give [batch, " << seq << ", " << half
                          << "]";
  SmallVector<int64_t> cacheShape = {cacheType.getDimSize(0), seq, 1, half};
  cosValue = createReshape(ic, loc, cosValue, cacheShape);
  sinValue = createReshape(ic, loc, sinValue, cacheShape);

  bool interleaved = getIntAttr(node, "interleaved", 0) != 0;
  Value x1 = interleaved ? sliceLastAxis(b, loc, x, 0, half, 2)
                         : sliceLastAxis(b, loc, x, 0, half, 1);
  Value x2 = interleaved ? sliceLastAxis(b, loc, x, 1, half, 2)
                         : sliceLastAxis(b, loc, x, half, half, 1);
  Value real = SubOp::create(b, loc, MulOp::create(b, loc, cosValue, x1),
                             MulOp::create(b, loc, sinValue, x2));
  Value imag = AddOp::create(b, loc, MulOp::create(b, loc, sinValue, x1),
                             MulOp::create(b, loc, cosValue, x2));
  Value rotated;
  if (interleaved) {
    SmallVector<int64_t> pairShape(getRankedType(real).getShape());
    pairShape.push_back(1);
    Value pairs =
        ConcatOp::create(b, loc,
                         ValueRange{createReshape(ic, loc, real, pairShape),
                                    createReshape(ic, loc, imag, pairShape)},
                         b.getI64IntegerAttr(4));
    rotated =
        createReshape(ic, loc, pairs, {shape[0], seq, shape[2], rotaryDim});
  } else {
    rotated = ConcatOp::create(b, loc, ValueRange{real, imag},
                               b.getI64IntegerAttr(3));
  }
  Value output = rotated;
  if (rotaryDim < headSize)
    output = ConcatOp::create(
        b, loc,
        ValueRange{rotated, sliceLastAxis(b, loc, x, rotaryDim,
                                          headSize - rotaryDim, 1)},
        b.getI64IntegerAttr(3));
  output = rank == 4 ? createTranspose(ic, loc, output, {0, 2, 1, 3})
                     : createReshape(ic, loc, output, type.getShape());
  ic.setOutput(node, 0, output);
  return success();
}

void mlc::onnx_import::registerRotaryEmbeddingOpImporters(
    OpImporterTable &table) {
  table.push_back({"RotaryEmbedding", 23, kLatestOpset, importRotaryEmbedding});
}
