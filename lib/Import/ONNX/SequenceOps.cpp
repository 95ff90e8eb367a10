//===- SequenceOps.cpp - ONNX sequences and optionals at import
//------------===//
//
// Sequences whose length is known at import (built by SequenceConstruct,
// SequenceEmpty, SequenceInsert/Erase at constant positions, SplitToSequence
// of a static axis) and optionals whose presence is known are resolved by
// the importer: they never reach the mlc dialect. A sequence is held as a
// placeholder `builtin.unrealized_conversion_cast` of its elements to a
// tuple of their types (marked kSequenceAttr; an optional kOptionalAttr
// with zero or one element); the sequence ops read and rebuild that list,
// and what reaches the mlc dialect are plain tensor ops:
//   SequenceAt(s, constant i)   = element i
//   SequenceAt(s, run-time i)   = gather of the stacked elements (they must
//                                 share one static type)
//   SequenceLength(s)           = a constant
//   ConcatFromSequence(s)       = mlc.concat of the elements (unsqueezed
//                                 first with new_axis = 1)
//   SplitToSequence(x, split)   = static slices of x
//   Optional / OptionalHasElement / OptionalGetElement = the element or a
//                                 constant presence
// A Loop that appends one element per iteration to a carried sequence
// (ControlFlowOps.cpp) leaves a sequence of run-time length: the elements
// known before the loop, then the rows of a scan output (kRowsAttr, its last
// operand). ConcatFromSequence (new_axis = 1, axis 0), SequenceAt and
// SequenceLength read it; other uses are refused.
// An If whose branches yield sequences of one length gets one result per
// element (ControlFlowOps.cpp). The placeholders are erased once the graph
// is imported. Other sequences of run-time length (a sequence graph input
// or output, other updates in a Loop) are refused with a located error
// naming the op.
//
//===----------------------------------------------------------------------===//

#include "SequenceOps.h"
#include "ComposeUtils.h"
#include "ControlFlowOps.h"

#include "mlc/Dialect/MLC/IR/MLCControlFlowOps.h"
#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

static constexpr llvm::StringLiteral kSequenceAttr = "mlc.import_sequence";
static constexpr llvm::StringLiteral kOptionalAttr = "mlc.import_optional";
static constexpr llvm::StringLiteral kRowsAttr = "mlc.import_sequence_rows";
static constexpr llvm::StringLiteral kRuntimeOptionalAttr =
    "mlc.import_runtime_optional";
static constexpr llvm::StringLiteral kBoundedAttr =
    "mlc.import_sequence_bounded";

static UnrealizedConversionCastOp getPlaceholder(Value value, StringRef kind) {
  if (!value)
    return {};
  auto cast = value.getDefiningOp<UnrealizedConversionCastOp>();
  return cast && cast->hasAttr(kind) ? cast : UnrealizedConversionCastOp();
}

bool mlc::onnx_import::isSequenceOrOptional(Value value) {
  return value && (getPlaceholder(value, kSequenceAttr) ||
                   getPlaceholder(value, kOptionalAttr) ||
                   getPlaceholder(value, kRowsAttr) ||
                   getPlaceholder(value, kRuntimeOptionalAttr) ||
                   getPlaceholder(value, kBoundedAttr));
}

std::optional<SmallVector<Value>>
mlc::onnx_import::getStaticSequence(Value value) {
  if (UnrealizedConversionCastOp seq = getPlaceholder(value, kSequenceAttr))
    return SmallVector<Value>(seq.getInputs());
  return std::nullopt;
}

bool mlc::onnx_import::isSequenceOrOptionalOp(StringRef opType) {
  return opType.starts_with("Sequence") || opType.starts_with("Optional") ||
         opType == "SplitToSequence" || opType == "ConcatFromSequence" ||
         opType == "Identity" || opType == "Loop";
}

void mlc::onnx_import::eraseSequencePlaceholders(Operation *op) {
  SmallVector<Operation *> placeholders;
  op->walk([&](UnrealizedConversionCastOp cast) {
    if (cast->hasAttr(kSequenceAttr) || cast->hasAttr(kOptionalAttr) ||
        cast->hasAttr(kRowsAttr) || cast->hasAttr(kRuntimeOptionalAttr) ||
        cast->hasAttr(kBoundedAttr))
      placeholders.push_back(cast);
  });
  for (Operation *placeholder : llvm::reverse(placeholders))
    if (placeholder->use_empty())
      placeholder->erase();
}

