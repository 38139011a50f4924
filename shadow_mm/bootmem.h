/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_BOOTMEM_H
#define _SHADOW_MM_BOOTMEM_H

#include <linux/seq_file.h>
#include <linux/types.h>

#include "buddy.h"
#include "early.h"
#include "timeline.h"

/* What the bootmem allocators return on failure. */
#define SMM_BOOTMEM_FAIL	(~0ULL)

/**
 * struct smm_bootmem_res - an early reservation, as bootmem took it over
 * @start: first byte of the early_res record
 * @end: first byte past it
 * @name: its label
 */
struct smm_bootmem_res {
	u64 start;
	u64 end;
	char name[SMM_EARLY_NAME_LEN];
};

/**
 * struct smm_bootmem - the bitmap boot-time allocator of one instance
 * @arena: the memory
 * @early: the early allocator whose reservations it inherits
 * @map: one bit per PFN of [0, @low_pfn); set means taken
 * @map_addr: shadow address of @map, reserved in early_res as "BOOTMEM"
 * @map_bytes: size of @map
 * @low_pfn: first PFN bootmem does not cover (the start of highmem)
 * @dma_pfn: first PFN above ZONE_DMA, the default goal of allocations
 * @hint_idx: where the last successful search ended (hint_idx)
 * @last_end_off: byte offset just past the last allocation, for packing
 *	sub-page requests into its page (last_end_off)
 * @closed: set by smm_free_all_bootmem(); every later call fails
 * @nr_allocs: successful allocations
 * @nr_bad_free: refused frees of ranges that were not allocated
 * @nr_res: entries in @res
 * @res: the early reservations carried over by smm_early_res_to_bootmem()
 * @handed_over: pages given to the buddy allocator at the handoff, low
 *	and high
 * @kept_reserved: usable pages still reserved after the handoff
 * @kept_reserved_low: of those, the ones below @low_pfn (mem_init()'s
 *	reservedpages)
 * @high_pages: HighMem pages freed one by one (totalhigh_pages)
 *
 * Used only by the thread building the instance, before the handoff, and
 * read-only afterwards, so it takes no lock.
 */
struct smm_bootmem {
	struct smm_arena *arena;
	struct smm_early *early;
	unsigned long *map;
	u64 map_addr;
	unsigned long map_bytes;
	unsigned long low_pfn;
	unsigned long dma_pfn;
	unsigned long hint_idx;
	u64 last_end_off;
	bool closed;
	unsigned long nr_allocs;
	unsigned long nr_bad_free;
	unsigned int nr_res;
	struct smm_bootmem_res res[SMM_EARLY_MAX_RES];
	unsigned long handed_over;
	unsigned long kept_reserved;
	unsigned long kept_reserved_low;
	unsigned long high_pages;
};

int smm_bootmem_setup(struct smm_bootmem *bm, struct smm_arena *a,
		      struct smm_early *e, unsigned long low_pfn,
		      unsigned long dma_pfn);
void smm_early_res_to_bootmem(struct smm_bootmem *bm);
int smm_bootmem_init(struct smm_bootmem *bm, struct smm_arena *a,
		     struct smm_early *e, unsigned long low_pfn,
		     unsigned long dma_pfn);
u64 smm_alloc_bootmem_low_pages(struct smm_bootmem *bm, u64 size);
u64 __smm_alloc_bootmem(struct smm_bootmem *bm, u64 size, u64 align, u64 goal,
			u64 limit);
u64 smm_alloc_bootmem(struct smm_bootmem *bm, u64 size, u64 align, u64 goal);
u64 smm_alloc_bootmem_pages(struct smm_bootmem *bm, u64 size);
u64 smm_alloc_bootmem_low(struct smm_bootmem *bm, u64 size, u64 align);
int smm_reserve_bootmem(struct smm_bootmem *bm, u64 addr, u64 size);
int smm_free_bootmem(struct smm_bootmem *bm, u64 addr, u64 size);
int smm_free_all_bootmem(struct smm_bootmem *bm, struct smm_buddy *b,
			 struct smm_timeline *tl);
unsigned long smm_bootmem_free_pages(const struct smm_bootmem *bm);
void smm_bootmem_show(struct seq_file *m, const struct smm_bootmem *bm);

#endif /* _SHADOW_MM_BOOTMEM_H */
