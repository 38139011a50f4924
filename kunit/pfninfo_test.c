// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_pfn": the classifier behind pfnmap, kpageflags
 * and kpagecount.
 *
 * On an instance of the test's own, after known allocations: the owners
 * the classifier gives add up to the mem_map's owners, the free pages to
 * the zones' free areas and per-CPU lists; a free buddy block shows its
 * order on every page and KPF_BUDDY as the kernel's is_free_buddy_page()
 * gives it; a slab page shows KPF_SLAB and its cache's name, a large
 * kmalloc its compound head and tails without KPF_SLAB; holes show
 * KPF_NOPAGE; the binary files' reads refuse what fs/proc/page.c refuses;
 * the KPF_BUDDY and KPF_SLAB pages are buddyinfo's and slabinfo's; and
 * user pages show MMAP, SWAPBACKED, UPTODATE, the LRU bits and SWAPCACHE,
 * ANON only for a private object's, with their mapcounts in kpagecount.
 */

#include <kunit/test.h>
#include <linux/kernel-page-flags.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/fault.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/pfninfo.h"

/**
 * struct pfn_census - what the classifier says of every PFN
 * @owners: PFNs per enum smm_pfn_owner
 * @kpf: PFNs with each KPF_* bit, for bits 0..63
 * @raw: PFNs per enum smm_owner of the snapshot, %SMM_OWNER_NR for holes
 */
struct pfn_census {
	unsigned long owners[SMM_PFN_OWNER_NR];
	unsigned long kpf[64];
	unsigned long raw[SMM_OWNER_NR + 1];
};

static void census(struct kunit *test, struct smm_instance *inst, struct pfn_census *c)
{
	unsigned long max = smm_pfninfo_max_pfn(inst), pfn;
	struct smm_pfninfo *recs;
	unsigned int i, b, nr;

	recs = kunit_kcalloc(test, SMM_PFNINFO_BATCH, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	memset(c, 0, sizeof(*c));
	for (pfn = 0; pfn < max; pfn += nr) {
		nr = min_t(unsigned long, SMM_PFNINFO_BATCH, max - pfn);
		smm_pfninfo_fill(inst, pfn, nr, recs, true);
		for (i = 0; i < nr; i++) {
			KUNIT_ASSERT_LT(test, recs[i].owner, SMM_PFN_OWNER_NR);
			c->owners[recs[i].owner]++;
			c->raw[min_t(unsigned int, recs[i].raw_owner, SMM_OWNER_NR)]++;
			for (b = 0; b < 64; b++)
				if (recs[i].kpf & BIT_ULL(b))
					c->kpf[b]++;
		}
	}
}

/* The mem_map's owners, counted from the descriptors as meminfo counts them. */
static void memmap_owners(struct smm_instance *inst, unsigned long *owners)
{
	unsigned long pfn;

	memset(owners, 0, SMM_OWNER_NR * sizeof(*owners));
	for (pfn = 0; pfn < inst->arena.end_pfn; pfn++) {
		const struct smm_page *page = smm_pfn_to_page(&inst->arena, pfn);

		if (page)
			owners[READ_ONCE(page->owner)]++;
	}
}

/* A known workload: pages, a cache's slabs, a large kmalloc, a vmalloc. */
static void workload(struct kunit *test, struct smm_instance *inst)
{
	struct smm_kmem_cache *s;
	void *objs[50];
	int i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(smm_alloc_pages(&inst->buddy, SMM_GFP_KERNEL, 2)));
	s = smm_kmem_cache_create(&inst->slab, "pfn_test", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	for (i = 0; i < 50; i++) {
		objs[i] = smm_kmem_cache_alloc(s, SMM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	/* Freed again, but the slabs stay the cache's until a shrink. */
	for (i = 0; i < 50; i++)
		KUNIT_ASSERT_EQ(test, smm_kmem_cache_free(s, objs[i]), 0);
	KUNIT_ASSERT_NOT_NULL(test, smm_kmalloc(&inst->slab, 20000, SMM_GFP_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, smm_vmalloc(&inst->vm, 5 * PAGE_SIZE));
}

/*
 * The classifier's owners refine the mem_map's, page for page: EARLY is
 * early_res plus memmap, ALLOC is alloc, vmalloc, user, swapcache and
 * kmap, FIRMWARE is firmware plus the holes in the e820 map that have
 * memory behind them; the free pages are the zones' free areas and lists.
 */
static void pfn_test_owners_match_memmap(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLAB);
	unsigned long owners[SMM_OWNER_NR], free = 0, pcp = 0;
	struct pfn_census *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	workload(test, inst);
	census(test, inst, c);
	memmap_owners(inst, owners);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		free += smm_zone_free_pages(&inst->buddy.zones[i]);
		pcp += smm_zone_pcp_pages(&inst->buddy.zones[i]);
	}

	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_EARLY_RES] + c->owners[SMM_PFN_MEMMAP],
			owners[SMM_OWNER_EARLY]);
	KUNIT_EXPECT_GT(test, c->owners[SMM_PFN_MEMMAP], 0UL);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_MEMMAP] << PAGE_SHIFT >= inst->memmap.bytes,
			true);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_ALLOC] + c->owners[SMM_PFN_VMALLOC] +
			c->owners[SMM_PFN_USER] + c->owners[SMM_PFN_SWAPCACHE] +
			c->owners[SMM_PFN_KMAP], owners[SMM_OWNER_ALLOC]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_VMALLOC], 5UL);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_BUDDY], owners[SMM_OWNER_BUDDY]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_BUDDY], free);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_PCP], owners[SMM_OWNER_PCP]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_PCP], pcp);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_SLAB], owners[SMM_OWNER_SLAB]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_PGTABLE], owners[SMM_OWNER_PGTABLE]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_FREE], owners[SMM_OWNER_FREE]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_BOOTMEM], owners[SMM_OWNER_BOOTMEM]);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_FIRMWARE] + c->owners[SMM_PFN_HOLE] -
			c->raw[SMM_OWNER_NR], owners[SMM_OWNER_FIRMWARE]);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_NOPAGE], c->raw[SMM_OWNER_NR]);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_PGTABLE], owners[SMM_OWNER_PGTABLE]);
}

