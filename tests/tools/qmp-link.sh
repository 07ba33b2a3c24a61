#!/usr/bin/env bash
# Usage: qmp-link.sh LOG QMP_PORT DOWN_LINE UP_LINE
# For a scenario's SETUP (in the background): once DOWN_LINE (a fixed string) is in the serial
# LOG, take the link of netdev net0 down through QEMU's QMP socket on 127.0.0.1:QMP_PORT; once
# UP_LINE is, bring it up again. Waits at most 120 seconds for each; prints QEMU's answers.
set -uo pipefail
log=$1 port=$2 down=$3 up=$4
wait_line()
{
    local deadline=$((SECONDS + 120))
    until grep -aqF -- "$1" "$log" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || { echo "qmp-link: no '$1' in $log"; exit 1; }
        sleep 0.1
    done
}
wait_line "$down"
exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "qmp-link: no QMP on port $port"; exit 1; }
qmp()
{
    [ -z "$1" ] || echo "$1" >&3
    IFS= read -r -t 30 reply <&3 && echo "qmp: $reply"
}
qmp ""
qmp '{"execute":"qmp_capabilities"}'
qmp '{"execute":"set_link","arguments":{"name":"net0","up":false}}'
wait_line "$up"
qmp '{"execute":"set_link","arguments":{"name":"net0","up":true}}'
