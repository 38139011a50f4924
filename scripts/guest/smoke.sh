# SPDX-License-Identifier: GPL-2.0
# The smoke test on the stock kernel: bad parameters are refused cleanly,
# the defaults load, every debugfs file reads, and unload gives it all back.

# expect_refused NAME PARAM ARGS...: insmod must fail, name PARAM in the
# log, and leave the host's memory as it was.
expect_refused() {
	name=$1 param=$2
	shift 2
	settle
	b=$(memfree_kb)
	dmesg_mark
	if insmod /smm/shadow_mm.ko "$@" 2>/dev/null; then
		fail "$name" "insmod $* succeeded"
		rmmod shadow_mm
		return
	fi
	if dmesg_new | grep -q "$param"; then
		pass "$name refused, log names $param"
	else
		fail "$name" "the log does not name $param: $(dmesg | tail -n 3)"
	fi
	mem_back "$name leaves no page behind" "$b"
}

insmod /smm/shadow_mm.ko && rmmod shadow_mm
expect_refused "arena_mb=0" arena_mb arena_mb=0
expect_refused "arena_mb=-1" arena_mb arena_mb=-1
expect_refused "arena_mb=3" arena_mb arena_mb=3
expect_refused "arena_mb=abc" arena_mb arena_mb=abc
expect_refused "arena_mb above host memory" arena_mb arena_mb=900000
expect_refused "arena_mb=8000 (more than the guest has)" arena_mb arena_mb=8000
expect_refused "arena_source=bogus" arena_source arena_source=bogus
expect_refused "arena_chunk_order=11" arena_chunk_order arena_chunk_order=11
expect_refused "e820_reserve=junk" e820_reserve e820_reserve=junk
expect_refused "e820_reserve=4K@" e820_reserve e820_reserve=4K@
expect_refused "e820_reserve=0@1M" e820_reserve e820_reserve=0@1M
expect_refused "e820_reserve=4K@1M:weird" e820_reserve e820_reserve=4K@1M:weird
expect_refused "e820_reserve wrapping" e820_reserve e820_reserve=16@0xfffffffffffffff8
expect_refused "max_order=0" max_order max_order=0
expect_refused "max_order=15" max_order max_order=15
expect_refused "zone_dma_mb above highmem" zone_dma_mb zone_dma_mb=9999
expect_refused "zone_normal_mb past the end" zone_normal_mb zone_normal_mb=9999
expect_refused "slab=slub2" slab slab=slub2
expect_refused "swap_mb=abc" swap_mb swap_mb=abc
expect_refused "swap_mb=-1" swap_mb swap_mb=-1
expect_refused "swap_mb=65537 (past the largest area)" swap_mb swap_mb=65537
expect_refused "arena_mb=4096 in order-0 chunks (too many chunks, refused before taking any)" \
	arena_chunk_order arena_mb=4096 arena_chunk_order=0
expect_refused "zone_normal_mb past the arena" zone_normal_mb arena_mb=16 zone_normal_mb=17
expect_refused "e820_reserve=010@1M:bogus (refused before the arena)" e820_reserve \
	"e820_reserve=010@1M:bogus"
expect_refused "slab_debug=T (a letter with nothing to act on)" slab_debug slab_debug=T
expect_refused "slab_debug=FQ" slab_debug slab_debug=FQ
expect_refused "slab_debug=F,, (an empty cache name)" slab_debug "slab_debug=F,,"
expect_refused "slab_debug with a cache name of 32 characters" slab_debug \
	"slab_debug=F,a-name-that-is-far-too-long-for-a-cache"
# slab_debug= reaches the caches it names, and only those.
if insmod /smm/shadow_mm.ko "slab_debug=FZ,kmalloc-6*;U"; then
	if grep -q '^debug: *FZ$' $D/default/slab/kmalloc-64 &&
	   grep -q '^debug: *U$' $D/default/slab/kmalloc-128; then
		pass "slab_debug=FZ,kmalloc-6*;U: FZ on kmalloc-64, U on kmalloc-128"
	else
		fail "slab_debug= reaches its caches" \
			"$(grep debug: $D/default/slab/kmalloc-64 $D/default/slab/kmalloc-128)"
	fi
	rmmod shadow_mm
