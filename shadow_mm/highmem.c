// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm highmem: kmap and kmap_local for the shadow HighMem zone.
 */

/**
 * DOC: highmem
 *
 * On a 32-bit kernel, memory above ZONE_NORMAL has no permanent kernel
 * address.  Code that must touch such a page maps it for a while: kmap()
 * through the pkmap window (mm/highmem.c), kmap_local_page() and
 * kmap_atomic() through per-CPU fixmap slots.  x86-64 has no highmem, and
 * kmap_local_page() there is page_address(), so the shadow emulates both:
 *
 * - The shadow kernel space has a pkmap window of %SMM_LAST_PKMAP pages
 *   right after the vmalloc range, at %SMM_PKMAP_BASE, and after it
 *   %SMM_KM_MAX_IDX kmap_local slots per CPU.  Their PTE tables are made
 *   once, at bring-up, and pinned, as permanent_kmaps_init() does, so a
 *   kmap never allocates a table; and as the kernel keeps pkmap_page_table
 *   and kmap_pte, the layer keeps pointers to those tables and writes the
 *   window's PTEs directly, without a walk or the page tables' lock.
 * - smm_kmap() is kmap_high(): look the page up in a hash of kmapped pages
 *   (page_address_htable); if it is not there, take the next free slot
 *   (pkmap_count 0), write the shadow PTE, and count a user.  When the
 *   search wraps to slot 0, every slot whose count is 1 (mapped, unused)
 *   is flushed first, as flush_all_zero_pkmaps() does.  If every slot is
 *   in use the caller sleeps on pkmap_map_wait until a kunmap, then scans
 *   the window again.  smm_kunmap() drops the count to 1, not 0: the
 *   mapping stays, lazily, until the next wrap, and a kmap of the same page
 *   in between costs a lookup.  As in the kernel, smm_kmap() must not be
 *   called while the caller holds a kmap_atomic slot.
 * - smm_kmap_atomic() is kmap_local_page(): a stack of slots on this CPU,
 *   with migration disabled, undone in reverse order by smm_kunmap_atomic().
 * - The real address, in both cases, is vm_map_ram() of the page's host
 *   page, and the shadow PTE at the window slot maps the same page.  This is
 *   the one difference from the kernel: vm_map_ram() may sleep, so
 *   smm_kmap_atomic() may too.  It keeps kmap_local's rules otherwise (this
 *   CPU's slots, LIFO), and as the kernel cannot switch a CPU's slots
 *   between tasks here, a CPU's slots belong to one task at a time, from its
 *   first map to its last unmap.
 * - The kernel's kmap_atomic() writes one PTE of a fixed window; a module
 *   cannot (no init_mm, no apply_to_page_range()), and each host mapping
 *   costs a vm_map_ram() and a vm_unmap_ram(), whatever it maps.  So the
 *   mapping work is batched where the pages are known together:
 *   smm_kmap_atomic_pages() maps up to %SMM_KM_MAX_IDX HighMem pages in
 *   consecutive slots with one host mapping, and smm_clear_highpages()
 *   zeroes pages a batch at a time through it.  The fault handler zeroes
 *   its pages ahead that way (see ``DOC: demand paging``).  Mappings are
 *   never kept past their kunmap: a live host mapping could be reused only
 *   for the same page, and a freed page must not stay reachable.
 * - smm_kmap_check() proves, slot by slot, that the shadow PTEs and the
 *   host mappings agree (``kmap`` ends with its verdict).
 *
 * Shadow code never reaches a HighMem page through the host's direct map:
 * the buddy allocator zeroes HighMem pages with smm_clear_highpage(),
 * installed when this layer comes up; before that (during bring-up nothing
 * asks) it would count each direct-map clear in buddystat's highmem_direct.
 * smm_page_address() returns NULL for a HighMem page that is not kmapped,
 * as page_address() does.
 *
 * Lock order: smm_highmem.lock or a CPU's smm_kmap_local.lock, then the
 * page tables' lock (taken at init and teardown only), then the buddy
 * allocator's locks.
 */

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "common.h"
#include "highmem.h"

/* PAGE_KERNEL: present, RW, accessed, dirty, NX. */
#define KMAP_PTE	(SMM_PTE_RW | SMM_PTE_ACCESSED | SMM_PTE_DIRTY | SMM_PTE_NX)

