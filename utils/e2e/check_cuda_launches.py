#!/usr/bin/env python3
"""Check that every kernel launch of a CUDA artifact matches its kernel.

    mlc-compile MODEL --target=cuda --emit=llvm -o OUT.ll
    check_cuda_launches.py OUT.ll [--ptxas PATH]

Reads the host LLVM IR that `--emit=llvm` writes for --target=cuda: the
embedded PTX (the `@..._binary` constants) and each `mgpuLaunchKernel(
function, grid, block, smem, stream, params, extra, paramsCount)` call with
the kernel name its function was looked up by, and checks what ptxas
cannot see, each of which fails the launch (or corrupts it) on a GPU:

  params   paramsCount equals the kernel's number of `.param`s;
  block    at most 1024 threads, at most the kernel's `.maxntid` /
           exactly its `.reqntid`; whole warpgroups (multiples of 128
           threads) for kernels with wgmma or setmaxnreg;
  grid     x < 2^31, y and z <= 65535;
  smem     dynamic shared memory is passed exactly to the kernels that
           declare an `.extern .shared` array (the dynamic region);
  tma      each `mgpuTensorMapEncodeTiledMemref` (cuTensorMapEncodeTiled)
           has rank 1..5, box sizes 1..256, an inner box row of a multiple
           of 16 bytes that fits the swizzle span (32/64/128 bytes);
  ptxas    with --ptxas: the PTX assembled for its `.target`; static plus
           dynamic shared memory within the SM's opt-in limit (227 KiB on
           sm_90, 163 KiB on sm_80, 99 KiB on sm_86/89) and registers x
           threads within the 64K registers of an SM.

Prints one line per launch and descriptor; exits 1 on any mismatch or when
no launch is found.
"""
import argparse
import re
import subprocess
import sys
import tempfile

# Shared memory a block may opt in to (cudaFuncAttributeMaxDynamicShared-
# MemorySize plus static), per SM version.
SMEM_LIMIT = {80: 163 * 1024, 86: 99 * 1024, 87: 163 * 1024, 89: 99 * 1024,
              90: 227 * 1024}
REGISTERS_PER_SM = 65536
# Bytes per element by CUtensorMapDataType; swizzle span by CUtensorMapSwizzle.
TMA_ELEMENT_BYTES = [1, 2, 4, 4, 8, 8, 2, 4, 8, 2, 4, 4, 4]
TMA_SWIZZLE_BYTES = {0: None, 1: 32, 2: 64, 3: 128}


def llvm_string(text):
    """Decodes the body of an LLVM c"..." constant."""
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)),
                  text)


def parse_kernels(ptx):
    """name -> {params, maxntid, reqntid, dynamic, warpgroup}."""
    externs = re.findall(r"\.extern \.shared [^;]*?(\w+)\[\]", ptx)
    kernels = {}
    for match in re.finditer(r"\.entry (\w+)\(([^)]*)\)", ptx):
        name, params = match.group(1), match.group(2)
        # The body: up to the next kernel (functions in between are rare
        # and only widen the text searched).
        following = ptx.find(".entry ", match.end())
        body = ptx[match.end():following if following >= 0 else len(ptx)]
        dims = {}
        for kind in ("maxntid", "reqntid"):
            found = re.search(rf"\.{kind} (\d+), (\d+), (\d+)", body)
            if found:
                dims[kind] = [int(x) for x in found.groups()]
        kernels[name] = {
            "params": params.count(".param"),
            "maxntid": dims.get("maxntid"),
            "reqntid": dims.get("reqntid"),
            "dynamic": any(re.search(rf"\b{e}\b", body) for e in externs),
            "warpgroup": "wgmma." in body or "setmaxnreg." in body,
        }
    return kernels


def ptxas_usage(ptxas, ptx, arch):
    """name -> (registers, static shared bytes) from `ptxas -v`."""
    with tempfile.TemporaryDirectory() as tmp:
        src = f"{tmp}/k.ptx"
        open(src, "w").write(ptx)
        result = subprocess.run([ptxas, f"-arch={arch}", "-v", src, "-o",
                                 f"{tmp}/k.cubin"], capture_output=True,
                                text=True)
    if result.returncode != 0:
        sys.exit(f"ptxas failed:\n{result.stderr}")
    usage, current = {}, None
    for line in result.stderr.splitlines():
        found = re.search(r"Function properties for (\w+)", line)
        if found:
            current = found.group(1)
        found = re.search(r"Used (\d+) registers(.*)", line)
        if found and current:
            smem = re.search(r"(\d+) bytes smem", found.group(2))
            usage[current] = (int(found.group(1)),
                              int(smem.group(1)) if smem else 0)
    return usage


def tma_boxes(ir):
    """(rank, dataType, interleave, swizzle, box dims) of each descriptor
    the host makes."""
    call = re.compile(
        r"call ptr @mgpuTensorMapEncodeTiledMemref\(i64 (\d+), ptr [^,]*, "
        r"i64 (\d+), i64 (\d+), i64 (\d+), i64 \d+, i64 \d+, "
        r"ptr (?:nonnull )?(%[\w.]+)\)")
    result = []
    for match in call.finditer(ir):
        rank, dtype, interleave, swizzle, box = match.groups()
        rank = int(rank)
        # The box sizes are stored into an alloca just before the call:
        # element 0 at the alloca, element i at a GEP of 8 * i bytes (the
        # nearest definitions before the call are those of its function).
        before = ir[:match.start()]

        def stored(slot):
            found = re.findall(rf"store i64 (\d+), ptr {re.escape(slot)},", before)
            return int(found[-1]) if found else None

        dims = []
        for i in range(rank):
            slot = box
            if i:
                geps = re.findall(
                    rf"(%[\w.]+) = getelementptr inbounds (?:nuw )?i8, ptr "
                    rf"{re.escape(box)}, i64 {8 * i}\b", before)
                slot = geps[-1] if geps else None
            dims.append(stored(slot) if slot else None)
        # Stored outermost first, like the memref's dimensions.
        result.append((rank, int(dtype), int(interleave), int(swizzle), dims))
    return result


