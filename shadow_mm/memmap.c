// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm mem_map: the shadow page descriptors.
 */

/**
 * DOC: mem_map
 *
 * Every shadow page has a descriptor, struct smm_page, as every real page
 * has a struct page.  As in SPARSEMEM, the descriptors are kept per section:
 * each section that has memory gets an array sized to its present pages,
 * and a hole costs nothing.  pfn -> descriptor is the section table, then
 * an index (smm_pfn_to_page()).
 *
 * The arrays live inside the arena, like the real mem_map, which
 * sparse_init() places with the early allocator.  Each one is placed with
 * find_e820_area(), first fit, and reserved under the label "MEMMAP"; the
 * arrays pack back to back, so their reservations merge.  A placed array
 * lies inside one usable e820 entry, so inside one host-contiguous run, and
 * the host direct map gives it one linear address.
 *
 * Once every array is placed, each is initialised in one pass, a section at
 * a time, as memmap_init_range() does: each descriptor is written once,
 * whole, with its section and zone numbers (set_page_links()), and its
 * owner.  The result is what the kernel's order of events gives: every page
 * reserved and the firmware's (memmap_init() marks every page PG_reserved),
 * except pages wholly inside usable e820 ranges, which are free, and pages
 * under an early reservation, which are its own.  That order is not
 * replayed page by page: the three sources are sorted, so a forward walk
 * finds each run of pages that share a zone and an owner, and the run is
 * filled from a template (the kernel's deferred init and its
 * mm_zero_struct_page() avoid per-page decisions and memset() the same
 * way).  Holes cost nothing, neither memory nor time.
 */

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "memmap.h"

static const char *const owner_names[] = {
	[SMM_OWNER_FIRMWARE]	= "firmware",
	[SMM_OWNER_EARLY]	= "early",
	[SMM_OWNER_FREE]	= "free",
	[SMM_OWNER_BOOTMEM]	= "bootmem",
	[SMM_OWNER_BUDDY]	= "buddy",
	[SMM_OWNER_PCP]		= "pcp",
	[SMM_OWNER_ALLOC]	= "alloc",
	[SMM_OWNER_SLAB]	= "slab",
	[SMM_OWNER_PGTABLE]	= "pgtable",
};

static_assert(ARRAY_SIZE(owner_names) == SMM_OWNER_NR);

/**
 * smm_owner_name() - name of a page owner
 * @owner: the owner
 *
 * Return: a static string, "?" for an unknown owner.
 */
const char *smm_owner_name(enum smm_owner owner)
{
	return owner < SMM_OWNER_NR ? owner_names[owner] : "?";
}

/*
 * Place one section's array.  First fit from @goal up, as bootmem-era
 * sparse_init() did with alloc_bootmem() (whose goal is above the DMA
 * zone), then from the bottom: the arrays pack back to back and their
 * reservations merge, so the whole mem_map costs one early_res entry per
 * usable range it spans instead of one per section.  Nothing is written
 * yet: init_section() does that, once every array is placed.
 */
static int place_section(struct smm_arena *a, const struct smm_boot_alloc *ba,
			 struct smm_section *s, u64 goal)
{
	const u64 align = __alignof__(struct smm_page);
	u64 size = (u64)s->nr * sizeof(struct smm_page);
	u64 addr;
	void *virt;

	addr = ba->alloc(ba->ctx, size, align, goal);
	if (addr == SMM_EARLY_NOT_FOUND)
		return -ENOMEM;
	virt = smm_arena_pfn_to_virt(a, SMM_PFN_DOWN(addr));
	if (!virt)
		return -EFAULT;
	s->memmap = virt + offset_in_page(addr);
	return 0;
}

/* The early allocator as a boot allocator: first fit from the goal up, then from 0. */
static u64 early_alloc(void *ctx, u64 size, u64 align, u64 goal)
{
	u64 addr = smm_early_alloc(ctx, goal, U64_MAX, size, align, "MEMMAP");

	if (addr == SMM_EARLY_NOT_FOUND)
		addr = smm_early_alloc(ctx, 0, U64_MAX, size, align, "MEMMAP");
	return addr;
}

