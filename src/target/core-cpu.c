/* target/core-cpu: the notes of an ELF core (see core.c): one NT_PRSTATUS
 * "CORE" note per CPU with the general registers, one "QEMU" note per CPU
 * with the control registers (QEMU's dump-guest-memory), and the kernel's
 * VMCOREINFO; registers by their GDB names.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "target/core.h"
#include "util/array.h"

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

struct iow_error *iow_core_read_reg(struct iow_target *t, const char *name, uint64_t *val)
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

struct iow_error *iow_core_read_notes(struct core *c, Elf *elf, const GElf_Phdr *ph, size_t idx)
{
	GElf_Nhdr nh;
	Elf_Data *d;
	size_t off = 0, next, name_off, desc_off;
	struct iow_error *err;

	if (ph->p_filesz > CORE_MAX_NOTES)
		return iow_error_create(IOW_ERR_DATA, "%s: PT_NOTE (program header %zu) has %"
					PRIu64 " bytes, more than the %u allowed", c->path, idx,
					(uint64_t)ph->p_filesz, CORE_MAX_NOTES);
	if ((err = iow_core_check_in_file(c, ph, idx, "PT_NOTE")))
		return err;
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
