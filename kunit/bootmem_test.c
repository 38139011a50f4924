// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_bootmem": the bitmap boot allocator and
 * free_all_bootmem(), its handoff to the buddy allocator.
 *
 * Every case builds arena -> e820 -> early -> mem_map -> bootmem by hand, as
 * smm_instance_create() does, but stops there so that bootmem is still open;
 * the handoff cases then add the zones and run smm_free_all_bootmem()
 * themselves.  Where a result is predicted, the prediction comes from our
 * own first-fit scan of the bitmap (ref_fit()) and the documented order of
 * the search (goal or hint, then goal, then the bottom), never from
 * bootmem's own search.  Addresses are never hard-coded beyond the first
 * MiB landmarks: a 16 MiB chunk arena may have holes wherever the host put
 * its chunks.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shadow_mm/arena.h"
#include "shadow_mm/bootmem.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/e820.h"
#include "shadow_mm/early.h"
#include "shadow_mm/memmap.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))
#define NO_FIT		ULONG_MAX

/* The layers of one instance up to bootmem, plus the zones for the handoff. */
struct bm_stack {
	bool broken;
	unsigned long dma_pfn;
	unsigned long low_pfn;
	struct smm_arena arena;
	struct smm_e820_table e820;
	struct smm_early early;
	struct smm_memmap mm;
	struct smm_bootmem bm;
	struct smm_buddy buddy;
};

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy,
			    struct smm_arena *);
KUNIT_DEFINE_ACTION_WRAPPER(buddy_destroy_action, smm_buddy_destroy,
			    struct smm_buddy *);

/*
 * Build an open bootmem over an arena of @mb MiB.  The zone bounds are the
 * ones smm_instance_create() picks for a small arena: ZONE_DMA is the first
 * MiB, and highmem (which bootmem does not cover) the top eighth.
 */
static struct bm_stack *new_bm_stack(struct kunit *test, unsigned int mb)
{
	struct bm_stack *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	struct smm_arena *a;

	KUNIT_ASSERT_NOT_NULL(test, st);
	a = &st->arena;
	KUNIT_ASSERT_EQ(test, smm_arena_init(a, MB_PAGES(mb), SMM_ARENA_CHUNKS,
					     MAX_PAGE_ORDER), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_build(&st->e820, a, NULL), 0);
	smm_early_init(&st->early, &st->e820);
	st->dma_pfn = MB_PAGES(1);
	st->low_pfn = rounddown(a->end_pfn - a->nr_pages / 8, MB_PAGES(1));
	KUNIT_ASSERT_GT(test, st->low_pfn, st->dma_pfn);
	KUNIT_ASSERT_EQ(test, smm_memmap_init(&st->mm, a, &st->early,
					      SMM_PFN_PHYS(st->dma_pfn),
					      (const unsigned long[SMM_NR_ZONES]) {
						[SMM_ZONE_DMA] = st->dma_pfn,
						[SMM_ZONE_DMA32] = st->dma_pfn,
						[SMM_ZONE_NORMAL] = st->low_pfn,
						[SMM_ZONE_HIGHMEM] = a->end_pfn,
						[SMM_ZONE_MOVABLE] = a->end_pfn,
					      }, SMM_NR_ZONES), 0);
	KUNIT_ASSERT_EQ(test, smm_bootmem_init(&st->bm, a, &st->early, st->low_pfn,
					       st->dma_pfn), 0);
	return st;
}

/* Set up the zones and run free_all_bootmem(), as mem_init() would. */
static int handoff(struct kunit *test, struct bm_stack *st)
{
	int n;

	unsigned long top = max(st->arena.end_pfn, st->low_pfn);

	KUNIT_ASSERT_EQ(test, smm_buddy_init(&st->buddy, &st->arena, &st->broken,
					     SMM_MAX_ORDER_DEFAULT, SMM_ERA_2629,
					     (const unsigned long[SMM_NR_ZONES]) {
						st->dma_pfn, st->dma_pfn, st->low_pfn, top, top,
					     }), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buddy_destroy_action,
							&st->buddy), 0);
	n = smm_free_all_bootmem(&st->bm, &st->buddy, NULL);
	smm_buddy_setup_watermarks(&st->buddy);
	return n;
}

/*
 * Our own first fit: the first multiple of @step at or above @from where
 * @nr pages are clear and end at or below @max, or NO_FIT.
 */
static unsigned long ref_fit(const struct smm_bootmem *bm, unsigned long from,
			     unsigned long max, unsigned long nr, unsigned long step)
{
	unsigned long s, i;

	for (s = roundup(from, step); s + nr <= max; s += step) {
		for (i = 0; i < nr && !test_bit(s + i, bm->map); i++)
			;
		if (i == nr)
			return s;
	}
	return NO_FIT;
}

/*
 * Where a page-granular request (no packing) must land: from the hint if
 * that is above the goal, else from the goal; then from the goal; then from
 * the bottom.  A goal outside bootmem counts as no goal.
 */
static unsigned long ref_alloc(const struct smm_bootmem *bm, unsigned long goal,
			       unsigned long nr, unsigned long step)
{
	unsigned long start = goal < bm->low_pfn ? goal : 0, pfn = NO_FIT;

	if (bm->hint_idx > start && bm->hint_idx < bm->low_pfn)
		pfn = ref_fit(bm, bm->hint_idx, bm->low_pfn, nr, step);
	if (pfn == NO_FIT)
		pfn = ref_fit(bm, start, bm->low_pfn, nr, step);
	if (pfn == NO_FIT)
		pfn = ref_fit(bm, 0, bm->low_pfn, nr, step);
	return pfn;
}

/* Reserve every free page of [@from, low_pfn), so nothing fits up there. */
static void take_all_from(struct kunit *test, struct smm_bootmem *bm, unsigned long from)
{
	unsigned long rs = from, re;

	for_each_clear_bitrange_from(rs, re, bm->map, bm->low_pfn)
		KUNIT_ASSERT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(rs),
							  SMM_PFN_PHYS(re - rs)), 0);
	KUNIT_ASSERT_EQ(test, find_next_zero_bit(bm->map, bm->low_pfn, from), bm->low_pfn);
}

