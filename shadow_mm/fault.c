// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm demand paging: /dev/shadow_mm, whose pages come from the shadow
 * buddy allocator in the page-fault handler.
 */

/**
 * DOC: demand paging
 *
 * malloc() reserves address space; memory comes later, one page at a time,
 * when the page is first touched and the CPU faults.  /dev/shadow_mm shows
 * that path with the shadow allocator behind it:
 *
 * - mmap() of the device reserves the range and nothing else: it sets up
 *   the mapping's own shadow page tables (a PGD from the shadow buddy
 *   allocator) and no page.
 * - The first touch of a page faults into smm_fault(), which gives it a
 *   zeroed page from the shadow buddy allocator (HIGHUSER: HighMem first),
 *   records it in the mapping's shadow page table at the faulting user
 *   address (USER, RW if the mapping is writable, NX unless it is
 *   executable), and installs the arena page in the process with
 *   vmf_insert_pfn().  The table is walked once: smm_pgtable_pte_lock()
 *   returns the entry with the table's lock held, and an empty one is
 *   filled in place, as pte_offset_map_lock() and set_pte() do.  A fault
 *   on a page the shadow table already has (a second thread that faulted
 *   on the page while the first was mapping it) installs the same page
 *   again: the data stay.  The host refuses madvise(MADV_DONTNEED) on a
 *   VM_PFNMAP mapping, so that is no way back to a fault.
 * - Zeroing ahead.  A HighMem page is zeroed through a kmap_atomic, as
 *   clear_user_highpage() does, and each host mapping behind a kmap costs
 *   a vm_map_ram() and a vm_unmap_ram() (see ``DOC: highmem``).  So a
 *   fault that finds the mapping's stock of zeroed pages empty takes up to
 *   %SMM_KM_MAX_IDX pages, never more than the VMA has from the faulting
 *   address to its end, one by one from the buddy allocator, and zeroes
 *   them through one smm_clear_highpages(); that fault and the next ones
 *   take their page from the stock.  A sequential toucher takes exactly
 *   the pages it touches; any other holds at most 15 pages it may not
 *   use, given back when its last VMA goes (``zeroed=`` on its mapping
 *   line, ``prezero_unused`` when they go back).  Each page is zeroed
 *   once, as before: the fault pays for the batch, the next ones for
 *   nothing.  The pages are zeroed a little before they are touched, so
 *   on real hardware they may have left the cache; under QEMU that costs
 *   nothing.
 * - munmap(), exit and the last close give the pages back: the VMA's
 *   close() runs after the host has zapped its PTEs and flushed the TLB,
 *   and clears the VMA's range of the shadow table, freeing each page to the
 *   buddy allocator and each emptied table with it.  munmap() of the middle
 *   of a mapping splits the VMA; each piece returns its own range.
 * - When the shadow zones are exhausted the process gets SIGBUS, with a
 *   rate-limited message.  The host's OOM killer is never involved: a
 *   VM_FAULT_OOM from the host's own page-table allocation becomes SIGBUS
 *   too.
 *
 * Decisions, and why:
 *
 * - MAP_PRIVATE is refused (-EINVAL).  The pages belong to the shadow
 *   allocator; in a private writable mapping the host would copy on write
 *   into a host page, and the shadow would lose track of the memory.  Every
 *   mapping is private in the sense that matters anyway: each mmap() gets
 *   its own pages, and two mappings never share one.  The test is
 *   VM_MAYSHARE, which is what MAP_SHARED sets: on a descriptor opened
 *   O_RDONLY the host clears VM_SHARED (and VM_MAYWRITE) from a shared
 *   mapping, and such a mapping is a read-only shared one that
 *   mprotect() can never make writable.  It works, and its first touches
 *   take zeroed pages as a writable mapping's do.
 * - fork() never copies the mapping.  VM_DONTCOPY (as MADV_DONTFORK) keeps
 *   it out of the child, which gets SIGSEGV if it touches the range.
 *   VM_IO, as remap_pfn_range() sets it, is what keeps VM_DONTCOPY there:
 *   madvise(MADV_DOFORK) refuses a VM_IO mapping with -EINVAL, and nothing
 *   else clears the flag.  Without VM_IO, MADV_DOFORK let fork copy the
 *   PFN-map PTEs, and the child kept the pages after the parent's munmap()
 *   gave them back to the allocator.  Should a copy ever reach
 *   smm_vma_open() all the same, it is reported as an impossible state and
 *   the mapping then keeps every page until its last VMA is gone, so that
 *   no process can reach a page that went back to the allocator.  Sharing
 *   the pages properly needs per-page map counts, which copy-on-write will
 *   bring.  The child can open the device and map pages of its own.
 *   VM_IO also keeps get_user_pages(), and with it /proc/PID/mem,
 *   ptrace and MADV_POPULATE_*, off the pages.
 * - mremap() that moves the mapping is refused, because the shadow table is
 *   keyed by user address; one that grows it is refused by VM_DONTEXPAND.
 * - Faults run under the per-VMA lock (6.4 and later), not mmap_lock, as
 *   the host's anonymous faults do: the device has a ->map_pages (it has
 *   nothing to map around a fault; see smm_map_pages()), without which
 *   6.7 and later retry every ->fault under mmap_lock.  smm_fault() needs
 *   no more: the VMA cannot change under its read lock (a split, mprotect
 *   or munmap takes it for writing), and the mapping's own state, which
 *   split VMAs share, is under smm_fmap.lock.
 *
 * The mapping is VM_PFNMAP: the host does not refcount the arena pages it
 * maps, the shadow allocator owns them.  debugfs ``faults`` gives the
 * counters and every live mapping with its owner and size.
 *
 * Lock order: mmap_lock or the VMA's lock (the host's), smm_fmap.lock,
 * then either the mapping's page table lock (and under it the buddy locks,
 * for tables) or the kmap and buddy locks (zeroing ahead, never under the
 * page table lock).  smm_fault_dev.lock (the list of mappings) is taken
 * alone.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "common.h"
#include "fault.h"

/**
 * enum smm_fault_stat - counters of the device
 * @SMM_FAULT_FAULTS: first touches that mapped a new page
 * @SMM_FAULT_REFAULTS: faults on a page the shadow table already had
 * @SMM_FAULT_SIGBUS: faults answered with SIGBUS
 * @SMM_FAULT_MAPPED: pages mapped in a process
 * @SMM_FAULT_RETURNED: of those, the ones given back to the buddy allocator
 * @SMM_FAULT_PREZEROED: pages taken from the buddy allocator and zeroed
 *	ahead of their fault, in batches
 * @SMM_FAULT_UNUSED: of those, the ones given back without a fault
 * @SMM_FAULT_STAT_NR: number of counters
 */
