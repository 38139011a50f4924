// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm SLAB: Bonwick's slab allocator, as Linux 2.6 had it.
 */

/**
 * DOC: SLAB
 *
 * A cache keeps its slabs on three lists, slabs_full, slabs_partial and
 * slabs_free.  Each slab has a descriptor (struct slab in mm/slab.c):
 * colouroff, s_mem (the first object), inuse, free (the first free index),
 * followed by the kmem_bufctl_t array that chains the free objects by index:
 * bufctl[i] is the index of the free object after object i.  For small
 * objects the descriptor sits on the slab, before the objects; from
 * PAGE_SIZE / 8 bytes up it goes off the slab, into a kmalloc cache of the
 * same allocator, unless the slab's left-over space holds it anyway
 * (the kernel's CFLGS_OFF_SLAB rule).
 *
 * Slabs are *coloured*: successive slabs start their objects at successive
 * multiples of colour_off (a cache line), cycling through the colours the
 * left-over space allows, so objects of different slabs do not all compete
 * for the same cache lines.
 *
 * In front of the lists each CPU has an array_cache, a LIFO stack of up to
 * @limit free objects.  An allocation pops from it, a free pushes onto it;
 * only when it is empty does cache_alloc_refill() move @batchcount objects
 * in from the slabs, and only when it is full does cache_flusharray() move
 * @batchcount objects back (free_block()).  @limit and @batchcount follow
 * enable_cpucache(): 120 objects for small objects down to 1 for huge ones.
 * A slab that becomes free is kept while the cache has fewer than
 * free_limit free objects, and is given back to the buddy allocator
 * otherwise.
 *
 * Lock order: smm_slab.lock, then slab_cache.list_lock (the three lists,
 * the descriptors and free_objects).  An array_cache is touched only by its
 * own CPU, with preemption disabled; drain_cpu_caches() runs on each CPU.
 * The bootstrap and the teardown touch every CPU's array from one thread:
 * then no one else can reach the allocator.
 */

/**
 * DOC: SLAB bootstrap
 *
 * A cache's descriptor is itself a slab object, of the cache of caches,
 * cache_cache ("kmem_cache"), and its per-CPU arrays are kmalloc() memory.
 * Neither exists before the first caches do, so kmem_cache_init() starts
 * from static memory, as 2.6.29's mm/slab.c does, and each step is a step
 * of the bring-up timeline:
 *
 * 1. ``cache_cache``: its descriptor is static (&smm_slab.cache_cache),
 *    and every CPU's array is the static initarray_cache of
 *    %SMM_BOOT_CPUCACHE_ENTRIES entry.  Its objects are descriptor
 *    records, struct slab_rec, sized for nr_cpu_ids array pointers.
 * 2. ``kmalloc-32 (PARTIAL_AC)``: the size class of an arraycache_init
 *    (INDEX_AC) is created next.  Its record is the first object of
 *    cache_cache; its arrays are the static initarray_generic.  From now
 *    on kmalloc() of an arraycache_init works: g_cpucache_up is
 *    PARTIAL_AC.
 * 3. ``kmalloc caches``: the other size classes, each with a record from
 *    cache_cache and arrays kmalloc'd at %SMM_BOOT_CPUCACHE_ENTRIES
 *    (alloc_arraycache()).
 * 4. ``replace initarray``: cache_cache's and INDEX_AC's static arrays are
 *    replaced by kmalloc'd copies, the objects in them carried over, with
 *    preemption off (the kernel's memcpy under local_irq_disable()).
 *    g_cpucache_up is EARLY.
 * 5. ``enable_cpucache``: every cache's arrays are made again at their
 *    tuned limit (120 objects for small objects down to 8 for 8 KiB); the
 *    old ones are drained to the slabs and kfree'd.  g_cpucache_up is
 *    FULL, and a cache created from now on gets tuned arrays directly.
 *
 * What lives where: in shadow memory, each cache's record (its tunables
 * and the array pointers cpu_cache_get() reads on every allocation and
 * free, &slab_rec.array), every per-CPU array after step 4, and the slabs.
 * In host memory: struct smm_kmem_cache, the working descriptor for
 * everything else (cache_cache's is part of struct smm_slab), and struct
 * slab_cache, the lists (kmem_list3) and layout.  cache_cache's own record
 * is host memory too: its size is known only at run time (nr_cpu_ids),
 * where the kernel's static cache_cache has NR_CPUS slots.
 *
 * Where this differs from 2.6.29: the lists are host memory, so the
 * INDEX_L3 cache and step 5 of the kernel (the static initkmem_list3
 * replaced by kmalloc'd ones) have nothing to do and are skipped.  The
 * kernel's boot runs on the boot CPU alone and the others get their arrays
 * when they come up; here every CPU is up, so during the bootstrap every
 * CPU's slot of cache_cache and of INDEX_AC points at the one static
 * array, which is safe because only the thread running the bootstrap uses
 * the allocator then; step 4 gives each CPU its own copy, the entries
 * going to one of them.  2.6.29 tuned the arrays at the end of
 * kmem_cache_init() and went from PARTIAL to FULL; kernels from 2.6.31 do
 * that in kmem_cache_init_late() with EARLY between, which is the state we
 * record between steps 4 and 5.
 *
 * Teardown, which the kernel never does, runs this backwards: first every
 * cache's arrays are drained and kfree'd (their slots then point at
 * &smm_slab.no_array, whose limit of 0 sends a free straight to the
 * slabs), since a cache's arrays may live in a kmalloc cache released
 * before it; then the caches go newest first, each giving its record back
 * to cache_cache, which goes last.
 */

