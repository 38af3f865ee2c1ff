package dev.torch4j.torchscript.mobile;

import dev.torch4j.python.PyTuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One method of {@code bytecode.pkl} opened for editing: its instructions, operator table and
 * constants, taken from the pickle tree and put back by {@link #toTuple()} with everything else of
 * the method (its name, schema, any later entries) as it was. Instructions are only replaced one for
 * one or inserted; {@link #applyInsertions()} moves the relative jumps (JF, JMP, LOOP) so that each
 * still lands on the instruction it meant, or on what was inserted before it. Registers are never
 * renumbered: inserted instructions only push constants.
 */
final class MethodCode {
    /** An instruction ({@code opcode X N}). */
    record Instruction(String opcode, long x, long n) {}

    /** An operator table entry; {@code numArgs} is null where the version has none (before 6). */
    record Operator(String name, String overload, Long numArgs) {
        String qualifiedName() { return overload.isEmpty() ? name : name + "." + overload; }
    }

    private final PyTuple method;
    private final List<?> codeTable;
    final String name;
    final List<Instruction> instructions = new ArrayList<>();
    final List<Operator> operators = new ArrayList<>();
    final List<Object> constants = new ArrayList<>();
    final List<String> types = new ArrayList<>();
    /** Instructions to insert before the instruction at each index. */
    private final TreeMap<Integer, List<Instruction>> insertions = new TreeMap<>();
    /**
     * For each instruction, the index of the read instruction it stands for (an inserted one: the
     * instruction it was inserted before), so per-instruction debug handles can follow the edits.
     */
    final List<Integer> sources = new ArrayList<>();
    /** Lookups for {@link #operatorIndex} and {@link #constantIndex}, built on first use (hostile tables may be long). */
    private Map<Operator, Integer> operatorIndexes;
    private Map<List<Object>, Integer> scalarIndexes;

    /** {@code method} has been checked by {@link MobileBytecode#parse}. */
    MethodCode(PyTuple method) {
        this.method = method;
        this.name = (String) method.get(0);
        this.codeTable = (List<?>) method.get(1);
        for (Object o : entry(0)) {
            List<?> t = (List<?>) o;
            instructions.add(new Instruction((String) t.get(0), asLong(t.get(1)), asLong(t.get(2))));
        }
        for (Object o : entry(1)) {
            List<?> t = (List<?>) o;
            operators.add(new Operator((String) t.get(0), (String) t.get(1), t.size() > 2 ? asLong(t.get(2)) : null));
        }
        for (int i = 0; i < instructions.size(); i++) sources.add(i);
        constants.addAll(entry(2));
        for (Object o : entry(3)) types.add((String) o);
    }

    private List<?> entry(int index) {
        return (List<?>) ((List<?>) codeTable.get(index)).get(1);
    }

    private static long asLong(Object o) {
        return ((Number) o).longValue();
    }

    /** The index of the operator entry {@code (name, overload, numArgs)}, added at the end when missing. */
    int operatorIndex(String opName, String overload, Long numArgs) {
        if (operatorIndexes == null) {
            operatorIndexes = new HashMap<>();
            for (int i = operators.size() - 1; i >= 0; i--) operatorIndexes.put(operators.get(i), i);
        }
        Operator wanted = new Operator(opName, overload, numArgs);
        Integer i = operatorIndexes.get(wanted);
        if (i != null) return i;
        operators.add(wanted);
        operatorIndexes.put(wanted, operators.size() - 1);
        return operators.size() - 1;
    }

    /**
     * The index of a constant equal to {@code value} (same Java type, so 1, 1.0 and True stay
     * apart), added at the end when missing. Lists and other built values are always added.
     */
    int constantIndex(Object value) {
        if (!isScalar(value)) {
            constants.add(value);
            return constants.size() - 1;
        }
        if (scalarIndexes == null) {
            scalarIndexes = new HashMap<>();
            for (int i = constants.size() - 1; i >= 0; i--) {
                if (isScalar(constants.get(i))) scalarIndexes.put(scalarKey(constants.get(i)), i);
            }
        }
        Integer i = scalarIndexes.get(scalarKey(value));
        if (i != null) return i;
        constants.add(value);
        scalarIndexes.put(scalarKey(value), constants.size() - 1);
        return constants.size() - 1;
    }

    private static boolean isScalar(Object v) {
        return v == null || v instanceof Boolean || v instanceof Long || v instanceof Double || v instanceof String;
    }

    /** Class and value: 1, 1.0 and True are different constants. */
    private static List<Object> scalarKey(Object v) {
        return Arrays.asList(v == null ? null : v.getClass().getName(), v);
    }

    /** Queues {@code added} to go before the instruction now at {@code index}. */
    void insertBefore(int index, List<Instruction> added) {
        insertions.computeIfAbsent(index, k -> new ArrayList<>()).addAll(added);
    }

    boolean hasInsertions() { return !insertions.isEmpty(); }

    /** Applies the queued insertions, retargeting every relative jump. */
    void applyInsertions() {
        if (insertions.isEmpty()) return;
        int size = instructions.size();
        // start[i]: where what goes before old instruction i begins; self[i]: where instruction i lands.
        int[] start = new int[size + 1];
        int[] self = new int[size];
        int shift = 0;
        for (int i = 0; i <= size; i++) {
            start[i] = i + shift;
            List<Instruction> added = insertions.get(i);
            if (added != null) shift += added.size();
            if (i < size) self[i] = i + shift;
        }
        List<Instruction> out = new ArrayList<>(size + shift);
        List<Integer> outSources = new ArrayList<>(size + shift);
        for (int i = 0; i < size; i++) {
            List<Instruction> added = insertions.get(i);
            if (added != null) {
                out.addAll(added);
                for (int k = 0; k < added.size(); k++) outSources.add(sources.get(i));
            }
            Instruction ins = instructions.get(i);
            if (isJump(ins.opcode())) {
                long target = i + ins.x();
                // Checked by badJump before any edit, so the target is an instruction or the end.
                ins = new Instruction(ins.opcode(), start[(int) target] - self[i], ins.n());
            }
            out.add(ins);
            outSources.add(sources.get(i));
        }
        if (insertions.containsKey(size)) {
            out.addAll(insertions.get(size));
            for (int k = 0; k < insertions.get(size).size(); k++) outSources.add(size == 0 ? -1 : sources.get(size - 1));
        }
        instructions.clear();
        instructions.addAll(out);
        sources.clear();
        sources.addAll(outSources);
        insertions.clear();
    }

    /** The opcodes whose X is an offset relative to their own position. */
    static boolean isJump(String opcode) {
        return opcode.equals("JF") || opcode.equals("JMP") || opcode.equals("LOOP");
    }

    /** The method tuple with this code; operators carry their argument count only when {@code withNumArgs}. */
    PyTuple toTuple(boolean withNumArgs) {
        List<Object> ins = new ArrayList<>(instructions.size());
        for (Instruction i : instructions) ins.add(PyTuple.of(i.opcode(), i.x(), i.n()));
        List<Object> ops = new ArrayList<>(operators.size());
        for (Operator o : operators) {
            ops.add(withNumArgs && o.numArgs() != null ? PyTuple.of(o.name(), o.overload(), o.numArgs()) : PyTuple.of(o.name(), o.overload()));
        }
        Object[] code = codeTable.toArray();
        code[0] = PyTuple.of("instructions", PyTuple.copyOf(ins));
        code[1] = PyTuple.of("operators", PyTuple.copyOf(ops));
        code[2] = PyTuple.of("constants", PyTuple.copyOf(constants));
        code[3] = PyTuple.of("types", PyTuple.copyOf(types));
        Object[] m = method.toArray();
        m[1] = PyTuple.of(code);
        return PyTuple.of(m);
    }

    /** Why a jump of {@code instructions} leaves the method, or null when every one lands inside it (or at its end). */
    static String badJump(List<Instruction> instructions) {
        for (int i = 0; i < instructions.size(); i++) {
            Instruction ins = instructions.get(i);
            if (!isJump(ins.opcode())) continue;
            long target = i + ins.x();
            if (target < 0 || target > instructions.size()) {
                return "instruction " + i + " (" + ins.opcode() + " " + ins.x() + ") jumps outside the method";
            }
        }
        return null;
    }
}
