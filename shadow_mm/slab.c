// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm slab: caches, kmalloc, and what the three strategies share.
 */

/**
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
 * points at the head (&smm_page.private); and the host's own struct page
 * of each slab page names its shadow descriptor, so kfree() finds an
 * object's cache from its address in O(1) (smm_slab_obj_head()).
 *
 * Checking is a debug mode, as on the host: ``slab_debug=`` takes
 * slub_debug's letters (see smm_slab_parse_debug()).  F gives each object
 * a state word that a cmpxchg moves between free and allocated, so that
 * every double free is caught exactly, and checks every free against the
 * arena; Z adds red zones, P poison, U the last owner.  Off, the fast
 * paths make no atomic operation, no arena search and no use of host
 * memory per page, and the checks are the hardened kernel's: a free to the
 * wrong cache or of no object slot is refused, SLUB's free pointers are
 * encoded, and a double free of the object just freed is refused.  Every
 * pointer a free list yields is checked to lie in its own slab, so a
 * double free that gets past that may hand an object out twice but never
 * makes the allocator write outside the cache's slabs.  Reports are
 * rate-limited, counted per kind in the cache, as lib/slub_kunit.c counts
 * them, and the misused free is refused, so the cache stays consistent.
 */

#include <linux/bitmap.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "slab.h"
#include "trace.h"

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
	[SMM_REPORT_FREELIST]		= "free list corrupted",
};

static_assert(ARRAY_SIZE(report_names) == SMM_REPORT_NR);

static const struct file_operations cache_fops;

static void cache_setup(struct smm_slab *sa, struct smm_kmem_cache *s, const char *name,
			unsigned int size, unsigned int align, unsigned int flags,
			void (*ctor)(void *));
static int cache_link(struct smm_kmem_cache *s);

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

/* slub_debug's letters that apply here, and their flags. */
static const struct {
	char letter;
	unsigned int flag;
} debug_letters[] = {
	{ 'f', SMM_SLAB_CONSISTENCY },
	{ 'z', SMM_SLAB_RED_ZONE },
	{ 'p', SMM_SLAB_POISON },
	{ 'u', SMM_SLAB_STORE_USER },
};

/* The flags of @n letters at @p: no letters is every check, "-" none. */
static int parse_letters(const char *field, const char *p, size_t n, unsigned int *flags)
{
	unsigned int f = 0;
	size_t i, k;

	if (!n) {
		*flags = SMM_SLAB_DEBUG_FLAGS;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == '-' && n == 1)
			break;
		for (k = 0; k < ARRAY_SIZE(debug_letters); k++)
			if (tolower(p[i]) == debug_letters[k].letter)
				break;
		if (k == ARRAY_SIZE(debug_letters)) {
			smm_bad_input(field, "'%c' is not one of F, Z, P, U or -", p[i]);
			return -EINVAL;
		}
		f |= debug_letters[k].flag;
	}
	*flags = f;
	return 0;
}

/**
 * smm_slab_parse_flags() - slub_debug letters, for one cache
 * @field: the field to name in a message
 * @letters: "F", "Z", "P", "U" in any mix and case; "" for all; "-" for none
 * @flags: the SMM_SLAB_* debug flags
 *
 * Return: 0, or -EINVAL for a letter that is not one of those.
 */
int smm_slab_parse_flags(const char *field, const char *letters, unsigned int *flags)
{
	return parse_letters(field, letters, strlen(letters), flags);
}

/* Does @pattern (@n bytes; a trailing '*' matches any rest) match @name? */
static bool name_matches(const char *pattern, size_t n, const char *name)
{
	if (n && pattern[n - 1] == '*')
		return !strncmp(pattern, name, n - 1);
	return strlen(name) == n && !strncmp(pattern, name, n);
}

/**
 * smm_slab_parse_debug() - parse ``slab_debug=``, or apply it to a cache
 * @spec: blocks separated by ';', each "letters[,cache[,cache...]]", as
 *	the kernel's slub_debug= (Documentation/mm/slub.rst): a block
 *	without caches is for every cache; a cache name may end in '*'
 * @cache: a cache name, or NULL only to check @spec
 * @flags: where the flags for @cache go, or NULL
 *
 * As kmem_cache_flags(): the first block that names @cache gives its
 * flags; else the block for every cache, if any; else none.  T, A and O,
 * the kernel's other letters, have nothing to act on here and are
 * refused.
 *
 * Return: 0, or -EINVAL (with a message) for a malformed @spec.
 */
