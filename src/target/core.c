/* target/core: an ELF core as a target (see target.h).
 *
 * Two producers matter: QEMU's dump-guest-memory (dump/dump.c) and kdump
 * ELF vmcores (/proc/vmcore, makedumpfile -E).  Both are ELF64 ET_CORE
 * files whose PT_LOADs carry guest memory, p_paddr physical and p_vaddr
 * virtual, and whose PT_NOTEs carry one NT_PRSTATUS "CORE" note per CPU and
 * the kernel's "VMCOREINFO" note; QEMU adds one "QEMU" note per CPU with the
 * control registers.
 *
 * This file reads the file, its segments and memory; core-cpu.c the notes
 * (registers, VMCOREINFO).
 *
 * libelf parses the headers and the notes once, at open; memory reads go
 * through pread() on the descriptor, so a file that shrinks under us gives
 * an error, not the SIGBUS an mmap would.  Each address space gets a sorted
 * array of disjoint segments, searched by bisection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/core.h"
#include "util/ranges.h"

/* Sanity bounds for hostile headers.  QEMU writes one PT_LOAD per guest
 * memory mapping (many thousands with -p) and two notes of < 512 bytes per
 * CPU; Linux has at most 8192 CPUs. */
#define CORE_MAX_PHDRS (1u << 24)
#define CORE_MAX_READ (1u << 20)    /* one back-end read: no real limit */
#define CORE_CMP_BUDGET (1ull << 30) /* bytes compared to check overlaps */
#define CORE_CMP_CHUNK 65536

/* QEMU's dump.c marks a PT_LOAD whose memory it did not write (outside the
 * begin/length filter) with p_offset -1 and p_filesz 0. */
#define QEMU_NOT_DUMPED UINT64_MAX

static const struct iow_target_ops core_ops;

/* --- file access ---------------------------------------------------------- */