static const char *const stat_names[] = {
	[SMM_KMAP_KMAPS]	= "kmaps",
	[SMM_KMAP_NEW]		= "kmap_new_slot",
	[SMM_KMAP_WRAPS]	= "wraps",
	[SMM_KMAP_FLUSHED]	= "flushed_slots",
	[SMM_KMAP_WAITS]	= "waits",
	[SMM_KMAP_LOWMEM]	= "lowmem",
	[SMM_KMAP_ATOMIC]	= "kmap_atomic",
	[SMM_KMAP_HOST_MAPS]	= "host_maps",
	[SMM_KMAP_CLEARS]	= "clear_highpage",
	[SMM_KMAP_BAD]		= "refused",
};

static_assert(ARRAY_SIZE(stat_names) == SMM_KMAP_STAT_NR);

static inline void stat_inc(struct smm_highmem *hm, enum smm_kmap_stat item)
{
	this_cpu_inc(hm->stats->n[item]);
}

static inline void stat_add(struct smm_highmem *hm, enum smm_kmap_stat item, unsigned long n)
{
	this_cpu_add(hm->stats->n[item], n);
}

/**
 * smm_kmap_stat() - one counter, summed over the CPUs
 * @hm: the kmap layer
 * @item: the counter
 *
 * Return: its value.
 */
unsigned long smm_kmap_stat(const struct smm_highmem *hm, enum smm_kmap_stat item)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(hm->stats, cpu)->n[item];
	return n;
}

static inline bool page_high(const struct smm_page *page)
{
	return smm_page_zonenum(page) == SMM_ZONE_HIGHMEM;
}

static inline unsigned long pfn_of(struct smm_highmem *hm, const struct smm_page *page)
{
	return smm_page_to_pfn(hm->arena, page);
}

static inline bool broken(struct smm_highmem *hm)
{
	return READ_ONCE(*hm->broken);
}

/* The real mapping: vm_map_ram() of the page's host page. */
static void *host_map(struct smm_highmem *hm, unsigned long pfn)
{
	struct page *host = smm_arena_pfn_to_host(hm->arena, pfn);
	void *addr = host ? vm_map_ram(&host, 1, NUMA_NO_NODE) : NULL;

	if (addr)
		stat_inc(hm, SMM_KMAP_HOST_MAPS);
	return addr;
}

/*
 * The shadow PTE of a window address, through the pinned tables, as the
 * kernel reaches its windows through pkmap_page_table and kmap_pte: no
 * walk, no page-table lock.  The pkmap slots are written under @hm->lock,
 * a CPU's kmap_local slots only by the task that owns them.
 */
static u64 *window_pte(struct smm_highmem *hm, u64 va)
{
	return &hm->ptes[(va - SMM_PKMAP_BASE) >> SMM_PT_SHIFT_PMD][smm_pt_index(va, SMM_PT_PTE)];
}

/* Map @pfn at a window address; the slot must be empty. */
static int shadow_map(struct smm_highmem *hm, u64 va, unsigned long pfn)
{
	u64 *pte = window_pte(hm, va);

	if (SMM_WARN_ON(hm->broken, READ_ONCE(*pte) & SMM_PTE_PRESENT))
		return -EBUSY;
	WRITE_ONCE(*pte, smm_mk_pte(pfn, KMAP_PTE));
	return 0;
}

/* Clear a window PTE; it must map @pfn. */
static void shadow_unmap(struct smm_highmem *hm, u64 va, unsigned long pfn)
{
	u64 old = xchg(window_pte(hm, va), 0);

	SMM_WARN_ON(hm->broken, !(old & SMM_PTE_PRESENT) || smm_pte_pfn(old) != pfn);
}

/* The pkmap slot of a page, or -1: page_address() for HighMem. */
static int slot_of(struct smm_highmem *hm, unsigned long pfn)
{
	struct smm_pkmap_slot *s;

	lockdep_assert_held(&hm->lock);
	hash_for_each_possible(hm->hash, s, node, pfn)
		if (pfn_of(hm, s->page) == pfn)
			return s - hm->slot;
	return -1;
}

/* flush_all_zero_pkmaps(): free every slot that is mapped but unused. */
static void flush_all_zero_pkmaps(struct smm_highmem *hm)
{
	unsigned int i;

	lockdep_assert_held(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		struct smm_pkmap_slot *s = &hm->slot[i];

		if (hm->count[i] != 1)
			continue;
		hm->count[i] = 0;
		hm->nr_idle--;
		shadow_unmap(hm, SMM_PKMAP_ADDR(i), pfn_of(hm, s->page));
		vm_unmap_ram(s->addr, 1);
		hash_del(&s->node);
		s->page = NULL;
		s->addr = NULL;
		stat_inc(hm, SMM_KMAP_FLUSHED);
	}
}

/*
 * map_new_virtual(): find a free slot and map @page there with a count of
 * 1.  Sleeps, with the lock dropped, while every slot is in use.
 * Returns the slot, or -ENOMEM or -EIO.
 */
