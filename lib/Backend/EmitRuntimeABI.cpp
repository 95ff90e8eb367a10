//===- EmitRuntimeABI.cpp - The mlc-emit-runtime-abi pass ------------------===//
//
// Emits, in the LLVM dialect, the C functions of mlc_runtime.h around the
// lowered `@mlc_entry`, and the constant mlc_tensor_info tables they return.
//
//===----------------------------------------------------------------------===//

#include "AllocationTracker.h"

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

namespace {

/// Builds the ABI into one module; keeps the builder and common types.
class ABIEmitter {
public:
  ABIEmitter(ModuleOp module, int64_t arenaBytes, AllocationTracker &tracker)
      : module(module), b(module.getContext()), loc(module.getLoc()),
        ptrType(LLVM::LLVMPointerType::get(module.getContext())),
        i32Type(b.getI32Type()), i64Type(b.getI64Type()),
        infoType(LLVM::LLVMStructType::getLiteral(
            module.getContext(), {ptrType, i32Type, i32Type, ptrType})),
        arenaBytes(arenaBytes), tracker(tracker) {
    b.setInsertionPointToEnd(module.getBody());
  }

  LogicalResult emit(ArrayAttr inputs, ArrayAttr outputs, bool dynamic);

  /// The context: {int32_t num_threads; void *arena; uint64_t random_seed;
  /// uint64_t random_counter;}. It is opaque to users (mlc_runtime.h only
  /// declares it), so fields may be added at its end within an ABI version:
  /// the random fields came after the first two, at offsets 16 and 24.
  static constexpr int64_t kContextBytes = 32;
  static constexpr int32_t kArenaSlot = 1;
  static constexpr int32_t kRandomSeedSlot = 2;
  static constexpr int32_t kRandomCounterSlot = 3;
  /// The address of the context's arena pointer.
  Value getArenaSlot(OpBuilder &ob, Value context) {
    return LLVM::GEPOp::create(ob, loc, ptrType, ptrType, context,
                               ArrayRef<LLVM::GEPArg>{kArenaSlot});
  }
  /// The address of the context's 64-bit field number `slot` (of 8 bytes).
  Value getI64Slot(OpBuilder &ob, Value context, int32_t slot) {
    return LLVM::GEPOp::create(ob, loc, ptrType, i64Type, context,
                               ArrayRef<LLVM::GEPArg>{slot});
  }
  /// Appends the context's arena to `args` when the entry takes one, and
  /// returns whether it is missing (it could not be allocated).
  Value appendArena(OpBuilder &ob, Value context, SmallVectorImpl<Value> &args);

private:
  FailureOr<LLVM::GlobalOp> emitInfoTable(StringRef prefix, ArrayAttr tensors);
  void emitConstantFunction(StringRef name, int32_t value);
  void emitInfoAccessor(StringRef name, LLVM::GlobalOp table, size_t count);
  void emitContextFunctions();
  void emitThreadCount();
  void storeThreadCount(OpBuilder &ob, Value context);
  LogicalResult emitRun(ArrayAttr inputs, ArrayAttr outputs);
  /// True when `p` is not a multiple of the element size of `type`: the
  /// compiled code accesses elements at their natural alignment.
  Value isMisaligned(OpBuilder &ob, Value p, RankedTensorType type);
  /// elementBytes * product(sizes) for sizes >= 0, saturated at INT64_MAX.
  Value getSaturatedBytes(OpBuilder &ob, int64_t elementBytes,
                          ArrayRef<Value> sizes);
  void emitRunRejectingDynamic();
  LogicalResult emitRunDynamic(ArrayAttr inputs, ArrayAttr outputs,
                               bool dynamic);
  void emitLastError();
  void storeError(OpBuilder &ob, StringRef message);
  LogicalResult addRunChecks(LLVM::LLVMFuncOp entry);
  Value callEntry(OpBuilder &ob, LLVM::LLVMFuncOp entry, ValueRange args,
                  Block *okBlock, StringRef function);
  LLVM::LLVMFuncOp getOrDeclare(StringRef name, Type result,
                                ArrayRef<Type> params);
  LLVM::LLVMFuncOp createFunction(StringRef name, Type result,
                                  ArrayRef<Type> params);
  Value constI32(OpBuilder &ob, int64_t v) {
    return LLVM::ConstantOp::create(ob, loc, i32Type, v);
  }
  Value constI64(OpBuilder &ob, int64_t v) {
    return LLVM::ConstantOp::create(ob, loc, i64Type, v);
  }

