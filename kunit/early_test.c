// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_early": the early allocator, find_e820_area() and
 * reserve_early() of the 2.6.3x kernels.
 *
 * Covers smm_find_e820_area() on a small hand-made map: first fit,
 * alignment, stepping over non-RAM entries and holes, the [start, end)
 * window, skipping reservations, running out; smm_reserve_early(): bad
 * ranges, overlaps refused with the table unchanged, merging of touching
 * reservations with one label and not across labels, the table limit and
 * label truncation; smm_free_early() exact matching; smm_early_alloc(); and
 * a randomized reserve/free sequence checked against a bitmap model.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shadow_mm/e820.h"
#include "shadow_mm/early.h"

/*
 * The map every case searches:
 *
 *   [0x001000, 0x010000)  RAM       60 KiB
 *   [0x010000, 0x020000)  reserved
 *   [0x020000, 0x040000)  RAM      128 KiB
 *   [0x040000, 0x100000)  hole
 *   [0x100000, 0x200000)  RAM        1 MiB
 */
#define MAP_END		0x200000ULL
#define NF		SMM_EARLY_NOT_FOUND

static struct smm_early *new_early(struct kunit *test)
{
	struct smm_e820_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct smm_early *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x100000, 0x100000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x1000, 0xf000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x10000, 0x10000, SMM_E820_RESERVED), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x20000, 0x20000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_ASSERT_EQ(test, t->nr_entries, 4U);

	memset(e, 0xa5, sizeof(*e));
	smm_early_init(e, t);
	KUNIT_ASSERT_EQ(test, e->nr, 0U);
	KUNIT_ASSERT_PTR_EQ(test, e->e820, (const struct smm_e820_table *)t);
	return e;
}

static struct smm_early *copy_early(struct kunit *test, const struct smm_early *e)
{
	struct smm_early *c = kunit_kmalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	memcpy(c, e, sizeof(*c));
	return c;
}

/* The same reservations in use; slots past @nr are not part of the table. */
static void expect_same_early(struct kunit *test, const struct smm_early *e,
			      const struct smm_early *before)
{
	KUNIT_ASSERT_EQ(test, e->nr, before->nr);
	KUNIT_EXPECT_EQ(test, memcmp(e->res, before->res, e->nr * sizeof(e->res[0])), 0);
}

static void expect_res(struct kunit *test, const struct smm_early *e,
		       unsigned int i, u64 start, u64 end, const char *name)
{
	KUNIT_ASSERT_LT_MSG(test, i, e->nr, "no reservation %u", i);
	KUNIT_EXPECT_EQ_MSG(test, e->res[i].start, start, "res %u start", i);
	KUNIT_EXPECT_EQ_MSG(test, e->res[i].end, end, "res %u end", i);
	KUNIT_EXPECT_STREQ_MSG(test, e->res[i].name, name, "res %u name", i);
}

/* Sorted, disjoint, non-empty, labelled: the table's invariant.  Returns true if kept. */
static bool early_sane(const struct smm_early *e)
{
	unsigned int i;

	if (e->nr > SMM_EARLY_MAX_RES)
		return false;
	for (i = 0; i < e->nr; i++) {
		const struct smm_early_res *r = &e->res[i];

		if (r->start >= r->end || !r->name[0] ||
		    strnlen(r->name, SMM_EARLY_NAME_LEN) == SMM_EARLY_NAME_LEN)
			return false;
		if (i && r[-1].end > r->start)
			return false;
	}
	return true;
}

static bool overlaps_any(const struct smm_early *e, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (e->res[i].start < end && start < e->res[i].end)
			return true;
	return false;
}

/* ---- smm_find_e820_area() ---------------------------------------------- */

static void early_test_find_first_fit(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x1000, 0x1000), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0xf000, 0x1000), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x10, 0), 0x1000ULL);
	/* Finding does not reserve. */
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x1000, 0x1000), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, e->nr, 0U);
}