static int map_new_virtual(struct smm_highmem *hm, struct smm_page *page)
{
	unsigned long pfn = pfn_of(hm, page), gen;
	unsigned int count, nr;
	void *addr;
	int ret;

start:
	count = SMM_LAST_PKMAP;
	for (;;) {
		hm->last_pkmap_nr = (hm->last_pkmap_nr + 1) & (SMM_LAST_PKMAP - 1);
		if (!hm->last_pkmap_nr) {
			flush_all_zero_pkmaps(hm);
			stat_inc(hm, SMM_KMAP_WRAPS);
			count = SMM_LAST_PKMAP;
		}
		if (!hm->count[hm->last_pkmap_nr])
			break;
		if (--count)
			continue;
		/*
		 * Every slot has a user: sleep until a kunmap makes one idle,
		 * then rescan, as kmap_high() does.  The wake-up is the
		 * generation moving on, not a slot being idle when this task
		 * runs: another kmap may flush that slot and take it first
		 * and leave others free.  A broken instance is noticed
		 * within a second, whoever broke it.
		 */
		stat_inc(hm, SMM_KMAP_WAITS);
		gen = hm->unmap_gen;
		mutex_unlock(&hm->lock);
		for (;;) {
			if (wait_event_timeout(hm->wait,
					       READ_ONCE(hm->unmap_gen) != gen || broken(hm), HZ))
				break;
		}
		mutex_lock(&hm->lock);
		if (broken(hm))
			return -EIO;
		/* Somebody else may have mapped it meanwhile. */
		ret = slot_of(hm, pfn);
		if (ret >= 0)
			return ret;
		goto start;
	}
	nr = hm->last_pkmap_nr;
	addr = host_map(hm, pfn);
	if (!addr)
		return -ENOMEM;
	if (shadow_map(hm, SMM_PKMAP_ADDR(nr), pfn)) {
		vm_unmap_ram(addr, 1);
		return -EIO;
	}
	hm->count[nr] = 1;
	hm->nr_idle++;
	hm->slot[nr].page = page;
	hm->slot[nr].addr = addr;
	hash_add(hm->hash, &hm->slot[nr].node, pfn);
	stat_inc(hm, SMM_KMAP_NEW);
	return nr;
}

/* Does the current task hold this CPU's kmap_local slots? */
static bool owns_local_slots(struct smm_highmem *hm)
{
	bool owns;

	migrate_disable();
	owns = READ_ONCE(per_cpu_ptr(hm->local, raw_smp_processor_id())->owner) == current;
	migrate_enable();
	return owns;
}

/**
 * smm_kmap() - a kernel address for a page, until smm_kunmap()
 * @hm: the kmap layer
 * @page: the page
 *
 * A low page has its direct-map address.  A HighMem page gets a slot of
 * the pkmap window, or shares the one it has; see the DOC above.
 *
 * Return: the address, or NULL if the host cannot map the page (vm_map_ram()
 * failed) or the instance is broken.  Called between smm_kmap_atomic() and
 * smm_kunmap_atomic() (where kmap() would sleep in atomic context), it
 * warns, breaks the instance and returns NULL.
 * Context: process context, outside kmap_atomic; may sleep, until a slot
 * is free.
 */
void *smm_kmap(struct smm_highmem *hm, struct smm_page *page)
{
	void *addr = NULL;
	int nr;

	might_sleep();
	if (!page_high(page)) {
		stat_inc(hm, SMM_KMAP_LOWMEM);
		return smm_arena_pfn_to_virt(hm->arena, pfn_of(hm, page));
	}
	/*
	 * kmap() may sleep for a slot, which kmap_atomic's caller must not:
	 * another task on this CPU could hold the slot we wait for and
	 * wait for this CPU's kmap_local slots, which we hold.
	 */
	if (SMM_WARN_ON(hm->broken, owns_local_slots(hm)))
		return NULL;
	stat_inc(hm, SMM_KMAP_KMAPS);
	mutex_lock(&hm->lock);
	nr = slot_of(hm, pfn_of(hm, page));
	if (nr < 0)
		nr = map_new_virtual(hm, page);
	if (nr >= 0) {
		if (hm->count[nr]++ == 1)
			hm->nr_idle--;
		addr = hm->slot[nr].addr;
	}
	mutex_unlock(&hm->lock);
	return addr;
}

/**
 * smm_kunmap() - drop a user of a page's kmap
 * @hm: the kmap layer
 * @page: the page given to smm_kmap()
 *
 * The last user leaves the slot mapped and idle; the next wrap frees it.
 * A sleeper waiting for a slot is woken.
 *
 * Return: 0, or -EINVAL (counted and reported) if @page is not kmapped.
 * Context: process context.
 */