static bool early_reserved(void *ctx, unsigned int i, u64 *start, u64 *end)
{
	const struct smm_early *e = ctx;

	if (i >= e->nr)
		return false;
	*start = e->res[i].start;
	*end = e->res[i].end;
	return true;
}

/*
 * A forward walk over the three things that decide a descriptor: the zone
 * bounds, the whole pages of usable e820 RAM, and the early reservations
 * (rounded out to pages).  Each is sorted and disjoint, and the PFNs asked
 * for only grow, so each cursor only moves forward: the whole mem_map
 * costs O(sections + entries + reservations) decisions, and the pages
 * themselves only their stores.
 */
struct page_walk {
	const struct smm_e820_table *t;
	const struct smm_boot_alloc *ba;
	const unsigned long *zone_end;
	unsigned int nr_zones;
	unsigned int ti;	/* first e820 entry that can still hold a PFN >= the last */
	unsigned int ri;	/* the same for the reservations */
	unsigned int zone;	/* the zone of the last PFN */
};

static unsigned long ram_start(const struct smm_e820_entry *en)
{
	return SMM_PFN_UP(en->addr);
}

static unsigned long ram_end(const struct smm_e820_entry *en)
{
	return SMM_PFN_DOWN(en->addr + en->size);
}

/*
 * The zone and the owner of @pfn, and the end of the run of PFNs from @pfn
 * that share both: *@end comes in as the limit of the run and goes out
 * lowered to where the zone or the owner changes.  An early reservation
 * wins over usable RAM (memmap_init() reserves everything, then usable RAM
 * is freed, then early_res is reserved again); anything else is the
 * firmware's.
 */
static enum smm_owner walk(struct page_walk *w, unsigned long pfn,
			   unsigned long *end, unsigned int *zone)
{
	const struct smm_e820_entry *en = w->t->entries;
	unsigned long lim = *end;
	u64 rs, re;

	while (w->zone + 1 < w->nr_zones && w->zone_end[w->zone] <= pfn)
		w->zone++;
	if (w->zone + 1 < w->nr_zones)
		lim = min(lim, w->zone_end[w->zone]);
	*zone = w->zone;

	while (w->ba->reserved(w->ba->ctx, w->ri, &rs, &re) && SMM_PFN_UP(re) <= pfn)
		w->ri++;
	if (w->ba->reserved(w->ba->ctx, w->ri, &rs, &re)) {
		if (SMM_PFN_DOWN(rs) <= pfn) {
			*end = min(lim, SMM_PFN_UP(re));
			return SMM_OWNER_EARLY;
		}
		lim = min(lim, SMM_PFN_DOWN(rs));
	}

	/* Entries too small for a whole page end at or before they start. */
	while (w->ti < w->t->nr_entries &&
	       (en[w->ti].type != SMM_E820_RAM || ram_end(&en[w->ti]) <= pfn))
		w->ti++;
	if (w->ti < w->t->nr_entries) {
		if (ram_start(&en[w->ti]) <= pfn) {
			*end = min(lim, ram_end(&en[w->ti]));
			return SMM_OWNER_FREE;
		}
		lim = min(lim, ram_start(&en[w->ti]));
	}
	*end = lim;
	return SMM_OWNER_FIRMWARE;
}

/*
 * __init_single_page() for @nr descriptors that share flags and owner:
 * every field is written once, with five word stores and no read.  The
 * first word (flags, owner, order, refcount) is built once from a
 * template; the rest is zero.  The kernel's mm_zero_struct_page() likewise
 * writes a struct page with word stores instead of memset(), and a
 * byte-wise store of each small field would double the stores.
 */
static_assert(offsetof(struct smm_page, lru) == sizeof(u64));
static_assert(sizeof(struct smm_page) == 5 * sizeof(u64));

static void init_pages(struct smm_page *page, unsigned long nr, u32 flags,
		       enum smm_owner owner)
{
	const struct smm_page tmpl = { .flags = flags, .owner = owner };
	u64 head;

	memcpy(&head, &tmpl, sizeof(head));
	for (; nr; nr--, page++) {
		memcpy(page, &head, sizeof(head));
		page->lru.next = NULL;
		page->lru.prev = NULL;
		page->private = 0;
		page->mapping = NULL;
	}
}

