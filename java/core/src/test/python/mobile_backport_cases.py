# Reference side of MobileBackportTest (PyTorch 1.13, /usr/bin/python3).
#   make DIR   writes DIR/<case>.ptl (bytecode v8, _save_for_lite_interpreter; some optimize_for_mobile'd,
#              *_debug ones with _save_mobile_debug_info)
#              with DIR/<case>.inputs.pt and DIR/<case>.expected.pt (the original module's outputs), and
#              prints the case names, one a line
#   check DIR CASE...   for every DIR/<case>_v<N>.ptl torch4j wrote: the version PyTorch reads, whether
#              its lite interpreter loads it and forward gives the expected outputs, and whether its
#              operator list, and each method's operator table with its argument counts, equal those of
#              PyTorch's own _backport_for_mobile to the same version.
#              Prints one line per file: "<file>\t<version>\t<ok|FAIL reason>"
#   corpus DIR FILE...   for real files whose inputs are unknown: every DIR/<stem>_v<N>.ptl torch4j wrote
#              for FILE must load, report version N, and list the operators of PyTorch's own backport
#              of FILE to N. Same output format.
import io
import os
import pickle
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.jit.mobile import (_backport_for_mobile, _export_operator_list, _get_model_bytecode_version,
                              _load_for_lite_interpreter)
from torch.utils.mobile_optimizer import optimize_for_mobile


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        y = F.relu(self.bn(self.conv(x)))
        y = torch.flatten(y, 1)
        return torch.softmax(self.fc(y), 1)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 8)
        self.b = nn.Linear(8, 3)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x))).sum(1)


class DeepCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, stride=2, groups=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.up = nn.ConvTranspose2d(8, 2, 2, stride=2)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.c1(x)), 2)
        y = F.hardtanh(self.c2(y), 0.0, 6.0)
        z = self.up(y)
        return self.fc(torch.flatten(self.pool(y), 1)), z.mean((2, 3))


class Rnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.gru = nn.GRU(5, 3, batch_first=True)
        self.out = nn.Linear(3, 2)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        z, _ = self.gru(y)
        return self.out(z[:, -1]), h.sum() + c.sum()


class Control(nn.Module):
    def forward(self, x, n: int):
        acc = torch.zeros(x.shape)
        i = 0
        while i < n:
            if i % 2 == 0:
                acc = acc + x.sum(0, keepdim=True)
            else:
                acc = torch.cat([acc, x])[: x.size(0)]
            i += 1
        for j in range(3):
            acc = acc * (j + 1) - torch.mean(acc)
        return acc


class Containers(nn.Module):
    def forward(self, x, d: Dict[str, torch.Tensor], k: int):
        table: Dict[int, float] = {1: 0.5, 2: 2.0}
        names: Dict[str, int] = {"a": 1, "b": 2}
        pairs: List[Tuple[str, int]] = [("x", 1), ("y", 2)]
        total = x
        for key, v in pairs:
            total = total + v * names.get(key, 0)
        t = (x, x * 2, "z")
        ys: List[torch.Tensor] = [t[0], t[1]]
        ys.append(d["w"] * table[k])
        return torch.stack(ys).sum(0) + total + names["b"] + len(t[2])


class Strings(nn.Module):
    def forward(self, x, name: str):
        s = "{}:{}-{}".format(name, x.dim(), x.size(0))
        s2 = f"{name}/{s}"
        parts = s2.split("/")
        return x * len(parts) + len(s.upper()) + float(s2.startswith(name)), s2


class Optionals(nn.Module):
    def forward(self, x, bias: Optional[torch.Tensor] = None, scale: Optional[float] = None):
        if bias is None:
            bias = torch.ones_like(x)
        y = x + bias
        if scale is not None:
            y = y * scale
        if not bool(y.is_cuda) and y.dtype == torch.float32 and y.device == torch.device("cpu"):
            y = y + 1
        return y


