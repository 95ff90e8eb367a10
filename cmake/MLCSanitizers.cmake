# Sanitizer and fuzzer builds of MLC's own code (utils/sanitize/README.md,
# utils/fuzz/README.md).
#
#   -DMLC_SANITIZE=address,undefined   ASan + UBSan
#   -DMLC_SANITIZE=thread              TSan
#   -DMLC_ENABLE_FUZZERS=ON            libFuzzer targets in tools/fuzz (clang;
#                                      with MLC_SANITIZE=address,undefined)
#
# Only MLC's code is instrumented: Debian's libLLVM.so, libMLIR.so and
# libprotobuf are not (their bugs stay invisible, their calls are intercepted
# as usual). The sanitizer runtime is linked into executables only; shared
# libraries (plug-ins, the Python module, compiled artifacts) take it from
# the process that loads them, so they are linked without -z defs.
#
# Artifacts are instrumented separately, by `mlc-compile --sanitize=...`
# (TargetOptions::sanitize): the generated code is LLVM IR, not C.

set(MLC_SANITIZE "" CACHE STRING
    "Comma-separated -fsanitize= list for MLC's own code: address,undefined or thread")
option(MLC_ENABLE_FUZZERS
       "Build the libFuzzer targets of tools/fuzz (needs clang and MLC_SANITIZE=address,undefined)"
       OFF)

if(MLC_ENABLE_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MLC_ENABLE_FUZZERS needs clang (libFuzzer)")
  endif()
  if(NOT MLC_SANITIZE MATCHES "address")
    message(FATAL_ERROR "MLC_ENABLE_FUZZERS needs MLC_SANITIZE=address,undefined: "
                        "a fuzzer without ASan misses most memory errors")
  endif()
endif()

if(MLC_SANITIZE)
  string(REPLACE "," ";" _mlc_sanitizers "${MLC_SANITIZE}")
  foreach(_sanitizer ${_mlc_sanitizers})
    if(NOT _sanitizer MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "MLC_SANITIZE: unsupported sanitizer '${_sanitizer}' "
                          "(expected address, undefined, leak or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _mlc_sanitizers AND "address" IN_LIST _mlc_sanitizers)
    message(FATAL_ERROR "MLC_SANITIZE: thread and address cannot be combined")
  endif()
  # Every report stops the process with a non-zero exit, so a lit test or a
  # fuzzer sees it; frame pointers and line tables make the reports readable.
  # -O1 (after the build type's -O3, so it wins): instrumented code compiles
  # about twice as fast on a 2-core machine and still runs at a usable
  # speed; LLVM's own sanitizer builds do the same.
  set(MLC_SANITIZE_OPT "-O1" CACHE STRING
      "Optimization flag of sanitized MLC code (after the build type's)")
  # The line tables name the compiler's working directory (the build
  # directory), and ccache hashes it into the key of every object with debug
  # info: without the map, a checkout at another path (CI's fresh clone, a
  # worktree) gets no cache hit at all and rebuilds for ~45 min. With it, the
  # source tree reads as `.` and hits carry across checkouts.
  add_compile_options(-fsanitize=${MLC_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -gline-tables-only
                      -fdebug-prefix-map=${CMAKE_SOURCE_DIR}=.
                      ${MLC_SANITIZE_OPT})
  add_link_options(-fsanitize=${MLC_SANITIZE})
  # HandleLLVMOptions adds -z defs for shared libraries; theirs is the
  # executable's sanitizer runtime.
  string(REPLACE "-Wl,-z,defs" "" CMAKE_SHARED_LINKER_FLAGS
         "${CMAKE_SHARED_LINKER_FLAGS}")
  message(STATUS "MLC sanitizers: ${MLC_SANITIZE}")
endif()

if(MLC_ENABLE_FUZZERS)
  # Coverage feedback from all of MLC's code; the fuzz targets alone link
  # libFuzzer's main (-fsanitize=fuzzer).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
