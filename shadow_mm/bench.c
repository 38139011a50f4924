// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm benchmarks: shadow against host, in ratios.
 */

/**
 * DOC: benchmarks
 *
 * ``/sys/kernel/debug/shadow_mm/bench`` runs the benchmarks when read and
 * prints one row per measurement.  Absolute times mean little (the test VM
 * runs under emulation), so every row is a ratio against the host kernel's
 * own allocator, measured in the same run, as lib/test_vmalloc.c and the
 * page_bench modules do.
 *
 * Rounds.  Every timed row is measured in ``loops`` rounds (7 by default,
 * at least 5) that alternate between the two sides: shadow, host, shadow,
 * host, and so on, after one warm-up round of each side that is not
 * counted.  A slow stretch of the emulated machine then hits both sides
 * alike.  The shadow and host columns are each side's median (the middle
 * round; the upper middle one for an even count).  The ratio is the
 * median of the per-round ratios (each shadow round over the host round
 * that follows it), and the spread column is their minimum and maximum.
 * The ratio is therefore not always exactly the quotient of the two
 * medians, but it always lies within the spread.
 *
 * Bring-up rows build a fresh instance in each round, with the arena from
 * max-order chunks, and report each stage's time per MiB.  The host round
 * obtains the same memory from the host's buddy allocator with
 * alloc_pages() of the same order and flags; the ratio says how much a
 * stage costs in units of "getting the memory at all".
 *
 * Bring-up per GiB (when ``bringup_mb=`` names sizes): every stage but
 * the arena's, per GiB of arena, for each size in turn in each round (the
 * sizes alternate, there is no host round), with where the time goes,
 * stage by stage.  The guest script compares it with the host kernel's
 * own deferred struct-page init from its boot log (see
 * Documentation/bench.rst).  Then the same for the 6.12 bring-up, rows
 * "bring-up 6.12 per GiB, N MiB", its stages in the order 6.12 runs them.
 *
 * Page allocator rows run the same loop of ``iters`` operations on the
 * shadow buddy allocator of a fresh instance and on the host's
 * alloc_pages().  The scaling rows run the order-0 pair loop in threads
 * pinned one per CPU, each doing the same ``iters`` pairs, on one CPU and
 * then on every online CPU; the time is from a common start (taken just
 * before the threads are released) to the last thread's finish, so
 * throughput on N CPUs can never exceed N times that on one unless a
 * thread really ran faster.  Each round measures shadow 1, shadow N, host
 * 1, host N; the gain is the median of the per-round gains.
 *
 * The page allocator rows (not the scaling ones) and the SLUB rows (not
 * the slab_debug=F ones) are measured again on a 6.12 instance, with
 * " (6.12)" after the row's name.
 *
 * Slab rows run, for each strategy in turn, a 256-byte pair on a hot cache
 * against a host kmem_cache, 1000 allocations then 1000 frees, and a
 * kmalloc pair of every size class against the host's kmalloc().  Then,
 * reported only, the same pairs with slab_debug=F: a 256-byte cache
 * created with %SMM_SLAB_CONSISTENCY, and kmalloc() on an instance
 * created with ``slab_debug = "F"``, against host caches created with
 * SLAB_CONSISTENCY_CHECKS, which is what the host's ``slub_debug=F`` sets.
 * The space row allocates a fixed mix of sizes with kmalloc() and divides
 * the bytes asked for by the bytes of slab pages that appeared: for the
 * shadow allocator from its own counters, for the host from
 * NR_SLAB_UNRECLAIMABLE_B while it fills fresh unmerged caches of the
 * kmalloc sizes, so both start empty.  It counts bytes, not time, and is
 * measured once.
 *
 * vmalloc rows time smm_vmalloc()+smm_vfree() of 1, 16 and 256 pages on a
 * fresh instance against the host's vmalloc()+vfree() of the same size, in
 * rounds of ``iters`` / 100 pairs (at least 50).  Before them, the
 * page-table overhead: the table pages that mapping 16 MiB took, per MiB.
 *
 * A row whose loop failed in any round prints "failed" for the side that
 * failed and no ratio.
 *
 * Writing ``arena_mb=N``, ``loops=N``, ``iters=N`` or ``bringup_mb=A,B``
 * (space-separated) sets the size, the rounds, the loop length and the
 * per-GiB bring-up sizes for the next read; bad values get -EINVAL or
 * -ERANGE and change nothing.
 */

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "bench.h"
#include "parse.h"
#include "instance.h"

#define BENCH_MIN_ROUNDS	5
#define BENCH_MAX_ROUNDS	31
#define BENCH_MAX_SIZES		4

/*
 * Lock order: bench_lock only; it serialises runs and protects the
 * settings below.
 */
static DEFINE_MUTEX(bench_lock);
static unsigned int bench_arena_mb = 64;
static unsigned int bench_loops = 7;	/* rounds of every row */
static unsigned int bench_iters = 20000;
static unsigned int bench_sizes[BENCH_MAX_SIZES];	/* bringup_mb=, in MiB */
static unsigned int bench_nr_sizes;

/* Ratios are fixed-point, in units of 1/RATIO_ONE. */
#define RATIO_ONE	10000

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values, sorting @v in place: the upper middle one. */
static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
}

/**
 * struct row_sum - the rounds of one row, summarised
 * @sh: the shadow side's median
 * @ho: the host side's median
 * @r: the median of the per-round ratios shadow/host, in 1/%RATIO_ONE
 * @rmin: the smallest per-round ratio
 * @rmax: the largest per-round ratio
 * @failed: a round of the shadow (bit 0) or the host (bit 1) side failed
 */
struct row_sum {
	u64 sh, ho, r, rmin, rmax;
	unsigned int failed;
};

/*
 * Summarise @n rounds: @sh[i] and @ho[i] are round i of each side, 0 for
 * a round that failed.
 */