int smm_kunmap(struct smm_highmem *hm, struct smm_page *page)
{
	unsigned long pfn = pfn_of(hm, page);
	bool wake = false;
	int nr;

	if (!page_high(page))
		return 0;
	mutex_lock(&hm->lock);
	nr = slot_of(hm, pfn);
	if (nr < 0 || hm->count[nr] < 2) {
		mutex_unlock(&hm->lock);
		stat_inc(hm, SMM_KMAP_BAD);
		smm_bad_input("kunmap", "pfn %#lx is not kmapped", pfn);
		return -EINVAL;
	}
	if (--hm->count[nr] == 1) {
		hm->nr_idle++;
		hm->unmap_gen++;
		wake = true;
	}
	mutex_unlock(&hm->lock);
	if (wake)
		wake_up(&hm->wait);
	return 0;
}

/**
 * smm_page_address() - page_address(): a page's kernel address, if it has one
 * @hm: the kmap layer
 * @page: the page
 *
 * Return: the direct-map address of a low page; the pkmap address of a
 * kmapped HighMem page; NULL for a HighMem page that is not kmapped.
 * Context: process context.
 */
void *smm_page_address(struct smm_highmem *hm, struct smm_page *page)
{
	void *addr = NULL;
	int nr;

	if (!page_high(page))
		return smm_arena_pfn_to_virt(hm->arena, pfn_of(hm, page));
	mutex_lock(&hm->lock);
	nr = slot_of(hm, pfn_of(hm, page));
	if (nr >= 0)
		addr = hm->slot[nr].addr;
	mutex_unlock(&hm->lock);
	return addr;
}

/* This CPU's slots, for the current task; migration must be disabled. */
static struct smm_kmap_local *local_get(struct smm_highmem *hm, unsigned int *cpu)
{
	struct smm_kmap_local *l;

	*cpu = raw_smp_processor_id();
	l = per_cpu_ptr(hm->local, *cpu);
	if (l->owner != current) {
		mutex_lock(&l->lock);
		l->owner = current;
	}
	return l;
}

static void local_put(struct smm_kmap_local *l)
{
	if (!l->depth) {
		l->owner = NULL;
		mutex_unlock(&l->lock);
	}
}

/*
 * Push @nr HighMem pages on this CPU's kmap_local stack, in consecutive
 * slots: one host mapping of them all, virtually contiguous, and a shadow
 * PTE per slot, written once the host mapping exists.  Migration is
 * disabled and @l, this CPU's, belongs to the current task.
 */
static void *kmap_local_push(struct smm_highmem *hm, struct smm_kmap_local *l,
			     unsigned int cpu, struct smm_page **pages, unsigned int nr)
{
	struct page *host[SMM_KM_MAX_IDX];
	unsigned int idx = l->depth, i;
	void *addr;

	if (SMM_WARN_ON(hm->broken, nr > SMM_KM_MAX_IDX - idx))
		return NULL;
	for (i = 0; i < nr; i++) {
		host[i] = smm_arena_pfn_to_host(hm->arena, pfn_of(hm, pages[i]));
		if (!host[i])
			return NULL;
	}
	addr = vm_map_ram(host, nr, NUMA_NO_NODE);
	if (!addr)
		return NULL;
	stat_inc(hm, SMM_KMAP_HOST_MAPS);
	for (i = 0; i < nr; i++) {
		if (shadow_map(hm, SMM_KMAP_LOCAL_ADDR(cpu, idx + i), pfn_of(hm, pages[i]))) {
			while (i--)
				shadow_unmap(hm, SMM_KMAP_LOCAL_ADDR(cpu, idx + i),
					     pfn_of(hm, pages[i]));
			vm_unmap_ram(addr, nr);
			return NULL;
		}
	}
	for (i = 0; i < nr; i++) {
		l->page[idx + i] = pages[i];
		l->addr[idx + i] = addr + ((unsigned long)i << PAGE_SHIFT);
		l->first[idx + i] = idx;
	}
	l->depth += nr;
	stat_add(hm, SMM_KMAP_ATOMIC, nr);
	return addr;
}

/* Map HighMem pages in this CPU's slots; migration stays off if it worked. */
static void *kmap_atomic_high(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr)
{
	struct smm_kmap_local *l;
	unsigned int cpu;
	void *addr;

	if (broken(hm))
		return NULL;
	migrate_disable();
	l = local_get(hm, &cpu);
	addr = kmap_local_push(hm, l, cpu, pages, nr);
	if (!addr) {
		local_put(l);
		migrate_enable();
	}
	return addr;
}

