package dev.torch4j.torchscript.mobile;

import dev.torch4j.torchscript.mobile.MethodCode.Instruction;
import dev.torch4j.torchscript.mobile.MethodCode.Operator;
import dev.torch4j.torchscript.mobile.OperatorSchemas.Argument;
import dev.torch4j.torchscript.mobile.OperatorSchemas.Schema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bytecode edits of one version step, on one method. PyTorch's backport compiles the TorchScript
 * again with the older emitter; this rewrites the bytecode instead, which gives the same operator
 * table and the same stack at every operator call (the constant table's order may differ):
 * <ul>
 *   <li>8 to 7: each promoted instruction ({@link PromotedOps}) becomes an OP/OPN call of its operator.</li>
 *   <li>7 to 6: a call of an operator with out arguments that omits defaults before them gets those
 *       defaults pushed (as constants) before its out arguments.</li>
 *   <li>6 to 5: a call that omits trailing defaults gets them pushed before the call, and operators
 *       lose their argument counts.</li>
 *   <li>5 to 4: nothing in the bytecode (tensors move, see {@link MobileBackport}).</li>
 * </ul>
 * What cannot be done exactly is refused ({@link Refused}), never guessed.
 */
final class BytecodeDowngrade {
    /** Why a method cannot be lowered; the message is one plain sentence. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) { super(message); }
    }

    private BytecodeDowngrade() {}

    /** Lowers {@code m} from {@code from} to {@code from - 1}; {@code argTypes} are the method's argument types, if known. */
    static void step(MethodCode m, int from, List<String> argTypes) throws Refused {
        switch (from) {
            case 8 -> demotePrimOps(m, argTypes);
            case 7 -> restoreDefaultsBeforeOuts(m);
            case 6 -> restoreTrailingDefaults(m);
            case 5 -> { }
            default -> throw new IllegalArgumentException("no step down from bytecode version " + from);
        }
        m.applyInsertions();
    }

    private static void demotePrimOps(MethodCode m, List<String> argTypes) throws Refused {
        Map<Long, Set<String>> registers = null;
        for (int i = 0; i < m.instructions.size(); i++) {
            Instruction ins = m.instructions.get(i);
            PromotedOps.Promoted p = PromotedOps.of(ins.opcode());
            if (p == null) continue;
            if (p.overload() == null && registers == null) registers = DictKeys.registerTypes(m, argTypes);
            String overload = p.overload() != null ? p.overload() : DictKeys.getitemOverload(m, i, registers);
            int index = m.operatorIndex(p.operator(), overload, p.numArgs());
            // FORMAT's X is its input count; as OPN that count moves to N.
            m.instructions.set(i, p.opcode().equals("OPN") ? new Instruction("OPN", index, ins.x()) : new Instruction("OP", index, 0));
        }
    }

    private static void restoreDefaultsBeforeOuts(MethodCode m) throws Refused {
        Set<Integer> completed = new HashSet<>();
        for (int i = 0; i < m.instructions.size(); i++) {
            Instruction ins = m.instructions.get(i);
            if (!ins.opcode().equals("OP")) continue;
            Operator op = operator(m, ins, i);
            if (op.numArgs() == null || op.numArgs() < 0) continue;
            Schema s = schema(op);
            int outs = s.outs();
            if (outs == 0 || s.vararg()) continue;
            int given = checkCount(op, s);
            if (given == s.arguments().size()) continue;
            // The out arguments are the last `outs` pushes; each must be one instruction to insert before them.
            int firstOut = i - outs;
            for (int j = firstOut; j < i; j++) {
                if (j < 0 || !isSinglePush(m.instructions.get(j).opcode())) {
                    throw new Refused("the call of " + op.qualifiedName() + " at instruction " + i
                            + " computes its out argument in place, so the omitted defaults cannot be put before it");
                }
            }
            m.insertBefore(firstOut, defaults(m, op, s, given - outs, s.arguments().size() - outs));
            completed.add((int) ins.x());
        }
        for (int index : completed) {
            Operator op = m.operators.get(index);
            m.operators.set(index, new Operator(op.name(), op.overload(), (long) schema(op).arguments().size()));
        }
    }

    private static void restoreTrailingDefaults(MethodCode m) throws Refused {
        for (int i = 0; i < m.instructions.size(); i++) {
            Instruction ins = m.instructions.get(i);
            if (!ins.opcode().equals("OP")) continue;
            Operator op = operator(m, ins, i);
            if (op.numArgs() == null || op.numArgs() < 0) continue;
            Schema s = schema(op);
            if (s.vararg()) continue;
            int given = checkCount(op, s);
            if (given == s.arguments().size()) continue;
            if (s.outs() > 0) {
                throw new Refused("the call of " + op.qualifiedName() + " at instruction " + i
                        + " omits defaults before its out arguments, which version 6 does not allow");
            }
            m.insertBefore(i, defaults(m, op, s, given, s.arguments().size()));
        }
        for (int k = 0; k < m.operators.size(); k++) {
            Operator op = m.operators.get(k);
            m.operators.set(k, new Operator(op.name(), op.overload(), null));
        }
    }

    private static Operator operator(MethodCode m, Instruction ins, int at) throws Refused {
        if (ins.x() < 0 || ins.x() >= m.operators.size()) {
            throw new Refused("instruction " + at + " calls operator " + ins.x() + " of a table of " + m.operators.size());
        }
        return m.operators.get((int) ins.x());
    }

    private static Schema schema(Operator op) throws Refused {
        Schema s = OperatorSchemas.find(op.name(), op.overload());
        if (s == null) {
            throw new Refused("operator " + op.qualifiedName() + " is not one of PyTorch 1.13's, so the default"
                    + " arguments its calls may omit are unknown");
        }
        return s;
    }

    private static int checkCount(Operator op, Schema s) throws Refused {
        long given = op.numArgs();
        if (given > s.arguments().size()) {
            throw new Refused("operator " + op.qualifiedName() + " is called with " + given + " arguments, its schema has "
                    + s.arguments().size());
        }
        return (int) given;
    }

    /** LOADC instructions pushing the defaults of arguments {@code [from, to)}. */
    private static List<Instruction> defaults(MethodCode m, Operator op, Schema s, int from, int to) throws Refused {
        List<Instruction> out = new ArrayList<>(to - from);
        for (int a = from; a < to; a++) {
            Argument arg = s.arguments().get(a);
            if (arg.required() || arg.out()) {
                throw new Refused("a call of " + op.qualifiedName() + " omits argument " + a + ", which has no default");
            }
            if (arg.unwritable()) {
                throw new Refused("a call of " + op.qualifiedName() + " omits argument " + a
                        + ", whose default torch4j cannot write as a constant");
            }
            out.add(new Instruction("LOADC", m.constantIndex(arg.defaultValue()), 0));
        }
        return out;
    }

    /** Instructions that push exactly one value and pop none. */
    static boolean isSinglePush(String opcode) {
        return opcode.equals("LOAD") || opcode.equals("MOVE") || opcode.equals("LOADC");
    }
}
