// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "shadow_mm_slab": the slab layer under SLAB, SLUB and SLOB.
 *
 * Each case brings up a small instance of its own with the strategy it
 * tests, so the buddy allocator below starts as free_all_bootmem() left it
 * and no case sees another's caches.  Most cases run over every strategy
 * and a range of object sizes, from one word to more than a page, so each
 * geometry is met: on-slab and off-slab descriptors (SLAB's 2048), order-0
 * and larger slabs, the free pointer inside and outside the object, and
 * SLOB's objects with pages of their own.
 *
 * The cases check what the layer promises: constructors (once per object
 * under SLAB and SLUB, on every allocation under SLOB), SLAB's colouring,
 * that shrinking gives back exactly the pages it says, the kmalloc size
 * classes and the large kmalloc path, ksize(), and that every misuse (a
 * double free, a free to the wrong cache, an interior pointer, an overflow,
 * a use after free) is refused, counted once and leaves the cache
 * consistent.  A random workload and a concurrent one, on every CPU, check
 * the invariants: objects never overlap, their contents survive, the live
 * counts match, and every page is either free or held by the slab layer.
 *
 * Some misuse makes a strategy decode memory that is not its own metadata.
 * Where the common code would go on to dereference what came out, the case
 * checks the decoded value first and fails instead of oopsing the run.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "kunit/util.h"
#include "shadow_mm/buddy.h"
#include "shadow_mm/instance.h"
#include "shadow_mm/slab.h"

/* What the test constructor writes into the first word of an object. */
#define CTOR_MAGIC	0x5ca1ab1ec0ffee00ULL
/* What the test writes into objects it owns. */
#define USER_BYTE	0x5a

/**
 * struct slab_param - one point of the strategy x object size matrix
 * @strategy: the slab allocator
 * @size: the object size of the case's cache
 */
struct slab_param {
	enum smm_slab_strategy strategy;
	unsigned int size;
};

static const struct slab_param matrix[] = {
	{ SMM_SLAB_SLAB, 8 }, { SMM_SLAB_SLAB, 24 }, { SMM_SLAB_SLAB, 64 },
	{ SMM_SLAB_SLAB, 192 }, { SMM_SLAB_SLAB, 256 }, { SMM_SLAB_SLAB, 700 },
	{ SMM_SLAB_SLAB, 1500 }, { SMM_SLAB_SLAB, 2048 }, { SMM_SLAB_SLAB, 4000 },
	{ SMM_SLAB_SLAB, 6000 },
	{ SMM_SLAB_SLUB, 8 }, { SMM_SLAB_SLUB, 24 }, { SMM_SLAB_SLUB, 64 },
	{ SMM_SLAB_SLUB, 192 }, { SMM_SLAB_SLUB, 256 }, { SMM_SLAB_SLUB, 700 },
	{ SMM_SLAB_SLUB, 1500 }, { SMM_SLAB_SLUB, 2048 }, { SMM_SLAB_SLUB, 4000 },
	{ SMM_SLAB_SLUB, 6000 },
	{ SMM_SLAB_SLOB, 8 }, { SMM_SLAB_SLOB, 24 }, { SMM_SLAB_SLOB, 64 },
	{ SMM_SLAB_SLOB, 192 }, { SMM_SLAB_SLOB, 256 }, { SMM_SLAB_SLOB, 700 },
	{ SMM_SLAB_SLOB, 1500 }, { SMM_SLAB_SLOB, 2048 }, { SMM_SLAB_SLOB, 4000 },
	{ SMM_SLAB_SLOB, 6000 },
};

static void matrix_desc(const struct slab_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-%u", smm_slab_strategy_name(p->strategy),
		 p->size);
}

KUNIT_ARRAY_PARAM(matrix, matrix, matrix_desc);

static const enum smm_slab_strategy strategies[] = {
	SMM_SLAB_SLAB, SMM_SLAB_SLUB, SMM_SLAB_SLOB,
};

static void strategy_desc(const enum smm_slab_strategy *st, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", smm_slab_strategy_name(*st));
}

KUNIT_ARRAY_PARAM(strategy, strategies, strategy_desc);

/* SLAB cache sizes whose slabs leave room for at least two colours. */
static const unsigned int colour_sizes[] = { 192, 200, 256, 700, 1500 };

static void size_desc(const unsigned int *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "slab-%u", *size);
}

KUNIT_ARRAY_PARAM(colour, colour_sizes, size_desc);

/* The kmalloc size classes, as slab.c has them. */
static const unsigned int kmalloc_classes[SMM_KMALLOC_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/* Test cases run one at a time, so one counter serves them all. */
static atomic_t ctor_calls;

static void stamp_ctor(void *obj)
{
	*(u64 *)obj = CTOR_MAGIC;
	atomic_inc(&ctor_calls);
}

static struct smm_instance *new_instance(struct kunit *test, enum smm_slab_strategy strategy)
{
	const struct smm_params p = {
		.name = "kunit",
		.arena_mb = 16,
		.source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = strategy,
	};
	struct smm_instance *inst = smm_test_new_instance(test, &p);

	KUNIT_ASSERT_EQ(test, inst->slab.strategy, strategy);
	test->priv = inst;
	return inst;
}

static struct smm_kmem_cache *new_cache(struct kunit *test, struct smm_slab *sa,
					const char *name, unsigned int size,
					unsigned int flags, void (*ctor)(void *))
{
	struct smm_kmem_cache *s = smm_kmem_cache_create(sa, name, size, 0, flags, ctor);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	return s;
}

/*
 * Keep the case on the CPU it runs on, so that a free and the next
 * allocation meet the same per-CPU array cache (SLAB) or active slab
 * (SLUB), which hand objects out last in, first out.  The case's thread
 * exits when the case ends, and its affinity with it.
 */
static void pin_cpu(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(raw_smp_processor_id())),
			0);
}

/* Objects per slab; SLOB's page holds roughly this many of them. */
static unsigned int per_slab(const struct smm_kmem_cache *s)
{
	return max(s->num, 1U);
}

/* A cache's slabinfo; with @flush, per-CPU objects go back to their slabs first. */
static void cache_info(struct smm_kmem_cache *s, bool flush, struct smm_slabinfo *info)
{
	struct smm_slab *sa = s->sa;

	memset(info, 0, sizeof(*info));
	mutex_lock(&sa->lock);
	if (flush)
		sa->ops->flush(s);
	sa->ops->info(s, info);
	mutex_unlock(&sa->lock);
}

/* Objects of @s that belong to a user. */
static unsigned long live_objs(struct smm_kmem_cache *s)
{
	struct smm_slabinfo info;

	cache_info(s, true, &info);
	return info.active_objs;
}

/* Pages the slab layer holds: every cache, SLOB's shared pages, large kmallocs. */
static unsigned long slab_pages(struct smm_slab *sa)
{
	unsigned long reclaimable, unreclaimable;

	smm_slab_meminfo(sa, &reclaimable, &unreclaimable);
	return reclaimable + unreclaimable;
}

/* Pages held by the kmalloc caches alone. */
static unsigned long kmalloc_pages(struct smm_slab *sa)
{
	struct smm_slabinfo info;
	unsigned long n = 0;
	int i;

	for (i = 0; i < SMM_KMALLOC_CLASSES; i++) {
		if (!sa->kmalloc_caches[i])
			continue;
		cache_info(sa->kmalloc_caches[i], false, &info);
		n += info.pages;
	}
	return n;
}

static unsigned long buddy_free(struct smm_buddy *b)
{
	smm_drain_pages(b);
	return smm_buddy_free_pages(b);
}

/*
 * Free pages plus slab pages: the slab layer takes its pages from the
 * buddy allocator and gives them back, so at rest this never changes.
 */
static unsigned long pages_total(struct smm_instance *inst)
{
	return buddy_free(&inst->buddy) + slab_pages(&inst->slab);
}

/* Every report of every cache of @sa, and the refused kfree() calls. */
static unsigned long all_reports(struct smm_slab *sa)
{
	unsigned long n = atomic_long_read(&sa->kfree_reports);
	struct smm_kmem_cache *s;
	int r;

	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node)
		for (r = 0; r < SMM_REPORT_NR; r++)
			n += smm_kmem_cache_reports(s, r);
	mutex_unlock(&sa->lock);
	return n;
}

static int cmp_addr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Sort @objs and count those that overlap the next: none may, at @size bytes each. */
static unsigned int overlaps(void **objs, unsigned int n, unsigned int size)
{
	unsigned int i, bad = 0;

	sort(objs, n, sizeof(*objs), cmp_addr, NULL);
	for (i = 1; i < n; i++)
		bad += (unsigned long)objs[i] - (unsigned long)objs[i - 1] < size;
	return bad;
}

/* The start of the slab an object lives in, or 0. */
static unsigned long slab_start(struct smm_slab *sa, const void *obj)
{
	struct smm_page *head = smm_slab_virt_to_head(sa, obj);

	return head ? (unsigned long)smm_slab_page_addr(sa, head) : 0;
}

/* What the strategy's obj_cache() makes of @p, or NULL if @p is in no slab. */
static struct smm_kmem_cache *decode(struct smm_slab *sa, const void *p, unsigned long *off)
{
	struct smm_page *head = smm_slab_virt_to_head(sa, p);
	unsigned long pfn;

	*off = 0;
	if (!head || !smm_arena_virt_to_pfn(sa->arena, p, &pfn))
		return NULL;
	*off = ((pfn - smm_page_to_pfn(sa->arena, head)) << PAGE_SHIFT) + offset_in_page(p);
	return sa->ops->obj_cache(sa, head, p, *off);
}

static bool is_cache(struct smm_slab *sa, const struct smm_kmem_cache *c)
{
	struct smm_kmem_cache *s;
	bool found = false;

	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node)
		found |= s == c;
	mutex_unlock(&sa->lock);
	return found;
}

/*
 * Freeing a pointer that is no allocated object goes through the
 * strategy's obj_cache(), and the common code uses what it returns as a
 * cache: that must be NULL or a cache of @sa (struct smm_slab_ops).
 * Checked before such a free, so that a strategy that decodes garbage
 * fails the case instead of oopsing the whole run.
 */