enum smm_fault_stat {
	SMM_FAULT_FAULTS,
	SMM_FAULT_REFAULTS,
	SMM_FAULT_SIGBUS,
	SMM_FAULT_MAPPED,
	SMM_FAULT_RETURNED,
	SMM_FAULT_PREZEROED,
	SMM_FAULT_UNUSED,
	SMM_FAULT_STAT_NR,
};

static const char *const stat_names[] = {
	[SMM_FAULT_FAULTS]	= "faults",
	[SMM_FAULT_REFAULTS]	= "refaults",
	[SMM_FAULT_SIGBUS]	= "sigbus",
	[SMM_FAULT_MAPPED]	= "pages_mapped",
	[SMM_FAULT_RETURNED]	= "pages_returned",
	[SMM_FAULT_PREZEROED]	= "pages_prezeroed",
	[SMM_FAULT_UNUSED]	= "prezero_unused",
};

/* Pages a fault zeroes ahead, at most: one kmap_atomic of them all. */
#define SMM_FAULT_BATCH		SMM_KM_MAX_IDX

static_assert(ARRAY_SIZE(stat_names) == SMM_FAULT_STAT_NR);

/**
 * struct smm_fault_dev - the device
 * @inst: the instance whose buddy allocator serves it
 * @misc: /dev/shadow_mm
 * @lock: protects @maps
 * @maps: live mappings
 * @stats: the counters
 * @debugfs: the ``faults`` file
 */