static noinline_for_stack void summarise(const u64 *sh, const u64 *ho, unsigned int n,
					 struct row_sum *s)
{
	u64 a[BENCH_MAX_ROUNDS], b[BENCH_MAX_ROUNDS], q[BENCH_MAX_ROUNDS];
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		s->failed |= (!sh[i] ? 1 : 0) | (!ho[i] ? 2 : 0);
		a[i] = sh[i];
		b[i] = ho[i];
		q[i] = ho[i] ? div64_u64(sh[i] * RATIO_ONE, ho[i]) : 0;
	}
	if (s->failed)
		return;
	s->sh = median(a, n);
	s->ho = median(b, n);
	s->r = median(q, n);	/* sorts q */
	s->rmin = q[0];
	s->rmax = q[n - 1];
}

/*
 * One row: name, each side's median divided by @div, the ratio and its
 * spread.  @nw and @vw are the widths of the name and of the two values.
 */
static void put_row(struct seq_file *m, int nw, int vw, const char *name,
		    const struct row_sum *s, u64 div)
{
	if (s->failed) {
		seq_printf(m, "%-*s %*s %*s %9s %s\n", nw, name, vw,
			   s->failed & 1 ? "failed" : "-", vw, s->failed & 2 ? "failed" : "-",
			   "-", "-");
		return;
	}
	seq_printf(m, "%-*s %*llu %*llu %4llu.%04llu %llu.%04llu-%llu.%04llu\n", nw, name,
		   vw, div64_u64(s->sh, div), vw, div64_u64(s->ho, div),
		   s->r / RATIO_ONE, s->r % RATIO_ONE, s->rmin / RATIO_ONE, s->rmin % RATIO_ONE,
		   s->rmax / RATIO_ONE, s->rmax % RATIO_ONE);
}

/*
 * The host baseline: the same number of pages, in the same order and with
 * the same flags as the arena's chunks.  Returns the ns spent allocating,
 * or 0 if the host could not spare the memory.
 */
static u64 host_alloc_ns(unsigned long nr_pages, struct page **pages)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	unsigned long n = nr_pages >> MAX_PAGE_ORDER, i, got;
	ktime_t t0 = ktime_get();
	u64 ns;

	for (got = 0; got < n; got++) {
		pages[got] = alloc_pages(gfp, MAX_PAGE_ORDER);
		if (!pages[got])
			break;
	}
	ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	for (i = 0; i < got; i++)
		__free_pages(pages[i], MAX_PAGE_ORDER);
	return got == n ? ns : 0;
}

/* The rows of the bring-up table: each stage, the total, then the host. */
enum bench_row {
	ROW_STAGE,				/* + enum smm_stage */
	ROW_TOTAL = ROW_STAGE + SMM_STAGE_NR,
	ROW_HOST,
	ROW_NR,
};

static void bringup_params(struct smm_params *p, unsigned int mb, enum smm_era era)
{
	*p = (struct smm_params){
		.name = "bench",
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.era = era,
	};
	/* 6.12 has only SLUB; 2.6.29's rows keep the zero value, SLAB, as before. */
	if (era == SMM_ERA_612)
		p->slab = SMM_SLAB_SLUB;
}

/* The suffix of the rows measured on a 6.12 instance: none for 2.6.29. */
static const char *era_suffix(enum smm_era era)
{
	return era == SMM_ERA_612 ? " (6.12)" : "";
}

static int bench_bringup(struct seq_file *m, unsigned int mb, unsigned int rounds)
{
	const unsigned long nr_pages = (unsigned long)mb << (20 - PAGE_SHIFT);
	u64 (*v)[BENCH_MAX_ROUNDS];
	struct smm_params p;
	struct page **pages;
	struct row_sum s;
	unsigned int i, r;
	int ret = 0;

	bringup_params(&p, mb, SMM_ERA_2629);
	v = kcalloc(ROW_NR, sizeof(*v), GFP_KERNEL);
	pages = kvcalloc(nr_pages >> MAX_PAGE_ORDER, sizeof(*pages), GFP_KERNEL);
	if (!v || !pages) {
		ret = -ENOMEM;
		goto out;
	}

	/* Shadow, host, shadow, host ...; no warm-up: each round starts afresh. */
	for (r = 0; r < rounds; r++) {
		struct smm_instance *inst = smm_instance_create(&p);

		if (IS_ERR(inst)) {
			ret = PTR_ERR(inst);
			goto out;
		}
		/* A stage too quick for the clock counts as 1 ns, not as failed. */
		v[ROW_TOTAL][r] = max(smm_timeline_total_ns(&inst->timeline), 1ULL);
		for (i = 0; i < SMM_NR_STAGES_2629; i++)
			v[ROW_STAGE + i][r] = max(inst->timeline.recs[i].duration_ns, 1ULL);
		smm_instance_destroy(inst);
		v[ROW_HOST][r] = host_alloc_ns(nr_pages, pages);
		if (!v[ROW_HOST][r]) {
			ret = -ENOMEM;
			goto out;
		}
	}

	seq_printf(m, "# bring-up, arena_mb=%u, median of %u alternating rounds; host = alloc_pages(order %d) of the same memory\n",
		   mb, rounds, MAX_PAGE_ORDER);
	seq_printf(m, "%-22s %14s %14s %9s %s\n", "row", "shadow_ns/MiB", "host_ns/MiB",
		   "ratio", "spread");
	summarise(v[ROW_STAGE + SMM_STAGE_ARENA], v[ROW_HOST], rounds, &s);
	put_row(m, 22, 14, "arena acquisition", &s, mb);
	for (i = 0; i < SMM_NR_STAGES_2629; i++) {
		char name[32];

		if (i == SMM_STAGE_ARENA)
			continue;
		snprintf(name, sizeof(name), "stage %s", smm_stage_name(i));
		summarise(v[ROW_STAGE + i], v[ROW_HOST], rounds, &s);
		put_row(m, 22, 14, name, &s, mb);
	}
	summarise(v[ROW_TOTAL], v[ROW_HOST], rounds, &s);
	put_row(m, 22, 14, "bring-up total", &s, mb);
	summarise(v[ROW_STAGE + SMM_STAGE_HANDOFF], v[ROW_HOST], rounds, &s);
	seq_printf(m, "handoff per GiB of arena: %llu ns\n", div_u64(s.sh * 1024, mb));
out:
	kvfree(pages);
	kfree(v);
	return ret;
}

