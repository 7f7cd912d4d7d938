#!/usr/bin/python3
# gen-nn-ops-vectors.py — reference values for the nn kernels (core/lw-nn-ops.h), computed by
# PyTorch (functional ops and autograd: an implementation independent of ours).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run: /usr/bin/python3 tools/gen-nn-ops-vectors.py > tests/vectors/nn-ops.txt
# Format (whitespace-separated tokens, '#' starts a comment line):
#   case NAME                 starts a case
#   int KEY VALUE             a size or option of the case
#   real KEY VALUE            a scalar (eps, scale, loss)
#   tensor NAME COUNT v…      COUNT values, row-major, in the layout lw-nn-ops.h uses
# Inputs are random float32 values from the fixed seed below; the references are computed in
# float64 on those float32 values, so what a comparison sees is the C code's own float32
# rounding. Every case with a backward holds "dy" (the upstream gradient, for the losses their
# own gradient of the mean) and the gradients of its inputs (d<name>).
import sys

import torch
import torch.nn.functional as F

SEED = 20240607
torch.manual_seed(SEED)
DT = torch.float64

out = []


def rnd (*shape, lo=-1.0, hi=1.0):
    t = torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo
    return t.to(DT).requires_grad_(True)


def case (name, **ints):
    out.append(f"case {name}")
    for k, v in ints.items():
        out.append(f"int {k} {v}")


def real (key, v):
    out.append(f"real {key} {float(v):.17g}")


def tensor (name, t):
    vals = t.detach().reshape(-1).tolist()
    out.append(f"tensor {name} {len(vals)}")
    for i in range(0, len(vals), 8):
        out.append(" ".join(f"{float(v):.9g}" for v in vals[i:i + 8]))


def grads (y, inputs, names):
    dy = rnd(*y.shape).detach()
    gs = torch.autograd.grad(y, inputs, dy)
    tensor("dy", dy)
    for n, g in zip(names, gs):
        tensor("d" + n, g)


# linear: y = x·wᵀ + b
n, cin, cout = 6, 9, 7
x, w, b = rnd(n, cin), rnd(cout, cin), rnd(cout)
y = F.linear(x, w, b)
case("linear", n=n, **{"in": cin, "out": cout})
for k, v in (("x", x), ("w", w), ("b", b), ("y", y)):
    tensor(k, v)
grads(y, (x, w, b), ("x", "w", "b"))

