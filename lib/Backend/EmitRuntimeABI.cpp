//===- EmitRuntimeABI.cpp - The mlc-emit-runtime-abi pass
//------------------===//
//
// Emits, in the LLVM dialect, the C functions of mlc_runtime.h around the
// lowered `@mlc_entry`, and the constant mlc_tensor_info tables they return.
// The run functions are in EmitRunFunctions.cpp (ABIEmitter.h).
//
//===----------------------------------------------------------------------===//

#include "ABIEmitter.h"

#include "mlc/Backend/Passes.h"
#include "mlc/Conversion/MLCToLinalg/RuntimeHooks.h"
#include "mlc/Runtime/mlc_runtime.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace mlc {
#define GEN_PASS_DEF_EMITRUNTIMEABI
#include "mlc/Backend/Passes.h.inc"
} // namespace mlc

using namespace mlir;
using namespace mlc;

/// The mlc_dtype code of an MLIR element type, or failure.
static FailureOr<int32_t> getDTypeCode(Type type) {
  if (type.isF32())
    return MLC_DTYPE_F32;
  if (type.isF16())
    return MLC_DTYPE_F16;
  if (type.isBF16())
    return MLC_DTYPE_BF16;
  if (type.isF64())
    return MLC_DTYPE_F64;
  if (type.isInteger(1))
    return MLC_DTYPE_BOOL;
  if (isa<Float8E4M3FNType>(type))
    return MLC_DTYPE_F8E4M3FN;
  if (isa<Float8E4M3FNUZType>(type))
    return MLC_DTYPE_F8E4M3FNUZ;
  if (isa<Float8E5M2Type>(type))
    return MLC_DTYPE_F8E5M2;
  if (isa<Float8E5M2FNUZType>(type))
    return MLC_DTYPE_F8E5M2FNUZ;
  if (isa<Float4E2M1FNType>(type))
    return MLC_DTYPE_F4E2M1;
  if (auto intType = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = intType.isUnsigned();
    switch (intType.getWidth()) {
    case 4:
      return isUnsigned ? MLC_DTYPE_U4 : MLC_DTYPE_I4;
    case 8:
      return isUnsigned ? MLC_DTYPE_U8 : MLC_DTYPE_I8;
    case 16:
      return isUnsigned ? MLC_DTYPE_U16 : MLC_DTYPE_I16;
    case 32:
      return isUnsigned ? MLC_DTYPE_U32 : MLC_DTYPE_I32;
    case 64:
      return isUnsigned ? MLC_DTYPE_U64 : MLC_DTYPE_I64;
    default:
      break;
    }
  }
  return failure();
}

LLVM::LLVMFuncOp ABIEmitter::getOrDeclare(StringRef name, Type result,
                                          ArrayRef<Type> params) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  return LLVM::LLVMFuncOp::create(b, loc, name,
                                  LLVM::LLVMFunctionType::get(result, params));
}

LLVM::LLVMFuncOp ABIEmitter::createFunction(StringRef name, Type result,
                                            ArrayRef<Type> params) {
  auto func = LLVM::LLVMFuncOp::create(
      b, loc, name, LLVM::LLVMFunctionType::get(result, params));
  func.addEntryBlock(b);
  return func;
}

/// `const char *mlc_last_error(void)`: the message of the last failed call
/// of this thread ("" before any), held in a thread-local pointer.
void ABIEmitter::emitLastError() {
  errorGlobal = LLVM::GlobalOp::create(
      b, loc, ptrType, /*isConstant=*/false, LLVM::Linkage::Internal,
      "mlc_abi_last_error", Attribute(), /*alignment=*/0, /*addrSpace=*/0,
      /*dsoLocal=*/false, /*thread_local_=*/true);
  {
    Block *init = b.createBlock(&errorGlobal.getInitializerRegion());
    OpBuilder ib = OpBuilder::atBlockEnd(init);
    LLVM::ReturnOp::create(ib, loc,
                           ValueRange{LLVM::ZeroOp::create(ib, loc, ptrType)});
    b.setInsertionPointToEnd(module.getBody());
  }
  auto func = createFunction("mlc_last_error", ptrType, {});
  OpBuilder fb = OpBuilder::atBlockEnd(&func.front());
  Value address = LLVM::AddressOfOp::create(fb, loc, errorGlobal);
  Value message = LLVM::LoadOp::create(fb, loc, ptrType, address);
  Value isNull = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, message,
                                      LLVM::ZeroOp::create(fb, loc, ptrType));
  std::string empty(1, '\0');
  auto emptyGlobal = LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), 1), /*isConstant=*/true,
      LLVM::Linkage::Internal, "mlc_abi_msg_empty", b.getStringAttr(empty));
  LLVM::ReturnOp::create(
      fb, loc,
      ValueRange{LLVM::SelectOp::create(
          fb, loc, isNull, LLVM::AddressOfOp::create(fb, loc, emptyGlobal),
          message)});
}

