# SPDX-License-Identifier: GPL-2.0
# Plug-in of make run (sourced after its workload, the default instance
# still up): trace-cmd records the shadow_mm events around a short
# workload, and an excerpt of `trace-cmd report` shows them, the first two
# of each event.
if command -v trace-cmd > /dev/null && [ -d /sys/kernel/tracing/events/shadow_mm ]; then
	C=$D/default/control
	cat > /tmp/run_trace.sh <<-EOF
	echo "alloc order=1 count=3 tag=tr_pages" > $C
	echo "kmalloc size=100 count=3 tag=tr_kmalloc" > $C
	echo "cache_create name=tr_cache size=200" > $C
	echo "cache_alloc name=tr_cache count=2 tag=tr_objs" > $C
	echo "vmalloc size=8192 tag=tr_vmalloc" > $C
	[ -x /smm/shadow_mm_demo ] && /smm/shadow_mm_demo cow 2 > /dev/null
	for t in tr_pages tr_kmalloc tr_objs tr_vmalloc; do echo "free tag=\$t" > $C; done
	echo "cache_destroy name=tr_cache" > $C
	EOF
	echo "==== trace-cmd record -e shadow_mm sh -c '<a short workload on shadow_mm/default/control>'"
	sed 's/^/# /' /tmp/run_trace.sh
	if trace-cmd record -e shadow_mm -o /tmp/run_trace.dat sh /tmp/run_trace.sh \
	   > /tmp/run_trace.rec 2>&1; then
		trace-cmd report -i /tmp/run_trace.dat 2>/dev/null | grep -E ' smm_[a-z_]+: ' \
			> /tmp/run_trace.txt
		echo "==== trace-cmd report (excerpt)"
		echo "# $(wc -l < /tmp/run_trace.txt) events; the first two of each:"
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^smm_[a-z_]+:$/) e = $i
		       if (++n[e] <= 2 && shown < 24) { print; shown++ } }' /tmp/run_trace.txt
	else
		echo "trace-cmd record failed:"
		tail -n 5 /tmp/run_trace.rec
	fi
	rm -f /tmp/run_trace.*
else
	echo "==== trace-cmd report (excerpt): no trace-cmd or no shadow_mm events in this guest"
fi
