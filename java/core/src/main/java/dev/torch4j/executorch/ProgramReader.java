package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ExecuTorch {@code Program} (schema/program.fbs): per execution plan (method) its inputs,
 * outputs, operators and how often instructions call them, its delegates and their payload sizes;
 * program-wide the constant tensors, from the constant segment (current files) or the inline
 * constant buffers (older ones), mutable-buffer initial values, and tensors stored in a .ptd by name.
 */
final class ProgramReader {
    // Field ids of program.fbs, in declaration order (a union takes two: type, then value).
    private static final int PROGRAM_VERSION = 0, PROGRAM_PLANS = 1, PROGRAM_CONSTANT_BUFFER = 2, PROGRAM_DELEGATE_DATA = 3,
            PROGRAM_SEGMENTS = 4, PROGRAM_CONSTANT_SEGMENT = 5, PROGRAM_MUTABLE_SEGMENTS = 6, PROGRAM_NAMED_DATA = 7;
    private static final int PLAN_NAME = 0, PLAN_VALUES = 2, PLAN_INPUTS = 3, PLAN_OUTPUTS = 4, PLAN_CHAINS = 5,
            PLAN_OPERATORS = 6, PLAN_DELEGATES = 7;
    private static final int KERNEL_TENSOR = 5;
    private static final String[] KERNEL_TYPES = {"none", "null", "int", "bool", "double", "tensor", "string", "int_list",
            "double_list", "bool_list", "tensor_list", "optional_tensor_list"};
    private static final int INSTRUCTION_KERNEL_CALL = 1, INSTRUCTION_DELEGATE_CALL = 2;

    private final ByteRegion file;
    private final Map<String, Object> meta;
    private final Map<Object, Object> tensors = new LinkedHashMap<>();
    private final Map<String, Storage> storages = new HashMap<>();
    private final FlatTensorReader.Data external;

    ProgramReader(ByteRegion file, Map<String, Object> meta, FlatTensorReader.Data external) {
        this.file = file;
        this.meta = meta;
        this.external = external;
    }

    Map<Object, Object> tensors() { return tensors; }

