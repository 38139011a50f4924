// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_compaction": the scanners really raise the largest
 * free order of a fragmented zone, every user page keeps its contents in
 * every process that maps it, the counters add up, and a failed high-order
 * allocation compacts through the buddy's hook.
 *
 * Each case brings up its own instance (16 MiB, the upper 8 MiB HighMem,
 * no swap) and a fault device of the fault layer's test entry points over
 * it.  The HighMem zone is fragmented as a long-running machine fragments
 * it: every page is taken, the even PFNs are given back and faulted in as
 * user pages (each written with its own pattern, and mapped by a forked
 * child too), then the odd ones are given back.  Every free block then
 * sits between two user pages, and the largest free order is small.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include "kunit/util.h"
#include "shadow_mm/compaction.h"
#include "shadow_mm/control.h"
#include "shadow_mm/fault.h"
#include "shadow_mm/instance.h"

/* Where the object lives: any canonical user address will do. */
#define CT_START	0x40000000UL
#define CT_ADDR(i)	(CT_START + ((unsigned long)(i) << PAGE_SHIFT))
#define CT_TAG(i)	(1000 + (i))

/* The processes: keys that are never dereferenced. */
static char ct_parent_key, ct_child_key;
#define CT_PARENT	((struct mm_struct *)&ct_parent_key)
#define CT_CHILD	((struct mm_struct *)&ct_child_key)

/**
 * struct ct - one case's instance, device and fragmented zone
 * @test: the case
 * @inst: the instance
 * @b: its buddy allocator
 * @z: the zone fragmented (HighMem)
 * @dev: the fault device
 * @fm: the object of user pages
 * @nr_user: its pages
 * @held: pages the case holds (odd HighMem PFNs, then other zones')
 * @nr_held: entries in @held
 * @max_held: room in @held
 * @free0: the allocator's free pages before the case
 */
struct ct {
	struct kunit *test;
	struct smm_instance *inst;
	struct smm_buddy *b;
	struct smm_zone *z;
	struct smm_fault_dev *dev;
	struct smm_fmap *fm;
	unsigned long nr_user;
	struct smm_page **held;
	unsigned long nr_held;
	unsigned long max_held;
	unsigned long free0;
};

static void ct_teardown(void *p)
{
	struct ct *c = p;

	smm_compact_detach(c->inst);
	smm_fault_test_dev_destroy(c->dev);
	while (c->nr_held)
		smm_free_pages(c->b, c->held[--c->nr_held], 0);
}

static unsigned long ct_vm(struct ct *c, enum smm_vm_event_item item)
{
	return smm_vm_events_sum(&c->inst->vmstat, item);
}

/*
 * Take every page of the zones of @gfp that they give, order 0, into
 * @c->held; @zone >= 0 keeps only that zone's and gives the rest back.
 * The per-CPU lists are drained between rounds, so nothing hides there.
 */
static void ct_hold_all(struct ct *c, unsigned int gfp, int zone)
{
	int rounds;

	for (rounds = 0; rounds < 8; rounds++) {
		unsigned long got = 0;

		smm_drain_pages(c->b);
		while (c->nr_held < c->max_held) {
			struct smm_page *page = smm_alloc_pages(c->b, gfp | __SMM_GFP_HIGH, 0);

			if (IS_ERR(page))
				break;
			if (zone >= 0 && smm_page_zonenum(page) != zone) {
				smm_free_pages(c->b, page, 0);
				break;
			}
			c->held[c->nr_held++] = page;
			got++;
		}
		if (!got)
			break;
	}
	smm_drain_pages(c->b);
}

/* Give back the held pages for which @keep says false; returns how many. */
static unsigned long ct_release(struct ct *c, bool (*keep)(struct ct *c, struct smm_page *p))
{
	unsigned long i, n = 0, freed = 0;

	for (i = 0; i < c->nr_held; i++) {
		if (keep && keep(c, c->held[i])) {
			c->held[n++] = c->held[i];
			continue;
		}
		KUNIT_ASSERT_EQ(c->test, smm_free_pages(c->b, c->held[i], 0), 0);
		freed++;
	}
	c->nr_held = n;
	smm_drain_pages(c->b);
	return freed;
}

