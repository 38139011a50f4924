// SPDX-License-Identifier: GPL-2.0
/*
 * inject_test: every layer of shadow_mm with allocation failures injected.
 *
 * Run as root with shadow_mm loaded and nothing else using it.  It drives
 * the fail_page_alloc/ and failslab/ knobs of an instance (see "DOC: fault
 * injection" in shadow_mm/inject.c) and checks:
 *
 * - the knobs mean what the kernel's mean: probability, times, interval,
 *   space, min-order, ignore-gfp-highmem, and our sites filter;
 * - for each allocation site in turn (pages, slab, pgtable, vmalloc, and
 *   failslab), under each slab strategy, a workload through the control
 *   file sees only success or ENOMEM, the commands that reach the site do
 *   fail, and once everything is freed the pages are all back and the
 *   invariant checks pass;
 * - in the fault handler (fault and pgtable sites), a touch gets SIGBUS or
 *   its page, mmap() gets ENOMEM or its mapping, and nothing leaks.
 *
 * Prints "SMM-CHECK pass|fail inject: ..." lines and exits with the number
 * of failed checks (at most 100).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "smm_user.h"

#define INST	"inj"

static size_t ps;

/* Write @text to @inst's file @file; the errno, or 0. */
static int put(const char *inst, const char *file, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s/%s", SMM_ROOT, inst, file);
	return smm_write(path, text);
}

/* One command to @inst's control file. */
static int ctl(const char *inst, const char *cmd)
{
	return put(inst, "control", cmd);
}

/* Set a knob of fail_page_alloc or failslab; a refusal fails a check. */
static void knob(const char *inst, const char *dir, const char *name, const char *val)
{
	char file[96], what[160];
	int err;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	err = put(inst, file, val);
	if (err) {
		snprintf(what, sizeof(what), "%s/%s/%s accepts '%s'", inst, dir, name, val);
		smm_check(0, what, "%s", smm_errname(err));
	}
}

/* Disarm both directories of @inst, and make the next arming quiet. */
static void disarm(const char *inst)
{
	knob(inst, "fail_page_alloc", "probability", "0");
	knob(inst, "fail_page_alloc", "verbose", "0");
	knob(inst, "fail_page_alloc", "interval", "1");
	knob(inst, "fail_page_alloc", "space", "0");
	knob(inst, "fail_page_alloc", "times", "-1");
	knob(inst, "fail_page_alloc", "min-order", "0");
	knob(inst, "fail_page_alloc", "ignore-gfp-highmem", "0");
	knob(inst, "fail_page_alloc", "sites", "all");
	knob(inst, "failslab", "probability", "0");
	knob(inst, "failslab", "verbose", "0");
	knob(inst, "failslab", "interval", "1");
	knob(inst, "failslab", "space", "0");
	knob(inst, "failslab", "times", "-1");
}

/* A number from a file of @inst (the first integer after @key, or the file's first). */
static long long read_num(const char *inst, const char *file, const char *key)
{
	static char buf[1 << 16];
	char path[256], *p;

	snprintf(path, sizeof(path), "%s/%s/%s", SMM_ROOT, inst, file);
	if (smm_read_path(path, buf, sizeof(buf)) < 0)
		return -1;
	p = buf;
	if (key) {
		p = strstr(buf, key);
		if (!p)
			return -1;
		p += strlen(key);
	}
	while (*p == ' ' || *p == ':' || *p == '\t')
		p++;
	return atoll(p);
}

static long long read_injected(const char *inst, const char *dir)
{
	char file[64];

	snprintf(file, sizeof(file), "%s/injected", dir);
	return read_num(inst, file, NULL);
}

/* Free memory plus page-table pages, in kB: what must come back. */
static long long conserved(const char *inst)
{
	ctl(inst, "drain");
	return read_num(inst, "meminfo", "\nMemFree") + read_num(inst, "meminfo", "\nPageTables");
}

/* Give every cache's free slabs back (slab caches keep them otherwise). */
static void shrink_all(const char *inst)
{
	static char buf[1 << 16];
	char path[256], name[64], cmd[96], *line;

	snprintf(path, sizeof(path), "%s/%s/slabinfo", SMM_ROOT, inst);
	if (smm_read_path(path, buf, sizeof(buf)) < 0)
		return;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s", name) != 1)
			continue;
		snprintf(cmd, sizeof(cmd), "cache_shrink name=%s", name);
		ctl(inst, cmd);
	}
}

