/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHADOW_MM_ARENA_H
#define _SHADOW_MM_ARENA_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "common.h"

/*
 * A section is the unit of the shadow physical address space, as in
 * SPARSEMEM: one max-order host chunk (4 MiB with 4 KiB pages).  Runs of
 * host memory start on a section boundary and holes are whole sections,
 * so a section maps into at most one run.
 */
#define SMM_SECTION_ORDER	MAX_PAGE_ORDER
#define SMM_PAGES_PER_SECTION	BIT(SMM_SECTION_ORDER)
#define SMM_SECTION_MASK	(SMM_PAGES_PER_SECTION - 1)
/* A host gap becomes a shadow hole of at least one and at most this many sections. */
#define SMM_MAX_HOLE_SECTIONS	4

/* The shadow space has at most this many sections (21 bits of smm_page.flags). */
#define SMM_ARENA_MAX_SECTIONS	BIT(21)

/* Smallest and largest arena the module accepts, in MiB. */
#define SMM_ARENA_MIN_MB	4U
#define SMM_ARENA_MAX_MB	(1024U * 1024U)

/*
 * At most this many host chunks: a small arena_chunk_order with a large
 * arena_mb is refused before any page is taken.  It bounds the host-side
 * tables, and with them the shadow space: each chunk can become a run
 * behind a hole of at most %SMM_MAX_HOLE_SECTIONS sections, plus the
 * section it starts in, so the space never outgrows the descriptor's
 * section bits.
 */
#define SMM_ARENA_MAX_CHUNKS	BIT(18)

static_assert((u64)SMM_ARENA_MAX_MB * (SZ_1M / PAGE_SIZE) / SMM_PAGES_PER_SECTION +
	      (u64)SMM_ARENA_MAX_CHUNKS * (SMM_MAX_HOLE_SECTIONS + 2) <= SMM_ARENA_MAX_SECTIONS);

/**
 * enum smm_host_item - what an instance keeps in host memory, outside its
 * arena
 * @SMM_HOST_INSTANCE: the &struct smm_instance itself
 * @SMM_HOST_ARENA: the arena's chunk, run and section tables
 * @SMM_HOST_BUDDY: the per-CPU lists and counters of the buddy allocator
 * @SMM_HOST_SLAB: cache descriptors, per-CPU caches, strategy state
 * @SMM_HOST_VMALLOC: vmap areas and their page arrays
 * @SMM_HOST_KMAP: the kmap slots' per-CPU state and PTE pointers
 * @SMM_HOST_CONTROL: the control file's tags
 * @SMM_HOST_FAULT: the /dev/shadow_mm mappings
 * @SMM_HOST_NR: number of items
 *
 * The pages a shadow layer uses (the mem_map, page tables, slabs) are in
 * the arena and are not listed here.  Neither are the host page tables
 * behind vmap() and vm_map_ram(), which the host allocates and frees
 * itself.
 */
enum smm_host_item {
	SMM_HOST_INSTANCE,
	SMM_HOST_ARENA,
	SMM_HOST_BUDDY,
	SMM_HOST_SLAB,
	SMM_HOST_VMALLOC,
	SMM_HOST_KMAP,
	SMM_HOST_CONTROL,
	SMM_HOST_FAULT,
	SMM_HOST_NR,
};

/**
 * struct smm_host_mem - host memory an instance uses for its metadata
 * @bytes: bytes in use now, per enum smm_host_item; a per-CPU allocation
 *	counts once per possible CPU
 */
struct smm_host_mem {
	atomic_long_t bytes[SMM_HOST_NR];
};

/**
 * enum smm_arena_source - where the arena's pages come from
 * @SMM_ARENA_AUTO: try %SMM_ARENA_CONTIG, then %SMM_ARENA_CHUNKS
 * @SMM_ARENA_CONTIG: one alloc_contig_range() over a ZONE_MOVABLE range
 * @SMM_ARENA_CHUNKS: alloc_pages() chunks of a fixed order
 * @SMM_ARENA_SOURCE_NR: number of sources
 */
enum smm_arena_source {
	SMM_ARENA_AUTO,
	SMM_ARENA_CONTIG,
	SMM_ARENA_CHUNKS,
	SMM_ARENA_SOURCE_NR,
};

/**
 * struct smm_chunk - one block of pages obtained from the host
 * @host_pfn: the host PFN of its first page
 * @order: it is 2^@order pages, naturally aligned on the host
 */
struct smm_chunk {
	unsigned long host_pfn;
	unsigned int order;
};

/**
 * struct smm_run - host-contiguous memory placed in the shadow space
 * @host_pfn: host PFN of the first page
 * @pfn: shadow PFN of the first page; always a section boundary
 * @nr_pages: length
 * @va: the host direct-map address of the first page (set by
 *	smm_arena_init(), not by smm_arena_layout())
 *
 * Invariant: runs are sorted by both @host_pfn and @pfn, do not touch each
 * other on the host (touching chunks are merged), and are separated in the
 * shadow space by a hole of 1..%SMM_MAX_HOLE_SECTIONS sections.
 */
