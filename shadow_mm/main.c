// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm: Linux's boot-time memory bring-up, replayed in a module.
 */

/**
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
 */

/**
 * DOC: instances
 *
 * The module brings up one instance, ``default``, from its parameters.
 * ``/sys/kernel/debug/shadow_mm/control`` makes more, each with its own
 * arena and strategy, so that two allocators can run the same workload side
 * by side:
 *
 * ``create name=NAME [arena_mb=N] [slab=slab|slub|slob] [arena_source=S] [max_order=N]
 * [slab_debug=S] [swap_mb=N] [bringup=2.6.29|6.12] [kernelcore=X] [movablecore=X]``
 *	Bring up a new instance; it appears as ``shadow_mm/NAME/``.  Unset
 *	values are the defaults (64 MiB, SLUB, auto, 11, no slab debugging,
 *	no swap, 2.6.29, no ZONE_MOVABLE).  kernelcore= and movablecore= take
 *	a size with K, M or G, or a percentage "N%", and need bringup=6.12;
 *	bringup=6.12 refuses slab=slab and slab=slob, which 6.12 no longer
 *	has.
 *	NAME is 1 to 31 characters of ``A-Z a-z 0-9 _ . -``, and neither
 *	``.`` nor ``..``.  slab_debug= is the module parameter's syntax.
 * ``destroy name=NAME``
 *	Tear it down and give its memory back.  ``default`` stays.  It
 *	waits for the instance's control commands in flight, and its files'
 *	readers.
 *
 * Reading the file lists the instances.  Numbers read as everywhere else
 * (decimal or 0x hex).  A refused command changes nothing and logs a
 * message naming the field: -EEXIST for a name in use, or one of the
 * module's own files (``control``, ``bench``, ``replay``); -ERANGE for a number out of
 * range; -EINVAL for anything else malformed, an unknown key, or a key
 * other than name= for destroy.
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
#include "parse.h"
#include "replay.h"

/*
 * The numeric parameters read numbers as every shadow_mm file does
 * (decimal or 0x hex, see "DOC: input" in parse.c), not as kstrtouint()
 * with base 0, which would take arena_mb=010 for eight.
 */
static int param_set_smm_uint(const char *val, const struct kernel_param *kp)
{
	if (!val) {
		smm_bad_input(kp->name, "needs a value");
		return -EINVAL;
	}
	return smm_parse_uint(kp->name, val, 0, UINT_MAX, kp->arg);
}

static const struct kernel_param_ops smm_uint_ops = {
	.set	= param_set_smm_uint,
	.get	= param_get_uint,
};

static unsigned int arena_mb = 64;
module_param_cb(arena_mb, &smm_uint_ops, &arena_mb, 0444);
MODULE_PARM_DESC(arena_mb, "Arena size in MiB, at least 4 (default 64)");

static char *arena_source = "auto";
module_param(arena_source, charp, 0444);
MODULE_PARM_DESC(arena_source,
		 "Where the arena comes from: auto (contig, then chunks), contig (alloc_contig_range on ZONE_MOVABLE), chunks (alloc_pages)");

static unsigned int arena_chunk_order = MAX_PAGE_ORDER;
module_param_cb(arena_chunk_order, &smm_uint_ops, &arena_chunk_order, 0444);
MODULE_PARM_DESC(arena_chunk_order,
		 "Order of the alloc_pages chunks, at most MAX_PAGE_ORDER (default); smaller orders give more holes");

static char *e820_reserve;
module_param(e820_reserve, charp, 0444);
MODULE_PARM_DESC(e820_reserve,
		 "Extra e820 ranges: SIZE@START[:reserved|acpi|nvs|unusable][,...], sizes with K/M/G");

static unsigned int max_order = SMM_MAX_ORDER_DEFAULT;
module_param_cb(max_order, &smm_uint_ops, &max_order, 0444);
MODULE_PARM_DESC(max_order, "Buddy MAX_ORDER: orders run 0..max_order-1 (default 11, at most 14)");

static unsigned int zone_dma_mb;
module_param_cb(zone_dma_mb, &smm_uint_ops, &zone_dma_mb, 0444);
MODULE_PARM_DESC(zone_dma_mb, "End of ZONE_DMA in MiB (default: arena_mb/16, 1..16)");

static unsigned int zone_normal_mb;
module_param_cb(zone_normal_mb, &smm_uint_ops, &zone_normal_mb, 0444);
MODULE_PARM_DESC(zone_normal_mb, "End of ZONE_NORMAL, start of ZONE_HIGHMEM, in MiB (default: the top 1/8 is HighMem)");

static char *slab = "slub";
module_param(slab, charp, 0444);
MODULE_PARM_DESC(slab, "Slab strategy: slab, slub (default) or slob");

static char *slab_debug;
module_param(slab_debug, charp, 0444);
MODULE_PARM_DESC(slab_debug,
		 "Slab debugging as the kernel's slub_debug=: letters F (exact double-free checks), Z (red zones), P (poison), U (owner tracking), then optionally ,cache,... ; blocks separated by ';' (default: off)");

