/* arch/arm64: see arm64.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arm64.h"
#include "debuginfo/layout.h"
#include "kernel/internal.h"
#include "model/memtype.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

#define SZ_64K 0x10000ULL
#define VMCOREINFO_MAX 4096 /* VMCOREINFO_BYTES: a page (include/linux/vmcore_info.h) */
#define MAX_REGIONS 1024    /* memblock regions taken, at most */

/* --- translation table descriptors (Arm ARM D8.3) ------------------------ */

#define DESC_VALID (1ULL << 0)
#define DESC_TABLE (1ULL << 1)               /* table (levels 0-2) or page (level 3); 0: a block */
#define OA_48 0x0000fffffffff000ULL           /* output address bits 47:12 */
#define OA_LPA2 0x0003fffffffff000ULL         /* 49:12, and 51:50 from bits 9:8 */
#define AP_RO (1ULL << 7)                     /* AP[2] */
#define AP_EL0 (1ULL << 6)                    /* AP[1] */
#define PXN (1ULL << 53)
#define UXN (1ULL << 54)

/* The format's variant: whether descriptors are LPA2's (TCR_EL1.DS), and
 * TCR_EL1.SH1, the shareability of every leaf then. */
#define VARIANT_LPA2 1u
#define VARIANT_SH1(v) (((v) >> 1) & 3)

static bool lpa2(const struct iow_pt_format *f)
{
	return f->variant & VARIANT_LPA2;
}

/* Our levels count from the last (1) up; the Arm ARM's from the top (0,
 * or -1 with LPA2) down to 3. */
static int arm_level(int level)
{
	return 4 - level;
}

/* Blocks: levels 1 and 2, and 0 with LPA2 (a 512 GiB block); never at -1. */
static bool block_allowed(const struct iow_pt_format *f, int level)
{
	int a = arm_level(level);

	return a == 1 || a == 2 || (a == 0 && lpa2(f));
}

static uint64_t out_addr(const struct iow_pt_format *f, uint64_t e)
{
	if (lpa2(f))
		return (e & OA_LPA2) | ((e >> 8) & 3) << 50;
	return e & OA_48;
}

static uint64_t a64_root_table(const struct iow_pt_format *f, uint64_t root)
{
	/* a table of 2^bits entries is aligned to its size (at least 64 bytes) */
	return root & f->pa_mask & ~0x3fULL;
}

/* Valid, and at the last level a page (0b11; 0b01 is reserved there), else
 * a table or a block where blocks may be. */
static bool a64_present(const struct iow_pt_format *f, int level, uint64_t e)
{
	if (!(e & DESC_VALID))
		return false;
	if (e & DESC_TABLE)
		return true;
	return level > 1 && block_allowed(f, level);
}

static bool a64_is_leaf(const struct iow_pt_format *f, int level, uint64_t e)
{
	(void)f;
	return level == 1 || !(e & DESC_TABLE);
}

static uint64_t a64_entry_table(const struct iow_pt_format *f, int level, uint64_t e)
{
	(void)level;
	return out_addr(f, e);
}

static uint64_t a64_entry_pa(const struct iow_pt_format *f, int level, uint64_t e)
{
	return out_addr(f, e) & ~((1ULL << f->level[level].shift) - 1);
}

static unsigned a64_memtype_index(const struct iow_pt_format *f, int level, uint64_t leaf)
{
	(void)f, (void)level;
	return (unsigned)((leaf >> 2) & 7);
}

static const char *const share_names[4] = { "non", "reserved", "outer", "inner" };

static unsigned leaf_sh(const struct iow_pt_format *f, uint64_t e)
{
	return lpa2(f) ? VARIANT_SH1(f->variant) : (unsigned)((e >> 8) & 3);
}

static void a64_leaf_attrs(const struct iow_pt_format *f, int level, uint64_t e,
			   struct iow_leaf_attrs *out)
{
	(void)level;
	snprintf(out->share, sizeof(out->share), "%s", share_names[leaf_sh(f, e)]);
	/* AP[2:1] (Arm ARM D8.4.1.2): AP[2] read-only, AP[1] EL0 access */
	snprintf(out->kernel, sizeof(out->kernel), "r%c%c", (e & AP_RO) ? '-' : 'w',
		 (e & PXN) ? '-' : 'x');
	if (e & AP_EL0)
		snprintf(out->user, sizeof(out->user), "r%c%c", (e & AP_RO) ? '-' : 'w',
			 (e & UXN) ? '-' : 'x');
	else
		snprintf(out->user, sizeof(out->user), "---");
}

