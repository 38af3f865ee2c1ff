#!/usr/bin/python3
"""Writes the container-format fixtures torch4j's format tests read, and what PyTorch says about them.

Run with the reference interpreter (PyTorch 1.13): /usr/bin/python3 gen_format_fixtures.py
Output: java/core/src/test/resources/format/*.{pt,pkl} and expected.json (legacy storage keys are
memory addresses, so re-running changes those bytes, never the expectations). Every expected value is
computed by PyTorch loading the written file (torch.load), never by torch4j.
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import tarfile
import zipfile

import torch

import torch_view

# TORCH4J_FIXTURES_OUT redirects the output (GeneratorDriftTest regenerates into a temporary folder).
OUT = os.environ.get("TORCH4J_FIXTURES_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "format")
MAGIC = 0x1950a86a20f9469cfc6c
torch.manual_seed(1234)
expected = {}


def describe(t):
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "sha256": torch_view.sha256(t)}


def flatten(obj, prefix=""):
    """Tensor paths as torch4j names them: dict keys / list indices joined with dots."""
    out = collections.OrderedDict()
    if isinstance(obj, torch.Tensor) and obj.layout == torch.sparse_coo:
        out[join(prefix, "indices")] = describe(obj._indices())
        out[join(prefix, "values")] = describe(obj._values())
    elif isinstance(obj, torch.Tensor):
        out[prefix] = describe(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, join(prefix, str(k))))
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            out.update(flatten(v, join(prefix, str(i))))
    elif isinstance(obj, torch.nn.Module):
        for k, v in obj.state_dict().items():
            out[join(prefix, k)] = describe(v)
    return out


def join(p, s):
    return s if p == "" else p + "." + s


def path(name):
    return os.path.join(OUT, name)


def record(name, fmt, extra=None):
    """Loads the written file with PyTorch and stores its tensors as the expectation."""
    obj = torch.load(path(name), map_location="cpu")
    entry = {"format": fmt, "tensors": [dict(path=k, **v) for k, v in flatten(obj).items()]}
    if extra:
        entry.update(extra)
    expected[name] = entry


def record_error(name, why):
    expected[name] = {"error": why}


# ---- zip variants ----------------------------------------------------------------------------

def rewrite_zip(src, dst, transform):
    """Copies a torch.save zip entry by entry (STORED), letting transform(name, bytes) edit each."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = transform(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0)), data)


def big_endian_zip():
    obj = {"f32": torch.randn(3, 4), "i64": torch.arange(-5, 5), "f16": torch.randn(6).half(),
           "f64": torch.randn(2, 2).double()}
    torch.save(obj, path("tmp_le.pt"))
    dtypes = {}
    with zipfile.ZipFile(path("tmp_le.pt")) as z:
        data = z.read([n for n in z.namelist() if n.endswith("data.pkl")][0])

    class Peek(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch._utils" and name == "_rebuild_tensor_v2":
                return lambda s, *a: None
            return getattr(__import__(module, fromlist=[name]), name)

        def persistent_load(self, pid):
            dtypes[pid[2]] = pid[1].dtype
            return None

    Peek(io.BytesIO(data)).load()
    sizes = {torch.float32: 4, torch.int64: 8, torch.float16: 2, torch.float64: 8}

    def swap(name, b):
        if name.endswith("/byteorder"):
            return b"big"
        key = name.rsplit("/", 1)[1]
        if "/data/" in name and key in dtypes:
            n = sizes[dtypes[key]]
            return b"".join(b[i:i + n][::-1] for i in range(0, len(b), n))
        return b

    rewrite_zip(path("tmp_le.pt"), path("zip_big_endian.pt"), swap)
    with zipfile.ZipFile(path("zip_big_endian.pt"), "a") as z:
        if not any(n.endswith("/byteorder") for n in z.namelist()):  # PyTorch 1.13 writes none
            z.writestr(zipfile.ZipInfo("tmp_le/byteorder", date_time=(2020, 1, 1, 0, 0, 0)), b"big")
    os.remove(path("tmp_le.pt"))
    # PyTorch 1.13 ignores the byteorder record, so the expectation comes from the original tensors.
    expected["zip_big_endian.pt"] = {"format": "zip", "byteorder": "big",
                                     "tensors": [dict(path=k, **v) for k, v in flatten(obj).items()]}


def crc_zero_zip():
    """A torch.save zip whose CRC fields are all 0, as some writers leave them."""
    torch.save({"w": torch.randn(5, 3), "b": torch.zeros(5)}, path("zip_crc0.pt"))
    record("zip_crc0.pt", "zip")  # PyTorch checks CRCs: its view is taken before they are zeroed
    data = bytearray(open(path("zip_crc0.pt"), "rb").read())
    for sig, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16), (b"PK\x07\x08", 4)):
        i = data.find(sig)
        while i >= 0:
            data[i + crc_at:i + crc_at + 4] = b"\0\0\0\0"
            i = data.find(sig, i + 4)
    open(path("zip_crc0.pt"), "wb").write(bytes(data))


