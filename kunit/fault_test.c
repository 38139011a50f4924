// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_fault": the shadow half of the fault layer, fork's
 * copy, the unmap and the reverse map, with no host process behind them.
 *
 * Included at the end of shadow_mm/fault.c (under CONFIG_KUNIT), so that it
 * calls the layer's static functions.  Each case brings up an instance of
 * its own (16 MiB, the upper half HighMem, 1 MiB of swap) and a fault
 * device of the test's own over it, not registered, whose reverse map is
 * the instance's reclaim's.  Objects are made as smm_dev_mmap() makes them;
 * processes are links keyed by the address of a static char (umm_get()
 * with a NULL task: the key is never dereferenced); a fault is
 * shadow_fault() as handle_fault() calls it, without the host PTE; a fork
 * is what smm_vma_open() does for a child, an unmap what smm_vma_close()
 * does.  Page contents are written and read through the host's direct map
 * of the arena, HighMem pages too (the swap suite does the same).
 *
 * The cases: _mapcount through fork, copy-on-write and reuse of a private
 * object, and the unmap of either process; a shared object's fork, which
 * shares and never copies; swap entries in both processes' tables after
 * rmap_swapout(), the swap cache between their faults, and the slot counts
 * given back by the unmap; a shared object's page in swap, kept by the
 * object; the poisoned entry fork leaves for a count that would overflow;
 * rmap_referenced() and the accessed bit; a swap-in that cannot take the
 * swap cache's reference.  Each case ends by checking that every page went
 * back to the buddy allocator, every swap slot was freed and the device
 * has no object or process left.
 */

#include <kunit/test.h>
#include <linux/mm.h>

#include <uapi/linux/kernel-page-flags.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/pfninfo.h"

/* Where the test's objects live: any canonical user address will do. */
#define FT_START	0x40000000UL
#define FT_PAGES	8
#define FT_ADDR(i)	(FT_START + ((unsigned long)(i) << PAGE_SHIFT))
#define FT_RW		(VM_READ | VM_WRITE)

/* The processes: keys that are never dereferenced. */
static char ft_parent_key, ft_child_key;
#define FT_PARENT	((struct mm_struct *)&ft_parent_key)
#define FT_CHILD	((struct mm_struct *)&ft_child_key)

/**
 * struct ft - one case's instance and device
 * @test: the case
 * @inst: its instance
 * @dev: a fault device over @inst, never registered
 * @free0: the buddy allocator's free pages before the case
 */
struct ft {
	struct kunit *test;
	struct smm_instance *inst;
	struct smm_fault_dev *dev;
	unsigned long free0;
};

static void ft_unmap(struct ft *f, struct smm_fmap *fm, struct mm_struct *key);

/* The device goes before the instance: whatever a failed case left, first. */
static void ft_teardown(void *p)
{
	struct ft *f = p;

	fault_test_dev_release(f->dev);
}

static struct ft *ft_setup(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = 8,
		.slab = SMM_SLAB_SLUB,
		.swap_mb = 1,
	};
	struct smm_fault_dev *dev;
	struct ft *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	f->test = test;
	f->dev = dev;
	f->inst = smm_test_new_instance(test, &p);
	dev->inst = f->inst;
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->maps);
	INIT_LIST_HEAD(&dev->mms);
	KUNIT_ASSERT_EQ(test, percpu_init_rwsem(&dev->quiesce), 0);
	smm_vmscan_set_rmap(&f->inst->vmscan, &smm_rmap, dev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ft_teardown, f), 0);
	smm_drain_pages(&f->inst->buddy);
	f->free0 = smm_buddy_free_pages(&f->inst->buddy);
	return f;
}

/* Nothing left: every page back in the buddy allocator, every slot free. */
static void ft_expect_clean(struct ft *f)
{
	struct kunit *test = f->test;
	struct smm_instance *inst = f->inst;

	smm_drain_pages(&inst->buddy);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), f->free0);
	KUNIT_EXPECT_EQ(test, inst->swap.inuse_pages, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_cache_pages(&inst->swap), 0UL);
	KUNIT_EXPECT_EQ(test, smm_lru_pages(&inst->vmscan, SMM_LRU_INACTIVE_ANON) +
			smm_lru_pages(&inst->vmscan, SMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&f->dev->maps));
	KUNIT_EXPECT_TRUE(test, list_empty(&f->dev->mms));
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

static long ft_stat(struct ft *f, enum smm_fault_stat item)
{
	return atomic_long_read(&f->dev->stats[item]);
}

