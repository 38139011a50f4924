# SPDX-License-Identifier: GPL-2.0
# Plug-in of the smoke test (sourced at its end, the module not loaded):
# the shadow_mm tracepoints as a user sees them.  trace-cmd (Debian's,
# copied in through SMM_BINS) records -e shadow_mm around a known workload,
# and the checks read the fields of `trace-cmd report`:
#  A. on an arena of 32 MiB: 7 blocks of order 2, 13 kmallocs of 100 bytes,
#     2 vmallocs and their frees; a second instance created and destroyed
#     through the module's control file, whose bring-up stages are traced
#     (the events exist only once the module is in, so the stages of the
#     default instance, made by insmod, cannot be recorded);
#  B. with swap ($SMM_SWAP_ARGS): fault_test --swap, whose faults, swap
#     I/O and reclaim must match the instance's vmstat counters.

TR=/tmp/smm-trace
mkdir -p $TR

# tr_report NAME: `trace-cmd report` of $TR/NAME.dat into $TR/NAME.txt, only
# our events; checks that it ran and that every record was parsed.
tr_report() {
	if ! trace-cmd report -i $TR/$1.dat > $TR/$1.all 2> $TR/$1.err; then
		fail "trace: trace-cmd report ($1)" "$(tail -n 3 $TR/$1.err)"
		: > $TR/$1.txt
		return
	fi
	grep -E ' smm_[a-z_]+: ' $TR/$1.all > $TR/$1.txt
	if grep -qE 'FAILED TO PARSE|\[UNKNOWN' $TR/$1.all; then
		fail "trace: trace-cmd report parses every record ($1)" \
			"$(grep -m 2 -E 'FAILED TO PARSE|\[UNKNOWN' $TR/$1.all)"
	else
		pass "trace: trace-cmd report parses every record ($1, $(wc -l < $TR/$1.txt) events)"
	fi
}

# tr_count NAME EVENT INSTANCE [REGEX]: records of EVENT for INSTANCE whose
# fields also match REGEX.
tr_count() {
	grep -E " $2: +instance=$3( |\$)" $TR/$1.txt | grep -cE "${4:-.}"
}

# tr_check NAME WANT GOT: one check of a count.
tr_check() {
	if [ "$3" = "$2" ]; then pass "trace: $1 ($3)"; else fail "trace: $1" "want $2, got $3"; fi
}

vmstat_get() { awk -v k="$1" '$1 == k { print $2 }' $D/default/vmstat; }

# The events of every allocation EV_A with field KEY, each freed once by EV_F:
# prints "allocs frees" where frees counts the allocations freed exactly once.
tr_pairs() {
	grep -E " ($2|$3): +instance=default " $TR/$1.txt | grep -E "$5" |
	awk -v a="$2:" -v f="$3:" -v key="$4" '
		{ v = ""; for (i = 1; i <= NF; i++) if (index($i, key "=") == 1) v = $i
		  for (i = 1; i <= NF; i++) if ($i == a) { al[v]++; n++ } else if ($i == f) fr[v]++ }
		END { for (v in al) if (fr[v] == 1) m++; print n + 0, m + 0 }'
}

if ! command -v trace-cmd > /dev/null; then
	fail "trace: trace-cmd in the guest" "not in the initramfs (SMM_BINS=trace-cmd)"
elif [ ! -d /sys/kernel/tracing/events ]; then
	fail "trace: tracefs at /sys/kernel/tracing" "not mounted"