def cuda_location_zip():
    obj = {"w": torch.randn(4, 4), "step": torch.tensor(7)}
    torch.save(obj, path("tmp.pt"))

    def relocate(name, b):
        if name.endswith("data.pkl"):
            return b.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
        return b

    rewrite_zip(path("tmp.pt"), path("zip_cuda_location.pt"), relocate)
    os.remove(path("tmp.pt"))
    record("zip_cuda_location.pt", "zip", {"device": "cuda:0"})


def quantized_zip():
    x = torch.randn(4, 6)
    obj = {"per_tensor": torch.quantize_per_tensor(x, 0.05, 3, torch.qint8),
           "per_channel": torch.quantize_per_channel(x, torch.tensor([0.1, 0.2, 0.05, 0.3]),
                                                     torch.tensor([0, 1, -1, 2]), 0, torch.qint8),
           "quint8": torch.quantize_per_tensor(x, 0.1, 10, torch.quint8)}
    torch.save(obj, path("zip_quantized.pt"))
    record("zip_quantized.pt", "zip", {"quantization": {
        "per_tensor": {"scheme": "per_tensor_affine", "scale": 0.05, "zero_point": 3},
        "per_channel": {"scheme": "per_channel_affine", "axis": 0}}})


def sparse_zip():
    i = torch.tensor([[0, 1, 2], [2, 0, 1]])
    v = torch.tensor([3.0, 4.0, 5.0])
    torch.save({"s": torch.sparse_coo_tensor(i, v, (3, 3)), "dense": torch.ones(2)}, path("zip_sparse.pt"))
    record("zip_sparse.pt", "zip", {"sparse": {"s": [3, 3]}})


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(3, 4)
        self.fc2 = torch.nn.Linear(4, 2, bias=False)
        self.bn = torch.nn.BatchNorm1d(4)
        self.register_buffer("scratch", torch.ones(2), persistent=False)
        self.seq = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())


def module_zip():
    net = Net()
    torch.save({"model": net, "epoch": 3}, path("zip_module.pt"))
    record("zip_module.pt", "zip", {"state_dict": list(net.state_dict().keys())})


def shared_and_views_zip():
    base = torch.arange(12.0)
    obj = {"base": base, "view": base[2:8].view(2, 3), "tied": base, "t": base.view(3, 4).t()}
    torch.save(obj, path("zip_shared_views.pt"))
    record("zip_shared_views.pt", "zip", {"shared": ["base", "view", "tied", "t"]})


def recursive_pickle_zip():
    loop = [torch.ones(2)]
    loop.append(loop)
    torch.save({"loop": loop}, path("zip_recursive.pt"))
    expected["zip_recursive.pt"] = {"format": "zip", "tensors": [dict(path="loop.0", **describe(torch.ones(2)))]}


# ---- legacy (non-zip) ------------------------------------------------------------------------

class StorageId:
    def __init__(self, storage_type, key, location, numel, view=None):
        self.pid = ("storage", storage_type, key, location, numel, view)


class TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, self.args


class LegacyPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return obj.pid if isinstance(obj, StorageId) else None


