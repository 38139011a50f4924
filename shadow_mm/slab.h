/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_SLAB_H
#define _SHADOW_MM_SLAB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reciprocal_div.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "buddy.h"
#include "timeline.h"

/**
 * enum smm_slab_strategy - the three slab allocators
 * @SMM_SLAB_SLAB: Bonwick's slab as in Linux 2.6: three lists, per-CPU
 *	array caches, colouring, the bufctl free-index array
 * @SMM_SLAB_SLUB: per-CPU active slab, freelist threaded through the free
 *	objects, partial lists, metadata in the page descriptor, no queues
 * @SMM_SLAB_SLOB: page-sized blocks, first fit inside them, separate lists
 *	for small, medium and large requests
 * @SMM_SLAB_NR: number of strategies
 */
enum smm_slab_strategy {
	SMM_SLAB_SLAB,
	SMM_SLAB_SLUB,
	SMM_SLAB_SLOB,
	SMM_SLAB_NR,
};

/*
 * Cache flags.  The debug flags are slub_debug's letters (see
 * smm_slab_parse_debug()): F, Z, P and U.
 */
#define SMM_SLAB_HWCACHE_ALIGN	BIT(0)	/* align objects to cache lines */
#define SMM_SLAB_RED_ZONE	BIT(1)	/* Z: red zones around each object */
#define SMM_SLAB_RECLAIM	BIT(2)	/* counted as SReclaimable */
#define SMM_SLAB_CONSISTENCY	BIT(3)	/* F: exact double-free and sanity checks */
#define SMM_SLAB_POISON		BIT(4)	/* P: poison free objects */
#define SMM_SLAB_STORE_USER	BIT(5)	/* U: record who allocated and freed */
#define SMM_SLAB_DEBUG_FLAGS	(SMM_SLAB_CONSISTENCY | SMM_SLAB_RED_ZONE | \
				 SMM_SLAB_POISON | SMM_SLAB_STORE_USER)
/* slub_debug with no letters: every check (FZPU) */
#define SMM_SLAB_DEBUG		SMM_SLAB_DEBUG_FLAGS
#define SMM_SLAB_FLAGS_ALL	0x3fU

/* Red zone and poison bytes, as include/linux/poison.h has them. */
#define SMM_RED_INACTIVE	0xbb
#define SMM_RED_ACTIVE		0xcc
#define SMM_POISON_FREE		0x6b
#define SMM_POISON_END		0xa5
#define SMM_REDZONE		8	/* bytes on each side of a debug object */

/*
 * The state word of a cache with %SMM_SLAB_CONSISTENCY, after the object:
 * it changes only by cmpxchg, from free to allocated and back, so a double
 * free is caught exactly, even when two CPUs free the same object at once
 * (SLAB's redzone words did this with RED_ACTIVE/RED_INACTIVE).
 */
#define SMM_OBJ_FREE		0x6b6b6b6b6b6b6ba5ULL
#define SMM_OBJ_ALLOCATED	0x1ea5ed0b1ea5ed0bULL

/* The kmalloc size classes: 8, 16, 32, 64, 96, 128, 192, 256, 512 ... 8K. */
#define SMM_KMALLOC_CLASSES	13
#define SMM_KMALLOC_MAX_CACHE	8192

#define SMM_CACHE_NAME_LEN	32
/* The longest slab_debug= string, with its NUL. */
#define SMM_SLAB_DEBUG_LEN	128

/**
 * enum smm_slab_report - kinds of misuse a cache detects and counts
 * @SMM_REPORT_DOUBLE_FREE: an object freed while not allocated
 * @SMM_REPORT_WRONG_CACHE: an object freed to a cache it is not from
 * @SMM_REPORT_REDZONE: a red zone overwritten (an overflow)
 * @SMM_REPORT_POISON: a freed object written to (a use after free)
 * @SMM_REPORT_FREELIST: a free list or a slab's counts found corrupted
 *	(the mark of a double free when %SMM_SLAB_CONSISTENCY is off); the
 *	rest of that free list is abandoned rather than followed
 * @SMM_REPORT_NR: number of kinds
 */