/*
 * A free block of order k: owner buddy and order k on each of its 2^k
 * pages, and KPF_BUDDY on each (PageBuddy() on the head,
 * is_free_buddy_page() on the rest); not compound.  The page after it is
 * not in it.
 */
static void pfn_test_buddy_block(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLUB);
	struct smm_pfninfo *recs;
	struct smm_zone *z = NULL;
	struct smm_page *head = NULL;
	unsigned long pfn;
	unsigned int k, i, zi, n;

	recs = kunit_kcalloc(test, SMM_PFNINFO_BATCH, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	/* The first free block of order 3 to 6 in any zone. */
	for (k = 3; k <= 6 && !head; k++) {
		for (zi = 0; zi < SMM_NR_ZONES && !head; zi++) {
			struct list_head *fl;

			z = &inst->buddy.zones[zi];
			fl = &z->free_area[k].free_list[SMM_MIGRATE_UNMOVABLE];
			spin_lock(&z->lock);
			if (!list_empty(fl))
				head = list_first_entry(fl, struct smm_page, lru);
			spin_unlock(&z->lock);
		}
	}
	KUNIT_ASSERT_NOT_NULL(test, head);
	k--;
	pfn = smm_page_to_pfn(&inst->arena, head);
	/* Start the batch inside the block, so the head is found below it. */
	n = min_t(unsigned long, (1U << k) + 1, smm_pfninfo_max_pfn(inst) - pfn - 1);
	smm_pfninfo_fill(inst, pfn + 1, n, recs, true);
	for (i = 0; i + 1 < (1U << k); i++) {
		KUNIT_EXPECT_EQ_MSG(test, recs[i].owner, SMM_PFN_BUDDY, "pfn %#lx", pfn + 1 + i);
		KUNIT_EXPECT_EQ_MSG(test, recs[i].order, (s8)k, "pfn %#lx", pfn + 1 + i);
		KUNIT_EXPECT_TRUE(test, recs[i].kpf & BIT_ULL(KPF_BUDDY));
		KUNIT_EXPECT_FALSE(test, recs[i].kpf & (BIT_ULL(KPF_COMPOUND_HEAD) |
							BIT_ULL(KPF_COMPOUND_TAIL)));
	}

	smm_pfninfo_fill(inst, pfn, 1, recs, true);
	KUNIT_EXPECT_EQ(test, recs[0].order, (s8)k);
	KUNIT_EXPECT_TRUE(test, recs[0].block_head);
	KUNIT_EXPECT_EQ(test, recs[0].kpf, BIT_ULL(KPF_BUDDY));
	kunit_info(test, "block of order %u at pfn %#lx in %s\n", k, pfn, z->name);
}

