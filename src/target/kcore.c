/* target/kcore: the running kernel through /proc/kcore (see target.h).
 *
 * /proc/kcore is an ELF core of the machine itself, made afresh by the
 * kernel at each read (fs/proc/kcore.c): one PT_LOAD per region of the
 * kernel's address space (kclist_head), p_vaddr its kernel virtual
 * address, p_offset that address less PAGE_OFFSET (kc_vaddr_to_offset)
 * plus the header's size, and p_paddr the physical address for the two
 * kinds that have one: KCORE_RAM (System RAM through the direct map,
 * __pa) and KCORE_TEXT (the kernel image, __pa_symbol).  Every other
 * kind (KCORE_VMALLOC, the module area, KCORE_VMEMMAP, KCORE_USER, and
 * arm64's KCORE_REMAP) has p_paddr -1.  Its notes: NT_PRSTATUS (zeroed),
 * NT_PRPSINFO, NT_TASKSTRUCT and the kernel's VMCOREINFO.
 *
 * Only the segments with a physical address are ever read: nothing but
 * RAM goes through this back end, whatever the layer above asks (the
 * vmalloc segment would hand out ioremap'd device memory as zeros, but a
 * read of it is refused here before the kernel is asked).  Physical
 * reads come from the RAM segments, virtual ones from the RAM and image
 * segments.  Nothing is written: the file is opened read-only.
 *
 * The memory is live: it changes while it is read.  The target says so
 * (iow_target_is_live), has no registers, and gives the kernel's build ID
 * from /sys/kernel/notes, so the vmlinux can be found before any read.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/target.h"
#include "util/elfnote.h"
#include "util/ranges.h"

#define KCORE_PATH "/proc/kcore"
#define NOTES_PATH "/sys/kernel/notes"
#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"
#define KCORE_MAX_PHDRS 65536      /* one per RAM range and region: a few dozen */
#define KCORE_MAX_NOTES (1u << 20) /* the notes are some 12 KiB */
#define NOTES_MAX 65536            /* /sys/kernel/notes: a few hundred bytes */
#define NO_ADDR UINT64_MAX         /* p_paddr of a region with no physical address */

/* One readable PT_LOAD: [start, end) at file offset off (start and end
 * first: util/ranges.h). */
struct kseg {
	uint64_t start, end, off;
};

struct kspace {
	struct kseg *seg;
	size_t n;
};

struct kcore {
	struct iow_target t; /* first: the generic layer's view */
	int fd;
	char *path, *notes_path;
	struct kspace phys, virt;
	char *vmcoreinfo;
};

static struct kcore *to_kcore(struct iow_target *t)
{
	return (struct kcore *)(void *)((char *)t - offsetof(struct kcore, t));
}

static const struct kseg *kspace_find(const struct kspace *sp, uint64_t addr)
{
	size_t i = iow_range_find(sp->seg, sp->n, sizeof(*sp->seg), addr);

	return i < sp->n ? &sp->seg[i] : NULL;
}

static struct iow_error *kcore_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				    void *buf, size_t len)
{
	struct kcore *c = to_kcore(t);
	const struct kspace *sp = space == IOW_SPACE_PHYS ? &c->phys : &c->virt;
	uint8_t *p = buf;

	while (len) {
		const struct kseg *s = kspace_find(sp, addr);
		size_t n;
		ssize_t got;

		if (!s)
			return iow_error_at(IOW_ERR_FAULT, addr, "%s address 0x%" PRIx64 " is in no RAM "
					    "segment of %s: not read", space == IOW_SPACE_PHYS ?
					    "physical" : "virtual", addr, c->path);
		n = s->end - addr < len ? (size_t)(s->end - addr) : len;
		got = pread(c->fd, p, n, (off_t)(s->off + (addr - s->start)));
		/* --stats: a system call is this target's round trip */
		t->stats.round_trips++;
		t->stats.packets++;
		t->stats.bytes_received += got > 0 ? (uint64_t)got : 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return iow_error_at(got < 0 ? IOW_ERR_IO : IOW_ERR_FAULT, addr,
					    "%s: reading 0x%" PRIx64 ": %s", c->path, addr,
					    got < 0 ? strerror(errno) : "nothing read");
		p += got;
		addr += (uint64_t)got;
		len -= (size_t)got;
	}
	return NULL;
}

static struct iow_error *kcore_read_reg(struct iow_target *t, const char *name, uint64_t *val)
{
	(void)val;
	return iow_error_create(IOW_ERR_UNSUPPORTED, "register %s: %s has no registers (the "
				"running kernel's CPUs are not stopped)", name, to_kcore(t)->path);
}

