// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm reclaim: the LRU lists of user pages, shrink_inactive_list(),
 * shrink_active_list(), direct reclaim and kswapd.
 */

/**
 * DOC: reclaim
 *
 * Every user page of /dev/shadow_mm is on one LRU list of its zone: new
 * pages start inactive, as anonymous pages have since 5.9 (commit
 * b518154e59aa, "mm/vmscan: protect the workingset on anonymous LRU").
 * There is no page cache in the shadow, so there are only the two anon
 * lists.
 *
 * Reclaim scans the tail of the inactive list in batches of
 * %SMM_SWAP_CLUSTER_MAX, as shrink_inactive_list() does, and decides each
 * page as folio_check_references() does: a page some process touched since
 * the last look is kept, at the head of the list, the first time (it gets
 * %SMM_PG_REFERENCED), and moved to the active list the second time
 * (pgactivate); a page nobody touched goes to swap (pgsteal).  When the
 * inactive list is smaller than the active one (inactive_is_low() with a
 * ratio of 1, the kernel's below 1 GiB), shrink_active_list() first moves
 * as many pages as the batch scans from the tail of the active list to the
 * inactive one (pgdeactivate); it deactivates referenced anon pages too,
 * as the kernel does.  Without swap there is nothing reclaim can do with
 * an anon page, and it does not scan; once the swap area is full, reclaim
 * stops.
 *
 * Referenced, without trusting user space: the kernel reads and clears
 * the accessed bit of every PTE that maps the page.  A module cannot
 * clear the host's accessed bit, so the fault layer emulates it: it sets
 * ACCESSED in the shadow PTE at each fault, and to clear it, clears the
 * bit and unmaps the page from the host's page table (zap_vma_ptes()).
 * The next touch faults, and the fault sets the bit again.  A hot page
 * costs a minor fault per scan; a cold one nothing.
 *
 * kswapd: one kthread per instance with swap (without swap it could do
 * nothing, so there is none).  A fault that leaves a zone below its
 * low watermark wakes it; it reclaims until every zone with user pages is
 * above its high watermark, or nothing more can be reclaimed
 * (balance_pgdat()).  With swappiness 0 kswapd does not swap; direct
 * reclaim still does, as the kernel still reclaims anon memory when
 * nothing else is left.
 *
 * Direct reclaim: an allocation for a user page that fails at the min
 * watermark counts an allocstall, reclaims a batch itself, and tries again
 * (__alloc_pages_direct_reclaim()); only when reclaim makes no progress
 * does the fault fail, with SIGBUS.
 *
 * Lock order: the owner's lock (the fault layer's mapping lock), then
 * @lru_lock.  @reclaim_lock is taken first of all, and never inside the
 * owner's lock: the owner is taken with a trylock under it.
 */

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "common.h"
#include "trace.h"
#include "vmscan.h"

/* SWAP_CLUSTER_MAX: pages reclaim takes off a list at a time. */
#define SMM_SWAP_CLUSTER_MAX	32
/* DEF_PRIORITY: the first scan looks at 1/4096 of the lists. */
#define SMM_DEF_PRIORITY	12

static inline struct list_head *page_list(struct smm_vmscan *vs, struct smm_page *page,
					  enum smm_lru_list lru)
{
	return &vs->lists[smm_page_zonenum(page)][lru];
}

static inline enum smm_lru_list page_lru(const struct smm_page *page)
{
	return smm_page_test(page, SMM_PG_ACTIVE) ? SMM_LRU_ACTIVE_ANON : SMM_LRU_INACTIVE_ANON;
}

/**
 * smm_lru_add() - folio_add_lru(): a new user page goes on the inactive list
 * @vs: the instance's reclaim
 * @page: an order-0 page just given to a process
 *
 * Context: any; takes @vs->lru_lock.
 */
void smm_lru_add(struct smm_vmscan *vs, struct smm_page *page)
{
	spin_lock(&vs->lru_lock);
	if (!SMM_WARN_ON(vs->broken, smm_page_test(page, SMM_PG_LRU))) {
		smm_page_clear(page, SMM_PG_ACTIVE);
		smm_page_clear(page, SMM_PG_REFERENCED);
		smm_page_set(page, SMM_PG_LRU);
		list_add(&page->lru, page_list(vs, page, SMM_LRU_INACTIVE_ANON));
		vs->nr[smm_page_zonenum(page)][SMM_LRU_INACTIVE_ANON]++;
	}
	spin_unlock(&vs->lru_lock);
}

