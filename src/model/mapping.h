/* model: what the page tables say about each kernel mapping of interest (an
 * ioremap, or any vmap area that maps non-RAM or RAM with a mode other than
 * write-back), and the findings drawn from them.  Pure data and logic: the
 * findings are computed here from what the walkers read, so they can be
 * tested without a guest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef IOW_MODEL_MAPPING_H
#define IOW_MODEL_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/pat.h"
#include "model/pte.h"
#include "model/vmap.h"
#include "util/array.h"

/* A run of pages mapped alike: present or not, physically contiguous, one
 * leaf size, one cache mode. */
struct iow_map_run {
	uint64_t va, size;
	bool present;
	uint64_t pa;
	uint64_t leaf_size;   /* 4 KiB, 2 MiB, 1 GiB */
	uint64_t leaf;        /* the first leaf entry, raw */
	unsigned mode;        /* enum iow_memtype */
	bool ram;             /* the pages are RAM */
	bool firmware_mem;    /* not RAM, but memory, no device (arm64: NOMAP) */
	bool direct_known;    /* RAM: the direct map's mode of the same pages ... */
	unsigned direct_mode; /* ... is this */
	struct iow_leaf_attrs attrs; /* shareability and permissions (arm64; else empty) */
};

struct iow_mapping {
	const struct iow_vmap_area *area;
	uint64_t va, size;    /* the mapped part: the area less its guard page */
	struct iow_map_run *runs;
	size_t nruns, runs_cap;
	bool ioremap;         /* VM_IOREMAP */
	bool any_ram, any_io; /* some pages are RAM / are not */
};

enum iow_finding_kind {
	IOW_FIND_MODE_MISMATCH, /* page tables say one mode, the reservation another */
	IOW_FIND_UNRESERVED,    /* non-RAM mapped with no PAT reservation */
	IOW_FIND_ALIAS,         /* one physical range, several modes */
	IOW_FIND_RAM_IOREMAP,   /* an ioremap of RAM */
	IOW_FIND_UNUSED_RESERVATION, /* a reservation no kernel mapping uses */
	IOW_FIND_DEVICE_CACHEABLE, /* non-RAM mapped with a cacheable Normal type (arm64) */
	IOW_FIND_RAM_DEVICE,    /* RAM mapped with a Device type (arm64) */
};

struct iow_finding {
	enum iow_finding_kind kind;
	uint64_t pa_start, pa_end;   /* the physical range concerned, end exclusive */
	uint64_t va, va2;            /* the mapping(s) concerned (0 if none) */
	char *text;                  /* one line, for people */
	/* Worth a look rather than wrong (check counts it as a note): an
	 * unused reservation; RAM that one mapping makes Normal
	 * Non-cacheable while the direct map keeps it cacheable, as arm64's
	 * DMA remapping does by design (kernel/dma/remap.c), with the cache
	 * maintenance that then keeps it coherent. */
	bool note;
};

struct iow_mapping_set {
	struct iow_mapping *m;
	size_t n, cap;
	size_t areas_walked;         /* vmap areas whose page tables were read */
	struct iow_finding *findings;
	size_t nfindings, findings_cap;
	bool none_tracked;           /* the kernel keeps no reservations (iow_pat) */
};

void iow_mapping_set_fini(struct iow_mapping_set *s);
/* Draw the findings from S and the reservations in PAT (which may be NULL
 * when they could not be read). */
int iow_mapping_find(struct iow_mapping_set *s, const struct iow_pat *pat);
const char *iow_finding_kind_name(enum iow_finding_kind k);
/* A leaf's size as the views print it: "4K", "2M", "1G", else "?". */
const char *iow_leaf_size_name(uint64_t size);
/* The reservation covering [pa, pa+size), if one covers all of it. */
const struct iow_pat_memtype *iow_pat_covering(const struct iow_pat *pat, uint64_t pa, uint64_t size);

#endif
