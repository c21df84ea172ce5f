/* check and snapshot: device-memory layout checks for CI.  The invariants
 * are model/check.c's, the snapshot format model/snapshot.c's; here they
 * are read, called and rendered.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands/view.h"
#include "kernel/resource.h"
#include "model/check.h"
#include "model/snapshot.h"
#include "render/render.h"
#include "util/buf.h"

struct state {
	struct iow_resource_tree iomem, ioports;
	struct iow_view v;
	bool have_view;
	struct iow_qemu_view qv;  /* QEMU's memory map (check only) */
	struct iow_qemu qemu;     /* ... beside the guest's */
	struct iow_owners_view ov;
};

static struct iow_error *load(struct iow_session *s, struct state *st)
{
	struct iow_error *err;

	memset(st, 0, sizeof(*st));
	if ((err = iow_resource_tree_read(s->kernel, "iomem_resource", &st->iomem)) ||
	    (err = iow_resource_tree_read(s->kernel, "ioport_resource", &st->ioports)))
		return err;
	st->have_view = true;
	return iow_view_load(s, &st->v, true);
}

/* The owners' findings (model/owner.h): a mapping that runs past the BAR
 * it starts in is a violation (the driver maps address space its device
 * was not given); a BAR left unassigned is a note (the kernel may leave a
 * BAR its driver does not use unassigned, as it does an I/O BAR behind a
 * bridge without an I/O window); so is a BUSY region whose requester the
 * data does not name: it says what the tool can prove, not what is wrong. */
static struct iow_error *check_owners(struct iow_session *s, struct state *st, struct iow_check *c)
{
	const struct iow_resource_tree *trees[] = { &st->iomem, &st->ioports };
	struct iow_error *err = iow_owners_view_load(s, st->v.mods, trees, 2, &st->v.maps, &st->ov);
	size_t i;

	/* A kernel whose DWARF has no struct device (a flat test kernel)
	 * has no owners to check: nothing to say, as tree says. */
	if (err && err->code == IOW_ERR_NOTFOUND) {
		iow_error_destroy(err);
		return NULL;
	}
	if (err) /* a walk that broke off: an error (exit 2), not a verdict */
		return err;
	for (i = 0; i < st->ov.o.nf; i++) {
		const struct iow_owner_finding *f = &st->ov.o.f[i];

		if (iow_check_add(c, iow_owner_finding_name(f->kind), f->kind != IOW_OFIND_MAPPED_BEYOND, "%s",
				  f->text))
			return &iow_error_nomem;
	}
	return NULL;
}

static void unload(struct state *st)
{
	iow_owners_view_fini(&st->ov);
	iow_resource_tree_fini(&st->iomem);
	iow_resource_tree_fini(&st->ioports);
	if (st->have_view)
		iow_view_fini(&st->v);
	iow_qemu_fini(&st->qemu);
	iow_qemu_view_fini(&st->qv);
}

/* QEMU's map beside the layout, when the stub is QEMU's; else a note that
 * says why not (check goes on with the guest's side alone). */
static struct iow_error *check_qemu(struct iow_session *s, const struct iow_cmd_args *a, struct state *st,
				    struct iow_check *c)
{
	struct iow_error *err;

	if (a->no_qemu)
		return NULL;
	if ((err = iow_qemu_view_load(s, &st->qv)))
		return err;
	if (!st->qv.have)
		return iow_check_add(c, "qemu-unavailable", true, "%s", st->qv.unavailable) ? &iow_error_nomem : NULL;
	if (iow_qemu_view_join(s, &st->qv, &st->qemu, &st->iomem, &st->ioports, &st->v.maps))
		return &iow_error_nomem;
	return NULL;
}

static struct iow_error *snapshot(struct iow_session *s, const struct state *st, struct iow_snapshot *snap)
{
	if (iow_snapshot_build(snap, iow_kernel_layout(s->kernel)->release, &st->iomem, &st->ioports,
			       &st->v.maps, &st->v.pat))
		return &iow_error_nomem;
	return NULL;
}

struct iow_error *iow_cmd_snapshot(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct state st;
	struct iow_snapshot snap = { 0 };
	struct iow_error *err;

	(void)a;
	if (!(err = load(s, &st)) && !(err = snapshot(s, &st, &snap)))
		iow_render_snapshot(&snap, out);
	iow_snapshot_fini(&snap);
	unload(&st);
	return err;
}

/* The saved snapshot at PATH. */
static struct iow_error *read_expect(const char *path, struct iow_snapshot *snap)
{
	FILE *f = fopen(path, "r");
	struct iow_buf text;
	struct iow_error *err = NULL;
	char chunk[65536];
	size_t n;

	if (!f)
		return iow_error_errno(errno, "opening %s", path);
	iow_buf_init(&text);
	while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		err = iow_buf_append(&text, chunk, n);
	if (!err && ferror(f))
		err = iow_error_errno(errno ? errno : EIO, "reading %s", path);
	fclose(f);
	if (!err)
		err = iow_snapshot_parse(snap, (const char *)text.data, text.len, path);
	iow_buf_fini(&text);
	return err;
}

struct iow_error *iow_cmd_check(struct iow_session *s, const struct iow_cmd_args *a, struct iow_sink *out)
{
	struct iow_snapshot expected = { 0 }, now = { 0 };
	struct iow_check c = { 0 };
	const char *expect = a->expect;
	struct state st;
	struct iow_error *err;

	if (expect && (err = read_expect(expect, &expected)))
		goto out_expected;
	if ((err = load(s, &st)))
		goto out; /* a walk that broke off: an error (exit 2), not a verdict */
	if ((err = check_qemu(s, a, &st, &c)))
		goto out;
	if (iow_check_resources(&c, "iomem", &st.iomem) || iow_check_resources(&c, "ioports", &st.ioports) ||
	    iow_check_mappings(&c, &st.iomem, &st.v.maps, iow_kernel_unclaimed_ioremaps_usual(s->kernel)) || iow_check_qemu(&c, &st.qemu) ||
	    (err = check_owners(s, &st, &c)) ||
	    (expect && ((err = snapshot(s, &st, &now)) || iow_snapshot_compare(&expected, &now, &c)))) {
		if (!err)
			err = &iow_error_nomem;
		goto out;
	}
	if (a->json)
		iow_render_check_json(&c, out);
	else
		iow_render_check(&c, expect != NULL, out);
	s->findings += c.violations;
out:
	iow_check_fini(&c);
	iow_snapshot_fini(&now);
	unload(&st);
out_expected:
	iow_snapshot_fini(&expected);
	return err;
}
