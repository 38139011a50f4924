// SPDX-License-Identifier: GPL-2.0
/*
 * shadow_mm_demo: demand paging from the shadow buddy allocator, step by step.
 *
 *   shadow_mm_demo [N]      N pages, 256 by default
 *
 * Maps N pages of /dev/shadow_mm, touches each once and unmaps them, and
 * after each step prints the default instance's buddyinfo, its free memory
 * and its faults counters from /sys/kernel/debug/shadow_mm/default/.  Run
 * it as root with the module loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long n = 256, i;
	char *end, *p;
	int fd;

	if (argc == 2)
		n = strtoul(argv[1], &end, 0);
	if (argc > 2 || (argc == 2 && (*end || !n || n > 1UL << 20))) {
		fprintf(stderr, "usage: %s [N]   (N pages, 1..1048576, default 256)\n", argv[0]);
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
	 * handler; no page is taken yet, so buddyinfo does not move.  The
	 * mapping must be MAP_SHARED at offset 0: the pages belong to the
	 * shadow allocator, and a private copy-on-write copy would come from
	 * the host's.
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