/* smm_dev_mmap(): an object of @pages pages at FT_START, mapped by @key. */
static struct smm_fmap *ft_mmap(struct ft *f, struct mm_struct *key, unsigned int pages,
				bool shared)
{
	struct smm_fmap *fm = smm_fault_test_mmap(f->dev, key, FT_START, pages, shared);

	KUNIT_ASSERT_NOT_NULL(f->test, fm);
	KUNIT_ASSERT_EQ(f->test, fm->end, FT_ADDR(pages));
	return fm;
}

/* smm_vma_open() for fork: @child gets a copy of @parent's whole VMA. */
static void ft_fork(struct ft *f, struct smm_fmap *fm, struct mm_struct *parent,
		    struct mm_struct *child)
{
	struct smm_flink *l, *pl;
	bool copied = false;

	percpu_down_read(&f->dev->quiesce);
	mutex_lock(&fm->lock);
	fm->vmas++;
	pl = find_link(fm, parent);
	l = link_get(fm, child, NULL);
	if (l) {
		l->vmas++;
		if (pl)
			copied = copy_range(fm, pl->umm, l->umm, fm->start, fm->end);
		l->lost = !copied;
	}
	mutex_unlock(&fm->lock);
	percpu_up_read(&f->dev->quiesce);
	KUNIT_ASSERT_NOT_NULL(f->test, pl);
	KUNIT_ASSERT_NOT_NULL(f->test, l);
	KUNIT_ASSERT_TRUE(f->test, copied);
}

/* smm_vma_close() of @key's whole VMA, without a host VMA. */
static void ft_unmap(struct ft *f, struct smm_fmap *fm, struct mm_struct *key)
{
	smm_fault_test_unmap(fm, key);
}

/* handle_fault() without the host: 0 and the PFN mapped, or the error. */
static int ft_fault(struct ft *f, struct smm_fmap *fm, struct mm_struct *key,
		    unsigned long addr, bool write, unsigned long *pfn)
{
	const char *why = NULL;
	bool writable, replace;
	struct smm_flink *l;
	unsigned long p = 0;
	int err = -ESRCH;

	percpu_down_read(&f->dev->quiesce);
	mutex_lock(&fm->lock);
	l = find_link(fm, key);
	if (l)
		err = shadow_fault(fm, l, addr, fm->end, FT_RW, write, &p, &writable, &replace,
				   &why);
	mutex_unlock(&fm->lock);
	percpu_up_read(&f->dev->quiesce);
	if (pfn)
		*pfn = err ? 0 : p;
	return err;
}

/* A fault that must succeed; returns the PFN. */
static unsigned long ft_fault_ok(struct ft *f, struct smm_fmap *fm, struct mm_struct *key,
				 unsigned long addr, bool write)
{
	unsigned long pfn;

	KUNIT_ASSERT_EQ(f->test, ft_fault(f, fm, key, addr, write, &pfn), 0);
	KUNIT_ASSERT_NE(f->test, pfn, 0UL);
	return pfn;
}

/* The process of @key in @fm. */
static struct smm_umm *ft_umm(struct ft *f, struct smm_fmap *fm, struct mm_struct *key)
{
	struct smm_flink *l;

	mutex_lock(&fm->lock);
	l = find_link(fm, key);
	mutex_unlock(&fm->lock);
	KUNIT_ASSERT_NOT_NULL(f->test, l);
	return l->umm;
}

/* @key's shadow entry at @addr; 0 if it has none (or no table there). */
static u64 ft_pte(struct ft *f, struct smm_fmap *fm, struct mm_struct *key, unsigned long addr)
{
	struct smm_umm *umm = ft_umm(f, fm, key);
	struct smm_pte_ref ref;
	u64 pte = 0;

	if (!smm_pgtable_pte_lookup(&umm->pt, addr, &ref)) {
		pte = *ref.pte;
		smm_pgtable_pte_unlock(&umm->pt, &ref);
	}
	return pte;
}

static struct smm_page *ft_page(struct ft *f, unsigned long pfn)
{
	return smm_pfn_to_page(&f->inst->arena, pfn);
}

static void *ft_virt(struct ft *f, unsigned long pfn)
{
	return smm_arena_pfn_to_virt(&f->inst->arena, pfn);
}

static void ft_fill(struct ft *f, unsigned long pfn, unsigned long tag)
{
	smm_test_fill_page(ft_virt(f, pfn), tag);
}

