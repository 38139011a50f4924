// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm page faults: /dev/shadow_mm, whose pages come from the shadow
 * buddy allocator in the page-fault handler; copy-on-write after fork,
 * and the reverse map that reclaim and swap use.
 */

/**
 * DOC: demand paging
 *
 * malloc() reserves address space; memory comes later, one page at a time,
 * when the page is first touched and the CPU faults.  /dev/shadow_mm shows
 * that path, and the rest of the fault story, with the shadow allocator
 * behind it.  Documentation/fault.rst has the decision tree; in short:
 *
 * - mmap() of the device reserves the range and nothing else.  Each mmap()
 *   is one object (&struct smm_fmap): MAP_SHARED makes a shared object,
 *   which holds its pages by offset as a shmem file does; MAP_PRIVATE an
 *   anonymous one, whose pages belong to the page tables that map them.
 * - Each process has its own shadow page table (&struct smm_umm, the mm's),
 *   built from buddy pages, keyed by user address.  Every present entry
 *   counts once in its page's &smm_page.refcount, our _mapcount.
 * - A first touch (do_anonymous_page(), or the shmem fault of a shared
 *   object) takes a zeroed page, records it in the process's shadow table
 *   with ACCESSED set, and puts it on the inactive LRU list.  Pages are
 *   zeroed ahead in batches of %SMM_FAULT_BATCH (one kmap_atomic for all).
 * - fork(): the child's copy of each VMA comes to smm_vma_open().  It
 *   copies the parent's shadow entries into the child's table, as
 *   copy_pte_range() does: a private page gets one more mapping and loses
 *   RW in both tables; a shared one keeps its bits; a swap entry gets one
 *   more swap_map count.  For a private object it then unmaps the range
 *   from the parent's host page table, so that the host's own copy of the
 *   PTEs (copy_page_range(), which runs next) copies nothing, and both
 *   processes fault on their next touch.
 * - A write to a page whose shadow entry has no RW is do_wp_page(): the
 *   last process mapping the page (one mapping, no other swap user)
 *   reuses it, as wp_can_reuse_anon_folio() decides; any other copies it
 *   into a new page (a cow_fault).
 * - A fault on a swap entry is do_swap_page(): the page comes from the swap
 *   cache if another process brought it in, else a new page is read from
 *   the slot (a major fault, pswpin) and put in the swap cache; the entry
 *   becomes present, writable only if no one else still needs the slot.
 * - munmap(), exit and the last close clear the VMA's range of the
 *   process's shadow table (zap_pte_range()): each mapping goes, each swap
 *   entry gives its slot count back, and a page whose last mapping went is
 *   freed.  A shared object keeps its pages while another process maps
 *   it, as a shmem file would; when only one process maps it, an unmapped
 *   range's pages go at once.
 * - When the zones run out, the fault reclaims directly and tries again;
 *   it gets SIGBUS, with a rate-limited message, only when reclaim cannot
 *   free anything (no swap, or swap full).  The host's OOM killer is
 *   never involved: a VM_FAULT_OOM from the host's own page-table
 *   allocation becomes SIGBUS too.
 *
 * How the host is kept from copying a shadow page (the host's own COW):
 *
 * - The VMA is VM_PFNMAP with special PTEs, so the host neither refcounts
 *   nor rmaps the arena pages; VM_IO keeps get_user_pages() (and with it
 *   /proc/PID/mem, ptrace and MADV_POPULATE_*) off them.
 * - The host copies on write in do_wp_page() only for a private mapping
 *   (is_cow_mapping(): VM_MAYWRITE without VM_SHARED): wp_page_copy()
 *   would copy the arena page into a host page.  And a private
 *   VM_PFNMAP mapping cannot have PFNs inserted at all
 *   (vmf_insert_pfn_prot() refuses is_cow_mapping()).  So smm_dev_mmap()
 *   sets VM_SHARED on a MAP_PRIVATE mapping, and leaves VM_MAYSHARE clear,
 *   so /proc/PID/maps still shows it 'p'.  To the host it is then a shared
 *   mapping: a write fault on an empty PTE goes to do_shared_fault() and
 *   our ->fault (not do_cow_fault(), which would allocate a host page); a
 *   write to a read-only PTE goes to wp_pfn_shared() and our
 *   ->pfn_mkwrite; fork copies the PTEs as they are; mprotect() never
 *   makes a PTE writable by itself (a ->pfn_mkwrite makes the mapping
 *   write-notify, vma_wants_writenotify()).  The private semantics are
 *   ours, in the shadow tables.  VM_SHARED is set after the host counted
 *   the mapping as private, and mmap_region() and the unmap both test
 *   the VMA's flags for i_mmap_writable, so the counts balance.
 * - Every host PTE starts read-only (the write-notify protection); a write
 *   makes it writable through ->pfn_mkwrite, which checks the shadow entry
 *   first, and the host PFN against the shadow one.
 * - The checker (``check`` on the control file, smm_fault_check())
 *   compares every process's host page table with its shadow one: every
 *   host PTE of a mapping maps an arena page, the one the shadow entry
 *   names, writable only if the shadow entry is RW; and each page's
 *   _mapcount is the number of shadow entries that map it.
 *
 * Decisions, and why:
 *
 * - mremap() that moves the mapping is refused, because the shadow tables
 *   and the reverse map are keyed by user address (a page of an object
 *   is at the same address in every process that maps it); one that
 *   grows it is refused by VM_DONTEXPAND.
 * - Counts that would overflow at fork (65535 mappings of one page, or
 *   %SMM_SWAP_MAP_MAX users of one slot; the kernel has continuation
 *   pages for the latter) give the child a poisoned entry instead: a
 *   fault on it is SIGBUS.  The kernel would fail the fork with -ENOMEM;
 *   ->open cannot fail.
 * - Faults run under the per-VMA lock (6.4 and later), not mmap_lock, as
 *   the host's anonymous faults do: the device has a ->map_pages, without
 *   which 6.7 and later retry every ->fault under mmap_lock.
 *
 * Lock order: mmap_lock or the VMA's lock (the host's); smm_fault_dev.quiesce
 * (read; the checker writes it); smm_fmap.lock; a process's shadow table
 * lock (never two at once); then the swap, LRU and buddy locks.  Reclaim
 * takes smm_fmap.lock with a trylock and the mmap_lock of each process
 * with a trylock, so it never waits for a fault.  smm_fault_dev.lock (the
 * lists) is taken under smm_fmap.lock or alone.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu-rwsem.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "common.h"
#include "fault.h"
#include "trace.h"

/**
 * enum smm_fault_stat - counters of the device
 * @SMM_FAULT_FAULTS: first touches that mapped a new page
 * @SMM_FAULT_REFAULTS: faults on a page the shadow table already had
 * @SMM_FAULT_SIGBUS: faults answered with SIGBUS
 * @SMM_FAULT_MAPPED: pages given to processes (new, copied, swapped in)
 * @SMM_FAULT_RETURNED: pages given back to the buddy allocator
 * @SMM_FAULT_PREZEROED: pages taken from the buddy allocator and zeroed
 *	ahead of their fault, in batches
 * @SMM_FAULT_UNUSED: of those, the ones given back without a fault
 * @SMM_FAULT_COW_COPY: write faults that copied a shared page
 * @SMM_FAULT_COW_REUSE: write faults on a write-protected page that
 *	reused it, its last user
 * @SMM_FAULT_SWAPIN: faults that read a page back from swap
 * @SMM_FAULT_SWAPOUT: pages written to swap and freed
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
	SMM_FAULT_COW_COPY,
	SMM_FAULT_COW_REUSE,
	SMM_FAULT_SWAPIN,
	SMM_FAULT_SWAPOUT,
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
	[SMM_FAULT_COW_COPY]	= "cow_copies",
	[SMM_FAULT_COW_REUSE]	= "cow_reuses",
	[SMM_FAULT_SWAPIN]	= "swapins",
	[SMM_FAULT_SWAPOUT]	= "swapouts",
};

static_assert(ARRAY_SIZE(stat_names) == SMM_FAULT_STAT_NR);

/* Pages a fault zeroes ahead, at most: one kmap_atomic of them all. */
#define SMM_FAULT_BATCH		SMM_KM_MAX_IDX

/*
 * Shadow entries that are not present.  A swap entry keeps the slot where
 * a present one keeps the PFN, with a software bit (bit 9, one of x86's
 * _PAGE_BIT_SOFTW*); a poisoned entry (a count that would have overflowed
 * at fork) is bit 10 alone.
 */
#define SMM_PTE_SWAP		BIT_ULL(9)
#define SMM_PTE_POISON		BIT_ULL(10)

static inline u64 mk_swap_pte(unsigned long slot)
{
	return ((u64)slot << PAGE_SHIFT) | SMM_PTE_SWAP;
}

/*
 * &smm_page.private of a user page: its virtual page number (the same in
 * every process: mappings never move) in the low bits, and its swap slot
 * while it is in the swap cache above them.
 */
#define UPAGE_VPN_BITS		36
#define UPAGE_VPN_MASK		(BIT_ULL(UPAGE_VPN_BITS) - 1)

static inline unsigned long upage_vpn(const struct smm_page *page)
{
	return page->private & UPAGE_VPN_MASK;
}

static inline unsigned long upage_slot(const struct smm_page *page)
{
	return (u64)page->private >> UPAGE_VPN_BITS;
}

static inline void upage_set_slot(struct smm_page *page, unsigned long slot)
{
	page->private = upage_vpn(page) | ((u64)slot << UPAGE_VPN_BITS);
}

static_assert(SMM_PT_VA_BITS - 1 - PAGE_SHIFT <= UPAGE_VPN_BITS);
static_assert((u64)SMM_SWAP_MAX_MB << (20 - PAGE_SHIFT) <= BIT_ULL(64 - UPAGE_VPN_BITS));

/**
 * struct smm_fault_dev - the device
 * @inst: the instance whose buddy allocator serves it
 * @misc: /dev/shadow_mm
 * @lock: protects @maps and @mms
 * @quiesce: taken for reading by every path that changes a mapping, for
 *	writing by the checker
 * @maps: live objects
 * @mms: live process page tables
 * @stats: the counters
 * @debugfs: the ``faults`` file
 */
