package dev.torch4j.torchscript.mobile;

import dev.torch4j.TorchFileException;
import dev.torch4j.python.PyTuple;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The methods of a lite-interpreter ({@code .ptl}) archive, read from the object tree the pickle
 * machine builds out of its {@code bytecode.pkl}. Layout (PyTorch's mobile import):
 * <pre>
 * (version, method...)          version is absent in the oldest files (then it is 3)
 * method = (name, code[, schema])   schema from version 5 on, optional in version 4
 * code   = (("instructions", ((op, X, N)...)), ("operators", ((name, overload[, num_args])...)),
 *           ("constants", (...)), ("types", (str...)), ("register_size", int))
 * schema = (("arguments", (arg...)), ("returns", (arg...)))
 * arg    = (("name", str), ("type", str), ("default_value", value))
 * </pre>
 * Operators carry {@code num_args} from version 6 on.
 */
public final class MobileBytecode {
    /** The version PyTorch assumes when the first element is not an int. */
    public static final int UNVERSIONED = 3;

    public record Instruction(String opcode, long x, long n) {}

    /** {@code numArgs} is -1 when the file does not say (bytecode before version 6). */
    public record Operator(String name, String overload, int numArgs) {
        /** {@code name.overload}, or just {@code name} when the overload is empty: PyTorch's operator string. */
        public String qualifiedName() { return overload.isEmpty() ? name : name + "." + overload; }
    }

    public record Argument(String name, String type, Object defaultValue) {}

    public record Schema(List<Argument> arguments, List<Argument> returns) {}

    /** {@code schema} is null for files that do not store one. */
    public record Method(String name, List<Instruction> instructions, List<Operator> operators,
                         List<Object> constants, List<String> types, long registerSize, Schema schema) {}

    private final long version;
    private final List<Method> methods;

    private MobileBytecode(long version, List<Method> methods) {
        this.version = version;
        this.methods = List.copyOf(methods);
    }

    public long version() { return version; }

    public List<Method> methods() { return methods; }

    /** Every operator of every method, unique and sorted, as {@code torch.jit.mobile._export_operator_list} gives them. */
    public SortedSet<String> operators() {
        TreeSet<String> out = new TreeSet<>();
        for (Method m : methods) {
            for (Operator op : m.operators()) out.add(op.qualifiedName());
        }
        return Collections.unmodifiableSortedSet(out);
    }

    public static MobileBytecode parse(Object bytecodeRoot) throws TorchFileException {
        return parse(bytecodeRoot, null, "bytecode.pkl");
    }

    /** As {@link #parse(Object)}, naming {@code file} and {@code entry} in errors. */
    public static MobileBytecode parse(Object bytecodeRoot, String file, String entry) throws TorchFileException {
        return new Parser(file, entry).parse(bytecodeRoot);
    }

    /**
     * Walks the tree, tracking where it is so a bad value is reported by its path (the values are
     * already unpickled: there is no byte offset, the entry and the path say where).
     */
    private static final class Parser {
        private final String file;
        private final String entry;
        private String where = "root";

        Parser(String file, String entry) {
            this.file = file;
            this.entry = entry;
        }

        private TorchFileException bad(String reason) {
            return new TorchFileException(file, entry, -1, "bad lite-interpreter bytecode: " + reason);
        }

        MobileBytecode parse(Object root) throws TorchFileException {
            List<?> items = tuple(root, "bytecode root");
            if (items.isEmpty()) throw bad("bytecode has no elements");
            long version = UNVERSIONED;
            int first = 0;
            if (isInt(items.get(0))) {
                version = toLong(items.get(0), "version");
                first = 1;
            }
            List<Method> methods = new ArrayList<>(items.size() - first);
            for (int i = first; i < items.size(); i++) {
                where = "method " + (i - first);
                methods.add(method(items.get(i), version));
            }
            return new MobileBytecode(version, methods);
        }

        private Method method(Object value, long version) throws TorchFileException {
            List<?> m = tuple(value, "method");
            if (m.size() < 2) throw bad(where + ": method tuple has " + m.size() + " items, needs name and code");
            String name = string(m.get(0), "method name");
            where = "method " + name;
            List<?> code = tuple(m.get(1), "code table");
            List<?> ins = tuple(field(code, 0, "instructions"), "instructions");
            List<?> ops = tuple(field(code, 1, "operators"), "operators");
            List<?> consts = tuple(field(code, 2, "constants"), "constants");
            List<?> types = tuple(field(code, 3, "types"), "types");
            long registerSize = toLong(field(code, 4, "register_size"), "register_size");

            List<Instruction> instructions = new ArrayList<>(ins.size());
            for (Object o : ins) {
                List<?> t = tuple(o, "instruction");
                if (t.size() != 3) throw bad(where + ": instruction with " + t.size() + " parts, expected 3");
                instructions.add(new Instruction(string(t.get(0), "opcode"), toLong(t.get(1), "X"), toLong(t.get(2), "N")));
            }
            List<Operator> operators = new ArrayList<>(ops.size());
            for (Object o : ops) {
                List<?> t = tuple(o, "operator");
                if (t.size() < 2) throw bad(where + ": operator with " + t.size() + " parts, expected name and overload");
                long numArgs = t.size() > 2 ? toLong(t.get(2), "operator num_args") : -1;
                if (numArgs != (int) numArgs) throw bad(where + ": operator num_args " + numArgs + " does not fit an int");
                operators.add(new Operator(string(t.get(0), "operator name"), string(t.get(1), "operator overload"), (int) numArgs));
            }
            List<String> typeNames = new ArrayList<>(types.size());
            for (Object o : types) typeNames.add(string(o, "type"));

            boolean hasSchema = version > 4 || (version == 4 && m.size() >= 3);
            Schema schema = hasSchema && m.size() >= 3 ? schema(m.get(2)) : null;
            if (hasSchema && schema == null) throw bad(where + ": version " + version + " needs a schema");
            return new Method(name, List.copyOf(instructions), List.copyOf(operators),
                    Collections.unmodifiableList(new ArrayList<>(consts)), List.copyOf(typeNames), registerSize, schema);
        }

        private Schema schema(Object value) throws TorchFileException {
            List<?> table = tuple(value, "schema");
            return new Schema(arguments(field(table, 0, "arguments")), arguments(field(table, 1, "returns")));
        }

        private List<Argument> arguments(Object value) throws TorchFileException {
            List<?> list = tuple(value, "argument list");
            List<Argument> out = new ArrayList<>(list.size());
            for (Object o : list) {
                List<?> arg = tuple(o, "argument");
                out.add(new Argument(string(field(arg, 0, "name"), "argument name"),
                        string(field(arg, 1, "type"), "argument type"), field(arg, 2, "default_value")));
            }
            return Collections.unmodifiableList(out);
        }

        /** Entry {@code index} of a ((name, value)...) table, which must carry {@code name}. */
        private Object field(List<?> table, int index, String name) throws TorchFileException {
            if (index >= table.size()) throw bad(where + ": no '" + name + "' entry");
            List<?> row = tuple(table.get(index), "'" + name + "' entry");
            if (row.size() != 2 || !name.equals(row.get(0))) {
                throw bad(where + ": expected '" + name + "' entry, found " + describe(row));
            }
            return row.get(1);
        }

        private List<?> tuple(Object value, String what) throws TorchFileException {
            // The lite interpreter writes tuples; a list is accepted, as PyTorch's IValue accessors do not care.
            if (value instanceof PyTuple t) return t;
            if (value instanceof List<?> l) return l;
            throw bad(where + ": " + what + " should be a tuple, found " + describe(value));
        }

        private String string(Object value, String what) throws TorchFileException {
            if (value instanceof String s) return s;
            throw bad(where + ": " + what + " should be a string, found " + describe(value));
        }

        private static boolean isInt(Object value) {
            return value instanceof Long || value instanceof Integer || value instanceof BigInteger;
        }

        private long toLong(Object value, String what) throws TorchFileException {
            if (value instanceof Long l) return l;
            if (value instanceof Integer i) return i;
            if (value instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
            throw bad(where + ": " + what + " should be an int, found " + describe(value));
        }

        private static String describe(Object value) {
            if (value == null) return "None";
            if (value instanceof List<?> l) return "tuple of " + l.size() + " items";
            String s = String.valueOf(value);
            return value.getClass().getSimpleName() + " " + (s.length() > 60 ? s.substring(0, 60) + "..." : s);
        }
    }
}
