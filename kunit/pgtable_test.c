// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_pgtable": the shadow x86-64 page tables.
 *
 * Each case brings up a small instance of its own with
 * smm_instance_create() and one set of tables on its buddy allocator.  The
 * cases check the entries a set writes, bit by bit, the walk through the
 * four levels, how many tables each level holds as mappings are added and
 * removed (shared tables stay, emptied ones go back to the buddy), the
 * refusal of every kind of bad input without a trace in the tables, the
 * behaviour when no table page can be had, and a long random workload
 * against a model.  Further cases cover pinned PTE tables (kept when
 * emptied, freed with the empty levels above on the last unpin) and the
 * clearing of a range: exactly the leaves inside, each reported once, the
 * emptied tables freed, bad ranges refused; and the fault handler's single
 * walk (smm_pgtable_pte_lock(), a fill in place, the unlock), its
 * counting and its refusals.  The random case prints its seed; the same
 * seed replays the same run.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/memmap.h"
#include "shadow_mm/pgtable.h"

/* The x86-64 vmalloc base: canonical, upper half. */
#define TEST_BASE	0xffffc90000000000ULL
#define TEST_SEED	0x5eedf00dU
#define RAND_OPS	20000
#define RAND_CHECK	1000

/* One instance and one set of tables on it. */
struct pt_ctx {
	struct smm_instance *inst;
	struct smm_pgtable *pt;
};

KUNIT_DEFINE_ACTION_WRAPPER(pgtable_destroy_action, smm_pgtable_destroy,
			    struct smm_pgtable *);

static const unsigned int level_shift[SMM_PT_LEVELS] = {
	SMM_PT_SHIFT_PGD, SMM_PT_SHIFT_PUD, SMM_PT_SHIFT_PMD, SMM_PT_SHIFT_PTE,
};

static void pt_setup(struct kunit *test, struct pt_ctx *c)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
	};

	c->inst = smm_test_new_instance(test, &p);
	c->pt = kunit_kzalloc(test, sizeof(*c->pt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->pt);
	KUNIT_ASSERT_EQ(test, smm_pgtable_init(c->pt, &c->inst->buddy), 0);
	/* Registered after the instance's, so it runs first. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pgtable_destroy_action,
							c->pt), 0);
	smm_drain_pages(&c->inst->buddy);
}

/* A page from the buddy allocator, as a leaf PFN; freed with the instance. */
static unsigned long leaf_pfn(struct kunit *test, struct pt_ctx *c)
{
	struct smm_page *page = smm_alloc_page(&c->inst->buddy, SMM_GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	return smm_page_to_pfn(&c->inst->arena, page);
}

static unsigned long free_pages_now(struct pt_ctx *c)
{
	smm_drain_pages(&c->inst->buddy);
	return smm_buddy_free_pages(&c->inst->buddy);
}

static u64 *table_virt(struct pt_ctx *c, unsigned long pfn)
{
	return smm_arena_pfn_to_virt(&c->inst->arena, pfn);
}

/* The tables of each level, top first. */
static void expect_tables(struct kunit *test, const struct smm_pgtable *pt, unsigned long pgd,
			  unsigned long pud, unsigned long pmd, unsigned long pte)
{
	const unsigned long want[SMM_PT_LEVELS] = { pgd, pud, pmd, pte };
	int l;

	for (l = 0; l < SMM_PT_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, pt->tables[l], want[l], "%s tables",
				    smm_pt_level_name(l));
}

static u64 leaf_entry(unsigned long pfn, u64 flags)
{
	return ((u64)pfn << PAGE_SHIFT) | flags | SMM_PTE_PRESENT;
}

static void pgtable_test_set_get(struct kunit *test)
{
	struct pt_ctx c;
	unsigned long pfn;
	u64 va = TEST_BASE + 0x1234000ULL, pte = 0;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);

	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), -ENOENT);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW | SMM_PTE_NX), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW | SMM_PTE_NX));
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(pte), pfn);

	/* No flags: present only; present passed explicitly is accepted. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, pfn, 0), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, 0));
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + 2 * PAGE_SIZE, pfn,
					      SMM_PTE_PRESENT), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + 2 * PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, 0));

	/* The neighbours stay unmapped. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va - PAGE_SIZE, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + 3 * PAGE_SIZE, &pte), -ENOENT);
}

static void pgtable_test_walk_levels(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w;
	unsigned long pfn;
	u64 va = TEST_BASE + (3ULL << SMM_PT_SHIFT_PUD) + (5ULL << SMM_PT_SHIFT_PMD) +
		 (7ULL << SMM_PT_SHIFT_PTE);
	int l, k;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW), 0);

	KUNIT_EXPECT_EQ(test, smm_pt_index(va, SMM_PT_PGD), 0x192U);
	KUNIT_EXPECT_EQ(test, smm_pt_index(va, SMM_PT_PUD), 3U);
	KUNIT_EXPECT_EQ(test, smm_pt_index(va, SMM_PT_PMD), 5U);
	KUNIT_EXPECT_EQ(test, smm_pt_index(va, SMM_PT_PTE), 7U);

	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_EXPECT_EQ(test, w.va, va);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PGD], c.pt->pgd_pfn);
	for (l = 0; l < SMM_PT_LEVELS; l++) {
		KUNIT_ASSERT_TRUE(test, smm_arena_pfn_valid(&c.inst->arena, w.table_pfn[l]));
		/* The entry recorded is the one at the level's index. */
		KUNIT_EXPECT_EQ_MSG(test, table_virt(&c, w.table_pfn[l])[smm_pt_index(va, l)],
				    w.entry[l], "level %s", smm_pt_level_name(l));
		for (k = 0; k < l; k++)
			KUNIT_EXPECT_NE(test, w.table_pfn[k], w.table_pfn[l]);
	}
	for (l = 0; l < SMM_PT_PTE; l++) {
		KUNIT_EXPECT_EQ(test, w.entry[l] & ~SMM_PTE_PFN_MASK, SMM_PTE_TABLE);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(w.entry[l]), w.table_pfn[l + 1]);
	}
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PTE], leaf_entry(pfn, SMM_PTE_RW));

	/* Unmapped, same PTE table: four levels read, the last one empty. */
	smm_pgtable_walk(c.pt, va + PAGE_SIZE, &w);
	KUNIT_EXPECT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PTE], 0ULL);

	/* Unmapped, another PMD index: three levels read. */
	smm_pgtable_walk(c.pt, va + (1ULL << SMM_PT_SHIFT_PMD), &w);
	KUNIT_EXPECT_EQ(test, w.levels, 3U);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PMD], 0ULL);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PTE], 0ULL);

	/* Unmapped, another PGD index: the walk stops at the top. */
	smm_pgtable_walk(c.pt, va + (1ULL << SMM_PT_SHIFT_PGD), &w);
	KUNIT_EXPECT_EQ(test, w.levels, 1U);
	KUNIT_EXPECT_EQ(test, w.table_pfn[SMM_PT_PGD], c.pt->pgd_pfn);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PGD], 0ULL);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PUD], 0ULL);
}

