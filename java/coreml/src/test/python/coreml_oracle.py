"""Oracle for torch4j-coreml's tests: PyTorch 1.13 and coremltools 6.2 (pure Python, from PYTHONPATH).

  coreml_oracle.py gen DIR
      For every model in coreml_models.MODELS: DIR/NAME.pt (traced, torch.jit.save), DIR/NAME.in.npy and
      DIR/NAME.out.npy (PyTorch's output), and coremltools' own conversion (convert_to="neuralnetwork")
      as DIR/NAME.ct.mlmodel, or its failure. DIR/oracle.json: {name: {shape, convertible, missing_op, message}}.
  coreml_oracle.py check DIR NAME OURS.mlmodel
      Loads torch4j's file with ct.utils.load_spec and compares it with coremltools' conversion (inputs,
      outputs, layer sequence after normalising, weights), then evaluates it with the small numpy
      reference evaluator below and compares with PyTorch (1e-4). Prints a JSON report; exit 1 on a mismatch.

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
from coreml_models import MODELS, build  # noqa: E402

MISSING_OP = re.compile(r"PyTorch convert function for op '([^']+)' not implemented")


def gen(out_dir):
    report = {}
    for name in MODELS:
        m, x = build(name)
        traced = torch.jit.trace(m, x)
        torch.jit.save(traced, os.path.join(out_dir, name + ".pt"))
        with torch.no_grad():
            y = m(x)
        np.save(os.path.join(out_dir, name + ".in.npy"), x.numpy())
        np.save(os.path.join(out_dir, name + ".out.npy"), y.numpy())
        entry = {"shape": list(x.shape), "output_shape": list(y.shape)}
        try:
            ml = ct.convert(traced, inputs=[ct.TensorType(name="x", shape=tuple(x.shape))],
                            convert_to="neuralnetwork")
            ct.utils.save_spec(ml.get_spec(), os.path.join(out_dir, name + ".ct.mlmodel"))
            entry.update(convertible=True, missing_op=None, message="")
        except Exception as e:  # coremltools reports a missing op as RuntimeError
            found = MISSING_OP.search(str(e))
            entry.update(convertible=False, missing_op=found.group(1) if found else None, message=str(e))
        report[name] = entry
    with open(os.path.join(out_dir, "oracle.json"), "w") as f:
        json.dump(report, f, indent=1)


# ---------------------------------------------------------------- numpy reference evaluator

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


def pool(p, x):
    if p.globalPooling:
        return (x.max(axis=(2, 3), keepdims=True) if p.type == 0 else x.mean(axis=(2, 3), keepdims=True))
    kh, kw = p.kernelSize
    sh, sw = p.stride
    assert p.WhichOneof("PoolingPaddingType") == "valid"
    (pt, pb), (pl, pr) = [(e.startEdgeSize, e.endEdgeSize) for e in p.valid.paddingAmounts.borderAmounts]
    n, c, h, w = x.shape
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


def erf(a):
    return np.vectorize(math.erf)(a)


def evaluate(spec, inputs):
    """Runs a NeuralNetwork spec layer by layer in float64, as the layer definitions in NeuralNetwork.proto describe."""
    blobs = dict(inputs)
    for layer in spec.neuralNetwork.layers:
        kind = layer.WhichOneof("layer")
        p = getattr(layer, kind)
        xs = [blobs[i] for i in layer.input]
        x = xs[0]
        if kind == "innerProduct":
            w = weights(p.weights).reshape(p.outputChannels, p.inputChannels)
            y = x @ w.T + (weights(p.bias) if p.hasBias else 0)
        elif kind == "batchedMatmul":
            if len(xs) == 2:
                y = np.matmul(x, xs[1])
            else:
                w = weights(p.weights).reshape(p.weightMatrixFirstDimension, p.weightMatrixSecondDimension)
                y = x @ w + (weights(p.bias) if p.hasBias else 0)
        elif kind == "convolution":
            assert not p.isDeconvolution and p.WhichOneof("ConvolutionPaddingType") == "valid"
            w = weights(p.weights).reshape(p.outputChannels, p.kernelChannels, *p.kernelSize)
            pads = [(e.startEdgeSize, e.endEdgeSize) for e in p.valid.paddingAmounts.borderAmounts]
            y = conv2d(x, w, weights(p.bias) if p.hasBias else None, list(p.stride), list(p.dilationFactor), pads, p.nGroups)
        elif kind == "pooling":
            y = pool(p, x)
        elif kind == "activation":
            a = p.WhichOneof("NonlinearityType")
            y = {"ReLU": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}[a](x)
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
        elif kind == "sliceStatic":
            idx = []
            for d in range(x.ndim):
                b = None if p.beginMasks[d] else p.beginIds[d]
                e = None if p.endMasks[d] else p.endIds[d]
                idx.append(slice(b, e, p.strides[d]))
            y = x[tuple(idx)]
        elif kind == "expandDims":
            y = np.expand_dims(x, tuple(p.axes))
        elif kind == "squeeze":
            y = np.squeeze(x, tuple(p.axes))
        elif kind == "embeddingND":
            table = weights(p.weights).reshape(p.embeddingSize, p.vocabSize).T
            y = table[x[..., 0].astype(np.int64)]
        else:
            raise AssertionError("the reference evaluator has no layer type " + kind)
        assert len(layer.output) == 1, layer
        blobs[layer.output[0]] = y
    return blobs


# ---------------------------------------------------------------- structural comparison

LAYOUT_ONLY = {"transpose", "reshapeStatic", "expandDims", "squeeze"}
SAME_MEANING = {"slice": "sliceStatic"}
WEIGHT_FIELDS = {"innerProduct": ["weights", "bias"], "convolution": ["weights", "bias"],
                 "batchnorm": ["gamma", "beta", "mean", "variance"], "scale": ["scale", "bias"],
                 "embeddingND": ["weights"], "batchedMatmul": ["weights", "bias"]}


def compute_types(spec):
    return [SAME_MEANING.get(t, t) for t in (l.WhichOneof("layer") for l in spec.neuralNetwork.layers)
            if SAME_MEANING.get(t, t) not in LAYOUT_ONLY]


def weighted(spec):
    out = []
    for l in spec.neuralNetwork.layers:
        kind = l.WhichOneof("layer")
        if kind in WEIGHT_FIELDS:
            p = getattr(l, kind)
            ws = [weights(getattr(p, f)) for f in WEIGHT_FIELDS[kind] if p.HasField(f)]
            if kind == "batchedMatmul" and not ws:
                continue  # a matmul of two run-time tensors carries no weights
            out.append((kind, ws))
    return out


def array_shape(feature):
    return list(feature.type.multiArrayType.shape)


def check(out_dir, name, ours_path):
    with open(os.path.join(out_dir, "oracle.json")) as f:
        oracle = json.load(f)[name]
    problems = []
    ours = ct.utils.load_spec(ours_path)
    if ours.specificationVersion != 4:
        problems.append("specificationVersion %d" % ours.specificationVersion)
    if ours.WhichOneof("Type") != "neuralNetwork":
        problems.append("model type " + str(ours.WhichOneof("Type")))
    ref_spec = ct.utils.load_spec(os.path.join(out_dir, name + ".ct.mlmodel"))
    ins = [(i.name, array_shape(i)) for i in ours.description.input]
    ref_ins = [(i.name, array_shape(i)) for i in ref_spec.description.input]
    if ins != ref_ins:
        problems.append("inputs %s, coremltools %s" % (ins, ref_ins))
    outs = [(o.name, array_shape(o)) for o in ours.description.output]
    if len(outs) != len(ref_spec.description.output):
        problems.append("%d outputs, coremltools %d" % (len(outs), len(ref_spec.description.output)))
    if [o[1] for o in outs] != [oracle["output_shape"]]:
        problems.append("output shapes %s, PyTorch %s" % ([o[1] for o in outs], oracle["output_shape"]))
    types, ref_types = compute_types(ours), compute_types(ref_spec)
    if sorted(types) != sorted(ref_types):
        problems.append("compute layers %s, coremltools %s" % (types, ref_types))
    w, ref_w = weighted(ours), weighted(ref_spec)
    if [k for k, _ in w] != [k for k, _ in ref_w]:
        problems.append("weighted layers %s, coremltools %s" % ([k for k, _ in w], [k for k, _ in ref_w]))
    else:
        for i, ((kind, a), (_, b)) in enumerate(zip(w, ref_w)):
            if len(a) != len(b) or any(x.shape != y.shape or not np.allclose(x, y, rtol=1e-4, atol=1e-5) for x, y in zip(a, b)):
                problems.append("weights of %s #%d differ from coremltools'" % (kind, i))
    x = np.load(os.path.join(out_dir, name + ".in.npy")).astype(np.float64)
    expected = np.load(os.path.join(out_dir, name + ".out.npy")).astype(np.float64)
    blobs = evaluate(ours, {ours.description.input[0].name: x})
    got = blobs[ours.description.output[0].name]
    max_err = float(np.max(np.abs(got - expected))) if got.shape == expected.shape else float("inf")
    if got.shape != expected.shape:
        problems.append("evaluated output shape %s, PyTorch %s" % (got.shape, expected.shape))
    elif not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        problems.append("evaluated output differs from PyTorch by up to %g" % max_err)
    print(json.dumps({"model": name, "layers": [l.WhichOneof("layer") for l in ours.neuralNetwork.layers],
                      "coremltools_layers": [l.WhichOneof("layer") for l in ref_spec.neuralNetwork.layers],
                      "max_abs_error": max_err, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    else:
        sys.exit("usage: coreml_oracle.py gen DIR | check DIR NAME OURS.mlmodel")