else
	fail "insmod slab_debug=FZ,kmalloc-6*;U" "insmod failed"
fi

# Numbers are decimal or 0x hex everywhere, module parameters too.
if insmod /smm/shadow_mm.ko arena_mb=010 e820_reserve=0x10000@0x200000; then
	grep -q '^pages: *2560 ' "$D/default/arena" &&
		pass "arena_mb=010 is ten MiB, not octal eight" ||
		fail "arena_mb=010 is ten MiB" "$(grep '^pages' "$D/default/arena")"
	grep -q '0x0000000000200000-0x000000000020ffff\] reserved' "$D/default/e820" &&
		pass "e820_reserve takes 0x sizes and addresses" ||
		fail "e820_reserve takes 0x sizes and addresses" "$(cat "$D/default/e820")"
	rmmod shadow_mm
else
	fail "insmod arena_mb=010" "insmod failed"
fi

# A warm-up load: the first one costs the host memory it keeps (percpu
# chunks, workers), which is not ours to give back.
insmod /smm/shadow_mm.ko && rmmod shadow_mm
settle
before=$(memfree_kb)
if insmod /smm/shadow_mm.ko; then
	pass "insmod with defaults"
else
	fail "insmod with defaults" "insmod failed"
fi
if show_files "$D" > /tmp/files.txt; then
	pass "read every debugfs file ($(grep -c '^====' /tmp/files.txt) files)"
fi
grep -q 'usable' "$D/default/e820" && pass "e820 lists usable memory" ||
	fail "e820 lists usable memory" "no usable entry"
for label in 'TEXT DATA BSS' INIT_PG_TABLE PGTABLE MEMMAP; do
	grep -q " $label " "$D/default/early_res" && pass "early_res has the $label reservation" ||
		fail "early_res has the $label reservation" "missing"
done
# The seed's order, with the seed's names (the kernel column of bringup).
want="setup_memory_map init_memory_mapping setup_bootmem_allocator early_res_to_bootmem paging_init zone_sizes_init mem_init kmem_cache_init vmalloc_init"
got=$(awk -v w="$want" 'BEGIN { n = split(w, a, " ") } $2 == a[i + 1] { i++ } END { print i == n ? "yes" : "no" }' "$D/default/bringup")
[ "$got" = yes ] && pass "bringup runs in the seed's order" ||
	fail "bringup runs in the seed's order" "$(awk '{ print $2 }' "$D/default/bringup" | tr '\n' ' ')"
if grep -Eq '^Memory: [0-9]+k/[0-9]+k available \([0-9]+k kernel code, [0-9]+k reserved, [0-9]+k data, [0-9]+k init, [0-9]+k highmem\)$' "$D/default/bringup" &&
   [ "$(grep -cE '^ +(fixmap|pkmap|vmalloc|lowmem|\.init|\.data|\.text) +: 0x' "$D/default/bringup")" = 7 ]; then
	pass "bringup ends with the mem_init banner and the memory layout"
else
	fail "bringup ends with the mem_init banner and the memory layout" "$(tail -n 9 "$D/default/bringup")"
fi
grep -q '^ok: direct map and image map of [0-9]* pages, 0 disagreements$' "$D/default/pgtable_check" &&
	pass "pgtable_check: the direct map and the image map agree" ||
	fail "pgtable_check: the direct map and the image map agree" "$(head -n 5 "$D/default/pgtable_check")"
ov=$(awk '/^memmap_overhead:/ { sub("%", "", $2); print $2 }' "$D/default/arena")
if awk -v o="$ov" 'BEGIN { exit !(o > 0 && o <= 1.0) }'; then
	pass "mem_map overhead ${ov}% <= 1%"
else
	fail "mem_map overhead <= 1%" "overhead is ${ov}%"
fi
I=$D/default
grep -q '^state: *closed' "$I/bootmem" && pass "bootmem is closed after the handoff" ||
	fail "bootmem is closed after the handoff" "$(head -n 1 "$I/bootmem")"
if awk '!/^Node 0, zone +[A-Za-z]+( +[0-9]+)+ $/ { bad = 1 } END { exit bad || NR != 3 }' "$I/buddyinfo"; then
	pass "buddyinfo has /proc/buddyinfo's format, three zones"
