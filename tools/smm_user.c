// SPDX-License-Identifier: GPL-2.0
/*
 * smm_user.c: opening /dev/shadow_mm and reading the default instance's
 * debugfs files, for shadow_mm_demo, fault_test and fault_bench.
 */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smm_user.h"

/**
 * smm_open() - open /dev/shadow_mm for reading and writing
 *
 * With devtmpfs the node is there as soon as the module is loaded.  Without
 * it, make the node from the numbers the misc class shows in sysfs.
 *
 * Return: the file descriptor, or -1 with errno set.
 */
int smm_open(void)
{
	unsigned int maj, min;
	char buf[32];
	int fd;

	fd = open(SMM_DEV, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	fd = open(SMM_SYSFS_DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;	/* ENOENT: the module is not loaded */
	memset(buf, 0, sizeof(buf));
	if (read(fd, buf, sizeof(buf) - 1) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (sscanf(buf, "%u:%u", &maj, &min) != 2) {
		errno = ENODEV;
		return -1;
	}
	if (mknod(SMM_DEV, S_IFCHR | 0600, makedev(maj, min)) && errno != EEXIST)
		return -1;
	return open(SMM_DEV, O_RDWR | O_CLOEXEC);
}

/**
 * smm_read_file() - read a whole debugfs file of the default instance
 * @name: the file, e.g. "buddyinfo"
 * @buf: where to put it, NUL-terminated
 * @size: size of @buf
 *
 * Return: the length read, or -1 with errno set.
 */
int smm_read_file(const char *name, char *buf, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", SMM_DEBUGFS, name);
	return smm_read_path(path, buf, size);
}

/**
 * smm_cat() - copy a debugfs file of the default instance to stdout
 * @name: the file, e.g. "buddyinfo"
 *
 * Return: 0, or -1 with errno set.
 */
int smm_cat(const char *name)
{
	static char buf[1 << 16];

	if (smm_read_file(name, buf, sizeof(buf)) < 0) {
		printf("(cannot read %s/%s: %s)\n", SMM_DEBUGFS, name, strerror(errno));
		return -1;
	}
	fputs(buf, stdout);
	fflush(stdout);
	return 0;
}

/* "key=value" in a mapping line: the value, or NULL. */
static const char *field(const char *line, const char *key)
{
	size_t n = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[n] == '=')
			return p + n + 1;
		p += n;
	}
	return NULL;
}

static void parse_mapping(const char *line, struct smm_mapping *m)
{
	const char *v;

	memset(m, 0, sizeof(*m));
	m->pid = -1;
	m->size_kb = -1;
	m->resident = -1;
	m->tables = -1;
	v = field(line, "pid");
	if (v)
		m->pid = atoi(v);
	v = field(line, "comm");
	if (v)
		sscanf(v, "%31s", m->comm);
	v = field(line, "start");
	if (v)
		m->start = strtoul(v, NULL, 0);
	v = field(line, "end");
	if (v)
		m->end = strtoul(v, NULL, 0);
	v = field(line, "size_kb");
	if (v)
		m->size_kb = atoll(v);
	v = field(line, "resident");
	if (v)
		m->resident = atoll(v);
	v = field(line, "tables");
	if (v)
		m->tables = atoll(v);
}

/**
 * smm_read_faults() - read and parse the faults file of the default instance
 * @f: where to put the counters and the mapping lines
 *
 * Only the first word and the second field of each counter line count;
 * the rest of the line is commentary.  "mapping" lines are parsed by key,
 * and keys this parser does not know are skipped; "mm" lines (one per
 * process shadow page table) are only counted.
 *
 * Return: 0, or -1 if the file cannot be read or a counter is missing.
 */
int smm_read_faults(struct smm_faults *f)
{
	static const struct {
		const char *name;
		size_t off;
	} counters[] = {
		{ "faults", offsetof(struct smm_faults, faults) },
		{ "refaults", offsetof(struct smm_faults, refaults) },
		{ "sigbus", offsetof(struct smm_faults, sigbus) },
		{ "pages_mapped", offsetof(struct smm_faults, pages_mapped) },
		{ "pages_returned", offsetof(struct smm_faults, pages_returned) },
		{ "pages_resident", offsetof(struct smm_faults, pages_resident) },
		{ "mappings", offsetof(struct smm_faults, mappings) },
	};
	const size_t nr = sizeof(counters) / sizeof(*counters);
	char *buf, *line, *save = NULL, name[32];
	long long val;
	size_t i;
	int ret = 0;

	for (i = 0; i < nr; i++)
		*(long long *)((char *)f + counters[i].off) = -1;
	f->nr_map = 0;
	buf = malloc(1 << 18);
	if (!buf || smm_read_file("faults", buf, 1 << 18) < 0) {
		free(buf);
		return -1;
	}
	f->nr_mm = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* One line per process shadow page table: counted, not parsed. */
		if (!strncmp(line, "mm ", 3)) {
			f->nr_mm++;
			continue;
		}
		if (!strncmp(line, "mapping ", 8)) {
			if (f->nr_map < SMM_MAX_MAPPINGS)
				parse_mapping(line, &f->map[f->nr_map++]);
			continue;
		}
		if (sscanf(line, "%31s %lld", name, &val) != 2)
			continue;
		for (i = 0; i < nr; i++)
			if (!strcmp(name, counters[i].name))
				*(long long *)((char *)f + counters[i].off) = val;
	}
	free(buf);
	for (i = 0; i < nr; i++)
		if (*(long long *)((char *)f + counters[i].off) < 0)
			ret = -1;
	return ret;
}

