"""Giving the C heap's free pages back to the system while a big import runs.

Between the pieces of a conversion (formats/common.py `consume_pieces`) the long-lived column
buffers of the converted pieces (each under glibc's 1 MiB mmap threshold, so on its heap) sit
between the freed transient ones: the heap cannot shrink from its top, and its free pages in
the middle are kept. glibc's `malloc_trim(0)` hands every whole free page back (MADV_DONTNEED),
wherever it lies. At the ACLED upload cap (4.2 M rows) that (with ACLED's unused columns kept as Arrow) took the
peak from 1,191 to 962 MiB, and GDELT's from ~1,300 to 881 (BENCHMARKS.md). A no-op on other C libraries.
"""

from __future__ import annotations

import functools


@functools.cache
def glibc():
    """The C library when it is glibc (ctypes), else None (musl and others have no mallopt/malloc_trim
    of glibc's meaning)."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        if not hasattr(ctypes.CDLL(None), "gnu_get_libc_version"):  # glibc only: musl has no such function
            return None
    except OSError:
        return None
    return libc


@functools.cache
def _malloc_trim():
    import ctypes

    libc = glibc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_heap() -> bool:
    """Give the free pages of the C heap back to the system (glibc); True when it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
