package dev.torch4j.pickle;

/** Resolves a persistent id (BINPERSID/PERSID), e.g. PyTorch's {@code ('storage', FloatStorage, '0', 'cpu', 6)}. */
@FunctionalInterface
public interface PersistentLoader {
    Object load(Object pid) throws Exception;
}
