package dev.torch4j.read;

import dev.torch4j.rebuild.TorchGlobals;
import dev.torch4j.numpy.NumpyGlobals;
import dev.torch4j.pickle.BuiltinGlobals;
import dev.torch4j.pickle.GlobalResolver;

/** The resolver chain every torch4j load uses: torch first, then numpy, then Python builtins. */
final class Resolvers {
    private Resolvers() {}

    static GlobalResolver standard(TorchGlobals torch) {
        return torch.orElse(NumpyGlobals.INSTANCE).orElse(BuiltinGlobals.INSTANCE);
    }
}
