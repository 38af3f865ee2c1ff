package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;

import java.util.Arrays;
import java.util.List;

/**
 * The pickle opcodes (protocols 0 to 5) as one table, the vocabulary both interpreters read by:
 * {@link PickleMachine}, which builds values, and {@link PickleFlow}, which follows them
 * symbolically. Each row gives what Python's {@code pickletools.opcodes} gives: the byte, the name,
 * how the argument after it is encoded ({@link Arg}), the protocol that introduced it, and its
 * stack effect (what it takes and leaves, in pickletools' words). The interpreters decode arguments
 * through {@link Arg} and check the stack through {@link #checkStack}, so both refuse the same
 * input at the same opcode in the same words. {@code OpcodeTableTest} compares the table with
 * Python's.
 */
public final class Opcodes {
    private Opcodes() {}

    public static final int MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I',
            BININT = 'J', BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P', BINPERSID = 'Q',
            REDUCE = 'R', STRING = 'S', BINSTRING = 'T', SHORT_BINSTRING = 'U', UNICODE = 'V', BINUNICODE = 'X',
            APPEND = 'a', BUILD = 'b', GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', GET = 'g',
            BINGET = 'h', INST = 'i', LONG_BINGET = 'j', LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', PUT = 'p',
            BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u',
            BINFLOAT = 'G',
            // protocol 2
            PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85, TUPLE2 = 0x86,
            TUPLE3 = 0x87, NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b,
            // protocol 3
            BINBYTES = 'B', SHORT_BINBYTES = 'C',
            // protocol 4
            SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90,
            FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95,
            // protocol 5
            BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98;

    /**
     * How an opcode's argument is encoded in the bytes after it (pickletools' {@code ArgumentDescriptor}
     * names, lower-cased by {@link #pythonName()}). Fixed-size integers are read by {@link #readInt},
     * the length prefix of counted strings and integers by {@link #readLength}; the {@code ..NL} kinds
     * are newline-terminated text read as lines.
     */
    public enum Arg {
        /** No argument. */
        NONE(0),
        UINT1(1), UINT2(2), INT4(4), UINT4(4), UINT8(8),
        /** A little-endian two's complement integer of a 1-byte (unsigned) or 4-byte (signed) byte count. */
        LONG1(1), LONG4(4),
        /** Python 2 str of a 1-byte (unsigned) or 4-byte (signed) byte count. */
        STRING1(1), STRING4(4),
        BYTES1(1), BYTES4(4), BYTES8(8), BYTEARRAY8(8),
        /** UTF-8 text of a 1-, 4- or 8-byte unsigned byte count. */
        UNICODESTRING1(1), UNICODESTRING4(4), UNICODESTRING8(8),
        /** Decimal text lines: INT's (also {@code 00}/{@code 01}), LONG's (trailing {@code L}), FLOAT's repr. */
        DECIMALNL_SHORT(0), DECIMALNL_LONG(0), FLOATNL(0),
        /** An 8-byte big-endian IEEE double. */
        FLOAT8(8),
        /** A quoted, escaped Python 2 string literal line (STRING). */
        STRINGNL(0),
        /** An unescaped line (PERSID) and two of them (GLOBAL, INST: module and name). */
        STRINGNL_NOESCAPE(0), STRINGNL_NOESCAPE_PAIR(0),
        /** A raw-unicode-escape line (UNICODE). */
        UNICODESTRINGNL(0);

        /** Size of the fixed part: the whole argument for integers and FLOAT8, the length prefix of counted kinds. */
        private final int prefix;
        /** Whether that fixed part is a signed 4-byte integer (INT4, and the prefixes of LONG4 and STRING4). */
        private final boolean signed;

        Arg(int prefix) {
            this.prefix = prefix;
            this.signed = name().equals("INT4") || name().equals("LONG4") || name().equals("STRING4");
        }