static bool obj_cache_sane(struct kunit *test, struct smm_slab *sa, const void *p)
{
	unsigned long off;
	struct smm_kmem_cache *c = decode(sa, p, &off);

	if (!c || is_cache(sa, c))
		return true;
	KUNIT_FAIL(test,
		   "%s obj_cache() of offset %#lx in its slab returns %#lx, no cache; a free there would dereference it",
		   sa->ops->name, off, (unsigned long)c);
	return false;
}

/*
 * Whether objects of @s can be freed at all: obj_cache() must find @s from
 * one of its objects, or free() and ksize() take garbage for the cache.
 * On failure the object is left allocated; the instance's teardown takes it.
 */
static bool cache_usable(struct kunit *test, struct smm_kmem_cache *s)
{
	void *p = smm_kmem_cache_alloc(s, 0);
	struct smm_kmem_cache *c;
	unsigned long off;

	KUNIT_ASSERT_NOT_NULL(test, p);
	c = decode(s->sa, p, &off);
	if (c != s) {
		KUNIT_FAIL(test,
			   "%s obj_cache() of a live object of %s (flags %#x), offset %#lx in its slab, returns %#lx; freeing it would dereference that",
			   s->sa->ops->name, s->name, s->flags, off, (unsigned long)c);
		return false;
	}
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	return true;
}

/*
 * A cache for a workload.  If its objects cannot be freed (a failure of
 * the case, see cache_usable()), one without SMM_SLAB_DEBUG instead, so
 * that the rest of the workload still runs.
 */
static struct smm_kmem_cache *workload_cache(struct kunit *test, struct smm_slab *sa,
					     const char *name, unsigned int size,
					     unsigned int flags)
{
	struct smm_kmem_cache *s = new_cache(test, sa, name, size, flags, NULL);
	char alt[SMM_CACHE_NAME_LEN];

	if (cache_usable(test, s))
		return s;
	snprintf(alt, sizeof(alt), "%s-nodebug", name);
	s = new_cache(test, sa, alt, size, flags & ~SMM_SLAB_DEBUG, NULL);
	KUNIT_ASSERT_TRUE(test, cache_usable(test, s));
	return s;
}

/* ---------------------------------------------------------------------- */
/* Constructors                                                           */
/* ---------------------------------------------------------------------- */

/* SLAB, SLUB: the constructor builds every object of a new slab, once. */
static void ctor_once(struct kunit *test, struct smm_kmem_cache *s, void **objs,
		      unsigned int n)
{
	const unsigned int size = s->object_size;
	unsigned int i, fresh = 0, reused = 0, neither = 0, bad_free = 0;
	unsigned long calls, num_objs;
	struct smm_slabinfo info;
	void *p, *q;

	for (i = 0; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		neither += *(u64 *)objs[i] != CTOR_MAGIC;
	}
	KUNIT_EXPECT_EQ_MSG(test, neither, 0U, "objects handed out unconstructed");
	cache_info(s, false, &info);
	KUNIT_EXPECT_GE(test, info.num_objs, (unsigned long)n);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)atomic_read(&ctor_calls), info.num_objs,
			    "the ctor runs once for each object of each new slab");

	/* One object, freed and allocated again: it comes back as left. */
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, USER_BYTE, size);
	calls = atomic_read(&ctor_calls);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	q = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ_MSG(test, q, p, "the last object freed is the next one handed out");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(q, USER_BYTE, size),
			      "a reused object keeps what its last user left");
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)atomic_read(&ctor_calls), calls,
			    "the ctor ran on reuse");
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, q), 0);

	/* All of them: each comes back as left, or constructed in a new slab. */
	for (i = 0; i < n; i++)
		memset(objs[i], USER_BYTE, size);
	for (i = 0; i < n; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	cache_info(s, false, &info);
	num_objs = info.num_objs;
	calls = atomic_read(&ctor_calls);
	for (i = 0; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		if (*(u64 *)objs[i] == CTOR_MAGIC)
			fresh++;
		else if (!memchr_inv(objs[i], USER_BYTE, size))
			reused++;
		else
			neither++;
	}
	cache_info(s, false, &info);
	KUNIT_EXPECT_EQ_MSG(test, neither, 0U, "objects neither constructed nor as left");
	KUNIT_EXPECT_GT(test, reused, 0U);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned long)atomic_read(&ctor_calls) - calls,
			    info.num_objs - num_objs,
			    "the ctor ran for other objects than those of new slabs (%u fresh, %u reused)",
			    fresh, reused);
}

/* SLOB: the constructor runs on every allocation, as the kernel's SLOB did. */
static void ctor_every_alloc(struct kunit *test, struct smm_kmem_cache *s, void **objs,
			     unsigned int n)
{
	unsigned int i, neither = 0;

	for (i = 0; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		neither += *(u64 *)objs[i] != CTOR_MAGIC;
	}
	KUNIT_EXPECT_EQ_MSG(test, neither, 0U, "objects handed out unconstructed");
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)n);

	memset(objs[0], USER_BYTE, s->object_size);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, objs[0]), 0);
	objs[0] = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_EQ_MSG(test, *(u64 *)objs[0], CTOR_MAGIC, "the ctor did not run on reuse");
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)n + 1);
}

static void slab_test_ctor(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_kmem_cache *s;
	unsigned int n, i, bad_free = 0;
	void **objs;

	pin_cpu(test);
	atomic_set(&ctor_calls, 0);
	s = new_cache(test, &inst->slab, "ctor", prm->size, 0, stamp_ctor);
	KUNIT_ASSERT_EQ(test, atomic_read(&ctor_calls), 0);
	/* Enough for three slabs (three SLOB pages). */
	n = 2 * per_slab(s) + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	if (prm->strategy == SMM_SLAB_SLOB)
		ctor_every_alloc(test, s, objs, n);
	else
		ctor_once(test, s, objs, n);

	for (i = 0; i < n; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, all_reports(&inst->slab), 0UL);
}

/* ---------------------------------------------------------------------- */
/* Colouring (SLAB)                                                       */
/* ---------------------------------------------------------------------- */

/*
 * Successive slabs start their objects colour_off further in, modulo
 * colour * colour_off: slab k's first object sits (k % colour) * colour_off
 * further from its slab's start than slab 0's does.  The objects of a slab
 * are handed out in index order, and a new slab is grown only once the
 * last one is full, so the lowest object of each slab seen is its first.
 */
