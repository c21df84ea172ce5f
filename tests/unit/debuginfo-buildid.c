/* debuginfo/discover, with the running kernel's build ID and release
 * known (a live kernel's /sys/kernel/notes, a dump's VMCOREINFO): the
 * distribution's places under a system root, in order; a file whose own
 * build ID is another is refused without being tried; nothing found says
 * which build ID was looked for, and why debuginfod was not asked.  The
 * files are small ELF files with a GNU build ID note, made here (sparse up
 * to 1 MiB, the least a candidate may be).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/discover.h"
#include "tap.h"

#define RELEASE "6.99.0-test"

static char dir[64];

/* mkdir -p of PATH's directory. */
static void parents(const char *path)
{
	char d[256];
	char *p;

	snprintf(d, sizeof(d), "%s", path);
	for (p = d + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(d, 0700);
		*p = '/';
	}
}

/* An ELF file at DIR/NAME whose GNU build ID is 20 bytes of BYTE. */
static void make_elf(const char *name, uint8_t byte)
{
	static const char shstr[] = "\0.shstrtab\0.note.gnu.build-id";
	struct {
		Elf64_Nhdr nh;
		char name[4];
		uint8_t id[20];
	} note = { { 4, 20, NT_GNU_BUILD_ID }, "GNU", { 0 } };
	char path[256];
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	Elf_Scn *scn;
	Elf_Data *d;
	Elf *e;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	parents(path);
	memset(note.id, byte, sizeof(note.id));
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || !(e = elf_begin(fd, ELF_C_WRITE, NULL)) || !(eh = elf64_newehdr(e)))
		abort();
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	/* section 1: the section names; 2: the note */
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = (void *)shstr;
	d->d_size = sizeof(shstr);
	sh = elf64_getshdr(scn);
	sh->sh_type = SHT_STRTAB;
	sh->sh_name = 1;
	eh->e_shstrndx = (Elf64_Half)elf_ndxscn(scn);
	scn = elf_newscn(e);
	d = elf_newdata(scn);
	d->d_buf = &note;
	d->d_size = sizeof(note);
	d->d_type = ELF_T_BYTE;
	d->d_align = 4;
	sh = elf64_getshdr(scn);
	sh->sh_type = SHT_NOTE;
	sh->sh_name = 11;
	sh->sh_addralign = 4;
	if (elf_update(e, ELF_C_WRITE) < 0)
		abort();
	elf_end(e);
	if (ftruncate(fd, 1 << 20) != 0)
		abort();
	close(fd);
}

struct tried {
	const char *take; /* the end of the path taken, or NULL: none */
	char list[2048];
};

static struct iow_error *try(void *ctx, const char *path, bool *final)
{
	struct tried *t = ctx;

	(void)final;
	snprintf(t->list + strlen(t->list), sizeof(t->list) - strlen(t->list), "%s%s",
		 t->list[0] ? " " : "", path + strlen(dir));
	if (t->take && strlen(path) >= strlen(t->take) &&
	    strcmp(path + strlen(path) - strlen(t->take), t->take) == 0)
		return NULL;
	return iow_error_create(IOW_ERR_NOTFOUND, "no debug info");
}

int main(void)
{
	static const char *const no_globs[] = { NULL };
	uint8_t want[20];
	char root[96], hex[48], msg[512];
	struct iow_vmlinux_search where = { .globs = no_globs, .build_id = want,
					    .build_id_len = sizeof(want), .release = RELEASE };
	struct tried t;
	struct iow_error *err;

	unsetenv("DEBUGINFOD_URLS");
	elf_version(EV_CURRENT);
	strcpy(dir, "/tmp/iow-buildid.XXXXXX");
	if (!mkdtemp(dir))
		return 99;
	memset(want, 0xab, sizeof(want));
	for (size_t i = 0; i < sizeof(want); i++)
		snprintf(hex + 2 * i, 3, "%02x", want[i]);
	snprintf(root, sizeof(root), "%s/root", dir);
	where.sysroot = root;
	make_elf("root/usr/lib/debug/.build-id/ab/ababababababababababababababababababab.debug", 0xab);
	make_elf("root/usr/lib/debug/boot/vmlinux-" RELEASE, 0xcd);  /* another build */
	make_elf("root/usr/lib/debug/lib/modules/" RELEASE "/vmlinux", 0xab);
	make_elf("root/boot/vmlinux-" RELEASE, 0xab);
	make_elf("root/lib/modules/" RELEASE "/build/vmlinux", 0xab);
	make_elf("root/boot/vmlinux-6.1.0-other", 0xab); /* not this release's name */

	memset(&t, 0, sizeof(t));
	err = iow_vmlinux_discover(&where, try, &t);
	tap_is_str(t.list, "/root/usr/lib/debug/.build-id/ab/ababababababababababababababababababab.debug "
		   "/root/usr/lib/debug/lib/modules/" RELEASE "/vmlinux /root/boot/vmlinux-" RELEASE " "
		   "/root/lib/modules/" RELEASE "/build/vmlinux",
		   "by build ID first, then by release; a file of another build is not tried");
	tap_ok(err && err->code == IOW_ERR_MISMATCH &&
	       strstr(err->message, "/usr/lib/debug/boot/vmlinux-" RELEASE " does not match the running "
		      "kernel: its build ID is cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd, the kernel's is") &&
	       strstr(err->message, "DEBUGINFOD_URLS is not set"),
	       "none taken: the other build named, and why debuginfod was not asked (%s)",
	       err ? err->message : "no error");
	iow_error_destroy(err);

	memset(&t, 0, sizeof(t));
	t.take = ".debug";
	err = iow_vmlinux_discover(&where, try, &t);
	tap_ok(!err && strcmp(t.list, "/root/usr/lib/debug/.build-id/ab/ababababababababababababababababababab"
			      ".debug") == 0, "the file by build ID, taken, ends the search");
	iow_error_destroy(err);

	/* a system root that has nothing */
	snprintf(root, sizeof(root), "%s/empty", dir);
	memset(&t, 0, sizeof(t));
	err = iow_vmlinux_discover(&where, try, &t);
	snprintf(msg, sizeof(msg), "no vmlinux found for build ID %s (none open in GDB, none in %s/usr/lib/debug "
		 "or %s/boot; DEBUGINFOD_URLS is not set: no debuginfod server to ask for %s): give one with "
		 "--vmlinux", hex, root, root, hex);
	tap_ok(err && err->code == IOW_ERR_NOTFOUND && !t.list[0], "nothing there: not found, nothing tried");
	tap_is_str(err ? err->message : NULL, msg, "... naming the build ID and the root looked in");
	iow_error_destroy(err);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
