// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm zones: sizes, watermarks, zonelists and the /proc views.
 */

/**
 * DOC: zones
 *
 * The shadow physical space is split into three zones, as on a 32-bit PC:
 * ZONE_DMA for the ISA DMA window, ZONE_NORMAL for memory the kernel maps
 * permanently, and ZONE_HIGHMEM above it.  zone_sizes_init() and
 * free_area_init() do this at boot; smm_buddy_init() does it here.  A zone
 * records the PFNs it spans (holes included), the pages present in it, and
 * the pages it manages: those handed to its buddy allocator by
 * free_all_bootmem().
 *
 * Once the pages are in, smm_buddy_setup_watermarks() computes the min, low
 * and high watermarks the way init_per_zone_wmark_min() and
 * __setup_per_zone_wmarks() do: min_free_kbytes = sqrt(lowmem_kbytes * 16),
 * clamped to [128, 262144], is split among the low zones in proportion to
 * their size; a highmem zone gets a small fixed minimum instead; low and high
 * are min plus one and two times max(share / 4, managed *
 * watermark_scale_factor / 10000), where share is the zone's part of
 * min_free_kbytes (computed for highmem too) and watermark_scale_factor is
 * 10 (0.1%) unless set.  The per-CPU lists get their batch from
 * zone_batchsize() and the bounds of their high mark from zone_highsize():
 * the low watermark (high_min) and an eighth of the zone (high_max), each
 * shared among the CPUs, at least four batches.
 *
 * vm.min_free_kbytes and vm.watermark_scale_factor can be set afterwards,
 * through the ``sysctl`` control command (smm_buddy_tune_watermarks()):
 * as the kernel's sysctl handlers do, a write recomputes every zone's
 * watermarks from the new value and then the per-CPU lists' batch and
 * high bounds.  Unlike the kernel, we refuse a value that would put a
 * zone's high watermark at or above its managed pages.
 *
 * free_area_init() here costs per zone and per section, not per page: the
 * present pages are counted from the section table, and a page's zone
 * number is written when the page is handed to its zone, as the kernel's
 * deferred struct-page init does (see smm_buddy_init()).
 *
 * A request walks a zonelist, highest allowed zone first: HIGHUSER tries
 * HighMem, Normal, DMA; KERNEL tries Normal, DMA; DMA tries DMA only.  This
 * is the kernel's build_zonelists() order for one node.  Older texts
 * describe the same thing as "fallback to lower zones": memory from a lower
 * zone can serve a higher zone's request, never the other way round.
 */

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/sizes.h>

#include "buddy.h"

static const char *const zone_names[SMM_NR_ZONES] = {
	[SMM_ZONE_DMA]		= "DMA",
	[SMM_ZONE_DMA32]	= "DMA32",
	[SMM_ZONE_NORMAL]	= "Normal",
	[SMM_ZONE_HIGHMEM]	= "HighMem",
	[SMM_ZONE_MOVABLE]	= "Movable",
};

static const char *const stat_names[] = {
	[SMM_BUDDY_ALLOC]	= "alloc",
	[SMM_BUDDY_FREE]	= "free",
	[SMM_BUDDY_PCP_HIT]	= "pcp_hit",
	[SMM_BUDDY_PCP_REFILL]	= "pcp_refill",
	[SMM_BUDDY_PCP_SPILL]	= "pcp_spill",
	[SMM_BUDDY_SPLIT]	= "split",
	[SMM_BUDDY_MERGE]	= "merge",
	[SMM_BUDDY_FALLBACK]	= "fallback",
	[SMM_BUDDY_WMARK_FAIL]	= "watermark_skip",
	[SMM_BUDDY_FAIL]	= "fail",
	[SMM_BUDDY_BAD_ORDER]	= "bad_order",
	[SMM_BUDDY_BAD_FREE]	= "bad_free",
	[SMM_BUDDY_HIGHMEM_DIRECT] = "highmem_direct",
	[SMM_BUDDY_EXTFRAG]	= "extfrag_fallback",
	[SMM_BUDDY_EXTFRAG_FRAGMENTING] = "extfrag_fragmenting",
	[SMM_BUDDY_PAGEBLOCK_STEAL] = "pageblock_steal",
};

static_assert(ARRAY_SIZE(stat_names) == SMM_BUDDY_STAT_NR);

/* migratetype_names[], as /proc/pagetypeinfo prints them */
static const char *const smm_migratetype_names[SMM_MIGRATE_TYPES] = {
	[SMM_MIGRATE_UNMOVABLE]		= "Unmovable",
	[SMM_MIGRATE_MOVABLE]		= "Movable",
	[SMM_MIGRATE_RECLAIMABLE]	= "Reclaimable",
	[SMM_MIGRATE_HIGHATOMIC]	= "HighAtomic",
	[SMM_MIGRATE_ISOLATE]		= "Isolate",
};

/**
 * smm_migratetype_name() - the name of a migratetype
 * @mt: the type
 *
 * Return: its name in /proc/pagetypeinfo, or "?".
 */
const char *smm_migratetype_name(unsigned int mt)
{
	return mt < SMM_MIGRATE_TYPES ? smm_migratetype_names[mt] : "?";
}