struct smm_fault_dev {
	struct smm_instance *inst;
	struct miscdevice misc;
	struct mutex lock;	/* protects maps, mms */
	struct percpu_rw_semaphore quiesce;
	struct list_head maps;
	struct list_head mms;
	atomic_long_t stats[SMM_FAULT_STAT_NR];
	struct dentry *debugfs;
};

/**
 * struct smm_umm - the shadow side of one process's address space
 * @mm: the host's; held with mmgrab() while this lives.  Without @host, a
 *	key that is never dereferenced (the KUnit suite's processes)
 * @host: a real process: its host page tables follow the shadow ones
 * @pt: the process's shadow page table
 * @links: object links that point here (a count; @dev.lock)
 * @rss: present entries (MM_ANONPAGES and MM_SHMEMPAGES)
 * @swapents: swap entries (MM_SWAPENTS)
 * @pid: the process (tgid)
 * @comm: its name
 * @node: in &smm_fault_dev.mms
 */
struct smm_umm {
	struct mm_struct *mm;
	bool host;
	struct smm_pgtable pt;
	unsigned int links;
	atomic_long_t rss;
	atomic_long_t swapents;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head node;
};

/**
 * struct smm_flink - one process that maps an object
 * @umm: the process
 * @vmas: its VMAs of the object
 * @lost: fork could not copy the parent's entries (no memory for the
 *	child's tables): every fault of the process on the object is SIGBUS,
 *	rather than a page that silently lost its contents
 * @node: in &smm_fmap.links
 */
struct smm_flink {
	struct smm_umm *umm;
	unsigned int vmas;
	bool lost;
	struct list_head node;
};

/**
 * struct smm_fmap - one mmap() of the device: an object
 * @dev: the device
 * @lock: serialises every change to the object's pages and their entries
 *	in every process; protects everything below but @ref
 * @ref: the VMAs hold one reference together, reclaim one while it works
 * @vmas: VMAs of the object, every process together
 * @shared: MAP_SHARED: the object holds its pages in @pages
 * @pages: shared object: page offset -> page, or xa_mk_value(slot) for a
 *	page in swap
 * @links: the processes that map it
 * @resident: pages of the object in memory
 * @swapped: of its pages, those in swap only
 * @raw: a page taken for a copy (COW, swap-in), not zeroed; NULL if none.
 *	Not mapped anywhere.
 * @nr_zeroed: pages in @zeroed
 * @zeroed: pages taken and zeroed ahead, for the next faults; a stack.
 *	Invariant: none of them is mapped anywhere.
 * @start: first user address at mmap() time
 * @end: first address past it
 * @pid: the process that mapped it (tgid)
 * @comm: that process's name
 * @node: in &smm_fault_dev.maps
 */
struct smm_fmap {
	struct smm_fault_dev *dev;
	struct mutex lock;	/* see above */
	struct kref ref;
	unsigned int vmas;
	bool shared;
	struct xarray pages;
	struct list_head links;
	unsigned long resident;
	unsigned long swapped;
	struct smm_page *raw;
	unsigned int nr_zeroed;
	struct smm_page *zeroed[SMM_FAULT_BATCH];
	unsigned long start;
	unsigned long end;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head node;
};

static struct smm_fault_dev smm_fdev;
static struct lock_class_key smm_user_pt_key;

static inline void stat_add(struct smm_fault_dev *dev, enum smm_fault_stat item, long n)
{
	atomic_long_add(n, &dev->stats[item]);
}

static inline struct smm_instance *fmap_inst(struct smm_fmap *fm)
{
	return fm->dev->inst;
}

static inline struct smm_buddy *fmap_buddy(struct smm_fmap *fm)
{
	return &fm->dev->inst->buddy;
}

static inline bool *fmap_broken(struct smm_fmap *fm)
{
	return &fm->dev->inst->broken;
}

static inline unsigned long page_pfn(struct smm_fmap *fm, const struct smm_page *page)
{
	return smm_page_to_pfn(&fmap_inst(fm)->arena, page);
}

static inline struct smm_page *spte_page(struct smm_fmap *fm, u64 pte)
{
	return smm_pfn_to_page(&fmap_inst(fm)->arena, smm_pte_pfn(pte));
}

static inline unsigned long host_pfn(struct smm_fmap *fm, unsigned long pfn)
{
	return page_to_pfn(smm_arena_pfn_to_host(&fmap_inst(fm)->arena, pfn));
}

static vm_fault_t sigbus(struct smm_fault_dev *dev, unsigned long addr, const char *why)
{
	stat_add(dev, SMM_FAULT_SIGBUS, 1);
	pr_warn_ratelimited("shadow_mm: fault: %s at %#lx in pid %d (%s), sending SIGBUS\n",
			    why, addr, task_tgid_nr(current), current->comm);
	return VM_FAULT_SIGBUS;
}

/* ---- processes and links ---- */

static struct smm_flink *find_link(struct smm_fmap *fm, const struct mm_struct *mm)
{
	struct smm_flink *l;

	lockdep_assert_held(&fm->lock);
	list_for_each_entry(l, &fm->links, node)
		if (l->umm->mm == mm)
			return l;
	return NULL;
}

/*
 * The shadow side of @mm, made if it has none; under dev->lock.  A NULL
 * @task makes one with no host side (the KUnit suite's).
 */
static struct smm_umm *umm_get(struct smm_fault_dev *dev, struct mm_struct *mm,
			       struct task_struct *task)
{
	struct smm_umm *umm;

	lockdep_assert_held(&dev->lock);
	list_for_each_entry(umm, &dev->mms, node)
		if (umm->mm == mm)
			goto found;
	umm = smm_host_kvcalloc(&dev->inst->arena, SMM_HOST_FAULT, 1, sizeof(*umm));
	if (!umm)
		return NULL;
	if (smm_pgtable_init(&umm->pt, &dev->inst->buddy)) {
		smm_host_kvfree(&dev->inst->arena, SMM_HOST_FAULT, umm, 1, sizeof(*umm));
		return NULL;
	}
	/*
	 * A process's tables are locked around a copy or a swap-in, which
	 * take kmap_atomic; kmap takes the kernel tables' lock under its
	 * own.  Different tables: a lockdep class of their own says so.
	 */
	lockdep_set_class(&umm->pt.lock, &smm_user_pt_key);
	umm->mm = mm;
	umm->host = task;
	if (task) {
		mmgrab(mm);
		umm->pid = task_tgid_nr(task);
		get_task_comm(umm->comm, task);
	} else {
		strscpy(umm->comm, "kunit", sizeof(umm->comm));
	}
	list_add_tail(&umm->node, &dev->mms);
found:
	umm->links++;
	return umm;
}

static void umm_put(struct smm_fault_dev *dev, struct smm_umm *umm)
{
	mutex_lock(&dev->lock);
	if (--umm->links) {
		mutex_unlock(&dev->lock);
		return;
	}
	list_del(&umm->node);
	mutex_unlock(&dev->lock);
	SMM_WARN_ON(&dev->inst->broken, atomic_long_read(&umm->rss) ||
		    atomic_long_read(&umm->swapents));
	smm_pgtable_destroy(&umm->pt);
	if (umm->host)
		mmdrop(umm->mm);
	smm_host_kvfree(&dev->inst->arena, SMM_HOST_FAULT, umm, 1, sizeof(*umm));
}

/* A link from @fm to the process of @mm; under fm->lock. */
static struct smm_flink *link_get(struct smm_fmap *fm, struct mm_struct *mm,
				  struct task_struct *task)
{
	struct smm_flink *l = find_link(fm, mm);

	if (l)
		return l;
	l = smm_host_kvcalloc(&fmap_inst(fm)->arena, SMM_HOST_FAULT, 1, sizeof(*l));
	if (!l)
		return NULL;
	mutex_lock(&fm->dev->lock);
	l->umm = umm_get(fm->dev, mm, task);
	mutex_unlock(&fm->dev->lock);
	if (!l->umm) {
		smm_host_kvfree(&fmap_inst(fm)->arena, SMM_HOST_FAULT, l, 1, sizeof(*l));
		return NULL;
	}
	list_add_tail(&l->node, &fm->links);
	return l;
}

static void link_put(struct smm_fmap *fm, struct smm_flink *l)
{
	list_del(&l->node);
	umm_put(fm->dev, l->umm);
	smm_host_kvfree(&fmap_inst(fm)->arena, SMM_HOST_FAULT, l, 1, sizeof(*l));
}

/* ---- user pages ---- */

/* @page, from the stock or @fm->raw, becomes a user page of @fm at @addr. */
static struct smm_page *upage_init(struct smm_fmap *fm, struct smm_page *page,
				   unsigned long addr)
{
	page->mapping = fm;
	page->private = addr >> PAGE_SHIFT;
	page->refcount = 0;
	fm->resident++;
	stat_add(fm->dev, SMM_FAULT_MAPPED, 1);
	smm_lru_add(&fmap_inst(fm)->vmscan, page);
	return page;
}

/* A zeroed page from the stock, for a first touch. */
static struct smm_page *upage_new(struct smm_fmap *fm, unsigned long addr)
{
	return upage_init(fm, fm->zeroed[--fm->nr_zeroed], addr);
}

/* The raw page, for a copy that has filled it. */
static struct smm_page *upage_new_raw(struct smm_fmap *fm, unsigned long addr)
{
	struct smm_page *page = fm->raw;

	fm->raw = NULL;
	return upage_init(fm, page, addr);
}

/* The page leaves the swap cache; its cache reference on the slot goes. */
static void upage_uncache(struct smm_fmap *fm, struct smm_page *page)
{
	struct smm_swap *swap = &fmap_inst(fm)->swap;
	unsigned long slot = upage_slot(page);

	if (!slot)
		return;
	smm_swap_cache_del(swap, slot);
	upage_set_slot(page, 0);
	SMM_WARN_ON(fmap_broken(fm), smm_swap_free(swap, slot) < 0);
}

/* Free a user page nothing maps or holds any more. */
static void upage_free(struct smm_fmap *fm, struct smm_page *page)
{
	struct smm_buddy *b = fmap_buddy(fm);

	upage_uncache(fm, page);
	smm_lru_del(&fmap_inst(fm)->vmscan, page);
	page->mapping = NULL;
	page->private = 0;
	page->refcount = 1;
	fm->resident--;
	stat_add(fm->dev, SMM_FAULT_RETURNED, 1);
	smm_free_pages(b, page, 0);
}

