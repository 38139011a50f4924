// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm compaction: the migrate and free scanners of mm/compaction.c
 * over a shadow zone, moving the user pages of /dev/shadow_mm.
 */

/**
 * DOC: compaction
 *
 * A zone whose free memory is all in small blocks cannot serve a large
 * request, however much of it there is.  Compaction moves the movable
 * pages (our user pages: the ones on an LRU list, %SMM_PG_LRU) from the
 * bottom of the zone to free pages at its top, so that the bottom frees up
 * in large blocks.  compact_zone() of 6.12, per zone:
 *
 * - The *migrate scanner* walks up from zone_start_pfn a pageblock
 *   (&smm_buddy.thp_order) at a time (isolate_migratepages_block()),
 *   collecting user pages, up to %COMPACT_CLUSTER_MAX at a time; free
 *   blocks are stepped over whole.
 * - The *free scanner* walks down from the last pageblock of the zone
 *   (isolate_freepages()), taking free blocks off the buddy lists and
 *   splitting them into order-0 pages (isolate_freepages_block(),
 *   split_page(); smm_buddy_isolate_free()), only as many as the migrate
 *   scanner needs, and never below the min watermark.  It never scans
 *   the pageblock the migrate scanner is in, or any below.
 * - Each collected page is migrated (migrate_pages()) through the fault
 *   layer's reverse map (&smm_rmap_ops.migrate): under the object's lock,
 *   the page leaves its LRU list and every process's mapping, its
 *   contents are copied to the free page, every shadow entry gets the new
 *   PFN with the same bits, the new page takes the old one's place on its
 *   LRU list, and the old page is freed.  The host PTEs are zapped; the
 *   next touch refaults and maps the new page.  A page that cannot move
 *   (in the swap cache, mapped more often than one walk can take down, or
 *   its object or a process busy) stays, and counts as pgmigrate_fail.
 * - It ends when the scanners meet (COMPACT_COMPLETE) or, for an
 *   allocation, at a pageblock boundary once a free block of the wanted
 *   order exists (__compact_finished(): COMPACT_SUCCESS).  Free pages
 *   still isolated go back to the buddy allocator, and the per-CPU lists
 *   are drained, so that the freed pages merge.
 *
 * Before it starts on a zone for an allocation of order > 0,
 * compaction_suitable() asks two things.  Is a block of the order free at
 * the min watermark already (then there is nothing to do)?  And is there
 * room to migrate into: the order-0 watermark (min, or low above
 * PAGE_ALLOC_COSTLY_ORDER) plus compact_gap() = 2 << order pages free?
 * Above the costly order it also asks the fragmentation index: at 500 or
 * below (sysctl_extfrag_threshold), the failure is for want of memory,
 * not fragmentation, and compaction would not help.
 *
 * Two ways in:
 *
 * - ``compact [zone=NAME]`` on the control file: every zone with memory,
 *   or one, to the end (the order of /proc/sys/vm/compact_memory, -1).
 * - A failed allocation of order > 0, in the modern era: the buddy's slow
 *   path calls &smm_buddy.compact once (__alloc_pages_direct_compact()).
 *   It counts compact_stall, compacts the zones of the request's zonelist
 *   for its order, and counts compact_success if a zone can now serve
 *   the retry (at the min watermark, as the retry's second pass asks),
 *   compact_fail otherwise; the buddy retries only after a success.
 *   Only requests that may sleep compact: not __SMM_GFP_HIGH (GFP_ATOMIC),
 *   not slab pages (SLUB's slow path runs with preemption off), and not
 *   from atomic context where the kernel can tell (CONFIG_PREEMPT_COUNT).
 *   If another compaction runs, a direct one does not wait for it
 *   (COMPACT_CONTENDED) and counts nothing.
 *
 * The counters are /proc/vmstat's: compact_migrate_scanned,
 * compact_free_scanned, compact_isolated, compact_stall, compact_fail,
 * compact_success, pgmigrate_success and pgmigrate_fail.  The
 * ``compaction`` file of the instance shows the last run: what it scanned,
 * isolated, migrated and failed, how each zone ended, and the
 * unusable-free-space and fragmentation indices of every order before and
 * after, in the format of the ``extfrag`` file.
 *
 * Lock order: &smm_instance.ctl_lock (the command); the %SMM_COMPACT_RUNNING
 * bit of &smm_compact.flags (one compaction at a time; protects
 * &smm_compact.last); &smm_vmscan.reclaim_lock (keeps the reverse map from
 * going; reclaim and compaction take turns a batch at a time); the
 * object's lock, by trylock in &smm_rmap_ops.lock; then the page-table,
 * LRU and buddy locks, as the fault layer takes them.  A fault, fork,
 * munmap or exit holds the object's lock while it changes a mapping, so
 * it waits for a migration or makes the migration skip the page; reclaim
 * and compaction never run their batches at once; the control file's
 * alloc and free take the buddy's locks only.
 */

