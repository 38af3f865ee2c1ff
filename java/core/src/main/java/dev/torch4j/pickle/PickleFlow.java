package dev.torch4j.pickle;

import dev.torch4j.PickleLimits;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

import java.util.Arrays;

import static dev.torch4j.pickle.Opcodes.*;

/**
 * Walks one pickle's opcodes and follows where values flow, without building or calling anything:
 * the stack and memo hold symbolic values ({@link Sym}). Strings, literal bytes, globals and
 * tuples are tracked; every other value is opaque. Each global, call (REDUCE, NEWOBJ, NEWOBJ_EX,
 * OBJ, INST) and BUILD is handed to an {@link Observer}, which decides what the result stands for.
 * The scanner uses this to rate a global by what it is used for rather than by its name alone.
 */
public final class PickleFlow {
    /** A symbolic value on the stack or in the memo. Implementations outside this package describe call results. */
    public interface Sym {}

    /** Anything not tracked (numbers, lists, dicts, None...). */
    public static final Sym OPAQUE = new Sym() {
        @Override public String toString() { return "<value>"; }
    };

    /** A string short enough to be a name. */
    public record Str(String value) implements Sym {}

    /**
     * A string too long to decode eagerly (a latin-1 payload in protocol 2): where its encoded bytes
     * lie, and whether they are UTF-8 (BINUNICODE) or latin-1 (BINSTRING).
     */
    public record LongText(ByteRegion region, long offset, long length, boolean utf8) implements Sym {
        /** The text's latin-1 bytes (what {@code _codecs.encode(text, 'latin1')} returns), or null when a char is over 255. */
        public byte[] latin1() {
            byte[] raw = new byte[(int) length];
            region.copyTo(offset, raw, 0, raw.length);
            if (!utf8) return raw;
            String s = Utf8.decode(raw);
            byte[] out = new byte[s.length()];
            for (int i = 0; i < out.length; i++) {
                char c = s.charAt(i);
                if (c > 255) return null;
                out[i] = (byte) c;
            }
            return out;
        }
    }

    /** Literal bytes: a view of the pickle's own bytes ({@code offset} is where they start in it). */
    public record Bytes(ByteRegion region, long offset) implements Sym {}

    /** A global reference made by GLOBAL, STACK_GLOBAL or INST ({@code ?} for names not known statically). */
    public record Global(String module, String name, long offset, String opcode) implements Sym {
        public String qualifiedName() { return module + "." + name; }
    }

    /** None. */
    public static final Sym PY_NONE = new Sym() {
        @Override public String toString() { return "None"; }
    };

    /** An integer that fits a long (BININT, BININT1, BININT2, LONG1 of at most 8 bytes). */
    public record Int(long value) implements Sym {}

    /**
     * A dict whose string keys are tracked, mutated as SETITEM and SETITEMS fill it (the memo shares
     * it, as Python's does). Past {@value #MAX_DICT_KEYS} keys it stops tracking: {@link #get} then
     * answers null for every key, so nothing is concluded from a partial view.
     */
    public static final class Dict implements Sym {
        private final java.util.Map<String, Sym> items = new java.util.LinkedHashMap<>();
        private boolean overflowed;

        void put(Sym key, Sym value) {
            if (overflowed) return;
            if (!(key instanceof Str k) || items.size() >= MAX_DICT_KEYS && !items.containsKey(k.value())) {
                overflowed = true;
                items.clear();
                return;
            }
            items.put(k.value(), value);
        }

        /** Whether every key is tracked. */
        public boolean complete() { return !overflowed; }

        /** The value of a string key, or null when absent or not tracked. */
        public Sym get(String key) { return overflowed ? null : items.get(key); }

        /** The tracked items (empty when not complete). */
        public java.util.Map<String, Sym> items() { return java.util.Collections.unmodifiableMap(items); }
    }

    /**
     * Data a loader reads from the stream right after a BUILD (joblib's arrays): the walk resumes at
     * {@code end} with {@code value} in place of the built object. {@code plainReadingDiffers}: a plain
     * {@code pickle.load} would read those bytes as opcodes (no padding byte stops it first), so they
     * are walked that way too, from the same stack and memo, without splicing.
     */
    public record Splice(long end, Sym value, boolean plainReadingDiffers) {}

    /** A tuple whose items are tracked (TUPLE1-3, EMPTY_TUPLE, short TUPLE). */
    public record Tuple(Sym[] items) implements Sym {
        public Sym item(int i) { return i < items.length ? items[i] : null; }
    }