# conv2d, same padding, k = 3 and k = 1
for k in (3, 1):
    bsz, ci, h, wd, co = 2, 3, 6, 5, 4
    x, w, b = rnd(bsz, ci, h, wd), rnd(co, ci, k, k), rnd(co)
    y = F.conv2d(x, w, b, padding=k // 2)
    case(f"conv2d-k{k}", batch=bsz, cin=ci, h=h, w=wd, cout=co, k=k)
    for name, v in (("x", x), ("w", w), ("b", b), ("y", y)):
        tensor(name, v)
    grads(y, (x, w, b), ("x", "w", "b"))

# conv1d k = 3
bsz, ci, length, co, k = 2, 3, 11, 4, 3
x, w, b = rnd(bsz, ci, length), rnd(co, ci, k), rnd(co)
y = F.conv1d(x, w, b, padding=k // 2)
case("conv1d-k3", batch=bsz, cin=ci, len=length, cout=co, k=k)
for name, v in (("x", x), ("w", w), ("b", b), ("y", y)):
    tensor(name, v)
grads(y, (x, w, b), ("x", "w", "b"))

# GroupNorm over [B, C, H, W]
bsz, c, h, wd, g, eps = 2, 6, 3, 4, 3, 1e-5
x, gamma, beta = rnd(bsz, c, h, wd, lo=-2, hi=3), rnd(c, lo=0.5, hi=1.5), rnd(c)
y = F.group_norm(x, g, gamma, beta, eps)
xg = x.detach().reshape(bsz, g, -1)
case("groupnorm", batch=bsz, c=c, s=h * wd, groups=g)
real("eps", eps)
for name, v in (("x", x), ("gamma", gamma), ("beta", beta), ("y", y)):
    tensor(name, v)
tensor("mean", xg.mean(-1))
tensor("rstd", 1.0 / torch.sqrt(xg.var(-1, unbiased=False) + eps))
grads(y, (x, gamma, beta), ("x", "gamma", "beta"))

# LayerNorm over the last dimension
n, c, eps = 5, 12, 1e-5
x, gamma, beta = rnd(n, c, lo=-2, hi=3), rnd(c, lo=0.5, hi=1.5), rnd(c)
y = F.layer_norm(x, (c,), gamma, beta, eps)
case("layernorm", n=n, c=c)
real("eps", eps)
for name, v in (("x", x), ("gamma", gamma), ("beta", beta), ("y", y)):
    tensor(name, v)
tensor("mean", x.detach().mean(-1))
tensor("rstd", 1.0 / torch.sqrt(x.detach().var(-1, unbiased=False) + eps))
grads(y, (x, gamma, beta), ("x", "gamma", "beta"))

# GELU (tanh approximation) and SiLU, over a wide range and an odd count
for name, fn in (("gelu", lambda t: F.gelu(t, approximate="tanh")), ("silu", F.silu)):
    x = rnd(67, lo=-8, hi=8)
    y = fn(x)
    case(name, n=67)
    tensor("x", x)
    tensor("y", y)
    grads(y, (x,), ("x",))

# causal multi-head self-attention from explicit ops, qkv [B, T, 3C]
bsz, t, c, heads = 2, 6, 8, 2
hd = c // heads
qkv = rnd(bsz, t, 3 * c, lo=-2, hi=2)
q, k, v = qkv.split(c, dim=2)
q = q.reshape(bsz, t, heads, hd).transpose(1, 2)
k = k.reshape(bsz, t, heads, hd).transpose(1, 2)
v = v.reshape(bsz, t, heads, hd).transpose(1, 2)
s = q @ k.transpose(-2, -1) / (hd ** 0.5)
mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
s = s.masked_fill(~mask, float("-inf"))
att = torch.softmax(s, dim=-1)
y = (att @ v).transpose(1, 2).reshape(bsz, t, c)
case("attention", batch=bsz, t=t, c=c, heads=heads)
tensor("qkv", qkv)
tensor("y", y)
tensor("att", att)
grads(y, (qkv,), ("qkv",))

# softmax cross-entropy, ignore_index −1, logits padded from vocab to stride columns (the
# padding holds large values that must not take part)
n, vocab, stride, scale = 7, 5, 8, 0.5
logits = rnd(n, stride, lo=-4, hi=4)
with torch.no_grad():
    logits[:, vocab:] = 50.0
targets = torch.tensor([2, -1, 0, 4, 4, -1, 1])
loss = F.cross_entropy(logits[:, :vocab], targets, ignore_index=-1)
(dl,) = torch.autograd.grad(loss * scale, (logits,))
probs = torch.zeros(n, stride, dtype=DT)
probs[:, :vocab] = torch.softmax(logits.detach()[:, :vocab], dim=-1)
case("cross-entropy", n=n, vocab=vocab, stride=stride)
real("scale", scale)
real("loss", loss)
out.append(f"tensor targets {n}")
out.append(" ".join(str(int(v)) for v in targets))
tensor("logits", logits)
tensor("probs", probs)
tensor("dlogits", dl)

# MSE and L1 (mean over elements)
for name, fn in (("mse", F.mse_loss), ("l1", F.l1_loss)):
    x, target = rnd(23, lo=-3, hi=3), rnd(23, lo=-3, hi=3).detach()
    loss = fn(x, target)
    (dx,) = torch.autograd.grad(loss * 2.0, (x,))
    case(name, n=23)
    real("scale", 2.0)
    real("loss", loss)
    tensor("x", x)
    tensor("target", target)
    tensor("dx", dx)

sys.stdout.write(f"# nn-ops.txt — generated by tools/gen-nn-ops-vectors.py (torch {torch.__version__}, "
                 f"seed {SEED}); do not edit\n")
sys.stdout.write("\n".join(out) + "\n")