#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait_bit.h>

#include "common.h"
#include "compaction.h"
#include "instance.h"

/* COMPACT_CLUSTER_MAX: user pages migrated per batch. */
#define COMPACT_CLUSTER_MAX	32
/* sysctl_extfrag_threshold */
#define SMM_EXTFRAG_THRESHOLD	500

/**
 * struct compact_control - one zone's compaction in progress
 * @inst: the instance
 * @zone: the zone
 * @order: the order wanted; %SMM_COMPACT_ALL: to the end
 * @gfp: the request's flags, for the watermark checks (0 for the command)
 * @pageblock: pages per pageblock
 * @migrate_pfn: where the migrate scanner goes on, walking up
 * @free_pfn: the pageblock the free scanner scans next, walking down
 * @freepages: isolated free pages, order 0, linked through &smm_page.lru
 * @nr_freepages: pages on @freepages
 * @migratepages: user pages the migrate scanner found
 * @nr_migratepages: entries in @migratepages
 * @no_free: the free scanner found nothing more
 * @migrate_scanned: PFNs looked at by the migrate scanner
 * @free_scanned: PFNs looked at by the free scanner
 * @isolated: free and user pages isolated
 * @migrated: pages moved
 * @failed: pages that could not move
 */
struct compact_control {
	struct smm_instance *inst;
	struct smm_zone *zone;
	int order;
	unsigned int gfp;
	unsigned long pageblock;
	unsigned long migrate_pfn;
	unsigned long free_pfn;
	struct list_head freepages;
	unsigned long nr_freepages;
	struct smm_page *migratepages[COMPACT_CLUSTER_MAX];
	unsigned int nr_migratepages;
	bool no_free;
	unsigned long migrate_scanned;
	unsigned long free_scanned;
	unsigned long isolated;
	unsigned long migrated;
	unsigned long failed;
};

static const char *const result_names[] = {
	[SMM_COMPACT_RES_NOT_RUN]	= "not_run",
	[SMM_COMPACT_RES_SKIPPED]	= "skipped",
	[SMM_COMPACT_RES_SUCCESS]	= "success",
	[SMM_COMPACT_RES_COMPLETE]	= "complete",
	[SMM_COMPACT_RES_NO_FREE]	= "no_free_pages",
};

static_assert(ARRAY_SIZE(result_names) == SMM_COMPACT_RES_NR);