/*
 * One run of descriptors in section @sec: set_page_links() (section and
 * zone), PG_reserved for every owner but the free one, then
 * __init_single_page() for the run.  With @deferred only the first word is
 * written, see smm_memmap_init_range().
 */
static void init_run(struct smm_page *page, unsigned long nr, unsigned long sec,
		     unsigned int zone, enum smm_owner owner, bool deferred)
{
	u32 flags = (sec << SMM_PG_SECTION_SHIFT) | (zone << SMM_PG_ZONE_SHIFT);

	if (owner != SMM_OWNER_FREE || deferred)
		flags |= BIT(SMM_PG_RESERVED);
	if (deferred) {
		const struct smm_page tmpl = { .flags = flags, .owner = SMM_OWNER_FREE };
		u64 head;

		memcpy(&head, &tmpl, sizeof(head));
		for (; nr; nr--, page++)
			memcpy(page, &head, sizeof(head));
		return;
	}
	init_pages(page, nr, flags, owner);
}

/*
 * memmap_init_range() of one section: its present pages, run by run, into
 * @page; counted in @mm->owner_pages.  With @deferred the free runs are
 * only stamped (deferred struct page init), the others initialised.
 */
static void init_section(struct smm_memmap *mm, struct page_walk *w,
			 unsigned long nr, struct smm_section *s, struct smm_page *page,
			 bool deferred)
{
	unsigned long pfn = (nr << SMM_SECTION_ORDER) + s->first;
	unsigned long end = pfn + s->nr;

	while (pfn < end) {
		unsigned long run_end = end;
		unsigned int zone;
		enum smm_owner owner = walk(w, pfn, &run_end, &zone);

		init_run(page, run_end - pfn, nr, zone, owner,
			 deferred && owner == SMM_OWNER_FREE);
		mm->owner_pages[owner] += run_end - pfn;
		page += run_end - pfn;
		pfn = run_end;
	}
}

/**
 * smm_memmap_init_from() - place and initialise the page descriptors
 * @mm: the mem_map to fill
 * @a: the arena; its sections receive their arrays
 * @t: the sanitized e820 map: what is usable RAM
 * @ba: the boot allocator the arrays come from, and whose reservations
 *	the descriptors are initialised as (early_res or memblock.reserved)
 * @goal: passed to @ba, e.g. the end of the DMA zone
 * @zone_end: where each zone ends: zone 0 is [0, @zone_end[0]), zone i is
 *	[@zone_end[i - 1], @zone_end[i]); non-decreasing; pages past the
 *	last end are in the last zone
 * @nr_zones: number of zones and of entries in @zone_end, at most
 *	%SMM_PG_MAX_ZONES; 0 puts every page in zone 0
 * @defer_pfn: deferred struct page init: from this PFN on (a section
 *	boundary) the free pages are only stamped (smm_memmap_init_range()
 *	with @deferred; smm_page_deferred() knows them), the reserved ones
 *	initialised; ULONG_MAX: nothing deferred
 *
 * sparse_init() and memmap_init() in one: every present section gets its
 * array, then each array is initialised in one pass, run by run, as
 * memmap_init_range() does for a zone: the section, the zone, the owner
 * and PG_reserved are decided once per run (where the zone, the e820 map
 * or early_res changes), and each descriptor costs only its stores.
 *
 * Return: 0; -EINVAL for bad zone bounds (nothing is placed); -ENOMEM if
 * the arrays do not fit in usable memory.  On failure no section points at
 * an array (the arena's pages are not touched; the early reservations
 * stay, as at boot).
 * Context: process context.
 */
