// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_highmem": kmap and kmap_atomic for the shadow
 * HighMem zone.
 *
 * Each case brings up an instance of its own with smm_instance_create(),
 * 32 MiB with HighMem above 16 MiB, so that the zone holds several times
 * the pkmap window.  The cases check that a low page is served by the
 * direct map and takes no slot; that a kmapped HighMem page is reached
 * both through the host address and through the shadow PTE of its window
 * slot; the pkmap counts (shared slots, idle slots that keep their mapping
 * until the next wrap); the wrap, which frees the idle slots and their
 * shadow PTEs; a kmap that sleeps while every slot is held and wakes on a
 * kunmap; the refusal of bad kunmaps without a trace; the kmap_atomic
 * stack, its shadow PTEs, its LIFO rule and its ownership of a CPU's slots;
 * the zeroing of HighMem pages by the buddy allocator through kmap_atomic;
 * that releasing every mapping gives every page back, and that tearing the
 * layer down frees its pinned tables; a kmap_atomic's real mapping (the
 * host address maps the page, is no direct-map address, and agrees with
 * the slot's shadow PTE, which smm_kmap_check() proves and catches when it
 * does not); batches of pages in consecutive slots with one host mapping,
 * nested and undone as a whole, and the bad ones refused; a slot reused
 * after its unmap; zeroing in batches; and a concurrent workload.
 *
 * Only the test reads HighMem pages through the host's direct map, to
 * check what the mappings under test wrote.  Every case that holds
 * mappings undoes them in a cleanup action if it stops early, and every
 * thread it starts is waited for, so a failure leaves no sleeper behind.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kunit/util.h"
#include "shadow_mm/arena.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/highmem.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/memmap.h"
#include "shadow_mm/pgtable.h"

/* The entry a window slot must hold: PAGE_KERNEL. */
#define KMAP_ENTRY_FLAGS	(SMM_PTE_PRESENT | SMM_PTE_RW | SMM_PTE_ACCESSED | \
				 SMM_PTE_DIRTY | SMM_PTE_NX)
#define WRAP_EXTRA		64
#define WAIT_MS			10000
#define BLOCKED_MS		100
#define CONC_SEED		0x4b4d4150U
#define CONC_PAGES		(SMM_LAST_PKMAP + SMM_LAST_PKMAP / 2)
#define CONC_OPS		3000
#define CONC_HOLD		8

static struct smm_instance *hm_setup(struct kunit *test)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 32,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = 16,
		.slab = SMM_SLAB_SLUB,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	/* Room for the window several times over, and a fresh window. */
	KUNIT_ASSERT_GE(test, inst->buddy.zones[SMM_ZONE_HIGHMEM].managed_pages,
			3UL * SMM_LAST_PKMAP);
	KUNIT_ASSERT_TRUE(test, !!inst->hm.stats);
	KUNIT_ASSERT_EQ(test, inst->hm.last_pkmap_nr, 0U);
	KUNIT_ASSERT_EQ(test, inst->hm.nr_idle, 0U);
	return inst;
}

static unsigned long free_now(struct smm_instance *inst)
{
	smm_drain_pages(&inst->buddy);
	return smm_buddy_free_pages(&inst->buddy);
}

static unsigned long pfn_of(struct smm_instance *inst, const struct smm_page *page)
{
	return smm_page_to_pfn(&inst->arena, page);
}

/* The host's direct map of a page: for the test's own checks only. */
static u32 *direct(struct smm_instance *inst, const struct smm_page *page)
{
	return smm_arena_pfn_to_virt(&inst->arena, pfn_of(inst, page));
}

static bool is_high(const struct smm_page *page)
{
	return smm_page_zonenum(page) == SMM_ZONE_HIGHMEM;
}

/* kmap_atomic slots in use, over every CPU. */
static unsigned int local_depth(struct smm_instance *inst)
{
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(inst->hm.local, cpu)->depth);
	return n;
}

/* The kmap counters at one moment. */
struct stat_snap {
	unsigned long n[SMM_KMAP_STAT_NR];
};

static void stats_take(struct smm_instance *inst, struct stat_snap *s)
{
	int i;

	for (i = 0; i < SMM_KMAP_STAT_NR; i++)
		s->n[i] = smm_kmap_stat(&inst->hm, i);
}

static unsigned long stat_delta(struct smm_instance *inst, const struct stat_snap *s,
				enum smm_kmap_stat item)
{
	return smm_kmap_stat(&inst->hm, item) - s->n[item];
}

/*
 * HighMem pages for a case, with the kmaps the case holds on each.  The
 * cleanup action drops the kmaps still held, then frees the pages.
 */
struct pool {
	struct smm_instance *inst;
	struct smm_page **pages;
	unsigned int *users;
	unsigned int nr;
};

static void pool_unmap_all(struct pool *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		for (; p->users[i]; p->users[i]--)
			smm_kunmap(&p->inst->hm, p->pages[i]);
}

static void pool_release(struct pool *p)
{
	pool_unmap_all(p);
	while (p->nr)
		smm_free_page(&p->inst->buddy, p->pages[--p->nr]);
}

static void pool_release_action(void *data)
{
	pool_release(data);
}

static struct pool *high_pool(struct kunit *test, struct smm_instance *inst, unsigned int n)
{
	struct pool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->inst = inst;
	p->pages = kunit_kcalloc(test, n, sizeof(*p->pages), GFP_KERNEL);
	p->users = kunit_kcalloc(test, n, sizeof(*p->users), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p->pages);
	KUNIT_ASSERT_NOT_NULL(test, p->users);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pool_release_action, p), 0);
	while (p->nr < n) {
		struct smm_page *page = smm_alloc_page(&inst->buddy, SMM_GFP_HIGHUSER);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
		p->pages[p->nr++] = page;
		KUNIT_ASSERT_TRUE_MSG(test, is_high(page), "page %u of %u is not HighMem",
				      p->nr, n);
	}
	return p;
}

static void *pool_kmap(struct pool *p, unsigned int i)
{
	void *addr = smm_kmap(&p->inst->hm, p->pages[i]);

	if (addr)
		p->users[i]++;
	return addr;
}

static int pool_kunmap(struct pool *p, unsigned int i)
{
	int ret = smm_kunmap(&p->inst->hm, p->pages[i]);

	if (!ret && p->users[i])
		p->users[i]--;
	return ret;
}

/* The window slot that holds @page, or -1; read under the kmap lock. */
static int slot_of(struct smm_instance *inst, const struct smm_page *page)
{
	struct smm_highmem *hm = &inst->hm;
	int i, nr = -1;

	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		if (hm->count[i] && hm->slot[i].page == page) {
			nr = i;
			break;
		}
	}
	mutex_unlock(&hm->lock);
	return nr;
}

static unsigned int slot_count(struct smm_instance *inst, int nr)
{
	unsigned int n;

	mutex_lock(&inst->hm.lock);
	n = inst->hm.count[nr];
	mutex_unlock(&inst->hm.lock);
	return n;
}

/* The entry a window or kmap_local slot holds for @page. */
static u64 kmap_entry(struct smm_instance *inst, const struct smm_page *page)
{
	return ((u64)pfn_of(inst, page) << PAGE_SHIFT) | KMAP_ENTRY_FLAGS;
}

/* The shadow PTE at @va, 0 if there is none. */
static u64 shadow_pte(struct smm_instance *inst, u64 va)
{
	u64 pte = 0;

	if (smm_pgtable_get(&inst->kpt, va, &pte))
		return 0;
	return pte;
}

