// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm control: live experiments through debugfs.
 */

/**
 * DOC: control
 *
 * Writing a command to ``<instance>/control`` runs it on the instance.  One
 * command per write: a verb, then key=value words separated by spaces.
 * Numbers are decimal or 0x-prefixed hex (see "DOC: input" in parse.c).
 * Keys in brackets may be left out; each verb takes exactly the keys
 * listed for it.
 *
 * ``alloc order=N [zone=DMA|NORMAL|HIGHMEM] [count=N] [atomic=1] tag=NAME``
 *	Allocate @count blocks (default 1, at most 65536) of 2^@order pages
 *	with the zone modifier of @zone (default NORMAL), keeping them under
 *	@tag (at most 15 characters).  All or nothing: if one allocation
 *	fails, the ones made are freed and the write fails with -ENOMEM.
 * ``free tag=NAME``
 *	Free everything kept under @tag: pages, objects or kmalloc memory.
 * ``drain``
 *	Empty the per-CPU page lists (drain_all_pages()).
 * ``cache_create name=NAME size=N [align=N] [ctor=1] [debug=1|FZPU] [reclaim=1] [hwalign=1]``
 *	Create a slab cache.  ``ctor=1`` gives it a constructor that stamps
 *	each object; ``debug=`` takes slub_debug's letters (F exact
 *	double-free checks, Z red zones, P poisoning, U owner tracking), and
 *	``debug=1`` is all of them.
 * ``cache_alloc name=NAME [count=N] [atomic=1] tag=NAME``
 *	Allocate @count objects from the cache, kept under @tag.
 * ``kmalloc size=N [count=N] [atomic=1] tag=NAME``
 *	kmalloc() @count blocks of @size bytes (at most the largest buddy
 *	block), kept under @tag.
 * ``vmalloc size=N [count=N] tag=NAME``
 *	vmalloc() @count areas of @size bytes (at most 64 MiB each).
 * ``cache_shrink name=NAME``
 *	Give the cache's free slabs back to the buddy allocator.
 * ``cache_destroy name=NAME``
 *	Destroy the cache; -EBUSY while it has live objects.
 * ``check``
 *	Run the buddy invariant checker; -EUCLEAN if it finds a problem.  It
 *	is exact while other CPUs allocate, because it looks at each zone
 *	under stop_machine(): the machine stands still for one zone's walk.
 *	On the instance behind /dev/shadow_mm it then compares every
 *	process's page tables with its shadow ones (smm_fault_check()).
 * ``reclaim pages=N``
 *	Reclaim up to N user pages of /dev/shadow_mm to swap, as
 *	memory.reclaim does (counted as direct reclaim in ``vmstat``); the
 *	number reclaimed goes to the kernel log.  Nothing happens without
 *	swap.
 * ``compact [zone=NAME]``
 *	Compact every zone with memory, or the one named, as writing 1 to
 *	/proc/sys/vm/compact_memory does: the migrate and free scanners run
 *	until they meet, moving user pages of /dev/shadow_mm up (see "DOC:
 *	compaction" in compaction.c).  The ``compaction`` file shows what it
 *	did, and ``vmstat`` counts it.  A zone without memory is -EINVAL.
 * ``sysctl [swappiness=N] [min_free_kbytes=N] [watermark_scale_factor=N]``
 *	Set the kernel's vm sysctls of those names, at least one of them,
 *	all or none.  ``swappiness`` (0 to 200, default 60) weighs swapping
 *	anonymous pages in reclaim.  ``min_free_kbytes`` (0 to 262144;
 *	computed at bring-up as sqrt(16 * low memory in KiB)) and
 *	``watermark_scale_factor`` (1 to 3000, in 0.01% of a zone, default
 *	10) recompute every zone's min, low and high watermarks and the
 *	per-CPU lists' bounds at once, as the kernel's sysctl handlers do
 *	(see "DOC: zones" in zone.c); a value that would put a zone's high
 *	watermark at or above its managed pages is refused with -ERANGE.
 *	``zoneinfo`` shows the new marks and ``sysctl`` the values.
 *
 * Reading the file lists the tags.  A refused command changes nothing and
 * logs a message naming the field: -EINVAL for an unknown verb or key, a
 * key the verb does not take or one it needs and did not get, a key given
 * twice, a value that is not a number, a tag in use or unknown, an
 * unknown cache, or an alignment that is not a power of two; -EEXIST for
 * a cache name in use; -ERANGE for a number outside its range (order
 * beyond the instance's max_order, count outside [1, 65536], a flag other
 * than 0 or 1, a cache size above 8192, a kmalloc size above the largest
 * block, a vmalloc size above 64 MiB, a sysctl value outside its range or
 * a min_free_kbytes the zones cannot keep); -EBUSY for cache_destroy of a cache
 * with live objects.  For example, to fragment a zone and
 * watch buddyinfo::
 *
 *	echo "alloc order=0 count=512 tag=a" > control
 *	echo "alloc order=3 count=64 tag=b" > control
 *	echo "free tag=a" > control
 *	cat buddyinfo
 *
 * or to raise the reserve and widen the kswapd gaps::
 *
 *	echo "sysctl min_free_kbytes=2048 watermark_scale_factor=100" > control
 *	cat zoneinfo sysctl
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compaction.h"
#include "control.h"
#include "fault.h"
#include "instance.h"
#include "parse.h"

#define CTL_TAG_LEN	16
#define CTL_MAX_COUNT	65536
#define CTL_MAX_WORDS	10
#define CTL_MAX_VMALLOC	(64U << 20)

/* What a tag holds. */
enum ctl_kind {
	CTL_PAGES,
	CTL_OBJECTS,
	CTL_KMALLOC,
	CTL_VMALLOC,
};

