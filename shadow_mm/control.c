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
 *	Free every block kept under @tag.
 * ``drain``
 *	Empty the per-CPU page lists (drain_all_pages()).
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
#define CTL_MAX_WORDS	8

/**
 * struct ctl_alloc - blocks allocated under one tag
 * @node: linkage in &smm_instance.ctl_allocs
 * @tag: the tag
 * @order: order of every block
 * @zone: the zone modifier asked for
 * @nr: blocks in @pages
 * @pages: the head pages
 */
struct ctl_alloc {
	struct list_head node;
	char tag[CTL_TAG_LEN];
	unsigned int order;
	const char *zone;
	unsigned long nr;
	struct smm_page *pages[];
};

/**
 * struct ctl_args - a parsed command
 * @order: order=
 * @count: count=
 * @gfp: from zone= and atomic=
 * @zone: the zone's name
 * @tag: tag=, "" if absent
 */
struct ctl_args {
	unsigned int order;
	unsigned int count;
	unsigned int gfp;
	const char *zone;
	char tag[CTL_TAG_LEN];
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

	for (i = 0; i < ca->nr; i++)
		smm_free_pages(&inst->buddy, ca->pages[i], ca->order);
	ca->nr = 0;
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
		if (n > 1) {
			smm_bad_input("control.atomic", "must be 0 or 1");
			return -EINVAL;
		}
		args->gfp = n ? args->gfp | __SMM_GFP_HIGH : args->gfp & ~__SMM_GFP_HIGH;
	} else {
		smm_bad_input("control", "unknown key '%s'", word);
		return -EINVAL;
	}
	return 0;
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
	ca = kvzalloc(struct_size(ca, pages, args->count), GFP_KERNEL);
	if (!ca)
		return -ENOMEM;
	strscpy(ca->tag, args->tag, sizeof(ca->tag));
	ca->order = args->order;
	ca->zone = args->zone;
	for (i = 0; i < args->count; i++) {
		struct smm_page *page = smm_alloc_pages(&inst->buddy, args->gfp, args->order);

		if (IS_ERR(page)) {
			free_blocks(inst, ca);
			kvfree(ca);
			return PTR_ERR(page);
		}
		ca->pages[ca->nr++] = page;
	}
	list_add_tail(&ca->node, &inst->ctl_allocs);
	return 0;
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
		smm_bad_input("control", "unknown command '%s'; see Documentation/shadow_mm.rst",
			      verb);
		ret = -EINVAL;
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
	seq_printf(m, "%-15s %6s %-8s %8s %10s\n", "tag", "order", "zone", "blocks", "pages");
	list_for_each_entry(ca, &inst->ctl_allocs, node)
		seq_printf(m, "%-15s %6u %-8s %8lu %10lu\n", ca->tag, ca->order, ca->zone,
			   ca->nr, ca->nr << ca->order);
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
