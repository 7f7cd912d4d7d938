#!/bin/bash
# test-cli.sh — end-to-end tests of latent-workbench-cli (TAP on stdout)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.sh PATH/TO/latent-workbench-cli
# Environment: LW_SHARED_DATADIR (sample images), optional LW_DATADIR.
# Checks the command forms and exit-status contract that scripts and later tools rely on:
# 0 success, 1 bad input (message names the file), 2 usage error (unknown codec/parameter
# included), and that no output file is written or replaced when a command fails.
set -eu

CLI=${1:?usage: test-cli.sh PATH/TO/latent-workbench-cli}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/lw-test-cli.XXXXXX")
RESULTS="$T/results.tap"
: >"$RESULTS"
N=0
FAILED=0

finish () {
  local rc=$?
  echo "1..$N"
  cat "$RESULTS"
  rm -rf "$T"
  if [ "$FAILED" -ne 0 ] || [ "$rc" -ne 0 ]; then
    exit 1
  fi
  exit 0
}
trap finish EXIT

# check NAME COMMAND… — one TAP line; on failure the captured stderr goes out as comments
check () {
  local name=$1
  shift
  N=$((N + 1))
  if "$@" >"$T/check.log" 2>&1; then
    echo "ok $N - $name" >>"$RESULTS"
  else
    FAILED=$((FAILED + 1))
    echo "not ok $N - $name" >>"$RESULTS"
    { tail -n 6 "$T/check.log"; head -n 4 "$T/err"; } 2>/dev/null | sed 's/^/# /' >>"$RESULTS" || true
  fi
}

# run ARGS… — runs the CLI; leaves stdout in $T/out, stderr in $T/err, status in $RC
run () {
  RC=0
  "$CLI" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

rc_is () { [ "$RC" -eq "$1" ]; }
err_has () { grep -qF -- "$1" "$T/err"; }
same_file () { cmp -s "$1" "$2"; }

png_size () {
  "$PY" -c 'import struct,sys
d=open(sys.argv[1],"rb").read(24)
assert d[:8]==b"\x89PNG\r\n\x1a\n", "not a PNG"
w,h=struct.unpack(">II",d[16:24]); print("%dx%d"%(w,h))' "$1"
}

# A natural image keeps RD curves realistic: the shared reference copy, else the bundled sample
# (the same picture); a generated one stands in when neither is there.
IMG="${LW_SHARED_DATADIR:-/nonexistent}/images/chelsea.png"
[ -f "$IMG" ] || IMG="${LW_DATADIR:-/nonexistent}/samples/chelsea.png"
if [ -f "$IMG" ]; then
  W=451 H=300
else
  IMG="$T/generated.png"
  W=160 H=120
  "$PY" - "$IMG" "$W" "$H" <<'EOF'
import math, struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = b""
for y in range(h):
    row = bytearray([0])
    for x in range(w):
        v = 0.5 + 0.25 * math.sin(x / 7.0) * math.cos(y / 5.0) + 0.2 * ((x * 7 + y * 13) % 17) / 17
        row += bytes([int(255 * min(max(v, 0), 1)), (x * 255) // w, (y * 255) // h])
    rows += bytes(row)
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
EOF
fi

# ---- help and usage --------------------------------------------------------------------
run --help
check "--help exits 0 and lists the commands" eval 'rc_is 0 && grep -q "encode" "$T/out" && grep -q "Exit status" "$T/out"'
for cmd in codecs encode decode info rd; do
  run "$cmd" --help
  check "$cmd --help exits 0" eval 'rc_is 0 && grep -q "Usage" "$T/out"'
done
run
check "no command is a usage error (2)" eval 'rc_is 2 && err_has "Usage"'
run frobnicate
check "unknown command is a usage error (2)" eval 'rc_is 2 && err_has "frobnicate"'
run encode --no-such-option "$IMG" "$T/x.lwc"
check "unknown option is a usage error (2)" eval 'rc_is 2 && err_has "no-such-option"'
run encode --codec jpeg "$IMG"
check "encode with a missing argument is a usage error (2)" rc_is 2

# ---- codecs ----------------------------------------------------------------------------
run codecs
check "codecs prints a table" eval 'rc_is 0 && grep -q "wavelet-latent" "$T/out"'
run codecs --json
cp "$T/out" "$T/codecs.json"
check "codecs --json lists the four image codecs with valid parameter descriptions" \
  "$PY" - "$T/codecs.json" <<'EOF'
import json, sys
codecs = json.load(open(sys.argv[1]))
names = [c["name"] for c in codecs]
for want in ("wavelet-latent", "jpeg", "jpeg2000", "webp"):
    assert want in names, "%s missing from %s" % (want, names)
for c in codecs:
    assert c["kind"] in ("image", "audio"), c
    assert c["params"], "%s has no params" % c["name"]
    assert any(p["name"] == c["sweep_param"] for p in c["params"]), c["name"]
    for p in c["params"]:
        for key in ("name", "type", "min", "max", "default", "rate", "help"):
            assert key in p, "%s.%s lacks %s" % (c["name"], p.get("name"), key)
        assert p["type"] in ("int", "double", "enum", "bool"), p
        assert p["min"] <= p["default"] <= p["max"], p
        assert isinstance(p["rate"], bool), p
        if p["type"] == "enum":
            assert len(p["choices"]) == p["max"] + 1, p
EOF

# ---- encode → info → decode, every image codec ------------------------------------------
CODECS="wavelet-latent jpeg jpeg2000 webp"
for codec in $CODECS; do
  # A non-default value of the rate parameter, to see it recorded in the container
  set -- $("$PY" - "$T/codecs.json" "$codec" <<'EOF'
import json, sys
c = [c for c in json.load(open(sys.argv[1])) if c["name"] == sys.argv[2]][0]
p = [p for p in c["params"] if p["name"] == c["sweep_param"]][0]
v = p["min"] + 0.37 * (p["max"] - p["min"])
if p["type"] != "double":
    v = round(v)
print(p["name"], repr(float(v)))
EOF
)
  pname=$1 pvalue=$2
  run encode --codec "$codec" --param "$pname=$pvalue" "$IMG" "$T/$codec.lwc"
  check "$codec: encode exits 0 and writes the file" eval 'rc_is 0 && [ -s "$T/$codec.lwc" ] && grep -q "bpp" "$T/out"'

  run info "$T/$codec.lwc"
  check "$codec: info prints codec, shape and chunks" \
    eval 'rc_is 0 && grep -q "$codec" "$T/out" && grep -q "3×$H×$W" "$T/out" && grep -q "crc ok" "$T/out"'

  run info --json "$T/$codec.lwc"
  cp "$T/out" "$T/$codec-info.json"
  check "$codec: info --json has version, codec, shape, params, chunks, size, bpp" \
    "$PY" - "$T/$codec-info.json" "$codec" "$H" "$W" "$pname" "$pvalue" "$(stat -c %s "$T/$codec.lwc" 2>/dev/null || echo 0)" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))
codec, h, w, pname, pvalue, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]), int(sys.argv[7])
assert info["codec"] == codec, info["codec"]
assert info["kind"] == "image"
assert info["version"] >= 1
assert isinstance(info["codec_id"], int)
assert info["shape"] == [3, h, w], info["shape"]
assert info["size"] == size, (info["size"], size)
assert abs(info["bpp"] - size * 8.0 / (w * h)) < 1e-9, info["bpp"]
params = {p["name"]: p for p in info["params"]}
assert pname in params, params.keys()
assert abs(params[pname]["value"] - pvalue) < 1e-9, (params[pname], pvalue)
assert info["chunks"] and all(c["crc_ok"] and len(c["tag"]) == 4 and c["size"] >= 0 for c in info["chunks"])
EOF

  run decode --reference "$IMG" "$T/$codec.lwc" "$T/$codec.png"
  check "$codec: decode writes a ${W}x${H} PNG and reports PSNR" \
    eval 'rc_is 0 && [ "$(png_size "$T/$codec.png")" = "${W}x${H}" ] && grep -q "PSNR" "$T/out"'
