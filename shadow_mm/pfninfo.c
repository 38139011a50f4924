// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm pfninfo: what each PFN of an instance is, for people and for
 * the kernel's own tools.
 */

/**
 * DOC: pfninfo
 *
 * One classifier, smm_pfninfo_fill(), says what each PFN of an instance is:
 * its zone, the type of the e820 range that holds it, its owner, the order
 * of the block it belongs to, and a detail (a slab's cache, an early_res
 * label).  Three debugfs files of each instance print its answer:
 *
 * ``pfnmap``
 *	Text, one record per PFN of [0, max_pfn), holes included, after a
 *	header line: ``pfn zone e820 owner order detail`` (see
 *	Documentation/pfn.rst).  For pictures and scripts.
 * ``kpageflags``
 *	/proc/kpageflags: one u64 of KPF_* bits per PFN, read at pfn * 8,
 *	for tools/mm/page-types.
 * ``kpagecount``
 *	/proc/kpagecount: one u64 per PFN, the mapcount of a user page.
 *
 * The classifier works a batch of PFNs at a time, in passes, each under
 * the lock of what it looks at and never two locks at once, so it adds no
 * lock order and is safe while the instance works:
 *
 * 1. Under each zone's lock, a snapshot of every descriptor in the zone's
 *    part of the batch (owner, flags, order, refcount, and mapping as a
 *    value): the free pages and their free-list heads are exact there.
 *    The head of a block that starts before the batch is found under the
 *    same lock, as is_free_buddy_page() finds it.
 * 2. Under the LRU lock, which pages are user pages (%SMM_PG_LRU), their
 *    LRU bits and mapcount, and whether their object is a shared one
 *    (smm_fault_page_shared(): the object cannot go while the page is on
 *    a list).
 * 3. Under the slab allocator's lock, which keeps every cache alive, the
 *    cache of each slab page: the snapshot's mapping is used only if it is
 *    one of the live caches.
 * 4. Under the vmalloc lock, the pages of the live vmalloc areas; under
 *    the kmap lock, the pages in pkmap slots with users; under the RCU
 *    read lock of the swap cache's xarray, the pages in the swap cache.
 *
 * The kmap_local slots are not looked at: a page is in one only inside one
 * task's atomic section.  Each pass sees the page as it is at that pass:
 * a page freed between two passes shows what each pass saw, as
 * /proc/kpageflags does for a page that changes while it is read.
 *
 * Lock order: one at a time, none nested: smm_zone.lock,
 * smm_vmscan.lru_lock, smm_slab.lock, smm_vmalloc.lock, smm_highmem.lock.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel-page-flags.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "fault.h"
#include "pfninfo.h"

static const char *const pfn_owner_names[] = {
	[SMM_PFN_HOLE]		= "hole",
	[SMM_PFN_FIRMWARE]	= "firmware",
	[SMM_PFN_EARLY_RES]	= "early_res",
	[SMM_PFN_MEMMAP]	= "memmap",
	[SMM_PFN_FREE]		= "free",
	[SMM_PFN_BOOTMEM]	= "bootmem",
	[SMM_PFN_BUDDY]		= "buddy",
	[SMM_PFN_PCP]		= "pcp",
	[SMM_PFN_ALLOC]		= "alloc",
	[SMM_PFN_SLAB]		= "slab",
	[SMM_PFN_PGTABLE]	= "pgtable",
	[SMM_PFN_VMALLOC]	= "vmalloc",
	[SMM_PFN_USER]		= "user",
	[SMM_PFN_SWAPCACHE]	= "swapcache",
	[SMM_PFN_KMAP]		= "kmap",
};

static_assert(ARRAY_SIZE(pfn_owner_names) == SMM_PFN_OWNER_NR);

/**
 * smm_pfn_owner_name() - the name ``pfnmap`` prints for an owner
 * @owner: the owner
 *
 * Return: a static string, "?" for an unknown owner.
 */
const char *smm_pfn_owner_name(enum smm_pfn_owner owner)
{
	return owner < SMM_PFN_OWNER_NR ? pfn_owner_names[owner] : "?";
}

