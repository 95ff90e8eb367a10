//===- CreateInferredTest.cpp - Importer op creation that cannot abort ----===//
//
// createInferred builds an op whose result type is inferred and turns a
// failed inference into a located diagnostic, where ODS's inferring builder
// would call report_fatal_error and kill the tool.
//
//===----------------------------------------------------------------------===//

#include "ImporterContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

namespace {

class CreateInferredTest : public ::testing::Test {
protected:
  CreateInferredTest() : builder(&context) {
    context.loadDialect<MLCDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A function whose arguments have `types`; the builder is left in its body.
  Block *createFunction(TypeRange types) {
    auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                     builder.getFunctionType(types, {}));
    Block *body = func.addEntryBlock();
    builder.setInsertionPointToStart(body);
    return body;
  }

  FailureOr<Conv2DOp> createConv(Value input, Value filter, Location loc) {
    return createInferred<Conv2DOp>(builder, loc, input, filter, Value(),
                                    builder.getDenseI64ArrayAttr({1, 1}),
                                    builder.getDenseI64ArrayAttr({0, 0, 0, 0}),
                                    builder.getDenseI64ArrayAttr({1, 1}),
                                    builder.getI64IntegerAttr(1));
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(CreateInferredTest, InfersTheResultType) {
  Type f32 = builder.getF32Type();
  Block *body = createFunction({RankedTensorType::get({1, 2, 5, 5}, f32),
                                RankedTensorType::get({4, 2, 3, 3}, f32)});
  FailureOr<Conv2DOp> conv = createConv(
      body->getArgument(0), body->getArgument(1), builder.getUnknownLoc());
  ASSERT_TRUE(succeeded(conv));
  EXPECT_EQ(conv->getType(), RankedTensorType::get({1, 4, 3, 3}, f32));
}

TEST_F(CreateInferredTest, FailedInferenceIsALocatedErrorAndLeavesNoOp) {
  Type f32 = builder.getF32Type();
  // A 3x3 window does not fit a 2x2 input: inference fails.
  Block *body = createFunction({RankedTensorType::get({1, 1, 2, 2}, f32),
                                RankedTensorType::get({1, 1, 3, 3}, f32)});
  Location loc = NameLoc::get(builder.getStringAttr("Conv_0"));
  std::string message;
  Location reportedLoc = builder.getUnknownLoc();
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    reportedLoc = diag.getLocation();
    return success();
  });
  FailureOr<Conv2DOp> conv =
      createConv(body->getArgument(0), body->getArgument(1), loc);
  EXPECT_TRUE(failed(conv));
  EXPECT_EQ(message, "conv2d window larger than padded input");
  EXPECT_EQ(reportedLoc, loc);
  EXPECT_TRUE(body->empty());
}

} // namespace
