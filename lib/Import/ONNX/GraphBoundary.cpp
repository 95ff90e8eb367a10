//===- GraphBoundary.cpp - Sequence/optional graph boundary -------------===//
//
// A compiled model passes tensors only, so a sequence or optional at the
// graph boundary is flattened into the tensors it holds: a sequence into one
// tensor per element (NAME[i]), an optional into its value's tensors or none.
// The structure, a sequence's length and an optional's presence, is fixed at
// compile time: an input's by its spec (mlc-compile --input-structure, see
// ONNXImportOptions), an output's by what the importer resolved (sequences
// and optionals are resolved at import, SequenceOps.cpp). Each input becomes
// a sequence or optional placeholder of its tensors, so the sequence ops read
// it like one the graph built. The structure is recorded in the module
// attribute kGraphValuesAttrName, which mlc-emit-runtime-abi turns into the
// mlc_value_info tables of mlc_runtime.h.
//
//===----------------------------------------------------------------------===//

#include "GraphBoundary.h"
#include "SequenceOps.h"

#include "mlc/Runtime/mlc_runtime.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

FailureOr<RankedTensorType>
mlc::onnx_import::convertTensorTypeProto(ImporterContext &ic, StringRef name,
                                         const onnx::TypeProto_Tensor &type,
                                         Location loc) {
  FailureOr<Type> elementType = ic.convertElementType(type.elem_type(), loc);
  if (failed(elementType))
    return failure();
  if (!type.has_shape())
    return emitError(loc) << "graph value '" << name
                          << "' has no shape (unranked tensors are not "
                             "supported)";
  SmallVector<int64_t> shape;
  std::optional<int64_t> numElements = 1;
  for (const auto &dim : type.shape().dim()) {
    bool known = dim.has_dim_value() && dim.dim_value() >= 0;
    shape.push_back(known ? dim.dim_value() : ShapedType::kDynamic);
    if (known && numElements)
      numElements =
          llvm::checkedMul(*numElements, static_cast<int64_t>(dim.dim_value()));
  }
  // Every later size computation (buffers, strides, the runtime ABI's byte
  // counts) assumes the product of the static sizes fits in 64 bits.
  if (!numElements || !llvm::checkedMul(*numElements, int64_t(8)))
    return emitError(loc) << "graph value '" << name
                          << "' is too large (its size overflows 64 bits)";
  return RankedTensorType::get(shape, *elementType);
}

//===----------------------------------------------------------------------===//
// Input structure specs
//===----------------------------------------------------------------------===//

namespace {
/// A parsed --input-structure spec.
struct InputStructure {
  bool absent = false;   ///< `none`
  bool sequence = false; ///< `seq(...)`
  /// One shape per sequence element, or the one shape of a tensor.
  SmallVector<SmallVector<int64_t>> shapes;
};

/// Recursive descent over the spec grammar of ONNXImportOptions.
class SpecParser {
public:
  explicit SpecParser(StringRef text) : rest(text) {}

  FailureOr<InputStructure> parse() {
    InputStructure result;
    skipSpaces();
    if (consume("none")) {
      result.absent = true;
    } else if (consume("seq(")) {
      result.sequence = true;
      skipSpaces();
      if (!consume(")")) {
        while (true) {
          FailureOr<SmallVector<int64_t>> shape = parseShape();
          if (failed(shape))
            return failure();
          result.shapes.push_back(std::move(*shape));
          skipSpaces();
          if (consume(")"))
            break;
          if (!consume(","))
            return failure();
        }
      }
    } else {
      FailureOr<SmallVector<int64_t>> shape = parseShape();
      if (failed(shape))
        return failure();
      result.shapes.push_back(std::move(*shape));
    }
    skipSpaces();
    if (!rest.empty())
      return failure();
    return result;
  }

private:
  void skipSpaces() { rest = rest.ltrim(); }
  bool consume(StringRef token) {
    skipSpaces();
    return rest.consume_front(token);
  }
  FailureOr<SmallVector<int64_t>> parseShape() {
    SmallVector<int64_t> shape;
    if (!consume("["))
      return failure();
    if (consume("]"))
      return shape;
    while (true) {
      skipSpaces();
      if (consume("?")) {
        shape.push_back(ShapedType::kDynamic);
      } else {
        size_t digits = rest.find_first_not_of("0123456789");
        StringRef number = rest.take_front(digits);
        int64_t value;
        if (number.empty() || number.getAsInteger(10, value))
          return failure();
        shape.push_back(value);
        rest = rest.drop_front(number.size());
      }
      if (consume("]"))
        return shape;
      if (!consume(","))
        return failure();
    }
  }