/// A placeholder holding `elements` (a sequence, or an optional of at most
/// one element).
static Value createPlaceholder(OpBuilder &b, Location loc, ValueRange elements,
                               StringRef kind) {
  SmallVector<Type> types(elements.getTypes());
  auto cast = UnrealizedConversionCastOp::create(
      b, loc, TypeRange{TupleType::get(b.getContext(), types)}, elements);
  cast->setAttr(kind, b.getUnitAttr());
  return cast.getResult(0);
}

Value mlc::onnx_import::createSequence(OpBuilder &b, Location loc,
                                       ValueRange elements) {
  return createPlaceholder(b, loc, elements, kSequenceAttr);
}

Value mlc::onnx_import::createRowsSequence(OpBuilder &b, Location loc,
                                           ValueRange initial, Value rows) {
  SmallVector<Value> operands(initial);
  operands.push_back(rows);
  return createPlaceholder(b, loc, operands, kRowsAttr);
}

/// A sequence of run-time length made by a Loop (kRowsAttr): the elements
/// known before it, then the rows of a tensor.
struct RowsSequence {
  SmallVector<Value> initial;
  Value rows;
};

static std::optional<RowsSequence> getRowsSequence(Value value) {
  UnrealizedConversionCastOp seq = getPlaceholder(value, kRowsAttr);
  if (!seq)
    return std::nullopt;
  RowsSequence result;
  ValueRange inputs = seq.getInputs();
  result.initial.assign(inputs.begin(), std::prev(inputs.end()));
  result.rows = seq.getInputs().back();
  return result;
}

Value mlc::onnx_import::createBoundedSequence(OpBuilder &b, Location loc,
                                              Value length, ValueRange slots) {
  SmallVector<Value> operands{length};
  llvm::append_range(operands, slots);
  return createPlaceholder(b, loc, operands, kBoundedAttr);
}

std::optional<std::pair<Value, SmallVector<Value>>>
mlc::onnx_import::getBoundedSequence(Value value) {
  UnrealizedConversionCastOp seq = getPlaceholder(value, kBoundedAttr);
  if (!seq)
    return std::nullopt;
  return std::make_pair(seq.getInputs().front(),
                        SmallVector<Value>(seq.getInputs().drop_front()));
}

Value mlc::onnx_import::createOptional(OpBuilder &b, Location loc,
                                       ValueRange elements) {
  return createPlaceholder(b, loc, elements, kOptionalAttr);
}

Value mlc::onnx_import::createRuntimeOptional(OpBuilder &b, Location loc,
                                              Value present, Value held) {
  return createPlaceholder(b, loc, {present, held}, kRuntimeOptionalAttr);
}

std::optional<std::pair<Value, Value>>
mlc::onnx_import::getRuntimeOptional(Value value) {
  if (UnrealizedConversionCastOp optional =
          getPlaceholder(value, kRuntimeOptionalAttr))
    return std::make_pair(optional.getInputs()[0], optional.getInputs()[1]);
  return std::nullopt;
}

std::optional<SmallVector<Value>>
mlc::onnx_import::getOptionalElements(Value value) {
  if (UnrealizedConversionCastOp optional =
          getPlaceholder(value, kOptionalAttr))
    return SmallVector<Value>(optional.getInputs());
  return std::nullopt;
}

FailureOr<SmallVector<Value>>
mlc::onnx_import::getBoundarySequence(ImporterContext &ic, Value value,
                                      Location loc, StringRef name) {
  if (std::optional<SmallVector<Value>> elements = getStaticSequence(value))
    return *elements;
  std::optional<RowsSequence> rows = getRowsSequence(value);
  RankedTensorType rowsType = rows ? getRankedType(rows->rows) : nullptr;
  if (!rows || rowsType.isDynamicDim(0))
    return emitError(loc)
           << "graph output '" << name
           << "' is not a sequence whose length is known at compile time "
              "(a sequence graph output is returned as its elements)";
  SmallVector<Value> elements(rows->initial);
  SmallVector<int64_t> rowShape(rowsType.getShape().drop_front());
  for (int64_t i = 0; i < rowsType.getDimSize(0); ++i)
    elements.push_back(createReshape(
        ic, loc, sliceAxis(ic, loc, rows->rows, 0, i, 1), rowShape));
  return elements;
}

