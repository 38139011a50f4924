// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_e820": the synthetic BIOS memory map.
 *
 * Covers the limits of smm_e820_add(); smm_e820_sanitize(), our
 * e820__update_table() (sanitize_e820_map() in the seed articles), on
 * overlap, containment, adjacency, zero-size and unsorted entries, a full
 * table and a result that would not fit, plus a randomized comparison with
 * a page-by-page model; the e820_reserve= grammar of
 * smm_e820_parse_reserve(), good and malformed; and the PC landmarks that
 * smm_e820_build() lays over the arena's runs.
 */

#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/e820.h"

#define MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

static struct smm_e820_table *new_table(struct kunit *test)
{
	struct smm_e820_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

static struct smm_e820_table *copy_table(struct kunit *test,
					 const struct smm_e820_table *t)
{
	struct smm_e820_table *c = new_table(test);

	memcpy(c, t, sizeof(*c));
	return c;
}

/* The same entries in use; slots past @nr_entries are not part of a table. */
static void expect_same_table(struct kunit *test, const struct smm_e820_table *t,
			      const struct smm_e820_table *before)
{
	KUNIT_ASSERT_EQ(test, t->nr_entries, before->nr_entries);
	KUNIT_EXPECT_EQ(test, memcmp(t->entries, before->entries,
				     t->nr_entries * sizeof(t->entries[0])), 0);
}

static void expect_entry(struct kunit *test, const struct smm_e820_table *t,
			 u32 i, u64 addr, u64 size, enum smm_e820_type type)
{
	KUNIT_ASSERT_LT_MSG(test, i, t->nr_entries, "no entry %u", i);
	KUNIT_EXPECT_EQ_MSG(test, t->entries[i].addr, addr, "entry %u addr", i);
	KUNIT_EXPECT_EQ_MSG(test, t->entries[i].size, size, "entry %u size", i);
	KUNIT_EXPECT_EQ_MSG(test, t->entries[i].type, type, "entry %u type", i);
}

/*
 * What sanitize promises: sorted, disjoint, no empty entries, and no two
 * touching entries of the same type (they would have been merged).
 */
static void expect_sanitized(struct kunit *test, const struct smm_e820_table *t)
{
	const struct smm_e820_entry *prev, *e;
	u32 i;

	KUNIT_EXPECT_LE(test, t->nr_entries, (u32)SMM_E820_MAX_ENTRIES);
	for (i = 0; i < t->nr_entries && i < SMM_E820_MAX_ENTRIES; i++) {
		e = &t->entries[i];
		KUNIT_EXPECT_NE_MSG(test, e->size, 0, "entry %u is empty", i);
		KUNIT_EXPECT_GE_MSG(test, e->addr + e->size, e->addr,
				    "entry %u wraps", i);
		if (!i)
			continue;
		prev = e - 1;
		KUNIT_EXPECT_LE_MSG(test, prev->addr + prev->size, e->addr,
				    "entries %u and %u overlap or are unsorted", i - 1, i);
		if (prev->addr + prev->size == e->addr)
			KUNIT_EXPECT_NE_MSG(test, prev->type, e->type,
					    "entries %u and %u touch and were not merged",
					    i - 1, i);
	}
}

/* The type of the entry covering @addr, or 0 if none does. */
static unsigned int type_at(const struct smm_e820_table *t, u64 addr)
{
	u32 i;

	for (i = 0; i < t->nr_entries; i++)
		if (addr >= t->entries[i].addr &&
		    addr - t->entries[i].addr < t->entries[i].size)
			return t->entries[i].type;
	return 0;
}

/* Does any entry overlap [@start, @end)? */
static bool any_entry_in(const struct smm_e820_table *t, u64 start, u64 end)
{
	u32 i;

	for (i = 0; i < t->nr_entries; i++)
		if (t->entries[i].addr < end &&
		    start < t->entries[i].addr + t->entries[i].size)
			return true;
	return false;
}

KUNIT_DEFINE_ACTION_WRAPPER(arena_destroy_action, smm_arena_destroy,
			    struct smm_arena *);

static u64 run_start(const struct smm_arena *a, unsigned int i)
{
	return SMM_PFN_PHYS(a->runs[i].pfn);
}

static u64 run_end(const struct smm_arena *a, unsigned int i)
{
	return SMM_PFN_PHYS(a->runs[i].pfn + a->runs[i].nr_pages);
}

/* Bytes of [0, 1 MiB) that stay RAM after build: [0x1000, EBDA). */
#define LOW_RAM		(SMM_E820_EBDA_START - 0x1000)
/* Bytes of [0, 1 MiB) that build() reserves: page 0, EBDA, BIOS. */
#define LOW_RESERVED	(0x1000 + (SMM_E820_ISA_START - SMM_E820_EBDA_START) + \
			 (SMM_E820_1M - SMM_E820_BIOS_START))

