# shellcheck shell=bash
# Sourced by tests/net/*.sh: waiting for a line of an emulator's serial log, fairly on a busy host.
#
#   wait_line_cpu LOG PID LINE SECONDS   until the fixed string LINE is in LOG: status 0; 1 when the
#                                        process tree of PID ends, has used SECONDS of CPU time
#                                        since the call, or 4 x SECONDS of wall time have passed
#                                        first.
# A wall-clock wait fails a boot that a loaded host merely slows (the emulator waits for a CPU);
# the CPU time the emulator was given is what a boot really needs, with a wall ceiling so that a
# guest spinning in a sleep-free loop is still caught (tests/lib/fair-timeout.sh has the same idea).

tree_cpu_ticks() { # PID: utime + stime of it and its descendants, in clock ticks
    local p t=0 c
    for p in $(tree_pids "$1"); do
        c=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || c=0
        t=$((t + ${c:-0}))
    done
    echo "$t"
}

tree_pids() { # PID: it and its descendants
    local c
    echo "$1"
    for c in $(pgrep -P "$1"); do tree_pids "$c"; done
}

wait_line_cpu() {
    local log=$1 pid=$2 line=$3 secs=$4 hz end n=0 start
    hz=$(getconf CLK_TCK)
    end=$((SECONDS + 4 * secs))
    start=$(tree_cpu_ticks "$pid")
    until grep -aqF -- "$line" "$log"; do
        kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt "$end" ] || return 1
        # The CPU time every 2 s (walking the tree costs a few processes).
        if [ $((++n % 20)) = 0 ] && [ $(($(tree_cpu_ticks "$pid") - start)) -ge $((secs * hz)) ]; then
            return 1
        fi
        sleep 0.1
    done
}
