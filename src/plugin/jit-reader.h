/* The part of GDB's JIT reader interface (gdb/jit-reader.in, interface
 * version 1, documented in "Debugging with GDB", section "Writing JIT Debug
 * Info Readers") that the plugin uses.  Debian's gdb-minimal ships no
 * jit-reader.h, so the project declares what it needs itself; the layout of
 * struct gdb_reader_funcs and the entry point must stay as GDB defines them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_PLUGIN_JIT_READER_H
#define IOW_PLUGIN_JIT_READER_H

#define GDB_READER_INTERFACE_VERSION 1

typedef unsigned long GDB_CORE_ADDR;

enum gdb_status {
	GDB_FAIL = 0,
	GDB_SUCCESS = 1,
};

struct gdb_symbol_callbacks;  /* opaque here: the plugin registers no code */
struct gdb_unwind_callbacks;

struct gdb_frame_id {
	GDB_CORE_ADDR code_address;
	GDB_CORE_ADDR stack_address;
};

struct gdb_reader_funcs;
typedef enum gdb_status(gdb_read_debug_info)(struct gdb_reader_funcs *self,
					     struct gdb_symbol_callbacks *cb, void *memory,
					     long memory_sz);
typedef enum gdb_status(gdb_unwind_frame)(struct gdb_reader_funcs *self,
					  struct gdb_unwind_callbacks *cb);
typedef struct gdb_frame_id(gdb_get_frame_id)(struct gdb_reader_funcs *self,
					      struct gdb_unwind_callbacks *cb);
typedef void(gdb_destroy_reader)(struct gdb_reader_funcs *self);

struct gdb_reader_funcs {
	int reader_version;
	void *priv_data;
	gdb_read_debug_info *read;
	gdb_unwind_frame *unwind;
	gdb_get_frame_id *get_frame_id;
	gdb_destroy_reader *destroy;
};

/* GDB calls this once, when the library is loaded; it must not return NULL. */
extern struct gdb_reader_funcs *gdb_init_reader(void);
/* GDB loads only readers that define this. */
extern int plugin_is_GPL_compatible(void);

#endif
