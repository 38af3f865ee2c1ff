package dev.torch4j.coreml;

import com.google.protobuf.CodedOutputStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One protobuf message being written: fields in the order added, nested messages sized on demand.
 *
 * <p>The Core ML messages are few and write-only, so they are built field by field with the numbers
 * from {@link CoreMlFields} instead of from generated classes: no protoc at build time, and weight
 * arrays are written straight from the float[] they arrive in (packed), never copied into builders.
 */
final class ProtoMessage {
    /** One field of the message: its encoded size and how to write it. */
    private interface Field {
        long size();

        void write(CodedOutputStream out) throws IOException;
    }

    /** Writes one scalar field, tag included. */
    @FunctionalInterface
    private interface ScalarWriter {
        void write(CodedOutputStream out) throws IOException;
    }

    /** A scalar field (varint, float, string): its size is known when it is added. */
    private record Scalar(long size, ScalarWriter writer) implements Field {
        public void write(CodedOutputStream out) throws IOException {
            writer.write(out);
        }
    }

    private record Nested(int number, ProtoMessage value) implements Field {
        public long size() {
            int body = value.serializedSize();
            return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(body) + (long) body;
        }

        public void write(CodedOutputStream out) throws IOException {
            out.writeTag(number, WIRE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(value.serializedSize());
            value.writeTo(out);
        }
    }

    private record PackedFloats(int number, float[] values) implements Field {
        public long size() {
            if (values.length == 0) return 0;
            long body = 4L * values.length;
            return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt64SizeNoTag(body) + body;
        }

        public void write(CodedOutputStream out) throws IOException {
            if (values.length == 0) return;
            out.writeTag(number, WIRE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(4 * values.length);
            for (float x : values) out.writeFloatNoTag(x);
        }
    }

    private record PackedVarints(int number, long[] values) implements Field {
        private int body() {
            int body = 0;
            for (long x : values) body += CodedOutputStream.computeInt64SizeNoTag(x);
            return body;
        }

        public long size() {
            if (values.length == 0) return 0;
            int body = body();
            return CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(body) + (long) body;
        }

        public void write(CodedOutputStream out) throws IOException {
            if (values.length == 0) return;
            out.writeTag(number, WIRE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(body());
            for (long x : values) out.writeInt64NoTag(x);
        }
    }

    private static final int WIRE_LENGTH_DELIMITED = 2;

    private final List<Field> fields = new ArrayList<>();
    private int cachedSize = -1;

    ProtoMessage varint(int number, long value) {
        fields.add(new Scalar(CodedOutputStream.computeInt64Size(number, value), out -> out.writeInt64(number, value)));
        return this;
    }

    ProtoMessage bool(int number, boolean value) {
        return varint(number, value ? 1 : 0);
    }

    ProtoMessage floatValue(int number, float value) {
        fields.add(new Scalar(CodedOutputStream.computeFloatSize(number, value), out -> out.writeFloat(number, value)));
        return this;
    }

    ProtoMessage string(int number, String value) {
        fields.add(new Scalar(CodedOutputStream.computeStringSize(number, value), out -> out.writeString(number, value)));
        return this;
    }

    ProtoMessage message(int number, ProtoMessage value) {
        fields.add(new Nested(number, value));
        return this;
    }

    /** A repeated float field, packed (proto3's default encoding). */
    ProtoMessage floats(int number, float[] values) {
        fields.add(new PackedFloats(number, values));
        return this;
    }

    /** A repeated int64/uint64 field, packed; negative values are written as 10-byte varints, as int64 requires. */
    ProtoMessage varints(int number, long[] values) {
        fields.add(new PackedVarints(number, values));
        return this;
    }

    int serializedSize() {
        if (cachedSize >= 0) return cachedSize;
        long size = 0;
        for (Field f : fields) size += f.size();
        // Length prefixes are 32-bit: a message above 2 GiB cannot be nested (Core ML's own limit too).
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("model too large for one protobuf message (" + size + " bytes)");
        cachedSize = (int) size;
        return cachedSize;
    }

    void writeTo(CodedOutputStream out) throws IOException {
        for (Field f : fields) f.write(out);
    }
}
