package dev.torch4j.pickle;

import dev.torch4j.PickleLimits;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.torch4j.pickle.Opcodes.*;

/**
 * Lists every global a pickle references without building values or calling anything. It tracks
 * the stack abstractly (each slot is a known str or "unknown") and the memo likewise, so a
 * STACK_GLOBAL whose module and name come from BINPUT/MEMOIZE then BINGET, from DUP, or from any
 * string opcode is still resolved to its real {@code module.name}. Operands it cannot know
 * statically are reported as {@code ?}, and counted as dangerous.
 */
public final class PickleScanner {
    /** One global reference: where it is, which opcode made it, and whether the policy denies it. */
    public record GlobalRef(String module, String name, long offset, String opcode, boolean dangerous) {
        public String qualifiedName() { return module + "." + name; }
    }

    /**
     * The globals found and where the pickle ended ({@code end} is just past STOP); when the pickle
     * is malformed, {@code error} says where, and {@code globals} holds those found before it.
     */
    public record Result(List<GlobalRef> globals, long end, TorchFileException error) {
        public boolean hasDangerous() { return globals.stream().anyMatch(GlobalRef::dangerous); }
    }

    /** Stands for any value the scanner does not track (everything but str). */
    private static final Object UNKNOWN = new Object();
    /** Strings longer than this are skipped, not decoded: no module or name is that long. */
    private static final int MAX_NAME = 4096;

    private final String file;
    private final String entry;
    private final PickleLimits limits;
    private final SafetyPolicy policy;

    public PickleScanner(String file, String entry, PickleLimits limits, SafetyPolicy policy) {
        this.file = file;
        this.entry = entry;
        this.limits = limits != null ? limits : PickleLimits.DEFAULT;
        this.policy = policy != null ? policy : SafetyPolicy.DEFAULT;
    }

    public PickleScanner(String file, String entry) {
        this(file, entry, PickleLimits.DEFAULT, SafetyPolicy.DEFAULT);
    }

