/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_BUDDY_H
#define _SHADOW_MM_BUDDY_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "inject.h"
#include "memmap.h"

/**
 * enum smm_zone_type - the shadow zones, in the kernel's enum zone_type order
 * @SMM_ZONE_DMA: the ISA DMA window at the bottom of memory
 * @SMM_ZONE_DMA32: below 4 GiB on x86-64 (the 6.12 era only)
 * @SMM_ZONE_NORMAL: memory the kernel maps permanently
 * @SMM_ZONE_HIGHMEM: memory reached only through temporary mappings (the
 *	2.6.29 era only: a 32-bit PC)
 * @SMM_ZONE_MOVABLE: movable allocations only, carved out of the highest
 *	zone by movablecore= or kernelcore= (the 6.12 era only)
 * @SMM_NR_ZONES: number of zones
 *
 * Each era configures the zones its kernel has (&smm_buddy.zone_mask), as
 * CONFIG_ZONE_DMA32, CONFIG_HIGHMEM and ZONE_MOVABLE decide MAX_NR_ZONES;
 * the others stay empty and are never shown.
 */
enum smm_zone_type {
	SMM_ZONE_DMA,
	SMM_ZONE_DMA32,
	SMM_ZONE_NORMAL,
	SMM_ZONE_HIGHMEM,
	SMM_ZONE_MOVABLE,
	SMM_NR_ZONES,
};

/* The zones of each era's kernel: 2.6.29 i386, 6.12 x86-64. */
#define SMM_ZONES_2629	(BIT(SMM_ZONE_DMA) | BIT(SMM_ZONE_NORMAL) | BIT(SMM_ZONE_HIGHMEM))
#define SMM_ZONES_612	(BIT(SMM_ZONE_DMA) | BIT(SMM_ZONE_DMA32) | BIT(SMM_ZONE_NORMAL) | \
			 BIT(SMM_ZONE_MOVABLE))

static_assert(SMM_NR_ZONES - 1 <= SMM_PG_ZONE_MASK);

/* Orders run 0..max_order-1; max_order is a parameter, at most this. */
#define SMM_MAX_ORDER_LIMIT	14
#define SMM_MAX_ORDER_DEFAULT	11

/*
 * GFP-like flags.  The zone modifiers name the highest zone allowed;
 * gfp_zone() turns them into the zonelist to walk.
 */
#define __SMM_GFP_DMA		BIT(0)	/* ZONE_DMA only */
#define __SMM_GFP_HIGHMEM	BIT(1)	/* HIGHMEM, then NORMAL, then DMA */
#define __SMM_GFP_ZERO		BIT(2)	/* zero the pages */
#define __SMM_GFP_HIGH		BIT(3)	/* may dip below the min watermark */

/**
 * enum smm_alloc_site - who asks the buddy allocator for pages
 * @SMM_SITE_PAGES: a direct page allocation (the control file, a test)
 * @SMM_SITE_SLAB: slab pages (kmem_getpages()) and large kmallocs
 * @SMM_SITE_PGTABLE: page-table pages
 * @SMM_SITE_VMALLOC: the pages of a vmalloc area
 * @SMM_SITE_FAULT: a user page, in the fault handler
 * @SMM_SITE_NR: number of sites
 *
 * Carried in the gfp flags with __SMM_GFP_SITE(), for fail_page_alloc's
 * ``sites`` filter; it changes nothing about how a request is served.
 */
enum smm_alloc_site {
	SMM_SITE_PAGES,
	SMM_SITE_SLAB,
	SMM_SITE_PGTABLE,
	SMM_SITE_VMALLOC,
	SMM_SITE_FAULT,
	SMM_SITE_NR,
};

#define __SMM_GFP_SITE_SHIFT	4
#define __SMM_GFP_SITE(site)	((site) << __SMM_GFP_SITE_SHIFT)
#define SMM_GFP_SITE_MASK	(7U << __SMM_GFP_SITE_SHIFT)

/*
 * The mobility modifiers, above the site bits: gfp_migratetype() turns
 * them into the free lists a request takes from (MOVABLE, RECLAIMABLE,
 * neither: UNMOVABLE), as __GFP_MOVABLE and __GFP_RECLAIMABLE do.  Both
 * at once is refused.  The 2.6.29 era ignores them.  __SMM_GFP_MOVABLE is
 * also a zone modifier: with __SMM_GFP_HIGHMEM it may use ZONE_MOVABLE.
 * __SMM_GFP_DMA32 asks for ZONE_DMA32, then DMA (the 6.12 era's zones).
 */