/* ---- smm_e820_add() ---------------------------------------------------- */

static void e820_test_add_appends_unsorted(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_EXPECT_EQ(test, smm_e820_add(t, 0x5000, 0x1000, SMM_E820_RAM), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_add(t, 0x1000, 0x1000, SMM_E820_ACPI), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_add(t, 0x3000, 0, SMM_E820_NVS), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 3U);
	expect_entry(test, t, 0, 0x5000, 0x1000, SMM_E820_RAM);
	expect_entry(test, t, 1, 0x1000, 0x1000, SMM_E820_ACPI);
	expect_entry(test, t, 2, 0x3000, 0, SMM_E820_NVS);
}

static void e820_test_add_overflow(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_EXPECT_EQ(test, smm_e820_add(t, U64_MAX - 0xfff, 0x2000, SMM_E820_RAM),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, smm_e820_add(t, 0x1000, U64_MAX, SMM_E820_RESERVED),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 0U);
	/* The last byte below 2^64 is still addressable. */
	KUNIT_EXPECT_EQ(test, smm_e820_add(t, U64_MAX - 0x1fff, 0x1000, SMM_E820_RAM), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 1U);
}

static void e820_test_add_full_table(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	u32 i;

	/* Disjoint, not touching, and added from the top down. */
	for (i = 0; i < SMM_E820_MAX_ENTRIES; i++)
		KUNIT_ASSERT_EQ(test, smm_e820_add(t, (SMM_E820_MAX_ENTRIES - 1 - i) * 0x2000ULL,
						   0x1000, SMM_E820_RAM), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_add(t, 0x10000000, 0x1000, SMM_E820_RAM), -E2BIG);
	KUNIT_EXPECT_EQ(test, t->nr_entries, (u32)SMM_E820_MAX_ENTRIES);

	/* A full table that needs no extra entry still sanitizes. */
	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, (u32)SMM_E820_MAX_ENTRIES);
	expect_sanitized(test, t);
	expect_entry(test, t, 0, 0, 0x1000, SMM_E820_RAM);
	expect_entry(test, t, SMM_E820_MAX_ENTRIES - 1,
		     (SMM_E820_MAX_ENTRIES - 1) * 0x2000ULL, 0x1000, SMM_E820_RAM);
}

/* ---- smm_e820_sanitize() ----------------------------------------------- */

static void e820_test_sanitize_empty(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 0U);
}

static void e820_test_sanitize_sorts(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x9000, 0x1000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x1000, 0x1000, SMM_E820_NVS), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x5000, 0x2000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x3000, 0x1000, SMM_E820_RESERVED), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 4U);
	expect_entry(test, t, 0, 0x1000, 0x1000, SMM_E820_NVS);
	expect_entry(test, t, 1, 0x3000, 0x1000, SMM_E820_RESERVED);
	expect_entry(test, t, 2, 0x5000, 0x2000, SMM_E820_RAM);
	expect_entry(test, t, 3, 0x9000, 0x1000, SMM_E820_RAM);
	expect_sanitized(test, t);
}

static void e820_test_sanitize_overlap_same_type_merges(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x2000, 0x3000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x3000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x4000, 0x4000, SMM_E820_RAM), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 1U);
	expect_entry(test, t, 0, 0x0, 0x8000, SMM_E820_RAM);
}