/* The invariants after a run: check, pgtable_check, and the pages back. */
static void invariants(const char *inst, const char *what, long long before)
{
	char path[256], buf[512], name[160];
	long long after;
	int err;

	shrink_all(inst);
	after = conserved(inst);
	err = ctl(inst, "check");
	snprintf(path, sizeof(path), "%s/%s/pgtable_check", SMM_ROOT, inst);
	if (smm_read_path(path, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	snprintf(name, sizeof(name), "%s: the buddy check and pgtable_check pass", what);
	smm_check(!err && !strncmp(buf, "ok:", 3), name, "check: %s; pgtable_check: %.100s",
		  smm_errname(err), buf);
	snprintf(name, sizeof(name), "%s: every page is back (MemFree + PageTables)", what);
	smm_check(before > 0 && after == before, name, "%lld kB before, %lld kB after", before,
		  after);
}

/* ---- the knobs themselves ------------------------------------------- */

/* @n allocations of 2^@order pages in @zone; how many failed with ENOMEM. */
static int allocs(const char *inst, int n, int order, const char *zone, int *other)
{
	char cmd[128];
	int i, failed = 0, err;

	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "alloc order=%d zone=%s tag=k%d", order, zone, i);
		err = ctl(inst, cmd);
		if (err == ENOMEM)
			failed++;
		else if (err)
			(*other)++;
	}
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "free tag=k%d", i);
		ctl(inst, cmd);
	}
	return failed;
}

/* Garbage into every knob one can write: refused, and nothing changes. */
static void test_knob_garbage(const char *inst)
{
	static const struct {
		const char *file, *text;
	} bad[] = {
		{ "fail_page_alloc/probability", "abc" },
		{ "fail_page_alloc/probability", "" },
		{ "fail_page_alloc/interval", "1x" },
		{ "fail_page_alloc/times", "zz" },
		{ "fail_page_alloc/min-order", "-" },
		{ "fail_page_alloc/sites", "" },
		{ "fail_page_alloc/sites", "slab,,bogus" },
		{ "fail_page_alloc/sites", "0123456789012345678901234567890123456789012345678901234567890123456789" },
		{ "fail_page_alloc/injected", "5" },
		{ "failslab/probability", "1e2" },
		{ "failslab/space", "x" },
	};
	char before[4][128], after[4][128], path[256];
	static const char *const show[] = {
		"fail_page_alloc/probability", "fail_page_alloc/sites", "fail_page_alloc/injected",
		"failslab/probability",
	};
	int i, refused = 0, same = 1, err, other = 0;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", SMM_ROOT, inst, show[i]);
		smm_read_path(path, before[i], sizeof(before[i]));
	}
	for (i = 0; i < (int)(sizeof(bad) / sizeof(*bad)); i++) {
		err = put(inst, bad[i].file, bad[i].text);
		if (err == EINVAL || err == EACCES)
			refused++;
		else if (!err)
			smm_note("knobs: '%s' > %s was accepted", bad[i].text, bad[i].file);
		else
			other++;
	}
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", SMM_ROOT, inst, show[i]);
		smm_read_path(path, after[i], sizeof(after[i]));
		same &= !strcmp(before[i], after[i]);
	}
	/* A debugfs bool ignores what it cannot parse: unchanged is what counts. */
	put(inst, "fail_page_alloc/ignore-gfp-highmem", "maybe");
	snprintf(path, sizeof(path), "%s/%s/fail_page_alloc/ignore-gfp-highmem", SMM_ROOT, inst);
	smm_read_path(path, after[0], sizeof(after[0]));
	same &= !strcmp(after[0], "N\n");
	smm_check(refused == (int)(sizeof(bad) / sizeof(*bad)) && same && !other,
		  "knobs: garbage is refused (EINVAL, or EACCES for injected) and changes nothing",
		  "%d of %zu refused, %d other errors, values %s", refused,
		  sizeof(bad) / sizeof(*bad), other, same ? "unchanged" : "changed");
}

