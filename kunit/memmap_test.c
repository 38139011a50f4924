// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_memmap": the shadow mem_map, and the instance that
 * brings a whole stack up.
 *
 * The mem_map cases build arena -> e820 -> early -> memmap by hand, so that
 * they see the owners exactly as sparse_init()/memmap_init() leave them:
 * the arrays live inside the arena under "MEMMAP" reservations, cost at most
 * 1% of the memory, start at the goal, and fail cleanly when nothing fits;
 * every page has one owner, the owners add up, and each page's owner follows
 * from the e820 map and the early reservations; PFN <-> descriptor lookups
 * round-trip and give NULL in holes, also on a fragmented arena.
 *
 * The instance cases check smm_instance_create()/smm_instance_destroy():
 * every bring-up stage recorded, two instances independent, and bad
 * parameters refused.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/e820.h"
#include "shadow_mm/early.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/memmap.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

/* The lower layers of one instance, built by hand. */
struct stack {
	struct smm_arena arena;
	struct smm_e820_table e820;
	struct smm_early early;
	struct smm_memmap mm;
	unsigned long zone_end[SMM_PG_MAX_ZONES];
	unsigned int nr_zones;
};

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy,
			    struct smm_arena *);
/* Arena, e820 and early allocator; the caller places the mem_map. */
static struct stack *new_stack_below(struct kunit *test, unsigned int mb,
				     unsigned int order, const char *reserve)
{
	struct stack *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_EQ(test, smm_arena_init(&st->arena, MB_PAGES(mb),
					     SMM_ARENA_CHUNKS, order), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action,
							&st->arena), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_build(&st->e820, &st->arena, reserve), 0);
	smm_early_init(&st->early, &st->e820);
	/*
	 * Three zones at odd places: a bound in the middle of a section and
	 * of a run, so that runs of one owner are cut by zones too.
	 */
	st->nr_zones = 3;
	st->zone_end[0] = 77;
	st->zone_end[1] = st->arena.end_pfn / 2 + 3;
	st->zone_end[2] = st->arena.end_pfn;
	return st;
}

static int memmap_init(struct stack *st, u64 goal)
{
	return smm_memmap_init(&st->mm, &st->arena, &st->early, goal, st->zone_end,
			       st->nr_zones);
}

static struct stack *new_stack(struct kunit *test, unsigned int mb,
			       unsigned int order, const char *reserve)
{
	struct stack *st = new_stack_below(test, mb, order, reserve);

	KUNIT_ASSERT_EQ(test, memmap_init(st, 0), 0);
	return st;
}

/* The zone a page must be in, from the bounds given to smm_memmap_init(). */
static unsigned int expected_zone(const struct stack *st, unsigned long pfn)
{
	unsigned int z = 0;

	while (z + 1 < st->nr_zones && pfn >= st->zone_end[z])
		z++;
	return z;
}

/*
 * The owner a page must have after bring-up, from the map and the
 * reservations: a page an early reservation touches is its own (even
 * outside usable RAM, as reserve_early() of a BIOS area is), a whole page
 * of usable RAM is free, anything else is the firmware's.
 */
static enum smm_owner expected_owner(const struct stack *st, unsigned long pfn)
{
	u64 start = SMM_PFN_PHYS(pfn), end = start + PAGE_SIZE;
	unsigned int i;

	for (i = 0; i < st->early.nr; i++)
		if (st->early.res[i].start < end && start < st->early.res[i].end)
			return SMM_OWNER_EARLY;
	if (!smm_e820_all_of_type(&st->e820, start, end, SMM_E820_RAM))
		return SMM_OWNER_FIRMWARE;
	return SMM_OWNER_FREE;
}

static bool is_memmap(const char *name)
{
	return !strcmp(name, "MEMMAP");
}

/*
 * Every page, in one pass: a descriptor exactly where there is memory,
 * that maps back to its PFN, is zero but for owner and flags, is reserved
 * unless free, and has the owner the e820 map and early_res give it.
 * The per-owner counts must match @owner_pages.
 */
