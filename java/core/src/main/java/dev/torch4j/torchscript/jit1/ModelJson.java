package dev.torch4j.torchscript.jit1;

import dev.torch4j.ErrorKind;
import dev.torch4j.TorchFileException;
import dev.torch4j.io.ByteRegion;
import dev.torch4j.json.Json;
import dev.torch4j.json.JsonException;
import dev.torch4j.json.JsonLimits;
import dev.torch4j.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code model.json} of a PyTorch 1.0/1.1 TorchScript archive: a {@code torch.ModelDef}
 * protobuf message in protobuf's JSON form (caffe2/proto/torch.proto). Only what locates
 * parameters, buffers and their tensors is kept; code, attributes and caffe2 nets are skipped.
 * Each definition keeps its JSON object so later checks can say where it is.
 */
public final class ModelJson {
    /** PyTorch 1.13 asserts {@code proto_version < 6}. */
    static final long MAX_PROTO_VERSION = 5;

    public record ModelDef(long protoVersion, String producerName, String producerVersion, ModuleDef mainModule,
                    List<TensorDef> tensors) {}

    public record ModuleDef(String name, List<ParameterDef> parameters, List<ModuleDef> submodules, Map<String, Object> source) {}

    public record ParameterDef(String name, long tensorId, boolean isBuffer, Map<String, Object> source) {}

    /** One tensor of the tensor table: a view of {@code dims}/{@code strides}/{@code offset} over the record {@code key}. */
    public record TensorDef(long[] dims, long offset, long[] strides, boolean requiresGrad, DType dtype, String key,
                     String device, boolean quantized, double scale, long zeroPoint, Map<String, Object> source) {}

    private final ProtoJson proto;
    private ModelDef model;

    private ModelJson(ProtoJson proto) {
        this.proto = proto;
    }

    public ModelDef model() { return model; }

    /** An error about one definition of the model, at its offset in model.json. */
    public TorchFileException error(Map<String, Object> source, String reason) {
        return proto.error(source, reason);
    }

    /** Reads and checks {@code entry}; the result also reports later errors against it. */
    static ModelJson parse(String file, String entry, ByteRegion bytes) throws TorchFileException {
        int limit = JsonLimits.DEFAULT.maxInputLength();
        if (bytes.size() > limit) {
            throw new TorchFileException(ErrorKind.LIMIT, file, entry, 0, "model.json of " + bytes.size() + " bytes is over the limit of " + limit);
        }
        String text = decode(file, entry, bytes);
        Map<Object, Integer> offsets = new IdentityHashMap<>();
        Object doc;
        try {
            doc = Json.parse(text, JsonLimits.DEFAULT, offsets);
        } catch (JsonException e) {
            long at = text.substring(0, (int) Math.min(e.offset(), text.length())).getBytes(StandardCharsets.UTF_8).length;
            throw new TorchFileException(file, entry, at, "malformed model.json: " + e.reason(), e);
        }
        ModelJson reader = new ModelJson(new ProtoJson(file, entry, text, offsets));
        if (!(doc instanceof Map<?, ?>)) throw new TorchFileException(file, entry, 0, "model.json is not a JSON object");
        @SuppressWarnings("unchecked") Map<String, Object> model = (Map<String, Object>) doc;
        reader.model = reader.readModel(model);
        return reader;
    }

    private ModelDef readModel(Map<String, Object> json) throws TorchFileException {
        long version = proto.int64(json, "proto_version", 0);
        if (version < 0 || version > MAX_PROTO_VERSION) {
            throw error(json, "unsupported protoVersion " + version + " (PyTorch reads 0 to " + MAX_PROTO_VERSION + ")");
        }
        Map<String, Object> main = proto.message(json, "main_module");
        if (main == null) throw error(json, "model.json has no mainModule");
        List<TensorDef> tensors = new ArrayList<>();
        for (Map<String, Object> t : proto.messages(json, "tensors")) tensors.add(tensor(t));
        return new ModelDef(version, proto.string(json, "producer_name"), proto.string(json, "producer_version"),
                module(main), tensors);
    }

    private ModuleDef module(Map<String, Object> json) throws TorchFileException {
        List<ParameterDef> parameters = new ArrayList<>();
        for (Map<String, Object> p : proto.messages(json, "parameters")) {
            String name = proto.string(p, "name");
            if (name.isEmpty()) throw error(p, "parameter without a name");
            if (ProtoJson.get(p, "tensor_id") == null) throw error(p, "parameter '" + name + "' has no tensorId");
            parameters.add(new ParameterDef(name, proto.int64(p, "tensor_id", -1), proto.bool(p, "is_buffer"), p));
        }
        List<ModuleDef> submodules = new ArrayList<>();
        for (Map<String, Object> s : proto.messages(json, "submodules")) {
            ModuleDef sub = module(s); // bounded: JSON nesting depth is limited
            if (sub.name().isEmpty()) throw error(s, "submodule without a name");
            submodules.add(sub);
        }
        return new ModuleDef(proto.string(json, "name"), parameters, submodules, json);
    }

    private TensorDef tensor(Map<String, Object> json) throws TorchFileException {
        long[] dims = proto.int64s(json, "dims");
        long[] strides = proto.int64s(json, "strides");
        if (dims.length != strides.length) {
            throw error(json, "tensor has " + dims.length + " dims but " + strides.length + " strides");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) throw error(json, "negative size " + dims[i] + " in dims");
            if (strides[i] < 0) throw error(json, "negative stride " + strides[i] + " in strides");
        }
        long offset = proto.int64(json, "offset", 0);
        if (offset < 0) throw error(json, "negative offset " + offset);

        Object typeValue = proto.enumValue(json, "data_type");
        if (typeValue == null) throw error(json, "tensor has no dataType");
        String typeName = CaffeDataTypes.name(typeValue);
        if (typeName == null) throw error(json, "unknown dataType " + typeValue);
        boolean quantized = proto.bool(json, "is_quantized");
        DType dtype = CaffeDataTypes.dtype(typeName, quantized);
        if (dtype == null) {
            throw error(json, "dataType " + typeName + (quantized ? " cannot be quantized" : " is not a tensor element type"));
        }
        Map<String, Object> data = proto.message(json, "data");
        String key = data == null ? "" : proto.string(data, "key");
        if (key.isEmpty()) throw error(json, "tensor has no data key (data.key names its record, e.g. tensors/0)");
        // PyTorch asserts a device; files are read to the host anyway, so a missing one reads as cpu.
        String device = proto.string(json, "device");
        return new TensorDef(dims, offset, strides, proto.bool(json, "requires_grad"), dtype, key,
                device.isEmpty() ? "cpu" : device, quantized, proto.float64(json, "scale"),
                proto.int64(json, "zero_point", 0), json);
    }

    private static String decode(String file, String entry, ByteRegion bytes) throws TorchFileException {
        byte[] raw = new byte[(int) bytes.size()];
        bytes.copyTo(0, raw, 0, raw.length);
        ByteBuffer in = ByteBuffer.wrap(raw);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            // the decoder stops with the buffer at the first bad byte
            throw new TorchFileException(file, entry, in.position(), "model.json is not valid UTF-8");
        }
    }
}