static inline unsigned long smm_zone_end(const struct smm_zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

/* compact_scanners_met(): the two are in the same pageblock, or crossed. */
static bool scanners_met(const struct compact_control *cc)
{
	return cc->free_pfn / cc->pageblock <= cc->migrate_pfn / cc->pageblock;
}

/* Free blocks per order of @z, a snapshot. */
static void snapshot(struct smm_buddy *b, struct smm_zone *z, unsigned long *nr)
{
	unsigned int o;

	spin_lock(&z->lock);
	for (o = 0; o < b->max_order; o++)
		nr[o] = z->free_area[o].nr_free;
	spin_unlock(&z->lock);
}

/**
 * smm_compact_largest_free_order() - the order of the largest free block
 * @b: the allocator
 * @z: one of its zones
 *
 * Return: the order, or -1 if the zone's free lists are empty.
 * Context: any; reads the counters without the lock.
 */
int smm_compact_largest_free_order(struct smm_buddy *b, const struct smm_zone *z)
{
	int o;

	for (o = b->max_order - 1; o >= 0; o--)
		/* Racy, as extfrag's readers are: a snapshot for reports and tests. */
		if (data_race(z->free_area[o].nr_free))
			return o;
	return -1;
}

/*
 * compaction_suitable() and compaction_suit_allocation_order() for an
 * order > 0: SUCCESS if a block is free already, SKIPPED if compaction
 * cannot or need not help, NOT_RUN (go on) otherwise.
 */
static enum smm_compact_result suitable(struct compact_control *cc)
{
	struct smm_zone *z = cc->zone;
	struct smm_buddy *b = &cc->inst->buddy;
	unsigned long nr[SMM_MAX_ORDER_LIMIT], mark;
	int unusable, extfrag;

	if (smm_zone_watermark_ok(z, cc->order, z->wmark[SMM_WMARK_MIN], cc->gfp))
		return SMM_COMPACT_RES_SUCCESS;
	/* __compaction_suitable(): room to migrate into, compact_gap() = 2 << order. */
	mark = cc->order > SMM_PAGE_ALLOC_COSTLY_ORDER ? z->wmark[SMM_WMARK_LOW] :
							 z->wmark[SMM_WMARK_MIN];
	if (!smm_zone_watermark_ok(z, 0, mark + (2UL << cc->order), 0))
		return SMM_COMPACT_RES_SKIPPED;
	if (cc->order > SMM_PAGE_ALLOC_COSTLY_ORDER) {
		snapshot(b, z, nr);
		smm_frag_indices(nr, b->max_order, cc->order, &unusable, &extfrag);
		if (extfrag >= 0 && extfrag <= SMM_EXTFRAG_THRESHOLD)
			return SMM_COMPACT_RES_SKIPPED;
	}
	return SMM_COMPACT_RES_NOT_RUN;
}

/* __compact_finished(): NOT_RUN means go on. */
static enum smm_compact_result finished(struct compact_control *cc)
{
	struct smm_buddy *b = &cc->inst->buddy;
	unsigned int o;

	if (scanners_met(cc))
		return SMM_COMPACT_RES_COMPLETE;
	if (cc->no_free)
		return SMM_COMPACT_RES_NO_FREE;
	if (cc->order == SMM_COMPACT_ALL)
		return SMM_COMPACT_RES_NOT_RUN;
	/* Always finish a pageblock, as the kernel does. */
	if (cc->migrate_pfn % cc->pageblock)
		return SMM_COMPACT_RES_NOT_RUN;
	for (o = cc->order; o < b->max_order; o++)
		/* Racy, as in the kernel: the allocation looks again under the lock. */
		if (data_race(cc->zone->free_area[o].nr_free))
			return SMM_COMPACT_RES_SUCCESS;
	return SMM_COMPACT_RES_NOT_RUN;
}

/*
 * isolate_migratepages(): the rest of the pageblock at @cc->migrate_pfn,
 * up to COMPACT_CLUSTER_MAX user pages.  The pages are only noted here:
 * the migration takes them off their lists under the object's lock, and
 * looks again there, since they may be freed in the meantime.
 */
static void isolate_migratepages(struct compact_control *cc)
{
	struct smm_buddy *b = &cc->inst->buddy;
	unsigned long pfn = cc->migrate_pfn;
	/* Below the free scanner's pageblock: scanners_met() said so. */
	unsigned long end = min(round_down(pfn, cc->pageblock) + cc->pageblock,
				smm_zone_end(cc->zone));

	while (pfn < end && cc->nr_migratepages < COMPACT_CLUSTER_MAX) {
		struct smm_page *page = smm_pfn_to_page(b->arena, pfn);
		u32 flags;

		cc->migrate_scanned++;
		if (!page) {
			pfn++;
			continue;
		}
		flags = READ_ONCE(page->flags);
		if (flags & BIT(SMM_PG_BUDDY)) {
			/* A free block: step over it (racy; a wrong order only costs a scan). */
			unsigned int order = READ_ONCE(page->order);

			pfn += order < b->max_order ? 1UL << order : 1;
			continue;
		}
		if ((flags & BIT(SMM_PG_LRU)) && READ_ONCE(page->owner) == SMM_OWNER_ALLOC)
			cc->migratepages[cc->nr_migratepages++] = page;
		pfn++;
	}
	cc->migrate_pfn = pfn;
}

/*
 * isolate_freepages(): walk down a pageblock at a time from
 * @cc->free_pfn, above the migrate scanner's pageblock, until there are
 * free pages for every page to migrate.
 */
static void isolate_freepages(struct compact_control *cc)
{
	struct smm_buddy *b = &cc->inst->buddy;
	struct smm_zone *z = cc->zone;
	unsigned long low = round_down(cc->migrate_pfn, cc->pageblock) + cc->pageblock;
	unsigned long n;

	while (cc->nr_freepages < cc->nr_migratepages) {
		unsigned long start = max(cc->free_pfn, z->zone_start_pfn);
		unsigned long end = min(cc->free_pfn + cc->pageblock, smm_zone_end(z));

		if (cc->free_pfn < low) {
			cc->no_free = true;
			return;
		}
		n = smm_buddy_isolate_free(b, z, start, end, &cc->freepages, &cc->free_scanned);
		cc->nr_freepages += n;
		cc->isolated += n;
		if (cc->nr_freepages >= cc->nr_migratepages)
			return;	/* the block may hold more: scan it again next time */
		if (cc->free_pfn < cc->pageblock) {
			cc->no_free = true;
			return;
		}
		cc->free_pfn -= cc->pageblock;
	}
}

/* migrate_pages() of the pages the migrate scanner found. */
static void migrate_pages(struct compact_control *cc)
{
	struct smm_vmscan *vs = &cc->inst->vmscan;
	const struct smm_rmap_ops *ops;
	unsigned int i;

	cc->isolated += cc->nr_migratepages;
	mutex_lock(&vs->reclaim_lock);
	ops = vs->rmap;
	for (i = 0; i < cc->nr_migratepages; i++) {
		struct smm_page *page = cc->migratepages[i], *newpage;
		void *cookie;
		int ret;

		if (!ops || !ops->migrate) {
			cc->failed++;
			continue;
		}
		if (!cc->nr_freepages)
			isolate_freepages(cc);
		if (!cc->nr_freepages) {
			/* Nothing to migrate into: the rest were never taken. */
			cc->isolated -= cc->nr_migratepages - i;
			break;
		}
		cookie = ops->lock(vs->rmap_ctx, page);
		if (!cookie) {
			/* Freed since, or its object busy. */
			cc->failed++;
			continue;
		}
		newpage = list_first_entry(&cc->freepages, struct smm_page, lru);
		list_del(&newpage->lru);
		cc->nr_freepages--;
		ret = ops->migrate(vs->rmap_ctx, page, newpage);
		ops->unlock(vs->rmap_ctx, cookie);
		if (ret) {
			list_add(&newpage->lru, &cc->freepages);
			cc->nr_freepages++;
			cc->failed++;
		} else {
			cc->migrated++;
		}
	}
	mutex_unlock(&vs->reclaim_lock);
	cc->nr_migratepages = 0;
}

/* release_free_list(): the free pages not used go back. */
static void release_freepages(struct compact_control *cc)
{
	struct smm_page *page, *next;

	list_for_each_entry_safe(page, next, &cc->freepages, lru) {
		list_del(&page->lru);
		smm_free_pages(&cc->inst->buddy, page, 0);
	}
	cc->nr_freepages = 0;
}

/* compact_zone(): the scanners over @cc->zone, until finished(). */
static enum smm_compact_result compact_zone(struct compact_control *cc)
{
	struct smm_buddy *b = &cc->inst->buddy;
	struct smm_zone *z = cc->zone;
	enum smm_compact_result ret;
	unsigned long block;

	if (cc->order != SMM_COMPACT_ALL) {
		ret = suitable(cc);
		if (ret != SMM_COMPACT_RES_NOT_RUN)
			return ret;
	}
	INIT_LIST_HEAD(&cc->freepages);
	cc->migrate_pfn = z->zone_start_pfn;
	cc->free_pfn = round_down(smm_zone_end(z) - 1, cc->pageblock);
	/* The free lists hold every free page: the per-CPU lists' too. */
	smm_drain_pages(b);
	while ((ret = finished(cc)) == SMM_COMPACT_RES_NOT_RUN) {
		block = cc->migrate_pfn / cc->pageblock;
		isolate_migratepages(cc);
		if (cc->nr_migratepages)
			migrate_pages(cc);
		/* A pageblock done: what was freed in it merges. */
		if (cc->migrate_pfn / cc->pageblock != block && cc->migrated)
			smm_drain_pages(b);
		if (fatal_signal_pending(current) || READ_ONCE(cc->inst->broken)) {
			ret = SMM_COMPACT_RES_NO_FREE;
			break;
		}
		cond_resched();
	}
	release_freepages(cc);
	smm_drain_pages(b);
	return ret;
}

/*
 * Compact the zones @zones (a bitmask) of @inst for @order, recording the
 * run in &smm_compact.last.  Under the RUNNING bit.  For an order > 0
 * stops at the first zone that succeeds, as try_to_compact_pages() does.
 */
static void compact_zones(struct smm_instance *inst, const enum smm_zone_type *list, int n,
			  int order, unsigned int gfp, bool direct)
{
	struct smm_compact_report *r = &inst->compact.last;
	struct smm_buddy *b = &inst->buddy;
	struct compact_control *cc;
	int i;

	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	r->runs++;
	r->direct = direct;
	r->order = order;
	r->migrate_scanned = 0;
	r->free_scanned = 0;
	r->isolated = 0;
	r->migrated = 0;
	r->failed = 0;
	for (i = 0; i < SMM_NR_ZONES; i++) {
		r->result[i] = SMM_COMPACT_RES_NOT_RUN;
		snapshot(b, &b->zones[i], r->before[i]);
	}
	for (i = 0; cc && i < n; i++) {
		struct smm_zone *z = &b->zones[list[i]];

		if (!z->managed_pages)
			continue;
		memset(cc, 0, sizeof(*cc));
		cc->inst = inst;
		cc->zone = z;
		cc->order = order;
		cc->gfp = gfp;
		cc->pageblock = 1UL << b->thp_order;
		r->result[z->idx] = compact_zone(cc);
		r->migrate_scanned += cc->migrate_scanned;
		r->free_scanned += cc->free_scanned;
		r->isolated += cc->isolated;
		r->migrated += cc->migrated;
		r->failed += cc->failed;
		if (order != SMM_COMPACT_ALL && r->result[z->idx] == SMM_COMPACT_RES_SUCCESS)
			break;
	}
	kfree(cc);
	for (i = 0; i < SMM_NR_ZONES; i++)
		snapshot(b, &b->zones[i], r->after[i]);
	smm_count_vm_events(&inst->vmstat, SMM_COMPACT_MIGRATE_SCANNED, r->migrate_scanned);
	smm_count_vm_events(&inst->vmstat, SMM_COMPACT_FREE_SCANNED, r->free_scanned);
	smm_count_vm_events(&inst->vmstat, SMM_COMPACT_ISOLATED, r->isolated);
	smm_count_vm_events(&inst->vmstat, SMM_PGMIGRATE_SUCCESS, r->migrated);
	smm_count_vm_events(&inst->vmstat, SMM_PGMIGRATE_FAIL, r->failed);
}

static void compact_unlock(struct smm_compact *c)
{
	clear_bit_unlock(SMM_COMPACT_RUNNING, &c->flags);
	/* The clear before wake_up_bit()'s look at the waitqueue (see its comment). */
	smp_mb__after_atomic();
	wake_up_bit(&c->flags, SMM_COMPACT_RUNNING);
}

/**
 * smm_compact() - compact one zone or all of them, to the end
 * @inst: the instance
 * @zone: an enum smm_zone_type, or -1 for every zone with memory
 *
 * What writing 1 to /proc/sys/vm/compact_memory does (compact_node(),
 * order -1): each zone's scanners run until they meet.  Waits for a
 * compaction that runs already.
 *
 * Return: 0; -EINVAL for a @zone out of range or without memory (nothing
 * done); -EINTR if killed while waiting; -EIO if the instance is broken.
 * Context: process context; sleeps.
 */
int smm_compact(struct smm_instance *inst, int zone)
{
	enum smm_zone_type list[SMM_NR_ZONES];
	int n = 0, i;

	if (zone >= SMM_NR_ZONES || (zone >= 0 && !inst->buddy.zones[zone].managed_pages)) {
		smm_bad_input("compact.zone", "zone %d has no memory", zone);
		return -EINVAL;
	}
	if (READ_ONCE(inst->broken))
		return -EIO;
	for (i = 0; i < SMM_NR_ZONES; i++)
		if (zone < 0 || zone == i)
			list[n++] = i;
	if (wait_on_bit_lock(&inst->compact.flags, SMM_COMPACT_RUNNING, TASK_KILLABLE))
		return -EINTR;
	compact_zones(inst, list, n, SMM_COMPACT_ALL, 0, false);
	compact_unlock(&inst->compact);
	return 0;
}

/* May this allocation sleep?  Only process context with nothing atomic held. */
static bool may_compact(unsigned int gfp)
{
	unsigned int site = (gfp & SMM_GFP_SITE_MASK) >> __SMM_GFP_SITE_SHIFT;

	if (gfp & __SMM_GFP_HIGH)
		return false;
	/* SLUB's slow path runs with preemption off (slub_alloc_slow()). */
	if (site == SMM_SITE_SLAB)
		return false;
	if (in_interrupt())
		return false;
	return !IS_ENABLED(CONFIG_PREEMPT_COUNT) || preemptible();
}

/**
 * smm_compact_alloc_failed() - direct compaction, the buddy's &smm_buddy.compact
 * @ctx: the instance
 * @gfp: the failed request's flags
 * @order: its order, > 0
 *
 * __alloc_pages_direct_compact(): counts compact_stall, compacts the zones
 * of @gfp's zonelist for @order, and counts compact_success if one of them
 * can now serve the request at its min watermark, compact_fail if none.
 * Nothing happens (and nothing is counted) for a request that may not
 * sleep or while another compaction runs.
 *
 * Return: 1 if the allocation should be tried again, 0 if not.
 * Context: the allocator's slow path, no lock of ours held; sleeps, but
 * only where may_compact() allows.
 */
unsigned long smm_compact_alloc_failed(void *ctx, unsigned int gfp, unsigned int order)
{
	struct smm_instance *inst = ctx;
	struct smm_buddy *b = &inst->buddy;
	enum smm_zone_type list[SMM_NR_ZONES];
	bool ok = false;
	int n, i;

	if (!order || !may_compact(gfp) || READ_ONCE(inst->broken))
		return 0;
	n = smm_gfp_zonelist(b->zone_mask, gfp, list);
	if (n <= 0)
		return 0;
	might_sleep();
	/* COMPACT_CONTENDED: another compaction runs; do not wait for it. */
	if (test_and_set_bit_lock(SMM_COMPACT_RUNNING, &inst->compact.flags))
		return 0;
	smm_count_vm_event(&inst->vmstat, SMM_COMPACT_STALL);
	compact_zones(inst, list, n, order, gfp, true);
	compact_unlock(&inst->compact);
	for (i = 0; i < n && !ok; i++) {
		struct smm_zone *z = &b->zones[list[i]];

		ok = z->managed_pages &&
		     smm_zone_watermark_ok(z, order, z->wmark[SMM_WMARK_MIN], gfp);
	}
	smm_count_vm_event(&inst->vmstat, ok ? SMM_COMPACT_SUCCESS : SMM_COMPACT_FAIL);
	return ok;
}

/* One index table, before or after, in the format of the ``extfrag`` file. */
static void index_table(struct seq_file *m, struct smm_buddy *b,
			unsigned long nr[][SMM_MAX_ORDER_LIMIT], const char *title, bool extfrag)
{
	unsigned int i, o;
	int unusable, frag, idx;

	seq_printf(m, "# %s\n", title);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		if (!b->zones[i].managed_pages)
			continue;
		seq_printf(m, "Node 0, zone %8s ", b->zones[i].name);
		for (o = 0; o < b->max_order; o++) {
			smm_frag_indices(nr[i], b->max_order, o, &unusable, &frag);
			idx = extfrag ? frag : unusable;
			seq_printf(m, extfrag ? "%2d.%03d " : "%d.%03d ", idx / 1000,
				   abs(idx % 1000));
		}
		seq_putc(m, '\n');
	}
}

