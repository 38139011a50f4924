// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_buddy": the zoned buddy allocator.
 *
 * Each case brings up a small instance of its own with
 * smm_instance_create(), so the zones start exactly as free_all_bootmem()
 * left them, and destroys it at the end.  The cases check the buddy
 * arithmetic block by block (split, merge, and the neighbours that are not
 * buddies), the zonelists and their watermarks, the per-CPU lists, the
 * refusal of every kind of bad free, and the invariants under a long
 * random workload, also on every CPU at once.  Randomized cases print
 * their seed; the same seed replays the same run.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/memmap.h"

/* A block the test holds. */
struct held {
	struct smm_page *page;
	unsigned int order;
};

/* nr_free of every zone and order, and the zones' free_pages. */
struct nr_snap {
	unsigned long nr[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT];
	unsigned long free[SMM_NR_ZONES];
};

/* Every request kind the random cases pick from. */
static const unsigned int rand_gfps[] = {
	SMM_GFP_KERNEL, SMM_GFP_DMA, SMM_GFP_HIGHUSER, SMM_GFP_ATOMIC,
	SMM_GFP_DMA | __SMM_GFP_HIGH, SMM_GFP_HIGHUSER | __SMM_GFP_HIGH,
	SMM_GFP_KERNEL | __SMM_GFP_ZERO,
};

/* An instance of @mb MiB; HighMem above @normal_mb, or the default top 1/8 for 0. */
static struct smm_instance *new_instance_zones(struct kunit *test, unsigned int mb,
					       unsigned int normal_mb)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = normal_mb,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	/* Whatever the later bring-up stages freed, start with empty per-CPU lists. */
	smm_drain_pages(&inst->buddy);
	return inst;
}

static struct smm_instance *new_instance(struct kunit *test, unsigned int mb)
{
	return new_instance_zones(test, mb, 0);
}

static unsigned long pfn_of(struct smm_buddy *b, const struct smm_page *page)
{
	return smm_page_to_pfn(b->arena, page);
}

static struct smm_page *page_of(struct kunit *test, struct smm_buddy *b, unsigned long pfn)
{
	struct smm_page *page = smm_pfn_to_page(b->arena, pfn);

	KUNIT_ASSERT_NOT_NULL_MSG(test, page, "pfn %#lx", pfn);
	return page;
}

static unsigned long managed_total(const struct smm_buddy *b)
{
	unsigned long sum = 0;
	int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		sum += b->zones[z].managed_pages;
	return sum;
}

/*
 * Managed pages that are not free: handed out by the buddy allocator to
 * the test or to a later bring-up stage (the slab allocator, say), counted
 * from the descriptors.
 */
static unsigned long in_use_pages(const struct smm_buddy *b)
{
	unsigned long pfn, n = 0;

	for (pfn = 0; pfn < b->arena->end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(b->arena, pfn);

		/* Boot page tables are PG_reserved: never the buddy's. */
		n += pg && pg->owner >= SMM_OWNER_ALLOC && !smm_page_test(pg, SMM_PG_RESERVED);
	}
	return n;
}

/*
 * The free pages at the start of a case: every managed page is either
 * free or in use by someone.
 */
static unsigned long free_at_start(struct kunit *test, struct smm_buddy *b)
{
	unsigned long free = smm_buddy_free_pages(b);

	KUNIT_EXPECT_EQ(test, free + in_use_pages(b), managed_total(b));
	return free;
}

/* The highest zone a request may be served from. */
static unsigned int top_zone(unsigned int gfp)
{
	if (gfp & __SMM_GFP_DMA)
		return SMM_ZONE_DMA;
	return gfp & __SMM_GFP_HIGHMEM ? SMM_ZONE_HIGHMEM : SMM_ZONE_NORMAL;
}

static struct nr_snap *new_snap(struct kunit *test)
{
	struct nr_snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static void take_snap(struct smm_buddy *b, struct nr_snap *s)
{
	unsigned int z, o;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		struct smm_zone *zone = &b->zones[z];

		spin_lock(&zone->lock);
		for (o = 0; o < SMM_MAX_ORDER_LIMIT; o++)
			s->nr[z][o] = zone->free_area[o].nr_free;
		s->free[z] = zone->free_pages;
		spin_unlock(&zone->lock);
	}
}

static struct nr_snap *snap(struct kunit *test, struct smm_buddy *b)
{
	struct nr_snap *s = new_snap(test);

	take_snap(b, s);
	return s;
}

static void expect_snap_eq(struct kunit *test, const struct nr_snap *got,
			   const struct nr_snap *want)
{
	unsigned int z, o, bad = 0;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		for (o = 0; o < SMM_MAX_ORDER_LIMIT; o++) {
			if (got->nr[z][o] == want->nr[z][o])
				continue;
			if (!bad++)
				kunit_err(test, "zone %u order %u: nr_free %lu, want %lu\n", z, o,
					  got->nr[z][o], want->nr[z][o]);
		}
		if (got->free[z] != want->free[z] && !bad++)
			kunit_err(test, "zone %u: free_pages %lu, want %lu\n", z, got->free[z],
				  want->free[z]);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "the free lists differ");
}

/*
 * A block just allocated: a naturally aligned head with its order, every
 * page allocated, none marked free, all in one zone the request may use.
 */
static bool block_ok(struct smm_buddy *b, const struct smm_page *page, unsigned int order,
		     unsigned int gfp)
{
	unsigned long pfn = pfn_of(b, page), i;

	if (pfn & ((1UL << order) - 1) || !smm_page_test(page, SMM_PG_HEAD) ||
	    page->order != order || smm_page_zonenum(page) > top_zone(gfp))
		return false;
	for (i = 0; i < (1UL << order); i++) {
		const struct smm_page *pg = smm_pfn_to_page(b->arena, pfn + i);

		if (!pg || pg->owner != SMM_OWNER_ALLOC || smm_page_test(pg, SMM_PG_BUDDY) ||
		    smm_page_zonenum(pg) != smm_page_zonenum(page))
			return false;
	}
	return true;
}

/* @pfn heads a free block of @order, or (@order < 0) heads none. */
static void expect_free_head(struct kunit *test, struct smm_buddy *b, unsigned long pfn,
			     int order)
{
	const struct smm_page *pg = page_of(test, b, pfn);

	if (order < 0) {
		KUNIT_EXPECT_FALSE_MSG(test, smm_page_test(pg, SMM_PG_BUDDY),
				       "pfn %#lx heads a free block of order %u", pfn, pg->order);
		return;
	}
	KUNIT_EXPECT_TRUE_MSG(test, smm_page_test(pg, SMM_PG_BUDDY),
			      "pfn %#lx heads no free block", pfn);
	KUNIT_EXPECT_EQ_MSG(test, pg->order, order, "order of the block at pfn %#lx", pfn);
	KUNIT_EXPECT_EQ_MSG(test, pg->owner, SMM_OWNER_BUDDY, "owner of pfn %#lx", pfn);
}

static void free_held(struct kunit *test, struct smm_buddy *b, struct held *h,
		      unsigned long n)
{
	unsigned long i, bad = 0;

	for (i = 0; i < n; i++)
		bad += smm_free_pages(b, h[i].page, h[i].order) != 0;
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "frees of held blocks refused");
}

/* ---- split and merge ---------------------------------------------------- */

static const unsigned int all_orders[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void order_desc(const unsigned int *order, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "order %u", *order);
}

KUNIT_ARRAY_PARAM(order, all_orders, order_desc);

/*
 * __rmqueue_smallest() and expand(): an order-k request takes the first
 * block of the smallest order o >= k and leaves one block of each order
 * k..o-1 behind (net of what a per-CPU refill takes and the drain gives
 * back).  Freeing it merges exactly o - k times, back to the lists it
 * started from.
 */
static void buddy_test_split_merge(struct kunit *test)
{
	const unsigned int k = *(const unsigned int *)test->param_value;
	struct smm_instance *inst = new_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct nr_snap *before, *want, *after = new_snap(test);
	unsigned long splits, merges;
	struct smm_page *page;
	unsigned int o, src;

	KUNIT_ASSERT_LT(test, k, b->max_order);
	before = snap(test, b);
	for (src = k; src < b->max_order && !before->nr[SMM_ZONE_NORMAL][src]; src++)
		;
	KUNIT_ASSERT_LT_MSG(test, src, b->max_order, "Normal has no block of order >= %u", k);
	KUNIT_ASSERT_TRUE(test, smm_zone_watermark_ok(z, k, z->wmark[SMM_WMARK_LOW], 0));
	want = new_snap(test);
	*want = *before;
	want->nr[SMM_ZONE_NORMAL][src]--;
	for (o = k; o < src; o++)
		want->nr[SMM_ZONE_NORMAL][o]++;
	want->free[SMM_ZONE_NORMAL] -= 1UL << k;
	splits = smm_buddy_stat(b, SMM_BUDDY_SPLIT);
	merges = smm_buddy_stat(b, SMM_BUDDY_MERGE);

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, k);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	/* Order 0 comes through a per-CPU list; put any batch surplus back. */
	smm_drain_pages(b);
	take_snap(b, after);
	expect_snap_eq(test, after, want);
	KUNIT_EXPECT_TRUE(test, block_ok(b, page, k, SMM_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), SMM_ZONE_NORMAL);
	/*
	 * A refill may take more blocks than the one kept and the drain merges
	 * the surplus back: net of those merges, src - k splits.
	 */
	splits = smm_buddy_stat(b, SMM_BUDDY_SPLIT) - splits;
	merges = smm_buddy_stat(b, SMM_BUDDY_MERGE) - merges;
	KUNIT_EXPECT_EQ(test, splits - merges, (unsigned long)(src - k));

	splits = smm_buddy_stat(b, SMM_BUDDY_SPLIT);
	merges = smm_buddy_stat(b, SMM_BUDDY_MERGE);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, k), 0);
	smm_drain_pages(b);
	take_snap(b, after);
	expect_snap_eq(test, after, before);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_MERGE) - merges,
			(unsigned long)(src - k));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_SPLIT), splits);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* Free one held page and push it from the per-CPU lists to the free area. */
static void give_back(struct kunit *test, struct smm_buddy *b, struct smm_page **held,
		      unsigned long pfn)
{
	KUNIT_ASSERT_NOT_NULL(test, held[pfn]);
	KUNIT_ASSERT_EQ(test, smm_free_pages(b, held[pfn], 0), 0);
	held[pfn] = NULL;
	smm_drain_pages(b);
}

/*
 * The seed example: with pages 0 and 4..7 of an aligned group of eight in
 * use, freeing 1 and 2 must not merge them (neighbours, not buddies:
 * 1 ^ 1 = 0 and 2 ^ 2 = 0).  Freeing 3 merges 2 and 3; freeing 0 merges 0
 * and 1 and then 0-1 with 2-3; freeing 4..7 makes the whole group one block.
 */