/*
 * One mapping of @page went.  A private page with none left is freed; a
 * shared object's page stays in the object unless @drop (only one process
 * maps the object, and it unmapped the page's offset).
 */
static void upage_unmap(struct smm_fmap *fm, struct smm_page *page, bool drop)
{
	if (SMM_WARN_ON(fmap_broken(fm), !page->refcount || page->mapping != fm))
		return;
	page->refcount--;
	if (page->refcount)
		return;
	if (fm->shared) {
		if (!drop)
			return;
		xa_erase(&fm->pages, upage_vpn(page) - (fm->start >> PAGE_SHIFT));
	}
	upage_free(fm, page);
}

/* One user of a swap slot went; a cached page nobody maps goes with the last. */
static void swap_entry_put(struct smm_fmap *fm, unsigned long slot)
{
	struct smm_swap *swap = &fmap_inst(fm)->swap;
	struct smm_page *page;
	int left = smm_swap_free(swap, slot);

	if (SMM_WARN_ON(fmap_broken(fm), left < 0))
		return;
	if (left != 1)
		return;
	/* Only the swap cache's own reference is left: the page is nobody's. */
	page = smm_swap_cache_lookup(swap, slot);
	if (page && !page->refcount)
		upage_free(fm, page);
}

/* ---- zeroing ahead ---- */

/*
 * fail_page_alloc is armed: a failure may be injected, and the kernel's
 * should_fail_alloc_page() fails the whole allocation before its slow
 * path, so no drain or reclaim makes up for it here either.
 */
static bool injecting(struct smm_instance *inst)
{
	return smm_fail_armed(&inst->buddy.fpa.fail);
}

/*
 * Take pages for the next faults and zero them together, without the
 * object's lock (reclaim may need it): as many as the VMA has pages from
 * @addr on, up to SMM_FAULT_BATCH, each with direct reclaim if the zones
 * are out.  Returns the number taken into @pages, or an error.
 */
static int zero_ahead(struct smm_fault_dev *dev, unsigned long addr, unsigned long end,
		      struct smm_page **pages)
{
	struct smm_instance *inst = dev->inst;
	unsigned int want = clamp_t(unsigned long, (end - addr) >> PAGE_SHIFT, 1,
				    SMM_FAULT_BATCH);
	unsigned int n = 0, stalls = 0;
	bool drained = false;
	int ret = -ENOMEM;

	while (n < want) {
		struct smm_page *page = smm_alloc_pages(&inst->buddy, SMM_GFP_HIGHUSER_MOVABLE |
							__SMM_GFP_SITE(SMM_SITE_FAULT), 0);

		if (!IS_ERR(page)) {
			pages[n++] = page;
			continue;
		}
		ret = PTR_ERR(page);
		/* One page is enough to go on; the slow path only for the first. */
		if (n || ret != -ENOMEM || injecting(inst))
			break;
		/*
		 * The free pages may be on other CPUs' lists, which the
		 * watermarks do not count: drain them and try again before
		 * reclaim, as __alloc_pages_direct_reclaim() does.
		 */
		if (!drained) {
			smm_drain_pages(&inst->buddy);
			drained = true;
			continue;
		}
		if (stalls++ >= 8 ||
		    !smm_try_to_free_pages(&inst->vmscan, want, SMM_GFP_HIGHUSER_MOVABLE))
			break;
	}
	if (smm_zones_low(&inst->vmscan))
		smm_wakeup_kswapd(&inst->vmscan);
	if (n && smm_clear_highpages(&inst->hm, pages, n)) {
		while (n)
			smm_free_pages(&inst->buddy, pages[--n], 0);
		ret = -EAGAIN;
	}
	if (!n)
		return ret;
	stat_add(dev, SMM_FAULT_PREZEROED, n);
	return n;
}

/*
 * A page to copy into, not zeroed (wp_page_copy(), do_swap_page()): the
 * copy fills it.  With direct reclaim when the zones are out.
 */
static struct smm_page *alloc_raw(struct smm_instance *inst)
{
	bool drained = false;
	struct smm_page *page;
	int stalls = 0;

	for (;;) {
		page = smm_alloc_pages(&inst->buddy, SMM_GFP_HIGHUSER_MOVABLE |
				       __SMM_GFP_SITE(SMM_SITE_FAULT), 0);
		if (!IS_ERR(page) || PTR_ERR(page) != -ENOMEM || injecting(inst))
			break;
		/* Other CPUs' lists first, as zero_ahead() does. */
		if (!drained) {
			smm_drain_pages(&inst->buddy);
			drained = true;
			continue;
		}
		if (stalls++ >= 8 ||
		    !smm_try_to_free_pages(&inst->vmscan, 1, SMM_GFP_HIGHUSER_MOVABLE))
			break;
	}
	if (smm_zones_low(&inst->vmscan))
		smm_wakeup_kswapd(&inst->vmscan);
	return page;
}

/* Give the pages zeroed ahead back, unused; under fm->lock or at the end. */
static void zeroed_release(struct smm_fmap *fm)
{
	stat_add(fm->dev, SMM_FAULT_UNUSED, fm->nr_zeroed);
	while (fm->nr_zeroed)
		smm_free_pages(fmap_buddy(fm), fm->zeroed[--fm->nr_zeroed], 0);
	if (fm->raw)
		smm_free_pages(fmap_buddy(fm), fm->raw, 0);
	fm->raw = NULL;
}

/*
 * copy_user_highpage(): both pages through kmap_atomic.  Two HighMem pages
 * share one host mapping (smm_kmap_atomic_pages()); a low page needs none.
 */
static int copy_upage(struct smm_fmap *fm, struct smm_page *dst, struct smm_page *src)
{
	struct smm_highmem *hm = &fmap_inst(fm)->hm;
	struct smm_page *pair[2] = { src, dst };
	void *from, *to;

	if (smm_page_zonenum(src) == SMM_ZONE_HIGHMEM &&
	    smm_page_zonenum(dst) == SMM_ZONE_HIGHMEM) {
		from = smm_kmap_atomic_pages(hm, pair, 2);
		if (!from)
			return -EAGAIN;
		copy_page(from + PAGE_SIZE, from);
		smm_kunmap_atomic(hm, from);
		return 0;
	}
	from = smm_kmap_atomic(hm, src);
	if (!from)
		return -EAGAIN;
	to = smm_kmap_atomic(hm, dst);
	if (to) {
		copy_page(to, from);
		smm_kunmap_atomic(hm, to);
	}
	smm_kunmap_atomic(hm, from);
	return to ? 0 : -EAGAIN;
}

/* ---- the fault ---- */

/* The host PTE protection: writable only for a write the shadow allows. */
static pgprot_t host_prot(struct vm_area_struct *vma, bool writable)
{
	return writable ? vm_get_page_prot(vma->vm_flags) : vma->vm_page_prot;
}

/* The shadow bits of a new entry. */
static u64 user_pte_flags(unsigned long vm_flags, bool write)
{
	u64 flags = SMM_PTE_USER | SMM_PTE_ACCESSED;

	if (vm_flags & VM_WRITE)
		flags |= SMM_PTE_RW;
	if (!(vm_flags & VM_EXEC))
		flags |= SMM_PTE_NX;
	if (write)
		flags |= SMM_PTE_DIRTY;
	return flags;
}

/* wp_can_reuse_anon_folio(): is this mapping the page's only user? */
static bool can_reuse(struct smm_fmap *fm, struct smm_page *page)
{
	unsigned long slot = upage_slot(page);

	if (page->refcount != 1)
		return false;
	if (!slot)
		return true;
	/* In the swap cache: reusable if no swap entry still needs the slot. */
	if (smm_swap_count(&fmap_inst(fm)->swap, slot) != 1)
		return false;
	upage_uncache(fm, page);
	return true;
}

/*
 * What to do at @addr, with fm->lock and the shadow entry's lock held.
 * Raises *@kind, for the tracepoint, from minor to cow or major (never
 * back: a swap-in that must come back for a page to copy into stays
 * major).  Returns the PFN to map, and whether the host PTE may be writable; or
 * -EAGAIN (a zeroed page is needed: refill the stock and come back),
 * -ENOBUFS (a page to copy into is needed: fill @fm->raw and come back),
 * or another error for SIGBUS.  *@replace says whether the page behind @addr changed
 * (the host PTE, if any, must go before the new one goes in).
 */
static int resolve(struct smm_fmap *fm, struct smm_umm *umm, unsigned long vm_flags,
		   unsigned long addr, struct smm_pte_ref *ref, bool write,
		   unsigned long *pfn, bool *writable, bool *replace, const char **why,
		   enum smm_fault_kind *kind)
{
	struct smm_instance *inst = fmap_inst(fm);
	struct smm_page *page, *new;
	u64 pte = *ref->pte;

	bool swapped_in = false;