/*
 * Bring-up per GiB at each of @sizes, every stage but the arena's, in the
 * bring-up of @era.  The sizes take turns within each round.  A size
 * whose instance cannot be built prints the error and the others go on.
 * The stage table lists the stages in the order the era runs them (as
 * the first instance recorded it).
 */
static int bench_per_gib(struct seq_file *m, const unsigned int *sizes, unsigned int nr,
			 unsigned int rounds, enum smm_era era)
{
	/* v[size][stage, or SMM_STAGE_NR for the total without the arena][round] */
	u64 (*v)[SMM_STAGE_NR + 1][BENCH_MAX_ROUNDS];
	int err[BENCH_MAX_SIZES] = { 0 };
	enum smm_stage seq[SMM_STAGE_NR];
	unsigned int i, j, k, r, nr_seq = 0;
	const char *e = era == SMM_ERA_612 ? " 6.12" : "";
	const int nw = era == SMM_ERA_612 ? 33 : 28;	/* the name column */

	v = kcalloc(nr, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nr; i++) {
			struct smm_params p;
			struct smm_instance *inst;

			if (err[i])
				continue;
			bringup_params(&p, sizes[i], era);
			inst = smm_instance_create(&p);
			if (IS_ERR(inst)) {
				err[i] = PTR_ERR(inst);
				continue;
			}
			for (j = 0; j < SMM_STAGE_NR; j++)
				v[i][j][r] = inst->timeline.recs[j].duration_ns;
			v[i][SMM_STAGE_NR][r] = smm_timeline_total_ns(&inst->timeline) -
						inst->timeline.recs[SMM_STAGE_ARENA].duration_ns;
			if (!nr_seq) {
				nr_seq = inst->timeline.nr_seq;
				memcpy(seq, inst->timeline.seq, sizeof(seq));
			}
			smm_instance_destroy(inst);
			cond_resched();
		}
	}

	seq_printf(m, "# bring-up%s per GiB: every stage but the arena, sizes in turn, median of %u rounds\n",
		   e, rounds);
	seq_printf(m, "%-*s %14s %s\n", nw, "row", "shadow_us/GiB", "min-max");
	for (i = 0; i < nr; i++) {
		char name[40];
		u64 t[BENCH_MAX_ROUNDS];

		snprintf(name, sizeof(name), "bring-up%s per GiB, %u MiB", e, sizes[i]);
		if (err[i]) {
			seq_printf(m, "%-*s %14s (error %d)\n", nw, name, "failed", err[i]);
			continue;
		}
		memcpy(t, v[i][SMM_STAGE_NR], sizeof(t));
		median(t, rounds);
		seq_printf(m, "%-*s %14llu %llu-%llu\n", nw, name,
			   div_u64(t[rounds / 2], sizes[i]) * 1024 / 1000,
			   div_u64(t[0], sizes[i]) * 1024 / 1000,
			   div_u64(t[rounds - 1], sizes[i]) * 1024 / 1000);
	}
	seq_printf(m, "# where the time goes%s: each stage's median, us per GiB of arena\n",
		   era == SMM_ERA_612 ? " in 6.12" : "");
	seq_printf(m, "%-28s", "stage");
	for (i = 0; i < nr; i++) {
		char col[24];

		snprintf(col, sizeof(col), "%u MiB", sizes[i]);
		seq_printf(m, " %12s", col);
	}
	seq_putc(m, '\n');
	for (k = 0; k < nr_seq; k++) {
		char name[40];

		j = seq[k];
		snprintf(name, sizeof(name), "stage %s%s", smm_stage_name(j),
			 j == SMM_STAGE_ARENA ? " (not counted)" : "");
		seq_printf(m, "%-28s", name);
		for (i = 0; i < nr; i++) {
			u64 t[BENCH_MAX_ROUNDS];

			if (err[i]) {
				seq_printf(m, " %12s", "-");
				continue;
			}
			memcpy(t, v[i][j], sizeof(t));
			seq_printf(m, " %12llu",
				   div_u64(median(t, rounds), sizes[i]) * 1024 / 1000);
		}
		seq_putc(m, '\n');
	}
	kfree(v);
	return 0;
}

/* The page allocator loops, each for the shadow and the host allocator. */
enum page_op {
	OP_PAIR0,	/* alloc + free of one page, hot */
	OP_BATCH0,	/* 1000 allocations, then 1000 frees */
	OP_PAIR3,	/* order-3 alloc + free */
	OP_PAIR9,	/* order-9 alloc + free */
	OP_NR,
};

static const char *const op_names[OP_NR] = {
	[OP_PAIR0]	= "order-0 pair (pcp)",
	[OP_BATCH0]	= "1000 allocs+1000 frees",
	[OP_PAIR3]	= "order-3 pair",
	[OP_PAIR9]	= "order-9 pair",
};

#define BATCH	1000

/**
 * struct page_run - one loop to time
 * @b: the shadow allocator, or NULL for the host's
 * @op: which loop
 * @iters: operations (pairs, or allocations for OP_BATCH0)
 * @ptrs: scratch for OP_BATCH0, %BATCH entries
 * @ns: the time the loop took
 * @end: when the loop finished (scaling runs)
 * @failed: an allocation failed
 * @start: released when every thread may start (scaling runs)
 * @done: completed by the thread when its loop has finished
 */
struct page_run {
	struct smm_buddy *b;
	enum page_op op;
	unsigned long iters;
	void **ptrs;
	u64 ns;
	ktime_t end;
	bool failed;
	struct completion *start;
	struct completion done;
};

