//===- VectorBody.h - An elementwise body run on vectors ---------*- C++
//-*-===//
//
// The hand-written kernels (Int8Gemm.cpp, Int8Depthwise.cpp, Bf16Gemm.cpp)
// apply a fused elementwise epilogue to their register tiles by cloning its
// linalg body onto vectors.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKENDS_CPU_VECTORBODY_H
#define MLC_BACKENDS_CPU_VECTORBODY_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlc::cpu {

/// Whether every op of `body` (but the yield) can run on vectors as it is:
/// arith and math ops without regions on scalars.
inline bool isVectorizableBody(mlir::Block &body) {
  for (mlir::Operation &op : body.without_terminator()) {
    llvm::StringRef dialect =
        op.getDialect() ? op.getDialect()->getNamespace() : "";
    if ((dialect != "arith" && dialect != "math") || op.getNumRegions() != 0 ||
        llvm::isa<mlir::arith::ConstantOp>(op))
      return false;
    for (mlir::Type t :
         llvm::concat<mlir::Type>(op.getOperandTypes(), op.getResultTypes()))
      if (!t.isIntOrIndexOrFloat() || t.isIndex())
        return false;
  }
  return true;
}

/// The value `body` (isVectorizableBody) yields, computed on vectors of
/// `lanes`: `mapping` holds the vectors of its block arguments; any other
/// scalar it reads is broadcast.
inline mlir::Value cloneBodyOnVectors(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Block &body, int64_t lanes,
                                      mlir::IRMapping &mapping) {
  auto vec = [&](mlir::Type t) { return mlir::VectorType::get({lanes}, t); };
  for (mlir::Operation &inner : body.without_terminator()) {
    for (mlir::Value operand : inner.getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand, mlir::vector::BroadcastOp::create(
                                 b, loc, vec(operand.getType()), operand));
    mlir::Operation *clone = b.clone(inner, mapping);
    for (auto [result, original] :
         llvm::zip(clone->getResults(), inner.getResults())) {
      result.setType(vec(original.getType()));
      mapping.map(original, result);
    }
  }
  return mapping.lookup(body.getTerminator()->getOperand(0));
}

/// Whether input `in` of the elementwise epilogue `op` can be read on a
/// register tile of channels: per channel ([channels], indexed by loop
/// `channelDim`), or a scalar.
inline bool isChannelOrScalarInput(mlir::linalg::GenericOp op,
                                   mlir::OpOperand *in, unsigned channelDim,
                                   int64_t channels) {
  mlir::AffineMap map = op.getMatchingIndexingMap(in);
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(in->get().getType());
  if (!type)
    return false;
  bool perChannel =
      map.getNumResults() == 1 &&
      map.getResult(0) == mlir::getAffineDimExpr(channelDim, op.getContext()) &&
      type.getRank() == 1 && type.getDimSize(0) == channels;
  bool scalar = type.getNumElements() == 1 &&
                llvm::all_of(map.getResults(), [](mlir::AffineExpr r) {
                  return llvm::isa<mlir::AffineConstantExpr>(r);
                });
  return perChannel || scalar;
}

/// The body of the elementwise epilogue `op` on the accumulator vector
/// `acc` (its input `accOperand`) of the channels [channel, channel +
/// lanes): the per-channel inputs (isChannelOrScalarInput) read there
/// (`inBounds`: no lane past their end), the scalars broadcast.
inline mlir::Value applyEpilogueOnVector(mlir::OpBuilder &b, mlir::Location loc,
                                         mlir::linalg::GenericOp op,
                                         unsigned accOperand, mlir::Value acc,
                                         mlir::Value channel, bool inBounds) {
  int64_t lanes = llvm::cast<mlir::VectorType>(acc.getType()).getNumElements();
  mlir::IRMapping mapping;
  for (mlir::OpOperand *in : op.getDpsInputOperands()) {
    mlir::BlockArgument arg = op.getMatchingBlockArgument(in);
    if (in->getOperandNumber() == accOperand) {
      mapping.map(arg, acc);
      continue;
    }
    auto type = llvm::cast<mlir::RankedTensorType>(in->get().getType());
    mlir::Type elem = type.getElementType();
    auto vec = mlir::VectorType::get({lanes}, elem);
    mlir::AffineMap map = op.getMatchingIndexingMap(in);
    if (map.getNumResults() == 1 &&
        llvm::isa<mlir::AffineDimExpr>(map.getResult(0))) {
      mlir::Value zero =
          mlir::arith::ConstantOp::create(b, loc, b.getZeroAttr(elem));
      mapping.map(arg, mlir::vector::TransferReadOp::create(
                           b, loc, vec, in->get(), mlir::ValueRange{channel},
                           zero, llvm::ArrayRef<bool>{inBounds}));
      continue;
    }
    llvm::SmallVector<mlir::Value> zeros(
        type.getRank(), mlir::arith::ConstantIndexOp::create(b, loc, 0));
    mlir::Value scalar =
        mlir::tensor::ExtractOp::create(b, loc, in->get(), zeros);
    mapping.map(arg, mlir::vector::BroadcastOp::create(b, loc, vec, scalar));
  }
  return cloneBodyOnVectors(b, loc, op.getRegion().front(), lanes, mapping);
}

} // namespace mlc::cpu

#endif // MLC_BACKENDS_CPU_VECTORBODY_H
