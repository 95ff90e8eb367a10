//===- LoweringUtils.cpp - Builders shared by mlc-to-linalg patterns ------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

/// The input dimension that `map` reads along loop `d`, if any.
static std::optional<unsigned> getReadingPosition(AffineMap map, unsigned d) {
  for (auto [position, expr] : llvm::enumerate(map.getResults()))
    if (auto dimExpr = dyn_cast<AffineDimExpr>(expr))
      if (dimExpr.getPosition() == d)
        return position;
  return std::nullopt;
}

bool mlc::canSizeFromMaps(RankedTensorType resultType, TypeRange inputs,
                          ArrayRef<AffineMap> inputMaps) {
  for (int64_t d = 0; d < resultType.getRank(); ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    bool found = false;
    for (auto [type, map] : llvm::zip(inputs, inputMaps)) {
      std::optional<unsigned> p = getReadingPosition(map, d);
      found |= p && cast<RankedTensorType>(type).isDynamicDim(*p);
    }
    if (!found)
      return false;
  }
  return true;
}

func::FuncOp mlc::getOrDeclareHook(RewriterBase &rewriter, Operation *op,
                                   StringRef name, FunctionType type) {
  auto module = op->getParentOfType<ModuleOp>();
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  auto hook = func::FuncOp::create(rewriter, op->getLoc(), name, type);
  hook.setPrivate();
  return hook;
}

Value mlc::createParallelGeneric(OpBuilder &b, Location loc,
                                 RankedTensorType resultType, ValueRange inputs,
                                 ArrayRef<AffineMap> inputMaps,
                                 ScalarBodyBuilder body,
                                 ValueRange dynamicSizes) {
  unsigned rank = resultType.getRank();
  SmallVector<Value> sizes(dynamicSizes);
  if (sizes.empty())
    for (unsigned d = 0; d < rank; ++d) {
      if (!resultType.isDynamicDim(d))
        continue;
      for (auto [input, map] : llvm::zip(inputs, inputMaps)) {
        std::optional<unsigned> p = getReadingPosition(map, d);
        if (p && cast<RankedTensorType>(input.getType()).isDynamicDim(*p)) {
          sizes.push_back(tensor::DimOp::create(b, loc, input, *p));
          break;
        }
      }
    }
  Value init = createEmpty(b, loc, resultType, sizes);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

SmallVector<AffineMap> mlc::getBroadcastMaps(MLIRContext *ctx,
                                             RankedTensorType resultType,
                                             TypeRange inputs) {
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Type input : inputs) {
    auto type = cast<RankedTensorType>(input);
    unsigned offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i < type.getRank(); ++i) {
      // A stretched size-1 dimension always reads index 0.
      if (type.getDimSize(i) == 1 && resultType.getDimSize(offset + i) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(offset + i, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  return maps;
}

Value mlc::createElementwise(OpBuilder &b, Location loc,
                             RankedTensorType resultType, ValueRange inputs,
                             ScalarBodyBuilder body) {
  SmallVector<AffineMap> maps =
      getBroadcastMaps(b.getContext(), resultType, inputs.getTypes());
  return createParallelGeneric(b, loc, resultType, inputs, maps, body);
}

Value mlc::createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                       ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynamicSizes);
}

bool mlc::canSizeLike(RankedTensorType type, TypeRange sources) {
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    if (llvm::none_of(sources, [&](Type t) {
          auto source = dyn_cast<RankedTensorType>(t);
          return source && source.getRank() == type.getRank() &&
                 source.isDynamicDim(d);
        }))
      return false;
  }
  return true;
}

FailureOr<SmallVector<Value>> mlc::getDynamicSizesLike(OpBuilder &b,
                                                       Location loc,
                                                       RankedTensorType type,
                                                       ValueRange sources) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size;
    for (Value source : sources) {
      auto sourceType = dyn_cast<RankedTensorType>(source.getType());
      if (sourceType && sourceType.getRank() == type.getRank() &&
          sourceType.isDynamicDim(d)) {
        size = tensor::DimOp::create(b, loc, source, d);
        break;
      }
    }
    if (!size)
      return failure();
    sizes.push_back(size);
  }
  return sizes;
}

LogicalResult mlc::requireSizableLike(Operation *op,
                                      PatternRewriter &rewriter) {
  for (Type t : op->getResultTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (type && !canSizeLike(type, op->getOperandTypes()))
      return rewriter.notifyMatchFailure(
          op, "a dynamic result dimension has no dynamic operand dimension "
              "to take its size from");
  }
  return success();
}

