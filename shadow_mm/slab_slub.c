// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm SLUB: the unqueued slab allocator.
 */

/**
 * DOC: SLUB
 *
 * SLUB does away with SLAB's queues and its slab descriptor.  What a slab
 * needs lives in its head page's descriptor: the freelist of the slab
 * (&smm_page.private), the number of objects in use (&smm_page.refcount),
 * the cache (&smm_page.mapping), and the partial-list linkage
 * (&smm_page.lru).  The freelist is threaded through the free objects
 * themselves, the next pointer stored at @offset in each free object:
 * inside it, or after it when the object must keep its contents (a
 * constructor, or debugging).
 *
 * Each CPU has an *active* slab, frozen to it, and takes objects from that
 * slab's freelist without a lock: the fast path only disables preemption.
 * Frees to the active slab of the freeing CPU are as cheap.  A free from
 * elsewhere goes to the slab's own freelist under the cache's list lock; a
 * slab that was full goes on the partial list, and an empty one is given
 * back to the buddy allocator once the cache keeps min_partial partial
 * slabs.  When the active slab runs dry, the CPU takes the objects freed to
 * it remotely, or else a partial slab, or else a new slab.
 *
 * Objects held on a CPU are flushed by running deactivate_slab() on that
 * CPU (smp_call_on_cpu()), so nothing ever touches another CPU's active
 * slab while it runs its lockless path.
 *
 * Lock order: smm_slab.lock (cache management), then slub_cache.list_lock
 * (partial list, slab freelists and counters of slabs that are not frozen).
 */

#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/swab.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "slab.h"

/* slub_max_order: PAGE_ALLOC_COSTLY_ORDER */
#define SLUB_MAX_ORDER	3

/**
 * struct slub_cpu - one CPU's state for one cache (kmem_cache_cpu)
 * @freelist: free objects of @slab, owned by this CPU
 * @slab: the active slab, frozen to this CPU, or NULL
 * @base: the address of @slab's first object, or 0
 * @span: the offset of its last object, @num - 1 slots on: a pointer
 *	@p is an object of the active slab only if @p - @base <= @span
 */
struct slub_cpu {
	void *freelist;
	struct smm_page *slab;
	unsigned long base;
	unsigned long span;
};

/**
 * struct slub_cache - a cache's SLUB state (kmem_cache_node and more)
 * @cpu: the per-CPU state
 * @list_lock: protects @partial, @nr_partial, and the freelist and inuse
 *	of every slab that is not frozen
 * @partial: slabs with free objects, not frozen
 * @nr_partial: slabs on @partial
 * @min_partial: keep at least this many partial slabs, even empty
 * @nr_slabs: all slabs of the cache
 */
struct slub_cache {
	struct slub_cpu __percpu *cpu;
	spinlock_t list_lock;	/* see above */
	struct list_head partial;
	unsigned long nr_partial;
	unsigned long min_partial;
	atomic_long_t nr_slabs;
};

static inline struct slub_cache *sc_of(struct smm_kmem_cache *s)
{
	return s->priv;
}

/*
 * freelist_ptr_encode(), as CONFIG_SLAB_FREELIST_HARDENED does it on the
 * host: the stored pointer is mixed with a per-cache secret and with the
 * byte-swapped address it is stored at, so a leaked or overwritten free
 * pointer is useless to an attacker.  The pointer read back is checked
 * anyway before it is followed (see next_free()).
 */
static inline unsigned long fp_key(const struct smm_kmem_cache *s, void *ptr_addr)
{
	return s->random ^ swab((unsigned long)ptr_addr);
}

static inline void *get_fp(const struct smm_kmem_cache *s, void *obj)
{
	void **p = obj + s->offset;

	return (void *)((unsigned long)*p ^ fp_key(s, p));
}

static inline void set_fp(const struct smm_kmem_cache *s, void *obj, void *next)
{
	void **p = obj + s->offset;

	*p = (void *)((unsigned long)next ^ fp_key(s, p));
}

/* Is @obj a slot of the slab whose first object is at @base? */
static inline bool in_slab(const struct smm_kmem_cache *s, unsigned long base, void *obj)
{
	unsigned long off = (unsigned long)obj - base;

	return off <= (unsigned long)(s->num - 1) * s->size &&
	       off == (unsigned long)smm_slab_obj_index(s, off) * s->size;
}

