#!/usr/bin/env bash
# Usage: screendump.sh LOG LINE OUT.ppm QMP_PORT
# For a scenario's SETUP (in the background): once LINE (a fixed string) is in the serial LOG,
# take a screendump through QEMU's QMP socket on 127.0.0.1:QMP_PORT into OUT.ppm, then quit
# QEMU. Waits at most SHOT_TIMEOUT (120) seconds for the line; prints QEMU's answers.
set -uo pipefail
log=$1 line=$2 out=$3 port=$4
deadline=$((SECONDS + ${SHOT_TIMEOUT:-120}))
until grep -aqF -- "$line" "$log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "screendump: no '$line' in $log"; exit 1; }
    sleep 0.1
done
exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "screendump: no QMP on port $port"; exit 1; }
qmp()
{
    [ -z "$1" ] || echo "$1" >&3
    IFS= read -r -t 30 reply <&3 && echo "qmp: $reply"
}
qmp ""                                   # the greeting
qmp '{"execute":"qmp_capabilities"}'
qmp "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$out\"}}"
qmp '{"execute":"quit"}'