/*
 * A slab page: KPF_SLAB and its cache's name; a large kmalloc of order 3:
 * owner slab, "kmalloc-large", a compound head and seven tails, no
 * KPF_SLAB, as the kernel's large kmalloc is a plain compound page.
 */
static void pfn_test_slab_pages(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLAB);
	struct smm_pfninfo *recs;
	struct smm_kmem_cache *s;
	struct smm_page *head;
	char line[SMM_PFNMAP_LINE_LEN], want[SMM_PFNMAP_LINE_LEN];
	unsigned long pfn;
	void *obj, *big;
	unsigned int i, order;

	recs = kunit_kcalloc(test, SMM_PFNINFO_BATCH, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	s = smm_kmem_cache_create(&inst->slab, "pfn_test", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	obj = smm_kmem_cache_alloc(s, SMM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	head = smm_slab_virt_to_head(&inst->slab, obj);
	KUNIT_ASSERT_NOT_NULL(test, head);
	pfn = smm_page_to_pfn(&inst->arena, head);
	order = s->order;
	smm_pfninfo_fill(inst, pfn, 1U << order, recs, true);
	for (i = 0; i < (1U << order); i++) {
		KUNIT_EXPECT_EQ(test, recs[i].owner, SMM_PFN_SLAB);
		KUNIT_EXPECT_STREQ(test, recs[i].detail, "pfn_test");
		KUNIT_EXPECT_TRUE(test, recs[i].kpf & BIT_ULL(KPF_SLAB));
		KUNIT_EXPECT_EQ(test, recs[i].order, (s8)order);
	}
	smm_pfnmap_format(line, sizeof(line), inst, pfn, &recs[0]);
	snprintf(want, sizeof(want), "%#lx %s usable slab %u pfn_test\n", pfn,
		 inst->buddy.zones[smm_page_zonenum(head)].name, order);
	KUNIT_EXPECT_STREQ(test, line, want);

	big = smm_kmalloc(&inst->slab, 20000, SMM_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	head = smm_slab_virt_to_head(&inst->slab, big);
	KUNIT_ASSERT_NOT_NULL(test, head);
	pfn = smm_page_to_pfn(&inst->arena, head);
	smm_pfninfo_fill(inst, pfn, 8, recs, true);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_EQ(test, recs[i].owner, SMM_PFN_SLAB);
		KUNIT_EXPECT_STREQ(test, recs[i].detail, "kmalloc-large");
		KUNIT_EXPECT_EQ(test, recs[i].order, 3);
		KUNIT_EXPECT_FALSE(test, recs[i].kpf & BIT_ULL(KPF_SLAB));
		KUNIT_EXPECT_TRUE(test, recs[i].kpf &
				  BIT_ULL(i ? KPF_COMPOUND_TAIL : KPF_COMPOUND_HEAD));
	}
	KUNIT_EXPECT_EQ(test, smm_kfree(&inst->slab, big), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, obj), 0);
}

/*
 * Holes: a PFN with no memory is KPF_NOPAGE, owner hole, no zone; the ISA
 * hole [0xa0000, 0xf0000), memory that no e820 range lists, is owner hole
 * in the e820 hole, but it has descriptors: reserved, not NOPAGE.
 */
static void pfn_test_holes(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit", .arena_mb = 16, .source = SMM_ARENA_CHUNKS,
		.chunk_order = 8, .slab = SMM_SLAB_SLUB,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);
	unsigned long max = smm_pfninfo_max_pfn(inst), pfn, holes = 0;
	struct smm_pfninfo *recs;
	char line[SMM_PFNMAP_LINE_LEN], want[SMM_PFNMAP_LINE_LEN];
	unsigned int i, nr;

	recs = kunit_kcalloc(test, SMM_PFNINFO_BATCH, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	for (pfn = 0; pfn < max; pfn += nr) {
		nr = min_t(unsigned long, SMM_PFNINFO_BATCH, max - pfn);
		smm_pfninfo_fill(inst, pfn, nr, recs, true);
		for (i = 0; i < nr; i++) {
			bool valid = smm_arena_pfn_valid(&inst->arena, pfn + i);

			KUNIT_EXPECT_EQ(test, !!(recs[i].kpf & BIT_ULL(KPF_NOPAGE)), !valid);
			if (valid)
				continue;
			holes++;
			KUNIT_EXPECT_EQ(test, recs[i].kpf, BIT_ULL(KPF_NOPAGE));
			KUNIT_EXPECT_EQ(test, recs[i].owner, SMM_PFN_HOLE);
			KUNIT_EXPECT_EQ(test, recs[i].zone, SMM_NR_ZONES);
			if (holes == 1) {
				smm_pfnmap_format(line, sizeof(line), inst, pfn + i, &recs[i]);
				/* Zone "-", e820 hole, owner hole, no order, no detail. */
				snprintf(want, sizeof(want), " - hole %s - -\n",
					 smm_pfn_owner_name(SMM_PFN_HOLE));
				KUNIT_EXPECT_STREQ(test, strchr(line, ' '), want);
			}
		}
	}
	smm_pfninfo_fill(inst, 0xa0, 0x50, recs, true);
	for (i = 0; i < 0x50; i++) {
		KUNIT_EXPECT_EQ(test, recs[i].owner, SMM_PFN_HOLE);
		KUNIT_EXPECT_EQ(test, recs[i].e820, 0);
		KUNIT_EXPECT_EQ(test, recs[i].zone, SMM_ZONE_DMA);
		KUNIT_EXPECT_EQ(test, recs[i].kpf, BIT_ULL(KPF_RESERVED));
	}
	kunit_info(test, "%lu PFNs, %lu of them in holes\n", max, holes);
}

/* fs/proc/page.c's rules: multiples of 8 only, short at the end, 0 past it. */
static void pfn_test_kpage_range(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 8, SMM_SLAB_SLUB);
	unsigned long max = smm_pfninfo_max_pfn(inst), pfn, nr;

	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, 4, 8, &pfn, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, 1, 64, &pfn, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, 0, 7, &pfn, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, 8, 12, &pfn, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, 16, 64, &pfn, &nr), 0);
	KUNIT_EXPECT_EQ(test, pfn, 2UL);
	KUNIT_EXPECT_EQ(test, nr, 8UL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, (max - 2) * 8, 64, &pfn, &nr), 0);
	KUNIT_EXPECT_EQ(test, pfn, max - 2);
	KUNIT_EXPECT_EQ(test, nr, 2UL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, max * 8, 64, &pfn, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0UL);
	KUNIT_EXPECT_EQ(test, smm_kpage_range(inst, (max + 5) * 8, 8, &pfn, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0UL);
}

