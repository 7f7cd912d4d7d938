#!/usr/bin/python3
# net-generalisation.py — does the learned decoder's net (conv 3×3 → residual blocks → 1×1 to the
# 192 packet channels, as core/lw-nn-convdec.h) generalise? Trains it in PyTorch on crops cut
# from whole-image packet transforms (no wrapped crop edges) to predict the packets from the 48
# kept latents (no quantisation), then prints the PSNR gain over the linear decoder on the three
# measured images, whole and interior (32 px in). Run from the project root:
#   tools/decoder-study/net-generalisation.py                     # the eight training images
#   tools/decoder-study/net-generalisation.py --extra             # … and the two PD photos
#   tools/decoder-study/net-generalisation.py --train measured    # on the measured images
#   tools/decoder-study/net-generalisation.py --train loo-coffee  # astronaut, chelsea, PD photos
# About 3–4 minutes each on one thread.
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from common import EXTRA, TEST, TRAIN, iwpt, load, pca_basis, psnr, wpt  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--train", default="eight", choices=["eight", "measured", "loo-coffee"])
ap.add_argument("--extra", action="store_true")
ap.add_argument("--steps", type=int, default=1500)
ap.add_argument("--width", type=int, default=64)
ap.add_argument("--blocks", type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(1)
torch.manual_seed(1)
rng = np.random.default_rng(1)
B = torch.tensor(pca_basis()[:, :48].copy(), dtype=torch.float32)
paths = {"eight": TRAIN, "measured": TEST, "loo-coffee": TEST[:2] + EXTRA}[a.train]
if a.extra:
    paths = paths + EXTRA
data = [torch.tensor(wpt(load(p)), dtype=torch.float32) for p in paths]


class Block(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.c1 = torch.nn.Conv2d(w, w, 3, padding=1)
        self.c2 = torch.nn.Conv2d(w, w, 3, padding=1)

    def forward(self, x):
        f = torch.nn.functional.silu
        return x + self.c2(f(self.c1(f(x))))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = torch.nn.Conv2d(48, a.width, 3, padding=1)
        self.blocks = torch.nn.Sequential(*[Block(a.width) for _ in range(a.blocks)])
        self.out = torch.nn.Conv2d(a.width, 192, 1)
        torch.nn.init.zeros_(self.out.weight)
        torch.nn.init.zeros_(self.out.bias)

    def forward(self, z):
        linear = torch.einsum("kc,bchw->bkhw", B, z)
        return linear + self.out(torch.nn.functional.silu(self.blocks(self.inp(z / 64))))


net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, 1e-3, total_steps=a.steps, pct_start=0.05)
crop, batch = 16, 32
t0 = time.time()
for step in range(a.steps):
    P = []
    for _ in range(batch):
        t = data[rng.integers(len(data))]
        y = rng.integers(t.shape[1] - crop + 1)
        x = rng.integers(t.shape[2] - crop + 1)
        P.append(t[:, y:y + crop, x:x + crop])
    P = torch.stack(P)
    z = torch.einsum("kc,bkhw->bchw", B, P)
    loss = ((net(z) - P) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
print("trained on %s: %d steps in %.0f s" % (", ".join(os.path.basename(p) for p in paths),
                                              a.steps, time.time() - t0))
gains = []
with torch.no_grad():
    for p in TEST:
        im = load(p)
        P = torch.tensor(wpt(im), dtype=torch.float32)[None]
        z = torch.einsum("kc,bkhw->bchw", B, P)
        lin = iwpt(torch.einsum("kc,bchw->bkhw", B, z)[0].numpy(), im.shape[:2])
        dec = iwpt(net(z)[0].numpy(), im.shape[:2])
        g = psnr(dec, im) - psnr(lin, im)
        gi = psnr(dec, im, 32) - psnr(lin, im, 32)
        gains.append(g)
        print("%-14s linear %.2f dB, net %+.2f dB (interior %+.2f dB)"
              % (os.path.basename(p), psnr(lin, im), g, gi))
print("mean %+.3f dB" % np.mean(gains))