def check_tma(rank, dtype, interleave, swizzle, dims):
    if not 1 <= rank <= 5 or not 0 <= dtype < len(TMA_ELEMENT_BYTES):
        return f"rank {rank} / data type {dtype} out of range"
    if None in dims:
        return None  # Dynamic box sizes: nothing to check here.
    if any(not 1 <= d <= 256 for d in dims):
        return f"box {dims}: each size must be 1..256"
    inner = dims[-1] * TMA_ELEMENT_BYTES[dtype]
    if inner % 16:
        return f"box {dims}: inner row of {inner} bytes, not a multiple of 16"
    span = TMA_SWIZZLE_BYTES.get(swizzle)
    if interleave == 0 and span and inner > span:
        return f"box {dims}: inner row of {inner} bytes exceeds the {span}-byte swizzle"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ir", help="host LLVM IR of --emit=llvm")
    parser.add_argument("--ptxas", help="ptxas to assemble the PTX with "
                        "(resource checks)")
    args = parser.parse_args()
    ir = open(args.ir).read()
    kernels, usage, sm = {}, {}, None
    for blob in re.findall(r'_binary = internal constant \[\d+ x i8\] c"(.*)"',
                           ir):
        ptx = llvm_string(blob).rstrip("\0")
        kernels.update(parse_kernels(ptx))
        target = re.search(r"\.target (sm_(\d+)a?)", ptx)
        if target:
            sm = int(target.group(2))
            if args.ptxas:
                usage.update(ptxas_usage(args.ptxas, ptx, target.group(1)))
    names = dict(re.findall(
        r'(@\w+) = private unnamed_addr constant \[\d+ x i8\] c"(\w+)\\00"', ir))
    functions = dict(re.findall(
        r"(%\w+) = call ptr @mgpuModuleGetFunction\(ptr %\w+, ptr (?:nonnull )?(@\w+)\)",
        ir))
    value = r"i64 (%?\w+)"
    launches = re.findall(
        r"call void @mgpuLaunchKernel\(ptr (%\w+), " + ", ".join([value] * 6) +
        r", i32 (%?\w+),.*, i64 (\d+)\)", ir)
    if not launches:
        print("no mgpuLaunchKernel call found")
        return 1
    bad = 0
    for function, *dims, smem, count in launches:
        kernel = names.get(functions.get(function, ""), "?")
        info = kernels.get(kernel)
        problems = []
        if info is None:
            problems.append("no such kernel in the PTX")
            info = {"params": None}
        elif info["params"] != int(count):
            problems.append(f"passes {count} parameters, kernel takes "
                            f"{info['params']}")
        grid = [int(d) if d.isdigit() else None for d in dims[:3]]
        block = [int(d) if d.isdigit() else None for d in dims[3:]]
        dynamic = int(smem) if smem.isdigit() else None
        threads = None
        if None not in block:
            threads = block[0] * block[1] * block[2]
            if threads > 1024:
                problems.append(f"block of {threads} threads")
            if info.get("reqntid") and block != info["reqntid"]:
                problems.append(f"block {block}, kernel requires {info['reqntid']}")
            limit = info.get("maxntid")
            if limit and threads > limit[0] * limit[1] * limit[2]:
                problems.append(f"block {block} exceeds .maxntid {limit}")
            if info.get("warpgroup") and threads % 128:
                problems.append(f"block of {threads} threads: not whole warpgroups")
        if grid[0] is not None and grid[0] >= 2 ** 31:
            problems.append(f"grid x {grid[0]}")
        if any(g is not None and g > 65535 for g in grid[1:]):
            problems.append(f"grid y/z {grid[1:]}")
        if dynamic is not None and "dynamic" in info:
            if dynamic > 0 and not info["dynamic"]:
                problems.append(f"{dynamic} bytes of dynamic shared memory, "
                                "kernel has no .extern .shared array")
            if dynamic == 0 and info["dynamic"]:
                problems.append("kernel uses dynamic shared memory, launch passes none")
        if kernel in usage and dynamic is not None and sm in SMEM_LIMIT:
            registers, static = usage[kernel]
            if static + dynamic > SMEM_LIMIT[sm]:
                problems.append(f"{static} + {dynamic} bytes of shared memory "
                                f"exceed sm_{sm}'s {SMEM_LIMIT[sm]}")
            if threads and registers * threads > REGISTERS_PER_SM:
                problems.append(f"{registers} registers x {threads} threads")
        bad += bool(problems)
        print(f"{'MISMATCH' if problems else 'ok'} {kernel}: launch passes "
              f"{count}, kernel takes {info['params']}; grid {grid}, block "
              f"{block}, {smem} bytes dynamic shared memory"
              + ("".join(f"; {p}" for p in problems)))
    for rank, dtype, interleave, swizzle, box in tma_boxes(ir):
        problem = check_tma(rank, dtype, interleave, swizzle, box)
        bad += bool(problem)
        print(f"{'MISMATCH' if problem else 'ok'} TMA descriptor: rank {rank}, "
              f"data type {dtype}, swizzle {swizzle}, box {box}"
              + (f"; {problem}" if problem else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