static void pgtable_test_one_mapping_tables(struct kunit *test)
{
	struct pt_ctx c;
	unsigned long pfn;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), 1UL);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, TEST_BASE, pfn, 0), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), 4UL);
}

static void pgtable_test_same_pte_table_shared(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w1, w2;
	unsigned long pfn;
	u64 va1 = TEST_BASE, va2 = TEST_BASE + 511 * PAGE_SIZE;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va1, pfn, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va2, pfn, SMM_PTE_RW), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	smm_pgtable_walk(c.pt, va1, &w1);
	smm_pgtable_walk(c.pt, va2, &w2);
	KUNIT_EXPECT_EQ(test, w1.levels, w2.levels);
	KUNIT_EXPECT_EQ(test, memcmp(w1.table_pfn, w2.table_pfn, sizeof(w1.table_pfn)), 0);
}

/* Two addresses whose first differing index is at one level. */
struct differ_case {
	enum smm_pt_level level;
	unsigned long tables[SMM_PT_LEVELS];
};

static const struct differ_case differ_cases[] = {
	{ SMM_PT_PGD, { 1, 2, 2, 2 } },
	{ SMM_PT_PUD, { 1, 1, 2, 2 } },
	{ SMM_PT_PMD, { 1, 1, 1, 2 } },
	{ SMM_PT_PTE, { 1, 1, 1, 1 } },
};

static void differ_desc(const struct differ_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "differ at %s", smm_pt_level_name(t->level));
}

KUNIT_ARRAY_PARAM(differ, differ_cases, differ_desc);

static void pgtable_test_differ_at_level(struct kunit *test)
{
	const struct differ_case *t = test->param_value;
	struct pt_ctx c;
	struct smm_pt_walk w1, w2;
	unsigned long pfn, before;
	u64 va1 = TEST_BASE, va2 = TEST_BASE + (1ULL << level_shift[t->level]);
	u64 pte;
	int l;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va1, pfn, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va2, pfn, SMM_PTE_DIRTY), 0);
	expect_tables(test, c.pt, t->tables[0], t->tables[1], t->tables[2], t->tables[3]);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt),
			t->tables[0] + t->tables[1] + t->tables[2] + t->tables[3]);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before + 1 - smm_pgtable_pages(c.pt));

	smm_pgtable_walk(c.pt, va1, &w1);
	smm_pgtable_walk(c.pt, va2, &w2);
	KUNIT_ASSERT_EQ(test, w1.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_ASSERT_EQ(test, w2.levels, (unsigned int)SMM_PT_LEVELS);
	for (l = 0; l < SMM_PT_LEVELS; l++) {
		if (l <= t->level)
			KUNIT_EXPECT_EQ_MSG(test, w1.table_pfn[l], w2.table_pfn[l],
					    "level %s", smm_pt_level_name(l));
		else
			KUNIT_EXPECT_NE_MSG(test, w1.table_pfn[l], w2.table_pfn[l],
					    "level %s", smm_pt_level_name(l));
	}

	/* Clearing the second keeps what the first uses, frees the rest. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va2, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_DIRTY));
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va1, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, 0));
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va2, &pte), -ENOENT);
	smm_pgtable_walk(c.pt, va1, &w2);
	KUNIT_EXPECT_EQ(test, memcmp(w1.table_pfn, w2.table_pfn, sizeof(w1.table_pfn)), 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before - 3);

	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va1, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
}

static void pgtable_test_clear_frees_tables(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w;
	unsigned long pfn, before, tpfn[SMM_PT_LEVELS];
	u64 va = TEST_BASE + (2ULL << SMM_PT_SHIFT_PUD), pte = 0;
	int l;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW), 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before - 3);
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	memcpy(tpfn, w.table_pfn, sizeof(tpfn));

	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), 1UL);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);

	/* The PGD stays, with its entry gone; the others are no tables now. */
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_EXPECT_EQ(test, w.levels, 1U);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PGD], 0ULL);
	KUNIT_EXPECT_EQ(test, c.pt->pgd_pfn, tpfn[SMM_PT_PGD]);
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(&c.inst->arena, tpfn[SMM_PT_PGD])->owner,
			(u8)SMM_OWNER_PGTABLE);
	for (l = SMM_PT_PUD; l < SMM_PT_LEVELS; l++)
		KUNIT_EXPECT_NE(test, smm_pfn_to_page(&c.inst->arena, tpfn[l])->owner,
				(u8)SMM_OWNER_PGTABLE);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va, NULL), -ENOENT);

	/* And the address can be mapped again. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
}

static void pgtable_test_clear_keeps_shared(struct kunit *test)
{
	struct pt_ctx c;
	unsigned long pfn;
	u64 va1 = TEST_BASE + 10 * PAGE_SIZE, va2 = TEST_BASE + 11 * PAGE_SIZE, pte;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va1, pfn, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va2, pfn, SMM_PTE_RW), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va1, NULL), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va1, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va2, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va2, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
}

static void pgtable_test_table_owner_zeroed(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w;
	struct smm_page **dirty;
	unsigned long pfn;
	u64 va = TEST_BASE + (4ULL << SMM_PT_SHIFT_PUD) + (6ULL << SMM_PT_SHIFT_PMD) +
		 (8ULL << SMM_PT_SHIFT_PTE);
	const int nr_dirty = 64;
	int i, l;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);

	/* Scribble over free pages, so a table that is not zeroed shows. */
	dirty = kunit_kcalloc(test, nr_dirty, sizeof(*dirty), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	for (i = 0; i < nr_dirty; i++) {
		dirty[i] = smm_alloc_page(&c.inst->buddy, SMM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dirty[i]);
		memset(table_virt(&c, smm_page_to_pfn(&c.inst->arena, dirty[i])), 0xa5,
		       PAGE_SIZE);
	}
	for (i = nr_dirty - 1; i >= 0; i--)
		smm_free_page(&c.inst->buddy, dirty[i]);

	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	for (l = 0; l < SMM_PT_LEVELS; l++) {
		const u64 *t = table_virt(&c, w.table_pfn[l]);
		unsigned int idx = smm_pt_index(va, l), bad = 0;

		KUNIT_EXPECT_EQ_MSG(test, smm_pfn_to_page(&c.inst->arena, w.table_pfn[l])->owner,
				    (u8)SMM_OWNER_PGTABLE, "level %s", smm_pt_level_name(l));
		for (i = 0; i < SMM_PT_ENTRIES; i++)
			if (i != idx && t[i])
				bad++;
		KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "non-zero entries in the %s table",
				    smm_pt_level_name(l));
		KUNIT_EXPECT_NE(test, t[idx], 0ULL);
	}
	/* The leaf page keeps its owner: the tables do not claim it. */
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(&c.inst->arena, pfn)->owner,
			(u8)SMM_OWNER_ALLOC);
}