struct bit {
	int bit;
	const char *name;
};

/* Stage 1 block and page descriptors (Arm ARM D8.3.2): the single bits;
 * AttrIndx, AP, SH and PBHA are decoded as fields.  55-58 are for
 * software: Linux's PTE_DIRTY, PTE_SPECIAL ... (arch/arm64/include/asm/
 * pgtable-prot.h) move between versions and are named by number. */
static const struct bit leaf_bits[] = {
	{ 5, "NS" },     { 10, "AF" },    { 11, "nG" },    { 16, "nT" },    { 50, "GP" },
	{ 51, "DBM" },   { 52, "Cont" },  { 53, "PXN" },   { 54, "UXN" },   { 55, "SW55" },
	{ 56, "SW56" },  { 57, "SW57" },  { 58, "SW58" },
};

/* Table descriptors (Arm ARM D8.3.1): the hierarchical attributes. */
static const struct bit table_bits[] = {
	{ 59, "PXNTable" }, { 60, "UXNTable" }, { 63, "NSTable" },
};

static const char *const ap_names[4] = { "RW(EL1)", "RW(EL1,EL0)", "RO(EL1)", "RO(EL1,EL0)" };

#define ADD(...) (used += (size_t)snprintf(buf + used, used < len ? len - used : 0, __VA_ARGS__))

static void a64_entry_flags(const struct iow_pt_format *f, int level, uint64_t e, char *buf,
			    size_t len)
{
	uint64_t known = DESC_VALID | DESC_TABLE, addr;
	const struct bit *b;
	size_t used = 0, i, n;
	int bit;

	buf[0] = 0;
	if (!a64_present(f, level, e)) {
		ADD("%s", e & DESC_VALID ? "reserved" : "invalid");
		return;
	}
	addr = lpa2(f) ? OA_LPA2 | (3ULL << 8) : OA_48;
	if (!a64_is_leaf(f, level, e)) {
		ADD("V TABLE");
		b = table_bits, n = sizeof(table_bits) / sizeof(table_bits[0]);
		if ((e >> 61) & 3)
			ADD(" APTable=%u", (unsigned)((e >> 61) & 3));
		known |= addr | (3ULL << 61);
	} else {
		uint64_t size = 1ULL << f->level[level].shift;

		ADD("V %s AttrIndx=%u", level == 1 ? "PAGE" : "BLOCK", a64_memtype_index(f, level, e));
		if (!lpa2(f))
			ADD(" SH=%s", share_names[(e >> 8) & 3]);
		ADD(" AP=%s", ap_names[(e >> 6) & 3]);
		b = leaf_bits, n = sizeof(leaf_bits) / sizeof(leaf_bits[0]);
		if ((e >> 59) & 15)
			ADD(" PBHA=%u", (unsigned)((e >> 59) & 15));
		/* the address bits of this leaf size (below them, only nT);
		 * bits 9:8 are SH, or with LPA2 address bits 51:50 */
		known |= (addr & ~(size - 1)) | (7ULL << 2) | (3ULL << 6) | (3ULL << 8) | (15ULL << 59);
	}
	for (i = 0; i < n; i++) {
		known |= 1ULL << b[i].bit;
		if (e & (1ULL << b[i].bit))
			ADD(" %s", b[i].name);
	}
	for (bit = 0; bit < 64; bit++)
		if ((e & ~known) & (1ULL << bit))
			ADD(" bit%d", bit);
}

/* --- the format ----------------------------------------------------------- */

static const char *level_name(int level, int levels)
{
	/* Linux's names (arch/arm64/include/asm/pgtable-hwdef.h): the top is
	 * the PGD, P4D only with 5 levels, PUD with 4 or more. */
	switch (level) {
	case 1: return "PTE";
	case 2: return "PMD";
	case 3: return levels == 3 ? "PGD" : "PUD";
	case 4: return levels == 4 ? "PGD" : "P4D";
	default: return "PGD";
	}
}