/// The value of `node`'s first input, or null.
static Value firstInput(ImporterContext &ic, const onnx::NodeProto &node) {
  return node.input_size() > 0 ? ic.values.lookup(node.input(0)) : Value();
}

/// All elements of a rows sequence stacked along a new leading axis: the
/// initial ones (which must have the rows' element type and shape) on top
/// of the rows.
static FailureOr<Value> stackRows(ImporterContext &ic, const RowsSequence &seq,
                                  Location loc, StringRef op) {
  RankedTensorType rowsType = getRankedType(seq.rows);
  RankedTensorType rowType = RankedTensorType::get(
      rowsType.getShape().drop_front(), rowsType.getElementType());
  SmallVector<Value> parts;
  for (Value element : seq.initial) {
    if (element.getType() != rowType)
      return emitError(loc)
             << op
             << " of a sequence built by a Loop needs "
                "the elements from before the loop to "
                "be "
             << rowType << " like the appended ones, got " << element.getType();
    SmallVector<int64_t> shape{1};
    llvm::append_range(shape, rowType.getShape());
    parts.push_back(createReshape(ic, loc, element, shape));
  }
  parts.push_back(seq.rows);
  if (parts.size() == 1)
    return parts.front();
  return Value(ConcatOp::create(ic.builder, loc, parts,
                                ic.builder.getI64IntegerAttr(0)));
}

/// The number of elements of a rows sequence (an i64 scalar).
static Value rowsLength(ImporterContext &ic, const RowsSequence &seq,
                        Location loc) {
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  RankedTensorType rowsType = getRankedType(seq.rows);
  Value count;
  if (rowsType.isDynamicDim(0))
    count = createReshape(ic, loc,
                          DimOp::create(b, loc, RankedTensorType::get({1}, i64),
                                        seq.rows, b.getI64IntegerAttr(0)),
                          {});
  else
    count = createScalarConst(b, loc, i64, rowsType.getDimSize(0));
  if (seq.initial.empty())
    return count;
  return AddOp::create(b, loc, count,
                       createScalarConst(b, loc, i64, seq.initial.size()));
}

/// The elements of the sequence input `i` of `node`, or an error.
static FailureOr<SmallVector<Value>> getSequence(ImporterContext &ic,
                                                 const onnx::NodeProto &node,
                                                 int i, Location loc) {
  FailureOr<Value> value = ic.getRequiredInput(node, i, loc);
  if (failed(value))
    return failure();
  UnrealizedConversionCastOp seq = getPlaceholder(*value, kSequenceAttr);
  if (!seq && getPlaceholder(*value, kRowsAttr))
    return emitError(loc) << node.op_type()
                          << " of a sequence built by a "
                             "Loop is not supported (only "
                             "ConcatFromSequence with new_axis = 1 and "
                             "axis 0, SequenceAt and SequenceLength read one)";
  if (!seq)
    return emitError(loc) << node.op_type() << " input " << i
                          << " must be a sequence whose length is known at "
                             "import (a sequence of run-time length, or one "
                             "from a graph input, If or Loop, is not "
                             "supported)";
  return SmallVector<Value>(seq.getInputs());
}

/// The constant integer position input `i` of `node` (nullopt when absent),
/// normalized against `length` (`length` itself allowed when `end`).
static FailureOr<std::optional<int64_t>>
getConstantPosition(ImporterContext &ic, const onnx::NodeProto &node, int i,
                    int64_t length, bool end, Location loc) {
  FailureOr<Value> value = ic.getInput(node, i, loc);
  if (failed(value))
    return failure();
  if (!*value)
    return std::optional<int64_t>();
  FailureOr<ConstTensor> constant = foldToConstant(*value);
  if (failed(constant) || constant->isFloat() || constant->ints.size() != 1)
    return std::optional<int64_t>(std::nullopt);
  int64_t position = constant->ints.front();
  int64_t limit = end ? length : length - 1;
  if (position < -length || position > limit)
    return emitError(loc) << node.op_type() << " position " << position
                          << " is out of range for a sequence of length "
                          << length;
  return std::optional<int64_t>(position < 0 ? position + length : position);
}