/* What a bad call must leave alone. */
struct pt_snap {
	unsigned long tables[SMM_PT_LEVELS];
	struct smm_pt_walk w;
};

static void snap_take(struct pt_ctx *c, u64 va, struct pt_snap *s)
{
	memcpy(s->tables, c->pt->tables, sizeof(s->tables));
	smm_pgtable_walk(c->pt, va, &s->w);
}

static void snap_expect_same(struct kunit *test, struct pt_ctx *c, u64 va,
			     const struct pt_snap *s, const char *what)
{
	struct pt_snap now;

	snap_take(c, va, &now);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(now.tables, s->tables, sizeof(s->tables)), 0,
			    "tables changed by %s", what);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(&now.w, &s->w, sizeof(s->w)), 0,
			    "walk changed by %s", what);
}

static void pgtable_test_bad_va(struct kunit *test)
{
	static const u64 bad[] = {
		0x0000800000000000ULL, 0x00007fff00000000ULL | BIT_ULL(50),
		0xffff7fffffff0000ULL, 0x8000000000000000ULL,
	};
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn;
	u64 va = TEST_BASE, pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW), 0);
	snap_take(&c, va, &s);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_set(c.pt, bad[i], pfn, 0), -EINVAL,
				    "set %#llx", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_get(c.pt, bad[i], &pte), -EINVAL,
				    "get %#llx", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_clear(c.pt, bad[i], &pte), -EINVAL,
				    "clear %#llx", bad[i]);
		snap_expect_same(test, &c, va, &s, "a non-canonical address");
	}
	/* The largest canonical addresses at both ends are fine. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, 0x00007ffffffff000ULL, pfn, 0), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, 0xfffffffffffff000ULL, pfn, 0), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, 0xffff800000000000ULL, pfn, 0), 0);

	/* Unaligned. */
	snap_take(&c, va, &s);
	for (i = 1; i < PAGE_SIZE; i <<= 1) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_set(c.pt, va + PAGE_SIZE + i, pfn, 0),
				    -EINVAL, "offset %d", i);
		snap_expect_same(test, &c, va, &s, "an unaligned address");
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + PAGE_SIZE, &pte), -ENOENT);
}

static void pgtable_test_bad_pfn(struct kunit *test)
{
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn, hole = 0, p;
	u64 va = TEST_BASE, pte;
	bool have_hole = false;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	snap_take(&c, va, &s);

	KUNIT_EXPECT_FALSE(test, smm_arena_pfn_valid(&c.inst->arena, c.inst->arena.end_pfn + 10));
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE,
					      c.inst->arena.end_pfn + 10, 0), -EINVAL);
	snap_expect_same(test, &c, va, &s, "a PFN past the end");
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va + (1ULL << SMM_PT_SHIFT_PGD),
					      c.inst->arena.end_pfn, 0), -EINVAL);
	snap_expect_same(test, &c, va, &s, "the end PFN");
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, ULONG_MAX, 0), -EINVAL);
	snap_expect_same(test, &c, va, &s, "ULONG_MAX");

	for (p = 0; p < c.inst->arena.end_pfn; p++) {
		if (!smm_arena_pfn_valid(&c.inst->arena, p)) {
			hole = p;
			have_hole = true;
			break;
		}
	}
	if (have_hole) {
		kunit_info(test, "hole pfn %#lx\n", hole);
		KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, hole, 0), -EINVAL);
		snap_expect_same(test, &c, va, &s, "a PFN in a hole");
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + PAGE_SIZE, &pte), -ENOENT);
}

static void pgtable_test_bad_flags(struct kunit *test)
{
	static const u64 bad[] = {
		BIT_ULL(9), BIT_ULL(3), BIT_ULL(4), BIT_ULL(7), BIT_ULL(8), BIT_ULL(11),
		BIT_ULL(12), BIT_ULL(40), BIT_ULL(52), BIT_ULL(62), SMM_PTE_RW | BIT_ULL(9),
	};
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn;
	u64 va = TEST_BASE, pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	snap_take(&c, va, &s);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, pfn, bad[i]),
				    -EINVAL, "flags %#llx", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_set(c.pt, va + (1ULL << SMM_PT_SHIFT_PUD),
							  pfn, bad[i]),
				    -EINVAL, "flags %#llx", bad[i]);
		snap_expect_same(test, &c, va, &s, "unknown flags");
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + PAGE_SIZE, &pte), -ENOENT);
}

static void pgtable_test_set_busy(struct kunit *test)
{
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn, pfn2;
	u64 va = TEST_BASE + 3 * PAGE_SIZE, pte;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	pfn2 = leaf_pfn(test, &c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW), 0);
	snap_take(&c, va, &s);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va, pfn2, SMM_PTE_NX), -EBUSY);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va, pfn, SMM_PTE_RW), -EBUSY);
	snap_expect_same(test, &c, va, &s, "a set of a mapped address");
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));
}