else
	fail "buddyinfo format" "$(cat "$I/buddyinfo")"
fi
for f in MemTotal MemFree HighTotal LowFree; do
	grep -qE "^$f: +[0-9]+ kB\$" "$I/meminfo" || fail "meminfo has $f" "missing or malformed"
done
# table_pages: the sum of pagetables' per-level counts.
table_pages() {
	awk '/^[A-Z]+ tables:/ { n += $3 } END { print n + 0 }' "$I/pagetables"
}
# pagetables_kb_agree: meminfo's PageTables is exactly those pages.
pagetables_kb_agree() {
	[ "$(awk '/^PageTables:/ { print $2 }' "$I/meminfo")" = "$(( $(table_pages) * 4 ))" ]
}
# At rest the only tables are the boot ones: swapper_pg_dir, the temporary
# table, the direct map's (PGTABLE) and the ones paging_init() took from
# bootmem for kmap: the pkmap window's PTE table and one per 512 kmap_local
# slots (16 per possible CPU).
ncpu=$(grep -c '^processor' /proc/cpuinfo)
pte_rest=$(( 1 + (ncpu * 16 + 511) / 512 ))
boot=$(awk '/^boot tables:/ { print $3 }' "$I/pagetables")
if grep -q '^PGD tables: 1$' "$I/pagetables" && [ "$(table_pages)" = "$boot" ] &&
   [ "$(awk '/^PTE tables:/ { print $3 }' "$I/pagetables")" -ge "$pte_rest" ] &&
   pagetables_kb_agree; then
	pass "pagetables: only the boot tables at rest, counted in meminfo's PageTables"
else
	fail "pagetables and PageTables" "$(cat "$I/pagetables"; grep PageTables "$I/meminfo")"
fi
cp "$I/pagetables" /tmp/pt.before
for bad in "xyz" "0x0000800000000000" "" "-1x"; do
	if echo "$bad" > "$I/pagetables" 2>/dev/null; then
		fail "pagetables rejects '$bad'" "write accepted"
	else
		pass "pagetables rejects '$bad'"
	fi
done
cmp -s /tmp/pt.before "$I/pagetables" && pass "rejected pagetables writes changed nothing" ||
	fail "rejected pagetables writes changed nothing" "the file differs"
echo 0xffffc90000000000 > "$I/pagetables" && grep -q 'PGD\[402\] .* not present' "$I/pagetables" &&
	pass "pagetables walks a written address" ||
	fail "pagetables walks a written address" "$(cat "$I/pagetables")"
if echo "vmalloc size=40000 count=3 tag=v" > "$I/control" &&
   [ "$(grep -c ' pages=10 vmalloc$' "$I/vmallocinfo")" = 3 ] &&
   grep -q '^ok: 3 areas, 30 pages, 0 disagreements$' "$I/pgtable_check"; then
	pass "vmalloc: three areas in vmallocinfo, shadow tables agree with vmap"
else
	fail "vmalloc through control" "$(cat "$I/vmallocinfo" "$I/pgtable_check")"
fi
# vfree clears the PTEs but keeps the tables for the next vmalloc, as
# vunmap_range() does: the counts stay as they were while mapped.
grep ' tables:' "$I/pagetables" > /tmp/pt.mapped
if echo "free tag=v" > "$I/control" && [ ! -s "$I/vmallocinfo" ] &&
   grep ' tables:' "$I/pagetables" | cmp -s /tmp/pt.mapped - &&
   [ "$(table_pages)" -gt "$(( 3 + pte_rest ))" ] && pagetables_kb_agree &&
   grep -q '^ok: 0 areas, 0 pages, 0 disagreements$' "$I/pgtable_check"; then
	pass "vfree empties vmallocinfo and keeps the vmalloc page tables"
else
	fail "vfree and the page tables" "$(cat "$I/pagetables" "$I/pgtable_check")"
fi
for bad in "vmalloc size=0 tag=v" "vmalloc tag=v" "vmalloc size=999999999 tag=v"; do
	echo "$bad" > "$I/control" 2>/dev/null && fail "control rejects '$bad'" "accepted" ||
		pass "control rejects '$bad'"
