/* options: one schema for every option and argument the tool takes, and
 * one parser for them.
 *
 * Whatever takes words (the global options of both front doors, every
 * subcommand, the CLI's relay mode) declares them in a table of struct
 * iow_opt, as QEMU's gdbstub gives each command a parameter schema: each
 * option's name, short name, what kind of value it takes and where that
 * value goes, its help line; each positional argument's name and kind.
 * iow_opts_parse() reads words against a table and writes each value
 * where the table says; the usage line and the help of options are
 * written from the same table, so what is accepted and what usage says
 * cannot drift apart.
 *
 * Spellings, as getopt_long takes them: --name VALUE, --name=VALUE, an
 * unambiguous prefix of a long name (--dep 2), -x VALUE, -xVALUE, short
 * flags together (-hV), and -- before words that are no options.  A word
 * of a minus and a digit ("-53...") is a number, not an option.  A word
 * that is an option's name without dashes is that option where the table
 * says so ("tree ioports").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_COMMANDS_OPTIONS_H
#define IOW_COMMANDS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/sink.h"

enum iow_opt_kind {
	IOW_OPT_FLAG,   /* no value; sets a bool */
	IOW_OPT_SET,    /* no value; sets an int to .val (alternatives share a field: --iomem|--ioports) */
	IOW_OPT_STRING, /* a word; a const char * into the words */
	IOW_OPT_INT,    /* a decimal number, at least .val; an int */
	IOW_OPT_ADDR,   /* an address (0x hex, decimal, 0 octal; a negative one is taken
			 * modulo 2^64, as strtoull() does); a struct iow_opt_addr */
	IOW_OPT_CHOICE, /* one of .choices; its index, an int */
};

enum {
	IOW_OPT_POSITIONAL = 1 << 0, /* an argument, not an option: .name is its metavariable */
	IOW_OPT_REQUIRED = 1 << 1,   /* a positional that must be given */
	IOW_OPT_GDB = 1 << 2,        /* a global option valid in GDB's monitor lines too */
	IOW_OPT_WORD = 1 << 3,       /* also taken as a bare word: "ioports" for --ioports */
	IOW_OPT_STOP = 1 << 4,       /* parsing ends after it (--help, --version); not in usage lines */
};

struct iow_opt {
	const char *name;            /* long name without "--"; a positional's metavariable ("ADDR") */
	char short_name;             /* 'd' for -d, or 0 */
	enum iow_opt_kind kind;
	unsigned flags;              /* IOW_OPT_* */
	size_t at;                   /* offsetof() the value in the caller's struct */
	int val;                     /* SET: the value set; INT: the least accepted */
	const char *arg;             /* the value's metavariable in usage ("N", "FILE") */
	const char *const *choices;  /* CHOICE: the words, NULL-terminated */
	const char *help;            /* for help: one line, or more with '\n' between */
};

/* The value of an IOW_OPT_ADDR. */
struct iow_opt_addr {
	uint64_t value;
	bool given;
};

enum {
	/* Options, then the first word that is no option: the parse stops
	 * there (what follows is a subcommand and its words). */
	IOW_PARSE_LEADING = 1 << 0,
	/* A monitor line in GDB: options without IOW_OPT_GDB are refused. */
	IOW_PARSE_GDB = 1 << 1,
};

/* Parse ARGC words of ARGV against SCHEMA (ending with an entry whose
 * name is NULL) into DEST, per MODE (IOW_PARSE_*).  *USED: how many words
 * were taken.  IOW_ERR_INVALID for words the schema does not take; WHO (a
 * subcommand's name, or NULL) begins its message, and a mistake of form
 * (unknown option, missing or extra argument) ends with WHO's usage line.
 * Values are written as they are read: on an error, DEST holds those
 * before it. */
struct iow_error *iow_opts_parse(const char *who, const struct iow_opt *schema, unsigned mode, int argc,
				 char **argv, void *dest, int *used);

/* "[--iomem|--ioports] [--depth N] [--json] [ADDR]": the options and
 * arguments of SCHEMA as a usage line has them (choices spelled out),
 * appended to B.  NULL or &iow_error_nomem. */
struct iow_error *iow_opts_synopsis(const struct iow_opt *schema, struct iow_buf *b);
/* The positional arguments alone, as a table of subcommands lists them:
 * "[ADDR]", "FILE". */
struct iow_error *iow_opts_arguments(const struct iow_opt *schema, struct iow_buf *b);
/* One line each (and its continuation lines) for the entries of SCHEMA
 * that have help, options first:
 *   "  -d, --depth N       levels below the root to show"
 * With IOW_PARSE_GDB in MODE, only those valid in GDB. */
void iow_opts_help(const struct iow_opt *schema, unsigned mode, struct iow_sink *out);

#endif
