//===- Passes.td - Passes of the example NPU backend -------*- tablegen -*-===//

#ifndef NPU_EXAMPLE_PASSES_TD
#define NPU_EXAMPLE_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerPartitions : Pass<"npu-example-lower-partitions", "mlir::ModuleOp"> {
  let summary = "Turn npu-example partitions into calls to the NPU driver.";
  let description = [{
    Every call of a function that `mlc-partition` outlined for npu-example
    (attribute `mlc.backend = "npu-example"`) is replaced by the partition's
    ops as calls to the NPU runtime (runtime/npu_runtime.h): the call's
    tensors become buffers (`bufferization.to_buffer`), each op writes a
    fresh buffer through `npu_conv2d_f32`, `npu_matmul_f32` or
    `npu_relu_f32`, and the results become tensors again
    (`bufferization.to_tensor restrict`), so that the CPU backend's one-shot
    bufferization compiles the module around them. The partition functions
    are then erased.

    ```mlir
    %r = call @npu_example_partition_0(%x) : (tensor<8xf32>) -> tensor<8xf32>
    // becomes
    %b = bufferization.to_buffer %x read_only : tensor<8xf32> to memref<8xf32>
    %o = memref.alloc() : memref<8xf32>
    %bv = memref.reinterpret_cast %b to offset: [0], sizes: [1], strides: [1] : memref<8xf32> to memref<1xf32>
    %ov = memref.reinterpret_cast %o to offset: [0], sizes: [1], strides: [1] : memref<8xf32> to memref<1xf32>
    call @npu_relu_f32(%bv, %ov, %c8) : (memref<1xf32>, memref<1xf32>, i64) -> ()
    %r = bufferization.to_tensor %o restrict writable : memref<8xf32> to tensor<8xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::func::FuncDialect", "mlir::memref::MemRefDialect"
  ];
}

#endif // NPU_EXAMPLE_PASSES_TD