struct smm_run {
	unsigned long host_pfn;
	unsigned long pfn;
	unsigned long nr_pages;
	void *va;
};

struct smm_page;

/**
 * struct smm_section - one section of the shadow physical space
 * @host_pfn: host PFN that shadow offset 0 of this section would have;
 *	valid only in [@first, @first + @nr)
 * @first: offset of the first present page in the section
 * @nr: number of present pages (0 for a hole)
 * @memmap: descriptors of the present pages, indexed from @first; set by
 *	the memmap layer (NULL until then)
 */
struct smm_section {
	unsigned long host_pfn;
	u16 first;
	u16 nr;
	struct smm_page *memmap;
};

static_assert(SMM_PAGES_PER_SECTION <= U16_MAX);

/**
 * struct smm_arena - the real memory a shadow instance runs on
 * @source: the source that was used (never %SMM_ARENA_AUTO once built)
 * @chunk_order: order of the chunks for %SMM_ARENA_CHUNKS
 * @nr_pages: pages obtained from the host
 * @chunks: every block to give back, sorted by host PFN
 * @nr_chunks: entries in @chunks
 * @max_chunks: entries allocated for @chunks
 * @runs: the layout of the shadow physical space
 * @nr_runs: entries in @runs
 * @max_runs: entries allocated for @runs
 * @sections: one entry per section of [0, @end_pfn)
 * @nr_sections: entries in @sections
 * @end_pfn: first shadow PFN past the last page
 * @host: what the instance keeps in host memory; every layer counts its
 *	allocations here (smm_host_kvcalloc() and friends)
 *
 * Built once by smm_arena_init() and read-only afterwards (except for
 * &smm_section.memmap, set once by the memmap layer), so it takes no lock.
 */
struct smm_arena {
	enum smm_arena_source source;
	unsigned int chunk_order;
	unsigned long nr_pages;
	struct smm_chunk *chunks;
	unsigned int nr_chunks;
	unsigned int max_chunks;
	struct smm_run *runs;
	unsigned int nr_runs;
	unsigned int max_runs;
	struct smm_section *sections;
	unsigned long nr_sections;
	unsigned long end_pfn;
	struct smm_host_mem host;
};

int smm_arena_init(struct smm_arena *a, unsigned long nr_pages,
		   enum smm_arena_source source, unsigned int chunk_order);
void smm_arena_destroy(struct smm_arena *a);
int smm_arena_layout(struct smm_arena *a);
void smm_arena_free_tables(struct smm_arena *a);
int smm_arena_parse_source(const char *s, enum smm_arena_source *out);
const char *smm_arena_source_name(enum smm_arena_source source);
void smm_arena_show(struct seq_file *m, const struct smm_arena *a);
int smm_arena_check_size(unsigned long nr_pages, unsigned int chunk_order);

void *smm_host_kvcalloc(struct smm_arena *a, enum smm_host_item item, size_t n, size_t size);
void smm_host_kvfree(struct smm_arena *a, enum smm_host_item item, const void *p, size_t n,
		     size_t size);
void __percpu *smm_host_alloc_percpu(struct smm_arena *a, enum smm_host_item item,
				     size_t size, size_t align);
void smm_host_free_percpu(struct smm_arena *a, enum smm_host_item item, void __percpu *p,
			  size_t size);
void smm_host_account(struct smm_arena *a, enum smm_host_item item, long bytes);
unsigned long smm_host_bytes(const struct smm_arena *a);

/**
 * smm_arena_section() - the section that holds a shadow PFN
 * @a: the arena
 * @pfn: shadow PFN
 *
 * Return: the section, or NULL if @pfn lies past the end of the space.
 */
static inline struct smm_section *smm_arena_section(const struct smm_arena *a,
						    unsigned long pfn)
{
	unsigned long nr = pfn >> SMM_SECTION_ORDER;

	return nr < a->nr_sections ? &a->sections[nr] : NULL;
}

/**
 * smm_arena_pfn_valid() - does a shadow PFN have memory behind it?
 * @a: the arena
 * @pfn: shadow PFN
 *
 * Return: true if @pfn is backed by a host page, false in holes and past
 * the end.  O(1).
 */
static inline bool smm_arena_pfn_valid(const struct smm_arena *a,
				       unsigned long pfn)
{
	const struct smm_section *s = smm_arena_section(a, pfn);
	unsigned long off = pfn & SMM_SECTION_MASK;

	return s && off >= s->first && off < (unsigned long)s->first + s->nr;
}

struct page *smm_arena_pfn_to_host(const struct smm_arena *a, unsigned long pfn);
void *smm_arena_pfn_to_virt(const struct smm_arena *a, unsigned long pfn);
bool smm_arena_host_to_pfn(const struct smm_arena *a, const struct page *page,
			   unsigned long *pfn);
bool smm_arena_virt_to_pfn(const struct smm_arena *a, const void *addr,
			   unsigned long *pfn);

#endif /* _SHADOW_MM_ARENA_H */
