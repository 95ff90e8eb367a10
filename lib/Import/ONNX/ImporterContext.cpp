//===- ImporterContext.cpp - State of one ONNX graph import ---------------===//

#include "ImporterContext.h"

#include "mlc/Dialect/MLC/Transforms/ConstantEvaluator.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

Location ImporterContext::getNodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  MLIRContext *ctx = builder.getContext();
  return NameLoc::get(StringAttr::get(ctx, name),
                      FileLineColLoc::get(ctx, sourceName, 0, 0));
}

FailureOr<Value> ImporterContext::getInput(const onnx::NodeProto &node, int i,
                                           Location loc) {
  if (i >= node.input_size() || node.input(i).empty())
    return Value();
  auto it = values.find(node.input(i));
  if (it == values.end())
    return emitError(loc) << "input '" << node.input(i) << "' of "
                          << node.op_type() << " is not defined";
  return it->second;
}

FailureOr<Value> ImporterContext::getRequiredInput(const onnx::NodeProto &node,
                                                   int i, Location loc) {
  FailureOr<Value> value = getInput(node, i, loc);
  if (succeeded(value) && !*value)
    return emitError(loc) << node.op_type() << " is missing input " << i;
  return value;
}

FailureOr<SmallVector<int64_t>>
ImporterContext::getConstantInts(Value value, Location loc, StringRef what) {
  // Shape operands are often computed (Shape -> Gather -> Concat in torch
  // exports): evaluate such subgraphs now, since the ops being imported
  // need them as attributes.
  FailureOr<ConstTensor> folded =
      value ? foldToConstant(value) : FailureOr<ConstTensor>(failure());
  if (failed(folded) || folded->isFloat())
    return emitError(loc) << what << " must be a constant integer tensor";
  return SmallVector<int64_t>(folded->ints.begin(), folded->ints.end());
}

FailureOr<double> ImporterContext::getConstantScalar(Value value, Location loc,
                                                     StringRef what) {
  FailureOr<ConstTensor> folded =
      value ? foldToConstant(value) : FailureOr<ConstTensor>(failure());
  if (failed(folded) || !folded->isFloat() || folded->size() != 1)
    return emitError(loc) << what << " must be a constant float scalar";
  return folded->floats[0];
}

FailureOr<Type> ImporterContext::convertElementType(int32_t onnxType,
                                                    Location loc) {
  Builder &b = builder;
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  // The float8/float4 and 4-bit integer codes of ONNX 1.14 and later, which
  // Debian's onnx.proto (1.12) does not name.
  case kOnnxFloat8E4M3FN:
    return Float8E4M3FNType::get(b.getContext());
  case kOnnxFloat8E4M3FNUZ:
    return Float8E4M3FNUZType::get(b.getContext());
  case kOnnxFloat8E5M2:
    return Float8E5M2Type::get(b.getContext());
  case kOnnxFloat8E5M2FNUZ:
    return Float8E5M2FNUZType::get(b.getContext());
  case kOnnxUInt4:
  case kOnnxInt4:
    return b.getIntegerType(4);
  case kOnnxFloat4E2M1:
    return Float4E2M1FNType::get(b.getContext());
  default:
    return emitError(loc) << "unsupported ONNX element type " << onnxType;
  }
}

bool ImporterContext::isUnsignedElementType(int32_t onnxType) {
  return onnxType == onnx::TensorProto::UINT8 ||
         onnxType == onnx::TensorProto::UINT16 ||
         onnxType == onnx::TensorProto::UINT32 ||
         onnxType == onnx::TensorProto::UINT64 || onnxType == kOnnxUInt4;
}

void ImporterContext::propagateUnsigned(const onnx::NodeProto &node) {
  if (node.op_type() == "Cast" || node.op_type() == "CastLike")
    return;
  if (node.op_type() == "Constant" && node.output_size() == 1) {
    const onnx::AttributeProto *value = findAttr(node, "value");
    auto it = values.find(node.output(0));
    if (value && value->has_t() && it != values.end() &&
        isUnsignedElementType(value->t().data_type()))
      unsignedValues.insert(it->second);
    return;
  }
  llvm::SmallDenseSet<Type> unsignedTypes;
  for (const std::string &name : node.input()) {
    auto it = values.find(name);
    if (!name.empty() && it != values.end() && isUnsigned(it->second))
      unsignedTypes.insert(getElementTypeOrSelf(it->second.getType()));
  }
  if (unsignedTypes.empty())
    return;
  for (auto [i, name] : llvm::enumerate(node.output())) {
    auto it = values.find(name);
    if (name.empty() || it == values.end())
      continue;
    // Positions along an axis are int64 whatever the data's type.
    bool isIndexOutput =
        (node.op_type() == "TopK" && i == 1) ||
        ((node.op_type() == "ArgMax" || node.op_type() == "ArgMin") && i == 0);
    if (isIndexOutput)
      continue;
    Type elementType = getElementTypeOrSelf(it->second.getType());
    if (!elementType.isInteger(1) && unsignedTypes.contains(elementType))
      unsignedValues.insert(it->second);
  }
}

