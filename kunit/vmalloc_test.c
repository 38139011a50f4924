// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_vmalloc": the shadow vmalloc allocator.
 *
 * Each case brings up a small instance of its own with
 * smm_instance_create().  Cases use the instance's own allocator (1 GiB of
 * shadow address space over the kernel page tables) or, where the address
 * space must be small enough to fill, a private allocator over a private
 * set of page tables on the same buddy allocator.  The cases check that
 * what is written through the host mapping is what the shadow page tables
 * point at, where the pages come from, the guard pages, the reuse and
 * merging of freed ranges, exhaustion of address space and of memory
 * without a leak, the consistency checker against deliberate corruption,
 * bad input, and a long random workload.  The random case prints its seed;
 * the same seed replays the same run.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/highmem.h>
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
#include "shadow_mm/vmalloc.h"

#define SMALL_VM_PAGES	64
#define TEST_SEED	0x7a110c5eU
#define RAND_OPS	2000
#define RAND_CHECK	100
#define RAND_AREAS	40
#define RAND_MAX_PAGES	16

KUNIT_DEFINE_ACTION_WRAPPER(pgtable_destroy_action, smm_pgtable_destroy,
			    struct smm_pgtable *);
KUNIT_DEFINE_ACTION_WRAPPER(vmalloc_destroy_action, smm_vmalloc_destroy,
			    struct smm_vmalloc *);

static struct smm_instance *vm_setup(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	KUNIT_ASSERT_EQ(test, inst->vm.nr_areas, 0UL);
	return inst;
}

/*
 * A private allocator of @pages pages of address space over private tables.
 * The actions are registered after the instance's, so they run first.
 */
static struct smm_vmalloc *small_vm(struct kunit *test, struct smm_instance *inst,
				    unsigned long pages)
{
	struct smm_pgtable *pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);
	struct smm_vmalloc *vm = kunit_kzalloc(test, sizeof(*vm), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pt);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	KUNIT_ASSERT_EQ(test, smm_pgtable_init(pt, &inst->buddy), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pgtable_destroy_action, pt), 0);
	KUNIT_ASSERT_EQ(test, smm_vmalloc_init(vm, pt, &inst->buddy,
					       (u64)pages << PAGE_SHIFT), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vmalloc_destroy_action, vm), 0);
	return vm;
}

static unsigned long free_now(struct smm_instance *inst)
{
	smm_drain_pages(&inst->buddy);
	return smm_buddy_free_pages(&inst->buddy);
}

/* @pages pages at @p, page i with pattern i. */
static void fill_pattern(void *p, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		smm_test_fill_page(p + i * PAGE_SIZE, i);
}

/* The shadow PFN of @addr, through the shadow tables. */
static unsigned long shadow_pfn(struct kunit *test, struct smm_vmalloc *vm, const void *addr)
{
	u64 sva = smm_vmalloc_shadow_addr(vm, addr), pte = 0;

	KUNIT_ASSERT_NE(test, sva, 0ULL);
	KUNIT_ASSERT_EQ(test, smm_pgtable_get(vm->pt, sva, &pte), 0);
	return smm_pte_pfn(pte);
}

static const unsigned int pattern_sizes[] = { 1, 5, 16, 256 };

static void pattern_size_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u pages", *n);
}

KUNIT_ARRAY_PARAM(pattern_size, pattern_sizes, pattern_size_desc);

