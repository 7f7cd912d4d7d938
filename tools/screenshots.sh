#!/bin/sh
# tools/screenshots.sh — screenshots of the image page in each view, light and dark, under
# Xvfb at 1280×800
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tools/screenshots.sh [BUILD_DIR] [IMAGE]
#   BUILD_DIR  a GUI build (default: build); IMAGE defaults to the first bundled sample.
# Writes docs/screenshots/image-page-{split,side-by-side,difference,latent}-{light,dark}.png and
# audio-page-{light,dark}.png (the audio page is reached with Alt+Page Down, which needs
# xdotool), and reason-page-{light,dark}.png (Alt+Page Down twice, then Ctrl+Return) and
# reason-page-training-{light,dark}.png (the page opened on its Training view, the setting
# reason-view) when the reasoning models are found: in $LW_REASON_MODELS, else
# data/models/reason-*.safetensors; skipped otherwise. LW_SCREENSHOT_MODES picks some of
# "split side-by-side difference latent audio reason reason-training". LW_REASON_WAIT is the
# seconds the reasoning page waits (6). LW_SCREENSHOT_PARAMS sets wavelet-latent's parameters
# ("chroma=guided step=32"; default: its defaults) and LW_SCREENSHOT_OUT the folder (docs/screenshots).
# The page starts with wavelet-latent at its defaults and RD curves for wavelet-latent, JPEG
# and JPEG 2000 (anchor JPEG). LW_SCREENSHOT_WAIT is the seconds to wait for the curves (14).
# Needs xvfb-run and ImageMagick's `import`; xdotool, when present, parks the pointer in a
# corner so no tooltip or hover readout covers the page; dbus-run-session (package dbus) when
# present keeps "no session bus" warnings out of the log.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
image=${2:-}
exe=$build/app/latent-workbench
out=${LW_SCREENSHOT_OUT:-$src/docs/screenshots}
wait_s=${LW_SCREENSHOT_WAIT:-14}

[ -x "$exe" ] || { echo "$0: $exe not found; build with -Dgui=true first" >&2; exit 1; }
mkdir -p "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Runs inside Xvfb: start the app, give it time to load, decode and sweep, grab the screen.
cat > "$tmp/shoot.sh" <<'SHOOT'
#!/bin/sh
set -eu
if command -v xdotool > /dev/null 2>&1; then
  xdotool mousemove 1279 799 || true
fi
"$LW_EXE" $LW_IMAGE > "$LW_TMP/app-$LW_SCHEME-$LW_MODE.log" 2>&1 &
pid=$!
sleep "$LW_WAIT"
if [ "$LW_MODE" = audio ]; then
  xdotool key alt+Next
  sleep 1
fi
case "$LW_MODE" in
  reason*)
    xdotool key alt+Next
    sleep 0.5
    xdotool key alt+Next
    sleep 1
    ;;
esac
if [ "$LW_MODE" = reason ]; then
  xdotool key ctrl+Return
  sleep 2
fi
import -window root "$LW_OUT"
kill "$pid"
wait "$pid" 2>/dev/null || true
SHOOT
chmod +x "$tmp/shoot.sh"

bus=
if command -v dbus-run-session > /dev/null 2>&1; then
  bus="dbus-run-session --"
fi

# The reasoning page needs its models; without any, its screenshots are skipped.
reason_models=${LW_REASON_MODELS:-$src/data/models}
modes="split side-by-side difference latent audio"
if ls "$reason_models"/reason-cot.safetensors "$reason_models"/reason-colar.safetensors \
     > /dev/null 2>&1; then
  modes="$modes reason reason-training"
else
  echo "no reasoning models in $reason_models: skipping the reasoning page" >&2
fi
modes=${LW_SCREENSHOT_MODES:-$modes}

for scheme in light dark; do
  for mode in $modes; do
    # Settings come from a throw-away keyfile so the window fills the screen and the user's
    # own settings are neither read nor changed; recent files go to a throw-away folder too.
    rm -rf "$tmp/config" "$tmp/data"
    mkdir -p "$tmp/config/glib-2.0/settings" "$tmp/data"
    cat > "$tmp/config/glib-2.0/settings/keyfile" <<KEYFILE
[org/latentworkbench/Workbench]
window-width=1280
window-height=800
window-maximized=false
last-codec='wavelet-latent'
last-params='${LW_SCREENSHOT_PARAMS:-}'
compare-mode='$(case "$mode" in audio|reason*) echo split;; *) echo "$mode";; esac)'
rd-codecs=['wavelet-latent', 'jpeg', 'jpeg2000']
reason-view='$(if [ "$mode" = reason-training ]; then echo training; else echo run; fi)'
KEYFILE
    env XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" GSETTINGS_BACKEND=keyfile \
        ADW_DEBUG_COLOR_SCHEME="prefer-$scheme" GTK_A11Y=none NO_AT_BRIDGE=1 \
        LW_EXE="$exe" LW_IMAGE="$image" LW_TMP="$tmp" LW_SCHEME="$scheme" LW_MODE="$mode" \
        LW_WAIT="$(case "$mode" in reason*) echo "${LW_REASON_WAIT:-6}";; *) echo "$wait_s";; esac)" \
        LW_REASON_MODELS="$reason_models" \
        LW_OUT="$out/$(case "$mode" in audio) echo audio-page;; reason) echo reason-page;; reason-training) echo reason-page-training;; *) echo "image-page-$mode";; esac)-$scheme.png" \
      xvfb-run -a -s "-screen 0 1280x800x24" $bus "$tmp/shoot.sh"
    if grep -E "CRITICAL|Gtk-WARNING|Adwaita-WARNING" "$tmp/app-$scheme-$mode.log" |
        grep -v "session bus" >&2; then
      echo "$0: the app logged problems ($scheme, $mode), see above" >&2
    fi
    echo "wrote a screenshot of $mode ($scheme)"
  done
done