/**
 * smm_buddy_stat_name() - name of a counter
 * @item: the counter
 *
 * Return: a static string.
 */
const char *smm_buddy_stat_name(enum smm_buddy_stat item)
{
	return item < SMM_BUDDY_STAT_NR ? stat_names[item] : "?";
}

/**
 * smm_buddy_stat() - the sum of a counter over all CPUs
 * @b: the allocator
 * @item: the counter
 *
 * Return: the sum; racy against concurrent updates, as vm events are.
 */
unsigned long smm_buddy_stat(const struct smm_buddy *b, enum smm_buddy_stat item)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(b->stats, cpu)->n[item];
	return sum;
}

/**
 * smm_gfp_zonelist() - the zones a request may use, in order
 * @zone_mask: the zones the kernel has, &smm_buddy.zone_mask
 * @gfp: SMM_GFP_* flags
 * @list: filled with up to %SMM_NR_ZONES zones, preferred first
 *
 * gfp_zone() and the node's zonelist: the highest zone the flags allow,
 * then every zone below it.  ZONE_MOVABLE only for __SMM_GFP_HIGHMEM |
 * __SMM_GFP_MOVABLE, as GFP_HIGHUSER_MOVABLE.  Zones not in @zone_mask
 * are left out, as MAX_NR_ZONES leaves them out of the kernel's zonelist.
 *
 * Return: the number of zones in @list.
 */
int smm_gfp_zonelist(unsigned int zone_mask, unsigned int gfp, enum smm_zone_type *list)
{
	int n = 0, z;

	if (gfp & __SMM_GFP_DMA)
		z = SMM_ZONE_DMA;
	else if (gfp & __SMM_GFP_DMA32)
		z = SMM_ZONE_DMA32;
	else if ((gfp & (__SMM_GFP_HIGHMEM | __SMM_GFP_MOVABLE)) ==
		 (__SMM_GFP_HIGHMEM | __SMM_GFP_MOVABLE))
		z = SMM_ZONE_MOVABLE;
	else if (gfp & __SMM_GFP_HIGHMEM)
		z = SMM_ZONE_HIGHMEM;
	else
		z = SMM_ZONE_NORMAL;
	for (; z >= 0; z--)
		if (zone_mask & BIT(z))
			list[n++] = z;
	return n;
}

/**
 * smm_page_zone() - the zone of a page
 * @b: the allocator
 * @page: a descriptor
 *
 * Return: the zone, from the zone number kept in @page->flags.
 */
struct smm_zone *smm_page_zone(struct smm_buddy *b, const struct smm_page *page)
{
	return &b->zones[smm_page_zonenum(page)];
}

/**
 * smm_zone_free_pages() - free pages in a zone's free lists
 * @z: the zone
 *
 * Return: the count, read without the lock.
 */
unsigned long smm_zone_free_pages(const struct smm_zone *z)
{
	return READ_ONCE(z->free_pages);
}

/**
 * smm_zone_pcp_pages() - free pages on a zone's per-CPU lists
 * @z: the zone
 *
 * Return: the sum over the CPUs, read without the locks.
 */
unsigned long smm_zone_pcp_pages(const struct smm_zone *z)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(z->pcp, cpu)->count);
	return sum;
}

/**
 * smm_buddy_free_pages() - free pages of all zones, per-CPU lists included
 * @b: the allocator
 *
 * Return: the count.
 */
unsigned long smm_buddy_free_pages(const struct smm_buddy *b)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++)
		sum += smm_zone_free_pages(&b->zones[i]) + smm_zone_pcp_pages(&b->zones[i]);
	return sum;
}

/*
 * calculate_node_totalpages(): the pages with a descriptor in [@start,
 * @end), from the section table (each present section describes one run
 * of PFNs), without looking at a single descriptor.
 */
static unsigned long present_pages_in(const struct smm_arena *a, unsigned long start,
				      unsigned long end)
{
	unsigned long sec, n = 0;

	end = min(end, a->end_pfn);
	for (sec = start >> SMM_SECTION_ORDER; start < end && sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];
		unsigned long base = sec << SMM_SECTION_ORDER;
		unsigned long lo = max(start, base + s->first);
		unsigned long hi = min(end, base + s->first + s->nr);

		if (s->nr && hi > lo)
			n += hi - lo;
	}
	return n;
}

/* per_cpu_pages_init(): empty lists and the boot pageset, which keeps nothing. */
static void pcp_init(struct smm_pcp *pcp)
{
	unsigned int i;

	spin_lock_init(&pcp->lock);
	for (i = 0; i < SMM_NR_PCP_LISTS; i++)
		INIT_LIST_HEAD(&pcp->lists[i]);
	/* BOOT_PAGESET_HIGH and BOOT_PAGESET_BATCH */
	pcp->high = 0;
	pcp->high_min = 0;
	pcp->high_max = 0;
	pcp->batch = 1;
}

