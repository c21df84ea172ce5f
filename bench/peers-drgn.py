# Run by bench/peers.sh under drgn (python3-drgn, Debian bookworm: 0.0.22):
#   drgn -q -c DUMP -s VMLINUX --no-default-symbols peers-drgn.py WHAT OUT
# WHAT: start (nothing: start-up alone), iomem, ioports, vmallocinfo.
# Writes what the guest's /proc/WHAT would print to OUT and, on stdout, one
# line "IOWBENCH walk_ms=... cpu_ms=... [sym_ms=...]" timing the walk alone
# (drgn's own start-up is timed by the caller, around the whole process;
# sym_ms is building the %pS symbol table, which vmallocinfo needs first).
#
# drgn 0.0.22 has no resource or vmap-area helpers (for_each_resource came in
# 0.1.0, for_each_vmap_area in 0.0.27), so the walks are written here, after
# kernel/resource.c (r_next, r_show) and mm/vmalloc.c (s_show in 6.1,
# vmalloc_info_show in 6.12), the way a drgn user of that version would.
#
# SPDX-License-Identifier: GPL-3.0-or-later
# pylint: disable=undefined-variable  # prog is drgn's global
import bisect
import os
import struct
import sys
import time

from drgn import Object, cast
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.boot import pgtable_l5_enabled

MAX_IORES_LEVEL = 5
VM_IOREMAP, VM_ALLOC, VM_MAP, VM_USERMAP = 0x1, 0x2, 0x4, 0x8
VM_DMA_COHERENT, VM_UNINITIALIZED, VM_SPARSE = 0x10, 0x20, 0x1000
VMAP_RAM = 0x1
# page_to_nid(): with SPARSEMEM_VMEMMAP the node id is the top NODES_SHIFT
# bits of page->flags (include/linux/page-flags-layout.h); the caller passes
# CONFIG_NODES_SHIFT from the kernel's config.
NODES_SHIFT = int(os.environ.get("IOW_NODES_SHIFT", "10"))


def resources(root_name):
    """/proc/iomem or /proc/ioports: r_start/r_next/r_show."""
    root = prog[root_name]
    root_addr = root.address_
    width = 4 if root.end.value_() < 0x10000 else 8
    out = []
    p = root.child.value_()
    rtype = prog.type("struct resource")
    while p:
        r = Object(prog, rtype, address=p).read_()
        depth, q = 0, r
        while depth < MAX_IORES_LEVEL:
            if q.parent.value_() == root_addr:
                break
            depth += 1
            q = q.parent[0].read_()
        name = r.name.string_().decode() if r.name.value_() else "<BAD>"
        out.append("%*s%0*x-%0*x : %s\n" % (depth * 2, "", width, r.start.value_(),
                                            width, r.end.value_(), name))
        if r.child.value_():
            p = r.child.value_()
            continue
        q = r
        while not q.sibling.value_() and q.parent.value_():
            q = q.parent[0].read_()
        p = q.sibling.value_()
    return "".join(out)


class Symbolizer:
    """%pS: sym+0xoff/0xsize, and " [module]" for module text.  The size is
    the distance to the next symbol, as kallsyms computes it."""

    def __init__(self):
        addrs = {}
        for s in prog.symbols():
            if s.address and s.name:
                prev = addrs.get(s.address)
                # Several names for one address: kallsyms keeps the first in
                # its sorted table; prefer a global over a local alias.
                if prev is None or (s.binding.name == "GLOBAL" and prev[1] != "GLOBAL"):
                    addrs[s.address] = (s.name, s.binding.name, None)
        self._add_modules(addrs)
        self.keys = sorted(addrs)
        self.vals = [addrs[k] for k in self.keys]

    def _add_modules(self, addrs):
        try:
            mods = list_for_each_entry("struct module", prog["modules"].address_of_(), "list")
        except (KeyError, LookupError):
            return
        sym_fmt = "<IBBHQQ"
        for mod in mods:
            name = mod.name.string_().decode()
            ks = mod.kallsyms.read_()
            n = ks.num_symtab.value_()
            raw = prog.read(ks.symtab.value_(), n * 24)
            strtab = ks.strtab.value_()
            for i in range(n):
                st_name, st_info, _, shndx, value, _ = struct.unpack_from(sym_fmt, raw, i * 24)
                if shndx == 0 or not value:
                    continue
                sname = prog.read(strtab + st_name, 128).split(b"\0", 1)[0].decode()
                if not sname or sname.startswith("$"):
                    continue
                addrs.setdefault(value, (sname, "MOD", name))

    def __call__(self, addr):
        i = bisect.bisect_right(self.keys, addr) - 1
        if i < 0 or i + 1 >= len(self.keys):
            return "0x%x" % addr
        name, _, mod = self.vals[i]
        size = self.keys[i + 1] - self.keys[i]
        s = "%s+0x%x/0x%x" % (name, addr - self.keys[i], size)
        return s + (" [%s]" % mod if mod else "")