enum smm_slab_report {
	SMM_REPORT_DOUBLE_FREE,
	SMM_REPORT_WRONG_CACHE,
	SMM_REPORT_REDZONE,
	SMM_REPORT_POISON,
	SMM_REPORT_FREELIST,
	SMM_REPORT_NR,
};

/**
 * struct smm_slab_track - who last allocated or freed an object (U)
 * @addr: the caller
 * @pid: the task
 * @cpu: the CPU
 * @when: jiffies
 */
struct smm_slab_track {
	unsigned long addr;
	int pid;
	int cpu;
	unsigned long when;
};

struct smm_slab;

/**
 * struct smm_kmem_cache - a cache of objects of one size
 * @name: shown in slabinfo
 * @sa: the slab allocator it belongs to
 * @object_size: what the user asked for
 * @size: the stride of one object in a slab, with alignment and red zones
 * @align: object alignment
 * @flags: SMM_SLAB_* flags
 * @ctor: constructor, or NULL
 * @order: pages per slab = 2^@order (gfporder)
 * @num: objects per slab
 * @colour: number of colour offsets (SLAB)
 * @colour_off: distance between two colours (SLAB)
 * @offset: SLUB: where the free pointer lives in a free object
 * @random: SLUB: the free pointers' key (CONFIG_SLAB_FREELIST_HARDENED)
 * @red_left: bytes of red zone before the object (debug caches), so the
 *	user's pointer is the slot's start plus @red_left
 * @state_off: %SMM_SLAB_CONSISTENCY: offset of the state word in the slot
 * @track_off: %SMM_SLAB_STORE_USER: offset of the two tracks (alloc, free)
 * @reciprocal_size: @size for reciprocal_divide(), as obj_to_index() uses
 * @reports: misuse detected, per enum smm_slab_report
 * @refcount: 1; 0 for a kmalloc cache, which no user may destroy
 * @node: linkage in &smm_slab.caches
 * @debugfs: its ``slab/<name>`` file, or NULL; under &smm_slab.lock
 * @priv: the strategy's own state
 */
struct smm_kmem_cache {
	char name[SMM_CACHE_NAME_LEN];
	struct smm_slab *sa;
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int flags;
	void (*ctor)(void *obj);
	unsigned int order;
	unsigned int num;
	unsigned int colour;
	unsigned int colour_off;
	unsigned int offset;
	unsigned long random;
	unsigned int red_left;
	unsigned int state_off;
	unsigned int track_off;
	struct reciprocal_value reciprocal_size;
	atomic_long_t reports[SMM_REPORT_NR];
	unsigned int refcount;
	struct list_head node;
	struct dentry *debugfs;
	void *priv;
};

/**
 * struct smm_slabinfo - one line of slabinfo
 * @active_objs: objects handed out
 * @num_objs: objects in all slabs
 * @active_slabs: slabs with at least one object handed out
 * @num_slabs: all slabs
 * @limit: per-CPU queue limit (SLAB), else 0
 * @batchcount: per-CPU queue batch (SLAB), else 0
 * @shared: shared queue factor (SLAB), else 0
 * @pages: pages held by the cache
 */
struct smm_slabinfo {
	unsigned long active_objs;
	unsigned long num_objs;
	unsigned long active_slabs;
	unsigned long num_slabs;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	unsigned long pages;
};

/**
 * struct smm_slab_ops - one strategy
 * @name: "slab", "slub" or "slob"
 * @init: set the strategy up for an allocator
 * @destroy: tear it down
 * @create: compute a new cache's layout and set up @priv
 * @release: free a cache's slabs and @priv; the cache has no live objects
 * @shrink: return free slabs to the buddy allocator; returns pages freed
 * @flush: give every per-CPU cached object back to the slabs
 * @info: fill a slabinfo line
 * @show: print the per-cache detail
 * @small_alloc: serve kmalloc() itself up to @small_max bytes, or NULL to
 *	use the kmalloc caches
 * @small_max: the largest request @small_alloc serves
 * @small_free: free memory of @small_alloc
 * @small_size: usable size of such memory
 * @obj_cache: the cache whose object starts at @obj, @off bytes into the
 *	slab of head @page; NULL if no object of a cache starts there
 * @pages: pages held outside the caches (SLOB's shared pages)
 * @shutdown: called before the caches are released at teardown, or NULL;
 *	SLAB gives back every cache's per-CPU arrays first, since they live
 *	in the kmalloc caches that are released along with the rest
 */
