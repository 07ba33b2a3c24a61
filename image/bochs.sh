#!/usr/bin/env bash
# Boots an ISO under Bochs, headless: the second emulator of the tests. Unlike QEMU's TCG, Bochs
# enforces segment limits and models the TLB exactly, which the isolation tests need.
#
#   bochs.sh --iso FILE --serial-file FILE [--cpu MODEL] [--mem MB]
#
# Bochs 2.7 (Debian) has no "nogui" display: the "term" library runs headless with TERM=dumb, its
# screen output going to WORK/screen.txt next to the serial file. Its debugger is compiled in, so
# it is told to continue and quit (-rc). A power-off through the ACPI port ends Bochs with status 1
# (it reports it as a "panic"), so callers judge by the serial log. Environment: BUILD (build).
set -euo pipefail

iso="" serial="" cpu=corei7_ivy_bridge_3770k mem=128
while [ $# -gt 0 ]; do
    case $1 in
    --iso) iso=$2; shift ;;
    --serial-file) serial=$2; shift ;;
    --cpu) cpu=$2; shift ;;
    --mem) mem=$2; shift ;;
    *) sed -n '5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$iso" ] || [ -z "$serial" ]; then
    sed -n '5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
[ -f "$iso" ] || { echo "bochs.sh: no ISO at $iso" >&2; exit 2; }
command -v bochs >/dev/null || { echo "bochs.sh: bochs is not installed (make deps)" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/bochs.XXXXXX")
trap 'rm -rf "$dir"' EXIT
: >"$serial"
cat >"$dir/bochsrc" <<EOF_RC
megs: $mem
cpu: model=$cpu
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$(realpath "$iso"), status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$(realpath "$serial")
display_library: term
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
EOF_RC
printf 'c\nq\n' >"$dir/rc"
# Bochs runs in the background so that a signal to this script (a test's timeout) reaches it
# too: otherwise it would outlive us, emulating on for ever.
status=0
TERM=dumb bochs -q -f "$dir/bochsrc" -rc "$dir/rc" </dev/null >"$dir/screen.txt" 2>&1 &
bochs_pid=$!
# SIGKILL: bochs-bin ignores SIGTERM (orphans found emulating on for an hour after their tests).
trap 'kill -KILL "$bochs_pid" 2>/dev/null; pkill -KILL -P "$bochs_pid" 2>/dev/null; rm -rf "$dir"; exit 143' TERM INT HUP
wait "$bochs_pid" || status=$?
trap 'rm -rf "$dir"' EXIT
# Debian's Bochs 2.7 now and then dies of SIGSEGV on its way out after the ACPI power-off (seen
# twice in five runs on a loaded machine): the machine had ended as asked, so that is the
# power-off's status 1, said in the log.
segv_after_poweroff=0
if [ "$status" = 139 ] && grep -aq 'ACPI control: soft power off' "$dir/bochs.log"; then
    status=1 segv_after_poweroff=1
fi
# Bochs's own complaints (errors and panics: a fault it refused, the power-off) follow the log,
# the power-off without the "panic" Bochs calls it.
{ echo
    grep -aE '^[0-9]+[ep]\[' "$dir/bochs.log" | sed -e 's/^/# bochs: /' \
        -e 's/>>PANIC<< ACPI control: soft power off/ACPI control: soft power off, Bochs ends/'
    [ "$segv_after_poweroff" = 0 ] || echo "# bochs: SIGSEGV after the power-off (Bochs's own exit): taken as the power-off"
} >>"$serial" || true
exit "$status"
