/* target: the generic half of target.h, the page cache in front of a back
 * end.
 *
 * Each cached page is one (space, 4 KiB page) entry in a libiberty hash
 * table, with a bitmap of its valid 64-byte lines and a place in an LRU list
 * that bounds the cache.  A miss reads the missing lines of the aligned
 * max_read-sized block around the first line the caller needs (moved back
 * if the lines asked for would not fit): one round trip brings a whole
 * structure and its neighbours on both sides (a slab page of vmap_areas or
 * resources, a page-table page).  The read-ahead never crosses into the
 * next page, whose memory may not be RAM, and it stops at lines already
 * cached once the ones asked for are covered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/hashtab.h>

#include "target/target.h"

#define PAGE_SIZE IOW_TARGET_PAGE_SIZE
#define LINE_SIZE IOW_TARGET_LINE_SIZE
#define LINES (PAGE_SIZE / LINE_SIZE) /* 64: one bit each in page.valid */

/* Lines FIRST..LAST (inclusive) as a mask. */
static uint64_t line_mask(unsigned int first, unsigned int last)
{
	uint64_t upto = last == LINES - 1 ? ~(uint64_t)0 : ((uint64_t)1 << (last + 1)) - 1;

	return upto & ~(((uint64_t)1 << first) - 1);
}

struct page_key {
	uint64_t base; /* page-aligned address */
	enum iow_space space;
};

struct page {
	struct page_key key; /* first: the hash table compares keys only */
	uint64_t valid;      /* bit i: line i of data holds the target's bytes */
	uint64_t pending;    /* lines a prefetch group has asked for (prefetch only) */
	struct page *newer, *older;
	uint8_t data[PAGE_SIZE];
};

struct iow_target_cache {
	htab_t pages;
	struct page *newest, *oldest;
	size_t count, limit;
};

static hashval_t key_hash(const struct page_key *k)
{
	/* Fibonacci hashing of the page number; the space flips the top bit. */
	uint64_t h = (k->base / PAGE_SIZE) * UINT64_C(0x9e3779b97f4a7c15);

	return (hashval_t)(h >> 32) ^ (hashval_t)k->space << 31;
}

static hashval_t page_hash(const void *p)
{
	return key_hash(p);
}

static int page_eq(const void *entry, const void *key)
{
	const struct page_key *a = entry, *b = key;

	return a->base == b->base && a->space == b->space;
}

/* --- the LRU list --- */

static void lru_unlink(struct iow_target_cache *c, struct page *p)
{
	if (p->newer)
		p->newer->older = p->older;
	else
		c->newest = p->older;
	if (p->older)
		p->older->newer = p->newer;
	else
		c->oldest = p->newer;
	p->newer = p->older = NULL;
}

static void lru_push(struct iow_target_cache *c, struct page *p)
{
	p->newer = NULL;
	p->older = c->newest;
	if (c->newest)
		c->newest->newer = p;
	else
		c->oldest = p;
	c->newest = p;
}

/* Take the oldest page out of the table and the list, for reuse. */
static struct page *evict_oldest(struct iow_target_cache *c)
{
	struct page *p = c->oldest;

	lru_unlink(c, p);
	htab_remove_elt_with_hash(c->pages, &p->key, key_hash(&p->key));
	c->count--;
	return p;
}

static void drop_all(struct iow_target_cache *c)
{
	struct page *p, *next;

	for (p = c->newest; p; p = next) {
		next = p->older;
		free(p);
	}
	c->newest = c->oldest = NULL;
	c->count = 0;
	htab_empty(c->pages);
}

/* The entry for KEY, found or made (and then empty); NULL when out of
 * memory. */
static struct page *page_get(struct iow_target_cache *c, const struct page_key *key)
{
	hashval_t h = key_hash(key);
	struct page *p;
	void **slot;

