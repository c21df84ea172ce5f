/* Unit test of what iow_debuginfo_open() says of a file that is not a
 * vmlinux with debug info: what the file is (a bzImage, an empty file, an
 * ELF file without DWARF, an ELF core, anything else) and where the debug
 * vmlinux usually lives, with the kernel's release filled in when the file
 * names it.  The files are made here (the bzImage's setup header as the
 * x86 boot protocol lays it out) or built by make check (a program linked
 * with -s); the rig's real vmlinuz too, when tests/kernels.env names the
 * kernels (its release from the rig's own DIR/release file).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elf.h>

#include "debuginfo/debuginfo.h"
#include "tap.h"

static char dir[512];

static void put(const char *name, const void *data, size_t len, char *path)
{
	int fd;

	snprintf(path, PATH_MAX, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len)) {
		printf("Bail out! cannot write %s\n", path);
		exit(99);
	}
	close(fd);
}

/* Open PATH; the refusal must have CODE and name each of WANT (NULL-ended),
 * and never be libelf's "no error". */
static void expect(const char *what, const char *path, enum iow_error_code code, const char *const *want)
{
	struct iow_debuginfo *dbg = (struct iow_debuginfo *)1;
	struct iow_error *err = iow_debuginfo_open(path, &dbg);
	const char *msg = err ? err->message : "(opened)";
	bool ok = err && !dbg && err->code == code && !strstr(msg, "no error") && strstr(msg, path);
	size_t i;

	for (i = 0; ok && want[i]; i++)
		if (!strstr(msg, want[i])) {
			printf("# lacks: %s\n", want[i]);
			ok = false;
		}
	tap_ok(ok, "%s is refused, saying what it is and where the debug vmlinux lives", what);
	printf("#   %s\n", msg);
	if (!err)
		iow_debuginfo_destroy(dbg);
	iow_error_destroy(err);
}

#define WHERE(r) "/usr/lib/debug/boot/vmlinux-" r, "linux-image-" r "-dbg", \
		 "/usr/lib/debug/lib/modules/" r "/vmlinux"

/* x86 boot protocol (Documentation/arch/x86/boot.rst): boot_flag 0xAA55 at
 * 0x1FE, header "HdrS" at 0x202, kernel_version at 0x20E (the string's
 * offset less 0x200), as a vmlinuz has them. */
static void bzimage(void)
{
	static uint8_t img[0x2000];
	static const char version[] = "6.99.0-iowtest-amd64 (nobody@example.org) #1 SMP PREEMPT_DYNAMIC";
	char path[PATH_MAX], beside[PATH_MAX];
	const unsigned off = 0x1200;

	img[0] = 'M';
	img[1] = 'Z';
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = (uint8_t)((off - 0x200) & 0xff);
	img[0x20f] = (uint8_t)((off - 0x200) >> 8);
	memcpy(img + off, version, sizeof(version));
	put("vmlinuz", img, sizeof(img), path);
	expect("a bzImage", path, IOW_ERR_INVALID, (const char *const[]){ "compressed kernel image",
	       "bzImage", "of 6.99.0-iowtest-amd64", WHERE("6.99.0-iowtest-amd64"), NULL });
	/* with a vmlinux beside it, as in the rig's kernel directories */
	put("vmlinux", "", 0, beside);
	expect("a bzImage with a vmlinux beside it", path, IOW_ERR_INVALID,
	       (const char *const[]){ "bzImage", beside, NULL });
	unlink(beside);
}

static void elf_core(void)
{
	Elf64_Ehdr e = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_ehsize = sizeof(Elf64_Ehdr) };
	char path[PATH_MAX];

	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	put("vmcore", &e, sizeof(e), path);
	expect("an ELF core", path, IOW_ERR_INVALID,
	       (const char *const[]){ "ELF core dump", "--core", WHERE("RELEASE"), NULL });
}

static void random_bytes(void)
{
	uint8_t b[8192];
	uint32_t x = 2463534242u; /* xorshift32: the same bytes every run */
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(b); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)x;
	}
	put("random", b, sizeof(b), path);
	expect("a file of random bytes", path, IOW_ERR_INVALID,
	       (const char *const[]){ "not an ELF file", "it begins", WHERE("RELEASE"), NULL });
}

/* The rig's own vmlinuz, beside its debug vmlinux (qemu-harness/fetch-kernel). */
static void rig_vmlinuz(const char *vmlinux)
{
	char copy[2048], *kdir, path[PATH_MAX], release[128] = "", deb[256], where[PATH_MAX];
	FILE *f;

	snprintf(copy, sizeof(copy), "%s", vmlinux);
	kdir = dirname(copy);
	snprintf(path, sizeof(path), "%s/release", kdir);
	if ((f = fopen(path, "r"))) {
		if (!fgets(release, sizeof(release), f))
			release[0] = 0;
		release[strcspn(release, "\n")] = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/vmlinuz", kdir);
	if (!tap_ok(release[0] && access(path, R_OK) == 0, "the rig's %s has a vmlinuz and a release", kdir))
		return;
	snprintf(deb, sizeof(deb), "linux-image-%s-dbg", release);
	snprintf(where, sizeof(where), "/usr/lib/debug/boot/vmlinux-%s", release);
	expect("the rig's vmlinuz", path, IOW_ERR_INVALID,
	       (const char *const[]){ "bzImage", deb, where, vmlinux, NULL });
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], self[2048];
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	setenv("IOW_INDEX_DIR", "off", 1);
	snprintf(dir, sizeof(dir), "%.400s/iow-refuse-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp %s\n", dir);
		return 99;
	}
	bzimage();
	put("empty", "", 0, path);
	expect("an empty file", path, IOW_ERR_INVALID,
	       (const char *const[]){ "empty file", WHERE("RELEASE"), NULL });
	unlink(path);
	random_bytes();
	elf_core();
	/* a program linked with -s (make check builds it): an ELF file, no DWARF */
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(path, sizeof(path), "%s/../fixtures/debuginfo-fixture-stripped", dirname(self));
	if (access(path, R_OK) != 0) {
		printf("Bail out! %s is missing (make check builds it)\n", path);
		return 99;
	}
	expect("a stripped ELF file", path, IOW_ERR_NOTFOUND,
	       (const char *const[]){ "ELF file without debug info", WHERE("RELEASE"), NULL });
	if (getenv("IOW_TEST_VMLINUX_61") && *getenv("IOW_TEST_VMLINUX_61"))
		rig_vmlinuz(getenv("IOW_TEST_VMLINUX_61"));
	if (getenv("IOW_TEST_VMLINUX_612") && *getenv("IOW_TEST_VMLINUX_612"))
		rig_vmlinuz(getenv("IOW_TEST_VMLINUX_612"));
	else if (!getenv("IOW_TEST_VMLINUX_61") || !*getenv("IOW_TEST_VMLINUX_61"))
		tap_ok(!getenv("CI") || strcmp(getenv("CI"), "true") != 0,
		       "the rig's vmlinuz is checked when its kernels are there (none: IOW_TEST_VMLINUX_* unset)");
	snprintf(path, sizeof(path), "%s/vmlinuz", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/random", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vmcore", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