static LogicalResult requireConstantPosition(ImporterContext &ic,
                                             const onnx::NodeProto &node, int i,
                                             Location loc) {
  FailureOr<Value> value = ic.getInput(node, i, loc);
  if (succeeded(value) && *value && failed(foldToConstant(*value)))
    return emitError(loc) << node.op_type()
                          << " needs a position known at import";
  return success();
}

static LogicalResult importSequenceEmpty(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  ic.setOutput(node, 0, createPlaceholder(ic.builder, loc, {}, kSequenceAttr));
  return success();
}

static LogicalResult importSequenceConstruct(ImporterContext &ic,
                                             const onnx::NodeProto &node,
                                             Location loc) {
  SmallVector<Value> elements;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> element = ic.getRequiredInput(node, i, loc);
    if (failed(element))
      return failure();
    if (isSequenceOrOptional(*element))
      return emitError(loc) << "SequenceConstruct of sequences is not "
                               "supported";
    elements.push_back(*element);
  }
  ic.setOutput(node, 0,
               createPlaceholder(ic.builder, loc, elements, kSequenceAttr));
  return success();
}

FailureOr<Value> mlc::onnx_import::selectTensor(ImporterContext &ic,
                                                Location loc, Value cond,
                                                Value x, Value y,
                                                StringRef what) {
  OpBuilder &b = ic.builder;
  RankedTensorType xType = getRankedType(x), yType = getRankedType(y);
  if (xType == yType)
    return Value(WhereOp::create(b, loc, cond, x, y));
  RankedTensorType joined = joinTypes(xType, yType);
  if (!joined)
    return emitError(loc) << what
                          << " needs "
                             "elements of one element type and rank, got "
                          << xType << " and " << yType;
  auto ifOp = IfOp::create(b, loc, TypeRange{joined}, cond);
  for (auto [region, value] : {std::make_pair(&ifOp.getThenRegion(), x),
                               std::make_pair(&ifOp.getElseRegion(), y)}) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&region->emplaceBlock());
    CFYieldOp::create(b, loc, ValueRange{value});
  }
  return Value(ifOp.getResult(0));
}

/// SequenceInsert of `tensor` at a run-time `position` (an integer tensor
/// of one element, negative from the end) into `elements`: the sequence
/// gets one element more, element k being elements[k] before the position,
/// `tensor` at it and elements[k - 1] after it, each chosen at run time.
/// A position out of [-n, n] gives an unspecified sequence.
static FailureOr<SmallVector<Value>>
insertAtRuntimePosition(ImporterContext &ic, Location loc,
                        ArrayRef<Value> elements, Value tensor,
                        Value position) {
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  int64_t n = elements.size();
  RankedTensorType positionType = getRankedType(position);
  if (!positionType.hasStaticShape() || positionType.getNumElements() != 1 ||
      !positionType.getElementType().isInteger())
    return emitError(loc) << "SequenceInsert position must be one integer, "
                             "got "
                          << positionType;
  if (positionType.getElementType() != i64)
    position =
        CastOp::create(b, loc, positionType.clone(i64), position, false, false);
  if (positionType.getRank() != 0)
    position = createReshape(ic, loc, position, {});
  Value negative =
      LessOp::create(b, loc, position, createScalarConst(b, loc, i64, 0));
  position = WhereOp::create(
      b, loc, negative,
      AddOp::create(b, loc, position, createScalarConst(b, loc, i64, n)),
      position);
  SmallVector<Value> result;
  for (int64_t k = 0; k <= n; ++k) {
    Value atK =
        EqualOp::create(b, loc, position, createScalarConst(b, loc, i64, k));
    // At k: the tensor, else the element shifted in from before.
    FailureOr<Value> value =
        k == 0 ? FailureOr<Value>(tensor)
               : selectTensor(ic, loc, atK, tensor, elements[k - 1],
                              "SequenceInsert at a run-time position");
    if (failed(value))
      return failure();
    if (k < n) {
      Value after = GreaterOp::create(b, loc, position,
                                      createScalarConst(b, loc, i64, k));
      value = selectTensor(ic, loc, after, elements[k], *value,
                           "SequenceInsert at a run-time position");
      if (failed(value))
        return failure();
    }
    result.push_back(*value);
  }
  return result;
}