done

run decode "$T/jpeg.lwc" "$T/jpeg-again.png"
check "decoding is deterministic (same PNG twice)" eval 'rc_is 0 && same_file "$T/jpeg.png" "$T/jpeg-again.png"'

# ---- rd ---------------------------------------------------------------------------------
run rd --codec jpeg --codec webp --codec jpeg2000 --codec wavelet-latent --points 6 \
  --csv "$T/rd.csv" --json "$IMG"
cp "$T/out" "$T/rd.json"
check "rd --json: monotone curves for all four codecs (bpp up, PSNR not down) and BD-rates" \
  "$PY" - "$T/rd.json" <<'EOF'
import json, math, sys
rd = json.load(open(sys.argv[1]))
curves = rd["curves"]
assert sorted(c["codec"] for c in curves) == ["jpeg", "jpeg2000", "wavelet-latent", "webp"], \
    [c["codec"] for c in curves]
for c in curves:
    pts = c["points"]
    assert len(pts) >= 4, (c["codec"], len(pts))
    for a, b in zip(pts, pts[1:]):
        assert b["bpp"] > a["bpp"], (c["codec"], a, b)
        assert b["psnr"] >= a["psnr"] - 1e-9, (c["codec"], a, b)
    assert all(p["psnr"] > 12 and 0 < p["ssim"] <= 1 for p in pts), c
bd = [d for d in rd["bd"] if d["codec"] == "webp"]
assert bd and all(d["anchor"] == "jpeg" for d in bd), rd["bd"]
assert any(isinstance(d["bd_rate"], float) and math.isfinite(d["bd_rate"]) for d in bd), bd
EOF
check "rd --csv: header and one row per (codec, image, point)" \
  "$PY" - "$T/rd.csv" "$T/rd.json" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rd = json.load(open(sys.argv[2]))
assert len(rows) == sum(len(c["points"]) for c in rd["curves"]), len(rows)
for key in ("codec", "image", "param", "bytes", "bpp", "psnr", "psnr_y", "ssim", "ms_ssim", "encode_ms", "decode_ms"):
    assert key in rows[0], key
assert {r["codec"] for r in rows} == {"jpeg", "webp", "jpeg2000", "wavelet-latent"}
float(rows[0]["bpp"]); float(rows[0]["psnr"])
EOF
run rd --codec jpeg --codec webp --points 4 "$IMG"
check "rd text output has tables and a BD-rate line" eval 'rc_is 0 && grep -q "BD-rate" "$T/out" && grep -q "PSNR" "$T/out"'

# ---- bad input and usage errors --------------------------------------------------------
run encode --codec no-such-codec "$IMG" "$T/u.lwc"
check "unknown codec is a usage error (2) naming the codec" eval 'rc_is 2 && err_has "no-such-codec" && [ ! -e "$T/u.lwc" ]'
run encode --codec jpeg --param quality=100000 "$IMG" "$T/u.lwc"
check "out-of-range parameter is a usage error (2)" eval 'rc_is 2 && err_has "quality" && [ ! -e "$T/u.lwc" ]'
run encode --codec jpeg --param no_such_param=1 "$IMG" "$T/u.lwc"
check "unknown parameter is a usage error (2)" eval 'rc_is 2 && err_has "no_such_param"'
run encode --codec jpeg --param quality "$IMG" "$T/u.lwc"
check "parameter without =VALUE is a usage error (2)" rc_is 2
run rd --codec jpeg --points 2 "$IMG"
check "rd --points below 4 is a usage error (2)" rc_is 2

# NAME:KEY=VALUE fixes other parameters: 12 latents cost fewer bits than 192 at every step
run rd --codec wavelet-latent:latents=12 --codec wavelet-latent:latents=192 --points 4 --json "$IMG"
check "rd NAME:KEY=VALUE sweeps with the given base parameters" \
  eval 'rc_is 0 && /usr/bin/python3 - "$T/out" <<"PY"
import json, sys
rd = json.load(open(sys.argv[1]))
c = [x for x in rd["mean_curves"]]
assert [x["codec"] for x in c] == ["wavelet-latent:latents=12", "wavelet-latent:latents=192"], c
a, b = c[0]["points"], c[1]["points"]
assert all(p["bpp"] < q["bpp"] for p, q in zip(a, b)), (a, b)
assert all(abs(p["dim_reduction"] - 16) < 0.5 for p in a), a
PY'
run rd --codec wavelet-latent:latents=999 "$IMG"
check "rd NAME:KEY=VALUE out of range is a usage error (2)" eval 'rc_is 2 && err_has "latents"'

