// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_vmscan": the LRU lists, shrink_active_list(),
 * shrink_inactive_list(), direct reclaim and kswapd, in isolation.
 *
 * Each case brings up an instance of its own, whose reclaim has no rmap
 * (the fault layer registers its own only on the default instance), and
 * installs a fake one: the case allocates order-0 HighUser pages from the
 * instance's buddy allocator and puts them on the LRU itself.  The fake's
 * lock() returns the page, or NULL for a page (or every page) the case
 * marks busy; referenced() returns the page's scripted counts, one per
 * call, then a default; swapout() writes the page to the instance's swap,
 * takes it off the LRU and frees it, or returns -ENOSPC when the swap is
 * full.  The fake counts everything it is asked, so that the cases can
 * check reclaim's counters against what really happened: pages scanned
 * are pages found busy, kept for a reference, or swapped out.
 *
 * Reclaim is deterministic on a private instance (kswapd sleeps unless it
 * is woken), so the cases assert exact numbers, worked out by hand from
 * vmscan.c: reclaim_zones() goes from priority 12 down to 0, and at
 * priority p scans (inactive + active) >> p pages of each zone, the size
 * taken when the zone's turn comes, in batches of SWAP_CLUSTER_MAX
 * (shrink_zone(batch, nr - freed)): each batch first deactivates a batch's
 * worth of the active list when inactive < active, then looks at up to a
 * batch of the inactive list and stops early once the pages still wanted
 * are freed.  The priority's budget goes down by the pages looked at.  It
 * stops when enough are freed, the swap area is full, or priority 0 is
 * done.  Every page the fake owns is in HighMem, so one zone scans.  Each
 * case frees its pages and swap slots when it ends, so that the
 * instance's teardown finds empty lists.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/vmscan.h"

/* SWAP_CLUSTER_MAX in vmscan.c */
#define VMSCAN_TEST_BATCH	32
#define VMSCAN_TEST_SCRIPT	4

struct fake_rmap;

/* One page of the fake owner. */
struct fake_page {
	struct fake_rmap *fr;
	struct smm_page *page;		/* NULL once freed */
	int script[VMSCAN_TEST_SCRIPT];	/* referenced() answers, in order */
	unsigned int nr_script;
	unsigned int calls;		/* referenced() calls so far */
	int ref_after;			/* the answer after the script */
	bool busy;			/* lock() fails */
	unsigned long slot;		/* where swapout() put it */
};

/* The fake rmap: the owner of every user page of the case. */
struct fake_rmap {
	struct smm_instance *inst;
	struct mutex lock;		/* the owner's lock; protects pages[] */
	struct fake_page *pages;
	unsigned int nr, max;
	unsigned long *reserved;	/* slots the case took to fill the swap; kvcalloc() */
	unsigned int nr_reserved;
	bool all_busy;
	atomic_t locks, busy, unlocks, ref_calls, ref_hits;
	atomic_t swapout_calls, swapouts, enospc, errors;
};

static void *fake_lock(void *ctx, struct smm_page *page)
{
	struct fake_rmap *fr = ctx;
	struct fake_page *fp;

	atomic_inc(&fr->locks);
	if (!mutex_trylock(&fr->lock)) {
		atomic_inc(&fr->busy);
		return NULL;
	}
	fp = page->mapping;
	if (!fp || fp->fr != fr || fp->page != page || fp->busy || READ_ONCE(fr->all_busy)) {
		mutex_unlock(&fr->lock);
		atomic_inc(&fr->busy);
		return NULL;
	}
	return page;
}

static void fake_unlock(void *ctx, void *cookie)
{
	struct fake_rmap *fr = ctx;

	atomic_inc(&fr->unlocks);
	mutex_unlock(&fr->lock);
}

static int fake_referenced(void *ctx, struct smm_page *page)
{
	struct fake_rmap *fr = ctx;
	struct fake_page *fp = page->mapping;
	int ref;

	lockdep_assert_held(&fr->lock);
	ref = fp->calls < fp->nr_script ? fp->script[fp->calls] : fp->ref_after;
	fp->calls++;
	atomic_inc(&fr->ref_calls);
	if (ref > 0)
		atomic_inc(&fr->ref_hits);
	return ref;
}