#define __SMM_GFP_MOVABLE	BIT(7)	/* user pages, migratable */
#define __SMM_GFP_RECLAIMABLE	BIT(8)	/* caches that a shrinker empties */
#define SMM_GFP_MOVABLE_MASK	(__SMM_GFP_MOVABLE | __SMM_GFP_RECLAIMABLE)
#define __SMM_GFP_DMA32		BIT(9)	/* ZONE_DMA32, then DMA */
#define __SMM_GFP_BITS		10

static_assert(SMM_SITE_NR <= 8);
static_assert(!(SMM_GFP_SITE_MASK & SMM_GFP_MOVABLE_MASK));

#define SMM_GFP_KERNEL		0
#define SMM_GFP_DMA		__SMM_GFP_DMA
#define SMM_GFP_HIGHUSER	__SMM_GFP_HIGHMEM
#define SMM_GFP_HIGHUSER_MOVABLE	(__SMM_GFP_HIGHMEM | __SMM_GFP_MOVABLE)
#define SMM_GFP_ATOMIC		__SMM_GFP_HIGH

/**
 * enum smm_migratetype - what a pageblock's pages are for (enum migratetype)
 * @SMM_MIGRATE_UNMOVABLE: kernel memory that never moves: page tables, slab
 * @SMM_MIGRATE_MOVABLE: user pages, which compaction can migrate
 * @SMM_MIGRATE_RECLAIMABLE: caches that reclaim can empty
 * @SMM_MIGRATE_PCPTYPES: the types with per-CPU lists (the three above)
 * @SMM_MIGRATE_HIGHATOMIC: a reserve for high-order atomic requests
 * @SMM_MIGRATE_ISOLATE: never allocated from (being compacted or offlined)
 * @SMM_MIGRATE_TYPES: number of types
 *
 * The kernel's order and values (6.12, without CMA), so that
 * gfp_migratetype() is a shift there and /proc/pagetypeinfo lists them in
 * this order.
 */
enum smm_migratetype {
	SMM_MIGRATE_UNMOVABLE,
	SMM_MIGRATE_MOVABLE,
	SMM_MIGRATE_RECLAIMABLE,
	SMM_MIGRATE_PCPTYPES,
	SMM_MIGRATE_HIGHATOMIC = SMM_MIGRATE_PCPTYPES,
	SMM_MIGRATE_ISOLATE,
	SMM_MIGRATE_TYPES,
};

/**
 * enum smm_wmark - the zone watermarks
 * @SMM_WMARK_MIN: below this only atomic allocations succeed
 * @SMM_WMARK_LOW: the fast path's threshold (kswapd would wake here)
 * @SMM_WMARK_HIGH: the level reclaim would aim for
 * @SMM_NR_WMARK: number of watermarks
 */
enum smm_wmark {
	SMM_WMARK_MIN,
	SMM_WMARK_LOW,
	SMM_WMARK_HIGH,
	SMM_NR_WMARK,
};

/*
 * The watermark sysctls (vm.min_free_kbytes, vm.watermark_scale_factor).
 * min_free_kbytes is computed at bring-up, clamped to [128, 262144] as
 * calculate_min_free_kbytes() clamps it; a sysctl write may take it from 0
 * to the same cap.  watermark_scale_factor is in units of 0.01% of a zone,
 * [1, 3000] as the kernel's sysctl table allows, 10 by default.
 */
#define SMM_MIN_FREE_KBYTES_MIN			128
#define SMM_MIN_FREE_KBYTES_MAX			262144
#define SMM_WATERMARK_SCALE_FACTOR_DEFAULT	10
#define SMM_WATERMARK_SCALE_FACTOR_MAX		3000

