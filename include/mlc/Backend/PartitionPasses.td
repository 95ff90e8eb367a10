//===- PartitionPasses.td - Partitioning a model between backends -*- tablegen -*-===//
//
// Kept apart from Passes.td: these passes ask a backend of the tool's
// BackendRegistry (which may come from a plug-in), so they are registered by
// mlc::registerPartitionPasses(registry) rather than by a registry-free
// group registration.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_BACKEND_PARTITIONPASSES_TD
#define MLC_BACKEND_PARTITIONPASSES_TD

include "mlir/Pass/PassBase.td"

def Partition : Pass<"mlc-partition", "mlir::ModuleOp"> {
  let summary = "Outline the ops a backend claims into functions tagged with "
                "the backend; leave the rest to the CPU backend.";
  let description = [{
    Asks the backend named by `backend` (`Backend::getOpSupport`) about every
    op of every function (constants excepted: they stay where they are and
    become operands of the partitions that use them). Connected claimed ops
    are grouped into partitions, as large as possible without creating a
    cycle through an op that stays behind (a partition runs as one call, so
    nothing outside it may need one of its results before it ends). Each
    partition is outlined into a private function tagged
    `mlc.backend = "<backend>"` and replaced by a `func.call`; unclaimed ops
    stay in place for the CPU backend. A backend whose lowering input is
    `Partitions` then lowers the tagged functions.

    ```mlir
    %c = mlc.conv2d %x, %w : ...      // claimed
    %r = mlc.relu %c : ...            // claimed
    %s = mlc.softmax %r : ...         // not claimed
    // becomes
    %r = call @npu_example_partition_0(%x, %w) : ...
    %s = mlc.softmax %r : ...
    func.func private @npu_example_partition_0(...) attributes {mlc.backend = "npu-example"} {
      %c = mlc.conv2d ...
      %r = mlc.relu %c ...
      return %r ...
    }
    ```
  }];
  let options = [
    Option<"backend", "backend", "std::string", "\"\"",
           "Name of the backend that claims ops (required)">
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def PrintPartition : Pass<"mlc-print-partition", "mlir::ModuleOp"> {
  let summary = "Print which backend each op goes to, and why.";
  let description = [{
    Computes the partitioning `mlc-partition` would make for `backend` and
    prints it to stderr without changing the module: one line per op (its
    ONNX node name when it has one) with the backend that gets it, the
    partition number, and the backend's reason for claiming or leaving it;
    then one line per partition. `mlc-compile --mlc-print-partition` runs it.

    ```
    mlc-partition: @main for backend 'npu-example', fallback 'cpu'
      mlc.conv2d 'conv' -> npu-example (partition 0): f32 NCHW convolution
      mlc.relu 'relu' -> npu-example (partition 0): f32 relu
      mlc.softmax 'softmax' -> cpu: npu-example has no mlc.softmax
      partition 0: ops 2, inputs 3, outputs 1
    ```
  }];
  let options = [
    Option<"backend", "backend", "std::string", "\"\"",
           "Name of the backend that claims ops (required)">,
    Option<"fallback", "fallback", "std::string", "\"cpu\"",
           "Name of the backend printed for the ops left behind">
  ];
}

#endif // MLC_BACKEND_PARTITIONPASSES_TD
