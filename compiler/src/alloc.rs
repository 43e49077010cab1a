//! The global allocator of the `mclc` binaries and benchmarks: mimalloc, called through its
//! plain `mi_malloc` entry points whenever the requested alignment is one mimalloc guarantees
//! anyway (16 bytes). The `mimalloc` crate always calls the `_aligned` variants, whose generic
//! path cost about 5% of a full check's instructions.
//!
//! Install it in a binary with
//! `#[global_allocator] static GLOBAL: mcl_compiler::alloc::MiMalloc = mcl_compiler::alloc::MiMalloc;`

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// Every block mimalloc returns is aligned to at least this many bytes (`MI_MAX_ALIGN_SIZE`).
const GUARANTEED_ALIGN: usize = 16;

/// mimalloc as a [`GlobalAlloc`].
pub struct MiMalloc;

/// True when a plain (unaligned) mimalloc call satisfies `layout`'s alignment.
#[inline]
fn plain(layout: &Layout) -> bool {
    layout.align() <= GUARANTEED_ALIGN && layout.align() <= layout.size()
}

// SAFETY: every call forwards to mimalloc, whose blocks meet the layout's alignment: the plain
// calls are used only for alignments mimalloc guarantees, the `_aligned` ones otherwise; blocks
// from either family are freed and reallocated by `mi_free`/`mi_realloc*`, which accept both.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarding to mimalloc (see the impl's comment).
        unsafe {
            if plain(&layout) { mi::mi_malloc(layout.size()).cast() } else { mi::mi_malloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if plain(&layout) { mi::mi_zalloc(layout.size()).cast() } else { mi::mi_zalloc_aligned(layout.size(), layout.align()).cast() }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the new block keeps its alignment.
        unsafe {
            if layout.align() <= GUARANTEED_ALIGN && layout.align() <= new_size {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_meet_their_alignment() {
        let a = MiMalloc;
        for (size, align) in [(1, 1), (3, 2), (8, 8), (24, 8), (16, 16), (4, 8), (100, 32), (4096, 4096), (1 << 20, 64)] {
            let layout = Layout::from_size_align(size, align).expect("a valid layout");
            // SAFETY: a non-zero-sized layout; the block is freed with the same allocator.
            unsafe {
                let p = a.alloc(layout);
                assert!(!p.is_null() && p as usize % align == 0, "size {size} align {align}");
                let q = a.realloc(p, layout, size * 3);
                assert!(!q.is_null() && q as usize % align == 0, "realloc: size {size} align {align}");
                a.dealloc(q, Layout::from_size_align(size * 3, align).expect("a valid layout"));
                let z = a.alloc_zeroed(layout);
                assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                a.dealloc(z, layout);
            }
        }
    }
}
