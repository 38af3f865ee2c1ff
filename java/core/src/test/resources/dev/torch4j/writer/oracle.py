# Test oracle: real PyTorch describes a file, one line per leaf, tab-separated.
#   T path dtype shape requires_grad is_parameter storage_index sha256 values
#   V path type repr
#   C path type length
# sha256 is over row-major little-endian element bytes (bool: 1 byte, quantized: int_repr()).
# usage: oracle.py describe FILE weights_only|full|safetensors
#        oracle.py resave FILE OUT      (torch.load(weights_only=False) then torch.save)
import sys, json, hashlib, struct
import numpy as np


def le_bytes(t):
    import torch
    if t.is_quantized:
        t = t.int_repr()
    t = t.detach().contiguous()
    if t.dtype in (torch.bfloat16, torch.float16):
        return t.view(torch.int16).numpy().astype('<i2').tobytes()
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder('<')).tobytes()


def values(flat):
    out = []
    for x in flat:
        if isinstance(x, bool):
            out.append('1' if x else '0')
        elif isinstance(x, complex):
            out.append(repr(x.real) + ',' + repr(x.imag))
        else:
            out.append(repr(x))
    return ' '.join(out)


storage_ids = {}


def storage_index(t):
    try:
        ptr = t.untyped_storage().data_ptr()
    except AttributeError:
        ptr = t.storage().data_ptr()
    return storage_ids.setdefault(ptr, len(storage_ids))


def emit_tensor(path, t):
    import torch
    flat = t.detach()
    if t.is_quantized:
        flat = t.int_repr()
    flat = flat.flatten().tolist() if flat.numel() <= 4096 else []
    print('\t'.join(['T', path, str(t.dtype).replace('torch.', ''), json.dumps(list(t.shape)),
                     str(bool(t.requires_grad)), str(isinstance(t, torch.nn.Parameter)),
                     str(storage_index(t)), hashlib.sha256(le_bytes(t)).hexdigest(), values(flat)]))


def join(path, key):
    return str(key) if path == '' else path + '.' + str(key)


def walk(obj, path):
    import torch
    if isinstance(obj, torch.Tensor):
        emit_tensor(path, obj)
    elif isinstance(obj, dict):
        print('\t'.join(['C', path, type(obj).__name__, str(len(obj))]))
        for k, v in obj.items():
            walk(v, join(path, k))
    elif isinstance(obj, (list, tuple)):
        print('\t'.join(['C', path, type(obj).__name__, str(len(obj))]))
        for i, v in enumerate(obj):
            walk(v, join(path, i))
    else:
        print('\t'.join(['V', path, type(obj).__name__, repr(obj)]))


ST_DTYPES = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'I16': '<i2', 'I8': 'i1',
             'U64': '<u8', 'U32': '<u4', 'U16': '<u2', 'U8': 'u1', 'BOOL': '?', 'C64': '<c8'}
ST_NAMES = {'F64': 'float64', 'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16', 'I64': 'int64',
            'I32': 'int32', 'I16': 'int16', 'I8': 'int8', 'U64': 'uint64', 'U32': 'uint32', 'U16': 'uint16',
            'U8': 'uint8', 'BOOL': 'bool', 'C64': 'complex64', 'F8_E4M3': 'float8_e4m3fn', 'F8_E5M2': 'float8_e5m2'}


def describe_safetensors(path):
    with open(path, 'rb') as f:
        data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n].decode('utf-8'))
    base = 8 + n
    meta = header.pop('__metadata__', None)
    if meta is not None:
        print('\t'.join(['M', json.dumps(meta, sort_keys=True)]))
    print('\t'.join(['H', json.dumps(list(header.keys()))]))
    for name, info in header.items():
        start, end = info['data_offsets']
        raw = data[base + start:base + end]
        dt = info['dtype']
        if dt == 'BF16':
            vals = (np.frombuffer(raw, '<u2').astype('<u4') << 16).view('<f4').astype(float).tolist()
        elif dt in ST_DTYPES:
            vals = np.frombuffer(raw, ST_DTYPES[dt]).tolist()
        else:
            vals = []
        if len(vals) > 4096:
            vals = []
        print('\t'.join(['T', name, ST_NAMES[dt], json.dumps(info['shape']), 'False', 'False', '-',
                         hashlib.sha256(raw).hexdigest(), values(vals)]))


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == 'describe' and sys.argv[3] == 'safetensors':
        describe_safetensors(path)
        return
    import torch
    if cmd == 'describe':
        obj = torch.load(path, weights_only=(sys.argv[3] == 'weights_only'))
        walk(obj, '')
    elif cmd == 'resave':
        torch.save(torch.load(path, weights_only=False), sys.argv[3])
    else:
        raise SystemExit('unknown command ' + cmd)


main()
