// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm deferred struct-page init: pgdatinit, padata-style helpers,
 * deferred_grow_zone().
 */

/**
 * DOC: deferred struct page init
 *
 * With CONFIG_DEFERRED_STRUCT_PAGE_INIT the kernel initialises only part of
 * the mem_map at boot.  defer_init() lets memmap_init() go on through the
 * lower zones and through the first section of the highest zone of a node;
 * from the first section boundary after that, ``first_deferred_pfn``, the
 * descriptors are left alone, and memblock_free_all() hands nothing there
 * to the buddy allocator.  Later, page_alloc_init_late() starts one
 * ``pgdatinit`` kthread per node, which runs deferred_init_memmap(): the
 * rest of the zone is split into chunks of max-order blocks, and
 * padata_do_multithreaded() runs the chunks on as many threads as the node
 * has CPUs.  Each chunk is initialised a max-order block at a time, and
 * each block is freed to the buddy as soon as it is initialised
 * (deferred_init_maxorder()).  The caller waits for every node, and the
 * thread reports ``node 0 deferred pages initialised in N ms``.
 *
 * An allocation that finds the zone short before then calls
 * deferred_grow_zone(): under pgdat_resize_lock, it initialises and frees
 * the next section(s) of the deferred part, at least as many pages as the
 * order asks, rounded to a section, and moves ``first_deferred_pfn`` up.
 * Once the threads have taken the rest, the zone cannot grow any more;
 * once they are done, the static branch ``deferred_pages`` turns the hook
 * off.
 *
 * Here one instance is one node.  smm_deferred_setup() runs after the zones
 * are sized (smm_buddy_init(), free_area_init()) and before the mem_map is
 * initialised: it picks the deferred zone and ``first_deferred_pfn`` by
 * defer_init()'s rule and installs the grow hook in the buddy allocator.
 * smm_deferred_pfn() tells the mem_map initialisation and the handoff
 * (memblock_free_all()) which pages to leave.  A deferred page that is
 * free is not initialised but *stamped* (smm_memmap_init_range() with
 * @deferred): one word, owner %SMM_OWNER_FREE with PG_reserved, which no
 * initialised page has, so that a PFN walker (pfninfo, meminfo) reads it as
 * "usable, not yet handed to the page allocator, reserved" and never as
 * garbage (smm_page_deferred()).  A reserved page above the boundary is
 * initialised at bring-up anyway, as memmap_init_reserved_pages() does.
 * smm_deferred_start() runs the ``smm_pgdatinit/<instance>`` thread and
 * waits for it; the thread and its helpers find the stamped pages a block
 * at a time, initialise them, and free the block.
 *
 * The split is padata_do_multithreaded()'s: num_online_cpus() workers at
 * most, one per max-order block of work at most, chunks of a quarter of a
 * worker's share (load_balance_factor 4) rounded up to the alignment.  The
 * smm_pgdatinit thread is worker 0, as padata's caller is.  padata's
 * helpers are unbound kworkers that take chunks in turn; ours are kthreads
 * bound to one online CPU each, and each one's first chunk is its own (the
 * rest are taken in turn), so every CPU gets work even if some helper
 * starts late.  padata's multithreaded API is __init and not exported.
 *
 * Lock order:
 *   smm_deferred.lock	first_deferred_pfn, state (pgdat_resize_lock)
 *     smm_zone.lock	taken by the buddy's bulk free, inside grow_zone
 */

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "deferred.h"

static const char *const stat_names[] = {
	[SMM_DEFERRED_PAGES_BRINGUP]	= "pages_bringup",
	[SMM_DEFERRED_PAGES_THREADS]	= "pages_threads",
	[SMM_DEFERRED_PAGES_GROW]	= "pages_grow",
	[SMM_DEFERRED_FREED_THREADS]	= "freed_threads",
	[SMM_DEFERRED_FREED_GROW]	= "freed_grow",
	[SMM_DEFERRED_GROW_CALLS]	= "grow_calls",
	[SMM_DEFERRED_GROW_SECTIONS]	= "grow_sections",
	[SMM_DEFERRED_CHUNKS]		= "chunks",
};

static_assert(ARRAY_SIZE(stat_names) == SMM_DEFERRED_STAT_NR);

