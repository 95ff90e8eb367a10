# lit configuration of the MLC test suite.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "MLC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".onnxtxt"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "unittests"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mlc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.mlc_tools_dir, append_path=True)
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"

# Before lit.llvm's own %python, which names the interpreter running lit.
config.substitutions.insert(0, ("%python", config.mlc_python))
config.substitutions.append(("%utils", os.path.join(config.mlc_src_root, "utils")))
config.substitutions.append(("%mlc_src", config.mlc_src_root))

tools = ["mlc-opt", "mlc-translate", "mlc-compile", "mlc-run"]
llvm_config.add_tool_substitutions(tools, [config.mlc_tools_dir])

# Cross-compilation checks need the AArch64 toolchain and qemu.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-qemu")