/**
 * smm_buddy_init() - set up the zones of an arena, all empty
 * @b: the allocator
 * @a: the arena, with its mem_map
 * @broken: the instance's broken flag
 * @max_order: orders run 0..@max_order - 1, 1 <= @max_order <= %SMM_MAX_ORDER_LIMIT
 * @era: whose zones: %SMM_ZONES_2629 or %SMM_ZONES_612 (&smm_buddy.zone_mask)
 * @zone_end: the first PFN above each zone; zone i spans [@zone_end[i - 1],
 *	@zone_end[i]), from 0; a zone the era does not have must be empty, and
 *	the last end must cover the arena
 *
 * free_area_init(): each zone's span, and its present pages counted from
 * the section table; empty free areas; per-CPU lists with the boot
 * pageset.  No descriptor is touched: the memmap stage already gave every
 * page its zone number (set_page_links()).  The cost is per zone and per
 * section, not per page.  The zones receive pages only through
 * smm_buddy_free_pages_core(), at the handoff.
 *
 * Return: 0, -EINVAL for bad bounds, or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_buddy_init(struct smm_buddy *b, struct smm_arena *a, bool *broken,
		   unsigned int max_order, enum smm_era era, const unsigned long *zone_end)
{
	unsigned int zone_mask = era == SMM_ERA_612 ? SMM_ZONES_612 : SMM_ZONES_2629;
	unsigned long bounds[SMM_NR_ZONES + 1] = { 0 };
	int i, cpu, o, mt;

	memset(b, 0, sizeof(*b));
	if (!max_order || max_order > SMM_MAX_ORDER_LIMIT || era >= SMM_ERA_NR)
		return -EINVAL;
	for (i = 0; i < SMM_NR_ZONES; i++) {
		bounds[i + 1] = zone_end[i];
		if (bounds[i + 1] < bounds[i] ||
		    (!(zone_mask & BIT(i)) && bounds[i + 1] != bounds[i]))
			return -EINVAL;
	}
	if (bounds[SMM_NR_ZONES] < a->end_pfn)
		return -EINVAL;
	b->arena = a;
	b->era = era;
	b->zone_mask = zone_mask;
	b->broken = broken;
	b->max_order = max_order;
	b->thp_order = min(SMM_HPAGE_PMD_ORDER, max_order - 1);
	b->watermark_scale_factor = SMM_WATERMARK_SCALE_FACTOR_DEFAULT;
	mutex_init(&b->wmark_lock);
	smm_fail_init(&b->fpa.fail, "fail_page_alloc");
	b->fpa.sites = BIT(SMM_SITE_NR) - 1;
	b->stats = smm_host_alloc_percpu(a, SMM_HOST_BUDDY, sizeof(struct smm_buddy_stats),
					 __alignof__(struct smm_buddy_stats));
	if (!b->stats)
		return -ENOMEM;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		spin_lock_init(&z->lock);
		for (o = 0; o < SMM_MAX_ORDER_LIMIT; o++)
			for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
				INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
		z->name = zone_names[i];
		z->idx = i;
		z->zone_start_pfn = bounds[i];
		z->spanned_pages = bounds[i + 1] - bounds[i];
		z->pcp = smm_host_alloc_percpu(a, SMM_HOST_BUDDY, sizeof(struct smm_pcp),
					       __alignof__(struct smm_pcp));
		if (!z->pcp)
			goto err_pcp;
		for_each_possible_cpu(cpu)
			pcp_init(per_cpu_ptr(z->pcp, cpu));
		z->present_pages = present_pages_in(a, bounds[i], bounds[i + 1]);
		/*
		 * pageblock_flags, one byte per pageblock that overlaps the
		 * zone, all UNMOVABLE (0) until smm_buddy_set_mobility().
		 */
		z->pageblock_base_pfn = round_down(z->zone_start_pfn, smm_pageblock_nr_pages(b));
		z->nr_pageblocks = DIV_ROUND_UP(z->zone_start_pfn + z->spanned_pages -
						z->pageblock_base_pfn, smm_pageblock_nr_pages(b));
		z->pageblock_mt = smm_host_kvcalloc(a, SMM_HOST_BUDDY, max(z->nr_pageblocks, 1UL),
						    sizeof(*z->pageblock_mt));
		if (!z->pageblock_mt)
			goto err_pcp;
	}
	return 0;

err_pcp:
	smm_buddy_destroy(b);
	return -ENOMEM;
}

/**
 * smm_buddy_set_mobility() - group the free lists by mobility, or not
 * @b: the allocator, before the handoff (no zone manages pages yet)
 * @group_by_mobility: true for the modern era: every pageblock starts
 *	MOVABLE, as memmap_init_range() marks them
 *	(init_pageblock_migratetype()), and requests take the lists of
 *	their gfp_migratetype(); false for the 2.6.29 era
 *	(page_group_by_mobility_disabled): everything is UNMOVABLE
 *
 * Return: 0, or -EBUSY once pages have been handed over.
 * Context: process context, at bring-up.
 */
int smm_buddy_set_mobility(struct smm_buddy *b, bool group_by_mobility)
{
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++)
		if (b->zones[i].managed_pages)
			return -EBUSY;
	b->group_by_mobility = group_by_mobility;
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		memset(z->pageblock_mt, group_by_mobility ? SMM_MIGRATE_MOVABLE :
		       SMM_MIGRATE_UNMOVABLE, z->nr_pageblocks);
	}
	return 0;
}

