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

def FillPadBorders : Pass<"mlc-cpu-fill-pad-borders", "mlir::func::FuncOp"> {
  let summary = "Fill only the borders of a statically shaped constant "
                "tensor.pad.";
  let description = [{
    A `tensor.pad` bufferizes into a buffer filled whole with the padding
    value and then overwritten by the source: twice the writes the padded
    input of a convolution needs. Each `tensor.pad` in a function body (not
    in a tile loop) with static shapes and a constant padding value becomes
    a `linalg.fill` of each border slab (the low and high padding of each
    dimension, across the others) and the source inserted between them,
    which bufferize in place into one buffer.

    ```mlir
    %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {...}
        : tensor<1x4x4x8xi8> to tensor<1x6x6x8xi8>
    // becomes
    %e = tensor.empty() : tensor<1x6x6x8xi8>
    // rows 0 and 5, then columns 0 and 5: extract_slice, linalg.fill,
    // insert_slice each
    %p = tensor.insert_slice %x into %t[0, 1, 1, 0] [1, 4, 4, 8] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def SplitReductions : Pass<"mlc-cpu-split-reductions", "mlir::func::FuncOp"> {
  let summary = "Split reductions of a whole tensor to a scalar into one "
                "partial result per vector lane.";
  let description = [{
    A statically shaped `linalg.generic` that reduces all its loops (at
    least 1024 elements, inputs read contiguously) to a scalar, such as the
    min and max of dynamic quantization, becomes a reduction into `lanes`
    partial results updated side by side by the innermost loop (what LLVM
    vectorizes: a float min/max is no reassociable reduction for it) and a
    final reduction of the partials (upstream `linalg::splitReduction`
    after collapsing the loops into one). `isa` (scalar, avx2, avx512, neon)
    sets the lanes; `scalar` does nothing.

    ```mlir
    %m = linalg.generic {iterator_types = ["reduction", "reduction"]}
        ins(%x : tensor<128x256xf32>) outs(%init : tensor<f32>) {maximumf}
    // becomes a [2048, 16] -> [16] reduction with the 16 innermost, then
    // [16] -> scalar
    ```
  }];
  let options = [Option<"isa", "isa", "std::string", /*default=*/"\"scalar\"",
                        "Vector ISA: scalar, avx2, avx512 or neon">];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def ParallelizeOps : Pass<"mlc-cpu-parallelize-ops", "mlir::func::FuncOp"> {
  let summary = "Split the outer parallel loop of big linalg ops outside "
                "the tile loops into an scf.forall (threads).";
  let description = [{
    The linalg ops left in the function body after tiling (elementwise
    chains, softmax and normalization reductions, pooling, im2col copies,
    transposes) would run on one thread while the contractions use all:
    each one with static shapes and at least 2^15 iterations gets its first
    parallel loop of extent > 1 tiled into at most 8 chunks of at least
    2^14 iterations, as an `scf.forall`, which the CPU pipeline lowers to an
    OpenMP worksharing loop. Reduction loops and the inner loops (what LLVM
    vectorizes) are untouched; ops in loops and register tiles are left
    alone.

    ```mlir
    %y = linalg.generic ... outs(%e : tensor<1x56x56x256xf32>)
    // becomes
    %y = scf.forall (%i) in (8) shared_outs(%o = %e) {
      ... linalg.generic on tensor<1x7x56x256xf32> ...
    }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def LowerParallelLoops : Pass<"mlc-cpu-lower-parallel-loops",
                                "mlir::ModuleOp"> {
  let summary = "Run the parallel tile loops on the context's threads, "
                "each thread its share, without libomp at one thread.";
  let description = [{
    Every outermost `scf.parallel` without results becomes a private
    function `@<func>_par(%tid : i32, %count : i32, <what the loop reads
    from above>...)` that runs the iterations of thread `%tid` of `%count`:
    the iterations, linearized in row-major order, split into contiguous
    blocks whose sizes differ by at most one (OpenMP's static schedule).
    The static `memref.alloca`s at the start of an iteration are made once,
    before the thread's share (its iterations run one after another). The
    loop becomes

    ```mlir
    %n = func.call @__mlc_thread_count() : () -> i32
    scf.if (%n > 1) {
      omp.parallel num_threads(%n : i32) {
        func.call @f_par(omp_get_thread_num(), omp_get_num_threads(), ...)
        omp.terminator
      }
    } else {
      func.call @f_par(0, 1, ...)
    }
    ```

    so that no libomp call runs at one thread (a serialized parallel
    region allocates) and no worksharing call runs at all (Debian's
    `__kmpc_for_static_init` allocates its trace strings): a static
    model's runs allocate nothing at any thread count. A loop that reads a
    buffer the bare-pointer calling convention cannot pass (dynamic shape
    or strides) stays in place, split the same way inside an omp.parallel.
    `@__mlc_thread_count` is defined by `mlc-emit-runtime-abi` (the
    thread count `mlc_run` stores). An `mlc_run` called by a thread of the
    caller's own OpenMP team stays correct: the function is given its
    thread number, not asked for it.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::omp::OpenMPDialect",
                           "mlir::scf::SCFDialect"];
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
    (A[M, K1, 4] x B[N1, K1, 16, 4] -> C[M, N1, 16]) with loops over
    blocks of rows x weight tiles (an `scf.forall` with `parallel=true` when
    the GEMM is big enough for threads) and, inside a block, register blocks
    of activation rows x 16-channel weight tiles whose accumulators stay in
    vector registers over the whole K, each step one dot-product
    instruction per register: `isa=x86-vnni512` vpdpbusd zmm (AVX512-VNNI,
    6 rows x 64 channels), `x86-vnni` vpdpbusd ymm (AVX512-VL or AVX-VNNI,
    3 rows x 32 channels), both u8 x s8, `x86-avx2` vpmaddwd on bytes
    widened in registers, `arm-dot` sdot (s8 x s8), `arm-i8mm` also usdot
    (u8 x s8). `isa=none` (the default) leaves the generic to the loop
    lowering. The CPU backend picks the ISA from the target machine's
    features.

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
                        "none, x86-avx2, x86-vnni, x86-vnni512, arm-dot or "
                        "arm-i8mm">,
                 Option<"parallel", "parallel", "bool", /*default=*/"false",
                        "Run the row x tile blocks of big GEMMs as an "
                        "scf.forall (threads)">];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect"];
}

def Int8Depthwise : Pass<"mlc-cpu-int8-depthwise", "mlir::func::FuncOp"> {
  let summary = "Register tiles for the 8-bit depthwise convolutions in NHWC.";
  let description = [{
    Replaces the 8-bit depthwise window-sum linalg.generic that
    convert-mlc-to-linalg makes in NHWC (loops (n, oh, ow, kh, kw, c),
    `acc += ext(x) * sext(w)`) with loops over output rows (an
    `scf.forall` with `parallel=true`), tiles of 4 output pixels x one
    vector of channels whose i32 accumulators stay in registers over the
    whole window, each step a widened activation vector times the widened
    filter vector. `isa` (scalar, avx2, avx512, neon) sets the vector width;
    `scalar` leaves the generic to the loop lowering.
  }];
  let options = [Option<"isa", "isa", "std::string", /*default=*/"\"scalar\"",
                        "Vector ISA: scalar, avx2, avx512 or neon">,
                 Option<"parallel", "parallel", "bool", /*default=*/"false",
                        "Run the output rows as an scf.forall (threads)">];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect"];
}

def Bf16Gemm : Pass<"mlc-cpu-bf16-gemm", "mlir::ModuleOp"> {
  let summary = "Compute bf16 matmuls and convolutions with constant weights "
                "on vdpbf16ps register tiles.";
  let description = [{
    For `isa=x86-avx512bf16` (a CPU with AVX512-BF16) or `isa=arm-bf16`
    (AArch64 with the BF16 extension), replaces each
    `bf16 x bf16 -> f32` contraction of `--quantize=bf16` whose weights are
    a constant: `linalg.conv_2d_nhwc_fhwc`, `linalg.matmul` (B a constant
    or the transpose of one) and the matmul generics of transformer layers
    (A [m..., K] x B [K, N] -> [m..., N], B constant), static shapes only.
    The weights are packed at compile time in the pair-interleaved layout
    of `vdpbf16ps` and `bfdot`, [N1/T][taps][ceil(K/2)][T][16][2] for
    blocks of T 16-channel tiles (zeros past the N channels and an odd K);
    1x1 stride-1 convolutions are matmuls over all pixels; the output, as rows x channels, is cut into blocks of
    rows x 16-channel tiles (an `scf.forall` with `parallel=true` when the
    contraction is big enough for threads; the column blocks outermost
    when the weights outweigh the activations) and each block into register
    blocks of up to 6 rows x 4 tiles of f32 accumulators (zmm) that stay in
    registers over the whole reduction, one `vdpbf16ps` per accumulator and
    pair of the reduction dim (the pair of activations broadcast); on
    AArch64, 6 rows x 1 tile of 4 `bfdot` accumulators (q registers). The
    accumulators' start (a broadcast bias, a fill, or any other init) and
    the elementwise consumer of the contraction (bias, ReLU, residual add,
    the rounding to bf16: a linalg.generic whose other inputs have the
    output's shape, one value per channel, or one value) are applied to the
    f32 register tile, which is then stored. `isa=none` (the default, and
    what targets without AVX512-BF16 get) leaves everything to the f32
    loops.

    ```mlir
    %c = linalg.matmul ins(%a, %w : tensor<32x64xbf16>, tensor<64x128xbf16>)
        outs(%zero : tensor<32x128xf32>) -> tensor<32x128xf32>
    %r = linalg.generic {relu, truncf} ins(%c) outs(%e : tensor<32x128xbf16>)
    // becomes, with %p = arith.constant : tensor<8192xbf16> (packed %w),
    // scf.for (blocks) { scf.for %row step 6 { scf.for %pair {
    //   func.call @llvm.x86.avx512bf16.dpbf16ps.512(%acc, %a2, %w32) x 24 }
    //   relu, truncf on the vector<16xf32> accumulators; transfer_write } }
    ```

    The dot instructions are calls to private declarations marked
    `mlc.intrinsic`, which `mlc-cpu-lower-int8-dots` turns into intrinsic
    calls after bufferization.
  }];
  let options = [Option<"isa", "isa", "std::string", /*default=*/"\"none\"",
                        "none, x86-avx512bf16 or arm-bf16">,
                 Option<"parallel", "parallel", "bool", /*default=*/"false",
                        "Run the blocks of big contractions as an "
                        "scf.forall (threads)">];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def WidenBf16Contractions : Pass<"mlc-cpu-widen-bf16-contractions",
                                 "mlir::func::FuncOp"> {
  let summary = "Give bf16 contractions f32 operands, for the f32 register "
                "tiles.";
  let description = [{
    A `bf16 x bf16 -> f32` contraction (matmul, batch matmul, NHWC / grouped
    / depthwise convolution, a contraction generic) whose body only widens
    its inputs gets f32 inputs: a constant operand (or the transpose of
    one) is widened at compile time, any other operand by an elementwise
    `arith.extf` generic. bf16 products are exact in f32, so the result is
    the same; the f32 tile strategy then gives it register tiles instead of
    the scalar loops that convert every element. The CPU pipeline runs it
    after `mlc-cpu-bf16-gemm`, on what that left (everything on CPUs
    without AVX512-BF16).

    ```mlir
    %c = linalg.batch_matmul ins(%q, %k : tensor<4x128x64xbf16>, tensor<4x64x128xbf16>)
        outs(%acc : tensor<4x128x128xf32>)
    // becomes
    %q32 = linalg.generic {arith.extf} ins(%q) -> tensor<4x128x64xf32>
    %k32 = linalg.generic {arith.extf} ins(%k) -> tensor<4x64x128xf32>
    %c = linalg.batch_matmul ins(%q32, %k32 : ...) outs(%acc : tensor<4x128x128xf32>)
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def LowerInt8Dots : Pass<"mlc-cpu-lower-int8-dots", "mlir::ModuleOp"> {
  let summary = "Turn the dot calls of mlc-cpu-int8-gemm and "
                "mlc-cpu-bf16-gemm into LLVM intrinsics.";
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

def PlanMemory : Pass<"mlc-cpu-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place the entry's buffers in one arena by liveness.";
  let description = [{
    After bufferization and buffer deallocation: every `memref.alloc` in
    the top-level block of `@mlc_entry` with a static size and exactly one
    `memref.dealloc` in that block gets an offset in one arena (greedy by
    size; buffers live at the same time never overlap, 64-byte aligned) and
    becomes a `memref.view` of it; its deallocation is erased. The arena is
    a new trailing `memref<Nxi8>` argument of the entry marked `mlc.arena`,
    and the module gets `mlc.arena_size = N`; mlc-emit-runtime-abi
    allocates it once per context. A buffer of a loop body (made and freed
    by every iteration) gets one slot, live for the whole loop. In a
    parallel loop (`scf.forall`, `scf.parallel`) run on several threads
    (`threads`), iterations would share that slot: a buffer of at most
    64 KiB becomes a `memref.alloca` at the start of the iteration instead,
    which mlc-cpu-lower-parallel-loops allocates once per thread; larger
    ones keep their allocations. Buffers of dynamic size or freed on some
    paths only keep their allocations. With `report`, a remark gives the
    arena size and the largest live set.
  }];
  let options = [Option<"report", "report", "bool", /*default=*/"false",
                        "Emit a remark with the arena size and the largest "
                        "live set">,
                 Option<"threads", "threads", "bool", /*default=*/"true",
                        "Parallel loops run on several threads (their "
                        "iterations' buffers go on the stack); without, "
                        "they are planned as sequential loops">];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def RelaxClamps : Pass<"mlc-cpu-relax-clamps", "mlir::func::FuncOp"> {
  let summary = "Clamps before a float to integer conversion as one "
                "vmaxps / vminps each.";
  let description = [{
    The end of every quantization is a clamp to the integer range, a NaN
    guard and the conversion: `fptosi(select(isnan(m), 0, m))` with `m =
    minimumf(maximumf(v, lo), hi)`. The IEEE `maximumf` / `minimumf` order
    -0 below +0, which x86 has no instruction for: each is a compare and a
    blend around `vmaxps`. A clamp to a constant bound (not NaN) whose
    result only reaches the conversion, the guard or the other clamp,
    becomes `v < lo ? lo : v` (`v > hi ? hi : v`): NaN still propagates to
    the guard, only the sign of a zero may differ, which the conversion
    does not see, and x86 computes each with one `vmaxps` / `vminps`.
    Scalars and vectors alike; other clamps (ReLU, Clip on floats) keep
    their semantics.

    ```mlir
    %a = arith.maximumf %v, %lo : vector<16xf32>
    // becomes
    %c = arith.cmpf olt, %v, %lo : vector<16xf32>
    %a = arith.select %c, %lo, %v : vector<16xi1>, vector<16xf32>
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def ApproximateMath : Pass<"mlc-cpu-approximate-math", "mlir::func::FuncOp"> {
  let summary = "Replace f32 erf and exp by polynomial approximations.";
  let description = [{
    Rewrites `math.erf` and `math.exp` on f32 (scalars and vectors) into
    upstream's polynomial approximations (arithmetic, FMAs and bit
    manipulation), so that vectorized activations (GELU, softmax, sigmoid)
    stay in vector registers instead of calling libm once per lane. Other
    math ops and other element types are left alone.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::vector::VectorDialect"];
}

def FuseElementwise : Pass<"mlc-cpu-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops, never into a consumer that "
                "would recompute them.";
  let description = [{
    The patterns of upstream `linalg-fuse-elementwise-ops` (elementwise
    producer/consumer fusion, reshape propagation by expansion), with a
    stricter rule: a single-use producer is fused into its consumer only
    when the consumer reads it with a map over all of its loops. A matmul
    reads its A operand without the column loop: fusing a GELU into it would
    compute the GELU once per output column instead of once per element.

    ```mlir
    %g = linalg.generic {gelu} ins(%x : tensor<64x1024xf32>) ...
    %y = linalg.generic {(m, n, k): A(m, k) * B(k, n)} ins(%g, %w ...)
    // stays two ops (upstream would fuse the GELU into the contraction)
    ```
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def PackWeights : Pass<"mlc-cpu-pack-weights", "mlir::func::FuncOp"> {
  let summary = "Rewrite convolutions into the forms the CPU tiles have "
                "kernels for, transposing constant filters at compile time.";
  let description = [{
    The register tiles of mlc-cpu-tile-contractions read filters with the
    output channels contiguous (HWCF), so that one vector load feeds a row
    of FMAs. This pass rewrites `linalg.conv_2d_nhwc_fhwc` into
    `linalg.conv_2d_nhwc_hwcf`, and a grouped NHWC convolution with one
    input and one output channel per group into
    `linalg.depthwise_conv_2d_nhwc_hwc`. Constant filters are permuted at
    compile time (a new constant; no transpose runs); other filters get a
    `linalg.transpose`.

    ```mlir
    %w = arith.constant dense_resource<w> : tensor<64x3x3x32xf32>
    %c = linalg.conv_2d_nhwc_fhwc ins(%x, %w : ...) outs(%init : ...)
    // becomes
    %w = arith.constant dense_resource<w_hwcf> : tensor<3x3x32x64xf32>
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : ...) outs(%init : ...)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def TileContractions : Pass<"mlc-cpu-tile-contractions", "mlir::func::FuncOp"> {
  let summary = "Cut matmuls and convolutions into register tiles, with "
                "their epilogues fused.";
  let description = [{
    For every contraction the CPU tile strategy knows (`linalg.matmul`,
    `linalg.batch_matmul`, `linalg.conv_2d_nhwc_hwcf`,
    `linalg.depthwise_conv_2d_nhwc_hwc`, f32, static shapes, output
    channels a multiple of the vector width), on tensors:
    1. tiles its elementwise epilogue (or the contraction itself) over the
       parallel loops by the register tile of the target (`isa`), fusing
       the contraction and the ops that initialize its accumulator (fill,
       bias broadcast) into the tile loops;
    2. tiles the reduction into blocks (at most 128 terms) and single
       steps (the step loop is marked `mlc.cpu.partial_sum`);
    3. decomposes a convolution tile of one output row and one filter row
       into a 1-D convolution;
    4. marks every linalg op of the tile `mlc.cpu.vectorize`.
    With `parallel`, the outermost tile loops of an op with enough work
    (at least 2^18 multiply-accumulates and two tiles) are one `scf.forall`,
    which the pipeline runs on the context's threads (OpenMP); the others
    stay `scf.for`.
    Ops without a strategy (dynamic shapes, odd channel counts) are left
    to the loop lowering.

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<12x64xf32>, tensor<64x32xf32>) ...
    // becomes (isa=avx2: 6x16 tile, blocks of 64 terms)
    scf.for %m = 0 to 12 step 6 { scf.for %n = 0 to 32 step 16 {
      linalg.fill {mlc.cpu.vectorize} ... -> tensor<6x16xf32>
      scf.for %kb = 0 to 64 step 64 { scf.for %k ... {mlc.cpu.partial_sum} {
        linalg.matmul {mlc.cpu.vectorize} ... -> tensor<6x16xf32> } } } }
    ```
  }];
  let options = [Option<"isa", "isa", "std::string", /*default=*/"\"avx2\"",
                        "Vector ISA the tiles are sized for: scalar, avx2, "
                        "avx512 or neon">,
                 Option<"parallel", "parallel", "bool", /*default=*/"false",
                        "Make the outer tile loops of large ops an "
                        "scf.forall">];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect"];
}

def Multiversion : Pass<"mlc-cpu-multiversion", "mlir::ModuleOp"> {
  let summary = "Lower the module once per x86 CPU and export C ABI "
                "functions that run the best variant the machine has.";
  let description = [{
    The CPU pipeline for a list of CPUs (`mlc-compile --cpu=x86-64-v3,
    x86-64-v4`). Each CPU gets its own copy of the linalg module, lowered by
    the whole CPU pipeline with that CPU's tile strategy and kernels. Every
    symbol a copy defines is renamed with the CPU as a suffix
    (`@mlc_run__x86_64_v4`), its functions get the CPU as their LLVM
    `target_cpu` (LLVM compiles each function for its own CPU), and the
    exported ones are hidden. Each exported function is then defined again
    under its own name as a dispatcher that calls the variant chosen by
    `@mlc_cpu_variant()`: on the first call, from CPUID and XCR0, the
    variant with the most ISA extensions (SSE3 to AVX-512, VNNI, BF16) that
    the machine has; `MLC_CPU_VARIANT=NAME` in the environment picks the
    variant of CPU NAME instead, when the machine has its extensions. A
    machine that runs none writes why on stderr and aborts. The weights are
    stored once per variant.
  }];
  let options = [ListOption<"cpus", "cpus", "std::string",
                            "The CPUs, one variant each (LLVM names)">,
                 Option<"triple", "triple", "std::string", /*default=*/"\"\"",
                        "Target triple (empty: the host's)">,
                 Option<"mattr", "mattr", "std::string", /*default=*/"\"\"",
                        "LLVM target features added to every CPU's">,
                 Option<"optLevel", "opt-level", "unsigned", /*default=*/"2",
                        "0..3, as -O0..-O3">,
                 Option<"threads", "threads", "bool", /*default=*/"false",
                        "Run the large ops' tiles on the context's threads">,
                 Option<"memoryReport", "memory-report", "bool",
                        /*default=*/"false",
                        "Report each variant's static memory plan">];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def PackPanels : Pass<"mlc-cpu-pack-panels", "mlir::func::FuncOp"> {
  let summary = "Store constant weights as contiguous panels of the columns "
                "each register tile reads.";
  let description = [{
    Runs after mlc-cpu-tile-contractions. A register tile reads its
    constant weights (a matmul's B[K, N], an HWCF filter) as a slice NR
    columns wide, whose rows lie a whole row of the constant apart: rows a
    power-of-two stride apart share a few L1 sets, and a panel is fetched
    row by row instead of as one stream. This pass stores such a constant
    as panels, `[d0, ..., N]` -> `[N / NR, d0, ..., NR]` (compile time, a
    new constant), and reads each slice from its panel:

    ```mlir
    %b = tensor.extract_slice %cst[%k, %n] [128, 32] [1, 1]
        : tensor<512x512xf32> to tensor<128x32xf32>
    // becomes, with %p = %n floordiv 32:
    %b = tensor.extract_slice %panels[%p, %k, 0] [1, 128, 32] [1, 1, 1]
        : tensor<16x512x32xf32> to tensor<128x32xf32>
    ```

    A constant is packed only when every use is a chain of unit-stride
    slices ending in slices of one panel width (at least 8) and every
    offset along its last dimension is provably a multiple of that width
    (a constant, or the induction variable of an `scf.for`/`scf.forall`
    whose start and step are): the values read never change, and the
    weights are never kept twice. Other constants are left alone.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def VectorizeTiles : Pass<"mlc-cpu-vectorize-tiles", "mlir::func::FuncOp"> {
  let summary = "Vectorize the register tiles of mlc-cpu-tile-contractions "
                "and keep their accumulators in registers.";
  let description = [{
    Vectorizes every linalg op marked `mlc.cpu.vectorize` (static shapes;
    others keep their loops), folds the tile slices into vector transfers,
    hoists the accumulator tile out of the reduction loops (it becomes a
    loop-carried vector), makes every `mlc.cpu.partial_sum` loop sum from
    zero and add its result to the accumulator after the loop (blocked
    summation, as exact as mlc-cpu-blocked-accumulation), and lowers the
    contractions to outer products: broadcasts and `vector.fma`.

    ```mlir
    scf.for %k ... iter_args(%acc = %c_tile) {
      %0 = linalg.matmul {mlc.cpu.vectorize} ins(...) outs(%acc) -> tensor<6x16xf32>
    // becomes
    %r = scf.for %k ... iter_args(%v = %zero) -> vector<6x16xf32> {
      %a = vector.broadcast ... ; %f = vector.fma %a, %b, %v ... }
    %sum = arith.addf %c_vector, %r : vector<6x16xf32>
    ```
  }];
  let dependentDialects = ["mlir::vector::VectorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // MLC_BACKENDS_CPU_PASSES_TD