/**
 * struct ctl_alloc - what was allocated under one tag
 * @node: linkage in &smm_instance.ctl_allocs
 * @tag: the tag
 * @kind: pages, cache objects or kmalloc memory
 * @order: order of every block (pages)
 * @size: bytes of every block (kmalloc)
 * @zone: the zone modifier asked for (pages)
 * @cache: the cache (objects)
 * @nr: entries in @ptrs
 * @max: entries allocated for @ptrs
 * @ptrs: head pages, or objects
 */
struct ctl_alloc {
	struct list_head node;
	char tag[CTL_TAG_LEN];
	enum ctl_kind kind;
	unsigned int order;
	unsigned int size;
	const char *zone;
	struct smm_kmem_cache *cache;
	unsigned long nr;
	unsigned long max;
	void *ptrs[];
};

/*
 * The keys a command may take.  Each verb lists the ones it takes and the
 * ones it needs (struct ctl_verb); any other key is refused by name.
 */
enum ctl_key {
	K_ORDER,
	K_ZONE,
	K_COUNT,
	K_ATOMIC,
	K_TAG,
	K_NAME,
	K_SIZE,
	K_ALIGN,
	K_CTOR,
	K_DEBUG,
	K_RECLAIM,
	K_HWALIGN,
	K_PAGES,
	K_SWAPPINESS,
	K_MIN_FREE_KBYTES,
	K_WATERMARK_SCALE_FACTOR,
	K_NR,
};

static const char *const key_names[] = {
	[K_ORDER]	= "order",
	[K_ZONE]	= "zone",
	[K_COUNT]	= "count",
	[K_ATOMIC]	= "atomic",
	[K_TAG]		= "tag",
	[K_NAME]	= "name",
	[K_SIZE]	= "size",
	[K_ALIGN]	= "align",
	[K_CTOR]	= "ctor",
	[K_DEBUG]	= "debug",
	[K_RECLAIM]	= "reclaim",
	[K_HWALIGN]	= "hwalign",
	[K_PAGES]	= "pages",
	[K_SWAPPINESS]	= "swappiness",
	[K_MIN_FREE_KBYTES] = "min_free_kbytes",
	[K_WATERMARK_SCALE_FACTOR] = "watermark_scale_factor",
};

static_assert(ARRAY_SIZE(key_names) == K_NR);

/**
 * struct ctl_args - a parsed command
 * @seen: the keys given, BIT(enum ctl_key)
 * @order: order=
 * @count: count=, or pages=
 * @gfp: from zone= and atomic=
 * @zone: the zone's name
 * @tag: tag=, "" if absent
 * @name: name=, "" if absent
 * @size: size=
 * @align: align=
 * @flags: SMM_SLAB_* flags from debug=, reclaim=, hwalign=
 * @ctor: ctor=
 * @swappiness: swappiness=
 * @min_free_kbytes: min_free_kbytes=
 * @watermark_scale_factor: watermark_scale_factor=
 */
