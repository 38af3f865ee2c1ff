#!/usr/bin/python3
"""Writes torch4j's test fixtures with real PyTorch, and expected.json: what PyTorch itself sees.

Run with Debian's interpreter, which has PyTorch 1.13 and numpy (python3-torch, python3-numpy):

    /usr/bin/python3 java/core/src/test/python/gen_fixtures.py [OUTPUT_DIR]

Output: java/core/src/test/resources/fixtures/<category>/<file> and fixtures/expected.json (or
OUTPUT_DIR: GeneratorTest regenerates into a temporary folder and compares the structure).
`--view FIXTURES_DIR OUT_JSON` recomputes expected.json from the committed files (GeneratorTest
compares it with the committed one exactly).
Tensor values are deterministic (fixed seeds). Byte-identical output is not guaranteed: legacy
torch.save names storages by memory address, so regenerated legacy files differ in those keys only.

expected.json maps each fixture's path (relative to fixtures/) to:
  format     zip | legacy | pickle | torchscript | mobile (by content, never by extension)
  loaded_by  how the oracle read it: weights_only, full (torch.load with this script's classes),
             jit (torch.jit.load, the module's state_dict), pickle (pickle.load: torch.load cannot),
             stubbed (dangerous callables replaced by inert stubs; the payload never runs)
  tensors    [{path, dtype, shape, sha256}] in file order, as in corpus/pytorch-view.json: sha256 of
             the row-major little-endian element bytes (bool 0/1, complex real then imaginary,
             quantized tensors as int_repr()). Paths: dict keys and list/tuple indices joined with
             '.', the root tensor is "", an nn.Module or TorchScript module contributes its
             state_dict names. numpy arrays (plain pickles) count as tensors of the same dtype.
  unsafe     true when loading must be refused by default (a dangerous global is referenced)
  scan       {verdict: clean|dangerous, findings: [{entry, global, offset}]}: every pickle in the
             file (every *.pkl entry of an archive; each pickle of a legacy file), the dangerous
             globals it references, offset = the GLOBAL/STACK_GLOBAL opcode within the entry
             (within the file when entry is null).
"""

import collections
import hashlib
import io
import json
import os
import pickle
import pickletools
import shutil
import sys
import types
import zipfile

import numpy as np
import torch

import torch_view
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
# Written by the malicious fixtures' payload if anything ever ran it; tests check it never appears.
MARKER = "/tmp/torch4j-pwned-marker"

EXPECTED = collections.OrderedDict()


# ---------------------------------------------------------------- models defined in __main__

class TinyMLP(nn.Module):
    """The README sample: Linear -> BatchNorm -> ReLU -> Linear."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.bn = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


class TiedLM(nn.Module):
    """Embedding and output projection share one weight (tied weights)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.proj = nn.Linear(4, 10, bias=False)
        self.proj.weight = self.emb.weight

    def forward(self, ids):
        return self.proj(self.emb(ids))