static void expect_owners(struct kunit *test, const struct stack *st)
{
	const struct smm_arena *a = &st->arena;
	unsigned long count[SMM_OWNER_NR] = {}, sum = 0, pfn, first_bad = ULONG_MAX;
	unsigned long bad_hole = 0, bad_null = 0, bad_back = 0, bad_zero = 0;
	unsigned long bad_flag = 0, bad_owner = 0, bad_zone = 0, bad_sec = 0;
	const struct smm_page *pg;
	unsigned int o;

	for (pfn = 0; pfn < a->end_pfn + SMM_PAGES_PER_SECTION; pfn++) {
		pg = smm_pfn_to_page(a, pfn);
		if (!smm_arena_pfn_valid(a, pfn)) {
			bad_hole += !!pg;
			continue;
		}
		if (!pg) {
			bad_null++;
			continue;
		}
		bad_back += smm_page_to_pfn(a, pg) != pfn;
		bad_sec += pg->flags >> SMM_PG_SECTION_SHIFT != pfn >> SMM_SECTION_ORDER;
		bad_zone += smm_page_zonenum(pg) != expected_zone(st, pfn);
		bad_zero += pg->order || pg->refcount || pg->private || pg->mapping ||
			    pg->lru.next || pg->lru.prev;
		/* No page flag but PG_reserved is set at bring-up. */
		bad_flag += (pg->flags & (BIT(SMM_PG_FLAGS_BITS) - 1) & ~BIT(SMM_PG_RESERVED)) != 0;
		if (pg->owner >= SMM_OWNER_NR) {
			bad_owner++;
			continue;
		}
		count[pg->owner]++;
		bad_flag += smm_page_test(pg, SMM_PG_RESERVED) != (pg->owner != SMM_OWNER_FREE);
		if (pg->owner != expected_owner(st, pfn)) {
			bad_owner++;
			first_bad = min(first_bad, pfn);
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_hole, 0UL, "descriptors in holes");
	KUNIT_EXPECT_EQ_MSG(test, bad_null, 0UL, "valid PFNs without a descriptor");
	KUNIT_EXPECT_EQ_MSG(test, bad_back, 0UL, "page_to_pfn(pfn_to_page(pfn)) != pfn");
	KUNIT_EXPECT_EQ_MSG(test, bad_sec, 0UL, "wrong section numbers");
	KUNIT_EXPECT_EQ_MSG(test, bad_zone, 0UL, "wrong zone numbers");
	KUNIT_EXPECT_EQ_MSG(test, bad_zero, 0UL, "descriptors not zeroed");
	KUNIT_EXPECT_EQ_MSG(test, bad_flag, 0UL, "page flags do not match the owner");
	KUNIT_EXPECT_EQ_MSG(test, bad_owner, 0UL, "wrong owners, first at pfn %#lx", first_bad);

	for (o = 0; o < SMM_OWNER_NR; o++) {
		KUNIT_EXPECT_EQ_MSG(test, count[o], st->mm.owner_pages[o], "owner %s",
				    smm_owner_name(o));
		sum += st->mm.owner_pages[o];
	}
	KUNIT_EXPECT_EQ(test, sum, a->nr_pages);
	KUNIT_EXPECT_EQ(test, st->mm.nr_pages, a->nr_pages);
	/* At bring-up nothing beyond the early allocator owns a page yet. */
	for (o = SMM_OWNER_FREE + 1; o < SMM_OWNER_NR; o++)
		KUNIT_EXPECT_EQ_MSG(test, st->mm.owner_pages[o], 0UL, "owner %s",
				    smm_owner_name(o));
}

/* ---- the mem_map ------------------------------------------------------- */

static void memmap_test_overhead(struct kunit *test)
{
	struct stack *st = new_stack(test, 16, MAX_PAGE_ORDER, NULL);
	unsigned long nr = st->arena.nr_pages;

	KUNIT_EXPECT_PTR_EQ(test, st->mm.arena, &st->arena);
	KUNIT_EXPECT_EQ(test, st->mm.nr_pages, nr);
	KUNIT_EXPECT_GT(test, st->mm.bytes, 0UL);
	KUNIT_EXPECT_LE(test, st->mm.bytes, nr * sizeof(struct smm_page));
	KUNIT_EXPECT_LE(test, (u64)st->mm.bytes * 100, SMM_PFN_PHYS(nr));
	kunit_info(test, "%lu bytes of mem_map for %lu pages\n", st->mm.bytes, nr);
}

/*
 * Each present section's array lies in arena pages that the early
 * allocator owns, under "MEMMAP" reservations, and no two arrays overlap.
 */
static void memmap_test_arrays_in_arena(struct kunit *test)
{
	struct stack *st = new_stack(test, 8, 8, NULL);
	const struct smm_arena *a = &st->arena;
	unsigned long sec, other, present = 0, pfn, bad_place = 0, bad_overlap = 0;
	u64 reserved = 0;
	unsigned int i;

	for (sec = 0; sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];
		const char *lo, *hi;

		if (!s->nr)
			continue;
		present++;
		KUNIT_ASSERT_NOT_NULL_MSG(test, s->memmap, "section %lu", sec);
		lo = (const char *)s->memmap;
		hi = (const char *)(s->memmap + s->nr) - 1;
		if (!smm_arena_host_to_pfn(a, virt_to_page(lo), &pfn) ||
		    smm_pfn_to_page(a, pfn)->owner != SMM_OWNER_EARLY ||
		    !smm_arena_host_to_pfn(a, virt_to_page(hi), &pfn) ||
		    smm_pfn_to_page(a, pfn)->owner != SMM_OWNER_EARLY)
			bad_place++;
		for (other = 0; other < sec; other++) {
			const struct smm_section *t = &a->sections[other];

			if (t->nr && (void *)s->memmap < (void *)(t->memmap + t->nr) &&
			    (void *)t->memmap < (void *)(s->memmap + s->nr))
				bad_overlap++;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_place, 0UL, "arrays outside early-owned arena pages");
	KUNIT_EXPECT_EQ_MSG(test, bad_overlap, 0UL, "arrays that overlap");

	for (i = 0; i < st->early.nr; i++) {
		const struct smm_early_res *r = &st->early.res[i];

		if (!is_memmap(r->name))
			continue;
		reserved += r->end - r->start;
		KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(&st->e820, r->start, r->end,
							     SMM_E820_RAM));
	}
	KUNIT_EXPECT_GE(test, reserved, (u64)st->mm.bytes);
	KUNIT_EXPECT_LE(test, reserved, (u64)st->mm.bytes + present * PAGE_SIZE);
}

