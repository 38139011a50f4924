#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh KERNEL INITRD LOG TIMEOUT [CMDLINE...]: boot a guest under TCG (KVM
# does not work on these machines), console on stdout and in LOG.  Exits 124
# on timeout, else with QEMU's status.
set -uo pipefail
. "$(dirname "$0")/common.sh"

kernel=$1 initrd=$2 logf=$3 limit=$4
shift 4
timeout --foreground -k 10 "$limit" \
	qemu-system-x86_64 -accel tcg -cpu max -m "${SMM_GUEST_MB:-1024}" -smp 2 \
	-nographic -no-reboot -monitor none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic quiet $*" </dev/null 2>&1 |
	sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' -e 's/\r$//' | tee "$logf"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && log "guest timed out after ${limit}s"
exit "$rc"