/* RAM then RESERVED, or RESERVED then RAM: the order of input must not matter. */
static void e820_test_sanitize_overlap_larger_type_wins(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	struct smm_e820_table *u = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x4000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x3000, 0x3000, SMM_E820_RESERVED), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(u, 0x3000, 0x3000, SMM_E820_RESERVED), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(u, 0x0, 0x4000, SMM_E820_RAM), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(u), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 2U);
	expect_entry(test, t, 0, 0x0, 0x3000, SMM_E820_RAM);
	expect_entry(test, t, 1, 0x3000, 0x3000, SMM_E820_RESERVED);
	KUNIT_EXPECT_EQ(test, u->nr_entries, t->nr_entries);
	KUNIT_EXPECT_EQ(test, memcmp(u->entries, t->entries,
				     t->nr_entries * sizeof(t->entries[0])), 0);
}

/* Several kinds stacked: at every byte the largest type number wins. */
static void e820_test_sanitize_overlap_stack(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x8000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x4000, SMM_E820_ACPI), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x2000, 0x4000, SMM_E820_NVS), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x3000, 0x1000, SMM_E820_UNUSABLE), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 5U);
	expect_entry(test, t, 0, 0x0, 0x2000, SMM_E820_ACPI);
	expect_entry(test, t, 1, 0x2000, 0x1000, SMM_E820_NVS);
	expect_entry(test, t, 2, 0x3000, 0x1000, SMM_E820_UNUSABLE);
	expect_entry(test, t, 3, 0x4000, 0x2000, SMM_E820_NVS);
	expect_entry(test, t, 4, 0x6000, 0x2000, SMM_E820_RAM);
}

static void e820_test_sanitize_containment_splits_ram(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x10000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x4000, 0x2000, SMM_E820_RESERVED), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 3U);
	expect_entry(test, t, 0, 0x0, 0x4000, SMM_E820_RAM);
	expect_entry(test, t, 1, 0x4000, 0x2000, SMM_E820_RESERVED);
	expect_entry(test, t, 2, 0x6000, 0xa000, SMM_E820_RAM);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM), 0xe000ULL);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RESERVED), 0x2000ULL);
}

static void e820_test_sanitize_containment_absorbs_ram(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x4000, 0x2000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x10000, SMM_E820_RESERVED), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 1U);
	expect_entry(test, t, 0, 0x0, 0x10000, SMM_E820_RESERVED);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM), 0ULL);
}

static void e820_test_sanitize_adjacent(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	/* Touching RAM merges; touching RAM and ACPI stay apart. */
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x1000, 0x1000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x3000, 0x1000, SMM_E820_ACPI), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x2000, 0x1000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x4000, 0x1000, SMM_E820_ACPI), 0);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 2U);
	expect_entry(test, t, 0, 0x1000, 0x2000, SMM_E820_RAM);
	expect_entry(test, t, 1, 0x3000, 0x2000, SMM_E820_ACPI);
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x1000, 0x3000, SMM_E820_RAM));
	KUNIT_EXPECT_FALSE(test, smm_e820_all_of_type(t, 0x1000, 0x3001, SMM_E820_RAM));
	KUNIT_EXPECT_FALSE(test, smm_e820_all_of_type(t, 0x0, 0x2000, SMM_E820_RAM));
}

static void e820_test_sanitize_zero_size(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	/* Alone in the table. */
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x1000, 0, SMM_E820_RAM), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 0U);

	/* Inside RAM, where a real reserved entry would split it. */
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x5800, 0, SMM_E820_RESERVED), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x5000, 0x2000, SMM_E820_RAM), 0);
	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x9000, 0, SMM_E820_NVS), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 1U);
	expect_entry(test, t, 0, 0x5000, 0x2000, SMM_E820_RAM);
}

/*
 * One RAM range with 127 reserved pages sprinkled inside: 128 entries in,
 * 255 would come out.  Sanitize must refuse and leave the input alone.
 */
