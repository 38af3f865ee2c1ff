"""Runs a file torch4j-libtorch exported, with reference PyTorch, and writes its outputs.

  run_exported.py lite|jit MODEL INPUT.bin D0,D1,... OUT_PREFIX METHOD...

lite loads MODEL with torch.jit.mobile._load_for_lite_interpreter (a .ptl), jit with torch.jit.load.
INPUT.bin is raw little-endian float32 of the given shape. Each METHOD's result (a float tensor) is
written to OUT_PREFIX.METHOD.bin as raw little-endian float32.
"""
import sys

import numpy
import torch
from torch.jit.mobile import _load_for_lite_interpreter


def main(kind, model_path, input_path, shape, out_prefix, *methods):
    model = _load_for_lite_interpreter(model_path) if kind == "lite" else torch.jit.load(model_path)
    dims = [int(d) for d in shape.split(",")]
    x = torch.from_numpy(numpy.fromfile(input_path, dtype="<f4").reshape(dims).copy())
    with torch.no_grad():
        for method in methods:
            y = model(x) if method == "forward" else model.run_method(method, x) if kind == "lite" \
                else getattr(model, method)(x)
            y.contiguous().numpy().astype("<f4").tofile(out_prefix + "." + method + ".bin")


if __name__ == "__main__":
    main(*sys.argv[1:])