static const struct {
	u64 align;
	u64 addr;
} align_cases[] = {
	{ 0,		0x1000 },	/* 0 means 1 */
	{ 1,		0x1000 },
	{ 0x1000,	0x1000 },
	{ 0x2000,	0x2000 },
	{ 0x8000,	0x8000 },
	{ 0x10000,	0x20000 },	/* 0x10000 is past the first RAM range */
	{ 0x20000,	0x20000 },
	{ 0x40000,	0x100000 },	/* 0x40000 is in the hole */
	{ 0x100000,	0x100000 },
	{ 0x200000,	NF },		/* 0x200000 is the end of RAM */
};

static void early_test_find_alignment(struct kunit *test)
{
	struct smm_early *e = new_early(test);
	unsigned int i;
	u64 addr;

	for (i = 0; i < ARRAY_SIZE(align_cases); i++) {
		addr = smm_find_e820_area(e, 0, MAP_END, 0x1000, align_cases[i].align);
		KUNIT_EXPECT_EQ_MSG(test, addr, align_cases[i].addr, "align %#llx",
				    align_cases[i].align);
	}
	/* Unaligned start, alignment 1: taken as is. */
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x1234, MAP_END, 0x100, 1), 0x1234ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x1234, MAP_END, 0x100, 0x100), 0x1300ULL);
}

/* An area must sit in one RAM entry: never across reserved ranges or holes. */
static void early_test_find_skips_holes(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x10000, 0x1000), 0x20000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x20000, 0x1000), 0x20000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x21000, 0x1000), 0x100000ULL);
	/* [0x1000, 0x40000) would span the reserved range. */
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x3f000, 0x1000), 0x100000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x10000, 0x20000, 0x1000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x40000, 0x100000, 0x1000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x100001, 1), NF);
}

/* The area lies in [start, end), wherever RAM is. */
static void early_test_find_window(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x30000, 0x40000, 0x10000, 0x1000),
			0x30000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x30001, 0x40000, 0x10000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x30001, MAP_END, 0x10000, 0x1000),
			0x100000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, 0x1fff, 0x1000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, 0x2000, 0x1000, 0x1000), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x150000, MAP_END, 0x1000, 0x1000),
			0x150000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x2000, 0x2000, 0x1000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x3000, 0x2000, 0x1000, 0x1000), NF);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0, 0x1000), NF);
}

static void early_test_find_skips_reservations(struct kunit *test)
{
	struct smm_early *e = new_early(test);
	u64 addr;

	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x1000, 0x3000, "A"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x5000, 0x6000, "B"), 0);

	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x2000, 0x1000), 0x3000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x3000, 0x1000), 0x6000ULL);
	/* 0x2000 is taken, jump to round_up(0x3000, 0x2000). */
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 0x1000, 0x2000), 0x4000ULL);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0x1800, MAP_END, 0x100, 0x100), 0x3000ULL);

	/* Fill the rest of the first RAM range: the search moves on. */
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x3000, 0x5000, "C"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x6000, 0x10000, "C"), 0);
	addr = smm_find_e820_area(e, 0, MAP_END, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, addr, 0x20000ULL);
	KUNIT_EXPECT_FALSE(test, overlaps_any(e, addr, addr + 0x1000));
}

