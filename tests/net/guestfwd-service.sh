#!/usr/bin/env bash
# Usage: guestfwd-service.sh FILE
# The host's service behind the e2e test's guestfwd (tests/net/e2e.sh): QEMU's user network runs
# it for each connection the guest opens to 10.0.2.100:1234, the connection being its stdin and
# stdout. It reads one line, appends it to FILE, answers "host: LINE" and ends, which closes the
# guest's connection.
IFS= read -r line
printf '%s\n' "$line" >>"$1"
printf 'host: %s\n' "$line"
