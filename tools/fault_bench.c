// SPDX-License-Identifier: GPL-2.0
/*
 * fault_bench: demand paging through /dev/shadow_mm against the host's own.
 *
 *   fault_bench [pages=N] [rounds=N]      defaults: pages=1000 rounds=15 (at least 5)
 *
 * Each round maps N pages of /dev/shadow_mm (MAP_SHARED) and N pages of
 * anonymous memory (MAP_PRIVATE | MAP_ANONYMOUS, without transparent huge
 * pages), times one write to each page with CLOCK_MONOTONIC, and unmaps
 * them.  The first touch of each page is a page fault: on the device,
 * shadow_mm's handler takes a page from the shadow buddy allocator, zeroes
 * it, fills in the shadow page table and maps it with vmf_insert_pfn(); on
 * anonymous memory, the host's do_anonymous_page() does the same with its
 * own allocator.  The rounds alternate, device then anonymous, after one
 * warm-up round of each that is not counted.  Prints each side's median in
 * ns per page, the median of the per-round ratios and their minimum and
 * maximum, in the format of the module's bench file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "smm_user.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Touch each page of @p once; return the time per page in ns. */
static long long touch_ns(volatile char *p, unsigned long pages, long page)
{
	long long t0 = now_ns();
	unsigned long i;

	for (i = 0; i < pages; i++)
		p[i * page] = 1;
	return (now_ns() - t0) / pages;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long median(long long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	unsigned long pages = 1000, rounds = 15, r, *arg;
	long page = sysconf(_SC_PAGESIZE);
	long long *dev_ns, *anon_ns, *ratios, dev, anon, ratio, free_kb;
	char *end, name[40];
	size_t len;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "pages=", 6))
			arg = &pages;
		else if (!strncmp(argv[i], "rounds=", 7))
			arg = &rounds;
		else
			goto usage;
		*arg = strtoul(strchr(argv[i], '=') + 1, &end, 0);
		if (*end || !*arg || *arg > 1000000 || (arg == &rounds && *arg < 5))
			goto usage;
	}
	len = pages * page;
	free_kb = smm_meminfo("MemFree") + smm_meminfo("PerCPULists") + 1;
	if (free_kb > 0 && (long long)(len / 1024) >= free_kb) {
		fprintf(stderr, "fault_bench: %lu pages do not fit in %lld kB of shadow memory\n",
			pages, free_kb);
		return 1;
	}
	fd = smm_open();
	if (fd < 0) {
		fprintf(stderr, "fault_bench: cannot open %s: %s\n", SMM_DEV, strerror(errno));
		return 1;
	}
	dev_ns = calloc(rounds, sizeof(*dev_ns));
	anon_ns = calloc(rounds, sizeof(*anon_ns));
	ratios = calloc(rounds, sizeof(*ratios));
	if (!dev_ns || !anon_ns || !ratios)
		return 1;

	/* Round 0 warms up the caches, the page tables and the per-CPU lists. */
	for (r = 0; r <= rounds; r++) {
		char *p;

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap %s: %s\n", SMM_DEV, strerror(errno));
			return 1;
		}
		dev = touch_ns(p, pages, page);
		munmap(p, len);

		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "fault_bench: mmap anonymous: %s\n", strerror(errno));
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);	/* one fault per 4 KiB page, as ours */
		anon = touch_ns(p, pages, page);
		munmap(p, len);

		if (r) {
			dev_ns[r - 1] = dev;
			anon_ns[r - 1] = anon;
			/* per page, in 1/10000; a round too quick to time counts as 1 ns */
			ratios[r - 1] = dev * 10000 / (anon > 0 ? anon : 1);
		}
	}
	close(fd);
	dev = median(dev_ns, rounds);
	anon = median(anon_ns, rounds);
	ratio = median(ratios, rounds);	/* sorts ratios */

	printf("# demand paging: %lu pages touched once, median of %lu rounds; %s\n",
	       pages, rounds, "host = anonymous mmap");
	printf("%-28s %12s %12s %9s %s\n", "row", "shadow_ns/op", "host_ns/op", "ratio", "spread");
	snprintf(name, sizeof(name), "fault-in %lu pages", pages);
	printf("%-28s %12lld %12lld %4lld.%04lld %lld.%04lld-%lld.%04lld\n", name, dev, anon,
	       ratio / 10000, ratio % 10000, ratios[0] / 10000, ratios[0] % 10000,
	       ratios[rounds - 1] / 10000, ratios[rounds - 1] % 10000);
	return 0;

usage:
	fprintf(stderr, "usage: %s [pages=N] [rounds=N]   (pages 1..1000000, rounds 5..1000000;\n"
		"defaults 1000 and 15)\n", argv[0]);
	return 2;
}