class Defaults(nn.Module):
    def forward(self, x):
        a = torch.flatten(x, 1)
        b = a.sum(1)
        c = torch.softmax(a, 1)
        d = torch.log_softmax(a, -1).mean()
        e, idx = torch.max(a, 1)
        f = torch.zeros([2, 3]) + torch.ones(3)
        g = torch.arange(4) * 2
        h = F.pad(x, [1, 1])
        i = torch.nn.functional.interpolate(x, scale_factor=2.0)
        j = torch.clamp(a, min=0.0)
        k = torch.cumsum(a, 1)
        l = torch.std(a)
        m = x.to(torch.float64).sum()
        return b, c, d, e + idx, f, g, h.sum(), i.shape[2], j, k, l, m


class OutVariant(nn.Module):
    def forward(self, x, y):
        w = torch.empty(0)
        torch.add(x, y, alpha=2, out=w)
        v = torch.empty(0)
        torch.add(x, y, out=v)
        z = torch.empty(0)
        torch.mul(x, y, out=z)
        return w + v + z


class Constants(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor([1.5, -2.0, 0.25]))
        self.weight = nn.Parameter(torch.arange(9.0).reshape(3, 3))
        self.offset = torch.tensor([3, 1, 2])

    def forward(self, x):
        return (x @ self.weight) * self.scale + self.offset


class Child(nn.Module):
    def __init__(self, k: int):
        super().__init__()
        self.k = k
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        return self.lin(x) * self.k


class Parent(nn.Module):
    def __init__(self):
        super().__init__()
        self.one = Child(1)
        self.two = Child(2)
        self.blocks = nn.ModuleList([Child(3), Child(4)])

    @torch.jit.export
    def helper(self, x, times: int = 2):
        return x.repeat(times, 1)

    def forward(self, x):
        y = self.one(x) + self.two(x)
        for b in self.blocks:
            y = b(y)
        return self.helper(y, 2).sum(0)


class Raises(nn.Module):
    def forward(self, x, flag: bool):
        if flag:
            raise ValueError("flag set: " + str(x.dim()))
        assert x.dim() > 0, "needs a dimension"
        return x.abs()


class Promoted(nn.Module):
    def forward(self, x):
        l: List[List[float]] = x.tolist()
        n = torch.ops.prim.NumToTensor(x.size(0))
        return x + n + float(len(l)) + x.dim() + x.numel()


class Quant(nn.Module):
    def forward(self, x):
        q = torch.quantize_per_tensor(x, 0.1, 10, torch.quint8)
        return q.dequantize() + torch.nn.functional.gelu(x)


class Pools(nn.Module):
    def forward(self, x):
        a = torch.max_pool2d(x, [2, 2])
        b = torch.nn.functional.avg_pool2d(x, [2, 2])
        c = torch.nn.functional.adaptive_avg_pool2d(x, [1, 1])
        d = torch.mean(x, [2, 3], keepdim=True)
        return a.sum() + b.sum() + c.sum() + d.sum(), torch.transpose(x, 2, 3).contiguous().view(-1)[:5]


class Loops(nn.Module):
    def forward(self, x, n: int):
        out: List[torch.Tensor] = []
        k = 0
        for i in range(n):
            if i == 2:
                continue
            y = x.sum(0) if i % 2 == 0 else torch.cumsum(x, 0).sum(0)
            while k < i:
                y = torch.softmax(y, 0) + k
                k += 1
                if k > 10:
                    break
            out.append(y)
        return torch.cat(out), torch.stack(out, 1)


class Nested(nn.Module):
    def forward(self, x, table: Dict[str, List[int]]):
        rows: List[List[float]] = [[1.0, 2.0], [3.0]]
        s = 0.0
        for r in rows:
            for v in r:
                s += v
        lens = [len(v) for v in table.values()]
        keys = sorted(table.keys())
        return x * s + sum(lens) + len(keys[0]), keys


