# lit configuration of the MLC test suite.
import os
import shutil
import subprocess
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "MLC"

# Test tiers (docs/Testing.md, test/lit_tiers.py): quick, e2e, qemu, torch,
# conformance. `lit --param tiers=quick,e2e` discovers only the tests of those
# tiers; without the parameter every tier runs. The format lives in a module
# because lit's worker processes unpickle it by name.
sys.path.insert(0, os.path.dirname(__file__))
import lit_tiers

selected_tiers = lit_config.params.get("tiers", ",".join(lit_tiers.TIERS)).split(",")
unknown_tiers = set(selected_tiers) - set(lit_tiers.TIERS)
if unknown_tiers:
    lit_config.fatal("unknown test tier(s) %s in --param tiers; the tiers are %s"
                     % (",".join(sorted(unknown_tiers)), ",".join(lit_tiers.TIERS)))
config.test_format = lit_tiers.TieredShTest(selected_tiers,
                                            not llvm_config.use_lit_shell)
# lit itself, as this run started it (test/lit-tiers.test runs it again).
config.substitutions.append(
    ("%lit", "%s %s" % (sys.executable, os.path.abspath(sys.argv[0]))))
config.suffixes = [".mlir", ".test", ".onnxtxt"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "lit_tiers.py", "unittests"]
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

# utils/format-check.sh runs git clang-format.
if shutil.which("git") and (shutil.which("git-clang-format-22")
                            or shutil.which("git-clang-format")):
    config.available_features.add("clang-format")
# The Python package mlc was built (it is not without nanobind, nor in a
# sanitized build, which sets -DMLC_ENABLE_PYTHON=OFF).
if os.path.exists(os.path.join(config.mlc_obj_root, "python_packages", "mlc",
                               "__init__.py")):
    config.available_features.add("mlc-python")
# A sanitizer build (-DMLC_SANITIZE=address,undefined or thread): its tools
# hold the sanitizer runtime, so tests of instrumented artifacts can run.
for sanitizer in filter(None, config.mlc_sanitize.split(",")):
    config.available_features.add({"address": "asan", "thread": "tsan",
                                   "undefined": "ubsan"}.get(sanitizer, sanitizer))
# Defaults of the sanitizer runtimes, unless the environment sets them:
# leaks fail a test; a huge allocation returns NULL, as the runtime's
# out-of-memory tests (tools/mlc-run/huge-output, out-of-memory) need,
# instead of ending the process.
sanitizer_defaults = {
    "ASAN_OPTIONS": "detect_leaks=1:allocator_may_return_null=1:"
                    "detect_stack_use_after_return=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}
for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"):
    if name in os.environ:
        config.environment[name] = os.environ[name]
    elif config.mlc_sanitize and name in sanitizer_defaults:
        config.environment[name] = sanitizer_defaults[name]

# Cross-compilation checks need the AArch64 toolchain and qemu.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-qemu")

# The ONNX backend node tests. Debian's copy (libonnx-testdata, installed by
# utils/bootstrap.sh) gates test/conformance/node-tests.test. The copy in the
# venv's onnx package is located without importing onnx (which takes ~1 s);
# a missing one is not a feature: the test then fails, naming the path.
config.substitutions.append(("%mlc_tools_dir", config.mlc_tools_dir))
libonnx_node_tests = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(libonnx_node_tests):
    config.available_features.add("libonnx-testdata")
config.substitutions.append(("%libonnx_node_tests", libonnx_node_tests))
onnx_package = "<onnx not found by %s>" % config.mlc_python
try:
    onnx_package = subprocess.run(
        [config.mlc_python, "-c",
         "import importlib.util; "
         "print(importlib.util.find_spec('onnx').submodule_search_locations[0])"],
        capture_output=True, text=True, check=True).stdout.strip()
except (OSError, subprocess.CalledProcessError):
    pass
config.substitutions.append(
    ("%onnx_pip_node_tests",
     os.path.join(onnx_package, "backend", "test", "data", "node")))

# Debian's torch (python3-torch, installed by utils/bootstrap.sh)
# exports the torchvision and transformer models of test/e2e/torch-models.test.
import subprocess
if os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import torch, torchvision"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("torch")
    config.substitutions.append(("%torch_python", "/usr/bin/python3"))
# Where utils/models/export_torch_models.py --cache keeps its exports: each
# model is exported once per build directory, whichever tests use it.
config.substitutions.append(
    ("%torch_model_cache",
     os.path.join(config.mlc_obj_root, "test", "torch-model-cache")))

# Backend plug-ins: the test plug-ins built into <build>/lib, and what the
# out-of-tree build of backends/npu-example needs (the toolchain of this
# build, and ccache when the build uses it).
config.substitutions.append(("%mlc_lib_dir", config.mlc_lib_dir))
config.substitutions.append(("%mlc_obj_root", config.mlc_obj_root))
config.substitutions.append(("%cmake_exe", config.cmake_command))
plugin_cmake_args = [
    "-G", '"%s"' % config.cmake_generator,
    "-DCMAKE_MAKE_PROGRAM=" + config.cmake_make_program,
    "-DCMAKE_C_COMPILER=" + config.cmake_c_compiler,
    "-DCMAKE_CXX_COMPILER=" + config.cmake_cxx_compiler,
    "-DMLIR_DIR=" + config.mlir_dir,
]
if shutil.which("ccache"):
    plugin_cmake_args += ["-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                          "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
config.substitutions.append(("%plugin_cmake_args", " ".join(plugin_cmake_args)))
config.substitutions.append(("%ninja", config.cmake_make_program))
# The CUDA backend's PTX is checked with the toolkit's ptxas where it is
# installed (/usr/local/cuda, or on PATH); numerical CUDA tests need a GPU
# that the driver reports (libcuda.so.1 loads, cuInit succeeds, a device).
ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas"
    if os.access("/usr/local/cuda/bin/ptxas", os.X_OK) else None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))


def _cuda_gpu_usable():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return (cuda.cuInit(0) == 0 and
                cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and
                count.value > 0)
    except OSError:
        return False


if _cuda_gpu_usable():
    config.available_features.add("cuda-gpu")

# Linking an object of the CPU pipeline by hand: its parallel tile loops call
# libomp (nothing when this build found none and the pipeline stays serial).
openmp_link = ""
if config.mlc_openmp_library and not config.mlc_openmp_library.endswith("-NOTFOUND"):
    openmp_dir = os.path.dirname(config.mlc_openmp_library)
    openmp_link = "-L%s -lomp -Wl,-rpath,%s" % (openmp_dir, openmp_dir)
    config.available_features.add("openmp")
config.substitutions.append(("%openmp_link", openmp_link))

# The host's vector ISA, for tests that run code compiled for a --cpu other
# than the default: host-avx512vnni, host-avx512bf16, host-avxvnni, host-avx2.
def _host_cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


_flags = _host_cpu_flags()
if {"avx512f", "avx512_vnni"} <= _flags:
    config.available_features.add("host-avx512vnni")
if {"avx512f", "avx512_bf16"} <= _flags:
    config.available_features.add("host-avx512bf16")
if "avx_vnni" in _flags:
    config.available_features.add("host-avxvnni")
if {"avx2", "fma"} <= _flags:
    config.available_features.add("host-avx2")

# qemu-user's x86-64 emulator, which runs x86 code as an older CPU
# (-cpu Haswell, -cpu Nehalem): the load-time choice of --cpu=A,B variants.
if shutil.which("qemu-x86_64"):
    config.available_features.add("qemu-x86_64")
