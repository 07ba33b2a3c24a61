#!/bin/busybox sh
# shellcheck shell=dash
# /init of the Linux VM's network benchmarks (the initramfs of tests/bench/linux-vm.sh
# --net-initramfs): Debian's kernel, its own network drivers, and the same servers as the
# appliance's /etc/init-tests/bench-net.tab on the same ports: echod on 7, a 64 MB netbulk source
# on 19, a sink on 9; the web servers swap places: busybox httpd (Debian's, the Linux VM's own) on
# 80 and the appliance's httpd on 8080, both serving the appliance's /www; on 23 the CPU's busy
# nanoseconds ("busy N": the clock less the idle time, instructions under -icount shift=0; the
# appliance's busy.sh gives its hypervisor's busy cycles the same way) for net.sh --insns. Prints
# "# linux-net: serving" once everything started; any failure is printed and powers the VM off
# (panic=-1 with QEMU's -no-reboot ends QEMU).
/bin/busybox mount -t proc proc /proc
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
fail() { echo "# linux-net: FAILED: $*"; exit 1; }
# The drivers for QEMU's virtio-net and e1000; the one whose card is absent finds nothing to drive.
while read -r m; do
    insmod "/lib/modules/$m.ko" || fail "insmod $m"
done </lib/modules/order
ip link set lo up || fail "lo"
if ! { ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2; }; then
    fail "eth0 (no network card driven?)"
fi
/bin/echod --port 7 &
/bin/netbulk source 19 67108864 &
/bin/netbulk sink 9 &
/sbin/httpd --port 8080 --root /www &
# shellcheck disable=SC2016 # awk's program
nc -ll -p 23 -e awk '/^now at / { now = $3 } /idle_sleeptime/ { idle += $3 }
    END { printf "busy %.0f\n", now - idle }' /proc/timer_list &
echo "# linux-net: serving"
exec busybox httpd -f -p 80 -h /www
