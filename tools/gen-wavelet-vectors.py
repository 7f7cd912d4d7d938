#!/usr/bin/python3
# gen-wavelet-vectors.py — reference vectors for core/lw-wavelet.c, computed with PyWavelets
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: /usr/bin/python3 tools/gen-wavelet-vectors.py [--taps] [OUTDIR]
#   OUTDIR defaults to tests/vectors next to this script's parent. --taps prints pywt's filter
#   taps and the lifting constants fitted to them (the C file hard-codes those), with the
#   largest difference between lifting and pywt, and exits.
#
# Writes tests/vectors/wavelet-{haar,cdf53,cdf97}.txt. Every case is computed in float64 from
# float32 inputs (written exactly with %.9g), so the C code (float32) is compared against a
# higher-precision reference. Mode is always 'periodization'.
#
# File format (line oriented, '#' starts a comment line):
#   dwt1d N             then lines  x, lo, hi
#   dwt2d H W           then lines  x, ll, h, v, d      (pywt dwt2: cA, (cH, cV, cD))
#   wpt2d J C H W       then lines  x, y                (y: C*4^J x H/2^J x W/2^J)
#   wpt1d J C T         then lines  x, y                (y: C*2^J x T/2^J)
# A data line is "<name> <count> v0 v1 ...", row-major.
#
# The packet transform uses WaLLoC's channel order: one level maps channel c to 4c + {LL, H, V,
# D} (pytorch_wavelets DWTForward gives [yl, yh[0][:, :, 0..2]], the same bands in the same
# order as pywt's cA, cH, cV, cD), repeated J times. It is built here with repeated dwt2 and
# cross-checked against pywt.WaveletPacket2D, whose node path (e.g. 'ahd') read as base-4 digits
# a=0 h=1 v=2 d=3, most significant first, gives the same channel index.

import os
import sys

import numpy as np
import pywt

WAVELETS = [("haar", "haar"), ("cdf53", "bior2.2"), ("cdf97", "bior4.4")]
MODE = "periodization"


def fmt(a):
    a = np.asarray(a, dtype=np.float64).ravel()
    return " ".join("%.9g" % v for v in a)


def line(name, a):
    a = np.asarray(a).ravel()
    return "%s %d %s\n" % (name, a.size, fmt(a))


def rand_f32(rng, shape):
    # float32 values, so the file holds the C input exactly; the reference runs in float64
    return rng.standard_normal(shape).astype(np.float32).astype(np.float64)


