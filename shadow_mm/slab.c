// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm slab: caches, kmalloc, and what the three strategies share.
 *
 * DOC: slab allocator
 *
 * A cache hands out objects of one size.  Its memory comes in *slabs*: one
 * or more contiguous pages from the buddy allocator (kmem_getpages()), cut
 * into objects.  A freed object goes back to its cache, not to the page
 * allocator, so an object built by a constructor can be handed out again as
 * it is.  kmalloc() is a set of caches of the kernel's size classes, 8 to
 * 8192 bytes; anything larger goes straight to the buddy allocator (the
 * kmalloc_large() path).
 *
 * Three strategies implement the caches behind one API, chosen per
 * instance: SLAB (slab_slab.c), SLUB (slab_slub.c) and SLOB (slab_slob.c).
 * This file holds what they share: the object layout, the pages, the
 * kmalloc classes, the misuse checks and slabinfo.
 *
 * Every page of a slab is owned by the slab layer in its descriptor; the
 * head page points at the cache (&smm_page.mapping), and each tail page
 * points at the head (&smm_page.private), so kfree() finds an object's
 * cache from its address in O(log runs).
 *
 * Misuse is caught in the common code, whatever the strategy.  The
 * allocator keeps one bit per 8-byte granule of the arena, set while an
 * object starting there belongs to a user: freeing an object whose bit is
 * clear is a double free (or a pointer that was never allocated), and
 * test_and_clear_bit() makes that exact under concurrency.  An object freed
 * to a cache other than its own is caught through the page descriptor.
 * Both are reported once in a while, counted in the cache, and refused, so
 * the cache stays consistent.
 *
 * A cache created with %SMM_SLAB_DEBUG gets red zones before and after each
 * object (SLOB: after only, since its header comes before), checked when the
 * object is freed (an overflow), and, unless it has a constructor or runs
 * on SLOB, poison written when the object is freed and checked when it is
 * allocated again (a use after free).  Reports are counted per
 * kind, as lib/slub_kunit.c counts them.
 */

#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "slab.h"

static const char *const strategy_names[] = {
	[SMM_SLAB_SLAB] = "slab",
	[SMM_SLAB_SLUB] = "slub",
	[SMM_SLAB_SLOB] = "slob",
};

static_assert(ARRAY_SIZE(strategy_names) == SMM_SLAB_NR);

static const char *const report_names[] = {
	[SMM_REPORT_DOUBLE_FREE]	= "double free",
	[SMM_REPORT_WRONG_CACHE]	= "free to the wrong cache",
	[SMM_REPORT_REDZONE]		= "red zone overwritten",
	[SMM_REPORT_POISON]		= "use after free",
};

static_assert(ARRAY_SIZE(report_names) == SMM_REPORT_NR);

static const struct file_operations cache_fops;

