#!/usr/bin/python3
"""The Python side of the side-by-side: what a user would otherwise run, on the same files.

    pytorch_side.py WORKLOAD_DIR OUT_JSON [--repeats N]

Per workload, best and median of N runs (page cache warm: every file is read once first):
  load        torch.load(f) (pickle.pkl: pickle.load; safetensors: header JSON + torch.frombuffer
              over the file read into memory, what safetensors.torch.load does; the safetensors
              package is not installed here)
  load_touch  the same, then every byte of every tensor read: a wrapping int64 sum over the tensor
              bytes (int64 words where the byte count allows, else uint8), like torch4j's pass.
torch.load(mmap=True) needs PyTorch >= 2.1; the JSON says whether this PyTorch has it.
"""
import inspect
import json
import os
import pickle
import statistics
import struct
import sys
import time

import numpy as np
import torch

ST_DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def load_safetensors(path):
    data = bytearray(os.path.getsize(path))
    with open(path, "rb", buffering=0) as f:
        f.readinto(data)
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        dt = ST_DTYPES[v["dtype"]]
        count = (b - a) // torch.tensor([], dtype=dt).element_size()
        out[k] = torch.frombuffer(data, dtype=dt, count=count, offset=8 + n + a).reshape(v["shape"])
    return out


def loader(name, path):
    if name == "pickle":
        def load():
            with open(path, "rb") as f:
                return pickle.load(f)
        return load
    if name == "safetensors":
        return lambda: load_safetensors(path)
    return lambda: torch.load(path)


def touch(sd):
    s = 0
    for v in sd.values():
        t = torch.from_numpy(v) if isinstance(v, np.ndarray) else v
        flat = t.reshape(-1).view(torch.uint8)
        if flat.numel() % 8 == 0:
            s += int(flat.view(torch.int64).sum())
        else:
            s += int(flat.sum())
    return s


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"best_ms": 1000 * min(times), "median_ms": 1000 * statistics.median(times), "runs": len(times)}


def main(argv):
    wdir, out = argv[1], argv[2]
    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 5
    only = argv[argv.index("--only") + 1].split(",") if "--only" in argv else None
    manifest = json.load(open(os.path.join(wdir, "workloads.json")))
    torch.set_num_threads(1)  # torch4j's pass is single-threaded too
    result = {"torch": torch.__version__, "python": sys.version.split()[0],
              "mmap_supported": "mmap" in inspect.signature(torch.load).parameters,
              "repeats": repeats, "workloads": {}}
    for name, w in manifest["workloads"].items():
        if name == "tiny" or (only and name not in only):
            continue
        path = os.path.join(wdir, w["file"])
        with open(path, "rb") as f:  # warm the page cache
            while f.read(1 << 24):
                pass
        load = loader(name, path)
        r = {"load": timed(load, repeats), "load_touch": timed(lambda: touch(load()), repeats),
             "bytes": w["bytes"], "tensors": w["tensors"]}
        result["workloads"][name] = r
        print(f"python {name}: load {r['load']['best_ms']:.1f} ms, load+touch {r['load_touch']['best_ms']:.1f} ms",
              flush=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
