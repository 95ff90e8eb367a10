//===- MLCRandomOps.td - Random number ops -----------------*- tablegen -*-===//
//
// ONNX's random ops draw from one counter-based generator (Philox 4x32-10)
// whose key and counter live in the run's context: every run draws new
// numbers, and a `seed` gives a reproducible stream (the same numbers for
// the same sequence of runs of a fresh context). RandomUniform(Like) and
// RandomNormal(Like) are mlc.random; Bernoulli, Multinomial and
// training-mode Dropout are built from it by the importer.
//
// A TableGen target of its own (MLCRandomOps.h.inc, included by
// MLCRandomOps.h, registered by MLCDialect.cpp), like the control flow ops.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCRANDOMOPS_TD
#define MLC_DIALECT_MLC_IR_MLCRANDOMOPS_TD

include "mlc/Dialect/MLC/IR/MLCDialect.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def MLC_RandomOp : MLC_Op<"random", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "A tensor of random numbers drawn from the run's generator.";
  let description = [{
    `distribution` is `uniform` (values in [a, b): ONNX's low and high) or
    `normal` (mean a, standard deviation b). Each element is drawn from its
    own Philox 4x32-10 block: the counter is the run's counter plus the
    element's row-major index, the key is `seed` when given, else the
    context's seed. The op advances the run's counter by its element count,
    so that two draws (two ops, or one op in two runs) never reuse a block:
    the op is not pure (never CSE'd, hoisted or folded).

    The shape is the result type's; its dynamic sizes are those of `like`
    (ONNX's *Like ops), which must then be present, of the same rank.

    ```mlir
    %u = mlc.random {distribution = "uniform", a = 0.0, b = 1.0, seed = 7}
        : tensor<2x3xf32>
    %n = mlc.random like %x : tensor<?x4xf64>
        {distribution = "normal", a = 0.0, b = 1.0} : tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Optional<AnyRankedTensor>:$like, StrAttr:$distribution,
                   F64Attr:$a, F64Attr:$b, OptionalAttr<I64Attr>:$seed);
  let results = (outs RankedTensorOf<[F16, BF16, F32, F64]>:$result);
  let assemblyFormat = [{
    (`like` $like^ `:` type($like))? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

#endif // MLC_DIALECT_MLC_IR_MLCRANDOMOPS_TD
