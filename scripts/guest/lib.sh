# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest jobs (busybox sh).  Each check prints one line,
# "SMM-CHECK pass NAME" or "SMM-CHECK fail NAME: why", which the host counts.

SMM_ARGS=$(cat /smm/args)
D=/sys/kernel/debug/shadow_mm
# The load for the fork, copy-on-write and swap tests: a small arena, so
# that overcommitting it takes little time under TCG, and three times as
# much swap.
SMM_SWAP_ARGS="arena_mb=16 swap_mb=48"

# era_args: the bringup= word of $SMM_ARGS (the last one), or nothing.
era_args() {
	local w e=
	for w in $SMM_ARGS; do
		case $w in bringup=*) e=$w ;; esac
	done
	echo "$e"
}

# SMM_PREFIX goes before the name of every check while it is set (era_phase
# sets it to "6.12 era: "), the user-space tools' checks too (run_tool),
# so that the same checks run again keep unique names.  SMM_ERA_ARG is
# added to the module parameters of swap_phase's load.
SMM_PREFIX=
SMM_ERA_ARG=

pass() { echo "SMM-CHECK pass $SMM_PREFIX$1"; }
fail() { echo "SMM-CHECK fail $SMM_PREFIX$1: $2"; }

# swap_phase WHERE [STRESS_SECONDS]: load shadow_mm with $SMM_SWAP_ARGS
# (and $SMM_ERA_ARG), run fault_test's fork and swap tests (and the mm stress for
# STRESS_SECONDS, if given), the checker, unload, and look for the host
# memory: arena and swap area both come back.  KUnit suites linked into
# the module run again at this load unless the kernel lets us filter them
# out at run time (6.12's kunit.filter_glob is writable, 6.1's is not).
swap_phase() {
	where=$1
	if [ -w /sys/module/kunit/parameters/filter_glob ]; then
		echo "shadow_mm_no_suite_again" > /sys/module/kunit/parameters/filter_glob
	fi
	settle
	b=$(memfree_kb)
	if ! insmod /smm/shadow_mm.ko $SMM_SWAP_ARGS $SMM_ERA_ARG; then
		fail "insmod $SMM_SWAP_ARGS ($where)" "insmod failed"
		return
	fi
	pass "insmod $SMM_SWAP_ARGS ($where)"
	if [ -n "$SMM_ERA_ARG" ]; then
		grep -q "^default .* ${SMM_ERA_ARG#bringup=}\$" $D/control &&
			pass "the swap load replays ${SMM_ERA_ARG#bringup=} ($where)" ||
			fail "the swap load replays ${SMM_ERA_ARG#bringup=} ($where)" "$(cat $D/control)"
	fi
	# 48 MiB of slots, the first the header page as in a real swap area.
	size=$(awk 'NR > 1 { n++; s += $3 } END { print (n == 1 ? s : -n) }' $D/default/swaps)
	if [ "$size" = 49148 ] || [ "$size" = 49152 ]; then
		pass "swap_mb=48: one area of 48 MiB in swaps ($where)"
	else
		fail "swap_mb=48: one area of 48 MiB in swaps ($where)" "$(cat $D/default/swaps)"
	fi
	if grep -qE "^SwapTotal: +$size kB\$" $D/default/meminfo; then
		pass "swap_mb=48: meminfo's SwapTotal is the area's size ($where)"
	else
		fail "swap_mb=48: meminfo's SwapTotal is the area's size ($where)" \
			"$(grep Swap $D/default/meminfo || echo 'no Swap lines in meminfo')"
	fi
	run_tool fault_test --swap
	# The swap cache in kpageflags and kpagecount.
	run_tool kpf_test --swap
	if [ -n "${2:-}" ]; then
		run_tool stress mm "$2"
	fi
	if echo check > $D/default/control; then
		pass "check after the swap phase ($where)"
	else
		fail "check after the swap phase ($where)" "check failed: $(dmesg | tail -n 3)"
	fi
	grep -q '^pages_resident  *0$' $D/default/faults && grep -q '^mappings  *0$' $D/default/faults &&
	   ! grep -qE '^(mapping|mm) ' $D/default/faults &&
		pass "nothing mapped after the swap phase ($where)" ||
		fail "nothing mapped after the swap phase ($where)" "$(cat $D/default/faults)"
	rmmod shadow_mm && pass "rmmod after the swap phase ($where)"
	mem_back "host memory back after the swap phase: arena and swap area ($where)" "$b" ${3:-4096}
}