run encode --codec jpeg "$T/missing.png" "$T/u.lwc"
check "missing input: exit 1, stderr names the path" eval 'rc_is 1 && err_has "$T/missing.png" && [ ! -e "$T/u.lwc" ]'
run decode "$T/missing.lwc" "$T/u.png"
check "decode of a missing .lwc: exit 1 naming it" eval 'rc_is 1 && err_has "missing.lwc"'
run info "$T/missing.lwc"
check "info of a missing .lwc: exit 1 naming it" eval 'rc_is 1 && err_has "missing.lwc"'

echo "this is plain text, not an image" >"$T/notes.txt"
run encode --codec webp "$T/notes.txt" "$T/u.lwc"
check "non-image input: exit 1 naming the file" eval 'rc_is 1 && err_has "notes.txt" && [ ! -e "$T/u.lwc" ]'
: >"$T/empty.png"
run encode --codec webp "$T/empty.png" "$T/u.lwc"
check "empty input: exit 1 naming the file" eval 'rc_is 1 && err_has "empty.png"'

# 20000×100 gray PNG: the loader must refuse it from the header, before allocating
"$PY" - "$T/wide.png" <<'EOF'
import struct, sys, zlib
w, h = 20000, 100
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"\0" * ((w + 1) * h), 9)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOF
run encode --codec jpeg "$T/wide.png" "$T/u.lwc"
check "oversized image: exit 1, names the file and the 16384 limit" eval 'rc_is 1 && err_has "wide.png" && err_has "16384"'

size=$(stat -c %s "$T/jpeg.lwc")
head -c $((size / 2)) "$T/jpeg.lwc" >"$T/truncated.lwc"
run decode "$T/truncated.lwc" "$T/u.png"
check "truncated .lwc: decode exits 1 with a message naming the file" \
  eval 'rc_is 1 && err_has "truncated.lwc" && [ "$(wc -l <"$T/err")" -ge 1 ] && [ ! -e "$T/u.png" ]'
run info "$T/truncated.lwc"
check "truncated .lwc: info exits 1" eval 'rc_is 1 && err_has "truncated.lwc"'
"$PY" -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-3] ^= 0x5a
open(sys.argv[2], "wb").write(d)' "$T/jpeg.lwc" "$T/corrupt.lwc"
run decode "$T/corrupt.lwc" "$T/u.png"
check "corrupted .lwc (flipped bits): decode exits 1" eval 'rc_is 1 && err_has "corrupt.lwc" && [ ! -e "$T/u.png" ]'
run decode "$IMG" "$T/u.png"
check "decoding a PNG as .lwc: exit 1" eval 'rc_is 1 && [ ! -e "$T/u.png" ]'

# --decoder FILE (learned decoder models): bad files are bad input (1), before any work
run encode --codec wavelet-latent --decoder "$T/missing.safetensors" "$IMG" "$T/u.lwc"
check "encode --decoder with a missing model: exit 1 naming it" \
  eval 'rc_is 1 && err_has "missing.safetensors" && [ ! -e "$T/u.lwc" ]'
run decode --decoder "$T/notes.txt" "$T/jpeg.lwc" "$T/u.png"
check "decode --decoder with a non-model file: exit 1 naming it" \
  eval 'rc_is 1 && err_has "notes.txt" && [ ! -e "$T/u.png" ]'
run rd --codec jpeg --decoder "$T/missing.safetensors" "$IMG"
check "rd --decoder with a missing model: exit 1" eval 'rc_is 1 && err_has "missing.safetensors"'
run run --decoder "$T/missing.safetensors" "$T/missing.json"
check "run --decoder with a missing model: exit 1" eval 'rc_is 1 && err_has "missing.safetensors"'
run encode --codec wavelet-latent -p levels=1 -p latents=7 -p decoder=learned "$IMG" "$T/u.lwc"
check "decoder=learned without a decoder for the configuration: exit 1 naming it" \
  eval 'rc_is 1 && err_has "7 latents" && [ ! -e "$T/u.lwc" ]'
# a small random model (J=1, N=6, width 4, one block, no GroupNorm) written here
"$PY" - "$T/dec.safetensors" <<'EOF'
import json, struct, sys
import numpy as np
rng = np.random.default_rng(1)
shapes = [("conv_in.weight", [4, 7, 3, 3]), ("conv_in.bias", [4]),
          ("blocks.0.conv1.weight", [4, 4, 3, 3]), ("blocks.0.conv1.bias", [4]),
          ("blocks.0.conv2.weight", [4, 4, 3, 3]), ("blocks.0.conv2.bias", [4]),
          ("conv_out.weight", [12, 4, 1, 1]), ("conv_out.bias", [12])]
meta = {"lw.kind": "wavelet-latent-decoder", "lw.channels": "3", "lw.levels": "1",
        "lw.latents": "6", "lw.wavelet": "cdf97", "lw.width": "4", "lw.blocks": "1",
        "lw.groups": "0", "lw.input_scale": "0.015625", "lw.step_scale": "0.25"}
header, data = {"__metadata__": meta}, b""
for name, shape in shapes:
    t = (0.1 * rng.standard_normal(shape)).astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": shape,
                    "data_offsets": [len(data), len(data) + len(t)]}
    data += t
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + data)
EOF
run encode --codec wavelet-latent -p levels=1 -p latents=6 -p decoder=learned \
  --decoder "$T/dec.safetensors" "$IMG" "$T/learned.lwc"
check "encode --decoder FILE with decoder=learned" eval 'rc_is 0 && [ -s "$T/learned.lwc" ]'
run decode "$T/learned.lwc" "$T/u.png"
check "decoding a learned-decoder file without its model: exit 1 naming --decoder" \
  eval 'rc_is 1 && err_has "--decoder" && [ ! -e "$T/u.png" ]'
run decode --decoder "$T/dec.safetensors" "$T/learned.lwc" "$T/learned.png"
check "decode --decoder FILE" eval 'rc_is 0 && [ "$(png_size "$T/learned.png")" = "451x300" ]'

