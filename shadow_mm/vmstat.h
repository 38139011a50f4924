/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_VMSTAT_H
#define _SHADOW_MM_VMSTAT_H

#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/types.h>

/**
 * enum smm_vm_event_item - event counters, with the names of /proc/vmstat
 * @SMM_PGFAULT: faults on /dev/shadow_mm, every kind
 * @SMM_PGMAJFAULT: of those, the ones that read a page back from swap
 * @SMM_PSWPIN: pages read from swap
 * @SMM_PSWPOUT: pages written to swap
 * @SMM_PGSCAN_KSWAPD: LRU pages scanned by kswapd
 * @SMM_PGSCAN_DIRECT: LRU pages scanned by direct reclaim
 * @SMM_PGSTEAL_KSWAPD: pages reclaimed by kswapd
 * @SMM_PGSTEAL_DIRECT: pages reclaimed by direct reclaim
 * @SMM_PGACTIVATE: pages moved to the active list
 * @SMM_PGDEACTIVATE: pages moved to the inactive list
 * @SMM_ALLOCSTALL: allocations that entered direct reclaim
 * @SMM_COW_FAULT: write faults that copied a shared page (ours, not the kernel's)
 * @SMM_PGMIGRATE_SUCCESS: user pages compaction migrated
 * @SMM_PGMIGRATE_FAIL: user pages compaction isolated and could not move
 * @SMM_COMPACT_MIGRATE_SCANNED: PFNs the migrate scanner looked at
 * @SMM_COMPACT_FREE_SCANNED: PFNs the free scanner looked at
 * @SMM_COMPACT_ISOLATED: pages isolated, free ones and user ones together
 * @SMM_COMPACT_STALL: failed high-order allocations that compacted
 * @SMM_COMPACT_FAIL: of those, the ones whose retry could not be served
 * @SMM_COMPACT_SUCCESS: of those, the ones whose retry could be served
 * @SMM_NR_VM_EVENT_ITEMS: number of counters
 */
enum smm_vm_event_item {
	SMM_PGFAULT,
	SMM_PGMAJFAULT,
	SMM_PSWPIN,
	SMM_PSWPOUT,
	SMM_PGSCAN_KSWAPD,
	SMM_PGSCAN_DIRECT,
	SMM_PGSTEAL_KSWAPD,
	SMM_PGSTEAL_DIRECT,
	SMM_PGACTIVATE,
	SMM_PGDEACTIVATE,
	SMM_ALLOCSTALL,
	SMM_COW_FAULT,
	/* compaction, in /proc/vmstat's order */
	SMM_PGMIGRATE_SUCCESS,
	SMM_PGMIGRATE_FAIL,
	SMM_COMPACT_MIGRATE_SCANNED,
	SMM_COMPACT_FREE_SCANNED,
	SMM_COMPACT_ISOLATED,
	SMM_COMPACT_STALL,
	SMM_COMPACT_FAIL,
	SMM_COMPACT_SUCCESS,
	SMM_NR_VM_EVENT_ITEMS,
};

/**
 * struct smm_vm_events - one CPU's event counters (vm_event_state)
 * @n: one counter per enum smm_vm_event_item
 */
struct smm_vm_events {
	unsigned long n[SMM_NR_VM_EVENT_ITEMS];
};

/**
 * struct smm_vmstat - the event counters of one instance
 * @events: per-CPU counters, summed when read
 */
struct smm_vmstat {
	struct smm_vm_events __percpu *events;
};

int smm_vmstat_init(struct smm_vmstat *vs);
void smm_vmstat_destroy(struct smm_vmstat *vs);
unsigned long smm_vm_events_sum(const struct smm_vmstat *vs, enum smm_vm_event_item item);
const char *smm_vm_event_name(enum smm_vm_event_item item);

/* count_vm_events(): may be called with preemption on. */
static inline void smm_count_vm_events(struct smm_vmstat *vs, enum smm_vm_event_item item,
				       long n)
{
	this_cpu_add(vs->events->n[item], n);
}

static inline void smm_count_vm_event(struct smm_vmstat *vs, enum smm_vm_event_item item)
{
	this_cpu_inc(vs->events->n[item]);
}

#endif /* _SHADOW_MM_VMSTAT_H */
