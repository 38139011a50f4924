// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm arena: the real memory a shadow instance runs on.
 */

/**
 * DOC: arena
 *
 * The arena plays the role of the machine's RAM.  Its pages are taken from
 * the running kernel in one of two ways: with alloc_contig_range() over a
 * ZONE_MOVABLE range (boot the host with ``movablecore=`` to have one), which
 * gives a single contiguous block, or as alloc_pages() chunks, by default of
 * the largest order (MAX_PAGE_ORDER, 4 MiB).
 *
 * The chunks are sorted by host PFN and chunks that touch on the host are
 * merged into *runs*.  The runs are then laid out in a shadow physical
 * address space that starts at 0.  Each run starts on a *section* boundary
 * (a section is one max-order block, as in SPARSEMEM), and a gap between two
 * runs on the host becomes a hole of one to %SMM_MAX_HOLE_SECTIONS sections
 * in the shadow space, so the synthetic e820 map has holes where the host's
 * memory has them.
 *
 * A shadow PFN converts to its host page in O(1) through the section table
 * (the section's host base plus the offset), and a host page converts back
 * in O(log runs) by a binary search of the runs.
 *
 * Every page goes back to the host in smm_arena_destroy() and on every
 * failed path of smm_arena_init().
 */

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "arena.h"

static const char *const source_names[] = {
	[SMM_ARENA_AUTO]	= "auto",
	[SMM_ARENA_CONTIG]	= "contig",
	[SMM_ARENA_CHUNKS]	= "chunks",
};

static_assert(ARRAY_SIZE(source_names) == SMM_ARENA_SOURCE_NR);

/**
 * smm_arena_source_name() - name of an arena source
 * @source: the source
 *
 * Return: "auto", "contig", "chunks" or "?".
 */
const char *smm_arena_source_name(enum smm_arena_source source)
{
	return source < SMM_ARENA_SOURCE_NR ? source_names[source] : "?";
}

/**
 * smm_arena_parse_source() - parse the ``arena_source`` parameter
 * @s: "auto", "contig" or "chunks" (a trailing newline is ignored)
 * @out: where to store the result
 *
 * Return: 0, or -EINVAL if @s is none of the names.
 */
int smm_arena_parse_source(const char *s, enum smm_arena_source *out)
{
	int i = sysfs_match_string(source_names, s);

	if (i < 0)
		return -EINVAL;
	*out = i;
	return 0;
}

static int cmp_chunk(const void *a, const void *b)
{
	const struct smm_chunk *x = a, *y = b;

	if (x->host_pfn != y->host_pfn)
		return x->host_pfn < y->host_pfn ? -1 : 1;
	return 0;
}

static void release_chunks(struct smm_arena *a)
{
	unsigned int i;

	for (i = 0; i < a->nr_chunks; i++) {
		const struct smm_chunk *c = &a->chunks[i];

#ifdef CONFIG_CONTIG_ALLOC
		if (a->source == SMM_ARENA_CONTIG) {
			free_contig_range(c->host_pfn, 1UL << c->order);
			continue;
		}
#endif
		__free_pages(pfn_to_page(c->host_pfn), c->order);
		if (!(i % 64))
			cond_resched();
	}
	a->nr_chunks = 0;
}

/*
 * Take @nr_pages as chunks of at most 2^@order pages.  The tail that does
 * not fill a whole chunk is taken in the largest smaller orders, so the
 * arena has exactly the size asked for.  __GFP_RETRY_MAYFAIL: try hard,
 * compact if need be, but fail rather than call the OOM killer.
 */
static int get_chunks(struct smm_arena *a, unsigned long nr_pages,
		      unsigned int order)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	unsigned long left = nr_pages, max;

	max = (nr_pages >> order) + order + 1;
	a->chunks = smm_host_kvcalloc(a, SMM_HOST_ARENA, max, sizeof(*a->chunks));
	if (!a->chunks)
		return -ENOMEM;
	a->max_chunks = max;

	a->source = SMM_ARENA_CHUNKS;
	a->chunk_order = order;
	while (left) {
		unsigned int o = min_t(unsigned int, order, ilog2(left));
		struct page *page = alloc_pages(gfp, o);

		if (!page) {
			release_chunks(a);
			return -ENOMEM;
		}
		a->chunks[a->nr_chunks].host_pfn = page_to_pfn(page);
		a->chunks[a->nr_chunks].order = o;
		a->nr_chunks++;
		left -= 1UL << o;
		cond_resched();
	}
	return 0;
}

