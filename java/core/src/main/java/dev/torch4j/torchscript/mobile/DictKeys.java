package dev.torch4j.torchscript.mobile;

import dev.torch4j.torchscript.mobile.MethodCode.Instruction;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Version 8's DICT_INDEX has one instruction for every key type, while the operator it replaces,
 * {@code aten::__getitem__}, has one overload per key type ({@code Dict_str}, {@code Dict_int}...).
 * The key type is read from the bytecode: the constant pushed as the key, else the declared type of
 * the register that holds the key or the dict (a method argument, or a dict built by DICT_CONSTRUCT
 * with its type in the type table). Where none of these tells, the backport refuses.
 */
final class DictKeys {
    private DictKeys() {}

    /** Register stores looked at per method at most: bounded time whatever a hostile STOREN claims. */
    private static final long MAX_STORES = 1 << 20;

    /**
     * The declared types stored into each register of {@code m} (null for a store of unknown type),
     * gathered in one pass; empty when the method stores more than {@link #MAX_STORES} values.
     */
    static Map<Long, Set<String>> registerTypes(MethodCode m, List<String> argTypes) {
        Map<Long, Set<String>> out = new HashMap<>();
        long stores = 0;
        for (int i = 0; i < m.instructions.size(); i++) {
            Instruction ins = m.instructions.get(i);
            stores += ins.opcode().equals("STOREN") ? Math.max(0, ins.n()) : 1;
            if (stores > MAX_STORES) return Map.of();
            if (ins.opcode().equals("STOREN")) {
                // STOREN at the start of a method stores its arguments, the first one into register X.
                for (long r = ins.x(); r < ins.x() + ins.n(); r++) {
                    int arg = (int) (r - ins.x());
                    String type = i == 0 && argTypes != null && arg < argTypes.size() ? argTypes.get(arg) : null;
                    out.computeIfAbsent(r, k -> new LinkedHashSet<>()).add(type);
                }
            } else if (ins.opcode().equals("STORE")) {
                Instruction before = i > 0 ? m.instructions.get(i - 1) : null;
                boolean built = before != null && before.opcode().equals("DICT_CONSTRUCT")
                        && before.x() >= 0 && before.x() < m.types.size();
                out.computeIfAbsent(ins.x(), k -> new LinkedHashSet<>()).add(built ? m.types.get((int) before.x()) : null);
            }
        }
        return out;
    }

    static String getitemOverload(MethodCode m, int at, Map<Long, Set<String>> registers) throws BytecodeDowngrade.Refused {
        String overload = null;
        if (at >= 1) {
            Instruction key = m.instructions.get(at - 1);
            if (key.opcode().equals("LOADC") && key.x() >= 0 && key.x() < m.constants.size()) {
                overload = overload(constantType(m.constants.get((int) key.x())));
            } else if (key.opcode().equals("LOAD") || key.opcode().equals("MOVE")) {
                overload = overload(registerType(registers, key.x()));
            }
            if (overload == null && at >= 2 && BytecodeDowngrade.isSinglePush(key.opcode())) {
                Instruction dict = m.instructions.get(at - 2);
                if (dict.opcode().equals("LOAD") || dict.opcode().equals("MOVE")) {
                    overload = overload(keyOf(registerType(registers, dict.x())));
                }
            }
        }
        if (overload == null) {
            throw new BytecodeDowngrade.Refused("the dict lookup (DICT_INDEX) at instruction " + at + " of " + m.name
                    + " has a key whose type the bytecode does not tell, so its aten::__getitem__ overload is unknown");
        }
        return overload;
    }

    private static String overload(String keyType) {
        return keyType == null ? null : switch (keyType) {
            case "str" -> "Dict_str";
            case "int" -> "Dict_int";
            case "bool" -> "Dict_bool";
            case "float" -> "Dict_float";
            case "complex" -> "Dict_complex";
            case "Tensor" -> "Dict_Tensor";
            default -> null;
        };
    }

    private static String constantType(Object c) {
        if (c instanceof String) return "str";
        if (c instanceof Long) return "int";
        if (c instanceof Boolean) return "bool";
        if (c instanceof Double) return "float";
        return null;
    }

    /** The declared type of register {@code r}, when every store to it agrees on one. */
    private static String registerType(Map<Long, Set<String>> registers, long r) {
        Set<String> seen = registers.get(r);
        return seen != null && seen.size() == 1 ? seen.iterator().next() : null;
    }

    /** The key type of a {@code Dict[K, V]} type name, or null. */
    static String keyOf(String dictType) {
        if (dictType == null) return null;
        String t = dictType.replace(" ", "");
        if (t.startsWith("Optional[")) return null;
        if (!t.startsWith("Dict[") || !t.endsWith("]")) return null;
        int depth = 0;
        for (int i = 5; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == ',' && depth == 0) return t.substring(5, i);
        }
        return null;
    }
}