static unsigned int swap_mb;
module_param_cb(swap_mb, &smm_uint_ops, &swap_mb, 0444);
MODULE_PARM_DESC(swap_mb, "Swap area in MiB of host memory, at most 65536 (default 0: no swap)");

static char *bringup = "2.6.29";
module_param(bringup, charp, 0444);
MODULE_PARM_DESC(bringup,
		 "Whose memory bring-up to replay: 2.6.29 (default: early_res, bootmem, HighMem, SLAB/SLUB/SLOB) or 6.12 (memblock, DMA32/Movable, migratetypes, deferred init, SLUB)");

static char *kernelcore;
module_param(kernelcore, charp, 0444);
MODULE_PARM_DESC(kernelcore,
		 "bringup=6.12: memory kept out of ZONE_MOVABLE, a size (K, M, G) or N% (default: none)");

static char *movablecore;
module_param(movablecore, charp, 0444);
MODULE_PARM_DESC(movablecore,
		 "bringup=6.12: memory for ZONE_MOVABLE, a size (K, M, G) or N% (default: none)");

static struct dentry *smm_debugfs_root;
static struct dentry *smm_control_file;
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

/* The keys of create; destroy takes only name=. */
enum { KEY_NAME, KEY_ARENA_MB, KEY_MAX_ORDER, KEY_SLAB, KEY_ARENA_SOURCE, KEY_SLAB_DEBUG,
	KEY_SWAP_MB, KEY_BRINGUP, KEY_KERNELCORE, KEY_MOVABLECORE, KEY_NR };

static const char *const create_keys[] = {
	[KEY_NAME]		= "name",
	[KEY_ARENA_MB]		= "arena_mb",
	[KEY_MAX_ORDER]		= "max_order",
	[KEY_SLAB]		= "slab",
	[KEY_ARENA_SOURCE]	= "arena_source",
	[KEY_SLAB_DEBUG]	= "slab_debug",
	[KEY_SWAP_MB]		= "swap_mb",
	[KEY_BRINGUP]		= "bringup",
	[KEY_KERNELCORE]	= "kernelcore",
	[KEY_MOVABLECORE]	= "movablecore",
};

static_assert(ARRAY_SIZE(create_keys) == KEY_NR);

/* The key=value words of create or destroy, into @p and @name. */
static int parse_instance_cmd(char *cur, bool create, struct smm_params *p, char *name)
{
	unsigned int seen = 0;
	char *val;
	int k, ret;

	while ((k = smm_next_key(&cur, "control", create_keys, KEY_NR, &seen, &val)) >= 0) {
		if (!create && k != KEY_NAME) {
			smm_bad_input("control", "%s= means nothing to 'destroy'", create_keys[k]);
			return -EINVAL;
		}
		ret = 0;
		switch (k) {
		case KEY_NAME:
			if (!smm_instance_name_valid(val))
				return -EINVAL;
			strscpy(name, val, SMM_NAME_LEN);
			break;
		case KEY_ARENA_MB:
			ret = smm_parse_uint("control.arena_mb", val, SMM_ARENA_MIN_MB,
					     SMM_ARENA_MAX_MB, &p->arena_mb);
			break;
		case KEY_MAX_ORDER:
			ret = smm_parse_uint("control.max_order", val, 1, SMM_MAX_ORDER_LIMIT,
					     &p->max_order);
			break;
		case KEY_SLAB:
			ret = smm_slab_parse_strategy(val, &p->slab);
			if (ret)
				smm_bad_input("control.slab", "'%s' is not slab, slub or slob",
					      val);
			break;
		case KEY_ARENA_SOURCE:
			ret = smm_arena_parse_source(val, &p->source);
			if (ret)
				smm_bad_input("control.arena_source",
					      "'%s' is not auto, contig or chunks", val);
			break;
		case KEY_SLAB_DEBUG:
			ret = smm_slab_parse_debug(val, NULL, NULL);
			p->slab_debug = val;
			break;
		case KEY_SWAP_MB:
			ret = smm_parse_uint("control.swap_mb", val, 0, SMM_SWAP_MAX_MB,
					     &p->swap_mb);
			break;
		case KEY_BRINGUP:
			ret = smm_parse_era("control.bringup", val, &p->era);
			break;
		case KEY_KERNELCORE:
			ret = smm_parse_core("control.kernelcore", val, &p->kernelcore);
			break;
		case KEY_MOVABLECORE:
			ret = smm_parse_core("control.movablecore", val, &p->movablecore);
			break;
		}
		if (ret)
			return ret;
	}
	return k == -ENOENT ? 0 : k;
}

/*
 * Names that the module's own files use in /sys/kernel/debug/shadow_mm/;
 * an instance of that name would have no directory.
 */