static void slab_test_colour(struct kunit *test)
{
	const unsigned int *size = test->param_value;
	struct smm_instance *inst = new_instance(test, SMM_SLAB_SLAB);
	struct smm_slab *sa = &inst->slab;
	unsigned long *start, *first, *count, off0;
	unsigned int nslabs, max, n = 0, seen = 0, i, k, outside = 0, bad_free = 0;
	struct smm_kmem_cache *s;
	void **objs;

	pin_cpu(test);
	s = new_cache(test, sa, "colour", *size, 0, NULL);
	KUNIT_ASSERT_GE_MSG(test, s->colour, 2U, "no colours for %u-byte objects", *size);
	KUNIT_EXPECT_EQ(test, s->colour_off, max_t(unsigned int, cache_line_size(), s->align));
	KUNIT_EXPECT_LE_MSG(test, (unsigned long)s->num * s->size + s->colour * s->colour_off,
			    PAGE_SIZE << s->order, "the colours do not fit the left-over space");

	/* A whole cycle of colours and one slab more, to see it wrap. */
	nslabs = s->colour + 1;
	max = (nslabs + 1) * s->num;
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	start = kunit_kcalloc(test, nslabs + 1, sizeof(*start), GFP_KERNEL);
	first = kunit_kcalloc(test, nslabs + 1, sizeof(*first), GFP_KERNEL);
	count = kunit_kcalloc(test, nslabs + 1, sizeof(*count), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, objs && start && first && count);

	/* Until the slab after the last one measured appears. */
	while (seen <= nslabs && n < max) {
		void *p = smm_kmem_cache_alloc(s, 0);
		unsigned long base;

		if (!p)
			break;
		objs[n++] = p;
		base = slab_start(sa, p);
		outside += !base ||
			   (unsigned long)p + s->object_size > base + (PAGE_SIZE << s->order);
		for (k = 0; k < seen && start[k] != base; k++)
			;
		if (k == seen) {
			start[k] = base;
			first[k] = (unsigned long)p;
			seen++;
		}
		first[k] = min(first[k], (unsigned long)p);
		count[k]++;
	}
	KUNIT_EXPECT_EQ(test, outside, 0U);
	KUNIT_EXPECT_EQ_MSG(test, seen, nslabs + 1, "%u objects make %u slabs of %u", n, seen,
			    s->num);

	off0 = first[0] - start[0];
	for (k = 0; k + 1 < seen; k++) {
		KUNIT_EXPECT_EQ_MSG(test, count[k], (unsigned long)s->num, "slab %u", k);
		KUNIT_EXPECT_EQ_MSG(test, first[k] - start[k] - off0,
				    (unsigned long)(k % s->colour) * s->colour_off,
				    "slab %u of %u colours of %u bytes", k, s->colour,
				    s->colour_off);
	}

	for (i = 0; i < n; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/* ---------------------------------------------------------------------- */
/* Shrinking                                                              */
/* ---------------------------------------------------------------------- */

/*
 * SLAB and SLUB keep some free slabs; shrink gives them back and says how
 * many pages that was: exactly what the cache stops holding and the buddy
 * allocator gets.  SLOB gives a page back the moment it is free.
 */
static void slab_test_shrink(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_slab *sa = &inst->slab;
	struct smm_buddy *b = &inst->buddy;
	unsigned long total, free0, f0, f1, k0, k1, n;
	struct smm_slabinfo before, after;
	unsigned int i, nobj, bad_free = 0;
	struct smm_kmem_cache *s;
	void **objs;

	s = new_cache(test, sa, "shrink", prm->size, 0, NULL);
	total = pages_total(inst);
	free0 = buddy_free(b);
	nobj = 4 * per_slab(s);
	objs = kunit_kcalloc(test, nobj, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	for (i = 0; i < nobj; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	KUNIT_EXPECT_LT(test, buddy_free(b), free0);
	KUNIT_EXPECT_EQ_MSG(test, pages_total(inst), total,
			    "%lu pages left the buddy allocator, the slab layer counts %lu",
			    free0 - buddy_free(b), slab_pages(sa));
	for (i = 0; i < nobj; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	KUNIT_EXPECT_EQ(test, live_objs(s), 0UL);

	if (prm->strategy == SMM_SLAB_SLOB) {
		KUNIT_EXPECT_EQ_MSG(test, buddy_free(b), free0,
				    "SLOB pages go back as soon as they are free");
		KUNIT_EXPECT_EQ(test, sa->ops->pages(sa), 0UL);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_shrink(s), 0UL);
		KUNIT_EXPECT_EQ(test, buddy_free(b), free0);
	} else {
		/* Objects cached per CPU go back first: that may free slabs too. */
		cache_info(s, true, &before);
		k0 = kmalloc_pages(sa);
		f0 = buddy_free(b);
		KUNIT_EXPECT_GT_MSG(test, before.pages, 0UL, "no free slab kept to shrink");

		n = smm_kmem_cache_shrink(s);
		cache_info(s, false, &after);
		k1 = kmalloc_pages(sa);
		f1 = buddy_free(b);
		KUNIT_EXPECT_EQ(test, n, before.pages - after.pages);
		KUNIT_EXPECT_EQ(test, after.pages, 0UL);
		KUNIT_EXPECT_EQ(test, after.num_slabs, 0UL);
		/* Off-slab descriptors go back to a kmalloc cache, which may free a page. */
		KUNIT_EXPECT_EQ(test, (long)(f1 - f0), (long)n + (long)(k0 - k1));
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_shrink(s), 0UL);
	}
	KUNIT_EXPECT_EQ(test, pages_total(inst), total);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, pages_total(inst), total);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ---------------------------------------------------------------------- */
/* kmalloc                                                                */
/* ---------------------------------------------------------------------- */

/* The smallest class that holds @size, or 0 if it is too big for any. */
static unsigned int class_for(size_t size)
{
	int i;

	for (i = 0; i < SMM_KMALLOC_CLASSES; i++)
		if (size <= kmalloc_classes[i])
			return kmalloc_classes[i];
	return 0;
}

/* What ksize() must say for kmalloc(@size). */
static void expect_ksize(struct kunit *test, struct smm_slab *sa, const void *p, size_t size)
{
	size_t ks = smm_ksize(sa, p);

	if (size > SMM_KMALLOC_MAX_CACHE)
		KUNIT_EXPECT_EQ_MSG(test, ks, PAGE_SIZE << get_order(size), "kmalloc(%zu)", size);
	else if (sa->strategy != SMM_SLAB_SLOB)
		KUNIT_EXPECT_EQ_MSG(test, ks, (size_t)class_for(size), "kmalloc(%zu)", size);
	else if (size <= sa->ops->small_max)
		KUNIT_EXPECT_TRUE_MSG(test, ks >= size && ks < size + 2,
				      "kmalloc(%zu): ksize %zu", size, ks);
	else	/* SLOB: a page or more gets pages of its own */
		KUNIT_EXPECT_EQ_MSG(test, ks, PAGE_SIZE << get_order(size), "kmalloc(%zu)", size);
}

/*
 * One byte below, at and above each class: the index picks the smallest
 * class that fits, the memory is usable to its last byte and does not
 * overlap the next allocation, __SMM_GFP_ZERO zeroes even a reused object,
 * and kfree() takes it back.
 */
static void slab_test_kmalloc_classes(struct kunit *test)
{
	const enum smm_slab_strategy *st = test->param_value;
	struct smm_instance *inst = new_instance(test, *st);
	struct smm_slab *sa = &inst->slab;
	unsigned int c, unzeroed = 0;
	size_t unzeroed_first = 0;
	int d;

	KUNIT_EXPECT_EQ(test, smm_kmalloc_index(0), -1);
	KUNIT_EXPECT_PTR_EQ(test, smm_kmalloc(sa, 0, 0), ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, smm_kfree(sa, ZERO_SIZE_PTR), 0);

	for (c = 0; c < SMM_KMALLOC_CLASSES; c++) {
		for (d = -1; d <= 1; d++) {
			size_t size = kmalloc_classes[c] + d;
			unsigned int want = class_for(size);
			int idx = smm_kmalloc_index(size);
			void *p, *q;

			if (want)
				KUNIT_EXPECT_EQ_MSG(test, smm_kmalloc_size(idx), want, "size %zu",
						    size);
			else
				KUNIT_EXPECT_EQ_MSG(test, idx, -1, "size %zu", size);
			p = smm_kmalloc(sa, size, 0);
			q = smm_kmalloc(sa, size, 0);
			KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu)", size);
			KUNIT_ASSERT_NOT_NULL_MSG(test, q, "kmalloc(%zu)", size);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, sizeof(void *)));
			expect_ksize(test, sa, p, size);
			expect_ksize(test, sa, q, size);
			memset(p, 0xa5, size);
			memset(q, USER_BYTE, size);
			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, 0xa5, size),
					      "kmalloc(%zu) overlaps the next", size);
			KUNIT_EXPECT_EQ(test, smm_kfree(sa, q), 0);
			KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);

			p = smm_kmalloc(sa, size, __SMM_GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, p);
			if (memchr_inv(p, 0, size) && !unzeroed++)
				unzeroed_first = size;
			KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, unzeroed, 0U,
			    "kmalloc(size, __SMM_GFP_ZERO) not zeroed for %u sizes, the first %zu",
			    unzeroed, unzeroed_first);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->large_pages), 0L);
}

/* Above the classes: whole pages from the buddy allocator, and back. */
static void slab_test_kmalloc_large(struct kunit *test)
{
	static const size_t sizes[] = {
		SMM_KMALLOC_MAX_CACHE + 1, 3 * PAGE_SIZE, 4 * PAGE_SIZE, 4 * PAGE_SIZE + 1,
		16 * PAGE_SIZE, 100000, 64 * PAGE_SIZE,
	};
	const enum smm_slab_strategy *st = test->param_value;
	struct smm_instance *inst = new_instance(test, *st);
	struct smm_slab *sa = &inst->slab;
	struct smm_buddy *b = &inst->buddy;
	unsigned long free0 = buddy_free(b);
	long refused = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const size_t size = sizes[i];
		const unsigned int order = get_order(size);
		u8 *p;

		p = smm_kmalloc(sa, size, 0);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "kmalloc(%zu)", size);
		KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p), "kmalloc(%zu)", size);
		KUNIT_EXPECT_EQ_MSG(test, smm_ksize(sa, p), PAGE_SIZE << order, "kmalloc(%zu)",
				    size);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->large_pages), 1L << order);
		KUNIT_EXPECT_EQ_MSG(test, free0 - buddy_free(b), 1UL << order, "kmalloc(%zu)",
				    size);
		memset(p, USER_BYTE, PAGE_SIZE << order);

		/* Not the start of the block: refused, and the block stays. */
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p + PAGE_SIZE * (order > 0) + 8), -EINVAL);
		refused++;
		KUNIT_EXPECT_EQ(test, smm_ksize(sa, p), PAGE_SIZE << order);

		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->large_pages), 0L);
		KUNIT_EXPECT_EQ_MSG(test, buddy_free(b), free0, "kfree() of kmalloc(%zu)", size);
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), -EINVAL);
		refused++;
		KUNIT_EXPECT_EQ(test, smm_ksize(sa, p), 0UL);

		/* The same pages, most likely, dirty from above: zeroed all the same. */
		p = smm_kmalloc(sa, size, __SMM_GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, PAGE_SIZE << order));
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);
	}
	/* More than the largest block: refused, nothing taken. */
	KUNIT_EXPECT_NULL(test, smm_kmalloc(sa, PAGE_SIZE << b->max_order, 0));
	KUNIT_EXPECT_EQ(test, buddy_free(b), free0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->kfree_reports), refused);
	KUNIT_EXPECT_EQ(test, all_reports(sa), (unsigned long)refused);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(b), 0);
}

/* ksize() of cache objects: the object size while allocated, else 0. */
static void slab_test_ksize(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_slab *sa = &inst->slab;
	struct smm_kmem_cache *s;
	u8 *p, *q;

	/* Only slab_debug=F tells a freed object from a live one. */
	s = new_cache(test, sa, "ksize", prm->size,
		      SMM_SLAB_HWCACHE_ALIGN | SMM_SLAB_CONSISTENCY, NULL);
	p = smm_kmem_cache_alloc(s, 0);
	q = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p, s->align));
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, p), (size_t)prm->size);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, q), (size_t)prm->size);
	memset(p, USER_BYTE, smm_ksize(sa, p));
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, p + 1), 0UL);
	if (prm->size > 8)
		KUNIT_EXPECT_EQ(test, smm_ksize(sa, p + 8), 0UL);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, NULL), 0UL);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, ZERO_SIZE_PTR), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, p), 0UL);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, q), (size_t)prm->size);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, q), 0);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, q), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
}

/* ---------------------------------------------------------------------- */
/* Destroying                                                             */
/* ---------------------------------------------------------------------- */

static struct smm_kmem_cache *find_cache(struct smm_slab *sa, const char *name)
{
	struct smm_kmem_cache *s;

	mutex_lock(&sa->lock);
	s = smm_kmem_cache_find(sa, name);
	mutex_unlock(&sa->lock);
	return s;
}

/*
 * A cache with live objects is not destroyed, and keeps working; once they
 * are freed it is.  Objects cached per CPU are not live.
 */
