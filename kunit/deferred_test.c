// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_deferred": deferred struct-page init, its
 * threads, and deferred_grow_zone().
 *
 * Every case builds arena -> e820 -> early -> mem_map -> zones by hand, as
 * the bootmem suite does, then sets up the deferred init, stamps the
 * deferred free pages (smm_deferred_mark()) and hands every other free
 * page to the buddy allocator itself, as memblock_free_all() does when it
 * skips what smm_deferred_pfn() names.  The expected boundary comes from a
 * page-by-page count (ref_boundary()), never from the deferred layer's own
 * section arithmetic; the expected free pages from the mem_map's owner
 * counts.
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "shadow_mm/arena.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/deferred.h"
#include "shadow_mm/e820.h"
#include "shadow_mm/early.h"
#include "shadow_mm/memmap.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))
#define ARENA_MB	64

/* Where HighMem starts: the layouts the deferral rule must handle. */
enum df_layout {
	DF_HIGH_BIG,		/* HighMem is the top three quarters: it is deferred */
	DF_HIGH_ONE,		/* HighMem is one section: nothing is deferred */
	DF_HIGH_EMPTY,		/* no HighMem: Normal is the highest zone, deferred */
};

struct df_stack {
	bool broken;
	unsigned long dma_pfn;
	unsigned long high_pfn;
	unsigned long stamped;		/* pages stamped by smm_deferred_mark() */
	unsigned long handed;		/* pages handed to the buddy at bring-up */
	struct smm_arena arena;
	struct smm_e820_table e820;
	struct smm_early early;
	struct smm_memmap mm;
	struct smm_buddy buddy;
	struct smm_deferred d;
};

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy, struct smm_arena *);
KUNIT_DEFINE_ACTION_WRAPPER(buddy_destroy_action, smm_buddy_destroy, struct smm_buddy *);
KUNIT_DEFINE_ACTION_WRAPPER(deferred_destroy_action, smm_deferred_destroy,
			    struct smm_deferred *);

static bool fresh_free(const struct smm_page *page)
{
	return page && page->owner == SMM_OWNER_FREE && !smm_page_test(page, SMM_PG_RESERVED);
}

/* memblock_free_all() minus the deferred part: every other free page, in runs. */
static unsigned long handoff(struct df_stack *st)
{
	struct smm_arena *a = &st->arena;
	unsigned long pfn = 0, end, n = 0;

	while (pfn < a->end_pfn) {
		if (!fresh_free(smm_pfn_to_page(a, pfn)) || smm_deferred_pfn(&st->d, pfn)) {
			pfn++;
			continue;
		}
		for (end = pfn + 1; end < a->end_pfn && fresh_free(smm_pfn_to_page(a, end)) &&
		     !smm_deferred_pfn(&st->d, end); end++)
			;
		n += smm_buddy_free_pages_each(&st->buddy, pfn, end - pfn);
		pfn = end;
	}
	return n;
}

static struct df_stack *new_stack(struct kunit *test, enum df_layout layout)
{
	struct df_stack *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	unsigned long zone_end[SMM_NR_ZONES];
	struct smm_arena *a;