static const unsigned int kmalloc_sizes[SMM_KMALLOC_CLASSES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/**
 * smm_slab_strategy_name() - name of a strategy
 * @strategy: the strategy
 *
 * Return: "slab", "slub", "slob" or "?".
 */
const char *smm_slab_strategy_name(enum smm_slab_strategy strategy)
{
	return strategy < SMM_SLAB_NR ? strategy_names[strategy] : "?";
}

/**
 * smm_slab_parse_strategy() - parse the ``slab`` parameter
 * @s: "slab", "slub" or "slob"
 * @out: the result
 *
 * Return: 0, or -EINVAL.
 */
int smm_slab_parse_strategy(const char *s, enum smm_slab_strategy *out)
{
	int i = sysfs_match_string(strategy_names, s);

	if (i < 0)
		return -EINVAL;
	*out = i;
	return 0;
}

/**
 * smm_kmalloc_index() - the size class of a request (kmalloc_index())
 * @size: bytes, 1..%SMM_KMALLOC_MAX_CACHE
 *
 * Return: the index into the classes, or -1 for 0 or a size too large.
 */
int smm_kmalloc_index(size_t size)
{
	/* size_index[]: the class of 1..192 bytes, by (size - 1) / 8 */
	static const u8 small[24] = {
		0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5,
		6, 6, 6, 6, 6, 6, 6, 6,
	};

	if (!size || size > SMM_KMALLOC_MAX_CACHE)
		return -1;
	if (size <= 192)
		return small[(size - 1) / 8];
	/* 256 and up are powers of two: 256 is class 7. */
	return fls(size - 1) - 8 + 7;
}

/**
 * smm_kmalloc_size() - the object size of a class
 * @index: the class
 *
 * Return: its size, or 0 for a bad index.
 */
unsigned int smm_kmalloc_size(int index)
{
	return index >= 0 && index < SMM_KMALLOC_CLASSES ? kmalloc_sizes[index] : 0;
}

/**
 * smm_slab_page_addr() - the address of a slab page's memory
 * @sa: the allocator
 * @page: a page of the arena
 *
 * Slab pages are never shadow highmem, so the host's direct map reaches them.
 *
 * Return: the address.
 */
void *smm_slab_page_addr(struct smm_slab *sa, const struct smm_page *page)
{
	return smm_arena_pfn_to_virt(sa->arena, smm_page_to_pfn(sa->arena, page));
}

/*
 * Where an address lies: its shadow PFN and the head of its slab, or NULL
 * if it is not in a slab page.  One search of the runs, which also refuses
 * any address outside the arena.
 */
static struct smm_page *lookup(struct smm_slab *sa, const void *addr, unsigned long *pfn)
{
	struct smm_page *page;

	if (!smm_arena_virt_to_pfn(sa->arena, addr, pfn))
		return NULL;
	page = smm_pfn_to_page(sa->arena, *pfn);
	if (!page || READ_ONCE(page->owner) != SMM_OWNER_SLAB)
		return NULL;
	if (!smm_page_test(page, SMM_PG_HEAD))
		page = (struct smm_page *)page->private;
	return page;
}

/**
 * smm_slab_virt_to_head() - the head page of the slab holding an address
 * @sa: the allocator
 * @addr: any address
 *
 * virt_to_slab(): the run, the descriptor, then the head.
 *
 * Return: the head descriptor, or NULL if @addr is not in a slab page.
 */
struct smm_page *smm_slab_virt_to_head(struct smm_slab *sa, const void *addr)
{
	unsigned long pfn;

	return lookup(sa, addr, &pfn);
}

/* Longs of object map per page: one bit per 8-byte granule. */
#define OBJMAP_LONGS	BITS_TO_LONGS(PAGE_SIZE / 8)

/*
 * The object map of the page at @pfn.  Each present section has its own
 * piece, and &smm_slab.objmap holds it biased by the section's first
 * present page, as sparse_encode_mem_map() biases a section's mem_map, so
 * that the offset in the section indexes it directly.
 */
static inline unsigned long *page_objmap(struct smm_slab *sa, unsigned long pfn)
{
	return sa->objmap[pfn >> SMM_SECTION_ORDER] + (pfn & SMM_SECTION_MASK) * OBJMAP_LONGS;
}

/* The bit of an object starting at @obj, in its page's object map. */
static inline unsigned long obj_bit(const void *obj)
{
	return offset_in_page(obj) >> 3;
}

/* Offset of @obj from the start of the slab of head @head. */
static inline unsigned long slab_off(struct smm_slab *sa, struct smm_page *head,
				     unsigned long pfn, const void *obj)
{
	return ((pfn - smm_page_to_pfn(sa->arena, head)) << PAGE_SHIFT) + offset_in_page(obj);
}

/**
 * smm_slab_obj_live() - is an object allocated, and does it start here?
 * @sa: the allocator
 * @head: the head page of the slab holding @obj
 * @obj: the address
 * @off: its offset from the start of the slab
 *
 * For the strategies that keep data before an object (SLOB's header): that
 * data is theirs only if an allocated object starts at @obj.
 *
 * Return: true if the object map says so.
 */
bool smm_slab_obj_live(struct smm_slab *sa, struct smm_page *head, const void *obj,
		       unsigned long off)
{
	unsigned long pfn = smm_page_to_pfn(sa->arena, head) + (off >> PAGE_SHIFT);

	return IS_ALIGNED((unsigned long)obj, 8) && test_bit(obj_bit(obj), page_objmap(sa, pfn));
}

/**
 * smm_slab_alloc_pages() - take the pages of a new slab (kmem_getpages())
 * @sa: the allocator
 * @s: the cache, or NULL for pages of no cache (SLOB's, a large kmalloc)
 * @gfp: SMM_GFP_* flags; never highmem
 * @order: pages = 2^@order
 *
 * Return: the head page, owned by the slab layer, or NULL.
 * Context: any context the buddy allocator accepts; does not sleep.
 */
struct smm_page *smm_slab_alloc_pages(struct smm_slab *sa, struct smm_kmem_cache *s,
				      unsigned int gfp, unsigned int order)
{
	struct smm_page *head;
	unsigned long pfn, i;

	head = smm_alloc_pages(sa->buddy, (gfp & __SMM_GFP_HIGH) | SMM_GFP_KERNEL |
			       __SMM_GFP_SITE(SMM_SITE_SLAB), order);
	if (IS_ERR(head))
		return NULL;
	pfn = smm_page_to_pfn(sa->arena, head);
	for (i = 0; i < (1UL << order); i++) {
		struct smm_page *page = smm_pfn_to_page(sa->arena, pfn + i);

		page->mapping = s;
		if (i)
			page->private = (unsigned long)head;
		WRITE_ONCE(page->owner, SMM_OWNER_SLAB);
	}
	return head;
}

/**
 * smm_slab_free_pages() - give a slab's pages back (kmem_freepages())
 * @sa: the allocator
 * @head: the head page
 *
 * Context: does not sleep.
 */
void smm_slab_free_pages(struct smm_slab *sa, struct smm_page *head)
{
	unsigned long pfn = smm_page_to_pfn(sa->arena, head), i;
	unsigned int order = head->order;

	for (i = 0; i < (1UL << order); i++) {
		struct smm_page *page = smm_pfn_to_page(sa->arena, pfn + i);

		page->mapping = NULL;
		page->private = 0;
		WRITE_ONCE(page->owner, SMM_OWNER_ALLOC);
	}
	smm_page_clear(head, SMM_PG_SLAB_FROZEN);
	smm_page_clear(head, SMM_PG_LARGE_KMALLOC);
	head->refcount = 1;
	INIT_LIST_HEAD(&head->lru);
	smm_free_pages(sa->buddy, head, order);
}

/**
 * smm_slab_obj_user() - the user's pointer of an object slot
 * @s: the cache
 * @obj: the slot, as the strategy sees it
 *
 * Return: the slot past its left red zone.
 */
void *smm_slab_obj_user(struct smm_kmem_cache *s, void *obj)
{
	return obj + s->red_left;
}

/**
 * smm_slab_obj_base() - the slot of a user's pointer
 * @s: the cache
 * @user: the pointer the user has
 *
 * Return: the slot.
 */
void *smm_slab_obj_base(struct smm_kmem_cache *s, const void *user)
{
	return (void *)user - s->red_left;
}

static bool debug_poison(const struct smm_kmem_cache *s)
{
	/* A constructed object must keep its state: no poison (as SLUB). */
	return (s->flags & SMM_SLAB_DEBUG) && !s->ctor && s->sa->strategy != SMM_SLAB_SLOB;
}

/**
 * smm_slab_init_object() - prepare a new slot (init_object())
 * @s: the cache
 * @obj: the slot
 *
 * Red zones inactive and, where the cache poisons, the object poisoned as
 * if it had been freed.  Nothing for caches without %SMM_SLAB_DEBUG.
 */
void smm_slab_init_object(struct smm_kmem_cache *s, void *obj)
{
	void *user = smm_slab_obj_user(s, obj);

	if (!(s->flags & SMM_SLAB_DEBUG))
		return;
	memset(obj, SMM_RED_INACTIVE, s->red_left);
	memset(user + s->object_size, SMM_RED_INACTIVE, SMM_REDZONE);
	if (debug_poison(s)) {
		memset(user, SMM_POISON_FREE, s->object_size - 1);
		((u8 *)user)[s->object_size - 1] = SMM_POISON_END;
	}
}

/**
 * smm_slab_report() - report and count a misuse
 * @s: the cache
 * @r: what kind
 * @obj: the user's pointer
 * @fmt: details
 *
 * Rate-limited, so a test that provokes thousands of reports does not
 * flood the log; the count is exact.
 */
void smm_slab_report(struct smm_kmem_cache *s, enum smm_slab_report r, const void *obj,
		     const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&s->reports[r]);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn_ratelimited("shadow_mm: slab %s: %s at offset %#lx of its page: %pV\n",
			    s->name, report_names[r], offset_in_page(obj), &vaf);
	va_end(args);
}

