//===- Passes.td - Passes shared by MLC backends -----------*- tablegen -*-===//

#ifndef MLC_BACKEND_PASSES_TD
#define MLC_BACKEND_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExposeEntry : Pass<"mlc-expose-entry", "mlir::ModuleOp"> {
  let summary = "Turn the model's tensor function into a destination-passing "
                "entry point and record its ABI.";
  let description = [{
    Rewrites `func.func @main(tensors) -> tensors` into
    `func.func @mlc_entry(input memrefs..., output memrefs...)`: inputs are
    read through `bufferization.to_tensor restrict`, results are written into
    the caller's buffers with `bufferization.materialize_in_destination`, so
    one-shot bufferization computes the outputs in place. The names, element
    types and shapes of inputs and outputs are recorded in the module
    attribute `mlc.abi`, which `mlc-emit-runtime-abi` turns into the C ABI of
    include/mlc/Runtime/mlc_runtime.h.

    ```mlir
    func.func @main(%x: tensor<4xf32> {mlc.name = "x"}) -> (tensor<4xf32> {mlc.name = "y"})
    // becomes
    func.func @mlc_entry(%x: memref<4xf32>, %y: memref<4xf32>)
    ```

    A model with a `?` dimension at its boundary gets the dynamic entry
    instead: each input is (data: `memref<T>`, shape: `memref<Rxi64>`), each
    output (data, shape, capacity: i64); the entry writes every output's
    sizes to its shape buffer and its data when it fits the capacity, and
    `mlc.abi` gets the unit `dynamic`. An input's `mlc.dim_params` (the ONNX
    dim_param of each dimension) is recorded as `dim_params`. A static
    tensor with a size-0 dimension is passed as a `memref<T>` and viewed
    with its shape (bare-pointer lowering has no form for it).
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main\"",
           "Name of the function to expose">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::bufferization::BufferizationDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def EmitRuntimeABI : Pass<"mlc-emit-runtime-abi", "mlir::ModuleOp"> {
  let summary = "Generate the artifact's C ABI functions in the LLVM dialect.";
  let description = [{
    Runs after lowering to the LLVM dialect (with bare-pointer memref calling
    convention). Reads the `mlc.abi` module attribute and emits the functions
    of include/mlc/Runtime/mlc_runtime.h: `mlc_abi_version`,
    `mlc_num_inputs`, `mlc_num_outputs`, `mlc_input_info`, `mlc_output_info`,
    `mlc_context_create`, `mlc_run` (which calls `@mlc_entry` with the data
    pointers), `mlc_run_dynamic`, `mlc_context_destroy` and
    `mlc_last_error`, plus the constant tensor descriptions they return.
    `mlc_run_dynamic` checks the input shapes before the call: static
    dimensions, no negative size, and equal sizes for the dimensions that
    share a `dim_params` name; each failed check stores its own message in
    a thread-local pointer that `mlc_last_error` returns.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // MLC_BACKEND_PASSES_TD