static unsigned long *snap_map(struct kunit *test, const struct smm_bootmem *bm)
{
	unsigned long *m = kunit_kcalloc(test, BITS_TO_LONGS(bm->low_pfn), sizeof(long),
					 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	bitmap_copy(m, bm->map, bm->low_pfn);
	return m;
}

static unsigned long *new_pfn_map(struct kunit *test, const struct smm_arena *a)
{
	unsigned long *m = kunit_kcalloc(test, BITS_TO_LONGS(a->end_pfn), sizeof(long),
					 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	return m;
}

static bool map_unchanged(const struct smm_bootmem *bm, const unsigned long *snap)
{
	return bitmap_equal(snap, bm->map, bm->low_pfn);
}

#define EXPECT_MAP_UNCHANGED(test, bm, snap)					\
	KUNIT_EXPECT_TRUE_MSG(test, map_unchanged(bm, snap), "the bitmap changed")

/* [@s, @e) are taken in the bitmap and owned by bootmem. */
static void expect_taken(struct kunit *test, const struct bm_stack *st,
			 unsigned long s, unsigned long e)
{
	unsigned long pfn, bad_bit = 0, bad_owner = 0;

	for (pfn = s; pfn < e; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(&st->arena, pfn);

		bad_bit += !test_bit(pfn, st->bm.map);
		bad_owner += !pg || pg->owner != SMM_OWNER_BOOTMEM ||
			     !smm_page_test(pg, SMM_PG_RESERVED);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_bit, 0UL, "pfn [%#lx, %#lx): clear bits", s, e);
	KUNIT_EXPECT_EQ_MSG(test, bad_owner, 0UL, "pfn [%#lx, %#lx): not bootmem's", s, e);
}

/* Whole pages of usable RAM, PFN_UP(addr)..PFN_DOWN(addr + size) of each entry. */
static unsigned long ram_pages(const struct smm_e820_table *t, unsigned long *map)
{
	unsigned long n = 0, pfn;
	unsigned int i;

	for (i = 0; i < t->nr_entries; i++) {
		const struct smm_e820_entry *en = &t->entries[i];

		if (en->type != SMM_E820_RAM)
			continue;
		for (pfn = SMM_PFN_UP(en->addr); pfn < SMM_PFN_DOWN(en->addr + en->size); pfn++) {
			if (map)
				__set_bit(pfn, map);
			n++;
		}
	}
	return n;
}

/* Mark the pages touched by the early reservations, except @skip's. */
static void mark_early(const struct smm_early *e, unsigned long *map, const char *skip)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		unsigned long s = SMM_PFN_DOWN(e->res[i].start);

		if (skip && !strcmp(e->res[i].name, skip))
			continue;
		bitmap_set(map, s, SMM_PFN_UP(e->res[i].end) - s);
	}
}

/* ---- init_bootmem() ---------------------------------------------------- */

/*
 * A page is free in a new bitmap exactly when it is whole usable RAM and no
 * early reservation touches it; the bitmap itself is one of those, labelled
 * "BOOTMEM", and lives inside the arena.
 */
static void bootmem_test_init_state(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 16);
	struct smm_bootmem *bm = &st->bm;
	unsigned long *ram = new_pfn_map(test, &st->arena);
	unsigned long *early = new_pfn_map(test, &st->arena);
	unsigned long pfn, expected = 0, bad = 0, first_bad = NO_FIT;
	unsigned int i, found = 0;

	ram_pages(&st->e820, ram);
	mark_early(&st->early, early, NULL);
	for (pfn = 0; pfn < bm->low_pfn; pfn++) {
		bool free = test_bit(pfn, ram) && !test_bit(pfn, early);

		expected += free;
		if (free == test_bit(pfn, bm->map)) {
			bad++;
			first_bad = min(first_bad, pfn);
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "wrong bits, first at pfn %#lx", first_bad);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), expected);
	KUNIT_EXPECT_GT(test, expected, 0UL);

	KUNIT_EXPECT_EQ(test, bm->low_pfn, st->low_pfn);
	KUNIT_EXPECT_EQ(test, bm->map_bytes, BITS_TO_LONGS(st->low_pfn) * sizeof(long));
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(bm->map_addr));
	KUNIT_EXPECT_PTR_EQ(test, (void *)bm->map,
			    smm_arena_pfn_to_virt(&st->arena, SMM_PFN_DOWN(bm->map_addr)));
	for (i = 0; i < st->early.nr; i++) {
		const struct smm_early_res *r = &st->early.res[i];

		if (strcmp(r->name, "BOOTMEM"))
			continue;
		found++;
		KUNIT_EXPECT_EQ(test, r->start, bm->map_addr);
		KUNIT_EXPECT_EQ(test, r->end, bm->map_addr + bm->map_bytes);
	}
	KUNIT_EXPECT_EQ(test, found, 1U);
	KUNIT_EXPECT_TRUE(test, test_bit(SMM_PFN_DOWN(bm->map_addr), bm->map));
	KUNIT_EXPECT_FALSE(test, bm->closed);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 0UL);
}

/* ---- __alloc_bootmem_core() -------------------------------------------- */

struct goal_case {
	const char *desc;
	unsigned int eighths;	/* the goal, in eighths of low memory */
};

static const struct goal_case goal_cases[] = {
	{ "no_goal", 0 }, { "1/8", 1 }, { "2/8", 2 }, { "3/8", 3 },
	{ "4/8", 4 }, { "5/8", 5 }, { "6/8", 6 }, { "7/8", 7 },
};

KUNIT_ARRAY_PARAM_DESC(goal, goal_cases, desc);

/*
 * With room at or above the goal, the block is the first fit there: it
 * never lands below the goal, and nothing between the goal and the block
 * could have held it.  A goal in the middle of a page counts from that page.
 */
