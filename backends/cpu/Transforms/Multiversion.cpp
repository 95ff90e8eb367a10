//===- Multiversion.cpp - The mlc-cpu-multiversion pass -------------------===//
//
// One artifact for several x86 CPUs (mlc-compile --cpu=x86-64-v3,x86-64-v4):
// the module is lowered once per CPU, with that CPU's tile strategy and
// kernels, into functions that carry the CPU as their LLVM target, and the
// C ABI functions become dispatchers that run the best variant the
// machine supports. The choice is made once per process, on the first
// call, from CPUID and XCR0 (Target/CPUFeatureCheck.h); MLC_CPU_VARIANT=NAME
// in the environment picks a variant by its CPU name when the machine has
// its features (tests run every variant on one machine that way).
//
//===----------------------------------------------------------------------===//

#include "CPUPasses.h"
#include "CPUPipeline.h"
#include "Target/CPUFeatureCheck.h"
#include "Target/CPUTarget.h"

#include "mlc/Backend/Emit.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Target/TargetMachine.h"

namespace mlc::cpu {
#define GEN_PASS_DEF_MULTIVERSION
#include "CPUPasses.h.inc"
} // namespace mlc::cpu

using namespace mlir;
using namespace mlc;
using namespace mlc::cpu;

namespace {

/// One variant: its CPU, the pipeline that lowers for it and the features
/// the dispatcher checks.
struct Variant {
  std::string cpu;
  std::string suffix;
  CPUPipelineOptions pipeline;
  SmallVector<const CpuidFeature *> features;
};

/// A symbol-friendly spelling of a CPU name (x86-64-v3 -> x86_64_v3).
std::string getSuffix(StringRef cpu) {
  std::string suffix = "__";
  for (char c : cpu)
    suffix += llvm::isAlnum(c) ? c : '_';
  return suffix;
}

/// Whether `op` defines its symbol (a function with a body, a global with
/// a value or internal linkage, any other symbol op); declarations of
/// external functions (libm, libomp, libc) keep their names.
bool isDefinition(Operation *op) {
  if (auto func = dyn_cast<LLVM::LLVMFuncOp>(op))
    return !func.isExternal();
  if (auto global = dyn_cast<LLVM::GlobalOp>(op))
    return global.getValueOrNull() || !global.getInitializerRegion().empty() ||
           global.getLinkage() != LLVM::Linkage::External;
  return true;
}

/// Renames every symbol `module` defines with `suffix` (so that variants
/// can share one module), gives its functions `cpu` as their target and
/// hides the exported ones (the dispatchers export their names).
void renameVariant(ModuleOp module, StringRef suffix, StringRef cpu,
                   StringRef features) {
  MLIRContext *context = module.getContext();
  for (Operation &op : llvm::make_early_inc_range(*module.getBody())) {
    auto symbol = dyn_cast<SymbolOpInterface>(&op);
    if (!symbol || !isDefinition(&op))
      continue;
    auto name = StringAttr::get(context, symbol.getName() + suffix);
    if (failed(SymbolTable::replaceAllSymbolUses(&op, name, module)))
      continue;
    symbol.setName(name);
  }
  for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
    if (func.isExternal())
      continue;
    func.setTargetCpuAttr(StringAttr::get(context, cpu));
    if (!features.empty())
      func.setTargetFeaturesAttr(
          LLVM::TargetFeaturesAttr::get(context, features));
    if (func.getLinkage() == LLVM::Linkage::External)
      func.setVisibility_(LLVM::Visibility::Hidden);
  }
}

/// Moves the ops of `from` into `into`; a declaration `into` already has
/// is dropped.
void mergeInto(ModuleOp from, ModuleOp into) {
  SymbolTable symbols(into);
  for (Operation &op : llvm::make_early_inc_range(*from.getBody())) {
    if (auto symbol = dyn_cast<SymbolOpInterface>(&op))
      if (symbols.lookup(symbol.getName())) {
        op.erase();
        continue;
      }
    op.moveBefore(into.getBody(), into.getBody()->end());
    if (auto symbol = dyn_cast<SymbolOpInterface>(&op))
      symbols.insert(&op);
  }
}

/// The name of CPUID output register `reg` in the selector's SSA names.
StringRef getRegisterIndex(CpuidRegister reg) {
  switch (reg) {
  case CpuidRegister::EAX:
    return "0";
  case CpuidRegister::EBX:
    return "1";
  case CpuidRegister::ECX:
    return "2";
  case CpuidRegister::EDX:
    return "3";
  }
  llvm_unreachable("unknown register");
}

