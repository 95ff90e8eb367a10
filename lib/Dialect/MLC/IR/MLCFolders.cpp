//===- MLCFolders.cpp - Folders of mlc ops
//---------------------------------===//
//
// Local folds: identities (x + 0, x * 1, identity reshape/transpose) and
// reshapes of dense constants. Whole-subgraph evaluation lives in the
// constant-folding pass, not here.
//
//===----------------------------------------------------------------------===//

#include "mlc/Dialect/MLC/IR/MLCOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlc;

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// True when `attr` is a splat float or integer constant equal to `value`.
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elementType = splat.getElementType();
  if (isa<FloatType>(elementType))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  if (isa<IntegerType>(elementType))
    return splat.getSplatValue<APInt>().getSExtValue() ==
           static_cast<int64_t>(value);
  return false;
}

/// `x op c` folds to `x` when `c` is the identity element and does not
/// broadcast `x` to a bigger shape.
template <typename Op>
static OpFoldResult foldIdentityOperand(Op op, Attribute rhs, double identity) {
  if (op.getLhs().getType() == op.getType() && isSplatOf(rhs, identity))
    return op.getLhs();
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldIdentityOperand(*this, adaptor.getRhs(), 0.0))
    return folded;
  if (getRhs().getType() == getType() && isSplatOf(adaptor.getLhs(), 0.0))
    return getRhs();
  return {};
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult folded = foldIdentityOperand(*this, adaptor.getRhs(), 1.0))
    return folded;
  if (getRhs().getType() == getType() && isSplatOf(adaptor.getLhs(), 1.0))
    return getRhs();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // Reshaping a dense constant only reinterprets its type.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  // reshape(reshape(x)) == reshape(x).
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPerm();
  for (int64_t i = 0, e = perm.size(); i < e; ++i)
    if (perm[i] != i)
      return {};
  return getInput();
}

OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  // flatten(reshape(x)) == flatten(x) when x flattens to the same shape.
  auto producer = getInput().getDefiningOp<ReshapeOp>();
  if (!producer)
    return {};
  RankedTensorType source = producer.getInput().getType();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += source.getRank();
  if (!source.hasStaticShape() || axis < 0 || axis > source.getRank())
    return {};
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= source.getDimSize(d);
  if (getType().getDimSize(0) != outer)
    return {};
  getInputMutable().assign(producer.getInput());
  return getResult();
}