static void pgtable_test_unmapped(struct kunit *test)
{
	static const u64 off[] = {
		PAGE_SIZE, 511 * PAGE_SIZE, 1ULL << SMM_PT_SHIFT_PMD, 1ULL << SMM_PT_SHIFT_PUD,
		1ULL << SMM_PT_SHIFT_PGD,
	};
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn;
	u64 va = TEST_BASE, pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);

	/* Empty tables. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va, &pte), -ENOENT);
	expect_tables(test, c.pt, 1, 0, 0, 0);

	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	snap_take(&c, va, &s);
	for (i = 0; i < ARRAY_SIZE(off); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_get(c.pt, va + off[i], &pte), -ENOENT,
				    "offset %#llx", off[i]);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_clear(c.pt, va + off[i], &pte), -ENOENT,
				    "offset %#llx", off[i]);
		snap_expect_same(test, &c, va, &s, "get/clear of an unmapped address");
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, 0));
}

static void pgtable_test_flag_bits(struct kunit *test)
{
	static const struct { u64 flag; unsigned int bit; } f[] = {
		{ SMM_PTE_RW, 1 }, { SMM_PTE_NX, 63 }, { SMM_PTE_USER, 2 },
		{ SMM_PTE_ACCESSED, 5 }, { SMM_PTE_DIRTY, 6 },
	};
	struct pt_ctx c;
	unsigned long pfn;
	u64 all = 0, pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		u64 va = TEST_BASE + i * PAGE_SIZE;

		all |= f[i].flag;
		KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, f[i].flag), 0);
		KUNIT_ASSERT_EQ(test, smm_pgtable_get(c.pt, va, &pte), 0);
		KUNIT_EXPECT_EQ_MSG(test, pte, ((u64)pfn << 12) | BIT_ULL(f[i].bit) | BIT_ULL(0),
				    "bit %u", f[i].bit);
	}
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, TEST_BASE + 100 * PAGE_SIZE, pfn, all), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_get(c.pt, TEST_BASE + 100 * PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, ((u64)pfn << 12) | BIT_ULL(63) | BIT_ULL(6) | BIT_ULL(5) |
			BIT_ULL(2) | BIT_ULL(1) | BIT_ULL(0));
}

static unsigned long tables_sum(const struct smm_pgtable *pt)
{
	return pt->tables[0] + pt->tables[1] + pt->tables[2] + pt->tables[3];
}

static void pgtable_test_pages_sum(struct kunit *test)
{
	struct pt_ctx c;
	unsigned long pfn;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), tables_sum(c.pt));
	for (i = 0; i < 6; i++) {
		u64 va = TEST_BASE + ((u64)i << SMM_PT_SHIFT_PMD) +
			 ((u64)(i % 2) << SMM_PT_SHIFT_PGD);

		KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
		KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), tables_sum(c.pt));
	}
	/* 2 PUDs, 2 PMDs, 6 PTE tables. */
	expect_tables(test, c.pt, 1, 2, 2, 6);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), 11UL);
}

/* Pages the exhaustion case holds; given back if the case stops early. */
struct held_pages {
	struct smm_buddy *buddy;
	struct smm_page **pages;
	unsigned long nr;
};

static void held_free(struct held_pages *h, unsigned long keep)
{
	while (h->nr > keep)
		smm_free_page(h->buddy, h->pages[--h->nr]);
}

static void held_free_action(void *data)
{
	held_free(data, 0);
}

static void pgtable_test_exhaustion(struct kunit *test)
{
	struct pt_ctx c;
	struct held_pages *h;
	unsigned long pfn, before, max;
	u64 va1 = TEST_BASE, va2 = TEST_BASE + (1ULL << SMM_PT_SHIFT_PGD), pte;
	unsigned int partial = 0;
	int ret;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va1, pfn, SMM_PTE_RW), 0);

	max = c.inst->arena.nr_pages;
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->buddy = &c.inst->buddy;
	h->pages = kunit_kcalloc(test, max, sizeof(*h->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h->pages);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, held_free_action, h), 0);

	while (h->nr < max) {
		struct smm_page *page = smm_alloc_page(&c.inst->buddy,
						       SMM_GFP_KERNEL | __SMM_GFP_HIGH);

		if (IS_ERR_OR_NULL(page))
			break;
		h->pages[h->nr++] = page;
	}
	KUNIT_ASSERT_LT(test, h->nr, max);
	kunit_info(test, "held %lu pages\n", h->nr);
	KUNIT_ASSERT_GE(test, h->nr, 2UL);
	held_free(h, h->nr - 2);

	/* A new PGD index needs three tables: at most two are left. */
	ret = smm_pgtable_set(c.pt, va2, pfn, 0);
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	kunit_info(test, "after -ENOMEM: tables %lu %lu %lu %lu\n", c.pt->tables[0],
		   c.pt->tables[1], c.pt->tables[2], c.pt->tables[3]);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va2, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), tables_sum(c.pt));
	KUNIT_EXPECT_EQ(test, c.pt->tables[SMM_PT_PGD], 1UL);
	KUNIT_EXPECT_EQ(test, c.pt->tables[SMM_PT_PTE], 1UL);
	/* The earlier mapping is untouched, and its PTE table still takes more. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va1, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));
	KUNIT_EXPECT_EQ(test, smm_pgtable_set(c.pt, va1 + PAGE_SIZE, pfn, 0), 0);

	/*
	 * Give pages back one at a time: a set that gets some of its tables
	 * keeps them, empty, and the next try goes on from there.
	 */
	while (ret == -ENOMEM && h->nr) {
		held_free(h, h->nr - 1);
		ret = smm_pgtable_set(c.pt, va2, pfn, SMM_PTE_NX);
		KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), tables_sum(c.pt));
		if (ret == -ENOMEM && tables_sum(c.pt) > 4)
			partial++;
	}
	kunit_info(test, "%u tries left tables half built\n", partial);
	KUNIT_EXPECT_EQ(test, ret, 0);
	held_free(h, 0);
	expect_tables(test, c.pt, 1, 2, 2, 2);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va1, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va2, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_NX));

	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va1, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va1 + PAGE_SIZE, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va2, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
}

/* The model of the random case: one slot per address it may touch. */
struct model_ent {
	u64 va;
	u64 entry;	/* the expected leaf entry */
	bool present;
};

#define RAND_CLUSTERS	4
#define RAND_PUDS	2
#define RAND_PMDS	4
#define RAND_PTES	8
#define RAND_SLOTS	(RAND_CLUSTERS * RAND_PUDS * RAND_PMDS * RAND_PTES)

static const u64 rand_cluster[RAND_CLUSTERS] = {
	TEST_BASE,
	TEST_BASE + (1ULL << SMM_PT_SHIFT_PGD) + (510ULL << SMM_PT_SHIFT_PUD),
	TEST_BASE + (7ULL << SMM_PT_SHIFT_PUD) + (500ULL << SMM_PT_SHIFT_PMD),
	0x00007f0000000000ULL,	/* lower half */
};

static const unsigned int rand_pte_idx[RAND_PTES] = { 0, 1, 2, 255, 256, 509, 510, 511 };