/* What is written through the host mapping is in the pages the shadow maps. */
static void vmalloc_test_pattern_through_shadow(struct kunit *test)
{
	const unsigned int n = *(const unsigned int *)test->param_value;
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	unsigned long i, bad = 0;
	void *p;

	p = smm_vmalloc(vm, (unsigned long)n * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	fill_pattern(p, n);

	for (i = 0; i < n; i++) {
		const void *addr = p + i * PAGE_SIZE;
		unsigned long pfn = shadow_pfn(test, vm, addr);
		struct page *host = smm_arena_pfn_to_host(&inst->arena, pfn);
		struct smm_page *page = smm_pfn_to_page(&inst->arena, pfn);
		u32 *words;
		int w;

		KUNIT_ASSERT_NOT_NULL(test, host);
		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_PTR_EQ(test, smm_vmalloc_to_page(vm, addr), page);
		/* An interior address resolves to the same page. */
		KUNIT_EXPECT_PTR_EQ(test, smm_vmalloc_to_page(vm, addr + PAGE_SIZE / 2 + 3), page);
		KUNIT_EXPECT_EQ(test, page->owner, (u8)SMM_OWNER_ALLOC);
		words = kmap_local_page(host);
		w = smm_test_page_mismatch(words, i);
		if (w >= 0 && !bad++)
			KUNIT_FAIL(test, "page %lu (pfn %#lx) word %d: %#x, want %#x",
				   i, pfn, w, words[w], smm_test_pattern(i, w));
		kunmap_local(words);
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
}

/* vmalloc asks for HIGHUSER pages: HighMem first. */
static void vmalloc_test_highmem_first(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	const unsigned int n = 8;
	unsigned int i;
	void *p;

	KUNIT_ASSERT_GT(test, smm_zone_free_pages(&inst->buddy.zones[SMM_ZONE_HIGHMEM]),
			4UL * n);
	p = smm_vmalloc(vm, n * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < n; i++) {
		struct smm_page *page = smm_vmalloc_to_page(vm, p + i * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, page);
		KUNIT_EXPECT_EQ_MSG(test, smm_page_zonenum(page), (unsigned int)SMM_ZONE_HIGHMEM,
				    "page %u", i);
	}
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
}

/* check() is clean on live areas and catches a wrong PTE and a mapped guard. */
static void vmalloc_test_check_catches_corruption(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	struct smm_pt_walk w;
	struct smm_page *other;
	unsigned long other_pfn, tpfn;
	void *p[3];
	u64 sva, guard, old, pte;
	u64 *table;
	unsigned int idx, i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = smm_vmalloc(vm, (i + 2) * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	/* Point a PTE of the middle area at another valid arena page. */
	other = smm_alloc_page(&inst->buddy, SMM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	other_pfn = smm_page_to_pfn(&inst->arena, other);
	sva = smm_vmalloc_shadow_addr(vm, p[1] + PAGE_SIZE);
	KUNIT_ASSERT_NE(test, sva, 0ULL);
	smm_pgtable_walk(&inst->kpt, sva, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	tpfn = w.table_pfn[SMM_PT_PTE];
	idx = smm_pt_index(sva, SMM_PT_PTE);
	table = smm_arena_pfn_to_virt(&inst->arena, tpfn);
	KUNIT_ASSERT_NOT_NULL(test, table);
	old = READ_ONCE(table[idx]);
	KUNIT_ASSERT_EQ(test, old, w.entry[SMM_PT_PTE]);
	KUNIT_ASSERT_NE(test, smm_pte_pfn(old), other_pfn);
	WRITE_ONCE(table[idx], (old & ~SMM_PTE_PFN_MASK) | ((u64)other_pfn << PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 1);
	WRITE_ONCE(table[idx], old);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	/* Map the guard page after the first area. */
	guard = smm_vmalloc_shadow_addr(vm, p[0]) + 2 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, smm_pgtable_get(&inst->kpt, guard, &pte), -ENOENT);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(&inst->kpt, guard, other_pfn, SMM_PTE_RW), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 1);
	KUNIT_ASSERT_EQ(test, smm_pgtable_clear(&inst->kpt, guard, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	/* An unmapped page of an area is caught too. */
	KUNIT_ASSERT_EQ(test, smm_pgtable_clear(&inst->kpt, sva, &pte), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 1);
	KUNIT_ASSERT_EQ(test, smm_pgtable_set(&inst->kpt, sva, smm_pte_pfn(pte),
					      pte & SMM_PTE_FLAGS_MASK), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	smm_free_page(&inst->buddy, other);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_EQ(test, smm_vfree(vm, p[i]), 0);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
}

/* Every area is followed by an unmapped guard page. */
static void vmalloc_test_guard_pages(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = small_vm(test, inst, SMALL_VM_PAGES);
	const unsigned long n = 3;
	u64 s1, s2, pte;
	void *p1, *p2;

	p1 = smm_vmalloc(vm, n * PAGE_SIZE);
	p2 = smm_vmalloc(vm, n * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p1);
	KUNIT_ASSERT_NOT_NULL(test, p2);
	s1 = smm_vmalloc_shadow_addr(vm, p1);
	s2 = smm_vmalloc_shadow_addr(vm, p2);
	/* Lowest fit: the first at the start, the second right after the guard. */
	KUNIT_EXPECT_EQ(test, s1, vm->start);
	KUNIT_EXPECT_GE(test, s2, s1 + (n + 1) * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, s2, s1 + (n + 1) * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, smm_pgtable_get(vm->pt, s1 + (n - 1) * PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(vm->pt, s1 + n * PAGE_SIZE, &pte), -ENOENT);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(vm->pt, s2 + (n - 1) * PAGE_SIZE, &pte), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(vm->pt, s2 + n * PAGE_SIZE, &pte), -ENOENT);
	/* The guard is not part of the host mapping either. */
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, p1 + n * PAGE_SIZE), 0ULL);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p1), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p2), 0);
}

/* Freed ranges are reused lowest first, and merge with free neighbours. */
static void vmalloc_test_fragmentation_and_merge(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = small_vm(test, inst, SMALL_VM_PAGES);
	/* 3 pages + guard = 4 pages of address space each: 16 fill it. */
	const unsigned int nr = SMALL_VM_PAGES / 4;
	void **p = kunit_kcalloc(test, nr, sizeof(*p), GFP_KERNEL);
	unsigned int i;
	void *q;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		p[i] = smm_vmalloc(vm, 3 * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p[i], "area %u", i);
		KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, p[i]),
				vm->start + (u64)i * 4 * PAGE_SIZE);
	}
	/* Full: not even one page (two with its guard) fits. */
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, PAGE_SIZE));

	/* Free the even areas: holes of 4 pages that do not touch. */
	for (i = 0; i < nr; i += 2)
		KUNIT_ASSERT_EQ(test, smm_vfree(vm, p[i]), 0);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 4 * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 7 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vm->nr_areas, (unsigned long)nr / 2);

	/* A fitting request takes the lowest hole. */
	q = smm_vmalloc(vm, 3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, q), vm->start);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, q), 0);

	/* Freeing area 1 merges holes 0, 1 and 2 into 12 pages. */
	KUNIT_ASSERT_EQ(test, smm_vfree(vm, p[1]), 0);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 12 * PAGE_SIZE));
	q = smm_vmalloc(vm, 11 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, q), vm->start);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, q), 0);

	/* Freeing the last area merges it with the hole of area nr - 2 before it. */
	KUNIT_ASSERT_EQ(test, smm_vfree(vm, p[nr - 1]), 0);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 8 * PAGE_SIZE));
	q = smm_vmalloc(vm, 7 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, q),
			vm->start + (u64)(nr - 2) * 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, q), 0);

	/* Free the rest, in an order that merges on both sides. */
	for (i = 3; i < nr - 1; i += 2)
		KUNIT_ASSERT_EQ(test, smm_vfree(vm, p[i]), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);

	/* One free range again: everything but the guard fits. */
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, SMALL_VM_PAGES * PAGE_SIZE));
	q = smm_vmalloc(vm, (SMALL_VM_PAGES - 1) * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, q), vm->start);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, q), 0);
}

