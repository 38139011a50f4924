# SPDX-License-Identifier: GPL-2.0
# The debug guest: load the module, which runs every KUnit suite, run the
# user-space tests, unload, and look for leaks; then the same with swap.
echo clear > /sys/kernel/debug/kmemleak 2>/dev/null
dmesg -c > /dev/null
before=$(memfree_kb)
if insmod /smm/shadow_mm.ko $SMM_ARGS; then
	pass "insmod on the debug kernel"
else
	fail "insmod on the debug kernel" "insmod failed"
fi
echo "SMM-KTAP-BEGIN"
dmesg
echo "SMM-KTAP-END"
for s in /sys/kernel/debug/kunit/shadow_mm_*; do
	[ -d "$s" ] && echo "SMM-SUITE ${s##*/}"
done
# Reading bench runs every benchmark, seven rounds each; under KASAN and
# TCG that is tens of minutes, so the debug guest reads a short one (the
# smallest settings the file takes) to run its code under KASAN.
echo "arena_mb=32 loops=5 iters=1000 bringup_mb=0" > "$D/bench" ||
	fail "short bench settings (debug kernel)" "the bench file refused them"
show_files "$D" > /dev/null && pass "read every debugfs file (debug kernel)"
# From user space, under KASAN and lockdep: demand paging through
# /dev/shadow_mm; every layer with failures injected (the kernel's own
# fault_attr here); destroy racing the instance's own control file; and
# the two-CPU randomised stress, at least 10^6 operations within 3 minutes.
run_tool fault_test
run_tool inject_test
run_tool ctl_race 20
run_tool stress 1000000 170
rmmod shadow_mm && pass "rmmod on the debug kernel"
# KASAN's quarantine holds on to freed objects, so allow 16 MiB here; the
# default arena is 64 MiB, and the stock-kernel smoke test is exact to 4.
mem_back "host memory back (debug kernel)" "$before" 16384
# Fork, copy-on-write and swap, under KASAN and lockdep: a second load with
# a 16 MiB arena and 48 MiB of swap, fault_test's fork and swap tests and
# 40 s of the multi-process mm stress.  A leaked arena (16 MiB) or swap
# area (48 MiB) is more than the 12 MiB allowed.
swap_phase "debug kernel" 40 12288
# The fork and swap tests once more in the 6.12 era (without the stress,
# to keep the debug guest's time down), every check named "6.12 era: ...".
# Only where the suites can be kept from running again at the load: on
# 6.1 another load would run them all once more, minutes under TCG.
if [ -w /sys/module/kunit/parameters/filter_glob ]; then
	SMM_PREFIX="6.12 era: "
	SMM_ERA_ARG=bringup=6.12
	swap_phase "debug kernel" "" 12288
	SMM_PREFIX=
	SMM_ERA_ARG=
else
	echo "SMM-CHECK skip 6.12 era: fork and swap tests (debug kernel): kunit.filter_glob is read-only here, a load would run every suite again"
fi
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [ -z "$leaks" ]; then
		pass "kmemleak finds nothing"
	else
		echo "$leaks"
		fail "kmemleak finds nothing" "kmemleak reported leaks"
	fi
fi
dump_dmesg