	KUNIT_ASSERT_NOT_NULL(test, st);
	a = &st->arena;
	KUNIT_ASSERT_EQ(test, smm_arena_init(a, MB_PAGES(ARENA_MB), SMM_ARENA_CHUNKS,
					     MAX_PAGE_ORDER), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_build(&st->e820, a, NULL), 0);
	smm_early_init(&st->early, &st->e820);
	st->dma_pfn = MB_PAGES(1);
	switch (layout) {
	case DF_HIGH_BIG:
		st->high_pfn = round_down(a->end_pfn / 4, SMM_PAGES_PER_SECTION);
		break;
	case DF_HIGH_ONE:
		st->high_pfn = a->end_pfn - SMM_PAGES_PER_SECTION;
		break;
	case DF_HIGH_EMPTY:
		st->high_pfn = a->end_pfn;
		break;
	}
	KUNIT_ASSERT_GT(test, st->high_pfn, st->dma_pfn);
	zone_end[SMM_ZONE_DMA] = st->dma_pfn;
	zone_end[SMM_ZONE_DMA32] = st->dma_pfn;
	zone_end[SMM_ZONE_NORMAL] = st->high_pfn;
	zone_end[SMM_ZONE_HIGHMEM] = a->end_pfn;
	zone_end[SMM_ZONE_MOVABLE] = a->end_pfn;
	KUNIT_ASSERT_EQ(test, smm_memmap_init(&st->mm, a, &st->early,
					      SMM_PFN_PHYS(st->dma_pfn),
					      zone_end, SMM_NR_ZONES), 0);
	KUNIT_ASSERT_EQ(test, smm_buddy_init(&st->buddy, a, &st->broken, SMM_MAX_ORDER_DEFAULT,
					     SMM_ERA_2629, zone_end), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buddy_destroy_action,
							&st->buddy), 0);
	KUNIT_ASSERT_EQ(test, smm_deferred_setup(&st->d, &st->buddy, a, "kunit"), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, deferred_destroy_action,
							&st->d), 0);
	st->stamped = smm_deferred_mark(&st->d);
	st->handed = handoff(st);
	return st;
}

/* The highest zone with a present page, by walking every PFN. */
static int ref_zone(const struct df_stack *st)
{
	const struct smm_arena *a = &st->arena;
	int i;

	for (i = SMM_NR_ZONES - 1; i >= 0; i--) {
		const struct smm_zone *z = &st->buddy.zones[i];
		unsigned long pfn;

		for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++)
			if (smm_arena_pfn_valid(a, pfn))
				return i;
	}
	return -1;
}

/*
 * defer_init() page by page: in the highest zone, count the present pages;
 * the first present, section-aligned PFN that is more than a section's
 * worth of pages into the zone is the boundary.
 */
static unsigned long ref_boundary(const struct df_stack *st)
{
	const struct smm_arena *a = &st->arena;
	int zi = ref_zone(st);
	const struct smm_zone *z;
	unsigned long pfn, seen = 0;

	if (zi < 0)
		return SMM_DEFERRED_NONE_PFN;
	z = &st->buddy.zones[zi];
	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++) {
		if (!smm_arena_pfn_valid(a, pfn))
			continue;
		seen++;
		if (seen > SMM_PAGES_PER_SECTION && !(pfn % SMM_PAGES_PER_SECTION))
			return pfn;
	}
	return SMM_DEFERRED_NONE_PFN;
}

/* Pages a PFN walker finds stamped, and free pages not yet handed over. */
static void count_pages(struct df_stack *st, unsigned long *stamped, unsigned long *free)
{
	unsigned long pfn;

	*stamped = 0;
	*free = 0;
	for (pfn = 0; pfn < st->arena.end_pfn; pfn++) {
		const struct smm_page *page = smm_pfn_to_page(&st->arena, pfn);

		if (!page)
			continue;
		if (smm_page_deferred(page))
			(*stamped)++;
		else if (page->owner == SMM_OWNER_FREE)
			(*free)++;
	}
}

static unsigned long managed_pages(const struct smm_buddy *b)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < SMM_NR_ZONES; i++)
		n += b->zones[i].managed_pages;
	return n;
}

/* Everything the deferred init promises once it is done. */
static void expect_all_handed_over(struct kunit *test, struct df_stack *st,
				   unsigned long allocated)
{
	const unsigned long total_free = st->mm.owner_pages[SMM_OWNER_FREE];
	unsigned long stamped, free, pfn;

	KUNIT_EXPECT_EQ(test, st->d.state, SMM_DEFERRED_DONE);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(st->buddy.grow_zone), NULL);
	count_pages(st, &stamped, &free);
	KUNIT_EXPECT_EQ(test, stamped, 0UL);
	KUNIT_EXPECT_EQ(test, free, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy), total_free - allocated);
	KUNIT_EXPECT_EQ(test, managed_pages(&st->buddy), total_free);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
	KUNIT_EXPECT_FALSE(test, st->broken);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(&st->d, SMM_DEFERRED_PAGES_BRINGUP) +
			      smm_deferred_stat(&st->d, SMM_DEFERRED_PAGES_THREADS) +
			      smm_deferred_stat(&st->d, SMM_DEFERRED_PAGES_GROW),
			st->arena.nr_pages);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(&st->d, SMM_DEFERRED_FREED_THREADS) +
			      smm_deferred_stat(&st->d, SMM_DEFERRED_FREED_GROW),
			st->stamped);
	for (pfn = 0; pfn < st->arena.end_pfn; pfn++)
		if (smm_deferred_pfn(&st->d, pfn))
			break;
	KUNIT_EXPECT_EQ(test, pfn, st->arena.end_pfn);
}

