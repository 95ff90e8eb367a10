//===- LowerParallelLoops.cpp - The mlc-cpu-lower-parallel-loops pass -----===//
//
// The parallel tile loops (scf.parallel, from the kernels' scf.forall) run
// on the context's threads. Upstream's scf -> OpenMP conversion makes each
// an omp.wsloop, whose __kmpc_for_static_init allocates (Debian's libomp
// formats its debug traces into heap strings on every call), and a region
// run by one thread still forks a serialized team, which allocates its
// dispatch buffer. Here each loop splits its iterations itself, by the
// thread number and count it is given, and a context of one thread calls
// the loop's function directly, without libomp:
//
//   %n = func.call @__mlc_thread_count()        // defined by the ABI
//   scf.if %n > 1 {
//     omp.parallel num_threads(%n) {
//       func.call @f_par0(omp_get_thread_num(), omp_get_num_threads(), ...)
//     }
//   } else {
//     func.call @f_par0(0, 1, ...)
//   }
//
// A thread's share of the iterations runs one after another, so the
// static stack buffers of an iteration are allocated once per thread. The
// loop's function takes what the loop reads from above as arguments;
// where one cannot be passed as a bare pointer (a dynamically shaped
// buffer), the loop stays in place inside an omp.parallel that always
// forks.
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"

#include "mlc/Backend/Passes.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_LOWERPARALLELLOOPS
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;

namespace {

/// Declares `name` : () -> i32 in `module` once.
func::FuncOp declareI32Function(ModuleOp module, StringRef name) {
  if (auto func = module.lookupSymbol<func::FuncOp>(name))
    return func;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto func = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType({}, {b.getI32Type()}));
  func.setPrivate();
  return func;
}

Value callI32(OpBuilder &b, Location loc, func::FuncOp callee) {
  return func::CallOp::create(b, loc, callee, ValueRange{}).getResult(0);
}

/// Whether `value` is computed from nothing but constants by ops without
/// memory effects (arith.constant, memref.get_global of a weight and its
/// reshapes, a few levels deep): then it joins `remade`, after what it is
/// computed from, and the loop's function computes it again.
bool collectRemade(Value value, llvm::SetVector<Operation *> &remade,
                   int depth = 0) {
  Operation *def = value.getDefiningOp();
  if (!def || depth > 4 || def->getNumRegions() != 0 ||
      !isMemoryEffectFree(def))
    return false;
  if (remade.contains(def))
    return true;
  if (auto global = dyn_cast<memref::GetGlobalOp>(def)) {
    auto symbol = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        def, global.getNameAttr());
    if (!symbol || !symbol.getConstant())
      return false;
  }
  for (Value operand : def->getOperands())
    if (!collectRemade(operand, remade, depth + 1))
      return false;
  remade.insert(def);
  return true;
}

/// Whether a value of `type` can be an argument of a function lowered with
/// the bare-pointer calling convention.
bool isPassable(Type type) {
  if (auto memref = dyn_cast<MemRefType>(type))
    return LLVMTypeConverter::canConvertToBarePtr(memref);
  return !isa<UnrankedMemRefType>(type);
}

/// Emits at `b` the share of `loop`'s iterations that thread `tid` (index)
/// of `count` (index) runs: the iterations, linearized in row-major order,
/// are split in `count` contiguous blocks whose sizes differ by at most
/// one (OpenMP's static schedule). `map` maps the values the loop reads
/// from above.
void emitShare(OpBuilder &b, Location loc, scf::ParallelOp loop, Value tid,
               Value count, IRMapping &map) {
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  SmallVector<Value> lbs, steps, extents;
  Value total = index(1);
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    Value l = map.lookupOrDefault(lb), u = map.lookupOrDefault(ub),
          s = map.lookupOrDefault(step);
    Value diff = arith::SubIOp::create(b, loc, u, l);
    Value extent = arith::CeilDivSIOp::create(b, loc, diff, s);
    extent = arith::MaxSIOp::create(b, loc, extent, index(0));
    lbs.push_back(l);
    steps.push_back(s);
    extents.push_back(extent);
    total = arith::MulIOp::create(b, loc, total, extent);
  }
  Value quotient = arith::DivUIOp::create(b, loc, total, count);
  Value remainder = arith::RemUIOp::create(b, loc, total, count);
  Value begin = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tid, quotient),
      arith::MinUIOp::create(b, loc, tid, remainder));
  Value extra = arith::IndexCastUIOp::create(
      b, loc, b.getIndexType(),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid, remainder));
  Value end = arith::AddIOp::create(
      b, loc, begin, arith::AddIOp::create(b, loc, quotient, extra));
  // The iterations of one thread run one after another: a buffer of
  // static size on the stack of an iteration (mlc-cpu-plan-memory puts
  // them at its start) is allocated once, before them.
  auto isStaticAlloca = [](Operation &op) {
    return isa<memref::AllocaOp>(op) && op.getNumOperands() == 0;
  };
  for (Operation &op : loop.getBody()->without_terminator())
    if (isStaticAlloca(op))
      b.clone(op, map);
  auto share = scf::ForOp::create(b, loc, begin, end, index(1));
  OpBuilder ib = OpBuilder::atBlockBegin(share.getBody());
  // Row-major delinearization: the last loop varies fastest.
  Value rest = share.getInductionVar();
  SmallVector<Value> ivs(extents.size());
  for (int64_t d = extents.size() - 1; d >= 0; --d) {
    Value position = rest;
    if (d > 0) {
      position = arith::RemUIOp::create(ib, loc, rest, extents[d]);
      rest = arith::DivUIOp::create(ib, loc, rest, extents[d]);
    }
    ivs[d] = arith::AddIOp::create(
        ib, loc, lbs[d], arith::MulIOp::create(ib, loc, position, steps[d]));
  }
  for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
    map.map(iv, value);
  for (Operation &op : loop.getBody()->without_terminator())
    if (!isStaticAlloca(op))
      ib.clone(op, map);
}