	*replace = false;
again:
	if (pte & SMM_PTE_PRESENT) {
		page = spte_page(fm, pte);
		if (write && !(pte & SMM_PTE_RW)) {
			if (!(vm_flags & VM_WRITE)) {
				*why = "write to a read-only mapping";
				return -EFAULT;
			}
			if (fm->shared || can_reuse(fm, page)) {
				/* wp_page_reuse() */
				if (!fm->shared)
					stat_add(fm->dev, SMM_FAULT_COW_REUSE, 1);
				pte |= SMM_PTE_RW;
			} else {
				/* wp_page_copy() */
				if (!fm->raw)
					return -ENOBUFS;
				if (copy_upage(fm, fm->raw, page)) {
					*why = "no host mapping to copy a page";
					return -EIO;
				}
				new = upage_new_raw(fm, addr);
				new->refcount = 1;
				upage_unmap(fm, page, false);
				pte = smm_mk_pte(page_pfn(fm, new), user_pte_flags(vm_flags, true));
				*replace = true;
				stat_add(fm->dev, SMM_FAULT_COW_COPY, 1);
				smm_count_vm_event(&inst->vmstat, SMM_COW_FAULT);
				if (*kind == SMM_FAULT_KIND_MINOR)
					*kind = SMM_FAULT_KIND_COW;
			}
		} else if (!swapped_in) {
			stat_add(fm->dev, SMM_FAULT_REFAULTS, 1);
		}
		pte |= SMM_PTE_ACCESSED | (write ? SMM_PTE_DIRTY : 0);
		smm_pgtable_pte_write(&umm->pt, ref, pte);
		*pfn = smm_pte_pfn(pte);
		*writable = write;
		return 0;
	}
	if (pte & SMM_PTE_SWAP) {
		/* do_swap_page() */
		unsigned long slot = smm_pte_pfn(pte);
		int left;

		page = smm_swap_cache_lookup(&inst->swap, slot);
		if (!page) {
			if (!fm->raw)
				return -ENOBUFS;
			if (smm_swap_readpage(&inst->swap, slot, fm->raw)) {
				*why = "swap read failed";
				return -EIO;
			}
			page = upage_new_raw(fm, addr);
			/*
			 * Into the swap cache, with a reference on the slot of
			 * its own.  When the slot's count is full (the kernel
			 * would use a continuation page), the page stays out of
			 * the cache: a copy of this process's own, which the
			 * others will not find; each reads its own from the slot.
			 */
			if (!smm_swap_dup(&inst->swap, slot)) {
				if (smm_swap_cache_add(&inst->swap, slot, page))
					smm_swap_free(&inst->swap, slot);
				else
					upage_set_slot(page, slot);
			}
			stat_add(fm->dev, SMM_FAULT_SWAPIN, 1);
			smm_count_vm_event(&inst->vmstat, SMM_PGMAJFAULT);
			smm_count_vm_event(&inst->vmstat, SMM_PSWPIN);
			*kind = SMM_FAULT_KIND_MAJOR;
		}
		page->refcount++;
		left = smm_swap_free(&inst->swap, slot);
		atomic_long_dec(&umm->swapents);
		atomic_long_inc(&umm->rss);
		pte = smm_mk_pte(page_pfn(fm, page), user_pte_flags(vm_flags, false));
		/*
		 * Exclusive: only the cache holds the slot now, and it goes; or
		 * the page never went into the cache, and is this process's own.
		 */
		if (!upage_slot(page))
			;
		else if (left == 1 && page->refcount == 1)
			upage_uncache(fm, page);
		else
			pte &= ~SMM_PTE_RW;
		smm_pgtable_pte_write(&umm->pt, ref, pte);
		*replace = true;
		swapped_in = true;
		goto again;
	}
	if (pte & SMM_PTE_POISON) {
		*why = "page lost at fork (a count would have overflowed)";
		return -EFAULT;
	}
	/* An empty entry: do_anonymous_page(), or a shared object's page. */
	if (fm->shared) {
		unsigned long idx = (addr - fm->start) >> PAGE_SHIFT;
		void *e = xa_load(&fm->pages, idx);

		if (xa_is_value(e)) {
			unsigned long slot = xa_to_value(e);

			if (!fm->raw)
				return -ENOBUFS;
			if (smm_swap_readpage(&inst->swap, slot, fm->raw)) {
				*why = "swap read failed";
				return -EIO;
			}
			page = upage_new_raw(fm, addr);
			xa_store(&fm->pages, idx, page, GFP_KERNEL);
			fm->swapped--;
			smm_swap_free(&inst->swap, slot);
			stat_add(fm->dev, SMM_FAULT_SWAPIN, 1);
			smm_count_vm_event(&inst->vmstat, SMM_PGMAJFAULT);
			smm_count_vm_event(&inst->vmstat, SMM_PSWPIN);
			*kind = SMM_FAULT_KIND_MAJOR;
		} else if (e) {
			page = e;
			stat_add(fm->dev, SMM_FAULT_REFAULTS, 1);
		} else {
			if (!fm->nr_zeroed)
				return -EAGAIN;
			if (xa_err(xa_store(&fm->pages, idx, fm->zeroed[fm->nr_zeroed - 1],
					    GFP_KERNEL))) {
				*why = "no memory for the object's index";
				return -ENOMEM;
			}
			page = upage_new(fm, addr);
			stat_add(fm->dev, SMM_FAULT_FAULTS, 1);
		}
	} else {
		if (!fm->nr_zeroed)
			return -EAGAIN;
		page = upage_new(fm, addr);
		stat_add(fm->dev, SMM_FAULT_FAULTS, 1);
	}
	if (SMM_WARN_ON(fmap_broken(fm), page->refcount == U16_MAX)) {
		*why = "shadow instance broken";
		return -EIO;
	}
	page->refcount++;
	atomic_long_inc(&umm->rss);
	pte = smm_mk_pte(page_pfn(fm, page), user_pte_flags(vm_flags, write));
	smm_pgtable_pte_write(&umm->pt, ref, pte);
	*pfn = smm_pte_pfn(pte);
	*writable = write && (pte & SMM_PTE_RW);
	return 0;
}

/*
 * The shadow half of a fault at @addr in the process of @l, with
 * fm->lock held (dropped and taken again on the way when pages or tables
 * are needed: the VMA cannot go meanwhile, its lock is held).  @end is the
 * VMA's end, how far zeroing ahead may look.  Fills what resolve() does;
 * returns 0 or an error, with *@why, for SIGBUS.
 */
static int shadow_fault_kind(struct smm_fmap *fm, struct smm_flink *l, unsigned long addr,
			     unsigned long end, unsigned long vm_flags, bool write,
			     unsigned long *pfn, bool *writable, bool *replace, const char **why,
			     enum smm_fault_kind *kind)
{
	struct smm_instance *inst = fmap_inst(fm);
	struct smm_page *stock[SMM_FAULT_BATCH];
	struct smm_pte_ref ref;
	int err, n, tries = 0;

	lockdep_assert_held(&fm->lock);
	for (;;) {
		if (l->lost || READ_ONCE(inst->broken)) {
			/* The fork's copy found no memory for the child's tables. */
			*why = l->lost ? "no shadow page table for this process" :
			       "shadow instance broken";
			return -EIO;
		}
		err = smm_pgtable_pte_lock(&l->umm->pt, addr, &ref);
		if (err) {
			*why = "no shadow page table";
			if (err != -ENOMEM || tries++ >= 8)
				return err;
			mutex_unlock(&fm->lock);
			n = smm_try_to_free_pages(&inst->vmscan, 1, SMM_GFP_KERNEL);
			mutex_lock(&fm->lock);
			if (!n)
				return err;
			continue;
		}
		err = resolve(fm, l->umm, vm_flags, addr, &ref, write, pfn, writable, replace,
			      why, kind);
		smm_pgtable_pte_unlock(&l->umm->pt, &ref);
		if (err == -ENOBUFS && !fm->raw && tries++ < 64) {
			struct smm_page *page;

			mutex_unlock(&fm->lock);
			page = alloc_raw(inst);
			mutex_lock(&fm->lock);
			if (IS_ERR(page)) {
				*why = "shadow zones and swap exhausted";
				return PTR_ERR(page);
			}
			if (fm->raw)
				smm_free_pages(&inst->buddy, page, 0);
			else
				fm->raw = page;
			continue;
		}
		if (err != -EAGAIN || fm->nr_zeroed || tries++ >= 64)
			return err;
		/* A page is needed: take some without the lock, and look again. */
		mutex_unlock(&fm->lock);
		n = zero_ahead(fm->dev, addr, end, stock);
		mutex_lock(&fm->lock);
		if (n <= 0) {
			*why = n == -ENOMEM ? "shadow zones and swap exhausted" :
			       n == -EAGAIN ? "no host mapping to zero a page" :
			       "shadow instance broken";
			return n;
		}
		/* Another fault may have refilled it: keep what fits. */
		while (n && fm->nr_zeroed < SMM_FAULT_BATCH)
			fm->zeroed[fm->nr_zeroed++] = stock[--n];
		while (n)
			smm_free_pages(&inst->buddy, stock[--n], 0);
	}
}

#if IS_ENABLED(CONFIG_KUNIT)
/* shadow_fault_kind() for the KUnit suite, which has no use for the kind. */
static int shadow_fault(struct smm_fmap *fm, struct smm_flink *l, unsigned long addr,
			unsigned long end, unsigned long vm_flags, bool write,
			unsigned long *pfn, bool *writable, bool *replace, const char **why)
{
	enum smm_fault_kind kind = SMM_FAULT_KIND_MINOR;

	return shadow_fault_kind(fm, l, addr, end, vm_flags, write, pfn, writable, replace,
				 why, &kind);
}
#endif

/*
 * The fault, for ->fault (no host PTE) and ->pfn_mkwrite (a read-only
 * one, whose PFN is @host_old, or ULONG_MAX for none).
 */
static vm_fault_t handle_fault(struct vm_fault *vmf, unsigned long host_old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct smm_fmap *fm = vma->vm_private_data;
	struct smm_fault_dev *dev = fm->dev;
	unsigned long addr = vmf->address & PAGE_MASK, pfn;
	bool write = vmf->flags & FAULT_FLAG_WRITE, writable, replace;
	const char *why = "no shadow page table for this process";
	enum smm_fault_kind kind = SMM_FAULT_KIND_MINOR;
	struct smm_flink *l;
	vm_fault_t ret;
	int err = -EIO;

	smm_count_vm_event(&dev->inst->vmstat, SMM_PGFAULT);
	percpu_down_read(&dev->quiesce);
	mutex_lock(&fm->lock);
	l = find_link(fm, vma->vm_mm);
	if (l) {
		/* A fork's child is named by its parent until its first fault. */
		if (unlikely(l->umm->pid != task_tgid_nr(current))) {
			l->umm->pid = task_tgid_nr(current);
			get_task_comm(l->umm->comm, current);
		}
		err = shadow_fault_kind(fm, l, addr, vma->vm_end, vma->vm_flags, write, &pfn,
					&writable, &replace, &why, &kind);
	}
	if (err) {
		mutex_unlock(&fm->lock);
		percpu_up_read(&dev->quiesce);
		trace_smm_fault(dev->inst->name, addr, -1UL, SMM_FAULT_KIND_SIGBUS, write);
		return sigbus(dev, addr, why);
	}
	trace_smm_fault(dev->inst->name, addr, pfn, kind, write);
	/* The host PTE, if it maps another page, goes first. */
	if (replace || (host_old != ULONG_MAX && host_old != host_pfn(fm, pfn))) {
		zap_vma_ptes(vma, addr, PAGE_SIZE);
	} else if (host_old != ULONG_MAX && writable) {
		/* finish_mkwrite_fault() makes the same PTE writable. */
		mutex_unlock(&fm->lock);
		percpu_up_read(&dev->quiesce);
		return 0;
	}
	ret = vmf_insert_pfn_prot(vma, addr, host_pfn(fm, pfn), host_prot(vma, writable));
	mutex_unlock(&fm->lock);
	percpu_up_read(&dev->quiesce);
	/* Never the host's OOM killer: the shadow keeps the page for a retry. */
	if (ret & VM_FAULT_OOM)
		return sigbus(dev, addr, "host page table allocation failed");
	return ret;
}

