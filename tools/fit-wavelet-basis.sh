#!/bin/sh
# fit-wavelet-basis.sh — remakes data/models/wavelet-latent-pca.lwm from the training images.
# Training images: CC0 / public-domain photos shipped by Debian's python3-skimage, none of them
# among the samples the benchmarks measure on (astronaut, chelsea, coffee).
set -eu
build=${1:-build}
d=/usr/lib/python3/dist-packages/skimage/data
"$build/tools/fit-wavelet-basis" data/models/wavelet-latent-pca.lwm \
  "$d/rocket.jpg" "$d/hubble_deep_field.jpg" "$d/retina.jpg" "$d/ihc.png" "$d/camera.png" \
  "$d/brick.png" "$d/grass.png" "$d/gravel.png"
