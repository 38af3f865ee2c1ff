"""Writes the oracle files the torch4j-libtorch tests compare against, with reference PyTorch.

Run with the interpreter that has torch (/usr/bin/python3):  gen_libtorch_fixtures.py OUT_DIR
The tests run it at test time into a temporary directory, so nothing binary is committed.

OUT_DIR receives:
  model.pt           TorchScript archive of a small trained-looking net (random init, seed 1)
  arch.pt            the same architecture scripted with a DIFFERENT random init (seed 2)
  input.pt           an input batch (state_dict-style zip, key "x")
  inputs.bin, expected.bin, expected_twice.bin   raw little-endian float32 of x, forward(x), twice(x)
  weights.pkl        model.pt's state_dict saved with torch.save (the "trained" weights)
  module.pt          the whole trained nn.Module pickled with torch.save(net) (class __main__.Net)
  lightning.ckpt     a Lightning-like checkpoint: {"epoch", "global_step", "state_dict": {"model.<name>": ...}}
  partial.pkl        the state_dict less bn.running_var, plus an unexpected extra.weight
  badshape.pkl       the state_dict with l2.weight transposed (a size mismatch)
  state.tsv          model.pt's parameters and buffers: name, dtype, shape, float64 values
  views.pt           tensors with strides/offsets/dtypes for the zero-copy hand-over tests
  views.tsv          per tensor in views.pt: name, dtype, shape, stride, storage offset, storage bytes
                     and PyTorch's row-major values as float64
  views/NAME.le.bin, views/NAME.be.bin   the whole storage of each view, little- and big-endian
"""
import os
import sys

try:
    import numpy
    import torch
except ImportError as e:  # the tests skip (rather than fail) on exit code 3
    print("reference PyTorch unavailable:", e, file=sys.stderr)
    sys.exit(3)


class Net(torch.nn.Module):
    """Linear -> BatchNorm (with running stats buffers) -> ReLU -> Linear; a second method for named calls."""

    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(4, 8)
        self.bn = torch.nn.BatchNorm1d(8)
        self.l2 = torch.nn.Linear(8, 3)

    def forward(self, x):
        return self.l2(torch.relu(self.bn(self.l1(x))))

    @torch.jit.export
    def twice(self, x):
        return x * 2.0


def trained_net():
    torch.manual_seed(1)
    net = Net()
    # Non-trivial running statistics, so buffers matter for the outputs.
    with torch.no_grad():
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 2.0)
        net.bn.weight.uniform_(0.5, 1.5)
        net.bn.bias.uniform_(-0.2, 0.2)
        net.bn.num_batches_tracked.fill_(7)
    return net.eval()


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def tsv_row(*cells):
    """Tab-separated cells; sequences become comma-separated (floats in repr, exact)."""
    def cell(c):
        if isinstance(c, (list, tuple, torch.Size)):
            return ",".join(repr(float(x)) if isinstance(x, float) else str(x) for x in c)
        return str(c)
    return "\t".join(cell(c) for c in cells) + "\n"


def write_raw(path, t):
    with open(path, "wb") as f:
        f.write(t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes())


def main(out):
    os.makedirs(out, exist_ok=True)
    net = trained_net()
    scripted = torch.jit.script(net)
    scripted.save(os.path.join(out, "model.pt"))

    torch.manual_seed(2)
    torch.jit.script(Net().eval()).save(os.path.join(out, "arch.pt"))

    torch.manual_seed(3)
    x = torch.randn(5, 4)
    torch.save({"x": x}, os.path.join(out, "input.pt"))
    with torch.no_grad():
        write_raw(os.path.join(out, "inputs.bin"), x)
        write_raw(os.path.join(out, "expected.bin"), scripted(x))
        write_raw(os.path.join(out, "expected_twice.bin"), scripted.twice(x))

    state = net.state_dict()
    torch.save(net, os.path.join(out, "module.pt"))
    torch.save(state, os.path.join(out, "weights.pkl"))
    torch.save({"epoch": 3, "global_step": 120, "pytorch-lightning_version": "2.0.0",
                "state_dict": {"model." + k: v for k, v in state.items()}},
               os.path.join(out, "lightning.ckpt"))

    partial = dict(state)
    del partial["bn.running_var"]
    partial["extra.weight"] = torch.ones(2)
    torch.save(partial, os.path.join(out, "partial.pkl"))
    bad = dict(state)
    bad["l2.weight"] = state["l2.weight"].t().contiguous()
    torch.save(bad, os.path.join(out, "badshape.pkl"))
    with open(os.path.join(out, "state.tsv"), "w") as f:
        for k, v in state.items():
            f.write(tsv_row(k, dtype_name(v), v.shape, v.to(torch.float64).flatten().tolist()))

    base = torch.arange(60, dtype=torch.float64).reshape(3, 4, 5) / 7.0
    views = {
        "f32": base.to(torch.float32),
        "f64": base.clone(),
        "transposed": base.to(torch.float32).transpose(0, 2),
        "sliced": base.to(torch.float32)[1:, ::2, 1:4],
        "i64": torch.arange(-6, 6, dtype=torch.int64).reshape(3, 4),
        "i32": torch.arange(-6, 6, dtype=torch.int32).reshape(4, 3).t(),
        "u8": torch.arange(0, 250, 10, dtype=torch.uint8),
        "i8": torch.arange(-8, 8, dtype=torch.int8),
        "i16": torch.arange(-300, 300, 50, dtype=torch.int16),
        "bool": torch.tensor([True, False, True, True]),
        "f16": (base[0] - 2).to(torch.float16),
        "bf16": (base[1] - 3).to(torch.bfloat16),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 3),
    }
    torch.save(views, os.path.join(out, "views.pt"))
    os.makedirs(os.path.join(out, "views"), exist_ok=True)
    rows = []
    for name, v in views.items():
        item = v.element_size()
        whole = torch.empty(0, dtype=v.dtype).set_(v.storage())  # the full storage as a 1-D tensor
        raw = whole.view(torch.uint8).numpy() if item > 1 else whole.numpy().view(numpy.uint8)
        raw.tofile(os.path.join(out, "views", name + ".le.bin"))
        raw.reshape(-1, item)[:, ::-1].tofile(os.path.join(out, "views", name + ".be.bin"))
        rows.append(tsv_row(name, dtype_name(v), v.shape, v.stride(), v.storage_offset(), int(raw.size),
                            v.to(torch.float64).flatten().tolist()))
    with open(os.path.join(out, "views.tsv"), "w") as f:
        f.writelines(rows)


if __name__ == "__main__":
    main(sys.argv[1])
