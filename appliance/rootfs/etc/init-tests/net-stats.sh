# For tests/net/hostile.sh and churn.sh, on each connection to port 23 (nc -ll -e): lwIP's pools and
# counters, the guest's free memory and IPv6 addresses, then "end"; then it waits for the host
# to close first,
# so that no TIME-WAIT connection stays on the guest's side to change the counts.
cat /proc/net/lwip
grep MemFree /proc/meminfo
cat /proc/net/if_inet6
echo end
cat >/dev/null