#ifdef CONFIG_CONTIG_ALLOC
/* How many windows of a movable zone to try before giving up. */
#define CONTIG_TRIES	16

/*
 * Describe the contiguous host range [@pfn, @pfn + @nr) as naturally aligned
 * power-of-two chunks, so that the rest of the arena code need not care how
 * the memory was obtained.
 */
static void contig_to_chunks(struct smm_arena *a, unsigned long pfn,
			     unsigned long nr)
{
	while (nr) {
		unsigned int o = min3((unsigned int)MAX_PAGE_ORDER,
				      (unsigned int)__ffs(pfn | BIT(MAX_PAGE_ORDER)),
				      (unsigned int)ilog2(nr));

		a->chunks[a->nr_chunks].host_pfn = pfn;
		a->chunks[a->nr_chunks].order = o;
		a->nr_chunks++;
		pfn += 1UL << o;
		nr -= 1UL << o;
	}
}

/*
 * Like pfn_range_valid_contig(): a window is worth trying only if every page
 * is free or could be migrated.  An in-use page that is not on the LRU (an
 * arena of another instance, say) would make alloc_contig_range() fail.
 */
static bool window_usable(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		struct page *page = pfn_to_online_page(pfn + i);

		if (!page || PageReserved(page) ||
		    (page_count(page) && !PageLRU(page)))
			return false;
	}
	return true;
}

