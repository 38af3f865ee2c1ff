#!/usr/bin/python3
"""Writes the benchmark workloads with real PyTorch (run with /usr/bin/python3, PyTorch 1.13).

    make_workloads.py OUT_DIR [--scale 1.0]

Files (reproducible: fixed seeds, fixed shapes, fixed order):
  large.pt        ~1 GiB float32/bfloat16 mix, 219 tensors, LLM-like shapes, zip format
  many.pt         20,000 small tensors (~108 MiB), zip format: metadata-bound
  legacy.pt       the large content, _use_new_zipfile_serialization=False
  pickle.pkl      plain pickle.dump (protocol 4) of a ~200 MiB state_dict of numpy arrays
                  (numpy has no bfloat16: those tensors become float16)
  safetensors.safetensors  the large content as safetensors (written by hand: format is
                  8-byte LE header size + JSON header + raw little-endian data)
  workloads.json  manifest: tensor count and tensor bytes per workload, the scale, the writer

--scale multiplies the first dimension of every shape (bytes scale linearly, tensor counts stay).
Shapes must stay in sync with dev.torch4j.bench.WorkloadSpec (the torch4j-writer fallback).
"""
import collections
import json
import os
import pickle
import struct
import sys

import torch

# A small Llama-like decoder: ~1 GiB at scale 1.
VOCAB, HIDDEN, INTER, LAYERS = 32000, 1024, 3072, 24
MANY_COUNT = 20000
MANY_SHAPES = [([36, 36], torch.float32), ([64, 48], torch.bfloat16), ([24, 64], torch.float32),
               ([128], torch.float32), ([40, 64], torch.float32)]
PICKLE_BYTES = 200 << 20


def scaled(shape, scale):
    return [max(1, round(shape[0] * scale))] + list(shape[1:])


def large_spec(scale):
    f32, bf16 = torch.float32, torch.bfloat16
    spec = [("model.embed_tokens.weight", [VOCAB, HIDDEN], bf16)]
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
            spec.append((p + f"self_attn.{n}.weight", [HIDDEN, HIDDEN], f32))
        spec.append((p + "mlp.gate_proj.weight", [INTER, HIDDEN], bf16))
        spec.append((p + "mlp.up_proj.weight", [INTER, HIDDEN], bf16))
        spec.append((p + "mlp.down_proj.weight", [HIDDEN, INTER], bf16))
        spec.append((p + "input_layernorm.weight", [HIDDEN], f32))
        spec.append((p + "post_attention_layernorm.weight", [HIDDEN], f32))
    spec.append(("model.norm.weight", [HIDDEN], f32))
    spec.append(("lm_head.weight", [VOCAB, HIDDEN], f32))
    return [(n, scaled(s, scale), d) for n, s, d in spec]


def many_spec(scale):
    return [(f"blocks.{i // 5}.p{i % 5}", scaled(MANY_SHAPES[i % 5][0], scale), MANY_SHAPES[i % 5][1])
            for i in range(MANY_COUNT)]


def build(spec, seed):
    g = torch.Generator().manual_seed(seed)
    out = collections.OrderedDict()
    for name, shape, dtype in spec:
        out[name] = torch.empty(shape, dtype=torch.float32).normal_(0, 0.02, generator=g).to(dtype)
    return out


def nbytes(t):
    return t.numel() * t.element_size()


def write_safetensors(path, sd):
    names = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for k, t in sd.items():
        header[k] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + nbytes(t)]}
        offset += nbytes(t)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # the data starts 8-byte aligned, as the safetensors library does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for t in sd.values():
            # bfloat16 has no numpy type: its bits, as int16, are the same bytes.
            raw = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
            f.write(raw.contiguous().numpy().tobytes())


def to_numpy(t):
    return (t.to(torch.float16) if t.dtype == torch.bfloat16 else t).numpy()


def main(argv):
    out = argv[1]
    scale = float(argv[argv.index("--scale") + 1]) if "--scale" in argv else 1.0
    os.makedirs(out, exist_ok=True)
    manifest = {"scale": scale, "writer": "pytorch " + torch.__version__, "workloads": {}}

    def record(name, file, tensors):
        manifest["workloads"][name] = {"file": file, "tensors": len(tensors),
                                       "bytes": sum(nbytes(t) for t in tensors)}
        print(f"{name}: {file} {len(tensors)} tensors, {manifest['workloads'][name]['bytes'] / 2**20:.1f} MiB "
              f"(file {os.path.getsize(os.path.join(out, file)) / 2**20:.1f} MiB)", flush=True)

    large = build(large_spec(scale), 0)
    torch.save(large, os.path.join(out, "large.pt"))
    record("large", "large.pt", list(large.values()))
    torch.save(large, os.path.join(out, "legacy.pt"), _use_new_zipfile_serialization=False)
    record("legacy", "legacy.pt", list(large.values()))
    write_safetensors(os.path.join(out, "safetensors.safetensors"), large)
    record("safetensors", "safetensors.safetensors", list(large.values()))

    arrays, total = collections.OrderedDict(), 0
    for k, t in large.items():
        if total >= PICKLE_BYTES * scale:
            break
        arrays[k] = to_numpy(t)
        total += arrays[k].nbytes
    with open(os.path.join(out, "pickle.pkl"), "wb") as f:
        pickle.dump(arrays, f, protocol=4)
    manifest["workloads"]["pickle"] = {"file": "pickle.pkl", "tensors": len(arrays), "bytes": total}
    print(f"pickle: pickle.pkl {len(arrays)} arrays, {total / 2**20:.1f} MiB", flush=True)
    del large, arrays

    many = build(many_spec(scale), 1)
    torch.save(many, os.path.join(out, "many.pt"))
    record("many", "many.pt", list(many.values()))

    # 1 MiB reference file for the inspect-RSS comparison.
    tiny = build([("weight", [512, 512], torch.float32)], 2)
    torch.save(tiny, os.path.join(out, "tiny.pt"))
    record("tiny", "tiny.pt", list(tiny.values()))

    with open(os.path.join(out, "workloads.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
