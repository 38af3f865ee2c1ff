package dev.torch4j.pickle;

/**
 * Looks at each object right after its BUILD opcode and may replace it, reading bytes that a
 * writer spliced into the stream after the object (joblib writes numpy array bytes straight after a
 * {@code NumpyArrayWrapper}'s BUILD). Python's joblib does the same in its unpickler's {@code load_build}.
 */
@FunctionalInterface
public interface BuildHook {
    /**
     * Returns what stands for {@code built} from now on, after reading any bytes spliced in after it.
     *
     * @param built the object BUILD just gave its state to (on top of the stack)
     * @param data  the stream at the byte after the BUILD opcode; what the hook consumes is skipped
     * @return the value that replaces {@code built} on the stack ({@code built} itself to keep it)
     */
    Object afterBuild(Object built, InlineData data) throws Exception;
}