/*
 * The pages with KPF_BUDDY are the zones' free areas (buddyinfo's blocks
 * times their sizes), and those with KPF_SLAB the caches' slabs
 * (slabinfo's pages): the slab pages but the large kmallocs.
 */
static void pfn_test_kpageflags_vs_buddyinfo_slabinfo(struct kunit *test)
{
	struct smm_instance *inst = smm_test_instance(test, 16, SMM_SLAB_SLAB);
	struct pfn_census *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned long blocks = 0, srecl, sunrecl, large;
	unsigned int zi, o;

	KUNIT_ASSERT_NOT_NULL(test, c);
	workload(test, inst);
	census(test, inst, c);
	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_zone *z = &inst->buddy.zones[zi];

		spin_lock(&z->lock);
		for (o = 0; o < inst->buddy.max_order; o++)
			blocks += z->free_area[o].nr_free << o;
		spin_unlock(&z->lock);
	}
	smm_slab_meminfo(&inst->slab, &srecl, &sunrecl);
	large = atomic_long_read(&inst->slab.large_pages);
	KUNIT_EXPECT_EQ(test, large, 8UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_BUDDY], blocks);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_SLAB], srecl + sunrecl - large);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_COMPOUND_HEAD] >= 1, true);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_MMAP], 0UL);
	kunit_info(test, "%lu buddy pages, %lu slab pages\n", blocks, c->kpf[KPF_SLAB]);
}

