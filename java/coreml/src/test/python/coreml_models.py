"""The test models for torch4j-coreml: small PyTorch modules, traced and saved with torch.jit.save.

Each entry: name -> (module factory, input shape, input kind). Seeds are fixed so every run writes the
same weights. Shared by coreml_oracle.py (fixtures, coremltools, numpy check).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(16, 12)
        self.fc3 = nn.Linear(12, 4)

    def forward(self, x):
        h = torch.tanh(self.act(self.fc1(x)))
        h = torch.sigmoid(self.fc2(h)) * 2.0 + 0.5
        return torch.softmax(self.fc3(F.relu(h)), dim=-1)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        y = F.silu(self.conv2(x))
        x = self.bn2(x + y)                       # not after a conv: stays a batch norm
        x = F.max_pool2d(x, 2)
        x = F.avg_pool2d(x, 2, stride=1, padding=1)
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


class Attention(nn.Module):
    """One self-attention block: q/k/v projections, scaled dot product, residual, layer norm."""

    def __init__(self, d=16, heads=2):
        super().__init__()
        self.d, self.heads = d, heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.norm = nn.LayerNorm(d)

    def forward(self, x):                         # x: [seq, d]
        s, d, h = x.shape[0], self.d, self.heads
        q = self.q(x).reshape(s, h, d // h).transpose(0, 1)
        k = self.k(x).reshape(s, h, d // h).transpose(0, 1)
        v = self.v(x).reshape(s, h, d // h).transpose(0, 1)
        a = torch.softmax(torch.matmul(q, k.transpose(1, 2)) * (1.0 / (d // h) ** 0.5), dim=-1)
        o = torch.matmul(a, v).transpose(0, 1).reshape(s, d)
        return self.norm(x + self.out(o))


class Inner(nn.Module):
    def forward(self, x):
        return torch.cumprod(x, dim=1)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.scan = Inner()

    def forward(self, x):
        return self.scan(self.fc(x))


class CumprodNet(nn.Module):
    """coremltools 6.2 has no converter for aten::cumprod; it sits in encoder.scan."""

    def __init__(self):
        super().__init__()
        self.encoder = Block()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.encoder(x))


class Concat(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 4)
        self.b = nn.Linear(6, 3)

    def forward(self, x):                          # x: [2, 6]
        y = torch.cat([self.a(x), self.b(x)], dim=1)
        return y[:, 1:6] + x[:, 0:5]


# name -> (factory, input shape). Insertion order is the order the tests report.
MODELS = {
    "mlp": (Mlp, (2, 8)),
    "cnn": (Cnn, (1, 3, 16, 16)),
    "attention": (Attention, (6, 16)),
    "concat": (Concat, (2, 6)),
    "cumprod": (CumprodNet, (3, 4)),
}


def build(name):
    factory, shape = MODELS[name]
    torch.manual_seed(sum(map(ord, name)))
    m = factory().eval()
    # Non-trivial running statistics, so batch-norm folding is really exercised.
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.2, 0.2)
    x = torch.randn(*shape)
    return m, x