static LogicalResult importSequenceInsert(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Location loc) {
  FailureOr<SmallVector<Value>> elements = getSequence(ic, node, 0, loc);
  FailureOr<Value> tensor = ic.getRequiredInput(node, 1, loc);
  FailureOr<Value> positionInput = ic.getInput(node, 2, loc);
  if (failed(elements) || failed(tensor) || failed(positionInput))
    return failure();
  if (*positionInput && failed(foldToConstant(*positionInput))) {
    FailureOr<SmallVector<Value>> inserted =
        insertAtRuntimePosition(ic, loc, *elements, *tensor, *positionInput);
    if (failed(inserted))
      return failure();
    if (ic.isUnsigned(*tensor))
      for (Value value : *inserted)
        ic.unsignedValues.insert(value);
    ic.setOutput(node, 0,
                 createPlaceholder(ic.builder, loc, *inserted, kSequenceAttr));
    return success();
  }
  FailureOr<std::optional<int64_t>> position =
      getConstantPosition(ic, node, 2, elements->size(), /*end=*/true, loc);
  if (failed(position))
    return failure();
  int64_t at = position->value_or(elements->size());
  elements->insert(elements->begin() + at, *tensor);
  ic.setOutput(node, 0,
               createPlaceholder(ic.builder, loc, *elements, kSequenceAttr));
  return success();
}

static LogicalResult importSequenceErase(ImporterContext &ic,
                                         const onnx::NodeProto &node,
                                         Location loc) {
  FailureOr<SmallVector<Value>> elements = getSequence(ic, node, 0, loc);
  if (failed(elements) || failed(requireConstantPosition(ic, node, 1, loc)))
    return failure();
  if (elements->empty())
    return emitError(loc) << "SequenceErase of an empty sequence";
  FailureOr<std::optional<int64_t>> position =
      getConstantPosition(ic, node, 1, elements->size(), /*end=*/false, loc);
  if (failed(position))
    return failure();
  elements->erase(elements->begin() + position->value_or(elements->size() - 1));
  ic.setOutput(node, 0,
               createPlaceholder(ic.builder, loc, *elements, kSequenceAttr));
  return success();
}

static LogicalResult importSequenceLength(ImporterContext &ic,
                                          const onnx::NodeProto &node,
                                          Location loc) {
  if (std::optional<RowsSequence> rows =
          getRowsSequence(firstInput(ic, node))) {
    ic.setOutput(node, 0, rowsLength(ic, *rows, loc));
    return success();
  }
  if (auto bounded = getBoundedSequence(firstInput(ic, node))) {
    ic.setOutput(node, 0, bounded->first);
    return success();
  }
  FailureOr<SmallVector<Value>> elements = getSequence(ic, node, 0, loc);
  if (failed(elements))
    return failure();
  ic.setOutput(node, 0,
               createScalarConst(ic.builder, loc, ic.builder.getI64Type(),
                                 elements->size()));
  return success();
}

/// The elements, each with a new axis of size 1 at `axis`.
static FailureOr<SmallVector<Value>> unsqueezeAll(ImporterContext &ic,
                                                  ArrayRef<Value> elements,
                                                  int64_t axis, Location loc,
                                                  StringRef op) {
  SmallVector<Value> result;
  for (Value element : elements) {
    RankedTensorType type = getRankedType(element);
    if (!type.hasStaticShape())
      return emitError(loc) << op
                            << " needs statically shaped elements to "
                               "stack them, got "
                            << type;
    SmallVector<int64_t> shape(type.getShape());
    shape.insert(shape.begin() + axis, 1);
    result.push_back(createReshape(ic, loc, element, shape));
  }
  return result;
}