/**
 * smm_kmem_cache_reports() - how many misuses of one kind a cache has seen
 * @s: the cache
 * @r: the kind
 *
 * Return: the count.
 */
unsigned long smm_kmem_cache_reports(struct smm_kmem_cache *s, enum smm_slab_report r)
{
	return atomic_long_read(&s->reports[r]);
}

static bool bytes_are(const u8 *p, u8 v, unsigned int n)
{
	return !memchr_inv(p, v, n);
}

/* Debug checks when an object is handed out; then mark its zones active. */
static void check_alloc(struct smm_kmem_cache *s, void *obj)
{
	u8 *user = smm_slab_obj_user(s, obj);

	if (debug_poison(s) &&
	    (!bytes_are(user, SMM_POISON_FREE, s->object_size - 1) ||
	     user[s->object_size - 1] != SMM_POISON_END)) {
		smm_slab_report(s, SMM_REPORT_POISON, user, "freed object was written to");
	}
	if (!bytes_are(obj, SMM_RED_INACTIVE, s->red_left) ||
	    !bytes_are(user + s->object_size, SMM_RED_INACTIVE, SMM_REDZONE))
		smm_slab_report(s, SMM_REPORT_REDZONE, user, "red zone of a free object");
	memset(obj, SMM_RED_ACTIVE, s->red_left);
	memset(user + s->object_size, SMM_RED_ACTIVE, SMM_REDZONE);
}

/* Debug checks when an object comes back; then poison it. */
static void check_free(struct smm_kmem_cache *s, void *obj)
{
	u8 *user = smm_slab_obj_user(s, obj);

	if (!bytes_are(obj, SMM_RED_ACTIVE, s->red_left))
		smm_slab_report(s, SMM_REPORT_REDZONE, user, "left red zone overwritten");
	if (!bytes_are(user + s->object_size, SMM_RED_ACTIVE, SMM_REDZONE))
		smm_slab_report(s, SMM_REPORT_REDZONE, user, "right red zone overwritten");
	smm_slab_init_object(s, obj);
}

/**
 * smm_slab_calc_order() - the smallest order whose waste is acceptable
 * @size: object stride
 * @min_objects: want at least this many objects per slab
 * @max_order: never above this order
 * @fraction: accept a remainder of at most 1/@fraction of the slab
 * @reserved: bytes of each slab not available to objects
 *
 * calc_slab_order(): the first order, from the smallest that holds one
 * object, with enough objects and little enough left over.
 *
 * Return: the order, or @max_order + 1 if none qualifies.
 */
unsigned int smm_slab_calc_order(unsigned int size, unsigned int min_objects,
				 unsigned int max_order, unsigned int fraction,
				 unsigned int reserved)
{
	unsigned int order;

	for (order = get_order(size + reserved); order <= max_order; order++) {
		unsigned int slab_size = (PAGE_SIZE << order) - reserved;
		unsigned int rem = slab_size % size;

		if (slab_size / size >= min_objects && rem <= slab_size / fraction)
			return order;
	}
	return max_order + 1;
}

