//! The binary's allocator: mimalloc, asked the plain way.
//!
//! `mimalloc::MiMalloc` passes every request to `mi_malloc_aligned`, which
//! first checks the alignment and then looks for a block of the size class.
//! Nearly all of a batch's allocations (strings, vectors, map entries) need
//! no more than the eight bytes that every mimalloc block has, and for them
//! `mi_malloc` and `mi_realloc` go straight to the size class. Anything with
//! a larger alignment still goes through `MiMalloc`.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as ffi;
use mimalloc::MiMalloc;

/// Every block mimalloc hands out is aligned to at least a word.
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc, with the aligned calls only for alignments above a word.
pub struct Allocator;

// SAFETY: each call forwards to mimalloc, whose blocks are aligned to at
// least `WORD`; a layout asking for more goes to `MiMalloc`'s aligned calls.
// A block from either path is freed and resized by mimalloc alike.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            ffi::mi_malloc(layout.size()).cast()
        } else {
            MiMalloc.alloc(layout)
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            ffi::mi_zalloc(layout.size()).cast()
        } else {
            MiMalloc.alloc_zeroed(layout)
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        ffi::mi_free(ptr.cast::<c_void>());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            ffi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            MiMalloc.realloc(ptr, layout, new_size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fills `size` bytes at `p` with a pattern.
    unsafe fn fill(p: *mut u8, size: usize) {
        for i in 0..size {
            *p.add(i) = i as u8;
        }
    }

    /// Every alignment, through both paths, with sizes around the size
    /// classes: blocks are aligned, zeroed when asked, and keep their bytes
    /// when they grow or shrink.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 9, 15, 16, 17, 24, 100, 1000, 70_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                for new_size in [size / 2 + 1, size * 3] {
                    // SAFETY: non-zero sizes; each block is used within its
                    // size and freed once, with the layout it has then.
                    unsafe {
                        let p = Allocator.alloc(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                        fill(p, size);
                        let q = Allocator.realloc(p, layout, new_size);
                        assert_eq!(q as usize % align, 0, "{size} -> {new_size}, align {align}");
                        for i in 0..size.min(new_size) {
                            assert_eq!(*q.add(i), i as u8, "{size} -> {new_size}, align {align}");
                        }
                        Allocator.dealloc(q, Layout::from_size_align(new_size, align).unwrap());
                    }
                }
                // SAFETY: as above.
                unsafe {
                    let z = Allocator.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    Allocator.dealloc(z, layout);
                }
            }
        }
    }
}