static void e820_test_sanitize_overflow_unchanged(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	struct smm_e820_table *before;
	u32 i;

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x1000000, SMM_E820_RAM), 0);
	for (i = 0; i < SMM_E820_MAX_ENTRIES - 1; i++)
		KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x1000 + i * 0x2000ULL, 0x1000,
						   SMM_E820_RESERVED), 0);
	before = copy_table(test, t);

	KUNIT_EXPECT_EQ(test, smm_e820_sanitize(t), -E2BIG);
	expect_same_table(test, t, before);
}

/*
 * Random tables over 256 pages, against a model that knows, page by page,
 * which type the kernel's rule gives: the largest type of the entries that
 * cover it, nothing if none does.
 */
#define RANDOM_SEED	0x5eed820
#define RANDOM_ROUNDS	64
#define RANDOM_PAGES	256

static void e820_test_sanitize_random_model(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	struct smm_e820_table *in = new_table(test);
	struct rnd_state rs;
	unsigned int round, n, i, p, want, got, bad = 0;

	prandom_seed_state(&rs, RANDOM_SEED);
	kunit_info(test, "seed %#x\n", RANDOM_SEED);

	for (round = 0; round < RANDOM_ROUNDS && !bad; round++) {
		memset(t, 0, sizeof(*t));
		n = 1 + prandom_u32_state(&rs) % 40;
		for (i = 0; i < n; i++) {
			u64 addr = (u64)(prandom_u32_state(&rs) % RANDOM_PAGES) * 0x1000;
			u64 size = (u64)(prandom_u32_state(&rs) % 32) * 0x1000;
			enum smm_e820_type type = SMM_E820_RAM + prandom_u32_state(&rs) % 5;

			KUNIT_ASSERT_EQ(test, smm_e820_add(t, addr, size, type), 0);
		}
		memcpy(in, t, sizeof(*in));

		KUNIT_EXPECT_EQ_MSG(test, smm_e820_sanitize(t), 0, "round %u", round);
		expect_sanitized(test, t);
		for (p = 0; p < RANDOM_PAGES + 32; p++) {
			u64 addr = (u64)p * 0x1000;

			want = 0;
			for (i = 0; i < in->nr_entries; i++)
				if (addr >= in->entries[i].addr &&
				    addr - in->entries[i].addr < in->entries[i].size)
					want = max_t(unsigned int, want, in->entries[i].type);
			got = type_at(t, addr);
			if (got != want) {
				KUNIT_FAIL(test, "round %u: page %#x has type %u, want %u",
					   round, p, got, want);
				bad++;
				break;
			}
		}
	}
}

/* ---- smm_e820_parse_reserve() ------------------------------------------ */

static void e820_test_reserve_parse_good(struct kunit *test)
{
	static const char good[] =
		"64K@0x200000,1M@4M:acpi,4K@3M:nvs,8k@0x301000:unusable,4096@5m:reserved,2M@16M";
	struct smm_e820_table *t = new_table(test);

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x2000000, SMM_E820_RAM), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_parse_reserve(t, good), 0);
	KUNIT_ASSERT_EQ(test, t->nr_entries, 7U);
	expect_entry(test, t, 0, 0x0, 0x2000000, SMM_E820_RAM);
	expect_entry(test, t, 1, 0x200000, 0x10000, SMM_E820_RESERVED);
	expect_entry(test, t, 2, 0x400000, 0x100000, SMM_E820_ACPI);
	expect_entry(test, t, 3, 0x300000, 0x1000, SMM_E820_NVS);
	expect_entry(test, t, 4, 0x301000, 0x2000, SMM_E820_UNUSABLE);
	expect_entry(test, t, 5, 0x500000, 0x1000, SMM_E820_RESERVED);
	expect_entry(test, t, 6, 0x1000000, 0x200000, SMM_E820_RESERVED);

	/* And they carve the RAM as reserved ranges should. */
	KUNIT_ASSERT_EQ(test, smm_e820_sanitize(t), 0);
	expect_sanitized(test, t);
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x400000, 0x500000, SMM_E820_ACPI));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x301000, 0x303000,
						     SMM_E820_UNUSABLE));
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM),
			0x2000000ULL - 0x10000 - 0x100000 - 0x1000 - 0x2000 - 0x1000 - 0x200000);
}

