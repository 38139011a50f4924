// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_trace": the tracepoints of shadow_mm/trace.h.
 *
 * Each case registers probes on our own events (register_trace_<event>()
 * works inside the module that defines them), runs a known workload on an
 * instance of its own, and compares what the probes saw with what the
 * allocators returned: N allocations of order k give N page events of
 * order k with the PFNs the allocator handed out, N kmallocs of s bytes N
 * kmalloc events with bytes_req s and bytes_alloc the size class, frees
 * the same pointers, vmalloc and vfree their area, and the bring-up its
 * stages in order, each begun and ended.  Every event carries the
 * instance's name.  The probes read the same fields the events record
 * (the event's own helper for bytes_alloc); the guest's trace-cmd check
 * reads the formatted records.  At the end the probes go, and
 * tracepoint_synchronize_unregister() waits for any still running.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "kunit/util.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/trace.h"

#define TEST_NAME	"ktrace"
#define LOG_MAX		512

enum rec_event {
	EV_PAGE_ALLOC,
	EV_PAGE_FREE,
	EV_PAGE_FREE_BATCHED,
	EV_KMALLOC,
	EV_KFREE,
	EV_CACHE_ALLOC,
	EV_CACHE_FREE,
	EV_VMALLOC,
	EV_VFREE,
	EV_STAGE_BEGIN,
	EV_STAGE_END,
};

/* What one event carried, as the probe saw it. */
struct rec {
	enum rec_event ev;
	const char *instance;
	unsigned long pfn;
	unsigned int order;
	unsigned int gfp;
	unsigned long call_site;
	const void *ptr;
	size_t bytes_req;
	size_t bytes_alloc;
	const char *cache;
	u64 addr;
	unsigned int nr_pages;
	unsigned int stage;
	const char *function;
	u64 duration_ns;
};

/*
 * The events of one instance: those of the buddy allocator @buddy, or,
 * before it exists, of the timeline named @name (the bring-up).
 */
struct trace_log {
	spinlock_t lock;	/* protects nr, dropped, recs */
	const struct smm_buddy *buddy;
	const char *name;
	unsigned int nr;
	unsigned int dropped;
	struct rec recs[LOG_MAX];
};

static void log_add(struct trace_log *log, const struct rec *r)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	if (log->nr < LOG_MAX)
		log->recs[log->nr++] = *r;
	else
		log->dropped++;
	spin_unlock_irqrestore(&log->lock, flags);
}

static bool mine(struct trace_log *log, const struct smm_buddy *b)
{
	return b && b == READ_ONCE(log->buddy);
}

static void probe_page_alloc(void *data, struct smm_buddy *b, struct smm_page *page,
			     unsigned int order, unsigned int gfp)
{
	struct rec r = { .ev = EV_PAGE_ALLOC, .instance = b->name, .order = order, .gfp = gfp };

	if (!mine(data, b))
		return;
	r.pfn = page ? smm_page_to_pfn(b->arena, page) : -1UL;
	log_add(data, &r);
}

static void probe_page_free(void *data, struct smm_buddy *b, struct smm_page *page,
			    unsigned int order)
{
	struct rec r = { .ev = EV_PAGE_FREE, .instance = b->name, .order = order };

	if (!mine(data, b))
		return;
	r.pfn = smm_page_to_pfn(b->arena, page);
	log_add(data, &r);
}

static void probe_page_free_batched(void *data, struct smm_buddy *b, struct smm_page *page)
{
	struct rec r = { .ev = EV_PAGE_FREE_BATCHED, .instance = b->name };

	if (!mine(data, b))
		return;
	r.pfn = smm_page_to_pfn(b->arena, page);
	log_add(data, &r);
}

static void probe_kmalloc(void *data, struct smm_slab *sa, const struct smm_kmem_cache *s,
			  unsigned long call_site, const void *ptr, size_t bytes_req,
			  unsigned int gfp)
{
	struct rec r = {
		.ev = EV_KMALLOC, .instance = sa->buddy->name, .call_site = call_site,
		.ptr = ptr, .bytes_req = bytes_req, .gfp = gfp, .cache = s ? s->name : "",
	};

	if (!mine(data, sa->buddy))
		return;
	r.bytes_alloc = smm_trace_kmalloc_bytes(sa, s, ptr, bytes_req);
	log_add(data, &r);
}