#include <linux/cache.h>
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "slab.h"

#define BUFCTL_END	0xffffffffU
/*
 * The bufctl entry of an object that is handed out (the kernel's
 * BUFCTL_ACTIVE of SLAB debugging, kept here always: one store per
 * object), so that an object coming back to a slab that already has it
 * free is a double free caught before it corrupts the slab's counts.
 */
#define BUFCTL_ACTIVE	0xfffffffeU
/* slab_max_order with more than 32 MiB of memory (SLAB_MAX_ORDER_HI) */
#define SLAB_MAX_ORDER	1
/* KMALLOC_MAX_ORDER for the order search of big objects */
#define SLAB_SEARCH_MAX_ORDER	5

/**
 * struct slab_desc - one slab's management data (struct slab)
 * @list: linkage in one of the three lists
 * @colouroff: offset of the objects from the start of the slab
 * @s_mem: the first object
 * @inuse: objects allocated (or in an array_cache)
 * @free: index of the first free object, or %BUFCTL_END
 * @head: the slab's head page
 * @bufctl: the free-object chain, one entry per object
 */
struct slab_desc {
	struct list_head list;
	unsigned long colouroff;
	void *s_mem;
	unsigned int inuse;
	u32 free;
	struct smm_page *head;
	u32 bufctl[];
};

static_assert(sizeof(struct smm_arraycache_init) ==
	      sizeof(struct smm_array_cache) + SMM_BOOT_CPUCACHE_ENTRIES * sizeof(void *));

/**
 * struct slab_rec - a cache's descriptor record, an object of cache_cache
 * @batchcount: objects an array moves at a time (the tunables, as at the
 *	top of the kernel's struct kmem_cache)
 * @limit: an array's capacity
 * @buffer_size: the object stride
 * @num: objects per slab
 * @host: the working descriptor, in host memory
 * @array: each CPU's array_cache, nr_cpu_ids of them: cpu_cache_get()
 *
 * The part of the kernel's struct kmem_cache that lives in shadow memory.
 * Invariant: once the cache is created, every possible CPU's slot points
 * at a valid array (&smm_slab.no_array once the arrays are gone).
 */
struct slab_rec {
	unsigned int batchcount;
	unsigned int limit;
	unsigned int buffer_size;
	unsigned int num;
	struct smm_kmem_cache *host;
	struct smm_array_cache *array[];
};

/**
 * struct slab_cache - a cache's SLAB state (kmem_list3 and more)
 * @rec: the descriptor record, in cache_cache (host memory for cache_cache)
 * @list_lock: protects the lists, @free_objects, @colour_next, @nr_slabs
 *	and every descriptor
 * @slabs_full: slabs with no free object
 * @slabs_partial: slabs with some
 * @slabs_free: slabs with every object free
 * @free_objects: free objects on the lists
 * @free_limit: above this, free slabs go back to the buddy allocator
 * @colour_next: colour of the next slab
 * @nr_slabs: slabs of the cache
 * @off_slab: descriptors live off the slab
 * @mgmt_size: bytes of one descriptor, bufctl array included
 */
struct slab_cache {
	struct slab_rec *rec;
	spinlock_t list_lock;	/* see above */
	struct list_head slabs_full;
	struct list_head slabs_partial;
	struct list_head slabs_free;
	unsigned long free_objects;
	unsigned long free_limit;
	unsigned int colour_next;
	unsigned long nr_slabs;
	bool off_slab;
	unsigned int mgmt_size;
};

static inline struct slab_cache *lc_of(struct smm_kmem_cache *s)
{
	return s->priv;
}

static int setup_cpu_cache(struct smm_kmem_cache *s);
static void drop_arrays(struct smm_kmem_cache *s);

static void slab_destroy(struct smm_slab *sa)
{
}

/* Bytes of a descriptor record: the header and nr_cpu_ids array pointers. */
static unsigned int rec_size(void)
{
	return offsetof(struct slab_rec, array) + nr_cpu_ids * sizeof(struct smm_array_cache *);
}

static unsigned int mgmt_size(unsigned int num, unsigned int align)
{
	return ALIGN(sizeof(struct slab_desc) + num * sizeof(u32), align);
}

/* cache_estimate(): objects per slab of @order and what is left over. */
static unsigned int estimate(unsigned int order, unsigned int size, unsigned int align,
			     bool off_slab, unsigned int *left)
{
	unsigned int slab_size = PAGE_SIZE << order, num;

	if (off_slab) {
		num = slab_size / size;
		*left = slab_size - num * size;
		return num;
	}
	num = (slab_size - sizeof(struct slab_desc)) / (size + sizeof(u32));
	while (num && num * size + mgmt_size(num, align) > slab_size)
		num--;
	*left = num ? slab_size - num * size - mgmt_size(num, align) : slab_size;
	return num;
}