static const char *const state_names[] = {
	[SMM_DEFERRED_OFF]	= "off",
	[SMM_DEFERRED_PENDING]	= "pending",
	[SMM_DEFERRED_RUNNING]	= "running",
	[SMM_DEFERRED_DONE]	= "done",
	[SMM_DEFERRED_STOPPED]	= "stopped",
};

static_assert(ARRAY_SIZE(state_names) == SMM_DEFERRED_STATE_NR);

/* padata_do_multithreaded()'s load_balance_factor: chunks per worker. */
#define LOAD_BALANCE_FACTOR	4

/**
 * smm_deferred_stat_name() - name of a deferred-init counter
 * @item: the counter
 *
 * Return: a static string, "?" for an unknown counter.
 */
const char *smm_deferred_stat_name(enum smm_deferred_stat item)
{
	return item < SMM_DEFERRED_STAT_NR ? stat_names[item] : "?";
}

/**
 * smm_deferred_state_name() - name of a deferred-init state
 * @state: the state
 *
 * Return: a static string, "?" for an unknown state.
 */
const char *smm_deferred_state_name(enum smm_deferred_state state)
{
	return state < SMM_DEFERRED_STATE_NR ? state_names[state] : "?";
}

/**
 * smm_deferred_stat() - read a counter
 * @d: the deferred init
 * @item: the counter
 *
 * Return: its value, 0 for an unknown counter.
 * Context: any.
 */
unsigned long smm_deferred_stat(const struct smm_deferred *d, enum smm_deferred_stat item)
{
	return item < SMM_DEFERRED_STAT_NR ? atomic_long_read(&d->stats[item]) : 0;
}

static void stat_add(struct smm_deferred *d, enum smm_deferred_stat item, unsigned long n)
{
	atomic_long_add(n, &d->stats[item]);
}

/*
 * defer_init(): memmap_init() counts the pages of the zone it initialises,
 * and once more than a section's worth are done, it defers from the next
 * PFN that starts a section.  @end is the zone's end; the result is the
 * first deferred PFN, or SMM_DEFERRED_NONE_PFN if the zone never gets
 * there.  The count grows section by section, so the cost is one step per
 * section.
 */
static unsigned long defer_init(const struct smm_arena *a, unsigned long start,
				unsigned long end)
{
	unsigned long pfn, prev = start, seen = 0;

	end = min(end, a->end_pfn);
	for (pfn = round_up(start, SMM_PAGES_PER_SECTION); pfn < end;
	     pfn += SMM_PAGES_PER_SECTION) {
		seen += smm_memmap_present(a, prev, pfn);
		prev = pfn;
		/* nr_initialised > PAGES_PER_SECTION, counting @pfn itself */
		if (seen >= SMM_PAGES_PER_SECTION && smm_arena_pfn_valid(a, pfn))
			return pfn;
	}
	return SMM_DEFERRED_NONE_PFN;
}

static bool grow_zone(void *ctx, struct smm_zone *z, unsigned int order);

/**
 * smm_deferred_setup() - decide what to defer, install the grow hook
 * @d: the deferred init to set up
 * @b: the buddy allocator, its zones sized (smm_buddy_init()); no page
 *	handed over yet
 * @a: the arena of @b
 * @name: the instance's name, for the threads and messages; kept, so it
 *	must outlive @d; NULL for "bare"
 *
 * free_area_init()'s part of the deferred init: only the highest zone with
 * present pages is deferred, from the first section boundary after its
 * first section's worth of present pages (defer_init()); a zone of at most
 * that size defers nothing.  Lower zones are never deferred, so that
 * address-constrained allocations find all their memory.  Every present
 * page below the boundary counts as initialised at bring-up.  If anything
 * is deferred, @b's grow_zone hook is installed.  No descriptor is read or
 * written.
 *
 * Return: 0, or -EINVAL if @b is not @a's allocator (@d is then inert:
 * smm_deferred_pfn() says false, smm_deferred_destroy() does nothing).
 * Context: process context, at bring-up, before any allocation.
 */
