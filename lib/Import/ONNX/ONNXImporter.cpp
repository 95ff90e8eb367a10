//===- ONNXImporter.cpp - ONNX model to the mlc dialect
//--------------------===//
//
// Parses the ModelProto, checks the opset, turns graph inputs into @main's
// arguments and initializers into mlc.constant, and dispatches every node to
// the importer registered for its op type and opset version.
//
//===----------------------------------------------------------------------===//

#include "mlc/Import/ONNX/ONNXImporter.h"
#include "ControlFlowOps.h"
#include "GraphBoundary.h"
#include "GraphValidation.h"
#include "ImporterContext.h"
#include "RandomOps.h"
#include "SequenceOps.h"
#include "TensorImportUtils.h"

#include "mlc/Runtime/mlc_runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

/// Marks model arguments and results holding unsigned integers; read by
/// mlc-expose-entry (mlc/Backend/Passes.h spells the same name).
static constexpr llvm::StringLiteral kUnsignedAttrName = "mlc.unsigned";
/// Argument attribute: the ONNX dim_param of every dimension of an input
/// ("" where it has none), set when any dimension has one; the runtime ABI
/// checks that inputs sharing a name agree on its size.
static constexpr llvm::StringLiteral kDimParamsAttrName = "mlc.dim_params";
using namespace mlc;
using namespace mlc::onnx_import;

static constexpr int64_t kMinOpset = 1;
static constexpr int64_t kMaxOpset = kLatestOpset;
/// ModelProto.ir_version: 1 (the first) to that of ONNX 1.19.
static constexpr int64_t kMinIRVersion = 1;
static constexpr int64_t kMaxIRVersion = 12;

static const OpImporterTable &getOpImporters() {
  static const OpImporterTable table = [] {
    OpImporterTable t;
    registerMathOpImporters(t);
    registerNNOpImporters(t);
    registerTensorOpImporters(t);
    registerShapeOpImporters(t);
    registerSliceAndPadOpImporters(t);
    registerIndexingOpImporters(t);
    registerReductionOpImporters(t);
    registerNormalizationOpImporters(t);
    registerResizeOpImporters(t);
    registerConvTransposeImporters(t);
    registerComposedNNOpImporters(t);
    registerLogicOpImporters(t);
    registerSignalOpImporters(t);
    registerRecurrentOpImporters(t);
    registerEinsumOpImporters(t);
    registerSelectionOpImporters(t);
    registerSamplingOpImporters(t);
    registerTfIdfOpImporters(t);
    registerDetectionOpImporters(t);
    registerAttentionOpImporters(t);
    registerBitwiseOpImporters(t);
    registerRotaryEmbeddingOpImporters(t);
    registerCenterCropPadOpImporters(t);
    registerAffineGridOpImporters(t);
    registerTensorScatterOpImporters(t);
    registerQuantOpImporters(t);
    registerCol2ImOpImporters(t);
    registerLossOpImporters(t);
    registerRandomOpImporters(t);
    registerSequenceOpImporters(t);
    registerControlFlowOpImporters(t);
    return t;
  }();
  return table;
}

std::vector<ImportedONNXOp> mlc::getImportedONNXOps() {
  std::vector<ImportedONNXOp> ops;
  for (const OpImporterEntry &entry : getOpImporters())
    ops.push_back({entry.opType, entry.sinceVersion, entry.untilVersion});
  return ops;
}

static const OpImporterEntry *lookupOpImporter(StringRef opType,
                                               int64_t opset) {
  for (const OpImporterEntry &entry : getOpImporters())
    if (entry.opType == opType && entry.sinceVersion <= opset &&
        opset <= entry.untilVersion)
      return &entry;
  return nullptr;
}

bool mlc::onnx_import::hasOpImporter(const ImporterContext &ic,
                                     const onnx::NodeProto &node) {
  bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  return defaultDomain && lookupOpImporter(node.op_type(), ic.opset);
}

/// Type of a tensor graph value from its ValueInfo; unknown dims are
/// dynamic.
static FailureOr<RankedTensorType>
convertValueInfo(ImporterContext &ic, const onnx::ValueInfoProto &info,
                 Location loc) {
  if (!info.type().has_tensor_type())
    return emitError(loc) << "graph value '" << info.name()
                          << "' is not a tensor";
  return convertTensorTypeProto(ic, info.name(), info.type().tensor_type(),
                                loc);
}