/* Running out of address space fails cleanly and leaks no page. */
static void vmalloc_test_va_exhaustion(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = small_vm(test, inst, SMALL_VM_PAGES);
	void **p = kunit_kcalloc(test, SMALL_VM_PAGES, sizeof(*p), GFP_KERNEL);
	unsigned long before, mid, peak;
	unsigned int n = 0, i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	before = free_now(inst);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(vm->pt), 1UL);

	while (n < SMALL_VM_PAGES) {
		p[n] = smm_vmalloc(vm, PAGE_SIZE);
		if (!p[n])
			break;
		n++;
	}
	/* One page and one guard each. */
	KUNIT_EXPECT_EQ(test, n, SMALL_VM_PAGES / 2U);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, (unsigned long)n);

	/* Further failures take nothing. */
	mid = free_now(inst);
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 2 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, free_now(inst), mid);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, (unsigned long)n);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	/* The whole space is mapped: a PUD, a PMD and a PTE table. */
	peak = smm_pgtable_pages(vm->pt);
	KUNIT_EXPECT_EQ(test, peak, 4UL);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, smm_vfree(vm, p[i]), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
	/* vfree keeps the tables, as vunmap does; every other page is back. */
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(vm->pt), peak);
	KUNIT_EXPECT_EQ(test, free_now(inst), before - (peak - 1));
	before = free_now(inst);

	/* Bigger than the space, or exactly the space (no room for the guard). */
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, (SMALL_VM_PAGES + 1) * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, SMALL_VM_PAGES * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, free_now(inst), before);
}