static const char *kcore_vmcoreinfo(struct iow_target *t)
{
	return to_kcore(t)->vmcoreinfo;
}

static bool kcore_live(struct iow_target *t)
{
	(void)t;
	return true;
}

/* /sys/kernel/notes: the kernel's notes section (kernel/ksysfs.c), as
 * Elf64_Nhdr records; the GNU build ID among them. */
static struct iow_error *kcore_build_id(struct iow_target *t, uint8_t *id, size_t max, size_t *len)
{
	struct kcore *c = to_kcore(t);
	uint8_t notes[NOTES_MAX];
	size_t n = 0;
	ssize_t got;
	int fd = open(c->notes_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return iow_error_errno(errno, "%s", c->notes_path);
	while (n < sizeof(notes) && (got = read(fd, notes + n, sizeof(notes) - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			close(fd);
			return iow_error_errno(e, "reading %s", c->notes_path);
		}
		n += (size_t)got;
	}
	close(fd);
	if (!iow_elf_notes_build_id(notes, n, id, max, len))
		return iow_error_create(IOW_ERR_NOTFOUND, "%s holds no GNU build ID note",
					c->notes_path);
	return NULL;
}

static void kcore_destroy(struct iow_target *t)
{
	struct kcore *c = to_kcore(t);

	if (c->fd >= 0)
		close(c->fd);
	free(c->phys.seg);
	free(c->virt.seg);
	free(c->vmcoreinfo);
	free(c->notes_path);
	free(c->path);
	free(c);
}

static const struct iow_target_ops kcore_ops = {
	.name = "kcore",
	.read = kcore_read, .read_reg = kcore_read_reg, /* no monitor, no batches */
	.vmcoreinfo = kcore_vmcoreinfo, .live = kcore_live, .build_id = kcore_build_id,
	.destroy = kcore_destroy,
};

/* --- opening ------------------------------------------------------------- */

/* Why PATH could not be opened (ERRNUM), in one line: kcore_open() refuses
 * EPERM both to a user without CAP_SYS_RAWIO and under lockdown
 * (security_locked_down(LOCKDOWN_KCORE), the "confidentiality" level). */
static struct iow_error *open_error(const struct iow_kcore_opts *o, const char *path, int errnum)
{
	const char *lockdown = o && o->lockdown ? o->lockdown : LOCKDOWN_PATH;
	char state[256] = "";
	FILE *f;

	if (errnum == ENOENT)
		return iow_error_create(IOW_ERR_IO, "%s is not there: this kernel was built without "
					"CONFIG_PROC_KCORE (or /proc is not mounted); --target or "
					"--core reach a kernel another way", path);
	if (errnum != EPERM && errnum != EACCES)
		return iow_error_errno(errnum, "%s", path);
	if ((f = fopen(lockdown, "r"))) {
		if (!fgets(state, sizeof(state), f))
			state[0] = 0;
		fclose(f);
	}
	if (strstr(state, "[confidentiality]"))
		return iow_error_create(IOW_ERR_IO, "%s: the kernel is locked down (lockdown="
					"confidentiality, %s): it lets nobody read its memory, root "
					"included", path, lockdown);
	if (geteuid() != 0)
		return iow_error_create(IOW_ERR_IO, "%s: reading the running kernel needs root "
					"(CAP_SYS_RAWIO): run iomem-walk with sudo", path);
	return iow_error_errno(errnum, "%s (as root, no lockdown: a security module refuses it?)",
			       path);
}

static int kseg_cmp(const void *a, const void *b)
{
	const struct kseg *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort SP and drop what overlaps a segment before it (none should). */
static void kspace_finish(struct kspace *sp)
{
	size_t i, out = 0;

	qsort(sp->seg, sp->n, sizeof(*sp->seg), kseg_cmp);
	for (i = 0; i < sp->n; i++)
		if (!out || sp->seg[i].start >= sp->seg[out - 1].end)
			sp->seg[out++] = sp->seg[i];
	sp->n = out;
}

static bool kseg_add(struct kspace *sp, uint64_t start, const GElf_Phdr *ph)
{
	if (!ph->p_memsz || ph->p_filesz < ph->p_memsz || start + ph->p_memsz < start ||
	    ph->p_offset + ph->p_memsz < ph->p_offset)
		return false;
	sp->seg[sp->n++] = (struct kseg){ start, start + ph->p_memsz, ph->p_offset };
	return true;
}

/* The VMCOREINFO note of PT_NOTE PH, if it has one. */
static struct iow_error *read_notes(struct kcore *c, Elf *elf, const GElf_Phdr *ph)
{
	static const char want[] = "VMCOREINFO";
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;
	Elf_Data *d;

	if (ph->p_filesz > KCORE_MAX_NOTES)
		return iow_error_create(IOW_ERR_DATA, "%s: %" PRIu64 " bytes of notes", c->path,
					(uint64_t)ph->p_filesz);
	d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz, ELF_T_NHDR);
	if (!d)
		return iow_error_create(IOW_ERR_DATA, "%s: its notes: %s", c->path, elf_errmsg(-1));
	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
		if (nh.n_namesz >= sizeof(want) - 1 && nh.n_namesz <= sizeof(want) &&
		    memcmp((const char *)d->d_buf + name_off, want, sizeof(want) - 1) == 0 &&
		    !c->vmcoreinfo) {
			c->vmcoreinfo = strndup((const char *)d->d_buf + desc_off, nh.n_descsz);
			if (!c->vmcoreinfo)
				return &iow_error_nomem;
		}
		off = next;
	}
	return NULL;
}

static struct iow_error *parse(struct kcore *c, Elf *elf)
{
	GElf_Ehdr eh;
	GElf_Phdr ph;
	struct iow_error *err = NULL;
	size_t i, phnum;