static void probe_kfree(void *data, struct smm_slab *sa, unsigned long call_site,
			const void *ptr)
{
	struct rec r = {
		.ev = EV_KFREE, .instance = sa->buddy->name, .call_site = call_site, .ptr = ptr,
	};

	if (mine(data, sa->buddy))
		log_add(data, &r);
}

static void probe_cache_alloc(void *data, struct smm_kmem_cache *s, unsigned long call_site,
			      const void *ptr, unsigned int gfp)
{
	struct rec r = {
		.ev = EV_CACHE_ALLOC, .instance = s->sa->buddy->name, .call_site = call_site,
		.ptr = ptr, .gfp = gfp, .cache = s->name, .bytes_req = s->object_size,
		.bytes_alloc = s->size,
	};

	if (mine(data, s->sa->buddy))
		log_add(data, &r);
}

static void probe_cache_free(void *data, struct smm_kmem_cache *s, unsigned long call_site,
			     const void *ptr)
{
	struct rec r = {
		.ev = EV_CACHE_FREE, .instance = s->sa->buddy->name, .call_site = call_site,
		.ptr = ptr, .cache = s->name,
	};

	if (mine(data, s->sa->buddy))
		log_add(data, &r);
}

static void probe_vmap(void *data, struct smm_vmalloc *vm, const struct smm_vmap_area *va,
		       unsigned long call_site, enum rec_event ev)
{
	struct rec r = {
		.ev = ev, .instance = vm->buddy->name, .call_site = call_site, .ptr = va->addr,
		.addr = va->va_start, .nr_pages = va->nr_pages,
	};

	if (mine(data, vm->buddy))
		log_add(data, &r);
}

static void probe_vmalloc(void *data, struct smm_vmalloc *vm, const struct smm_vmap_area *va,
			  unsigned long call_site)
{
	probe_vmap(data, vm, va, call_site, EV_VMALLOC);
}

static void probe_vfree(void *data, struct smm_vmalloc *vm, const struct smm_vmap_area *va,
			unsigned long call_site)
{
	probe_vmap(data, vm, va, call_site, EV_VFREE);
}

static void probe_stage(void *data, const struct smm_timeline *tl, enum smm_stage stage,
			enum rec_event ev)
{
	struct trace_log *log = data;
	struct rec r = {
		.ev = ev, .instance = tl->name, .stage = stage,
		.function = smm_stage_kernel_name(tl->era, stage),
	};

	if (!log->name || !tl->name || strcmp(tl->name, log->name))
		return;
	if (ev == EV_STAGE_END)
		r.duration_ns = tl->recs[stage].duration_ns;
	log_add(log, &r);
}

static void probe_stage_begin(void *data, const struct smm_timeline *tl, enum smm_stage stage)
{
	probe_stage(data, tl, stage, EV_STAGE_BEGIN);
}

static void probe_stage_end(void *data, const struct smm_timeline *tl, enum smm_stage stage)
{
	probe_stage(data, tl, stage, EV_STAGE_END);
}

/* Every probe goes on, so that each case sees all events and can tell extra ones. */
static int log_register(struct trace_log *log)
{
	int ret;

	ret = register_trace_smm_mm_page_alloc(probe_page_alloc, log);
	ret = ret ?: register_trace_smm_mm_page_free(probe_page_free, log);
	ret = ret ?: register_trace_smm_mm_page_free_batched(probe_page_free_batched, log);
	ret = ret ?: register_trace_smm_kmalloc(probe_kmalloc, log);
	ret = ret ?: register_trace_smm_kfree(probe_kfree, log);
	ret = ret ?: register_trace_smm_kmem_cache_alloc(probe_cache_alloc, log);
	ret = ret ?: register_trace_smm_kmem_cache_free(probe_cache_free, log);
	ret = ret ?: register_trace_smm_vmalloc(probe_vmalloc, log);
	ret = ret ?: register_trace_smm_vfree(probe_vfree, log);
	ret = ret ?: register_trace_smm_bringup_stage_begin(probe_stage_begin, log);
	ret = ret ?: register_trace_smm_bringup_stage_end(probe_stage_end, log);
	return ret;
}