struct smm_slab_ops {
	const char *name;
	int (*init)(struct smm_slab *sa, struct smm_timeline *tl);
	void (*destroy)(struct smm_slab *sa);
	void (*shutdown)(struct smm_slab *sa);
	int (*create)(struct smm_kmem_cache *s);
	void (*release)(struct smm_kmem_cache *s);
	unsigned long (*shrink)(struct smm_kmem_cache *s);
	void (*flush)(struct smm_kmem_cache *s);
	void (*info)(struct smm_kmem_cache *s, struct smm_slabinfo *info);
	void (*show)(struct seq_file *m, struct smm_kmem_cache *s);
	void *(*small_alloc)(struct smm_slab *sa, size_t size, unsigned int gfp);
	size_t small_max;
	int (*small_free)(struct smm_slab *sa, struct smm_page *page, const void *obj);
	size_t (*small_size)(struct smm_slab *sa, struct smm_page *page, const void *obj);
	struct smm_kmem_cache *(*obj_cache)(struct smm_slab *sa, struct smm_page *page,
					    const void *obj, unsigned long off);
	unsigned long (*pages)(struct smm_slab *sa);
};

/**
 * struct smm_array_cache - one CPU's stack of free objects (SLAB's array_cache)
 * @avail: objects on the stack
 * @limit: the stack's capacity; 0 for &smm_slab.no_array
 * @batchcount: objects moved at a time
 * @touched: used since the last reap
 * @entry: the objects, the hottest last
 *
 * Touched only by its own CPU with preemption disabled, or by the thread
 * that bootstraps or tears down the allocator when no one else can.
 */
struct smm_array_cache {
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	void *entry[];
};

/* The capacity of the bootstrap arrays (mm/slab.c's BOOT_CPUCACHE_ENTRIES). */
#define SMM_BOOT_CPUCACHE_ENTRIES	1

/**
 * struct smm_arraycache_init - an array_cache with room for the boot entries
 * @cache: the array
 * @entries: its %SMM_BOOT_CPUCACHE_ENTRIES slots
 *
 * mm/slab.c's struct arraycache_init: the static initarray_cache and
 * initarray_generic, and the size of each kmalloc'd array until
 * enable_cpucache(); that size picks the INDEX_AC kmalloc class.
 */
struct smm_arraycache_init {
	struct smm_array_cache cache;
	void *entries[SMM_BOOT_CPUCACHE_ENTRIES];
};

/**
 * enum smm_cpucache_up - how far SLAB's bootstrap has come (g_cpucache_up)
 * @SMM_CPUCACHE_NONE: only cache_cache, on initarray_cache; the next cache
 *	created (the INDEX_AC kmalloc cache) gets initarray_generic
 * @SMM_CPUCACHE_PARTIAL_AC: kmalloc() of an arraycache_init works, so new
 *	caches get kmalloc'd arrays of %SMM_BOOT_CPUCACHE_ENTRIES
 * @SMM_CPUCACHE_EARLY: the static arrays are replaced by kmalloc'd ones
 * @SMM_CPUCACHE_FULL: enable_cpucache() has run for every cache; a new
 *	cache gets arrays at its tuned limit directly
 */
enum smm_cpucache_up {
	SMM_CPUCACHE_NONE,
	SMM_CPUCACHE_PARTIAL_AC,
	SMM_CPUCACHE_EARLY,
	SMM_CPUCACHE_FULL,
};