/* A user page goes back to the buddy allocator, as fault.c's upage_free(). */
static void fake_free_page(struct fake_rmap *fr, struct fake_page *fp)
{
	struct smm_page *page = fp->page;

	page->mapping = NULL;
	page->private = 0;
	page->refcount = 1;
	fp->page = NULL;
	if (smm_free_pages(&fr->inst->buddy, page, 0))
		atomic_inc(&fr->errors);
}

static int fake_swapout(void *ctx, struct smm_page *page)
{
	struct fake_rmap *fr = ctx;
	struct fake_page *fp = page->mapping;
	struct smm_swap *swap = &fr->inst->swap;
	unsigned long slot;

	lockdep_assert_held(&fr->lock);
	atomic_inc(&fr->swapout_calls);
	slot = smm_swap_alloc(swap);
	if (!slot) {
		atomic_inc(&fr->enospc);
		return -ENOSPC;
	}
	if (smm_swap_writepage(swap, slot, page)) {
		smm_swap_free(swap, slot);
		atomic_inc(&fr->errors);
		return -EAGAIN;
	}
	fp->slot = slot;
	smm_lru_del(&fr->inst->vmscan, page);
	fake_free_page(fr, fp);
	atomic_inc(&fr->swapouts);
	return 0;
}

static const struct smm_rmap_ops fake_rmap_ops = {
	.lock		= fake_lock,
	.unlock		= fake_unlock,
	.referenced	= fake_referenced,
	.swapout	= fake_swapout,
};

/* Free every page still held and every slot: the lists end up empty. */
static void fake_release(struct fake_rmap *fr)
{
	struct smm_vmscan *vs = &fr->inst->vmscan;
	unsigned int i;

	/* kswapd checks swappiness at each batch; reclaim_lock ends the batch. */
	WRITE_ONCE(vs->swappiness, 0);
	mutex_lock(&vs->reclaim_lock);
	mutex_unlock(&vs->reclaim_lock);
	mutex_lock(&fr->lock);
	for (i = 0; i < fr->nr; i++) {
		struct fake_page *fp = &fr->pages[i];

		if (fp->page) {
			if (smm_page_test(fp->page, SMM_PG_LRU))
				smm_lru_del(vs, fp->page);
			fake_free_page(fr, fp);
		}
		if (fp->slot) {
			if (smm_swap_free(&fr->inst->swap, fp->slot))
				atomic_inc(&fr->errors);
			fp->slot = 0;
		}
	}
	for (i = 0; i < fr->nr_reserved; i++)
		if (smm_swap_free(&fr->inst->swap, fr->reserved[i]))
			atomic_inc(&fr->errors);
	fr->nr_reserved = 0;
	kvfree(fr->reserved);
	fr->reserved = NULL;
	mutex_unlock(&fr->lock);
	smm_vmscan_set_rmap(vs, NULL, NULL);
}

static void fake_release_action(void *p)
{
	fake_release(p);
}

static struct smm_instance *vmscan_instance(struct kunit *test, unsigned int swap_mb)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.zone_normal_mb = 12,
		.slab = SMM_SLAB_SLUB,
		.swap_mb = swap_mb,
	};

	return smm_test_new_instance(test, &p);
}

/*
 * An instance with @swap_mb of swap and the fake rmap, for up to @max
 * pages; 0: as many as HighMem and Normal hold.
 */
static struct fake_rmap *fake_setup(struct kunit *test, unsigned int swap_mb, unsigned int max)
{
	struct smm_instance *inst = vmscan_instance(test, swap_mb);
	struct fake_rmap *fr = kunit_kzalloc(test, sizeof(*fr), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fr);
	if (!max)
		max = inst->buddy.zones[SMM_ZONE_HIGHMEM].managed_pages +
		      inst->buddy.zones[SMM_ZONE_NORMAL].managed_pages;
	fr->pages = kunit_kcalloc(test, max, sizeof(*fr->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fr->pages);
	fr->max = max;
	fr->inst = inst;
	mutex_init(&fr->lock);
	/* A test instance's reclaim starts without an rmap: nothing reclaims. */
	KUNIT_EXPECT_NULL(test, inst->vmscan.rmap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_release_action, fr), 0);
	smm_vmscan_set_rmap(&inst->vmscan, &fake_rmap_ops, fr);
	return fr;
}

/* A new user page on the LRU, or NULL if the buddy allocator has none. */
static struct fake_page *fake_try_add(struct fake_rmap *fr)
{
	struct smm_page *page;
	struct fake_page *fp;