def vmallocinfo(sym):
    """/proc/vmallocinfo, 6.1 (vmap_area_list) or 6.9+ (vmap_nodes)."""
    vmalloc_start = prog["vmalloc_base"].value_()
    vmalloc_end = vmalloc_start + ((12800 if pgtable_l5_enabled(prog) else 32) << 40) - 1
    try:
        prog["vmap_area_list"]
        new = False
    except KeyError:
        new = True
    out = []

    def numa(v):
        order = v.page_order.value_() if hasattr(v, "page_order") else 0
        nr = v.nr_pages.value_()
        if not nr:
            return ""
        pages = struct.unpack("<%dQ" % nr, prog.read(v.pages.value_(), 8 * nr))
        counts = {}
        for k in range(0, nr, 1 << order):
            nid = prog.read_u64(pages[k]) >> (64 - NODES_SHIFT)
            counts[nid] = counts.get(nid, 0) + (1 << order)
        return "".join(" N%u=%u" % (n, counts[n]) for n in sorted(counts))

    def show(va):
        start, end = va.va_start.value_(), va.va_end.value_()
        if not va.vm.value_():
            if not new or va.flags.value_() & VMAP_RAM:
                out.append("0x%016x-0x%016x %7d vm_map_ram\n" % (start, end, end - start))
            return
        v = va.vm[0].read_()
        flags = v.flags.value_()
        if new and flags & VM_UNINITIALIZED:
            return
        addr, size = v.addr.value_(), v.size.value_()
        line = "0x%016x-0x%016x %7d" % (addr, addr + size, size)
        if v.caller.value_():
            line += " " + sym(v.caller.value_())
        if v.nr_pages.value_():
            line += " pages=%d" % v.nr_pages.value_()
        if v.phys_addr.value_():
            line += " phys=0x%016x" % v.phys_addr.value_()
        if flags & VM_IOREMAP:
            line += " ioremap"
        if new and flags & VM_SPARSE:
            line += " sparse"
        for bit, word in ((VM_ALLOC, " vmalloc"), (VM_MAP, " vmap"), (VM_USERMAP, " user"),
                          (VM_DMA_COHERENT, " dma-coherent")):
            if flags & bit:
                line += word
        if vmalloc_start <= v.pages.value_() <= vmalloc_end:
            line += " vpages"
        if new or not flags & VM_UNINITIALIZED:
            line += numa(v)
        out.append(line + "\n")

    def unpurged(head):
        for va in list_for_each_entry("struct vmap_area", head, "list"):
            start, end = va.va_start.value_(), va.va_end.value_()
            out.append("0x%016x-0x%016x %7d unpurged vm_area\n" % (start, end, end - start))

    if not new:
        for va in list_for_each_entry("struct vmap_area", prog["vmap_area_list"].address_of_(), "list"):
            show(va.read_())
        unpurged(prog["purge_vmap_area_list"].address_of_())
    else:
        nodes = prog["vmap_nodes"]
        n = prog["nr_vmap_nodes"].value_()
        for i in range(n):
            for va in list_for_each_entry("struct vmap_area", nodes[i].busy.head.address_of_(), "list"):
                show(va.read_())
        for i in range(n):
            unpurged(nodes[i].lazy.head.address_of_())
    return "".join(out)


def main():
    what, path = sys.argv[1], sys.argv[2]
    sym_ms = None
    if what == "vmallocinfo":
        # The %pS table, timed apart: drgn 0.0.22 has no kallsyms-style
        # lookup with sizes, so it is built from every symbol of vmlinux.
        t0 = time.perf_counter()
        sym = Symbolizer()
        sym_ms = (time.perf_counter() - t0) * 1e3
    t0, c0 = time.perf_counter(), time.process_time()
    if what == "start":
        text = ""
    elif what == "iomem":
        text = resources("iomem_resource")
    elif what == "ioports":
        text = resources("ioport_resource")
    elif what == "vmallocinfo":
        text = vmallocinfo(sym)
    else:
        raise SystemExit("unknown walk " + what)
    t1, c1 = time.perf_counter(), time.process_time()
    with open(path, "w") as f:
        f.write(text)
    print("IOWBENCH walk_ms=%.1f cpu_ms=%.1f%s" % ((t1 - t0) * 1e3, (c1 - c0) * 1e3,
                                               " sym_ms=%.1f" % sym_ms if sym_ms is not None else ""))


main()