static void buddy_test_neighbours_are_not_buddies(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	const struct smm_zone *dz = &b->zones[SMM_ZONE_DMA];
	unsigned long nr = dz->zone_start_pfn + dz->spanned_pages, base, i, n = 0;
	const unsigned int D = SMM_ZONE_DMA;
	const unsigned long free0 = free_at_start(test, b);
	struct nr_snap *s0, *s = new_snap(test);
	struct smm_page **held, *page;

	held = kunit_kcalloc(test, nr, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	/* Hold every page ZONE_DMA gives out, down to the atomic reserve. */
	while (!IS_ERR(page = smm_alloc_pages(b, SMM_GFP_DMA | __SMM_GFP_HIGH, 0))) {
		unsigned long pfn = pfn_of(b, page);

		KUNIT_ASSERT_LT(test, pfn, nr);
		KUNIT_ASSERT_NULL(test, held[pfn]);
		held[pfn] = page;
		n++;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	smm_drain_pages(b);

	/* An aligned group of 16 held entirely, so no buddy above it is free. */
	for (base = 0; base + 16 <= nr; base += 16) {
		for (i = 0; i < 16 && held[base + i]; i++)
			;
		if (i == 16)
			break;
	}
	KUNIT_ASSERT_LE_MSG(test, base + 16, nr, "no whole group among %lu pages", n);
	s0 = snap(test, b);

	give_back(test, b, held, base + 1);
	expect_free_head(test, b, base + 1, 0);
	give_back(test, b, held, base + 2);
	expect_free_head(test, b, base + 1, 0);
	expect_free_head(test, b, base + 2, 0);
	take_snap(b, s);
	KUNIT_EXPECT_EQ(test, s->nr[D][0], s0->nr[D][0] + 2);
	KUNIT_EXPECT_EQ(test, s->nr[D][1], s0->nr[D][1]);

	give_back(test, b, held, base + 3);
	expect_free_head(test, b, base + 1, 0);
	expect_free_head(test, b, base + 2, 1);
	expect_free_head(test, b, base + 3, -1);
	take_snap(b, s);
	KUNIT_EXPECT_EQ(test, s->nr[D][0], s0->nr[D][0] + 1);
	KUNIT_EXPECT_EQ(test, s->nr[D][1], s0->nr[D][1] + 1);

	give_back(test, b, held, base);
	expect_free_head(test, b, base, 2);
	expect_free_head(test, b, base + 1, -1);
	expect_free_head(test, b, base + 2, -1);
	take_snap(b, s);
	KUNIT_EXPECT_EQ(test, s->nr[D][0], s0->nr[D][0]);
	KUNIT_EXPECT_EQ(test, s->nr[D][1], s0->nr[D][1]);
	KUNIT_EXPECT_EQ(test, s->nr[D][2], s0->nr[D][2] + 1);

	for (i = 4; i < 8; i++)
		give_back(test, b, held, base + i);
	expect_free_head(test, b, base, 3);
	expect_free_head(test, b, base + 4, -1);
	take_snap(b, s);
	KUNIT_EXPECT_EQ(test, s->nr[D][2], s0->nr[D][2]);
	KUNIT_EXPECT_EQ(test, s->nr[D][3], s0->nr[D][3] + 1);
	KUNIT_EXPECT_EQ(test, s->free[D], s0->free[D] + 8);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);

	for (i = 0; i < nr; i++)
		if (held[i])
			KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[i], 0), 0);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

#define COALESCE_SEED	0x5eed0001U
#define COALESCE_OPS	4000
#define COALESCE_HELD	256

/*
 * Whatever happened in between, once every block is back and the per-CPU
 * lists are drained the free lists are exactly those of the start: a free
 * set has one fully merged form.
 */
static void buddy_test_coalesce_after_random(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long nheld = 0, allocs = 0, enomem = 0, bad_err = 0, bad_block = 0, i;
	struct nr_snap *before, *after = new_snap(test);
	struct rnd_state rnd;
	struct held *held;

	held = kunit_kcalloc(test, COALESCE_HELD, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	prandom_seed_state(&rnd, COALESCE_SEED);
	kunit_info(test, "seed %#x\n", COALESCE_SEED);
	smm_drain_pages(b);
	before = snap(test, b);

	for (i = 0; i < COALESCE_OPS; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (nheld < COALESCE_HELD && (!nheld || r % 3)) {
			unsigned int order = prandom_u32_state(&rnd) % 7;
			u32 g = prandom_u32_state(&rnd) % ARRAY_SIZE(rand_gfps);
			struct smm_page *page = smm_alloc_pages(b, rand_gfps[g], order);

			if (IS_ERR(page)) {
				enomem += PTR_ERR(page) == -ENOMEM;
				bad_err += PTR_ERR(page) != -ENOMEM;
				continue;
			}
			bad_block += !block_ok(b, page, order, rand_gfps[g]);
			held[nheld++] = (struct held){ page, order };
			allocs++;
		} else {
			unsigned long j = prandom_u32_state(&rnd) % nheld;

			bad_err += smm_free_pages(b, held[j].page, held[j].order) != 0;
			held[j] = held[--nheld];
		}
	}
	KUNIT_EXPECT_EQ(test, bad_err, 0UL);
	KUNIT_EXPECT_EQ(test, bad_block, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	free_held(test, b, held, nheld);
	smm_drain_pages(b);
	take_snap(b, after);
	expect_snap_eq(test, after, before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	kunit_info(test, "%lu allocations, %lu refused for lack of memory\n", allocs, enomem);
}

/* ---- zonelists and fallback --------------------------------------------- */

struct zonelist_case {
	const char *desc;
	unsigned int gfp;
	int n;
	enum smm_zone_type zones[SMM_NR_ZONES];
	unsigned int zone_mask;
};

static const struct zonelist_case zonelist_cases[] = {
	{ "kernel", SMM_GFP_KERNEL, 2, { SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	{ "atomic", SMM_GFP_ATOMIC, 2, { SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	{ "kernel_zero", __SMM_GFP_ZERO, 2, { SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	{ "dma", SMM_GFP_DMA, 1, { SMM_ZONE_DMA } },
	{ "dma_atomic", SMM_GFP_DMA | __SMM_GFP_HIGH, 1, { SMM_ZONE_DMA } },
	{ "highuser", SMM_GFP_HIGHUSER, 3,
	  { SMM_ZONE_HIGHMEM, SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	{ "highuser_zero", SMM_GFP_HIGHUSER | __SMM_GFP_ZERO, 3,
	  { SMM_ZONE_HIGHMEM, SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	/* Both zone modifiers: the stricter one, DMA, wins. */
	{ "dma_and_highmem", __SMM_GFP_DMA | __SMM_GFP_HIGHMEM, 1, { SMM_ZONE_DMA } },
	/* Movable is only for user pages; 2.6.29's i386 zonelist has no such zone. */
	{ "highuser_movable", SMM_GFP_HIGHUSER_MOVABLE, 3,
	  { SMM_ZONE_HIGHMEM, SMM_ZONE_NORMAL, SMM_ZONE_DMA } },
	/* 6.12 on x86-64: DMA32 between, Movable on top, no HighMem. */
	{ "612_kernel", SMM_GFP_KERNEL, 3, { SMM_ZONE_NORMAL, SMM_ZONE_DMA32, SMM_ZONE_DMA },
	  SMM_ZONES_612 },
	{ "612_dma32", __SMM_GFP_DMA32, 2, { SMM_ZONE_DMA32, SMM_ZONE_DMA }, SMM_ZONES_612 },
	{ "612_highuser", SMM_GFP_HIGHUSER, 3, { SMM_ZONE_NORMAL, SMM_ZONE_DMA32, SMM_ZONE_DMA },
	  SMM_ZONES_612 },
	{ "612_highuser_movable", SMM_GFP_HIGHUSER_MOVABLE, 4,
	  { SMM_ZONE_MOVABLE, SMM_ZONE_NORMAL, SMM_ZONE_DMA32, SMM_ZONE_DMA }, SMM_ZONES_612 },
};

KUNIT_ARRAY_PARAM_DESC(zonelist, zonelist_cases, desc);

/* build_zonelists(): the highest allowed zone first, then every lower one. */
static void buddy_test_zonelist(struct kunit *test)
{
	const struct zonelist_case *c = test->param_value;
	enum smm_zone_type list[SMM_NR_ZONES];
	int i, n;

	memset(list, 0xff, sizeof(list));
	n = smm_gfp_zonelist(c->zone_mask ?: SMM_ZONES_2629, c->gfp, list);
	KUNIT_ASSERT_EQ(test, n, c->n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, list[i], c->zones[i], "entry %d", i);
}

/*
 * GFP_KERNEL takes from Normal down to its low watermark, then falls back
 * to DMA, counting each fallback; then (the slow path) both zones down to
 * their min watermarks, and then it fails.  HighMem is never used, and an
 * atomic request still gets a page.
 */
static void buddy_test_fallback_normal_to_dma(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *nz = &b->zones[SMM_ZONE_NORMAL], *dz = &b->zones[SMM_ZONE_DMA];
	unsigned long n_free0 = smm_zone_free_pages(nz), d_free0 = smm_zone_free_pages(dz);
	unsigned long cap = managed_total(b), n = 0, cnt[SMM_NR_ZONES] = {};
	unsigned long fallback0 = smm_buddy_stat(b, SMM_BUDDY_FALLBACK), n_free_at_switch = 0;
	const unsigned long free0 = free_at_start(test, b);
	struct smm_page **held, *page;

	held = kunit_kcalloc(test, cap, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	/*
	 * A refill takes more than one page (nr_pcp_alloc()); draining the
	 * surplus back after each allocation keeps the counts exact.
	 */
	while (!IS_ERR(page = smm_alloc_pages(b, SMM_GFP_KERNEL, 0))) {
		unsigned int z = smm_page_zonenum(page);

		smm_drain_pages(b);
		if (z == SMM_ZONE_DMA && !cnt[SMM_ZONE_DMA])
			n_free_at_switch = smm_zone_free_pages(nz);
		cnt[z]++;
		KUNIT_ASSERT_LT(test, n, cap);
		held[n++] = page;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(held[0]), SMM_ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, cnt[SMM_ZONE_HIGHMEM], 0UL);
	KUNIT_EXPECT_GT(test, cnt[SMM_ZONE_DMA], 0UL);
	KUNIT_EXPECT_EQ(test, n_free_at_switch, nz->wmark[SMM_WMARK_LOW]);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FALLBACK) - fallback0,
			cnt[SMM_ZONE_DMA]);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(nz), nz->wmark[SMM_WMARK_MIN]);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(dz), dz->wmark[SMM_WMARK_MIN]);
	KUNIT_EXPECT_EQ(test, cnt[SMM_ZONE_NORMAL], n_free0 - nz->wmark[SMM_WMARK_MIN]);
	KUNIT_EXPECT_EQ(test, cnt[SMM_ZONE_DMA], d_free0 - dz->wmark[SMM_WMARK_MIN]);

	/* Below min for GFP_KERNEL, not for GFP_ATOMIC. */
	KUNIT_ASSERT_GE(test, nz->wmark[SMM_WMARK_MIN], 2UL);
	page = smm_alloc_pages(b, SMM_GFP_ATOMIC, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), SMM_ZONE_NORMAL);
	held[n++] = page;

	while (n--)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[n], 0), 0);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * GFP_HIGHUSER takes HighMem first, down to its low watermark, and only
 * then falls back to Normal.  GFP_KERNEL never gets a HighMem page.
 */
static void buddy_test_highuser_prefers_highmem(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *hz = &b->zones[SMM_ZONE_HIGHMEM];
	unsigned long h_free0 = smm_zone_free_pages(hz), n = 0, fallback0;
	struct smm_page **held, *page;

	KUNIT_ASSERT_GT(test, hz->managed_pages, 0UL);
	held = kunit_kcalloc(test, h_free0 + 2, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), SMM_ZONE_NORMAL);
	held[n++] = page;

	fallback0 = smm_buddy_stat(b, SMM_BUDDY_FALLBACK);
	for (;;) {
		/* Each refill's surplus back, so that only what we hold is gone. */
		smm_drain_pages(b);
		page = smm_alloc_pages(b, SMM_GFP_HIGHUSER, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
		KUNIT_ASSERT_LT(test, n, h_free0 + 2);
		held[n++] = page;
		if (smm_page_zonenum(page) != SMM_ZONE_HIGHMEM)
			break;
	}
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), SMM_ZONE_NORMAL);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(hz), hz->wmark[SMM_WMARK_LOW]);
	/* All but the first (GFP_KERNEL) and the last (the fallback) came from HighMem. */
	KUNIT_EXPECT_EQ(test, n - 2, h_free0 - hz->wmark[SMM_WMARK_LOW]);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FALLBACK) - fallback0, 1UL);

	while (n--)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[n], 0), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * GFP_DMA never leaves ZONE_DMA: when that is down to its min watermark
 * the request fails with -ENOMEM, though the other zones are full.
 */
static void buddy_test_dma_only(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *dz = &b->zones[SMM_ZONE_DMA];
	unsigned long n_free0 = smm_zone_free_pages(&b->zones[SMM_ZONE_NORMAL]);
	unsigned long h_free0 = smm_zone_free_pages(&b->zones[SMM_ZONE_HIGHMEM]);
	unsigned long nr = dz->managed_pages + 1, n = 0, not_dma = 0;
	struct smm_page **held, *page;

	held = kunit_kcalloc(test, nr, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	KUNIT_ASSERT_EQ(test, per_cpu_ptr(dz->pcp, raw_smp_processor_id())->batch, 1);
	while (!IS_ERR(page = smm_alloc_pages(b, SMM_GFP_DMA, 0))) {
		not_dma += smm_page_zonenum(page) != SMM_ZONE_DMA;
		KUNIT_ASSERT_LT(test, n, nr);
		held[n++] = page;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, not_dma, 0UL);
	KUNIT_EXPECT_GT(test, n, 0UL);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(dz), dz->wmark[SMM_WMARK_MIN]);
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_DMA, 1), ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(&b->zones[SMM_ZONE_NORMAL]), n_free0);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(&b->zones[SMM_ZONE_HIGHMEM]), h_free0);

	while (n--)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[n], 0), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ---- watermarks --------------------------------------------------------- */