/// The first node of `graph` (or of its subgraphs) that reads or makes a
/// string tensor: one of the names in `strings` (the string-typed values
/// known so far), a `to`/`dtype` of STRING, or a string constant. Its
/// outputs join `strings` as the walk goes, so the node named is the first
/// in graph order.
static const onnx::NodeProto *
findStringNode(const onnx::GraphProto &graph,
               llvm::StringSet<llvm::MallocAllocator> &strings) {
  constexpr int kString = onnx::TensorProto::STRING;
  for (const auto *infos : {&graph.input(), &graph.value_info()})
    for (const auto &info : *infos)
      if (info.type().has_tensor_type() &&
          info.type().tensor_type().elem_type() == kString)
        strings.insert(info.name());
  for (const auto &init : graph.initializer())
    if (init.data_type() == kString)
      strings.insert(init.name());
  for (const onnx::NodeProto &node : graph.node()) {
    bool touches = llvm::any_of(node.input(), [&](const std::string &name) {
      return strings.contains(name);
    });
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if ((attr.name() == "to" || attr.name() == "dtype") &&
          attr.type() == onnx::AttributeProto::INT && attr.i() == kString)
        touches = true;
      if (attr.has_t() && attr.t().data_type() == kString)
        touches = true;
      if (attr.type() == onnx::AttributeProto::STRINGS &&
          StringRef(attr.name()).starts_with("value"))
        touches = true;
      if (attr.has_g())
        if (const onnx::NodeProto *inner = findStringNode(attr.g(), strings))
          return inner;
    }
    if (touches)
      return &node;
  }
  for (const auto &output : graph.output())
    if (output.type().has_tensor_type() &&
        output.type().tensor_type().elem_type() == kString)
      strings.insert(output.name());
  return nullptr;
}

static LogicalResult importGraph(ImporterContext &ic,
                                 const onnx::GraphProto &graph, ModuleOp module,
                                 Location fileLoc) {
  // String tensors have no numeric lowering: refuse them by the op that
  // uses them (docs/Conformance.md, "Still refused").
  {
    llvm::StringSet<llvm::MallocAllocator> strings;
    if (const onnx::NodeProto *node = findStringNode(graph, strings)) {
      int index = 0;
      for (const onnx::NodeProto &candidate : graph.node()) {
        if (&candidate == node)
          break;
        ++index;
      }
      return emitError(ic.getNodeLoc(*node, index))
             << node->op_type()
             << " on string tensors is not supported: MLC compiles numeric "
                "tensors only";
    }
    for (const auto *values : {&graph.input(), &graph.output()})
      for (const auto &value : *values)
        if (strings.contains(value.name()))
          return emitError(fileLoc)
                 << "graph value '" << value.name()
                 << "' is a string tensor: MLC compiles numeric tensors only";
  }
  OpBuilder &b = ic.builder;
  MLIRContext *ctx = b.getContext();
  FailureOr<SmallVector<GraphInput>> inputs =
      describeGraphInputs(ic, graph, fileLoc);
  if (failed(inputs))
    return failure();
  SmallVector<Type> argTypes;
  for (const GraphInput &input : *inputs)
    argTypes.append(input.types.begin(), input.types.end());

  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, fileLoc, "main",
                                   FunctionType::get(ctx, argTypes, {}));
  Block *body = func.addEntryBlock();
  unsigned argIndex = 0;
  SmallVector<Attribute> inputEntries;
  for (const GraphInput &input : *inputs) {
    for (const std::string &name : input.tensorNames) {
      func.setArgAttr(argIndex, "mlc.name", b.getStringAttr(name));
      if (input.dimParams)
        func.setArgAttr(argIndex, kDimParamsAttrName, input.dimParams);
      if (input.isUnsigned)
        func.setArgAttr(argIndex, kUnsignedAttrName, b.getUnitAttr());
      ++argIndex;
    }
    inputEntries.push_back(describeGraphValue(
        b, input.name, input.kind, input.present, input.types.size()));
  }
  b.setInsertionPointToStart(body);
  bindGraphInputs(ic, *inputs, body->getArguments(), fileLoc);

  if (failed(importGraphNodes(ic, graph, fileLoc)))
    return failure();

  SmallVector<Attribute> outputEntries;
  FailureOr<GraphOutputs> outputs =
      flattenGraphOutputs(ic, graph, fileLoc, outputEntries);
  if (failed(outputs))
    return failure();
  func::ReturnOp::create(b, fileLoc, outputs->values);
  eraseSequencePlaceholders(func);
  func.setFunctionType(
      FunctionType::get(ctx, argTypes, ValueRange(outputs->values).getTypes()));
  for (auto [i, name] : llvm::enumerate(outputs->names)) {
    func.setResultAttr(i, "mlc.name", b.getStringAttr(name));
    if (ic.isUnsigned(outputs->values[i]))
      func.setResultAttr(i, kUnsignedAttrName, b.getUnitAttr());
  }
  // Only a model with a sequence or optional at its boundary needs the
  // structure: without it every tensor is a graph value of its own.
  auto isTensor = [](Attribute entry) {
    return cast<DictionaryAttr>(entry).getAs<IntegerAttr>("kind").getInt() ==
           MLC_VALUE_TENSOR;
  };
  if (!llvm::all_of(inputEntries, isTensor) ||
      !llvm::all_of(outputEntries, isTensor))
    module->setAttr(
        kGraphValuesAttrName,
        b.getDictionaryAttr(
            {b.getNamedAttr("inputs", b.getArrayAttr(inputEntries)),
             b.getNamedAttr("outputs", b.getArrayAttr(outputEntries))}));
  return success();
}