int smm_deferred_setup(struct smm_deferred *d, struct smm_buddy *b, struct smm_arena *a,
		       const char *name)
{
	struct smm_zone *z = NULL;
	unsigned long pfn;
	int i;

	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->lock);
	init_completion(&d->main_done);
	d->first_deferred_pfn = SMM_DEFERRED_NONE_PFN;
	d->setup_pfn = SMM_DEFERRED_NONE_PFN;
	WRITE_ONCE(d->state, SMM_DEFERRED_OFF);
	if (!b || !a || b->arena != a || !b->max_order) {
		smm_bad_input("deferred", "the buddy allocator is not the arena's");
		return -EINVAL;
	}
	d->buddy = b;
	d->arena = a;
	d->name = name ? name : "bare";
	d->align = max_t(unsigned long, SMM_PAGES_PER_SECTION, 1UL << (b->max_order - 1));

	for (i = SMM_NR_ZONES - 1; i >= 0; i--) {
		if (b->zones[i].present_pages) {
			z = &b->zones[i];
			break;
		}
	}
	pfn = z ? defer_init(a, z->zone_start_pfn, z->zone_start_pfn + z->spanned_pages)
		: SMM_DEFERRED_NONE_PFN;
	atomic_long_set(&d->stats[SMM_DEFERRED_PAGES_BRINGUP],
			smm_memmap_present(a, 0, min(pfn, a->end_pfn)));
	if (pfn == SMM_DEFERRED_NONE_PFN)
		return 0;

	d->zone = z;
	d->zone_end_pfn = round_up(min(z->zone_start_pfn + z->spanned_pages, a->end_pfn),
				   SMM_PAGES_PER_SECTION);
	d->setup_pfn = pfn;
	d->first_deferred_pfn = pfn;
	WRITE_ONCE(d->state, SMM_DEFERRED_PENDING);
	b->grow_ctx = d;
	WRITE_ONCE(b->grow_zone, grow_zone);
	return 0;
}

/**
 * smm_deferred_pfn() - is this PFN's descriptor still left uninitialised?
 * @d: the deferred init
 * @pfn: a shadow PFN
 *
 * Before smm_deferred_start(): true for every present PFN of the deferred
 * zone at or above ``first_deferred_pfn``; the mem_map initialisation
 * stamps the free ones (smm_memmap_init_range() with @deferred) and
 * initialises the reserved ones, and the handoff to the buddy skips them
 * all.  While the threads run: true while the page is still stamped.
 * Afterwards: false.
 *
 * Return: whether @pfn is (still) deferred.
 * Context: any.
 */
bool smm_deferred_pfn(const struct smm_deferred *d, unsigned long pfn)
{
	const struct smm_page *page;

	if (!d->zone || pfn >= d->zone_end_pfn || !smm_arena_pfn_valid(d->arena, pfn))
		return false;
	switch (READ_ONCE(d->state)) {
	case SMM_DEFERRED_PENDING:
		return pfn >= READ_ONCE(d->first_deferred_pfn);
	case SMM_DEFERRED_RUNNING:
	case SMM_DEFERRED_STOPPED:
		if (pfn < d->job_start)
			return false;
		page = smm_pfn_to_page(d->arena, pfn);
		return page && smm_page_deferred(page);
	default:
		return false;
	}
}

/* Is @page initialised, free and not handed over: what a block's pass 1 left? */
static bool fresh(const struct smm_page *page)
{
	return page && READ_ONCE(page->owner) == SMM_OWNER_FREE &&
	       !smm_page_test(page, SMM_PG_RESERVED);
}

static bool stamped(const struct smm_page *page)
{
	return page && smm_page_deferred(page);
}

/* The end of the run from @pfn (below @end) whose pages all pass @test. */
static unsigned long run_end(const struct smm_arena *a, unsigned long pfn, unsigned long end,
			     bool (*test)(const struct smm_page *page))
{
	while (pfn < end && test(smm_pfn_to_page(a, pfn)))
		pfn++;
	return pfn;
}

/**
 * smm_deferred_mark() - stamp the deferred free pages of a full mem_map
 * @d: the deferred init, set up
 *
 * For a mem_map that was initialised in full (smm_memmap_init() does not
 * ask smm_deferred_pfn()): every free page at or above
 * ``first_deferred_pfn`` is stamped, as if the mem_map initialisation had
 * left it.  The bring-up time is then not saved, but everything after it
 * is as with a mem_map that defers.
 *
 * Return: the number of pages stamped.
 * Context: process context, at bring-up, before the handoff to the buddy.
 */