/// The variant selector, in the LLVM dialect: @mlc_cpu_variant() returns
/// the index of the variant to run (cached after the first call), or
/// writes why none can run and aborts.
std::string getSelectorSource(ArrayRef<Variant> variants,
                              ArrayRef<unsigned> preference) {
  std::string s;
  llvm::raw_string_ostream os(s);
  auto str = [](StringRef text) {
    std::string escaped;
    for (char c : text)
      escaped += llvm::formatv("\\{0:X-2}", (unsigned)(unsigned char)c).str();
    return escaped + "\\00";
  };
  std::string names;
  for (const Variant &v : variants)
    names += (names.empty() ? "" : ", ") + v.cpu;
  std::string message =
      "mlc artifact: this CPU has the features of none of its variants (" +
      names + ")\n";
  os << "llvm.mlir.global internal @mlc_cpu_variant_index(-1 : i32) : i32\n";
  os << "llvm.mlir.global private constant @mlc_cpu_variant_env(\""
     << str("MLC_CPU_VARIANT") << "\")\n";
  os << "llvm.mlir.global private constant @mlc_cpu_variant_none(\""
     << str(message) << "\")\n";
  for (auto [i, v] : llvm::enumerate(variants))
    os << "llvm.mlir.global private constant @mlc_cpu_variant_name_" << i
       << "(\"" << str(v.cpu) << "\")\n";
  os << "llvm.func @getenv(!llvm.ptr) -> !llvm.ptr\n"
     << "llvm.func @strcmp(!llvm.ptr, !llvm.ptr) -> i32\n"
     << "llvm.func @write(i32, !llvm.ptr, i64) -> i64\n"
     << "llvm.func @abort()\n";
  // cpuid(leaf, subleaf) -> {eax, ebx, ecx, edx}.
  os << R"(
llvm.func internal @mlc_cpuid(%leaf: i32, %sub: i32) -> !llvm.struct<(i32, i32, i32, i32)> {
  %r = llvm.inline_asm has_side_effects "cpuid", "={ax},={bx},={cx},={dx},{ax},{cx}" %leaf, %sub : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  llvm.return %r : !llvm.struct<(i32, i32, i32, i32)>
}
llvm.func internal @mlc_cpu_variant_select() -> i32 {
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %c7 = llvm.mlir.constant(7 : i32) : i32
  %ext0 = llvm.mlir.constant(2147483648 : i32) : i32
  %ext1 = llvm.mlir.constant(2147483649 : i32) : i32
  %l0 = llvm.call @mlc_cpuid(%c0, %c0) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %max = llvm.extractvalue %l0[0] : !llvm.struct<(i32, i32, i32, i32)>
  %has7 = llvm.icmp "uge" %max, %c7 : i32
  %e0 = llvm.call @mlc_cpuid(%ext0, %c0) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %maxext = llvm.extractvalue %e0[0] : !llvm.struct<(i32, i32, i32, i32)>
  %hasext = llvm.icmp "uge" %maxext, %ext1 : i32
  %q1_0 = llvm.call @mlc_cpuid(%c1, %c0) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %q7_0 = llvm.call @mlc_cpuid(%c7, %c0) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %q7_1 = llvm.call @mlc_cpuid(%c7, %c1) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %q2147483649_0 = llvm.call @mlc_cpuid(%ext1, %c0) : (i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
  %ecx1 = llvm.extractvalue %q1_0[2] : !llvm.struct<(i32, i32, i32, i32)>
  %osxsave_bit = llvm.mlir.constant(134217728 : i32) : i32
  %osxsave_and = llvm.and %ecx1, %osxsave_bit : i32
  %osxsave = llvm.icmp "ne" %osxsave_and, %c0 : i32
  llvm.cond_br %osxsave, ^xgetbv, ^features(%c0 : i32)
^xgetbv:
  %x = llvm.inline_asm has_side_effects "xgetbv", "={ax},={dx},{cx}" %c0 : (i32) -> !llvm.struct<(i32, i32)>
  %xcr0_lo = llvm.extractvalue %x[0] : !llvm.struct<(i32, i32)>
  llvm.br ^features(%xcr0_lo : i32)
^features(%xcr0: i32):
)";
  // A feature: its register's bit set, its leaf supported, its XCR0 state
  // enabled.
  unsigned next = 0;
  auto feature = [&](const CpuidFeature &f) {
    unsigned id = next++;
    std::string leaf = llvm::formatv("%q{0}_{1}", f.leaf, f.subleaf).str();
    os << llvm::formatv("  %r{0} = llvm.extractvalue {1}[{2}] : "
                        "!llvm.struct<(i32, i32, i32, i32)>\n",
                        id, leaf, getRegisterIndex(f.reg));
    os << llvm::formatv("  %m{0} = llvm.mlir.constant({1} : i32) : i32\n", id,
                        (int32_t)(1u << f.bit));
    os << llvm::formatv("  %a{0} = llvm.and %r{0}, %m{0} : i32\n", id);
    os << llvm::formatv("  %f{0} = llvm.icmp \"ne\" %a{0}, %c0 : i32\n", id);
    std::string ok = llvm::formatv("%f{0}", id).str();
    if (f.leaf == 7) {
      os << llvm::formatv("  %g{0} = llvm.and {1}, %has7 : i1\n", id, ok);
      ok = llvm::formatv("%g{0}", id).str();
    } else if (f.leaf >= 0x80000000u) {
      os << llvm::formatv("  %g{0} = llvm.and {1}, %hasext : i1\n", id, ok);
      ok = llvm::formatv("%g{0}", id).str();
    }
    if (f.xcr0Mask) {
      os << llvm::formatv("  %xm{0} = llvm.mlir.constant({1} : i32) : i32\n",
                          id, f.xcr0Mask);
      os << llvm::formatv("  %xa{0} = llvm.and %xcr0, %xm{0} : i32\n", id);
      os << llvm::formatv("  %xs{0} = llvm.icmp \"eq\" %xa{0}, %xm{0} : i32\n",
                          id);
      os << llvm::formatv("  %h{0} = llvm.and {1}, %xs{0} : i1\n", id, ok);
      ok = llvm::formatv("%h{0}", id).str();
    }
    return ok;
  };
  os << "  %true = llvm.mlir.constant(true) : i1\n";
  os << "  %env_name = llvm.mlir.addressof @mlc_cpu_variant_env : !llvm.ptr\n";
  os << "  %env = llvm.call @getenv(%env_name) : (!llvm.ptr) -> !llvm.ptr\n";
  os << "  %null = llvm.mlir.zero : !llvm.ptr\n";
  os << "  %has_env = llvm.icmp \"ne\" %env, %null : !llvm.ptr\n";
  os << llvm::formatv("  %none = llvm.mlir.constant({0} : i32) : i32\n",
                      variants.size());
  for (auto [i, v] : llvm::enumerate(variants)) {
    std::string ok = "%true";
    for (const CpuidFeature *f : v.features) {
      std::string has = feature(*f);
      os << llvm::formatv("  %ok{0}_{1} = llvm.and {2}, {3} : i1\n", i, next,
                          ok, has);
      ok = llvm::formatv("%ok{0}_{1}", i, next).str();
    }
    os << llvm::formatv("  %ok{0} = llvm.and {1}, %true : i1\n", i, ok);
  }
  // The most preferred variant the machine runs, unless MLC_CPU_VARIANT
  // names another one it runs.
  std::string choice = "%none";
  for (unsigned i : llvm::reverse(preference)) {
    os << llvm::formatv("  %k{0} = llvm.mlir.constant({0} : i32) : i32\n", i);
    os << llvm::formatv("  %pick{0} = llvm.select %ok{0}, %k{0}, {1} : i1, "
                        "i32\n",
                        i, choice);
    choice = llvm::formatv("%pick{0}", i).str();
  }
  os << "  llvm.cond_br %has_env, ^env, ^done(" << choice << " : i32)\n";
  os << "^env:\n";
  std::string envChoice = choice;
  for (auto [i, v] : llvm::enumerate(variants)) {
    os << llvm::formatv(
        "  %name{0} = llvm.mlir.addressof @mlc_cpu_variant_name_{0} : "
        "!llvm.ptr\n",
        i);
    os << llvm::formatv("  %cmp{0} = llvm.call @strcmp(%env, %name{0}) : "
                        "(!llvm.ptr, !llvm.ptr) -> i32\n",
                        i);
    os << llvm::formatv("  %same{0} = llvm.icmp \"eq\" %cmp{0}, %c0 : i32\n",
                        i);
    os << llvm::formatv("  %use{0} = llvm.and %same{0}, %ok{0} : i1\n", i);
    os << llvm::formatv("  %envk{0} = llvm.mlir.constant({0} : i32) : i32\n",
                        i);
    os << llvm::formatv("  %env{0} = llvm.select %use{0}, %envk{0}, {1} : i1, "
                        "i32\n",
                        i, envChoice);
    envChoice = llvm::formatv("%env{0}", i).str();
  }
  os << "  llvm.br ^done(" << envChoice << " : i32)\n";
  os << llvm::formatv(R"(^done(%chosen: i32):
  %runs = llvm.icmp "ne" %chosen, %none : i32
  llvm.cond_br %runs, ^ok, ^fail
^fail:
  %fd = llvm.mlir.constant(2 : i32) : i32
  %msg = llvm.mlir.addressof @mlc_cpu_variant_none : !llvm.ptr
  %len = llvm.mlir.constant({0} : i64) : i64
  %w = llvm.call @write(%fd, %msg, %len) : (i32, !llvm.ptr, i64) -> i64
  llvm.call @abort() : () -> ()
  llvm.unreachable
^ok:
  llvm.return %chosen : i32
}
llvm.func internal @mlc_cpu_variant() -> i32 {
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %p = llvm.mlir.addressof @mlc_cpu_variant_index : !llvm.ptr
  %v = llvm.load %p atomic monotonic {{alignment = 4 : i64} : !llvm.ptr -> i32
  %unset = llvm.icmp "slt" %v, %c0 : i32
  llvm.cond_br %unset, ^select, ^done(%v : i32)
^select:
  %s = llvm.call @mlc_cpu_variant_select() : () -> i32
  llvm.store %s, %p atomic monotonic {{alignment = 4 : i64} : i32, !llvm.ptr
  llvm.br ^done(%s : i32)
^done(%r: i32):
  llvm.return %r : i32
}
)",
                      message.size());
  return s;
}

/// `name`, exported with `type`, forwarding every call to the variant
/// @mlc_cpu_variant() picks.
void createDispatcher(OpBuilder &builder, Location loc, StringRef name,
                      LLVM::LLVMFunctionType type, ArrayRef<Variant> variants) {
  auto func = LLVM::LLVMFuncOp::create(builder, loc, name, type);
  OpBuilder::InsertionGuard guard(builder);
  Block *entry = func.addEntryBlock(builder);
  builder.setInsertionPointToStart(entry);
  Type i32 = builder.getI32Type();
  Value index = LLVM::CallOp::create(builder, loc, TypeRange{i32},
                                     "mlc_cpu_variant", ValueRange{})
                    .getResult();
  bool isVoid = isa<LLVM::LLVMVoidType>(type.getReturnType());
  for (auto [i, variant] : llvm::enumerate(variants)) {
    Block *call = func.addBlock();
    Block *next = i + 1 < variants.size() ? func.addBlock() : nullptr;
    if (next) {
      Value k = LLVM::ConstantOp::create(builder, loc, i32,
                                         builder.getI32IntegerAttr(i));
      Value same =
          LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, index, k);
      LLVM::CondBrOp::create(builder, loc, same, call, next);
    } else {
      LLVM::BrOp::create(builder, loc, call);
    }
    builder.setInsertionPointToStart(call);
    auto result = LLVM::CallOp::create(
        builder, loc, isVoid ? TypeRange{} : TypeRange{type.getReturnType()},
        (name + variant.suffix).str(), entry->getArguments());
    LLVM::ReturnOp::create(builder, loc, result.getResults());
    if (next)
      builder.setInsertionPointToStart(next);
  }
}