/**
 * smm_lru_del() - take a user page off its list before it is freed
 * @vs: the instance's reclaim
 * @page: the page
 *
 * Context: any; takes @vs->lru_lock.
 */
void smm_lru_del(struct smm_vmscan *vs, struct smm_page *page)
{
	spin_lock(&vs->lru_lock);
	if (!SMM_WARN_ON(vs->broken, !smm_page_test(page, SMM_PG_LRU))) {
		list_del(&page->lru);
		vs->nr[smm_page_zonenum(page)][page_lru(page)]--;
		smm_page_clear(page, SMM_PG_LRU);
		smm_page_clear(page, SMM_PG_ACTIVE);
		smm_page_clear(page, SMM_PG_REFERENCED);
	}
	spin_unlock(&vs->lru_lock);
}

/* Move @page to the head of @lru; under lru_lock. */
static void lru_move(struct smm_vmscan *vs, struct smm_page *page, enum smm_lru_list lru)
{
	unsigned int zone = smm_page_zonenum(page);

	lockdep_assert_held(&vs->lru_lock);
	vs->nr[zone][page_lru(page)]--;
	if (lru == SMM_LRU_ACTIVE_ANON)
		smm_page_set(page, SMM_PG_ACTIVE);
	else
		smm_page_clear(page, SMM_PG_ACTIVE);
	list_move(&page->lru, &vs->lists[zone][lru]);
	vs->nr[zone][lru]++;
}

/**
 * smm_lru_pages() - pages on one kind of list, every zone together
 * @vs: the instance's reclaim
 * @lru: the list
 *
 * Return: the count, for meminfo and vmstat.
 */
unsigned long smm_lru_pages(struct smm_vmscan *vs, enum smm_lru_list lru)
{
	unsigned long n = 0;
	int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += READ_ONCE(vs->nr[z][lru]);
	return n;
}

/*
 * shrink_active_list(): move up to @nr pages from the tail of the active
 * list of @zone to the head of the inactive one.
 */
static void shrink_active_list(struct smm_vmscan *vs, int zone, unsigned long nr)
{
	unsigned long moved = 0;

	spin_lock(&vs->lru_lock);
	while (moved < nr && !list_empty(&vs->lists[zone][SMM_LRU_ACTIVE_ANON])) {
		struct smm_page *page = list_last_entry(&vs->lists[zone][SMM_LRU_ACTIVE_ANON],
							struct smm_page, lru);

		smm_page_clear(page, SMM_PG_REFERENCED);
		lru_move(vs, page, SMM_LRU_INACTIVE_ANON);
		moved++;
	}
	spin_unlock(&vs->lru_lock);
	smm_count_vm_events(vs->vmstat, SMM_PGDEACTIVATE, moved);
}

/*
 * shrink_inactive_list(): look at up to @nr pages at the tail of the
 * inactive list of @zone, and stop once @want are freed.  Returns the
 * pages freed; *@scanned counts the pages looked at; *@nospc is set if
 * the swap area is full.
 */
static unsigned long shrink_inactive_list(struct smm_vmscan *vs, int zone, unsigned long nr,
					  unsigned long want, unsigned long *scanned,
					  bool *nospc)
{
	const struct smm_rmap_ops *ops = vs->rmap;
	unsigned long freed = 0, activated = 0, i;

	for (i = 0; i < nr && freed < want; i++) {
		struct smm_page *page;
		void *cookie;
		int ref, ret;

		spin_lock(&vs->lru_lock);
		if (list_empty(&vs->lists[zone][SMM_LRU_INACTIVE_ANON])) {
			spin_unlock(&vs->lru_lock);
			break;
		}
		page = list_last_entry(&vs->lists[zone][SMM_LRU_INACTIVE_ANON], struct smm_page,
				       lru);
		/* Rotated now: a busy page does not stop the scan. */
		list_move(&page->lru, &vs->lists[zone][SMM_LRU_INACTIVE_ANON]);
		spin_unlock(&vs->lru_lock);
		(*scanned)++;

		cookie = ops->lock(vs->rmap_ctx, page);
		if (!cookie)
			continue;
		/* Under the owner's lock the page cannot change: look again. */
		if (!smm_page_test(page, SMM_PG_LRU) || smm_page_test(page, SMM_PG_ACTIVE)) {
			ops->unlock(vs->rmap_ctx, cookie);
			continue;
		}
		ref = ops->referenced(vs->rmap_ctx, page);
		if (ref > 0) {
			/* folio_check_references(): twice referenced goes active. */
			spin_lock(&vs->lru_lock);
			if (smm_page_test(page, SMM_PG_REFERENCED) || ref > 1) {
				smm_page_clear(page, SMM_PG_REFERENCED);
				lru_move(vs, page, SMM_LRU_ACTIVE_ANON);
				activated++;
			} else {
				smm_page_set(page, SMM_PG_REFERENCED);
			}
			spin_unlock(&vs->lru_lock);
			ops->unlock(vs->rmap_ctx, cookie);
			continue;
		}
		ret = ops->swapout(vs->rmap_ctx, page);
		ops->unlock(vs->rmap_ctx, cookie);
		if (!ret) {
			freed++;
		} else if (ret == -ENOSPC) {
			*nospc = true;
			break;
		}
	}
	smm_count_vm_events(vs->vmstat, SMM_PGACTIVATE, activated);
	return freed;
}

