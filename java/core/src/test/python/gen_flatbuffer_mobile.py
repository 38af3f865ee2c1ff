#!/usr/bin/python3
"""Writes lite-interpreter models as flatbuffer .ptl files (bytecode v9) and as zip .ptl twins.

Run with /usr/bin/python3 (PyTorch 1.13): gen_flatbuffer_mobile.py OUT_DIR. For each NAME it writes
  NAME.ff.ptl      _save_for_lite_interpreter(path, _use_flatbuffer=True)
  NAME.zip.ptl     _save_for_lite_interpreter(path) of the same scripted module
  xnnpack.ff.ptl   optimize_for_mobile of a small CNN (XNNPACK packed contexts, custom classes), and its zip twin
  NAME.json        PyTorch's view: bytecode version, methods, and every state_dict() tensor with
                   its dtype, shape and contiguous little-endian bytes (hex), read through numpy
"""
import json
import os
import sys
from typing import Dict, List, Tuple

import torch
from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter

torch.manual_seed(7)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


class Buffers(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('ids', torch.arange(-3, 9, dtype=torch.int64).reshape(3, 4))
        self.register_buffer('mask', torch.tensor([True, False, True, True, False]))
        self.register_buffer('fp16', torch.randn(2, 3).to(torch.float16))
        self.register_buffer('wide', torch.randn(4, dtype=torch.float64))
        self.register_buffer('small', torch.tensor([1, -2, 127], dtype=torch.int8))
        self.register_buffer('scalar', torch.tensor(2.5))
        self.lin = torch.nn.Linear(3, 3)

    def forward(self, x):
        return self.lin(x) + self.fp16.float().sum() + self.ids.sum() + self.mask.sum()


class Shared(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(4, 4)
        self.b = torch.nn.Linear(4, 4)
        self.b.weight = self.a.weight  # one tensor under two names

    def forward(self, x):
        return self.b(self.a(x))


class Methods(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 3)
        self.emb = torch.nn.Embedding(5, 2)
        self.factor = 3

    def forward(self, x):
        return self.lin(x)

    @torch.jit.export
    def lookup(self, idx: torch.Tensor) -> torch.Tensor:
        return self.emb(idx) * self.factor

    @torch.jit.export
    def names(self, d: Dict[str, int]) -> int:
        return len(d) + self.factor


class Attrs(torch.nn.Module):
    """Attributes that are not in the state_dict: a dict, lists (of str, of tensors), a tuple, a plain tensor."""

    def __init__(self):
        super().__init__()
        self.table: Dict[str, int] = {'a': 1, 'b': 2}
        self.words: List[str] = ['x', 'yy']
        self.pair: Tuple[int, float] = (3, 1.5)
        self.register_buffer('t', torch.arange(4.))
        self.ts: List[torch.Tensor] = [torch.ones(2), torch.zeros(3)]
        self.plain = torch.tensor([1.0, 2.0])

    def forward(self, x):
        n = self.table['b'] + len(self.words[1]) + self.pair[0]
        return x * n + self.t.sum() + self.ts[1].sum() + self.plain[1] + torch.tensor([0.5, 1.5]).sum()


MODELS = {'cnn': Cnn, 'buffers': Buffers, 'shared': Shared, 'methods': Methods, 'attrs': Attrs}


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, cls in MODELS.items():
        module = cls().eval()
        if name == 'cnn':
            with torch.no_grad():  # running statistics other than the defaults
                module.bn.running_mean.copy_(torch.randn(4))
                module.bn.running_var.copy_(torch.rand(4) + 0.5)
                module.bn.num_batches_tracked.fill_(11)
        scripted = torch.jit.script(module)
        ff = os.path.join(out, name + '.ff.ptl')
        zp = os.path.join(out, name + '.zip.ptl')
        scripted._save_for_lite_interpreter(ff, _use_flatbuffer=True)
        scripted._save_for_lite_interpreter(zp)
        _load_for_lite_interpreter(ff)  # PyTorch itself reads it back
        tensors = {}
        for key, t in module.state_dict().items():
            a = t.detach().contiguous().numpy()
            tensors[key] = {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape),
                            'hex': a.astype(a.dtype.newbyteorder('<')).tobytes().hex()}
        methods = sorted(scripted._c._method_names())
        with open(os.path.join(out, name + '.json'), 'w') as f:
            json.dump({'bytecode_version': _get_model_bytecode_version(ff), 'methods': methods,
                       'tensors': tensors}, f, indent=1, sort_keys=True)


def xnnpack(out):
    from torch.utils.mobile_optimizer import optimize_for_mobile
    m = torch.jit.script(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval())
    optimized = optimize_for_mobile(m)
    optimized._save_for_lite_interpreter(os.path.join(out, 'xnnpack.ff.ptl'), _use_flatbuffer=True)
    optimized._save_for_lite_interpreter(os.path.join(out, 'xnnpack.zip.ptl'))


if __name__ == '__main__':
    xnnpack(sys.argv[1])
    main(sys.argv[1])