# chroma=guided: recorded in the file, shown by info, a better decode than chroma=off
run encode --codec wavelet-latent -p chroma=guided "$IMG" "$T/guided.lwc"
check "encode -p chroma=guided" eval 'rc_is 0 && [ -s "$T/guided.lwc" ]'
run info "$T/guided.lwc"
check "info shows chroma guided" eval 'rc_is 0 && grep -q "chroma *guided" "$T/out"'
run decode --reference "$IMG" "$T/guided.lwc" "$T/guided.png"
PSNR_GUIDED=$(grep -o 'PSNR [0-9.]*' "$T/out" | head -n 1 | cut -d' ' -f2)
run encode --codec wavelet-latent -p chroma=off "$IMG" "$T/plain.lwc"
run decode --reference "$IMG" "$T/plain.lwc" "$T/plain.png"
PSNR_PLAIN=$(grep -o 'PSNR [0-9.]*' "$T/out" | head -n 1 | cut -d' ' -f2)
check "chroma=guided decodes better than chroma=off ($PSNR_GUIDED against $PSNR_PLAIN dB)" \
  "$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) + 0.05 else 1)' \
  "${PSNR_GUIDED:-0}" "${PSNR_PLAIN:-0}"
run encode --codec wavelet-latent -p chroma=sharp "$IMG" "$T/bad.lwc"
check "chroma=sharp: exit 2 naming the choices" \
  eval 'rc_is 2 && err_has "off, guided" && [ ! -e "$T/bad.lwc" ]'

# train decoder: a two-step run with a margin records it; bad margins are refused
run train decoder --images "$IMG" --out "$T/tm.safetensors" --steps 2 --batch 2 --crop 32 \
    --margin 16 --width 8 --blocks 1 --latents 12 --threads 1
check "train decoder --margin 16: trains and records the margin" \
  eval 'rc_is 0 && grep -q "lw.train.margin\":\"16" "$T/tm.safetensors"'
run train decoder --images "$IMG" --out "$T/tm2.safetensors" --steps 2 --crop 32 --margin 12
check "train decoder --margin 12 (not a multiple of 8): exit 2 naming it, nothing written" \
  eval 'rc_is 2 && err_has "margin 12" && [ ! -e "$T/tm2.safetensors" ]'
run train decoder --images "$IMG" --out "$T/tm2.safetensors" --steps 2 --crop 32 --margin -8
check "train decoder --margin -8: usage error (2)" eval 'rc_is 2 && err_has "--margin"'

# Failing commands must leave existing outputs exactly as they were
echo "precious" >"$T/keep.lwc"
cp "$T/keep.lwc" "$T/keep.orig"
run encode --codec jpeg "$T/notes.txt" "$T/keep.lwc"
check "failed encode (bad input) leaves the existing output untouched" eval 'rc_is 1 && same_file "$T/keep.lwc" "$T/keep.orig"'
run encode --codec jpeg --param quality=-5 "$IMG" "$T/keep.lwc"
check "failed encode (bad parameter) leaves the existing output untouched" eval 'rc_is 2 && same_file "$T/keep.lwc" "$T/keep.orig"'
cp "$T/jpeg.png" "$T/keep.png"
run decode "$T/truncated.lwc" "$T/keep.png"
check "failed decode leaves the existing PNG untouched" eval 'rc_is 1 && same_file "$T/keep.png" "$T/jpeg.png"'
echo "codec,image" >"$T/keep.csv"
cp "$T/keep.csv" "$T/keep-csv.orig"
run rd --codec jpeg --csv "$T/keep.csv" "$T/notes.txt"
check "failed rd leaves the existing CSV untouched" eval 'rc_is 1 && same_file "$T/keep.csv" "$T/keep-csv.orig"'
run encode --codec jpeg "$IMG" "$T/no-such-dir/out.lwc"
check "unwritable output: exit 1 naming it" eval 'rc_is 1 && err_has "no-such-dir"'

# ---- run: replaying experiment files ----------------------------------------------------
# Exit status: 0 reproduced (or nothing recorded), 1 broken experiment or image, 3 differs.
run run --help
check "run --help exits 0 and documents exit 3" eval 'rc_is 0 && grep -q "Usage" "$T/out" && grep -q "Exit 3" "$T/out"'
run --help
check "--help lists run and exit status 3" eval 'grep -q "run \[--json\]" "$T/out" && grep -q "  3  run" "$T/out"'

# The committed experiment refers to data/samples/astronaut.png by a relative path and records
# the results of jpeg at quality 60, 4:4:4
VEC="$(dirname "$0")/vectors/projects/astronaut-jpeg.json"
run run "$VEC"
check "run: committed experiment (relative image path) reproduces (exit 0)" \
  eval 'rc_is 0 && grep -q "^reproduced: yes" "$T/out" && grep -q "PSNR" "$T/out" && grep -q "37394 bytes" "$T/out"'

# An experiment written here, beside a copy of the image: run it, record what it printed,
# and replay
mkdir -p "$T/proj"
cp "$IMG" "$T/proj/photo.png"
cat >"$T/proj/exp.json" <<'JSON'
{"format": "latent-workbench-experiment", "version": 1, "kind": "image", "image": "photo.png",
 "codec": {"name": "webp", "params": {"quality": 40}},
 "view": {"compare_mode": "difference", "zoom": 0, "split": 0.25, "difference_gain": 4},
 "rd": {"codecs": ["webp", "jpeg"], "anchor": "jpeg", "metric": "ssim", "log_rate": true}}
JSON
run run --json --out-lwc "$T/proj/out.lwc" --out-png "$T/proj/out.png" "$T/proj/exp.json"
cp "$T/out" "$T/run1.json"
check "run --json: no recorded results → reproduced null, outputs written (exit 0)" \
  eval 'rc_is 0 && [ -s "$T/proj/out.lwc" ] && [ "$(png_size "$T/proj/out.png")" = "${W}x${H}" ] && "$PY" - "$T/run1.json" "$T/proj/out.lwc" <<"PY"
import json, os, sys
r = json.load(open(sys.argv[1]))
assert r["reproduced"] is None and r["differences"] == [], r
assert r["codec"] == "webp" and r["params"]["quality"] == "40", r
assert r["bytes"] == os.path.getsize(sys.argv[2]), r
for k in ("bpp", "ratio", "dim_reduction", "psnr", "psnr_y", "ssim", "ms_ssim", "analyse_ms", "encode_ms", "decode_ms"):
    assert isinstance(r[k], float), k
PY'
run decode "$T/proj/out.lwc" "$T/proj/again.png"
check "run --out-lwc decodes to the --out-png image" eval 'rc_is 0 && same_file "$T/proj/out.png" "$T/proj/again.png"'