/// Element `index` (an integer tensor of one element, negative from the
/// end) of the elements stacked along axis 0 of `stacked`.
static Value gatherElement(ImporterContext &ic, Location loc, Value stacked,
                           Value index, Value length) {
  OpBuilder &b = ic.builder;
  Type i64 = b.getI64Type();
  RankedTensorType indexType = getRankedType(index);
  if (indexType.getElementType() != i64)
    index = CastOp::create(b, loc, indexType.clone(i64), index, false, false);
  if (indexType.getRank() != 0)
    index = createReshape(ic, loc, index, {});
  Value negative =
      LessOp::create(b, loc, index, createScalarConst(b, loc, i64, 0));
  index = WhereOp::create(b, loc, negative,
                          AddOp::create(b, loc, index, length), index);
  RankedTensorType stackedType = getRankedType(stacked);
  if (!stackedType.isDynamicDim(0))
    return GatherOp::create(b, loc, stacked, index, b.getI64IntegerAttr(0));
  // A run-time count of rows: slice row `index` out (the elements have a
  // static shape).
  SmallVector<int64_t> rowShape(stackedType.getShape().drop_front());
  SmallVector<int64_t> sliceShape{1};
  llvm::append_range(sliceShape, rowShape);
  Value start = createReshape(ic, loc, index, {1});
  Value end =
      AddOp::create(b, loc, start, createConstant(b, loc, {1}, i64, {1}));
  Value row = DynamicSliceOp::create(
      b, loc, RankedTensorType::get(sliceShape, stackedType.getElementType()),
      stacked, start, end, createConstant(b, loc, {1}, i64, {0}),
      createConstant(b, loc, {1}, i64, {1}));
  return createReshape(ic, loc, row, rowShape);
}

static LogicalResult importSequenceAt(ImporterContext &ic,
                                      const onnx::NodeProto &node,
                                      Location loc) {
  if (std::optional<RowsSequence> rows =
          getRowsSequence(firstInput(ic, node))) {
    FailureOr<Value> stacked = stackRows(ic, *rows, loc, "SequenceAt");
    FailureOr<Value> index = ic.getRequiredInput(node, 1, loc);
    if (failed(stacked) || failed(index))
      return failure();
    ic.setOutput(
        node, 0,
        gatherElement(ic, loc, *stacked, *index, rowsLength(ic, *rows, loc)));
    return success();
  }
  FailureOr<SmallVector<Value>> elements = getSequence(ic, node, 0, loc);
  if (failed(elements))
    return failure();
  if (elements->empty())
    return emitError(loc) << "SequenceAt of an empty sequence";
  FailureOr<std::optional<int64_t>> position =
      getConstantPosition(ic, node, 1, elements->size(), /*end=*/false, loc);
  if (failed(position))
    return failure();
  if (*position) {
    ic.setOutput(node, 0, (*elements)[**position]);
    if (ic.isUnsigned((*elements)[**position]))
      ic.unsignedValues.insert((*elements)[**position]);
    return success();
  }
  // A run-time position: the elements must agree on one static type, then
  // they are stacked and the position gathers one of them.
  Type type = elements->front().getType();
  if (llvm::any_of(*elements, [&](Value v) { return v.getType() != type; }))
    return emitError(loc) << "SequenceAt at a run-time position needs "
                             "elements of one type";
  OpBuilder &b = ic.builder;
  FailureOr<SmallVector<Value>> rows =
      unsqueezeAll(ic, *elements, 0, loc, "SequenceAt");
  if (failed(rows))
    return failure();
  Value stacked =
      rows->size() == 1
          ? rows->front()
          : Value(ConcatOp::create(b, loc, *rows, b.getI64IntegerAttr(0)));
  FailureOr<Value> index = ic.getRequiredInput(node, 1, loc);
  if (failed(index))
    return failure();
  ic.setOutput(node, 0,
               gatherElement(ic, loc, stacked, *index,
                             createScalarConst(b, loc, b.getI64Type(),
                                               elements->size())));
  return success();
}

