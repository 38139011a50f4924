// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm benchmarks: shadow against host, in ratios.
 *
 * DOC: benchmarks
 *
 * ``/sys/kernel/debug/shadow_mm/bench`` runs the benchmarks when read and
 * prints one row per measurement.  Absolute times mean little (the test VM
 * runs under emulation), so every row is a ratio against the host kernel's
 * own allocator, measured in the same run, as lib/test_vmalloc.c and the
 * page_bench modules do.
 *
 * Bring-up rows build a fresh instance ``loops`` times, with the arena from
 * max-order chunks, and take the median of each stage's time per MiB.  The
 * host figure is the median time to obtain the same memory from the host's
 * buddy allocator with alloc_pages() of the same order and flags; the ratio
 * says how much a stage costs in units of "getting the memory at all".
 *
 * Page allocator rows run the same loop of @iters operations on the shadow
 * buddy allocator of a fresh instance and on the host's alloc_pages(), and
 * report ns per operation and the ratio; the scaling rows run the order-0
 * pair loop on one CPU and then on every online CPU at once, and report the
 * throughput gained, for shadow and host alike.
 *
 * Slab rows run, for each strategy in turn, a 256-byte pair on a hot cache
 * against a host kmem_cache, 1000 allocations then 1000 frees, and a
 * kmalloc pair of every size class against the host's kmalloc().  The space
 * row allocates a fixed mix of sizes with kmalloc() and divides the bytes
 * asked for by the bytes of slab pages that appeared: for the shadow
 * allocator from its own counters, for the host from NR_SLAB_UNRECLAIMABLE_B
 * while it fills fresh unmerged caches of the kmalloc sizes, so both start
 * empty.
 *
 * vmalloc rows time smm_vmalloc()+smm_vfree() of 1, 16 and 256 pages on a
 * fresh instance against the host's vmalloc()+vfree() of the same size, in
 * five alternating rounds of @iters / 100 pairs (at least 50), and take
 * each side's median; a row with a failed round prints zeros.  Before
 * them, the page-table overhead: the table pages that mapping 16 MiB took,
 * per MiB.
 *
 * Writing ``arena_mb=N``, ``loops=N`` or ``iters=N`` (space-separated)
 * sets the size, the bring-up repetitions and the page allocator loop
 * length for the next read; bad values get -EINVAL or -ERANGE and change
 * nothing.
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

#define BENCH_MAX_LOOPS	32

/*
 * Lock order: bench_lock only; it serialises runs and protects
 * bench_arena_mb and bench_loops.
 */
static DEFINE_MUTEX(bench_lock);
static unsigned int bench_arena_mb = 64;
static unsigned int bench_loops = 5;
static unsigned int bench_iters = 20000;