struct smm_fault_dev {
	struct smm_instance *inst;
	struct miscdevice misc;
	struct mutex lock;	/* protects maps */
	struct list_head maps;
	atomic_long_t stats[SMM_FAULT_STAT_NR];
	struct dentry *debugfs;
};

/**
 * struct smm_fmap - one mmap() of the device
 * @dev: the device
 * @lock: serialises faults and unmaps of this mapping; protects @resident,
 *	@nr_zeroed, @zeroed and @pinned
 * @pt: its own shadow page tables, by user address
 * @users: VMAs that refer to it (a split makes two)
 * @resident: pages it holds
 * @nr_zeroed: pages in @zeroed
 * @zeroed: pages taken and zeroed ahead, for the next faults; a stack.
 *	Invariant: none of them is in @pt or in a process.
 * @start: first user address at mmap() time
 * @end: first address past it
 * @mm: the address space it was made in; compared, never dereferenced
 * @pinned: a VMA of another address space shares the pages (a fork that
 *	should never happen); every page is kept until the last VMA goes
 * @pid: the process that mapped it (tgid)
 * @comm: that process's name
 * @node: in &smm_fault_dev.maps
 */
struct smm_fmap {
	struct smm_fault_dev *dev;
	struct mutex lock;	/* see above */
	struct smm_pgtable pt;
	refcount_t users;
	unsigned long resident;
	unsigned int nr_zeroed;
	struct smm_page *zeroed[SMM_FAULT_BATCH];
	unsigned long start;
	unsigned long end;
	const struct mm_struct *mm;
	bool pinned;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head node;
};

static struct smm_fault_dev smm_fdev;

static inline void stat_add(struct smm_fault_dev *dev, enum smm_fault_stat item, long n)
{
	atomic_long_add(n, &dev->stats[item]);
}

static inline struct smm_buddy *fmap_buddy(struct smm_fmap *fm)
{
	return &fm->dev->inst->buddy;
}

/* The shadow PTE of a user page, from the VMA's protection. */
static u64 user_pte_flags(const struct vm_area_struct *vma, bool write)
{
	u64 flags = SMM_PTE_USER | SMM_PTE_ACCESSED;

	if (vma->vm_flags & VM_WRITE)
		flags |= SMM_PTE_RW;
	if (!(vma->vm_flags & VM_EXEC))
		flags |= SMM_PTE_NX;
	if (write)
		flags |= SMM_PTE_DIRTY;
	return flags;
}

static vm_fault_t sigbus(struct smm_fmap *fm, unsigned long addr, const char *why)
{
	stat_add(fm->dev, SMM_FAULT_SIGBUS, 1);
	pr_warn_ratelimited("shadow_mm: fault: %s at %#lx in pid %d (%s), sending SIGBUS\n",
			    why, addr, task_tgid_nr(current), current->comm);
	return VM_FAULT_SIGBUS;
}

/*
 * Take pages for the next faults and zero them together: as many as the
 * VMA has pages from @addr on, up to SMM_FAULT_BATCH, one by one from the
 * buddy allocator (each may fail, as a fault's own allocation would), then
 * zeroed through one kmap_atomic.  0 if at least one page came; else
 * -ENOMEM (the zones are exhausted), -EIO (the instance is broken) or
 * -EAGAIN (the host could not map them to zero them: they went back).
 */
static int zero_ahead(struct smm_fmap *fm, unsigned long addr, unsigned long end)
{
	struct smm_buddy *b = fmap_buddy(fm);
	unsigned int want = min_t(unsigned long, SMM_FAULT_BATCH, (end - addr) >> PAGE_SHIFT);
	unsigned int n = 0;
	int ret = -ENOMEM;

	lockdep_assert_held(&fm->lock);
	while (n < want) {
		struct smm_page *page = smm_alloc_pages(b, SMM_GFP_HIGHUSER |
							__SMM_GFP_SITE(SMM_SITE_FAULT), 0);

		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			break;
		}
		fm->zeroed[n++] = page;
	}
	if (n && smm_clear_highpages(&fm->dev->inst->hm, fm->zeroed, n)) {
		while (n)
			smm_free_pages(b, fm->zeroed[--n], 0);
		ret = -EAGAIN;
	}
	if (!n)
		return ret;
	fm->nr_zeroed = n;
	stat_add(fm->dev, SMM_FAULT_PREZEROED, n);
	return 0;
}

