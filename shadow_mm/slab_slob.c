// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm SLOB: the simple list-of-blocks allocator.
 */

/**
 * DOC: SLOB
 *
 * SLOB was the allocator for small systems: no slabs and no queues, just
 * pages cut up first fit.  Every page is shared by every cache.  A page's
 * free space is a list of blocks, measured in 2-byte units and encoded in
 * the free space itself: a block of more than one unit stores its size and
 * the offset of the next block in its first two units; a one-unit block
 * stores the negated offset of the next.  The descriptor of a SLOB page
 * keeps its free units (&smm_page.refcount) and its first free block
 * (&smm_page.private).
 *
 * Pages with room are on one of three lists by request size, as in
 * mm/slob.c: small (under 256 bytes), medium (under 1024) and large, so
 * that small requests do not fragment the pages that big ones need.
 * slob_alloc() walks its list and tries each page with room, first fit;
 * a new page is taken only when none fits.  slob_free() puts the block back
 * in address order, merging it with its neighbours, and gives the page back
 * to the buddy allocator when it is wholly free.
 *
 * Objects of a page or more get pages of their own from the buddy
 * allocator, as in the kernel.  kmalloc() keeps the size in a header
 * before the object, as the kernel's
 * SLOB does.  Cache objects get a header too here, holding the cache, so
 * that a free to the wrong cache can be caught; the kernel's SLOB had none
 * and could not.  As in the kernel, a constructor runs on every
 * allocation, since a free block's contents are the free list.  A debug
 * cache gets a red zone after each object but none before it, where the
 * header is.
 *
 * Lock order: smm_slab.lock, then slob_state.lock (the lists and every
 * SLOB page).
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "slab.h"

/* The header before every SLOB object: a cache, or a kmalloc size. */
#define SLOB_HDR		8
#define SLOB_BREAK1		256
#define SLOB_BREAK2		1024

typedef s16 slobidx_t;

/**
 * struct slob_block - one unit of free space
 * @units: see the DOC section
 */
struct slob_block {
	slobidx_t units;
};

#define SLOB_UNIT		sizeof(struct slob_block)
#define SLOB_UNITS(size)	DIV_ROUND_UP(size, SLOB_UNIT)

/**
 * struct slob_state - an allocator's SLOB lists
 * @lock: protects the lists and the SLOB pages
 * @free_slob_small: pages with room, for requests under %SLOB_BREAK1
 * @free_slob_medium: for requests under %SLOB_BREAK2
 * @free_slob_large: for the rest
 * @nr_pages: SLOB pages in use
 */
struct slob_state {
	spinlock_t lock;	/* see above */
	struct list_head free_slob_small;
	struct list_head free_slob_medium;
	struct list_head free_slob_large;
	unsigned long nr_pages;
};

/**
 * struct slob_cache - a cache's SLOB state: just its counts
 * @live: objects allocated
 * @big_pages: pages of objects too big for a SLOB page, which have pages of
 *	their own (the cache's only pages: the others are shared)
 */
struct slob_cache {
	atomic_long_t live;
	atomic_long_t big_pages;
};

static inline struct slob_state *st_of(struct smm_slab *sa)
{
	return sa->priv;
}

static inline struct slob_block *page_base(struct slob_block *b)
{
	return (struct slob_block *)((unsigned long)b & PAGE_MASK);
}

/* set_slob(): encode a free block of @size units followed by @next. */
static void set_slob(struct slob_block *s, slobidx_t size, struct slob_block *next)
{
	slobidx_t offset = next - page_base(s);

	if (size > 1) {
		s[0].units = size;
		s[1].units = offset;
	} else {
		s[0].units = -offset;
	}
}

static slobidx_t slob_units(struct slob_block *s)
{
	return s->units > 0 ? s->units : 1;
}

static struct slob_block *slob_next(struct slob_block *s)
{
	slobidx_t next = s[0].units < 0 ? -s[0].units : s[1].units;

	return page_base(s) + next;
}

/* The last block of a page points at the end of the page. */
static bool slob_last(struct slob_block *s)
{
	return !((unsigned long)slob_next(s) & ~PAGE_MASK);
}