static vm_fault_t smm_fault(struct vm_fault *vmf)
{
	return handle_fault(vmf, ULONG_MAX);
}

/*
 * wp_pfn_shared(): a write to a read-only host PTE.  The host's PTE lock
 * is not held; the entry may have changed since: handle_fault() compares.
 */
static vm_fault_t smm_pfn_mkwrite(struct vm_fault *vmf)
{
	vm_fault_t ret = handle_fault(vmf, pte_pfn(vmf->orig_pte));

	/* 0 tells the host to make its PTE writable: it maps our page. */
	return ret ? ret : 0;
}

/* ---- unmapping ---- */

/**
 * struct zap_ctx - what a range's clear gives back
 * @fm: the object
 * @umm: the process
 * @drop: shared object pages go too (one process maps the object)
 */
struct zap_ctx {
	struct smm_fmap *fm;
	struct smm_umm *umm;
	bool drop;
};

static void zap_one(void *arg, u64 va, u64 pte)
{
	struct zap_ctx *z = arg;

	if (pte & SMM_PTE_PRESENT) {
		atomic_long_dec(&z->umm->rss);
		upage_unmap(z->fm, spte_page(z->fm, pte), z->drop);
	} else if (pte & SMM_PTE_SWAP) {
		atomic_long_dec(&z->umm->swapents);
		swap_entry_put(z->fm, smm_pte_pfn(pte));
	}
}

/* A shared object's pages in [start, end) that no process maps any more. */
static void drop_shared_range(struct smm_fmap *fm, unsigned long start, unsigned long end)
{
	unsigned long first = (start - fm->start) >> PAGE_SHIFT;
	unsigned long last = ((end - fm->start) >> PAGE_SHIFT) - 1;
	unsigned long idx;
	void *e;

	xa_for_each_range(&fm->pages, idx, e, first, last) {
		if (xa_is_value(e)) {
			xa_erase(&fm->pages, idx);
			fm->swapped--;
			SMM_WARN_ON(fmap_broken(fm),
				    smm_swap_free(&fmap_inst(fm)->swap, xa_to_value(e)) < 0);
		} else if (!((struct smm_page *)e)->refcount) {
			xa_erase(&fm->pages, idx);
			upage_free(fm, e);
		}
	}
}

static void fmap_release(struct kref *ref)
{
	struct smm_fmap *fm = container_of(ref, struct smm_fmap, ref);

	smm_host_kvfree(&fmap_inst(fm)->arena, SMM_HOST_FAULT, fm, 1, sizeof(*fm));
}

/* The last VMA went: the object's pages and stock go back. */
static void fmap_teardown(struct smm_fmap *fm)
{
	lockdep_assert_held(&fm->lock);
	if (fm->shared)
		drop_shared_range(fm, fm->start, fm->end);
	SMM_WARN_ON(fmap_broken(fm), fm->resident || fm->swapped);
	zeroed_release(fm);
	xa_destroy(&fm->pages);
	mutex_lock(&fm->dev->lock);
	list_del(&fm->node);
	mutex_unlock(&fm->dev->lock);
}

/*
 * munmap, exit: the host's PTEs of [@start, @end) of @mm's VMA are gone; so
 * go its shadow entries, the process's link when it was its last VMA of
 * @fm, and @fm itself with its last VMA.
 */
static void fmap_close(struct smm_fmap *fm, struct mm_struct *mm, unsigned long start,
		       unsigned long end)
{
	struct smm_fault_dev *dev = fm->dev;
	struct zap_ctx z = { .fm = fm };
	struct smm_flink *l;
	bool last;

	percpu_down_read(&dev->quiesce);
	mutex_lock(&fm->lock);
	l = find_link(fm, mm);
	if (l) {
		z.umm = l->umm;
		z.drop = list_is_singular(&fm->links);
		smm_pgtable_unmap_range(&l->umm->pt, start, end, zap_one, &z);
		if (fm->shared && z.drop)
			drop_shared_range(fm, start, end);
		if (!--l->vmas)
			link_put(fm, l);
	}
	last = !--fm->vmas;
	if (last)
		fmap_teardown(fm);
	mutex_unlock(&fm->lock);
	percpu_up_read(&dev->quiesce);
	if (last)
		kref_put(&fm->ref, fmap_release);
}

static void smm_vma_close(struct vm_area_struct *vma)
{
	fmap_close(vma->vm_private_data, vma->vm_mm, vma->vm_start, vma->vm_end);
}

/* ---- fork ---- */

/*
 * copy_pte_range() for one VMA of @fm: @parent's entries of [start, end)
 * into @child's table.  Returns false if a table of the child's could not
 * be made: the entries from there on were not copied.
 */
static bool copy_range(struct smm_fmap *fm, struct smm_umm *parent, struct smm_umm *child,
		       unsigned long start, unsigned long end)
{
	struct smm_swap *swap = &fmap_inst(fm)->swap;
	struct smm_pte_ref ref;
	unsigned long va;
	u64 pte, cpte;

	for (va = start; va < end; va += PAGE_SIZE) {
		if (smm_pgtable_pte_lookup(&parent->pt, va, &ref)) {
			/* No PTE table: nothing up to the next one. */
			va = ALIGN(va + 1, BIT(SMM_PT_SHIFT_PMD)) - PAGE_SIZE;
			continue;
		}
		pte = *ref.pte;
		cpte = pte;
		if (pte & SMM_PTE_PRESENT) {
			struct smm_page *page = spte_page(fm, pte);

			if (!fm->shared) {
				pte &= ~SMM_PTE_RW;
				cpte &= ~SMM_PTE_RW;
				smm_pgtable_pte_write(&parent->pt, &ref, pte);
			}
			if (page->refcount == U16_MAX)
				cpte = SMM_PTE_POISON;
			else
				page->refcount++;
		} else if (pte & SMM_PTE_SWAP) {
			if (smm_swap_dup(swap, smm_pte_pfn(pte)))
				cpte = SMM_PTE_POISON;
		}
		smm_pgtable_pte_unlock(&parent->pt, &ref);
		if (!cpte)
			continue;
		if (smm_pgtable_pte_lock(&child->pt, va, &ref)) {
			/* No table for the child: undo this one, poison is impossible. */
			if (cpte & SMM_PTE_PRESENT)
				upage_unmap(fm, spte_page(fm, cpte), false);
			else if (cpte & SMM_PTE_SWAP)
				swap_entry_put(fm, smm_pte_pfn(cpte));
			return false;
		}
		smm_pgtable_pte_write(&child->pt, &ref, cpte);
		smm_pgtable_pte_unlock(&child->pt, &ref);
		if (cpte & SMM_PTE_PRESENT)
			atomic_long_inc(&child->rss);
		else if (cpte & SMM_PTE_SWAP)
			atomic_long_inc(&child->swapents);
	}
	return true;
}

/*
 * A new VMA of the object: a split (munmap or mprotect of part) in the
 * same process, or fork's copy in a child.  In a fork, current is the
 * parent, its mmap_lock held for writing, and copy_page_range() runs
 * next.
 */
static void smm_vma_open(struct vm_area_struct *vma)
{
	struct smm_fmap *fm = vma->vm_private_data;
	struct smm_fault_dev *dev = fm->dev;
	struct vm_area_struct *pvma = NULL;
	struct smm_flink *l, *pl = NULL;

	/*
	 * A fork's copy needs tables for the child: make room for them first,
	 * as the kernel's GFP_KERNEL page-table allocations would, while no
	 * lock of ours is held (reclaim needs the object's).
	 */
	if (current->mm && current->mm != vma->vm_mm &&
	    smm_zones_low(&dev->inst->vmscan))
		smm_try_to_free_pages(&dev->inst->vmscan,
				      ((vma->vm_end - vma->vm_start) >> SMM_PT_SHIFT_PMD) + 4,
				      SMM_GFP_KERNEL);
	percpu_down_read(&dev->quiesce);
	mutex_lock(&fm->lock);
	fm->vmas++;
	if (current->mm && current->mm != vma->vm_mm) {
		pvma = vma_lookup(current->mm, vma->vm_start);
		if (pvma && pvma->vm_private_data == fm && pvma->vm_end == vma->vm_end)
			pl = find_link(fm, current->mm);
	}
	l = link_get(fm, vma->vm_mm, current);
	if (!l) {
		/* The VMA will fault with no link: SIGBUS, never a wrong page. */
		pr_warn_ratelimited("shadow_mm: no memory for a process's shadow page table\n");
		mutex_unlock(&fm->lock);
		percpu_up_read(&dev->quiesce);
		return;
	}
	l->vmas++;
	if (pl) {
		if (!copy_range(fm, pl->umm, l->umm, vma->vm_start, vma->vm_end)) {
			l->lost = true;
			pr_warn_ratelimited("shadow_mm: fork: no memory for the child's shadow page tables: the child of pid %d gets SIGBUS on its copy of %#lx-%#lx\n",
					    task_tgid_nr(current), vma->vm_start, vma->vm_end);
		}
		/* The parent refaults; the host's copy of its PTEs copies none. */
		if (!fm->shared)
			zap_vma_ptes(pvma, vma->vm_start, vma->vm_end - vma->vm_start);
	}
	mutex_unlock(&fm->lock);
	percpu_up_read(&dev->quiesce);
}

static int smm_vma_mremap(struct vm_area_struct *vma)
{
	smm_bad_input("mremap", "a /dev/shadow_mm mapping cannot move");
	return -EINVAL;
}

/*
 * Fault-around (filemap_map_pages() for a file): nothing to map around a
 * fault.  The hook matters all the same: since 6.7, a fault on a VMA
 * without ->map_pages is retried under mmap_lock (vmf_can_call_fault()),
 * and with it the device's faults run under the per-VMA lock.  Called
 * under rcu_read_lock(): it must not sleep.
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
	.pfn_mkwrite	= smm_pfn_mkwrite,
};

/* ---- the reverse map, for reclaim ---- */

