//===- RandomOps.cpp - ONNX random ops and training-mode Dropout ----------===//
//
// RandomUniform(Like) and RandomNormal(Like) are mlc.random (a Philox
// generator whose state lives in the run's context, MLCRandomOps.td). The
// others are built from a uniform draw u in [0, 1):
//   Bernoulli(p)        = u < p, cast to the output type;
//   Multinomial(logits) = the number of entries of the normalized CDF of
//                         softmax(logits) that are <= u, per sample (at most
//                         C - 1);
//   Dropout (training)  = x / (1 - ratio) where u >= ratio, else 0; the mask
//                         is u >= ratio (TensorOps.cpp calls
//                         buildTrainingDropout for it).
// A `seed` attribute (a float) keys the op's stream by its bit pattern.
//
//===----------------------------------------------------------------------===//

#include "RandomOps.h"
#include "ComposeUtils.h"

#include "mlc/Dialect/MLC/IR/MLCRandomOps.h"

#include "llvm/ADT/bit.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// The float element type `dtype` names (`fallback` when absent), or an
/// error naming `op`.
static FailureOr<FloatType> getFloatDType(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Type fallback, Location loc) {
  Type type = fallback;
  if (const onnx::AttributeProto *dtype = findAttr(node, "dtype")) {
    FailureOr<Type> converted = ic.convertElementType(dtype->i(), loc);
    if (failed(converted))
      return failure();
    type = *converted;
  }
  auto floatType = dyn_cast_or_null<FloatType>(type);
  if (!floatType || !(floatType.isF16() || floatType.isBF16() ||
                      floatType.isF32() || floatType.isF64()))
    return emitError(loc) << node.op_type()
                          << " draws float16, bfloat16, float or double "
                             "values, got "
                          << type;
  return floatType;
}

/// The op's `seed` as the key of its stream (its float bits), if any.
static IntegerAttr getSeed(OpBuilder &b, const onnx::NodeProto &node) {
  const onnx::AttributeProto *seed = findAttr(node, "seed");
  if (!seed)
    return {};
  return b.getI64IntegerAttr(llvm::bit_cast<uint32_t>(seed->f()));
}

/// A draw of `type` from `distribution`, sized like `like` where `type` is
/// dynamic.
static Value createRandom(OpBuilder &b, Location loc, RankedTensorType type,
                          Value like, StringRef distribution, double a,
                          double bParam, IntegerAttr seed) {
  return RandomOp::create(b, loc, type, type.hasStaticShape() ? Value() : like,
                          b.getStringAttr(distribution), b.getF64FloatAttr(a),
                          b.getF64FloatAttr(bParam), seed);
}

/// RandomUniform, RandomNormal and their *Like forms.
static LogicalResult importRandom(ImporterContext &ic,
                                  const onnx::NodeProto &node, Location loc,
                                  bool normal, bool like) {
  OpBuilder &b = ic.builder;
  Value input;
  SmallVector<int64_t> shape;
  Type fallback;
  if (like) {
    FailureOr<Value> value = ic.getRequiredInput(node, 0, loc);
    if (failed(value))
      return failure();
    input = *value;
    RankedTensorType inputType = getRankedType(input);
    shape.assign(inputType.getShape().begin(), inputType.getShape().end());
    fallback = inputType.getElementType();
  } else {
    const onnx::AttributeProto *shapeAttr = findAttr(node, "shape");
    if (!shapeAttr)
      return emitError(loc) << node.op_type() << " needs the attribute 'shape'";
    for (int64_t d : shapeAttr->ints()) {
      if (d < 0)
        return emitError(loc)
               << node.op_type() << " shape entries must be >= 0, got " << d;
      shape.push_back(d);
    }
    fallback = b.getF32Type();
  }
  FailureOr<FloatType> elementType = getFloatDType(ic, node, fallback, loc);
  if (failed(elementType))
    return failure();
  double a = normal ? getFloatAttr(node, "mean", 0.0f)
                    : getFloatAttr(node, "low", 0.0f);
  double bParam = normal ? getFloatAttr(node, "scale", 1.0f)
                         : getFloatAttr(node, "high", 1.0f);
  if (normal && bParam < 0)
    return emitError(loc) << node.op_type() << " scale must be >= 0, got "
                          << bParam;
  ic.setOutput(node, 0,
               createRandom(b, loc, RankedTensorType::get(shape, *elementType),
                            input, normal ? "normal" : "uniform", a, bParam,
                            getSeed(b, node)));
  return success();
}

static LogicalResult importBernoulli(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  OpBuilder &b = ic.builder;
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  if (!isa<FloatType>(type.getElementType()))
    return emitError(loc) << "Bernoulli needs float probabilities, got "
                          << type;
  Type outElement = type.getElementType();
  bool outUnsigned = false;
  if (const onnx::AttributeProto *dtype = findAttr(node, "dtype")) {
    FailureOr<Type> converted = ic.convertElementType(dtype->i(), loc);
    if (failed(converted))
      return failure();
    outElement = *converted;
    outUnsigned = ImporterContext::isUnsignedElementType(dtype->i());
  }
  Value u =
      createRandom(b, loc, type, *input, "uniform", 0.0, 1.0, getSeed(b, node));
  Value result = LessOp::create(b, loc, u, *input);
  if (!outElement.isInteger(1))
    result = CastOp::create(b, loc, type.clone(outElement), result, false,
                            outUnsigned);
  if (outUnsigned)
    ic.unsignedValues.insert(result);
  ic.setOutput(node, 0, result);
  return success();
}

