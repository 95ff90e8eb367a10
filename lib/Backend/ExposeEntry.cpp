//===- ExposeEntry.cpp - The mlc-expose-entry pass
//-------------------------===//
//
// Turns the model function into a destination-passing entry point on memrefs
// and records the model's inputs and outputs in the `mlc.abi` attribute.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlc {
#define GEN_PASS_DEF_EXPOSEENTRY
#include "mlc/Backend/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

/// {name, type} of one input or output; the name defaults to `fallback`.
/// Integers marked `mlc.unsigned` are recorded with an unsigned type.
static DictionaryAttr describeTensor(Builder &b, DictionaryAttr attrs,
                                     Type type, const std::string &fallback) {
  StringAttr name = attrs ? attrs.getAs<StringAttr>(kNameAttrName) : nullptr;
  auto tensor = cast<RankedTensorType>(type);
  auto intType = dyn_cast<IntegerType>(tensor.getElementType());
  if (attrs && attrs.get(kUnsignedAttrName) && intType &&
      intType.getWidth() > 1)
    type = tensor.clone(IntegerType::get(b.getContext(), intType.getWidth(),
                                         IntegerType::Unsigned));
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("name", name ? name : b.getStringAttr(fallback)),
      b.getNamedAttr("type", TypeAttr::get(type))};
  auto dimParams =
      attrs ? attrs.getAs<ArrayAttr>(kDimParamsAttrName) : ArrayAttr();
  if (dimParams && static_cast<int64_t>(dimParams.size()) == tensor.getRank() &&
      llvm::all_of(dimParams, [](Attribute a) { return isa<StringAttr>(a); }))
    fields.push_back(b.getNamedAttr("dim_params", dimParams));
  return b.getDictionaryAttr(fields);
}

/// Bytes one element of `type` takes in a buffer (i1 takes a byte).
static int64_t getElementBytes(Type type) {
  // Sub-byte types (i1, i4, f4E2M1FN) take a byte each, as LLVM stores them.
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

/// elementBytes * product(sizes) (i64 values >= 0), saturated at INT64_MAX:
/// a product that wrapped around could pass for one that fits a capacity.
static Value getSaturatedBytes(OpBuilder &b, Location loc, int64_t elementBytes,
                               ArrayRef<Value> sizes) {
  Type i64Type = b.getI64Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i64Type, v);
  };
  Value max = constant(INT64_MAX), zero = constant(0), one = constant(1);
  Value bytes = constant(elementBytes);
  for (Value size : sizes) {
    Value isZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, zero);
    Value divisor = arith::SelectOp::create(b, loc, isZero, one, size);
    Value limit = arith::DivUIOp::create(b, loc, max, divisor);
    Value overflows =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, bytes, limit);
    Value product = arith::MulIOp::create(b, loc, bytes, size);
    bytes = arith::SelectOp::create(b, loc, overflows, max, product);
  }
  return bytes;
}

/// The row-major strides of a buffer of `type` whose sizes are `sizes`
/// (index values): static while the dimensions after them are.
static SmallVector<OpFoldResult> getRowMajorStrides(OpBuilder &b, Location loc,
                                                    RankedTensorType type,
                                                    ArrayRef<Value> sizes) {
  SmallVector<OpFoldResult> strides(sizes.size());
  int64_t staticStride = 1;
  Value stride;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    strides[d] = stride ? OpFoldResult(stride)
                        : OpFoldResult(b.getIndexAttr(staticStride));
    if (!stride && !type.isDynamicDim(d)) {
      staticStride *= type.getDimSize(d);
      continue;
    }
    if (!stride)
      stride = arith::ConstantIndexOp::create(b, loc, staticStride);
    stride = arith::MulIOp::create(b, loc, stride, sizes[d]);
  }
  return strides;
}

