#!/usr/bin/python3
"""Writes the tensor test fixtures with PyTorch (1.13) as the oracle.

Run from anywhere with /usr/bin/python3 (the interpreter that has torch). Output goes to
java/core/src/test/resources/tensor/:
  half_to_float.bin.gz      65536 x uint32 LE: float32 bits PyTorch gives for each float16 bit pattern
  bfloat16_to_float.bin.gz  the same for bfloat16
  float_to_half.bin.gz      records (uint32 float32 bits, uint16 float16 bits, uint16 bfloat16 bits), LE,
                            from PyTorch's conversions (bfloat16 NaN: c10's scalar rule, see below)
  views.txt                 strided views: storage bytes, layout, PyTorch's .contiguous() bytes and casts
"""
import gzip
import os
import struct

import numpy as np
import torch

# TORCH4J_FIXTURES_OUT redirects the output (GeneratorDriftTest regenerates into a temporary folder).
OUT = os.environ.get("TORCH4J_FIXTURES_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'tensor')


def write_gz(name, data):
    # mtime=0 keeps regenerated files byte-identical
    with open(os.path.join(OUT, name), 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as f:
        f.write(data)


def f32(bits):
    return np.array(bits, dtype=np.uint32).view(np.float32)


def tables():
    patterns = torch.from_numpy(np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.int16))
    half = patterns.view(torch.float16).float().numpy().view(np.uint32)
    bf = patterns.view(torch.bfloat16).float().numpy().view(np.uint32)
    write_gz('half_to_float.bin.gz', half.astype('<u4').tobytes())
    write_gz('bfloat16_to_float.bin.gz', bf.astype('<u4').tobytes())
    return half


def float_samples(half_table):
    rng = np.random.default_rng(1234)
    vals = set()
    specials = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
                0xFF812345, 0x7FFFFFFF, 0x7FC00001, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0xFF7FFFFF,
                0x3F800000, 0xBF800000]
    vals.update(specials)
    finite = [b for b in range(65536) if (b & 0x7C00) != 0x7C00]
    for b in finite:
        if rng.random() < 0.1 or (b & 0x7FFF) < 0x0410 and rng.random() < 0.5:
            vals.add(int(half_table[b]))
    # float16 ties and near-ties: midpoints between neighbouring halfs (normal and subnormal), +-1 ulp
    pos = [b for b in range(0x0000, 0x7C00)]
    for b in pos:
        if b % 7 != 0 and b > 0x0420 and b < 0x7BF0:
            continue
        lo = np.float64(f32(half_table[b]))
        hi = np.float64(f32(half_table[b + 1])) if b + 1 < 0x7C00 else 65536.0
        mid = np.float32((lo + hi) / 2)
        mb = int(np.array([mid], dtype=np.float32).view(np.uint32)[0])
        for d in (-1, 0, 1):
            vals.add(mb + d)
            vals.add((mb + d) | 0x80000000)
    # below the smallest subnormal: 2^-25 is the tie to zero
    for e in (0x33000000, 0x32FFFFFF, 0x33000001, 0x33400000, 0x32800000):
        vals.add(e)
        vals.add(e | 0x80000000)
    # overflow boundary: 65504 max, 65520 the tie that rounds to inf
    for v in (65504.0, 65519.996, 65520.0, 65520.004, 70000.0, 1e10):
        b = int(np.array([v], dtype=np.float32).view(np.uint32)[0])
        vals.update((b - 1, b, b + 1, b | 0x80000000))
    # bfloat16 ties: low 16 bits exactly 0x8000, with even and odd kept mantissa, and neighbours
    for hi16 in rng.integers(0, 0x7F80, 400):
        base = int(hi16) << 16
        for low in (0x7FFF, 0x8000, 0x8001, 0x0000, 0xFFFF):
            vals.add(base | low)
            vals.add((base | low) | 0x80000000)
    vals.update(int(x) for x in rng.integers(0, 2**32, 3000, dtype=np.uint64))
    vals.update(int(x) for x in np.abs(rng.normal(0, 100, 1000)).astype(np.float32).view(np.uint32))
    vals.update(int(x) for x in (rng.normal(0, 1e-5, 500)).astype(np.float32).view(np.uint32))
    bits = np.array(sorted(v & 0xFFFFFFFF for v in vals), dtype=np.uint32)
    t = torch.from_numpy(bits.view(np.float32).copy())
    half = t.half().view(torch.int16).numpy().view(np.uint16)
    # A strided source makes PyTorch take the scalar c10 conversions (c10::Half, c10::BFloat16):
    # bfloat16 NaN -> 0x7FC0 there, while the vectorised path of Tensor.to() (what users run on
    # whole tensors, 1.13 and 2.x on x86) writes 0xFFFF. torch4j follows Tensor.to(): the expected
    # bfloat16 column is the vectorised one; both paths must agree on everything but NaN.
    doubled = torch.from_numpy(np.repeat(bits, 2).view(np.float32).copy())[::2]
    half_s = doubled.half().contiguous().view(torch.int16).numpy().view(np.uint16)
    bf_s = doubled.bfloat16().contiguous().view(torch.int16).numpy().view(np.uint16)
    bf_v = t.bfloat16().view(torch.int16).numpy().view(np.uint16)
    assert (half == half_s).all(), 'float16 paths disagree'
    isnan = np.isnan(bits.view(np.float32))
    assert (bf_s[~isnan] == bf_v[~isnan]).all(), 'bfloat16 paths disagree on non-NaN'
    rec = np.zeros(len(bits), dtype=[('f', '<u4'), ('h', '<u2'), ('b', '<u2')])
    rec['f'], rec['h'], rec['b'] = bits, half, bf_v
    write_gz('float_to_half.bin.gz', rec.tobytes())
    return len(bits)


