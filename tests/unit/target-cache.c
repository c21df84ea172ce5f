/* Unit test for the page cache of src/target/target.c, against a fake back
 * end that serves a computed memory image and records every read: hits and
 * misses, read-ahead bounded by the page and by max_read, no read across a
 * page, strings, invalidation, the LRU bound, errors and their addresses,
 * the batch hooks around physical reads, and the stats.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/target.h"
#include "tap.h"

#define PAGE IOW_TARGET_PAGE_SIZE
#define MAXLOG 4096

struct logged {
	enum iow_space space;
	uint64_t addr;
	size_t len;
};

struct overlay {
	uint64_t addr;
	const char *bytes; /* its NUL is part of it */
};

struct fake {
	struct iow_target t;
	struct logged log[MAXLOG];
	size_t nlog;
	bool crossed_page;   /* a read() spanned two pages */
	bool too_long;       /* a read() was longer than max_read */
	bool outside_batch;  /* a physical read() outside begin/end */
	uint64_t fault_lo[4], fault_hi[4]; /* unreadable [lo, hi) */
	int nfaults;
	bool io_error;       /* the next read fails with an I/O error */
	int begins, ends;
	bool in_batch;
	bool fail_end;       /* batch_end fails */
	const struct overlay *overlays;
};

static uint8_t pattern(enum iow_space space, uint64_t a)
{
	return (uint8_t)(a * 7 + (a >> 8) + (a >> 16) * 3 + (space == IOW_SPACE_PHYS ? 0x55 : 0));
}

static uint8_t byte_at(const struct fake *f, enum iow_space space, uint64_t a)
{
	const struct overlay *o;
	size_t n;

	for (o = f->overlays; o && o->bytes; o++) {
		n = strlen(o->bytes) + 1;
		if (space == IOW_SPACE_VIRT && a >= o->addr && a - o->addr < n)
			return (uint8_t)o->bytes[a - o->addr];
	}
	return pattern(space, a);
}

static struct fake *to_fake(struct iow_target *t)
{
	return (struct fake *)t;
}

static struct iow_error *fake_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				   void *buf, size_t len)
{
	struct fake *f = to_fake(t);
	uint8_t *b = buf;
	size_t i;
	int k;

	if (f->nlog < MAXLOG)
		f->log[f->nlog++] = (struct logged){ space, addr, len };
	if (len == 0 || (addr / PAGE) != ((addr + len - 1) / PAGE))
		f->crossed_page = true;
	if (len > t->max_read)
		f->too_long = true;
	if (space == IOW_SPACE_PHYS && !f->in_batch)
		f->outside_batch = true;
	if (f->io_error) {
		f->io_error = false;
		return iow_error_create(IOW_ERR_IO, "the fake went away");
	}
	for (i = 0; i < len; i++) {
		for (k = 0; k < f->nfaults; k++) {
			if (addr + i >= f->fault_lo[k] && addr + i < f->fault_hi[k]) {
				memset(b, 0xee, len); /* scribble, as a failing back end may */
				return iow_error_at(IOW_ERR_FAULT, addr + i,
						    "cannot read memory at 0x%" PRIx64, addr + i);
			}
		}
		b[i] = byte_at(f, space, addr + i);
	}
	return NULL;
}

static struct iow_error *fake_read_reg(struct iow_target *t, const char *name, uint64_t *val)
{
	(void)t;
	if (strcmp(name, "cr3"))
		return iow_error_create(IOW_ERR_NOTFOUND, "no register %s", name);
	*val = 0x1234000;
	return NULL;
}

static struct iow_error *fake_begin(struct iow_target *t, enum iow_space space)
{
	struct fake *f = to_fake(t);

	if (space == IOW_SPACE_PHYS) {
		f->begins++;
		f->in_batch = true;
	}
	return NULL;
}

static struct iow_error *fake_end(struct iow_target *t, enum iow_space space)
{
	struct fake *f = to_fake(t);

	if (space != IOW_SPACE_PHYS)
		return NULL;
	f->ends++;
	f->in_batch = false;
	if (f->fail_end)
		return iow_error_create(IOW_ERR_REMOTE, "switching back failed");
	return NULL;
}