static void *one_alloc(struct smm_buddy *b, unsigned int order)
{
	if (b) {
		struct smm_page *page = smm_alloc_pages(b, SMM_GFP_KERNEL, order);

		return IS_ERR(page) ? NULL : page;
	}
	return alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
}

static void one_free(struct smm_buddy *b, void *p, unsigned int order)
{
	if (b)
		smm_free_pages(b, p, order);
	else
		__free_pages(p, order);
}

static void run_loop(struct page_run *r)
{
	static const unsigned int orders[OP_NR] = { 0, 0, 3, 9 };
	unsigned int order = orders[r->op];
	unsigned long i, j;
	ktime_t t0 = ktime_get();

	if (r->op == OP_BATCH0) {
		for (i = 0; i < r->iters; i += BATCH) {
			for (j = 0; j < BATCH; j++) {
				r->ptrs[j] = one_alloc(r->b, 0);
				if (!r->ptrs[j])
					break;
			}
			r->failed |= j < BATCH;
			while (j--)
				one_free(r->b, r->ptrs[j], 0);
			cond_resched();
		}
	} else {
		for (i = 0; i < r->iters; i++) {
			void *p = one_alloc(r->b, order);

			if (!p) {
				r->failed = true;
				break;
			}
			one_free(r->b, p, order);
			if (!(i % 1024))
				cond_resched();
		}
	}
	r->end = ktime_get();
	r->ns = ktime_to_ns(ktime_sub(r->end, t0));
}

static int page_thread(void *data)
{
	struct page_run *r = data;

	wait_for_completion(r->start);
	run_loop(r);
	complete(&r->done);
	return 0;
}

/*
 * Throughput of the order-0 pair loop with @nr_cpus threads, each bound to
 * its own CPU and each doing @iters pairs: pairs per ms from a common
 * start to the last thread's finish.  The threads are created and left
 * waiting first; the clock starts just before they are all released, so
 * their wake-up is charged too, alike for one CPU and for several.
 * Returns 0 if a thread could not be made or an allocation failed.
 */
static u64 throughput(struct smm_buddy *b, unsigned int nr_cpus, unsigned long iters)
{
	struct page_run *runs;
	struct completion start;
	unsigned int n = 0, i;
	ktime_t t0, end;
	bool failed = false;
	int cpu;

	runs = kcalloc(nr_cpus, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return 0;
	init_completion(&start);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == nr_cpus)
			break;
		runs[n] = (struct page_run){ .b = b, .op = OP_PAIR0, .iters = iters,
					     .start = &start };
		init_completion(&runs[n].done);
		t = kthread_create_on_cpu(page_thread, &runs[n], cpu, "smm_bench/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		n++;
	}
	t0 = ktime_get();
	end = t0;
	complete_all(&start);
	for (i = 0; i < n; i++) {
		wait_for_completion(&runs[i].done);
		end = ktime_after(runs[i].end, end) ? runs[i].end : end;
		failed |= runs[i].failed;
	}
	kfree(runs);
	if (n < nr_cpus || failed || !ktime_after(end, t0))
		return 0;
	return div64_u64((u64)n * iters * NSEC_PER_MSEC, ktime_to_ns(ktime_sub(end, t0)));
}

/*
 * The scaling rows: order-0 pair throughput on one CPU and on every online
 * CPU, for the shadow buddy allocator @b and for the host's.
 */
static noinline_for_stack void bench_scaling(struct seq_file *m, struct smm_buddy *b,
					     unsigned int iters, unsigned int rounds)
{
	/*
	 * Each round: shadow on 1 CPU, shadow on all, host on 1, host on all.
	 * The per-round gain is all over 1, so summarise() with the wide run
	 * as the "shadow" side gives its median and spread.
	 */
	u64 tp[2][2][BENCH_MAX_ROUNDS];	/* [side][1 CPU, all][round] */
	unsigned int cpus = num_online_cpus();
	struct row_sum s[2];
	int i, side;

	for (i = -1; i < (int)rounds; i++) {
		for (side = 0; side < 2; side++) {
			struct smm_buddy *sb = side ? NULL : b;
			u64 one = throughput(sb, 1, iters), all = throughput(sb, cpus, iters);

			if (i >= 0) {
				tp[side][0][i] = one;
				tp[side][1][i] = all;
			}
		}
	}
	seq_printf(m, "# order-0 pair throughput, pairs/ms: 1 CPU, %u CPUs, the gain and its spread; threads pinned, %u pairs each, common start to last finish\n",
		   cpus, iters);
	for (side = 0; side < 2; side++) {
		const char *name = side ? "host scaling" : "shadow scaling";

		summarise(tp[side][1], tp[side][0], rounds, &s[side]);
		if (s[side].failed) {
			seq_printf(m, "%-24s %12s %12s %9s\n", name, "failed", "failed", "-");
			continue;
		}
		/* Two decimals, as before. */
		seq_printf(m, "%-24s %12llu %12llu %6llu.%02llux %llu.%02llu-%llu.%02llux\n",
			   name, s[side].ho, s[side].sh, s[side].r / RATIO_ONE,
			   s[side].r % RATIO_ONE / 100, s[side].rmin / RATIO_ONE,
			   s[side].rmin % RATIO_ONE / 100, s[side].rmax / RATIO_ONE,
			   s[side].rmax % RATIO_ONE / 100);
	}
	/*
	 * A gain above the number of CPUs would mean a thread ran faster
	 * beside another than alone: the method, not the allocator.
	 */
	for (side = 0; side < 2; side++) {
		if (!s[side].failed && s[side].r > (u64)cpus * RATIO_ONE * 105 / 100)
			seq_printf(m, "# unsound: %s gain %llu.%02llux is above %u CPUs\n",
				   side ? "host" : "shadow", s[side].r / RATIO_ONE,
				   s[side].r % RATIO_ONE / 100, cpus);
	}
}

/*
 * The page allocator rows on an instance of @era; the scaling rows for
 * 2.6.29 only (the buddy core is the same code in both eras).
 */
