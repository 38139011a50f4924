# SPDX-License-Identifier: GPL-2.0
# make run ERA=both: the two bring-ups side by side, on the same amount of
# memory, in one guest.  The default instance replays 2.6.29 (with ARGS);
# a created instance "modern" replays 6.12 on an arena of the same size.
# Then: their timelines, their boot-allocator views (e820 + early_res
# against e820 + memblock), the same control-file workload on both, their
# zoneinfo and buddyinfo, a short diff, and demand paging through
# /dev/shadow_mm in each era (the module loaded once per era, since the
# device serves the default instance).

OLD=$D/default
NEW=$D/modern

# era_view DIR: the boot-allocator files DIR has, in the order the kernel
# of its era fills them.
era_view() {
	for f in e820 early_res memblock/memory memblock/reserved; do
		[ -r "$1/$f" ] || continue
		echo "---- $f"
		cat "$1/$f"
	done
}

# stage_table DIR: one line per stage of DIR's timeline, in the order they
# ran: number, the kernel function, the duration in us; then the total.
stage_table() {
	awk '$1 == "stage" && $2 == "kernel" { on = 1; next }
	     on && $1 == "total" { printf "   %-24s %10.1f us\n", "total", $2 / 1000; exit }
	     on && /^[a-z]/ && NF >= 4 { printf "%2d %-24s %10.1f us\n", ++n, $2, $4 / 1000 }' "$1/bringup"
}

# summary DIR: "key value" lines for the diff: the stages, the zones and
# their pages, free memory and the largest free block.
summary() {
	awk '$1 == "stage" && $2 == "kernel" { on = 1; next }
	     on && $1 == "total" { t = $2; on = 0 }
	     on && /^[a-z]/ && NF >= 4 { n++ }
	     END { print "stages", n; printf "bring-up_ms %.2f\n", t / 1e6 }' "$1/bringup"
	awk '{ sub(",", "", $2); z = z (z ? "," : "") $4
	       for (i = 5; i <= NF; i++) if ($i > 0 && i - 5 > top) top = i - 5 }
	     END { print "zones", z; print "largest_free_order", top + 0 }' "$1/buddyinfo"
	awk '/^Node 0, zone/ { z = $4 }
	     $1 == "spanned" { sp += $2 } $1 == "present" { pr += $2 }
	     $1 == "managed" { ma += $2; zm = zm (zm ? "," : "") z ":" $2 }
	     END { print "pages_present", pr; print "pages_managed", ma
		   print "kept_reserved", pr - ma; print "managed_per_zone", zm }' "$1/zoneinfo"
	awk '$1 == "nr_free_pages" { print "free_pages", $2 }' "$1/vmstat"
	awk '$1 == "MemTotal:" || $1 == "MemFree:" || $1 == "Slab:" || $1 == "PageTables:" {
		sub(":", "", $1); print $1 "_kB", $2 }' "$1/meminfo"
	[ -r "$1/pagetypeinfo" ] && echo "pagetypeinfo yes"
	[ -d "$1/memblock" ] && echo "boot_allocator memblock" || echo "boot_allocator early_res+bootmem"
}

# The workload of make run, through each instance's control file: page
# allocations of a few orders, a cache, kmalloc and vmalloc.
ERA_WORKLOAD="alloc order=0 count=300 tag=small
alloc order=3 count=40 tag=mid
alloc order=0 count=64 tag=late
free tag=small
cache_create name=dentry size=192 ctor=1 reclaim=1
cache_alloc name=dentry count=100 tag=d
kmalloc size=100 count=50 tag=k100
kmalloc size=3000 count=10 tag=k3000
kmalloc size=20000 count=2 tag=big
vmalloc size=40000 count=2 tag=v
vmalloc size=2000000 tag=v2"

settle
before=$(memfree_kb)
echo "==== insmod shadow_mm.ko bringup=2.6.29 $SMM_ARGS"
if ! insmod /smm/shadow_mm.ko bringup=2.6.29 $SMM_ARGS; then
	fail "insmod bringup=2.6.29 $SMM_ARGS" "insmod failed: $(dmesg | grep shadow_mm | tail -n 3)"
	return 0 2>/dev/null || exit 0
fi
mb=$(awk '$1 == "pages:" { print $2 / 256 }' "$OLD/arena")
echo "==== create name=modern arena_mb=$mb bringup=6.12 (the same arena size)"
if ! echo "create name=modern arena_mb=$mb bringup=6.12" > "$D/control"; then
	fail "create name=modern arena_mb=$mb bringup=6.12" "$(dmesg | tail -n 3)"
	rmmod shadow_mm
	return 0 2>/dev/null || exit 0
fi
cat "$D/control"
echo "==== bring-up messages (dmesg)"
dmesg | grep 'shadow_mm:'

echo
echo "==== the timelines side by side: stages in the order they ran, us"
stage_table "$OLD" > /tmp/st.old
stage_table "$NEW" > /tmp/st.new
side_by_side 44 "2.6.29 (default)" /tmp/st.old "6.12 (modern)" /tmp/st.new
# For the host's picture of both (eras.png).
dump_file bringup.2629 "$D/default/bringup"
dump_file bringup.612 "$NEW/bringup"
for i in default modern; do
	echo "==== shadow_mm/$i/bringup ($(awk '$1 == "'$i'" { print $4 }' "$D/control"))"
	cat "$D/$i/bringup"
done

echo
echo "==== the boot allocators: e820 + early_res (2.6.29), e820 + memblock (6.12)"
era_view "$OLD" > /tmp/view.old
era_view "$NEW" > /tmp/view.new
side_by_side 40 "2.6.29 (default)" /tmp/view.old "6.12 (modern)" /tmp/view.new
echo "==== shadow_mm/default/bootmem (2.6.29 only: closed after the handoff)"
cat "$OLD/bootmem"

