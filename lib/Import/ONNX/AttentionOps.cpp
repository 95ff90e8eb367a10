//===- AttentionOps.cpp - ONNX Attention as a composition -----------------===//
//
// Attention (opset 23/24) becomes the reference's own dataflow on mlc ops:
// 3-D inputs are split into heads (reshape + transpose), past key/value are
// concatenated in front of K/V, grouped-query K/V heads are repeated by
// reshape + expand, then softmax(Q*s @ (K*s)^T + bias) @ V with s the square
// root of the scale. The bias sums the attention mask (booleans become 0 or
// -inf; a mask shorter than the total sequence is padded with -inf), the
// causal mask (a constant: shapes are static) and the nonpad_kv_seqlen
// padding mask. softcap is softcap * tanh(x / softcap). No new ops reach the
// lowering.
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {
/// The builder and location of one Attention node, with the failure-checked
/// op constructors the composition needs.
struct AttentionBuilder {
  ImporterContext &ic;
  Location loc;
  bool failed = false;

  OpBuilder &b() { return ic.builder; }

  Value scalar(Type elementType, double value) {
    auto type = RankedTensorType::get({}, elementType);
    return ConstantOp::create(
        b(), loc,
        DenseElementsAttr::get(type, b().getFloatAttr(elementType, value)));
  }

  template <typename OpTy, typename... Args> Value make(Args &&...args) {
    if (failed)
      return Value();
    FailureOr<OpTy> op =
        createInferred<OpTy>(b(), loc, std::forward<Args>(args)...);
    if (mlir::failed(op)) {
      failed = true;
      return Value();
    }
    return op->getResult();
  }
};
} // namespace

/// [B, S, H * D] -> [B, H, S, D].
static Value splitHeads(ImporterContext &ic, Location loc, Value x,
                        int64_t heads) {
  RankedTensorType type = getRankedType(x);
  int64_t batch = type.getDimSize(0), seq = type.getDimSize(1);
  int64_t head = type.getDimSize(2) / heads;
  Value split = createReshape(ic, loc, x, {batch, seq, heads, head});
  return createTranspose(ic, loc, split, {0, 2, 1, 3});
}