/* More pages than the instance has: NULL, and everything goes back. */
static void vmalloc_test_memory_exhaustion(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	unsigned long before, tables;
	void *p;

	before = free_now(inst);
	tables = smm_pgtable_pages(&inst->kpt);
	p = smm_vmalloc(vm, (before + 1) * PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, free_now(inst), before);
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(&inst->kpt), tables);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);

	/* The address range went back too: the next area starts at the bottom. */
	p = smm_vmalloc(vm, 4 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, p), vm->start);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
	/* The tables made for it stay (a PUD, a PMD and a PTE table). */
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(&inst->kpt), tables + 3);
	KUNIT_EXPECT_EQ(test, free_now(inst), before - 3);
}

/* smm_vzalloc() zeroes pages that were dirty. */
static void vmalloc_test_vzalloc_zeroes(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	const unsigned long size = 8 * PAGE_SIZE;
	void *p;

	p = smm_vmalloc(vm, size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xff, size);
	KUNIT_ASSERT_EQ(test, smm_vfree(vm, p), 0);

	p = smm_vzalloc(vm, size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, size));
	memset(p, 0xff, size);
	KUNIT_ASSERT_EQ(test, smm_vfree(vm, p), 0);

	/* A size that is not a page multiple: the whole last page is zeroed. */
	p = smm_vzalloc(vm, size - 100);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, size));
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
}

/* smm_vmap() maps the caller's pages; vfree unmaps and leaves them. */
static void vmalloc_test_vmap_caller_pages(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	const unsigned int n = 4;
	struct smm_page **pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	unsigned long before, tables, made;
	unsigned int i;
	u64 sva, pte;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	before = free_now(inst);
	tables = smm_pgtable_pages(&inst->kpt);
	for (i = 0; i < n; i++) {
		pages[i] = smm_alloc_page(&inst->buddy, SMM_GFP_HIGHUSER);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pages[i]);
	}
	KUNIT_EXPECT_NULL(test, smm_vmap(vm, NULL, n));
	KUNIT_EXPECT_NULL(test, smm_vmap(vm, pages, 0));

	p = smm_vmap(vm, pages, n);
	KUNIT_ASSERT_NOT_NULL(test, p);
	made = smm_pgtable_pages(&inst->kpt) - tables;
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 1UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, (unsigned long)n);
	sva = smm_vmalloc_shadow_addr(vm, p);
	KUNIT_ASSERT_NE(test, sva, 0ULL);
	fill_pattern(p, n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, smm_vmalloc_to_page(vm, p + i * PAGE_SIZE), pages[i]);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);

	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
	for (i = 0; i < n; i++) {
		unsigned long pfn = smm_page_to_pfn(&inst->arena, pages[i]);
		u32 *words;
		int w;

		KUNIT_EXPECT_EQ(test, smm_pgtable_get(&inst->kpt, sva + i * PAGE_SIZE, &pte),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, pages[i]->owner, (u8)SMM_OWNER_ALLOC);
		words = kmap_local_page(smm_arena_pfn_to_host(&inst->arena, pfn));
		w = smm_test_page_mismatch(words, i);
		kunmap_local(words);
		KUNIT_EXPECT_EQ_MSG(test, w, -1, "page %u keeps the data", i);
	}
	KUNIT_EXPECT_EQ(test, smm_pgtable_pages(&inst->kpt), tables + made);
	KUNIT_EXPECT_EQ(test, free_now(inst), before - n - made);
	for (i = 0; i < n; i++)
		smm_free_page(&inst->buddy, pages[i]);
	KUNIT_EXPECT_EQ(test, free_now(inst), before - made);
}

/* Bad pointers and sizes are refused, and change nothing. */
static void vmalloc_test_bad_input(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	void *p, *buf;

	buf = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	p = smm_vmalloc(vm, 3 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);

	KUNIT_EXPECT_EQ(test, smm_vfree(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p + PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 1UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 3UL);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_NE(test, smm_vmalloc_shadow_addr(vm, p + PAGE_SIZE), 0ULL);
	KUNIT_EXPECT_EQ(test, smm_vmalloc_shadow_addr(vm, buf), 0ULL);
	KUNIT_EXPECT_NULL(test, smm_vmalloc_to_page(vm, buf));

	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, 0));
	KUNIT_EXPECT_NULL(test, smm_vzalloc(vm, 0));
	KUNIT_EXPECT_NULL(test, smm_vmalloc(vm, (unsigned long)(vm->end - vm->start) + 1));
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 1UL);

	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
	KUNIT_EXPECT_NULL(test, smm_vmalloc_to_page(vm, p));
}

/*
 * Table pages are PGTABLE-owned, and stay when the areas go, as the
 * kernel's vunmap() leaves them; the next area there reuses them.
 */