struct LowerParallelLoopsPass
    : mlc::cpu::impl::LowerParallelLoopsBase<LowerParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](scf::ParallelOp loop) {
      if (loop.getNumResults() == 0 &&
          !loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<omp::ParallelOp>())
        loops.push_back(loop);
    });
    if (loops.empty())
      return;
    threadCount = declareI32Function(module, mlc::kThreadCountFunc);
    threadNum = declareI32Function(module, "omp_get_thread_num");
    numThreads = declareI32Function(module, "omp_get_num_threads");
    SymbolTable symbols(module);
    for (scf::ParallelOp loop : loops)
      lower(loop, symbols);
  }

  /// Replaces `loop` by its function, called by every thread of an
  /// omp.parallel or directly.
  void lower(scf::ParallelOp loop, SymbolTable &symbols) {
    Location loc = loop.getLoc();
    // What the loop reads from above: its bounds and its body's captures.
    // Constants and views of constant globals (the weights) are made again
    // in the function, so that LLVM still sees which constants the loop
    // reads (a depthwise kernel's filter taps become immediate operands).
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    for (Value v : loop->getOperands())
      captured.insert(v);
    SmallVector<Value> args;
    llvm::SetVector<Operation *> remade;
    for (Value v : captured)
      if (!collectRemade(v, remade))
        args.push_back(v);
    if (!llvm::all_of(args, [](Value v) { return isPassable(v.getType()); })) {
      lowerInPlace(loop);
      return;
    }

    auto parent = loop->getParentOfType<FunctionOpInterface>();
    OpBuilder mb(parent);
    SmallVector<Type> types = {mb.getI32Type(), mb.getI32Type()};
    for (Value v : args)
      types.push_back(v.getType());
    auto func = func::FuncOp::create(mb, loc, parent.getName().str() + "_par",
                                     mb.getFunctionType(types, {}));
    func.setPrivate();
    // Internal to the artifact (not exported), and never inlined: its two
    // callers would each get a copy of the kernel.
    func->setAttr("llvm.linkage", LLVM::LinkageAttr::get(
                                      &getContext(), LLVM::Linkage::Internal));
    func->setAttr("passthrough",
                  ArrayAttr::get(&getContext(),
                                 {StringAttr::get(&getContext(), "noinline")}));
    symbols.insert(func);
    Block *entry = func.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockBegin(entry);
    IRMapping map;
    for (Operation *def : remade)
      fb.clone(*def, map);
    for (auto [v, arg] : llvm::zip(args, entry->getArguments().drop_front(2)))
      map.map(v, arg);
    auto toIndex = [&](Value v) {
      return arith::IndexCastUIOp::create(fb, loc, fb.getIndexType(), v)
          .getResult();
    };
    emitShare(fb, loc, loop, toIndex(entry->getArgument(0)),
              toIndex(entry->getArgument(1)), map);
    func::ReturnOp::create(fb, loc);

    OpBuilder b(loop);
    Value count = callI32(b, loc, threadCount);
    Value one = arith::ConstantIntOp::create(b, loc, 1, 32);
    Value several =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, count, one);
    auto branch = scf::IfOp::create(b, loc, several, /*withElseRegion=*/true);
    {
      OpBuilder tb = branch.getThenBodyBuilder();
      auto region = omp::ParallelOp::create(tb, loc);
      region.getNumThreadsMutable().assign(count);
      OpBuilder rb =
          OpBuilder::atBlockBegin(&region.getRegion().emplaceBlock());
      SmallVector<Value> operands = {callI32(rb, loc, threadNum),
                                     callI32(rb, loc, numThreads)};
      llvm::append_range(operands, args);
      func::CallOp::create(rb, loc, func, operands);
      omp::TerminatorOp::create(rb, loc);
    }
    {
      OpBuilder eb = branch.getElseBodyBuilder();
      SmallVector<Value> operands = {
          arith::ConstantIntOp::create(eb, loc, 0, 32), one};
      llvm::append_range(operands, args);
      func::CallOp::create(eb, loc, func, operands);
    }
    loop.erase();
  }

  /// Runs `loop` inside an omp.parallel of the context's thread count,
  /// each thread its share.
  void lowerInPlace(scf::ParallelOp loop) {
    Location loc = loop.getLoc();
    OpBuilder b(loop);
    Value count = callI32(b, loc, threadCount);
    auto region = omp::ParallelOp::create(b, loc);
    region.getNumThreadsMutable().assign(count);
    OpBuilder rb = OpBuilder::atBlockBegin(&region.getRegion().emplaceBlock());
    auto toIndex = [&](Value v) {
      return arith::IndexCastUIOp::create(rb, loc, rb.getIndexType(), v)
          .getResult();
    };
    Value tid = toIndex(callI32(rb, loc, threadNum));
    Value threads = toIndex(callI32(rb, loc, numThreads));
    IRMapping map;
    emitShare(rb, loc, loop, tid, threads, map);
    omp::TerminatorOp::create(rb, loc);
    loop.erase();
  }

  func::FuncOp threadCount, threadNum, numThreads;
};

} // namespace