	p = htab_find_with_hash(c->pages, key, h);
	if (p) {
		lru_unlink(c, p);
		lru_push(c, p);
		return p;
	}
	p = c->count >= c->limit ? evict_oldest(c) : malloc(sizeof(*p));
	if (!p)
		return NULL;
	slot = htab_find_slot_with_hash(c->pages, key, h, INSERT);
	if (!slot) {
		free(p);
		return NULL;
	}
	p->key = *key;
	p->valid = 0;
	p->pending = 0;
	*slot = p;
	lru_push(c, p);
	c->count++;
	return p;
}

/* --- set-up --- */

struct iow_error *iow_target_init(struct iow_target *t, const struct iow_target_ops *ops,
				  size_t max_read)
{
	struct iow_target_cache *c;

	if (!ops || !ops->read || !ops->destroy || !max_read)
		return iow_error_create(IOW_ERR_INVALID, "a target back end needs read, destroy "
					"and a maximum read size");
	c = calloc(1, sizeof(*c));
	if (!c)
		return &iow_error_nomem;
	c->pages = htab_create_alloc(64, page_hash, page_eq, NULL, calloc, free);
	if (!c->pages) {
		free(c);
		return &iow_error_nomem;
	}
	c->limit = IOW_TARGET_CACHE_PAGES;
	t->ops = ops;
	t->max_read = max_read;
	memset(&t->stats, 0, sizeof(t->stats));
	t->cache = c;
	return NULL;
}

void iow_target_destroy(struct iow_target *t)
{
	if (!t)
		return;
	if (t->cache) {
		drop_all(t->cache);
		htab_delete(t->cache->pages);
		free(t->cache);
		t->cache = NULL;
	}
	t->ops->destroy(t);
}

void iow_target_set_cache_pages(struct iow_target *t, size_t pages)
{
	struct iow_target_cache *c = t->cache;

	c->limit = pages ? pages : 1;
	while (c->count > c->limit)
		free(evict_oldest(c));
}

void iow_target_invalidate(struct iow_target *t)
{
	drop_all(t->cache);
}

const struct iow_target_stats *iow_target_stats(const struct iow_target *t)
{
	return &t->stats;
}

/* --- reading --- */

/* State of one public read call: whether the back end's batch is open and
 * whether anything missed the cache. */
struct call {
	enum iow_space space;
	bool batch;
	bool missed;
};

/* Read LEN bytes at ADDR from the back end in pieces of at most max_read. */
static struct iow_error *backend_read(struct iow_target *t, struct call *call, uint64_t addr,
				      uint8_t *buf, size_t len)
{
	struct iow_error *err = NULL;
	size_t n;

	if (!call->batch && t->ops->batch_begin) {
		err = t->ops->batch_begin(t, call->space);
		if (err)
			return err;
	}
	call->batch = true;
	call->missed = true;
	while (len && !err) {
		if (t->interrupted && t->interrupted(t->interrupt_ctx))
			return iow_error_at(IOW_ERR_INTERRUPTED, addr, "interrupted");
		n = len < t->max_read ? len : t->max_read;
		err = t->ops->read(t, call->space, addr, buf, n);
		if (!err) {
			t->stats.mem_bytes += n;
			addr += n;
			buf += n;
			len -= n;
		}
	}
	return err;
}

/* The next back-end read for lines FIRST..LAST of a page whose lines KNOWN
 * are valid (or on their way): lines *START..*END-1.  False when none of
 * them is missing. */
