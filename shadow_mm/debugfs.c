// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm debugfs: every stage of an instance, visible.
 *
 * DOC: debugfs
 *
 * Each instance has a directory ``/sys/kernel/debug/shadow_mm/<instance>/``.
 * All files are root-only and print shadow (arena-relative) addresses and
 * PFNs, never host addresses or kernel pointers.
 *
 * ``arena``
 *	Where the memory came from, the runs and holes of the shadow physical
 *	space, and the cost of the mem_map.
 * ``e820``
 *	The sanitized map in the boot log's ``BIOS-e820:`` format.
 * ``early_res``
 *	The early allocator's labelled reservations.
 * ``bringup``
 *	The timeline: each stage, the kernel function it replays, its start
 *	and duration in ns, and what it produced.
 * ``bootmem``
 *	The bootmem bitmap as free ranges with totals; after the handoff, the
 *	pages handed over and kept, and the word that bootmem is closed.
 * ``buddyinfo``, ``zoneinfo``
 *	/proc/buddyinfo's format exactly; the /proc/zoneinfo fields that apply
 *	(free, watermarks, spanned/present/managed, per-CPU lists), in its
 *	layout.
 * ``extfrag``
 *	The unusable free space index and the fragmentation index per zone
 *	and order, as /sys/kernel/debug/extfrag prints them.
 * ``meminfo``
 *	/proc/meminfo's format: MemTotal, MemFree, the low/high split, then
 *	the pages each layer holds.
 * ``buddystat``
 *	The buddy allocator's event counters.
 * ``control``
 *	Write commands for live experiments; read the tagged allocations.
 * ``slabinfo``
 *	/proc/slabinfo version 2.1, exactly, for slabtop and friends.
 * ``slab/<cache>``
 *	One file per cache: layout, colouring, on- or off-slab management,
 *	per-CPU state, list lengths and misuse reports.
 * ``pagetables``
 *	Table pages per level of the shadow kernel page tables, and the walk
 *	of one address, chosen by writing it to the file.
 * ``vmallocinfo``
 *	/proc/vmallocinfo's format over the shadow vmalloc space.
 * ``kmap``
 *	The pkmap window and kmap_local slots in the shadow kernel space, the
 *	pkmap slots in use with their counts, and the kmap counters (kmaps,
 *	wraps, waits when the window was full).
 * ``pgtable_check``
 *	Reading it runs the checker: do the shadow tables and the host
 *	mappings of every vmalloc area agree?
 *
 * The files are created when the instance is complete and removed before it
 * is torn down; debugfs_remove() waits for readers, so a reader never sees a
 * half-built or freed instance.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "control.h"
#include "debugfs.h"

static int arena_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_arena_show(m, &inst->arena);
	smm_memmap_show(m, &inst->memmap);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(arena);

static int e820_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_e820_show(m, &inst->e820);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(e820);

static int early_res_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_early_show(m, &inst->early);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(early_res);

static int bootmem_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_bootmem_show(m, &inst->bootmem);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bootmem);

static int buddyinfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_buddyinfo_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static int zoneinfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_zoneinfo_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(zoneinfo);

static int extfrag_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_extfrag_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag);

static int meminfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_meminfo_show(m, inst);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(meminfo);

static int buddystat_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;
	int i;

	for (i = 0; i < SMM_BUDDY_STAT_NR; i++)
		seq_printf(m, "%-16s %lu\n", smm_buddy_stat_name(i),
			   smm_buddy_stat(&inst->buddy, i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddystat);

static int control_show(struct seq_file *m, void *v)
{
	smm_control_show(m, m->private);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, inode->i_private);
}

