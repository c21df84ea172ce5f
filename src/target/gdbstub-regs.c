/* gdbstub-regs: registers over a gdbstub (part of the back end in
 * gdbstub.c): by the names and numbers of the stub's own target
 * description (qXfer:features:read, read in as many pieces as it takes),
 * with 'p', or out of the 'g' reply for stubs without it (gdbserver on
 * x86); GDB's built-in amd64 names for a stub that sends no description.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "target/gdbstub-wire.h"

#define MAX_ANNEX (1u << 20)     /* one target-description file */

static bool annex_ok(const char *annex)
{
	const char *p;

	for (p = annex; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_./", *p)))
			return false;
	return p != annex && p - annex < 200;
}

/* One file of the target description, in as many pieces as it takes. */
static struct iow_error *fetch_annex(void *ctx, const char *annex, struct iow_buf *out)
{
	struct iow_gdbstub *g = ctx;
	struct iow_error *err = NULL;
	size_t chunk, offset = 0;
	struct iow_gdbstub_reply r;

	if (!annex_ok(annex))
		return iow_error_create(IOW_ERR_PROTOCOL, "the target description names a "
					"strange file: '%.60s'", annex);
	/* room for the 'm'/'l' and, as GDB leaves, a little more */
	chunk = g->packet_size > 64 + 5 ? g->packet_size - 5 : 64;
	for (;;) {
		iow_buf_reset(&g->req);
		err = iow_buf_printf(&g->req, "qXfer:features:read:%s:%zx,%zx", annex, offset,
				     chunk);
		if (!err)
			err = iow_gdbstub_transact_req(g, &r);
		if (err)
			break;
		if (r.kind == IOW_RSP_REPLY_EMPTY) {
			err = iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s does not send "
					       "its target description (qXfer:features:read)",
					       g->where);
			break;
		}
		if (r.kind == IOW_RSP_REPLY_ERROR) {
			err = iow_error_create(IOW_ERR_REMOTE, "the stub at %s could not send %s "
					       "(E%02x)", g->where, annex, r.code);
			break;
		}
		if (r.data[0] != 'm' && r.data[0] != 'l') {
			err = iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s answered '%.20s' "
					       "when asked for %s", g->where, (const char *)r.data,
					       annex);
			break;
		}
		if (out->len + r.len - 1 > MAX_ANNEX) {
			err = iow_error_create(IOW_ERR_PROTOCOL, "%s from the stub at %s is larger "
					       "than %u bytes", annex, g->where, MAX_ANNEX);
			break;
		}
		err = iow_buf_append(out, r.data + 1, r.len - 1);
		if (err || r.data[0] == 'l')
			break;
		if (r.len == 1) {
			err = iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s sent an empty "
					       "piece of %s that is not the last", g->where, annex);
			break;
		}
		offset += r.len - 1;
	}
	return err;
}

/* GDB's own numbering of the amd64 general registers (amd64-tdep.c),
 * for stubs that send no description. */
static const char *const builtin_names[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"rip", "eflags",
};

static struct iow_error *load_regs(struct iow_gdbstub *g)
{
	struct iow_error *err = NULL;
	size_t i;

	if (g->regs_loaded)
		return NULL;
	if (g->xfer_features) {
		err = iow_tdesc_load(&g->regs, "target.xml", fetch_annex, g);
		/* no target.xml: the built-in register list below */
		if (!g->regs.n)
			iow_error_catch(&err, IOW_ERR_UNSUPPORTED);
		if (err) {
			iow_tdesc_fini(&g->regs);
			return iow_error_wrap(err, "reading the target description");
		}
	}
	/* gdbserver sends a description with no registers at all when the
	 * client did not say xmlRegisters=i386; treat it like none */
	if (!g->regs.n) {
		for (i = 0; i < sizeof(builtin_names) / sizeof(builtin_names[0]) && !err; i++)
			err = iow_tdesc_add(&g->regs, builtin_names[i], -1, i < 17 ? 64 : 32);
		if (err) {
			iow_tdesc_fini(&g->regs);
			return err;
		}
		g->builtin_regs = true;
	}
	g->regs_loaded = true;
	return NULL;
}

/* The LEN hex digits at HEX (a register's bytes, target order: little-endian
 * on x86) as a number. */
