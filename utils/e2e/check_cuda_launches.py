#!/usr/bin/env python3
"""Check that every kernel launch of a CUDA artifact passes what its kernel takes.

    mlc-compile MODEL --target=cuda --emit=llvm -o OUT.ll
    check_cuda_launches.py OUT.ll

Reads the host LLVM IR that `--emit=llvm` writes for --target=cuda: the
embedded PTX (the `@..._binary` constants), the number of `.param`s of each
`.entry`, and each `mgpuLaunchKernel(function, ..., params, extra,
paramsCount)` call with the kernel name its function was looked up by. A
launch whose paramsCount differs from its kernel's parameter count makes the
driver read past the parameter array (CUDA_ERROR_INVALID_VALUE, or garbage
arguments), which ptxas cannot see. Prints one line per kernel and exits 1
on any mismatch or when no launch is found.
"""
import re
import sys


def llvm_string(text):
    """Decodes the body of an LLVM c"..." constant."""
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)),
                  text)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    ir = open(sys.argv[1]).read()
    params = {}
    for blob in re.findall(r'_binary = internal constant \[\d+ x i8\] c"(.*)"',
                           ir):
        ptx = llvm_string(blob)
        for name, body in re.findall(r"\.entry (\w+)\(([^)]*)\)", ptx):
            params[name] = body.count(".param")
    names = dict(re.findall(
        r'(@\w+) = private unnamed_addr constant \[\d+ x i8\] c"(\w+)\\00"', ir))
    functions = dict(re.findall(
        r"(%\w+) = call ptr @mgpuModuleGetFunction\(ptr %\w+, ptr (?:nonnull )?(@\w+)\)",
        ir))
    launches = re.findall(
        r"call void @mgpuLaunchKernel\(ptr (%\w+),.*, i64 (\d+)\)", ir)
    if not launches:
        print("no mgpuLaunchKernel call found")
        return 1
    bad = 0
    for function, count in launches:
        kernel = names.get(functions.get(function, ""), "?")
        expected = params.get(kernel)
        ok = expected == int(count)
        bad += not ok
        print(f"{'ok' if ok else 'MISMATCH'} {kernel}: launch passes {count}, "
              f"kernel takes {expected}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