/*
 * The window against the shadow tables: a slot has a page, an address and
 * a PTE to that page iff its count is not 0; the idle slots are counted
 * right; no page sits in two slots.  Returns the slots in use and idle.
 */
static void window_check(struct kunit *test, struct smm_instance *inst,
			 unsigned int *used, unsigned int *idle)
{
	struct smm_highmem *hm = &inst->hm;
	unsigned int i, j, bad = 0, nr_used = 0, nr_idle = 0;

	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		const struct smm_pkmap_slot *s = &hm->slot[i];
		u64 pte = shadow_pte(inst, SMM_PKMAP_ADDR(i));
		bool ok;

		if (!hm->count[i]) {
			ok = !s->page && !s->addr && !pte;
		} else {
			ok = s->page && s->addr && is_high(s->page) &&
			     pte == kmap_entry(inst, s->page);
			for (j = 0; ok && j < i; j++)
				ok = !hm->count[j] || hm->slot[j].page != s->page;
			nr_used += hm->count[i] > 1;
			nr_idle += hm->count[i] == 1;
		}
		if (!ok && !bad++)
			kunit_err(test, "slot %u: count %u page %p addr %p pte %#llx\n", i,
				  hm->count[i], s->page, s->addr, pte);
	}
	KUNIT_EXPECT_EQ(test, hm->nr_idle, nr_idle);
	mutex_unlock(&hm->lock);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "window slots out of step with the shadow tables");
	if (used)
		*used = nr_used;
	if (idle)
		*idle = nr_idle;
}

/* A low page is its direct map: no slot, no shadow PTE, nothing to undo. */
static void highmem_test_lowmem_direct(struct kunit *test)
{
	static const unsigned int gfps[] = { SMM_GFP_KERNEL, SMM_GFP_DMA };
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct stat_snap s;
	unsigned int i, used, idle;

	for (i = 0; i < ARRAY_SIZE(gfps); i++) {
		struct smm_page *page = smm_alloc_page(&inst->buddy, gfps[i]);
		void *want, *addr;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
		KUNIT_EXPECT_FALSE(test, is_high(page));
		want = direct(inst, page);
		stats_take(inst, &s);

		addr = smm_kmap(hm, page);
		KUNIT_EXPECT_PTR_EQ(test, addr, want);
		KUNIT_EXPECT_PTR_EQ(test, smm_page_address(hm, page), want);
		KUNIT_EXPECT_EQ(test, slot_of(inst, page), -1);
		window_check(test, inst, &used, &idle);
		KUNIT_EXPECT_EQ(test, used + idle, 0U);
		KUNIT_EXPECT_EQ(test, smm_kunmap(hm, page), 0);

		addr = smm_kmap_atomic(hm, page);
		KUNIT_EXPECT_PTR_EQ(test, addr, want);
		KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
		KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr), 0);

		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_LOWMEM), 2UL);
		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_KMAPS), 0UL);
		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), 0UL);
		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_ATOMIC), 0UL);
		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 0UL);
		smm_free_page(&inst->buddy, page);
	}
}

/* A kmapped HighMem page: the host address and the shadow slot, both ways. */
static void highmem_test_kmap_highmem(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct pool *p = high_pool(test, inst, 1);
	struct smm_page *page = p->pages[0];
	unsigned long pfn = pfn_of(inst, page);
	struct stat_snap s;
	u32 *addr;
	int nr, w;

	KUNIT_EXPECT_NULL(test, smm_page_address(&inst->hm, page));
	stats_take(inst, &s);
	addr = pool_kmap(p, 0);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_PTR_NE(test, (void *)addr, (void *)direct(inst, page));
	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(addr));
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_KMAPS), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), 1UL);

	nr = slot_of(inst, page);
	KUNIT_ASSERT_GE(test, nr, 0);
	KUNIT_EXPECT_PTR_EQ(test, inst->hm.slot[nr].addr, (void *)addr);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 2U);
	KUNIT_EXPECT_PTR_EQ(test, smm_page_address(&inst->hm, page), (void *)addr);
	/* The shadow walk of the slot's address leads to the page. */
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(shadow_pte(inst, SMM_PKMAP_ADDR(nr))), pfn);
	KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_PKMAP_ADDR(nr)) & ~SMM_PTE_PFN_MASK,
			KMAP_ENTRY_FLAGS);
	window_check(test, inst, NULL, NULL);

	/* Written through the kmap, read in the page; and the other way. */
	smm_test_fill_page(addr, pfn);
	w = smm_test_page_mismatch(direct(inst, page), pfn);
	KUNIT_EXPECT_EQ_MSG(test, w, -1, "word %d of the page", w);
	smm_test_fill_page(direct(inst, page), ~pfn);
	w = smm_test_page_mismatch(addr, ~pfn);
	KUNIT_EXPECT_EQ_MSG(test, w, -1, "word %d through the kmap", w);

	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 0), 0);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 1U);
}

/* pkmap_count: 1 + users; the last kunmap leaves the slot mapped and idle. */
static void highmem_test_kmap_count(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, 2);
	struct stat_snap s;
	unsigned int used, idle;
	void *a1, *a2, *a3;
	int nr;

	/* Never kmapped: no address, as page_address() of HighMem. */
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, p->pages[0]));
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, p->pages[1]));

	stats_take(inst, &s);
	a1 = pool_kmap(p, 0);
	KUNIT_ASSERT_NOT_NULL(test, a1);
	a2 = pool_kmap(p, 0);
	KUNIT_EXPECT_PTR_EQ(test, a2, a1);
	nr = slot_of(inst, p->pages[0]);
	KUNIT_ASSERT_GE(test, nr, 0);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 3U);
	KUNIT_EXPECT_EQ(test, hm->nr_idle, 0U);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_KMAPS), 2UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), 1UL);
	window_check(test, inst, &used, &idle);
	KUNIT_EXPECT_EQ(test, used, 1U);
	KUNIT_EXPECT_EQ(test, idle, 0U);

	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 0), 0);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 2U);
	KUNIT_EXPECT_EQ(test, hm->nr_idle, 0U);
	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 0), 0);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 1U);
	KUNIT_EXPECT_EQ(test, hm->nr_idle, 1U);

	/* Idle: the mapping stays, lazily, with its PTE. */
	KUNIT_EXPECT_PTR_EQ(test, smm_page_address(hm, p->pages[0]), a1);
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(shadow_pte(inst, SMM_PKMAP_ADDR(nr))),
			pfn_of(inst, p->pages[0]));
	window_check(test, inst, &used, &idle);
	KUNIT_EXPECT_EQ(test, used, 0U);
	KUNIT_EXPECT_EQ(test, idle, 1U);
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, p->pages[1]));

	/* A kmap of an idle page costs a lookup: same slot, no new one. */
	a3 = pool_kmap(p, 0);
	KUNIT_EXPECT_PTR_EQ(test, a3, a1);
	KUNIT_EXPECT_EQ(test, slot_of(inst, p->pages[0]), nr);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 2U);
	KUNIT_EXPECT_EQ(test, hm->nr_idle, 0U);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), 1UL);

	/* Another page takes another slot. */
	a2 = pool_kmap(p, 1);
	KUNIT_ASSERT_NOT_NULL(test, a2);
	KUNIT_EXPECT_PTR_NE(test, a2, a1);
	KUNIT_EXPECT_NE(test, slot_of(inst, p->pages[1]), nr);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), 2UL);
	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 1), 0);
	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 0), 0);
	window_check(test, inst, &used, &idle);
	KUNIT_EXPECT_EQ(test, used, 0U);
	KUNIT_EXPECT_EQ(test, idle, 2U);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_WRAPS), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 0UL);
}