/*
 * The free object after @obj on a list of the slab at @base, or NULL at
 * the end.  A pointer that leaves the slab's objects means the list was
 * corrupted (a double free, or a write after free): it is reported, and
 * the list ends there, so the allocator never follows it out of the slab.
 * A pointer inside them, even between slots, keeps every later write
 * inside the slab.
 */
static inline void *next_free(struct smm_kmem_cache *s, unsigned long base,
			      unsigned long span, void *obj)
{
	void *next = get_fp(s, obj);

	if (likely((unsigned long)next - base <= span) || !next)
		return next;
	smm_slab_report(s, SMM_REPORT_FREELIST, obj, "free pointer leads out of the slab");
	return NULL;
}

static inline unsigned long slab_span(const struct smm_kmem_cache *s)
{
	return (unsigned long)(s->num - 1) * s->size;
}

static inline unsigned long slab_base(struct smm_kmem_cache *s, struct smm_page *slab)
{
	return (unsigned long)smm_slab_page_addr(s->sa, slab);
}

/* The slab's own freelist and in-use count, kept in its head descriptor. */
static inline void *slab_freelist(struct smm_page *slab)
{
	return (void *)slab->private;
}

static inline void set_slab_freelist(struct smm_page *slab, void *fl)
{
	slab->private = (unsigned long)fl;
}

/*
 * kmem_cache_init(): the size classes, each by create_kmalloc_cache().
 * SLUB's descriptors and its kmem_cache_node stay in host memory here, so
 * its bootstrap of kmem_cache and kmem_cache_node out of static copies has
 * nothing to replay.
 */
static int slub_init(struct smm_slab *sa, struct smm_timeline *tl)
{
	int i, ret;

	smm_slab_step_begin(tl);
	for (i = 0; i < SMM_KMALLOC_CLASSES; i++) {
		ret = smm_slab_create_kmalloc(sa, i);
		if (ret)
			return ret;
	}
	smm_timeline_step_end(tl, "create_kmalloc_cache",
			      "%d kmalloc caches, %u..%u bytes; descriptors in host memory",
			      SMM_KMALLOC_CLASSES, smm_kmalloc_size(0),
			      smm_kmalloc_size(SMM_KMALLOC_CLASSES - 1));
	return 0;
}

static void slub_destroy(struct smm_slab *sa)
{
}

static int slub_create(struct smm_kmem_cache *s)
{
	/* calculate_order(): min_objects = 4 * (fls(nr_cpus) + 1) */
	unsigned int min_objects = 4 * (fls(num_possible_cpus()) + 1);
	static const unsigned int fractions[] = { 16, 8, 4 };
	struct slub_cache *sc;
	unsigned int i, order = SLUB_MAX_ORDER + 1;

	while (order > SLUB_MAX_ORDER && min_objects > 1) {
		for (i = 0; i < ARRAY_SIZE(fractions) && order > SLUB_MAX_ORDER; i++)
			order = smm_slab_calc_order(s->size, min_objects, SLUB_MAX_ORDER,
						    fractions[i], 0);
		if (order > SLUB_MAX_ORDER)
			min_objects /= 2;
	}
	if (order > SLUB_MAX_ORDER)
		order = get_order(s->size);
	s->order = order;
	s->num = (PAGE_SIZE << order) / s->size;

	sc = smm_host_kvcalloc(s->sa->arena, SMM_HOST_SLAB, 1, sizeof(*sc));
	if (!sc)
		return -ENOMEM;
	sc->cpu = smm_host_alloc_percpu(s->sa->arena, SMM_HOST_SLAB, sizeof(struct slub_cpu),
					__alignof__(struct slub_cpu));
	if (!sc->cpu) {
		smm_host_kvfree(s->sa->arena, SMM_HOST_SLAB, sc, 1, sizeof(*sc));
		return -ENOMEM;
	}
	spin_lock_init(&sc->list_lock);
	INIT_LIST_HEAD(&sc->partial);
	s->random = get_random_long();
	/* set_min_partial(): ilog2(size) / 2, within [5, 10] */
	sc->min_partial = clamp(ilog2(s->size) / 2, 5, 10);
	s->priv = sc;
	return 0;
}

