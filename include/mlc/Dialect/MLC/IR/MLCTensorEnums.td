//===- MLCTensorEnums.td - Enums of the mlc tensor ops -----*- tablegen -*-===//
//
// Kinds selected by an attribute of one generic op (mlc.reduce, mlc.arg_reduce,
// mlc.pad) instead of one op per kind.
//
//===----------------------------------------------------------------------===//

#ifndef MLC_DIALECT_MLC_IR_MLCTENSORENUMS_TD
#define MLC_DIALECT_MLC_IR_MLCTENSORENUMS_TD

include "mlir/IR/EnumAttr.td"

def MLC_ReduceKind : I32EnumAttr<"ReduceKind", "reduction of mlc.reduce", [
    I32EnumAttrCase<"Sum", 0, "sum">,
    I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"Min", 2, "min">,
    I32EnumAttrCase<"Prod", 3, "prod">,
    I32EnumAttrCase<"L1", 4, "l1">,
    I32EnumAttrCase<"L2", 5, "l2">,
    I32EnumAttrCase<"LogSum", 6, "log_sum">,
    I32EnumAttrCase<"LogSumExp", 7, "log_sum_exp">,
    I32EnumAttrCase<"SumSquare", 8, "sum_square">]> {
  let cppNamespace = "::mlc";
}

def MLC_ArgReduceKind : I32EnumAttr<"ArgReduceKind",
    "selection of mlc.arg_reduce", [
    I32EnumAttrCase<"ArgMax", 0, "argmax">,
    I32EnumAttrCase<"ArgMin", 1, "argmin">]> {
  let cppNamespace = "::mlc";
}

def MLC_PadMode : I32EnumAttr<"PadMode", "border mode of mlc.pad", [
    I32EnumAttrCase<"Constant", 0, "constant">,
    I32EnumAttrCase<"Reflect", 1, "reflect">,
    I32EnumAttrCase<"Edge", 2, "edge">,
    I32EnumAttrCase<"Wrap", 3, "wrap">]> {
  let cppNamespace = "::mlc";
}

def MLC_ScatterReduction : I32EnumAttr<"ScatterReduction",
    "how mlc.scatter_* combines an update with the existing element", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Mul", 2, "mul">,
    I32EnumAttrCase<"Max", 3, "max">,
    I32EnumAttrCase<"Min", 4, "min">]> {
  let cppNamespace = "::mlc";
}

#endif // MLC_DIALECT_MLC_IR_MLCTENSORENUMS_TD