"$PY" - "$T/proj/exp.json" "$T/run1.json" "$T/proj/recorded.json" "$T/proj/tampered.json" <<'PY'
import json, sys
exp, run = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
exp["results"] = {k: run[k] for k in ("bytes", "bpp", "ratio", "dim_reduction", "psnr", "psnr_y", "ssim", "ms_ssim")}
json.dump(exp, open(sys.argv[3], "w"), indent=2)
exp["results"]["psnr"] += 0.01
exp["results"]["bytes"] += 1
json.dump(exp, open(sys.argv[4], "w"), indent=2)
PY
run run "$T/proj/recorded.json"
check "run: recorded results reproduce (exit 0, reproduced: yes)" eval 'rc_is 0 && grep -q "^reproduced: yes" "$T/out"'
run run "$T/proj/tampered.json"
check "run: tampered results → exit 3, reproduced: NO naming psnr and bytes" \
  eval 'rc_is 3 && grep -q "^reproduced: NO" "$T/out" && grep -q "psnr " "$T/out" && grep -q "bytes " "$T/out"'
run run --json "$T/proj/tampered.json"
check "run --json: tampered results → exit 3, reproduced false with differences" \
  eval 'rc_is 3 && "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); assert r[\"reproduced\"] is False; assert sorted(d[\"field\"] for d in r[\"differences\"]) == [\"bytes\", \"psnr\"], r" "$T/out"'

sed 's/"quality": 40/"quality": 400/' "$T/proj/exp.json" >"$T/proj/broken.json"
run run "$T/proj/broken.json"
check "run: out-of-range parameter in the file → exit 1 naming the file and field" \
  eval 'rc_is 1 && err_has "broken.json" && err_has "quality" && err_has "400"'
sed 's/"webp", "params"/"webpp", "params"/' "$T/proj/exp.json" >"$T/proj/broken2.json"
run run "$T/proj/broken2.json"
check "run: unknown codec in the file → exit 1 naming codec.name" eval 'rc_is 1 && err_has "codec.name" && err_has "webpp"'
sed 's/"zoom": 0/"zoom": 99/' "$T/proj/exp.json" >"$T/proj/broken3.json"
run run "$T/proj/broken3.json"
check "run: absurd zoom → exit 1 naming view.zoom" eval 'rc_is 1 && err_has "view.zoom"'
sed 's/photo.png/no-such-photo.png/' "$T/proj/exp.json" >"$T/proj/noimage.json"
run run "$T/proj/noimage.json"
check "run: missing image → exit 1 naming the image" eval 'rc_is 1 && err_has "no-such-photo.png"'
run run "$T/proj/missing.json"
check "run: missing experiment → exit 1 naming it" eval 'rc_is 1 && err_has "missing.json"'
run run "$T/notes.txt"
check "run: not JSON → exit 1" eval 'rc_is 1 && err_has "notes.txt"'
run run
check "run without EXPERIMENT is a usage error (2)" rc_is 2

# ---- audio: encode/decode/info/rd on WAV and FLAC ----------------------------------------
# voice.wav from the shared data, or a generated stand-in (CI may not have ../shared)
AUDIO="${LW_SHARED_DATADIR:-/nonexistent}/audio/voice.wav"
[ -f "$AUDIO" ] || AUDIO="${LW_DATADIR:-/nonexistent}/samples/voice.wav"
if [ ! -f "$AUDIO" ]; then
  AUDIO="$T/voice.wav"
  "$PY" - "$AUDIO" <<'EOF2'
import sys
import numpy as np
import scipy.io.wavfile as wavfile
rate = 44100
t = np.arange(int(1.2 * rate)) / rate
f0 = 140 + 30 * np.sin(2 * np.pi * 3 * t)
x = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / rate) / k for k in range(1, 12))
x *= 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
x += 0.01 * np.random.default_rng(1).standard_normal(len(t))
wavfile.write(sys.argv[1], rate, np.round(x / np.abs(x).max() * 0.6 * 32767).astype(np.int16))
EOF2
fi
have_codec () { "$PY" -c 'import json,sys; sys.exit(0 if sys.argv[2] in [c["name"] for c in json.load(open(sys.argv[1]))] else 1)' "$T/codecs.json" "$1"; }
# same_audio A B: equal sample values (scipy reads both)
same_audio () {
  "$PY" -c 'import sys, numpy as np, scipy.io.wavfile as w
ra, a = w.read(sys.argv[1]); rb, b = w.read(sys.argv[2])
assert ra == rb and a.shape == b.shape and np.array_equal(a, b), (ra, rb, a.shape, b.shape)' "$1" "$2"
}
wav_frames () { "$PY" -c 'import sys, scipy.io.wavfile as w; r, x = w.read(sys.argv[1]); print(r, x.shape[0])' "$1"; }

if have_codec flac; then
  run encode --codec flac "$AUDIO" "$T/voice-flac.lwc"
  check "flac: encode audio exits 0 and reports kbit/s" eval 'rc_is 0 && [ -s "$T/voice-flac.lwc" ] && grep -q "kbit/s" "$T/out"'
  run info --json "$T/voice-flac.lwc"
  cp "$T/out" "$T/voice-flac-info.json"
  check "flac: info --json: kind audio, C×T shape, sample rate, kbps" \
    "$PY" - "$T/voice-flac-info.json" "$(wav_frames "$AUDIO")" "$(stat -c %s "$T/voice-flac.lwc")" <<'EOF2'