unsigned long smm_deferred_mark(struct smm_deferred *d)
{
	unsigned long pfn, end, n = 0;

	if (!d->zone)
		return 0;
	spin_lock(&d->lock);
	if (d->state == SMM_DEFERRED_PENDING) {
		for (pfn = d->first_deferred_pfn; pfn < d->zone_end_pfn; pfn = end + 1) {
			end = run_end(d->arena, pfn, d->zone_end_pfn, fresh);
			if (end > pfn)
				n += smm_memmap_init_range(d->arena, pfn, end, d->zone->idx,
							   SMM_OWNER_FREE, true);
		}
	}
	spin_unlock(&d->lock);
	return n;
}

/* __free_pages_memory(): [@pfn, @end) to the buddy in the largest aligned blocks. */
static unsigned long free_range(struct smm_deferred *d, unsigned long pfn, unsigned long end)
{
	struct smm_buddy *b = d->buddy;
	unsigned long n = 0;

	while (pfn < end) {
		unsigned int order = b->max_order - 1;

		while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end))
			order--;
		n += smm_buddy_free_pages_core(b, pfn, order);
		pfn += 1UL << order;
	}
	return n;
}

/*
 * deferred_init_maxorder() for the block [@pfn, @end): first
 * deferred_init_pages(), which initialises every stamped page, then
 * deferred_free_pages(), which hands the block's free pages to the buddy,
 * in the largest blocks their alignment allows.  The reserved pages of the
 * block were initialised at bring-up and count there.  Returns the pages
 * freed; *@init gets the pages initialised.
 */
static unsigned long init_block(struct smm_deferred *d, unsigned long pfn, unsigned long end,
				unsigned long *init)
{
	const struct smm_arena *a = d->arena;
	unsigned long p, q, n = 0, freed = 0;

	for (p = pfn; p < end; p = q + 1) {
		q = run_end(a, p, end, stamped);
		if (q > p)
			n += smm_memmap_init_range(d->arena, p, q, d->zone->idx,
						   SMM_OWNER_FREE, false);
	}
	for (p = pfn; p < end; p = q + 1) {
		q = run_end(a, p, end, fresh);
		if (q > p)
			freed += free_range(d, p, q);
	}
	stat_add(d, SMM_DEFERRED_PAGES_BRINGUP, smm_memmap_present(a, pfn, end) - n);
	*init = n;
	return freed;
}

/* The end of the block that starts at @pfn: the next aligned PFN, at most @end. */
static unsigned long block_end(const struct smm_deferred *d, unsigned long pfn,
			       unsigned long end)
{
	return min(round_up(pfn + 1, d->align), end);
}

/*
 * deferred_grow_zone(): the buddy allocator's grow_zone hook.  Called when
 * @z fails a watermark or has no block of @order: if @z is the deferred
 * zone and the threads have not taken it yet, initialise and free whole
 * blocks from first_deferred_pfn until at least 2^@order pages, rounded up
 * to a section, are freed.  Returns true if pages were freed, or if
 * someone else grew the zone while this caller waited for the lock.
 */
static bool grow_zone(void *ctx, struct smm_zone *z, unsigned int order)
{
	struct smm_deferred *d = ctx;
	unsigned long needed = ALIGN(1UL << order, SMM_PAGES_PER_SECTION);
	unsigned long first, pfn, next, init, n = 0, freed = 0;

	if (z != d->zone || READ_ONCE(d->state) != SMM_DEFERRED_PENDING)
		return false;
	first = READ_ONCE(d->first_deferred_pfn);
	stat_add(d, SMM_DEFERRED_GROW_CALLS, 1);

	spin_lock(&d->lock);
	if (d->state != SMM_DEFERRED_PENDING) {
		spin_unlock(&d->lock);
		return false;
	}
	/* Someone grew the zone while we waited: there may be enough now. */
	if (first != d->first_deferred_pfn) {
		spin_unlock(&d->lock);
		return true;
	}
	for (pfn = first; pfn < d->zone_end_pfn; pfn = next) {
		next = block_end(d, pfn, d->zone_end_pfn);
		freed += init_block(d, pfn, next, &init);
		n += init;
		/* Only stop on a section boundary, once the quota is met. */
		if ((next & SMM_SECTION_MASK) == 0 && freed >= needed) {
			pfn = next;
			break;
		}
	}
	d->first_deferred_pfn = pfn;
	spin_unlock(&d->lock);

	stat_add(d, SMM_DEFERRED_PAGES_GROW, n);
	stat_add(d, SMM_DEFERRED_FREED_GROW, freed);
	stat_add(d, SMM_DEFERRED_GROW_SECTIONS, (pfn - first) >> SMM_SECTION_ORDER);
	return freed > 0;
}