struct ctl_args {
	unsigned int seen;
	unsigned int order;
	unsigned int count;
	unsigned int gfp;
	const char *zone;
	char tag[CTL_TAG_LEN];
	char name[SMM_CACHE_NAME_LEN];
	unsigned int size;
	unsigned int align;
	unsigned int flags;
	bool ctor;
	unsigned int swappiness;
	unsigned long min_free_kbytes;
	unsigned int watermark_scale_factor;
};

static struct ctl_alloc *find_tag(struct smm_instance *inst, const char *tag)
{
	struct ctl_alloc *ca;

	lockdep_assert_held(&inst->ctl_lock);
	list_for_each_entry(ca, &inst->ctl_allocs, node)
		if (!strcmp(ca->tag, tag))
			return ca;
	return NULL;
}

static void free_blocks(struct smm_instance *inst, struct ctl_alloc *ca)
{
	unsigned long i;

	for (i = 0; i < ca->nr; i++) {
		switch (ca->kind) {
		case CTL_PAGES:
			smm_free_pages(&inst->buddy, ca->ptrs[i], ca->order);
			break;
		case CTL_OBJECTS:
			smm_kmem_cache_free(ca->cache, ca->ptrs[i]);
			break;
		case CTL_KMALLOC:
			smm_kfree(&inst->slab, ca->ptrs[i]);
			break;
		case CTL_VMALLOC:
			smm_vfree(&inst->vm, ca->ptrs[i]);
			break;
		}
	}
	ca->nr = 0;
}

/* The constructor of control-made caches: a stamp in the first byte. */
#define CTL_CTOR_STAMP	0xc7

static void ctl_ctor(void *obj)
{
	*(u8 *)obj = CTL_CTOR_STAMP;
}

/* A flag key: 0 or 1. */
static int parse_flag(const char *field, const char *val, unsigned int *flags,
		      unsigned int bit)
{
	unsigned int n;
	int ret = smm_parse_uint(field, val, 0, 1, &n);

	if (!ret)
		*flags = n ? *flags | bit : *flags & ~bit;
	return ret;
}

/* A string key of at most @len - 1 characters. */
static int parse_string(const char *field, const char *val, char *out, size_t len)
{
	if (!*val || strlen(val) >= len) {
		smm_bad_input(field, "must be 1..%zu characters", len - 1);
		return -EINVAL;
	}
	strscpy(out, val, len);
	return 0;
}

/* The value of key @k into @args.  Numbers: see "DOC: input" in parse.c. */
static int parse_arg(struct ctl_args *args, int k, const char *val)
{
	static const struct {
		const char *name;
		unsigned int gfp;
	} zones[] = {
		{ "DMA", SMM_GFP_DMA },
		{ "DMA32", __SMM_GFP_DMA32 },
		{ "NORMAL", SMM_GFP_KERNEL },
		{ "HIGHMEM", SMM_GFP_HIGHUSER },
		{ "MOVABLE", SMM_GFP_HIGHUSER_MOVABLE },
	};
	char field[40];
	unsigned int i, f;
	int ret;

	snprintf(field, sizeof(field), "control.%s", key_names[k]);
	switch (k) {
	case K_TAG:
		return parse_string(field, val, args->tag, sizeof(args->tag));
	case K_NAME:
		return parse_string(field, val, args->name, sizeof(args->name));
	case K_ZONE:
		for (i = 0; i < ARRAY_SIZE(zones); i++) {
			if (!strcasecmp(val, zones[i].name)) {
				args->gfp = (args->gfp & __SMM_GFP_HIGH) | zones[i].gfp;
				args->zone = zones[i].name;
				return 0;
			}
		}
		smm_bad_input(field, "'%s' is not DMA, DMA32, NORMAL, HIGHMEM or MOVABLE", val);
		return -EINVAL;
	case K_ORDER:
		/* The instance's own max_order is checked by the command. */
		return smm_parse_uint(field, val, 0, SMM_MAX_ORDER_LIMIT - 1, &args->order);
	case K_COUNT:
	case K_PAGES:
		return smm_parse_uint(field, val, 1, CTL_MAX_COUNT, &args->count);
	case K_SIZE:
		return smm_parse_uint(field, val, 1, UINT_MAX, &args->size);
	case K_ALIGN:
		return smm_parse_uint(field, val, 0, PAGE_SIZE, &args->align);
	case K_ATOMIC:
		return parse_flag(field, val, &args->gfp, __SMM_GFP_HIGH);
	case K_DEBUG:
		/* 0 or 1 (none or every check), or slub_debug's letters */
		if (!strcmp(val, "0") || !strcmp(val, "1"))
			return parse_flag(field, val, &args->flags, SMM_SLAB_DEBUG);
		ret = smm_slab_parse_flags(field, val, &f);
		if (!ret)
			args->flags = (args->flags & ~SMM_SLAB_DEBUG_FLAGS) | f;
		return ret;
	case K_RECLAIM:
		return parse_flag(field, val, &args->flags, SMM_SLAB_RECLAIM);
	case K_HWALIGN:
		return parse_flag(field, val, &args->flags, SMM_SLAB_HWCACHE_ALIGN);
	case K_CTOR:
		f = 0;
		ret = parse_flag(field, val, &f, 1);
		args->ctor = f;
		return ret;
	case K_SWAPPINESS:
		return smm_parse_uint(field, val, 0, SMM_SWAPPINESS_MAX, &args->swappiness);
	case K_MIN_FREE_KBYTES:
		/* Whether the zones can keep that much is the buddy's to say. */
		ret = smm_parse_uint(field, val, 0, SMM_MIN_FREE_KBYTES_MAX, &f);
		args->min_free_kbytes = f;
		return ret;
	case K_WATERMARK_SCALE_FACTOR:
		return smm_parse_uint(field, val, 1, SMM_WATERMARK_SCALE_FACTOR_MAX,
				      &args->watermark_scale_factor);
	}
	return -EINVAL;
}