/* The page at @pfn holds @tag's pattern. */
static void ft_expect_data(struct ft *f, unsigned long pfn, unsigned long tag)
{
	KUNIT_EXPECT_EQ_MSG(f->test, smm_test_page_mismatch(ft_virt(f, pfn), tag), -1,
			    "pfn %#lx, pattern %lu", pfn, tag);
}

/* rmap_referenced() under rmap_lock(), as reclaim calls it. */
static int ft_referenced(struct ft *f, struct smm_page *page)
{
	void *cookie = rmap_lock(f->dev, page);
	int n;

	KUNIT_ASSERT_NOT_NULL(f->test, cookie);
	n = rmap_referenced(f->dev, page);
	rmap_unlock(f->dev, cookie);
	return n;
}

/* rmap_swapout() under rmap_lock(). */
static int ft_swapout(struct ft *f, struct smm_page *page)
{
	void *cookie = rmap_lock(f->dev, page);
	int ret;

	KUNIT_ASSERT_NOT_NULL(f->test, cookie);
	ret = rmap_swapout(f->dev, page);
	rmap_unlock(f->dev, cookie);
	return ret;
}

/* @n pages written by @key, page i with pattern 100 + i; their PFNs in @pfns. */
static void ft_populate(struct ft *f, struct smm_fmap *fm, struct mm_struct *key,
			unsigned int n, unsigned long *pfns)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		pfns[i] = ft_fault_ok(f, fm, key, FT_ADDR(i), true);
		ft_fill(f, pfns[i], 100 + i);
	}
}

/* Private object: _mapcount through fork, a COW copy, a reuse, the unmaps. */
static void fault_test_private_fork_cow(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	struct smm_vmstat *vms = &f->inst->vmstat;
	unsigned long pfn[FT_PAGES], cpfn0, cpfn1, p;
	unsigned long cow_events;
	long copies, reuses, mapped, returned;
	struct smm_fmap *fm;
	unsigned int i;
	u64 pte, cpte;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, false);
	ft_populate(f, fm, FT_PARENT, FT_PAGES, pfn);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_FAULTS), (long)FT_PAGES);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_MAPPED), (long)FT_PAGES);
	KUNIT_EXPECT_EQ(test, fm->resident, (unsigned long)FT_PAGES);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_PARENT)->rss), (long)FT_PAGES);
	for (i = 0; i < FT_PAGES; i++) {
		pte = ft_pte(f, fm, FT_PARENT, FT_ADDR(i));
		KUNIT_EXPECT_EQ(test, ft_page(f, pfn[i])->refcount, 1);
		KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_PRESENT);
		KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_RW);
		KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_DIRTY);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(pte), pfn[i]);
		KUNIT_EXPECT_PTR_EQ(test, ft_page(f, pfn[i])->mapping, (void *)fm);
		KUNIT_EXPECT_EQ(test, upage_vpn(ft_page(f, pfn[i])), FT_ADDR(i) >> PAGE_SHIFT);
	}

	/* fork: one more mapping each, read-only in both tables. */
	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_CHILD)->rss), (long)FT_PAGES);
	for (i = 0; i < FT_PAGES; i++) {
		pte = ft_pte(f, fm, FT_PARENT, FT_ADDR(i));
		cpte = ft_pte(f, fm, FT_CHILD, FT_ADDR(i));
		KUNIT_EXPECT_EQ(test, ft_page(f, pfn[i])->refcount, 2);
		KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_PRESENT);
		KUNIT_EXPECT_TRUE(test, cpte & SMM_PTE_PRESENT);
		KUNIT_EXPECT_FALSE(test, pte & SMM_PTE_RW);
		KUNIT_EXPECT_FALSE(test, cpte & SMM_PTE_RW);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(pte), pfn[i]);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(cpte), pfn[i]);
	}
	KUNIT_EXPECT_EQ(test, fm->resident, (unsigned long)FT_PAGES);

	/* A read by the child maps the same page, still read-only. */
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(2), false), pfn[2]);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(2)) & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[2])->refcount, 2);

	/* The child writes page 0: a copy, with the parent's contents. */
	copies = ft_stat(f, SMM_FAULT_COW_COPY);
	reuses = ft_stat(f, SMM_FAULT_COW_REUSE);
	cow_events = smm_vm_events_sum(vms, SMM_COW_FAULT);
	mapped = ft_stat(f, SMM_FAULT_MAPPED);
	cpfn0 = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), true);
	KUNIT_EXPECT_NE(test, cpfn0, pfn[0]);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), copies + 1);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_REUSE), reuses);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_MAPPED), mapped + 1);
	KUNIT_EXPECT_EQ(test, smm_vm_events_sum(vms, SMM_COW_FAULT), cow_events + 1);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[0])->refcount, 1);
	KUNIT_EXPECT_EQ(test, ft_page(f, cpfn0)->refcount, 1);
	KUNIT_EXPECT_PTR_EQ(test, ft_page(f, cpfn0)->mapping, (void *)fm);
	cpte = ft_pte(f, fm, FT_CHILD, FT_ADDR(0));
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(cpte), cpfn0);
	KUNIT_EXPECT_TRUE(test, cpte & SMM_PTE_RW);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_RW);
	ft_expect_data(f, cpfn0, 100);
	ft_fill(f, cpfn0, 200);
	ft_expect_data(f, pfn[0], 100);
	KUNIT_EXPECT_EQ(test, fm->resident, FT_PAGES + 1UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_CHILD)->rss), (long)FT_PAGES);

	/* The parent writes page 0: the last user, it reuses the page. */
	mapped = ft_stat(f, SMM_FAULT_MAPPED);
	p = ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), true);
	KUNIT_EXPECT_EQ(test, p, pfn[0]);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_REUSE), reuses + 1);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), copies + 1);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_MAPPED), mapped);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[0])->refcount, 1);
	ft_expect_data(f, pfn[0], 100);

	/* The child copies page 1 too: two pages are the child's alone. */
	cpfn1 = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(1), true);
	KUNIT_EXPECT_NE(test, cpfn1, pfn[1]);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), copies + 2);
	ft_expect_data(f, cpfn1, 101);
	/* The parent's page 1 is its own now but stays read-only until it writes. */
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[1])->refcount, 1);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(1)) & SMM_PTE_RW);

	/* The child goes: its two copies are freed, the shared pages stay. */
	returned = ft_stat(f, SMM_FAULT_RETURNED);
	ft_unmap(f, fm, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned + 2);
	KUNIT_EXPECT_EQ(test, fm->resident, (unsigned long)FT_PAGES);
	KUNIT_EXPECT_EQ(test, fm->vmas, 1U);
	for (i = 0; i < FT_PAGES; i++) {
		KUNIT_EXPECT_EQ(test, ft_page(f, pfn[i])->refcount, 1);
		ft_expect_data(f, pfn[i], 100 + i);
	}

	/* Its last user, the parent reuses page 3 on a write. */
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(3), true), pfn[3]);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_REUSE), reuses + 2);

	ft_unmap(f, fm, FT_PARENT);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned + 2 + FT_PAGES);
	ft_expect_clean(f);
}