        /** pickletools' name of this argument kind ({@code uint1}, {@code decimalnl_short}...); null for {@link #NONE}. */
        public String pythonName() {
            return this == NONE ? null : name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * A fixed-size integer argument (UINT1, UINT2, INT4, UINT4, UINT8; UINT8 may come back negative).
         * Fields rather than a switch: the machine reads one per BININT, BINPUT, BINGET...
         */
        long readInt(PickleInput in) throws TorchFileException {
            if (prefix == 1) return in.readByte();
            return signed ? in.readInt32() : in.readUnsigned(prefix);
        }

        /**
         * The byte count of a counted argument, refused when a signed prefix (STRING4, LONG4) is
         * negative. Whether that many bytes remain is checked where they are read.
         */
        long readLength(PickleInput in) throws TorchFileException {
            if (prefix == 1) return in.readByte();
            if (!signed) return in.readUnsigned(prefix);
            int n = in.readInt32();
            if (n < 0) throw in.refuse(ErrorKind.CORRUPT, "negative length " + n);
            return n;
        }
    }

    /**
     * One opcode. {@code before} and {@code after} list the stack items it takes and leaves, bottom
     * first, with pickletools' names: {@code mark} is a MARK, {@code stackslice} the items above it,
     * anything else one item ({@code any}, {@code list}, {@code dict}...). The last three components
     * follow from {@code before} (computed once: the interpreters consult them at every opcode):
     *
     * @param takesMark      whether it consumes the innermost MARK and the items above it
     * @param itemsBelow     items it needs below the mark ({@code takesMark}) or on the stack (otherwise)
     * @param itemsAboveMark items it needs directly above the mark before the rest of the slice (OBJ's class)
     */
    public record Op(int code, String name, Arg arg, int proto, List<String> before, List<String> after,
                     boolean takesMark, int itemsBelow, int itemsAboveMark) {
        static Op of(int code, String name, Arg arg, int proto, List<String> before, List<String> after) {
            int mark = before.indexOf("mark");
            int above = 0;
            if (mark >= 0) {
                for (String s : before.subList(mark + 1, before.size())) if (!s.equals("stackslice")) above++;
            }
            return new Op(code, name, arg, proto, before, after, mark >= 0, mark >= 0 ? mark : before.size(), above);
        }
    }

    private static final Op[] TABLE = new Op[256];
    /** Per opcode byte, its argument kind (null: not an opcode) and its stack needs packed by {@link #needs}. */
    private static final Arg[] ARGS = new Arg[256];
    private static final int[] NEEDS = new int[256];

    private static void op(int code, String name, Arg arg, int proto, String before, String after) {
        Op op = Op.of(code, name, arg, proto, words(before), words(after));
        TABLE[code] = op;
        ARGS[code] = arg;
        NEEDS[code] = needs(op);
    }

    /**
     * An opcode's stack needs in one int, 0 when there is nothing to check (the interpreters look
     * at it for every opcode): bit 16 takes a mark, bits 8-15 items below, bits 0-7 items above it.
     * POP checks its own stack (Python's POP also pops a bare MARK).
     */
    private static int needs(Op op) {
        if (op.code() == POP) return 0;
        return (op.takesMark() ? 1 << 16 : 0) | op.itemsBelow() << 8 | op.itemsAboveMark();
    }