/* formats.md's e820 names, without spaces. */
static const char *e820_name(unsigned int type)
{
	switch (type) {
	case SMM_E820_RAM:	return "usable";
	case SMM_E820_RESERVED:	return "reserved";
	case SMM_E820_ACPI:	return "ACPI";
	case SMM_E820_NVS:	return "NVS";
	case SMM_E820_UNUSABLE:	return "unusable";
	}
	return "hole";
}

/**
 * smm_pfninfo_max_pfn() - the end of the span the files describe
 * @inst: the instance
 *
 * Return: max_pfn: the first PFN past the arena's last page.
 */
unsigned long smm_pfninfo_max_pfn(const struct smm_instance *inst)
{
	return inst->arena.end_pfn;
}

/* Copy @src into a detail, whitespace turned to '_'. */
static void set_detail(struct smm_pfninfo *r, const char *src)
{
	char *p;

	strscpy(r->detail, src, sizeof(r->detail));
	for (p = r->detail; *p; p++)
		if (isspace(*p))
			*p = '_';
}

/* ---- pass 1: the descriptors, under the zone locks ---- */

/* One descriptor's snapshot; a hole has none. */
static void snap(const struct smm_arena *a, unsigned long pfn, struct smm_pfninfo *r)
{
	const struct smm_page *page = smm_pfn_to_page(a, pfn);

	if (!page) {
		r->raw_owner = SMM_OWNER_NR;
		return;
	}
	r->raw_owner = READ_ONCE(page->owner);
	r->flags = READ_ONCE(page->flags);
	r->order = READ_ONCE(page->order);
	r->refcount = READ_ONCE(page->refcount);
	r->mapping = (unsigned long)READ_ONCE(page->mapping);
}

/* Owners whose blocks have a head that carries the order. */
static bool block_owner(unsigned int owner)
{
	return owner == SMM_OWNER_BUDDY || owner == SMM_OWNER_ALLOC ||
	       owner == SMM_OWNER_SLAB || owner == SMM_OWNER_PGTABLE;
}

static bool is_head(const struct smm_pfninfo *r)
{
	return r->raw_owner < SMM_OWNER_NR && block_owner(r->raw_owner) &&
	       (r->flags & (BIT(SMM_PG_BUDDY) | BIT(SMM_PG_HEAD)));
}

/*
 * The head of the block that holds @pfn, if it starts below @pfn: the
 * first order o, from 1 up, whose aligned page pfn & ~(2^o - 1) is a head
 * of order >= o, as is_free_buddy_page() looks.  Its snapshot goes to
 * *@head.
 */
static bool find_head(const struct smm_instance *inst, unsigned long pfn,
		      unsigned long *head_pfn, struct smm_pfninfo *head)
{
	unsigned int o;

	for (o = 1; o < inst->buddy.max_order; o++) {
		unsigned long h = pfn & ~((1UL << o) - 1);

		if (h == pfn)
			continue;
		snap(&inst->arena, h, head);
		if (head->raw_owner == SMM_OWNER_NR)
			return false;
		if (is_head(head) && (u8)head->order >= o) {
			*head_pfn = h;
			return true;
		}
	}
	return false;
}

/*
 * The snapshots of [@pfn, @pfn + @nr), each zone's part under its lock,
 * and the head of the block the first page is in, under the first page's
 * zone lock.
 */
static void snap_batch(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		       struct smm_pfninfo *out, unsigned long *head_pfn,
		       struct smm_pfninfo *head, bool *have_head)
{
	const struct smm_arena *a = &inst->arena;
	unsigned long end = pfn + nr, p;
	unsigned int i;

	*have_head = false;
	for (i = 0; i < nr; i++)
		out[i].raw_owner = U8_MAX;	/* not yet seen */
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &inst->buddy.zones[i];
		unsigned long lo = max(pfn, z->zone_start_pfn);
		unsigned long hi = min(end, z->zone_start_pfn + z->spanned_pages);

		if (lo >= hi)
			continue;
		spin_lock(&z->lock);
		for (p = lo; p < hi; p++)
			snap(a, p, &out[p - pfn]);
		if (lo == pfn)
			*have_head = find_head(inst, pfn, head_pfn, head);
		spin_unlock(&z->lock);
	}
	/* PFNs no zone spans: holes and firmware ranges at the ends. */
	for (i = 0; i < nr; i++)
		if (out[i].raw_owner == U8_MAX)
			snap(a, pfn + i, &out[i]);
}