	if (!gelf_getehdr(elf, &eh) || eh.e_type != ET_CORE)
		return iow_error_create(IOW_ERR_DATA, "%s: not an ELF core: %s", c->path,
					elf_errmsg(-1));
	if (elf_getphdrnum(elf, &phnum) || !phnum || phnum > KCORE_MAX_PHDRS)
		return iow_error_create(IOW_ERR_DATA, "%s: bad program headers", c->path);
	c->phys.seg = calloc(phnum, sizeof(*c->phys.seg));
	c->virt.seg = calloc(phnum, sizeof(*c->virt.seg));
	if (!c->phys.seg || !c->virt.seg)
		return &iow_error_nomem;
	for (i = 0; i < phnum && !err; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			return iow_error_create(IOW_ERR_DATA, "%s: program header %zu: %s", c->path, i,
						elf_errmsg(-1));
		if (ph.p_type == PT_NOTE && ph.p_filesz) {
			err = read_notes(c, elf, &ph);
		} else if (ph.p_type == PT_LOAD && ph.p_paddr != NO_ADDR) {
			/* Only RAM: the segments with a physical address.  The
			 * image's (KCORE_TEXT) lies inside a RAM segment's physical
			 * range, and kspace_finish() keeps that one. */
			if (!kseg_add(&c->virt, ph.p_vaddr, &ph) || !kseg_add(&c->phys, ph.p_paddr, &ph))
				err = iow_error_create(IOW_ERR_DATA, "%s: PT_LOAD %zu is implausible "
						       "(%" PRIu64 " bytes at 0x%" PRIx64 ")", c->path, i,
						       (uint64_t)ph.p_memsz, (uint64_t)ph.p_vaddr);
		}
	}
	if (err)
		return err;
	kspace_finish(&c->virt);
	kspace_finish(&c->phys);
	if (!c->phys.n)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "%s has no RAM segment (no PT_LOAD with a "
					"physical address): a kernel older than iomem-walk knows?", c->path);
	return NULL;
}

/* The headers and notes of C's file. */
static struct iow_error *parse_file(struct kcore *c)
{
	struct iow_error *err;
	Elf *elf;

	elf_version(EV_CURRENT);
	if (!(elf = elf_begin(c->fd, ELF_C_READ, NULL)))
		return iow_error_create(IOW_ERR_DATA, "%s: %s", c->path, elf_errmsg(-1));
	err = parse(c, elf);
	elf_end(elf);
	return err;
}

struct iow_error *iow_kcore_open(const struct iow_kcore_opts *o, struct iow_target **out)
{
	const char *path = o && o->path ? o->path : KCORE_PATH;
	struct iow_error *err;
	struct kcore *c = calloc(1, sizeof(*c));

	if (!c)
		return &iow_error_nomem;
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		err = open_error(o, path, errno);
	else if (!(c->path = strdup(path)) ||
		 !(c->notes_path = strdup(o && o->notes ? o->notes : NOTES_PATH)))
		err = &iow_error_nomem;
	else if (!(err = parse_file(c)))
		err = iow_target_init(&c->t, &kcore_ops, IOW_TARGET_PAGE_SIZE);
	if (err) {
		kcore_destroy(&c->t);
		return err;
	}
	*out = &c->t;
	return NULL;
}