/* Shared object: fork shares, a write copies nothing, the last unmap frees. */
static void fault_test_shared_fork(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	unsigned long pfn[FT_PAGES], p;
	long copies, returned;
	struct smm_fmap *fm;
	unsigned int i;
	u64 pte, cpte;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, true);
	/* Only the first half is touched before the fork. */
	ft_populate(f, fm, FT_PARENT, FT_PAGES / 2, pfn);
	for (i = 0; i < FT_PAGES / 2; i++)
		KUNIT_EXPECT_PTR_EQ(test, xa_load(&fm->pages, i), (void *)ft_page(f, pfn[i]));

	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	for (i = 0; i < FT_PAGES / 2; i++) {
		pte = ft_pte(f, fm, FT_PARENT, FT_ADDR(i));
		cpte = ft_pte(f, fm, FT_CHILD, FT_ADDR(i));
		KUNIT_EXPECT_EQ(test, ft_page(f, pfn[i])->refcount, 2);
		KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_RW);
		KUNIT_EXPECT_TRUE(test, cpte & SMM_PTE_RW);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(cpte), pfn[i]);
		KUNIT_EXPECT_EQ(test, smm_pte_pfn(pte), pfn[i]);
	}
	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(FT_PAGES / 2)), 0ULL);

	/* The child writes: no copy, the same page, which the parent sees. */
	copies = ft_stat(f, SMM_FAULT_COW_COPY);
	p = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), true);
	KUNIT_EXPECT_EQ(test, p, pfn[0]);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), copies);
	ft_fill(f, p, 300);
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(ft_pte(f, fm, FT_PARENT, FT_ADDR(0))), p);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[0])->refcount, 2);

	/* A page first touched by the child after the fork is the parent's too. */
	pfn[FT_PAGES / 2] = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(FT_PAGES / 2), true);
	ft_fill(f, pfn[FT_PAGES / 2], 301);
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(FT_PAGES / 2), false),
			pfn[FT_PAGES / 2]);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[FT_PAGES / 2])->refcount, 2);
	KUNIT_EXPECT_EQ(test, fm->resident, FT_PAGES / 2 + 1UL);

	/* One process goes: the object keeps every page. */
	returned = ft_stat(f, SMM_FAULT_RETURNED);
	ft_unmap(f, fm, FT_PARENT);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned);
	KUNIT_EXPECT_EQ(test, fm->resident, FT_PAGES / 2 + 1UL);
	for (i = 0; i <= FT_PAGES / 2; i++)
		KUNIT_EXPECT_EQ(test, ft_page(f, pfn[i])->refcount, 1);
	ft_expect_data(f, pfn[0], 300);
	ft_expect_data(f, pfn[1], 101);
	ft_expect_data(f, pfn[FT_PAGES / 2], 301);

	/* The last one goes: all of them. */
	ft_unmap(f, fm, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned + FT_PAGES / 2 + 1);
	ft_expect_clean(f);
}

