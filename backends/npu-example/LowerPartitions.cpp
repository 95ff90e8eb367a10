//===- LowerPartitions.cpp - npu-example partitions to driver calls -------===//
//
// The npu-example-lower-partitions pass: each call of an npu-example
// partition becomes the partition's ops as calls to the NPU runtime
// (runtime/npu_runtime.h), on buffers the CPU backend's bufferization
// understands.
//
//===----------------------------------------------------------------------===//

#include "NPUPasses.h"

#include "mlc/Backend/Partition.h"
#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace npu_example {
#define GEN_PASS_DEF_LOWERPARTITIONS
#include "NPUPasses.h.inc"
} // namespace npu_example

using namespace mlir;

namespace {

/// Builds the driver calls of one partition call site.
class DriverCallBuilder {
public:
  DriverCallBuilder(OpBuilder &builder, ModuleOp module)
      : builder(builder), module(module) {}

  /// `buffer` as the memref<1xf32> view the runtime's declarations take:
  /// calls use the bare-pointer convention, which needs a static shape in a
  /// declaration, and the runtime reads only the base pointer (the shapes
  /// are separate arguments). The view keeps the call a use of the buffer,
  /// so deallocation is placed after it.
  Value flat(Value buffer) {
    auto type = cast<MemRefType>(buffer.getType());
    return memref::ReinterpretCastOp::create(
        builder, buffer.getLoc(), MemRefType::get({1}, type.getElementType()),
        buffer, /*offset=*/0, /*sizes=*/{1}, /*strides=*/{1});
  }

  Value i64(int64_t value, Location loc) {
    return arith::ConstantIntOp::create(builder, loc, value, 64);
  }

  Value alloc(Type tensorType, Location loc) {
    auto tensor = cast<RankedTensorType>(tensorType);
    return memref::AllocOp::create(
        builder, loc,
        MemRefType::get(tensor.getShape(), tensor.getElementType()));
  }

  /// Calls runtime function `name`, declaring it on first use.
  void call(StringRef name, ValueRange args, Location loc) {
    auto callee = module.lookupSymbol<func::FuncOp>(name);
    if (!callee) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToEnd(module.getBody());
      callee = func::FuncOp::create(
          builder, loc, name, builder.getFunctionType(args.getTypes(), {}));
      callee.setPrivate();
    }
    func::CallOp::create(builder, loc, callee, args);
  }

  /// Emits the driver call for `op` (with buffers from `buffers`) and
  /// returns the buffer it writes, or failure for an op the NPU lacks.
  FailureOr<Value> lower(Operation *op, IRMapping &buffers) {
    Location loc = op->getLoc();
    if (auto conv = dyn_cast<mlc::Conv2DOp>(op)) {
      auto x = cast<RankedTensorType>(conv.getInput().getType());
      auto w = cast<RankedTensorType>(conv.getFilter().getType());
      auto y = cast<RankedTensorType>(conv.getType());
      Value out = alloc(y, loc);
      Value bias = conv.getBias() ? buffers.lookup(conv.getBias()) : out;
      SmallVector<Value> args = {flat(buffers.lookup(conv.getInput())),
                                 flat(buffers.lookup(conv.getFilter())),
                                 flat(bias), flat(out)};
      for (int64_t v :
           {x.getDimSize(0), x.getDimSize(1), x.getDimSize(2), x.getDimSize(3),
            w.getDimSize(0), w.getDimSize(2), w.getDimSize(3), y.getDimSize(2),
            y.getDimSize(3), conv.getStrides()[0], conv.getStrides()[1],
            conv.getPads()[0], conv.getPads()[1], conv.getDilations()[0],
            conv.getDilations()[1], int64_t(conv.getBias() != nullptr)})
        args.push_back(i64(v, loc));
      call("npu_conv2d_f32", args, loc);
      return out;
    }
    if (isa<mlc::MatMulOp, mlc::GemmOp>(op)) {
      Value a = op->getOperand(0), b = op->getOperand(1);
      Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
      bool transB = false;
      if (auto gemm = dyn_cast<mlc::GemmOp>(op))
        transB = gemm.getTransB();
      auto aType = cast<RankedTensorType>(a.getType());
      auto cType = cast<RankedTensorType>(op->getResult(0).getType());
      Value out = alloc(cType, loc);
      SmallVector<Value> args = {
          flat(buffers.lookup(a)), flat(buffers.lookup(b)),
          flat(bias ? buffers.lookup(bias) : out), flat(out)};
      for (int64_t v :
           {aType.getDimSize(0), aType.getDimSize(1), cType.getDimSize(1),
            int64_t(transB), int64_t(bool(bias))})
        args.push_back(i64(v, loc));
      call("npu_matmul_f32", args, loc);
      return out;
    }
    if (auto relu = dyn_cast<mlc::ReluOp>(op)) {
      auto type = cast<RankedTensorType>(relu.getType());
      Value out = alloc(type, loc);
      call("npu_relu_f32",
           {flat(buffers.lookup(relu.getInput())), flat(out),
            i64(type.getNumElements(), loc)},
           loc);
      return out;
    }
    return failure();
  }

private:
  OpBuilder &builder;
  ModuleOp module;
};

struct LowerPartitionsPass
    : npu_example::impl::LowerPartitionsBase<LowerPartitionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> partitions;
    for (auto func : module.getOps<func::FuncOp>())
      if (auto tag = func->getAttrOfType<StringAttr>(mlc::kBackendAttrName);
          tag && tag.getValue() == npu_example::kBackendName)
        partitions.push_back(func);

    SmallVector<func::CallOp> calls;
    module.walk([&](func::CallOp call) {
      if (llvm::any_of(partitions, [&](func::FuncOp f) {
            return f.getSymName() == call.getCallee();
          }))
        calls.push_back(call);
    });

    OpBuilder builder(&getContext());
    DriverCallBuilder driver(builder, module);
    for (func::CallOp call : calls) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      builder.setInsertionPoint(call);
      IRMapping buffers;
      for (auto [arg, operand] :
           llvm::zip(callee.getArguments(), call.getOperands())) {
        auto type = cast<RankedTensorType>(operand.getType());
        buffers.map(arg,
                    bufferization::ToBufferOp::create(
                        builder, call.getLoc(),
                        MemRefType::get(type.getShape(), type.getElementType()),
                        operand, /*read_only=*/true)
                        .getResult());
      }
      for (Operation &op : callee.getBody().front().without_terminator()) {
        FailureOr<Value> out = driver.lower(&op, buffers);
        if (failed(out)) {
          op.emitOpError("is not run by npu-example (the partitioner should "
                         "not have given it)");
          return signalPassFailure();
        }
        buffers.map(op.getResult(0), *out);
      }
      auto ret = cast<func::ReturnOp>(callee.getBody().front().getTerminator());
      for (auto [result, value] :
           llvm::zip(call.getResults(), ret.getOperands()))
        result.replaceAllUsesWith(bufferization::ToTensorOp::create(
            builder, call.getLoc(), result.getType(), buffers.lookup(value),
            /*restrict=*/true, /*writable=*/true));
      call.erase();
    }
    for (func::FuncOp func : partitions)
      func.erase();
  }
};

} // namespace
