/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_HIGHMEM_H
#define _SHADOW_MM_HIGHMEM_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "pgtable.h"
#include "vmalloc.h"

/*
 * The shadow kernel space past the vmalloc range: the pkmap window, one
 * PTE table of LAST_PKMAP entries as with x86-32 PAE, then the kmap_local
 * slots, KM_MAX_IDX per CPU, as the fixmap's FIX_KMAP_BEGIN..FIX_KMAP_END.
 */
#define SMM_PKMAP_BASE		(SMM_VMALLOC_START + SMM_VMALLOC_MAX_SIZE)
#define SMM_LAST_PKMAP		512
#define SMM_PKMAP_ADDR(nr)	(SMM_PKMAP_BASE + ((u64)(nr) << PAGE_SHIFT))
#define SMM_KMAP_LOCAL_BASE	(SMM_PKMAP_BASE + BIT_ULL(SMM_PT_SHIFT_PMD))
#define SMM_KM_MAX_IDX		16
#define SMM_KMAP_LOCAL_ADDR(cpu, idx) \
	(SMM_KMAP_LOCAL_BASE + ((u64)((cpu) * SMM_KM_MAX_IDX + (idx)) << PAGE_SHIFT))

static_assert(SMM_LAST_PKMAP == SMM_PT_ENTRIES);

/**
 * enum smm_kmap_stat - event counters of the kmap layer
 * @SMM_KMAP_KMAPS: smm_kmap() calls on HighMem pages
 * @SMM_KMAP_NEW: of those, the ones that took a new pkmap slot
 * @SMM_KMAP_WRAPS: times the slot search wrapped and flushed
 * @SMM_KMAP_FLUSHED: slots freed by those flushes
 * @SMM_KMAP_WAITS: times a kmap slept because every slot was in use
 * @SMM_KMAP_LOWMEM: kmaps of low pages, served by the direct map
 * @SMM_KMAP_ATOMIC: HighMem pages mapped by smm_kmap_atomic() and
 *	smm_kmap_atomic_pages()
 * @SMM_KMAP_HOST_MAPS: host mappings made (vm_map_ram() calls): one per
 *	new pkmap slot and one per kmap_atomic, however many pages it maps
 * @SMM_KMAP_CLEARS: HighMem pages zeroed through a kmap_atomic
 * @SMM_KMAP_BAD: refused calls (not kmapped, wrong order, bad page)
 * @SMM_KMAP_STAT_NR: number of counters
 */
enum smm_kmap_stat {
	SMM_KMAP_KMAPS,
	SMM_KMAP_NEW,
	SMM_KMAP_WRAPS,
	SMM_KMAP_FLUSHED,
	SMM_KMAP_WAITS,
	SMM_KMAP_LOWMEM,
	SMM_KMAP_ATOMIC,
	SMM_KMAP_HOST_MAPS,
	SMM_KMAP_CLEARS,
	SMM_KMAP_BAD,
	SMM_KMAP_STAT_NR,
};

/**
 * struct smm_pkmap_slot - one entry of the pkmap window
 * @page: the page mapped here, or NULL
 * @addr: the host address vm_map_ram() gave for it
 * @node: in &smm_highmem.hash, by shadow PFN (page_address_htable)
 */
struct smm_pkmap_slot {
	struct smm_page *page;
	void *addr;
	struct hlist_node node;
};

/**
 * struct smm_kmap_local - one CPU's kmap_local slots
 * @lock: held by the task that uses the slots, from its first
 *	smm_kmap_atomic() to its last smm_kunmap_atomic()
 * @owner: that task
 * @depth: slots in use, a stack
 * @page: the page in each slot
 * @addr: the host address of each slot
 * @first: the first slot of each slot's kmap: smm_kmap_atomic_pages()
 *	maps its pages in consecutive slots with one host mapping, undone
 *	together.  Invariant: @addr[i] is @addr[@first[i]] plus
 *	(i - @first[i]) pages.
 */