  ModuleOp module;
  OpBuilder b;
  Location loc;
  Type ptrType, i32Type, i64Type;
  LLVM::LLVMStructType infoType;
  /// The thread-local `const char *` that mlc_last_error returns, and the
  /// constant message strings stored into it.
  LLVM::GlobalOp errorGlobal;
  llvm::StringMap<LLVM::GlobalOp> messages;
  /// The thread-local thread count of the entry's parallel regions; null
  /// when the entry has none.
  LLVM::GlobalOp threadCountGlobal;
  /// Whether the entry takes the context as its last argument (it draws
  /// random numbers: addRunChecks).
  bool entryTakesContext = false;
  /// Bytes of the arena of the static memory plan (mlc-cpu-plan-memory),
  /// a trailing argument of the entry; 0 without one.
  int64_t arenaBytes = 0;
  /// The heap calls of the lowered code, rerouted before the ABI's own
  /// functions (whose context and arena use the system's) are emitted.
  AllocationTracker &tracker;
};

} // namespace

LLVM::LLVMFuncOp ABIEmitter::getOrDeclare(StringRef name, Type result,
                                          ArrayRef<Type> params) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  return LLVM::LLVMFuncOp::create(
      b, loc, name, LLVM::LLVMFunctionType::get(result, params));
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
    LLVM::ReturnOp::create(ib, loc, ValueRange{LLVM::ZeroOp::create(ib, loc, ptrType)});
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
    SmallVector<int64_t> dims = llvm::map_to_vector(
        type.getShape(),
        [](int64_t d) { return ShapedType::isDynamic(d) ? int64_t(-1) : d; });
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
  Value inRange = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ult,
                                       index, constI32(fb, count));
  Value base = LLVM::AddressOfOp::create(fb, loc, table);
  Value element = LLVM::GEPOp::create(
      fb, loc, ptrType, table.getGlobalType(), base,
      ArrayRef<LLVM::GEPArg>{0, index});
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
    Value fresh =
        LLVM::CallOp::create(
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
  if (regions.empty())
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
  auto getter = LLVM::LLVMFuncOp::create(
      b, loc, "__mlc_thread_count", LLVM::LLVMFunctionType::get(i32Type, {}),
      LLVM::Linkage::Internal);
  {
    OpBuilder gb = OpBuilder::atBlockEnd(getter.addEntryBlock(b));
    Value address = LLVM::AddressOfOp::create(gb, loc, threadCountGlobal);
    LLVM::ReturnOp::create(gb, loc,
                           LLVM::LoadOp::create(gb, loc, i32Type, address)
                               .getResult());
  }
  for (omp::ParallelOp region : regions) {
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
  LLVM::StoreOp::create(
      ob, loc, count, LLVM::AddressOfOp::create(ob, loc, threadCountGlobal));
}

/// The tensor type recorded for one input or output in `mlc.abi`.
static RankedTensorType getABIType(Attribute attr) {
  return cast<RankedTensorType>(
      cast<DictionaryAttr>(attr).getAs<TypeAttr>("type").getValue());
}

static int64_t getElementBytes(Type type) {
  // Sub-byte types (i1, i4, f4E2M1FN) take a byte each, as LLVM stores them.
  return (type.getIntOrFloatBitWidth() + 7) / 8;
}

/// Makes the lowered entry return an mlc_status instead of nothing:
/// - MLC_ERROR_OUT_OF_MEMORY when an allocation of a non-zero size in its
///   body returned null (a model whose buffers do not fit in memory would
///   otherwise write through a null pointer and kill the process running
///   it); it returns at once, after freeing the blocks its body allocated
///   before (AllocationTracker, whose reroute must have run): nothing leaks;
/// - MLC_ERROR_MODEL where it calls the runtime-error hook (an If branch
///   that was not compiled for these shapes, RuntimeHooks.h), after making
///   the call's message what mlc_last_error returns and freeing the blocks
///   its body allocated, as above;
/// - MLC_OK otherwise.
LogicalResult ABIEmitter::addRunChecks(LLVM::LLVMFuncOp entry) {
  MLIRContext *ctx = entry.getContext();
  Location loc = entry.getLoc();
  entry.setFunctionType(LLVM::LLVMFunctionType::get(
      i32Type, entry.getFunctionType().getParams()));
  auto returnStatus = [&](OpBuilder &b, int32_t status) {
    LLVM::ReturnOp::create(b, loc, ValueRange{constI32(b, status)});
  };
  SmallVector<LLVM::ReturnOp> returns;
  SmallVector<std::pair<LLVM::CallOp, Value>> allocations;
  SmallVector<LLVM::CallOp> errors, randomCalls;
  WalkResult walk = entry.walk([&](Operation *op) {
    if (auto ret = dyn_cast<LLVM::ReturnOp>(op))
      returns.push_back(ret);
    auto call = dyn_cast<LLVM::CallOp>(op);
    std::optional<StringRef> callee = call ? call.getCallee() : std::nullopt;
    bool nested = call && call->getParentRegion() != &entry.getBody();
    if (callee == kRandomSeedFuncName || callee == kRandomCounterFuncName) {
      randomCalls.push_back(call);
      return WalkResult::advance();
    }
    if (callee == kRuntimeErrorFuncName) {
      // A call inside a parallel region (an outlined function after
      // translation) cannot branch to the entry's return.
      if (nested) {
        call.emitError("a run-time error inside a parallel region");
        return WalkResult::interrupt();
      }
      errors.push_back(call);
      return WalkResult::advance();
    }
    if (nested)
      return WalkResult::advance();
    // The entry body's allocations, rerouted by the tracker.
    if (callee == "__mlc_tracked_malloc" && call.getArgOperands().size() == 1)
      allocations.push_back({call, call.getArgOperands()[0]});
    else if (callee == "__mlc_tracked_aligned_alloc" &&
             call.getArgOperands().size() == 2)
      allocations.push_back({call, call.getArgOperands()[1]});
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  for (LLVM::ReturnOp ret : returns) {
    OpBuilder rb(ret);
    returnStatus(rb, MLC_OK);
    ret.erase();
  }
  // Frees the blocks that the entry's body allocated so far (none are
  // tracked without allocations).
  auto releaseAllocations = [&](OpBuilder &rb) {
    if (!allocations.empty())
      LLVM::CallOp::create(rb, loc, tracker.getReleaseFunction(), ValueRange{});
  };
  if (!allocations.empty()) {
    Block *failBlock = new Block();
    entry.getBody().push_back(failBlock);
    OpBuilder fb = OpBuilder::atBlockEnd(failBlock);
    releaseAllocations(fb);
    returnStatus(fb, MLC_ERROR_OUT_OF_MEMORY);
    for (auto [call, size] : allocations) {
      Block *before = call->getBlock();
      Block *after = before->splitBlock(std::next(Block::iterator(call)));
      OpBuilder ab = OpBuilder::atBlockEnd(before);
      Value isNull = LLVM::ICmpOp::create(
          ab, loc, LLVM::ICmpPredicate::eq, call.getResult(),
          LLVM::ZeroOp::create(ab, loc, LLVM::LLVMPointerType::get(ctx)));
      // malloc(0) may return null; that is no failure.
      Value nonZero = LLVM::ICmpOp::create(
          ab, loc, LLVM::ICmpPredicate::ne, size,
          LLVM::ConstantOp::create(ab, loc, size.getType(), 0));
      LLVM::CondBrOp::create(ab, loc,
                             LLVM::AndOp::create(ab, loc, isNull, nonZero),
                             failBlock, after);
    }
  }
  for (LLVM::CallOp call : errors) {
    auto message = call->getAttrOfType<StringAttr>(kRuntimeErrorMessageAttr);
    if (!message)
      return call.emitError("run-time error call without its '")
             << kRuntimeErrorMessageAttr << "'";
    // The rest of the block is left without predecessors (dead code).
    Block *before = call->getBlock();
    before->splitBlock(std::next(Block::iterator(call)));
    OpBuilder eb = OpBuilder::atBlockEnd(before);
    storeError(eb, message.getValue());
    releaseAllocations(eb);
    returnStatus(eb, MLC_ERROR_MODEL);
    call.erase();
  }
  // The random hooks read and advance the context's generator state: the
  // entry then takes the context as its last argument.
  if (!randomCalls.empty()) {
    entryTakesContext = true;
    unsigned index = entry.getNumArguments();
    if (failed(entry.insertArgument(index, ptrType, DictionaryAttr(), loc)))
      return entry.emitError("cannot add the context argument");
    Value context = entry.getArgument(index);
    for (LLVM::CallOp call : randomCalls) {
      OpBuilder cb(call);
      Value result;
      if (call.getCallee() == kRandomSeedFuncName) {
        result = LLVM::LoadOp::create(
            cb, loc, i64Type, getI64Slot(cb, context, kRandomSeedSlot));
      } else {
        if (call.getArgOperands().size() != 1)
          return call.emitError("malformed random counter call");
        Value slot = getI64Slot(cb, context, kRandomCounterSlot);
        result = LLVM::LoadOp::create(cb, loc, i64Type, slot);
        LLVM::StoreOp::create(
            cb, loc,
            LLVM::AddOp::create(cb, loc, result, call.getArgOperands()[0]),
            slot);
      }
      call.getResult().replaceAllUsesWith(result);
      call.erase();
    }
  }
  for (StringRef name :
       {kRuntimeErrorFuncName, kRandomSeedFuncName, kRandomCounterFuncName})
    if (auto hook = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      if (hook.isExternal() && SymbolTable::symbolKnownUseEmpty(hook, module))
        hook.erase();
  return success();
}

/// Calls the entry at `ob` and continues in `okBlock` when it returns
/// MLC_OK; any other status is returned from the calling function, with
/// `function`'s out-of-memory message for MLC_ERROR_OUT_OF_MEMORY (the
/// entry has stored the message of the others). Returns the status.
Value ABIEmitter::callEntry(OpBuilder &ob, LLVM::LLVMFuncOp entry,
                            ValueRange args, Block *okBlock,
                            StringRef function) {
  Region *body = ob.getInsertionBlock()->getParent();
  Value status = LLVM::CallOp::create(ob, loc, entry, args).getResult();
  Block *callBlock = ob.getInsertionBlock();
  OpBuilder::InsertionGuard guard(ob);
  Block *failBlock = ob.createBlock(body);
  Block *oomBlock = ob.createBlock(body);
  storeError(ob, (function + ": out of memory").str());
  LLVM::ReturnOp::create(ob, loc, constI32(ob, MLC_ERROR_OUT_OF_MEMORY));
  Block *otherBlock = ob.createBlock(body);
  LLVM::ReturnOp::create(ob, loc, status);
  ob.setInsertionPointToEnd(failBlock);
  LLVM::CondBrOp::create(
      ob, loc,
      LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::eq, status,
                           constI32(ob, MLC_ERROR_OUT_OF_MEMORY)),
      oomBlock, otherBlock);
  ob.setInsertionPointToEnd(callBlock);
  LLVM::CondBrOp::create(
      ob, loc,
      LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::eq, status,
                           constI32(ob, MLC_OK)),
      okBlock, failBlock);
  return status;
}

/// `int32_t mlc_run(ctx, inputs, outputs)`: MLC_ERROR_INVALID_ARGUMENT when
/// the context, an array or any data pointer is null or a data pointer is
/// misaligned, else calls the entry and returns its status (addRunChecks).
LogicalResult ABIEmitter::emitRun(ArrayAttr inputs, ArrayAttr outputs) {
  size_t numInputs = inputs.size(), numOutputs = outputs.size();
  auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName);
  if (!entry)
    return module.emitError("no lowered '") << kEntryFuncName << "' function";
  LLVM::LLVMFunctionType entryType = entry.getFunctionType();
  if (entryType.getNumParams() !=
          numInputs + numOutputs + (arenaBytes > 0 ? 1 : 0) ||
      !llvm::all_of(entryType.getParams(),
                    [&](Type t) { return t == ptrType; }))
    return entry.emitError("entry must take one bare pointer per input and "
                           "output (lower with use-bare-ptr-memref-call-conv)");
  if (!isa<LLVM::LLVMVoidType>(entryType.getReturnType()))
    return entry.emitError("entry must not return a value");
  if (failed(addRunChecks(entry)))
    return failure();

  auto run = createFunction("mlc_run", i32Type, {ptrType, ptrType, ptrType});
  OpBuilder fb = OpBuilder::atBlockEnd(&run.front());
  Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
  auto isNull = [&](Value p) -> Value {
    return LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, p, null);
  };
  Value anyNull = isNull(run.getArgument(0));
  anyNull = LLVM::OrOp::create(fb, loc, anyNull, isNull(run.getArgument(1)));
  anyNull = LLVM::OrOp::create(fb, loc, anyNull, isNull(run.getArgument(2)));
  Block *loadBlock = fb.createBlock(&run.getBody());
  Block *callBlock = fb.createBlock(&run.getBody());
  Block *errorBlock = fb.createBlock(&run.getBody());
  Block *nullArrayBlock = fb.createBlock(&run.getBody());
  storeError(fb, "mlc_run: null context, inputs or outputs");
  LLVM::BrOp::create(fb, loc, errorBlock);
  Block *nullDataBlock = fb.createBlock(&run.getBody());
  storeError(fb, "mlc_run: null input or output data pointer");
  LLVM::BrOp::create(fb, loc, errorBlock);
  fb.setInsertionPointToEnd(&run.front());
  LLVM::CondBrOp::create(fb, loc, anyNull, nullArrayBlock, loadBlock);

  fb.setInsertionPointToEnd(loadBlock);
  SmallVector<Value> pointers;
  Value anyDataNull = LLVM::ConstantOp::create(fb, loc, b.getI1Type(), 0);
  auto loadPointers = [&](Value array, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      Value slot = LLVM::GEPOp::create(fb, loc, ptrType, ptrType, array,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      Value p = LLVM::LoadOp::create(fb, loc, ptrType, slot);
      anyDataNull = LLVM::OrOp::create(fb, loc, anyDataNull, isNull(p));
      pointers.push_back(p);
    }
  };
  loadPointers(run.getArgument(1), numInputs);
  loadPointers(run.getArgument(2), numOutputs);
  Block *alignBlock = fb.createBlock(&run.getBody());
  fb.setInsertionPointToEnd(loadBlock);
  LLVM::CondBrOp::create(fb, loc, anyDataNull, nullDataBlock, alignBlock);

  // One check per buffer whose elements take more than a byte (an empty
  // tensor is never accessed: any non-null pointer will do).
  fb.setInsertionPointToEnd(alignBlock);
  for (auto [i, pointer] : llvm::enumerate(pointers)) {
    bool isInput = i < numInputs;
    Attribute attr = isInput ? inputs[i] : outputs[i - numInputs];
    RankedTensorType type = getABIType(attr);
    if (type.getNumElements() == 0)
      continue;
    Value misaligned = isMisaligned(fb, pointer, type);
    if (!misaligned)
      continue;
    Block *next = fb.createBlock(&run.getBody());
    Block *fail = fb.createBlock(&run.getBody());
    storeError(
        fb, ("mlc_run: " + Twine(isInput ? "input '" : "output '") +
             cast<DictionaryAttr>(attr).getAs<StringAttr>("name").getValue() +
             "': data pointer not aligned to its " +
             Twine(getElementBytes(type.getElementType())) + "-byte elements")
                .str());
    LLVM::BrOp::create(fb, loc, errorBlock);
    fb.setInsertionPointToEnd(alignBlock);
    LLVM::CondBrOp::create(fb, loc, misaligned, fail, next);
    alignBlock = next;
    fb.setInsertionPointToEnd(alignBlock);
  }
  LLVM::BrOp::create(fb, loc, callBlock);

  fb.setInsertionPointToEnd(callBlock);
  storeThreadCount(fb, run.getArgument(0));
  Value arenaMissing = appendArena(fb, run.getArgument(0), pointers);
  if (entryTakesContext)
    pointers.push_back(run.getArgument(0));
  Block *arenaBlock = fb.getInsertionBlock();
  if (arenaMissing)
    callBlock = fb.createBlock(&run.getBody());
  Block *okBlock = new Block();
  run.getBody().push_back(okBlock);
  callEntry(fb, entry, pointers, okBlock, "mlc_run");
  fb.setInsertionPointToEnd(okBlock);
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_OK));
  if (arenaMissing) {
    Block *oomBlock = fb.createBlock(&run.getBody());
    storeError(fb, "mlc_run: out of memory");
    LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_OUT_OF_MEMORY));
    fb.setInsertionPointToEnd(arenaBlock);
    LLVM::CondBrOp::create(fb, loc, arenaMissing, oomBlock, callBlock);
  }

  fb.setInsertionPointToEnd(errorBlock);
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_INVALID_ARGUMENT));
  return success();
}