/* enable_cpucache(): the array_cache tunables by object size. */
static void tunables(unsigned int size, unsigned int *limit, unsigned int *batch)
{
	if (size > 131072)
		*limit = 1;
	else if (size > PAGE_SIZE)
		*limit = 8;
	else if (size > 1024)
		*limit = 24;
	else if (size > 256)
		*limit = 54;
	else
		*limit = 120;
	*batch = (*limit + 1) / 2;
}

/* The slabs on a list (list_count_nodes(), which only 6.3 has everywhere). */
static size_t count_slabs(const struct list_head *head)
{
	const struct list_head *pos;
	size_t n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/* Bytes of one CPU's array_cache: the header and @limit pointers. */
static size_t ac_size(unsigned int limit)
{
	return sizeof(struct smm_array_cache) + limit * sizeof(void *);
}

/*
 * kmem_cache_create()'s SLAB part: the layout, the lists, the record from
 * cache_cache (kmem_cache_zalloc(&cache_cache)), then setup_cpu_cache().
 */
static int slab_create(struct smm_kmem_cache *s)
{
	struct smm_slab *sa = s->sa;
	/* slab_early_init: off-slab descriptors need kmalloc, not there yet. */
	bool off_slab = s->size >= (PAGE_SIZE >> 3) && sa->cpucache_up != SMM_CPUCACHE_NONE;
	unsigned int order, num = 0, left = 0;
	struct slab_cache *lc;
	struct slab_rec *rec;
	int ret;

	/* calculate_slab_order() */
	for (order = 0; order <= SLAB_SEARCH_MAX_ORDER; order++) {
		num = estimate(order, s->size, s->align, off_slab, &left);
		if (!num)
			continue;
		if (s->flags & SMM_SLAB_RECLAIM)
			break;
		if (order >= SLAB_MAX_ORDER)
			break;
		if (left * 8 <= (PAGE_SIZE << order))
			break;
	}
	if (!num)
		return -EINVAL;
	/* Off-slab, but the descriptor fits in the left-over space: put it there. */
	if (off_slab && left >= mgmt_size(num, s->align)) {
		off_slab = false;
		left -= mgmt_size(num, s->align);
	}

	lc = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB, 1, sizeof(*lc));
	if (!lc)
		return -ENOMEM;
	s->order = order;
	s->num = num;
	s->colour_off = max_t(unsigned int, cache_line_size(), s->align);
	s->colour = left / s->colour_off;
	lc->off_slab = off_slab;
	lc->mgmt_size = mgmt_size(num, s->align);
	spin_lock_init(&lc->list_lock);
	INIT_LIST_HEAD(&lc->slabs_full);
	INIT_LIST_HEAD(&lc->slabs_partial);
	INIT_LIST_HEAD(&lc->slabs_free);
	/* cache_cache's own record cannot come from itself: host memory. */
	if (s == &sa->cache_cache)
		rec = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB, 1, rec_size());
	else
		rec = smm_kmem_cache_alloc(&sa->cache_cache, __SMM_GFP_ZERO);
	if (!rec) {
		ret = -ENOMEM;
		goto err_lc;
	}
	rec->buffer_size = s->size;
	rec->num = num;
	rec->host = s;
	lc->rec = rec;
	s->priv = lc;
	ret = setup_cpu_cache(s);
	if (ret)
		goto err_rec;
	return 0;

err_rec:
	drop_arrays(s);
	if (s == &sa->cache_cache)
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, rec, 1, rec_size());
	else
		smm_kmem_cache_free(&sa->cache_cache, rec);
	s->priv = NULL;
err_lc:
	smm_host_kvfree(sa->arena, SMM_HOST_SLAB, lc, 1, sizeof(*lc));
	return ret;
}

static inline unsigned int obj_index(struct smm_kmem_cache *s, struct slab_desc *d, void *obj)
{
	return smm_slab_obj_index(s, obj - d->s_mem);
}

/* The descriptor of the slab an object lives in. */
static struct slab_desc *desc_of(struct smm_kmem_cache *s, void *obj)
{
	unsigned long off;
	struct smm_page *head = smm_slab_obj_head(s->sa, obj, &off);

	return head ? (struct slab_desc *)head->private : NULL;
}

/* cache_grow(): a new, coloured slab with every object constructed. */
static struct slab_desc *cache_grow(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct slab_cache *lc = lc_of(s);
	struct smm_page *head;
	struct slab_desc *d;
	unsigned long offset;
	unsigned int i;
	void *addr;

	spin_lock(&lc->list_lock);
	offset = (unsigned long)lc->colour_next * s->colour_off;
	if (++lc->colour_next >= s->colour)
		lc->colour_next = 0;
	spin_unlock(&lc->list_lock);

	head = smm_slab_alloc_pages(s->sa, s, gfp, s->order);
	if (!head)
		return NULL;
	addr = smm_slab_page_addr(s->sa, head);
	if (lc->off_slab) {
		/* alloc_slabmgmt(): from a kmalloc cache of this allocator */
		d = smm_kmalloc(s->sa, lc->mgmt_size, gfp & __SMM_GFP_HIGH);
		if (!d) {
			smm_slab_free_pages(s->sa, head);
			return NULL;
		}
		d->s_mem = addr + offset;
	} else {
		d = addr + offset;
		d->s_mem = addr + offset + lc->mgmt_size;
	}
	d->colouroff = offset;
	d->inuse = 0;
	d->free = 0;
	d->head = head;
	INIT_LIST_HEAD(&d->list);
	head->private = (unsigned long)d;

	/* cache_init_objs() */
	for (i = 0; i < s->num; i++) {
		void *obj = d->s_mem + i * s->size;

		smm_slab_init_object(s, obj);
		if (s->ctor)
			s->ctor(smm_slab_obj_user(s, obj));
		d->bufctl[i] = i + 1;
	}
	d->bufctl[s->num - 1] = BUFCTL_END;
	return d;
}

