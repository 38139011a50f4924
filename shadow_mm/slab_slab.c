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

/**
 * struct array_cache - one CPU's stack of free objects
 * @avail: objects on the stack
 * @limit: the stack's capacity
 * @batchcount: objects moved at a time
 * @touched: used since the last reap
 * @entry: the objects, the hottest last
 */
struct array_cache {
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	void *entry[];
};

/**
 * struct slab_cache - a cache's SLAB state (kmem_list3 and more)
 * @cpu: the per-CPU array caches
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
 * @limit: array_cache capacity
 * @batchcount: array_cache batch
 */
struct slab_cache {
	struct array_cache __percpu *cpu;
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
	unsigned int limit;
	unsigned int batchcount;
};

static inline struct slab_cache *lc_of(struct smm_kmem_cache *s)
{
	return s->priv;
}

static int slab_init(struct smm_slab *sa)
{
	return 0;
}

static void slab_destroy(struct smm_slab *sa)
{
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
static size_t ac_size(const struct slab_cache *lc)
{
	return sizeof(struct array_cache) + lc->limit * sizeof(void *);
}

static int slab_create(struct smm_kmem_cache *s)
{
	bool off_slab = s->size >= (PAGE_SIZE >> 3);
	unsigned int order, num = 0, left = 0;
	struct slab_cache *lc;
	int cpu;

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

	lc = smm_host_kvcalloc(s->sa->arena, SMM_HOST_SLAB, 1, sizeof(*lc));
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
	tunables(s->size, &lc->limit, &lc->batchcount);
	lc->free_limit = (1 + num_online_cpus()) * lc->batchcount + num;
	lc->cpu = smm_host_alloc_percpu(s->sa->arena, SMM_HOST_SLAB, ac_size(lc), sizeof(void *));
	if (!lc->cpu) {
		smm_host_kvfree(s->sa->arena, SMM_HOST_SLAB, lc, 1, sizeof(*lc));
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct array_cache *ac = per_cpu_ptr(lc->cpu, cpu);

		ac->limit = lc->limit;
		ac->batchcount = lc->batchcount;
	}
	s->priv = lc;
	return 0;
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
static void *refill(struct smm_kmem_cache *s, struct array_cache *ac, unsigned int gfp)
{
	struct slab_cache *lc = lc_of(s);
	struct slab_desc *d;
	u32 idx;

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
	struct array_cache *ac = get_cpu_ptr(lc_of(s)->cpu);
	void *obj;

	if (likely(ac->avail)) {
		ac->touched = 1;
		obj = ac->entry[--ac->avail];
	} else {
		obj = refill(s, ac, gfp);
	}
	put_cpu_ptr(lc_of(s)->cpu);
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
	struct array_cache *ac;
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
	ac = get_cpu_ptr(lc->cpu);
	if (unlikely(ac->avail && ac->entry[ac->avail - 1] == obj)) {
		put_cpu_ptr(lc->cpu);
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "freed twice in a row");
		return -EINVAL;
	}
	if (unlikely(ac->avail >= ac->limit)) {
		/* cache_flusharray(): the oldest batch goes back to the slabs. */
		unsigned int batch = min(ac->batchcount, ac->avail);

		spin_lock(&lc->list_lock);
		__free_block(s, ac->entry, batch, &doomed);
		spin_unlock(&lc->list_lock);
		ac->avail -= batch;
		memmove(ac->entry, &ac->entry[batch], ac->avail * sizeof(void *));
	}
	ac->entry[ac->avail++] = obj;
	put_cpu_ptr(lc->cpu);
	destroy_list(s, &doomed);
	return 0;
}

/* drain_cpu_caches() for one CPU; runs on that CPU. */
static int drain_cpu(void *data)
{
	struct smm_kmem_cache *s = data;
	struct slab_cache *lc = lc_of(s);
	struct array_cache *ac = get_cpu_ptr(lc->cpu);
	LIST_HEAD(doomed);

	spin_lock(&lc->list_lock);
	__free_block(s, ac->entry, ac->avail, &doomed);
	spin_unlock(&lc->list_lock);
	ac->avail = 0;
	put_cpu_ptr(lc->cpu);
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

static void slab_release(struct smm_kmem_cache *s)
{
	struct slab_cache *lc = lc_of(s);
	int cpu;

	/* Teardown: nothing runs on the cache any more. */
	for_each_possible_cpu(cpu)
		per_cpu_ptr(lc->cpu, cpu)->avail = 0;
	destroy_list(s, &lc->slabs_free);
	destroy_list(s, &lc->slabs_partial);
	destroy_list(s, &lc->slabs_full);
	smm_host_free_percpu(s->sa->arena, SMM_HOST_SLAB, lc->cpu, ac_size(lc));
	smm_host_kvfree(s->sa->arena, SMM_HOST_SLAB, lc, 1, sizeof(*lc));
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
	info->limit = lc->limit;
	info->batchcount = lc->batchcount;
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
	for_each_online_cpu(cpu) {
		struct array_cache *ac = per_cpu_ptr(lc->cpu, cpu);

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

const struct smm_slab_ops smm_slab_ops_slab = {
	.name		= "slab",
	.init		= slab_init,
	.destroy	= slab_destroy,
	.create		= slab_create,
	.release	= slab_release,
	.shrink		= slab_shrink,
	.flush		= slab_flush,
	.info		= slab_info,
	.show		= slab_show,
	.obj_cache	= slab_obj_cache,
	.pages		= slab_pages,
};