static void memmap_test_owner_accounting(struct kunit *test)
{
	struct stack *st = new_stack(test, 8, MAX_PAGE_ORDER, NULL);

	expect_owners(test, st);
	KUNIT_EXPECT_GT(test, st->mm.owner_pages[SMM_OWNER_FIRMWARE], 0UL);
	KUNIT_EXPECT_GT(test, st->mm.owner_pages[SMM_OWNER_EARLY], 0UL);
	KUNIT_EXPECT_GT(test, st->mm.owner_pages[SMM_OWNER_FREE], 0UL);
	/*
	 * The mem_map is the only early reservation so far: the early pages
	 * are its bytes, rounded out to pages at the ends of each reservation.
	 */
	KUNIT_EXPECT_EQ(test, smm_early_total(&st->early), (u64)st->mm.bytes);
	KUNIT_EXPECT_GE(test, st->mm.owner_pages[SMM_OWNER_EARLY],
			(unsigned long)SMM_PFN_UP(st->mm.bytes));
	KUNIT_EXPECT_LE(test, st->mm.owner_pages[SMM_OWNER_EARLY],
			(unsigned long)SMM_PFN_UP(st->mm.bytes) + 2 * st->early.nr);
}

static enum smm_owner owner_of(struct kunit *test, const struct stack *st,
			       unsigned long pfn)
{
	const struct smm_page *pg = smm_pfn_to_page(&st->arena, pfn);

	KUNIT_ASSERT_NOT_NULL_MSG(test, pg, "pfn %#lx", pfn);
	return pg->owner;
}