/// mlc_run of a model with dynamic shapes: it cannot run without shapes.
void ABIEmitter::emitRunRejectingDynamic() {
  auto run = createFunction("mlc_run", i32Type, {ptrType, ptrType, ptrType});
  OpBuilder fb = OpBuilder::atBlockEnd(&run.front());
  storeError(fb, "mlc_run: the model has dynamic shapes; call "
                 "mlc_run_dynamic");
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_INVALID_ARGUMENT));
}

Value ABIEmitter::isMisaligned(OpBuilder &ob, Value p, RankedTensorType type) {
  int64_t bytes = getElementBytes(type.getElementType());
  if (bytes <= 1)
    return {};
  Value address = LLVM::PtrToIntOp::create(ob, loc, i64Type, p);
  Value low = LLVM::AndOp::create(ob, loc, address, constI64(ob, bytes - 1));
  return LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::ne, low,
                              constI64(ob, 0));
}

Value ABIEmitter::getSaturatedBytes(OpBuilder &ob, int64_t elementBytes,
                                    ArrayRef<Value> sizes) {
  Value max = constI64(ob, INT64_MAX);
  Value zero = constI64(ob, 0);
  Value bytes = constI64(ob, elementBytes);
  for (Value size : sizes) {
    // bytes * size overflows when size != 0 and bytes > INT64_MAX / size.
    Value isZero =
        LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::eq, size, zero);
    Value divisor =
        LLVM::SelectOp::create(ob, loc, isZero, constI64(ob, 1), size);
    Value limit = LLVM::UDivOp::create(ob, loc, max, divisor);
    Value overflows =
        LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::ugt, bytes, limit);
    Value product = LLVM::MulOp::create(ob, loc, bytes, size);
    bytes = LLVM::SelectOp::create(ob, loc, overflows, max, product);
  }
  return bytes;
}