/**
 * enum smm_buddy_stat - event counters of a buddy allocator
 * @SMM_BUDDY_ALLOC: successful allocations
 * @SMM_BUDDY_FREE: successful frees
 * @SMM_BUDDY_PCP_HIT: allocations served from a per-CPU list without a refill
 * @SMM_BUDDY_PCP_REFILL: per-CPU lists refilled from the buddy
 * @SMM_BUDDY_PCP_SPILL: per-CPU lists at @high, blocks given back
 * @SMM_BUDDY_SPLIT: blocks split by expand()
 * @SMM_BUDDY_MERGE: buddies merged by __free_one_page()
 * @SMM_BUDDY_FALLBACK: allocations served by a zone after the first
 * @SMM_BUDDY_WMARK_FAIL: zones skipped because of a watermark
 * @SMM_BUDDY_FAIL: allocations that failed
 * @SMM_BUDDY_BAD_ORDER: requests with an order >= max_order
 * @SMM_BUDDY_BAD_FREE: refused frees (double, wrong order, not ours)
 * @SMM_BUDDY_HIGHMEM_DIRECT: HighMem pages zeroed through the direct map,
 *	because no kmap was installed yet (see &smm_buddy.clear_highpage)
 * @SMM_BUDDY_EXTFRAG: allocations served from another migratetype's free
 *	list (__rmqueue_fallback(), each an mm_page_alloc_extfrag event)
 * @SMM_BUDDY_EXTFRAG_FRAGMENTING: of those, the ones that split a block
 *	below the pageblock order without claiming its pageblock, which
 *	mixes types in one pageblock (the tracepoint's ``fragmenting=1``)
 * @SMM_BUDDY_PAGEBLOCK_STEAL: pageblocks that changed migratetype when an
 *	allocation fell back (steal_suitable_fallback() claimed them)
 * @SMM_BUDDY_STAT_NR: number of counters
 */
enum smm_buddy_stat {
	SMM_BUDDY_ALLOC,
	SMM_BUDDY_FREE,
	SMM_BUDDY_PCP_HIT,
	SMM_BUDDY_PCP_REFILL,
	SMM_BUDDY_PCP_SPILL,
	SMM_BUDDY_SPLIT,
	SMM_BUDDY_MERGE,
	SMM_BUDDY_FALLBACK,
	SMM_BUDDY_WMARK_FAIL,
	SMM_BUDDY_FAIL,
	SMM_BUDDY_BAD_ORDER,
	SMM_BUDDY_BAD_FREE,
	SMM_BUDDY_HIGHMEM_DIRECT,
	SMM_BUDDY_EXTFRAG,
	SMM_BUDDY_EXTFRAG_FRAGMENTING,
	SMM_BUDDY_PAGEBLOCK_STEAL,
	SMM_BUDDY_STAT_NR,
};

/**
 * struct smm_buddy_stats - one CPU's event counters
 * @n: one counter per enum smm_buddy_stat
 */
struct smm_buddy_stats {
	unsigned long n[SMM_BUDDY_STAT_NR];
};

/**
 * struct smm_free_area - the free blocks of one order in one zone
 * @free_list: heads of the free blocks, one list per migratetype, linked
 *	through &smm_page.lru
 * @nr_free: blocks on all of @free_list
 *
 * Invariant (exact since 6.10's "hygienic freelists"): a block on
 * @free_list[mt] lies in pageblocks whose migratetype is mt, all of them.
 */
struct smm_free_area {
	struct list_head free_list[SMM_MIGRATE_TYPES];
	unsigned long nr_free;
};

/*
 * The per-CPU lists hold high-order blocks too, as the kernel's have since
 * 5.13 (commit 44042b449872, "mm/page_alloc: allow high-order pages to be
 * stored on the per-cpu lists"): one list for each order up to
 * PAGE_ALLOC_COSTLY_ORDER, and one for the pageblock order, the order of a
 * PMD-sized transparent huge page.  Our max_order counts orders as the
 * 2.6 kernel's MAX_ORDER did (default 11: orders 0..10, 4 MiB blocks), so
 * the pageblock order is min(HPAGE_PMD_ORDER, max_order - 1): 9 (2 MiB)
 * by default, as on x86-64.  With max_order <= 4 it falls among the
 * low orders and the pageblock lists stay empty.  As in 6.12, each low
 * order has one list per migratetype below MIGRATE_PCPTYPES (pindex =
 * MIGRATE_PCPTYPES * order + migratetype), and the pageblock order has
 * NR_PCP_THP = 2: one for MOVABLE, one shared by the other two.
 * NR_PCP_LISTS is 3 * 4 + 2 = 14, as in the kernel.  In the 2.6.29 era
 * every block is UNMOVABLE and only the UNMOVABLE lists fill.
 */
