#!/usr/bin/python3
"""Writes the fixtures of `torch4j report` and `torch4j diff` with PyTorch (1.13), and what numpy
says about them: the oracle the Java tests compare with.

    /usr/bin/python3 gen_report_fixtures.py [OUT_DIR]     (default: ../resources/fixtures/report)

stats_model.pt        a state dict of many dtypes, views, tied weights, NaN/Inf, an all-zero bias,
                      a layer 1e4x its siblings' scale, float16 among float32
expected_stats.json   per tensor: count, finite, nan, posinf, neginf, zeros, min, max, mean, std
                      (numpy, float64, over the finite values) and the histogram (see below)
diff_a.pt             weights "model.*" (zip)
diff_a_legacy.pt      the same weights, legacy torch.save format
diff_a.safetensors    the same weights without the "model." prefix, safetensors (header written here
                      by hand: this torch has no safetensors package; the bytes are torch's own)
diff_b.pt             diff_a changed: a tiny change, a big change, a missing, an added, a dtype
                      change and a shape change
expected_diff.json    numpy's verdict for each common tensor at two tolerances

The histogram: bins of width 2^e on a grid anchored at 0, e the smallest exponent with which the
finite values' [min, max] spans at most 32 bins, but at least exponent(max|x|) - 50 and -1074;
counts from numpy.histogram with those exact edges.
"""
import json
import math
import os
import struct
import sys
from fractions import Fraction

import numpy as np
import torch

MAX_BINS = 32
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'fixtures', 'report')


def java_get_exponent(x):
    """Math.getExponent: unbiased exponent; -1023 for zero and subnormals."""
    if x == 0 or abs(x) < 2.0 ** -1022:
        return -1023
    return math.frexp(x)[1] - 1


def floor_scaled(x, e):
    return math.floor(Fraction(x) / (Fraction(2) ** e))


def histogram(f):
    lo, hi = float(f.min()), float(f.max())
    e = max(java_get_exponent(max(abs(lo), abs(hi))) - 50, -1074)
    while floor_scaled(hi, e) - floor_scaled(lo, e) + 1 > MAX_BINS:
        e += 1
    k0 = floor_scaled(lo, e)
    bins = floor_scaled(hi, e) - k0 + 1
    edges = np.array([float(Fraction(k0 + i) * Fraction(2) ** e) for i in range(bins + 1)])
    counts, _ = np.histogram(f, bins=edges)
    return {'exponent': e, 'low': float(edges[0]), 'counts': [int(c) for c in counts]}


def stats(t):
    a = t.detach().double().numpy().ravel() if t.dtype != torch.bool else t.numpy().ravel().astype(np.float64)
    fin = a[np.isfinite(a)]
    out = {
        'dtype': str(t.dtype).replace('torch.', ''),
        'count': int(a.size), 'finite': int(fin.size), 'nan': int(np.isnan(a).sum()),
        'posinf': int(np.isposinf(a).sum()), 'neginf': int(np.isneginf(a).sum()), 'zeros': int((a == 0).sum()),
    }
    if fin.size:
        out.update(min=float(fin.min()), max=float(fin.max()), mean=float(np.mean(fin)), std=float(np.std(fin)),
                   histogram=histogram(fin))
    return out


def stats_model():
    g = torch.Generator().manual_seed(1234)
    sd = {}
    for i in range(4):
        sd[f'layers.{i}.weight'] = torch.randn(64, 32, generator=g) * 0.05 * (1e4 if i == 2 else 1)
        sd[f'layers.{i}.bias'] = torch.zeros(64) if i == 1 else torch.randn(64, generator=g) * 0.01
    sd['head.weight'] = (torch.randn(10, 64, generator=g) * 0.1).half()
    sd['head.bias'] = torch.randn(10, generator=g).bfloat16()
    sd['emb.weight'] = torch.randn(100, 16, generator=g, dtype=torch.float64) * 1e3 + 5
    bad = torch.randn(50, generator=g)
    bad[3] = float('nan')
    bad[7] = float('inf')
    bad[9] = float('-inf')
    sd['bad.weight'] = bad
    sd['counts'] = torch.randint(-500, 2000, (1000,), generator=g)
    sd['mask'] = torch.rand(100, generator=g) > 0.3
    sd['img'] = torch.randint(0, 256, (3, 20, 20), generator=g, dtype=torch.uint8)
    sd['transposed'] = torch.randn(20, 30, generator=g).t()
    sd['tied.weight'] = sd['layers.0.weight']
    sd['scalar'] = torch.tensor(3.5)
    sd['empty'] = torch.zeros(0, 4)
    sd['narrow'] = 1 + (torch.rand(5000, generator=g) - 0.5) * 0.2
    sd['tiny'] = torch.randn(100, generator=g) * 1e-30
    sd['bn.num_batches_tracked'] = torch.tensor(0)
    sd['cplx'] = torch.randn(4, dtype=torch.complex64, generator=g)
    torch.save(sd, os.path.join(OUT, 'stats_model.pt'))
    return {p: stats(t) for p, t in sd.items() if not t.is_complex()}


