#!/usr/bin/python3
"""Writes ExecuTorch fixtures (.pte programs and a .ptd data file) from JSON with flatc, the FlatBuffers
compiler, and the schemas of pytorch/executorch (committed beside the fixtures, BSD, see NOTICE).
ExecuTorch itself is not installed here; the layout rules come from its sources:
  - the extended header (schema/extended_header.h): 'eh00', uint32 length, uint64 program_size,
    segment_base_offset, segment_data_size, inserted at byte 8 with the root offset moved past it;
  - constants: data_buffer_idx into constant_segment.offsets (segment data) or, without a constant
    segment, into the inline constant_buffer (runtime/executor/program.cpp);
  - a .ptd (extension/flat_tensor): 'FH01' header (flatbuffer offset and size, segment base offset,
    segment data size); tensors stored EXTERNAL are found there by fully_qualified_name.

Run: /usr/bin/python3 java/core/src/test/python/gen_pte_fixtures.py   (needs flatc and numpy)
expected.json holds, per file, the tensors as numpy computes them from the arrays written (path,
dtype, shape, sha256 of the row-major little-endian elements) and the structure the JSON declares.
"""
import hashlib
import json
import os
import struct
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'resources', 'fixtures', 'executorch')
SCHEMA = os.path.join(OUT, 'schema')
EXPECTED = {}
ET_TYPES = {np.dtype('uint8'): 'BYTE', np.dtype('int8'): 'CHAR', np.dtype('int16'): 'SHORT', np.dtype('int32'): 'INT',
            np.dtype('int64'): 'LONG', np.dtype('float16'): 'HALF', np.dtype('float32'): 'FLOAT',
            np.dtype('float64'): 'DOUBLE', np.dtype('bool'): 'BOOL'}


def flatc(schema, doc):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'in.json')
        with open(src, 'w') as f:
            json.dump(doc, f)
        subprocess.run(['flatc', '-b', '-o', d, os.path.join(SCHEMA, schema), src], check=True)
        out = [n for n in os.listdir(d) if n != 'in.json']
        assert len(out) == 1, out  # flatc names it after the schema's file_extension (in.pte, in.ptd)
        with open(os.path.join(d, out[0]), 'rb') as f:
            return f.read()


def align(n, a):
    return (n + a - 1) // a * a


def insert_header(fb, header):
    """As exir/_serialize/_program.py _insert_flatbuffer_header: after the identifier, root offset moved."""
    root = struct.unpack_from('<I', fb, 0)[0]
    return struct.pack('<I', root + len(header)) + fb[4:8] + header + fb[8:]


def memory_bytes(a, dim_order):
    """The tensor's bytes as ExecuTorch stores them: dims in dim_order, outermost first."""
    return np.ascontiguousarray(np.transpose(a, dim_order)).astype(a.dtype.newbyteorder('<')).tobytes()


def tensor_json(a, buffer_idx, dim_order=None, planned=None, fqn=None, external=False):
    dim_order = list(range(a.ndim)) if dim_order is None else dim_order
    t = {'scalar_type': ET_TYPES[a.dtype], 'storage_offset': 0, 'sizes': list(a.shape), 'dim_order': dim_order,
         'requires_grad': False, 'data_buffer_idx': buffer_idx, 'layout': 0, 'shape_dynamism': 'STATIC'}
    if planned is not None:
        t['allocation_info'] = {'memory_id': 1, 'memory_offset_low': planned, 'memory_offset_high': 0}
    if fqn is not None:
        t['extra_tensor_info'] = {'fully_qualified_name': fqn, 'location': 'EXTERNAL' if external else 'SEGMENT'}
    return {'val_type': 'Tensor', 'val': t}


def describe(path, a):
    le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'))
    return {'path': path, 'dtype': a.dtype.name, 'shape': list(a.shape), 'sha256': hashlib.sha256(le.tobytes()).hexdigest()}