    /** What the scanner decides about each global, call and BUILD. Offsets are those of the opcode. */
    public interface Observer {
        /** A global was pushed. */
        void global(Global g);

        /**
         * {@code callee(*args)} (REDUCE, OBJ, INST: {@code instantiate} false) or
         * {@code cls.__new__(cls, *args)} (NEWOBJ, NEWOBJ_EX: true); returns what the result stands for.
         */
        Sym call(Sym callee, Sym args, boolean instantiate, long offset, String opcode);

        /** BUILD: {@code state} applied to {@code target} (its {@code __setstate__}, or attributes set). */
        void build(Sym target, Sym state, long offset);

        /** BINPERSID: what the persistent id loads to (legacy torch.save loads module classes this way). */
        default Sym persistent(Sym pid, long offset) { return OPAQUE; }

        /** A string literal (short ones only), for scanners that look for operator names. */
        default void string(String s, long offset) {}

        /**
         * BUILD met by the plain reading of a splice ({@link Splice#plainReadingDiffers}): rated like any
         * BUILD, but it must not change values the spliced walk still uses.
         */
        default void plainBuild(Sym target, Sym state, long offset) { build(target, state, offset); }

        /**
         * Called after BUILD on {@code built} when the walk splices: null when nothing is spliced in,
         * else where the walk resumes. {@code position} is the offset just past the BUILD opcode.
         */
        default Splice afterBuild(Sym built, ByteRegion input, long position) throws TorchFileException { return null; }
    }

    /** Tuples with more items than this are opaque: arguments that matter come first. */
    private static final int MAX_TRACKED_ITEMS = 12;
    /** Dicts with more string keys than this are not tracked (a wrapper's state has six). */
    private static final int MAX_DICT_KEYS = 64;
    /** Strings longer than this stay undecoded ({@link LongText}). */
    private static final int MAX_NAME = 4096;

    private final String file;
    private final String entry;
    private final PickleLimits limits;

    public PickleFlow(String file, String entry, PickleLimits limits) {
        this.file = file;
        this.entry = entry;
        this.limits = limits != null ? limits : PickleLimits.DEFAULT;
    }

    /**
     * Walks the pickle that starts at {@code start}; returns the offset just past its STOP. Bad input
     * ends in a TorchFileException naming the opcode and offset (observed events before it stand).
     */
    public long walk(ByteRegion input, long start, Observer observer) throws TorchFileException {
        return run(input, start, observer, new Sym[32], 0, new int[16], 0, new Memo(limits.maxMemo()), true);
    }