/* The PC landmarks and a user range are the firmware's; RAM is not. */
static void memmap_test_firmware_pages(struct kunit *test)
{
	struct stack *st = new_stack(test, 8, MAX_PAGE_ORDER, "1M@2M:nvs");
	const struct smm_arena *a = &st->arena;
	unsigned long pfn, bad = 0;

	/* Max-order chunks: the first run holds at least the first 4 MiB. */
	KUNIT_ASSERT_GE(test, a->runs[0].nr_pages, MB_PAGES(3));
	KUNIT_EXPECT_EQ(test, owner_of(test, st, 0), SMM_OWNER_FIRMWARE);
	KUNIT_EXPECT_NE(test, owner_of(test, st, 1), SMM_OWNER_FIRMWARE);
	KUNIT_EXPECT_NE(test, owner_of(test, st, SMM_PFN_DOWN(SMM_E820_EBDA_START) - 1),
			SMM_OWNER_FIRMWARE);
	/* Partly EBDA, so not wholly RAM. */
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(SMM_E820_EBDA_START)),
			SMM_OWNER_FIRMWARE);
	for (pfn = SMM_PFN_DOWN(SMM_E820_ISA_START); pfn < SMM_PFN_DOWN(SMM_E820_1M); pfn++)
		bad += owner_of(test, st, pfn) != SMM_OWNER_FIRMWARE;
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "pages of [640 KiB, 1 MiB) not firmware's");
	KUNIT_EXPECT_NE(test, owner_of(test, st, SMM_PFN_DOWN(SMM_E820_1M)),
			SMM_OWNER_FIRMWARE);

	bad = 0;
	for (pfn = MB_PAGES(2); pfn < MB_PAGES(3); pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(a, pfn);

		bad += pg->owner != SMM_OWNER_FIRMWARE || !smm_page_test(pg, SMM_PG_RESERVED);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL, "pages of the nvs range not firmware's");
	KUNIT_EXPECT_NE(test, owner_of(test, st, MB_PAGES(3)), SMM_OWNER_FIRMWARE);
	/* The ACPI tables at the top. */
	KUNIT_EXPECT_EQ(test, owner_of(test, st, a->end_pfn - 1), SMM_OWNER_FIRMWARE);
	expect_owners(test, st);
}

/* Small chunks make holes likely; every rule must hold whatever the layout. */
static void memmap_test_fragmented_arena(struct kunit *test)
{
	struct stack *st = new_stack(test, 4, 3, NULL);

	kunit_info(test, "%u runs over %lu sections\n", st->arena.nr_runs,
		   st->arena.nr_sections);
	expect_owners(test, st);
	KUNIT_EXPECT_LE(test, (u64)st->mm.bytes * 100, SMM_PFN_PHYS(st->arena.nr_pages));
	KUNIT_EXPECT_NULL(test, smm_pfn_to_page(&st->arena, st->arena.end_pfn));
	KUNIT_EXPECT_NULL(test, smm_pfn_to_page(&st->arena, ULONG_MAX));
}

/* With a goal, the arrays go at or above it when there is room there. */
static void memmap_test_goal(struct kunit *test)
{
	const u64 goal = 4ULL << 20;
	struct stack *st = new_stack_below(test, 8, MAX_PAGE_ORDER, NULL);
	unsigned int i, memmaps = 0;

	KUNIT_ASSERT_EQ(test, memmap_init(st, goal), 0);
	for (i = 0; i < st->early.nr; i++) {
		if (!is_memmap(st->early.res[i].name))
			continue;
		memmaps++;
		KUNIT_EXPECT_GE(test, st->early.res[i].start, goal);
	}
	KUNIT_EXPECT_GE(test, memmaps, 1U);
	expect_owners(test, st);
}