/// The graph's declared types, initializers and nodes, imported at the
/// builder's insertion point; shared by @main and the subgraphs of control
/// flow (ControlFlowOps.cpp).
LogicalResult mlc::onnx_import::importGraphNodes(ImporterContext &ic,
                                                 const onnx::GraphProto &graph,
                                                 Location fileLoc) {
  OpBuilder &b = ic.builder;
  MLIRContext *ctx = b.getContext();
  FailureOr<SmallVector<int>> order = failure();
  {
    // Marks its errors before an If's handler sees them (IfOps.cpp).
    ScopedDiagnosticHandler refuse(ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        ic.refused = true;
      return failure();
    });
    order = validateGraph(ic, graph, fileLoc);
  }
  if (failed(order))
    return failure();
  {
    // Types that do not convert are simply not recorded.
    ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
    for (const auto *infos : {&graph.output(), &graph.value_info()})
      for (const auto &info : *infos) {
        if (!info.type().has_tensor_type() ||
            !info.type().tensor_type().has_shape())
          continue;
        const auto &tensorType = info.type().tensor_type();
        if (llvm::any_of(tensorType.shape().dim(), [](const auto &dim) {
              return !dim.has_dim_value() || dim.dim_value() < 0;
            }))
          continue;
        FailureOr<RankedTensorType> type = convertValueInfo(ic, info, fileLoc);
        if (succeeded(type))
          ic.declaredTypes[info.name()] = *type;
      }
  }

  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(b.getStringAttr(init.name()), fileLoc);
    FailureOr<ElementsAttr> value = ic.convertTensor(init, loc);
    if (failed(value))
      return failure();
    Value constant = ConstantOp::create(b, loc, cast<TypedAttr>(*value));
    ic.values[init.name()] = constant;
    if (ImporterContext::isUnsignedElementType(init.data_type()))
      ic.unsignedValues.insert(constant);
  }

  for (int index : *order) {
    const onnx::NodeProto &node = graph.node(index);
    Location loc = ic.getNodeLoc(node, index);
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    const OpImporterEntry *entry =
        defaultDomain ? lookupOpImporter(node.op_type(), ic.opset) : nullptr;
    if (!entry)
      return emitError(loc)
             << "unsupported ONNX operator '" << node.op_type() << "' (domain '"
             << node.domain() << "', opset "
             << (defaultDomain ? ic.opset
                               : ic.domainOpsets.lookup(node.domain()))
             << ")";
    // Sequences and optionals known at import are placeholders
    // (SequenceOps.cpp) that only their own ops and Identity take.
    for (const std::string &input : node.input()) {
      Value value = input.empty() ? Value() : ic.values.lookup(input);
      if (!value || !isSequenceOrOptional(value))
        continue;
      if (!isSequenceOrOptionalOp(node.op_type()))
        return emitError(loc) << node.op_type() << " input '" << input
                              << "' is a sequence or optional, which "
                              << node.op_type() << " does not take";
    }
    if (node.op_type() == "Identity" && node.input_size() == 1 &&
        isSequenceOrOptional(ic.values.lookup(node.input(0)))) {
      ic.setOutput(node, 0, ic.values.lookup(node.input(0)));
      continue;
    }
    // Every ONNX op has at least one output; the importers read output(0).
    if (node.output_size() == 0)
      return emitError(loc) << node.op_type() << " has no output";
    if (failed(entry->importer(ic, node, loc)))
      return failure();
    ic.propagateUnsigned(node);
    for (const std::string &output : node.output())
      if (!output.empty() && !ic.values.count(output))
        return emitError(loc) << node.op_type() << " output '" << output
                              << "' is not supported";
  }

  return success();
}