/// Makes `message` what mlc_last_error returns (at `ob`'s insertion point).
void ABIEmitter::storeError(OpBuilder &ob, StringRef message) {
  LLVM::GlobalOp &global = messages[message];
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  if (!global) {
    std::string text = message.str();
    text.push_back('\0');
    global = LLVM::GlobalOp::create(
        b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal,
        "mlc_abi_msg_" + std::to_string(messages.size() - 1),
        b.getStringAttr(text));
  }
  LLVM::StoreOp::create(ob, loc, LLVM::AddressOfOp::create(ob, loc, global),
                        LLVM::AddressOfOp::create(ob, loc, errorGlobal));
}

FailureOr<LLVM::GlobalOp> ABIEmitter::emitInfoTable(StringRef prefix,
                                                    ArrayAttr tensors) {
  if (tensors.empty())
    return LLVM::GlobalOp();
  struct Entry {
    LLVM::GlobalOp name, shape;
    int32_t dtype, rank;
  };
  SmallVector<Entry> entries;
  for (auto [i, attr] : llvm::enumerate(tensors)) {
    auto dict = dyn_cast<DictionaryAttr>(attr);
    StringAttr name = dict ? dict.getAs<StringAttr>("name") : nullptr;
    TypeAttr typeAttr = dict ? dict.getAs<TypeAttr>("type") : nullptr;
    auto type = typeAttr ? dyn_cast<RankedTensorType>(typeAttr.getValue())
                         : RankedTensorType();
    if (!name || !type)
      return module.emitError("malformed '") << kABIAttrName << "' attribute";
    FailureOr<int32_t> dtype = getDTypeCode(type.getElementType());
    if (failed(dtype))
      return module.emitError("unsupported element type ")
             << type.getElementType() << " at the model boundary";
    std::string base = (prefix + "_" + Twine(i)).str();
    std::string text = name.getValue().str();
    text.push_back('\0');
    auto nameGlobal = LLVM::GlobalOp::create(
        b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal, base + "_name",
        b.getStringAttr(text));
    // A zero-length array cannot be addressed usefully; scalars get [0].
    // mlc_runtime.h spells a dynamic dimension -1.
    SmallVector<int64_t> dims =
        llvm::map_to_vector(type.getShape(), [](int64_t d) {
          return ShapedType::isDynamic(d) ? int64_t(-1) : d;
        });
    if (dims.empty())
      dims.push_back(0);
    auto shapeGlobal = LLVM::GlobalOp::create(
        b, loc, LLVM::LLVMArrayType::get(i64Type, dims.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal, base + "_shape",
        b.getI64TensorAttr(dims));
    entries.push_back({nameGlobal, shapeGlobal, *dtype,
                       static_cast<int32_t>(type.getRank())});
  }

  auto tableType = LLVM::LLVMArrayType::get(infoType, entries.size());
  auto table = LLVM::GlobalOp::create(b, loc, tableType, /*isConstant=*/true,
                                      LLVM::Linkage::Internal,
                                      (prefix + "_info").str(), Attribute());
  Block *init = b.createBlock(&table.getInitializerRegion());
  OpBuilder ib = OpBuilder::atBlockEnd(init);
  Value value = LLVM::UndefOp::create(ib, loc, tableType);
  for (auto [i, entry] : llvm::enumerate(entries)) {
    int64_t idx = i;
    Value fields[] = {LLVM::AddressOfOp::create(ib, loc, entry.name),
                      constI32(ib, entry.dtype), constI32(ib, entry.rank),
                      LLVM::AddressOfOp::create(ib, loc, entry.shape)};
    for (auto [f, field] : llvm::enumerate(fields))
      value = LLVM::InsertValueOp::create(
          ib, loc, value, field,
          ArrayRef<int64_t>{idx, static_cast<int64_t>(f)});
  }
  LLVM::ReturnOp::create(ib, loc, value);
  b.setInsertionPointToEnd(module.getBody());
  return table;
}

/// The mlc_value_info table of the graph values `values` (entries of
/// kGraphValuesAttrName; null: every tensor is a graph value of its own)
/// over the flattened `tensors`, and its two accessors.
LogicalResult ABIEmitter::emitValueTable(StringRef prefix, ArrayAttr tensors,
                                         ArrayAttr values,
                                         StringRef countFunction,
                                         StringRef infoFunction) {
  struct Entry {
    std::string name;
    int32_t kind, present, first, count;
  };
  SmallVector<Entry> entries;
  int32_t first = 0;
  if (values) {
    for (Attribute attr : values) {
      auto dict = dyn_cast<DictionaryAttr>(attr);
      auto name = dict ? dict.getAs<StringAttr>("name") : nullptr;
      auto kind = dict ? dict.getAs<IntegerAttr>("kind") : nullptr;
      auto present = dict ? dict.getAs<IntegerAttr>("present") : nullptr;
      auto count = dict ? dict.getAs<IntegerAttr>("count") : nullptr;
      if (!name || !kind || !present || !count || count.getInt() < 0)
        return module.emitError("malformed '")
               << kGraphValuesAttrName << "' attribute";
      entries.push_back({name.getValue().str(),
                         static_cast<int32_t>(kind.getInt()),
                         static_cast<int32_t>(present.getInt()), first,
                         static_cast<int32_t>(count.getInt())});
      first += count.getInt();
    }
  } else {
    for (Attribute attr : tensors) {
      auto name = cast<DictionaryAttr>(attr).getAs<StringAttr>("name");
      entries.push_back(
          {name.getValue().str(), MLC_VALUE_TENSOR, 1, first++, 1});
    }
  }
  if (first != static_cast<int32_t>(tensors.size()))
    return module.emitError("'")
           << kGraphValuesAttrName << "' describes " << first << " "
           << (prefix.ends_with("input") ? "input" : "output")
           << " tensors, but the model has " << tensors.size();
  emitConstantFunction(countFunction, entries.size());
  LLVM::GlobalOp table;
  if (!entries.empty()) {
    auto valueType = LLVM::LLVMStructType::getLiteral(
        b.getContext(), {ptrType, i32Type, i32Type, i32Type, i32Type});
    SmallVector<LLVM::GlobalOp> names;
    for (auto [i, entry] : llvm::enumerate(entries)) {
      std::string text = entry.name;
      text.push_back('\0');
      names.push_back(LLVM::GlobalOp::create(
          b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal,
          (prefix + "_value_" + Twine(i) + "_name").str(),
          b.getStringAttr(text)));
    }
    auto tableType = LLVM::LLVMArrayType::get(valueType, entries.size());
    table = LLVM::GlobalOp::create(b, loc, tableType, /*isConstant=*/true,
                                   LLVM::Linkage::Internal,
                                   (prefix + "_values").str(), Attribute());
    Block *init = b.createBlock(&table.getInitializerRegion());
    OpBuilder ib = OpBuilder::atBlockEnd(init);
    Value value = LLVM::UndefOp::create(ib, loc, tableType);
    for (auto [i, entry] : llvm::enumerate(entries)) {
      Value fields[] = {LLVM::AddressOfOp::create(ib, loc, names[i]),
                        constI32(ib, entry.kind), constI32(ib, entry.present),
                        constI32(ib, entry.first), constI32(ib, entry.count)};
      for (auto [f, field] : llvm::enumerate(fields))
        value = LLVM::InsertValueOp::create(
            ib, loc, value, field,
            ArrayRef<int64_t>{static_cast<int64_t>(i),
                              static_cast<int64_t>(f)});
    }
    LLVM::ReturnOp::create(ib, loc, value);
    b.setInsertionPointToEnd(module.getBody());
  }
  emitInfoAccessor(infoFunction, table, entries.size());
  return success();
}

void ABIEmitter::emitConstantFunction(StringRef name, int32_t value) {
  auto func = createFunction(name, i32Type, {});
  OpBuilder fb = OpBuilder::atBlockEnd(&func.front());
  LLVM::ReturnOp::create(fb, loc, constI32(fb, value));
}

/// `const mlc_tensor_info *name(int32_t index)`: null when out of range.
void ABIEmitter::emitInfoAccessor(StringRef name, LLVM::GlobalOp table,
                                  size_t count) {
  auto func = createFunction(name, ptrType, {i32Type});
  OpBuilder fb = OpBuilder::atBlockEnd(&func.front());
  Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
  if (!table) {
    LLVM::ReturnOp::create(fb, loc, null);
    return;
  }
  Value index = func.getArgument(0);
  Value inRange = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ult, index,
                                       constI32(fb, count));
  Value base = LLVM::AddressOfOp::create(fb, loc, table);
  Value element = LLVM::GEPOp::create(fb, loc, ptrType, table.getGlobalType(),
                                      base, ArrayRef<LLVM::GEPArg>{0, index});
  LLVM::ReturnOp::create(
      fb, loc, LLVM::SelectOp::create(fb, loc, inRange, element, null));
}