static void e820_test_reserve_parse_empty(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);

	KUNIT_EXPECT_EQ(test, smm_e820_parse_reserve(t, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_e820_parse_reserve(t, ""), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, 0U);
}

struct reserve_case {
	const char *desc;
	const char *s;
	int err;
};

static const struct reserve_case bad_reserves[] = {
	{ "missing_at",		"4K",					-EINVAL },
	{ "missing_size",	"@0x1000",				-EINVAL },
	{ "zero_size",		"0@0x1000",				-EINVAL },
	{ "junk_after_size",	"4Kq@0x1000",				-EINVAL },
	{ "junk_after_start",	"4K@0x1000zz",				-EINVAL },
	{ "type_ram",		"4K@0x1000:ram",			-EINVAL },
	{ "type_unknown",	"4K@0x1000:bogus",			-EINVAL },
	{ "type_empty",		"4K@0x1000:",				-EINVAL },
	{ "type_twice",		"4K@0x1000:acpi:nvs",			-EINVAL },
	{ "empty_item_middle",	"4K@0x1000,,4K@0x3000",			-EINVAL },
	{ "trailing_comma",	"4K@0x1000,",				-EINVAL },
	{ "leading_comma",	",4K@0x1000",				-EINVAL },
	{ "lone_comma",		",",					-EINVAL },
	{ "bad_second_item",	"4K@0x1000,4K",				-EINVAL },
	{ "overflow",		"8K@0xfffffffffffff000",		-ERANGE },
	{ "overflow_second",	"4K@0x1000,1G@0xffffffffc0000001",	-ERANGE },
};

KUNIT_ARRAY_PARAM_DESC(bad_reserve, bad_reserves, desc);

/* Malformed text is refused, and not even its good items are added. */
static void e820_test_reserve_parse_malformed(struct kunit *test)
{
	const struct reserve_case *c = test->param_value;
	struct smm_e820_table *t = new_table(test);
	struct smm_e820_table *before;

	KUNIT_ASSERT_EQ(test, smm_e820_add(t, 0x0, 0x100000, SMM_E820_RAM), 0);
	before = copy_table(test, t);

	KUNIT_EXPECT_EQ_MSG(test, smm_e820_parse_reserve(t, c->s), c->err, "\"%s\"", c->s);
	expect_same_table(test, t, before);
}

static void e820_test_reserve_parse_too_many(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	struct smm_e820_table *before;
	u32 i;

	for (i = 0; i < SMM_E820_MAX_ENTRIES - 1; i++)
		KUNIT_ASSERT_EQ(test, smm_e820_add(t, i * 0x2000ULL, 0x1000, SMM_E820_RAM), 0);
	before = copy_table(test, t);

	/* The first item would fit, the second would not: neither goes in. */
	KUNIT_EXPECT_EQ(test, smm_e820_parse_reserve(t, "4K@0x1000000,4K@0x1002000"), -E2BIG);
	expect_same_table(test, t, before);

	/* One item still fits exactly. */
	KUNIT_EXPECT_EQ(test, smm_e820_parse_reserve(t, "4K@0x1000000"), 0);
	KUNIT_EXPECT_EQ(test, t->nr_entries, (u32)SMM_E820_MAX_ENTRIES);
}

/* ---- smm_e820_build() -------------------------------------------------- */

