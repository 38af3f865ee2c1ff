package dev.torch4j.python;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dict subclass instance torch4j knows ({@code collections.OrderedDict}, {@code defaultdict},
 * {@code Counter}): its items in file order, plus the instance attributes a BUILD gave it, such as
 * the {@code _metadata} PyTorch attaches to every state_dict.
 */
public final class PyDict extends LinkedHashMap<Object, Object> implements PyStateful {
    @java.io.Serial private static final long serialVersionUID = 1L;
    private final String type;
    // Created on first use: PyTorch pickles an empty OrderedDict of backward hooks per tensor, and
    // almost none of them ever get attributes.
    private Map<Object, Object> attributes;
    private Object defaultFactory;

    public PyDict(String type) {
        this.type = type;
    }

    /** The Python class, e.g. {@code collections.OrderedDict}. */
    public String type() { return type; }

    /** Instance attributes ({@code __dict__}), e.g. {@code _metadata}; empty when the pickle set none. */
    public Map<Object, Object> attributes() {
        if (attributes == null) attributes = new LinkedHashMap<>();
        return attributes;
    }

    /** A {@code defaultdict}'s default factory (a {@link PyGlobal} or callable), else null. */
    public Object defaultFactory() { return defaultFactory; }

    public void setDefaultFactory(Object factory) { this.defaultFactory = factory; }

    @Override public void setState(Object state) {
        if (state == null) return;
        if (state instanceof Map<?, ?> m) {
            attributes().putAll(m);
        } else if (state instanceof PyTuple t && t.size() == 2
                && (t.get(0) == null || t.get(0) instanceof Map) && (t.get(1) == null || t.get(1) instanceof Map)) {
            if (t.get(0) instanceof Map<?, ?> d) attributes().putAll(d);
            if (t.get(1) instanceof Map<?, ?> s) attributes().putAll(s);
        } else {
            // Values know nothing of the pickle machine (no import back); its message names the object.
            throw new IllegalArgumentException(type + " state must be a dict or a (dict, dict) tuple");
        }
    }
}
