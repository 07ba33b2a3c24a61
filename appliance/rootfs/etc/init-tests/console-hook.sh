# The console hook of the appliance's tests (appliance.tab; tests/lib/appliance.sh): init runs it
# once, after the services. It reads commands typed on the serial console, one a line:
#   segv      SIGSEGV to httpd, saying when (the guest's uptime) and to which pid
#   uptime    the guest's uptime
#   ps        the processes
#   poweroff  asks init to power off (/sbin/poweroff: SIGUSR2 to init)
# Test-only: the shipped /etc/inittab does not run it.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
now() { read -r up _ </proc/uptime && echo "$up"; }
echo "[hook] ready"
while read -r cmd; do
    case $cmd in
    segv)
        pid=$(pidof httpd)
        echo "[hook] SIGSEGV to httpd (pid $pid) at $(now) s"
        kill -SEGV $pid
        ;;
    uptime) echo "[hook] uptime $(now) s" ;;
    ps) ps ;;
    poweroff)
        echo "[hook] poweroff"
        exec /sbin/poweroff
        ;;
    *) echo "[hook] unknown command '$cmd'" ;;
    esac
done
echo "[hook] the console closed"