/*
 * More distinct pages than slots, one at a time: the search wraps once and
 * frees every idle slot, with its shadow PTE; slots are taken in order.
 */
static void highmem_test_wrap(struct kunit *test)
{
	const unsigned int n = SMM_LAST_PKMAP + WRAP_EXTRA;
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, n);
	unsigned int i, used, idle, bad_slot = 0, bad_data = 0;
	struct stat_snap s;
	u32 *addr;
	int nr;

	stats_take(inst, &s);
	for (i = 0; i < n; i++) {
		const unsigned long pfn = pfn_of(inst, p->pages[i]);

		addr = pool_kmap(p, i);
		KUNIT_ASSERT_NOT_NULL_MSG(test, addr, "kmap %u", i);
		/* Slots are taken in order from 1; slot 0 comes with the wrap. */
		nr = slot_of(inst, p->pages[i]);
		if (nr != (i + 1) % SMM_LAST_PKMAP && !bad_slot++)
			kunit_err(test, "kmap %u: slot %d\n", i, nr);
		addr[0] = pfn;
		addr[PAGE_SIZE / sizeof(u32) - 1] = ~pfn;
		if (direct(inst, p->pages[i])[0] != (u32)pfn && !bad_data++)
			kunit_err(test, "kmap %u: write not in the page\n", i);
		KUNIT_ASSERT_EQ(test, pool_kunmap(p, i), 0);
	}
	KUNIT_EXPECT_EQ(test, bad_slot, 0U);
	KUNIT_EXPECT_EQ(test, bad_data, 0U);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_KMAPS), (unsigned long)n);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_NEW), (unsigned long)n);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_WRAPS), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_FLUSHED),
			(unsigned long)SMM_LAST_PKMAP - 1);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_WAITS), 0UL);

	/* Slots 0..WRAP_EXTRA are idle, the rest were flushed and are free. */
	window_check(test, inst, &used, &idle);
	KUNIT_EXPECT_EQ(test, used, 0U);
	KUNIT_EXPECT_EQ(test, idle, WRAP_EXTRA + 1U);
	for (i = WRAP_EXTRA + 1; i < SMM_LAST_PKMAP; i++) {
		KUNIT_EXPECT_EQ_MSG(test, shadow_pte(inst, SMM_PKMAP_ADDR(i)), 0ULL, "slot %u", i);
		KUNIT_EXPECT_EQ_MSG(test, slot_count(inst, i), 0U, "slot %u", i);
	}
	for (i = 0; i < n; i++) {
		bool mapped = i >= SMM_LAST_PKMAP - 1;
		u64 pte = shadow_pte(inst, SMM_PKMAP_ADDR((i + 1) % SMM_LAST_PKMAP));

		KUNIT_EXPECT_EQ_MSG(test, !!smm_page_address(hm, p->pages[i]), mapped,
				    "page %u", i);
		if (mapped)
			KUNIT_EXPECT_EQ_MSG(test, smm_pte_pfn(pte), pfn_of(inst, p->pages[i]),
					    "page %u", i);
	}

	/* A flushed page maps again, in the next free slot, with its data. */
	addr = pool_kmap(p, 0);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_EQ(test, slot_of(inst, p->pages[0]), WRAP_EXTRA + 1);
	KUNIT_EXPECT_EQ(test, addr[0], (u32)pfn_of(inst, p->pages[0]));
	KUNIT_EXPECT_EQ(test, addr[PAGE_SIZE / sizeof(u32) - 1], ~(u32)pfn_of(inst, p->pages[0]));
	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 0), 0);
	window_check(test, inst, NULL, NULL);
}

/* The kthread of the exhaustion case: one kmap, which must wait. */
struct kmap_waiter {
	struct smm_instance *inst;
	struct pool *pool;
	struct smm_page *page;
	void *addr;		/* what smm_kmap() returned */
	bool mapped;		/* @addr is still to be kunmapped */
	bool started;
	bool reaped;		/* the case consumed @done */
	struct completion done;
};