static void vmalloc_test_pgtable_pages(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	/* More than 2 MiB: at least two PTE tables. */
	const unsigned long big = 600;
	unsigned long base[SMM_PT_LEVELS], peak[SMM_PT_LEVELS];
	struct smm_pt_walk w;
	void *p, *q;
	u64 sva, pte;
	int l;

	/* The kmap windows' tables are there from the bring-up. */
	for (l = 0; l < SMM_PT_LEVELS; l++)
		base[l] = inst->kpt.tables[l];
	KUNIT_EXPECT_EQ(test, base[SMM_PT_PGD], 1UL);
	p = smm_vmalloc(vm, big * PAGE_SIZE);
	q = smm_vmalloc(vm, PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, inst->kpt.tables[SMM_PT_PGD], 1UL);
	KUNIT_EXPECT_EQ(test, inst->kpt.tables[SMM_PT_PUD], base[SMM_PT_PUD] + 1);
	KUNIT_EXPECT_EQ(test, inst->kpt.tables[SMM_PT_PMD], base[SMM_PT_PMD] + 1);
	KUNIT_EXPECT_GE(test, inst->kpt.tables[SMM_PT_PTE], base[SMM_PT_PTE] + 2);
	for (l = 0; l < SMM_PT_LEVELS; l++)
		peak[l] = inst->kpt.tables[l];

	sva = smm_vmalloc_shadow_addr(vm, p + (big - 1) * PAGE_SIZE);
	KUNIT_ASSERT_NE(test, sva, 0ULL);
	smm_pgtable_walk(&inst->kpt, sva, &w);
	KUNIT_ASSERT_EQ(test, w.levels, (unsigned int)SMM_PT_LEVELS);
	for (l = 0; l < SMM_PT_LEVELS; l++) {
		struct smm_page *t = smm_pfn_to_page(&inst->arena, w.table_pfn[l]);

		KUNIT_ASSERT_NOT_NULL(test, t);
		KUNIT_EXPECT_EQ_MSG(test, t->owner, (u8)SMM_OWNER_PGTABLE, "%s table",
				    smm_pt_level_name(l));
		/* Tables are read through the direct map: never HighMem. */
		KUNIT_EXPECT_NE(test, smm_page_zonenum(t), (unsigned int)SMM_ZONE_HIGHMEM);
	}

	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, q), 0);
	KUNIT_EXPECT_EQ(test, smm_pgtable_get(&inst->kpt, sva, &pte), -ENOENT);
	for (l = 0; l < SMM_PT_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, inst->kpt.tables[l], peak[l], "%s tables kept",
				    smm_pt_level_name(l));
	/* The same areas again need no new table. */
	p = smm_vmalloc(vm, big * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (l = 0; l < SMM_PT_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, inst->kpt.tables[l], peak[l], "%s tables reused",
				    smm_pt_level_name(l));
	KUNIT_EXPECT_EQ(test, smm_vmalloc_check(vm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, p), 0);
}

/* nr_areas and nr_pages follow every vmalloc, vmap and vfree. */
static void vmalloc_test_bookkeeping(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	void *a, *b, *c;

	a = smm_vmalloc(vm, 1);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 1UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 1UL);
	b = smm_vmalloc(vm, 5 * PAGE_SIZE + 1);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 2UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 7UL);
	c = smm_vzalloc(vm, 2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 3UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 9UL);

	KUNIT_EXPECT_EQ(test, smm_vfree(vm, b), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 2UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 3UL);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, a), 0);
	KUNIT_EXPECT_EQ(test, smm_vfree(vm, c), 0);
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
}

struct rand_area {
	void *p;
	unsigned int n;
	u32 tag;
};

static void rand_fill(struct rand_area *a)
{
	u32 *words = a->p;
	unsigned long i, nr = (unsigned long)a->n * PAGE_SIZE / sizeof(u32);

	for (i = 0; i < nr; i++)
		words[i] = a->tag ^ (u32)i;
}

static bool rand_verify(const struct rand_area *a)
{
	const u32 *words = a->p;
	unsigned long i, nr = (unsigned long)a->n * PAGE_SIZE / sizeof(u32);

	for (i = 0; i < nr; i++)
		if (words[i] != (a->tag ^ (u32)i))
			return false;
	return true;
}

