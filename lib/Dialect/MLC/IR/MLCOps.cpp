//===- MLCOps.cpp - Type inference and verifiers of mlc ops ---------------===//
//
// Result types of every mlc op are inferred here from operand types and
// attributes; the same code verifies the printed result types.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlc;

FailureOr<SmallVector<int64_t>> mlc::getBroadcastShape(ArrayRef<int64_t> lhs,
                                                       ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == r || r == 1)
      result[i] = l;
    else if (l == 1)
      result[i] = r;
    else if (ShapedType::isDynamic(l) || ShapedType::isDynamic(r))
      result[i] = ShapedType::isDynamic(l) ? r : l;
    else
      return failure();
  }
  return result;
}

static RankedTensorType getTensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Output size of a strided, padded, dilated window along one dimension;
/// nullopt when the padded input or the dilated window overflows int64
/// (attributes come from model files). Strides must be positive.
static std::optional<int64_t>
getWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                    int64_t padBefore, int64_t padAfter, int64_t dilation) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  std::optional<int64_t> effectiveKernel =
      llvm::checkedMulAdd<int64_t>(dilation, kernel - 1, 1);
  std::optional<int64_t> padded = llvm::checkedAdd<int64_t>(in, padBefore);
  if (padded)
    padded = llvm::checkedAdd<int64_t>(*padded, padAfter);
  if (!effectiveKernel || !padded)
    return std::nullopt;
  return (*padded - *effectiveKernel) / stride + 1;
}

/// Normalizes a possibly negative axis; failure when out of [-rank, rank).
static FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (!isa<ElementsAttr>(getValue()))
    return emitOpError("value must be an elements attribute");
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferBroadcast(std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = getTensorType(adaptor.getLhs());
  RankedTensorType rhs = getTensorType(adaptor.getRhs());
  FailureOr<SmallVector<int64_t>> shape =
      getBroadcastShape(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return emitOptionalError(
        loc, "operands are not broadcast-compatible: ", lhs, " and ", rhs);
  inferred.push_back(RankedTensorType::get(*shape, lhs.getElementType()));
  return success();
}

#define MLC_BINARY_INFER(OP)                                                   \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferBroadcast(loc, adaptor, inferred);                             \
  }
MLC_BINARY_INFER(AddOp)
MLC_BINARY_INFER(SubOp)
MLC_BINARY_INFER(MulOp)
MLC_BINARY_INFER(DivOp)
#undef MLC_BINARY_INFER

#define MLC_SAME_TYPE_INFER(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &inferred) {        \
    inferred.push_back(adaptor.getInput().getType());                          \
    return success();                                                          \
  }
