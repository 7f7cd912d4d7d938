#!/bin/sh
# run-tests.sh — installs what is missing, builds, and runs every test (GUI tests under Xvfb
# when there is no display).
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
export OPENBLAS_NUM_THREADS=1
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" meson test -C build --print-errorlogs "$@"
fi
exec meson test -C build --print-errorlogs "$@"
