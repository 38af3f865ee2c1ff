"""What PyTorch sees of a tensor, shared by the fixture generators: its elements in row-major order,
each little-endian (bool one byte, complex real then imaginary, quantized as int_repr()), and the
sha256 of those bytes -- the value `torch4j inspect --json --hash` must reproduce."""
import ctypes
import hashlib
import sys


def element_bytes(t):
    if t.is_quantized:
        t = t.int_repr()
    t = t.detach().cpu().clone().contiguous()
    # The machine is little-endian (x86/arm64): memory order is little-endian element order.
    assert sys.byteorder == "little"
    return ctypes.string_at(t.data_ptr(), t.numel() * t.element_size())


def sha256(t):
    return hashlib.sha256(element_bytes(t)).hexdigest()
