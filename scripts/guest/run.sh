# SPDX-License-Identifier: GPL-2.0
# make run: load with the defaults (or ARGS), show everything, unload.
settle
before=$(memfree_kb)
echo "==== host MemFree before insmod: $before kB"
echo "==== insmod shadow_mm.ko $SMM_ARGS"
if ! insmod /smm/shadow_mm.ko $SMM_ARGS; then
	echo "insmod failed:"
	dmesg | grep shadow_mm
	return 0 2>/dev/null || exit 0
fi
echo "==== bring-up (dmesg)"
dmesg | grep 'shadow_mm:'
echo "==== host MemFree with the arena taken: $(memfree_kb) kB"
for f in bringup arena e820 early_res bootmem zoneinfo buddyinfo extfrag meminfo pagetables kmap; do
	echo "==== shadow_mm/default/$f"
	cat "$D/default/$f"
done
echo "==== a small workload through shadow_mm/default/control"
for cmd in "alloc order=0 count=300 tag=small" "alloc order=3 count=40 tag=mid" \
	   "alloc order=0 count=64 zone=HIGHMEM tag=high" "free tag=small"; do
	echo "# echo '$cmd' > control"
	echo "$cmd" > "$D/default/control"
done
for cmd in "cache_create name=dentry size=192 ctor=1 reclaim=1" \
	   "cache_alloc name=dentry count=100 tag=d" "kmalloc size=100 count=50 tag=k100" \
	   "kmalloc size=3000 count=10 tag=k3000" "kmalloc size=20000 count=2 tag=big" \
	   "vmalloc size=40000 count=2 tag=v" "vmalloc size=2000000 tag=v2"; do
	echo "# echo '$cmd' > control"
	echo "$cmd" > "$D/default/control"
done
echo 0xffffc90000000000 > "$D/default/pagetables"
for f in control buddyinfo extfrag meminfo buddystat slabinfo slab/dentry slab/kmalloc-128 \
	 vmallocinfo pgtable_check pagetables; do
	echo "==== shadow_mm/default/$f"
	cat "$D/default/$f"
done
echo "==== /smm/shadow_mm_demo 256: demand paging through /dev/shadow_mm"
/smm/shadow_mm_demo 256 || fail "shadow_mm_demo 256" "exit status $?"
for f in faults kmap buddystat; do
	echo "==== shadow_mm/default/$f"
	cat "$D/default/$f"
done
# The plug-ins (scripts/guest/run_*.sh), with the default instance still
# up after the workload.
for f in /smm/run_*.sh; do
	[ -f "$f" ] && . "$f"
done
rmmod shadow_mm
dmesg | grep 'shadow_mm: unloaded'
# The first load of a boot costs the host some memory of its own (percpu
# chunks, workers), hence the slack; make test measures after a warm-up.
mem_back "host memory back after rmmod" "$before" 8192

# Copy-on-write and swap: a small arena with swap behind it.
settle
before=$(memfree_kb)
echo "==== insmod shadow_mm.ko $SMM_SWAP_ARGS: copy-on-write and swap"
if insmod /smm/shadow_mm.ko $SMM_SWAP_ARGS; then
	for f in meminfo swaps vmstat; do
		echo "==== shadow_mm/default/$f"
		cat "$D/default/$f"
	done
	echo "==== /smm/shadow_mm_demo cow 64: fork with copy-on-write"
	/smm/shadow_mm_demo cow 64 || fail "shadow_mm_demo cow 64" "exit status $?"
	echo "==== /smm/shadow_mm_demo swap: overcommit through swap"
	/smm/shadow_mm_demo swap || fail "shadow_mm_demo swap" "exit status $?"
	echo "==== shadow_mm/default/faults"
	cat "$D/default/faults"
	echo check > "$D/default/control" || fail "check after the demos" "check failed"
	rmmod shadow_mm
	mem_back "host memory back after rmmod (arena and swap)" "$before"
else
	fail "insmod $SMM_SWAP_ARGS" "insmod failed"
fi