/* Give the pages zeroed ahead back, unused. */
static void zeroed_release(struct smm_fmap *fm)
{
	stat_add(fm->dev, SMM_FAULT_UNUSED, fm->nr_zeroed);
	while (fm->nr_zeroed)
		smm_free_pages(fmap_buddy(fm), fm->zeroed[--fm->nr_zeroed], 0);
}

/*
 * The fault handler: find the page in the mapping's shadow table, or give
 * it one of the pages zeroed ahead and record it there, in one walk; then
 * map it for real.
 */
static vm_fault_t smm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct smm_fmap *fm = vma->vm_private_data;
	struct smm_arena *a = fmap_buddy(fm)->arena;
	unsigned long addr = vmf->address & PAGE_MASK, pfn;
	struct smm_pte_ref ref;
	vm_fault_t ret;
	int err = 0;
	u64 pte;

	mutex_lock(&fm->lock);
	/*
	 * Refill before the walk: it may sleep and map pages, which the
	 * page-table lock is not held across.  A refault finds the pages
	 * there for the next fault.
	 */
	if (!fm->nr_zeroed)
		err = zero_ahead(fm, addr, vma->vm_end);
	if (!fm->nr_zeroed) {
		/* No page to give: only a refault can be served. */
		if (smm_pgtable_get(&fm->pt, addr, &pte)) {
			mutex_unlock(&fm->lock);
			return sigbus(fm, addr, err == -ENOMEM ? "shadow zones exhausted" :
				      err == -EAGAIN ? "no host mapping to zero a page" :
				      "shadow instance broken");
		}
		pfn = smm_pte_pfn(pte);
		stat_add(fm->dev, SMM_FAULT_REFAULTS, 1);
		goto insert;
	}
	/* pte_offset_map_lock(), then set_pte() on an empty entry. */
	if (smm_pgtable_pte_lock(&fm->pt, addr, &ref)) {
		mutex_unlock(&fm->lock);
		return sigbus(fm, addr, "no shadow page table");
	}
	pte = READ_ONCE(*ref.pte);
	if (pte & SMM_PTE_PRESENT) {
		pfn = smm_pte_pfn(pte);
		stat_add(fm->dev, SMM_FAULT_REFAULTS, 1);
	} else {
		pfn = smm_page_to_pfn(a, fm->zeroed[fm->nr_zeroed - 1]);
		if (SMM_WARN_ON(fmap_buddy(fm)->broken,
				smm_pgtable_set_pte(&fm->pt, &ref, pfn,
						    user_pte_flags(vma, vmf->flags &
								   FAULT_FLAG_WRITE)))) {
			smm_pgtable_pte_unlock(&fm->pt, &ref);
			mutex_unlock(&fm->lock);
			return sigbus(fm, addr, "shadow instance broken");
		}
		fm->nr_zeroed--;
		fm->resident++;
		stat_add(fm->dev, SMM_FAULT_FAULTS, 1);
		stat_add(fm->dev, SMM_FAULT_MAPPED, 1);
	}
	smm_pgtable_pte_unlock(&fm->pt, &ref);
insert:
	ret = vmf_insert_pfn(vma, addr, page_to_pfn(smm_arena_pfn_to_host(a, pfn)));
	mutex_unlock(&fm->lock);
	/* Never the host's OOM killer: the shadow keeps the page for a retry. */
	if (ret & VM_FAULT_OOM)
		return sigbus(fm, addr, "host page table allocation failed");
	return ret;
}

static void return_page(void *ctx, u64 va, u64 pte)
{
	struct smm_fmap *fm = ctx;
	struct smm_buddy *b = fmap_buddy(fm);

	smm_free_pages(b, smm_pfn_to_page(b->arena, smm_pte_pfn(pte)), 0);
}

/*
 * Give back the pages of [start, end); the host has unmapped them.  A
 * pinned mapping keeps them: another address space may still map them.
 */