/*
 * kpageflags of real objects: a MAP_SHARED object's pages are shmem
 * (SWAPBACKED without ANON), a MAP_PRIVATE one's anonymous, copy-on-write
 * copies included; kpagecount is each page's mapcount.  The pfninfo suite
 * can only build stand-ins for the objects; these are smm_dev_mmap()'s.
 */
static void fault_test_kpageflags(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	unsigned long ppfn[4], spfn[4], cow;
	struct smm_vmscan *vs = &f->inst->vmscan;
	struct smm_fmap *priv, *shared;
	struct smm_pfninfo r;
	unsigned int i;
	const u64 anon = BIT_ULL(KPF_ANON) | BIT_ULL(KPF_SWAPBACKED);

	/* Two processes, one object each, at the same address. */
	priv = ft_mmap(f, FT_PARENT, 4, false);
	ft_populate(f, priv, FT_PARENT, 4, ppfn);
	shared = ft_mmap(f, FT_CHILD, 4, true);
	ft_populate(f, shared, FT_CHILD, 4, spfn);

	for (i = 0; i < 4; i++) {
		spin_lock(&vs->lru_lock);
		KUNIT_EXPECT_FALSE(test, smm_fault_page_shared(vs, ft_page(f, ppfn[i])));
		KUNIT_EXPECT_TRUE(test, smm_fault_page_shared(vs, ft_page(f, spfn[i])));
		spin_unlock(&vs->lru_lock);

		smm_pfninfo_fill(f->inst, ppfn[i], 1, &r, false);
		KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
		KUNIT_EXPECT_EQ(test, r.kpf & anon, anon);
		KUNIT_EXPECT_TRUE(test, r.kpf & BIT_ULL(KPF_MMAP));
		KUNIT_EXPECT_EQ(test, r.count, 1ULL);

		smm_pfninfo_fill(f->inst, spfn[i], 1, &r, false);
		KUNIT_EXPECT_EQ(test, r.owner, SMM_PFN_USER);
		KUNIT_EXPECT_EQ(test, r.kpf & anon, BIT_ULL(KPF_SWAPBACKED));
		KUNIT_EXPECT_TRUE(test, r.kpf & BIT_ULL(KPF_MMAP));
		KUNIT_EXPECT_EQ(test, r.count, 1ULL);
	}

	/* The shared object's last mapping goes, and its pages with it. */
	ft_unmap(f, shared, FT_CHILD);
	smm_pfninfo_fill(f->inst, spfn[0], 1, &r, false);
	KUNIT_EXPECT_NE(test, r.owner, SMM_PFN_USER);
	KUNIT_EXPECT_EQ(test, r.kpf & (anon | BIT_ULL(KPF_MMAP)), 0ULL);

	/* A fork maps the private pages twice; a write copies one, still anonymous. */
	ft_fork(f, priv, FT_PARENT, FT_CHILD);
	smm_pfninfo_fill(f->inst, ppfn[0], 1, &r, false);
	KUNIT_EXPECT_EQ(test, r.count, 2ULL);
	cow = ft_fault_ok(f, priv, FT_CHILD, FT_ADDR(0), true);
	KUNIT_EXPECT_NE(test, cow, ppfn[0]);
	smm_pfninfo_fill(f->inst, cow, 1, &r, false);
	KUNIT_EXPECT_EQ(test, r.kpf & anon, anon);
	KUNIT_EXPECT_EQ(test, r.count, 1ULL);
	smm_pfninfo_fill(f->inst, ppfn[0], 1, &r, false);
	KUNIT_EXPECT_EQ(test, r.count, 1ULL);

	ft_unmap(f, priv, FT_CHILD);
	ft_unmap(f, priv, FT_PARENT);
	ft_expect_clean(f);
}