  StringRef rest;
};
} // namespace

/// The type of one element of a sequence or optional input named `name`:
/// `declared` refined by the spec's `shape` (a `?` keeps the declared
/// dimension).
static FailureOr<RankedTensorType>
refineType(ImporterContext &ic, StringRef name,
           const onnx::TypeProto_Tensor &declared, ArrayRef<int64_t> shape,
           Location loc) {
  FailureOr<Type> elementType =
      ic.convertElementType(declared.elem_type(), loc);
  if (failed(elementType))
    return failure();
  SmallVector<int64_t> dims(shape);
  if (declared.has_shape()) {
    if (declared.shape().dim_size() != static_cast<int>(dims.size()))
      return emitError(loc)
             << "--input-structure gives '" << name << "' rank " << dims.size()
             << ", but the model declares rank " << declared.shape().dim_size();
    for (auto [i, dim] : llvm::enumerate(declared.shape().dim())) {
      if (!dim.has_dim_value() || dim.dim_value() < 0)
        continue;
      if (ShapedType::isDynamic(dims[i]))
        dims[i] = dim.dim_value();
      else if (dims[i] != dim.dim_value())
        return emitError(loc) << "--input-structure gives '" << name
                              << "' dimension " << i << " size " << dims[i]
                              << ", but the model declares " << dim.dim_value();
    }
  }
  std::optional<int64_t> numElements = 8;
  for (int64_t dim : dims)
    if (!ShapedType::isDynamic(dim) && numElements)
      numElements = llvm::checkedMul(*numElements, dim);
  if (!numElements)
    return emitError(loc) << "graph value '" << name
                          << "' is too large (its size overflows 64 bits)";
  return RankedTensorType::get(dims, *elementType);
}

/// Fills `input` with the tensors of a sequence of `elementType` elements
/// shaped as `spec` says.
static LogicalResult describeSequence(ImporterContext &ic, GraphInput &input,
                                      const onnx::TypeProto &elementType,
                                      const InputStructure &spec,
                                      Location loc) {
  if (!elementType.has_tensor_type())
    return emitError(loc) << "graph input '" << input.name
                          << "' is a sequence of non-tensors, which is not "
                             "supported";
  const onnx::TypeProto_Tensor &tensor = elementType.tensor_type();
  for (auto [i, shape] : llvm::enumerate(spec.shapes)) {
    std::string elementName = input.name + "[" + std::to_string(i) + "]";
    FailureOr<RankedTensorType> type =
        refineType(ic, elementName, tensor, shape, loc);
    if (failed(type))
      return failure();
    input.types.push_back(*type);
    input.tensorNames.push_back(elementName);
  }
  input.isUnsigned = ImporterContext::isUnsignedElementType(tensor.elem_type());
  return success();
}