int smm_memmap_init_from(struct smm_memmap *mm, struct smm_arena *a,
			 const struct smm_e820_table *t, const struct smm_boot_alloc *ba,
			 u64 goal, const unsigned long *zone_end, unsigned int nr_zones,
			 unsigned long defer_pfn)
{
	struct page_walk w = {
		.t = t, .ba = ba, .zone_end = zone_end, .nr_zones = nr_zones,
	};
	unsigned long sec;
	unsigned int i;
	int ret;

	memset(mm, 0, sizeof(*mm));
	mm->arena = a;
	if (nr_zones > SMM_PG_MAX_ZONES || (nr_zones && !zone_end) ||
	    (defer_pfn != ULONG_MAX && (defer_pfn & SMM_SECTION_MASK)))
		return -EINVAL;
	for (i = 1; i < nr_zones; i++)
		if (zone_end[i] < zone_end[i - 1])
			return -EINVAL;

	for (sec = 0; sec < a->nr_sections; sec++) {
		struct smm_section *s = &a->sections[sec];

		if (!s->nr)
			continue;
		ret = place_section(a, ba, s, goal);
		if (ret)
			goto err_place;
		mm->bytes += (unsigned long)s->nr * sizeof(struct smm_page);
		mm->nr_pages += s->nr;
	}
	/* Every array is placed, so the reservations are final: now the descriptors. */
	for (sec = 0; sec < a->nr_sections; sec++)
		if (a->sections[sec].memmap)
			init_section(mm, &w, sec, &a->sections[sec], a->sections[sec].memmap,
				     sec >= defer_pfn >> SMM_SECTION_ORDER);
	return 0;

err_place:
	for (sec = 0; sec < a->nr_sections; sec++)
		a->sections[sec].memmap = NULL;
	mm->bytes = 0;
	mm->nr_pages = 0;
	return ret;
}

/**
 * smm_memmap_init_range() - initialise the descriptors of a PFN range of one zone
 * @a: the arena, its mem_map placed
 * @start: first PFN
 * @end: first PFN past [@start, @end)
 * @zone: the zone of every page in the range (enum smm_zone_type)
 * @owner: the owner of every page in the range
 * @deferred: stamp the range as not yet initialised instead
 *
 * memmap_init_range() for one zone's range with one owner, as
 * smm_memmap_init() does run by run: a section at a time, straight through
 * the section's array, holes skipped.  Every field is written, with
 * PG_reserved for every owner but %SMM_OWNER_FREE.
 *
 * With @deferred, the range is the part of a zone whose initialisation the
 * deferred struct-page init puts off (defer_init()): only the first word
 * of each descriptor is written (section, zone, PG_reserved, owner
 * %SMM_OWNER_FREE), one store a page where a full init costs five, the
 * way CONFIG_DEBUG_VM's page_init_poison() marks a mem_map that nobody
 * initialised yet.  Such a page reads as "usable, not yet handed to the
 * page allocator", and the pair %SMM_OWNER_FREE + PG_reserved, which
 * nothing else produces, tells it apart (smm_page_deferred()).  @owner is
 * ignored.
 *
 * Return: the number of descriptors written.
 * Context: any; the caller keeps others off the range.
 */
unsigned long smm_memmap_init_range(struct smm_arena *a, unsigned long start,
				    unsigned long end, unsigned int zone,
				    enum smm_owner owner, bool deferred)
{
	unsigned long n = 0;

	end = min(end, a->end_pfn);
	while (start < end) {
		unsigned long sec = start >> SMM_SECTION_ORDER;
		struct smm_section *s = &a->sections[sec];
		unsigned long base = sec << SMM_SECTION_ORDER;
		unsigned long lo = max(start, base + s->first);
		unsigned long hi = min(end, base + s->first + s->nr);

		if (s->memmap && lo < hi) {
			init_run(&s->memmap[lo - base - s->first], hi - lo, sec, zone, owner,
				 deferred);
			n += hi - lo;
		}
		start = base + SMM_PAGES_PER_SECTION;
	}
	return n;
}

/**
 * smm_memmap_init() - place and initialise the page descriptors, with early_res
 * @mm: the mem_map to fill
 * @a: the arena; its sections receive their arrays
 * @e: the early allocator, with the sanitized e820 map behind it
 * @goal: lowest address to try first, e.g. the end of the DMA zone; then
 *	from the bottom
 * @zone_end: where each zone ends, as for smm_memmap_init_from()
 * @nr_zones: number of entries in @zone_end
 *
 * The 2.6.29 bring-up: smm_memmap_init_from() with find_e820_area() and
 * reserve_early("MEMMAP") as the boot allocator, nothing deferred.
 *
 * Return: as smm_memmap_init_from().
 * Context: process context.
 */
