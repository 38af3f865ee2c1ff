package dev.torch4j.format;

/** The physical container a file turned out to be, before its contents decide the user-facing Format. */
public enum Container {
    /** A zip archive: torch.save (1.6+), TorchScript or mobile lite-interpreter. */
    ZIP,
    /** Legacy torch.save: magic-number pickle, protocol, sys_info, object pickle, keys, raw storages. */
    LEGACY,
    /** The 0.1.x torch.save layout: a tar with sys_info, pickle, tensors and storages members. */
    LEGACY_TAR,
    /** A plain pickle stream. */
    PICKLE,
    /** A safetensors file: 8-byte header length, JSON header, raw tensor data. */
    SAFETENSORS,
    /** numpy's {@code .npy}: magic, header dict, array bytes (or a pickle for object arrays). */
    NPY,
    /** A whole file compressed the way {@code joblib.dump(compress=...)} does (zlib, gzip, bz2, xz, lzma, lz4). */
    COMPRESSED,
    /** An ExecuTorch program ({@code .pte}): FlatBuffer identifier {@code ETnn} at byte 4. */
    EXECUTORCH,
    /** ExecuTorch external data ({@code .ptd}): FlatBuffer identifier {@code FTnn} at byte 4. */
    FLAT_TENSOR
}