/* A tag for @args->count blocks, in host memory the instance counts. */
static struct ctl_alloc *new_tag(struct smm_instance *inst, const struct ctl_args *args,
				 enum ctl_kind kind)
{
	struct ctl_alloc *ca;

	ca = smm_host_kvcalloc(&inst->arena, SMM_HOST_CONTROL, 1,
			       struct_size(ca, ptrs, args->count));
	if (ca) {
		strscpy(ca->tag, args->tag, sizeof(ca->tag));
		ca->kind = kind;
		ca->max = args->count;
	}
	return ca;
}

/* Free the blocks of a tag, then the tag; it is on no list. */
static void del_tag(struct smm_instance *inst, struct ctl_alloc *ca)
{
	free_blocks(inst, ca);
	smm_host_kvfree(&inst->arena, SMM_HOST_CONTROL, ca, 1, struct_size(ca, ptrs, ca->max));
}

static int do_alloc(struct smm_instance *inst, const struct ctl_args *args)
{
	struct ctl_alloc *ca;
	unsigned long i;

	if (args->order >= inst->buddy.max_order) {
		smm_bad_input("control.order", "%u is outside [0, %u]", args->order,
			      inst->buddy.max_order - 1);
		return -ERANGE;
	}
	if (find_tag(inst, args->tag)) {
		smm_bad_input("control.tag", "'%s' is in use; free it first", args->tag);
		return -EINVAL;
	}
	ca = new_tag(inst, args, CTL_PAGES);
	if (!ca)
		return -ENOMEM;
	ca->order = args->order;
	ca->zone = args->zone;
	for (i = 0; i < args->count; i++) {
		struct smm_page *page = smm_alloc_pages(&inst->buddy, args->gfp, args->order);

		if (IS_ERR(page)) {
			del_tag(inst, ca);
			return PTR_ERR(page);
		}
		ca->ptrs[ca->nr++] = page;
	}
	list_add_tail(&ca->node, &inst->ctl_allocs);
	return 0;
}

/* cache_alloc, kmalloc and vmalloc: @count objects, all or nothing. */
static int do_objects(struct smm_instance *inst, const struct ctl_args *args,
		      struct smm_kmem_cache *cache, enum ctl_kind kind)
{
	struct ctl_alloc *ca;
	unsigned long i;

	if (find_tag(inst, args->tag)) {
		smm_bad_input("control.tag", "'%s' is in use; free it first", args->tag);
		return -EINVAL;
	}
	ca = new_tag(inst, args, kind);
	if (!ca)
		return -ENOMEM;
	ca->cache = cache;
	ca->size = args->size;
	for (i = 0; i < args->count; i++) {
		unsigned int gfp = args->gfp & __SMM_GFP_HIGH;
		void *obj;

		if (kind == CTL_VMALLOC)
			obj = smm_vmalloc(&inst->vm, args->size);
		else if (cache)
			obj = smm_kmem_cache_alloc(cache, gfp);
		else
			obj = smm_kmalloc(&inst->slab, args->size, gfp);

		if (!obj) {
			del_tag(inst, ca);
			return -ENOMEM;
		}
		ca->ptrs[ca->nr++] = obj;
	}
	list_add_tail(&ca->node, &inst->ctl_allocs);
	return 0;
}

