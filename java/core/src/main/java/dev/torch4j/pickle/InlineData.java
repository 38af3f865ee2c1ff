package dev.torch4j.pickle;

import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

/**
 * The pickle stream at the current opcode position, for a {@link BuildHook} that reads data spliced
 * into it. Lengths are checked against the bytes remaining before anything is read.
 */
public final class InlineData {
    private final PickleInput in;
    private final ByteRegion region;
    private final PickleMachine.Config config;
    private final SafetyPolicy policy;

    InlineData(PickleInput in, ByteRegion region, PickleMachine.Config config, SafetyPolicy policy) {
        this.in = in;
        this.region = region;
        this.config = config;
        this.policy = policy;
    }

    /** The offset of the next unread byte in the input. */
    public long position() { return in.position(); }

    public long remaining() { return in.remaining(); }

    public int readByte() throws TorchFileException { return in.readByte(); }

    public void skip(long n) throws TorchFileException { in.skip(n); }

    /** The next {@code n} bytes as a zero-copy view of the input (mapped when the input is), then skips them. */
    public ByteRegion take(long n) throws TorchFileException {
        if (n < 0 || n > in.remaining()) {
            throw in.refuse(dev.torch4j.ErrorKind.TRUNCATED, "inline data of " + n + " bytes exceeds the " + in.remaining() + " bytes remaining");
        }
        ByteRegion view = region.subRegion(in.position(), n);
        skipLong(n);
        return view;
    }

    private void skipLong(long n) throws TorchFileException {
        // PickleInput.skip takes at most 2 GiB at a time; inline arrays may be larger.
        while (n > 0) {
            long step = Math.min(n, PickleInput.MAX_ARRAY);
            in.skip(step);
            n -= step;
        }
    }

    /** A whole pickle starting here (joblib pickles object arrays inline), read by the safe machine; skips past its STOP. */
    public Object readPickle() throws TorchFileException {
        PickleMachine nested = new PickleMachine(region, in.position(), config, policy);
        Object value = nested.load();
        skipLong(nested.position() - in.position());
        return value;
    }
}