static LogicalResult importAttention(ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  FailureOr<Value> q = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> k = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> v = ic.getRequiredInput(node, 2, loc);
  FailureOr<Value> mask = ic.getInput(node, 3, loc);
  FailureOr<Value> pastKey = ic.getInput(node, 4, loc);
  FailureOr<Value> pastValue = ic.getInput(node, 5, loc);
  FailureOr<Value> nonpad = ic.getInput(node, 6, loc);
  if (failed(q) || failed(k) || failed(v) || failed(mask) || failed(pastKey) ||
      failed(pastValue) || failed(nonpad))
    return failure();
  for (Value value : {*q, *k, *v, *mask, *pastKey, *pastValue, *nonpad})
    if (value && failed(requireStaticShape(node, value, loc)))
      return failure();
  RankedTensorType qType = getRankedType(*q);
  Type elementType = qType.getElementType();
  int64_t rank = qType.getRank();
  if (!isa<FloatType>(elementType))
    return emitError(loc) << "Attention needs float Q, K and V";
  if ((rank != 3 && rank != 4) || getRankedType(*k).getRank() != rank ||
      getRankedType(*v).getRank() != rank)
    return emitError(loc) << "Attention needs Q, K and V all 3-D or all 4-D";
  if (getRankedType(*k).getElementType() != elementType ||
      getRankedType(*v).getElementType() != elementType)
    return emitError(loc) << "Attention needs Q, K and V of one element type";
  if (bool(*pastKey) != bool(*pastValue))
    return emitError(loc) << "Attention needs both past_key and past_value "
                             "or neither";

  AttentionBuilder ab{ic, loc};
  OpBuilder &b = ic.builder;
  Value query = *q, key = *k, value = *v;
  int64_t qHeads, kvHeads;
  if (rank == 3) {
    qHeads = getIntAttr(node, "q_num_heads", 0);
    kvHeads = getIntAttr(node, "kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0)
      return emitError(loc) << "Attention with 3-D inputs needs positive "
                               "q_num_heads and kv_num_heads";
    if (qType.getDimSize(2) % qHeads ||
        getRankedType(key).getDimSize(2) % kvHeads ||
        getRankedType(value).getDimSize(2) % kvHeads)
      return emitError(loc) << "Attention hidden sizes are not divisible by "
                               "the numbers of heads";
    query = splitHeads(ic, loc, query, qHeads);
    key = splitHeads(ic, loc, key, kvHeads);
    value = splitHeads(ic, loc, value, kvHeads);
  } else {
    qHeads = qType.getDimSize(1);
    kvHeads = getRankedType(key).getDimSize(1);
  }
  RankedTensorType q4 = getRankedType(query), k4 = getRankedType(key),
                   v4 = getRankedType(value);
  int64_t batch = q4.getDimSize(0), qSeq = q4.getDimSize(2),
          headSize = q4.getDimSize(3);
  if (k4.getDimSize(0) != batch || v4.getDimSize(0) != batch ||
      k4.getDimSize(3) != headSize || v4.getDimSize(1) != kvHeads ||
      k4.getDimSize(2) != v4.getDimSize(2))
    return emitError(loc) << "Attention Q " << q4 << ", K " << k4 << " and V "
                          << v4 << " do not match";

  int64_t pastSeq = 0;
  if (*pastKey) {
    RankedTensorType pk = getRankedType(*pastKey),
                     pv = getRankedType(*pastValue);
    if (pk.getRank() != 4 || pv.getRank() != 4 || pk.getDimSize(0) != batch ||
        pk.getDimSize(1) != kvHeads || pk.getDimSize(3) != headSize ||
        pv.getDimSize(0) != batch || pv.getDimSize(1) != kvHeads ||
        pv.getDimSize(3) != v4.getDimSize(3) ||
        pk.getDimSize(2) != pv.getDimSize(2) ||
        pk.getElementType() != elementType ||
        pv.getElementType() != elementType)
      return emitError(loc) << "Attention past_key " << pk << " and past_value "
                            << pv << " do not match K and V";
    pastSeq = pk.getDimSize(2);
    key = ConcatOp::create(b, loc, ValueRange{*pastKey, key},
                           b.getI64IntegerAttr(2));
    value = ConcatOp::create(b, loc, ValueRange{*pastValue, value},
                             b.getI64IntegerAttr(2));
  }
  Value presentKey = key, presentValue = value;
  int64_t totalSeq = getRankedType(key).getDimSize(2);

  // The additive bias, broadcastable to [B, H, qSeq, totalSeq].
  double negInf = -std::numeric_limits<double>::infinity();
  Value bias;
  auto addBias = [&](Value term) {
    bias = bias ? ab.make<AddOp>(bias, term) : term;
  };
  if (*mask) {
    RankedTensorType maskType = getRankedType(*mask);
    Type maskElement = maskType.getElementType();
    if (maskType.getRank() < 2 || maskType.getRank() > 4 ||
        maskType.getDimSize(maskType.getRank() - 1) > totalSeq ||
        (!maskElement.isInteger(1) && maskElement != elementType))
      return emitError(loc) << "Attention attn_mask " << maskType
                            << " must be bool or Q's type, of rank 2 to 4, "
                               "and at most the total sequence long";
    Value maskBias = *mask;
    if (maskElement.isInteger(1))
      maskBias = ab.make<WhereOp>(*mask, ab.scalar(elementType, 0.0),
                                  ab.scalar(elementType, negInf));
    int64_t pad = totalSeq - maskType.getDimSize(maskType.getRank() - 1);
    if (pad > 0 && maskBias) {
      SmallVector<int64_t> padShape(maskType.getShape());
      padShape.back() = pad;
      auto padType = RankedTensorType::get(padShape, elementType);
      Value padding = ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(padType, b.getFloatAttr(elementType, negInf)));
      maskBias = ConcatOp::create(b, loc, ValueRange{maskBias, padding},
                                  b.getI64IntegerAttr(maskType.getRank() - 1));
    }
    addBias(maskBias);
  }
  if (getIntAttr(node, "is_causal", 0)) {
    auto causalType = RankedTensorType::get({qSeq, totalSeq}, elementType);
    SmallVector<Attribute> elements;
    for (int64_t i = 0; i < qSeq; ++i)
      for (int64_t j = 0; j < totalSeq; ++j)
        elements.push_back(
            b.getFloatAttr(elementType, j > i + pastSeq ? negInf : 0.0));
    addBias(ConstantOp::create(b, loc,
                               DenseElementsAttr::get(causalType, elements)));
  }
  if (*nonpad) {
    RankedTensorType seqType = getRankedType(*nonpad);
    if (seqType.getRank() != 1 || seqType.getDimSize(0) != batch ||
        !seqType.getElementType().isInteger(64))
      return emitError(loc) << "Attention nonpad_kv_seqlen must be int64 of "
                               "shape [batch]";
    SmallVector<int64_t> iota;
    for (int64_t j = 0; j < totalSeq; ++j)
      iota.push_back(j);
    Value positions = ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({totalSeq}, b.getI64Type()), ArrayRef(iota)));
    Value lengths = createReshape(ic, loc, *nonpad, {batch, 1});
    Value valid = ab.make<LessOp>(positions, lengths);
    Value padBias = ab.make<WhereOp>(valid, ab.scalar(elementType, 0.0),
                                     ab.scalar(elementType, negInf));
    if (padBias)
      addBias(createReshape(ic, loc, padBias, {batch, 1, 1, totalSeq}));
  }

  // Grouped-query attention: kv head h serves q heads h * r .. h * r + r - 1.
  if (qHeads != kvHeads) {
    if (qHeads % kvHeads)
      return emitError(loc) << "Attention q_num_heads " << qHeads
                            << " is not a multiple of kv_num_heads " << kvHeads;
    int64_t reps = qHeads / kvHeads;
    auto repeatHeads = [&](Value x) -> Value {
      ArrayRef<int64_t> shape = getRankedType(x).getShape();
      Value grouped =
          createReshape(ic, loc, x, {batch, kvHeads, 1, shape[2], shape[3]});
      Value expanded = ab.make<ExpandOp>(
          grouped,
          b.getDenseI64ArrayAttr({batch, kvHeads, reps, shape[2], shape[3]}));
      if (!expanded)
        return Value();
      return createReshape(ic, loc, expanded,
                           {batch, qHeads, shape[2], shape[3]});
    };
    key = repeatHeads(key);
    value = repeatHeads(value);
    if (!key || !value)
      return failure();
  }

  // 16-bit floats are computed in f32 and rounded once at the end, as numpy
  // (the reference) accumulates their products in float.
  auto castTo = [&](Value x, Type to) -> Value {
    RankedTensorType type = getRankedType(x);
    if (type.getElementType() == to)
      return x;
    return CastOp::create(b, loc, type.clone(to), x);
  };
  Type computeType =
      elementType.getIntOrFloatBitWidth() < 32 ? b.getF32Type() : elementType;
  query = castTo(query, computeType);
  key = castTo(key, computeType);
  value = castTo(value, computeType);
  if (bias)
    bias = castTo(bias, computeType);

  double scale = 1.0 / std::sqrt(static_cast<double>(headSize));
  if (const onnx::AttributeProto *scaleAttr = findAttr(node, "scale"))
    scale = scaleAttr->f();
  Value rootScale = ab.scalar(computeType, std::sqrt(scale));
  Value scaledQ = ab.make<MulOp>(query, rootScale);
  Value scaledK = ab.make<MulOp>(key, rootScale);
  if (ab.failed)
    return failure();
  Value qk = ab.make<MatMulOp>(scaledQ,
                               createTranspose(ic, loc, scaledK, {0, 1, 3, 2}));
  int64_t mode = getIntAttr(node, "qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return emitError(loc) << "Attention qk_matmul_output_mode " << mode
                          << " is not 0 to 3";
  Value qkOutput = qk;
  Value logits = bias ? ab.make<AddOp>(qk, bias) : qk;
  if (mode == 1)
    qkOutput = logits;
  double softcap = getFloatAttr(node, "softcap", 0.0f);
  if (softcap > 0) {
    Value cap = ab.scalar(computeType, softcap);
    logits = ab.make<MulOp>(ab.make<TanhOp>(ab.make<DivOp>(logits, cap)), cap);
  }
  if (mode == 2)
    qkOutput = logits;
  if (ab.failed)
    return failure();

  // softmax_precision: the softmax and the product with V run in that type.
  Type softmaxType = computeType;
  if (const onnx::AttributeProto *precision =
          findAttr(node, "softmax_precision")) {
    FailureOr<Type> converted =
        ic.convertElementType(static_cast<int32_t>(precision->i()), loc);
    if (failed(converted))
      return failure();
    if (!isa<FloatType>(*converted))
      return emitError(loc) << "Attention softmax_precision must be a float "
                               "type";
    if (converted->getIntOrFloatBitWidth() >
        computeType.getIntOrFloatBitWidth())
      softmaxType = *converted;
  }
  Value probs =
      SoftmaxOp::create(b, loc, castTo(logits, softmaxType), -1).getResult();
  if (mode == 3)
    qkOutput = probs;
  qkOutput = castTo(qkOutput, elementType);
  Value output = ab.make<MatMulOp>(probs, castTo(value, softmaxType));
  if (ab.failed)
    return failure();
  output = castTo(output, elementType);
  if (rank == 3) {
    Value heads = createTranspose(ic, loc, output, {0, 2, 1, 3});
    ArrayRef<int64_t> shape = getRankedType(heads).getShape();
    output = createReshape(ic, loc, heads,
                           {shape[0], shape[1], shape[2] * shape[3]});
  }
  ic.setOutput(node, 0, output);
  ic.setOutput(node, 1, presentKey);
  ic.setOutput(node, 2, presentValue);
  ic.setOutput(node, 3, qkOutput);
  return success();
}

void mlc::onnx_import::registerAttentionOpImporters(OpImporterTable &table) {
  table.push_back({"Attention", 23, kLatestOpset, importAttention});
}