static int bench_pages(struct seq_file *m, unsigned int mb, unsigned int iters,
		       unsigned int rounds, enum smm_era era)
{
	u64 sh[BENCH_MAX_ROUNDS], ho[BENCH_MAX_ROUNDS];
	struct smm_instance *inst;
	struct smm_params p;
	struct row_sum s;
	struct page_run r;
	char name[40];
	void **ptrs;
	int op, side, i;

	bringup_params(&p, mb, era);
	ptrs = kvcalloc(BATCH, sizeof(*ptrs), GFP_KERNEL);
	inst = smm_instance_create(&p);
	if (!ptrs || IS_ERR(inst)) {
		kvfree(ptrs);
		smm_instance_destroy(inst);
		return -ENOMEM;
	}
	seq_printf(m, "# page allocator, bringup=%s, %u iterations, arena_mb=%u, median of %u alternating rounds; host = alloc_pages()/__free_pages()\n",
		   smm_era_name(era), iters, mb, rounds);
	seq_printf(m, "%-*s %12s %12s %9s %s\n", era == SMM_ERA_612 ? 30 : 24, "row",
		   "shadow_ns/op", "host_ns/op", "ratio", "spread");
	for (op = 0; op < OP_NR; op++) {
		unsigned long n = op == OP_PAIR9 ? max(iters / 10, 1000U) : iters;

		/* Round -1 warms up the per-CPU lists of both sides. */
		for (i = -1; i < (int)rounds; i++) {
			for (side = 0; side < 2; side++) {
				r = (struct page_run){ .b = side ? NULL : &inst->buddy, .op = op,
						       .iters = n, .ptrs = ptrs };
				run_loop(&r);
				if (i >= 0)
					(side ? ho : sh)[i] = r.failed ? 0 : max(r.ns, 1ULL);
			}
		}
		summarise(sh, ho, rounds, &s);
		snprintf(name, sizeof(name), "%s%s", op_names[op], era_suffix(era));
		put_row(m, era == SMM_ERA_612 ? 30 : 24, 12, name, &s, n);
	}

	if (era == SMM_ERA_2629)
		bench_scaling(m, &inst->buddy, iters, rounds);
	smm_instance_destroy(inst);
	kvfree(ptrs);
	return 0;
}

/* The fixed mix of the space row: each size, MIX_EACH times. */
static const unsigned int mix_sizes[] = {
	8, 24, 40, 64, 100, 136, 200, 300, 600, 1000, 1500, 3000,
};

#define MIX_EACH	1000
#define MIX_N		(ARRAY_SIZE(mix_sizes) * MIX_EACH)

/* A timed loop over one allocator; @sa NULL means the host's. */
struct obj_loop {
	struct smm_slab *sa;
	struct smm_kmem_cache *s;	/* shadow cache, or NULL for kmalloc */
	struct kmem_cache *hs;		/* host cache, or NULL for kmalloc */
	unsigned int size;		/* kmalloc size */
};

static void *obj_alloc(const struct obj_loop *l)
{
	if (l->sa)
		return l->s ? smm_kmem_cache_alloc(l->s, 0) : smm_kmalloc(l->sa, l->size, 0);
	return l->hs ? kmem_cache_alloc(l->hs, GFP_KERNEL) : kmalloc(l->size, GFP_KERNEL);
}

static void obj_free(const struct obj_loop *l, void *p)
{
	if (l->sa) {
		if (l->s)
			smm_kmem_cache_free(l->s, p);
		else
			smm_kfree(l->sa, p);
	} else if (l->hs) {
		kmem_cache_free(l->hs, p);
	} else {
		kfree(p);
	}
}

/* ns for @iters pairs (@batch 0) or allocs+frees in batches; 0 on failure. */
static u64 obj_ns(const struct obj_loop *l, unsigned long iters, void **ptrs,
		  unsigned int batch)
{
	ktime_t t0 = ktime_get();
	unsigned long i, j;

	for (i = 0; i < iters; i += batch ? batch : 1) {
		if (!batch) {
			void *p = obj_alloc(l);

			if (!p)
				return 0;
			obj_free(l, p);
		} else {
			for (j = 0; j < batch; j++) {
				ptrs[j] = obj_alloc(l);
				if (!ptrs[j])
					break;
			}
			if (j < batch) {
				while (j--)
					obj_free(l, ptrs[j]);
				return 0;
			}
			while (j--)
				obj_free(l, ptrs[j]);
		}
		if (!(i % 1024))
			cond_resched();
	}
	return max(ktime_to_ns(ktime_sub(ktime_get(), t0)), 1LL);
}

/*
 * One slab row: @rounds alternating rounds of @iters operations on the
 * shadow loop @sl and the host loop @hl, after one warm-up round of each.
 * A NULL loop (its cache could not be made) fails its side.
 */
static void obj_row(struct seq_file *m, const char *name, const struct obj_loop *sl,
		    const struct obj_loop *hl, unsigned long iters, void **ptrs,
		    unsigned int batch, unsigned int rounds)
{
	u64 sh[BENCH_MAX_ROUNDS], ho[BENCH_MAX_ROUNDS];
	struct row_sum s;
	int r;

	for (r = -1; r < (int)rounds; r++) {
		u64 a = sl ? obj_ns(sl, iters, ptrs, batch) : 0;
		u64 b = hl ? obj_ns(hl, iters, ptrs, batch) : 0;

		if (r >= 0) {
			sh[r] = a;
			ho[r] = b;
		}
	}
	summarise(sh, ho, rounds, &s);
	/* The 6.12 rows' names are longer: a wider column, the table aligned. */
	put_row(m, strstr(name, " (6.12)") ? 32 : 28, 12, name, &s, iters);
}

