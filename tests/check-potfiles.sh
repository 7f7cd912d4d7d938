#!/bin/sh
# tests/check-potfiles.sh — every source file with translatable strings is in po/POTFILES.in,
# every file listed there exists, and xgettext extracts the catalogue from them without error
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-potfiles.sh SOURCE_ROOT
set -eu
root=$1
cd "$root"
status=0

listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$' | sort)
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done

marked=$(grep -lE '\b(_|N_|C_|NC_)\(|translatable="yes"' \
           app/*.c widgets/*.c core/*.c cli/*.c resources/ui/*.ui resources/gtk/*.ui 2>/dev/null |
         sort)
for f in $marked; do
  echo "$listed" | grep -qx "$f" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done

if command -v xgettext > /dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # The keywords of meson's i18n.gettext(preset: 'glib')
  xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
    --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
    --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format \
    --flag=NC_:2:pass-c-format --flag=g_dngettext:2:pass-c-format \
    --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
    --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format \
    --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
    --files-from=po/POTFILES.in -o "$tmp/test.pot" 2> "$tmp/err" ||
    { cat "$tmp/err"; status=1; }
  n=$(grep -c '^msgid ' "$tmp/test.pot" || true)
  echo "xgettext extracted $n messages"
  [ "$n" -gt 200 ] || { echo "too few messages extracted"; status=1; }
fi
exit $status
