#!/usr/bin/python3
# gen-nn-optim-vectors.py — references for lw-nn-params: torch.optim.AdamW with
# torch.nn.utils.clip_grad_norm_ (Debian python3-torch 1.13), and xoshiro256** seeded by
# splitmix64 in plain Python integers (written from the algorithms' published descriptions).
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Output tests/vectors/nn-optim.txt, one record per line:
#   config BETA1 BETA2 EPS WD MAX_NORM STEPS
#   param NAME TRAINABLE DECAY NDIM DIMS…      (decay: weight decay applies; matrices only);
#                                              all param lines come before the first init
#   init NAME V…                               initial values
#   grad STEP NAME V…                          gradient handed in before step STEP (0-based)
#   lr STEP LR                                 learning rate of step STEP
#   norm STEP NORM                             clip_grad_norm_'s return value (norm before clip)
#   after STEP NAME V…                         values after step STEP
#   m NAME V… / v NAME V…                      AdamW exp_avg / exp_avg_sq after the last step
# and tests/vectors/nn-rng.txt:
#   next SEED V…      first 8 outputs of lw_rng_next after lw_rng_seed (SEED)
#   uniform SEED V…   first 4 lw_rng_uniform (53 bits: (x >> 11) · 2^-53)
#   normal SEED V…    first 4 lw_rng_normal (Box–Muller, one value per call, u1 = 1 − uniform)
#   below SEED N V…   first 8 lw_rng_below (N) (Lemire's multiply-and-reject, high 32 bits)
import math

import numpy as np
import torch

M64 = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        x = seed
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def below(self, n):
        m = (self.next() >> 32) * n
        low = m & 0xFFFFFFFF
        if low < n:
            threshold = ((1 << 32) - n) % n
            while low < threshold:
                m = (self.next() >> 32) * n
                low = m & 0xFFFFFFFF
        return m >> 32


rng_lines = []
for seed in (0, 1, 42, 0xFFFFFFFFFFFFFFFF):
    r = Rng(seed)
    rng_lines.append(f"next {seed} " + " ".join(str(r.next()) for _ in range(8)))
    r = Rng(seed)
    rng_lines.append(f"uniform {seed} " + " ".join(f"{r.uniform():.17g}" for _ in range(4)))
    r = Rng(seed)
    rng_lines.append(f"normal {seed} " + " ".join(f"{r.normal():.17g}" for _ in range(4)))
    for n in (1, 10, 3000000000):
        r = Rng(seed)
        rng_lines.append(f"below {seed} {n} " + " ".join(str(r.below(n)) for _ in range(8)))
with open("tests/vectors/nn-rng.txt", "w") as f:
    f.write("# gen-nn-optim-vectors.py: xoshiro256** / splitmix64 reference outputs\n")
    f.write("\n".join(rng_lines) + "\n")

# ---- AdamW + clipping ----
beta1, beta2, eps, wd, max_norm, steps = 0.9, 0.95, 1e-8, 0.1, 1.0, 6
specs = [  # name, shape, trainable
    ("w1", (4, 3), True),
    ("b1", (3,), True),
    ("conv", (2, 2, 3, 1), True),
    ("gain", (5,), True),
    ("frozen", (2, 2), False),
]
gen = np.random.default_rng(20261129)
params = {}
for name, shape, trainable in specs:
    params[name] = torch.tensor(gen.normal(0, 0.5, shape).astype(np.float32),
                                requires_grad=trainable)
trainable = [params[n] for n, _, t in specs if t]
decay = [params[n] for n, s, t in specs if t and len(s) >= 2]
no_decay = [params[n] for n, s, t in specs if t and len(s) < 2]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": wd},
                         {"params": no_decay, "weight_decay": 0.0}],
                        lr=1e-3, betas=(beta1, beta2), eps=eps)


def lr_at(step, warmup=2, total=6, lr_max=1e-2, lr_min=1e-3):
    if step < warmup:
        return lr_max * (step + 1) / warmup
    if step >= total:
        return lr_min
    ratio = (step - warmup) / (total - warmup)
    return lr_min + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr_max - lr_min)


def fmt(t):
    return " ".join(f"{float(v):.9g}" for v in t.detach().reshape(-1).numpy())


lines = [f"config {beta1!r} {beta2!r} {eps!r} {wd!r} {max_norm!r} {steps}"]
for name, shape, t in specs:
    lines.append(f"param {name} {int(t)} {int(t and len(shape) >= 2)} {len(shape)} "
                 + " ".join(str(d) for d in shape))
for name, shape, t in specs:
    lines.append(f"init {name} " + fmt(params[name]))
# gradient scales: some steps clip (norm > 1), some do not
scales = [0.05, 2.0, 0.1, 5.0, 0.02, 1.0]
for step in range(steps):
    for name, shape, t in specs:
        g = torch.tensor(gen.normal(0, scales[step], shape).astype(np.float32))
        lines.append(f"grad {step} {name} " + fmt(g))
        if t:
            params[name].grad = g.clone()
    norm = torch.nn.utils.clip_grad_norm_(trainable, max_norm)
    lr = lr_at(step)
    for group in opt.param_groups:
        group["lr"] = lr
    opt.step()
    lines.append(f"lr {step} {lr!r}")
    lines.append(f"norm {step} {float(norm):.9g}")
    for name, _, _ in specs:
        lines.append(f"after {step} {name} " + fmt(params[name]))
for name, _, t in specs:
    if t:
        st = opt.state[params[name]]
        lines.append(f"m {name} " + fmt(st["exp_avg"]))
        lines.append(f"v {name} " + fmt(st["exp_avg_sq"]))
with open("tests/vectors/nn-optim.txt", "w") as f:
    f.write("# gen-nn-optim-vectors.py: torch.optim.AdamW + clip_grad_norm_ (torch "
            + torch.__version__ + ")\n")
    f.write("\n".join(lines) + "\n")