import json, sys
info = json.load(open(sys.argv[1]))
rate, frames = map(int, sys.argv[2].split())
size = int(sys.argv[3])
assert info["kind"] == "audio" and info["codec"] == "flac", info
assert info["shape"] == [1, frames], info["shape"]
assert info["sample_rate"] == rate and info["bpp"] is None, info
assert abs(info["kbps"] - size * 8 / (frames / rate) / 1000) < 1e-6, info["kbps"]
assert abs(info["bits_per_sample"] - size * 8 / frames) < 1e-9, info
EOF2
  run info "$T/voice-flac.lwc"
  check "flac: info text shows the sample rate and kbit/s" eval 'rc_is 0 && grep -q "Hz" "$T/out" && grep -q "kbit/s" "$T/out" && grep -q "(C×T)" "$T/out"'
  run decode --reference "$AUDIO" "$T/voice-flac.lwc" "$T/voice-flac.wav"
  check "flac: decode to WAV is lossless (SNR inf, same samples as the original)" \
    eval 'rc_is 0 && grep -q "SNR inf dB" "$T/out" && grep -q "SI-SDR" "$T/out" && grep -q "LSD" "$T/out" && same_audio "$AUDIO" "$T/voice-flac.wav"'
  run decode "$T/voice-flac.lwc" "$T/voice-flac.flac"
  run encode --codec flac "$T/voice-flac.flac" "$T/voice-flac2.lwc"
  run decode "$T/voice-flac2.lwc" "$T/voice-flac2.wav"
  check "flac: decode to .flac, re-encode from it: still the original samples" \
    eval 'rc_is 0 && same_audio "$AUDIO" "$T/voice-flac2.wav"'
  run decode "$T/voice-flac.lwc" "$T/voice.png"
  check "decoding audio to .png is a usage error (2), nothing written" eval 'rc_is 2 && err_has "wav" && [ ! -e "$T/voice.png" ]'
  run decode --reference "$IMG" "$T/voice-flac.lwc" "$T/u.wav"
  check "an image as the reference of audio: exit 1, nothing written" eval 'rc_is 1 && [ ! -e "$T/u.wav" ]'
fi

for codec in opus wavelet-latent-audio; do
  have_codec "$codec" || continue
  run encode --codec "$codec" "$AUDIO" "$T/voice-$codec.lwc"
  check "$codec: encode audio exits 0" eval 'rc_is 0 && [ -s "$T/voice-$codec.lwc" ]'
  run decode --reference "$AUDIO" "$T/voice-$codec.lwc" "$T/voice-$codec.wav"
  check "$codec: decode writes a WAV of the original's length and rate, finite SNR" \
    eval 'rc_is 0 && [ "$(wav_frames "$T/voice-$codec.wav")" = "$(wav_frames "$AUDIO")" ] && grep -q "SNR [0-9-]" "$T/out"'
done

if have_codec flac && have_codec opus; then
  run rd --codec opus --codec flac --points 4 --json --csv "$T/rd-audio.csv" "$AUDIO"
  cp "$T/out" "$T/rd-audio.json"
  check "rd on audio --json: kbps, bits/sample, SNR, SI-SDR, PSNR, LSD per point; opus monotone" \
    "$PY" - "$T/rd-audio.json" "$T/rd-audio.csv" "$(wav_frames "$AUDIO")" <<'EOF2'
import csv, json, math, sys
rd = json.load(open(sys.argv[1]))
rate, frames = map(int, sys.argv[3].split())
curves = {c["codec"]: c for c in rd["curves"]}
assert set(curves) == {"opus", "flac"}, curves.keys()
for c in curves.values():
    for p in c["points"]:
        for k in ("kbps", "bits_per_sample", "snr", "si_sdr", "psnr", "lsd"):
            assert k in p, (k, p)
        assert abs(p["kbps"] - p["bytes"] * 8 / (frames / rate) / 1000) < 1e-6, p
        assert abs(p["bpp"] - p["bytes"] * 8 / frames) < 1e-9, p
assert all(p["snr"] is None for p in curves["flac"]["points"])  # inf → null in JSON
op = curves["opus"]["points"]
assert all(math.isfinite(p["snr"]) and p["lsd"] >= 0 for p in op), op
for a, b in zip(op, op[1:]):
    assert b["kbps"] > a["kbps"] and b["snr"] >= a["snr"] - 0.5, (a, b)
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == sum(len(c["points"]) for c in rd["curves"])
assert {"kbps", "snr", "si_sdr", "lsd"} <= set(rows[0]), rows[0].keys()
EOF2
  run rd --codec opus --codec flac --points 4 "$AUDIO"
  check "rd on audio (text): kbit/s, SNR, SI-SDR and LSD columns and a BD line" \
    eval 'rc_is 0 && grep -q "kbit/s" "$T/out" && grep -q "SI-SDR" "$T/out" && grep -q "LSD" "$T/out" && grep -q "BD-rate" "$T/out"'
fi

# ---- run on audio experiments: replay, record, tamper ----------------------------------
if have_codec opus; then
  mkdir -p "$T/aproj/sounds"
  cp "$AUDIO" "$T/aproj/sounds/voice.wav"
  cat >"$T/aproj/exp.json" <<'JSON'
{"format": "latent-workbench-experiment", "version": 1, "kind": "audio",
 "audio": "sounds/voice.wav",
 "codec": {"name": "opus", "params": {"bitrate": 32, "complexity": 5}},
 "view": {"start": 0.1, "end": 0.9, "cursor": 0.2, "selection_start": 0.25,
          "selection_end": 0.5, "source": "b", "spectrogram_scale": "mel"},
 "rd": {"codecs": ["opus", "flac"], "anchor": "opus", "metric": "snr"},
 "abx": {"seed": "1", "trials": [["a", "a"], ["b", "a"]], "correct": 1, "p_value": 0.75}}
JSON
  run run --json --out-lwc "$T/aproj/out.lwc" --out-audio "$T/aproj/out.wav" "$T/aproj/exp.json"
  cp "$T/out" "$T/arun1.json"
  check "run --json on audio: no recorded results → reproduced null, outputs written (exit 0)" \
    eval 'rc_is 0 && [ -s "$T/aproj/out.lwc" ] && [ "$(wav_frames "$T/aproj/out.wav")" = "$(wav_frames "$AUDIO")" ] && "$PY" - "$T/arun1.json" "$T/aproj/out.lwc" <<"PY"
import json, math, os, sys
r = json.load(open(sys.argv[1]))
assert r["reproduced"] is None and r["differences"] == [], r
assert r["codec"] == "opus" and r["params"]["complexity"] == "5", r
assert r["audio"].endswith("sounds/voice.wav") and r["shape"][0] == 1, r
assert r["bytes"] == os.path.getsize(sys.argv[2]), r
for k in ("kbps", "bits_per_sample", "ratio", "dim_reduction", "snr", "si_sdr", "psnr", "lsd"):
    assert isinstance(r[k], float) and math.isfinite(r[k]), k
assert 20 < r["kbps"] < 60, r["kbps"]
PY'
  "$PY" - "$T/aproj/exp.json" "$T/arun1.json" "$T/aproj/recorded.json" "$T/aproj/tampered.json" <<'PY'
