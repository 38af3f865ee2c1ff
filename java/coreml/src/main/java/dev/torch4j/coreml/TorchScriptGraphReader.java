package dev.torch4j.coreml;

import dev.torch4j.TorchFileException;
import dev.torch4j.libtorch.LibtorchBackend;
import dev.torch4j.libtorch.LibtorchException;
import dev.torch4j.libtorch.NativeTensors;
import dev.torch4j.tensor.Tensor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Graph;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueOptional;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.JitNode;
import org.bytedeco.pytorch.Value;
import org.bytedeco.pytorch.ValueArrayRef;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TorchScript archive's {@code forward} through libtorch: load, freeze (which inlines every
 * submodule call, turns parameters and buffers into constants, and folds batch norms into preceding
 * convolutions, as {@code torch.jit.freeze} does), then copies the graph into a {@link TorchGraph}.
 *
 * <p>The module path of each op kind comes from the unfrozen module tree, so an unsupported op can be
 * reported where it is used ({@code encoder.scan}).
 */
// PointerScope blocks free native memory on exit; the scope variable itself is not used.
@SuppressWarnings("try")
final class TorchScriptGraphReader {
    private TorchScriptGraphReader() {}

    /** Nested list constants deeper than this are refused (a graph constant is never that deep). */
    private static final int MAX_DEPTH = 8;

    static TorchGraph read(Path file) throws IOException {
        LibtorchBackend.require();
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        try (PointerScope scope = new PointerScope()) {
            JitModule module;
            try {
                module = torch.load(file.toAbsolutePath().toString());
            } catch (RuntimeException e) {
                throw new TorchFileException(file.toString(), null, -1,
                        "libtorch cannot load it as TorchScript (torch.jit.save / torch.jit.trace archive): "
                                + firstLine(e), e);
            }
            if (!module.find_method("forward").has_value()) {
                throw new TorchFileException(file.toString(), null, -1, "the TorchScript module has no forward()");
            }
            module.eval();
            JitModule frozen;
            try {
                frozen = torch.freeze(module);
            } catch (RuntimeException e) {
                throw new TorchFileException(file.toString(), null, -1,
                        "libtorch cannot freeze the module: " + firstLine(e), e);
            }
            Map<String, List<String>> locations = opSequence(module);
            return copy(file.toString(), frozen.get_method("forward").graph(), locations);
        }
    }