/* Unregistering a probe that was never registered is harmless (-ENOENT). */
static void log_stop(void *data)
{
	unregister_trace_smm_mm_page_alloc(probe_page_alloc, data);
	unregister_trace_smm_mm_page_free(probe_page_free, data);
	unregister_trace_smm_mm_page_free_batched(probe_page_free_batched, data);
	unregister_trace_smm_kmalloc(probe_kmalloc, data);
	unregister_trace_smm_kfree(probe_kfree, data);
	unregister_trace_smm_kmem_cache_alloc(probe_cache_alloc, data);
	unregister_trace_smm_kmem_cache_free(probe_cache_free, data);
	unregister_trace_smm_vmalloc(probe_vmalloc, data);
	unregister_trace_smm_vfree(probe_vfree, data);
	unregister_trace_smm_bringup_stage_begin(probe_stage_begin, data);
	unregister_trace_smm_bringup_stage_end(probe_stage_end, data);
	/* No probe may still be running on the log when the test frees it. */
	tracepoint_synchronize_unregister();
}

/* A log with every probe on it; they are unregistered when the test ends. */
static struct trace_log *log_start(struct kunit *test, const char *name)
{
	struct trace_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, log);
	spin_lock_init(&log->lock);
	log->name = name;
	ret = log_register(log);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, log_stop, log), 0);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return log;
}

static struct smm_instance *trace_instance(struct kunit *test, enum smm_slab_strategy slab)
{
	const struct smm_params p = {
		.name = TEST_NAME,
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = slab,
	};

	return smm_test_new_instance(test, &p);
}

/* Start recording @inst's events; the log is empty. */
static void log_watch(struct trace_log *log, struct smm_instance *inst)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	log->nr = 0;
	log->dropped = 0;
	WRITE_ONCE(log->buddy, &inst->buddy);
	spin_unlock_irqrestore(&log->lock, flags);
}

/* Stop recording, and check that nothing was dropped and every event names the instance. */
static unsigned int log_end(struct kunit *test, struct trace_log *log)
{
	unsigned long flags;
	unsigned int i, nr;

	spin_lock_irqsave(&log->lock, flags);
	WRITE_ONCE(log->buddy, NULL);
	nr = log->nr;
	spin_unlock_irqrestore(&log->lock, flags);
	KUNIT_EXPECT_EQ(test, log->dropped, 0U);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_STREQ_MSG(test, log->recs[i].instance ?: "(null)", TEST_NAME,
				       "event %u (kind %d)", i, log->recs[i].ev);
	return nr;
}

static unsigned int count(struct trace_log *log, unsigned int nr, enum rec_event ev)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		n += log->recs[i].ev == ev;
	return n;
}

/* The @k-th record of kind @ev, or NULL. */
static const struct rec *nth(struct trace_log *log, unsigned int nr, enum rec_event ev,
			     unsigned int k)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (log->recs[i].ev == ev && !k--)
			return &log->recs[i];
	return NULL;
}

/* The record of kind @ev with pointer @ptr; fails the test unless there is exactly one. */
static const struct rec *by_ptr(struct kunit *test, struct trace_log *log, unsigned int nr,
				enum rec_event ev, const void *ptr)
{
	const struct rec *found = NULL;
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++) {
		if (log->recs[i].ev == ev && log->recs[i].ptr == ptr) {
			found = &log->recs[i];
			n++;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, n, 1U, "events of kind %d for %p", ev, ptr);
	return found;
}

/* Does @call_site lie in the function named @fn? */
static bool site_in(unsigned long call_site, const char *fn)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t len = strlen(fn);

	snprintf(buf, sizeof(buf), "%ps", (void *)call_site);
	return !strncmp(buf, fn, len) && (!buf[len] || buf[len] == '.' || buf[len] == ' ');
}

#define NR_BLOCKS	7
#define BLOCK_ORDER	2
#define NR_BULK		5