/**
 * smm_find_mapping() - a mapping line of a process
 * @f: the parsed faults file
 * @pid: the process
 * @start: the mapping's start address, or 0 for the first of @pid
 *
 * Return: the line, or NULL.
 */
const struct smm_mapping *smm_find_mapping(const struct smm_faults *f, pid_t pid,
					   unsigned long start)
{
	int i;

	for (i = 0; i < f->nr_map; i++)
		if (f->map[i].pid == pid && (!start || f->map[i].start == start))
			return &f->map[i];
	return NULL;
}

/**
 * smm_pid_resident() - pages resident in all the mappings of a process
 * @f: the parsed faults file
 * @pid: the process
 * @lines: if not NULL, set to the number of its mapping lines
 *
 * Return: the sum of their resident= fields.
 */
long long smm_pid_resident(const struct smm_faults *f, pid_t pid, int *lines)
{
	long long sum = 0;
	int i, n = 0;

	for (i = 0; i < f->nr_map; i++) {
		if (f->map[i].pid != pid)
			continue;
		sum += f->map[i].resident;
		n++;
	}
	if (lines)
		*lines = n;
	return sum;
}

/**
 * smm_meminfo() - one value of the default instance's meminfo
 * @key: the name without the colon, e.g. "MemFree"
 *
 * Return: the value in kB, or -1.
 */