static void slab_test_destroy_busy(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_slab *sa = &inst->slab;
	unsigned int i, n, bad_free = 0;
	struct smm_kmem_cache *s;
	void *p[3], *q, **objs;
	int ret;

	s = new_cache(test, sa, "busy", prm->size, 0, NULL);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		memset(p[i], USER_BYTE, prm->size);
	}
	/* Destroyed after all, the cache is gone: nothing more to check safely. */
	ret = smm_kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, ret, -EBUSY);
	if (ret != -EBUSY)
		return;
	KUNIT_EXPECT_PTR_EQ(test, find_cache(sa, "busy"), s);
	KUNIT_EXPECT_EQ(test, live_objs(s), (unsigned long)ARRAY_SIZE(p));

	q = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, q), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		KUNIT_EXPECT_NULL(test, memchr_inv(p[i], USER_BYTE, prm->size));
		KUNIT_EXPECT_EQ(test, smm_ksize(sa, p[i]), (size_t)prm->size);
	}
	ret = smm_kmem_cache_destroy(s);
	KUNIT_EXPECT_EQ(test, ret, -EBUSY);
	if (ret != -EBUSY)
		return;
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p[i]), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_NULL(test, find_cache(sa, "busy"));

	/* The name is free again; three slabs' worth, all freed, is no live object. */
	s = new_cache(test, sa, "busy", prm->size, 0, NULL);
	n = 2 * per_slab(s) + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < n; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);

	/* The kmalloc caches are nobody's to destroy. */
	if (sa->kmalloc_caches[0])
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(sa->kmalloc_caches[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
}

/* ---------------------------------------------------------------------- */
/* Misuse                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * A second free is refused and counted once; the cache hands out no object
 * twice afterwards and counts its live objects right.
 */
static void slab_test_double_free(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_slab *sa = &inst->slab;
	unsigned int i, n, bad_free = 0;
	struct smm_kmem_cache *s;
	void *a, **objs;

	s = new_cache(test, sa, "dfree", prm->size, SMM_SLAB_CONSISTENCY, NULL);
	n = 2 * per_slab(s) + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	a = smm_kmem_cache_alloc(s, 0);
	objs[0] = smm_kmem_cache_alloc(s, 0);	/* a neighbour keeps the slab in use */
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, a), 0);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, a), 0UL);
	if (obj_cache_sane(test, sa, a)) {
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, a), -EINVAL);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_DOUBLE_FREE), 1UL);
		KUNIT_EXPECT_EQ(test, all_reports(sa), 1UL);
	}

	/* Nothing changed: two slabs' worth more, all distinct. */
	for (i = 1; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	KUNIT_EXPECT_EQ(test, live_objs(s), (unsigned long)n);
	KUNIT_EXPECT_EQ_MSG(test, overlaps(objs, n, prm->size), 0U,
			    "an object handed out twice");
	for (i = 0; i < n; i++)
		bad_free += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad_free, 0U);
	KUNIT_EXPECT_EQ(test, live_objs(s), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_WRONG_CACHE), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/*
 * With slab_debug off, as on the kernel: freeing again the object just
 * freed is caught (the hardened free-pointer check; SLOB's header catches
 * every double free).  A double free those checks miss may hand one object
 * out twice, but the allocator never hands out or writes through a pointer
 * outside the cache's own slabs: another instance's objects keep their
 * contents, KASAN sees no access outside the arena, and the buddy
 * allocator's invariants hold.
 */
static void slab_test_double_free_nodebug(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	const struct smm_params op = {
		.name = "kunit-other", .arena_mb = 8, .source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER, .slab = prm->strategy,
	};
	struct smm_instance *other = smm_test_new_instance(test, &op);
	struct smm_slab *sa = &inst->slab;
	unsigned int i, n, outside = 0;
	struct smm_kmem_cache *s, *os;
	void *a, *b, *canary, **objs;
	int ret;

	pin_cpu(test);
	os = new_cache(test, &other->slab, "canary", prm->size, 0, NULL);
	canary = smm_kmem_cache_alloc(os, 0);
	KUNIT_ASSERT_NOT_NULL(test, canary);
	memset(canary, USER_BYTE, prm->size);

	s = new_cache(test, sa, "dfree-nodebug", prm->size, 0, NULL);
	n = 3 * per_slab(s) + 2;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	a = smm_kmem_cache_alloc(s, 0);
	b = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, a), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_DOUBLE_FREE), 1UL);

	/* A double free behind another free: only SLOB is sure to see it. */
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, b), 0);
	ret = smm_kmem_cache_free(s, a);
	if (prm->strategy == SMM_SLAB_SLOB)
		KUNIT_EXPECT_EQ(test, ret, -EINVAL);

	/* Whatever the lists now hold, everything handed out is in a slab of @s. */
	for (i = 0; i < n; i++) {
		struct smm_page *head;

		objs[i] = smm_kmem_cache_alloc(s, 0);
		if (!objs[i])
			break;
		head = smm_slab_virt_to_head(sa, objs[i]);
		if (!head || (prm->strategy != SMM_SLAB_SLOB && head->mapping != s))
			outside++;
		else
			memset(objs[i], USER_BYTE ^ 0xff, prm->size);
	}
	KUNIT_EXPECT_EQ(test, outside, 0U);
	KUNIT_EXPECT_NULL(test, memchr_inv(canary, USER_BYTE, prm->size));
	while (i--)
		smm_kmem_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(os, canary), 0);
}

/*
 * slab_debug= gives its flags to the caches it names, as slub_debug= does,
 * and refuses what it cannot do.
 */
static void slab_test_debug_param(struct kunit *test)
{
	static const struct {
		const char *spec, *cache;
		int ret;
		unsigned int flags;
	} cases[] = {
		{ "F", "any", 0, SMM_SLAB_CONSISTENCY },
		{ "", "any", 0, SMM_SLAB_DEBUG_FLAGS },
		{ "fz", "any", 0, SMM_SLAB_CONSISTENCY | SMM_SLAB_RED_ZONE },
		{ "P,kmalloc-*", "kmalloc-64", 0, SMM_SLAB_POISON },
		{ "P,kmalloc-*", "dentry", 0, 0 },
		{ "U,a,b;F", "b", 0, SMM_SLAB_STORE_USER },
		{ "U,a,b;F", "c", 0, SMM_SLAB_CONSISTENCY },
		{ "-", "any", 0, 0 },
		{ "T", "any", -EINVAL, 0 },
		{ "F,", "any", -EINVAL, 0 },
		{ "F,,a", "any", -EINVAL, 0 },
		{ "F,a-name-that-is-far-too-long-for-a-cache", "any", -EINVAL, 0 },
		{ "Fx", "any", -EINVAL, 0 },
	};
	const struct smm_params p = {
		.name = "kunit", .arena_mb = 16, .source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER, .slab = SMM_SLAB_SLUB,
		.slab_debug = "FZ,dbg-*;U",
	};
	const struct smm_params bad = {
		.name = "kunit-bad", .arena_mb = 16, .source = SMM_ARENA_CHUNKS,
		.chunk_order = MAX_PAGE_ORDER, .slab = SMM_SLAB_SLUB, .slab_debug = "FQ",
	};
	struct smm_instance *inst;
	struct smm_kmem_cache *s;
	unsigned int i, flags;
	void *p1, *p2;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		flags = 0xdead;
		int ret = smm_slab_parse_debug(cases[i].spec, cases[i].cache, &flags);

		KUNIT_EXPECT_EQ_MSG(test, ret, cases[i].ret, "'%s'", cases[i].spec);
		if (!cases[i].ret)
			KUNIT_EXPECT_EQ_MSG(test, flags, cases[i].flags, "'%s' for %s",
					    cases[i].spec, cases[i].cache);
	}
	KUNIT_EXPECT_EQ(test, smm_params_check(&bad), -EINVAL);

	inst = smm_test_new_instance(test, &p);
	test->priv = inst;
	s = new_cache(test, &inst->slab, "dbg-one", 64, 0, NULL);
	KUNIT_EXPECT_EQ(test, s->flags & SMM_SLAB_DEBUG_FLAGS,
			SMM_SLAB_CONSISTENCY | SMM_SLAB_RED_ZONE);
	KUNIT_EXPECT_EQ(test, inst->slab.kmalloc_caches[3]->flags & SMM_SLAB_DEBUG_FLAGS,
			SMM_SLAB_STORE_USER);
	/* F is on for dbg-one: a double free behind another is caught too. */
	p1 = smm_kmem_cache_alloc(s, 0);
	p2 = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p1);
	KUNIT_ASSERT_NOT_NULL(test, p2);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p1), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p2), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_DOUBLE_FREE), 1UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/*
 * An object freed to another cache, even one of the same size, is refused
 * and counted there, and stays allocated in its own.
 */
static void slab_test_wrong_cache(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	struct smm_slab *sa = &inst->slab;
	struct smm_kmem_cache *a, *b;
	void *p, *q;

	a = new_cache(test, sa, "wrong-a", prm->size, 0, NULL);
	b = new_cache(test, sa, "wrong-b", prm->size, 0, NULL);
	p = smm_kmem_cache_alloc(a, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, USER_BYTE, prm->size);

	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(b, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(b, SMM_REPORT_WRONG_CACHE), 1UL);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 1UL);
	KUNIT_EXPECT_EQ(test, smm_ksize(sa, p), (size_t)prm->size);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, USER_BYTE, prm->size));
	KUNIT_EXPECT_EQ(test, live_objs(a), 1UL);
	KUNIT_EXPECT_EQ(test, live_objs(b), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(a, p), 0);
	KUNIT_EXPECT_EQ(test, live_objs(a), 0UL);

	/* kmalloc memory is no object of a cache of the test's either. */
	q = smm_kmalloc(sa, prm->size, 0);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(a, q), -EINVAL);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 2UL);
	if (prm->strategy != SMM_SLAB_SLOB)
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(a, SMM_REPORT_WRONG_CACHE), 1UL);
	KUNIT_EXPECT_GE(test, smm_ksize(sa, q), (size_t)prm->size);
	KUNIT_EXPECT_EQ(test, smm_kfree(sa, q), 0);

	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(a), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(b), 0);
}

/*
 * kfree() of a pointer into an object, not at its start, is refused and
 * leaves the object allocated; so is a free of host memory; NULL is fine.
 * The object's first words are first zero, then a list_head, as many
 * kernel structures start: a pointer to itself.
 */
