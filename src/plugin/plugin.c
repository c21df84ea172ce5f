/* plugin: the library GDB loads with `jit-reader-load` to put the relay on
 * a connection GDB already has.
 *
 * GDB offers loadable libraries no API for commands; its JIT reader
 * interface is the one public way in, and all this library does is use
 * gdb_init_reader() as a hook to run once, inside GDB, when loaded:
 * 1. find GDB's connected remote socket among its descriptors;
 * 2. learn whether that connection is in ack mode (an unknown packet:
 *    a '+' before the empty reply means yes);
 * 3. move the socket aside and put one end of a socketpair under GDB's
 *    descriptor number (flags kept), so GDB now talks to us;
 * 4. start `iomem-walk relay --fd --stub-fd` as a separate process, in its
 *    own session (so GDB's Ctrl-C signals do not reach it), on the other
 *    end of the pair and the real socket.
 * The relay runs outside GDB on purpose: whatever goes wrong in it, GDB
 * sees at worst a closed remote connection, never a crash of its own.
 * Because we keep a descriptor of the stub's socket (to hand it back), a
 * relay that dies without being asked (a crash, kill -9) would leave the
 * stub serving a debugger that is gone, refusing GDB's next `target
 * remote`; a thread watches a pipe only the relay holds open, and shuts
 * the stub connection down when the relay vanishes.
 * Nothing here links the rest of the project.
 *
 * jit-reader-unload calls destroy(): the relay is asked to stop at a packet
 * boundary (SIGTERM), hands on what GDB sent, exits, and the real socket
 * goes back under GDB's descriptor number, unless GDB has closed or
 * replaced that connection meanwhile.  The reader's unwinder declines
 * every frame, so GDB's own unwinding is unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin/jit-reader.h"

#define EXPORT __attribute__((visibility("default")))
#define PROBE_TIMEOUT_MS 5000

extern char **environ;

struct plugin {
	int gdb_fd;        /* GDB's descriptor number for its remote connection */
	int stub_fd;       /* the real connection, moved aside */
	int fd_flags;      /* GDB's descriptor flags (FD_CLOEXEC) and ... */
	int fl_flags;      /* ... file status flags (O_NONBLOCK), to restore */
	dev_t pair_dev;    /* what is under gdb_fd while we relay */
	ino_t pair_ino;
	pid_t relay;
	int watch_fd;      /* read end of a pipe whose write end only the relay holds */
	pthread_t watcher;
	bool watching;
	int stopping;      /* we are stopping the relay ourselves (atomic) */
};

static struct plugin plugin = { .gdb_fd = -1, .stub_fd = -1, .relay = -1, .watch_fd = -1 };

EXPORT int plugin_is_GPL_compatible(void)
{
	return 0;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	/* One write: a front end that forwards GDB's stderr (cdt-gdb-adapter
	 * does) makes an output event of each. */
	n = snprintf(buf, sizeof(buf), "iomem-walk: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
}

/* GDB's remote connection: its one connected stream socket. */
static int find_remote_socket(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1, n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = atoi(e->d_name), type = 0;
		socklen_t tl = sizeof(type);
		struct stat st;

		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_STREAM)
			continue;
		if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
			continue;
		/* A socketpair's peer has no address family we connect to. */
		if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6 &&
		    !(ss.ss_family == AF_UNIX && len > sizeof(sa_family_t)))
			continue;
		found = fd;
		n++;
	}
	closedir(d);
	return n == 1 ? found : (n ? -2 : -1);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, 100);
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Packets the stub sent GDB that the probe read instead (see probe_ack):
 * they go to GDB first, through the socketpair, as if the stub had just
 * sent them. */
struct held {
	char buf[4096];
	size_t len;
};

/* One packet from the stub into PKT (raw, from '$' to the checksum), and
 * whether a '+' came before it.  -1 on timeout, error or a packet too long
 * to hold. */