bool iow_arm64_format(uint64_t tcr, struct iow_pt_format *f)
{
	unsigned vabits = 64 - IOW_ARM64_TCR_T1SZ(tcr), ds = IOW_ARM64_TCR_DS(tcr);
	int level, levels;

	memset(f, 0, sizeof(*f));
	f->arch = &iow_arch_arm64;
	/* 4 KiB granule (TG1 = 0b10): 9 index bits a level above the 12
	 * offset bits; more than 48 VA bits only with LPA2 (FEAT_LPA2, DS=1). */
	if (IOW_ARM64_TCR_TG1(tcr) != 2 || vabits < 25 || vabits > (ds ? 52u : 48u))
		return false;
	levels = (int)((vabits - 12 + 8) / 9);
	f->levels = levels;
	f->variant = (ds ? VARIANT_LPA2 : 0) | IOW_ARM64_TCR_SH1(tcr) << 1;
	f->pa_mask = ds ? (1ULL << 52) - 1 : (1ULL << 48) - 1;
	for (level = 1; level <= levels; level++) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);

		f->level[level].shift = shift;
		f->level[level].bits = level == levels ? vabits - shift : 9;
		f->level[level].name = level_name(level, levels);
	}
	return true;
}

/* Linux's TCR_EL1 for 48-bit VA, 4 KiB, inner shareable: the format until
 * the CPU's own is read. */
#define TCR_DEFAULT (16ULL << 16 | 3ULL << 28 | 2ULL << 30)

static void a64_finish_layout(struct iow_kernel_layout *lay, struct iow_pt_format *f)
{
	if (!lay->translation_ctl || !iow_arm64_format(lay->translation_ctl, f))
		iow_arm64_format(TCR_DEFAULT, f);
	lay->levels = f->levels;
	lay->va_bits = 64 - (int)IOW_ARM64_TCR_T1SZ(lay->translation_ctl ? lay->translation_ctl
									: TCR_DEFAULT);
	lay->physical_mask = f->pa_mask;
}

/* The image ([_text, _end), pa = va - kimage_voffset, kept as _text's
 * physical address in phys_base) and the linear map (PAGE_OFFSET ..
 * PAGE_END, pa = va - PAGE_OFFSET + PHYS_OFFSET): __pa()'s two cases,
 * __is_lm_address() first (arch/arm64/include/asm/memory.h). */
static bool a64_linear(const struct iow_kernel_layout *lay, uint64_t va, uint64_t *pa)
{
	if (lay->direct_end && va >= lay->direct_start && va < lay->direct_end) {
		*pa = va - lay->page_offset_base;
		return true;
	}
	if (lay->image_end && va >= lay->image_start && va < lay->image_end) {
		*pa = va - lay->image_start + lay->phys_base;
		return true;
	}
	return false;
}

/* MODULES_VADDR: _PAGE_END(VA_BITS_MIN), where the linear map ends (with
 * no KASAN shadow). */
static uint64_t a64_modules_hint(const struct iow_kernel_layout *lay)
{
	return lay->direct_end;
}

/* --- registers --------------------------------------------------------------- */

/* A system register by the names stubs give it: QEMU's target description
 * says "VBAR" and "SCTLR" for some, "MAIR_EL1" for others. */
static struct iow_error *sysreg(struct iow_kernel *k, const char *const *names, uint64_t *val)
{
	struct iow_error *err;

	for (;;) {
		err = iow_target_read_reg(k->t, *names, val);
		if (!err || err->code != IOW_ERR_NOTFOUND || !*++names)
			return err;
		iow_error_destroy(err);
	}
}

static const char *const vbar_names[] = { "VBAR_EL1", "VBAR", NULL };
static const char *const tcr_names[] = { "TCR_EL1", NULL };
static const char *const ttbr1_names[] = { "TTBR1_EL1", NULL };
static const char *const mair_names[] = { "MAIR_EL1", NULL };

/* --- VMCOREINFO: the kernel's own statement of its layout -------------------- */

/* NUMBER(KEY)=VALUE or KEY=VALUE at a line's start in TEXT, hex with 0x or
 * decimal (kernel/vmcore_info.c, arch/arm64/kernel/vmcore_info.c). */
static bool vmci_value(const char *text, const char *key, uint64_t *val)
{
	const char *p = text;
	size_t n = strlen(key);
	char *end;

	while (p && (p = strstr(p, key)) && !((p == text || p[-1] == '\n') && p[n] == '='))
		p += n;
	if (!p)
		return false;
	*val = strtoull(p + n + 1, &end, 0);
	return end != p + n + 1;
}