/**
 * smm_zone_pageblocks_of() - how many of a zone's pageblocks have a type
 * @b: the allocator
 * @z: the zone
 * @mt: the type
 *
 * The count that /proc/pagetypeinfo's "Number of blocks type" table
 * prints, walked as pagetypeinfo_showblockcount_print() walks it: from the
 * zone's first PFN in steps of a pageblock, skipping PFNs without memory
 * or in another zone.
 *
 * Return: the count, read without the lock.
 * Context: any.
 */
unsigned long smm_zone_pageblocks_of(const struct smm_buddy *b, const struct smm_zone *z,
				     unsigned int mt)
{
	unsigned long pfn, n = 0;

	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages;
	     pfn += smm_pageblock_nr_pages(b)) {
		const struct smm_page *page = smm_pfn_to_page(b->arena, pfn);

		if (page && smm_page_zonenum(page) == z->idx &&
		    smm_pageblock_mt(z, b->thp_order, pfn) == mt)
			n++;
	}
	return n;
}

/**
 * smm_buddy_destroy() - free the allocator's own memory
 * @b: the allocator; its pages belong to the arena and go back with it
 *
 * Context: process context.
 */
void smm_buddy_destroy(struct smm_buddy *b)
{
	int i;

	if (!b->arena)
		return;
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		smm_host_free_percpu(b->arena, SMM_HOST_BUDDY, z->pcp, sizeof(struct smm_pcp));
		z->pcp = NULL;
		smm_host_kvfree(b->arena, SMM_HOST_BUDDY, z->pageblock_mt,
				max(z->nr_pageblocks, 1UL), sizeof(*z->pageblock_mt));
		z->pageblock_mt = NULL;
	}
	smm_host_free_percpu(b->arena, SMM_HOST_BUDDY, b->stats, sizeof(struct smm_buddy_stats));
	b->stats = NULL;
}

/* zone_batchsize(): about a quarter of a 1/1024th of the zone, as 2^n - 1. */
static int zone_batchsize(const struct smm_zone *z)
{
	unsigned long batch = min(z->managed_pages >> 10, SZ_1M / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return max(1UL, batch);
}

/*
 * zone_highsize(): the low watermark (@fraction 0) or managed / @fraction
 * pages, shared among the online CPUs, at least four batches.
 */
static int zone_highsize(const struct smm_zone *z, int batch, unsigned int fraction)
{
	unsigned long total = fraction ? z->managed_pages / fraction : z->wmark[SMM_WMARK_LOW];
	unsigned long high = total / max(1U, num_online_cpus());

	return min_t(unsigned long, max(high, (unsigned long)batch << 2), INT_MAX);
}

/*
 * HighMem, and ZONE_MOVABLE (empty in the 2.6.29 era): the zones that
 * 6.12's __setup_per_zone_wmarks() leaves out of lowmem_pages and gives a
 * small fixed min ("!is_highmem(zone) && zone_idx(zone) != ZONE_MOVABLE").
 */
static bool wmark_high_zone(int i)
{
	return i == SMM_ZONE_HIGHMEM || i == SMM_ZONE_MOVABLE;
}

/*
 * __setup_per_zone_wmarks() into @wm, nothing written: each low zone's min
 * is its share of @min_free_kbytes, in proportion to its managed pages; a
 * HighMem or Movable zone's min is managed / 1024 clamped to
 * [SWAP_CLUSTER_MAX, 128] (32 to 128 pages), since atomic and PF_MEMALLOC
 * allocations rarely want those zones.  The kswapd gaps (min to low, low
 * to high) are the larger of a quarter of the zone's share and @factor /
 * 10000 of the zone: they are not capped for those zones.
 */
static void compute_wmarks(const struct smm_buddy *b, unsigned long min_free_kbytes,
			   unsigned int factor, unsigned long wm[SMM_NR_ZONES][SMM_NR_WMARK])
{
	unsigned long pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &b->zones[i];
		u64 tmp = b->lowmem_pages ?
			div64_u64((u64)pages_min * z->managed_pages, b->lowmem_pages) : 0;

		if (wmark_high_zone(i))
			wm[i][SMM_WMARK_MIN] = clamp(z->managed_pages / 1024, 32UL, 128UL);
		else
			wm[i][SMM_WMARK_MIN] = tmp;
		if (!z->managed_pages)
			wm[i][SMM_WMARK_MIN] = 0;
		tmp = max_t(u64, tmp >> 2, mult_frac(z->managed_pages, factor, 10000));
		wm[i][SMM_WMARK_LOW] = wm[i][SMM_WMARK_MIN] + tmp;
		wm[i][SMM_WMARK_HIGH] = wm[i][SMM_WMARK_LOW] + tmp;
	}
}

/*
 * The marks must leave every zone with memory to allocate, and reclaim a
 * level it can reach: a zone's high watermark stays below its managed
 * pages.  The kernel checks nothing here (a huge min_free_kbytes makes
 * every allocation reclaim and fail); we refuse instead.
 */