def gen_delegated():
    rng = np.random.RandomState(31)
    w = rng.standard_normal((2, 3)).astype(np.float32)
    idx = np.arange(4, dtype=np.int64) * 7
    half = rng.standard_normal((2, 4)).astype(np.float16)  # stored transposed: dim_order [1, 0]
    ext = rng.standard_normal((3, 2)).astype(np.float32)    # in the .ptd, by name
    # Constant segment: buffer 0 is the reserved empty one; each tensor at a 16-byte-aligned offset.
    seg0, offsets = b'', [0]
    for a, order in ((w, [0, 1]), (idx, [0]), (half, [1, 0])):
        seg0 += b'\0' * (align(len(seg0), 16) - len(seg0))
        offsets.append(len(seg0))
        seg0 += memory_bytes(a, order)
    seg0 += b'\0' * (align(len(seg0), 128) - len(seg0))
    xnn_blob = bytes(range(256)) * 3  # an opaque backend payload (never parsed)
    segments = [{'offset': 0, 'size': len(seg0)}, {'offset': len(seg0), 'size': len(xnn_blob)}]
    x = np.zeros((1, 2), np.float32)
    forward = {
        'name': 'forward',
        'values': [tensor_json(x, 0, planned=0), tensor_json(w, 1), tensor_json(idx, 2),
                   tensor_json(half, 3, dim_order=[1, 0]), tensor_json(ext, 0, fqn='linear.weight', external=True),
                   tensor_json(np.zeros((1, 3), np.float32), 0, planned=16), {'val_type': 'Int', 'val': {'int_val': 1}},
                   tensor_json(np.zeros((1, 3), np.float32), 0, planned=32)],
        'inputs': [0], 'outputs': [7],
        'chains': [{'inputs': [0], 'outputs': [7], 'instructions': [
            {'instr_args_type': 'KernelCall', 'instr_args': {'op_index': 0, 'args': [0, 1, 5]}},
            {'instr_args_type': 'KernelCall', 'instr_args': {'op_index': 1, 'args': [5, 5, 6, 5]}},
            {'instr_args_type': 'DelegateCall', 'instr_args': {'delegate_index': 0, 'args': [5, 7]}},
            {'instr_args_type': 'KernelCall', 'instr_args': {'op_index': 1, 'args': [7, 5, 6, 7]}},
            {'instr_args_type': 'DelegateCall', 'instr_args': {'delegate_index': 1, 'args': [7, 7]}}]}],
        'operators': [{'name': 'aten::mm', 'overload': 'out'}, {'name': 'aten::add', 'overload': 'out'}],
        'delegates': [{'id': 'XnnpackBackend', 'processed': {'location': 'SEGMENT', 'index': 1},
                       'compile_specs': [{'key': 'num_threads', 'value': [4]}]},
                      {'id': 'CoreMLBackend', 'processed': {'location': 'INLINE', 'index': 0}, 'compile_specs': []}],
        'non_const_buffer_sizes': [0, 48]}
    encode = {'name': 'encode', 'values': [tensor_json(x, 0, planned=0), tensor_json(w, 1),
                                           tensor_json(np.zeros((1, 3), np.float32), 0, planned=16)],
              'inputs': [0], 'outputs': [2],
              'chains': [{'inputs': [0], 'outputs': [2], 'instructions': [
                  {'instr_args_type': 'KernelCall', 'instr_args': {'op_index': 0, 'args': [0, 1, 2]}}]}],
              'operators': [{'name': 'aten::mm', 'overload': 'out'}], 'delegates': [], 'non_const_buffer_sizes': [0, 32]}
    coreml = list(b'coreml model bytes')
    program = {'version': 0, 'execution_plan': [forward, encode], 'constant_buffer': [{'storage': []}],
               'backend_delegate_data': [{'data': coreml}], 'segments': segments,
               'constant_segment': {'segment_index': 0, 'offsets': offsets}, 'mutable_data_segments': [],
               'named_data': []}
    fb = flatc('program.fbs', program)
    header_len = 32
    program_size = len(fb) + header_len
    base = align(program_size, 128)
    header = b'eh00' + struct.pack('<IQQQ', header_len, program_size, base, len(seg0) + len(xnn_blob))
    data = insert_header(fb, header)
    data += b'\0' * (base - len(data)) + seg0 + xnn_blob
    with open(os.path.join(OUT, 'gen_delegated.pte'), 'wb') as f:
        f.write(data)
    EXPECTED['gen_delegated.pte'] = {
        'format': 'executorch', 'methods': ['forward', 'encode'],
        'tensors': [describe('const_1', w), describe('const_2', idx), describe('const_3', half), describe('linear.weight', ext)],
        'operators': {'forward': {'aten::add.out': 2, 'aten::mm.out': 1}, 'encode': {'aten::mm.out': 1}},
        'delegates': {'forward': ['XnnpackBackend: %d bytes (segment 1), 1 calls, compile specs [num_threads]' % len(xnn_blob),
                                  'CoreMLBackend: %d bytes (inline 0), 1 calls' % len(coreml)]},
        'inputs': {'forward': ['v0: float32[1, 2]']}, 'outputs': {'forward': ['v7: float32[1, 3]']}}

    # The companion .ptd: the external tensor by name, and an opaque blob.
    blob = b'opaque backend weights'
    ptd_seg = memory_bytes(ext, [0, 1])
    ptd_seg += b'\0' * (align(len(ptd_seg), 128) - len(ptd_seg))
    flat = {'version': 0, 'segments': [{'offset': 0, 'size': ext.nbytes}, {'offset': len(ptd_seg), 'size': len(blob)}],
            'named_data': [{'key': 'linear.weight', 'segment_index': 0,
                            'tensor_layout': {'scalar_type': 'FLOAT', 'sizes': [3, 2], 'dim_order': [0, 1]}},
                           {'key': 'xnn_blob', 'segment_index': 1}]}
    fb = flatc('flat_tensor.fbs', flat)
    header_len = 48  # 40 bytes of fields, padded to the flatbuffer's 16-byte alignment
    fb_size = len(fb)
    base = align(fb_size + header_len, 128)
    header = (b'FH01' + struct.pack('<IQQQQ', 40, header_len, fb_size, base, len(ptd_seg) + len(blob))).ljust(header_len, b'\0')
    data = insert_header(fb, header)
    data += b'\0' * (base - len(data)) + ptd_seg + blob
    with open(os.path.join(OUT, 'gen_delegated.ptd'), 'wb') as f:
        f.write(data)
    EXPECTED['gen_delegated.ptd'] = {'format': 'ptd', 'tensors': [describe('linear.weight', ext)],
                                     'blobs': ['xnn_blob: %d bytes' % len(blob)]}


