#!/usr/bin/env bash
# Usage: load.sh URL [SECONDS] [CONNECTIONS]
# wrk (Debian's) against URL (default 3 s, 64 connections, 2 threads): every answer must be 2xx
# and no socket error may occur (connect, read, write, timeout). Prints the wrk summary, then
# "PASS: httpd load/wrk_CONNECTIONS" or a FAIL line naming the errors; and a machine-readable
# "# load: requests R, rps X" line for the benchmark report.
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: $0 URL [SECONDS] [CONNECTIONS]" >&2; exit 2; }
url=$1 secs=${2:-3} conns=${3:-64}
name="wrk_${conns}"
out=$(wrk -t 2 -c "$conns" -d "${secs}s" --timeout 10s --latency "$url" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
errors=$(grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' <<<"$out" | tr -s ' ' | tr '\n' ';')
echo "# load: requests ${requests:-0}, rps ${rps:-0}"
if [ "$status" -ne 0 ]; then
    echo "FAIL: httpd load/$name: wrk exited with status $status"
elif [ -z "$requests" ] || [ "$requests" -le 0 ]; then
    echo "FAIL: httpd load/$name: no request completed"
elif [ -n "$errors" ]; then
    echo "FAIL: httpd load/$name: $errors"
else
    echo "PASS: httpd load/$name"
fi
