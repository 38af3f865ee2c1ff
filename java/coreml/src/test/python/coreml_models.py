"""The test models for torch4j-coreml: small PyTorch modules, traced and saved with torch.jit.save.

Each entry: name -> (module factory, input shape); INT_INPUTS names the models fed integer ids. Seeds are fixed so every run writes the
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


class LinearRank4(nn.Module):
    """A Linear on a rank-4 input: Core ML's one-input batchedMatmul, whose weights are stored column-major."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 5)

    def forward(self, x):                          # x: [1, 2, 3, 8]
        return self.fc(x)


class MatmulConstant(nn.Module):
    """x @ W with a constant, non-square W: a one-input batchedMatmul (transposed storage)."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 5))

    def forward(self, x):                          # x: [2, 3, 8]
        return torch.matmul(x, self.w)


class ResNetBlock(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x
        return self.relu(out)


class MobileNetV2Block(nn.Module):
    def __init__(self, c=8, expand=3):
        super().__init__()
        h = c * expand
        self.expand = nn.Sequential(nn.Conv2d(c, h, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU6(inplace=True))
        self.depthwise = nn.Sequential(nn.Conv2d(h, h, 3, padding=1, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(inplace=True))
        self.project = nn.Sequential(nn.Conv2d(h, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.project(self.depthwise(self.expand(x)))


class SqueezeExcite(nn.Module):
    def __init__(self, c=8, gate=None):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, c // 2, 1)
        self.fc2 = nn.Conv2d(c // 2, c, 1)
        self.gate = gate or nn.Sigmoid()

    def forward(self, x):
        s = self.gate(self.fc2(F.relu(self.fc1(self.pool(x)))))
        return x * s                               # broadcasting multiply: [N,C,H,W] * [N,C,1,1]


class MobileNetV3Block(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, groups=c)
        self.act = nn.Hardswish()
        self.se = SqueezeExcite(c, nn.Hardsigmoid())
        self.out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.out(self.se(self.act(self.conv(x))))


class UNetBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(4, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.mid = nn.Conv2d(8, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.out = nn.Conv2d(16, 4, 1)

    def forward(self, x):
        d = F.relu(self.down(x))
        m = F.relu(self.mid(self.pool(d)))
        return self.out(torch.cat([d, self.up(m)], dim=1))


class Upsample(nn.Module):
    def __init__(self, mode, align_corners=None, scale=2):
        super().__init__()
        self.mode, self.align_corners, self.scale = mode, align_corners, scale
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        return F.interpolate(self.conv(x), scale_factor=self.scale, mode=self.mode, align_corners=self.align_corners)


class PixelShuffle(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 12, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        return self.shuffle(self.conv(x))


class ConvSame(nn.Module):
    def __init__(self, k, dilation=1):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, k, padding="same", dilation=dilation)

    def forward(self, x):
        return self.conv(x)


class ConvTranspose(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.conv = nn.ConvTranspose2d(4, 6, 3, **kw)

    def forward(self, x):
        return self.conv(x)


class Broadcasting(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.rand(1, 4, 1, 1) + 0.5)
        self.shift = nn.Parameter(torch.randn(5))

    def forward(self, x):                          # x: [2, 4, 3, 5]
        m = x.mean(dim=(2, 3), keepdim=True)
        y = (x - m) * self.scale + self.shift
        return y / (x.abs().sum(dim=1, keepdim=True) + 1.0) - 0.5 * x


class CeilPool(nn.Module):
    def forward(self, x):                          # x: [1, 3, 7, 7]; both poolings give 4x4 only with ceil_mode
        a = F.max_pool2d(x, 2, stride=2, ceil_mode=True)
        b = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        return a + b


class Reductions(nn.Module):
    def forward(self, x):                          # x: [2, 3, 4, 5]
        return x.mean(dim=-1) + x.sum(dim=(1,)).mean(dim=2, keepdim=True).unsqueeze(1).squeeze(-1)


class LogSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        return F.log_softmax(self.fc(x), dim=-1)


class LayerNormGelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(8)
        self.fc = nn.Linear(8, 8)
        self.act = nn.GELU(approximate="tanh")

    def forward(self, x):                          # x: [2, 5, 8]
        return self.act(self.fc(self.norm(x)))


class Unary(nn.Module):
    def forward(self, x):
        y = torch.where(x > 0, x, 0.1 * x)
        z = torch.exp(-x.abs()) + torch.log(x.abs() + 1.0) + torch.round(x * 3.0)
        return torch.clamp(y + z, min=-0.5, max=1.5) + (x > 0.3).float() + torch.neg(x) + (x < -0.2).float() * 2.0


class Activations(nn.Module):
    def forward(self, x):
        return F.silu(x) + F.hardsigmoid(x) + F.hardswish(x) + F.relu6(x) + F.hardtanh(x, -0.5, 0.5) \
            + F.leaky_relu(x, 0.2) + F.elu(x)


class InPlace(nn.Module):
    """In-place variants; the mutated tensor is read again afterwards, so aliasing must be honoured."""

    def forward(self, x):
        y = x * 2.0
        z = y.relu_()                              # y and z are the same tensor from here on
        w = z + y
        w.add_(1.0)
        w.mul_(x)
        return F.hardtanh_(w, -3.0, 3.0) + w


class InPlaceChain(nn.Module):
    """Two in-place writes through the value the first returns: u must see both."""

    def forward(self, x):
        u = x * 0.5
        u.relu_().add_(1.0)
        return u * 2.0


class InPlaceView(nn.Module):
    """relu_ on a view of y, then y is read: the write must show through y, which Core ML cannot express."""

    def forward(self, x):
        y = x * 1.5
        v = y.view(-1)
        v.relu_()
        return y + 1.0


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(16, 2, 32)

    def forward(self, x):                          # x: [seq, batch, d]
        return self.layer(x)


class Conv1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 4, 3, padding=1, stride=2)

    def forward(self, x):
        return F.relu(self.conv(x))


class Rnn(nn.Module):
    def __init__(self, kind, **kw):
        super().__init__()
        self.rnn = getattr(nn, kind)(6, 5, **kw)

    def forward(self, x):
        return self.rnn(x)[0]


class EmbeddingFromIds(nn.Module):
    """nn.Embedding read straight from the model input: token ids, declared int32."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(20, 6)

    def forward(self, ids):                        # ids: [2, 8], int
        return self.emb(ids)


