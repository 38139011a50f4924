// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pageblocks and migratetypes: the free lists per type, the
 * fallback table, pageblock stealing, the 2.6.29 era, pagetypeinfo, and a
 * randomised test of the per-type accounting.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shadow_mm/arena.h"
#include "shadow_mm/bootmem.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/e820.h"
#include "shadow_mm/early.h"
#include "shadow_mm/memmap.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))
#define PB		512UL	/* pages per pageblock with the default max_order */

/**
 * struct pb_stack - a small stack up to the buddy allocator
 * @broken: the stack's broken flag
 * @arena: the memory
 * @e820: its map
 * @early: early reservations
 * @mm: the mem_map
 * @bm: bootmem, closed at the handoff
 * @buddy: the allocator under test
 */
struct pb_stack {
	bool broken;
	struct smm_arena arena;
	struct smm_e820_table e820;
	struct smm_early early;
	struct smm_memmap mm;
	struct smm_bootmem bm;
	struct smm_buddy buddy;
};

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy, struct smm_arena *);
KUNIT_DEFINE_ACTION_WRAPPER(buddy_destroy_action, smm_buddy_destroy, struct smm_buddy *);

/*
 * An arena of @mb MiB brought up to the buddy allocator: ZONE_DMA is the
 * first pageblock (so that the zones meet on a pageblock boundary), Normal
 * the rest, no HighMem.  @mobility picks the era before the handoff.
 */
static struct smm_buddy *new_stack(struct kunit *test, unsigned int mb, bool mobility)
{
	struct pb_stack *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	unsigned long ends[SMM_NR_ZONES], dma;
	struct smm_arena *a;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, st);
	a = &st->arena;
	KUNIT_ASSERT_EQ(test, smm_arena_init(a, MB_PAGES(mb), SMM_ARENA_CHUNKS, MAX_PAGE_ORDER),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_build(&st->e820, a, NULL), 0);
	smm_early_init(&st->early, &st->e820);
	dma = PB;
	/* DMA, then Normal: 2.6.29's zones, with DMA32 empty. */
	for (i = 0; i < SMM_NR_ZONES; i++)
		ends[i] = i <= SMM_ZONE_DMA32 ? dma : a->end_pfn;
	KUNIT_ASSERT_EQ(test, smm_memmap_init(&st->mm, a, &st->early, SMM_PFN_PHYS(dma), ends,
					      SMM_NR_ZONES), 0);
	KUNIT_ASSERT_EQ(test, smm_bootmem_init(&st->bm, a, &st->early, a->end_pfn, dma), 0);
	KUNIT_ASSERT_EQ(test, smm_buddy_init(&st->buddy, a, &st->broken, SMM_MAX_ORDER_DEFAULT,
					     SMM_ERA_2629, ends), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buddy_destroy_action, &st->buddy),
			0);
	KUNIT_ASSERT_EQ(test, st->buddy.thp_order, 9U);
	KUNIT_ASSERT_EQ(test, smm_buddy_set_mobility(&st->buddy, mobility), 0);
	KUNIT_ASSERT_GT(test, smm_free_all_bootmem(&st->bm, &st->buddy, NULL), 0);
	smm_buddy_setup_watermarks(&st->buddy);
	/*
	 * No reserve: the tests take a zone down to its last pageblock, and
	 * a watermark would send them to DMA.
	 */
	KUNIT_ASSERT_EQ(test, smm_buddy_tune_watermarks(&st->buddy, &(unsigned long){ 0 },
							&(unsigned int){ 1 }), 0);
	/* Once pages are in, the era is fixed. */
	KUNIT_EXPECT_EQ(test, smm_buddy_set_mobility(&st->buddy, !mobility), -EBUSY);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
	return &st->buddy;
}

static struct smm_zone *normal(struct smm_buddy *b)
{
	return &b->zones[SMM_ZONE_NORMAL];
}

static unsigned long pfn_of(struct smm_buddy *b, struct smm_page *page)
{
	return smm_page_to_pfn(b->arena, page);
}