#define SMM_PAGE_ALLOC_COSTLY_ORDER	3
#define SMM_HPAGE_PMD_ORDER		9
#define SMM_NR_PCP_THP			2
#define SMM_NR_LOWORDER_PCP_LISTS	(SMM_MIGRATE_PCPTYPES * (SMM_PAGE_ALLOC_COSTLY_ORDER + 1))
#define SMM_NR_PCP_LISTS		(SMM_NR_LOWORDER_PCP_LISTS + SMM_NR_PCP_THP)
/* CONFIG_PCP_BATCH_SCALE_MAX: how far a batch may scale up, as a shift. */
#define SMM_PCP_BATCH_SCALE_MAX		5
/* MIN_PERCPU_PAGELIST_HIGH_FRACTION: high_max is managed / this / CPUs. */
#define SMM_PCP_HIGH_FRACTION		8

/*
 * &smm_pcp.flags.  PREV_FREE_HIGH_ORDER: the last free was of an order in
 * 1..PAGE_ALLOC_COSTLY_ORDER.  FREE_HIGH_BATCH: this CPU's share of the
 * last-level cache holds more than three batches, so a run of such frees
 * spills only once a batch is kept.  setup_pcp_cacheinfo() decides it from
 * the CPU's cache info, which a module cannot read (get_cpu_cacheinfo() is
 * not exported); we always set it.
 */
#define SMM_PCPF_PREV_FREE_HIGH_ORDER	BIT(0)
#define SMM_PCPF_FREE_HIGH_BATCH	BIT(1)

/**
 * struct smm_pcp - one CPU's lists of free blocks in one zone (per_cpu_pages)
 * @lock: protects the other fields
 * @count: pages on all of @lists, 2^order for a block of order
 * @high: give blocks back to the buddy when @count reaches this; tuned
 *	between @high_min and @high_max as in 6.12 (nr_pcp_high())
 * @high_min: the low watermark shared among the CPUs (zone_highsize())
 * @high_max: managed / %SMM_PCP_HIGH_FRACTION shared among the CPUs
 * @batch: pages moved to or from the buddy at a time (zone_batchsize())
 * @flags: %SMM_PCPF_PREV_FREE_HIGH_ORDER, %SMM_PCPF_FREE_HIGH_BATCH
 * @alloc_factor: refills scale by 2^this while allocations keep coming
 * @free_count: recent frees, in pages; scales how much a spill gives back
 * @lists: one list per pindex (order_to_pindex()), linked through
 *	&smm_page.lru of the blocks' heads; hot blocks at the head
 *
 * Cache-line aligned, and per CPU: a CPU's fast path writes only its own
 * lines.
 *
 * Invariant: @count is the sum of 2^order over the blocks on @lists; every
 * page of those blocks is owned by %SMM_OWNER_PCP, and a head's
 * &smm_page.order is its list's order.
 */
struct smm_pcp {
	spinlock_t lock;	/* protects everything below */
	int count;
	int high;
	int high_min;
	int high_max;
	int batch;
	u8 flags;
	u8 alloc_factor;
	short free_count;
	struct list_head lists[SMM_NR_PCP_LISTS];
} ____cacheline_aligned_in_smp;

/* &smm_zone.flags: the zone is below its high watermark (ZONE_BELOW_HIGH). */
#define SMM_ZONE_BELOW_HIGH	0