/*
 * The host VMA of @umm at @addr, with its mmap_lock taken by a trylock,
 * in *@vma: true, or false if busy or gone.  A process with no host side
 * (the KUnit suite's) gives true and a NULL *@vma.  unlock_host_vma()
 * after a true.
 */
static bool lock_host_vma(struct smm_fmap *fm, struct smm_umm *umm, unsigned long addr,
			  struct vm_area_struct **vma)
{
	*vma = NULL;
	if (!umm->host)
		return true;
	/*
	 * No mm_users reference: the last mmput() would then be ours, and the
	 * exit's pages would come back late.  mm_count (the umm's mmgrab())
	 * keeps the lock, and the lock keeps exit_mmap() from the VMAs.
	 */
	if (!mmap_read_trylock(umm->mm))
		return false;
	*vma = vma_lookup(umm->mm, addr);
	if (*vma && (*vma)->vm_private_data == fm && (*vma)->vm_ops == &smm_vm_ops)
		return true;
	mmap_read_unlock(umm->mm);
	return false;
}

static void unlock_host_vma(struct smm_umm *umm)
{
	if (umm->host)
		mmap_read_unlock(umm->mm);
}

/* zap_vma_ptes() of one page, if there is a host side. */
static void host_unmap(struct vm_area_struct *vma, unsigned long addr)
{
	if (vma)
		zap_vma_ptes(vma, addr, PAGE_SIZE);
}

static void *rmap_lock(void *ctx, struct smm_page *page)
{
	struct smm_fault_dev *dev = ctx;
	struct smm_vmscan *vs = &dev->inst->vmscan;
	struct smm_fmap *fm;

	if (!percpu_down_read_trylock(&dev->quiesce))
		return NULL;
	/* The object cannot go while one of its pages is on a list. */
	spin_lock(&vs->lru_lock);
	fm = smm_page_test(page, SMM_PG_LRU) ? page->mapping : NULL;
	if (fm)
		kref_get(&fm->ref);
	spin_unlock(&vs->lru_lock);
	if (!fm)
		goto out;
	if (mutex_trylock(&fm->lock)) {
		if (page->mapping == fm && smm_page_test(page, SMM_PG_LRU))
			return fm;
		mutex_unlock(&fm->lock);
	}
	kref_put(&fm->ref, fmap_release);
out:
	percpu_up_read(&dev->quiesce);
	return NULL;
}

static void rmap_unlock(void *ctx, void *cookie)
{
	struct smm_fault_dev *dev = ctx;
	struct smm_fmap *fm = cookie;

	mutex_unlock(&fm->lock);
	kref_put(&fm->ref, fmap_release);
	percpu_up_read(&dev->quiesce);
}

static struct smm_fmap *page_fmap(struct smm_page *page)
{
	return page->mapping;
}

/* folio_referenced() with the emulated accessed bit (see DOC: reclaim). */
static int rmap_referenced(void *ctx, struct smm_page *page)
{
	struct smm_fmap *fm = page_fmap(page);
	unsigned long addr = upage_vpn(page) << PAGE_SHIFT;
	unsigned long pfn = page_pfn(fm, page);
	struct smm_pte_ref ref;
	struct smm_flink *l;
	int n = 0;

	list_for_each_entry(l, &fm->links, node) {
		struct vm_area_struct *vma;
		u64 pte;

		if (smm_pgtable_pte_lookup(&l->umm->pt, addr, &ref))
			continue;
		pte = *ref.pte;
		smm_pgtable_pte_unlock(&l->umm->pt, &ref);
		if (!(pte & SMM_PTE_PRESENT) || smm_pte_pfn(pte) != pfn ||
		    !(pte & SMM_PTE_ACCESSED))
			continue;
		n++;
		if (!lock_host_vma(fm, l->umm, addr, &vma))
			continue;	/* busy: the bit stays, counted as young */
		host_unmap(vma, addr);
		if (!smm_pgtable_pte_lookup(&l->umm->pt, addr, &ref)) {
			smm_pgtable_pte_write(&l->umm->pt, &ref, *ref.pte & ~SMM_PTE_ACCESSED);
			smm_pgtable_pte_unlock(&l->umm->pt, &ref);
		}
		unlock_host_vma(l->umm);
	}
	return n;
}

/* Mappings unmap_all() can take down at once; a page with more stays. */
#define SMM_RMAP_MAX	16

/**
 * struct rmap_walk - the processes that map one page, their host VMAs locked
 * @vmas: each process's host VMA at the page's address (NULL: no host side)
 * @umms: the processes
 * @n: how many
 */
struct rmap_walk {
	struct vm_area_struct *vmas[SMM_RMAP_MAX];
	struct smm_umm *umms[SMM_RMAP_MAX];
	unsigned int n;
};

static void rmap_unlock_all(struct rmap_walk *w)
{
	while (w->n)
		unlock_host_vma(w->umms[--w->n]);
}

/*
 * rmap_walk() for a page of @fm, with every process's mmap_lock taken by
 * trylock, so that the caller can change every mapping or none: 0 with
 * *@w filled, or -EAGAIN with nothing held (a process busy, more than
 * SMM_RMAP_MAX mappings, or a mapping the links do not explain).
 */
static int rmap_lock_all(struct smm_fmap *fm, struct smm_page *page, struct rmap_walk *w)
{
	unsigned long addr = upage_vpn(page) << PAGE_SHIFT;
	unsigned long pfn = page_pfn(fm, page);
	struct smm_pte_ref ref;
	struct smm_flink *l;

	w->n = 0;
	list_for_each_entry(l, &fm->links, node) {
		bool mapped = false;

		if (!smm_pgtable_pte_lookup(&l->umm->pt, addr, &ref)) {
			mapped = (*ref.pte & SMM_PTE_PRESENT) && smm_pte_pfn(*ref.pte) == pfn;
			smm_pgtable_pte_unlock(&l->umm->pt, &ref);
		}
		if (!mapped)
			continue;
		if (w->n == SMM_RMAP_MAX || !lock_host_vma(fm, l->umm, addr, &w->vmas[w->n]))
			goto busy;
		w->umms[w->n++] = l->umm;
	}
	if (w->n == page->refcount)
		return 0;
busy:
	rmap_unlock_all(w);
	return -EAGAIN;
}

/*
 * Unmap @page from every process, in the host's table first and then in
 * the shadow one, putting @new in its entries (a swap entry, or 0 for a
 * shared object's page, which the object keeps track of).  All or
 * nothing: every process's mmap_lock is taken (by trylock) before the
 * first entry changes, so that no process keeps a writable mapping of a
 * page whose contents went to swap.  Returns 0, or -EAGAIN with nothing
 * changed.
 */
static int unmap_all(struct smm_fmap *fm, struct smm_page *page, u64 new, unsigned long slot)
{
	struct smm_swap *swap = &fmap_inst(fm)->swap;
	unsigned long addr = upage_vpn(page) << PAGE_SHIFT;
	struct smm_pte_ref ref;
	struct rmap_walk w;
	unsigned int i;
	int ret;

	ret = rmap_lock_all(fm, page, &w);
	if (ret)
		return ret;
	/* Room for every entry in the slot's count, or no change at all. */
	if (new && smm_swap_count(swap, slot) + w.n > SMM_SWAP_MAP_MAX)
		ret = -EAGAIN;
	for (i = 0; i < w.n; i++) {
		if (ret || (new && smm_swap_dup(swap, slot)))
			continue;
		host_unmap(w.vmas[i], addr);
		if (!smm_pgtable_pte_lookup(&w.umms[i]->pt, addr, &ref)) {
			smm_pgtable_pte_write(&w.umms[i]->pt, &ref, new);
			smm_pgtable_pte_unlock(&w.umms[i]->pt, &ref);
		}
		atomic_long_dec(&w.umms[i]->rss);
		if (new)
			atomic_long_inc(&w.umms[i]->swapents);
		page->refcount--;
	}
	rmap_unlock_all(&w);
	return ret;
}

/* pageout() and try_to_unmap(): see DOC: reclaim. */
static int rmap_swapout(void *ctx, struct smm_page *page)
{
	struct smm_fmap *fm = page_fmap(page);
	struct smm_instance *inst = fmap_inst(fm);
	struct smm_swap *swap = &inst->swap;
	unsigned long slot = upage_slot(page);
	unsigned long idx = upage_vpn(page) - (fm->start >> PAGE_SHIFT);
	bool fresh = !slot;

	if (fresh) {
		/* add_to_swap(): a slot and the contents. */
		slot = smm_swap_alloc(swap);
		if (!slot)
			return -ENOSPC;
		if (smm_swap_writepage(swap, slot, page)) {
			smm_swap_free(swap, slot);
			return -EAGAIN;
		}
	}
	if (fm->shared) {
		/* shmem_writepage(): the object keeps the slot; the PTEs go. */
		if (unmap_all(fm, page, 0, 0) ||
		    xa_err(xa_store(&fm->pages, idx, xa_mk_value(slot), GFP_KERNEL))) {
			smm_swap_free(swap, slot);
			return -EAGAIN;
		}
		fm->swapped++;
	} else {
		/* A page in the swap cache already is clean: mapped read-only. */
		if (fresh) {
			if (smm_swap_cache_add(swap, slot, page)) {
				smm_swap_free(swap, slot);
				return -EAGAIN;
			}
			upage_set_slot(page, slot);
		}
		if (unmap_all(fm, page, mk_swap_pte(slot), slot)) {
			/* Still mapped, maybe writable: the copy in swap would go stale. */
			if (fresh)
				upage_uncache(fm, page);
			return -EAGAIN;
		}
	}
	if (fresh)
		smm_count_vm_event(&inst->vmstat, SMM_PSWPOUT);
	stat_add(fm->dev, SMM_FAULT_SWAPOUT, 1);
	upage_free(fm, page);
	return 0;
}

/*
 * The LRU half of migrate_folio(): @new takes @old's place on its list,
 * with its active and referenced bits, so that reclaim sees the same age.
 * Across zones (never for compaction, which stays in one) @new starts
 * inactive on its own zone's list.
 */