static bool window(const struct iow_target *t, uint64_t known, unsigned int first,
		   unsigned int last, unsigned int *startp, unsigned int *endp)
{
	uint64_t missing = line_mask(first, last) & ~known;
	unsigned int start, end, max_lines, top, ws;

	if (!missing)
		return false;
	/* A back end that reads less than a line still fills whole lines, in
	 * several reads. */
	max_lines = t->max_read >= LINE_SIZE ? (unsigned int)(t->max_read / LINE_SIZE) : 1;
	if (max_lines > LINES)
		max_lines = LINES;
	start = (unsigned int)__builtin_ctzll(missing);
	/* The window of one read: max_lines lines, aligned, holding the first
	 * missing line and as much of the wanted ones as fit; moved back only
	 * if they would not fit.  Aligned rather than starting at the miss:
	 * the objects before the one asked for (slab neighbours, a tree walked
	 * out of address order) are as likely to be wanted next as those after
	 * it. */
	top = last < start + max_lines - 1 ? last : start + max_lines - 1;
	ws = start - start % max_lines;
	if (ws + max_lines <= top)
		ws = top + 1 - max_lines;
	while (start > ws && !(known & (UINT64_C(1) << (start - 1))))
		start--;
	end = (unsigned int)__builtin_ctzll(missing) + 1;
	while (end < LINES && end < ws + max_lines &&
	       (end <= top || !(known & (UINT64_C(1) << end))))
		end++;
	*startp = start;
	*endp = end;
	return true;
}

/* Make the lines FIRST..LAST of page P valid. */
static struct iow_error *fill(struct iow_target *t, struct call *call, struct page *p,
			      unsigned int first, unsigned int last)
{
	unsigned int start, end;
	struct iow_error *err;

	while (window(t, p->valid, first, last, &start, &end)) {
		err = backend_read(t, call, p->key.base + start * LINE_SIZE,
				   p->data + start * LINE_SIZE, (end - start) * LINE_SIZE);
		if (err) {
			/* the back end may have written part of the range */
			p->valid &= ~line_mask(start, end - 1);
			return err;
		}
		p->valid |= line_mask(start, end - 1);
	}
	return NULL;
}

/* LEN (> 0) bytes at ADDR, all in one page, through the cache. */
static struct iow_error *read_in_page(struct iow_target *t, struct call *call, uint64_t addr,
				      uint8_t *buf, size_t len)
{
	struct page_key key = { .base = addr & ~(uint64_t)(PAGE_SIZE - 1), .space = call->space };
	unsigned int off = (unsigned int)(addr - key.base);
	struct iow_error *err;
	struct page *p;

	p = page_get(t->cache, &key);
	if (!p)
		return &iow_error_nomem;
	err = fill(t, call, p, off / LINE_SIZE, (unsigned int)((off + len - 1) / LINE_SIZE));
	if (err && err->code == IOW_ERR_FAULT) {
		/* The read-ahead, or the line alignment, took in bytes nobody
		 * asked for.  Read exactly what was asked, uncached: that
		 * either works or names the first byte of it that does not. */
		iow_error_destroy(err);
		return backend_read(t, call, addr, buf, len);
	}
	if (!err)
		memcpy(buf, p->data + off, len);
	return err;
}

static struct iow_error *read_range(struct iow_target *t, struct call *call, uint64_t addr,
				    uint8_t *buf, size_t len)
{
	struct iow_error *err = NULL;
	size_t n;

	while (len && !err) {
		n = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
		if (n > len)
			n = len;
		err = read_in_page(t, call, addr, buf, n);
		addr += n;
		buf += n;
		len -= n;
	}
	return err;
}

static struct iow_error *call_begin(struct iow_target *t, struct call *call,
				    enum iow_space space)
{
	memset(call, 0, sizeof(*call));
	call->space = space;
	t->stats.reads++;
	if (space != IOW_SPACE_VIRT && space != IOW_SPACE_PHYS)
		return iow_error_create(IOW_ERR_INVALID, "unknown address space %d", (int)space);
	return NULL;
}

/* Close the back end's batch and count the call; returns ERR, or the
 * batch's error, or both in one. */
static struct iow_error *call_end(struct iow_target *t, struct call *call,
				  struct iow_error *err)
{
	struct iow_error *end_err = NULL, *both;

