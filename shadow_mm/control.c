// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm control: live experiments through debugfs.
 *
 * DOC: control
 *
 * Writing a command to ``<instance>/control`` runs it on the instance.  One
 * command per write; words are separated by spaces; values are decimal or
 * 0x-prefixed hex.
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
 * ``cache_create name=NAME size=N [align=N] [ctor=1] [debug=1] [reclaim=1] [hwalign=1]``
 *	Create a slab cache.  ``ctor=1`` gives it a constructor that stamps
 *	each object; ``debug=1`` adds red zones and poisoning.
 * ``cache_alloc name=NAME [count=N] tag=NAME``
 *	Allocate @count objects from the cache, kept under @tag.
 * ``kmalloc size=N [count=N] tag=NAME``
 *	kmalloc() @count blocks of @size bytes, kept under @tag.
 * ``vmalloc size=N [count=N] tag=NAME``
 *	vmalloc() @count areas of @size bytes (at most 64 MiB each).
 * ``cache_shrink name=NAME``
 *	Give the cache's free slabs back to the buddy allocator.
 * ``cache_destroy name=NAME``
 *	Destroy the cache; -EBUSY while it has live objects.
 * ``check``
 *	Run the buddy invariant checker; -EUCLEAN if it finds a problem.
 *
 * Reading the file lists the tags.  Anything malformed or unknown gets
 * -EINVAL and a message naming the field, and changes nothing.  For
 * example, to fragment a zone and watch buddyinfo::
 *
 *	echo "alloc order=0 count=512 tag=a" > control
 *	echo "alloc order=3 count=64 tag=b" > control
 *	echo "free tag=a" > control
 *	cat buddyinfo
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "control.h"
#include "instance.h"

#define CTL_TAG_LEN	16
#define CTL_MAX_COUNT	65536
#define CTL_MAX_WORDS	10

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
	void *ptrs[];
};

/**
 * struct ctl_args - a parsed command
 * @order: order=
 * @count: count=
 * @gfp: from zone= and atomic=
 * @zone: the zone's name
 * @tag: tag=, "" if absent
 * @name: name=, "" if absent
 * @size: size=
 * @align: align=
 * @flags: SMM_SLAB_* flags from debug=, reclaim=, hwalign=
 * @ctor: ctor=
 */