/**
 * smm_kmem_cache_create() - create a cache (kmem_cache_create())
 * @sa: the allocator
 * @name: for slabinfo; 1..31 characters, no spaces, unique
 * @size: object size, 1..%SMM_KMALLOC_MAX_CACHE
 * @align: alignment, 0 or a power of two up to PAGE_SIZE
 * @flags: SMM_SLAB_* flags
 * @ctor: constructor, run once per object when its slab is created (SLOB:
 *	on every allocation, as the kernel's SLOB does), or NULL
 *
 * Return: the cache, or an ERR_PTR(): -EINVAL for a bad argument (with a
 * message), -EEXIST for a name in use, -EIO for a broken instance, -ENOMEM.
 * Context: process context; sleeps.
 */
struct smm_kmem_cache *smm_kmem_cache_create(struct smm_slab *sa, const char *name,
					     unsigned int size, unsigned int align,
					     unsigned int flags, void (*ctor)(void *))
{
	struct smm_kmem_cache *s;
	unsigned int inner;
	int ret;

	if (!name || !*name || strlen(name) >= SMM_CACHE_NAME_LEN || strpbrk(name, " \t\n")) {
		smm_bad_input("cache.name", "must be 1..%d characters without spaces",
			      SMM_CACHE_NAME_LEN - 1);
		return ERR_PTR(-EINVAL);
	}
	if (!size || size > SMM_KMALLOC_MAX_CACHE) {
		smm_bad_input("cache.size", "%u is outside [1, %d]", size, SMM_KMALLOC_MAX_CACHE);
		return ERR_PTR(-ERANGE);
	}
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE)) {
		smm_bad_input("cache.align", "%u is not a power of two up to %lu", align,
			      PAGE_SIZE);
		return ERR_PTR(-EINVAL);
	}
	if (flags & ~SMM_SLAB_FLAGS_ALL) {
		smm_bad_input("cache.flags", "unknown flags %#x", flags & ~SMM_SLAB_FLAGS_ALL);
		return ERR_PTR(-EINVAL);
	}
	if (READ_ONCE(*sa->broken))
		return ERR_PTR(-EIO);

	s = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB, 1, sizeof(*s));
	if (!s)
		return ERR_PTR(-ENOMEM);
	strscpy(s->name, name, sizeof(s->name));
	s->sa = sa;
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->refcount = 1;
	/* calculate_alignment(): at least a word, a cache line if asked. */
	s->align = max_t(unsigned int, align, sizeof(void *));
	if (flags & SMM_SLAB_HWCACHE_ALIGN)
		s->align = max_t(unsigned int, s->align, cache_line_size());
	/*
	 * The layout: [red zone][object][red zone][free pointer], aligned.
	 * SLOB keeps its header right before the object: no left red zone.
	 */
	if ((flags & SMM_SLAB_DEBUG) && sa->strategy != SMM_SLAB_SLOB)
		s->red_left = max_t(unsigned int, SMM_REDZONE, s->align);
	inner = s->red_left + ALIGN(size, sizeof(void *));
	if (flags & SMM_SLAB_DEBUG)
		inner += SMM_REDZONE;
	/* SLUB keeps the free pointer outside objects it must not clobber. */
	if (sa->strategy == SMM_SLAB_SLUB && (ctor || (flags & SMM_SLAB_DEBUG))) {
		s->offset = inner;
		inner += sizeof(void *);
	}
	s->size = ALIGN(inner, s->align);
	s->reciprocal_size = reciprocal_value(s->size);

	ret = sa->ops->create(s);
	if (ret) {
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, s, 1, sizeof(*s));
		return ERR_PTR(ret);
	}

	mutex_lock(&sa->lock);
	if (smm_kmem_cache_find(sa, name)) {
		mutex_unlock(&sa->lock);
		sa->ops->release(s);
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, s, 1, sizeof(*s));
		smm_bad_input("cache.name", "'%s' exists", name);
		return ERR_PTR(-EEXIST);
	}
	list_add_tail(&s->node, &sa->caches);
	if (sa->debugfs_dir)
		s->debugfs = debugfs_create_file(s->name, 0400, sa->debugfs_dir, s, &cache_fops);
	mutex_unlock(&sa->lock);
	return s;
}

/**
 * smm_kmem_cache_find() - a cache by name
 * @sa: the allocator, with @sa->lock held
 * @name: the name
 *
 * Return: the cache, or NULL.
 */
struct smm_kmem_cache *smm_kmem_cache_find(struct smm_slab *sa, const char *name)
{
	struct smm_kmem_cache *s;

