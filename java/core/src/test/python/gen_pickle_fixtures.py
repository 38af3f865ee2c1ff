#!/usr/bin/python3
"""Writes the pickle fixtures for dev.torch4j.pickle tests and what Python itself loads from them.

Run with the reference interpreter:  /usr/bin/python3 java/core/src/test/python/gen_pickle_fixtures.py
Output (committed): java/core/src/test/resources/pickle/
  *.pkl           valid pickles (every protocol, Python 2 style, every opcode family, numpy arrays)
  expected.tsv    name<TAB>canonical form of pickle.loads(data, encoding='latin1') as Python sees it
  mal_*.pkl       malicious pickles (never loaded here); malicious.tsv: name<TAB>first dangerous global

The canonical form is defined by canon() below and mirrored by the Java test helper Canonical.
"""
import argparse
import collections
import hashlib
import io
import os
import pickle
import pickletools
import struct
import sys

import numpy as np

# TORCH4J_FIXTURES_OUT redirects the output (GeneratorDriftTest regenerates into a temporary folder).
OUT = os.environ.get("TORCH4J_FIXTURES_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'pickle')


# ---------------------------------------------------------------- canonical form

def fbits(x):
    return 'f' + struct.pack('>d', x).hex()


def sstr(s):
    out = []
    for ch in s:
        cp = ord(ch)
        out.append(ch if 0x20 <= cp < 0x7f and ch not in '\\"' else '\\u{%x}' % cp)
    return 's"' + ''.join(out) + '"'


def shape_str(shape):
    return '(' + ','.join(str(int(d)) for d in shape) + ')'


def array_canon(a, path):
    if a.dtype == object:
        data = a.__reduce__()[2][4]
        return 'ndobj' + shape_str(a.shape) + canon(data, path)
    if a.dtype.kind not in 'biufc' or a.dtype.itemsize > 16 or (a.dtype.kind == 'f' and a.dtype.itemsize > 8):
        return 'ndraw(' + a.dtype.str[1:] + ',' + shape_str(a.shape) + ')'
    le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'), copy=False)
    raw = np.ascontiguousarray(le).tobytes()
    return 'nd(' + a.dtype.name + ',' + shape_str(a.shape) + ',' + hashlib.sha256(raw).hexdigest() + ')'


def canon(o, path=()):
    if o is None:
        return 'None'
    if isinstance(o, (list, dict, set, tuple)) or hasattr(o, '__dict__'):
        if id(o) in path:
            return '<rec>'
        path = path + (id(o),)
    if isinstance(o, np.ndarray):
        return array_canon(o, path)
    if isinstance(o, np.generic):
        return array_canon(np.asarray(o), path)
    if isinstance(o, bool):
        return 'True' if o else 'False'
    if isinstance(o, int):
        return str(o)
    if isinstance(o, float):
        return fbits(o)
    if isinstance(o, complex):
        return 'c(' + fbits(o.real) + ',' + fbits(o.imag) + ')'
    if isinstance(o, str):
        return sstr(o)
    if isinstance(o, (bytes, bytearray)):
        if len(o) >= 65536:  # large payloads (zero-copy views in torch4j): length and digest, not hex
            return 'bsha(%d,%s)' % (len(o), hashlib.sha256(bytes(o)).hexdigest())
        return 'b"' + bytes(o).hex() + '"'
    if isinstance(o, slice):
        return 'slice(' + canon(o.start, path) + ',' + canon(o.stop, path) + ',' + canon(o.step, path) + ')'
    if type(o).__module__ in ('__main__', 'argparse'):
        s = 'obj(' + type(o).__module__ + '.' + type(o).__qualname__ + ')@' + canon(dict(vars(o)), path)
        if isinstance(o, dict) and len(o):
            s += 'items' + canon(dict(o), path)
        if isinstance(o, list) and len(o):
            s += 'items' + canon(list(o), path)
        return s
    if isinstance(o, tuple):
        return '(' + ','.join(canon(x, path) for x in o) + ')'
    if isinstance(o, list):
        return '[' + ','.join(canon(x, path) for x in o) + ']'
    if isinstance(o, (set, frozenset)):
        return 'set{' + ','.join(sorted(canon(x, path) for x in o)) + '}'
    if isinstance(o, dict):
        s = '{' + ','.join(canon(k, path) + ':' + canon(v, path) for k, v in o.items()) + '}'
        attrs = getattr(o, '__dict__', None)
        if attrs:
            s += '@' + canon(dict(attrs), path)
        return s
    raise TypeError('no canonical form for %r' % type(o))


# ---------------------------------------------------------------- fixture objects

class Thing:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Kw:
    def __new__(cls, a, k=None):
        return object.__new__(cls)

    def __init__(self, a, k=None):
        self.a = a
        self.k = k

    def __getnewargs_ex__(self):
        return (self.a,), {'k': self.k}


class AttrDict(dict):
    pass


class MyList(list):
    pass


class Ref:
    def __init__(self, key):
        self.key = key


class PidPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return ('ref:%s' % obj.key) if isinstance(obj, Ref) else None


class PidUnpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return ['PID', pid]


def sink():
    shared = [7]
    od = collections.OrderedDict([('w', 1.0), ('b', 2)])
    od._metadata = {'': {'version': 1}}
    return {
        'none': None, 'true': True, 'false': False,
        'ints': [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31 - 1, 2 ** 31, 2 ** 63 - 1, -2 ** 63,
                 2 ** 64, -2 ** 64 - 1, 2 ** 70, 10 ** 40],
        'floats': [0.0, -0.0, 1.5, 1e-300, 1e300, float('inf'), float('-inf'), float('nan'), 0.1, -2.5e-7],
        'strs': ['', 'abc', 'h\u00e9llo', '\u4e2d\u6587', '\U0001F600', 'back\\slash', 'new\nline', "q'\"",
                 'x' * 300, 'tab\there', '\\u1234 not escape'],
        'bytes': b'\x00\x01\xff\n\\', 'bigbytes': bytes(range(256)) * 2, 'empty_bytes': b'', 'bytearray': bytearray(b'ab\x00'),
        'tuples': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
        'list': [1, [2, [3]]], 'nested': {'a': {'b': {}}},
        'set': {1, 2, 3}, 'frozenset': frozenset({'a', 'b'}), 'complex': 1 + 2j, 'slice': slice(1, 10, 2),
        (1, 'tuplekey'): 'tuple as key', 42: 'int key', frozenset({1}): 'frozenset key',
        'shared': [shared, shared],
        'odict': od,
        'counter': collections.Counter('abracadabra'),
        'ddict': collections.defaultdict(list, {'k': [1]}),
        'many': [str(i) * 2 for i in range(300)],
        'thing': Thing(x=1, y='two'),
        'ns': argparse.Namespace(lr=0.1, name='run', layers=[1, 2]),
        'attrdict': AttrDict(a=1),
        'mylist': MyList([1, 2]),
    }


def recursive_list():
    l = [1]
    l.append(l)
    return l


def recursive_tuple():
    inner = []
    t = (inner, 5, 6, 7)  # longer than 3: protocols 1+ undo the recursion with POP_MARK
    inner.append(t)
    return t


def recursive_dict():
    d = {'name': 'self'}
    d['me'] = d
    return d


def arrays():
    rng = np.random.default_rng(1234)
    out = {}
    for dt in ['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
               'bool', 'complex64', 'complex128']:
        if dt == 'bool':
            a = rng.integers(0, 2, size=(2, 3)).astype(bool)
        elif dt.startswith('complex'):
            a = (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(dt)
        elif dt.startswith('float'):
            a = rng.standard_normal((2, 3)).astype(dt)
        else:
            a = rng.integers(0, 100, size=(2, 3)).astype(dt)
        out[dt] = a
    out['big_f4'] = (np.arange(6) * 1.5).astype('>f4').reshape(2, 3)
    out['big_i8'] = np.arange(-3, 3, dtype='>i8')
    out['big_c16'] = np.array([1 + 2j, -3.5j], dtype='>c16')
    out['fortran'] = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3))
    out['fortran3d'] = np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4))
    out['zero_d'] = np.array(3.25)
    out['empty'] = np.zeros((0, 3), dtype=np.float32)
    out['scalars'] = [np.float32(2.5), np.int64(-7), np.bool_(True), np.float64(0.1), np.uint8(200)]
    out['objects'] = np.array([1, 'a', None], dtype=object)
    out['unicode'] = np.array(['ab', 'cde'])
    return out