/**
 * smm_kmap_atomic() - map a page in this CPU's next kmap_local slot
 * @hm: the kmap layer
 * @page: the page
 *
 * A low page has its direct-map address and takes no slot.  For a HighMem
 * page, migration stays disabled until the matching smm_kunmap_atomic();
 * mappings nest, and are undone in reverse order.
 *
 * Return: the address, or NULL if the slots are exhausted (a bug: warns
 * and breaks the instance), the host cannot map the page, or the instance
 * is broken.
 * Context: process context; may sleep (see the DOC).
 */
void *smm_kmap_atomic(struct smm_highmem *hm, struct smm_page *page)
{
	might_sleep();
	if (!page_high(page)) {
		stat_inc(hm, SMM_KMAP_LOWMEM);
		return smm_arena_pfn_to_virt(hm->arena, pfn_of(hm, page));
	}
	return kmap_atomic_high(hm, &page, 1);
}

/**
 * smm_kmap_atomic_pages() - map HighMem pages in consecutive kmap_local slots
 * @hm: the kmap layer
 * @pages: the pages, every one HighMem
 * @nr: how many, 1 to %SMM_KM_MAX_IDX
 *
 * As smm_kmap_atomic() for each page in turn, but with one host mapping
 * of them all: page i is at the returned address plus i pages, and at the
 * i-th slot from this CPU's next one in the shadow.  One
 * smm_kunmap_atomic() of the returned address undoes it all.
 *
 * Return: the address of the first page; NULL (counted and reported) for
 * an @nr out of range or a page that is not HighMem; NULL if fewer than
 * @nr slots are free (a bug: warns and breaks the instance), the host
 * cannot map the pages, or the instance is broken.
 * Context: process context; may sleep (see the DOC).
 */
void *smm_kmap_atomic_pages(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr)
{
	unsigned int i;

	might_sleep();
	if (!nr || nr > SMM_KM_MAX_IDX) {
		stat_inc(hm, SMM_KMAP_BAD);
		smm_bad_input("kmap_atomic_pages", "%u pages: 1 to %u at once", nr,
			      SMM_KM_MAX_IDX);
		return NULL;
	}
	for (i = 0; i < nr; i++) {
		if (!page_high(pages[i])) {
			stat_inc(hm, SMM_KMAP_BAD);
			smm_bad_input("kmap_atomic_pages", "page %u, pfn %#lx, is not HighMem", i,
				      pfn_of(hm, pages[i]));
			return NULL;
		}
	}
	return kmap_atomic_high(hm, pages, nr);
}

/**
 * smm_kunmap_atomic() - undo the last smm_kmap_atomic() of this task
 * @hm: the kmap layer
 * @addr: the address it (or smm_kmap_atomic_pages()) returned
 *
 * Every slot of that kmap is cleared, its shadow PTEs first, then the
 * host mapping.
 *
 * Return: 0; -EINVAL (counted and reported, nothing changed) if @addr is
 * not this task's last kmap_atomic on this CPU.
 * Context: process context.
 */
int smm_kunmap_atomic(struct smm_highmem *hm, void *addr)
{
	struct smm_kmap_local *l;
	unsigned long pfn;
	unsigned int cpu, idx, first;

	if (smm_arena_virt_to_pfn(hm->arena, addr, &pfn) &&
	    !page_high(smm_pfn_to_page(hm->arena, pfn)))
		return 0;	/* a low page: nothing was mapped */
	cpu = raw_smp_processor_id();
	l = per_cpu_ptr(hm->local, cpu);
	if (!addr || l->owner != current || !l->depth ||
	    l->addr[l->first[l->depth - 1]] != addr) {
		stat_inc(hm, SMM_KMAP_BAD);
		smm_bad_input("kunmap_atomic",
			      "not the last kmap_atomic of this task on CPU %u", cpu);
		return -EINVAL;
	}
	first = l->first[l->depth - 1];
	for (idx = l->depth; idx-- > first; ) {
		shadow_unmap(hm, SMM_KMAP_LOCAL_ADDR(cpu, idx), pfn_of(hm, l->page[idx]));
		l->page[idx] = NULL;
		l->addr[idx] = NULL;
	}
	vm_unmap_ram(addr, l->depth - first);
	l->depth = first;
	local_put(l);
	migrate_enable();
	return 0;
}

/*
 * The kmap_local slots the current task can still take on this CPU: all
 * of them unless it holds some (then migration is off and the CPU stays).
 */
