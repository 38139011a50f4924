// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm_demo: demand paging from the shadow buddy allocator, step by step.
 *
 *   shadow_mm_demo [N]      N pages, 256 by default
 *   shadow_mm_demo cow [N]  fork with copy-on-write over N private pages (64)
 *   shadow_mm_demo swap     overcommit: twice the shadow zones, through swap
 *
 * Maps N pages of /dev/shadow_mm, touches each once and unmaps them, and
 * after each step prints the default instance's buddyinfo, its free memory
 * and its faults counters from /sys/kernel/debug/shadow_mm/default/.  The
 * cow and swap runs show buddyinfo, vmstat and swaps before and after.
 * Run it as root with the module loaded (swap_mb= for the swap run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smm_user.h"

static void show(const char *when)
{
	printf("---- %s\n", when);
	printf("# %s/buddyinfo (free blocks of order 0, 1, 2, ...)\n", SMM_DEBUGFS);
	smm_cat("buddyinfo");
	printf("# free shadow memory: MemFree %lld kB, HighFree %lld kB, per-CPU lists %lld kB\n",
	       smm_meminfo("MemFree"), smm_meminfo("HighFree"), smm_meminfo("PerCPULists"));
	printf("# %s/faults\n", SMM_DEBUGFS);
	smm_cat("faults");
	printf("\n");
	fflush(stdout);
}

/* The counters a step moved: the vmstat lines that changed. */
static void vmstat_delta(const struct smm_vm *a, const struct smm_vm *b)
{
	printf("# vmstat changes: pgfault +%lld, cow_fault +%lld, pswpout +%lld, pswpin +%lld, pgmajfault +%lld,\n"
	       "#   pgscan_kswapd +%lld, pgsteal_kswapd +%lld, pgscan_direct +%lld, pgsteal_direct +%lld, allocstall +%lld,\n"
	       "#   pgactivate +%lld, pgdeactivate +%lld\n",
	       b->pgfault - a->pgfault, b->cow_fault - a->cow_fault, b->pswpout - a->pswpout,
	       b->pswpin - a->pswpin, b->pgmajfault - a->pgmajfault,
	       b->pgscan_kswapd - a->pgscan_kswapd, b->pgsteal_kswapd - a->pgsteal_kswapd,
	       b->pgscan_direct - a->pgscan_direct, b->pgsteal_direct - a->pgsteal_direct,
	       b->allocstall - a->allocstall, b->pgactivate - a->pgactivate,
	       b->pgdeactivate - a->pgdeactivate);
}

static void show_vm(const char *when)
{
	printf("---- %s\n", when);
	printf("# %s/buddyinfo\n", SMM_DEBUGFS);
	smm_cat("buddyinfo");
	printf("# %s/swaps\n", SMM_DEBUGFS);
	smm_cat("swaps");
	printf("# meminfo: MemFree %lld kB, SwapTotal %lld kB, SwapFree %lld kB, Active(anon) %lld kB, Inactive(anon) %lld kB\n",
	       smm_meminfo("MemFree"), smm_meminfo("SwapTotal"), smm_meminfo("SwapFree"),
	       smm_meminfo("Active(anon)"), smm_meminfo("Inactive(anon)"));
	printf("# %s/vmstat\n", SMM_DEBUGFS);
	smm_cat("vmstat");
	printf("\n");
	fflush(stdout);
}

static uint64_t word(uint64_t page, size_t j)
{
	return (page + 1) * 0x9e3779b97f4a7c15ULL ^ j;
}

static void fill(char *pg, long page_size, uint64_t page)
{
	uint64_t *w = (uint64_t *)pg;
	size_t j;

	for (j = 0; j < page_size / sizeof(*w); j++)
		w[j] = word(page, j);
}

static int intact(const char *pg, long page_size, uint64_t page)
{
	const uint64_t *w = (const uint64_t *)pg;
	size_t j;

	for (j = 0; j < page_size / sizeof(*w); j++)
		if (w[j] != word(page, j))
			return 0;
	return 1;
}

static void *map(unsigned long pages, int flags)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = smm_open();
	void *p;

	if (fd < 0) {
		fprintf(stderr, "shadow_mm_demo: cannot open %s: %s (is shadow_mm loaded?)\n",
			SMM_DEV, strerror(errno));
		exit(1);
	}
	p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "shadow_mm_demo: mmap of %lu pages: %s\n", pages, strerror(errno));
		exit(1);
	}
	close(fd);
	return p;
}