	if (fr->nr == fr->max)
		return NULL;
	page = smm_alloc_pages(&fr->inst->buddy, SMM_GFP_HIGHUSER, 0);
	if (IS_ERR_OR_NULL(page))
		return NULL;
	mutex_lock(&fr->lock);
	fp = &fr->pages[fr->nr++];
	fp->fr = fr;
	fp->page = page;
	page->mapping = fp;
	mutex_unlock(&fr->lock);
	smm_lru_add(&fr->inst->vmscan, page);
	return fp;
}

static struct fake_page *fake_add(struct kunit *test, struct fake_rmap *fr)
{
	struct fake_page *fp = fake_try_add(fr);

	KUNIT_ASSERT_NOT_NULL(test, fp);
	return fp;
}

static void fake_script(struct fake_page *fp, int r0, int r1, int after)
{
	fp->script[0] = r0;
	fp->script[1] = r1;
	fp->nr_script = 2;
	fp->ref_after = after;
}

static unsigned long ev(struct fake_rmap *fr, enum smm_vm_event_item item)
{
	return smm_vm_events_sum(&fr->inst->vmstat, item);
}

static unsigned long lru(struct fake_rmap *fr, enum smm_lru_list l)
{
	return smm_lru_pages(&fr->inst->vmscan, l);
}

/* @fp is on the LRU, on the list @active says, with PG_referenced as @referenced. */
static void expect_page_state(struct kunit *test, const struct fake_page *fp, bool active,
			      bool referenced)
{
	unsigned int n = fp - fp->fr->pages;

	KUNIT_ASSERT_NOT_NULL_MSG(test, fp->page, "page %u was freed", n);
	KUNIT_EXPECT_TRUE_MSG(test, smm_page_test(fp->page, SMM_PG_LRU), "page %u", n);
	KUNIT_EXPECT_EQ_MSG(test, smm_page_test(fp->page, SMM_PG_ACTIVE), active, "page %u", n);
	KUNIT_EXPECT_EQ_MSG(test, smm_page_test(fp->page, SMM_PG_REFERENCED), referenced,
			    "page %u", n);
}

/*
 * Case 1, LRU movement.  Three subject pages S0..S2, referenced at their
 * first two looks, and unreferenced fodder that lets each reclaim end
 * exactly where the case wants it:
 *
 * - new pages are inactive;
 * - reclaim(3), six pages, S0..S2 at the tail: priority 2 scans 1 (S0),
 *   priority 1 scans 3 (S1, S2, and frees one fodder page), priority 0's
 *   batch of 5 stops after the last two fodder pages, the 2 still wanted:
 *   S0..S2, referenced once, get PG_referenced and rotate; 6 scanned,
 *   3 stolen;
 * - reclaim(3) again, three new fodder pages: priority 2 scans 1, S0,
 *   referenced a second time: active; priority 1 scans 3: S1 and S2 go
 *   active (pgactivate 3) and one fodder page is freed; at priority 0
 *   (batch 5) inactive 2 < active 3, so shrink_active_list() moves the
 *   batch's worth, which is the whole active list: S0, S1, S2 go back to
 *   the inactive list with PG_referenced clear (pgdeactivate 3), and the
 *   scan stops after the last two fodder pages, the 2 still wanted.
 *   Inactive 3 (S2, S1, S0), active 0: 12 scanned, 6 stolen;
 * - reclaim(1), inactive 3 >= active 0: no deactivation; S0, past its
 *   script, is unreferenced at its third look and goes to swap;
 * - reclaim(2), priority 1 scans 1: S1 goes; priority 0 scans 1: S2 goes
 *   too.  No more deactivation; the lists are empty.
 */