static void slab_test_kfree_interior(struct kunit *test)
{
	static const unsigned int sizes[] = { 64, 700, 3000 };
	const enum smm_slab_strategy *st = test->param_value;
	struct smm_instance *inst = new_instance(test, *st);
	struct smm_slab *sa = &inst->slab;
	struct smm_kmem_cache *s;
	long refused = 0;
	unsigned int i, k;
	void *host;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		const unsigned int size = sizes[i];
		const unsigned int offs[] = { 1, 8, 16, round_down(size / 2, 8), size - 8 };

		p = smm_kmalloc(sa, size, 0);
		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, 0, size);
		for (k = 0; k < ARRAY_SIZE(offs); k++) {
			if (!obj_cache_sane(test, sa, p + offs[k]))
				continue;
			KUNIT_EXPECT_EQ_MSG(test, smm_kfree(sa, p + offs[k]), -EINVAL,
					    "kmalloc(%u) + %u", size, offs[k]);
			refused++;
		}
		INIT_LIST_HEAD((struct list_head *)p);
		for (k = 1; k < 3; k++) {
			if (!obj_cache_sane(test, sa, p + offs[k]))
				continue;
			KUNIT_EXPECT_EQ_MSG(test, smm_kfree(sa, p + offs[k]), -EINVAL,
					    "kmalloc(%u) + %u, a list_head first", size, offs[k]);
			refused++;
		}
		KUNIT_EXPECT_GE(test, smm_ksize(sa, p), (size_t)size);
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);
	}
	/* Counted by kfree(), or by the cache kfree() found the pointer in. */
	KUNIT_EXPECT_EQ(test, all_reports(sa), (unsigned long)refused);

	host = kunit_kzalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, host);
	KUNIT_EXPECT_EQ(test, smm_kfree(sa, host), -EINVAL);
	KUNIT_EXPECT_EQ(test, smm_kfree(sa, NULL), 0);
	KUNIT_EXPECT_EQ(test, smm_kfree(sa, ZERO_SIZE_PTR), 0);
	KUNIT_EXPECT_EQ(test, all_reports(sa), (unsigned long)refused + 1);

	/* The same for a cache object, refused as "not an allocated object". */
	s = new_cache(test, sa, "interior", 64, 0, NULL);
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0, 64);
	if (obj_cache_sane(test, sa, p + 8)) {
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p + 8), -EINVAL);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_DOUBLE_FREE), 1UL);
	}
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/* ---------------------------------------------------------------------- */
/* Debug caches                                                           */
/* ---------------------------------------------------------------------- */

/*
 * One byte past the object, or one before it, is caught when the object
 * is freed, counted once, and the slot is clean for its next user.  SLOB
 * keeps its header right before the object, so it has no left red zone.
 */
static void slab_test_redzone(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	struct smm_instance *inst = new_instance(test, prm->strategy);
	const unsigned int size = prm->size;
	struct smm_slab *sa = &inst->slab;
	unsigned long reports = 0;
	unsigned int i, n, bad = 0;
	struct smm_kmem_cache *s;
	void **objs;
	u8 *p;

	s = new_cache(test, sa, "redzone", size, SMM_SLAB_DEBUG, NULL);
	if (prm->strategy != SMM_SLAB_SLOB)
		KUNIT_EXPECT_GE(test, s->red_left, (unsigned int)SMM_REDZONE);
	KUNIT_EXPECT_GE(test, s->size, s->red_left + size + SMM_REDZONE);
	if (!cache_usable(test, s))
		return;

	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, USER_BYTE, size);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	p[size] = 0;	/* one past the end */
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_REDZONE), ++reports);

	/* The last byte of the red zone, not just the first. */
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[size + SMM_REDZONE - 1] ^= 0xff;
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_REDZONE), ++reports);

	if (s->red_left) {
		p = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, p);
		p[-1] = 0;	/* one before the start */
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_REDZONE), ++reports);
	}

	/* No more reports: every slot, overflowed ones included, is clean again. */
	n = 2 * per_slab(s) + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		memset(objs[i], USER_BYTE, size);
	}
	for (i = 0; i < n; i++)
		bad += smm_kmem_cache_free(s, objs[i]) != 0;
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_REDZONE), reports);
	KUNIT_EXPECT_EQ(test, all_reports(sa), reports);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/* Allocate from @s until @want comes back; the others go into @objs. */
static void *alloc_until(struct smm_kmem_cache *s, void *want, void **objs, unsigned int max,
			 unsigned int *n)
{
	void *p;

	for (*n = 0; *n < max; ) {
		p = smm_kmem_cache_alloc(s, 0);
		if (!p || p == want)
			return p;
		objs[(*n)++] = p;
	}
	return NULL;
}

/*
 * A write to a freed object is caught when the object is handed out again:
 * in its middle, or on the poison's end marker.  SLOB does not poison.
 */
static void slab_test_poison(struct kunit *test)
{
	const struct slab_param *prm = test->param_value;
	const unsigned int size = prm->size;
	const unsigned int where[] = { size / 2, size - 1 };
	unsigned int i, k, n, max, bad = 0;
	struct smm_instance *inst;
	struct smm_kmem_cache *s;
	struct smm_slab *sa;
	void **objs;
	u8 *p, *q;

	if (prm->strategy == SMM_SLAB_SLOB)
		kunit_skip(test, "SLOB does not poison free objects");
	inst = new_instance(test, prm->strategy);
	sa = &inst->slab;
	pin_cpu(test);
	s = new_cache(test, sa, "poison", size, SMM_SLAB_DEBUG, NULL);
	if (!cache_usable(test, s))
		return;
	max = 4 * per_slab(s);
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	for (k = 0; k < ARRAY_SIZE(where); k++) {
		p = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, p);
		memset(p, USER_BYTE, size);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
		p[where[k]] = USER_BYTE;	/* use after free */
		q = alloc_until(s, p, objs, max, &n);
		KUNIT_EXPECT_EQ_MSG(test, n, 0U, "the object freed last is not the next one out");
		KUNIT_EXPECT_PTR_EQ(test, q, p);
		KUNIT_EXPECT_EQ_MSG(test, smm_kmem_cache_reports(s, SMM_REPORT_POISON), k + 1UL,
				    "a write at byte %u of a free %u-byte object", where[k], size);
		for (i = 0; i < n; i++)
			bad += smm_kmem_cache_free(s, objs[i]) != 0;
		if (q)
			bad += smm_kmem_cache_free(s, q) != 0;
	}

	/* No write after the free: no report. */
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, USER_BYTE, size);
	bad += smm_kmem_cache_free(s, p) != 0;
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	bad += smm_kmem_cache_free(s, p) != 0;
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_reports(s, SMM_REPORT_POISON),
			(unsigned long)ARRAY_SIZE(where));
	KUNIT_EXPECT_EQ(test, all_reports(sa), (unsigned long)ARRAY_SIZE(where));
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
}

/* ---------------------------------------------------------------------- */
/* Random and concurrent workloads                                        */
/* ---------------------------------------------------------------------- */

/**
 * struct held - an object the workload holds
 * @p: the object
 * @size: bytes asked for, and filled
 * @extent: bytes it may use (ksize()); no other object may overlap them
 * @cache: index of its cache, or -1 for kmalloc memory
 * @tag: what it was filled with
 */
struct held {
	void *p;
	unsigned int size;
	unsigned int extent;
	int cache;
	u32 tag;
};

/**
 * struct cache_spec - one cache of the random workload
 * @name: its name
 * @size: object size
 * @flags: SMM_SLAB_* flags
 */
struct cache_spec {
	const char *name;
	unsigned int size;
	unsigned int flags;
};

static const struct cache_spec rand_caches[] = {
	{ "rand-24", 24, 0 },
	{ "rand-192", 192, SMM_SLAB_DEBUG },
	{ "rand-1000", 1000, SMM_SLAB_HWCACHE_ALIGN },
};

#define NR_RAND_CACHES	ARRAY_SIZE(rand_caches)

static u8 tag_byte(u32 tag)
{
	return 0x80 | (tag & 0x7f);
}

/* The tag at both ends, its byte in between: catches overlap and shifts. */
static void fill(void *p, unsigned int size, u32 tag)
{
	memset(p, tag_byte(tag), size);
	if (size >= 2 * sizeof(tag)) {
		memcpy(p, &tag, sizeof(tag));
		memcpy(p + size - sizeof(tag), &tag, sizeof(tag));
	}
}

static bool intact(const void *p, unsigned int size, u32 tag)
{
	unsigned int ends = size >= 2 * sizeof(tag) ? sizeof(tag) : 0;

	if (ends && (memcmp(p, &tag, ends) || memcmp(p + size - ends, &tag, ends)))
		return false;
	return !memchr_inv(p + ends, tag_byte(tag), size - 2 * ends);
}

/* A kmalloc size: mostly small, some medium, a few large. */
static size_t rand_size(struct rnd_state *rnd)
{
	u32 r = prandom_u32_state(rnd);

	switch (r % 16) {
	case 0 ... 9:
		return 1 + (r >> 4) % 256;
	case 10 ... 13:
		return 257 + (r >> 4) % 1792;
	case 14:
		return 2049 + (r >> 4) % (SMM_KMALLOC_MAX_CACHE - 2048);
	default:
		return SMM_KMALLOC_MAX_CACHE + 1 + (r >> 4) % (2 * PAGE_SIZE);
	}
}

#define RAND_SEED	0x51ab0100U
#define RAND_OPS	20000
#define RAND_HELD	256
#define RAND_CHECK	1000

/**
 * struct rand_run - the state of the random workload
 * @test: the case
 * @inst: the instance
 * @caches: the workload's caches
 * @live: objects held per cache
 * @held: the objects held
 * @nheld: how many
 * @total: pages_total() at the start
 * @unzeroed: allocations with __SMM_GFP_ZERO that were not zeroed
 */
struct rand_run {
	struct kunit *test;
	struct smm_instance *inst;
	struct smm_kmem_cache *caches[NR_RAND_CACHES];
	unsigned long live[NR_RAND_CACHES];
	struct held *held;
	unsigned int nheld;
	unsigned long total;
	unsigned long unzeroed;
};