/* The record of one page. */
static void rec_of_page(struct smm_instance *inst, struct smm_page *page,
			struct smm_pfninfo *r)
{
	smm_pfninfo_fill(inst, smm_page_to_pfn(&inst->arena, page), 1, r, true);
}

/* A shared object's user page: shmem, swap-backed but not anonymous. */
#define KPF_SHMEM	(BIT_ULL(KPF_SWAPBACKED) | BIT_ULL(KPF_UPTODATE) | BIT_ULL(KPF_LRU))
/* A private object's: anonymous too. */
#define KPF_USER	(KPF_SHMEM | BIT_ULL(KPF_ANON))

/*
 * Stand-ins for the fault layer's objects (&struct smm_fmap, private to
 * fault.c), which smm_fault_page_shared() reads only the bool ``shared``
 * of: a page of zeros is a private object and a page of 0x01 bytes a
 * shared one, wherever the layout puts the field (the structure is far
 * smaller than a page).
 */
static void *fake_fmap(struct kunit *test, bool shared)
{
	void *fm = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fm);
	memset(fm, shared ? 0x01 : 0, PAGE_SIZE);
	return fm;
}

/*
 * User pages, as the fault layer leaves their descriptors (its objects
 * and processes are its own, static in fault.c, so the descriptors are
 * set here as upage_init(), fork, smm_lru_add() and the swap-in leave
 * them, with stand-in objects): a private object's page mapped twice is
 * MMAP, ANON, SWAPBACKED, UPTODATE and LRU with a kpagecount of 2; a
 * shared object's page is the same without ANON (shmem), and one that
 * nobody maps is not MMAP either and counts 0; ACTIVE and REFERENCED
 * mirror the LRU's bits; a private page in the swap cache has SWAPCACHE,
 * ANON and owner swapcache; and none of it is left once the pages are
 * freed.
 */
