//===- CUDATranslation.cpp - mlc-translate's PTX emission -----------------===//
//
// `--cuda-emit-ptx` writes the device PTX of a module lowered by
// --mlc-cuda-pipeline; the host object comes from --cpu-emit-object.
//
//===----------------------------------------------------------------------===//

#include "CUDABackend.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace mlc;

void mlc::cuda::registerCUDATranslations() {
  TranslateFromMLIRRegistration(
      "cuda-emit-ptx", "Write the PTX embedded by the CUDA pipeline",
      [](ModuleOp module, llvm::raw_ostream &os) -> LogicalResult {
        BackendRegistry registry;
        registerCUDABackend(registry);
        SmallString<0> buffer;
        llvm::raw_svector_ostream stream(buffer);
        if (failed(registry.lookup("cuda")->serialize(
                module, TargetOptions(), ArtifactKind::Assembly, stream)))
          return failure();
        os << buffer;
        return success();
      },
      [](DialectRegistry &registry) {
        registry.insert<DLTIDialect, LLVM::LLVMDialect, gpu::GPUDialect,
                        NVVM::NVVMDialect>();
        registerCUDADialectExtensions(registry);
      });
}