/* The block order of each page, from its head: on every page of the block. */
static void set_blocks(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		       struct smm_pfninfo *out, unsigned long head_pfn,
		       const struct smm_pfninfo *head, bool have_head)
{
	unsigned long blk_end = 0;
	unsigned int blk_owner = SMM_OWNER_NR, i;
	bool blk_large = false;
	int blk_order = -1;

	if (have_head) {
		blk_end = head_pfn + (1UL << (u8)head->order);
		blk_order = (u8)head->order;
		blk_owner = head->raw_owner;
		blk_large = head->flags & BIT(SMM_PG_LARGE_KMALLOC);
	}
	for (i = 0; i < nr; i++) {
		struct smm_pfninfo *r = &out[i];

		if (is_head(r)) {
			blk_order = (u8)r->order;
			blk_end = pfn + i + (1UL << blk_order);
			blk_owner = r->raw_owner;
			blk_large = r->flags & BIT(SMM_PG_LARGE_KMALLOC);
			r->block_head = true;
		}
		r->in_block = pfn + i < blk_end && r->raw_owner == blk_owner;
		r->order = r->in_block ? blk_order : -1;
		r->large_kmalloc = r->in_block && blk_large;
	}
}

/* ---- passes 2 to 4: the layers above the buddy allocator ---- */

/* User pages are the pages on the LRU lists; their bits and mapcount. */
static void mark_user(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		      struct smm_pfninfo *out)
{
	struct smm_vmscan *vs = &inst->vmscan;
	unsigned int i;

	spin_lock(&vs->lru_lock);
	for (i = 0; i < nr; i++) {
		const struct smm_page *page;
		u32 flags;

		if (out[i].raw_owner != SMM_OWNER_ALLOC)
			continue;
		page = smm_pfn_to_page(&inst->arena, pfn + i);
		flags = READ_ONCE(page->flags);
		if (!(flags & BIT(SMM_PG_LRU)))
			continue;
		out[i].user = true;
		out[i].shared = smm_fault_page_shared(vs, page);
		out[i].flags = flags;
		out[i].refcount = READ_ONCE(page->refcount);
	}
	spin_unlock(&vs->lru_lock);
}

/* Is @p one of the live caches?  Under sa->lock. */
static const struct smm_kmem_cache *live_cache(struct smm_slab *sa, unsigned long p)
{
	const struct smm_kmem_cache *s;

	lockdep_assert_held(&sa->lock);
	if (p == (unsigned long)&sa->cache_cache)
		return &sa->cache_cache;
	list_for_each_entry(s, &sa->caches, node)
		if ((unsigned long)s == p)
			return s;
	return NULL;
}

/* The cache of each slab page, from its snapshot's mapping, if still a cache. */
static void name_slabs(struct smm_instance *inst, unsigned int nr, struct smm_pfninfo *out)
{
	struct smm_slab *sa = &inst->slab;
	const struct smm_kmem_cache *s;
	unsigned long last = 0;
	unsigned int i;

	mutex_lock(&sa->lock);
	for (i = 0; i < nr; i++) {
		struct smm_pfninfo *r = &out[i];

		if (r->raw_owner != SMM_OWNER_SLAB)
			continue;
		if (r->large_kmalloc) {
			set_detail(r, "kmalloc-large");
			continue;
		}
		if (!r->mapping) {
			/* SLOB's shared pages serve every small request. */
			set_detail(r, sa->strategy == SMM_SLAB_SLOB ? "slob" : "-");
			continue;
		}
		if (r->mapping != last) {
			s = live_cache(sa, r->mapping);
			last = s ? r->mapping : 0;
		}
		set_detail(r, last ? s->name : "-");
	}
	mutex_unlock(&sa->lock);
}

/* The record of @page in @out, which starts at @pfn, or NULL if it is not there. */
static struct smm_pfninfo *rec_of(const struct smm_instance *inst, const struct smm_page *page,
				  unsigned long pfn, unsigned int nr, struct smm_pfninfo *out)
{
	unsigned long p = smm_page_to_pfn(&inst->arena, page);

	return p - pfn < nr ? &out[p - pfn] : NULL;
}

static void mark_vmalloc(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
			 struct smm_pfninfo *out)
{
	struct smm_vmalloc *vm = &inst->vm;
	struct smm_vmap_area *va;
	struct smm_pfninfo *r;
	unsigned int n;