/* 48 and 128 MiB give Normal zones whose batch the 2^n - 1 clamp changes. */
static const unsigned int arena_sizes[] = { 8, 48, 128 };

static void mb_desc(const unsigned int *mb, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u MiB", *mb);
}

KUNIT_ARRAY_PARAM(arena_mb, arena_sizes, mb_desc);

/*
 * init_per_zone_wmark_min() and __setup_per_zone_wmarks():
 * min_free_kbytes = clamp(sqrt(16 * lowmem_kbytes), 128, 262144), shared
 * among the low zones by size; HighMem's min is managed / 1024 clamped to
 * [32, 128]; low and high are min plus one and two times
 * max(share / 4, managed / 1000).
 */
static void buddy_test_watermark_formula(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, *(const unsigned int *)test->param_value);
	struct smm_buddy *b = &inst->buddy;
	const unsigned long kb = PAGE_SIZE / 1024;
	unsigned long lowmem, mfk, pages_min, min_sum = 0;
	unsigned int z;

	lowmem = b->zones[SMM_ZONE_DMA].managed_pages + b->zones[SMM_ZONE_NORMAL].managed_pages;
	KUNIT_ASSERT_GT(test, lowmem, 0UL);
	KUNIT_EXPECT_EQ(test, b->lowmem_pages, lowmem);
	mfk = clamp(int_sqrt(lowmem * kb * 16), 128UL, 262144UL);
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, mfk);
	pages_min = mfk / kb;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zone = &b->zones[z];
		unsigned long managed = zone->managed_pages;
		unsigned long share = pages_min * managed / lowmem, min, gap;

		if (z == SMM_ZONE_HIGHMEM)
			min = managed ? clamp(managed / 1024, 32UL, 128UL) : 0;
		else
			min = share;
		gap = max(share / 4, managed * 10 / 10000);
		KUNIT_EXPECT_EQ_MSG(test, zone->wmark[SMM_WMARK_MIN], min, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, zone->wmark[SMM_WMARK_LOW], min + gap, "%s", zone->name);
		KUNIT_EXPECT_EQ_MSG(test, zone->wmark[SMM_WMARK_HIGH], min + 2 * gap, "%s",
				    zone->name);
		if (z != SMM_ZONE_HIGHMEM)
			min_sum += zone->wmark[SMM_WMARK_MIN];
		kunit_info(test, "%-7s managed %5lu min %4lu low %4lu high %4lu\n", zone->name,
			   managed, zone->wmark[SMM_WMARK_MIN], zone->wmark[SMM_WMARK_LOW],
			   zone->wmark[SMM_WMARK_HIGH]);
	}
	/* The low zones' shares add up to pages_min, give or take the rounding down. */
	KUNIT_EXPECT_LE(test, min_sum, pages_min);
	KUNIT_EXPECT_GE(test, min_sum + 2, pages_min);
}

/*
 * The 6.12 era with a ZONE_MOVABLE (kernelcore=25%): __setup_per_zone_wmarks()
 * leaves Movable out of lowmem_pages, as it does HighMem, and gives it the
 * small fixed min, managed / 1024 clamped to [32, 128]; the low zones share
 * all of min_free_kbytes.
 */
static void buddy_test_watermark_movable(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 32,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
		.era = SMM_ERA_612,
		.kernelcore = { .percent = 25 },
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);
	struct smm_buddy *b = &inst->buddy;
	const struct smm_zone *mz = &b->zones[SMM_ZONE_MOVABLE];
	unsigned long lowmem = 0, pages_min, min_sum = 0, mfk, mmin;
	unsigned int z;

	KUNIT_ASSERT_GT(test, mz->managed_pages, 0UL);
	for (z = 0; z < SMM_NR_ZONES; z++)
		if (z != SMM_ZONE_MOVABLE && z != SMM_ZONE_HIGHMEM)
			lowmem += b->zones[z].managed_pages;
	KUNIT_EXPECT_EQ(test, b->lowmem_pages, lowmem);
	mfk = clamp(int_sqrt(lowmem * (PAGE_SIZE / 1024) * 16), 128UL, 262144UL);
	KUNIT_EXPECT_EQ(test, b->min_free_kbytes, mfk);
	mmin = clamp(mz->managed_pages / 1024, 32UL, 128UL);
	KUNIT_EXPECT_EQ(test, mz->wmark[SMM_WMARK_MIN], mmin);
	pages_min = b->min_free_kbytes / (PAGE_SIZE / 1024);
	for (z = 0; z < SMM_NR_ZONES; z++)
		if (z != SMM_ZONE_MOVABLE && z != SMM_ZONE_HIGHMEM)
			min_sum += b->zones[z].wmark[SMM_WMARK_MIN];
	KUNIT_EXPECT_LE(test, min_sum, pages_min);
	KUNIT_EXPECT_GE(test, min_sum + 3, pages_min);
}

/*
 * kernelcore= past the end of memory keeps everything in the kernel zones
 * (find_zone_movable_pfns_for_nodes(): required_kernelcore >= totalpages),
 * whatever movablecore= asks: the larger of the two wins.  A size near
 * 2^64 bytes must not wrap to 0 pages on its way to a page count.
 */
static void buddy_test_kernelcore_huge(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 32,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
		.era = SMM_ERA_612,
		.kernelcore = { .bytes = U64_MAX },
		.movablecore = { .percent = 50 },
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	KUNIT_EXPECT_EQ(test, inst->buddy.zones[SMM_ZONE_MOVABLE].present_pages, 0UL);
}

/*
 * At its min watermark a zone refuses normal requests and serves atomic
 * ones down to half of it (ALLOC_HIGH), then refuses those too.
 */
static void buddy_test_watermark_min_atomic(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *dz = &b->zones[SMM_ZONE_DMA];
	const unsigned long min = dz->wmark[SMM_WMARK_MIN];
	unsigned long nr = dz->managed_pages + 1, n = 0, atomic = 0, skips;
	struct smm_page **held, *page;

	KUNIT_ASSERT_GE(test, min, 2UL);
	held = kunit_kcalloc(test, nr, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);

	/* Each refill's surplus back (nr_pcp_alloc() takes more than one). */
	while (!IS_ERR(page = smm_alloc_pages(b, SMM_GFP_DMA, 0))) {
		smm_drain_pages(b);
		KUNIT_ASSERT_LT(test, n, nr);
		held[n++] = page;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(dz), min);
	skips = smm_buddy_stat(b, SMM_BUDDY_WMARK_FAIL);
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_DMA, 0), ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_WMARK_FAIL) - skips, 2UL);

	while (!IS_ERR(page = smm_alloc_pages(b, SMM_GFP_DMA | __SMM_GFP_HIGH, 0))) {
		smm_drain_pages(b);
		KUNIT_ASSERT_LT(test, n, nr);
		held[n++] = page;
		atomic++;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic, min / 2);
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(dz), min - min / 2);

	while (n--)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[n], 0), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

struct wmark_case {
	const char *desc;
	unsigned long free;
	unsigned int order;
	unsigned long mark;
	unsigned int gfp;
	int block;		/* order of the one free block, or -1 */
	bool ok;
};

static const struct wmark_case wmark_cases[] = {
	{ "above_mark", 11, 0, 10, 0, -1, true },
	{ "at_mark", 10, 0, 10, 0, -1, false },
	{ "below_mark", 3, 0, 10, 0, -1, false },
	{ "empty_no_mark", 0, 0, 0, 0, -1, false },
	{ "one_no_mark", 1, 0, 0, 0, -1, true },
	{ "atomic_above_half", 6, 0, 10, __SMM_GFP_HIGH, -1, true },
	{ "atomic_at_half", 5, 0, 10, __SMM_GFP_HIGH, -1, false },
	{ "atomic_odd_mark_at", 6, 0, 11, __SMM_GFP_HIGH, -1, false },
	{ "atomic_odd_mark_above", 7, 0, 11, __SMM_GFP_HIGH, -1, true },
	{ "order2_block_pages_count", 13, 2, 10, 0, 2, false },
	{ "order2_ok", 14, 2, 10, 0, 2, true },
	{ "order2_only_small_blocks", 100, 2, 10, 0, 1, false },
	{ "order2_bigger_block", 100, 2, 10, 0, 6, true },
	{ "order2_atomic", 9, 2, 10, __SMM_GFP_HIGH, 3, true },
	{ "order3_atomic_at", 12, 3, 10, __SMM_GFP_HIGH, 3, false },
};

