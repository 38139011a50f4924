// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_inject": fault injection, and what each layer
 * makes of an injected failure.
 *
 * The knob cases run smm_fail_knobs_should_fail(), the module's own copy
 * of should_fail_ex() that the stock kernels use, so that it is tested
 * even on the debug kernels, whose CONFIG_FAULT_INJECTION makes the
 * instances use the kernel's.  The site cases arm an instance's own knobs
 * (whichever they are) and check that exactly the armed site fails, with
 * the error its caller expects, and that no page is lost.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mm.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"

/* Knobs armed for good: probability 100, no limit on times. */
static void arm(struct smm_fail *f)
{
	atomic_set(&f->attr.times, -1);
	f->attr.interval = 1;
	f->attr.verbose = 0;
	WRITE_ONCE(f->attr.probability, 100);
}

static void disarm(struct smm_fail *f)
{
	WRITE_ONCE(f->attr.probability, 0);
}

static struct smm_fail_knobs *knobs(struct kunit *test)
{
	struct smm_fail_knobs *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	k->interval = 1;
	atomic_set(&k->times, -1);
	return k;
}

/* How many of @n calls of @size fail. */
static int fails(struct smm_fail_knobs *k, int n, ssize_t size)
{
	int i, f = 0;

	for (i = 0; i < n; i++)
		f += smm_fail_knobs_should_fail(k, "kunit", size);
	return f;
}

static void inject_test_knobs_probability(struct kunit *test)
{
	struct smm_fail_knobs *k = knobs(test);

	KUNIT_EXPECT_EQ(test, fails(k, 100, 1), 0);
	k->probability = 100;
	KUNIT_EXPECT_EQ(test, fails(k, 100, 1), 100);
	/* 50%: the dice are real, so only bounds that cannot fail by chance. */
	k->probability = 50;
	KUNIT_EXPECT_GT(test, fails(k, 1000, 1), 300);
	KUNIT_EXPECT_LT(test, fails(k, 1000, 1), 700);
}

static void inject_test_knobs_times(struct kunit *test)
{
	struct smm_fail_knobs *k = knobs(test);

	k->probability = 100;
	atomic_set(&k->times, 3);
	KUNIT_EXPECT_EQ(test, fails(k, 10, 1), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->times), 0);
	atomic_set(&k->times, -1);
	KUNIT_EXPECT_EQ(test, fails(k, 10, 1), 10);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->times), -1);
}

static void inject_test_knobs_interval(struct kunit *test)
{
	struct smm_fail_knobs *k = knobs(test);
	int i;

	k->probability = 100;
	k->interval = 4;
	for (i = 1; i <= 12; i++)
		KUNIT_EXPECT_EQ_MSG(test, smm_fail_knobs_should_fail(k, "kunit", 1), !(i % 4),
				    "call %d", i);
}

/* space: a call passes while the budget is larger than its size, and uses it. */
static void inject_test_knobs_space(struct kunit *test)
{
	struct smm_fail_knobs *k = knobs(test);

	k->probability = 100;
	atomic_set(&k->space, 100);
	KUNIT_EXPECT_FALSE(test, smm_fail_knobs_should_fail(k, "kunit", 60));
	KUNIT_EXPECT_EQ(test, atomic_read(&k->space), 40);
	KUNIT_EXPECT_TRUE(test, smm_fail_knobs_should_fail(k, "kunit", 60));
	KUNIT_EXPECT_EQ(test, atomic_read(&k->space), 40);
	KUNIT_EXPECT_FALSE(test, smm_fail_knobs_should_fail(k, "kunit", 39));
	KUNIT_EXPECT_EQ(test, atomic_read(&k->space), 1);
	KUNIT_EXPECT_TRUE(test, smm_fail_knobs_should_fail(k, "kunit", 1));
}

/* The instance's own knobs, kernel's or ours: times counts, injected too. */
static void inject_test_instance_knobs(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	struct smm_fail *f = &inst->buddy.fpa.fail;
	struct smm_page *page;
	int i, failed = 0;

	KUNIT_EXPECT_FALSE(test, smm_fail_armed(f));
	arm(f);
	atomic_set(&f->attr.times, 2);
	for (i = 0; i < 5; i++) {
		page = smm_alloc_pages(&inst->buddy, SMM_GFP_KERNEL, 0);
		if (IS_ERR(page)) {
			KUNIT_EXPECT_EQ(test, PTR_ERR(page), -ENOMEM);
			failed++;
		} else {
			smm_free_pages(&inst->buddy, page, 0);
		}
	}
	disarm(f);
	KUNIT_EXPECT_EQ(test, failed, 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&f->injected), 2L);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(inst->broken));
}

static const enum smm_alloc_site sites[] = {
	SMM_SITE_PAGES, SMM_SITE_SLAB, SMM_SITE_PGTABLE, SMM_SITE_VMALLOC, SMM_SITE_FAULT,
};