/* The text, from the target (a core's note) or from guest memory
 * (vmcoreinfo_data, a page of vmcoreinfo_size bytes), into BUF; "" if
 * neither has it. */
static void vmcoreinfo(struct iow_kernel *k, char *buf, size_t len)
{
	const char *note = iow_target_vmcoreinfo(k->t);
	uint64_t data = 0, size = 0;
	struct iow_error *err;

	buf[0] = 0;
	if (note) {
		snprintf(buf, len, "%s", note);
		return;
	}
	if ((err = iow_kernel_image_read(k, "vmcoreinfo_data", &data, 8)) ||
	    (err = iow_kernel_image_read(k, "vmcoreinfo_size", &size, 8))) {
		iow_error_destroy(err);
		return;
	}
	if (!data || !size)
		return;
	if (size >= len)
		size = len - 1;
	if ((err = iow_kernel_read(k, data, buf, size))) {
		iow_error_destroy(err);
		buf[0] = 0;
		return;
	}
	buf[size] = 0;
}

/* --- identifying the kernel ---------------------------------------------------- */

/* VBAR_EL1 holds `vectors` (arch/arm64/kernel/entry.S) while the CPU runs
 * the kernel: KASLR moved it by the offset.  Under KPTI, at EL0, it holds
 * the trampoline's vectors instead (tramp_vectors through the fixmap):
 * that is no image address moved by a 64 KiB-aligned offset, and is
 * refused, saying so. */
static struct iow_error *a64_find_kaslr(struct iow_kernel *k, uint64_t *offset, const char **source)
{
	uint64_t link = 0, vbar = 0, off;
	struct iow_error *err = iow_kernel_link_symbol(k, "vectors", &link);

	if (err)
		return iow_error_wrap(err, "%s has no vectors symbol: is it an arm64 vmlinux?",
				      iow_debuginfo_path(k->dbg));
	if ((err = sysreg(k, vbar_names, &vbar))) {
		if (iow_kernel_vmcoreinfo_hex(k, "KERNELOFFSET", &off)) {
			iow_error_destroy(err);
			*offset = off;
			*source = "VMCOREINFO";
			return NULL;
		}
		return iow_error_wrap(err, "reading VBAR_EL1 to find the KASLR offset");
	}
	off = vbar - link;
	if (off & (SZ_64K - 1) || (vbar >> 48) != 0xffff)
		return iow_error_create(IOW_ERR_MISMATCH,
					"VBAR_EL1 is 0x%" PRIx64 ", which is not %s's vectors (0x%" PRIx64
					") moved by a KASLR offset: the vmlinux is not the running "
					"kernel's, or the CPU is stopped in user space under KPTI "
					"(trampoline vectors); stop it in the kernel and try again",
					vbar, iow_debuginfo_path(k->dbg), link);
	*offset = off;
	*source = "VBAR_EL1";
	return NULL;
}

/* TCR_EL1 from the CPU, or from a core's VMCOREINFO (NUMBER(TCR_EL1_T1SZ);
 * 52 bits with 4 KiB pages means LPA2; SH1 as Linux sets it, inner). */
static struct iow_error *read_tcr(struct iow_kernel *k, uint64_t *tcr)
{
	struct iow_error *err = sysreg(k, tcr_names, tcr);
	uint64_t t1sz;

	if (!err)
		return NULL;
	if (!iow_kernel_vmcoreinfo_hex(k, "NUMBER(TCR_EL1_T1SZ)", &t1sz) || t1sz > 63)
		return iow_error_wrap(err, "reading TCR_EL1 (the CPU's translation control)");
	iow_error_destroy(err);
	*tcr = t1sz << 16 | 3ULL << 28 | 2ULL << 30 | (t1sz < 16 ? 1ULL << 59 : 0);
	return NULL;
}

static struct iow_error *set_tcr(struct iow_kernel *k, uint64_t tcr)
{
	struct iow_pt_format f;