static struct iow_error *file_read(struct core *c, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pread(c->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iow_error_errno(errno, "%s: reading at offset %" PRIu64, c->path,
					       off);
		if (n == 0)
			return iow_error_create(IOW_ERR_IO, "%s: ends at offset %" PRIu64
						" (truncated after it was opened?)", c->path, off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return NULL;
}

/* LEN bytes at ADDR, all inside S. */
static struct iow_error *seg_read(struct core *c, const struct core_seg *s, uint64_t addr,
				  void *buf, size_t len)
{
	size_t n = 0;
	struct iow_error *err;

	if (addr < s->fend) {
		n = s->fend - addr < len ? (size_t)(s->fend - addr) : len;
		err = file_read(c, s->off + (addr - s->start), buf, n);
		if (err)
			return err;
	}
	memset((uint8_t *)buf + n, 0, len - n);
	return NULL;
}

/* The segment of SP that holds ADDR, or NULL. */
static const struct core_seg *space_find(const struct core_space *sp, uint64_t addr)
{
	size_t i = iow_range_find(sp->seg, sp->n, sizeof(*sp->seg), addr);

	return i < sp->n ? &sp->seg[i] : NULL;
}

/* --- the back end --------------------------------------------------------- */

static struct iow_error *core_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				   void *buf, size_t len)
{
	struct core *c = to_core(t);
	const struct core_space *sp = space == IOW_SPACE_PHYS ? &c->phys : &c->virt;
	const struct core_seg *s;
	struct iow_error *err;
	uint8_t *p = buf;
	size_t n;

	if (!sp->present)
		return iow_error_create(IOW_ERR_UNSUPPORTED, space == IOW_SPACE_VIRT ?
			"%s has no virtual addresses (QEMU's dump-guest-memory without -p): "
			"the kernel layer must translate them through the page tables" :
			"%s has no physical addresses (every p_paddr is 0 or -1)", c->path);
	while (len) {
		s = space_find(sp, addr);
		if (!s)
			return iow_error_at(IOW_ERR_FAULT, addr, "%s address 0x%" PRIx64
					    " is not in the core", sp->name, addr);
		n = s->end - addr < len ? (size_t)(s->end - addr) : len;
		err = seg_read(c, s, addr, p, n);
		if (err) {
			if (err != &iow_error_nomem) {
				err->has_addr = true;
				err->addr = addr;
			}
			return err;
		}
		p += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

static void core_destroy(struct iow_target *t)
{
	struct core *c = to_core(t);

	if (c->fd >= 0)
		close(c->fd);
	free(c->phys.seg);
	free(c->virt.seg);
	free(c->cpu);
	free(c->vmcoreinfo);
	free(c->path);
	free(c);
}

static bool core_can_read(struct iow_target *t, enum iow_space space)
{
	return (space == IOW_SPACE_PHYS ? &to_core(t)->phys : &to_core(t)->virt)->present;
}

static const char *core_vmcoreinfo(struct iow_target *t)
{
	return to_core(t)->vmcoreinfo;
}

/* A dump holds memory and registers, not the machine that made it. */
static struct iow_error *core_qemu_monitor(struct iow_target *t, bool *yes, const char **why)
{
	(void)t;
	*yes = false;
	*why = "an ELF dump has no QEMU monitor";
	return NULL;
}

static const struct iow_target_ops core_ops = {
	.name = "core",
	.read = core_read, .read_reg = iow_core_read_reg, /* no monitor, no batches */
	.qemu_monitor = core_qemu_monitor,
	.can_read = core_can_read, .vmcoreinfo = core_vmcoreinfo,
	.destroy = core_destroy,
};

/* The file bytes of program header IDX, a KIND ("PT_LOAD"), must be in the
 * file. */
struct iow_error *iow_core_check_in_file(const struct core *c, const GElf_Phdr *ph, size_t idx,
					const char *kind)
{
	if (ph->p_offset <= c->size && ph->p_filesz <= c->size - ph->p_offset)
		return NULL;
	return iow_error_create(IOW_ERR_DATA, "%s: %s (program header %zu) holds file bytes [%"
				PRIu64 ", %" PRIu64 ") but the file has %" PRIu64 " (truncated?)",
				c->path, kind, idx, (uint64_t)ph->p_offset,
				(uint64_t)ph->p_offset + ph->p_filesz, c->size);
}

/* --- segments ------------------------------------------------------------- */

static int seg_cmp(const void *a, const void *b)
{
	const struct core_seg *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->phdr < y->phdr ? -1 : x->phdr > y->phdr;
}

/* Do the file bytes of A and B agree in [LO, HI), where both have some?
 * Segments legitimately overlap: a kdump vmcore has the kernel text both in
 * its own PT_LOAD and in the RAM segment around it, and a paging dump (-p)
 * maps aliased physical pages once per virtual mapping. */
static struct iow_error *same_bytes(struct core *c, const struct core_space *sp,
				    const struct core_seg *a, const struct core_seg *b,
				    uint64_t lo, uint64_t hi, uint8_t *bufs, uint64_t *budget)
{
	struct iow_error *err = NULL;
	size_t n;

	if (a->off - a->start == b->off - b->start)
		return NULL; /* the same bytes of the file (QEMU's aliases) */
	for (; lo < hi && !err; lo += n) {
		n = hi - lo < CORE_CMP_CHUNK ? (size_t)(hi - lo) : CORE_CMP_CHUNK;
		if (*budget < n)
			return iow_error_create(IOW_ERR_DATA, "%s: too many overlapping %s "
						"segments to check (program header %u)",
						c->path, sp->name, b->phdr);
		*budget -= n;
		err = file_read(c, a->off + (lo - a->start), bufs, n);
		if (!err)
			err = file_read(c, b->off + (lo - b->start), bufs + CORE_CMP_CHUNK, n);
		if (!err && memcmp(bufs, bufs + CORE_CMP_CHUNK, n))
			err = iow_error_at(IOW_ERR_DATA, lo, "%s: program headers %u and %u both "
					   "hold %s address 0x%" PRIx64 " but disagree on its "
					   "bytes", c->path, a->phdr, b->phdr, sp->name, lo);
	}
	return err;
}

/* Sort the N pieces at SEG and make them disjoint in place: where two
 * overlap, the earlier keeps the overlap, after checking (BUFS non-NULL)
 * that both hold the same bytes there. */
static struct iow_error *make_disjoint(struct core *c, const struct core_space *sp,
				       struct core_seg *seg, size_t *n, uint8_t *bufs,
				       uint64_t *budget)
{
	struct core_seg *s, *last;
	struct iow_error *err;
	size_t i, out = 0;

	qsort(seg, *n, sizeof(*seg), seg_cmp);
	for (i = 0; i < *n; i++) {
		s = &seg[i];
		last = out ? &seg[out - 1] : NULL;
		if (last && s->start < last->end) {
			if (bufs) {
				err = same_bytes(c, sp, last, s, s->start, s->end < last->end ?
						 s->end : last->end, bufs, budget);
				if (err)
					return err;
			}
			if (s->end <= last->end)
				continue;
			s->off += last->end - s->start;
			s->start = last->end;
			if (s->fend < s->start)
				s->fend = s->start;
		}
		seg[out++] = *s;
	}
	*n = out;
	return NULL;
}

/* Turn SP's segments into a sorted array of disjoint pieces.  Each piece is
 * all file bytes or all zeros: the zero fill past a p_filesz yields to
 * another segment's file bytes (QEMU clamps p_filesz where a mapping runs
 * past a block of guest RAM, dump.c get_offset_range). */
static struct iow_error *space_build(struct core *c, struct core_space *sp, uint64_t *budget)
{
	struct core_seg *f, *z, *out = NULL;
	struct iow_error *err = &iow_error_nomem;
	size_t nf = 0, nz = 0, n = 0, i, j, k;
	uint8_t *bufs;
	uint64_t lo;

	if (!sp->n)
		return NULL;
	f = malloc(sp->n * sizeof(*f));
	z = malloc(sp->n * sizeof(*z));
	bufs = malloc(2 * CORE_CMP_CHUNK);
	if (!f || !z || !bufs)
		goto out_free;
	for (i = 0; i < sp->n; i++) {
		if (sp->seg[i].fend > sp->seg[i].start) {
			f[nf] = sp->seg[i];
			f[nf++].end = sp->seg[i].fend;
		}
		if (sp->seg[i].end > sp->seg[i].fend) {
			z[nz] = sp->seg[i];
			z[nz].start = z[nz].fend;
			z[nz++].off = 0;
		}
	}
	err = make_disjoint(c, sp, f, &nf, bufs, budget);
	if (!err)
		err = make_disjoint(c, sp, z, &nz, NULL, budget);
	if (err)
		goto out_free;

	/* Cut the file pieces out of the zero ones: each file piece splits at
	 * most one zero piece in two. */
	out = malloc((2 * nf + nz) * sizeof(*out));
	if (!out) {
		err = &iow_error_nomem;
		goto out_free;
	}
	for (i = j = 0; i < nz; i++) {
		lo = z[i].start;
		while (j < nf && f[j].end <= lo)
			j++;
		for (k = j; k < nf && f[k].start < z[i].end; k++) {
			if (f[k].start > lo) {
				out[n] = z[i];
				out[n].start = out[n].fend = lo;
				out[n++].end = f[k].start;
			}
			if (f[k].end > lo)
				lo = f[k].end;
		}
		if (lo < z[i].end) {
			out[n] = z[i];
			out[n].start = out[n].fend = lo;
			n++;
		}
	}
	memcpy(out + n, f, nf * sizeof(*f));
	n += nf;
	qsort(out, n, sizeof(*out), seg_cmp);
	free(sp->seg);
	sp->seg = out;
	sp->n = n;
out_free:
	free(bufs);
	free(z);
	free(f);
	return err;
}

/* Fill S for a segment of MEMSZ bytes at ADDR; false if it wraps past 2^64.
 * One that ends at exactly 2^64 loses its last byte (END is exclusive). */
static bool seg_set(struct core_seg *s, const GElf_Phdr *ph, uint64_t addr, size_t idx)
{
	uint64_t len = ph->p_memsz;

	if (len - 1 > UINT64_MAX - addr)
		return false;
	if (len > UINT64_MAX - addr)
		len = UINT64_MAX - addr;
	s->start = addr;
	s->end = addr + len;
	s->fend = addr + (ph->p_filesz < len ? ph->p_filesz : len);
	s->off = ph->p_offset;
	s->phdr = (unsigned int)idx;
	return true;
}

static struct iow_error *add_load(struct core *c, const GElf_Phdr *ph, size_t idx)
{
	struct iow_error *err;

	if (!ph->p_memsz || (ph->p_offset == QEMU_NOT_DUMPED && !ph->p_filesz))
		return NULL;
	if (ph->p_filesz > ph->p_memsz)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_LOAD (program header %zu) has more "
					"file bytes (%" PRIu64 ") than memory bytes (%" PRIu64 ")",
					c->path, idx, (uint64_t)ph->p_filesz,
					(uint64_t)ph->p_memsz);
	if ((err = iow_core_check_in_file(c, ph, idx, "PT_LOAD")))
		return err;
	/* An address of -1 means "none" (fs/proc/kcore.c writes p_paddr -1
	 * for memory outside the direct map): the segment is left out of that
	 * view. */
	if (ph->p_paddr != UINT64_MAX) {
		if (!seg_set(&c->phys.seg[c->phys.n], ph, ph->p_paddr, idx))
			goto out_wraps;
		c->phys.n++;
		if (ph->p_paddr)
			c->phys.present = true;
	}
	if (ph->p_vaddr != UINT64_MAX) {
		if (!seg_set(&c->virt.seg[c->virt.n], ph, ph->p_vaddr, idx))
			goto out_wraps;
		c->virt.n++;
		if (ph->p_vaddr != ph->p_paddr)
			c->virt.present = true;
	}
	return NULL;
out_wraps:
	return iow_error_create(IOW_ERR_DATA, "%s: PT_LOAD (program header %zu) wraps past the "
				"top of the address space", c->path, idx);
}

/* --- opening -------------------------------------------------------------- */

/* Say what is wrong with a file that is no x86-64 ELF64 core, from its
 * first bytes, before libelf sees it. */
static struct iow_error *check_ident(struct core *c)
{
	unsigned char id[EI_NIDENT];
	struct iow_error *err;

	if (c->size == 0)
		return iow_error_create(IOW_ERR_DATA, "%s: empty file, not an ELF core", c->path);
	if (c->size < SELFMAG)
		return iow_error_create(IOW_ERR_DATA, "%s: %" PRIu64 " bytes, not an ELF core",
					c->path, c->size);
	err = file_read(c, 0, id, SELFMAG);
	if (err)
		return err;
	if (memcmp(id, ELFMAG, SELFMAG))
		return iow_error_create(IOW_ERR_DATA, "%s: not an ELF file (kdump-compressed "
					"and other formats are not supported)", c->path);
	if (c->size < sizeof(Elf64_Ehdr))
		return iow_error_create(IOW_ERR_DATA, "%s: truncated ELF header (%" PRIu64
					" bytes)", c->path, c->size);
	err = file_read(c, 0, id, EI_NIDENT);
	if (err)
		return err;
	if (id[EI_CLASS] != ELFCLASS64)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "%s: ELF class %u: only ELF64 cores "
					"(x86-64 guests) are supported", c->path, id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "%s: not little-endian: only x86-64 "
					"cores are supported", c->path);
	return NULL;
}

static struct iow_error *parse(struct core *c, Elf *elf)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	struct iow_error *err = NULL;
	uint64_t budget = CORE_CMP_BUDGET;
	size_t i, phnum;

	if (!gelf_getehdr(elf, &eh))
		return iow_error_create(IOW_ERR_DATA, "%s: bad ELF header: %s", c->path,
					elf_errmsg(-1));
	if (eh.e_type != ET_CORE)
		return iow_error_create(IOW_ERR_DATA, "%s: an ELF file of type %u, not a core "
					"(ET_CORE)", c->path, eh.e_type);
	if (eh.e_machine != EM_X86_64)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "%s: a core for machine %u, not "
					"x86-64", c->path, eh.e_machine);
	if (eh.e_phoff > c->size)
		return iow_error_create(IOW_ERR_DATA, "%s: program headers at offset %" PRIu64
					", past the end of its %" PRIu64 " bytes", c->path,
					(uint64_t)eh.e_phoff, c->size);
	if (elf_getphdrnum(elf, &phnum))
		return iow_error_create(IOW_ERR_DATA, "%s: bad program header count: %s",
					c->path, elf_errmsg(-1));
	/* libelf quietly cuts e_phnum down to what fits in the file; say so.
	 * PN_XNUM: the count is in section header 0 (gABI; QEMU dump.c). */
	if (eh.e_phnum != PN_XNUM)
		phnum = eh.e_phnum;
	if (!phnum)
		return iow_error_create(IOW_ERR_DATA, "%s: no program headers", c->path);
	if (phnum > CORE_MAX_PHDRS || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > c->size || phnum > (c->size - eh.e_phoff) / sizeof(Elf64_Phdr))
		return iow_error_create(IOW_ERR_DATA, "%s: %zu program headers of %u bytes at "
					"offset %" PRIu64 " do not fit in its %" PRIu64 " bytes",
					c->path, phnum, eh.e_phentsize, (uint64_t)eh.e_phoff,
					c->size);
	c->phys.seg = calloc(phnum, sizeof(*c->phys.seg));
	c->virt.seg = calloc(phnum, sizeof(*c->virt.seg));
	if (!c->phys.seg || !c->virt.seg)
		return &iow_error_nomem;
	for (i = 0; i < phnum && !err; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return iow_error_create(IOW_ERR_DATA, "%s: program header %zu: %s",
						c->path, i, elf_errmsg(-1));
		if (ph.p_type == PT_LOAD)
			err = add_load(c, &ph, i);
		else if (ph.p_type == PT_NOTE && ph.p_filesz)
			err = iow_core_read_notes(c, elf, &ph, i);
	}
	if (err)
		return err;
	if (!c->phys.n && !c->virt.n)
		return iow_error_create(IOW_ERR_DATA, "%s: no memory (no PT_LOAD with data)",
					c->path);

	/* add_load() saw which views exist.  Without -p QEMU writes p_vaddr =
	 * p_paddr (dump.c write_elf64_load): no virtual view.  A process core
	 * (gdb gcore) has every p_paddr 0: no physical one. */
	if (c->phys.n == 1)
		c->phys.present = true;
	if (c->phys.present)
		err = space_build(c, &c->phys, &budget);
	if (!err && c->virt.present)
		err = space_build(c, &c->virt, &budget);
	return err;
}