/*
 * padata_mt_helper(): the worker's own chunk first, then the next free one
 * in turn, until none is left or the deferred init is being torn down.
 * Each chunk goes a block at a time (deferred_init_memmap_chunk()).
 */
static void do_chunks(struct smm_deferred_worker *w)
{
	struct smm_deferred *d = w->d;
	unsigned long c, pfn, end, next, init;

	set_cpus_allowed_ptr(current, cpumask_of(w->cpu));
	for (c = w->idx; c < d->nr_chunks && !READ_ONCE(d->stop);
	     c = atomic_long_fetch_inc(&d->next_chunk)) {
		unsigned long freed = 0, n = 0;

		pfn = d->job_start + c * d->chunk;
		end = min(pfn + d->chunk, d->zone_end_pfn);
		for (; pfn < end && !READ_ONCE(d->stop); pfn = next) {
			next = block_end(d, pfn, end);
			freed += init_block(d, pfn, next, &init);
			n += init;
			cond_resched();
		}
		stat_add(d, SMM_DEFERRED_PAGES_THREADS, n);
		stat_add(d, SMM_DEFERRED_FREED_THREADS, freed);
		stat_add(d, SMM_DEFERRED_CHUNKS, 1);
		WRITE_ONCE(w->pages, w->pages + n);
		WRITE_ONCE(w->chunks, w->chunks + 1);
	}
}