/* Verify and free held object @j; false if anything was wrong. */
static bool rand_free(struct rand_run *run, unsigned int j, unsigned int op)
{
	struct held *h = &run->held[j];
	struct smm_slab *sa = &run->inst->slab;
	bool ok = intact(h->p, h->size, h->tag);
	int ret;

	KUNIT_EXPECT_TRUE_MSG(run->test, ok, "op %u: object of %u bytes (cache %d) overwritten",
			      op, h->size, h->cache);
	if (h->cache < 0) {
		ret = smm_kfree(sa, h->p);
	} else {
		ret = smm_kmem_cache_free(run->caches[h->cache], h->p);
		run->live[h->cache]--;
	}
	KUNIT_EXPECT_EQ_MSG(run->test, ret, 0, "op %u", op);
	*h = run->held[--run->nheld];
	return ok && !ret;
}

/* Allocate from cache @c, or kmalloc if @c is out of range; false on failure. */
static bool rand_alloc(struct rand_run *run, unsigned int c, size_t size, unsigned int gfp,
		       u32 tag, unsigned int op)
{
	struct smm_slab *sa = &run->inst->slab;
	struct held h = { .cache = -1, .tag = tag };
	unsigned int j, overlap = 0;

	if (c < NR_RAND_CACHES) {
		h.cache = c;
		h.size = run->caches[c]->object_size;
		h.p = smm_kmem_cache_alloc(run->caches[c], gfp);
	} else {
		h.size = size;
		h.p = smm_kmalloc(sa, size, gfp);
	}
	KUNIT_EXPECT_NOT_NULL_MSG(run->test, h.p, "op %u: %u bytes (cache %d)", op, h.size,
				  h.cache);
	if (!h.p)
		return false;
	h.extent = smm_ksize(sa, h.p);
	KUNIT_EXPECT_GE_MSG(run->test, h.extent, h.size, "op %u: ksize", op);
	if ((gfp & __SMM_GFP_ZERO) && memchr_inv(h.p, 0, h.size) && !run->unzeroed++)
		kunit_info(run->test, "op %u: %u bytes (cache %d) not zeroed\n", op, h.size,
			   h.cache);
	for (j = 0; j < run->nheld; j++) {
		const struct held *o = &run->held[j];

		overlap += h.p < o->p + o->extent && o->p < h.p + h.extent;
	}
	KUNIT_EXPECT_EQ_MSG(run->test, overlap, 0U, "op %u: %u bytes overlap a held object",
			    op, h.size);
	fill(h.p, h.size, h.tag);
	run->held[run->nheld++] = h;
	if (h.cache >= 0)
		run->live[h.cache]++;
	return overlap == 0;
}

/* Live counts, page conservation, the buddy allocator's own check, no reports. */
static bool rand_check(struct rand_run *run, unsigned int op)
{
	struct smm_slab *sa = &run->inst->slab;
	struct smm_slabinfo info;
	bool ok = true;
	unsigned int c;

	for (c = 0; c < NR_RAND_CACHES; c++) {
		struct smm_kmem_cache *s = run->caches[c];

		/* Shrinking flushes the per-CPU objects, which count as active. */
		smm_kmem_cache_shrink(s);
		cache_info(s, false, &info);
		KUNIT_EXPECT_EQ_MSG(run->test, info.active_objs, run->live[c], "op %u: %s", op,
				    s->name);
		ok &= info.active_objs == run->live[c];
		if (sa->strategy == SMM_SLAB_SLOB)
			continue;
		/* The slabinfo line agrees with itself. */
		KUNIT_EXPECT_LE(run->test, info.active_objs, info.num_objs);
		KUNIT_EXPECT_LE(run->test, info.active_slabs, info.num_slabs);
		KUNIT_EXPECT_EQ(run->test, info.num_objs, info.num_slabs * s->num);
		KUNIT_EXPECT_EQ(run->test, info.pages, info.num_slabs << s->order);
	}
	KUNIT_EXPECT_EQ_MSG(run->test, pages_total(run->inst), run->total,
			    "op %u: free + slab pages", op);
	KUNIT_EXPECT_EQ_MSG(run->test, smm_buddy_check(&run->inst->buddy), 0, "op %u", op);
	KUNIT_EXPECT_EQ_MSG(run->test, all_reports(sa), 0UL, "op %u", op);
	return ok && pages_total(run->inst) == run->total && all_reports(sa) == 0;
}

/*
 * Random allocations and frees over three caches (one with red zones and
 * poison, one cache-line aligned) and kmalloc of every size, checked
 * every RAND_CHECK steps and at the end.
 */
static void slab_test_random_invariants(struct kunit *test)
{
	const enum smm_slab_strategy *st = test->param_value;
	const u32 seed = RAND_SEED + *st;
	unsigned long allocs = 0;
	struct rnd_state rnd;
	struct rand_run *run;
	ktime_t t0;
	struct smm_slab *sa;
	unsigned int i, c;
	bool ok = true;

	run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run);
	run->held = kunit_kcalloc(test, RAND_HELD, sizeof(*run->held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run->held);
	run->test = test;
	run->inst = new_instance(test, *st);
	sa = &run->inst->slab;
	for (c = 0; c < NR_RAND_CACHES; c++)
		run->caches[c] = workload_cache(test, sa, rand_caches[c].name,
						rand_caches[c].size, rand_caches[c].flags);
	run->total = pages_total(run->inst);
	t0 = ktime_get();
	prandom_seed_state(&rnd, seed);
	kunit_info(test, "seed %#x, %d operations\n", seed, RAND_OPS);

	for (i = 0; i < RAND_OPS && ok; i++) {
		u32 r = prandom_u32_state(&rnd);

		if (run->nheld == RAND_HELD || (run->nheld && (r & 1))) {
			ok = rand_free(run, (r >> 1) % run->nheld, i);
		} else {
			unsigned int gfp = r & 2 ? __SMM_GFP_ZERO : 0;
			size_t size = 0;

			c = (r >> 2) % (NR_RAND_CACHES + 1);
			if (c == NR_RAND_CACHES)
				size = rand_size(&rnd);
			ok = rand_alloc(run, c, size, gfp, i + 1, i);
			allocs++;
		}
		if (ok && i % RAND_CHECK == RAND_CHECK - 1)
			ok = rand_check(run, i);
	}
	while (run->nheld)
		rand_free(run, run->nheld - 1, i);
	rand_check(run, i);
	for (c = 0; c < NR_RAND_CACHES; c++)
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(run->caches[c]), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->large_pages), 0L);
	KUNIT_EXPECT_EQ(test, pages_total(run->inst), run->total);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&run->inst->buddy), 0);
	KUNIT_EXPECT_FALSE(test, run->inst->broken);
	KUNIT_EXPECT_EQ_MSG(test, run->unzeroed, 0UL, "allocations with __SMM_GFP_ZERO not zeroed");
	kunit_info(test, "%lu allocations in %u operations, %lld ms\n", allocs, i,
		   ktime_ms_delta(ktime_get(), t0));
}

#define CONC_SEED	0xc0c05eedU
#define CONC_OPS	200000
#define CONC_HELD	64
#define CONC_POOL	128

/**
 * struct conc_pool - objects one thread hands over for another to free
 * @lock: protects @n and @objs
 * @n: objects in @objs
 * @objs: the objects, with their tags
 */
struct conc_pool {
	spinlock_t lock;	/* protects n, objs */
	unsigned int n;
	struct held objs[CONC_POOL];
};

/**
 * struct worker - one thread of the concurrent workload, bound to a CPU
 * @sa: the allocator
 * @s: the cache every thread shares
 * @pool: where threads hand objects to each other
 * @done: completed when the thread has freed everything it holds
 * @rnd: its random state
 * @cpu: its CPU
 * @nheld: objects it holds
 * @allocs: objects it allocated
 * @frees: objects it freed, its own and those it took from @pool
 * @given: objects it put in @pool
 * @taken: objects it took from @pool
 * @nomem: allocations that failed
 * @bad_free: frees that were refused
 * @corrupt: objects changed while held
 * @bad_size: ksize() below the size asked for
 * @held: what it holds
 */
struct worker {
	struct smm_slab *sa;
	struct smm_kmem_cache *s;
	struct conc_pool *pool;
	struct completion done;
	struct rnd_state rnd;
	unsigned int cpu;
	unsigned int nheld;
	unsigned long allocs, frees, given, taken, nomem;
	unsigned long bad_free, corrupt, bad_size;
	struct held held[CONC_HELD];
};

/* Verify and free an object, on whatever CPU this runs. */
static void conc_free(struct smm_slab *sa, struct smm_kmem_cache *s, const struct held *h,
		      unsigned long *corrupt, unsigned long *bad_free)
{
	int ret;

	*corrupt += !intact(h->p, h->size, h->tag);
	if (h->cache < 0)
		ret = smm_kfree(sa, h->p);
	else
		ret = smm_kmem_cache_free(s, h->p);
	*bad_free += ret != 0;
}

static void worker_free(struct worker *w, unsigned int j)
{
	conc_free(w->sa, w->s, &w->held[j], &w->corrupt, &w->bad_free);
	w->held[j] = w->held[--w->nheld];
	w->frees++;
}

static void worker_alloc(struct worker *w, u32 r)
{
	struct held h = { .cache = 0 };

	if (r & 1) {
		h.size = w->s->object_size;
		h.p = smm_kmem_cache_alloc(w->s, 0);
	} else {
		h.cache = -1;
		h.size = rand_size(&w->rnd);
		h.p = smm_kmalloc(w->sa, h.size, 0);
	}
	if (!h.p) {
		w->nomem++;
		return;
	}
	w->bad_size += smm_ksize(w->sa, h.p) < h.size;
	h.tag = (w->cpu << 24) | (++w->allocs & 0xffffff);
	fill(h.p, h.size, h.tag);
	w->held[w->nheld++] = h;
}

