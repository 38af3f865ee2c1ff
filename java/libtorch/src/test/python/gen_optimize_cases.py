"""Writes the oracle for ScriptModel.optimizeForInference: many small scripted models built at random
(seeded), with inputs and PyTorch's eager outputs, so that the frozen and optimised module torch4j
runs is checked against the reference on a broad set of layer combinations, not on one hand-picked net.

Run with the interpreter that has torch (/usr/bin/python3):  gen_optimize_cases.py OUT_DIR [COUNT]

OUT_DIR receives, for case i (0 <= i < COUNT, default 60):
  case<i>.pt                 the model, scripted, eval mode (torch.jit.save)
  case<i>_x<b>.npy           a float32 input at batch b (1 and 5)
  case<i>_y<b>.npy           PyTorch's output for it (eager module, torch.no_grad)
and cases.tsv: one row per case: index, a description of its layers.

The layers drawn: Conv2d (bias or not, stride 1/2, padding, dilation, groups, 1x1/3x3/5x5 kernels),
BatchNorm2d with trained-looking statistics (the freezing pass folds it into the convolution),
ReLU/ReLU6/Hardtanh/SiLU/GELU/Sigmoid/Tanh, residual additions and multiplications by constants,
MaxPool2d/AvgPool2d, Dropout (a no-op in eval), adaptive average pooling, flatten, Linear (bias or
not), concatenation of two branches. Exit code 3 when torch is missing (the tests skip).
"""
import os
import random
import sys

try:
    import numpy as np
    import torch
except ImportError as e:
    print("reference PyTorch unavailable:", e, file=sys.stderr)
    sys.exit(3)

ACTS = [torch.nn.ReLU, torch.nn.ReLU6, lambda: torch.nn.Hardtanh(-0.5, 0.7), torch.nn.SiLU, torch.nn.GELU,
        torch.nn.Sigmoid, torch.nn.Tanh, torch.nn.Identity]


def bn(c, rng):
    b = torch.nn.BatchNorm2d(c)
    # Statistics and affine parameters away from the defaults, so that folding them changes the weights.
    with torch.no_grad():
        b.running_mean.uniform_(-0.5, 0.5)
        b.running_var.uniform_(0.5, 2.0)
        b.weight.uniform_(0.5, 1.5)
        b.bias.uniform_(-0.2, 0.2)
    return b


class ConvUnit(torch.nn.Module):
    """conv -> (bn) -> act, with an optional residual (add or scaled add) when shapes allow it."""

    def __init__(self, c_in, c_out, rng, desc):
        super().__init__()
        k = rng.choice([1, 3, 3, 5])
        stride = rng.choice([1, 1, 2])
        dil = rng.choice([1, 1, 2]) if k > 1 else 1
        groups = 1
        if rng.random() < 0.25:
            for g in (c_in, 4, 2):
                if c_in % g == 0 and c_out % g == 0:
                    groups = g
                    break
        pad = dil * (k - 1) // 2
        self.conv = torch.nn.Conv2d(c_in, c_out, k, stride, pad, dilation=dil, groups=groups, bias=rng.random() < 0.5)
        self.bn = bn(c_out, rng) if rng.random() < 0.7 else torch.nn.Identity()
        self.act = rng.choice(ACTS)()
        self.residual = stride == 1 and c_in == c_out and rng.random() < 0.5
        self.scale = rng.choice([1.0, 0.5, 2.0])
        desc.append(f"conv{k}x{k}/s{stride}/d{dil}/g{groups}/{'bias' if self.conv.bias is not None else 'nobias'}"
                    f"+{'bn' if isinstance(self.bn, torch.nn.BatchNorm2d) else 'nobn'}+{type(self.act).__name__}"
                    + (f"+res*{self.scale}" if self.residual else ""))

    def forward(self, x):
        y = self.act(self.bn(self.conv(x)))
        if self.residual:
            y = y + x * self.scale
        return y


class Branches(torch.nn.Module):
    """Two convolution branches of the same input, concatenated along channels."""

    def __init__(self, c_in, c_a, c_b, rng, desc):
        super().__init__()
        desc.append("cat[")
        self.a = ConvUnit(c_in, c_a, rng, desc)
        self.b = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_b, 1, bias=False), bn(c_b, rng), torch.nn.ReLU())
        # Branch a may stride; b must match its spatial size.
        self.stride = self.a.conv.stride[0]
        desc.append("]")

    def forward(self, x):
        a = self.a(x)
        b = self.b(x)
        if self.stride != 1:
            b = torch.nn.functional.avg_pool2d(b, self.stride, self.stride, ceil_mode=True)
        b = b[:, :, :a.shape[2], :a.shape[3]]
        return torch.cat([a, b], 1)


class Net(torch.nn.Module):
    def __init__(self, rng, desc):
        super().__init__()
        c = rng.choice([1, 3, 4])
        self.c_in = c
        self.size = rng.choice([8, 12, 16, 20])
        layers = []
        for _ in range(rng.randint(1, 4)):
            r = rng.random()
            if r < 0.65:
                c_out = rng.choice([4, 8, 12, 16])
                layers.append(ConvUnit(c, c_out, rng, desc))
                c = c_out
            elif r < 0.8:
                c_a, c_b = rng.choice([4, 8]), rng.choice([4, 8])
                layers.append(Branches(c, c_a, c_b, rng, desc))
                c = c_a + c_b
            elif r < 0.9:
                layers.append(rng.choice([torch.nn.MaxPool2d(2, ceil_mode=True), torch.nn.AvgPool2d(2, ceil_mode=True)]))
                desc.append(type(layers[-1]).__name__)
            else:
                layers.append(torch.nn.Dropout(0.3))
                desc.append("Dropout")
        self.body = torch.nn.Sequential(*layers)
        hidden = rng.choice([0, 16])
        head = [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten()]
        if hidden:
            head += [torch.nn.Linear(c, hidden, bias=rng.random() < 0.5), torch.nn.ReLU()]
            c = hidden
        head.append(torch.nn.Linear(c, rng.choice([3, 10])))
        self.head = torch.nn.Sequential(*head)
        desc.append(f"head(hidden={hidden})")

    def forward(self, x):
        return self.head(self.body(x))


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    os.makedirs(out, exist_ok=True)
    rows = []
    for i in range(count):
        rng = random.Random(1000 + i)
        torch.manual_seed(1000 + i)
        desc = []
        net = Net(rng, desc).eval()
        scripted = torch.jit.script(net)
        scripted.save(os.path.join(out, f"case{i}.pt"))
        for batch in (1, 5):
            x = torch.randn(batch, net.c_in, net.size, net.size)
            with torch.no_grad():
                y = net(x)
            np.save(os.path.join(out, f"case{i}_x{batch}.npy"), x.numpy())
            np.save(os.path.join(out, f"case{i}_y{batch}.npy"), y.numpy())
        rows.append(f"{i}\t{' '.join(desc)}")
    with open(os.path.join(out, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