static int destroyed;

static void fake_destroy(struct iow_target *t)
{
	destroyed++;
	free(to_fake(t));
}

static const struct iow_target_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.read_reg = fake_read_reg,
	.batch_begin = fake_begin,
	.batch_end = fake_end,
	.destroy = fake_destroy,
};

static struct fake *fake_new(size_t max_read)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct iow_error *err;

	if (!f)
		abort();
	err = iow_target_init(&f->t, &fake_ops, max_read);
	if (err) {
		printf("# init: %s\n", err->message);
		abort();
	}
	return f;
}

/* True if BUF holds the image's LEN bytes at ADDR. */
static bool same(const struct fake *f, enum iow_space space, uint64_t addr, const uint8_t *buf,
		 size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != byte_at(f, space, addr + i))
			return false;
	return true;
}

static bool read_ok(struct fake *f, enum iow_space space, uint64_t addr, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct iow_error *err;
	bool ok;

	err = iow_target_read(&f->t, space, addr, buf, len);
	if (err)
		printf("# read 0x%" PRIx64 "+%zu: %s\n", addr, len, err->message);
	ok = !err && same(f, space, addr, buf, len);
	iow_error_destroy(err);
	free(buf);
	return ok;
}

static bool logged_is(const struct fake *f, size_t i, enum iow_space space, uint64_t addr,
		      size_t len)
{
	if (i >= f->nlog) {
		printf("#   read %zu was not made (%zu made)\n", i, f->nlog);
		return false;
	}
	if (f->log[i].space == space && f->log[i].addr == addr && f->log[i].len == len)
		return true;
	printf("#   read %zu: %s 0x%" PRIx64 "+0x%zx, want 0x%" PRIx64 "+0x%zx\n", i,
	       f->log[i].space == IOW_SPACE_PHYS ? "phys" : "virt", f->log[i].addr,
	       f->log[i].len, addr, len);
	return false;
}

static void test_read_ahead(void)
{
	struct fake *f = fake_new(2048);
	const struct iow_target_stats *st = iow_target_stats(&f->t);
	uint64_t total = 0;
	size_t i;

	tap_ok(st->reads == 0 && st->cache_hits == 0 && st->mem_bytes == 0, "stats start at zero");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x10108, 8), "a first read returns the right bytes");
	tap_ok(f->nlog == 1 && logged_is(f, 0, IOW_SPACE_VIRT, 0x10000, 2048),
	       "a miss reads the aligned max_read block around it");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x10000, 0x100), "a read before the missed line");
	tap_ok(f->nlog == 1, "... comes from the cache: neighbours before it came along");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x10a10, 4), "a read in the other half of the page");
	tap_ok(f->nlog == 2 && logged_is(f, 1, IOW_SPACE_VIRT, 0x10800, 0x800),
	       "... reads that half, from its start");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x10000, PAGE), "the whole page is now cached");
	tap_ok(f->nlog == 2, "... with no more reads");

	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x43780, 0x100), "a read across two blocks");
	tap_ok(f->nlog == 3 && logged_is(f, 2, IOW_SPACE_VIRT, 0x43080, 0x800),
	       "... is one read, its window moved back to hold it all");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x43000, 0x40), "a read before those lines");
	tap_ok(f->nlog == 4 && logged_is(f, 3, IOW_SPACE_VIRT, 0x43000, 0x80),
	       "... stops its read-ahead at the first cached line");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x43880, 0x40), "a read just after them");
	tap_ok(f->nlog == 5 && logged_is(f, 4, IOW_SPACE_VIRT, 0x43880, 0x780),
	       "... reads from its line to the end of its block, no further back");

	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x20ff0, 32), "a read across a page boundary");
	tap_ok(f->nlog == 7 && logged_is(f, 5, IOW_SPACE_VIRT, 0x20800, 0x800) &&
		       logged_is(f, 6, IOW_SPACE_VIRT, 0x21000, 2048),
	       "... reads each page on its own");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x30000, 3 * PAGE), "a read of three pages");
	tap_ok(f->nlog == 13, "... takes two max_read reads per page");

	tap_ok(!f->crossed_page, "no read crossed a page");
	tap_ok(!f->too_long, "no read was longer than max_read");
	for (i = 0; i < f->nlog; i++)
		total += f->log[i].len;
	tap_is_u64(st->mem_bytes, total, "mem_bytes counts the back end's bytes");
	tap_is_u64(st->reads, 9, "reads counts the calls");
	tap_is_u64(st->cache_hits, 2, "cache_hits counts the calls served from the cache");
	tap_is_u64(st->cache_misses, 7, "cache_misses counts the others");
	iow_target_destroy(&f->t);
}