echo
echo "==== the same workload on both, through their control files"
printf '%s\n' "$ERA_WORKLOAD" | while read -r cmd; do
	for i in default modern; do
		echo "$cmd" > "$D/$i/control" || echo "# $i refused '$cmd'"
	done
	echo "# echo '$cmd' > {default,modern}/control"
done
for i in default modern; do
	echo check > "$D/$i/control" && pass "eras: $i: check after the workload" ||
		fail "eras: $i: check after the workload" "check failed"
done

echo
for f in buddyinfo zoneinfo pagetypeinfo extfrag meminfo slabinfo; do
	[ -r "$OLD/$f" ] || [ -r "$NEW/$f" ] || continue
	if [ "$f" = zoneinfo ] || [ "$f" = slabinfo ] || [ "$f" = pagetypeinfo ]; then
		# Too wide for two columns: one after the other.
		for i in default modern; do
			if [ -r "$D/$i/$f" ]; then
				echo "==== shadow_mm/$i/$f"
				if [ "$f" = slabinfo ]; then
					grep -E '^(# name|dentry|kmalloc-(128|4096|8192)) ' "$D/$i/$f"
				else
					cat "$D/$i/$f"
				fi
			else
				echo "==== shadow_mm/$i/$f: none in this era"
			fi
		done
		continue
	fi
	echo "==== $f after the workload"
	cat "$OLD/$f" > /tmp/f.old 2>/dev/null || echo "(none in this era)" > /tmp/f.old
	cat "$NEW/$f" > /tmp/f.new 2>/dev/null || echo "(none in this era)" > /tmp/f.new
	side_by_side 40 "2.6.29 (default)" /tmp/f.old "6.12 (modern)" /tmp/f.new
done

echo
echo "==== what changed: 2.6.29 against 6.12, same arena, same workload"
summary "$OLD" > /tmp/sum.old
summary "$NEW" > /tmp/sum.new
awk 'FILENAME == ARGV[1] { o[$1] = $2; if (!($1 in seen)) { k[++n] = $1; seen[$1] = 1 }; next }
     { w[$1] = $2; if (!($1 in seen)) { k[++n] = $1; seen[$1] = 1 } }
     END {
	printf "%-20s %-30s %-30s %s\n", "", "2.6.29", "6.12", ""
	for (i = 1; i <= n; i++) {
		a = (k[i] in o) ? o[k[i]] : "-"; b = (k[i] in w) ? w[k[i]] : "-"
		d = ""
		if (a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/ && a != b) d = sprintf("%+g", b - a)
		else if (a != b) d = "differs"
		printf "%-20s %-30s %-30s %s\n", k[i], a, b, d
	}
     }' /tmp/sum.old /tmp/sum.new
grep -q '^stages' /tmp/sum.new && [ "$(awk '$1 == "stages" { print $2 }' /tmp/sum.new)" -gt 0 ] &&
	pass "eras: both timelines read" || fail "eras: both timelines read" "$(cat /tmp/sum.new)"

for i in default modern; do
	for cmd in "free tag=mid" "free tag=late" "free tag=d" "cache_destroy name=dentry" \
		   "free tag=k100" "free tag=k3000" "free tag=big" "free tag=v" "free tag=v2"; do
		echo "$cmd" > "$D/$i/control" || echo "# $i refused '$cmd'"
	done
done
echo "destroy name=modern" > "$D/control" || fail "eras: destroy name=modern" "refused"

# Demand paging through /dev/shadow_mm, which serves the default
# instance: the module loaded once per era.
echo
echo "==== /smm/shadow_mm_demo 256 on 2.6.29 (the default instance)"
/smm/shadow_mm_demo 256 > /tmp/demo.old 2>&1 || fail "eras: shadow_mm_demo 256 (2.6.29)" "exit status $?"
cat /tmp/demo.old
cp "$OLD/faults" /tmp/faults.old
cp "$OLD/vmstat" /tmp/vmstat.old
rmmod shadow_mm
mem_back "eras: host memory back after rmmod (2.6.29 and 6.12 instances)" "$before" 8192
settle
before=$(memfree_kb)
echo "==== insmod shadow_mm.ko bringup=6.12 arena_mb=$mb $(echo " $SMM_ARGS" | sed 's/ bringup=[^ ]*//g')"
if insmod /smm/shadow_mm.ko bringup=6.12 arena_mb=$mb $(echo " $SMM_ARGS" | sed -e 's/ bringup=[^ ]*//g' -e 's/ arena_mb=[^ ]*//g'); then
	echo "==== /smm/shadow_mm_demo 256 on 6.12"
	/smm/shadow_mm_demo 256 || fail "eras: shadow_mm_demo 256 (6.12)" "exit status $?"
	cp "$OLD/faults" /tmp/faults.new
	cp "$OLD/vmstat" /tmp/vmstat.new
	echo "==== faults after shadow_mm_demo 256"
	side_by_side 44 "2.6.29" /tmp/faults.old "6.12" /tmp/faults.new
	echo "==== vmstat after shadow_mm_demo 256"
	side_by_side 44 "2.6.29" /tmp/vmstat.old "6.12" /tmp/vmstat.new
	rmmod shadow_mm
	mem_back "eras: host memory back after rmmod (6.12 default instance)" "$before"
else
	fail "eras: insmod bringup=6.12" "insmod failed: $(dmesg | grep shadow_mm | tail -n 3)"
fi