struct smm_kmap_local {
	struct mutex lock;	/* see above */
	struct task_struct *owner;
	unsigned int depth;
	struct smm_page *page[SMM_KM_MAX_IDX];
	void *addr[SMM_KM_MAX_IDX];
	u8 first[SMM_KM_MAX_IDX];
};

static_assert(SMM_KM_MAX_IDX <= U8_MAX);

/**
 * struct smm_kmap_stats - one CPU's counters
 * @n: one per enum smm_kmap_stat
 */
struct smm_kmap_stats {
	unsigned long n[SMM_KMAP_STAT_NR];
};

/**
 * struct smm_highmem - kmap for the shadow HighMem zone
 * @pt: the kernel page tables the window lives in
 * @arena: the memory
 * @broken: the instance's broken flag
 * @buddy: the allocator whose HighMem pages are mapped, from
 *	smm_highmem_attach() on (NULL before)
 * @lock: kmap_lock: protects @count, @slot, @hash, @last_pkmap_nr,
 *	@nr_idle and @unmap_gen; a mutex because vm_map_ram() may sleep
 * @wait: pkmap_map_wait: kmaps waiting for a slot
 * @last_pkmap_nr: where the slot search resumes
 * @nr_idle: slots with a count of 1: mapped, unused, freed at the next wrap
 * @unmap_gen: bumped by each kunmap that makes a slot idle; a sleeping
 *	kmap wakes when it moves and rescans the window
 * @count: pkmap_count: 0 free, 1 idle, n > 1 mapped with n - 1 users
 * @slot: the window
 * @hash: kmapped pages by PFN
 * @local: the per-CPU kmap_local slots
 * @stats: event counters, per CPU
 * @nr_local_cpus: CPUs whose slots have shadow page tables (nr_cpu_ids)
 * @ptes: the pinned PTE tables of the windows, the pkmap window's first
 *	(pkmap_page_table, kmap_pte)
 *
 * Lock order: @lock (or a &smm_kmap_local.lock), then the page tables'.
 */
struct smm_highmem {
	struct smm_pgtable *pt;
	struct smm_arena *arena;
	bool *broken;
	struct smm_buddy *buddy;
	struct mutex lock;	/* see above */
	wait_queue_head_t wait;
	unsigned int last_pkmap_nr;
	unsigned int nr_idle;
	unsigned long unmap_gen;
	unsigned int count[SMM_LAST_PKMAP];
	struct smm_pkmap_slot slot[SMM_LAST_PKMAP];
	DECLARE_HASHTABLE(hash, 7);
	struct smm_kmap_local __percpu *local;
	struct smm_kmap_stats __percpu *stats;
	unsigned int nr_local_cpus;
	u64 **ptes;
};

int smm_highmem_init(struct smm_highmem *hm, struct smm_pgtable *pt, struct smm_arena *a,
		     bool *broken);
void smm_highmem_attach(struct smm_highmem *hm, struct smm_buddy *b);
void smm_highmem_destroy(struct smm_highmem *hm);
void *smm_kmap(struct smm_highmem *hm, struct smm_page *page);
int smm_kunmap(struct smm_highmem *hm, struct smm_page *page);
void *smm_kmap_atomic(struct smm_highmem *hm, struct smm_page *page);
void *smm_kmap_atomic_pages(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr);
int smm_kunmap_atomic(struct smm_highmem *hm, void *addr);
void *smm_page_address(struct smm_highmem *hm, struct smm_page *page);
int smm_clear_highpage(struct smm_highmem *hm, struct smm_page *page);
int smm_clear_highpages(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr);
int smm_kmap_check(struct smm_highmem *hm, struct seq_file *m);
unsigned long smm_kmap_stat(const struct smm_highmem *hm, enum smm_kmap_stat item);
void smm_kmap_show(struct seq_file *m, struct smm_highmem *hm);

#endif /* _SHADOW_MM_HIGHMEM_H */
