package dev.torch4j.rebuild;

import dev.torch4j.pickle.PyReplacing;
import dev.torch4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A {@code torch.nn.parameter.Parameter(data)} pickled directly (2017-era files), awaiting the BUILD
 * that sets {@code (requires_grad, volatile, backward_hooks)}; it then stands for the Parameter tensor.
 *
 * <p>PyTorch 0.1 pickled Parameters with NEWOBJ and no arguments, the data coming with the BUILD
 * state: the legacy Variable state {@code (data, creator, backward_hooks, requires_grad, volatile)}
 * that {@code Tensor.__setstate__} still accepts, or {@code (data, requires_grad, volatile, hooks)}.
 */
public final class ParameterState extends PyReplacing {
    private Tensor tensor;

    ParameterState(Tensor data, boolean requiresGrad) {
        this.tensor = data.asParameter(requiresGrad);
    }

    private ParameterState() {}

    /** A Parameter created without arguments, its data expected in the BUILD state. */
    static ParameterState awaitingData() {
        return new ParameterState();
    }

    @Override public void setState(Object state) {
        if (tensor == null) {
            takeData(state);
            return;
        }
        if (state instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Boolean rg) {
            tensor = tensor.asParameter(rg);
        }
    }

    private void takeData(Object state) {
        Object data;
        Object requiresGrad;
        if (state instanceof List<?> l && !l.isEmpty()) {
            data = l.get(0);
            // Tensor.__setstate__: five items are the legacy Variable layout (requires_grad fourth).
            requiresGrad = l.size() == 5 ? l.get(3) : l.size() > 1 ? l.get(1) : (Object) true;
        } else if (state instanceof Map<?, ?> m && m.containsKey("data")) {
            data = m.get("data");
            requiresGrad = m.containsKey("requires_grad") ? m.get("requires_grad") : (Object) true;
        } else {
            throw new IllegalArgumentException("Parameter created without arguments expects its data in the BUILD state, got "
                    + (state == null ? "None" : state.getClass().getSimpleName()));
        }
        if (data instanceof ParameterState p && p.tensor != null) data = p.tensor;
        if (!(data instanceof Tensor t)) {
            throw new IllegalArgumentException("Parameter data must be a tensor, got " + (data == null ? "None" : data.getClass().getSimpleName()));
        }
        tensor = t.asParameter(!(requiresGrad instanceof Boolean b) || b);
    }

    @Override public Object replacement() {
        if (tensor == null) throw new IllegalStateException("Parameter created without arguments never received its data");
        return tensor;
    }

    /** The Parameter's tensor, or null while it still waits for its data. */
    public Tensor tensor() { return tensor; }
}