static int get_contig(struct smm_arena *a, unsigned long nr_pages)
{
	const unsigned long align = 1UL << MAX_PAGE_ORDER;
	int nid, tries = 0, ret = -ENODEV;

	a->max_chunks = (nr_pages >> MAX_PAGE_ORDER) + 2 * (MAX_PAGE_ORDER + 1);
	a->chunks = smm_host_kvcalloc(a, SMM_HOST_ARENA, a->max_chunks, sizeof(*a->chunks));
	if (!a->chunks)
		return -ENOMEM;

	for_each_online_node(nid) {
		struct zone *z = &NODE_DATA(nid)->node_zones[ZONE_MOVABLE];
		unsigned long pfn, end;

		if (!populated_zone(z))
			continue;
		end = zone_end_pfn(z);
		for (pfn = ALIGN(z->zone_start_pfn, align);
		     pfn + nr_pages <= end && tries < CONTIG_TRIES;
		     pfn += ALIGN(nr_pages, align), tries++) {
			if (!window_usable(pfn, nr_pages)) {
				tries--;	/* only real attempts count */
				continue;
			}
			ret = smm_compat_alloc_contig_range(pfn, pfn + nr_pages,
							    GFP_KERNEL | __GFP_NOWARN);
			if (!ret) {
				a->source = SMM_ARENA_CONTIG;
				a->chunk_order = MAX_PAGE_ORDER;
				contig_to_chunks(a, pfn, nr_pages);
				return 0;
			}
			cond_resched();
		}
		if (pfn + nr_pages > end && ret == -ENODEV)
			ret = -ENOMEM;	/* a movable zone, but too small */
	}
	smm_host_kvfree(a, SMM_HOST_ARENA, a->chunks, a->max_chunks, sizeof(*a->chunks));
	a->chunks = NULL;
	return ret == -ENODEV ? -ENODEV : -ENOMEM;
}
#else
static int get_contig(struct smm_arena *a, unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * smm_arena_layout() - lay the chunks out in the shadow physical space
 * @a: an arena whose @chunks and @nr_chunks are set; nothing else is read
 *
 * Sorts the chunks by host PFN, merges host-adjacent ones into runs, places
 * each run on a section boundary after a hole that reflects the host gap,
 * and fills the section table.  Sets @nr_pages, @runs, @sections and
 * @end_pfn.  Never touches the pages themselves, so tests can feed it made-up
 * host PFNs.
 *
 * Return: 0, -EINVAL for an empty chunk list, -E2BIG if the space has more
 * than %SMM_ARENA_MAX_SECTIONS sections, or -ENOMEM.  On failure the
 * chunk table is left to the caller, whose pages it lists.
 * Context: process context; sleeps.
 */
int smm_arena_layout(struct smm_arena *a)
{
	unsigned long nr_pages = 0, sec;
	unsigned int i, r;
	int ret;

	if (!a->nr_chunks)
		return -EINVAL;
	sort(a->chunks, a->nr_chunks, sizeof(*a->chunks), cmp_chunk, NULL);

	a->max_runs = a->nr_chunks;
	a->runs = smm_host_kvcalloc(a, SMM_HOST_ARENA, a->max_runs, sizeof(*a->runs));
	if (!a->runs)
		return -ENOMEM;

	/* Merge chunks that touch on the host into runs. */
	a->nr_runs = 0;
	for (i = 0; i < a->nr_chunks; i++) {
		const struct smm_chunk *c = &a->chunks[i];
		struct smm_run *last = a->nr_runs ? &a->runs[a->nr_runs - 1] : NULL;
		unsigned long n = 1UL << c->order;

		nr_pages += n;
		if (last && c->host_pfn == last->host_pfn + last->nr_pages) {
			last->nr_pages += n;
			continue;
		}
		a->runs[a->nr_runs].host_pfn = c->host_pfn;
		a->runs[a->nr_runs].nr_pages = n;
		a->nr_runs++;
	}

	/*
	 * Place them: the first at PFN 0, each next one on a section boundary
	 * after a hole of whole sections that stands for the host gap.
	 */
	for (r = 1; r < a->nr_runs; r++) {
		const struct smm_run *prev = &a->runs[r - 1];
		unsigned long gap = a->runs[r].host_pfn - (prev->host_pfn + prev->nr_pages);
		unsigned long hole = clamp(DIV_ROUND_UP(gap, SMM_PAGES_PER_SECTION),
					   1UL, (unsigned long)SMM_MAX_HOLE_SECTIONS);

		a->runs[r].pfn = ALIGN(prev->pfn + prev->nr_pages, SMM_PAGES_PER_SECTION) +
				 hole * SMM_PAGES_PER_SECTION;
	}
	a->nr_pages = nr_pages;
	a->end_pfn = a->runs[a->nr_runs - 1].pfn + a->runs[a->nr_runs - 1].nr_pages;
	a->nr_sections = DIV_ROUND_UP(a->end_pfn, SMM_PAGES_PER_SECTION);
	/* The section number must fit in the descriptor's flags. */
	if (a->nr_sections > SMM_ARENA_MAX_SECTIONS) {
		ret = -E2BIG;
		goto err_runs;
	}
	a->sections = smm_host_kvcalloc(a, SMM_HOST_ARENA, a->nr_sections, sizeof(*a->sections));
	if (!a->sections) {
		ret = -ENOMEM;
		goto err_runs;
	}

	for (r = 0; r < a->nr_runs; r++) {
		const struct smm_run *run = &a->runs[r];
		unsigned long end = run->pfn + run->nr_pages;

		for (sec = run->pfn >> SMM_SECTION_ORDER;
		     sec << SMM_SECTION_ORDER < end; sec++) {
			struct smm_section *s = &a->sections[sec];
			unsigned long base = sec << SMM_SECTION_ORDER;
			unsigned long lo = max(base, run->pfn);
			unsigned long hi = min(base + SMM_PAGES_PER_SECTION, end);

			/* Unsigned wrap is fine: only base + [first, first + nr) is used. */
			s->host_pfn = run->host_pfn + base - run->pfn;
			s->first = lo - base;
			s->nr = hi - lo;
		}
	}
	return 0;

err_runs:
	/* The chunks are the caller's: it gives their pages back first. */
	smm_host_kvfree(a, SMM_HOST_ARENA, a->runs, a->max_runs, sizeof(*a->runs));
	a->runs = NULL;
	a->max_runs = 0;
	a->nr_runs = 0;
	a->nr_sections = 0;
	return ret;
}

/**
 * smm_arena_init() - take an arena's pages from the host
 * @a: the arena to fill
 * @nr_pages: how many pages
 * @source: where to take them from
 * @chunk_order: chunk order for %SMM_ARENA_CHUNKS (and the fallback of
 *	%SMM_ARENA_AUTO), at most MAX_PAGE_ORDER
 *
 * Return: 0; -EINVAL for a bad argument; -ENOMEM if the host cannot spare
 * the memory; for %SMM_ARENA_CONTIG also -ENODEV when the host has no
 * ZONE_MOVABLE memory and -EOPNOTSUPP without CONFIG_CONTIG_ALLOC.  On
 * failure every page taken has been given back.
 * Context: process context; sleeps.
 */
int smm_arena_init(struct smm_arena *a, unsigned long nr_pages,
		   enum smm_arena_source source, unsigned int chunk_order)
{
	unsigned int i;
	int ret;

	memset(a, 0, sizeof(*a));
	if (!nr_pages || chunk_order > MAX_PAGE_ORDER || source >= SMM_ARENA_SOURCE_NR)
		return -EINVAL;
	if (nr_pages > si_mem_available())
		return -ENOMEM;

	ret = -ENODEV;
	if (source != SMM_ARENA_CHUNKS)
		ret = get_contig(a, nr_pages);
	if (ret && source != SMM_ARENA_CONTIG)
		ret = get_chunks(a, nr_pages, chunk_order);
	if (ret)
		goto err_pages;

	ret = smm_arena_layout(a);
	if (ret)
		goto err_layout;
	for (i = 0; i < a->nr_runs; i++)
		a->runs[i].va = page_address(pfn_to_page(a->runs[i].host_pfn));
	return 0;

err_layout:
	release_chunks(a);
err_pages:
	smm_arena_free_tables(a);
	return ret;
}

/**
 * smm_arena_free_tables() - free the chunk, run and section tables
 * @a: the arena; its pages, if it has any, have gone back already
 *
 * Context: process context.
 */
void smm_arena_free_tables(struct smm_arena *a)
{
	smm_host_kvfree(a, SMM_HOST_ARENA, a->chunks, a->max_chunks, sizeof(*a->chunks));
	smm_host_kvfree(a, SMM_HOST_ARENA, a->runs, a->max_runs, sizeof(*a->runs));
	smm_host_kvfree(a, SMM_HOST_ARENA, a->sections, a->nr_sections, sizeof(*a->sections));
	a->chunks = NULL;
	a->runs = NULL;
	a->sections = NULL;
	a->max_chunks = 0;
	a->max_runs = 0;
	a->nr_runs = 0;
	a->nr_sections = 0;
}

/**
 * smm_arena_destroy() - give every page back to the host
 * @a: the arena; may be one whose init failed or that was destroyed before
 *
 * Context: process context; sleeps.
 */
void smm_arena_destroy(struct smm_arena *a)
{
	release_chunks(a);
	smm_arena_free_tables(a);
}

/**
 * smm_arena_check_size() - can an arena of this size be built at all?
 * @nr_pages: its size
 * @chunk_order: the order of its chunks
 *
 * Called before any page is taken, so that a size no layer can support is
 * refused up front: at most %SMM_ARENA_MAX_CHUNKS chunks (which bounds the
 * host tables and the shadow space), and the host must be able to spare
 * the pages and the host-side metadata that grows with them (the chunk
 * and run tables, see enum smm_host_item).
 *
 * Return: 0; -ERANGE (reported, naming arena_chunk_order) for too many
 * chunks; -ENOMEM (reported, naming arena_mb) if the host has not got the
 * memory.
 * Context: process context.
 */
int smm_arena_check_size(unsigned long nr_pages, unsigned int chunk_order)
{
	unsigned long chunks = (nr_pages >> chunk_order) + chunk_order + 1, meta;

	if (chunks > SMM_ARENA_MAX_CHUNKS) {
		smm_bad_input("arena_chunk_order",
			      "%lu MiB in chunks of order %u is up to %lu chunks, more than %lu; use a larger order",
			      nr_pages >> (20 - PAGE_SHIFT), chunk_order, chunks,
			      SMM_ARENA_MAX_CHUNKS);
		return -ERANGE;
	}
	/* The chunk and run tables: nothing on the host grows per page. */
	meta = chunks * (sizeof(struct smm_chunk) + sizeof(struct smm_run));
	if (nr_pages + DIV_ROUND_UP(meta, PAGE_SIZE) > si_mem_available()) {
		smm_bad_input("arena_mb",
			      "the host cannot spare %lu MiB and %lu KiB of metadata for them",
			      nr_pages >> (20 - PAGE_SHIFT), meta >> 10);
		return -ENOMEM;
	}
	return 0;
}

/* --- host memory, by what it is for --------------------------------- */

static const char *const host_names[] = {
	[SMM_HOST_INSTANCE]	= "instance",
	[SMM_HOST_ARENA]	= "arena_tables",
	[SMM_HOST_BUDDY]	= "buddy_percpu",
	[SMM_HOST_SLAB]		= "slab_caches",
	[SMM_HOST_VMALLOC]	= "vmalloc_areas",
	[SMM_HOST_KMAP]		= "kmap",
	[SMM_HOST_CONTROL]	= "control_tags",
	[SMM_HOST_FAULT]	= "fault_mappings",
};

static_assert(ARRAY_SIZE(host_names) == SMM_HOST_NR);

/**
 * smm_host_account() - count host memory an instance uses
 * @a: the instance's arena
 * @item: what it is for
 * @bytes: how much more (negative: less)
 *
 * Context: any.
 */
void smm_host_account(struct smm_arena *a, enum smm_host_item item, long bytes)
{
	atomic_long_add(bytes, &a->host.bytes[item]);
}

/**
 * smm_host_kvcalloc() - kvcalloc() for an instance, counted
 * @a: the instance's arena
 * @item: what it is for
 * @n: number of elements
 * @size: size of one
 *
 * Return: zeroed memory, or NULL.  Free it with smm_host_kvfree() and the
 * same @n and @size.
 * Context: process context; sleeps.
 */
void *smm_host_kvcalloc(struct smm_arena *a, enum smm_host_item item, size_t n, size_t size)
{
	void *p = kvcalloc(n, size, GFP_KERNEL);

	if (p)
		smm_host_account(a, item, n * size);
	return p;
}

/**
 * smm_host_kvfree() - free what smm_host_kvcalloc() gave
 * @a: the instance's arena
 * @item: what it was for
 * @p: the memory, or NULL (then nothing is counted)
 * @n: number of elements, as allocated
 * @size: size of one, as allocated
 *
 * Context: process context.
 */
void smm_host_kvfree(struct smm_arena *a, enum smm_host_item item, const void *p, size_t n,
		     size_t size)
{
	if (!p)
		return;
	smm_host_account(a, item, -(long)(n * size));
	kvfree(p);
}

/**
 * smm_host_alloc_percpu() - __alloc_percpu() for an instance, counted
 * @a: the instance's arena
 * @item: what it is for
 * @size: bytes per CPU
 * @align: alignment
 *
 * Return: zeroed per-CPU memory, or NULL.  It counts once per possible
 * CPU.  Free it with smm_host_free_percpu() and the same @size.
 * Context: process context; sleeps.
 */
void __percpu *smm_host_alloc_percpu(struct smm_arena *a, enum smm_host_item item,
				     size_t size, size_t align)
{
	void __percpu *p = __alloc_percpu(size, align);

	if (p)
		smm_host_account(a, item, size * num_possible_cpus());
	return p;
}

/**
 * smm_host_free_percpu() - free what smm_host_alloc_percpu() gave
 * @a: the instance's arena
 * @item: what it was for
 * @p: the memory, or NULL
 * @size: bytes per CPU, as allocated
 *
 * Context: process context.
 */
void smm_host_free_percpu(struct smm_arena *a, enum smm_host_item item, void __percpu *p,
			  size_t size)
{
	if (!p)
		return;
	smm_host_account(a, item, -(long)(size * num_possible_cpus()));
	free_percpu(p);
}

/**
 * smm_host_bytes() - all the host memory an instance uses for metadata
 * @a: the instance's arena
 *
 * Return: the sum over enum smm_host_item, in bytes.
 */
unsigned long smm_host_bytes(const struct smm_arena *a)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < SMM_HOST_NR; i++)
		sum += atomic_long_read(&a->host.bytes[i]);
	return sum;
}