/* Private object: swap entries in both processes, the swap cache, the counts. */
static void fault_test_private_swap(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	struct smm_swap *swap = &f->inst->swap;
	unsigned long pfn[2], slot, slot1, p, ppfn;
	struct smm_umm *pumm, *cumm;
	long returned, swapins;
	struct smm_fmap *fm;
	u64 pte, cpte;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, false);
	ft_populate(f, fm, FT_PARENT, 2, pfn);
	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	pumm = ft_umm(f, fm, FT_PARENT);
	cumm = ft_umm(f, fm, FT_CHILD);

	/* Page 0 out: the same swap entry in both tables, the page freed. */
	returned = ft_stat(f, SMM_FAULT_RETURNED);
	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, pfn[0])), 0);
	pte = ft_pte(f, fm, FT_PARENT, FT_ADDR(0));
	cpte = ft_pte(f, fm, FT_CHILD, FT_ADDR(0));
	KUNIT_EXPECT_EQ(test, pte, cpte);
	KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_SWAP);
	KUNIT_EXPECT_FALSE(test, pte & SMM_PTE_PRESENT);
	slot = smm_pte_pfn(pte);
	KUNIT_ASSERT_GT(test, slot, 0UL);
	KUNIT_EXPECT_EQ(test, pte, mk_swap_pte(slot));
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 2);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 1UL);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(swap, slot));
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned + 1);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_SWAPOUT), 1L);
	KUNIT_EXPECT_EQ(test, fm->resident, 1UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pumm->swapents), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cumm->swapents), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pumm->rss), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cumm->rss), 1L);

	/* The child reads it: a new page, read from the slot, in the swap cache. */
	swapins = ft_stat(f, SMM_FAULT_SWAPIN);
	p = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_SWAPIN), swapins + 1);
	ft_expect_data(f, p, 100);
	KUNIT_EXPECT_EQ(test, ft_page(f, p)->refcount, 1);
	KUNIT_EXPECT_PTR_EQ(test, smm_swap_cache_lookup(swap, slot), ft_page(f, p));
	KUNIT_EXPECT_EQ(test, upage_slot(ft_page(f, p)), slot);
	/* The parent's entry and the cache still hold the slot. */
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 2);
	cpte = ft_pte(f, fm, FT_CHILD, FT_ADDR(0));
	KUNIT_EXPECT_TRUE(test, cpte & SMM_PTE_PRESENT);
	KUNIT_EXPECT_FALSE(test, cpte & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(cpte), p);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cumm->swapents), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cumm->rss), 2L);

	/* The parent's read finds it in the swap cache: no second read. */
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), false), p);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_SWAPIN), swapins + 1);
	KUNIT_EXPECT_EQ(test, ft_page(f, p)->refcount, 2);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 1);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_RW);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(0)) & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pumm->swapents), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pumm->rss), 2L);

	/* The parent writes: two users, so a copy; the child keeps the cached page. */
	ppfn = ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), true);
	KUNIT_EXPECT_NE(test, ppfn, p);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), 1L);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_REUSE), 0L);
	ft_expect_data(f, ppfn, 100);
	KUNIT_EXPECT_EQ(test, upage_slot(ft_page(f, ppfn)), 0UL);
	KUNIT_EXPECT_EQ(test, ft_page(f, p)->refcount, 1);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 1);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_RW);
	ft_fill(f, ppfn, 400);
	ft_expect_data(f, p, 100);

	/* Page 1 out as well: both processes keep a swap entry to the unmap. */
	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, pfn[1])), 0);
	slot1 = smm_pte_pfn(ft_pte(f, fm, FT_CHILD, FT_ADDR(1)));
	KUNIT_EXPECT_NE(test, slot1, slot);
	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(1)), mk_swap_pte(slot1));
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot1), 2);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 2UL);

	/*
	 * The child goes: its cached page 0 is freed with the cache's hold on
	 * the slot, and its entry for page 1 gives one count back.
	 */
	returned = ft_stat(f, SMM_FAULT_RETURNED);
	ft_unmap(f, fm, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_RETURNED), returned + 1);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 0);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(swap, slot));
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot1), 1);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 1UL);

	/* The parent reads page 1 back, alone: exclusive, out of the cache. */
	p = ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(1), false);
	ft_expect_data(f, p, 101);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(1)) & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 0UL);
	KUNIT_EXPECT_EQ(test, upage_slot(ft_page(f, p)), 0UL);
	ft_expect_data(f, ppfn, 400);

	/* Out again, then the unmap gives the last count back: the slot is free. */
	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, p)), 0);
	slot1 = smm_pte_pfn(ft_pte(f, fm, FT_PARENT, FT_ADDR(1)));
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot1), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&pumm->swapents), 1L);
	ft_unmap(f, fm, FT_PARENT);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot1), 0);
	ft_expect_clean(f);
}

