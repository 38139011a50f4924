# SPDX-License-Identifier: GPL-2.0
# Smoke plug-in (sourced by smoke.sh, module not loaded): the 6.12 era.
# bringup=6.12 loads; memblock/memory and memblock/reserved parse in the
# format of the kernel's own debugfs files and agree with e820; the
# timeline runs in 6.12's order under 6.12's names; what 6.12 no longer
# has (SLAB, SLOB) and eras that do not exist are refused with the right
# errno and change nothing; movablecore=16M makes a Movable zone of
# 16 MiB; rmmod gives every page back.

settle
eras_before=$(memfree_kb)
if insmod /smm/shadow_mm.ko bringup=6.12; then
	pass "eras: insmod bringup=6.12"
	E=$D/default
	# "%4d: %pa..%pa %4d FLAGS" (mm/memblock.c, memblock_debug_show()):
	# the node is 'x' for MAX_NUMNODES, as on the reserved regions; the
	# regions sorted, none overlapping the next.
	for f in memory reserved; do
		if [ -r "$E/memblock/$f" ] &&
		   awk 'BEGIN { prev = -1 }
			!/^ *[0-9]+: 0x[0-9a-f]{16}\.\.0x[0-9a-f]{16} +([0-9]+|x) [A-Z_|]+$/ { bad = 1 }
			{ split($2, a, "\\.\\."); s = (a[1] + 0); e = (a[2] + 0)
			  if ($1 != (NR - 1) ":" || e < s || s <= prev) bad = 1; prev = e }
			END { exit bad || NR == 0 }' "$E/memblock/$f" 2>/dev/null; then
			pass "eras: memblock/$f has the kernel's debugfs format, sorted, no overlap"
		else
			fail "eras: memblock/$f has the kernel's debugfs format" \
				"$(cat "$E/memblock/$f" 2>&1 | head -n 8)"
		fi
	done
	# memblock.memory is e820's usable memory, whole pages of it.
	usable=$(awk '/ usable$/ { gsub(/[][]/, " "); split($3, a, "-")
		s = (a[1] + 0); e = (a[2] + 0) + 1
		s = int((s + 4095) / 4096); e = int(e / 4096); if (e > s) n += e - s }
		END { print n + 0 }' "$E/e820")
	mem=$(awk '{ split($2, a, "\\.\\."); n += ((a[2] + 0) + 1 - (a[1] + 0)) / 4096 }
		END { print n + 0 }' "$E/memblock/memory")
	[ "$usable" -gt 0 ] && [ "$usable" = "$mem" ] &&
		pass "eras: memblock/memory is e820's usable memory ($mem pages)" ||
		fail "eras: memblock/memory is e820's usable memory" "e820 $usable pages, memblock $mem"
	# reserve_real_mode() takes the first 1 MiB, early_reserve_memory()
	# the kernel image: both in memblock.reserved.
	if awk '{ split($2, a, "\\.\\."); if ((a[1] + 0) == 0 && (a[2] + 0) >= 1048575) ok = 1 }
		END { exit !ok }' "$E/memblock/reserved"; then
		pass "eras: memblock/reserved starts with the first 1 MiB (reserve_real_mode)"
	else
		fail "eras: memblock/reserved has the first 1 MiB" "$(cat "$E/memblock/reserved")"
	fi
	want="e820__memory_setup early_reserve_memory e820__memblock_setup init_mem_mapping sparse_init free_area_init memblock_free_all kmem_cache_init vmalloc_init"
	got=$(awk -v w="$want" 'BEGIN { n = split(w, a, " ") } $2 == a[i + 1] { i++ } END { print i == n ? "yes" : "no" }' "$E/bringup")
	[ "$got" = yes ] && pass "eras: the 6.12 timeline runs in 6.12's order, under its names" ||
		fail "eras: the 6.12 timeline order" "$(awk '/^[a-z]/ { print $2 }' "$E/bringup" | tr '\n' ' ')"
	if awk '/^Node 0, zone/ { z = z " " $4 } END { exit z != " DMA DMA32 Normal" }' "$E/buddyinfo" &&
	   ! grep -q HighMem "$E/zoneinfo"; then
		pass "eras: 6.12 zones DMA, DMA32, Normal in buddyinfo; no HighMem"
	else
		fail "eras: 6.12 zones" "$(cat "$E/buddyinfo")"
	fi
	[ -r "$E/pagetypeinfo" ] && echo "# eras: pagetypeinfo present ($(wc -l < "$E/pagetypeinfo") lines)"

	# Refused: what 6.12 removed, an era that does not exist, a share past
	# 100%.  The message names the version; nothing changes.
	R=$D/control
	cat $R > /tmp/eras.inst
	ls $D > /tmp/eras.dir
	cp "$E/buddyinfo" /tmp/eras.buddy
	dmesg_mark
	expect_errno "eras: create bringup=6.12 slab=slab is -EINVAL" $R \
		"create name=old arena_mb=8 bringup=6.12 slab=slab" "Invalid argument"
	dmesg_new | grep -q "SLAB was removed in Linux 6\.8" &&
		pass "eras: the message says SLAB went in 6.8" ||
		fail "eras: the message says SLAB went in 6.8" "$(dmesg | tail -n 2)"
	dmesg_mark
	expect_errno "eras: create bringup=6.12 slab=slob is -EINVAL" $R \
		"create name=old arena_mb=8 bringup=6.12 slab=slob" "Invalid argument"
	dmesg_new | grep -q "SLOB was removed in Linux 6\.4" &&
		pass "eras: the message says SLOB went in 6.4" ||
		fail "eras: the message says SLOB went in 6.4" "$(dmesg | tail -n 2)"
	dmesg_mark
	expect_errno "eras: create bringup=6.13 is -EINVAL" $R "create name=new arena_mb=8 bringup=6.13" \
		"Invalid argument"
	dmesg_new | grep -q "bringup" &&
		pass "eras: the message names bringup" ||
		fail "eras: the message names bringup" "$(dmesg | tail -n 2)"
	expect_errno "eras: create kernelcore=101% is -ERANGE" $R \
		"create name=kc arena_mb=8 bringup=6.12 kernelcore=101%" "out of range"
	expect_errno "eras: create movablecore=16M without bringup=6.12 is -EINVAL" $R \
		"create name=mv arena_mb=64 movablecore=16M" "Invalid argument"
	if cmp -s /tmp/eras.inst $R && ls $D | cmp -s /tmp/eras.dir - &&
	   cmp -s /tmp/eras.buddy "$E/buddyinfo"; then
		pass "eras: the refused creates changed nothing"
	else
		fail "eras: the refused creates changed nothing" "$(cat $R; ls $D)"
	fi

	# movablecore=16M: ZONE_MOVABLE of 16 MiB, 4096 pages, at the top.
	if echo "create name=mov arena_mb=64 bringup=6.12 movablecore=16M" > $R; then
		mv=$(awk '/^Node 0, zone/ { z = $4 } z == "Movable" && $1 == "present" { print $2 }' \
			"$D/mov/zoneinfo")
		[ "$mv" = 4096 ] &&
			pass "eras: movablecore=16M makes a Movable zone of 16 MiB (4096 pages)" ||
			fail "eras: movablecore=16M makes a Movable zone of 16 MiB" \
				"Movable present '$mv': $(grep -A 6 Movable "$D/mov/zoneinfo")"
		grep -q "^Node 0, zone  *Movable " "$D/mov/buddyinfo" &&
			pass "eras: the Movable zone is in buddyinfo" ||
			fail "eras: the Movable zone is in buddyinfo" "$(cat "$D/mov/buddyinfo")"
		echo check > "$D/mov/control" && pass "eras: check on the movablecore=16M instance" ||
			fail "eras: check on the movablecore=16M instance" "check failed"
		echo "destroy name=mov" > $R && [ ! -d $D/mov ] &&
			pass "eras: destroy the movablecore=16M instance" ||
			fail "eras: destroy the movablecore=16M instance" "$(cat $R)"
	else
		fail "eras: create movablecore=16M bringup=6.12" "$(dmesg | tail -n 2)"
	fi
	echo check > "$E/control" && pass "eras: check on the 6.12 default instance" ||
		fail "eras: check on the 6.12 default instance" "check failed"
	rmmod shadow_mm && pass "eras: rmmod (6.12)"
else
	fail "eras: insmod bringup=6.12" "insmod failed: $(dmesg | tail -n 3)"
fi
# The module parameter refuses what create refuses, before taking memory.
dmesg_mark
if insmod /smm/shadow_mm.ko bringup=6.12 slab=slob 2>/dev/null; then
	fail "eras: insmod bringup=6.12 slab=slob is refused" "insmod succeeded"
	rmmod shadow_mm
elif dmesg_new | grep -q "6\.4"; then
	pass "eras: insmod bringup=6.12 slab=slob is refused, naming 6.4"
else
	fail "eras: insmod bringup=6.12 slab=slob names 6.4" "$(dmesg | tail -n 2)"
fi
if insmod /smm/shadow_mm.ko bringup=6.13 2>/dev/null; then
	fail "eras: insmod bringup=6.13 is refused" "insmod succeeded"
	rmmod shadow_mm
else
	pass "eras: insmod bringup=6.13 is refused"
fi
mem_back "eras: host memory back after the 6.12 loads" "$eras_before"
