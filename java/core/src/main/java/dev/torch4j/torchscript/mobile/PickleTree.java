package dev.torch4j.torchscript.mobile;

import dev.torch4j.PickleLimits;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.pickle.PickleMachine;
import dev.torch4j.pickle.PyCallable;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;

/**
 * A TorchScript pickle ({@code bytecode.pkl}, {@code constants.pkl}) read into values that
 * {@link PickleTreeWriter} writes back as PyTorch's C++ unpickler expects them. Nothing is rebuilt:
 * every global stays a {@link Global} (so {@code collections.OrderedDict} or a tensor rebuild is
 * written again as the same GLOBAL, not as what torch4j would make of it), every call a
 * {@link PyObject} naming it, every persistent id a {@link PersistentId}. The safe pickle machine
 * reads the bytes, so dangerous globals are refused and its limits bound memory and depth.
 */
final class PickleTree {
    private PickleTree() {}

    /** A global the pickle names (GLOBAL opcode); calling it records the call, it runs nothing. */
    record Global(String module, String name) implements PyCallable {
        @Override public Object call(PyTuple args) {
            return new PyObject(new PyGlobal(module, name), args);
        }
    }

    /** A persistent id (BINPERSID): for PyTorch {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}. */
    record PersistentId(Object id) {
        /** The storage key (the record name under the tensor folder), or null when this is not a storage id. */
        String storageKey() {
            return id instanceof PyTuple t && t.size() >= 3 && "storage".equals(t.get(0)) && t.get(2) instanceof String k
                    ? k : null;
        }

        /** The same id naming storage record {@code key}. */
        PersistentId withStorageKey(String key) {
            PyTuple t = (PyTuple) id;
            Object[] items = t.toArray();
            items[2] = key;
            return new PersistentId(PyTuple.of(items));
        }
    }

    static Object read(ByteRegion bytes, String file, String entry) throws TorchFileException {
        PickleMachine machine = new PickleMachine(bytes, 0, new PickleMachine.Config(file, entry,
                Global::new, PersistentId::new, false, PickleLimits.DEFAULT));
        return machine.load();
    }
}