def write_safetensors(tensors, path):
    names = {torch.float32: 'F32', torch.float16: 'F16', torch.int64: 'I64'}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))


def compare(a, b, atol, rtol):
    """What CheckpointDiff must say about one common tensor (B is the reference, NaN equals NaN)."""
    if list(a.shape) != list(b.shape):
        return {'status': 'shape_changed'}
    x = a.double().numpy().ravel()
    y = b.double().numpy().ravel()
    same = (x == y) | (np.isnan(x) & np.isnan(y))
    with np.errstate(invalid='ignore', divide='ignore'):
        diff = np.where(same, 0.0, np.abs(x - y))
        diff = np.where(np.isnan(diff), np.inf, diff)
        rel = np.where(same, 0.0, diff / np.abs(y))
        rel = np.where(np.isnan(rel), np.inf, rel)
    outside = int((~np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)).sum())
    max_abs = float(diff.max()) if diff.size else 0.0
    status = ('different' if outside else 'dtype_changed' if a.dtype != b.dtype
              else 'close' if max_abs > 0 else 'equal')
    return {'status': status, 'outside': outside, 'max_abs': max_abs, 'max_rel': float(rel.max()) if rel.size else 0.0}


def diff_fixtures():
    g = torch.Generator().manual_seed(99)
    a = {
        'model.enc.weight': torch.randn(32, 16, generator=g),
        'model.enc.bias': torch.randn(32, generator=g),
        'model.dec.weight': torch.randn(16, 32, generator=g),
        'model.dec.bias': torch.randn(16, generator=g),
        'model.norm.weight': torch.rand(16, generator=g) + 0.5,
        'model.nan': torch.tensor([1.0, float('nan'), float('inf'), -2.0]),
        'model.step': torch.tensor(1000),
    }
    torch.save(a, os.path.join(OUT, 'diff_a.pt'))
    torch.save(a, os.path.join(OUT, 'diff_a_legacy.pt'), _use_new_zipfile_serialization=False)
    write_safetensors({k[len('model.'):]: v for k, v in a.items()}, os.path.join(OUT, 'diff_a.safetensors'))
    b = dict(a)
    b['model.enc.weight'] = a['model.enc.weight'] * (1 + 1e-7)
    enc_bias = a['model.enc.bias'].clone()
    enc_bias[[2, 5, 30]] += torch.tensor([0.5, -3.0, 1e-3])
    b['model.enc.bias'] = enc_bias
    del b['model.dec.weight']
    b['model.extra'] = torch.ones(3)
    b['model.norm.weight'] = a['model.norm.weight'].half()
    b['model.dec.bias'] = torch.randn(17, generator=g)
    torch.save(b, os.path.join(OUT, 'diff_b.pt'))
    expected = {'only_in_a': [k for k in a if k not in b], 'only_in_b': [k for k in b if k not in a],
                'tolerances': {}}
    for name, (atol, rtol) in {'default': (1e-8, 1e-5), 'loose': (1e-6, 1e-3)}.items():
        expected['tolerances'][name] = {
            'atol': atol, 'rtol': rtol,
            'tensors': {k: compare(a[k], b[k], atol, rtol) for k in a if k in b}}
    return expected


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'expected_stats.json'), 'w') as f:
        json.dump(stats_model(), f, indent=1, sort_keys=True)
        f.write('\n')
    with open(os.path.join(OUT, 'expected_diff.json'), 'w') as f:
        json.dump(diff_fixtures(), f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