/// A memref of `type`'s shape over the bare buffer `data` (a rank-0 memref),
/// with the dynamic sizes taken from `sizes` (index values, one per dim).
static Value viewBuffer(OpBuilder &b, Location loc, RankedTensorType type,
                        Value data, ArrayRef<Value> sizes) {
  SmallVector<OpFoldResult> sizeFolds;
  for (auto [d, size] : llvm::enumerate(sizes))
    sizeFolds.push_back(type.isDynamicDim(d)
                            ? OpFoldResult(size)
                            : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
  SmallVector<OpFoldResult> strides = getRowMajorStrides(b, loc, type, sizes);
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  return memref::ReinterpretCastOp::create(
      b, loc, memrefType, data, b.getIndexAttr(0), sizeFolds, strides);
}

/// The entry of a model with a dynamic dimension at its boundary. Each input
/// becomes (data, shape): a bare buffer and the i64 sizes of its dimensions;
/// each output (data, shape, capacity): the run writes the output's sizes
/// to `shape` and, when its byte size is at most `capacity`, its data to
/// `data`. mlc-emit-runtime-abi checks the input shapes before the call and
/// the capacities after it.
static void exposeDynamicEntry(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  FunctionType type = func.getFunctionType();
  Block &body = func.front();
  unsigned numInputs = type.getNumInputs();
  Location loc = func.getLoc();
  OpBuilder builder = OpBuilder::atBlockBegin(&body);
  Type i64Type = builder.getI64Type();
  auto shapeType = [&](RankedTensorType t) {
    return MemRefType::get({std::max<int64_t>(1, t.getRank())}, i64Type);
  };
  auto sizesOf = [&](RankedTensorType t, Value shape) {
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (!t.isDynamicDim(d)) {
        sizes.push_back(
            arith::ConstantIndexOp::create(builder, loc, t.getDimSize(d)));
        continue;
      }
      Value index = arith::ConstantIndexOp::create(builder, loc, d);
      Value size = memref::LoadOp::create(builder, loc, shape, index);
      sizes.push_back(arith::IndexCastOp::create(builder, loc,
                                                 builder.getIndexType(), size));
    }
    return sizes;
  };
  for (unsigned i = 0; i < numInputs; ++i) {
    BlockArgument oldArg = body.getArgument(i);
    auto tensorType = cast<RankedTensorType>(oldArg.getType());
    Value data =
        body.addArgument(MemRefType::get({}, tensorType.getElementType()), loc);
    Value shape = body.addArgument(shapeType(tensorType), loc);
    Value view =
        viewBuffer(builder, loc, tensorType, data, sizesOf(tensorType, shape));
    Value tensor = bufferization::ToTensorOp::create(
        builder, loc, tensorType, view, /*restrict=*/true, /*writable=*/false);
    oldArg.replaceAllUsesWith(tensor);
  }
  struct OutArgs {
    Value data, shape, capacity;
  };
  SmallVector<OutArgs> outArgs;
  for (Type t : type.getResults()) {
    auto tensorType = cast<RankedTensorType>(t);
    OutArgs args;
    args.data =
        body.addArgument(MemRefType::get({}, tensorType.getElementType()), loc);
    args.shape = body.addArgument(shapeType(tensorType), loc);
    args.capacity = body.addArgument(i64Type, loc);
    outArgs.push_back(args);
  }
  body.eraseArguments(0, numInputs);

  auto ret = cast<func::ReturnOp>(body.getTerminator());
  builder.setInsertionPoint(ret);
  for (auto [value, args] : llvm::zip(ret.getOperands(), outArgs)) {
    auto tensorType = cast<RankedTensorType>(value.getType());
    SmallVector<Value> sizes, sizes64;
    for (int64_t d = 0; d < tensorType.getRank(); ++d) {
      Value size = tensor::DimOp::create(builder, loc, value, d);
      sizes.push_back(size);
      Value size64 = arith::IndexCastOp::create(builder, loc, i64Type, size);
      sizes64.push_back(size64);
      memref::StoreOp::create(
          builder, loc, size64, args.shape,
          ValueRange{arith::ConstantIndexOp::create(builder, loc, d)});
    }
    Value bytes = getSaturatedBytes(
        builder, loc, getElementBytes(tensorType.getElementType()), sizes64);
    Value fits = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sle,
                                       bytes, args.capacity);
    auto ifOp = scf::IfOp::create(builder, loc, fits, /*withElseRegion=*/false);
    OpBuilder thenBuilder = ifOp.getThenBodyBuilder();
    Value view = viewBuffer(thenBuilder, loc, tensorType, args.data, sizes);
    auto materialize = bufferization::MaterializeInDestinationOp::create(
        thenBuilder, loc, value, view);
    materialize.setRestrict(true);
    materialize.setWritable(true);
  }
  func::ReturnOp::create(builder, ret.getLoc());
  ret.erase();
  func.setFunctionType(FunctionType::get(ctx, body.getArgumentTypes(), {}));
}

