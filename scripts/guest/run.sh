# SPDX-License-Identifier: GPL-2.0
# make run: load with the defaults (or ARGS), show everything, unload.
# The files that tools/smm_pictures.py draws go into the log between
# markers (dump_file); the host unpacks them into .build/pictures/data/.


# dump_state WHEN: the arena map, buddyinfo and slabinfo of the default
# instance, named NAME.WHEN.
dump_state() {
	for f in pfnmap buddyinfo slabinfo; do
		dump_file "$f.$1" "$D/default/$f"
	done
}

# The slab comparison: the same control commands on one fresh instance of
# each strategy; smm_pictures.py reads their meminfo before and after.
SLAB_WORKLOAD="cache_create name=dentry size=192 ctor=1 reclaim=1
cache_alloc name=dentry count=400 tag=d
cache_create name=inode size=600 reclaim=1
cache_alloc name=inode count=150 tag=i
cache_create name=vm_area size=136
cache_alloc name=vm_area count=300 tag=vma
kmalloc size=100 count=300 tag=k100
kmalloc size=24 count=600 tag=k24
kmalloc size=300 count=200 tag=k300
kmalloc size=700 count=100 tag=k700
kmalloc size=3000 count=20 tag=k3000
kmalloc size=20000 count=2 tag=big
free tag=k100"

slab_compare() {
	printf '%s\n' "$SLAB_WORKLOAD" > /tmp/workload.slab
	dump_file workload.slab /tmp/workload.slab
	for st in slab slub slob; do
		if ! echo "create name=sl_$st arena_mb=16 slab=$st" > "$D/control"; then
			echo "==== could not create an instance with slab=$st"
			continue
		fi
		dump_file "meminfo.$st.before" "$D/sl_$st/meminfo"
		printf '%s\n' "$SLAB_WORKLOAD" | while read -r cmd; do
			echo "$cmd" > "$D/sl_$st/control" || echo "==== sl_$st refused '$cmd'"
		done
		dump_file "meminfo.$st.after" "$D/sl_$st/meminfo"
		dump_file "slabinfo.$st" "$D/sl_$st/slabinfo"
		echo "==== shadow_mm/sl_$st/slabinfo after the slab workload (slab=$st)"
		grep -E '^(dentry|inode|vm_area|kmalloc-(32|128|512|1024|4096)) ' "$D/sl_$st/slabinfo"
		grep -E '^Slab:' "$D/sl_$st/meminfo"
		echo "destroy name=sl_$st" > "$D/control"
	done
	# The time per operation of each strategy: the module's slab bench rows,
	# short rounds (a few seconds under TCG).
	if echo "arena_mb=16 loops=5 iters=20000" > "$D/bench" 2>/dev/null &&
	   cat "$D/bench" > /tmp/bench.txt; then
		dump_file bench /tmp/bench.txt
	fi
}

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
# The files of the instance's era: early_res and bootmem for 2.6.29,
# memblock/ for 6.12 (and pagetypeinfo where there is one).
for f in bringup arena e820 early_res bootmem memblock/memory memblock/reserved zoneinfo buddyinfo \
	 pagetypeinfo extfrag meminfo pagetables kmap; do
	[ -r "$D/default/$f" ] || continue
	echo "==== shadow_mm/default/$f"
	cat "$D/default/$f"
done
dump_file bringup "$D/default/bringup"
dump_state before
echo "==== a small workload through shadow_mm/default/control"
# zone=HIGHMEM where there is a HighMem zone (2.6.29), else the default zone.
high=zone=HIGHMEM
grep -q ' HighMem ' "$D/default/buddyinfo" || high=
for cmd in "alloc order=0 count=300 tag=small" "alloc order=3 count=40 tag=mid" \
	   "alloc order=0 count=64${high:+ $high} tag=high" "free tag=small"; do
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
for f in control buddyinfo pagetypeinfo extfrag meminfo buddystat slabinfo slab/dentry \
	 slab/kmalloc-128 vmallocinfo pgtable_check pagetables; do
	[ -r "$D/default/$f" ] || continue
	echo "==== shadow_mm/default/$f"
	cat "$D/default/$f"
done
dump_state after
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

# The slab strategies side by side, on a load of their own, so that the
# check above is not disturbed by the instances and the bench.
if insmod /smm/shadow_mm.ko arena_mb=16; then
	echo "==== the same slab workload on SLAB, SLUB and SLOB (instances sl_slab, sl_slub, sl_slob)"
	slab_compare
	rmmod shadow_mm
else
	echo "==== insmod arena_mb=16 failed: no slab comparison"
fi

# Copy-on-write and swap: a small arena with swap behind it, in the era
# of the run.
settle
before=$(memfree_kb)
swap_args="$SMM_SWAP_ARGS $(era_args)"
echo "==== insmod shadow_mm.ko $swap_args: copy-on-write and swap"
if insmod /smm/shadow_mm.ko $swap_args; then
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
	fail "insmod $swap_args" "insmod failed"
fi