	if (!iow_arm64_format(tcr, &f))
		return iow_error_create(IOW_ERR_UNSUPPORTED, "TCR_EL1 is 0x%" PRIx64 " (T1SZ %u, TG1 %u, "
					"DS %u): only the 4 KiB granule with 39 to 48 VA bits, or 52 "
					"with LPA2, is supported", tcr, IOW_ARM64_TCR_T1SZ(tcr),
					IOW_ARM64_TCR_TG1(tcr), IOW_ARM64_TCR_DS(tcr));
	k->lay.translation_ctl = tcr;
	iow_kernel_layout_changed(k);
	return NULL;
}

/* TTBR1_EL1's table: BADDR (bits 47:1; with LPA2 bits 51:48 from 5:2),
 * without the ASID (63:48) and CnP (0). */
static struct iow_error *a64_boot_root(struct iow_kernel *k, uint64_t *root)
{
	uint64_t tcr = 0, ttbr = 0;
	struct iow_error *err;

	if ((err = read_tcr(k, &tcr)) || (err = set_tcr(k, tcr)) ||
	    (err = sysreg(k, ttbr1_names, &ttbr)))
		return err;
	*root = ttbr & 0x0000fffffffffffeULL & ~0x3fULL;
	if (IOW_ARM64_TCR_DS(tcr))
		*root |= ((ttbr >> 2) & 15) << 48;
	return NULL;
}

/* Kernel memory before the layout is known (through the CPU's own
 * tables) and after. */
static struct iow_error *kread(struct iow_kernel *k, uint64_t va, void *buf, size_t len)
{
	if (k->direct_known)
		return iow_kernel_read(k, va, buf, len);
	return iow_kernel_boot_read(k, va, buf, len);
}

struct memblock_layout {
	uint64_t cnt, regions, region_size, base, size, flags;
	int64_t nomap;
};

/* include/linux/memblock.h: struct memblock, memblock_type,
 * memblock_region; MEMBLOCK_NOMAP: memory the kernel does not map (UEFI
 * runtime regions, for one), not RAM to it. */
static const struct iow_layout_field memblock_fields[] = {
	IOW_LAYOUT_MEMBER(struct memblock_layout, "memblock", "memory.cnt", cnt),
	IOW_LAYOUT_MEMBER(struct memblock_layout, "memblock", "memory.regions", regions),
	IOW_LAYOUT_SIZE(struct memblock_layout, "memblock_region", region_size),
	IOW_LAYOUT_MEMBER(struct memblock_layout, "memblock_region", "base", base),
	IOW_LAYOUT_MEMBER(struct memblock_layout, "memblock_region", "size", size),
	IOW_LAYOUT_MEMBER(struct memblock_layout, "memblock_region", "flags", flags),
	IOW_LAYOUT_ENUM(struct memblock_layout, "memblock_flags", "MEMBLOCK_NOMAP", nomap),
};

#define HINT_MEMBLOCK "memblock_add" /* mm/memblock.c */

/* memblock.memory's regions: BUF gets them raw (malloc()ed), N how many. */
static struct iow_error *memblock_regions(struct iow_kernel *k, struct memblock_layout *l,
					  uint8_t **buf, size_t *n)
{
	uint64_t mb, cnt, regions;
	struct iow_error *err;

	*buf = NULL;
	if ((err = iow_layout_probe(k->dbg, HINT_MEMBLOCK, memblock_fields,
				    IOW_LAYOUT_COUNT(memblock_fields), l)) ||
	    (err = iow_kernel_symbol(k, "memblock", &mb)))
		return err;
	if ((err = kread(k, mb + l->cnt, &cnt, 8)) || (err = kread(k, mb + l->regions, &regions, 8)))
		return iow_error_wrap(err, "reading memblock");
	if (!cnt || cnt > MAX_REGIONS || l->region_size < 24 || l->region_size > 64)
		return iow_error_at(IOW_ERR_DATA, mb, "implausible memblock.memory (%" PRIu64
				    " regions)", cnt);
	if (!(*buf = malloc(cnt * l->region_size)))
		return &iow_error_nomem;
	if ((err = kread(k, regions, *buf, cnt * l->region_size))) {
		free(*buf);
		*buf = NULL;
		return iow_error_wrap(err, "reading memblock.memory's regions");
	}
	*n = cnt;
	return NULL;
}

static const struct iow_arch_var a64_ram_vars[] = { { NULL, 0 } };

/* RAM: memblock.memory (mm/memblock.c; arm64 keeps it after boot,
 * ARCH_KEEP_MEMBLOCK), less the NOMAP regions, which are memory but not
 * the kernel's (lay.firmware_mem). */
