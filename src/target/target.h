/* target: read-only access to a stopped machine: memory by virtual or
 * physical address, registers by name, and (for QEMU) monitor commands.
 *
 * Three back ends implement struct iow_target_ops: a gdbstub (the RSP
 * client in gdbstub.c, for QEMU, gdbserver or any other stub), an ELF core
 * (core.c: QEMU dump-guest-memory and kdump-style vmcores) and the running
 * kernel itself through /proc/kcore (kcore.c).  Above them,
 * target.c keeps a page-granular cache: every page holds a bitmap of valid
 * 64-byte lines; a miss reads the aligned block, as large as the back end's
 * largest single read, around the first missing line, so one round trip
 * fetches a whole structure and its neighbours but never crosses into
 * another page (a page of kernel data is RAM; its neighbour may not be).
 * Every round trip and byte is counted for --stats.
 *
 * Nothing here ever writes to the target or resumes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_TARGET_TARGET_H
#define IOW_TARGET_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

enum iow_space {
	IOW_SPACE_VIRT, /* virtual addresses, translated by the CPU's current page tables */
	IOW_SPACE_PHYS, /* guest-physical addresses */
};

/* The cache's units: a back-end read never crosses a page, and a page's
 * contents are tracked in 64 lines (one bit each of a 64-bit mask). */
#define IOW_TARGET_PAGE_SIZE 4096u
#define IOW_TARGET_LINE_SIZE 64u
/* Pages the cache holds by default (16 MiB); least recently used go first. */
#define IOW_TARGET_CACHE_PAGES 4096u

struct iow_target_stats {
	uint64_t round_trips;    /* waits for the back end: one per request, or one per
				  * pipelined group of requests */
	uint64_t packets;        /* requests sent (round_trips when nothing is pipelined) */
	uint64_t bytes_sent;     /* bytes on the wire, framing included */
	uint64_t bytes_received;
	uint64_t reads;          /* iow_target_read calls */
	uint64_t cache_hits;     /* reads served entirely from the cache */
	uint64_t cache_misses;   /* reads that needed at least one back-end read */
	uint64_t mem_bytes;      /* memory bytes fetched from the back end */
	uint64_t monitor_commands; /* monitor commands sent (each one request) */
	uint64_t monitor_bytes;  /* their output */
};

struct iow_target;
struct iow_target_cache; /* private to target.c */

/* One read of a group (read_many): LEN bytes at ADDR into BUF, all in one
 * page and at most max_read; OK says whether all of them came. */
struct iow_target_span {
	uint64_t addr;
	size_t len;
	void *buf;
	bool ok;
};

/* What a back end provides.  The cache calls read() only for ranges inside
 * one page of at most max_read bytes. */