FailureOr<SmallVector<GraphInput>> mlc::onnx_import::describeGraphInputs(
    ImporterContext &ic, const onnx::GraphProto &graph, Location loc) {
  llvm::StringSet<llvm::MallocAllocator> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  llvm::StringMap<InputStructure> specs;
  for (const auto &[name, text] : ic.options.inputStructures) {
    const onnx::ValueInfoProto *info = nullptr;
    for (const auto &input : graph.input())
      if (input.name() == name && !initializerNames.contains(name))
        info = &input;
    if (!info ||
        !(info->type().has_sequence_type() || info->type().has_optional_type()))
      return emitError(loc) << "--input-structure names '" << name
                            << "', which is not a sequence or optional input "
                               "of the graph";
    FailureOr<InputStructure> spec = SpecParser(text).parse();
    if (failed(spec))
      return emitError(loc)
             << "--input-structure " << name << "=" << text
             << ": expected seq(SHAPE, ...), none or a SHAPE such as [2,?]";
    if (!specs.try_emplace(name, std::move(*spec)).second)
      return emitError(loc) << "--input-structure names '" << name << "' twice";
  }

  SmallVector<GraphInput> inputs;
  for (const auto &info : graph.input()) {
    if (initializerNames.contains(info.name()))
      continue;
    GraphInput input;
    input.name = info.name();
    const onnx::TypeProto &type = info.type();
    auto spec = specs.find(info.name());
    if (type.has_tensor_type()) {
      FailureOr<RankedTensorType> tensorType =
          convertTensorTypeProto(ic, info.name(), type.tensor_type(), loc);
      if (failed(tensorType))
        return failure();
      input.kind = MLC_VALUE_TENSOR;
      input.types.push_back(*tensorType);
      input.tensorNames.push_back(info.name());
      input.isUnsigned = ImporterContext::isUnsignedElementType(
          type.tensor_type().elem_type());
      SmallVector<Attribute> dimParams;
      bool anyDimParam = false;
      for (const auto &dim : type.tensor_type().shape().dim()) {
        bool symbolic = dim.has_dim_param() && !dim.dim_param().empty() &&
                        !dim.has_dim_value();
        anyDimParam |= symbolic;
        dimParams.push_back(
            ic.builder.getStringAttr(symbolic ? dim.dim_param() : ""));
      }
      if (anyDimParam)
        input.dimParams = ic.builder.getArrayAttr(dimParams);
    } else if (type.has_sequence_type()) {
      input.kind = MLC_VALUE_SEQUENCE;
      if (spec == specs.end() || !spec->second.sequence)
        return emitError(loc)
               << "graph input '" << info.name()
               << "' is a sequence: give its length and element shapes with "
                  "mlc-compile --input-structure="
               << info.name() << "=seq([d,...],...)";
      if (failed(describeSequence(ic, input, type.sequence_type().elem_type(),
                                  spec->second, loc)))
        return failure();
    } else if (type.has_optional_type()) {
      const onnx::TypeProto &elementType = type.optional_type().elem_type();
      bool ofSequence = elementType.has_sequence_type();
      input.kind =
          ofSequence ? MLC_VALUE_OPTIONAL_SEQUENCE : MLC_VALUE_OPTIONAL_TENSOR;
      if (!ofSequence && !elementType.has_tensor_type())
        return emitError(loc) << "graph input '" << info.name()
                              << "' is an optional of neither a tensor nor a "
                                 "sequence, which is not supported";
      if (spec != specs.end() && spec->second.absent) {
        input.present = false;
      } else if (ofSequence) {
        if (spec == specs.end() || !spec->second.sequence)
          return emitError(loc)
                 << "graph input '" << info.name()
                 << "' is an optional sequence: give its length and element "
                    "shapes with mlc-compile --input-structure="
                 << info.name() << "=seq([d,...],...) (or none)";
        if (failed(describeSequence(ic, input,
                                    elementType.sequence_type().elem_type(),
                                    spec->second, loc)))
          return failure();
      } else {
        const onnx::TypeProto_Tensor &tensor = elementType.tensor_type();
        FailureOr<RankedTensorType> tensorType = failure();
        if (spec == specs.end())
          tensorType = convertTensorTypeProto(ic, info.name(), tensor, loc);
        else if (spec->second.sequence)
          return emitError(loc) << "--input-structure gives '" << info.name()
                                << "' a sequence, but it is an optional tensor";
        else
          tensorType = refineType(ic, info.name(), tensor,
                                  spec->second.shapes.front(), loc);
        if (failed(tensorType))
          return failure();
        input.types.push_back(*tensorType);
        input.tensorNames.push_back(info.name());
        input.isUnsigned =
            ImporterContext::isUnsignedElementType(tensor.elem_type());
      }
    } else {
      return emitError(loc) << "graph value '" << info.name()
                            << "' is not a tensor, sequence or optional "
                               "(maps are not supported)";
    }
    if (spec != specs.end() && input.kind == MLC_VALUE_SEQUENCE &&
        spec->second.absent)
      return emitError(loc) << "--input-structure gives the sequence '"
                            << info.name() << "' none";
    inputs.push_back(std::move(input));
  }
  return inputs;
}

void mlc::onnx_import::bindGraphInputs(ImporterContext &ic,
                                       ArrayRef<GraphInput> inputs,
                                       ValueRange args, Location loc) {
  OpBuilder &b = ic.builder;
  size_t next = 0;
  for (const GraphInput &input : inputs) {
    ValueRange tensors = args.slice(next, input.types.size());
    next += input.types.size();
    if (input.isUnsigned)
      for (Value tensor : tensors)
        ic.unsignedValues.insert(tensor);
    Value value;
    switch (input.kind) {
    case MLC_VALUE_TENSOR:
      value = tensors.front();
      break;
    case MLC_VALUE_SEQUENCE:
      value = createSequence(b, loc, tensors);
      break;
    case MLC_VALUE_OPTIONAL_TENSOR:
      value = createOptional(b, loc, tensors);
      break;
    default: {
      SmallVector<Value> held;
      if (input.present)
        held.push_back(createSequence(b, loc, tensors));
      value = createOptional(b, loc, held);
      break;
    }
    }
    ic.values[input.name] = value;
  }
}