import json, sys
exp, run = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = ("bytes", "kbps", "bits_per_sample", "ratio", "dim_reduction", "snr", "si_sdr", "psnr", "lsd")
exp["results"] = {k: run[k] for k in keys}
json.dump(exp, open(sys.argv[3], "w"), indent=2)
exp["results"]["snr"] += 0.01
json.dump(exp, open(sys.argv[4], "w"), indent=2)
PY
  run run "$T/aproj/recorded.json"
  check "run on audio: recorded results reproduce (exit 0, reproduced: yes, SNR and LSD shown)" \
    eval 'rc_is 0 && grep -q "^reproduced: yes" "$T/out" && grep -q "SNR" "$T/out" && grep -q "LSD" "$T/out" && grep -q "kbit/s" "$T/out"'
  run run "$T/aproj/tampered.json"
  check "run on audio: tampered SNR → exit 3, reproduced: NO naming snr" \
    eval 'rc_is 3 && grep -q "^reproduced: NO" "$T/out" && grep -q "  snr " "$T/out"'
  run run --json "$T/aproj/tampered.json"
  check "run --json on audio: tampered → exit 3, differences = [snr]" \
    eval 'rc_is 3 && "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); assert r[\"reproduced\"] is False; assert [d[\"field\"] for d in r[\"differences\"]] == [\"snr\"], r" "$T/out"'
  sed 's/\["b", "a"\]\], "correct": 1/["a", "a"]], "correct": 2/' "$T/aproj/exp.json" >"$T/aproj/badabx.json"
  run run "$T/aproj/badabx.json"
  check "run: an ABX trial the seed did not draw → exit 1 naming abx.trials[1]" \
    eval 'rc_is 1 && err_has "badabx.json" && err_has "abx.trials[1]"'
  sed 's/"bitrate": 32/"bitrate": 5000/' "$T/aproj/exp.json" >"$T/aproj/badrate.json"
  run run "$T/aproj/badrate.json"
  check "run: out-of-range audio codec parameter → exit 1 naming it" \
    eval 'rc_is 1 && err_has "badrate.json" && err_has "bitrate"'
  sed 's/"name": "opus"/"name": "jpeg"/' "$T/aproj/exp.json" >"$T/aproj/imgcodec.json"
  run run "$T/aproj/imgcodec.json"
  check "run: an image codec in an audio experiment → exit 1 naming codec.name" \
    eval 'rc_is 1 && err_has "codec.name" && err_has "audio"'
  sed 's#sounds/voice.wav#sounds/missing.wav#' "$T/aproj/exp.json" >"$T/aproj/noaudio.json"
  run run "$T/aproj/noaudio.json"
  check "run: missing audio → exit 1 naming the experiment and the audio" \
    eval 'rc_is 1 && err_has "noaudio.json" && err_has "missing.wav"'
fi

# Bad audio and codecs of the wrong kind
head -c 3000 "$AUDIO" >"$T/cut.wav"
if have_codec flac; then
  run encode --codec flac "$T/cut.wav" "$T/u.lwc"
  check "truncated WAV: exit 1 naming the file and the missing frames" \
    eval 'rc_is 1 && err_has "cut.wav" && err_has "missing" && [ ! -e "$T/u.lwc" ]'
  cp "$T/notes.txt" "$T/notes.wav"
  run encode --codec flac "$T/notes.wav" "$T/u.lwc"
  check "text named .wav: exit 1 naming it" eval 'rc_is 1 && err_has "notes.wav" && [ ! -e "$T/u.lwc" ]'
  : >"$T/empty.wav"
  run encode --codec flac "$T/empty.wav" "$T/u.lwc"
  check "empty .wav: exit 1" eval 'rc_is 1 && err_has "empty.wav"'
  run rd --codec flac "$T/cut.wav"
  check "rd on a bad audio file: exit 1" eval 'rc_is 1 && err_has "cut.wav"'
  run encode --codec flac "$IMG" "$T/u.lwc"
  check "an audio codec on an image: usage error (2) naming both" \
    eval 'rc_is 2 && err_has "flac" && err_has "$(basename "$IMG")" && [ ! -e "$T/u.lwc" ]'
  run rd --codec flac "$AUDIO" "$IMG"
  check "rd mixing audio and images: usage error (2)" rc_is 2
fi
run encode --codec jpeg "$AUDIO" "$T/u.lwc"
check "an image codec on audio: usage error (2) naming both" \
  eval 'rc_is 2 && err_has "jpeg" && err_has "$(basename "$AUDIO")" && err_has "audio" && [ ! -e "$T/u.lwc" ]'
run rd --codec webp "$AUDIO"
check "rd with an image codec on audio: usage error (2)" eval 'rc_is 2 && err_has "webp"'
run decode "$T/jpeg.lwc" "$T/u.wav"
check "decoding an image to .wav is a usage error (2), nothing written" eval 'rc_is 2 && err_has "png" && [ ! -e "$T/u.wav" ]'

# reason: a two-step CoT model trained here goes through eval (JSON), run and export; bad
# checkpoints are bad input (1), inconsistent options usage errors (2)
run reason train --stage cot --steps 2 --batch 4 --out "$T/cot.safetensors" --threads 1
check "reason train: two CoT steps write a checkpoint" eval 'rc_is 0 && [ -s "$T/cot.safetensors" ]'
run reason eval "$T/cot.safetensors" --n 4 --json --threads 1
check "reason eval --json: one object with the table's fields" \
  "$PY" -c 'import json,sys
d=json.load(open(sys.argv[1])); r=d["rows"][0]
assert r["method"]=="cot" and r["c"]==1 and 0<=r["accuracy"]<=100
for k in ("ci95","mean_steps","ms_per_question"): assert k in r, k' "$T/out"
run reason run "$T/cot.safetensors" --test-index 3 --threads 1
check "reason run --test-index: shows an answer line" eval 'rc_is 0 && grep -q "^answer" "$T/out"'
run reason export "$T/cot.safetensors" "$T/cot-model.safetensors"
check "reason export: a smaller model file that evaluates" \
  eval 'rc_is 0 && [ "$(stat -c %s "$T/cot-model.safetensors")" -lt "$(stat -c %s "$T/cot.safetensors")" ]'
# export --curve: `reason train --json` logs (in parts, steps increasing) become train.curve
printf '%s\n' '{"step":1,"steps":3,"loss":3.5,"ce":3.5,"grad_norm":2,"lr":0.001,"elapsed_s":1,"eta_s":2}' \
  '{"step":2,"steps":3,"loss":3.0,"ce":3.0,"grad_norm":1.5,"lr":0.002,"elapsed_s":2,"eta_s":1}' \
  >"$T/log1.jsonl"