KUNIT_ARRAY_PARAM_DESC(wmark, wmark_cases, desc);

/* __zone_watermark_ok() on a zone made up for the purpose. */
static void buddy_test_watermark_ok(struct kunit *test)
{
	const struct wmark_case *c = test->param_value;
	struct smm_zone *z = kunit_kzalloc(test, sizeof(*z), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, z);
	z->free_pages = c->free;
	if (c->block >= 0)
		z->free_area[c->block].nr_free = 1;
	KUNIT_EXPECT_EQ(test, smm_zone_watermark_ok(z, c->order, c->mark, c->gfp), c->ok);
}

/* ---- per-CPU lists ------------------------------------------------------ */

/*
 * An order-0 free goes to this CPU's list, not to the free area, and the
 * next order-0 allocation on this CPU gets the same, cache-hot page back.
 */
static void buddy_test_pcp_free_to_pcp(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long zfree0, zfree1, hits0;
	int count0, count1, ret;
	struct smm_page *page, *again;
	struct smm_pcp *pcp;
	struct smm_zone *z;
	u8 owner;

	hits0 = smm_buddy_stat(b, SMM_BUDDY_PCP_HIT);
	migrate_disable();
	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
	if (IS_ERR(page)) {
		migrate_enable();
		KUNIT_FAIL_AND_ABORT(test, "allocation failed: %ld", PTR_ERR(page));
	}
	z = smm_page_zone(b, page);
	pcp = per_cpu_ptr(z->pcp, raw_smp_processor_id());
	count0 = READ_ONCE(pcp->count);
	zfree0 = smm_zone_free_pages(z);
	ret = smm_free_pages(b, page, 0);
	count1 = READ_ONCE(pcp->count);
	zfree1 = smm_zone_free_pages(z);
	owner = page->owner;
	again = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
	migrate_enable();

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, count1, count0 + 1);
	KUNIT_EXPECT_EQ(test, owner, SMM_OWNER_PCP);
	KUNIT_EXPECT_EQ(test, zfree1, zfree0);
	KUNIT_EXPECT_PTR_EQ(test, again, page);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_PCP_HIT) - hits0, 1UL);
	if (!IS_ERR(again))
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, again, 0), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * A list never rests at its high mark: there blocks go back, and the mark
 * itself never passes @high_max.  Freeing more pages than all lists
 * together could hold makes at least one spill.
 */
static void buddy_test_pcp_spill(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	const int high_max = per_cpu_ptr(z->pcp, 0)->high_max;
	unsigned long n = num_possible_cpus() * high_max + 1, i, total0, spills0;
	struct smm_page **held;
	int cpu;

	held = kunit_kcalloc(test, n, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	for (i = 0; i < n; i++) {
		held[i] = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, held[i]);
		KUNIT_ASSERT_EQ(test, smm_page_zonenum(held[i]), SMM_ZONE_NORMAL);
	}
	total0 = smm_zone_free_pages(z) + smm_zone_pcp_pages(z);
	spills0 = smm_buddy_stat(b, SMM_BUDDY_PCP_SPILL);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held[i], 0), 0);

	KUNIT_EXPECT_GT(test, smm_buddy_stat(b, SMM_BUDDY_PCP_SPILL), spills0);
	for_each_possible_cpu(cpu) {
		const struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpu);

		KUNIT_EXPECT_LT_MSG(test, pcp->count, pcp->high, "cpu %d", cpu);
		KUNIT_EXPECT_LE_MSG(test, pcp->high, high_max, "cpu %d", cpu);
	}
	KUNIT_EXPECT_EQ(test, smm_zone_free_pages(z) + smm_zone_pcp_pages(z), total0 + n);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

struct pcp_work {
	struct smm_buddy *b;
	struct smm_page **pages;
	int cpu;
	int ret;
};

static long free_two_here(void *arg)
{
	struct pcp_work *w = arg;

	w->cpu = raw_smp_processor_id();
	w->ret = smm_free_pages(w->b, w->pages[0], 0) ?: smm_free_pages(w->b, w->pages[1], 0);
	return 0;
}

/*
 * Pages freed on each CPU sit on that CPU's list; smm_drain_pages() empties
 * every list, wherever it runs, and loses no page.
 */
static void buddy_test_pcp_drain_all_cpus(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct pcp_work *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	const unsigned long free0 = free_at_start(test, b);
	unsigned int online = num_online_cpus(), i, n = 0;
	struct smm_page **pages;
	unsigned long total;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_GE(test, per_cpu_ptr(z->pcp, 0)->high, 3);
	/* All pages first: an allocation would take back what a free left on a list. */
	pages = kunit_kcalloc(test, 2 * online, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 2 * online; i++) {
		pages[i] = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pages[i]);
		KUNIT_ASSERT_EQ(test, smm_page_zonenum(pages[i]), SMM_ZONE_NORMAL);
	}
	/* The refills' surplus back: the lists hold only what is freed below. */
	smm_drain_pages(b);
	KUNIT_ASSERT_EQ(test, smm_zone_pcp_pages(z), 0UL);
	w->b = b;
	for_each_online_cpu(cpu) {
		if (n == online)
			break;
		w->pages = &pages[2 * n++];
		w->ret = -1;
		work_on_cpu(cpu, free_two_here, w);
		KUNIT_EXPECT_EQ(test, w->ret, 0);
		KUNIT_EXPECT_EQ(test, w->cpu, cpu);
	}
	KUNIT_ASSERT_EQ(test, n, online);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, per_cpu_ptr(z->pcp, cpu)->count, 2, "cpu %d", cpu);
	KUNIT_EXPECT_EQ(test, smm_zone_pcp_pages(z), 2UL * n);

	total = smm_buddy_free_pages(b);
	smm_drain_pages(b);
	for (i = 0; i < SMM_NR_ZONES; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_zone_pcp_pages(&b->zones[i]), 0UL, "zone %s",
				    b->zones[i].name);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), total);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* zone_batchsize(): a quarter of 1/1024 of the zone, capped, as 2^n - 1, at least 1. */
static int ref_batch(unsigned long managed)
{
	unsigned long batch = min_t(unsigned long, managed >> 10, SZ_1M / PAGE_SIZE) / 4;

	batch = max(batch, 1UL);
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return max(batch, 1UL);
}

/*
 * Every CPU's lists have zone_batchsize(), and zone_highsize() twice: the
 * low watermark (high_min) and an eighth of the zone (high_max), shared
 * among the CPUs; high lies between them (clamp() gives high_max the last
 * word in a small zone where it is the lower).
 */
static void buddy_test_pcp_sizes(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, *(const unsigned int *)test->param_value);
	struct smm_buddy *b = &inst->buddy;
	unsigned int z;
	int cpu;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zone = &b->zones[z];
		int batch = ref_batch(zone->managed_pages);
		int high_min = max_t(unsigned long,
				     zone->wmark[SMM_WMARK_LOW] / num_online_cpus(), 4UL * batch);
		int high_max = max_t(unsigned long,
				     zone->managed_pages / 8 / num_online_cpus(), 4UL * batch);

		for_each_possible_cpu(cpu) {
			const struct smm_pcp *pcp = per_cpu_ptr(zone->pcp, cpu);

			KUNIT_EXPECT_EQ_MSG(test, pcp->batch, batch, "%s cpu %d", zone->name, cpu);
			KUNIT_EXPECT_EQ_MSG(test, pcp->high_min, high_min, "%s cpu %d",
					    zone->name, cpu);
			KUNIT_EXPECT_EQ_MSG(test, pcp->high_max, high_max, "%s cpu %d",
					    zone->name, cpu);
			KUNIT_EXPECT_GE_MSG(test, pcp->high, min(high_min, high_max), "%s cpu %d",
					    zone->name, cpu);
			KUNIT_EXPECT_LE_MSG(test, pcp->high, max(high_min, high_max), "%s cpu %d",
					    zone->name, cpu);
		}
		kunit_info(test, "%-7s managed %5lu batch %d high %d..%d\n", zone->name,
			   zone->managed_pages, batch, high_min, high_max);
	}
}

/* ---- high-order blocks on the per-CPU lists ------------------------------ */

/*
 * order_to_pindex() and pindex_to_order(): orders 0..PAGE_ALLOC_COSTLY_ORDER
 * have a list per migratetype below MIGRATE_PCPTYPES, and the pageblock
 * order (9 with the default max_order of 11) has two, MOVABLE's and one
 * that UNMOVABLE and RECLAIMABLE share, as in 6.12; every list serves one
 * order, every list is used, and no other order is pcp-allowed.
 */
static void buddy_test_pcp_pindex(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	DECLARE_BITMAP(used, SMM_NR_PCP_LISTS) = {};
	unsigned int o, p, mt;

	KUNIT_ASSERT_EQ(test, b->max_order, SMM_MAX_ORDER_DEFAULT);
	KUNIT_EXPECT_EQ(test, b->thp_order, 9U);
	KUNIT_EXPECT_EQ(test, SMM_NR_PCP_LISTS, 14);
	for (o = 0; o < b->max_order; o++) {
		bool allowed = smm_pcp_allowed_order(b, o);

		KUNIT_EXPECT_EQ_MSG(test, allowed, o <= 3 || o == 9, "order %u", o);
		if (!allowed)
			continue;
		for (mt = 0; mt < SMM_MIGRATE_PCPTYPES; mt++) {
			bool shared = o == 9 && mt == SMM_MIGRATE_RECLAIMABLE;

			p = smm_pcp_order_to_pindex(mt, o);
			KUNIT_ASSERT_LT_MSG(test, p, (unsigned int)SMM_NR_PCP_LISTS, "order %u", o);
			KUNIT_EXPECT_EQ_MSG(test, smm_pcp_pindex_to_order(b, p), o, "pindex %u", p);
			KUNIT_EXPECT_EQ_MSG(test, __test_and_set_bit(p, used), shared,
					    "pindex %u, order %u, mt %u", p, o, mt);
		}
	}
	KUNIT_EXPECT_EQ(test, smm_pcp_order_to_pindex(SMM_MIGRATE_RECLAIMABLE, 9),
			smm_pcp_order_to_pindex(SMM_MIGRATE_UNMOVABLE, 9));
	KUNIT_EXPECT_TRUE(test, bitmap_full(used, SMM_NR_PCP_LISTS));
}

/* Pages of the block at @page of @order that @owner holds. */
static unsigned long owned_by(struct smm_buddy *b, const struct smm_page *page,
			      unsigned int order, enum smm_owner owner)
{
	unsigned long pfn = pfn_of(b, page), i, n = 0;

	for (i = 0; i < (1UL << order); i++)
		n += smm_pfn_to_page(b->arena, pfn + i)->owner == owner;
	return n;
}

static const unsigned int pcp_orders[] = { 1, 2, 3, 4, 8, 9, 10 };