/**
 * struct smm_zone - one zone and its buddy allocator
 * @pcp: the per-CPU lists
 * @name: "DMA", "Normal" or "HighMem", as /proc prints them
 * @idx: this zone's enum smm_zone_type
 * @flags: %SMM_ZONE_BELOW_HIGH, set and cleared with atomic bit operations
 * @zone_start_pfn: first PFN of the zone
 * @spanned_pages: PFNs the zone covers, holes included
 * @present_pages: pages with memory behind them
 * @managed_pages: pages handed to this buddy allocator
 * @wmark: the watermarks, in pages
 * @lock: protects @free_area, @free_pages and the descriptors of the free
 *	pages in @free_area
 * @free_pages: pages in @free_area (not counting the per-CPU lists), but
 *	for those on the %SMM_MIGRATE_ISOLATE lists, as NR_FREE_PAGES
 *	(account_freepages())
 * @free_area: free blocks per order
 * @nr_free_mt: pages on each migratetype's lists of @free_area
 * @nr_reserved_highatomic: pages in %SMM_MIGRATE_HIGHATOMIC pageblocks
 * @pageblock_mt: the migratetype of each pageblock that overlaps the zone,
 *	from @pageblock_base_pfn on (pageblock_flags; host memory); written
 *	under @lock
 * @pageblock_base_pfn: the zone's start rounded down to a pageblock
 * @nr_pageblocks: entries in @pageblock_mt
 *
 * The fields above @lock are read on every allocation and written only at
 * bring-up (and @flags when it changes); @lock starts a new cache line, as
 * ZONE_PADDING sets it apart in struct zone, so a refill on one CPU does
 * not take the read-mostly line from the others.
 *
 * Invariant: the buddies of a free block lie in the same zone, or the
 * merge in __free_one_page() stops.
 */
struct smm_zone {
	struct smm_pcp __percpu *pcp;
	const char *name;
	enum smm_zone_type idx;
	unsigned long flags;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long wmark[SMM_NR_WMARK];

	spinlock_t lock ____cacheline_aligned_in_smp;	/* protects free_area, free_pages */
	unsigned long free_pages;
	struct smm_free_area free_area[SMM_MAX_ORDER_LIMIT];
	unsigned long nr_free_mt[SMM_MIGRATE_TYPES];
	unsigned long nr_reserved_highatomic;
	u8 *pageblock_mt;
	unsigned long pageblock_base_pfn;
	unsigned long nr_pageblocks;
};

/**
 * struct smm_fail_page_alloc - fail_page_alloc of one instance
 * @fail: the knobs
 * @sites: the callers that may fail, BIT(enum smm_alloc_site)
 * @min_order: only requests of at least this order fail
 * @ignore_gfp_highmem: requests that may use HighMem never fail
 *
 * As the kernel's fail_page_alloc, plus @sites.
 */
struct smm_fail_page_alloc {
	struct smm_fail fail;
	u32 sites;
	u32 min_order;
	bool ignore_gfp_highmem;
};

/**
 * struct smm_buddy - the zoned page allocator of one instance
 * @arena: the memory and its descriptors
 * @broken: the instance's broken flag, set by SMM_WARN_ON()
 * @max_order: orders run 0..@max_order - 1
 * @era: whose kernel the allocator models: its zones, and how zoneinfo
 *	prints the per-CPU lists
 * @zone_mask: the zones that era's kernel has, BIT(enum smm_zone_type)
 * @thp_order: our pageblock order, min(%SMM_HPAGE_PMD_ORDER, @max_order - 1):
 *	the order of the per-CPU list above the low orders
 * @group_by_mobility: the free lists are split by migratetype and
 *	requests fall back and steal pageblocks as in 6.12; false (the
 *	2.6.29 era's page_group_by_mobility_disabled) puts every pageblock
 *	and every request on UNMOVABLE.  Set before the handoff, with
 *	smm_buddy_set_mobility()
 * @min_free_kbytes: vm.min_free_kbytes: the reserve split among the low
 *	zones as their min watermarks; computed at bring-up, set by
 *	smm_buddy_tune_watermarks(); written under @wmark_lock, read with
 *	READ_ONCE()
 * @watermark_scale_factor: vm.watermark_scale_factor: the gap between
 *	the min, low and high watermarks, in 0.01% of a zone; 1..3000;
 *	written under @wmark_lock
 * @wmark_lock: serialises the writers of the watermarks and the per-CPU
 *	lists' batch and high bounds (setup_per_zone_wmarks()'s lock and
 *	pcp_batch_high_lock in one); protects @min_free_kbytes and
 *	@watermark_scale_factor
 * @zones: the zones, lowest first
 * @stats: per-CPU event counters
 * @lowmem_pages: managed pages of DMA and NORMAL, for the watermarks
 * @clear_highpage: zeroes one HighMem page through a temporary mapping,
 *	as clear_highpage() does with kmap_local_page(); installed by the
 *	highmem layer above this one (smm_highmem_init()), NULL until then;
 *	returns 0, or an error if it could not map the page
 * @clear_ctx: the argument of @clear_highpage
 * @grow_zone: deferred_grow_zone(): called by the allocation slow path
 *	when zone @z fails a watermark or has no block of @order, while
 *	deferred struct-page init is not done; initialises and frees more of
 *	the zone and returns true if the zone may now serve the request.
 *	Installed and removed (WRITE_ONCE()) by the deferred layer
 *	(smm_deferred_setup()); NULL once deferred init is done, as the
 *	kernel's static branch deferred_pages is disabled then.  Must not sleep.
 * @grow_ctx: the argument of @grow_zone
 * @fpa: fault injection (``fail_page_alloc``)
 * @name: the instance's name, for the tracepoints (every event carries it);
 *	set by the instance after smm_buddy_init(), NULL for a bare allocator
 *	of the tests (the events then say "(null)")
 * @compact: __alloc_pages_direct_compact(): called once by the slow path
 *	of smm_alloc_pages() when a request of order > 0 failed in every
 *	zone; compacts, and returns non-zero if the request should be tried
 *	again.  NULL: no compaction on failure (the 2.6.29 era).  Set by
 *	smm_compact_attach(), read with READ_ONCE()
 * @compact_ctx: the argument of @compact
 *
 * Lock order: @wmark_lock, then &smm_pcp.lock, then &smm_zone.lock.  No
 * spinlock is held across two zones.  The allocator reads the watermarks
 * without a lock, as the kernel does; smm_buddy_tune_watermarks() writes
 * each zone's under its &smm_zone.lock, with WRITE_ONCE().
 * smm_buddy_check() takes none: it looks under stop_machine().
 */