static struct smm_kmem_cache *named_cache(struct smm_instance *inst, const char *name)
{
	struct smm_kmem_cache *s;

	mutex_lock(&inst->slab.lock);
	s = smm_kmem_cache_find(&inst->slab, name);
	mutex_unlock(&inst->slab.lock);
	if (!s)
		smm_bad_input("control.name", "no cache is named '%s'", name);
	return s;
}

static int do_free(struct smm_instance *inst, const struct ctl_args *args)
{
	struct ctl_alloc *ca = find_tag(inst, args->tag);

	if (!ca) {
		smm_bad_input("control.tag", "no allocation is tagged '%s'", args->tag);
		return -EINVAL;
	}
	list_del(&ca->node);
	del_tag(inst, ca);
	return 0;
}

static int do_drain(struct smm_instance *inst, const struct ctl_args *args)
{
	smm_drain_pages(&inst->buddy);
	return 0;
}

static int do_check(struct smm_instance *inst, const struct ctl_args *args)
{
	int ret = smm_buddy_check(&inst->buddy);

	return ret ? ret : smm_fault_check(inst);
}

static int do_reclaim(struct smm_instance *inst, const struct ctl_args *args)
{
	long n = smm_reclaim_pages(&inst->vmscan, args->count);

	if (n < 0)
		return n;
	pr_info("shadow_mm: %s: reclaim: %ld of %u pages reclaimed\n", inst->name, n,
		args->count);
	return 0;
}

static int do_cache_create(struct smm_instance *inst, const struct ctl_args *args)
{
	struct smm_kmem_cache *s;

	s = smm_kmem_cache_create(&inst->slab, args->name, args->size, args->align,
				  args->flags, args->ctor ? ctl_ctor : NULL);
	return PTR_ERR_OR_ZERO(s);
}

static int do_cache_alloc(struct smm_instance *inst, const struct ctl_args *args)
{
	struct smm_kmem_cache *s = named_cache(inst, args->name);

	return s ? do_objects(inst, args, s, CTL_OBJECTS) : -EINVAL;
}

static int do_kmalloc(struct smm_instance *inst, const struct ctl_args *args)
{
	unsigned long max = PAGE_SIZE << (inst->buddy.max_order - 1);

	if (args->size > max) {
		smm_bad_input("control.size", "%u is outside [1, %lu] for kmalloc", args->size,
			      max);
		return -ERANGE;
	}
	return do_objects(inst, args, NULL, CTL_KMALLOC);
}

static int do_vmalloc(struct smm_instance *inst, const struct ctl_args *args)
{
	if (args->size > CTL_MAX_VMALLOC) {
		smm_bad_input("control.size", "%u is outside [1, %u] for vmalloc", args->size,
			      CTL_MAX_VMALLOC);
		return -ERANGE;
	}
	return do_objects(inst, args, NULL, CTL_VMALLOC);
}

static int do_cache_shrink(struct smm_instance *inst, const struct ctl_args *args)
{
	struct smm_kmem_cache *s = named_cache(inst, args->name);

	if (!s)
		return -EINVAL;
	smm_kmem_cache_shrink(s);
	return 0;
}

static int do_cache_destroy(struct smm_instance *inst, const struct ctl_args *args)
{
	struct smm_kmem_cache *s = named_cache(inst, args->name);

	return s ? smm_kmem_cache_destroy(s) : -EINVAL;
}

/* The zone named by zone=, or every zone with memory without it. */
static int do_compact(struct smm_instance *inst, const struct ctl_args *args)
{
	int i;

	if (!(args->seen & BIT(K_ZONE)))
		return smm_compact(inst, -1);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		if (!inst->buddy.zones[i].name || strcasecmp(inst->buddy.zones[i].name, args->zone))
			continue;
		if (!inst->buddy.zones[i].managed_pages)
			break;
		return smm_compact(inst, i);
	}
	smm_bad_input("control.zone", "'%s' has no memory to compact", args->zone);
	return -EINVAL;
}