static unsigned int local_room(struct smm_highmem *hm)
{
	struct smm_kmap_local *l;
	unsigned int room = SMM_KM_MAX_IDX;

	migrate_disable();
	l = per_cpu_ptr(hm->local, raw_smp_processor_id());
	if (READ_ONCE(l->owner) == current)
		room -= l->depth;
	migrate_enable();
	return room;
}

/* Zero HighMem pages through one kmap_atomic of them all. */
static int clear_batch(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr)
{
	void *addr = kmap_atomic_high(hm, pages, nr);
	unsigned int i;

	if (!addr)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		clear_page(addr + ((unsigned long)i << PAGE_SHIFT));
	smm_kunmap_atomic(hm, addr);
	stat_add(hm, SMM_KMAP_CLEARS, nr);
	return 0;
}

/**
 * smm_clear_highpages() - zero pages, the HighMem ones through batched kmaps
 * @hm: the kmap layer
 * @pages: the pages
 * @nr: how many
 *
 * clear_highpage() for each page, with the mapping work batched: the
 * HighMem pages are zeroed up to %SMM_KM_MAX_IDX at a time (as many as
 * this task's free kmap_local slots allow) through one
 * smm_kmap_atomic_pages() each, so that one host mapping serves a batch.
 * A low page is zeroed through its direct map, as clear_highpage() does.
 *
 * Return: 0, or -ENOMEM if a batch could not be mapped; the pages are then
 * not all zeroed, and which are is not said.
 * Context: process context; may sleep.
 */
int smm_clear_highpages(struct smm_highmem *hm, struct smm_page **pages, unsigned int nr)
{
	struct smm_page *batch[SMM_KM_MAX_IDX];
	unsigned int room = max(local_room(hm), 1U), n = 0, i;
	int ret = 0;

	for (i = 0; i < nr && !ret; i++) {
		if (!page_high(pages[i])) {
			clear_page(smm_arena_pfn_to_virt(hm->arena, pfn_of(hm, pages[i])));
			continue;
		}
		batch[n++] = pages[i];
		if (n == room) {
			ret = clear_batch(hm, batch, n);
			n = 0;
		}
	}
	if (n && !ret)
		ret = clear_batch(hm, batch, n);
	return ret;
}

/**
 * smm_clear_highpage() - zero a page through a temporary mapping
 * @hm: the kmap layer
 * @page: the page
 *
 * Return: 0, or -ENOMEM if the page could not be mapped (not zeroed).
 * Context: process context; may sleep.
 */
int smm_clear_highpage(struct smm_highmem *hm, struct smm_page *page)
{
	return smm_clear_highpages(hm, &page, 1);
}

static int buddy_clear_highpage(void *ctx, struct smm_page *page)
{
	return smm_clear_highpage(ctx, page);
}

/* The pinned PTE tables: the pkmap window's, then the kmap_local ones. */
static u64 pinned_va(unsigned int i)
{
	return i ? SMM_KMAP_LOCAL_BASE + ((u64)(i - 1) << SMM_PT_SHIFT_PMD) : SMM_PKMAP_BASE;
}

static unsigned int nr_pinned(unsigned int cpus)
{
	return 1 + DIV_ROUND_UP(cpus * SMM_KM_MAX_IDX, SMM_PT_ENTRIES);
}

static void unpin(struct smm_highmem *hm, unsigned int n)
{
	while (n--)
		smm_pgtable_unpin(hm->pt, pinned_va(n));
}

/* The host memory of the layer; the tables were unpinned. */
static void free_state(struct smm_highmem *hm)
{
	struct smm_arena *a = hm->arena;

	smm_host_kvfree(a, SMM_HOST_KMAP, hm->ptes, nr_pinned(nr_cpu_ids), sizeof(*hm->ptes));
	smm_host_free_percpu(a, SMM_HOST_KMAP, hm->local, sizeof(struct smm_kmap_local));
	smm_host_free_percpu(a, SMM_HOST_KMAP, hm->stats, sizeof(struct smm_kmap_stats));
	hm->ptes = NULL;
	hm->local = NULL;
	hm->stats = NULL;
}

/**
 * smm_highmem_init() - paging_init()'s permanent_kmaps_init() and kmap_init()
 * @hm: the kmap layer
 * @pt: the kernel page tables; their table pages come from whatever source
 *	they have now (bootmem, during the bring-up)
 * @a: the arena
 * @broken: the instance's broken flag
 *
 * The pkmap window's PTE table and the kmap_local (fixmap) slots' tables
 * are made and pinned, as page_table_range_init() made them with
 * alloc_bootmem_low_pages().  The buddy allocator does not exist yet;
 * smm_highmem_attach() joins it once it does.
 *
 * Return: 0, or -ENOMEM.
 * Context: process context.
 */