def wpt2d_one_level(x, wav):
    c, h, w = x.shape
    out = np.empty((4 * c, h // 2, w // 2))
    for ch in range(c):
        ca, (ch_, cv, cd) = pywt.dwt2(x[ch], wav, mode=MODE)
        out[4 * ch + 0] = ca
        out[4 * ch + 1] = ch_
        out[4 * ch + 2] = cv
        out[4 * ch + 3] = cd
    return out


def wpt2d(x, wav, levels):
    for _ in range(levels):
        x = wpt2d_one_level(x, wav)
    return x


def wpt2d_via_packets(x, wav, levels):
    c, h, w = x.shape
    out = np.empty((c * 4 ** levels, h >> levels, w >> levels))
    digit = {"a": 0, "h": 1, "v": 2, "d": 3}
    for ch in range(c):
        wp = pywt.WaveletPacket2D(data=x[ch], wavelet=wav, mode=MODE, maxlevel=levels)
        for node in wp.get_level(levels, order="natural"):
            idx = 0
            for p in node.path:
                idx = idx * 4 + digit[p]
            out[ch * 4 ** levels + idx] = node.data
    return out


def wpt1d(x, wav, levels):
    for _ in range(levels):
        c, t = x.shape
        out = np.empty((2 * c, t // 2))
        for ch in range(c):
            lo, hi = pywt.dwt(x[ch], wav, mode=MODE)
            out[2 * ch] = lo
            out[2 * ch + 1] = hi
        x = out
    return x


def check_inverse(x, wav):
    """pywt's own round trip, so a vector file never holds a transform that pywt cannot invert"""
    if x.ndim == 1:
        lo, hi = pywt.dwt(x, wav, mode=MODE)
        y = pywt.idwt(lo, hi, wav, mode=MODE)
    else:
        y = pywt.idwt2(pywt.dwt2(x, wav, mode=MODE), wav, mode=MODE)
    assert np.allclose(x, y, atol=1e-10), "pywt round trip failed"


def lifting_forward(x, steps, k_lo, k_hi):
    """Periodic lifting on the even (E) and odd (O) samples, as core/lw-wavelet.c does it.
    A step (odd, c, off_a, off_b) adds c*(src[i+off_a] + src[i+off_b]) to O (odd) or E."""
    e = x[0::2].astype(np.float64).copy()
    o = x[1::2].astype(np.float64).copy()
    for odd, c, off_a, off_b in steps:
        src = e if odd else o
        upd = c * (np.roll(src, -off_a) + (np.roll(src, -off_b) if off_b is not None else 0.0))
        if odd:
            o = o + upd
        else:
            e = e + upd
    return k_lo * e, k_hi * o


def cdf97_steps(p):
    a, b, g, d = p[:4]
    return [(True, a, 0, 1), (False, b, -1, 0), (True, g, 0, 1), (False, d, -1, 0)]


def fit_cdf97():
    """Lifting constants of pywt's bior4.4, fitted to its taps by least squares, starting from
    the textbook CDF 9/7 factorisation (Daubechies & Sweldens); the C file hard-codes them."""
    from scipy.optimize import least_squares

    wav = pywt.Wavelet("bior4.4")
    rng = np.random.default_rng(7)
    xs = [rng.standard_normal(n) for n in (16, 20, 32)]

    def residual(p):
        r = []
        for x in xs:
            lo, hi = pywt.dwt(x, wav, mode=MODE)
            l2, h2 = lifting_forward(x, cdf97_steps(p), p[4], p[5])
            r.extend(lo - l2)
            r.extend(hi - h2)
        return np.array(r)

    k = 1.230174104914001
    p0 = [-1.586134342, -0.05298011854, 0.8829110762, 0.4435068522, np.sqrt(2) / k,
          -k / np.sqrt(2)]
    p = least_squares(residual, p0, xtol=1e-15, ftol=1e-15, gtol=1e-15).x
    return p, float(np.abs(residual(p)).max())


def print_taps():
    for ours, name in WAVELETS:
        w = pywt.Wavelet(name)
        print("%s (%s): filter length %d" % (ours, name, len(w.dec_lo)))
        for k in ("dec_lo", "dec_hi", "rec_lo", "rec_hi"):
            print("  %s = {%s}" % (k, ", ".join(repr(float(v)) for v in getattr(w, k))))
    p, res = fit_cdf97()
    print("cdf97 lifting (alpha, beta, gamma, delta, k_lo, k_hi) fitted to the bior4.4 taps:")
    for name, v in zip(("ALPHA", "BETA", "GAMMA", "DELTA", "K_LO", "K_HI"), p):
        print("  #define CDF97_%s (%r)" % (name, float(v)))
    print("  max |pywt - lifting| on random signals: %.3g" % res)
    # Haar and 5/3 have exact constants; show that they reproduce pywt too
    rng = np.random.default_rng(8)
    for name, steps, k_lo, k_hi in (
            ("haar", [(True, -1.0, 0, None), (False, 0.5, 0, None)], np.sqrt(2), -np.sqrt(0.5)),
            ("bior2.2", [(True, -0.5, 0, 1), (False, 0.25, -1, 0)], np.sqrt(2), -np.sqrt(0.5))):
        worst = 0.0
        for n in (2, 4, 6, 10, 32):
            x = rng.standard_normal(n)
            lo, hi = pywt.dwt(x, name, mode=MODE)
            l2, h2 = lifting_forward(x, steps, k_lo, k_hi)
            worst = max(worst, np.abs(lo - l2).max(), np.abs(hi - h2).max())
        print("%s lifting vs pywt: max difference %.3g" % (name, worst))


def main():
    args = sys.argv[1:]
    if "--taps" in args:
        print_taps()
        return
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = args[0] if args else os.path.join(here, "..", "tests", "vectors")
    os.makedirs(outdir, exist_ok=True)

    for seed, (ours, name) in enumerate(WAVELETS):
        wav = pywt.Wavelet(name)
        rng = np.random.default_rng(1234 + seed)
        out = []
        out.append("# wavelet-%s.txt — PyWavelets %s '%s', mode=%s; generated by "
                   "tools/gen-wavelet-vectors.py\n" % (ours, pywt.__version__, name, MODE))
        out.append("# SPDX-License-Identifier: GPL-3.0-or-later\n")

        # 1-D, one level; short lengths make the filter wrap around the signal several times
        for n in (2, 4, 8, 10, 16, 30):
            x = rand_f32(rng, n)
            check_inverse(x, wav)
            lo, hi = pywt.dwt(x, wav, mode=MODE)
            out.append("dwt1d %d\n" % n)
            out += [line("x", x), line("lo", lo), line("hi", hi)]

        # 2-D, one level, non-square so a transposed band would be caught
        for h, w in ((2, 4), (10, 6), (16, 24)):
            x = rand_f32(rng, (h, w))
            check_inverse(x, wav)
            ca, (ch_, cv, cd) = pywt.dwt2(x, wav, mode=MODE)
            out.append("dwt2d %d %d\n" % (h, w))
            out += [line("x", x), line("ll", ca), line("h", ch_), line("v", cv),
                    line("d", cd)]

        # Full packet transform, WaLLoC channel order
        x = rand_f32(rng, (2, 16, 24))
        for levels in (2, 3):
            y = wpt2d(x, wav, levels)
            y2 = wpt2d_via_packets(x, wav, levels)
            assert np.allclose(y, y2, atol=1e-12), "dwt2d recursion and WaveletPacket2D disagree"
            out.append("wpt2d %d %d %d %d\n" % ((levels,) + x.shape))
            out += [line("x", x), line("y", y)]

        x = rand_f32(rng, (2, 40))
        for levels in (2, 3):
            y = wpt1d(x, wav, levels)
            out.append("wpt1d %d %d %d\n" % ((levels,) + x.shape))
            out += [line("x", x), line("y", y)]

        path = os.path.join(outdir, "wavelet-%s.txt" % ours)
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(out)
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