static int wmarks_fit(const struct smm_buddy *b, unsigned long wm[SMM_NR_ZONES][SMM_NR_WMARK],
		      const char *field, unsigned long val)
{
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &b->zones[i];

		if (z->managed_pages && wm[i][SMM_WMARK_HIGH] >= z->managed_pages) {
			smm_bad_input(field,
				      "%lu puts zone %s's high watermark at %lu pages, not below its %lu managed pages",
				      val, z->name, wm[i][SMM_WMARK_HIGH], z->managed_pages);
			return -ERANGE;
		}
	}
	return 0;
}

/*
 * zone_set_pageset_high_and_batch(), as 6.7 and later tune it: the batch
 * from the zone's size, the bounds of high from the new low watermark and
 * from an eighth of the zone.  At bring-up (@boot) high starts at its
 * lower bound; later it is clamped into the new bounds at once, where the
 * kernel's pageset_update() leaves that to the next nr_pcp_high().
 */
static void pcp_update(struct smm_zone *z, bool boot)
{
	int batch = zone_batchsize(z);
	int high_min = zone_highsize(z, batch, 0);
	int high_max = zone_highsize(z, batch, SMM_PCP_HIGH_FRACTION);
	int cpu;

	for_each_possible_cpu(cpu) {
		struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);

		spin_lock(&pcp->lock);
		pcp->batch = batch;
		pcp->high_min = high_min;
		pcp->high_max = high_max;
		pcp->high = boot ? high_min : clamp(pcp->high, high_min, high_max);
		pcp->flags |= SMM_PCPF_FREE_HIGH_BATCH;
		spin_unlock(&pcp->lock);
	}
}

/*
 * setup_per_zone_wmarks(): write the marks computed from the tunables,
 * each zone's under its lock, then the per-CPU lists that depend on them.
 */
static void __setup_per_zone_wmarks(struct smm_buddy *b,
				    unsigned long wm[SMM_NR_ZONES][SMM_NR_WMARK], bool boot)
{
	int i, w;

	lockdep_assert_held(&b->wmark_lock);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		spin_lock(&z->lock);
		for (w = 0; w < SMM_NR_WMARK; w++)
			WRITE_ONCE(z->wmark[w], wm[i][w]);
		spin_unlock(&z->lock);
	}
	for (i = 0; i < SMM_NR_ZONES; i++)
		pcp_update(&b->zones[i], boot);
}

/**
 * smm_buddy_setup_watermarks() - compute watermarks and per-CPU list sizes
 * @b: the allocator, after the handoff
 *
 * init_per_zone_wmark_min(): min_free_kbytes from the low zones' managed
 * pages (calculate_min_free_kbytes()), then the watermarks from it and
 * watermark_scale_factor, then the per-CPU lists.  See the DOC section
 * above for the formulas.
 * Context: process context; sleeps (takes &smm_buddy.wmark_lock).
 */
void smm_buddy_setup_watermarks(struct smm_buddy *b)
{
	unsigned long wm[SMM_NR_ZONES][SMM_NR_WMARK];
	unsigned long lowmem = 0;
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++)
		if (!wmark_high_zone(i))
			lowmem += b->zones[i].managed_pages;
	mutex_lock(&b->wmark_lock);
	b->lowmem_pages = lowmem;
	/* calculate_min_free_kbytes(): sqrt(lowmem_kbytes * 16) */
	WRITE_ONCE(b->min_free_kbytes,
		   clamp(int_sqrt((lowmem << (PAGE_SHIFT - 10)) * 16),
			 (unsigned long)SMM_MIN_FREE_KBYTES_MIN,
			 (unsigned long)SMM_MIN_FREE_KBYTES_MAX));
	compute_wmarks(b, b->min_free_kbytes, b->watermark_scale_factor, wm);
	__setup_per_zone_wmarks(b, wm, true);
	mutex_unlock(&b->wmark_lock);
}

/**
 * smm_buddy_tune_watermarks() - the watermark sysctls' write handlers
 * @b: the allocator, after smm_buddy_setup_watermarks()
 * @min_free_kbytes: the new vm.min_free_kbytes, or NULL to keep it
 * @watermark_scale_factor: the new vm.watermark_scale_factor, or NULL to
 *	keep it
 *
 * min_free_kbytes_sysctl_handler() and
 * watermark_scale_factor_sysctl_handler(): store the values, recompute
 * every zone's watermarks as __setup_per_zone_wmarks() does, and then the
 * per-CPU lists' batch and high bounds (zone_pcp_update()).  Both values
 * are checked before anything is written, so a refused call changes
 * nothing, and two writers are serialised by &smm_buddy.wmark_lock, so
 * the marks always come from one pair of values.
 *
 * Return: 0; -ERANGE with a rate-limited message naming the field for
 * @min_free_kbytes above %SMM_MIN_FREE_KBYTES_MAX, for
 * @watermark_scale_factor outside [1, %SMM_WATERMARK_SCALE_FACTOR_MAX],
 * or for values that would put a zone's high watermark at or above its
 * managed pages.
 * Context: process context; sleeps.
 */