static void test_small_max_read(void)
{
	struct fake *f = fake_new(100);
	size_t i;
	bool ok = true;

	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x5000, 300), "max_read 100: the bytes are right");
	for (i = 0; i < f->nlog; i++)
		ok = ok && f->log[i].len == 64;
	tap_ok(ok && f->nlog == 5, "max_read 100: one whole line per read, no read-ahead");
	iow_target_destroy(&f->t);

	f = fake_new(16);
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x5010, 8), "max_read 16: the bytes are right");
	tap_ok(f->nlog == 4 && logged_is(f, 0, IOW_SPACE_VIRT, 0x5000, 16) &&
		       logged_is(f, 3, IOW_SPACE_VIRT, 0x5030, 16),
	       "max_read 16: one line in four reads");
	tap_ok(!f->too_long, "max_read 16: no read longer");
	iow_target_destroy(&f->t);
}

static void test_faults(void)
{
	struct fake *f = fake_new(2048);
	struct iow_error *err;
	uint8_t buf[64];
	size_t before;

	f->fault_lo[0] = 0x50000, f->fault_hi[0] = 0x51000; /* an unmapped page */
	f->fault_lo[1] = 0x60a00, f->fault_hi[1] = 0x61000; /* a stub that stops mid-page */
	f->nfaults = 2;

	err = iow_target_read(&f->t, IOW_SPACE_VIRT, 0x4fff0, buf, 32);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->has_addr && err->addr == 0x50000,
	       "a read running into a bad page fails at the page's first byte");
	iow_error_destroy(err);
	err = iow_target_read(&f->t, IOW_SPACE_VIRT, 0x50010, buf, 8);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->addr == 0x50010,
	       "a read inside a bad page fails at the address asked for, not its line");
	tap_ok(err && strstr(err->message, "0x50010"), "... and the message names it");
	iow_error_destroy(err);
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x4fff0, 16), "the good page before it still reads");

	before = f->nlog;
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x60900, 8),
	       "a read whose read-ahead faults still returns what was asked");
	tap_ok(f->nlog == before + 2 && logged_is(f, before, IOW_SPACE_VIRT, 0x60800, 2048) &&
		       logged_is(f, before + 1, IOW_SPACE_VIRT, 0x60900, 8),
	       "... by asking again for exactly that");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x60900, 16), "the scribbled read-ahead was not kept");
	err = iow_target_read(&f->t, IOW_SPACE_VIRT, 0x609f8, buf, 16);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->addr == 0x60a00,
	       "a read across the fault line fails at the first bad byte");
	iow_error_destroy(err);

	f->io_error = true;
	err = iow_target_read(&f->t, IOW_SPACE_VIRT, 0x70000, buf, 8);
	tap_ok(err && err->code == IOW_ERR_IO, "a back end's I/O error comes through as it is");
	iow_error_destroy(err);
	iow_target_destroy(&f->t);
}

static const struct overlay strings[] = {
	{ 0x80010, "hello" },
	{ 0x80ffa, "across-pages" },
	{ 0x82000, "exactly7" }, /* 8 characters */
	{ 0x83ffd, "abc" },      /* its NUL is the first byte of a bad page */
	{ 0x85ffc, "runs" },     /* no NUL before a bad page: "runs\0" puts NUL in it */
	{ 0 },
};