/* Requested bytes over slab bytes, in 1/10000, for the fixed mix. */
static u64 space_shadow(struct smm_slab *sa, void **ptrs)
{
	unsigned long r0, u0, r1, u1, i;
	u64 asked = 0, used, eff = 0;

	smm_slab_meminfo(sa, &r0, &u0);
	for (i = 0; i < MIX_N; i++) {
		unsigned int size = mix_sizes[i % ARRAY_SIZE(mix_sizes)];

		ptrs[i] = smm_kmalloc(sa, size, 0);
		if (!ptrs[i])
			break;
		asked += size;
	}
	smm_slab_meminfo(sa, &r1, &u1);
	used = (u64)(r1 + u1 - r0 - u0) << PAGE_SHIFT;
	if (i == MIX_N && used)
		eff = div64_u64(asked * 10000, used);
	while (i--)
		smm_kfree(sa, ptrs[i]);
	return eff;
}

static u64 space_host(void **ptrs)
{
	struct kmem_cache *caches[SMM_KMALLOC_CLASSES] = { NULL };
	unsigned long before, after, i;
	u64 asked = 0, eff = 0;
	int c;

	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		char name[32];

		snprintf(name, sizeof(name), "smm-mix-%u", smm_kmalloc_size(c));
		caches[c] = smm_compat_cache_create_unmerged(name, smm_kmalloc_size(c));
		if (!caches[c])
			goto out;
	}
	before = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	for (i = 0; i < MIX_N; i++) {
		unsigned int size = mix_sizes[i % ARRAY_SIZE(mix_sizes)];

		ptrs[i] = kmem_cache_alloc(caches[smm_kmalloc_index(size)], GFP_KERNEL);
		if (!ptrs[i])
			break;
		asked += size;
	}
	after = global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
	if (i == MIX_N && after > before)
		eff = div64_u64(asked * 10000, (u64)(after - before) << PAGE_SHIFT);
	while (i--) {
		unsigned int size = mix_sizes[i % ARRAY_SIZE(mix_sizes)];

		kmem_cache_free(caches[smm_kmalloc_index(size)], ptrs[i]);
	}
out:
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++)
		kmem_cache_destroy(caches[c]);
	return eff;
}

/* A host cache of @size bytes for the benchmarks, never merged with another. */
static struct kmem_cache *host_cache(const char *name, unsigned int size, bool debug_f)
{
	/*
	 * SLAB_CONSISTENCY_CHECKS is what slub_debug=F sets on a cache.  It
	 * is not in SLAB_NEVER_MERGE, so alone it would let the cache merge
	 * with an existing one of the same size (kmalloc-64, say), flag
	 * and all.  A usercopy region keeps it apart on every kernel with
	 * CONFIG_HARDENED_USERCOPY (find_mergeable()), as Debian's are.
	 */
	if (debug_f)
		return kmem_cache_create_usercopy(name, size, 0, SLAB_CONSISTENCY_CHECKS, 0, size,
						  NULL);
	return smm_compat_cache_create_unmerged(name, size);
}

/*
 * The rows of one strategy on an instance of @era: the plain ones against
 * the host's SLUB, then, for 2.6.29, the slab_debug=F ones (reported
 * only) against host caches with F.  The 6.12 rows carry " (6.12)".
 */
static void slab_strategy(struct seq_file *m, enum smm_slab_strategy st, unsigned int mb,
			  unsigned int iters, unsigned int rounds, void **ptrs,
			  struct kmem_cache *hs, struct kmem_cache *hsf,
			  struct kmem_cache *const *hkf, u64 host_space, enum smm_era era)
{
	struct smm_params p = {
		.name = "bench", .arena_mb = mb, .source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER, .slab = st, .era = era,
	};
	const char *sfx = era_suffix(era);
	struct obj_loop l = { 0 }, hl = { 0 };
	struct smm_instance *inst, *inst_f;
	struct smm_kmem_cache *sc;
	char name[40];
	u64 space;
	int c;

	inst = smm_instance_create(&p);
	if (IS_ERR(inst)) {
		seq_printf(m, "# slab strategy %s%s: no instance (error %ld)\n",
			   smm_slab_strategy_name(st), sfx, PTR_ERR(inst));
		return;
	}
	seq_printf(m, "# slab strategy %s%s; host = kmem_cache/kmalloc (SLUB), median of %u alternating rounds\n",
		   smm_slab_strategy_name(st), sfx, rounds);
	seq_printf(m, "%-*s %12s %12s %9s %s\n", *sfx ? 32 : 28, "row", "shadow_ns/op",
		   "host_ns/op", "ratio", "spread");
	l.sa = &inst->slab;
	l.s = smm_kmem_cache_create(&inst->slab, "bench-256", 256, 0, 0, NULL);
	hl.hs = hs;
	if (!IS_ERR(l.s)) {
		snprintf(name, sizeof(name), "256-byte pair, hot cache%s", sfx);
		obj_row(m, name, &l, &hl, iters, ptrs, 0, rounds);
		snprintf(name, sizeof(name), "1000 allocs+1000 frees%s", sfx);
		obj_row(m, name, &l, &hl, iters, ptrs, BATCH, rounds);
		smm_kmem_cache_destroy(l.s);
	}
	l.s = NULL;
	hl.hs = NULL;
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		l.size = smm_kmalloc_size(c);
		hl.size = l.size;
		snprintf(name, sizeof(name), "kmalloc-%u pair%s", l.size, sfx);
		obj_row(m, name, &l, &hl, iters / 4, ptrs, 0, rounds);
	}
	space = space_shadow(&inst->slab, ptrs);
	seq_printf(m, "space efficiency%s (asked/slab bytes): shadow %llu.%02llu%%, host %llu.%02llu%%\n",
		   sfx, space / 100, space % 100, host_space / 100, host_space % 100);
	if (era != SMM_ERA_2629) {
		smm_instance_destroy(inst);
		return;
	}

	/* slab_debug=F: a cache with the flag, and kmalloc on an "F" instance. */
	seq_printf(m, "# slab_debug=F, strategy %s (reported only); host = SLUB caches with SLAB_CONSISTENCY_CHECKS\n",
		   smm_slab_strategy_name(st));
	seq_printf(m, "%-28s %12s %12s %9s %s\n", "row", "shadow_ns/op", "host_ns/op", "ratio",
		   "spread");
	sc = smm_kmem_cache_create(&inst->slab, "bench-256-f", 256, 0, SMM_SLAB_CONSISTENCY,
				   NULL);
	l = (struct obj_loop){ .sa = &inst->slab, .s = IS_ERR(sc) ? NULL : sc };
	hl = (struct obj_loop){ .hs = hsf };
	obj_row(m, "F 256-byte pair, hot cache", l.s ? &l : NULL, hsf ? &hl : NULL, iters, ptrs,
		0, rounds);
	if (!IS_ERR(sc))
		smm_kmem_cache_destroy(sc);
	smm_instance_destroy(inst);

	p.slab_debug = "F";
	inst_f = smm_instance_create(&p);
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		l = (struct obj_loop){ .sa = IS_ERR(inst_f) ? NULL : &inst_f->slab,
				       .size = smm_kmalloc_size(c) };
		hl = (struct obj_loop){ .hs = hkf[c] };
		snprintf(name, sizeof(name), "F kmalloc-%u pair", l.size);
		obj_row(m, name, l.sa ? &l : NULL, hkf[c] ? &hl : NULL, iters / 4, ptrs, 0, rounds);
	}
	if (!IS_ERR(inst_f))
		smm_instance_destroy(inst_f);
}

