package dev.torch4j;

/** The container formats torch4j tells apart by content, never by file extension. */
public enum Format {
    /** torch.save zip archive (PyTorch 1.6+). */
    ZIP("zip"),
    /** Legacy non-zip torch.save (magic number, protocol, sys_info, pickle, raw storages), and the 0.1.x tar layout. */
    LEGACY("legacy"),
    /** A plain {@code pickle.dump} file. */
    PICKLE("pickle"),
    /** A torch.jit.save archive. */
    TORCHSCRIPT("torchscript"),
    /** A mobile lite-interpreter archive (TorchScript plus bytecode.pkl). */
    MOBILE("mobile"),
    /** A safetensors file. */
    SAFETENSORS("safetensors"),
    /** numpy's {@code .npy}: one array. */
    NPY("npy"),
    /** numpy's {@code .npz} ({@code savez}, {@code savez_compressed}): a zip of {@code .npy} files. */
    NPZ("npz"),
    /** A {@code joblib.dump} file (scikit-learn models...): a pickle with numpy array bytes spliced in, maybe compressed. */
    JOBLIB("joblib"),
    /** A torch.export archive ({@code torch.export.save}, the PT2 archive of PyTorch 2.x): graph JSON plus weights. */
    PT2("pt2"),
    /** An ExecuTorch program ({@code .pte}): a FlatBuffer with methods, operators, delegates and constant tensors. */
    EXECUTORCH("executorch"),
    /** ExecuTorch external data ({@code .ptd}, FlatTensor): named tensors and backend blobs. */
    PTD("ptd");

    private final String id;

    Format(String id) { this.id = id; }

    /** The name used in {@code inspect --json}. */
    public String id() { return id; }
}