else
	if [ -w /sys/module/kunit/parameters/filter_glob ]; then
		echo "shadow_mm_no_suite_again" > /sys/module/kunit/parameters/filter_glob
	fi
	# The ring buffer is small until tracing is first used, then grows to
	# its full size and stays: grow it before the host memory is counted.
	kb=$(sed -n 's/.*expanded: \([0-9]*\).*/\1/p' /sys/kernel/tracing/buffer_size_kb)
	[ -n "$kb" ] && echo "$kb" > /sys/kernel/tracing/buffer_size_kb
	settle
	b=$(memfree_kb)

	# ---- A: a known workload, and a second instance's bring-up ----
	if insmod /smm/shadow_mm.ko arena_mb=32; then
		ls /sys/kernel/tracing/events/shadow_mm | grep -q '^smm_kmalloc$' &&
			pass "trace: events/shadow_mm is there once the module is in" ||
			fail "trace: events/shadow_mm is there once the module is in" \
				"$(ls /sys/kernel/tracing/events/shadow_mm 2>&1 | head -n 3)"
		cat > $TR/a.sh <<-EOF
		C=$D/default/control
		echo "create name=traced arena_mb=16" > $D/control || echo "create failed"
		echo "alloc order=2 count=7 tag=t" > \$C
		echo "kmalloc size=100 count=13 tag=k" > \$C
		echo "vmalloc size=40000 count=2 tag=v" > \$C
		echo "free tag=t" > \$C
		echo "free tag=k" > \$C
		echo "free tag=v" > \$C
		echo "destroy name=traced" > $D/control || echo "destroy failed"
		EOF
		trace-cmd record -e shadow_mm -o $TR/a.dat sh $TR/a.sh > $TR/a.rec 2>&1 ||
			fail "trace: trace-cmd record -e shadow_mm (A)" "$(tail -n 3 $TR/a.rec)"
		grep -q failed $TR/a.rec && fail "trace: workload A ran" "$(grep failed $TR/a.rec)"
		tr_report a

		tr_check "7 x alloc order=2: 7 mm_page_alloc events of order 2, site pages" 7 \
			"$(tr_count a smm_mm_page_alloc default ' order=2 .* site=pages$')"
		set -- $(tr_pairs a smm_mm_page_alloc smm_mm_page_free pfn \
			'order=2 .*site=pages$|smm_mm_page_free: .* order=2 ')
		tr_check "the 7 blocks' PFNs each freed once, order 2 (mm_page_free)" "7 7" "$1 $2"
		tr_check "13 x kmalloc size=100: kmalloc events bytes_req=100 bytes_alloc=128 name=kmalloc-128" \
			13 "$(tr_count a smm_kmalloc default \
				' bytes_req=100 bytes_alloc=128 gfp_flags=KERNEL name=kmalloc-128$')"
		tr_check "no other kmalloc of 100 bytes" 13 \
			"$(tr_count a smm_kmalloc default ' bytes_req=100 ')"
		set -- $(tr_pairs a smm_kmalloc smm_kfree ptr ' (bytes_req=100 |smm_kfree)')
		tr_check "the 13 kmalloc pointers each kfree'd once" "13 13" "$1 $2"
		tr_check "2 x vmalloc size=40000: vmalloc events size=40960 nr_pages=10" 2 \
			"$(tr_count a smm_vmalloc default ' size=40960 nr_pages=10 vmap=0$')"
		set -- $(tr_pairs a smm_vmalloc smm_vfree ptr .)
		tr_check "the 2 vmalloc areas each vfree'd once" "2 2" "$1 $2"
		tr_check "vmalloc's 20 pages came from the bulk allocator, site vmalloc" 20 \
			"$(tr_count a smm_mm_page_alloc default ' order=0 .*gfp_flags=HIGHMEM site=vmalloc$')"
		tr_check "vfree gave them back: 20 mm_page_free_batched events" 20 \
			"$(tr_count a smm_mm_page_free_batched default)"

		# The second instance's bring-up: 13 stages, each begun and ended, in order.
		want="arena e820 early static memmap pgtable bootmem earlyres kmap zones handoff slab vmalloc"
		got=$(grep -E ' smm_bringup_stage_(begin|end): +instance=traced ' $TR/a.txt |
		      awk '{ for (i = 1; i <= NF; i++) {
				if ($i ~ /^smm_bringup_stage_begin:/) k = "b"
				if ($i ~ /^smm_bringup_stage_end:/) k = "e"
				if ($i ~ /^stage=/) s = substr($i, 7) }
			     printf "%s%s:%s", (NR > 1 ? " " : ""), k, s }')
		w=$(for s in $want; do printf 'b:%s e:%s ' $s $s; done)
		tr_check "create name=traced: its 13 bring-up stages begin and end in order" \
			"${w% }" "$got"
		tr_check "each stage end has its function and a duration" 13 \
			"$(tr_count a smm_bringup_stage_end traced ' function=[^ ]+ duration_ns=[0-9]+ result=')"
		tr_check "mem_init's stage names its function" 2 \
			"$(tr_count a 'smm_bringup_stage_(begin|end)' traced ' stage=handoff function=mem_init')"
		tr_check "every event names its instance (default or traced)" \
			"$(wc -l < $TR/a.txt)" \
			"$(grep -cE ' smm_[a-z_]+: +instance=(default|traced)( |$)' $TR/a.txt)"
		rmmod shadow_mm || fail "trace: rmmod after A" "rmmod failed"
	else
		fail "trace: insmod arena_mb=32" "insmod failed"
	fi

	# ---- B: faults, swap and reclaim, against the vmstat counters ----
	if [ ! -x /smm/fault_test ]; then
		fail "trace: fault_test for the fault events" "/smm/fault_test is not in the initramfs"
	elif insmod /smm/shadow_mm.ko $SMM_SWAP_ARGS; then
		for k in pgfault cow_fault pgmajfault pswpin pswpout pgsteal_direct pgsteal_kswapd; do
			eval "v0_$k=$(vmstat_get $k)"
		done
		# The counters are read inside the record, once kswapd had a moment.
		trace-cmd record -e shadow_mm -o $TR/b.dat \
			sh -c "/smm/fault_test --swap > $TR/ft.log 2>&1; echo \$? > $TR/ft.rc;
			       sleep 1; cat $D/default/vmstat > $TR/vmstat.after" \
			> $TR/b.rec 2>&1 ||
			fail "trace: trace-cmd record -e shadow_mm (B)" "$(tail -n 3 $TR/b.rec)"
		[ "$(cat $TR/ft.rc 2>/dev/null)" = 0 ] &&
			pass "trace: fault_test --swap passed while traced" ||
			fail "trace: fault_test --swap passed while traced" \
				"exit $(cat $TR/ft.rc 2>/dev/null); $(grep -m 3 'SMM-CHECK fail' $TR/ft.log)"
		for k in pgfault cow_fault pgmajfault pswpin pswpout pgsteal_direct pgsteal_kswapd; do
			eval "d_$k=\$(( \$(awk -v k=$k '\$1 == k { print \$2 }' $TR/vmstat.after) - v0_$k ))"
		done
		tr_report b
		n=$(tr_count b smm_fault default)
		[ "$n" -gt 0 ] && tr_check "one fault event per pgfault" "$d_pgfault" "$n" ||
			fail "trace: fault events" "none"
		n=$(tr_count b smm_fault default ' kind=cow ')
		[ "$n" -gt 0 ] && tr_check "kind=cow events: one per cow_fault" "$d_cow_fault" "$n" ||
			fail "trace: kind=cow events" "none (cow_fault +$d_cow_fault)"
		n=$(tr_count b smm_fault default ' kind=major ')
		[ "$n" -gt 0 ] && tr_check "kind=major events: one per pgmajfault" "$d_pgmajfault" "$n" ||
			fail "trace: kind=major events" "none (pgmajfault +$d_pgmajfault)"
		tr_check "kind=minor events have a page" 0 \
			"$(tr_count b smm_fault default ' pfn=0xffffffffffffffff kind=minor')"
		tr_check "swap_in events: one per pswpin" "$d_pswpin" "$(tr_count b smm_swap_in default)"
		n=$(tr_count b smm_swap_out default)
		[ "$d_pswpout" -gt 0 ] && [ "$n" -ge "$d_pswpout" ] &&
			pass "trace: swap_out events ($n) cover pswpout (+$d_pswpout)" ||
			fail "trace: swap_out events cover pswpout" "$n events, pswpout +$d_pswpout"
		for who in direct kswapd; do
			k=0; [ $who = kswapd ] && k=1
			got=$(grep -E " smm_mm_vmscan_lru_shrink_inactive: +instance=default .* kswapd=$k\$" \
				$TR/b.txt | sed 's/.* nr_reclaimed=\([0-9]*\) .*/\1/' |
				awk '{ s += $1 } END { print s + 0 }')
			eval "want=\$d_pgsteal_$who"
			tr_check "lru_shrink_inactive's nr_reclaimed adds up to pgsteal_$who" "$want" "$got"
		done
		tr_check "every direct reclaim begins and ends" \
			"$(tr_count b smm_mm_vmscan_direct_reclaim_begin default)" \
			"$(tr_count b smm_mm_vmscan_direct_reclaim_end default)"
		rmmod shadow_mm || fail "trace: rmmod after B" "rmmod failed"
	else
		fail "trace: insmod $SMM_SWAP_ARGS" "insmod failed"
	fi
	# The records and reports live in tmpfs: they go before the count.
	rm -rf $TR
	mem_back "trace: host memory back after the traced loads" "$b"
fi
