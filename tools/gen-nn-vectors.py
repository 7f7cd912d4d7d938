#!/usr/bin/python3
# gen-nn-vectors.py — golden forward and backward values for the nn engine's two models
# (core/lw-nn-gpt.c, core/lw-nn-convdec.c), computed by PyTorch autograd, an implementation
# independent of ours.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run: /usr/bin/python3 tools/gen-nn-vectors.py tests/vectors
# Writes two safetensors files, assembled here by hand with struct + json (so the C tests also
# exercise our reader on a file we did not write):
#   nn-gpt.safetensors      vocab 13 padded to 16, max_t 8, 2 layers, 2 heads, dim 16; B=2, T=7
#   nn-convdec.safetensors  in 4, out 8, width 16, 1 block, 4 groups; B=2, H=5, W=6
# Each holds the model's parameters under their state_dict names (F32), the inputs
# ("in.*", tokens/targets as I32), the outputs ("out.*") and the parameter gradients
# ("grad.<case>.<name>"). The reference runs in float64 on the float32-rounded weights, so the
# only error left in a comparison is the C code's own float32 rounding.
#
# GPT cases (loss L = loss_scale · CE + Σ dhidden ⊙ hidden, CE the mean over targets ≠ −1):
#   tok: tokens, loss_scale 1, no dhidden   → out.tok.logits, out.tok.loss, grad.tok.*
#   emb: embeds [B,T,C] instead of tokens, loss_scale 0.5, dhidden given
#        → out.emb.logits, out.emb.hidden, out.emb.loss, grad.emb.*, grad.emb.embeds
# Conv decoder: L = Σ r ⊙ y with a fixed r → out.y, grad.<name>, grad.x
# conv_out is non-zero here (a fresh decoder has it zero) so gradients reach every tensor.
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(20240605)
DT = torch.float64


def f32 (t):
    """float32-rounded values, kept in float64 for the reference computation"""
    return t.to(torch.float32).to(DT)


def rnd (*shape, std=1.0):
    return f32(torch.randn(*shape, dtype=DT) * std)


def write_safetensors (path, tensors, metadata):
    """tensors: list of (name, torch tensor (float → F32, int → I32))"""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors:
        if t.dtype.is_floating_point:
            data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
            dtype = "F32"
        else:
            data = t.detach().to(torch.int32).contiguous().numpy().astype("<i4").tobytes()
            dtype = "I32"
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    return os.path.getsize(path)


# ---- tiny GPT ----------------------------------------------------------------------------------
V, VP, TMAX, L, H, C = 13, 16, 8, 2, 2, 16
B, T = 2, 7


def gpt_params ():
    p = {}
    p["wte.weight"] = rnd(VP, C, std=0.3)
    p["wpe.weight"] = rnd(TMAX, C, std=0.3)
    for l in range(L):
        q = f"blocks.{l}."
        p[q + "ln1.weight"] = f32(1.0 + 0.1 * torch.randn(C, dtype=DT))
        p[q + "ln1.bias"] = rnd(C, std=0.1)
        p[q + "attn.qkv.weight"] = rnd(3 * C, C, std=0.25)
        p[q + "attn.qkv.bias"] = rnd(3 * C, std=0.1)
        p[q + "attn.proj.weight"] = rnd(C, C, std=0.25)
        p[q + "attn.proj.bias"] = rnd(C, std=0.1)
        p[q + "ln2.weight"] = f32(1.0 + 0.1 * torch.randn(C, dtype=DT))
        p[q + "ln2.bias"] = rnd(C, std=0.1)
        p[q + "mlp.fc.weight"] = rnd(4 * C, C, std=0.25)
        p[q + "mlp.fc.bias"] = rnd(4 * C, std=0.1)
        p[q + "mlp.proj.weight"] = rnd(C, 4 * C, std=0.125)
        p[q + "mlp.proj.bias"] = rnd(C, std=0.1)
    p["ln_f.weight"] = f32(1.0 + 0.1 * torch.randn(C, dtype=DT))
    p["ln_f.bias"] = rnd(C, std=0.1)
    return p


