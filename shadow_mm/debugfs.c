// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm debugfs: every stage of an instance, visible.
 */

/**
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
 * ``early_res`` (2.6.29)
 *	The early allocator's labelled reservations.
 * ``memblock/memory``, ``memblock/reserved`` (6.12)
 *	memblock's two region arrays in the format of the kernel's own
 *	debugfs files (memblock_debug_show()): index, inclusive range, node,
 *	flags.
 * ``deferred`` (6.12)
 *	Deferred struct page init: the deferred zone and boundary, the
 *	threads' split across CPUs, pages initialised at bring-up, by the
 *	threads and by grow_zone, and the time (see "DOC" in deferred.c).
 * ``compaction``
 *	The last compaction: pages scanned, isolated and migrated per zone,
 *	and the largest free order with the unusable and fragmentation
 *	indices before and after (see compaction.c).
 * ``bringup``
 *	The timeline: each stage, the kernel function it replays, its start
 *	and duration in ns, and what it produced, with its steps indented
 *	under it; then mem_init()'s banner, ``Memory: ...k/...k available
 *	(...)``, and the virtual kernel memory layout.
 * ``bootmem`` (2.6.29)
 *	The bootmem bitmap as free ranges with totals, and the early
 *	reservations early_res_to_bootmem() carried over, one line each in
 *	the kernel's ``#n [start - end] LABEL ==> [start - end]`` form; after
 *	the handoff, the pages handed over and kept, the HighMem pages freed
 *	one by one, and the word that bootmem is closed.
 * ``buddyinfo``, ``zoneinfo``
 *	/proc/buddyinfo's format exactly; the /proc/zoneinfo fields that apply
 *	(free, watermarks, spanned/present/managed, per-CPU lists), in its
 *	layout.
 * ``pcplists``
 *	Each CPU's per-CPU lists of each zone in detail: count, high and its
 *	bounds, batch, the scaling factors, and the blocks on each order's list.
 * ``extfrag``
 *	The unusable free space index and the fragmentation index per zone
 *	and order, as /sys/kernel/debug/extfrag prints them.
 * ``pagetypeinfo``
 *	/proc/pagetypeinfo's format exactly (6.12): the pageblock order, the
 *	free blocks per zone, migratetype and order, and the number of
 *	pageblocks of each type (see smm_pagetypeinfo_show()).
 * ``meminfo``
 *	/proc/meminfo's format: MemTotal, MemFree, MemAvailable (as
 *	si_mem_available() computes it: user pages need swap to go, so
 *	they do not count), SwapCached, the LRU lists, the low/high split,
 *	SwapTotal and SwapFree, the slab, then the pages each layer holds.
 * ``swaps``
 *	/proc/swaps' format exactly: the header, then the instance's swap
 *	area, if it has one (see "DOC: swap" in swap.c).
 * ``buddystat``
 *	The buddy allocator's event counters.
 * ``vmstat``
 *	/proc/vmstat's format: free pages, then the fault, reclaim and swap
 *	events under the kernel's names.
 * ``sysctl``
 *	The tunables the ``sysctl`` control command sets, as
 *	``sysctl vm.<name>`` prints them.
 * ``control``
 *	Write commands for live experiments; read the tagged allocations.
 * ``slabinfo``
 *	/proc/slabinfo version 2.1, exactly, for slabtop and friends.
 * ``slab/<cache>``
 *	One file per cache: layout, colouring, on- or off-slab management,
 *	per-CPU state, list lengths and misuse reports.
 * ``pagetables``
 *	Table pages per level of the shadow kernel page tables; the kernel
 *	image, the temporary page table (INIT_PG_TABLE), the direct map with
 *	its 2 MiB and 4 KiB entries and its PGTABLE pages, and the tables
 *	paging_init() took from bootmem; then the walk of one address, chosen
 *	by writing it to the file.
 * ``vmallocinfo``
 *	/proc/vmallocinfo's format over the shadow vmalloc space.
 * ``kmap``
 *	The pkmap window and kmap_local slots in the shadow kernel space, the
 *	pkmap slots in use with their counts, and the kmap counters (kmaps,
 *	wraps, waits when the window was full).
 * ``pgtable_check`` (2.6.29)
 *	Reading it runs the checker: do the image's map and the direct map
 *	give every page its own address, with tables only from swapper_pg_dir,
 *	INIT_PG_TABLE and PGTABLE; and do the shadow tables and the host
 *	mappings of every vmalloc area agree?
 * ``pfnmap``, ``kpageflags``, ``kpagecount``
 *	What each PFN is: one text record per PFN, and the binary
 *	/proc/kpageflags and /proc/kpagecount formats (see "DOC: pfninfo" in
 *	pfninfo.c).
 * ``fail_page_alloc/``, ``failslab/``
 *	Fault injection, the kernel's knobs (see "DOC: fault injection" in
 *	inject.c).
 *
 * The files are created when the instance is complete and removed before it
 * is torn down; debugfs_remove() waits for readers and writers, so a reader
 * never sees a half-built or freed instance.  ``control`` and
 * ``pagetables`` are 0600, every other file 0400.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compaction.h"
#include "control.h"
#include "debugfs.h"
#include "parse.h"
#include "pfninfo.h"

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

/* memblock's own debugfs files, memblock/memory and memblock/reserved */
static int memblock_memory_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_memblock_show(m, &inst->memblock.memory);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memblock_memory);