/// The context holds the requested thread count, which mlc_run hands to
/// the parallel tile loops (emitThreadCount).
void ABIEmitter::emitContextFunctions() {
  Type voidType = LLVM::LLVMVoidType::get(b.getContext());
  auto malloc = getOrDeclare("malloc", ptrType, {i64Type});
  auto free = getOrDeclare("free", voidType, {ptrType});
  auto create = createFunction("mlc_context_create", ptrType, {i32Type});
  {
    OpBuilder fb = OpBuilder::atBlockEnd(&create.front());
    Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
    Value ctx = LLVM::CallOp::create(fb, loc, malloc,
                                     ValueRange{constI64(fb, kContextBytes)})
                    .getResult();
    Value isNull =
        LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, ctx, null);
    Block *store = fb.createBlock(&create.getBody());
    Block *exit = fb.createBlock(&create.getBody());
    fb.setInsertionPointToEnd(&create.front());
    LLVM::CondBrOp::create(fb, loc, isNull, exit, store);
    fb.setInsertionPointToEnd(store);
    LLVM::StoreOp::create(fb, loc, create.getArgument(0), ctx);
    // The arena of the memory plan is allocated by the first run (lazily:
    // a run reports that it does not fit as MLC_ERROR_OUT_OF_MEMORY).
    LLVM::StoreOp::create(fb, loc, null, getArenaSlot(fb, ctx));
    // Random ops without a seed draw from a key that differs between
    // contexts (the creation time and the context's address); the counter
    // starts at 0, so ops with a seed repeat their stream in every context.
    auto time = getOrDeclare("time", i64Type, {ptrType});
    Value now =
        LLVM::CallOp::create(fb, loc, time, ValueRange{null}).getResult();
    Value seed = LLVM::XOrOp::create(
        fb, loc,
        LLVM::MulOp::create(fb, loc, now,
                            constI64(fb, int64_t(0x9E3779B97F4A7C15ull))),
        LLVM::PtrToIntOp::create(fb, loc, i64Type, ctx));
    LLVM::StoreOp::create(fb, loc, seed, getI64Slot(fb, ctx, kRandomSeedSlot));
    LLVM::StoreOp::create(fb, loc, constI64(fb, 0),
                          getI64Slot(fb, ctx, kRandomCounterSlot));
    LLVM::BrOp::create(fb, loc, exit);
    fb.setInsertionPointToEnd(exit);
    LLVM::ReturnOp::create(fb, loc, ctx);
  }
  auto destroy = createFunction("mlc_context_destroy", voidType, {ptrType});
  OpBuilder fb = OpBuilder::atBlockEnd(&destroy.front());
  Value ctx = destroy.getArgument(0);
  Value isNull = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, ctx,
                                      LLVM::ZeroOp::create(fb, loc, ptrType));
  Block *release = fb.createBlock(&destroy.getBody());
  Block *exit = fb.createBlock(&destroy.getBody());
  fb.setInsertionPointToEnd(&destroy.front());
  LLVM::CondBrOp::create(fb, loc, isNull, exit, release);
  fb.setInsertionPointToEnd(release);
  Value arena = LLVM::LoadOp::create(fb, loc, ptrType, getArenaSlot(fb, ctx));
  LLVM::CallOp::create(fb, loc, free, ValueRange{arena});
  LLVM::CallOp::create(fb, loc, free, ValueRange{ctx});
  LLVM::BrOp::create(fb, loc, exit);
  fb.setInsertionPointToEnd(exit);
  LLVM::ReturnOp::create(fb, loc, ValueRange{});
}