/// Constants made by nodes (ConstantOfShape, Range, folded shape
/// arithmetic) may be splats of any declared size that a backend later
/// writes out element by element: each must fit the memory limit too.
static LogicalResult checkConstantSizes(ModuleOp module, uint64_t maxBytes) {
  WalkResult result = module.walk([&](ConstantOp op) {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      return WalkResult::advance();
    uint64_t bytes = (type.getElementTypeBitWidth() + 7) / 8;
    for (int64_t dim : type.getShape()) {
      std::optional<uint64_t> product =
          llvm::checkedMulUnsigned(bytes, static_cast<uint64_t>(dim));
      bytes = product ? *product : UINT64_MAX;
    }
    if (bytes <= maxBytes)
      return WalkResult::advance();
    emitError(op.getLoc()) << "constant " << type << " takes " << bytes
                           << " bytes, more than the memory limit of "
                           << maxBytes << " bytes (mlc-compile --max-memory)";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

FailureOr<OwningOpRef<ModuleOp>>
mlc::importONNXModel(MLIRContext *context, StringRef buffer,
                     StringRef sourceName, const ONNXImportOptions &options) {
  context->loadDialect<MLCDialect, func::FuncDialect, quant::QuantDialect>();
  Location fileLoc = FileLineColLoc::get(context, sourceName, 0, 0);
  onnx::ModelProto model;
  if (buffer.size() > static_cast<size_t>(INT32_MAX) ||
      !model.ParseFromArray(buffer.data(), static_cast<int>(buffer.size())))
    return emitError(fileLoc)
           << "failed to parse ONNX model from '" << sourceName
           << "' (not an ONNX file, or truncated)";
  if (!model.has_graph())
    return emitError(fileLoc) << "ONNX model has no graph";

  if (model.ir_version() < kMinIRVersion || model.ir_version() > kMaxIRVersion)
    return emitError(fileLoc)
           << "unsupported ONNX IR version " << model.ir_version()
           << " (supported: " << kMinIRVersion << " to " << kMaxIRVersion
           << ")";

  // ONNX: a model without a default-domain import is opset 1.
  int64_t opset = 1;
  llvm::StringMap<int64_t> importedDomains;
  for (const auto &import : model.opset_import()) {
    bool defaultDomain =
        import.domain().empty() || import.domain() == "ai.onnx";
    StringRef domain =
        defaultDomain ? StringRef("") : StringRef(import.domain());
    auto [it, inserted] = importedDomains.try_emplace(domain, import.version());
    if (!inserted && it->second != import.version())
      return emitError(fileLoc)
             << "ONNX model imports domain '" << import.domain()
             << "' at versions " << it->second << " and " << import.version();
    if (import.version() < 1)
      return emitError(fileLoc)
             << "ONNX model imports domain '" << import.domain()
             << "' at version " << import.version() << " (versions start at 1)";
    if (defaultDomain)
      opset = import.version();
  }
  if (opset < kMinOpset || opset > kMaxOpset)
    return emitError(fileLoc)
           << "unsupported ONNX opset " << opset << " (supported: " << kMinOpset
           << " to " << kMaxOpset << ")";

  StringRef modelDir = llvm::sys::path::parent_path(sourceName);
  ImporterContext ic(context, sourceName, modelDir.empty() ? "." : modelDir,
                     opset, options);
  for (const auto &import : model.opset_import())
    ic.domainOpsets[import.domain()] = import.version();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(importGraph(ic, model.graph(), *module, fileLoc)) ||
      failed(checkConstantSizes(*module, options.maxMemoryBytes)))
    return failure();
  if (failed(verify(*module)))
    return failure();
  return module;
}

FailureOr<OwningOpRef<ModuleOp>>
mlc::importONNXFile(MLIRContext *context, StringRef path,
                    const ONNXImportOptions &options) {
  auto file = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!file)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
           << "cannot read '" << path << "': " << file.getError().message();
  return importONNXModel(context, (*file)->getBuffer(), path, options);
}