def gen_inline():
    """The older layout: no extended header, no segments, constants inline in constant_buffer."""
    a = np.arange(6, dtype=np.float64).reshape(3, 2) / 4
    b = np.array([[True, False], [False, True]])
    c = np.arange(-3, 5, dtype=np.int8)
    program = {'version': 0, 'execution_plan': [{
        'name': 'forward', 'values': [tensor_json(a, 1), tensor_json(b, 2), tensor_json(c, 3),
                                      tensor_json(np.zeros(2, np.float64), 0, planned=0)],
        'inputs': [3], 'outputs': [3], 'chains': [{'inputs': [3], 'outputs': [3], 'instructions': []}],
        'operators': [], 'delegates': [], 'non_const_buffer_sizes': [0, 16]}],
        'constant_buffer': [{'storage': []}] + [{'storage': list(memory_bytes(x, list(range(x.ndim))))} for x in (a, b, c)]}
    with open(os.path.join(OUT, 'gen_inline_constants.pte'), 'wb') as f:
        f.write(flatc('program.fbs', program))
    EXPECTED['gen_inline_constants.pte'] = {'format': 'executorch', 'methods': ['forward'],
                                           'tensors': [describe('const_1', a), describe('const_2', b), describe('const_3', c)]}


def main():
    for f in os.listdir(OUT):
        if f.startswith('gen_') or f == 'expected.json':
            os.remove(os.path.join(OUT, f))
    gen_delegated()
    gen_inline()
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'generator': 'gen_pte_fixtures.py', 'numpy': np.__version__, 'files': EXPECTED}, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote %d fixtures to %s' % (len(EXPECTED), os.path.normpath(OUT)))


if __name__ == '__main__':
    main()