/* When the early allocator has nothing left, init fails and points nowhere. */
static void memmap_test_no_room(struct kunit *test)
{
	struct stack *st = new_stack_below(test, 4, MAX_PAGE_ORDER, NULL);
	const struct smm_e820_entry *en;
	unsigned long sec;
	unsigned int i;

	for (i = 0; i < st->e820.nr_entries; i++) {
		en = &st->e820.entries[i];
		if (en->type == SMM_E820_RAM)
			KUNIT_ASSERT_EQ(test, smm_reserve_early(&st->early, en->addr,
								en->addr + en->size, "FILL"), 0);
	}
	KUNIT_EXPECT_EQ(test, memmap_init(st, 0), -ENOMEM);
	for (sec = 0; sec < st->arena.nr_sections; sec++)
		KUNIT_EXPECT_NULL_MSG(test, st->arena.sections[sec].memmap, "section %lu", sec);
	KUNIT_EXPECT_NULL(test, smm_pfn_to_page(&st->arena, SMM_PFN_DOWN(SMM_E820_1M)));
}

/*
 * Room for the first section's array only: init fails on the second, and
 * the first must not be left pointing at memory nobody owns.
 */
static void memmap_test_partial_room_unwinds(struct kunit *test)
{
	const u64 one = SMM_PAGES_PER_SECTION * sizeof(struct smm_page);
	struct stack *st = new_stack_below(test, 8, MAX_PAGE_ORDER, NULL);
	const struct smm_e820_entry *en;
	unsigned long sec, present = 0;
	unsigned int i;
	u64 start;

	for (sec = 0; sec < st->arena.nr_sections; sec++)
		present += st->arena.sections[sec].nr != 0;
	KUNIT_ASSERT_GE(test, present, 2UL);
	KUNIT_ASSERT_EQ(test, st->arena.sections[0].nr, (u16)SMM_PAGES_PER_SECTION);
	KUNIT_ASSERT_EQ(test, st->e820.entries[1].type, SMM_E820_RAM);
	KUNIT_ASSERT_GE(test, st->e820.entries[1].size, one + PAGE_SIZE);

	/* Leave [low RAM start, + one array + a page) free, fill the rest. */
	for (i = 0; i < st->e820.nr_entries; i++) {
		en = &st->e820.entries[i];
		if (en->type != SMM_E820_RAM)
			continue;
		start = en->addr;
		if (i == 1)
			start += round_up(one, PAGE_SIZE) + PAGE_SIZE;
		if (start < en->addr + en->size)
			KUNIT_ASSERT_EQ(test, smm_reserve_early(&st->early, start,
								en->addr + en->size, "FILL"), 0);
	}
	KUNIT_EXPECT_EQ(test, memmap_init(st, 0), -ENOMEM);
	for (sec = 0; sec < st->arena.nr_sections; sec++)
		KUNIT_EXPECT_NULL_MSG(test, st->arena.sections[sec].memmap, "section %lu", sec);
	KUNIT_EXPECT_NULL(test, smm_pfn_to_page(&st->arena, 1));
}

/*
 * The arrays are initialised with stores only, from a template: every
 * field of every descriptor must be written, whatever the arena's pages
 * held before.  Fill the whole arena with garbage first; a field left out
 * shows up as garbage in expect_owners().
 */
static void memmap_test_every_field_written(struct kunit *test)
{
	struct stack *st = new_stack_below(test, 8, 8, NULL);
	const struct smm_arena *a = &st->arena;
	unsigned long pfn;

	for (pfn = 0; pfn < a->end_pfn; pfn++)
		if (smm_arena_pfn_valid(a, pfn))
			memset(smm_arena_pfn_to_virt(a, pfn), 0xa5, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, memmap_init(st, 0), 0);
	expect_owners(test, st);
}

/*
 * Owners change in the middle of pages and sections: e820 ranges of a few
 * bytes, ranges that straddle a page boundary, reservations that touch
 * each other or share a page, and zone bounds that cut runs.  The owner
 * of each page is recomputed from the map and early_res page by page.
 */
