// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm: Linux's boot-time memory bring-up, replayed in a module.
 *
 * DOC: overview
 *
 * At load time shadow_mm takes a region of real memory from the running
 * kernel (the arena) and, inside it, replays the boot-time bring-up of
 * memory management stage by stage on its own data structures: a synthetic
 * e820 map, the early allocator, and the page descriptors, with each later
 * stage built on the ones before.  Each stage records what it did in a
 * timeline, and everything is visible under
 * ``/sys/kernel/debug/shadow_mm/``.
 *
 * This file only reads the module parameters and wires up the instances;
 * the bring-up itself is smm_instance_create().
 *
 * DOC: instances
 *
 * The module brings up one instance, ``default``, from its parameters.
 * ``/sys/kernel/debug/shadow_mm/control`` makes more, each with its own
 * arena and strategy, so that two allocators can run the same workload side
 * by side:
 *
 * ``create name=NAME [arena_mb=N] [slab=slab|slub|slob] [arena_source=S] [max_order=N]``
 *	Bring up a new instance; it appears as ``shadow_mm/NAME/``.  Unset
 *	values are the defaults (64 MiB, SLUB, auto, 11).
 * ``destroy name=NAME``
 *	Tear it down and give its memory back.  ``default`` stays.
 *
 * Reading the file lists the instances.  Bad input gets -EINVAL (a name in
 * use: -EEXIST) and a message, and changes nothing.
 *
 * The default instance also serves ``/dev/shadow_mm``, the demand-paging
 * device (see fault.c).
 *
 * Lock order: smm_instances_lock (the list of instances).
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bench.h"
#include "debugfs.h"
#include "fault.h"
#include "instance.h"

static int arena_mb = 64;
module_param(arena_mb, int, 0444);
MODULE_PARM_DESC(arena_mb, "Arena size in MiB, at least 4 (default 64)");

static char *arena_source = "auto";
module_param(arena_source, charp, 0444);
MODULE_PARM_DESC(arena_source,
		 "Where the arena comes from: auto (contig, then chunks), contig (alloc_contig_range on ZONE_MOVABLE), chunks (alloc_pages)");

static unsigned int arena_chunk_order = MAX_PAGE_ORDER;
module_param(arena_chunk_order, uint, 0444);
MODULE_PARM_DESC(arena_chunk_order,
		 "Order of the alloc_pages chunks, at most MAX_PAGE_ORDER (default); smaller orders give more holes");

static char *e820_reserve;
module_param(e820_reserve, charp, 0444);
MODULE_PARM_DESC(e820_reserve,
		 "Extra e820 ranges: SIZE@START[:reserved|acpi|nvs|unusable][,...], sizes with K/M/G");

static unsigned int max_order = SMM_MAX_ORDER_DEFAULT;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "Buddy MAX_ORDER: orders run 0..max_order-1 (default 11, at most 14)");

static unsigned int zone_dma_mb;
module_param(zone_dma_mb, uint, 0444);
MODULE_PARM_DESC(zone_dma_mb, "End of ZONE_DMA in MiB (default: arena_mb/16, 1..16)");

static unsigned int zone_normal_mb;
module_param(zone_normal_mb, uint, 0444);
MODULE_PARM_DESC(zone_normal_mb, "End of ZONE_NORMAL, start of ZONE_HIGHMEM, in MiB (default: the top 1/8 is HighMem)");

static char *slab = "slub";
module_param(slab, charp, 0444);
MODULE_PARM_DESC(slab, "Slab strategy: slab, slub (default) or slob");

static struct dentry *smm_debugfs_root;
static struct smm_instance *smm_default;
static DEFINE_MUTEX(smm_instances_lock);
static LIST_HEAD(smm_instances);	/* the extra ones; protected by the lock */

#define CMD_MAX	256

static struct smm_instance *find_instance(const char *name)
{
	struct smm_instance *inst;