long long smm_meminfo(const char *key)
{
	static char buf[8192];
	size_t n = strlen(key);
	char *line;

	if (smm_read_file("meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, key, n) && line[n] == ':')
			return atoll(line + n + 1);
	return -1;
}

/**
 * smm_zone_free_kb() - a zone's free pages, from the default instance's zoneinfo
 * @zone: the zone's name as zoneinfo prints it, e.g. "Movable"
 * @managed_kb: set to the zone's managed pages, in kB, if not NULL
 *
 * Return: its "pages free" in kB, or -1 if the zone is not listed.
 */
long long smm_zone_free_kb(const char *zone, long long *managed_kb)
{
	static char buf[65536];
	char head[64], *line, *m;
	long long kb = sysconf(_SC_PAGESIZE) / 1024;

	if (smm_read_file("zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(head, sizeof(head), "Node 0, zone %8s\n", zone);
	line = strstr(buf, head);
	if (!line)
		return -1;
	line += strlen(head);
	m = strstr(line, "managed");
	if (managed_kb)
		*managed_kb = m ? atoll(m + strlen("managed")) * kb : -1;
	if (strncmp(line, "  pages free", 12))
		return -1;
	return atoll(line + 12) * kb;
}

/**
 * smm_control() - write one command to the default instance's control file
 * @cmd: the command, e.g. "drain"
 *
 * Return: 0, or -1 with errno set.
 */
int smm_control(const char *cmd)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/control", SMM_DEBUGFS);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, cmd, strlen(cmd));
	close(fd);
	return n == (ssize_t)strlen(cmd) ? 0 : -1;
}

/**
 * smm_read_vmstat() - read the vmstat file of the default instance
 * @v: where to put the counters; a missing one reads as -1
 *
 * The file has /proc/vmstat's format, "name value" a line; names this
 * parser does not know are skipped.
 *
 * Return: 0, or -1 if the file cannot be read or a counter is missing.
 */
int smm_read_vmstat(struct smm_vm *v)
{
	static const struct {
		const char *name;
		size_t off;
	} counters[] = {
#define C(x) { #x, offsetof(struct smm_vm, x) }
		C(nr_free_pages), C(pgfault), C(pgmajfault), C(pswpin), C(pswpout),
		C(pgscan_kswapd), C(pgscan_direct), C(pgsteal_kswapd), C(pgsteal_direct),
		C(pgactivate), C(pgdeactivate), C(allocstall), C(cow_fault),
#undef C
	};
	const size_t nr = sizeof(counters) / sizeof(*counters);
	static char buf[1 << 14];
	char *line, *save = NULL, name[64];
	long long val;
	size_t i;
	int ret = 0;

	for (i = 0; i < nr; i++)
		*(long long *)((char *)v + counters[i].off) = -1;
	if (smm_read_file("vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63s %lld", name, &val) != 2)
			continue;
		for (i = 0; i < nr; i++)
			if (!strcmp(name, counters[i].name))
				*(long long *)((char *)v + counters[i].off) = val;
	}
	for (i = 0; i < nr; i++)
		if (*(long long *)((char *)v + counters[i].off) < 0)
			ret = -1;
	return ret;
}

/**
 * smm_vmstat() - one counter of the default instance's vmstat file
 * @key: its name, e.g. "pswpout"
 *
 * Return: the value, or -1.
 */
long long smm_vmstat(const char *key)
{
	static char buf[1 << 14];
	char *line, *save = NULL, name[64];
	long long val;

	if (smm_read_file("vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%63s %lld", name, &val) == 2 && !strcmp(name, key))
			return val;
	return -1;
}

/**
 * smm_read_swaps() - the swap areas of the default instance
 * @size_kb: if not NULL, set to their total Size (kB)
 * @used_kb: if not NULL, set to their total Used (kB)
 *
 * The swaps file has /proc/swaps's format: a header line, "Filename Type
 * Size Used Priority", then one line per area.
 *
 * Return: the number of areas listed, or -1 if the file cannot be read or
 * its header is not /proc/swaps's.
 */
int smm_read_swaps(long long *size_kb, long long *used_kb)
{
	static char buf[4096];
	char *line, *save = NULL, fname[256], type[32];
	long long size, used, s = 0, u = 0;
	int prio, n = 0;

	if (size_kb)
		*size_kb = -1;
	if (used_kb)
		*used_kb = -1;
	if (smm_read_file("swaps", buf, sizeof(buf)) < 0)
		return -1;
	line = strtok_r(buf, "\n", &save);
	if (!line || strncmp(line, "Filename", 8) || !strstr(line, "Type") ||
	    !strstr(line, "Size") || !strstr(line, "Used") || !strstr(line, "Priority"))
		return -1;
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (sscanf(line, "%255s %31s %lld %lld %d", fname, type, &size, &used, &prio) != 5)
			return -1;
		s += size;
		u += used;
		n++;
	}
	if (size_kb)
		*size_kb = s;
	if (used_kb)
		*used_kb = u;
	return n;
}

/**
 * smm_swap_pages() - the default instance's swap, in pages
 *
 * Return: meminfo's SwapTotal in pages, or, if meminfo has no such line,
 * the size of the areas the swaps file lists; 0 without swap (swap_mb=0,
 * or a module that has no swap at all).
 */
int smm_swap_pages(void)
{
	long long kb = smm_meminfo("SwapTotal");

	if (kb < 0 && smm_read_swaps(&kb, NULL) < 0)
		kb = 0;
	return kb > 0 ? kb / (sysconf(_SC_PAGESIZE) / 1024) : 0;
}

/**
 * smm_check_tables() - run the instance's checker
 *
 * ``check`` compares the buddy allocator's invariants and every process's
 * shadow page table with what the process really maps, and fails with
 * EUCLEAN on the first disagreement.
 *
 * Return: 0, or the errno of the write.
 */
int smm_check_tables(void)
{
	return smm_write(SMM_DEBUGFS "/control", "check");
}

/**
 * smm_write() - write a string to a file in one write()
 * @path: the file, e.g. a control file
 * @text: what to write
 *
 * Return: 0, or the errno of open() or write() (a short write is EIO).
 */
int smm_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, text, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	close(fd);
	return err;
}

/**
 * smm_read_path() - read a whole file
 * @path: the file
 * @buf: where to put it, NUL-terminated
 * @size: size of @buf
 *
 * Return: the length read, or -1 with errno set.
 */
int smm_read_path(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/**
 * smm_errname() - the symbolic name of an errno value
 * @err: the value, or 0
 *
 * Return: "ok", "EINVAL", ... or "errno N" for the rest.
 */
const char *smm_errname(int err)
{
	static char other[16];

	switch (err) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EIO: return "EIO";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EUCLEAN: return "EUCLEAN";
	case EFAULT: return "EFAULT";
	}
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

/* Pass and fail counts, in shared memory so that forked tests add to them. */
static struct {
	int pass, fail, skip;
} *tally;
static const char *check_prefix = "";

/**
 * smm_check_init() - set up the counts of smm_check()
 * @prefix: put before every check's name, e.g. "fault: "
 */
void smm_check_init(const char *prefix)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_prefix = prefix;
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	if (tally == MAP_FAILED) {
		perror("mmap");
		exit(100);
	}
}

