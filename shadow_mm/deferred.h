/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_DEFERRED_H
#define _SHADOW_MM_DEFERRED_H

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "arena.h"
#include "buddy.h"

/* As first_deferred_pfn == ULONG_MAX: nothing (more) is deferred. */
#define SMM_DEFERRED_NONE_PFN	ULONG_MAX

/**
 * enum smm_deferred_state - where the deferred struct-page init stands
 * @SMM_DEFERRED_OFF: nothing deferred: the highest zone is at most one
 *	section, or every page was grown before the threads started
 * @SMM_DEFERRED_PENDING: part of the highest zone waits; grow_zone may
 *	initialise more of it
 * @SMM_DEFERRED_RUNNING: the threads have taken the rest
 *	(page_alloc_init_late() -> deferred_init_memmap())
 * @SMM_DEFERRED_DONE: every page is initialised and handed over
 * @SMM_DEFERRED_STOPPED: torn down before the threads finished
 * @SMM_DEFERRED_STATE_NR: number of states
 */
enum smm_deferred_state {
	SMM_DEFERRED_OFF,
	SMM_DEFERRED_PENDING,
	SMM_DEFERRED_RUNNING,
	SMM_DEFERRED_DONE,
	SMM_DEFERRED_STOPPED,
	SMM_DEFERRED_STATE_NR,
};

/**
 * enum smm_deferred_stat - counters of the deferred init
 * @SMM_DEFERRED_PAGES_BRINGUP: descriptors initialised at bring-up: every
 *	present page below the deferral boundary, and the reserved pages above
 *	it (memmap_init_reserved_pages()), found by the threads and grow_zone
 * @SMM_DEFERRED_PAGES_THREADS: descriptors initialised by the threads
 * @SMM_DEFERRED_PAGES_GROW: descriptors initialised by grow_zone
 * @SMM_DEFERRED_FREED_THREADS: pages the threads handed to the buddy
 * @SMM_DEFERRED_FREED_GROW: pages grow_zone handed to the buddy
 * @SMM_DEFERRED_GROW_CALLS: calls of the grow_zone hook
 * @SMM_DEFERRED_GROW_SECTIONS: sections grown by grow_zone
 * @SMM_DEFERRED_CHUNKS: chunks done by the threads
 * @SMM_DEFERRED_STAT_NR: number of counters
 *
 * Once the state is %SMM_DEFERRED_DONE, BRINGUP + THREADS + GROW is the
 * arena's page count: every descriptor was initialised exactly once.
 */
enum smm_deferred_stat {
	SMM_DEFERRED_PAGES_BRINGUP,
	SMM_DEFERRED_PAGES_THREADS,
	SMM_DEFERRED_PAGES_GROW,
	SMM_DEFERRED_FREED_THREADS,
	SMM_DEFERRED_FREED_GROW,
	SMM_DEFERRED_GROW_CALLS,
	SMM_DEFERRED_GROW_SECTIONS,
	SMM_DEFERRED_CHUNKS,
	SMM_DEFERRED_STAT_NR,
};

/**
 * struct smm_deferred_worker - one thread of the padata-style job
 * @d: the deferred init it works for
 * @task: the thread (worker 0 is the smm_pgdatinit thread itself)
 * @done: completed as the thread exits (kthread_complete_and_exit())
 * @idx: the worker's index; its first chunk is chunk @idx
 * @cpu: the CPU it is bound to
 * @chunks: chunks it did
 * @pages: descriptors it initialised
 */
struct smm_deferred_worker {
	struct smm_deferred *d;
	struct task_struct *task;
	struct completion done;
	unsigned int idx;
	unsigned int cpu;
	unsigned long chunks;
	unsigned long pages;
};

/**
 * struct smm_deferred - deferred struct-page init of one instance (one node)
 * @buddy: the allocator the pages go to
 * @arena: the memory and its mem_map
 * @name: the instance's name, for the threads and the messages
 * @zone: the deferred zone (the highest one with pages), NULL if none
 * @zone_end_pfn: SECTION_ALIGN_UP() of the end of @zone
 * @setup_pfn: the deferral boundary smm_deferred_setup() decided, or
 *	%SMM_DEFERRED_NONE_PFN
 * @align: chunk and grow granularity: a max-order block, at least a section
 * @lock: pgdat_resize_lock: serialises grow_zone with itself and with the
 *	threads taking the range; protects @first_deferred_pfn and @state
 * @first_deferred_pfn: every present page of @zone at or above it that is
 *	free is not initialised yet (stamped, see smm_page_deferred()); moves
 *	up a section at a time under grow_zone, and is set to
 *	%SMM_DEFERRED_NONE_PFN when the threads take the rest
 * @state: enum smm_deferred_state
 * @job_start: where the threads' range starts
 * @chunk: pages per chunk of the job
 * @nr_chunks: chunks of the job
 * @next_chunk: the next chunk to take, shared by the workers
 * @stop: set by smm_deferred_destroy(): workers stop between blocks
 * @workers: one per thread; @nr_workers of them
 * @nr_workers: threads of the job, at most num_online_cpus()
 * @workers_max: entries of @workers (the CPUs online at launch)
 * @main_done: completed as the smm_pgdatinit thread exits
 * @t0: when the threads started
 * @ms: how long the threads took, in ms
 * @us: the same in microseconds, for the debugfs file
 * @stats: enum smm_deferred_stat
 *
 * Lock order: @lock, then &smm_zone.lock (inside the buddy's bulk free).
 */
struct smm_deferred {
	struct smm_buddy *buddy;
	struct smm_arena *arena;
	const char *name;
	struct smm_zone *zone;
	unsigned long zone_end_pfn;
	unsigned long setup_pfn;
	unsigned long align;

	spinlock_t lock;	/* protects first_deferred_pfn, state */
	unsigned long first_deferred_pfn;
	enum smm_deferred_state state;

	unsigned long job_start;
	unsigned long chunk;
	unsigned long nr_chunks;
	atomic_long_t next_chunk;
	bool stop;
	struct smm_deferred_worker *workers;
	unsigned int nr_workers;
	unsigned int workers_max;
	struct completion main_done;
	ktime_t t0;
	unsigned long ms;
	u64 us;
	atomic_long_t stats[SMM_DEFERRED_STAT_NR];
};

int smm_deferred_setup(struct smm_deferred *d, struct smm_buddy *b, struct smm_arena *a,
		       const char *name);
bool smm_deferred_pfn(const struct smm_deferred *d, unsigned long pfn);
unsigned long smm_deferred_mark(struct smm_deferred *d);
int smm_deferred_launch(struct smm_deferred *d);
long smm_deferred_wait(struct smm_deferred *d);
long smm_deferred_start(struct smm_deferred *d);
void smm_deferred_destroy(struct smm_deferred *d);
unsigned long smm_deferred_stat(const struct smm_deferred *d, enum smm_deferred_stat item);
const char *smm_deferred_stat_name(enum smm_deferred_stat item);
const char *smm_deferred_state_name(enum smm_deferred_state state);
void smm_deferred_show(struct seq_file *m, const struct smm_deferred *d);

#endif /* _SHADOW_MM_DEFERRED_H */