static bool name_reserved(const char *name)
{
	return !strcmp(name, "control") || !strcmp(name, "bench") || !strcmp(name, "replay");
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
	bool create = !strcmp(verb, "create");
	int ret;

	if (!create && strcmp(verb, "destroy")) {
		smm_bad_input("control", "unknown command '%s'", verb);
		return -EINVAL;
	}
	ret = parse_instance_cmd(cur, create, &p, name);
	if (ret)
		return ret;
	if (!name[0]) {
		smm_bad_input("control.name", "%s needs name=NAME", verb);
		return -EINVAL;
	}
	p.name = name;
	lockdep_assert_held(&smm_instances_lock);
	inst = find_instance(name);
	if (!create) {
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
	if (inst || name_reserved(name)) {
		smm_bad_input("control.name", "'%s' is in use", name);
		return -EEXIST;
	}
	inst = smm_instance_create(&p);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	ret = smm_debugfs_add(inst, smm_debugfs_root);
	if (ret) {
		smm_bad_input("control.name", "no debugfs directory '%s': %d", name, ret);
		smm_instance_destroy(inst);
		return ret;
	}
	list_add_tail(&inst->node, &smm_instances);
	smm_timeline_log(&inst->timeline, inst->name);
	smm_setup_log(&inst->setup, inst->name);
	return 0;
}

static ssize_t instances_write(struct file *file, const char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	char *buf;
	int ret;

	buf = smm_cmd_dup_user(ubuf, len, CMD_MAX - 1, "control");
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
	seq_printf(m, "%-16s %10s %-6s %s\n", "instance", "arena_kb", "slab", "bringup");
	seq_printf(m, "%-16s %10lu %-6s %s\n", smm_default->name,
		   smm_default->arena.nr_pages << (PAGE_SHIFT - 10),
		   smm_default->slab.ops->name, smm_era_name(smm_default->era));
	list_for_each_entry(inst, &smm_instances, node)
		seq_printf(m, "%-16s %10lu %-6s %s\n", inst->name,
			   inst->arena.nr_pages << (PAGE_SHIFT - 10), inst->slab.ops->name,
			   smm_era_name(inst->era));
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
		.slab_debug = slab_debug,
	};
	int ret;

	if (swap_mb > SMM_SWAP_MAX_MB) {
		smm_bad_input("swap_mb", "%u is outside [0, %u]", swap_mb, SMM_SWAP_MAX_MB);
		return -ERANGE;
	}
	p.swap_mb = swap_mb;

	if (arena_mb < SMM_ARENA_MIN_MB || arena_mb > SMM_ARENA_MAX_MB) {
		smm_bad_input("arena_mb", "%u is outside [%u, %u]", arena_mb,
			      SMM_ARENA_MIN_MB, SMM_ARENA_MAX_MB);
		return -ERANGE;
	}
	p.arena_mb = arena_mb;
	if (!max_order || max_order > SMM_MAX_ORDER_LIMIT) {
		smm_bad_input("max_order", "%u is outside [1, %d]", max_order,
			      SMM_MAX_ORDER_LIMIT);
		return -ERANGE;
	}
	if (smm_slab_parse_strategy(slab ? slab : "", &p.slab)) {
		smm_bad_input("slab", "'%s' is not slab, slub or slob", slab ? slab : "");
		return -EINVAL;
	}
	if (smm_parse_era("bringup", bringup ? bringup : "", &p.era))
		return -EINVAL;
	if (kernelcore && *kernelcore) {
		ret = smm_parse_core("kernelcore", kernelcore, &p.kernelcore);
		if (ret)
			return ret;
	}
	if (movablecore && *movablecore) {
		ret = smm_parse_core("movablecore", movablecore, &p.movablecore);
		if (ret)
			return ret;
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
	smm_setup_log(&smm_default->setup, smm_default->name);

	smm_debugfs_root = debugfs_create_dir("shadow_mm", NULL);
	ret = smm_debugfs_add(smm_default, smm_debugfs_root);
	if (ret) {
		pr_err("shadow_mm: no debugfs (CONFIG_DEBUG_FS, debugfs=on): %d\n", ret);
		goto err_debugfs;
	}
	ret = smm_fault_register(smm_default);
	if (ret) {
		pr_err("shadow_mm: /dev/shadow_mm: %d\n", ret);
		goto err_fault;
	}
	smm_bench_debugfs_init(smm_debugfs_root);
	smm_replay_debugfs_init(smm_debugfs_root);
	smm_control_file = debugfs_create_file("control", 0600, smm_debugfs_root, NULL,
					       &instances_fops);
	return 0;

err_fault:
	smm_debugfs_remove(smm_default);
err_debugfs:
	debugfs_remove(smm_debugfs_root);
	smm_instance_destroy(smm_default);
	return ret;
}

static void __exit shadow_mm_exit(void)
{
	unsigned long pages = smm_default->arena.nr_pages;
	struct smm_instance *inst, *tmp;

	/* No create or destroy from here on; the ones in flight are done. */
	debugfs_remove(smm_control_file);
	smm_replay_exit();
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
/* The dkms package version (dkms.conf); scripts/dkms.sh checks they agree. */
MODULE_VERSION("0.14");