static void bootmem_test_goal(struct kunit *test)
{
	const struct goal_case *c = test->param_value;
	struct bm_stack *st = new_bm_stack(test, 16);
	struct smm_bootmem *bm = &st->bm;
	const u64 size = 3 * PAGE_SIZE + 1;
	unsigned long goal = st->low_pfn * c->eighths / 8, want, free;
	u64 addr;

	want = ref_fit(bm, goal, bm->low_pfn, SMM_PFN_UP(size), 1);
	KUNIT_ASSERT_NE_MSG(test, want, NO_FIT, "no room above pfn %#lx", goal);
	free = smm_bootmem_free_pages(bm);

	addr = smm_alloc_bootmem(bm, size, PAGE_SIZE, SMM_PFN_PHYS(goal) + (goal ? 0x123 : 0));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	KUNIT_EXPECT_GE(test, addr, SMM_PFN_PHYS(goal));
	expect_taken(test, st, want, want + SMM_PFN_UP(size));
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free - SMM_PFN_UP(size));
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 1UL);

	/* The next block of the same goal comes after it, from the hint. */
	want = ref_alloc(bm, goal, 1, 1);
	KUNIT_ASSERT_NE(test, want, NO_FIT);
	addr = smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(goal));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	KUNIT_EXPECT_GE(test, addr, SMM_PFN_PHYS(goal) + size);
}

/* alloc_bootmem_pages(): page-aligned, at or above MAX_DMA_ADDRESS. */
static void bootmem_test_pages_above_dma(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long want;
	unsigned int i;
	u64 addr;

	for (i = 1; i <= 4; i++) {
		want = ref_alloc(bm, st->dma_pfn, i, 1);
		KUNIT_ASSERT_NE(test, want, NO_FIT);
		addr = smm_alloc_bootmem_pages(bm, i * PAGE_SIZE - 7);
		KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
		KUNIT_EXPECT_GE(test, addr, SMM_PFN_PHYS(st->dma_pfn));
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(addr));
	}
}

struct align_case {
	const char *desc;
	u64 align;
};

static const struct align_case align_cases[] = {
	{ "1", 1 }, { "2", 2 }, { "8", 8 }, { "64", 64 }, { "512", 512 },
	{ "half_page", PAGE_SIZE / 2 }, { "page", PAGE_SIZE }, { "2_pages", 2 * PAGE_SIZE },
	{ "16_pages", 16 * PAGE_SIZE }, { "64_pages", 64 * PAGE_SIZE }, { "1M", SZ_1M },
};

KUNIT_ARRAY_PARAM_DESC(align, align_cases, desc);

/*
 * Every block is aligned.  A sub-page alignment packs behind an odd-sized
 * previous block in its page; a larger one steps through the bitmap by the
 * alignment, so the block is the first aligned fit.
 */
static void bootmem_test_alignment(struct kunit *test)
{
	const u64 align = ((const struct align_case *)test->param_value)->align;
	const unsigned long step = max_t(u64, align >> PAGE_SHIFT, 1);
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long g, want;
	u64 first, addr, expect;

	/* A 100-byte block at the start of a page whose next page is free too. */
	g = ref_fit(bm, st->dma_pfn, bm->low_pfn, 2, 1);
	KUNIT_ASSERT_NE(test, g, NO_FIT);
	first = smm_alloc_bootmem(bm, 100, 1, SMM_PFN_PHYS(g));
	KUNIT_ASSERT_EQ(test, first, SMM_PFN_PHYS(g));

	if (align < PAGE_SIZE) {
		expect = ALIGN(first + 100, align);
	} else {
		want = ref_alloc(bm, g, 1, step);
		KUNIT_ASSERT_NE(test, want, NO_FIT);
		expect = SMM_PFN_PHYS(want);
	}
	addr = smm_alloc_bootmem(bm, 300, align, SMM_PFN_PHYS(g));
	KUNIT_EXPECT_EQ(test, addr, expect);
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(addr, align), "%#llx", addr);

	/* Far from the packing cursor, a page-sized block: the first aligned fit. */
	want = ref_alloc(bm, bm->low_pfn / 2 + 1, 2, step);
	KUNIT_ASSERT_NE(test, want, NO_FIT);
	addr = smm_alloc_bootmem(bm, PAGE_SIZE + 1, align, SMM_PFN_PHYS(bm->low_pfn / 2 + 1));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(addr, align), "%#llx", addr);
	expect_taken(test, st, want, want + 2);
}

/*
 * Small blocks share a page: the second starts right after the first,
 * rounded up to its alignment, in the same page, and the page after stays
 * free.  A block whose aligned start would lie past the end of the page,
 * or whose next page is taken, moves on to a page of its own.
 */
static void bootmem_test_subpage_packing(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long f, free;
	u64 a, b, h, i, j;

	f = ref_fit(bm, bm->low_pfn / 2, bm->low_pfn, 8, 1);
	KUNIT_ASSERT_NE(test, f, NO_FIT);
	free = smm_bootmem_free_pages(bm);

	a = smm_alloc_bootmem(bm, 100, 8, SMM_PFN_PHYS(f));
	KUNIT_ASSERT_EQ(test, a, SMM_PFN_PHYS(f));
	b = smm_alloc_bootmem(bm, 200, 64, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, b, a + ALIGN(100, 64));
	KUNIT_EXPECT_EQ(test, SMM_PFN_DOWN(b), f);
	KUNIT_EXPECT_FALSE_MSG(test, test_bit(f + 1, bm->map), "packing took the next page");
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free - 1);
	expect_taken(test, st, f, f + 1);

	/* The page after the shared one is taken: the next block cannot pack. */
	KUNIT_ASSERT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f + 1), PAGE_SIZE), 0);
	h = smm_alloc_bootmem(bm, 64, 8, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, h, SMM_PFN_PHYS(f + 2));

	/* It packs again behind that one... */
	i = smm_alloc_bootmem(bm, 64, PAGE_SIZE / 2, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, i, h + PAGE_SIZE / 2);
	KUNIT_EXPECT_EQ(test, SMM_PFN_DOWN(i), f + 2);
	/* ...but a third aligned start would be the end of the page: a new page. */
	j = smm_alloc_bootmem(bm, 64, PAGE_SIZE / 2, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, j, SMM_PFN_PHYS(f + 3));
	expect_taken(test, st, f, f + 4);
	KUNIT_EXPECT_FALSE(test, test_bit(f + 4, bm->map));
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free - 4);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 5UL);
}