    /** libtorch's messages carry a C++ backtrace after the first line; users need the first line. */
    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static TorchGraph copy(String source, Graph g, Map<String, List<String>> locations) {
        List<String> inputs = new ArrayList<>();
        ValueArrayRef in = g.inputs();
        for (long i = 1; i < in.size(); i++) inputs.add(name(in.get(i))); // input 0 is self
        List<TorchGraph.Node> nodes = new ArrayList<>();
        Map<String, Object> constants = new LinkedHashMap<>();
        Map<String, List<String>> tuples = new LinkedHashMap<>();
        JitNode end = g.return_node();
        Map<String, Integer> frozenCounts = new HashMap<>();
        for (JitNode n = g.param_node().next(); n.address() != end.address(); n = n.next()) {
            frozenCounts.merge(n.kind().toQualString().getString(), 1, Integer::sum);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (JitNode n = g.param_node().next(); n.address() != end.address(); n = n.next()) {
            String kind = n.kind().toQualString().getString();
            if (kind.equals("prim::Constant")) {
                Value out = n.output();
                constants.put(name(out), constant(out, source));
                continue;
            }
            List<String> ins = names(n.inputs());
            List<String> outs = names(n.outputs());
            if (kind.equals("prim::TupleConstruct")) tuples.put(outs.get(0), ins);
            nodes.add(new TorchGraph.Node(kind, ins, outs, modulePath(locations.getOrDefault(kind, List.of()),
                    frozenCounts.get(kind), seen.merge(kind, 1, Integer::sum) - 1), ""));
        }
        List<String> outputs = new ArrayList<>();
        for (String o : names(g.outputs())) {
            // forward returning a tuple of tensors: the tuple's parts are the model's outputs.
            List<String> parts = tuples.get(o);
            if (parts != null) outputs.addAll(parts);
            else outputs.add(o);
        }
        if (!tuples.isEmpty()) {
            nodes.removeIf(nd -> nd.kind().equals("prim::TupleConstruct") && outputs.containsAll(nd.inputs())
                    && names(g.outputs()).contains(nd.outputs().get(0)));
        }
        return new TorchGraph(source, List.copyOf(inputs), List.copyOf(outputs), List.copyOf(nodes), constants);
    }

    /**
     * The module path of the i-th frozen occurrence of an op kind: exact when freezing kept every
     * occurrence (it folds some batch norms and constants away), otherwise every path using the kind.
     */
    private static String modulePath(List<String> paths, int frozenCount, int i) {
        if (paths.isEmpty()) return "";
        if (paths.size() == frozenCount) return paths.get(i);
        List<String> distinct = new ArrayList<>();
        for (String p : paths) if (!distinct.contains(p)) distinct.add(p);
        if (distinct.size() == 1) return distinct.get(0);
        List<String> shown = new ArrayList<>();
        for (String p : distinct) shown.add(p.isEmpty() ? "(top module)" : p);
        return String.join(" or ", shown);
    }

    private static String name(Value v) {
        return v.debugName().getString();
    }

    private static List<String> names(ValueArrayRef vs) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < vs.size(); i++) out.add(name(vs.get(i)));
        return out;
    }

    /** One node of an unfrozen forward, copied to Java (the native module objects do not outlive the iteration). */
    private record RawNode(String kind, String input0, String output, String attr, List<List<RawNode>> blocks) {}

    /** A module's forward: the name of its self input and its nodes. */
    private record RawForward(String self, List<RawNode> nodes) {}

    /**
     * Op kind to the module path of each of its occurrences, in execution order: the unfrozen
     * forward walked with every submodule call ({@code prim::CallMethod} on a {@code prim::GetAttr}
     * chain from self) followed into the callee's forward, which is the order freezing inlines them in.
     * libtorch's per-node inlined call stacks would say the same, but reading them through the
     * JavaCPP preset crashes.
     */
    private static Map<String, List<String>> opSequence(JitModule module) {
        Map<String, RawForward> forwards = new LinkedHashMap<>();
        var modules = module.named_modules();
        for (var it = modules.begin(); it.notEquals(modules.end()); it.increment()) {
            var named = it.access();
            String path = named.name() == null ? "" : named.name().getString(); // the root comes back null
            JitModule sub = named.value();
            if (!sub.find_method("forward").has_value()) continue;
            Graph g = sub.get_method("forward").graph();
            forwards.put(path, new RawForward(name(g.inputs().get(0)), copyNodes(g.param_node().next(), g.return_node(), 0)));
        }
        Map<String, List<String>> sequence = new LinkedHashMap<>();
        RawForward root = forwards.get("");
        if (root != null) {
            Map<String, String> modulesOf = new HashMap<>();
            modulesOf.put(root.self(), "");
            walk(root.nodes(), "", modulesOf, forwards, sequence, 0);
        }
        return sequence;
    }

    private static List<RawNode> copyNodes(JitNode first, JitNode end, int depth) {
        List<RawNode> out = new ArrayList<>();
        for (JitNode n = first; n.address() != end.address(); n = n.next()) {
            String kind = n.kind().toQualString().getString();
            if (kind.equals("prim::Constant")) continue;
            String input0 = n.inputs().size() > 0 ? name(n.inputs().get(0)) : "";
            String output = n.outputs().size() > 0 ? name(n.outputs().get(0)) : "";
            // The attribute name itself is not readable through the preset (JitNode.s returns the std::string
            // object, not its characters), but TorchScript names a GetAttr's output after the attribute
            // (fc1, fc1.2 when the name repeats); walk() only trusts it when the owner has such a submodule.
            String attr = kind.equals("prim::GetAttr") ? output.replaceFirst("\\.[0-9]+$", "")
                    : kind.equals("prim::CallMethod") ? "" : null;
            List<List<RawNode>> blocks = new ArrayList<>();
            var bs = n.blocks();
            for (long b = 0; b < bs.size() && depth < MAX_DEPTH; b++) {
                var block = bs.at(b);
                blocks.add(copyNodes(block.nodes().front(), block.return_node(), depth + 1));
            }
            out.add(new RawNode(kind, input0, output, attr, blocks));
        }
        return out;
    }

    private static void walk(List<RawNode> nodes, String path, Map<String, String> modulesOf, Map<String, RawForward> forwards,
                             Map<String, List<String>> sequence, int depth) {
        for (RawNode n : nodes) {
            String owner = modulesOf.get(n.input0());
            if (n.attr() != null && owner != null) {
                if (n.kind().equals("prim::GetAttr")) {
                    // Value names cannot start with a digit: Sequential's child "0" comes back as "_0".
                    for (String attr : n.attr().matches("_[0-9]+") ? List.of(n.attr(), n.attr().substring(1)) : List.of(n.attr())) {
                        String child = owner.isEmpty() ? attr : owner + "." + attr;
                        if (forwards.containsKey(child)) {
                            modulesOf.put(n.output(), child);
                            break;
                        }
                    }
                    continue;
                }
                // A call on a submodule is taken to be its forward (what traced modules call); a call on the
                // module's own self (a helper method of a scripted module) is not followed.
                RawForward callee = forwards.get(owner);
                if (!owner.equals(path) && callee != null && depth < MAX_DEPTH) {
                    Map<String, String> inner = new HashMap<>();
                    inner.put(callee.self(), owner);
                    walk(callee.nodes(), owner, inner, forwards, sequence, depth + 1);
                    continue;
                }
            }
            sequence.computeIfAbsent(n.kind(), k -> new ArrayList<>()).add(path);
            for (List<RawNode> block : n.blocks()) walk(block, path, modulesOf, forwards, sequence, depth + 1);
        }
    }

    private static Object constant(Value v, String source) {
        IValueOptional iv = torch.toIValue(v);
        if (!iv.has_value()) return TorchGraph.NONE;
        return fromIValue(iv.get(), source, 0);
    }

    private static Object fromIValue(IValue v, String source, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException(source + ": graph constant nested deeper than " + MAX_DEPTH);
        if (v.isNone()) return TorchGraph.NONE;
        if (v.isBool()) return v.toBool();
        if (v.isInt()) return v.toInt();
        if (v.isDouble()) return v.toDouble();
        if (v.isString()) return v.toStringRef().getString();
        if (v.isTensor()) return floatTensor(v.toTensor());
        if (v.isIntList()) {
            List<Object> out = new ArrayList<>();
            for (long x : v.toIntVector().get()) out.add(x);
            return out;
        }
        if (v.isDoubleList()) {
            List<Object> out = new ArrayList<>();
            for (double x : v.toDoubleVector().get()) out.add(x);
            return out;
        }
        if (v.isList()) {
            List<Object> out = new ArrayList<>();
            var l = v.toList();
            for (long i = 0; i < l.size(); i++) out.add(fromIValue(l.get(i), source, depth + 1));
            return out;
        }
        // Devices, dtypes as objects, modules...: kept as their kind; only ops that never read them may use them.
        return new OpaqueConstant(v.tagKind().getString());
    }

    private static TorchGraph.FloatTensor floatTensor(org.bytedeco.pytorch.Tensor t) {
        Tensor copy = NativeTensors.toTorch4j(t);
        long[] shape = copy.shape().clone();
        float[] data = copy.dtype().isFloatingPoint() || copy.numel() == 0 ? copy.toFloatArray() : toFloats(copy);
        return new TorchGraph.FloatTensor(shape, data);
    }

    private static float[] toFloats(Tensor t) {
        // Integer constants (index tensors, scalar tensors from Python ints) read as floats: exact up to 2^24.
        double[] d = t.toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** A constant of a kind no supported op reads (a device, a dtype object...), named by its kind. */
    record OpaqueConstant(String kind) {}
}
