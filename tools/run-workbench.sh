#!/bin/sh
# run-workbench.sh — installs what is missing, builds, and starts the workbench on the samples.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
exec build/app/latent-workbench "$@"
