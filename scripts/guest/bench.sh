# SPDX-License-Identifier: GPL-2.0
# make bench: run the module's benchmarks and print the table, then the
# bring-up per GiB of both eras against the host kernel's own deferred
# struct-page init,
# then the fault-in and copy-on-write rows, then, with the module loaded
# again with swap, the swap and reclaim rows.  Documentation/bench.rst
# explains every row.

# The swap area of the swap rows, in MiB: fault_bench swap pushes its 1000
# pages (4 MiB) out at a time.
SWAP_MB=16

# PAGES_PER_SECTION on x86-64: sections of 2^27 bytes (SECTION_SIZE_BITS)
# of 4 KiB pages.
PPS=32768

# host_deferred: "MS PAGES ZONE FIRST END HOLES" of the host's deferred init, or
# nothing if the boot log has no such line.  MS comes from the line
# "node 0 deferred pages initialised in MSms".  The pages it covered follow
# the kernel (mm/mm_init.c, defer_init() and deferred_init_memmap()): only
# the last populated zone of the node is deferred; its first section's
# worth of pages (PAGES_PER_SECTION) is initialised at boot, and deferral
# starts at the next section boundary, FIRST; deferred_init_memmap() then
# initialises and frees every page of [FIRST, zone end) that memblock has
# free, and nothing it has reserved.  The zone's managed pages are exactly
# the pages freed to the buddy allocator, so those of the deferred range
# are managed - (FIRST - start_pfn), the first section having no hole and
# no reservation (memblock allocates from the top down; a hole would show
# as spanned != present).  Pages freed later into that zone (initrd, init
# memory, if placed there) would count too; see Documentation/bench.rst.
host_deferred() {
	ms=$(dmesg | sed -n 's/.*node 0 deferred pages initialised in \([0-9]*\)ms.*/\1/p' |
		head -n 1)
	[ -n "$ms" ] || return 0
	awk -v ms="$ms" -v pps=$PPS '
		/^Node 0, zone/ { z = $4 }
		/^Node [1-9]/ { z = "" }
		z != "" && $1 == "present" { present[z] = $2 }
		z != "" && $1 == "managed" { managed[z] = $2 }
		z != "" && $1 == "spanned" { spanned[z] = $2 }
		z != "" && $1 == "start_pfn:" { start[z] = $2; if (present[z] > 0) last = z }
		END {
			if (last == "") exit
			s = start[last]
			first = int((s + pps + pps - 1) / pps) * pps
			end = s + spanned[last]
			pages = managed[last] - (first - s)
			printf "%s %d %s %d %d %d\n", ms, pages, last, first, end,
				spanned[last] != present[last]
		}' /proc/zoneinfo
}

# bringup_sizes: the per-GiB bring-up sizes that fit in this guest, of
# 1 GiB and 6 GiB: each needs its arena plus 1 GiB to spare (the object
# map, the host's own needs).
bringup_sizes() {
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	sizes=
	for mb in 1024 6144; do
		[ "$avail" -ge $((mb + 1024)) ] && sizes="${sizes:+$sizes,}$mb"
	done
	echo "$sizes"
}

if insmod /smm/shadow_mm.ko $SMM_ARGS; then
	host=$(host_deferred)
	SMM_BENCH=$(cat /smm/bench)
	if [ -n "$SMM_BENCH" ] && ! echo "$SMM_BENCH" > "$D/bench"; then
		fail "bench settings" "the module refused '$SMM_BENCH'"
	fi
	sizes=$(bringup_sizes)
	case " $SMM_BENCH " in
	*" bringup_mb="*) ;;
	*)	if [ -n "$sizes" ]; then
			echo "bringup_mb=$sizes" > "$D/bench" ||
				fail "bench settings" "the module refused bringup_mb=$sizes"
		fi ;;
	esac
	echo "SMM-BENCH-BEGIN"
	cat "$D/bench" > /tmp/bench.txt || fail "bench" "reading the bench file failed"
	cat /tmp/bench.txt
	echo "# bring-up per GiB against the host kernel's deferred struct-page init (boot log of this guest)"
	if [ -z "$host" ]; then
		echo "host deferred init: no 'node 0 deferred pages initialised' line in the boot log"
	else
		echo "$host" | awk -v cpus="$(grep -c '^processor' /proc/cpuinfo)" '{
			us = $1 * 1000 * 262144 / $2
			printf "host deferred init: %d ms for %d pages (%.2f GiB) of zone %s, pfn %#x-%#x, %d threads: %d us/GiB%s\n",
				$1, $2, $2 / 262144, $3, $4, $5, cpus, us,
				$6 ? " (approximate: the zone has holes)" : ""
		}'
		grep '^bring-up per GiB, ' /tmp/bench.txt | awk -v host="$host" '
			BEGIN {
				split(host, h, " ")
				hus = h[1] * 1000 * 262144 / h[2]
				printf "%-28s %14s %12s %9s %s\n", "row", "shadow_us/GiB",
					"host_us/GiB", "ratio", "spread"
			}
			# "bring-up per GiB, N MiB  US  MIN-MAX"
			$6 ~ /^[0-9]+$/ {
				split($7, mm, "-")
				printf "%-28s %14d %12d %9.4f %.4f-%.4f\n",
					"bring-up vs host, " $4 " MiB", $6, hus, $6 / hus,
					mm[1] / hus, mm[2] / hus
			}'
		# The 6.12 bring-up, the kernel's own era: target 1.2 or less.
		grep '^bring-up 6.12 per GiB, ' /tmp/bench.txt | awk -v host="$host" '
			BEGIN {
				split(host, h, " ")
				hus = h[1] * 1000 * 262144 / h[2]
			}
			# "bring-up 6.12 per GiB, N MiB  US  MIN-MAX"
			$7 ~ /^[0-9]+$/ {
				split($8, mm, "-")
				printf "%-32s %10d %12d %9.4f %.4f-%.4f\n",
					"bring-up 6.12 vs host, " $5 " MiB", $7, hus, $7 / hus,
					mm[1] / hus, mm[2] / hus
			}'
	fi
	/smm/fault_bench || fail "fault bench" "fault_bench failed"
	rmmod shadow_mm
	# The swap rows need a default instance with swap: load the module
	# again with swap_mb= (SMM_ARGS may override it; a later one wins).
	if insmod /smm/shadow_mm.ko swap_mb=$SWAP_MB $SMM_ARGS; then
		/smm/fault_bench swap || fail "swap bench" "fault_bench swap failed"
		rmmod shadow_mm
	else
		fail "swap bench" "insmod with swap_mb=$SWAP_MB failed"
	fi
	echo "SMM-BENCH-END"
else
	fail "bench" "insmod failed"
fi
