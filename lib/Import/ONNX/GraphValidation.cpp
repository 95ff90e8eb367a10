//===- GraphValidation.cpp - Checks of a graph before its import ----------===//
//
// ONNX graphs are in SSA form and their nodes topologically sorted; a model
// from outside need not be. A name defined twice would silently rebind a
// value; a node listed before its producer used to fail as "not defined",
// and a cycle has no order at all. Both are decided here, once per graph,
// from the names alone.
//
//===----------------------------------------------------------------------===//

#include "GraphValidation.h"

#include "llvm/ADT/StringSet.h"

#include <queue>

using namespace mlir;
using namespace mlc;
using namespace mlc::onnx_import;

/// "graph 'name'", or "the graph" for an unnamed one.
static std::string describeGraph(const onnx::GraphProto &graph) {
  return graph.name().empty() ? std::string("the graph")
                              : "graph '" + graph.name() + "'";
}

/// The name a node has in messages: its own, else its op type and index.
static std::string describeNode(const onnx::NodeProto &node, int index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
}

static LogicalResult checkAttributes(const ImporterContext &ic,
                                     const onnx::NodeProto &node,
                                     Location loc) {
  const ONNXImportOptions &limits = ic.options;
  if (node.attribute_size() > limits.maxNodeAttributes)
    return emitError(loc) << node.op_type() << " has " << node.attribute_size()
                          << " attributes, more than the limit of "
                          << limits.maxNodeAttributes;
  llvm::StringSet<> seen;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (!seen.insert(attr.name()).second)
      return emitError(loc) << node.op_type() << " attribute '" << attr.name()
                            << "' is given twice";
    int64_t length = std::max<int64_t>(
        {attr.ints_size(), attr.floats_size(), attr.strings_size(),
         attr.tensors_size(), attr.graphs_size(), attr.sparse_tensors_size(),
         attr.type_protos_size()});
    if (length > limits.maxAttributeListLength)
      return emitError(loc)
             << node.op_type() << " attribute '" << attr.name() << "' lists "
             << length << " values, more than the limit of "
             << limits.maxAttributeListLength;
  }
  return success();
}

static void collectGraphInputs(const onnx::GraphProto &graph,
                               unsigned depthLeft, llvm::StringSet<> &names);

/// Adds to `names` the inputs of every node in the subgraphs of `node`, up
/// to `depthLeft` levels down: the outer names a subgraph may capture.
/// Deeper subgraphs are refused when imported.
static void collectSubgraphInputs(const onnx::NodeProto &node,
                                  unsigned depthLeft,
                                  llvm::StringSet<> &names) {
  if (depthLeft == 0)
    return;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.has_g())
      collectGraphInputs(attr.g(), depthLeft - 1, names);
    for (const onnx::GraphProto &graph : attr.graphs())
      collectGraphInputs(graph, depthLeft - 1, names);
  }
}

static void collectGraphInputs(const onnx::GraphProto &graph,
                               unsigned depthLeft, llvm::StringSet<> &names) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &input : node.input())
      if (!input.empty())
        names.insert(input);
    collectSubgraphInputs(node, depthLeft, names);
  }
}

FailureOr<SmallVector<int>> mlc::onnx_import::validateGraph(
    ImporterContext &ic, const onnx::GraphProto &graph, Location graphLoc) {
  // Inputs and initializers may share a name (an initializer is then the
  // input's default); neither may repeat among its own kind.
  llvm::StringSet<> defined, inputs, initializers;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (input.name().empty())
      return emitError(graphLoc)
             << describeGraph(graph) << " has an input with no name";
    if (!inputs.insert(input.name()).second)
      return emitError(graphLoc) << describeGraph(graph) << " lists input '"
                                 << input.name() << "' twice";
    defined.insert(input.name());
  }
  for (const onnx::TensorProto &init : graph.initializer()) {
    if (init.name().empty())
      return emitError(graphLoc)
             << describeGraph(graph) << " has an initializer with no name";
    if (!initializers.insert(init.name()).second)
      return emitError(graphLoc)
             << describeGraph(graph) << " defines initializer '" << init.name()
             << "' twice";
    defined.insert(init.name());
  }
  for (const onnx::ValueInfoProto &output : graph.output())
    if (output.name().empty())
      return emitError(graphLoc)
             << describeGraph(graph) << " has an output with no name";

  int numNodes = graph.node_size();
  llvm::StringMap<int> producers;
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    Location loc = ic.getNodeLoc(node, i);
    if (failed(checkAttributes(ic, node, loc)))
      return failure();
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (defined.contains(output))
        return emitError(loc) << node.op_type() << " output '" << output
                              << "' is already a graph input or initializer "
                                 "(value names must be unique)";
      auto [it, inserted] = producers.try_emplace(output, i);
      if (!inserted)
        return emitError(loc)
               << node.op_type() << " output '" << output
               << "' is already produced by node '"
               << describeNode(graph.node(it->second), it->second)
               << "' (value names must be unique)";
    }
  }

  // deps[i]: the nodes whose outputs node i (or a subgraph of it) reads.
  std::vector<SmallVector<int>> deps(numNodes);
  bool sorted = true;
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    llvm::StringSet<> names;
    for (const std::string &input : node.input())
      if (!input.empty())
        names.insert(input);
    collectSubgraphInputs(node, ic.options.maxSubgraphDepth, names);
    for (const auto &name : names) {
      auto it = producers.find(name.getKey());
      if (it == producers.end())
        continue;
      deps[i].push_back(it->second);
      sorted &= it->second < i;
    }
  }
  SmallVector<int> order;
  order.reserve(numNodes);
  if (sorted) {
    for (int i = 0; i < numNodes; ++i)
      order.push_back(i);
    return order;
  }

  // Kahn's algorithm, taking the first ready node in file order so that a
  // sorted prefix keeps its order.
  std::vector<SmallVector<int>> users(numNodes);
  std::vector<int> pending(numNodes);
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < numNodes; ++i) {
    pending[i] = deps[i].size();
    for (int producer : deps[i])
      users[producer].push_back(i);
    if (pending[i] == 0)
      ready.push(i);
  }
  while (!ready.empty()) {
    int node = ready.top();
    ready.pop();
    order.push_back(node);
    for (int user : users[node])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (static_cast<int>(order.size()) == numNodes)
    return order;

  // Every node left waits on another node left: walk back along such
  // dependencies from the first one until a node repeats.
  int start = 0;
  while (pending[start] == 0)
    ++start;
  std::vector<int> position(numNodes, -1);
  SmallVector<int> path;
  int current = start;
  while (position[current] < 0) {
    position[current] = path.size();
    path.push_back(current);
    for (int producer : deps[current])
      if (pending[producer] > 0) {
        current = producer;
        break;
      }
  }
  // path[position[current]..] is the cycle, consumer before producer; print
  // it in data-flow order.
  std::string cycle;
  for (int k = path.size() - 1; k >= position[current]; --k)
    cycle += "'" + describeNode(graph.node(path[k]), path[k]) + "' -> ";
  cycle += "'" + describeNode(graph.node(path.back()), path.back()) + "'";
  return emitError(ic.getNodeLoc(graph.node(current), current))
         << describeGraph(graph) << " has a cycle: " << cycle;
}