/* The largest order with a free block in a snapshot, or -1. */
static int largest(const unsigned long *nr, unsigned int max_order)
{
	int o;

	for (o = max_order - 1; o >= 0; o--)
		if (nr[o])
			return o;
	return -1;
}

/**
 * smm_compact_show() - the last compaction's report
 * @m: the seq_file
 * @inst: the instance
 *
 * ``key value`` lines (runs, direct, order, migrate_scanned, free_scanned,
 * isolated, migrated, failed), then a ``zone`` line per zone with memory
 * (how it ended, the largest free order before and after), then the
 * unusable and fragmentation indices of every order, before and after.
 *
 * Return: 0, or -EINTR if killed while a compaction runs.
 * Context: process context; sleeps until a running compaction ends.
 */
int smm_compact_show(struct seq_file *m, struct smm_instance *inst)
{
	struct smm_compact_report *r = &inst->compact.last;
	struct smm_buddy *b = &inst->buddy;
	unsigned int i;

	if (wait_on_bit_lock(&inst->compact.flags, SMM_COMPACT_RUNNING, TASK_KILLABLE))
		return -EINTR;
	seq_printf(m, "runs %lu\n", r->runs);
	seq_printf(m, "direct %d\n", r->direct);
	seq_printf(m, "order %d\n", r->order);
	seq_printf(m, "migrate_scanned %lu\n", r->migrate_scanned);
	seq_printf(m, "free_scanned %lu\n", r->free_scanned);
	seq_printf(m, "isolated %lu\n", r->isolated);
	seq_printf(m, "migrated %lu\n", r->migrated);
	seq_printf(m, "failed %lu\n", r->failed);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		if (!b->zones[i].managed_pages)
			continue;
		seq_printf(m, "zone %s result %s largest_free_order %d %d\n", b->zones[i].name,
			   result_names[r->result[i]], largest(r->before[i], b->max_order),
			   largest(r->after[i], b->max_order));
	}
	index_table(m, b, r->before, "unusable_index before", false);
	index_table(m, b, r->after, "unusable_index after", false);
	index_table(m, b, r->before, "extfrag_index before", true);
	index_table(m, b, r->after, "extfrag_index after", true);
	compact_unlock(&inst->compact);
	return 0;
}

