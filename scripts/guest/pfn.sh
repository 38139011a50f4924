# SPDX-License-Identifier: GPL-2.0
# A short guest job for the pfn files alone: the smoke plug-in (with
# kpf_test), then kpf_test --swap on an instance with swap, as swap_phase
# runs it.  Pass page-types-* and kpf_test as FILES to initramfs.sh.
. /smm/smoke_pfn.sh
settle
kpf_before=$(memfree_kb)
if insmod /smm/shadow_mm.ko $SMM_SWAP_ARGS; then
	pass "pfn: insmod $SMM_SWAP_ARGS"
	run_tool kpf_test --swap
	rmmod shadow_mm && pass "pfn: rmmod after kpf_test --swap"
	mem_back "pfn: host memory back after kpf_test --swap" "$kpf_before"
else
	fail "pfn: insmod $SMM_SWAP_ARGS" "insmod failed"
fi