/* Allocate until nothing fits; every area is RAM and overlaps nothing. */
static void early_test_find_exhaustion(struct kunit *test)
{
	struct smm_early *e = new_early(test);
	unsigned int n = 0, small = 0;
	u64 addr;

	for (;;) {
		addr = smm_find_e820_area(e, 0, MAP_END, 0x10000, 0x1000);
		if (addr == NF || n > 64)
			break;
		KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(e->e820, addr, addr + 0x10000,
							     SMM_E820_RAM));
		KUNIT_ASSERT_EQ(test, smm_reserve_early(e, addr, addr + 0x10000, "BIG"), 0);
		n++;
	}
	/* 60 KiB is too small, 128 KiB holds 2, 1 MiB holds 16. */
	KUNIT_EXPECT_EQ(test, n, 18U);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 18 * 0x10000ULL);
	/* Touching reservations with one label merged: one per RAM range. */
	KUNIT_EXPECT_EQ(test, e->nr, 2U);

	while ((addr = smm_early_alloc(e, 0, MAP_END, 0x1000, 0x1000, "SMALL")) != NF &&
	       small < 64)
		small++;
	KUNIT_EXPECT_EQ(test, small, 15U);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 18 * 0x10000ULL + 15 * 0x1000);
	KUNIT_EXPECT_EQ(test, smm_find_e820_area(e, 0, MAP_END, 1, 0), NF);
	KUNIT_EXPECT_TRUE(test, early_sane(e));
}

/* ---- smm_reserve_early() / smm_free_early() ---------------------------- */

static void early_test_reserve_bad_args(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x2000, 0x2000, "A"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x3000, 0x2000, "A"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, e->nr, 0U);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0ULL);
}

static void early_test_reserve_overlap_refused(struct kunit *test)
{
	static const struct {
		u64 start, end;
	} clash[] = {
		{ 0x3000, 0x5000 },	/* tail */
		{ 0x1000, 0x3000 },	/* head */
		{ 0x2800, 0x3000 },	/* inside */
		{ 0x1000, 0x8000 },	/* around */
		{ 0x2000, 0x4000 },	/* the same */
		{ 0x3fff, 0x4001 },	/* one byte */
	};
	struct smm_early *e = new_early(test);
	struct smm_early *before;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x2000, 0x4000, "A"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x8000, 0x9000, "B"), 0);
	before = copy_early(test, e);

	for (i = 0; i < ARRAY_SIZE(clash); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_reserve_early(e, clash[i].start, clash[i].end, "X"),
				    -EBUSY, "[%#llx, %#llx)", clash[i].start, clash[i].end);
		/* Even under the same label: overlapping is never merging. */
		KUNIT_EXPECT_EQ_MSG(test, smm_reserve_early(e, clash[i].start, clash[i].end, "A"),
				    -EBUSY, "[%#llx, %#llx)", clash[i].start, clash[i].end);
	}
	expect_same_early(test, e, before);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x3000ULL);

	/* Touching is not overlapping. */
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x4000, 0x8000, "C"), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 3U);
}

static void early_test_reserve_merges_same_name(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, "A"), 0);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x2000, 0x3000, "A"), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 1U);
	expect_res(test, e, 0, 0x1000, 0x3000, "A");

	/* In front. */
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x800, 0x1000, "A"), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 1U);
	expect_res(test, e, 0, 0x800, 0x3000, "A");

	/* Bridging a gap between two of them leaves one. */
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x4000, 0x5000, "A"), 0);
	KUNIT_ASSERT_EQ(test, e->nr, 2U);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x3000, 0x4000, "A"), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 1U);
	expect_res(test, e, 0, 0x800, 0x5000, "A");
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x4800ULL);

	/* A merged reservation is freed as a whole. */
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x2000), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x800, 0x5000), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 0U);
}

static void early_test_reserve_different_names_kept(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x8000, 0x9000, "C"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x2000, 0x3000, "B"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, "A"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x3000, 0x8000, "D"), 0);

	KUNIT_EXPECT_EQ(test, e->nr, 4U);
	expect_res(test, e, 0, 0x1000, 0x2000, "A");
	expect_res(test, e, 1, 0x2000, 0x3000, "B");
	expect_res(test, e, 2, 0x3000, 0x8000, "D");
	expect_res(test, e, 3, 0x8000, 0x9000, "C");
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x8000ULL);
}