static unsigned int mt_of(struct smm_buddy *b, unsigned long pfn)
{
	struct smm_zone *z = &b->zones[smm_page_zonenum(smm_pfn_to_page(b->arena, pfn))];

	return smm_pageblock_mt(z, b->thp_order, pfn);
}

/* Free pages of the pageblock at @start: those the free area owns. */
static unsigned long pb_free(struct smm_buddy *b, unsigned long start)
{
	unsigned long pfn, n = 0;

	for (pfn = start; pfn < start + PB; pfn++) {
		struct smm_page *page = smm_pfn_to_page(b->arena, pfn);

		n += page && READ_ONCE(page->owner) == SMM_OWNER_BUDDY;
	}
	return n;
}

/* Give the pageblock at @pfn type @mt, through an isolation. */
static void set_type(struct kunit *test, struct smm_buddy *b, unsigned long pfn, unsigned int mt)
{
	KUNIT_ASSERT_EQ(test, smm_set_pageblock_isolate(b, pfn), 0);
	if (mt != SMM_MIGRATE_ISOLATE)
		KUNIT_ASSERT_EQ(test, smm_unset_pageblock_isolate(b, pfn, mt), 0);
	KUNIT_ASSERT_EQ(test, mt_of(b, pfn), mt);
}

/*
 * @n whole, free pageblocks of Normal, of which no two are buddies (pfn ^
 * 512), so that with their neighbours isolated they never merge.
 */
static void pick_blocks(struct kunit *test, struct smm_buddy *b, unsigned long *pfns,
			unsigned int n)
{
	struct smm_zone *z = normal(b);
	unsigned long pfn;
	unsigned int got = 0, i;

	smm_drain_pages(b);
	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages && got < n;
	     pfn += PB) {
		bool buddy = false;

		if (pb_free(b, pfn) != PB)
			continue;
		for (i = 0; i < got; i++)
			buddy |= pfns[i] == (pfn ^ PB);
		if (!buddy)
			pfns[got++] = pfn;
	}
	KUNIT_ASSERT_EQ_MSG(test, got, n, "only %u free pageblocks", got);
}

/*
 * Keep only the pageblocks at @keep (types @types, @n of them), and
 * isolate every other pageblock of Normal; DMA is left alone (Normal
 * serves first).
 */
static void only_blocks(struct kunit *test, struct smm_buddy *b, const unsigned long *keep,
			const unsigned int *types, unsigned int n)
{
	struct smm_zone *z = normal(b);
	unsigned long pfn;
	unsigned int i;

	smm_drain_pages(b);
	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn += PB)
		if (smm_pfn_to_page(b->arena, pfn))
			set_type(test, b, pfn, SMM_MIGRATE_ISOLATE);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, pb_free(b, keep[i]), PB);
		KUNIT_ASSERT_EQ(test, smm_unset_pageblock_isolate(b, keep[i], types[i]), 0);
		KUNIT_ASSERT_EQ(test, mt_of(b, keep[i]), types[i]);
	}
	KUNIT_ASSERT_EQ(test, smm_buddy_check(b), 0);
}

static const unsigned int gfp_of[SMM_MIGRATE_PCPTYPES] = {
	[SMM_MIGRATE_UNMOVABLE]		= SMM_GFP_KERNEL,
	[SMM_MIGRATE_MOVABLE]		= __SMM_GFP_MOVABLE,
	[SMM_MIGRATE_RECLAIMABLE]	= __SMM_GFP_RECLAIMABLE,
};

/* The 6.12 table, written out again here so that a change to it fails. */
static const unsigned int want_fallback[SMM_MIGRATE_PCPTYPES][2] = {
	[SMM_MIGRATE_UNMOVABLE]		= { SMM_MIGRATE_RECLAIMABLE, SMM_MIGRATE_MOVABLE },
	[SMM_MIGRATE_MOVABLE]		= { SMM_MIGRATE_RECLAIMABLE, SMM_MIGRATE_UNMOVABLE },
	[SMM_MIGRATE_RECLAIMABLE]	= { SMM_MIGRATE_UNMOVABLE, SMM_MIGRATE_MOVABLE },
};