static u64 rand_slot_va(unsigned int slot)
{
	unsigned int pte = slot % RAND_PTES, pmd = slot / RAND_PTES % RAND_PMDS;
	unsigned int pud = slot / (RAND_PTES * RAND_PMDS) % RAND_PUDS;
	unsigned int cl = slot / (RAND_PTES * RAND_PMDS * RAND_PUDS);

	return rand_cluster[cl] + ((u64)pud << SMM_PT_SHIFT_PUD) +
	       ((u64)pmd << SMM_PT_SHIFT_PMD) + ((u64)rand_pte_idx[pte] << SMM_PT_SHIFT_PTE);
}

/* Distinct prefixes of the present addresses above @shift. */
static unsigned long model_prefixes(const struct model_ent *m, unsigned int shift)
{
	unsigned long n = 0;
	int i, j;

	for (i = 0; i < RAND_SLOTS; i++) {
		if (!m[i].present)
			continue;
		for (j = 0; j < i; j++)
			if (m[j].present && (m[j].va >> shift) == (m[i].va >> shift))
				break;
		if (j == i)
			n++;
	}
	return n;
}

static void model_check(struct kunit *test, struct pt_ctx *c, const struct model_ent *m,
			unsigned long base_free, int op)
{
	unsigned long pud = model_prefixes(m, SMM_PT_SHIFT_PGD);
	unsigned long pmd = model_prefixes(m, SMM_PT_SHIFT_PUD);
	unsigned long pte = model_prefixes(m, SMM_PT_SHIFT_PMD);
	unsigned int bad = 0;
	int i;

	for (i = 0; i < RAND_SLOTS; i++) {
		u64 e = 0;
		int ret = smm_pgtable_get(c->pt, m[i].va, &e);

		if (m[i].present ? ret || e != m[i].entry : ret != -ENOENT) {
			if (!bad)
				kunit_err(test, "op %d: va %#llx: get %d %#llx, model %d %#llx\n",
					  op, m[i].va, ret, e, m[i].present, m[i].entry);
			bad++;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "op %d", op);
	KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_pages(c->pt), 1 + pud + pmd + pte, "op %d", op);
	KUNIT_EXPECT_EQ_MSG(test, c->pt->tables[SMM_PT_PUD], pud, "op %d", op);
	KUNIT_EXPECT_EQ_MSG(test, c->pt->tables[SMM_PT_PMD], pmd, "op %d", op);
	KUNIT_EXPECT_EQ_MSG(test, c->pt->tables[SMM_PT_PTE], pte, "op %d", op);
	/* Free pages conserved: every table page came from the buddy. */
	KUNIT_EXPECT_EQ_MSG(test, free_pages_now(c) + smm_pgtable_pages(c->pt), base_free + 1,
			    "op %d", op);
}

static void pgtable_test_random(struct kunit *test)
{
	static const u64 rand_flags[] = {
		0, SMM_PTE_RW, SMM_PTE_RW | SMM_PTE_NX, SMM_PTE_USER | SMM_PTE_ACCESSED,
		SMM_PTE_DIRTY | SMM_PTE_RW, SMM_PTE_FLAGS_MASK,
	};
	struct rnd_state rnd;
	struct pt_ctx c;
	struct model_ent *m;
	unsigned long base_free, end;
	unsigned int sets = 0, clears = 0, max_pages = 0;
	int op, i;

	pt_setup(test, &c);
	end = c.inst->arena.end_pfn;
	base_free = free_pages_now(&c);
	m = kunit_kcalloc(test, RAND_SLOTS, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	for (i = 0; i < RAND_SLOTS; i++)
		m[i].va = rand_slot_va(i);

	kunit_info(test, "seed %#x\n", TEST_SEED);
	prandom_seed_state(&rnd, TEST_SEED);
	for (op = 0; op < RAND_OPS; op++) {
		/* Alternate filling and draining phases, so tables come and go. */
		bool fill = (op / RAND_CHECK) % 2 == 0;
		u32 r = prandom_u32_state(&rnd);
		struct model_ent *e = &m[r % RAND_SLOTS];
		bool want_set = (prandom_u32_state(&rnd) % 5) < (fill ? 4 : 1);
		u64 old = 0;

		if (want_set) {
			unsigned long pfn;
			u64 flags = rand_flags[prandom_u32_state(&rnd) % ARRAY_SIZE(rand_flags)];
			int ret;

			do {
				pfn = prandom_u32_state(&rnd) % end;
			} while (!smm_arena_pfn_valid(&c.inst->arena, pfn));
			ret = smm_pgtable_set(c.pt, e->va, pfn, flags);
			if (e->present) {
				KUNIT_EXPECT_EQ_MSG(test, ret, -EBUSY, "op %d va %#llx", op, e->va);
			} else {
				KUNIT_EXPECT_EQ_MSG(test, ret, 0, "op %d va %#llx", op, e->va);
				if (!ret) {
					e->present = true;
					e->entry = leaf_entry(pfn, flags);
					sets++;
				}
			}
		} else {
			int ret = smm_pgtable_clear(c.pt, e->va, &old);

			if (e->present) {
				KUNIT_EXPECT_EQ_MSG(test, ret, 0, "op %d va %#llx", op, e->va);
				KUNIT_EXPECT_EQ_MSG(test, old, e->entry, "op %d va %#llx", op,
						    e->va);
				if (!ret) {
					e->present = false;
					clears++;
				}
			} else {
				KUNIT_EXPECT_EQ_MSG(test, ret, -ENOENT, "op %d va %#llx", op,
						    e->va);
			}
		}
		max_pages = max_t(unsigned int, max_pages, smm_pgtable_pages(c.pt));
		if ((op + 1) % RAND_CHECK == 0) {
			model_check(test, &c, m, base_free, op);
			if (test->status == KUNIT_FAILURE)
				return;
		}
	}
	kunit_info(test, "%u sets, %u clears, at most %u table pages\n", sets, clears,
		   max_pages);

	for (i = 0; i < RAND_SLOTS; i++) {
		if (m[i].present) {
			KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, m[i].va, NULL), 0);
			m[i].present = false;
		}
	}
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), base_free);
}

