package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.python.PyComplex;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a PyTorch Mobile flatbuffer ({@code PTMF}, bytecode v9; field ids from PyTorch's
 * {@code mobile_bytecode.fbs}) into the same object tree the zip {@code .ptl} gives: the module's
 * state object with its attributes, tensors over {@code storage_data} read lazily, and the
 * bytecode facts (version, methods, operators, TorchScript sources) for metadata and scanning.
 */
final class MobileFlatbufferReader {
    // Module
    private static final int M_VERSION = 0, M_EXTRA = 1, M_METHODS = 2, M_STATE = 3, M_IVALUES = 4,
            M_STORAGE = 6, M_TYPES = 7, M_SOURCES = 8, M_JIT_CONSTANTS = 9, M_OPERATOR_VERSION = 10;
    // IValueUnion members, in declaration order (0 is NONE)
    private static final int INT = 1, BOOL = 2, DOUBLE = 3, COMPLEX = 4, TENSOR = 5, STRING = 6, LIST = 7,
            TUPLE = 8, DICT = 9, OBJECT = 10, INT_LIST = 11, DOUBLE_LIST = 12, BOOL_LIST = 13, DEVICE = 14,
            ENUM = 15, FUNCTION = 16;
    // TypeType
    private static final int CLASS_WITH_FIELD = 1, CUSTOM_CLASS = 2, CLASS_WITH_SETSTATE = 3;
    /** Deeper nesting than any module has; bounds the recursion on hostile input. */
    private static final int MAX_DEPTH = 256;

    /** A method's compiled code as stored: qualified name, instruction count, operators called. */
    record Method(String name, int instructions, List<String> operators) {}

    private final FlatBuffer fb;
    private final FlatBuffer.Table module;
    private final FlatBuffer.Vector ivalues;
    private final FlatBuffer.Vector storageData;
    private final FlatBuffer.Vector types;
    private final Object[] converted;
    private final boolean[] converting;
    private final Map<Integer, Storage> storages = new HashMap<>();
    private final List<String> skipped = new ArrayList<>();

    MobileFlatbufferReader(ByteRegion bytes) {
        this.fb = new FlatBuffer(bytes);
        this.module = fb.root();
        this.ivalues = orEmpty(module.vector(M_IVALUES, 4));
        this.storageData = orEmpty(module.vector(M_STORAGE, 4));
        this.types = orEmpty(module.vector(M_TYPES, 4));
        this.converted = new Object[ivalues.length()];
        this.converting = new boolean[ivalues.length()];
    }

    private FlatBuffer.Vector orEmpty(FlatBuffer.Vector v) {
        return v != null ? v : fb.emptyVector(4);
    }

    long bytecodeVersion() { return module.u32(M_VERSION); }

    long operatorVersion() { return module.u32(M_OPERATOR_VERSION); }

    int storageCount() { return storageData.length(); }

    int ivalueCount() { return ivalues.length(); }

    /** Tensors of a dtype torch4j has no type for, or quantized ones, left out of the tree. */
    List<String> skippedTensors() { return skipped; }

    /** The module's state object: what {@code data.pkl} holds in the zip form. */
    Object root() {
        return value(index(module.u32(M_STATE), "state_obj"), 0);
    }

    /** The methods, in file order. */
    List<Method> methods() {
        List<Method> out = new ArrayList<>();
        for (MobileFlatbufferFile.Function f : functions()) {
            List<String> names = new ArrayList<>();
            for (MobileFlatbufferFile.Operator op : f.operators()) {
                names.add(op.overload().isEmpty() ? op.name() : op.name() + "." + op.overload());
            }
            out.add(new Method(f.name(), f.instructions().size(), names));
        }
        return out;
    }

    /** TorchScript's instruction opcodes in enum order (runtime/instruction.h), as bytecode.pkl spells them. */
    private static final String[] OPCODES = {"OP", "OPN", "LOAD", "MOVE", "STOREN", "STORE", "DROP", "DROPR", "LOADC",
        "JF", "JMP", "LOOP", "RET", "WAIT", "CALL", "GUARD", "TYPECHECK", "FAIL_GUARD", "PROFILE_OP", "TAIL_CALL",
        "INTERFACE_CALL", "GET_ATTR", "SET_ATTR", "LIST_UNPACK", "TUPLE_CONSTRUCT", "NAMED_TUPLE_CONSTRUCT",
        "LIST_CONSTRUCT", "DICT_CONSTRUCT", "CREATE_OBJECT", "ISINSTANCE", "TUPLE_SLICE", "TUPLE_INDEX",
        "RAISE_EXCEPTION", "DICT_INDEX", "UNCHECKED_CAST", "__IS__", "UN_INITIALIZED", "__ISNOT__", "FORMAT",
        "DEVICE", "DTYPE", "DIM", "__NOT__", "TO_LIST", "NUM_TO_TENSOR", "IS_CUDA", "FORK", "WARN", "ENTER", "EXIT",
        "AWAITABLE"};

