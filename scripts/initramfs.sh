#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh OUT JOB [FILE...]: pack a busybox initramfs whose /init runs
# scripts/guest/JOB.sh, with the FILEs copied into /smm.  Module parameters
# for the job go in the SMM_ARGS environment variable; host programs the
# guest needs (slabtop) in SMM_BINS.
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$1 job=$2
shift 2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,smm,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
cp "$SMM_TOP/scripts/guest/init" "$root/init"
# Every guest script, so that a job can source the plug-ins of another
# (smoke.sh runs each smoke_*.sh, run.sh each run_*.sh).
cp "$SMM_TOP"/scripts/guest/*.sh "$root/smm/"
cp "$SMM_TOP/scripts/guest/$job.sh" "$root/smm/job.sh"
printf '%s\n' "${SMM_ARGS:-}" > "$root/smm/args"
printf '%s\n' "${SMM_BENCH:-}" > "$root/smm/bench"
for f in "$@"; do
	cp "$f" "$root/smm/"
done
# Host programs for the guest (SMM_BINS), with the libraries they load.
for b in ${SMM_BINS:-}; do
	p=$(command -v "$b") || die "no $b on the host"
	for f in "$p" $(ldd "$p" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
done
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
