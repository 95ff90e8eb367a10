//===- ExposeEntry.cpp - The mlc-expose-entry pass -------------------------===//
//
// Turns the model function into a destination-passing entry point on memrefs
// and records the model's inputs and outputs in the `mlc.abi` attribute.
//
//===----------------------------------------------------------------------===//

#include "mlc/Backend/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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
  if (attrs && attrs.get(kUnsignedAttrName) && intType && intType.getWidth() > 1)
    type = tensor.clone(
        IntegerType::get(b.getContext(), intType.getWidth(), IntegerType::Unsigned));
  return b.getDictionaryAttr(
      {b.getNamedAttr("name", name ? name : b.getStringAttr(fallback)),
       b.getNamedAttr("type", TypeAttr::get(type))});
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
    auto isStaticTensor = [](Type t) {
      auto tensor = dyn_cast<RankedTensorType>(t);
      return tensor && tensor.hasStaticShape();
    };
    if (!llvm::all_of(type.getInputs(), isStaticTensor) ||
        !llvm::all_of(type.getResults(), isStaticTensor)) {
      func.emitError("model inputs and outputs must be statically shaped "
                     "tensors (dynamic shapes are not supported yet)");
      return signalPassFailure();
    }

    Builder b(&getContext());
    SmallVector<Attribute> inputs, outputs;
    for (auto [i, t] : llvm::enumerate(type.getInputs()))
      inputs.push_back(describeTensor(b, func.getArgAttrDict(i), t,
                                      "input_" + std::to_string(i)));
    for (auto [i, t] : llvm::enumerate(type.getResults()))
      outputs.push_back(describeTensor(b, func.getResultAttrDict(i), t,
                                       "output_" + std::to_string(i)));
    module->setAttr(kABIAttrName,
                    b.getDictionaryAttr(
                        {b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
                         b.getNamedAttr("outputs", b.getArrayAttr(outputs))}));

    auto toMemRef = [](Type t) {
      auto tensor = cast<RankedTensorType>(t);
      return MemRefType::get(tensor.getShape(), tensor.getElementType());
    };
    Block &body = func.front();
    unsigned numInputs = type.getNumInputs();
    Location loc = func.getLoc();
    OpBuilder builder = OpBuilder::atBlockBegin(&body);
    for (unsigned i = 0; i < numInputs; ++i) {
      BlockArgument oldArg = body.getArgument(i);
      BlockArgument newArg = body.addArgument(toMemRef(oldArg.getType()), loc);
      Value tensor = bufferization::ToTensorOp::create(
          builder, loc, oldArg.getType(), newArg, /*restrict=*/true,
          /*writable=*/false);
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
          builder, ret.getLoc(), value, dest);
      materialize.setRestrict(true);
      materialize.setWritable(true);
    }
    func::ReturnOp::create(builder, ret.getLoc());
    ret.erase();

    func.setFunctionType(
        FunctionType::get(&getContext(), body.getArgumentTypes(), {}));
    func.removeArgAttrsAttr();
    func.removeResAttrsAttr();
    func.setName(kEntryFuncName);
    func.setPublic();
  }
};
} // namespace