KUNIT_ARRAY_PARAM(pcp_order, pcp_orders, order_desc);

/*
 * free_unref_page() and rmqueue_pcplist() for every order: a block of a
 * pcp order (1..3, 9) goes onto this CPU's list for that order, whole:
 * the zone's free area does not move, the list's count grows by 2^order
 * pages and every page belongs to the lists; the next allocation of that
 * order here gets the same block back, a pcp hit.  Any other order goes
 * straight to the free area.  Drained, the free lists are exactly those
 * of the start: the merge after a drain is right.
 *
 * 64 MiB, so that high_max (an eighth of the zone per CPU) can hold an
 * order-9 block; a first round lets high grow to it, as nr_pcp_high()
 * raises it after a free it could not hold.  An order-0 pair before each
 * high-order free ends any run of such frees, so free_high stays out of
 * it, and a drain before the measured free leaves room below high.
 */
static void order0_pair(struct smm_buddy *b)
{
	struct smm_page *zero = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);

	if (!IS_ERR(zero))
		smm_free_pages(b, zero, 0);
}

static void buddy_test_pcp_high_order(struct kunit *test)
{
	const unsigned int k = *(const unsigned int *)test->param_value;
	struct smm_instance *inst = new_instance(test, 64);
	struct smm_buddy *b = &inst->buddy;
	const bool allowed = smm_pcp_allowed_order(b, k);
	const unsigned int pindex = smm_pcp_order_to_pindex(SMM_MIGRATE_UNMOVABLE, k);
	unsigned long zfree0, zfree1, hits0, hits1, pcp_owned, buddy_owned;
	struct smm_page *page, *again, *head = NULL;
	struct nr_snap *before, *after = new_snap(test);
	int count0, count1, ret = -1;
	struct smm_pcp *pcp;
	struct smm_zone *z;

	before = snap(test, b);
	migrate_disable();
	page = smm_alloc_pages(b, SMM_GFP_KERNEL, k);
	if (IS_ERR(page)) {
		migrate_enable();
		KUNIT_FAIL_AND_ABORT(test, "allocation failed: %ld", PTR_ERR(page));
	}
	z = smm_page_zone(b, page);
	pcp = per_cpu_ptr(z->pcp, raw_smp_processor_id());
	order0_pair(b);
	smm_free_pages(b, page, k);

	hits0 = smm_buddy_stat(b, SMM_BUDDY_PCP_HIT);
	again = smm_alloc_pages(b, SMM_GFP_KERNEL, k);
	hits1 = smm_buddy_stat(b, SMM_BUDDY_PCP_HIT);
	order0_pair(b);
	smm_drain_pages(b);
	count0 = READ_ONCE(pcp->count);
	zfree0 = smm_zone_free_pages(z);
	if (!IS_ERR(again))
		ret = smm_free_pages(b, again, k);
	count1 = READ_ONCE(pcp->count);
	zfree1 = smm_zone_free_pages(z);
	if (allowed)
		head = list_first_entry_or_null(&pcp->lists[pindex], struct smm_page, lru);
	migrate_enable();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, again);
	KUNIT_EXPECT_EQ(test, ret, 0);
	pcp_owned = owned_by(b, again, k, SMM_OWNER_PCP);
	buddy_owned = owned_by(b, again, k, SMM_OWNER_BUDDY);
	if (allowed) {
		KUNIT_EXPECT_PTR_EQ(test, again, page);
		KUNIT_EXPECT_EQ(test, hits1 - hits0, 1UL);
		KUNIT_EXPECT_EQ(test, count0, 0);
		KUNIT_EXPECT_EQ(test, count1, 1 << k);
		KUNIT_EXPECT_EQ(test, zfree1, zfree0);
		KUNIT_EXPECT_PTR_EQ(test, head, again);
		KUNIT_EXPECT_EQ(test, pcp_owned, 1UL << k);
	} else {
		KUNIT_EXPECT_EQ(test, hits1, hits0);
		KUNIT_EXPECT_EQ(test, count1, count0);
		KUNIT_EXPECT_EQ(test, zfree1, zfree0 + (1UL << k));
		KUNIT_EXPECT_EQ(test, buddy_owned, 1UL << k);
	}
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_zone_pcp_pages(z), 0UL);
	take_snap(b, after);
	expect_snap_eq(test, after, before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * The orders freed on each CPU: an order-0 free after each higher one ends
 * the run of high-order frees, which would otherwise spill (free_high).
 */
static const unsigned int drain_orders[] = { 3, 0, 2, 0, 1, 0 };
#define DRAIN_PAGES	(8 + 1 + 4 + 1 + 2 + 1)

static long free_blocks_here(void *arg)
{
	struct pcp_work *w = arg;
	unsigned int i;

	w->cpu = raw_smp_processor_id();
	w->ret = 0;
	for (i = 0; i < ARRAY_SIZE(drain_orders) && !w->ret; i++)
		w->ret = smm_free_pages(w->b, w->pages[i], drain_orders[i]);
	return 0;
}

/*
 * Blocks of orders 0..3 freed on each CPU sit on that CPU's lists, counted
 * in pages; smm_drain_pages() gives every one back whole, the free pages
 * are conserved throughout, and the fully merged free lists of the start
 * come back.
 */
static void buddy_test_pcp_drain_high_order(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct pcp_work *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	const unsigned long free0 = free_at_start(test, b);
	unsigned int online = num_online_cpus(), i, n = 0;
	struct nr_snap *before, *after = new_snap(test);
	struct smm_page **pages;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, w);
	before = snap(test, b);
	pages = kunit_kcalloc(test, 6 * online, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 6 * online; i++) {
		pages[i] = smm_alloc_pages(b, SMM_GFP_KERNEL, drain_orders[i % 6]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pages[i]);
		KUNIT_ASSERT_EQ(test, smm_page_zonenum(pages[i]), SMM_ZONE_NORMAL);
	}
	/* The refills' surplus back, so that the lists hold only what is freed below. */
	smm_drain_pages(b);
	KUNIT_ASSERT_EQ(test, smm_zone_pcp_pages(z), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b) + DRAIN_PAGES * online, free0);
	w->b = b;
	for_each_online_cpu(cpu) {
		if (n == online)
			break;
		w->pages = &pages[6 * n++];
		w->ret = -1;
		work_on_cpu(cpu, free_blocks_here, w);
		KUNIT_EXPECT_EQ(test, w->ret, 0);
		KUNIT_EXPECT_EQ(test, w->cpu, cpu);
	}
	KUNIT_ASSERT_EQ(test, n, online);
	/* Far below high: every block stays on its CPU's lists; none lost. */
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, per_cpu_ptr(z->pcp, cpu)->count, DRAIN_PAGES, "cpu %d",
				    cpu);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);

	smm_drain_pages(b);
	for (i = 0; i < SMM_NR_ZONES; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_zone_pcp_pages(&b->zones[i]), 0UL, "zone %s",
				    b->zones[i].name);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	take_snap(b, after);
	expect_snap_eq(test, after, before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * nr_pcp_high() and nr_pcp_free(): a run of order-9 frees on one CPU never
 * leaves more than high_max pages on its lists, spills whole blocks (a
 * multiple of 512 pages goes back), and loses none.
 */
static void buddy_test_pcp_thp_spill(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 64);
	struct smm_buddy *b = &inst->buddy;
	const unsigned int k = b->thp_order;
	const unsigned long free0 = free_at_start(test, b);
	unsigned long spills0, i, n = 0;
	struct smm_page *held[8];
	struct smm_pcp *pcp;
	struct smm_zone *z;
	int count, high_max, pages_on_lists;

	KUNIT_ASSERT_TRUE(test, smm_pcp_allowed_order(b, k));
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		held[i] = smm_alloc_pages(b, SMM_GFP_KERNEL, k);
		if (IS_ERR(held[i]))
			break;
		n++;
	}
	KUNIT_ASSERT_GE(test, n, 4UL);
	z = smm_page_zone(b, held[0]);
	smm_drain_pages(b);
	spills0 = smm_buddy_stat(b, SMM_BUDDY_PCP_SPILL);
	migrate_disable();
	pcp = per_cpu_ptr(z->pcp, raw_smp_processor_id());
	for (i = 0; i < n; i++)
		smm_free_pages(b, held[i], k);
	count = READ_ONCE(pcp->count);
	high_max = READ_ONCE(pcp->high_max);
	pages_on_lists = 0;
	for (i = 0; i < SMM_NR_PCP_LISTS; i++)
		pages_on_lists += list_count_nodes(&pcp->lists[i]) << smm_pcp_pindex_to_order(b, i);
	migrate_enable();

	KUNIT_EXPECT_GT(test, smm_buddy_stat(b, SMM_BUDDY_PCP_SPILL), spills0);
	KUNIT_EXPECT_LE(test, count, high_max);
	KUNIT_EXPECT_EQ(test, count, pages_on_lists);
	KUNIT_EXPECT_EQ(test, count % (1 << k), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	kunit_info(test, "%lu order-%u frees: %d pages stay, high_max %d\n", n, k, count, high_max);
}

/* ---- misuse ------------------------------------------------------------- */

