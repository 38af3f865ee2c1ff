package dev.torch4j.format;

import dev.torch4j.pickle.GlobalResolver;

/** The resolver chain every torch4j load uses: torch first, then numpy, then Python builtins. */
final class Resolvers {
    private Resolvers() {}

    static GlobalResolver standard(TorchGlobals torch) {
        // TODO(merge h-pickle): .orElse(NumpyGlobals).orElse(BuiltinGlobals)
        return torch;
    }
}