static void vmscan_test_lru_movement(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 1, 16);
	struct smm_vmscan *vs = &fr->inst->vmscan;
	struct fake_page *s[3];
	int i;

	for (i = 0; i < 3; i++) {
		s[i] = fake_add(test, fr);
		fake_script(s[i], 1, 1, 0);
		expect_page_state(test, s[i], false, false);
	}
	for (i = 0; i < 3; i++)
		fake_add(test, fr);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 6UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);

	/* First look: referenced once, kept inactive and marked. */
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 3), 3L);
	for (i = 0; i < 3; i++) {
		expect_page_state(test, s[i], false, true);
		KUNIT_EXPECT_EQ(test, s[i]->calls, 1U);
	}
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 3UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGACTIVATE), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGDEACTIVATE), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 6UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 3UL);

	/* Second look: referenced again, activated. */
	for (i = 0; i < 3; i++)
		fake_add(test, fr);
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 3), 3L);
	/* Activated, then all three deactivated at priority 0 with inactive 2 < active 3. */
	for (i = 0; i < 3; i++) {
		expect_page_state(test, s[i], false, false);
		KUNIT_EXPECT_EQ(test, s[i]->calls, 2U);
	}
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 3UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGACTIVATE), 3UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGDEACTIVATE), 3UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 12UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 6UL);

	/* inactive 3 >= active 0: no deactivation; S0, unreferenced now, goes. */
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 1), 1L);
	KUNIT_EXPECT_NULL(test, s[0]->page);
	KUNIT_EXPECT_EQ(test, s[0]->calls, 3U);
	for (i = 1; i < 3; i++) {
		expect_page_state(test, s[i], false, false);
		KUNIT_EXPECT_EQ(test, s[i]->calls, 2U);
	}
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGDEACTIVATE), 3UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 2UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 13UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 7UL);

	/* S1, then S2, unreferenced at their third look, go to swap. */
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 2), 2L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGDEACTIVATE), 3UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGACTIVATE), 3UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 15UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 9UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_NULL(test, s[i]->page);
		KUNIT_EXPECT_EQ(test, s[i]->calls, 3U);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapouts), 9);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

/*
 * Case 2, accounting.  40 unreferenced pages: reclaim(20) frees exactly 20
 * (priorities 5 to 1 scan 1, 2, 4, 8, and at priority 1 a batch of 12
 * that stops once the 5 still wanted are freed):
 * scanned == stolen == 20, 20 pages to swap, 20 more free pages in the
 * buddy allocator, 20 fewer on the LRU.  Then the other 20: 5 busy, 5
 * referenced once, 10 cold; reclaim(32) scans 1, 2, 5 and 10 at
 * priorities 4 to 1 (the 5 busy pages, the 5 referenced ones, which get
 * PG_referenced, and 8 cold pages freed), then at priority 0 the 12 left:
 * the last 2 cold pages, the busy ones again, and the referenced ones at
 * their second, unreferenced look, which go too.  It runs out of
 * priorities with 15 of 32: 30 scanned, of which 10 busy, 5 referenced
 * and 15 swapped out.
 */
static void vmscan_test_accounting(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 1, 64);
	struct smm_instance *inst = fr->inst;
	struct smm_vmscan *vs = &inst->vmscan;
	unsigned long free0, swap0;
	struct fake_page *fp[40];
	int i;

	for (i = 0; i < 40; i++)
		fp[i] = fake_add(test, fr);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 40UL);
	free0 = smm_buddy_free_pages(&inst->buddy);
	swap0 = smm_swap_free_pages(&inst->swap);

	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 20), 20L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 20UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 20UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_KSWAPD), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_KSWAPD), 0UL);
	/* pswpout is the fault layer's to count; the fake counts its own. */
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PSWPOUT), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapouts), 20);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(&inst->swap), swap0 - 20);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), free0 + 20);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 20UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	/* The oldest pages went first. */
	for (i = 0; i < 40; i++)
		KUNIT_EXPECT_EQ_MSG(test, !fp[i]->page, i < 20, "page %d", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->locks), atomic_read(&fr->unlocks));

	for (i = 20; i < 25; i++)
		fp[i]->busy = true;
	for (i = 25; i < 30; i++)
		fake_script(fp[i], 1, 0, 0);
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 32), 15L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 20UL + 30);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 20UL + 15);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->busy), 10);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->ref_hits), 5);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapouts), 20 + 15);
	/* Every page scanned was busy, kept for a reference, or stolen. */
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT),
			(unsigned long)(atomic_read(&fr->busy) + atomic_read(&fr->ref_hits) +
					atomic_read(&fr->swapout_calls)));
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT),
			(unsigned long)atomic_read(&fr->swapouts));
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGACTIVATE), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), free0 + 35);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(&inst->swap), swap0 - 35);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 5UL);
	for (i = 20; i < 25; i++)
		expect_page_state(test, fp[i], false, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->locks) - atomic_read(&fr->busy),
			atomic_read(&fr->unlocks));
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

