package dev.torch4j.scan;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.PickleLimits;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.pickle.PickleFlow;
import dev.torch4j.pickle.PickleFlow.Bytes;
import dev.torch4j.pickle.PickleFlow.Dict;
import dev.torch4j.pickle.PickleFlow.Global;
import dev.torch4j.pickle.PickleFlow.LongText;
import dev.torch4j.pickle.PickleFlow.Str;
import dev.torch4j.pickle.PickleFlow.Sym;
import dev.torch4j.pickle.PickleFlow.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rates the globals of one pickle by what they resolve to and how they are used, following the
 * values {@link PickleFlow} tracks: {@code functools.partial(X)} is as dangerous as calling X,
 * {@code getattr(C, "NAME")} stands for {@code C.NAME}, {@code copyreg._reconstructor(cls, base,
 * state)} instantiates cls and calls base, and a loader handed literal bytes has those bytes
 * scanned as a file of their own (the nesting chain grows by one link).
 */
final class PickleRater implements PickleFlow.Observer {
    /** The result of a call: an instance or value of unknown kind, remembered by what produced it. */
    private record Result(String producer) implements Sym {}

    /** {@code functools.partial(target, ...)}: calling it calls target (BUILD may replace target). */
    private static final class Partial implements Sym {
        Sym target;

        Partial(Sym target) { this.target = target; }
    }

    /** Bytes computed by a safe call ({@code _codecs.encode(latin1_text)}, {@code io.BytesIO(b)}). */
    private record ByteValue(ByteRegion bytes) implements Sym {}

    /** A global and the strongest use made of it. */
    private static final class Site {
        final Global global;
        Use use = Use.REFERENCED;
        /** Handled by a special rule (getattr, partial, loaders...): safe in itself. */
        boolean handled;

        Site(Global global) { this.global = global; }

        void use(Use u) {
            if (u.ordinal() < use.ordinal()) use = u;
        }
    }

    /** Loaders that unpickle or load their first argument. */
    private static final Set<String> LOADERS = Set.of(
            "torch.storage._load_from_bytes", "torch.load", "torch.serialization.load", "torch.jit.load",
            "pickle.loads", "pickle.load", "pickle._loads", "pickle._load", "_pickle.loads", "_pickle.load",
            "numpy.load", "numpy.loads", "numpy.lib.npyio.load", "joblib.load", "joblib.numpy_pickle.load",
            "dill.loads", "dill.load", "cloudpickle.loads", "cloudpickle.load", "pandas.read_pickle",
            "pandas.io.pickle.read_pickle", "torch.serialization._load", "torch.serialization._legacy_load");
    private static final Set<String> PARTIALS = Set.of("functools.partial", "_functools.partial");
    /** Tensor-subclass rebuilders: as safe as the function they call and the class they instantiate. */
    private static final Set<String> TYPE_REBUILDERS = Set.of("torch._tensor._rebuild_from_type_v2");
    private static final Set<String> GETATTRS = Set.of("builtins.getattr");
    private static final Set<String> RECONSTRUCTORS = Set.of("copyreg._reconstructor");
    private static final Set<String> NEWOBJ_HELPERS = Set.of("copyreg.__newobj__", "copyreg.__newobj_ex__");
    private static final Set<String> REBUILD_FROM_TYPE = Set.of("torch._utils._rebuild_from_type_v2", "torch._tensor._rebuild_from_type");
    private static final Set<String> BYTES_MAKERS = Set.of("_codecs.encode", "codecs.encode", "io.BytesIO", "_io.BytesIO",
            "builtins.bytes", "builtins.bytearray");
    /** Bases whose {@code __new__}/{@code __init__} copyreg._reconstructor may call with the pickled state. */
    private static final Set<String> PLAIN_BASES = Set.of("builtins.object", "builtins.dict", "builtins.list",
            "builtins.int", "builtins.float", "builtins.str", "builtins.tuple", "builtins.set", "builtins.frozenset",
            "builtins.bytes", "builtins.complex", "builtins.bool", "collections.OrderedDict");

    private final ScanSession session;
    private final String entry;
    private final List<String> chain;
    private final int depth;
    private final Map<Global, Site> sites = new IdentityHashMap<>();
    private final List<Finding> extra = new ArrayList<>();
    private final Map<Sym, Boolean> payloadsScanned = new IdentityHashMap<>();
    private final boolean operatorList;
    private final boolean joblib;
    private final ScanPolicy policy;
    private String lastStorageClass;