static void slab_destroy_one(struct smm_kmem_cache *s, struct slab_desc *d)
{
	struct smm_page *head = d->head;

	if (lc_of(s)->off_slab)
		smm_kfree(s->sa, d);
	smm_slab_free_pages(s->sa, head);
}

/* cache_alloc_refill(): fill the array from the lists, growing if need be. */
static void *refill(struct smm_kmem_cache *s, struct smm_array_cache *ac, unsigned int gfp)
{
	struct slab_cache *lc = lc_of(s);
	struct slab_desc *d;
	u32 idx;

	/* &smm_slab.no_array: the arrays are gone, only teardown runs. */
	if (SMM_WARN_ON(s->sa->broken, !ac->limit))
		return NULL;
	for (;;) {
		unsigned int batch = ac->batchcount;

		spin_lock(&lc->list_lock);
		while (batch) {
			d = list_first_entry_or_null(&lc->slabs_partial, struct slab_desc,
						     list);
			if (!d)
				d = list_first_entry_or_null(&lc->slabs_free, struct slab_desc,
							     list);
			if (!d)
				break;
			while (d->inuse < s->num && batch) {
				/* slab_get_obj() */
				if (unlikely(d->free >= s->num)) {
					/* A corrupted chain: keep the slab off the lists. */
					smm_slab_report(s, SMM_REPORT_FREELIST, d->s_mem,
							"free index %u of %u", d->free, s->num);
					lc->free_objects -= s->num - d->inuse;
					d->inuse = s->num;
					d->free = BUFCTL_END;
					break;
				}
				ac->entry[ac->avail++] = d->s_mem + d->free * s->size;
				idx = d->free;
				d->free = d->bufctl[idx];
				d->bufctl[idx] = BUFCTL_ACTIVE;
				d->inuse++;
				lc->free_objects--;
				batch--;
			}
			list_move(&d->list, d->free == BUFCTL_END ? &lc->slabs_full :
							       &lc->slabs_partial);
		}
		spin_unlock(&lc->list_lock);
		if (ac->avail)
			return ac->entry[--ac->avail];

		d = cache_grow(s, gfp);
		if (!d)
			return NULL;
		spin_lock(&lc->list_lock);
		list_add_tail(&d->list, &lc->slabs_free);
		lc->free_objects += s->num;
		lc->nr_slabs++;
		spin_unlock(&lc->list_lock);
	}
}

/**
 * smm_slab_slab_alloc() - SLAB's allocation (____cache_alloc())
 * @s: the cache
 * @gfp: SMM_GFP_* flags, for a new slab
 *
 * The top of this CPU's array_cache, or a refill from the lists.
 *
 * Return: the object's slot, or NULL.
 * Context: does not sleep.
 */
void *smm_slab_slab_alloc(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct slab_rec *rec = lc_of(s)->rec;
	struct smm_array_cache *ac;
	void *obj;

	/* cpu_cache_get(), from the record in shadow memory */
	ac = rec->array[get_cpu()];
	if (likely(ac->avail)) {
		ac->touched = 1;
		obj = ac->entry[--ac->avail];
	} else {
		obj = refill(s, ac, gfp);
	}
	put_cpu();
	return obj;
}

/*
 * free_block(): put @nr objects back on their slabs.  Free slabs over the
 * free limit are moved to @doomed, to be given back without the lock.
 */
static void __free_block(struct smm_kmem_cache *s, void **objs, unsigned int nr,
			 struct list_head *doomed)
{
	struct slab_cache *lc = lc_of(s);
	unsigned int i;

	lockdep_assert_held(&lc->list_lock);
	for (i = 0; i < nr; i++) {
		struct slab_desc *d = desc_of(s, objs[i]);
		unsigned int idx;

		/* More objects back than handed out: a double free. */
		if (unlikely(!d || !d->inuse || obj_index(s, d, objs[i]) >= s->num)) {
			smm_slab_report(s, SMM_REPORT_FREELIST, objs[i], "slab has none in use");
			continue;
		}
		idx = obj_index(s, d, objs[i]);
		if (unlikely(d->bufctl[idx] != BUFCTL_ACTIVE)) {
			smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, objs[i],
					"already free in its slab");
			continue;
		}
		/* slab_put_obj() */
		d->bufctl[idx] = d->free;
		d->free = idx;
		d->inuse--;
		lc->free_objects++;
		if (!d->inuse) {
			if (lc->free_objects > lc->free_limit) {
				lc->free_objects -= s->num;
				lc->nr_slabs--;
				list_move(&d->list, doomed);
			} else {
				list_move(&d->list, &lc->slabs_free);
			}
		} else {
			/* Towards the tail: partial slabs drain from the head. */
			list_move_tail(&d->list, &lc->slabs_partial);
		}
	}
}