def big_arrays():
    """Payloads over 64 KiB, which torch4j leaves in the file instead of copying (PyBytes views)."""
    rng = np.random.default_rng(99)
    return {
        'c_f4': rng.standard_normal((128, 130)).astype(np.float32),
        'fortran_f8': np.asfortranarray(rng.standard_normal((90, 100))),
        'big_endian_i4': np.arange(-8200, 8200, dtype='>i4'),
        'blob': bytes(range(256)) * 300,
        'blob_array': bytearray(b'xyz') * 30000,
    }


# ---------------------------------------------------------------- hand-written pickles (Python 2 style etc.)

HANDWRITTEN = {
    # protocol 0 as Python 2 wrote it: STRING escapes, INT booleans, LONG with L, PUT/GET, DICT/LIST/TUPLE.
    'py2_proto0_text': b"(dp0\nS'key'\np1\nS'va\\'l\\n\\x41\\101\\\\'\np2\nsS'b'\nI01\nsS'c'\n"
                       b"L12345678901234567890L\nsS'f'\nF1.5\nsS'u'\nVh\\u00e9\\u005cx\\U0001f600\np3\nsS'l'\n"
                       b"(lp4\nI1\naI2\naI00\nasS'd'\n(I1\nI2\ntp5\nsS'again'\ng1\ns"
                       b"S\"dq\"\nS\"it's\"\ns.",
    'dup': b"(lp0\n2I7\na0.",
    'pop': b"(I1\nI2\n0t.",
    'pop_mark_to_empty': b"I5\n(0.",
    'inst': b"(i__main__\nThing\np0\n(dp1\nS'x'\nI1\nsb.",
    'obj': b"(c__main__\nThing\np0\no}p1\nS'y'\nI2\nsb.",
    'py2_reconstructor': b"ccopy_reg\n_reconstructor\np0\n(c__main__\nThing\np1\nc__builtin__\nobject\np2\n"
                         b"Ntp3\nRp4\n(dp5\nS'z'\nI3\nsb.",
    'py2_ordereddict': b"\x80\x02ccollections\nOrderedDict\nq\x00]q\x01(]q\x02(U\x01aK\x01e]q\x03(U\x01bK\x02ee"
                       b"\x85Rq\x04.",
    'py2_set': b"c__builtin__\nset\np0\n((lp1\nI1\naI2\natRp2\n.",
    'py2_binstrings': b"\x80\x02]q\x00(U\x03abcq\x01T\x04\x00\x00\x00\xe9\xe8xyq\x02e.",
    'bytes8_unicode8': b"\x80\x04]\x94(\x8e\x03\x00\x00\x00\x00\x00\x00\x00abc"
                       b"\x8d\x02\x00\x00\x00\x00\x00\x00\x00hie.",
    'bytearray8': b"\x80\x05\x96\x02\x00\x00\x00\x00\x00\x00\x00\x01\x02.",
    'stack_global_from_memo': b"\x80\x04\x8c\x0bcollections\x94\x8c\x0bOrderedDict\x940"
                              b"h\x00h\x01\x93)R.",
    'long_binput_get': b"\x80\x02K\x05r\x00\x01\x00\x00j\x00\x01\x00\x00\x86.",
}