/// `int32_t mlc_run_dynamic(ctx, inputs, input_shapes, outputs, capacities,
/// output_shapes)`. Checks pointers and input shapes (rank is fixed, static
/// dimensions must match, none negative, dimensions sharing a dim_param
/// agree; each failure sets the message of mlc_last_error), then calls the
/// entry: the
/// bare-pointer one of a static model after checking the capacities and
/// writing the static output shapes, or the dynamic one (mlc-expose-entry),
/// which writes the shapes itself, after which the capacities are checked.
LogicalResult ABIEmitter::emitRunDynamic(ArrayAttr inputs, ArrayAttr outputs,
                                         bool dynamic) {
  auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName);
  if (!entry)
    return module.emitError("no lowered '") << kEntryFuncName << "' function";
  size_t numInputs = inputs.size(), numOutputs = outputs.size();
  if (dynamic) {
    LLVM::LLVMFunctionType entryType = entry.getFunctionType();
    if (entryType.getNumParams() !=
        2 * numInputs + 3 * numOutputs + (arenaBytes > 0 ? 1 : 0))
      return entry.emitError("dynamic entry must take (data, shape) per "
                             "input and (data, shape, capacity) per output");
    if (!isa<LLVM::LLVMVoidType>(entryType.getReturnType()))
      return entry.emitError("entry must not return a value");
    if (failed(addRunChecks(entry)))
      return failure();
  }
  auto run = createFunction(
      "mlc_run_dynamic", i32Type,
      {ptrType, ptrType, ptrType, ptrType, ptrType, ptrType});
  OpBuilder fb = OpBuilder::atBlockEnd(&run.front());
  Value null = LLVM::ZeroOp::create(fb, loc, ptrType);
  Type i1Type = fb.getI1Type();
  auto isNull = [&](Value p) -> Value {
    return LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, p, null);
  };
  auto orInto = [&](Value &acc, Value v) {
    acc = LLVM::OrOp::create(fb, loc, acc, v);
  };
  auto loadPtr = [&](Value array, size_t i) -> Value {
    Value slot = LLVM::GEPOp::create(fb, loc, ptrType, ptrType, array,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    return LLVM::LoadOp::create(fb, loc, ptrType, slot);
  };
  auto i64At = [&](Value base, int64_t i) -> Value {
    return LLVM::GEPOp::create(fb, loc, ptrType, i64Type, base,
                               ArrayRef<LLVM::GEPArg>{int32_t(i)});
  };
  Block *errorBlock = fb.createBlock(&run.getBody());
  Block *tooSmallBlock = fb.createBlock(&run.getBody());
  storeError(fb, "mlc_run_dynamic: an output buffer is smaller than its "
                 "result (the output shapes are written)");
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_OUTPUT_TOO_SMALL));
  fb.setInsertionPointToEnd(errorBlock);
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_INVALID_ARGUMENT));
  // Branches to `target` when `bad`, after making `message` the last error
  // when there is one; else continues in a fresh block.
  auto checkThen = [&](Value bad, Block *target, const Twine &message) {
    Block *current = fb.getInsertionBlock();
    Block *next = fb.createBlock(&run.getBody());
    Block *fail = target;
    if (!message.isTriviallyEmpty()) {
      fail = fb.createBlock(&run.getBody());
      storeError(fb, ("mlc_run_dynamic: " + message).str());
      LLVM::BrOp::create(fb, loc, target);
    }
    fb.setInsertionPointToEnd(current);
    LLVM::CondBrOp::create(fb, loc, bad, fail, next);
    fb.setInsertionPointToEnd(next);
  };
  auto nameOf = [](Attribute attr) {
    return cast<DictionaryAttr>(attr).getAs<StringAttr>("name").getValue();
  };

  fb.setInsertionPointToEnd(&run.front());
  Value bad = isNull(run.getArgument(0));
  for (unsigned a = 1; a < 6; ++a)
    orInto(bad, isNull(run.getArgument(a)));
  checkThen(bad, errorBlock, "null context or array argument");

  SmallVector<Value> entryArgs;
  Value zero64 = constI64(fb, 0);
  for (auto [i, attr] : llvm::enumerate(inputs)) {
    RankedTensorType type = getABIType(attr);
    Value data = loadPtr(run.getArgument(1), i);
    Value shape = loadPtr(run.getArgument(2), i);
    bad = isNull(data);
    if (type.getRank() > 0)
      orInto(bad, isNull(shape));
    checkThen(bad, errorBlock,
              "input '" + nameOf(attr) + "': null data or shape pointer");
    entryArgs.push_back(data);
    if (dynamic)
      entryArgs.push_back(shape);
  }
  // Static dimensions must match, none may be negative, and the inputs that
  // share a symbolic dimension (ONNX dim_param) must agree on its size.
  struct SymbolUse {
    StringRef input;
    int64_t dim;
    Value size;
  };
  llvm::StringMap<SymbolUse> symbols;
  // Bytes of each input (of a scalar: its element's).
  SmallVector<Value> inputBytes;
  for (Attribute attr : inputs)
    inputBytes.push_back(
        constI64(fb, getElementBytes(getABIType(attr).getElementType())));
  for (auto [i, attr] : llvm::enumerate(inputs)) {
    RankedTensorType type = getABIType(attr);
    if (type.getRank() == 0)
      continue;
    StringRef name = nameOf(attr);
    auto dimParams = cast<DictionaryAttr>(attr).getAs<ArrayAttr>("dim_params");
    Value shape = loadPtr(run.getArgument(2), i);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      Value size = LLVM::LoadOp::create(fb, loc, i64Type, i64At(shape, d));
      sizes.push_back(size);
      std::string where =
          ("input '" + name + "' dimension " + Twine(d)).str();
      if (!type.isDynamicDim(d)) {
        checkThen(LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, size,
                                       constI64(fb, type.getDimSize(d))),
                  errorBlock,
                  where + " must be " + Twine(type.getDimSize(d)));
        continue;
      }
      checkThen(LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::slt, size,
                                     zero64),
                errorBlock, where + " is negative");
      auto symbol = dimParams ? dyn_cast<StringAttr>(dimParams[d]) : nullptr;
      if (!symbol || symbol.getValue().empty())
        continue;
      auto [it, inserted] =
          symbols.try_emplace(symbol.getValue(), SymbolUse{name, d, size});
      if (inserted)
        continue;
      checkThen(LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, size,
                                     it->second.size),
                errorBlock,
                where + " ('" + symbol.getValue() + "') differs from input '" +
                    it->second.input + "' dimension " +
                    Twine(it->second.dim) + ", which shares its name");
    }
    // The compiled code computes sizes and offsets in 64 bits.
    Value bytes =
        getSaturatedBytes(fb, getElementBytes(type.getElementType()), sizes);
    inputBytes[i] = bytes;
    checkThen(LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::eq, bytes,
                                   constI64(fb, INT64_MAX)),
              errorBlock,
              "input '" + name +
                  "' is too large (its byte size overflows "
                  "64 bits)");
  }
  // Empty inputs are never read: any non-null pointer will do.
  for (auto [i, attr] : llvm::enumerate(inputs)) {
    RankedTensorType type = getABIType(attr);
    if (Value misaligned =
            isMisaligned(fb, entryArgs[dynamic ? 2 * i : i], type))
      checkThen(LLVM::AndOp::create(
                    fb, loc, misaligned,
                    LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne,
                                         inputBytes[i], zero64)),
                errorBlock,
                "input '" + nameOf(attr) +
                    "': data pointer not aligned to "
                    "its " +
                    Twine(getElementBytes(type.getElementType())) +
                    "-byte elements");
  }

  // Output pointers; a static model also gets its shapes and capacity check.
  bad = LLVM::ConstantOp::create(fb, loc, i1Type, 0);
  SmallVector<Value> outData, outShapes, outCaps;
  for (auto [i, attr] : llvm::enumerate(outputs)) {
    RankedTensorType type = getABIType(attr);
    Value data = loadPtr(run.getArgument(3), i);
    Value capSlot = i64At(run.getArgument(4), i);
    Value capacity = LLVM::LoadOp::create(fb, loc, i64Type, capSlot);
    Value shape = loadPtr(run.getArgument(5), i);
    if (type.getRank() > 0)
      orInto(bad, isNull(shape));
    outData.push_back(data);
    outShapes.push_back(shape);
    outCaps.push_back(capacity);
  }
  checkThen(bad, errorBlock, "null output shape pointer");
  for (auto [i, attr] : llvm::enumerate(outputs)) {
    RankedTensorType type = getABIType(attr);
    // A null buffer must say it holds nothing: the run writes every output
    // that fits its capacity, and only those.
    Value hasRoom = LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::sgt,
                                         outCaps[i], zero64);
    if (dynamic)
      checkThen(LLVM::AndOp::create(
                    fb, loc, isNull(outData[i]),
                    LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::sgt,
                                         outCaps[i], zero64)),
                errorBlock,
                "output '" + nameOf(attr) +
                    "': null data pointer with a non-zero capacity");
    if (Value misaligned = isMisaligned(fb, outData[i], type))
      checkThen(LLVM::AndOp::create(fb, loc, hasRoom, misaligned), errorBlock,
                "output '" + nameOf(attr) +
                    "': data pointer not aligned to "
                    "its " +
                    Twine(getElementBytes(type.getElementType())) +
                    "-byte elements");
  }
  if (!dynamic) {
    Value tooSmall = LLVM::ConstantOp::create(fb, loc, i1Type, 0);
    Value nullData = LLVM::ConstantOp::create(fb, loc, i1Type, 0);
    for (auto [i, attr] : llvm::enumerate(outputs)) {
      RankedTensorType type = getABIType(attr);
      for (int64_t d = 0; d < type.getRank(); ++d)
        LLVM::StoreOp::create(fb, loc, constI64(fb, type.getDimSize(d)),
                              i64At(outShapes[i], d));
      int64_t bytes =
          type.getNumElements() * getElementBytes(type.getElementType());
      orInto(tooSmall, LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::slt,
                                            outCaps[i], constI64(fb, bytes)));
      orInto(nullData, isNull(outData[i]));
      entryArgs.push_back(outData[i]);
    }
    checkThen(tooSmall, tooSmallBlock, "");
    // The static entry reads and writes through every pointer.
    checkThen(nullData, errorBlock, "null output data pointer");
  } else {
    for (size_t i = 0; i < numOutputs; ++i) {
      entryArgs.push_back(outData[i]);
      entryArgs.push_back(outShapes[i]);
      entryArgs.push_back(outCaps[i]);
    }
  }
  storeThreadCount(fb, run.getArgument(0));
  Value arenaMissing = appendArena(fb, run.getArgument(0), entryArgs);
  if (entryTakesContext)
    entryArgs.push_back(run.getArgument(0));
  Block *arenaBlock = fb.getInsertionBlock();
  if (arenaMissing)
    fb.createBlock(&run.getBody());
  Block *callBlock = fb.getInsertionBlock();
  Block *afterCall = new Block();
  run.getBody().push_back(afterCall);
  callEntry(fb, entry, entryArgs, afterCall, "mlc_run_dynamic");
  if (arenaMissing) {
    Block *oomBlock = fb.createBlock(&run.getBody());
    storeError(fb, "mlc_run_dynamic: out of memory");
    LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_ERROR_OUT_OF_MEMORY));
    fb.setInsertionPointToEnd(arenaBlock);
    LLVM::CondBrOp::create(fb, loc, arenaMissing, oomBlock, callBlock);
  }
  fb.setInsertionPointToEnd(afterCall);
  if (dynamic) {
    Value tooSmall = LLVM::ConstantOp::create(fb, loc, i1Type, 0);
    for (auto [i, attr] : llvm::enumerate(outputs)) {
      RankedTensorType type = getABIType(attr);
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d)
        sizes.push_back(
            LLVM::LoadOp::create(fb, loc, i64Type, i64At(outShapes[i], d)));
      Value bytes =
          getSaturatedBytes(fb, getElementBytes(type.getElementType()), sizes);
      orInto(tooSmall, LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::slt,
                                            outCaps[i], bytes));
    }
    checkThen(tooSmall, tooSmallBlock, "");
  }
  LLVM::ReturnOp::create(fb, loc, constI32(fb, MLC_OK));
  return success();
}

