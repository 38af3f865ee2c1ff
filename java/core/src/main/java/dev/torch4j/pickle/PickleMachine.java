package dev.torch4j.pickle;

import dev.torch4j.ErrorKind;
import dev.torch4j.PickleLimits;
import dev.torch4j.python.PyStateful;
import dev.torch4j.python.PyFrozenSet;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;
import dev.torch4j.TorchFileException;
import dev.torch4j.UnsafePickleException;
import dev.torch4j.io.ByteRegion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.torch4j.pickle.Opcodes.*;

/**
 * The safe pickle virtual machine: one tight opcode loop over protocols 0 to 5 that builds Java
 * values (Map, List, {@link PyTuple}, String, Long/BigInteger, Double, Boolean, byte[] or, for large
 * payloads, a zero-copy {@link dev.torch4j.python.PyBytes}, null, Set)
 * and runs only the callables a {@link GlobalResolver} supplies. Unknown globals become inert
 * {@link PyObject} placeholders; dangerous ones throw {@link dev.torch4j.UnsafePickleException}
 * unless {@link Config#allowUnsafeGlobals()}.
 *
 * <p>Globals are looked up in {@code config.resolver()} first, then in {@link BuiltinGlobals}
 * (OrderedDict, set, copyreg helpers...), so callers only register what they add. Python 2
 * module names are mapped to Python 3 ones first ({@code __builtin__} is looked up as {@code builtins}).
 * The loop is iterative: nesting costs heap (bounded by {@link PickleLimits}), never Java stack.
 */
public final class PickleMachine {
    /** What the machine needs besides the bytes. {@code file}/{@code entry} label error messages. */
    public record Config(String file, String entry, GlobalResolver resolver, PersistentLoader persistentLoader,
                         boolean allowUnsafeGlobals, PickleLimits limits) {
    }

    private final ByteRegion input;
    private final Config config;
    private final SafetyPolicy policy;
    private final PickleLimits limits;
    private final GlobalResolver resolver;
    private final InertCallables inert;
    private BuildHook buildHook;
    private long position;
    /** Offset of the opcode being run, for refusals raised inside callables. */
    private long currentOp;

    // Per-load state.
    private Object[] stack;
    private int sp;
    private int[] marks;
    private int mp;
    private Memo memo;
    /** The input of the load in progress. */
    private PickleInput in;
    private long objects;
    /** Bytes and items returned by callables so far (see {@link #charge}). */
    private long minted;
    private static final long MINTED_SLACK = 64L << 20;
    /** {@link #minted}'s limit, and {@code limits.maxObjects()}: read per call and per push, so kept in fields. */
    private final long mintedLimit;
    private final long maxObjects;
    /** Names of resolved callables, for error messages only. */
    private IdentityHashMap<Object, String> callableNames;
    /** Memo keys holding a {@link PyReplacing} object, updated when its BUILD replaces it. */
    private IdentityHashMap<Object, List<Long>> replacingKeys;

    /** Reads one pickle starting at {@code start} in {@code input}. */
    public PickleMachine(ByteRegion input, long start, Config config) {
        this(input, start, config, SafetyPolicy.DEFAULT);
    }

    /** As above, with a different denylist. */
    public PickleMachine(ByteRegion input, long start, Config config, SafetyPolicy policy) {
        this.input = input;
        this.position = start;
        this.config = config;
        this.policy = policy;
        this.limits = config.limits() != null ? config.limits() : PickleLimits.DEFAULT;
        this.maxObjects = limits.maxObjects();
        this.mintedLimit = 2 * input.size() + MINTED_SLACK;
        this.resolver = config.resolver() != null ? config.resolver().orElse(BuiltinGlobals.INSTANCE) : BuiltinGlobals.INSTANCE;
        // The machine itself, not two lambdas: a short command's first lambda initialises java.lang.invoke
        // (several ms of a 0.2 s inspect); see docs/building.md.
        this.inert = new InertCallables(policy, resolver, config.allowUnsafeGlobals(), this);
    }

    /** The name a callable was resolved under in the load in progress, or null (for {@link InertCallables}). */
    String resolvedName(Object callable) {
        return callableNames == null ? null : callableNames.get(callable);
    }