static const enum df_layout layouts[] = { DF_HIGH_BIG, DF_HIGH_ONE, DF_HIGH_EMPTY };

static void layout_desc(const enum df_layout *l, char *desc)
{
	static const char *const names[] = { "highmem_big", "highmem_one_section",
					      "highmem_empty" };

	strscpy(desc, names[*l], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(layout, layouts, layout_desc);

/*
 * The boundary follows defer_init(): only the highest zone with pages, from
 * the section after its first section's worth; lower zones whole; a zone
 * of one section defers nothing.
 */
static void deferred_test_boundary(struct kunit *test)
{
	const enum df_layout *layout = test->param_value;
	struct df_stack *st = new_stack(test, *layout);
	struct smm_deferred *d = &st->d;
	unsigned long want = ref_boundary(st), pfn, stamped = 0, free_above = 0;
	int zi = ref_zone(st);

	kunit_info(test, "end_pfn %#lx, HighMem from %#lx, boundary %#lx\n",
		   st->arena.end_pfn, st->high_pfn, want);
	KUNIT_EXPECT_EQ(test, d->setup_pfn, want);
	KUNIT_EXPECT_EQ(test, d->first_deferred_pfn, want);
	if (*layout == DF_HIGH_ONE) {
		KUNIT_EXPECT_EQ(test, want, SMM_DEFERRED_NONE_PFN);
		KUNIT_EXPECT_EQ(test, d->state, SMM_DEFERRED_OFF);
		KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(st->buddy.grow_zone), NULL);
		KUNIT_EXPECT_EQ(test, st->stamped, 0UL);
		KUNIT_EXPECT_EQ(test, smm_deferred_start(d), 0L);
		KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy),
				st->mm.owner_pages[SMM_OWNER_FREE]);
		return;
	}
	KUNIT_ASSERT_NE(test, want, SMM_DEFERRED_NONE_PFN);
	KUNIT_EXPECT_EQ(test, d->state, SMM_DEFERRED_PENDING);
	KUNIT_ASSERT_NOT_NULL(test, d->zone);
	KUNIT_EXPECT_EQ(test, (int)d->zone->idx, zi);
	KUNIT_EXPECT_EQ(test, (int)d->zone->idx,
			*layout == DF_HIGH_EMPTY ? SMM_ZONE_NORMAL : SMM_ZONE_HIGHMEM);
	KUNIT_EXPECT_EQ(test, want % SMM_PAGES_PER_SECTION, 0UL);
	KUNIT_EXPECT_GT(test, smm_memmap_present(&st->arena, d->zone->zone_start_pfn, want),
			SMM_PAGES_PER_SECTION - 1);

	for (pfn = 0; pfn < st->arena.end_pfn; pfn++) {
		const struct smm_page *page = smm_pfn_to_page(&st->arena, pfn);
		bool deferred = page && pfn >= want;

		if (smm_deferred_pfn(d, pfn) != deferred) {
			KUNIT_FAIL(test, "pfn %#lx: smm_deferred_pfn() says %d", pfn, !deferred);
			break;
		}
		if (!page)
			continue;
		if (smm_page_deferred(page)) {
			stamped++;
			/* stamped: section and zone right, owner free, reserved */
			KUNIT_EXPECT_EQ(test, smm_page_to_pfn(&st->arena, page), pfn);
			KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), (unsigned int)zi);
			if (pfn < want) {
				KUNIT_FAIL(test, "pfn %#lx below the boundary is stamped", pfn);
				break;
			}
		} else if (pfn >= want && page->owner == SMM_OWNER_BUDDY) {
			KUNIT_FAIL(test, "deferred pfn %#lx handed over at bring-up", pfn);
			break;
		}
		if (pfn >= want && (smm_page_deferred(page) || page->owner == SMM_OWNER_FREE))
			free_above++;
	}
	KUNIT_EXPECT_EQ(test, stamped, st->stamped);
	KUNIT_EXPECT_EQ(test, stamped, free_above);
	KUNIT_EXPECT_GT(test, stamped, 0UL);
	KUNIT_EXPECT_EQ(test, st->handed + stamped, st->mm.owner_pages[SMM_OWNER_FREE]);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy), st->handed);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(d, SMM_DEFERRED_PAGES_BRINGUP),
			smm_memmap_present(&st->arena, 0, want));
	/* The buddy's own check does not mind the stamped pages. */
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
}