int smm_buddy_tune_watermarks(struct smm_buddy *b, const unsigned long *min_free_kbytes,
			      const unsigned int *watermark_scale_factor)
{
	unsigned long wm[SMM_NR_ZONES][SMM_NR_WMARK];
	unsigned long kbytes;
	unsigned int factor;
	int ret;

	if (min_free_kbytes && *min_free_kbytes > SMM_MIN_FREE_KBYTES_MAX) {
		smm_bad_input("min_free_kbytes", "%lu is outside [0, %d]", *min_free_kbytes,
			      SMM_MIN_FREE_KBYTES_MAX);
		return -ERANGE;
	}
	if (watermark_scale_factor && (!*watermark_scale_factor ||
				       *watermark_scale_factor > SMM_WATERMARK_SCALE_FACTOR_MAX)) {
		smm_bad_input("watermark_scale_factor", "%u is outside [1, %d]",
			      *watermark_scale_factor, SMM_WATERMARK_SCALE_FACTOR_MAX);
		return -ERANGE;
	}

	mutex_lock(&b->wmark_lock);
	kbytes = min_free_kbytes ? *min_free_kbytes : b->min_free_kbytes;
	factor = watermark_scale_factor ? *watermark_scale_factor : b->watermark_scale_factor;
	compute_wmarks(b, kbytes, factor, wm);
	/* Name the field that was written; min_free_kbytes if both were. */
	ret = min_free_kbytes ? wmarks_fit(b, wm, "min_free_kbytes", kbytes) :
		wmarks_fit(b, wm, "watermark_scale_factor", factor);
	if (!ret) {
		WRITE_ONCE(b->min_free_kbytes, kbytes);
		WRITE_ONCE(b->watermark_scale_factor, factor);
		__setup_per_zone_wmarks(b, wm, false);
	}
	mutex_unlock(&b->wmark_lock);
	return ret;
}

/**
 * smm_zone_watermark_ok() - may a zone serve a request? (__zone_watermark_ok)
 * @z: the zone
 * @order: the request's order
 * @mark: the watermark to respect, in pages
 * @gfp: the request's flags; __SMM_GFP_HIGH halves @mark
 *
 * The zone must keep more than @mark free pages after the allocation, and
 * for order > 0 it must have a free block large enough on the lists of a
 * type an allocation may use: UNMOVABLE, MOVABLE or RECLAIMABLE, and
 * HIGHATOMIC for __SMM_GFP_HIGH (ISOLATE never).
 *
 * Return: true if it may.
 * Context: any; reads the counters without the lock.
 */