struct ctl_args {
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
static int parse_flag(const char *key, unsigned int n, unsigned int *flags, unsigned int bit)
{
	if (n > 1) {
		smm_bad_input("control", "%s must be 0 or 1", key);
		return -EINVAL;
	}
	*flags = n ? *flags | bit : *flags & ~bit;
	return 0;
}

static int parse_arg(struct ctl_args *args, char *word)
{
	static const struct {
		const char *name;
		unsigned int gfp;
	} zones[] = {
		{ "DMA", SMM_GFP_DMA },
		{ "NORMAL", SMM_GFP_KERNEL },
		{ "HIGHMEM", SMM_GFP_HIGHUSER },
	};
	char *val = strchr(word, '=');
	unsigned int i, n;

	if (!val) {
		smm_bad_input("control", "'%s' is not key=value", word);
		return -EINVAL;
	}
	*val++ = '\0';
	if (!strcmp(word, "tag")) {
		if (!*val || strlen(val) >= CTL_TAG_LEN) {
			smm_bad_input("control.tag", "must be 1..%d characters", CTL_TAG_LEN - 1);
			return -EINVAL;
		}
		strscpy(args->tag, val, sizeof(args->tag));
		return 0;
	}
	if (!strcmp(word, "name")) {
		if (!*val || strlen(val) >= SMM_CACHE_NAME_LEN) {
			smm_bad_input("control.name", "must be 1..%d characters",
				      SMM_CACHE_NAME_LEN - 1);
			return -EINVAL;
		}
		strscpy(args->name, val, sizeof(args->name));
		return 0;
	}
	if (!strcmp(word, "zone")) {
		for (i = 0; i < ARRAY_SIZE(zones); i++) {
			if (!strcasecmp(val, zones[i].name)) {
				args->gfp = (args->gfp & __SMM_GFP_HIGH) | zones[i].gfp;
				args->zone = zones[i].name;
				return 0;
			}
		}
		smm_bad_input("control.zone", "'%s' is not DMA, NORMAL or HIGHMEM", val);
		return -EINVAL;
	}
	if (kstrtouint(val, 0, &n)) {
		smm_bad_input("control", "%s='%s' is not a number", word, val);
		return -EINVAL;
	}
	if (!strcmp(word, "order")) {
		args->order = n;
	} else if (!strcmp(word, "count")) {
		if (!n || n > CTL_MAX_COUNT) {
			smm_bad_input("control.count", "%u is outside [1, %d]", n, CTL_MAX_COUNT);
			return -ERANGE;
		}
		args->count = n;
	} else if (!strcmp(word, "atomic")) {
		return parse_flag(word, n, &args->gfp, __SMM_GFP_HIGH);
	} else if (!strcmp(word, "size")) {
		if (!n) {
			smm_bad_input("control.size", "must be at least 1");
			return -ERANGE;
		}
		args->size = n;
	} else if (!strcmp(word, "align")) {
		args->align = n;
	} else if (!strcmp(word, "debug")) {
		return parse_flag(word, n, &args->flags, SMM_SLAB_DEBUG);
	} else if (!strcmp(word, "reclaim")) {
		return parse_flag(word, n, &args->flags, SMM_SLAB_RECLAIM);
	} else if (!strcmp(word, "hwalign")) {
		return parse_flag(word, n, &args->flags, SMM_SLAB_HWCACHE_ALIGN);
	} else if (!strcmp(word, "ctor")) {
		unsigned int f = 0;

		if (parse_flag(word, n, &f, 1))
			return -EINVAL;
		args->ctor = f;
	} else {
		smm_bad_input("control", "unknown key '%s'", word);
		return -EINVAL;
	}
	return 0;
}

static struct ctl_alloc *new_tag(const struct ctl_args *args, enum ctl_kind kind)
{
	struct ctl_alloc *ca = kvzalloc(struct_size(ca, ptrs, args->count), GFP_KERNEL);

