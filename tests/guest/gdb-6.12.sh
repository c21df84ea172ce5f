#!/bin/bash
# gdb-minimal (no Python) on a 6.12 guest: batch and MI sessions through
# both ways in, the relay's robustness (binary writes, 100 interleaved round
# trips, Ctrl-C in a command, continue + interrupt with fresh data after,
# disconnect/reconnect, unload/reload, the relay killed, the stub killed;
# and a raw RSP client that gives up on commands exactly as GDB does, and
# sends 0x03), and GDB alive and usable after every fault.  One guest for
# all of it.
# gdb-6.1.sh runs the same with the ways in swapped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/gdb-common.sh"
gdb_prereqs
check "GDB is Python-free (gdb-minimal)" gdb_is_python_free
gdb_boot 6.12
scenario_batch_sessions inproc agent
scenario_mi_plain inproc
scenario_mi_running_load
scenario_binary_roundtrips inproc
scenario_raw_client
scenario_reconnect
scenario_kernel_changed inproc
scenario_batch_interrupt inproc
scenario_mi_interrupt agent
scenario_stub_killed inproc
finish
