//===- Layers.cpp - The layers post-training quantization touches ---------===//

#include "Layers.h"

#include "mlc/Dialect/MLC/IR/MLCOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantUtils.h"

#include "mlc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::quant;

bool Layer::isConv() const { return isa<Conv2DOp>(op); }

FailureOr<func::FuncOp> quant::getEntryFunction(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func || func.isExternal() || !func.getBody().hasOneBlock())
    return module.emitError("quantization needs the model function @main "
                            "with a single block");
  return func;
}

std::string quant::getLocName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = getLocName(inner); !name.empty())
        return name;
  return "";
}

static bool isF32Tensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32() && type.hasStaticShape();
}

static bool isConstant(Value value) { return succeeded(readConstant(value)); }

/// The layer's output: its result, or its only user when that is a ReLU
/// or a Clip (which mlc-lower-quant folds into the requantization clamp).
static Value getOutput(Value result) {
  if (!result.hasOneUse())
    return result;
  Operation *user = *result.getUsers().begin();
  if (isa<ReluOp, ClipOp>(user))
    return user->getResult(0);
  return result;
}

SmallVector<Layer> quant::findLayers(func::FuncOp func) {
  SmallVector<Layer> layers;
  func.walk([&](Operation *op) {
    Value input;
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (conv.getLayout() != "NCHW" || !isConstant(conv.getFilter()) ||
          (conv.getBias() && !isConstant(conv.getBias())))
        return;
      input = conv.getInput();
    } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
      auto rhsType = dyn_cast<RankedTensorType>(matmul.getRhs().getType());
      if (!rhsType || rhsType.getRank() != 2 || !isConstant(matmul.getRhs()))
        return;
      input = matmul.getLhs();
    } else if (auto gemm = dyn_cast<GemmOp>(op)) {
      if (gemm.getTransA() || !isConstant(gemm.getB()) ||
          (gemm.getC() && !isConstant(gemm.getC())))
        return;
      input = gemm.getA();
    } else {
      return;
    }
    if (!isF32Tensor(input) || isConstant(input) ||
        !isF32Tensor(op->getResult(0)))
      return;
    Layer layer;
    layer.op = op;
    layer.name = getLocName(op->getLoc());
    if (layer.name.empty())
      layer.name = op->getName().stripDialect().str() + "_" +
                   std::to_string(layers.size());
    layer.input = input;
    layer.output =
        isa<GemmOp>(op) ? op->getResult(0) : getOutput(op->getResult(0));
    layer.reportValue = layer.output;
    layers.push_back(std::move(layer));
  });
  return layers;
}

void quant::prepareLayer(Layer &layer) {
  auto gemm = dyn_cast<GemmOp>(layer.op);
  if (!gemm)
    return;
  OpBuilder b(gemm);
  Location loc = gemm.getLoc();
  ConstTensor weights = *readConstant(gemm.getB());
  if (gemm.getTransB())
    weights = transpose(weights, {1, 0});
  double alpha = gemm.getAlpha().convertToDouble();
  for (double &w : weights.floats)
    w *= alpha;
  Value w = ConstantOp::create(b, loc, weights.toAttr("gemm_weights"));
  auto type = cast<RankedTensorType>(gemm.getType());
  auto matmul = MatMulOp::create(b, loc, type, gemm.getA(), w);
  Value result = matmul;
  if (Value c = gemm.getC()) {
    ConstTensor bias = *readConstant(c);
    double beta = gemm.getBeta().convertToDouble();
    bool isZero = true;
    for (double &v : bias.floats) {
      v *= beta;
      isZero = isZero && v == 0;
    }
    // A zero bias (torchvision initializes Linear biases to 0) would fold
    // away with the report's mark on it.
    if (!isZero) {
      Value biasConst = ConstantOp::create(b, loc, bias.toAttr("gemm_bias"));
      result = AddOp::create(b, loc, type, matmul, biasConst);
    }
  }
  gemm.replaceAllUsesWith(result);
  gemm.erase();
  layer.op = matmul;
  layer.output = matmul.getResult();
  layer.reportValue = result;
}

StringRef ValueNamer::getName(Value value) {
  auto it = names.find(value);
  if (it != names.end())
    return it->second;
  std::string name;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto attr =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "mlc.name"))
      name = attr.str();
    else
      name = "input_" + std::to_string(arg.getArgNumber());
  } else {
    auto result = cast<OpResult>(value);
    name = getLocName(result.getOwner()->getLoc());
    if (name.empty())
      name = result.getOwner()->getName().stripDialect().str();
    if (result.getResultNumber() > 0)
      name += ":" + std::to_string(result.getResultNumber());
  }
  unsigned count = ++used[name];
  if (count > 1)
    name += "#" + std::to_string(count);
  return names[value] = name;
}

static int64_t getTensorBytes(ShapedType type) {
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  return type.getNumElements() * ((bits + 7) / 8);
}

int64_t quant::getConstantBytes(ModuleOp module) {
  OwningOpRef<ModuleOp> lowered(cast<ModuleOp>(module->clone()));
  PassManager pm(module.getContext());
  pm.addPass(createConvertMLCToLinalg());
  LogicalResult converted = failure();
  {
    // A failure here only changes what is counted: keep it off the console.
    ScopedDiagnosticHandler silence(module.getContext(),
                                    [](Diagnostic &) { return success(); });
    converted = pm.run(*lowered);
  }
  int64_t bytes = 0;
  if (succeeded(converted)) {
    lowered->walk([&](arith::ConstantOp op) {
      if (auto type = dyn_cast<RankedTensorType>(op.getType()))
        bytes += getTensorBytes(type);
    });
    return bytes;
  }
  module.walk([&](ConstantOp op) {
    bytes += getTensorBytes(cast<ShapedType>(op.getType()));
  });
  return bytes;
}
