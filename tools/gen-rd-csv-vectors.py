#!/usr/bin/python3
# gen-rd-csv-vectors.py — reference CSV for tests/test-rd-csv.c, written by Python's csv module
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Python's csv.writer (QUOTE_MINIMAL) decides the quoting of the text fields independently of
# our C writer, and repr() gives the shortest decimal that reads back as the same double. The
# test parses this file, rebuilds the curves, writes them with lw_rd_curves_to_csv() and
# checks the text fields byte for byte and every number bit for bit.
# Usage: /usr/bin/python3 tools/gen-rd-csv-vectors.py > tests/vectors/rd-csv.csv
import csv
import sys

HEADER = ["codec", "label", "param", "bytes", "bpp", "psnr", "psnr_y", "ssim", "ms_ssim",
          "dim_reduction", "encode_ms", "decode_ms"]

# Doubles whose %.6g or naive printing would lose bits, and the extremes
TRICKY = [0.1, 1 / 3, 2 / 3 * 1e-5, 5e-324, 1.7976931348623157e308, 123456789.125,
          30.000000000000004, 1e-300, 0.5, 2.0 ** -30, 44.123456789012345, 1e22]

# (codec, label, n points): labels with commas, quotes, a line break, a leading space,
# non-ASCII text and an empty label. Python does not quote a lone CR with lineterminator
# "\n" (its reader would then split the row), so CR is tested in the C test only.
CURVES = [
    ("jpeg", "plain.png", 3),
    ("wavelet-latent", "a,b.png", 2),
    ("webp", 'say "hi".png', 2),
    ("jpeg2000", "line\nbreak", 1),
    ("jpeg", " lead space", 1),
    ("jpeg", "ünïcode — dash", 1),
    ("x,\"y\"", "", 1),
]


def main():
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HEADER)
    t = 0
    for codec, label, n in CURVES:
        for k in range(n):
            v = [TRICKY[(t + j) % len(TRICKY)] for j in range(9)]
            nbytes = [0, 1, 2 ** 53 + 1, 123456789012][t % 4]
            bpp = 0.05 * (k + 1) + v[0] * 1e-3  # ascending within a curve
            psnr = float("inf") if t == 4 else v[1]
            ms_ssim = float("nan") if t == 5 else v[4]
            w.writerow([codec, label, repr(-0.0 if t == 6 else v[8]), str(nbytes), repr(bpp),
                        repr(psnr), repr(v[2]), repr(v[3]), repr(ms_ssim), repr(v[5]),
                        repr(v[6]), repr(v[7])])
            t += 1


if __name__ == "__main__":
    main()
