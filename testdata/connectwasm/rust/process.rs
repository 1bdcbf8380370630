//! A Redpanda Connect `wasm` processor module in Rust, in the
//! allocate/deallocate style of Benthos's Rust example (louder.rs), with the
//! standard library's default allocator (the example's wee_alloc crate is
//! not reachable here). Built by build.sh into testdata/wasm/connect_rust.wasm.
//!
//! Ownership follows the example and the open-source wasm processor
//! (Benthos before v4.28): everything that crosses the boundary is freed by
//! the host. A buffer the host returns from v0_msg_as_bytes or
//! v0_msg_get_meta came from `allocate`; the guest only reads it and never
//! frees it (the host deallocates it after the call). A buffer the guest
//! passes to the host (the payload, metadata keys and values) is a fresh
//! `allocate`d one of exactly that length that the guest forgets; the host
//! copies it and deallocates it. The global allocator counts what is live,
//! reported by `live_bytes` and `live_blocks`: with a host that keeps those
//! rules both are 0 after every call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

#[link(wasm_import_module = "benthos_wasm")]
extern "C" {
    /// The payload, copied by the host into a buffer from `allocate`:
    /// (pointer << 32) | length.
    fn v0_msg_as_bytes() -> u64;
    /// Sets the payload to the bytes at [ptr, ptr + len).
    fn v0_msg_set_bytes(ptr: u32, len: u32);
    /// The metadata value of a key (empty when absent), like v0_msg_as_bytes.
    fn v0_msg_get_meta(key_ptr: u32, key_len: u32) -> u64;
    /// Sets a metadata value.
    fn v0_msg_set_meta(key_ptr: u32, key_len: u32, value_ptr: u32, value_len: u32);
}

/// The system allocator, counting the bytes and blocks it has live.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE_BLOCKS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
            LIVE_BLOCKS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        LIVE_BLOCKS.fetch_sub(1, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        if !q.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[no_mangle]
pub extern "C" fn live_bytes() -> u32 {
    LIVE_BYTES.load(Ordering::Relaxed) as u32
}

#[no_mangle]
pub extern "C" fn live_blocks() -> u32 {
    LIVE_BLOCKS.load(Ordering::Relaxed) as u32
}

/// A buffer of `size` bytes owned by whoever asked for it (the host, or the
/// guest about to hand it to the host). Zero bytes allocate nothing and give
/// a dangling pointer (1), as an empty boxed slice does.
#[no_mangle]
pub extern "C" fn allocate(size: u32) -> *mut u8 {
    let buf: Box<[u8]> = vec![0u8; size as usize].into_boxed_slice();
    Box::into_raw(buf) as *mut u8
}

/// Frees a buffer from `allocate`; `size` must be the size it was allocated
/// with.
///
/// # Safety
/// `ptr` must come from `allocate(size)` and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn deallocate(ptr: *mut u8, size: u32) {
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, size as usize)));
}

/// The host's buffer behind a packed (pointer << 32) | length. It stays the
/// host's: read it during this call only.
unsafe fn inbound<'a>(packed: u64) -> &'a [u8] {
    let len = packed as u32 as usize;
    if len == 0 {
        return &[];
    }
    std::slice::from_raw_parts((packed >> 32) as u32 as *const u8, len)
}

/// Hands bytes over to the host: a new buffer from `allocate`, forgotten
/// here; the host deallocates it. Returns (pointer, length).
fn hand_over(bytes: &[u8]) -> (u32, u32) {
    let p = allocate(bytes.len() as u32);
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
    (p as u32, bytes.len() as u32)
}

fn upper_and_set(trap_word: bool) {
    let payload = unsafe { inbound(v0_msg_as_bytes()) };
    if trap_word && payload.starts_with(b"trap") {
        core::arch::wasm32::unreachable();
    }
    let upper = payload.to_ascii_uppercase();
    let (p, n) = hand_over(&upper);
    unsafe { v0_msg_set_bytes(p, n) };
}

/// payload = upper(payload) (ASCII letters only).
#[no_mangle]
pub extern "C" fn process() {
    upper_and_set(false)
}

/// Traps (unreachable) when the payload starts with "trap", else as process.
#[no_mangle]
pub extern "C" fn trap_if() {
    upper_and_set(true)
}

/// Metadata "out" = metadata "in" (absent reads as empty).
#[no_mangle]
pub extern "C" fn set_meta() {
    let (kp, kn) = hand_over(b"in");
    let value = unsafe { inbound(v0_msg_get_meta(kp, kn)) };
    let (kp, kn) = hand_over(b"out");
    let (vp, vn) = hand_over(value);
    unsafe { v0_msg_set_meta(kp, kn, vp, vn) };
}