static void pgtable_test_destroy_frees_all(struct kunit *test)
{
	struct pt_ctx c;
	unsigned long pfn, before;
	u64 pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);
	for (i = 0; i < 16; i++) {
		u64 va = TEST_BASE + ((u64)(i % 2) << SMM_PT_SHIFT_PGD) +
			 ((u64)(i % 4) << SMM_PT_SHIFT_PUD) +
			 ((u64)(i % 8) << SMM_PT_SHIFT_PMD) + ((u64)i << SMM_PT_SHIFT_PTE);

		KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	}
	KUNIT_ASSERT_EQ(test, smm_pgtable_get(c.pt, TEST_BASE, &pte), 0);
	KUNIT_EXPECT_GT(test, smm_pgtable_pages(c.pt), 4UL);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c) + smm_pgtable_pages(c.pt), before + 1);

	smm_pgtable_destroy(c.pt);
	expect_tables(test, c.pt, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(c.pt), 0UL);
	KUNIT_EXPECT_EQ(test, c.pt->pgd_pfn, 0UL);
	/* Every table, the PGD included, is back. */
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before + 1);
	/* The leaf page is not the tables' to free. */
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(&c.inst->arena, pfn)->owner,
			(u8)SMM_OWNER_ALLOC);
	/* A second destroy (the cleanup action) is harmless. */
	smm_pgtable_destroy(c.pt);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before + 1);
}

/*
 * A pinned PTE table outlives its last entry; each pin is one hold, and
 * the last unpin frees the table and the empty levels above it.
 */
static void pgtable_test_pin_keeps_table(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w, w2;
	unsigned long pfn, before;
	u64 va = TEST_BASE + (5ULL << SMM_PT_SHIFT_PUD) + (9ULL << SMM_PT_SHIFT_PMD), pte;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);

	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before - 3);
	/* A table, and nothing mapped in it. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), -ENOENT);
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_NULL(test, memchr_inv(table_virt(&c, w.table_pfn[SMM_PT_PTE]), 0,
					   PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, smm_pfn_to_page(&c.inst->arena, w.table_pfn[SMM_PT_PTE])->owner,
			(u8)SMM_OWNER_PGTABLE);

	/* The only entry comes and goes: the same tables stay. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + 3 * PAGE_SIZE, pfn, SMM_PTE_RW), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va + 3 * PAGE_SIZE, NULL), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	smm_pgtable_walk(c.pt, va, &w2);
	KUNIT_EXPECT_EQ(test, w2.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, memcmp(w.table_pfn, w2.table_pfn, sizeof(w.table_pfn)), 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before - 3);

	/* A second pin, anywhere in the table, and an entry: three holds. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va + 100 * PAGE_SIZE + 5), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + 7 * PAGE_SIZE, pfn, 0), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va + 511 * PAGE_SIZE), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + 7 * PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, 0));
	/* The entry was the last hold. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va + 7 * PAGE_SIZE, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);

	/* Pinned and unpinned with nothing else: every table goes. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_EXPECT_EQ(test, w.levels, 1U);
	KUNIT_EXPECT_EQ(test, w.entry[SMM_PT_PGD], 0ULL);
	KUNIT_EXPECT_FALSE(test, c.inst->broken);
}

/* Unpinning frees only what nothing else uses. */
static void pgtable_test_unpin_keeps_shared(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w;
	unsigned long pfn, before;
	u64 va_x = TEST_BASE, va_y = TEST_BASE + (1ULL << SMM_PT_SHIFT_PMD);
	u64 va_z = TEST_BASE + (1ULL << SMM_PT_SHIFT_PUD), pte;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	before = free_pages_now(&c);

	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va_x, pfn, SMM_PTE_RW), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va_y), 0);
	expect_tables(test, c.pt, 1, 1, 1, 2);
	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va_z), 0);
	expect_tables(test, c.pt, 1, 1, 2, 3);

	/* va_y's PTE table goes; the PMD table above it serves va_x. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va_y), 0);
	expect_tables(test, c.pt, 1, 1, 2, 2);
	smm_pgtable_walk(c.pt, va_y, &w);
	KUNIT_EXPECT_EQ(test, w.levels, 3U);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va_x, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW));

	/* va_z's PTE and PMD tables go; the PUD table serves va_x. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va_z), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	smm_pgtable_walk(c.pt, va_z, &w);
	KUNIT_EXPECT_EQ(test, w.levels, 2U);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va_x, &pte), 0);

	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va_x, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
}

/* Pin and unpin refuse what they cannot do, and change nothing. */
static void pgtable_test_pin_bad(struct kunit *test)
{
	static const u64 bad[] = {
		0x0000800000000000ULL, 0xffff7ffffffff000ULL, 0x8000000000000000ULL,
	};
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn;
	u64 va = TEST_BASE;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	/* No table at all below the PGD. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va), -ENOENT);
	expect_tables(test, c.pt, 1, 0, 0, 0);

	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	snap_take(&c, va, &s);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_pin(c.pt, bad[i]), -EINVAL, "%#llx", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_unpin(c.pt, bad[i]), -EINVAL, "%#llx",
				    bad[i]);
		snap_expect_same(test, &c, va, &s, "a non-canonical pin");
	}
	/* The PMD table is there, the PTE table is not. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va + (1ULL << SMM_PT_SHIFT_PMD)), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va + (1ULL << SMM_PT_SHIFT_PGD)), -ENOENT);
	snap_expect_same(test, &c, va, &s, "an unpin with no table");
	KUNIT_EXPECT_FALSE(test, c.inst->broken);
}

/* What smm_pgtable_unmap_range() reported, in order. */
#define UNMAP_MAX	16

struct unmap_rec {
	unsigned int n;
	u64 va[UNMAP_MAX];
	u64 pte[UNMAP_MAX];
};

static void unmap_record(void *ctx, u64 va, u64 pte)
{
	struct unmap_rec *r = ctx;

	if (r->n < UNMAP_MAX) {
		r->va[r->n] = va;
		r->pte[r->n] = pte;
	}
	r->n++;
}

/*
 * A sparse range over four levels: exactly the leaves inside are cleared,
 * each reported once, in order, with its entry; the tables left empty go,
 * the ones that serve leaves outside stay.
 */
static void pgtable_test_unmap_range_sparse(struct kunit *test)
{
	const u64 start = TEST_BASE + 16 * PAGE_SIZE;
	const u64 end = TEST_BASE + (1ULL << SMM_PT_SHIFT_PGD) + (2ULL << SMM_PT_SHIFT_PMD) +
			64 * PAGE_SIZE;
	const u64 in[] = {
		start, start + 5 * PAGE_SIZE, TEST_BASE + 511 * PAGE_SIZE,
		TEST_BASE + (1ULL << SMM_PT_SHIFT_PMD),
		TEST_BASE + (3ULL << SMM_PT_SHIFT_PUD) + 3 * PAGE_SIZE,
		TEST_BASE + (1ULL << SMM_PT_SHIFT_PGD) + 7 * PAGE_SIZE,
		end - PAGE_SIZE,
	};
	const u64 out[] = { start - PAGE_SIZE, end, TEST_BASE + (2ULL << SMM_PT_SHIFT_PGD) };
	unsigned long in_pfn[ARRAY_SIZE(in)], out_pfn[ARRAY_SIZE(out)], base;
	struct unmap_rec *r;
	struct pt_ctx c;
	u64 pte;
	long n;
	int i;

	pt_setup(test, &c);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < ARRAY_SIZE(in); i++)
		in_pfn[i] = leaf_pfn(test, &c);
	for (i = 0; i < ARRAY_SIZE(out); i++)
		out_pfn[i] = leaf_pfn(test, &c);
	base = free_pages_now(&c);
	for (i = 0; i < ARRAY_SIZE(in); i++)
		KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, in[i], in_pfn[i],
						      i % 2 ? SMM_PTE_RW : SMM_PTE_NX), 0);
	for (i = 0; i < ARRAY_SIZE(out); i++)
		KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, out[i], out_pfn[i], SMM_PTE_USER), 0);
	expect_tables(test, c.pt, 1, 3, 4, 6);

	n = smm_pgtable_unmap_range(c.pt, start, end, unmap_record, r);
	KUNIT_EXPECT_EQ(test, n, (long)ARRAY_SIZE(in));
	KUNIT_ASSERT_EQ(test, r->n, (unsigned int)ARRAY_SIZE(in));
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		KUNIT_EXPECT_EQ_MSG(test, r->va[i], in[i], "leaf %d", i);
		KUNIT_EXPECT_EQ_MSG(test, r->pte[i],
				    leaf_entry(in_pfn[i], i % 2 ? SMM_PTE_RW : SMM_PTE_NX),
				    "leaf %d", i);
		KUNIT_EXPECT_EQ_MSG(test, smm_pte_pfn(r->pte[i]), in_pfn[i], "leaf %d", i);
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_get(c.pt, in[i], &pte), -ENOENT, "leaf %d",
				    i);
	}
	for (i = 0; i < ARRAY_SIZE(out); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_get(c.pt, out[i], &pte), 0, "outside %d", i);
		KUNIT_EXPECT_EQ_MSG(test, pte, leaf_entry(out_pfn[i], SMM_PTE_USER), "outside %d",
				    i);
	}
	/* The PUD-3 PMD table and four PTE tables emptied and went. */
	expect_tables(test, c.pt, 1, 3, 3, 3);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c) + smm_pgtable_pages(c.pt), base + 1);

	/* Again: nothing left inside, nothing reported. */
	r->n = 0;
	KUNIT_EXPECT_EQ(test, smm_pgtable_unmap_range(c.pt, start, end, unmap_record, r), 0L);
	KUNIT_EXPECT_EQ(test, r->n, 0U);
	expect_tables(test, c.pt, 1, 3, 3, 3);

	/* Without a callback, over all of it: back to a lone PGD. */
	n = smm_pgtable_unmap_range(c.pt, TEST_BASE, TEST_BASE + (3ULL << SMM_PT_SHIFT_PGD),
				    NULL, NULL);
	KUNIT_EXPECT_EQ(test, n, (long)ARRAY_SIZE(out));
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), base);
}

