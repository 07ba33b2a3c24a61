# Sourced by the scenario runner: host TCP ports for QEMU's forwards, taken without a race.
#
#   port_take VAR      a port from 20000 up to the kernel's ephemeral range (32767 by default:
#                      /proc/sys/net/ipv4/ip_local_port_range) that nothing listens on, into VAR.
#                      Below that range no client connection (wrk's, curl's, one in TIME_WAIT)
#                      can hold the port as its local end and make QEMU's bind fail. It is reserved
#                      by an flock on ${TMPDIR:-/tmp}/ringvisor-ports/PORT, held on a descriptor
#                      of this shell (and inherited by QEMU): every runner on the machine, in any
#                      tree, skips a locked port, and a runner that dies frees its ports with its
#                      descriptors, so no stale reservation is left. Status 1 with a message on
#                      stderr when 200 tries find none.
#   port_release_all   gives back every port this shell took.
# Between port_take and QEMU's bind a program outside this scheme may still take the port: the
# runner then sees it in QEMU's stderr (port_in_use_error FILE) and boots again with another.

PORT_LOCK_DIR=${TMPDIR:-/tmp}/ringvisor-ports
PORT_FDS=()

# A connection accepted means somebody listens there.
port_listening()
{
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_take()
{
    local var=$1 port fd i
    if [ ! -d "$PORT_LOCK_DIR" ]; then
        mkdir -p "$PORT_LOCK_DIR" && chmod 1777 "$PORT_LOCK_DIR" 2>/dev/null
    fi
    local first=20000 last=39999 eph
    read -r eph _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph=""
    [ -n "$eph" ] && [ "$eph" -gt $((first + 1000)) ] && last=$((eph - 1))
    for ((i = 0; i < 200; i++)); do
        port=$((first + (RANDOM * 32768 + RANDOM) % (last - first + 1)))
        # Another user's lock file may not be ours to open: then the port is theirs. (The braces
        # keep the 2>/dev/null to this open: on exec itself it would silence the caller for good.)
        { exec {fd}>>"$PORT_LOCK_DIR/$port"; } 2>/dev/null || continue
        if ! flock -n "$fd" || port_listening "$port"; then
            exec {fd}>&-
            continue
        fi
        chmod 666 "$PORT_LOCK_DIR/$port" 2>/dev/null
        PORT_FDS+=("$fd")
        printf -v "$var" '%s' "$port"
        return 0
    done
    echo "ports: no free port in $first-$last after 200 tries" >&2
    return 1
}

port_release_all()
{
    local fd
    for fd in "${PORT_FDS[@]}"; do
        exec {fd}>&-
    done
    PORT_FDS=()
}

# QEMU's stderr (file $1) says a host port it was given is taken.
port_in_use_error()
{
    grep -qiE 'could not set up host forwarding|Failed to find an available port|Address already in use' "$1"
}