static LogicalResult importConcatFromSequence(ImporterContext &ic,
                                              const onnx::NodeProto &node,
                                              Location loc) {
  if (std::optional<RowsSequence> rows =
          getRowsSequence(firstInput(ic, node))) {
    int64_t axis = getIntAttr(node, "axis", 0);
    if (getIntAttr(node, "new_axis", 0) != 1 ||
        (axis != 0 && axis != -(getRankedType(rows->rows).getRank())))
      return emitError(loc) << "ConcatFromSequence of a sequence built by a "
                               "Loop needs new_axis = 1 and axis 0 (the "
                               "elements stacked)";
    FailureOr<Value> stacked = stackRows(ic, *rows, loc, "ConcatFromSequence");
    if (failed(stacked))
      return failure();
    ic.setOutput(node, 0, *stacked);
    return success();
  }
  FailureOr<SmallVector<Value>> elements = getSequence(ic, node, 0, loc);
  if (failed(elements))
    return failure();
  if (elements->empty())
    return emitError(loc) << "ConcatFromSequence of an empty sequence";
  const onnx::AttributeProto *axisAttr = findAttr(node, "axis");
  if (!axisAttr)
    return emitError(loc) << "ConcatFromSequence needs the attribute 'axis'";
  bool newAxis = getIntAttr(node, "new_axis", 0) != 0;
  int64_t rank = getRankedType(elements->front()).getRank() + (newAxis ? 1 : 0);
  int64_t axis = axisAttr->i();
  if (axis < -rank || axis >= rank)
    return emitError(loc) << "ConcatFromSequence axis " << axis
                          << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  SmallVector<Value> parts(*elements);
  if (newAxis) {
    FailureOr<SmallVector<Value>> rows =
        unsqueezeAll(ic, parts, axis, loc, "ConcatFromSequence");
    if (failed(rows))
      return failure();
    parts = std::move(*rows);
  }
  for (Value part : parts) {
    RankedTensorType type = getRankedType(part);
    RankedTensorType first = getRankedType(parts.front());
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return emitError(loc) << "ConcatFromSequence elements " << first
                            << " and " << type << " cannot be concatenated";
  }
  OpBuilder &b = ic.builder;
  Value result =
      parts.size() == 1
          ? parts.front()
          : Value(ConcatOp::create(b, loc, parts, b.getI64IntegerAttr(axis)));
  ic.setOutput(node, 0, result);
  if (ic.isUnsigned(elements->front()))
    ic.unsignedValues.insert(result);
  return success();
}

static LogicalResult importOptional(ImporterContext &ic,
                                    const onnx::NodeProto &node, Location loc) {
  FailureOr<Value> input = ic.getInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (*input && isSequenceOrOptional(*input) && !getStaticSequence(*input))
    return emitError(loc) << "Optional of an optional, or of a sequence of "
                             "run-time length, is not supported";
  SmallVector<Value> elements;
  if (*input)
    elements.push_back(*input);
  ic.setOutput(node, 0,
               createPlaceholder(ic.builder, loc, elements, kOptionalAttr));
  return success();
}

static LogicalResult importOptionalHasElement(ImporterContext &ic,
                                              const onnx::NodeProto &node,
                                              Location loc) {
  FailureOr<Value> input = ic.getInput(node, 0, loc);
  if (failed(input))
    return failure();
  if (auto runtime = getRuntimeOptional(*input)) {
    ic.setOutput(node, 0, runtime->first);
    return success();
  }
  bool present = static_cast<bool>(*input);
  if (auto optional = *input ? getPlaceholder(*input, kOptionalAttr)
                             : UnrealizedConversionCastOp())
    present = !optional.getInputs().empty();
  ic.setOutput(node, 0,
               createScalarConst(ic.builder, loc, ic.builder.getI1Type(),
                                 present ? 1 : 0));
  return success();
}

static LogicalResult importOptionalGetElement(ImporterContext &ic,
                                              const onnx::NodeProto &node,
                                              Location loc) {
  FailureOr<Value> input = ic.getRequiredInput(node, 0, loc);
  if (failed(input))
    return failure();
  Value element = *input;
  // An optional of run-time presence gives its value unchecked: what a run
  // that reads an absent one gets is unspecified (ONNX calls it an error).
  if (auto runtime = getRuntimeOptional(*input))
    element = runtime->second;
  if (auto optional = getPlaceholder(*input, kOptionalAttr)) {
    if (optional.getInputs().empty())
      return emitError(loc) << "OptionalGetElement of an empty optional";
    element = optional.getInputs().front();
  }
  ic.setOutput(node, 0, element);
  if (ic.isUnsigned(element))
    ic.unsignedValues.insert(element);
  return success();
}