static int read_packet(int fd, char *pkt, size_t size, size_t *len, int *plus)
{
	int after_hash = -1;

	*len = 0;
	*plus = 0;
	while (after_hash < 2) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char c;
		int rc = poll(&pfd, 1, PROBE_TIMEOUT_MS);
		ssize_t n;

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		n = recv(fd, &c, 1, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		if (!*len && c != '$') {
			if (c == '+')
				*plus = 1;
			continue;
		}
		if (*len + 1 >= size)
			return -1;
		pkt[(*len)++] = c;
		if (after_hash >= 0)
			after_hash++;
		else if (c == '#')
			after_hash = 0;
	}
	pkt[*len] = 0;
	return 0;
}

/* GDB negotiated the ack mode before we were loaded: ask the stub.  An
 * unknown packet gets an empty reply, preceded by '+' in ack mode.
 * A target GDB let run answers differently: QEMU stops the guest on the
 * first byte it receives while the guest runs and sends a stop reply (the
 * rest of our packet is lost); another stub may send console output (O
 * packets).  Those packets are GDB's: they are kept in HELD, acked, and
 * the probe is sent again (twice at most).  The GDB script refuses a
 * running target before it loads us; this is for whoever loads the
 * library by hand. */
static int probe_ack(int fd, int *ack, struct held *held)
{
	static const char body[] = "qIomemWalkProbe";
	char pkt[64], reply[2048];
	unsigned sum = 0;
	size_t i, len;
	int tries, plus;

	for (i = 0; body[i]; i++)
		sum += (unsigned char)body[i];
	snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum & 0xff);
	*ack = 0;
	held->len = 0;
	for (tries = 0; tries < 3; tries++) {
		if (write_all(fd, pkt, strlen(pkt)))
			return -1;
		for (;;) {
			if (read_packet(fd, reply, sizeof(reply), &len, &plus))
				return -1;
			if (len == 4) { /* "$#00": the empty reply, ours */
				*ack = plus;
				return *ack ? write_all(fd, "+", 1) : 0;
			}
			/* GDB's: keep it, ack it (a stray '+' is harmless to a
			 * stub in no-ack mode). */
			if (held->len + len > sizeof(held->buf) || write_all(fd, "+", 1))
				return -1;
			memcpy(held->buf + held->len, reply, len);
			held->len += len;
			if (reply[1] != 'O' || reply[2] == 'K')
				break; /* a stop reply: our packet was not read */
		}
	}
	return -1;
}

/* The relay program: $IOW_RELAY; for a library still in a build tree
 * (libtool's .libs/), the program built beside it, so a build tree never
 * runs an older installed relay; else the installed one. */
