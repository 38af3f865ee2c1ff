package dev.torch4j.pickle;

/** Maps a pickle global to its Java implementation. Resolvers never import or run Python code. */
@FunctionalInterface
public interface GlobalResolver {
    /** The implementation of {@code module.name}, or null when this resolver does not know it. */
    PyCallable resolve(String module, String name);

    /** This resolver, then {@code next} for what this one does not know. */
    default GlobalResolver orElse(GlobalResolver next) {
        return (module, name) -> {
            PyCallable c = resolve(module, name);
            return c != null ? c : next.resolve(module, name);
        };
    }
}
