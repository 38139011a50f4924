#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh: `make test`.  Runs every KUnit suite on the debug kernel (built
# once and cached), parses the KTAP with the kernel's own kunit.py, runs the
# smoke test on Debian's stock kernel, fails on any kernel warning in either
# guest, and ends with "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/common.sh"

# The suites that must have run; a missing one counts as a failure.
SUITES="shadow_mm_arena shadow_mm_e820 shadow_mm_early shadow_mm_memmap shadow_mm_bootmem shadow_mm_buddy shadow_mm_slab shadow_mm_pgtable shadow_mm_vmalloc shadow_mm_highmem"
# Kernel messages that fail a run.  kmemleak's own start-up line is not one.
WARN_RE='WARNING:|BUG:|KASAN:|UBSAN:|Oops|general protection|Kernel panic|INFO: possible|possible circular locking|inconsistent lock state|kmemleak: .*(leak|unreferenced)|unreferenced object|Call Trace:'

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
ko() { failed=$((failed + 1)); echo "FAIL: $*"; }

finish() {
	echo
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

out="$SMM_TOP/.build/vm"
mkdir -p "$out"
"$SMM_TOP/scripts/deps.sh" host ksrc >&2 || { ko "installing dependencies"; finish; }
# The user-space tests (tools/), static binaries for both guests' /smm/.
tools="$SMM_TOP/.build/tools"
if make -s -C "$SMM_TOP" tools >&2; then
	ok "building the user-space tools"
	fault_test="$tools/fault_test"
else
	ko "building the user-space tools"
	fault_test=
fi

# count_checks LOG: count the guest's SMM-CHECK lines.
count_checks() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"SMM-CHECK pass "*) ok "${line#SMM-CHECK pass }" ;;
		"SMM-CHECK fail "*) ko "${line#SMM-CHECK fail }" ;;
		esac
	done < <(grep '^SMM-CHECK ' "$1")
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

# --- KUnit on the debug kernel ----------------------------------------
start=$(date +%s)
if ! ktree=$("$SMM_TOP/scripts/kernel.sh"); then
	ko "building the debug kernel"
	finish
fi
log "debug kernel: $ktree ($(( $(date +%s) - start ))s)"
if ! dko=$("$SMM_TOP/scripts/build.sh" debug "$ktree"); then
	ko "building shadow_mm.ko with KUnit"
	finish
fi
"$SMM_TOP/scripts/initramfs.sh" "$out/kunit.cpio.gz" kunit "$dko" $fault_test
log "booting the debug kernel; the suites run at insmod (a few minutes under TCG)"
"$SMM_TOP/scripts/qemu.sh" "$ktree/arch/x86/boot/bzImage" "$out/kunit.cpio.gz" \
	"$out/kunit.log" "${SMM_KUNIT_TIMEOUT:-1500}" movablecore=256M > /dev/null
rc=$?
if grep -q '^SMM-GUEST-DONE' "$out/kunit.log"; then
	ok "debug guest ran to the end"
else
	ko "debug guest did not finish (rc $rc, $([ $rc -eq 124 ] && echo timeout || echo crash)); see $out/kunit.log"
	tail -n 30 "$out/kunit.log"
fi
sed -n '/^SMM-KTAP-BEGIN/,/^SMM-KTAP-END/p' "$out/kunit.log" | sed '1d;$d' > "$out/kunit.ktap"
python3 "$ktree/tools/testing/kunit/kunit.py" parse "$out/kunit.ktap" > "$out/kunit.parsed" 2>&1
cat "$out/kunit.parsed"
# The parser's own verdict, case by case.
while IFS= read -r line; do
	case "$line" in
	*"[PASSED] "*) ok "kunit: ${line##*\[PASSED\] }" ;;
	*"[FAILED] "*) ko "kunit: ${line##*\[FAILED\] }" ;;
	*"[CRASHED] "*) ko "kunit: ${line##*\[CRASHED\] } (crashed)" ;;
	esac
done < <(sed 's/\x1b\[[0-9;]*m//g' "$out/kunit.parsed" | grep -E '\[(PASSED|FAILED|CRASHED)\] ' |
	grep -v -E ' =+$')
for s in $SUITES; do
	if grep -q "^SMM-SUITE $s\$" "$out/kunit.log" && grep -q "# Subtest: $s\$" "$out/kunit.ktap"; then
		ok "suite $s ran"
	else
		ko "suite $s is missing"
	fi
done
count_checks "$out/kunit.log"
scan_warnings "debug kernel" "$out/kunit.log"

# --- smoke test on the stock kernel -----------------------------------
if ver=$("$SMM_TOP/scripts/deps.sh" stock) &&
   sko=$("$SMM_TOP/scripts/build.sh" stock "/lib/modules/$ver/build"); then
	SMM_BINS=slabtop "$SMM_TOP/scripts/initramfs.sh" "$out/smoke.cpio.gz" smoke "$sko" \
		$fault_test
	log "booting Debian $ver for the smoke test"
	"$SMM_TOP/scripts/qemu.sh" "$SMM_CACHE/stock/$ver/vmlinuz" "$out/smoke.cpio.gz" \
		"$out/smoke.log" "${SMM_SMOKE_TIMEOUT:-600}" > /dev/null
	rc=$?
	if grep -q '^SMM-GUEST-DONE' "$out/smoke.log"; then
		ok "stock guest ran to the end"
	else
		ko "stock guest did not finish (rc $rc); see $out/smoke.log"
		tail -n 30 "$out/smoke.log"
	fi
	count_checks "$out/smoke.log"
	scan_warnings "stock kernel" "$out/smoke.log"
else
	ko "building shadow_mm.ko for the stock kernel"
fi
log "make test took $(( $(date +%s) - start ))s"
finish
