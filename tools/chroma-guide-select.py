#!/usr/bin/python3
# chroma-guide-select.py — how the chroma=guided stage's settings (core/lw-chroma-guide.h) were
# chosen: on the colour images among the shipped decoder's training images (never on the
# measured astronaut, chelsea, coffee), the mean PSNR gain over the linear decoder at steps 12
# and 32 for radius × ε × iterations. Independent of the C code: pywt bior4.4 packets, a PCA
# fitted here on the same eight training images, scipy's box filters, a uniform dead-zone
# quantiser like the codec's near zero. About 10 minutes; prints the grid, best first.
import os
import sys

import numpy as np
from PIL import Image
from scipy.ndimage import uniform_filter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "decoder-study"))
from common import SK, iwpt, wpt  # noqa: E402  (the packet transforms, as pywt gives them)

TRAIN = ["rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "camera.png",
         "brick.png", "grass.png", "gravel.png"]
COLOUR = ["rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "ihc.png"]
N = 48


def load(name, size=512):
    im = np.asarray(Image.open(SK + name).convert("RGB"), dtype=np.float64)
    h, w = min(size, im.shape[0] // 8 * 8), min(size, im.shape[1] // 8 * 8)
    y0, x0 = (im.shape[0] - h) // 2, (im.shape[1] - w) // 2
    return im[y0:y0 + h, x0:x0 + w] - 127.5


def psnr(rec, ref):
    rec = np.clip(np.round(rec + 127.5), 0, 255)
    return 10 * np.log10(255 ** 2 / np.mean((rec - (ref + 127.5)) ** 2))


def guided(I, p, r, eps):
    box = lambda x: uniform_filter(x, 2 * r + 1, mode="reflect")
    mi, mp = box(I), box(p)
    a = (box(I * p) - mi * mp) / (np.maximum(box(I * I) - mi * mi, 0) + eps)
    return box(a) * I + box(mp - a * mi)


M = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def stage_once(x, W, r, eps):
    ycc = x @ M.T
    new = ycc.copy()
    for c in (1, 2):
        new[:, :, c] = guided(ycc[:, :, 0], ycc[:, :, c], r, eps)
    d = (new - ycc) @ np.linalg.inv(M).T
    P = wpt(d)
    D, h, w = P.shape
    Pf = P.reshape(D, -1)
    Pf = Pf - W.T @ (W @ Pf)
    return x + iwpt(Pf.reshape(D, h, w), x.shape[:2])


def quantise(z, step):
    q = np.floor(np.abs(z) / step + 0.35)
    return np.sign(z) * np.where(q > 0, (q + 0.08) * step, 0)


X = np.concatenate([wpt(load(n)).reshape(192, -1) for n in TRAIN], 1)
X = X - X.mean(1, keepdims=True)
W = np.linalg.eigh(X @ X.T)[1][:, ::-1][:, :N].T
res = {}
for name in COLOUR:
    im = load(name)
    P = wpt(im).reshape(192, -1)
    for step in (12, 32):
        rec = iwpt((W.T @ quantise(W @ P, step)).reshape(192, im.shape[0] // 8, -1), im.shape[:2])
        base = psnr(rec, im)
        for r in (2, 4, 8):
            for eps in (1.0, 10.0, 100.0):
                x = rec
                for it in range(1, 4):
                    x = stage_once(x, W, r, eps)
                    res.setdefault((r, eps, it), []).append(psnr(x, im) - base)
    print("done", name, flush=True)
for k, v in sorted(res.items(), key=lambda kv: -np.mean(kv[1])):
    print("radius %d eps %5g iterations %d: mean gain %+.3f dB" % (k + (np.mean(v),)))
