#!/usr/bin/python3
"""Writes PyTorch 1.0/1.1 TorchScript archives (model.json + tensors/N) by hand, and what PyTorch says.

Run with the reference interpreter (PyTorch 1.13): /usr/bin/python3 gen_oldts_fixtures.py
Output: java/core/src/test/resources/oldts/*.pt and expected.json.

PyTorch 1.13 cannot write this layout, and the reference build cannot read it either: it is
compiled without legacy import, so torch.jit.load stops with "Legacy model format is not supported
on mobile" (that message also proves it recognised the archive as the legacy layout: a zip without
a version record, or without model.json, fails differently). The error is recorded per file.

So the expected tensors are what import_legacy.cpp would build, computed by PyTorch from the raw
record bytes: every TensorDef becomes torch.frombuffer(record).as_strided(dims, strides, offset)
(the same view as its `at::empty({0}).set_(storage, offset, dims, strides)`), cross-checked with
numpy's as_strided; the state_dict names and order come from torch.jit.script of an nn.Module that
registers the same submodules, parameters and buffers in ModelDef order.
Malformed archives record the entry and the byte offset in model.json of the definition at fault.
"""
import json
import os
import pickle
import zipfile

import numpy as np
import torch

import torch_view

# TORCH4J_FIXTURES_OUT redirects the output (GeneratorDriftTest regenerates into a temporary folder).
OUT = os.environ.get("TORCH4J_FIXTURES_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "oldts")
DATE = (1980, 1, 1, 0, 0, 0)
expected = {}

# caffe2 TensorProto.DataType names and the dtype import_legacy gives them.
DTYPES = {"FLOAT": torch.float32, "DOUBLE": torch.float64, "FLOAT16": torch.float16, "INT64": torch.int64,
          "INT32": torch.int32, "INT16": torch.int16, "INT8": torch.int8, "UINT8": torch.uint8,
          "BYTE": torch.uint8, "BOOL": torch.bool}
QTYPES = {"UINT8": torch.quint8, "BYTE": torch.quint8, "INT8": torch.qint8, "INT32": torch.qint32}


def text_of(model):
    return json.dumps(model, indent=2)


def write(name, root, model, records, deflated=(), extra=None):
    """The archive as torch.jit.save of PyTorch 1.0/1.1 laid it out: <root>/version, model.json, tensors/N."""
    path = os.path.join(OUT, name)
    text = model if isinstance(model, str) else text_of(model)
    entries = [("version", b"1"), ("model.json", text.encode("utf-8"))] + list(records.items()) + list((extra or {}).items())
    with zipfile.ZipFile(path, "w") as z:
        for key, data in entries:
            info = zipfile.ZipInfo(root + "/" + key, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if key in deflated else zipfile.ZIP_STORED
            z.writestr(info, data)
    return path, text


def pytorch_load_error(path):
    try:
        torch.jit.load(path)
        return None
    except RuntimeError as e:
        return str(e).splitlines()[0]


def tensor_of(tdef, records):
    """The view import_legacy builds for one TensorDef, by PyTorch, checked against numpy."""
    raw = bytearray(records[tdef["data"]["key"]])
    name = tdef["dataType"]
    base = DTYPES[name]
    dims = [int(d) for d in tdef.get("dims", [])]
    strides = [int(s) for s in tdef.get("strides", [])]
    offset = int(tdef.get("offset", "0"))
    flat = torch.frombuffer(raw, dtype=base) if raw else torch.empty(0, dtype=base)
    t = flat.as_strided(dims, strides, offset).clone()
    item = flat.element_size()
    npflat = np.frombuffer(bytes(raw), dtype=flat.numpy().dtype)
    view = np.lib.stride_tricks.as_strided(npflat[offset:], dims, [s * item for s in strides])
    assert np.array_equal(view, t.numpy()), tdef
    if tdef.get("isQuantized"):
        t = torch._make_per_tensor_quantized_tensor(t, float(tdef["scale"]), int(tdef["zeroPoint"]))
        assert t.dtype == QTYPES[name]
    return t


class Holder(torch.nn.Module):
    def forward(self, x: int) -> int:
        return x


def mirror(mdef, table):
    """An nn.Module registering what the ModuleDef declares, in import_legacy's order."""
    m = Holder()
    for sub in mdef.get("submodules", []):
        m.add_module(sub["name"], mirror(sub, table))
    for p in mdef.get("parameters", []):
        t = table[int(p["tensorId"])]
        if p.get("isBuffer"):
            m.register_buffer(p["name"], t)
        else:
            m.register_parameter(p["name"], torch.nn.Parameter(t, requires_grad=t.requires_grad))
    return m


def tensor_ids(mdef, prefix=""):
    """state_dict path -> tensorId, from the ModuleDef tree."""
    out = {}
    for sub in mdef.get("submodules", []):
        out.update(tensor_ids(sub, prefix + sub["name"] + "."))
    for p in mdef.get("parameters", []):
        out[prefix + p["name"]] = int(p["tensorId"])
    return out


def valid(name, root, model, records, **kw):
    path, _ = write(name, root, model, records, **kw)
    table = []
    for tdef in model["tensors"]:
        t = tensor_of(tdef, records)
        if not t.is_quantized:
            t.requires_grad_(bool(tdef.get("requiresGrad")))
        table.append(t)
    scripted = torch.jit.script(mirror(model["mainModule"], table))
    tensors = []
    for key, t in scripted.state_dict(keep_vars=True).items():
        tensors.append({"path": key, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                        "sha256": torch_view.sha256(t), "requires_grad": bool(t.requires_grad)})
    ids = tensor_ids(model["mainModule"])
    assert sorted(ids) == sorted(t["path"] for t in tensors)
    views, by_key = {}, {}
    for key, tid in ids.items():
        tdef = model["tensors"][tid]
        views[key] = {"stride": [int(s) for s in tdef["strides"]], "offset": int(tdef.get("offset", "0"))}
        by_key.setdefault(tdef["data"]["key"], []).append(key)
    groups = [sorted(v) for v in by_key.values() if len(v) > 1]
    expected[name] = {"format": "torchscript", "proto_version": int(model.get("protoVersion", "0")),
                      "tensors": tensors, "views": views, "shared_storages": sorted(groups),
                      "pytorch_1_13_load_error": pytorch_load_error(path)}


def malformed(name, model, records, reason, at=None, root="broken"):
    """A broken archive; `at` is the JSON value whose object start the error must point at."""
    text = model if isinstance(model, str) else text_of(model)
    path, _ = write(name, root, text, records)
    want = {"entry": root + "/model.json", "reason": reason}
    if at is not None:
        want["offset"] = locate(text, at)
    expected[name] = {"error": want, "pytorch_1_13_load_error": pytorch_load_error(path)}


def locate(text, obj):
    """Byte offset of the '{' that starts `obj` in the indented JSON text (it must occur once)."""
    target = json.dumps(obj, sort_keys=True)
    hits = []
    dec = json.JSONDecoder()
    for i, c in enumerate(text):
        if c != "{":
            continue
        try:
            value, _ = dec.raw_decode(text, i)
        except ValueError:
            continue
        if json.dumps(value, sort_keys=True) == target:
            hits.append(i)
    assert len(hits) == 1, (obj, hits)
    return len(text[:hits[0]].encode("utf-8"))


def f32(*shape, start=0.0):
    return (np.arange(int(np.prod(shape)), dtype=np.float32) * 0.25 + start).reshape(shape)


def tdef(key, dtype, dims, strides, offset=0, requires_grad=False, **extra):
    d = {"dims": [str(x) for x in dims], "offset": str(offset), "strides": [str(x) for x in strides],
         "requiresGrad": requires_grad, "dataType": dtype, "data": {"key": key}, "device": "cpu"}
    d.update(extra)
    return d


def param(name, tid, buffer=False):
    return {"name": name, "tensorId": str(tid), "isBuffer": buffer}


def linear_model():
    """proto 1, as PyTorch 1.0 wrote it: camelCase names, int64 as strings, enums by name."""
    fc_w = f32(2, 3, start=-1.0)
    records = {
        "tensors/0": f32(5, start=0.5).tobytes(),                       # scale = elements 1..3
        "tensors/1": np.array(7, dtype=np.int64).tobytes(),             # steps, a 0-dim buffer
        "tensors/2": fc_w.tobytes(),                                    # fc.weight and its transpose
        "tensors/3": np.array([0.1, -0.2], dtype=np.float32).tobytes(),
        "tensors/4": np.array([[1.5, -2.25], [3.0, 1e-3]], dtype=np.float64).tobytes(),
        "tensors/5": np.array([1, -2, 65504, 0.5], dtype=np.float16).tobytes(),
        "tensors/6": np.array([1, 0, 1, 1], dtype=np.bool_).tobytes(),
    }
    tensors = [
        tdef("tensors/0", "FLOAT", [3], [1], offset=1, requires_grad=True),
        tdef("tensors/1", "INT64", [], []),
        tdef("tensors/2", "FLOAT", [2, 3], [3, 1], requires_grad=True),
        tdef("tensors/3", "FLOAT", [2], [1], requires_grad=True),
        tdef("tensors/2", "FLOAT", [3, 2], [1, 3]),
        tdef("tensors/4", "DOUBLE", [2, 2], [2, 1], requires_grad=True),
        tdef("tensors/5", "FLOAT16", [4], [1]),
        tdef("tensors/6", "BOOL", [2, 2], [1, 2]),
    ]
    main = {
        "name": "Net",
        "parameters": [param("scale", 0), param("steps", 1, True), param("fc_weight_t", 4, True)],
        "submodules": [
            {"name": "fc", "parameters": [param("weight", 2), param("bias", 3)], "optimize": True,
             "torchscriptArena": {"key": "code/Net.fc.py"}},
            {"name": "block", "submodules": [
                {"name": "0", "parameters": [param("weight", 5), param("running_mean", 6, True),
                                             param("mask", 7, True), param("tied", 2)]}]},
        ],
        "torchscriptArena": {"key": "code/Net.py"},
    }
    model = {"protoVersion": "1", "mainModule": main, "producerName": "pytorch", "producerVersion": "1.0",
             "tensors": tensors}
    code = {"code/Net.py": b"op_version_set = 0\ndef forward(self,\n    x: Tensor) -> Tensor:\n  return x\n",
            "code/Net.fc.py": b"op_version_set = 0\n"}
    valid("oldts_linear_proto1.pt", "linear_model", model, records, extra=code)


def int_types_model():
    """proto 3 with attributes.pkl; snake_case names, int64 as numbers, enums by number (protobuf reads all)."""
    records = {
        "tensors/0": np.array([-128, -1, 0, 127], dtype=np.int8).tobytes(),
        "tensors/1": np.arange(6, dtype=np.uint8).tobytes(),
        "tensors/2": np.array([-300, 2, 30000], dtype=np.int16).tobytes(),
        "tensors/3": np.array([1 << 30, -7, 0, 5, 9, -1], dtype=np.int32).tobytes(),
        "tensors/4": np.array([3, 130, 255, 0], dtype=np.uint8).tobytes(),
    }
    tensors = [
        {"dims": [4], "offset": 0, "strides": [1], "data_type": 7, "data": {"key": "tensors/0"}, "device": "cpu"},
        {"dims": [2, 3], "strides": [3, 1], "data_type": "BYTE", "data": {"key": "tensors/1"}, "device": "cpu"},
        {"dims": [3], "strides": [1], "data_type": 9, "data": {"key": "tensors/2"}, "device": "cpu"},
        {"dims": [2, 2], "offset": 2, "strides": [2, 1], "data_type": "INT32", "data": {"key": "tensors/3"},
         "device": "cpu"},
        {"dims": [4], "strides": [1], "data_type": "UINT8", "data": {"key": "tensors/4"}, "device": "cpu",
         "is_quantized": True, "scale": 0.5, "zero_point": 3},
    ]
    for t in tensors:  # tensor_of reads camelCase; give it the same facts
        t["dataType"] = {7: "INT8", 9: "INT16"}.get(t["data_type"], t["data_type"])
        t["isQuantized"] = t.get("is_quantized", False)
        t["zeroPoint"] = t.get("zero_point", 0)
    main = {"name": "top.Model", "parameters": [
        {"name": "codes", "tensor_id": 0, "is_buffer": True}, {"name": "pixels", "tensor_id": 1, "is_buffer": True}],
        "attributes": [{"type": "bool", "name": "training", "id": 0}],
        "submodules": [{"name": "ints", "parameters": [
            {"name": "small", "tensor_id": 2, "is_buffer": True}, {"name": "wide", "tensor_id": 3, "is_buffer": True},
            {"name": "q", "tensor_id": 4, "is_buffer": True}]}]}
    model = {"proto_version": 3, "main_module": main, "tensors": tensors}
    on_disk = json.loads(json.dumps(model))
    for t in on_disk["tensors"]:
        for k in ("dataType", "isQuantized", "zeroPoint"):
            t.pop(k)
    path, _ = write("oldts_int_types_proto3.pt", "archive", on_disk, records, deflated={"tensors/3"},
                    extra={"attributes.pkl": pickle.dumps((True,), protocol=2)})
    camel = {"protoVersion": 3, "mainModule": camelize(main), "tensors": tensors}
    table = [tensor_of(t, records) for t in tensors]
    scripted = torch.jit.script(mirror(camel["mainModule"], table))
    out = []
    for key, t in scripted.state_dict(keep_vars=True).items():
        out.append({"path": key, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                    "sha256": torch_view.sha256(t), "requires_grad": bool(t.requires_grad)})
    q = table[4]
    expected["oldts_int_types_proto3.pt"] = {
        "format": "torchscript", "proto_version": 3, "tensors": out,
        "views": {"ints.wide": {"stride": [2, 1], "offset": 2}},
        "quantized": {"ints.q": {"scale": q.q_scale(), "zero_point": q.q_zero_point()}},
        "shared_storages": [], "pytorch_1_13_load_error": pytorch_load_error(path)}


def camelize(mdef):
    return {"name": mdef["name"],
            "parameters": [{"name": p["name"], "tensorId": p["tensor_id"], "isBuffer": p["is_buffer"]}
                           for p in mdef.get("parameters", [])],
            "submodules": [camelize(s) for s in mdef.get("submodules", [])]}


def broken():
    rec = {"tensors/0": f32(6).tobytes()}

    def base():
        return {"protoVersion": "1", "mainModule": {"name": "M", "parameters": [param("w", 0)]},
                "tensors": [tdef("tensors/0", "FLOAT", [2, 3], [3, 1])]}

    m = base(); m["mainModule"]["parameters"][0]["tensorId"] = "7"
    malformed("bad_tensor_id.pt", m, rec, "tensorId 7", at=m["mainModule"]["parameters"][0])
    m = base(); m["mainModule"]["parameters"][0]["tensorId"] = "x1"
    malformed("tensor_id_not_int.pt", m, rec, "64-bit integer", at=m["mainModule"]["parameters"][0])
    m = base(); del m["mainModule"]["parameters"][0]["tensorId"]
    malformed("no_tensor_id.pt", m, rec, "no tensorId", at=m["mainModule"]["parameters"][0])
    m = base(); m["tensors"][0]["data"]["key"] = "tensors/9"
    malformed("missing_record.pt", m, rec, "tensors/9 is missing", at=m["tensors"][0])
    m = base(); del m["tensors"][0]["data"]
    malformed("no_data_key.pt", m, rec, "no data key", at=m["tensors"][0])
    m = base(); m["tensors"][0]["dims"] = ["2", "4"]
    malformed("dims_past_record.pt", m, rec, "does not fit", at=m["tensors"][0])
    m = base(); m["tensors"][0]["dims"] = ["-2", "3"]
    malformed("negative_dims.pt", m, rec, "negative size", at=m["tensors"][0])
    m = base(); m["tensors"][0]["strides"] = ["1"]
    malformed("dims_strides_mismatch.pt", m, rec, "2 dims but 1 strides", at=m["tensors"][0])
    m = base(); m["tensors"][0]["dims"] = ["4611686018427387904", "4"]
    malformed("dims_overflow.pt", m, rec, "does not fit", at=m["tensors"][0])
    m = base(); m["tensors"][0]["dataType"] = "STRING"
    malformed("string_dtype.pt", m, rec, "STRING is not a tensor element type", at=m["tensors"][0])
    m = base(); m["tensors"][0]["dataType"] = "COMPLEX"
    malformed("unknown_dtype.pt", m, rec, "unknown dataType", at=m["tensors"][0])
    m = base(); m["protoVersion"] = "6"
    malformed("proto_version_6.pt", m, rec, "unsupported protoVersion 6", at=m)
    m = base(); del m["mainModule"]
    malformed("no_main_module.pt", m, rec, "no mainModule", at=m)
    m = base(); m["mainModule"]["parameters"].append(param("w", 0, True))
    malformed("duplicate_name.pt", m, rec, "'w' twice", at=m["mainModule"]["parameters"][1])
    m = base(); m["mainModule"]["parameters"] = {"w": 0}
    malformed("parameters_not_array.pt", m, rec, "must be an array", at=m["mainModule"])
    text = text_of(base())
    cut = text.index('"tensors": [') + len('"tensors": [')  # the parser stops at the end, wanting a value
    malformed("truncated_json.pt", text[:cut], rec, "malformed model.json")
    expected["truncated_json.pt"]["error"]["offset"] = cut


def main():
    os.makedirs(OUT, exist_ok=True)
    linear_model()
    int_types_model()
    broken()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