/* Hand held object @j to whichever thread takes it; free it if the pool is full. */
static void worker_give(struct worker *w, unsigned int j)
{
	struct conc_pool *pool = w->pool;
	bool given = false;

	spin_lock(&pool->lock);
	if (pool->n < CONC_POOL) {
		pool->objs[pool->n++] = w->held[j];
		given = true;
	}
	spin_unlock(&pool->lock);
	if (!given) {
		worker_free(w, j);
		return;
	}
	w->held[j] = w->held[--w->nheld];
	w->given++;
}

/* Free an object some thread, maybe on another CPU, allocated. */
static void worker_take(struct worker *w)
{
	struct conc_pool *pool = w->pool;
	struct held h;
	bool taken = false;

	spin_lock(&pool->lock);
	if (pool->n) {
		h = pool->objs[--pool->n];
		taken = true;
	}
	spin_unlock(&pool->lock);
	if (!taken)
		return;
	conc_free(w->sa, w->s, &h, &w->corrupt, &w->bad_free);
	w->taken++;
	w->frees++;
}

static int worker_fn(void *data)
{
	struct worker *w = data;
	unsigned int i;

	for (i = 0; i < CONC_OPS; i++) {
		u32 r = prandom_u32_state(&w->rnd);
		unsigned int op = r % 8;

		if (op < 4 && w->nheld < CONC_HELD)
			worker_alloc(w, r >> 3);
		else if (op < 6 && w->nheld)
			worker_free(w, (r >> 3) % w->nheld);
		else if (op == 6 && w->nheld)
			worker_give(w, (r >> 3) % w->nheld);
		else
			worker_take(w);
		/* Now and then, flush every CPU's objects under the others' feet. */
		if (i % 4096 == 2048)
			smm_kmem_cache_shrink(w->s);
		if (!(i % 256))
			cond_resched();
	}
	while (w->nheld)
		worker_free(w, w->nheld - 1);
	kthread_complete_and_exit(&w->done, 0);
}

/*
 * One thread per online CPU, each with its own seed, allocating from one
 * shared debug cache and from kmalloc at once, freeing its own objects and
 * objects other threads hand it, so that frees also come from CPUs the
 * object's slab is not active on.  No object is handed out twice (the
 * contents and the poison would show it), every free is accepted, and
 * afterwards the cache is empty and every page is back.  Lockdep and KASAN
 * watch the rest.
 */
static void slab_test_concurrent(struct kunit *test)
{
	const enum smm_slab_strategy *st = test->param_value;
	struct smm_instance *inst = new_instance(test, *st);
	struct smm_slab *sa = &inst->slab;
	unsigned int nr = num_online_cpus(), started, n, cpu;
	unsigned long total, allocs = 0, frees = 0, given = 0, taken = 0;
	unsigned long corrupt = 0, bad_free = 0;
	struct conc_pool *pool;
	struct smm_kmem_cache *s;
	struct worker *w;
	ktime_t t0;

	s = workload_cache(test, sa, "shared", 192, SMM_SLAB_DEBUG);
	w = kunit_kcalloc(test, nr, sizeof(*w), GFP_KERNEL);
	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	spin_lock_init(&pool->lock);
	total = pages_total(inst);
	t0 = ktime_get();

	n = 0;
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (n == nr)
			break;
		w[n].sa = sa;
		w[n].s = s;
		w[n].pool = pool;
		w[n].cpu = cpu;
		init_completion(&w[n].done);
		prandom_seed_state(&w[n].rnd, CONC_SEED + cpu);
		t = kthread_create_on_cpu(worker_fn, &w[n], cpu, "smm_slab/%u");
		if (IS_ERR(t))
			break;
		wake_up_process(t);
		n++;
	}
	started = n;
	kunit_info(test, "%u threads, seeds %#x + cpu, %d operations each\n", started,
		   CONC_SEED, CONC_OPS);
	for (n = 0; n < started; n++)
		wait_for_completion(&w[n].done);
	/* What is left in the pool is freed here. */
	while (pool->n)
		conc_free(sa, s, &pool->objs[--pool->n], &corrupt, &bad_free);
	KUNIT_ASSERT_EQ_MSG(test, started, nr, "could not start a thread on every CPU");

	for (n = 0; n < started; n++) {
		KUNIT_EXPECT_EQ_MSG(test, w[n].corrupt, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_free, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].bad_size, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_EQ_MSG(test, w[n].nomem, 0UL, "cpu %u", w[n].cpu);
		KUNIT_EXPECT_GT(test, w[n].allocs, 0UL);
		allocs += w[n].allocs;
		frees += w[n].frees;
		given += w[n].given;
		taken += w[n].taken;
	}
	KUNIT_EXPECT_EQ(test, corrupt, 0UL);
	KUNIT_EXPECT_EQ(test, bad_free, 0UL);
	KUNIT_EXPECT_EQ(test, frees + given - taken, allocs);
	KUNIT_EXPECT_GT(test, taken, 0UL);
	KUNIT_EXPECT_EQ(test, live_objs(s), 0UL);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sa->large_pages), 0L);
	KUNIT_EXPECT_EQ(test, pages_total(inst), total);
	KUNIT_EXPECT_EQ(test, smm_buddy_check(&inst->buddy), 0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
	kunit_info(test, "%lu allocations, %lu handed to another thread, %lld ms\n", allocs, given,
		   ktime_ms_delta(ktime_get(), t0));
}

/* ---------------------------------------------------------------------- */
/* kmem_cache_init(): SLAB's bootstrap                                    */
/* ---------------------------------------------------------------------- */

static void boot_destroy_action(void *data)
{
	smm_slab_destroy(data);
}

/*
 * A second allocator of @strategy over @inst's buddy allocator, brought up
 * inside the SLAB stage of @tl (which may be NULL), and torn down when the
 * case ends, before the instance.
 */
static struct smm_slab *boot_allocator(struct kunit *test, struct smm_instance *inst,
				       enum smm_slab_strategy strategy, struct smm_timeline *tl)
{
	struct smm_slab *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, sa);
	if (tl)
		smm_timeline_begin(tl, SMM_STAGE_SLAB);
	ret = smm_slab_init(sa, &inst->buddy, &inst->broken, strategy, NULL, tl);
	if (tl)
		smm_timeline_end(tl, "kunit");
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, boot_destroy_action, sa), 0);
	return sa;
}

/* The INDEX_AC class: the one an arraycache_init is kmalloc'd from. */
static int index_ac(void)
{
	return smm_kmalloc_index(sizeof(struct smm_arraycache_init));
}

/* enable_cpucache()'s limit for objects of @size bytes. */
static unsigned int tuned_limit(unsigned int size)
{
	if (size > PAGE_SIZE)
		return 8;
	if (size > 1024)
		return 24;
	if (size > 256)
		return 54;
	return 120;
}

/*
 * The bootstrap records its steps, in the kernel's order and in the stage
 * it belongs to; SLUB and SLOB one step each.
 */
static void slab_test_boot_steps(struct kunit *test)
{
	const enum smm_slab_strategy *st = test->param_value;
	struct smm_instance *inst = new_instance(test, *st);
	struct smm_timeline *tl = kunit_kzalloc(test, sizeof(*tl), GFP_KERNEL);
	/* NULL: the INDEX_AC cache's step, "kmalloc-<size> (PARTIAL_AC)" */
	static const char *const slab_steps[] = {
		"cache_cache", NULL, "kmalloc caches", "replace initarray", "enable_cpucache",
	};
	static const char *const slub_steps[] = { "create_kmalloc_cache" };
	static const char *const slob_steps[] = { "kmem_cache_init" };
	char ac_step[SMM_TIMELINE_STEP_LEN];
	const char *const *want;
	unsigned int i, n;
	struct smm_slab *sa;

	KUNIT_ASSERT_NOT_NULL(test, tl);
	snprintf(ac_step, sizeof(ac_step), "kmalloc-%u (PARTIAL_AC)",
		 smm_kmalloc_size(index_ac()));
	switch (*st) {
	case SMM_SLAB_SLAB:
		want = slab_steps;
		n = ARRAY_SIZE(slab_steps);
		break;
	case SMM_SLAB_SLUB:
		want = slub_steps;
		n = ARRAY_SIZE(slub_steps);
		break;
	default:
		want = slob_steps;
		n = ARRAY_SIZE(slob_steps);
		break;
	}
	smm_timeline_init(tl, SMM_ERA_2629);
	sa = boot_allocator(test, inst, *st, tl);
	KUNIT_EXPECT_EQ(test, tl->nr_steps, n);
	KUNIT_EXPECT_EQ(test, tl->dropped_steps, 0U);
	for (i = 0; i < min(n, tl->nr_steps); i++) {
		KUNIT_EXPECT_STREQ(test, tl->steps[i].name, want[i] ? want[i] : ac_step);
		KUNIT_EXPECT_EQ(test, tl->steps[i].stage, SMM_STAGE_SLAB);
		KUNIT_EXPECT_NE(test, tl->steps[i].result[0], '\0');
		if (i)
			KUNIT_EXPECT_GE(test, tl->steps[i].start_ns, tl->steps[i - 1].start_ns);
	}
	KUNIT_EXPECT_TRUE(test, tl->recs[SMM_STAGE_SLAB].done);
	if (*st == SMM_SLAB_SLAB)
		KUNIT_EXPECT_EQ(test, sa->cpucache_up, SMM_CPUCACHE_FULL);
	/* Without a timeline the bootstrap is the same. */
	sa = boot_allocator(test, inst, *st, NULL);
	KUNIT_EXPECT_EQ(test, !!sa->kmalloc_caches[0], *st != SMM_SLAB_SLOB);
}

/*
 * cache_cache is the first cache, "kmem_cache", with the static descriptor,
 * and holds one record per other cache: one more for a new cache, one
 * less once it is destroyed.
 */
