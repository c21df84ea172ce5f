/* Unit test for src/target/tdesc.c: register numbers from target
 * descriptions shaped like QEMU's (target.xml including i386-64bit.xml) and
 * gdbserver's, regnum attributes, the XML it skips, and what it refuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "target/tdesc.h"
#include "tap.h"

struct file {
	const char *name, *text;
};

static const struct file qemu[] = {
	{ "target.xml",
	  "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	  "<target><architecture>i386:x86-64</architecture>"
	  "<xi:include href=\"i386-64bit.xml\"/></target>" },
	{ "i386-64bit.xml",
	  "<?xml version=\"1.0\"?>\n<!-- Copyright (C) 2010-2017 Free Software Foundation, Inc.\n"
	  "  <reg name=\"commented-out\" bitsize=\"64\"/> -->\n"
	  "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">\n"
	  "<feature name=\"org.gnu.gdb.i386.core\">\n"
	  "  <flags id=\"i386_eflags\" size=\"4\">\n"
	  "    <field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	  "  </flags>\n"
	  "  <reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
	  "  <reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
	  "  <reg name='rip' bitsize='64' type='code_ptr'/>\n"
	  "  <reg\n name=\"eflags\"\tbitsize=\"32\" type=\"i386_eflags\" />\n"
	  "  <reg name=\"cr3\" bitsize=\"64\" type=\"x64_cr3\" regnum=\"29\"/>\n"
	  "  <reg name=\"cr4\" bitsize=\"64\" type=\"x64_cr4\"/>\n"
	  "  <vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	  "  <reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
	  "  <![CDATA[ <reg name=\"cdata\" bitsize=\"8\"/> ]]>\n"
	  "</feature>\n" },
	{ NULL, NULL },
};

static int fetches;

static struct iow_error *fetch(void *ctx, const char *annex, struct iow_buf *out)
{
	const struct file *f;

	fetches++;
	for (f = ctx; f->name; f++)
		if (!strcmp(f->name, annex))
			return iow_buf_append(out, f->text, strlen(f->text));
	return iow_error_create(IOW_ERR_UNSUPPORTED, "no annex %s", annex);
}

static bool reg_is(const struct iow_tdesc *td, const char *name, unsigned int num,
		   unsigned int bits)
{
	const struct iow_tdesc_reg *r = iow_tdesc_find(td, name);

	if (!r) {
		printf("#   no %s\n", name);
		return false;
	}
	if (r->regnum != num || r->bitsize != bits) {
		printf("#   %s: number %u, %u bits\n", name, r->regnum, r->bitsize);
		return false;
	}
	return true;
}

static struct iow_error *load(const struct file *files, struct iow_tdesc *td)
{
	iow_tdesc_init(td);
	return iow_tdesc_load(td, "target.xml", fetch, (void *)files);
}

static void check_fails(const char *what, const char *xml, enum iow_error_code code)
{
	const struct file files[] = { { "target.xml", xml }, { "self.xml", xml }, { NULL, NULL } };
	struct iow_tdesc td;
	struct iow_error *err = load(files, &td);

	tap_ok(err && err->code == code, "%s: refused (%s)", what, err ? err->message : "no error");
	iow_error_destroy(err);
	iow_tdesc_fini(&td);
}

int main(void)
{
	struct iow_tdesc td;
	struct iow_error *err;

	err = load(qemu, &td);
	tap_ok(!err, "QEMU's description loads");
	tap_ok(fetches == 2, "two files fetched, the include followed");
	tap_ok(td.n == 7, "seven registers, none from comments or CDATA (%zu)", td.n);
	tap_ok(reg_is(&td, "rax", 0, 64) && reg_is(&td, "rbx", 1, 64), "numbered from 0");
	tap_ok(reg_is(&td, "rip", 2, 64), "single-quoted attributes");
	tap_ok(reg_is(&td, "eflags", 3, 32), "attributes across lines and tabs");
	tap_ok(reg_is(&td, "cr3", 29, 64), "regnum sets the number");
	tap_ok(reg_is(&td, "cr4", 30, 64) && reg_is(&td, "xmm0", 31, 128),
	       "and the ones after it follow on");
	tap_ok(!iow_tdesc_find(&td, "RAX") && !iow_tdesc_find(&td, "commented-out") &&
		       !iow_tdesc_find(&td, "cdata"),
	       "names are matched exactly; comments and CDATA are skipped");
	iow_error_destroy(err);
	iow_tdesc_fini(&td);

	check_fails("a <reg> without bitsize", "<feature><reg name=\"a\"/></feature>",
		    IOW_ERR_PROTOCOL);
	check_fails("a bad regnum", "<reg name=\"a\" bitsize=\"64\" regnum=\"-1\"/>",
		    IOW_ERR_PROTOCOL);
	check_fails("an unterminated tag", "<feature><reg name=\"a\" bitsize=\"64\"",
		    IOW_ERR_PROTOCOL);
	check_fails("an unterminated comment", "<!-- <reg name=\"a\" bitsize=\"8\"/>",
		    IOW_ERR_PROTOCOL);
	check_fails("a file that includes itself", "<xi:include href=\"self.xml\"/>",
		    IOW_ERR_PROTOCOL);
	check_fails("an include of a missing file", "<xi:include href=\"gone.xml\"/>",
		    IOW_ERR_UNSUPPORTED);
	check_fails("a broken attribute", "<reg name=a bitsize=\"8\"/>", IOW_ERR_PROTOCOL);

	iow_tdesc_init(&td);
	err = iow_tdesc_parse(&td, "", 0, fetch, NULL);
	tap_ok(!err && td.n == 0, "an empty description has no registers");
	err = iow_tdesc_parse(&td, "<target><architecture>i386:x86-64</architecture></target>",
			      57, fetch, NULL);
	tap_ok(!err && td.n == 0, "gdbserver's register-less description has none either");
	iow_tdesc_fini(&td);
	return tap_done();
}