	if (call->batch && t->ops->batch_end)
		end_err = t->ops->batch_end(t, call->space);
	if (end_err && err) {
		/* Keep the first error's code and address: the read did fail
		 * there; the message tells the rest. */
		if (err == &iow_error_nomem)
			both = iow_error_create(IOW_ERR_NOMEM, "out of memory; then %s",
						end_err->message);
		else if (err->has_addr)
			both = iow_error_at(err->code, err->addr, "%s; then %s", err->message,
					    end_err->message);
		else
			both = iow_error_create(err->code, "%s; then %s", err->message,
						end_err->message);
		if (both != &iow_error_nomem)
			both->errnum = err->errnum;
		iow_error_destroy(err);
		iow_error_destroy(end_err);
		err = both;
	} else if (end_err) {
		err = end_err;
	}
	if (call->missed)
		t->stats.cache_misses++;
	else if (!err)
		t->stats.cache_hits++;
	return err;
}

static struct iow_error *check_range(uint64_t addr, size_t len)
{
	if (len && (uint64_t)(len - 1) > UINT64_MAX - addr)
		return iow_error_at(IOW_ERR_INVALID, addr, "a read of %zu bytes at 0x%" PRIx64
				    " wraps around the address space", len, addr);
	return NULL;
}

struct iow_error *iow_target_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				  void *buf, size_t len)
{
	struct iow_error *err;
	struct call call;

	err = call_begin(t, &call, space);
	if (!err)
		err = check_range(addr, len);
	if (!err)
		err = read_range(t, &call, addr, buf, len);
	return call_end(t, &call, err);
}

struct iow_error *iow_target_read_u64(struct iow_target *t, enum iow_space space,
				      uint64_t addr, uint64_t *val)
{
	uint8_t b[8];
	struct iow_error *err = iow_target_read(t, space, addr, b, sizeof(b));
	int i;

	if (err)
		return err;
	/* x86-64 is little-endian, whatever the host is */
	*val = 0;
	for (i = 7; i >= 0; i--)
		*val = *val << 8 | b[i];
	return NULL;
}

struct iow_error *iow_target_read_u32(struct iow_target *t, enum iow_space space,
				      uint64_t addr, uint32_t *val)
{
	uint8_t b[4];
	struct iow_error *err = iow_target_read(t, space, addr, b, sizeof(b));

	if (err)
		return err;
	*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return NULL;
}

/* Reads a line at a time (from the cache, after the first line's miss has
 * filled the rest of the page), so nothing past the terminating NUL is
 * asked for, and the next page only when the string goes on into it.  The
 * byte after MAX-1 characters is read too, on its own, to tell a string of
 * exactly MAX-1 characters from a longer one; if that byte is unreadable,
 * the string counts as cut. */
struct iow_error *iow_target_read_string(struct iow_target *t, enum iow_space space,
					 uint64_t addr, char *buf, size_t max, bool *truncated)
{
	uint8_t chunk[LINE_SIZE];
	size_t pos = 0, n, len;
	struct iow_error *err;
	struct call call;
	bool cut = true;
	uint8_t *nul;

	err = call_begin(t, &call, space);
	if (!err && !max)
		err = iow_error_create(IOW_ERR_INVALID, "no room for a string");
	if (!err)
		err = check_range(addr, max);
	while (!err && pos < max) {
		n = LINE_SIZE - ((addr + pos) & (LINE_SIZE - 1));
		if (pos < max - 1 && n > max - 1 - pos)
			n = max - 1 - pos; /* the check byte comes alone */
		else if (n > max - pos)
			n = max - pos;
		err = read_range(t, &call, addr + pos, chunk, n);
		if (err) {
			if (pos == max - 1 && err->code == IOW_ERR_FAULT) {
				iow_error_destroy(err);
				err = NULL;
			}
			break;
		}
		nul = memchr(chunk, 0, n);
		len = nul ? (size_t)(nul - chunk) : n;
		if (pos < max - 1)
			memcpy(buf + pos, chunk, len);
		if (nul) {
			pos += len;
			cut = false;
			break;
		}
		pos += n;
	}
	if (max)
		buf[pos < max ? pos : max - 1] = '\0';
	if (truncated)
		*truncated = !err && cut;
	return call_end(t, &call, err);
}

/* --- prefetching --- */