static void destroy_list(struct smm_kmem_cache *s, struct list_head *doomed)
{
	struct slab_desc *d, *tmp;

	list_for_each_entry_safe(d, tmp, doomed, list) {
		list_del(&d->list);
		slab_destroy_one(s, d);
	}
}

static inline struct slab_desc *head_desc(struct smm_page *head)
{
	return (struct slab_desc *)head->private;
}

/* The first slot of a slab: after the colour, and the descriptor if on the slab. */
static unsigned long first_slot(struct smm_kmem_cache *s, struct slab_desc *d)
{
	return d->colouroff + (lc_of(s)->off_slab ? 0 : lc_of(s)->mgmt_size);
}

/**
 * smm_slab_slab_free() - SLAB's free (__cache_free())
 * @s: the cache
 * @obj: the object's slot
 *
 * Onto this CPU's array_cache, after checking through the page that @obj
 * is a slot of a slab of @s; freeing the object on top of the array again
 * is caught as a double free.  A full array first gives its oldest batch
 * back to the slabs (cache_flusharray()).
 *
 * Return: 0, or -EINVAL for a misuse that was caught (reported, nothing
 * changed).
 * Context: does not sleep.
 */
int smm_slab_slab_free(struct smm_kmem_cache *s, void *obj)
{
	struct slab_cache *lc = lc_of(s);
	struct smm_array_cache *ac;
	unsigned long off;
	struct smm_page *head = smm_slab_obj_head(s->sa, obj, &off);
	LIST_HEAD(doomed);

	if (unlikely(!head || head->mapping != s || !head->private)) {
		smm_slab_report(s, head ? SMM_REPORT_WRONG_CACHE : SMM_REPORT_DOUBLE_FREE, obj,
				head ? "belongs to another cache" : "not a slab object");
		return -EINVAL;
	}
	if (unlikely(!smm_slab_obj_is_slot(s, off - first_slot(s, head_desc(head))))) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "not the start of an object");
		return -EINVAL;
	}
	ac = lc->rec->array[get_cpu()];
	if (unlikely(ac->avail && ac->entry[ac->avail - 1] == obj)) {
		put_cpu();
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "freed twice in a row");
		return -EINVAL;
	}
	if (unlikely(ac->avail >= ac->limit)) {
		/* cache_flusharray(): the oldest batch goes back to the slabs. */
		unsigned int batch = min(ac->batchcount, ac->avail);

		spin_lock(&lc->list_lock);
		if (unlikely(!ac->limit)) {
			/* No array (teardown): free_block() of this one object. */
			__free_block(s, &obj, 1, &doomed);
			spin_unlock(&lc->list_lock);
			put_cpu();
			destroy_list(s, &doomed);
			return 0;
		}
		__free_block(s, ac->entry, batch, &doomed);
		spin_unlock(&lc->list_lock);
		ac->avail -= batch;
		memmove(ac->entry, &ac->entry[batch], ac->avail * sizeof(void *));
	}
	ac->entry[ac->avail++] = obj;
	put_cpu();
	destroy_list(s, &doomed);
	return 0;
}

/* drain_cpu_caches() for one CPU; runs on that CPU. */
static int drain_cpu(void *data)
{
	struct smm_kmem_cache *s = data;
	struct slab_cache *lc = lc_of(s);
	struct smm_array_cache *ac = lc->rec->array[get_cpu()];
	LIST_HEAD(doomed);

	spin_lock(&lc->list_lock);
	__free_block(s, ac->entry, ac->avail, &doomed);
	spin_unlock(&lc->list_lock);
	ac->avail = 0;
	put_cpu();
	destroy_list(s, &doomed);
	return 0;
}

static void slab_flush(struct smm_kmem_cache *s)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		smp_call_on_cpu(cpu, drain_cpu, s, false);
	cpus_read_unlock();
}

/* drain_freelist(): every free slab back to the buddy allocator. */
static unsigned long slab_shrink(struct smm_kmem_cache *s)
{
	struct slab_cache *lc = lc_of(s);
	unsigned long pages;
	LIST_HEAD(doomed);
	unsigned long n;

	spin_lock(&lc->list_lock);
	list_splice_init(&lc->slabs_free, &doomed);
	n = count_slabs(&doomed);
	lc->free_objects -= n * s->num;
	lc->nr_slabs -= n;
	spin_unlock(&lc->list_lock);
	pages = n << s->order;
	destroy_list(s, &doomed);
	return pages;
}

/*
 * The cache goes: its arrays (already gone at teardown), its slabs, live
 * objects or not, its record back to cache_cache (kmem_cache_free()).
 */
static void slab_release(struct smm_kmem_cache *s)
{
	struct slab_cache *lc = lc_of(s);
	struct smm_slab *sa = s->sa;

	drop_arrays(s);
	destroy_list(s, &lc->slabs_free);
	destroy_list(s, &lc->slabs_partial);
	destroy_list(s, &lc->slabs_full);
	if (s == &sa->cache_cache)
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, lc->rec, 1, rec_size());
	else
		SMM_WARN_ON(sa->broken, smm_kmem_cache_free(&sa->cache_cache, lc->rec));
	smm_host_kvfree(sa->arena, SMM_HOST_SLAB, lc, 1, sizeof(*lc));
	s->priv = NULL;
}