/* A pinned table is emptied by a range, and stays until unpinned. */
static void pgtable_test_unmap_range_pinned(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pt_walk w;
	struct unmap_rec *r;
	unsigned long pfn, before;
	u64 va = TEST_BASE + (2ULL << SMM_PT_SHIFT_PUD);

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	before = free_pages_now(&c);

	KUNIT_ASSERT_EQ(test, smm_pgtable_pin(c.pt, va), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, pfn, SMM_PTE_RW), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + 511 * PAGE_SIZE, pfn, SMM_PTE_NX), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unmap_range(c.pt, va, va + (1ULL << SMM_PT_SHIFT_PMD),
						      unmap_record, r), 3L);
	KUNIT_EXPECT_EQ(test, r->n, 3U);
	KUNIT_EXPECT_EQ(test, r->va[2], va + 511 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, r->pte[2], leaf_entry(pfn, SMM_PTE_NX));
	expect_tables(test, c.pt, 1, 1, 1, 1);
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_EXPECT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	KUNIT_EXPECT_EQ(test, smm_pgtable_unpin(c.pt, va), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
}

/* Bad ranges: refused, nothing reported, nothing changed. */
static void pgtable_test_unmap_range_bad(struct kunit *test)
{
	static const struct { u64 start, end; } bad[] = {
		{ TEST_BASE + 1, TEST_BASE + 2 * PAGE_SIZE },		/* unaligned start */
		{ TEST_BASE, TEST_BASE + PAGE_SIZE + 8 },		/* unaligned end */
		{ TEST_BASE, TEST_BASE },				/* empty */
		{ TEST_BASE + PAGE_SIZE, TEST_BASE },			/* backwards */
		{ 0x0000800000000000ULL, 0x0000800000002000ULL },	/* non-canonical */
		{ 0xffff7fffffffe000ULL, 0xffff800000001000ULL },	/* starts in the hole */
		{ 0x00007fffffffe000ULL, 0x0000800000001000ULL },	/* ends in the hole */
		/*
		 * Both ends canonical, but 2^64 - 2^48 non-canonical addresses
		 * between them; walked, they would alias upper-half entries
		 * (the PGD index sees only bits 47..39).
		 */
		{ 0x00007ffffffff000ULL, 0xffff800000001000ULL },	/* spans the hole */
	};
	struct unmap_rec *r;
	struct pt_ctx c;
	struct pt_snap s;
	unsigned long pfn;
	u64 va = TEST_BASE, pte;
	int i;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va, pfn, 0), 0);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(c.pt, va + PAGE_SIZE, pfn, 0), 0);
	snap_take(&c, va, &s);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_unmap_range(c.pt, bad[i].start, bad[i].end,
								  unmap_record, r),
				    -EINVAL, "[%#llx, %#llx)", bad[i].start, bad[i].end);
		KUNIT_EXPECT_EQ_MSG(test, r->n, 0U, "[%#llx, %#llx)", bad[i].start, bad[i].end);
		snap_expect_same(test, &c, va, &s, "a bad range");
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va + PAGE_SIZE, &pte), 0);
}

/*
 * The fault handler's single walk: smm_pgtable_pte_lock() makes the
 * tables and returns the empty entry with the lock held; the entry it
 * returns is the one a walk finds; smm_pgtable_set_pte() fills it in place
 * and counts it, so that clearing it frees the tables again.  A second
 * lock finds it present, and filling it again is refused.
 */