static void lru_replace(struct smm_vmscan *vs, struct smm_page *old, struct smm_page *new)
{
	const u32 bits = BIT(SMM_PG_LRU) | BIT(SMM_PG_ACTIVE) | BIT(SMM_PG_REFERENCED);

	if (smm_page_zonenum(old) != smm_page_zonenum(new)) {
		smm_lru_del(vs, old);
		smm_lru_add(vs, new);
		return;
	}
	spin_lock(&vs->lru_lock);
	if (!SMM_WARN_ON(vs->broken, !smm_page_test(old, SMM_PG_LRU) ||
			 smm_page_test(new, SMM_PG_LRU))) {
		list_replace(&old->lru, &new->lru);
		new->flags |= old->flags & bits;
		old->flags &= ~bits;
	}
	spin_unlock(&vs->lru_lock);
}

/*
 * migrate_pages() of one user page, for compaction (see DOC: compaction in
 * compaction.c).  Under rmap_lock(): no fault, fork or unmap of the object
 * runs.  The host PTEs go first (try_to_migrate() puts migration entries
 * there; ours are simply empty, and a touch refaults under the object's
 * lock, which we hold); then the copy, then the shadow entries get the new
 * PFN with the same bits (remove_migration_ptes()).  The host PTEs come
 * back, with the new PFN, at the next touch.
 */
static int rmap_migrate(void *ctx, struct smm_page *page, struct smm_page *newpage)
{
	struct smm_fmap *fm = page_fmap(page);
	struct smm_instance *inst = fmap_inst(fm);
	unsigned long addr = upage_vpn(page) << PAGE_SHIFT;
	unsigned long idx = upage_vpn(page) - (fm->start >> PAGE_SHIFT);
	unsigned long newpfn = page_pfn(fm, newpage);
	struct smm_pte_ref ref;
	struct rmap_walk w;
	unsigned int i;
	int ret;

	/* The swap cache finds the page by its slot: it stays (folio_ref_freeze() fails). */
	if (upage_slot(page))
		return -EBUSY;
	ret = rmap_lock_all(fm, page, &w);
	if (ret)
		return ret;
	for (i = 0; i < w.n; i++)
		host_unmap(w.vmas[i], addr);
	ret = copy_upage(fm, newpage, page);
	/* The object's index: replacing a present entry allocates nothing. */
	if (!ret && fm->shared &&
	    xa_err(xa_store(&fm->pages, idx, newpage, GFP_NOWAIT | __GFP_NOWARN)))
		ret = -EAGAIN;
	if (ret) {
		/* The host PTEs went: the next touch maps @page again. */
		rmap_unlock_all(&w);
		return ret;
	}
	for (i = 0; i < w.n; i++) {
		if (smm_pgtable_pte_lookup(&w.umms[i]->pt, addr, &ref))
			continue;
		smm_pgtable_pte_write(&w.umms[i]->pt, &ref,
				      smm_mk_pte(newpfn, *ref.pte & ~SMM_PTE_PFN_MASK));
		smm_pgtable_pte_unlock(&w.umms[i]->pt, &ref);
	}
	rmap_unlock_all(&w);
	newpage->mapping = fm;
	newpage->private = page->private;
	newpage->refcount = page->refcount;
	lru_replace(&inst->vmscan, page, newpage);
	page->mapping = NULL;
	page->private = 0;
	page->refcount = 1;
	smm_free_pages(fmap_buddy(fm), page, 0);
	return 0;
}

static const struct smm_rmap_ops smm_rmap = {
	.lock		= rmap_lock,
	.unlock		= rmap_unlock,
	.referenced	= rmap_referenced,
	.swapout	= rmap_swapout,
	.migrate	= rmap_migrate,
};

/**
 * smm_fault_page_shared() - is a user page a shared object's?
 * @vs: the instance's reclaim state
 * @page: a page of the instance
 *
 * A page on an LRU list (%SMM_PG_LRU) is a user page, and its
 * &smm_page.mapping is its object, which cannot go while the page is on
 * a list: upage_init() sets the mapping before smm_lru_add(), upage_free()
 * takes the page off before it clears it, and the object's last page
 * leaves before the object is freed (rmap_lock() relies on the same
 * rule).  The kernel's counterpart is folio_test_anon(): a MAP_SHARED
 * object's page is shmem (a file page with PG_swapbacked), a MAP_PRIVATE
 * one's, copy-on-write copies included, anonymous.
 *
 * Return: true if @page is on a list and belongs to a MAP_SHARED object;
 * false for a MAP_PRIVATE object's page and for a page on no list.
 * Context: under @vs->lru_lock.
 */
bool smm_fault_page_shared(struct smm_vmscan *vs, const struct smm_page *page)
{
	const struct smm_fmap *fm;

	lockdep_assert_held(&vs->lru_lock);
	if (!smm_page_test(page, SMM_PG_LRU))
		return false;
	fm = page->mapping;
	return fm && fm->shared;
}

/*
 * A new object for [@start, @end) of @mm, with the mapping process's link:
 * what mmap() of the device makes.  @task names it in the ``mappings``
 * file (NULL: "kunit").  MAP_SHARED (VM_MAYSHARE) makes it @shared.
 * Returns NULL without memory.
 */
static struct smm_fmap *fmap_create(struct smm_fault_dev *dev, struct mm_struct *mm,
				    struct task_struct *task, unsigned long start,
				    unsigned long end, bool shared)
{
	struct smm_flink *l;
	struct smm_fmap *fm;

	fm = smm_host_kvcalloc(&dev->inst->arena, SMM_HOST_FAULT, 1, sizeof(*fm));
	if (!fm)
		return NULL;
	fm->dev = dev;
	mutex_init(&fm->lock);
	kref_init(&fm->ref);
	xa_init(&fm->pages);
	INIT_LIST_HEAD(&fm->links);
	fm->shared = shared;
	fm->start = start;
	fm->end = end;
	fm->vmas = 1;
	if (task) {
		fm->pid = task_tgid_nr(task);
		get_task_comm(fm->comm, task);
	} else {
		strscpy(fm->comm, "kunit", sizeof(fm->comm));
	}
	percpu_down_read(&dev->quiesce);
	mutex_lock(&fm->lock);
	l = link_get(fm, mm, task);
	if (l) {
		l->vmas = 1;
		mutex_lock(&dev->lock);
		list_add_tail(&fm->node, &dev->maps);
		mutex_unlock(&dev->lock);
	}
	mutex_unlock(&fm->lock);
	percpu_up_read(&dev->quiesce);
	if (!l) {
		smm_host_kvfree(&dev->inst->arena, SMM_HOST_FAULT, fm, 1, sizeof(*fm));
		return NULL;
	}
	return fm;
}

/* ---- the device ---- */

static int smm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct smm_fault_dev *dev = container_of(file->private_data, struct smm_fault_dev, misc);
	struct smm_fmap *fm;

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
	fm = fmap_create(dev, vma->vm_mm, current, vma->vm_start, vma->vm_end,
			 vma->vm_flags & VM_MAYSHARE);
	if (!fm)
		return -ENOMEM;

	/* VM_SHARED on a private mapping: the host never copies on write (DOC). */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     (vma->vm_flags & VM_MAYWRITE ? VM_SHARED : 0));
	vma->vm_private_data = fm;
	vma->vm_ops = &smm_vm_ops;
	return 0;
}

static const struct file_operations smm_dev_fops = {
	.owner	= THIS_MODULE,
	.mmap	= smm_dev_mmap,
	.fsync	= noop_fsync,
	.llseek	= noop_llseek,
};

/* ---- the checker ---- */

/*
 * One process: every page of its VMAs of the device, host against shadow.
 * The _mapcounts are counted apart (count_maps()): a VMA that munmap() has
 * taken out of the tree, and whose close() has not run yet, still has its
 * shadow entries.
 */
static int check_umm(struct smm_fault_dev *dev, struct smm_umm *umm)
{
	struct smm_arena *a = &dev->inst->arena;
	unsigned long addr, pfn, hpfn;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	struct smm_pte_ref ref;
	int bad = 0;
	bool w;
	u64 pte;

	vma_iter_init(&vmi, umm->mm, 0);
	for_each_vma(vmi, vma) {
		struct smm_fmap *fm = vma->vm_private_data;

		if (vma->vm_ops != &smm_vm_ops)
			continue;
		for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
			bool host = smm_compat_follow_pfn(vma, addr, &hpfn, &w);

			pte = 0;
			if (!smm_pgtable_pte_lookup(&umm->pt, addr, &ref)) {
				pte = *ref.pte;
				smm_pgtable_pte_unlock(&umm->pt, &ref);
			}
			if (pte & SMM_PTE_PRESENT) {
				if (!fm->shared && (pte & SMM_PTE_RW) &&
				    (spte_page(fm, pte)->refcount != 1 ||
				     upage_slot(spte_page(fm, pte)))) {
					pr_err("shadow_mm: check: pid %d %#lx: a shared private page is writable\n",
					       umm->pid, addr);
					bad++;
				}
			}
			if (!host)
				continue;
			if (!pfn_valid(hpfn) ||
			    !smm_arena_host_to_pfn(a, pfn_to_page(hpfn), &pfn)) {
				pr_err("shadow_mm: check: pid %d %#lx: host pfn %#lx is not an arena page\n",
				       umm->pid, addr, hpfn);
				bad++;
			} else if (!(pte & SMM_PTE_PRESENT) || smm_pte_pfn(pte) != pfn) {
				pr_err("shadow_mm: check: pid %d %#lx: host maps shadow pfn %#lx, shadow entry %#llx\n",
				       umm->pid, addr, pfn, pte);
				bad++;
			} else if (w && !(pte & SMM_PTE_RW)) {
				pr_err("shadow_mm: check: pid %d %#lx: host PTE writable, shadow entry read-only\n",
				       umm->pid, addr);
				bad++;
			}
		}
	}
	return bad;
}

/*
 * Every present shadow entry of @fm's range, in every process that maps it,
 * into @maps (pfn -> count).
 */
static void count_maps(struct smm_fmap *fm, struct xarray *maps)
{
	struct smm_pte_ref ref;
	struct smm_flink *l;
	unsigned long va;

	list_for_each_entry(l, &fm->links, node) {
		for (va = fm->start; va < fm->end; va += PAGE_SIZE) {
			u64 pte;
			void *e;

			if (smm_pgtable_pte_lookup(&l->umm->pt, va, &ref))
				continue;
			pte = *ref.pte;
			smm_pgtable_pte_unlock(&l->umm->pt, &ref);
			/* Another object may be mapped there now, in this process. */
			if (!(pte & SMM_PTE_PRESENT) || spte_page(fm, pte)->mapping != fm)
				continue;
			e = xa_load(maps, smm_pte_pfn(pte));
			xa_store(maps, smm_pte_pfn(pte),
				 xa_mk_value(e ? xa_to_value(e) + 1 : 1), GFP_KERNEL);
		}
	}
}