static void slab_info(struct smm_kmem_cache *s, struct smm_slabinfo *info)
{
	struct slab_cache *lc = lc_of(s);
	unsigned long nr_free;

	spin_lock(&lc->list_lock);
	nr_free = count_slabs(&lc->slabs_free);
	info->num_slabs = lc->nr_slabs;
	info->num_objs = lc->nr_slabs * s->num;
	/* Objects in the array caches count as active, as in get_slabinfo(). */
	info->active_objs = info->num_objs - lc->free_objects;
	spin_unlock(&lc->list_lock);
	info->active_slabs = info->num_slabs - nr_free;
	info->limit = lc->rec->limit;
	info->batchcount = lc->rec->batchcount;
	info->shared = 0;
	info->pages = info->num_slabs << s->order;
}

static void slab_show(struct seq_file *m, struct smm_kmem_cache *s)
{
	struct slab_cache *lc = lc_of(s);
	int cpu;

	seq_printf(m, "management:    %s, %u bytes per slab\n",
		   lc->off_slab ? "off-slab" : "on-slab", lc->mgmt_size);
	seq_printf(m, "colour:        %u colours of %u bytes, next %u\n", s->colour,
		   s->colour_off, READ_ONCE(lc->colour_next));
	spin_lock(&lc->list_lock);
	seq_printf(m, "slabs_full:    %zu\n", count_slabs(&lc->slabs_full));
	seq_printf(m, "slabs_partial: %zu\n", count_slabs(&lc->slabs_partial));
	seq_printf(m, "slabs_free:    %zu\n", count_slabs(&lc->slabs_free));
	seq_printf(m, "free_objects:  %lu (limit %lu)\n", lc->free_objects, lc->free_limit);
	spin_unlock(&lc->list_lock);
	seq_printf(m, "record:        %s\n", s == &s->sa->cache_cache ?
		   "static descriptor, record in host memory" : "an object of kmem_cache");
	for_each_online_cpu(cpu) {
		struct smm_array_cache *ac = lc->rec->array[cpu];

		seq_printf(m, "cpu %d:         array_cache avail %u limit %u batchcount %u\n",
			   cpu, READ_ONCE(ac->avail), ac->limit, ac->batchcount);
	}
}

static struct smm_kmem_cache *slab_obj_cache(struct smm_slab *sa, struct smm_page *page,
					     const void *obj, unsigned long off)
{
	struct smm_kmem_cache *s = page->mapping;
	struct slab_desc *d = (struct slab_desc *)page->private;
	unsigned long first;
	unsigned int idx;

	if (!s || !d)
		return NULL;
	first = first_slot(s, d);
	if (off < first)
		return NULL;
	off -= first;
	idx = smm_slab_obj_index(s, off);
	if (idx >= s->num || off - (unsigned long)idx * s->size != s->red_left)
		return NULL;
	return s;
}

static unsigned long slab_pages(struct smm_slab *sa)
{
	return 0;
}

/* ---------------------------------------------------------------------- */
/* kmem_cache_init(): the bootstrap                                       */
/* ---------------------------------------------------------------------- */

static bool static_array(struct smm_slab *sa, const struct smm_array_cache *ac)
{
	return ac == &sa->initarray_cache.cache || ac == &sa->initarray_generic.cache ||
	       ac == &sa->no_array.cache;
}

static void init_array(struct smm_array_cache *ac, unsigned int limit, unsigned int batch)
{
	ac->avail = 0;
	ac->limit = limit;
	ac->batchcount = batch;
	ac->touched = 0;
}

/* alloc_arraycache(): one CPU's array, from the shadow kmalloc(). */
static struct smm_array_cache *alloc_arraycache(struct smm_slab *sa, unsigned int limit,
						unsigned int batch)
{
	struct smm_array_cache *ac = smm_kmalloc(sa, ac_size(limit), 0);

	if (ac)
		init_array(ac, limit, batch);
	return ac;
}

/* The cache's tunables: what slabinfo shows and free_block() keeps. */
static void set_tunables(struct smm_kmem_cache *s, unsigned int limit, unsigned int batch)
{
	struct slab_cache *lc = lc_of(s);

	lc->rec->limit = limit;
	lc->rec->batchcount = batch;
	spin_lock(&lc->list_lock);
	lc->free_limit = (1 + num_online_cpus()) * batch + s->num;
	spin_unlock(&lc->list_lock);
}

/*
 * An array no slot points at any more: its objects go back to the slabs
 * (free_block()), and the array is kfree'd unless it is static.  The
 * kfree() may land in this very cache; in a slot that is still to be
 * retired, or straight in the slabs if its slot is &smm_slab.no_array.
 */
