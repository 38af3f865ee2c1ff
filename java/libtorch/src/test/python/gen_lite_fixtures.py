"""Writes the lite-runtime oracle: .ptl files saved with _save_for_lite_interpreter, fixed inputs, and
the outputs of PyTorch 1.13's lite interpreter (torch.jit.mobile._load_for_lite_interpreter) on them.

Run with the interpreter that has torch (/usr/bin/python3):  gen_lite_fixtures.py OUT_DIR
Used by LiteModuleTest (the Android-style API dev.torch4j.libtorch.lite).

OUT_DIR receives (every *_y*.npy is what the lite interpreter returned for the file beside it):
  cnn.ptl        conv-bn-relu-pool-linear CNN, forward(x[1,3,8,8]) -> [1,5];  cnn_x.npy, cnn_y.npy
  tuple.ptl      forward(x[2,6]) -> (relu(linear(x)), x.sum(1), x.size(0) * 7);  tuple_x.npy, tuple_y0..2.npy
  methods.ptl    forward(x) -> tanh(linear(x)); exported scale(x, k: float, offset: int) -> x * k + offset,
                 parts(x) -> List[Tensor] (the rows), sizes(x) -> Dict[str, int];
                 methods_x.npy, methods_forward.npy, methods_scale.npy (k=0.5, offset=3), methods_parts0/1.npy,
                 methods_sizes.tsv (key TAB value, in the dict's order), methods_names.txt (torch.jit.load's
                 method names, each found by the lite module's find_method)
  int64.ptl      forward(idx int64[2,3]) -> (embedding(idx), idx * 3 + 1);  int64_idx.npy, int64_y0.npy, int64_y1.npy
  xnnpack.ptl    optimize_for_mobile(cnn) (XNNPACK prepacked conv/linear contexts);  xnnpack_y.npy on cnn_x
  flatbuffer.ptl the cnn saved with _use_flatbuffer=True (bytecode only);          flatbuffer_y.npy on cnn_x
"""
import os
import sys
from typing import Dict, List, Tuple

try:
    import numpy as np
    import torch
    from torch.jit.mobile import _load_for_lite_interpreter
    from torch.utils.mobile_optimizer import optimize_for_mobile
except ImportError as e:  # the tests skip (rather than fail) on exit code 3
    print("reference PyTorch unavailable:", e, file=sys.stderr)
    sys.exit(3)


class CNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        y = torch.nn.functional.max_pool2d(torch.relu(self.bn(self.conv(x))), 2)
        return self.fc(torch.flatten(y, 1))


class TupleOut(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l = torch.nn.Linear(6, 3)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor, int]:
        return torch.relu(self.l(x)), x.sum(1), x.size(0) * 7


class Methods(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l = torch.nn.Linear(4, 4)

    def forward(self, x):
        return torch.tanh(self.l(x))

    @torch.jit.export
    def scale(self, x, k: float, offset: int):
        return x * k + offset

    @torch.jit.export
    def parts(self, x) -> List[torch.Tensor]:
        return [x[0], x[1]]

    @torch.jit.export
    def sizes(self, x) -> Dict[str, int]:
        return {"rows": x.size(0), "cols": x.size(1), "numel": x.numel()}


class Int64In(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(10, 3)

    def forward(self, idx) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.emb(idx), idx * 3 + 1


def npy(out, name, t):
    np.save(os.path.join(out, name), t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t))


def main(out):
    torch.manual_seed(24)
    cnn = CNN()
    with torch.no_grad():  # running statistics that are not the defaults, so eval-mode BN matters
        cnn.bn.running_mean.uniform_(-0.5, 0.5)
        cnn.bn.running_var.uniform_(0.5, 2.0)
    cnn.eval()
    scripted = torch.jit.script(cnn)
    path = lambda n: os.path.join(out, n)
    scripted._save_for_lite_interpreter(path("cnn.ptl"))
    x = torch.randn(1, 3, 8, 8)
    npy(out, "cnn_x.npy", x)
    npy(out, "cnn_y.npy", _load_for_lite_interpreter(path("cnn.ptl"))(x))

    torch.jit.script(TupleOut().eval())._save_for_lite_interpreter(path("tuple.ptl"))
    x = torch.randn(2, 6)
    npy(out, "tuple_x.npy", x)
    y = _load_for_lite_interpreter(path("tuple.ptl"))(x)
    for i, item in enumerate(y):
        npy(out, "tuple_y%d.npy" % i, np.asarray(item, dtype=np.int64) if isinstance(item, int) else item)

    torch.jit.script(Methods().eval())._save_for_lite_interpreter(path("methods.ptl"))
    x = torch.randn(2, 4)
    npy(out, "methods_x.npy", x)
    m = _load_for_lite_interpreter(path("methods.ptl"))
    npy(out, "methods_forward.npy", m(x))
    npy(out, "methods_scale.npy", m.run_method("scale", x, 0.5, 3))
    for i, part in enumerate(m.run_method("parts", x)):
        npy(out, "methods_parts%d.npy" % i, part)
    # The lite module lists no methods; the TorchScript view of the same file does, in its order.
    names = torch.jit.load(path("methods.ptl"))._c._method_names()
    assert all(m.find_method(n) for n in names), names
    with open(path("methods_names.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(path("methods_sizes.tsv"), "w") as f:
        for k, v in m.run_method("sizes", x).items():
            f.write("%s\t%d\n" % (k, v))

    torch.jit.script(Int64In().eval())._save_for_lite_interpreter(path("int64.ptl"))
    idx = torch.tensor([[0, 3, 9], [2, 2, 7]], dtype=torch.int64)
    npy(out, "int64_idx.npy", idx)
    y0, y1 = _load_for_lite_interpreter(path("int64.ptl"))(idx)
    npy(out, "int64_y0.npy", y0)
    npy(out, "int64_y1.npy", y1)

    # The two kinds the bundled libtorch cannot run, though PyTorch's lite interpreter does.
    x = torch.from_numpy(np.load(path("cnn_x.npy")))
    optimize_for_mobile(scripted)._save_for_lite_interpreter(path("xnnpack.ptl"))
    npy(out, "xnnpack_y.npy", _load_for_lite_interpreter(path("xnnpack.ptl"))(x))
    scripted._save_for_lite_interpreter(path("flatbuffer.ptl"), _use_flatbuffer=True)
    npy(out, "flatbuffer_y.npy", _load_for_lite_interpreter(path("flatbuffer.ptl"))(x))


if __name__ == "__main__":
    main(sys.argv[1])
