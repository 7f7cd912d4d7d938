#!/bin/sh
# install-deps.sh — installs the Debian 12 packages that building, running and testing need.
# Installs only what is missing; needs root (or sudo) when something is missing.
set -eu

packages="meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libjson-glib-dev libgtk-4-dev libadwaita-1-dev
  libpng-dev libjpeg-dev libopenjp2-7-dev libwebp-dev zlib1g-dev
  libopenblas-dev liblapacke-dev
  libsndfile1-dev libopus-dev libsamplerate0-dev libfftw3-dev portaudio19-dev
  gettext desktop-file-utils appstream libglib2.0-bin
  xvfb xauth imagemagick dbus
  python3-numpy python3-scipy python3-pywt python3-skimage"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
