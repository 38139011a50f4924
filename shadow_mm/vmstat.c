// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm vmstat: the event counters of /proc/vmstat, per instance.
 */

/**
 * DOC: vmstat
 *
 * The fault, reclaim and swap layers count what they do in per-CPU event
 * counters, as the kernel's count_vm_event() does into vm_event_states:
 * a counter is bumped on the local CPU with this_cpu_inc(), without a
 * lock or an atomic, and a reader sums it over the possible CPUs
 * (sum_vm_event() / all_vm_events()).  The sum is racy against updates in
 * flight, as the kernel's is, and exact when nothing runs.  Summing over
 * the possible CPUs rather than the online ones keeps the counts of a CPU
 * that went offline, which the kernel folds into another CPU instead
 * (vm_events_fold_cpu()).
 *
 * The counters are named as /proc/vmstat names them (the vmstat_text[]
 * of mm/vmstat.c), and ``<instance>/vmstat`` prints them in its format,
 * one ``name value`` per line.  cow_fault is ours: the kernel counts COW
 * faults nowhere in /proc/vmstat.  The compaction counters follow it, in
 * the order /proc/vmstat lists them (pgmigrate_success to compact_success).
 */

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/percpu.h>

#include "vmstat.h"

static const char *const event_names[] = {
	[SMM_PGFAULT]		= "pgfault",
	[SMM_PGMAJFAULT]	= "pgmajfault",
	[SMM_PSWPIN]		= "pswpin",
	[SMM_PSWPOUT]		= "pswpout",
	[SMM_PGSCAN_KSWAPD]	= "pgscan_kswapd",
	[SMM_PGSCAN_DIRECT]	= "pgscan_direct",
	[SMM_PGSTEAL_KSWAPD]	= "pgsteal_kswapd",
	[SMM_PGSTEAL_DIRECT]	= "pgsteal_direct",
	[SMM_PGACTIVATE]	= "pgactivate",
	[SMM_PGDEACTIVATE]	= "pgdeactivate",
	[SMM_ALLOCSTALL]	= "allocstall",
	[SMM_COW_FAULT]		= "cow_fault",
	[SMM_PGMIGRATE_SUCCESS]	= "pgmigrate_success",
	[SMM_PGMIGRATE_FAIL]	= "pgmigrate_fail",
	[SMM_COMPACT_MIGRATE_SCANNED] = "compact_migrate_scanned",
	[SMM_COMPACT_FREE_SCANNED] = "compact_free_scanned",
	[SMM_COMPACT_ISOLATED]	= "compact_isolated",
	[SMM_COMPACT_STALL]	= "compact_stall",
	[SMM_COMPACT_FAIL]	= "compact_fail",
	[SMM_COMPACT_SUCCESS]	= "compact_success",
};

static_assert(ARRAY_SIZE(event_names) == SMM_NR_VM_EVENT_ITEMS);

/**
 * smm_vmstat_init() - allocate an instance's event counters, all zero
 * @vs: the counters
 *
 * Return: 0, or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_vmstat_init(struct smm_vmstat *vs)
{
	/* alloc_percpu() zeroes every CPU's copy. */
	vs->events = alloc_percpu(struct smm_vm_events);
	return vs->events ? 0 : -ENOMEM;
}

/**
 * smm_vmstat_destroy() - free the event counters
 * @vs: the counters; may be ones smm_vmstat_init() failed on, or already
 *	destroyed
 *
 * Context: process context.
 */
void smm_vmstat_destroy(struct smm_vmstat *vs)
{
	free_percpu(vs->events);
	vs->events = NULL;
}

/**
 * smm_vm_events_sum() - one counter summed over all CPUs (sum_vm_event())
 * @vs: the counters
 * @item: the counter
 *
 * Return: the sum over the possible CPUs; 0 for an @item out of range.
 * Racy against concurrent updates, as the kernel's vm events are.
 * Context: any.
 */
unsigned long smm_vm_events_sum(const struct smm_vmstat *vs, enum smm_vm_event_item item)
{
	unsigned long sum = 0;
	int cpu;

	if (item >= SMM_NR_VM_EVENT_ITEMS || !vs->events)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(vs->events, cpu)->n[item]);
	return sum;
}

/**
 * smm_vm_event_name() - the /proc/vmstat name of a counter
 * @item: the counter
 *
 * Return: a static string; "?" for an @item out of range.
 * Context: any.
 */
const char *smm_vm_event_name(enum smm_vm_event_item item)
{
	return item < SMM_NR_VM_EVENT_ITEMS ? event_names[item] : "?";
}
