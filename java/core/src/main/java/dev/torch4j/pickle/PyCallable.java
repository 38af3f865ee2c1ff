package dev.torch4j.pickle;

import dev.torch4j.python.PyTuple;

/**
 * A Python callable that torch4j implements itself in Java (a tensor reconstructor, OrderedDict,
 * numpy's _reconstruct...): the only things REDUCE/NEWOBJ ever run. Implementations validate their
 * arguments and throw {@link IllegalArgumentException} (or any exception) with a plain reason;
 * the machine adds file, entry and byte offset.
 */
@FunctionalInterface
public interface PyCallable {
    Object call(PyTuple args) throws Exception;
}