static const unsigned int start_types[] = {
	SMM_MIGRATE_UNMOVABLE, SMM_MIGRATE_MOVABLE, SMM_MIGRATE_RECLAIMABLE,
};

static void mt_desc(const unsigned int *mt, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", smm_migratetype_name(*mt));
}

KUNIT_ARRAY_PARAM(start_type, start_types, mt_desc);

/*
 * With its own type's lists empty, a request takes from its first
 * fallback, then (that one isolated) from its second, and never from a
 * type outside the table; an order-4 request takes the largest block, a
 * whole free pageblock, which changes type for it.
 */
static void pageblock_test_fallback_order(struct kunit *test)
{
	const unsigned int s = *(const unsigned int *)test->param_value;
	const unsigned int f1 = want_fallback[s][0], f2 = want_fallback[s][1];
	struct smm_buddy *b = new_stack(test, 32, true);
	const unsigned int types[] = { f1, f2 };
	unsigned long keep[2], p1, p2, steals, extfrag;
	struct smm_page *page;

	pick_blocks(test, b, keep, 2);
	only_blocks(test, b, keep, types, 2);
	p1 = keep[0];
	p2 = keep[1];
	KUNIT_EXPECT_EQ(test, smm_gfp_migratetype(b, gfp_of[s]), s);

	steals = smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL);
	extfrag = smm_buddy_stat(b, SMM_BUDDY_EXTFRAG);
	page = smm_alloc_pages(b, gfp_of[s], 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ_MSG(test, round_down(pfn_of(b, page), PB), p1,
			    "%s fell back to pfn %#lx, not the %s pageblock",
			    smm_migratetype_name(s), pfn_of(b, page), smm_migratetype_name(f1));
	/* The whole pageblock, free at order 9, is now the requester's. */
	KUNIT_EXPECT_EQ(test, mt_of(b, p1), s);
	KUNIT_EXPECT_EQ(test, mt_of(b, p2), f2);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL), steals + 1);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG), extfrag + 1);
	KUNIT_EXPECT_EQ(test, normal(b)->nr_free_mt[s], PB - 16);
	KUNIT_EXPECT_EQ(test, normal(b)->nr_free_mt[f1], 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 4), 0);

	/* Now without the first fallback (and without the stolen block). */
	set_type(test, b, p1, SMM_MIGRATE_ISOLATE);
	page = smm_alloc_pages(b, gfp_of[s], 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, round_down(pfn_of(b, page), PB), p2);
	KUNIT_EXPECT_EQ(test, mt_of(b, p2), s);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 4), 0);

	/* Nothing of a type in the table is left in Normal: DMA serves. */
	set_type(test, b, p2, SMM_MIGRATE_ISOLATE);
	page = smm_alloc_pages(b, gfp_of[s], 4);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), (unsigned int)SMM_ZONE_DMA);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 4), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * Fill the one pageblock at @pfn (type @mt, the only one Normal has) with
 * order-4 blocks of @mt, mark the pages of the first @lru of them as user
 * pages on an LRU list, and free @nfree of the others.
 */
static void fill_block(struct kunit *test, struct smm_buddy *b, unsigned long pfn,
		       unsigned int mt, unsigned int lru, unsigned int nfree)
{
	struct smm_page *blocks[PB / 16];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		blocks[i] = smm_alloc_pages(b, gfp_of[mt], 4);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, blocks[i]);
		KUNIT_ASSERT_EQ(test, round_down(pfn_of(b, blocks[i]), PB), pfn);
	}
	KUNIT_ASSERT_EQ(test, pb_free(b, pfn), 0UL);
	for (i = 0; i < lru; i++)
		for (j = 0; j < 16; j++)
			smm_page_set(blocks[i] + j, SMM_PG_LRU);
	for (i = 0; i < nfree; i++)
		KUNIT_ASSERT_EQ(test, smm_free_pages(b, blocks[ARRAY_SIZE(blocks) - 1 - i], 4), 0);
	KUNIT_ASSERT_EQ(test, pb_free(b, pfn), 16UL * nfree);
	KUNIT_ASSERT_EQ(test, mt_of(b, pfn), mt);
}