/* The rows of the bring-up table: the arena, each stage, the total. */
enum bench_row {
	ROW_HOST,
	ROW_STAGE,				/* + enum smm_stage */
	ROW_TOTAL = ROW_STAGE + SMM_STAGE_NR,
	ROW_NR,
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return v[n / 2];
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

static void ratio_row(struct seq_file *m, const char *name, u64 shadow_ns,
		      u64 host_ns, unsigned int mb)
{
	/* Four decimals: a stage can cost a ten-thousandth of the memory. */
	u64 r = host_ns ? div64_u64(shadow_ns * 10000, host_ns) : 0;

	seq_printf(m, "%-22s %14llu %14llu %4llu.%04llu\n", name,
		   div_u64(shadow_ns, mb), div_u64(host_ns, mb), r / 10000, r % 10000);
}

static int bench_bringup(struct seq_file *m, unsigned int mb, unsigned int loops)
{
	const unsigned long nr_pages = (unsigned long)mb << (20 - PAGE_SHIFT);
	const struct smm_params p = {
		.name = "bench",
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
	};
	u64 (*v)[BENCH_MAX_LOOPS];
	struct page **pages;
	unsigned int i, l;
	u64 med[ROW_NR];
	int ret = 0;

	v = kcalloc(ROW_NR, sizeof(*v), GFP_KERNEL);
	pages = kvcalloc(nr_pages >> MAX_PAGE_ORDER, sizeof(*pages), GFP_KERNEL);
	if (!v || !pages) {
		ret = -ENOMEM;
		goto out;
	}

	for (l = 0; l < loops; l++) {
		struct smm_instance *inst;

		v[ROW_HOST][l] = host_alloc_ns(nr_pages, pages);
		inst = smm_instance_create(&p);
		if (IS_ERR(inst) || !v[ROW_HOST][l]) {
			smm_instance_destroy(inst);
			ret = -ENOMEM;
			goto out;
		}
		v[ROW_TOTAL][l] = smm_timeline_total_ns(&inst->timeline);
		for (i = 0; i < SMM_STAGE_NR; i++)
			v[ROW_STAGE + i][l] = inst->timeline.recs[i].duration_ns;
		smm_instance_destroy(inst);
	}
	for (i = 0; i < ROW_NR; i++)
		med[i] = median(v[i], loops);

	seq_printf(m, "# bring-up, arena_mb=%u, median of %u runs; host = alloc_pages(order %d) of the same memory\n",
		   mb, loops, MAX_PAGE_ORDER);
	seq_printf(m, "%-22s %14s %14s %9s\n", "row", "shadow_ns/MiB", "host_ns/MiB",
		   "ratio");
	ratio_row(m, "arena acquisition", med[ROW_STAGE + SMM_STAGE_ARENA],
		  med[ROW_HOST], mb);
	for (i = 0; i < SMM_STAGE_NR; i++) {
		char name[32];

		if (i == SMM_STAGE_ARENA)
			continue;
		snprintf(name, sizeof(name), "stage %s", smm_stage_name(i));
		ratio_row(m, name, med[ROW_STAGE + i], med[ROW_HOST], mb);
	}
	ratio_row(m, "bring-up total", med[ROW_TOTAL], med[ROW_HOST], mb);
	seq_printf(m, "handoff per GiB of arena: %llu ns\n",
		   div_u64(med[ROW_STAGE + SMM_STAGE_HANDOFF] * 1024, mb));
out:
	kvfree(pages);
	kfree(v);
	return ret;
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
	r->ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
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
 * Throughput of the order-0 pair loop with @nr_cpus threads, one per CPU,
 * started together: pairs per ms of wall time.
 */
static u64 throughput(struct smm_buddy *b, unsigned int nr_cpus, unsigned long iters)
{
	struct page_run *runs;
	struct completion start;
	unsigned int n = 0, i;
	u64 max_ns = 0, ops = 0;
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
	complete_all(&start);
	for (i = 0; i < n; i++) {
		wait_for_completion(&runs[i].done);
		max_ns = max(max_ns, runs[i].ns);
		ops += runs[i].failed ? 0 : runs[i].iters;
	}
	kfree(runs);
	return max_ns ? div64_u64(ops * NSEC_PER_MSEC, max_ns) : 0;
}

static int bench_pages(struct seq_file *m, unsigned int mb, unsigned int iters)
{
	const struct smm_params p = {
		.name = "bench",
		.arena_mb = mb,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
	};
	unsigned int cpus = num_online_cpus();
	struct smm_instance *inst;
	struct page_run r;
	u64 ns[2], tp[2][2];
	void **ptrs;
	int op, side;

	ptrs = kvcalloc(BATCH, sizeof(*ptrs), GFP_KERNEL);
	inst = smm_instance_create(&p);
	if (!ptrs || IS_ERR(inst)) {
		kvfree(ptrs);
		smm_instance_destroy(inst);
		return -ENOMEM;
	}
	seq_printf(m, "# page allocator, %u iterations, arena_mb=%u; host = alloc_pages()/__free_pages()\n",
		   iters, mb);
	seq_printf(m, "%-24s %12s %12s %9s\n", "row", "shadow_ns/op", "host_ns/op", "ratio");
	for (op = 0; op < OP_NR; op++) {
		unsigned long n = op == OP_PAIR9 ? max(iters / 10, 1000U) : iters;

		for (side = 0; side < 2; side++) {
			r = (struct page_run){ .b = side ? NULL : &inst->buddy, .op = op,
					       .iters = n, .ptrs = ptrs };
			run_loop(&r);
			ns[side] = r.failed ? 0 : r.ns;
		}
		if (!ns[0] || !ns[1]) {
			seq_printf(m, "%-24s %12s %12s %9s\n", op_names[op], ns[0] ? "-" : "failed",
				   ns[1] ? "-" : "failed", "-");
			continue;
		}
		{
			u64 ratio = div64_u64(ns[0] * 10000, ns[1]);

			seq_printf(m, "%-24s %12llu %12llu %4llu.%04llu\n", op_names[op],
				   div_u64(ns[0], n), div_u64(ns[1], n), ratio / 10000,
				   ratio % 10000);
		}
	}
	for (side = 0; side < 2; side++) {
		struct smm_buddy *b = side ? NULL : &inst->buddy;

		tp[side][0] = throughput(b, 1, iters);
		tp[side][1] = throughput(b, cpus, iters);
	}
	seq_printf(m, "# order-0 pair throughput, pairs/ms: 1 CPU, %u CPUs, and the gain\n", cpus);
	for (side = 0; side < 2; side++) {
		u64 gain = tp[side][0] ? div64_u64(tp[side][1] * 100, tp[side][0]) : 0;

		seq_printf(m, "%-24s %12llu %12llu %6llu.%02llux\n",
			   side ? "host scaling" : "shadow scaling", tp[side][0], tp[side][1],
			   gain / 100, gain % 100);
	}
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

/* ns per pair (@batch 0) or per alloc+free in batches; 0 on failure. */
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
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), t0)), iters);
}

