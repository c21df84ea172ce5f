/* model/mtree: QEMU's `info mtree -f [-o]` text, as measured on QEMU 7.2
 * (x86 q35 after SeaBIOS, with and without -o; arm64 virt with PCI), and
 * text that is not, parsed into address spaces found by name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "model/mtree.h"
#include "tap.h"

static char *slurp(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/mtree/%s", getenv("top_srcdir") ? getenv("top_srcdir") : ".",
		 name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct iow_error *parse_str(const char *s, struct iow_mtree *m)
{
	return iow_mtree_parse(s, strlen(s), m);
}

static void x86_owner(void)
{
	struct iow_mtree m;
	const struct iow_mtree_view *mem, *io;
	const struct iow_mtree_region *r;
	size_t len;
	char *text = slurp("mtree-x86-owner.txt", &len);
	struct iow_error *err;

	if (!tap_ok(text != NULL, "read mtree-x86-owner.txt"))
		return;
	err = iow_mtree_parse(text, len, &m);
	tap_ok(!err, "x86 q35 with -o parses%s%s", err ? ": " : "", err ? err->message : "");
	free(text);
	if (err) {
		iow_error_destroy(err);
		return;
	}
	mem = iow_mtree_space(&m, "memory");
	io = iow_mtree_space(&m, "I/O");
	tap_ok(mem && io, "spaces memory and I/O found by name");
	tap_ok(mem && mem == iow_mtree_space(&m, "cpu-memory-0"), "memory and cpu-memory-0 share a view");
	tap_ok(!iow_mtree_space(&m, "no-such-space"), "an unknown space is NULL");
	if (!mem || !io)
		goto out;
	r = iow_mtree_lookup(mem, 0x100000);
	tap_ok(r && r->type == IOW_MTREE_RAM && !strcmp(r->name, "pc.ram") && r->has_offset &&
	       r->offset == 0x100000 && r->start == 0x100000 && r->end == 0x7ffffff,
	       "0x100000 is pc.ram @0x100000, ram, 0x100000-0x7ffffff");
	tap_ok(r && r->owner && !strcmp(r->owner, "/objects/pc.ram") && !r->owner_is_dev && !r->owner_is_parent,
	       "... owned by the object /objects/pc.ram");
	r = iow_mtree_lookup(mem, 0xfffc0000);
	tap_ok(r && r->type == IOW_MTREE_ROM && !strcmp(r->name, "pc.bios") && !r->has_offset && r->owner_is_parent,
	       "0xfffc0000 is pc.bios, rom, with only its parent known");
	r = iow_mtree_lookup(mem, 0xfed00000);
	tap_ok(r && r->type == IOW_MTREE_IO && !strcmp(r->name, "hpet") && r->owner_is_dev,
	       "0xfed00000 is the hpet, i/o, owned by a device");
	r = iow_mtree_lookup(io, 0x71);
	tap_ok(r && !strcmp(r->name, "rtc") && r->has_offset && r->offset == 1 && r->start == 0x71 &&
	       r->end == 0x71 && r->owner && !strcmp(r->owner, "/machine/unattached/device[8]"),
	       "port 0x71 is rtc @1, device[8]");
	tap_ok(iow_mtree_lookup(mem, 0x800000000ULL) == NULL, "32 GiB: unassigned");
	{
		size_t i;
		bool sorted = true;

		for (i = 1; i < mem->n; i++)
			sorted &= mem->regions[i - 1].end < mem->regions[i].start;
		tap_ok(sorted && mem->n > 10, "memory's %zu regions are in order and do not overlap", mem->n);
	}
	{
		size_t i;
		const struct iow_mtree_view *none = NULL;

		for (i = 0; i < m.n; i++)
			if (!m.views[i].rendered)
				none = &m.views[i];
		tap_ok(none && none->n == 0 && !none->root, "a view with no rendered FlatView and root (none)");
	}
out:
	iow_mtree_fini(&m);
}

static void samples(void)
{
	static const char *const files[] = { "mtree-x86-after-bios.txt", "mtree-arm64-pci.txt" };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct iow_mtree m;
		size_t len;
		char *text = slurp(files[i], &len);
		struct iow_error *err = text ? iow_mtree_parse(text, len, &m) : NULL;

		tap_ok(text && !err, "%s parses", files[i]);
		if (text && !err) {
			const struct iow_mtree_view *mem = iow_mtree_space(&m, "memory");

			tap_ok(mem && mem->n > 5 && mem->regions[0].owner == NULL,
			       "%s: memory has regions, and without -o no owners", files[i]);
			iow_mtree_fini(&m);
		}
		iow_error_destroy(err);
		free(text);
	}
}

static void arm64(void)
{
	struct iow_mtree m;
	size_t len;
	char *text = slurp("mtree-arm64-pci.txt", &len);
	const struct iow_mtree_region *r;
	const struct iow_mtree_view *mem;

	if (!text || iow_mtree_parse(text, len, &m)) {
		tap_ok(0, "arm64 sample");
		free(text);
		return;
	}
	mem = iow_mtree_space(&m, "memory");
	r = mem ? iow_mtree_lookup(mem, 0x9000000) : NULL;
	tap_ok(r && r->type == IOW_MTREE_IO, "arm64: the pl011 at 0x9000000 is i/o");
	r = mem ? iow_mtree_lookup(mem, 0x40000000) : NULL;
	tap_ok(r && r->type == IOW_MTREE_RAM, "arm64: RAM at 1 GiB");
	tap_ok(iow_mtree_space(&m, "gpex-root") != NULL, "arm64: gpex-root found (a view of none)");
	iow_mtree_fini(&m);
	free(text);
}

static void not_mtree(void)
{
	static const char *const bad[] = {
		"",
		"unknown command: 'info'\r\n",
		"FlatView #0\n AS \"memory\", root: system\n  zz-00 (prio 0, ram): x\n",
		"FlatView #0\n AS \"memory\", root: system\n  0000000000001000-0000000000000fff (prio 0, ram): x\n",
		"FlatView #0\n  0000000000000000-0000000000000fff (prio 0, ram): x\n",
		"FlatView #0\n AS \"memory, root: system\n",
		"FlatView #0\n AS \"memory\", root: system\n  0000000000000000-0000000000000fff (prio 0, ram): \n",
		"FlatView #0\n AS \"memory\", root: system\n  0000000000000000-0000000000000fff (prio x, ram): a\n",
		"FlatView #0\n AS \"memory\", root: system\n  0000000000000000-0000000000000fff (prio 0, ram): a owner:{bogus}\n",
		"FlatView #0\n AS \"memory\", root: system\n  0000000000000000-0000000000000fff (prio 0, ram): a owner:{dev name=x}\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct iow_mtree m;
		struct iow_error *err = parse_str(bad[i], &m);

		tap_ok(err && err->code == IOW_ERR_PROTOCOL && m.n == 0, "not mtree text %zu is refused%s%s", i,
		       err ? ": " : "", err ? err->message : "");
		iow_error_destroy(err);
	}
	{
		struct iow_mtree m;
		struct iow_error *err = parse_str("FlatView #0\n AS \"memory\", root: system\n"
						  "  0000000000000000-0000000000000fff (prio 0, i/o): a name with spaces"
						  " @0000000000000010 owner:{dev path=/machine/x}\n", &m);
		const struct iow_mtree_region *r = err ? NULL : iow_mtree_lookup(iow_mtree_space(&m, "memory"), 0);

		tap_ok(r && !strcmp(r->name, "a name with spaces") && r->offset == 0x10 &&
		       !strcmp(r->owner, "/machine/x"), "a name with spaces, an offset and an owner, no CR");
		if (!err)
			iow_mtree_fini(&m);
		iow_error_destroy(err);
	}
}

/* The rig's default q35 guest with an e1000e, after SeaBIOS and the
 * kernel ran: owners named by id (a device given one on the command line),
 * and the I/O root's background pieces. */