    /**
     * @param operatorList whether string literals are operator names to check (a mobile bytecode.pkl)
     * @param joblib       whether the pickle is read as joblib.load reads it (array bytes after its wrappers)
     */
    PickleRater(ScanSession session, String entry, List<String> chain, int depth, boolean operatorList, boolean joblib) {
        this.session = session;
        this.entry = entry;
        this.chain = chain;
        this.depth = depth;
        this.operatorList = operatorList;
        this.joblib = joblib;
        this.policy = session.policy();
    }

    @Override public void global(Global g) {
        sites.put(g, new Site(g));
        if (g.name().endsWith("Storage")) lastStorageClass = py3(g);
    }

    /** The last storage class the pickle named (a legacy tar's storage records name one each). */
    String lastStorageClass() { return lastStorageClass; }

    @Override public void string(String s, long offset) {
        if (!operatorList) return;
        Finding f = ScriptOps.rateOperatorName(s, entry, offset, chain);
        if (f != null) extra.add(f);
    }

    @Override public Sym call(Sym callee, Sym args, boolean instantiate, long offset, String opcode) {
        Global target = callableTarget(callee);
        if (target == null) {
            danger(describe(callee), Use.CALLED, offset, "calls a value computed inside the pickle ("
                    + opcode + "): what runs cannot be known before it runs");
            return new Result("call at byte " + offset);
        }
        Site site = site(target);
        site.use(instantiate ? Use.INSTANTIATED : Use.CALLED);
        String q = py3(target);
        Sym a0 = arg(args, 0);
        if (!GETATTRS.contains(q)) {
            // Whatever a call is given it may call (a scheduler's lambda, an observer class, a factory).
            hand(args, 0);
            specialKeys(args, offset, q, 0);
        }
        if (PARTIALS.contains(q)) {
            // partial(f, ...) only wraps f: f runs when the partial is called, which is rated then.
            site.handled = true;
            if (callableTarget(a0) == null) markCalled(a0, offset, "functools.partial of");
            return new Partial(a0);
        }
        if (instantiate) return JoblibSplices.isWrapper(target) ? new JoblibSplices.Wrapper(q) : new Result(q);
        if (q.equals("numpy.dtype") && a0 instanceof Str descr) return new JoblibSplices.DType(descr.value());
        if (GETATTRS.contains(q)) {
            site.handled = true;
            return getattr(a0, arg(args, 1), offset);
        }
        if (TYPE_REBUILDERS.contains(q)) {
            // torch._tensor._rebuild_from_type_v2(func, new_type, args, state): calls func(*args), then
            // makes the result an instance of new_type (a Tensor subclass, e.g. fastai's TensorImage).
            site.handled = true;
            markCalled(a0, offset, "torch._tensor._rebuild_from_type_v2 of");
            markInstantiated(arg(args, 1), offset);
            return new Result(q);
        }
        if (RECONSTRUCTORS.contains(q)) {
            site.handled = true;
            markInstantiated(a0, offset);
            Sym base = arg(args, 1);
            Global b = base instanceof Global g ? g : null;
            if (b == null || !PLAIN_BASES.contains(py3(b))) markCalled(base, offset, "copyreg._reconstructor base");
            if (a0 instanceof Global g && JoblibSplices.isWrapper(g)) return new JoblibSplices.Wrapper(py3(g));
            return new Result(a0 instanceof Global g ? py3(g) : q);
        }
        if (NEWOBJ_HELPERS.contains(q)) {
            site.handled = true;
            markInstantiated(a0, offset);
            if (a0 instanceof Global g && JoblibSplices.isWrapper(g)) return new JoblibSplices.Wrapper(py3(g));
            return new Result(q);
        }
        if (REBUILD_FROM_TYPE.contains(q)) {
            site.handled = true;
            markCalled(a0, offset, q + " calls");
            markInstantiated(arg(args, 1), offset);
            return new Result(q);
        }
        if (q.equals("torch._utils._rebuild_wrapper_subclass") || q.endsWith("multiarray._reconstruct")) markInstantiated(a0, offset);
        if (q.equals("numpy.ma.core._mareconstruct")) {
            markInstantiated(a0, offset);
            markInstantiated(arg(args, 1), offset);
        }
        if (q.equals("numpy.random._pickle.__randomstate_ctor") || q.equals("numpy.random._pickle.__generator_ctor")) {
            // (bit_generator_name, bit_generator_ctor): the constructor calls the second with the first.
            Sym ctor = arg(args, 1);
            if (ctor != null) markCalled(ctor, offset, q + " calls");
        }
        if (LOADERS.contains(q)) {
            site.handled = true;
            site.use(Use.LOADS);
            loadNested(q, a0, target, offset);
            return new Result(q);
        }
        if (BYTES_MAKERS.contains(q)) {
            ByteRegion b = bytesOf(q.endsWith("encode") ? args : a0, q.endsWith("encode"));
            if (b != null) return new ByteValue(b);
        }
        return new Result(q);
    }