def raw_bytes(t):
    """The whole storage of t, as bytes (its elements in native little-endian order)."""
    base = torch.empty(0, dtype=t.dtype).set_(t.storage())
    if t.dtype == torch.bool:
        base = base.view(torch.uint8)
    if t.dtype in (torch.bfloat16, torch.float16, torch.complex32):
        base = base.view(torch.int16)
    return base.numpy().tobytes()


def swapped(t):
    """The storage with every element byte-swapped (complex: each half), like a big-endian file."""
    raw = np.frombuffer(raw_bytes(t), dtype=np.uint8)
    unit = t.element_size() // (2 if t.is_complex() else 1)
    if unit == 1:
        return raw.tobytes()
    return raw.reshape(-1, unit)[:, ::-1].tobytes()


def row_major(t):
    c = t.contiguous()
    return raw_bytes(c)[c.storage_offset() * c.element_size():][:c.numel() * c.element_size()]


def views():
    cases = []
    a = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 1.5 - 7
    cases.append(('transpose_f32', a.t()))
    cases.append(('slice_steps_f32', a[1::2, ::3]))
    cases.append(('offset_row_f32', a[2]))
    cases.append(('offset_narrow_f32', a[1:3, 2:5]))
    cases.append(('column_f32', a[:, 4]))
    cases.append(('scalar_view_f32', a[3, 5]))
    cases.append(('expand_f32', torch.tensor([1.25, -2.5, 3.0]).reshape(3, 1).expand(3, 4)))
    cases.append(('expand_row_f32', torch.tensor([1.25, -2.5, 3.0]).expand(2, 3)))
    b = torch.arange(60, dtype=torch.float64).reshape(3, 4, 5) / 3
    cases.append(('permute_f64', b.permute(2, 0, 1)))
    cases.append(('permute_slice_f64', b.permute(1, 2, 0)[1:, ::2]))
    cases.append(('size1_odd_stride_f32', torch.arange(12, dtype=torch.float32).as_strided((3, 1, 4), (4, 99, 1))))
    cases.append(('empty_f32', a[:, 2:2]))
    cases.append(('contiguous_offset_i64', torch.arange(-5, 15, dtype=torch.int64)[3:13].reshape(2, 5)))
    h = torch.tensor([0.1, -2.0, 65504, 6e-8, float('inf'), -0.0, 3.14159, 1000.5], dtype=torch.float16)
    cases.append(('transpose_f16', h.reshape(2, 4).t()))
    bf = torch.tensor([0.1, -2.0, 3e38, 1e-40, float('-inf'), -0.0, 3.14159, 1000.5], dtype=torch.bfloat16)
    cases.append(('slice_bf16', bf.reshape(2, 4)[:, 1::2]))
    cases.append(('transpose_i8', torch.tensor([-128, -1, 0, 1, 127, 5], dtype=torch.int8).reshape(2, 3).t()))
    cases.append(('transpose_u8', torch.tensor([0, 1, 128, 200, 255, 7], dtype=torch.uint8).reshape(3, 2).t()))
    cases.append(('step_i16', torch.tensor([-32768, 5, 32767, -1, 300, 9], dtype=torch.int16)[::2]))
    cases.append(('transpose_i32', torch.tensor([-2**31, 2**31 - 1, 0, -7, 99, 123456], dtype=torch.int32).reshape(2, 3).t()))
    cases.append(('transpose_i64', torch.tensor([-2**63, 2**63 - 1, 0, -7, 2**40, 9], dtype=torch.int64).reshape(3, 2).t()))
    cases.append(('transpose_bool', torch.tensor([True, False, False, True, True, False]).reshape(2, 3).t()))
    cases.append(('transpose_c64', torch.tensor([1 + 2j, -3.5j, 4, 5 - 6j, 7.25 + 0.5j, -1 - 1j], dtype=torch.complex64).reshape(2, 3).t()))
    cases.append(('step_c128', torch.tensor([1 + 2j, -3.5j, 4, 5 - 6j, 7.25 + 0.5j, -1 - 1j], dtype=torch.complex128)[1::2]))
    big = torch.arange(40 * 50, dtype=torch.float32).reshape(40, 50).sin()
    cases.append(('transpose_big_f32', big.t()[3:, 1:40:3]))
    lines = []
    for name, t in cases:
        has_float = not t.is_complex()
        is_int = not t.is_floating_point() and not t.is_complex()
        lines += [
            'case ' + name,
            'dtype ' + str(t.dtype).replace('torch.', ''),
            'shape ' + ','.join(map(str, t.shape)),
            'stride ' + ','.join(map(str, t.stride())),
            'offset %d' % t.storage_offset(),
            'contiguous ' + str(t.is_contiguous()).lower(),
            'storage ' + raw_bytes(t).hex(),
            'storage_be ' + swapped(t).hex(),
            'rowmajor ' + row_major(t).hex(),
            'float32 ' + (row_major(t.float()).hex() if has_float else '-'),
            'float64 ' + (row_major(t.double()).hex() if has_float else '-'),
            'int64 ' + (row_major(t.long()).hex() if is_int else '-'),
            'end',
        ]
    with open(os.path.join(OUT, 'views.txt'), 'w') as f:
        f.write('# generated by java/core/src/test/python/gen_tensor_fixtures.py with torch %s\n' % torch.__version__)
        f.write('\n'.join(lines) + '\n')
    return len(cases)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    table = tables()
    n = float_samples(table)
    v = views()
    print('float samples: %d, views: %d' % (n, v))
