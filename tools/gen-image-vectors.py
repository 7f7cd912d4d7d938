#!/usr/bin/python3
# gen-image-vectors.py — tiny PNG/JPEG test images and their expected pixel values
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes tests/vectors/images/*.png|*.jpg and tests/vectors/images/expected.txt.
# PNGs are written by the small encoder below (every colour type, bit depth, tRNS, Adam7
# interlacing, all five row filters), so the expected values are the very arrays encoded —
# after the expansion rules the loader promises (palette → RGB/RGBA, tRNS → alpha, 1/2/4-bit
# gray scaled to 8 bits). Where Pillow can decode a file losslessly we also check that Pillow
# (an independent decoder) agrees. JPEG expectations are Pillow's decode; the C test allows
# ±1 per value for a different IDCT.
#
# Run: /usr/bin/python3 tools/gen-image-vectors.py   (from the repository root)
import io
import os
import struct
import zlib

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'vectors', 'images')
rng = np.random.default_rng(20240601)


def chunk(tag, data):
    return (struct.pack('>I', len(data)) + tag + data
            + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff))


def pack_row(samples, depth):
    """samples: 1-D int array of one row's samples → bytes at `depth` bits."""
    if depth == 16:
        return b''.join(struct.pack('>H', int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per):
        b = 0
        group = list(samples[i:i + per]) + [0] * (per - len(samples[i:i + per]))
        for v in group:
            b = (b << depth) | int(v)
        out.append(b)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp, first_filter):
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b''
    for n, row in enumerate(rows):
        ft = (first_filter + n) % 5
        f = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ft]
            f.append((x - pred) & 0xff)
        out.append(ft)
        out += f
        prev = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


def write_png(path, samples, color_type, depth, palette=None, trns=None, interlace=False):
    """samples: H×W×S array of raw sample values (palette indices for type 3)."""
    h, w, s = samples.shape
    bpp = max(1, s * depth // 8)
    raw = b''
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for n, (x0, y0, dx, dy) in enumerate(passes):
        sub = samples[y0::dy, x0::dx, :]
        if sub.size == 0:
            continue
        rows = [pack_row(sub[r].reshape(-1), depth) for r in range(sub.shape[0])]
        raw += filter_rows(rows, bpp, n)
    data = b'\x89PNG\r\n\x1a\n'
    data += chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, color_type, 0, 0,
                                       1 if interlace else 0))
    if palette is not None:
        data += chunk(b'PLTE', bytes(int(v) for v in palette.reshape(-1)))
    if trns is not None:
        data += chunk(b'tRNS', trns)
    comp = zlib.compress(raw, 9)
    # Two IDAT chunks, to exercise chunk boundaries inside the zlib stream
    half = len(comp) // 2
    data += chunk(b'IDAT', comp[:half]) + chunk(b'IDAT', comp[half:])
    data += chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)
    return data


entries = []


def record(name, expected, depth, fmt):
    """expected: C×H×W ints at `depth` bits (8 or 16)."""
    entries.append((name, expected.astype(np.int64), depth, fmt))


def scale_gray(v, depth):
    return v * (255 // ((1 << depth) - 1)) if depth < 8 else v


def pil_check(name, expected):
    im = Image.open(os.path.join(OUT, name))
    im.load()
    # RGBA applies tRNS for every mode; pick the channels the loader should produce
    arr = np.asarray(im.convert('RGBA')).transpose(2, 0, 1)
    pick = {1: [0], 2: [0, 3], 3: [0, 1, 2], 4: [0, 1, 2, 3]}[expected.shape[0]]
    assert np.array_equal(arr[pick], expected), name


def gray(depth, w=7, h=5, trns=False, interlace=False, suffix=''):
    hi = (1 << depth) - 1
    v = rng.integers(0, hi + 1, size=(h, w, 1))
    v[0, 0, 0], v[0, 1, 0] = 0, hi
    t = None
    if trns:
        key = int(v[1, 1, 0])
        t = struct.pack('>H', key)
    name = 'gray%d%s%s.png' % (depth, '-trns' if trns else '', suffix)
    write_png(os.path.join(OUT, name), v, 0, depth, trns=t, interlace=interlace)
    g = scale_gray(v[..., 0], depth)
    if trns:
        amax = 65535 if depth == 16 else 255
        a = np.where(v[..., 0] == key, 0, amax)
        exp = np.stack([g, a])
    else:
        exp = g[None]
    record(name, exp, 16 if depth == 16 else 8, 'png')
    # Pillow compares a low-bit-depth tRNS key against the already scaled value (so it never
    # matches); the PNG spec compares it at the sample's own depth, which is what we expect.
    if depth == 8 or (depth < 8 and not trns):
        pil_check(name, exp)


def direct(color_type, depth, w=7, h=5, trns=False, interlace=False, suffix=''):
    s = {2: 3, 4: 2, 6: 4}[color_type]
    hi = (1 << depth) - 1
    v = rng.integers(0, hi + 1, size=(h, w, s))
    t = None
    if trns:
        key = v[2, 3, :].copy()
        v[4, 6, :] = key
        t = b''.join(struct.pack('>H', int(k)) for k in key)
    label = {2: 'rgb', 4: 'graya', 6: 'rgba'}[color_type]
    name = '%s%d%s%s.png' % (label, depth, '-trns' if trns else '', suffix)
    write_png(os.path.join(OUT, name), v, color_type, depth, trns=t, interlace=interlace)
    exp = v.transpose(2, 0, 1)
    if trns:
        mask = np.all(v == key, axis=2)
        exp = np.concatenate([exp, np.where(mask, 0, hi)[None]])
    record(name, exp, depth, 'png')
    if depth == 8:
        pil_check(name, exp)


def palette(depth, w=7, h=5, trns=False, interlace=False, suffix=''):
    n = 1 << depth
    pal = rng.integers(0, 256, size=(n, 3))
    idx = rng.integers(0, n, size=(h, w, 1))
    t = None
    alpha = np.full(n, 255)
    if trns:
        k = max(1, n // 2 + 1)  # tRNS shorter than the palette: the rest are opaque
        alpha[:k] = rng.integers(0, 256, size=k)
        alpha[0] = 0
        t = bytes(int(a) for a in alpha[:k])
    name = 'palette%d%s%s.png' % (depth, '-trns' if trns else '', suffix)
    write_png(os.path.join(OUT, name), idx, 3, depth, palette=pal, trns=t, interlace=interlace)
    rgb = pal[idx[..., 0]].transpose(2, 0, 1)
    exp = np.concatenate([rgb, alpha[idx[..., 0]][None]]) if trns else rgb
    record(name, exp, 8, 'png')
    pil_check(name, exp)


def main():
    os.makedirs(OUT, exist_ok=True)
    for d in (1, 2, 4, 8, 16):
        gray(d)
    for d in (2, 8, 16):
        gray(d, trns=True)
    for ct in (2, 4, 6):
        for d in (8, 16):
            direct(ct, d)
    direct(2, 8, trns=True)
    direct(2, 16, trns=True)
    for d in (1, 2, 4, 8):
        palette(d)
    palette(4, trns=True)
    palette(8, trns=True)
    # Adam7: a tiny one and one large enough for all seven passes to carry pixels
    gray(1, interlace=True, suffix='-interlaced')
    gray(16, w=17, h=13, interlace=True, suffix='-interlaced')
    direct(2, 8, w=17, h=13, interlace=True, suffix='-interlaced')
    direct(6, 16, interlace=True, suffix='-interlaced')
    palette(2, w=17, h=13, trns=True, interlace=True, suffix='-interlaced')

    # JPEG: expectations are Pillow's decode
    smooth = np.clip(np.add.outer(np.arange(5) * 20, np.arange(7) * 25)[..., None]
                     + np.array([0, 40, 80]) + rng.integers(-10, 10, size=(5, 7, 3)), 0, 255)
    for name, im, kw in (
            ('jpeg-gray.jpg', Image.fromarray(smooth[..., 0].astype(np.uint8), 'L'), {}),
            ('jpeg-rgb420.jpg', Image.fromarray(smooth.astype(np.uint8), 'RGB'), {}),
            ('jpeg-rgb444.jpg', Image.fromarray(smooth.astype(np.uint8), 'RGB'),
             {'subsampling': 0}),
            ('jpeg-progressive.jpg', Image.fromarray(smooth.astype(np.uint8), 'RGB'),
             {'progressive': True})):
        im.save(os.path.join(OUT, name), quality=90, **kw)
        dec = Image.open(os.path.join(OUT, name))
        arr = np.asarray(dec)
        arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
        record(name, arr, 8, 'jpeg')
    Image.fromarray(smooth.astype(np.uint8), 'RGB').convert('CMYK').save(
        os.path.join(OUT, 'jpeg-cmyk.jpg'), quality=90)

    # Headers claiming absurd sizes, followed by a tiny valid-looking IDAT
    for name, (w, h) in (('huge-100000x100000.png', (100000, 100000)),
                         ('wide-20000x100.png', (20000, 100))):
        data = b'\x89PNG\r\n\x1a\n'
        data += chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
        data += chunk(b'IDAT', zlib.compress(b'\0' * 64)) + chunk(b'IEND', b'')
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)

    # The shared sample images: checksums of Pillow's decode (C×H×W order)
    shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared',
                          'data', 'images')
    samples = []
    for name in ('astronaut.png', 'chelsea.png', 'coffee.png'):
        a = np.asarray(Image.open(os.path.join(shared, name))).astype(np.int64)
        a = a[None] if a.ndim == 2 else a.transpose(2, 0, 1)
        flat = a.reshape(-1)
        wsum = int(np.sum(flat * (np.arange(flat.size) % 251)))
        samples.append('sample %s %d %d %d %d %d' % (name, a.shape[0], a.shape[1], a.shape[2],
                                                      int(flat.sum()), wsum))

    with open(os.path.join(OUT, 'expected.txt'), 'w') as f:
        f.write('# Generated by tools/gen-image-vectors.py; do not edit.\n')
        f.write('# image <file> <format> <channels> <height> <width> <bit depth>\n')
        f.write('# followed by one line of channels×height×width sample values (C, H, W order)\n')
        for name, exp, depth, fmt in entries:
            c, h, w = exp.shape
            f.write('image %s %s %d %d %d %d\n' % (name, fmt, c, h, w, depth))
            f.write(' '.join(str(int(v)) for v in exp.reshape(-1)) + '\n')
        f.write('# sample <file> <channels> <height> <width> <sum of values> '
                '<sum of value × (index mod 251)>\n')
        f.write('\n'.join(samples) + '\n')
    print('%d images' % len(entries))


main()