struct MultiversionPass
    : public mlc::cpu::impl::MultiversionBase<MultiversionPass> {
  using MultiversionBase::MultiversionBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    MultiversionBase::getDependentDialects(registry);
    // The dialects of the per-variant pipelines.
    OpPassManager pm(ModuleOp::getOperationName());
    CPUPipelineOptions options;
    options.vectorIsa = "avx512";
    options.int8Isa = "x86-vnni512";
    options.bf16Isa = "x86-avx512bf16";
    options.threads = threads;
    buildCPULoweringPipeline(pm, options);
    pm.getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    if (cpus.size() < 2) {
      emitError(loc, "mlc-cpu-multiversion needs at least two CPUs");
      return signalPassFailure();
    }
    SmallVector<Variant> variants;
    for (const std::string &cpu : cpus) {
      TargetOptions target;
      target.triple = triple;
      target.features = mattr;
      // The triple's machine first, to check the name (LLVM would only
      // warn and fall back to a generic CPU).
      FailureOr<std::unique_ptr<llvm::TargetMachine>> tm =
          createTargetMachine(target, loc);
      if (failed(tm))
        return signalPassFailure();
      if (!(*tm)->getTargetTriple().isX86()) {
        emitError(loc, "one variant per CPU (--cpu=A,B) is supported on "
                       "x86-64 only, not ")
            << (*tm)->getTargetTriple().str();
        return signalPassFailure();
      }
      if (!(*tm)->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
        emitError(loc, "unknown CPU '") << cpu << "' in --cpu";
        return signalPassFailure();
      }
      target.cpu = cpu;
      tm = createTargetMachine(target, loc);
      if (failed(tm))
        return signalPassFailure();
      target.optLevel = optLevel;
      CPUTarget cpuTarget = CPUTarget::fromTargetOptions(target);
      Variant variant;
      variant.cpu = cpu;
      variant.suffix = getSuffix(cpu);
      variant.pipeline.optLevel = optLevel;
      variant.pipeline.int8Isa = cpuTarget.int8Kernel;
      variant.pipeline.bf16Isa = cpuTarget.bf16Kernel;
      variant.pipeline.vectorIsa = cpuTarget.getIsaName().str();
      variant.pipeline.threads = threads;
      variant.pipeline.memoryReport = memoryReport;
      variant.features = getRequiredFeatures(*(*tm)->getMCSubtargetInfo());
      if (llvm::any_of(variants, [&](const Variant &v) {
            return v.suffix == variant.suffix;
          })) {
        emitError(loc, "CPU '") << cpu << "' is listed twice in --cpu";
        return signalPassFailure();
      }
      variants.push_back(std::move(variant));
    }

    // Each variant lowers its own copy of the module, nested in it (a pass
    // may only run pipelines on ops it holds).
    OpBuilder builder(module.getContext());
    SmallVector<ModuleOp> copies;
    for (size_t i = 0; i < variants.size(); ++i) {
      builder.setInsertionPointToEnd(module.getBody());
      auto copy = ModuleOp::create(builder, loc);
      copy->setAttrs(module->getAttrs());
      IRMapping mapping;
      builder.setInsertionPointToEnd(copy.getBody());
      for (Operation &op : *module.getBody())
        if (!llvm::is_contained(copies, dyn_cast<ModuleOp>(&op)) &&
            &op != copy.getOperation())
          builder.clone(op, mapping);
      copies.push_back(copy);
    }
    for (Operation &op : llvm::make_early_inc_range(*module.getBody()))
      if (!llvm::is_contained(copies, dyn_cast<ModuleOp>(&op)))
        op.erase();

    SmallVector<std::pair<std::string, LLVM::LLVMFunctionType>> exported;
    for (auto [variant, copy] : llvm::zip(variants, copies)) {
      OpPassManager pm(ModuleOp::getOperationName());
      buildCPULoweringPipeline(pm, variant.pipeline);
      if (failed(runPipeline(pm, copy)))
        return signalPassFailure();
      if (exported.empty())
        for (auto func : copy.getOps<LLVM::LLVMFuncOp>())
          if (!func.isExternal() &&
              func.getLinkage() == LLVM::Linkage::External)
            exported.push_back({func.getName().str(), func.getFunctionType()});
      renameVariant(copy, variant.suffix, variant.cpu, mattr);
    }
    for (ModuleOp copy : copies) {
      mergeInto(copy, module);
      copy.erase();
    }

    // Most features first; the list's order among equals.
    SmallVector<unsigned> preference(variants.size());
    for (unsigned i = 0; i < variants.size(); ++i)
      preference[i] = i;
    llvm::sort(preference, [&](unsigned a, unsigned b) {
      size_t fa = variants[a].features.size(), fb = variants[b].features.size();
      return fa != fb ? fa > fb : a < b;
    });
    OwningOpRef<ModuleOp> selector = parseSourceString<ModuleOp>(
        getSelectorSource(variants, preference), module.getContext());
    if (!selector) {
      emitError(loc, "mlc-cpu-multiversion: the variant selector does not "
                     "parse (a bug)");
      return signalPassFailure();
    }
    mergeInto(*selector, module);
    builder.setInsertionPointToEnd(module.getBody());
    for (auto &[name, type] : exported)
      createDispatcher(builder, loc, name, type, variants);
  }
};

} // namespace
