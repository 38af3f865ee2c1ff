#!/usr/bin/python3
"""Writes the second long-tail fixtures (issue 25): numpy string arrays beside numeric ones, object
arrays wrapping dicts of arrays, and a lite-interpreter file of bytecode v4 whose bytecode.pkl tensors
live under bytecode/ (numbered apart from constants/).

Run with the reference interpreter:
    /usr/bin/python3 java/core/src/test/python/gen_tail2_fixtures.py
Output (committed): java/core/src/test/resources/fixtures/longtail2/ with expected.json in the schema
of gen_longtail_fixtures.py (same walk, same sha256 of the row-major little-endian element bytes), plus
per file 'values' (the string members as numpy's tolist() gives them, bytes as latin-1 text) and
'bytecode_version' (torch.jit.mobile._get_model_bytecode_version).
"""
import collections
import json
import os
import sys
import warnings
import zipfile

import numpy as np
import torch
from torch.jit.mobile import _backport_for_mobile, _get_model_bytecode_version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_longtail_fixtures as lt  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'fixtures', 'longtail2')
lt.OUT = OUT


def values(a):
    v = a.tolist()

    def text(x):
        if isinstance(x, bytes):
            return x.decode('latin-1')
        if isinstance(x, list):
            return [text(y) for y in x]
        return x
    return text(v)


def gen_numpy():
    rng = np.random.RandomState(25)
    labels = np.array(['cat', 'dog', 'emu'])                      # <U3
    ids = np.array([b'ab', b'cdefg', b''])                         # |S5
    grid = np.array([['a', 'bb'], ['ccc', '\u00e9\u4e2d']])        # <U3, 2-d, non-ASCII
    big = np.array(['x', 'yz'], dtype='>U2')                       # big-endian UCS-4
    w = rng.standard_normal((2, 3)).astype(np.float32)
    n = np.arange(5, dtype=np.int64)
    np.savez(lt.out('npz_strings.npz'), labels=labels, w=w, ids=ids, n=n)
    with np.load(lt.out('npz_strings.npz')) as z:
        assert z['labels'].dtype.str == '<U3' and z['ids'].dtype.str == '|S5'
    lt.expect('npz_strings.npz', 'npz', tensors=collections.OrderedDict([('w', ('numpy', w)), ('n', ('numpy', n))]),
              values={'labels': values(labels), 'ids': values(ids)})
    np.savez_compressed(lt.out('npz_strings_deflated.npz'), grid=grid, w=w)
    lt.expect('npz_strings_deflated.npz', 'npz', tensors={'w': ('numpy', w)}, values={'grid': values(grid)})
    for name, a in (('npy_unicode_2d.npy', grid), ('npy_bytes.npy', ids), ('npy_unicode_be.npy', big),
                    ('npy_unicode_0d.npy', np.array('hello')), ('npy_unicode_fortran.npy', np.asfortranarray(grid))):
        np.save(lt.out(name), a)
        back = np.load(lt.out(name))
        assert back.dtype == a.dtype
        lt.expect(name, 'npy', tensors={}, values={'': values(back)}, descr=back.dtype.str)

    stats = {'mel_mean': rng.standard_normal(80).astype(np.float32),
             'mel_std': rng.uniform(0.5, 2, 80).astype(np.float32),
             'count': np.int64(1234), 'name': 'librispeech'}
    np.save(lt.out('npy_stats_dict.npy'), stats, allow_pickle=True)
    loaded = np.load(lt.out('npy_stats_dict.npy'), allow_pickle=True)
    assert loaded.dtype == object and loaded.ndim == 0
    lt.expect('npy_stats_dict.npy', 'npy', loaded)
    np.savez(lt.out('npz_stats.npz'), stats=np.array(stats, dtype=object), w=w)
    with np.load(lt.out('npz_stats.npz'), allow_pickle=True) as z:
        lt.expect('npz_stats.npz', 'npz', collections.OrderedDict((k, z[k]) for k in z.files))
    pair = np.empty((2,), dtype=object)
    pair[0] = rng.standard_normal(4).astype(np.float64)
    pair[1] = {'b': np.arange(3, dtype=np.int16)}
    np.save(lt.out('npy_objects_1d.npy'), pair, allow_pickle=True)
    lt.expect('npy_objects_1d.npy', 'npy', np.load(lt.out('npy_objects_1d.npy'), allow_pickle=True))


class ConstantsModule(torch.nn.Module):
    """Traced, its plain tensor attributes become constants of the bytecode (two of different sizes,
    so bytecode/0 and constants/0 hold different tensors)."""

    def __init__(self):
        super().__init__()
        self.l = torch.nn.Linear(4, 3)
        self.c = torch.randn(3, 3)
        self.d = torch.randn(7, 3)

    def forward(self, x):
        return (self.d @ (self.l(x) @ self.c).t()).sum(1)


def gen_mobile_v4():
    torch.manual_seed(25)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        m = torch.jit.trace(ConstantsModule(), torch.randn(2, 4))
    cur = lt.out('tmp_current.ptl')
    m._save_for_lite_interpreter(cur)
    name = 'mobile_v4_bytecode_dir.ptl'
    assert _backport_for_mobile(cur, lt.out(name), to_version=4)
    os.remove(cur)
    names = {i.filename.split('/', 1)[1]: i.file_size for i in zipfile.ZipFile(lt.out(name)).infolist()}
    assert names['bytecode/0'] != names['constants/0'], names  # the collision the issue hit
    back = torch.jit.load(lt.out(name))
    lite = torch.jit.mobile._load_for_lite_interpreter(lt.out(name))
    x = torch.ones(2, 4)
    assert torch.allclose(lite(x), back(x))
    lt.expect(name, 'mobile', back, bytecode_version=_get_model_bytecode_version(lt.out(name)))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    gen_numpy()
    gen_mobile_v4()
    with open(lt.out('expected.json'), 'w') as f:
        json.dump({'generator': 'gen_tail2_fixtures.py', 'numpy': np.__version__, 'torch': torch.__version__,
                   'files': lt.EXPECTED}, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write('\n')
    print('wrote %d fixtures to %s' % (len(lt.EXPECTED), os.path.normpath(OUT)))


if __name__ == '__main__':
    main()