/*
 * Case 3, busy pages and a full swap.  8 busy pages: reclaim(4) scans 1,
 * 2 and 4 at priorities 3 to 1, and at priority 0 a batch of all 8 (the
 * batch is not capped at the 4 pages wanted; it would stop only once 4
 * were freed): 15 scans, nothing freed, and every page stays on the
 * inactive list.  Then the swap is filled: the
 * first swapout, at priority 3, fails with -ENOSPC and ends the reclaim:
 * one scan.  With one slot free again, reclaim(8) frees one page at
 * priority 3, and the next swapout, at priority 2, ends it: 2 scans.
 */
static void vmscan_test_busy_and_full(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 1, 16);
	struct smm_instance *inst = fr->inst;
	struct smm_vmscan *vs = &inst->vmscan;
	unsigned long total = smm_swap_total_pages(&inst->swap), slot;
	struct fake_page *fp[8];
	int i;

	for (i = 0; i < 8; i++)
		fp[i] = fake_add(test, fr);
	WRITE_ONCE(fr->all_busy, true);
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 4), 0L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 15UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->busy), 15);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->ref_calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapout_calls), 0);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 8UL);
	for (i = 0; i < 8; i++)
		expect_page_state(test, fp[i], false, false);
	WRITE_ONCE(fr->all_busy, false);

	/* Not kunit's: the release, which frees it, runs after kunit's frees. */
	fr->reserved = kvcalloc(total, sizeof(*fr->reserved), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fr->reserved);
	while ((slot = smm_swap_alloc(&inst->swap)))
		fr->reserved[fr->nr_reserved++] = slot;
	KUNIT_ASSERT_EQ(test, (unsigned long)fr->nr_reserved, total);

	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 8), 0L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 15UL + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapout_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->enospc), 1);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 8UL);

	KUNIT_EXPECT_EQ(test, smm_swap_free(&inst->swap, fr->reserved[--fr->nr_reserved]), 0);
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 8), 1L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 15UL + 1 + 2);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 1UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->swapouts), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->enospc), 1 + 1);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 7UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

/*
 * Case 4, nothing to reclaim with: without an rmap, or without swap,
 * reclaim returns 0 without scanning, direct reclaim still counts its
 * stall, and kswapd is not woken.
 */
static void vmscan_test_no_swap(struct kunit *test)
{
	struct smm_instance *inst = vmscan_instance(test, 0);
	struct smm_vmscan *vs = &inst->vmscan;
	struct fake_rmap *fr;
	int i;

	/* A swapful instance, but no rmap yet. */
	fr = fake_setup(test, 1, 8);
	smm_vmscan_set_rmap(&fr->inst->vmscan, NULL, NULL);
	for (i = 0; i < 8; i++)
		fake_add(test, fr);
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(&fr->inst->vmscan, 8), 0L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 8UL);

	/* The rmap, but no swap. */
	fr = kunit_kzalloc(test, sizeof(*fr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fr);
	fr->pages = kunit_kcalloc(test, 8, sizeof(*fr->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fr->pages);
	fr->max = 8;
	fr->inst = inst;
	mutex_init(&fr->lock);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_release_action, fr), 0);
	smm_vmscan_set_rmap(vs, &fake_rmap_ops, fr);
	KUNIT_EXPECT_EQ(test, smm_swap_total_pages(&inst->swap), 0UL);
	for (i = 0; i < 8; i++)
		fake_add(test, fr);

	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 8), 0L);
	KUNIT_EXPECT_EQ(test, smm_try_to_free_pages(vs, 8, SMM_GFP_HIGHUSER), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_ALLOCSTALL), 1UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->locks), 0);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 8UL);
	smm_wakeup_kswapd(vs);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(vs->kswapd_wake));
	msleep(100);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_KSWAPD), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->locks), 0);
}

/*
 * Case 5, direct reclaim: smm_try_to_free_pages() counts an allocstall,
 * reclaims at least a batch (32 of 40 cold pages, however few were
 * asked for), and drains the per-CPU lists, so the zones' free counts,
 * which the watermark checks read, hold every page freed.  A request
 * for lowmem does not touch HighMem's lists.
 */
