package dev.torch4j.pickle;

import static dev.torch4j.pickle.Opcodes.*;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * Emits pickle opcodes, choosing the same encodings CPython's pickler chooses at protocol 2
 * (so a PyTorch unpickler sees nothing unusual). Only opcodes PyTorch's weights_only unpickler
 * reads are produced (BINFLOAT needs PyTorch 2.x there; LONG4 only for integers over 255 bytes).
 */
public final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);

    public void op(int opcode) { out.write(opcode); }

    public void proto(int version) { out.write(PROTO); out.write(version); }

    public void putMemo(int index) {
        if (index < 256) { out.write(BINPUT); out.write(index); }
        else { out.write(LONG_BINPUT); int32(index); }
    }

    public void getMemo(int index) {
        if (index < 256) { out.write(BINGET); out.write(index); }
        else { out.write(LONG_BINGET); int32(index); }
    }

    /** CPython's save_long: BININT1/BININT2 for small non-negative, BININT for int32, else LONG1/LONG4. */
    public void integer(long v) {
        if (v >= 0 && v <= 0xff) { out.write(BININT1); out.write((int) v); }
        else if (v >= 0 && v <= 0xffff) { out.write(BININT2); out.write((int) v); out.write((int) (v >>> 8)); }
        else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) { out.write(BININT); int32((int) v); }
        else longBytes(BigInteger.valueOf(v));
    }

    public void integer(BigInteger v) {
        if (v.bitLength() < 64) integer(v.longValueExact());
        else longBytes(v);
    }

    /** LONG1/LONG4: minimal two's complement, little-endian (what CPython's encode_long yields). */
    private void longBytes(BigInteger v) {
        byte[] be = v.toByteArray();
        if (be.length < 256) { out.write(LONG1); out.write(be.length); }
        else { out.write(LONG4); int32(be.length); }
        for (int i = be.length - 1; i >= 0; i--) out.write(be[i]);
    }

    public void binfloat(double d) {
        out.write(BINFLOAT);
        long bits = Double.doubleToRawLongBits(d);
        for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (bits >>> shift));
    }

    public void unicode(String s) {
        byte[] utf8 = Utf8.encode(s);
        out.write(BINUNICODE);
        int32(utf8.length);
        out.write(utf8, 0, utf8.length);
    }

    public void global(String module, String name) {
        out.write(GLOBAL);
        byte[] m = Utf8.encode(module);
        out.write(m, 0, m.length);
        out.write('\n');
        byte[] n = Utf8.encode(name);
        out.write(n, 0, n.length);
        out.write('\n');
    }

    private void int32(int v) {
        out.write(v); out.write(v >>> 8); out.write(v >>> 16); out.write(v >>> 24);
    }

    public byte[] toByteArray() { return out.toByteArray(); }
}
