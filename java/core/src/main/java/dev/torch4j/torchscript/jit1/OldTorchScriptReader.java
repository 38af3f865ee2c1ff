package dev.torch4j.torchscript.jit1;

import dev.torch4j.read.LoadedFile;
import dev.torch4j.read.ReadContext;
import dev.torch4j.rebuild.LegacyModules;
import dev.torch4j.torchsave.legacy.LegacyTensorTable;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.Format;
import dev.torch4j.TorchFileException;
import dev.torch4j.python.PyObject;
import dev.torch4j.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * PyTorch 1.0/1.1 TorchScript archives ({@code torch.jit.save} before the pickle-based layout):
 * {@code model.json} describes the module tree and a tensor table over raw {@code tensors/N}
 * records. Parameters and buffers are read; code and {@code attributes.pkl} (non-tensor
 * attributes and custom state) are not.
 */
public final class OldTorchScriptReader {
    private OldTorchScriptReader() {}

    public static LoadedFile read(ReadContext ctx, ZipArchive zip, String root, Map<String, Object> meta) throws TorchFileException {
        String entry = root + "model.json";
        ModelJson json = ModelJson.parse(zip.file(), entry, zip.read(entry));
        ModelJson.ModelDef model = json.model();
        meta.put("torchscript.legacy_format", true);
        meta.put("torchscript.proto_version", model.protoVersion());
        if (!model.producerName().isEmpty()) meta.put("torchscript.producer_name", model.producerName());
        if (!model.producerVersion().isEmpty()) meta.put("torchscript.producer_version", model.producerVersion());
        List<Tensor> table = LegacyTensorTable.build(json, zip, root);
        meta.put("torchscript.tensor_table", table.size());
        PyObject main = LegacyModules.build(json, table);
        return new LoadedFile(Format.TORCHSCRIPT, main, meta, null);
    }
}
