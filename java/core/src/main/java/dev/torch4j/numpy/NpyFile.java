package dev.torch4j.numpy;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.HeapRegion;
import dev.torch4j.tensor.DType;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;
import dev.torch4j.io.AtomicFile;
import dev.torch4j.io.ByteRegion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * numpy's {@code .npy} format (versions 1.0, 2.0 and 3.0), read into and written from torch4j tensors.
 *
 * <p>Reading accepts the dtypes {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} in either byte order and C
 * or Fortran order: the bytes are read once into a heap storage and the tensor's strides and byte
 * order describe them as they are (no conversion until the elements are read). Every length in the
 * header is checked against the file; errors name the file and the byte offset.
 *
 * <p>Writing produces what {@code numpy.save} writes for a C-contiguous little-endian array
 * (version 1.0, or 2.0 when the header needs it), atomically: a temporary file renamed into place.
 */
public final class NpyFile {
    private NpyFile() {}

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers larger than this are refused (numpy itself stops at 10,000 bytes unless told otherwise). */
    static final int MAX_HEADER = 1 << 20;
    /** numpy pads the preamble plus header to a multiple of this, so the data is aligned. */
    static final int ALIGN = 64;
    /** Heap storages are byte arrays. */
    static final long MAX_DATA = Integer.MAX_VALUE - 8;

    /**
     * What a {@code .npy} header says; {@code dataOffset} is where the elements start. {@code dtype} is
     * null for an object array (its data is a pickle; see {@link #isObjectArray()}).
     */
    public record Header(DType dtype, ByteOrder order, boolean fortranOrder, long[] shape, long dataOffset, int version,
                         TextType text) {
        Header(DType dtype, ByteOrder order, boolean fortranOrder, long[] shape, long dataOffset, int version) {
            this(dtype, order, fortranOrder, shape, dataOffset, version, null);
        }

        public boolean isObjectArray() { return dtype == null && text == null; }

        /** A string array ({@code S}, {@code U}): its elements are values, not a tensor. */
        public boolean isTextArray() { return text != null; }

        public long numel() {
            long n = 1;
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }

        public long dataBytes() {
            return Math.multiplyExact(numel(), text != null ? text.itemSize() : dtype.itemSize());
        }

        @Override public String toString() {
            return "npy v" + version + " " + (text != null ? text.descr() : dtype == null ? "object" : dtype.pythonName()) + (order == ByteOrder.BIG_ENDIAN ? " big-endian" : "")
                    + " " + Arrays.toString(shape) + (fortranOrder ? " fortran-order" : "");
        }
    }

