/* debuginfo: opening a vmlinux, its build ID, reading its image; see
 * debuginfo.h.  Opening only maps the file and reads the section headers
 * and the notes: the symbol table and the DWARF are touched on first use,
 * so that a command which needs neither does not pay for them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <elf.h>

#include "debuginfo/internal.h"

uint64_t iow_debuginfo_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool iow_debuginfo_read_image(struct iow_debuginfo *dbg, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;

	while ((scn = elf_nextscn(dbg->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC) ||
		    shdr.sh_type != SHT_PROGBITS)
			continue;
		if (addr < shdr.sh_addr || addr - shdr.sh_addr > shdr.sh_size ||
		    len > shdr.sh_size - (addr - shdr.sh_addr))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size != shdr.sh_size)
			return false;
		memcpy(buf, (const char *)data->d_buf + (addr - shdr.sh_addr), len);
		return true;
	}
	return false;
}

void iow_debuginfo_advise_info(struct iow_debuginfo *dbg, uint64_t off, uint64_t len, int advice)
{
	uintptr_t start, end, page = (uintptr_t)sysconf(_SC_PAGESIZE);

	if (!dbg->info_map || off >= dbg->info_size)
		return;
	if (len > dbg->info_size - off)
		len = dbg->info_size - off;
	start = ((uintptr_t)dbg->info_map + off) & ~(page - 1);
	end = (uintptr_t)dbg->info_map + off + len;
	/* Advice only: a failure costs speed, never correctness. */
	if (end > start)
		madvise((void *)start, end - start, advice);
}

static bool has_section(struct iow_debuginfo *dbg, const char *want)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	const char *name;
	size_t shstrndx;

	if (elf_getshdrstrndx(dbg->elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(dbg->elf, scn)))
		if (gelf_getshdr(scn, &shdr) && (name = elf_strptr(dbg->elf, shstrndx, shdr.sh_name)) &&
		    strcmp(name, want) == 0)
			return true;
	return false;
}

/* Where .debug_info lies in the file's mapping (libelf maps the whole file
 * with ELF_C_READ_MMAP), so that dwarf.c can tell the kernel how it is
 * about to be read. */
static void find_debug_info(struct iow_debuginfo *dbg)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	const char *name;
	size_t shstrndx, size;
	char *raw = elf_rawfile(dbg->elf, &size);

	if (!raw || elf_getshdrstrndx(dbg->elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(dbg->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) ||
		    !(name = elf_strptr(dbg->elf, shstrndx, shdr.sh_name)) ||
		    strcmp(name, ".debug_info") != 0)
			continue;
		if (shdr.sh_type != SHT_NOBITS && !(shdr.sh_flags & SHF_COMPRESSED) &&
		    shdr.sh_offset <= size && shdr.sh_size <= size - shdr.sh_offset) {
			dbg->info_map = (uint8_t *)raw + shdr.sh_offset;
			dbg->info_size = shdr.sh_size;
		}
		return;
	}
}

/* The GNU build ID: the NT_GNU_BUILD_ID note of owner "GNU", which the
 * kernel links into its .notes section (and exports as /sys/kernel/notes). */