    /** The argument kind of opcode {@code code}, or null when the byte is not an opcode. */
    static Arg arg(int code) {
        return ARGS[code];
    }

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    static {
        op(INT, "INT", Arg.DECIMALNL_SHORT, 0, "", "int_or_bool");
        op(BININT, "BININT", Arg.INT4, 1, "", "int");
        op(BININT1, "BININT1", Arg.UINT1, 1, "", "int");
        op(BININT2, "BININT2", Arg.UINT2, 1, "", "int");
        op(LONG, "LONG", Arg.DECIMALNL_LONG, 0, "", "int");
        op(LONG1, "LONG1", Arg.LONG1, 2, "", "int");
        op(LONG4, "LONG4", Arg.LONG4, 2, "", "int");
        op(STRING, "STRING", Arg.STRINGNL, 0, "", "bytes_or_str");
        op(BINSTRING, "BINSTRING", Arg.STRING4, 1, "", "bytes_or_str");
        op(SHORT_BINSTRING, "SHORT_BINSTRING", Arg.STRING1, 1, "", "bytes_or_str");
        op(BINBYTES, "BINBYTES", Arg.BYTES4, 3, "", "bytes");
        op(SHORT_BINBYTES, "SHORT_BINBYTES", Arg.BYTES1, 3, "", "bytes");
        op(BINBYTES8, "BINBYTES8", Arg.BYTES8, 4, "", "bytes");
        op(BYTEARRAY8, "BYTEARRAY8", Arg.BYTEARRAY8, 5, "", "bytearray");
        op(NEXT_BUFFER, "NEXT_BUFFER", Arg.NONE, 5, "", "buffer");
        op(READONLY_BUFFER, "READONLY_BUFFER", Arg.NONE, 5, "buffer", "buffer");
        op(NONE, "NONE", Arg.NONE, 0, "", "None");
        op(NEWTRUE, "NEWTRUE", Arg.NONE, 2, "", "bool");
        op(NEWFALSE, "NEWFALSE", Arg.NONE, 2, "", "bool");
        op(UNICODE, "UNICODE", Arg.UNICODESTRINGNL, 0, "", "str");
        op(SHORT_BINUNICODE, "SHORT_BINUNICODE", Arg.UNICODESTRING1, 4, "", "str");
        op(BINUNICODE, "BINUNICODE", Arg.UNICODESTRING4, 1, "", "str");
        op(BINUNICODE8, "BINUNICODE8", Arg.UNICODESTRING8, 4, "", "str");
        op(FLOAT, "FLOAT", Arg.FLOATNL, 0, "", "float");
        op(BINFLOAT, "BINFLOAT", Arg.FLOAT8, 1, "", "float");
        op(EMPTY_LIST, "EMPTY_LIST", Arg.NONE, 1, "", "list");
        op(APPEND, "APPEND", Arg.NONE, 0, "list any", "list");
        op(APPENDS, "APPENDS", Arg.NONE, 1, "list mark stackslice", "list");
        op(LIST, "LIST", Arg.NONE, 0, "mark stackslice", "list");
        op(EMPTY_TUPLE, "EMPTY_TUPLE", Arg.NONE, 1, "", "tuple");
        op(TUPLE, "TUPLE", Arg.NONE, 0, "mark stackslice", "tuple");
        op(TUPLE1, "TUPLE1", Arg.NONE, 2, "any", "tuple");
        op(TUPLE2, "TUPLE2", Arg.NONE, 2, "any any", "tuple");
        op(TUPLE3, "TUPLE3", Arg.NONE, 2, "any any any", "tuple");
        op(EMPTY_DICT, "EMPTY_DICT", Arg.NONE, 1, "", "dict");
        op(DICT, "DICT", Arg.NONE, 0, "mark stackslice", "dict");
        op(SETITEM, "SETITEM", Arg.NONE, 0, "dict any any", "dict");
        op(SETITEMS, "SETITEMS", Arg.NONE, 1, "dict mark stackslice", "dict");
        op(EMPTY_SET, "EMPTY_SET", Arg.NONE, 4, "", "set");
        op(ADDITEMS, "ADDITEMS", Arg.NONE, 4, "set mark stackslice", "set");
        op(FROZENSET, "FROZENSET", Arg.NONE, 4, "mark stackslice", "frozenset");
        op(POP, "POP", Arg.NONE, 0, "any", "");
        op(DUP, "DUP", Arg.NONE, 0, "any", "any any");
        op(MARK, "MARK", Arg.NONE, 0, "", "mark");
        op(POP_MARK, "POP_MARK", Arg.NONE, 1, "mark stackslice", "");
        op(GET, "GET", Arg.DECIMALNL_SHORT, 0, "", "any");
        op(BINGET, "BINGET", Arg.UINT1, 1, "", "any");
        op(LONG_BINGET, "LONG_BINGET", Arg.UINT4, 1, "", "any");
        // pickletools lists PUT's stack effect as nothing; it stores the top item without popping it.
        op(PUT, "PUT", Arg.DECIMALNL_SHORT, 0, "", "");
        op(BINPUT, "BINPUT", Arg.UINT1, 1, "", "");
        op(LONG_BINPUT, "LONG_BINPUT", Arg.UINT4, 1, "", "");
        op(MEMOIZE, "MEMOIZE", Arg.NONE, 4, "any", "any");
        op(EXT1, "EXT1", Arg.UINT1, 2, "", "any");
        op(EXT2, "EXT2", Arg.UINT2, 2, "", "any");
        op(EXT4, "EXT4", Arg.INT4, 2, "", "any");
        op(GLOBAL, "GLOBAL", Arg.STRINGNL_NOESCAPE_PAIR, 0, "", "any");
        op(STACK_GLOBAL, "STACK_GLOBAL", Arg.NONE, 4, "str str", "any");
        op(REDUCE, "REDUCE", Arg.NONE, 0, "any any", "any");
        op(BUILD, "BUILD", Arg.NONE, 0, "any any", "any");
        op(INST, "INST", Arg.STRINGNL_NOESCAPE_PAIR, 0, "mark stackslice", "any");
        op(OBJ, "OBJ", Arg.NONE, 1, "mark any stackslice", "any");
        op(NEWOBJ, "NEWOBJ", Arg.NONE, 2, "any any", "any");
        op(NEWOBJ_EX, "NEWOBJ_EX", Arg.NONE, 4, "any any any", "any");
        op(PROTO, "PROTO", Arg.UINT1, 2, "", "");
        op(STOP, "STOP", Arg.NONE, 0, "any", "");
        op(FRAME, "FRAME", Arg.UINT8, 4, "", "");
        op(PERSID, "PERSID", Arg.STRINGNL_NOESCAPE, 0, "", "any");
        op(BINPERSID, "BINPERSID", Arg.NONE, 1, "any", "any");
    }

