//===- ConvertFloatPrecision.cpp - The mlc-convert-float-precision pass ---===//
//
// Runs the f32 part of a model in f16 or bf16 (mlc-compile --quantize=fp16 /
// bf16): constants are rounded once at compile time, so the artifact holds
// half-precision weights, and activations between layers are half precision.
// The function signature keeps f32, with casts at its edges. Ops whose
// accuracy needs f32 keep it, with casts around them.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"
#include "mlc/Dialect/MLC/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <algorithm>
#include <cmath>

namespace mlc {
#define GEN_PASS_DEF_CONVERTFLOATPRECISION
#include "mlc/Dialect/MLC/Transforms/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

namespace {

bool isF32Tensor(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  return tensorType && tensorType.getElementType().isF32();
}

/// Ops that compute in f32 whatever the requested precision: long sums
/// (normalizations, reductions, global pooling), exponentials of
/// differences (softmax), and ops whose verifiers tie them to f32
/// (quantization) or that MLC does not know (other dialects).
bool keepsF32(Operation *op) {
  if (!isa<MLCDialect>(op->getDialect()))
    return true;
  return isa<SoftmaxOp, LogSoftmaxOp, LayerNormOp, BatchNormOp, ReduceMeanOp,
             ReduceOp, GlobalAvgPoolOp, CumSumOp, QuantizeLinearOp,
             DequantizeLinearOp, RequantizeOp>(op);
}

/// Converts one function body; see the pass description.
class PrecisionConverter {
public:
  explicit PrecisionConverter(FloatType narrow) : narrow(narrow) {}

  void convert(func::FuncOp func) {
    if (func.isExternal())
      return;
    SmallVector<Operation *> ops;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op != func)
        ops.push_back(op);
    });
    // Arguments are narrowed once, on entry.
    for (BlockArgument arg : func.getArguments())
      if (isF32Tensor(arg.getType()))
        for (OpOperand &use : llvm::make_early_inc_range(arg.getUses()))
          use.set(getNarrow(arg));
    for (Operation *op : ops) {
      if (isa<func::ReturnOp>(op) || keepsF32(op)) {
        widenOperands(op);
        continue;
      }
      if (auto constant = dyn_cast<ConstantOp>(op)) {
        convertConstant(constant);
        continue;
      }
      narrowOperands(op);
      for (Value result : op->getResults())
        narrowType(result);
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            narrowType(arg);
    }
  }

private:
  RankedTensorType withNarrow(Type type) const {
    return cast<RankedTensorType>(type).clone(narrow);
  }

  void narrowType(Value value) {
    if (!isF32Tensor(value.getType()))
      return;
    value.setType(withNarrow(value.getType()));
    narrowed.insert(value);
  }

  /// Builder placed right after the definition of `value`, so that one cast
  /// serves every later use.
  OpBuilder builderAfter(Value value) {
    OpBuilder b(value.getContext());
    if (auto arg = dyn_cast<BlockArgument>(value))
      b.setInsertionPointToStart(arg.getOwner());
    else
      b.setInsertionPointAfter(value.getDefiningOp());
    return b;
  }

  /// `value` (f32) as the half-precision tensor, cast once. A value that
  /// is itself a widening cast of ours gives back what it widened.
  Value getNarrow(Value value) {
    if (auto it = castSources.find(value);
        it != castSources.end() && narrowed.contains(it->second))
      return it->second;
    Value &cached = narrowCasts[value];
    if (!cached) {
      OpBuilder b = builderAfter(value);
      cached =
          CastOp::create(b, value.getLoc(), withNarrow(value.getType()), value);
      castSources[cached] = value;
      narrowed.insert(cached);
    }
    return cached;
  }

  /// A narrowed `value` back in f32, cast once. A value that is itself a
  /// narrowing cast of ours gives back what it narrowed (no round trip).
  Value getWide(Value value) {
    if (auto it = castSources.find(value);
        it != castSources.end() && isF32Tensor(it->second.getType()))
      return it->second;
    Value &cached = wideCasts[value];
    if (!cached) {
      OpBuilder b = builderAfter(value);
      auto type = cast<RankedTensorType>(value.getType());
      cached = CastOp::create(b, value.getLoc(),
                              type.clone(Float32Type::get(value.getContext())),
                              value);
      castSources[cached] = value;
    }
    return cached;
  }

  void widenOperands(Operation *op) {
    for (OpOperand &operand : op->getOpOperands())
      if (narrowed.contains(operand.get()))
        operand.set(getWide(operand.get()));
  }

  /// Every f32 operand of an op that now runs in half precision comes from
  /// an op that keeps f32 (or from a constant that could not be read).
  void narrowOperands(Operation *op) {
    for (OpOperand &operand : op->getOpOperands())
      if (isF32Tensor(operand.get().getType()))
        operand.set(getNarrow(operand.get()));
  }

  /// Rounds an f32 constant to the narrow type at compile time. A constant
  /// that cannot be read (no static shape) keeps f32 and is cast.
  void convertConstant(ConstantOp op) {
    Value result = op.getResult();
    if (!isF32Tensor(result.getType()))
      return;
    RankedTensorType type = withNarrow(result.getType());
    auto attr = dyn_cast<ElementsAttr>(op.getValue());
    if (!attr)
      return;
    if (auto dense = dyn_cast<DenseElementsAttr>(attr);
        dense && dense.isSplat()) {
      op.setValueAttr(DenseElementsAttr::get(
          type, roundToNarrow(dense.getSplatValue<APFloat>())));
      narrowType(result);
      return;
    }
    FailureOr<ConstTensor> tensor = ConstTensor::read(attr);
    if (failed(tensor))
      return;
    tensor->type = type;
    double largest = getLargestFinite();
    for (double &v : tensor->floats)
      if (std::isfinite(v))
        v = std::clamp(v, -largest, largest);
    op.setValueAttr(cast<TypedAttr>(tensor->toAttr(getBlobName(op))));
    narrowType(result);
  }

  double getLargestFinite() const {
    return APFloat::getLargest(narrow.getFloatSemantics()).convertToDouble();
  }

  /// `value` rounded to nearest-even, finite values saturated.
  APFloat roundToNarrow(APFloat value) const {
    if (value.isFinite()) {
      double v = value.convertToDouble(), largest = getLargestFinite();
      value = APFloat(std::clamp(v, -largest, largest));
    }
    bool losesInfo;
    value.convert(narrow.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    return value;
  }

  std::string getBlobName(ConstantOp op) const {
    std::string suffix = narrow.isF16() ? "_f16" : "_bf16";
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue()))
      return (resource.getRawHandle().getKey() + suffix).str();
    return "constant" + suffix;
  }

  FloatType narrow;
  llvm::DenseSet<Value> narrowed;
  llvm::DenseMap<Value, Value> narrowCasts, wideCasts;
  /// The operand of each cast this converter created.
  llvm::DenseMap<Value, Value> castSources;
};

struct ConvertFloatPrecisionPass
    : public mlc::impl::ConvertFloatPrecisionBase<ConvertFloatPrecisionPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    FloatType narrow;
    if (type == "f16")
      narrow = Float16Type::get(context);
    else if (type == "bf16")
      narrow = BFloat16Type::get(context);
    if (!narrow) {
      getOperation().emitError("unknown precision '")
          << type << "' (expected f16 or bf16)";
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      PrecisionConverter(narrow).convert(func);
  }
};

} // namespace