	lockdep_assert_held(&sa->lock);
	list_for_each_entry(s, &sa->caches, node)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static unsigned long live_objects(struct smm_kmem_cache *s)
{
	struct smm_slabinfo info = { 0 };

	s->sa->ops->flush(s);
	s->sa->ops->info(s, &info);
	return info.active_objs;
}

/*
 * Free an unlinked cache.  Its debugfs file goes first, outside sa->lock:
 * debugfs_remove() waits for readers, and they do not take the lock.  The
 * dentry is taken under the lock, since smm_slab_debugfs_exit() may have
 * forgotten it along with the directory.
 */
static void cache_free_unlinked(struct smm_kmem_cache *s)
{
	struct smm_slab *sa = s->sa;
	struct dentry *d;

	mutex_lock(&sa->lock);
	d = s->debugfs;
	s->debugfs = NULL;
	mutex_unlock(&sa->lock);
	debugfs_remove(d);
	sa->ops->release(s);
	smm_host_kvfree(sa->arena, SMM_HOST_SLAB, s, 1, sizeof(*s));
}

/**
 * smm_kmem_cache_destroy() - destroy an empty cache (kmem_cache_destroy())
 * @s: the cache
 *
 * A cache that still has live objects is not destroyed: like SLUB's
 * "Objects remaining on __kmem_cache_shutdown()", the cache and the count
 * are reported, and nothing is freed or leaked.
 *
 * Return: 0, or -EBUSY if objects remain.
 * Context: process context; sleeps.
 */
int smm_kmem_cache_destroy(struct smm_kmem_cache *s)
{
	struct smm_slab *sa = s->sa;
	unsigned long live;

	if (!s->refcount) {
		smm_bad_input("cache", "%s is a kmalloc cache; it is not destroyed", s->name);
		return -EINVAL;
	}
	mutex_lock(&sa->lock);
	live = live_objects(s);
	if (live) {
		mutex_unlock(&sa->lock);
		pr_warn_ratelimited("shadow_mm: slab %s: %lu objects remaining on kmem_cache_destroy(); not destroyed\n",
				    s->name, live);
		return -EBUSY;
	}
	list_del(&s->node);
	mutex_unlock(&sa->lock);
	cache_free_unlinked(s);
	return 0;
}

/**
 * smm_kmem_cache_shrink() - give a cache's free slabs back to the buddy
 * @s: the cache
 *
 * Per-CPU cached objects go back to their slabs first.
 *
 * Return: the number of pages given back.
 * Context: process context; sleeps.
 */
unsigned long smm_kmem_cache_shrink(struct smm_kmem_cache *s)
{
	unsigned long n;

	mutex_lock(&s->sa->lock);
	s->sa->ops->flush(s);
	n = s->sa->ops->shrink(s);
	mutex_unlock(&s->sa->lock);
	return n;
}

/**
 * smm_kmem_cache_alloc() - allocate an object (kmem_cache_alloc())
 * @s: the cache
 * @gfp: SMM_GFP_* flags: __SMM_GFP_ZERO, __SMM_GFP_HIGH
 *
 * Return: the object, or NULL.
 * Context: process context; does not sleep.
 */
void *smm_kmem_cache_alloc(struct smm_kmem_cache *s, unsigned int gfp)
{
	struct smm_slab *sa = s->sa;
	unsigned long pfn;
	void *obj, *user;

	if (unlikely(READ_ONCE(*sa->broken)))
		return NULL;
	/* should_failslab(), in slab_pre_alloc_hook() */
	if (unlikely(smm_fail_armed(&sa->failslab)) &&
	    smm_should_fail(&sa->failslab, s->object_size))
		return NULL;
	obj = sa->ops->alloc(s, gfp);
	if (unlikely(!obj))
		return NULL;
	user = smm_slab_obj_user(s, obj);
	if (unlikely(s->flags & SMM_SLAB_DEBUG))
		check_alloc(s, obj);
	if (SMM_WARN_ON(sa->broken, !smm_arena_virt_to_pfn(sa->arena, user, &pfn) ||
			test_and_set_bit(obj_bit(user), page_objmap(sa, pfn))))
		return NULL;
	if (gfp & __SMM_GFP_ZERO)
		memset(user, 0, s->object_size);
	return user;
}

/*
 * Free @user, at @pfn in the slab of head @head, to @s, whose object
 * @owner says it is; the common checks first.
 */
static int cache_free(struct smm_kmem_cache *s, struct smm_page *head, unsigned long pfn,
		      const void *user, struct smm_kmem_cache *owner)
{
	struct smm_slab *sa = s->sa;
	void *obj;

	if (unlikely(!owner)) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not the start of an object");
		return -EINVAL;
	}
	if (unlikely(owner != s)) {
		smm_slab_report(s, SMM_REPORT_WRONG_CACHE, user, "belongs to %s", owner->name);
		return -EINVAL;
	}
	if (unlikely(!test_and_clear_bit(obj_bit(user), page_objmap(sa, pfn)))) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not allocated");
		return -EINVAL;
	}
	obj = smm_slab_obj_base(s, user);
	if (unlikely(s->flags & SMM_SLAB_DEBUG))
		check_free(s, obj);
	sa->ops->free(s, head, obj);
	return 0;
}

/**
 * smm_kmem_cache_free() - free an object (kmem_cache_free())
 * @s: the cache it was allocated from
 * @user: the object
 *
 * Return: 0; -EINVAL, reported and counted, for a double free, a pointer
 * that is not an allocated object, or an object of another cache.  Then
 * nothing changes.
 * Context: process context; does not sleep.
 */