static int kmap_waiter_fn(void *data)
{
	struct kmap_waiter *w = data;

	w->addr = smm_kmap(&w->inst->hm, w->page);
	w->mapped = w->addr;
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * If the case stopped early, the kthread may still sleep for a slot: drop
 * every kmap of the case to wake it, and if that does not do it, break the
 * instance, which every sleeper in the window gives up on.
 */
static void kmap_waiter_release(void *data)
{
	struct kmap_waiter *w = data;

	/* complete() counts once: if the case waited for it, it is gone. */
	if (w->started && !w->reaped) {
		if (!completion_done(&w->done))
			pool_unmap_all(w->pool);
		if (!wait_for_completion_timeout(&w->done, msecs_to_jiffies(WAIT_MS))) {
			pr_err("shadow_mm kunit: kmap waiter stuck, breaking the instance\n");
			WRITE_ONCE(w->inst->broken, true);
			wake_up_all(&w->inst->hm.wait);
			wait_for_completion(&w->done);
		}
	}
	if (w->mapped)
		smm_kunmap(&w->inst->hm, w->page);
	w->mapped = false;
}

/*
 * Every slot held: a kmap sleeps on the wait queue until a kunmap makes a
 * slot idle, then takes that slot.
 */
static void highmem_test_exhaustion(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, SMM_LAST_PKMAP + 1);
	const unsigned int victim = 7;
	struct kmap_waiter *w;
	struct task_struct *t;
	unsigned int i, used, idle;
	unsigned long deadline;
	struct stat_snap s;
	int nr;

	for (i = 0; i < SMM_LAST_PKMAP; i++)
		KUNIT_ASSERT_NOT_NULL_MSG(test, pool_kmap(p, i), "kmap %u", i);
	window_check(test, inst, &used, &idle);
	KUNIT_ASSERT_EQ(test, used, (unsigned int)SMM_LAST_PKMAP);
	KUNIT_ASSERT_EQ(test, idle, 0U);

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->inst = inst;
	w->pool = p;
	w->page = p->pages[SMM_LAST_PKMAP];
	init_completion(&w->done);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kmap_waiter_release, w), 0);

	stats_take(inst, &s);
	t = kthread_run(kmap_waiter_fn, w, "smm_kunit_kmap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	w->started = true;

	deadline = jiffies + msecs_to_jiffies(WAIT_MS);
	while (!stat_delta(inst, &s, SMM_KMAP_WAITS) && !completion_done(&w->done) &&
	       time_before(jiffies, deadline))
		msleep(20);
	KUNIT_ASSERT_EQ(test, stat_delta(inst, &s, SMM_KMAP_WAITS), 1UL);
	msleep(BLOCKED_MS);
	KUNIT_ASSERT_FALSE_MSG(test, completion_done(&w->done),
			       "the kmap returned with every slot held");
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, w->page));

	/* One kunmap: the slot goes idle, the sleeper flushes and takes it. */
	nr = slot_of(inst, p->pages[victim]);
	KUNIT_ASSERT_GE(test, nr, 0);
	KUNIT_ASSERT_EQ(test, pool_kunmap(p, victim), 0);
	w->reaped = wait_for_completion_timeout(&w->done, msecs_to_jiffies(WAIT_MS));
	KUNIT_ASSERT_TRUE_MSG(test, w->reaped, "the kmap still sleeps after a kunmap");
	KUNIT_ASSERT_NOT_NULL(test, w->addr);
	KUNIT_EXPECT_EQ(test, slot_of(inst, w->page), nr);
	KUNIT_EXPECT_PTR_EQ(test, smm_page_address(hm, w->page), w->addr);
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, p->pages[victim]));
	KUNIT_EXPECT_EQ(test, smm_pte_pfn(shadow_pte(inst, SMM_PKMAP_ADDR(nr))),
			pfn_of(inst, w->page));
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_WAITS), 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_FLUSHED), 1UL);
	KUNIT_EXPECT_GE(test, stat_delta(inst, &s, SMM_KMAP_WRAPS), 1UL);
	window_check(test, inst, &used, &idle);
	KUNIT_EXPECT_EQ(test, used, (unsigned int)SMM_LAST_PKMAP);
	KUNIT_EXPECT_EQ(test, idle, 0U);

	/* The address the sleeper got works. */
	smm_test_fill_page(w->addr, 0x5ee9);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(direct(inst, w->page), 0x5ee9), -1);
	KUNIT_EXPECT_EQ(test, smm_kunmap(hm, w->page), 0);
	w->mapped = false;
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* kunmap of what is not kmapped: refused, counted, nothing else changes. */
static void highmem_test_kunmap_not_mapped(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, 3);
	unsigned int *count;
	unsigned int idle, last, i;
	struct stat_snap s;
	void *held;
	int nr;

	count = kunit_kcalloc(test, SMM_LAST_PKMAP, sizeof(*count), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, count);
	/* Page 1 mapped and released (idle), page 2 held, page 0 never mapped. */
	KUNIT_ASSERT_NOT_NULL(test, pool_kmap(p, 1));
	KUNIT_ASSERT_EQ(test, pool_kunmap(p, 1), 0);
	held = pool_kmap(p, 2);
	KUNIT_ASSERT_NOT_NULL(test, held);

	stats_take(inst, &s);
	memcpy(count, hm->count, SMM_LAST_PKMAP * sizeof(*count));
	idle = hm->nr_idle;
	last = hm->last_pkmap_nr;

	KUNIT_EXPECT_EQ(test, smm_kunmap(hm, p->pages[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kunmap(hm, p->pages[1]), -EINVAL);

	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 2UL);
	for (i = 0; i < SMM_KMAP_STAT_NR; i++)
		if (i != SMM_KMAP_BAD)
			KUNIT_EXPECT_EQ_MSG(test, stat_delta(inst, &s, i), 0UL, "counter %u", i);
	KUNIT_EXPECT_EQ(test, memcmp(count, hm->count, SMM_LAST_PKMAP * sizeof(*count)), 0);
	KUNIT_EXPECT_EQ(test, hm->nr_idle, idle);
	KUNIT_EXPECT_EQ(test, hm->last_pkmap_nr, last);
	KUNIT_EXPECT_NULL(test, smm_page_address(hm, p->pages[0]));
	KUNIT_EXPECT_NOT_NULL(test, smm_page_address(hm, p->pages[1]));
	KUNIT_EXPECT_PTR_EQ(test, smm_page_address(hm, p->pages[2]), held);
	nr = slot_of(inst, p->pages[2]);
	KUNIT_ASSERT_GE(test, nr, 0);
	KUNIT_EXPECT_EQ(test, slot_count(inst, nr), 2U);
	window_check(test, inst, NULL, NULL);

	/* The held kmap is still the caller's to release, once. */
	KUNIT_EXPECT_EQ(test, pool_kunmap(p, 2), 0);
	KUNIT_EXPECT_EQ(test, smm_kunmap(hm, p->pages[2]), -EINVAL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 3UL);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * The kmap_atomic stack.  No assertion may stop the case while a slot is
 * held (the slots belong to this task, with migration disabled), so the
 * checks in between only expect, and every slot taken is given back.
 */
static void highmem_test_kmap_atomic(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, SMM_KM_MAX_IDX);
	struct smm_page *low = smm_alloc_page(&inst->buddy, SMM_GFP_KERNEL);
	void *addr[SMM_KM_MAX_IDX], *la;
	struct smm_kmap_local *l = NULL;
	unsigned int cpu = 0, depth = 0, i, j;
	struct stat_snap s;
	struct smm_pt_walk walk;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, low);
	stats_take(inst, &s);

	for (i = 0; i < SMM_KM_MAX_IDX; i++) {
		addr[i] = smm_kmap_atomic(hm, p->pages[i]);
		if (!addr[i]) {
			KUNIT_FAIL(test, "kmap_atomic %u failed", i);
			break;
		}
		depth++;
		if (!i) {
			/* Migration is off from here on: the CPU stays. */
			cpu = raw_smp_processor_id();
			l = per_cpu_ptr(hm->local, cpu);
		}
		KUNIT_EXPECT_EQ(test, raw_smp_processor_id(), (int)cpu);
		KUNIT_EXPECT_EQ(test, l->depth, i + 1);
		KUNIT_EXPECT_PTR_EQ(test, l->owner, current);
		KUNIT_EXPECT_PTR_EQ(test, l->page[i], p->pages[i]);
		smm_test_fill_page(addr[i], 100 + i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, addr[i], addr[j]);

		/* A low page in between takes no slot. */
		if (i == SMM_KM_MAX_IDX / 2) {
			la = smm_kmap_atomic(hm, low);
			KUNIT_EXPECT_PTR_EQ(test, la, (void *)direct(inst, low));
			KUNIT_EXPECT_EQ(test, l->depth, i + 1);
			KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, la), 0);
			KUNIT_EXPECT_EQ(test, l->depth, i + 1);
		}
	}

	if (depth) {
		KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_ATOMIC), (unsigned long)depth);
		for (i = 0; i < depth; i++) {
			u64 pte = shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, i));
			int w = smm_test_page_mismatch(direct(inst, p->pages[i]), 100 + i);

			KUNIT_EXPECT_EQ_MSG(test, pte, kmap_entry(inst, p->pages[i]), "slot %u", i);
			KUNIT_EXPECT_EQ_MSG(test, w, -1, "slot %u", i);
		}
		/* Out of order, NULL: refused, and nothing moves. */
		KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr[0]), depth > 1 ? -EINVAL : 0);
		if (depth > 1) {
			KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr[depth - 2]), -EINVAL);
			KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, NULL), -EINVAL);
			KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 3UL);
			KUNIT_EXPECT_EQ(test, l->depth, depth);
			for (i = 0; i < depth; i++) {
				u64 pte = shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, i));

				KUNIT_EXPECT_EQ_MSG(test, pte, kmap_entry(inst, p->pages[i]),
						    "slot %u", i);
			}
		} else {
			depth = 0;
		}
	}

	/* Last in, first out; each slot's PTE goes with it. */
	while (depth) {
		depth--;
		KUNIT_EXPECT_EQ_MSG(test, smm_kunmap_atomic(hm, addr[depth]), 0, "slot %u", depth);
		KUNIT_EXPECT_EQ_MSG(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, depth)), 0ULL,
				    "slot %u", depth);
		KUNIT_EXPECT_EQ(test, l->depth, depth);
	}
	if (l) {
		KUNIT_EXPECT_NULL(test, l->owner);
		KUNIT_EXPECT_FALSE(test, mutex_is_locked(&l->lock));
		/* The slots' PTE table is pinned: it outlives its last entry. */
		smm_pgtable_walk(&inst->kpt, SMM_KMAP_LOCAL_ADDR(cpu, 0), &walk);
		KUNIT_EXPECT_EQ(test, walk.levels, (unsigned int)SMM_PT_LEVELS);
	}
	/* Nothing is left to unmap. */
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kmap_stat(hm, SMM_KMAP_LOWMEM) - s.n[SMM_KMAP_LOWMEM], 1UL);
	smm_free_page(&inst->buddy, low);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* A kthread that takes and gives back one kmap_atomic slot on a CPU. */
