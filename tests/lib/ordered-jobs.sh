# shellcheck shell=bash
# Sourced by the test drivers: jobs run in the background, at most a given number at once, and
# their results are shown in the jobs' order, each as soon as it and every earlier one are done.
#
#   run_ordered DIR JOBS COUNT RUN SHOW
#       For i in 0..COUNT-1: "RUN i" runs in the background, its output in DIR/i.out and its
#       exit status in DIR/i.status (DIR/i.done marks the end); "SHOW i" runs in this shell (it
#       may count and set variables) in order of i. Returns when every job is done and shown.

run_ordered()
{
    local dir=$1 jobs=$2 count=$3 run=$4 show=$5 next=0 running=0 i
    for ((i = 0; i < count; i++)); do
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
        { set +e
            "$run" "$i" >"$dir/$i.out" 2>&1
            echo $? >"$dir/$i.status"
            touch "$dir/$i.done"; } &
        running=$((running + 1))
        while [ "$next" -lt "$count" ] && [ -f "$dir/$next.done" ]; do
            "$show" "$next"
            next=$((next + 1))
        done
    done
    wait
    while [ "$next" -lt "$count" ]; do
        "$show" "$next"
        next=$((next + 1))
    done
}