/* An order out of range or an unknown flag is -EINVAL, counted, harmless. */
static void buddy_test_bad_order(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_ORDER), free0;
	unsigned long bad_free0 = smm_buddy_stat(b, SMM_BUDDY_BAD_FREE);
	struct nr_snap *s0 = snap(test, b);
	struct smm_page *page;

	free0 = smm_buddy_free_pages(b);
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_KERNEL, b->max_order),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_KERNEL, SMM_MAX_ORDER_LIMIT),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_KERNEL, UINT_MAX),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, BIT(__SMM_GFP_BITS), 0), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_ORDER) - bad0, 4UL);
	expect_snap_eq(test, snap(test, b), s0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);

	/* The largest order is legal: a block or -ENOMEM, never -EINVAL. */
	page = smm_alloc_pages(b, SMM_GFP_KERNEL, b->max_order - 1);
	KUNIT_EXPECT_TRUE(test, !IS_ERR(page) || PTR_ERR(page) == -ENOMEM);
	if (!IS_ERR(page))
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, b->max_order - 1), 0);

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, b->max_order), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_ORDER) - bad0, 5UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad_free0, 1UL);
	KUNIT_EXPECT_TRUE(test, block_ok(b, page, 3, SMM_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 3), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * A second free of a block is refused and counted, and changes neither the
 * free lists nor the per-CPU lists.
 */
static void buddy_test_double_free(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct nr_snap *s0, *s1 = new_snap(test);
	unsigned long bad0, pcp0;
	struct smm_page *page;
	struct smm_zone *z;

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_ASSERT_EQ(test, smm_free_pages(b, page, 2), 0);
	smm_drain_pages(b);
	s0 = snap(test, b);
	bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_FREE);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad0, 1UL);
	take_snap(b, s1);
	expect_snap_eq(test, s1, s0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);

	/* Order 0: the first free leaves the page on a per-CPU list. */
	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	z = smm_page_zone(b, page);
	KUNIT_ASSERT_EQ(test, smm_free_pages(b, page, 0), 0);
	pcp0 = smm_zone_pcp_pages(z);
	take_snap(b, s0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, smm_arena_pfn_to_virt(b->arena,
									  pfn_of(b, page))),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad0, 3UL);
	KUNIT_EXPECT_EQ(test, smm_zone_pcp_pages(z), pcp0);
	take_snap(b, s1);
	expect_snap_eq(test, s1, s0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* A free with another order than the allocation's is refused; the block stays. */
static void buddy_test_wrong_order_free(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_FREE);
	struct nr_snap *s0, *s1 = new_snap(test);
	struct smm_page *page;

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	smm_drain_pages(b);
	s0 = snap(test, b);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad0, 3UL);
	smm_drain_pages(b);
	take_snap(b, s1);
	expect_snap_eq(test, s1, s0);
	KUNIT_EXPECT_TRUE(test, block_ok(b, page, 2, SMM_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 2), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * Only the head of an allocated block can be freed: not a tail page, not a
 * free page, not a firmware page, not NULL.
 */
static void buddy_test_tail_free(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_FREE), pfn, i;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct nr_snap *s0, *s1 = new_snap(test);
	struct smm_page *page, *other;
	unsigned int o;

	page = smm_alloc_pages(b, SMM_GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	pfn = pfn_of(b, page);
	smm_drain_pages(b);
	s0 = snap(test, b);
	for (i = 1; i < 4; i++)
		for (o = 0; o < 3; o++)
			KUNIT_EXPECT_EQ_MSG(test, smm_free_pages(b, page_of(test, b, pfn + i), o),
					    -EINVAL, "tail %lu order %u", i, o);
	/* A page that is free in the buddy allocator. */
	other = NULL;
	spin_lock(&z->lock);
	for (o = 0; o < b->max_order && !other; o++)
		other = list_first_entry_or_null(&z->free_area[o].free_list[SMM_MIGRATE_UNMOVABLE],
						 struct smm_page, lru);
	spin_unlock(&z->lock);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, other, other->order), -EINVAL);
	/* The BIOS's page 0, which the allocator never had. */
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page_of(test, b, 0), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad0, 12UL);

	smm_drain_pages(b);
	take_snap(b, s1);
	expect_snap_eq(test, s1, s0);
	KUNIT_EXPECT_TRUE(test, block_ok(b, page, 2, SMM_GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 2), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ---- __GFP_ZERO and the address interface -------------------------------- */

/* Scribble over every page the allocator holds free. */
static void dirty_free_pages(struct smm_buddy *b)
{
	unsigned long pfn;

	for (pfn = 0; pfn < b->arena->end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(b->arena, pfn);

		if (pg && (pg->owner == SMM_OWNER_BUDDY || pg->owner == SMM_OWNER_PCP))
			memset(smm_arena_pfn_to_virt(b->arena, pfn), 0xa5, PAGE_SIZE);
	}
}

static unsigned long nonzero_pages(struct smm_buddy *b, const struct smm_page *page,
				   unsigned int order)
{
	unsigned long pfn = pfn_of(b, page), i, bad = 0;

	for (i = 0; i < (1UL << order); i++)
		bad += !!memchr_inv(smm_arena_pfn_to_virt(b->arena, pfn + i), 0, PAGE_SIZE);
	return bad;
}

static const unsigned int zero_orders[] = { 0, 1, 3, 5 };

KUNIT_ARRAY_PARAM(zero_order, zero_orders, order_desc);

/*
 * __GFP_ZERO hands out zeroed pages, however dirty they were; without it
 * the pages come as they are (which shows that the dirt was there).
 */
static void buddy_test_zero(struct kunit *test)
{
	const unsigned int k = *(const unsigned int *)test->param_value;
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_page *plain, *zeroed, *high, *hot = NULL, *again = NULL;
	unsigned long hot_dirty = 0;
	u8 *p;

	dirty_free_pages(b);
	plain = smm_alloc_pages(b, SMM_GFP_KERNEL, k);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, plain);
	p = smm_arena_pfn_to_virt(b->arena, pfn_of(b, plain));
	KUNIT_EXPECT_EQ(test, p[0], 0xa5);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1], 0xa5);

	zeroed = smm_alloc_pages(b, SMM_GFP_KERNEL | __SMM_GFP_ZERO, k);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zeroed);
	KUNIT_EXPECT_EQ(test, nonzero_pages(b, zeroed, k), 0UL);
	high = smm_alloc_pages(b, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO, k);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, high);
	KUNIT_EXPECT_EQ(test, nonzero_pages(b, high, k), 0UL);

	/* Dirty a block, free it, and get the same page back zeroed (order 0, hot). */
	if (!k) {
		migrate_disable();
		hot = smm_alloc_pages(b, SMM_GFP_KERNEL, 0);
		if (!IS_ERR(hot)) {
			memset(smm_arena_pfn_to_virt(b->arena, pfn_of(b, hot)), 0x5a, PAGE_SIZE);
			smm_free_pages(b, hot, 0);
			again = smm_alloc_pages(b, SMM_GFP_KERNEL | __SMM_GFP_ZERO, 0);
		}
		migrate_enable();
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hot);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, again);
		KUNIT_EXPECT_PTR_EQ(test, again, hot);
		hot_dirty = nonzero_pages(b, again, 0);
		KUNIT_EXPECT_EQ(test, hot_dirty, 0UL);
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, again, 0), 0);
	}
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, plain, k), 0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, zeroed, k), 0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, high, k), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ---- bulk allocation ------------------------------------------------- */

/* 32 MiB with HighMem above @normal_mb: several per-CPU batches in every zone. */
static struct smm_instance *bulk_instance(struct kunit *test, unsigned int normal_mb)
{
	return new_instance_zones(test, 32, normal_mb);
}

/*
 * Pages from a bulk allocation: each one an allocated order-0 block of
 * zone @zone (or any zone @gfp allows, for @zone < 0), none twice.
 * Returns how many are not.
 */
static unsigned long bulk_bad_pages(struct kunit *test, struct smm_buddy *b,
				    struct smm_page **pages, unsigned long n,
				    unsigned int gfp, int zone)
{
	unsigned long *seen = kunit_kcalloc(test, BITS_TO_LONGS(b->arena->end_pfn),
					    sizeof(long), GFP_KERNEL);
	unsigned long i, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < n; i++) {
		unsigned long pfn = pfn_of(b, pages[i]);

		if (!block_ok(b, pages[i], 0, gfp) || __test_and_set_bit(pfn, seen) ||
		    (zone >= 0 && smm_page_zonenum(pages[i]) != zone)) {
			if (!bad++)
				kunit_err(test, "page %lu (pfn %#lx, zone %u) is wrong\n", i, pfn,
					  smm_page_zonenum(pages[i]));
		}
	}
	return bad;
}

static void free_bulk(struct kunit *test, struct smm_buddy *b, struct smm_page **pages,
		      unsigned long n)
{
	unsigned long bad = 0;

	while (n--)
		bad += smm_free_pages(b, pages[n], 0) != 0;
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "frees of bulk pages refused");
}

/*
 * alloc_pages_bulk(), as vmalloc fills its page array: HIGHUSER pages
 * come from HighMem, many batches of the per-CPU list deep, each page
 * once, zeroed when asked however dirty it was; freeing them all puts
 * every page back.
 */
static void buddy_test_bulk_highmem_first(struct kunit *test)
{
	const unsigned int gfp = SMM_GFP_HIGHUSER | __SMM_GFP_ZERO;
	struct smm_instance *inst = bulk_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *hz = &b->zones[SMM_ZONE_HIGHMEM];
	unsigned long before = free_at_start(test, b), alloc0, fallback0, direct0, dirty = 0, i;
	unsigned int nr = 300;
	struct smm_page **pages;

	KUNIT_ASSERT_GT(test, smm_zone_free_pages(hz), hz->wmark[SMM_WMARK_LOW] + nr);
	KUNIT_ASSERT_LT(test, per_cpu_ptr(hz->pcp, raw_smp_processor_id())->batch, 100);
	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	dirty_free_pages(b);
	alloc0 = smm_buddy_stat(b, SMM_BUDDY_ALLOC);
	fallback0 = smm_buddy_stat(b, SMM_BUDDY_FALLBACK);
	direct0 = smm_buddy_stat(b, SMM_BUDDY_HIGHMEM_DIRECT);

	KUNIT_ASSERT_EQ(test, smm_alloc_pages_bulk(b, gfp, nr, pages), (int)nr);
	KUNIT_EXPECT_EQ(test, bulk_bad_pages(test, b, pages, nr, gfp, SMM_ZONE_HIGHMEM), 0UL);
	for (i = 0; i < nr; i++)
		dirty += nonzero_pages(b, pages[i], 0);
	KUNIT_EXPECT_EQ_MSG(test, dirty, 0UL, "pages not zeroed");
	/* Zeroed through kmap_atomic, never the host's direct map. */
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_HIGHMEM_DIRECT), direct0);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_ALLOC) - alloc0, (unsigned long)nr);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FALLBACK) - fallback0, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);

	/* One zone, several runs of the bulk free. */
	KUNIT_EXPECT_EQ(test, smm_free_pages_bulk(b, pages, nr), 0U);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_NE_MSG(test, pages[i]->owner, (u8)SMM_OWNER_ALLOC, "page %lu", i);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * A zone that would fall below its low watermark with the whole request
 * gone is passed over for the next one in the zonelist, as a single
 * allocation is; each page served there counts as a fallback.
 */
static void buddy_test_bulk_falls_back(struct kunit *test)
{
	struct smm_instance *inst = bulk_instance(test, 28);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *hz = &b->zones[SMM_ZONE_HIGHMEM], *nz = &b->zones[SMM_ZONE_NORMAL];
	unsigned long before = free_at_start(test, b), fallback0, wfail0;
	unsigned int nr = smm_zone_free_pages(hz) - hz->wmark[SMM_WMARK_LOW];
	struct smm_page **pages;

	/* HighMem is one page short of the request; ZONE_NORMAL has room. */
	KUNIT_ASSERT_GT(test, nr, 0U);
	KUNIT_ASSERT_GT(test, smm_zone_free_pages(nz), nz->wmark[SMM_WMARK_LOW] + nr);

	pages = kunit_kcalloc(test, nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	fallback0 = smm_buddy_stat(b, SMM_BUDDY_FALLBACK);
	wfail0 = smm_buddy_stat(b, SMM_BUDDY_WMARK_FAIL);
	KUNIT_ASSERT_EQ(test, smm_alloc_pages_bulk(b, SMM_GFP_HIGHUSER, nr, pages), (int)nr);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_WMARK_FAIL) - wfail0, 1UL);
	KUNIT_EXPECT_EQ(test, bulk_bad_pages(test, b, pages, nr, SMM_GFP_HIGHUSER,
					     SMM_ZONE_NORMAL), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FALLBACK) - fallback0,
			(unsigned long)nr);
	free_bulk(test, b, pages, nr);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), before);
}

/*
 * More than the zones hold: no zone can take the whole request, so the
 * bulk allocation falls back to page-by-page allocation and gives what the
 * zones can, down to each one's min watermark, and says how much; a single
 * allocation then fails too.  Giving it all back restores every free list.
 */
