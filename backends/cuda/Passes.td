//===- Passes.td - Passes of the CUDA backend --------------*- tablegen -*-===//

#ifndef MLC_BACKENDS_CUDA_PASSES_TD
#define MLC_BACKENDS_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def ContractionToMMA : Pass<"mlc-cuda-contraction-to-mma", "mlir::func::FuncOp"> {
  let summary = "Rewrite f32 contractions and NHWC convolutions into "
                "f16 x f16 -> f32 matmuls padded to the Tensor Core tile.";
  let description = [{
    Every `linalg.matmul`, `linalg.batch_matmul` and
    `linalg.conv_2d_nhwc_fhwc` on static f32 tensors becomes a
    `linalg.matmul` or `linalg.batch_matmul` whose operands are f16 (or
    bf16, by option) copies padded with zeros to multiples of 16, and whose
    accumulator stays f32: the shape `mlc-cuda-mma-to-gpu` maps onto
    Tensor Core MMA. A convolution is lowered as a GEMM over an im2col
    matrix (M = N*OH*OW, K = KH*KW*C, N = F) that one `linalg.generic`
    gathers, converts and pads in a single pass; its accumulator is the
    convolution's init (bias, fill) gathered as M x F. Other contractions
    (a `linalg.generic` with a multiply-add body, as attention's batched
    and broadcast matmuls) have their batch, M, N and K loops each
    flattened into one dimension. The result is gathered back into the
    original shape (gathers rather than reshapes, which elementwise fusion
    would propagate into the matmul).

    8-bit contractions with i32 accumulation (static i8 inputs each
    extended to i32 in the body: the packed int8 GEMM `linalg.generic` of
    mlc-lower-quant's integer layers) become `i8 x i8 -> i32` matmuls with
    M, N padded to 16 and K to 32 (mma.sync m16n8k32). A zero-extended
    (unsigned) A operand is fed as the signed a - 128 (top bit flipped in
    the gather) and the accumulator gets 128 * sum_k B[k, n]; a
    zero-extended B operand is not handled (left as it is). Likewise an
    i32 `linalg.conv_2d_nhwc_fhwc` whose input is widened from i8 (extsi /
    extui, seen through transposes) and whose filter is a constant within
    int8 (mlc-lower-quant's convolutions in NHWC) becomes an i8 im2col GEMM.

    ```mlir
    %r = linalg.matmul ins(%a, %b : tensor<20x30xf32>, tensor<30x40xf32>)
                       outs(%c : tensor<20x40xf32>) -> tensor<20x40xf32>
    // becomes
    %a16 = linalg.generic ... -> tensor<32x32xf16>   // pad + convert
    %b16 = linalg.generic ... -> tensor<32x48xf16>
    %c32 = linalg.generic ... -> tensor<32x48xf32>
    %m = linalg.matmul ins(%a16, %b16) outs(%c32) -> tensor<32x48xf32>
    %r = linalg.generic ... -> tensor<20x40xf32>      // gathered back
    ```
  }];
  let options = [
    Option<"elementType", "element-type", "std::string", "\"f16\"",
           "Tensor Core input type: f16 or bf16">
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def MMAToGPU : Pass<"mlc-cuda-mma-to-gpu", "mlir::func::FuncOp"> {
  let summary = "Map f16 x f16 -> f32 matmuls on memrefs onto warp-level "
                "Tensor Core MMA kernels.";
  let description = [{
    After bufferization, each `linalg.matmul` / `linalg.batch_matmul` on
    identity-layout memrefs with f16 (or bf16) inputs, an f32 accumulator
    and dimensions that are multiples of 16 becomes a `gpu.launch`: one
    warp per 16x16 output tile (grid M/16 x N/16 x batch), which loads the
    accumulator, walks K in steps of 16 with
    `gpu.subgroup_mma_load_matrix` / `gpu.subgroup_mma_compute` (WMMA
    m16n16k16 on the Tensor Cores) and stores the tile back. When M and N
    are multiples of 64, a block of four warps computes a 64x64 tile
    instead, staging each 64x16 A tile and 16x64 B tile in workgroup
    memory with asynchronous copies (`nvgpu.device_async_copy`, i.e.
    `cp.async`, sm_80 and up) before the warps read their fragments from
    there.

    bf16 x bf16 -> f32 matmuls (which the gpu dialect's WMMA ops cannot
    take) and i8 x i8 -> i32 ones (K a multiple of 32), and f16 ones with
    `mma-sync=1`, become the warp-level `mma.sync` kernel instead
    (MMASyncGEMM.cpp): 64x64 block tiles of four warps, each warp 2 x 4
    MMA tiles of m16n8k16 (16-bit) or m16n8k32 (8-bit), A/B tiles staged
    with `cp.async`, fragments read per lane from workgroup memory;
    `nvgpu.mma.sync` for f16 and i8, `nvvm.mma.sync` for bf16. M and N need
    only be multiples of 16 (edge blocks are masked).
    Other matmuls are left alone (they become ordinary kernels).

    ```mlir
    linalg.matmul ins(%a, %b : memref<32x64xf16>, memref<64x48xf16>)
                  outs(%c : memref<32x48xf32>)
    // becomes
    gpu.launch blocks(3, 2, 1) threads(32, 1, 1) {
      %acc = gpu.subgroup_mma_load_matrix %c[...]
      scf.for %k ... { subgroup_mma_load_matrix / subgroup_mma_compute }
      gpu.subgroup_mma_store_matrix ...
    }
    ```
  }];
  let options = [
    Option<"sm", "sm", "unsigned", "80",
           "SM version; 90 maps large 2-D matmuls onto the TMA + wgmma kernel">,
    Option<"mmaSync", "mma-sync", "bool", "false",
           "Map f16 matmuls onto the mma.sync kernel instead of WMMA (bf16 "
           "and i8 ones always use it)">
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::NVVM::NVVMDialect",
                           "mlir::nvgpu::NVGPUDialect"];
}

def ParallelDimsFirst : Pass<"mlc-cuda-parallel-dims-first", "mlir::func::FuncOp"> {
  let summary = "Interchange linalg.generic loops so that all parallel "
                "iterators come before the reductions.";
  let description = [{
    `convert-linalg-to-parallel-loops` turns only the outermost parallel
    iterators into `scf.parallel`, which `mlc-cuda-map-to-gpu` maps onto
    threads; a generic whose reduction comes before a parallel dimension
    (a global average pool over NHWC) would otherwise run in one thread.

    ```mlir
    linalg.generic {iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ...
    // becomes
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ...
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CopyToLinalg : Pass<"mlc-cuda-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy into linalg.copy so that copies run "
                "as GPU kernels.";
  let description = [{
    All buffers of a CUDA model live in device memory, where the host
    cannot copy; `linalg.copy` becomes a parallel loop and then a kernel.

    ```mlir
    memref.copy %a, %b : memref<4xf32> to memref<4xf32, strided<[1], offset: 2>>
    // becomes
    linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32, strided<[1], offset: 2>>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def MapToGPU : Pass<"mlc-cuda-map-to-gpu", "mlir::func::FuncOp"> {
  let summary = "Put every buffer in device memory and every loop nest in "
                "a GPU kernel.";
  let description = [{
    Runs on a bufferized function after `convert-linalg-to-parallel-loops`:
    - `memref.alloc` / `memref.dealloc` become `gpu.alloc` / `gpu.dealloc`;
    - each top-level `scf.parallel` becomes a `gpu.launch` with one thread
      per point of its (flattened) iteration space, 256 threads a block;
      reduction loops nested in it run inside each thread;
    - any other top-level op that touches memory (a sequential loop, a
      load or store) is wrapped in a single-thread `gpu.launch`,
    so that the host only allocates and launches.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) { ... }
    // becomes
    gpu.launch blocks(2, 1, 1) threads(256, 1, 1) {
      %id = block_id * 256 + thread_id
      scf.if %id < 400 { %i = %id / 100; %j = %id % 100; ... }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block of the elementwise kernels">
  ];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def HostEntry : Pass<"mlc-cuda-host-entry", "mlir::ModuleOp"> {
  let summary = "Wrap the device entry point in one that takes host buffers.";
  let description = [{
    Renames `@mlc_entry` (whose buffers are device memory after
    `mlc-cuda-map-to-gpu`) to `@mlc_entry_device` and adds a new
    `@mlc_entry` with the same signature that copies each input to a
    device buffer, calls the device entry and copies each output back.

    ```mlir
    func.func @mlc_entry(%x: memref<4xf32>, %y: memref<4xf32>) {
      %dx = gpu.alloc() : memref<4xf32>
      gpu.memcpy %dx, %x : memref<4xf32>, memref<4xf32>
      ...
      call @mlc_entry_device(%dx, %dy)
      gpu.memcpy %y, %dy : memref<4xf32>, memref<4xf32>
    }
    ```
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect", "mlir::func::FuncDialect"];
}

def MergeGPUModules : Pass<"mlc-cuda-merge-gpu-modules", "mlir::ModuleOp"> {
  let summary = "Move all outlined kernels into one gpu.module.";
  let description = [{
    `gpu-kernel-outlining` puts each kernel in a `gpu.module` of its own;
    one module gives one PTX image for the artifact (and for
    `--emit=asm`), loaded once. Kernels keep their (unique) names; launches
    are redirected to the first module.

    ```mlir
    gpu.module @k0 { gpu.func @k0 ... }  gpu.module @k1 { gpu.func @k1 ... }
    // becomes
    gpu.module @k0 { gpu.func @k0 ... gpu.func @k1 ... }
    ```
  }];
}

def LowerWarpgroupKernels : Pass<"mlc-cuda-lower-warpgroup-kernels",
                                  "mlir::gpu::GPUModuleOp"> {
  let summary = "Lower nvgpu to NVVM early, in the kernels that use "
                "warpgroup MMA only.";
  let description = [{
    The Hopper GEMM kernel carries its `!nvgpu.warpgroup.accumulator`
    values through an `scf.for`; `convert-nvgpu-to-nvvm` must turn them
    into LLVM structs (with the loop's types) before `convert-scf-to-cf`
    makes the loop blocks. That conversion also makes every other
    `scf.for` of the kernels it runs on legal only with LLVM types, which
    the WMMA kernels' `!gpu.mma_matrix` loop values are not (they are
    converted later by `convert-gpu-to-nvvm`). This pass runs
    `convert-nvgpu-to-nvvm` on each `gpu.func` that holds an
    `nvgpu.warpgroup.*` op and leaves the other kernels to the late
    conversion, so one module can hold both kinds of kernel.

    ```mlir
    gpu.module @k {
      gpu.func @hopper(...) kernel { scf.for ... iter_args(%acc = ...) -> (!nvgpu.warpgroup.accumulator<...>) }
      gpu.func @wmma(...) kernel { scf.for ... -> (!gpu.mma_matrix<16x16xf32, "COp">) }
    }
    // becomes: @hopper's nvgpu ops and loop types lowered to NVVM / LLVM
    // structs; @wmma unchanged.
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::NVVM::NVVMDialect"];
}

def ApproximateMath : Pass<"mlc-cuda-approximate-math"> {
  let summary = "Expand and approximate math functions with arith ops, so "
                "that kernels need no libdevice.";
  let description = [{
    `convert-gpu-to-nvvm` turns `math.exp`, `math.tanh`, `math.erf`, ...
    into calls to libdevice's `__nv_*` functions, which only exist where
    the CUDA toolkit is installed. This pass rewrites them first with
    upstream's expansions (tanh via exp, powf via exp/log, ...) and
    polynomial approximations (exp, log, tanh, erf, sin, cos, ...), as
    the CPU path does with libm, so that the PTX is self-contained.
    What is left (sqrt, fabs, floor, ceil, trunc, roundeven, fma) becomes
    `llvm.call_intrinsic` of the generic LLVM intrinsics, which NVPTX
    selects as PTX instructions.

    ```mlir
    %y = math.exp %x : f32
    // becomes arith ops: range reduction, a polynomial, exponent bits
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::LLVM::LLVMDialect"];
}

def AlignWorkgroupMemory : Pass<"mlc-cuda-align-workgroup-memory"> {
  let summary = "Align workgroup (shared) memory buffers to 32 bytes, the "
                "dynamic one to 1024 and external.";
  let description = [{
    `convert-gpu-to-nvvm` gives a kernel's workgroup buffers the alignment
    of their element type, but `wmma.load` needs 32-byte aligned addresses
    and `cp.async` 16-byte ones. Runs on the LLVM dialect and raises the
    alignment of every global in address space 3 to 32. The dynamic
    shared memory (`gpu.dynamic_shared_memory`, a zero-length array) is
    aligned to 1024 (128-byte swizzled TMA boxes) and made external:
    with the internal linkage `convert-gpu-to-nvvm` gives it, the PTX
    declares a one-byte static `.shared` variable that ptxas places
    among the static ones (under the mbarriers), instead of an
    `.extern .shared` array at the start of the dynamic region.

    ```mlir
    llvm.mlir.global internal @__wg_k_0() {addr_space = 3 : i32, alignment = 2 : i64} : !llvm.array<1024 x f16>
    // becomes ... alignment = 32 ...
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
    // becomes
    llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 1024 : i64} : !llvm.array<0 x i8>
    ```
  }];
}

def DeviceConstants : Pass<"mlc-cuda-device-constants", "mlir::ModuleOp"> {
  let summary = "Make host code pass device copies of the weights to kernels.";
  let description = [{
    Runs on the LLVM dialect. In host functions, every address of a
    constant global (a model weight lowered from `memref.global`) is
    replaced by a call to the CUDA runtime's
    `mlc_cuda_device_constant(host pointer, size)`, which uploads the
    weight to device memory once per context and returns the device
    address.

    ```mlir
    %p = llvm.mlir.addressof @__constant_4xf32 : !llvm.ptr
    // becomes
    %h = llvm.mlir.addressof @__constant_4xf32 : !llvm.ptr
    %p = llvm.call @mlc_cuda_device_constant(%h, %c16) : (!llvm.ptr, i64) -> !llvm.ptr
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def RenameRuntimeABI : Pass<"mlc-cuda-rename-runtime-abi", "mlir::ModuleOp"> {
  let summary = "Hand the generated context and run functions to the CUDA "
                "runtime library.";
  let description = [{
    Runs after `mlc-emit-runtime-abi`: renames `mlc_context_create`,
    `mlc_context_destroy` and `mlc_run` to `mlc_cuda_model_*`. The CUDA
    runtime linked into the artifact defines the public functions: they
    load the driver, create the CUDA context and its memory pool, and call
    the generated ones, reporting `MLC_ERROR_NO_DEVICE` when no GPU is
    usable.
  }];
}

#endif // MLC_BACKENDS_CUDA_PASSES_TD