int smm_slab_parse_debug(const char *spec, const char *cache, unsigned int *flags)
{
	unsigned int global = 0, named = 0;
	bool found = false;
	const char *p = spec;

	if (strlen(spec) >= SMM_SLAB_DEBUG_LEN) {
		smm_bad_input("slab_debug", "longer than %d characters", SMM_SLAB_DEBUG_LEN - 1);
		return -EINVAL;
	}
	for (;;) {
		size_t len = strcspn(p, ";"), n = strcspn(p, ",;");
		const char *end = p + len, *q;
		unsigned int f;
		int ret;

		ret = parse_letters("slab_debug", p, n, &f);
		if (ret)
			return ret;
		if (p + n == end)
			global = f;
		for (q = p + n; q < end; q += n) {
			q++;	/* the comma */
			n = strcspn(q, ",;");
			if (!n || n >= SMM_CACHE_NAME_LEN) {
				smm_bad_input("slab_debug", "a cache name must be 1..%d characters",
					      SMM_CACHE_NAME_LEN - 1);
				return -EINVAL;
			}
			if (cache && !found && name_matches(q, n, cache)) {
				found = true;
				named = f;
			}
		}
		if (!*end)
			break;
		p = end + 1;
	}
	if (flags)
		*flags = found ? named : global;
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

/**
 * smm_slab_obj_head() - the head page of the slab an object lies in, O(1)
 * @sa: the allocator
 * @obj: an address in the host's direct map
 * @off: where to store @obj's offset from the start of the slab
 *
 * virt_to_slab(): the host's struct page of every slab page carries the
 * page's shadow PFN plus one in its page->private, which is ours while we
 * own the page (see smm_slab_alloc_pages()).  The PFN is checked against
 * the section table before it is trusted: the section must be present
 * and must map back to this very host page, so a page of the host or of
 * another instance is refused, whatever its page->private holds.  A slab
 * never spans two sections, so its descriptors are one array and the
 * offset is plain arithmetic.
 *
 * Return: the head descriptor, or NULL if @obj is not in a slab page of
 * this allocator.  @obj must be a direct-map address (any kernel heap
 * pointer is); smm_slab_virt_to_head() takes any address.
 * Context: any.
 */
struct smm_page *smm_slab_obj_head(struct smm_slab *sa, const void *obj, unsigned long *off)
{
	struct page *hp = virt_to_page(obj);
	unsigned long pfn = page_private(hp) - 1;
	const struct smm_section *sec = smm_arena_section(sa->arena, pfn);
	unsigned long idx = pfn & SMM_SECTION_MASK;
	struct smm_page *page, *head;

	if (unlikely(!sec || idx - sec->first >= sec->nr ||
		     sec->host_pfn + idx != page_to_pfn(hp)))
		return NULL;
	page = &sec->memmap[idx - sec->first];
	if (unlikely(READ_ONCE(page->owner) != SMM_OWNER_SLAB))
		return NULL;
	head = smm_page_test(page, SMM_PG_HEAD) ? page : (struct smm_page *)page->private;
	*off = ((unsigned long)(page - head) << PAGE_SHIFT) + offset_in_page(obj);
	return head;
}

/*
 * Mark the host pages of a slab as ours (@on) or give the field back:
 * page->private of a page we allocated is the owner's, as it is a
 * filesystem's for its buffer heads.
 */
static void host_mark(struct smm_slab *sa, unsigned long pfn, unsigned int order, bool on)
{
	struct page *hp = smm_arena_pfn_to_host(sa->arena, pfn);
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		set_page_private(nth_page(hp, i), on ? pfn + i + 1 : 0);
}

/**
 * smm_slab_alloc_pages() - take the pages of a new slab (kmem_getpages())
 * @sa: the allocator
 * @s: the cache, or NULL for pages of no cache (SLOB's, a large kmalloc)
 * @gfp: SMM_GFP_* flags; never highmem
 * @order: pages = 2^@order
 *
 * The pages come from RECLAIMABLE pageblocks for a cache with
 * %SMM_SLAB_RECLAIM, from UNMOVABLE ones otherwise (in the modern era;
 * the 2.6.29 era has only UNMOVABLE).
 *
 * Return: the head page, owned by the slab layer, or NULL.
 * Context: any context the buddy allocator accepts; does not sleep.
 */
struct smm_page *smm_slab_alloc_pages(struct smm_slab *sa, struct smm_kmem_cache *s,
				      unsigned int gfp, unsigned int order)
{
	struct smm_page *head;
	unsigned long pfn, i;

	/*
	 * SLAB_RECLAIM_ACCOUNT's caches take RECLAIMABLE pageblocks
	 * (__GFP_RECLAIMABLE), the rest UNMOVABLE ones.
	 */
	if (s && (s->flags & SMM_SLAB_RECLAIM))
		gfp |= __SMM_GFP_RECLAIMABLE;
	head = smm_alloc_pages(sa->buddy, (gfp & (__SMM_GFP_HIGH | __SMM_GFP_RECLAIMABLE)) |
			       SMM_GFP_KERNEL | __SMM_GFP_SITE(SMM_SITE_SLAB), order);
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
	host_mark(sa, pfn, order, true);
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

	host_mark(sa, pfn, order, false);
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
	return (s->flags & SMM_SLAB_POISON) && !s->ctor && s->sa->strategy != SMM_SLAB_SLOB;
}

static inline u64 *obj_state(const struct smm_kmem_cache *s, void *obj)
{
	return obj + s->state_off;
}

static inline struct smm_slab_track *obj_track(const struct smm_kmem_cache *s, void *obj)
{
	return obj + s->track_off;
}

/**
 * smm_slab_init_object() - prepare a new slot (init_object())
 * @s: the cache
 * @obj: the slot
 *
 * What the cache's debug flags ask for: red zones inactive (Z), the object
 * poisoned as if it had been freed (P), the state word free (F), no owner
 * yet (U).  Nothing at all for a cache without debug flags.
 */
void smm_slab_init_object(struct smm_kmem_cache *s, void *obj)
{
	void *user = smm_slab_obj_user(s, obj);

	if (likely(!(s->flags & SMM_SLAB_DEBUG_FLAGS)))
		return;
	if (s->flags & SMM_SLAB_RED_ZONE) {
		memset(obj, SMM_RED_INACTIVE, s->red_left);
		memset(user + s->object_size, SMM_RED_INACTIVE, SMM_REDZONE);
	}
	if (debug_poison(s)) {
		memset(user, SMM_POISON_FREE, s->object_size - 1);
		((u8 *)user)[s->object_size - 1] = SMM_POISON_END;
	}
	if (s->flags & SMM_SLAB_CONSISTENCY)
		WRITE_ONCE(*obj_state(s, obj), SMM_OBJ_FREE);
	if (s->flags & SMM_SLAB_STORE_USER)
		memset(obj_track(s, obj), 0, 2 * sizeof(struct smm_slab_track));
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

/* set_track(): U's record of the last allocation (0) or free (1). */
static void set_track(struct smm_kmem_cache *s, void *obj, int which, unsigned long addr)
{
	struct smm_slab_track *t = &obj_track(s, obj)[which];

	t->addr = addr;
	t->pid = current->pid;
	t->cpu = raw_smp_processor_id();
	t->when = jiffies;
}

/* print_tracking(): where a misused object was allocated and freed. */
static void print_tracks(struct smm_kmem_cache *s, void *obj)
{
	static const char *const what[] = { "allocated", "freed" };
	struct smm_slab_track *t = obj_track(s, obj);
	int i;

	if (!(s->flags & SMM_SLAB_STORE_USER))
		return;
	for (i = 0; i < 2; i++)
		if (t[i].addr)
			pr_warn_ratelimited("shadow_mm: slab %s: last %s by %pS, pid %d, cpu %d, %lu jiffies ago\n",
					    s->name, what[i], (void *)t[i].addr, t[i].pid,
					    t[i].cpu, jiffies - t[i].when);
}

/*
 * alloc_debug_processing(): the checks when an object is handed out; then
 * mark it allocated.  False if it must not be handed out: its state word
 * says it already is (a free list that held it twice).  It is then left
 * out of circulation.
 */
static bool debug_alloc(struct smm_kmem_cache *s, void *obj, unsigned long caller)
{
	u8 *user = smm_slab_obj_user(s, obj);

	if (s->flags & SMM_SLAB_CONSISTENCY) {
		u64 old = cmpxchg64(obj_state(s, obj), SMM_OBJ_FREE, SMM_OBJ_ALLOCATED);

		if (old != SMM_OBJ_FREE) {
			smm_slab_report(s, SMM_REPORT_FREELIST, user, "handed out while %s",
					old == SMM_OBJ_ALLOCATED ? "allocated" :
					"its state word is overwritten");
			print_tracks(s, obj);
			return false;
		}
	}
	if (debug_poison(s) &&
	    (!bytes_are(user, SMM_POISON_FREE, s->object_size - 1) ||
	     user[s->object_size - 1] != SMM_POISON_END)) {
		smm_slab_report(s, SMM_REPORT_POISON, user, "freed object was written to");
		print_tracks(s, obj);
	}
	if (s->flags & SMM_SLAB_RED_ZONE) {
		if (!bytes_are(obj, SMM_RED_INACTIVE, s->red_left) ||
		    !bytes_are(user + s->object_size, SMM_RED_INACTIVE, SMM_REDZONE))
			smm_slab_report(s, SMM_REPORT_REDZONE, user, "red zone of a free object");
		memset(obj, SMM_RED_ACTIVE, s->red_left);
		memset(user + s->object_size, SMM_RED_ACTIVE, SMM_REDZONE);
	}
	if (s->flags & SMM_SLAB_STORE_USER)
		set_track(s, obj, 0, caller);
	return true;
}

/*
 * free_debug_processing(): the checks when an object comes back; then
 * poison it.  -EINVAL, and nothing changes, if the state word says it is
 * not allocated: a double free, caught exactly.
 */
static int debug_free(struct smm_kmem_cache *s, void *obj, unsigned long caller)
{
	u8 *user = smm_slab_obj_user(s, obj);

	if (s->flags & SMM_SLAB_CONSISTENCY) {
		u64 old = cmpxchg64(obj_state(s, obj), SMM_OBJ_ALLOCATED, SMM_OBJ_FREE);

		if (old != SMM_OBJ_ALLOCATED) {
			if (old == SMM_OBJ_FREE)
				smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not allocated");
			else
				smm_slab_report(s, SMM_REPORT_REDZONE, user,
						"state word overwritten");
			print_tracks(s, obj);
			return -EINVAL;
		}
	}
	if (s->flags & SMM_SLAB_RED_ZONE) {
		if (!bytes_are(obj, SMM_RED_ACTIVE, s->red_left))
			smm_slab_report(s, SMM_REPORT_REDZONE, user, "left red zone overwritten");
		if (!bytes_are(user + s->object_size, SMM_RED_ACTIVE, SMM_REDZONE))
			smm_slab_report(s, SMM_REPORT_REDZONE, user, "right red zone overwritten");
	}
	if (s->flags & SMM_SLAB_STORE_USER)
		set_track(s, obj, 1, caller);
	if (s->flags & SMM_SLAB_RED_ZONE) {
		memset(obj, SMM_RED_INACTIVE, s->red_left);
		memset(user + s->object_size, SMM_RED_INACTIVE, SMM_REDZONE);
	}
	if (debug_poison(s)) {
		memset(user, SMM_POISON_FREE, s->object_size - 1);
		user[s->object_size - 1] = SMM_POISON_END;
	}
	return 0;
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
	/* kmem_cache_flags(): slab_debug= adds its flags to the caches it names. */
	if (sa->debug) {
		unsigned int extra;

		if (!smm_slab_parse_debug(sa->debug, name, &extra))
			flags |= extra;
	}

	/*
	 * A name in use is refused before anything is allocated, as
	 * kmem_cache_create() walked cache_chain first: a refused create
	 * leaves no trace in cache_cache or the kmalloc caches.  cache_link()
	 * checks again, under the lock, for a create racing this one.
	 */
	mutex_lock(&sa->lock);
	s = smm_kmem_cache_find(sa, name);
	mutex_unlock(&sa->lock);
	if (s) {
		smm_bad_input("cache.name", "'%s' exists", name);
		return ERR_PTR(-EEXIST);
	}
	s = smm_host_kvcalloc(sa->arena, SMM_HOST_SLAB, 1, sizeof(*s));
	if (!s)
		return ERR_PTR(-ENOMEM);
	cache_setup(sa, s, name, size, align, flags, ctor);
	ret = sa->ops->create(s);
	if (ret) {
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, s, 1, sizeof(*s));
		return ERR_PTR(ret);
	}
	ret = cache_link(s);
	if (ret) {
		sa->ops->release(s);
		smm_host_kvfree(sa->arena, SMM_HOST_SLAB, s, 1, sizeof(*s));
		return ERR_PTR(ret);
	}
	return s;
}

/**
 * smm_kmem_cache_boot() - set up a cache with a static descriptor
 * @sa: the allocator
 * @s: the descriptor, zeroed, which the caller owns (SLAB's cache_cache)
 * @name: its name
 * @size: object size
 * @flags: SMM_SLAB_* flags; slab_debug= adds its own as for any cache
 *
 * create_boot_cache(): as smm_kmem_cache_create(), but nothing is
 * allocated for the descriptor, and no user may destroy the cache: it goes
 * at teardown, and its descriptor is not freed.
 *
 * Return: 0, or -errno from the strategy.
 * Context: process context, while the allocator is brought up; sleeps.
 */
int smm_kmem_cache_boot(struct smm_slab *sa, struct smm_kmem_cache *s, const char *name,
			unsigned int size, unsigned int flags)
{
	int ret;

	if (sa->debug) {
		unsigned int extra;

		if (!smm_slab_parse_debug(sa->debug, name, &extra))
			flags |= extra;
	}
	cache_setup(sa, s, name, size, 0, flags, NULL);
	s->refcount = 0;
	ret = sa->ops->create(s);
	if (ret)
		return ret;
	ret = cache_link(s);
	if (ret)
		sa->ops->release(s);
	return ret;
}

/* Everything of a new cache's descriptor but the strategy's part. */
static void cache_setup(struct smm_slab *sa, struct smm_kmem_cache *s, const char *name,
			unsigned int size, unsigned int align, unsigned int flags,
			void (*ctor)(void *))
{
	unsigned int inner;

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
	 * The layout, each part only where its flag asks for it:
	 * [red zone][object][red zone][state word][tracks][free pointer].
	 * SLOB keeps its header right before the object: no left red zone.
	 */
	if ((flags & SMM_SLAB_RED_ZONE) && sa->strategy != SMM_SLAB_SLOB)
		s->red_left = max_t(unsigned int, SMM_REDZONE, s->align);
	inner = s->red_left + ALIGN(size, sizeof(void *));
	if (flags & SMM_SLAB_RED_ZONE)
		inner += SMM_REDZONE;
	if (flags & SMM_SLAB_CONSISTENCY) {
		s->state_off = inner;
		inner += sizeof(u64);
	}
	if (flags & SMM_SLAB_STORE_USER) {
		s->track_off = inner;
		inner += 2 * sizeof(struct smm_slab_track);
	}
	/* SLUB keeps the free pointer outside objects it must not clobber. */
	if (sa->strategy == SMM_SLAB_SLUB && (ctor || debug_poison(s))) {
		s->offset = inner;
		inner += sizeof(void *);
	}
	s->size = ALIGN(inner, s->align);
	s->reciprocal_size = reciprocal_value(s->size);
}

/* Put a new cache on the list, unless its name is taken: -EEXIST. */
static int cache_link(struct smm_kmem_cache *s)
{
	struct smm_slab *sa = s->sa;

	mutex_lock(&sa->lock);
	if (smm_kmem_cache_find(sa, s->name)) {
		mutex_unlock(&sa->lock);
		smm_bad_input("cache.name", "'%s' exists", s->name);
		return -EEXIST;
	}
	list_add_tail_rcu(&s->node, &sa->caches);
	if (sa->debugfs_dir)
		s->debugfs = debugfs_create_file(s->name, 0400, sa->debugfs_dir, s, &cache_fops);
	mutex_unlock(&sa->lock);
	return 0;
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
	/* SLOB's kfree() may be looking at it (known_cache()). */
	if (sa->strategy == SMM_SLAB_SLOB)
		synchronize_rcu();
	sa->ops->release(s);
	/* cache_cache's descriptor is part of the allocator. */
	if (s != &sa->cache_cache)
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
		smm_bad_input("cache", "%s is a kmalloc or boot cache; it is not destroyed",
			      s->name);
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
	list_del_rcu(&s->node);
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

/*
 * The strategy's hot path, by a switch rather than through the ops table:
 * with retpolines, an indirect call on every allocation costs more than
 * the SLUB fast path itself.
 */
static __always_inline void *strategy_alloc(struct smm_kmem_cache *s, unsigned int gfp)
{
	switch (s->sa->strategy) {
	case SMM_SLAB_SLUB:
		return smm_slub_alloc(s, gfp);
	case SMM_SLAB_SLAB:
		return smm_slab_slab_alloc(s, gfp);
	default:
		return smm_slob_alloc(s, gfp);
	}
}

static __always_inline int strategy_free(struct smm_kmem_cache *s, void *obj)
{
	switch (s->sa->strategy) {
	case SMM_SLAB_SLUB:
		return smm_slub_free(s, obj);
	case SMM_SLAB_SLAB:
		return smm_slab_slab_free(s, obj);
	default:
		return smm_slob_free(s, obj);
	}
}

static void *cache_alloc(struct smm_kmem_cache *s, unsigned int gfp, unsigned long caller)
{
	struct smm_slab *sa = s->sa;
	void *obj, *user;

	if (unlikely(READ_ONCE(*sa->broken)))
		return NULL;
	/*
	 * should_failslab(), in slab_pre_alloc_hook(); never for the
	 * bootstrap cache, as __should_failslab() exempts kmem_cache.
	 */
	if (unlikely(smm_fail_armed(&sa->failslab)) && s != &sa->cache_cache &&
	    smm_should_fail(&sa->failslab, s->object_size))
		return NULL;
	obj = strategy_alloc(s, gfp);
	if (unlikely(!obj))
		return NULL;
	if (unlikely(s->flags & SMM_SLAB_DEBUG_FLAGS) && !debug_alloc(s, obj, caller))
		return NULL;
	user = smm_slab_obj_user(s, obj);
	if (gfp & __SMM_GFP_ZERO)
		memset(user, 0, s->object_size);
	return user;
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
	void *ret = cache_alloc(s, gfp, _RET_IP_);

	trace_smm_kmem_cache_alloc(s, _RET_IP_, ret, gfp);
	return ret;
}

/*
 * The checks of slab_debug=F: @user must lie in the arena (a search of the
 * runs, which trusts nothing), in a slab page, at the start of an object
 * slot of @s.  Then the state word makes a double free exact.
 */
static int cache_free_checked(struct smm_kmem_cache *s, const void *user, unsigned long caller)
{
	struct smm_slab *sa = s->sa;
	struct smm_kmem_cache *owner;
	struct smm_page *head;
	unsigned long pfn, off;
	void *obj;
	int ret;

	head = lookup(sa, user, &pfn);
	if (unlikely(!head)) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not a slab object");
		return -EINVAL;
	}
	off = ((pfn - smm_page_to_pfn(sa->arena, head)) << PAGE_SHIFT) + offset_in_page(user);
	owner = sa->ops->obj_cache(sa, head, user, off);
	if (unlikely(!owner)) {
		smm_slab_report(s, SMM_REPORT_DOUBLE_FREE, user, "not the start of an object");
		return -EINVAL;
	}
	if (unlikely(owner != s)) {
		smm_slab_report(s, SMM_REPORT_WRONG_CACHE, user, "belongs to %s", owner->name);
		return -EINVAL;
	}
	obj = smm_slab_obj_base(s, user);
	ret = debug_free(s, obj, caller);
	return ret ? ret : strategy_free(s, obj);
}

static int cache_free(struct smm_kmem_cache *s, const void *user, unsigned long caller)
{
	void *obj;
	int ret;

	if (unlikely(s->flags & SMM_SLAB_CONSISTENCY))
		return cache_free_checked(s, user, caller);
	obj = smm_slab_obj_base(s, user);
	if (unlikely(s->flags & SMM_SLAB_DEBUG_FLAGS)) {
		ret = debug_free(s, obj, caller);
		if (ret)
			return ret;
	}
	return strategy_free(s, obj);
}

/**
 * smm_kmem_cache_free() - free an object (kmem_cache_free())
 * @s: the cache it was allocated from
 * @user: the object
 *
 * Without slab_debug=F this trusts @user as far as the kernel does, and no
 * further than keeps the damage inside the cache: a pointer into another
 * cache, or to no object slot, is refused, a naive double free (the object
 * just freed, freed again) is refused, and every pointer a free list yields
 * is checked to lie in its own slab.  A double free the checks miss may
 * hand one object out twice; it never makes the allocator write outside
 * the slabs of this cache.  With F, every misuse is caught exactly.
 *
 * Return: 0; -EINVAL, reported and counted, for a misuse that was caught.
 * Then nothing changes.
 * Context: process context; does not sleep.
 */
int smm_kmem_cache_free(struct smm_kmem_cache *s, void *user)
{
	trace_smm_kmem_cache_free(s, _RET_IP_, user);
	return cache_free(s, user, _RET_IP_);
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
	atomic_long_add(1L << order, &sa->large_pages);
	if (gfp & __SMM_GFP_ZERO)
		memset(addr, 0, PAGE_SIZE << order);
	return addr;
}

/*
 * Clear a flag of a page that others may test at the same time: only one
 * of two racing kfree() calls of the same large kmalloc wins.
 */
static bool page_test_and_clear(struct smm_page *page, enum smm_pageflags f)
{
	u32 old = READ_ONCE(page->flags);

	do {
		if (!(old & BIT(f)))
			return false;
	} while (!try_cmpxchg(&page->flags, &old, old & ~BIT(f)));
	return true;
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
	struct smm_kmem_cache *s = NULL;
	void *p;
	int idx;

	if (!size)
		return ZERO_SIZE_PTR;
	if (unlikely(READ_ONCE(*sa->broken)))
		return NULL;
	if (sa->ops->small_alloc) {
		/* SLOB: its own lists, or whole pages; it has no size classes. */
		if (size > sa->ops->small_max) {
			p = large_kmalloc(sa, size, gfp);
			goto out;
		}
		if (unlikely(smm_fail_armed(&sa->failslab)) && smm_should_fail(&sa->failslab, size))
			p = NULL;
		else
			p = sa->ops->small_alloc(sa, size, gfp);
		if (p && (gfp & __SMM_GFP_ZERO))
			memset(p, 0, size);
		goto out;
	}
	idx = smm_kmalloc_index(size);
	if (idx < 0) {
		p = large_kmalloc(sa, size, gfp);
		goto out;
	}
	s = sa->kmalloc_caches[idx];
	p = cache_alloc(s, gfp, _RET_IP_);
out:
	trace_smm_kmalloc(sa, s, _RET_IP_, p, size, gfp);
	return p;
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
 * The owner is found through the page descriptor, in O(1) from the host
 * page (smm_slab_obj_head()): a large kmalloc goes back to the buddy
 * allocator, anything else to its cache, with that cache's checks (see
 * smm_kmem_cache_free()).  A pointer into the host's direct map that is
 * not in a slab page of this allocator is refused; one outside the direct
 * map is a bug of the caller, as it is for the kernel's kfree().
 *
 * Return: 0, or -EINVAL, reported and counted, for memory that is caught
 * not being an allocated object.  Then nothing changes.
 * Context: process context; does not sleep.
 */
int smm_kfree(struct smm_slab *sa, const void *obj)
{
	struct smm_kmem_cache *s;
	struct smm_page *head;
	unsigned long off;

	trace_smm_kfree(sa, _RET_IP_, obj);
	if (ZERO_OR_NULL_PTR(obj))
		return 0;
	head = smm_slab_obj_head(sa, obj, &off);
	if (unlikely(!head))
		return bad_kfree(sa, obj, "not a slab object");
	s = head->mapping;
	if (likely(s))
		return cache_free(s, obj, _RET_IP_);
	if (smm_page_test(head, SMM_PG_LARGE_KMALLOC)) {
		if (obj != smm_slab_page_addr(sa, head) ||
		    !page_test_and_clear(head, SMM_PG_LARGE_KMALLOC))
			return bad_kfree(sa, obj, "large kmalloc not allocated here");
		atomic_long_sub(1L << head->order, &sa->large_pages);
		smm_slab_free_pages(sa, head);
		return 0;
	}
	if (!sa->ops->small_free)
		return bad_kfree(sa, obj, "not the start of an object");
	/* SLOB: a cache's object, told by its header, or kmalloc memory. */
	s = sa->ops->obj_cache(sa, head, obj, off);
	if (s)
		return cache_free(s, obj, _RET_IP_);
	return sa->ops->small_free(sa, head, obj);
}

/**
 * smm_ksize() - the usable size of kmalloc() memory (ksize())
 * @sa: the allocator
 * @obj: the memory
 *
 * Return: the bytes the caller may use, or 0 for memory that is not in a
 * slab page or not the start of an object.  A freed object of a cache
 * without slab_debug=F still gives its size, as on the kernel: only F's
 * state word tells it from a live one (SLOB's header tells it always).
 */
size_t smm_ksize(struct smm_slab *sa, const void *obj)
{
	struct smm_kmem_cache *s;
	struct smm_page *head;
	unsigned long pfn, off;

	if (ZERO_OR_NULL_PTR(obj) || !IS_ALIGNED((unsigned long)obj, 8))
		return 0;
	head = lookup(sa, obj, &pfn);
	if (!head)
		return 0;
	if (smm_page_test(head, SMM_PG_LARGE_KMALLOC))
		return obj == smm_slab_page_addr(sa, head) ? PAGE_SIZE << head->order : 0;
	off = ((pfn - smm_page_to_pfn(sa->arena, head)) << PAGE_SHIFT) + offset_in_page(obj);
	s = sa->ops->obj_cache(sa, head, obj, off);
	if (s) {
		/* Only F knows an object from a free slot; SLOB's header does too. */
		if ((s->flags & SMM_SLAB_CONSISTENCY) &&
		    READ_ONCE(*obj_state(s, smm_slab_obj_base(s, obj))) != SMM_OBJ_ALLOCATED)
			return 0;
		return s->object_size;
	}
	return sa->ops->small_size ? sa->ops->small_size(sa, head, obj) : 0;
}

/**
 * smm_slab_init() - set up a slab allocator and its kmalloc caches
 * @sa: the allocator
 * @b: the buddy allocator below it
 * @broken: the instance's broken flag
 * @strategy: which allocator
 * @debug: slab_debug= for its caches (see smm_slab_parse_debug()), or
 *	NULL; kept, not copied, for the allocator's lifetime
 * @tl: the bring-up timeline the bootstrap steps are recorded in, or NULL
 *
 * kmem_cache_init(), which each strategy does its own way: SLAB
 * bootstraps cache_cache and the size classes from static arrays (see
 * slab_slab.c), SLUB creates the size classes, SLOB serves kmalloc from
 * its own lists.  Each records its steps in @tl.
 *
 * Return: 0, -EINVAL for an unknown strategy or a bad @debug, or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_slab_init(struct smm_slab *sa, struct smm_buddy *b, bool *broken,
		  enum smm_slab_strategy strategy, const char *debug,
		  struct smm_timeline *tl)
{
	static const struct smm_slab_ops *const ops[SMM_SLAB_NR] = {
		[SMM_SLAB_SLAB] = &smm_slab_ops_slab,
		[SMM_SLAB_SLUB] = &smm_slab_ops_slub,
		[SMM_SLAB_SLOB] = &smm_slab_ops_slob,
	};
	int ret;

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
	if (debug) {
		ret = smm_slab_parse_debug(debug, NULL, NULL);
		if (ret)
			return ret;
		sa->debug = debug;
	}
	ret = sa->ops->init(sa, tl);
	if (ret)
		smm_slab_destroy(sa);
	return ret;
}

/**
 * smm_slab_create_kmalloc() - create one size class (create_kmalloc_cache())
 * @sa: the allocator, being brought up
 * @index: the class
 *
 * Return: 0, or -errno of smm_kmem_cache_create().
 * Context: process context; sleeps.
 */
int smm_slab_create_kmalloc(struct smm_slab *sa, int index)
{
	char name[SMM_CACHE_NAME_LEN];
	struct smm_kmem_cache *s;

	if (SMM_WARN_ON(sa->broken, index < 0 || index >= SMM_KMALLOC_CLASSES ||
			sa->kmalloc_caches[index]))
		return -EINVAL;
	snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[index]);
	s = smm_kmem_cache_create(sa, name, kmalloc_sizes[index], 0, 0, NULL);
	if (IS_ERR(s))
		return PTR_ERR(s);
	s->refcount = 0;
	sa->kmalloc_caches[index] = s;
	return 0;
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
	if (sa->ops->shutdown)
		sa->ops->shutdown(sa);
	mutex_lock(&sa->lock);
	list_for_each_entry_safe_reverse(s, tmp, &sa->caches, node) {
		unsigned long live = live_objects(s);

		if (live && s->refcount)
			pr_info("shadow_mm: slab %s: %lu objects still allocated at teardown\n",
				s->name, live);
		list_del_rcu(&s->node);
		mutex_unlock(&sa->lock);
		cache_free_unlinked(s);
		mutex_lock(&sa->lock);
	}
	mutex_unlock(&sa->lock);
	sa->ops->destroy(sa);
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
	seq_puts(m, "debug:         ");
	if (!(s->flags & SMM_SLAB_DEBUG_FLAGS))
		seq_puts(m, "off");
	for (r = 0; r < ARRAY_SIZE(debug_letters); r++)
		if (s->flags & debug_letters[r].flag)
			seq_putc(m, toupper(debug_letters[r].letter));
	seq_printf(m, "%s\n", (s->flags & SMM_SLAB_POISON) && !debug_poison(s) ?
		   " (no poison: constructed or SLOB objects keep their contents)" : "");
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
