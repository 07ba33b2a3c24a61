#!/usr/bin/env bash
# Usage: browser.sh URL SCREENSHOT.png [--switch]
# A real browser on the dashboard: Debian's headless Chromium, driven through ChromeDriver's
# WebDriver interface (plain HTTP + JSON, spoken with curl and jq). It loads URL/?interval=500,
# reads the rendered DOM (the fast-trap and bounced system-call totals, the sample count) twice
# and checks that the counters moved between the samples, that the charts were drawn, that the
# page fetched nothing from another origin and logged no error; with --switch (the server's
# switch is writable: native fixture or a "demo" boot) it clicks the fast-trap button and checks
# that the bounced count then grows, and clicks it back. It saves a screenshot. One verdict line
# per check ("PASS: httpd browser/NAME"); exit status 1 when any failed.
# Chromium runs as root here, hence --no-sandbox; the background-networking flags keep it from
# calling out (the machine has no network; docs/testing.md).
set -uo pipefail

[ $# -ge 2 ] || { echo "usage: $0 URL SCREENSHOT.png [--switch]" >&2; exit 2; }
url=${1%/} shot=$2 switch=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/browser.XXXXXX")
driver_pid="" session="" failures=0
pass() { echo "PASS: httpd browser/$1"; }
fail() { echo "FAIL: httpd browser/$1: $2"; failures=$((failures + 1)); }
cleanup()
{
    [ -z "$session" ] || curl -s --max-time 10 -X DELETE "$wd/session/$session" >/dev/null 2>&1
    [ -z "$driver_pid" ] || kill "$driver_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

for c in chromium chromedriver curl jq; do
    command -v "$c" >/dev/null || { fail setup "$c missing (make deps)"; exit 1; }
done
# A free port for ChromeDriver (it listens on 127.0.0.1 only), reserved as the scenarios do.
# shellcheck source=tests/lib/ports.sh
source "$(dirname "$0")/../lib/ports.sh"
port_take driver_port || { fail setup "no free port for chromedriver"; exit 1; }
chromedriver --port="$driver_port" --allowed-ips=127.0.0.1 >"$work/driver.log" 2>&1 &
driver_pid=$!
wd=http://127.0.0.1:$driver_port
for _ in $(seq 50); do
    curl -s --max-time 2 "$wd/status" 2>/dev/null | jq -e '.value.ready' >/dev/null 2>&1 && break
    sleep 0.2
done

# wd METHOD PATH [JSON]: the WebDriver call's .value on stdout; non-zero on an error answer.
wd()
{
    local out
    out=$(curl -s --max-time 60 -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "$wd$2") || return 1
    jq -e 'has("value") and ((.value | type) != "object" or (.value | has("error") | not))' <<<"$out" >/dev/null ||
        { echo "$out" >"$work/last-error.json"; return 1; }
    jq -c '.value' <<<"$out"
}
js() { wd POST "/session/$session/execute/sync" "$(jq -nc --arg s "$1" '{script: $s, args: []}')"; }

caps=$(jq -nc '{capabilities: {alwaysMatch: {browserName: "chrome",
    "goog:loggingPrefs": {browser: "ALL"},
    "goog:chromeOptions": {binary: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--window-size=1280,1500"]}}}}')
session=$(wd POST /session "$caps" | jq -r '.sessionId // empty')
if [ -z "$session" ]; then
    fail setup "no WebDriver session: $(cat "$work/last-error.json" 2>/dev/null | head -c 300) $(tail -n 5 "$work/driver.log")"
    exit 1
fi
wd POST "/session/$session/timeouts" '{"script": 30000, "pageLoad": 60000}' >/dev/null

# Load, then wait (bounded) for N samples to have been rendered.
wait_samples() # N SECONDS
{
    local n
    for _ in $(seq $(($2 * 4))); do
        n=$(js 'return Number(document.body.dataset.samples || 0);' 2>/dev/null || echo 0)
        [ "${n:-0}" -ge "$1" ] && return 0
        sleep 0.25
    done
    return 1
}
counter() { js "return document.getElementById('$1').textContent.replace(/[^0-9]/g, '');" | tr -d '"'; }

if ! wd POST "/session/$session/url" "$(jq -nc --arg u "$url/?interval=500" '{url: $u}')" >/dev/null; then
    fail load "the dashboard did not load: $(head -c 300 "$work/last-error.json")"
    exit 1
fi
if wait_samples 2 30; then pass load; else fail load "no sample rendered within 30 s"; exit 1; fi

f1=$(counter c-syscalls-fast) b1=$(counter c-syscalls-bounced) h1=$(counter c-http-requests)
s1=$(js 'return Number(document.body.dataset.samples);')
wait_samples $((s1 + 4)) 30
f2=$(counter c-syscalls-fast) b2=$(counter c-syscalls-bounced) h2=$(counter c-http-requests)
echo "# browser: samples $s1 -> $(js 'return Number(document.body.dataset.samples);'): fast $f1 -> $f2, bounced $b1 -> $b2, requests $h1 -> $h2"
if [ -n "$f1" ] && [ -n "$f2" ] && [ $((f2 + b2)) -gt $((f1 + b1)) ] && [ "$h2" -gt "$h1" ]; then
    pass counters_move
else
    fail counters_move "system calls $f1+$b1 -> $f2+$b2, requests $h1 -> $h2"
fi

canvases=$(js 'return document.querySelectorAll(".chart canvas").length;')
if [ "${canvases:-0}" -ge 6 ]; then pass charts_drawn; else fail charts_drawn "$canvases chart canvases (dygraphs did not run?)"; fi

foreign=$(js 'return performance.getEntriesByType("resource").map(e => e.name).filter(n => !n.startsWith(location.origin)).join(" ");' | tr -d '"')
if [ -z "$foreign" ]; then pass self_contained; else fail self_contained "fetched from elsewhere: $foreign"; fi

if [ "$switch" = --switch ]; then
    state=$(js 'return document.getElementById("fasttrap-state").textContent;' | tr -d '"')
    enabled=$(js 'return !document.getElementById("fasttrap-toggle").disabled;')
    if [ "$state" != on ] || [ "$enabled" != true ]; then
        fail fasttrap_switch "the switch shows '$state', enabled $enabled (expected on, enabled)"
    else
        js 'document.getElementById("fasttrap-toggle").click(); return 1;' >/dev/null
        for _ in $(seq 40); do
            [ "$(js 'return document.getElementById("fasttrap-state").textContent;' | tr -d '"')" = off ] && break
            sleep 0.25
        done
        b3=$(counter c-syscalls-bounced)
        s3=$(js 'return Number(document.body.dataset.samples);')
        wait_samples $((s3 + 4)) 30
        b4=$(counter c-syscalls-bounced) state=$(js 'return document.getElementById("fasttrap-state").textContent;' | tr -d '"')
        echo "# browser: fast trap turned off: bounced $b3 -> $b4"
        if [ "$state" = off ] && [ "${b4:-0}" -gt "${b3:-0}" ]; then pass fasttrap_switch; else
            fail fasttrap_switch "after the click: state '$state', bounced $b3 -> $b4"; fi
        wd GET "/session/$session/screenshot" | jq -r . | base64 -d >"${shot%.png}-fasttrap-off.png" 2>/dev/null
        js 'document.getElementById("fasttrap-toggle").click(); return 1;' >/dev/null
        for _ in $(seq 40); do
            [ "$(js 'return document.getElementById("fasttrap-state").textContent;' | tr -d '"')" = on ] && break
            sleep 0.25
        done
    fi
fi

errors=$(wd POST "/session/$session/se/log" '{"type": "browser"}' 2>/dev/null |
    jq -r '.[]? | select(.level == "SEVERE") | .message' 2>/dev/null)
if [ -z "$errors" ]; then pass no_console_errors; else fail no_console_errors "$(head -c 300 <<<"$errors")"; fi

mkdir -p "$(dirname "$shot")"
if wd GET "/session/$session/screenshot" | jq -r . | base64 -d >"$shot" 2>/dev/null && [ -s "$shot" ]; then
    pass screenshot
    echo "# browser: screenshot $shot"
else
    fail screenshot "no screenshot"
fi
exit $((failures > 0))
