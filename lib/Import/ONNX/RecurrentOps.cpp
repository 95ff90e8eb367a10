//===- RecurrentOps.cpp - Importers of ONNX RNN, GRU and LSTM -------------===//
//
// The recurrences are unrolled over the static sequence length (the batch
// may be dynamic: reshapes then keep its run-time size) into mlc
// matmuls, slices and activations. The input projection X W^T + Wb + Rb of
// all steps is one matmul; each step adds H R^T and applies the gates. With
// sequence_lens (constant or runtime) a step t only updates the batch rows
// whose length exceeds t (mlc.where), and Y is zero past a row's length;
// the reverse direction walks t from the end, so rows shorter than the
// sequence keep their initial state until their own last step, which gives
// ONNX's per-row reversal. Both layouts, all three directions, every ONNX
// activation, clip and LSTM peepholes are supported; LSTM input_forget is not.
//
//===----------------------------------------------------------------------===//

#include "ComposeUtils.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Longest sequence unrolled (each step is a handful of ops).
static constexpr int64_t kMaxUnrolledSteps = 4096;

namespace {

enum class CellKind { RNN, GRU, LSTM };

struct Activation {
  std::string name;
  std::optional<float> alpha, beta;
};

/// What one cell needs, resolved from the node.
struct CellSpec {
  CellKind kind;
  int64_t gates;  ///< 1, 3 or 4 blocks of hidden_size rows in W and R
  int64_t hidden; ///< hidden_size
  int64_t seq, batch, inputSize;
  int64_t directions;
  bool reverseOnly;
  bool linearBeforeReset;
  std::optional<float> clip;
  SmallVector<Activation> activations; ///< per direction, in ONNX order
};

} // namespace

static int64_t numActivations(CellKind kind) {
  return kind == CellKind::RNN ? 1 : kind == CellKind::GRU ? 2 : 3;
}

static FailureOr<Value> applyActivation(OpBuilder &b, Location loc,
                                        const Activation &act, Value x) {
  Type elementType = getRankedType(x).getElementType();
  auto scalar = [&](double v) {
    return createScalarConst(b, loc, elementType, v);
  };
  StringRef name = act.name;
  if (name == "Sigmoid")
    return Value(SigmoidOp::create(b, loc, x));
  if (name == "Tanh")
    return Value(TanhOp::create(b, loc, x));
  if (name == "Relu")
    return Value(ReluOp::create(b, loc, x));
  if (name == "Softsign")
    return Value(SoftsignOp::create(b, loc, x));
  if (name == "Softplus")
    return Value(SoftplusOp::create(b, loc, x));
  if (name == "LeakyRelu")
    return Value(LeakyReluOp::create(
        b, loc, x, b.getF32FloatAttr(act.alpha.value_or(0.01f))));
  if (name == "ThresholdedRelu")
    return Value(ThresholdedReluOp::create(
        b, loc, x, b.getF32FloatAttr(act.alpha.value_or(1.0f))));
  if (name == "Elu")
    return Value(
        EluOp::create(b, loc, x, b.getF32FloatAttr(act.alpha.value_or(1.0f))));
  if (name == "HardSigmoid")
    return Value(HardSigmoidOp::create(
        b, loc, x, b.getF32FloatAttr(act.alpha.value_or(0.2f)),
        b.getF32FloatAttr(act.beta.value_or(0.5f))));
  if (name == "Affine")
    return Value(AddOp::create(
        b, loc, MulOp::create(b, loc, x, scalar(act.alpha.value_or(1.0f))),
        scalar(act.beta.value_or(0.0f))));
  if (name == "ScaledTanh")
    return Value(MulOp::create(
        b, loc,
        TanhOp::create(
            b, loc, MulOp::create(b, loc, x, scalar(act.beta.value_or(1.0f)))),
        scalar(act.alpha.value_or(1.0f))));
  return failure();
}