class ScriptNet(nn.Module):
    """A small module for TorchScript: a submodule, a parameter and a buffer."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3))
        self.scale = nn.Parameter(torch.linspace(0.5, 1.5, 3))
        self.register_buffer("offset", torch.arange(3, dtype=torch.float32))

    def forward(self, x):
        return self.encoder(x) * self.scale + self.offset


class Evil:
    """Pickles as a call to os.system (posix.system): the payload a safe reader must never run."""

    def __reduce__(self):
        return os.system, ("touch " + MARKER,)


# ---------------------------------------------------------------- what PyTorch sees

def tensor_record(path, t):
    return collections.OrderedDict([
        ("path", path),
        ("dtype", str(t.dtype).replace("torch.", "")),
        ("shape", list(t.shape)),
        ("sha256", torch_view.sha256(t)),
    ])


def ndarray_record(path, a):
    data = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False)
    return collections.OrderedDict([
        ("path", path),
        ("dtype", str(a.dtype.newbyteorder("="))),
        ("shape", list(a.shape)),
        ("sha256", hashlib.sha256(data.tobytes()).hexdigest()),
    ])


def join(prefix, key):
    return str(key) if prefix == "" else prefix + "." + str(key)


def collect(obj, prefix="", out=None):
    out = [] if out is None else out
    if isinstance(obj, torch.Tensor):
        out.append(tensor_record(prefix, obj))
    elif isinstance(obj, np.ndarray):
        out.append(ndarray_record(prefix, obj))
    elif isinstance(obj, (nn.Module, torch.jit.ScriptModule)):
        for k, v in obj.state_dict().items():
            collect(v, join(prefix, k), out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            collect(v, join(prefix, k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            collect(v, join(prefix, i), out)
    return out


class _Stub:
    def __init__(self, *args, **kwargs):
        pass


class _StubbingUnpickler(pickle.Unpickler):
    """Replaces every dangerous global by an inert stub, so a malicious file can be read safely."""

    def find_class(self, module, name):
        if is_dangerous(module, name):
            return _Stub
        return super().find_class(module, name)


def stubbed_torch_load(path):
    """torch.load with dangerous globals stubbed. PyTorch 1.13 ignores torch.load's pickle_module
    unless weights_only (it resets it to the pickle module), so swap the module it falls back to."""
    stubbing = types.ModuleType("pickle")
    stubbing.__dict__.update(pickle.__dict__)
    stubbing.Unpickler = _StubbingUnpickler
    saved = torch.serialization.pickle
    torch.serialization.pickle = stubbing
    try:
        return torch.load(path)
    finally:
        torch.serialization.pickle = saved
        assert not os.path.exists(MARKER), "a payload ran: " + MARKER


def oracle(path, fmt):
    """Loads path the way PyTorch does; returns (loaded_by, object)."""
    if fmt in ("torchscript", "mobile"):
        return "jit", torch.jit.load(path)
    if fmt == "pickle":
        with open(path, "rb") as f:
            return "pickle", pickle.load(f)
    try:
        return "weights_only", torch.load(path, weights_only=True)
    except Exception:
        return "full", torch.load(path)


# ---------------------------------------------------------------- scan expectations

DANGEROUS_MODULES = {"os", "posix", "nt", "subprocess", "sys", "socket", "shutil", "runpy", "pty",
                     "webbrowser", "commands", "importlib", "ctypes", "multiprocessing"}
DANGEROUS_BUILTINS = {"eval", "exec", "execfile", "compile", "open", "__import__", "getattr", "setattr",
                      "delattr", "globals", "locals", "input", "breakpoint", "apply"}


def is_dangerous(module, name):
    top = module.split(".")[0]
    if top in DANGEROUS_MODULES:
        return True
    return module in ("builtins", "__builtin__") and name in DANGEROUS_BUILTINS


def pickle_globals(data, start=0):
    """(offset, 'module.name') of each GLOBAL/STACK_GLOBAL in the pickle at data[start:], and its end."""
    found = []
    strings = []  # recent string pushes, memo-aware enough for STACK_GLOBAL's two operands
    memo = {}
    stream = io.BytesIO(data)
    stream.seek(start)
    end = start
    for op, arg, pos in pickletools.genops(stream):
        name = op.name
        if name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING",
                    "BINSTRING", "STRING"):
            strings.append(arg)
        elif name in ("MEMOIZE",):
            memo[len(memo)] = strings[-1] if strings else None
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = strings[-1] if strings else None
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            strings.append(memo.get(arg))
        elif name == "GLOBAL":
            module, _, attr = arg.partition(" ")
            found.append((pos, module + "." + attr))
        elif name == "STACK_GLOBAL":
            module, attr = strings[-2], strings[-1]
            found.append((pos, "%s.%s" % (module, attr)))
        elif name == "STOP":
            end = pos + 1
    return found, end


def scan_expectation(path, fmt):
    findings = []
    with open(path, "rb") as f:
        data = f.read()
    if fmt in ("zip", "torchscript", "mobile"):
        with zipfile.ZipFile(path) as z:
            for entry in z.namelist():
                if entry.endswith(".pkl") or entry.endswith(".debug_pkl"):
                    found, _ = pickle_globals(z.read(entry))
                    findings += [(entry, off, g) for off, g in found]
    else:
        start = 0
        pickles = 5 if fmt == "legacy" else 1  # magic, protocol, sys_info, object, storage keys
        for _ in range(pickles):
            found, start = pickle_globals(data, start)
            findings += [(None, off, g) for off, g in found]
    dangerous = [(e, o, g) for e, o, g in findings if is_dangerous(*g.rsplit(".", 1))]
    return collections.OrderedDict([
        ("verdict", "dangerous" if dangerous else "clean"),
        ("findings", [collections.OrderedDict([("entry", e), ("global", g), ("offset", o)])
                      for e, o, g in dangerous]),
    ])


# ---------------------------------------------------------------- writing fixtures

def target(rel):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def record(rel, fmt, unsafe=False, verdict=None):
    """Computes what PyTorch sees in an already written fixture."""
    path = os.path.join(OUT, rel)
    entry = collections.OrderedDict([("format", fmt)])
    if unsafe:
        if fmt == "pickle":
            with open(path, "rb") as f:
                obj = _StubbingUnpickler(f).load()
        else:
            obj = stubbed_torch_load(path)
        entry["loaded_by"] = "stubbed"
        entry["unsafe"] = True
    else:
        loaded_by, obj = oracle(path, fmt)
        entry["loaded_by"] = loaded_by
    entry["tensors"] = collect(obj)
    entry["scan"] = scan_expectation(path, fmt)
    assert entry["scan"]["verdict"] == (verdict or ("dangerous" if unsafe else "clean")), rel
    EXPECTED[rel] = entry


def save(rel, obj, fmt="zip", **kwargs):
    if fmt == "legacy":
        kwargs["_use_new_zipfile_serialization"] = False
    torch.save(obj, target(rel), **kwargs)
    record(rel, fmt)


def seeded(seed=0):
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


def mlp_state_dict():
    seeded(1)
    model = TinyMLP()
    model.train()
    with torch.no_grad():  # run batches so BatchNorm's running stats and counter are not defaults
        for _ in range(3):
            model(torch.randn(5, 8))
    return model.state_dict()


def dtype_tensors():
    seeded(2)
    f = torch.tensor([0.0, -0.0, 1.5, -2.25, float("inf"), float("-inf"), float("nan"), 3.14159265358979])
    return collections.OrderedDict([
        ("float64", f.to(torch.float64)),
        ("float32", f.clone()),
        ("float16", f.to(torch.float16)),
        ("bfloat16", f.to(torch.bfloat16)),
        ("complex64", torch.complex(torch.randn(2, 3), torch.randn(2, 3))),
        ("complex128", torch.complex(torch.randn(3, dtype=torch.float64), torch.randn(3, dtype=torch.float64))),
        ("int8", torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)),
        ("int16", torch.tensor([-32768, -2, 0, 300, 32767], dtype=torch.int16)),
        ("int32", torch.tensor([[-2 ** 31, -1], [65536, 2 ** 31 - 1]], dtype=torch.int32)),
        ("int64", torch.tensor([-2 ** 63, -1, 0, 2 ** 40, 2 ** 63 - 1], dtype=torch.int64)),
        ("uint8", torch.tensor([0, 1, 128, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([[True, False, True], [False, False, True]])),
    ])


def views():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    return collections.OrderedDict([
        ("base", base),
        ("transposed", base.t()),
        ("stepped", base[:, ::2]),
        ("offset", base[1:3, 2:5]),
        ("row", base[2]),
        ("element", base[3, 4]),
        ("expanded", torch.arange(3, dtype=torch.float64).unsqueeze(0).expand(4, 3)),
        ("narrowed_only", torch.arange(10, dtype=torch.int32)[7:]),  # saves the whole 10-element storage
    ])


def shared():
    seeded(3)
    model = TiedLM()
    t = torch.randn(3, 2)
    return collections.OrderedDict([
        ("model", model.state_dict()),
        ("a", t),
        ("b", t),  # the very same tensor under two names
        ("a_view", t[1]),
    ])


def scalars_and_empty():
    return collections.OrderedDict([
        ("scalar_float", torch.tensor(3.5)),
        ("scalar_int", torch.tensor(-7)),
        ("scalar_bool", torch.tensor(True)),
        ("scalar_double", torch.tensor(2.0 ** -30, dtype=torch.float64)),
        ("empty", torch.zeros(0)),
        ("empty_3d", torch.zeros(2, 0, 3, dtype=torch.int64)),
        ("one", torch.ones(1, 1, 1)),
    ])


def nested():
    seeded(4)
    return collections.OrderedDict([
        ("config", {"lr": 0.01, "layers": [4, 8, 2], "name": "nested", "flags": (True, None), "ratio": 2.5}),
        ("weights", [torch.randn(2), (torch.randn(1, 2), {"inner": torch.arange(4)})]),
        ("pair", (torch.ones(2, dtype=torch.int16), "text", b"bytes")),
        ("deep", {"a": {"b": {"c": [torch.zeros(1), {"d": torch.eye(2)}]}}}),
        ("int_keys", {0: torch.tensor([1.0]), 7: torch.tensor([2.0])}),
    ])


def adam_state():
    seeded(5)
    model = TinyMLP()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(4, 8)).pow(2).mean().backward()
        opt.step()
    return model, opt


def quantized():
    seeded(6)
    x = torch.randn(3, 4)
    scales = torch.tensor([0.05, 0.1, 0.2], dtype=torch.float64)
    zero_points = torch.tensor([0, 1, -2], dtype=torch.int64)
    return collections.OrderedDict([
        ("per_tensor_quint8", torch.quantize_per_tensor(x, 0.1, 10, torch.quint8)),
        ("per_tensor_qint8", torch.quantize_per_tensor(x, 0.05, -3, torch.qint8)),
        ("per_tensor_qint32", torch.quantize_per_tensor(x, 0.001, 0, torch.qint32)),
        ("per_channel_qint8", torch.quantize_per_channel(x, scales, zero_points, 0, torch.qint8)),
    ])


def lightning_checkpoint():
    model, opt = adam_state()
    state = collections.OrderedDict(("model." + k, v) for k, v in model.state_dict().items())
    return collections.OrderedDict([
        ("epoch", 3),
        ("global_step", 120),
        ("pytorch-lightning_version", "1.9.5"),
        ("state_dict", state),
        ("loops", {"fit_loop": {"epoch_progress": {"current": {"completed": 3}}}}),
        ("callbacks", {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min'}": {
            "best_model_score": torch.tensor(0.125), "best_model_path": "epoch=2.ckpt"}}),
        ("optimizer_states", [opt.state_dict()]),
        ("lr_schedulers", []),
        ("hyper_parameters", {"lr": 1e-3, "hidden": 16, "activation": "relu"}),
    ])


def write_zip_fixtures():
    save("zip/mlp_state_dict.pt", mlp_state_dict())
    save("zip/dtypes.pt", dtype_tensors())
    save("zip/views.pt", views())
    save("zip/shared_storage.pt", shared())
    save("zip/scalars_and_empty.pt", scalars_and_empty())
    save("zip/nested.pt", nested())
    save("zip/adam_optimizer.pt", adam_state()[1].state_dict())
    seeded(7)
    save("zip/whole_module.pt", TinyMLP())
    save("zip/quantized.pt", quantized())
    save("zip/lightning.ckpt", lightning_checkpoint())
    save("zip/root_tensor.pt", torch.arange(6, dtype=torch.float32).reshape(2, 3))
    save("zip/protocol4.pt", views(), pickle_protocol=4)
    save("zip/protocol5.pt", views(), pickle_protocol=5)


def write_legacy_fixtures():
    save("legacy/mlp_state_dict.pt", mlp_state_dict(), fmt="legacy")
    save("legacy/dtypes.pt", dtype_tensors(), fmt="legacy")
    save("legacy/views.pt", views(), fmt="legacy")
    save("legacy/shared_storage.pt", shared(), fmt="legacy")
    save("legacy/scalars_and_empty.pt", scalars_and_empty(), fmt="legacy")
    save("legacy/nested.pt", nested(), fmt="legacy")
    seeded(7)
    save("legacy/whole_module.pt", TinyMLP(), fmt="legacy")
    save("legacy/protocol4.pt", views(), fmt="legacy", pickle_protocol=4)
    save("legacy/protocol5.pt", views(), fmt="legacy", pickle_protocol=5)


def write_pickle_fixtures():
    rng = seeded(8)
    arrays = collections.OrderedDict([
        ("float32", rng.standard_normal((3, 4)).astype(np.float32)),
        ("float64", rng.standard_normal(5)),
        ("int64", np.arange(-3, 3, dtype=np.int64)),
        ("uint8", np.array([[0, 255], [7, 128]], dtype=np.uint8)),
        ("bool", np.array([True, False, True])),
        ("float16", np.array([0.5, -1.0, 65504.0], dtype=np.float16)),
        ("fortran_order", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3))),
        ("scalar_array", np.array(1.25, dtype=np.float64)),
    ])
    with open(target("pickle/numpy_arrays.pkl"), "wb") as f:
        pickle.dump(arrays, f)  # default protocol 4
    record("pickle/numpy_arrays.pkl", "pickle")
    with open(target("pickle/numpy_arrays_protocol2.pkl"), "wb") as f:
        pickle.dump({"a": arrays["float32"], "b": [arrays["int64"]]}, f, protocol=2)
    record("pickle/numpy_arrays_protocol2.pkl", "pickle")

    seeded(9)
    tensors = {"weight": torch.randn(2, 3), "steps": torch.arange(4), "view": torch.arange(10.0)[2:8:2]}
    for proto in (2, 5):
        rel = "pickle/tensors_plain_pickle_protocol%d.pkl" % proto
        with open(target(rel), "wb") as f:
            pickle.dump(tensors, f, protocol=proto)  # tensors go through torch.storage._load_from_bytes
        record(rel, "pickle")


def scriptable():
    seeded(10)
    return ScriptNet().eval()


def write_jit_fixtures():
    scripted = torch.jit.script(scriptable())
    scripted.save(target("torchscript/scripted.pt"))
    record("torchscript/scripted.pt", "torchscript")
    traced = torch.jit.trace(scriptable(), torch.randn(2, 4))
    torch.jit.save(traced, target("torchscript/traced.pt"))
    record("torchscript/traced.pt", "torchscript")
    scripted._c._save_for_mobile(target("mobile/scripted.ptl"))
    record("mobile/scripted.ptl", "mobile")


def write_misleading_fixtures():
    save("misleading/zip_archive.pkl", mlp_state_dict())
    save("misleading/legacy_file.pt", nested(), fmt="legacy")
    torch.jit.script(scriptable()).save(target("misleading/torchscript_module.pth"))
    record("misleading/torchscript_module.pth", "torchscript")
    seeded(11)
    with open(target("misleading/plain_pickle.pt"), "wb") as f:
        pickle.dump({"t": torch.randn(4)}, f, protocol=2)
    record("misleading/plain_pickle.pt", "pickle")


def write_malicious_fixtures():
    # Nothing here is ever unpickled by Python except through _StubbingUnpickler.
    payload = collections.OrderedDict([("weights", [1.0, 2.0]), ("payload", Evil())])
    with open(target("malicious/reduce_system.pkl"), "wb") as f:
        pickle.dump(payload, f, protocol=2)  # GLOBAL 'posix system' + REDUCE
    record("malicious/reduce_system.pkl", "pickle", unsafe=True)
    with open(target("malicious/stack_global.pkl"), "wb") as f:
        pickle.dump(payload, f, protocol=4)  # STACK_GLOBAL
    record("malicious/stack_global.pkl", "pickle", unsafe=True)

    seeded(12)
    mixed = collections.OrderedDict([("weight", torch.randn(2, 2)), ("payload", Evil())])
    torch.save(mixed, target("malicious/zip_data_pkl.pt"))
    record("malicious/zip_data_pkl.pt", "zip", unsafe=True)
    torch.save(mixed, target("malicious/legacy_system.pt"), _use_new_zipfile_serialization=False)
    record("malicious/legacy_system.pt", "legacy", unsafe=True)

    # A clean torch.save archive with one more pickle beside data.pkl: only a scan of every entry finds it.
    rel = "malicious/zip_extra_entry.pt"
    torch.save(mlp_state_dict(), target(rel))
    with zipfile.ZipFile(target(rel), "a") as z:
        root = z.namelist()[0].split("/")[0]
        z.writestr(root + "/extra/evil.pkl", pickle.dumps(Evil(), protocol=2))
    record(rel, "zip", verdict="dangerous")  # PyTorch ignores the extra entry: it loads weights_only


def view_committed(fixtures_dir, out_json):
    """Recomputes expected.json from the committed fixture files without rewriting them. Values that
    come out of training steps differ in the last bits between CPUs (BLAS kernels), so the drift check
    compares PyTorch's view of the committed files, and only the structure of a fresh generation."""
    global OUT
    OUT = fixtures_dir
    with open(os.path.join(fixtures_dir, "expected.json")) as f:
        committed = json.load(f, object_pairs_hook=collections.OrderedDict)
    for rel, entry in committed.items():
        record(rel, entry["format"], unsafe=entry.get("unsafe", False), verdict=entry["scan"]["verdict"])
    assert not os.path.exists(MARKER), "a payload ran: " + MARKER
    with open(out_json, "w") as f:
        json.dump(EXPECTED, f, indent=1)
        f.write("\n")


def main():
    global OUT
    if len(sys.argv) == 4 and sys.argv[1] == "--view":
        view_committed(os.path.abspath(sys.argv[2]), sys.argv[3])
        return
    if len(sys.argv) > 1:
        OUT = os.path.abspath(sys.argv[1])
    if os.path.exists(MARKER):  # left by something else; start clean so the check below means something
        os.remove(MARKER)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    write_zip_fixtures()
    write_legacy_fixtures()
    write_pickle_fixtures()
    write_jit_fixtures()
    write_misleading_fixtures()
    write_malicious_fixtures()
    assert not os.path.exists(MARKER), "a payload ran: " + MARKER
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(EXPECTED, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    print("wrote %d fixtures, %d bytes in all, to %s" % (len(EXPECTED), total, OUT))


if __name__ == "__main__":
    main()
