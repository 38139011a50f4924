#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh JOB: boot Debian's stock 6.12 kernel with shadow_mm and run the
# guest job scripts/guest/JOB.sh (run or bench).  Module parameters come
# from $SMM_ARGS.  This is `make run` and `make bench`.
set -euo pipefail
. "$(dirname "$0")/common.sh"

job=${1:-run}
"$SMM_TOP/scripts/deps.sh" host >&2
ver=$("$SMM_TOP/scripts/deps.sh" stock)
ko=$("$SMM_TOP/scripts/build.sh" stock "/lib/modules/$ver/build")
# The user-space programs (tools/): the demo for run, the fault bench for bench.
make -s -C "$SMM_TOP" tools >&2 || die "building the user-space tools failed"
case "$job" in
run)	bins=shadow_mm_demo ;;
bench)	bins=fault_bench ;;
*)	bins= ;;
esac
out="$SMM_TOP/.build/vm"
mkdir -p "$out"
"$SMM_TOP/scripts/initramfs.sh" "$out/$job.cpio.gz" "$job" "$ko" \
	$(for b in $bins; do echo "$SMM_TOP/.build/tools/$b"; done)
log "booting Debian $ver under QEMU (TCG) for '$job'${SMM_ARGS:+ with $SMM_ARGS}"
rc=0
"$SMM_TOP/scripts/qemu.sh" "$SMM_CACHE/stock/$ver/vmlinuz" "$out/$job.cpio.gz" \
	"$out/$job.log" "${SMM_TIMEOUT:-600}" ${SMM_CMDLINE:-} > /dev/null || rc=$?
# Show the job's own output, not the kernel's boot chatter.
sed -n '/SMM-GUEST-START/,/^SMM-GUEST-DONE/p' "$out/$job.log" |
	sed -e '/^SMM-DMESG-BEGIN/,/^SMM-DMESG-END/d' -e '/^SMM-BENCH-/d'
grep -q '^SMM-GUEST-DONE' "$out/$job.log" || die "the guest did not finish (rc $rc); see $out/$job.log"
! grep -q '^SMM-CHECK fail' "$out/$job.log" || die "a check failed"
