#!/usr/bin/python3
# gen-abx-vectors.py — reference p-values for the blind ABX test (core/lw-abx.c), computed with
# scipy.stats.binomtest, an implementation independent of ours.
# SPDX-License-Identifier: GPL-3.0-or-later
# Output: tests/vectors/abx-binomial.txt, one case per line:
#   N K P      P = P(K' ≥ K) for K' ~ Binomial(N, 1/2), the one-sided p-value
# Run: /usr/bin/python3 tools/gen-abx-vectors.py > tests/vectors/abx-binomial.txt
import sys
from scipy.stats import binomtest

ns = (1, 2, 3, 5, 8, 10, 16, 20, 25, 50, 100, 101, 333, 1000, 4096, 10000)
print("# N K P — one-sided binomial p-value, scipy.stats.binomtest(K, N, 0.5, 'greater')")
for n in ns:
    ks = set(range(0, n + 1)) if n <= 25 else set()
    # around the mean, the 5 % / 1 % region, far tail and the ends
    for f in (0.0, 0.25, 0.45, 0.5, 0.52, 0.55, 0.6, 0.75, 0.9, 1.0):
        ks.add(int(round(f * n)))
    for d in (-1, 0, 1, 2, 3, 5):
        ks.add(min(max(n // 2 + d, 0), n))
    for k in sorted(ks):
        p = binomtest(k, n, 0.5, alternative="greater").pvalue
        print(f"{n} {k} {p:.17g}")