    /**
     * The walk from {@code start} with the given stack, marks and memo (owned by this call).
     * {@code splicing}: whether the observer may splice data after BUILD; the plain reading of a
     * splice is walked with it off, so it never forks again.
     */
    private long run(ByteRegion input, long start, Observer observer, Sym[] stack, int sp, int[] marks, int mp,
                     Memo memo, boolean splicing) throws TorchFileException {
        long opAt = start;
        int op = -1;
        try {
            PickleInput in = new PickleInput(input, start);
            while (true) {
                opAt = in.position();
                op = -1;
                op = in.readByte();
                Sym push = null;
                int base = mp > 0 ? marks[mp - 1] : 0;
                switch (op) {
                    case PROTO -> in.readByte();
                    case FRAME -> in.checkLength(in.readUnsigned(8));
                    case STOP -> {
                        if (sp <= base) throw new PickleFormatError("stack underflow");
                        return in.position();
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
                    case TUPLE -> {
                        if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                        int from = marks[--mp];
                        push = sp - from <= MAX_TRACKED_ITEMS ? new Tuple(Arrays.copyOfRange(stack, from, sp)) : OPAQUE;
                        sp = from;
                    }
                    case OBJ -> {
                        if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                        int from = marks[--mp];
                        if (sp - from < 1) throw new PickleFormatError("stack underflow");
                        Sym cls = stack[from];
                        Sym args = sp - from - 1 <= MAX_TRACKED_ITEMS ? new Tuple(Arrays.copyOfRange(stack, from + 1, sp)) : OPAQUE;
                        sp = from;
                        push = observer.call(cls, args, false, opAt, "OBJ");
                    }
                    case POP_MARK, LIST, DICT, FROZENSET, APPENDS, SETITEMS, ADDITEMS -> {
                        if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                        int from = marks[--mp];
                        // The plain reading of a splice leaves shared dicts alone: the spliced walk goes on with them.
                        Dict filled = op == DICT ? new Dict() : splicing && op == SETITEMS && from > 0 && stack[from - 1] instanceof Dict d ? d : null;
                        if (filled != null) {
                            if ((sp - from) % 2 != 0) throw new PickleFormatError("odd number of items for a dict");
                            for (int i = from; i < sp; i += 2) filled.put(stack[i], stack[i + 1]);
                        }
                        sp = from;
                        if (op == DICT) push = filled;
                        else if (op == LIST || op == FROZENSET) push = OPAQUE;
                        else if (op != POP_MARK && sp <= (mp > 0 ? marks[mp - 1] : 0)) throw new PickleFormatError("stack underflow");
                    }
                    case DUP -> {
                        if (sp <= base) throw new PickleFormatError("stack underflow");
                        push = stack[sp - 1];
                    }
                    case EMPTY_TUPLE -> push = new Tuple(new Sym[0]);
                    case NONE -> push = PY_NONE;
                    case EMPTY_DICT -> push = new Dict();
                    case NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_SET -> push = OPAQUE;
                    case INT, LONG, FLOAT -> { in.readLine(); push = OPAQUE; }
                    case PERSID -> { in.readLine(); push = observer.persistent(OPAQUE, opAt); }
                    case BININT -> push = new Int(in.readInt32());
                    case BININT1 -> push = new Int(in.readByte());
                    case BININT2 -> push = new Int(in.readUnsigned(2));
                    case BINFLOAT -> { in.readUnsigned(8); push = OPAQUE; }
                    case LONG1 -> push = long1(in.readBytes(in.readByte()));
                    case LONG4 -> { in.skip(nonNegative(in.readInt32())); push = OPAQUE; }
                    case SHORT_BINBYTES -> push = bytes(in, input, in.readByte());
                    case BINBYTES -> push = bytes(in, input, in.readUnsigned(4));
                    case BINBYTES8, BYTEARRAY8 -> push = bytes(in, input, in.readUnsigned(8));
                    case STRING -> push = str(TextArgs.latin1(TextArgs.parseQuotedString(in.readLine())), opAt, observer);
                    case BINSTRING -> push = text(in, input, nonNegative(in.readInt32()), false, opAt, observer);
                    case SHORT_BINSTRING -> push = text(in, input, in.readByte(), false, opAt, observer);
                    case UNICODE -> push = str(TextArgs.rawUnicodeEscape(in.readLine()), opAt, observer);
                    case SHORT_BINUNICODE -> push = text(in, input, in.readByte(), true, opAt, observer);
                    case BINUNICODE -> push = text(in, input, in.readUnsigned(4), true, opAt, observer);
                    case BINUNICODE8 -> push = text(in, input, in.readUnsigned(8), true, opAt, observer);
                    case NEXT_BUFFER -> push = OPAQUE;
                    case READONLY_BUFFER -> requireItems(sp, base, 1);
                    case APPEND -> { requireItems(sp, base, 2); sp--; }
                    case BUILD -> {
                        requireItems(sp, base, 2);
                        Sym state = stack[--sp];
                        if (splicing) observer.build(stack[sp - 1], state, opAt);
                        else observer.plainBuild(stack[sp - 1], state, opAt);
                        Splice splice = splicing ? observer.afterBuild(stack[sp - 1], input, in.position()) : null;
                        if (splice != null) {
                            if (splice.plainReadingDiffers()) plainReading(input, in.position(), observer, stack, sp, marks, mp, memo);
                            if (splice.end() < in.position() || splice.end() > input.size()) {
                                throw new PickleFormatError("spliced data ends at byte " + splice.end() + ", outside the input");
                            }
                            for (long left = splice.end() - in.position(); left > 0; left = splice.end() - in.position()) {
                                in.skip(Math.min(left, Integer.MAX_VALUE));
                            }
                            stack[sp - 1] = splice.value();
                        }
                    }
                    case SETITEM -> {
                        requireItems(sp, base, 3);
                        sp -= 2;
                        if (splicing && stack[sp - 1] instanceof Dict d) d.put(stack[sp], stack[sp + 1]);
                    }
                    case BINPERSID -> { requireItems(sp, base, 1); sp--; push = observer.persistent(stack[sp], opAt); }
                    case TUPLE1 -> { requireItems(sp, base, 1); push = new Tuple(new Sym[] {stack[--sp]}); }
                    case TUPLE2 -> { requireItems(sp, base, 2); sp -= 2; push = new Tuple(new Sym[] {stack[sp], stack[sp + 1]}); }
                    case TUPLE3 -> { requireItems(sp, base, 3); sp -= 3; push = new Tuple(new Sym[] {stack[sp], stack[sp + 1], stack[sp + 2]}); }
                    case REDUCE, NEWOBJ -> {
                        requireItems(sp, base, 2);
                        sp -= 2;
                        push = observer.call(stack[sp], stack[sp + 1], op == NEWOBJ, opAt, Opcodes.name(op));
                    }
                    case NEWOBJ_EX -> {
                        requireItems(sp, base, 3);
                        sp -= 3;
                        push = observer.call(stack[sp], stack[sp + 1], true, opAt, "NEWOBJ_EX");
                    }
                    case PUT, BINPUT, LONG_BINPUT, MEMOIZE -> {
                        long key = op == PUT ? memoKey(in.readAsciiLine()) : op == BINPUT ? in.readByte()
                                : op == LONG_BINPUT ? in.readUnsigned(4) : memo.size();
                        requireItems(sp, base, 1);
                        memo.put(key, stack[sp - 1]);
                    }
                    case GET -> push = (Sym) memo.get(memoKey(in.readAsciiLine()));
                    case BINGET -> push = (Sym) memo.get(in.readByte());
                    case LONG_BINGET -> push = (Sym) memo.get(in.readUnsigned(4));
                    case GLOBAL, INST -> {
                        Global g = new Global(Utf8.decode(in.readLine()), Utf8.decode(in.readLine()), opAt, Opcodes.name(op));
                        observer.global(g);
                        push = g;
                        if (op == INST) {
                            if (mp == 0) throw new PickleFormatError("no MARK on the stack");
                            int from = marks[--mp];
                            Sym args = sp - from <= MAX_TRACKED_ITEMS ? new Tuple(Arrays.copyOfRange(stack, from, sp)) : OPAQUE;
                            sp = from;
                            push = observer.call(g, args, false, opAt, "INST");
                        }
                    }
                    case STACK_GLOBAL -> {
                        requireItems(sp, base, 2);
                        Sym name = stack[--sp];
                        Sym module = stack[--sp];
                        Global g = new Global(module instanceof Str m ? m.value() : "?", name instanceof Str n ? n.value() : "?",
                                opAt, "STACK_GLOBAL");
                        observer.global(g);
                        push = g;
                    }
                    case EXT1, EXT2, EXT4 -> {
                        long code = in.readUnsigned(op == EXT1 ? 1 : op == EXT2 ? 2 : 4);
                        Global g = new Global("?", "extension " + code, opAt, Opcodes.name(op));
                        observer.global(g);
                        push = g;
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
            throw new TorchFileException(file, entry, opAt, what + ": " + e.getMessage());
        } catch (IndexOutOfBoundsException | ClassCastException | IllegalArgumentException e) {
            throw new TorchFileException(file, entry, opAt, "malformed pickle: " + e.getMessage(), e);
        }
    }

    /**
     * What a plain unpickler makes of spliced bytes: opcodes, from the same stack and memo. Its events
     * reach the observer; where it fails, a plain load would have stopped (what ran before stands).
     */
    private void plainReading(ByteRegion input, long at, Observer observer, Sym[] stack, int sp, int[] marks, int mp, Memo memo) {
        try {
            run(input, at, observer, stack.clone(), sp, marks.clone(), mp, memo.copy(), false);
        } catch (TorchFileException e) {
            // Not a pickle from here: a plain load raises at that byte.
        }
    }

    private static Sym long1(byte[] b) {
        if (b.length == 0) return new Int(0);
        if (b.length > 8) return OPAQUE;
        long v = b[b.length - 1]; // sign-extended top byte
        for (int i = b.length - 2; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return new Int(v);
    }

    /** The Python 3 spelling of a Python 2 global ({@code __builtin__.set} is {@code builtins.set}). */
    public static String[] py3Name(String module, String name) {
        return Py2Names.map(module, name);
    }

    private static Sym bytes(PickleInput in, ByteRegion input, long length) {
        long at = in.position();
        in.skip(length);
        return new Bytes(input.subRegion(at, length), at);
    }

    private static Sym str(String s, long offset, Observer observer) {
        if (s.length() > MAX_NAME) return OPAQUE;
        observer.string(s, offset);
        return new Str(s);
    }

    private static Sym text(PickleInput in, ByteRegion input, long length, boolean utf8, long offset, Observer observer) {
        if (length > MAX_NAME) {
            long at = in.position();
            in.skip(length);
            return new LongText(input, at, length, utf8);
        }
        byte[] b = in.readBytes(length);
        return str(utf8 ? Utf8.decode(b) : TextArgs.latin1(b), offset, observer);
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