#define K(k)		BIT(K_##k)
#define SYSCTL_KEYS	(K(SWAPPINESS) | K(MIN_FREE_KBYTES) | K(WATERMARK_SCALE_FACTOR))

/*
 * The sysctl handlers: the watermarks first, the only step that can
 * refuse (a min_free_kbytes the zones cannot keep), then swappiness, so
 * that a refused command changes nothing.  &smm_instance.ctl_lock
 * serialises the writers of swappiness; the buddy's wmark_lock those of
 * the watermarks.
 */
static int do_sysctl(struct smm_instance *inst, const struct ctl_args *args)
{
	int ret;

	lockdep_assert_held(&inst->ctl_lock);
	if (!(args->seen & SYSCTL_KEYS)) {
		smm_bad_input("control", "'sysctl' needs %s=, %s= or %s=",
			      key_names[K_SWAPPINESS], key_names[K_MIN_FREE_KBYTES],
			      key_names[K_WATERMARK_SCALE_FACTOR]);
		return -EINVAL;
	}
	if (args->seen & (K(MIN_FREE_KBYTES) | K(WATERMARK_SCALE_FACTOR))) {
		ret = smm_buddy_tune_watermarks(&inst->buddy,
						args->seen & K(MIN_FREE_KBYTES) ?
						&args->min_free_kbytes : NULL,
						args->seen & K(WATERMARK_SCALE_FACTOR) ?
						&args->watermark_scale_factor : NULL);
		if (ret)
			return ret;
	}
	if (args->seen & K(SWAPPINESS))
		WRITE_ONCE(inst->vmscan.swappiness, args->swappiness);
	return 0;
}

/**
 * struct ctl_verb - one command
 * @name: the verb
 * @keys: the keys it takes, BIT(enum ctl_key)
 * @needs: the keys it cannot do without
 * @run: runs it, under &smm_instance.ctl_lock
 */
struct ctl_verb {
	const char *name;
	unsigned int keys;
	unsigned int needs;
	int (*run)(struct smm_instance *inst, const struct ctl_args *args);
};

static const struct ctl_verb verbs[] = {
	{ "alloc", K(ORDER) | K(ZONE) | K(COUNT) | K(ATOMIC) | K(TAG),
	  K(ORDER) | K(TAG), do_alloc },
	{ "free", K(TAG), K(TAG), do_free },
	{ "drain", 0, 0, do_drain },
	{ "check", 0, 0, do_check },
	{ "reclaim", K(PAGES), K(PAGES), do_reclaim },
	{ "cache_create",
	  K(NAME) | K(SIZE) | K(ALIGN) | K(CTOR) | K(DEBUG) | K(RECLAIM) | K(HWALIGN),
	  K(NAME) | K(SIZE), do_cache_create },
	{ "cache_alloc", K(NAME) | K(COUNT) | K(ATOMIC) | K(TAG), K(NAME) | K(TAG),
	  do_cache_alloc },
	{ "kmalloc", K(SIZE) | K(COUNT) | K(ATOMIC) | K(TAG), K(SIZE) | K(TAG),
	  do_kmalloc },
	{ "vmalloc", K(SIZE) | K(COUNT) | K(TAG), K(SIZE) | K(TAG), do_vmalloc },
	{ "cache_shrink", K(NAME), K(NAME), do_cache_shrink },
	{ "cache_destroy", K(NAME), K(NAME), do_cache_destroy },
	{ "sysctl", SYSCTL_KEYS, 0, do_sysctl },
	{ "compact", K(ZONE), 0, do_compact },
};

/* Every key given is one @v takes, and every key it needs is there. */
static int check_keys(const struct ctl_verb *v, unsigned int seen)
{
	unsigned int extra = seen & ~v->keys, missing = v->needs & ~seen;

	if (extra) {
		smm_bad_input("control", "%s= means nothing to '%s'", key_names[__ffs(extra)],
			      v->name);
		return -EINVAL;
	}
	if (missing) {
		smm_bad_input("control", "'%s' needs %s=", v->name, key_names[__ffs(missing)]);
		return -EINVAL;
	}
	return 0;
}

/**
 * smm_control_exec() - run one control command
 * @inst: the instance
 * @cmd: the command, grammar in the DOC section above
 *
 * Return: 0; -EINVAL for a malformed command, an unknown verb or key, or a
 * key the verb does not take; -ERANGE for a number outside its range;
 * -ENOMEM; -EIO for a broken instance; -EUCLEAN from ``check``.  A refused
 * command changes nothing.
 * Context: process context; sleeps.
 */
