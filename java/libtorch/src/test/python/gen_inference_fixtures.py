"""Writes the inference oracle: scripted models, numpy inputs and PyTorch's outputs for them.

Run with the interpreter that has torch (/usr/bin/python3):  gen_inference_fixtures.py OUT_DIR
Used by the torch4j-libtorch tests (InferenceTest, RunCommandTest) and by benchmarks/inference/run.sh.

OUT_DIR receives:
  mlp.pt             MLP 64-256-256-10 (ReLU), scripted, eval mode, seed 1
  cnn.pt             a small ResNet-like CNN (3x32x32 input, BatchNorm, residual blocks), scripted, eval, seed 2
  multi.pt           forward(x, idx) -> (x @ w + b, idx * 2, x.sum(1) > 0): several inputs and outputs, int64 and bool;
                     grad_state(x) -> (torch.is_grad_enabled(), (x @ w).requires_grad)
  mlp_x1.npy / mlp_y1.npy      batch 1 input (float32) and PyTorch's output
  mlp_x32.npy / mlp_y32.npy    batch 32
  cnn_x1.npy / cnn_y1.npy, cnn_x32.npy / cnn_y32.npy
  multi_x.npy, multi_idx.npy (int64), multi_y0.npy, multi_y1.npy, multi_y2.npy (bool)
"""
import os
import sys

try:
    import numpy as np
    import torch
except ImportError as e:  # the tests skip (rather than fail) on exit code 3
    print("reference PyTorch unavailable:", e, file=sys.stderr)
    sys.exit(3)


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(64, 256)
        self.l2 = torch.nn.Linear(256, 256)
        self.l3 = torch.nn.Linear(256, 10)

    def forward(self, x):
        return self.l3(torch.relu(self.l2(torch.relu(self.l1(x)))))


class Block(torch.nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.c1 = torch.nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.b1 = torch.nn.BatchNorm2d(c_out)
        self.c2 = torch.nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.b2 = torch.nn.BatchNorm2d(c_out)
        self.down = torch.nn.Sequential()
        if stride != 1 or c_in != c_out:
            self.down = torch.nn.Sequential(torch.nn.Conv2d(c_in, c_out, 1, stride, bias=False),
                                            torch.nn.BatchNorm2d(c_out))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        return torch.relu(self.b2(self.c2(y)) + self.down(x))


class CNN(torch.nn.Module):
    """ResNet-18's block structure at a smaller width and depth (16-32-64 channels, 32x32 input)."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, 1, 1, bias=False), torch.nn.BatchNorm2d(16),
                                        torch.nn.ReLU())
        self.blocks = torch.nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.fc = torch.nn.Linear(64, 10)

    def forward(self, x):
        y = self.blocks(self.stem(x))
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))


class Multi(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(4, 3))
        self.b = torch.nn.Parameter(torch.randn(3))

    def forward(self, x, idx):
        return x @ self.w + self.b, idx * 2, x.sum(1) > 0

    @torch.jit.export
    def grad_state(self, x):
        # Whether autograd is recording inside the call, and whether a result depending on a parameter requires grad.
        y = x @ self.w
        return torch.is_grad_enabled(), y.requires_grad


def randomise_bn(net):
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(1)
    mlp = MLP().eval()
    torch.manual_seed(2)
    cnn = CNN()
    randomise_bn(cnn)
    cnn.eval()
    torch.manual_seed(3)
    multi = Multi().eval()
    torch.jit.script(mlp).save(os.path.join(out, "mlp.pt"))
    torch.jit.script(cnn).save(os.path.join(out, "cnn.pt"))
    torch.jit.script(multi).save(os.path.join(out, "multi.pt"))

    g = torch.Generator().manual_seed(4)
    with torch.no_grad():
        for batch in (1, 32):
            x = torch.randn(batch, 64, generator=g)
            np.save(os.path.join(out, "mlp_x%d.npy" % batch), x.numpy())
            np.save(os.path.join(out, "mlp_y%d.npy" % batch), mlp(x).numpy())
            x = torch.randn(batch, 3, 32, 32, generator=g)
            np.save(os.path.join(out, "cnn_x%d.npy" % batch), x.numpy())
            np.save(os.path.join(out, "cnn_y%d.npy" % batch), cnn(x).numpy())
        x = torch.randn(5, 4, generator=g)
        idx = torch.arange(5, dtype=torch.int64) - 2
        y0, y1, y2 = multi(x, idx)
        np.save(os.path.join(out, "multi_x.npy"), x.numpy())
        np.save(os.path.join(out, "multi_idx.npy"), idx.numpy())
        np.save(os.path.join(out, "multi_y0.npy"), y0.numpy())
        np.save(os.path.join(out, "multi_y1.npy"), y1.numpy())
        np.save(os.path.join(out, "multi_y2.npy"), y2.numpy())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