Value ABIEmitter::appendArena(OpBuilder &ob, Value context,
                              SmallVectorImpl<Value> &args) {
  if (arenaBytes == 0)
    return {};
  // `void *__mlc_context_arena(ctx)`: the context's arena, allocated on
  // first use (64-byte aligned); null when it cannot be.
  auto getter = module.lookupSymbol<LLVM::LLVMFuncOp>("__mlc_context_arena");
  if (!getter) {
    OpBuilder::InsertionGuard guard(b);
    auto alignedAlloc =
        getOrDeclare("aligned_alloc", ptrType, {i64Type, i64Type});
    getter = LLVM::LLVMFuncOp::create(
        b, loc, "__mlc_context_arena",
        LLVM::LLVMFunctionType::get(ptrType, {ptrType}),
        LLVM::Linkage::Internal);
    Block *entryBlock = getter.addEntryBlock(b);
    OpBuilder gb = OpBuilder::atBlockEnd(entryBlock);
    Value slot = getArenaSlot(gb, getter.getArgument(0));
    Value arena = LLVM::LoadOp::create(gb, loc, ptrType, slot);
    Value null = LLVM::ZeroOp::create(gb, loc, ptrType);
    Value have =
        LLVM::ICmpOp::create(gb, loc, LLVM::ICmpPredicate::ne, arena, null);
    Block *done = gb.createBlock(&getter.getBody());
    LLVM::ReturnOp::create(gb, loc, arena);
    Block *allocate = gb.createBlock(&getter.getBody());
    Value fresh = LLVM::CallOp::create(
                      gb, loc, alignedAlloc,
                      ValueRange{constI64(gb, 64),
                                 constI64(gb, (arenaBytes + 63) / 64 * 64)})
                      .getResult();
    LLVM::StoreOp::create(gb, loc, fresh, slot);
    LLVM::ReturnOp::create(gb, loc, fresh);
    gb.setInsertionPointToEnd(entryBlock);
    LLVM::CondBrOp::create(gb, loc, have, done, allocate);
  }
  Value arena =
      LLVM::CallOp::create(ob, loc, getter, ValueRange{context}).getResult();
  args.push_back(arena);
  return LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::eq, arena,
                              LLVM::ZeroOp::create(ob, loc, ptrType));
}

