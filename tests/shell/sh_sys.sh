# sh_sys: busybox's process and system applets, natively and in the appliance (outputs compared
# line by line): sleep ps kill pidof df dmesg free uptime timeout, mount's view of /proc, mount -t
# tmpfs/proc and umount, ls -l and readlink of /proc/PID/fd.
# What legitimately differs is normalised: pids become "PID", sizes and loads "N", the kernel
# log's text is not shown (the host's and the appliance's differ), only that it can be read.
cd /tmp || exit 1
echo "== sleep, pidof, ps, kill"
sleep 0.1 && echo "slept"
sleep 30 & p=$!
# Until the child has exec'd sleep it is a copy of this shell (natively, under load, it showed).
until tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -q '^sleep 30'; do sleep 0.01; done
[ "$(pidof sleep)" = "$p" ] && echo "pidof finds the sleeper"
pidof no-such-program || echo "pidof of nothing: status $?"
ps | head -n 1
ps | awk -v p="$p" '$1 == p { $1 = "PID"; $3 = "TIME"; print }'
ps | awk '$1 == 1 { $3 = "TIME"; print }'
[ "$(cat /proc/$p/comm 2>/dev/null || awk '{ print $2 }' /proc/$p/stat)" ] && echo "/proc/PID is there"
kill -0 $p && echo "kill -0: alive"
kill -STOP $p && sleep 0.1 && awk '{ print "state", $3 }' /proc/$p/stat
kill -CONT $p && sleep 0.1 && awk '{ print "state", $3 }' /proc/$p/stat
kill $p; wait $p 2>/dev/null; echo "killed: status $?" # ash's "Terminated": when it reaps (a race)
kill -0 $p 2>/dev/null || echo "kill -0 of a dead process fails"
kill -l 9; kill -l TERM
sleep 30 & p=$!; kill -9 $p; wait $p; echo "SIGKILL: status $?"
sh -c 'kill -USR1 $$; echo not reached'; echo "self SIGUSR1: status $?"
echo "== timeout"
timeout 1 sleep 5; echo "timed out: status $?"
timeout 5 true; echo "in time: status $?"
timeout -s KILL 1 sleep 5; echo "timeout -s KILL: status $?"
echo "== df"
df / | head -n 1
df -k / | awk 'NR == 2 { print NF, "fields" }'
df -k /tmp | awk 'NR == 2 { print ($2 > 0) ? "tmp has a size" : "tmp has none" }'
echo "== free, uptime"
free | awk 'NR == 1 { print $1, $2, $3 } NR > 1 { print $1 }'
uptime | sed 's/.*load average/load average/; s/[0-9][0-9.]*/N/g'
echo "== mount, dmesg"
grep -c ' /proc proc ' /proc/mounts
mount | grep -c ' on /proc type proc '
n=$(dmesg 2>/dev/null | wc -l); [ "$n" -gt 0 ] && echo "dmesg has lines" || echo "dmesg: none"
echo "== mount, umount"
mkdir -p /tmp/mt && mount -t tmpfs none /tmp/mt && echo "mounted"
touch /tmp/mt/x && ls /tmp/mt
grep -c ' /tmp/mt tmpfs ' /proc/mounts
mount | grep -c ' on /tmp/mt type tmpfs '
mkdir -p /tmp/mp && mount -t proc proc /tmp/mp && [ -L /tmp/mp/self ] && echo "proc mounted"
umount /tmp/mp && [ ! -e /tmp/mp/self ] && echo "proc unmounted"
umount /tmp/mt && echo "unmounted"
ls /tmp/mt | wc -l
mount -t nosuchfs none /tmp/mt 2>/dev/null || echo "unknown type refused"
umount /tmp/mt 2>/dev/null || echo "umount of a plain directory refused"
rmdir /tmp/mt /tmp/mp
echo "== /proc/PID/fd"
exec 7>/tmp/fdfile 8</tmp/fdfile
# Into a file, not a pipe: the shell holds a pipeline's descriptors only while it starts it.
ls -l /proc/$$/fd >/tmp/fdls 2>&1
awk '$(NF-2) == "7" || $(NF-2) == "8" { print $1, $(NF-2), $(NF-1), $NF }' /tmp/fdls
readlink /proc/self/fd/7 # readlink's own descriptor, inherited
ls /proc/$$/fd >/tmp/fdls && grep -cx 7 /tmp/fdls
rm /tmp/fdfile && readlink /proc/$$/fd/8
exec 7>&- 8<&-
ls /proc/$$/fd >/tmp/fdls; grep -cx 7 /tmp/fdls; rm /tmp/fdls
echo "== done"