	mutex_lock(&vm->lock);
	list_for_each_entry(va, &vm->busy_list, list) {
		if (!va->owned || !va->pages)
			continue;
		for (n = 0; n < va->nr_pages; n++) {
			r = rec_of(inst, va->pages[n], pfn, nr, out);
			if (r)
				r->vmalloc = true;
		}
	}
	mutex_unlock(&vm->lock);
}

/* Pages in a pkmap slot that has users (pkmap_count > 1). */
static void mark_kmap(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		      struct smm_pfninfo *out)
{
	struct smm_highmem *hm = &inst->hm;
	struct smm_pfninfo *r;
	unsigned int i;

	mutex_lock(&hm->lock);
	for (i = 0; i < SMM_LAST_PKMAP; i++) {
		r = hm->count[i] > 1 && hm->slot[i].page ?
		    rec_of(inst, hm->slot[i].page, pfn, nr, out) : NULL;
		if (r)
			r->kmap = true;
	}
	mutex_unlock(&hm->lock);
}

static void mark_swapcache(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
			   struct smm_pfninfo *out)
{
	struct smm_pfninfo *r;
	struct smm_page *page;
	unsigned long slot;

	/* xa_for_each() holds the RCU read lock; descriptors never go away. */
	xa_for_each(&inst->swap.cache, slot, page) {
		r = rec_of(inst, page, pfn, nr, out);
		if (r)
			r->swapcache = true;
	}
}

/* ---- the verdict ---- */

/* The early_res label of @pfn; under no lock: early_res is read-only now. */
static const char *early_label(const struct smm_early *e, unsigned long pfn)
{
	u64 addr = SMM_PFN_PHYS(pfn);
	unsigned int i;

	for (i = 0; i < e->nr; i++)
		if (addr + SMM_PAGE_SIZE > e->res[i].start && addr < e->res[i].end)
			return e->res[i].name;
	return NULL;
}

/*
 * The e820 type of a page: the largest type of the ranges it overlaps (a
 * reserved kind wins over RAM, as on overlap), 0 if none.  *@ti is a
 * cursor that only moves forward over the sorted, disjoint entries.
 */
static unsigned int e820_type(const struct smm_e820_table *t, unsigned long pfn,
			      unsigned int *ti)
{
	u64 start = SMM_PFN_PHYS(pfn), end = start + SMM_PAGE_SIZE;
	unsigned int i, type = 0;

	while (*ti < t->nr_entries &&
	       t->entries[*ti].addr + t->entries[*ti].size <= start)
		(*ti)++;
	for (i = *ti; i < t->nr_entries && t->entries[i].addr < end; i++)
		type = max_t(unsigned int, type, t->entries[i].type);
	return type;
}

/*
 * stable_page_flags() (fs/proc/page.c) of our descriptor.  BUDDY on every
 * page of a free block, as is_free_buddy_page() gives it to the pages
 * after the head; SLAB on every page of a slab (folio_test_slab() of the
 * folio) but not on a large kmalloc, which is a plain compound page;
 * COMPOUND_HEAD/TAIL on slabs and large kmallocs of order > 0, the only
 * compound pages we have (a plain alloc_pages() without __GFP_COMP is not
 * one); a user page is swap-backed, anonymous unless its object is a
 * MAP_SHARED one (whose pages are shmem in the kernel: file pages with
 * PG_swapbacked, folio_test_anon() false), mapped when its mapcount is,
 * with its LRU bits, and up to date: the kernel marks every anonymous
 * and shmem page so before it maps it (__folio_mark_uptodate() in
 * do_anonymous_page() and wp_page_copy(), folio_mark_uptodate() when
 * swap_read_folio() has read it), and ours are filled before they are
 * mapped too (zeroed, copied, or read from the slot).
 */