/**
 * struct steal_case - one fallback into a partly used pageblock
 * @name: what it shows
 * @block: the pageblock's type
 * @req: the request's type
 * @order: the request's order
 * @lru: order-4 blocks of the pageblock that are user pages on an LRU
 * @nfree: order-4 blocks of it that are free
 * @split3: then take one order-3 block of the pageblock's type, so that
 *	what is free is below order 4 (where a MOVABLE request may not claim)
 * @claim: steal_suitable_fallback() claims the pageblock
 */
struct steal_case {
	const char *name;
	unsigned int block, req, order, lru, nfree;
	bool split3, claim;
};

/*
 * free + alike >= 256 claims.  UNMOVABLE into MOVABLE: alike = 512 - free
 * - movable.  MOVABLE into UNMOVABLE: alike = movable.  UNMOVABLE into
 * RECLAIMABLE: alike = 0.  A MOVABLE request below order 4 may not claim.
 */
static const struct steal_case steal_cases[] = {
	{ "unmovable claims movable, 240 movable", SMM_MIGRATE_MOVABLE, SMM_MIGRATE_UNMOVABLE,
	  4, 15, 1, false, true },
	{ "unmovable leaves movable, 272 movable", SMM_MIGRATE_MOVABLE, SMM_MIGRATE_UNMOVABLE,
	  4, 17, 1, false, false },
	{ "movable claims unmovable, 16 free + 240 movable", SMM_MIGRATE_UNMOVABLE,
	  SMM_MIGRATE_MOVABLE, 4, 15, 1, false, true },
	{ "movable leaves unmovable, 16 free + 224 movable", SMM_MIGRATE_UNMOVABLE,
	  SMM_MIGRATE_MOVABLE, 4, 14, 1, false, false },
	{ "unmovable claims reclaimable, 256 free", SMM_MIGRATE_RECLAIMABLE,
	  SMM_MIGRATE_UNMOVABLE, 4, 0, 16, false, true },
	{ "unmovable leaves reclaimable, 240 free", SMM_MIGRATE_RECLAIMABLE,
	  SMM_MIGRATE_UNMOVABLE, 4, 0, 15, false, false },
	{ "movable from order 3 never claims, 8 free + 256 movable", SMM_MIGRATE_UNMOVABLE,
	  SMM_MIGRATE_MOVABLE, 1, 16, 1, true, false },
	{ "movable from order 4 claims, 16 free + 256 movable", SMM_MIGRATE_UNMOVABLE,
	  SMM_MIGRATE_MOVABLE, 1, 16, 1, false, true },
};

static void steal_desc(const struct steal_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(steal, steal_cases, steal_desc);

static void pageblock_test_steal(struct kunit *test)
{
	const struct steal_case *c = test->param_value;
	struct smm_buddy *b = new_stack(test, 32, true);
	struct smm_page *page, *held = NULL;
	unsigned long p, steals, extfrag, frag;

	pick_blocks(test, b, &p, 1);
	only_blocks(test, b, &p, &c->block, 1);
	fill_block(test, b, p, c->block, c->lru, c->nfree);
	if (c->split3) {
		held = smm_alloc_pages(b, gfp_of[c->block], 3);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, held);
		smm_drain_pages(b);
		KUNIT_ASSERT_EQ(test, pb_free(b, p), 8UL);
	}
	smm_drain_pages(b);
	steals = smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL);
	extfrag = smm_buddy_stat(b, SMM_BUDDY_EXTFRAG);
	frag = smm_buddy_stat(b, SMM_BUDDY_EXTFRAG_FRAGMENTING);

	migrate_disable();
	page = smm_alloc_pages(b, gfp_of[c->req], c->order);
	migrate_enable();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, round_down(pfn_of(b, page), PB), p);
	KUNIT_EXPECT_EQ_MSG(test, mt_of(b, p), c->claim ? c->req : c->block, "%s", c->name);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL), steals + c->claim);
	KUNIT_EXPECT_GT(test, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG), extfrag);
	/* Every fallback here took a block below the pageblock order. */
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG_FRAGMENTING) - frag,
			smm_buddy_stat(b, SMM_BUDDY_EXTFRAG) - extfrag);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	smm_drain_pages(b);
	/* What is free of the pageblock is on the lists of its type, all of it. */
	KUNIT_EXPECT_EQ(test, normal(b)->nr_free_mt[mt_of(b, p)], pb_free(b, p));
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, c->order), 0);
	if (held)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, held, 3), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * The 2.6.29 era: every request is UNMOVABLE whatever its modifiers,
 * every pageblock stays UNMOVABLE, nothing falls back or steals, and only
 * the Unmovable lists hold blocks.
 */