bool smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order,
			   unsigned long mark, unsigned int gfp)
{
	long free = (long)READ_ONCE(z->free_pages) - ((1L << order) - 1);
	long min = mark;
	unsigned int o;

	if (gfp & __SMM_GFP_HIGH)
		min -= min / 2;
	if (free <= min)
		return false;
	if (!order)
		return true;
	for (o = order; o < SMM_MAX_ORDER_LIMIT; o++) {
		const struct smm_free_area *area = &z->free_area[o];
		unsigned int mt;

		/* Racy, as in the kernel: rmqueue() looks again under the lock. */
		if (!data_race(area->nr_free))
			continue;
		for (mt = 0; mt < SMM_MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if ((gfp & __SMM_GFP_HIGH) && !list_empty(&area->free_list[SMM_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

/* Zones worth printing: those with memory, as populated_zone() decides. */
static bool zone_shown(const struct smm_zone *z)
{
	return z->present_pages;
}

/**
 * smm_buddyinfo_show() - /proc/buddyinfo for the shadow zones
 * @m: the seq_file
 * @b: the allocator
 *
 * Context: process context; takes each zone's lock in turn.
 */
void smm_buddyinfo_show(struct seq_file *m, struct smm_buddy *b)
{
	unsigned long nr[SMM_MAX_ORDER_LIMIT];
	unsigned int i, o;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		if (!zone_shown(z))
			continue;
		spin_lock(&z->lock);
		for (o = 0; o < b->max_order; o++)
			nr[o] = z->free_area[o].nr_free;
		spin_unlock(&z->lock);
		seq_printf(m, "Node 0, zone %8s ", z->name);
		for (o = 0; o < b->max_order; o++)
			seq_printf(m, "%6lu ", nr[o]);
		seq_putc(m, '\n');
	}
}

/**
 * smm_zoneinfo_show() - the /proc/zoneinfo fields that apply, in its layout
 * @m: the seq_file
 * @b: the allocator
 *
 * Context: process context.
 */
void smm_zoneinfo_show(struct seq_file *m, struct smm_buddy *b)
{
	int i, cpu;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		/* Every zone of the era's MAX_NR_ZONES, populated or not. */
		if (!(b->zone_mask & BIT(i)))
			continue;
		seq_printf(m, "Node 0, zone %8s", z->name);
		seq_printf(m, "\n  pages free     %lu", smm_zone_free_pages(z));
		seq_printf(m, "\n        min      %lu", READ_ONCE(z->wmark[SMM_WMARK_MIN]));
		seq_printf(m, "\n        low      %lu", READ_ONCE(z->wmark[SMM_WMARK_LOW]));
		seq_printf(m, "\n        high     %lu", READ_ONCE(z->wmark[SMM_WMARK_HIGH]));
		seq_printf(m, "\n        spanned  %lu", z->spanned_pages);
		seq_printf(m, "\n        present  %lu", z->present_pages);
		seq_printf(m, "\n        managed  %lu", z->managed_pages);
		if (!zone_shown(z)) {
			seq_putc(m, '\n');
			continue;
		}
		seq_printf(m, "\n      %-12s %lu", "nr_free_pages", smm_zone_free_pages(z));
		seq_puts(m, "\n  pagesets");
		for_each_online_cpu(cpu) {
			struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);

			seq_printf(m, "\n    cpu: %i", cpu);
			seq_printf(m, "\n              count: %i", READ_ONCE(pcp->count));
			seq_printf(m, "\n              high:  %i", READ_ONCE(pcp->high));
			seq_printf(m, "\n              batch: %i", READ_ONCE(pcp->batch));
		}
		seq_printf(m, "\n  start_pfn:           %lu", z->zone_start_pfn);
		seq_putc(m, '\n');
	}
}

/**
 * smm_pcplists_show() - the per-CPU lists in detail, per order
 * @m: the seq_file
 * @b: the allocator
 *
 * Not a /proc format (zoneinfo keeps that): one line per populated zone
 * and online CPU with count, high, its bounds, batch, the two scaling
 * factors, and the number of blocks on each list, headed by its order and
 * migratetype (U, M, R; the pageblock order's lists are UR and M).
 *
 * Context: process context; takes each list's lock in turn.
 */
void smm_pcplists_show(struct seq_file *m, struct smm_buddy *b)
{
	unsigned long nr[SMM_NR_PCP_LISTS];
	unsigned int i, p;
	int cpu;

	seq_printf(m, "%-8s %4s %6s %6s %8s %8s %5s %10s %12s", "zone", "cpu", "count",
		   "high", "high_min", "high_max", "batch", "free_count", "alloc_factor");
	/* Each list by order and migratetype: o0U o0M o0R ... o9UR o9M. */
	for (p = 0; p < SMM_NR_PCP_LISTS; p++) {
		char label[12];

		if (p < SMM_NR_LOWORDER_PCP_LISTS)
			snprintf(label, sizeof(label), "o%u%c", smm_pcp_pindex_to_order(b, p),
				 "UMR"[p % SMM_MIGRATE_PCPTYPES]);
		else
			snprintf(label, sizeof(label), "o%u%s", smm_pcp_pindex_to_order(b, p),
				 p == SMM_NR_LOWORDER_PCP_LISTS ? "UR" : "M");
		seq_printf(m, " %8s", label);
	}
	seq_putc(m, '\n');
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		if (!zone_shown(z))
			continue;
		for_each_online_cpu(cpu) {
			struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);
			int v[7];

			spin_lock(&pcp->lock);
			v[0] = pcp->count;
			v[1] = pcp->high;
			v[2] = pcp->high_min;
			v[3] = pcp->high_max;
			v[4] = pcp->batch;
			v[5] = pcp->free_count;
			v[6] = pcp->alloc_factor;
			for (p = 0; p < SMM_NR_PCP_LISTS; p++)
				nr[p] = list_count_nodes(&pcp->lists[p]);
			spin_unlock(&pcp->lock);
			seq_printf(m, "%-8s %4d %6d %6d %8d %8d %5d %10d %12d", z->name, cpu,
				   v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
			for (p = 0; p < SMM_NR_PCP_LISTS; p++)
				seq_printf(m, " %8lu", nr[p]);
			seq_putc(m, '\n');
		}
	}
}

/**
 * struct contig_info - free block counts for one requested order
 * @free_pages: free pages in the zone
 * @free_blocks_total: free blocks of any order
 * @free_blocks_suitable: free blocks big enough, in units of the order
 */
struct contig_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* fill_contig_page_info(), from a snapshot of nr_free per order */
static void fill_contig(const unsigned long *nr, unsigned int max_order,
			unsigned int order, struct contig_info *info)
{
	unsigned int o;

	memset(info, 0, sizeof(*info));
	for (o = 0; o < max_order; o++) {
		info->free_blocks_total += nr[o];
		info->free_pages += nr[o] << o;
		if (o >= order)
			info->free_blocks_suitable += nr[o] << (o - order);
	}
}

/* unusable_free_index(): the share of free memory too fragmented for order */
static int unusable_index(unsigned int order, const struct contig_info *info)
{
	if (!info->free_pages)
		return 1000;
	return div_u64((info->free_pages - (info->free_blocks_suitable << order)) * 1000ULL,
		       info->free_pages);
}

/* __fragmentation_index(): -1000 if the order can be served, else 0..1000 */
static int fragmentation_index(unsigned int order, const struct contig_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div_u64(1000 + div_u64(info->free_pages * 1000ULL, requested),
			      info->free_blocks_total);
}

/**
 * smm_frag_indices() - the unusable free space and fragmentation indices
 * @nr: free blocks per order of one zone, a snapshot of nr_free
 * @max_order: number of orders in @nr
 * @order: the order asked about
 * @unusable: unusable_free_index() for @order, in thousandths
 * @extfrag: __fragmentation_index() for @order, in thousandths (-1000: a
 *	block of @order is free)
 *
 * The formulas of mm/vmstat.c, for callers that sample them over time
 * (the trace replay) rather than print the extfrag tables.
 */
void smm_frag_indices(const unsigned long *nr, unsigned int max_order, unsigned int order,
		      int *unusable, int *extfrag)
{
	struct contig_info info;

	fill_contig(nr, max_order, order, &info);
	*unusable = unusable_index(order, &info);
	*extfrag = fragmentation_index(order, &info);
}

/*
 * One table: a line per populated zone, @index for every order, printed
 * with @wide as mm/vmstat.c prints it (extfrag_index uses "%2d.%03d").
 */
static void extfrag_table(struct seq_file *m, struct smm_buddy *b,
			  unsigned long nr[][SMM_MAX_ORDER_LIMIT], const char *title,
			  int (*index)(unsigned int order, const struct contig_info *info),
			  bool wide)
{
	struct contig_info info;
	unsigned int i, o;
	int idx;

	seq_printf(m, "# %s\n", title);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		if (!zone_shown(&b->zones[i]))
			continue;
		seq_printf(m, "Node 0, zone %8s ", b->zones[i].name);
		for (o = 0; o < b->max_order; o++) {
			fill_contig(nr[i], b->max_order, o, &info);
			idx = index(o, &info);
			seq_printf(m, wide ? "%2d.%03d " : "%d.%03d ", idx / 1000,
				   abs(idx % 1000));
		}
		seq_putc(m, '\n');
	}
}

/**
 * smm_extfrag_show() - the unusable free space and fragmentation indices
 * @m: the seq_file
 * @b: the allocator
 *
 * Two tables, in the formats of /sys/kernel/debug/extfrag/unusable_index
 * and extfrag_index, computed with the formulas of mm/vmstat.c.
 *
 * Context: process context.
 */
void smm_extfrag_show(struct seq_file *m, struct smm_buddy *b)
{
	unsigned long nr[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT];
	unsigned int i, o;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		spin_lock(&b->zones[i].lock);
		for (o = 0; o < b->max_order; o++)
			nr[i][o] = b->zones[i].free_area[o].nr_free;
		spin_unlock(&b->zones[i].lock);
	}
	extfrag_table(m, b, nr, "unusable_index", unusable_index, false);
	extfrag_table(m, b, nr, "extfrag_index", fragmentation_index, true);
}