static void pgtable_test_pte_lock_fill(struct kunit *test)
{
	struct pt_ctx c;
	struct smm_pte_ref ref;
	struct smm_pt_walk w;
	unsigned long pfn, pfn2, before;
	u64 va = TEST_BASE + (3ULL << SMM_PT_SHIFT_PUD) + 5 * PAGE_SIZE, pte = 0;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	pfn2 = leaf_pfn(test, &c);
	before = free_pages_now(&c);

	KUNIT_ASSERT_EQ(test, smm_pgtable_pte_lock(c.pt, va, &ref), 0);
	KUNIT_EXPECT_TRUE(test, mutex_is_locked(&c.pt->lock));
	KUNIT_EXPECT_EQ(test, *ref.pte, 0ULL);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set_pte(c.pt, &ref, pfn, SMM_PTE_RW | SMM_PTE_USER), 0);
	KUNIT_EXPECT_EQ(test, *ref.pte, leaf_entry(pfn, SMM_PTE_RW | SMM_PTE_USER));
	smm_pgtable_pte_unlock(c.pt, &ref);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&c.pt->lock));
	KUNIT_EXPECT_NULL(test, ref.pte);

	/* The entry filled in place is the one the walk finds. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, va, &pte), 0);
	KUNIT_EXPECT_EQ(test, pte, leaf_entry(pfn, SMM_PTE_RW | SMM_PTE_USER));
	smm_pgtable_walk(c.pt, va, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);

	/* Locked again: the same entry, present; no new table; a refill is refused. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_pte_lock(c.pt, va, &ref), 0);
	KUNIT_EXPECT_EQ(test, ref.table_pfn, w.table_pfn[SMM_PT_PTE]);
	KUNIT_EXPECT_PTR_EQ(test, ref.pte, &table_virt(&c, w.table_pfn[SMM_PT_PTE])
			    [smm_pt_index(va, SMM_PT_PTE)]);
	KUNIT_EXPECT_EQ(test, *ref.pte, pte);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set_pte(c.pt, &ref, pfn2, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, *ref.pte, pte);
	smm_pgtable_pte_unlock(c.pt, &ref);
	expect_tables(test, c.pt, 1, 1, 1, 1);

	/* A neighbour in the same table: no new table, both counted. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_pte_lock(c.pt, va + PAGE_SIZE, &ref), 0);
	KUNIT_EXPECT_EQ(test, ref.table_pfn, w.table_pfn[SMM_PT_PTE]);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set_pte(c.pt, &ref, pfn2, 0), 0);
	smm_pgtable_pte_unlock(c.pt, &ref);
	expect_tables(test, c.pt, 1, 1, 1, 1);

	/* Counted in the table: the tables go with the last of the two entries. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va, NULL), 0);
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_clear(c.pt, va + PAGE_SIZE, NULL), 0);
	expect_tables(test, c.pt, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, free_pages_now(&c), before);
}

/*
 * Bad input to the single walk: no lock is left held, no table is made,
 * and an entry held is left as it was by a refused fill.
 */
static void pgtable_test_pte_lock_bad(struct kunit *test)
{
	static const u64 bad_va[] = {
		0x0000800000000000ULL,		/* non-canonical */
		TEST_BASE + 0x10,		/* not page-aligned */
	};
	struct pt_ctx c;
	struct smm_pte_ref ref;
	unsigned long pfn;
	unsigned int i;
	u64 pte;

	pt_setup(test, &c);
	pfn = leaf_pfn(test, &c);
	for (i = 0; i < ARRAY_SIZE(bad_va); i++) {
		KUNIT_EXPECT_EQ_MSG(test, smm_pgtable_pte_lock(c.pt, bad_va[i], &ref), -EINVAL,
				    "va %#llx", bad_va[i]);
		KUNIT_EXPECT_FALSE(test, mutex_is_locked(&c.pt->lock));
	}
	expect_tables(test, c.pt, 1, 0, 0, 0);

	KUNIT_ASSERT_EQ(test, smm_pgtable_pte_lock(c.pt, TEST_BASE, &ref), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set_pte(c.pt, &ref, pfn, BIT_ULL(9)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_pgtable_set_pte(c.pt, &ref, c.inst->arena.end_pfn + 1, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, *ref.pte, 0ULL);
	smm_pgtable_pte_unlock(c.pt, &ref);
	KUNIT_EXPECT_FALSE(test, mutex_is_locked(&c.pt->lock));
	/* The tables the lock made stay, empty, as smm_pgtable_set() leaves them. */
	expect_tables(test, c.pt, 1, 1, 1, 1);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(c.pt, TEST_BASE, &pte), -ENOENT);
}

static struct kunit_case pgtable_test_cases[] = {
	KUNIT_CASE(pgtable_test_set_get),
	KUNIT_CASE(pgtable_test_walk_levels),
	KUNIT_CASE(pgtable_test_one_mapping_tables),
	KUNIT_CASE(pgtable_test_same_pte_table_shared),
	KUNIT_CASE_PARAM(pgtable_test_differ_at_level, differ_gen_params),
	KUNIT_CASE(pgtable_test_clear_frees_tables),
	KUNIT_CASE(pgtable_test_clear_keeps_shared),
	KUNIT_CASE(pgtable_test_table_owner_zeroed),
	KUNIT_CASE(pgtable_test_bad_va),
	KUNIT_CASE(pgtable_test_bad_pfn),
	KUNIT_CASE(pgtable_test_bad_flags),
	KUNIT_CASE(pgtable_test_set_busy),
	KUNIT_CASE(pgtable_test_unmapped),
	KUNIT_CASE(pgtable_test_flag_bits),
	KUNIT_CASE(pgtable_test_pages_sum),
	KUNIT_CASE(pgtable_test_exhaustion),
	KUNIT_CASE_SLOW(pgtable_test_random),
	KUNIT_CASE(pgtable_test_destroy_frees_all),
	KUNIT_CASE(pgtable_test_pin_keeps_table),
	KUNIT_CASE(pgtable_test_unpin_keeps_shared),
	KUNIT_CASE(pgtable_test_pin_bad),
	KUNIT_CASE(pgtable_test_unmap_range_sparse),
	KUNIT_CASE(pgtable_test_unmap_range_pinned),
	KUNIT_CASE(pgtable_test_unmap_range_bad),
	KUNIT_CASE(pgtable_test_pte_lock_fill),
	KUNIT_CASE(pgtable_test_pte_lock_bad),
	{}
};

static struct kunit_suite pgtable_test_suite = {
	.name = "shadow_mm_pgtable",
	.test_cases = pgtable_test_cases,
};

kunit_test_suite(pgtable_test_suite);