    /** The refusal of a denied global that {@link InertCallables} would reach, at the opcode being run. */
    UnsafePickleException unsafeGlobal(String global) {
        return new UnsafePickleException(config.file(), config.entry(), currentOp, global);
    }

    /** Runs {@code hook} after every BUILD (joblib's inline array bytes); returns this machine. */
    public PickleMachine withBuildHook(BuildHook hook) {
        this.buildHook = hook;
        return this;
    }

    /**
     * Runs until STOP and returns the result. May be called again to read the pickle that follows
     * (legacy torch files hold several in a row); each load starts with an empty memo.
     */
    public Object load() throws TorchFileException {
        stack = new Object[32];
        sp = 0;
        marks = new int[16];
        mp = 0;
        memo = new Memo(limits.maxMemo());
        objects = 0;
        minted = 0;
        callableNames = new IdentityHashMap<>();
        replacingKeys = new IdentityHashMap<>();
        long opAt = position;
        int op = -1;
        try {
            in = new PickleInput(input, position, config.file(), config.entry());
            while (true) {
                opAt = in.position();
                currentOp = opAt;
                op = -1;
                op = in.readOpcode();
                if (op == STOP) {
                    Object result = pop();
                    position = in.position();
                    return result;
                }
                step(op);
            }
        } catch (TorchFileException e) {
            throw e;
        } catch (RuntimeException e) {
            // Only a bug of ours gets here (callables' failures are reported in invoke): still say where.
            throw fail(ErrorKind.CORRUPT, opAt, op, "unexpected " + e, e);
        } catch (StackOverflowError e) {
            throw fail(ErrorKind.LIMIT, opAt, op, "structure nested too deeply", null);
        } finally {
            in = null;
            stack = null;
            memo = null;
            callableNames = null;
            replacingKeys = null;
        }
    }