/* Free blocks per order on one list are counted up to this, as in mm/vmstat.c. */
#define PAGETYPEINFO_CAP	100000

/**
 * smm_pagetypeinfo_show() - /proc/pagetypeinfo for the shadow zones
 * @m: the seq_file
 * @b: the allocator
 *
 * pagetypeinfo_show() of 6.12's mm/vmstat.c, in its format: the pageblock
 * order and size, the free blocks per migratetype and order in each
 * populated zone (each list counted under the zone's lock, up to 100000,
 * printed as ">100000" beyond), and the number of pageblocks of each
 * type.  The table of mixed pageblocks needs PAGE_OWNER and is left out,
 * as without it.  In the 2.6.29 era every block and pageblock is
 * Unmovable.
 *
 * Context: process context; takes each zone's lock in turn.
 */
void smm_pagetypeinfo_show(struct seq_file *m, struct smm_buddy *b)
{
	unsigned int i, o, mt;

	seq_printf(m, "Page block order: %u\n", b->thp_order);
	seq_printf(m, "Pages per block:  %lu\n", smm_pageblock_nr_pages(b));
	seq_putc(m, '\n');
	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (o = 0; o < b->max_order; o++)
		seq_printf(m, "%6u ", o);
	seq_putc(m, '\n');
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		if (!zone_shown(z))
			continue;
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			seq_printf(m, "Node %4d, zone %8s, type %12s ", 0, z->name,
				   smm_migratetype_names[mt]);
			for (o = 0; o < b->max_order; o++) {
				unsigned long freecount = 0;
				struct list_head *curr;
				bool overflow = false;

				spin_lock(&z->lock);
				list_for_each(curr, &z->free_area[o].free_list[mt]) {
					if (++freecount >= PAGETYPEINFO_CAP) {
						overflow = true;
						break;
					}
				}
				spin_unlock(&z->lock);
				seq_printf(m, "%s%6lu ", overflow ? ">" : "", freecount);
			}
			seq_putc(m, '\n');
		}
	}

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", smm_migratetype_names[mt]);
	seq_putc(m, '\n');
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &b->zones[i];

		if (!zone_shown(z))
			continue;
		seq_printf(m, "Node %d, zone %8s ", 0, z->name);
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
			seq_printf(m, "%12lu ", smm_zone_pageblocks_of(b, z, mt));
		seq_putc(m, '\n');
	}
}