/// The parallel tile loops (omp.parallel) run on the thread count of the
/// context that runs them: mlc_run stores it into a thread-local global
/// that every parallel region reads, so that contexts with different
/// counts may run at once on different threads. libomp keeps its workers
/// between runs.
void ABIEmitter::emitThreadCount() {
  SmallVector<omp::ParallelOp> regions;
  module.walk([&](omp::ParallelOp op) { regions.push_back(op); });
  // mlc-cpu-lower-parallel-loops declares the getter and calls it.
  auto getter = module.lookupSymbol<LLVM::LLVMFuncOp>(kThreadCountFunc);
  if (regions.empty() && !getter)
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  threadCountGlobal = LLVM::GlobalOp::create(
      b, loc, i32Type, /*isConstant=*/false, LLVM::Linkage::Internal,
      "__mlc_num_threads", b.getI32IntegerAttr(1), /*alignment=*/4,
      /*addrSpace=*/0, /*dsoLocal=*/true, /*thread_local_=*/true);
  // Read through a function: the OpenMP translation of MLIR 22 rejects an
  // omp.parallel whose num_threads loads a thread-local global directly
  // ("missing LLVMTranslationDialectInterface registration"); LLVM inlines
  // the call.
  if (!getter)
    getter = LLVM::LLVMFuncOp::create(b, loc, kThreadCountFunc,
                                      LLVM::LLVMFunctionType::get(i32Type, {}),
                                      LLVM::Linkage::Internal);
  getter.setLinkage(LLVM::Linkage::Internal);
  {
    OpBuilder gb = OpBuilder::atBlockEnd(getter.addEntryBlock(b));
    Value address = LLVM::AddressOfOp::create(gb, loc, threadCountGlobal);
    LLVM::ReturnOp::create(
        gb, loc, LLVM::LoadOp::create(gb, loc, i32Type, address).getResult());
  }
  for (omp::ParallelOp region : regions) {
    if (region.getNumThreads())
      continue;
    OpBuilder rb(region);
    region.getNumThreadsMutable().assign(
        LLVM::CallOp::create(rb, loc, getter, ValueRange{}).getResult());
  }
}