/**
 * smm_arena_pfn_to_host() - the host page behind a shadow PFN
 * @a: the arena
 * @pfn: shadow PFN
 *
 * Return: the host page, or NULL for a hole or a PFN past the end.
 * Context: any.
 */
struct page *smm_arena_pfn_to_host(const struct smm_arena *a, unsigned long pfn)
{
	if (!smm_arena_pfn_valid(a, pfn))
		return NULL;
	return pfn_to_page(smm_arena_section(a, pfn)->host_pfn + (pfn & SMM_SECTION_MASK));
}

/**
 * smm_arena_pfn_to_virt() - the host kernel address of a shadow page
 * @a: the arena
 * @pfn: shadow PFN
 *
 * Arena pages are host lowmem, so this is the direct-map address.  Shadow
 * code that emulates highmem must not use it for shadow HIGHMEM pages.
 *
 * Return: the address, or NULL for a hole or a PFN past the end.
 * Context: any.
 */
void *smm_arena_pfn_to_virt(const struct smm_arena *a, unsigned long pfn)
{
	struct page *page = smm_arena_pfn_to_host(a, pfn);

	return page ? page_address(page) : NULL;
}

/**
 * smm_arena_virt_to_pfn() - the shadow PFN of a host direct-map address
 * @a: the arena
 * @addr: any address
 * @pfn: where to store the shadow PFN
 *
 * Each run is contiguous in the host's direct map too, so a binary search
 * of the runs by address finds it, O(log runs), without trusting @addr:
 * anything outside the runs is refused.
 *
 * Return: true if @addr lies in the arena.
 * Context: any.
 */
