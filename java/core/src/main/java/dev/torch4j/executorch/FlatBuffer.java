package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;

import java.nio.charset.StandardCharsets;

/**
 * Reads the FlatBuffers binary format (little-endian) straight from a byte region, checking every
 * offset before it is followed: a table's vtable, a field, a vector's length times its element
 * size, a string's bytes must all lie inside the buffer. Tables are addressed by their position;
 * fields by their id (declaration order in the schema; a union takes two ids, type then value).
 */
final class FlatBuffer {
    /** Vectors longer than this are refused before anything is allocated for them. */
    static final long MAX_VECTOR = 1L << 28;

    private final ByteRegion bytes;
    private final long size;

    FlatBuffer(ByteRegion bytes) {
        this.bytes = bytes;
        this.size = bytes.size();
    }

    long size() { return size; }

    ByteRegion region() { return bytes; }

    /** The root table: the uoffset at byte 0. */
    Table root() {
        return table(deref(0, "root offset"));
    }

    /** A vector of no elements, for absent vector fields (flatbuffers' default). */
    Vector emptyVector(int elementSize) {
        return new Vector(0, 0, elementSize);
    }

    /** The 4 file-identifier bytes after the root offset, as text. */
    String identifier() {
        check(4, 4, "file identifier");
        byte[] b = new byte[4];
        bytes.copyTo(4, b, 0, 4);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    Table table(long pos) {
        check(pos, 4, "table");
        long vtable = pos - i32(pos);
        check(vtable, 4, "vtable of the table at " + pos);
        int vtableSize = u16(vtable);
        if (vtableSize < 4 || (vtableSize & 1) != 0) throw new FlatBufferException(vtable, "vtable size " + vtableSize);
        check(vtable, vtableSize, "vtable of the table at " + pos);
        int inlineSize = u16(vtable + 2);
        check(pos, Math.max(4, inlineSize), "table inline data");
        return new Table(pos, vtable, vtableSize, inlineSize);
    }

    /** A uoffset stored at {@code at}: the position it points to, checked to be inside. */
    long deref(long at, String what) {
        check(at, 4, what);
        long target = at + (i32(at) & 0xFFFFFFFFL);
        if (target >= size) throw new FlatBufferException(at, what + " points to " + target + ", past the end (" + size + ")");
        return target;
    }

    void check(long pos, long length, String what) {
        if (pos < 0 || length < 0 || pos > size - length) {
            throw new FlatBufferException(pos, what + " (" + length + " bytes at " + pos + ") lies outside the "
                    + size + "-byte buffer");
        }
    }

    int u8(long pos) { return bytes.get(pos) & 0xff; }

    int u16(long pos) { return u8(pos) | u8(pos + 1) << 8; }

    int i32(long pos) { return u8(pos) | u8(pos + 1) << 8 | u8(pos + 2) << 16 | u8(pos + 3) << 24; }

    long i64(long pos) { return (i32(pos) & 0xFFFFFFFFL) | (long) i32(pos + 4) << 32; }

    /** One table of the buffer. */
    final class Table {
        private final long pos;
        private final long vtable;
        private final int vtableSize;
        private final int inlineSize;

        private Table(long pos, long vtable, int vtableSize, int inlineSize) {
            this.pos = pos;
            this.vtable = vtable;
            this.vtableSize = vtableSize;
            this.inlineSize = inlineSize;
        }

        long position() { return pos; }

        /** The field's position in the buffer, or -1 when absent (default value). */
        private long field(int id, int width) {
            int slot = 4 + 2 * id;
            if (slot + 2 > vtableSize) return -1;
            int off = u16(vtable + slot);
            if (off == 0) return -1;
            // As flatbuffers' own verifier: the field must lie in the buffer. Writers round the
            // table's declared inline size down past a trailing 8-byte field, so that size is no bound.
            check(pos + off, width, "field " + id + " of the table at " + pos);
            return pos + off;
        }

        boolean has(int id) { return field(id, 1) >= 0; }

        int u8(int id, int dflt) {
            long at = field(id, 1);
            return at < 0 ? dflt : FlatBuffer.this.u8(at);
        }

        int i8(int id, int dflt) {
            long at = field(id, 1);
            return at < 0 ? dflt : (byte) FlatBuffer.this.u8(at);
        }

        boolean bool(int id) { return u8(id, 0) != 0; }

        int i32(int id, int dflt) {
            long at = field(id, 4);
            return at < 0 ? dflt : FlatBuffer.this.i32(at);
        }

        long u32(int id) { return i32(id, 0) & 0xFFFFFFFFL; }

        long i64(int id, long dflt) {
            long at = field(id, 8);
            return at < 0 ? dflt : FlatBuffer.this.i64(at);
        }

        double f64(int id) { return Double.longBitsToDouble(i64(id, 0)); }

        Table table(int id) {
            long at = field(id, 4);
            return at < 0 ? null : FlatBuffer.this.table(deref(at, "table field " + id));
        }

        /** Where an offset field points (a union's struct member), or -1 when absent. */
        long target(int id) {
            long at = field(id, 4);
            return at < 0 ? -1 : deref(at, "offset field " + id);
        }

        String string(int id) {
            long at = field(id, 4);
            return at < 0 ? null : stringAt(deref(at, "string field " + id));
        }

        Vector vector(int id, int elementSize) {
            long at = field(id, 4);
            if (at < 0) return null;
            long start = deref(at, "vector field " + id);
            check(start, 4, "vector length");
            long length = FlatBuffer.this.i32(start) & 0xFFFFFFFFL;
            if (length > MAX_VECTOR) throw new FlatBufferException(start, "vector of " + length + " elements");
            check(start + 4, length * elementSize, "vector of " + length + " elements");
            return new Vector(start + 4, (int) length, elementSize);
        }
    }

    String stringAt(long start) {
        check(start, 4, "string length");
        long length = i32(start) & 0xFFFFFFFFL;
        check(start + 4, length, "string");
        if (length > Integer.MAX_VALUE - 8) throw new FlatBufferException(start, "string of " + length + " bytes");
        byte[] b = new byte[(int) length];
        bytes.copyTo(start + 4, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A vector: scalars read by index, or tables/strings through their uoffsets. */
    final class Vector {
        private final long data;
        private final int length;
        private final int elementSize;

        private Vector(long data, int length, int elementSize) {
            this.data = data;
            this.length = length;
            this.elementSize = elementSize;
        }

        int length() { return length; }

        long dataPosition() { return data; }

        long byteLength() { return (long) length * elementSize; }

        private long at(int i) {
            if (i < 0 || i >= length) throw new FlatBufferException(data, "index " + i + " outside a vector of " + length);
            return data + (long) i * elementSize;
        }

        int u8(int i) { return FlatBuffer.this.u8(at(i)); }

        int i32(int i) { return FlatBuffer.this.i32(at(i)); }

        long i64(int i) { return FlatBuffer.this.i64(at(i)); }

        Table table(int i) { return FlatBuffer.this.table(deref(at(i), "vector element " + i)); }

        String string(int i) { return stringAt(deref(at(i), "vector element " + i)); }
    }
}
