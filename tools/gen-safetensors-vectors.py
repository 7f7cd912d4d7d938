#!/usr/bin/python3
# gen-safetensors-vectors.py — safetensors files assembled by hand (struct + json), independently
# of our writer, and the values numpy (F16, F64) and torch (BF16) give for them.
# Debian 12 has no python3-safetensors, so the format is written from its specification:
# u64 little-endian header length, JSON header, data block.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Output (tests/vectors/):
#   st-python.safetensors   F32, F16, BF16, F64, I64 tensors, a scalar, an empty tensor and
#                           metadata; the header is NOT padded to 8 bytes (the format does not
#                           require it), so the F32 data sit at an odd address in the file, and
#                           the JSON lists tensors in another order than their offsets.
#   st-python.txt           per tensor: "tensor NAME DTYPE NDIM DIMS… OFFSET NBYTES", then
#                           "values V…" (what reading it as float32 must give; for I64 the
#                           integers), then metadata lines "meta KEY_HEX VALUE_HEX" (UTF-8 hex).
#   st-padded.safetensors   the same tensors written the way the reference library lays files
#                           out (header padded with spaces to a multiple of 8, compact JSON).
import json
import struct

import numpy as np
import torch

rng = np.random.default_rng(20261128)

f32 = rng.normal(0, 2, (2, 3)).astype(np.float32)
f16 = np.array([1.0, -0.0, 65504.0, 6.0e-8, np.inf, -2.5, 0.333, 1e-5], dtype=np.float16)
bf = torch.tensor([[3.14159, -1e30], [1e-38, 0.1]], dtype=torch.float32).to(torch.bfloat16)
bf_bits = bf.view(torch.int16).numpy().astype("<i2").tobytes()
bf_values = bf.to(torch.float32).numpy()
f64 = np.array([1.0 / 3.0, -1e300, 1e-50], dtype=np.float64)
with np.errstate(over="ignore"):  # -1e300 becomes -inf in float32, as intended
    f64_as_f32 = f64.astype(np.float32)
i64 = np.array([0, -1, 2**62, 7], dtype=np.int64)
scalar = np.array(42.5, dtype=np.float32)
empty = np.zeros((0, 3), dtype=np.float32)

# (name, dtype, array-as-float32-or-int, raw bytes); data block in this order
tensors = [
    ("layer.weight", "F32", f32, f32.astype("<f4").tobytes()),
    ("half", "F16", f16.astype(np.float32), f16.astype("<f2").tobytes()),
    ("brain", "BF16", bf_values, bf_bits),
    ("double", "F64", f64_as_f32, f64.astype("<f8").tobytes()),
    ("ids", "I64", i64, i64.astype("<i8").tobytes()),
    ("scalar", "F32", scalar, scalar.astype("<f4").tobytes()),
    ("empty", "F32", empty, b""),
]
metadata = {"format": "pt", "note": 'caf\u00e9 "quoted"\nline', "step": "1200"}


def assemble(order, pad, separators):
    header = {}
    offsets = {}
    pos = 0
    for name, dtype, arr, raw in tensors:
        offsets[name] = (pos, pos + len(raw))
        pos += len(raw)
    header["__metadata__"] = metadata
    for name in order:
        _, dtype, arr, raw = next(t for t in tensors if t[0] == name)
        header[name] = {"dtype": dtype, "shape": list(arr.shape),
                        "data_offsets": list(offsets[name])}
    text = json.dumps(header, separators=separators, ensure_ascii=False).encode("utf-8")
    if pad:
        text += b" " * (-len(text) % 8)
    elif len(text) % 4 == 0:
        text += b" "  # keep the F32 data off 4-byte alignment
    data = b"".join(t[3] for t in tensors)
    return struct.pack("<Q", len(text)) + text + data, offsets


order = ["ids", "half", "scalar", "layer.weight", "empty", "double", "brain"]
blob, offsets = assemble(order, pad=False, separators=(", ", ": "))
with open("tests/vectors/st-python.safetensors", "wb") as f:
    f.write(blob)
blob, _ = assemble([t[0] for t in tensors], pad=True, separators=(",", ":"))
with open("tests/vectors/st-padded.safetensors", "wb") as f:
    f.write(blob)

lines = []
for name, dtype, arr, raw in tensors:
    b, e = offsets[name]
    lines.append(f"tensor {name} {dtype} {arr.ndim} " + " ".join(str(d) for d in arr.shape)
                 + (" " if arr.ndim else "") + f"{b} {e - b}")
    if dtype == "I64":
        lines.append("values " + " ".join(str(int(v)) for v in arr.reshape(-1)))
    else:
        lines.append("values " + " ".join(f"{float(v):.9g}" for v in arr.reshape(-1)))
for k, v in metadata.items():
    lines.append(f"meta {k.encode().hex()} {v.encode().hex()}")
with open("tests/vectors/st-python.txt", "w") as f:
    f.write("# gen-safetensors-vectors.py: expected contents of st-python.safetensors\n")
    f.write("\n".join(lines) + "\n")
