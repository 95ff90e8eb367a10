//===- EmitRunFunctions.cpp - mlc_run and mlc_run_dynamic
//------------------===//
//
// The run functions of mlc_runtime.h (ABIEmitter, mlc-emit-runtime-abi):
// the entry's status checks (allocation failures, run-time errors, the
// random hooks), the call of the entry, and mlc_run / mlc_run_dynamic with
// their argument checks.
//
//===----------------------------------------------------------------------===//

#include "ABIEmitter.h"

#include "mlc/Backend/Passes.h"
#include "mlc/Conversion/MLCToLinalg/RuntimeHooks.h"
#include "mlc/Runtime/mlc_runtime.h"

using namespace mlir;
using namespace mlc;

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
        result = LLVM::LoadOp::create(cb, loc, i64Type,
                                      getI64Slot(cb, context, kRandomSeedSlot));
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
  LLVM::CondBrOp::create(ob, loc,
                         LLVM::ICmpOp::create(ob, loc, LLVM::ICmpPredicate::eq,
                                              status, constI32(ob, MLC_OK)),
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
  auto run =
      createFunction("mlc_run_dynamic", i32Type,
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
      std::string where = ("input '" + name + "' dimension " + Twine(d)).str();
      if (!type.isDynamicDim(d)) {
        checkThen(LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::ne, size,
                                       constI64(fb, type.getDimSize(d))),
                  errorBlock, where + " must be " + Twine(type.getDimSize(d)));
        continue;
      }
      checkThen(
          LLVM::ICmpOp::create(fb, loc, LLVM::ICmpPredicate::slt, size, zero64),
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
                    it->second.input + "' dimension " + Twine(it->second.dim) +
                    ", which shares its name");
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