def gpt_forward (p, tokens=None, embeds=None):
    """returns (logits [B,T,VP], hidden [B,T,C]); written out layer by layer"""
    if embeds is None:
        x = p["wte.weight"][tokens]
    else:
        x = embeds
    bsz, t = x.shape[0], x.shape[1]
    x = x + p["wpe.weight"][:t].unsqueeze(0)
    hd = C // H
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for l in range(L):
        q = f"blocks.{l}."
        h = F.layer_norm(x, (C,), p[q + "ln1.weight"], p[q + "ln1.bias"], eps=1e-5)
        qkv = F.linear(h, p[q + "attn.qkv.weight"], p[q + "attn.qkv.bias"])
        qq, kk, vv = qkv.split(C, dim=2)
        qq = qq.view(bsz, t, H, hd).transpose(1, 2)
        kk = kk.view(bsz, t, H, hd).transpose(1, 2)
        vv = vv.view(bsz, t, H, hd).transpose(1, 2)
        att = (qq @ kk.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ vv).transpose(1, 2).reshape(bsz, t, C)
        x = x + F.linear(y, p[q + "attn.proj.weight"], p[q + "attn.proj.bias"])
        h = F.layer_norm(x, (C,), p[q + "ln2.weight"], p[q + "ln2.bias"], eps=1e-5)
        h = F.gelu(F.linear(h, p[q + "mlp.fc.weight"], p[q + "mlp.fc.bias"]),
                   approximate="tanh")
        x = x + F.linear(h, p[q + "mlp.proj.weight"], p[q + "mlp.proj.bias"])
    hidden = F.layer_norm(x, (C,), p["ln_f.weight"], p["ln_f.bias"], eps=1e-5)
    logits = hidden @ p["wte.weight"].t()
    return logits, hidden


def gpt_case (p, tokens, embeds, targets, loss_scale, dhidden):
    leaves = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    emb = embeds.clone().requires_grad_(True) if embeds is not None else None
    logits, hidden = gpt_forward(leaves, tokens, emb)
    # the padding columns are never targeted; PyTorch's CE over all VP columns still
    # includes them in the softmax, so cut them off to match "only the first vocab are real"
    ce = F.cross_entropy(logits[..., :V].reshape(-1, V), targets.reshape(-1), ignore_index=-1)
    loss = loss_scale * ce
    if dhidden is not None:
        loss = loss + (dhidden * hidden).sum()
    loss.backward()
    grads = {k: v.grad for k, v in leaves.items()}
    return logits.detach(), hidden.detach(), ce.detach(), grads, (emb.grad if emb is not None
                                                                   else None)


def gen_gpt (outdir):
    p = gpt_params()
    tokens = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B, T))
    targets[0, 2] = -1
    targets[1, 0] = -1
    targets[1, 5] = -1
    embeds = rnd(B, T, C, std=0.5)
    dhidden = rnd(B, T, C, std=0.1)

    lt, ht, ct, gt, _ = gpt_case(p, tokens, None, targets, 1.0, None)
    le, he, ce, ge, gemb = gpt_case(p, None, embeds, targets, 0.5, dhidden)

    tensors = [(k, v) for k, v in p.items()]
    tensors += [("in.tokens", tokens), ("in.targets", targets), ("in.embeds", embeds),
                ("in.dhidden", dhidden)]
    tensors += [("out.tok.logits", lt), ("out.tok.hidden", ht), ("out.tok.loss", ct.reshape(1)),
                ("out.emb.logits", le), ("out.emb.hidden", he), ("out.emb.loss", ce.reshape(1))]
    tensors += [("grad.tok." + k, gt[k]) for k in p]
    tensors += [("grad.emb." + k, ge[k]) for k in p]
    tensors += [("grad.emb.embeds", gemb)]
    meta = {"vocab": str(V), "vocab_padded": str(VP), "max_t": str(TMAX), "layers": str(L),
            "heads": str(H), "dim": str(C), "batch": str(B), "t": str(T),
            "emb.loss_scale": "0.5", "generator": "tools/gen-nn-vectors.py, torch "
            + torch.__version__}
    n = write_safetensors(os.path.join(outdir, "nn-gpt.safetensors"), tensors, meta)
    print(f"nn-gpt.safetensors: {n} bytes, loss tok {ct.item():.6f} emb {ce.item():.6f}")


