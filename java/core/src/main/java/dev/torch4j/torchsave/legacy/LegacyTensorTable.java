package dev.torch4j.torchsave.legacy;

import dev.torch4j.torchscript.jit1.ModelJson;
import dev.torch4j.zip.ZipArchive;
import dev.torch4j.TorchFileException;
import dev.torch4j.tensor.Quantization;
import dev.torch4j.tensor.Storage;
import dev.torch4j.tensor.Tensor;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensor table of a legacy TorchScript archive: one tensor per TensorDef, each a view over
 * the raw record its {@code data.key} names. TensorDefs naming the same record share one
 * {@link Storage}, sized like PyTorch's (the whole record), mapped on first read.
 */
public final class LegacyTensorTable {
    private LegacyTensorTable() {}

    /** Every TensorDef in order, as PyTorch builds them all before looking at the modules. */
    public static List<Tensor> build(ModelJson json, ZipArchive zip, String root) throws TorchFileException {
        Map<String, Storage> storages = new HashMap<>();
        List<Tensor> table = new ArrayList<>();
        for (ModelJson.TensorDef def : json.model().tensors()) {
            Storage storage = storages.get(def.key());
            if (storage == null) {
                storage = storage(json, zip, root, def);
                storages.put(def.key(), storage);
            }
            Quantization q = def.quantized() ? Quantization.perTensor("per_tensor_affine", def.scale(), def.zeroPoint()) : null;
            try {
                table.add(new Tensor(def.dtype(), def.dims(), def.strides(), def.offset(), storage,
                        def.requiresGrad(), false, q));
            } catch (IllegalArgumentException e) {
                throw json.error(def.source(), "tensor " + table.size() + " does not fit its record "
                        + def.key() + ": " + e.getMessage());
            }
        }
        return table;
    }

    private static Storage storage(ModelJson json, ZipArchive zip, String root, ModelJson.TensorDef def)
            throws TorchFileException {
        String name = root + def.key();
        ZipArchive.Entry entry = zip.entry(name);
        if (entry == null) {
            throw json.error(def.source(), "tensor data record " + name + " is missing from the archive");
        }
        if (entry.size() < 0) throw json.error(def.source(), "tensor data record " + name + " has no declared size");
        // Written on little-endian hosts; the layout has no byteorder record.
        return new Storage(def.key(), def.device(), null, entry.size(), ByteOrder.LITTLE_ENDIAN, () -> zip.read(name));
    }
}
