//===- Passes.td - Passes of the CPU backend ---------------*- tablegen -*-===//

#ifndef MLC_BACKENDS_CPU_PASSES_TD
#define MLC_BACKENDS_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def StridedCopyToLinalg : Pass<"mlc-cpu-strided-copy-to-linalg"> {
  let summary = "Rewrite memref.copy between strided views into linalg.copy.";
  let description = [{
    `finalize-memref-to-llvm` turns a copy between identity-layout memrefs
    into `llvm.memcpy`, but a copy involving a strided view (a padded or
    concatenated tensor's slice) into a call to `memrefCopy` from MLIR's
    runner-utils library, which a self-contained artifact must not need.
    This pass rewrites exactly those copies into `linalg.copy`, which
    `convert-linalg-to-loops` turns into plain loops.

    ```mlir
    memref.copy %a, %sub : memref<4xf32> to memref<4xf32, strided<[1], offset: 2>>
    // becomes
    linalg.copy ins(%a : memref<4xf32>) outs(%sub : memref<4xf32, strided<[1], offset: 2>>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FuseEpilogues : Pass<"mlc-cpu-fuse-epilogues", "mlir::func::FuncOp"> {
  let summary = "Tile elementwise epilogues and fuse their convolution or "
                "matmul producer into the same loop nest.";
  let description = [{
    For every all-parallel `linalg` op (the epilogue of an `mlc.fused`
    group after `linalg-fuse-elementwise-ops` merged it into one generic)
    that consumes the result of a convolution, pooling or matmul with no
    other user, tiles the epilogue's outer parallel loops (tile size 1,
    the innermost loop left whole) and fuses the producer and the ops that
    initialize its accumulator (fill, bias broadcast) into the tile loop:
    each tile computes its slice of the contraction and applies the
    epilogue while the slice is in cache, and the full-size intermediate
    tensor disappears. Producers of the contraction's inputs (padding, the
    previous layer) are not fused, so nothing is recomputed.

    ```mlir
    %c = linalg.conv_2d_nchw_fchw ins(%x, %w) outs(%init) -> tensor<1x8x16x16xf32>
    %r = linalg.generic {relu} ins(%c) outs(%e) -> tensor<1x8x16x16xf32>
    // becomes
    scf.for %n ... scf.for %f ... scf.for %h ... {
      %cs = linalg.conv_2d_nchw_fchw ins(slices) outs(slice) -> tensor<1x1x1x16xf32>
      %rs = linalg.generic {relu} ins(%cs) ... -> tensor<1x1x1x16xf32>
      tensor.insert_slice %rs ...
    }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::tensor::TensorDialect"];
}

def InnermostParallelLoop : Pass<"mlc-cpu-innermost-parallel-loop",
                                  "mlir::func::FuncOp"> {
  let summary = "Reorder the loops of reductions (convolution, pooling, "
                "matmul) so that the innermost loop is the output's "
                "contiguous dimension.";
  let description = [{
    The loops of a named contraction nest in declaration order, so the
    reduction loops (input channels, window) end up innermost: every
    iteration is a scalar multiply-add into one output element, which LLVM
    cannot vectorize. This pass generalizes each linalg op with reduction
    iterators and moves its innermost parallel loop (the output's
    contiguous dimension: the output width of NCHW, N of a matmul) inside
    the reductions. The innermost loop then updates a contiguous row of
    outputs with one loop-invariant weight, which LLVM vectorizes to SIMD
    multiply-adds.

    ```mlir
    linalg.matmul ins(%a, %b) outs(%c)       // loops m, n, k
    // becomes a linalg.generic with loops m, k, n
    ```
  }];
}

def BlockedAccumulation : Pass<"mlc-cpu-blocked-accumulation",
                                "mlir::func::FuncOp"> {
  let summary = "Accumulate long float sums (convolution, matmul, reduction) "
                "block by block.";
  let description = [{
    A linalg op that sums K float terms into its accumulator adds them one
    after another: the partial sum grows, and the rounding error of a
    sequential sum grows with K. For every op whose body is
    `yield addf(acc, term)` over more than `max-block` terms with static
    reduction loops, this pass splits the outermost reduction loop into
    blocks of at most `max-block` terms (its size's largest divisor that
    fits): the terms of each block are summed from zero into a block sum
    (`partial[block, out...]`, the block loop a new outermost parallel
    loop), then the block sums are added to the accumulator in order. This
    is the summation order of blocked GEMM kernels (onnxruntime's MLAS sums
    K in blocks of 256), and it keeps a 4608-term 3x3 convolution over 512
    channels as exact as a sum of a few hundred terms. The work is the same;
    the extra traffic is one pass over the block sums.

    ```mlir
    linalg.matmul ins(%a, %b : tensor<4x512xf32>, tensor<512x8xf32>)
                  outs(%init : tensor<4x8xf32>)
    // becomes (max-block=128)
    %p = linalg.generic {loops (blk, m, n, k) over k' = blk * 128 + k}
           outs(%zeros : tensor<4x4x8xf32>)
    %r = linalg.generic {out[m, n] += p[blk, m, n], blk a reduction}
           ins(%p) outs(%init : tensor<4x8xf32>)
    ```
  }];
  let options = [
    Option<"maxBlock", "max-block", "int64_t", /*default=*/"128",
           "Most terms summed sequentially before they join the accumulator">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def Int8Gemm : Pass<"mlc-cpu-int8-gemm", "mlir::ModuleOp"> {
  let summary = "Compute packed int8 GEMMs with the target's integer "
                "dot-product instructions.";
  let description = [{
    Replaces the packed `i8 x i8 -> i32` linalg.generic that
    convert-mlc-to-linalg makes of quantized conv2d / matmul layers
    (A[M, K1, 4] x B[N1, K1, 16, 4] -> C[M, N1, 16]) with scf loops over
    16-channel weight tiles and blocks of activation rows whose
    accumulators stay in vector registers over the whole K, each step one
    dot-product instruction per register: `isa=x86-vnni` vpdpbusd (u8 x s8),
    `x86-avx2` vpmaddwd on bytes widened in registers, `arm-dot` sdot
    (s8 x s8), `arm-i8mm` also usdot (u8 x s8). `isa=none` (the default)
    leaves the generic to the loop lowering. The CPU backend picks the ISA
    from the target machine's features.

    ```mlir
    %c = linalg.generic {...} ins(%a, %w : tensor<196x8x4xi8>, tensor<4x8x16x4xi8>)
        outs(%bias : tensor<196x4x16xi32>)  // ext(a) * sext(w) + acc
    // becomes scf.for n1 { scf.for m step 4 { scf.for k1 {
    //   func.call @llvm.x86.avx512.vpdpbusd.256(...) } } }
    ```

    The dot instructions are calls to private declarations marked
    `mlc.intrinsic` (bufferization rejects `llvm.call_intrinsic`, whose
    memory effects are unknown); `mlc-cpu-lower-int8-dots` turns them into
    intrinsic calls after bufferization.
  }];
  let options = [Option<"isa", "isa", "std::string", /*default=*/"\"none\"",
                        "none, x86-avx2, x86-vnni, arm-dot or arm-i8mm">];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect"];
}

def LowerInt8Dots : Pass<"mlc-cpu-lower-int8-dots", "mlir::ModuleOp"> {
  let summary = "Turn mlc-cpu-int8-gemm's dot calls into LLVM intrinsics.";
  let description = [{
    Replaces each `func.call` of a private declaration marked
    `mlc.intrinsic` with `llvm.call_intrinsic` of the declaration's name,
    and erases the declarations.

    ```mlir
    %r = func.call @llvm.x86.avx512.vpdpbusd.256(%acc, %a, %w) : (...) -> vector<8xi32>
    // becomes
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%acc, %a, %w) : (...) -> vector<8xi32>
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // MLC_BACKENDS_CPU_PASSES_TD