/* A long random workload; the invariants hold throughout. */
static void vmalloc_test_random_invariants(struct kunit *test)
{
	struct smm_instance *inst = vm_setup(test);
	struct smm_vmalloc *vm = &inst->vm;
	struct rand_area *areas = kunit_kcalloc(test, RAND_AREAS, sizeof(*areas), GFP_KERNEL);
	unsigned long before, tables, model_pages = 0;
	struct rnd_state rnd;
	unsigned int count = 0, op, i;

	KUNIT_ASSERT_NOT_NULL(test, areas);
	kunit_info(test, "seed %#x", TEST_SEED);
	prandom_seed_state(&rnd, TEST_SEED);
	before = free_now(inst);
	tables = smm_pgtable_pages(&inst->kpt);

	for (op = 1; op <= RAND_OPS; op++) {
		u32 r = prandom_u32_state(&rnd);

		if (!count || (count < RAND_AREAS && (r & 1))) {
			struct rand_area *a = &areas[count];

			a->n = 1 + (r >> 1) % RAND_MAX_PAGES;
			a->tag = prandom_u32_state(&rnd);
			a->p = smm_vmalloc(vm, (unsigned long)a->n * PAGE_SIZE);
			KUNIT_ASSERT_NOT_NULL_MSG(test, a->p, "op %u: %u pages", op, a->n);
			rand_fill(a);
			model_pages += a->n;
			count++;
		} else {
			struct rand_area *a = &areas[(r >> 1) % count];
			struct smm_page *page = smm_vmalloc_to_page(vm, a->p);

			KUNIT_EXPECT_TRUE_MSG(test, rand_verify(a), "op %u: area of %u pages",
					      op, a->n);
			KUNIT_ASSERT_NOT_NULL(test, page);
			KUNIT_EXPECT_EQ(test, page->owner, (u8)SMM_OWNER_ALLOC);
			KUNIT_ASSERT_EQ_MSG(test, smm_vfree(vm, a->p), 0, "op %u", op);
			model_pages -= a->n;
			*a = areas[--count];
		}
		if (op % RAND_CHECK == 0) {
			KUNIT_ASSERT_EQ_MSG(test, smm_vmalloc_check(vm, NULL), 0, "op %u", op);
			KUNIT_ASSERT_EQ_MSG(test, vm->nr_areas, (unsigned long)count, "op %u", op);
			KUNIT_ASSERT_EQ_MSG(test, vm->nr_pages, model_pages, "op %u", op);
			KUNIT_ASSERT_EQ_MSG(test, free_now(inst) + model_pages +
					    smm_pgtable_pages(&inst->kpt) - tables, before,
					    "op %u: pages conserved", op);
		}
	}

	for (i = 0; i < count; i++) {
		KUNIT_EXPECT_TRUE(test, rand_verify(&areas[i]));
		KUNIT_EXPECT_EQ(test, smm_vfree(vm, areas[i].p), 0);
	}
	KUNIT_EXPECT_EQ(test, vm->nr_areas, 0UL);
	KUNIT_EXPECT_EQ(test, vm->nr_pages, 0UL);
	/* Only the tables the workload made are not back: vfree keeps them. */
	KUNIT_EXPECT_GT(test, smm_pgtable_pages(&inst->kpt), tables);
	KUNIT_EXPECT_EQ(test, free_now(inst) + smm_pgtable_pages(&inst->kpt) - tables, before);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
}

static struct kunit_case vmalloc_test_cases[] = {
	KUNIT_CASE_PARAM(vmalloc_test_pattern_through_shadow, pattern_size_gen_params),
	KUNIT_CASE(vmalloc_test_highmem_first),
	KUNIT_CASE(vmalloc_test_check_catches_corruption),
	KUNIT_CASE(vmalloc_test_guard_pages),
	KUNIT_CASE(vmalloc_test_fragmentation_and_merge),
	KUNIT_CASE(vmalloc_test_va_exhaustion),
	KUNIT_CASE(vmalloc_test_memory_exhaustion),
	KUNIT_CASE(vmalloc_test_vzalloc_zeroes),
	KUNIT_CASE(vmalloc_test_vmap_caller_pages),
	KUNIT_CASE(vmalloc_test_bad_input),
	KUNIT_CASE(vmalloc_test_pgtable_pages),
	KUNIT_CASE(vmalloc_test_bookkeeping),
	KUNIT_CASE_SLOW(vmalloc_test_random_invariants),
	{}
};

static struct kunit_suite vmalloc_test_suite = {
	.name = "shadow_mm_vmalloc",
	.test_cases = vmalloc_test_cases,
};

kunit_test_suite(vmalloc_test_suite);
