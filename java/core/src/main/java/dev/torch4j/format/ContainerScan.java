package dev.torch4j.format;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;

/**
 * What the scanner offers a format's {@link ContainerFormat#scan} step: its walks over the parts
 * containers are made of, bound to where the container sits (its entry, the chain of payloads
 * leading to it, its depth). Implemented by {@code dev.torch4j.scan}, which owns the rules.
 */
public interface ContainerScan {
    /** For {@link #pickles}: every pickle, one after another, until the bytes end or stop being pickles. */
    int ALL = Integer.MAX_VALUE;

    /** The scanned file's name, for messages. */
    String file();

    /** The budget one decoded payload may use, in bytes. */
    long maxPayloadBytes();

    /** An error about this container at {@code offset}. */
    TorchFileException error(ErrorKind kind, long offset, String message);

    /** A zip: its directory, and every pickle, TorchScript source and nested model file among its entries. */
    void zip(ByteRegion bytes) throws TorchFileException;

    /**
     * {@code count} pickles one after another from {@code start} ({@link #ALL}: as many as there are);
     * {@code joblib}: a file joblib.load may read, with joblib's arrays spliced in.
     */
    void pickles(ByteRegion bytes, long start, int count, boolean joblib) throws TorchFileException;

    /** A {@code .npy} file: an object array's pickle after the header; other arrays are plain numbers. */
    void npy(ByteRegion bytes) throws TorchFileException;

    /** Bytes decoded from the container (a decompressed payload), charged against the scan's budget. */
    ByteRegion decoded(byte[] bytes);

    /** What was checked in a container that holds no pickle to rate (an ExecuTorch program), one line each. */
    void checked(java.util.List<String> what);

    /** An operator name a mobile file's bytecode calls ({@code aten::add.Tensor}), rated as bytecode.pkl's operator list is. */
    void operator(String name, String entry);

    /** A class a mobile file's objects are made of: TorchScript ({@code __torch__.*}) or else reported. */
    void scriptClass(String qualifiedName, String entry);

    /** TorchScript source text kept in a container, checked for the operators it calls as code/ files are. */
    void script(String source, String entry) throws TorchFileException;

    /** A tar torch.save (0.1.x layout): every pickle among its members, skipping raw data as the loader does. */
    void tar(ByteRegion bytes) throws TorchFileException;

    /** Bytes another reader sees as data that pickle.load would also read as opcodes: scanned when they parse. */
    void embeddedPickle(ByteRegion bytes);
}