static inline struct slob_block *page_freelist(struct smm_page *sp)
{
	return (struct slob_block *)sp->private;
}

/*
 * slob_page_alloc(): first fit in one page, for @size bytes whose address
 * plus @align_offset is aligned to @align.
 */
static void *slob_page_alloc(struct smm_page *sp, size_t size, int align, int align_offset)
{
	struct slob_block *prev = NULL, *cur, *aligned = NULL;
	slobidx_t units = SLOB_UNITS(size);

	for (cur = page_freelist(sp); ; prev = cur, cur = slob_next(cur)) {
		slobidx_t avail = slob_units(cur);
		slobidx_t delta = 0;

		if (align) {
			aligned = (struct slob_block *)(ALIGN((unsigned long)cur + align_offset,
							      align) - align_offset);
			delta = aligned - cur;
		}
		if (avail >= units + delta) {
			struct slob_block *next;

			if (delta) {	/* split off the unaligned head */
				next = slob_next(cur);
				set_slob(aligned, avail - delta, next);
				set_slob(cur, delta, aligned);
				prev = cur;
				cur = aligned;
				avail = slob_units(cur);
			}
			next = slob_next(cur);
			if (avail == units) {	/* exact fit: unlink */
				if (prev)
					set_slob(prev, slob_units(prev), next);
				else
					sp->private = (unsigned long)next;
			} else {		/* fragment */
				if (prev)
					set_slob(prev, slob_units(prev), cur + units);
				else
					sp->private = (unsigned long)(cur + units);
				set_slob(cur + units, avail - units, next);
			}
			sp->refcount -= units;
			if (!sp->refcount)
				list_del_init(&sp->lru);
			return cur;
		}
		if (slob_last(cur))
			return NULL;
	}
}

static struct list_head *list_for(struct slob_state *st, size_t size)
{
	if (size < SLOB_BREAK1)
		return &st->free_slob_small;
	if (size < SLOB_BREAK2)
		return &st->free_slob_medium;
	return &st->free_slob_large;
}

/* slob_alloc(): any page of the right list with room, else a new page. */
static void *slob_alloc(struct smm_slab *sa, size_t size, unsigned int gfp, int align,
			int align_offset)
{
	struct slob_state *st = st_of(sa);
	struct list_head *list = list_for(st, size);
	struct smm_page *sp;
	struct slob_block *b = NULL;

	spin_lock(&st->lock);
	list_for_each_entry(sp, list, lru) {
		if (sp->refcount < SLOB_UNITS(size))
			continue;
		b = slob_page_alloc(sp, size, align, align_offset);
		if (b)
			break;
	}
	spin_unlock(&st->lock);
	if (b)
		return b;

	sp = smm_slab_alloc_pages(sa, NULL, gfp, 0);
	if (!sp)
		return NULL;
	b = smm_slab_page_addr(sa, sp);
	spin_lock(&st->lock);
	st->nr_pages++;
	sp->refcount = SLOB_UNITS(PAGE_SIZE);
	sp->private = (unsigned long)b;
	set_slob(b, SLOB_UNITS(PAGE_SIZE), b + SLOB_UNITS(PAGE_SIZE));
	list_add(&sp->lru, list);
	b = slob_page_alloc(sp, size, align, align_offset);
	spin_unlock(&st->lock);
	return b;
}

/*
 * slob_free(): back into the page's list, in order, merging neighbours.
 * Returns true if the page is now wholly free; the caller gives it back
 * once the lock is dropped.
 */
