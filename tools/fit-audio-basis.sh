#!/bin/sh
# fit-audio-basis.sh — remakes data/models/wavelet-latent-audio-pca.lwm (the shipped PCA bases of
# the wavelet-latent-audio codec) from training audio that is NOT among the clips the benchmarks
# measure on (/work/shared/data/audio/voice.wav, piano-band.flac).
#
# Training audio, fetched from Debian 12 packages into a scratch folder (never committed):
#   supercollider-common: a11wlk01.wav (Apollo 11 speech, NASA; package GPL-3+), SinedPink.aiff
#   sound-theme-freedesktop: stereo .oga effects (CC-BY-3.0 / CC-BY-SA-3.0 / GPL-2+ per file)
#   alsa-utils (installed): /usr/share/sounds/alsa/*.wav spoken words (GPL-2)
# plus deterministic synthetic audio made by the fitting program (harmonic tones, chirps,
# coloured noise). Only the fitted statistics (eigenvectors of a covariance) are shipped.
#
# Usage: tools/fit-audio-basis.sh [BUILDDIR]   (from the repository root)
set -eu
build=${1:-build}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && apt-get download supercollider-common sound-theme-freedesktop >/dev/null &&
  for f in *.deb; do dpkg -x "$f" x; done)
sc="$scratch/x/usr/share/SuperCollider/sounds"
fd="$scratch/x/usr/share/sounds/freedesktop/stereo"
"$build/tools/fit-audio-basis" data/models/wavelet-latent-audio-pca.lwm \
  "$sc/a11wlk01.wav" "$sc/SinedPink.aiff" \
  "$fd/alarm-clock-elapsed.oga" "$fd/bell.oga" "$fd/complete.oga" "$fd/message-new-instant.oga" \
  "$fd/phone-incoming-call.oga" "$fd/service-login.oga" "$fd/trash-empty.oga" \
  "$fd/camera-shutter.oga" "$fd/audio-test-signal.oga" "$fd/audio-channel-front-left.oga" \
  /usr/share/sounds/alsa/Front_Center.wav /usr/share/sounds/alsa/Rear_Left.wav \
  /usr/share/sounds/alsa/Side_Right.wav /usr/share/sounds/alsa/Noise.wav