    /** The methods in full, for writing them as bytecode.pkl (values converted as {@link #root} converts them). */
    List<MobileFlatbufferFile.Function> functions() {
        FlatBuffer.Vector m = orEmpty(module.vector(M_METHODS, 4));
        List<MobileFlatbufferFile.Function> out = new ArrayList<>();
        for (int i = 0; i < m.length(); i++) {
            FlatBuffer.Table fn = unionValue(index(m.i32(i) & 0xFFFFFFFFL, "method " + i), FUNCTION);
            FlatBuffer.Vector ins = orEmpty(fn.vector(1, 8));
            List<MobileFlatbufferFile.Instruction> instructions = new ArrayList<>(ins.length());
            for (int k = 0; k < ins.length(); k++) {
                long at = ins.dataPosition() + 8L * k;
                int op = fb.u8(at);
                if (op >= OPCODES.length) throw new FlatBufferException(at, "instruction " + k + " has unknown opcode " + op);
                instructions.add(new MobileFlatbufferFile.Instruction(OPCODES[op], fb.i32(at + 4), fb.u16(at + 2)));
            }
            FlatBuffer.Vector ops = orEmpty(fn.vector(2, 4));
            List<MobileFlatbufferFile.Operator> operators = new ArrayList<>(ops.length());
            for (int k = 0; k < ops.length(); k++) {
                FlatBuffer.Table op = ops.table(k);
                operators.add(new MobileFlatbufferFile.Operator(nonNull(op.string(0)), nonNull(op.string(1)), op.i32(2, -1)));
            }
            FlatBuffer.Vector consts = orEmpty(fn.vector(3, 4));
            List<Object> constants = new ArrayList<>(consts.length());
            for (int k = 0; k < consts.length(); k++) constants.add(item(consts, k, 0));
            FlatBuffer.Vector ann = orEmpty(fn.vector(4, 4));
            List<String> typeNames = new ArrayList<>(ann.length());
            for (int k = 0; k < ann.length(); k++) typeNames.add(ann.string(k));
            FlatBuffer.Table schema = fn.table(6);
            out.add(new MobileFlatbufferFile.Function(nonNull(fn.string(0)), instructions, operators, constants, typeNames,
                    fn.i32(5, 0), schema == null ? null : args(schema.vector(0, 4)), schema == null ? null : args(schema.vector(1, 4))));
        }
        return out;
    }

    private List<MobileFlatbufferFile.Arg> args(FlatBuffer.Vector v) {
        List<MobileFlatbufferFile.Arg> out = new ArrayList<>();
        for (int k = 0; v != null && k < v.length(); k++) {
            FlatBuffer.Table a = v.table(k);
            Object dflt = value(index(a.u32(2), "default_value of argument " + k), 0);
            out.add(new MobileFlatbufferFile.Arg(nonNull(a.string(0)), nonNull(a.string(1)), dflt));
        }
        return out;
    }

    /** The constants TorchScript code refers to ({@code jit_constants}, constants.pkl in the zip form). */
    List<Object> jitConstants() {
        FlatBuffer.Vector v = orEmpty(module.vector(M_JIT_CONSTANTS, 4));
        List<Object> out = new ArrayList<>(v.length());
        for (int k = 0; k < v.length(); k++) out.add(item(v, k, 0));
        return out;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Every operator the methods call, sorted. */
    TreeSet<String> operators() {
        TreeSet<String> out = new TreeSet<>();
        for (Method m : methods()) out.addAll(m.operators());
        return out;
    }

    /** The TorchScript sources kept for {@code torch.jit.load} ({@code jit_sources}), by file name. */
    Map<String, String> jitSources() {
        return files(M_SOURCES);
    }

    /** {@code extra_files}, by name. */
    Map<String, String> extraFiles() {
        return files(M_EXTRA);
    }

    private Map<String, String> files(int field) {
        FlatBuffer.Vector v = module.vector(field, 4);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; v != null && i < v.length(); i++) {
            FlatBuffer.Table f = v.table(i);
            out.put(nonNull(f.string(0)), nonNull(f.string(1)));
        }
        return out;
    }