int smm_kmem_cache_free(struct smm_kmem_cache *s, void *user)
{
	unsigned long pfn;
	struct smm_page *head = lookup(s->sa, user, &pfn);

	if (unlikely(!head)) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not a slab object");
		return -EINVAL;
	}
	return cache_free(s, head, pfn, user,
			  s->sa->ops->obj_cache(s->sa, head, user,
						slab_off(s->sa, head, pfn, user)));
}

/* kmalloc_large(): whole pages from the buddy allocator. */
static void *large_kmalloc(struct smm_slab *sa, size_t size, unsigned int gfp)
{
	unsigned int order = get_order(size);
	struct smm_page *head;
	void *addr;

	if (order >= sa->buddy->max_order) {
		smm_bad_input("kmalloc.size", "%zu bytes is above the largest block", size);
		return NULL;
	}
	head = smm_slab_alloc_pages(sa, NULL, gfp, order);
	if (!head)
		return NULL;
	smm_page_set(head, SMM_PG_LARGE_KMALLOC);
	addr = smm_slab_page_addr(sa, head);
	if (SMM_WARN_ON(sa->broken,
			test_and_set_bit(obj_bit(addr),
					 page_objmap(sa, smm_page_to_pfn(sa->arena, head)))))
		return NULL;
	atomic_long_add(1L << order, &sa->large_pages);
	if (gfp & __SMM_GFP_ZERO)
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

/**
 * smm_kmalloc() - allocate @size bytes (kmalloc())
 * @sa: the allocator
 * @size: bytes
 * @gfp: SMM_GFP_* flags
 *
 * From the smallest size class that fits; above %SMM_KMALLOC_MAX_CACHE,
 * whole pages.  SLOB serves small requests from its own lists.
 *
 * Return: the memory, ZERO_SIZE_PTR for @size 0, or NULL.
 * Context: process context; does not sleep.
 */
void *smm_kmalloc(struct smm_slab *sa, size_t size, unsigned int gfp)
{
	int idx;

	if (!size)
		return ZERO_SIZE_PTR;
	if (unlikely(READ_ONCE(*sa->broken)))
		return NULL;
	if (sa->ops->small_alloc) {
		/* SLOB: its own lists, or whole pages; it has no size classes. */
		unsigned long pfn;
		void *p;

		if (size > sa->ops->small_max)
			return large_kmalloc(sa, size, gfp);
		if (unlikely(smm_fail_armed(&sa->failslab)) && smm_should_fail(&sa->failslab, size))
			return NULL;
		p = sa->ops->small_alloc(sa, size, gfp);
		if (!p)
			return NULL;
		if (SMM_WARN_ON(sa->broken, !smm_arena_virt_to_pfn(sa->arena, p, &pfn) ||
				test_and_set_bit(obj_bit(p), page_objmap(sa, pfn))))
			return NULL;
		if (gfp & __SMM_GFP_ZERO)
			memset(p, 0, size);
		return p;
	}
	idx = smm_kmalloc_index(size);
	if (idx < 0)
		return large_kmalloc(sa, size, gfp);
	return smm_kmem_cache_alloc(sa->kmalloc_caches[idx], gfp);
}

static int bad_kfree(struct smm_slab *sa, const void *obj, const char *why)
{
	atomic_long_inc(&sa->kfree_reports);
	smm_bad_input("kfree", "%s (offset %#lx in its page)", why, offset_in_page(obj));
	return -EINVAL;
}

/**
 * smm_kfree() - free kmalloc() memory (kfree())
 * @sa: the allocator
 * @obj: the memory, or NULL or ZERO_SIZE_PTR (ignored)
 *
 * The owner is found through the page descriptor: a large kmalloc goes back
 * to the buddy allocator, anything else to its cache.
 *
 * Return: 0, or -EINVAL, reported and counted, for memory that is not an
 * allocated object.  Then nothing changes.
 * Context: process context; does not sleep.
 */
int smm_kfree(struct smm_slab *sa, const void *obj)
{
	struct smm_kmem_cache *s;
	struct smm_page *head;
	unsigned long pfn;

	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	head = lookup(sa, obj, &pfn);
	if (!head)
		return bad_kfree(sa, obj, "not a slab object");
	if (smm_page_test(head, SMM_PG_LARGE_KMALLOC)) {
		if (obj != smm_slab_page_addr(sa, head) ||
		    !test_and_clear_bit(obj_bit(obj), page_objmap(sa, pfn)))
			return bad_kfree(sa, obj, "large kmalloc not allocated here");
		atomic_long_sub(1L << head->order, &sa->large_pages);
		smm_slab_free_pages(sa, head);
		return 0;
	}
	s = sa->ops->obj_cache(sa, head, obj, slab_off(sa, head, pfn, obj));
	if (s)
		return cache_free(s, head, pfn, obj, s);
	if (!sa->ops->small_free)
		return bad_kfree(sa, obj, "not the start of an object");
	if (!IS_ALIGNED((unsigned long)obj, 8) ||
	    !test_and_clear_bit(obj_bit(obj), page_objmap(sa, pfn)))
		return bad_kfree(sa, obj, "not allocated (double free?)");
	return sa->ops->small_free(sa, head, obj);
}

/**
 * smm_ksize() - the usable size of kmalloc() memory (ksize())
 * @sa: the allocator
 * @obj: the memory
 *
 * Return: the bytes the caller may use, or 0 for memory that is not an
 * allocated object.
 */
size_t smm_ksize(struct smm_slab *sa, const void *obj)
{
	struct smm_kmem_cache *s;
	struct smm_page *head;
	unsigned long pfn;

	if (ZERO_OR_NULL_PTR(obj) || !IS_ALIGNED((unsigned long)obj, 8))
		return 0;
	head = lookup(sa, obj, &pfn);
	if (!head || !test_bit(obj_bit(obj), page_objmap(sa, pfn)))
		return 0;
	if (smm_page_test(head, SMM_PG_LARGE_KMALLOC))
		return PAGE_SIZE << head->order;
	s = sa->ops->obj_cache(sa, head, obj, slab_off(sa, head, pfn, obj));
	if (s)
		return s->object_size;
	return sa->ops->small_size ? sa->ops->small_size(sa, head, obj) : 0;
}

/*
 * The object map: for each present section, one piece covering its present
 * pages and no more, so that it costs 64 bytes per arena page however the
 * pages are spread over the shadow space, and no single allocation is
 * larger than 64 KiB.
 */
static void objmap_free(struct smm_slab *sa)
{
	const struct smm_arena *a = sa->arena;
	unsigned long sec;

	if (!sa->objmap)
		return;
	for (sec = 0; sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];

		if (s->nr && sa->objmap[sec])
			smm_host_kvfree(sa->arena, SMM_HOST_SLAB_OBJMAP,
					sa->objmap[sec] + s->first * OBJMAP_LONGS,
					s->nr * OBJMAP_LONGS, sizeof(long));
	}
	smm_host_kvfree(sa->arena, SMM_HOST_SLAB_OBJMAP, sa->objmap, a->nr_sections,
			sizeof(*sa->objmap));
	sa->objmap = NULL;
}