static void pageblock_test_old_era(struct kunit *test)
{
	struct smm_buddy *b = new_stack(test, 8, false);
	static const unsigned int gfps[] = {
		SMM_GFP_KERNEL, __SMM_GFP_MOVABLE, __SMM_GFP_RECLAIMABLE,
		SMM_GFP_HIGHUSER_MOVABLE,
	};
	struct smm_page *pages[64];
	unsigned int i, mt, z;

	for (i = 0; i < ARRAY_SIZE(gfps); i++)
		KUNIT_EXPECT_EQ(test, smm_gfp_migratetype(b, gfps[i]),
				(unsigned int)SMM_MIGRATE_UNMOVABLE);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = smm_alloc_pages(b, gfps[i % ARRAY_SIZE(gfps)], i % 6);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pages[i]);
	}
	for (i = 0; i < ARRAY_SIZE(pages); i += 2)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, pages[i], i % 6), 0);
	smm_drain_pages(b);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		struct smm_zone *zone = &b->zones[z];
		unsigned long blocks = 0;

		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			unsigned long n = smm_zone_pageblocks_of(b, zone, mt);

			blocks += n;
			if (mt != SMM_MIGRATE_UNMOVABLE) {
				KUNIT_EXPECT_EQ_MSG(test, n, 0UL, "%s %s", zone->name,
						    smm_migratetype_name(mt));
				KUNIT_EXPECT_EQ(test, zone->nr_free_mt[mt], 0UL);
			}
		}
		KUNIT_EXPECT_EQ(test, zone->nr_free_mt[SMM_MIGRATE_UNMOVABLE], zone->free_pages);
		if (zone->present_pages)
			KUNIT_EXPECT_GT(test, blocks, 0UL);
	}
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL), 0UL);
	/* Both modifiers at once are refused, in either era. */
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, SMM_GFP_MOVABLE_MASK, 0), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	for (i = 1; i < ARRAY_SIZE(pages); i += 2)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, pages[i], i % 6), 0);
}

/* Render smm_pagetypeinfo_show() into a buffer. */
static char *pagetypeinfo(struct kunit *test, struct smm_buddy *b)
{
	struct seq_file m = { };

	m.size = 4 * PAGE_SIZE;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	smm_pagetypeinfo_show(&m, b);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	m.buf[m.count] = '\0';
	return m.buf;
}

/* Blocks on one free list, counted under the lock. */
static unsigned long list_blocks(struct smm_zone *z, unsigned int o, unsigned int mt)
{
	unsigned long n;

	spin_lock(&z->lock);
	n = list_count_nodes(&z->free_area[o].free_list[mt]);
	spin_unlock(&z->lock);
	return n;
}

/*
 * pagetypeinfo in 6.12's format, parsed back: the header lines, one line
 * per populated zone and type whose numbers are the free lists' block
 * counts, and the pageblock table, whose rows sum to the zone's
 * pageblocks.
 */