static struct iow_error *a64_read_ram(struct iow_kernel *k, struct iow_ram_range **ranges, size_t *n)
{
	struct memblock_layout l;
	struct iow_ram_range *ram, *fw;
	uint8_t *buf;
	size_t i, nr, got = 0, nfw = 0;
	struct iow_error *err = memblock_regions(k, &l, &buf, &nr);

	if (err)
		return err;
	ram = calloc(nr, sizeof(*ram));
	fw = calloc(nr, sizeof(*fw));
	if (!ram || !fw) {
		free(buf);
		free(ram);
		free(fw);
		return &iow_error_nomem;
	}
	for (i = 0; i < nr; i++) {
		const uint8_t *r = buf + i * l.region_size;
		uint64_t base, size;
		uint32_t flags;

		memcpy(&base, r + l.base, 8);
		memcpy(&size, r + l.size, 8);
		memcpy(&flags, r + l.flags, 4);
		if (!size || base + size < base)
			continue;
		if (flags & (uint64_t)l.nomap)
			fw[nfw++] = (struct iow_ram_range){ base, base + size };
		else
			ram[got++] = (struct iow_ram_range){ base, base + size };
	}
	free(buf);
	free(k->lay.firmware_mem);
	k->lay.firmware_mem = fw;
	k->lay.nr_firmware_mem = nfw;
	if (!got) {
		free(ram);
		return iow_error_create(IOW_ERR_DATA, "memblock.memory lists no RAM");
	}
	*ranges = ram, *n = got;
	return NULL;
}

/* The end of memblock.memory's last region: memblock_end_of_DRAM(). */
static struct iow_error *dram_end(struct iow_kernel *k, uint64_t *end)
{
	struct memblock_layout l;
	uint8_t *buf;
	size_t nr;
	uint64_t base, size;
	struct iow_error *err = memblock_regions(k, &l, &buf, &nr);

	if (err)
		return err;
	memcpy(&base, buf + (nr - 1) * l.region_size + l.base, 8);
	memcpy(&size, buf + (nr - 1) * l.region_size + l.size, 8);
	free(buf);
	*end = base + size;
	return NULL;
}

/* PAGE_OFFSET, -(1 << VA_BITS) with the configured VA_BITS (which may be
 * more than the CPU translates: a 52-bit kernel on a 48-bit CPU keeps
 * PAGE_OFFSET and moves PHYS_OFFSET instead, arch/arm64/mm/init.c).  No
 * variable holds it; high_memory is __va(memblock_end_of_DRAM() - 1) + 1,
 * and __va(x) is (x - PHYS_OFFSET) | PAGE_OFFSET. */
static struct iow_error *page_offset(struct iow_kernel *k, uint64_t memstart, int *va_bits)
{
	uint64_t high = 0, end = 0, v;
	struct iow_error *err;
	int bits;

	if ((err = iow_kernel_image_read(k, "high_memory", &high, 8)) || (err = dram_end(k, &end)))
		return err;
	v = high - (end - memstart);
	for (bits = 36; bits <= 52; bits++)
		if (v == -(1ULL << bits)) {
			*va_bits = bits;
			return NULL;
		}
	return iow_error_create(IOW_ERR_DATA, "cannot find PAGE_OFFSET: high_memory 0x%" PRIx64
				" does not map the end of RAM 0x%" PRIx64 " with PHYS_OFFSET 0x%" PRIx64,
				high, end, memstart);
}

static void image_range(struct iow_kernel *k)
{
	uint64_t text = 0, end = 0;
	struct iow_error *e1 = iow_kernel_link_symbol(k, "_text", &text);
	struct iow_error *e2 = iow_kernel_link_symbol(k, "_end", &end);

	if (!e1 && !e2 && end > text && end - text < (1ULL << 30)) {
		k->lay.image_start = text + k->lay.kaslr_offset;
		k->lay.image_end = end + k->lay.kaslr_offset;
	}
	iow_error_destroy(e1);
	iow_error_destroy(e2);
}

/* The vmalloc area and vmemmap as the kernel states them for crash tools
 * (arch/arm64/kernel/vmcore_info.c: NUMBER(VMALLOC_START) ...; vmemmap is
 * VMEMMAP_START - (memstart_addr >> PAGE_SHIFT) struct pages,
 * arch/arm64/include/asm/pgtable.h).  Without VMCOREINFO: VMALLOC_START
 * is KIMAGE_VADDR, the link address of _text (memory.h), and its end is
 * not known (the top of the address space). */