struct smm_buddy {
	struct smm_arena *arena;
	bool *broken;
	unsigned int max_order;
	enum smm_era era;
	unsigned int zone_mask;
	unsigned int thp_order;
	bool group_by_mobility;
	unsigned long min_free_kbytes;
	unsigned int watermark_scale_factor;
	struct mutex wmark_lock;	/* protects min_free_kbytes, watermark_scale_factor */
	struct smm_zone zones[SMM_NR_ZONES];
	struct smm_buddy_stats __percpu *stats;
	unsigned long lowmem_pages;
	int (*clear_highpage)(void *ctx, struct smm_page *page);
	void *clear_ctx;
	bool (*grow_zone)(void *ctx, struct smm_zone *z, unsigned int order);
	void *grow_ctx;
	struct smm_fail_page_alloc fpa;
	const char *name;
	unsigned long (*compact)(void *ctx, unsigned int gfp, unsigned int order);
	void *compact_ctx;
};

/* pcp_allowed_order(): may a block of @order (< max_order) use the per-CPU lists? */
static inline bool smm_pcp_allowed_order(const struct smm_buddy *b, unsigned int order)
{
	return order <= SMM_PAGE_ALLOC_COSTLY_ORDER || order == b->thp_order;
}

/*
 * order_to_pindex(): the list of a pcp-allowed @order for @mt (<
 * MIGRATE_PCPTYPES).  The pageblock order has two: MOVABLE, and the rest.
 */
static inline unsigned int smm_pcp_order_to_pindex(unsigned int mt, unsigned int order)
{
	if (order > SMM_PAGE_ALLOC_COSTLY_ORDER)
		return SMM_NR_LOWORDER_PCP_LISTS + (mt == SMM_MIGRATE_MOVABLE);
	return SMM_MIGRATE_PCPTYPES * order + mt;
}

/* pindex_to_order(): the order of the blocks on list @pindex. */
static inline unsigned int smm_pcp_pindex_to_order(const struct smm_buddy *b,
						   unsigned int pindex)
{
	return pindex < SMM_NR_LOWORDER_PCP_LISTS ? pindex / SMM_MIGRATE_PCPTYPES : b->thp_order;
}

/* pageblock_nr_pages */
static inline unsigned long smm_pageblock_nr_pages(const struct smm_buddy *b)
{
	return 1UL << b->thp_order;
}

/*
 * get_pfnblock_migratetype(): the migratetype of the pageblock of @pfn,
 * which lies in @z.  Read without the zone lock it may be stale, as in
 * the kernel; the free lists recheck it under the lock.
 */
