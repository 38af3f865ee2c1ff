package dev.torch4j.executorch;

import dev.torch4j.io.ByteRegion;

/**
 * Where a program's constant tensor data lies, by {@code data_buffer_idx} (index 0 is reserved
 * for "no data"). Files with a non-empty {@code constant_segment} keep constants in that segment
 * at the listed offsets; older files keep them inline, in {@code constant_buffer[i].storage}.
 * Mutable buffers' initial values follow the same scheme in {@code mutable_data_segments}.
 */
final class ConstantData {
    private final FlatBuffer.Vector inline;
    private final DataSegments segments;
    private final long segmentIndex;
    private final FlatBuffer.Vector offsets;

    ConstantData(FlatBuffer.Table program, DataSegments segments) {
        this.inline = program.vector(2, 4);
        this.segments = segments;
        FlatBuffer.Table cs = program.table(5);
        this.segmentIndex = cs == null ? -1 : cs.u32(0);
        this.offsets = cs == null ? null : cs.vector(1, 8);
    }

    ByteRegion bytes(long index, long byteSize, long where) {
        if (offsets != null && offsets.length() > 0) {
            return fromSubsegments((int) segmentIndex, offsets, index, byteSize, where);
        }
        if (inline == null || index >= inline.length()) {
            throw new FlatBufferException(where, "constant buffer " + index + " of " + (inline == null ? 0 : inline.length()));
        }
        FlatBuffer.Vector storage = inline.table((int) index).vector(0, 1);
        long available = storage == null ? 0 : storage.byteLength();
        if (byteSize > available) {
            throw new FlatBufferException(where, "constant buffer " + index + " holds " + available + " bytes, the tensor needs " + byteSize);
        }
        return inlineRegion(storage, byteSize);
    }

    private ByteRegion inlineRegion(FlatBuffer.Vector storage, long byteSize) {
        return storage == null ? new dev.torch4j.io.HeapRegion(new byte[0]) : inlineBase.subRegion(storage.dataPosition(), byteSize);
    }

    private ByteRegion inlineBase;

    ConstantData withFile(ByteRegion programBytes) {
        this.inlineBase = programBytes;
        return this;
    }

    ByteRegion mutableBytes(FlatBuffer.Table program, long segmentsIndex, long index, long byteSize, long where) {
        FlatBuffer.Vector mutable = program.vector(6, 4);
        if (mutable == null || segmentsIndex >= mutable.length()) {
            throw new FlatBufferException(where, "mutable data segments " + segmentsIndex + " of " + (mutable == null ? 0 : mutable.length()));
        }
        FlatBuffer.Table sub = mutable.table((int) segmentsIndex);
        return fromSubsegments((int) Math.min(sub.u32(0), Integer.MAX_VALUE), sub.vector(1, 8), index, byteSize, where);
    }

    /** Offsets into one segment; a tensor runs from its offset for its own byte size, within the segment. */
    private ByteRegion fromSubsegments(int segment, FlatBuffer.Vector offs, long index, long byteSize, long where) {
        if (offs == null || index >= offs.length()) {
            throw new FlatBufferException(where, "data index " + index + " of " + (offs == null ? 0 : offs.length()) + " segment offsets");
        }
        long offset = offs.i64((int) index);
        return segments.slice(segment, offset, byteSize, where);
    }
}
