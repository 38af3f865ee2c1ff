package dev.torch4j.python;

/** A reference to a Python global ({@code module.name}) that torch4j does not run: a class or function name. */
public record PyGlobal(String module, String name) {
    public String qualifiedName() { return module + "." + name; }
    @Override public String toString() { return qualifiedName(); }
}
