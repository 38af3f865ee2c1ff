"""Loads safetensors files into PyTorch tensors without the safetensors package (not installed on
the reference machine): the format is an 8-byte little-endian header length, a JSON header of
{name: {dtype, shape, data_offsets}}, then the raw little-endian bytes. Prints, as JSON,
{file: {name: [dtype, shape, sha256]}} with sha256 as PyTorch sees the tensor (torch_view.sha256)."""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "core", "src", "test", "python"))
import torch_view  # noqa: E402

NUMPY = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
         "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        if info["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<u2").astype(np.int16)).view(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, dtype=np.dtype(NUMPY[info["dtype"]]).newbyteorder("<")).copy())
        t = t.reshape(info["shape"])
        out[name] = [str(t.dtype).replace("torch.", ""), list(t.shape), torch_view.sha256(t)]
    return out


if __name__ == "__main__":
    print(json.dumps({p: load(p) for p in sys.argv[1:]}))
