#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh JOB: boot Debian's stock kernel of series $SMM_KERNEL (6.12 by
# default, or 6.1) with shadow_mm and run the guest job scripts/guest/JOB.sh
# (run or bench).  Module parameters come from $SMM_ARGS.  This is `make run`
# and `make bench`.  For run, $SMM_ERA says whose bring-up: 2.6.29 (the
# default) or 6.12 prepend bringup= to the module parameters; both runs
# the job eras instead (guest/eras.sh: the two side by side).
set -euo pipefail
. "$(dirname "$0")/common.sh"

job=${1:-run}
if [ "$job" = run ]; then
	case ${SMM_ERA:-2.6.29} in
	2.6.29|6.12) export SMM_ARGS="bringup=${SMM_ERA:-2.6.29} ${SMM_ARGS:-}" ;;
	both)	job=eras ;;
	*)	die "ERA=${SMM_ERA} is not 2.6.29, 6.12 or both" ;;
	esac
fi
series=${SMM_KERNEL:-$SMM_SERIES_DEFAULT}
check_series "$series"
"$SMM_TOP/scripts/deps.sh" host trace pictures >&2
ver=$("$SMM_TOP/scripts/deps.sh" "stock:$series")
ko=$("$SMM_TOP/scripts/build.sh" "stock-$series" "/lib/modules/$ver/build")
# The user-space programs (tools/): the demo for run, the fault bench for bench.
make -s -C "$SMM_TOP" tools >&2 || die "building the user-space tools failed"
case "$job" in
run|eras)	bins=shadow_mm_demo ;;
bench)	bins=fault_bench ;;
*)	bins= ;;
esac
# The bench guest boots with 8 GiB (SMM_GUEST_MB overrides it), so that the
# kernel defers most of its struct-page init and prints how long that took:
# the reference for the bring-up per GiB.  QEMU takes guest memory lazily,
# but the per-GiB rows fill 6 GiB of it, so the host must have it to spare.
timeout=${SMM_TIMEOUT:-600}
if [ "$job" = bench ]; then
	export SMM_GUEST_MB=${SMM_GUEST_MB:-8192}
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	[ "$avail" -ge $((SMM_GUEST_MB + 1024)) ] ||
		die "the bench guest needs ${SMM_GUEST_MB} MiB and 1 GiB to spare, the host has ${avail} MiB available; SMM_GUEST_MB=1024 runs it without the per-GiB rows"
	timeout=${SMM_TIMEOUT:-1800}
fi
out="$SMM_TOP/.build/vm"
mkdir -p "$out"
SMM_BINS=trace-cmd "$SMM_TOP/scripts/initramfs.sh" "$out/$job-$series.cpio.gz" "$job" "$ko" \
	$(for b in $bins; do echo "$SMM_TOP/.build/tools/$b"; done)
log "booting Debian $ver under QEMU (TCG, ${SMM_GUEST_MB:-1024} MiB) for '$job'${SMM_ARGS:+ with $SMM_ARGS}"
rc=0
"$SMM_TOP/scripts/qemu.sh" "$SMM_CACHE/stock/$ver/vmlinuz" "$out/$job-$series.cpio.gz" \
	"$out/$job-$series.log" "$timeout" ${SMM_CMDLINE:-} > /dev/null || rc=$?
# Show the job's own output, not the kernel's boot chatter nor the files
# dumped for the pictures.
sed -n '/SMM-GUEST-START/,/^SMM-GUEST-DONE/p' "$out/$job-$series.log" |
	sed -e '/^SMM-DMESG-BEGIN/,/^SMM-DMESG-END/d' -e '/^SMM-BENCH-/d' \
	    -e '/^SMM-FILE-BEGIN/,/^SMM-FILE-END/d' -e '/^SMM-FILE-MISSING/d'
grep -q '^SMM-GUEST-DONE' "$out/$job-$series.log" ||
	die "the guest did not finish (rc $rc); see $out/$job-$series.log"
! grep -q '^SMM-CHECK fail' "$out/$job-$series.log" || die "a check failed"
[ "$job" = run ] || [ "$job" = eras ] || exit 0

# The pictures: unpack the files the guest dumped (gzip and base64 between
# SMM-FILE-BEGIN NAME and SMM-FILE-END NAME) into .build/pictures/data/ and
# draw them with Debian's python3 and matplotlib (not a python3 of PATH,
# which may lack matplotlib).
pics="$SMM_TOP/.build/pictures"
rm -rf "$pics"
mkdir -p "$pics/data"
awk -v dir="$pics/data" '
/^SMM-FILE-BEGIN / {
	name = ($2 ~ /^[A-Za-z0-9][A-Za-z0-9._-]*$/) ? $2 : ""
	if (name != "") { f = dir "/" name ".b64"; printf "" > f }
	next
}
/^SMM-FILE-END / { if (name != "") close(f); name = ""; next }
name != "" && /^[A-Za-z0-9+\/=]+$/ { print > f }
' "$out/$job-$series.log"
bad=
for b in "$pics"/data/*.b64; do
	[ -e "$b" ] || continue
	if ! base64 -d < "$b" 2>/dev/null | gunzip > "${b%.b64}" 2>/dev/null; then
		bad="$bad $(basename "${b%.b64}")"
		rm -f "${b%.b64}"
	fi
	rm -f "$b"
done
[ -z "$bad" ] || log "dumped files damaged in the log, left out:$bad"
{ grep '^SMM-FILE-MISSING' "$out/$job-$series.log" || true; } | while read -r _ name path; do
	log "the guest could not read $path: no $name"
done
echo "==== pictures (tools/smm_pictures.py $pics/data)"
only=
[ "$job" = eras ] && only="--only=both eras"
/usr/bin/python3 "$SMM_TOP/tools/smm_pictures.py" ${only:+"$only"} -o "$pics" "$pics/data" ||
	die "some pictures could not be drawn (above)"