static void test_strings(void)
{
	struct fake *f = fake_new(2048);
	struct iow_error *err;
	bool cut = true;
	char s[64];
	size_t i;
	bool next_page = false;

	f->overlays = strings;
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x80010, s, sizeof(s), &cut);
	tap_ok(!err && !strcmp(s, "hello") && !cut, "a short string");
	iow_error_destroy(err);
	for (i = 0; i < f->nlog; i++)
		next_page = next_page || f->log[i].addr >= 0x81000;
	tap_ok(f->nlog == 1 && !next_page, "... took one read and nothing of the next page");
	tap_is_u64(iow_target_stats(&f->t)->reads, 1, "... and counts as one read");

	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x80ffa, s, sizeof(s), &cut);
	tap_ok(!err && !strcmp(s, "across-pages") && !cut, "a string across a page boundary");
	iow_error_destroy(err);

	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x82000, s, 9, &cut);
	tap_ok(!err && !strcmp(s, "exactly7") && !cut, "a string that just fits is not cut");
	iow_error_destroy(err);
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x82000, s, 8, &cut);
	tap_ok(!err && !strcmp(s, "exactly") && cut, "one byte less and it is cut");
	iow_error_destroy(err);
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x82000, s, 1, &cut);
	tap_ok(!err && !strcmp(s, "") && cut, "room for the NUL only");
	iow_error_destroy(err);

	f->fault_lo[0] = 0x84000, f->fault_hi[0] = 0x85000;
	f->fault_lo[1] = 0x86000, f->fault_hi[1] = 0x87000;
	f->nfaults = 2;
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x83ffd, s, 4, &cut);
	tap_ok(!err && !strcmp(s, "abc") && cut,
	       "when only the byte after MAX-1 is unreadable, the string is just cut");
	iow_error_destroy(err);
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x85ffc, s, sizeof(s), &cut);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->addr == 0x86000,
	       "a string running into a bad page fails there");
	iow_error_destroy(err);
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x84100, s, sizeof(s), &cut);
	tap_ok(err && err->addr == 0x84100 && s[0] == '\0', "a string in a bad page fails");
	iow_error_destroy(err);
	err = iow_target_read_string(&f->t, IOW_SPACE_VIRT, 0x80010, s, 0, NULL);
	tap_ok(err && err->code == IOW_ERR_INVALID, "no room at all is refused");
	iow_error_destroy(err);
	iow_target_destroy(&f->t);
}

static void test_invalidate_and_lru(void)
{
	struct fake *f = fake_new(4096);
	size_t n;

	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x1000, 8) && f->nlog == 1, "a page is read");
	iow_target_invalidate(&f->t);
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x1000, 8) && f->nlog == 2,
	       "after invalidate it is read again");

	iow_target_set_cache_pages(&f->t, 2);
	read_ok(f, IOW_SPACE_VIRT, 0x2000, 8);
	n = f->nlog;
	read_ok(f, IOW_SPACE_VIRT, 0x3000, 8); /* 0x1000 is the oldest: dropped */
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x2000, 8) && f->nlog == n + 1,
	       "with room for two pages the last two stay");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x1000, 8) && f->nlog == n + 2,
	       "and the least recently used one went");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x2000, PAGE) && f->nlog == n + 2,
	       "the recently used one is still there, whole");
	iow_target_set_cache_pages(&f->t, 1);
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x2000, 3 * PAGE), "a read longer than the cache works");
	iow_target_set_cache_pages(&f->t, IOW_TARGET_CACHE_PAGES);
	iow_target_destroy(&f->t);
}