int smm_highmem_init(struct smm_highmem *hm, struct smm_pgtable *pt, struct smm_arena *a,
		     bool *broken)
{
	unsigned int i, n = nr_pinned(nr_cpu_ids);
	int cpu, ret;

	memset(hm, 0, sizeof(*hm));
	hm->pt = pt;
	hm->arena = a;
	hm->broken = broken;
	mutex_init(&hm->lock);
	init_waitqueue_head(&hm->wait);
	hash_init(hm->hash);
	hm->stats = smm_host_alloc_percpu(a, SMM_HOST_KMAP, sizeof(struct smm_kmap_stats),
					  __alignof__(struct smm_kmap_stats));
	hm->local = smm_host_alloc_percpu(a, SMM_HOST_KMAP, sizeof(struct smm_kmap_local),
					  __alignof__(struct smm_kmap_local));
	if (!hm->stats || !hm->local) {
		ret = -ENOMEM;
		goto err;
	}
	for_each_possible_cpu(cpu)
		mutex_init(&per_cpu_ptr(hm->local, cpu)->lock);
	hm->ptes = smm_host_kvcalloc(a, SMM_HOST_KMAP, n, sizeof(*hm->ptes));
	if (!hm->ptes) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < n; i++) {
		ret = smm_pgtable_pin(pt, pinned_va(i));
		if (ret) {
			unpin(hm, i);
			goto err;
		}
		hm->ptes[i] = smm_pgtable_pte_table(pt, pinned_va(i));
		if (SMM_WARN_ON(broken, !hm->ptes[i])) {
			unpin(hm, i + 1);
			ret = -EIO;
			goto err;
		}
	}
	hm->nr_local_cpus = nr_cpu_ids;
	return 0;

err:
	free_state(hm);
	return ret;
}

/**
 * smm_highmem_attach() - the buddy allocator's HighMem pages are kmapped by us
 * @hm: the kmap layer, set up
 * @b: the buddy allocator; its HighMem pages are zeroed through @hm from now
 *
 * Context: process context, during bring-up, once the zones exist.
 */
void smm_highmem_attach(struct smm_highmem *hm, struct smm_buddy *b)
{
	hm->buddy = b;
	b->clear_ctx = hm;
	/* Pairs with smp_load_acquire() in prep_new_page(): @clear_ctx first. */
	smp_store_release(&b->clear_highpage, buddy_clear_highpage);
}

/**
 * smm_highmem_destroy() - unmap every slot and drop the windows' tables
 * @hm: the kmap layer; nobody may be using it
 *
 * A kmap still held is a caller's bug: warned about, then unmapped anyway.
 * Context: process context.
 */
void smm_highmem_destroy(struct smm_highmem *hm)
{
	unsigned int i;
	int cpu;

	if (!hm->stats)
		return;
	if (hm->buddy)
		WRITE_ONCE(hm->buddy->clear_highpage, NULL);
	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		if (!hm->count[i])
			continue;
		if (WARN_ON_ONCE(hm->count[i] > 1)) {
			hm->count[i] = 1;
			hm->nr_idle++;
		}
	}
	flush_all_zero_pkmaps(hm);
	mutex_unlock(&hm->lock);
	for_each_possible_cpu(cpu)
		WARN_ON_ONCE(per_cpu_ptr(hm->local, cpu)->depth);
	unpin(hm, nr_pinned(hm->nr_local_cpus));
	free_state(hm);
}

/* One slot against the host: its shadow PTE, and what its address maps. */
static int check_slot(struct smm_highmem *hm, struct seq_file *m, u64 va,
		      const struct smm_page *page, const void *addr)
{
	u64 pte = READ_ONCE(*window_pte(hm, va)), want = 0;
	unsigned long hpfn = ~0UL;
	struct page *host;

	if (page) {
		want = smm_mk_pte(pfn_of(hm, page), KMAP_PTE);
		host = addr ? vmalloc_to_page(addr) : NULL;
		if (!host || !smm_arena_host_to_pfn(hm->arena, host, &hpfn))
			hpfn = ~0UL;
		if (pte == want && hpfn == pfn_of(hm, page))
			return 0;
	} else if (!pte) {
		return 0;
	}
	if (m)
		seq_printf(m, "kmap slot %#llx: shadow pte %#llx (want %#llx), host pfn %#lx\n",
			   va, pte, want, hpfn);
	return 1;
}

/* One CPU's kmap_local slots; the caller holds them or their lock. */
static int check_local(struct smm_highmem *hm, struct seq_file *m, unsigned int cpu,
		       struct smm_kmap_local *l)
{
	unsigned int idx;
	int bad = 0;