static void devices(void)
{
	struct iow_mtree m;
	const struct iow_mtree_view *mem, *io;
	const struct iow_mtree_region *r;
	size_t len, i, bg = 0;
	char *text = slurp("mtree-x86-devices-owner.txt", &len);
	struct iow_error *err = text ? iow_mtree_parse(text, len, &m) : NULL;

	tap_ok(text && !err, "the default guest's map parses%s%s", err ? ": " : "", err ? err->message : "");
	free(text);
	if (!text || err) {
		iow_error_destroy(err);
		return;
	}
	mem = iow_mtree_space(&m, "memory");
	io = iow_mtree_space(&m, "I/O");
	r = mem ? iow_mtree_lookup(mem, 0xfebca000) : NULL;
	tap_ok(r && !strcmp(r->name, "msix-table") && r->owner && !strcmp(r->owner, "scsi0") &&
	       !strcmp(r->owner_by, "id") && r->owner_is_dev, "an owner named by its id: dev id=scsi0");
	r = mem ? iow_mtree_lookup(mem, 0xfebc0000) : NULL;
	tap_ok(r && !strcmp(r->owner_by, "path") && !strcmp(r->owner, "/machine/peripheral-anon/device[4]"),
	       "... and one by its path");
	r = mem ? iow_mtree_lookup(mem, 0x100000) : NULL;
	tap_ok(r && iow_mtree_is_machine_memory(r) && !r->background, "pc.ram is the machine's memory");
	r = mem ? iow_mtree_lookup(mem, 0xfffc0000) : NULL;
	tap_ok(r && r->type == IOW_MTREE_ROM && iow_mtree_is_machine_memory(r), "... and pc.bios, a ROM");
	r = mem ? iow_mtree_lookup(mem, 0xfebf0000) : NULL;
	tap_ok(r && !iow_mtree_is_machine_memory(r) && !r->background, "a virtio BAR's region is a device's");
	for (i = 0; io && i < io->n; i++)
		if (io->regions[i].background) {
			bg++;
			if (strcmp(io->regions[i].name, "io"))
				bg += 1000;
		}
	tap_ok(bg > 10 && bg < 1000, "I/O: the root's %zu pieces are background, nothing else", bg);
	r = io ? iow_mtree_lookup(io, 0xcfa) : NULL;
	tap_ok(r && !strcmp(r->name, "pci-conf-idx") && !r->background, "pci-conf-idx @2 (split by cf9) is no background");
	iow_mtree_fini(&m);
}

