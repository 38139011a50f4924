/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_MEMMAP_H
#define _SHADOW_MM_MEMMAP_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "arena.h"
#include "early.h"

/**
 * enum smm_owner - which layer a shadow page belongs to
 * @SMM_OWNER_FIRMWARE: a reserved e820 range (BIOS, EBDA, ACPI, user)
 * @SMM_OWNER_EARLY: an early_res reservation (mem_map, later bootmem...)
 * @SMM_OWNER_FREE: usable and not yet owned by anyone
 * @SMM_OWNER_NR: number of owners
 */
enum smm_owner {
	SMM_OWNER_FIRMWARE,
	SMM_OWNER_EARLY,
	SMM_OWNER_FREE,
	SMM_OWNER_NR,
};

/* Page flags, bit numbers in &smm_page.flags. */
enum smm_pageflags {
	SMM_PG_RESERVED,	/* not for the page allocator, like PG_reserved */
	SMM_PG_NR,
};

/**
 * struct smm_page - the shadow page descriptor, our struct page
 * @flags: SMM_PG_* bits
 * @owner: enum smm_owner
 * @order: block order, for the layers that allocate blocks
 * @refcount: references held on the page
 * @lru: list linkage for the layer that owns the page
 * @private: owner-private word
 * @mapping: owner-private pointer
 *
 * Invariant: sizeof(struct smm_page) * 100 <= PAGE_SIZE, so the mem_map
 * costs at most 1% of the memory it describes.
 */
struct smm_page {
	u16 flags;
	u8 owner;
	u8 order;
	u32 refcount;
	struct list_head lru;
	unsigned long private;
	void *mapping;
};

static_assert(sizeof(struct smm_page) * 100 <= PAGE_SIZE);
static_assert(SMM_PG_NR <= 16);

/**
 * struct smm_memmap - the shadow mem_map, one array per present section
 * @arena: the arena whose sections hold the arrays
 * @bytes: bytes of descriptors, all sections together
 * @nr_pages: pages described
 * @owner_pages: pages per enum smm_owner, as set at bring-up
 */
struct smm_memmap {
	struct smm_arena *arena;
	unsigned long bytes;
	unsigned long nr_pages;
	unsigned long owner_pages[SMM_OWNER_NR];
};

int smm_memmap_init(struct smm_memmap *mm, struct smm_arena *a,
		    struct smm_early *e);
const char *smm_owner_name(enum smm_owner owner);
void smm_memmap_show(struct seq_file *m, const struct smm_memmap *mm);

/**
 * smm_pfn_to_page() - the descriptor of a shadow PFN
 * @a: the arena, with its mem_map initialised
 * @pfn: shadow PFN
 *
 * The O(1) lookup of SPARSEMEM: the section table, then an index.
 *
 * Return: the descriptor, or NULL if @pfn is not backed by memory.
 */
static inline struct smm_page *smm_pfn_to_page(const struct smm_arena *a,
					       unsigned long pfn)
{
	const struct smm_section *s = smm_arena_section(a, pfn);
	unsigned long off = pfn & SMM_SECTION_MASK;

	if (!s || !s->memmap || off < s->first || off >= (unsigned long)s->first + s->nr)
		return NULL;
	return &s->memmap[off - s->first];
}

#endif /* _SHADOW_MM_MEMMAP_H */
