package dev.torch4j.format;

import dev.torch4j.TorchFileException;

import java.util.Map;

/** PyTorch 1.0/1.1 TorchScript archives: {@code model.json}, {@code tensors/N}, {@code attributes.pkl}. */
final class OldTorchScriptReader {
    private OldTorchScriptReader() {}

    static LoadedFile read(ReadContext ctx, ZipArchive zip, String root, Map<String, Object> meta) throws TorchFileException {
        throw new TorchFileException(ctx.file(), root + "model.json", -1,
                "PyTorch 1.0/1.1 TorchScript archives (model.json) are not supported yet");
    }
}