static struct iow_error *read_build_id(struct iow_debuginfo *dbg)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;
	GElf_Nhdr nhdr;
	size_t off, next, name_off, desc_off;

	while ((scn = elf_nextscn(dbg->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (off = 0; (next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0;
		     off = next) {
			if (nhdr.n_type != NT_GNU_BUILD_ID || nhdr.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) != 0 ||
			    nhdr.n_descsz == 0)
				continue;
			dbg->build_id = malloc(nhdr.n_descsz);
			if (!dbg->build_id)
				return &iow_error_nomem;
			memcpy(dbg->build_id, (const char *)data->d_buf + desc_off, nhdr.n_descsz);
			dbg->build_id_len = nhdr.n_descsz;
			return NULL;
		}
	}
	return NULL; /* no build ID is not an error: the caller decides */
}

/* --- a file that is not a debug vmlinux: say what it is --------------------
 * The usual mistake is the bootable image (vmlinuz, a bzImage), which sits
 * beside the right file in /boot and in the rig's kernel directories. */

/* The bzImage's release: the x86 boot protocol's setup header (the kernel's
 * Documentation/arch/x86/boot.rst) has boot_flag 0xAA55 at 0x1FE, "HdrS"
 * at 0x202, and at 0x20E the offset, less 0x200, of the version string
 * ("6.12.118+deb12-cloud-amd64 (debian-kernel@...) #1 SMP ..."). */
static bool bzimage_release(int fd, const uint8_t *head, size_t n, char *release, size_t len)
{
	char v[256];
	ssize_t got;
	size_t i;
	unsigned off;

	release[0] = 0;
	if (n < 0x210 || head[0x1fe] != 0x55 || head[0x1ff] != 0xaa || memcmp(head + 0x202, "HdrS", 4) != 0)
		return false;
	off = head[0x20e] | (unsigned)head[0x20f] << 8;
	if (off && (got = pread(fd, v, sizeof(v) - 1, (off_t)off + 0x200)) > 0) {
		v[got] = 0;
		for (i = 0; i < len - 1 && v[i] > ' ' && v[i] < 0x7f; i++)
			release[i] = v[i];
		release[i] = 0;
	}
	return true;
}

/* What the start of a file that libelf would not take says it is: WHAT,
 * and into DETAIL (empty if nothing more) and a bzImage's RELEASE.
 * ELFERR: libelf's error number, for a file that starts like ELF. */
static const char *what_it_is(int fd, int elferr, char *release, size_t len, char *detail, size_t dlen)
{
	static const struct { const char *magic; size_t n; const char *what; } packed[] = {
		{ "\x1f\x8b", 2, "gzip-compressed data" },
		{ "\xfd" "7zXZ\0", 6, "xz-compressed data" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data" },
		{ "BZh", 3, "bzip2-compressed data" },
		{ "MZ", 2, "a PE (EFI) executable, perhaps an EFI-stub kernel image" },
	};
	uint8_t head[4096];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	size_t i;

	release[0] = 0;
	detail[0] = 0;
	if (n == 0)
		return "an empty file";
	if (n < 0)
		return "a file that cannot be read";
	if (bzimage_release(fd, head, (size_t)n, release, len)) {
		snprintf(detail, dlen, "a bzImage, as /boot/vmlinuz-* are, not the vmlinux");
		return "a compressed kernel image";
	}
	if (n >= SELFMAG && memcmp(head, ELFMAG, SELFMAG) == 0) {
		if (elferr)
			snprintf(detail, dlen, "libelf: %s", elf_errmsg(elferr));
		return "a damaged ELF file";
	}
	for (i = 0; i < sizeof(packed) / sizeof(packed[0]); i++)
		if ((size_t)n >= packed[i].n && memcmp(head, packed[i].magic, packed[i].n) == 0)
			return packed[i].what;
	snprintf(detail, dlen, "it begins");
	for (i = 0; i < 8 && i < (size_t)n; i++)
		snprintf(detail + strlen(detail), dlen - strlen(detail), " %02x", head[i]);
	return "not an ELF file";
}

/* "PATH is WHAT of RELEASE (DETAIL)", and where the debug vmlinux usually
 * is.  RELEASE: the kernel's, when the file names it (a bzImage does),
 * else NULL or empty; DETAIL may be NULL or empty too. */
static struct iow_error *not_a_vmlinux(enum iow_error_code code, const char *path, const char *what,
				       const char *detail, const char *release)
{
	bool known = release && *release, more = detail && *detail;
	const char *r = known ? release : "RELEASE";
	const char *slash = strrchr(path, '/');
	char sibling[4096];
	struct stat a, b;

	/* The rig's kernel directories and build trees keep the debug vmlinux
	 * beside the image. */
	snprintf(sibling, sizeof(sibling), "%.*svmlinux", slash ? (int)(slash - path + 1) : 0, path);
	if (stat(sibling, &b) != 0 || !S_ISREG(b.st_mode) || stat(path, &a) != 0 ||
	    (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
		sibling[0] = 0;
	return iow_error_create(code,
				"%s is %s%s%s%s%s%s; give the vmlinux with debug info, usually "
				"/usr/lib/debug/boot/vmlinux-%s (Debian: package linux-image-%s-dbg) or "
				"/usr/lib/debug/lib/modules/%s/vmlinux (Fedora-likes: kernel-debuginfo)%s%s%s",
				path, what, known ? " of " : "", known ? release : "", more ? " (" : "",
				more ? detail : "", more ? ")" : "", r, r, r,
				sibling[0] ? ", or perhaps " : "", sibling, sibling[0] ? ", beside it" : "");
}

struct iow_error *iow_debuginfo_open(const char *path, struct iow_debuginfo **out)
{
	struct iow_debuginfo *dbg;
	struct iow_error *err;
	GElf_Ehdr ehdr;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "libelf is too old: %s",
					elf_errmsg(-1));
	dbg = calloc(1, sizeof(*dbg));
	if (!dbg)
		return &iow_error_nomem;
	dbg->fd = -1;
	dbg->path = strdup(path);
	if (!dbg->path) {
		err = &iow_error_nomem;
		goto out_destroy;
	}
	dbg->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dbg->fd < 0) {
		err = iow_error_errno(errno, "opening %s", path);
		goto out_destroy;
	}
	/* Mapped, not read: a debug vmlinux is 350-600 MB, of which a lookup
	 * touches a few pages. */
	dbg->elf = elf_begin(dbg->fd, ELF_C_READ_MMAP, NULL);
	if (!dbg->elf || elf_kind(dbg->elf) != ELF_K_ELF || !gelf_getehdr(dbg->elf, &ehdr)) {
		char release[65], detail[96];
		int elferr = elf_errno();
		const char *what = what_it_is(dbg->fd, elferr, release, sizeof(release), detail, sizeof(detail));

		err = not_a_vmlinux(IOW_ERR_INVALID, path, what, detail, release);
		goto out_destroy;
	}
	if (ehdr.e_type == ET_CORE) {
		err = not_a_vmlinux(IOW_ERR_INVALID, path, "an ELF core dump", "read it with --core", NULL);
		goto out_destroy;
	}
	if (ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_ident[EI_DATA] != ELFDATA2LSB) {
		err = iow_error_create(IOW_ERR_UNSUPPORTED,
				       "%s is not a little-endian 64-bit ELF file", path);
		goto out_destroy;
	}
	err = read_build_id(dbg);
	if (err)
		goto out_destroy;
	/* Every struct layout comes from the DWARF: a file without it (a
	 * stripped vmlinux, a kernel built without CONFIG_DEBUG_INFO, any
	 * other program) is refused here, where what it is can be said, not
	 * at the first lookup.  NOTFOUND, so that a search for the vmlinux
	 * goes on to the next file. */
	dbg->dwarf = dwarf_begin_elf(dbg->elf, DWARF_C_READ, NULL);
	if (!dbg->dwarf) {
		bool has = has_section(dbg, ".debug_info");

		err = not_a_vmlinux(IOW_ERR_NOTFOUND, path,
				    has ? "an ELF file whose DWARF libdw cannot read" : "an ELF file without debug info",
				    has ? dwarf_errmsg(-1) : "no DWARF: stripped, or built without CONFIG_DEBUG_INFO",
				    NULL);
		goto out_destroy;
	}
	/* A lookup reads the header of every CU once (libdw's .debug_aranges
	 * reader and its CU index both walk them), a page each, 70 KB apart
	 * on average: without this, every such fault reads ahead 128 KB,
	 * and a cold first lookup reads most of .debug_info.  The CU that is
	 * then searched is read ahead explicitly (dwarf.c). */
	find_debug_info(dbg);
	iow_debuginfo_advise_info(dbg, 0, UINT64_MAX, MADV_RANDOM);
	/* what earlier runs worked out for this build (index.c) */
	iow_index_load(dbg);
	*out = dbg;
	return NULL;

out_destroy:
	iow_debuginfo_destroy(dbg);
	return err;
}

void iow_debuginfo_destroy(struct iow_debuginfo *dbg)
{
	if (!dbg)
		return;
	iow_index_save(dbg);
	iow_index_free(dbg);
	iow_debuginfo_free_dwarf_caches(dbg);
	iow_debuginfo_free_ksyms(dbg);
	iow_debuginfo_free_symbols(dbg);
	if (dbg->dwarf)
		dwarf_end(dbg->dwarf);
	if (dbg->elf)
		elf_end(dbg->elf);
	if (dbg->fd >= 0)
		close(dbg->fd);
	free(dbg->build_id);
	free(dbg->path);
	free(dbg);
}

const char *iow_debuginfo_path(const struct iow_debuginfo *dbg)
{
	return dbg->path;
}

const uint8_t *iow_debuginfo_build_id(const struct iow_debuginfo *dbg, size_t *len)
{
	*len = dbg->build_id_len;
	return dbg->build_id;
}

unsigned iow_debuginfo_machine(const struct iow_debuginfo *dbg)
{
	GElf_Ehdr ehdr;

	return gelf_getehdr(dbg->elf, &ehdr) ? ehdr.e_machine : EM_NONE;
}

const struct iow_debuginfo_stats *iow_debuginfo_get_stats(const struct iow_debuginfo *dbg)
{
	return &dbg->stats;
}
