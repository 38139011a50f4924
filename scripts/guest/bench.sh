# SPDX-License-Identifier: GPL-2.0
# make bench: run the module's benchmarks and print the table.
insmod /smm/shadow_mm.ko $SMM_ARGS || exit 1
[ -n "${SMM_BENCH:-}" ] && echo "$SMM_BENCH" > "$D/bench"
echo "SMM-BENCH-BEGIN"
cat "$D/bench"
echo "SMM-BENCH-END"
rmmod shadow_mm
