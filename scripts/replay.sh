#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# replay.sh: `make replay`.  Boot Debian's stock kernel of series
# $SMM_KERNEL (6.12 by default, or 6.1), record its own kmem events during
# a busybox workload, replay them through shadow_mm into SLAB, SLUB, SLOB
# and the buddy allocator, and print the three-strategy table.  $SMM_REPLAY
# holds the run's keys (slab=, arena_mb=, buddy_mb=, sample=), $SMM_ARGS
# the module parameters.  The whole report is kept in
# .build/replay/report-<series>.txt (Documentation/replay.rst).
set -euo pipefail
. "$(dirname "$0")/common.sh"

series=${SMM_KERNEL:-$SMM_SERIES_DEFAULT}
check_series "$series"
"$SMM_TOP/scripts/deps.sh" host pictures >&2
ver=$("$SMM_TOP/scripts/deps.sh" "stock:$series")
ko=$("$SMM_TOP/scripts/build.sh" "stock-$series" "/lib/modules/$ver/build")
out="$SMM_TOP/.build/replay"
mkdir -p "$out"
printf '%s\n' "${SMM_REPLAY:-}" > "$out/replay.args"
# Room for the ring buffer (48 MiB a CPU), the recorded trace, the scratch
# instances (3 x 128 + 256 MiB by default) and the host's own replay of
# the live set.
export SMM_GUEST_MB=${SMM_GUEST_MB:-3072}
"$SMM_TOP/scripts/initramfs.sh" "$out/replay-$series.cpio.gz" replay "$ko" "$out/replay.args"
log "booting Debian $ver under QEMU (TCG, ${SMM_GUEST_MB} MiB) for 'replay'"
rc=0
# init_on_alloc=0: Debian zeroes every host allocation by default, the
# shadow allocators only on __GFP_ZERO; compare like with like (as bench).
"$SMM_TOP/scripts/qemu.sh" "$SMM_CACHE/stock/$ver/vmlinuz" "$out/replay-$series.cpio.gz" \
	"$out/replay-$series.log" "${SMM_TIMEOUT:-1500}" init_on_alloc=0 ${SMM_CMDLINE:-} \
	> /dev/null || rc=$?
log="$out/replay-$series.log"
grep -q '^SMM-GUEST-DONE' "$log" || die "the guest did not finish (rc $rc); see $log"
sed -n '/^SMM-REPLAY-BEGIN/,/^SMM-REPLAY-END/p' "$log" | sed '1d;$d' > "$out/report-$series.txt"
sed -n '/SMM-GUEST-START/,/^==== echo .run/p' "$log" | grep -E '^(workload|trace|parsed):' || true
grep -E '^SMM-CHECK' "$log" || true
echo
echo "Trace replay on Debian $ver (full report: $out/report-$series.txt)"
grep '^#' "$out/report-$series.txt" | sed -n '2,5p'
awk '/^strategy /{h=1} h && /^$/{exit} h' "$out/report-$series.txt" | column -t
! grep -q '^SMM-CHECK fail' "$log" || die "a check failed; see $log"
# The slab strategies compared, as a picture (tools/smm_pictures.py reads
# the report as "replay" in its data directory and draws only slab.png).
pics="$SMM_TOP/.build/pictures/replay-$series"
mkdir -p "$pics/data"
cp "$out/report-$series.txt" "$pics/data/replay"
# It prints the path of what it drew; the pictures it skips for want of
# make run's files are no news here.
/usr/bin/python3 "$SMM_TOP/tools/smm_pictures.py" "$pics/data" -o "$pics" 2>&1 |
	grep -v '^smm_pictures: no ' || true
