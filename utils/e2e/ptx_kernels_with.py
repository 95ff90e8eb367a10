#!/usr/bin/env python3
"""Count the kernels (`.entry`s) of a PTX file whose body contains a string.

    ptx_kernels_with.py FILE.ptx wmma.mma.sync

Prints the count. Counting kernels rather than instructions keeps lit
checks of "how many GEMMs run on the Tensor Cores" independent of how far
LLVM unrolls each kernel's loops.
"""
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    text = open(sys.argv[1]).read()
    kernels = text.split(".entry ")[1:]
    print(sum(sys.argv[2] in kernel for kernel in kernels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