/* After start, every page is initialised and handed over exactly once. */
static void deferred_test_start(struct kunit *test)
{
	const enum df_layout *layout = test->param_value;
	struct df_stack *st = new_stack(test, *layout);
	long ms;

	ms = smm_deferred_start(&st->d);
	KUNIT_EXPECT_GE(test, ms, 0L);
	kunit_info(test, "%lu pages deferred, %ld ms, %u workers, %lu chunks\n", st->stamped,
		   ms, st->d.nr_workers, st->d.nr_chunks);
	if (*layout == DF_HIGH_ONE) {
		KUNIT_EXPECT_EQ(test, st->d.state, SMM_DEFERRED_OFF);
		KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy),
				st->mm.owner_pages[SMM_OWNER_FREE]);
		return;
	}
	expect_all_handed_over(test, st, 0);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(&st->d, SMM_DEFERRED_PAGES_THREADS), st->stamped);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(&st->d, SMM_DEFERRED_CHUNKS), st->d.nr_chunks);
	/* A second start is refused and changes nothing. */
	KUNIT_EXPECT_EQ(test, smm_deferred_launch(&st->d), -EBUSY);
	KUNIT_EXPECT_EQ(test, smm_deferred_wait(&st->d), ms);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy),
			st->mm.owner_pages[SMM_OWNER_FREE]);
}

/* A gfp whose zonelist starts with zone @zi, without zeroing. */
static unsigned int gfp_for_zone(struct kunit *test, int zi)
{
	enum smm_zone_type list[SMM_NR_ZONES];
	unsigned int gfp;

	for (gfp = 0; gfp < BIT(__SMM_GFP_SITE_SHIFT); gfp++) {
		if (gfp & (__SMM_GFP_ZERO | __SMM_GFP_HIGH))
			continue;
		if (smm_gfp_zonelist(SMM_ZONES_2629, gfp, list) > 0 && (int)list[0] == zi)
			return gfp;
	}
	KUNIT_FAIL(test, "no gfp reaches zone %d", zi);
	return 0;
}

/*
 * grow_zone before start: with every max-order block taken, only growing
 * the zone can serve another, and it grows by whole sections; the threads
 * then do not free the grown part again.
 */