struct atomic_waiter {
	struct smm_highmem *hm;
	struct smm_page *page;
	void *addr;
	int cpu;
	int ret;
	u32 first;
	struct completion done;
};

static int atomic_waiter_fn(void *data)
{
	struct atomic_waiter *w = data;

	w->addr = smm_kmap_atomic(w->hm, w->page);
	if (w->addr) {
		w->cpu = raw_smp_processor_id();
		w->first = *(u32 *)w->addr;
		w->ret = smm_kunmap_atomic(w->hm, w->addr);
	}
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * A CPU's kmap_atomic slots belong to one task at a time: another task on
 * the same CPU waits until the first has unmapped its last slot.
 */
static void highmem_test_kmap_atomic_one_owner(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct pool *p = high_pool(test, inst, 2);
	struct atomic_waiter *w;
	struct task_struct *t;
	bool blocked, done;
	unsigned int cpu;
	void *addr;

	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->hm = &inst->hm;
	w->page = p->pages[1];
	w->cpu = -1;
	init_completion(&w->done);
	direct(inst, p->pages[1])[0] = 0xfeedU;

	addr = smm_kmap_atomic(&inst->hm, p->pages[0]);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* From here to the kunmap, nothing may abort the case. */
	cpu = raw_smp_processor_id();
	t = kthread_create_on_cpu(atomic_waiter_fn, w, cpu, "smm_kunit_ka/%u");
	if (!IS_ERR(t))
		wake_up_process(t);
	else
		KUNIT_FAIL(test, "kthread: %ld", PTR_ERR(t));
	msleep(BLOCKED_MS);
	blocked = !IS_ERR(t) && !completion_done(&w->done);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(&inst->hm, addr), 0);
	if (IS_ERR(t))
		return;
	done = wait_for_completion_timeout(&w->done, msecs_to_jiffies(WAIT_MS));
	if (!done)
		wait_for_completion(&w->done);
	KUNIT_EXPECT_TRUE_MSG(test, blocked, "the other task used the slots of a busy CPU");
	KUNIT_EXPECT_TRUE(test, done);
	KUNIT_ASSERT_NOT_NULL(test, w->addr);
	KUNIT_EXPECT_EQ(test, w->cpu, (int)cpu);
	KUNIT_EXPECT_EQ(test, w->first, 0xfeedU);
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_EQ(test, per_cpu_ptr(inst->hm.local, cpu)->depth, 0U);
	KUNIT_EXPECT_NULL(test, per_cpu_ptr(inst->hm.local, cpu)->owner);
	KUNIT_EXPECT_EQ(test, smm_kmap_stat(&inst->hm, SMM_KMAP_BAD), 0UL);
}

/*
 * The buddy allocator zeroes HighMem pages through kmap_atomic, never the
 * direct map.  Every HighMem page the allocator will give is made dirty
 * first, so the zeroing allocations below can only come back clean if
 * they were cleared.
 */
static void highmem_test_zero_highmem(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_buddy *b = &inst->buddy;
	const unsigned long max = b->zones[SMM_ZONE_HIGHMEM].managed_pages;
	unsigned long nr = 0, i, high = 0, recycled = 0, dirty_left = 0, direct0, clears0;
	unsigned long *dirty;
	struct smm_page **pages, *block;
	bool stop = false;

	pages = kunit_kcalloc(test, max, sizeof(*pages), GFP_KERNEL);
	dirty = kunit_kcalloc(test, BITS_TO_LONGS(inst->arena.end_pfn), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, dirty);

	/* Take every HighMem page there is, dirty it, give it back. */
	while (nr < max && !stop) {
		struct smm_page *page = smm_alloc_page(b, SMM_GFP_HIGHUSER | __SMM_GFP_HIGH);

		if (IS_ERR(page))
			break;
		if (!is_high(page)) {
			stop = true;
			smm_free_page(b, page);
			break;
		}
		memset(direct(inst, page), 0xa5, PAGE_SIZE);
		__set_bit(pfn_of(inst, page), dirty);
		pages[nr++] = page;
	}
	kunit_info(test, "dirtied %lu of %lu HighMem pages\n", nr, max);
	KUNIT_EXPECT_GE(test, nr, max / 2);
	for (i = 0; i < nr; i++)
		smm_free_page(b, pages[i]);

	direct0 = smm_buddy_stat(b, SMM_BUDDY_HIGHMEM_DIRECT);
	clears0 = smm_kmap_stat(&inst->hm, SMM_KMAP_CLEARS);

	/* An order-2 block from the dirty pages: four clears. */
	block = smm_alloc_pages(b, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, block);
	KUNIT_EXPECT_TRUE(test, is_high(block));
	for (i = 0; i < 4; i++) {
		const void *page = smm_arena_pfn_to_virt(&inst->arena, pfn_of(inst, block) + i);

		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(page, 0, PAGE_SIZE), "page %lu of the block",
				      i);
		recycled += test_bit(pfn_of(inst, block) + i, dirty);
	}
	KUNIT_EXPECT_EQ(test, smm_kmap_stat(&inst->hm, SMM_KMAP_CLEARS) - clears0, 4UL);
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, block, 2), 0);

	/* As many zeroed pages as were dirtied: all clean. */
	for (i = 0; i < nr; i++) {
		struct smm_page *page = smm_alloc_page(b, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO |
						       __SMM_GFP_HIGH);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
		pages[i] = page;
		high += is_high(page);
		recycled += test_bit(pfn_of(inst, page), dirty);
		if (memchr_inv(direct(inst, page), 0, PAGE_SIZE) && !dirty_left++)
			kunit_err(test, "pfn %#lx (%s) not zeroed\n", pfn_of(inst, page),
				  is_high(page) ? "HighMem" : "low");
	}
	kunit_info(test, "%lu zeroed allocations, %lu HighMem, %lu of them dirtied before\n",
		   nr, high, recycled);
	KUNIT_EXPECT_EQ(test, dirty_left, 0UL);
	KUNIT_EXPECT_GE(test, recycled, nr / 2);
	KUNIT_EXPECT_EQ(test, smm_kmap_stat(&inst->hm, SMM_KMAP_CLEARS) - clears0, 4 + high);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(b, SMM_BUDDY_HIGHMEM_DIRECT), direct0);
	for (i = 0; i < nr; i++)
		smm_free_page(b, pages[i]);
	/* Every clear undid its kmap_atomic. */
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * Every kind of mapping taken and released gives every page back; the
 * window's tables were made at bring-up.  Tearing the layer down then
 * flushes the idle slots and frees the pinned tables, and the allocator
 * falls back to counting direct-map clears.
 */