/* Owners as mtree_expand_owner() may print them, and arm64's PCI window. */
static void owners(void)
{
	static const char text[] =
		"FlatView #0\n AS \"memory\", root: system\n Root memory region: system\n"
		"  0000000000000000-0000000000000fff (prio 0, i/o): a orphan\n"
		"  0000000000001000-0000000000001fff (prio 0, i/o): b owner:{obj type=some-type}\n"
		"  0000000000002000-0000000000002fff (prio 0, ram): vga.vram owner:{dev id=vga}\n"
		"  0000000010000000-0000000010083fff (prio 0, i/o): gpex_mmio_window @0000000010000000"
		" owner:{dev path=/machine/gpex}\n"
		"  0000000010084000-000000001008401f (prio 0, i/o): msix-table owner:{dev path=/machine/x}\n"
		"  0000000010084020-00000000100847ff (prio 0, i/o): gpex_mmio_window @0000000010084020"
		" owner:{dev path=/machine/gpex}\n";
	struct iow_mtree m;
	struct iow_error *err = parse_str(text, &m);
	const struct iow_mtree_view *v = err ? NULL : iow_mtree_space(&m, "memory");
	const struct iow_mtree_region *r;

	tap_ok(v && v->n == 6, "six regions with every form of owner%s%s", err ? ": " : "", err ? err->message : "");
	if (!v) {
		iow_error_destroy(err);
		return;
	}
	r = iow_mtree_lookup(v, 0);
	tap_ok(r && r->orphan && !r->owner && !strcmp(r->name, "a"), "\" orphan\": no owner, not in the name");
	r = iow_mtree_lookup(v, 0x1000);
	tap_ok(r && !r->owner_is_dev && !strcmp(r->owner_by, "type") && !strcmp(r->owner, "some-type"),
	       "obj type=...");
	r = iow_mtree_lookup(v, 0x2000);
	tap_ok(r && r->type == IOW_MTREE_RAM && !iow_mtree_is_machine_memory(r), "a device's RAM is not the machine's");
	tap_ok(iow_mtree_lookup(v, 0x10000000)->background && iow_mtree_lookup(v, 0x10084020)->background &&
	       !iow_mtree_lookup(v, 0x10084000)->background, "the PCI window's pieces are background, its BAR not");
	iow_mtree_fini(&m);
}

int main(void)
{
	x86_owner();
	samples();
	arm64();
	not_mtree();
	devices();
	owners();
	return tap_done();
}