    /**
     * Runs one opcode other than STOP. A method of its own, called per opcode, rather than the body
     * of the loop in {@link #load()}: the JIT then compiles it once, after a few hundred opcodes,
     * where a loop body waits for ~60,000 iterations and is compiled twice (on-stack replacement,
     * then the whole method). In a short command that was the largest compile of the run.
     */
    private void step(int op) throws TorchFileException {
        PickleInput in = this.in;
        long opAt = currentOp;
        Opcodes.checkStack(op, sp, marks, mp, in);
        Opcodes.Arg arg = Opcodes.arg(op); // null for a byte that is no opcode: the switch's default refuses it
        switch (op) {
            case PROTO -> Opcodes.checkProtocol(arg.readInt(in), in);
            case FRAME -> {
                in.checkLength(arg.readInt(in));
            }
            case MARK -> pushMark();
            case POP -> {
                if (sp > markBase()) sp--;
                else if (mp > 0) popMark();
                else throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
            }
            case POP_MARK -> sp = popMark();
            case DUP -> push(peek());

            case NONE -> push(null);
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case INT -> push(TextArgs.parseInt(in.readAsciiLine(), in));
            case LONG -> push(TextArgs.parseLong(in.readAsciiLine(), in));
            case BININT, BININT1, BININT2 -> push(arg.readInt(in));
            case LONG1, LONG4 -> push(Ints.fromLittleEndian(in.readBytes(integerBytes(arg.readLength(in)))));
            case FLOAT -> push(TextArgs.parseFloat(in.readAsciiLine(), in));
            case BINFLOAT -> push(in.readDoubleBigEndian());

            // Python 2 str: decoded as latin-1, as torch.load(encoding='latin1') does.
            case STRING -> push(TextArgs.latin1(TextArgs.parseQuotedString(in.readLine(), in)));
            case BINSTRING, SHORT_BINSTRING -> push(TextArgs.latin1(in.readBytes(arg.readLength(in))));
            case UNICODE -> push(TextArgs.rawUnicodeEscape(in.readLine(), in));
            case SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 -> push(in.readUtf8(arg.readLength(in)));
            case SHORT_BINBYTES -> push(in.readBytes(arg.readLength(in)));
            // Large payloads (numpy array data) stay in the file as PyBytes views.
            case BINBYTES, BINBYTES8, BYTEARRAY8 -> push(in.readBytesValue(arg.readLength(in)));
            case NEXT_BUFFER, READONLY_BUFFER ->
                    throw in.refuse(ErrorKind.UNSUPPORTED, "out-of-band buffers (pickle protocol 5 buffer_callback) are not supported");

            case EMPTY_LIST -> push(new ArrayList<>());
            case EMPTY_DICT -> push(new LinkedHashMap<>());
            case EMPTY_TUPLE -> push(PyTuple.EMPTY);
            case EMPTY_SET -> push(new LinkedHashSet<>());
            case LIST -> {
                int m = popMark();
                push(new ArrayList<>(Arrays.asList(Arrays.copyOfRange(stack, m, sp))));
                moveTop(m);
            }
            case TUPLE -> {
                int m = popMark();
                push(PyTuple.copyOfRange(stack, m, sp));
                moveTop(m);
            }
            case TUPLE1 -> { Object a = pop(); push(PyTuple.of(a)); }
            case TUPLE2 -> { Object b = pop(); Object a = pop(); push(PyTuple.of(a, b)); }
            case TUPLE3 -> { Object c = pop(); Object b = pop(); Object a = pop(); push(PyTuple.of(a, b, c)); }
            case DICT -> {
                int m = popMark();
                Map<Object, Object> d = new LinkedHashMap<>();
                putPairs(d, m);
                push(d);
                moveTop(m);
            }
            case FROZENSET -> {
                int m = popMark();
                PyFrozenSet s = new PyFrozenSet();
                addItems(s, m);
                push(s);
                moveTop(m);
            }
            case APPEND -> { Object v = pop(); append(peek(), v); }
            case APPENDS -> {
                int m = popMark();
                Object target = below(m);
                for (int i = m; i < sp; i++) append(target, stack[i]);
                sp = m;
            }
            case SETITEM -> { Object v = pop(); Object k = pop(); setItem(peek(), k, v); }
            case SETITEMS -> {
                int m = popMark();
                Object target = below(m);
                if ((sp - m) % 2 != 0) throw in.refuse(ErrorKind.CORRUPT, "odd number of items for SETITEMS");
                for (int i = m; i < sp; i += 2) setItem(target, stack[i], stack[i + 1]);
                sp = m;
            }
            case ADDITEMS -> {
                int m = popMark();
                Object target = below(m);
                if (!(target instanceof Set<?>) || target instanceof PyFrozenSet) {
                    throw in.refuse(ErrorKind.CORRUPT, "cannot add items to " + Values.typeName(target));
                }
                @SuppressWarnings("unchecked") Set<Object> set = (Set<Object>) target;
                addItems(set, m);
                sp = m;
            }

            case PUT -> memoPut(parseMemoKey(in.readAsciiLine()), peek());
            case BINPUT, LONG_BINPUT -> memoPut(arg.readInt(in), peek());
            case MEMOIZE -> memoPut(memo.size(), peek());
            case GET -> push(memo.get(parseMemoKey(in.readAsciiLine()), in));
            case BINGET, LONG_BINGET -> push(memo.get(arg.readInt(in), in));

            case GLOBAL -> {
                String module = Utf8.decode(in.readLine(), in);
                String name = Utf8.decode(in.readLine(), in);
                push(global(module, name, opAt));
            }
            case STACK_GLOBAL -> {
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw in.refuse(ErrorKind.CORRUPT, "module and name must be str, got "
                            + Values.typeName(module) + " and " + Values.typeName(name));
                }
                push(global(m, n, opAt));
            }
            case INST -> {
                String module = Utf8.decode(in.readLine(), in);
                String name = Utf8.decode(in.readLine(), in);
                Object cls = global(module, name, opAt);
                int m = popMark();
                PyTuple args = PyTuple.copyOfRange(stack, m, sp);
                sp = m;
                push(invoke(cls, args, null));
            }
            case OBJ -> {
                int m = popMark();
                if (sp == m) throw in.refuse(ErrorKind.CORRUPT, "no class on the stack");
                Object cls = stack[m];
                PyTuple args = PyTuple.copyOfRange(stack, m + 1, sp);
                sp = m;
                push(invoke(cls, args, null));
            }
            case REDUCE -> {
                Object args = pop();
                Object f = pop();
                push(invoke(f, tuple(args, "REDUCE arguments"), null));
            }
            case NEWOBJ -> {
                Object args = pop();
                Object cls = pop();
                push(invoke(cls, tuple(args, "NEWOBJ arguments"), null));
            }
            case NEWOBJ_EX -> {
                Object kwargs = pop();
                Object args = pop();
                Object cls = pop();
                if (!(kwargs instanceof Map<?, ?> kw)) throw in.refuse(ErrorKind.CORRUPT, "NEWOBJ_EX keyword arguments must be a dict");
                push(invoke(cls, tuple(args, "NEWOBJ_EX arguments"), kw));
            }
            case BUILD -> {
                build(pop());
                if (buildHook != null) afterBuild(in);
            }
            case PERSID -> push(persistentLoad(in.readAsciiLine()));
            case BINPERSID -> push(persistentLoad(pop()));
            case EXT1, EXT2, EXT4 -> {
                long code = arg.readInt(in);
                throw in.refuse(ErrorKind.UNSUPPORTED, "extension code " + code
                        + " refers to Python's copyreg extension registry, which torch4j does not have");
            }
            default -> throw in.refuse(ErrorKind.CORRUPT, "not a pickle opcode");
        }
    }

    /** The offset just past the STOP opcode, after {@link #load()} (legacy files hold several pickles in a row). */
    public long position() { return position; }

    // ---- stack and marks ----

    private void push(Object v) throws TorchFileException {
        if (++objects > maxObjects) throw in.refuse(ErrorKind.LIMIT, "more than " + limits.maxObjects() + " objects (limit)");
        if (sp == stack.length) stack = Arrays.copyOf(stack, stack.length * 2);
        stack[sp++] = v;
    }

    private Object pop() throws TorchFileException {
        if (sp <= markBase()) throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        Object v = stack[--sp];
        stack[sp] = null;
        return v;
    }

    private Object peek() throws TorchFileException {
        if (sp <= markBase()) throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        return stack[sp - 1];
    }

    /** The object under the items of a just-popped mark: what APPENDS/SETITEMS/ADDITEMS modify. */
    private Object below(int m) throws TorchFileException {
        if (m <= markBase()) throw in.refuse(ErrorKind.CORRUPT, "stack underflow");
        return stack[m - 1];
    }

    private int markBase() {
        return mp > 0 ? marks[mp - 1] : 0;
    }

    private void pushMark() throws TorchFileException {
        if (mp >= limits.maxDepth()) throw in.refuse(ErrorKind.LIMIT, "more than " + limits.maxDepth() + " nested marks (limit)");
        if (mp == marks.length) marks = Arrays.copyOf(marks, marks.length * 2);
        marks[mp++] = sp;
    }

    /** Pops the innermost mark and returns the stack index it recorded (the first item after it). */
    private int popMark() throws TorchFileException {
        if (mp == 0) throw in.refuse(ErrorKind.CORRUPT, "no MARK on the stack");
        int m = marks[--mp];
        if (sp - m > limits.maxContainerItems()) {
            throw in.refuse(ErrorKind.LIMIT, (sp - m) + " items exceed the container limit " + limits.maxContainerItems());
        }
        return m;
    }

    /** After building a value from stack[m..sp-1] and pushing it: drop the items, keep the value. */
    private void moveTop(int m) {
        Object v = stack[sp - 1];
        Arrays.fill(stack, m, sp, null);
        stack[m] = v;
        sp = m + 1;
    }

    // ---- containers ----

    private void putPairs(Map<Object, Object> d, int m) throws TorchFileException {
        int end = sp;
        if ((end - m) % 2 != 0) throw in.refuse(ErrorKind.CORRUPT, "odd number of items for DICT");
        for (int i = m; i < end; i += 2) {
            Values.checkHashable(stack[i], limits.maxDepth(), in);
            d.put(stack[i], stack[i + 1]);
        }
    }

    private void addItems(Set<Object> set, int m) throws TorchFileException {
        for (int i = m; i < sp; i++) {
            Values.checkHashable(stack[i], limits.maxDepth(), in);
            if (set.size() >= limits.maxContainerItems()) throw itemsLimit();
            set.add(stack[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private void append(Object target, Object v) throws TorchFileException {
        if (target instanceof List<?> list) {
            if (list.size() >= limits.maxContainerItems()) throw itemsLimit();
            ((List<Object>) list).add(v);
        } else if (target instanceof PyObject o) {
            if (o.listItems().size() >= limits.maxContainerItems()) throw itemsLimit();
            o.listItems().add(v);
        } else {
            throw in.refuse(ErrorKind.CORRUPT, "cannot append to " + Values.typeName(target));
        }
    }

    @SuppressWarnings("unchecked")
    private void setItem(Object target, Object k, Object v) throws TorchFileException {
        Map<Object, Object> map;
        if (target instanceof Map<?, ?> m) map = (Map<Object, Object>) m;
        else if (target instanceof PyObject o) map = o.dictItems();
        else throw in.refuse(ErrorKind.CORRUPT, "cannot set items on " + Values.typeName(target));
        Values.checkHashable(k, limits.maxDepth(), in);
        if (map.size() >= limits.maxContainerItems()) throw itemsLimit();
        map.put(k, v);
    }

    private TorchFileException itemsLimit() {
        return in.refuse(ErrorKind.LIMIT, "container holds more than " + limits.maxContainerItems() + " items (limit)");
    }

    private PyTuple tuple(Object v, String what) throws TorchFileException {
        if (v instanceof PyTuple t) return t;
        throw in.refuse(ErrorKind.CORRUPT, what + " must be a tuple, got " + Values.typeName(v));
    }

    /** The length of a LONG1/LONG4 argument, checked against {@link PickleLimits#maxIntegerBytes} before its bytes are read. */
    private int integerBytes(long length) throws TorchFileException {
        if (length < 0) throw in.refuse(ErrorKind.CORRUPT, "negative length " + length);
        if (length > limits.maxIntegerBytes()) {
            throw in.refuse(ErrorKind.LIMIT, "integer of " + length + " bytes is over the limit of "
                    + limits.maxIntegerBytes() + " bytes (PickleLimits.maxIntegerBytes)");
        }
        return (int) length;
    }

    private long parseMemoKey(String line) throws TorchFileException {
        Object k = TextArgs.parseInteger(line, in);
        if (!(k instanceof Long l) || l < 0) throw in.refuse(ErrorKind.CORRUPT, "invalid memo key '" + line + "'");
        return l;
    }

    private void memoPut(long key, Object value) throws TorchFileException {
        memo.put(key, value, in);
        if (value instanceof PyReplacing) {
            // get/put, not computeIfAbsent(lambda): no lambda on the read path (see docs/building.md).
            List<Long> keys = replacingKeys.get(value);
            if (keys == null) {
                keys = new ArrayList<>();
                replacingKeys.put(value, keys);
            }
            keys.add(key);
        }
    }

    // ---- globals, calls, state ----

    private Object global(String module, String name, long opAt) throws UnsafePickleException {
        String[] py3 = Py2Names.map(module, name);
        if (policy.isDangerous(module, name)) {
            PyCallable rebuilt = inert.resolve(py3[0], py3[1]);
            if (rebuilt != null) {
                callableNames.put(rebuilt, py3[0] + "." + py3[1]);
                return rebuilt;
            }
            if (!config.allowUnsafeGlobals()) {
                throw new UnsafePickleException(config.file(), config.entry(), opAt, module + "." + name);
            }
            return new PyGlobal(py3[0], py3[1]); // inert: never resolved, never called
        }
        PyCallable c = resolver.resolve(py3[0], py3[1]);
        if (c == null) return new PyGlobal(py3[0], py3[1]);
        callableNames.put(c, py3[0] + "." + py3[1]);
        return c;
    }

    private Object invoke(Object f, PyTuple args, Map<?, ?> kwargs) throws TorchFileException {
        if (f instanceof PyGlobal g) {
            PyObject o = new PyObject(g, args);
            if (kwargs != null) o.kwargs().putAll(kwargs);
            return o;
        }
        if (f instanceof PyCallable c) {
            if (kwargs != null && !kwargs.isEmpty()) {
                throw in.refuse(ErrorKind.UNSUPPORTED, "keyword arguments for " + nameOf(c) + " are not supported");
            }
            Object result;
            try {
                result = c.call(args);
            } catch (TorchFileException e) {
                throw e;
            } catch (UnsupportedOperationException e) {
                throw in.refuse(ErrorKind.UNSUPPORTED, "calling " + nameOf(c) + ": " + reason(e));
            } catch (Exception e) {
                // PyCallable's contract: a callable refuses its arguments with a plain reason, reported here.
                throw in.refuse(ErrorKind.CORRUPT, "calling " + nameOf(c) + " failed: " + reason(e));
            }
            return charge(result);
        }
        if (f instanceof PyObject o) {
            // Calling a placeholder instance (a callable object, or a dangerous global loaded inertly):
            // record the call as another placeholder rather than fail, so such files still load.
            PyObject call = new PyObject(new PyGlobal(o.type().module(), o.type().name() + "()"), args);
            if (kwargs != null) call.kwargs().putAll(kwargs);
            return call;
        }
        throw in.refuse(ErrorKind.CORRUPT, "'" + Values.typeName(f) + "' object is not callable");
    }

    /**
     * Callables like {@code _codecs.encode}, {@code bytes} or {@code list} mint fresh copies of
     * their (possibly memoized) argument, so a few pickle bytes per call could allocate without
     * bound. What they return is charged against a budget proportional to the pickle's own size:
     * real files only convert what they carry, once.
     */
    private Object charge(Object result) throws TorchFileException {
        long n = result instanceof byte[] b ? b.length
                : result instanceof dev.torch4j.python.PyBytes ? 0 // a shared view, nothing copied
                : result instanceof String str ? str.length()
                : result instanceof java.util.Collection<?> col ? col.size()
                : result instanceof Map<?, ?> m ? m.size() : 0;
        minted += n;
        if (minted > mintedLimit) {
            throw in.refuse(ErrorKind.CORRUPT, "callables built " + minted + " bytes or items, more than twice the "
                    + input.size() + "-byte input allows (limit)");
        }
        return result;
    }

    private void build(Object state) throws TorchFileException {
        Object target = peek();
        if (target instanceof PyStateful s) {
            try {
                s.setState(state);
            } catch (RuntimeException e) {
                throw in.refuse(ErrorKind.CORRUPT, "setting the state of " + Values.typeName(target) + " failed: " + reason(e));
            }
            if (s instanceof PyReplacing r) {
                Object replacement = r.replacement();
                if (replacement != target) {
                    stack[sp - 1] = replacement;
                    List<Long> keys = replacingKeys.remove(target);
                    if (keys != null) for (long k : keys) memo.put(k, replacement, in);
                }
            }
        } else if (state != null) {
            throw in.refuse(ErrorKind.CORRUPT, "cannot set state on " + Values.typeName(target));
        }
    }

    private void afterBuild(PickleInput in) throws TorchFileException {
        Object built = peek();
        Object result;
        try {
            result = buildHook.afterBuild(built, new InlineData(in, input, config, policy));
        } catch (TorchFileException e) {
            throw e;
        } catch (Exception e) {
            throw in.refuse(ErrorKind.CORRUPT, "reading the data that follows " + Values.typeName(built) + ": " + reason(e));
        }
        if (result != built) stack[sp - 1] = result;
    }

    private Object persistentLoad(Object pid) throws TorchFileException {
        PersistentLoader loader = config.persistentLoader();
        if (loader == null) throw in.refuse(ErrorKind.CORRUPT, "persistent id " + clip(pid) + " but no persistent loader is configured");
        try {
            return loader.load(pid);
        } catch (TorchFileException e) {
            throw e;
        } catch (Exception e) {
            throw in.refuse(ErrorKind.CORRUPT, "persistent id " + clip(pid) + ": " + reason(e));
        }
    }

    private String nameOf(PyCallable c) {
        String n = callableNames.get(c);
        return n != null ? n : "callable";
    }

    private static String reason(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static String clip(Object o) {
        String s;
        try {
            s = String.valueOf(o);
        } catch (RuntimeException | StackOverflowError e) {
            s = Values.typeName(o);
        }
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private TorchFileException fail(ErrorKind kind, long opAt, int op, String reason, Throwable cause) {
        String what = op < 0 ? "reading the next opcode" : Opcodes.describe(op);
        return new TorchFileException(kind, config.file(), config.entry(), opAt, what + ": " + reason, cause);
    }
}