    /** Legacy torch.save stores a module's class as the persistent id ('module', cls, file, source); loading returns cls. */
    @Override public Sym persistent(Sym pid, long offset) {
        if (pid instanceof Tuple t && t.item(0) instanceof Str s && s.value().equals("module") && t.item(1) instanceof Global g) return g;
        return PickleFlow.OPAQUE;
    }

    @Override public void build(Sym target, Sym state, long offset) {
        if (target instanceof JoblibSplices.DType d) d.state = state;
        else if (target instanceof JoblibSplices.Wrapper w) w.build(state);
        plainBuild(target, state, offset);
    }

    /**
     * Special attributes a BUILD state (or a state dict given to a rebuilder, which sets it attribute by
     * attribute) must not set: {@code __class__} changes the object's type, {@code __setstate__} is looked
     * up on the instance by the next BUILD, {@code __dict__} replaces every attribute at once.
     */
    private static final Set<String> SPECIAL_KEYS = Set.of("__class__", "__setstate__", "__dict__", "__reduce__",
            "__reduce_ex__", "__getstate__", "__getattr__", "__getattribute__", "__setattr__", "__del__",
            "__init__", "__new__", "__call__", "__init_subclass__", "__set_name__");

    /** Dangerous when a dict inside {@code v} (two levels deep) has a special key. */
    private void specialKeys(Sym v, long offset, String where, int level) {
        if (v instanceof Dict d) {
            if (!d.complete()) return;
            for (String k : d.items().keySet()) {
                if (SPECIAL_KEYS.contains(k)) {
                    danger(where, Use.ATTRIBUTE, offset, "state that sets the special attribute " + k
                            + (k.equals("__class__") ? " (swaps the object's class for one the pickle chose)"
                            : ": what the object does next is decided by the pickle"));
                }
            }
        } else if (v instanceof Tuple t && level < 2) {
            for (Sym item : t.items()) specialKeys(item, offset, where, level + 1);
        }
    }

    /** Globals inside {@code v} (a tuple of arguments, two levels deep, and dict values) are handed to a callable. */
    private void hand(Sym v, int level) {
        if (v instanceof Global g) site(g).use(Use.HANDED);
        else if (v instanceof Tuple t && level < 3) for (Sym item : t.items()) hand(item, level + 1);
        else if (v instanceof Dict d && level < 3) for (Sym item : d.items().values()) hand(item, level + 1);
        else if (v instanceof Partial p && p.target instanceof Global g) site(g).use(Use.HANDED);
    }

    /**
     * Bytes in the BUILD state of a class that is not vetted are what its __setstate__ gets: a data-pipe
     * wrapper hands them to pickle.loads or dill.loads. Bytes that look like a pickle are scanned as one
     * (findings kept; if they do not parse, no loader could run them either).
     */
    private void stateBytes(Sym v, long offset, int level) {
        if (v instanceof Bytes b) {
            ByteRegion r = b.region();
            if (r.size() >= 3 && (r.get(0) & 0xff) == 0x80 && (r.get(1) & 0xff) <= 5 && r.get(r.size() - 1) == '.') {
                if (payloadsScanned.put(v, Boolean.TRUE) != null) return;
                List<String> inner = new ArrayList<>(chain);
                inner.add("bytes in a BUILD state at byte " + offset);
                session.scanEmbedded(r, inner, depth + 1, entry, offset);
            }
        } else if (v instanceof Tuple t && level < 3) {
            for (Sym item : t.items()) stateBytes(item, offset, level + 1);
        } else if (v instanceof Dict d && level < 3) {
            for (Sym item : d.items().values()) stateBytes(item, offset, level + 1);
        }
    }