static void memmap_test_odd_boundaries(struct kunit *test)
{
	struct stack *st = new_stack_below(test, 8, MAX_PAGE_ORDER,
					   "100@0x200010:reserved,5000@0x300800:acpi,1@0x3ff000");
	static const struct { u64 start, end; } res[] = {
		{ 0x280100, 0x280200 },	/* inside one page */
		{ 0x280200, 0x281001 },	/* touches the first, ends one byte into a page */
		{ 0x281800, 0x282000 },	/* shares that page */
		{ 0x2a0000, 0x2a0001 },	/* one byte */
		{ 0x2c0fff, 0x2c1001 },	/* two bytes across a page boundary */
	};
	unsigned int i;

	KUNIT_ASSERT_GE(test, st->arena.runs[0].nr_pages, MB_PAGES(4));
	for (i = 0; i < ARRAY_SIZE(res); i++)
		KUNIT_ASSERT_EQ(test, smm_reserve_early(&st->early, res[i].start, res[i].end,
							i & 1 ? "ODD" : "EVEN"), 0);
	st->zone_end[0] = SMM_PFN_DOWN(0x280000);
	st->zone_end[1] = SMM_PFN_DOWN(0x2a0000);
	KUNIT_ASSERT_EQ(test, memmap_init(st, 0), 0);
	expect_owners(test, st);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x280000)), SMM_OWNER_EARLY);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x282000)), SMM_OWNER_FREE);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x2c1000)), SMM_OWNER_EARLY);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x200000)), SMM_OWNER_FIRMWARE);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x301000)), SMM_OWNER_FIRMWARE);
	KUNIT_EXPECT_EQ(test, owner_of(test, st, SMM_PFN_DOWN(0x3ff000)), SMM_OWNER_FIRMWARE);
}

#define ODD_SEED	0x5eed10

/*
 * Random reservations (a fixed seed, printed) on a fragmented arena, and
 * random zone bounds: the descriptors must still be exactly what the map,
 * early_res and the bounds say, page by page.
 */
static void memmap_test_random_reservations(struct kunit *test)
{
	struct stack *st = new_stack_below(test, 8, 6, NULL);
	u64 span = SMM_PFN_PHYS(st->arena.end_pfn);
	struct rnd_state rnd;
	unsigned int i, made = 0;

	prandom_seed_state(&rnd, ODD_SEED);
	kunit_info(test, "seed %#x\n", ODD_SEED);
	for (i = 0; i < 200 && st->early.nr < SMM_EARLY_MAX_RES - 8; i++) {
		u64 start = prandom_u32_state(&rnd) % span;
		u64 len = 1 + prandom_u32_state(&rnd) % (3 * PAGE_SIZE);

		made += !smm_reserve_early(&st->early, start, start + len, "RND");
	}
	kunit_info(test, "%u reservations, %u runs\n", made, st->arena.nr_runs);
	st->zone_end[0] = prandom_u32_state(&rnd) % st->arena.end_pfn;
	st->zone_end[1] = st->zone_end[0] +
			  prandom_u32_state(&rnd) % (st->arena.end_pfn - st->zone_end[0]);
	KUNIT_ASSERT_EQ(test, memmap_init(st, 0), 0);
	expect_owners(test, st);
}