# era_phase ERA WHERE STRESS_SECONDS [SLACK_KB]: the user-space fault
# tests once more, on a default instance with bringup=ERA: fault_test and
# kpf_test on the default arena, the checker, unload, memory back; then
# swap_phase with bringup=ERA.  Every check's name starts with "ERA era: ".
era_phase() {
	SMM_PREFIX="$1 era: "
	SMM_ERA_ARG="bringup=$1"
	settle
	b=$(memfree_kb)
	if insmod /smm/shadow_mm.ko bringup=$1; then
		pass "insmod bringup=$1 ($2)"
		grep -q "^default .* $1\$" $D/control && pass "the default instance replays $1 ($2)" ||
			fail "the default instance replays $1 ($2)" "$(cat $D/control)"
		run_tool fault_test
		run_tool kpf_test
		if echo check > $D/default/control; then
			pass "check after fault_test and kpf_test ($2)"
		else
			fail "check after fault_test and kpf_test ($2)" "check failed: $(dmesg | tail -n 3)"
		fi
		rmmod shadow_mm && pass "rmmod after the fault tests ($2)"
		mem_back "host memory back after the fault tests ($2)" "$b" ${4:-4096}
	else
		fail "insmod bringup=$1 ($2)" "insmod failed: $(dmesg | tail -n 3)"
	fi
	swap_phase "$2" "$3" "${4:-}"
	SMM_PREFIX=
	SMM_ERA_ARG=
}

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

# dmesg_mark; ...; dmesg_new: the kernel log lines that came after the mark.
# By content, not by count: once the log buffer is full, old lines drop out
# as new ones come, and the line count stays where it is.
dmesg_mark() {
	dmesg > /tmp/dmesg.mark
}
dmesg_new() {
	dmesg | grep -vxFf /tmp/dmesg.mark
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
	if [ -n "$SMM_PREFIX" ]; then
		# The tools flush every line, so a crash loses nothing in the pipe.
		{ "/smm/$t" "$@"; echo $? > /tmp/run_tool.rc; } |
			sed -E "s/^SMM-CHECK (pass|fail|skip) /SMM-CHECK \1 $SMM_PREFIX/"
		rc=$(cat /tmp/run_tool.rc)
	else
		"/smm/$t" "$@"
		rc=$?
	fi
	if [ $rc -le 100 ]; then
		pass "$t ran to the end"
	else
		fail "$t ran to the end" "exit status $rc$([ $rc -gt 128 ] && echo ", signal $((rc - 128))")"
	fi
}

# side_by_side WIDTH LEFT_TITLE LEFT_FILE RIGHT_TITLE RIGHT_FILE: two files
# in two columns under their titles; the left column is WIDTH characters,
# or as wide as its longest line.
side_by_side() {
	awk -v w="$1" -v lt="$2" -v rt="$4" '
		FILENAME == ARGV[1] { l[++nl] = $0; if (length($0) > w) w = length($0); next }
		{ r[++nr] = $0 }
		END {
			fmt = "%-" w "s | %s\n"
			printf fmt, "== " lt, "== " rt
			n = nl > nr ? nl : nr
			for (i = 1; i <= n; i++)
				printf fmt, l[i], r[i]
		}' "$3" "$5"
}

# dump_file NAME FILE: FILE, gzipped and in base64, between
# "SMM-FILE-BEGIN NAME" and "SMM-FILE-END NAME" (a 64 MiB arena's pfnmap is
# 16384 lines; packed, a few kB of log).  A file that cannot be read is
# announced as missing, and its picture is left out.
dump_file() {
	if [ ! -r "$2" ] || ! gzip -c < "$2" > /tmp/dump.gz 2>/dev/null; then
		echo "SMM-FILE-MISSING $1 $2"
		return
	fi
	echo "SMM-FILE-BEGIN $1"
	base64 < /tmp/dump.gz
	echo "SMM-FILE-END $1"
	rm -f /tmp/dump.gz
}