    /**
     * After BUILD on joblib's wrapper, joblib.load reads the array: its bytes are skipped, or its
     * nested pickle (an object array) walked as a plain pickle.load reads it. Unknown layout: unreadable.
     */
    @Override public PickleFlow.Splice afterBuild(Sym built, ByteRegion input, long position) throws TorchFileException {
        if (!joblib || !(built instanceof JoblibSplices.Wrapper w)) return null;
        JoblibSplices.Layout layout;
        try {
            layout = JoblibSplices.layout(w);
        } catch (JoblibSplices.Unresolved e) {
            throw new TorchFileException(session.file(), entry, position, "joblib reads an array after the "
                    + w.type + " built before this byte, but " + e.getMessage() + ": where the pickle resumes is unknown");
        }
        if (layout.objects()) return new PickleFlow.Splice(objectArray(input, position), PickleFlow.OPAQUE, false);
        long start = position;
        boolean plainDiffers = true;
        if (layout.aligned()) {
            if (position >= input.size()) throw new TorchFileException(ErrorKind.TRUNCATED, session.file(), entry, position, "joblib array padding byte missing (truncated file)");
            int padding = input.get(position) & 0xff;
            start = position + 1 + padding;
            // joblib writes 1 to 16: such a byte is no opcode, so a plain pickle.load stops there.
            plainDiffers = padding > dev.torch4j.numpy.JoblibLayout.ALIGNMENT;
        }
        if (layout.dataBytes() > input.size() - start) {
            throw new TorchFileException(ErrorKind.TRUNCATED, session.file(), entry, position, "joblib array of " + layout.dataBytes()
                    + " bytes runs past the end of the pickle");
        }
        return new PickleFlow.Splice(start + layout.dataBytes(), PickleFlow.OPAQUE, plainDiffers);
    }

    /** joblib pickles an object array with pickle.dump: a plain pickle of its own, rated in a chain link of its own. */
    private long objectArray(ByteRegion input, long position) throws TorchFileException {
        List<String> inner = new ArrayList<>(chain);
        inner.add("joblib object array at byte " + position);
        PickleRater nested = new PickleRater(session, entry, inner, depth, false, false);
        try {
            return new PickleFlow(session.file(), entry, PickleLimits.DEFAULT).walk(input, position, nested);
        } finally {
            session.findings().addAll(nested.findings());
        }
    }

    @Override public void plainBuild(Sym target, Sym state, long offset) {
        if (!(target instanceof Partial)) {
            specialKeys(state, offset, describe(target), 0);
            hand(state, 1);
            if (!(target instanceof Result r && Allowlist.vetted(r.producer())) && !(target instanceof JoblibSplices.Wrapper)
                    && !(target instanceof JoblibSplices.DType)) {
                stateBytes(state, offset, 0);
            }
        }
        if (target instanceof Global g) {
            site(g).use(Use.ATTRIBUTE);
            danger(py3(g), Use.ATTRIBUTE, offset, "BUILD on a class or module itself sets its attributes "
                    + "(replacing functions that later code calls)");
        } else if (target instanceof Partial p) {
            // partial.__setstate__ replaces the function: (func, args, kwds, dict); all of it is handed to func.
            Sym func = state instanceof Tuple t ? t.item(0) : null;
            if (callableTarget(func) == null) markCalled(func, offset, "functools.partial (set by BUILD) of");
            hand(state, 0);
            specialKeys(state, offset, "functools.partial", 0);
            p.target = func;
        }
    }