/*
 * shrink_lruvec() for one zone: deactivate when the inactive list is
 * short, then scan @nr pages of it, freeing up to @want.  Returns the
 * pages freed; *@scanned counts the inactive pages looked at (0: the list
 * is empty).
 */
static unsigned long shrink_zone(struct smm_vmscan *vs, int zone, unsigned long nr,
				 unsigned long want, bool kswapd, bool *nospc,
				 unsigned long *scanned)
{
	unsigned long freed, inactive, active;

	inactive = READ_ONCE(vs->nr[zone][SMM_LRU_INACTIVE_ANON]);
	active = READ_ONCE(vs->nr[zone][SMM_LRU_ACTIVE_ANON]);
	/* inactive_is_low(), inactive_ratio 1 below 1 GiB: scan @nr of the active list */
	if (inactive < active)
		shrink_active_list(vs, zone, nr);
	*scanned = 0;
	freed = shrink_inactive_list(vs, zone, nr, want, scanned, nospc);
	trace_smm_mm_vmscan_lru_shrink_inactive(vs, zone, *scanned, freed, kswapd);
	smm_count_vm_events(vs->vmstat, kswapd ? SMM_PGSCAN_KSWAPD : SMM_PGSCAN_DIRECT, *scanned);
	smm_count_vm_events(vs->vmstat, kswapd ? SMM_PGSTEAL_KSWAPD : SMM_PGSTEAL_DIRECT, freed);
	return freed;
}

static bool can_reclaim(struct smm_vmscan *vs)
{
	return vs->rmap && smm_swap_total_pages(vs->swap) && !READ_ONCE(*vs->broken);
}

/*
 * shrink_node() at falling priorities, as do_try_to_free_pages() and
 * balance_pgdat() run it: at priority p each zone of @list has its LRU
 * size >> p pages scanned, in batches of SWAP_CLUSTER_MAX, from
 * DEF_PRIORITY (12) down to 0, until @nr pages are freed.  Down to 0 the
 * scans add up to about twice the lists, so every page gets the two looks
 * that a page referenced once needs before it can go.  Stops when the
 * swap area is full.  Under reclaim_lock.
 */
static unsigned long reclaim_zones(struct smm_vmscan *vs, const enum smm_zone_type *list,
				   int n, unsigned long nr, bool kswapd)
{
	unsigned long freed = 0;
	bool nospc = false;
	int prio, i;

	lockdep_assert_held(&vs->reclaim_lock);
	for (prio = SMM_DEF_PRIORITY; prio >= 0 && freed < nr && !nospc; prio--) {
		for (i = 0; i < n && freed < nr && !nospc; i++) {
			int z = list[i];
			unsigned long size = READ_ONCE(vs->nr[z][SMM_LRU_INACTIVE_ANON]) +
					     READ_ONCE(vs->nr[z][SMM_LRU_ACTIVE_ANON]);
			unsigned long scan = size >> prio;

			while (scan && freed < nr && !nospc && can_reclaim(vs) &&
			       !fatal_signal_pending(current)) {
				unsigned long batch = min_t(unsigned long, scan,
							    SMM_SWAP_CLUSTER_MAX);
				unsigned long scanned;

				/* The budget goes by what was looked at, not asked for. */
				freed += shrink_zone(vs, z, batch, nr - freed, kswapd, &nospc,
						     &scanned);
				if (!scanned)
					break;
				scan -= min(scan, scanned);
				cond_resched();
			}
		}
	}
	return freed;
}