static void test_knobs(const char *inst)
{
	long long inj0, inj1;
	int other = 0, f;
	char buf[128], path[256];

	disarm(inst);
	f = allocs(inst, 5, 0, "NORMAL", &other);
	smm_check(f == 0 && !other, "knobs: probability 0 fails nothing",
		  "%d failed, %d other errors",
		  f, other);

	inj0 = read_injected(inst, "fail_page_alloc");
	knob(inst, "fail_page_alloc", "times", "3");
	knob(inst, "fail_page_alloc", "probability", "100");
	f = allocs(inst, 5, 0, "NORMAL", &other);
	inj1 = read_injected(inst, "fail_page_alloc");
	smm_check(f == 3 && !other && inj1 - inj0 == 3 &&
		  read_num(inst, "fail_page_alloc/times", NULL) == 0,
		  "knobs: times=3 fails three, then none",
		  "%d of 5 failed, %d other errors, injected +%lld, times now %lld",
		  f, other, inj1 - inj0, read_num(inst, "fail_page_alloc/times", NULL));

	knob(inst, "fail_page_alloc", "times", "-1");
	knob(inst, "fail_page_alloc", "interval", "3");
	f = allocs(inst, 9, 0, "NORMAL", &other);
	smm_check(f == 3 && !other, "knobs: interval=3 fails every third", "%d of 9 failed", f);
	knob(inst, "fail_page_alloc", "interval", "1");

	/* space: calls use it up while it is larger than their size (pages). */
	knob(inst, "fail_page_alloc", "space", "8");
	f = allocs(inst, 10, 0, "NORMAL", &other);
	smm_check(f == 3 && !other, "knobs: space=8 lets seven one-page calls through",
		  "%d of 10 failed (want 3)", f);
	knob(inst, "fail_page_alloc", "space", "0");

	knob(inst, "fail_page_alloc", "min-order", "2");
	f = allocs(inst, 3, 1, "NORMAL", &other);
	smm_check(f == 0, "knobs: min-order=2 spares order 1", "%d of 3 failed", f);
	f = allocs(inst, 3, 2, "NORMAL", &other);
	smm_check(f == 3, "knobs: min-order=2 fails order 2", "%d of 3 failed", f);
	knob(inst, "fail_page_alloc", "min-order", "0");

	knob(inst, "fail_page_alloc", "ignore-gfp-highmem", "1");
	f = allocs(inst, 3, 0, "HIGHMEM", &other);
	smm_check(f == 0, "knobs: ignore-gfp-highmem spares HIGHMEM requests", "%d of 3 failed", f);
	f = allocs(inst, 3, 0, "DMA", &other);
	smm_check(f == 3, "knobs: ignore-gfp-highmem still fails DMA requests", "%d of 3 failed",
		  f);
	knob(inst, "fail_page_alloc", "ignore-gfp-highmem", "0");

	knob(inst, "fail_page_alloc", "sites", "slab vmalloc");
	snprintf(path, sizeof(path), "%s/%s/fail_page_alloc/sites", SMM_ROOT, inst);
	smm_read_path(path, buf, sizeof(buf));
	f = allocs(inst, 3, 0, "NORMAL", &other);
	smm_check(f == 0 && !strcmp(buf, "slab vmalloc\n"),
		  "knobs: sites=slab,vmalloc spares direct page allocations",
		  "%d of 3 failed; sites reads '%.40s'", f, buf);
	smm_check(put(inst, "fail_page_alloc/sites", "slab bogus") == EINVAL &&
		  smm_read_path(path, buf, sizeof(buf)) > 0 && !strcmp(buf, "slab vmalloc\n"),
		  "knobs: a bad site is refused with EINVAL and changes nothing",
		  "sites reads '%.40s'",
		  buf);
	disarm(inst);
	smm_check(!other, "knobs: nothing but ENOMEM", "%d other errors", other);
	test_knob_garbage(inst);
}

/* ---- one site at a time, through the control file ------------------- */

/*
 * The workload: each command, the sites it always reaches, and the command
 * it needs to have worked (index + 1, or 0).  cache_create reaches no site
 * for sure: under SLAB it takes its per-CPU arrays from kmalloc, so
 * failslab and the slab pages can fail it (ENOMEM), as they can the
 * kernel's kmem_cache_create(); then the cache_alloc after it finds no
 * cache (EINVAL), which is right.
 */