    /** Scans the one pickle that starts at {@code start}. Never throws for bad input: see {@link Result#error()}. */
    public Result scan(ByteRegion input, long start) {
        List<GlobalRef> found = new ArrayList<>();
        Object[] stack = new Object[32];
        int sp = 0;
        int[] marks = new int[16];
        int mp = 0;
        Memo memo = new Memo(limits.maxMemo());
        long opAt = start;
        int op = -1;
        try {
            PickleInput in = new PickleInput(input, start);
            while (true) {
                opAt = in.position();
                op = -1;
                op = in.readByte();
                Object push = null; // what this opcode leaves on the stack, if anything
                int base = mp > 0 ? marks[mp - 1] : 0;
                switch (op) {
                    case PROTO -> in.readByte();
                    case FRAME -> in.checkLength(in.readUnsigned(8));
                    case STOP -> {
                        if (sp <= base) throw new PickleFormatError("stack underflow");
                        return new Result(found, in.position(), null);
                    }
                    case MARK -> {
                        if (mp >= limits.maxDepth()) throw new PickleFormatError("more than " + limits.maxDepth() + " nested marks (limit)");
                        if (mp == marks.length) marks = Arrays.copyOf(marks, mp * 2);
                        marks[mp++] = sp;
                    }
                    case POP -> {
                        if (sp > base) sp--;
                        else if (mp > 0) mp--;
                        else throw new PickleFormatError("stack underflow");
                    }
                    case POP_MARK, LIST, TUPLE, DICT, FROZENSET, OBJ, APPENDS, SETITEMS, ADDITEMS -> {
                        if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                        sp = marks[--mp];
                        if (op == OBJ || op == LIST || op == TUPLE || op == DICT || op == FROZENSET) push = UNKNOWN;
                        else if (op != POP_MARK && sp <= (mp > 0 ? marks[mp - 1] : 0)) throw new PickleFormatError("stack underflow");
                    }
                    case DUP -> {
                        if (sp <= base) throw new PickleFormatError("stack underflow");
                        push = stack[sp - 1];
                    }
                    case NONE, NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_DICT, EMPTY_TUPLE, EMPTY_SET -> push = UNKNOWN;
                    case INT, LONG, FLOAT -> { in.readLine(); push = UNKNOWN; }
                    case PERSID -> { in.readLine(); push = UNKNOWN; }
                    case BININT -> { in.readUnsigned(4); push = UNKNOWN; }
                    case BININT1 -> { in.readByte(); push = UNKNOWN; }
                    case BININT2 -> { in.readUnsigned(2); push = UNKNOWN; }
                    case BINFLOAT -> { in.readUnsigned(8); push = UNKNOWN; }
                    case LONG1 -> { in.skip(in.readByte()); push = UNKNOWN; }
                    case LONG4 -> { in.skip(nonNegative(in.readInt32())); push = UNKNOWN; }
                    case SHORT_BINBYTES -> { in.skip(in.readByte()); push = UNKNOWN; }
                    case BINBYTES -> { in.skip(in.readUnsigned(4)); push = UNKNOWN; }
                    case BINBYTES8, BYTEARRAY8 -> { in.skip(in.readUnsigned(8)); push = UNKNOWN; }
                    case STRING -> push = shortOr(TextArgs.latin1(TextArgs.parseQuotedString(in.readLine())));
                    case BINSTRING -> push = name(in, nonNegative(in.readInt32()), false);
                    case SHORT_BINSTRING -> push = name(in, in.readByte(), false);
                    case UNICODE -> push = shortOr(TextArgs.rawUnicodeEscape(in.readLine()));
                    case SHORT_BINUNICODE -> push = name(in, in.readByte(), true);
                    case BINUNICODE -> push = name(in, in.readUnsigned(4), true);
                    case BINUNICODE8 -> push = name(in, in.readUnsigned(8), true);
                    case NEXT_BUFFER -> push = UNKNOWN;
                    case READONLY_BUFFER -> requireItems(sp, base, 1);
                    case APPEND, BUILD -> { requireItems(sp, base, 2); sp--; }
                    case SETITEM -> { requireItems(sp, base, 3); sp -= 2; }
                    case TUPLE1, BINPERSID -> { requireItems(sp, base, 1); sp--; push = UNKNOWN; }
                    case TUPLE2, REDUCE, NEWOBJ -> { requireItems(sp, base, 2); sp -= 2; push = UNKNOWN; }
                    case TUPLE3, NEWOBJ_EX -> { requireItems(sp, base, 3); sp -= 3; push = UNKNOWN; }
                    case PUT, BINPUT, LONG_BINPUT, MEMOIZE -> {
                        long key = op == PUT ? memoKey(in.readAsciiLine()) : op == BINPUT ? in.readByte()
                                : op == LONG_BINPUT ? in.readUnsigned(4) : memo.size();
                        requireItems(sp, base, 1);
                        memo.put(key, stack[sp - 1]);
                    }
                    case GET -> push = memo.get(memoKey(in.readAsciiLine()));
                    case BINGET -> push = memo.get(in.readByte());
                    case LONG_BINGET -> push = memo.get(in.readUnsigned(4));
                    case GLOBAL, INST -> {
                        String module = Utf8.decode(in.readLine());
                        String name = Utf8.decode(in.readLine());
                        found.add(ref(module, name, opAt, op));
                        if (op == INST) {
                            if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                            sp = marks[--mp];
                        }
                        push = UNKNOWN;
                    }
                    case STACK_GLOBAL -> {
                        requireItems(sp, base, 2);
                        Object name = stack[--sp];
                        Object module = stack[--sp];
                        found.add(ref(module instanceof String m ? m : "?", name instanceof String n ? n : "?", opAt, op));
                        push = UNKNOWN;
                    }
                    case EXT1, EXT2, EXT4 -> {
                        long code = in.readUnsigned(op == EXT1 ? 1 : op == EXT2 ? 2 : 4);
                        found.add(new GlobalRef("?", "extension " + code, opAt, Opcodes.name(op), true));
                        push = UNKNOWN;
                    }
                    default -> throw new PickleFormatError("not a pickle opcode");
                }
                if (push != null) {
                    if (sp == stack.length) {
                        if (sp >= limits.maxObjects()) throw new PickleFormatError("stack deeper than the object limit");
                        stack = Arrays.copyOf(stack, sp * 2);
                    }
                    stack[sp++] = push;
                }
            }
        } catch (PickleFormatError e) {
            String what = op < 0 ? "reading the next opcode" : Opcodes.describe(op);
            return new Result(found, -1, new TorchFileException(file, entry, opAt, what + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            return new Result(found, -1, new TorchFileException(file, entry, opAt, "unexpected " + e, e));
        }
    }

    private GlobalRef ref(String module, String name, long offset, int op) {
        boolean unknown = module.equals("?") || name.equals("?");
        return new GlobalRef(module, name, offset, Opcodes.name(op), unknown || policy.isDangerous(module, name));
    }

    private static Object name(PickleInput in, long length, boolean utf8) {
        if (length > MAX_NAME) {
            in.skip(length);
            return UNKNOWN;
        }
        byte[] b = in.readBytes(length);
        return utf8 ? Utf8.decode(b) : TextArgs.latin1(b);
    }

    private static Object shortOr(String s) {
        return s.length() > MAX_NAME ? UNKNOWN : s;
    }

    private static void requireItems(int sp, int base, int n) {
        if (sp - base < n) throw new PickleFormatError("stack underflow");
    }

    private static long nonNegative(int n) {
        if (n < 0) throw new PickleFormatError("negative length " + n);
        return n;
    }

    private static long memoKey(String line) {
        Object k = TextArgs.parseInteger(line);
        if (!(k instanceof Long l) || l < 0) throw new PickleFormatError("invalid memo key '" + line + "'");
        return l;
    }
}