int smm_control_exec(struct smm_instance *inst, const char *cmd)
{
	struct ctl_args args = { .count = 1, .gfp = SMM_GFP_KERNEL, .zone = "NORMAL" };
	const struct ctl_verb *v = NULL;
	char *buf, *cur, *verb, *val;
	int ret = 0, words = 0, k;
	unsigned int i;

	buf = kstrdup(cmd, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	verb = strsep(&cur, " \t");
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(verb, verbs[i].name))
			v = &verbs[i];
	if (!v) {
		smm_bad_input("control", "unknown command '%s'", verb);
		ret = -EINVAL;
		goto out;
	}
	while ((k = smm_next_key(&cur, "control", key_names, K_NR, &args.seen, &val)) >= 0) {
		if (++words > CTL_MAX_WORDS) {
			smm_bad_input("control", "too many arguments");
			k = -EINVAL;
			break;
		}
		k = parse_arg(&args, k, val);
		if (k)
			break;
	}
	ret = k == -ENOENT ? check_keys(v, args.seen) : k;
	if (ret)
		goto out;

	mutex_lock(&inst->ctl_lock);
	ret = READ_ONCE(inst->broken) ? -EIO : v->run(inst, &args);
	mutex_unlock(&inst->ctl_lock);
out:
	kfree(buf);
	return ret;
}

/**
 * smm_control_show() - list the tagged allocations
 * @m: the seq_file
 * @inst: the instance
 */
void smm_control_show(struct seq_file *m, struct smm_instance *inst)
{
	struct ctl_alloc *ca;

	mutex_lock(&inst->ctl_lock);
	seq_printf(m, "%-15s %-8s %-20s %8s\n", "tag", "kind", "what", "count");
	list_for_each_entry(ca, &inst->ctl_allocs, node) {
		char what[32];

		if (ca->kind == CTL_PAGES)
			snprintf(what, sizeof(what), "order %u %s", ca->order, ca->zone);
		else if (ca->kind == CTL_OBJECTS)
			snprintf(what, sizeof(what), "%s", ca->cache->name);
		else if (ca->kind == CTL_VMALLOC)
			snprintf(what, sizeof(what), "vmalloc %u bytes", ca->size);
		else
			snprintf(what, sizeof(what), "%u bytes", ca->size);
		seq_printf(m, "%-15s %-8s %-20s %8lu\n", ca->tag,
			   ca->kind == CTL_PAGES ? "pages" :
			   ca->kind == CTL_OBJECTS ? "objects" :
			   ca->kind == CTL_VMALLOC ? "vmalloc" : "kmalloc", what, ca->nr);
	}
	mutex_unlock(&inst->ctl_lock);
}

/**
 * smm_sysctl_show() - the tunables, as ``sysctl vm.<name>`` prints them
 * @m: the seq_file
 * @inst: the instance
 *
 * One ``vm.<name> = <value>`` line per tunable the ``sysctl`` command
 * sets, in ``sysctl -a``'s (alphabetical) order, read under
 * &smm_instance.ctl_lock, so that the three come from one moment.
 * Context: process context; sleeps.
 */
void smm_sysctl_show(struct seq_file *m, struct smm_instance *inst)
{
	mutex_lock(&inst->ctl_lock);
	seq_printf(m, "vm.min_free_kbytes = %lu\n", READ_ONCE(inst->buddy.min_free_kbytes));
	seq_printf(m, "vm.swappiness = %u\n", READ_ONCE(inst->vmscan.swappiness));
	seq_printf(m, "vm.watermark_scale_factor = %u\n",
		   READ_ONCE(inst->buddy.watermark_scale_factor));
	mutex_unlock(&inst->ctl_lock);
}

/**
 * smm_control_release() - forget every tagged allocation
 * @inst: the instance, being torn down
 *
 * The blocks are given back to the buddy allocator, so that a teardown
 * after a control session leaves the allocator whole.
 * Context: process context.
 */
void smm_control_release(struct smm_instance *inst)
{
	struct ctl_alloc *ca, *tmp;

	mutex_lock(&inst->ctl_lock);
	list_for_each_entry_safe(ca, tmp, &inst->ctl_allocs, node) {
		list_del(&ca->node);
		del_tag(inst, ca);
	}
	mutex_unlock(&inst->ctl_lock);
}
