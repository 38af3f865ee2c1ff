"""Oracle for torch4j-coreml's tests: PyTorch 1.13 and coremltools 6.2 (pure Python, from PYTHONPATH).

  coreml_oracle.py gen DIR
      For every model in coreml_models.MODELS: DIR/NAME.pt (traced, torch.jit.save), DIR/NAME.in.npy and
      DIR/NAME.out.npy (PyTorch's output), and coremltools' own conversion (convert_to="neuralnetwork")
      as DIR/NAME.ct.mlmodel, or its failure. DIR/oracle.json: {name: {shape, dtype, convertible, missing_op, message}}; dtype int32 for the models
      of coreml_models.INT_INPUTS (token ids), converted by coremltools with ct.TensorType(dtype=np.int32).
  coreml_oracle.py check DIR NAME OURS.mlmodel
      Evaluates torch4j's file AND coremltools' (when it converted the model) with the numpy evaluator
      below, and compares both with PyTorch (1e-4): the evaluator is thereby checked on coremltools'
      own files, so it cannot share a layout mistake with torch4j's exporter. Prints a JSON report.
  coreml_oracle.py checks DIR OURS_DIR NAME...
      The same for several models at once (OURS_DIR/NAME.mlmodel), one JSON object keyed by name.
  coreml_oracle.py registry
      The op names coremltools 6.2's torch frontend has converters for, as a JSON list.

Exit 3: torch/numpy missing; exit 4: coremltools (or its Debian dependencies) missing.
Core ML itself never runs here: prediction needs macOS.
"""
import json
import math
import os
import re
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("TQDM_DISABLE", "1")
try:
    import numpy as np
    import torch
except ImportError:
    sys.exit(3)
try:
    import coremltools as ct
except Exception as e:  # ImportError, or a missing Debian dependency of coremltools
    print("coremltools unavailable: %r" % (e,), file=sys.stderr)
    sys.exit(4)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coreml_models import INT_INPUTS, MODELS, build, extra_inputs  # noqa: E402

MISSING_OP = re.compile(r"PyTorch convert function for op '([^']+)' not implemented")


def gen(out_dir):
    report = {}
    for name in MODELS:
        m, x = build(name)
        extra = extra_inputs(name)
        args = (x,) + tuple(t for _, t in extra)
        traced = torch.jit.trace(m, args if extra else x)
        torch.jit.save(traced, os.path.join(out_dir, name + ".pt"))
        with torch.no_grad():
            y = m(*args)
        np.save(os.path.join(out_dir, name + ".in.npy"), x.numpy())
        for i, (_, t) in enumerate(extra):
            np.save(os.path.join(out_dir, "%s.in%d.npy" % (name, i + 1)), t.numpy())
        np.save(os.path.join(out_dir, name + ".out.npy"), y.numpy())
        dtype = "int32" if name in INT_INPUTS else "float32"
        entry = {"shape": list(x.shape), "dtype": dtype, "output_shape": list(y.shape),
                 "extra_inputs": [{"name": n, "shape": list(t.shape)} for n, t in extra]}
        try:
            ml = ct.convert(traced, inputs=[ct.TensorType(name="x", shape=tuple(x.shape), dtype=getattr(np, dtype))]
                            + [ct.TensorType(name=n, shape=tuple(t.shape)) for n, t in extra],
                            convert_to="neuralnetwork")
            ct.utils.save_spec(ml.get_spec(), os.path.join(out_dir, name + ".ct.mlmodel"))
            entry.update(convertible=True, missing_op=None, message="")
        except Exception as e:  # coremltools reports a missing op as RuntimeError
            found = MISSING_OP.search(str(e))
            entry.update(convertible=False, missing_op=found.group(1) if found else None,
                         message=(str(e) or type(e).__name__)[:500])
        report[name] = entry
    with open(os.path.join(out_dir, "oracle.json"), "w") as f:
        json.dump(report, f, indent=1)


# ---------------------------------------------------------------- numpy reference evaluator
#
# Each layer as NeuralNetwork.proto defines it, in float64. Weight layouts are the proto's, not
# coremltools' builder arguments: the same code runs coremltools' files, which validates it.

def weights(w):
    return np.array(w.floatValue, dtype=np.float64)