static bool odd_pfn(struct ct *c, struct smm_page *p)
{
	return smm_page_to_pfn(c->b->arena, p) & 1;
}

static bool even_pfn(struct ct *c, struct smm_page *p)
{
	return !odd_pfn(c, p);
}

/* The largest free order of every zone together. */
static int ct_largest(struct ct *c)
{
	int i, o = -1;

	for (i = 0; i < SMM_NR_ZONES; i++)
		o = max(o, smm_compact_largest_free_order(c->b, &c->b->zones[i]));
	return o;
}

static void *ct_virt(struct ct *c, unsigned long pfn)
{
	return smm_arena_pfn_to_virt(c->b->arena, pfn);
}

/* Every user page holds its pattern, as @key sees it; returns mismatches. */
static unsigned long ct_check_data(struct ct *c, struct mm_struct *key, unsigned long *moved,
				   const unsigned long *pfn0)
{
	unsigned long i, pfn, bad = 0;

	for (i = 0; i < c->nr_user; i++) {
		KUNIT_ASSERT_EQ(c->test, smm_fault_test_touch(c->fm, key, CT_ADDR(i), false, &pfn),
				0);
		if (smm_test_page_mismatch(ct_virt(c, pfn), CT_TAG(i)) != -1)
			bad++;
		if (moved && pfn != pfn0[i])
			(*moved)++;
	}
	return bad;
}

/*
 * The instance, the device, and HighMem fragmented: user pages on its even
 * PFNs (mapped by a parent and its forked child), its odd ones free.
 * Their PFNs go to @pfn0 (kunit-allocated, of the size returned in
 * @c->nr_user).
 */
static struct ct *ct_setup(struct kunit *test, unsigned long **pfn0)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = 8,
		.slab = SMM_SLAB_SLUB,
	};
	unsigned long i, managed = 0;
	struct ct *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	c->inst = smm_test_new_instance(test, &p);
	c->b = &c->inst->buddy;
	c->z = &c->b->zones[SMM_ZONE_HIGHMEM];
	KUNIT_ASSERT_GT(test, c->z->managed_pages, 3UL << c->b->thp_order);
	for (i = 0; i < SMM_NR_ZONES; i++)
		managed += c->b->zones[i].managed_pages;
	c->max_held = managed;
	c->held = kunit_kcalloc(test, managed, sizeof(*c->held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->held);
	c->dev = smm_fault_test_dev_create(c->inst);
	KUNIT_ASSERT_NOT_NULL(test, c->dev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ct_teardown, c), 0);
	smm_drain_pages(c->b);
	c->free0 = smm_buddy_free_pages(c->b);

	/* All of HighMem, then the even PFNs back, for the user pages. */
	ct_hold_all(c, SMM_GFP_HIGHUSER, SMM_ZONE_HIGHMEM);
	KUNIT_ASSERT_GT(test, c->nr_held, c->z->managed_pages / 2);
	/* Below HighMem's watermark the faults go to Normal: fine. */
	c->nr_user = ct_release(c, odd_pfn);
	c->fm = smm_fault_test_mmap(c->dev, CT_PARENT, CT_START, c->nr_user, false);
	KUNIT_ASSERT_NOT_NULL(test, c->fm);
	*pfn0 = kunit_kcalloc(test, c->nr_user, sizeof(**pfn0), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *pfn0);
	for (i = 0; i < c->nr_user; i++) {
		unsigned long pfn;

		KUNIT_ASSERT_EQ(test, smm_fault_test_touch(c->fm, CT_PARENT, CT_ADDR(i), true,
							   &pfn), 0);
		smm_test_fill_page(ct_virt(c, pfn), CT_TAG(i));
		(*pfn0)[i] = pfn;
	}
	/* Every page mapped twice: a migration must follow both tables. */
	KUNIT_ASSERT_EQ(test, smm_fault_test_fork(c->fm, CT_PARENT, CT_CHILD), 0);
	/* The even pages the faults left above the watermark: held too. */
	ct_hold_all(c, SMM_GFP_HIGHUSER, SMM_ZONE_HIGHMEM);
	/* The odd PFNs back: HighMem's free pages now lie between user pages. */
	ct_release(c, even_pfn);
	return c;
}

