#!/usr/bin/python3
# gen-colar-vectors.py — golden values for CoLaR's latent head and latent losses
# (core/lw-colar.c), computed by PyTorch autograd, an implementation independent of ours.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run: /usr/bin/python3 tools/gen-colar-vectors.py tests/vectors
# Writes colar-head.safetensors (assembled by hand with struct + json): a head with d = 6,
# dᵢ = 10 (different, so a transposed weight cannot pass) on n = 5 positions:
#   the head's tensors under their names (latent.fc1.weight …), inputs in.x [n, d],
#   in.noise [n, d] (ε), in.target [n, d];
#   out.mean, out.log_std [n, d];
#   for each case: out.<case>.total, out.<case>.latent, out.<case>.entropy (scalars as [1]),
#   grad.<case>.<name> for every head tensor and grad.<case>.x.
# Head: Linear(d, dᵢ) → GELU (tanh form, as the engine's) → Linear(dᵢ, dᵢ) → LayerNorm(dᵢ,
# eps 1e-5) → mean = Linear(dᵢ, d), log σ = Linear(dᵢ, d). Cases (total = w·latent −
# α·mean entropy of N(μ, σ)):
#   mse: latent = mean((μ + σ·ε − target)²), w 1, α 0.1
#   nll: latent = mean(−log N(target; μ, σ)),  w 1, α 0
#   dl:  σ = 1e-9 (deterministic head), latent = mean((μ + σ·ε − target)²), w 0.5, α 0
# The reference runs in float64 on float32-rounded values.
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20250611)
DT = torch.float64
D, DI, N = 6, 10, 5
NAMES = ["latent.fc1.weight", "latent.fc1.bias", "latent.fc2.weight", "latent.fc2.bias",
         "latent.ln.weight", "latent.ln.bias", "latent.mean.weight", "latent.mean.bias",
         "latent.log_std.weight", "latent.log_std.bias"]


def f32 (t):
    return t.to(torch.float32).to(DT)


def rnd (*shape, std=1.0, mean=0.0):
    return f32(torch.randn(*shape, dtype=DT) * std + mean)


def write_safetensors (path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors:
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def params ():
    p = {
        "latent.fc1.weight": rnd(DI, D, std=0.4), "latent.fc1.bias": rnd(DI, std=0.1),
        "latent.fc2.weight": rnd(DI, DI, std=0.3), "latent.fc2.bias": rnd(DI, std=0.1),
        "latent.ln.weight": rnd(DI, std=0.2, mean=1.0), "latent.ln.bias": rnd(DI, std=0.1),
        "latent.mean.weight": rnd(D, DI, std=0.3), "latent.mean.bias": rnd(D, std=0.1),
        "latent.log_std.weight": rnd(D, DI, std=0.2), "latent.log_std.bias": rnd(D, std=0.1,
                                                                                 mean=-0.5),
    }
    return p


def head (p, x):
    a = F.linear(x, p["latent.fc1.weight"], p["latent.fc1.bias"])
    a = F.gelu(a, approximate="tanh")
    a = F.linear(a, p["latent.fc2.weight"], p["latent.fc2.bias"])
    a = F.layer_norm(a, (DI,), p["latent.ln.weight"], p["latent.ln.bias"], eps=1e-5)
    return (F.linear(a, p["latent.mean.weight"], p["latent.mean.bias"]),
            F.linear(a, p["latent.log_std.weight"], p["latent.log_std.bias"]))


def loss (case, mu, ls, noise, target):
    if case == "dl":
        sigma = torch.full_like(mu, 1e-9)
        log_sigma = torch.log(sigma)
    else:
        sigma = torch.exp(ls)
        log_sigma = ls
    if case == "nll":
        latent = (log_sigma + 0.5 * math.log(2 * math.pi)
                  + 0.5 * ((target - mu) / sigma) ** 2).mean()
    else:
        latent = ((mu + sigma * noise - target) ** 2).mean()
    entropy = (0.5 * math.log(2 * math.pi * math.e) + log_sigma).mean()
    w, alpha = {"mse": (1.0, 0.1), "nll": (1.0, 0.0), "dl": (0.5, 0.0)}[case]
    return w * latent - alpha * entropy, latent, entropy


def main ():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/vectors"
    p = params()
    x = rnd(N, D)
    noise = rnd(N, D)
    target = rnd(N, D)
    tensors = [(name, p[name]) for name in NAMES]
    tensors += [("in.x", x), ("in.noise", noise), ("in.target", target)]
    with torch.no_grad():
        mu, ls = head(p, x)
    tensors += [("out.mean", mu), ("out.log_std", ls)]
    for case in ["mse", "nll", "dl"]:
        q = {k: v.clone().requires_grad_(True) for k, v in p.items()}
        xx = x.clone().requires_grad_(True)
        mu, ls = head(q, xx)
        total, latent, entropy = loss(case, mu, ls, noise, target)
        total.backward()
        tensors += [("out.%s.total" % case, total.detach().reshape(1)),
                    ("out.%s.latent" % case, latent.detach().reshape(1)),
                    ("out.%s.entropy" % case, entropy.detach().reshape(1))]
        tensors += [("grad.%s.%s" % (case, name),
                     q[name].grad if q[name].grad is not None else torch.zeros_like(q[name]))
                    for name in NAMES]
        tensors.append(("grad.%s.x" % case, xx.grad))
    path = os.path.join(outdir, "colar-head.safetensors")
    write_safetensors(path, tensors, {"dim": str(D), "inner": str(DI), "n": str(N),
                                      "generator": "tools/gen-colar-vectors.py"})
    print("wrote", path, os.path.getsize(path), "bytes")


main()
