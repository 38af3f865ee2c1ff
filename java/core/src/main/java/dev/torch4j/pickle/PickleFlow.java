package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;
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
        /** The text's latin-1 bytes (what {@code _codecs.encode(text, 'latin1')} returns), or null when a char is over 255 or the UTF-8 is invalid. */
        public byte[] latin1() {
            byte[] raw = new byte[(int) length];
            region.copyTo(offset, raw, 0, raw.length);
            if (!utf8) return raw;
            String s = Utf8.decodeOrNull(raw);
            if (s == null) return null;
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
        return new Walk(input, observer, new Sym[32], 0, new int[16], 0, new Memo(limits.maxMemo()), true).run(start);
    }

    /**
     * One walk from a start offset with its own stack, marks and memo. {@code splicing}: whether the
     * observer may splice data after BUILD; the plain reading of a splice is a walk with it off, so
     * it never forks again. Each opcode is one small method; {@link Opcodes} decodes arguments and
     * checks the stack, as for {@link PickleMachine}.
     */
    private final class Walk {
        private final ByteRegion input;
        private final Observer observer;
        private final boolean splicing;
        private final Memo memo;
        private Sym[] stack;
        private int sp;
        private int[] marks;
        private int mp;
        private PickleInput in;

        Walk(ByteRegion input, Observer observer, Sym[] stack, int sp, int[] marks, int mp, Memo memo, boolean splicing) {
            this.input = input;
            this.observer = observer;
            this.stack = stack;
            this.sp = sp;
            this.marks = marks;
            this.mp = mp;
            this.memo = memo;
            this.splicing = splicing;
        }

        long run(long start) throws TorchFileException {
            in = new PickleInput(input, start, file, entry);
            long opAt = start;
            int op = -1;
            try {
                while (true) {
                    opAt = in.position();
                    op = in.readOpcode();
                    Opcodes.Op row = Opcodes.op(op);
                    if (row == null) throw in.refuse(ErrorKind.CORRUPT, "not a pickle opcode");
                    Opcodes.checkStack(op, sp, marks, mp, in);
                    if (op == STOP) return in.position();
                    Sym pushed = step(row, opAt);
                    if (pushed != null) push(pushed);
                }
            } catch (RuntimeException e) {
                // Only a bug of ours gets here: still say where.
                String what = op < 0 ? "reading the next opcode" : Opcodes.describe(op);
                throw new TorchFileException(ErrorKind.CORRUPT, file, entry, opAt, what + ": unexpected " + e, e);
            }
        }

        /** Runs one opcode other than STOP (its stack needs already checked); returns what it pushes, or null. */
        private Sym step(Opcodes.Op row, long opAt) throws TorchFileException {
            int op = row.code();
            Opcodes.Arg arg = row.arg();
            return switch (op) {
                case PROTO -> { Opcodes.checkProtocol(arg.readInt(in), in); yield null; }
                case FRAME -> { in.checkLength(arg.readInt(in)); yield null; }
                case MARK -> { pushMark(); yield null; }
                case POP -> { pop(); yield null; }
                case DUP -> stack[sp - 1];
                case TUPLE -> tracked(popMark(), sp);
                case OBJ -> obj(opAt);
                case POP_MARK, LIST, DICT, FROZENSET, APPENDS, SETITEMS, ADDITEMS -> closeMark(op);
                case EMPTY_TUPLE -> new Tuple(new Sym[0]);
                case NONE -> PY_NONE;
                case EMPTY_DICT -> new Dict();
                case NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_SET, NEXT_BUFFER -> OPAQUE;
                case INT, LONG, FLOAT -> { in.readLine(); yield OPAQUE; }
                case PERSID -> { in.readLine(); yield observer.persistent(OPAQUE, opAt); }
                case BININT, BININT1, BININT2 -> new Int(arg.readInt(in));
                case BINFLOAT -> { in.readUnsigned(8); yield OPAQUE; }
                case LONG1 -> long1(in.readBytes(arg.readLength(in)));
                case LONG4 -> { in.skip(arg.readLength(in)); yield OPAQUE; }
                case SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8 -> bytes(arg.readLength(in));
                case STRING -> str(TextArgs.latin1(TextArgs.parseQuotedString(in.readLine(), in)), opAt);
                case BINSTRING, SHORT_BINSTRING -> text(arg.readLength(in), false, opAt);
                case UNICODE -> str(TextArgs.rawUnicodeEscape(in.readLine(), in), opAt);
                case SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 -> text(arg.readLength(in), true, opAt);
                case READONLY_BUFFER -> null;
                case APPEND -> { sp--; yield null; }
                case BUILD -> { build(opAt); yield null; }
                case SETITEM -> { setItem(); yield null; }
                case BINPERSID -> observer.persistent(stack[--sp], opAt);
                case TUPLE1, TUPLE2, TUPLE3 -> tracked(sp - (op - TUPLE1 + 1), sp);
                case REDUCE, NEWOBJ -> {
                    sp -= 2;
                    yield observer.call(stack[sp], stack[sp + 1], op == NEWOBJ, opAt, row.name());
                }
                case NEWOBJ_EX -> {
                    sp -= 3;
                    yield observer.call(stack[sp], stack[sp + 1], true, opAt, "NEWOBJ_EX");
                }
                case PUT -> { memoPut(memoKey(in.readAsciiLine())); yield null; }
                case BINPUT, LONG_BINPUT -> { memoPut(arg.readInt(in)); yield null; }
                case MEMOIZE -> { memoPut(memo.size()); yield null; }
                case GET -> (Sym) memo.get(memoKey(in.readAsciiLine()), in);
                case BINGET, LONG_BINGET -> (Sym) memo.get(arg.readInt(in), in);
                case GLOBAL -> global(Utf8.decode(in.readLine(), in), Utf8.decode(in.readLine(), in), opAt, "GLOBAL");
                case INST -> inst(opAt);
                case STACK_GLOBAL -> stackGlobal(opAt);
                case EXT1, EXT2, EXT4 -> global("?", "extension " + arg.readInt(in), opAt, row.name());
                default -> throw new AssertionError(row.name() + " has a row but no step");
            };
        }

        private void push(Sym value) throws TorchFileException {
            if (sp == stack.length) {
                if (sp >= limits.maxObjects()) throw in.refuse(ErrorKind.LIMIT, "stack deeper than the object limit");
                stack = Arrays.copyOf(stack, sp * 2);
            }
            stack[sp++] = value;
        }

        /** POP: the top item, or a MARK with nothing above it (as Python's POP does). */
        private void pop() throws TorchFileException {
            if (sp > (mp > 0 ? marks[mp - 1] : 0)) sp--;
            else if (mp > 0) mp--;
            else throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        }

        private void pushMark() throws TorchFileException {
            if (mp >= limits.maxDepth()) throw in.refuse(ErrorKind.LIMIT, "more than " + limits.maxDepth() + " nested marks (limit)");
            if (mp == marks.length) marks = Arrays.copyOf(marks, mp * 2);
            marks[mp++] = sp;
        }

        /** Pops the innermost mark (checked present) and returns the stack index it recorded. */
        private int popMark() {
            return marks[--mp];
        }

        /** stack[from..to) as a tracked tuple (short ones), popped. */
        private Sym tracked(int from, int to) {
            Sym t = to - from <= MAX_TRACKED_ITEMS ? new Tuple(Arrays.copyOfRange(stack, from, to)) : OPAQUE;
            sp = from;
            return t;
        }

        /** OBJ: the class is the first item after the mark, the arguments the rest. */
        private Sym obj(long opAt) {
            int from = popMark();
            Sym cls = stack[from];
            Sym args = tracked(from + 1, sp);
            sp = from;
            return observer.call(cls, args, false, opAt, "OBJ");
        }

        /** The opcodes that consume a mark and build nothing tracked, except DICT and the SETITEMS that fill a tracked dict. */
        private Sym closeMark(int op) throws TorchFileException {
            int from = popMark();
            // The plain reading of a splice leaves shared dicts alone: the spliced walk goes on with them.
            Dict filled = op == DICT ? new Dict() : splicing && op == SETITEMS && stack[from - 1] instanceof Dict d ? d : null;
            if (filled != null) {
                if ((sp - from) % 2 != 0) throw in.refuse(ErrorKind.CORRUPT, "odd number of items for a dict");
                for (int i = from; i < sp; i += 2) filled.put(stack[i], stack[i + 1]);
            }
            sp = from;
            return op == DICT ? filled : op == LIST || op == FROZENSET ? OPAQUE : null;
        }

        private void setItem() {
            sp -= 2;
            if (splicing && stack[sp - 1] instanceof Dict d) d.put(stack[sp], stack[sp + 1]);
        }

        private void memoPut(long key) throws TorchFileException {
            if (sp - (mp > 0 ? marks[mp - 1] : 0) < 1) throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
            memo.put(key, stack[sp - 1], in);
        }

        private long memoKey(String line) throws TorchFileException {
            Object k = TextArgs.parseInteger(line, in);
            if (!(k instanceof Long l) || l < 0) throw in.refuse(ErrorKind.CORRUPT, "invalid memo key '" + line + "'");
            return l;
        }

        private Global global(String module, String name, long opAt, String opcode) {
            Global g = new Global(module, name, opAt, opcode);
            observer.global(g);
            return g;
        }

        private Sym inst(long opAt) throws TorchFileException {
            Global g = global(Utf8.decode(in.readLine(), in), Utf8.decode(in.readLine(), in), opAt, "INST");
            Sym args = tracked(popMark(), sp);
            return observer.call(g, args, false, opAt, "INST");
        }

        private Sym stackGlobal(long opAt) {
            Sym name = stack[--sp];
            Sym module = stack[--sp];
            return global(module instanceof Str m ? m.value() : "?", name instanceof Str n ? n.value() : "?", opAt, "STACK_GLOBAL");
        }

        /** BUILD, and the splice the observer may make after it (joblib's inline arrays). */
        private void build(long opAt) throws TorchFileException {
            Sym state = stack[--sp];
            if (splicing) observer.build(stack[sp - 1], state, opAt);
            else observer.plainBuild(stack[sp - 1], state, opAt);
            Splice splice = splicing ? observer.afterBuild(stack[sp - 1], input, in.position()) : null;
            if (splice == null) return;
            if (splice.plainReadingDiffers()) plainReading(in.position());
            if (splice.end() < in.position() || splice.end() > input.size()) {
                throw in.refuse(ErrorKind.CORRUPT, "spliced data ends at byte " + splice.end() + ", outside the input");
            }
            for (long left = splice.end() - in.position(); left > 0; left = splice.end() - in.position()) {
                in.skip(Math.min(left, Integer.MAX_VALUE));
            }
            stack[sp - 1] = splice.value();
        }

        /**
         * What a plain unpickler makes of spliced bytes: opcodes, from the same stack and memo. Its events
         * reach the observer; where it fails, a plain load would have stopped (what ran before stands).
         */
        private void plainReading(long at) {
            try {
                new Walk(input, observer, stack.clone(), sp, marks.clone(), mp, memo.copy(), false).run(at);
            } catch (TorchFileException e) {
                // Not a pickle from here: a plain load raises at that byte.
            }
        }

        private Sym bytes(long length) throws TorchFileException {
            long at = in.position();
            in.skip(length);
            return new Bytes(input.subRegion(at, length), at);
        }

        private Sym str(String s, long offset) {
            if (s.length() > MAX_NAME) return OPAQUE;
            observer.string(s, offset);
            return new Str(s);
        }

        private Sym text(long length, boolean utf8, long offset) throws TorchFileException {
            if (length > MAX_NAME) {
                long at = in.position();
                in.skip(length);
                return new LongText(input, at, length, utf8);
            }
            byte[] b = in.readBytes(length);
            return str(utf8 ? Utf8.decode(b, in) : TextArgs.latin1(b), offset);
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

}