/* On a real arena: the landmarks of a PC below 1 MiB, and ACPI at the top. */
static void e820_test_build_landmarks(struct kunit *test)
{
	struct smm_e820_table *t = new_table(test);
	struct smm_arena *a;
	unsigned int i, last;
	u64 top, bytes, s, e;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, smm_arena_init(a, MB_PAGES(8), SMM_ARENA_CHUNKS,
					     MAX_PAGE_ORDER), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, arena_destroy_action, a), 0);
	/* Max-order chunks: the first run is at least one section. */
	KUNIT_ASSERT_GE(test, a->runs[0].nr_pages, SMM_PFN_UP(SMM_E820_1M));
	last = a->nr_runs - 1;
	top = run_end(a, last);
	bytes = SMM_PFN_PHYS(a->nr_pages);

	KUNIT_ASSERT_EQ(test, smm_e820_build(t, a, NULL), 0);
	expect_sanitized(test, t);

	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x0, 0x1000, SMM_E820_RESERVED));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x1000, SMM_E820_EBDA_START,
						     SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, SMM_E820_EBDA_START,
						     SMM_E820_ISA_START, SMM_E820_RESERVED));
	KUNIT_EXPECT_FALSE(test, any_entry_in(t, SMM_E820_ISA_START, SMM_E820_BIOS_START));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, SMM_E820_BIOS_START, SMM_E820_1M,
						     SMM_E820_RESERVED));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, top - SMM_E820_ACPI_SIZE, top,
						     SMM_E820_ACPI));
	KUNIT_EXPECT_FALSE(test, smm_e820_all_of_type(t, top - SMM_E820_ACPI_SIZE - 0x1000,
						      top, SMM_E820_ACPI));
	KUNIT_EXPECT_FALSE(test, any_entry_in(t, top, U64_MAX));

	/* Every run above 1 MiB is RAM, but for the ACPI tail. */
	for (i = 0; i < a->nr_runs; i++) {
		s = max(run_start(a, i), SMM_E820_1M);
		e = run_end(a, i) - (i == last ? SMM_E820_ACPI_SIZE : 0);
		if (s < e)
			KUNIT_EXPECT_TRUE_MSG(test, smm_e820_all_of_type(t, s, e, SMM_E820_RAM),
					      "run %u", i);
	}

	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM),
			bytes - SMM_E820_1M + LOW_RAM - SMM_E820_ACPI_SIZE);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RESERVED), (u64)LOW_RESERVED);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_ACPI), SMM_E820_ACPI_SIZE);
}

/* Two runs with a hole between: one RAM range per run, nothing in the hole. */
static void e820_test_build_holes(struct kunit *test)
{
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x100000, .order = MAX_PAGE_ORDER },
		{ .host_pfn = 0x180000, .order = MAX_PAGE_ORDER },
	};
	struct smm_e820_table *t = new_table(test);
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));
	u64 hole_start, hole_end;
	u32 i, ram = 0;

	KUNIT_ASSERT_EQ(test, a->nr_runs, 2U);
	hole_start = run_end(a, 0);
	hole_end = run_start(a, 1);
	KUNIT_ASSERT_LT(test, hole_start, hole_end);

	KUNIT_ASSERT_EQ(test, smm_e820_build(t, a, NULL), 0);
	expect_sanitized(test, t);
	KUNIT_EXPECT_FALSE(test, any_entry_in(t, hole_start, hole_end));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, SMM_E820_1M, hole_start,
						     SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, hole_end,
						     run_end(a, 1) - SMM_E820_ACPI_SIZE,
						     SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, run_end(a, 1) - SMM_E820_ACPI_SIZE,
						     run_end(a, 1), SMM_E820_ACPI));
	KUNIT_EXPECT_FALSE(test, smm_e820_all_of_type(t, hole_start - 0x1000, hole_end + 0x1000,
						      SMM_E820_RAM));
	for (i = 0; i < t->nr_entries; i++)
		ram += t->entries[i].type == SMM_E820_RAM;
	/* [0x1000, EBDA), [1 MiB, end of run 0), [start of run 1, ACPI). */
	KUNIT_EXPECT_EQ(test, ram, 3U);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM),
			SMM_PFN_PHYS(a->nr_pages) - SMM_E820_1M + LOW_RAM - SMM_E820_ACPI_SIZE);
}