static void obj_row(struct seq_file *m, const char *name, u64 shadow, u64 host)
{
	u64 r = shadow && host ? div64_u64(shadow * 10000, host) : 0;

	seq_printf(m, "%-28s %12llu %12llu %4llu.%04llu\n", name, shadow, host,
		   r / 10000, r % 10000);
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

static int bench_slab(struct seq_file *m, unsigned int mb, unsigned int iters)
{
	struct kmem_cache *hs;
	u64 host_pair, host_batch, host_km[SMM_KMALLOC_CLASSES], host_space;
	struct obj_loop hl = { 0 };
	void **ptrs;
	int st, c;

	ptrs = kvcalloc(MIX_N, sizeof(*ptrs), GFP_KERNEL);
	hs = smm_compat_cache_create_unmerged("smm-bench-256", 256);
	if (!ptrs || !hs) {
		kvfree(ptrs);
		kmem_cache_destroy(hs);
		return -ENOMEM;
	}
	hl.hs = hs;
	host_pair = obj_ns(&hl, iters, ptrs, 0);
	host_batch = obj_ns(&hl, iters, ptrs, BATCH);
	hl.hs = NULL;
	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		hl.size = smm_kmalloc_size(c);
		host_km[c] = obj_ns(&hl, iters / 4, ptrs, 0);
	}
	host_space = space_host(ptrs);

	for (st = 0; st < SMM_SLAB_NR; st++) {
		const struct smm_params p = {
			.name = "bench", .arena_mb = mb, .source = SMM_ARENA_CHUNKS,
			.chunk_order = MAX_PAGE_ORDER, .slab = st,
		};
		struct smm_instance *inst = smm_instance_create(&p);
		struct obj_loop l = { 0 };
		char name[40];
		u64 space;

		if (IS_ERR(inst))
			continue;
		l.sa = &inst->slab;
		l.s = smm_kmem_cache_create(&inst->slab, "bench-256", 256, 0, 0, NULL);
		seq_printf(m, "# slab strategy %s; host = kmem_cache/kmalloc (SLUB)\n",
			   smm_slab_strategy_name(st));
		seq_printf(m, "%-28s %12s %12s %9s\n", "row", "shadow_ns/op", "host_ns/op",
			   "ratio");
		if (!IS_ERR(l.s)) {
			obj_row(m, "256-byte pair, hot cache", obj_ns(&l, iters, ptrs, 0),
				host_pair);
			obj_row(m, "1000 allocs+1000 frees", obj_ns(&l, iters, ptrs, BATCH),
				host_batch);
			smm_kmem_cache_destroy(l.s);
		}
		l.s = NULL;
		for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
			l.size = smm_kmalloc_size(c);
			snprintf(name, sizeof(name), "kmalloc-%u pair", l.size);
			obj_row(m, name, obj_ns(&l, iters / 4, ptrs, 0), host_km[c]);
		}
		space = space_shadow(&inst->slab, ptrs);
		seq_printf(m, "space efficiency (asked/slab bytes): shadow %llu.%02llu%%, host %llu.%02llu%%\n",
			   space / 100, space % 100, host_space / 100, host_space % 100);
		smm_instance_destroy(inst);
	}
	kmem_cache_destroy(hs);
	kvfree(ptrs);
	return 0;
}

