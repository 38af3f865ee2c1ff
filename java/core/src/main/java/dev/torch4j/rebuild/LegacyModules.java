package dev.torch4j.rebuild;

import dev.torch4j.torchscript.jit1.ModelJson;
import dev.torch4j.TorchFileException;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the ModuleDef tree of a legacy TorchScript archive into nn.Module-shaped placeholders
 * ({@code _parameters}, {@code _buffers}, {@code _modules}), so tensor paths come out as
 * PyTorch's state_dict names: a module's parameters, then its buffers, then its submodules.
 */
public final class LegacyModules {
    private LegacyModules() {}

    public static PyObject build(ModelJson json, List<Tensor> table) throws TorchFileException {
        List<String> qualifier = new ArrayList<>(List.of("__torch__"));
        return module(json, json.model().mainModule(), table, qualifier);
    }

    private static PyObject module(ModelJson json, ModelJson.ModuleDef def, List<Tensor> table, List<String> qualifier)
            throws TorchFileException {
        // PyTorch names the class after the module path, digits-only atoms prefixed with '_'.
        int pushed = 0;
        for (String atom : def.name().split("\\.")) {
            if (atom.isEmpty()) continue;
            qualifier.add(atom.chars().allMatch(Character::isDigit) ? "_" + atom : atom);
            pushed++;
        }
        Map<Object, Object> parameters = new LinkedHashMap<>();
        Map<Object, Object> buffers = new LinkedHashMap<>();
        Map<Object, Object> modules = new LinkedHashMap<>();
        for (ModelJson.ModuleDef sub : def.submodules()) {
            checkUnique(json, sub.source(), sub.name(), parameters, buffers, modules);
            modules.put(sub.name(), module(json, sub, table, qualifier));
        }
        for (ModelJson.ParameterDef p : def.parameters()) {
            checkUnique(json, p.source(), p.name(), parameters, buffers, modules);
            if (p.tensorId() < 0 || p.tensorId() >= table.size()) {
                throw json.error(p.source(), "parameter '" + p.name() + "' has tensorId " + p.tensorId()
                        + " but the tensor table holds " + table.size() + " tensors");
            }
            Tensor t = table.get((int) p.tensorId());
            if (p.isBuffer()) {
                buffers.put(p.name(), t);
            } else {
                parameters.put(p.name(), t.asParameter(t.requiresGrad()));
            }
        }
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put("_parameters", parameters);
        state.put("_buffers", buffers);
        state.put("_modules", modules);
        String name = qualifier.get(qualifier.size() - 1);
        String scope = String.join(".", qualifier.subList(0, qualifier.size() - 1));
        PyObject module = new PyObject(new PyGlobal(scope, name), PyTuple.EMPTY);
        module.setState(state);
        for (int i = 0; i < pushed; i++) qualifier.remove(qualifier.size() - 1);
        return module;
    }

    /** One name per slot: a second parameter, buffer or submodule of the same name would hide the first. */
    private static void checkUnique(ModelJson json, Map<String, Object> source, String name,
                                    Map<Object, Object> parameters, Map<Object, Object> buffers, Map<Object, Object> modules)
            throws TorchFileException {
        if (parameters.containsKey(name) || buffers.containsKey(name) || modules.containsKey(name)) {
            throw json.error(source, "module defines '" + name + "' twice");
        }
    }
}