/*
 * A block larger than the room left in the shared page still starts there,
 * right after the previous block, and runs on into the next page, which it
 * takes (__alloc_bootmem_core(): the block is searched from the next page,
 * then moved back into the partial one).  The next small block packs
 * behind it in that page.
 */
static void bootmem_test_subpage_spill(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long f;
	u64 a, c, k;

	f = ref_fit(bm, bm->low_pfn / 2, bm->low_pfn, 4, 1);
	KUNIT_ASSERT_NE(test, f, NO_FIT);
	a = smm_alloc_bootmem(bm, 100, 8, SMM_PFN_PHYS(f));
	KUNIT_ASSERT_EQ(test, a, SMM_PFN_PHYS(f));

	c = smm_alloc_bootmem(bm, PAGE_SIZE - 92, 8, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, c, a + 104);
	KUNIT_EXPECT_EQ(test, SMM_PFN_DOWN(c + PAGE_SIZE - 92 - 1), f + 1);
	expect_taken(test, st, f, f + 2);
	KUNIT_EXPECT_FALSE(test, test_bit(f + 2, bm->map));

	k = smm_alloc_bootmem(bm, 16, 8, SMM_PFN_PHYS(f));
	KUNIT_EXPECT_EQ(test, k, SMM_PFN_PHYS(f + 1) + 16);
	KUNIT_EXPECT_FALSE(test, test_bit(f + 2, bm->map));
}

/*
 * A later request continues from where the last one ended, even with a
 * lower goal; when nothing fits above the hint it falls back to its goal,
 * and when nothing fits above the goal it wraps around to the bottom.
 */
static void bootmem_test_wraparound(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long top = bm->low_pfn - 1, hi, lo, want;
	u64 addr;

	/* No room for two pages above a goal at the last page: below it. */
	want = ref_fit(bm, 0, bm->low_pfn, 2, 1);
	KUNIT_ASSERT_LT(test, want, top);
	addr = smm_alloc_bootmem(bm, 2 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(top));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	KUNIT_EXPECT_LT(test, addr, SMM_PFN_PHYS(top));

	/* A block high up leaves the hint behind it. */
	hi = ref_fit(bm, bm->low_pfn / 2, bm->low_pfn, 8, 1);
	KUNIT_ASSERT_NE(test, hi, NO_FIT);
	addr = smm_alloc_bootmem(bm, 4 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(hi));
	KUNIT_ASSERT_EQ(test, addr, SMM_PFN_PHYS(hi));

	/* A lower goal with room at it still continues from the hint. */
	lo = ref_fit(bm, st->dma_pfn, hi, 1, 1);
	KUNIT_ASSERT_LT(test, lo, hi);
	addr = smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(lo));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(hi + 4));

	/* Nothing above the hint: back to the goal. */
	take_all_from(test, bm, hi + 5);
	addr = smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(lo));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(lo));

	/* Nothing at or above the goal: around to the bottom. */
	take_all_from(test, bm, lo);
	want = ref_fit(bm, 0, bm->low_pfn, 1, 1);
	KUNIT_ASSERT_LT(test, want, lo);
	addr = smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(lo));
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	KUNIT_EXPECT_LT(test, addr, SMM_PFN_PHYS(lo));
}

/*
 * One page at a time, bootmem hands out exactly its free pages, then fails;
 * a page freed afterwards is found again.  A request larger than every free
 * run fails and changes nothing, however many pages are free.
 */
static void bootmem_test_exhaustion(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long free = smm_bootmem_free_pages(bm), n = 0, rs, re, longest = 0;
	unsigned long *snap;
	u64 addr, mid = SMM_BOOTMEM_FAIL;

	for_each_clear_bitrange(rs, re, bm->map, bm->low_pfn)
		longest = max(longest, re - rs);
	KUNIT_ASSERT_GT(test, longest, 0UL);
	snap = snap_map(test, bm);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, SMM_PFN_PHYS(longest + 1), PAGE_SIZE, 0),
			SMM_BOOTMEM_FAIL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 0UL);

	while ((addr = smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, 0)) != SMM_BOOTMEM_FAIL) {
		if (++n == free / 2)
			mid = addr;
		if (n > free)
			break;
	}
	KUNIT_EXPECT_EQ(test, n, free);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), 0UL);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, free);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, 1, 1, 0), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem_low(bm, 1, 1), SMM_BOOTMEM_FAIL);

	KUNIT_ASSERT_NE(test, mid, SMM_BOOTMEM_FAIL);
	KUNIT_ASSERT_EQ(test, smm_free_bootmem(bm, mid, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), 1UL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, 0), mid);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), 0UL);
}

/* ---- free_bootmem() and reserve_bootmem() ------------------------------ */

/*
 * Freeing what is not allocated is refused, counted, and leaves the bitmap
 * as it was, also when only part of the range is free.
 */
static void bootmem_test_double_free(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long free, bad, *snap, z;
	u64 x, y;

	x = smm_alloc_bootmem(bm, 2 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(st->dma_pfn));
	KUNIT_ASSERT_NE(test, x, SMM_BOOTMEM_FAIL);
	KUNIT_ASSERT_EQ(test, smm_free_bootmem(bm, x, 2 * PAGE_SIZE), 0);

	snap = snap_map(test, bm);
	free = smm_bootmem_free_pages(bm);
	bad = bm->nr_bad_free;
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, x, 2 * PAGE_SIZE), -EINVAL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, bad + 1);

	/* Half of the range still allocated: refused all the same. */
	y = smm_alloc_bootmem(bm, 2 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(st->dma_pfn));
	KUNIT_ASSERT_NE(test, y, SMM_BOOTMEM_FAIL);
	KUNIT_ASSERT_EQ(test, smm_free_bootmem(bm, y, PAGE_SIZE), 0);
	snap = snap_map(test, bm);
	free = smm_bootmem_free_pages(bm);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, y, 2 * PAGE_SIZE), -EINVAL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, bad + 2);
	expect_taken(test, st, SMM_PFN_DOWN(y) + 1, SMM_PFN_DOWN(y) + 2);

	/* A page nobody ever allocated. */
	z = ref_fit(bm, bm->low_pfn / 2, bm->low_pfn, 1, 1);
	KUNIT_ASSERT_NE(test, z, NO_FIT);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, SMM_PFN_PHYS(z), PAGE_SIZE), -EINVAL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, bad + 3);
}