static void fmap_unmap(struct smm_fmap *fm, unsigned long start, unsigned long end)
{
	long n;

	mutex_lock(&fm->lock);
	if (fm->pinned) {
		mutex_unlock(&fm->lock);
		return;
	}
	n = smm_pgtable_unmap_range(&fm->pt, start, end, return_page, fm);
	if (!SMM_WARN_ON(fmap_buddy(fm)->broken, n < 0 || n > fm->resident)) {
		fm->resident -= n;
		stat_add(fm->dev, SMM_FAULT_RETURNED, n);
	}
	mutex_unlock(&fm->lock);
}

static void fmap_put(struct smm_fmap *fm)
{
	if (!refcount_dec_and_test(&fm->users))
		return;
	mutex_lock(&fm->dev->lock);
	list_del(&fm->node);
	mutex_unlock(&fm->dev->lock);
	/* No VMA is left: a pinned mapping gives its pages back now. */
	if (fm->pinned) {
		fm->pinned = false;
		fmap_unmap(fm, fm->start, fm->end);
	}
	SMM_WARN_ON(fmap_buddy(fm)->broken, fm->resident);
	zeroed_release(fm);
	smm_pgtable_destroy(&fm->pt);
	smm_host_kvfree(&fm->dev->inst->arena, SMM_HOST_FAULT, fm, 1, sizeof(*fm));
}

/*
 * A split (munmap or mprotect of part) gives the mapping one more VMA in
 * the same address space.  A VMA in another one is a fork's copy, which
 * VM_DONTCOPY and VM_IO rule out (see the DOC above): if it happens all
 * the same, the host is about to copy the PTEs, so keep every page until
 * the last VMA is gone.
 */
static void smm_vma_open(struct vm_area_struct *vma)
{
	struct smm_fmap *fm = vma->vm_private_data;

	refcount_inc(&fm->users);
	if (SMM_WARN_ON(fmap_buddy(fm)->broken, vma->vm_mm != fm->mm)) {
		mutex_lock(&fm->lock);
		fm->pinned = true;
		mutex_unlock(&fm->lock);
	}
}

/* munmap, exit: the host's PTEs of @vma are gone; so go its pages. */
static void smm_vma_close(struct vm_area_struct *vma)
{
	struct smm_fmap *fm = vma->vm_private_data;

	fmap_unmap(fm, vma->vm_start, vma->vm_end);
	fmap_put(fm);
}

static int smm_vma_mremap(struct vm_area_struct *vma)
{
	smm_bad_input("mremap", "a /dev/shadow_mm mapping cannot move");
	return -EINVAL;
}

/*
 * Fault-around (filemap_map_pages() for a file): map the pages around a
 * read fault that the mapping has and the process does not.  There are
 * none: a page goes into the host's page table in the fault that puts it
 * in the shadow table, and leaves both at munmap().  The hook still
 * matters: since 6.7, a fault on a VMA without ->map_pages is retried
 * under mmap_lock (vmf_can_call_fault()), and with it the device's faults
 * run under the per-VMA lock, as the host's anonymous ones do (see the
 * DOC above).  Called under rcu_read_lock(): it must not sleep.
 */
static vm_fault_t smm_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff)
{
	return 0;
}

static const struct vm_operations_struct smm_vm_ops = {
	.open		= smm_vma_open,
	.close		= smm_vma_close,
	.mremap		= smm_vma_mremap,
	.fault		= smm_fault,
	.map_pages	= smm_map_pages,
};

