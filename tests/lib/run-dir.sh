# Sourced by the test and benchmark drivers: every run writes its logs into a directory of its
# own, so two runs in one tree (two terminals, or make test beside make bench) never share a file.
#
#   run_dir_init BASE LINK   BASE/runs/<date>-<time>.<random>/ is made and exported as
#                            TEST_RUN_DIR; BASE/LINK then points at it (the newest run), and all
#                            but the newest RUN_DIR_KEEP (20) runs under BASE/runs are deleted.
#                            An exported TEST_RUN_DIR is used as it is (a driver's runners share
#                            their driver's directory).

run_dir_init()
{
    local base=$1 link=$1/$2 runs=$1/runs
    if [ -n "${TEST_RUN_DIR:-}" ]; then
        mkdir -p "$TEST_RUN_DIR"
        return
    fi
    mkdir -p "$runs"
    TEST_RUN_DIR=$(mktemp -d "$runs/$(date +%Y%m%d-%H%M%S).XXXX")
    export TEST_RUN_DIR
    # Before this layout LINK was a directory of its own: replace it by the link.
    if [ -d "$link" ] && [ ! -L "$link" ]; then rm -rf "$link"; fi
    ln -sfn "runs/${TEST_RUN_DIR##*/}" "$link.$$" && mv -fT "$link.$$" "$link"
    # Names sort by start time; a run still going is among the newest.
    local old
    old=$(find "$runs" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort -r |
        tail -n +$((${RUN_DIR_KEEP:-20} + 1)))
    if [ -n "$old" ]; then
        # shellcheck disable=SC2086 # one directory per line, no spaces in these names
        rm -rf $old
    fi
    : "$base"
}
