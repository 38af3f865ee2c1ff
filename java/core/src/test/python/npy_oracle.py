"""numpy as the oracle for torch4j's .npy reader and writer (dev.torch4j.numpy.NpyFile).

  npy_oracle.py write DIR   writes one .npy per case with numpy.save, plus cases.tsv:
                            name, dtype, shape, values in C (row-major) order as repr'd floats/ints
  npy_oracle.py check FILE DTYPE SHAPE VALUES
                            loads FILE with numpy.load (allow_pickle=False) and exits 0 when its dtype,
                            shape and values are exactly those given (comma-separated), 1 otherwise
Needs only numpy (/usr/bin/python3). Exit code 3 when numpy is missing.
"""
import sys

try:
    import numpy as np
except ImportError as e:
    print("numpy unavailable:", e, file=sys.stderr)
    sys.exit(3)


def cell(values):
    return ",".join(repr(v) for v in values)


def cases():
    rng = np.random.default_rng(7)
    base = rng.standard_normal((2, 3, 4))
    out = []
    for t in ("<f2", "<f4", "<f8", ">f4", ">f8", ">f2"):
        out.append(("float_" + t.replace("<", "le").replace(">", "be"), base.astype(t)))
    for t in ("i1", "<i2", "<i4", "<i8", ">i2", ">i4", ">i8", "u1", "<u2", "<u4", "<u8", ">u4"):
        vals = (base * 50).astype(np.int64)
        if "u" in t:
            vals = np.abs(vals)
        out.append(("int_" + t.replace("<", "le").replace(">", "be"), vals.astype(t)))
    out.append(("int64_extremes", np.array([-2**63, 2**63 - 1, 0, -1], dtype="<i8")))
    out.append(("bool", base > 0))
    out.append(("fortran_f4", np.asfortranarray(base.astype("<f4"))))
    out.append(("fortran_be_i4", np.asfortranarray((base * 9).astype(">i4"))))
    out.append(("scalar", np.array(3.5, dtype="<f8")))
    out.append(("empty", np.zeros((0, 5), dtype="<f4")))
    out.append(("vector", np.arange(7, dtype="<i4")))
    out.append(("special_f4", np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45], dtype="<f4")))
    return out


def write(directory):
    import os
    rows = []
    for name, a in cases():
        np.save(os.path.join(directory, name + ".npy"), a)
        flat = a.flatten(order="C")
        if a.dtype.kind == "f":
            vals = [float(v) for v in flat]
        elif a.dtype.kind == "b":
            vals = [1 if v else 0 for v in flat]
        else:
            vals = [int(v) for v in flat]
        rows.append("\t".join([name, a.dtype.name, cell(a.shape), cell(vals)]))
    # numpy's own choice for a big header: version 2.0 (a shape with many dimensions does not need it;
    # a long descr is not allowed), so write one with a forced version instead.
    big = np.arange(6, dtype="<f4").reshape(2, 3)
    with open(os.path.join(directory, "v2.npy"), "wb") as f:
        np.lib.format.write_array(f, big, version=(2, 0))
    rows.append("\t".join(["v2", "float32", "2,3", cell([float(v) for v in big.flatten()])]))
    with open(os.path.join(directory, "cases.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def check(path, dtype, shape, values):
    a = np.load(path, allow_pickle=False)
    want_shape = tuple(int(s) for s in shape.split(",") if s)
    ok = a.dtype == np.dtype(dtype) and a.shape == want_shape and a.flags["C_CONTIGUOUS"]
    if not ok:
        print("got", a.dtype, a.shape, file=sys.stderr)
        return 1
    flat = a.flatten()
    want = [float(v) for v in values.split(",") if v] if a.dtype.kind == "f" else [int(v) for v in values.split(",") if v]
    if a.dtype.kind == "b":
        want = [bool(v) for v in want]
    got = flat.tolist()
    if a.dtype.kind == "f":
        same = all((np.isnan(g) and np.isnan(w)) or (g == w and np.signbit(g) == np.signbit(w)) for g, w in zip(got, want))
    else:
        same = got == want
    if not same or len(got) != len(want):
        print("values differ:", got, want, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(*sys.argv[2:6]))
    else:
        sys.exit(2)