/* free_bootmem() releases only the pages wholly inside the range. */
static void bootmem_test_free_whole_pages(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long x, free, i, *snap;
	u64 addr;

	addr = smm_alloc_bootmem(bm, 3 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(st->dma_pfn));
	KUNIT_ASSERT_NE(test, addr, SMM_BOOTMEM_FAIL);
	x = SMM_PFN_DOWN(addr);
	free = smm_bootmem_free_pages(bm);

	/* No whole page in the range: nothing to do, and no error. */
	snap = snap_map(test, bm);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, addr + 1, PAGE_SIZE - 2), 0);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, addr + PAGE_SIZE / 2, PAGE_SIZE), 0);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, 0UL);

	/* [addr + 100, addr + 3 pages) holds pages x + 1 and x + 2 only. */
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, addr + 100, 3 * PAGE_SIZE - 100), 0);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free + 2);
	expect_taken(test, st, x, x + 1);
	for (i = x + 1; i < x + 3; i++) {
		const struct smm_page *pg = smm_pfn_to_page(&st->arena, i);

		KUNIT_EXPECT_FALSE(test, test_bit(i, bm->map));
		KUNIT_EXPECT_EQ(test, pg->owner, SMM_OWNER_FREE);
		KUNIT_EXPECT_FALSE(test, smm_page_test(pg, SMM_PG_RESERVED));
	}
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, addr, PAGE_SIZE), 0);
	KUNIT_EXPECT_FALSE(test, test_bit(x, bm->map));
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free + 3);
}

/*
 * reserve_bootmem() is exclusive and takes every page it touches: a range
 * that overlaps a taken page is refused with -EBUSY and changes nothing.
 */
static void bootmem_test_reserve_overlap(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long f, free, *snap;

	f = ref_fit(bm, bm->low_pfn / 2, bm->low_pfn, 4, 1);
	KUNIT_ASSERT_NE(test, f, NO_FIT);
	KUNIT_ASSERT_EQ(test, smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(f)),
			SMM_PFN_PHYS(f));
	free = smm_bootmem_free_pages(bm);
	snap = snap_map(test, bm);

	/* Touches page f, which is allocated, and f + 1, which is not. */
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f) + 100, PAGE_SIZE), -EBUSY);
	/* Page 0 is the BIOS's. */
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, 0, PAGE_SIZE), -EBUSY);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free);

	/* 20 bytes inside page f + 1 reserve the whole page, once. */
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f + 1) + 10, 20), 0);
	expect_taken(test, st, f + 1, f + 2);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free - 1);
	snap = snap_map(test, bm);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f + 1), PAGE_SIZE), -EBUSY);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f + 1), 3 * PAGE_SIZE),
			-EBUSY);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f + 2), 2 * PAGE_SIZE), 0);
	expect_taken(test, st, f, f + 4);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free - 3);
	/* Reserving is not allocating. */
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 1UL);
}

/* Malformed requests fail without touching the bitmap. */
static void bootmem_test_bad_args(struct kunit *test)
{
	static const u64 bad_aligns[] = { 3, 24, 100, PAGE_SIZE + 1, 3 * PAGE_SIZE };
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	const u64 low = SMM_PFN_PHYS(st->low_pfn);
	unsigned long *snap = snap_map(test, bm), free = smm_bootmem_free_pages(bm);
	unsigned int i;
	u64 addr;

	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, 0, 0, 0), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, 0, PAGE_SIZE, 0), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem_low(bm, 0, 8), SMM_BOOTMEM_FAIL);
	for (i = 0; i < ARRAY_SIZE(bad_aligns); i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_alloc_bootmem(bm, 64, bad_aligns[i], 0),
				    SMM_BOOTMEM_FAIL, "align %llu", bad_aligns[i]);
	/* Below a one-page limit there is only the BIOS page. */
	KUNIT_EXPECT_EQ(test, __smm_alloc_bootmem(bm, 64, 8, 0, PAGE_SIZE), SMM_BOOTMEM_FAIL);
	/* More than bootmem covers. */
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, low + PAGE_SIZE, PAGE_SIZE, 0),
			SMM_BOOTMEM_FAIL);

	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, SMM_E820_1M, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_E820_1M, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, low, PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, low - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, low - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, U64_MAX - 10, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, U64_MAX - 10, 100), -EINVAL);

	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), free);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 0UL);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, 0UL);

	/* An alignment of 0 means 1. */
	addr = smm_alloc_bootmem(bm, 10, 0, 0);
	KUNIT_EXPECT_NE(test, addr, SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 1UL);
}

/*
 * A range that ends within a page of the top of the address space is
 * outside bootmem as much as any other and must be refused.
 *
 * Rounding the end up to a page would wrap to 0 for these ranges; the
 * checks must compare bytes.  A wrong answer here writes far past the
 * bitmap.
 */
static void bootmem_test_range_overflow(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long *snap = snap_map(test, bm);

	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, 0, U64_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, PAGE_SIZE, U64_MAX - PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, 0, U64_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, PAGE_SIZE, U64_MAX - PAGE_SIZE), -EINVAL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 0UL);
	KUNIT_EXPECT_EQ(test, bm->nr_bad_free, 0UL);
}

/*
 * A size within a page of U64_MAX must fail like any other size larger
 * than memory.
 *
 * SMM_PFN_UP(@size) would wrap to 0 for these sizes, and an empty block
 * would "fit": __smm_alloc_bootmem() must refuse them before it searches.
 */
static void bootmem_test_size_overflow(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long *snap = snap_map(test, bm);

	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, U64_MAX, 1, 0), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, U64_MAX - PAGE_SIZE + 2, 1, 0),
			SMM_BOOTMEM_FAIL);
	EXPECT_MAP_UNCHANGED(test, bm, snap);
}

