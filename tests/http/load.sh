#!/usr/bin/env bash
# Usage: load.sh URL [SECONDS] [CONNECTIONS]
# wrk (Debian's) against URL (default 3 s, 64 connections, 2 threads): every answer must be 2xx
# and no socket error may occur (connect, read, write, timeout). Prints the wrk summary, then
# "PASS: httpd load/wrk_CONNECTIONS" or a FAIL line naming the errors; and a machine-readable
# "# load: requests R, rps X" line for the benchmark report.
# LOAD_FORWARD_TIMEOUTS=1 (the appliance through QEMU's forward): wrk's "timeout" errors are
# accepted, and named, when no answer took longer than the timeout and the host dropped SYNs at
# a listening socket meanwhile (TcpExtListenDrops): wrk counts a connection that is still
# connecting as timed out, and QEMU's user-network forward listens with a backlog of one, so
# under load some of wrk's 64 connections wait seconds for their handshake. Connect, read and
# write errors and non-2xx answers still fail.
set -uo pipefail

[ $# -ge 1 ] || { echo "usage: $0 URL [SECONDS] [CONNECTIONS]" >&2; exit 2; }
url=$1 secs=${2:-3} conns=${3:-64}
name="wrk_${conns}"
drops() { nstat -az TcpExtListenDrops 2>/dev/null | awk '/TcpExtListenDrops/ { print $2 }'; }
drops0=$(drops)
out=$(wrk -t 2 -c "$conns" -d "${secs}s" --timeout 10s --latency "$url" 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
errors=$(grep -E '^ *(Socket errors|Non-2xx or 3xx responses):' <<<"$out" | tr -s ' ' | tr '\n' ';')
max=$(awk '/^ *Latency / { print $4 }' <<<"$out")
if [ "${LOAD_FORWARD_TIMEOUTS:-0}" = 1 ] &&
    grep -qE '^ *Socket errors: connect 0, read 0, write 0, timeout [0-9]+$' <<<"$out" &&
    ! grep -q 'Non-2xx' <<<"$out" && [[ $max =~ ^[0-9.]+(us|ms)$ || $max =~ ^[0-9]\.[0-9]+s$ ]] &&
    [ "$(drops)" -gt "${drops0:-0}" ]; then
    echo "# load: wrk's $(sed -n 's/.*timeout \([0-9]*\).*/\1/p' <<<"$errors") timeouts were connections" \
        "waiting at the forward ($(($(drops) - drops0)) SYNs dropped by the host's listen queues;" \
        "slowest answer $max)"
    errors=""
fi
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