static void deferred_test_grow(struct kunit *test)
{
	struct df_stack *st = new_stack(test, DF_HIGH_BIG);
	struct smm_deferred *d = &st->d;
	struct smm_buddy *b = &st->buddy;
	const unsigned int top = b->max_order - 1;
	const unsigned int max_blocks = st->arena.nr_pages >> top;
	bool (*grow)(void *ctx, struct smm_zone *z, unsigned int order);
	unsigned long grown, before, allocated;
	struct smm_page **pages, *page;
	unsigned int gfp, n = 0, i;

	KUNIT_ASSERT_EQ(test, d->state, SMM_DEFERRED_PENDING);
	KUNIT_ASSERT_PTR_EQ(test, b->grow_ctx, (void *)d);
	gfp = gfp_for_zone(test, d->zone->idx);
	pages = kunit_kcalloc(test, max_blocks + 1, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);

	/* Without the hook: take every max-order block the initialised part has. */
	grow = b->grow_zone;
	KUNIT_ASSERT_NOT_NULL(test, grow);
	WRITE_ONCE(b->grow_zone, NULL);
	while (n < max_blocks) {
		page = smm_alloc_pages(b, gfp, top);
		if (IS_ERR(page))
			break;
		pages[n++] = page;
	}
	KUNIT_ASSERT_LT(test, n, max_blocks);
	KUNIT_EXPECT_PTR_EQ(test, smm_alloc_pages(b, gfp, top), ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(d, SMM_DEFERRED_GROW_CALLS), 0UL);

	/* With it: the zone grows, by whole sections, and the request is served. */
	before = d->first_deferred_pfn;
	WRITE_ONCE(b->grow_zone, grow);
	page = smm_alloc_pages(b, gfp, top);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	pages[n++] = page;
	grown = smm_deferred_stat(d, SMM_DEFERRED_GROW_SECTIONS);
	kunit_info(test, "%u max-order blocks before growing; grew %lu sections from %#lx\n",
		   n - 1, grown, before);
	KUNIT_EXPECT_GE(test, grown, 1UL);
	KUNIT_EXPECT_EQ(test, d->first_deferred_pfn, before + grown * SMM_PAGES_PER_SECTION);
	KUNIT_EXPECT_EQ(test, d->first_deferred_pfn % SMM_PAGES_PER_SECTION, 0UL);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(d, SMM_DEFERRED_FREED_GROW),
			smm_deferred_stat(d, SMM_DEFERRED_PAGES_GROW));
	KUNIT_EXPECT_GE(test, smm_deferred_stat(d, SMM_DEFERRED_FREED_GROW),
			1UL << top);
	/* The block came from the grown part, which is no longer deferred. */
	KUNIT_EXPECT_GE(test, smm_page_to_pfn(&st->arena, page), before);
	KUNIT_EXPECT_LT(test, smm_page_to_pfn(&st->arena, page), d->first_deferred_pfn);
	KUNIT_EXPECT_FALSE(test, smm_deferred_pfn(d, before));
	KUNIT_EXPECT_TRUE(test, smm_deferred_pfn(d, d->first_deferred_pfn));
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);

	/* start after grow: the rest only, nothing freed twice */
	KUNIT_EXPECT_GE(test, smm_deferred_start(d), 0L);
	allocated = (unsigned long)n << top;
	expect_all_handed_over(test, st, allocated);
	KUNIT_EXPECT_EQ(test, smm_deferred_stat(d, SMM_DEFERRED_FREED_THREADS),
			st->stamped - smm_deferred_stat(d, SMM_DEFERRED_FREED_GROW));
	/* Done: the hook is off, and a short zone no longer grows. */
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, smm_free_pages(b, pages[i], top), 0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(b), st->mm.owner_pages[SMM_OWNER_FREE]);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/*
 * The threads split the work as padata does: chunks of whole max-order
 * blocks, every chunk done once, one worker per online CPU at most, and
 * with more than one CPU more than one worker, each on its own CPU, with
 * chunks of its own.
 */