static struct iow_error *reg_value(struct iow_gdbstub *g, const char *name, const uint8_t *hex,
				   size_t len, uint64_t *val)
{
	uint8_t bytes[8];
	size_t n;
	int i;

	if (memchr(hex, 'x', len))
		return iow_error_create(IOW_ERR_REMOTE, "the stub at %s says register %s is "
					"unavailable", g->where, name);
	if (!iow_rsp_hex_decode(hex, len, bytes, sizeof(bytes), &n) || !n)
		return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s answered '%.*s' for "
					"register %s", g->where, (int)(len < 40 ? len : 40),
					(const char *)hex, name);
	*val = 0;
	for (i = (int)n - 1; i >= 0; i--)
		*val = *val << 8 | bytes[i];
	return NULL;
}

/* Read REG out of the 'g' reply: all registers, in the order of their
 * numbers, each bitsize/8 bytes (GDB's remote.c lays the packet out so),
 * for stubs without 'p' (gdbserver on x86). */
static struct iow_error *read_reg_g(struct iow_gdbstub *g, const struct iow_tdesc_reg *reg,
				    uint64_t *val)
{
	struct iow_error *err;
	uint64_t bits = 0;
	struct iow_gdbstub_reply r;
	size_t i;

	for (i = 0; i < g->regs.n; i++) {
		if (g->regs.regs[i].regnum >= reg->regnum)
			continue;
		if (g->regs.regs[i].bitsize % 8)
			return iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s reads no "
						"single registers, and register %s sits behind "
						"one of %u bits in its 'g' packet", g->where,
						reg->name, g->regs.regs[i].bitsize);
		bits += g->regs.regs[i].bitsize;
	}
	err = iow_gdbstub_transact_str(g, "g", &r);
	if (err)
		return err;
	if (r.kind == IOW_RSP_REPLY_ERROR)
		return iow_error_create(IOW_ERR_REMOTE, "the stub at %s could not read its "
					"registers ('g'): E%02x", g->where, r.code);
	if (r.kind != IOW_RSP_REPLY_DATA)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s reads registers "
					"neither with 'p' nor with 'g'", g->where);
	if (r.len < bits / 4 + reg->bitsize / 4)
		return iow_error_create(IOW_ERR_REMOTE, "the stub at %s sent too few registers "
					"('g') to include %s", g->where, reg->name);
	return reg_value(g, reg->name, r.data + bits / 4, reg->bitsize / 4, val);
}

struct iow_error *iow_gdbstub_read_reg(struct iow_target *t, const char *name, uint64_t *val)
{
	struct iow_gdbstub *g = (struct iow_gdbstub *)(void *)((char *)t - offsetof(struct iow_gdbstub, t));
	const struct iow_tdesc_reg *reg;
	struct iow_error *err;
	struct iow_gdbstub_reply r;

	err = load_regs(g);
	if (err)
		return err;
	reg = iow_tdesc_find(&g->regs, name);
	if (!reg && g->builtin_regs)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "the stub at %s sent no register "
					"list (qXfer:features:read), so only rax..r15, rip and "
					"eflags are known, not %s", g->where, name);
	if (!reg)
		return iow_error_create(IOW_ERR_NOTFOUND, "the stub at %s has no register named %s",
					g->where, name);
	if (reg->bitsize > 64 || reg->bitsize % 8 || !reg->bitsize)
		return iow_error_create(IOW_ERR_UNSUPPORTED, "register %s is %u bits wide; only "
					"whole bytes up to 64 bits can be read", name,
					reg->bitsize);
	if (g->no_p)
		return read_reg_g(g, reg, val);
	iow_buf_reset(&g->req);
	err = iow_rsp_fmt_read_reg(&g->req, reg->regnum);
	if (!err)
		err = iow_gdbstub_transact_req(g, &r);
	if (err)
		return err;
	if (r.kind == IOW_RSP_REPLY_EMPTY) {
		g->no_p = true;
		return read_reg_g(g, reg, val);
	}
	if (r.kind == IOW_RSP_REPLY_ERROR)
		return iow_error_create(IOW_ERR_REMOTE, "the stub at %s could not read register %s "
					"(number %u): E%02x", g->where, name, reg->regnum, r.code);
	if (r.kind != IOW_RSP_REPLY_DATA)
		return iow_error_create(IOW_ERR_PROTOCOL, "the stub at %s answered '%.20s' for "
					"register %s", g->where, (const char *)r.data, name);
	return reg_value(g, name, r.data, r.len, val);
}
