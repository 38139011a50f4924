# SPDX-License-Identifier: GPL-2.0
# Smoke plug-in: the trace replay's debugfs files (replay/trace,
# replay/control) from a shell, as a hostile user would use them.  Garbage
# is refused with the errno and nothing changes; a small hand-written trace
# replays with exact counts; then two writers race the two files and a
# reader for a while, and unloading gives every page back.  The module is
# not loaded when this starts, and is not after.  make replay runs the
# real recorded stream (scripts/guest/replay.sh).

replay_checks() {
	R=$D/replay
	H="sh-1 [000] ..... 1.000000:"
	ctl0=$(cat $R/control)
	tr0=$(cat $R/trace)
	expect_errno "replay: an unknown command is -EINVAL" $R/control "frobnicate" "Invalid argument"
	expect_errno "replay: run slab=slub2 is -EINVAL" $R/control "run slab=slub2" "Invalid argument"
	expect_errno "replay: run arena_mb=abc is -EINVAL" $R/control "run arena_mb=abc" "Invalid argument"
	expect_errno "replay: run arena_mb=1 is -ERANGE" $R/control "run arena_mb=1" "out of range"
	expect_errno "replay: run buddy_mb=99999999 is -ERANGE" $R/control "run buddy_mb=99999999" \
		"out of range"
	expect_errno "replay: run sample=-1 is -EINVAL" $R/control "run sample=-1" "Invalid argument"
	expect_errno "replay: reset with an argument is -EINVAL" $R/control "reset now" "Invalid argument"
	expect_errno "replay: run with no trace is -ENODATA" $R/control "run" "No data available"
	expect_errno "replay: a kmalloc line without ptr is -EINVAL" $R/trace \
		"$H kmalloc: call_site=x bytes_req=8 bytes_alloc=8" "Invalid argument"
	expect_errno "replay: a kmalloc line with bytes_req=abc is -EINVAL" $R/trace \
		"$H kmalloc: call_site=x ptr=ffff888000001000 bytes_req=abc bytes_alloc=8" \
		"Invalid argument"
	grep -q '^error -22 line 1 field bytes_req' $R/trace &&
		pass "replay: the error names the line and the field" ||
		fail "replay: the error names the line and the field" "$(cat $R/trace)"
	[ "$(cat $R/control)" = "$ctl0" ] && pass "replay: refused writes changed nothing (control)" ||
		fail "replay: refused writes changed nothing (control)" "$(cat $R/control)"
	echo reset > $R/control
	[ "$(cat $R/trace)" = "$tr0" ] && pass "replay: reset clears the error (trace as at load)" ||
		fail "replay: reset clears the error" "$(cat $R/trace)"

	# Five objects, four of them freed, and a free of one the trace never
	# allocated: 9 operations replayed, 1 unknown free skipped.
	{
		for i in 1 2 3 4 5; do
			echo "$H kmalloc: call_site=x ptr=ffff88800000${i}000 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL node=-1 accounted=false"
		done
		for i in 1 2 3 4; do
			echo "$H kfree: call_site=x ptr=ffff88800000${i}000"
		done
		echo "$H kfree: call_site=x ptr=ffff888000009000"
	} > /tmp/small.trace
	if cat /tmp/small.trace > $R/trace && echo "run slab=slub arena_mb=8 buddy_mb=8" > $R/control; then
		pass "replay: a hand-written trace runs (slab=slub arena_mb=8 buddy_mb=8)"
	else
		fail "replay: a hand-written trace runs" "$(cat $R/trace; cat $R/control)"
	fi
	row=$(awk '$1 == "slub"' $R/report)
	set -- $row
	[ "$2" = 9 ] && [ "${10}" = 1 ] && [ -z "$(awk '$1 == "slab" || $1 == "slob"' $R/report)" ] &&
		pass "replay: the report has one slub row, 9 operations, 1 unknown free" ||
		fail "replay: the small trace's report" "$(cat $R/report)"
	[ -d $R/replay-slub ] && grep -q '^kmalloc-128 ' $R/replay-slub/slabinfo &&
		pass "replay: the kept instance replay-slub shows its slabinfo" ||
		fail "replay: the kept instance replay-slub" "$(ls $R)"

	# Two writers and a reader, racing for 10 s: whole traces in, runs,
	# resets and releases; a refused write (-EBUSY while a run is on) is
	# fine, a crash, a warning or a leak is not.
	end=$(($(date +%s) + 10))
	( while [ "$(date +%s)" -lt $end ]; do cat /tmp/small.trace > $R/trace; done ) 2>/dev/null &
	pa=$!
	( while [ "$(date +%s)" -lt $end ]; do
		for c in "run slab=slub,slob arena_mb=8 buddy_mb=8" reset release; do
			echo "$c" > $R/control
		done
	  done ) 2>/dev/null &
	pb=$!
	( while [ "$(date +%s)" -lt $end ]; do
		cat $R/report $R/control $R/trace > /dev/null
		cat $R/replay-slub/slabinfo > /dev/null 2>&1
	  done ) &
	pc=$!
	wait $pa $pb $pc
	if echo release > $R/control && [ ! -d $R/replay-slub ] && [ ! -d $R/replay-slob ]; then
		pass "replay: after the race, release destroys the kept instances"
	else
		fail "replay: after the race, release" "$(ls $R; cat $R/control)"
	fi
	rm -f /tmp/small.trace
}

settle
b=$(memfree_kb)
if insmod /smm/shadow_mm.ko arena_mb=16; then
	if [ -d $D/replay ]; then
		replay_checks
	else
		fail "replay: debugfs replay/" "no $D/replay"
	fi
	rmmod shadow_mm && pass "replay: rmmod"
	mem_back "replay: host memory back after rmmod" "$b"
else
	fail "replay: insmod arena_mb=16" "insmod failed"
fi