/* new_slab(): pages, then every object constructed and on the freelist. */
static struct smm_page *new_slab(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct smm_page *slab = smm_slab_alloc_pages(s->sa, s, gfp, s->order);
	void *start, *prev = NULL;
	unsigned int i;

	if (!slab)
		return NULL;
	start = smm_slab_page_addr(s->sa, slab);
	for (i = 0; i < s->num; i++) {
		void *obj = start + i * s->size;

		smm_slab_init_object(s, obj);
		if (s->ctor)
			s->ctor(smm_slab_obj_user(s, obj));
		if (prev)
			set_fp(s, prev, obj);
		prev = obj;
	}
	set_fp(s, prev, NULL);
	set_slab_freelist(slab, start);
	slab->refcount = 0;
	INIT_LIST_HEAD(&slab->lru);
	atomic_long_inc(&sc_of(s)->nr_slabs);
	return slab;
}

static void discard_slab(struct smm_kmem_cache *s, struct smm_page *slab)
{
	atomic_long_dec(&sc_of(s)->nr_slabs);
	smm_slab_free_pages(s->sa, slab);
}

/*
 * Freeze @slab to this CPU: take its whole freelist.  Frozen, the slab
 * counts every object as in use; the CPU's freelist is its business.
 */
static void *__freeze(struct smm_kmem_cache *s, struct slub_cpu *c, struct smm_page *slab)
{
	void *fl = slab_freelist(slab);

	lockdep_assert_held(&sc_of(s)->list_lock);
	set_slab_freelist(slab, NULL);
	slab->refcount = s->num;
	smm_page_set(slab, SMM_PG_SLAB_FROZEN);
	c->slab = slab;
	c->base = slab_base(s, slab);
	c->span = slab_span(s);
	return fl;
}

static void forget_active(struct slub_cpu *c)
{
	c->slab = NULL;
	c->freelist = NULL;
	c->base = 0;
	c->span = 0;
}

/*
 * deactivate_slab(): give the CPU's freelist back to its slab and unfreeze
 * it.  Returns a slab to discard, or NULL.
 */
static struct smm_page *__deactivate(struct smm_kmem_cache *s, struct slub_cpu *c)
{
	struct slub_cache *sc = sc_of(s);
	struct smm_page *slab = c->slab;
	void *obj = c->freelist;
	unsigned int n = 0;

	lockdep_assert_held(&sc->list_lock);
	if (!slab)
		return NULL;
	while (obj && n < s->num) {
		void *next = next_free(s, c->base, c->span, obj);

		set_fp(s, obj, slab_freelist(slab));
		set_slab_freelist(slab, obj);
		obj = next;
		n++;
	}
	slab->refcount -= n;
	smm_page_clear(slab, SMM_PG_SLAB_FROZEN);
	forget_active(c);
	if (!slab->refcount && sc->nr_partial >= sc->min_partial)
		return slab;
	if (slab_freelist(slab)) {
		list_add_tail(&slab->lru, &sc->partial);
		sc->nr_partial++;
	}
	return NULL;
}

/* ___slab_alloc(): the active slab ran dry.  Preemption is off. */
static void *slub_alloc_slow(struct smm_kmem_cache *s, struct slub_cpu *c, unsigned int gfp)
{
	struct slub_cache *sc = sc_of(s);
	struct smm_page *slab, *discard = NULL;
	void *obj;

	spin_lock(&sc->list_lock);
	/* Objects freed to the active slab from other CPUs? */
	if (c->slab && slab_freelist(c->slab)) {
		obj = __freeze(s, c, c->slab);
		goto out;
	}
	discard = __deactivate(s, c);
	slab = list_first_entry_or_null(&sc->partial, struct smm_page, lru);
	if (slab) {
		list_del_init(&slab->lru);
		sc->nr_partial--;
		obj = __freeze(s, c, slab);
		goto out;
	}
	spin_unlock(&sc->list_lock);
	if (discard)
		discard_slab(s, discard);
	discard = NULL;

	slab = new_slab(s, gfp);
	if (!slab)
		return NULL;
	spin_lock(&sc->list_lock);
	obj = __freeze(s, c, slab);
out:
	spin_unlock(&sc->list_lock);
	if (discard)
		discard_slab(s, discard);
	c->freelist = next_free(s, c->base, c->span, obj);
	return obj;
}

/**
 * smm_slub_alloc() - SLUB's allocation (slab_alloc_node())
 * @s: the cache
 * @gfp: SMM_GFP_* flags, for a new slab
 *
 * The fast path: the next object of this CPU's freelist, with preemption
 * off and no lock, no atomic operation and no lookup.
 *
 * Return: the object's slot, or NULL.
 * Context: does not sleep.
 */