struct iow_target_ops {
	const char *name; /* "gdbstub", "core" */
	/* Read exactly LEN bytes at ADDR in SPACE into BUF, or fail with an
	 * error whose .addr is the first address that could not be read. */
	struct iow_error *(*read)(struct iow_target *t, enum iow_space space, uint64_t addr,
				  void *buf, size_t len);
	/* A register by its GDB name ("rip", "cr3", "cr4", "efer"). */
	struct iow_error *(*read_reg)(struct iow_target *t, const char *name, uint64_t *val);
	/* A monitor command (QEMU HMP); its text output appended to OUT.
	 * NULL: not supported by this back end.  Called only through
	 * iow_target_monitor(), which lets read-only commands alone through. */
	struct iow_error *(*monitor)(struct iow_target *t, const char *cmd, struct iow_buf *out);
	/* Optional (NULL: no): whether the monitor is QEMU's (a gdbstub that
	 * answers qqemu.Supported), so that `info mtree` means QEMU's memory
	 * map.  May ask the target once; *WHY says why not, for people. */
	struct iow_error *(*qemu_monitor)(struct iow_target *t, bool *yes, const char **why);
	/* Optional (NULL: nothing to do): bracket the back-end reads of one
	 * iow_target_read or iow_target_read_string call in SPACE, so a back
	 * end can switch modes once per call instead of once per read (the
	 * gdbstub's qemu.PhyMemMode).  begin() comes before the first read()
	 * of the call; when it succeeded, end() follows on every path, after
	 * the last read(), and an error from it is reported. */
	struct iow_error *(*batch_begin)(struct iow_target *t, enum iow_space space);
	struct iow_error *(*batch_end)(struct iow_target *t, enum iow_space space);
	/* Optional: the N reads of SPANS in one go (a gdbstub sends them all,
	 * then takes the replies: one wait instead of N).  Each span's OK says
	 * whether it came; the error returned is the back end's own (a broken
	 * connection), or IOW_ERR_UNSUPPORTED when this back end cannot do it
	 * now (then nothing was sent).  PHYS reads come inside a batch. */
	struct iow_error *(*read_many)(struct iow_target *t, enum iow_space space,
				       struct iow_target_span *spans, size_t n);
	/* Optional (NULL: both): whether reads in SPACE can work at all: a
	 * core without virtual addresses, or a stub without physical mode,
	 * says no.  A yes promises no single read. */
	bool (*can_read)(struct iow_target *t, enum iow_space space);
	/* Optional (NULL: none): the kernel's VMCOREINFO note that the target
	 * carries (an ELF core's), NUL-terminated, or NULL. */
	const char *(*vmcoreinfo)(struct iow_target *t);
	/* Optional (NULL: no): whether the memory is a running machine's that
	 * changes while it is read (/proc/kcore): nothing is stopped, reads
	 * of one moment may disagree with those of the next, and the
	 * VMCOREINFO is the running kernel's own word, now. */
	bool (*live)(struct iow_target *t);
	/* Optional (NULL: none): the running kernel's build ID as the target
	 * knows it without the kernel's symbols (/proc/kcore's back end reads
	 * /sys/kernel/notes), at most MAX bytes into ID. */
	struct iow_error *(*build_id)(struct iow_target *t, uint8_t *id, size_t max, size_t *len);
	/* Free the back end's own struct (which embeds T).  Called by
	 * iow_target_destroy() after the generic part is gone. */
	void (*destroy)(struct iow_target *t);
};

/* Embedded at the start of each back end's own struct. */
struct iow_target {
	const struct iow_target_ops *ops;
	size_t max_read;               /* largest read() the back end takes */
	struct iow_target_stats stats; /* back ends count round trips and wire bytes */
	struct iow_target_cache *cache;
	/* Asked before every back-end read: true stops the read with
	 * IOW_ERR_INTERRUPTED (a Ctrl-C in GDB, SIGINT in the CLI).  NULL: never. */
	bool (*interrupted)(void *ctx);
	void *interrupt_ctx;
};

/* Set up the generic part; called by a back end's constructor.  Zeroes the
 * stats.  A back end may lower or raise t->max_read later (after a
 * handshake); any value >= 1 works, whole lines (64) read best.  Once this
 * succeeded, iow_target_destroy() is the way to free the target, also from
 * the constructor's error path: ops->destroy must cope with a half-made
 * back end. */
struct iow_error *iow_target_init(struct iow_target *t, const struct iow_target_ops *ops,
				  size_t max_read);
/* Free the cache, then call ops->destroy.  T may be NULL. */
void iow_target_destroy(struct iow_target *t);
/* Bound the cache to PAGES pages (>= 1; default IOW_TARGET_CACHE_PAGES),
 * dropping the least recently used ones beyond it. */
void iow_target_set_cache_pages(struct iow_target *t, size_t pages);

/* Read LEN bytes at ADDR through the cache.  On error nothing useful is in
 * BUF, and the error names the address that failed. */
struct iow_error *iow_target_read(struct iow_target *t, enum iow_space space, uint64_t addr,
				  void *buf, size_t len);
struct iow_error *iow_target_read_u64(struct iow_target *t, enum iow_space space,
				      uint64_t addr, uint64_t *val);
struct iow_error *iow_target_read_u32(struct iow_target *t, enum iow_space space,
				      uint64_t addr, uint32_t *val);
/* Read a NUL-terminated string of at most MAX-1 bytes into BUF (always
 * terminated); *TRUNCATED (may be NULL) says whether it was cut. */
struct iow_error *iow_target_read_string(struct iow_target *t, enum iow_space space,
					 uint64_t addr, char *buf, size_t max, bool *truncated);
