package dev.torch4j.numpy;

import java.nio.ByteOrder;

/**
 * numpy's fixed-width text types: {@code S}/{@code a} (bytes, one byte per character) and {@code U}
 * (UCS-4, four bytes per character in the array's byte order), each element padded with NULs.
 * torch has no such dtype, so these arrays are read as values (strings), not tensors.
 */
public record TextType(boolean unicode, int chars, ByteOrder order) {
    /** Bytes per element. */
    public int itemSize() { return unicode ? Math.multiplyExact(chars, 4) : chars; }

    /** The type string as numpy writes it ({@code <U3}, {@code |S5}). */
    public String descr() {
        return unicode ? (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + "U" + chars : "|S" + chars;
    }

    /**
     * The text type a descr names, or null when it is not one. {@code |S0}/{@code <U0} are legal in
     * numpy (empty strings): a zero item size.
     */
    static TextType parse(String descr) {
        if (descr.length() < 2) return null;
        char o = descr.charAt(0);
        int at = "<>|=".indexOf(o) >= 0 ? 1 : 0;
        if (descr.length() < at + 2) return null;
        char kind = descr.charAt(at);
        if (kind != 'S' && kind != 'a' && kind != 'U') return null;
        int chars;
        try {
            chars = Integer.parseInt(descr.substring(at + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (chars < 0 || chars > (1 << 24)) return null;
        ByteOrder order = o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return new TextType(kind == 'U', chars, order);
    }
}