void *smm_slub_alloc(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct slub_cpu *c = get_cpu_ptr(sc_of(s)->cpu);
	void *obj = c->freelist;

	if (likely(obj))
		c->freelist = next_free(s, c->base, c->span, obj);
	else
		obj = slub_alloc_slow(s, c, gfp);
	put_cpu_ptr(sc_of(s)->cpu);
	return obj;
}

/* __slab_free(): a free to a slab that is not this CPU's active slab. */
static int slub_free_slow(struct smm_kmem_cache *s, void *obj)
{
	struct slub_cache *sc = sc_of(s);
	unsigned long off;
	struct smm_page *slab = smm_slab_obj_head(s->sa, obj, &off);
	bool was_full;

	if (unlikely(!slab || slab->mapping != s)) {
		smm_slab_report(s, slab ? SMM_REPORT_WRONG_CACHE : SMM_REPORT_DOUBLE_FREE, obj,
				slab ? "belongs to another cache" : "not a slab object");
		return -EINVAL;
	}
	if (unlikely(!smm_slab_obj_is_slot(s, off))) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "not the start of an object");
		return -EINVAL;
	}
	spin_lock(&sc->list_lock);
	/* A slab with nothing in use, or whose list starts here: a double free. */
	if (unlikely(!slab->refcount || slab_freelist(slab) == obj)) {
		spin_unlock(&sc->list_lock);
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "not allocated");
		return -EINVAL;
	}
	was_full = !slab_freelist(slab);
	set_fp(s, obj, slab_freelist(slab));
	set_slab_freelist(slab, obj);
	slab->refcount--;
	if (smm_page_test(slab, SMM_PG_SLAB_FROZEN)) {
		/* Another CPU's active slab: it will find the object. */
		spin_unlock(&sc->list_lock);
		return 0;
	}
	if (!slab->refcount && sc->nr_partial >= sc->min_partial) {
		if (!was_full) {
			list_del_init(&slab->lru);
			sc->nr_partial--;
		}
		spin_unlock(&sc->list_lock);
		discard_slab(s, slab);
		return 0;
	}
	if (was_full) {
		list_add_tail(&slab->lru, &sc->partial);
		sc->nr_partial++;
	}
	spin_unlock(&sc->list_lock);
	return 0;
}

/**
 * smm_slub_free() - SLUB's free (do_slab_free())
 * @s: the cache
 * @obj: the object's slot
 *
 * The fast path: an object of this CPU's active slab, found by its
 * address alone, goes on the CPU's freelist.  As the hardened kernel does,
 * freeing the object that heads that list again is caught as a double
 * free.  Anything else takes the slow path, which finds the slab through
 * the page and checks that @obj is a slot of it.
 *
 * Return: 0, or -EINVAL for a misuse that was caught (reported, nothing
 * changed).
 * Context: does not sleep.
 */
int smm_slub_free(struct smm_kmem_cache *s, void *obj)
{
	struct slub_cpu *c = get_cpu_ptr(sc_of(s)->cpu);

	if (likely(in_slab(s, c->base, obj) && c->slab)) {
		if (unlikely(obj == c->freelist)) {
			put_cpu_ptr(sc_of(s)->cpu);
			smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "freed twice in a row");
			return -EINVAL;
		}
		set_fp(s, obj, c->freelist);
		c->freelist = obj;
		put_cpu_ptr(sc_of(s)->cpu);
		return 0;
	}
	put_cpu_ptr(sc_of(s)->cpu);
	return slub_free_slow(s, obj);
}

/* Runs on the CPU whose state it flushes, in process context. */
static int flush_cpu(void *data)
{
	struct smm_kmem_cache *s = data;
	struct slub_cache *sc = sc_of(s);
	struct smm_page *discard;
	struct slub_cpu *c;

	c = get_cpu_ptr(sc->cpu);
	spin_lock(&sc->list_lock);
	discard = __deactivate(s, c);
	spin_unlock(&sc->list_lock);
	put_cpu_ptr(sc->cpu);
	if (discard)
		discard_slab(s, discard);
	return 0;
}

static void slub_flush(struct smm_kmem_cache *s)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		smp_call_on_cpu(cpu, flush_cpu, s, false);
	cpus_read_unlock();
}