/* Zone bounds that go down, or too many zones, are refused before anything is placed. */
static void memmap_test_bad_zones(struct kunit *test)
{
	struct stack *st = new_stack_below(test, 4, MAX_PAGE_ORDER, NULL);
	unsigned long sec;

	st->zone_end[0] = 200;
	st->zone_end[1] = 100;
	KUNIT_EXPECT_EQ(test, memmap_init(st, 0), -EINVAL);
	st->zone_end[1] = 300;
	st->nr_zones = SMM_PG_MAX_ZONES + 1;
	KUNIT_EXPECT_EQ(test, memmap_init(st, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_memmap_init(&st->mm, &st->arena, &st->early, 0, NULL, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, st->early.nr, 0U);
	for (sec = 0; sec < st->arena.nr_sections; sec++)
		KUNIT_EXPECT_NULL_MSG(test, st->arena.sections[sec].memmap, "section %lu", sec);

	/* No zones at all: every page is in zone 0. */
	st->nr_zones = 0;
	KUNIT_ASSERT_EQ(test, memmap_init(st, 0), 0);
	expect_owners(test, st);
}

/* smm_memmap_present() agrees with pfn_valid() over any range. */
static void memmap_test_present(struct kunit *test)
{
	struct stack *st = new_stack(test, 4, 3, NULL);
	const struct smm_arena *a = &st->arena;
	static const unsigned int cuts[] = { 1, 2, 3, 5, 7 };
	unsigned long pfn, want, bad = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		unsigned long s = a->end_pfn * (cuts[i] - 1) / 8, e = a->end_pfn * cuts[i] / 7 + 3;

		for (want = 0, pfn = s; pfn < e; pfn++)
			want += smm_arena_pfn_valid(a, pfn);
		bad += smm_memmap_present(a, s, e) != want;
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, smm_memmap_present(a, 0, ULONG_MAX), a->nr_pages);
	KUNIT_EXPECT_EQ(test, smm_memmap_present(a, a->end_pfn, ULONG_MAX), 0UL);
}

/* ---- the instance ------------------------------------------------------ */

static struct smm_instance *new_instance(struct kunit *test, const char *name,
					 unsigned int mb)
{
	const struct smm_params p = {
		.name = name,
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
	};
	struct smm_instance *inst;

	KUNIT_ASSERT_EQ(test, smm_params_check(&p), 0);
	inst = smm_test_new_instance(test, &p);
	return inst;
}

/*
 * Every stage ran and said what it did, and every page of the arena has a
 * descriptor with one valid owner.  Later stages move pages between owners,
 * so only the first page (the BIOS's forever) has a fixed one.
 */
static void memmap_test_instance_create(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, "kunit", 8);
	const struct smm_arena *a = &inst->arena;
	unsigned long pfn, owned = 0, bad = 0;
	unsigned int s;

	KUNIT_EXPECT_STREQ(test, inst->name, "kunit");
	KUNIT_EXPECT_FALSE(test, inst->broken);
	KUNIT_EXPECT_EQ(test, a->nr_pages, MB_PAGES(8));
	KUNIT_EXPECT_EQ(test, a->source, SMM_ARENA_CHUNKS);
	for (s = 0; s < SMM_NR_STAGES_2629; s++) {
		KUNIT_EXPECT_TRUE_MSG(test, inst->timeline.recs[s].done, "stage %s",
				      smm_stage_name(s));
		KUNIT_EXPECT_NE_MSG(test, inst->timeline.recs[s].result[0], '\0', "stage %s",
				    smm_stage_name(s));
	}
	KUNIT_EXPECT_GT(test, smm_e820_total(&inst->e820, SMM_E820_RAM), 0ULL);
	KUNIT_EXPECT_LT(test, smm_e820_total(&inst->e820, SMM_E820_RAM),
			SMM_PFN_PHYS(a->nr_pages));
	KUNIT_EXPECT_EQ(test, inst->memmap.nr_pages, a->nr_pages);

	for (pfn = 0; pfn < a->end_pfn; pfn++) {
		const struct smm_page *pg = smm_pfn_to_page(a, pfn);

		if (!smm_arena_pfn_valid(a, pfn))
			continue;
		if (pg && pg->owner < SMM_OWNER_NR)
			owned++;
		else
			bad++;
	}
	KUNIT_EXPECT_EQ(test, owned, a->nr_pages);
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_ASSERT_NOT_NULL(test, smm_pfn_to_page(a, 0));
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(a, 0)->owner, SMM_OWNER_FIRMWARE);
}

/* Two instances side by side share no memory. */
static void memmap_test_instance_independent(struct kunit *test)
{
	struct smm_instance *x = new_instance(test, "kunit-a", 4);
	struct smm_instance *y = new_instance(test, "kunit-b", 4);
	unsigned int i, j, shared = 0;

	for (i = 0; i < x->arena.nr_runs; i++) {
		const struct smm_run *p = &x->arena.runs[i];

		for (j = 0; j < y->arena.nr_runs; j++) {
			const struct smm_run *q = &y->arena.runs[j];

			shared += p->host_pfn < q->host_pfn + q->nr_pages &&
				  q->host_pfn < p->host_pfn + p->nr_pages;
		}
	}
	KUNIT_EXPECT_EQ(test, shared, 0U);
	KUNIT_EXPECT_PTR_NE(test, x->memmap.arena, y->memmap.arena);
	KUNIT_EXPECT_PTR_NE(test, (void *)smm_pfn_to_page(&x->arena, 0x100),
			    (void *)smm_pfn_to_page(&y->arena, 0x100));
}