/// SequenceMap over sequences whose length is known at import: the body is
/// imported once per element (with the i-th element of every sequence input
/// and the tensor inputs as they are), and output j is the sequence of the
/// body's j-th outputs.
static LogicalResult importSequenceMap(ImporterContext &ic,
                                       const onnx::NodeProto &node,
                                       Location loc) {
  FailureOr<const onnx::GraphProto *> body = getGraphAttr(node, "body", loc);
  if (failed(body))
    return failure();
  if ((*body)->input_size() != node.input_size() ||
      (*body)->output_size() != node.output_size())
    return emitError(loc) << "SequenceMap body takes " << (*body)->input_size()
                          << " inputs and yields " << (*body)->output_size()
                          << " outputs, expected " << node.input_size()
                          << " and " << node.output_size();
  SmallVector<Value> inputs;
  SmallVector<std::optional<SmallVector<Value>>> sequences;
  std::optional<size_t> length;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> input = ic.getRequiredInput(node, i, loc);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
    sequences.push_back(getStaticSequence(*input));
    if (!sequences.back() && isSequenceOrOptional(*input))
      return emitError(loc)
             << "SequenceMap input " << i
             << " must be a tensor or a sequence whose length is known at "
                "import";
    if (!sequences.back()) {
      if (i == 0)
        return emitError(loc) << "SequenceMap input 0 must be a sequence";
      continue;
    }
    if (length && *length != sequences.back()->size())
      return emitError(loc)
             << "SequenceMap input " << i << " has " << sequences.back()->size()
             << " elements, input 0 has " << *length;
    length = sequences.back()->size();
  }
  SmallVector<SmallVector<Value>> outputs(node.output_size());
  for (size_t k = 0; k < *length; ++k) {
    SmallVector<Value> bodyInputs;
    for (auto [input, sequence] : llvm::zip(inputs, sequences))
      bodyInputs.push_back(sequence ? (*sequence)[k] : input);
    FailureOr<SmallVector<Value>> results =
        importSubgraph(ic, **body, nullptr, bodyInputs, loc,
                       /*allowSequences=*/true);
    if (failed(results))
      return failure();
    for (auto [j, result] : llvm::enumerate(*results)) {
      if (isSequenceOrOptional(result))
        return emitError(loc) << "SequenceMap body output " << j
                              << " is a sequence or optional: sequences of "
                                 "sequences are not supported";
      outputs[j].push_back(result);
    }
  }
  for (auto [j, elements] : llvm::enumerate(outputs))
    ic.setOutput(node, j,
                 createPlaceholder(ic.builder, loc, elements, kSequenceAttr));
  return success();
}

void mlc::onnx_import::registerSequenceOpImporters(OpImporterTable &table) {
  table.push_back({"SequenceMap", 17, kLatestOpset, importSequenceMap});
  table.push_back({"SequenceEmpty", 11, kLatestOpset, importSequenceEmpty});
  table.push_back(
      {"SequenceConstruct", 11, kLatestOpset, importSequenceConstruct});
  table.push_back({"SequenceInsert", 11, kLatestOpset, importSequenceInsert});
  table.push_back({"SequenceErase", 11, kLatestOpset, importSequenceErase});
  table.push_back({"SequenceLength", 11, kLatestOpset, importSequenceLength});
  table.push_back({"SequenceAt", 11, kLatestOpset, importSequenceAt});
  table.push_back(
      {"ConcatFromSequence", 11, kLatestOpset, importConcatFromSequence});
  table.push_back({"SplitToSequence", 11, kLatestOpset, importSplitToSequence});
  table.push_back({"Optional", 15, kLatestOpset, importOptional});
  table.push_back(
      {"OptionalHasElement", 15, kLatestOpset, importOptionalHasElement});
  table.push_back(
      {"OptionalGetElement", 15, kLatestOpset, importOptionalGetElement});
}