/* N page allocations of order k: N events of order k with the PFNs returned; frees likewise. */
static void trace_test_pages(struct kunit *test)
{
	struct smm_instance *inst = trace_instance(test, SMM_SLAB_SLUB);
	struct trace_log *log = log_start(test, NULL);
	struct smm_buddy *b = &inst->buddy;
	struct smm_page *blocks[NR_BLOCKS], *bulk[NR_BULK];
	const unsigned int gfp = __SMM_GFP_SITE(SMM_SITE_PAGES);
	const struct rec *r;
	unsigned int i, nr;

	log_watch(log, inst);
	for (i = 0; i < NR_BLOCKS; i++) {
		blocks[i] = smm_alloc_pages(b, gfp, BLOCK_ORDER);
		KUNIT_ASSERT_FALSE(test, IS_ERR(blocks[i]));
	}
	for (i = 0; i < NR_BLOCKS; i++)
		KUNIT_ASSERT_EQ(test, smm_free_pages(b, blocks[i], BLOCK_ORDER), 0);
	/* A refused free changes nothing, and is no event. */
	KUNIT_EXPECT_EQ(test, smm_free_pages(b, blocks[0], BLOCK_ORDER), -EINVAL);
	/* The bulk paths: one event per page, mm_page_free_batched for the free. */
	KUNIT_ASSERT_EQ(test, smm_alloc_pages_bulk(b, gfp, NR_BULK, bulk), NR_BULK);
	KUNIT_ASSERT_EQ(test, smm_free_pages_bulk(b, bulk, NR_BULK), 0U);
	nr = log_end(test, log);

	KUNIT_EXPECT_EQ(test, count(log, nr, EV_PAGE_ALLOC), NR_BLOCKS + NR_BULK);
	KUNIT_EXPECT_EQ(test, count(log, nr, EV_PAGE_FREE), NR_BLOCKS);
	KUNIT_EXPECT_EQ(test, count(log, nr, EV_PAGE_FREE_BATCHED), NR_BULK);
	KUNIT_EXPECT_EQ(test, nr, 2 * NR_BLOCKS + 2 * NR_BULK);
	for (i = 0; i < NR_BLOCKS; i++) {
		unsigned long pfn = smm_page_to_pfn(b->arena, blocks[i]);

		r = nth(log, nr, EV_PAGE_ALLOC, i);
		KUNIT_ASSERT_NOT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, r->pfn, pfn);
		KUNIT_EXPECT_EQ(test, r->order, BLOCK_ORDER);
		KUNIT_EXPECT_EQ(test, r->gfp, gfp);
		r = nth(log, nr, EV_PAGE_FREE, i);
		KUNIT_ASSERT_NOT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, r->pfn, pfn);
		KUNIT_EXPECT_EQ(test, r->order, BLOCK_ORDER);
	}
	for (i = 0; i < NR_BULK; i++) {
		unsigned long pfn = smm_page_to_pfn(b->arena, bulk[i]);

		r = nth(log, nr, EV_PAGE_ALLOC, NR_BLOCKS + i);
		KUNIT_ASSERT_NOT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, r->pfn, pfn);
		KUNIT_EXPECT_EQ(test, r->order, 0U);
		r = nth(log, nr, EV_PAGE_FREE_BATCHED, i);
		KUNIT_ASSERT_NOT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, r->pfn, pfn);
	}
}

/* A failed allocation is an event too, with no page (pfn -1), as the kernel's. */
static void trace_test_page_alloc_fails(struct kunit *test)
{
	struct smm_instance *inst = trace_instance(test, SMM_SLAB_SLUB);
	struct trace_log *log = log_start(test, NULL);
	struct smm_buddy *b = &inst->buddy;
	unsigned int order = b->max_order - 1, nr, i;
	struct smm_page *page;
	const struct rec *r;

	/* Take every block of the largest order, then ask for one more. */
	log_watch(log, inst);
	for (i = 0; i < 64; i++) {
		page = smm_alloc_pages(b, 0, order);
		if (IS_ERR(page))
			break;
	}
	KUNIT_ASSERT_TRUE(test, IS_ERR(page));
	KUNIT_ASSERT_EQ(test, PTR_ERR(page), -ENOMEM);
	nr = log_end(test, log);
	KUNIT_EXPECT_EQ(test, count(log, nr, EV_PAGE_ALLOC), i + 1);
	r = nth(log, nr, EV_PAGE_ALLOC, i);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->pfn, -1UL);
	KUNIT_EXPECT_EQ(test, r->order, order);
	/* The blocks go back with the instance. */
}

static const enum smm_slab_strategy strategies[] = {
	SMM_SLAB_SLAB, SMM_SLAB_SLUB, SMM_SLAB_SLOB,
};