static int bench_slab(struct seq_file *m, unsigned int mb, unsigned int iters,
		      unsigned int rounds)
{
	struct kmem_cache *hs, *hsf, *hkf[SMM_KMALLOC_CLASSES] = { NULL };
	u64 host_space;
	void **ptrs;
	int st, c;

	ptrs = kvcalloc(MIX_N, sizeof(*ptrs), GFP_KERNEL);
	hs = host_cache("smm-bench-256", 256, false);
	if (!ptrs || !hs) {
		kvfree(ptrs);
		kmem_cache_destroy(hs);
		return -ENOMEM;
	}
	/* A failed debug cache fails only its own rows. */
	hsf = host_cache("smm-bench-f-256", 256, true);
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		char name[32];

		snprintf(name, sizeof(name), "smm-bench-fk-%u", smm_kmalloc_size(c));
		hkf[c] = host_cache(name, smm_kmalloc_size(c), true);
	}
	host_space = space_host(ptrs);

	for (st = 0; st < SMM_SLAB_NR; st++)
		slab_strategy(m, st, mb, iters, rounds, ptrs, hs, hsf, hkf, host_space,
			      SMM_ERA_2629);
	/* 6.12 has SLUB only (SLOB went in 6.4, SLAB in 6.8). */
	slab_strategy(m, SMM_SLAB_SLUB, mb, iters, rounds, ptrs, hs, hsf, hkf, host_space,
		      SMM_ERA_612);

	for (c = 0; c < SMM_KMALLOC_CLASSES; c++)
		kmem_cache_destroy(hkf[c]);
	kmem_cache_destroy(hsf);
	kmem_cache_destroy(hs);
	kvfree(ptrs);
	return 0;
}

/* vmalloc+vfree of @pages pages, ns for @loops pairs; @vm NULL means the host's. */
static u64 vmalloc_ns(struct smm_vmalloc *vm, unsigned int pages, unsigned long loops)
{
	unsigned long size = (unsigned long)pages << PAGE_SHIFT, i;
	ktime_t t0 = ktime_get();

	for (i = 0; i < loops; i++) {
		void *p = vm ? smm_vmalloc(vm, size) : vmalloc(size);

		if (!p)
			return 0;
		if (vm)
			smm_vfree(vm, p);
		else
			vfree(p);
		cond_resched();
	}
	return max(ktime_to_ns(ktime_sub(ktime_get(), t0)), 1LL);
}

static int bench_vmalloc(struct seq_file *m, unsigned int mb, unsigned int iters,
			 unsigned int rounds)
{
	static const unsigned int sizes[] = { 1, 16, 256 };
	const struct smm_params p = {
		.name = "bench", .arena_mb = mb, .source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER, .slab = SMM_SLAB_SLUB,
	};
	struct smm_instance *inst = smm_instance_create(&p);
	unsigned long loops = max(iters / 100, 50U), before;
	unsigned int i;
	void *area;

	if (IS_ERR(inst))
		return PTR_ERR(inst);
	seq_puts(m, "# vmalloc; host = vmalloc()/vfree()\n");
	/*
	 * Page-table pages that mapping 16 MiB takes, per MiB, measured first:
	 * vfree() keeps the tables, so later areas would find them made.
	 */
	before = smm_pgtable_pages(&inst->kpt);
	area = smm_vmalloc(&inst->vm, 16UL << 20);
	if (area) {
		unsigned long t = smm_pgtable_pages(&inst->kpt) - before;

		seq_printf(m, "page-table overhead: %lu table pages for 16 MiB, %lu.%02lu per MiB\n",
			   t, t / 16, (t * 100 / 16) % 100);
		smm_vfree(&inst->vm, area);
	}
	seq_printf(m, "%u loops per round, median of %u alternating rounds\n", (unsigned int)loops,
		   rounds);
	seq_printf(m, "%-28s %12s %12s %9s %s\n", "row", "shadow_ns/op", "host_ns/op", "ratio",
		   "spread");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 sh[BENCH_MAX_ROUNDS], ho[BENCH_MAX_ROUNDS];
		struct row_sum s;
		char name[40];
		int r;

		for (r = -1; r < (int)rounds; r++) {
			u64 a = vmalloc_ns(&inst->vm, sizes[i], loops);
			u64 b = vmalloc_ns(NULL, sizes[i], loops);

			if (r >= 0) {
				sh[r] = a;
				ho[r] = b;
			}
		}
		snprintf(name, sizeof(name), "vmalloc+vfree %u pages", sizes[i]);
		summarise(sh, ho, rounds, &s);
		put_row(m, 28, 12, name, &s, loops);
	}
	smm_instance_destroy(inst);
	return 0;
}

