/* iomem-walk: the command-line front door.
 *
 * Parses the global options (where the kernel is and which vmlinux
 * describes it), then hands the subcommand to the shared command table.
 * Exit status: 0 success, 1 findings (check), 2 usage or connection error. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("Usage: iomem-walk [--target HOST:PORT | --core FILE] [--vmlinux FILE]\n"
	      "                  [--stats] [--json] SUBCOMMAND [ARGS...]\n"
	      "\n"
	      "Show how a stopped Linux kernel has laid out device memory.\n"
	      "\n"
	      "Options:\n"
	      "  -t, --target HOST:PORT  read a guest through its gdbstub\n"
	      "  -c, --core FILE         read an ELF dump (QEMU dump-guest-memory, kdump)\n"
	      "  -k, --vmlinux FILE      the debug vmlinux of the running kernel\n"
	      "      --stats             report round trips, bytes and time\n"
	      "      --json              machine-readable output\n"
	      "  -h, --help              show this help\n"
	      "  -V, --version           show the version\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "core", required_argument, NULL, 'c' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "stats", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+t:c:k:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		case 't': case 'c': case 'k': case 'S': case 'J':
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	fprintf(stderr, "iomem-walk: unknown subcommand '%s'\n", argv[optind]);
	return 2;
}