/* Reads sent to the back end in one go: their requests must stay small
 * (gdbstub-wire.c sends them in one write), and every page they fill must
 * stay in the cache until they are in. */
#define GROUP 64
/* A range hinted at is fetched up to this far (a string, a structure). */
#define PREFETCH_MAX (2 * PAGE_SIZE)

struct group {
	enum iow_space space;
	struct iow_target_span span[GROUP];
	struct page *page[GROUP];
	unsigned int first[GROUP], end[GROUP];
	size_t n;
	bool off; /* the back end cannot, or the reads must stop */
};

/* Send the group's reads; mark what came as valid. */
static void group_flush(struct iow_target *t, struct group *g)
{
	struct iow_error *err = NULL;
	size_t i;

	if (g->n && !g->off && t->interrupted && t->interrupted(t->interrupt_ctx))
		g->off = true;
	if (g->n && !g->off && g->space == IOW_SPACE_PHYS && t->ops->batch_begin)
		err = t->ops->batch_begin(t, g->space);
	if (g->n && !g->off && !err) {
		err = t->ops->read_many(t, g->space, g->span, g->n);
		if (g->space == IOW_SPACE_PHYS && t->ops->batch_end) {
			struct iow_error *end_err = t->ops->batch_end(t, g->space);

			if (end_err && !err)
				err = end_err;
			else
				iow_error_destroy(end_err);
		}
	}
	if (err) {
		/* Unsupported now, or a broken connection: the reads that
		 * want the data will say what is wrong. */
		iow_error_destroy(err);
		g->off = true;
	}
	for (i = 0; i < g->n; i++) {
		struct page *p = g->page[i];
		uint64_t lines = line_mask(g->first[i], g->end[i] - 1);

		p->pending &= ~lines;
		if (!err && !g->off && g->span[i].ok) {
			p->valid |= lines;
			t->stats.mem_bytes += g->span[i].len;
		}
	}
	g->n = 0;
}

bool iow_target_cached(struct iow_target *t, enum iow_space space, uint64_t addr, size_t len)
{
	while (len) {
		struct page_key key = { .base = addr & ~(uint64_t)(PAGE_SIZE - 1), .space = space };
		unsigned int off = (unsigned int)(addr - key.base);
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		const struct page *p = htab_find_with_hash(t->cache->pages, &key, key_hash(&key));

		if (!p || (line_mask(off / LINE_SIZE, (unsigned int)((off + n - 1) / LINE_SIZE)) &
			   ~p->valid))
			return false;
		if (addr + n < addr)
			return true;
		addr += n;
		len -= n;
	}
	return true;
}

bool iow_target_can_prefetch(struct iow_target *t)
{
	struct iow_error *err;

	if (!t->ops->read_many || t->cache->limit < 2 * GROUP || t->max_read < LINE_SIZE)
		return false;
	err = t->ops->read_many(t, IOW_SPACE_VIRT, NULL, 0);
	iow_error_destroy(err);
	return !err;
}

void iow_target_prefetch(struct iow_target *t, enum iow_space space, const uint64_t *addrs,
			 const size_t *lens, size_t n)
{
	struct group g = { .space = space };
	size_t i;

	if (!t->ops->read_many || (space != IOW_SPACE_VIRT && space != IOW_SPACE_PHYS) ||
	    t->cache->limit < 2 * GROUP || t->max_read < LINE_SIZE)
		return;
	for (i = 0; i < n && !g.off; i++) {
		uint64_t addr = addrs[i];
		size_t len = lens[i] < PREFETCH_MAX ? lens[i] : PREFETCH_MAX;

		if (!len || (uint64_t)(len - 1) > UINT64_MAX - addr)
			continue;
		while (len && !g.off) {
			struct page_key key = { .base = addr & ~(uint64_t)(PAGE_SIZE - 1),
						.space = space };
			unsigned int off = (unsigned int)(addr - key.base), start, end;
			size_t in_page = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
			struct page *p = page_get(t->cache, &key);

			if (!p) {
				g.off = true;
				break;
			}
			while (!g.off && window(t, p->valid | p->pending, off / LINE_SIZE,
						(unsigned int)((off + in_page - 1) / LINE_SIZE),
						&start, &end)) {
				g.span[g.n] = (struct iow_target_span){
					.addr = key.base + start * LINE_SIZE,
					.len = (end - start) * LINE_SIZE,
					.buf = p->data + start * LINE_SIZE,
				};
				g.page[g.n] = p;
				g.first[g.n] = start;
				g.end[g.n] = end;
				g.n++;
				p->pending |= line_mask(start, end - 1);
				if (g.n == GROUP)
					group_flush(t, &g);
			}
			addr += in_page;
			len -= in_page;
		}
	}
	group_flush(t, &g);
}