    /** The opcode of byte {@code code}, or null when the byte is not an opcode. */
    public static Op op(int code) {
        return code >= 0 && code < 256 ? TABLE[code] : null;
    }

    /** Every opcode, in byte order. */
    public static List<Op> all() {
        return Arrays.stream(TABLE).filter(o -> o != null).toList();
    }

    /** The opcode's name, or null when the byte is not an opcode. */
    static String name(int op) {
        Op o = op(op);
        return o == null ? null : o.name();
    }

    /** {@code opcode 0x.. NAME} as error messages start. */
    static String describe(int op) {
        String n = name(op);
        return String.format("opcode 0x%02x %s", op & 0xff, n == null ? "(unknown)" : n);
    }

    /** The newest pickle protocol (Python 3.8+); PROTO with a higher number is refused, as Python refuses it. */
    static final int HIGHEST_PROTOCOL = 5;

    /** PROTO's argument, checked. */
    static void checkProtocol(long version, PickleInput in) throws TorchFileException {
        if (version > HIGHEST_PROTOCOL) throw in.refuse(ErrorKind.UNSUPPORTED, "unsupported protocol " + version);
    }

    /**
     * Refuses an opcode the stack cannot serve, per its row: a missing MARK, too few items above it
     * (OBJ's class) or below it (the list APPENDS extends), too few items on top (REDUCE's two).
     * Both interpreters call this before running an opcode with the stack pointer {@code sp} and
     * the mark positions {@code marks[0..mp)}.
     */
    static void checkStack(int code, int sp, int[] marks, int mp, PickleInput in) throws TorchFileException {
        int needs = NEEDS[code];
        if (needs == 0) return;
        int below = needs >> 8 & 0xff;
        if ((needs & 1 << 16) != 0) {
            if (mp == 0) throw in.refuse(ErrorKind.CORRUPT, "no MARK on the stack");
            int mark = marks[mp - 1];
            int base = mp > 1 ? marks[mp - 2] : 0;
            if (sp - mark < (needs & 0xff) || mark - base < below) throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        } else if (sp - (mp > 0 ? marks[mp - 1] : 0) < below) {
            throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        }
    }
}