/// Whether `path` (made real) lies under the real directory `dir`.
static bool isUnder(StringRef path, StringRef dir) {
  if (!path.starts_with(dir))
    return false;
  if (dir.ends_with(llvm::sys::path::get_separator()))
    return true;
  return path.size() > dir.size() &&
         llvm::sys::path::is_separator(path[dir.size()]);
}

/// Reads a tensor's external data file, which must lie under `modelDir`:
/// neither its path nor the symbolic links on the way may leave it.
static FailureOr<std::string> readExternalData(const onnx::TensorProto &tensor,
                                               StringRef modelDir,
                                               Location loc) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" &&
             (StringRef(entry.value()).getAsInteger(10, offset) || offset < 0))
      return emitError(loc) << "bad external data offset '" << entry.value()
                            << "' of tensor '" << tensor.name() << "'";
    else if (entry.key() == "length" &&
             (StringRef(entry.value()).getAsInteger(10, length) || length < 0))
      return emitError(loc) << "bad external data length '" << entry.value()
                            << "' of tensor '" << tensor.name() << "'";
  }
  bool escapes = location.empty() || llvm::sys::path::is_absolute(location) ||
                 location.find('\0') != std::string::npos;
  for (auto it = llvm::sys::path::begin(location),
            end = llvm::sys::path::end(location);
       it != end; ++it)
    escapes |= *it == "..";
  if (escapes)
    return emitError(loc) << "external data path '" << location
                          << "' of tensor '" << tensor.name()
                          << "' escapes the model's directory";
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, location);
  // Symbolic links (of the file or of a directory on its path) are followed
  // by reading: what they resolve to must stay under the model's directory.
  SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(modelDir, realDir) ||
      llvm::sys::fs::real_path(path, realPath))
    return emitError(loc) << "cannot read external data '" << path
                          << "' of tensor '" << tensor.name() << "'";
  if (!isUnder(realPath, realDir))
    return emitError(loc) << "external data path '" << location
                          << "' of tensor '" << tensor.name()
                          << "' escapes the model's directory (it resolves to '"
                          << realPath << "')";
  if (!llvm::sys::fs::is_regular_file(realPath))
    return emitError(loc) << "external data '" << path << "' of tensor '"
                          << tensor.name() << "' is not a regular file";
  auto file = llvm::MemoryBuffer::getFile(realPath, /*IsText=*/false);
  if (!file)
    return emitError(loc) << "cannot read external data '" << path << "'";
  StringRef data = (*file)->getBuffer();
  uint64_t available = data.size();
  if (static_cast<uint64_t>(offset) > available ||
      (length >= 0 && static_cast<uint64_t>(length) >
                          available - static_cast<uint64_t>(offset)))
    return emitError(loc) << "external data of '" << tensor.name()
                          << "' lies outside its file";
  data = data.drop_front(offset);
  if (length >= 0)
    data = data.take_front(length);
  return data.str();
}

/// Serializes the typed fields of `tensor` to little-endian bytes of
/// `elementType`; int32_data cannot hold elements wider than 32 bits (read
/// past its values before: found by mlc-fuzz-compile).
static FailureOr<std::string> packTypedData(const onnx::TensorProto &tensor,
                                            Type elementType, Location loc) {
  std::string bytes;
  auto append = [&](const void *p, size_t n) {
    bytes.append(static_cast<const char *>(p), n);
  };
  // 4-bit types hold one packed byte per int32 (unpacked by the caller).
  unsigned width = std::max(8u, elementType.getIntOrFloatBitWidth());
  if (tensor.float_data_size())
    for (float v : tensor.float_data())
      append(&v, 4);
  else if (tensor.double_data_size())
    for (double v : tensor.double_data())
      append(&v, 8);
  else if (tensor.int64_data_size())
    for (int64_t v : tensor.int64_data())
      append(&v, 8);
  else if (tensor.uint64_data_size()) // uint32 and uint64
    for (uint64_t v : tensor.uint64_data())
      append(&v, width / 8);
  else if (width > 32 && tensor.int32_data_size())
    return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                          << elementType
                          << " elements in int32_data, which holds at most "
                             "32-bit values";
  else
    for (int32_t v : tensor.int32_data()) // int8..uint16, bool, f16, bf16
      append(&v, width / 8);
  return bytes;
}