struct iow_error *iow_core_open(const char *path, struct iow_target **out)
{
	struct iow_error *err;
	struct stat st;
	struct core *c;
	Elf *elf;

	c = calloc(1, sizeof(*c));
	if (!c)
		return &iow_error_nomem;
	c->fd = -1;
	c->phys.name = "physical";
	c->virt.name = "virtual";
	c->path = strdup(path);
	if (!c->path) {
		err = &iow_error_nomem;
		goto out_destroy;
	}
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0 || fstat(c->fd, &st)) {
		err = iow_error_errno(errno, "%s", path);
		goto out_destroy;
	}
	if (!S_ISREG(st.st_mode)) {
		err = iow_error_create(IOW_ERR_INVALID, "%s: not a regular file", path);
		goto out_destroy;
	}
	c->size = (uint64_t)st.st_size;
	err = check_ident(c);
	if (err)
		goto out_destroy;

	/* ELF_C_READ: libelf reads headers and notes with pread, on demand. */
	elf_version(EV_CURRENT);
	elf = elf_begin(c->fd, ELF_C_READ, NULL);
	if (!elf) {
		err = iow_error_create(IOW_ERR_DATA, "%s: %s", path, elf_errmsg(-1));
		goto out_destroy;
	}
	err = parse(c, elf);
	elf_end(elf);
	if (err)
		goto out_destroy;

	err = iow_target_init(&c->t, &core_ops, CORE_MAX_READ);
	if (err)
		goto out_destroy;
	*out = &c->t;
	return NULL;

out_destroy:
	core_destroy(&c->t);
	return err;
}