/* Shared object: the object keeps the slot, the processes' entries go. */
static void fault_test_shared_swap(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	struct smm_swap *swap = &f->inst->swap;
	unsigned long pfn[2], slot, p;
	struct smm_fmap *fm;
	void *e;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, true);
	ft_populate(f, fm, FT_PARENT, 2, pfn);
	ft_fork(f, fm, FT_PARENT, FT_CHILD);

	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, pfn[0])), 0);
	e = xa_load(&fm->pages, 0);
	KUNIT_ASSERT_TRUE(test, xa_is_value(e));
	slot = xa_to_value(e);
	KUNIT_EXPECT_GT(test, slot, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 1);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(swap, slot));
	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)), 0ULL);
	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(0)), 0ULL);
	KUNIT_EXPECT_EQ(test, fm->swapped, 1UL);
	KUNIT_EXPECT_EQ(test, fm->resident, 1UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_PARENT)->rss), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_CHILD)->rss), 1L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_PARENT)->swapents), 0L);

	/* A fault brings it back into the object, for both processes. */
	p = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false);
	ft_expect_data(f, p, 100);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&fm->pages, 0), (void *)ft_page(f, p));
	KUNIT_EXPECT_EQ(test, fm->swapped, 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), 0);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 0UL);
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), true), p);
	KUNIT_EXPECT_EQ(test, ft_page(f, p)->refcount, 2);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(0)) & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_COW_COPY), 0L);

	/* Page 1 goes to swap and stays there through both unmaps: its slot is freed. */
	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, pfn[1])), 0);
	KUNIT_EXPECT_EQ(test, fm->swapped, 1UL);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 1UL);
	ft_unmap(f, fm, FT_CHILD);
	KUNIT_EXPECT_EQ(test, swap->inuse_pages, 1UL);
	ft_expect_data(f, p, 100);
	ft_unmap(f, fm, FT_PARENT);
	ft_expect_clean(f);
}

/* A _mapcount that would overflow at fork: the child's entry is poisoned. */
static void fault_test_poison(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	unsigned long pfn[3];
	struct smm_fmap *fm;
	long mapped;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, false);
	ft_populate(f, fm, FT_PARENT, 3, pfn);
	ft_page(f, pfn[1])->refcount = U16_MAX;
	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[1])->refcount, U16_MAX);
	ft_page(f, pfn[1])->refcount = 1;

	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(1)), SMM_PTE_POISON);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[0])->refcount, 2);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[2])->refcount, 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ft_umm(f, fm, FT_CHILD)->rss), 2L);
	/* The parent's own entry is write-protected as the others are. */
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(1)) & SMM_PTE_RW);

	/* A fault on it, read or write, is an error (SIGBUS), and maps nothing. */
	mapped = ft_stat(f, SMM_FAULT_MAPPED);
	KUNIT_EXPECT_EQ(test, ft_fault(f, fm, FT_CHILD, FT_ADDR(1), false, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, ft_fault(f, fm, FT_CHILD, FT_ADDR(1), true, NULL), -EFAULT);
	KUNIT_EXPECT_EQ(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(1)), SMM_PTE_POISON);
	KUNIT_EXPECT_EQ(test, ft_stat(f, SMM_FAULT_MAPPED), mapped);
	/* The rest of the child is fine; the parent reuses its page. */
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false), pfn[0]);
	KUNIT_EXPECT_EQ(test, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(1), true), pfn[1]);
	ft_expect_data(f, pfn[1], 101);

	ft_unmap(f, fm, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[0])->refcount, 1);
	KUNIT_EXPECT_EQ(test, ft_page(f, pfn[1])->refcount, 1);
	ft_unmap(f, fm, FT_PARENT);
	ft_expect_clean(f);
}

