#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh: `make test`.  For each kernel series (6.12, then 6.1):
#  - on the debug kernel of the series (built once and cached): every KUnit
#    suite, parsed with the kernel's own kunit.py, then the user-space fault
#    tests, the fault-injection run and the stresses under KASAN and lockdep;
#  - on Debian's stock kernel of the series: the smoke test, the fault tests
#    and the fault-injection run;
#  - on the host: dkms add, build and install against the stock headers of
#    every series, then dkms remove (scripts/dkms.sh).
# Each guest loads the module a second time with a small arena and swap
# (arena_mb=16 swap_mb=48: SMM_SWAP_ARGS in guest/lib.sh) for the fork,
# copy-on-write and swap tests.  The fault tests run in both eras: once
# more with bringup=6.12 (guest/lib.sh's era_phase on the stock kernel,
# the swap load alone on the 6.12 debug kernel), their checks named
# "6.12 era: ...", and smoke_eras.sh checks the 6.12 bring-up.  Any kernel
# warning in any guest fails the run.  Ends with "N passed, N failed",
# after a line with the checks skipped.  SMM_SERIES="6.1" limits the run
# to some series.
set -uo pipefail
. "$(dirname "$0")/common.sh"

# The suites that must have run: every suite that kunit/*.c defines (its
# ".name = " line), so that a new suite cannot be forgotten here; a missing
# one counts as a failure.
SUITES=$(sed -n 's/^\t\.name = "\(shadow_mm_[a-z0-9_]*\)",$/\1/p' "$SMM_TOP"/kunit/*.c | sort -u)
# Kernel messages that fail a run.  kmemleak's own start-up line is not one.
WARN_RE='WARNING:|BUG:|KASAN:|UBSAN:|Oops|general protection|Kernel panic|INFO: possible|possible circular locking|inconsistent lock state|kmemleak: .*(leak|unreferenced)|unreferenced object|Call Trace:'

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }
# A check that could not run (the tools print "SMM-CHECK skip": no swap
# in that load, say); counted apart, never as passed.
sk() { skipped=$((skipped + 1)); echo "SKIP: $*"; }

finish() {
	log "make test took $(( $(date +%s) - t0 ))s"
	echo
	echo "$skipped skipped (checks that could not run, neither passed nor failed)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

t0=$(date +%s)
out="$SMM_TOP/.build/vm"
mkdir -p "$out"
series_list=${SMM_SERIES:-$SMM_SERIES_ALL}
for s in $series_list; do check_series "$s"; done
"$SMM_TOP/scripts/deps.sh" host trace >&2 || { ko "installing dependencies"; finish; }
# The user-space tests (tools/), static binaries for every guest's /smm/.
tools="$SMM_TOP/.build/tools"
if make -s -C "$SMM_TOP" tools >&2; then
	ok "building the user-space tools"
	guest_tools=$(for t in fault_test inject_test stress ctl_race kpf_test; do echo "$tools/$t"; done)
else
	ko "building the user-space tools"
	guest_tools=
fi

# count_checks SERIES LOG: count the guest's SMM-CHECK lines.
count_checks() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"SMM-CHECK pass "*) ok "$1: ${line#SMM-CHECK pass }" ;;
		"SMM-CHECK fail "*) ko "$1: ${line#SMM-CHECK fail }" ;;
		"SMM-CHECK skip "*) sk "$1: ${line#SMM-CHECK skip }" ;;
		esac
	done < <(grep '^SMM-CHECK ' "$2")
}

# scan_warnings NAME LOG: any kernel warning in the guest fails the run.
scan_warnings() {
	local hits
	hits=$(grep -E "$WARN_RE" "$2" | grep -v '^SMM-CHECK' | sort -u | head -n 20)
	if [ -n "$hits" ]; then
		ko "$1: the kernel warned:"
		printf '    %s\n' "$hits"
	else
		ok "$1: no kernel warning"
	fi
}

# guest_done NAME LOG RC: did the guest reach the end of its job?
guest_done() {
	if grep -q '^SMM-GUEST-DONE' "$2"; then
		ok "$1 ran to the end"
	else
		ko "$1 did not finish (rc $3, $([ "$3" -eq 124 ] && echo timeout || echo crash)); see $2"
		tail -n 30 "$2"
	fi
}

# kunit SERIES: the debug kernel of SERIES, with KUnit, KASAN and lockdep.
kunit() {
	local series=$1 start ktree dko rc log ktap parsed line s
	start=$(date +%s)
	if ! ktree=$("$SMM_TOP/scripts/kernel.sh" "$series"); then
		ko "$series: building the debug kernel"
		return
	fi
	log "$series debug kernel: $ktree ($(( $(date +%s) - start ))s)"
	if ! dko=$("$SMM_TOP/scripts/build.sh" "debug-$series" "$ktree"); then
		ko "$series: building shadow_mm.ko with KUnit"
		return
	fi
	log=$out/kunit-$series.log ktap=$out/kunit-$series.ktap parsed=$out/kunit-$series.parsed
	"$SMM_TOP/scripts/initramfs.sh" "$out/kunit-$series.cpio.gz" kunit "$dko" $guest_tools
	log "booting the $series debug kernel; the suites run at insmod (minutes under TCG)"
	"$SMM_TOP/scripts/qemu.sh" "$ktree/arch/x86/boot/bzImage" "$out/kunit-$series.cpio.gz" \
		"$log" "${SMM_KUNIT_TIMEOUT:-1800}" movablecore=256M > /dev/null
	rc=$?
	guest_done "$series: debug guest" "$log" $rc
	sed -n '/^SMM-KTAP-BEGIN/,/^SMM-KTAP-END/p' "$log" | sed '1d;$d' > "$ktap"
	python3 "$ktree/tools/testing/kunit/kunit.py" parse "$ktap" > "$parsed" 2>&1
	cat "$parsed"
	# The parser's own verdict, case by case.
	while IFS= read -r line; do
		case "$line" in
		*"[PASSED] "*) ok "$series: kunit: ${line##*\[PASSED\] }" ;;
		*"[FAILED] "*) ko "$series: kunit: ${line##*\[FAILED\] }" ;;
		*"[CRASHED] "*) ko "$series: kunit: ${line##*\[CRASHED\] } (crashed)" ;;
		esac
	done < <(sed 's/\x1b\[[0-9;]*m//g' "$parsed" | grep -E '\[(PASSED|FAILED|CRASHED)\] ' |
		grep -v -E ' =+$')
	for s in $SUITES; do
		if grep -q "^SMM-SUITE $s\$" "$log" && grep -q "# Subtest: $s\$" "$ktap"; then
			ok "$series: suite $s ran"
		else
			ko "$series: suite $s is missing"
		fi
	done
	count_checks "$series" "$log"
	scan_warnings "$series: debug kernel" "$log"
	log "$series debug kernel part took $(( $(date +%s) - start ))s"
}

# smoke SERIES: Debian's stock kernel of SERIES.
smoke() {
	local series=$1 start ver sko rc log pt
	start=$(date +%s)
	if ! ver=$("$SMM_TOP/scripts/deps.sh" "stock:$series") ||
	   ! sko=$("$SMM_TOP/scripts/build.sh" "stock-$series" "/lib/modules/$ver/build"); then
		ko "$series: building shadow_mm.ko for the stock kernel"
		return
	fi
	# The kernel's own page-types, for smoke_pfn.sh (it lands in /smm/).
	pt=$("$SMM_TOP/scripts/page-types.sh" "$series") ||
		ko "$series: building page-types from the kernel tree"
	log=$out/smoke-$series.log
	SMM_BINS="slabtop free vmstat trace-cmd" "$SMM_TOP/scripts/initramfs.sh" "$out/smoke-$series.cpio.gz" smoke "$sko" \
		$guest_tools $pt
	log "booting Debian $ver for the smoke test"
	"$SMM_TOP/scripts/qemu.sh" "$SMM_CACHE/stock/$ver/vmlinuz" "$out/smoke-$series.cpio.gz" \
		"$log" "${SMM_SMOKE_TIMEOUT:-900}" > /dev/null
	rc=$?
	guest_done "$series: stock guest" "$log" $rc
	count_checks "$series" "$log"
	scan_warnings "$series: stock kernel" "$log"
	log "$series stock kernel part took $(( $(date +%s) - start ))s"
}

# dkms SERIES...: README's dkms commands against the stock headers of each
# series (installed by deps.sh stock:SERIES), then removed again.
dkms_check() {
	local vers=() s v
	for s in "$@"; do
		v=$("$SMM_TOP/scripts/deps.sh" "stock:$s") && vers+=("$v")
	done
	"$SMM_TOP/scripts/dkms.sh" "${vers[@]}" > "$out/dkms.log" 2>&1
	count_checks "host" "$out/dkms.log"
}

for series in $series_list; do
	kunit "$series"
	smoke "$series"
done
dkms_check $series_list
finish
