package dev.torch4j.pickle;

import dev.torch4j.UnsafePickleException;
import dev.torch4j.python.PyGlobal;
import dev.torch4j.python.PyObject;
import dev.torch4j.python.PyTuple;

/**
 * {@code functools.partial} and {@code builtins.getattr}, rebuilt without running anything. Both are
 * on the denylist because a real unpickler would call what they name; here nothing is called, so a
 * partial becomes a placeholder recording its callable and arguments, and {@code getattr(Class, "NAME")}
 * (how Python 3.11+ pickles every enum member) an inert reference {@code module.Class.NAME}. What
 * they would reach is still checked: a getattr that names a denied global is refused like the
 * global itself (a denied partial target was already refused when its GLOBAL opcode was read).
 */
final class InertCallables {
    private final SafetyPolicy policy;
    private final GlobalResolver resolver;
    private final boolean allowUnsafe;
    /** Names what it resolved (for getattr on a callable) and refuses denied globals at the current opcode. */
    private final PickleMachine machine;

    InertCallables(SafetyPolicy policy, GlobalResolver resolver, boolean allowUnsafe, PickleMachine machine) {
        this.policy = policy;
        this.resolver = resolver;
        this.allowUnsafe = allowUnsafe;
        this.machine = machine;
    }

    /** The inert implementation of {@code module.name} (Python 3 spelling), or null. */
    PyCallable resolve(String module, String name) {
        return switch (module + "." + name) {
            case "functools.partial", "_functools.partial" -> new Partial();
            case "builtins.getattr" -> new Getattr(this);
            default -> null;
        };
    }

    /**
     * {@code functools.partial}: see {@link #partial}. A class, not a method reference: a short command's first
     * lambda or method reference initialises java.lang.invoke (several ms of a 0.2 s inspect); see
     * docs/building.md. A new one per global, as with the method references: the machine names callables by
     * identity in its messages.
     */
    private static final class Partial implements PyCallable {
        @Override public Object call(PyTuple args) { return partial(args); }
        @Override public String toString() { return "functools.partial"; }
    }

    /** {@code builtins.getattr}: see {@link #getattr} (a class, as {@link Partial} says why). */
    private static final class Getattr implements PyCallable {
        private final InertCallables inert;

        Getattr(InertCallables inert) {
            this.inert = inert;
        }

        @Override public Object call(PyTuple args) throws UnsafePickleException { return inert.getattr(args); }
        @Override public String toString() { return "builtins.getattr"; }
    }

    /** partial(func, *args): a placeholder; its BUILD state {@code (func, args, kwds, dict)} is recorded too. */
    private static Object partial(PyTuple args) {
        if (args.isEmpty()) throw new IllegalArgumentException("partial expects a callable");
        return new PyObject(new PyGlobal("functools", "partial"), args);
    }

    private Object getattr(PyTuple args) throws UnsafePickleException {
        if (args.size() < 2 || args.size() > 3 || !(args.get(1) instanceof String attr)) {
            throw new IllegalArgumentException("getattr expects (object, name[, default]) with a str name");
        }
        Object target = args.get(0);
        String owner = target instanceof PyGlobal g ? g.qualifiedName() : machine.resolvedName(target);
        if (owner == null) {
            // An attribute of a value (an instance placeholder, a dict...): recorded, never looked up.
            return new PyObject(new PyGlobal("builtins", "getattr"), args);
        }
        int dot = owner.lastIndexOf('.');
        String module = dot < 0 ? owner : owner.substring(0, dot);
        String name = dot < 0 ? attr : owner.substring(dot + 1) + "." + attr;
        // Reached either as Class.attr inside module, or as attr of the submodule module.name.
        if (policy.isDangerous(module, name) || policy.isDangerous(owner, attr)) {
            if (!allowUnsafe) throw machine.unsafeGlobal(owner + "." + attr);
            return new PyGlobal(module, name);
        }
        PyCallable known = resolver.resolve(owner, attr);
        if (known == null) known = resolver.resolve(module, name);
        return known != null ? known : new PyGlobal(module, name);
    }
}