#define VMALLOC_ROUNDS	5

/* vmalloc+vfree of @pages pages, ns per pair; @vm NULL means the host's. */
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
	return div_u64(ktime_to_ns(ktime_sub(ktime_get(), t0)), loops);
}

static int bench_vmalloc(struct seq_file *m, unsigned int mb, unsigned int iters)
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
	/*
	 * Shadow and host rounds alternate, and each side's median is taken,
	 * so a slow stretch of the (TCG) machine hits both alike.
	 */
	seq_printf(m, "%u loops per round, median of %u alternating rounds\n", (unsigned int)loops,
		   VMALLOC_ROUNDS);
	seq_printf(m, "%-28s %12s %12s %9s\n", "row", "shadow_ns/op", "host_ns/op", "ratio");
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 sh[VMALLOC_ROUNDS], ho[VMALLOC_ROUNDS];
		bool failed = false;
		char name[40];
		unsigned int r;

		for (r = 0; r < VMALLOC_ROUNDS; r++) {
			sh[r] = vmalloc_ns(&inst->vm, sizes[i], loops);
			ho[r] = vmalloc_ns(NULL, sizes[i], loops);
			failed |= !sh[r] || !ho[r];
		}
		snprintf(name, sizeof(name), "vmalloc+vfree %u pages", sizes[i]);
		if (failed)
			obj_row(m, name, 0, 0);
		else
			obj_row(m, name, median(sh, VMALLOC_ROUNDS), median(ho, VMALLOC_ROUNDS));
	}
	smm_instance_destroy(inst);
	return 0;
}

static int bench_show(struct seq_file *m, void *unused)
{
	int ret;

	mutex_lock(&bench_lock);
	seq_puts(m, "# shadow_mm bench: ratio = shadow / host, both measured in this run\n");
	ret = bench_bringup(m, bench_arena_mb, bench_loops);
	if (!ret)
		ret = bench_pages(m, bench_arena_mb, bench_iters);
	if (!ret)
		ret = bench_slab(m, bench_arena_mb, bench_iters);
	if (!ret)
		ret = bench_vmalloc(m, bench_arena_mb, bench_iters);
	mutex_unlock(&bench_lock);
	return ret;
}

static int bench_open(struct inode *inode, struct file *file)
{
	/* The table is small, but the runs are long: one buffer, one run. */
	return single_open_size(file, bench_show, inode->i_private, 16384);
}

enum { BENCH_ARENA_MB, BENCH_LOOPS, BENCH_ITERS, BENCH_NR };

static const char *const bench_keys[] = {
	[BENCH_ARENA_MB]	= "arena_mb",
	[BENCH_LOOPS]		= "loops",
	[BENCH_ITERS]		= "iters",
};

static_assert(ARRAY_SIZE(bench_keys) == BENCH_NR);

static int parse_setting(int k, const char *val, unsigned int *mb, unsigned int *loops,
			 unsigned int *iters)
{
	switch (k) {
	case BENCH_ARENA_MB:
		return smm_parse_uint("bench.arena_mb", val, SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB,
				      mb);
	case BENCH_ITERS:
		return smm_parse_uint("bench.iters", val, 1000, 10000000, iters);
	default:
		return smm_parse_uint("bench.loops", val, 1, BENCH_MAX_LOOPS, loops);
	}
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned int mb, loops, iters, seen = 0;
	char *buf, *cur, *val;
	int ret, k;

	if (len > 128) {
		smm_bad_input("bench", "command longer than 128 bytes");
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	mutex_lock(&bench_lock);
	mb = bench_arena_mb;
	loops = bench_loops;
	iters = bench_iters;
	cur = strim(buf);
	while ((k = smm_next_key(&cur, "bench", bench_keys, BENCH_NR, &seen, &val)) >= 0) {
		k = parse_setting(k, val, &mb, &loops, &iters);
		if (k)
			break;
	}
	ret = k == -ENOENT ? 0 : k;
	if (!ret) {	/* all or nothing */
		bench_arena_mb = mb;
		bench_loops = loops;
		bench_iters = iters;
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