static unsigned long slub_shrink(struct smm_kmem_cache *s)
{
	struct slub_cache *sc = sc_of(s);
	struct smm_page *slab, *tmp;
	unsigned long pages = 0;
	LIST_HEAD(empty);

	spin_lock(&sc->list_lock);
	list_for_each_entry_safe(slab, tmp, &sc->partial, lru) {
		if (slab->refcount)
			continue;
		list_move(&slab->lru, &empty);
		sc->nr_partial--;
	}
	spin_unlock(&sc->list_lock);
	list_for_each_entry_safe(slab, tmp, &empty, lru) {
		list_del_init(&slab->lru);
		pages += 1UL << slab->order;
		discard_slab(s, slab);
	}
	return pages;
}

static void slub_release(struct smm_kmem_cache *s)
{
	struct slub_cache *sc = sc_of(s);
	struct smm_page *slab, *tmp;
	int cpu;

	/* Teardown: nothing runs on the cache any more; take every slab back. */
	for_each_possible_cpu(cpu) {
		struct slub_cpu *c = per_cpu_ptr(sc->cpu, cpu);

		if (c->slab) {
			smm_page_clear(c->slab, SMM_PG_SLAB_FROZEN);
			discard_slab(s, c->slab);
			forget_active(c);
		}
	}
	list_for_each_entry_safe(slab, tmp, &sc->partial, lru) {
		list_del_init(&slab->lru);
		discard_slab(s, slab);
	}
	/*
	 * Full slabs are on no list: a cache released with live objects (only
	 * at instance teardown) leaves them to go back with the arena.
	 */
	smm_host_free_percpu(s->sa->arena, SMM_HOST_SLAB, sc->cpu, sizeof(struct slub_cpu));
	smm_host_kvfree(s->sa->arena, SMM_HOST_SLAB, sc, 1, sizeof(*sc));
	s->priv = NULL;
}

/*
 * /proc/slabinfo for SLUB: every object of a frozen or full slab counts as
 * active, as get_slabinfo() counts them; free objects are those of the
 * partial slabs.
 */
static void slub_info(struct smm_kmem_cache *s, struct smm_slabinfo *info)
{
	struct slub_cache *sc = sc_of(s);
	unsigned long nr = atomic_long_read(&sc->nr_slabs), free = 0;
	struct smm_page *slab;

	spin_lock(&sc->list_lock);
	list_for_each_entry(slab, &sc->partial, lru)
		free += s->num - slab->refcount;
	spin_unlock(&sc->list_lock);
	info->num_slabs = nr;
	info->active_slabs = nr;
	info->num_objs = nr * s->num;
	info->active_objs = info->num_objs - free;
	info->pages = nr << s->order;
}

static void slub_show(struct seq_file *m, struct smm_kmem_cache *s)
{
	struct slub_cache *sc = sc_of(s);
	int cpu;

	seq_printf(m, "free_pointer:  offset %u (%s the object)\n", s->offset,
		   s->offset ? "after" : "inside");
	seq_printf(m, "min_partial:   %lu\n", sc->min_partial);
	seq_printf(m, "partial_slabs: %lu\n", READ_ONCE(sc->nr_partial));
	for_each_online_cpu(cpu) {
		struct slub_cpu *c = per_cpu_ptr(sc->cpu, cpu);

		seq_printf(m, "cpu %d:         active slab %s\n", cpu,
			   READ_ONCE(c->slab) ? "yes" : "none");
	}
}

static struct smm_kmem_cache *slub_obj_cache(struct smm_slab *sa, struct smm_page *page,
					     const void *obj, unsigned long off)
{
	struct smm_kmem_cache *s = page->mapping;
	unsigned int idx;

	/* An interior pointer is no object of the cache. */
	if (!s)
		return NULL;
	idx = smm_slab_obj_index(s, off);
	if (idx >= s->num || off - (unsigned long)idx * s->size != s->red_left)
		return NULL;
	return s;
}

static unsigned long slub_pages(struct smm_slab *sa)
{
	return 0;
}

const struct smm_slab_ops smm_slab_ops_slub = {
	.name		= "slub",
	.init		= slub_init,
	.destroy	= slub_destroy,
	.create		= slub_create,
	.release	= slub_release,
	.shrink		= slub_shrink,
	.flush		= slub_flush,
	.info		= slub_info,
	.show		= slub_show,
	.obj_cache	= slub_obj_cache,
	.pages		= slub_pages,
};