static int memblock_reserved_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_memblock_show(m, &inst->memblock.reserved);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memblock_reserved);

static int deferred_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_deferred_show(m, &inst->deferred);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(deferred);

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

static int pcplists_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_pcplists_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pcplists);

static int extfrag_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_extfrag_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(extfrag);

static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_pagetypeinfo_show(m, &inst->buddy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pagetypeinfo);

static int meminfo_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_meminfo_show(m, inst);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(meminfo);

static int swaps_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_swaps_show(m, &inst->swap, inst->name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(swaps);

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

/*
 * The events in the order of the kernel's vmstat_text[] (mm/vmstat.c),
 * which /proc/vmstat prints; cow_fault, ours, last.
 */
static const enum smm_vm_event_item vmstat_order[] = {
	SMM_PSWPIN,
	SMM_PSWPOUT,
	SMM_ALLOCSTALL,
	SMM_PGACTIVATE,
	SMM_PGDEACTIVATE,
	SMM_PGFAULT,
	SMM_PGMAJFAULT,
	SMM_PGSTEAL_KSWAPD,
	SMM_PGSTEAL_DIRECT,
	SMM_PGSCAN_KSWAPD,
	SMM_PGSCAN_DIRECT,
	SMM_PGMIGRATE_SUCCESS,
	SMM_PGMIGRATE_FAIL,
	SMM_COMPACT_MIGRATE_SCANNED,
	SMM_COMPACT_FREE_SCANNED,
	SMM_COMPACT_ISOLATED,
	SMM_COMPACT_STALL,
	SMM_COMPACT_FAIL,
	SMM_COMPACT_SUCCESS,
	SMM_COW_FAULT,
};

static_assert(ARRAY_SIZE(vmstat_order) == SMM_NR_VM_EVENT_ITEMS);

/*
 * /proc/vmstat's format: the zone and node counters, then the events.
 * nr_free_pages is NR_FREE_PAGES: the pages in the zones' free areas, not
 * those on the per-CPU lists (smm_buddy_free_pages() counts both), so that
 * it is meminfo's MemFree in pages, as in /proc.
 */
static int vmstat_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;
	unsigned long free = 0;
	unsigned int i;

	for (i = 0; i < SMM_NR_ZONES; i++)
		free += smm_zone_free_pages(&inst->buddy.zones[i]);
	seq_printf(m, "nr_free_pages %lu\n", free);
	/* Node counters, in vmstat_text[]'s order. */
	seq_printf(m, "nr_inactive_anon %lu\n",
		   smm_lru_pages(&inst->vmscan, SMM_LRU_INACTIVE_ANON));
	seq_printf(m, "nr_active_anon %lu\n", smm_lru_pages(&inst->vmscan, SMM_LRU_ACTIVE_ANON));
	seq_printf(m, "nr_swapcached %lu\n", smm_swap_cache_pages(&inst->swap));
	for (i = 0; i < ARRAY_SIZE(vmstat_order); i++)
		seq_printf(m, "%s %lu\n", smm_vm_event_name(vmstat_order[i]),
			   smm_vm_events_sum(&inst->vmstat, vmstat_order[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vmstat);

static int sysctl_show(struct seq_file *m, void *v)
{
	smm_sysctl_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sysctl);

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

	buf = smm_cmd_dup_user(ubuf, len, CONTROL_MAX - 1, "control");
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
	smm_setup_show(m, &inst->setup, &inst->kpt);
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
	char buf[24];
	u64 va;
	int ret;

	if (!len || len >= sizeof(buf)) {
		smm_bad_input("pagetables", "expected an address, e.g. 0xffffc90000000000");
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = smm_parse_u64("pagetables", strim(buf), 0, U64_MAX, &va);
	if (ret)
		return ret;
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
	long early = smm_setup_check(&inst->setup, &inst->kpt, m);
	int bad = smm_vmalloc_check(&inst->vm, m);

	seq_printf(m, "%s: direct map and image map of %lu pages, %ld disagreements\n",
		   early ? "FAIL" : "ok", inst->setup.low_pfn, early);
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

/* fail_page_alloc/sites: the callers that may fail, by name. */
static int sites_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;
	u32 sites = READ_ONCE(inst->buddy.fpa.sites);
	int i, n = 0;

	for (i = 0; i < SMM_SITE_NR; i++)
		if (sites & BIT(i))
			seq_printf(m, "%s%s", n++ ? " " : "", smm_alloc_site_name(i));
	seq_puts(m, n ? "\n" : "none\n");
	return 0;
}

static int sites_open(struct inode *inode, struct file *file)
{
	return single_open(file, sites_show, inode->i_private);
}

/* "all", "none", or site names separated by spaces or commas. */
static ssize_t sites_write(struct file *file, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	struct smm_instance *inst = file_inode(file)->i_private;
	char buf[64], *cur, *word;
	u32 sites = 0;
	int i;

	if (!len || len >= sizeof(buf)) {
		smm_bad_input("fail_page_alloc.sites", "expected all, none or site names");
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	cur = strim(buf);
	if (!*cur) {
		smm_bad_input("fail_page_alloc.sites", "expected all, none or site names");
		return -EINVAL;
	}
	if (!strcmp(cur, "all")) {
		sites = BIT(SMM_SITE_NR) - 1;
		cur = NULL;
	} else if (!strcmp(cur, "none")) {
		cur = NULL;
	}
	while ((word = strsep(&cur, " ,\t")) != NULL) {
		if (!*word)
			continue;
		for (i = 0; i < SMM_SITE_NR; i++)
			if (!strcmp(word, smm_alloc_site_name(i)))
				break;
		if (i == SMM_SITE_NR) {
			smm_bad_input("fail_page_alloc.sites",
				      "'%s' is not pages, slab, pgtable, vmalloc or fault", word);
			return -EINVAL;
		}
		sites |= BIT(i);
	}
	WRITE_ONCE(inst->buddy.fpa.sites, sites);
	return len;
}

static const struct file_operations sites_fops = {
	.owner		= THIS_MODULE,
	.open		= sites_open,
	.read		= seq_read,
	.write		= sites_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* The fault-injection knobs: fail_page_alloc/ and failslab/. */
static void inject_debugfs(struct smm_instance *inst, struct dentry *d)
{
	struct smm_fail_page_alloc *fpa = &inst->buddy.fpa;
	struct dentry *dir;

	dir = smm_fail_debugfs(&fpa->fail, d);
	if (!IS_ERR(dir)) {
		debugfs_create_file("sites", 0600, dir, inst, &sites_fops);
		debugfs_create_u32("min-order", 0600, dir, &fpa->min_order);
		debugfs_create_bool("ignore-gfp-highmem", 0600, dir, &fpa->ignore_gfp_highmem);
	}
	smm_fail_debugfs(&inst->slab.failslab, d);
}

static int bringup_show(struct seq_file *m, void *v)
{
	struct smm_instance *inst = m->private;

	smm_timeline_show(m, &inst->timeline);
	seq_puts(m, inst->setup.banner);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bringup);

/**
 * smm_debugfs_add() - create an instance's debugfs directory
 * @inst: the complete instance
 * @root: the module's debugfs directory
 *
 * The files in the directory are for looking, and a failure to create one
 * is not fatal (see the comment above debugfs_create_dir()).  The
 * directory itself is: without it the instance could be neither seen nor
 * destroyed by name.
 *
 * Return: 0, or the error of debugfs_create_dir() (-EEXIST for a name in
 * use, -ENODEV without debugfs).
 * Context: process context.
 */
int smm_debugfs_add(struct smm_instance *inst, struct dentry *root)
{
	struct dentry *d = debugfs_create_dir(inst->name, root);

	if (IS_ERR(d))
		return PTR_ERR(d);
	inst->debugfs = d;
	debugfs_create_file("arena", 0400, d, inst, &arena_fops);
	debugfs_create_file("e820", 0400, d, inst, &e820_fops);
	debugfs_create_file("bringup", 0400, d, inst, &bringup_fops);
	/* Each era's boot allocator, and 2.6.29's checker of its i386 tables. */
	if (inst->era == SMM_ERA_612) {
		struct dentry *mb = debugfs_create_dir("memblock", d);

		debugfs_create_file("memory", 0400, mb, inst, &memblock_memory_fops);
		debugfs_create_file("reserved", 0400, mb, inst, &memblock_reserved_fops);
		debugfs_create_file("deferred", 0400, d, inst, &deferred_fops);
	} else {
		debugfs_create_file("early_res", 0400, d, inst, &early_res_fops);
		debugfs_create_file("bootmem", 0400, d, inst, &bootmem_fops);
		debugfs_create_file("pgtable_check", 0400, d, inst, &pgtable_check_fops);
	}
	debugfs_create_file("kmap", 0400, d, inst, &kmap_fops);
	debugfs_create_file("buddyinfo", 0400, d, inst, &buddyinfo_fops);
	debugfs_create_file("zoneinfo", 0400, d, inst, &zoneinfo_fops);
	debugfs_create_file("pcplists", 0400, d, inst, &pcplists_fops);
	debugfs_create_file("extfrag", 0400, d, inst, &extfrag_fops);
	debugfs_create_file("pagetypeinfo", 0400, d, inst, &pagetypeinfo_fops);
	debugfs_create_file("meminfo", 0400, d, inst, &meminfo_fops);
	debugfs_create_file("swaps", 0400, d, inst, &swaps_fops);
	debugfs_create_file("buddystat", 0400, d, inst, &buddystat_fops);
	debugfs_create_file("vmstat", 0400, d, inst, &vmstat_fops);
	debugfs_create_file("sysctl", 0400, d, inst, &sysctl_fops);
	inst->ctl_file = debugfs_create_file("control", 0600, d, inst, &control_fops);
	debugfs_create_file("slabinfo", 0400, d, inst, &slabinfo_fops);
	debugfs_create_file("pagetables", 0600, d, inst, &pagetables_fops);
	debugfs_create_file("vmallocinfo", 0400, d, inst, &vmallocinfo_fops);
	smm_pfninfo_debugfs(inst, d);
	smm_compact_attach(inst, false);
	smm_slab_debugfs_init(&inst->slab, debugfs_create_dir("slab", d));
	inject_debugfs(inst, d);
	return 0;
}

/**
 * smm_debugfs_remove() - remove an instance's debugfs directory
 * @inst: the instance
 *
 * ``control`` goes first.  Its writers are the only ones that create files
 * in the directory (``slab/<cache>`` on cache_create), and debugfs_remove()
 * of the file waits for the writes in flight and refuses new ones.  Then
 * the slab layer forgets its directory, and only then is the tree removed,
 * waiting for its readers.  In the other order a cache_create could make
 * a file in a ``slab/`` that the recursive removal had already freed.
 * Context: process context; sleeps.
 */
void smm_debugfs_remove(struct smm_instance *inst)
{
	debugfs_remove(inst->ctl_file);
	inst->ctl_file = NULL;
	smm_slab_debugfs_exit(&inst->slab);
	/* Its file goes with the directory: forget it first. */
	smm_compact_detach(inst);
	debugfs_remove(inst->debugfs);
	inst->debugfs = NULL;
	smm_fail_debugfs_release(&inst->buddy.fpa.fail);
	smm_fail_debugfs_release(&inst->slab.failslab);
}