static void vmalloc_range(struct iow_kernel *k)
{
	struct iow_kernel_layout *lay = &k->lay;
	char *text = malloc(VMCOREINFO_MAX + 1);
	uint64_t v, page = 0;

	lay->vmalloc_end = UINT64_MAX;
	if (iow_kernel_link_symbol(k, "_text", &lay->vmalloc_base) == NULL && text) {
		vmcoreinfo(k, text, VMCOREINFO_MAX + 1);
		if (vmci_value(text, "NUMBER(VMALLOC_START)", &v))
			lay->vmalloc_base = v;
		if (vmci_value(text, "NUMBER(VMALLOC_END)", &v))
			lay->vmalloc_end = v - 1;
		if (vmci_value(text, "NUMBER(VMEMMAP_START)", &v) &&
		    iow_debuginfo_struct_size(k->dbg, "page", "vmemmap_populate", &page) == NULL)
			lay->vmemmap_base = v - (uint64_t)((int64_t)lay->phys_offset >> 12) * page;
	}
	free(text);
}

static struct iow_error *a64_read_layout(struct iow_kernel *k)
{
	static const char *const vars[] = { "kimage_voffset", "memstart_addr", "high_memory",
					    "vmcoreinfo_data", "vmcoreinfo_size", "memblock" };
	static const size_t lens[] = { 8, 8, 8, 8, 8, 64 };
	struct iow_kernel_layout *lay = &k->lay;
	uint64_t voffset = 0, memstart = 0, tcr = 0, swapper;
	struct iow_error *err;
	int bits = 0;

	image_range(k);
	iow_kernel_prefetch_symbols(k, vars, lens, 6);
	if ((err = iow_kernel_image_read(k, "kimage_voffset", &voffset, 8)) ||
	    (err = iow_kernel_image_read(k, "memstart_addr", &memstart, 8)))
		return err;
	if (!lay->image_end)
		return iow_error_create(IOW_ERR_NOTFOUND, "%s has no _text or _end",
					iow_debuginfo_path(k->dbg));
	lay->phys_base = lay->image_start - voffset;
	k->image_known = true;
	if ((err = read_tcr(k, &tcr)) || (err = set_tcr(k, tcr)) ||
	    (err = page_offset(k, memstart, &bits)))
		return err;
	lay->phys_offset = memstart;
	/* PAGE_OFFSET is _PAGE_OFFSET(VA_BITS), PAGE_END _PAGE_END(VA_BITS_MIN),
	 * where VA_BITS_MIN is 48 when VA_BITS is more (memory.h, 4 KiB pages) */
	lay->direct_start = -(1ULL << bits);
	lay->direct_end = -(1ULL << ((bits > 48 ? 48 : bits) - 1));
	lay->page_offset_base = lay->direct_start - memstart;
	if ((err = iow_kernel_link_symbol(k, "swapper_pg_dir", &swapper)))
		return err;
	lay->pgd_phys = swapper + lay->kaslr_offset - lay->image_start + lay->phys_base;
	k->direct_known = true;
	vmalloc_range(k);
	return NULL;
}

static size_t a64_describe(const struct iow_kernel_layout *lay, struct iow_layout_item *items,
			   size_t max)
{
	const struct iow_layout_item all[] = {
		{ "kimage_voffset", "kimage_voffset", IOW_LAYOUT_ADDR, lay->image_start - lay->phys_base, 0, 0 },
		{ "phys_offset", "PHYS_OFFSET", IOW_LAYOUT_SIGNED, lay->phys_offset,
		  "the linear map is randomised: PHYS_OFFSET lies ", " below physical 0" },
		{ "page_offset", "PAGE_OFFSET", IOW_LAYOUT_ADDR, lay->direct_start, 0, 0 },
		{ "page_offset_base", "page_offset_base", IOW_LAYOUT_ADDR, lay->page_offset_base, 0, 0 },
		{ "vmalloc_base", "VMALLOC_START", IOW_LAYOUT_ADDR, lay->vmalloc_base, 0, 0 },
		{ "vmalloc_end", "VMALLOC_END", IOW_LAYOUT_ADDR, lay->vmalloc_end + 1, 0, 0 },
		{ "vmemmap_base", "vmemmap", IOW_LAYOUT_ADDR, lay->vmemmap_base, 0, 0 },
		{ "physical_mask", "physical_mask", IOW_LAYOUT_ADDR, lay->physical_mask, 0, 0 },
		{ "tcr_el1", "TCR_EL1", IOW_LAYOUT_ADDR, lay->translation_ctl, 0, 0 },
		{ "va_bits", "VA bits", IOW_LAYOUT_BITS, (uint64_t)lay->va_bits, 0, 0 },
		{ "paging_levels", "paging", IOW_LAYOUT_LEVELS, (uint64_t)lay->levels, 0, 0 },
		{ "swapper_pg_dir", "swapper_pg_dir", IOW_LAYOUT_PHYS, lay->pgd_phys, 0, 0 },
	};
	return iow_layout_items_copy(items, max, all, sizeof(all) / sizeof(all[0]));
}

