package dev.torch4j.rebuild;

import dev.torch4j.pickle.PyReplacing;
import dev.torch4j.tensor.Tensor;

import java.util.List;

/**
 * A {@code torch.nn.parameter.Parameter(data)} pickled directly (2017-era files), awaiting the BUILD
 * that sets {@code (requires_grad, volatile, backward_hooks)}; it then stands for the Parameter tensor.
 */
public final class ParameterState implements PyReplacing {
    private Tensor tensor;

    ParameterState(Tensor data, boolean requiresGrad) {
        this.tensor = data.asParameter(requiresGrad);
    }

    @Override public void setState(Object state) {
        if (state instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Boolean rg) {
            tensor = tensor.asParameter(rg);
        }
    }

    @Override public Object replacement() { return tensor; }

    public Tensor tensor() { return tensor; }
}