static void pageblock_test_pagetypeinfo(struct kunit *test)
{
	struct smm_buddy *b = new_stack(test, 32, true);
	unsigned long keep[3];
	const unsigned int types[] = {
		SMM_MIGRATE_UNMOVABLE, SMM_MIGRATE_RECLAIMABLE, SMM_MIGRATE_MOVABLE,
	};
	char *buf, *line, *cur, want[128];
	unsigned int zi, mt, o, lines = 0, blines = 0;
	struct smm_page *page;

	pick_blocks(test, b, keep, 3);
	only_blocks(test, b, keep, types, 3);
	page = smm_alloc_pages(b, __SMM_GFP_RECLAIMABLE, 5);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	buf = pagetypeinfo(test, b);
	cur = buf;

	line = strsep(&cur, "\n");
	KUNIT_EXPECT_STREQ(test, line, "Page block order: 9");
	line = strsep(&cur, "\n");
	KUNIT_EXPECT_STREQ(test, line, "Pages per block:  512");
	line = strsep(&cur, "\n");
	KUNIT_EXPECT_STREQ(test, line, "");
	line = strsep(&cur, "\n");
	snprintf(want, sizeof(want), "%-43s ", "Free pages count per migrate type at order");
	KUNIT_EXPECT_EQ(test, strncmp(line, want, strlen(want)), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "     0      1 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(line, "    10 "));

	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_zone *z = &b->zones[zi];

		if (!z->present_pages)
			continue;
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			char *tok, *p;
			int n;

			line = strsep(&cur, "\n");
			KUNIT_ASSERT_NOT_NULL(test, line);
			snprintf(want, sizeof(want), "Node %4d, zone %8s, type %12s ", 0, z->name,
				 smm_migratetype_name(mt));
			KUNIT_ASSERT_EQ_MSG(test, strncmp(line, want, strlen(want)), 0, "%s", line);
			p = line + strlen(want);
			for (o = 0; o < b->max_order; o++) {
				unsigned long v;

				do {
					tok = strsep(&p, " ");
				} while (tok && !*tok);
				KUNIT_ASSERT_NOT_NULL(test, tok);
				n = kstrtoul(tok, 10, &v);
				KUNIT_ASSERT_EQ_MSG(test, n, 0, "%s", tok);
				KUNIT_EXPECT_EQ_MSG(test, v, list_blocks(z, o, mt),
						    "%s %s order %u", z->name,
						    smm_migratetype_name(mt), o);
			}
			lines++;
		}
	}
	/* The RECLAIMABLE pageblock, split by the order-5 request. */
	KUNIT_EXPECT_EQ(test, list_blocks(normal(b), 5, SMM_MIGRATE_RECLAIMABLE), 1UL);
	KUNIT_EXPECT_EQ(test, list_blocks(normal(b), 8, SMM_MIGRATE_RECLAIMABLE), 1UL);

	line = strsep(&cur, "\n");
	KUNIT_EXPECT_STREQ(test, line, "");
	line = strsep(&cur, "\n");
	KUNIT_ASSERT_NOT_NULL(test, line);
	snprintf(want, sizeof(want), "%-23s%12s %12s %12s %12s %12s ", "Number of blocks type ",
		 "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate");
	KUNIT_EXPECT_STREQ(test, line, want);
	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_zone *z = &b->zones[zi];
		unsigned long v, sum = 0, walked = 0, pfn;
		char *p, *tok;

		if (!z->present_pages)
			continue;
		line = strsep(&cur, "\n");
		KUNIT_ASSERT_NOT_NULL(test, line);
		snprintf(want, sizeof(want), "Node 0, zone %8s ", z->name);
		KUNIT_ASSERT_EQ(test, strncmp(line, want, strlen(want)), 0);
		p = line + strlen(want);
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			do {
				tok = strsep(&p, " ");
			} while (tok && !*tok);
			KUNIT_ASSERT_NOT_NULL(test, tok);
			KUNIT_ASSERT_EQ(test, kstrtoul(tok, 10, &v), 0);
			KUNIT_EXPECT_EQ(test, v, smm_zone_pageblocks_of(b, z, mt));
			sum += v;
		}
		for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages;
		     pfn += PB)
			walked += !!smm_pfn_to_page(b->arena, pfn);
		KUNIT_EXPECT_EQ(test, sum, walked);
		if (z == normal(b)) {
			KUNIT_EXPECT_EQ(test, smm_zone_pageblocks_of(b, z, SMM_MIGRATE_UNMOVABLE),
					1UL);
			KUNIT_EXPECT_EQ(test, smm_zone_pageblocks_of(b, z, SMM_MIGRATE_RECLAIMABLE),
					1UL);
			KUNIT_EXPECT_EQ(test, smm_zone_pageblocks_of(b, z, SMM_MIGRATE_MOVABLE),
					1UL);
			KUNIT_EXPECT_EQ(test, smm_zone_pageblocks_of(b, z, SMM_MIGRATE_ISOLATE),
					sum - 3);
		}
		blines++;
	}
	KUNIT_EXPECT_GT(test, lines, 0U);
	KUNIT_EXPECT_GT(test, blines, 0U);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, page, 5), 0);
}

