//===- MLCDialect.td - The mlc dialect ---------------------*- tablegen -*-===//
//
// The `mlc` dialect: tensor-level, value-semantic ML graph operations that the
// ONNX importer produces and the graph passes rewrite.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCDIALECT_TD
#define MLC_DIALECT_MLC_IR_MLCDIALECT_TD

include "mlir/IR/OpBase.td"

def MLC_Dialect : Dialect {
  let name = "mlc";
  let cppNamespace = "::mlc";
  let summary = "Tensor-level ML graph operations of the MLC compiler.";
  let description = [{
    The `mlc` dialect holds the operations of an ML model graph as imported
    from ONNX: value semantics on ranked tensors, NCHW layout for spatial
    operations unless an op says otherwise, numpy-style broadcasting for
    elementwise operations. Result types are inferred from operand types and
    attributes, so every op verifies its own shape arithmetic.
  }];
  let hasConstantMaterializer = 1;
}

class MLC_Op<string mnemonic, list<Trait> traits = []>
    : Op<MLC_Dialect, mnemonic, traits>;

#endif // MLC_DIALECT_MLC_IR_MLCDIALECT_TD