static bool __slob_free(struct slob_state *st, struct smm_page *sp, void *block, size_t size)
{
	struct slob_block *prev, *next, *b = block;
	slobidx_t units = SLOB_UNITS(size);

	lockdep_assert_held(&st->lock);
	if (sp->refcount + units == SLOB_UNITS(PAGE_SIZE)) {
		/* The page is wholly free: give it back. */
		if (sp->refcount)
			list_del_init(&sp->lru);
		st->nr_pages--;
		return true;
	}
	if (!sp->refcount) {
		/* The page was full: this block is its whole free list. */
		sp->refcount = units;
		sp->private = (unsigned long)b;
		set_slob(b, units, (void *)page_base(b) + PAGE_SIZE);
		list_add(&sp->lru, list_for(st, size));
		return false;
	}
	sp->refcount += units;
	if (b < page_freelist(sp)) {
		if (b + units == page_freelist(sp)) {
			units += slob_units(page_freelist(sp));
			sp->private = (unsigned long)slob_next(page_freelist(sp));
		}
		set_slob(b, units, page_freelist(sp));
		sp->private = (unsigned long)b;
	} else {
		prev = page_freelist(sp);
		next = slob_next(prev);
		while (b > next) {
			prev = next;
			next = slob_next(prev);
		}
		if (!slob_last(prev) && b + units == next) {
			units += slob_units(next);
			set_slob(b, units, slob_next(next));
		} else {
			set_slob(b, units, next);
		}
		if (prev + slob_units(prev) == b) {
			units = slob_units(b) + slob_units(prev);
			set_slob(prev, units, slob_next(b));
		} else {
			set_slob(prev, slob_units(prev), b);
		}
	}
	return false;
}

/*
 * Free the block whose header is at @hdr, of @size bytes with the header,
 * if the header still holds @expect: checked and cleared under the lock,
 * so that of two frees of one block exactly one succeeds.
 */
static int slob_free_checked(struct smm_slab *sa, struct smm_page *sp, unsigned long *hdr,
			     unsigned long expect, size_t size)
{
	struct slob_state *st = st_of(sa);
	bool empty;

	spin_lock(&st->lock);
	if (unlikely(READ_ONCE(*hdr) != expect)) {
		spin_unlock(&st->lock);
		return -EINVAL;
	}
	*hdr = 0;
	empty = __slob_free(st, sp, hdr, size);
	spin_unlock(&st->lock);
	if (empty)
		smm_slab_free_pages(sa, sp);
	return 0;
}

/*
 * kmem_cache_init(): SLOB has no cache of caches and no kmalloc caches to
 * bootstrap; kmalloc() works as soon as its three free lists exist.
 */
static int slob_init(struct smm_slab *sa, struct smm_timeline *tl)
{
	struct slob_state *st;

	smm_slab_step_begin(tl);
	st = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB, 1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	spin_lock_init(&st->lock);
	INIT_LIST_HEAD(&st->free_slob_small);
	INIT_LIST_HEAD(&st->free_slob_medium);
	INIT_LIST_HEAD(&st->free_slob_large);
	sa->priv = st;
	smm_timeline_step_end(tl, "kmem_cache_init",
			      "no caches to bootstrap: kmalloc from free_slob_small/medium/large, pages above %lu bytes",
			      PAGE_SIZE - SLOB_HDR);
	return 0;
}

static void slob_destroy(struct smm_slab *sa)
{
	/* Pages still in use are leaks of their users; they go with the arena. */
	smm_host_kvfree(sa->arena, SMM_HOST_SLAB, sa->priv, 1, sizeof(struct slob_state));
	sa->priv = NULL;
}

/* Objects too big for a SLOB page get whole pages, as in the kernel. */
static bool big(const struct smm_kmem_cache *s)
{
	return s->size + SLOB_HDR > PAGE_SIZE;
}