/* compact zone=HighMem: the largest free order rises, every page keeps its data. */
static void compaction_test_raises_order(struct kunit *test)
{
	unsigned long scanned0, fscanned0, isolated0, ok0, fail0, moved = 0, *pfn0;
	struct smm_compact_report *r;
	struct ct *c = ct_setup(test, &pfn0);
	int before, after;

	before = smm_compact_largest_free_order(c->b, c->z);
	kunit_info(test, "%lu user pages, HighMem's largest free order %d, pageblock order %u\n",
		   c->nr_user, before, c->b->thp_order);
	/* The setup worked: HighMem cannot serve a pageblock. */
	KUNIT_ASSERT_LT(test, before, (int)c->b->thp_order - 2);
	scanned0 = ct_vm(c, SMM_COMPACT_MIGRATE_SCANNED);
	fscanned0 = ct_vm(c, SMM_COMPACT_FREE_SCANNED);
	isolated0 = ct_vm(c, SMM_COMPACT_ISOLATED);
	ok0 = ct_vm(c, SMM_PGMIGRATE_SUCCESS);
	fail0 = ct_vm(c, SMM_PGMIGRATE_FAIL);

	KUNIT_ASSERT_EQ(test, smm_compact(c->inst, SMM_ZONE_HIGHMEM), 0);
	r = &c->inst->compact.last;
	after = smm_compact_largest_free_order(c->b, c->z);
	kunit_info(test, "after: largest free order %d; scanned %lu/%lu isolated %lu migrated %lu failed %lu\n",
		   after, r->migrate_scanned, r->free_scanned, r->isolated, r->migrated,
		   r->failed);
	KUNIT_EXPECT_GT(test, after, before);
	KUNIT_EXPECT_GE(test, after, (int)c->b->thp_order);
	KUNIT_EXPECT_EQ(test, r->result[SMM_ZONE_HIGHMEM], SMM_COMPACT_RES_COMPLETE);
	KUNIT_EXPECT_EQ(test, r->result[SMM_ZONE_NORMAL], SMM_COMPACT_RES_NOT_RUN);
	KUNIT_EXPECT_FALSE(test, r->direct);

	/* The counters add up, in the report and in vmstat. */
	KUNIT_EXPECT_GT(test, r->migrated, 0UL);
	KUNIT_EXPECT_EQ(test, r->failed, 0UL);
	KUNIT_EXPECT_GE(test, r->migrate_scanned, r->migrated + r->failed);
	KUNIT_EXPECT_GE(test, r->isolated, 2 * r->migrated);
	KUNIT_EXPECT_GT(test, r->free_scanned, 0UL);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_PGMIGRATE_SUCCESS) - ok0, r->migrated);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_PGMIGRATE_FAIL) - fail0, r->failed);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_MIGRATE_SCANNED) - scanned0,
			r->migrate_scanned);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_FREE_SCANNED) - fscanned0, r->free_scanned);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_ISOLATED) - isolated0, r->isolated);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(c->b), 0);

	/* Both processes see every page's data, at its new PFN. */
	KUNIT_EXPECT_EQ(test, ct_check_data(c, CT_PARENT, &moved, pfn0), 0UL);
	KUNIT_EXPECT_EQ(test, moved, r->migrated);
	KUNIT_EXPECT_EQ(test, ct_check_data(c, CT_CHILD, NULL, NULL), 0UL);
	KUNIT_EXPECT_FALSE(test, c->inst->broken);

	/* Everything back: no page lost or leaked by the migrations. */
	smm_fault_test_unmap(c->fm, CT_CHILD);
	smm_fault_test_unmap(c->fm, CT_PARENT);
	ct_release(c, NULL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(c->b), c->free0);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(c->b), 0);
}

/*
 * A failed allocation of an order no zone has: nothing without the hook, nothing for an
 * atomic one; with the hook, a compact_stall, a compact_success and the
 * block.
 */