/* Reclaim up to @nr pages from the zones of @gfp's zonelist (all of them for a user page). */
static unsigned long do_reclaim(struct smm_vmscan *vs, unsigned long nr, unsigned int gfp,
				bool kswapd)
{
	enum smm_zone_type list[SMM_NR_ZONES];
	unsigned long freed = 0;
	int n;

	n = smm_gfp_zonelist(vs->buddy->zone_mask, gfp, list);
	if (n <= 0)
		return 0;
	mutex_lock(&vs->reclaim_lock);
	/* Under the lock: the rmap may have gone since the last reclaim. */
	if (can_reclaim(vs))
		freed = reclaim_zones(vs, list, n, nr, kswapd);
	mutex_unlock(&vs->reclaim_lock);
	return freed;
}

/**
 * smm_try_to_free_pages() - direct reclaim, for an allocation that failed
 * @vs: the instance's reclaim
 * @nr: pages wanted
 * @gfp: the allocation's flags: reclaim where it may take pages from
 *
 * Counts an allocstall.
 *
 * Return: pages freed; 0 means no progress (no swap, or nothing left).
 * Context: process context; sleeps.  No lock of the fault layer held.
 */
unsigned long smm_try_to_free_pages(struct smm_vmscan *vs, unsigned long nr, unsigned int gfp)
{
	unsigned long freed;

	smm_count_vm_event(vs->vmstat, SMM_ALLOCSTALL);
	trace_smm_mm_vmscan_direct_reclaim_begin(vs, 0, gfp);
	freed = do_reclaim(vs, max_t(unsigned long, nr, SMM_SWAP_CLUSTER_MAX), gfp, false);
	trace_smm_mm_vmscan_direct_reclaim_end(vs, freed);
	/*
	 * The pages freed went to this CPU's lists, which the watermark
	 * check does not count: drain them, as __alloc_pages_direct_reclaim()
	 * does with drain_all_pages() before its retry.
	 */
	if (freed)
		smm_drain_pages(vs->buddy);
	return freed;
}

/**
 * smm_reclaim_pages() - reclaim on request (the ``reclaim pages=N`` command)
 * @vs: the instance's reclaim
 * @nr: pages to reclaim, at most
 *
 * As a proactive reclaim (memory.reclaim): counted as direct reclaim.
 *
 * Return: pages freed, or -EIO for a broken instance.
 * Context: process context; sleeps.
 */
long smm_reclaim_pages(struct smm_vmscan *vs, unsigned long nr)
{
	unsigned long freed;

	if (READ_ONCE(*vs->broken))
		return -EIO;
	trace_smm_mm_vmscan_direct_reclaim_begin(vs, 0, SMM_GFP_HIGHUSER);
	freed = do_reclaim(vs, nr, SMM_GFP_HIGHUSER, false);
	trace_smm_mm_vmscan_direct_reclaim_end(vs, freed);
	return freed;
}

/**
 * smm_zones_low() - is a zone with user pages below its low watermark?
 * @vs: the instance's reclaim
 *
 * Return: true if kswapd has work.
 */
bool smm_zones_low(struct smm_vmscan *vs)
{
	int z;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		struct smm_zone *zone = &vs->buddy->zones[z];

		if (READ_ONCE(vs->nr[z][SMM_LRU_INACTIVE_ANON]) +
		    READ_ONCE(vs->nr[z][SMM_LRU_ACTIVE_ANON]) &&
		    !smm_zone_watermark_ok(zone, 0, zone->wmark[SMM_WMARK_LOW], 0))
			return true;
	}
	return false;
}

/**
 * smm_wakeup_kswapd() - wake kswapd if it has work
 * @vs: the instance's reclaim
 *
 * Context: any; does not sleep.
 */
void smm_wakeup_kswapd(struct smm_vmscan *vs)
{
	if (!vs->kswapd || !can_reclaim(vs) || !READ_ONCE(vs->swappiness))
		return;
	trace_smm_mm_vmscan_wakeup_kswapd(vs, SMM_NR_ZONES - 1, 0);
	WRITE_ONCE(vs->kswapd_wake, true);
	wake_up_interruptible(&vs->kswapd_wait);
}

/*
 * balance_pgdat(): reclaim until every zone with user pages is above its
 * high watermark, each zone at falling priorities as direct reclaim does.
 */