    /** Reads a {@code .npy} file into a tensor over a heap copy of its bytes. */
    public static Tensor read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header h = readHeader(ch, size, file.toString());
            if (h.isObjectArray() || h.isTextArray()) {
                throw new TorchFileException(ErrorKind.UNSUPPORTED, file.toString(), null, h.dataOffset(), (h.isTextArray() ? "a "
                        + h.text().descr() + " string array" : "an object array (pickled Python objects)")
                        + " has no tensor; Torch.open reads its values");
            }
            long bytes = h.dataBytes();
            long available = size - h.dataOffset();
            if (available < bytes) {
                throw new TorchFileException(file.toString(), null, h.dataOffset(), "data holds " + available
                        + " bytes, the header's " + h + " needs " + bytes);
            }
            if (available > bytes) {
                throw new TorchFileException(file.toString(), null, h.dataOffset() + bytes, (available - bytes)
                        + " bytes after the " + bytes + " bytes of data the header describes");
            }
            if (bytes > MAX_DATA) {
                throw new TorchFileException(ErrorKind.LIMIT, file.toString(), null, h.dataOffset(), "array of " + bytes
                        + " bytes is larger than a heap storage (2 GiB)");
            }
            byte[] data = new byte[(int) bytes];
            ByteBuffer b = ByteBuffer.wrap(data);
            long pos = h.dataOffset();
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) throw new TorchFileException(ErrorKind.TRUNCATED, file.toString(), null, pos, "file ended early");
                pos += n;
            }
            return tensor(h, data, ArrayViews.KEY_PREFIX + ":" + file.getFileName());
        }
    }

    /** The tensor a header describes over {@code data} (exactly {@code h.dataBytes()} bytes). */
    static Tensor tensor(Header h, byte[] data, String key) {
        long[] shape = h.shape();
        long[] stride = h.fortranOrder() ? fortranStrides(shape) : Tensor.contiguousStrides(shape);
        Storage storage = Storage.ofBytes(key, h.dtype(), new HeapRegion(data), h.order());
        return new Tensor(h.dtype(), shape, stride, 0, storage);
    }

    static long[] fortranStrides(long[] shape) {
        long[] s = new long[shape.length];
        long step = 1;
        for (int i = 0; i < shape.length; i++) {
            s[i] = step;
            step *= Math.max(1, shape[i]);
        }
        return s;
    }

    /** Reads and checks the preamble and header of a {@code .npy} file of {@code size} bytes. */
    public static Header readHeader(FileChannel ch, long size, String file) throws IOException {
        return readHeader((pos, dst) -> readFully(ch, ByteBuffer.wrap(dst), pos, file), size, file, null);
    }

    /**
     * Reads and checks the preamble and header of the {@code .npy} bytes in {@code region} (a file, an
     * {@code .npz} entry); {@code entry} names the zip entry in messages, or is null.
     */
    public static Header readHeader(ByteRegion region, String file, String entry) throws TorchFileException {
        try {
            return readHeader((pos, dst) -> region.copyTo(pos, dst, 0, dst.length), region.size(), file, entry);
        } catch (TorchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TorchFileException(file, entry, -1, e.getMessage(), e);
        }
    }

    /** Random access to the bytes a header is read from. */
    private interface Source {
        void read(long pos, byte[] dst) throws IOException;
    }

    private static Header readHeader(Source src, long size, String file, String entry) throws IOException {
        if (size < 10) throw new TorchFileException(ErrorKind.TRUNCATED, file, entry, 0, "not a .npy file: " + size + " bytes, shorter than the preamble");
        byte[] preBytes = new byte[(int) Math.min(12, size)];
        src.read(0, preBytes);
        ByteBuffer pre = ByteBuffer.wrap(preBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, i, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = pre.get(6) & 0xFF;
        int minor = pre.get(7) & 0xFF;
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = pre.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (size < 12) throw new TorchFileException(ErrorKind.TRUNCATED, file, entry, 8, "file ends inside the v" + major + " header length");
            headerLen = pre.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, 6, "unsupported .npy version " + major + "." + minor + " (1.0, 2.0 and 3.0 are read)");
        }
        if (minor != 0) throw new TorchFileException(ErrorKind.UNSUPPORTED, file, entry, 7, "unsupported .npy version " + major + "." + minor);
        if (headerLen > MAX_HEADER) {
            throw new TorchFileException(ErrorKind.LIMIT, file, entry, 8, "header length " + headerLen + " exceeds the " + MAX_HEADER + "-byte limit");
        }
        if (headerStart + headerLen > size) {
            throw new TorchFileException(ErrorKind.TRUNCATED, file, entry, 8, "header of " + headerLen + " bytes runs past the end of the "
                    + size + "-byte file");
        }
        byte[] hb = new byte[(int) headerLen];
        src.read(headerStart, hb);
        String text = major == 3 ? new String(hb, StandardCharsets.UTF_8) : new String(hb, StandardCharsets.ISO_8859_1);
        String where = entry == null ? file : file + " [entry " + entry + "]";
        HeaderParser.Fields f = new HeaderParser(text, where, headerStart).parse();
        for (long dim : f.shape()) {
            if (dim < 0) throw new TorchFileException(file, entry, headerStart, "negative dimension in shape " + Arrays.toString(f.shape()));
        }
        if (isObjectDescr(f.descr())) {
            // Object arrays hold a pickle after the header: no element type, no byte count.
            return new Header(null, ByteOrder.LITTLE_ENDIAN, f.fortranOrder(), f.shape(), headerStart + headerLen, major);
        }
        TextType textType = TextType.parse(f.descr());
        Header h;
        if (textType != null) {
            h = new Header(null, textType.order(), f.fortranOrder(), f.shape(), headerStart + headerLen, major, textType);
        } else {
            DescrType d = DescrType.parse(f.descr(), where, headerStart);
            h = new Header(d.dtype(), d.order(), f.fortranOrder(), f.shape(), headerStart + headerLen, major);
        }
        try {
            h.dataBytes();
        } catch (ArithmeticException e) {
            throw new TorchFileException(file, entry, headerStart, "shape " + Arrays.toString(f.shape()) + " overflows");
        }
        return h;
    }

    /** numpy writes {@code |O} for object arrays ({@code allow_pickle}): their data is a pickle. */
    static boolean isObjectDescr(String descr) {
        return descr.equals("|O") || descr.equals("|O8") || descr.equals("O") || descr.equals("<O") || descr.equals(">O");
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, String file) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new TorchFileException(ErrorKind.TRUNCATED, file, null, pos, "file ended early");
            pos += n;
        }
    }

    /**
     * Writes {@code t} as a C-order little-endian {@code .npy} file, replacing {@code file} atomically.
     * Supported dtypes: float16/32/64, int8/16/32/64, uint8/16/32/64, bool.
     */
    public static void write(Path file, Tensor t) throws IOException {
        write(file, t, true);
    }

    /** As {@link #write(Path, Tensor)}; with {@code overwrite} false an existing file is an error. */
    public static void write(Path file, Tensor t, boolean overwrite) throws IOException {
        byte[] preamble = preamble(t.dtype(), t.shape());
        AtomicFile.write(file, overwrite, ch -> {
            ByteBuffer p = ByteBuffer.wrap(preamble);
            while (p.hasRemaining()) ch.write(p);
            OutputStream out = Channels.newOutputStream(ch);
            t.writeTo(out); // row-major, little-endian: exactly the C-order data
            out.flush();
        });
    }

    /** Magic, version, header length and the header dict, padded with spaces to a multiple of 64 and ended by a newline. */
    static byte[] preamble(DType dtype, long[] shape) {
        String descr = DescrType.descr(dtype);
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dims.append(", ");
            dims.append(shape[i]);
        }
        if (shape.length == 1) dims.append(',');
        dims.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int version = 10 + dict.length() + 1 > 65535 ? 2 : 1;
        int fixed = version == 1 ? 10 : 12;
        int total = fixed + dict.length() + 1;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        int headerLen = padded - fixed;
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) b.putShort((short) headerLen);
        else b.putInt(headerLen);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < padded - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }
}
