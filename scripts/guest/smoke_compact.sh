# SPDX-License-Identifier: GPL-2.0
# Plug-in of the smoke test (sourced at its end, the module not loaded):
# compaction from a shell.  The compact command's refusals (-EINVAL, named
# field, nothing counted), a compaction of every zone and of one, counted
# in vmstat; then compact racing fault_test's user pages (fork, COW, swap
# off) for as long as fault_test runs, after which fault_test must have
# seen every page's data and the checker must find host and shadow page
# tables in agreement.  Memory back at the end.

cp_vm() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/shadow_mm/default/vmstat; }

cp_before=$(memfree_kb)
if insmod /smm/shadow_mm.ko arena_mb=32 arena_source=chunks arena_chunk_order=8; then
	pass "compact: insmod arena_mb=32"
	C=/sys/kernel/debug/shadow_mm/default/control
	s0=$(cp_vm compact_migrate_scanned)
	expect_errno "compact: a key it does not take" $C "compact order=3" "Invalid argument"
	expect_errno "compact: an unknown zone" $C "compact zone=Bogus" "Invalid argument"
	expect_errno "compact: zone given twice" $C "compact zone=DMA zone=DMA" "Invalid argument"
	s1=$(cp_vm compact_migrate_scanned)
	if [ -n "$s0" ] && [ "$s0" = "$s1" ]; then
		pass "compact: refused commands scan nothing ($s0)"
	else
		fail "compact: refused commands scan nothing" "compact_migrate_scanned '$s0' -> '$s1'"
	fi
	if echo compact > $C && echo "compact zone=Normal" > $C; then
		s2=$(cp_vm compact_migrate_scanned)
		if [ "${s2:-0}" -gt "${s1:-0}" ]; then
			pass "compact: every zone, then Normal (compact_migrate_scanned $s1 -> $s2)"
		else
			fail "compact: every zone, then Normal" "compact_migrate_scanned $s1 -> $s2"
		fi
	else
		fail "compact: every zone, then Normal" "the command was refused"
	fi
	# compact in a loop while fault_test faults, forks and unmaps.
	( while [ ! -e /tmp/smm-compact-stop ]; do echo compact > $C; done ) &
	loop=$!
	run_tool fault_test
	touch /tmp/smm-compact-stop
	wait $loop
	rm -f /tmp/smm-compact-stop
	ok=$(cp_vm pgmigrate_success)
	pass "compact: raced fault_test (pgmigrate_success $ok, pgmigrate_fail $(cp_vm pgmigrate_fail))"
	if echo check > $C; then
		pass "compact: buddy and page tables check after the race"
	else
		fail "compact: buddy and page tables check after the race" "check failed"
	fi
	rmmod shadow_mm && pass "compact: rmmod"
	mem_back "compact: host memory back" "$cp_before"
else
	fail "compact: insmod arena_mb=32" "insmod failed"
fi
