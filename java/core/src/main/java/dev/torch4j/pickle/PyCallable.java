package dev.torch4j.pickle;

import dev.torch4j.python.PyTuple;

/**
 * A Python callable that torch4j implements itself in Java (a tensor reconstructor, OrderedDict,
 * numpy's _reconstruct...): the only things REDUCE/NEWOBJ ever run. Implementations validate their
 * arguments and refuse them with an exception carrying a plain reason; the machine reports it at the
 * calling opcode, naming file, entry, offset and the callable: {@link UnsupportedOperationException}
 * as {@link dev.torch4j.ErrorKind#UNSUPPORTED} (valid Python that torch4j does not rebuild), any other
 * as {@link dev.torch4j.ErrorKind#CORRUPT} (arguments Python itself would refuse). A
 * {@link dev.torch4j.TorchFileException} (a tensor's storage missing from the archive...) passes unchanged.
 */
@FunctionalInterface
public interface PyCallable {
    Object call(PyTuple args) throws Exception;
}