def conv2d(x, w, b, stride, dilation, pads, groups):
    n, c, h, wd = x.shape
    oc, kc, kh, kw = w.shape
    (pt, pb), (pl, pr) = pads
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr))
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (xp.shape[2] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (xp.shape[3] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n, oc, oh, ow))
    per = oc // groups
    for g in range(groups):
        xs = xp[:, g * kc:(g + 1) * kc]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dilation[0]: i * dilation[0] + stride[0] * (oh - 1) + 1: stride[0],
                           j * dilation[1]: j * dilation[1] + stride[1] * (ow - 1) + 1: stride[1]]
                y[:, g * per:(g + 1) * per] += np.einsum("nchw,oc->nohw", patch, w[g * per:(g + 1) * per, :, i, j])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def deconv2d(x, w, b, stride, groups, out_shape):
    """Transposed convolution; w is (kernelChannels = input channels, outputChannels / groups, kH, kW)."""
    n, c, h, wd = x.shape
    _, opg, kh, kw = w.shape
    full_h, full_w = (h - 1) * stride[0] + kh, (wd - 1) * stride[1] + kw
    y = np.zeros((n, opg * groups, full_h, full_w))
    icg = c // groups
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                contrib = np.einsum("nchw,co->nohw", x[:, g * icg:(g + 1) * icg], w[g * icg:(g + 1) * icg, :, i, j])
                y[:, g * opg:(g + 1) * opg, i:i + stride[0] * (h - 1) + 1:stride[0], j:j + stride[1] * (wd - 1) + 1:stride[1]] += contrib
    if out_shape:
        assert tuple(out_shape) == (full_h, full_w), (out_shape, full_h, full_w)
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def same_pads(size, kernel, stride, dilation):
    pads = []
    for s, k, st, d in zip(size, kernel, stride, dilation):
        out = -(-s // st)
        total = max(0, (out - 1) * st + d * (k - 1) + 1 - s)
        pads.append((total // 2, total - total // 2))   # BOTTOM_RIGHT_HEAVY: the extra one at the end
    return pads


def pool(p, x):
    if p.globalPooling:
        return (x.max(axis=(2, 3), keepdims=True) if p.type == 0 else x.mean(axis=(2, 3), keepdims=True))
    kh, kw = p.kernelSize
    sh, sw = p.stride
    kind = p.WhichOneof("PoolingPaddingType")
    n, c, h, w = x.shape
    if kind == "valid":
        (pt, pb), (pl, pr) = [(e.startEdgeSize, e.endEdgeSize) for e in p.valid.paddingAmounts.borderAmounts] or [(0, 0), (0, 0)]
    elif kind == "includeLastPixel":
        ph, pw = list(p.includeLastPixel.paddingAmounts) or [0, 0]
        oh = -(-(h + 2 * ph - kh) // sh) + 1
        ow = -(-(w + 2 * pw - kw) // sw) + 1
        (pt, pb), (pl, pr) = (ph, (oh - 1) * sh + kh - h - ph), (pw, (ow - 1) * sw + kw - w - pw)
    else:
        raise AssertionError("pooling padding " + kind)
    fill = -np.inf if p.type == 0 else 0.0
    xp = np.full((n, c, h + pt + pb, w + pl + pr), fill)
    xp[:, :, pt:pt + h, pl:pl + w] = x
    ones = np.zeros((h + pt + pb, w + pl + pr))
    ones[pt:pt + h, pl:pl + w] = 1
    oh = (xp.shape[2] - kh) // sh + 1
    ow = (xp.shape[3] - kw) // sw + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            if p.type == 0:
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                count = ones[i * sh:i * sh + kh, j * sw:j * sw + kw].sum() if p.avgPoolExcludePadding else kh * kw
                y[:, :, i, j] = win.sum(axis=(2, 3)) / count
    return y


def upsample(p, x):
    n, c, h, w = x.shape
    if len(p.fractionalScalingFactor):
        sh, sw = p.fractionalScalingFactor
        oh, ow = int(math.floor(h * sh)), int(math.floor(w * sw))
    else:
        sh, sw = list(p.scalingFactor) or [1, 1]
        oh, ow = h * sh, w * sw
    if p.mode == 0:  # NN
        return x.repeat(int(sh), axis=2).repeat(int(sw), axis=3)
    assert p.mode == 1, p.mode

    def grid(size_in, size_out, scale):
        o = np.arange(size_out, dtype=np.float64)
        if p.linearUpsampleMode == 1:      # ALIGN_CORNERS_TRUE
            g = o * (size_in - 1) / (size_out - 1) if size_out > 1 else np.zeros_like(o)
        elif p.linearUpsampleMode == 2:    # ALIGN_CORNERS_FALSE
            g = (o + 0.5) / scale - 0.5
        else:
            raise AssertionError("legacy DEFAULT bilinear mode")
        return np.clip(g, 0, size_in - 1)

    def interp(a, axis, g):
        lo = np.floor(g).astype(int)
        hi = np.minimum(lo + 1, a.shape[axis] - 1)
        t = g - lo
        shape = [1] * a.ndim
        shape[axis] = -1
        return np.take(a, lo, axis=axis) * (1 - t).reshape(shape) + np.take(a, hi, axis=axis) * t.reshape(shape)

    return interp(interp(x, 2, grid(h, oh, sh)), 3, grid(w, ow, sw))


def reorganize(p, x):
    n, c, h, w = x.shape
    r = p.blockSize
    if p.mode == 2:  # PIXEL_SHUFFLE: channel c*r*r + i*r + j goes to (c, h*r+i, w*r+j)
        return x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r, w * r)
    if p.mode == 1:  # DEPTH_TO_SPACE: channel (i*r + j)*C' + c
        return x.reshape(n, r, r, c // (r * r), h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c // (r * r), h * r, w * r)
    raise AssertionError("reorganizeData mode %d" % p.mode)


def lstm_direction(w, params, x, hidden, reverse, h0=None, c0=None):
    """One LSTM direction over x (Seq, Batch, In, 1, 1); gates i, f, z (block input), o; states (1, Batch, H, 1, 1) or zero."""
    gates = ("inputGate", "forgetGate", "blockInput", "outputGate")
    W = [weights(getattr(w, g + "WeightMatrix")).reshape(hidden, -1) for g in gates]
    R = [weights(getattr(w, g + "RecursionMatrix")).reshape(hidden, hidden) for g in gates]
    B = [weights(getattr(w, g + "BiasVector")) if params.hasBiasVectors else np.zeros(hidden) for g in gates]
    assert not params.forgetBias and not params.hasPeepholeVectors and not params.coupledInputAndForgetGate
    seq, batch = x.shape[0], x.shape[1]
    h = np.zeros((batch, hidden)) if h0 is None else h0.reshape(batch, hidden)
    c = np.zeros((batch, hidden)) if c0 is None else c0.reshape(batch, hidden)
    ys = np.zeros((seq, batch, hidden))
    sig = lambda v: 1 / (1 + np.exp(-v))
    for t in (range(seq - 1, -1, -1) if reverse else range(seq)):
        xt = x[t, :, :, 0, 0]
        i, f, z, o = [xt @ W[k].T + h @ R[k].T + B[k] for k in range(4)]
        c = np.clip(sig(f) * c + sig(i) * np.tanh(z), -params.cellClipThreshold, params.cellClipThreshold)
        h = sig(o) * np.tanh(c)
        ys[t] = h
    return ys, h, c


def check_lstm_activations(acts):
    assert [a.WhichOneof("NonlinearityType") for a in acts] == ["sigmoid", "tanh", "tanh"], acts


def erf(a):
    return np.vectorize(math.erf)(a)


def activation(p, x):
    a = p.WhichOneof("NonlinearityType")
    q = getattr(p, a)
    if a == "ReLU":
        return np.maximum(x, 0)
    if a == "tanh":
        return np.tanh(x)
    if a == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if a == "sigmoidHard":
        return np.clip(q.alpha * x + q.beta, 0, 1)
    if a == "linear":
        return q.alpha * x + q.beta
    if a == "leakyReLU":
        return np.where(x >= 0, x, q.alpha * x)
    if a == "thresholdedReLU":
        return np.where(x > q.alpha, x, 0)
    if a == "ELU":
        return np.where(x > 0, x, q.alpha * (np.exp(x) - 1))
    raise AssertionError("activation " + a)


def unary(p, x):
    ops = {0: np.sqrt, 1: lambda v: 1 / np.sqrt(v), 2: lambda v: 1 / v, 3: lambda v: v ** p.alpha,
           4: np.exp, 5: np.log, 6: np.abs, 7: lambda v: np.maximum(v, p.alpha)}
    v = p.scale * x + p.shift
    if p.type in (1, 2, 5):
        v = v + p.epsilon
    return ops[p.type](v)


def evaluate(spec, inputs):
    """Runs a NeuralNetwork spec layer by layer in float64, as the layer definitions in NeuralNetwork.proto describe."""
    blobs = dict(inputs)
    for layer in spec.neuralNetwork.layers:
        kind = layer.WhichOneof("layer")
        p = getattr(layer, kind)
        xs = [blobs[i] for i in layer.input]
        x = xs[0] if xs else None
        ys = None
        if kind == "innerProduct":
            # weights: (outputChannels x inputChannels), row-major
            w = weights(p.weights).reshape(p.outputChannels, p.inputChannels)
            y = x @ w.T + (weights(p.bias) if p.hasBias else 0)
        elif kind == "batchedMatmul":
            a = np.swapaxes(x, -1, -2) if p.transposeA else x
            if len(xs) == 2:
                b = np.swapaxes(xs[1], -1, -2) if p.transposeB else xs[1]
                y = np.matmul(a, b)
            else:
                # weights: a (first x second) matrix stored COLUMN-major, i.e. W^T row-major
                w = weights(p.weights).reshape(p.weightMatrixSecondDimension, p.weightMatrixFirstDimension).T
                y = a @ w + (weights(p.bias) if p.hasBias else 0)
        elif kind == "convolution":
            b = weights(p.bias) if p.hasBias else None
            if p.isDeconvolution:
                assert p.WhichOneof("ConvolutionPaddingType") == "valid"
                assert all(e.startEdgeSize == 0 and e.endEdgeSize == 0 for e in p.valid.paddingAmounts.borderAmounts)
                assert list(p.dilationFactor) in ([], [1, 1])
                w = weights(p.weights).reshape(p.kernelChannels, p.outputChannels // p.nGroups, *p.kernelSize)
                y = deconv2d(x, w, b, list(p.stride) or [1, 1], p.nGroups, list(p.outputShape))
            else:
                w = weights(p.weights).reshape(p.outputChannels, p.kernelChannels, *p.kernelSize)
                stride, dil = list(p.stride) or [1, 1], list(p.dilationFactor) or [1, 1]
                if p.WhichOneof("ConvolutionPaddingType") == "same":
                    assert p.same.asymmetryMode == 0
                    pads = same_pads(x.shape[2:], p.kernelSize, stride, dil)
                else:
                    pads = [(e.startEdgeSize, e.endEdgeSize) for e in p.valid.paddingAmounts.borderAmounts] or [(0, 0), (0, 0)]
                y = conv2d(x, w, b, stride, dil, pads, p.nGroups)
        elif kind == "pooling":
            y = pool(p, x)
        elif kind == "activation":
            y = activation(p, x)
        elif kind == "gelu":
            if p.mode == 0:
                y = 0.5 * x * (1 + erf(x / math.sqrt(2)))
            elif p.mode == 1:
                y = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
            else:
                raise AssertionError("gelu mode %d" % p.mode)
        elif kind == "softmaxND":
            e = np.exp(x - x.max(axis=p.axis, keepdims=True))
            y = e / e.sum(axis=p.axis, keepdims=True)
        elif kind in ("add", "multiply"):
            op = np.add if kind == "add" else np.multiply
            if len(xs) == 1:
                y = op(x, p.alpha)
            else:
                y = xs[0]
                for other in xs[1:]:
                    y = op(y, other)
        elif kind in ("addBroadcastable", "subtractBroadcastable", "multiplyBroadcastable", "divideBroadcastable"):
            op = {"addBroadcastable": np.add, "subtractBroadcastable": np.subtract,
                  "multiplyBroadcastable": np.multiply, "divideBroadcastable": np.divide}[kind]
            y = op(xs[0], xs[1])
        elif kind in ("greaterThan", "lessThan"):
            op = np.greater if kind == "greaterThan" else np.less
            y = op(xs[0], xs[1] if len(xs) == 2 else p.alpha).astype(np.float64)
        elif kind == "whereBroadcastable":
            y = np.where(xs[0] != 0, xs[1], xs[2])
        elif kind == "round":
            y = np.round(x)
        elif kind == "clip":
            y = np.clip(x, p.minVal, p.maxVal)
        elif kind == "unary":
            y = unary(p, x)
        elif kind in ("reduceMean", "reduceSum"):
            axes = None if p.reduceAll else tuple(p.axes)
            y = (np.mean if kind == "reduceMean" else np.sum)(x, axis=axes, keepdims=p.keepDims)
            y = np.atleast_1d(y)
        elif kind == "batchnorm":
            shape = (-1, 1, 1)
            y = (x - weights(p.mean).reshape(shape)) / np.sqrt(weights(p.variance).reshape(shape) + p.epsilon) \
                * weights(p.gamma).reshape(shape) + weights(p.beta).reshape(shape)
        elif kind == "mvn":
            axes = (-3, -2, -1) if p.acrossChannels else (-2, -1)
            y = x - x.mean(axis=axes, keepdims=True)
            if p.normalizeVariance:
                y = y / np.sqrt((y ** 2).mean(axis=axes, keepdims=True) + p.epsilon)
        elif kind == "scale":
            y = x * weights(p.scale).reshape(list(p.shapeScale))
            if p.hasBias:
                y = y + weights(p.bias).reshape(list(p.shapeBias))
        elif kind == "transpose":
            y = np.transpose(x, list(p.axes))
        elif kind == "reshapeStatic":
            y = x.reshape(list(p.targetShape))
        elif kind == "concatND":
            y = np.concatenate(xs, axis=p.axis)
        elif kind == "stack":
            y = np.stack(xs, axis=p.axis)
        elif kind == "tile":
            y = np.tile(x, list(p.reps))
        elif kind == "concat":
            assert not p.sequenceConcat
            y = np.concatenate(xs, axis=-3)
        elif kind == "splitND":
            sizes = list(p.splitSizes) or [x.shape[p.axis] // p.numSplits] * p.numSplits
            ys = np.split(x, np.cumsum(sizes)[:-1], axis=p.axis)
        elif kind == "sliceStatic":
            idx = []
            for d in range(x.ndim):
                b = None if p.beginMasks[d] else p.beginIds[d]
                e = None if p.endMasks[d] else p.endIds[d]
                idx.append(slice(b, e, p.strides[d]))
            y = x[tuple(idx)]
        elif kind == "slice":
            idx = [slice(None)] * x.ndim
            axis = {0: -3, 1: -2, 2: -1}[p.axis]
            end = p.endIndex if p.endIndex != 0 else None
            idx[axis] = slice(p.startIndex, end, p.stride)
            y = x[tuple(idx)]
        elif kind == "crop":
            (t, b), (l, r) = [(e.startEdgeSize, e.endEdgeSize) for e in p.cropAmounts.borderAmounts]
            assert len(xs) == 1
            y = x[..., t:x.shape[-2] - b, l:x.shape[-1] - r]
        elif kind == "upsample":
            y = upsample(p, x)
        elif kind == "reorganizeData":
            y = reorganize(p, x)
        elif kind == "expandDims":
            y = np.expand_dims(x, tuple(p.axes))
        elif kind == "squeeze":
            y = np.squeeze(x, tuple(p.axes)) if not p.squeezeAll else np.squeeze(x)
        elif kind == "loadConstantND":
            y = weights(p.data).reshape(list(p.shape))
        elif kind == "copy":
            y = x
        elif kind == "uniDirectionalLSTM":
            check_lstm_activations(p.activations)
            st = xs[1:] + [None] * (3 - len(xs))
            y_, h, c = lstm_direction(p.weightParams, p.params, x, p.outputVectorSize, p.reverseInput, st[0], st[1])
            ys = [y_[..., None, None], h[None, :, :, None, None], c[None, :, :, None, None]][:len(layer.output)]
        elif kind == "biDirectionalLSTM":
            check_lstm_activations(p.activationsForwardLSTM)
            check_lstm_activations(p.activationsBackwardLSTM)
            st = xs[1:] + [None] * (5 - len(xs))
            yf, hf, cf = lstm_direction(p.weightParams[0], p.params, x, p.outputVectorSize, False, st[0], st[1])
            yb, hb, cb = lstm_direction(p.weightParams[1], p.params, x, p.outputVectorSize, True, st[2], st[3])
            ys = [np.concatenate([yf, yb], axis=2)[..., None, None]] + \
                 [v[None, :, :, None, None] for v in (hf, cf, hb, cb)]
            ys = ys[:len(layer.output)]
        elif kind == "embeddingND":
            # weights: (embeddingSize x vocabSize), row-major
            table = weights(p.weights).reshape(p.embeddingSize, p.vocabSize).T
            y = table[x[..., 0].astype(np.int64)]
        else:
            raise AssertionError("the reference evaluator has no layer type " + kind)
        if ys is None:
            assert len(layer.output) == 1, layer
            ys = [y]
        assert len(ys) == len(layer.output), layer
        for name, value in zip(layer.output, ys):
            blobs[name] = value
    return blobs


CONTROL_FLOW = {"loop", "branch", "loopBreak", "loopContinue"}


def run(spec_path, xs, expected):
    """Evaluates one .mlmodel on x; returns (layer types, max abs error or None, problem or None)."""
    spec = ct.utils.load_spec(spec_path)
    types = [l.WhichOneof("layer") for l in spec.neuralNetwork.layers]
    if spec.WhichOneof("Type") != "neuralNetwork":
        return types, None, "model type " + str(spec.WhichOneof("Type"))
    try:
        if len(xs) != len(spec.description.input):
            return types, None, "declares %d inputs, the model takes %d" % (len(spec.description.input), len(xs))
        blobs = evaluate(spec, {i.name: v for i, v in zip(spec.description.input, xs)})
    except Exception as e:  # an unknown layer, a shape the file gets wrong
        return types, None, "evaluation failed: %s: %s" % (type(e).__name__, e)
    out = spec.description.output[0]
    got = blobs[out.name]
    declared = list(out.type.multiArrayType.shape)
    if got.shape != expected.shape:
        return types, None, "evaluated output shape %s, PyTorch %s" % (got.shape, expected.shape)
    if declared and declared != list(expected.shape):
        return types, None, "declared output shape %s, PyTorch %s" % (declared, list(expected.shape))
    err = float(np.max(np.abs(got - expected))) if got.size else 0.0
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        return types, err, "output differs from PyTorch by up to %g" % err
    return types, err, None


def check_many(out_dir, ours_dir, names):
    """check() for several models in one process (loading torch and coremltools once): one JSON object, name to report."""
    reports = {name: report(out_dir, name, os.path.join(ours_dir, name + ".mlmodel")) for name in names}
    print(json.dumps(reports))
    return 0


def check(out_dir, name, ours_path):
    print(json.dumps(report(out_dir, name, ours_path)))
    return 0


def report(out_dir, name, ours_path):
    x = [np.load(os.path.join(out_dir, name + ".in.npy")).astype(np.float64)]
    k = 1
    while os.path.exists(os.path.join(out_dir, "%s.in%d.npy" % (name, k))):
        x.append(np.load(os.path.join(out_dir, "%s.in%d.npy" % (name, k))).astype(np.float64))
        k += 1
    expected = np.load(os.path.join(out_dir, name + ".out.npy")).astype(np.float64)
    problems = []
    ours = ct.utils.load_spec(ours_path)
    types, err, problem = run(ours_path, x, expected)
    if problem:
        problems.append("torch4j: " + problem)
    # Token ids are declared INT32 (coremltools 6.2 declares its NeuralNetwork inputs FLOAT32 whatever the dtype).
    from coremltools.proto import FeatureTypes_pb2
    want = FeatureTypes_pb2.ArrayFeatureType.INT32 if name in INT_INPUTS else FeatureTypes_pb2.ArrayFeatureType.FLOAT32
    got_type = ours.description.input[0].type.multiArrayType.dataType
    if got_type != want:
        problems.append("torch4j: input declared %s, expected %s" % (
            FeatureTypes_pb2.ArrayFeatureType.ArrayDataType.Name(got_type), FeatureTypes_pb2.ArrayFeatureType.ArrayDataType.Name(want)))
    result = {"model": name, "specificationVersion": ours.specificationVersion, "layers": types, "max_abs_error": err}
    ct_path = os.path.join(out_dir, name + ".ct.mlmodel")
    if os.path.exists(ct_path):
        ct_types, ct_err, ct_problem = run(ct_path, x, expected)
        if ct_problem and set(ct_types) & CONTROL_FLOW:
            # coremltools wrote a loop (its GRU), a layer torch4j never emits: nothing of torch4j's is left unvalidated.
            result["coremltools_not_evaluated"] = sorted(set(ct_types) & CONTROL_FLOW)
            ct_problem = None
        result.update(coremltools_layers=ct_types, coremltools_max_abs_error=ct_err,
                      coremltools_specificationVersion=ct.utils.load_spec(ct_path).specificationVersion)
        if ct_problem:
            problems.append("coremltools (evaluator check): " + ct_problem)
    result["problems"] = problems
    return result


def registry():
    from coremltools.converters.mil.frontend.torch.torch_op_registry import _TORCH_OPS_REGISTRY
    import coremltools.converters.mil.frontend.torch.ops  # noqa: F401  (registers the converters)
    print(json.dumps(sorted(_TORCH_OPS_REGISTRY)))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif sys.argv[1] == "checks":
        sys.exit(check_many(sys.argv[2], sys.argv[3], sys.argv[4:]))
    elif sys.argv[1] == "registry":
        registry()
    else:
        sys.exit("usage: coreml_oracle.py gen DIR | check DIR NAME OURS.mlmodel | registry")
