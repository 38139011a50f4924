# SPDX-License-Identifier: GPL-2.0
# make bench: run the module's benchmarks and print the table.
if insmod /smm/shadow_mm.ko $SMM_ARGS; then
	SMM_BENCH=$(cat /smm/bench)
	if [ -n "$SMM_BENCH" ] && ! echo "$SMM_BENCH" > "$D/bench"; then
		fail "bench settings" "the module refused '$SMM_BENCH'"
	fi
	echo "SMM-BENCH-BEGIN"
	cat "$D/bench" || fail "bench" "reading the bench file failed"
	/smm/fault_bench || fail "fault bench" "fault_bench failed"
	echo "SMM-BENCH-END"
	rmmod shadow_mm
else
	fail "bench" "insmod failed"
fi
