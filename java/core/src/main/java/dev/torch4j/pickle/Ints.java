package dev.torch4j.pickle;

import java.math.BigInteger;

/** Python ints as Java values: Long when it fits, else BigInteger. */
final class Ints {
    private Ints() {}

    static Object narrow(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** LONG1/LONG4's payload: little-endian two's complement. */
    static Object fromLittleEndian(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        return narrow(new BigInteger(be));
    }
}
