package dev.torch4j.pickle;

/** Maps a pickle global to its Java implementation. Resolvers never import or run Python code. */
@FunctionalInterface
public interface GlobalResolver {
    /** The implementation of {@code module.name}, or null when this resolver does not know it. */
    PyCallable resolve(String module, String name);

    /** This resolver, then {@code next} for what this one does not know. */
    default GlobalResolver orElse(GlobalResolver next) {
        // A class, not a lambda: a short command's first lambda initialises java.lang.invoke (several ms of
        // a 0.2 s inspect); see docs/building.md.
        return new ResolverChain(this, next);
    }
}