static void highmem_test_release_returns_pages(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	const unsigned int n = SMM_LAST_PKMAP + WRAP_EXTRA;
	unsigned long before, tables0[SMM_PT_LEVELS], pinned, sum0, sum1, direct0;
	unsigned int i, idle;
	struct smm_page *zp[4], *page;
	void *atomic[4];
	struct pool *p;
	int l;

	before = free_now(inst);
	memcpy(tables0, inst->kpt.tables, sizeof(tables0));
	p = high_pool(test, inst, n);

	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_NOT_NULL(test, pool_kmap(p, i));
		if (i % 3)
			KUNIT_ASSERT_EQ(test, pool_kunmap(p, i), 0);
	}
	for (i = 0; i < ARRAY_SIZE(atomic); i++)
		atomic[i] = smm_kmap_atomic(hm, p->pages[i]);
	i = ARRAY_SIZE(atomic);
	while (i--)
		if (atomic[i])
			KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, atomic[i]), 0);
	for (i = 0; i < ARRAY_SIZE(atomic); i++)
		KUNIT_EXPECT_NOT_NULL(test, atomic[i]);
	for (i = 0; i < ARRAY_SIZE(zp); i++) {
		zp[i] = smm_alloc_page(&inst->buddy, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO);
		KUNIT_EXPECT_FALSE(test, IS_ERR(zp[i]));
	}
	for (i = 0; i < ARRAY_SIZE(zp); i++)
		if (!IS_ERR(zp[i]))
			smm_free_page(&inst->buddy, zp[i]);

	pool_release(p);
	KUNIT_EXPECT_EQ(test, free_now(inst), before);
	for (l = 0; l < SMM_PT_LEVELS; l++)
		KUNIT_EXPECT_EQ_MSG(test, inst->kpt.tables[l], tables0[l], "%s tables",
				    smm_pt_level_name(l));
	window_check(test, inst, NULL, &idle);
	KUNIT_EXPECT_GT(test, idle, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmap_stat(hm, SMM_KMAP_BAD), 0UL);

	/*
	 * The teardown: every slot flushed.  The pinned PTE tables came from
	 * bootmem in paging_init(): they stay, reserved, as the kernel's do.
	 */
	pinned = 1 + DIV_ROUND_UP(hm->nr_local_cpus * SMM_KM_MAX_IDX, SMM_PT_ENTRIES);
	KUNIT_EXPECT_GE(test, inst->setup.bootmem_tables, pinned);
	sum0 = smm_pgtable_pages(&inst->kpt);
	smm_highmem_destroy(hm);
	sum1 = smm_pgtable_pages(&inst->kpt);
	KUNIT_EXPECT_EQ(test, inst->kpt.tables[SMM_PT_PTE], tables0[SMM_PT_PTE]);
	KUNIT_EXPECT_EQ(test, sum1, sum0);
	KUNIT_EXPECT_EQ(test, free_now(inst), before);
	for (i = 0; i < SMM_LAST_PKMAP; i++)
		KUNIT_EXPECT_EQ_MSG(test, shadow_pte(inst, SMM_PKMAP_ADDR(i)), 0ULL, "slot %u", i);
	KUNIT_EXPECT_TRUE(test, !hm->stats);
	KUNIT_EXPECT_TRUE(test, !inst->buddy.clear_highpage);

	/* Without the kmap layer, HighMem is cleared through the direct map. */
	direct0 = smm_buddy_stat(&inst->buddy, SMM_BUDDY_HIGHMEM_DIRECT);
	page = smm_alloc_page(&inst->buddy, SMM_GFP_HIGHUSER | __SMM_GFP_ZERO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, page);
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(&inst->buddy, SMM_BUDDY_HIGHMEM_DIRECT) - direct0,
			is_high(page) ? 1UL : 0UL);
	smm_free_page(&inst->buddy, page);
	/* The instance's teardown destroys the layer again: harmless. */
}

/* The shadow PTE of a window slot, through the layer's pinned tables. */
static u64 *slot_pte(struct smm_instance *inst, u64 va)
{
	return &inst->hm.ptes[(va - SMM_PKMAP_BASE) >> SMM_PT_SHIFT_PMD]
			     [smm_pt_index(va, SMM_PT_PTE)];
}

/* The host address maps @page: what vmalloc_to_page() finds there. */
static bool host_maps(struct smm_instance *inst, const void *addr, const struct smm_page *page)
{
	struct page *host = vmalloc_to_page(addr);
	unsigned long pfn;

	return host && smm_arena_host_to_pfn(&inst->arena, host, &pfn) &&
	       pfn == pfn_of(inst, page);
}

/*
 * A kmap_atomic slot's real mapping: the host address maps the page (its
 * contents are there, both ways), it is not the page's direct map nor any
 * arena direct-map address, and the slot's shadow PTE agrees, as
 * smm_kmap_check() proves; after the unmap nothing is left.
 */
static void highmem_test_kmap_atomic_real_mapping(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct pool *p = high_pool(test, inst, 1);
	struct smm_page *page = p->pages[0];
	unsigned long pfn = pfn_of(inst, page), dpfn;
	unsigned int cpu;
	int w;
	void *addr;

	smm_test_fill_page(direct(inst, page), pfn);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(&inst->hm, NULL), 0);
	addr = smm_kmap_atomic(&inst->hm, page);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* From here to the kunmap, nothing may abort the case. */
	cpu = raw_smp_processor_id();
	KUNIT_EXPECT_PTR_NE(test, addr, (void *)direct(inst, page));
	KUNIT_EXPECT_FALSE(test, virt_addr_valid(addr));
	KUNIT_EXPECT_FALSE(test, smm_arena_virt_to_pfn(&inst->arena, addr, &dpfn));
	KUNIT_EXPECT_TRUE(test, host_maps(inst, addr, page));
	KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, 0)),
			kmap_entry(inst, page));
	w = smm_test_page_mismatch(addr, pfn);
	KUNIT_EXPECT_EQ_MSG(test, w, -1, "word %d read through the kmap", w);
	smm_test_fill_page(addr, ~pfn);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(&inst->hm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(&inst->hm, addr), 0);

	w = smm_test_page_mismatch(direct(inst, page), ~pfn);
	KUNIT_EXPECT_EQ_MSG(test, w, -1, "word %d written through the kmap", w);
	KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, 0)), 0ULL);
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(&inst->hm, NULL), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/*
 * smm_kmap_atomic_pages(): consecutive slots, one host mapping, page i at
 * the address plus i pages; a kmap_atomic nests above it; the group goes
 * only as a whole, by its first address, and only once what nests above
 * it has gone.
 */
static void highmem_test_kmap_atomic_pages(struct kunit *test)
{
	const unsigned int n = 5;
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, n + 1);
	struct smm_kmap_local *l;
	unsigned int cpu, i, bad_map = 0, bad_pte = 0, bad_data = 0;
	struct stat_snap s;
	void *addr, *top;

	for (i = 0; i <= n; i++)
		smm_test_fill_page(direct(inst, p->pages[i]), 0x700 + i);
	stats_take(inst, &s);
	addr = smm_kmap_atomic_pages(hm, p->pages, n);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* From here to the last kunmap, nothing may abort the case. */
	cpu = raw_smp_processor_id();
	l = per_cpu_ptr(hm->local, cpu);
	top = smm_kmap_atomic(hm, p->pages[n]);
	KUNIT_EXPECT_NOT_NULL(test, top);
	KUNIT_EXPECT_EQ(test, l->depth, top ? n + 1 : n);
	for (i = 0; i < n; i++) {
		void *a = addr + i * PAGE_SIZE;

		bad_map += !host_maps(inst, a, p->pages[i]) || l->addr[i] != a ||
			   l->page[i] != p->pages[i] || l->first[i] != 0;
		bad_pte += shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, i)) !=
			   kmap_entry(inst, p->pages[i]);
		bad_data += smm_test_page_mismatch(a, 0x700 + i) != -1;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_map, 0U, "pages not where the group says");
	KUNIT_EXPECT_EQ_MSG(test, bad_pte, 0U, "shadow PTEs of the group");
	KUNIT_EXPECT_EQ_MSG(test, bad_data, 0U, "contents read through the group");
	if (top) {
		KUNIT_EXPECT_TRUE(test, host_maps(inst, top, p->pages[n]));
		KUNIT_EXPECT_EQ(test, l->first[n], n);
		KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, n)),
				kmap_entry(inst, p->pages[n]));
		KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(top, 0x700 + n), -1);
	}
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_HOST_MAPS), top ? 2UL : 1UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_ATOMIC), top ? n + 1UL : n);

	/* Not the last kmap: the group under the nested one, and a page inside it. */
	if (top)
		KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr + PAGE_SIZE), -EINVAL);
	if (top)
		KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, top), 0);
	KUNIT_EXPECT_EQ(test, l->depth, n);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr + (n - 1) * PAGE_SIZE), -EINVAL);
	KUNIT_EXPECT_EQ(test, l->depth, n);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr), 0);

	KUNIT_EXPECT_EQ(test, l->depth, 0U);
	KUNIT_EXPECT_NULL(test, l->owner);
	for (i = 0; i <= n; i++)
		KUNIT_EXPECT_EQ_MSG(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, i)), 0ULL,
				    "slot %u", i);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), top ? 3UL : 2UL);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* Batches that cannot be: refused, counted, nothing mapped, nothing broken. */
