# SPDX-License-Identifier: GPL-2.0
# Smoke plug-in: the per-PFN files read by the kernel's own tools.  After a
# known workload, the kernel's page-types reads our kpageflags with -F (and
# our kpagecount bind-mounted over /proc/kpagecount, the only path it
# opens) and its summary agrees with buddyinfo and slabinfo; pfnmap's
# owners agree with meminfo; procps free reads our meminfo and vmstat -m
# our slabinfo, each bind-mounted over its /proc file as slabtop's check
# does; kpf_test checks the user pages' bits and counts.  The module is
# not loaded when this starts, and is not after.

# pt_pages FLAG: pages of the page-types summary whose symbolic flags have
# FLAG (one letter of page-types' short names, e.g. B for buddy, S for slab).
pt_pages() {
	awk -v f="$1" '$1 ~ /^0x/ && $4 ~ f { n += $2 } END { print n + 0 }' /tmp/pt.out
}

pfn_checks() {
	P=$D/default
	for cmd in "alloc order=0 count=300 tag=small" "alloc order=3 count=40 tag=mid" \
		   "alloc order=0 count=64 zone=HIGHMEM tag=high" "free tag=small" \
		   "cache_create name=dentry size=192" "cache_alloc name=dentry count=100 tag=d" \
		   "kmalloc size=100 count=50 tag=k100" "kmalloc size=3000 count=10 tag=k3000" \
		   "kmalloc size=20000 count=2 tag=big" "vmalloc size=40000 count=2 tag=v"; do
		if ! echo "$cmd" > $P/control; then
			fail "pfn: workload" "'$cmd' failed"
			return
		fi
	done
	max=$(($(wc -c < $P/kpageflags) / 8))
	lines=$(($(wc -l < $P/pfnmap) - 1))
	[ "$lines" = "$max" ] && [ "$max" -gt 0 ] &&
		pass "pfn: pfnmap has one record per PFN of kpageflags ($max)" ||
		fail "pfn: pfnmap has one record per PFN of kpageflags" "$lines records, $max words"
	if dd if=$P/kpageflags of=/dev/null bs=7 count=1 2>&1 | grep -q "Invalid argument"; then
		pass "pfn: a read of kpageflags that is not a multiple of 8 is EINVAL"
	else
		fail "pfn: kpageflags unaligned read" "$(dd if=$P/kpageflags of=/dev/null bs=7 count=1 2>&1)"
	fi

	# page-types on our kpageflags.
	PT=$(ls /smm/page-types-* 2>/dev/null | head -n 1)
	if [ -z "$PT" ]; then
		fail "pfn: page-types" "no /smm/page-types-* in the initramfs"
	elif "$PT" -F $P/kpageflags > /tmp/pt.out 2>&1; then
		echo "==== page-types -F $P/kpageflags"
		cat /tmp/pt.out
		total=$(awk '$1 == "total" { print $2 }' /tmp/pt.out)
		[ "$total" = "$max" ] && pass "page-types -F reads every PFN ($total)" ||
			fail "page-types -F reads every PFN" "total $total, max_pfn $max"
		buddy=$(awk '/zone/ { p = 1; for (i = 5; i <= NF; i++) { n += $i * p; p *= 2 } }
			     END { print n + 0 }' $P/buddyinfo)
		got=$(pt_pages B)
		[ "$got" = "$buddy" ] && pass "page-types: buddy pages = buddyinfo's free pages ($got)" ||
			fail "page-types: buddy pages = buddyinfo's free pages" "$got, buddyinfo $buddy"
		slab=$(awk 'NR > 2 { n += $15 * $6 } END { print n + 0 }' $P/slabinfo)
		got=$(pt_pages S)
		[ "$got" = "$slab" ] && [ "$slab" -gt 0 ] &&
			pass "page-types: slab pages = slabinfo's num_slabs x pagesperslab ($got)" ||
			fail "page-types: slab pages = slabinfo's pages" "$got, slabinfo $slab"
		nopage=$(awk '$1 == "total" { next } $1 ~ /^0x/ && $5 ~ /nopage/ { n += $2 }
			      END { print n + 0 }' /tmp/pt.out)
		holes=$(awk 'NR > 1 && $2 == "-" { n++ } END { print n + 0 }' $P/pfnmap)
		[ "$nopage" = "$holes" ] && pass "page-types: nopage pages = pfnmap's holes ($holes)" ||
			fail "page-types: nopage pages = pfnmap's holes" "$nopage, pfnmap $holes"
		if "$PT" -r -F $P/kpageflags > /tmp/ptr.out 2>&1 && grep -q reserved /tmp/ptr.out; then
			pass "page-types -r shows the reserved pages"
		else
			fail "page-types -r" "$(cat /tmp/ptr.out)"
		fi
	else
		fail "page-types -F" "$(cat /tmp/pt.out)"
	fi
	# kpagecount: page-types opens only /proc/kpagecount, with -l -M.
	if [ -n "$PT" ] && mount -o bind $P/kpagecount /proc/kpagecount; then
		if "$PT" -F $P/kpageflags -l -M > /tmp/ptl.out 2>&1 &&
		   head -n 1 /tmp/ptl.out | grep -q "map-cnt"; then
			pass "page-types -l -M reads our kpagecount over /proc/kpagecount"
		else
			fail "page-types -l -M" "$(head -n 5 /tmp/ptl.out)"
		fi
		umount /proc/kpagecount
	else
		fail "page-types -l -M" "cannot bind-mount over /proc/kpagecount"
	fi

	# pfnmap's owners against meminfo's rows, in pages.
	awk 'NR > 1 { o = $4; if (o == "hole" && $2 != "-") o = "firmware";
			  if (o == "memmap") o = "early_res";
			  if (o ~ /^(vmalloc|user|swapcache|kmap)$/) o = "alloc"; n[o]++ }
	     END { for (o in n) print o, n[o] }' $P/pfnmap > /tmp/owners
	for pair in firmware:Firmware early_res:EarlyRes buddy:BuddyFree pcp:PerCPULists \
		    alloc:PageAlloc slab:SlabPages pgtable:PageTables; do
		o=${pair%%:*} row=${pair#*:}
		a=$(awk -v o="$o" '$1 == o { print $2 }' /tmp/owners)
		b=$(awk -v r="$row:" '$1 == r { print $2 / 4 }' $P/meminfo)
		[ "${a:-0}" = "$b" ] && pass "pfn: pfnmap's $o pages = meminfo's $row ($b)" ||
			fail "pfn: pfnmap's $o pages = meminfo's $row" "${a:-0}, meminfo $b"
	done
	v=$(awk 'NR > 1 && $4 == "vmalloc" { n++ } END { print n + 0 }' $P/pfnmap)
	[ "$v" = 20 ] && pass "pfn: pfnmap has the 2 x 10 vmalloc pages" ||
		fail "pfn: pfnmap's vmalloc pages" "$v, want 20"
	grep -q ' slab [0-9]* dentry$' $P/pfnmap && grep -q ' slab 3 kmalloc-large$' $P/pfnmap &&
		pass "pfn: pfnmap names the slab caches and the large kmallocs" ||
		fail "pfn: pfnmap's slab details" "$(grep ' slab ' $P/pfnmap | head -n 5)"

	# procps free over our meminfo.
	if mount -o bind $P/meminfo /proc/meminfo; then
		# procps's, not busybox's, which asks sysinfo() instead.
		/usr/bin/free -k > /tmp/free.out 2>&1
		umount /proc/meminfo
		echo "==== free -k over shadow meminfo"
		cat /tmp/free.out
		t=$(awk '$1 == "MemTotal:" { print $2 }' $P/meminfo)
		f=$(awk '$1 == "MemFree:" { print $2 }' $P/meminfo)
		a=$(awk '$1 == "MemAvailable:" { print $2 }' $P/meminfo)
		set -- $(awk '$1 == "Mem:" { print $2, $3, $4 }' /tmp/free.out)
		# procps 4 counts used as total - available; 3.3 as total - free - cache.
		if [ "$1" = "$t" ] && [ "$3" = "$f" ] &&
		   { [ "$2" = $((t - a)) ] || [ "$2" = $((t - f)) ]; }; then
			pass "free reads shadow meminfo: total $t, used $2, free $f kB"
		else
			fail "free reads shadow meminfo" "$(cat /tmp/free.out); want $t $f"
		fi
	else
		fail "free reads shadow meminfo" "cannot bind-mount over /proc/meminfo"
	fi
	# procps vmstat -m over our slabinfo: name, active, total, size, objects per slab.
	if mount -o bind $P/slabinfo /proc/slabinfo; then
		/usr/bin/vmstat -m > /tmp/vmm.out 2>&1
		umount /proc/slabinfo
		echo "==== vmstat -m over shadow slabinfo"
		cat /tmp/vmm.out
		awk 'NR > 2 { print $1, $2, $3, $4, $5 }' $P/slabinfo | sort > /tmp/want
		awk 'NR > 1 { print $1, $2, $3, $4, $5 }' /tmp/vmm.out | sort > /tmp/got
		if cmp -s /tmp/want /tmp/got && grep -q '^dentry 1[0-9][0-9] ' /tmp/got; then
			pass "vmstat -m lists every shadow cache with its counts"
		else
			fail "vmstat -m reads shadow slabinfo" "$(diff /tmp/want /tmp/got | head -n 8)"
		fi
	else
		fail "vmstat -m reads shadow slabinfo" "cannot bind-mount over /proc/slabinfo"
	fi
}

settle
pfn_before=$(memfree_kb)
if insmod /smm/shadow_mm.ko arena_mb=32 arena_source=chunks arena_chunk_order=8; then
	pass "pfn: insmod arena_mb=32 arena_source=chunks arena_chunk_order=8"
	pfn_checks
	# The user pages: MMAP, ANON, LRU and kpagecount through fork and CoW.
	run_tool kpf_test
	rmmod shadow_mm && pass "pfn: rmmod"
	mem_back "pfn: host memory back" "$pfn_before"
else
	fail "pfn: insmod arena_mb=32 arena_source=chunks arena_chunk_order=8" "insmod failed"
fi