static int slob_create(struct smm_kmem_cache *s)
{
	struct slob_cache *c;

	if (big(s))
		s->order = get_order(s->size);
	c = smm_host_kvcalloc(s->sa->arena, SMM_HOST_SLAB, 1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	s->priv = c;
	s->num = big(s) ? 1 : PAGE_SIZE / (s->size + SLOB_HDR);
	return 0;
}

static void slob_release(struct smm_kmem_cache *s)
{
	smm_host_kvfree(s->sa->arena, SMM_HOST_SLAB, s->priv, 1, sizeof(struct slob_cache));
	s->priv = NULL;
}

/*
 * The header of a kmalloc block: its size, under a magic number in the
 * high half, so that a header is told from a cache pointer (a kernel
 * address), from the free-list units that overwrite it when the block is
 * freed, and from anything else.
 */
#define SLOB_KMALLOC_MAGIC	0x5a0bUL
#define SLOB_KMALLOC_HDR(size)	((SLOB_KMALLOC_MAGIC << 32) | (size))

static inline unsigned long *hdr_of(const void *obj)
{
	return (unsigned long *)(obj - SLOB_HDR);
}

/* The header of @obj, or 0 if @obj cannot have one in its page. */
static unsigned long read_hdr(const void *obj)
{
	if (offset_in_page(obj) < SLOB_HDR || !IS_ALIGNED((unsigned long)obj, SLOB_UNIT))
		return 0;
	return READ_ONCE(*hdr_of(obj));
}

/* The kmalloc size in a header, or 0 if it is no kmalloc header that fits its page. */
static size_t hdr_kmalloc_size(const void *obj, unsigned long hdr)
{
	size_t size = hdr & U32_MAX;

	if (hdr >> 32 != SLOB_KMALLOC_MAGIC || !size ||
	    offset_in_page(obj) + size > PAGE_SIZE)
		return 0;
	return size;
}

/* Is @p one of the allocator's caches?  Walks them under RCU. */
static struct smm_kmem_cache *known_cache(struct smm_slab *sa, unsigned long p)
{
	struct smm_kmem_cache *s, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &sa->caches, node) {
		if ((unsigned long)s == p) {
			found = s;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * smm_slob_alloc() - SLOB's kmem_cache_alloc()
 * @s: the cache
 * @gfp: SMM_GFP_* flags
 *
 * First fit on the shared pages, with the cache in the header, or pages of
 * its own for a big object.
 *
 * Return: the object's slot, or NULL.
 * Context: does not sleep.
 */
void *smm_slob_alloc(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct slob_cache *c = s->priv;
	void *b;

	if (big(s)) {
		struct smm_page *page = smm_slab_alloc_pages(s->sa, s, gfp, s->order);

		if (!page)
			return NULL;
		atomic_long_add(1L << s->order, &c->big_pages);
		b = smm_slab_page_addr(s->sa, page);
	} else {
		b = slob_alloc(s->sa, s->size + SLOB_HDR, gfp, s->align, SLOB_HDR);
		if (!b)
			return NULL;
		*(unsigned long *)b = (unsigned long)s;
		b += SLOB_HDR;
	}
	smm_slab_init_object(s, b);
	if (s->ctor)
		s->ctor(smm_slab_obj_user(s, b));
	atomic_long_inc(&c->live);
	return b;
}

/**
 * smm_slob_free() - SLOB's kmem_cache_free()
 * @s: the cache
 * @obj: the object's slot
 *
 * The header must name @s: checked and cleared under the SLOB lock, so a
 * double free is caught exactly, debugging or not.
 *
 * Return: 0, or -EINVAL for a misuse that was caught (reported, nothing
 * changed).
 * Context: does not sleep.
 */
int smm_slob_free(struct smm_kmem_cache *s, void *obj)
{
	unsigned long off;
	struct smm_page *page = smm_slab_obj_head(s->sa, obj, &off);
	struct slob_cache *c = s->priv;
	struct smm_kmem_cache *owner;
	unsigned long hdr;

	if (unlikely(!page)) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "not a slab object");
		return -EINVAL;
	}
	if (page->mapping) {
		/* A big object's own pages. */
		if (page->mapping != s || off) {
			smm_slab_report(s, page->mapping != s ? SMM_REPORT_WRONG_CACHE :
					SMM_REPORT_DOUBLE_FREE, obj, "not an object of this cache");
			return -EINVAL;
		}
		atomic_long_dec(&c->live);
		atomic_long_sub(1L << s->order, &c->big_pages);
		smm_slab_free_pages(s->sa, page);
		return 0;
	}
	hdr = read_hdr(obj);
	if (unlikely(hdr != (unsigned long)s)) {
		owner = hdr >> 32 == SLOB_KMALLOC_MAGIC ? NULL : known_cache(s->sa, hdr);
		if (owner)
			smm_slab_report(s, SMM_REPORT_WRONG_CACHE, obj, "belongs to %s",
					owner->name);
		else
			smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "not an allocated object");
		return -EINVAL;
	}
	if (unlikely(slob_free_checked(s->sa, page, hdr_of(obj), hdr, s->size + SLOB_HDR))) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, obj, "freed twice at once");
		return -EINVAL;
	}
	atomic_long_dec(&c->live);
	return 0;
}