/// Reads direction, hidden_size, activations and the other attributes and
/// checks them against the shapes of X.
static FailureOr<CellSpec> getCellSpec(const onnx::NodeProto &node,
                                       CellKind kind, RankedTensorType xType,
                                       Location loc) {
  CellSpec spec;
  spec.kind = kind;
  spec.gates = kind == CellKind::RNN ? 1 : kind == CellKind::GRU ? 3 : 4;
  StringRef op = node.op_type();
  const onnx::AttributeProto *hidden = findAttr(node, "hidden_size");
  if (!hidden || hidden->i() <= 0 || hidden->i() > (int64_t{1} << 20))
    return emitError(loc) << op << " needs a positive hidden_size";
  spec.hidden = hidden->i();
  std::string direction = getStringAttr(node, "direction", "forward");
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return emitError(loc) << op << ": unknown direction '" << direction << "'";
  spec.directions = direction == "bidirectional" ? 2 : 1;
  spec.reverseOnly = direction == "reverse";
  int64_t layout = getIntAttr(node, "layout", 0);
  if (layout != 0 && layout != 1)
    return emitError(loc) << op << ": layout must be 0 or 1";
  // The batch may be dynamic; the sequence is unrolled, so it is static.
  if (xType.getRank() != 3 || xType.isDynamicDim(layout == 0 ? 0 : 1) ||
      xType.isDynamicDim(2) || !isa<FloatType>(xType.getElementType()))
    return emitError(loc) << op
                          << " needs a 3-D float X of static sequence "
                             "length and input size, got "
                          << xType;
  spec.seq = xType.getDimSize(layout == 0 ? 0 : 1);
  spec.batch = xType.getDimSize(layout == 0 ? 1 : 0);
  spec.inputSize = xType.getDimSize(2);
  if (spec.seq <= 0 || spec.seq > kMaxUnrolledSteps)
    return emitError(loc) << op << ": sequence length " << spec.seq
                          << " is not in [1, " << kMaxUnrolledSteps << "]";
  spec.linearBeforeReset = getIntAttr(node, "linear_before_reset", 0) != 0;
  if (getIntAttr(node, "input_forget", 0) != 0)
    return emitError(loc) << "LSTM: input_forget=1 is not supported";
  if (const onnx::AttributeProto *clip = findAttr(node, "clip")) {
    if (!(clip->f() > 0))
      return emitError(loc) << op << ": clip must be positive";
    spec.clip = clip->f();
  }
  // Activations: one group per direction; defaults by cell kind.
  int64_t perDirection = numActivations(kind);
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *acts = findAttr(node, "activations"))
    for (const std::string &s : acts->strings())
      names.push_back(s);
  if (names.empty()) {
    for (int64_t d = 0; d < spec.directions; ++d) {
      if (kind != CellKind::RNN)
        names.push_back("Sigmoid");
      names.push_back("Tanh");
      if (kind == CellKind::LSTM)
        names.push_back("Tanh");
    }
  }
  if (static_cast<int64_t>(names.size()) != perDirection * spec.directions)
    return emitError(loc) << op << " needs " << perDirection * spec.directions
                          << " activations, got " << names.size();
  const onnx::AttributeProto *alphas = findAttr(node, "activation_alpha");
  const onnx::AttributeProto *betas = findAttr(node, "activation_beta");
  for (auto [i, name] : llvm::enumerate(names)) {
    if (!llvm::is_contained({"Sigmoid", "Tanh", "Relu", "Softsign", "Softplus",
                             "LeakyRelu", "ThresholdedRelu", "Elu",
                             "HardSigmoid", "Affine", "ScaledTanh"},
                            StringRef(name)))
      return emitError(loc)
             << op << ": unsupported activation '" << name << "'";
    Activation act{name, std::nullopt, std::nullopt};
    if (alphas && static_cast<int>(i) < alphas->floats_size())
      act.alpha = alphas->floats(i);
    if (betas && static_cast<int>(i) < betas->floats_size())
      act.beta = betas->floats(i);
    spec.activations.push_back(act);
  }
  return spec;
}

