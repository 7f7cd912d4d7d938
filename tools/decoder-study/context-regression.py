#!/usr/bin/python3
# context-regression.py — how much of what the 48 kept directions drop can a linear decoder with
# spatial context recover? A ridge regression of the dropped part of the 192 packet channels
# from the kept latents of a (2r+1)² neighbourhood, fitted on the eight training images and the
# two public-domain photos, evaluated on the three measured images (no quantisation).
# Run from the project root: tools/decoder-study/context-regression.py   (about 2 minutes)
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import EXTRA, TEST, TRAIN, iwpt, load, pca_basis, psnr, wpt  # noqa: E402

B = pca_basis()[:, :48]


def features(P, r):
    Z = np.einsum("kc,khw->chw", B, P)
    H, W = Z.shape[1:]
    Zp = np.pad(Z, ((0, 0), (r, r), (r, r)), mode="wrap")
    F = [Zp[:, dy:dy + H, dx:dx + W] for dy in range(2 * r + 1) for dx in range(2 * r + 1)]
    return np.concatenate(F).reshape(-1, H * W)


def dropped(P):
    Pf = P.reshape(192, -1)
    return Pf - B @ (B.T @ Pf)


for r in (1, 2):
    F, R = [], []
    for p in TRAIN + EXTRA:
        P = wpt(load(p))
        F.append(features(P, r))
        R.append(dropped(P))
    F, R = np.concatenate(F, 1), np.concatenate(R, 1)
    Wt = np.linalg.solve(F @ F.T + 1e3 * np.eye(F.shape[0]), F @ R.T)
    gains = []
    for p in TEST:
        im = load(p)
        P = wpt(im)
        H, W = P.shape[1:]
        lin = B @ (B.T @ P.reshape(192, -1))
        pred = Wt.T @ features(P, r)
        pred -= B @ (B.T @ pred)
        gains.append(psnr(iwpt((lin + pred).reshape(192, H, W), im.shape[:2]), im)
                     - psnr(iwpt(lin.reshape(192, H, W), im.shape[:2]), im))
    print("%d×%d neighbourhood: %s, mean %+.3f dB" % (2 * r + 1, 2 * r + 1,
          " ".join("%+.2f" % g for g in gains), np.mean(gains)))
