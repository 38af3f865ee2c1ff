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
import org.bytedeco.pytorch.Symbol;
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

    /**
     * Op kind to the module path of each of its occurrences, in execution order: the unfrozen
     * forward walked with every submodule call ({@code prim::CallMethod} on a {@code prim::GetAttr}
     * chain from self) followed into the callee, which is the order freezing inlines them in.
     * libtorch's per-node inlined call stacks would say the same, but reading them through the
     * JavaCPP preset crashes.
     */
    private static Map<String, List<String>> opSequence(JitModule module) {
        Map<String, JitModule> byPath = new LinkedHashMap<>();
        var modules = module.named_modules();
        for (var it = modules.begin(); it.notEquals(modules.end()); it.increment()) {
            var named = it.access();
            String path = named.name() == null ? "" : named.name().getString(); // the root comes back null
            byPath.put(path, named.value());
        }
        Map<String, List<String>> sequence = new LinkedHashMap<>();
        if (module.find_method("forward").has_value()) {
            Graph g = module.get_method("forward").graph();
            Map<String, String> modulesOf = new HashMap<>();
            modulesOf.put(name(g.inputs().get(0)), "");
            walk(g.param_node().next(), g.return_node(), "", modulesOf, byPath, sequence, 0);
        }
        return sequence;
    }

    private static void walk(JitNode first, JitNode end, String path, Map<String, String> modulesOf, Map<String, JitModule> byPath,
                             Map<String, List<String>> sequence, int depth) {
        Symbol nameAttr = Symbol.attr("name");
        for (JitNode n = first; n.address() != end.address(); n = n.next()) {
            String kind = n.kind().toQualString().getString();
            if (kind.equals("prim::Constant")) continue;
            if (kind.equals("prim::GetAttr") || kind.equals("prim::CallMethod")) {
                String owner = modulesOf.get(name(n.inputs().get(0)));
                if (owner != null && n.hasAttribute(nameAttr)) {
                    String attr = n.s(nameAttr).getString();
                    if (kind.equals("prim::GetAttr")) {
                        String child = owner.isEmpty() ? attr : owner + "." + attr;
                        if (byPath.containsKey(child)) modulesOf.put(name(n.output()), child);
                        continue;
                    }
                    JitModule callee = byPath.get(owner);
                    if (callee != null && depth < MAX_DEPTH && callee.find_method(attr).has_value()) {
                        Graph g = callee.get_method(attr).graph();
                        Map<String, String> inner = new HashMap<>();
                        inner.put(name(g.inputs().get(0)), owner);
                        walk(g.param_node().next(), g.return_node(), owner, inner, byPath, sequence, depth + 1);
                        continue;
                    }
                }
            }
            sequence.computeIfAbsent(kind, k -> new ArrayList<>()).add(path);
            var blocks = n.blocks();
            for (long b = 0; b < blocks.size() && depth < MAX_DEPTH; b++) {
                var block = blocks.at(b);
                walk(block.nodes().front(), block.return_node(), path, modulesOf, byPath, sequence, depth + 1);
            }
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