namespace {

/// Builds the unrolled recurrence of one node.
class RecurrenceBuilder {
public:
  RecurrenceBuilder(ImporterContext &ic, Location loc, const CellSpec &spec,
                    Type elementType)
      : ic(ic), b(ic.builder), loc(loc), spec(spec), elementType(elementType) {}

  /// Runs direction `d` (0 forward unless reverse-only, 1 reverse). `x` is
  /// [seq, batch, input]; w, r, bias and peephole are this direction's
  /// [G*H, I], [G*H, H], [2*G*H] or null, [3*H] or null; h0 and c0 are
  /// [batch, H] or null; `lengths` is [batch] or null. Fills ys (one
  /// [batch, H] per time step), finalH and finalC.
  LogicalResult run(int64_t d, bool reverse, Value x, Value w, Value r,
                    Value bias, Value peephole, Value h0, Value c0,
                    Value lengths, SmallVectorImpl<Value> &ys, Value &finalH,
                    Value &finalC);

private:
  Value activate(int64_t d, int64_t which, Value v, LogicalResult &status) {
    const Activation &act =
        spec.activations[d * numActivations(spec.kind) + which];
    if (spec.clip)
      v = ClipOp::create(b, loc, v, b.getF32FloatAttr(-*spec.clip),
                         b.getF32FloatAttr(*spec.clip));
    FailureOr<Value> result = applyActivation(b, loc, act, v);
    if (failed(result)) {
      status = emitError(loc) << "unsupported activation '" << act.name << "'";
      return v;
    }
    return *result;
  }
  Value gate(Value v, int64_t k) {
    return sliceAxis(ic, loc, v, 1, k * spec.hidden, spec.hidden);
  }
  Value transpose2D(Value v) { return createTranspose(ic, loc, v, {1, 0}); }

  ImporterContext &ic;
  OpBuilder &b;
  Location loc;
  const CellSpec &spec;
  Type elementType;
};

} // namespace