static u64 kpf_of(const struct smm_pfninfo *r)
{
	u64 u = 0;

	if (r->raw_owner == SMM_OWNER_NR)
		return BIT_ULL(KPF_NOPAGE);
	if (r->flags & BIT(SMM_PG_RESERVED))
		u |= BIT_ULL(KPF_RESERVED);
	switch (r->raw_owner) {
	case SMM_OWNER_BUDDY:
		u |= BIT_ULL(KPF_BUDDY);
		break;
	case SMM_OWNER_SLAB:
		if (!r->large_kmalloc)
			u |= BIT_ULL(KPF_SLAB);
		if (r->in_block && r->order > 0)
			u |= BIT_ULL(r->block_head ? KPF_COMPOUND_HEAD : KPF_COMPOUND_TAIL);
		break;
	case SMM_OWNER_PGTABLE:
		u |= BIT_ULL(KPF_PGTABLE);
		break;
	}
	if (r->user) {
		u |= BIT_ULL(KPF_SWAPBACKED) | BIT_ULL(KPF_UPTODATE);
		if (!r->shared)
			u |= BIT_ULL(KPF_ANON);
		if (r->refcount)
			u |= BIT_ULL(KPF_MMAP);
		if (r->flags & BIT(SMM_PG_LRU))
			u |= BIT_ULL(KPF_LRU);
		if (r->flags & BIT(SMM_PG_ACTIVE))
			u |= BIT_ULL(KPF_ACTIVE);
		if (r->flags & BIT(SMM_PG_REFERENCED))
			u |= BIT_ULL(KPF_REFERENCED);
	}
	/*
	 * ANON, if any, comes from the user record: only a private object's
	 * pages enter the swap cache (a shared object keeps a swapped page's
	 * slot itself, and its swap-in reads straight into the object, as
	 * shmem's does), and a shared one's would be SWAPCACHE and SWAPBACKED
	 * without ANON, as shmem's are.
	 */
	if (r->swapcache)
		u |= BIT_ULL(KPF_SWAPCACHE) | BIT_ULL(KPF_SWAPBACKED) | BIT_ULL(KPF_UPTODATE);
	return u;
}

static enum smm_pfn_owner owner_of(const struct smm_instance *inst, unsigned long pfn,
				   struct smm_pfninfo *r, bool detail)
{
	const char *label;

	switch (r->raw_owner) {
	case SMM_OWNER_FIRMWARE:
		/* Memory behind it, but no e820 range: the ISA hole, say. */
		return r->e820 ? SMM_PFN_FIRMWARE : SMM_PFN_HOLE;
	case SMM_OWNER_EARLY:
		label = early_label(&inst->early, pfn);
		if (label && !strcmp(label, "MEMMAP"))
			return SMM_PFN_MEMMAP;
		if (detail && label)
			set_detail(r, label);
		return SMM_PFN_EARLY_RES;
	case SMM_OWNER_FREE:
		return SMM_PFN_FREE;
	case SMM_OWNER_BOOTMEM:
		return SMM_PFN_BOOTMEM;
	case SMM_OWNER_BUDDY:
		return SMM_PFN_BUDDY;
	case SMM_OWNER_PCP:
		return SMM_PFN_PCP;
	case SMM_OWNER_SLAB:
		return SMM_PFN_SLAB;
	case SMM_OWNER_PGTABLE:
		return SMM_PFN_PGTABLE;
	case SMM_OWNER_ALLOC:
		/* The swap cache before the mapping: it is the rarer state. */
		if (r->swapcache)
			return SMM_PFN_SWAPCACHE;
		if (r->user)
			return SMM_PFN_USER;
		if (r->vmalloc)
			return SMM_PFN_VMALLOC;
		if (r->kmap)
			return SMM_PFN_KMAP;
		return SMM_PFN_ALLOC;
	}
	return SMM_PFN_HOLE;
}

/**
 * smm_pfninfo_fill() - classify a run of PFNs
 * @inst: a complete instance
 * @pfn: first PFN
 * @nr: PFNs, at most %SMM_PFNINFO_BATCH; [@pfn, @pfn + @nr) must lie in
 *	[0, smm_pfninfo_max_pfn())
 * @out: @nr records
 * @detail: fill &smm_pfninfo.detail (the slab pass, the labels); without
 *	it only what kpageflags and kpagecount need
 *
 * See "DOC: pfninfo" for the passes and their locks.
 *
 * Context: process context; takes spinlocks and mutexes one at a time, so
 * it sleeps.
 */
void smm_pfninfo_fill(struct smm_instance *inst, unsigned long pfn, unsigned int nr,
		      struct smm_pfninfo *out, bool detail)
{
	struct smm_pfninfo head;
	unsigned long head_pfn = 0;
	unsigned int i, ti = 0;
	bool have_head;