static const struct {
	const char *cmd;
	const char *free;
	const char *reaches;	/* site names, space-separated */
	unsigned int needs;
} work[] = {
	{ "alloc order=1 count=8 tag=p", "free tag=p", "pages", 0 },
	{ "cache_create name=c size=192", "cache_destroy name=c", "", 0 },
	{ "cache_alloc name=c count=64 tag=o", "free tag=o", "slab failslab", 2 },
	{ "kmalloc size=100 count=200 tag=k", "free tag=k", "slab failslab", 0 },
	{ "kmalloc size=20000 count=2 tag=l", "free tag=l", "slab", 0 },
	{ "vmalloc size=40000 count=2 tag=v", "free tag=v", "vmalloc pgtable", 0 },
	{ "vmalloc size=300000 tag=w", "free tag=w", "vmalloc pgtable", 0 },
};

#define NWORK	(sizeof(work) / sizeof(*work))

/*
 * Run the workload; each command's errno goes to @err.  Then free what
 * succeeded, in reverse.
 */
static void run_work(const char *inst, int *err)
{
	size_t i;

	for (i = 0; i < NWORK; i++)
		err[i] = ctl(inst, work[i].cmd);
	for (i = NWORK; i-- > 0;)
		if (!err[i])
			ctl(inst, work[i].free);
}

/* Command @i needs one that failed: it must fail with EINVAL, and nothing else counts. */
static int unmet(size_t i, const int *err)
{
	return work[i].needs && err[work[i].needs - 1];
}

static int reaches(size_t i, const char *site)
{
	const char *p = strstr(work[i].reaches, site);
	size_t n = strlen(site);

	return p && (p == work[i].reaches || p[-1] == ' ') && (!p[n] || p[n] == ' ');
}

static void test_site(const char *strategy, const char *site)
{
	const int slab = !strcmp(site, "failslab");
	const char *dir = slab ? "failslab" : "fail_page_alloc";
	int err[NWORK], bad = 0, missed = 0, round, failures = 0;
	char what[96], why[256] = "";
	long long before, inj0;
	size_t i;

	snprintf(what, sizeof(what), "%s, %s", strategy, site);
	disarm(INST);
	shrink_all(INST);
	before = conserved(INST);
	inj0 = read_injected(INST, dir);
	if (!slab)
		knob(INST, dir, "sites", site);
	knob(INST, dir, "probability", "100");
	run_work(INST, err);
	for (i = 0; i < NWORK; i++) {
		if (unmet(i, err)) {
			if (err[i] != EINVAL) {
				bad++;
				snprintf(why + strlen(why), sizeof(why) - strlen(why),
					 "'%s' after a failed prerequisite: %s; ", work[i].cmd,
					 smm_errname(err[i]));
			}
			continue;
		}
		if (err[i] && err[i] != ENOMEM) {
			bad++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why), "'%s': %s; ",
				 work[i].cmd, smm_errname(err[i]));
		}
		if (reaches(i, site) && err[i] != ENOMEM) {
			missed++;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "'%s' did not fail; ",
				 work[i].cmd);
		}
	}
	snprintf(what, sizeof(what), "%s, %s: every command that reaches the site gets ENOMEM",
		 strategy, site);
	smm_check(!bad && !missed && read_injected(INST, dir) > inj0, what, "%s", why);

	/* Now one in four, several times over: failures land mid-way. */
	knob(INST, dir, "probability", "25");
	bad = 0;
	for (round = 0; round < 8; round++) {
		run_work(INST, err);
		for (i = 0; i < NWORK; i++) {
			if (unmet(i, err)) {
				bad += err[i] != EINVAL;
				continue;
			}
			bad += err[i] && err[i] != ENOMEM;
			failures += err[i] == ENOMEM;
		}
	}
	disarm(INST);
	snprintf(what, sizeof(what), "%s, %s: at 25%%, only success or ENOMEM", strategy, site);
	smm_check(!bad, what, "%d commands failed otherwise (%d with ENOMEM)", bad, failures);
	snprintf(what, sizeof(what), "%s, %s", strategy, site);
	invariants(INST, what, before);
}