static void deferred_test_split(struct kunit *test)
{
	struct df_stack *st = new_stack(test, DF_HIGH_BIG);
	struct smm_deferred *d = &st->d;
	unsigned long chunks = 0, pages = 0, busy = 0;
	unsigned int i, j;

	KUNIT_ASSERT_GE(test, smm_deferred_start(d), 0L);
	KUNIT_ASSERT_NOT_NULL(test, d->workers);
	KUNIT_EXPECT_EQ(test, d->chunk % d->align, 0UL);
	KUNIT_EXPECT_EQ(test, d->align % SMM_PAGES_PER_SECTION, 0UL);
	KUNIT_EXPECT_EQ(test, d->nr_chunks,
			DIV_ROUND_UP(d->zone_end_pfn - d->job_start, d->chunk));
	KUNIT_EXPECT_GE(test, d->nr_workers, 1U);
	KUNIT_EXPECT_LE(test, d->nr_workers, num_online_cpus());
	for (i = 0; i < d->nr_workers; i++) {
		kunit_info(test, "worker %u: cpu %u, %lu chunks, %lu pages\n", i,
			   d->workers[i].cpu, d->workers[i].chunks, d->workers[i].pages);
		chunks += d->workers[i].chunks;
		pages += d->workers[i].pages;
		busy += d->workers[i].chunks > 0;
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, d->workers[i].cpu, d->workers[j].cpu);
	}
	KUNIT_EXPECT_EQ(test, chunks, d->nr_chunks);
	KUNIT_EXPECT_EQ(test, pages, smm_deferred_stat(d, SMM_DEFERRED_PAGES_THREADS));
	if (num_online_cpus() > 1) {
		KUNIT_EXPECT_GT(test, d->nr_chunks, 1UL);
		KUNIT_EXPECT_GT(test, d->nr_workers, 1U);
		KUNIT_EXPECT_GT(test, busy, 1UL);
	}
	expect_all_handed_over(test, st, 0);
}

/* Teardown while the threads run stops them; what they did stays consistent. */
static void deferred_test_destroy_running(struct kunit *test)
{
	struct df_stack *st = new_stack(test, DF_HIGH_BIG);
	struct smm_deferred *d = &st->d;
	unsigned long stamped, free;

	KUNIT_ASSERT_EQ(test, smm_deferred_launch(d), 0);
	smm_deferred_destroy(d);
	KUNIT_EXPECT_NULL(test, d->workers);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(st->buddy.grow_zone), NULL);
	KUNIT_EXPECT_TRUE(test,
			  d->state == SMM_DEFERRED_STOPPED || d->state == SMM_DEFERRED_DONE);
	kunit_info(test, "stopped as %s after %lu of %lu chunks\n",
		   smm_deferred_state_name(d->state), smm_deferred_stat(d, SMM_DEFERRED_CHUNKS),
		   d->nr_chunks);
	/* Whatever was handed over was handed over whole and once. */
	count_pages(st, &stamped, &free);
	KUNIT_EXPECT_EQ(test, free, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&st->buddy) + stamped,
			st->mm.owner_pages[SMM_OWNER_FREE]);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&st->buddy), 0);
	/* A second destroy is harmless. */
	smm_deferred_destroy(d);
}

/* Bad input: an allocator of another arena is refused, and the result is inert. */
static void deferred_test_bad_input(struct kunit *test)
{
	struct df_stack *st = new_stack(test, DF_HIGH_BIG);
	struct smm_deferred *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct smm_arena *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_EXPECT_EQ(test, smm_deferred_setup(d, &st->buddy, other, "x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_deferred_setup(d, NULL, &st->arena, "x"), -EINVAL);
	KUNIT_EXPECT_FALSE(test, smm_deferred_pfn(d, st->d.setup_pfn));
	KUNIT_EXPECT_EQ(test, smm_deferred_start(d), 0L);
	smm_deferred_destroy(d);
	/* The instance's own deferred init is untouched. */
	KUNIT_EXPECT_PTR_EQ(test, st->buddy.grow_ctx, (void *)&st->d);
	KUNIT_EXPECT_TRUE(test, smm_deferred_pfn(&st->d, st->d.setup_pfn));
}

static struct kunit_case deferred_cases[] = {
	KUNIT_CASE_PARAM(deferred_test_boundary, layout_gen_params),
	KUNIT_CASE_PARAM(deferred_test_start, layout_gen_params),
	KUNIT_CASE(deferred_test_grow),
	KUNIT_CASE(deferred_test_split),
	KUNIT_CASE(deferred_test_destroy_running),
	KUNIT_CASE(deferred_test_bad_input),
	{}
};

static struct kunit_suite deferred_suite = {
	.name = "shadow_mm_deferred",
	.test_cases = deferred_cases,
};

kunit_test_suite(deferred_suite);