static void compaction_test_direct(struct kunit *test)
{
	const unsigned long min_free_kbytes = 0;
	unsigned long stall0, ok0, fail0, *pfn0;
	struct smm_page *page;
	struct ct *c = ct_setup(test, &pfn0);
	unsigned int order;

	/* Every other zone full: HighMem's fragments are all there is. */
	KUNIT_ASSERT_EQ(test, smm_buddy_tune_watermarks(c->b, &min_free_kbytes, NULL), 0);
	ct_hold_all(c, SMM_GFP_KERNEL, -1);
	/* An order no zone can serve, and one compaction can make in HighMem. */
	order = ct_largest(c) + 1;
	kunit_info(test, "largest free order %d: asking for order %u\n", ct_largest(c), order);
	KUNIT_ASSERT_GT(test, order, 0U);
	KUNIT_ASSERT_LT(test, order, c->b->thp_order);
	stall0 = ct_vm(c, SMM_COMPACT_STALL);
	ok0 = ct_vm(c, SMM_COMPACT_SUCCESS);
	fail0 = ct_vm(c, SMM_COMPACT_FAIL);

	page = smm_alloc_pages(c->b, SMM_GFP_HIGHUSER, order);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_STALL), stall0);

	smm_compact_attach(c->inst, true);
	page = smm_alloc_pages(c->b, SMM_GFP_HIGHUSER | __SMM_GFP_HIGH, order);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_STALL), stall0);
	page = smm_alloc_pages(c->b, SMM_GFP_HIGHUSER | __SMM_GFP_SITE(SMM_SITE_SLAB), order);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_STALL), stall0);

	page = smm_alloc_pages(c->b, SMM_GFP_HIGHUSER, order);
	KUNIT_ASSERT_FALSE(test, IS_ERR(page));
	KUNIT_EXPECT_EQ(test, smm_page_zonenum(page), (unsigned int)SMM_ZONE_HIGHMEM);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_STALL), stall0 + 1);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_SUCCESS), ok0 + 1);
	KUNIT_EXPECT_EQ(test, ct_vm(c, SMM_COMPACT_FAIL), fail0);
	KUNIT_EXPECT_TRUE(test, c->inst->compact.last.direct);
	KUNIT_EXPECT_EQ(test, c->inst->compact.last.order, (int)order);
	KUNIT_EXPECT_EQ(test, c->inst->compact.last.result[SMM_ZONE_HIGHMEM],
			SMM_COMPACT_RES_SUCCESS);
	/* Success stops early: not the whole zone. */
	KUNIT_EXPECT_LT(test, c->inst->compact.last.migrated, c->nr_user);
	KUNIT_EXPECT_EQ(test, smm_free_pages(c->b, page, order), 0);
	KUNIT_EXPECT_EQ(test, ct_check_data(c, CT_PARENT, NULL, NULL), 0UL);
	KUNIT_EXPECT_EQ(test, ct_check_data(c, CT_CHILD, NULL, NULL), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(c->b), 0);
}

/* The control file's compact: keys checked, nothing done on a refusal. */
static void compaction_test_control(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLUB);
	unsigned long runs = inst->compact.last.runs;

	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "compact zone=Bogus"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "compact order=3"), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "compact zone=Normal zone=DMA"), -EINVAL);
	KUNIT_EXPECT_EQ(test, inst->compact.last.runs, runs);
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "compact zone=normal"), 0);
	KUNIT_EXPECT_EQ(test, inst->compact.last.runs, runs + 1);
	KUNIT_EXPECT_EQ(test, inst->compact.last.result[SMM_ZONE_NORMAL], SMM_COMPACT_RES_COMPLETE);
	KUNIT_EXPECT_EQ(test, inst->compact.last.result[SMM_ZONE_DMA], SMM_COMPACT_RES_NOT_RUN);
	KUNIT_EXPECT_EQ(test, smm_control_exec(inst, "compact"), 0);
	KUNIT_EXPECT_EQ(test, inst->compact.last.runs, runs + 2);
	KUNIT_EXPECT_EQ(test, inst->compact.last.result[SMM_ZONE_DMA], SMM_COMPACT_RES_COMPLETE);
	/* No user pages: nothing to move. */
	KUNIT_EXPECT_EQ(test, inst->compact.last.migrated, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
}

static struct kunit_case compaction_test_cases[] = {
	KUNIT_CASE(compaction_test_raises_order),
	KUNIT_CASE(compaction_test_direct),
	KUNIT_CASE(compaction_test_control),
	{}
};

static struct kunit_suite compaction_test_suite = {
	.name = "shadow_mm_compaction",
	.test_cases = compaction_test_cases,
};

kunit_test_suite(compaction_test_suite);
