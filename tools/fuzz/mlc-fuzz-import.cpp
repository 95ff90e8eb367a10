//===- mlc-fuzz-import.cpp - libFuzzer target: the ONNX importer ----------===//
//
// Bytes -> ModelProto -> mlc module -> verifier (importONNXModel verifies
// what it built). Any input must give a module or a diagnostic; a crash,
// sanitizer report, leak or hang is a bug. utils/fuzz/README.md runs it.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "mlc/Import/ONNX/ONNXImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlc::fuzz::FuzzContext context;
  // Inside a directory of its own, so that external-data paths of a fuzzed
  // model resolve under it (utils/fuzz/run.sh starts the target there).
  (void)mlc::importONNXModel(
      context.get(),
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx");
  return 0;
}