struct params_case {
	const char *desc;
	struct smm_params p;
	int err;
};

#define PARAMS(n, mb, src, order, res)					\
	{ .name = (n), .arena_mb = (mb), .source = (src),		\
	  .chunk_order = (order), .e820_reserve = (res) }
#define CHUNKS		SMM_ARENA_CHUNKS
#define MAXO		MAX_PAGE_ORDER

static const struct params_case bad_params[] = {
	{ "arena_mb_0", PARAMS("kunit", 0, CHUNKS, MAXO, NULL), -ERANGE },
	{ "arena_mb_below_min",
	  PARAMS("kunit", SMM_ARENA_MIN_MB - 1, CHUNKS, MAXO, NULL), -ERANGE },
	{ "arena_mb_above_max",
	  PARAMS("kunit", SMM_ARENA_MAX_MB + 1, CHUNKS, MAXO, NULL), -ERANGE },
	{ "source_bad", PARAMS("kunit", 4, SMM_ARENA_SOURCE_NR, MAXO, NULL), -EINVAL },
	{ "chunk_order_bad", PARAMS("kunit", 4, CHUNKS, MAXO + 1, NULL), -ERANGE },
	/* 4 GiB in order-0 chunks: more chunks than the tables allow. */
	{ "too_many_chunks", PARAMS("kunit", 4096, CHUNKS, 0, NULL), -ERANGE },
	{ "name_empty", PARAMS("", 4, CHUNKS, MAXO, NULL), -EINVAL },
	{ "name_slash", PARAMS("a/b", 4, CHUNKS, MAXO, NULL), -EINVAL },
	{ "name_dotdot", PARAMS("..", 4, CHUNKS, MAXO, NULL), -EINVAL },
	/* e820_reserve is parsed before the arena is taken. */
	{ "reserve_junk", PARAMS("kunit", 4, CHUNKS, MAXO, "junk"), -EINVAL },
	{ "reserve_type", PARAMS("kunit", 4, CHUNKS, MAXO, "4K@1M:ram"), -EINVAL },
	{ "reserve_wraps",
	  PARAMS("kunit", 4, CHUNKS, MAXO, "8K@0xfffffffffffff000"), -ERANGE },
};

KUNIT_ARRAY_PARAM_DESC(bad_params, bad_params, desc);

static void memmap_test_instance_bad_params(struct kunit *test)
{
	const struct params_case *c = test->param_value;
	struct smm_instance *inst;

	/* Refused before any page is taken, and the same way by create. */
	KUNIT_EXPECT_EQ(test, smm_params_check(&c->p), c->err);
	inst = smm_instance_create(&c->p);
	KUNIT_EXPECT_TRUE(test, IS_ERR(inst));
	if (!IS_ERR_OR_NULL(inst)) {
		smm_instance_destroy(inst);
		return;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(inst), (long)c->err);
}

static struct kunit_case memmap_test_cases[] = {
	KUNIT_CASE(memmap_test_overhead),
	KUNIT_CASE(memmap_test_arrays_in_arena),
	KUNIT_CASE(memmap_test_owner_accounting),
	KUNIT_CASE(memmap_test_firmware_pages),
	KUNIT_CASE(memmap_test_fragmented_arena),
	KUNIT_CASE(memmap_test_goal),
	KUNIT_CASE(memmap_test_no_room),
	KUNIT_CASE(memmap_test_partial_room_unwinds),
	KUNIT_CASE(memmap_test_every_field_written),
	KUNIT_CASE(memmap_test_odd_boundaries),
	KUNIT_CASE(memmap_test_random_reservations),
	KUNIT_CASE(memmap_test_bad_zones),
	KUNIT_CASE(memmap_test_present),
	KUNIT_CASE(memmap_test_instance_create),
	KUNIT_CASE(memmap_test_instance_independent),
	KUNIT_CASE_PARAM(memmap_test_instance_bad_params, bad_params_gen_params),
	{}
};

static struct kunit_suite memmap_test_suite = {
	.name = "shadow_mm_memmap",
	.test_cases = memmap_test_cases,
};

kunit_test_suite(memmap_test_suite);