static int compaction_show(struct seq_file *m, void *v)
{
	return smm_compact_show(m, m->private);
}
DEFINE_SHOW_ATTRIBUTE(compaction);

/**
 * smm_compact_attach() - the ``compaction`` file, and compaction on failure
 * @inst: the instance, its buddy allocator up
 * @on_alloc_failure: install smm_compact_alloc_failed() as the buddy's
 *	&smm_buddy.compact (the modern era)
 *
 * Context: process context, at bring-up.
 */
void smm_compact_attach(struct smm_instance *inst, bool on_alloc_failure)
{
	if (inst->debugfs && !inst->compact.debugfs)
		inst->compact.debugfs = debugfs_create_file("compaction", 0400, inst->debugfs,
							    inst, &compaction_fops);
	if (!on_alloc_failure)
		return;
	inst->buddy.compact_ctx = inst;
	/* Pairs with smp_load_acquire() in smm_alloc_pages(): the context first. */
	smp_store_release(&inst->buddy.compact, smm_compact_alloc_failed);
}

/**
 * smm_compact_detach() - no more compaction on failure, and no file
 * @inst: the instance, before its layers go
 *
 * Waits for a compaction that runs.
 * Context: process context; sleeps.
 */
void smm_compact_detach(struct smm_instance *inst)
{
	WRITE_ONCE(inst->buddy.compact, NULL);
	debugfs_remove(inst->compact.debugfs);
	inst->compact.debugfs = NULL;
	wait_on_bit_lock(&inst->compact.flags, SMM_COMPACT_RUNNING, TASK_UNINTERRUPTIBLE);
	compact_unlock(&inst->compact);
}