static int objmap_alloc(struct smm_slab *sa)
{
	const struct smm_arena *a = sa->arena;
	unsigned long sec;

	sa->objmap = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB_OBJMAP, a->nr_sections,
				       sizeof(*sa->objmap));
	if (!sa->objmap)
		return -ENOMEM;
	for (sec = 0; sec < a->nr_sections; sec++) {
		const struct smm_section *s = &a->sections[sec];
		unsigned long *piece;

		if (!s->nr)
			continue;
		piece = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB_OBJMAP,
					  s->nr * OBJMAP_LONGS, sizeof(long));
		if (!piece) {
			objmap_free(sa);
			return -ENOMEM;
		}
		sa->objmap[sec] = piece - s->first * OBJMAP_LONGS;
	}
	return 0;
}

/**
 * smm_slab_init() - set up a slab allocator and its kmalloc caches
 * @sa: the allocator
 * @b: the buddy allocator below it
 * @broken: the instance's broken flag
 * @strategy: which allocator
 *
 * kmem_cache_init(): the strategy, then the size classes (not under SLOB,
 * which serves kmalloc from its own lists).
 *
 * Return: 0, -EINVAL for an unknown strategy, or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_slab_init(struct smm_slab *sa, struct smm_buddy *b, bool *broken,
		  enum smm_slab_strategy strategy)
{
	static const struct smm_slab_ops *const ops[SMM_SLAB_NR] = {
		[SMM_SLAB_SLAB] = &smm_slab_ops_slab,
		[SMM_SLAB_SLUB] = &smm_slab_ops_slub,
		[SMM_SLAB_SLOB] = &smm_slab_ops_slob,
	};
	int i, ret;

	memset(sa, 0, sizeof(*sa));
	if (strategy >= SMM_SLAB_NR)
		return -EINVAL;
	sa->buddy = b;
	sa->arena = b->arena;
	sa->broken = broken;
	sa->strategy = strategy;
	sa->ops = ops[strategy];
	smm_fail_init(&sa->failslab, "failslab");
	mutex_init(&sa->lock);
	INIT_LIST_HEAD(&sa->caches);
	ret = objmap_alloc(sa);
	if (ret)
		return ret;
	ret = sa->ops->init(sa);
	if (ret)
		goto err_init;
	if (strategy == SMM_SLAB_SLOB)
		return 0;
	for (i = 0; i < SMM_KMALLOC_CLASSES; i++) {
		char name[SMM_CACHE_NAME_LEN];
		struct smm_kmem_cache *s;

		snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
		s = smm_kmem_cache_create(sa, name, kmalloc_sizes[i], 0, 0, NULL);
		if (IS_ERR(s)) {
			ret = PTR_ERR(s);
			goto err_caches;
		}
		s->refcount = 0;
		sa->kmalloc_caches[i] = s;
	}
	return 0;

err_caches:
	smm_slab_destroy(sa);
	return ret;
err_init:
	objmap_free(sa);
	return ret;
}

/**
 * smm_slab_destroy() - tear the allocator down
 * @sa: the allocator
 *
 * Caches are released newest first, live objects or not: the arena is about
 * to go back to the host whole.  A cache with live objects is named in the
 * log, since that is a leak in whoever used it.
 * Context: process context; sleeps.
 */
