#!/bin/sh
# train-reasoner.sh — remakes data/models/reason-{cot,colar,nocot}.safetensors, the shipped
# models of the reasoning page, with the CLI's trainer (research/reasoning.md §3.3 recipes:
# AdamW, lr 1e-3 with 100 warmup steps and cosine decay to a tenth, batch 64, clip 1).
# Training problems come from the deterministic generator (core/lw-reason-data.h), with the
# held-out test set's questions skipped. 20.5 min for CoT, 39 + 14 + 10 + 26 + 19 + 17 + 25 + 36
# + 48 min for CoLaR and 10 min for no-CoT on these machines (measured with other work running,
# before SFT ran the batch's two halves on two cores at once; idle with two threads a CoT step
# now takes 0.251 s, a CoLaR step 0.185 s, 0.213 s with --mix-speeds --row-mean).
# Checkpoints (with optimiser state, for resuming with --from) go to a scratch folder;
# `reason export` keeps the models.
# Usage: tools/train-reasoner.sh [BUILDDIR] [SCRATCH]   (from the repository root)
set -eu
build=${1:-build}
scratch=${2:-$(mktemp -d)}
cli="$build/cli/latent-workbench-cli"
"$cli" reason train --stage cot --out "$scratch/cot.safetensors" --threads 1
"$cli" reason train --stage colar --from "$scratch/cot.safetensors" \
  --out "$scratch/colar5k.safetensors" --threads 1
# then 2,000 more steps (the cosine schedule recomputed for 7,000 steps): +3 to +6 points at
# every c over the 5,000-step model
"$cli" reason train --stage colar --from "$scratch/colar5k.safetensors" --steps 7000 \
  --out "$scratch/colar7k.safetensors" --threads 1
# and 2,000 more (schedule recomputed for 9,000; two threads on an idle machine, 10 min):
# another +1 to +7 points
"$cli" reason train --stage colar --from "$scratch/colar7k.safetensors" --steps 9000 \
  --out "$scratch/colar9k.safetensors" --threads 2
# and 4,000 more (schedule recomputed for 13,000; one thread, 26 min with other work
# running): +4.2 to +7.8 points, and CoLaR now beats no-CoT at every c
"$cli" reason train --stage colar --from "$scratch/colar9k.safetensors" --steps 13000 \
  --out "$scratch/colar13k.safetensors" --threads 1
# and 4,000 more (schedule recomputed for 17,000; two threads, 19 min): +3.2 to +8.4 points
"$cli" reason train --stage colar --from "$scratch/colar13k.safetensors" --steps 17000 \
  --out "$scratch/colar17k.safetensors" --threads 2
# and 4,000 more (schedule recomputed for 21,000; two threads, 17 min): +4.2 to +6.4 points at
# c = 2–5, −3.2 at c = 1
"$cli" reason train --stage colar --from "$scratch/colar17k.safetensors" --steps 21000 \
  --out "$scratch/colar21k.safetensors" --threads 2
# and 4,000 more (schedule recomputed for 25,000; two threads, 25 min with other work
# running): +3.2 to +9.8 points
"$cli" reason train --stage colar --from "$scratch/colar21k.safetensors" --steps 25000 \
  --out "$scratch/colar25k.safetensors" --threads 2
# and 6,000 more with c drawn per sequence and the latent loss averaged per sequence
# (schedule recomputed for 31,000; one thread, 36 min with other work running): +3.0 to
# +10.8 points
"$cli" reason train --stage colar --from "$scratch/colar25k.safetensors" --steps 31000 \
  --mix-speeds --row-mean --out "$scratch/colar31k.safetensors" --threads 1
# and 6,000 more the same way (schedule recomputed for 37,000; one thread, 48 min with other
# work running): +3.0 to +9.0 points; c = 2 is now 3.2 points below CoT
"$cli" reason train --stage colar --from "$scratch/colar31k.safetensors" --steps 37000 \
  --mix-speeds --row-mean --out "$scratch/colar.safetensors" --threads 1
"$cli" reason train --stage nocot --out "$scratch/nocot.safetensors" --threads 1
# the models, each with the training curve its runs recorded (tools/reason-logs/ holds the
# logs of the shipped runs, which predate curves in the checkpoints)
for stage in cot colar nocot; do
  "$cli" reason export "$scratch/$stage.safetensors" "data/models/reason-$stage.safetensors"
done