struct iow_error *iow_target_read_reg(struct iow_target *t, const char *name, uint64_t *val)
{
	if (!t->ops->read_reg)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "the %s target has no registers",
					t->ops->name);
	return t->ops->read_reg(t, name, val);
}

bool iow_target_can_read(struct iow_target *t, enum iow_space space)
{
	return !t->ops->can_read || t->ops->can_read(t, space);
}

const char *iow_target_vmcoreinfo(struct iow_target *t)
{
	return t->ops->vmcoreinfo ? t->ops->vmcoreinfo(t) : NULL;
}

/* The monitor commands ever sent, all read-only (DESIGN §8: QEMU's HMP
 * also takes quit, stop, system_reset, device_add, xp of device memory,
 * ...: none of those may ever leave this process).  Exact words; NUMBER is
 * one hexadecimal number. */
static const char *const read_only_monitor[] = {
	"info mtree -f -o", /* QEMU's flat memory views with owners (target/qemu.c) */
	"info mtree -f",    /* the same without owners (tests/tools/iow-target-probe) */
	"help",             /* the list of commands (gdbserver's test) */
	"gva2gpa NUMBER",   /* a translation by QEMU, for tests (iow-target-probe) */
};

static bool matches(const char *cmd, const char *pattern)
{
	const char *num = strstr(pattern, "NUMBER");
	size_t n = num ? (size_t)(num - pattern) : strlen(pattern), digits;

	if (strncmp(cmd, pattern, n) != 0)
		return false;
	if (!num)
		return cmd[n] == 0;
	cmd += n;
	if (cmd[0] == '0' && cmd[1] == 'x')
		cmd += 2;
	digits = strspn(cmd, "0123456789abcdefABCDEF");
	return digits >= 1 && digits <= 16 && cmd[digits] == 0;
}

bool iow_target_monitor_allowed(const char *cmd)
{
	size_t i;

	for (i = 0; cmd && i < sizeof(read_only_monitor) / sizeof(read_only_monitor[0]); i++)
		if (matches(cmd, read_only_monitor[i]))
			return true;
	return false;
}

struct iow_error *iow_target_monitor(struct iow_target *t, const char *cmd, struct iow_buf *out)
{
	size_t before = out->len;
	struct iow_error *err;

	if (!iow_target_monitor_allowed(cmd))
		return iow_error_create(IOW_ERR_INVALID, "the monitor command '%.60s' is not one of the "
					"read-only commands this tool may send", cmd ? cmd : "");
	if (!t->ops->monitor)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "the %s target has no monitor "
					"commands", t->ops->name);
	t->stats.monitor_commands++;
	err = t->ops->monitor(t, cmd, out);
	if (out->len > before)
		t->stats.monitor_bytes += out->len - before;
	return err;
}

struct iow_error *iow_target_qemu_monitor(struct iow_target *t, bool *yes, const char **why_not)
{
	const char *why = NULL;
	struct iow_error *err = NULL;

	*yes = false;
	if (t->ops->qemu_monitor)
		err = t->ops->qemu_monitor(t, yes, &why);
	else
		why = "this target has no QEMU monitor";
	if (why_not)
		*why_not = *yes ? NULL : why ? why : "no QEMU monitor";
	return err;
}