LogicalResult mlc::requireSizableElementwise(Operation *op,
                                             PatternRewriter &rewriter) {
  for (Type t : op->getResultTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type || type.hasStaticShape())
      continue;
    if (!canSizeFromMaps(
            type, op->getOperandTypes(),
            getBroadcastMaps(op->getContext(), type, op->getOperandTypes())))
      return rewriter.notifyMatchFailure(
          op, "a dynamic result dimension has no dynamic operand dimension "
              "to take its size from");
  }
  return success();
}

Value mlc::createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                              TypedAttr value, ValueRange dynamicSizes) {
  Value empty = createEmpty(b, loc, type, dynamicSizes);
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

Value mlc::createStaticReshape(OpBuilder &b, Location loc, Value input,
                               ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == shape)
    return input;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (!type.hasStaticShape() || !resultType.hasStaticShape()) {
    // Dynamic sizes: only reshapes that regroup dimensions (adding or
    // dropping unit dims, merging or splitting static ones) are expressible.
    std::optional<SmallVector<ReassociationIndices>> reassociation =
        getReassociationIndicesForReshape(type, resultType);
    if (!reassociation)
      return Value();
    if (type.getRank() > resultType.getRank())
      return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                             *reassociation);
    if (type.getRank() < resultType.getRank())
      return tensor::ExpandShapeOp::create(b, loc, resultType, input,
                                           *reassociation);
    return tensor::CastOp::create(b, loc, resultType, input);
  }
  // Rank-0 tensors expand to / collapse from all-ones shapes with an empty
  // reassociation.
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, resultType, input,
                                         ArrayRef<ReassociationIndices>{});
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                           ArrayRef<ReassociationIndices>{});
  Value flat = input;
  if (type.getRank() != 1) {
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    flat = tensor::CollapseShapeOp::create(b, loc, input,
                                           ArrayRef<ReassociationIndices>{all});
  }
  if (shape.size() == 1)
    return flat;
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, shape.size()));
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

Value mlc::createScalarConstant(OpBuilder &b, Location loc, Type type,
                                double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value mlc::createReduction(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> dims, TypedAttr initValue,
                           CombinerBuilder combine) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(dims, i))
      shape.push_back(type.getDimSize(i));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(dims, i) && type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i));
  Value init = createFilledTensor(b, loc, resultType, initValue, sizes);
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{init}, dims,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args[0], args[1]));
      });
  return reduce.getResult(0);
}

TypedAttr mlc::getHighestValueAttr(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(
        floatType, APFloat::getInf(floatType.getFloatSemantics(), false));
  auto intType = cast<IntegerType>(type);
  if (intType.getWidth() == 1)
    return IntegerAttr::get(intType, APInt(1, 1));
  return IntegerAttr::get(intType,
                          APInt::getSignedMaxValue(intType.getWidth()));
}

TypedAttr mlc::getLowestValueAttr(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return FloatAttr::get(floatType,
                          APFloat::getInf(floatType.getFloatSemantics(), true));
  auto intType = cast<IntegerType>(type);
  if (intType.getWidth() == 1)
    return IntegerAttr::get(intType, APInt(1, 0));
  return IntegerAttr::get(intType,
                          APInt::getSignedMinValue(intType.getWidth()));
}

Type mlc::getAccumulatorType(Type elementType) {
  if (elementType.isF16() || elementType.isBF16())
    return Float32Type::get(elementType.getContext());
  return elementType;
}

Value mlc::createFloatConversion(OpBuilder &b, Location loc, Value input,
                                 Type elementType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getElementType() == elementType)
    return input;
  unsigned from = type.getElementType().getIntOrFloatBitWidth();
  unsigned to = elementType.getIntOrFloatBitWidth();
  return createElementwise(
      b, loc, type.clone(elementType), {input},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        if (from < to)
          return arith::ExtFOp::create(nb, nloc, elementType, args[0]);
        return arith::TruncFOp::create(nb, nloc, elementType, args[0]);
      });
}

LogicalResult mlc::requireStaticShapes(Operation *op,
                                       PatternRewriter &rewriter) {
  auto isStatic = [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    return !shaped || shaped.hasStaticShape();
  };
  if (llvm::all_of(op->getOperandTypes(), isStatic) &&
      llvm::all_of(op->getResultTypes(), isStatic))
    return success();
  return rewriter.notifyMatchFailure(op, "dynamic shapes are not supported");
}