/* --- memory types ----------------------------------------------------------------- */

/* One nibble of a Normal attribute (Arm ARM D19.2, MAIR_EL1.Attr<n>):
 * 0b0100 Non-cacheable, 0b00RW (RW != 00) and 0b10RW Write-Through,
 * 0b01RW (RW != 00) and 0b11RW Write-Back. */
static unsigned normal_policy(unsigned nib)
{
	if (nib == 4)
		return IOW_MT_NORMAL_NC;
	if ((nib & 8) == 0 && (nib & 3) == 0)
		return IOW_MT_UNKNOWN;
	return (nib & 4) ? IOW_MT_NORMAL_WB : IOW_MT_NORMAL_WT;
}

unsigned iow_arm64_mair_type(uint8_t attr)
{
	unsigned outer = attr >> 4, inner = attr & 15, o, i;

	if (outer == 0) {
		switch (inner) {
		case 0x0: return IOW_MT_DEVICE_NGNRNE;
		case 0x4: return IOW_MT_DEVICE_NGNRE;
		case 0x8: return IOW_MT_DEVICE_NGRE;
		case 0xc: return IOW_MT_DEVICE_GRE;
		default: return IOW_MT_UNKNOWN; /* UNPREDICTABLE, or FEAT_XS's XS=0 forms */
		}
	}
	if (attr == 0xf0)
		return IOW_MT_NORMAL_TAGGED; /* FEAT_MTE2 */
	if (inner == 0)
		return IOW_MT_UNKNOWN;
	o = normal_policy(outer);
	i = normal_policy(inner);
	return o == i ? o : IOW_MT_UNKNOWN;
}

static struct iow_error *a64_read_memtypes(struct iow_kernel *k, uint8_t table[IOW_MEMTYPE_INDEXES])
{
	uint64_t mair;
	struct iow_error *err = sysreg(k, mair_names, &mair);
	int i;

	if (err)
		return iow_error_wrap(err, "reading MAIR_EL1 (the memory attributes AttrIndx selects)");
	for (i = 0; i < IOW_MEMTYPE_INDEXES; i++)
		table[i] = (uint8_t)iow_arm64_mair_type((uint8_t)(mair >> (8 * i)));
	return NULL;
}

const struct iow_arch iow_arch_arm64 = {
	.name = "arm64",
	.e_machine = EM_AARCH64,
	.find_kaslr = a64_find_kaslr,
	.kaslr_probe = 0,
	.kaslr_probe_len = 0,
	.read_layout = a64_read_layout,
	.ram_vars = a64_ram_vars,
	.read_ram = a64_read_ram,
	.boot_root = a64_boot_root,
	.finish_layout = a64_finish_layout,
	.linear = a64_linear,
	.modules_hint = a64_modules_hint,
	.describe = a64_describe,
	.root_table = a64_root_table,
	.entry_present = a64_present,
	.entry_is_leaf = a64_is_leaf,
	.entry_table = a64_entry_table,
	.entry_pa = a64_entry_pa,
	.entry_flags = a64_entry_flags,
	.unclaimed_ioremaps_usual = true,
	.memtype_index_name = "AttrIndx",
	.memtype_index_key = "attr_index",
	.memtype_index = a64_memtype_index,
	.read_memtypes = a64_read_memtypes,
	.leaf_attrs = a64_leaf_attrs,
};