printf '%s\n' '{"step":3,"steps":3,"loss":2.5,"ce":2.5,"grad_norm":1,"lr":0.001,"elapsed_s":3,"eta_s":0}' \
  >"$T/log2.jsonl"
run reason export "$T/cot.safetensors" "$T/cot-curve.safetensors" --curve "$T/log1.jsonl" \
  --curve "$T/log2.jsonl"
check "reason export --curve: the logs' rows as the model's curve" \
  "$PY" -c 'import json,struct,sys
b=open(sys.argv[1],"rb").read(); n=struct.unpack("<Q",b[:8])[0]; h=json.loads(b[8:8+n])
assert h["__metadata__"]["lw.train.curve.fields"]=="step,loss,ce,grad_norm,lr", h["__metadata__"]
t=h["train.curve"]; assert t["dtype"]=="F32" and t["shape"]==[3,5], t
s,e=t["data_offsets"]; v=struct.unpack("<15f",b[8+n+s:8+n+e])
assert v[0::5]==(1.0,2.0,3.0) and v[1]==3.5 and abs(v[14]-0.001)<1e-7, v' \
  "$T/cot-curve.safetensors"
run reason export "$T/cot.safetensors" "$T/cot-bad.safetensors" --curve "$T/log2.jsonl" \
  --curve "$T/log1.jsonl"
check "reason export --curve with steps going back: exit 1 naming file and line" \
  eval 'rc_is 1 && err_has "log1.jsonl:1" && [ ! -e "$T/cot-bad.safetensors" ]'
printf '%s\n' '{"step":4,"loss":1}' >"$T/log3.jsonl"
run reason export "$T/cot.safetensors" "$T/cot-bad.safetensors" --curve "$T/log1.jsonl" \
  --curve "$T/log3.jsonl"
check "reason export --curve with a field missing: exit 1 naming it" \
  eval 'rc_is 1 && err_has "log3.jsonl:1" && err_has "ce" && [ ! -e "$T/cot-bad.safetensors" ]'
run reason eval "$T/missing.safetensors"
check "reason eval of a missing checkpoint: exit 1 naming it" eval 'rc_is 1 && err_has "missing.safetensors"'
run reason eval "$T/notes.txt"
check "reason eval of a non-checkpoint: exit 1" rc_is 1
run reason train --stage colar --out "$T/c.safetensors"
check "reason train --stage colar without --from: usage error (2)" eval 'rc_is 2 && [ ! -e "$T/c.safetensors" ]'
run reason train --stage colar --from "$T/cot-model.safetensors" --out "$T/c.safetensors" --steps 2 --batch 4 --threads 1
check "reason train colar from an exported CoT model" eval 'rc_is 0 && [ -s "$T/c.safetensors" ]'
run reason train --stage colar --from "$T/cot-model.safetensors" --out "$T/c-opt.safetensors" \
    --steps 2 --batch 4 --threads 1 --mix-speeds --row-mean --train-embeddings --head-width 40 \
    --json
check "reason train colar --mix-speeds --row-mean --train-embeddings --head-width: c 0, recorded" \
  eval 'rc_is 0 && grep -q "\"c\":0" "$T/out" && grep -q "train_embeddings\":\"1" "$T/c-opt.safetensors" &&
        grep -q "row_mean\":\"1" "$T/c-opt.safetensors" &&
        grep -q "latent_dim\":\"40\"" "$T/c-opt.safetensors"'
run reason train --stage colar --from "$T/cot-model.safetensors" --out "$T/c-bad.safetensors" \
    --head-width 999999
check "reason train --head-width 999999: usage error (2)" \
  eval 'rc_is 2 && err_has "--head-width" && [ ! -e "$T/c-bad.safetensors" ]'
# Ctrl-C during training: the state is saved, the exit is 130, and the run continues from it
RC=0
"$CLI" reason train --stage cot --out "$T/int.safetensors" --steps 1000000 --batch 2 \
    --threads 1 --json >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 100); do
  grep -q '"step":25,' "$T/out" 2>/dev/null && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid" || RC=$?
check "reason train, SIGINT: exit 130, the checkpoint saved, how to continue" \
  eval 'rc_is 130 && [ -s "$T/int.safetensors" ] && err_has "continue with --from"'
at=$(sed -n 's/.*interrupted at step \([0-9]*\).*/\1/p' "$T/err")
run reason train --stage cot --from "$T/int.safetensors" --out "$T/int.safetensors" \
    --steps $((${at:-0} + 5)) --batch 2 --threads 1
check "reason train continues an interrupted run from its checkpoint" \
  eval '[ -n "$at" ] && rc_is 0 && err_has "step $((at + 5)))"'
run reason run "$T/c.safetensors" --question "a farmer has 23 zebras ." --threads 1
check "reason run with an unknown word: exit 1 naming it" eval '[ "$RC" -ne 0 ] && err_has "zebras"'
# GRPO from the colar model: JSON progress with the RL fields, a checkpoint of stage rl
run reason train --stage rl --from "$T/c.safetensors" --out "$T/rl.safetensors" --steps 2 \
    --batch 2 --group 2 --minibatch 4 --max-latent 4 --threads 1 --json
check "reason train --stage rl: two GRPO steps, JSON lines with reward and clip fraction" \
  eval 'rc_is 0 && [ -s "$T/rl.safetensors" ] && grep -q "\"reward\"" "$T/out" && grep -q "\"clip_frac\"" "$T/out"'
run reason eval "$T/rl.safetensors" --n 2 --c 5 --json --threads 1
check "reason eval of the rl model: method rl" eval 'rc_is 0 && grep -q "\"method\":\"rl\"" "$T/out"'
run reason train --stage rl --from "$T/cot-model.safetensors" --out "$T/rl2.safetensors" --steps 1
check "reason train --stage rl from a CoT model: exit 1 saying it needs colar" \
  eval 'rc_is 1 && err_has "colar checkpoint" && [ ! -e "$T/rl2.safetensors" ]'
run reason train --stage rl --from "$T/c.safetensors" --out "$T/rl2.safetensors" --group 1
check "reason train --stage rl --group 1: usage error (2)" eval 'rc_is 2 && err_has "--group"'
