/* target/core: an ELF core as a target (see target.h).
 *
 * Two producers matter: QEMU's dump-guest-memory (dump/dump.c) and kdump
 * ELF vmcores (/proc/vmcore, makedumpfile -E).  Both are ELF64 ET_CORE
 * files whose PT_LOADs carry guest memory, p_paddr physical and p_vaddr
 * virtual, and whose PT_NOTEs carry one NT_PRSTATUS "CORE" note per CPU and
 * the kernel's "VMCOREINFO" note; QEMU adds one "QEMU" note per CPU with the
 * control registers.
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

#include "target/target.h"
#include "util/array.h"

/* Sanity bounds for hostile headers.  QEMU writes one PT_LOAD per guest
 * memory mapping (many thousands with -p) and two notes of < 512 bytes per
 * CPU; Linux has at most 8192 CPUs. */
#define CORE_MAX_PHDRS (1u << 24)
#define CORE_MAX_NOTES (64u << 20)  /* bytes in one PT_NOTE */
#define CORE_MAX_CPUS 8192
#define CORE_MAX_READ (1u << 20)    /* one back-end read: no real limit */
#define CORE_CMP_BUDGET (1ull << 30) /* bytes compared to check overlaps */
#define CORE_CMP_CHUNK 65536

/* QEMU's dump.c marks a PT_LOAD whose memory it did not write (outside the
 * begin/length filter) with p_offset -1 and p_filesz 0. */
#define QEMU_NOT_DUMPED UINT64_MAX

/* x86-64 struct user_regs_struct (the kernel's arch/x86/include/asm/user_64.h),
 * the pr_reg of NT_PRSTATUS; QEMU's x86_64_user_regs_struct in
 * target/i386/arch_dump.c has the same layout. */
struct prstatus_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10;
	uint64_t r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};
/* pr_reg follows struct elf_prstatus_common (include/linux/elfcore.h),
 * 112 bytes on x86-64; QEMU's x86_64_elf_prstatus pads to the same. */
#define PRSTATUS_REGS_OFFSET 112
_Static_assert(sizeof(struct prstatus_regs) == 27 * 8, "user_regs_struct");

/* QEMUCPUState and QEMUCPUSegment, QEMU target/i386/arch_dump.c,
 * QEMUCPUSTATE_VERSION 1.  Later QEMUs (Debian's 7.2 among them) append
 * kernel_gs_base without changing the version, and contrib/elf2dmp/
 * qemu_elf.h reads it only when the size field says it is there; so do we.
 * Anything past it is ignored. */
struct qemu_seg {
	uint32_t selector, limit, flags, pad;
	uint64_t base;
};
struct qemu_cpu_state {
	uint32_t version, size;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	struct qemu_seg cs, ds, es, fs, gs, ss;
	struct qemu_seg ldt, tr, gdt, idt;
	uint64_t cr[5];
	uint64_t kernel_gs_base;
};
#define QEMU_STATE_V1_SIZE offsetof(struct qemu_cpu_state, kernel_gs_base)
_Static_assert(QEMU_STATE_V1_SIZE == 0x1b0, "QEMUCPUState v1");
_Static_assert(sizeof(struct qemu_cpu_state) == 0x1b8, "QEMUCPUState + kernel_gs_base");

struct core_cpu {
	bool has_prstatus, has_qemu;
	bool qemu_unknown;     /* a QEMU note of a version we do not know */
	uint32_t qemu_version; /* ... this one */
	uint32_t qemu_size;    /* valid bytes of .qemu */
	struct prstatus_regs prs;
	struct qemu_cpu_state qemu;
};

/* One PT_LOAD in one address space, trimmed so that the space's segments
 * are disjoint: [start, end) holds memory, [start, fend) of it from the file
 * at off, [fend, end) zeros (p_filesz < p_memsz, ELF gABI "Program Header"). */
struct core_seg {
	uint64_t start, end, fend, off;
	unsigned int phdr; /* program header index, for messages */
};

struct core_space {
	const char *name; /* "physical", "virtual" */
	bool present;
	struct core_seg *seg;
	size_t n;
};