namespace {
struct ExposeEntryPass : mlc::impl::ExposeEntryBase<ExposeEntryPass> {
  using ExposeEntryBase::ExposeEntryBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entryName);
    if (!func || func.isExternal()) {
      module.emitError("no function '") << entryName << "' to expose";
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock()) {
      func.emitError("the model function must have a single block");
      return signalPassFailure();
    }
    FunctionType type = func.getFunctionType();
    auto isRankedTensor = [](Type t) { return isa<RankedTensorType>(t); };
    if (!llvm::all_of(type.getInputs(), isRankedTensor) ||
        !llvm::all_of(type.getResults(), isRankedTensor)) {
      func.emitError("model inputs and outputs must be ranked tensors");
      return signalPassFailure();
    }
    auto isStaticTensor = [](Type t) {
      return cast<RankedTensorType>(t).hasStaticShape();
    };
    bool dynamic = !llvm::all_of(type.getInputs(), isStaticTensor) ||
                   !llvm::all_of(type.getResults(), isStaticTensor);

    Builder b(&getContext());
    SmallVector<Attribute> inputs, outputs;
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      inputs.push_back(describeTensor(b, func.getArgAttrDict(i), t,
                                      "input_" + std::to_string(i)));
    for (auto [i, t] : llvm::enumerate(type.getResults()))
      outputs.push_back(describeTensor(b, func.getResultAttrDict(i), t,
                                       "output_" + std::to_string(i)));
    SmallVector<NamedAttribute> abi = {
        b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
        b.getNamedAttr("outputs", b.getArrayAttr(outputs))};
    if (dynamic)
      abi.push_back(b.getNamedAttr("dynamic", b.getUnitAttr()));
    module->setAttr(kABIAttrName, b.getDictionaryAttr(abi));
    if (dynamic) {
      exposeDynamicEntry(func);
      finish(func);
      return;
    }

    // A tensor with a size-0 dimension has no bare-pointer memref form (the
    // LLVM lowering rejects it): it is passed as a rank-0 buffer and viewed
    // with its static shape.
    auto isEmpty = [](Type t) {
      return cast<RankedTensorType>(t).getNumElements() == 0;
    };
    auto toMemRef = [&](Type t) {
      auto tensor = cast<RankedTensorType>(t);
      if (isEmpty(t))
        return MemRefType::get({}, tensor.getElementType());
      return MemRefType::get(tensor.getShape(), tensor.getElementType());
    };
    Block &body = func.front();
    unsigned numInputs = type.getNumInputs();
    Location loc = func.getLoc();
    OpBuilder builder = OpBuilder::atBlockBegin(&body);
    auto view = [&](Value arg, Type t) -> Value {
      if (!isEmpty(t))
        return arg;
      auto tensor = cast<RankedTensorType>(t);
      SmallVector<Value> sizes =
          llvm::map_to_vector(tensor.getShape(), [&](int64_t d) -> Value {
            return arith::ConstantIndexOp::create(builder, loc, d);
          });
      return viewBuffer(builder, loc, tensor, arg, sizes);
    };
    for (unsigned i = 0; i < numInputs; ++i) {
      BlockArgument oldArg = body.getArgument(i);
      BlockArgument newArg = body.addArgument(toMemRef(oldArg.getType()), loc);
      Value tensor = bufferization::ToTensorOp::create(
          builder, loc, oldArg.getType(), view(newArg, oldArg.getType()),
          /*restrict=*/true, /*writable=*/false);
      oldArg.replaceAllUsesWith(tensor);
    }
    SmallVector<BlockArgument> outArgs;
    for (Type t : type.getResults())
      outArgs.push_back(body.addArgument(toMemRef(t), loc));
    body.eraseArguments(0, numInputs);

    auto ret = cast<func::ReturnOp>(body.getTerminator());
    builder.setInsertionPoint(ret);
    for (auto [value, dest] : llvm::zip(ret.getOperands(), outArgs)) {
      auto materialize = bufferization::MaterializeInDestinationOp::create(
          builder, ret.getLoc(), value, view(dest, value.getType()));
      materialize.setRestrict(true);
      materialize.setWritable(true);
    }
    func::ReturnOp::create(builder, ret.getLoc());
    ret.erase();

    func.setFunctionType(
        FunctionType::get(&getContext(), body.getArgumentTypes(), {}));
    finish(func);
  }

  void finish(func::FuncOp func) {
    func.removeArgAttrsAttr();
    func.removeResAttrsAttr();
    func.setName(kEntryFuncName);
    func.setPublic();
  }
};
} // namespace