#define CONTROL_MAX	256

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	struct smm_instance *inst = file_inode(file)->i_private;
	char *buf;
	int ret;

	if (len >= CONTROL_MAX) {
		smm_bad_input("control", "command longer than %d bytes", CONTROL_MAX - 1);
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = smm_control_exec(inst, buf);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations control_fops = {
	.owner		= THIS_MODULE,
	.open		= control_open,
	.read		= seq_read,
	.write		= control_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int slabinfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_slabinfo_show(m, &inst->slab);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

static int pagetables_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;
	struct smm_pt_walk w;
	int i;

	for (i = 0; i < SMM_PT_LEVELS; i++)
		seq_printf(m, "%s tables: %lu\n", smm_pt_level_name(i),
			   READ_ONCE(inst->kpt.tables[i]));
	seq_printf(m, "total:      %lu pages\n", smm_pgtable_pages(&inst->kpt));
	smm_pgtable_walk(&inst->kpt, READ_ONCE(inst->walk_va), &w);
	if (w.levels)
		smm_pgtable_show_walk(m, &w);
	return 0;
}

static int pagetables_open(struct inode *inode, struct file *file)
{
	return single_open(file, pagetables_show, inode->i_private);
}

/* Writing an address chooses the one the file walks. */
static ssize_t pagetables_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct smm_instance *inst = file_inode(file)->i_private;
	struct smm_pt_walk w;
	u64 va;
	int ret;

	ret = kstrtou64_from_user(ubuf, len, 0, &va);
	if (ret) {
		smm_bad_input("pagetables", "expected an address, e.g. 0xffffc90000000000");
		return -EINVAL;
	}
	smm_pgtable_walk(&inst->kpt, va, &w);
	if (!w.levels) {
		smm_bad_input("pagetables", "%#llx is not a canonical address", va);
		return -EINVAL;
	}
	WRITE_ONCE(inst->walk_va, va);
	return len;
}

static const struct file_operations pagetables_fops = {
	.owner		= THIS_MODULE,
	.open		= pagetables_open,
	.read		= seq_read,
	.write		= pagetables_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int vmallocinfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_vmallocinfo_show(m, &inst->vm);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmallocinfo);

/* Reading runs the checker. */
static int pgtable_check_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;
	int bad = smm_vmalloc_check(&inst->vm, m);

	seq_printf(m, "%s: %lu areas, %lu pages, %d disagreements\n", bad ? "FAIL" : "ok",
		   READ_ONCE(inst->vm.nr_areas), READ_ONCE(inst->vm.nr_pages), bad);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pgtable_check);

static int kmap_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_kmap_show(m, &inst->hm);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kmap);

static int bringup_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_timeline_show(m, &inst->timeline);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bringup);

/**
 * smm_debugfs_add() - create an instance's debugfs directory
 * @inst: the complete instance
 * @root: the module's debugfs directory
 *
 * Failures are not fatal: debugfs is for looking, and the instance works
 * without it (see the comment above debugfs_create_dir()).
 * Context: process context.
 */
void smm_debugfs_add(struct smm_instance *inst, struct dentry *root)
{
	struct dentry *d = debugfs_create_dir(inst->name, root);

	inst->debugfs = d;
	debugfs_create_file("arena", 0400, d, inst, &arena_fops);
	debugfs_create_file("e820", 0400, d, inst, &e820_fops);
	debugfs_create_file("early_res", 0400, d, inst, &early_res_fops);
	debugfs_create_file("bringup", 0400, d, inst, &bringup_fops);
	debugfs_create_file("bootmem", 0400, d, inst, &bootmem_fops);
	debugfs_create_file("buddyinfo", 0400, d, inst, &buddyinfo_fops);
	debugfs_create_file("zoneinfo", 0400, d, inst, &zoneinfo_fops);
	debugfs_create_file("extfrag", 0400, d, inst, &extfrag_fops);
	debugfs_create_file("meminfo", 0400, d, inst, &meminfo_fops);
	debugfs_create_file("buddystat", 0400, d, inst, &buddystat_fops);
	debugfs_create_file("control", 0600, d, inst, &control_fops);
	debugfs_create_file("slabinfo", 0400, d, inst, &slabinfo_fops);
	debugfs_create_file("pagetables", 0600, d, inst, &pagetables_fops);
	debugfs_create_file("vmallocinfo", 0400, d, inst, &vmallocinfo_fops);
	debugfs_create_file("pgtable_check", 0400, d, inst, &pgtable_check_fops);
	debugfs_create_file("kmap", 0400, d, inst, &kmap_fops);
	smm_slab_debugfs_init(&inst->slab, debugfs_create_dir("slab", d));
}

/**
 * smm_debugfs_remove() - remove an instance's debugfs directory
 * @inst: the instance
 *
 * Waits for readers of its files to finish.
 * Context: process context; sleeps.
 */
void smm_debugfs_remove(struct smm_instance *inst)
{
	debugfs_remove(inst->debugfs);
	inst->debugfs = NULL;
	smm_slab_debugfs_exit(&inst->slab);
}
