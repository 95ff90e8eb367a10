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

#endif // MLC_BACKENDS_CPU_PASSES_TD
