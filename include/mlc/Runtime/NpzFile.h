//===- NpzFile.h - Reading numpy .npz archives ------------------*- C++ -*-===//
//
// An .npz file (numpy.savez) is a zip archive of .npy arrays, one member
// per array, named `<key>.npy`. Calibration data takes one per sample.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_RUNTIME_NPZFILE_H
#define MLC_RUNTIME_NPZFILE_H

#include "mlc/Runtime/TensorIO.h"

#include "llvm/Support/Error.h"

#include <string>
#include <utility>
#include <vector>

namespace mlc {

/// Reads the arrays of the .npz archive at `path`, in archive order, each
/// with its key (the member name without `.npy`). Members must be stored
/// (numpy.savez); a compressed member (numpy.savez_compressed) is an error
/// that says so, as are a truncated or non-zip file and a member that is
/// not a .npy array.
llvm::Expected<std::vector<std::pair<std::string, HostTensor>>>
readNpzFile(llvm::StringRef path);

} // namespace mlc

#endif // MLC_RUNTIME_NPZFILE_H
