#!/bin/bash
# fair-timeout.sh SECONDS CMD [ARG...]: like `timeout -k 5 SECONDS CMD`, but SECONDS count only the
# time the command could have run. A loaded host keeps an emulator waiting for a CPU; a wall-clock
# timeout then fails a boot that is merely slow (a scenario that takes 20 s alone takes 60 s beside
# two CPU hogs). Here the time charged is the wall time minus the longest time any thread of the
# command's process tree spent runnable but waiting for a CPU (run_delay in
# /proc/PID/task/TID/schedstat): an emulator that runs, or sleeps waiting for a timer, is charged;
# one queued behind other work is not. A hard ceiling of 4 x SECONDS of wall time stays, so nothing
# runs for ever (FAIR_TIMEOUT_CEILING=N: N x instead). Without schedstat (a kernel without CONFIG_SCHED_INFO) it is a plain wall timeout.
#
# Exit status: the command's, or 124 when it was stopped (SIGTERM, then SIGKILL 5 s later), as
# timeout(1). FAIR_TIMEOUT_LOG=FILE appends one line with the wall and charged seconds at the end.
set -u
limit=$1
shift
"$@" &
child=$!
trap 'kill_tree "$child"; exit 143' TERM INT HUP

kill_tree() { # PID [SIGNAL]: the process and its descendants, the innermost first
    local c
    for c in $(pgrep -P "$1"); do kill_tree "$c" "${2:-TERM}"; done
    kill "-${2:-TERM}" "$1" 2>/dev/null || true
}

tree() { # PID: it and its descendants
    local c
    echo "$1"
    for c in $(pgrep -P "$1"); do tree "$c"; done
}

started() { # PID: its start time (field 22 of /proc/PID/stat), empty once it is gone
    awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null || true
}

alive() { # PID:START...: the pids still running with the same start time
    local e
    for e in "$@"; do
        [ -z "${e#*:}" ] || [ "$(started "${e%%:*}")" != "${e#*:}" ] || echo "${e%%:*}"
    done
}

# The longest run_delay (ns) of any thread in the tree; 0 when schedstat is not there.
waited_ns() {
    local p files=()
    for p in $(tree "$child"); do files+=(/proc/"$p"/task/*/schedstat); done
    # cat: a thread that ended since the glob is skipped (mawk would stop at a missing file)
    cat "${files[@]}" 2>/dev/null | awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.0f\n", m }'

}

exec {tick}<> <(:) # read -t on this fd is a sleep without a child process
start_us=${EPOCHREALTIME/[.,]/}
limit_us=$((limit * 1000000))
timed_out=0 wall_us=0 charged_us=0 waited=0
while kill -0 "$child" 2>/dev/null; do
    read -r -t 0.5 -u "$tick" _ || true
    wall_us=$((${EPOCHREALTIME/[.,]/} - start_us))
    w=$(waited_ns) # only grows (a thread that ended takes its figure with it)
    [ "${w:-0}" -le "$waited" ] || waited=$w
    charged_us=$((wall_us - waited / 1000))
    if [ "$charged_us" -gt "$limit_us" ] || [ "$wall_us" -gt $((${FAIR_TIMEOUT_CEILING:-4} * limit_us)) ]; then
        timed_out=1
        # The whole tree, noted first: a process that ignores SIGTERM (bochs-bin does) gets
        # SIGKILL 5 s later even when its parent has gone.
        # Each noted with its start time, so that a pid reused meanwhile is not killed.
        noted=()
        for p in $(tree "$child"); do noted+=("$p:$(started "$p")"); done
        kill_tree "$child"
        for _ in $(seq 50); do
            [ -n "$(alive "${noted[@]}")" ] || break
            read -r -t 0.1 -u "$tick" _ || true
        done
        for p in $(alive "${noted[@]}"); do kill -KILL "$p" 2>/dev/null || true; done
        break
    fi
done
wait "$child"
status=$?
if [ -n "${FAIR_TIMEOUT_LOG:-}" ]; then
    printf '# fair-timeout: %d.%01d s wall, %d.%01d s charged of %d s%s\n' $((wall_us / 1000000)) \
        $((wall_us / 100000 % 10)) $((charged_us / 1000000)) $((charged_us / 100000 % 10)) "$limit" \
        "$([ "$timed_out" = 1 ] && echo ': timed out')" >>"$FAIR_TIMEOUT_LOG"
fi
[ "$timed_out" = 0 ] || exit 124
exit "$status"