static void buddy_test_bulk_exhaustion(struct kunit *test)
{
	struct smm_instance *inst = bulk_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	unsigned long before = free_at_start(test, b);
	unsigned int nr = managed_total(b) + 16;
	struct nr_snap *start = snap(test, b), *end = new_snap(test);
	struct smm_page **pages, *page;
	int got;

	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	got = smm_alloc_pages_bulk(b, SMM_GFP_HIGHUSER, nr, pages);
	KUNIT_EXPECT_GT(test, got, 0);
	KUNIT_EXPECT_LT(test, got, (int)before);
	if (got > 0) {
		KUNIT_EXPECT_EQ(test, bulk_bad_pages(test, b, pages, got, SMM_GFP_HIGHUSER, -1),
				0UL);
		page = smm_alloc_pages(b, SMM_GFP_HIGHUSER, 0);
		KUNIT_EXPECT_TRUE(test, IS_ERR(page) && PTR_ERR(page) == -ENOMEM);
		if (!IS_ERR(page))
			smm_free_pages(b, page, 0);
		free_bulk(test, b, pages, got);
	}
	kvfree(pages);
	smm_drain_pages(b);
	take_snap(b, end);
	expect_snap_eq(test, end, start);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * free_unref_folios(): pages of two zones, interleaved, go back in one
 * call; a page given twice and a NULL among them are refused and counted,
 * and every other page is freed.  Nothing is lost or freed twice.
 */
static void buddy_test_bulk_free(struct kunit *test)
{
	struct smm_instance *inst = bulk_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	unsigned long before = free_at_start(test, b), bad0, free0;
	const unsigned int nh = 200, nn = 50, nr = nh + nn + 2;
	struct smm_page **high, **normal, **all;
	unsigned int i, j = 0;

	high = kunit_kcalloc(test, nh, sizeof(*high), GFP_KERNEL);
	normal = kunit_kcalloc(test, nn, sizeof(*normal), GFP_KERNEL);
	all = kunit_kcalloc(test, nr, sizeof(*all), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, high && normal && all);
	KUNIT_ASSERT_EQ(test, smm_alloc_pages_bulk(b, SMM_GFP_HIGHUSER, nh, high), (int)nh);
	KUNIT_ASSERT_EQ(test, smm_alloc_pages_bulk(b, SMM_GFP_KERNEL, nn, normal), (int)nn);
	for (i = 0; i < nh; i++) {
		all[j++] = high[i];
		if (i % 4 == 3)
			all[j++] = normal[i / 4];
	}
	all[j++] = NULL;
	all[j++] = high[17];		/* already in the array: a double free */
	KUNIT_ASSERT_EQ(test, j, nr);

	bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_FREE);
	free0 = smm_buddy_stat(b, SMM_BUDDY_FREE);
	KUNIT_EXPECT_EQ(test, smm_free_pages_bulk(b, all, nr), 2U);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_FREE) - bad0, 2UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FREE) - free0, (unsigned long)(nh + nn));
	for (i = 0; i < nr - 2; i++)
		KUNIT_EXPECT_NE_MSG(test, all[i]->owner, (u8)SMM_OWNER_ALLOC, "page %u", i);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * Unknown flags, or more pages than the count can say: refused, counted
 * as bad_order as smm_alloc_pages() counts them, nothing taken; 0 pages is 0.
 */
static void buddy_test_bulk_bad(struct kunit *test)
{
	struct smm_instance *inst = bulk_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	struct nr_snap *start = snap(test, b), *end = new_snap(test);
	unsigned long alloc0 = smm_buddy_stat(b, SMM_BUDDY_ALLOC);
	unsigned long bad0 = smm_buddy_stat(b, SMM_BUDDY_BAD_ORDER);
	struct smm_page *pages[4] = { };

	KUNIT_EXPECT_EQ(test, smm_alloc_pages_bulk(b, BIT(__SMM_GFP_BITS), 4, pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_alloc_pages_bulk(b, SMM_GFP_KERNEL, (unsigned int)INT_MAX + 1,
						   pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_BAD_ORDER) - bad0, 2UL);
	KUNIT_EXPECT_EQ(test, smm_alloc_pages_bulk(b, SMM_GFP_KERNEL, 0, pages), 0);
	KUNIT_EXPECT_NULL(test, pages[0]);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_ALLOC), alloc0);
	take_snap(b, end);
	expect_snap_eq(test, end, start);
}

/*
 * __get_free_page() and free_page(): the address is the page's host direct
 * map address; it round-trips, a wrong address is refused, and a highmem
 * request gets nothing.
 */
static void buddy_test_get_free_page(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	unsigned long pfn, allocs0, free0;
	const struct smm_page *page;
	void *addr, *host;
	u8 *z;

	addr = smm_get_free_page(b, SMM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(addr));
	KUNIT_ASSERT_TRUE(test, smm_arena_host_to_pfn(b->arena, virt_to_page(addr), &pfn));
	KUNIT_EXPECT_PTR_EQ(test, smm_arena_pfn_to_virt(b->arena, pfn), addr);
	page = page_of(test, b, pfn);
	KUNIT_EXPECT_EQ(test, page->owner, SMM_OWNER_ALLOC);
	KUNIT_EXPECT_TRUE(test, smm_page_test(page, SMM_PG_HEAD));
	KUNIT_EXPECT_EQ(test, page->order, 0);
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), SMM_ZONE_NORMAL);
	memset(addr, 0x3c, PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, addr + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, NULL), -EINVAL);
	host = (void *)__get_free_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, host);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, host), -EINVAL);
	free_page((unsigned long)host);
	KUNIT_EXPECT_EQ(test, page->owner, SMM_OWNER_ALLOC);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, addr), 0);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, addr), -EINVAL);

	z = smm_get_free_page(b, SMM_GFP_DMA | __SMM_GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, z);
	KUNIT_EXPECT_NULL(test, memchr_inv(z, 0, PAGE_SIZE));
	KUNIT_ASSERT_TRUE(test, smm_arena_host_to_pfn(b->arena, virt_to_page(z), &pfn));
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page_of(test, b, pfn)), SMM_ZONE_DMA);
	KUNIT_EXPECT_EQ(test, smm_free_page_addr(b, z), 0);

	allocs0 = smm_buddy_stat(b, SMM_BUDDY_ALLOC);
	free0 = smm_buddy_free_pages(b);
	KUNIT_EXPECT_NULL(test, smm_get_free_page(b, SMM_GFP_HIGHUSER));
	KUNIT_EXPECT_NULL(test, smm_get_free_page(b, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_ALLOC), allocs0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ---- the checker -------------------------------------------------------- */

enum corruption {
	CLEAR_BUDDY_FLAG,
	WRONG_HEAD_ORDER,
	WRONG_HEAD_ZONE,
	NR_FREE_OFF,
	FREE_PAGES_OFF,
	TAIL_NOT_FREE,
	ALLOCATED_LOOKS_FREE,
	PCP_COUNT_OFF,
};

struct corrupt_case {
	const char *desc;
	enum corruption what;
};

static const struct corrupt_case corrupt_cases[] = {
	{ "free_head_without_PG_buddy", CLEAR_BUDDY_FLAG },
	{ "free_head_wrong_order", WRONG_HEAD_ORDER },
	{ "free_head_wrong_zone", WRONG_HEAD_ZONE },
	{ "nr_free_off_by_one", NR_FREE_OFF },
	{ "free_pages_off_by_one", FREE_PAGES_OFF },
	{ "tail_of_free_block_allocated", TAIL_NOT_FREE },
	{ "allocated_page_owned_by_buddy", ALLOCATED_LOOKS_FREE },
	{ "pcp_count_off_by_one", PCP_COUNT_OFF },
};

KUNIT_ARRAY_PARAM_DESC(corrupt, corrupt_cases, desc);

/* Apply (@sign 1) or undo (@sign -1) one corruption, under the right lock. */
static void corrupt(struct smm_buddy *b, enum corruption what, int sign,
		    struct smm_page *head, unsigned int order, struct smm_page *alloc)
{
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct smm_pcp *pcp = per_cpu_ptr(z->pcp, cpumask_first(cpu_possible_mask));

	spin_lock(&pcp->lock);
	spin_lock(&z->lock);
	switch (what) {
	case CLEAR_BUDDY_FLAG:
		if (sign > 0)
			smm_page_clear(head, SMM_PG_BUDDY);
		else
			smm_page_set(head, SMM_PG_BUDDY);
		break;
	case WRONG_HEAD_ORDER:
		head->order = sign > 0 ? order - 1 : order;
		break;
	case WRONG_HEAD_ZONE:
		smm_page_set_zonenum(head, sign > 0 ? SMM_ZONE_DMA : SMM_ZONE_NORMAL);
		break;
	case NR_FREE_OFF:
		z->free_area[order].nr_free += sign;
		break;
	case FREE_PAGES_OFF:
		z->free_pages -= sign;
		break;
	case TAIL_NOT_FREE:
		smm_pfn_to_page(b->arena, pfn_of(b, head) + 1)->owner =
			sign > 0 ? SMM_OWNER_ALLOC : SMM_OWNER_BUDDY;
		break;
	case ALLOCATED_LOOKS_FREE:
		alloc->owner = sign > 0 ? SMM_OWNER_BUDDY : SMM_OWNER_ALLOC;
		break;
	case PCP_COUNT_OFF:
		pcp->count += sign;
		break;
	}
	spin_unlock(&z->lock);
	spin_unlock(&pcp->lock);
}

/*
 * smm_buddy_check() passes on a healthy allocator and catches each kind of
 * damage: so a passing check elsewhere means something.
 */
static void buddy_test_check_detects(struct kunit *test)
{
	const struct corrupt_case *c = test->param_value;
	struct smm_instance *inst = new_instance(test, 8);
	struct smm_buddy *b = &inst->buddy;
	struct smm_zone *z = &b->zones[SMM_ZONE_NORMAL];
	struct smm_page *head = NULL, *alloc;
	unsigned int o;

	alloc = smm_alloc_pages(b, SMM_GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, alloc);
	/* A free block of order >= 1, so that it has a tail and a lower order. */
	spin_lock(&z->lock);
	for (o = 1; o < b->max_order && !head; o++)
		head = list_first_entry_or_null(&z->free_area[o].free_list[SMM_MIGRATE_UNMOVABLE],
						struct smm_page, lru);
	spin_unlock(&z->lock);
	KUNIT_ASSERT_NOT_NULL(test, head);
	o = head->order;

	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	corrupt(b, c->what, 1, head, o, alloc);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), -EUCLEAN);
	corrupt(b, c->what, -1, head, o, alloc);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, alloc, 1), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* ---- random workloads ----------------------------------------------------- */

#define RAND_SEED	0x5eed0002U
#define RAND_OPS	100000
#define RAND_HELD	1024
#define RAND_CHECK	5000

