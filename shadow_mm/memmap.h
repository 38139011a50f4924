/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_MEMMAP_H
#define _SHADOW_MM_MEMMAP_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "arena.h"
#include "early.h"

/**
 * enum smm_owner - which layer a shadow page belongs to
 * @SMM_OWNER_FIRMWARE: a reserved e820 range (BIOS, EBDA, ACPI, user)
 * @SMM_OWNER_EARLY: an early_res reservation (mem_map, bootmem bitmap...)
 * @SMM_OWNER_FREE: usable, not yet handed to the page allocator
 * @SMM_OWNER_BOOTMEM: allocated from bootmem
 * @SMM_OWNER_BUDDY: free, in a buddy free list
 * @SMM_OWNER_PCP: free, on a per-CPU page list
 * @SMM_OWNER_ALLOC: allocated from the buddy allocator
 * @SMM_OWNER_SLAB: a slab, or a large kmalloc, of the slab allocator
 * @SMM_OWNER_PGTABLE: a table of the shadow page tables
 * @SMM_OWNER_NR: number of owners
 *
 * Every page has exactly one owner at any time; the tests check that the
 * owners add up to the arena.
 */
enum smm_owner {
	SMM_OWNER_FIRMWARE,
	SMM_OWNER_EARLY,
	SMM_OWNER_FREE,
	SMM_OWNER_BOOTMEM,
	SMM_OWNER_BUDDY,
	SMM_OWNER_PCP,
	SMM_OWNER_ALLOC,
	SMM_OWNER_SLAB,
	SMM_OWNER_PGTABLE,
	SMM_OWNER_NR,
};

/* Page flags, bit numbers in the low byte of &smm_page.flags. */
enum smm_pageflags {
	SMM_PG_RESERVED,	/* not for the page allocator, like PG_reserved */
	SMM_PG_BUDDY,		/* head of a free buddy block; order in @order */
	SMM_PG_HEAD,		/* head of an allocated block; order in @order */
	SMM_PG_SLAB_FROZEN,	/* SLUB: the slab is some CPU's active slab */
	SMM_PG_LARGE_KMALLOC,	/* a kmalloc too large for the size classes */
	SMM_PG_LRU,		/* a user page on an LRU list, like PG_lru */
	SMM_PG_ACTIVE,		/* on the active list, like PG_active */
	SMM_PG_REFERENCED,	/* seen referenced once on the inactive list */
	SMM_PG_NR,
};

/*
 * &smm_page.flags also carries the page's zone and section numbers, as
 * page->flags does under SPARSEMEM, so that page -> pfn and page -> zone
 * need no search:
 *
 *   | section (21 bits) | zone (3 bits) | page flags (8 bits) |
 *
 * smm_memmap_init() writes both, as set_page_links() does in
 * __init_single_page(); the zone is an index into the bounds it is given
 * (the buddy layer's enum smm_zone_type).
 */
#define SMM_PG_MAX_ZONES	8
#define SMM_PG_FLAGS_BITS	8
#define SMM_PG_ZONE_SHIFT	8
#define SMM_PG_ZONE_MASK	0x7U
#define SMM_PG_SECTION_SHIFT	11
static_assert(SMM_PG_NR <= SMM_PG_FLAGS_BITS);
static_assert(SMM_PG_MAX_ZONES - 1 == SMM_PG_ZONE_MASK);
static_assert(BIT(32 - SMM_PG_SECTION_SHIFT) == SMM_ARENA_MAX_SECTIONS);