static void pfn_test_user_pages(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
		.swap_mb = 1,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);
	struct smm_vmscan *vs = &inst->vmscan;
	struct pfn_census *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	void *priv = fake_fmap(test, false), *shared = fake_fmap(test, true);
	struct smm_page *pg[5];
	struct smm_pfninfo r;
	unsigned long slot;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < ARRAY_SIZE(pg); i++) {
		pg[i] = smm_alloc_pages(&inst->buddy, SMM_GFP_HIGHUSER, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(pg[i]));
	}
	/* Before they are user pages: plain allocations, no user bit. */
	rec_of_page(inst, pg[0], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_ALLOC);
	KUNIT_EXPECT_EQ(test, r.kpf, 0ULL);
	KUNIT_EXPECT_EQ(test, r.count, 0ULL);

	/*
	 * 0: private, mapped by two processes (a fork); 1: a shared object's,
	 * unmapped; 2, 3: private, mapped once; 4: shared, mapped twice.
	 */
	pg[0]->refcount = 2;
	pg[1]->refcount = 0;
	pg[2]->refcount = 1;
	pg[3]->refcount = 1;
	pg[4]->refcount = 2;
	for (i = 0; i < ARRAY_SIZE(pg); i++)
		pg[i]->mapping = i == 1 || i == 4 ? shared : priv;
	/* On no list: no user page, whatever its mapping says. */
	spin_lock(&vs->lru_lock);
	KUNIT_EXPECT_FALSE(test, smm_fault_page_shared(vs, pg[1]));
	spin_unlock(&vs->lru_lock);
	for (i = 0; i < ARRAY_SIZE(pg); i++)
		smm_lru_add(vs, pg[i]);
	spin_lock(&vs->lru_lock);
	KUNIT_EXPECT_FALSE(test, smm_fault_page_shared(vs, pg[0]));
	KUNIT_EXPECT_TRUE(test, smm_fault_page_shared(vs, pg[1]));
	spin_unlock(&vs->lru_lock);
	slot = smm_swap_alloc(&inst->swap);
	KUNIT_ASSERT_NE(test, slot, 0UL);
	KUNIT_ASSERT_EQ(test, smm_swap_cache_add(&inst->swap, slot, pg[3]), 0);
	/* The flags alone, not the lists: cleared again before smm_lru_del(). */
	spin_lock(&vs->lru_lock);
	smm_page_set(pg[2], SMM_PG_ACTIVE);
	smm_page_set(pg[2], SMM_PG_REFERENCED);
	spin_unlock(&vs->lru_lock);

	rec_of_page(inst, pg[0], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
	KUNIT_EXPECT_EQ(test, r.kpf, KPF_USER | BIT_ULL(KPF_MMAP));
	KUNIT_EXPECT_EQ(test, r.count, 2ULL);
	KUNIT_EXPECT_EQ(test, r.order, 0);	/* an allocated order-0 block */

	rec_of_page(inst, pg[1], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
	KUNIT_EXPECT_EQ(test, r.kpf, KPF_SHMEM);
	KUNIT_EXPECT_EQ(test, r.count, 0ULL);

	rec_of_page(inst, pg[2], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
	KUNIT_EXPECT_EQ(test, r.kpf, KPF_USER | BIT_ULL(KPF_MMAP) | BIT_ULL(KPF_ACTIVE) |
			BIT_ULL(KPF_REFERENCED));
	KUNIT_EXPECT_EQ(test, r.count, 1ULL);

	rec_of_page(inst, pg[3], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_SWAPCACHE);
	KUNIT_EXPECT_EQ(test, r.kpf, KPF_USER | BIT_ULL(KPF_MMAP) | BIT_ULL(KPF_SWAPCACHE));
	KUNIT_EXPECT_EQ(test, r.count, 1ULL);

	rec_of_page(inst, pg[4], &r);
	KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
	KUNIT_EXPECT_EQ(test, r.kpf, KPF_SHMEM | BIT_ULL(KPF_MMAP));
	KUNIT_EXPECT_EQ(test, r.count, 2ULL);

	/* The whole span: these five and nothing else. */
	census(test, inst, c);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_LRU], 5UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_SWAPBACKED], 5UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_ANON], 3UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_MMAP], 4UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_ACTIVE], 1UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_REFERENCED], 1UL);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_SWAPCACHE], 1UL);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_USER], 4UL);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_SWAPCACHE], 1UL);

	/* Freed as upage_free() frees them: out of the cache, off the LRU. */
	smm_swap_cache_del(&inst->swap, slot);
	KUNIT_EXPECT_EQ(test, smm_swap_free(&inst->swap, slot), 0);
	spin_lock(&vs->lru_lock);
	smm_page_clear(pg[2], SMM_PG_ACTIVE);
	spin_unlock(&vs->lru_lock);
	for (i = 0; i < ARRAY_SIZE(pg); i++) {
		smm_lru_del(vs, pg[i]);
		pg[i]->mapping = NULL;
		pg[i]->refcount = 1;
		KUNIT_EXPECT_EQ(test, smm_free_pages(&inst->buddy, pg[i], 0), 0);
	}
	census(test, inst, c);
	KUNIT_EXPECT_EQ(test, c->kpf[KPF_LRU] + c->kpf[KPF_ANON] + c->kpf[KPF_MMAP] +
			c->kpf[KPF_SWAPCACHE] + c->kpf[KPF_UPTODATE] + c->kpf[KPF_SWAPBACKED], 0UL);
	KUNIT_EXPECT_EQ(test, c->owners[SMM_PFN_USER] + c->owners[SMM_PFN_SWAPCACHE], 0UL);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

static struct kunit_case pfninfo_test_cases[] = {
	KUNIT_CASE(pfn_test_owners_match_memmap),
	KUNIT_CASE(pfn_test_buddy_block),
	KUNIT_CASE(pfn_test_slab_pages),
	KUNIT_CASE(pfn_test_holes),
	KUNIT_CASE(pfn_test_kpage_range),
	KUNIT_CASE(pfn_test_kpageflags_vs_buddyinfo_slabinfo),
	KUNIT_CASE(pfn_test_user_pages),
	{}
};

static struct kunit_suite pfninfo_test_suite = {
	.name = "shadow_mm_pfn",
	.test_cases = pfninfo_test_cases,
};

kunit_test_suite(pfninfo_test_suite);