struct core {
	struct iow_target t; /* first: the generic layer's view */
	int fd;
	uint64_t size;
	char *path;
	struct core_space phys, virt;
	struct core_cpu *cpu;
	size_t ncpu, cap; /* CPUs with at least one note; room in .cpu */
	size_t nprs, nqemu;
	size_t cur;       /* the CPU whose registers read_reg() returns */
	char *vmcoreinfo;
};

static const struct iow_target_ops core_ops;

static struct core *to_core(struct iow_target *t)
{
	return (struct core *)(void *)((char *)t - offsetof(struct core, t));
}

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
	size_t lo = 0, hi = sp->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp->seg[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sp->n && sp->seg[lo].start <= addr ? &sp->seg[lo] : NULL;
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

#define NONE (-1)
#define PRS(m) ((int)offsetof(struct prstatus_regs, m))
#define QS(m) \
	((int)offsetof(struct qemu_cpu_state, m)), ((int)sizeof(((struct qemu_cpu_state *)0)->m))

/* Registers by their GDB names (gdb/features/i386/64bit-*.xml), where each
 * note keeps them. */
static const struct core_reg {
	const char *name;
	int prs;         /* offset in struct prstatus_regs, or NONE */
	int qemu, qsize; /* offset and size in struct qemu_cpu_state, or NONE */
} core_regs[] = {
	{ "rax", PRS(rax), QS(rax) }, { "rbx", PRS(rbx), QS(rbx) },
	{ "rcx", PRS(rcx), QS(rcx) }, { "rdx", PRS(rdx), QS(rdx) },
	{ "rsi", PRS(rsi), QS(rsi) }, { "rdi", PRS(rdi), QS(rdi) },
	{ "rbp", PRS(rbp), QS(rbp) }, { "rsp", PRS(rsp), QS(rsp) },
	{ "r8", PRS(r8), QS(r8) }, { "r9", PRS(r9), QS(r9) },
	{ "r10", PRS(r10), QS(r10) }, { "r11", PRS(r11), QS(r11) },
	{ "r12", PRS(r12), QS(r12) }, { "r13", PRS(r13), QS(r13) },
	{ "r14", PRS(r14), QS(r14) }, { "r15", PRS(r15), QS(r15) },
	{ "rip", PRS(rip), QS(rip) },
	{ "eflags", PRS(eflags), QS(rflags) }, { "rflags", PRS(eflags), QS(rflags) },
	{ "cs", PRS(cs), QS(cs.selector) }, { "ss", PRS(ss), QS(ss.selector) },
	{ "ds", PRS(ds), QS(ds.selector) }, { "es", PRS(es), QS(es.selector) },
	{ "fs", PRS(fs), QS(fs.selector) }, { "gs", PRS(gs), QS(gs.selector) },
	{ "fs_base", PRS(fs_base), QS(fs.base) }, { "gs_base", PRS(gs_base), QS(gs.base) },
	{ "k_gs_base", NONE, QS(kernel_gs_base) },
	{ "kernel_gs_base", NONE, QS(kernel_gs_base) },
	{ "orig_rax", PRS(orig_rax), NONE, 0 },
	{ "cr0", NONE, QS(cr[0]) }, { "cr2", NONE, QS(cr[2]) },
	{ "cr3", NONE, QS(cr[3]) }, { "cr4", NONE, QS(cr[4]) },
};

static struct iow_error *core_read_reg(struct iow_target *t, const char *name, uint64_t *val)
{
	struct core *c = to_core(t);
	const struct core_reg *r = NULL;
	const struct core_cpu *cpu;
	uint32_t v32;
	size_t i;

	for (i = 0; i < sizeof(core_regs) / sizeof(core_regs[0]) && !r; i++)
		if (strcmp(core_regs[i].name, name) == 0)
			r = &core_regs[i];
	if (!r)
		return iow_error_create(IOW_ERR_NOTFOUND, "register %s is not saved in ELF cores",
					name);
	if (!c->ncpu)
		return iow_error_create(IOW_ERR_NOTFOUND, "register %s: %s has no CPU notes",
					name, c->path);
	cpu = &c->cpu[c->cur];
	if (cpu->has_qemu && r->qemu != NONE && (uint32_t)(r->qemu + r->qsize) <= cpu->qemu_size) {
		if (r->qsize == 4) {
			memcpy(&v32, (const char *)&cpu->qemu + r->qemu, 4);
			*val = v32;
		} else {
			memcpy(val, (const char *)&cpu->qemu + r->qemu, 8);
		}
		return NULL;
	}
	if (cpu->has_prstatus && r->prs != NONE) {
		memcpy(val, (const char *)&cpu->prs + r->prs, 8);
		return NULL;
	}
	if (r->prs == NONE && cpu->qemu_unknown)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "register %s: CPU %zu of %s has a "
					"QEMU CPU state note of version %" PRIu32 "; only version "
					"1 is known", name, c->cur, c->path, cpu->qemu_version);
	if (r->prs == NONE && !cpu->has_qemu)
		return iow_error_create(IOW_ERR_NOTFOUND, "register %s: CPU %zu of %s has no QEMU "
					"CPU state note (only QEMU's dump-guest-memory saves "
					"control registers; kdump saves the general ones)",
					name, c->cur, c->path);
	return iow_error_create(IOW_ERR_NOTFOUND, "register %s: CPU %zu of %s does not save it%s",
				name, c->cur, c->path, cpu->has_qemu && r->qemu != NONE ?
				" (its QEMU CPU state note is too short for it)" : "");
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

static const struct iow_target_ops core_ops = {
	.name = "core",
	.read = core_read,
	.read_reg = core_read_reg,
	.monitor = NULL,
	.can_read = core_can_read,
	.vmcoreinfo = core_vmcoreinfo,
	.destroy = core_destroy,
};

/* --- notes ---------------------------------------------------------------- */

static bool note_is(const GElf_Nhdr *nh, const char *name, const char *want)
{
	size_t n = strlen(want);

	/* n_namesz counts the NUL (gABI "Note Section"); accept producers that
	 * leave it out. */
	return (nh->n_namesz == n + 1 && name[n] == '\0' && memcmp(name, want, n) == 0) ||
	       (nh->n_namesz == n && memcmp(name, want, n) == 0);
}

/* The CPU that the next note of a kind (the I-th) belongs to: QEMU writes
 * all NT_PRSTATUS notes, then all QEMU notes, each in CPU order. */
static struct iow_error *cpu_slot(struct core *c, size_t i, struct core_cpu **out)
{
	size_t n;

	if (i >= CORE_MAX_CPUS)
		return iow_error_create(IOW_ERR_DATA, "%s: more than %d CPU notes", c->path,
					CORE_MAX_CPUS);
	if (i >= c->ncpu && i >= c->cap) {
		n = c->cap;
		if (iow_array_reserve(&c->cpu, &c->cap, i + 1, sizeof(*c->cpu)))
			return &iow_error_nomem;
		memset(c->cpu + n, 0, (c->cap - n) * sizeof(*c->cpu));
	}
	if (i >= c->ncpu)
		c->ncpu = i + 1;
	*out = &c->cpu[i];
	return NULL;
}

static struct iow_error *add_note(struct core *c, const GElf_Nhdr *nh, const char *name,
				  const uint8_t *desc, uint64_t where)
{
	struct core_cpu *cpu;
	struct iow_error *err;
	uint32_t v[2];

	if (note_is(nh, name, "CORE") && nh->n_type == NT_PRSTATUS) {
		if (nh->n_descsz < PRSTATUS_REGS_OFFSET + sizeof(cpu->prs))
			return iow_error_create(IOW_ERR_DATA, "%s: NT_PRSTATUS note at offset %"
						PRIu64 " has %" PRIu32 " bytes, too few for x86-64",
						c->path, where, (uint32_t)nh->n_descsz);
		err = cpu_slot(c, c->nprs++, &cpu);
		if (err)
			return err;
		memcpy(&cpu->prs, desc + PRSTATUS_REGS_OFFSET, sizeof(cpu->prs));
		cpu->has_prstatus = true;
	} else if (note_is(nh, name, "QEMU")) {
		if (nh->n_descsz < QEMU_STATE_V1_SIZE)
			return iow_error_create(IOW_ERR_DATA, "%s: QEMU CPU state note at offset %"
						PRIu64 " has %" PRIu32 " bytes, too few", c->path,
						where, (uint32_t)nh->n_descsz);
		memcpy(v, desc, sizeof(v));
		err = cpu_slot(c, c->nqemu++, &cpu);
		if (err)
			return err;
		/* Another version: its layout is unknown, but memory still is. */
		if (v[0] != 1) {
			cpu->qemu_unknown = true;
			cpu->qemu_version = v[0];
			return NULL;
		}
		if (v[1] < QEMU_STATE_V1_SIZE || v[1] > nh->n_descsz)
			return iow_error_create(IOW_ERR_DATA, "%s: QEMU CPU state note at offset %"
						PRIu64 " claims %" PRIu32 " bytes but holds %"
						PRIu32 " (version 1 needs %zu)", c->path, where,
						v[1], (uint32_t)nh->n_descsz, QEMU_STATE_V1_SIZE);
		cpu->qemu_size = v[1] < sizeof(cpu->qemu) ? v[1] : (uint32_t)sizeof(cpu->qemu);
		memcpy(&cpu->qemu, desc, cpu->qemu_size);
		cpu->has_qemu = true;
	} else if (note_is(nh, name, "VMCOREINFO") && !c->vmcoreinfo) {
		/* Text lines KEY=VALUE (kernel/vmcore_info.c); keep it a C string. */
		c->vmcoreinfo = strndup((const char *)desc, nh->n_descsz);
		if (!c->vmcoreinfo)
			return &iow_error_nomem;
	}
	return NULL;
}

static struct iow_error *read_notes(struct core *c, Elf *elf, const GElf_Phdr *ph, size_t idx)
{
	GElf_Nhdr nh;
	Elf_Data *d;
	size_t off = 0, next, name_off, desc_off;
	struct iow_error *err;

	if (ph->p_filesz > CORE_MAX_NOTES)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_NOTE (program header %zu) has %"
					PRIu64 " bytes, more than the %u allowed", c->path, idx,
					(uint64_t)ph->p_filesz, CORE_MAX_NOTES);
	if (ph->p_offset > c->size || ph->p_filesz > c->size - ph->p_offset)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_NOTE (program header %zu) holds "
					"file bytes [%" PRIu64 ", %" PRIu64 ") but the file has %"
					PRIu64 " (truncated?)", c->path, idx,
					(uint64_t)ph->p_offset,
					(uint64_t)ph->p_offset + ph->p_filesz, c->size);
	d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	if (!d)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_NOTE (program header %zu): %s",
					c->path, idx, elf_errmsg(-1));
	while (off < d->d_size) {
		next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
		if (!next) {
			/* Fewer bytes than a note header: padding, not a note. */
			if (d->d_size - off < sizeof(Elf64_Nhdr))
				break;
			memcpy(&nh, (const char *)d->d_buf + off, sizeof(Elf64_Nhdr));
			return iow_error_create(IOW_ERR_DATA, "%s: note at offset %" PRIu64
						" overruns its PT_NOTE (name %" PRIu32 " bytes, "
						"descriptor %" PRIu32 " bytes, %zu left)", c->path,
						(uint64_t)(ph->p_offset + off),
						(uint32_t)nh.n_namesz, (uint32_t)nh.n_descsz,
						d->d_size - off);
		}
		err = add_note(c, &nh, (const char *)d->d_buf + name_off,
			       (const uint8_t *)d->d_buf + desc_off, ph->p_offset + off);
		if (err)
			return err;
		off = next;
	}
	return NULL;
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
	if (!ph->p_memsz || (ph->p_offset == QEMU_NOT_DUMPED && !ph->p_filesz))
		return NULL;
	if (ph->p_filesz > ph->p_memsz)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_LOAD (program header %zu) has more "
					"file bytes (%" PRIu64 ") than memory bytes (%" PRIu64 ")",
					c->path, idx, (uint64_t)ph->p_filesz,
					(uint64_t)ph->p_memsz);
	if (ph->p_offset > c->size || ph->p_filesz > c->size - ph->p_offset)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_LOAD (program header %zu) holds "
					"file bytes [%" PRIu64 ", %" PRIu64 ") but the file has %"
					PRIu64 " (truncated?)", c->path, idx,
					(uint64_t)ph->p_offset,
					(uint64_t)ph->p_offset + ph->p_filesz, c->size);
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
			err = read_notes(c, elf, &ph, i);
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