struct iow_error *iow_target_read_reg(struct iow_target *t, const char *name, uint64_t *val);
/* A hint: the N ranges ADDRS[i] (LENS[i] bytes each) will be read soon.
 * What is not cached yet is fetched now, in as few waits for the back end
 * as it allows (all at once from a gdbstub that takes pipelined requests;
 * nothing is done for back ends without read_many, whose later reads cost
 * no round trip or fetch the range then).  Never fails: a range that
 * cannot be fetched is left to the read that wants it, which reports why. */
void iow_target_prefetch(struct iow_target *t, enum iow_space space, const uint64_t *addrs,
			 const size_t *lens, size_t n);
/* Whether LEN bytes at ADDR are all in the cache (nothing is read). */
bool iow_target_cached(struct iow_target *t, enum iow_space space, uint64_t addr, size_t len);
/* What the target can give, asked of the back end (never inferred from
 * its name): reads in SPACE at all, and the kernel's VMCOREINFO text (NULL
 * if it has none). */
bool iow_target_can_read(struct iow_target *t, enum iow_space space);
const char *iow_target_vmcoreinfo(struct iow_target *t);
/* The value of KEY in the target's VMCOREINFO (lines KEY=VALUE,
 * kernel/vmcore_info.c) into BUF (always terminated); false if the target
 * has none or it lacks KEY. */
bool iow_target_vmcoreinfo_get(struct iow_target *t, const char *key, char *buf, size_t size);
/* Whether the target is a running machine that changes under the reads
 * (see the live op): a walk that met inconsistent data may meet
 * consistent data if it reads again. */
bool iow_target_is_live(struct iow_target *t);
/* The running kernel's build ID, as far as the target can tell it before
 * any vmlinux is known: the back end's own way (/sys/kernel/notes for
 * /proc/kcore), else its VMCOREINFO's BUILD-ID line (kernels since 5.14;
 * kdump vmcores, QEMU dumps with -device vmcoreinfo).  IOW_ERR_NOTFOUND
 * if it cannot (a gdbstub: only the vmlinux's symbols lead to the notes).
 * RELEASE (RELEASE_SIZE bytes, may be NULL) gets VMCOREINFO's OSRELEASE,
 * or "" without one. */
struct iow_error *iow_target_kernel_id(struct iow_target *t, uint8_t *id, size_t max, size_t *len,
				       char *release, size_t release_size);
/* Whether a prefetch saves anything now (the back end takes groups of
 * reads): a walker skips the work of gathering hints otherwise. */
bool iow_target_can_prefetch(struct iow_target *t);
/* Send CMD to the target's monitor; its output is appended to OUT.  Only
 * read-only commands are ever sent (iow_target_monitor_allowed):
 * anything else is refused with IOW_ERR_INVALID before it reaches the
 * back end. */
struct iow_error *iow_target_monitor(struct iow_target *t, const char *cmd, struct iow_buf *out);
/* Whether CMD is on the allow-list of read-only monitor commands. */
bool iow_target_monitor_allowed(const char *cmd);
/* Whether the target's monitor is QEMU's (see ops->qemu_monitor).  No:
 * *WHY_NOT (may be NULL) says why in a few words ("an ELF dump has no QEMU
 * monitor").  An error: asking failed (the connection). */
struct iow_error *iow_target_qemu_monitor(struct iow_target *t, bool *yes, const char **why_not);
/* Forget everything cached (the guest ran). */
void iow_target_invalidate(struct iow_target *t);
const struct iow_target_stats *iow_target_stats(const struct iow_target *t);

/* --- back ends ---------------------------------------------------------- */

struct iow_gdbstub_opts {
	int timeout_ms;     /* connecting, and per reply; 0: 5000 */
	bool allow_phys;    /* use qemu.PhyMemMode for IOW_SPACE_PHYS reads */
	/* adopt only: the stub's PacketSize, as negotiated by whoever opened
	 * the connection; 0: 4096, QEMU's */
	size_t packet_size;
};
/* Connect to a stub and do the handshake (qSupported, QStartNoAckMode when
 * the stub offers it, Hg0 so that gdbserver has a thread).  ADDR is
 * "HOST:PORT" ("[v6addr]:PORT", ":PORT" for localhost, an optional "tcp:"
 * prefix) or a unix socket: "unix:PATH", a string with a '/', or the name
 * of an existing socket file.  OPTS may be NULL.  Errors: IOW_ERR_INVALID
 * (bad ADDR), IOW_ERR_IO (refused, closed), IOW_ERR_TIMEOUT,
 * IOW_ERR_PROTOCOL.  Later, an E NN answer to a read is
 * IOW_ERR_FAULT at its address and the connection stays usable; after a
 * timeout, a closed connection or lost framing every request fails at once
 * with IOW_ERR_IO naming the first error (a late reply must never be taken
 * for the answer to another request). */
