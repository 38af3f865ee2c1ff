package dev.torch4j.io;

/** A mapped local file as a source; its region is the mapping itself (today's zero-copy path). */
final class MappedSource implements ByteSource {
    private final MappedFile file;

    MappedSource(MappedFile file) {
        this.file = file;
    }

    @Override public long size() { return file.size(); }

    @Override public void readFully(long position, byte[] dst, int offset, int length) {
        file.copyTo(position, dst, offset, length);
    }

    @Override public ByteRegion toRegion() { return file; }

    @Override public void close() { file.close(); }
}