/*
 * alloc_bootmem_low() stays below the end of ZONE_DMA, until that is full,
 * while memory above it is still free.
 */
static void bootmem_test_low_below_dma(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	const u64 limit = SMM_PFN_PHYS(st->dma_pfn);
	unsigned long n = 0, above = 0, want;
	u64 addr;

	want = ref_fit(bm, 0, st->dma_pfn, 1, 1);
	KUNIT_ASSERT_NE(test, want, NO_FIT);
	addr = smm_alloc_bootmem_low(bm, 100, 16);
	KUNIT_EXPECT_EQ(test, addr, SMM_PFN_PHYS(want));
	addr = smm_alloc_bootmem_low(bm, 2 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_NE(test, addr, SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_LE(test, addr + 2 * PAGE_SIZE, limit);

	while ((addr = smm_alloc_bootmem_low(bm, PAGE_SIZE, PAGE_SIZE)) != SMM_BOOTMEM_FAIL) {
		above += addr + PAGE_SIZE > limit;
		if (++n > st->dma_pfn)
			break;
	}
	KUNIT_EXPECT_GT(test, n, 0UL);
	KUNIT_EXPECT_EQ_MSG(test, above, 0UL, "blocks past the DMA limit");
	KUNIT_EXPECT_EQ(test, find_next_zero_bit(bm->map, st->dma_pfn, 0), st->dma_pfn);
	KUNIT_EXPECT_GT(test, smm_bootmem_free_pages(bm), 0UL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem_low(bm, 1, 1), SMM_BOOTMEM_FAIL);
	addr = smm_alloc_bootmem(bm, 1, 1, 0);
	KUNIT_EXPECT_NE(test, addr, SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_GE(test, addr, limit);
}

static void fill(const struct smm_arena *a, unsigned long pfn, unsigned long nr, int c)
{
	while (nr--)
		memset(smm_arena_pfn_to_virt(a, pfn++), c, PAGE_SIZE);
}

/*
 * The memory comes back zeroed, whatever was there before, and packing a
 * block into a shared page leaves its neighbour's bytes alone.
 */
static void bootmem_test_zeroing(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	const struct smm_arena *a = &st->arena;
	unsigned long want, i;
	u8 *p;
	u64 addr, b;

	want = ref_fit(bm, st->dma_pfn, bm->low_pfn, 5, 1);
	KUNIT_ASSERT_NE(test, want, NO_FIT);
	fill(a, want, 5, 0xa5);
	addr = smm_alloc_bootmem(bm, 3 * PAGE_SIZE + 100, PAGE_SIZE, SMM_PFN_PHYS(want));
	KUNIT_ASSERT_EQ(test, addr, SMM_PFN_PHYS(want));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(smm_arena_pfn_to_virt(a, want + i), 0,
						       PAGE_SIZE), "page %lu", i);
	p = smm_arena_pfn_to_virt(a, want + 3);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 100));
	/* The rest of the last page is not part of the block. */
	KUNIT_EXPECT_EQ(test, p[100], 0xa5);

	/* Packed into the same page: zeroed, and the first block untouched. */
	memset(p, 0xee, 100);
	b = smm_alloc_bootmem(bm, 200, 8, SMM_PFN_PHYS(want));
	KUNIT_ASSERT_EQ(test, b, addr + 3 * PAGE_SIZE + 104);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 104, 0, 200));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0xee, 100));
}

/* ---- free_all_bootmem() ------------------------------------------------ */

/*
 * After the handoff bootmem is closed: every call fails, and a second
 * free_all_bootmem() hands nothing over twice.
 */
static void bootmem_test_closed_after_handoff(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 8);
	struct smm_bootmem *bm = &st->bm;
	unsigned long free, f;
	int n;

	f = ref_fit(bm, st->dma_pfn, bm->low_pfn, 2, 1);
	KUNIT_ASSERT_NE(test, f, NO_FIT);
	n = handoff(test, st);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_TRUE(test, bm->closed);
	free = smm_buddy_free_pages(&st->buddy);

	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem(bm, PAGE_SIZE, PAGE_SIZE, 0), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem_pages(bm, PAGE_SIZE), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_alloc_bootmem_low(bm, 8, 8), SMM_BOOTMEM_FAIL);
	KUNIT_EXPECT_EQ(test, smm_free_bootmem(bm, SMM_PFN_PHYS(f), PAGE_SIZE), -EPERM);
	KUNIT_EXPECT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f), PAGE_SIZE), -EPERM);
	KUNIT_EXPECT_EQ(test, smm_free_all_bootmem(bm, &st->buddy, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, smm_bootmem_free_pages(bm), 0UL);

	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy), free);
	KUNIT_EXPECT_EQ(test, bm->handed_over, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, bm->nr_allocs, 0UL);
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(&st->arena, f)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
}

static enum smm_zone_type zone_of(const struct bm_stack *st, unsigned long pfn)
{
	if (pfn < st->dma_pfn)
		return SMM_ZONE_DMA;
	return pfn < st->low_pfn ? SMM_ZONE_NORMAL : SMM_ZONE_HIGHMEM;
}

/*
 * The handoff accounts for every whole page of usable RAM, counted here
 * from the e820 map: it goes to the zone its PFN lies in, unless bootmem or
 * an early reservation still holds it.  The bitmap itself goes too.
 */