	lockdep_assert_held(&smm_instances_lock);
	if (!strcmp(name, smm_default->name))
		return smm_default;
	list_for_each_entry(inst, &smm_instances, node)
		if (!strcmp(inst->name, name))
			return inst;
	return NULL;
}

static int parse_create(char *cur, struct smm_params *p, char *name)
{
	char *word;

	while ((word = strsep(&cur, " \t")) != NULL) {
		char *val = strchr(word, '=');
		int ret = 0;

		if (!*word)
			continue;
		if (!val) {
			smm_bad_input("control", "'%s' is not key=value", word);
			return -EINVAL;
		}
		*val++ = '\0';
		if (!strcmp(word, "name")) {
			if (!*val || strlen(val) >= SMM_NAME_LEN)
				ret = -EINVAL;
			else
				strscpy(name, val, SMM_NAME_LEN);
		} else if (!strcmp(word, "arena_mb")) {
			ret = kstrtouint(val, 0, &p->arena_mb);
		} else if (!strcmp(word, "max_order")) {
			ret = kstrtouint(val, 0, &p->max_order);
			if (!ret && !p->max_order)
				ret = -EINVAL;
		} else if (!strcmp(word, "slab")) {
			ret = smm_slab_parse_strategy(val, &p->slab);
		} else if (!strcmp(word, "arena_source")) {
			ret = smm_arena_parse_source(val, &p->source);
		} else {
			smm_bad_input("control", "unknown key '%s'", word);
			return -EINVAL;
		}
		if (ret) {
			smm_bad_input("control", "bad value '%s' for %s", val, word);
			return -EINVAL;
		}
	}
	return 0;
}

/* create and destroy, under smm_instances_lock */
static int instances_exec(char *buf)
{
	struct smm_params p = {
		.arena_mb = 64,
		.source = SMM_ARENA_AUTO,
		.chunk_order = MAX_PAGE_ORDER,
		.slab = SMM_SLAB_SLUB,
	};
	char name[SMM_NAME_LEN] = "";
	struct smm_instance *inst;
	char *cur = strim(buf), *verb = strsep(&cur, " \t");
	int ret;

	if (strcmp(verb, "create") && strcmp(verb, "destroy")) {
		smm_bad_input("control", "unknown command '%s'", verb);
		return -EINVAL;
	}
	ret = parse_create(cur, &p, name);
	if (ret)
		return ret;
	if (!name[0]) {
		smm_bad_input("control.name", "%s needs name=NAME", verb);
		return -EINVAL;
	}
	p.name = name;
	lockdep_assert_held(&smm_instances_lock);
	inst = find_instance(name);
	if (!strcmp(verb, "destroy")) {
		if (!inst || inst == smm_default) {
			smm_bad_input("control.name", "'%s' is not an instance one can destroy",
				      name);
			return -EINVAL;
		}
		list_del(&inst->node);
		smm_debugfs_remove(inst);
		smm_instance_destroy(inst);
		return 0;
	}
	if (inst || !strcmp(name, "bench")) {
		smm_bad_input("control.name", "'%s' is in use", name);
		return -EEXIST;
	}
	inst = smm_instance_create(&p);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	list_add_tail(&inst->node, &smm_instances);
	smm_timeline_log(&inst->timeline, inst->name);
	smm_debugfs_add(inst, smm_debugfs_root);
	return 0;
}

static ssize_t instances_write(struct file *file, const char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	char *buf;
	int ret;

	if (len >= CMD_MAX) {
		smm_bad_input("control", "command longer than %d bytes", CMD_MAX - 1);
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&smm_instances_lock);
	ret = instances_exec(buf);
	mutex_unlock(&smm_instances_lock);
	kfree(buf);
	return ret ? ret : len;
}

static int instances_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst;

	mutex_lock(&smm_instances_lock);
	seq_printf(m, "%-16s %10s %-6s\n", "instance", "arena_kb", "slab");
	seq_printf(m, "%-16s %10lu %-6s\n", smm_default->name,
		   smm_default->arena.nr_pages << (PAGE_SHIFT - 10),
		   smm_default->slab.ops->name);
	list_for_each_entry(inst, &smm_instances, node)
		seq_printf(m, "%-16s %10lu %-6s\n", inst->name,
			   inst->arena.nr_pages << (PAGE_SHIFT - 10), inst->slab.ops->name);
	mutex_unlock(&smm_instances_lock);
	return 0;
}