static void test_sites(void)
{
	static const char *const strategies[] = { "slab", "slub", "slob" };
	static const char *const sites[] = { "pages", "slab", "pgtable", "vmalloc", "failslab" };
	char cmd[128];
	int err[NWORK];
	size_t s, i;

	for (s = 0; s < 3; s++) {
		snprintf(cmd, sizeof(cmd), "create name=%s arena_mb=16 slab=%s", INST,
			 strategies[s]);
		if (smm_write(SMM_ROOT "/control", cmd)) {
			smm_check(0, "a fresh instance for the sites", "'%s' failed", cmd);
			continue;
		}
		disarm(INST);
		/*
		 * pgtable first, on a fresh instance: vmalloc keeps its page
		 * tables after vfree (as vunmap_range() does), so later runs
		 * would need none.  The others after a warm-up, so that the
		 * tables the warm-up leaves are in every baseline.
		 */
		test_site(strategies[s], "pgtable");
		run_work(INST, err);
		for (i = 0; i < 5; i++)
			if (strcmp(sites[i], "pgtable"))
				test_site(strategies[s], sites[i]);
		snprintf(cmd, sizeof(cmd), "destroy name=%s", INST);
		smm_check(!smm_write(SMM_ROOT "/control", cmd),
			  "the instance is destroyed after its sites",
			  "'%s' failed", cmd);
	}
}

/* ---- the fault handler --------------------------------------------- */

static sigjmp_buf env;

static void on_sigbus(int sig)
{
	siglongjmp(env, sig);
}

/* Touch one byte for writing; the signal it raised, or 0. */
static int touch(volatile char *p, char v)
{
	int sig = sigsetjmp(env, 1);

	if (!sig)
		*p = v;
	return sig;
}

static void test_fault(void)
{
	const char *D = "default";
	struct smm_faults a, b;
	struct sigaction sa;
	int fd, i, sigbus = 0, ok = 0, other = 0, data = 1;
	long long before;
	const int n = 64;
	char *p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	disarm(D);
	before = conserved(D);

	/* pgtable: mmap() takes the mapping's PGD, so it fails. */
	knob(D, "fail_page_alloc", "sites", "pgtable");
	knob(D, "fail_page_alloc", "probability", "100");
	fd = smm_open();
	p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	smm_check(p == MAP_FAILED && errno == ENOMEM,
		  "fault: with page tables failing, mmap gets ENOMEM",
		  "mmap %s (%s)", p == MAP_FAILED ? "failed" : "succeeded", smm_errname(errno));
	if (p != MAP_FAILED)
		munmap(p, n * ps);
	disarm(D);

	p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		smm_check(0, "fault: mmap without injection", "%s", strerror(errno));
		return;
	}
	/* pgtable: the first touch needs the lower tables: SIGBUS. */
	smm_read_faults(&b);
	knob(D, "fail_page_alloc", "sites", "pgtable");
	knob(D, "fail_page_alloc", "probability", "100");
	i = touch(p, 1);
	smm_read_faults(&a);
	smm_check(i == SIGBUS && a.sigbus == b.sigbus + 1,
		  "fault: with page tables failing, a first touch gets SIGBUS",
		  "signal %d, sigbus +%lld", i, a.sigbus - b.sigbus);

	/* fault: one in three of the pages fails. */
	knob(D, "fail_page_alloc", "sites", "fault");
	knob(D, "fail_page_alloc", "probability", "33");
	for (i = 0; i < n; i++) {
		int sig = touch(p + i * ps, (char)i);

		if (sig == SIGBUS)
			sigbus++;
		else if (sig)
			other++;
		else
			ok++;
	}
	disarm(D);
	/* Without injection every page comes, and the ones that came kept their data. */
	for (i = 0; i < n; i++) {
		if (p[i * ps] != (char)i && touch(p + i * ps, (char)i))
			other++;
	}
	for (i = 0; i < n; i++)
		data &= p[i * ps] == (char)i;
	smm_check(!other && sigbus > 0 && ok > 0 && data,
		  "fault: at 33%, each touch gets its page or SIGBUS, and every page comes later",
		  "%d pages, %d SIGBUS, %d other signals, data %s", ok, sigbus, other,
		  data ? "intact" : "wrong");
	munmap(p, n * ps);
	smm_read_faults(&a);
	smm_check(a.pages_mapped == a.pages_returned && a.pages_resident == 0,
		  "fault: munmap returns every page that was mapped",
		  "pages_mapped %lld, pages_returned %lld, resident %lld", a.pages_mapped,
		  a.pages_returned, a.pages_resident);
	invariants(D, "fault", before);
}

int main(void)
{
	smm_check_init("inject: ");
	ps = sysconf(_SC_PAGESIZE);
	test_knobs("default");
	test_sites();
	test_fault();
	disarm("default");
	return smm_check_done("inject_test");
}