	if (ca) {
		strscpy(ca->tag, args->tag, sizeof(ca->tag));
		ca->kind = kind;
	}
	return ca;
}

static int do_alloc(struct smm_instance *inst, const struct ctl_args *args)
{
	struct ctl_alloc *ca;
	unsigned long i;

	if (!args->tag[0]) {
		smm_bad_input("control.tag", "alloc needs tag=NAME");
		return -EINVAL;
	}
	if (args->order >= inst->buddy.max_order) {
		smm_bad_input("control.order", "%u is outside [0, %u]", args->order,
			      inst->buddy.max_order - 1);
		return -EINVAL;
	}
	if (find_tag(inst, args->tag)) {
		smm_bad_input("control.tag", "'%s' is in use; free it first", args->tag);
		return -EINVAL;
	}
	ca = new_tag(args, CTL_PAGES);
	if (!ca)
		return -ENOMEM;
	ca->order = args->order;
	ca->zone = args->zone;
	for (i = 0; i < args->count; i++) {
		struct smm_page *page = smm_alloc_pages(&inst->buddy, args->gfp, args->order);

		if (IS_ERR(page)) {
			free_blocks(inst, ca);
			kvfree(ca);
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

	if (!args->tag[0]) {
		smm_bad_input("control.tag", "needs tag=NAME");
		return -EINVAL;
	}
	if (find_tag(inst, args->tag)) {
		smm_bad_input("control.tag", "'%s' is in use; free it first", args->tag);
		return -EINVAL;
	}
	ca = new_tag(args, kind);
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
			free_blocks(inst, ca);
			kvfree(ca);
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
	s = name[0] ? smm_kmem_cache_find(&inst->slab, name) : NULL;
	mutex_unlock(&inst->slab.lock);
	if (!s)
		smm_bad_input("control.name", "no cache is named '%s'", name);
	return s;
}

/* The slab commands; *@handled is false if @verb is none of them. */
static int do_slab(struct smm_instance *inst, const char *verb, const struct ctl_args *args,
		   bool *handled)
{
	struct smm_kmem_cache *s;

	*handled = true;
	if (!strcmp(verb, "cache_create")) {
		s = smm_kmem_cache_create(&inst->slab, args->name, args->size, args->align,
					  args->flags, args->ctor ? ctl_ctor : NULL);
		return PTR_ERR_OR_ZERO(s);
	}
	if (!strcmp(verb, "kmalloc")) {
		if (!args->size) {
			smm_bad_input("control.size", "kmalloc needs size=N");
			return -EINVAL;
		}
		return do_objects(inst, args, NULL, CTL_KMALLOC);
	}
	if (!strcmp(verb, "vmalloc")) {
		if (!args->size || args->size > (64U << 20)) {
			smm_bad_input("control.size", "vmalloc needs size=N, at most 64 MiB");
			return -EINVAL;
		}
		return do_objects(inst, args, NULL, CTL_VMALLOC);
	}
	if (strcmp(verb, "cache_alloc") && strcmp(verb, "cache_shrink") &&
	    strcmp(verb, "cache_destroy")) {
		*handled = false;
		return 0;
	}
	s = named_cache(inst, args->name);
	if (!s)
		return -EINVAL;
	if (!strcmp(verb, "cache_alloc"))
		return do_objects(inst, args, s, CTL_OBJECTS);
	if (!strcmp(verb, "cache_shrink")) {
		smm_kmem_cache_shrink(s);
		return 0;
	}
	return smm_kmem_cache_destroy(s);
}

static int do_free(struct smm_instance *inst, const struct ctl_args *args)
{
	struct ctl_alloc *ca = find_tag(inst, args->tag);

	if (!ca) {
		smm_bad_input("control.tag", "no allocation is tagged '%s'", args->tag);
		return -EINVAL;
	}
	free_blocks(inst, ca);
	list_del(&ca->node);
	kvfree(ca);
	return 0;
}

/**
 * smm_control_exec() - run one control command
 * @inst: the instance
 * @cmd: the command, grammar in the DOC section above
 *
 * Return: 0, or -EINVAL/-ERANGE for a malformed command (nothing changes),
 * -ENOMEM, -EIO for a broken instance, -EUCLEAN from ``check``.
 * Context: process context; sleeps.
 */
int smm_control_exec(struct smm_instance *inst, const char *cmd)
{
	struct ctl_args args = { .count = 1, .gfp = SMM_GFP_KERNEL, .zone = "NORMAL" };
	char *buf, *cur, *verb, *word;
	int ret = 0, words = 0;
	bool handled;

	buf = kstrdup(cmd, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	verb = strsep(&cur, " \t");
	while (!ret && (word = strsep(&cur, " \t")) != NULL) {
		if (!*word)
			continue;
		if (++words > CTL_MAX_WORDS) {
			smm_bad_input("control", "too many arguments");
			ret = -EINVAL;
			break;
		}
		ret = parse_arg(&args, word);
	}
	if (ret)
		goto out;

	mutex_lock(&inst->ctl_lock);
	if (READ_ONCE(inst->broken)) {
		ret = -EIO;
	} else if (!strcmp(verb, "alloc")) {
		ret = do_alloc(inst, &args);
	} else if (!strcmp(verb, "free") && words == 1 && args.tag[0]) {
		ret = do_free(inst, &args);
	} else if (!strcmp(verb, "drain") && !words) {
		smm_drain_pages(&inst->buddy);
	} else if (!strcmp(verb, "check") && !words) {
		ret = smm_buddy_check(&inst->buddy);
	} else {
		ret = do_slab(inst, verb, &args, &handled);
		if (!handled) {
			smm_bad_input("control", "unknown command '%s'", verb);
			ret = -EINVAL;
		}
	}
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
		free_blocks(inst, ca);
		list_del(&ca->node);
		kvfree(ca);
	}
	mutex_unlock(&inst->ctl_lock);
}