    /** The class names of {@code object_types}. */
    List<String> typeNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < types.length(); i++) out.add(types.table(i).string(0));
        return out;
    }

    int jitConstantCount() {
        FlatBuffer.Vector v = module.vector(M_JIT_CONSTANTS, 4);
        return v == null ? 0 : v.length();
    }

    private int index(long i, String what) {
        if (i >= ivalues.length()) {
            throw new FlatBufferException(module.position(), what + " names ivalue " + i + " of " + ivalues.length());
        }
        return (int) i;
    }

    /** The ivalue's union member table, checked to be of the expected type. */
    private FlatBuffer.Table unionValue(int i, int expected) {
        FlatBuffer.Table iv = ivalues.table(i);
        int type = iv.u8(0, 0);
        FlatBuffer.Table val = iv.table(1);
        if (type != expected || val == null) {
            throw new FlatBufferException(iv.position(), "ivalue " + i + " has type " + type + ", expected " + expected);
        }
        return val;
    }

    private Object value(int i, int depth) {
        if (converted[i] != null) return converted[i];
        if (converting[i]) throw new FlatBufferException(ivalues.dataPosition() + 4L * i, "ivalue " + i + " contains itself");
        if (depth > MAX_DEPTH) throw new FlatBufferException(ivalues.dataPosition() + 4L * i, "ivalues nested deeper than " + MAX_DEPTH);
        converting[i] = true;
        Object v = convert(i, depth);
        converting[i] = false;
        converted[i] = v;
        return v;
    }

    private Object item(FlatBuffer.Vector v, int k, int depth) {
        return value(index(v.i32(k) & 0xFFFFFFFFL, "item " + k), depth + 1);
    }

    private Object convert(int i, int depth) {
        FlatBuffer.Table iv = ivalues.table(i);
        int type = iv.u8(0, 0);
        if (type == 0) return null;
        // Int, Bool, Double and ComplexDouble are structs: the union's offset points at their bytes.
        long structAt = iv.target(1);
        if (structAt < 0) throw new FlatBufferException(iv.position(), "ivalue " + i + " of type " + type + " has no value");
        switch (type) {
            case INT: fb.check(structAt, 8, "Int"); return fb.i64(structAt);
            case BOOL: fb.check(structAt, 1, "Bool"); return fb.u8(structAt) != 0;
            case DOUBLE: fb.check(structAt, 8, "Double"); return Double.longBitsToDouble(fb.i64(structAt));
            case COMPLEX:
                fb.check(structAt, 16, "ComplexDouble");
                return new PyComplex(Double.longBitsToDouble(fb.i64(structAt)), Double.longBitsToDouble(fb.i64(structAt + 8)));
            default: break;
        }
        FlatBuffer.Table val = fb.table(structAt);
        return switch (type) {
            case TENSOR -> tensor(val, i);
            case STRING, DEVICE -> val.string(0);
            case LIST -> {
                FlatBuffer.Vector items = orEmpty(val.vector(0, 4));
                List<Object> out = "List[Tensor]".equals(val.string(1))
                        ? new MobileFlatbufferFile.TypedList("build_tensorlist", items.length()) : new ArrayList<>(items.length());
                for (int k = 0; k < items.length(); k++) out.add(item(items, k, depth));
                yield out;
            }
            case TUPLE -> {
                FlatBuffer.Vector items = orEmpty(val.vector(0, 4));
                Object[] out = new Object[items.length()];
                for (int k = 0; k < out.length; k++) out[k] = item(items, k, depth);
                yield PyTuple.of(out);
            }
            case DICT -> {
                FlatBuffer.Vector keys = orEmpty(val.vector(0, 4));
                FlatBuffer.Vector values = orEmpty(val.vector(1, 4));
                if (keys.length() != values.length()) {
                    throw new FlatBufferException(val.position(), "dict of " + keys.length() + " keys and " + values.length() + " values");
                }
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int k = 0; k < keys.length(); k++) {
                    Object key = item(keys, k, depth);
                    // TorchScript keys are str, int, float, bool or Tensor; a container as key would be hashed
                    // through every shared sub-list, exponential on a hostile file.
                    if (key instanceof List<?> || key instanceof Map<?, ?> || key instanceof PyObject) {
                        throw new FlatBufferException(val.position(), "dict key " + k + " is a container");
                    }
                    out.put(key, item(values, k, depth));
                }
                yield out;
            }
            case INT_LIST -> {
                FlatBuffer.Vector items = orEmpty(val.vector(0, 8));
                List<Object> out = new MobileFlatbufferFile.TypedList("build_intlist", items.length());
                for (int k = 0; k < items.length(); k++) out.add(items.i64(k));
                yield out;
            }
            case DOUBLE_LIST -> {
                FlatBuffer.Vector items = orEmpty(val.vector(0, 8));
                List<Object> out = new MobileFlatbufferFile.TypedList("build_doublelist", items.length());
                for (int k = 0; k < items.length(); k++) out.add(Double.longBitsToDouble(items.i64(k)));
                yield out;
            }
            case BOOL_LIST -> {
                FlatBuffer.Vector items = orEmpty(val.vector(0, 1));
                List<Object> out = new MobileFlatbufferFile.TypedList("build_boollist", items.length());
                for (int k = 0; k < items.length(); k++) out.add(items.u8(k) != 0);
                yield out;
            }
            case OBJECT -> object(val, depth);
            case ENUM -> {
                Object v = value(index(val.u32(1), "enum value"), depth + 1);
                yield v;
            }
            case FUNCTION -> val.string(0);
            default -> throw new FlatBufferException(iv.position(), "ivalue " + i + " has unknown type " + type);
        };
    }

    /** An object as the zip form's unpickler gives it: its class and its attributes (or setstate state). */
    private Object object(FlatBuffer.Table obj, int depth) {
        long typeIndex = obj.u32(0);
        if (typeIndex >= types.length()) {
            throw new FlatBufferException(obj.position(), "object type " + typeIndex + " of " + types.length());
        }
        FlatBuffer.Table type = types.table((int) typeIndex);
        String name = type.string(0);
        if (name == null) name = "";
        int dot = name.lastIndexOf('.');
        PyObject out = new PyObject(new PyGlobal(dot < 0 ? "" : name.substring(0, dot), name.substring(dot + 1)), PyTuple.EMPTY);
        int kind = type.u8(1, 0);
        if (kind == CLASS_WITH_FIELD) {
            FlatBuffer.Vector names = orEmpty(type.vector(2, 4));
            FlatBuffer.Vector attrs = orEmpty(obj.vector(2, 4));
            if (names.length() != attrs.length()) {
                throw new FlatBufferException(obj.position(), name + ": " + attrs.length() + " attributes for "
                        + names.length() + " names");
            }
            Map<Object, Object> state = new LinkedHashMap<>();
            for (int k = 0; k < names.length(); k++) state.put(names.string(k), item(attrs, k, depth));
            out.setState(state);
        } else if (kind == CUSTOM_CLASS || kind == CLASS_WITH_SETSTATE) {
            out.setState(value(index(obj.u32(1), name + " state"), depth + 1));
        } else {
            throw new FlatBufferException(type.position(), "object type " + name + " of kind " + kind);
        }
        return out;
    }

    private Tensor tensor(FlatBuffer.Table meta, int i) {
        long storageIndex = meta.u32(0);
        int code = meta.i8(1, 0);
        DType dtype = EtScalarType.of(code);
        long[] sizes = ints(meta.vector(3, 4));
        long[] strides = ints(meta.vector(4, 4));
        if (sizes.length != strides.length) {
            throw new FlatBufferException(meta.position(), "tensor of " + sizes.length + " sizes and " + strides.length + " strides");
        }
        if (dtype == null || dtype.kind() == DType.Kind.QUANTIZED || meta.has(6)) {
            skipped.add("ivalue " + i + ": " + EtScalarType.name(code) + Arrays.toString(sizes));
            return null;
        }
        if (storageIndex >= storageData.length()) {
            throw new FlatBufferException(meta.position(), "tensor names storage " + storageIndex + " of " + storageData.length());
        }
        Storage storage = storages.get((int) storageIndex);
        if (storage == null) {
            FlatBuffer.Table sd = storageData.table((int) storageIndex);
            FlatBuffer.Vector data = orEmpty(sd.vector(0, 1));
            ByteRegion region = fb.region().subRegion(data.dataPosition(), data.byteLength());
            storage = Storage.ofBytes(String.valueOf(storageIndex), dtype, region, ByteOrder.LITTLE_ENDIAN);
            storages.put((int) storageIndex, storage);
        }
        // The Tensor constructor checks that sizes, strides and offset stay inside the storage.
        try {
            return new Tensor(dtype, sizes, strides, meta.i32(2, 0), storage, meta.bool(5), false, null);
        } catch (IllegalArgumentException e) {
            throw new FlatBufferException(meta.position(), "tensor metadata (ivalue " + i + "): " + e.getMessage());
        }
    }

    private static long[] ints(FlatBuffer.Vector v) {
        if (v == null) return new long[0];
        long[] out = new long[v.length()];
        for (int k = 0; k < out.length; k++) out[k] = v.i32(k);
        return out;
    }
}