bool smm_arena_virt_to_pfn(const struct smm_arena *a, const void *addr,
			   unsigned long *pfn)
{
	unsigned int lo = 0, hi = a->nr_runs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct smm_run *run = &a->runs[mid];

		if (addr < run->va) {
			hi = mid;
		} else if (addr >= run->va + (run->nr_pages << PAGE_SHIFT)) {
			lo = mid + 1;
		} else {
			*pfn = run->pfn + ((addr - run->va) >> PAGE_SHIFT);
			return true;
		}
	}
	return false;
}

/**
 * smm_arena_host_to_pfn() - the shadow PFN of a host page
 * @a: the arena
 * @page: a host page
 * @pfn: where to store the shadow PFN
 *
 * A binary search of the runs, O(log runs).
 *
 * Return: true if @page belongs to the arena.
 * Context: any.
 */
bool smm_arena_host_to_pfn(const struct smm_arena *a, const struct page *page,
			   unsigned long *pfn)
{
	unsigned long host = page_to_pfn(page);
	unsigned int lo = 0, hi = a->nr_runs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct smm_run *run = &a->runs[mid];

		if (host < run->host_pfn) {
			hi = mid;
		} else if (host >= run->host_pfn + run->nr_pages) {
			lo = mid + 1;
		} else {
			*pfn = run->pfn + (host - run->host_pfn);
			return true;
		}
	}
	return false;
}