/*
 * fork() over a MAP_PRIVATE mapping: do_wp_page() in the shadow.  After
 * fork parent and child map the same shadow pages read-only; the first
 * write by either copies the page into a new one from the shadow buddy
 * allocator (a cow_fault); a write by the last process still mapping a
 * page reuses it.
 */
static int demo_cow(unsigned long n)
{
	long page = sysconf(_SC_PAGESIZE);
	struct smm_vm v0, v1, v2, v3;
	struct smm_faults f0, f1;
	unsigned long i, k = n / 4, same = 0;
	int up[2], down[2], st;
	char *p, c;
	pid_t pid;

	printf("shadow_mm_demo cow: %lu private pages, fork, the child writes %lu of them\n\n", n, k);
	p = map(n, MAP_PRIVATE);
	for (i = 0; i < n; i++)
		fill(p + i * page, page, i);
	smm_control("drain");
	smm_read_vmstat(&v0);
	smm_read_faults(&f0);
	show_vm("after the parent wrote every page, before fork");
	if (pipe(up) || pipe(down))
		return 1;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		for (i = 0; i < n; i++)
			same += intact(p + i * page, page, i);
		printf("child: reads %lu of %lu pages as the parent wrote them (no copy for reads)\n",
		       same, n);
		for (i = 0; i < k; i++)
			fill(p + i * page, page, 1000000 + i);
		printf("child: wrote %lu pages: each first write copies the page\n", k);
		fflush(stdout);
		if (write(up[1], "w", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read(up[0], &c, 1) != 1)
		return 1;
	smm_control("drain");
	smm_read_vmstat(&v1);
	show_vm("after the child's writes, both processes alive");
	vmstat_delta(&v0, &v1);
	for (i = 0, same = 0; i < n; i++)
		same += intact(p + i * page, page, i);
	printf("parent: still reads %lu of %lu pages as it wrote them: the child's copies are its own\n",
	       same, n);
	for (i = k; i < k + k / 2; i++)
		fill(p + i * page, page, 2000000 + i);
	smm_read_vmstat(&v2);
	printf("parent: wrote %lu pages it still shares with the child: cow_fault +%lld\n", k / 2,
	       v2.cow_fault - v1.cow_fault);
	for (i = 0; i < k; i++)
		fill(p + i * page, page, 3000000 + i);
	smm_read_vmstat(&v3);
	printf("parent: wrote the %lu pages the child copied away (only it maps them now): cow_fault +%lld, reused\n\n",
	       k, v3.cow_fault - v2.cow_fault);
	if (write(down[1], "x", 1) != 1)
		return 1;
	waitpid(pid, &st, 0);
	smm_read_faults(&f1);
	smm_control("drain");
	show_vm("after the child's exit");
	printf("# the child's exit gave %lld pages back (its %lu copies and the %lu originals the parent copied away from)\n",
	       f1.pages_returned - f0.pages_returned, k, k / 2);
	smm_read_vmstat(&v1);
	vmstat_delta(&v0, &v1);
	munmap(p, n * page);
	smm_control("drain");
	show_vm("after munmap");
	return 0;
}

/*
 * Overcommit: map twice what the shadow zones hold, write a pattern unique
 * to every page, read it all back.  kswapd and direct reclaim send pages
 * to swap (pswpout); reading them back faults them in again (pswpin, each
 * a major fault).
 */
static int demo_swap(void)
{
	long page = sysconf(_SC_PAGESIZE);
	long long zone = smm_meminfo("MemTotal") / (page / 1024), swap = smm_swap_pages();
	unsigned long n = 2 * zone, i, ok = 0;
	struct smm_vm v0, v1, v2;
	char *p;

	if (swap <= 0) {
		printf("shadow_mm_demo swap: the instance has no swap; load shadow_mm with swap_mb=N\n");
		return 1;
	}
	printf("shadow_mm_demo swap: %lu pages, twice the %lld pages of the shadow zones, with %lld pages of swap\n\n",
	       n, zone, swap);
	p = map(n, MAP_PRIVATE | MAP_NORESERVE);
	smm_control("drain");
	smm_read_vmstat(&v0);
	show_vm("before any touch");
	for (i = 0; i < n; i++)
		fill(p + i * page, page, i);
	smm_control("drain");
	smm_read_vmstat(&v1);
	show_vm("after writing every page");
	vmstat_delta(&v0, &v1);
	printf("# %lld pages went to swap\n\n", v1.pswpout - v0.pswpout);
	for (i = 0; i < n; i++)
		ok += intact(p + i * page, page, i);
	smm_control("drain");
	smm_read_vmstat(&v2);
	show_vm("after reading every page back");
	vmstat_delta(&v1, &v2);
	printf("# %lld pages came back from swap (%lld major faults); %lu of %lu pages intact\n\n",
	       v2.pswpin - v1.pswpin, v2.pgmajfault - v1.pgmajfault, ok, n);
	munmap(p, n * page);
	smm_control("drain");
	show_vm("after munmap");
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long n = 256, i;
	char *end, *p;
	int fd;

	if (argc >= 2 && !strcmp(argv[1], "cow"))
		return demo_cow(argc > 2 ? strtoul(argv[2], NULL, 0) : 64);
	if (argc == 2 && !strcmp(argv[1], "swap"))
		return demo_swap();
	if (argc == 2)
		n = strtoul(argv[1], &end, 0);
	if (argc > 2 || (argc == 2 && (*end || !n || n > 1UL << 20))) {
		fprintf(stderr, "usage: %s [N]   (N pages, 1..1048576, default 256)\n"
			"       %s cow [N]   (fork with copy-on-write, N private pages)\n"
			"       %s swap      (overcommit through swap)\n", argv[0], argv[0], argv[0]);
		return 2;
	}

	/* The misc device serves the default instance. */
	fd = smm_open();
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open %s: %s (is shadow_mm loaded?)\n",
			argv[0], SMM_DEV, strerror(errno));
		return 1;
	}
	printf("shadow_mm_demo: %lu pages (%lu KiB) of %s\n\n", n, n * page / 1024, SMM_DEV);

	/*
	 * Step 1: mmap() only reserves a range of virtual addresses.  The
	 * kernel creates a VMA whose vm_ops point at shadow_mm's fault
	 * handler; no page is taken yet, so buddyinfo does not move.  This
	 * one is MAP_SHARED (at offset 0, the only one there is); MAP_PRIVATE
	 * works too, with its copy-on-write copies taken from the shadow
	 * allocator as well: see "shadow_mm_demo cow".
	 */
	p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", argv[0], strerror(errno));
		return 1;
	}
	close(fd);	/* the mapping keeps the device open */
	printf("mmap: %lu pages at %p, nothing allocated yet\n", n, (void *)p);
	show("after mmap, before any touch");

	/*
	 * Step 2: touch every page once.  The first access to a page finds no
	 * page-table entry, so the CPU raises a page fault, and the kernel's
	 * fault path calls shadow_mm's handler for the VMA.  The handler
	 *  - takes an order-0 page from the shadow buddy allocator with
	 *    SMM_GFP_HIGHUSER (HighMem first, then Normal, then DMA) and
	 *    zeroes it, so no old data leaks to user space;
	 *  - records it in the mapping's shadow page table, the four-level
	 *    tree a real kernel would walk for this address;
	 *  - maps the real page behind that shadow page into this process
	 *    with vmf_insert_pfn(), so the faulting write is retried and
	 *    succeeds.
	 * The faults counter goes up by one per page; later accesses to the
	 * same page do not fault at all.
	 */
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	printf("touched %lu pages, one write each\n", n);
	show("after touching every page");

	/*
	 * Step 3: munmap() tears the VMA down.  For every page it held, the
	 * shadow page-table entry is cleared and the page goes back to the
	 * shadow buddy allocator, first to the per-CPU lists, and from there
	 * to the free areas of buddyinfo, merged with its buddies.
	 * pages_returned catches up with pages_mapped; nothing is resident.
	 */
	if (munmap(p, n * page)) {
		fprintf(stderr, "%s: munmap: %s\n", argv[0], strerror(errno));
		return 1;
	}
	printf("munmap: %lu pages given back\n", n);
	show("after munmap");
	return 0;
}
