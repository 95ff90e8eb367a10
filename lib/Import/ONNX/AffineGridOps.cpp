//===- AffineGridOps.cpp - ONNX AffineGrid as a matmul --------------------===//
//
// AffineGrid (opset 20) with a constant `size` (or a runtime one fixed by the
// output shape the graph declares): the homogeneous base grid
// ([x, y, 1] or [x, y, z, 1] per output position, in [-1, 1] with or
// without align_corners) is a constant [positions, k + 1]; the grid is
// base @ theta^T, [N, positions, k], reshaped to [N, (D,) H, W, k].
//
//===----------------------------------------------------------------------===//

#include "TensorImportUtils.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// Coordinate `i` of `n` normalized to [-1, 1].
static double gridCoordinate(int64_t i, int64_t n, bool alignCorners) {
  if (alignCorners)
    return n == 1 ? -1.0 : -1.0 + i * (2.0 / (n - 1));
  double step = 2.0 / n;
  return -1.0 + step / 2 + i * step;
}

static LogicalResult importAffineGrid(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  FailureOr<Value> theta = ic.getRequiredInput(node, 0, loc);
  FailureOr<Value> sizeInput = ic.getRequiredInput(node, 1, loc);
  if (failed(theta) || failed(sizeInput) ||
      failed(requireStaticShape(node, *theta, loc)))
    return failure();
  FailureOr<SmallVector<int64_t>> size = failure();
  if (succeeded(foldToConstant(*sizeInput))) {
    size = ic.getConstantInts(*sizeInput, loc, "AffineGrid's size");
  } else {
    // A runtime size: the output shape the graph declares, [N, sizes.., k].
    auto declared = ic.declaredTypes.find(node.output(0));
    if (declared == ic.declaredTypes.end() || declared->second.getRank() < 4)
      return emitError(loc) << "AffineGrid with a runtime size needs a "
                               "static output shape declared in the graph";
    ArrayRef<int64_t> shape = declared->second.getShape();
    SmallVector<int64_t> fromOutput = {shape[0], 1};
    fromOutput.append(shape.begin() + 1, shape.end() - 1);
    size = fromOutput;
  }
  if (failed(size))
    return failure();
  RankedTensorType thetaType = getRankedType(*theta);
  Type elementType = thetaType.getElementType();
  int64_t dims = static_cast<int64_t>(size->size()) - 2;
  if (dims != 2 && dims != 3)
    return emitError(loc) << "AffineGrid size must have 4 or 5 entries";
  int64_t batch = (*size)[0];
  if (!isa<FloatType>(elementType) || thetaType.getRank() != 3 ||
      thetaType.getDimSize(0) != batch || thetaType.getDimSize(1) != dims ||
      thetaType.getDimSize(2) != dims + 1)
    return emitError(loc) << "AffineGrid theta " << thetaType
                          << " must be float [N, " << dims << ", " << dims + 1
                          << "]";
  SmallVector<int64_t> spatial((*size).begin() + 2, (*size).end());
  if (llvm::any_of(spatial, [](int64_t d) { return d <= 0; }))
    return emitError(loc) << "AffineGrid spatial sizes must be positive";
  bool alignCorners = getIntAttr(node, "align_corners", 0) != 0;
  int64_t positions = 1;
  for (int64_t d : spatial)
    positions *= d;
  // Row p holds the coordinates of position p, fastest axis (x) first.
  OpBuilder &b = ic.builder;
  SmallVector<Attribute> elements;
  for (int64_t p = 0; p < positions; ++p) {
    SmallVector<int64_t> index(dims);
    for (int64_t d = dims - 1, rest = p; d >= 0; --d) {
      index[d] = rest % spatial[d];
      rest /= spatial[d];
    }
    for (int64_t d = dims - 1; d >= 0; --d)
      elements.push_back(b.getFloatAttr(
          elementType, gridCoordinate(index[d], spatial[d], alignCorners)));
    elements.push_back(b.getFloatAttr(elementType, 1.0));
  }
  auto baseType = RankedTensorType::get({positions, dims + 1}, elementType);
  Value base =
      ConstantOp::create(b, loc, DenseElementsAttr::get(baseType, elements));
  Value thetaT = createTranspose(ic, loc, *theta, {0, 2, 1});
  FailureOr<MatMulOp> grid = createInferred<MatMulOp>(b, loc, base, thetaT);
  if (failed(grid))
    return failure();
  SmallVector<int64_t> shape = {batch};
  shape.append(spatial);
  shape.push_back(dims);
  ic.setOutput(node, 0, createReshape(ic, loc, *grid, shape));
  return success();
}

void mlc::onnx_import::registerAffineGridOpImporters(OpImporterTable &table) {
  table.push_back({"AffineGrid", 20, kLatestOpset, importAffineGrid});
}