static LogicalResult importMultinomial(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc) {
  OpBuilder &b = ic.builder;
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  RankedTensorType type = getRankedType(*input);
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (type.getRank() != 2 || !type.hasStaticShape() || !floatType)
    return emitError(loc) << "Multinomial needs static float [batch, class] "
                             "log-probabilities, got "
                          << type;
  int64_t batch = type.getDimSize(0), classes = type.getDimSize(1);
  int64_t samples = getIntAttr(node, "sample_size", 1);
  if (samples < 0 || classes < 1)
    return emitError(loc) << "Multinomial needs sample_size >= 0 and at "
                             "least one class";
  FailureOr<Type> outElement =
      ic.convertElementType(getIntAttr(node, "dtype", 6), loc);
  if (failed(outElement))
    return failure();
  if (!outElement->isInteger(32) && !outElement->isInteger(64))
    return emitError(loc) << "Multinomial output must be int32 or int64, got "
                          << *outElement;
  // Normalized CDF of softmax(input) along the classes.
  Value peak = ReduceOp::create(b, loc, ReduceKind::Max, *input,
                                ArrayRef<int64_t>{1}, /*keepdims=*/true);
  Value weights = ExpOp::create(b, loc, SubOp::create(b, loc, *input, peak));
  Value cdf = CumSumOp::create(b, loc, weights.getType(), weights,
                               b.getI64IntegerAttr(1), b.getBoolAttr(false),
                               b.getBoolAttr(false));
  Value total = ReduceOp::create(b, loc, ReduceKind::Sum, weights,
                                 ArrayRef<int64_t>{1}, /*keepdims=*/true);
  cdf = DivOp::create(b, loc, cdf, total);
  cdf = createReshape(ic, loc, cdf, {batch, 1, classes});
  Value u = createRandom(b, loc,
                         RankedTensorType::get({batch, samples, 1}, floatType),
                         Value(), "uniform", 0.0, 1.0, getSeed(b, node));
  Value below = LessEqualOp::create(b, loc, cdf, u);
  Type i64 = b.getI64Type();
  Value count = ReduceOp::create(
      b, loc, ReduceKind::Sum,
      CastOp::create(b, loc,
                     RankedTensorType::get({batch, samples, classes}, i64),
                     below, false, false),
      ArrayRef<int64_t>{2}, /*keepdims=*/false);
  // Rounding can leave the CDF's last entry just below 1.
  Value index =
      MinOp::create(b, loc, count, createScalarConst(b, loc, i64, classes - 1));
  if (!outElement->isInteger(64))
    index = CastOp::create(b, loc,
                           RankedTensorType::get({batch, samples}, *outElement),
                           index, false, false);
  ic.setOutput(node, 0, index);
  return success();
}

FailureOr<std::pair<Value, Value>>
mlc::onnx_import::buildTrainingDropout(ImporterContext &ic, Location loc,
                                       Value x, Value ratio, Value training,
                                       IntegerAttr seed) {
  OpBuilder &b = ic.builder;
  RankedTensorType type = getRankedType(x);
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType)
    return emitError(loc) << "Dropout in training mode needs a float input, "
                             "got "
                          << type;
  if (!ratio) {
    ratio = createScalarConst(b, loc, floatType, 0.5);
  } else {
    RankedTensorType ratioType = getRankedType(ratio);
    if (!ratioType.hasStaticShape() || ratioType.getNumElements() != 1 ||
        !isa<FloatType>(ratioType.getElementType()))
      return emitError(loc)
             << "Dropout ratio must be a float scalar, got " << ratioType;
    if (ratioType.getElementType() != floatType)
      ratio = CastOp::create(b, loc, ratioType.clone(floatType), ratio, false,
                             false);
  }
  Value u = createRandom(b, loc, type, x, "uniform", 0.0, 1.0, seed);
  Value keep = GreaterEqualOp::create(b, loc, u, ratio);
  Value one = createScalarConst(b, loc, floatType, 1.0);
  Value scale = DivOp::create(b, loc, one, SubOp::create(b, loc, one, ratio));
  Value output = WhereOp::create(b, loc, keep, MulOp::create(b, loc, x, scale),
                                 createScalarConst(b, loc, floatType, 0.0));
  Value mask = keep;
  if (training) {
    // training_mode known only at run time: off, Dropout is the identity.
    output = WhereOp::create(b, loc, training, output, x);
    mask = OrOp::create(b, loc, keep, NotOp::create(b, loc, training));
  }
  return std::pair{output, mask};
}

void mlc::onnx_import::registerRandomOpImporters(OpImporterTable &table) {
  table.push_back(
      {"RandomUniform", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRandom(ic, node, loc, false, false);
       }});
  table.push_back(
      {"RandomNormal", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRandom(ic, node, loc, true, false);
       }});
  table.push_back(
      {"RandomUniformLike", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRandom(ic, node, loc, false, true);
       }});
  table.push_back(
      {"RandomNormalLike", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRandom(ic, node, loc, true, true);
       }});
  table.push_back({"Bernoulli", 15, kLatestOpset, importBernoulli});
  table.push_back({"Multinomial", 7, kLatestOpset, importMultinomial});
}