/**
 * struct smm_slab - the slab allocator of one instance
 * @buddy: where slabs come from
 * @arena: the memory
 * @broken: the instance's broken flag
 * @strategy: which allocator
 * @ops: its operations
 * @lock: protects @caches (kmem_cache_create/destroy/shrink, slabinfo)
 * @caches: every cache, in creation order; RCU for readers without @lock
 * @kmalloc_caches: the size classes (NULL under SLOB)
 * @debug: the ``slab_debug=`` string of the instance, or NULL
 * @large_pages: pages held by large kmallocs
 * @kfree_reports: refused kfree() calls on memory of no cache
 * @debugfs_dir: where each cache gets its detail file, or NULL
 * @failslab: fault injection of object allocations (``failslab``)
 * @priv: the strategy's own state
 * @cache_cache: SLAB's cache of caches, "kmem_cache": every other cache's
 *	descriptor record is one of its objects.  Its own descriptor is
 *	this static one, as mm/slab.c's; unused under SLUB and SLOB
 * @initarray_cache: cache_cache's per-CPU array until kmalloc works
 * @initarray_generic: the INDEX_AC kmalloc cache's, likewise
 * @no_array: the array of a cache whose arrays are gone (teardown): its
 *	limit of 0 sends every free straight to the slabs
 * @cpucache_up: how far SLAB's bootstrap has come; written only while
 *	the allocator is brought up or torn down
 *
 * Lock order: &smm_slab.lock, then a cache's list lock, then the buddy
 * allocator's locks.
 */
struct smm_slab {
	struct smm_buddy *buddy;
	struct smm_arena *arena;
	bool *broken;
	enum smm_slab_strategy strategy;
	const struct smm_slab_ops *ops;
	struct mutex lock;	/* protects caches, debugfs_dir */
	struct list_head caches;
	struct smm_kmem_cache *kmalloc_caches[SMM_KMALLOC_CLASSES];
	const char *debug;
	atomic_long_t large_pages;
	atomic_long_t kfree_reports;
	struct dentry *debugfs_dir;
	struct smm_fail failslab;
	void *priv;
	struct smm_kmem_cache cache_cache;
	struct smm_arraycache_init initarray_cache;
	struct smm_arraycache_init initarray_generic;
	struct smm_arraycache_init no_array;
	enum smm_cpucache_up cpucache_up;
};

extern const struct smm_slab_ops smm_slab_ops_slab;
extern const struct smm_slab_ops smm_slab_ops_slub;
extern const struct smm_slab_ops smm_slab_ops_slob;

int smm_slab_init(struct smm_slab *sa, struct smm_buddy *b, bool *broken,
		  enum smm_slab_strategy strategy, const char *debug,
		  struct smm_timeline *tl);
int smm_slab_parse_debug(const char *spec, const char *cache, unsigned int *flags);
int smm_slab_parse_flags(const char *field, const char *letters, unsigned int *flags);
void smm_slab_destroy(struct smm_slab *sa);
int smm_slab_parse_strategy(const char *s, enum smm_slab_strategy *out);
const char *smm_slab_strategy_name(enum smm_slab_strategy strategy);

struct smm_kmem_cache *smm_kmem_cache_create(struct smm_slab *sa, const char *name,
					     unsigned int size, unsigned int align,
					     unsigned int flags, void (*ctor)(void *));
int smm_kmem_cache_destroy(struct smm_kmem_cache *s);
unsigned long smm_kmem_cache_shrink(struct smm_kmem_cache *s);
void *smm_kmem_cache_alloc(struct smm_kmem_cache *s, unsigned int gfp);
int smm_kmem_cache_free(struct smm_kmem_cache *s, void *obj);
void *smm_kmalloc(struct smm_slab *sa, size_t size, unsigned int gfp);
int smm_kfree(struct smm_slab *sa, const void *obj);
size_t smm_ksize(struct smm_slab *sa, const void *obj);
int smm_kmalloc_index(size_t size);
unsigned int smm_kmalloc_size(int index);
unsigned long smm_kmem_cache_reports(struct smm_kmem_cache *s, enum smm_slab_report r);
struct smm_kmem_cache *smm_kmem_cache_find(struct smm_slab *sa, const char *name);