struct iow_error *iow_gdbstub_connect(const char *addr, const struct iow_gdbstub_opts *opts,
				      struct iow_target **out);
/* Take over FD, a connection on which a session is already under way (the
 * relay's); nothing is sent until the first request, and qSupported is
 * never sent (it would reset what the first client negotiated).  ACK_MODE
 * says whether the session still acknowledges packets.  The target owns FD
 * and closes it on destroy, even when this fails. */
struct iow_error *iow_gdbstub_adopt(int fd, bool ack_mode, const struct iow_gdbstub_opts *opts,
				    struct iow_target **out);

/* QEMU's stub keeps its memory mode (qemu.PhyMemMode) across connections,
 * and GDB on a shared connection may choose physical mode itself.  A new
 * gdbstub target therefore does not trust the mode: before its first read
 * it asks the stub, and leaves physical mode if it finds it.
 * forget_mode makes the target ask again before its next read (the relay
 * calls it when GDB changed the mode); restore_mode puts back the physical
 * mode the target found and left (the relay calls it after each command,
 * so that GDB's own reads stay physical).  Both do nothing to targets that
 * are no gdbstub. */
void iow_gdbstub_forget_mode(struct iow_target *t);
struct iow_error *iow_gdbstub_restore_mode(struct iow_target *t);

/* What a gdbstub connection found out, for --stats and tests. */
struct iow_gdbstub_info {
	size_t packet_size; /* the stub's PacketSize, or the one assumed */
	bool ack_mode;      /* false once QStartNoAckMode was accepted */
	bool xfer_features; /* the stub offers qXfer:features:read */
	int registers;      /* -1 not loaded yet; else how many are known by name */
	bool builtin_regs;  /* no target description: the built-in x86-64 list */
	int phys_mode;      /* -1 not asked yet, 0 no, 1 qemu.PhyMemMode works */
};
/* False (and *INFO untouched) if T is no gdbstub target. */
bool iow_gdbstub_info(const struct iow_target *t, struct iow_gdbstub_info *info);

/* Only connect to ADDR (as iow_gdbstub_connect takes it) and return the
 * socket: no packet is sent.  For the relay, which leaves the talking to
 * GDB. */
struct iow_error *iow_gdbstub_dial(const char *addr, int timeout_ms, int *fd);

/* Open an ELF core: QEMU's dump-guest-memory output or a kdump ELF vmcore.
 * Physical reads come from PT_LOAD p_paddr; virtual reads from p_vaddr where
 * the dump has them (the kernel layer translates the rest through the page
 * tables).  Registers come from the dump's per-CPU notes; its VMCOREINFO
 * note is iow_target_vmcoreinfo(). */
struct iow_error *iow_core_open(const char *path, struct iow_target **out);

/* Where the running kernel is found; each NULL is the system's own path
 * (tests point them at files of their own). */
struct iow_kcore_opts {
	const char *path;     /* /proc/kcore */
	const char *notes;    /* /sys/kernel/notes */
	const char *lockdown; /* /sys/kernel/security/lockdown */
};
/* Open the running kernel through /proc/kcore (O may be NULL).  Reads
 * only the segments that are RAM (those with a physical address: the
 * direct map and the kernel image), virtual and physical; no registers;
 * its VMCOREINFO note; live.  Errors are one line that says why: the file
 * is missing (no CONFIG_PROC_KCORE), root is needed (CAP_SYS_RAWIO), or
 * the kernel is locked down (lockdown=confidentiality). */
struct iow_error *iow_kcore_open(const struct iow_kcore_opts *o, struct iow_target **out);

#endif