static void bootmem_test_handoff_accounting(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 16);
	struct smm_bootmem *bm = &st->bm;
	struct smm_buddy *b = &st->buddy;
	unsigned long *ram = new_pfn_map(test, &st->arena);
	unsigned long *kept = new_pfn_map(test, &st->arena);
	unsigned long usable, want_kept = 0, want_zone[SMM_NR_ZONES] = {}, managed = 0;
	unsigned long pfn, ms, me, bad_owner = 0, bad_kept = 0, f;
	unsigned int i, z;
	u64 x, y;
	int n;

	/* Bootmem in use before the handoff: a block, a packed one, a reservation. */
	x = smm_alloc_bootmem(bm, 5 * PAGE_SIZE, PAGE_SIZE, 0);
	KUNIT_ASSERT_NE(test, x, SMM_BOOTMEM_FAIL);
	bitmap_set(kept, SMM_PFN_DOWN(x), 5);
	y = smm_alloc_bootmem(bm, 100, 8, SMM_PFN_PHYS(bm->low_pfn / 2));
	KUNIT_ASSERT_NE(test, y, SMM_BOOTMEM_FAIL);
	__set_bit(SMM_PFN_DOWN(y), kept);
	f = ref_fit(bm, bm->low_pfn * 3 / 4, bm->low_pfn, 3, 1);
	KUNIT_ASSERT_NE(test, f, NO_FIT);
	KUNIT_ASSERT_EQ(test, smm_reserve_bootmem(bm, SMM_PFN_PHYS(f), 3 * PAGE_SIZE), 0);
	bitmap_set(kept, f, 3);
	/* The early reservations stay, except the bitmap's own. */
	mark_early(&st->early, kept, "BOOTMEM");
	ms = SMM_PFN_DOWN(bm->map_addr);
	me = SMM_PFN_UP(bm->map_addr + bm->map_bytes);

	usable = ram_pages(&st->e820, ram);
	for_each_set_bit(pfn, ram, st->arena.end_pfn) {
		if (test_bit(pfn, kept))
			want_kept++;
		else
			want_zone[zone_of(st, pfn)]++;
	}

	n = handoff(test, st);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, bm->handed_over, (unsigned long)n);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		KUNIT_EXPECT_EQ_MSG(test, b->zones[z].managed_pages, want_zone[z], "zone %s",
				    b->zones[z].name);
		managed += b->zones[z].managed_pages;
	}
	KUNIT_EXPECT_EQ(test, managed, bm->handed_over);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), bm->handed_over);
	KUNIT_EXPECT_EQ(test, bm->handed_over + bm->kept_reserved, usable);
	KUNIT_EXPECT_EQ(test, bm->kept_reserved, want_kept);

	/* Pages given away belong to the buddy allocator; the others do not. */
	for_each_set_bit(pfn, ram, st->arena.end_pfn) {
		const struct smm_page *pg = smm_pfn_to_page(&st->arena, pfn);

		if (test_bit(pfn, kept))
			bad_kept += pg->owner != SMM_OWNER_BOOTMEM && pg->owner != SMM_OWNER_EARLY;
		else
			bad_owner += pg->owner != SMM_OWNER_BUDDY;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_owner, 0UL, "handed-over pages not owned by the buddy");
	KUNIT_EXPECT_EQ_MSG(test, bad_kept, 0UL, "kept pages given away");

	/* The bitmap's pages went last, and its early reservation is gone. */
	KUNIT_EXPECT_LT(test, ms, me);
	for (pfn = ms; pfn < me; pfn++)
		KUNIT_EXPECT_EQ_MSG(test, smm_pfn_to_page(&st->arena, pfn)->owner,
				    SMM_OWNER_BUDDY, "bitmap page %#lx", pfn);
	for (i = 0; i < st->early.nr; i++)
		KUNIT_EXPECT_STRNEQ(test, st->early.res[i].name, "BOOTMEM");
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, st->broken);
}

/*
 * The free blocks the buddy allocator must end with when it holds exactly
 * the pages of @want: each run of them inside one zone, cut greedily into
 * the largest aligned blocks below max_order.  With every merge done, a
 * buddy allocator's free lists are exactly this, whatever order the pages
 * came in.
 */
static void ref_blocks(const struct bm_stack *st, const unsigned long *want,
		       unsigned long blocks[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT])
{
	const unsigned long bounds[SMM_NR_ZONES + 1] = {
		[SMM_ZONE_DMA + 1] = st->dma_pfn, [SMM_ZONE_DMA32 + 1] = st->dma_pfn,
		[SMM_ZONE_NORMAL + 1] = st->low_pfn, [SMM_ZONE_HIGHMEM + 1] = st->arena.end_pfn,
		[SMM_ZONE_MOVABLE + 1] = st->arena.end_pfn,
	};
	unsigned int z, order, top = SMM_MAX_ORDER_DEFAULT - 1;
	unsigned long rs, re;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		rs = bounds[z];
		for_each_set_bitrange_from(rs, re, want, bounds[z + 1]) {
			while (rs < re) {
				order = min_t(unsigned int, top, rs ? __ffs(rs) : top);
				while (rs + (1UL << order) > re)
					order--;
				blocks[z][order]++;
				rs += 1UL << order;
			}
		}
	}
}

/*
 * free_all_bootmem() in bulk: the pages handed over are exactly the clear
 * bits of the bitmap (present ones), the usable highmem that no early
 * reservation holds, and the bitmap's own pages; each descriptor says so
 * (owner, PG_reserved, zone); the free lists are the fully merged blocks
 * of that set; and low memory got there in whole blocks: freeing page by
 * page would take a merge per page, the bulk handoff only a few, where the
 * bitmap's pages join their neighbours.  HighMem goes page by page, as
 * set_highmem_pages_init() did, and merges as it goes.
 */