/// Stores max(1, context->num_threads) into the thread-count global, when
/// there is one.
void ABIEmitter::storeThreadCount(OpBuilder &ob, Value context) {
  if (!threadCountGlobal)
    return;
  Value count = LLVM::LoadOp::create(ob, loc, i32Type, context);
  Value one = constI32(ob, 1);
  Value tooFew =
      LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::slt, count, one);
  count = LLVM::SelectOp::create(ob, loc, tooFew, one, count);
  LLVM::StoreOp::create(ob, loc, count,
                        LLVM::AddressOfOp::create(ob, loc, threadCountGlobal));
}

LogicalResult ABIEmitter::emit(ArrayAttr inputs, ArrayAttr outputs,
                               bool dynamic) {
  if (auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName))
    tracker.reroute(entry);
  FailureOr<LLVM::GlobalOp> inputTable = emitInfoTable("mlc_abi_input", inputs);
  FailureOr<LLVM::GlobalOp> outputTable =
      emitInfoTable("mlc_abi_output", outputs);
  if (failed(inputTable) || failed(outputTable))
    return failure();
  emitConstantFunction("mlc_abi_version", MLC_ABI_VERSION);
  emitConstantFunction("mlc_num_inputs", inputs.size());
  emitConstantFunction("mlc_num_outputs", outputs.size());
  emitInfoAccessor("mlc_input_info", *inputTable, inputs.size());
  emitInfoAccessor("mlc_output_info", *outputTable, outputs.size());
  auto graphValues =
      module->getAttrOfType<DictionaryAttr>(kGraphValuesAttrName);
  if (failed(emitValueTable("mlc_abi_input", inputs,
                            graphValues ? graphValues.getAs<ArrayAttr>("inputs")
                                        : nullptr,
                            "mlc_num_graph_inputs", "mlc_graph_input_info")) ||
      failed(emitValueTable(
          "mlc_abi_output", outputs,
          graphValues ? graphValues.getAs<ArrayAttr>("outputs") : nullptr,
          "mlc_num_graph_outputs", "mlc_graph_output_info")))
    return failure();
  emitContextFunctions();
  emitThreadCount();
  // Before the run functions: the entry's run-time errors store messages.
  emitLastError();
  if (dynamic)
    emitRunRejectingDynamic();
  else if (failed(emitRun(inputs, outputs)))
    return failure();
  return emitRunDynamic(inputs, outputs, dynamic);
}

namespace {
struct EmitRuntimeABIPass : mlc::impl::EmitRuntimeABIBase<EmitRuntimeABIPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto abi = module->getAttrOfType<DictionaryAttr>(kABIAttrName);
    ArrayAttr inputs = abi ? abi.getAs<ArrayAttr>("inputs") : nullptr;
    ArrayAttr outputs = abi ? abi.getAs<ArrayAttr>("outputs") : nullptr;
    if (!inputs || !outputs) {
      module.emitError("missing '")
          << kABIAttrName << "' attribute (run mlc-expose-entry first)";
      return signalPassFailure();
    }
    bool dynamic = static_cast<bool>(abi.get("dynamic"));
    auto arena = module->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
    AllocationTracker tracker(module);
    if (failed(ABIEmitter(module, arena ? arena.getInt() : 0, tracker)
                   .emit(inputs, outputs, dynamic)))
      return signalPassFailure();
    module->removeAttr(kABIAttrName);
    module->removeAttr(kGraphValuesAttrName);
    module->removeAttr(kArenaSizeAttr);
    // The arena argument's marker has no meaning in LLVM IR.
    if (auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName))
      for (unsigned i = 0, e = entry.getNumArguments(); i < e; ++i)
        entry.removeArgAttr(i, StringAttr::get(&getContext(), kArenaArgAttr));
  }
};
} // namespace