def write(name, data, loader=None):
    with open(os.path.join(OUT, name + '.pkl'), 'wb') as f:
        f.write(data)
    if loader is None:
        obj = pickle.loads(data, encoding='latin1')
    else:
        obj = loader(data)
    return name, canon(obj)


def pid_dumps(obj, proto):
    buf = io.BytesIO()
    PidPickler(buf, protocol=proto).dump(obj)
    return buf.getvalue()


def pid_loads(data):
    return PidUnpickler(io.BytesIO(data), encoding='latin1').load()


# ---------------------------------------------------------------- malicious pickles (never loaded)

def marker(name):
    return '/tmp/torch4j-pwned-' + name


def p8(s):
    b = s.encode()
    return bytes([len(b)]) + b


def malicious():
    out = {}

    class Evil:
        def __init__(self, f, arg):
            self.f, self.arg = f, arg

        def __reduce__(self):
            return self.f, (self.arg,)

    out['mal_global_posix'] = (pickle.dumps(Evil(os.system, 'touch ' + marker('mal_global_posix')), protocol=2),
                               'posix.system')
    out['mal_builtins_eval'] = (pickle.dumps(Evil(eval, "__import__('os').system('touch %s')" % marker('mal_builtins_eval')),
                                             protocol=3), 'builtins.eval')
    # STACK_GLOBAL whose module and name are memoized, popped, then fetched back with BINGET.
    out['mal_stack_global_memo'] = (
        b'\x80\x04\x8c' + p8('posix') + b'\x94\x8c' + p8('system') + b'\x9400'
        + b'h\x00h\x01\x93\x8c' + p8('touch ' + marker('mal_stack_global_memo')) + b'\x85R.', 'posix.system')
    # STACK_GLOBAL with Python 2 string operands.
    out['mal_stack_global_binstring'] = (
        b'\x80\x04U' + p8('posix') + b'U' + p8('system') + b'\x93U' + p8('touch ' + marker('mal_stack_global_binstring'))
        + b'\x85R.', 'posix.system')
    out['mal_inst'] = (("(S'touch %s'\nios\nsystem\n." % marker('mal_inst')).encode(), 'os.system')
    out['mal_py2_builtin_eval'] = (("c__builtin__\neval\n(S\"__import__('os').system('touch %s')\"\ntR."
                                    % marker('mal_py2_builtin_eval')).encode(), '__builtin__.eval')
    # operator.attrgetter('system')(__import__('os'))('touch ...')
    out['mal_attrgetter'] = (
        b'\x80\x02coperator\nattrgetter\nX' + struct.pack('<I', 6) + b'system\x85R'
        + b'c__builtin__\n__import__\nX' + struct.pack('<I', 2) + b'os\x85R\x85R'
        + b'X' + struct.pack('<I', len('touch ' + marker('mal_attrgetter'))) + ('touch ' + marker('mal_attrgetter')).encode()
        + b'\x85R.', 'operator.attrgetter')
    # A harmless wrapper whose dangerous part hides in a nested list behind DUP and memo tricks.
    out['mal_nested_subprocess'] = (
        b'\x80\x04]\x94(K\x01\x8c' + p8('subprocess') + b'\x9420\x8c' + p8('Popen') + b'\x94\x93'
        + b'\x8c' + p8('touch') + b'\x8c' + p8(marker('mal_nested_subprocess')) + b'\x86\x85Re.', 'subprocess.Popen')
    return out