/**
 * smm_fault_check() - compare every process's page tables with the shadow
 * @inst: the instance; only the one behind /dev/shadow_mm has processes
 *
 * With every change to the mappings stopped: for each process that maps
 * the device, each host PTE of its mappings must map an arena page, the
 * one its shadow entry names, and be writable only if the entry is RW; a
 * private page mapped more than once must be read-only; and each user
 * page's _mapcount must be the number of shadow entries that map it.
 *
 * Return: 0; -EUCLEAN if anything disagrees (each reported); -EBUSY if a
 * process's mmap_lock could not be had for a second; -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_fault_check(struct smm_instance *inst)
{
	struct smm_fault_dev *dev = &smm_fdev;
	struct xarray maps;
	struct smm_umm *umm, *busy;
	struct smm_fmap *fm;
	unsigned long pfn;
	int bad = 0, tries;
	void *e;

	if (dev->inst != inst)
		return 0;
	xa_init(&maps);
	for (tries = 0; ; tries++) {
		percpu_down_write(&dev->quiesce);
		busy = NULL;
		list_for_each_entry(umm, &dev->mms, node) {
			if (!mmap_read_trylock(umm->mm)) {
				busy = umm;
				break;
			}
		}
		if (!busy)
			break;
		list_for_each_entry(umm, &dev->mms, node) {
			if (umm == busy)
				break;
			mmap_read_unlock(umm->mm);
		}
		percpu_up_write(&dev->quiesce);
		if (tries >= 50)
			return -EBUSY;
		msleep(20);
	}
	list_for_each_entry(umm, &dev->mms, node)
		bad += check_umm(dev, umm);
	/* _mapcount: every user page of every object. */
	list_for_each_entry(fm, &dev->maps, node)
		count_maps(fm, &maps);
	list_for_each_entry(fm, &dev->maps, node) {
		unsigned long n = 0;

		xa_for_each(&maps, pfn, e) {
			struct smm_page *page = smm_pfn_to_page(&inst->arena, pfn);

			if (page->mapping != fm)
				continue;
			n++;
			if (page->refcount != xa_to_value(e)) {
				pr_err("shadow_mm: check: pfn %#lx: _mapcount %u, %lu shadow entries\n",
				       pfn, page->refcount, xa_to_value(e));
				bad++;
			}
		}
		if (!fm->shared && n > fm->resident) {
			pr_err("shadow_mm: check: mapping of pid %d: %lu pages mapped, %lu resident\n",
			       fm->pid, n, fm->resident);
			bad++;
		}
	}
	list_for_each_entry(umm, &dev->mms, node)
		mmap_read_unlock(umm->mm);
	percpu_up_write(&dev->quiesce);
	xa_destroy(&maps);
	return bad ? -EUCLEAN : 0;
}

/* ---- debugfs ---- */

static int faults_show(struct seq_file *m, void *v)
{
	struct smm_fault_dev *dev = m->private;
	unsigned long resident = 0, n = 0;
	struct smm_umm *umm;
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
	list_for_each_entry(fm, &dev->maps, node) {
		struct smm_flink *l = list_first_entry_or_null(&fm->links, struct smm_flink, node);

		seq_printf(m, "mapping pid=%d comm=%s start=%#lx end=%#lx size_kb=%lu resident=%lu tables=%lu zeroed=%u type=%s swapped=%lu\n",
			   fm->pid, fm->comm, fm->start, fm->end, (fm->end - fm->start) >> 10,
			   READ_ONCE(fm->resident), l ? smm_pgtable_pages(&l->umm->pt) : 0,
			   READ_ONCE(fm->nr_zeroed), fm->shared ? "shared" : "private",
			   READ_ONCE(fm->swapped));
	}
	list_for_each_entry(umm, &dev->mms, node)
		seq_printf(m, "mm pid=%d comm=%s rss=%ld swapents=%ld tables=%lu\n",
			   umm->pid, umm->comm, atomic_long_read(&umm->rss),
			   atomic_long_read(&umm->swapents), smm_pgtable_pages(&umm->pt));
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
	INIT_LIST_HEAD(&dev->mms);
	ret = percpu_init_rwsem(&dev->quiesce);
	if (ret)
		return ret;
	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = "shadow_mm";
	dev->misc.fops = &smm_dev_fops;
	dev->misc.mode = 0600;
	ret = misc_register(&dev->misc);
	if (ret) {
		percpu_free_rwsem(&dev->quiesce);
		return ret;
	}
	smm_vmscan_set_rmap(&inst->vmscan, &smm_rmap, dev);
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
	smm_vmscan_set_rmap(&dev->inst->vmscan, NULL, NULL);
	WARN_ON_ONCE(!list_empty(&dev->maps) || !list_empty(&dev->mms));
	percpu_free_rwsem(&dev->quiesce);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* ---- test entry points, for the suites of the layers above ---- */

/**
 * smm_fault_test_dev_create() - a fault device over an instance, for KUnit
 * @inst: the instance; its reclaim's reverse map becomes the device's
 *
 * Never registered: there is no /dev node, and processes are keys that
 * are never dereferenced (see kunit/fault_test.c).
 *
 * Return: the device, or NULL.
 * Context: process context; sleeps.
 */
struct smm_fault_dev *smm_fault_test_dev_create(struct smm_instance *inst)
{
	struct smm_fault_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	dev->inst = inst;
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->maps);
	INIT_LIST_HEAD(&dev->mms);
	if (percpu_init_rwsem(&dev->quiesce)) {
		kfree(dev);
		return NULL;
	}
	smm_vmscan_set_rmap(&inst->vmscan, &smm_rmap, dev);
	return dev;
}

/**
 * smm_fault_test_mmap() - smm_dev_mmap() without a host VMA
 * @dev: a device from smm_fault_test_dev_create()
 * @key: the process
 * @start: the user address, page-aligned
 * @pages: the size in pages
 * @shared: MAP_SHARED rather than MAP_PRIVATE
 *
 * Return: the object, or NULL.
 * Context: process context; sleeps.
 */
struct smm_fmap *smm_fault_test_mmap(struct smm_fault_dev *dev, struct mm_struct *key,
				     unsigned long start, unsigned long pages, bool shared)
{
	return fmap_create(dev, key, NULL, start, start + (pages << PAGE_SHIFT), shared);
}

/**
 * smm_fault_test_touch() - handle_fault() without the host PTE
 * @fm: the object
 * @key: the process
 * @addr: the address touched
 * @write: a write
 * @pfn: the shadow PFN now mapped there
 *
 * Return: 0, or the error that would have been a SIGBUS.
 * Context: process context; sleeps.
 */
int smm_fault_test_touch(struct smm_fmap *fm, struct mm_struct *key, unsigned long addr,
			 bool write, unsigned long *pfn)
{
	enum smm_fault_kind kind = SMM_FAULT_KIND_MINOR;
	const char *why = NULL;
	bool writable, replace;
	struct smm_flink *l;
	int err = -ESRCH;

	*pfn = 0;
	percpu_down_read(&fm->dev->quiesce);
	mutex_lock(&fm->lock);
	l = find_link(fm, key);
	if (l)
		err = shadow_fault_kind(fm, l, addr, fm->end, VM_READ | VM_WRITE, write, pfn,
					&writable, &replace, &why, &kind);
	mutex_unlock(&fm->lock);
	percpu_up_read(&fm->dev->quiesce);
	return err;
}

/**
 * smm_fault_test_fork() - smm_vma_open() for a fork: @child copies @parent
 * @fm: the object
 * @parent: the process that forks
 * @child: the new one
 *
 * Return: 0, or -ENOMEM.
 * Context: process context; sleeps.
 */
int smm_fault_test_fork(struct smm_fmap *fm, struct mm_struct *parent, struct mm_struct *child)
{
	struct smm_flink *l, *pl;
	int ret = -ENOMEM;

	percpu_down_read(&fm->dev->quiesce);
	mutex_lock(&fm->lock);
	fm->vmas++;
	pl = find_link(fm, parent);
	l = link_get(fm, child, NULL);
	if (l) {
		l->vmas++;
		if (pl && copy_range(fm, pl->umm, l->umm, fm->start, fm->end))
			ret = 0;
		else
			l->lost = true;
	}
	mutex_unlock(&fm->lock);
	percpu_up_read(&fm->dev->quiesce);
	return ret;
}

/**
 * smm_fault_test_unmap() - smm_vma_close() of @key's whole VMA of @fm
 * @fm: the object; freed with its last VMA
 * @key: the process
 *
 * Context: process context; sleeps.
 */
void smm_fault_test_unmap(struct smm_fmap *fm, struct mm_struct *key)
{
	fmap_close(fm, key, fm->start, fm->end);
}

/*
 * Unmap whatever objects a test left, process by process, then let go of
 * the reverse map and the quiesce lock; the device itself stays.
 */
static void fault_test_dev_release(struct smm_fault_dev *dev)
{
	struct smm_fmap *fm;
	struct smm_flink *l;

	for (;;) {
		mutex_lock(&dev->lock);
		fm = list_first_entry_or_null(&dev->maps, struct smm_fmap, node);
		mutex_unlock(&dev->lock);
		if (!fm)
			break;
		mutex_lock(&fm->lock);
		l = list_first_entry_or_null(&fm->links, struct smm_flink, node);
		mutex_unlock(&fm->lock);
		if (!l)
			break;	/* cannot happen: a live object has a process */
		smm_fault_test_unmap(fm, l->umm->mm);
	}
	smm_vmscan_set_rmap(&dev->inst->vmscan, NULL, NULL);
	percpu_free_rwsem(&dev->quiesce);
}

/**
 * smm_fault_test_dev_destroy() - unmap what is left, and free the device
 * @dev: the device, or NULL
 *
 * Context: process context; sleeps.
 */
void smm_fault_test_dev_destroy(struct smm_fault_dev *dev)
{
	if (!dev)
		return;
	fault_test_dev_release(dev);
	kfree(dev);
}

#include "kunit/fault_test.c"
#endif