static void *slob_kmalloc(struct smm_slab *sa, size_t size, unsigned int gfp)
{
	void *b = slob_alloc(sa, size + SLOB_HDR, gfp, SLOB_HDR, 0);

	if (!b)
		return NULL;
	*(unsigned long *)b = SLOB_KMALLOC_HDR(size);
	return b + SLOB_HDR;
}

static int slob_kfree(struct smm_slab *sa, struct smm_page *page, const void *obj)
{
	unsigned long hdr = read_hdr(obj);
	size_t size = hdr_kmalloc_size(obj, hdr);

	if (!size || slob_free_checked(sa, page, hdr_of(obj), hdr, size + SLOB_HDR)) {
		atomic_long_inc(&sa->kfree_reports);
		smm_bad_input("kfree", "not allocated (double free?) at offset %#lx in its page",
			      offset_in_page(obj));
		return -EINVAL;
	}
	return 0;
}

static size_t slob_ksize(struct smm_slab *sa, struct smm_page *page, const void *obj)
{
	size_t size = hdr_kmalloc_size(obj, read_hdr(obj));

	/* Whole units, as the kernel's SLOB rounds the block. */
	return size ? ALIGN(size, SLOB_UNIT) : 0;
}

static struct smm_kmem_cache *slob_obj_cache(struct smm_slab *sa, struct smm_page *page,
					     const void *obj, unsigned long off)
{
	struct smm_kmem_cache *s = page->mapping;
	unsigned long hdr;

	if (s)	/* a big object's own pages */
		return off == s->red_left ? s : NULL;
	hdr = read_hdr(obj);
	if (!hdr || hdr >> 32 == SLOB_KMALLOC_MAGIC)
		return NULL;
	return known_cache(sa, hdr);
}

static unsigned long slob_noshrink(struct smm_kmem_cache *s)
{
	return 0;	/* SLOB gives a page back as soon as it is free */
}

static void slob_noflush(struct smm_kmem_cache *s)
{
}

static void slob_info(struct smm_kmem_cache *s, struct smm_slabinfo *info)
{
	struct slob_cache *c = s->priv;

	/*
	 * SLOB has no slabs of its own: its pages are shared by every cache
	 * and counted by slob_pages().  Only a big object's pages are the
	 * cache's, one "slab" per object.
	 */
	info->active_objs = atomic_long_read(&c->live);
	info->num_objs = info->active_objs;
	info->pages = atomic_long_read(&c->big_pages);
	if (big(s)) {
		info->num_slabs = info->active_objs;
		info->active_slabs = info->active_objs;
	}
}

static void slob_show(struct seq_file *m, struct smm_kmem_cache *s)
{
	struct slob_state *st = st_of(s->sa);

	seq_printf(m, "header:        %d bytes before each object\n", SLOB_HDR);
	seq_printf(m, "list:          %s\n", s->size + SLOB_HDR < SLOB_BREAK1 ? "small" :
		   s->size + SLOB_HDR < SLOB_BREAK2 ? "medium" : "large");
	seq_printf(m, "slob_pages:    %lu (shared by every cache)\n", READ_ONCE(st->nr_pages));
}

static unsigned long slob_pages(struct smm_slab *sa)
{
	return READ_ONCE(st_of(sa)->nr_pages);
}

const struct smm_slab_ops smm_slab_ops_slob = {
	.name		= "slob",
	.init		= slob_init,
	.destroy	= slob_destroy,
	.create		= slob_create,
	.release	= slob_release,
	.shrink		= slob_noshrink,
	.flush		= slob_noflush,
	.info		= slob_info,
	.show		= slob_show,
	.small_alloc	= slob_kmalloc,
	.small_max	= PAGE_SIZE - SLOB_HDR,
	.small_free	= slob_kfree,
	.small_size	= slob_ksize,
	.obj_cache	= slob_obj_cache,
	.pages		= slob_pages,
};