static int bench_show(struct seq_file *m, void *unused)
{
	unsigned int rounds;
	int ret;

	mutex_lock(&bench_lock);
	rounds = bench_loops;
	seq_puts(m, "# shadow_mm bench: ratio = shadow / host, both measured in this run\n");
	seq_printf(m, "# every row: median of %u alternating rounds (shadow, host, ...); spread = min-max of the per-round ratio\n",
		   rounds);
	ret = bench_bringup(m, bench_arena_mb, rounds);
	if (!ret && bench_nr_sizes)
		ret = bench_per_gib(m, bench_sizes, bench_nr_sizes, rounds, SMM_ERA_2629);
	if (!ret && bench_nr_sizes)
		ret = bench_per_gib(m, bench_sizes, bench_nr_sizes, rounds, SMM_ERA_612);
	if (!ret)
		ret = bench_pages(m, bench_arena_mb, bench_iters, rounds, SMM_ERA_2629);
	if (!ret)
		ret = bench_pages(m, bench_arena_mb, bench_iters, rounds, SMM_ERA_612);
	if (!ret)
		ret = bench_slab(m, bench_arena_mb, bench_iters, rounds);
	if (!ret)
		ret = bench_vmalloc(m, bench_arena_mb, bench_iters, rounds);
	mutex_unlock(&bench_lock);
	return ret;
}

static int bench_open(struct inode *inode, struct file *file)
{
	/*
	 * The runs are long: a buffer big enough for the whole table, so
	 * that seq_file never has to run them again with a bigger one.
	 */
	return single_open_size(file, bench_show, inode->i_private, 131072);
}

enum { BENCH_ARENA_MB, BENCH_LOOPS, BENCH_ITERS, BENCH_BRINGUP_MB, BENCH_NR };

static const char *const bench_keys[] = {
	[BENCH_ARENA_MB]	= "arena_mb",
	[BENCH_LOOPS]		= "loops",
	[BENCH_ITERS]		= "iters",
	[BENCH_BRINGUP_MB]	= "bringup_mb",
};

static_assert(ARRAY_SIZE(bench_keys) == BENCH_NR);

/**
 * struct bench_settings - what a write to ``bench`` may change
 * @mb: ``arena_mb=``
 * @loops: ``loops=``, the rounds of every row
 * @iters: ``iters=``
 * @sizes: ``bringup_mb=``, the per-GiB bring-up sizes in MiB
 * @nr_sizes: how many of @sizes; 0 means no per-GiB rows
 */
struct bench_settings {
	unsigned int mb, loops, iters;
	unsigned int sizes[BENCH_MAX_SIZES];
	unsigned int nr_sizes;
};

/*
 * bringup_mb=A[,B...]: one to BENCH_MAX_SIZES arena sizes in MiB, each as
 * arena_mb= takes it, or the single value 0 for none.
 */
static int parse_sizes(char *val, struct bench_settings *st)
{
	unsigned int sizes[BENCH_MAX_SIZES], n = 0;
	char *tok;
	int ret;

	if (!strcmp(val, "0")) {
		st->nr_sizes = 0;
		return 0;
	}
	while ((tok = strsep(&val, ",")) != NULL) {
		if (n == BENCH_MAX_SIZES) {
			smm_bad_input("bench.bringup_mb", "more than %d sizes", BENCH_MAX_SIZES);
			return -EINVAL;
		}
		ret = smm_parse_uint("bench.bringup_mb", tok, SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB,
				     &sizes[n]);
		if (ret)
			return ret;
		n++;
	}
	memcpy(st->sizes, sizes, n * sizeof(*sizes));
	st->nr_sizes = n;
	return 0;
}

static int parse_setting(int k, char *val, struct bench_settings *st)
{
	switch (k) {
	case BENCH_ARENA_MB:
		return smm_parse_uint("bench.arena_mb", val, SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB,
				      &st->mb);
	case BENCH_ITERS:
		return smm_parse_uint("bench.iters", val, 1000, 10000000, &st->iters);
	case BENCH_BRINGUP_MB:
		return parse_sizes(val, st);
	default:
		return smm_parse_uint("bench.loops", val, BENCH_MIN_ROUNDS, BENCH_MAX_ROUNDS,
				      &st->loops);
	}
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	struct bench_settings st;
	unsigned int seen = 0;
	char *buf, *cur, *val;
	int ret, k;

	buf = smm_cmd_dup_user(ubuf, len, 128, "bench");
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&bench_lock);
	st = (struct bench_settings){ .mb = bench_arena_mb, .loops = bench_loops,
				      .iters = bench_iters, .nr_sizes = bench_nr_sizes };
	memcpy(st.sizes, bench_sizes, sizeof(st.sizes));
	cur = strim(buf);
	while ((k = smm_next_key(&cur, "bench", bench_keys, BENCH_NR, &seen, &val)) >= 0) {
		k = parse_setting(k, val, &st);
		if (k)
			break;
	}
	ret = k == -ENOENT ? 0 : k;
	if (!ret) {	/* all or nothing */
		bench_arena_mb = st.mb;
		bench_loops = st.loops;
		bench_iters = st.iters;
		memcpy(bench_sizes, st.sizes, sizeof(bench_sizes));
		bench_nr_sizes = st.nr_sizes;
	}
	mutex_unlock(&bench_lock);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations bench_fops = {
	.owner		= THIS_MODULE,
	.open		= bench_open,
	.read		= seq_read,
	.write		= bench_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/**
 * smm_bench_debugfs_init() - create the ``bench`` file
 * @root: the module's debugfs directory
 *
 * Context: process context.
 */
void smm_bench_debugfs_init(struct dentry *root)
{
	debugfs_create_file("bench", 0600, root, NULL, &bench_fops);
}