static void strategy_desc(const enum smm_slab_strategy *s, char *desc)
{
	strscpy(desc, smm_slab_strategy_name(*s), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(strategy, strategies, strategy_desc);

#define NR_KMALLOC	13
#define KMALLOC_SIZE	100
#define LARGE_SIZE	20000

/*
 * N kmallocs of s bytes: N events with bytes_req s and bytes_alloc the size
 * class (SLOB: its block), from this function; N kfrees of the same
 * pointers.  A large kmalloc is whole pages, and a page event of the slab.
 */
static void trace_test_kmalloc(struct kunit *test)
{
	const enum smm_slab_strategy strategy = *(const enum smm_slab_strategy *)test->param_value;
	struct smm_instance *inst = trace_instance(test, strategy);
	struct trace_log *log = log_start(test, NULL);
	struct smm_slab *sa = &inst->slab;
	int idx = smm_kmalloc_index(KMALLOC_SIZE);
	void *p[NR_KMALLOC], *large;
	size_t ksize[NR_KMALLOC];
	unsigned int i, n, nr, order = get_order(LARGE_SIZE);
	unsigned long head_pfn;
	struct smm_page *head;
	const struct rec *r;

	KUNIT_ASSERT_GE(test, idx, 0);
	log_watch(log, inst);
	for (i = 0; i < NR_KMALLOC; i++) {
		p[i] = smm_kmalloc(sa, KMALLOC_SIZE, 0);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < NR_KMALLOC; i++)
		ksize[i] = smm_ksize(sa, p[i]);
	large = smm_kmalloc(sa, LARGE_SIZE, 0);
	KUNIT_ASSERT_NOT_NULL(test, large);
	head = smm_slab_virt_to_head(sa, large);
	KUNIT_ASSERT_NOT_NULL(test, head);
	head_pfn = smm_page_to_pfn(sa->arena, head);
	for (i = 0; i < NR_KMALLOC; i++)
		KUNIT_ASSERT_EQ(test, smm_kfree(sa, p[i]), 0);
	KUNIT_ASSERT_EQ(test, smm_kfree(sa, large), 0);
	nr = log_end(test, log);

	for (i = 0; i < NR_KMALLOC; i++) {
		r = by_ptr(test, log, nr, EV_KMALLOC, p[i]);
		if (!r)
			continue;
		KUNIT_EXPECT_EQ(test, r->bytes_req, (size_t)KMALLOC_SIZE);
		if (strategy == SMM_SLAB_SLOB) {
			KUNIT_EXPECT_STREQ(test, r->cache, "");
			KUNIT_EXPECT_GE(test, r->bytes_alloc, (size_t)KMALLOC_SIZE);
			KUNIT_EXPECT_EQ(test, r->bytes_alloc, ksize[i]);
		} else {
			KUNIT_EXPECT_EQ(test, r->bytes_alloc, (size_t)smm_kmalloc_size(idx));
			KUNIT_EXPECT_STREQ(test, r->cache, sa->kmalloc_caches[idx]->name);
		}
		KUNIT_EXPECT_TRUE_MSG(test, site_in(r->call_site, __func__), "call_site %pS",
				      (void *)r->call_site);
		r = by_ptr(test, log, nr, EV_KFREE, p[i]);
		if (r)
			KUNIT_EXPECT_TRUE_MSG(test, site_in(r->call_site, __func__),
					      "call_site %pS", (void *)r->call_site);
	}
	/* Only the kmallocs of this case were of KMALLOC_SIZE (SLAB kmallocs its own too). */
	for (i = 0, n = 0; i < nr; i++)
		n += log->recs[i].ev == EV_KMALLOC && log->recs[i].bytes_req == KMALLOC_SIZE;
	KUNIT_EXPECT_EQ(test, n, NR_KMALLOC);
	KUNIT_EXPECT_GE(test, count(log, nr, EV_KFREE), NR_KMALLOC + 1);

	r = by_ptr(test, log, nr, EV_KMALLOC, large);
	if (r) {
		KUNIT_EXPECT_EQ(test, r->bytes_req, (size_t)LARGE_SIZE);
		KUNIT_EXPECT_EQ(test, r->bytes_alloc, PAGE_SIZE << order);
	}
	by_ptr(test, log, nr, EV_KFREE, large);
	/* The large kmalloc's pages: one event each way, of its order, from the slab. */
	for (i = 0, n = 0; i < nr; i++) {
		const struct rec *e = &log->recs[i];

		if ((e->ev == EV_PAGE_ALLOC || e->ev == EV_PAGE_FREE) && e->pfn == head_pfn) {
			KUNIT_EXPECT_EQ(test, e->ev, n ? EV_PAGE_FREE : EV_PAGE_ALLOC);
			KUNIT_EXPECT_EQ(test, e->order, order);
			if (e->ev == EV_PAGE_ALLOC)
				KUNIT_EXPECT_EQ(test, e->gfp & SMM_GFP_SITE_MASK,
						(unsigned int)__SMM_GFP_SITE(SMM_SITE_SLAB));
			n++;
		}
	}
	KUNIT_EXPECT_EQ(test, n, 2U);
}

#define NR_OBJS		5
#define OBJ_SIZE	200

/* kmem_cache_alloc and kmem_cache_free: the cache's name and sizes, the pointers. */
static void trace_test_cache(struct kunit *test)
{
	const enum smm_slab_strategy strategy = *(const enum smm_slab_strategy *)test->param_value;
	struct smm_instance *inst = trace_instance(test, strategy);
	struct trace_log *log = log_start(test, NULL);
	struct smm_kmem_cache *s;
	const struct rec *r;
	void *obj[NR_OBJS];
	unsigned int i, nr, mine_allocs = 0, mine_frees = 0;

	s = smm_kmem_cache_create(&inst->slab, "ktrace_obj", OBJ_SIZE, 0, 0, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(s));
	log_watch(log, inst);
	for (i = 0; i < NR_OBJS; i++) {
		obj[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
	}
	for (i = 0; i < NR_OBJS; i++)
		KUNIT_ASSERT_EQ(test, smm_kmem_cache_free(s, obj[i]), 0);
	nr = log_end(test, log);

	for (i = 0; i < nr; i++) {
		r = &log->recs[i];
		if (r->ev != EV_CACHE_ALLOC && r->ev != EV_CACHE_FREE)
			continue;
		if (strcmp(r->cache, "ktrace_obj"))
			continue;
		if (r->ev == EV_CACHE_ALLOC) {
			KUNIT_EXPECT_EQ(test, r->bytes_req, (size_t)OBJ_SIZE);
			KUNIT_EXPECT_EQ(test, r->bytes_alloc, (size_t)s->size);
			KUNIT_EXPECT_GE(test, r->bytes_alloc, (size_t)OBJ_SIZE);
			mine_allocs++;
		} else {
			mine_frees++;
		}
		KUNIT_EXPECT_TRUE_MSG(test, site_in(r->call_site, __func__), "call_site %pS",
				      (void *)r->call_site);
	}
	KUNIT_EXPECT_EQ(test, mine_allocs, NR_OBJS);
	KUNIT_EXPECT_EQ(test, mine_frees, NR_OBJS);
	for (i = 0; i < NR_OBJS; i++) {
		by_ptr(test, log, nr, EV_CACHE_ALLOC, obj[i]);
		by_ptr(test, log, nr, EV_CACHE_FREE, obj[i]);
	}
	/* Last: the records point at the cache's name. */
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

#define VM_PAGES	4

/* vmalloc and vfree: the area, and one page event per page of the bulk fill and free. */
static void trace_test_vmalloc(struct kunit *test)
{
	struct smm_instance *inst = trace_instance(test, SMM_SLAB_SLUB);
	struct trace_log *log = log_start(test, NULL);
	struct smm_vmalloc *vm = &inst->vm;
	unsigned long pfns[VM_PAGES];
	const struct rec *r;
	unsigned int i, nr;
	u64 addr;
	void *p;

	log_watch(log, inst);
	p = smm_vmalloc(vm, (VM_PAGES - 1) * PAGE_SIZE + 1);
	KUNIT_ASSERT_NOT_NULL(test, p);
	addr = smm_vmalloc_shadow_addr(vm, p);
	for (i = 0; i < VM_PAGES; i++) {
		struct smm_page *page = smm_vmalloc_to_page(vm, p + i * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, page);
		pfns[i] = smm_page_to_pfn(&inst->arena, page);
	}
	KUNIT_ASSERT_EQ(test, smm_vfree(vm, p), 0);
	nr = log_end(test, log);

	KUNIT_EXPECT_EQ(test, count(log, nr, EV_VMALLOC), 1U);
	KUNIT_EXPECT_EQ(test, count(log, nr, EV_VFREE), 1U);
	r = by_ptr(test, log, nr, EV_VMALLOC, p);
	if (r) {
		KUNIT_EXPECT_EQ(test, r->addr, addr);
		KUNIT_EXPECT_EQ(test, r->nr_pages, VM_PAGES);
		KUNIT_EXPECT_TRUE_MSG(test, site_in(r->call_site, __func__), "call_site %pS",
				      (void *)r->call_site);
	}
	r = by_ptr(test, log, nr, EV_VFREE, p);
	if (r) {
		KUNIT_EXPECT_EQ(test, r->addr, addr);
		KUNIT_EXPECT_EQ(test, r->nr_pages, VM_PAGES);
		KUNIT_EXPECT_TRUE_MSG(test, site_in(r->call_site, __func__), "call_site %pS",
				      (void *)r->call_site);
	}
	/* The pages: vmalloc's site, HIGHUSER, the PFNs the shadow tables map. */
	KUNIT_EXPECT_EQ(test, count(log, nr, EV_PAGE_FREE_BATCHED), VM_PAGES);
	for (i = 0; i < VM_PAGES; i++) {
		unsigned int k, found = 0;

		for (k = 0; k < nr; k++) {
			r = &log->recs[k];
			if (r->ev == EV_PAGE_ALLOC && r->pfn == pfns[i]) {
				found++;
				KUNIT_EXPECT_EQ(test, r->order, 0U);
				KUNIT_EXPECT_EQ(test, r->gfp, SMM_GFP_HIGHUSER |
						__SMM_GFP_SITE(SMM_SITE_VMALLOC));
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, found, 1U, "page %u, pfn %#lx", i, pfns[i]);
		r = nth(log, nr, EV_PAGE_FREE_BATCHED, i);
		if (r)
			KUNIT_EXPECT_EQ(test, r->pfn, pfns[i]);
	}
}

/* The bring-up: each stage begins and ends, in order, with its function and its time. */
static void trace_test_bringup(struct kunit *test)
{
	struct trace_log *log = log_start(test, TEST_NAME);
	struct smm_instance *inst = trace_instance(test, SMM_SLAB_SLUB);
	unsigned long flags;
	unsigned int i, nr;

	/* The name stops matching for the rest of the case. */
	spin_lock_irqsave(&log->lock, flags);
	log->name = NULL;
	nr = log->nr;
	spin_unlock_irqrestore(&log->lock, flags);
	KUNIT_EXPECT_EQ(test, log->dropped, 0U);
	KUNIT_ASSERT_EQ(test, nr, 2U * SMM_NR_STAGES_2629);
	for (i = 0; i < nr; i++) {
		const struct rec *r = &log->recs[i];
		unsigned int stage = i / 2;

		KUNIT_EXPECT_EQ(test, r->ev, i % 2 ? EV_STAGE_END : EV_STAGE_BEGIN);
		KUNIT_EXPECT_EQ(test, r->stage, stage);
		KUNIT_EXPECT_STREQ(test, r->function, smm_stage_kernel_name(SMM_ERA_2629, stage));
		KUNIT_EXPECT_PTR_EQ(test, r->instance, (const char *)inst->name);
		if (r->ev == EV_STAGE_END) {
			KUNIT_EXPECT_EQ(test, r->duration_ns,
					inst->timeline.recs[stage].duration_ns);
			KUNIT_EXPECT_TRUE(test, inst->timeline.recs[stage].done);
		}
	}
}

static struct kunit_case trace_test_cases[] = {
	KUNIT_CASE(trace_test_pages),
	KUNIT_CASE(trace_test_page_alloc_fails),
	KUNIT_CASE_PARAM(trace_test_kmalloc, strategy_gen_params),
	KUNIT_CASE_PARAM(trace_test_cache, strategy_gen_params),
	KUNIT_CASE(trace_test_vmalloc),
	KUNIT_CASE(trace_test_bringup),
	{}
};

static struct kunit_suite trace_test_suite = {
	.name = "shadow_mm_trace",
	.test_cases = trace_test_cases,
};

kunit_test_suite(trace_test_suite);