# ---- conv decoder ------------------------------------------------------------------------------
CIN, COUT, WID, NBLK, G = 4, 8, 16, 1, 4
CB, CH, CW = 2, 5, 6


def convdec_params ():
    p = {}

    def conv (name, cout, cin, k):
        bound = 1.0 / math.sqrt(cin * k * k)
        p[name + ".weight"] = f32((torch.rand(cout, cin, k, k, dtype=DT) * 2 - 1) * bound)
        p[name + ".bias"] = f32((torch.rand(cout, dtype=DT) * 2 - 1) * bound)

    def norm (name, c):
        p[name + ".weight"] = f32(1.0 + 0.2 * torch.randn(c, dtype=DT))
        p[name + ".bias"] = rnd(c, std=0.1)

    conv("conv_in", WID, CIN, 3)
    for i in range(NBLK):
        norm(f"blocks.{i}.norm1", WID)
        conv(f"blocks.{i}.conv1", WID, WID, 3)
        norm(f"blocks.{i}.norm2", WID)
        conv(f"blocks.{i}.conv2", WID, WID, 3)
    norm("norm_out", WID)
    conv("conv_out", COUT, WID, 1)
    return p


def convdec_forward (p, x):
    h = F.conv2d(x, p["conv_in.weight"], p["conv_in.bias"], padding=1)
    for i in range(NBLK):
        q = f"blocks.{i}."
        r = F.silu(F.group_norm(h, G, p[q + "norm1.weight"], p[q + "norm1.bias"], eps=1e-6))
        r = F.conv2d(r, p[q + "conv1.weight"], p[q + "conv1.bias"], padding=1)
        r = F.silu(F.group_norm(r, G, p[q + "norm2.weight"], p[q + "norm2.bias"], eps=1e-6))
        r = F.conv2d(r, p[q + "conv2.weight"], p[q + "conv2.bias"], padding=1)
        h = h + r
    h = F.silu(F.group_norm(h, G, p["norm_out.weight"], p["norm_out.bias"], eps=1e-6))
    return F.conv2d(h, p["conv_out.weight"], p["conv_out.bias"])


def gen_convdec (outdir):
    p = convdec_params()
    x = rnd(CB, CIN, CH, CW)
    r = rnd(CB, COUT, CH, CW)
    leaves = {k: v.clone().requires_grad_(True) for k, v in p.items()}
    xl = x.clone().requires_grad_(True)
    y = convdec_forward(leaves, xl)
    (r * y).sum().backward()

    tensors = [(k, v) for k, v in p.items()]
    tensors += [("in.x", x), ("in.r", r), ("out.y", y.detach()), ("grad.x", xl.grad)]
    tensors += [("grad." + k, leaves[k].grad) for k in p]
    meta = {"in_channels": str(CIN), "out_channels": str(COUT), "width": str(WID),
            "blocks": str(NBLK), "groups": str(G), "batch": str(CB), "h": str(CH),
            "w": str(CW), "generator": "tools/gen-nn-vectors.py, torch " + torch.__version__}
    n = write_safetensors(os.path.join(outdir, "nn-convdec.safetensors"), tensors, meta)
    print(f"nn-convdec.safetensors: {n} bytes, |y| max {y.abs().max().item():.4f}")


if __name__ == "__main__":
    outdir = sys.argv[1] if len(sys.argv) > 1 else "tests/vectors"
    gen_gpt(outdir)
    gen_convdec(outdir)