static void bootmem_test_handoff_bulk(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 16);
	struct smm_bootmem *bm = &st->bm;
	struct smm_buddy *b = &st->buddy;
	const struct smm_arena *a = &st->arena;
	unsigned long *want = new_pfn_map(test, a);
	unsigned long *early = new_pfn_map(test, a);
	unsigned long (*blocks)[SMM_MAX_ORDER_LIMIT];
	unsigned long pfn, ms, me, nr_want, merges, bad_owner = 0, bad_flags = 0;
	unsigned int z, o;
	u64 x;
	int n;

	blocks = kunit_kzalloc(test, sizeof(unsigned long[SMM_NR_ZONES][SMM_MAX_ORDER_LIMIT]),
			       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, blocks);
	/* Some bootmem in use, so the clear runs have edges inside sections. */
	x = smm_alloc_bootmem(bm, 37 * PAGE_SIZE, PAGE_SIZE, SMM_PFN_PHYS(st->low_pfn / 3));
	KUNIT_ASSERT_NE(test, x, SMM_BOOTMEM_FAIL);
	KUNIT_ASSERT_NE(test, smm_alloc_bootmem(bm, 100, 8, 0), SMM_BOOTMEM_FAIL);

	for (pfn = 0; pfn < bm->low_pfn; pfn++)
		if (!test_bit(pfn, bm->map) && smm_arena_pfn_valid(a, pfn))
			__set_bit(pfn, want);
	ms = SMM_PFN_DOWN(bm->map_addr);
	me = SMM_PFN_UP(bm->map_addr + bm->map_bytes);
	bitmap_set(want, ms, me - ms);
	ram_pages(&st->e820, early);	/* borrow: usable RAM... */
	for (pfn = bm->low_pfn; pfn < a->end_pfn; pfn++)
		if (test_bit(pfn, early))
			__set_bit(pfn, want);
	bitmap_zero(early, a->end_pfn);
	mark_early(&st->early, early, "BOOTMEM");	/* ...less early_res */
	pfn = bm->low_pfn;
	for_each_set_bit_from(pfn, early, a->end_pfn)
		__clear_bit(pfn, want);
	nr_want = bitmap_weight(want, a->end_pfn);
	ref_blocks(st, want, blocks);

	n = handoff(test, st);
	KUNIT_EXPECT_EQ(test, (unsigned long)n, nr_want);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), nr_want);

	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(a, pfn);

		if (!pg)
			continue;
		if (test_bit(pfn, want)) {
			bad_owner += pg->owner != SMM_OWNER_BUDDY;
			bad_flags += smm_page_test(pg, SMM_PG_RESERVED) ||
				     smm_page_zonenum(pg) != zone_of(st, pfn) ||
				     pg->refcount;
		} else {
			bad_owner += pg->owner == SMM_OWNER_BUDDY;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_owner, 0UL, "pages handed over or kept wrongly");
	KUNIT_EXPECT_EQ_MSG(test, bad_flags, 0UL, "handed-over pages reserved or wrongly zoned");

	for (z = 0; z < SMM_NR_ZONES; z++)
		for (o = 0; o < b->max_order; o++)
			KUNIT_EXPECT_EQ_MSG(test, b->zones[z].free_area[o].nr_free, blocks[z][o],
					    "zone %s order %u", b->zones[z].name, o);
	merges = smm_buddy_stat(b, SMM_BUDDY_MERGE);
	kunit_info(test, "%lu pages handed over with %lu merges\n", nr_want, merges);
	/*
	 * Low memory goes in blocks: a few merges.  HighMem goes page by
	 * page (add_one_highpage_init()): each page after the first of an
	 * aligned pair merges at least once.
	 */
	KUNIT_EXPECT_LE(test, merges, 4UL * b->max_order + bm->high_pages);
	KUNIT_EXPECT_GE(test, merges, bm->high_pages / 2);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
	KUNIT_EXPECT_FALSE(test, st->broken);
}

/*
 * Highmem is handed over from the e820 map less early_res, as
 * add_highpages_with_active_regions() did: a reservation made after the
 * mem_map was set up, in parts of pages, keeps every page it touches, and
 * the pages around it still go.  The counts still add up.
 */
static void bootmem_test_handoff_highmem_reserved(struct kunit *test)
{
	struct bm_stack *st = new_bm_stack(test, 16);
	struct smm_bootmem *bm = &st->bm;
	const struct smm_arena *a = &st->arena;
	unsigned long *ram = new_pfn_map(test, a);
	unsigned long p, usable;
	int n;

	usable = ram_pages(&st->e820, ram);
	for (p = st->low_pfn + 1; p + 5 < a->end_pfn; p++)
		if (test_bit(p - 1, ram) && test_bit(p, ram) && test_bit(p + 1, ram) &&
		    test_bit(p + 2, ram) && test_bit(p + 3, ram))
			break;
	KUNIT_ASSERT_LT(test, p + 5, a->end_pfn);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(&st->early, SMM_PFN_PHYS(p) + 100,
						SMM_PFN_PHYS(p + 2) + 1, "HIGH"), 0);

	n = handoff(test, st);
	KUNIT_ASSERT_GT(test, n, 0);
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(a, p - 1)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_NE(test, smm_pfn_to_page(a, p)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_NE(test, smm_pfn_to_page(a, p + 1)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_NE(test, smm_pfn_to_page(a, p + 2)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(a, p + 3)->owner, SMM_OWNER_BUDDY);
	KUNIT_EXPECT_EQ(test, bm->handed_over + bm->kept_reserved, usable);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy), bm->handed_over);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
}

static struct kunit_case bootmem_test_cases[] = {
	KUNIT_CASE(bootmem_test_init_state),
	KUNIT_CASE_PARAM(bootmem_test_goal, goal_gen_params),
	KUNIT_CASE(bootmem_test_pages_above_dma),
	KUNIT_CASE_PARAM(bootmem_test_alignment, align_gen_params),
	KUNIT_CASE(bootmem_test_subpage_packing),
	KUNIT_CASE(bootmem_test_subpage_spill),
	KUNIT_CASE(bootmem_test_wraparound),
	KUNIT_CASE(bootmem_test_exhaustion),
	KUNIT_CASE(bootmem_test_double_free),
	KUNIT_CASE(bootmem_test_free_whole_pages),
	KUNIT_CASE(bootmem_test_reserve_overlap),
	KUNIT_CASE(bootmem_test_bad_args),
	KUNIT_CASE(bootmem_test_range_overflow),
	KUNIT_CASE(bootmem_test_size_overflow),
	KUNIT_CASE(bootmem_test_low_below_dma),
	KUNIT_CASE(bootmem_test_zeroing),
	KUNIT_CASE(bootmem_test_closed_after_handoff),
	KUNIT_CASE(bootmem_test_handoff_accounting),
	KUNIT_CASE(bootmem_test_handoff_bulk),
	KUNIT_CASE(bootmem_test_handoff_highmem_reserved),
	{}
};

static struct kunit_suite bootmem_test_suite = {
	.name = "shadow_mm_bootmem",
	.test_cases = bootmem_test_cases,
};

kunit_test_suite(bootmem_test_suite);