/**
 * smm_arena_show() - print an arena's layout
 * @m: the seq_file
 * @a: the arena
 */
void smm_arena_show(struct seq_file *m, const struct smm_arena *a)
{
	unsigned long arena_bytes = max(a->nr_pages << PAGE_SHIFT, 1UL);
	unsigned long present = 0, holes = 0, s, total;
	unsigned int i;

	for (s = 0; s < a->nr_sections; s++) {
		if (a->sections[s].nr)
			present++;
		else
			holes++;
	}
	seq_printf(m, "source:          %s\n", smm_arena_source_name(a->source));
	seq_printf(m, "pages:           %lu (%lu KiB)\n", a->nr_pages,
		   a->nr_pages << (SMM_PAGE_SHIFT - 10));
	seq_printf(m, "chunks:          %u (order %u and below)\n", a->nr_chunks,
		   a->chunk_order);
	seq_printf(m, "end_pfn:         %#lx\n", a->end_pfn);
	seq_printf(m, "sections:        %lu present, %lu holes, %lu pages each\n",
		   present, holes, SMM_PAGES_PER_SECTION);
	seq_printf(m, "runs:            %u\n", a->nr_runs);
	for (i = 0; i < a->nr_runs; i++) {
		const struct smm_run *r = &a->runs[i];

		seq_printf(m, "  run %u: pfn [%#lx-%#lx] %lu pages\n", i, r->pfn,
			   r->pfn + r->nr_pages - 1, r->nr_pages);
	}
	total = smm_host_bytes(a);
	seq_printf(m, "host_metadata:   %lu bytes, %lu.%02lu%% of the arena\n", total,
		   total * 100 / arena_bytes, total * 10000 / arena_bytes % 100);
	for (i = 0; i < SMM_HOST_NR; i++)
		seq_printf(m, "  %-14s %lu\n", host_names[i],
			   atomic_long_read(&a->host.bytes[i]));
}