void smm_slab_destroy(struct smm_slab *sa)
{
	struct smm_kmem_cache *s, *tmp;

	if (!sa->ops)
		return;
	mutex_lock(&sa->lock);
	list_for_each_entry_safe_reverse(s, tmp, &sa->caches, node) {
		unsigned long live = live_objects(s);

		if (live && s->refcount)
			pr_info("shadow_mm: slab %s: %lu objects still allocated at teardown\n",
				s->name, live);
		list_del(&s->node);
		mutex_unlock(&sa->lock);
		cache_free_unlinked(s);
		mutex_lock(&sa->lock);
	}
	mutex_unlock(&sa->lock);
	sa->ops->destroy(sa);
	objmap_free(sa);
	sa->ops = NULL;
}

/**
 * smm_slabinfo_show() - /proc/slabinfo, version 2.1
 * @m: the seq_file
 * @sa: the allocator
 *
 * Exactly the format of mm/slab_common.c, so slabtop reads it.
 * Context: process context; sleeps.
 */
void smm_slabinfo_show(struct seq_file *m, struct smm_slab *sa)
{
	struct smm_kmem_cache *s;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	seq_putc(m, '\n');
	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node) {
		struct smm_slabinfo info = { 0 };

		sa->ops->info(s, &info);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", s->name, info.active_objs,
			   info.num_objs, s->size, s->num, 1 << s->order);
		seq_printf(m, " : tunables %4u %4u %4u", info.limit, info.batchcount,
			   info.shared);
		seq_printf(m, " : slabdata %6lu %6lu %6lu", info.active_slabs, info.num_slabs,
			   0UL);
		seq_putc(m, '\n');
	}
	mutex_unlock(&sa->lock);
}

/**
 * smm_slab_cache_show() - the per-cache detail
 * @m: the seq_file
 * @s: the cache; its debugfs file keeps it alive while it is read
 */
void smm_slab_cache_show(struct seq_file *m, struct smm_kmem_cache *s)
{
	struct smm_slabinfo info = { 0 };
	int r;

	s->sa->ops->info(s, &info);
	seq_printf(m, "name:          %s\n", s->name);
	seq_printf(m, "strategy:      %s\n", s->sa->ops->name);
	seq_printf(m, "object_size:   %u\n", s->object_size);
	seq_printf(m, "size:          %u\n", s->size);
	seq_printf(m, "align:         %u\n", s->align);
	seq_printf(m, "order:         %u\n", s->order);
	seq_printf(m, "objperslab:    %u\n", s->num);
	seq_printf(m, "ctor:          %s\n", s->ctor ? "yes" : "no");
	seq_printf(m, "debug:         %s\n", s->flags & SMM_SLAB_DEBUG ?
		   (debug_poison(s) ? "red zones, poison" : "red zones") : "off");
	seq_printf(m, "active_objs:   %lu\n", info.active_objs);
	seq_printf(m, "num_objs:      %lu\n", info.num_objs);
	seq_printf(m, "num_slabs:     %lu\n", info.num_slabs);
	seq_printf(m, "pages:         %lu\n", info.pages);
	for (r = 0; r < SMM_REPORT_NR; r++)
		seq_printf(m, "reports:       %-24s %lu\n", report_names[r],
			   smm_kmem_cache_reports(s, r));
	s->sa->ops->show(m, s);
}

static int cache_show(struct seq_file *m, void *v)
{
	smm_slab_cache_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cache);

/**
 * smm_slab_debugfs_init() - give every cache, now and later, a detail file
 * @sa: the allocator
 * @dir: the directory, ``<instance>/slab``
 *
 * Context: process context.
 */
void smm_slab_debugfs_init(struct smm_slab *sa, struct dentry *dir)
{
	struct smm_kmem_cache *s;

	mutex_lock(&sa->lock);
	sa->debugfs_dir = dir;
	list_for_each_entry(s, &sa->caches, node)
		s->debugfs = debugfs_create_file(s->name, 0400, dir, s, &cache_fops);
	mutex_unlock(&sa->lock);
}

/**
 * smm_slab_debugfs_exit() - forget the directory before it is removed
 * @sa: the allocator
 *
 * After this no cache makes a file, and no cache removes its own: the
 * caller removes the directory with everything in it.
 * Context: process context.
 */
void smm_slab_debugfs_exit(struct smm_slab *sa)
{
	struct smm_kmem_cache *s;

	mutex_lock(&sa->lock);
	sa->debugfs_dir = NULL;
	list_for_each_entry(s, &sa->caches, node)
		s->debugfs = NULL;
	mutex_unlock(&sa->lock);
}

/**
 * smm_slab_meminfo() - pages held by the slab layer
 * @sa: the allocator
 * @reclaimable: pages of caches with %SMM_SLAB_RECLAIM
 * @unreclaimable: every other slab page, large kmallocs included
 */
void smm_slab_meminfo(struct smm_slab *sa, unsigned long *reclaimable,
		      unsigned long *unreclaimable)
{
	struct smm_kmem_cache *s;

	*reclaimable = 0;
	*unreclaimable = atomic_long_read(&sa->large_pages) + sa->ops->pages(sa);
	mutex_lock(&sa->lock);
	list_for_each_entry(s, &sa->caches, node) {
		struct smm_slabinfo info = { 0 };

		sa->ops->info(s, &info);
		if (s->flags & SMM_SLAB_RECLAIM)
			*reclaimable += info.pages;
		else
			*unreclaimable += info.pages;
	}
	mutex_unlock(&sa->lock);
}