static inline unsigned int smm_pageblock_mt(const struct smm_zone *z, unsigned int pb_order,
					    unsigned long pfn)
{
	return READ_ONCE(z->pageblock_mt[(pfn - z->pageblock_base_pfn) >> pb_order]);
}

int smm_buddy_init(struct smm_buddy *b, struct smm_arena *a, bool *broken,
		   unsigned int max_order, enum smm_era era, const unsigned long *zone_end);
void smm_buddy_destroy(struct smm_buddy *b);
int smm_buddy_set_mobility(struct smm_buddy *b, bool group_by_mobility);
unsigned int smm_gfp_migratetype(const struct smm_buddy *b, unsigned int gfp);
const char *smm_migratetype_name(unsigned int mt);
int smm_set_pageblock_isolate(struct smm_buddy *b, unsigned long pfn);
int smm_unset_pageblock_isolate(struct smm_buddy *b, unsigned long pfn, unsigned int mt);
unsigned long smm_zone_pageblocks_of(const struct smm_buddy *b, const struct smm_zone *z,
				     unsigned int mt);
void smm_buddy_setup_watermarks(struct smm_buddy *b);
int smm_buddy_tune_watermarks(struct smm_buddy *b, const unsigned long *min_free_kbytes,
			      const unsigned int *watermark_scale_factor);

struct smm_page *smm_alloc_pages(struct smm_buddy *b, unsigned int gfp,
				 unsigned int order);
int smm_free_pages(struct smm_buddy *b, struct smm_page *page, unsigned int order);
struct smm_page *smm_alloc_page(struct smm_buddy *b, unsigned int gfp);
int smm_alloc_pages_bulk(struct smm_buddy *b, unsigned int gfp, unsigned int nr,
			 struct smm_page **pages);
unsigned int smm_free_pages_bulk(struct smm_buddy *b, struct smm_page **pages,
				 unsigned int nr);
void smm_free_page(struct smm_buddy *b, struct smm_page *page);
void *smm_get_free_page(struct smm_buddy *b, unsigned int gfp);
int smm_free_page_addr(struct smm_buddy *b, void *addr);
void smm_drain_pages(struct smm_buddy *b);

int smm_gfp_zonelist(unsigned int zone_mask, unsigned int gfp, enum smm_zone_type *list);
const char *smm_alloc_site_name(enum smm_alloc_site site);
struct smm_zone *smm_page_zone(struct smm_buddy *b, const struct smm_page *page);
bool smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order,
			   unsigned long mark, unsigned int gfp);
unsigned long smm_zone_free_pages(const struct smm_zone *z);
unsigned long smm_zone_pcp_pages(const struct smm_zone *z);
unsigned long smm_buddy_free_pages(const struct smm_buddy *b);
unsigned long smm_buddy_stat(const struct smm_buddy *b, enum smm_buddy_stat item);
const char *smm_buddy_stat_name(enum smm_buddy_stat item);
int smm_buddy_check(struct smm_buddy *b);

void smm_buddyinfo_show(struct seq_file *m, struct smm_buddy *b);
void smm_zoneinfo_show(struct seq_file *m, struct smm_buddy *b);
void smm_pcplists_show(struct seq_file *m, struct smm_buddy *b);
void smm_extfrag_show(struct seq_file *m, struct smm_buddy *b);
void smm_pagetypeinfo_show(struct seq_file *m, struct smm_buddy *b);
void smm_frag_indices(const unsigned long *nr, unsigned int max_order, unsigned int order,
		      int *unusable, int *extfrag);

/* compaction: free pages as migration targets */
unsigned long smm_buddy_isolate_free(struct smm_buddy *b, struct smm_zone *z,
				     unsigned long pfn, unsigned long end,
				     struct list_head *list, unsigned long *scanned);

/* bring-up: bulk free for free_all_bootmem() */
unsigned long smm_buddy_free_pages_each(struct smm_buddy *b, unsigned long pfn,
					unsigned long nr);
unsigned long smm_buddy_free_range(struct smm_buddy *b, unsigned long s, unsigned long e);
unsigned long smm_buddy_free_present(struct smm_buddy *b, unsigned long s, unsigned long e,
				     bool by_page);
unsigned long smm_buddy_free_pages_core(struct smm_buddy *b, unsigned long pfn,
					unsigned int order);

#endif /* _SHADOW_MM_BUDDY_H */