class Methods(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    @torch.jit.export
    def encode(self, x):
        return torch.relu(self.lin(x))

    @torch.jit.export
    def decode(self, x, scale: float = 2.0):
        return torch.sigmoid(x) * scale

    def forward(self, x):
        return self.decode(self.encode(x), 3.0)


class Integers(nn.Module):
    def forward(self, x):
        i = torch.arange(6).reshape(2, 3)
        a = torch.argmax(x, 1)
        b = torch.topk(x, 2)
        c = torch.sort(x, 1, descending=True)
        d = torch.where(x > 0, x, torch.zeros_like(x))
        e = (i * 2 // 3) % 4
        f = torch.div(x, 2, rounding_mode="floor")
        return a, b[0], b[1], c[0], d, e, f


class Norms(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(6)
        self.gn = nn.GroupNorm(2, 4)
        self.emb = nn.Embedding(10, 6)
        self.drop = nn.Dropout(0.5)

    def forward(self, x, ids):
        e = self.drop(self.emb(ids))
        y = self.ln(e + x)
        z = self.gn(y.reshape(1, 4, 3, 2) if y.numel() == 24 else torch.zeros(1, 4, 3, 2))
        return F.gelu(y).sum(-1), z.mean(), F.normalize(y, dim=-1)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = nn.MultiheadAttention(8, 2, batch_first=True)
        self.ff = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8))

    def forward(self, x):
        a, w = self.mha(x, x, x)
        return self.ff(a + x), w


class ScalarMath(nn.Module):
    def forward(self, x, a: int, b: float):
        c = a * b + float(a // 2) - b ** 2
        m = max(a, 3) + min(b, 1.0)
        t = torch.full([2], c) + torch.tensor([m, float(abs(-a))])
        return t * x.mean(), int(c), float(round(b)) if b > 0 else -1.0


def cases():
    torch.manual_seed(0)
    img = torch.randn(1, 3, 8, 8)
    yield "cnn_opt", optimize_for_mobile(torch.jit.script(Cnn().eval())), Cnn().eval(), (img,)
    yield "cnn_plain", torch.jit.script(Cnn().eval()), None, (img,)
    yield "mlp_opt", optimize_for_mobile(torch.jit.script(Mlp().eval())), None, (torch.randn(2, 6),)
    yield "deepcnn_opt", optimize_for_mobile(torch.jit.script(DeepCnn().eval())), None, (torch.randn(1, 3, 16, 16),)
    yield "deepcnn_plain", torch.jit.script(DeepCnn().eval()), None, (torch.randn(1, 3, 16, 16),)
    yield "rnn_opt", optimize_for_mobile(torch.jit.script(Rnn().eval())), None, (torch.randn(2, 5, 4),)
    yield "rnn_plain", torch.jit.script(Rnn().eval()), None, (torch.randn(2, 5, 4),)
    yield "control", torch.jit.script(Control()), None, (torch.randn(2, 3), 5)
    yield "containers", torch.jit.script(Containers()), None, (torch.randn(2), {"w": torch.randn(2)}, 2)
    yield "strings", torch.jit.script(Strings()), None, (torch.randn(3), "ab")
    yield "optionals", torch.jit.script(Optionals()), None, (torch.randn(3), None, 2.0)
    yield "optionals_bias", torch.jit.script(Optionals()), None, (torch.randn(3), torch.randn(3), None)
    yield "defaults", torch.jit.script(Defaults()), None, (torch.randn(1, 2, 3, 3),)
    yield "out_variant", torch.jit.script(OutVariant()), None, (torch.randn(4), torch.randn(4))
    yield "constants", torch.jit.script(Constants()), None, (torch.randn(2, 3),)
    yield "constants_opt", optimize_for_mobile(torch.jit.script(Constants().eval())), None, (torch.randn(2, 3),)
    yield "frozen", torch.jit.freeze(torch.jit.script(Parent().eval())), None, (torch.randn(2, 3),)
    yield "submodules", torch.jit.script(Parent()), None, (torch.randn(2, 3),)
    yield "submodules_opt", optimize_for_mobile(torch.jit.script(Parent().eval())), None, (torch.randn(2, 3),)
    yield "raises", torch.jit.script(Raises()), None, (torch.randn(3), False)
    yield "raises_value_error", torch.jit.script(Raises()), None, (torch.randn(3), True)
    yield "raises_assertion", torch.jit.script(Raises()), None, (torch.tensor(2.0), False)
    yield "promoted", torch.jit.script(Promoted()), None, (torch.randn(2, 2),)
    yield "quant", torch.jit.script(Quant()), None, (torch.randn(4),)
    # Saved with _save_mobile_debug_info: one debug handle per instruction, which inserted ones must keep in step.
    # (Not Defaults: PyTorch 1.13's lite interpreter cannot load its own debug-info file of that model.)
    yield "out_variant_debug", torch.jit.script(OutVariant()), None, (torch.randn(4), torch.randn(4))
    yield "integers_debug", torch.jit.script(Integers()), None, (torch.randn(3, 4),)
    yield "loops_debug", torch.jit.script(Loops()), None, (torch.randn(3, 2), 5)
    yield "cnn_opt_debug", optimize_for_mobile(torch.jit.script(Cnn().eval())), None, (img,)
    yield "pools", torch.jit.script(Pools()), None, (torch.randn(1, 2, 4, 4),)
    yield "pools_opt", optimize_for_mobile(torch.jit.script(Pools())), None, (torch.randn(1, 2, 4, 4),)
    yield "loops", torch.jit.script(Loops()), None, (torch.randn(3, 2), 5)
    yield "nested", torch.jit.script(Nested()), None, (torch.randn(2), {"bb": [1, 2], "a": [3]})
    yield "methods", torch.jit.script(Methods()), None, (torch.randn(2, 4),)
    yield "methods_opt", optimize_for_mobile(torch.jit.script(Methods().eval()), preserved_methods=["encode", "decode"]), None, (torch.randn(2, 4),)
    yield "integers", torch.jit.script(Integers()), None, (torch.randn(3, 4),)
    yield "norms", torch.jit.script(Norms().eval()), None, (torch.randn(4, 6), torch.tensor([1, 2, 3, 4]))
    yield "norms_opt", optimize_for_mobile(torch.jit.script(Norms().eval())), None, (torch.randn(4, 6), torch.tensor([1, 2, 3, 4]))
    yield "attention", torch.jit.script(Attention().eval()), None, (torch.randn(2, 3, 8),)
    yield "attention_opt", optimize_for_mobile(torch.jit.script(Attention().eval())), None, (torch.randn(2, 3, 8),)
    yield "scalar_math", torch.jit.script(ScalarMath()), None, (torch.randn(3), 5, 1.5)
    yield "traced_cnn_opt", optimize_for_mobile(torch.jit.trace(DeepCnn().eval(), torch.randn(1, 3, 16, 16))), None, (torch.randn(1, 3, 16, 16),)


def make(folder):
    os.makedirs(folder, exist_ok=True)
    for name, module, _, inputs in cases():
        module._save_for_lite_interpreter(os.path.join(folder, name + ".ptl"),
                                          _save_mobile_debug_info=name.endswith("_debug"))
        try:
            with torch.no_grad():
                expected = module(*inputs)
        except Exception as e:  # the lite interpreter must raise with the same message
            expected = ("raises", str(e).strip().splitlines()[-1])
        torch.save((inputs, expected), os.path.join(folder, name + ".io.pt"))
        print(name)


class _Inert(pickle.Unpickler):
    """Reads bytecode.pkl without running anything: globals and persistent ids become placeholders."""

    def find_class(self, module, name):
        return _Placeholder

    def persistent_load(self, pid):
        return None


class _Placeholder:
    def __init__(self, *args):
        pass

    def __setstate__(self, state):
        pass


def operator_tables(path):
    """{method: {(name, overload, num_args or None)}} of a .ptl's bytecode.pkl.

    Sets, not lists: PyTorch's emitter may list a vararg operator once per call site (aten::format),
    torch4j once. One documented difference is normalised: where a raise has no exception class,
    PyTorch's v6/v7 emitter gives prim::RaiseException the argument count 1 although it pushes both
    arguments (msg, None); torch4j writes 2, the count it pushes (PyTorch 1.13 runs prim ops without
    looking at the count, so both behave the same there)."""
    with zipfile.ZipFile(path) as z:
        entry = [n for n in z.namelist() if n.endswith("/bytecode.pkl")][0]
        root = _Inert(io.BytesIO(z.read(entry))).load()
    tables = {}
    for method in root[1:]:
        code = dict(method[1])
        table = set()
        for o in code["operators"]:
            count = o[2] if len(o) > 2 else None
            if (o[0], o[1], count) == ("prim::RaiseException", "", 1):
                count = 2
            table.add((o[0], o[1], count))
        tables[method[0]] = table
    return tables


def same(a, b):
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.shape == b.shape and a.dtype == b.dtype and torch.allclose(
            a, b, atol=1e-5, rtol=1e-5, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return isinstance(b, float) and abs(a - b) <= 1e-5 * max(1.0, abs(a))
    return a == b


def check(folder, names):
    for name in names:
        inputs, expected = torch.load(os.path.join(folder, name + ".io.pt"))
        for v in (7, 6, 5, 4):
            ours = os.path.join(folder, "%s_v%d.ptl" % (name, v))
            theirs = os.path.join(folder, "%s_v%d.pytorch.ptl" % (name, v))
            try:
                version = _get_model_bytecode_version(ours)
                lite = _load_for_lite_interpreter(ours)
                try:
                    with torch.no_grad():
                        got = lite(*inputs)
                except Exception as e:
                    # The lite interpreter's message is the scripted module's without its class prefix.
                    message = str(e).strip()
                    if not (isinstance(expected, tuple) and expected[0] == "raises" and message and message in expected[1]):
                        raise
                    got = expected
                if not same(expected, got):
                    raise AssertionError("outputs differ: %r vs %r" % (expected, got))
                if _backport_for_mobile(os.path.join(folder, name + ".ptl"), theirs, v):
                    mine, ref = _export_operator_list(lite), _export_operator_list(_load_for_lite_interpreter(theirs))
                    if mine != ref:
                        raise AssertionError("operators differ from PyTorch's backport: %s" % sorted(mine ^ ref))
                    if operator_tables(ours) != operator_tables(theirs):
                        raise AssertionError("operator tables (argument counts) differ from PyTorch's backport: %r vs %r"
                                             % (operator_tables(ours), operator_tables(theirs)))
                    status = "ok"
                else:
                    status = "ok (PyTorch's own backport fails)"
            except Exception as e:
                version, status = -1, "FAIL " + " ".join(str(e).split())[:300]
            print("%s\t%d\t%s" % (os.path.basename(ours), version, status))


def corpus(folder, files):
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        for v in range(_get_model_bytecode_version(path) - 1, 3, -1):
            ours = os.path.join(folder, "%s_v%d.ptl" % (stem, v))
            theirs = os.path.join(folder, "%s_v%d.pytorch.ptl" % (stem, v))
            try:
                version = _get_model_bytecode_version(ours)
                mine = _export_operator_list(_load_for_lite_interpreter(ours))
                if _backport_for_mobile(path, theirs, v):
                    ref = _export_operator_list(_load_for_lite_interpreter(theirs))
                    if mine != ref:
                        raise AssertionError("operators differ from PyTorch's backport: %s" % sorted(mine ^ ref))
                    if operator_tables(ours) != operator_tables(theirs):
                        raise AssertionError("operator tables (argument counts) differ from PyTorch's backport")
                    status = "ok"
                else:
                    status = "ok (PyTorch's own backport fails)"
            except Exception as e:
                version, status = -1, "FAIL " + " ".join(str(e).split())[:300]
            print("%s\t%d\t%s" % (os.path.basename(ours), version, status))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "corpus":
        corpus(sys.argv[2], sys.argv[3:])
    else:
        check(sys.argv[2], sys.argv[3:])