    /** Findings in order of offset: each global rated by its strongest use, then the other findings. */
    List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        for (Site s : sites.values()) {
            if (s.handled && s.use != Use.REFERENCED && s.use != Use.ATTRIBUTE) continue;
            Finding f = Rating.rate(s.global, s.use, entry, chain, policy);
            if (f != null) out.add(f);
        }
        out.addAll(extra);
        out.sort(Comparator.comparingLong(Finding::offset));
        return out;
    }

    private Sym getattr(Sym base, Sym name, long offset) {
        if (!(name instanceof Str n)) {
            danger("builtins.getattr", Use.CALLED, offset, "getattr with a name computed inside the pickle");
            return new Result("getattr");
        }
        if (n.value().startsWith("_")) {
            danger("builtins.getattr", Use.CALLED, offset, "getattr of the private or special attribute '"
                    + n.value() + "' (reaches functions, modules or globals of the object)");
            return new Result("getattr");
        }
        if (base instanceof Global g) {
            site(g).use(Use.ATTRIBUTE);
            Global attr = new Global(g.module(), g.name() + "." + n.value(), offset, "getattr");
            sites.put(attr, new Site(attr));
            return attr;
        }
        // An attribute of an object: looking it up runs its class's code (a property, __getattr__).
        extra.add(new Finding("builtins.getattr", Use.ATTRIBUTE, Severity.UNKNOWN, entry, offset, chain,
                "getattr of '" + n.value() + "' on " + describe(base) + ": the lookup runs that object's class code (a property, __getattr__)"));
        return new Result("attribute " + n.value() + " of " + describe(base));
    }

    private void loadNested(String loader, Sym arg, Global site, long offset) {
        ByteRegion payload = bytesOf(arg, false);
        if (payload == null) {
            danger(loader, Use.LOADS, site.offset(), "loads a payload that is not literal bytes in the pickle: "
                    + "its content cannot be scanned");
            return;
        }
        if (payloadsScanned.put(arg, Boolean.TRUE) != null) return; // the same memoized payload, already scanned
        List<String> inner = new ArrayList<>(chain);
        inner.add(loader + " payload at byte " + offset);
        session.scanNested(payload, inner, depth + 1, entry, offset);
    }

    /** The bytes a value stands for, when literal; {@code encodeArgs}: the (text, encoding) of _codecs.encode. */
    private ByteRegion bytesOf(Sym v, boolean encodeArgs) {
        if (encodeArgs) {
            Sym text = arg(v, 0);
            Sym enc = arg(v, 1);
            String e = enc instanceof Str s ? s.value().toLowerCase(java.util.Locale.ROOT).replace('_', '-') : "utf-8";
            boolean latin1 = e.equals("latin1") || e.equals("latin-1") || e.equals("iso-8859-1") || e.equals("iso8859-1");
            if (text instanceof Str s) {
                return session.materialize(latin1 ? s.value().getBytes(StandardCharsets.ISO_8859_1) : s.value().getBytes(StandardCharsets.UTF_8));
            }
            if (text instanceof LongText t && latin1) {
                session.chargeMaterialized(t.length());
                byte[] b = t.latin1();
                return b == null ? null : new HeapRegion(b);
            }
            return null;
        }
        if (v instanceof Bytes b) return b.region();
        if (v instanceof ByteValue b) return b.bytes();
        return null;
    }

    private void markCalled(Sym v, long offset, String how) {
        Global g = callableTarget(v);
        if (g == null) {
            danger(describe(v), Use.CALLED, offset, how + " a value computed inside the pickle");
            return;
        }
        String q = py3(g);
        if (PARTIALS.contains(q) || GETATTRS.contains(q) || LOADERS.contains(q) || RECONSTRUCTORS.contains(q)
                || REBUILD_FROM_TYPE.contains(q) || NEWOBJ_HELPERS.contains(q)) {
            danger(q, Use.CALLED, offset, how + " " + q + ": its arguments are supplied later and cannot be checked");
            return;
        }
        site(g).use(Use.CALLED);
    }

    private void markInstantiated(Sym v, long offset) {
        if (v instanceof Global g) site(g).use(Use.INSTANTIATED);
        else if (v != null) danger(describe(v), Use.INSTANTIATED, offset, "instantiates a class computed inside the pickle");
    }

    /** What calling {@code v} runs: a global, through partials; null when computed. */
    private static Global callableTarget(Sym v) {
        for (int hops = 0; hops < 64 && v != null; hops++) {
            if (v instanceof Global g) return g;
            if (v instanceof Partial p) v = p.target;
            else return null;
        }
        return null;
    }

    private Site site(Global g) {
        return sites.computeIfAbsent(g, Site::new);
    }

    private void danger(String global, Use use, long offset, String reason) {
        extra.add(new Finding(global, use, Severity.DANGEROUS, entry, offset, chain, reason));
    }

    private static Sym arg(Sym args, int i) {
        return args instanceof Tuple t ? t.item(i) : null;
    }

    static String py3(Global g) {
        String[] n = PickleFlow.py3Name(g.module(), g.name());
        return n[0] + "." + n[1];
    }

    private static String describe(Sym v) {
        if (v instanceof Result r) return "result of " + r.producer();
        if (v instanceof Global g) return py3(g);
        if (v instanceof Str s) return "string '" + s.value() + "'";
        return "computed value";
    }
}
