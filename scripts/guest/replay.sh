# SPDX-License-Identifier: GPL-2.0
# make replay: record this kernel's own kmem events during a real workload,
# replay them into SLAB, SLUB, SLOB and the buddy allocator, print the
# report (Documentation/replay.rst).  The run's keys (slab=, arena_mb=,
# buddy_mb=, sample=) come in /smm/replay.args.
T=/sys/kernel/tracing
R=$D/replay
EVENTS="kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free"
RUN_ARGS=$(cat /smm/replay.args 2>/dev/null)

if [ ! -d $T/events/kmem ]; then
	fail "replay: tracefs has the kmem events" "no $T/events/kmem"
	return 0 2>/dev/null || exit 0
fi
echo "==== recording: $EVENTS"
echo 0 > $T/tracing_on
echo nop > $T/current_tracer
echo 49152 > $T/buffer_size_kb
echo > $T/trace
for e in $EVENTS; do
	echo 1 > $T/events/kmem/$e/enable || fail "replay: enable kmem:$e" "write failed"
done
t0=$(date +%s)
echo 1 > $T/tracing_on
# The workload: walk the tree, archive the initramfs root and unpack it
# again, list everything with its metadata.
find / > /dev/null 2>&1
tar cf /tmp/root.tar -C / $(cd / && ls -d bin sbin usr lib lib64 etc smm init 2>/dev/null)
mkdir -p /tmp/x && tar xf /tmp/root.tar -C /tmp/x
ls -lR / > /dev/null 2>&1
echo 0 > $T/tracing_on
t1=$(date +%s)
for e in $EVENTS; do
	echo 0 > $T/events/kmem/$e/enable
done
cat $T/trace > /tmp/trace.txt
# "# entries-in-buffer/entries-written: 123/456   #P:2": the difference
# was overwritten before we read it.
hdr=$(grep -m1 'entries-in-buffer/entries-written' /tmp/trace.txt)
inbuf=$(echo "$hdr" | sed -n 's|.*written: \([0-9]*\)/\([0-9]*\).*|\1|p')
written=$(echo "$hdr" | sed -n 's|.*written: \([0-9]*\)/\([0-9]*\).*|\2|p')
lost=$(( ${written:-0} - ${inbuf:-0} ))
echo "workload: $((t1 - t0)) s; events in buffer ${inbuf:-?}, written ${written:-?}, lost $lost"
echo "trace: $(wc -l < /tmp/trace.txt) lines, $(wc -c < /tmp/trace.txt) bytes"
echo "SMM-REPLAY-LOST $lost"
echo > $T/trace
echo 1408 > $T/buffer_size_kb
rm -rf /tmp/x /tmp/root.tar
settle

before=$(memfree_kb)
if ! insmod /smm/shadow_mm.ko $SMM_ARGS; then
	fail "replay: insmod" "insmod failed: $(dmesg | tail -n 3)"
	return 0 2>/dev/null || exit 0
fi
echo "==== cat /tmp/trace.txt > $R/trace"
t0=$(date +%s)
if cat /tmp/trace.txt > $R/trace; then
	pass "replay: the recorded trace parses"
else
	fail "replay: the recorded trace parses" "$(grep '^error' $R/trace)"
fi
echo "parsed in $(( $(date +%s) - t0 )) s"
cat $R/trace
echo "==== echo 'run $RUN_ARGS' > $R/control"
t0=$(date +%s)
if echo "run $RUN_ARGS" > $R/control; then
	pass "replay: run"
else
	fail "replay: run" "$(dmesg | grep shadow_mm | tail -n 3)"
fi
echo "ran in $(( $(date +%s) - t0 )) s"
echo "SMM-REPLAY-BEGIN"
cat $R/report
echo "SMM-REPLAY-END"
rows=$(awk '/^strategy /{h=1; next} h && NF == 10 {n++} /^$/{h=0} END {print n + 0}' $R/report)
want=$(echo "$RUN_ARGS" | sed -n 's/.*slab=\([^ ]*\).*/\1/p' | tr ',' '\n' | grep -c .)
[ "$want" -gt 0 ] || want=3
if [ "$rows" -eq "$want" ]; then
	pass "replay: the report has a row per strategy ($rows)"
else
	fail "replay: the report has a row per strategy" "$rows rows, want $want"
fi
for i in $R/replay-*; do
	[ -d "$i" ] || continue
	echo "==== ${i#/sys/kernel/debug/}/buddyinfo (what the replay left)"
	cat "$i/buddyinfo"
done
# A malformed line: refused with its line number, the kept run unchanged.
expect_errno "replay: a malformed kmem line is refused" $R/trace \
	"  sh-1 [000] ..... 1.000000: kmalloc: ptr=1 bytes_req=x bytes_alloc=8" "Invalid argument"
grep -q '^error -22 line 1 field bytes_req' $R/trace &&
	pass "replay: the error names line and field" ||
	fail "replay: the error names line and field" "$(grep '^error' $R/trace)"
rmmod shadow_mm
rm -f /tmp/trace.txt
mem_back "replay: host memory back after rmmod" "$before" 8192
