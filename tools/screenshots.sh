#!/bin/sh
# tools/screenshots.sh — screenshots of the main window, light and dark, under Xvfb at 1280×800
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tools/screenshots.sh [BUILD_DIR] [IMAGE]
#   BUILD_DIR  a GUI build (default: build); IMAGE defaults to the first bundled sample.
# Writes docs/screenshots/minimal-window-light.png and minimal-window-dark.png.
# LW_SCREENSHOT_CODEC / LW_SCREENSHOT_RATE choose the codec and rate value (default:
# wavelet-latent, step 48); LW_SCREENSHOT_WAIT the seconds to wait for the result (5).
# Needs xvfb-run and ImageMagick's `import`; dbus-run-session (package dbus) when present gives
# the app a session bus and keeps "no session bus" warnings out of its log.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
image=${2:-}
exe=$build/app/latent-workbench
out=$src/docs/screenshots
wait_s=${LW_SCREENSHOT_WAIT:-5}

[ -x "$exe" ] || { echo "$0: $exe not found; build with -Dgui=true first" >&2; exit 1; }
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Settings come from a throw-away keyfile so the window fills the screen and the user's own
# settings are neither read nor changed.
mkdir -p "$tmp/config/glib-2.0/settings"
cat > "$tmp/config/glib-2.0/settings/keyfile" <<KEYFILE
[org/latentworkbench/Workbench]
window-width=1280
window-height=800
window-maximized=false
last-codec='${LW_SCREENSHOT_CODEC:-wavelet-latent}'
last-rate=${LW_SCREENSHOT_RATE:-48}
KEYFILE

# Runs inside Xvfb: start the app, give it time to load and decode, grab the screen.
cat > "$tmp/shoot.sh" <<'SHOOT'
#!/bin/sh
set -eu
"$LW_EXE" $LW_IMAGE > "$LW_TMP/app-$LW_SCHEME.log" 2>&1 &
pid=$!
sleep "$LW_WAIT"
import -window root "$LW_OUT"
kill "$pid"
wait "$pid" 2>/dev/null || true
SHOOT
chmod +x "$tmp/shoot.sh"

bus=
if command -v dbus-run-session > /dev/null 2>&1; then
  bus="dbus-run-session --"
fi

for scheme in light dark; do
  env XDG_CONFIG_HOME="$tmp/config" GSETTINGS_BACKEND=keyfile \
      ADW_DEBUG_COLOR_SCHEME="prefer-$scheme" GTK_A11Y=none NO_AT_BRIDGE=1 \
      LW_EXE="$exe" LW_IMAGE="$image" LW_TMP="$tmp" LW_SCHEME="$scheme" LW_WAIT="$wait_s" \
      LW_OUT="$out/minimal-window-$scheme.png" \
    xvfb-run -a -s "-screen 0 1280x800x24" $bus "$tmp/shoot.sh"
  if grep -E "CRITICAL|Gtk-WARNING|Adwaita-WARNING" "$tmp/app-$scheme.log" | grep -v "session bus" >&2; then
    echo "$0: the app logged problems ($scheme), see above" >&2
  fi
  echo "wrote $out/minimal-window-$scheme.png"
done