static void balance_pgdat(struct smm_vmscan *vs)
{
	int z;

	/*
	 * Free pages on the per-CPU lists are out of the watermarks' sight:
	 * a zone that only looks low needs a drain, not reclaim.
	 */
	smm_drain_pages(vs->buddy);

	for (z = SMM_NR_ZONES - 1; z >= 0; z--) {
		struct smm_zone *zone = &vs->buddy->zones[z];
		const enum smm_zone_type list[] = { z };
		unsigned long free, high, lru, want;

		lru = READ_ONCE(vs->nr[z][SMM_LRU_INACTIVE_ANON]) +
		      READ_ONCE(vs->nr[z][SMM_LRU_ACTIVE_ANON]);
		if (kthread_should_stop() || !READ_ONCE(vs->swappiness) || !lru)
			continue;
		if (smm_zone_watermark_ok(zone, 0, zone->wmark[SMM_WMARK_HIGH], 0))
			continue;
		free = smm_zone_free_pages(zone);
		high = zone->wmark[SMM_WMARK_HIGH];
		want = max_t(unsigned long, high - min(free, high), SMM_SWAP_CLUSTER_MAX);
		mutex_lock(&vs->reclaim_lock);
		if (can_reclaim(vs))
			reclaim_zones(vs, list, 1, want, true);
		mutex_unlock(&vs->reclaim_lock);
		/* Freed pages sit on this CPU's lists, out of the watermark's sight. */
		smm_drain_pages(vs->buddy);
	}
}

static int kswapd(void *arg)
{
	struct smm_vmscan *vs = arg;

	set_freezable();
	while (!kthread_should_stop()) {
		trace_smm_mm_vmscan_kswapd_sleep(vs);
		wait_event_freezable(vs->kswapd_wait,
				     READ_ONCE(vs->kswapd_wake) || kthread_should_stop());
		WRITE_ONCE(vs->kswapd_wake, false);
		if (kthread_should_stop())
			break;
		/* balance_pgdat() goes through every zone, from the highest. */
		trace_smm_mm_vmscan_kswapd_wake(vs, SMM_NR_ZONES - 1, 0);
		if (can_reclaim(vs))
			balance_pgdat(vs);
	}
	return 0;
}

/**
 * smm_vmscan_set_rmap() - the fault layer names how to reach the mappings
 * @vs: the instance's reclaim
 * @ops: the operations, or NULL when the layer goes
 * @ctx: their argument
 *
 * Context: process context, with no user page on the lists.
 */
void smm_vmscan_set_rmap(struct smm_vmscan *vs, const struct smm_rmap_ops *ops, void *ctx)
{
	mutex_lock(&vs->reclaim_lock);
	vs->rmap_ctx = ctx;
	WRITE_ONCE(vs->rmap, ops);
	mutex_unlock(&vs->reclaim_lock);
}

/**
 * smm_vmscan_init() - empty lists, and a sleeping kswapd if there is swap
 * @vs: the instance's reclaim
 * @b: its buddy allocator
 * @swap: its swap area
 * @vmstat: its counters
 * @broken: its broken flag
 * @name: the instance's name, for the thread's: kswapd-smm-NAME
 *
 * Return: 0, or kthread_run()'s error.
 * Context: process context.
 */
int smm_vmscan_init(struct smm_vmscan *vs, struct smm_buddy *b, struct smm_swap *swap,
		    struct smm_vmstat *vmstat, bool *broken, const char *name)
{
	int z, l;

	memset(vs, 0, sizeof(*vs));
	vs->buddy = b;
	vs->swap = swap;
	vs->vmstat = vmstat;
	vs->broken = broken;
	vs->swappiness = SMM_SWAPPINESS_DEFAULT;
	spin_lock_init(&vs->lru_lock);
	mutex_init(&vs->reclaim_lock);
	init_waitqueue_head(&vs->kswapd_wait);
	for (z = 0; z < SMM_NR_ZONES; z++)
		for (l = 0; l < SMM_NR_LRU_LISTS; l++)
			INIT_LIST_HEAD(&vs->lists[z][l]);
	/*
	 * No swap, nothing kswapd could do with an anon page: no thread.  An
	 * idle one is not free: every instance the bench makes would start
	 * and stop one, and its wakeups land in the measurements.
	 */
	if (!smm_swap_total_pages(swap))
		return 0;
	vs->kswapd = kthread_run(kswapd, vs, "kswapd-smm-%s", name);
	if (IS_ERR(vs->kswapd)) {
		int ret = PTR_ERR(vs->kswapd);

		vs->kswapd = NULL;
		return ret;
	}
	return 0;
}

/**
 * smm_vmscan_destroy() - stop kswapd
 * @vs: the instance's reclaim; its lists must be empty
 *
 * Context: process context.
 */
void smm_vmscan_destroy(struct smm_vmscan *vs)
{
	if (vs->kswapd)
		kthread_stop(vs->kswapd);
	vs->kswapd = NULL;
	WARN_ON_ONCE(smm_lru_pages(vs, SMM_LRU_INACTIVE_ANON) ||
		     smm_lru_pages(vs, SMM_LRU_ACTIVE_ANON));
}