/* Every page of every held block is still allocated. */
static unsigned long held_not_alloc(struct smm_buddy *b, const struct held *h, unsigned long n)
{
	unsigned long i, j, bad = 0;

	for (i = 0; i < n; i++) {
		unsigned long pfn = pfn_of(b, h[i].page);

		for (j = 0; j < (1UL << h[i].order); j++)
			bad += smm_pfn_to_page(b->arena, pfn + j)->owner != SMM_OWNER_ALLOC;
	}
	return bad;
}

/*
 * A long random mix of allocations (orders 0..4 and 9, every kind of request)
 * and frees.  After every step the pages are conserved: managed == free +
 * held.  Every RAND_CHECK steps the checker runs (no page free twice or
 * owned twice, counters right) and every held page is still ours.
 */
static void buddy_test_random_invariants(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	const unsigned long managed = managed_total(b), free0 = free_at_start(test, b);
	unsigned long nheld = 0, held_pages = 0, allocs = 0, frees = 0, enomem = 0;
	unsigned long bad_err = 0, bad_block = 0, bad_free = 0, lost = 0, first_lost = 0;
	unsigned long not_ours = 0, i;
	struct rnd_state rnd;
	struct held *held;
	int ret = 0;

	held = kunit_kcalloc(test, RAND_HELD, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	prandom_seed_state(&rnd, RAND_SEED);
	kunit_info(test, "seed %#x, %d operations\n", RAND_SEED, RAND_OPS);

	for (i = 0; i < RAND_OPS && !ret; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (nheld < RAND_HELD && (!nheld || (r & 1))) {
			/* Orders 0..4, and the pageblock order's list now and then. */
			unsigned int order = (r >> 1) % 6 == 5 ? b->thp_order : (r >> 1) % 6;
			unsigned int gfp = rand_gfps[(r >> 8) % ARRAY_SIZE(rand_gfps)];
			struct smm_page *page = smm_alloc_pages(b, gfp, order);

			if (IS_ERR(page)) {
				enomem += PTR_ERR(page) == -ENOMEM;
				bad_err += PTR_ERR(page) != -ENOMEM;
			} else {
				bad_block += !block_ok(b, page, order, gfp);
				held[nheld++] = (struct held){ page, order };
				held_pages += 1UL << order;
				allocs++;
			}
		} else {
			unsigned long j = (r >> 1) % nheld;

			bad_free += smm_free_pages(b, held[j].page, held[j].order) != 0;
			held_pages -= 1UL << held[j].order;
			held[j] = held[--nheld];
			frees++;
		}
		if (smm_buddy_free_pages(b) + held_pages != free0 && !lost++)
			first_lost = i;
		if ((i + 1) % RAND_CHECK == 0) {
			ret = smm_buddy_check(b);
			not_ours += held_not_alloc(b, held, nheld);
			if (smm_buddy_free_pages(b) + in_use_pages(b) != managed && !lost++)
				first_lost = i;
			cond_resched();
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "check failed after operation %lu", i);
	KUNIT_EXPECT_EQ_MSG(test, lost, 0UL, "pages not conserved, first after operation %lu",
			    first_lost);
	KUNIT_EXPECT_EQ(test, bad_err, 0UL);
	KUNIT_EXPECT_EQ(test, bad_block, 0UL);
	KUNIT_EXPECT_EQ(test, bad_free, 0UL);
	KUNIT_EXPECT_EQ(test, not_ours, 0UL);
	KUNIT_EXPECT_GT(test, enomem, 0UL);

	not_ours = held_not_alloc(b, held, nheld);
	KUNIT_EXPECT_EQ(test, not_ours, 0UL);
	free_held(test, b, held, nheld);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	kunit_info(test, "%lu allocations, %lu frees, %lu refused for lack of memory\n",
		   allocs, frees, enomem);
}

#define CONC_SEED	0x5eed0100U
#define CONC_OPS	20000
#define CONC_HELD	64
#define CONC_DRAIN	32

/* One thread of the concurrent workload, bound to one CPU. */
struct worker {
	struct smm_buddy *b;
	unsigned long *owned;	/* one bit per PFN held by some worker */
	struct completion done;
	struct rnd_state rnd;
	unsigned int cpu;
	unsigned long nheld, allocs, frees, enomem;
	unsigned long bad_err, bad_block, bad_free, overlap;
	struct held held[CONC_HELD];
};

/* Claim or release a block's pages in the shared map; count pages held twice. */
static void claim(struct worker *w, const struct held *h, bool take)
{
	unsigned long pfn = pfn_of(w->b, h->page), i;

	for (i = 0; i < (1UL << h->order); i++) {
		if (take)
			w->overlap += test_and_set_bit(pfn + i, w->owned);
		else
			w->overlap += !test_and_clear_bit(pfn + i, w->owned);
	}
}

static void worker_free(struct worker *w, unsigned long j)
{
	claim(w, &w->held[j], false);
	w->bad_free += smm_free_pages(w->b, w->held[j].page, w->held[j].order) != 0;
	w->held[j] = w->held[--w->nheld];
	w->frees++;
}

static int worker_fn(void *data)
{
	struct worker *w = data;
	unsigned long i;

	for (i = 0; i < CONC_OPS; i++) {
		u32 r = prandom_u32_state(&w->rnd);

		if (w->nheld < CONC_HELD && (!w->nheld || (r & 1))) {
			unsigned int order = (r >> 1) % 4;
			unsigned int gfp = rand_gfps[(r >> 8) % ARRAY_SIZE(rand_gfps)];
			struct smm_page *page = smm_alloc_pages(w->b, gfp, order);

			if (IS_ERR(page)) {
				w->enomem += PTR_ERR(page) == -ENOMEM;
				w->bad_err += PTR_ERR(page) != -ENOMEM;
				continue;
			}
			w->bad_block += !block_ok(w->b, page, order, gfp);
			w->held[w->nheld] = (struct held){ page, order };
			claim(w, &w->held[w->nheld++], true);
			w->allocs++;
		} else {
			worker_free(w, (r >> 1) % w->nheld);
		}
		/* Often, drain every CPU's lists under the others' feet. */
		if (i % CONC_DRAIN == CONC_DRAIN / 2)
			smm_drain_pages(w->b);
		if (!(i % 256))
			cond_resched();
	}
	while (w->nheld)
		worker_free(w, w->nheld - 1);
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * One thread per online CPU, each with its own seed, allocating and
 * freeing at once.  No page is ever held by two threads, every free is
 * accepted, and afterwards every page is back and the checker is happy.
 * Lockdep and KASAN watch the locking and the descriptors.
 */
static void buddy_test_concurrent(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, 16);
	struct smm_buddy *b = &inst->buddy;
	unsigned int nr = num_online_cpus(), started = 0, n, cpu;
	unsigned long *owned, allocs = 0, enomem = 0, alloc0, freed0;
	const unsigned long free0 = free_at_start(test, b);
	struct worker *w;

	w = kunit_kcalloc(test, nr, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	owned = kunit_kcalloc(test, BITS_TO_LONGS(b->arena->end_pfn), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owned);
	alloc0 = smm_buddy_stat(b, SMM_BUDDY_ALLOC);
	freed0 = smm_buddy_stat(b, SMM_BUDDY_FREE);

	n = 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == nr)
			break;
		w[n].b = b;
		w[n].owned = owned;
		w[n].cpu = cpu;
		init_completion(&w[n].done);
		prandom_seed_state(&w[n].rnd, CONC_SEED + cpu);
		t = kthread_create_on_cpu(worker_fn, &w[n], cpu, "smm_kunit/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		n++;
	}
	started = n;
	kunit_info(test, "%u threads, seeds %#x + cpu, %d operations each\n", started,
		   CONC_SEED, CONC_OPS);
	for (n = 0; n < started; n++)
		wait_for_completion(&w[n].done);
	KUNIT_ASSERT_EQ_MSG(test, started, nr, "could not start a thread on every CPU");

	for (n = 0; n < started; n++) {
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_err, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_block, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_free, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].overlap, 0UL, "cpu %u: pages held twice", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].allocs, w[n].frees, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_GT(test, w[n].allocs, 0UL);
		allocs += w[n].allocs;
		enomem += w[n].enomem;
	}
	KUNIT_EXPECT_TRUE(test, bitmap_empty(owned, b->arena->end_pfn));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_ALLOC) - alloc0, allocs);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_FREE) - freed0, allocs);
	smm_drain_pages(b);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	kunit_info(test, "%lu allocations, %lu refused for lack of memory\n", allocs, enomem);
}

static struct kunit_case buddy_test_cases[] = {
	KUNIT_CASE_PARAM(buddy_test_split_merge, order_gen_params),
	KUNIT_CASE(buddy_test_neighbours_are_not_buddies),
	KUNIT_CASE(buddy_test_coalesce_after_random),
	KUNIT_CASE_PARAM(buddy_test_zonelist, zonelist_gen_params),
	KUNIT_CASE(buddy_test_fallback_normal_to_dma),
	KUNIT_CASE(buddy_test_highuser_prefers_highmem),
	KUNIT_CASE(buddy_test_dma_only),
	KUNIT_CASE_PARAM(buddy_test_watermark_formula, arena_mb_gen_params),
	KUNIT_CASE(buddy_test_watermark_min_atomic),
	KUNIT_CASE_PARAM(buddy_test_watermark_ok, wmark_gen_params),
	KUNIT_CASE(buddy_test_watermark_movable),
	KUNIT_CASE(buddy_test_kernelcore_huge),
	KUNIT_CASE(buddy_test_pcp_free_to_pcp),
	KUNIT_CASE(buddy_test_pcp_spill),
	KUNIT_CASE(buddy_test_pcp_drain_all_cpus),
	KUNIT_CASE_PARAM(buddy_test_pcp_sizes, arena_mb_gen_params),
	KUNIT_CASE(buddy_test_pcp_pindex),
	KUNIT_CASE_PARAM(buddy_test_pcp_high_order, pcp_order_gen_params),
	KUNIT_CASE(buddy_test_pcp_drain_high_order),
	KUNIT_CASE(buddy_test_pcp_thp_spill),
	KUNIT_CASE(buddy_test_bad_order),
	KUNIT_CASE(buddy_test_double_free),
	KUNIT_CASE(buddy_test_wrong_order_free),
	KUNIT_CASE(buddy_test_tail_free),
	KUNIT_CASE_PARAM(buddy_test_zero, zero_order_gen_params),
	KUNIT_CASE(buddy_test_bulk_highmem_first),
	KUNIT_CASE(buddy_test_bulk_falls_back),
	KUNIT_CASE(buddy_test_bulk_exhaustion),
	KUNIT_CASE(buddy_test_bulk_free),
	KUNIT_CASE(buddy_test_bulk_bad),
	KUNIT_CASE(buddy_test_get_free_page),
	KUNIT_CASE_PARAM(buddy_test_check_detects, corrupt_gen_params),
	KUNIT_CASE_SLOW(buddy_test_random_invariants),
	KUNIT_CASE_SLOW(buddy_test_concurrent),
	{}
};

static struct kunit_suite buddy_test_suite = {
	.name = "shadow_mm_buddy",
	.test_cases = buddy_test_cases,
};

kunit_test_suite(buddy_test_suite);