/*
 * The per-type accounting after each batch of a random run: the lists of
 * each type hold what nr_free_mt says, and all but ISOLATE's make
 * free_pages; the pageblock table counts every pageblock once; and
 * smm_buddy_check() (lists against pageblock types, owners) is clean.
 */
static void check_accounting(struct kunit *test, struct smm_buddy *b, unsigned int batch)
{
	unsigned int zi, mt, o;

	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_zone *z = &b->zones[zi];
		unsigned long pages[SMM_MIGRATE_TYPES] = {}, free = 0, blocks = 0, walked = 0;
		unsigned long pfn;

		spin_lock(&z->lock);
		for (o = 0; o < b->max_order; o++) {
			for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
				struct smm_page *page;

				list_for_each_entry(page, &z->free_area[o].free_list[mt], lru)
					pages[mt] += 1UL << o;
			}
		}
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++) {
			KUNIT_EXPECT_EQ_MSG(test, pages[mt], z->nr_free_mt[mt], "batch %u %s %s",
					    batch, z->name, smm_migratetype_name(mt));
			if (mt != SMM_MIGRATE_ISOLATE)
				free += pages[mt];
		}
		KUNIT_EXPECT_EQ_MSG(test, free, z->free_pages, "batch %u %s", batch, z->name);
		spin_unlock(&z->lock);
		for (mt = 0; mt < SMM_MIGRATE_TYPES; mt++)
			blocks += smm_zone_pageblocks_of(b, z, mt);
		for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages;
		     pfn += PB)
			walked += !!smm_pfn_to_page(b->arena, pfn);
		KUNIT_EXPECT_EQ_MSG(test, blocks, walked, "batch %u %s", batch, z->name);
	}
	KUNIT_EXPECT_EQ_MSG(test, smm_buddy_check(b), 0, "batch %u", batch);
}

#define RAND_SEED	0x70b10c4
#define RAND_SLOTS	256
#define RAND_BATCHES	40
#define RAND_OPS	100

/*
 * Thousands of random allocations and frees, of random types and orders
 * (0..6, so the per-CPU lists, the free area and stealing all see use),
 * some user pages marked as on an LRU (so that claims go both ways), and
 * now and then a pageblock isolated or given back; the accounting is
 * checked after every batch, and at the end every page comes back.
 */