/* rmap_referenced(): the accessed bits, counted and cleared. */
static void fault_test_referenced(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	struct smm_page *page, *cpage;
	unsigned long pfn[2], cpfn;
	struct smm_fmap *fm;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, false);
	ft_populate(f, fm, FT_PARENT, 2, pfn);
	page = ft_page(f, pfn[0]);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_ACCESSED);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 1);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_ACCESSED);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 0);

	/* The fork copies the bit as it is: clear in both. */
	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 0);
	/* Page 1 was never looked at: both entries count. */
	KUNIT_EXPECT_EQ(test, ft_referenced(f, ft_page(f, pfn[1])), 2);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, ft_page(f, pfn[1])), 0);

	/* A fault sets it again, in the faulting process only. */
	ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false);
	KUNIT_EXPECT_TRUE(test, ft_pte(f, fm, FT_CHILD, FT_ADDR(0)) & SMM_PTE_ACCESSED);
	KUNIT_EXPECT_FALSE(test, ft_pte(f, fm, FT_PARENT, FT_ADDR(0)) & SMM_PTE_ACCESSED);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 1);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 0);
	ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false);
	ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), false);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 2);

	/* A copy is the child's own: only the parent's entry counts for the old page. */
	ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), false);
	cpfn = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), true);
	cpage = ft_page(f, cpfn);
	KUNIT_EXPECT_NE(test, cpfn, pfn[0]);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, page), 1);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, cpage), 1);
	KUNIT_EXPECT_EQ(test, ft_referenced(f, cpage), 0);

	ft_unmap(f, fm, FT_PARENT);
	ft_unmap(f, fm, FT_CHILD);
	ft_expect_clean(f);
}

/*
 * A swap-in that cannot take the swap cache's reference (the slot's count
 * is at SMM_SWAP_MAP_MAX): the page is the faulting process's own copy,
 * out of the swap cache and writable; the slot loses only that process's
 * count, and the other process still reads its own copy from the slot.
 */
static void fault_test_swapin_count_full(struct kunit *test)
{
	struct ft *f = ft_setup(test);
	struct smm_swap *swap = &f->inst->swap;
	unsigned long pfn[1], slot, cpfn;
	struct smm_fmap *fm;
	u64 pte;

	fm = ft_mmap(f, FT_PARENT, FT_PAGES, false);
	ft_populate(f, fm, FT_PARENT, 1, pfn);
	ft_fork(f, fm, FT_PARENT, FT_CHILD);
	KUNIT_ASSERT_EQ(test, ft_swapout(f, ft_page(f, pfn[0])), 0);
	slot = smm_pte_pfn(ft_pte(f, fm, FT_CHILD, FT_ADDR(0)));
	KUNIT_ASSERT_EQ(test, smm_swap_count(swap, slot), 2);

	/* As if 60 more processes held the entry. */
	spin_lock(&swap->lock);
	swap->swap_map[slot] = SMM_SWAP_MAP_MAX;
	spin_unlock(&swap->lock);
	cpfn = ft_fault_ok(f, fm, FT_CHILD, FT_ADDR(0), false);
	ft_expect_data(f, cpfn, 100);
	pte = ft_pte(f, fm, FT_CHILD, FT_ADDR(0));
	KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_PRESENT);
	KUNIT_EXPECT_TRUE(test, pte & SMM_PTE_RW);
	KUNIT_EXPECT_EQ(test, smm_swap_count(swap, slot), SMM_SWAP_MAP_MAX - 1);
	KUNIT_EXPECT_NULL(test, smm_swap_cache_lookup(swap, slot));
	KUNIT_EXPECT_EQ(test, upage_slot(ft_page(f, cpfn)), 0UL);
	KUNIT_EXPECT_EQ(test, fm->resident, 1UL);

	/* Back to the one real user left, the parent, which reads the slot. */
	spin_lock(&swap->lock);
	swap->swap_map[slot] = 1;
	spin_unlock(&swap->lock);
	ft_expect_data(f, ft_fault_ok(f, fm, FT_PARENT, FT_ADDR(0), false), 100);
	ft_unmap(f, fm, FT_CHILD);
	ft_unmap(f, fm, FT_PARENT);
	ft_expect_clean(f);
}

static struct kunit_case fault_test_cases[] = {
	KUNIT_CASE(fault_test_private_fork_cow),
	KUNIT_CASE(fault_test_shared_fork),
	KUNIT_CASE(fault_test_kpageflags),
	KUNIT_CASE(fault_test_private_swap),
	KUNIT_CASE(fault_test_shared_swap),
	KUNIT_CASE(fault_test_poison),
	KUNIT_CASE(fault_test_referenced),
	KUNIT_CASE(fault_test_swapin_count_full),
	{}
};

static struct kunit_suite fault_test_suite = {
	.name = "shadow_mm_fault",
	.test_cases = fault_test_cases,
};

kunit_test_suite(fault_test_suite);