LogicalResult RecurrenceBuilder::run(int64_t d, bool reverse, Value x, Value w,
                                     Value r, Value bias, Value peephole,
                                     Value h0, Value c0, Value lengths,
                                     SmallVectorImpl<Value> &ys, Value &finalH,
                                     Value &finalC) {
  int64_t H = spec.hidden, G = spec.gates, batch = spec.batch;
  LogicalResult status = success();
  // All steps' input projections at once: [seq, batch, G*H].
  Value projected = MatMulOp::create(b, loc, x, transpose2D(w));
  Value rt = transpose2D(r); // [H, G*H]
  Value biasW, biasR;
  if (bias) {
    biasW = sliceAxis(ic, loc, bias, 0, 0, G * H);
    biasR = sliceAxis(ic, loc, bias, 0, G * H, G * H);
    projected = AddOp::create(b, loc, projected, biasW);
  }
  Value zeros;
  if (ShapedType::isDynamic(batch)) {
    // [batch, H] zeros of the run-time batch size.
    Type i64 = b.getI64Type();
    Value shape = ConcatOp::create(
        b, loc,
        ValueRange{DimOp::create(b, loc, RankedTensorType::get({1}, i64), x,
                                 b.getI64IntegerAttr(1)),
                   createConstant(b, loc, {1}, i64, {double(H)})},
        b.getI64IntegerAttr(0));
    zeros = DynamicExpandOp::create(
        b, loc, RankedTensorType::get({batch, H}, elementType),
        createScalarConst(b, loc, elementType, 0.0), shape);
  } else {
    zeros = createConstant(b, loc, {batch, H}, elementType,
                           SmallVector<double>(batch * H, 0.0));
  }
  Value h = h0 ? h0 : zeros;
  Value c = c0 ? c0 : zeros;
  // GRU without linear_before_reset applies Rh to r * H: split R.
  bool splitReset = spec.kind == CellKind::GRU && !spec.linearBeforeReset;
  Value rtZR, rtH, biasRH;
  if (splitReset) {
    rtZR = sliceAxis(ic, loc, rt, 1, 0, 2 * H);
    rtH = sliceAxis(ic, loc, rt, 1, 2 * H, H);
    if (biasR)
      biasRH = sliceAxis(ic, loc, biasR, 0, 2 * H, H);
  }
  Value pi, po, pf;
  if (peephole) {
    pi = sliceAxis(ic, loc, peephole, 0, 0, H);
    po = sliceAxis(ic, loc, peephole, 0, H, H);
    pf = sliceAxis(ic, loc, peephole, 0, 2 * H, H);
  }
  ys.assign(spec.seq, Value());
  for (int64_t step = 0; step < spec.seq; ++step) {
    int64_t t = reverse ? spec.seq - 1 - step : step;
    Value xt = createReshapeKeepingDims(ic, loc,
                                        sliceAxis(ic, loc, projected, 0, t, 1),
                                        {batch, G * H}, {1, -1});
    Value hNew, cNew;
    if (spec.kind == CellKind::GRU && splitReset) {
      Value hr = MatMulOp::create(b, loc, h, rtZR);
      if (biasR)
        hr = AddOp::create(b, loc, hr, sliceAxis(ic, loc, biasR, 0, 0, 2 * H));
      Value zr = AddOp::create(b, loc, sliceAxis(ic, loc, xt, 1, 0, 2 * H), hr);
      Value z = activate(d, 0, gate(zr, 0), status);
      Value rg = activate(d, 0, gate(zr, 1), status);
      Value candidate =
          MatMulOp::create(b, loc, MulOp::create(b, loc, rg, h), rtH);
      if (biasRH)
        candidate = AddOp::create(b, loc, candidate, biasRH);
      Value hc =
          activate(d, 1, AddOp::create(b, loc, gate(xt, 2), candidate), status);
      // (1 - z) * hc + z * h = hc + z * (h - hc)
      hNew = AddOp::create(
          b, loc, hc, MulOp::create(b, loc, z, SubOp::create(b, loc, h, hc)));
    } else {
      Value hr = MatMulOp::create(b, loc, h, rt);
      if (biasR)
        hr = AddOp::create(b, loc, hr, biasR);
      if (spec.kind == CellKind::RNN) {
        hNew = activate(d, 0, AddOp::create(b, loc, xt, hr), status);
      } else if (spec.kind == CellKind::GRU) {
        Value z = activate(
            d, 0, AddOp::create(b, loc, gate(xt, 0), gate(hr, 0)), status);
        Value rg = activate(
            d, 0, AddOp::create(b, loc, gate(xt, 1), gate(hr, 1)), status);
        Value hc =
            activate(d, 1,
                     AddOp::create(b, loc, gate(xt, 2),
                                   MulOp::create(b, loc, rg, gate(hr, 2))),
                     status);
        hNew = AddOp::create(
            b, loc, hc, MulOp::create(b, loc, z, SubOp::create(b, loc, h, hc)));
      } else {
        Value sum = AddOp::create(b, loc, xt, hr);
        Value iIn = gate(sum, 0), oIn = gate(sum, 1), fIn = gate(sum, 2),
              cIn = gate(sum, 3);
        if (peephole) {
          iIn = AddOp::create(b, loc, iIn, MulOp::create(b, loc, pi, c));
          fIn = AddOp::create(b, loc, fIn, MulOp::create(b, loc, pf, c));
        }
        Value ig = activate(d, 0, iIn, status);
        Value fg = activate(d, 0, fIn, status);
        Value cc = activate(d, 1, cIn, status);
        cNew = AddOp::create(b, loc, MulOp::create(b, loc, fg, c),
                             MulOp::create(b, loc, ig, cc));
        if (peephole)
          oIn = AddOp::create(b, loc, oIn, MulOp::create(b, loc, po, cNew));
        Value og = activate(d, 0, oIn, status);
        hNew = MulOp::create(b, loc, og, activate(d, 2, cNew, status));
      }
    }
    if (failed(status))
      return failure();
    if (lengths) {
      // Rows whose sequence ended keep their state; their Y is zero.
      Type lengthType = getRankedType(lengths).getElementType();
      Value active = createReshapeKeepingDims(
          ic, loc,
          LessOp::create(b, loc, createScalarConst(b, loc, lengthType, t),
                         lengths),
          {batch, 1}, {0, -1});
      ys[t] = WhereOp::create(b, loc, active, hNew, zeros);
      hNew = WhereOp::create(b, loc, active, hNew, h);
      if (cNew)
        cNew = WhereOp::create(b, loc, active, cNew, c);
    } else {
      ys[t] = hNew;
    }
    h = hNew;
    if (cNew)
      c = cNew;
  }
  finalH = h;
  finalC = c;
  return success();
}