static void pageblock_test_random_accounting(struct kunit *test)
{
	struct smm_buddy *b = new_stack(test, 16, true);
	struct smm_page **slot = kunit_kcalloc(test, RAND_SLOTS, sizeof(*slot), GFP_KERNEL);
	unsigned int *ord = kunit_kcalloc(test, RAND_SLOTS, sizeof(*ord), GFP_KERNEL);
	unsigned long isolated = -1UL, free0, allocs = 0, fails = 0;
	struct rnd_state rnd;
	unsigned int batch, op, i;

	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_ASSERT_NOT_NULL(test, ord);
	kunit_info(test, "seed %#x", RAND_SEED);
	prandom_seed_state(&rnd, RAND_SEED);
	smm_drain_pages(b);
	free0 = smm_buddy_free_pages(b);

	for (batch = 0; batch < RAND_BATCHES; batch++) {
		for (op = 0; op < RAND_OPS; op++) {
			u32 r = prandom_u32_state(&rnd);

			i = r % RAND_SLOTS;
			if (slot[i]) {
				unsigned int j;

				for (j = 0; j < (1U << ord[i]); j++)
					smm_page_clear(slot[i] + j, SMM_PG_LRU);
				KUNIT_ASSERT_EQ(test, smm_free_pages(b, slot[i], ord[i]), 0);
				slot[i] = NULL;
				continue;
			}
			ord[i] = (r >> 8) % 7;
			slot[i] = smm_alloc_pages(b, gfp_of[(r >> 12) % SMM_MIGRATE_PCPTYPES],
						  ord[i]);
			if (IS_ERR(slot[i])) {
				slot[i] = NULL;
				fails++;
				continue;
			}
			allocs++;
			if ((r >> 16) % 3 == 0 && !ord[i])
				smm_page_set(slot[i], SMM_PG_LRU);
		}
		/* Now and then an isolation comes or goes. */
		if (batch % 5 == 4) {
			struct smm_zone *z = normal(b);
			unsigned long n = DIV_ROUND_UP(z->spanned_pages, PB);

			if (isolated != -1UL) {
				unsigned int mt = prandom_u32_state(&rnd) % SMM_MIGRATE_PCPTYPES;

				KUNIT_EXPECT_EQ(test,
						smm_unset_pageblock_isolate(b, isolated, mt), 0);
				isolated = -1UL;
			} else {
				isolated = z->zone_start_pfn + (prandom_u32_state(&rnd) % n) * PB;
				if (smm_set_pageblock_isolate(b, isolated))
					isolated = -1UL;
			}
		}
		check_accounting(test, b, batch);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "%lu allocations, %lu failed, %lu fallbacks, %lu pageblocks stolen",
		   allocs, fails, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG),
		   smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL));
	KUNIT_EXPECT_GT(test, smm_buddy_stat(b, SMM_BUDDY_EXTFRAG), 0UL);
	KUNIT_EXPECT_GT(test, smm_buddy_stat(b, SMM_BUDDY_PAGEBLOCK_STEAL), 0UL);

	for (i = 0; i < RAND_SLOTS; i++) {
		if (!slot[i])
			continue;
		smm_page_clear(slot[i], SMM_PG_LRU);
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, slot[i], ord[i]), 0);
	}
	if (isolated != -1UL)
		KUNIT_EXPECT_EQ(test, smm_unset_pageblock_isolate(b, isolated,
								  SMM_MIGRATE_MOVABLE), 0);
	smm_drain_pages(b);
	check_accounting(test, b, RAND_BATCHES);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
}

/* Bad input to the isolation helpers changes nothing. */
static void pageblock_test_isolate_bad_input(struct kunit *test)
{
	struct smm_buddy *b = new_stack(test, 32, true);
	unsigned long p, free0;

	pick_blocks(test, b, &p, 1);
	free0 = smm_buddy_free_pages(b);
	KUNIT_EXPECT_EQ(test, smm_set_pageblock_isolate(b, b->arena->end_pfn + PB), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_unset_pageblock_isolate(b, p, SMM_MIGRATE_MOVABLE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_unset_pageblock_isolate(b, p, SMM_MIGRATE_HIGHATOMIC), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_set_pageblock_isolate(b, p + 7), 0);
	KUNIT_EXPECT_EQ(test, mt_of(b, p), (unsigned int)SMM_MIGRATE_ISOLATE);
	KUNIT_EXPECT_EQ(test, smm_set_pageblock_isolate(b, p), -EBUSY);
	/* Its free pages left the free count, and nothing allocates them. */
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0 - pb_free(b, p));
	KUNIT_EXPECT_EQ(test, normal(b)->nr_free_mt[SMM_MIGRATE_ISOLATE], pb_free(b, p));
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_EQ(test, smm_unset_pageblock_isolate(b, p, SMM_MIGRATE_MOVABLE), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

static struct kunit_case pageblock_test_cases[] = {
	KUNIT_CASE_PARAM(pageblock_test_fallback_order, start_type_gen_params),
	KUNIT_CASE_PARAM(pageblock_test_steal, steal_gen_params),
	KUNIT_CASE(pageblock_test_old_era),
	KUNIT_CASE(pageblock_test_pagetypeinfo),
	KUNIT_CASE(pageblock_test_isolate_bad_input),
	KUNIT_CASE_SLOW(pageblock_test_random_accounting),
	{}
};

static struct kunit_suite pageblock_test_suite = {
	.name = "shadow_mm_pageblock",
	.test_cases = pageblock_test_cases,
};

kunit_test_suite(pageblock_test_suite);