static void retire_array(struct smm_kmem_cache *s, struct smm_array_cache *ac)
{
	struct slab_cache *lc = lc_of(s);
	struct smm_slab *sa = s->sa;
	LIST_HEAD(doomed);

	if (ac->avail) {
		spin_lock(&lc->list_lock);
		__free_block(s, ac->entry, ac->avail, &doomed);
		spin_unlock(&lc->list_lock);
		ac->avail = 0;
		destroy_list(s, &doomed);
	}
	if (!static_array(sa, ac))
		SMM_WARN_ON(sa->broken, smm_kfree(sa, ac));
}

/*
 * Every slot of @s to &smm_slab.no_array, the arrays drained and freed.
 * Only when no one else uses the cache: its destruction, or teardown.
 */
static void drop_arrays(struct smm_kmem_cache *s)
{
	struct slab_rec *rec = lc_of(s)->rec;
	struct smm_array_cache *none = &s->sa->no_array.cache;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct smm_array_cache *ac = rec->array[cpu];

		rec->array[cpu] = none;
		if (ac && ac != none)
			retire_array(s, ac);
	}
}

/*
 * enable_cpucache(): each CPU's array made again at the tuned limit, the
 * old one drained and freed.  The kernel swaps them with an IPI
 * (do_tune_cpucache()); this runs at bring-up, with no other user, or on
 * a cache being created, whose slots are empty.  On -ENOMEM each CPU still
 * has a working array, old or new.
 */
static int enable_cpucache(struct smm_kmem_cache *s)
{
	struct slab_rec *rec = lc_of(s)->rec;
	unsigned int limit, batch;
	int cpu;

	tunables(s->size, &limit, &batch);
	for_each_possible_cpu(cpu) {
		struct smm_array_cache *ac = alloc_arraycache(s->sa, limit, batch), *old;

		if (!ac)
			return -ENOMEM;
		old = rec->array[cpu];
		rec->array[cpu] = ac;
		if (old)
			retire_array(s, old);
	}
	set_tunables(s, limit, batch);
	return 0;
}

/*
 * setup_cpu_cache(): a new cache's arrays, by how far the bootstrap has
 * come.  cache_cache and then the INDEX_AC cache get a static array, which
 * every CPU's slot shares until "replace initarray" (only the bootstrap
 * thread uses them); then each CPU gets a kmalloc'd array of
 * %SMM_BOOT_CPUCACHE_ENTRIES; once FULL, arrays at the tuned limit.
 */
static int setup_cpu_cache(struct smm_kmem_cache *s)
{
	struct slab_rec *rec = lc_of(s)->rec;
	struct smm_slab *sa = s->sa;
	struct smm_array_cache *shared = NULL;
	int cpu;

	if (sa->cpucache_up == SMM_CPUCACHE_FULL)
		return enable_cpucache(s);
	if (s == &sa->cache_cache) {
		shared = &sa->initarray_cache.cache;
	} else if (sa->cpucache_up == SMM_CPUCACHE_NONE) {
		shared = &sa->initarray_generic.cache;
		sa->cpucache_up = SMM_CPUCACHE_PARTIAL_AC;
	}
	if (shared)
		init_array(shared, SMM_BOOT_CPUCACHE_ENTRIES, 1);
	for_each_possible_cpu(cpu) {
		struct smm_array_cache *ac = shared;

		if (!ac)
			ac = alloc_arraycache(sa, SMM_BOOT_CPUCACHE_ENTRIES, 1);
		if (!ac)
			return -ENOMEM;
		rec->array[cpu] = ac;
	}
	set_tunables(s, SMM_BOOT_CPUCACHE_ENTRIES, 1);
	return 0;
}

/*
 * "Replace the bootstrap head arrays": every slot of @s that points at the
 * static @boot gets a kmalloc'd copy.  The kmalloc() comes first, since it
 * may use @boot itself (INDEX_AC); then, with preemption off, the copy
 * takes @boot's entries, which leaves @boot empty for the next slot.
 * Return: 0 or -ENOMEM, with the objects carried over added to @carried.
 */
static int replace_initarray(struct smm_kmem_cache *s, struct smm_array_cache *boot,
			     unsigned int *carried)
{
	struct slab_rec *rec = lc_of(s)->rec;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct smm_array_cache *ac;

		if (rec->array[cpu] != boot)
			continue;
		ac = alloc_arraycache(s->sa, SMM_BOOT_CPUCACHE_ENTRIES, 1);
		if (!ac)
			return -ENOMEM;
		preempt_disable();
		memcpy(ac, boot, sizeof(struct smm_arraycache_init));
		*carried += boot->avail;
		boot->avail = 0;
		rec->array[cpu] = ac;
		preempt_enable();
	}
	return 0;
}

