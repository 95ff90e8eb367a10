# The example of docs/Python.md runs as printed (it compares with
# onnxruntime itself).
# RUN: rm -rf %t && mkdir -p %t && cd %t
# RUN: %python %S/Inputs/run_doc_example.py %mlc_src/docs/Python.md quickstart | FileCheck %s
# CHECK: NodeArg(name='x', shape=['batch', 4], type='tensor(float)', dtype='float32')
# CHECK: input 'x': expected shape [-1,4], got [2,5]
# CHECK: 'runs': 50
# CHECK: PASS