void smm_slabinfo_show(struct seq_file *m, struct smm_slab *sa);
void smm_slab_cache_show(struct seq_file *m, struct smm_kmem_cache *s);
void smm_slab_meminfo(struct smm_slab *sa, unsigned long *reclaimable,
		      unsigned long *unreclaimable);
void smm_slab_debugfs_init(struct smm_slab *sa, struct dentry *dir);
void smm_slab_debugfs_exit(struct smm_slab *sa);

/* For the strategies: the common helpers in slab.c. */
int smm_kmem_cache_boot(struct smm_slab *sa, struct smm_kmem_cache *s, const char *name,
			unsigned int size, unsigned int flags);
int smm_slab_create_kmalloc(struct smm_slab *sa, int index);

/**
 * smm_slab_step_begin() - a bootstrap step starts, if there is a timeline
 * @tl: the bring-up timeline, or NULL (a test's allocator)
 */
static inline void smm_slab_step_begin(struct smm_timeline *tl)
{
	if (tl)
		smm_timeline_step_begin(tl);
}

/* SLAB's bootstrap, for the tests: what cpu_cache_get() reads. */
struct smm_array_cache *smm_slab_cpu_cache(struct smm_kmem_cache *s, int cpu);
void *smm_slab_cache_record(struct smm_kmem_cache *s);

struct smm_page *smm_slab_alloc_pages(struct smm_slab *sa, struct smm_kmem_cache *s,
				      unsigned int gfp, unsigned int order);
void smm_slab_free_pages(struct smm_slab *sa, struct smm_page *head);
void *smm_slab_page_addr(struct smm_slab *sa, const struct smm_page *page);
struct smm_page *smm_slab_virt_to_head(struct smm_slab *sa, const void *addr);
void smm_slab_init_object(struct smm_kmem_cache *s, void *obj);
void *smm_slab_obj_user(struct smm_kmem_cache *s, void *obj);
void *smm_slab_obj_base(struct smm_kmem_cache *s, const void *user);

/**
 * smm_slab_obj_index() - which object of its slab an offset falls in
 * @s: the cache
 * @off: bytes from the first object
 *
 * A multiplication instead of a division, as the kernel's obj_to_index().
 *
 * Return: @off / @s->size.
 */
static inline unsigned int smm_slab_obj_index(const struct smm_kmem_cache *s,
					      unsigned long off)
{
	return reciprocal_divide(off, s->reciprocal_size);
}

struct smm_page *smm_slab_obj_head(struct smm_slab *sa, const void *obj, unsigned long *off);

/**
 * smm_slab_obj_is_slot() - does an offset start an object slot?
 * @s: the cache
 * @off: bytes from the first slot of a slab of @s
 *
 * One multiplication, as obj_to_index().
 *
 * Return: true if @off is the start of one of the slab's @s->num slots.
 */
static inline bool smm_slab_obj_is_slot(const struct smm_kmem_cache *s, unsigned long off)
{
	unsigned int idx = smm_slab_obj_index(s, off);

	return idx < s->num && off == (unsigned long)idx * s->size;
}

/* The strategies' hot paths, called directly (no indirect call). */
void *smm_slub_alloc(struct smm_kmem_cache *s, unsigned int gfp);
int smm_slub_free(struct smm_kmem_cache *s, void *obj);
void *smm_slab_slab_alloc(struct smm_kmem_cache *s, unsigned int gfp);
int smm_slab_slab_free(struct smm_kmem_cache *s, void *obj);
void *smm_slob_alloc(struct smm_kmem_cache *s, unsigned int gfp);
int smm_slob_free(struct smm_kmem_cache *s, void *obj);
void smm_slab_report(struct smm_kmem_cache *s, enum smm_slab_report r, const void *obj,
		     const char *fmt, ...);
unsigned int smm_slab_calc_order(unsigned int size, unsigned int min_objects,
				 unsigned int max_order, unsigned int fraction,
				 unsigned int reserved);

#endif /* _SHADOW_MM_SLAB_H */