static int helper_fn(void *data)
{
	struct smm_deferred_worker *w = data;

	do_chunks(w);
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * deferred_init_memmap(): the smm_pgdatinit thread.  Starts the helpers,
 * does its own share as worker 0, waits for them, reports.
 */
static int pgdatinit_fn(void *data)
{
	struct smm_deferred *d = data;
	unsigned int i, n;
	u64 us;

	for (n = 1; n < d->nr_workers; n++) {
		struct smm_deferred_worker *w = &d->workers[n];
		struct task_struct *t;

		t = kthread_create(helper_fn, w, "smm_pgdatinit/%s/%u", d->name, n);
		if (IS_ERR(t))
			break;
		w->task = t;
	}
	/* Chunks of helpers that did not start are taken in turn. */
	d->nr_workers = n;
	atomic_long_set(&d->next_chunk, n);
	for (i = 1; i < n; i++)
		wake_up_process(d->workers[i].task);
	do_chunks(&d->workers[0]);
	for (i = 1; i < n; i++)
		wait_for_completion(&d->workers[i].done);

	us = ktime_us_delta(ktime_get(), d->t0);
	d->us = us;
	d->ms = div_u64(us, USEC_PER_MSEC);
	spin_lock(&d->lock);
	WRITE_ONCE(d->state, READ_ONCE(d->stop) ? SMM_DEFERRED_STOPPED : SMM_DEFERRED_DONE);
	spin_unlock(&d->lock);
	if (d->state == SMM_DEFERRED_DONE) {
		/* static_branch_disable(&deferred_pages) */
		WRITE_ONCE(d->buddy->grow_zone, NULL);
		pr_info("shadow_mm: %s: node 0 deferred pages initialised in %lu ms\n",
			d->name, d->ms);
	}
	kthread_complete_and_exit(&d->main_done, 0);
}

/**
 * smm_deferred_launch() - start the smm_pgdatinit thread
 * @d: the deferred init, set up; the handoff of the rest is done
 *
 * page_alloc_init_late(): takes the rest of the deferred zone away from
 * grow_zone (which from now on cannot grow it) and starts
 * ``smm_pgdatinit/<instance>``, which splits it across the online CPUs
 * and hands it to the buddy.  smm_deferred_wait() waits for it.  If
 * nothing is left, nothing is started.
 *
 * Return: 0; -EBUSY if it was launched before; -ENOMEM, or
 * kthread_run()'s error, with the deferred part left as it was.
 * Context: process context; sleeps.
 */
int smm_deferred_launch(struct smm_deferred *d)
{
	unsigned long size, nworks, chunk;
	struct smm_deferred_worker *workers;
	unsigned int nr_cpus, cpu, i = 0;
	struct task_struct *t;

	if (!d->zone)
		return 0;
	nr_cpus = num_online_cpus();
	workers = smm_host_kvcalloc(d->arena, SMM_HOST_BUDDY, nr_cpus, sizeof(*workers));
	if (!workers)
		return -ENOMEM;

	spin_lock(&d->lock);
	if (d->state != SMM_DEFERRED_PENDING) {
		int ret = d->state == SMM_DEFERRED_OFF ? 0 : -EBUSY;

		spin_unlock(&d->lock);
		smm_host_kvfree(d->arena, SMM_HOST_BUDDY, workers, nr_cpus, sizeof(*workers));
		return ret;
	}
	if (d->first_deferred_pfn >= d->zone_end_pfn) {
		/* grow_zone took it all */
		WRITE_ONCE(d->state, SMM_DEFERRED_DONE);
		spin_unlock(&d->lock);
		WRITE_ONCE(d->buddy->grow_zone, NULL);
		smm_host_kvfree(d->arena, SMM_HOST_BUDDY, workers, nr_cpus, sizeof(*workers));
		return 0;
	}
	d->job_start = d->first_deferred_pfn;
	d->first_deferred_pfn = SMM_DEFERRED_NONE_PFN;
	WRITE_ONCE(d->state, SMM_DEFERRED_RUNNING);
	d->workers = workers;
	d->workers_max = nr_cpus;
	spin_unlock(&d->lock);

	/* padata_do_multithreaded(): how many workers, and the chunk size */
	size = d->zone_end_pfn - d->job_start;
	nworks = clamp(size / d->align, 1UL, (unsigned long)nr_cpus);
	chunk = roundup(max(size / (nworks * LOAD_BALANCE_FACTOR), d->align), d->align);
	d->chunk = chunk;
	d->nr_chunks = DIV_ROUND_UP(size, chunk);
	d->nr_workers = min(nworks, d->nr_chunks);
	for_each_online_cpu(cpu) {
		if (i == nr_cpus)
			break;
		workers[i].d = d;
		workers[i].idx = i;
		workers[i].cpu = cpu;
		init_completion(&workers[i].done);
		i++;
	}
	d->nr_workers = min(d->nr_workers, i);
	d->t0 = ktime_get();

	t = kthread_run(pgdatinit_fn, d, "smm_pgdatinit/%s", d->name);
	if (IS_ERR(t)) {
		spin_lock(&d->lock);
		d->first_deferred_pfn = d->job_start;
		WRITE_ONCE(d->state, SMM_DEFERRED_PENDING);
		d->workers = NULL;
		spin_unlock(&d->lock);
		smm_host_kvfree(d->arena, SMM_HOST_BUDDY, workers, nr_cpus, sizeof(*workers));
		return PTR_ERR(t);
	}
	workers[0].task = t;
	return 0;
}

/**
 * smm_deferred_wait() - wait for the smm_pgdatinit thread
 * @d: the deferred init
 *
 * wait_for_completion(&pgdat_init_all_done_comp).  May be called more than
 * once, and without a launch (then it returns at once).
 *
 * Return: how long the threads took, in ms (0 if nothing was deferred or
 * grow_zone took it all), or -ECANCELED if the deferred init was torn down
 * before it finished.
 * Context: process context; sleeps.
 */
long smm_deferred_wait(struct smm_deferred *d)
{
	if (d->workers)
		wait_for_completion(&d->main_done);
	/* kthread_complete_and_exit() completes once: let any later waiter through. */
	if (d->workers)
		complete_all(&d->main_done);
	if (READ_ONCE(d->state) == SMM_DEFERRED_STOPPED)
		return -ECANCELED;
	return d->ms;
}

/**
 * smm_deferred_start() - deferred_init_memmap() on every CPU, and wait
 * @d: the deferred init, set up; the handoff of the rest is done
 *
 * smm_deferred_launch(), then smm_deferred_wait().  The thread prints
 * ``shadow_mm: <instance>: node 0 deferred pages initialised in N ms``.
 * Afterwards every page is initialised, every free one is in the buddy
 * allocator (and counted in its zone's managed pages), and the grow hook
 * is off.  The watermarks and the per-CPU lists' sizes, which depend on
 * the managed pages, are the caller's to recompute
 * (smm_buddy_setup_watermarks()), as init_per_zone_wmark_min() runs after
 * page_alloc_init_late() at boot.
 *
 * Return: the time in ms, or a negative errno from smm_deferred_launch()
 * or smm_deferred_wait().
 * Context: process context; sleeps.
 */
long smm_deferred_start(struct smm_deferred *d)
{
	int ret = smm_deferred_launch(d);

	return ret ? ret : smm_deferred_wait(d);
}

/**
 * smm_deferred_destroy() - stop the threads, remove the grow hook
 * @d: the deferred init; may be running
 *
 * Safe at any point: threads still running stop after the block they are
 * on, and are waited for.  The pages they did not reach stay stamped and
 * belong to no one; they go back to the host with the arena.
 *
 * Context: process context; sleeps.  No allocation from the buddy
 * allocator may be in flight.
 */
void smm_deferred_destroy(struct smm_deferred *d)
{
	if (!d->buddy)
		return;
	if (d->buddy->grow_ctx == d) {
		WRITE_ONCE(d->buddy->grow_zone, NULL);
		d->buddy->grow_ctx = NULL;
	}
	if (d->workers) {
		WRITE_ONCE(d->stop, true);
		wait_for_completion(&d->main_done);
		smm_host_kvfree(d->arena, SMM_HOST_BUDDY, d->workers, d->workers_max,
				sizeof(*d->workers));
		d->workers = NULL;
	}
	d->buddy = NULL;
	d->zone = NULL;
}

/**
 * smm_deferred_show() - the ``deferred`` debugfs file
 * @m: the seq_file
 * @d: the deferred init
 *
 * One ``key: value`` line each: the deferred zone and its PFNs, the
 * boundary set up and the current one, the state, the job's geometry, the
 * time, every counter, then one line per worker.  PFNs are shadow PFNs.
 */
void smm_deferred_show(struct seq_file *m, const struct smm_deferred *d)
{
	unsigned long first = READ_ONCE(d->first_deferred_pfn);
	unsigned int i;

	seq_printf(m, "state: %s\n", smm_deferred_state_name(READ_ONCE(d->state)));
	if (!d->zone) {
		seq_puts(m, "zone: none\n");
	} else {
		seq_printf(m, "zone: %s\n", d->zone->name);
		seq_printf(m, "zone_pfns: [%#lx, %#lx)\n", d->zone->zone_start_pfn,
			   d->zone_end_pfn);
		seq_printf(m, "first_deferred_pfn: %#lx\n", d->setup_pfn);
		if (first == SMM_DEFERRED_NONE_PFN)
			seq_puts(m, "next_deferred_pfn: none\n");
		else
			seq_printf(m, "next_deferred_pfn: %#lx\n", first);
	}
	seq_printf(m, "align_pages: %lu\n", d->align);
	seq_printf(m, "chunk_pages: %lu\n", d->chunk);
	seq_printf(m, "nr_chunks: %lu\n", d->nr_chunks);
	seq_printf(m, "nr_workers: %u\n", d->workers ? d->nr_workers : 0);
	seq_printf(m, "time_ms: %lu\n", d->ms);
	seq_printf(m, "time_us: %llu\n", d->us);
	for (i = 0; i < SMM_DEFERRED_STAT_NR; i++)
		seq_printf(m, "%s: %lu\n", stat_names[i], smm_deferred_stat(d, i));
	for (i = 0; d->workers && i < d->nr_workers; i++)
		seq_printf(m, "worker %u: cpu %u chunks %lu pages %lu\n", i, d->workers[i].cpu,
			   READ_ONCE(d->workers[i].chunks), READ_ONCE(d->workers[i].pages));
}
