#!/usr/bin/env bash
# Usage: native.sh
# httpd natively on this host, on 127.0.0.1 and a free port, serving the staged initramfs's /www
# with fixture /proc files (fixture.sh) whose counters move: what the appliance run
# (tests/http/appliance.sh, the acceptance) cannot give. The source built for the host with
# ASan/UBSan ($BUILD/tests/tools/httpd-asan) through the curl checks (the switch writable, then
# read-only) and every hostile request, the connection limit's 503 and eviction included (through
# QEMU's forward, 257 connections take longer to open than the request timeout). Short timeouts
# (2 s request, 3 s idle) and 128 connections keep it quick. The server must still run after its
# checks and stop cleanly on SIGTERM, with no sanitizer report. Prints the checks' verdicts and its
# own ("httpd native/..."); logs in $TEST_RUN_DIR/httpd or $BUILD/tests/http. Exit status 1 when
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
out=${TEST_RUN_DIR:-$BUILD/tests}/httpd
[ -n "${TEST_RUN_DIR:-}" ] || out=$BUILD/tests/http
mkdir -p "$out"
www=$BUILD/appliance/rootfs/www
failures=0
pass() { echo "PASS: httpd native/$1"; }
fail() { echo "FAIL: httpd native/$1: $2"; failures=$((failures + 1)); }

for f in "$BUILD/tests/tools/httpd-asan" "$BUILD/tests/tools/httphostile" "$www/index.html"; do
    [ -e "$f" ] || { fail setup "$f missing (make test-build)"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/httpd-native.XXXXXX")
pids=()
cleanup()
{
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

bash tests/http/fixture.sh "$work/proc" &
pids+=($!)
for _ in $(seq 50); do [ -f "$work/proc/stats" ] && break; sleep 0.1; done

# start NAME BINARY: runs it, sets $port and $server_pid, or fails.
start()
{
    local name=$1 bin=$2
    rm -f "$work/$name.port"
    "$bin" --port 0 --bind 127.0.0.1 --root "$www" --proc "$work/proc" --port-file "$work/$name.port" \
        --request-timeout 2 --idle-timeout 3 --max-conns 128 >"$out/$name.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 100); do [ -s "$work/$name.port" ] && break; sleep 0.05; done
    port=$(cat "$work/$name.port" 2>/dev/null)
    if [ -z "$port" ]; then
        fail "$name-start" "no port: $(tail -n 3 "$out/$name.log")"
        return 1
    fi
    echo "# native: $name ($bin) on 127.0.0.1:$port, pid $server_pid"
}

# stop NAME: the server is still running after the checks, and SIGTERM ends it cleanly.
stop()
{
    local name=$1 status=0
    if ! kill -0 "$server_pid" 2>/dev/null; then
        wait "$server_pid"
        fail "$name-survived" "the server died during the checks (status $?): $(tail -n 3 "$out/$name.log")"
        return
    fi
    pass "$name-survived"
    kill -TERM "$server_pid"
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    wait "$server_pid" || status=$?
    if [ "$status" = 0 ] && grep -q '^\[httpd\] stopped: ' "$out/$name.log"; then
        pass "$name-sigterm"
    else
        fail "$name-sigterm" "status $status after SIGTERM: $(tail -n 2 "$out/$name.log")"
    fi
    if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' "$out/$name.log"; then
        fail "$name-sanitizers" "$(grep -m1 -e ERROR -e 'runtime error' "$out/$name.log")"
    elif [ "$name" = asan ]; then
        pass "$name-sanitizers"
    fi
}

ft=$work/proc/sys/ringvisor/fasttrap
if start asan "$BUILD/tests/tools/httpd-asan"; then
    chmod 644 "$ft"
    SUITE=curl-asan bash tests/http/curl-checks.sh "http://127.0.0.1:$port" "$www" || failures=$((failures + 1))
    chmod 444 "$ft"
    SUITE=curl-asan-readonly bash tests/http/curl-checks.sh "http://127.0.0.1:$port" "$www" | grep fasttrap || failures=$((failures + 1))
    chmod 644 "$ft"
    "$BUILD/tests/tools/httphostile" 127.0.0.1 "$port" | sed 's|httpd hostile/|httpd hostile-asan/|' || failures=$((failures + 1))
    stop asan
fi
exit $((failures > 0))