int smm_memmap_init(struct smm_memmap *mm, struct smm_arena *a,
		    struct smm_early *e, u64 goal, const unsigned long *zone_end,
		    unsigned int nr_zones)
{
	const struct smm_boot_alloc ba = {
		.alloc = early_alloc, .reserved = early_reserved, .ctx = e,
	};

	return smm_memmap_init_from(mm, a, e->e820, &ba, goal, zone_end, nr_zones, ULONG_MAX);
}

/**
 * smm_memmap_bytes() - the bytes a mem_map of the arena takes, packed
 * @a: the arena
 *
 * Each present section's array, aligned as a descriptor, back to back: the
 * size of the buffer sparse_buffer_init() takes in one piece.
 *
 * Return: the bytes.
 */
u64 smm_memmap_bytes(const struct smm_arena *a)
{
	unsigned long sec;
	u64 n = 0;

	for (sec = 0; sec < a->nr_sections; sec++)
		if (a->sections[sec].nr)
			n = ALIGN(n, __alignof__(struct smm_page)) +
			    (u64)a->sections[sec].nr * sizeof(struct smm_page);
	return n;
}

/**
 * smm_memmap_present() - pages with memory behind them in a PFN range
 * @a: the arena
 * @start: first PFN
 * @end: first PFN past [@start, @end)
 *
 * Counted from the section table, O(sections in the range), as a zone's
 * present_pages is from the memory map's ranges.
 *
 * Return: the number of valid PFNs in [@start, @end).
 * Context: any.
 */
unsigned long smm_memmap_present(const struct smm_arena *a, unsigned long start,
				 unsigned long end)
{
	unsigned long n = 0;

	end = min(end, a->end_pfn);
	while (start < end) {
		const struct smm_section *s = smm_arena_section(a, start);
		unsigned long base = start & ~SMM_SECTION_MASK;
		unsigned long lo = max(start, base + s->first);
		unsigned long hi = min(end, base + s->first + s->nr);

		if (lo < hi)
			n += hi - lo;
		start = base + SMM_PAGES_PER_SECTION;
	}
	return n;
}

/* @part of @whole in hundredths of a percent, rounded up. */
static u64 basis_points(u64 part, u64 whole)
{
	return div64_u64(part * 10000 + whole - 1, max(whole, 1ULL));
}

static void show_share(struct seq_file *m, const char *key, u64 bytes, u64 whole)
{
	u64 bp = basis_points(bytes, whole);

	seq_printf(m, "%-18s %llu bytes, %llu.%02llu%% of the arena\n", key, bytes,
		   bp / 100, bp % 100);
}

/**
 * smm_memmap_show() - print the mem_map's cost, the metadata, the owners
 * @m: the seq_file
 * @mm: the mem_map
 *
 * Besides the mem_map itself, two totals, as shares of the arena rounded
 * up to 0.01%: ``metadata_per_page``, everything that grows with the
 * arena's pages (the mem_map, and on the host the arena's chunk, run and
 * section tables), and ``metadata_all``, the
 * mem_map plus every byte the instance keeps on the host.  The bootmem
 * bitmap is not in either: it is freed at the handoff, before this file
 * exists.
 */
void smm_memmap_show(struct seq_file *m, const struct smm_memmap *mm)
{
	const struct smm_arena *a = mm->arena;
	u64 arena_bytes = SMM_PFN_PHYS(a->nr_pages);
	u64 per_page = (u64)mm->bytes + atomic_long_read(&a->host.bytes[SMM_HOST_ARENA]);
	u64 bp = basis_points(mm->bytes, arena_bytes);
	int i;

	seq_printf(m, "memmap_bytes:    %lu\n", mm->bytes);
	seq_printf(m, "memmap_pages:    %lu\n", mm->nr_pages);
	seq_printf(m, "descriptor_size: %zu\n", sizeof(struct smm_page));
	seq_printf(m, "memmap_overhead: %llu.%02llu%%\n", bp / 100, bp % 100);
	show_share(m, "metadata_per_page:", per_page, arena_bytes);
	show_share(m, "metadata_all:", (u64)mm->bytes + smm_host_bytes(a), arena_bytes);
	for (i = 0; i < SMM_OWNER_NR; i++)
		seq_printf(m, "pages_%s: %lu\n", owner_names[i], mm->owner_pages[i]);
}
