#!/usr/bin/env bash
# Usage: curl-checks.sh URL DOCROOT
# curl over every endpoint of httpd at URL (http://127.0.0.1:PORT, natively or through QEMU's
# forward): status codes, headers and bodies, each file compared with its copy under DOCROOT (the
# staged initramfs's /www). One "PASS: httpd curl/NAME" or "FAIL: httpd curl/NAME: why" line per
# check; exit status 1 when any failed. The fast-trap checks follow what the server says of the
# switch: flipped both ways when it is writable (and put back), 403 when it is not.
set -uo pipefail

[ $# -eq 2 ] || { echo "usage: $0 URL DOCROOT" >&2; exit 2; }
url=${1%/} root=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/curl-checks.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
suite=${SUITE:-curl}
pass() { echo "PASS: httpd $suite/$1"; }
fail() { echo "FAIL: httpd $suite/$1: $2"; failures=$((failures + 1)); }

# fetch NAME CURL-ARGS...: headers in $work/NAME.h (CR removed), body in $work/NAME.b, status echoed.
fetch()
{
    local name=$1
    shift
    curl -sS --max-time 20 -D "$work/$name.h.raw" -o "$work/$name.b" -w '%{http_code}' "$@" 2>"$work/$name.err" ||
        echo "curl failed: $(cat "$work/$name.err")" >"$work/$name.b"
    tr -d '\r' <"$work/$name.h.raw" >"$work/$name.h" 2>/dev/null || : >"$work/$name.h"
}
header() { sed -n "s/^$2: //Ip" "$work/$1.h" | tail -n 1; }

# A static file: 200, its content type, its exact bytes, its length and validators.
check_file() # NAME PATH FILE TYPE
{
    local name=$1 path=$2 file=$3 type=$4 st
    st=$(fetch "$name" "$url$path")
    if [ "$st" != 200 ]; then
        fail "$name" "GET $path: status $st"
    elif [ "$(header "$name" Content-Type)" != "$type" ]; then
        fail "$name" "GET $path: Content-Type '$(header "$name" Content-Type)', expected '$type'"
    elif ! cmp -s "$work/$name.b" "$file"; then
        fail "$name" "GET $path: the body differs from $file"
    elif [ "$(header "$name" Content-Length)" != "$(wc -c <"$file")" ]; then
        fail "$name" "GET $path: Content-Length $(header "$name" Content-Length), file $(wc -c <"$file")"
    elif [ -z "$(header "$name" ETag)" ] || [ -z "$(header "$name" Last-Modified)" ]; then
        fail "$name" "GET $path: no ETag or Last-Modified"
    else
        pass "$name"
    fi
}

check_file index_html / "$root/index.html" "text/html; charset=utf-8"
check_file index_html_by_name /index.html "$root/index.html" "text/html; charset=utf-8"
check_file dashboard_js /dashboard.js "$root/dashboard.js" "text/javascript; charset=utf-8"
check_file dashboard_css /dashboard.css "$root/dashboard.css" "text/css; charset=utf-8"
check_file favicon_svg /favicon.svg "$root/favicon.svg" "image/svg+xml"
check_file dygraphs_large_file /lib/dygraph.min.js "$root/lib/dygraph.min.js" "text/javascript; charset=utf-8"
check_file dygraphs_copyright /lib/dygraph.copyright.txt "$root/lib/dygraph.copyright.txt" "text/plain; charset=utf-8"
check_file query_ignored "/favicon.svg?x=1&y=2" "$root/favicon.svg" "image/svg+xml"
check_file dot_segments "/lib/../lib/./dygraph.min.css" "$root/lib/dygraph.min.css" "text/css; charset=utf-8"

# HEAD: the GET's headers, no body. curl -I reads no body at all, so the raw answer is read
# here through bash's /dev/tcp, up to the server's close: it must end with the header block.
raw_head() # PATH -> the raw answer to HEAD PATH (Connection: close) in $work/raw
{
    local hostport=${url#http://}
    hostport=${hostport%%/*}
    timeout 20 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1##*:}" && printf "HEAD %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" "$2" >&3 && cat <&3' \
        _ "$hostport" "$1" >"$work/raw" 2>/dev/null
}
check_head() # NAME PATH GET-NAME
{
    local name=$1 len
    raw_head "$2"
    tr -d '\r' <"$work/raw" >"$work/$name.h"
    len=$(header "$name" Content-Length)
    if [ "$(head -n 1 "$work/$name.h")" != "HTTP/1.1 200 OK" ]; then
        fail "$name" "HEAD $2: $(head -n 1 "$work/$name.h")"
    elif [ "$(tail -c 4 "$work/raw" | od -An -tx1 | tr -d ' ')" != 0d0a0d0a ]; then
        fail "$name" "HEAD $2: bytes after the header block"
    elif [ -n "$3" ] && { [ "$len" != "$(header "$3" Content-Length)" ] || [ "$(header "$name" ETag)" != "$(header "$3" ETag)" ]; }; then
        fail "$name" "HEAD $2: Content-Length or ETag differ from the GET's"
    elif [ -z "$len" ]; then
        fail "$name" "HEAD $2: no Content-Length"
    else
        pass "$name"
    fi
}
check_head head / index_html
check_head head_large_file /lib/dygraph.min.js dygraphs_large_file

# Conditional GET: If-None-Match (exact, weak, list, *), If-Modified-Since; 304 carries the
# validators and no body; a mismatch or an older date is a full 200.
etag=$(header index_html ETag) modified=$(header index_html Last-Modified)
cond() # NAME EXPECTED HEADER
{
    local st
    st=$(fetch "$1" -H "$3" "$url/")
    if [ "$st" != "$2" ]; then
        fail "$1" "'$3': status $st, expected $2"
    elif [ "$2" = 304 ] && { [ -s "$work/$1.b" ] || [ "$(header "$1" ETag)" != "$etag" ]; }; then
        fail "$1" "'$3': 304 with a body or without the ETag"
    else
        pass "$1"
    fi
}
cond if_none_match_304 304 "If-None-Match: $etag"
cond if_none_match_weak_304 304 "If-None-Match: W/$etag"
cond if_none_match_list_304 304 "If-None-Match: \"nope\", $etag"
cond if_none_match_star_304 304 "If-None-Match: *"
cond if_none_match_other_200 200 "If-None-Match: \"0-0\""
cond if_modified_since_304 304 "If-Modified-Since: $modified"
cond if_modified_since_future_304 304 "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"
cond if_modified_since_old_200 200 "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT"
cond if_modified_since_garbage_200 200 "If-Modified-Since: yesterday"
cond if_none_match_wins_200 200 "If-None-Match: \"0-0\""$'\r\n'"If-Modified-Since: $modified"

# Errors and redirects.
expect_status() # NAME EXPECTED CURL-ARGS...
{
    local name=$1 want=$2 st
    shift 2
    st=$(fetch "$name" "$@")
    if [ "$st" = "$want" ]; then pass "$name"; else fail "$name" "status $st, expected $want"; fi
}
expect_status not_found 404 "$url/no-such-file"
expect_status not_found_deep 404 "$url/lib/no/such/file.js"
expect_status dir_redirect 301 "$url/lib"
if [ "$(header dir_redirect Location)" = /lib/ ]; then pass dir_redirect_location; else
    fail dir_redirect_location "Location '$(header dir_redirect Location)', expected /lib/"; fi
expect_status dir_without_index 404 "$url/lib/"
expect_status traversal 400 --path-as-is "$url/../../etc/passwd"
expect_status post_static_405 405 -X POST -d x "$url/index.html"
if [ "$(header post_static_405 Allow)" = "GET, HEAD" ]; then pass post_static_405_allow; else
    fail post_static_405_allow "Allow '$(header post_static_405 Allow)'"; fi
expect_status delete_stats_405 405 -X DELETE "$url/api/stats"
expect_status http10 200 --http1.0 "$url/favicon.svg"
if [ "$(header http10 Connection)" = close ]; then pass http10_connection_close; else
    fail http10_connection_close "HTTP/1.0 without keep-alive: Connection '$(header http10 Connection)'"; fi
expect_status http10_keepalive 200 --http1.0 -H "Connection: keep-alive" "$url/favicon.svg"
if [ "$(header http10_keepalive Connection)" = keep-alive ]; then pass http10_keepalive_header; else
    fail http10_keepalive_header "Connection '$(header http10_keepalive Connection)'"; fi

# Keep-alive: two requests in one curl run share the connection.
if curl -sS -v --max-time 20 -o /dev/null -o /dev/null "$url/favicon.svg" "$url/dashboard.css" 2>&1 |
    grep -q -i 're-using existing connection'; then
    pass keep_alive_reuse
else
    fail keep_alive_reuse "curl opened a second connection"
fi

# /api/stats: valid JSON of the documented shape, no caching; HEAD has the same length.
st=$(fetch stats "$url/api/stats")
if [ "$st" != 200 ] || [ "$(header stats Content-Type)" != application/json ]; then
    fail api_stats "status $st, Content-Type '$(header stats Content-Type)'"
elif ! jq -e . "$work/stats.b" >/dev/null 2>&1; then
    fail api_stats "not JSON: $(head -c 200 "$work/stats.b")"
elif ! jq -e 'has("sample_ms") and has("uptime_s") and has("fast_trap") and has("memory") and
        has("processes") and has("syscalls") and has("hypercalls") and has("bounces") and has("batches")
        and has("events") and has("guest") and has("hypervisor") and (.net | has("available"))
        and (.tcp | has("available")) and (.httpd.requests > 0)' "$work/stats.b" >/dev/null; then
    fail api_stats "a documented field is missing: $(head -c 300 "$work/stats.b")"
elif [ "$(header stats Cache-Control)" != no-store ]; then
    fail api_stats "Cache-Control '$(header stats Cache-Control)', expected no-store"
else
    pass api_stats
fi
if jq -e '.syscalls.fast >= 0 and .syscalls.bounced >= 0 and (.hypercalls | length) > 0 and
        .memory.total_kb > 0 and .batches.mmu_update.calls >= 0' "$work/stats.b" >/dev/null 2>&1; then
    pass api_stats_figures
else
    fail api_stats_figures "no system-call, hypercall or memory figures: $(head -c 300 "$work/stats.b")"
fi
check_head api_stats_head /api/stats ""

# The fast-trap switch.
st=$(fetch ft "$url/api/fasttrap")
if [ "$st" != 200 ] || ! jq -e 'has("fast_trap") and has("writable")' "$work/ft.b" >/dev/null 2>&1; then
    fail api_fasttrap "GET /api/fasttrap: status $st, $(head -c 200 "$work/ft.b")"
else
    pass api_fasttrap
    was=$(jq -r '.fast_trap' "$work/ft.b")
    if [ "$(jq -r .writable "$work/ft.b")" = true ]; then
        for want in 0 1; do
            st=$(fetch ft_set "$url/api/fasttrap" -d "$want")
            now=$(fetch ft_get "$url/api/stats" >/dev/null; jq -r '.fast_trap.on' "$work/ft_get.b")
            expect=$([ "$want" = 1 ] && echo true || echo false)
            if [ "$st" = 200 ] && [ "$now" = "$expect" ]; then pass "api_fasttrap_set_$want"; else
                fail "api_fasttrap_set_$want" "POST $want: status $st, /api/stats says $now"; fi
        done
        [ "$was" = true ] || fetch ft_restore "$url/api/fasttrap" -d 0 >/dev/null
        expect_status api_fasttrap_bad_body 400 "$url/api/fasttrap" -d maybe
    else
        expect_status api_fasttrap_readonly_403 403 "$url/api/fasttrap" -d 0
        now=$(fetch ft_after "$url/api/fasttrap" >/dev/null; jq -r '.fast_trap' "$work/ft_after.b")
        if [ "$now" = "$was" ]; then pass api_fasttrap_readonly_unchanged; else
            fail api_fasttrap_readonly_unchanged "the switch moved from $was to $now"; fi
    fi
fi
expect_status api_fasttrap_put_405 405 -X PUT -d 1 "$url/api/fasttrap"

exit $((failures > 0))