static void vmscan_test_direct_reclaim(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 1, 64);
	struct smm_instance *inst = fr->inst;
	struct smm_buddy *b = &inst->buddy;
	unsigned long before[SMM_NR_ZONES];
	int i, z;

	for (i = 0; i < 40; i++) {
		struct fake_page *fp = fake_add(test, fr);

		KUNIT_ASSERT_EQ(test, smm_page_zonenum(fp->page), (unsigned int)SMM_ZONE_HIGHMEM);
	}

	KUNIT_EXPECT_EQ(test, smm_try_to_free_pages(&inst->vmscan, 1, SMM_GFP_KERNEL), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_ALLOCSTALL), 1UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 40UL);

	for (z = 0; z < SMM_NR_ZONES; z++)
		before[z] = smm_zone_free_pages(&b->zones[z]) + smm_zone_pcp_pages(&b->zones[z]);
	KUNIT_EXPECT_EQ(test, smm_try_to_free_pages(&inst->vmscan, 1, SMM_GFP_HIGHUSER),
			(unsigned long)VMSCAN_TEST_BATCH);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_ALLOCSTALL), 2UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), (unsigned long)VMSCAN_TEST_BATCH);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), (unsigned long)VMSCAN_TEST_BATCH);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 40UL - VMSCAN_TEST_BATCH);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		unsigned long want = before[z] + (z == SMM_ZONE_HIGHMEM ? VMSCAN_TEST_BATCH : 0);

		KUNIT_EXPECT_EQ_MSG(test, smm_zone_pcp_pages(&b->zones[z]), 0UL, "zone %d", z);
		KUNIT_EXPECT_EQ_MSG(test, smm_zone_free_pages(&b->zones[z]), want, "zone %d", z);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

/* Fill HighMem with LRU pages until a zone is below its low watermark. */
static void fill_until_low(struct kunit *test, struct fake_rmap *fr)
{
	struct smm_vmscan *vs = &fr->inst->vmscan;

	/*
	 * Low with the per-CPU lists drained: kswapd drains them before it
	 * looks, and a zone that only looked low would need no reclaim.
	 */
	for (;;) {
		if (smm_zones_low(vs)) {
			smm_drain_pages(&fr->inst->buddy);
			if (smm_zones_low(vs))
				break;
		}
		KUNIT_ASSERT_NOT_NULL(test, fake_try_add(fr));
	}
	kunit_info(test, "%u pages on the LRU; HighMem free %lu, wmark low %lu high %lu\n",
		   fr->nr, smm_zone_free_pages(&fr->inst->buddy.zones[SMM_ZONE_HIGHMEM]),
		   fr->inst->buddy.zones[SMM_ZONE_HIGHMEM].wmark[SMM_WMARK_LOW],
		   fr->inst->buddy.zones[SMM_ZONE_HIGHMEM].wmark[SMM_WMARK_HIGH]);
}

/* Every zone with user pages is above its high watermark. */
static bool zones_balanced(struct smm_vmscan *vs)
{
	int z;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		struct smm_zone *zone = &vs->buddy->zones[z];

		if (READ_ONCE(vs->nr[z][SMM_LRU_INACTIVE_ANON]) +
		    READ_ONCE(vs->nr[z][SMM_LRU_ACTIVE_ANON]) &&
		    !smm_zone_watermark_ok(zone, 0, zone->wmark[SMM_WMARK_HIGH], 0))
			return false;
	}
	return true;
}

/*
 * Case 6, kswapd: a zone below its low watermark and a wakeup; within 30 s
 * every zone with user pages is above its high watermark (or the LRU is
 * empty), and what kswapd did is counted as kswapd's, not as direct
 * reclaim.  kswapd balances in well under a second; the margin is for a
 * TCG guest on a loaded host (5 s once failed with a load of 3.6).
 */
static void vmscan_test_kswapd(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 8, 0);
	struct smm_vmscan *vs = &fr->inst->vmscan;
	unsigned long deadline, on_lru;

	fill_until_low(test, fr);
	on_lru = lru(fr, SMM_LRU_INACTIVE_ANON);
	KUNIT_EXPECT_EQ(test, on_lru, (unsigned long)fr->nr);

	smm_wakeup_kswapd(vs);
	deadline = jiffies + 30 * HZ;
	while (!zones_balanced(vs) && lru(fr, SMM_LRU_INACTIVE_ANON) +
	       lru(fr, SMM_LRU_ACTIVE_ANON) && time_before(jiffies, deadline))
		msleep(20);
	/* kswapd's last batch, and its counts, are over once this is free. */
	mutex_lock(&vs->reclaim_lock);
	mutex_unlock(&vs->reclaim_lock);

	KUNIT_EXPECT_TRUE(test, zones_balanced(vs) || !(lru(fr, SMM_LRU_INACTIVE_ANON) +
							lru(fr, SMM_LRU_ACTIVE_ANON)));
	KUNIT_EXPECT_GT(test, ev(fr, SMM_PGSCAN_KSWAPD), 0UL);
	KUNIT_EXPECT_GT(test, ev(fr, SMM_PGSTEAL_KSWAPD), 0UL);
	KUNIT_EXPECT_GE(test, ev(fr, SMM_PGSCAN_KSWAPD), ev(fr, SMM_PGSTEAL_KSWAPD));
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_KSWAPD),
			(unsigned long)atomic_read(&fr->swapouts));
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON) + lru(fr, SMM_LRU_ACTIVE_ANON),
			on_lru - atomic_read(&fr->swapouts));
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_DIRECT), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_ALLOCSTALL), 0UL);
	KUNIT_EXPECT_FALSE(test, smm_zones_low(vs));
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
	kunit_info(test, "kswapd scanned %lu, stole %lu\n", ev(fr, SMM_PGSCAN_KSWAPD),
		   ev(fr, SMM_PGSTEAL_KSWAPD));
}