static void early_test_reserve_table_full(struct kunit *test)
{
	struct smm_early *e = new_early(test);
	struct smm_early *before;
	unsigned int i;
	u64 s;

	/* Not touching, so nothing merges. */
	for (i = 0; i < SMM_EARLY_MAX_RES; i++) {
		s = 0x100000 + i * 0x2000ULL;
		KUNIT_ASSERT_EQ(test, smm_reserve_early(e, s, s + 0x1000, "FULL"), 0);
	}
	KUNIT_ASSERT_EQ(test, e->nr, (unsigned int)SMM_EARLY_MAX_RES);
	before = copy_early(test, e);

	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, "MORE"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0x1000, 0x1000, "MORE"), NF);
	expect_same_early(test, e, before);

	/* Freeing one makes room again. */
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x100000, 0x101000), 0);
	KUNIT_EXPECT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, "MORE"), 0);
	KUNIT_EXPECT_EQ(test, e->nr, (unsigned int)SMM_EARLY_MAX_RES);
	expect_res(test, e, 0, 0x1000, 0x2000, "MORE");
	KUNIT_EXPECT_TRUE(test, early_sane(e));
}

static void early_test_reserve_name_truncated(struct kunit *test)
{
	static const char long_name[] = "A_VERY_LONG_RESERVATION_LABEL";
	struct smm_early *e = new_early(test);

	KUNIT_ASSERT_GT(test, sizeof(long_name), (size_t)SMM_EARLY_NAME_LEN);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x1000, 0x2000, long_name), 0);
	KUNIT_EXPECT_EQ(test, strnlen(e->res[0].name, SMM_EARLY_NAME_LEN),
			(size_t)SMM_EARLY_NAME_LEN - 1);
	KUNIT_EXPECT_EQ(test, strncmp(e->res[0].name, long_name, SMM_EARLY_NAME_LEN - 1), 0);
}

static void early_test_free_exact_only(struct kunit *test)
{
	struct smm_early *e = new_early(test);
	struct smm_early *before;

	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x1000, 0x3000, "A"), 0);
	KUNIT_ASSERT_EQ(test, smm_reserve_early(e, 0x5000, 0x6000, "B"), 0);
	before = copy_early(test, e);

	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x2000), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x2000, 0x3000), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x4000), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x6000), -ENOENT);
	expect_same_early(test, e, before);

	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x3000), 0);
	KUNIT_EXPECT_EQ(test, e->nr, 1U);
	expect_res(test, e, 0, 0x5000, 0x6000, "B");
	KUNIT_EXPECT_EQ(test, smm_free_early(e, 0x1000, 0x3000), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x1000ULL);
}

static void early_test_alloc_reserves(struct kunit *test)
{
	struct smm_early *e = new_early(test);

	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0x2000, 0x1000, "X"), 0x1000ULL);
	expect_res(test, e, 0, 0x1000, 0x3000, "X");
	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0x2000, 0x1000, "X"), 0x3000ULL);
	KUNIT_EXPECT_EQ(test, e->nr, 1U);
	expect_res(test, e, 0, 0x1000, 0x5000, "X");
	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0x1000, 0x4000, "Y"), 0x8000ULL);
	KUNIT_EXPECT_EQ(test, e->nr, 2U);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x5000ULL);

	/* A failed allocation reserves nothing. */
	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0, 0x1000, "Z"), NF);
	KUNIT_EXPECT_EQ(test, smm_early_alloc(e, 0, MAP_END, 0x200000, 0x1000, "Z"), NF);
	KUNIT_EXPECT_EQ(test, e->nr, 2U);
	KUNIT_EXPECT_EQ(test, smm_early_total(e), 0x5000ULL);
}

/*
 * Random reserve and free over the 1 MiB RAM range, 256 pages, checked after
 * every step against a bitmap of the reserved pages.
 */
#define MODEL_SEED	0xea41U
#define MODEL_STEPS	2000
#define MODEL_BASE	0x100000ULL
#define MODEL_PAGES	256