	for (idx = 0; idx < SMM_KM_MAX_IDX; idx++) {
		bool used = idx < l->depth;

		bad += check_slot(hm, m, SMM_KMAP_LOCAL_ADDR(cpu, idx), used ? l->page[idx] : NULL,
				  used ? l->addr[idx] : NULL);
	}
	return bad;
}

/**
 * smm_kmap_check() - prove the windows' shadow PTEs agree with the host
 * @hm: the kmap layer
 * @m: where to report each disagreement, or NULL
 *
 * smm_vmalloc_check() for the kmap windows.  Every pkmap slot with a count
 * (in use or idle) and every kmap_local slot in use must have a
 * PAGE_KERNEL shadow PTE to its page, and its host address must map that
 * same page (vmalloc_to_page()); every other slot must have no shadow PTE.
 * Another task's kmap_local slots are checked between its kmaps, when it
 * holds none; if the current task holds slots itself, another CPU's slots
 * in use are skipped rather than waited for.
 *
 * Return: the number of disagreements (0 when all agree).
 * Context: process context; sleeps.
 */
int smm_kmap_check(struct smm_highmem *hm, struct seq_file *m)
{
	bool holding = local_room(hm) < SMM_KM_MAX_IDX;
	unsigned int i;
	int bad = 0, cpu;

	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++)
		bad += check_slot(hm, m, SMM_PKMAP_ADDR(i), hm->count[i] ? hm->slot[i].page : NULL,
				  hm->slot[i].addr);
	mutex_unlock(&hm->lock);
	for_each_possible_cpu(cpu) {
		struct smm_kmap_local *l = per_cpu_ptr(hm->local, cpu);

		if (READ_ONCE(l->owner) == current) {
			bad += check_local(hm, m, cpu, l);
		} else if (!holding) {
			mutex_lock(&l->lock);
			bad += check_local(hm, m, cpu, l);
			mutex_unlock(&l->lock);
		} else if (mutex_trylock(&l->lock)) {
			bad += check_local(hm, m, cpu, l);
			mutex_unlock(&l->lock);
		}
	}
	return bad;
}

/**
 * smm_kmap_show() - the ``kmap`` debugfs file
 * @m: the seq_file
 * @hm: the kmap layer
 *
 * The windows, the slots in use, and the counters.
 * Context: process context.
 */
void smm_kmap_show(struct seq_file *m, struct smm_highmem *hm)
{
	unsigned int i, used = 0, idle = 0;
	int cpu, bad;

	seq_printf(m, "pkmap window      %#llx-%#llx, %u slots (LAST_PKMAP)\n",
		   SMM_PKMAP_BASE, SMM_PKMAP_ADDR(SMM_LAST_PKMAP), SMM_LAST_PKMAP);
	seq_printf(m, "kmap_local slots  %#llx-%#llx, %u per CPU, %u CPUs\n",
		   SMM_KMAP_LOCAL_BASE, SMM_KMAP_LOCAL_ADDR(hm->nr_local_cpus, 0),
		   SMM_KM_MAX_IDX, hm->nr_local_cpus);
	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		used += hm->count[i] > 1;
		idle += hm->count[i] == 1;
	}
	seq_printf(m, "slots in use      %u\nslots idle        %u\nslots free        %u\n",
		   used, idle, SMM_LAST_PKMAP - used - idle);
	seq_printf(m, "last_pkmap_nr     %u\n", hm->last_pkmap_nr);
	for (i = 0; i < SMM_KMAP_STAT_NR; i++)
		seq_printf(m, "%-17s %lu\n", stat_names[i], smm_kmap_stat(hm, i));
	seq_puts(m, "slot  address             pfn       count\n");
	for (i = 0; i < SMM_LAST_PKMAP; i++)
		if (hm->count[i])
			seq_printf(m, "%4u  %#llx  %#8lx  %u%s\n", i, SMM_PKMAP_ADDR(i),
				   pfn_of(hm, hm->slot[i].page), hm->count[i],
				   hm->count[i] == 1 ? " (idle)" : "");
	mutex_unlock(&hm->lock);
	for_each_possible_cpu(cpu) {
		unsigned int depth = READ_ONCE(per_cpu_ptr(hm->local, cpu)->depth);

		if (depth)
			seq_printf(m, "cpu %d: %u kmap_local slots in use\n", cpu, depth);
	}
	bad = smm_kmap_check(hm, m);
	seq_printf(m, "check: %s, %d disagreements between the shadow PTEs and the host\n",
		   bad ? "FAIL" : "ok", bad);
}