MLC_SAME_TYPE_INFER(BatchNormOp)
#undef MLC_SAME_TYPE_INFER

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = getTensorType(adaptor.getLhs());
  RankedTensorType rhs = getTensorType(adaptor.getRhs());
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k1 = a.back(), k2 = b[b.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "matmul contraction sizes differ: ", k1,
                             " vs ", k2);
  FailureOr<SmallVector<int64_t>> batch =
      getBroadcastShape(ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2));
  if (failed(batch))
    return emitOptionalError(loc, "matmul batch dimensions do not broadcast");
  SmallVector<int64_t> shape = *batch;
  if (!lhsVector)
    shape.push_back(a[a.size() - 2]);
  if (!rhsVector)
    shape.push_back(b.back());
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType a = getTensorType(adaptor.getA());
  RankedTensorType b = getTensorType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "gemm operands A and B must be 2-D");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  inferred.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult GemmOp::verify() {
  RankedTensorType a = getA().getType(), b = getB().getType();
  int64_t k1 = a.getDimSize(getTransA() ? 0 : 1);
  int64_t k2 = b.getDimSize(getTransB() ? 1 : 0);
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOpError("contraction sizes differ: ") << k1 << " vs " << k2;
  if (Value c = getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    FailureOr<SmallVector<int64_t>> shape =
        getBroadcastShape(cType.getShape(), getType().getShape());
    if (cType.getRank() > 2 || failed(shape) ||
        ArrayRef<int64_t>(*shape) != getType().getShape())
      return emitOpError("C of type ")
             << cType << " does not broadcast to the result " << getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyWindowAttrs(std::optional<Location> loc,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || pads.size() != 4 || dilations.size() != 2)
    return emitOptionalError(loc, "expected 2 strides, 4 pads and 2 dilations");
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(
        loc, "strides and dilations must be positive, pads non-negative");
  return success();
}

/// Positions of the channel, height and width dimensions of a 4-D tensor in
/// `layout`; the filter of an NHWC conv2d (FHWC) has them in the same places.
struct SpatialDims {
  int64_t c, h, w;
};

static FailureOr<SpatialDims> getSpatialDims(std::optional<Location> loc,
                                             StringRef layout) {
  // Type inference runs inside build(), before a missing default-valued
  // layout attribute is filled in.
  if (layout.empty())
    layout = "NCHW";
  if (layout == "NCHW")
    return SpatialDims{1, 2, 3};
  if (layout == "NHWC")
    return SpatialDims{3, 1, 2};
  return emitOptionalError(loc, "unknown layout '", layout,
                           "' (expected NCHW or NHWC)");
}

static StringRef getLayoutOrEmpty(StringAttr layout) {
  return layout ? layout.getValue() : StringRef();
}

/// [N, C, H, W] or [N, H, W, C] as `dims` say.
static SmallVector<int64_t> makeSpatialShape(SpatialDims dims, int64_t n,
                                             int64_t c, int64_t h, int64_t w) {
  SmallVector<int64_t> shape(4);
  shape[0] = n;
  shape[dims.c] = c;
  shape[dims.h] = h;
  shape[dims.w] = w;
  return shape;
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  RankedTensorType filter = getTensorType(adaptor.getFilter());
  if (input.getRank() != 4 || filter.getRank() != 4)
    return emitOptionalError(loc, "conv2d expects 4-D input and filter");
  FailureOr<SpatialDims> dims =
      getSpatialDims(loc, getLayoutOrEmpty(adaptor.getLayoutAttr()));
  if (failed(dims))
    return failure();
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dilations = adaptor.getDilations();
  if (failed(verifyWindowAttrs(loc, strides, pads, dilations)))
    return failure();
  int64_t spatial[2];
  int64_t inDims[2] = {dims->h, dims->w};
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> size = getWindowOutputSize(
        input.getDimSize(inDims[i]), filter.getDimSize(inDims[i]), strides[i],
        pads[i], pads[i + 2], dilations[i]);
    if (!size)
      return emitOptionalError(loc, "conv2d window or padding overflows");
    if (!ShapedType::isDynamic(*size) && *size <= 0)
      return emitOptionalError(loc, "conv2d window larger than padded input");
    spatial[i] = *size;
  }
  inferred.push_back(RankedTensorType::get(
      makeSpatialShape(*dims, input.getDimSize(0), filter.getDimSize(0),
                       spatial[0], spatial[1]),
      input.getElementType()));
  return success();
}

