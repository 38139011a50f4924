/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_SWAP_H
#define _SHADOW_MM_SWAP_H

#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "memmap.h"

struct smm_arena;

/* The most an instance's swap area may hold, in MiB (2^28 slots fit the page word). */
#define SMM_SWAP_MAX_MB		(64U << 10)
/* swap_map[] counts, as mm/swapfile.c's SWAP_MAP_MAX; a slot at this count refuses more. */
#define SMM_SWAP_MAP_MAX	0x3e
#define SMM_SWAP_MAP_BAD	0x3f

/**
 * struct smm_swap - the swap area of one instance (a swap_info_struct)
 * @arena: the instance's arena, whose pages are copied to and from slots
 * @lock: protects @swap_map, @inuse_pages, @next and @slots
 * @nr_slots: slots of the area, slot 0 included; 0: no swap
 * @inuse_pages: slots with a non-zero count
 * @next: where the next search for a free slot starts (cluster_next)
 * @swap_map: one use count per slot; slot 0 is SMM_SWAP_MAP_BAD, the
 *	header page of a real swap area
 * @slots: host pages behind the slots, allocated on first write, freed
 *	when the slot's count drops to 0
 * @cache: the swap cache: slot -> struct smm_page, as the swap address
 *	space's page cache is
 * @nr_cached: entries in @cache, under the xarray's lock
 * @stats_writes: pages written to slots (pswpout)
 * @stats_reads: pages read from slots (pswpin)
 * @name: the instance's name, for the tracepoints; set by the instance
 *	after smm_swap_init(), NULL for a bare area of the tests
 */
struct smm_swap {
	struct smm_arena *arena;
	spinlock_t lock;	/* protects swap_map, inuse_pages, next, slots */
	unsigned long nr_slots;
	unsigned long inuse_pages;
	unsigned long next;
	u8 *swap_map;
	struct page **slots;
	struct xarray cache;
	unsigned long nr_cached;
	unsigned long stats_writes;
	unsigned long stats_reads;
	const char *name;
};

int smm_swap_init(struct smm_swap *s, struct smm_arena *a, unsigned int swap_mb);
void smm_swap_destroy(struct smm_swap *s);

unsigned long smm_swap_alloc(struct smm_swap *s);
int smm_swap_dup(struct smm_swap *s, unsigned long slot);
int smm_swap_free(struct smm_swap *s, unsigned long slot);
int smm_swap_count(struct smm_swap *s, unsigned long slot);

int smm_swap_writepage(struct smm_swap *s, unsigned long slot, struct smm_page *page);
int smm_swap_readpage(struct smm_swap *s, unsigned long slot, struct smm_page *page);

int smm_swap_cache_add(struct smm_swap *s, unsigned long slot, struct smm_page *page);
struct smm_page *smm_swap_cache_lookup(struct smm_swap *s, unsigned long slot);
void smm_swap_cache_del(struct smm_swap *s, unsigned long slot);

unsigned long smm_swap_total_pages(const struct smm_swap *s);
unsigned long smm_swap_free_pages(struct smm_swap *s);
unsigned long smm_swap_cache_pages(struct smm_swap *s);
void smm_swaps_show(struct seq_file *m, struct smm_swap *s, const char *name);

#endif /* _SHADOW_MM_SWAP_H */