/* Case 6b: with swappiness 0 kswapd does not swap; direct reclaim still does. */
static void vmscan_test_kswapd_swappiness_zero(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 8, 0);
	struct smm_vmscan *vs = &fr->inst->vmscan;
	unsigned long on_lru;

	WRITE_ONCE(vs->swappiness, 0);
	fill_until_low(test, fr);
	on_lru = lru(fr, SMM_LRU_INACTIVE_ANON);

	smm_wakeup_kswapd(vs);
	msleep(500);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSCAN_KSWAPD), 0UL);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_KSWAPD), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->locks), 0);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), on_lru);
	KUNIT_EXPECT_TRUE(test, smm_zones_low(vs));

	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(vs, 4), 4L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGSTEAL_DIRECT), 4UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), on_lru - 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

/*
 * Case 7, teardown: after reclaim left pages on both lists (four went
 * active at once, referenced by two mappings), in swap and busy, the
 * release frees every page and slot: the lists are empty, the swap is
 * empty, and the buddy allocator has every page back.
 */
static void vmscan_test_teardown(struct kunit *test)
{
	struct fake_rmap *fr = fake_setup(test, 1, 32);
	struct smm_instance *inst = fr->inst;
	unsigned long free0, swap0 = smm_swap_free_pages(&inst->swap);
	struct fake_page *fp[24];
	int i;

	smm_drain_pages(&inst->buddy);
	free0 = smm_buddy_free_pages(&inst->buddy);
	for (i = 0; i < 24; i++)
		fp[i] = fake_add(test, fr);
	/* Two mappings referenced it: active at the first look. */
	for (i = 0; i < 4; i++)
		fake_script(fp[i], 2, 0, 0);
	fp[4]->busy = true;
	KUNIT_EXPECT_EQ(test, smm_reclaim_pages(&inst->vmscan, 8), 8L);
	KUNIT_EXPECT_EQ(test, ev(fr, SMM_PGACTIVATE), 4UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 4UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 12UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(&inst->swap), swap0 - 8);

	fake_release(fr);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_ACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, lru(fr, SMM_LRU_INACTIVE_ANON), 0UL);
	KUNIT_EXPECT_EQ(test, smm_swap_free_pages(&inst->swap), swap0);
	KUNIT_EXPECT_EQ(test, smm_buddy_free_pages(&inst->buddy), free0);
	KUNIT_EXPECT_NULL(test, inst->vmscan.rmap);
	for (i = 0; i < 24; i++)
		KUNIT_EXPECT_NULL(test, fp[i]->page);
	KUNIT_EXPECT_EQ(test, atomic_read(&fr->errors), 0);
}

static struct kunit_case vmscan_test_cases[] = {
	KUNIT_CASE(vmscan_test_lru_movement),
	KUNIT_CASE(vmscan_test_accounting),
	KUNIT_CASE(vmscan_test_busy_and_full),
	KUNIT_CASE(vmscan_test_no_swap),
	KUNIT_CASE(vmscan_test_direct_reclaim),
	KUNIT_CASE(vmscan_test_kswapd),
	KUNIT_CASE(vmscan_test_kswapd_swappiness_zero),
	KUNIT_CASE(vmscan_test_teardown),
	{}
};

static struct kunit_suite vmscan_test_suite = {
	.name = "shadow_mm_vmscan",
	.test_cases = vmscan_test_cases,
};

kunit_test_suite(vmscan_test_suite);