LogicalResult ABIEmitter::emit(ArrayAttr inputs, ArrayAttr outputs,
                               bool dynamic) {
  if (auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName))
    tracker.reroute(entry);
  FailureOr<LLVM::GlobalOp> inputTable = emitInfoTable("mlc_abi_input", inputs);
  FailureOr<LLVM::GlobalOp> outputTable = emitInfoTable("mlc_abi_output", outputs);
  if (failed(inputTable) || failed(outputTable))
    return failure();
  emitConstantFunction("mlc_abi_version", MLC_ABI_VERSION);
  emitConstantFunction("mlc_num_inputs", inputs.size());
  emitConstantFunction("mlc_num_outputs", outputs.size());
  emitInfoAccessor("mlc_input_info", *inputTable, inputs.size());
  emitInfoAccessor("mlc_output_info", *outputTable, outputs.size());
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
struct EmitRuntimeABIPass
    : mlc::impl::EmitRuntimeABIBase<EmitRuntimeABIPass> {
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
    module->removeAttr(kArenaSizeAttr);
    // The arena argument's marker has no meaning in LLVM IR.
    if (auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryFuncName))
      for (unsigned i = 0, e = entry.getNumArguments(); i < e; ++i)
        entry.removeArgAttr(i, StringAttr::get(&getContext(), kArenaArgAttr));
  }
};
} // namespace