/**
 * smm_check() - print one check, as the host counts them
 * @ok: did it pass?
 * @name: what it checks
 * @fmt: why it failed, printed only then
 *
 * Prints "SMM-CHECK pass PREFIX NAME" or "SMM-CHECK fail PREFIX NAME: why".
 */
void smm_check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("SMM-CHECK pass %s%s\n", check_prefix, name);
		tally->pass++;
	} else {
		printf("SMM-CHECK fail %s%s: ", check_prefix, name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		tally->fail++;
	}
	fflush(stdout);
}

/**
 * smm_skip() - a check that cannot run here, which the host counts as skipped
 * @name: what it would check
 * @fmt: why it cannot run
 *
 * Prints "SMM-CHECK skip PREFIX NAME: why".
 */
void smm_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("SMM-CHECK skip %s%s: ", check_prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tally->skip++;
}

/**
 * smm_note() - an informational line, which the host ignores
 * @fmt: the text
 */
void smm_note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/**
 * smm_check_failed() - the checks failed so far
 *
 * Return: their number.
 */
int smm_check_failed(void)
{
	return tally->fail;
}

/**
 * smm_check_done() - print the totals
 * @tool: the program's name
 *
 * Return: the exit status: the number of failed checks, at most 100.
 */
int smm_check_done(const char *tool)
{
	printf("%s: %d checks, %d failed, %d skipped\n", tool, tally->pass + tally->fail,
	       tally->fail, tally->skip);
	return tally->fail > 100 ? 100 : tally->fail;
}

/**
 * smm_run_test() - run one test in a process of its own
 * @name: the check that fails if the process does not end well
 * @fn: the test; it prints its own checks, and exits non-zero (or returns
 *	after _exit(1)) only when it could not set up
 *
 * A signal that kills the test process (a stray access to a page the
 * process no longer owns, say) fails @name instead of the whole tool, and
 * the next test starts from a clean process.
 */
void smm_run_test(const char *name, void (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		smm_check(0, name, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		smm_check(0, name, "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(st))
		smm_check(0, name, "the test process died by signal %d (%s)", WTERMSIG(st),
			  strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st))
		smm_check(0, name, "the test process could not set up (exit status %d: mmap, pipe or fork failed)",
			  WEXITSTATUS(st));
}

/**
 * smm_read_byte() - one byte from a pipe, with a deadline
 * @fd: the pipe's read end
 * @secs: how long to wait
 *
 * Return: the byte, or 0 if none came within @secs seconds (or EOF).
 */
char smm_read_byte(int fd, int secs)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, secs * 1000) != 1 || read(fd, &c, 1) != 1)
		return 0;
	return c;
}

/**
 * smm_fork_peer() - fork() with two pipes between parent and child
 * @pr: filled in with the other side's ends (and the child's pid)
 *
 * Return: 0 in the child, 1 in the parent, -1 if it could not.
 */
int smm_fork_peer(struct smm_peer *pr)
{
	int up[2], down[2];

	if (pipe(up))
		return -1;
	if (pipe(down)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	fflush(stdout);
	pr->pid = fork();
	if (pr->pid < 0) {
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
		return -1;
	}
	if (!pr->pid) {
		close(up[0]);
		close(down[1]);
		pr->up = down[0];	/* the child reads what the parent sends down */
		pr->down = up[1];
		return 0;
	}
	close(up[1]);
	close(down[0]);
	pr->up = up[0];
	pr->down = down[1];
	return 1;
}

/* smm_peer_say() - send @c to the other side; 1 if it went. */
int smm_peer_say(struct smm_peer *pr, char c)
{
	return write(pr->down, &c, 1) == 1;
}

/* smm_peer_hear() - 1 if the other side's next byte, within 120 s, is @want. */
int smm_peer_hear(struct smm_peer *pr, char want)
{
	return smm_read_byte(pr->up, 120) == want;
}

/* smm_peer_ask() - send @c and wait for the other side to answer with it. */
int smm_peer_ask(struct smm_peer *pr, char c)
{
	return smm_peer_say(pr, c) && smm_peer_hear(pr, c);
}

/**
 * smm_peer_reap() - close the pipes and wait for the child
 * @pr: the peer
 *
 * Return: its wait status, or -1 if waitpid() failed.
 */
int smm_peer_reap(struct smm_peer *pr)
{
	int st;

	close(pr->down);
	close(pr->up);
	if (waitpid(pr->pid, &st, 0) != pr->pid)
		return -1;
	return st;
}