done
echo drain > "$I/control"
cp "$I/buddyinfo" /tmp/buddyinfo.before
for bad in "frobnicate" "alloc" "alloc order=99 tag=x" "alloc order=0 zone=FOO tag=x" \
	   "alloc count=0 tag=x" "alloc order=abc tag=x" "free tag=nope" "free" \
	   "alloc order=0 tag=waytoolongtagname123" "alloc order=0 tag=x bogus=1" \
	   "drain now" "alloc order=0 count=99999999 tag=x"; do
	if echo "$bad" > "$I/control" 2>/dev/null; then
		fail "control rejects '$bad'" "write accepted"
	else
		pass "control rejects '$bad'"
	fi
done
# The errno says what is wrong: -EINVAL for a malformed command or a key
# that means nothing to the verb, -ERANGE for a number out of its range.
C=$I/control
expect_errno "control: count=0 is out of range" $C "alloc order=0 count=0 tag=x" "out of range"
expect_errno "control: count=65537 is out of range" $C "alloc order=0 count=65537 tag=x" "out of range"
expect_errno "control: order=11 is beyond max_order" $C "alloc order=11 tag=x" "out of range"
expect_errno "control: atomic=2 is out of range" $C "alloc order=0 atomic=2 tag=x" "out of range"
expect_errno "control: size= means nothing to alloc" $C "alloc order=0 size=5 tag=x" "Invalid argument"
dmesg | tail -n 3 | grep -q "size= means nothing to 'alloc'" &&
	pass "control: the message names the key" ||
	fail "control: the message names the key" "$(dmesg | tail -n 2)"
expect_errno "control: count= means nothing to free" $C "free tag=x count=1" "Invalid argument"
expect_errno "control: alloc needs order=" $C "alloc tag=x" "Invalid argument"
expect_errno "control: a key given twice" $C "alloc order=0 order=1 tag=x" "Invalid argument"
expect_errno "control: a sign is not a number" $C "alloc order=+1 tag=x" "Invalid argument"
expect_errno "control: drain takes no key" $C "drain now=1" "Invalid argument"
echo drain > "$I/control"
cmp -s /tmp/buddyinfo.before "$I/buddyinfo" && pass "rejected control commands changed nothing" ||
	fail "rejected control commands changed nothing" "buddyinfo differs"
if echo "alloc order=08 count=010 tag=dec" > $C && echo "alloc order=0 count=0x10 tag=hex" > $C &&
   grep -qE '^dec +pages +order 8 NORMAL +10$' $C && grep -qE '^hex +pages +order 0 NORMAL +16$' $C; then
	pass "control: order=08 is eight, count=010 ten, count=0x10 sixteen"
else
	fail "control: decimal and hex numbers" "$(cat $C)"
