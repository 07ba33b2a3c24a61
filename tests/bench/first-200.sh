#!/usr/bin/env bash
# Usage: first-200.sh PORT PATH PID START_NS TIMEOUT_S
# boot-http.sh's probe: the milliseconds from START_NS (date +%s%N, QEMU's start) to the first
# "200" status line for http://127.0.0.1:PORT/PATH, printed once; fails when process PID (QEMU)
# ends first or after TIMEOUT_S seconds.
#
# Why not curl in a loop: QEMU's user network accepts the host's connection itself as soon as the
# forward exists, then sends its SYN on to the guest; a SYN that arrives before the guest's card
# has buffers is lost, and QEMU sends it again only seconds later, so one attempt made a little
# too early waits for its own timeout (a second with curl -m 1) while the server already serves.
# Here a new attempt starts every 10 ms without waiting for the older ones (each is abandoned
# after 1 s: at most ~100 open), and every open one is polled each round: the figure is when the
# first answer arrives, within the 10 ms round, whichever attempt carried it. All of it runs in
# this one shell (bash's /dev/tcp, read -t): no process is started per attempt, so the probe takes
# little CPU from the VM it times on a loaded machine. Both VMs are timed by this same probe.
set -uo pipefail
[ $# -eq 5 ] || { sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2; }
port=$1 path=$2 pid=$3 start_ns=$4 timeout_s=$5
trap '' PIPE # a write to an attempt the far end reset fails with EPIPE instead of killing us

tick_dir=$(mktemp -d "${TMPDIR:-/tmp}/first-200.XXXXXX")
mkfifo "$tick_dir/tick"
exec {tick}<>"$tick_dir/tick" # never written: read -t on it is a sleep without a process
rm -rf "$tick_dir"

start_us=$((start_ns / 1000))
deadline_us=$((start_us + timeout_s * 1000000))
declare -A born # fd -> when its attempt started (us)
printf -v request 'GET /%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "${path#/}"

while kill -0 "$pid" 2>/dev/null; do
    t=${EPOCHREALTIME/./}
    [ "$t" -lt "$deadline_us" ] || exit 1
    # Poll every open attempt: a status line, or the end of the connection.
    for fd in "${!born[@]}"; do
        if read -t 0 -u "$fd" 2>/dev/null; then
            line=""
            if read -t 0.001 -r -u "$fd" line 2>/dev/null || [ -n "$line" ]; then
                if [[ $line =~ ^HTTP/1\.[01]\ 200 ]]; then
                    t=${EPOCHREALTIME/./}
                    echo $(((t - start_us) / 1000))
                    exit 0
                fi
            fi
            exec {fd}>&- # an error status or the end: this attempt is over
            unset "born[$fd]"
        elif [ $((t - born[$fd])) -gt 1000000 ]; then
            exec {fd}>&-
            unset "born[$fd]"
        fi
    done
    # A new attempt. Refused at once while QEMU has no forward yet.
    if { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
        if printf '%s' "$request" 1>&"$fd" 2>/dev/null; then
            born[$fd]=$t
        else
            exec {fd}>&-
        fi
    fi
    read -r -t 0.01 -u "$tick" 2>/dev/null
done
exit 1
