# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest jobs (busybox sh).  Each check prints one line,
# "SMM-CHECK pass NAME" or "SMM-CHECK fail NAME: why", which the host counts.

SMM_ARGS=$(cat /smm/args)
D=/sys/kernel/debug/shadow_mm

pass() { echo "SMM-CHECK pass $1"; }
fail() { echo "SMM-CHECK fail $1: $2"; }

# Free memory in kB: MemFree plus the pages on the per-CPU lists, which
# MemFree does not count and where freed pages land first.
memfree_kb() {
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	awk -v pcp="$pcp" '/^MemFree:/ { print $2 + pcp * 4 }' /proc/meminfo
}

# Let freed memory settle: drop caches so that MemFree compares like with like.
settle() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; sleep 1; }

# mem_back NAME BEFORE_KB [SLACK_KB]: free memory is back within SLACK_KB
# (default 4 MiB) of BEFORE_KB.  Freeing lags (deferred vfree, RCU), so look
# again for a few seconds before calling it a leak.  A leaked arena is 4 MiB
# at least.
mem_back() {
	slack=${3:-4096}
	tries=0
	while :; do
		settle
		after=$(memfree_kb)
		[ "$after" -ge $(( $2 - slack )) ] && break
		tries=$((tries + 1))
		[ $tries -ge 8 ] && break
	done
	if [ "$after" -ge $(( $2 - slack )) ]; then
		pass "$1 (free ${2} kB -> ${after} kB)"
	else
		fail "$1" "free ${2} kB -> ${after} kB, $(( $2 - after )) kB missing"
	fi
}

# dump_dmesg: the whole kernel log between markers, for the host's checks.
dump_dmesg() {
	echo "SMM-DMESG-BEGIN"
	dmesg
	echo "SMM-DMESG-END"
}


show_files() {
	for f in $(find "$1" -type f | sort); do
		echo "==== ${f#/sys/kernel/debug/}"
		cat "$f"
	done
}

# expect_errno NAME FILE TEXT MESSAGE: writing TEXT to FILE fails, and the
# shell's error names the errno by its strerror() text ("Invalid argument"
# for EINVAL, "Numerical result out of range" for ERANGE, "File exists"
# for EEXIST).
expect_errno() {
	out=$( { echo "$3" > "$2"; } 2>&1 )
	if [ $? -eq 0 ]; then
		fail "$1" "'$3' was accepted"
	elif echo "$out" | grep -q "$4"; then
		pass "$1"
	else
		fail "$1" "'$3': $out (want $4)"
	fi
}

# run_tool NAME ARGS...: one of the user-space tests in /smm (tools/*.c).
# They print their own checks and exit with the number that failed; one
# more check says whether the tool ran to the end.
run_tool() {
	t=$1
	shift
	if [ ! -x "/smm/$t" ]; then
		fail "$t ran to the end" "/smm/$t is not in the initramfs"
		return
	fi
	"/smm/$t" "$@"
	rc=$?
	if [ $rc -le 100 ]; then
		pass "$t ran to the end"
	else
		fail "$t ran to the end" "exit status $rc$([ $rc -gt 128 ] && echo ", signal $((rc - 128))")"
	fi
}
