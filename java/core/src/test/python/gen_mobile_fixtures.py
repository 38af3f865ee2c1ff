#!/usr/bin/python3
"""Writes small lite-interpreter (.ptl) archives and what PyTorch (1.13) reports about them.

Run with /usr/bin/python3. Output in java/core/src/test/resources/mobile/:
  NAME_vN.ptl            torch.jit.script(module)._save_for_mobile(...), backported to bytecode vN
  NAME_vN.expected.txt   PyTorch's view: bytecode version (_get_model_bytecode_version), operator
                         list (_export_operator_list), and per method: name, instruction count,
                         operators (name, overload, num_args), constants count, types, register_size,
                         schema arguments/returns (read from the bytecode tuples with Python's own
                         unpickler, globals and persistent ids kept inert)
  corpus_ptl.expected.tsv  version and operator list of each ../shared/corpus/ptl file
"""
import io
import os
import pickle
import shutil
import tempfile
import zipfile
from typing import List, Optional

import torch
from torch.jit.mobile import (_backport_for_mobile, _export_operator_list, _get_model_bytecode_version,
                              _load_for_lite_interpreter)

# TORCH4J_FIXTURES_OUT redirects the output (GeneratorDriftTest regenerates into a temporary folder).
OUT = os.environ.get("TORCH4J_FIXTURES_OUT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'mobile')


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)
        self.scale = 0.5

    def forward(self, x):
        y = torch.relu(self.lin(x)) * self.scale
        return y + x.sum()

    @torch.jit.export
    def helper(self, a: int, b: float = 2.5) -> float:
        return a * b


class Branchy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.names: List[str] = ['a', 'b']

    def forward(self, x, flag: bool, extra: Optional[torch.Tensor] = None):
        out = self.conv(x)
        if flag:
            out = torch.sigmoid(out)
        if extra is not None:
            out = out + extra
        for i in range(2):
            out = out.view(-1).unsqueeze(0)
        return torch.cat([out, out], dim=1)


class _Reader(pickle.Unpickler):
    """A plain unpickler that keeps globals and persistent ids as inert tuples."""
    def find_class(self, module, name):
        return lambda *args: ('global', module, name, args)

    def persistent_load(self, pid):
        return ('pid', pid)


def table(t):
    # ('name', value) pairs in bytecode v4+: a tuple whose first item is a string
    return {k: v for k, v in t}


def methods_of(path):
    with zipfile.ZipFile(path) as z:
        name = [n for n in z.namelist() if n.endswith('/bytecode.pkl')][0]
        root = _Reader(io.BytesIO(z.read(name))).load()
    out = []
    for m in root[1:]:
        name, body = m[0], m[1]
        code = table(body) if isinstance(body[0], tuple) and body[0][0] == 'instructions' else None
        if code is None:  # (name, code, schema) with code itself a (key, value) table
            code = table(body[1] if len(body) > 1 else body)
        ops = code['operators']
        schema = table(m[2]) if len(m) > 2 else None
        out.append((name, len(code['instructions']), ops, len(code['constants']), list(code['types']),
                    code['register_size'], schema))
    return out


def write(name, module, versions):
    scripted = torch.jit.script(module)
    tmp = tempfile.mkdtemp()
    try:
        latest = os.path.join(tmp, 'latest.ptl')
        scripted._save_for_lite_interpreter(latest)  # _save_for_mobile in newer releases
        for v in versions:
            path = os.path.join(OUT, '%s_v%d.ptl' % (name, v))
            if v == _get_model_bytecode_version(latest):
                shutil.copy(latest, path)
            else:
                assert _backport_for_mobile(latest, path, v), 'backport to %d failed' % v
            version = _get_model_bytecode_version(path)
            ops = sorted(_export_operator_list(_load_for_lite_interpreter(path)))
            lines = ['version %d' % version, 'operators ' + ' '.join(ops)]
            for mname, ninstr, mops, nconst, types, reg, schema in methods_of(path):
                lines.append('method %s instructions=%d constants=%d register_size=%d' % (mname, ninstr, nconst, reg))
                for op in mops:
                    lines.append('  op ' + '|'.join(str(x) for x in op))
                lines.append('  types ' + '|'.join(types))
                if schema is not None:
                    for kind in ('arguments', 'returns'):
                        for arg in schema[kind]:
                            a = table(arg)
                            lines.append('  %s %s|%s|%r' % (kind, a['name'], a['type'], a['default_value']))
            with open(path[:-4] + '.expected.txt', 'w') as f:
                f.write('\n'.join(lines) + '\n')
            print(path, version, len(ops))
    finally:
        shutil.rmtree(tmp)


def corpus_expectations():
    """PyTorch's version and operator list for the shared corpus .ptl files (the files stay outside the repo)."""
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get('TORCH4J_SHARED') or os.path.join(here, '..', '..', '..', '..', '..', '..', 'shared')
    corpus = os.path.normpath(os.path.join(shared, 'corpus', 'ptl'))
    if not os.path.isdir(corpus):
        print('no corpus at', corpus)
        return
    lines = []
    for name in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, name)
        try:
            version = _get_model_bytecode_version(path)
            ops = sorted(_export_operator_list(_load_for_lite_interpreter(path)))
        except Exception as e:  # e.g. custom classes this PyTorch build lacks
            print('skip', name, type(e).__name__)
            continue
        lines.append('%s\t%d\t%s' % (name, version, ' '.join(ops)))
    with open(os.path.join(OUT, 'corpus_ptl.expected.tsv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    corpus_expectations()
    write('small', Small(), [4, 5, 6, 7, 8])
    write('branchy', Branchy(), [5, 8])