/// Requires `value` to have `shape` (any float element type of X's).
static LogicalResult checkShape(const onnx::NodeProto &node, Value value,
                                ArrayRef<int64_t> shape, Type elementType,
                                StringRef what, Location loc) {
  RankedTensorType type = getRankedType(value);
  if (type.getShape() != shape || type.getElementType() != elementType)
    return emitError(loc) << node.op_type() << " " << what << " must be "
                          << RankedTensorType::get(shape, elementType)
                          << ", got " << type;
  return success();
}

static LogicalResult importRecurrent(ImporterContext &ic,
                                     const onnx::NodeProto &node, Location loc,
                                     CellKind kind) {
  SmallVector<Value, 8> in(8);
  int numInputs = kind == CellKind::LSTM ? 8 : 6;
  for (int i = 0; i < numInputs; ++i) {
    FailureOr<Value> v =
        i < 3 ? ic.getRequiredInput(node, i, loc) : ic.getInput(node, i, loc);
    if (failed(v))
      return failure();
    in[i] = *v;
  }
  RankedTensorType xType = getRankedType(in[0]);
  FailureOr<CellSpec> specOr = getCellSpec(node, kind, xType, loc);
  if (failed(specOr))
    return failure();
  const CellSpec &spec = *specOr;
  bool batchMajor = getIntAttr(node, "layout", 0) == 1;
  Type elementType = xType.getElementType();
  int64_t D = spec.directions, G = spec.gates, H = spec.hidden,
          batch = spec.batch;
  if (failed(checkShape(node, in[1], {D, G * H, spec.inputSize}, elementType,
                        "W", loc)) ||
      failed(checkShape(node, in[2], {D, G * H, H}, elementType, "R", loc)) ||
      (in[3] &&
       failed(checkShape(node, in[3], {D, 2 * G * H}, elementType, "B", loc))))
    return failure();
  SmallVector<int64_t> stateShape = batchMajor
                                        ? SmallVector<int64_t>{batch, D, H}
                                        : SmallVector<int64_t>{D, batch, H};
  if (in[5] && failed(checkShape(node, in[5], stateShape, elementType,
                                 "initial_h", loc)))
    return failure();
  if (kind == CellKind::LSTM &&
      ((in[6] && failed(checkShape(node, in[6], stateShape, elementType,
                                   "initial_c", loc))) ||
       (in[7] &&
        failed(checkShape(node, in[7], {D, 3 * H}, elementType, "P", loc)))))
    return failure();
  Value lengths = in[4];
  if (lengths) {
    RankedTensorType type = getRankedType(lengths);
    if (type.getShape() != ArrayRef<int64_t>{batch} ||
        !isa<IntegerType>(type.getElementType()))
      return emitError(loc)
             << node.op_type() << " sequence_lens must be an integer [" << batch
             << "] tensor, got " << type;
  }

  OpBuilder &b = ic.builder;
  Value x = batchMajor ? createTranspose(ic, loc, in[0], {1, 0, 2}) : in[0];
  // Direction d of v [D, a, b] as [a, b] (a may be the dynamic batch).
  auto perDirection = [&](Value v, int64_t d, ArrayRef<int64_t> shape) {
    if (!v)
      return Value();
    SmallVector<int64_t> inputDims;
    for (size_t i = 0; i < shape.size(); ++i)
      inputDims.push_back(i + 1);
    return createReshapeKeepingDims(ic, loc, sliceAxis(ic, loc, v, 0, d, 1),
                                    shape, inputDims);
  };
  auto stateOf = [&](Value v, int64_t d) {
    if (!v)
      return Value();
    if (batchMajor)
      v = createTranspose(ic, loc, v, {1, 0, 2});
    return perDirection(v, d, {batch, H});
  };
  RecurrenceBuilder builder(ic, loc, spec, elementType);
  SmallVector<Value> yDirs, hDirs, cDirs;
  for (int64_t d = 0; d < D; ++d) {
    bool reverse = spec.reverseOnly || d == 1;
    SmallVector<Value> ys;
    Value finalH, finalC;
    if (failed(builder.run(
            d, reverse, x, perDirection(in[1], d, {G * H, spec.inputSize}),
            perDirection(in[2], d, {G * H, H}),
            perDirection(in[3], d, {2 * G * H}),
            kind == CellKind::LSTM ? perDirection(in[7], d, {3 * H}) : Value(),
            stateOf(in[5], d),
            kind == CellKind::LSTM ? stateOf(in[6], d) : Value(), lengths, ys,
            finalH, finalC)))
      return failure();
    SmallVector<Value> steps;
    for (Value y : ys)
      steps.push_back(createReshapeKeepingDims(ic, loc, y, {1, 1, batch, H},
                                               {-1, -1, 0, 1}));
    yDirs.push_back(
        steps.size() == 1
            ? steps.front()
            : Value(ConcatOp::create(b, loc, steps, b.getI64IntegerAttr(0))));
    hDirs.push_back(
        createReshapeKeepingDims(ic, loc, finalH, {1, batch, H}, {-1, 0, 1}));
    cDirs.push_back(
        createReshapeKeepingDims(ic, loc, finalC, {1, batch, H}, {-1, 0, 1}));
  }
  auto concat = [&](ArrayRef<Value> parts, int64_t axis) -> Value {
    if (parts.size() == 1)
      return parts.front();
    return ConcatOp::create(b, loc, parts, b.getI64IntegerAttr(axis));
  };
  Value y = concat(yDirs, 1);  // [seq, D, batch, H]
  Value yh = concat(hDirs, 0); // [D, batch, H]
  Value yc = concat(cDirs, 0);
  if (batchMajor) {
    y = createTranspose(ic, loc, y, {2, 0, 1, 3});
    yh = createTranspose(ic, loc, yh, {1, 0, 2});
    yc = createTranspose(ic, loc, yc, {1, 0, 2});
  }
  ic.setOutput(node, 0, y);
  ic.setOutput(node, 1, yh);
  if (kind == CellKind::LSTM)
    ic.setOutput(node, 2, yc);
  return success();
}

void mlc::onnx_import::registerRecurrentOpImporters(OpImporterTable &table) {
  table.push_back(
      {"RNN", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRecurrent(ic, node, loc, CellKind::RNN);
       }});
  table.push_back(
      {"GRU", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRecurrent(ic, node, loc, CellKind::GRU);
       }});
  table.push_back(
      {"LSTM", 1, kLatestOpset,
       [](ImporterContext &ic, const onnx::NodeProto &node, Location loc) {
         return importRecurrent(ic, node, loc, CellKind::LSTM);
       }});
}
