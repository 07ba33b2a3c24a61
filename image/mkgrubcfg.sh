#!/usr/bin/env bash
# Usage: mkgrubcfg.sh TEMPLATE OUTPUT HV_ARGS GUEST_ARGS
# Fills the template and writes OUTPUT only when its content changes, so that make rebuilds the ISO
# exactly when the command lines change. The arguments are copied verbatim: they are GRUB words.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 TEMPLATE OUTPUT HV_ARGS GUEST_ARGS" >&2; exit 2; }
template=$1 out=$2 hv_args=$3 guest_args=$4

case "$hv_args$guest_args" in
*$'\n'* | *';'* | *'{'* | *'}'*)
    echo "mkgrubcfg: command lines must not contain newlines, ';', '{' or '}'" >&2
    exit 2
    ;;
esac

cfg=$(<"$template")
cfg=${cfg//@HV_ARGS@/$hv_args}
[ -n "$guest_args" ] || cfg=${cfg//' @GUEST_ARGS@'/}   # no trailing blank after "--" (or its words)
cfg=${cfg//@GUEST_ARGS@/$guest_args}

if [ -f "$out" ] && [ "$(<"$out")" = "$cfg" ]; then
    exit 0
fi
mkdir -p "$(dirname "$out")"
printf '%s\n' "$cfg" >"$out.tmp"
mv "$out.tmp" "$out"