static void slab_test_boot_cache_cache(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, SMM_SLAB_SLAB);
	struct smm_slab *sa = boot_allocator(test, inst, SMM_SLAB_SLAB, NULL);
	struct smm_kmem_cache *cc = &sa->cache_cache, *s;
	unsigned long others = 0, bad_rec = 0;
	unsigned long off;

	KUNIT_EXPECT_PTR_EQ(test, find_cache(sa, "kmem_cache"), cc);
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&sa->caches, struct smm_kmem_cache, node), cc);
	KUNIT_EXPECT_EQ(test, cc->object_size, (unsigned int)(sizeof(void *) * (nr_cpu_ids + 1) +
							     4 * sizeof(unsigned int)));
	KUNIT_EXPECT_EQ(test, cc->refcount, 0U);
	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node) {
		void *rec = smm_slab_cache_record(s);

		if (s == cc)
			continue;
		others++;
		/* Each record is a live object of cache_cache, in shadow memory. */
		bad_rec += !rec || decode(sa, rec, &off) != cc;
	}
	mutex_unlock(&sa->lock);
	KUNIT_EXPECT_EQ(test, others, (unsigned long)SMM_KMALLOC_CLASSES);
	KUNIT_EXPECT_EQ(test, bad_rec, 0UL);
	KUNIT_EXPECT_EQ(test, live_objs(cc), others);
	/* cache_cache's own record cannot be one of its objects. */
	KUNIT_EXPECT_NULL(test, smm_slab_virt_to_head(sa, smm_slab_cache_record(cc)));

	s = new_cache(test, sa, "boot-new", 100, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, decode(sa, smm_slab_cache_record(s), &off), cc);
	KUNIT_EXPECT_EQ(test, live_objs(cc), others + 1);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, live_objs(cc), others);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(cc), -EINVAL);
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
}

/*
 * Check every CPU's array of @s: kmalloc'd (no static array), in a slab
 * page of the kmalloc class its size asks for, at the tuned limit, one per
 * CPU.  Returns the number of arrays that fail.
 */
static unsigned int check_arrays(struct kunit *test, struct smm_kmem_cache *s)
{
	struct smm_slab *sa = s->sa;
	unsigned int limit = tuned_limit(s->size), bad = 0;
	struct smm_array_cache *prev = NULL;
	size_t bytes = sizeof(struct smm_array_cache) + limit * sizeof(void *);
	struct smm_kmem_cache *want = sa->kmalloc_caches[smm_kmalloc_index(bytes)];
	int cpu;

	for_each_possible_cpu(cpu) {
		struct smm_array_cache *ac = smm_slab_cpu_cache(s, cpu);
		struct smm_page *head = ac ? smm_slab_virt_to_head(sa, ac) : NULL;
		unsigned long off;

		if (!ac || ac == &sa->initarray_cache.cache || ac == &sa->initarray_generic.cache ||
		    ac == &sa->no_array.cache || ac == prev || !head ||
		    READ_ONCE(head->owner) != SMM_OWNER_SLAB || head->mapping != want ||
		    decode(sa, ac, &off) != want || ac->limit != limit ||
		    ac->batchcount != (limit + 1) / 2 || ac->avail > ac->limit) {
			kunit_info(test, "%s cpu %d: array %p limit %u batch %u, in %s",
				   s->name, cpu, ac, ac ? ac->limit : 0, ac ? ac->batchcount : 0,
				   head && head->mapping ?
				   ((struct smm_kmem_cache *)head->mapping)->name : "no cache");
			bad++;
		}
		prev = ac;
	}
	return bad;
}

/*
 * After the bootstrap no cache is left on a static array: every array of
 * every cache is kmalloc'd, at its tuned limit.  A cache created later gets
 * such arrays directly, and the arrays work: objects go round them.
 */
static void slab_test_boot_arrays(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 64, 700, 2048, 6000 };
	struct smm_instance *inst = new_instance(test, SMM_SLAB_SLAB);
	struct smm_slab *sa = boot_allocator(test, inst, SMM_SLAB_SLAB, NULL);
	struct smm_slabinfo info;
	struct smm_kmem_cache *s;
	unsigned int i, bad = 0, nr = 0;

	pin_cpu(test);
	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node) {
		bad += check_arrays(test, s);
		nr++;
	}
	mutex_unlock(&sa->lock);
	KUNIT_EXPECT_EQ(test, nr, SMM_KMALLOC_CLASSES + 1U);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	/* The static arrays are empty: their objects were carried over. */
	KUNIT_EXPECT_EQ(test, sa->initarray_cache.cache.avail, 0U);
	KUNIT_EXPECT_EQ(test, sa->initarray_generic.cache.avail, 0U);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		char name[SMM_CACHE_NAME_LEN];
		void *p, *q;

		snprintf(name, sizeof(name), "boot-%u", sizes[i]);
		s = new_cache(test, sa, name, sizes[i], 0, NULL);
		KUNIT_EXPECT_EQ(test, check_arrays(test, s), 0U);
		cache_info(s, false, &info);
		KUNIT_EXPECT_EQ(test, info.limit, tuned_limit(s->size));
		KUNIT_EXPECT_EQ(test, info.batchcount, (tuned_limit(s->size) + 1) / 2);
		/* A refill moves a batch into this CPU's array; a free pushes onto it. */
		p = smm_kmem_cache_alloc(s, 0);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, smm_slab_cpu_cache(s, raw_smp_processor_id())->avail,
				min(info.batchcount, s->num) - 1);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
		q = smm_kmem_cache_alloc(s, 0);
		KUNIT_EXPECT_PTR_EQ(test, q, p);
		KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, q), 0);
	}
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
}

/*
 * Teardown gives back every page and every byte of host memory the
 * allocator took, with caches, live objects and cached objects left in it;
 * and so does a cache destroyed on its own.
 */
static void slab_test_boot_destroy(struct kunit *test)
{
	struct smm_instance *inst = new_instance(test, SMM_SLAB_SLAB);
	struct smm_arena *a = inst->slab.arena;
	struct smm_slab *sa = kunit_kzalloc(test, sizeof(*sa), GFP_KERNEL);
	unsigned long free0, host0, free1, host1;
	struct smm_kmem_cache *s;
	unsigned int i;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, sa);
	free0 = buddy_free(&inst->buddy);
	host0 = atomic_long_read(&a->host.bytes[SMM_HOST_SLAB]);
	KUNIT_ASSERT_EQ(test, smm_slab_init(sa, &inst->buddy, &inst->broken, SMM_SLAB_SLAB,
					    NULL, NULL), 0);
	/* Torn down below; the action only if the case stops before (a no-op after). */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, boot_destroy_action, sa), 0);
	KUNIT_EXPECT_LT(test, buddy_free(&inst->buddy), free0);
	KUNIT_EXPECT_EQ(test, buddy_free(&inst->buddy) + slab_pages(sa), free0);

	/* A cache on its own: created, used, destroyed, nothing left behind. */
	free1 = buddy_free(&inst->buddy) + slab_pages(sa);
	host1 = atomic_long_read(&a->host.bytes[SMM_HOST_SLAB]);
	s = new_cache(test, sa, "boot-gone", 300, 0, NULL);
	for (i = 0; i < 200; i++) {
		p = smm_kmalloc(sa, 40 + i, 0);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, smm_kfree(sa, p), 0);
	}
	p = smm_kmem_cache_alloc(s, 0);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_free(s, p), 0);
	KUNIT_EXPECT_EQ(test, smm_kmem_cache_destroy(s), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a->host.bytes[SMM_HOST_SLAB]), host1);
	KUNIT_EXPECT_EQ(test, buddy_free(&inst->buddy) + slab_pages(sa), free1);

	/* Teardown with a user cache, live objects and a kmalloc left over. */
	s = new_cache(test, sa, "boot-left", 2048, 0, NULL);
	for (i = 0; i < 20; i++)
		KUNIT_ASSERT_NOT_NULL(test, smm_kmem_cache_alloc(s, 0));
	KUNIT_ASSERT_NOT_NULL(test, smm_kmalloc(sa, 100, 0));
	KUNIT_EXPECT_EQ(test, all_reports(sa), 0UL);
	smm_slab_destroy(sa);
	KUNIT_EXPECT_EQ(test, buddy_free(&inst->buddy), free0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a->host.bytes[SMM_HOST_SLAB]), host0);
	KUNIT_EXPECT_FALSE(test, inst->broken);
}

static struct kunit_case slab_test_cases[] = {
	KUNIT_CASE_PARAM(slab_test_ctor, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_colour, colour_gen_params),
	KUNIT_CASE_PARAM(slab_test_shrink, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_boot_steps, strategy_gen_params),
	KUNIT_CASE(slab_test_boot_cache_cache),
	KUNIT_CASE(slab_test_boot_arrays),
	KUNIT_CASE(slab_test_boot_destroy),
	KUNIT_CASE_PARAM(slab_test_kmalloc_classes, strategy_gen_params),
	KUNIT_CASE_PARAM(slab_test_kmalloc_large, strategy_gen_params),
	KUNIT_CASE_PARAM(slab_test_ksize, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_destroy_busy, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_double_free, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_double_free_nodebug, matrix_gen_params),
	KUNIT_CASE(slab_test_debug_param),
	KUNIT_CASE_PARAM(slab_test_wrong_cache, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_kfree_interior, strategy_gen_params),
	KUNIT_CASE_PARAM(slab_test_redzone, matrix_gen_params),
	KUNIT_CASE_PARAM(slab_test_poison, matrix_gen_params),
	KUNIT_CASE_PARAM_ATTR(slab_test_random_invariants, strategy_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(slab_test_concurrent, strategy_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static int slab_test_init(struct kunit *test)
{
	test->priv = NULL;
	return 0;
}

/*
 * After every case, before its instance goes: no SMM_WARN_ON() fired.  The
 * debug kernel has no CONFIG_BUG, so the broken flag is all a WARN leaves.
 */
static void slab_test_exit(struct kunit *test)
{
	struct smm_instance *inst = test->priv;

	if (inst)
		KUNIT_EXPECT_FALSE_MSG(test, inst->broken, "the instance is broken: SMM_WARN_ON()");
}

static struct kunit_suite slab_test_suite = {
	.name = "shadow_mm_slab",
	.init = slab_test_init,
	.exit = slab_test_exit,
	.test_cases = slab_test_cases,
};

kunit_test_suite(slab_test_suite);