def write_legacy(name, obj, storages):
    """storages: [(key, numpy-able tensor)] in key order; obj refers to them through StorageId/TensorRef."""
    with open(path(name), "wb") as f:
        pickle.dump(MAGIC, f, protocol=2)
        pickle.dump(1001, f, protocol=2)
        pickle.dump({"protocol_version": 1001, "little_endian": True,
                     "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
        LegacyPickler(f, protocol=2).dump(obj)
        pickle.dump([k for k, _ in storages], f, protocol=2)
        for _, t in storages:
            f.write(struct.pack("<q", t.numel()))
            f.write(t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes())


def legacy_views():
    root = torch.arange(10, dtype=torch.float32)
    whole = StorageId(torch.FloatStorage, "100", "cpu", 10)
    view = StorageId(torch.FloatStorage, "100", "cpu", 10, ("101", 4, 5))
    obj = collections.OrderedDict([
        ("whole", TensorRef(whole, 0, (2, 5), (5, 1))),
        ("in_view", TensorRef(view, 1, (3,), (1,))),
        ("shared", TensorRef(whole, 3, (2,), (2,))),
    ])
    write_legacy("legacy_views.pt", obj, [("100", root)])
    record("legacy_views.pt", "legacy")


def legacy_cuda_location():
    w = torch.randn(3, 2)
    s = StorageId(torch.cuda.FloatStorage, "7", "cuda:0", 6)
    write_legacy("legacy_cuda.pt", {"w": TensorRef(s, 0, (3, 2), (2, 1))}, [("7", w.reshape(-1))])
    record("legacy_cuda.pt", "legacy", {"device": "cuda:0"})


def legacy_torch_save():
    obj = {"a": torch.randn(2, 3), "b": torch.arange(4, dtype=torch.int32), "c": [torch.tensor(True)]}
    torch.save(obj, path("legacy_save.pt"), _use_new_zipfile_serialization=False)
    record("legacy_save.pt", "legacy")


def legacy_tar():
    """The 0.1.x layout, written by hand to the structure torch.serialization.legacy_load reads."""
    data = torch.arange(6, dtype=torch.float32)
    storages = io.BytesIO()
    pickle.dump(1, storages, protocol=2)
    pickle.dump((11, "cpu", torch.FloatStorage), storages, protocol=2)
    storages.write(struct.pack("<q", 6) + data.numpy().tobytes())
    pickle.dump([(12, 11, 2, 3)], storages, protocol=2)  # storage 12: view of 11 from element 2, 3 long
    tensors = io.BytesIO()
    pickle.dump(2, tensors, protocol=2)
    pickle.dump((21, 11, torch.FloatTensor), tensors, protocol=2)
    tensors.write(struct.pack("<i", 2) + b"\0\0\0\0" + struct.pack("<qq", 2, 3) + struct.pack("<qq", 3, 1)
                  + struct.pack("<q", 0))
    pickle.dump((22, 12, torch.FloatTensor), tensors, protocol=2)
    tensors.write(struct.pack("<i", 1) + b"\0\0\0\0" + struct.pack("<q", 2) + struct.pack("<q", 1)
                  + struct.pack("<q", 1))

    class Ref:
        def __init__(self, key):
            self.key = key

    class TarPickler(pickle.Pickler):
        def persistent_id(self, obj):
            return str(obj.key) if isinstance(obj, Ref) else None

    main = io.BytesIO()
    TarPickler(main, protocol=2).dump({"matrix": Ref(21), "from_view": Ref(22)})
    with tarfile.open(path("legacy_tar.pt"), "w", format=tarfile.PAX_FORMAT) as tar:
        for name, buf in (("sys_info", pickle.dumps({"little_endian": True}, protocol=2)),
                          ("pickle", main.getvalue()), ("storages", storages.getvalue()),
                          ("tensors", tensors.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(buf)
            tar.addfile(info, io.BytesIO(buf))
    record("legacy_tar.pt", "legacy")


# ---- plain pickles ---------------------------------------------------------------------------

def load_from_bytes_pickle():
    obj = {"t": torch.randn(2, 2), "n": 5, "list": [torch.arange(3)]}
    with open(path("pickle_load_from_bytes.pkl"), "wb") as f:
        pickle.dump(obj, f, protocol=2)
    with open(path("pickle_load_from_bytes.pkl"), "rb") as f:
        back = pickle.load(f)
    expected["pickle_load_from_bytes.pkl"] = {"format": "pickle",
                                              "tensors": [dict(path=k, **v) for k, v in flatten(back).items()]}


# ---- broken files ----------------------------------------------------------------------------

def broken():
    with open(path("garbage_3_bytes.pt"), "wb") as f:
        f.write(b"\x01\x02\x03")
    record_error("garbage_3_bytes.pt", "too short")
    with open(path("garbage_text.pt"), "wb") as f:
        f.write(b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1234\n")
    record_error("garbage_text.pt", "not a PyTorch file")
    good = open(path("legacy_save.pt"), "rb").read()
    with open(path("legacy_truncated.pt"), "wb") as f:
        f.write(good[:len(good) - 20])
    record_error("legacy_truncated.pt", "truncated")
    z = open(path("zip_sparse.pt"), "rb").read()
    with open(path("zip_truncated.pt"), "wb") as f:
        f.write(z[:len(z) // 2])
    record_error("zip_truncated.pt", "truncated")
    # data.pkl with a corrupted opcode: find its STORED bytes and flip the PROTO opcode's successor.
    rewrite_zip(path("zip_sparse.pt"), path("zip_corrupt_pickle.pt"),
                lambda n, b: b[:2] + b"\xff" + b[3:] if n.endswith("data.pkl") else b)
    record_error("zip_corrupt_pickle.pt", "bad opcode")
    # A storage entry shorter than its persistent id declares.
    rewrite_zip(path("zip_sparse.pt"), path("zip_short_storage.pt"),
                lambda n, b: b[:4] if n.endswith("/data/1") or n.endswith("/data/0") else b)
    record_error("zip_short_storage.pt", "storage too short")
    # A tensor whose size reaches past its storage.
    obj = {"x": torch.arange(4.0)}
    torch.save(obj, path("tmp.pt"))
    rewrite_zip(path("tmp.pt"), path("zip_tensor_outside_storage.pt"),
                lambda n, b: b.replace(b"K\x04\x85", b"K\x09\x85") if n.endswith("data.pkl") else b)
    os.remove(path("tmp.pt"))
    record_error("zip_tensor_outside_storage.pt", "tensor outside storage")


def main():
    os.makedirs(OUT, exist_ok=True)
    big_endian_zip()
    crc_zero_zip()
    cuda_location_zip()
    quantized_zip()
    sparse_zip()
    module_zip()
    shared_and_views_zip()
    recursive_pickle_zip()
    legacy_views()
    legacy_cuda_location()
    legacy_torch_save()
    legacy_tar()
    load_from_bytes_pickle()
    broken()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
