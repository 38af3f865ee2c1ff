#!/usr/bin/python3
"""Checks torch4j's backports of gen_flatbuffer_mobile.py's flatbuffer files with PyTorch 1.13.

check_flatbuffer_backport.py DIR NAME:VERSION...: for each NAME.vVERSION.ptl (torch4j's output) PyTorch's
lite interpreter must report the bytecode version asked, and every method must give the outputs
NAME.ff.ptl (the flatbuffer original) gives; a version 8 file must also load with torch.jit.load
(its code/ and data.pkl) with the original's state_dict, and its bytecode.pkl must equal the one
PyTorch wrote for the zip twin NAME.zip.ptl (read inertly; storage record names aside). Prints one "ok" line per file.
"""
import io
import os
import pickle
import sys
import zipfile

import torch
from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter

torch.manual_seed(0)
CALLS = {
    'cnn': [('forward', (torch.randn(2, 3, 8, 8),))],
    'buffers': [('forward', (torch.randn(2, 3),))],
    'shared': [('forward', (torch.randn(3, 4),))],
    'attrs': [('forward', (torch.randn(3),))],
    'xnnpack': [('forward', (torch.randn(1, 3, 8, 8),))],
    'methods': [('forward', (torch.randn(2, 2),)), ('lookup', (torch.tensor([1, 4, 0]),)),
                ('names', ({'a': 1, 'b': 2},))],
}


class Tagged:
    """An instance of a pickled global: compared by class name, constructor arguments and BUILD state."""

    def __init__(self, *args):
        self.args = args

    def __setstate__(self, state):
        self.state = state

    def __eq__(self, other):
        return (type(self).__name__ == type(other).__name__ and getattr(self, 'args', None) == getattr(other, 'args', None)
                and getattr(self, 'state', None) == getattr(other, 'state', None))

    def __repr__(self):
        return '%s%r[%r]' % (type(self).__name__, getattr(self, 'args', ()), getattr(self, 'state', None))


CLASSES = {}


class Inert(pickle.Unpickler):
    def find_class(self, module, name):
        key = module + '.' + name
        return CLASSES.setdefault(key, type(key, (Tagged,), {}))

    def persistent_load(self, pid):
        # The storage key (a record name) is left out: torch4j keys constants by flatbuffer storage index.
        return ('persistent_id',) + tuple(p for i, p in enumerate(pid) if i != 2)


def bytecode(path):
    z = zipfile.ZipFile(path)
    entry = [n for n in z.namelist() if n.endswith('/bytecode.pkl')][0]
    return Inert(io.BytesIO(z.read(entry))).load()


def main(folder, cases):
    for case in cases:
        name, version = case.split(':')
        original = os.path.join(folder, name + '.ff.ptl')
        path = os.path.join(folder, '%s.v%s.ptl' % (name, version))
        assert _get_model_bytecode_version(path) == int(version), (path, _get_model_bytecode_version(path))
        ref, got = _load_for_lite_interpreter(original), _load_for_lite_interpreter(path)
        for method, args in CALLS[name]:
            a, b = ref.run_method(method, *args), got.run_method(method, *args)
            same = torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b
            assert same, (path, method, a, b)
        if version == '8':
            ours, theirs = bytecode(path), bytecode(os.path.join(folder, name + '.zip.ptl'))
            assert ours == theirs, (path, ours, theirs)
            full = torch.jit.load(path)
            want = torch.jit.load(os.path.join(folder, name + '.zip.ptl')).state_dict()
            got_sd = full.state_dict()
            assert list(want) == list(got_sd), (list(want), list(got_sd))
            for k in want:
                assert torch.equal(want[k], got_sd[k]) and want[k].dtype == got_sd[k].dtype, (path, k)
        print('ok', path)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