    void read() {
        FlatBuffer whole = new FlatBuffer(file);
        meta.put("executorch.file_identifier", whole.identifier());
        ExtendedHeader header = ExtendedHeader.parse(whole, "eh00", 2);
        long programSize = file.size();
        long segmentBase = 0;
        if (header != null) {
            programSize = header.field(0);
            segmentBase = header.field(1);
            if (programSize > file.size() || programSize < 8) {
                throw new FlatBufferException(16, "extended header: program size " + programSize + " in a "
                        + file.size() + "-byte file");
            }
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("program_size", programSize);
            h.put("segment_base_offset", segmentBase);
            h.put("segment_data_size", header.field(2));
            meta.put("executorch.extended_header", h);
        }
        FlatBuffer fb = new FlatBuffer(file.subRegion(0, programSize));
        FlatBuffer.Table program = fb.root();
        meta.put("executorch.schema_version", program.u32(PROGRAM_VERSION));
        DataSegments segments = new DataSegments(file, segmentBase, program.vector(PROGRAM_SEGMENTS, 4));
        meta.put("executorch.segments", (long) segments.count());
        FlatBuffer.Vector inlineDelegates = program.vector(PROGRAM_DELEGATE_DATA, 4);
        ConstantData constants = new ConstantData(program, segments).withFile(file);

        List<String> methods = new ArrayList<>();
        FlatBuffer.Vector plans = program.vector(PROGRAM_PLANS, 4);
        int planCount = plans == null ? 0 : plans.length();
        List<String> unresolved = new ArrayList<>();
        for (int p = 0; p < planCount; p++) {
            FlatBuffer.Table plan = plans.table(p);
            String name = plan.string(PLAN_NAME);
            if (name == null) name = "plan_" + p;
            methods.add(name);
            readPlan(plan, "executorch." + name + ".", constants, segments, inlineDelegates, program, unresolved);
        }
        meta.put("executorch.methods", methods);
        meta.put("executorch.constant_tensors", (long) tensors.size());
        if (!unresolved.isEmpty()) meta.put("executorch.external_tensors_unresolved", unresolved);
        FlatBuffer.Vector named = program.vector(PROGRAM_NAMED_DATA, 4);
        if (named != null && named.length() > 0) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < named.length(); i++) {
                FlatBuffer.Table n = named.table(i);
                long seg = n.u32(1);
                keys.add(n.string(0) + ": " + segments.size((int) Math.min(seg, Integer.MAX_VALUE)) + " bytes (segment " + seg + ")");
            }
            meta.put("executorch.named_data", keys);
        }
    }

    private void readPlan(FlatBuffer.Table plan, String p, ConstantData constants, DataSegments segments,
                          FlatBuffer.Vector inlineDelegates, FlatBuffer.Table program, List<String> unresolved) {
        FlatBuffer.Vector values = plan.vector(PLAN_VALUES, 4);
        int valueCount = values == null ? 0 : values.length();
        meta.put(p + "values", (long) valueCount);
        meta.put(p + "inputs", describeValues(plan.vector(PLAN_INPUTS, 4), values));
        meta.put(p + "outputs", describeValues(plan.vector(PLAN_OUTPUTS, 4), values));

        for (int v = 0; v < valueCount; v++) {
            FlatBuffer.Table ev = values.table(v);
            if (ev.u8(0, 0) != KERNEL_TENSOR) continue;
            FlatBuffer.Table t = ev.table(1);
            if (t == null) continue;
            TensorValue tv = TensorValue.parse(t);
            if (tv.external()) {
                String key = tv.fqn() == null ? "value " + v : tv.fqn();
                if (tensors.containsKey(key)) continue;
                if (external != null && external.has(key)) tensors.put(key, external.tensor(key, tv));
                else unresolved.add(key + ": " + tv.describe());
            } else if (tv.dataBufferIndex() > 0 && !tv.planned()) {
                String key = tv.fqn() != null ? tv.fqn() : "const_" + tv.dataBufferIndex();
                // Values may view one buffer with different shapes (a reshaped constant): each gets a name.
                if (tensors.get(key) instanceof Tensor seen && (!java.util.Arrays.equals(seen.shape(), tv.sizes())
                        || seen.dtype() != tv.dtype())) {
                    key = key + "_v" + v;
                }
                if (tensors.containsKey(key)) continue;
                Tensor tensor = tensor(tv, "constant " + tv.dataBufferIndex(),
                        () -> constants.bytes(tv.dataBufferIndex(), tv.byteSize(), t.position()));
                if (tensor != null) tensors.put(key, tensor);
            } else if (tv.dataBufferIndex() > 0 && tv.mutableSegmentIndex() >= 0) {
                String key = tv.fqn() != null ? tv.fqn() : "mutable_" + tv.mutableSegmentIndex() + "_" + tv.dataBufferIndex();
                if (tensors.containsKey(key)) continue;
                Tensor tensor = tensor(tv, "mutable " + tv.dataBufferIndex(),
                        () -> constants.mutableBytes(program, tv.mutableSegmentIndex(), tv.dataBufferIndex(), tv.byteSize(), t.position()));
                if (tensor != null) tensors.put(key, tensor);
            }
        }

        // Operators in table order, each with the number of instructions calling it.
        FlatBuffer.Vector ops = plan.vector(PLAN_OPERATORS, 4);
        int opCount = ops == null ? 0 : ops.length();
        String[] opNames = new String[opCount];
        for (int i = 0; i < opCount; i++) {
            FlatBuffer.Table op = ops.table(i);
            String overload = op.string(1);
            opNames[i] = op.string(0) + (overload == null || overload.isEmpty() ? "" : "." + overload);
        }
        long[] calls = new long[opCount];
        FlatBuffer.Vector delegates = plan.vector(PLAN_DELEGATES, 4);
        int delegateCount = delegates == null ? 0 : delegates.length();
        long[] delegateCalls = new long[delegateCount];
        long instructions = 0;
        FlatBuffer.Vector chains = plan.vector(PLAN_CHAINS, 4);
        for (int c = 0; chains != null && c < chains.length(); c++) {
            FlatBuffer.Vector ins = chains.table(c).vector(2, 4);
            for (int i = 0; ins != null && i < ins.length(); i++) {
                instructions++;
                FlatBuffer.Table instruction = ins.table(i);
                int type = instruction.u8(0, 0);
                FlatBuffer.Table args = instruction.table(1);
                if (args == null) continue;
                int index = args.i32(0, 0);
                if (type == INSTRUCTION_KERNEL_CALL) {
                    if (index < 0 || index >= opCount) throw new FlatBufferException(args.position(), "kernel call of operator " + index + " of " + opCount);
                    calls[index]++;
                } else if (type == INSTRUCTION_DELEGATE_CALL) {
                    if (index < 0 || index >= delegateCount) throw new FlatBufferException(args.position(), "delegate call " + index + " of " + delegateCount);
                    delegateCalls[index]++;
                }
            }
        }
        meta.put(p + "instructions", instructions);
        Map<String, Long> histogram = new LinkedHashMap<>();
        for (int i = 0; i < opCount; i++) histogram.merge(opNames[i], calls[i], Long::sum);
        Map<String, Long> sorted = new LinkedHashMap<>();
        histogram.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        meta.put(p + "operators", sorted);

        List<String> described = new ArrayList<>();
        for (int d = 0; d < delegateCount; d++) {
            FlatBuffer.Table del = delegates.table(d);
            String id = del.string(0);
            FlatBuffer.Table ref = del.table(1);
            String where;
            long size;
            if (ref == null) {
                where = "no payload";
                size = 0;
            } else if (ref.u8(0, 0) == 0) {
                long idx = ref.u32(1);
                if (inlineDelegates == null || idx >= inlineDelegates.length()) {
                    throw new FlatBufferException(ref.position(), "inline delegate data " + idx + " of "
                            + (inlineDelegates == null ? 0 : inlineDelegates.length()));
                }
                FlatBuffer.Vector data = inlineDelegates.table((int) idx).vector(0, 1);
                size = data == null ? 0 : data.byteLength();
                where = "inline " + idx;
            } else {
                long idx = ref.u32(1);
                if (idx >= segments.count()) throw new FlatBufferException(ref.position(), "delegate segment " + idx + " of " + segments.count());
                size = segments.size((int) idx);
                where = "segment " + idx;
            }
            List<String> specs = new ArrayList<>();
            FlatBuffer.Vector cs = del.vector(2, 4);
            for (int i = 0; cs != null && i < cs.length(); i++) specs.add(cs.table(i).string(0));
            described.add(id + ": " + size + " bytes (" + where + "), " + delegateCalls[d] + " calls"
                    + (specs.isEmpty() ? "" : ", compile specs " + specs));
        }
        if (!described.isEmpty()) meta.put(p + "delegates", described);
    }

    private List<String> describeValues(FlatBuffer.Vector indices, FlatBuffer.Vector values) {
        List<String> out = new ArrayList<>();
        int n = values == null ? 0 : values.length();
        for (int i = 0; indices != null && i < indices.length(); i++) {
            int idx = indices.i32(i);
            if (idx < 0 || idx >= n) throw new FlatBufferException(indices.dataPosition() + 4L * i, "value index " + idx + " of " + n);
            FlatBuffer.Table ev = values.table(idx);
            int type = ev.u8(0, 0);
            FlatBuffer.Table val = ev.table(1);
            String text;
            if (type == KERNEL_TENSOR && val != null) text = TensorValue.parse(val).describe();
            else if (type == 2 && val != null) text = "int " + val.i64(0, 0);
            else if (type == 3 && val != null) text = "bool " + val.bool(0);
            else if (type == 4 && val != null) text = "double " + val.f64(0);
            else if (type == 6 && val != null) text = "string " + val.string(0);
            else text = type < KERNEL_TYPES.length ? KERNEL_TYPES[type] : "kernel type " + type;
            out.add("v" + idx + ": " + text);
        }
        return out;
    }

    @FunctionalInterface
    private interface Bytes {
        ByteRegion get();
    }

    /** A tensor over its data, or null (listed as unsupported) for dtypes torch4j cannot hold. */
    private Tensor tensor(TensorValue tv, String storageName, Bytes bytes) {
        String storageKey = storageName;
        DType dtype = tv.dtype();
        if (dtype == null || dtype.kind() == DType.Kind.QUANTIZED) {
            @SuppressWarnings("unchecked")
            List<String> skipped = (List<String>) meta.computeIfAbsent("executorch.unsupported_tensors", k -> new ArrayList<String>());
            skipped.add(storageKey + ": " + tv.describe());
            return null;
        }
        storageKey = storageKey + " (" + tv.byteSize() + " bytes)";
        Storage storage = storages.get(storageKey);
        if (storage == null) {
            ByteRegion region = bytes.get();
            storage = Storage.ofBytes("executorch:" + storageKey, dtype, region, ByteOrder.LITTLE_ENDIAN);
            storages.put(storageKey, storage);
        }
        return new Tensor(dtype, tv.sizes(), tv.strides(), 0, storage, tv.requiresGrad(), false, null);
    }
}