static void early_test_random_model(struct kunit *test)
{
	static const char *const names[] = { "A", "B", "C" };
	struct smm_early *e = new_early(test);
	unsigned long *model, *seen;
	unsigned int step, i, first, len, busy, nospc = 0;
	struct rnd_state rs;
	u64 start, end;
	int ret;

	model = kunit_kzalloc(test, BITS_TO_LONGS(MODEL_PAGES) * sizeof(long), GFP_KERNEL);
	seen = kunit_kzalloc(test, BITS_TO_LONGS(MODEL_PAGES) * sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, model);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	prandom_seed_state(&rs, MODEL_SEED);
	kunit_info(test, "seed %#x\n", MODEL_SEED);

	for (step = 0; step < MODEL_STEPS; step++) {
		if (e->nr && prandom_u32_state(&rs) % 3 == 0) {
			i = prandom_u32_state(&rs) % e->nr;
			start = e->res[i].start;
			end = e->res[i].end;
			ret = smm_free_early(e, start, end);
			if (ret) {
				KUNIT_FAIL(test, "step %u: free [%#llx, %#llx): %d",
					   step, start, end, ret);
				break;
			}
			bitmap_clear(model, (start - MODEL_BASE) >> 12, (end - start) >> 12);
		} else {
			first = prandom_u32_state(&rs) % MODEL_PAGES;
			len = min(1 + prandom_u32_state(&rs) % 8, MODEL_PAGES - first);
			start = MODEL_BASE + ((u64)first << 12);
			end = start + ((u64)len << 12);
			busy = find_next_bit(model, first + len, first) < first + len;
			ret = smm_reserve_early(e, start, end,
						names[prandom_u32_state(&rs) % ARRAY_SIZE(names)]);
			if (ret == -ENOSPC && !busy && e->nr == SMM_EARLY_MAX_RES) {
				nospc++;
			} else if (ret != (busy ? -EBUSY : 0)) {
				KUNIT_FAIL(test, "step %u: reserve [%#llx, %#llx): %d, want %d",
					   step, start, end, ret, busy ? -EBUSY : 0);
				break;
			} else if (!ret) {
				bitmap_set(model, first, len);
			}
		}

		bitmap_zero(seen, MODEL_PAGES);
		for (i = 0; i < e->nr; i++)
			bitmap_set(seen, (e->res[i].start - MODEL_BASE) >> 12,
				   (e->res[i].end - e->res[i].start) >> 12);
		if (!early_sane(e) || !bitmap_equal(seen, model, MODEL_PAGES) ||
		    smm_early_total(e) != (u64)bitmap_weight(model, MODEL_PAGES) << 12) {
			KUNIT_FAIL(test, "step %u: table differs from the model", step);
			break;
		}
	}
	kunit_info(test, "%u steps, %u reservations at the end, %u -ENOSPC\n",
		   step, e->nr, nospc);
}

static struct kunit_case early_test_cases[] = {
	KUNIT_CASE(early_test_find_first_fit),
	KUNIT_CASE(early_test_find_alignment),
	KUNIT_CASE(early_test_find_skips_holes),
	KUNIT_CASE(early_test_find_window),
	KUNIT_CASE(early_test_find_skips_reservations),
	KUNIT_CASE(early_test_find_exhaustion),
	KUNIT_CASE(early_test_reserve_bad_args),
	KUNIT_CASE(early_test_reserve_overlap_refused),
	KUNIT_CASE(early_test_reserve_merges_same_name),
	KUNIT_CASE(early_test_reserve_different_names_kept),
	KUNIT_CASE(early_test_reserve_table_full),
	KUNIT_CASE(early_test_reserve_name_truncated),
	KUNIT_CASE(early_test_free_exact_only),
	KUNIT_CASE(early_test_alloc_reserves),
	KUNIT_CASE(early_test_random_model),
	{}
};

static struct kunit_suite early_test_suite = {
	.name = "shadow_mm_early",
	.test_cases = early_test_cases,
};

kunit_test_suite(early_test_suite);