def main():
    if os.environ.get('PYTHONHASHSEED') != '0':
        # Fixed string hashing: set iteration order, hence the pickled bytes, stay the same run to run.
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED='0'))
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith('.pkl') or f.endswith('.tsv'):
            os.remove(os.path.join(OUT, f))
    rows = []
    for p in range(6):
        rows.append(write('sink_p%d' % p, pickle.dumps(sink(), protocol=p)))
        rows.append(write('pid_p%d' % p, pid_dumps({'a': Ref(1), 'b': [Ref('x')]}, p), pid_loads))
    for p in (0, 2, 4):
        rows.append(write('huge_ints_p%d' % p, pickle.dumps([2 ** 3000, -2 ** 3000 + 1, 2 ** 64], protocol=p)))
        rows.append(write('recursive_list_p%d' % p, pickle.dumps(recursive_list(), protocol=p)))
        rows.append(write('recursive_tuple_p%d' % p, pickle.dumps(recursive_tuple(), protocol=p)))
        rows.append(write('recursive_dict_p%d' % p, pickle.dumps(recursive_dict(), protocol=p)))
    rows.append(write('newobj_ex_p4', pickle.dumps([Kw(1, k=2)], protocol=4)))
    arrs = arrays()
    for p in (0, 1, 2, 3, 4, 5):
        rows.append(write('numpy_p%d' % p, pickle.dumps(arrs, protocol=p)))
    for p in (4, 5):  # BINBYTES (as protocol 3) and BYTEARRAY8/_frombuffer
        rows.append(write('numpy_big_p%d' % p, pickle.dumps(big_arrays(), protocol=p)))
    # numpy 2 names the module numpy._core; same bytes otherwise (Python here has numpy 1, so expect the original).
    data = pickle.dumps({'a': arrs['float32'], 's': arrs['scalars'][0]}, protocol=2)
    renamed = data.replace(b'numpy.core.multiarray', b'numpy._core.multiarray')
    assert renamed != data
    name, expected = write('numpy2_names_p2', data)
    with open(os.path.join(OUT, name + '.pkl'), 'wb') as f:
        f.write(renamed)
    rows.append((name, expected))
    for name, data in HANDWRITTEN.items():
        rows.append(write(name, data))

    # Every opcode must appear somewhere, except those torch4j refuses on purpose.
    seen = set()
    for name, _ in rows:
        with open(os.path.join(OUT, name + '.pkl'), 'rb') as f:
            for op, _, _ in pickletools.genops(f.read()):
                seen.add(op.name)
    refused = {'EXT1', 'EXT2', 'EXT4', 'NEXT_BUFFER', 'READONLY_BUFFER'}
    missing = {op.name for op in pickletools.opcodes} - seen - refused
    if missing:
        sys.exit('opcodes not covered: %s' % sorted(missing))

    with open(os.path.join(OUT, 'expected.tsv'), 'w') as f:
        for name, c in rows:
            f.write(name + '\t' + c + '\n')
    with open(os.path.join(OUT, 'malicious.tsv'), 'w') as f:
        for name, (data, glob) in malicious().items():
            with open(os.path.join(OUT, name + '.pkl'), 'wb') as g:
                g.write(data)
            f.write(name + '\t' + glob + '\t' + marker(name) + '\n')
    print('wrote %d fixtures and %d malicious pickles to %s' % (len(rows), len(malicious()), OUT))


if __name__ == '__main__':
    main()
