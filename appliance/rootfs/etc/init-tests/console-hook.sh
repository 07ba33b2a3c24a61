# The console hook of the appliance's tests (appliance.tab; tests/lib/appliance.sh): init runs it
# once, after the services. It reads commands typed on the serial console, one a line:
#   segv      SIGSEGV to httpd, saying when (the guest's uptime) and to which pid
#   uptime    the guest's uptime
#   ps        the processes
#   small-httpd / small-httpd-stop   a second httpd on port 81 with 8 connections at most and
#             30 s timeouts (the connection-limit checks: 9 connections open quickly through
#             QEMU's forward, 257 do not), and its SIGTERM
#   poweroff  asks init to power off (/sbin/poweroff: SIGUSR2 to init)
# Test-only: the shipped /etc/inittab does not run it.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
now() { read -r up _ </proc/uptime && echo "$up"; }
small=""
echo "[hook] ready"
while read -r cmd; do
    case $cmd in
    segv)
        pid=$(pidof httpd)
        [ -z "$small" ] || pid=$(echo $pid | tr ' ' '\n' | grep -vx "$small")
        echo "[hook] SIGSEGV to httpd (pid $pid) at $(now) s"
        kill -SEGV $pid
        ;;
    uptime) echo "[hook] uptime $(now) s" ;;
    small-httpd)
        /sbin/httpd --port 81 --root /www --max-conns 8 --request-timeout 30 --idle-timeout 30 &
        small=$!
        ;;
    small-httpd-stop)
        kill -TERM $small
        wait $small
        echo "[hook] small httpd ended with status $?"
        ;;
    ps) ps ;;
    poweroff)
        echo "[hook] poweroff"
        exec /sbin/poweroff
        ;;
    *) echo "[hook] unknown command '$cmd'" ;;
    esac
done
echo "[hook] the console closed"