fi
echo "free tag=dec" > $C; echo "free tag=hex" > $C; echo drain > $C
# What the instance costs the host, outside its arena: every item listed
# and summed, and nothing that grows per page (the slab layer's object
# map of old was 64 bytes a page).
total=$(awk '/^host_metadata:/ { print $2 }' "$I/arena")
sum=$(awk '/^host_metadata:/ { on = 1; next } on && /^  [a-z_]+ +[0-9]+$/ { n += $2; next } { on = 0 }
	   END { print n + 0 }' "$I/arena")
if [ -n "$total" ] && [ "$sum" = "$total" ] && [ "$total" -gt 0 ] &&
   ! grep -q objmap "$I/arena"; then
	pass "arena: host metadata listed and summed; no per-page object map"
else
	fail "arena: host metadata" "total $total, sum $sum"
fi
if echo "alloc order=2 count=100 zone=NORMAL tag=t" > "$I/control" &&
   ! cmp -s /tmp/buddyinfo.before "$I/buddyinfo" &&
   echo "free tag=t" > "$I/control" && echo drain > "$I/control" &&
   cmp -s /tmp/buddyinfo.before "$I/buddyinfo"; then
	pass "control alloc changes buddyinfo and free restores it"
else
	fail "control alloc/free round trip" "$(cat "$I/buddyinfo")"
fi
echo check > "$I/control" && pass "buddy invariant check after the workload" ||
	fail "buddy invariant check after the workload" "check failed"
# vmstat: /proc/vmstat's format and the kernel's names.
V=$I/vmstat
if awk '!/^[a-z_]+ [0-9]+$/ { bad = 1 } END { exit bad || NR < 13 }' "$V" &&
   head -n 1 "$V" | grep -q '^nr_free_pages [0-9]*$'; then
	pass "vmstat has /proc/vmstat's format, nr_free_pages first"
else
	fail "vmstat format" "$(cat "$V")"
fi
missing=
for n in pgfault pgmajfault pswpin pswpout pgscan_kswapd pgscan_direct pgsteal_kswapd \
	 pgsteal_direct pgactivate pgdeactivate allocstall cow_fault; do
	grep -q "^$n [0-9]*\$" "$V" || missing="$missing $n"
done
[ -z "$missing" ] && pass "vmstat has the kernel's event names, and cow_fault" ||
	fail "vmstat has the kernel's event names" "missing:$missing"
nfp=$(awk '$1 == "nr_free_pages" { print $2 * 4 }' "$V")
mf=$(awk '$1 == "MemFree:" { print $2 }' "$I/meminfo")
[ "$nfp" = "$mf" ] && pass "vmstat: nr_free_pages is meminfo's MemFree ($mf kB)" ||
	fail "vmstat: nr_free_pages is meminfo's MemFree" "$nfp kB against $mf kB"
# The sysctls: a write recomputes zoneinfo's min/low/high; garbage is refused.
zone_marks() {
	awk '/^Node 0, zone/ { z = $4 } $1 ~ /^(min|low|high)$/ && NF == 2 { printf "%s.%s=%s ", z, $1, $2 }' \
		"$I/zoneinfo"
}
sysctl_val() { awk -v k="vm.$1" '$1 == k && $2 == "=" { print $3 }' "$I/sysctl"; }
marks0=$(zone_marks) sysctl0=$(cat "$I/sysctl") mfk=$(sysctl_val min_free_kbytes)
if [ -n "$mfk" ] && [ "$(sysctl_val watermark_scale_factor)" = 10 ] &&
   [ -n "$(sysctl_val swappiness)" ]; then
	pass "sysctl reads back min_free_kbytes ($mfk), swappiness and watermark_scale_factor (10)"
else
	fail "sysctl reads back the tunables" "$sysctl0"
fi
if echo "sysctl min_free_kbytes=$((mfk * 2)) watermark_scale_factor=100 swappiness=33" > $C &&
   [ "$(sysctl_val min_free_kbytes)" = $((mfk * 2)) ] &&
   [ "$(sysctl_val watermark_scale_factor)" = 100 ] && [ "$(sysctl_val swappiness)" = 33 ] &&
   [ "$(zone_marks)" != "$marks0" ] &&
   awk '/^Node 0, zone/ { z = $4 } z == "Normal" && $1 == "min" { m = $2 }
	z == "Normal" && $1 == "low" { l = $2 } z == "Normal" && $1 == "high" { h = $2 }
	END { exit !(m > 0 && l > m && h - l == l - m) }' "$I/zoneinfo"; then
	pass "sysctl min_free_kbytes=$((mfk * 2)) watermark_scale_factor=100 changes zoneinfo's min/low/high"
else
	fail "sysctl changes zoneinfo's watermarks" "$(cat "$I/sysctl"; zone_marks)"
fi
marks1=$(zone_marks) sysctl1=$(cat "$I/sysctl")
expect_errno "sysctl: min_free_kbytes=abc is -EINVAL" $C "sysctl min_free_kbytes=abc" "Invalid argument"
expect_errno "sysctl: no key is -EINVAL" $C "sysctl" "Invalid argument"
expect_errno "sysctl: vm.swappiness= is -EINVAL" $C "sysctl vm.swappiness=1" "Invalid argument"
expect_errno "sysctl: swappiness=201 is -ERANGE" $C "sysctl swappiness=201" "out of range"
expect_errno "sysctl: watermark_scale_factor=0 is -ERANGE" $C "sysctl watermark_scale_factor=0" \
	"out of range"
expect_errno "sysctl: watermark_scale_factor=3001 is -ERANGE" $C \
	"sysctl watermark_scale_factor=3001" "out of range"
expect_errno "sysctl: min_free_kbytes=262145 is -ERANGE" $C "sysctl min_free_kbytes=262145" \
	"out of range"
dmesg_mark
expect_errno "sysctl: min_free_kbytes=262144 does not fit the zones, -ERANGE" $C \
	"sysctl swappiness=5 min_free_kbytes=262144" "out of range"
dmesg_new | grep -q "min_free_kbytes: 262144 puts zone" &&
	pass "sysctl: the message names min_free_kbytes and the zone" ||
	fail "sysctl: the message names min_free_kbytes" "$(dmesg | tail -n 2)"
[ "$(zone_marks)" = "$marks1" ] && [ "$(cat "$I/sysctl")" = "$sysctl1" ] &&
	pass "refused sysctl writes changed nothing" ||
	fail "refused sysctl writes changed nothing" "$(cat "$I/sysctl"; zone_marks)"
# reclaim pages=N: garbage is refused before anything is scanned.
vm0=$(cat "$I/vmstat")
expect_errno "reclaim: pages=abc is -EINVAL" $C "reclaim pages=abc" "Invalid argument"
expect_errno "reclaim: no pages= is -EINVAL" $C "reclaim" "Invalid argument"
expect_errno "reclaim: pages=0 is -ERANGE" $C "reclaim pages=0" "out of range"
expect_errno "reclaim: pages=4294967296 is -ERANGE" $C "reclaim pages=4294967296" "out of range"
expect_errno "reclaim: pages=1 order=3 is -EINVAL" $C "reclaim pages=1 order=3" "Invalid argument"
[ "$(cat "$I/vmstat")" = "$vm0" ] && pass "refused reclaim writes scanned nothing (vmstat unchanged)" ||
	fail "refused reclaim writes scanned nothing" "$(echo "$vm0" > /tmp/vm0; cat "$I/vmstat" | diff /tmp/vm0 -)"
# create's swap_mb= key: garbage is refused and no instance appears.
expect_errno "create: swap_mb=abc is -EINVAL" $D/control "create name=swapbad arena_mb=8 swap_mb=abc" \
	"Invalid argument"
expect_errno "create: swap_mb=65537 is -ERANGE" $D/control "create name=swapbad arena_mb=8 swap_mb=65537" \
	"out of range"
[ ! -e "$D/swapbad" ] && pass "refused creates left no instance" ||
	fail "refused creates left no instance" "$D/swapbad exists"
swp0=$(echo "$sysctl0" | awk '$1 == "vm.swappiness" { print $3 }')
echo "sysctl min_free_kbytes=$mfk watermark_scale_factor=10 swappiness=$swp0" > $C &&
   [ "$(zone_marks)" = "$marks0" ] && [ "$(cat "$I/sysctl")" = "$sysctl0" ] &&
	pass "sysctl back to the defaults restores zoneinfo's marks" ||
	fail "sysctl back to the defaults" "$(cat "$I/sysctl"; zone_marks)"
for bad in "arena_mb=1" "loops=0" "loops=abc" "frobnicate" "arena_mb=99999999" "iters=5" \
	   "loops=4" "bringup_mb=1" "bringup_mb=8,,8" "bringup_mb=8," "bringup_mb=8,8,8,8,8"; do
	if echo "$bad" > "$D/bench" 2>/dev/null; then
		fail "bench rejects '$bad'" "write accepted"
	else
		pass "bench rejects '$bad'"
	fi
done
# Demand paging through /dev/shadow_mm, from user space, and every layer
# with failures injected (the module's own copy of the knobs here).
run_tool fault_test
run_tool inject_test
# HighMem pages were zeroed (vmalloc, faults) only through kmap.
grep -q '^highmem_direct  *0$' "$I/buddystat" &&
	pass "no HighMem page was zeroed through the direct map" ||
	fail "no HighMem page was zeroed through the direct map" "$(grep highmem_direct "$I/buddystat")"
rmmod shadow_mm && pass "rmmod"
mem_back "host memory back after rmmod" "$before"
# Fork, copy-on-write and swap: a second load with a small arena and swap,
# fault_test's fork and swap tests and 20 s of the multi-process mm stress.
swap_phase "stock kernel" 20
# The same fault tests once more in the 6.12 era: fault_test and kpf_test
# on a default instance with bringup=6.12, then the swap load with it;
# every check named "6.12 era: ...".
era_phase 6.12 "stock kernel" 20

# The slab layer, for each strategy: a workload, slabtop reading our
# slabinfo in place of /proc/slabinfo, and misuse refused.
for sl in slab slub slob; do
	settle
	b=$(memfree_kb)
	if ! insmod /smm/shadow_mm.ko slab=$sl arena_mb=32; then
		fail "insmod slab=$sl" "insmod failed"
		continue
	fi
	C=$D/default/control
	echo "cache_create name=dentry size=192 ctor=1" > $C &&
	echo "cache_alloc name=dentry count=100 tag=d" > $C &&
	echo "kmalloc size=100 count=50 tag=k" > $C &&
	echo "kmalloc size=20000 count=2 tag=big" > $C ||
		fail "$sl: slab workload through control" "a command failed"
	if head -n 2 $D/default/slabinfo | tr '\n' '|' |
	   grep -q '^slabinfo - version: 2.1|# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>|$' &&
	   grep -qE '^dentry +100 +100 ' $D/default/slabinfo; then
		pass "$sl: slabinfo 2.1 header and the dentry line"
	else
		fail "$sl: slabinfo format" "$(head -n 3 $D/default/slabinfo)"
	fi
	if mount -o bind $D/default/slabinfo /proc/slabinfo; then
		if TERM=dumb slabtop -o -s c > /tmp/slabtop.out 2>&1 &&
		   grep -qE '^ +100 +100 +100% .* dentry' /tmp/slabtop.out; then
			pass "$sl: an unmodified slabtop reads shadow slabinfo"
		else
			fail "$sl: slabtop" "$(head -n 12 /tmp/slabtop.out)"
		fi
		umount /proc/slabinfo
	else
		fail "$sl: slabtop" "cannot bind-mount over /proc/slabinfo"
	fi
	grep -qE '^Slab: +[0-9]+ kB$' $D/default/meminfo && grep -qE '^SUnreclaim: ' $D/default/meminfo &&
		pass "$sl: meminfo has Slab and SUnreclaim" || fail "$sl: meminfo Slab lines" "missing"
	if echo "cache_destroy name=dentry" > $C 2>/dev/null; then
		fail "$sl: destroy with live objects is refused" "destroy succeeded"
	elif dmesg | grep -q "slab dentry: 100 objects remaining"; then
		pass "$sl: destroy with live objects is refused and names the cache"
	else
		fail "$sl: destroy with live objects" "no message naming the cache"
	fi
	cp $D/default/slabinfo /tmp/slabinfo.before
	for bad in "cache_create name=x size=0" "cache_create name=x size=99999" \
		   "cache_create size=8" "cache_create name=dentry size=8" \
		   "cache_create name=x size=8 align=3" "cache_alloc name=nope tag=t" \
		   "cache_alloc name=dentry tag=d" "cache_destroy name=kmalloc-64" \
		   "kmalloc size=0 tag=t" "kmalloc tag=t" "cache_shrink name=" \
		   "cache_create name=x size=8 debug=2" "cache_create name=x size=8 debug=FX" \
		   "cache_create name=x size=8 debug=T"; do
		[ $sl = slob ] && [ "$bad" = "cache_destroy name=kmalloc-64" ] && continue
		if echo "$bad" > $C 2>/dev/null; then
			fail "$sl: control rejects '$bad'" "write accepted"
		else
			pass "$sl: control rejects '$bad'"
		fi
	done
	cmp -s /tmp/slabinfo.before $D/default/slabinfo &&
		pass "$sl: rejected slab commands changed nothing" ||
		fail "$sl: rejected slab commands changed nothing" "slabinfo differs"
	if echo "cache_create name=dbg size=64 debug=fz" > $C &&
	   grep -q '^debug: *FZ$' $D/default/slab/dbg && echo "cache_destroy name=dbg" > $C; then
		pass "$sl: cache_create debug=fz gives the cache F and Z"
	else
		fail "$sl: cache_create debug=fz" "$(grep debug: $D/default/slab/dbg 2>&1)"
	fi
	echo "free tag=d" > $C && echo "free tag=k" > $C && echo "free tag=big" > $C &&
	echo "cache_destroy name=dentry" > $C &&
		pass "$sl: free everything, then destroy the cache" ||
		fail "$sl: free and destroy" "a command failed"
	echo check > $C || fail "$sl: buddy check after the slab workload" "check failed"
	rmmod shadow_mm
	mem_back "$sl: host memory back after rmmod" "$b"
done

# Extra instances side by side: SLAB and SLOB on the same workload.
settle
b=$(memfree_kb)
if insmod /smm/shadow_mm.ko arena_mb=16; then
	R=$D/control
	if echo "create name=slabbox arena_mb=16 slab=slab" > $R &&
	   echo "create name=slobbox arena_mb=16 slab=slob arena_source=chunks" > $R &&
	   [ -d $D/slabbox ] && [ -d $D/slobbox ]; then
		pass "control creates instances with their own strategy"
		for i in slabbox slobbox; do
			echo "kmalloc size=100 count=200 tag=w" > $D/$i/control ||
				fail "$i: the workload" "kmalloc failed"
		done
		grep -q "^slobbox *16384 slob" $R && grep -q "^slabbox *16384 slab" $R &&
			pass "control lists the instances" || fail "control lists the instances" "$(cat $R)"
	else
		fail "control creates instances" "$(cat $R)"
	fi
	cp $R /tmp/instances.before
	ls $D > /tmp/dir.before
	for bad in "create" "create name=x slab=foo" "create name=x bogus=1" "frobnicate name=x" \
		   "create name=. arena_mb=4" "create name=.. arena_mb=4" "create name=a/b" \
		   "create name=x name=y" "destroy name=slabbox arena_mb=4" "destroy name=nope" \
		   "destroy name=default" "create name=x arena_mb=010x" \
		   "create name=x slab_debug=Q" "create name=x slab_debug=F,,"; do
		expect_errno "instance control: '$bad' is -EINVAL" $R "$bad" "Invalid argument"
	done
	for bad in "create name=control arena_mb=4" "create name=bench arena_mb=4" \
		   "create name=default" "create name=slabbox"; do
		expect_errno "instance control: '$bad' is -EEXIST" $R "$bad" "File exists"
	done
	for bad in "create name=x arena_mb=1" "create name=x max_order=0" \
		   "create name=x max_order=15"; do
		expect_errno "instance control: '$bad' is -ERANGE" $R "$bad" "out of range"
	done
	cmp -s /tmp/instances.before $R && ls $D | cmp -s /tmp/dir.before - &&
		pass "rejected instance commands created nothing" ||
		fail "rejected instance commands created nothing" "$(cat $R; ls $D)"
	echo "destroy name=slabbox" > $R && [ ! -d $D/slabbox ] &&
		pass "control destroys an instance" || fail "control destroys an instance" "still there"
	rmmod shadow_mm
	mem_back "instances: host memory back after rmmod (one left to rmmod)" "$b"
else
	fail "insmod for the instance tests" "insmod failed"
fi

# A second load with a user reservation and small chunks (holes in the map).
if insmod /smm/shadow_mm.ko arena_mb=16 arena_chunk_order=8 e820_reserve=64K@2M,8K@3M:acpi; then
	if grep -q 'ACPI data' "$D/default/e820" && grep -q '0x0000000000200000-0x000000000020ffff\] reserved' "$D/default/e820"; then
		pass "e820_reserve shows in the map"
	else
		fail "e820_reserve shows in the map" "$(cat "$D/default/e820")"
	fi
	rmmod shadow_mm
else
	fail "insmod with e820_reserve" "insmod failed"
fi
# The plug-ins (scripts/guest/smoke_*.sh): each loads the module with what
# it needs, checks, unloads and looks for the host memory itself.
for f in /smm/smoke_*.sh; do
	[ -f "$f" ] && . "$f"
done
dump_dmesg
