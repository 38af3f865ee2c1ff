package dev.torch4j.pickle;

/** What {@link GlobalResolver#orElse} returns: {@code first}, then {@code next} for what the first does not know. */
final class ResolverChain implements GlobalResolver {
    private final GlobalResolver first;
    private final GlobalResolver next;

    ResolverChain(GlobalResolver first, GlobalResolver next) {
        this.first = first;
        this.next = next;
    }

    @Override public PyCallable resolve(String module, String name) {
        PyCallable c = first.resolve(module, name);
        return c != null ? c : next.resolve(module, name);
    }
}