static void site_desc(const enum smm_alloc_site *s, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", smm_alloc_site_name(*s));
}

KUNIT_ARRAY_PARAM(site, sites, site_desc);

/* Only the site in fail_page_alloc's sites fails; the others are served. */
static void inject_test_sites_filter(struct kunit *test)
{
	const enum smm_alloc_site *armed = test->param_value;
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	struct smm_buddy *b = &inst->buddy;
	int s;

	b->fpa.sites = BIT(*armed);
	arm(&b->fpa.fail);
	for (s = 0; s < SMM_SITE_NR; s++) {
		struct smm_page *page = smm_alloc_pages(b, SMM_GFP_KERNEL | __SMM_GFP_SITE(s), 0);

		if (s == *armed) {
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(page), -ENOMEM, "site %s",
					    smm_alloc_site_name(s));
		} else {
			KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(page), "site %s",
					       smm_alloc_site_name(s));
			if (!IS_ERR(page))
				smm_free_pages(b, page, 0);
		}
	}
	disarm(&b->fpa.fail);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* Pages free in the whole instance, with the per-CPU lists drained. */
static unsigned long free_now(struct smm_instance *inst)
{
	smm_drain_pages(&inst->buddy);
	return smm_buddy_free_pages(&inst->buddy);
}

/* Each layer above the buddy: its own error, and nothing lost. */
static void inject_test_layers(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLUB);
	struct smm_fail_page_alloc *fpa = &inst->buddy.fpa;
	struct smm_kmem_cache *s;
	unsigned long before;
	void *p;

	s = smm_kmem_cache_create(&inst->slab, "inj", 512, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	before = free_now(inst);
	arm(&fpa->fail);

	fpa->sites = BIT(SMM_SITE_SLAB);
	KUNIT_EXPECT_NULL(test, smm_kmem_cache_alloc(s, 0));
	KUNIT_EXPECT_NULL(test, smm_kmalloc(&inst->slab, 300, 0));
	KUNIT_EXPECT_NULL(test, smm_kmalloc(&inst->slab, 3 * PAGE_SIZE, 0));

	fpa->sites = BIT(SMM_SITE_VMALLOC);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(&inst->vm, 16 * PAGE_SIZE));

	/* A fresh vmalloc range needs new tables; none come. */
	fpa->sites = BIT(SMM_SITE_PGTABLE);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(&inst->vm, 16 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, inst->vm.nr_areas, 0UL);

	disarm(&fpa->fail);
	KUNIT_EXPECT_GE(test, atomic_long_read(&fpa->fail.injected), 5L);
	KUNIT_EXPECT_EQ(test, free_now(inst), before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(inst->broken));

	/* And with the knobs off again, everything works. */
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_EXPECT_NOT_NULL(test, p);
	smm_kmem_cache_free(s, p);
	p = smm_vmalloc(&inst->vm, 16 * PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, smm_vfree(&inst->vm, p), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/* failslab: object allocations fail, page allocations do not. */
static void inject_test_failslab(struct kunit *test)
{
	static const enum smm_slab_strategy strategies[] = {
		SMM_SLAB_SLAB, SMM_SLAB_SLUB, SMM_SLAB_SLOB,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(strategies); i++) {
		struct smm_instance *inst = smm_test_instance(test, 8, strategies[i]);
		struct smm_fail *f = &inst->slab.failslab;
		struct smm_kmem_cache *s;
		void *big;

		s = smm_kmem_cache_create(&inst->slab, "fs", 64, 0, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
		arm(f);
		KUNIT_EXPECT_NULL_MSG(test, smm_kmem_cache_alloc(s, 0), "%s", inst->slab.ops->name);
		KUNIT_EXPECT_NULL_MSG(test, smm_kmalloc(&inst->slab, 100, 0), "%s",
				      inst->slab.ops->name);
		big = smm_kmalloc(&inst->slab, 4 * PAGE_SIZE, 0);
		KUNIT_EXPECT_NOT_NULL_MSG(test, big, "%s: a large kmalloc is a page allocation",
					  inst->slab.ops->name);
		disarm(f);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&f->injected), 2L);
		KUNIT_EXPECT_EQ(test, smm_kfree(&inst->slab, big), 0);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	}
}

static struct kunit_case inject_test_cases[] = {
	KUNIT_CASE(inject_test_knobs_probability),
	KUNIT_CASE(inject_test_knobs_times),
	KUNIT_CASE(inject_test_knobs_interval),
	KUNIT_CASE(inject_test_knobs_space),
	KUNIT_CASE(inject_test_instance_knobs),
	KUNIT_CASE_PARAM(inject_test_sites_filter, site_gen_params),
	KUNIT_CASE(inject_test_layers),
	KUNIT_CASE(inject_test_failslab),
	{}
};

static struct kunit_suite inject_test_suite = {
	.name = "shadow_mm_inject",
	.test_cases = inject_test_cases,
};

kunit_test_suite(inject_test_suite);