static void highmem_test_kmap_atomic_pages_bad(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, SMM_KM_MAX_IDX + 1);
	struct smm_page *low = smm_alloc_page(&inst->buddy, SMM_GFP_KERNEL);
	struct smm_page *mixed[3];
	struct stat_snap s;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, low);
	mixed[0] = p->pages[0];
	mixed[1] = low;
	mixed[2] = p->pages[1];
	stats_take(inst, &s);
	KUNIT_EXPECT_NULL(test, smm_kmap_atomic_pages(hm, p->pages, 0));
	KUNIT_EXPECT_NULL(test, smm_kmap_atomic_pages(hm, p->pages, SMM_KM_MAX_IDX + 1));
	KUNIT_EXPECT_NULL(test, smm_kmap_atomic_pages(hm, mixed, ARRAY_SIZE(mixed)));
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 3UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_HOST_MAPS), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_ATOMIC), 0UL);
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	smm_free_page(&inst->buddy, low);
}

/*
 * A slot reused after its unmap maps the new page, in the shadow and for
 * real: what is read through it is the new page's, and what is written
 * lands in the new page only.
 */
static void highmem_test_kmap_atomic_reuse(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, 2);
	unsigned long pa = pfn_of(inst, p->pages[0]), pb = pfn_of(inst, p->pages[1]);
	unsigned int cpu;
	void *a, *b;

	smm_test_fill_page(direct(inst, p->pages[0]), pa);
	smm_test_fill_page(direct(inst, p->pages[1]), pb);
	a = smm_kmap_atomic(hm, p->pages[0]);
	KUNIT_ASSERT_NOT_NULL(test, a);
	cpu = raw_smp_processor_id();
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(a, pa), -1);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, a), 0);

	b = smm_kmap_atomic(hm, p->pages[1]);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* The CPU may differ; the slot is this CPU's first either way. */
	KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(raw_smp_processor_id(), 0)),
			kmap_entry(inst, p->pages[1]));
	KUNIT_EXPECT_TRUE(test, host_maps(inst, b, p->pages[1]));
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(b, pb), -1);
	smm_test_fill_page(b, 0xb0b);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, b), 0);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(direct(inst, p->pages[1]), 0xb0b), -1);
	KUNIT_EXPECT_EQ(test, smm_test_page_mismatch(direct(inst, p->pages[0]), pa), -1);
	KUNIT_EXPECT_EQ(test, shadow_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, 0)), 0ULL);
}

/*
 * smm_clear_highpages(): every page zeroed, the HighMem ones a batch of
 * slots at a time (one host mapping per batch), the low ones through the
 * direct map, none of the HighMem ones through the direct map; with slots
 * held, the batches shrink to the free ones and nothing breaks.
 */
static void highmem_test_clear_highpages(struct kunit *test)
{
	const unsigned int nh = 2 * SMM_KM_MAX_IDX + 8, held = SMM_KM_MAX_IDX - 4;
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, nh + held);
	struct smm_page **pages, *low[2];
	unsigned long direct0;
	unsigned int i, n = 0, dirty = 0;
	struct stat_snap s;
	void *addr;
	int ret;

	pages = kunit_kcalloc(test, nh + ARRAY_SIZE(low), sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < ARRAY_SIZE(low); i++) {
		low[i] = smm_alloc_page(&inst->buddy, SMM_GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, low[i]);
	}
	for (i = 0; i < nh; i++) {
		pages[n++] = p->pages[i];
		if (i == 3 || i == nh - 1)
			pages[n++] = low[i == 3 ? 0 : 1];
	}
	for (i = 0; i < n; i++)
		memset(direct(inst, pages[i]), 0x5a, PAGE_SIZE);
	direct0 = smm_buddy_stat(&inst->buddy, SMM_BUDDY_HIGHMEM_DIRECT);
	stats_take(inst, &s);

	KUNIT_EXPECT_EQ(test, smm_clear_highpages(hm, pages, n), 0);
	for (i = 0; i < n; i++)
		dirty += !!memchr_inv(direct(inst, pages[i]), 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, dirty, 0U, "pages not zeroed");
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_CLEARS), (unsigned long)nh);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_HOST_MAPS),
			(unsigned long)DIV_ROUND_UP(nh, SMM_KM_MAX_IDX));
	KUNIT_EXPECT_EQ(test, smm_buddy_stat(&inst->buddy, SMM_BUDDY_HIGHMEM_DIRECT), direct0);
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);

	/* With all but four slots held: batches of four. */
	for (i = 0; i < nh; i++)
		memset(direct(inst, p->pages[i]), 0xa5, PAGE_SIZE);
	addr = smm_kmap_atomic_pages(hm, p->pages + nh, held);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* From here to the kunmap, nothing may abort the case. */
	stats_take(inst, &s);
	ret = smm_clear_highpages(hm, p->pages, nh);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_HOST_MAPS),
			(unsigned long)DIV_ROUND_UP(nh, SMM_KM_MAX_IDX - held));
	KUNIT_EXPECT_EQ(test, local_depth(inst), held);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr), 0);
	KUNIT_EXPECT_EQ(test, ret, 0);
	dirty = 0;
	for (i = 0; i < nh; i++)
		dirty += !!memchr_inv(direct(inst, p->pages[i]), 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, dirty, 0U, "pages not zeroed with slots held");
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	for (i = 0; i < ARRAY_SIZE(low); i++)
		smm_free_page(&inst->buddy, low[i]);
}

/*
 * The check can fail: a slot whose shadow PTE names another page than the
 * one its host address maps is a disagreement, and so is a shadow PTE in
 * a slot not in use.
 */
