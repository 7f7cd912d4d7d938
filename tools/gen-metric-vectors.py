#!/usr/bin/python3
# gen-metric-vectors.py — reference PSNR, PSNR-Y, SSIM and MS-SSIM values for tests/test-metrics.c
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Inputs are the shared sample images (../shared/data/images), optionally cropped and reduced
# to one channel, with distortions the C test reproduces exactly:
#   noise SIGMA SEED   integer-hashed, near-Gaussian noise (sum of four 16-bit uniforms from
#                      splitmix64 at counter 4·i+k, i = (c·H + y)·W + x), added and rounded
#                      with floor(v + n + 0.5) — every step is one IEEE operation, so C and
#                      numpy produce identical pixels
#   pattern            v + ((7x + 13y + 3c) mod 21) − 10
#   jpeg FILE          the committed JPEG (quality 30 by Pillow) decoded by Pillow
# all clipped to [0, 255].
# References: PSNR/PSNR-Y by numpy; SSIM by scikit-image structural_similarity(
# gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255,
# channel_axis=0). MS-SSIM has no scikit-image implementation: the value here comes from OUR
# OWN numpy/scipy implementation below (scipy.ndimage.gaussian_filter statistics like
# scikit-image's, 2×2 mean downsampling with edge padding of odd sides, clamped terms,
# weights renormalised when fewer than 5 scales fit). It is an independent second
# implementation of the definition, not an external reference.
#
# Run: /usr/bin/python3 tools/gen-metric-vectors.py   (from the repository root)
import math
import os

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SHARED = os.path.join(ROOT, '..', 'shared', 'data', 'images')
VEC = os.path.join(ROOT, 'tests', 'vectors')
IMG = os.path.join(VEC, 'images')

GOLD = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def splitmix_at(seed, counter):
    x = np.uint64(seed) + (counter + np.uint64(1)) * GOLD
    z = (x ^ (x >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


def add_noise(img, sigma, seed):
    c, h, w = img.shape
    idx = np.arange(c * h * w, dtype=np.uint64).reshape(c, h, w)
    s = np.zeros(img.shape, dtype=np.int64)
    with np.errstate(over='ignore'):
        for k in range(4):
            s += (splitmix_at(seed, idx * np.uint64(4) + np.uint64(k)) >> np.uint64(48)).astype(np.int64)
    kscale = sigma * math.sqrt(3.0) / 131072.0
    n = (2 * s - 262140).astype(np.float64) * kscale
    return np.clip(np.floor((img.astype(np.float64) + n) + 0.5), 0, 255)


def add_pattern(img):
    c, h, w = img.shape
    cc, yy, xx = np.meshgrid(np.arange(c), np.arange(h), np.arange(w), indexing='ij')
    return np.clip(img + (7 * xx + 13 * yy + 3 * cc) % 21 - 10, 0, 255).astype(np.float64)


def psnr(a, b):
    mse = np.mean((a - b) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def luma(a):
    if a.shape[0] >= 3:
        return 0.299 * a[0] + 0.587 * a[1] + 0.114 * a[2]
    return a[0]


def ssim_terms(x, y):
    """Mean SSIM and mean contrast-structure of one channel, skimage's way."""
    f = dict(sigma=1.5, truncate=3.5, mode='reflect')
    ux, uy = gaussian_filter(x, **f), gaussian_filter(y, **f)
    vx = gaussian_filter(x * x, **f) - ux * ux
    vy = gaussian_filter(y * y, **f) - uy * uy
    vxy = gaussian_filter(x * y, **f) - ux * uy
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    cs = (2 * vxy + c2) / (vx + vy + c2)
    lum = (2 * ux * uy + c1) / (ux ** 2 + uy ** 2 + c1)
    crop = (slice(5, -5), slice(5, -5))
    return (lum * cs)[crop].mean(), cs[crop].mean()


def down2(a):
    h, w = a.shape
    a = np.pad(a, ((0, h % 2), (0, w % 2)), mode='edge')
    return 0.25 * (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2])


def ms_ssim(ref, dist):
    h, w = ref.shape[1:]
    scales, side = 0, min(h, w)
    while scales < 5 and side >= 11:
        scales += 1
        side = (side + 1) // 2
    wts = np.array(WEIGHTS[:scales])
    if scales < 5:
        wts = wts / wts.sum()
    vals = []
    for c in range(ref.shape[0]):
        x, y = ref[c].astype(np.float64), dist[c].astype(np.float64)
        v = 1.0
        for s in range(scales):
            ss, cs = ssim_terms(x, y)
            v *= max(ss if s == scales - 1 else cs, 0.0) ** wts[s]
            x, y = down2(x), down2(y)
        vals.append(v)
    return float(np.mean(vals)), scales


def load(name):
    return np.asarray(Image.open(os.path.join(SHARED, name)).convert('RGB')).transpose(2, 0, 1)


def main():
    cases = []
    for n, name in enumerate(('astronaut.png', 'chelsea.png', 'coffee.png')):
        base = name[:-4]
        img = load(name)
        h, w = img.shape[1:]
        jpg = '%s-q30.jpg' % base
        Image.fromarray(img.transpose(1, 2, 0)).save(os.path.join(IMG, jpg), quality=30)
        full = (0, 0, h, w)
        cases += [(name, full, 'rgb', ('noise', 5, 1000 + n)),
                  (name, full, 'rgb', ('noise', 20, 2000 + n)),
                  (name, full, 'rgb', ('pattern',)),
                  (name, full, 'rgb', ('jpeg', jpg))]
    # Smaller and gray cases: fewer MS-SSIM scales, PSNR-Y of a one-channel image
    cases += [('chelsea.png', (100, 150, 90, 100), 'rgb', ('noise', 20, 3001)),
              ('coffee.png', (10, 20, 30, 40), 'rgb', ('pattern',)),
              ('astronaut.png', (0, 0, 512, 512), 'r', ('noise', 5, 3002)),
              ('astronaut.png', (200, 100, 170, 200), 'r', ('pattern',))]

    lines = ['# Generated by tools/gen-metric-vectors.py; do not edit.',
             '# image y0 x0 h w channels(rgb|r) distortion args… = psnr psnr_y ssim ms_ssim scales']
    for name, (y0, x0, h, w), chans, dist in cases:
        ref = load(name)[:, y0:y0 + h, x0:x0 + w].astype(np.float64)
        if chans == 'r':
            ref = ref[:1]
        if dist[0] == 'noise':
            test = add_noise(ref, dist[1], dist[2])
        elif dist[0] == 'pattern':
            test = add_pattern(ref)
        else:
            test = np.asarray(Image.open(os.path.join(IMG, dist[1])).convert('RGB'),
                              dtype=np.float64).transpose(2, 0, 1)
        p = psnr(ref, test)
        py = psnr(luma(ref), luma(test))
        s = structural_similarity(ref, test, gaussian_weights=True, sigma=1.5,
                                  use_sample_covariance=False, data_range=255, channel_axis=0)
        own = np.mean([ssim_terms(ref[c], test[c])[0] for c in range(ref.shape[0])])
        assert abs(own - s) < 1e-12, (own, s)   # our statistics are skimage's
        ms, scales = ms_ssim(ref, test)
        args = ' '.join(str(a) for a in dist)
        lines.append('%s %d %d %d %d %s %s = %.12f %.12f %.12f %.12f %d'
                     % (name, y0, x0, h, w, chans, args, p, py, s, ms, scales))
        print(lines[-1])
    with open(os.path.join(VEC, 'metrics-vectors.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


main()
