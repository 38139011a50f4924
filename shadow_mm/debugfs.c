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
 *
 * The files are created when the instance is complete and removed before it
 * is torn down; debugfs_remove() waits for readers, so a reader never sees a
 * half-built or freed instance.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

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
}