static void highmem_test_kmap_check_catches(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct smm_highmem *hm = &inst->hm;
	struct pool *p = high_pool(test, inst, 2);
	unsigned int cpu;
	u64 *pte, saved;
	void *addr;
	int bad_wrong, bad_stray;

	addr = smm_kmap_atomic(hm, p->pages[0]);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	/* From here to the kunmap, nothing may abort the case. */
	cpu = raw_smp_processor_id();
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	pte = slot_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, 0));
	saved = READ_ONCE(*pte);
	WRITE_ONCE(*pte, kmap_entry(inst, p->pages[1]));
	bad_wrong = smm_kmap_check(hm, NULL);
	WRITE_ONCE(*pte, saved);
	pte = slot_pte(inst, SMM_KMAP_LOCAL_ADDR(cpu, 1));
	WRITE_ONCE(*pte, kmap_entry(inst, p->pages[1]));
	bad_stray = smm_kmap_check(hm, NULL);
	WRITE_ONCE(*pte, 0);
	KUNIT_EXPECT_EQ(test, smm_kmap_check(hm, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_kunmap_atomic(hm, addr), 0);
	KUNIT_EXPECT_EQ(test, bad_wrong, 1);
	KUNIT_EXPECT_EQ(test, bad_stray, 1);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

/* One thread of the concurrent case, bound to one CPU. */
struct kmap_worker {
	struct smm_instance *inst;
	struct smm_page **pages;
	struct completion done;
	struct rnd_state rnd;
	unsigned int cpu;
	unsigned long kmaps, atomics, bad_addr, bad_data, bad_ret;
	unsigned int nheld;
	unsigned int held[CONC_HOLD];
	void *held_addr[CONC_HOLD];
};

static bool tag_ok(struct kmap_worker *w, const u32 *addr, unsigned int i)
{
	u32 tag = pfn_of(w->inst, w->pages[i]);

	return addr[0] == tag && addr[PAGE_SIZE / sizeof(u32) - 1] == ~tag;
}

static void worker_kunmap(struct kmap_worker *w, unsigned int j)
{
	w->bad_ret += smm_kunmap(&w->inst->hm, w->pages[w->held[j]]) != 0;
	w->nheld--;
	w->held[j] = w->held[w->nheld];
	w->held_addr[j] = w->held_addr[w->nheld];
}

static void worker_atomic(struct kmap_worker *w)
{
	struct smm_highmem *hm = &w->inst->hm;
	unsigned int i = prandom_u32_state(&w->rnd) % CONC_PAGES;
	unsigned int k = prandom_u32_state(&w->rnd) % CONC_PAGES;
	void *a, *b;

	a = smm_kmap_atomic(hm, w->pages[i]);
	if (!a) {
		w->bad_addr++;
		return;
	}
	b = smm_kmap_atomic(hm, w->pages[k]);
	w->bad_addr += !b;
	w->bad_data += !tag_ok(w, a, i) || (b && !tag_ok(w, b, k));
	if (b)
		w->bad_ret += smm_kunmap_atomic(hm, b) != 0;
	w->bad_ret += smm_kunmap_atomic(hm, a) != 0;
	w->atomics++;
}

static int kmap_worker_fn(void *data)
{
	struct kmap_worker *w = data;
	struct smm_highmem *hm = &w->inst->hm;
	unsigned int op;

	for (op = 0; op < CONC_OPS; op++) {
		u32 r = prandom_u32_state(&w->rnd);

		if (w->nheld < CONC_HOLD && (!w->nheld || (r & 1))) {
			unsigned int i = (r >> 1) % CONC_PAGES;
			void *addr = smm_kmap(hm, w->pages[i]);

			if (!addr) {
				w->bad_addr++;
				continue;
			}
			w->bad_data += !tag_ok(w, addr, i);
			w->bad_addr += smm_page_address(hm, w->pages[i]) != addr;
			w->held[w->nheld] = i;
			w->held_addr[w->nheld++] = addr;
			w->kmaps++;
		} else {
			unsigned int j = (r >> 1) % w->nheld;

			/* Still mapped where it was while we hold it. */
			w->bad_addr += smm_page_address(hm, w->pages[w->held[j]]) !=
				       w->held_addr[j];
			worker_kunmap(w, j);
		}
		if (op % 16 == 8)
			worker_atomic(w);
		if (!(op % 64))
			cond_resched();
	}
	while (w->nheld)
		worker_kunmap(w, w->nheld - 1);
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * One thread per online CPU, kmapping, checking and kunmapping pages of a
 * shared pool half again as large as the window, so slots are shared,
 * go idle and are flushed under the other thread's feet; kmap_atomic in
 * between.  Each page carries its PFN, so a mapping of the wrong page
 * shows.  Lockdep and KASAN watch the rest.
 */
static void highmem_test_concurrent(struct kunit *test)
{
	struct smm_instance *inst = hm_setup(test);
	struct pool *p = high_pool(test, inst, CONC_PAGES);
	unsigned int nr = num_online_cpus(), started = 0, n, cpu, used;
	struct stat_snap s;
	struct kmap_worker *w;
	unsigned long kmaps = 0;

	for (n = 0; n < CONC_PAGES; n++) {
		u32 *words = direct(inst, p->pages[n]);

		words[0] = pfn_of(inst, p->pages[n]);
		words[PAGE_SIZE / sizeof(u32) - 1] = ~words[0];
	}
	w = kunit_kcalloc(test, nr, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	stats_take(inst, &s);

	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (started == nr)
			break;
		w[started].inst = inst;
		w[started].pages = p->pages;
		w[started].cpu = cpu;
		init_completion(&w[started].done);
		prandom_seed_state(&w[started].rnd, CONC_SEED + cpu);
		t = kthread_create_on_cpu(kmap_worker_fn, &w[started], cpu, "smm_kunit_km/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		started++;
	}
	kunit_info(test, "%u threads, seeds %#x + cpu, %d operations each\n", started,
		   CONC_SEED, CONC_OPS);
	for (n = 0; n < started; n++)
		wait_for_completion(&w[n].done);
	KUNIT_ASSERT_GT(test, started, 0U);

	for (n = 0; n < started; n++) {
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_addr, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_data, 0UL, "cpu %u: wrong page mapped",
				    w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_ret, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_GT(test, w[n].atomics, 0UL);
		kmaps += w[n].kmaps;
	}
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_KMAPS), kmaps);
	KUNIT_EXPECT_GT(test, stat_delta(inst, &s, SMM_KMAP_WRAPS), 0UL);
	KUNIT_EXPECT_EQ(test, stat_delta(inst, &s, SMM_KMAP_BAD), 0UL);
	window_check(test, inst, &used, NULL);
	KUNIT_EXPECT_EQ(test, used, 0U);
	KUNIT_EXPECT_EQ(test, local_depth(inst), 0U);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	kunit_info(test, "%lu kmaps, %lu wraps, %lu slots flushed\n", kmaps,
		   stat_delta(inst, &s, SMM_KMAP_WRAPS), stat_delta(inst, &s, SMM_KMAP_FLUSHED));
}

static struct kunit_case highmem_test_cases[] = {
	KUNIT_CASE(highmem_test_lowmem_direct),
	KUNIT_CASE(highmem_test_kmap_highmem),
	KUNIT_CASE(highmem_test_kmap_count),
	KUNIT_CASE(highmem_test_wrap),
	KUNIT_CASE(highmem_test_exhaustion),
	KUNIT_CASE(highmem_test_kunmap_not_mapped),
	KUNIT_CASE(highmem_test_kmap_atomic),
	KUNIT_CASE(highmem_test_kmap_atomic_one_owner),
	KUNIT_CASE(highmem_test_zero_highmem),
	KUNIT_CASE(highmem_test_release_returns_pages),
	KUNIT_CASE(highmem_test_kmap_atomic_real_mapping),
	KUNIT_CASE(highmem_test_kmap_atomic_pages),
	KUNIT_CASE(highmem_test_kmap_atomic_pages_bad),
	KUNIT_CASE(highmem_test_kmap_atomic_reuse),
	KUNIT_CASE(highmem_test_clear_highpages),
	KUNIT_CASE(highmem_test_kmap_check_catches),
	KUNIT_CASE_SLOW(highmem_test_concurrent),
	{}
};

static struct kunit_suite highmem_test_suite = {
	.name = "shadow_mm_highmem",
	.test_cases = highmem_test_cases,
};

kunit_test_suite(highmem_test_suite);