/**
 * struct smm_page - the shadow page descriptor, our struct page
 * @flags: SMM_PG_* bits, zone and section numbers (see above)
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
	u32 flags;
	u8 owner;
	u8 order;
	u16 refcount;
	struct list_head lru;
	unsigned long private;
	void *mapping;
};

static_assert(sizeof(struct smm_page) * 100 <= PAGE_SIZE);

static inline bool smm_page_test(const struct smm_page *page, enum smm_pageflags f)
{
	return page->flags & BIT(f);
}

static inline void smm_page_set(struct smm_page *page, enum smm_pageflags f)
{
	page->flags |= BIT(f);
}

static inline void smm_page_clear(struct smm_page *page, enum smm_pageflags f)
{
	page->flags &= ~BIT(f);
}

static inline unsigned int smm_page_zonenum(const struct smm_page *page)
{
	return (page->flags >> SMM_PG_ZONE_SHIFT) & SMM_PG_ZONE_MASK;
}

static inline void smm_page_set_zonenum(struct smm_page *page, unsigned int zone)
{
	page->flags = (page->flags & ~(SMM_PG_ZONE_MASK << SMM_PG_ZONE_SHIFT)) |
		      (zone << SMM_PG_ZONE_SHIFT);
}

/**
 * struct smm_boot_alloc - the boot allocator the mem_map comes from
 * @alloc: reserve @size bytes aligned to @align, at or above @goal if it
 *	can: the address, or %SMM_EARLY_NOT_FOUND
 * @reserved: the @i-th reserved range, [*@start, *@end) in bytes, sorted
 *	and disjoint; false past the last
 * @ctx: the argument of both
 *
 * early_res in the 2.6.29 bring-up, memblock in the 6.12 one.
 */
struct smm_boot_alloc {
	u64 (*alloc)(void *ctx, u64 size, u64 align, u64 goal);
	bool (*reserved)(void *ctx, unsigned int i, u64 *start, u64 *end);
	void *ctx;
};

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

int smm_memmap_init_from(struct smm_memmap *mm, struct smm_arena *a,
			 const struct smm_e820_table *t, const struct smm_boot_alloc *ba,
			 u64 goal, const unsigned long *zone_end, unsigned int nr_zones,
			 unsigned long defer_pfn);
unsigned long smm_memmap_init_range(struct smm_arena *a, unsigned long start,
				    unsigned long end, unsigned int zone,
				    enum smm_owner owner, bool deferred);
int smm_memmap_init(struct smm_memmap *mm, struct smm_arena *a,
		    struct smm_early *e, u64 goal, const unsigned long *zone_end,
		    unsigned int nr_zones);
u64 smm_memmap_bytes(const struct smm_arena *a);
unsigned long smm_memmap_present(const struct smm_arena *a, unsigned long start,
				 unsigned long end);
const char *smm_owner_name(enum smm_owner owner);
void smm_memmap_show(struct seq_file *m, const struct smm_memmap *mm);

/**
 * smm_page_deferred() - is this descriptor still waiting for deferred init?
 * @page: a descriptor
 *
 * A page stamped by smm_memmap_init_range() with @deferred: owner
 * %SMM_OWNER_FREE with PG_reserved, a pair nothing else produces (a free
 * page that is initialised is not reserved).  Only the first word of such
 * a descriptor is valid.
 *
 * Return: true if @page is not initialised yet.
 */
static inline bool smm_page_deferred(const struct smm_page *page)
{
	return READ_ONCE(page->owner) == SMM_OWNER_FREE &&
	       smm_page_test(page, SMM_PG_RESERVED);
}

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

/**
 * smm_page_to_pfn() - the shadow PFN of a descriptor
 * @a: the arena
 * @page: a descriptor from smm_pfn_to_page()
 *
 * The section number in @page->flags names the array, and the offset in the
 * array gives the rest.  O(1).
 *
 * Return: the PFN.
 */
static inline unsigned long smm_page_to_pfn(const struct smm_arena *a,
					    const struct smm_page *page)
{
	unsigned long nr = page->flags >> SMM_PG_SECTION_SHIFT;
	const struct smm_section *s = &a->sections[nr];

	return (nr << SMM_SECTION_ORDER) + s->first + (page - s->memmap);
}

#endif /* _SHADOW_MM_MEMMAP_H */