static void e820_test_build_user_reserve(struct kunit *test)
{
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x100000, .order = MAX_PAGE_ORDER },
		{ .host_pfn = 0x100000 + (1UL << MAX_PAGE_ORDER), .order = MAX_PAGE_ORDER },
	};
	struct smm_e820_table *t = new_table(test);
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));
	u64 top;

	KUNIT_ASSERT_EQ(test, a->nr_runs, 1U);
	top = run_end(a, 0);
	KUNIT_ASSERT_EQ(test, top, 0x800000ULL);

	/* NVS and reserved split the RAM; UNUSABLE beats the ACPI tail. */
	KUNIT_ASSERT_EQ(test, smm_e820_build(t, a, "1M@2M:nvs,4K@0x500000,64K@0x7f0000:unusable"),
			0);
	expect_sanitized(test, t);
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x200000, 0x300000, SMM_E820_NVS));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x500000, 0x501000,
						     SMM_E820_RESERVED));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, SMM_E820_1M, 0x200000, SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x300000, 0x500000, SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x501000, top - SMM_E820_ACPI_SIZE,
						     SMM_E820_RAM));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, top - SMM_E820_ACPI_SIZE, top - 0x10000,
						     SMM_E820_ACPI));
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, top - 0x10000, top,
						     SMM_E820_UNUSABLE));
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_RAM),
			top - SMM_E820_1M + LOW_RAM - SMM_E820_ACPI_SIZE - 0x100000 - 0x1000);
	KUNIT_EXPECT_EQ(test, smm_e820_total(t, SMM_E820_ACPI), SMM_E820_ACPI_SIZE - 0x10000);
}

static void e820_test_build_bad_reserve(struct kunit *test)
{
	static const struct smm_chunk chunks[] = {
		{ .host_pfn = 0x100000, .order = MAX_PAGE_ORDER },
	};
	struct smm_e820_table *t = new_table(test);
	struct smm_arena *a = smm_test_fake_arena(test, chunks, ARRAY_SIZE(chunks));

	KUNIT_EXPECT_EQ(test, smm_e820_build(t, a, "4K"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_e820_build(t, a, "4K@0x1000:ram"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_e820_build(t, a, "8K@0xfffffffffffff000"), -ERANGE);
	/* And the same table builds fine afterwards. */
	KUNIT_EXPECT_EQ(test, smm_e820_build(t, a, ""), 0);
	KUNIT_EXPECT_TRUE(test, smm_e820_all_of_type(t, 0x0, 0x1000, SMM_E820_RESERVED));
}

static struct kunit_case e820_test_cases[] = {
	KUNIT_CASE(e820_test_add_appends_unsorted),
	KUNIT_CASE(e820_test_add_overflow),
	KUNIT_CASE(e820_test_add_full_table),
	KUNIT_CASE(e820_test_sanitize_empty),
	KUNIT_CASE(e820_test_sanitize_sorts),
	KUNIT_CASE(e820_test_sanitize_overlap_same_type_merges),
	KUNIT_CASE(e820_test_sanitize_overlap_larger_type_wins),
	KUNIT_CASE(e820_test_sanitize_overlap_stack),
	KUNIT_CASE(e820_test_sanitize_containment_splits_ram),
	KUNIT_CASE(e820_test_sanitize_containment_absorbs_ram),
	KUNIT_CASE(e820_test_sanitize_adjacent),
	KUNIT_CASE(e820_test_sanitize_zero_size),
	KUNIT_CASE(e820_test_sanitize_overflow_unchanged),
	KUNIT_CASE(e820_test_sanitize_random_model),
	KUNIT_CASE(e820_test_reserve_parse_good),
	KUNIT_CASE(e820_test_reserve_parse_empty),
	KUNIT_CASE_PARAM(e820_test_reserve_parse_malformed, bad_reserve_gen_params),
	KUNIT_CASE(e820_test_reserve_parse_too_many),
	KUNIT_CASE(e820_test_build_landmarks),
	KUNIT_CASE(e820_test_build_holes),
	KUNIT_CASE(e820_test_build_user_reserve),
	KUNIT_CASE(e820_test_build_bad_reserve),
	{}
};

static struct kunit_suite e820_test_suite = {
	.name = "shadow_mm_e820",
	.test_cases = e820_test_cases,
};

kunit_test_suite(e820_test_suite);
