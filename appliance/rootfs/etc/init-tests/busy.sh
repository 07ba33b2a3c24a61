# For tests/bench/net.sh --insns, on each connection to port 23 (nc -ll -e): "busy N", the CPU's
# cycles so far not spent halted (/proc/hypervisor's busy_tsc; instructions under -icount).
while read -r k v; do
    [ "$k" = busy_tsc ] && echo "busy $v"
done </proc/hypervisor
