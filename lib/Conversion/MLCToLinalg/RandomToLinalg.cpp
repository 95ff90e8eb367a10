//===- RandomToLinalg.cpp - mlc.random to a Philox linalg.generic
//----------===//
//
// mlc.random becomes one linalg.generic that runs Philox 4x32-10 (Salmon et
// al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) for every
// element: the counter is (base + row-major index, 0, 0) with `base` the
// run's counter (the kRandomCounterFuncName hook, which reserves one block
// per element), the key is the op's seed or the context's (the
// kRandomSeedFuncName hook). The block's first words become a uniform in
// [0, 1) (24 bits for f32 and smaller, 53 for f64), or two of them a normal
// by the Box-Muller transform; f16/bf16 results are computed in f32 and
// truncated.
//
//===----------------------------------------------------------------------===//

#include "mlc/Conversion/MLCToLinalg/RandomToLinalg.h"
#include "mlc/Conversion/MLCToLinalg/RuntimeHooks.h"
#include "mlc/Dialect/MLC/IR/MLCRandomOps.h"

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlc;

/// SplitMix64 of `seed`: the Philox key of an op with a `seed` attribute
/// (nearby seeds give unrelated keys).
static uint64_t mixSeed(uint64_t seed) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace {

/// Builds the scalar code of one element inside the generic.
struct PhiloxBuilder {
  OpBuilder &b;
  Location loc;
  Type i32, i64;

  Value c32(uint32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value c64(uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  }
  Value lo32(Value v) { return arith::TruncIOp::create(b, loc, i32, v); }
  Value hi32(Value v) {
    return lo32(arith::ShRUIOp::create(b, loc, v, c64(32)));
  }

  /// The four words of Philox 4x32-10 for `counter` (low, high) and `key`.
  SmallVector<Value, 4> run(Value counter, Value key) {
    Value c[4] = {lo32(counter), hi32(counter), c32(0), c32(0)};
    Value k0 = lo32(key), k1 = hi32(key);
    for (int round = 0; round < 10; ++round) {
      auto p0 = arith::MulUIExtendedOp::create(b, loc, c32(0xD2511F53u), c[0]);
      auto p1 = arith::MulUIExtendedOp::create(b, loc, c32(0xCD9E8D57u), c[2]);
      Value n0 = arith::XOrIOp::create(
          b, loc, arith::XOrIOp::create(b, loc, p1.getHigh(), c[1]), k0);
      Value n2 = arith::XOrIOp::create(
          b, loc, arith::XOrIOp::create(b, loc, p0.getHigh(), c[3]), k1);
      c[0] = n0;
      c[1] = p1.getLow();
      c[2] = n2;
      c[3] = p0.getLow();
      if (round < 9) {
        k0 = arith::AddIOp::create(b, loc, k0, c32(0x9E3779B9u));
        k1 = arith::AddIOp::create(b, loc, k1, c32(0xBB67AE85u));
      }
    }
    return {c[0], c[1], c[2], c[3]};
  }

  /// A uniform in [0, 1) of `type` (f32: 24 bits of `x`; f64: 53 bits of
  /// `x`, `y`); plus `offset` ulps of the scale (1 shifts it to (0, 1]).
  Value uniform(FloatType type, Value x, Value y, uint64_t offset = 0) {
    Value bits;
    double scale;
    if (type.isF64()) {
      Value hi = arith::ShLIOp::create(
          b, loc, arith::ExtUIOp::create(b, loc, i64, x), c64(21));
      Value lo = arith::ShRUIOp::create(
          b, loc, arith::ExtUIOp::create(b, loc, i64, y), c64(11));
      bits = arith::OrIOp::create(b, loc, hi, lo);
      scale = 0x1p-53;
    } else {
      bits = arith::ExtUIOp::create(b, loc, i64,
                                    arith::ShRUIOp::create(b, loc, x, c32(8)));
      scale = 0x1p-24;
    }
    if (offset)
      bits = arith::AddIOp::create(b, loc, bits, c64(offset));
    Value value = arith::UIToFPOp::create(b, loc, type, bits);
    return arith::MulFOp::create(
        b, loc, value,
        arith::ConstantOp::create(b, loc, b.getFloatAttr(type, scale)));
  }
};

struct RandomToGeneric : OpRewritePattern<RandomOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RandomOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getResult().getType());
    auto elementType = cast<FloatType>(type.getElementType());
    FloatType computeType =
        elementType.isF64() ? elementType : rewriter.getF32Type();
    Type i64 = rewriter.getI64Type();
    int64_t rank = type.getRank();

    // Sizes (index) of every dimension, and the element count.
    SmallVector<Value> sizes, dynamicSizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(
            arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(d)));
        continue;
      }
      Value size = tensor::DimOp::create(rewriter, loc, op.getLike(), d);
      sizes.push_back(size);
      dynamicSizes.push_back(size);
    }
    Value count = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (Value size : sizes)
      count = arith::MulIOp::create(rewriter, loc, count, size);

    func::FuncOp counterHook =
        getOrDeclareHook(rewriter, op, kRandomCounterFuncName,
                         rewriter.getFunctionType({i64}, {i64}));
    Value base =
        func::CallOp::create(
            rewriter, loc, counterHook,
            ValueRange{arith::IndexCastOp::create(rewriter, loc, i64, count)})
            .getResult(0);
    Value key;
    if (std::optional<uint64_t> seed = op.getSeed()) {
      key = arith::ConstantOp::create(
          rewriter, loc, rewriter.getI64IntegerAttr(mixSeed(*seed)));
    } else {
      func::FuncOp seedHook =
          getOrDeclareHook(rewriter, op, kRandomSeedFuncName,
                           rewriter.getFunctionType({}, {i64}));
      key = func::CallOp::create(rewriter, loc, seedHook, ValueRange{})
                .getResult(0);
    }

    bool normal = op.getDistribution() == "normal";
    double a = op.getA().convertToDouble(),
           bParam = op.getB().convertToDouble();
    Value init = createEmpty(rewriter, loc, type, dynamicSizes);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)}, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange) {
          PhiloxBuilder p{nb, nloc, nb.getI32Type(), i64};
          Value index = arith::ConstantIndexOp::create(nb, nloc, 0);
          for (int64_t d = 0; d < rank; ++d)
            index = arith::AddIOp::create(
                nb, nloc, arith::MulIOp::create(nb, nloc, index, sizes[d]),
                linalg::IndexOp::create(nb, nloc, d));
          Value counter = arith::AddIOp::create(
              nb, nloc, base, arith::IndexCastOp::create(nb, nloc, i64, index));
          SmallVector<Value, 4> words = p.run(counter, key);
          auto constant = [&](double v) -> Value {
            return arith::ConstantOp::create(nb, nloc,
                                             nb.getFloatAttr(computeType, v));
          };
          Value value;
          if (!normal) {
            Value u = p.uniform(computeType, words[0], words[1]);
            value = arith::AddFOp::create(
                nb, nloc, constant(a),
                arith::MulFOp::create(nb, nloc, u, constant(bParam - a)));
          } else {
            // Box-Muller: u1 in (0, 1] keeps the logarithm finite.
            Value u1 = p.uniform(computeType, words[0], words[1], 1);
            Value u2 = p.uniform(computeType, words[2], words[3]);
            Value radius = math::SqrtOp::create(
                nb, nloc,
                arith::MulFOp::create(nb, nloc, constant(-2.0),
                                      math::LogOp::create(nb, nloc, u1)));
            Value angle = arith::MulFOp::create(
                nb, nloc, constant(2.0 * llvm::numbers::pi), u2);
            Value z = arith::MulFOp::create(
                nb, nloc, radius, math::CosOp::create(nb, nloc, angle));
            value = arith::AddFOp::create(
                nb, nloc, constant(a),
                arith::MulFOp::create(nb, nloc, z, constant(bParam)));
          }
          if (computeType != elementType)
            value = arith::TruncFOp::create(nb, nloc, elementType, value);
          linalg::YieldOp::create(nb, nloc, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlc::populateRandomToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<RandomToGeneric>(patterns.getContext());
}