LogicalResult Conv2DOp::verify() {
  int64_t group = getGroup();
  int64_t channelDim = getLayout() == "NHWC" ? 3 : 1;
  int64_t channels = getInput().getType().getDimSize(channelDim);
  int64_t filters = getFilter().getType().getDimSize(0);
  int64_t filterChannels = getFilter().getType().getDimSize(channelDim);
  if (group <= 0)
    return emitOpError("group must be positive");
  if (!ShapedType::isDynamic(channels) &&
      (channels % group != 0 || channels / group != filterChannels))
    return emitOpError("input channels (")
           << channels << ") must equal group (" << group
           << ") times filter channels (" << filterChannels << ")";
  if (filters % group != 0)
    return emitOpError("filter count must be divisible by group");
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != filters)
      return emitOpError("bias must be 1-D with one entry per filter");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               ArrayRef<int64_t> dilations,
                               SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  if (input.getRank() != 4)
    return emitOptionalError(loc, "2-D pooling expects a 4-D input");
  FailureOr<SpatialDims> dims =
      getSpatialDims(loc, getLayoutOrEmpty(adaptor.getLayoutAttr()));
  if (failed(dims))
    return failure();
  ArrayRef<int64_t> kernel = adaptor.getKernelShape();
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads();
  if (kernel.size() != 2 ||
      llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return emitOptionalError(loc, "expected 2 positive kernel sizes");
  if (failed(verifyWindowAttrs(loc, strides, pads, dilations)))
    return failure();
  int64_t spatial[2];
  int64_t inDims[2] = {dims->h, dims->w};
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> size =
        getWindowOutputSize(input.getDimSize(inDims[i]), kernel[i], strides[i],
                            pads[i], pads[i + 2], dilations[i]);
    if (!size)
      return emitOptionalError(loc, "pooling window or padding overflows");
    if (!ShapedType::isDynamic(*size) && *size <= 0)
      return emitOptionalError(loc, "pooling window larger than padded input");
    spatial[i] = *size;
  }
  inferred.push_back(RankedTensorType::get(
      makeSpatialShape(*dims, input.getDimSize(0), input.getDimSize(dims->c),
                       spatial[0], spatial[1]),
      input.getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool(loc, adaptor, adaptor.getDilations(), inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  int64_t unitDilations[] = {1, 1};
  return inferPool(loc, adaptor, unitDilations, inferred);
}

/// A padded window must see at least one real element, or the result of the
/// window would be undefined (ONNX requires pads smaller than the kernel).
template <typename PoolOp> static LogicalResult verifyPoolPads(PoolOp op) {
  ArrayRef<int64_t> kernel = op.getKernelShape(), pads = op.getPads();
  for (int i = 0; i < 4; ++i)
    if (pads[i] >= kernel[i % 2])
      return op.emitOpError("pads must be smaller than the kernel");
  return success();
}

LogicalResult MaxPool2DOp::verify() { return verifyPoolPads(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPoolPads(*this); }

LogicalResult
GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  if (input.getRank() < 3)
    return emitOptionalError(loc, "global_avg_pool expects rank >= 3");
  SmallVector<int64_t> shape(input.getShape());
  if (getLayoutOrEmpty(adaptor.getLayoutAttr()) == "NHWC") {
    if (input.getRank() != 4)
      return emitOptionalError(loc, "NHWC global_avg_pool expects rank 4");
    shape[1] = shape[2] = 1;
  } else {
    std::fill(shape.begin() + 2, shape.end(), 1);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult GlobalAvgPoolOp::verify() {
  return getSpatialDims(getLoc(), getLayout());
}

//===----------------------------------------------------------------------===//
// BatchNormOp, SoftmaxOp, ReduceMeanOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = getInput().getType();
  if (input.getRank() < 2)
    return emitOpError("input must have rank >= 2");
  int64_t channels = input.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto type = cast<RankedTensorType>(param.getType());
    if (type.getRank() != 1 ||
        (!ShapedType::isDynamic(channels) && type.getDimSize(0) != channels))
      return emitOpError("parameters must be 1-D of size ") << channels;
  }
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (failed(normalizeAxis(static_cast<int64_t>(getAxis()),
                           getInput().getType().getRank())))
    return emitOpError("axis ")
           << static_cast<int64_t>(getAxis()) << " out of range";
  return success();
}

LogicalResult ReduceMeanOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  int64_t rank = input.getRank();
  llvm::SmallBitVector reduced(rank, adaptor.getAxes().empty());
  for (int64_t axis : adaptor.getAxes()) {
    FailureOr<int64_t> normalized = normalizeAxis(axis, rank);
    if (failed(normalized))
      return emitOptionalError(loc, "reduce_mean axis ", axis, " out of range");
    reduced.set(*normalized);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced.test(i))
      shape.push_back(input.getDimSize(i));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  ArrayRef<int64_t> shape = adaptor.getShape();
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return emitOptionalError(loc, "reshape target shape must be static");
  if (input.hasStaticShape() &&
      input.getNumElements() != ShapedType::getNumElements(shape))
    return emitOptionalError(loc, "reshape changes the element count of ",
                             input);
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = input.getRank();
  llvm::SmallBitVector seen(rank);
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOptionalError(loc, "perm must have one entry per dimension");
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen.test(p))
      return emitOptionalError(loc, "perm is not a permutation");
    seen.set(p);
    shape.push_back(input.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "concat needs at least one input");
  RankedTensorType first = getTensorType(adaptor.getInputs().front());
  int64_t rank = first.getRank();
  FailureOr<int64_t> axis = normalizeAxis(adaptor.getAxis(), rank);
  if (failed(axis))
    return emitOptionalError(loc, "concat axis out of range");
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (Value v : adaptor.getInputs()) {
    RankedTensorType type = getTensorType(v);
    if (type.getRank() != rank)
      return emitOptionalError(loc, "concat inputs must have equal rank");
    for (int64_t i = 0; i < rank; ++i) {
      if (i == *axis)
        continue;
      if (type.getDimSize(i) != shape[i])
        return emitOptionalError(loc, "concat inputs differ in dimension ", i);
    }
    if (ShapedType::isDynamic(type.getDimSize(*axis)) ||
        ShapedType::isDynamic(shape[*axis]))
      shape[*axis] = ShapedType::kDynamic;
    else
      shape[*axis] += type.getDimSize(*axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = getTensorType(adaptor.getInput());
  int64_t rank = input.getRank();
  int64_t axis = adaptor.getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return emitOptionalError(loc, "flatten axis out of range");
  auto product = [](ArrayRef<int64_t> dims) {
    if (llvm::any_of(dims, ShapedType::isDynamic))
      return ShapedType::kDynamic;
    return ShapedType::getNumElements(dims);
  };
  int64_t outer = product(input.getShape().take_front(axis));
  int64_t inner = product(input.getShape().drop_front(axis));
  inferred.push_back(
      RankedTensorType::get({outer, inner}, input.getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "mlc/Dialect/MLC/IR/MLCOps.cpp.inc"