static const char *relay_path(char *buf, size_t size)
{
	const char *env = getenv("IOW_RELAY");
	Dl_info info;
	char *slash;

	if (env && *env)
		return env;
	if (dladdr((void *)gdb_init_reader, &info) && info.dli_fname &&
	    snprintf(buf, size, "%s", info.dli_fname) < (int)size && (slash = strrchr(buf, '/')) &&
	    slash - buf >= 6 && memcmp(slash - 6, "/.libs", 6) == 0 &&
	    (size_t)(slash - 6 - buf) + sizeof("/iomem-walk") <= size) {
		memcpy(slash - 6, "/iomem-walk", sizeof("/iomem-walk"));
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return IOW_BINDIR "/iomem-walk";
}

/* The relay's end of the watch pipe closes when it exits, however it
 * exits.  If we did not ask it to, end the stub connection it served
 * (shutdown acts on the socket, so our kept descriptor no longer holds the
 * connection open; the descriptor itself is closed on unload). */
static void *watch_relay(void *arg)
{
	struct pollfd pfd = { .fd = plugin.watch_fd, .events = POLLIN };

	(void)arg;
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	if (!__atomic_load_n(&plugin.stopping, __ATOMIC_SEQ_CST))
		shutdown(plugin.stub_fd, SHUT_RDWR);
	return NULL;
}

static void start_watcher(void)
{
	sigset_t all, old;

	/* GDB's signals are for GDB's threads, never ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	plugin.watching = pthread_create(&plugin.watcher, NULL, watch_relay, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static int splice_in(void)
{
	int sp[2] = { -1, -1 }, wp[2] = { -1, -1 }, ack, fd = find_remote_socket();
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	static char relay[] = "relay", o_fd[] = "--fd", n3[] = "3", o_stub[] = "--stub-fd", n4[] = "4",
		    o_ack[] = "--ack", yes[] = "yes", no[] = "no";
	char *argv[9], *path, pathbuf[4096];
	struct held held;
	struct stat st;
	pid_t pid;
	int rc;

	if (fd == -1) {
		say("%s", "GDB has no remote connection to take over: connect first "
			  "(target remote HOST:PORT), or use load-plugin HOST:PORT");
		return -1;
	}
	if (fd == -2) {
		say("%s", "GDB has several connected sockets; cannot tell which is the remote one");
		return -1;
	}
	path = (char *)relay_path(pathbuf, sizeof(pathbuf));
	if (access(path, X_OK) != 0) {
		say("cannot run the relay %s: %s (set IOW_RELAY to the iomem-walk program)", path,
		    strerror(errno));
		return -1;
	}
	if (probe_ack(fd, &ack, &held)) {
		say("%s%s", "the stub did not answer a probe packet; is the target stopped?",
		    held.len ? " (it sent a stop reply GDB has not seen: the target is stopped now, "
			       "and GDB may not know it)" : "");
		return -1;
	}
	plugin.fd_flags = fcntl(fd, F_GETFD);
	plugin.fl_flags = fcntl(fd, F_GETFL);
	plugin.stub_fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (plugin.stub_fd < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0 ||
	    pipe2(wp, O_CLOEXEC) != 0)
		goto fail;
	/* What the probe read of GDB's traffic reaches GDB first. */
	if (held.len && write_all(sp[1], held.buf, held.len))
		goto fail;

	/* The relay: fd 3 is GDB's side, fd 4 the stub, fd 5 the watch pipe
	 * (unused by the relay: it only has to stay open while the relay
	 * lives); nothing else of GDB's is inherited; its own session keeps
	 * GDB's terminal signals away from it. */
	path = strdup(path);
	if (!path)
		goto fail;
	argv[0] = path;
	argv[1] = relay;
	argv[2] = o_fd;
	argv[3] = n3;
	argv[4] = o_stub;
	argv[5] = n4;
	argv[6] = o_ack;
	argv[7] = ack ? yes : no;
	argv[8] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sp[1], 3);
	posix_spawn_file_actions_adddup2(&fa, plugin.stub_fd, 4);
	posix_spawn_file_actions_adddup2(&fa, wp[1], 5);
	posix_spawn_file_actions_addclosefrom_np(&fa, 6);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	rc = posix_spawn(&pid, path, &fa, &attr, argv, environ);
	free(path);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0) {
		errno = rc;
		goto fail;
	}
	plugin.relay = pid;
	close(sp[1]);
	sp[1] = -1;
	close(wp[1]);
	wp[1] = -1;
	plugin.watch_fd = wp[0];
	wp[0] = -1;
	/* GDB's descriptor now leads to the relay. */
	if (dup3(sp[0], fd, (plugin.fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0)
		goto fail_relay;
	fcntl(fd, F_SETFL, plugin.fl_flags);
	close(sp[0]);
	if (fstat(fd, &st) == 0) {
		plugin.pair_dev = st.st_dev;
		plugin.pair_ino = st.st_ino;
	}
	plugin.gdb_fd = fd;
	__atomic_store_n(&plugin.stopping, 0, __ATOMIC_SEQ_CST);
	start_watcher();
	return 0;

fail_relay:
	kill(plugin.relay, SIGKILL);
	waitpid(plugin.relay, NULL, 0);
	plugin.relay = -1;
fail:
	say("cannot take over GDB's connection: %s", strerror(errno));
	if (sp[0] >= 0)
		close(sp[0]);
	if (sp[1] >= 0)
		close(sp[1]);
	if (wp[0] >= 0)
		close(wp[0]);
	if (wp[1] >= 0)
		close(wp[1]);
	if (plugin.watch_fd >= 0)
		close(plugin.watch_fd);
	plugin.watch_fd = -1;
	if (plugin.stub_fd >= 0)
		close(plugin.stub_fd);
	plugin.stub_fd = -1;
	return -1;
}

/* Reap the relay; it gets 5 s to finish the packet at hand. */
static void stop_relay(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i;

	if (plugin.relay <= 0)
		return;
	/* Before the relay exits: its exit is no fault now (watch_relay). */
	__atomic_store_n(&plugin.stopping, 1, __ATOMIC_SEQ_CST);
	kill(plugin.relay, SIGTERM);
	for (i = 0; i < 250; i++) {
		if (waitpid(plugin.relay, NULL, WNOHANG) != 0)
			break;
		nanosleep(&ts, NULL);
	}
	if (i == 250) {
		kill(plugin.relay, SIGKILL);
		waitpid(plugin.relay, NULL, 0);
	}
	plugin.relay = -1;
	/* The relay is gone, so its end of the watch pipe is closed: the
	 * watcher returns at once. */
	if (plugin.watching)
		pthread_join(plugin.watcher, NULL);
	plugin.watching = false;
	if (plugin.watch_fd >= 0)
		close(plugin.watch_fd);
	plugin.watch_fd = -1;
}

static void splice_out(void)
{
	struct stat st;

	stop_relay();
	if (plugin.stub_fd < 0)
		return;
	/* Still our socketpair under GDB's number?  Then the connection goes
	 * back.  If GDB closed it (disconnect, or the stub went away) or a new
	 * connection took the number, leave GDB's descriptor alone. */
	if (plugin.gdb_fd >= 0 && fstat(plugin.gdb_fd, &st) == 0 && st.st_dev == plugin.pair_dev &&
	    st.st_ino == plugin.pair_ino) {
		if (dup3(plugin.stub_fd, plugin.gdb_fd,
			 (plugin.fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0) >= 0)
			fcntl(plugin.gdb_fd, F_SETFL, plugin.fl_flags);
	}
	close(plugin.stub_fd);
	plugin.stub_fd = -1;
	plugin.gdb_fd = -1;
}

static enum gdb_status read_debug_info(struct gdb_reader_funcs *self, struct gdb_symbol_callbacks *cb,
				       void *memory, long memory_sz)
{
	(void)self, (void)cb, (void)memory, (void)memory_sz;
	return GDB_FAIL; /* no JIT code of ours to describe */
}

static enum gdb_status unwind(struct gdb_reader_funcs *self, struct gdb_unwind_callbacks *cb)
{
	(void)self, (void)cb;
	return GDB_FAIL; /* GDB's own unwinders do the work */
}

static struct gdb_frame_id frame_id(struct gdb_reader_funcs *self, struct gdb_unwind_callbacks *cb)
{
	struct gdb_frame_id id = { 0, 0 };

	(void)self, (void)cb;
	return id;
}

static void destroy(struct gdb_reader_funcs *self)
{
	(void)self;
	splice_out();
}

/* GDB's JIT reader interface has no way to fail a load with a message of
 * our own, and GDB must not be given NULL.  A reader of another interface
 * version is what GDB refuses, with an error ("Reader version does not
 * match GDB version."), and unloads at once: so a relay that could not be
 * started makes `jit-reader-load`, and load-plugin with it, fail, which
 * batch scripts and MI front ends see.  Why it failed was said above. */
EXPORT struct gdb_reader_funcs *gdb_init_reader(void)
{
	static struct gdb_reader_funcs funcs = {
		.reader_version = GDB_READER_INTERFACE_VERSION,
		.read = read_debug_info,
		.unwind = unwind,
		.get_frame_id = frame_id,
		.destroy = destroy,
	};
	static struct gdb_reader_funcs refused = {
		.reader_version = -1,
		.read = read_debug_info,
		.unwind = unwind,
		.get_frame_id = frame_id,
		.destroy = destroy,
	};

	if (splice_in() != 0) {
		say("%s", "not loaded; GDB's connection is unchanged (GDB reports the refusal as "
			  "a reader version mismatch)");
		return &refused;
	}
	return &funcs;
}