class EmbeddingBag(nn.Module):
    """Token ids -> embedding -> mean over the sequence -> linear: a bag-of-words classifier."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(30, 8)
        self.fc = nn.Linear(8, 3)

    def forward(self, ids):                        # ids: [2, 5], int
        return self.fc(self.emb(ids).mean(dim=1))


class RnnState(nn.Module):
    """A non-zero initial state computed from the input, and the final states h_n (c_n) read."""

    def __init__(self, kind, **kw):
        super().__init__()
        self.kind = kind
        self.rnn = getattr(nn, kind)(6, 5, batch_first=True, **kw)
        self.states = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        self.init = nn.Linear(6, 5 * self.states)

    def forward(self, x):                          # x: [batch, seq, 6]
        h0 = torch.tanh(self.init(x.mean(dim=1))).reshape(-1, self.states, 5).transpose(0, 1)
        if self.kind == "LSTM":
            y, (h, c) = self.rnn(x, (h0, h0 * 0.5))
            finals = [h, c]
        else:
            y, h = self.rnn(x, h0)
            finals = [h]
        return torch.cat([y.mean(dim=1)] + [f.transpose(0, 1).flatten(1) for f in finals], dim=1)


class LstmStateInputs(nn.Module):
    """The initial state given as model inputs h0 and c0; h_n and c_n read."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(6, 5, num_layers=2, batch_first=True)

    def forward(self, x, h0, c0):                  # x: [2, 4, 6]; h0, c0: [2, 2, 5]
        y, (h, c) = self.rnn(x, (h0, c0))
        return torch.cat([y.mean(dim=1), h.transpose(0, 1).flatten(1), c.transpose(0, 1).flatten(1)], dim=1)