	memset(out, 0, nr * sizeof(*out));
	snap_batch(inst, pfn, nr, out, &head_pfn, &head, &have_head);
	set_blocks(inst, pfn, nr, out, head_pfn, &head, have_head);
	mark_user(inst, pfn, nr, out);
	mark_swapcache(inst, pfn, nr, out);
	if (detail) {
		name_slabs(inst, nr, out);
		mark_vmalloc(inst, pfn, nr, out);
		mark_kmap(inst, pfn, nr, out);
	}
	for (i = 0; i < nr; i++) {
		struct smm_pfninfo *r = &out[i];

		r->e820 = e820_type(&inst->e820, pfn + i, &ti);
		r->owner = owner_of(inst, pfn + i, r, detail);
		r->kpf = kpf_of(r);
		r->count = r->user ? r->refcount : 0;
		r->zone = r->raw_owner == SMM_OWNER_NR ? SMM_NR_ZONES :
			  (r->flags >> SMM_PG_ZONE_SHIFT) & SMM_PG_ZONE_MASK;
	}
}

/**
 * smm_pfnmap_format() - one ``pfnmap`` record
 * @buf: where the line goes, with its newline
 * @len: size of @buf, at least %SMM_PFNMAP_LINE_LEN
 * @inst: the instance, for its zone names
 * @pfn: the PFN
 * @r: its record, from smm_pfninfo_fill() with details
 *
 * ``pfn zone e820 owner order detail``, as Documentation/pfn.rst has it.
 *
 * Return: the length of the line, as scnprintf().
 */
int smm_pfnmap_format(char *buf, size_t len, const struct smm_instance *inst,
		      unsigned long pfn, const struct smm_pfninfo *r)
{
	const char *zone = r->zone < SMM_NR_ZONES ? inst->buddy.zones[r->zone].name : "-";
	char order[8] = "-";

	if (r->order >= 0)
		snprintf(order, sizeof(order), "%d", r->order);
	return scnprintf(buf, len, "%#lx %s %s %s %s %s\n", pfn, zone, e820_name(r->e820),
			 smm_pfn_owner_name(r->owner), order, r->detail[0] ? r->detail : "-");
}

/* ---- pfnmap: a seq_file, one record per ->show, a batch classified at a time ---- */

/**
 * struct pfnmap_iter - the state of one open ``pfnmap``
 * @inst: the instance
 * @base: first PFN of @recs
 * @nr: records in @recs; 0 before the first batch
 * @recs: the batch
 */
struct pfnmap_iter {
	struct smm_instance *inst;
	unsigned long base;
	unsigned int nr;
	struct smm_pfninfo recs[SMM_PFNINFO_BATCH];
};

/* Position 0 is the header; position p > 0 is PFN p - 1. */
static void *pfnmap_at(struct pfnmap_iter *it, loff_t pos)
{
	unsigned long max = smm_pfninfo_max_pfn(it->inst), pfn;

	if (!pos)
		return SEQ_START_TOKEN;
	if (pos - 1 >= max)
		return NULL;
	pfn = pos - 1;
	if (!it->nr || pfn < it->base || pfn >= it->base + it->nr) {
		it->base = pfn;
		it->nr = min_t(unsigned long, SMM_PFNINFO_BATCH, max - pfn);
		smm_pfninfo_fill(it->inst, pfn, it->nr, it->recs, true);
	}
	return &it->recs[pfn - it->base];
}

static void *pfnmap_start(struct seq_file *m, loff_t *pos)
{
	return pfnmap_at(m->private, *pos);
}

static void *pfnmap_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return pfnmap_at(m->private, *pos);
}

static void pfnmap_stop(struct seq_file *m, void *v)
{
}

static int pfnmap_show(struct seq_file *m, void *v)
{
	struct pfnmap_iter *it = m->private;
	const struct smm_pfninfo *r = v;
	char line[SMM_PFNMAP_LINE_LEN];

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# pfn zone e820 owner order detail\n");
		return 0;
	}
	smm_pfnmap_format(line, sizeof(line), it->inst, it->base + (r - it->recs), r);
	seq_puts(m, line);
	return 0;
}

static const struct seq_operations pfnmap_sops = {
	.start	= pfnmap_start,
	.next	= pfnmap_next,
	.stop	= pfnmap_stop,
	.show	= pfnmap_show,
};