FailureOr<ElementsAttr>
ImporterContext::convertTensor(const onnx::TensorProto &tensor, Location loc) {
  FailureOr<Type> elementType = convertElementType(tensor.data_type(), loc);
  if (failed(elementType))
    return failure();
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has a negative dimension";
  // The size must be computed with overflow checks: getNumElements() would
  // wrap, and a wrapped size can match the byte count of a truncated tensor.
  // i1 is stored one byte per element, as in ONNX; 4-bit types two per byte
  // (low nibble first), checked below.
  bool isFourBit = elementType->getIntOrFloatBitWidth() == 4;
  size_t elementBytes = (elementType->getIntOrFloatBitWidth() + 7) / 8;
  std::optional<int64_t> numElements = 1;
  for (int64_t dim : shape)
    if (numElements)
      numElements = llvm::checkedMul(*numElements, dim);
  if (!numElements ||
      !llvm::checkedMul(*numElements, static_cast<int64_t>(elementBytes)))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' is too large (its size overflows 64 bits)";
  auto type = RankedTensorType::get(shape, *elementType);
  // Checked before any data is read or copied: a declared size may be far
  // beyond what the file holds.
  uint64_t declaredBytes =
      isFourBit ? (static_cast<uint64_t>(*numElements) + 1) / 2
                : static_cast<uint64_t>(*numElements) * elementBytes;
  uint64_t maxBytes = options.maxMemoryBytes;
  if (declaredBytes > maxBytes || constantBytes + declaredBytes > maxBytes)
    refused = true;
  if (declaredBytes > maxBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' takes "
                          << declaredBytes
                          << " bytes, more than the memory limit of "
                          << maxBytes << " bytes (mlc-compile --max-memory)";
  if (constantBytes + declaredBytes > maxBytes)
    return emitError(loc) << "the model's constant tensors take more than "
                          << maxBytes << " bytes, the memory limit "
                          << "(mlc-compile --max-memory), at tensor '"
                          << tensor.name() << "'";
  constantBytes += declaredBytes;

  std::string bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> external = readExternalData(tensor, modelDir, loc);
    if (failed(external))
      return failure();
    bytes = std::move(*external);
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    FailureOr<std::string> packed = packTypedData(tensor, *elementType, loc);
    if (failed(packed))
      return failure();
    bytes = std::move(*packed);
  }
  if (isFourBit) {
    size_t packedBytes = (*numElements + 1) / 2;
    // int32_data holds packed bytes too, but onnx's text parser writes one
    // value per entry: accept both (they agree for a single element).
    bool unpacked = tensor.data_location() != onnx::TensorProto::EXTERNAL &&
                    !tensor.has_raw_data() &&
                    tensor.int32_data_size() == *numElements;
    if (unpacked) {
      std::string packed(packedBytes, '\0');
      for (int64_t i = 0; i < *numElements; ++i)
        packed[i / 2] = static_cast<char>(
            static_cast<uint8_t>(packed[i / 2]) |
            ((tensor.int32_data(i) & 0xF) << (i % 2 ? 4 : 0)));
      bytes = std::move(packed);
    }
    if (bytes.size() != packedBytes)
      return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                            << bytes.size() << " bytes, expected "
                            << packedBytes << " (4-bit values, two per byte)";
    SmallVector<APInt> codes;
    codes.reserve(*numElements);
    for (int64_t i = 0; i < *numElements; ++i)
      codes.emplace_back(
          4, (static_cast<uint8_t>(bytes[i / 2]) >> (i % 2 ? 4 : 0)) & 0xF);
    if (auto floatType = dyn_cast<FloatType>(*elementType)) {
      SmallVector<APFloat> values;
      for (const APInt &code : codes)
        values.emplace_back(floatType.getFloatSemantics(), code);
      return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
    }
    return cast<ElementsAttr>(DenseElementsAttr::get(type, codes));
  }
  if (bytes.size() != *numElements * elementBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                          << bytes.size() << " bytes, expected "
                          << *numElements * elementBytes;

  if (*numElements > kInlineElementLimit && !elementType->isInteger(1)) {
    std::string blobName = tensor.name().empty() ? "tensor" : tensor.name();
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes.data(), bytes.size()), alignof(uint64_t));
    return cast<ElementsAttr>(
        DenseResourceElementsAttr::get(type, blobName, std::move(blob)));
  }
  if (elementType->isInteger(1)) {
    SmallVector<bool> bools;
    for (char c : bytes)
      bools.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, bools));
  }
  bool isSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(
          type, ArrayRef<char>(bytes.data(), bytes.size()), isSplat))
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has malformed data";
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size())));
}

const onnx::AttributeProto *
mlc::onnx_import::findAttr(const onnx::NodeProto &node, StringRef name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t mlc::onnx_import::getIntAttr(const onnx::NodeProto &node,
                                     StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : defaultValue;
}

float mlc::onnx_import::getFloatAttr(const onnx::NodeProto &node,
                                     StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->f() : defaultValue;
}

std::string mlc::onnx_import::getStringAttr(const onnx::NodeProto &node,
                                            StringRef name,
                                            StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->s() : defaultValue.str();
}

SmallVector<int64_t>
mlc::onnx_import::getIntsAttr(const onnx::NodeProto &node, StringRef name,
                              ArrayRef<int64_t> defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr)
    return SmallVector<int64_t>(defaultValue);
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}