static int instances_open(struct inode *inode, struct file *file)
{
	return single_open(file, instances_show, NULL);
}

static const struct file_operations instances_fops = {
	.owner		= THIS_MODULE,
	.open		= instances_open,
	.read		= seq_read,
	.write		= instances_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init shadow_mm_init(void)
{
	struct smm_params p = {
		.name = "default",
		.chunk_order = arena_chunk_order,
		.e820_reserve = e820_reserve,
		.max_order = max_order,
		.zone_dma_mb = zone_dma_mb,
		.zone_normal_mb = zone_normal_mb,
	};
	int ret;

	/* arena_mb is signed so that "arena_mb=-1" reaches our check. */
	if (arena_mb < (int)SMM_ARENA_MIN_MB || arena_mb > (int)SMM_ARENA_MAX_MB) {
		smm_bad_input("arena_mb", "%d is outside [%u, %u]", arena_mb,
			      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
		return -EINVAL;
	}
	p.arena_mb = arena_mb;
	if (!max_order || max_order > SMM_MAX_ORDER_LIMIT) {
		smm_bad_input("max_order", "%u is outside [1, %d]", max_order,
			      SMM_MAX_ORDER_LIMIT);
		return -EINVAL;
	}
	if (smm_slab_parse_strategy(slab ? slab : "", &p.slab)) {
		smm_bad_input("slab", "'%s' is not slab, slub or slob", slab ? slab : "");
		return -EINVAL;
	}
	if (smm_arena_parse_source(arena_source ? arena_source : "", &p.source)) {
		smm_bad_input("arena_source", "'%s' is not auto, contig or chunks",
			      arena_source ? arena_source : "");
		return -EINVAL;
	}

	smm_default = smm_instance_create(&p);
	if (IS_ERR(smm_default)) {
		ret = PTR_ERR(smm_default);
		pr_err("shadow_mm: bring-up failed: %d\n", ret);
		return ret;
	}
	smm_timeline_log(&smm_default->timeline, smm_default->name);

	smm_debugfs_root = debugfs_create_dir("shadow_mm", NULL);
	smm_debugfs_add(smm_default, smm_debugfs_root);
	ret = smm_fault_register(smm_default);
	if (ret) {
		pr_err("shadow_mm: /dev/shadow_mm: %d\n", ret);
		smm_debugfs_remove(smm_default);
		debugfs_remove(smm_debugfs_root);
		smm_instance_destroy(smm_default);
		return ret;
	}
	smm_bench_debugfs_init(smm_debugfs_root);
	debugfs_create_file("control", 0600, smm_debugfs_root, NULL, &instances_fops);
	return 0;
}

static void __exit shadow_mm_exit(void)
{
	unsigned long pages = smm_default->arena.nr_pages;
	struct smm_instance *inst, *tmp;

	debugfs_lookup_and_remove("control", smm_debugfs_root);
	smm_fault_unregister();
	mutex_lock(&smm_instances_lock);
	list_for_each_entry_safe(inst, tmp, &smm_instances, node) {
		pages += inst->arena.nr_pages;
		list_del(&inst->node);
		smm_debugfs_remove(inst);
		smm_instance_destroy(inst);
	}
	mutex_unlock(&smm_instances_lock);
	smm_debugfs_remove(smm_default);
	debugfs_remove(smm_debugfs_root);
	smm_instance_destroy(smm_default);
	pr_info("shadow_mm: unloaded, %lu pages returned to the host\n", pages);
}

module_init(shadow_mm_init);
module_exit(shadow_mm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shadow_mm: replay Linux's boot-time memory bring-up on real memory");
MODULE_AUTHOR("shadow_mm developers");