static void test_phys_and_batch(void)
{
	struct fake *f = fake_new(2048);
	struct iow_error *err;
	uint8_t buf[16];
	uint64_t v = 0;

	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x7000, 8), "a virtual read");
	tap_ok(read_ok(f, IOW_SPACE_PHYS, 0x7000, 8), "a physical read of the same address");
	tap_ok(f->nlog == 2 && f->log[1].space == IOW_SPACE_PHYS,
	       "... is cached apart from the virtual one");
	tap_ok(f->begins == 1 && f->ends == 1, "a physical miss opens and closes one batch");
	tap_ok(read_ok(f, IOW_SPACE_PHYS, 0x8ff0, 0x2000) && f->begins == 2 && f->ends == 2,
	       "a physical read of several pages: still one batch");
	tap_ok(read_ok(f, IOW_SPACE_PHYS, 0x7000, 8) && f->begins == 2,
	       "a physical hit opens none");
	tap_ok(!f->outside_batch, "every physical back-end read was inside its batch");

	f->fault_lo[0] = 0xe000, f->fault_hi[0] = 0xf000;
	f->nfaults = 1;
	err = iow_target_read(&f->t, IOW_SPACE_PHYS, 0xe000, buf, 8);
	tap_ok(err && err->code == IOW_ERR_FAULT && f->ends == f->begins,
	       "a failed physical read still closes its batch");
	iow_error_destroy(err);
	f->fail_end = true;
	err = iow_target_read(&f->t, IOW_SPACE_PHYS, 0xc000, buf, 8);
	tap_ok(err && err->code == IOW_ERR_REMOTE && strstr(err->message, "switching back"),
	       "a failed batch end is reported");
	iow_error_destroy(err);
	err = iow_target_read(&f->t, IOW_SPACE_PHYS, 0xe010, buf, 8);
	tap_ok(err && err->code == IOW_ERR_FAULT && err->addr == 0xe010 &&
		       strstr(err->message, "switching back"),
	       "a read error and a batch-end error come as one, the read's first");
	iow_error_destroy(err);
	f->fail_end = false;

	f->overlays = (const struct overlay[]){ { 0xd000, "\x01\x02\x03\x04\x05\x06\x07\x88" },
						{ 0 } };
	err = iow_target_read_u64(&f->t, IOW_SPACE_VIRT, 0xd000, &v);
	tap_ok(!err && v == UINT64_C(0x8807060504030201), "read_u64 is little-endian");
	iow_error_destroy(err);
	{
		uint32_t w = 0;

		err = iow_target_read_u32(&f->t, IOW_SPACE_VIRT, 0xd004, &w);
		tap_ok(!err && w == 0x88070605u, "read_u32 is little-endian");
		iow_error_destroy(err);
	}
	f->overlays = NULL;
	iow_target_destroy(&f->t);
}

static void test_edges(void)
{
	struct fake *f = fake_new(2048);
	struct iow_error *err;
	struct iow_buf out;
	uint8_t buf[16];
	uint64_t v = 0;

	err = iow_target_read(&f->t, IOW_SPACE_VIRT, UINT64_MAX - 7, buf, 16);
	tap_ok(err && err->code == IOW_ERR_INVALID, "a read that wraps around is refused");
	iow_error_destroy(err);
	tap_ok(read_ok(f, IOW_SPACE_VIRT, UINT64_MAX - 7, 8), "the last 8 bytes of the space read");
	tap_ok(read_ok(f, IOW_SPACE_VIRT, 0x9000, 0), "a read of nothing succeeds");
	err = iow_target_read(&f->t, (enum iow_space)7, 0x9000, buf, 8);
	tap_ok(err && err->code == IOW_ERR_INVALID, "an unknown space is refused");
	iow_error_destroy(err);

	err = iow_target_read_reg(&f->t, "cr3", &v);
	tap_ok(!err && v == 0x1234000, "read_reg goes to the back end");
	iow_error_destroy(err);
	iow_buf_init(&out);
	err = iow_target_monitor(&f->t, "info mtree -f -o", &out);
	tap_ok(err && err->code == IOW_ERR_UNSUPPORTED, "no monitor in the back end: unsupported");
	iow_error_destroy(err);
	iow_buf_fini(&out);
	destroyed = 0;
	iow_target_destroy(&f->t);
	tap_ok(destroyed == 1, "destroy calls the back end's destroy");
	iow_target_destroy(NULL);
}

int main(void)
{
	test_read_ahead();
	test_small_max_read();
	test_faults();
	test_strings();
	test_invalidate_and_lru();
	test_phys_and_batch();
	test_edges();
	return tap_done();
}