static int pfnmap_open(struct inode *inode, struct file *file)
{
	struct pfnmap_iter *it = __seq_open_private(file, &pfnmap_sops, sizeof(*it));

	if (!it)
		return -ENOMEM;
	it->inst = inode->i_private;
	return 0;
}

static const struct file_operations pfnmap_fops = {
	.owner		= THIS_MODULE,
	.open		= pfnmap_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release_private,
};

/* ---- kpageflags and kpagecount: fs/proc/page.c's reads ---- */

/**
 * smm_kpage_range() - the PFNs a read of kpageflags or kpagecount covers
 * @inst: the instance
 * @pos: the file offset
 * @count: bytes asked for
 * @pfn: the first PFN
 * @nr: PFNs to give, 0 at or past the end
 *
 * As kpageflags_read(): an offset or a size that is not a multiple of 8
 * is -EINVAL, and a read past max_pfn is cut short.
 *
 * Return: 0, or -EINVAL.
 */
int smm_kpage_range(const struct smm_instance *inst, loff_t pos, size_t count,
		    unsigned long *pfn, unsigned long *nr)
{
	unsigned long max = smm_pfninfo_max_pfn(inst);

	*pfn = 0;
	*nr = 0;
	if (pos < 0 || (pos & (sizeof(u64) - 1)) || (count & (sizeof(u64) - 1)))
		return -EINVAL;
	if (pos / sizeof(u64) >= max)
		return 0;
	*pfn = pos / sizeof(u64);
	*nr = min_t(unsigned long, count / sizeof(u64), max - *pfn);
	return 0;
}

static ssize_t kpage_read(struct file *file, char __user *buf, size_t count, loff_t *ppos,
			  bool flags)
{
	struct smm_instance *inst = file_inode(file)->i_private;
	struct smm_pfninfo *recs;
	u64 *words;
	unsigned long pfn, nr, done = 0;
	ssize_t ret;
	unsigned int i, n;

	ret = smm_kpage_range(inst, *ppos, count, &pfn, &nr);
	if (ret || !nr)
		return ret;
	recs = kvmalloc_array(SMM_PFNINFO_BATCH, sizeof(*recs), GFP_KERNEL);
	words = kmalloc_array(SMM_PFNINFO_BATCH, sizeof(*words), GFP_KERNEL);
	if (!recs || !words) {
		ret = -ENOMEM;
		goto out;
	}
	while (done < nr) {
		n = min_t(unsigned long, SMM_PFNINFO_BATCH, nr - done);
		smm_pfninfo_fill(inst, pfn + done, n, recs, false);
		for (i = 0; i < n; i++)
			words[i] = flags ? recs[i].kpf : recs[i].count;
		if (copy_to_user(buf + done * sizeof(u64), words, n * sizeof(u64))) {
			ret = -EFAULT;
			break;
		}
		done += n;
		cond_resched();
	}
	*ppos += done * sizeof(u64);
	if (done)
		ret = done * sizeof(u64);
out:
	kfree(words);
	kvfree(recs);
	return ret;
}

static ssize_t kpageflags_read(struct file *file, char __user *buf, size_t count,
			       loff_t *ppos)
{
	return kpage_read(file, buf, count, ppos, true);
}

static ssize_t kpagecount_read(struct file *file, char __user *buf, size_t count,
			       loff_t *ppos)
{
	return kpage_read(file, buf, count, ppos, false);
}

static const struct file_operations kpageflags_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.read		= kpageflags_read,
	.llseek		= default_llseek,
};

static const struct file_operations kpagecount_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.read		= kpagecount_read,
	.llseek		= default_llseek,
};

/**
 * smm_pfninfo_debugfs() - create ``pfnmap``, ``kpageflags`` and ``kpagecount``
 * @inst: the complete instance
 * @dir: its debugfs directory
 *
 * Context: process context.
 */
void smm_pfninfo_debugfs(struct smm_instance *inst, struct dentry *dir)
{
	debugfs_create_file("pfnmap", 0400, dir, inst, &pfnmap_fops);
	debugfs_create_file("kpageflags", 0400, dir, inst, &kpageflags_fops);
	debugfs_create_file("kpagecount", 0400, dir, inst, &kpagecount_fops);
}
