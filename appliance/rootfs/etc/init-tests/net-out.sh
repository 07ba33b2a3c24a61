# The guest's own side of the end-to-end network tests (tests/net/e2e.sh; net.tab runs it once,
# after its services): once eth0 has its DHCP address and IPv6 its SLAAC address, ping the
# gateway (busybox ping over a raw ICMP socket), send a line to the host's service behind the
# guestfwd 10.0.2.100:1234 and print what comes back, and print the IPv6 addresses. Every line
# starts with "[net-out]" for e2e.sh to find; nothing waits longer than 30 s.
say() { sed 's/^/[net-out] /'; }
i=0
until grep -q '^fec0' /proc/net/if_inet6 2>/dev/null && ifconfig eth0 | grep -q 'inet addr:10.0.2.15'; do
    i=$((i + 1))
    [ $i -le 150 ] || { echo "no addresses within 30 s" | say; break; }
    sleep 0.2
done
ping -c 3 -W 5 10.0.2.2 2>&1 | say
echo "guestfwd hello from ringvisor" | nc -w 10 10.0.2.100 1234 2>&1 | sed 's/^/guestfwd got: /' | say
sed 's/^/if_inet6 /' /proc/net/if_inet6 | say
echo done | say