static int smm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct smm_fault_dev *dev = container_of(file->private_data, struct smm_fault_dev, misc);
	struct smm_fmap *fm;
	int ret;

	/* MAP_SHARED sets VM_MAYSHARE; VM_SHARED only if the file is writable. */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		smm_bad_input("mmap flags", "MAP_PRIVATE is not supported, use MAP_SHARED");
		return -EINVAL;
	}
	if (vma->vm_pgoff) {
		smm_bad_input("mmap offset", "%#lx: must be 0", vma->vm_pgoff << PAGE_SHIFT);
		return -EINVAL;
	}
	/* The shadow tables have four levels: 5-level user addresses do not fit. */
	if (vma->vm_end > BIT_ULL(SMM_PT_VA_BITS - 1)) {
		smm_bad_input("mmap address", "%#lx-%#lx: above the 47-bit user space",
			      vma->vm_start, vma->vm_end);
		return -EINVAL;
	}
	if (READ_ONCE(dev->inst->broken))
		return -EIO;
	fm = smm_host_kvcalloc(&dev->inst->arena, SMM_HOST_FAULT, 1, sizeof(*fm));
	if (!fm)
		return -ENOMEM;
	ret = smm_pgtable_init(&fm->pt, &dev->inst->buddy);
	if (ret) {
		smm_host_kvfree(&dev->inst->arena, SMM_HOST_FAULT, fm, 1, sizeof(*fm));
		return ret;
	}
	fm->dev = dev;
	mutex_init(&fm->lock);
	refcount_set(&fm->users, 1);
	fm->start = vma->vm_start;
	fm->end = vma->vm_end;
	fm->mm = vma->vm_mm;
	fm->pid = task_tgid_nr(current);
	get_task_comm(fm->comm, current);
	mutex_lock(&dev->lock);
	list_add_tail(&fm->node, &dev->maps);
	mutex_unlock(&dev->lock);

	/* VM_IO: madvise(MADV_DOFORK) cannot clear VM_DONTCOPY (see the DOC). */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_private_data = fm;
	vma->vm_ops = &smm_vm_ops;
	return 0;
}

static const struct file_operations smm_dev_fops = {
	.owner	= THIS_MODULE,
	.mmap	= smm_dev_mmap,
	.llseek	= noop_llseek,
};

static int faults_show(struct seq_file *m, void *v)
{
	struct smm_fault_dev *dev = m->private;
	unsigned long resident = 0, n = 0;
	struct smm_fmap *fm;
	int i;

	for (i = 0; i < SMM_FAULT_STAT_NR; i++)
		seq_printf(m, "%-16s%lu\n", stat_names[i], atomic_long_read(&dev->stats[i]));
	mutex_lock(&dev->lock);
	list_for_each_entry(fm, &dev->maps, node) {
		resident += READ_ONCE(fm->resident);
		n++;
	}
	seq_printf(m, "%-16s%lu\n", "pages_resident", resident);
	seq_printf(m, "%-16s%lu\n", "mappings", n);
	list_for_each_entry(fm, &dev->maps, node)
		seq_printf(m, "mapping pid=%d comm=%s start=%#lx end=%#lx size_kb=%lu resident=%lu tables=%lu zeroed=%u\n",
			   fm->pid, fm->comm, fm->start, fm->end, (fm->end - fm->start) >> 10,
			   READ_ONCE(fm->resident), smm_pgtable_pages(&fm->pt),
			   READ_ONCE(fm->nr_zeroed));
	mutex_unlock(&dev->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(faults);

/**
 * smm_fault_register() - create /dev/shadow_mm over an instance
 * @inst: the instance; its debugfs directory gets ``faults``
 *
 * Return: 0, or misc_register()'s error.
 * Context: process context.
 */
int smm_fault_register(struct smm_instance *inst)
{
	struct smm_fault_dev *dev = &smm_fdev;
	int ret;

	dev->inst = inst;
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->maps);
	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = "shadow_mm";
	dev->misc.fops = &smm_dev_fops;
	dev->misc.mode = 0600;
	ret = misc_register(&dev->misc);
	if (ret)
		return ret;
	dev->debugfs = debugfs_create_file("faults", 0400, inst->debugfs, dev, &faults_fops);
	return 0;
}

/**
 * smm_fault_unregister() - remove /dev/shadow_mm
 *
 * No mapping can be left: each holds the file, and the file holds the
 * module.
 * Context: process context.
 */
void smm_fault_unregister(void)
{
	struct smm_fault_dev *dev = &smm_fdev;

	debugfs_remove(dev->debugfs);
	misc_deregister(&dev->misc);
	WARN_ON_ONCE(!list_empty(&dev->maps));
}