/* kmem_cache_init(): see "SLAB bootstrap" above. */
static int slab_init(struct smm_slab *sa, struct smm_timeline *tl)
{
	int i, ac_index = smm_kmalloc_index(sizeof(struct smm_arraycache_init));
	struct smm_kmem_cache *cc = &sa->cache_cache, *ac_cache, *s;
	unsigned int n = 0, carried = 0;
	/* "kmalloc-32 (PARTIAL_AC)" fits SMM_TIMELINE_STEP_LEN; the rest is cut. */
	char name[SMM_CACHE_NAME_LEN + sizeof(" (PARTIAL_AC)")];
	int ret;

	/* 1) cache_cache, static, on initarray_cache */
	smm_slab_step_begin(tl);
	sa->cpucache_up = SMM_CPUCACHE_NONE;
	init_array(&sa->no_array.cache, 0, 0);
	ret = smm_kmem_cache_boot(sa, cc, "kmem_cache", rec_size(), SMM_SLAB_HWCACHE_ALIGN);
	if (ret)
		return ret;
	smm_timeline_step_end(tl, "cache_cache",
			      "kmem_cache: %u-byte records (array[%u]), %u per slab of %lu KiB; initarray_cache",
			      cc->size, nr_cpu_ids, cc->num, (PAGE_SIZE << cc->order) >> 10);

	/* 2) the cache of arraycache_init, on initarray_generic */
	smm_slab_step_begin(tl);
	ret = smm_slab_create_kmalloc(sa, ac_index);
	if (ret)
		return ret;
	ac_cache = sa->kmalloc_caches[ac_index];
	if (SMM_WARN_ON(sa->broken, sa->cpucache_up != SMM_CPUCACHE_PARTIAL_AC))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s (PARTIAL_AC)", ac_cache->name);
	smm_timeline_step_end(tl, name,
			      "INDEX_AC, for the %zu-byte arraycache_init; initarray_generic; no INDEX_L3: lists in host memory",
			      sizeof(struct smm_arraycache_init));

	/* 3) the other size classes, on kmalloc'd boot arrays */
	smm_slab_step_begin(tl);
	for (i = 0; i < SMM_KMALLOC_CLASSES; i++) {
		if (i == ac_index)
			continue;
		ret = smm_slab_create_kmalloc(sa, i);
		if (ret)
			return ret;
		n++;
	}
	smm_timeline_step_end(tl, "kmalloc caches",
			      "%u more, %u..%u bytes; arrays kmalloc'd (alloc_arraycache), %d entry each",
			      n, smm_kmalloc_size(0), smm_kmalloc_size(SMM_KMALLOC_CLASSES - 1),
			      SMM_BOOT_CPUCACHE_ENTRIES);

	/* 4) replace the bootstrap head arrays */
	smm_slab_step_begin(tl);
	ret = replace_initarray(cc, &sa->initarray_cache.cache, &carried);
	if (!ret)
		ret = replace_initarray(ac_cache, &sa->initarray_generic.cache, &carried);
	if (ret)
		return ret;
	sa->cpucache_up = SMM_CPUCACHE_EARLY;
	smm_timeline_step_end(tl, "replace initarray",
			      "kmem_cache and %s onto kmalloc'd arrays, %u objects carried over; EARLY",
			      ac_cache->name, carried);

	/* 5) every cache's arrays at their tuned limit */
	smm_slab_step_begin(tl);
	n = 0;
	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node) {
		ret = enable_cpucache(s);
		if (ret)
			break;
		n++;
	}
	mutex_unlock(&sa->lock);
	if (ret)
		return ret;
	sa->cpucache_up = SMM_CPUCACHE_FULL;
	smm_timeline_step_end(tl, "enable_cpucache",
			      "%u caches' arrays at their tuned limit (kmem_cache %u, kmalloc-8192 %u); FULL",
			      n, lc_of(cc)->rec->limit,
			      lc_of(sa->kmalloc_caches[SMM_KMALLOC_CLASSES - 1])->rec->limit);
	return 0;
}

/* Before the caches go (teardown): every cache's arrays drained and kfree'd. */
static void slab_shutdown(struct smm_slab *sa)
{
	struct smm_kmem_cache *s;

	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node)
		if (s->priv)
			drop_arrays(s);
	sa->cpucache_up = SMM_CPUCACHE_NONE;
	mutex_unlock(&sa->lock);
}

/**
 * smm_slab_cpu_cache() - a CPU's array of a SLAB cache (cpu_cache_get())
 * @s: the cache
 * @cpu: the CPU
 *
 * Return: the array its record points at, or NULL if @s is no SLAB cache
 * or @cpu is out of range.
 * Context: the array may change only while the allocator is brought up
 * or torn down.
 */
struct smm_array_cache *smm_slab_cpu_cache(struct smm_kmem_cache *s, int cpu)
{
	if (s->sa->strategy != SMM_SLAB_SLAB || !s->priv || cpu < 0 || cpu >= nr_cpu_ids)
		return NULL;
	return lc_of(s)->rec->array[cpu];
}

/**
 * smm_slab_cache_record() - the descriptor record of a SLAB cache
 * @s: the cache
 *
 * Return: the record, an object of cache_cache (host memory for
 * cache_cache itself), or NULL if @s is no SLAB cache.
 */
void *smm_slab_cache_record(struct smm_kmem_cache *s)
{
	if (s->sa->strategy != SMM_SLAB_SLAB || !s->priv)
		return NULL;
	return lc_of(s)->rec;
}

const struct smm_slab_ops smm_slab_ops_slab = {
	.name		= "slab",
	.init		= slab_init,
	.destroy	= slab_destroy,
	.shutdown	= slab_shutdown,
	.create		= slab_create,
	.release	= slab_release,
	.shrink		= slab_shrink,
	.flush		= slab_flush,
	.info		= slab_info,
	.show		= slab_show,
	.obj_cache	= slab_obj_cache,
	.pages		= slab_pages,
};