DictionaryAttr mlc::onnx_import::describeGraphValue(Builder &b, StringRef name,
                                                    int32_t kind,
                                                    int32_t present,
                                                    int64_t count) {
  return b.getDictionaryAttr({
      b.getNamedAttr("name", b.getStringAttr(name)),
      b.getNamedAttr("kind", b.getI32IntegerAttr(kind)),
      b.getNamedAttr("present", b.getI32IntegerAttr(present)),
      b.getNamedAttr("count", b.getI32IntegerAttr(count)),
  });
}

FailureOr<GraphOutputs> mlc::onnx_import::flattenGraphOutputs(
    ImporterContext &ic, const onnx::GraphProto &graph, Location loc,
    SmallVectorImpl<Attribute> &entries) {
  GraphOutputs result;
  for (const auto &output : graph.output()) {
    const std::string &name = output.name();
    auto it = ic.values.find(name);
    if (it == ic.values.end())
      return emitError(loc)
             << "graph output '" << name << "' is never produced";
    Value value = it->second;
    const onnx::TypeProto &declared = output.type();
    int32_t kind;
    int32_t present = 1;
    SmallVector<Value> tensors;
    std::string flagName;
    auto addSequence = [&](Value sequence) -> LogicalResult {
      FailureOr<SmallVector<Value>> elements =
          getBoundarySequence(ic, sequence, loc, name);
      if (failed(elements))
        return failure();
      tensors.append(*elements);
      return success();
    };
    std::optional<SmallVector<Value>> optional = getOptionalElements(value);
    if (auto bounded = getBoundedSequence(value)) {
      // Its length is known at run time: a leading i64 scalar says it, the
      // slots from there on are unspecified.
      kind = MLC_VALUE_SEQUENCE;
      present = -1;
      tensors.push_back(bounded->first);
      llvm::append_range(tensors, bounded->second);
      flagName = name + ".length";
    } else if (auto runtime = getRuntimeOptional(value)) {
      // Its presence is known at run time: a leading bool scalar says it.
      bool ofSequence = isSequenceOrOptional(runtime->second);
      kind =
          ofSequence ? MLC_VALUE_OPTIONAL_SEQUENCE : MLC_VALUE_OPTIONAL_TENSOR;
      present = -1;
      tensors.push_back(runtime->first);
      flagName = name + ".present";
      if (ofSequence) {
        if (failed(addSequence(runtime->second)))
          return failure();
      } else {
        tensors.push_back(runtime->second);
      }
    } else if (optional || declared.has_optional_type()) {
      Value held =
          optional ? (optional->empty() ? Value() : optional->front()) : value;
      present = held ? 1 : 0;
      bool ofSequence =
          (held && isSequenceOrOptional(held)) ||
          (declared.has_optional_type() &&
           declared.optional_type().elem_type().has_sequence_type());
      kind =
          ofSequence ? MLC_VALUE_OPTIONAL_SEQUENCE : MLC_VALUE_OPTIONAL_TENSOR;
      if (held && getOptionalElements(held))
        return emitError(loc) << "graph output '" << name
                              << "' is an optional of an optional, which is "
                                 "not supported";
      if (held && ofSequence && failed(addSequence(held)))
        return failure();
      if (held && !ofSequence)
        tensors.push_back(held);
    } else if (isSequenceOrOptional(value) || declared.has_sequence_type()) {
      kind = MLC_VALUE_SEQUENCE;
      if (failed(addSequence(value)))
        return failure();
    } else {
      kind = MLC_VALUE_TENSOR;
      tensors.push_back(value);
    }
    bool element =
        kind == MLC_VALUE_SEQUENCE || kind == MLC_VALUE_OPTIONAL_SEQUENCE;
    for (auto [i, tensor] : llvm::enumerate(tensors)) {
      result.values.push_back(tensor);
      if (!flagName.empty() && i == 0) {
        result.names.push_back(flagName);
        continue;
      }
      size_t index = flagName.empty() ? i : i - 1;
      result.names.push_back(element ? name + "[" + std::to_string(index) + "]"
                                     : name);
    }
    entries.push_back(
        describeGraphValue(ic.builder, name, kind, present, tensors.size()));
  }
  return result;
}