class GruStateInput(nn.Module):
    """The initial state given as a model input h0; h_n read."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(6, 5, bidirectional=True)

    def forward(self, x, h0):                      # x: [4, 2, 6]; h0: [2, 2, 5]
        y, h = self.rnn(x, h0)
        return torch.cat([y.mean(dim=0), h.transpose(0, 1).flatten(1)], dim=1)


class Unique(nn.Module):
    """torch.unique: coremltools 6.2 has no converter for it."""

    def forward(self, x):
        return torch.unique(torch.round(x)) * 2.0


# name -> (factory, input shape). Insertion order is the order the tests report.
MODELS = {
    "mlp": (Mlp, (2, 8)),
    "cnn": (Cnn, (1, 3, 16, 16)),
    "attention": (Attention, (6, 16)),
    "concat": (Concat, (2, 6)),
    "cumprod": (CumprodNet, (3, 4)),
    "linear_rank4": (LinearRank4, (1, 2, 3, 8)),
    "matmul_constant": (MatmulConstant, (2, 3, 8)),
    "resnet_block": (ResNetBlock, (1, 8, 8, 8)),
    "mobilenet_v2_block": (MobileNetV2Block, (1, 8, 8, 8)),
    "squeeze_excite": (SqueezeExcite, (2, 8, 5, 5)),
    "mobilenet_v3_block": (MobileNetV3Block, (1, 8, 6, 6)),
    "unet_block": (UNetBlock, (1, 4, 8, 8)),
    "upsample_nearest": (lambda: Upsample("nearest"), (1, 3, 4, 5)),
    "upsample_bilinear": (lambda: Upsample("bilinear", False), (1, 3, 4, 5)),
    "upsample_bilinear_aligned": (lambda: Upsample("bilinear", True), (1, 3, 4, 5)),
    "pixel_shuffle": (PixelShuffle, (1, 3, 4, 4)),
    "conv_same_odd": (lambda: ConvSame(3), (1, 3, 7, 6)),
    "conv_same_even": (lambda: ConvSame(4, dilation=1), (1, 3, 7, 6)),
    "conv_transpose": (lambda: ConvTranspose(stride=2, padding=1, output_padding=1), (1, 4, 5, 5)),
    "conv_transpose_grouped": (lambda: ConvTranspose(stride=1, groups=2), (1, 4, 5, 5)),
    "broadcasting": (Broadcasting, (2, 4, 3, 5)),
    "ceil_pool": (CeilPool, (1, 3, 7, 7)),
    "reductions": (Reductions, (2, 3, 4, 5)),
    "log_softmax": (LogSoftmax, (3, 6)),
    "layer_norm_gelu": (LayerNormGelu, (2, 5, 8)),
    "unary": (Unary, (2, 3, 4)),
    "activations": (Activations, (2, 3, 4)),
    "in_place": (InPlace, (2, 6)),
    "in_place_chain": (InPlaceChain, (2, 6)),
    "in_place_view": (InPlaceView, (2, 6)),
    "transformer": (Transformer, (5, 2, 16)),
    "conv1d": (Conv1d, (2, 3, 9)),
    "lstm": (lambda: Rnn("LSTM"), (4, 2, 6)),
    "lstm_stacked_bidirectional": (lambda: Rnn("LSTM", num_layers=2, bidirectional=True, batch_first=True), (2, 4, 6)),
    "gru": (lambda: Rnn("GRU"), (4, 2, 6)),
    "gru_bidirectional": (lambda: Rnn("GRU", bidirectional=True, batch_first=True), (2, 4, 6)),
    "gru_stacked": (lambda: Rnn("GRU", num_layers=2, batch_first=True), (2, 3, 6)),
    "lstm_state": (lambda: RnnState("LSTM"), (2, 4, 6)),
    "lstm_state_stacked_bidirectional": (lambda: RnnState("LSTM", num_layers=2, bidirectional=True), (2, 4, 6)),
    "gru_state": (lambda: RnnState("GRU"), (2, 4, 6)),
    "gru_state_stacked_bidirectional": (lambda: RnnState("GRU", num_layers=2, bidirectional=True), (2, 3, 6)),
    "lstm_state_inputs": (LstmStateInputs, (2, 4, 6)),
    "gru_state_input": (GruStateInput, (4, 2, 6)),
    "embedding_ids": (EmbeddingFromIds, (2, 8)),
    "embedding_mean_linear": (EmbeddingBag, (2, 5)),
    "unique": (Unique, (3, 4)),
}

# Models with more inputs after x: name -> [(input name, shape)], all float32.
EXTRA_INPUTS = {
    "lstm_state_inputs": [("h0", (2, 2, 5)), ("c0", (2, 2, 5))],
    "gru_state_input": [("h0", (2, 2, 5))],
}

# Models whose input is integer token ids: name -> exclusive upper bound of the ids (the vocabulary size).
INT_INPUTS = {
    "embedding_ids": 20,
    "embedding_mean_linear": 30,
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
    x = torch.randint(0, INT_INPUTS[name], shape) if name in INT_INPUTS else torch.randn(*shape)
    return m, x


def extra_inputs(name):
    """The inputs after x, [(name, tensor)], drawn after build(name)'s (same seed, same values every run)."""
    torch.manual_seed(sum(map(ord, name)) + 1)
    return [(n, torch.randn(*shape)) for n, shape in EXTRA_INPUTS.get(name, [])]
