//! Guest SDK for the `wasm_smt` Benthos processor (benthos-wasm).
//!
//! This crate implements the guest side of the host ABI described in `docs/ABI.md`:
//!
//! * it exports `alloc(i32) -> i32` and `dealloc(i32, i32)` (a guest `cdylib` that links this
//!   crate exports them automatically; there is nothing to invoke);
//! * it wraps the ten host functions imported from module `env` (`get_value`, `set_value`, ...)
//!   and the eleven extensions (`has_key`, `drop_record`, `emit_record`, `get_param`, `log`, ...);
//! * it reads and writes the record JSON of `get_record` / `set_record` with a small built-in
//!   JSON and base64 codec (standard library only, no crates);
//! * it reads and writes one scalar at a path of a JSON value in place ([`json`]);
//! * it builds the `i64` error result of a guest function (bit 31 of the length set).
//!
//! Two APIs are offered:
//!
//! * the idiomatic one: [`record`] (`record::value()`, `record::set_value(&[u8])`,
//!   `record::drop()`, `record::emit(&Record)`, `record::header_names()`, ...), [`Record`],
//!   [`get_record`], [`set_record`], [`param`], [`log`], [`error_result`], [`result`];
//! * the helper names of the original Kafka Connect Wasm SDK, so that existing guests compile
//!   unchanged: [`get_connect_record_value`], [`set_connect_record_value`], ...,
//!   [`get_connect_record`], [`set_connect_record`] over [`Message`].
//!
//! Reading an absent key, value, topic or header makes the host abandon the call (the record
//! fails); the getters therefore never return "absent". Use [`get_record`] to look at a record
//! whose key or topic may be absent.
//!
//! On targets other than `wasm32` the host functions are replaced by stubs that panic, so that
//! the pure parts (JSON, base64) can be unit tested natively.

#![deny(unsafe_op_in_unsafe_fn)]

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt::Display;

// ---------------------------------------------------------------------------------------------
// Host imports
// ---------------------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod sys {
    #[link(wasm_import_module = "env")]
    extern "C" {
        pub fn get_key() -> u64;
        pub fn set_key(ptr: *const u8, len: u32);
        pub fn get_value() -> u64;
        pub fn set_value(ptr: *const u8, len: u32);
        pub fn get_topic() -> u64;
        pub fn set_topic(ptr: *const u8, len: u32);
        pub fn get_header(name_ptr: *const u8, name_len: u32) -> u64;
        pub fn set_header(name_ptr: *const u8, name_len: u32, val_ptr: *const u8, val_len: u32);
        pub fn get_record() -> u64;
        pub fn set_record(ptr: *const u8, len: u32);

        // Extensions (docs/ABI.md, "Extensions"). A module imports only the ones it uses.
        pub fn has_key() -> i32;
        pub fn has_header(name_ptr: *const u8, name_len: u32) -> i32;
        pub fn remove_header(name_ptr: *const u8, name_len: u32);
        pub fn get_header_names() -> u64;
        pub fn get_partition() -> i32;
        pub fn get_timestamp() -> i64;
        pub fn set_timestamp(ms: i64);
        pub fn drop_record();
        pub fn emit_record(ptr: *const u8, len: u32);
        pub fn get_param(name_ptr: *const u8, name_len: u32) -> u64;
        pub fn log(level: i32, ptr: *const u8, len: u32);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::missing_safety_doc)]
mod sys {
    fn unavailable() -> ! {
        panic!("benthos_wasm_sdk: host functions are only available on wasm32")
    }
    pub unsafe fn get_key() -> u64 {
        unavailable()
    }
    pub unsafe fn set_key(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_value() -> u64 {
        unavailable()
    }
    pub unsafe fn set_value(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_topic() -> u64 {
        unavailable()
    }
    pub unsafe fn set_topic(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_header(_: *const u8, _: u32) -> u64 {
        unavailable()
    }
    pub unsafe fn set_header(_: *const u8, _: u32, _: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_record() -> u64 {
        unavailable()
    }
    pub unsafe fn set_record(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn has_key() -> i32 {
        unavailable()
    }
    pub unsafe fn has_header(_: *const u8, _: u32) -> i32 {
        unavailable()
    }
    pub unsafe fn remove_header(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_header_names() -> u64 {
        unavailable()
    }
    pub unsafe fn get_partition() -> i32 {
        unavailable()
    }
    pub unsafe fn get_timestamp() -> i64 {
        unavailable()
    }
    pub unsafe fn set_timestamp(_: i64) {
        unavailable()
    }
    pub unsafe fn drop_record() {
        unavailable()
    }
    pub unsafe fn emit_record(_: *const u8, _: u32) {
        unavailable()
    }
    pub unsafe fn get_param(_: *const u8, _: u32) -> u64 {
        unavailable()
    }
    pub unsafe fn log(_: i32, _: *const u8, _: u32) {
        unavailable()
    }
}

// ---------------------------------------------------------------------------------------------
// Allocator exports
// ---------------------------------------------------------------------------------------------

/// Bit 31 of the length half of a function result: the buffer is an error message.
pub const ERROR_BIT: u32 = 0x8000_0000;

/// The result of a guest function that succeeded (`ptr = 0`, `len = 0`).
pub const OK: u64 = 0;

/// Allocates `len` bytes with the layout a `Vec<u8>` of capacity `len` uses (size `len`,
/// align 1), so that a buffer from `alloc(len)` can be turned into
/// `Vec::from_raw_parts(ptr, len, len)` and freed by dropping it, and vice versa.
///
/// `len == 0` allocates nothing and returns a dangling, non-null pointer (as an empty `Vec`
/// does); `free_bytes(ptr, 0)` is a no-op. Running out of memory traps.
fn alloc_bytes(len: usize) -> *mut u8 {
    if len == 0 {
        return std::ptr::NonNull::<u8>::dangling().as_ptr();
    }
    let layout = match std::alloc::Layout::array::<u8>(len) {
        Ok(l) => l,
        Err(_) => trap(),
    };
    // SAFETY: layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc(layout) };
    if ptr.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    ptr
}

/// Frees a buffer from [`alloc_bytes`] of the same `len`.
///
/// # Safety
/// `ptr` must come from `alloc_bytes(len)` (or be any pointer when `len == 0`) and not have
/// been freed yet.
unsafe fn free_bytes(ptr: *mut u8, len: usize) {
    if len == 0 || ptr.is_null() {
        return;
    }
    // SAFETY: the caller guarantees ptr/len come from alloc_bytes(len), which used this layout.
    unsafe { std::alloc::dealloc(ptr, std::alloc::Layout::from_size_align_unchecked(len, 1)) }
}

/// Exported as `alloc`: the host calls it to get a buffer of `size` bytes in guest memory
/// (getter results). The buffer is owned by the guest afterwards.
#[cfg_attr(target_arch = "wasm32", export_name = "alloc")]
pub extern "C" fn alloc(size: u32) -> *mut u8 {
    alloc_bytes(size as usize)
}

/// Exported as `dealloc`: frees a buffer of `len` bytes that came from `alloc(len)`.
///
/// The host calls it on the buffer of a function result with the raw length, bit 31 (the
/// error flag) included; that bit is masked off here. `dealloc(0, 0)` (the result of a
/// function that returned [`OK`]) and `dealloc(p, 0)` do nothing.
///
/// # Safety
/// `ptr` must come from `alloc(len & 0x7fffffff)` and not have been freed yet.
#[cfg_attr(target_arch = "wasm32", export_name = "dealloc")]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: u32) {
    // SAFETY: forwarded to the caller.
    unsafe { free_bytes(ptr, (len & !ERROR_BIT) as usize) }
}

// ---------------------------------------------------------------------------------------------
// Packing helpers
// ---------------------------------------------------------------------------------------------

/// Upper-cases the ASCII letters of `b` in place; every other byte, including
/// those of non-ASCII UTF-8 characters, is left alone (as
/// `make_ascii_uppercase`, but eight bytes at a time: wasm32 has no SIMD by
/// default, and a byte loop dominates a transform of a 1 KiB value).
pub fn upper_ascii(b: &mut [u8]) {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const FROM_A: u64 = 0x1f1f_1f1f_1f1f_1f1f; // 0x80 - b'a' in each byte
    const PAST_Z: u64 = 0x0505_0505_0505_0505; // 0x80 - (b'z' + 1) in each byte
    let mut chunks = b.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let low = x & LOW;
        // High bit per byte: >= 'a' in low + FROM_A, > 'z' in low + PAST_Z
        // (seven-bit sums never carry); x's own high bit marks non-ASCII.
        let lower = (low + FROM_A) & !(low + PAST_Z) & !x & HIGH;
        chunk.copy_from_slice(&(x ^ (lower >> 2)).to_le_bytes());
    }
    chunks.into_remainder().make_ascii_uppercase();
}


/// Packs a pointer and a length as the ABI does: `ptr << 32 | len`.
pub fn pack(ptr: u32, len: u32) -> u64 {
    ((ptr as u64) << 32) | len as u64
}

/// Splits a packed `i64` into `(ptr, len)`.
pub fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

/// Takes ownership of a getter result: the host wrote `len` bytes into a buffer it got from
/// our `alloc(len)`, whose layout is the one of a `Vec<u8>` with capacity `len`.
///
/// # Safety
/// `packed` must be the result of a host getter.
unsafe fn take_buffer(packed: u64) -> Vec<u8> {
    let (ptr, len) = unpack(packed);
    let len = len as usize;
    if len == 0 {
        // alloc(0) allocated nothing; do not build a Vec over whatever pointer came back.
        return Vec::new();
    }
    // SAFETY: alloc_bytes(len) allocated exactly Layout::array::<u8>(len), what a Vec<u8> of
    // capacity len deallocates with, and the host initialised all len bytes.
    unsafe { Vec::from_raw_parts(ptr as usize as *mut u8, len, len) }
}

fn len32(len: usize) -> u32 {
    if len > (u32::MAX >> 1) as usize {
        // Lengths are i32 in the ABI.
        trap();
    }
    len as u32
}

// ---------------------------------------------------------------------------------------------
// Results and traps
// ---------------------------------------------------------------------------------------------

/// Builds the result of a guest function that fails with the UTF-8 message `msg`: the message
/// is copied into a buffer from `alloc`, and the length has bit 31 set. The host reads the
/// message, fails the record with it, and frees the buffer with `dealloc`.
///
/// ```ignore
/// #[no_mangle]
/// pub extern "C" fn check() -> u64 {
///     if benthos_wasm_sdk::record::value().is_empty() {
///         return benthos_wasm_sdk::error_result("empty value");
///     }
///     benthos_wasm_sdk::OK
/// }
/// ```
pub fn error_result(msg: &str) -> u64 {
    error_result_bytes(msg.as_bytes())
}

/// Like [`error_result`] with the message as bytes (which should be UTF-8).
pub fn error_result_bytes(msg: &[u8]) -> u64 {
    let len = len32(msg.len());
    let ptr = alloc_bytes(msg.len());
    if !msg.is_empty() {
        // SAFETY: ptr points to msg.len() freshly allocated bytes.
        unsafe { std::ptr::copy_nonoverlapping(msg.as_ptr(), ptr, msg.len()) };
    }
    pack(ptr as usize as u32, len | ERROR_BIT)
}

/// Converts a `Result` into a function result: `Ok(())` gives [`OK`], `Err(e)` gives
/// `error_result(&e.to_string())`.
pub fn result<E: Display>(r: Result<(), E>) -> u64 {
    match r {
        Ok(()) => OK,
        Err(e) => error_result(&e.to_string()),
    }
}

/// Aborts the call with a WebAssembly trap (`unreachable`). The host fails the record and
/// replaces the instance.
pub fn trap() -> ! {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::process::abort()
    }
}

// ---------------------------------------------------------------------------------------------
// Idiomatic API
// ---------------------------------------------------------------------------------------------

/// A whole record, as exchanged by [`get_record`] and [`set_record`].
///
/// `None` is an absent key, value or topic (left out of the JSON); `Some(vec![])` is an empty
/// one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub topic: Option<String>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: BTreeMap<String, Vec<u8>>,
}

impl Record {
    /// An empty record: no topic, key, value or headers.
    pub fn new() -> Record {
        Record::default()
    }

    /// Parses the record JSON of the ABI:
    /// `{"headers":{"<name>":"<base64>"},"topic":"t","key":"<base64>","value":"<base64>"}`.
    /// `null` counts as absent; unknown fields are skipped.
    pub fn from_json(json: &[u8]) -> Result<Record, String> {
        record_json::parse_record(json)
    }

    /// Serialises the record as the ABI's record JSON (absent fields left out).
    pub fn to_json(&self) -> String {
        record_json::write_record(self)
    }
}

/// Reads the whole record (`get_record`).
pub fn get_record() -> Result<Record, String> {
    Record::from_json(&record::record_json())
}

/// Replaces topic, key, value and all headers of the record (`set_record`).
pub fn set_record(r: &Record) {
    record::set_record_json(r.to_json().as_bytes())
}

/// Per-field access to the current record.
pub mod record {
    use super::{len32, sys, take_buffer};

    pub use super::{get_record, set_record, Record};

    /// The value (message payload), through the value converter.
    pub fn value() -> Vec<u8> {
        // SAFETY: get_value returns a buffer from our alloc.
        unsafe { take_buffer(sys::get_value()) }
    }

    /// Replaces the value. The host copies the bytes.
    pub fn set_value(v: &[u8]) {
        // SAFETY: ptr/len describe a live slice for the duration of the call.
        unsafe { sys::set_value(v.as_ptr(), len32(v.len())) }
    }

    /// The key, through the key converter.
    pub fn key() -> Vec<u8> {
        // SAFETY: see value().
        unsafe { take_buffer(sys::get_key()) }
    }

    /// Replaces the key.
    pub fn set_key(k: &[u8]) {
        // SAFETY: see set_value().
        unsafe { sys::set_key(k.as_ptr(), len32(k.len())) }
    }

    /// The topic as raw bytes (UTF-8 from the host).
    pub fn topic_bytes() -> Vec<u8> {
        // SAFETY: see value().
        unsafe { take_buffer(sys::get_topic()) }
    }

    /// The topic; invalid UTF-8 (which the host should never send) is replaced by U+FFFD.
    pub fn topic() -> String {
        match String::from_utf8(topic_bytes()) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// Sets the topic.
    pub fn set_topic(t: &str) {
        // SAFETY: see set_value().
        unsafe { sys::set_topic(t.as_ptr(), len32(t.len())) }
    }

    /// The header `name`, through the header converter.
    pub fn header(name: &str) -> Vec<u8> {
        // SAFETY: name is live for the call; the result is a buffer from our alloc.
        unsafe { take_buffer(sys::get_header(name.as_ptr(), len32(name.len()))) }
    }

    /// Sets the header `name` to `v`.
    pub fn set_header(name: &str, v: &[u8]) {
        // SAFETY: both slices are live for the call.
        unsafe { sys::set_header(name.as_ptr(), len32(name.len()), v.as_ptr(), len32(v.len())) }
    }

    /// The raw record JSON (`get_record`).
    pub fn record_json() -> Vec<u8> {
        // SAFETY: see value().
        unsafe { take_buffer(sys::get_record()) }
    }

    /// Replaces the record from raw record JSON (`set_record`).
    pub fn set_record_json(json: &[u8]) {
        // SAFETY: see set_value().
        unsafe { sys::set_record(json.as_ptr(), len32(json.len())) }
    }

    // -- Extensions ---------------------------------------------------------------------------

    /// Whether the record has a key (`has_key`). Sees the writes made earlier in the call.
    pub fn has_key() -> bool {
        // SAFETY: no arguments.
        unsafe { sys::has_key() != 0 }
    }

    /// Whether the record has the header `name` (`has_header`).
    pub fn has_header(name: &str) -> bool {
        // SAFETY: name is live for the call.
        unsafe { sys::has_header(name.as_ptr(), len32(name.len())) != 0 }
    }

    /// Removes the header `name`; nothing happens if it is absent (`remove_header`).
    pub fn remove_header(name: &str) {
        // SAFETY: name is live for the call.
        unsafe { sys::remove_header(name.as_ptr(), len32(name.len())) }
    }

    /// The raw names of the record's headers, in ascending byte order (`get_header_names`).
    /// Traps if the host's buffer is malformed.
    pub fn header_names_bytes() -> Vec<Vec<u8>> {
        // SAFETY: get_header_names returns a buffer from our alloc.
        let buf = unsafe { take_buffer(sys::get_header_names()) };
        match super::parse_header_names(&buf) {
            Ok(names) => names,
            Err(_) => super::trap(),
        }
    }

    /// The names of the record's headers, in ascending byte order (`get_header_names`).
    /// A name that is not valid UTF-8 has its bad bytes replaced by U+FFFD.
    pub fn header_names() -> Vec<String> {
        header_names_bytes().into_iter().map(super::lossy_string).collect()
    }

    /// The record's partition, `None` if it has none (`get_partition` returned -1).
    pub fn partition() -> Option<i32> {
        // SAFETY: no arguments.
        let p = unsafe { sys::get_partition() };
        if p < 0 {
            None
        } else {
            Some(p)
        }
    }

    /// The record's timestamp in milliseconds since the Unix epoch, `None` if it has none
    /// (`get_timestamp` returned -1).
    pub fn timestamp() -> Option<i64> {
        // SAFETY: no arguments.
        let t = unsafe { sys::get_timestamp() };
        if t < 0 {
            None
        } else {
            Some(t)
        }
    }

    /// Sets the record's timestamp (milliseconds since the Unix epoch). A negative value
    /// makes the host fail the record.
    pub fn set_timestamp(ms: i64) {
        // SAFETY: plain number.
        unsafe { sys::set_timestamp(ms) }
    }

    /// Filters this record out (`drop_record`): if the call succeeds, the record is
    /// acknowledged and not passed on; it is not an error. Records emitted with [`emit`] in
    /// the same call are still passed on. If the call fails, the drop is undone.
    pub fn drop() {
        // SAFETY: no arguments.
        unsafe { sys::drop_record() }
    }

    /// Same as [`drop`] (the name of the host function).
    pub fn drop_record() {
        drop()
    }

    /// Emits an extra record after this one (`emit_record`, fan-out): a copy of the incoming
    /// record (partition, timestamp, ... included) whose topic, key, value and headers are
    /// replaced from `r`, as [`set_record`] would. Emitted records appear, in the order of
    /// the calls, only if the call succeeds.
    pub fn emit(r: &Record) {
        emit_json(r.to_json().as_bytes())
    }

    /// Like [`emit`] from raw record JSON. Malformed JSON makes the host fail the record.
    pub fn emit_json(json: &[u8]) {
        // SAFETY: json is live for the call; the host copies it.
        unsafe { sys::emit_record(json.as_ptr(), len32(json.len())) }
    }
}

/// Decodes the buffer of `get_header_names`: a `u32` little-endian count, then for each name a
/// `u32` little-endian length and the name's bytes. Trailing bytes are an error.
pub fn parse_header_names(buf: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    fn u32_at(buf: &[u8], at: usize) -> Result<u32, String> {
        match buf.get(at..at + 4) {
            Some(b) => Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            None => Err(format!("header names: truncated at offset {}", at)),
        }
    }
    let count = u32_at(buf, 0)? as usize;
    let mut at = 4usize;
    // Each name takes at least 4 bytes: do not trust a huge count with a short buffer.
    let mut names = Vec::with_capacity(count.min((buf.len() - at) / 4));
    for _ in 0..count {
        let len = u32_at(buf, at)? as usize;
        at += 4;
        let name = buf
            .get(at..at.checked_add(len).unwrap_or(usize::MAX))
            .ok_or_else(|| format!("header names: name of {} bytes truncated at offset {}", len, at))?;
        names.push(name.to_vec());
        at += len;
    }
    if at != buf.len() {
        return Err(format!("header names: {} trailing bytes", buf.len() - at));
    }
    Ok(names)
}

fn lossy_string(b: Vec<u8>) -> String {
    match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// The value of the entry `name` of the processor's `params` map (`get_param`), `None` if
/// there is no such entry. An empty value is `Some(vec![])`.
pub fn param(name: &str) -> Option<Vec<u8>> {
    // SAFETY: name is live for the call; a result other than -1 is a buffer from our alloc.
    let packed = unsafe { sys::get_param(name.as_ptr(), len32(name.len())) };
    if packed == PARAM_ABSENT {
        return None;
    }
    // SAFETY: see above.
    Some(unsafe { take_buffer(packed) })
}

/// Like [`param`] as a `String` (params are strings; bad UTF-8 is replaced by U+FFFD).
pub fn param_string(name: &str) -> Option<String> {
    param(name).map(lossy_string)
}

/// What `get_param` returns for a missing entry: `-1`, all 64 bits set.
pub const PARAM_ABSENT: u64 = u64::MAX;

/// Writing to the host log (`log` host function).
///
/// ```ignore
/// benthos_wasm_sdk::log::info("processing");
/// benthos_wasm_sdk::log::log(benthos_wasm_sdk::log::Level::Warn, "odd record");
/// ```
pub mod log {
    use super::{len32, sys};

    /// Log levels, with the numbers of the ABI.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    #[repr(i32)]
    pub enum Level {
        Debug = 0,
        Info = 1,
        Warn = 2,
        Error = 3,
    }

    /// Writes `msg` to the host log at `level`.
    pub fn log(level: Level, msg: &str) {
        log_bytes(level, msg.as_bytes())
    }

    /// Writes `msg` (which should be UTF-8) to the host log at `level`.
    pub fn log_bytes(level: Level, msg: &[u8]) {
        // SAFETY: msg is live for the call; the host copies it.
        unsafe { sys::log(level as i32, msg.as_ptr(), len32(msg.len())) }
    }

    /// `log(Level::Debug, msg)`.
    pub fn debug(msg: &str) {
        log(Level::Debug, msg)
    }

    /// `log(Level::Info, msg)`.
    pub fn info(msg: &str) {
        log(Level::Info, msg)
    }

    /// `log(Level::Warn, msg)`.
    pub fn warn(msg: &str) {
        log(Level::Warn, msg)
    }

    /// `log(Level::Error, msg)`.
    pub fn error(msg: &str) {
        log(Level::Error, msg)
    }
}

// ---------------------------------------------------------------------------------------------
// Kafka Connect Wasm SDK compatible API
// ---------------------------------------------------------------------------------------------

/// The record of the original Kafka Connect Wasm SDK's `get_connect_record` /
/// `set_connect_record`, with the same field names and (for `topic`, `key`, `value`) types.
///
/// Header values are the decoded bytes. Reading maps an absent topic, key or value to an
/// empty one; writing leaves an empty topic and an empty key out (they become absent) and
/// always writes the value. Use [`Record`] to keep absent and empty apart exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    pub headers: HashMap<String, Vec<u8>>,
    pub topic: String,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

impl From<Record> for Message {
    fn from(r: Record) -> Message {
        Message {
            headers: r.headers.into_iter().collect(),
            topic: r.topic.unwrap_or_default(),
            key: r.key.unwrap_or_default(),
            value: r.value.unwrap_or_default(),
        }
    }
}

impl From<Message> for Record {
    fn from(m: Message) -> Record {
        Record {
            headers: m.headers.into_iter().collect(),
            topic: if m.topic.is_empty() { None } else { Some(m.topic) },
            key: if m.key.is_empty() { None } else { Some(m.key) },
            value: Some(m.value),
        }
    }
}

/// The value. (Kafka Connect Wasm SDK name.)
pub fn get_connect_record_value() -> Vec<u8> {
    record::value()
}

/// Replaces the value. (Kafka Connect Wasm SDK name.)
pub fn set_connect_record_value(v: Vec<u8>) {
    record::set_value(&v)
}

/// The key. (Kafka Connect Wasm SDK name.)
pub fn get_connect_record_key() -> Vec<u8> {
    record::key()
}

/// Replaces the key. (Kafka Connect Wasm SDK name.)
pub fn set_connect_record_key(v: Vec<u8>) {
    record::set_key(&v)
}

/// The topic as bytes. (Kafka Connect Wasm SDK name.)
pub fn get_connect_record_topic() -> Vec<u8> {
    record::topic_bytes()
}

/// Sets the topic from UTF-8 bytes. (Kafka Connect Wasm SDK name.)
pub fn set_connect_record_topic(v: Vec<u8>) {
    // SAFETY: slice live for the call; the host validates the bytes.
    unsafe { sys::set_topic(v.as_ptr(), len32(v.len())) }
}

/// The header `name`. (Kafka Connect Wasm SDK name.)
pub fn get_connect_record_header(name: String) -> Vec<u8> {
    record::header(&name)
}

/// Sets the header `name`. (Kafka Connect Wasm SDK name.)
pub fn set_connect_record_header(name: String, val: Vec<u8>) {
    record::set_header(&name, &val)
}

/// The whole record; traps if the host's JSON cannot be parsed (as the original's `unwrap`).
/// (Kafka Connect Wasm SDK name.)
pub fn get_connect_record() -> Message {
    match get_record() {
        Ok(r) => r.into(),
        Err(_) => trap(),
    }
}

/// Replaces the whole record. (Kafka Connect Wasm SDK name.)
pub fn set_connect_record(msg: Message) {
    set_record(&msg.into())
}

// ---------------------------------------------------------------------------------------------
// base64 (standard alphabet, padded)
// ---------------------------------------------------------------------------------------------

/// Standard base64 (RFC 4648 alphabet, with `=` padding), as used by the record JSON.
pub mod json;

pub mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes with padding.
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity((data.len() + 2) / 3 * 4);
        for chunk in data.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            out.push(ALPHABET[(n >> 18) as usize & 63] as char);
            out.push(ALPHABET[(n >> 12) as usize & 63] as char);
            out.push(if chunk.len() > 1 { ALPHABET[(n >> 6) as usize & 63] as char } else { '=' });
            out.push(if chunk.len() > 2 { ALPHABET[n as usize & 63] as char } else { '=' });
        }
        out
    }

    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }

    /// Decodes standard base64. Padding is optional; `\r` and `\n` are ignored; anything else
    /// outside the alphabet, padding in the middle, or a dangling single character is an error.
    pub fn decode(text: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(text.len() / 4 * 3);
        let mut acc: u32 = 0;
        let mut n = 0usize; // sextets in acc
        let mut pad = 0usize;
        for &c in text {
            if c == b'\r' || c == b'\n' {
                continue;
            }
            if c == b'=' {
                pad += 1;
                continue;
            }
            if pad > 0 {
                return Err("base64: data after padding".to_string());
            }
            let v = sextet(c).ok_or_else(|| format!("base64: invalid character {:?}", c as char))?;
            acc = acc << 6 | v;
            n += 1;
            if n == 4 {
                out.push((acc >> 16) as u8);
                out.push((acc >> 8) as u8);
                out.push(acc as u8);
                acc = 0;
                n = 0;
            }
        }
        match n {
            0 => {}
            2 => out.push((acc >> 4) as u8),
            3 => {
                out.push((acc >> 10) as u8);
                out.push((acc >> 2) as u8);
            }
            _ => return Err("base64: truncated input".to_string()),
        }
        if pad > 0 && (n + pad) % 4 != 0 {
            return Err("base64: bad padding".to_string());
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Record JSON
// ---------------------------------------------------------------------------------------------

mod record_json {
    use super::{base64, Record};
    use std::collections::BTreeMap;

    const MAX_DEPTH: usize = 64;

    pub fn write_record(r: &Record) -> String {
        let mut out = String::with_capacity(64);
        out.push_str("{\"headers\":{");
        for (i, (name, val)) in r.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, name);
            out.push(':');
            write_string(&mut out, &base64::encode(val));
        }
        out.push('}');
        if let Some(t) = &r.topic {
            out.push_str(",\"topic\":");
            write_string(&mut out, t);
        }
        if let Some(k) = &r.key {
            out.push_str(",\"key\":");
            write_string(&mut out, &base64::encode(k));
        }
        if let Some(v) = &r.value {
            out.push_str(",\"value\":");
            write_string(&mut out, &base64::encode(v));
        }
        out.push('}');
        out
    }

    fn write_string(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(HEX[(c as usize) >> 4] as char);
                    out.push(HEX[(c as usize) & 15] as char);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    pub fn parse_record(s: &[u8]) -> Result<Record, String> {
        let mut p = Parser { s, i: 0 };
        let mut r = Record::default();
        p.ws();
        p.expect(b'{')?;
        p.ws();
        if p.peek() == Some(b'}') {
            p.i += 1;
        } else {
            loop {
                p.ws();
                let field = p.string()?;
                p.ws();
                p.expect(b':')?;
                p.ws();
                match field.as_str() {
                    "headers" => {
                        r.headers = if p.null()? { BTreeMap::new() } else { p.headers()? };
                    }
                    "topic" => r.topic = if p.null()? { None } else { Some(p.string()?) },
                    "key" => r.key = if p.null()? { None } else { Some(p.b64()?) },
                    "value" => r.value = if p.null()? { None } else { Some(p.b64()?) },
                    _ => p.skip_value(0)?,
                }
                p.ws();
                match p.next() {
                    Some(b',') => continue,
                    Some(b'}') => break,
                    _ => return Err(p.err("expected ',' or '}'")),
                }
            }
        }
        p.ws();
        if p.i != p.s.len() {
            return Err(p.err("trailing data"));
        }
        Ok(r)
    }

    impl<'a> Parser<'a> {
        fn err(&self, what: &str) -> String {
            format!("record json: {} at offset {}", what, self.i)
        }

        fn peek(&self) -> Option<u8> {
            self.s.get(self.i).copied()
        }

        fn next(&mut self) -> Option<u8> {
            let c = self.peek();
            if c.is_some() {
                self.i += 1;
            }
            c
        }

        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
                self.i += 1;
            }
        }

        fn expect(&mut self, c: u8) -> Result<(), String> {
            if self.next() == Some(c) {
                Ok(())
            } else {
                Err(self.err(&format!("expected '{}'", c as char)))
            }
        }

        fn literal(&mut self, lit: &[u8]) -> Result<(), String> {
            if self.s[self.i..].starts_with(lit) {
                self.i += lit.len();
                Ok(())
            } else {
                Err(self.err("invalid literal"))
            }
        }

        /// Consumes `null` if it is next.
        fn null(&mut self) -> Result<bool, String> {
            if self.peek() == Some(b'n') {
                self.literal(b"null")?;
                Ok(true)
            } else {
                Ok(false)
            }
        }

        fn b64(&mut self) -> Result<Vec<u8>, String> {
            let at = self.i;
            let s = self.string()?;
            base64::decode(s.as_bytes()).map_err(|e| format!("record json: {} at offset {}", e, at))
        }

        fn headers(&mut self) -> Result<BTreeMap<String, Vec<u8>>, String> {
            let mut h = BTreeMap::new();
            self.expect(b'{')?;
            self.ws();
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Ok(h);
            }
            loop {
                self.ws();
                let name = self.string()?;
                self.ws();
                self.expect(b':')?;
                self.ws();
                let v = self.b64()?;
                h.insert(name, v);
                self.ws();
                match self.next() {
                    Some(b',') => continue,
                    Some(b'}') => return Ok(h),
                    _ => return Err(self.err("expected ',' or '}'")),
                }
            }
        }

        fn hex4(&mut self) -> Result<u32, String> {
            if self.i + 4 > self.s.len() {
                return Err(self.err("truncated \\u escape"));
            }
            let mut v = 0u32;
            for _ in 0..4 {
                let c = self.s[self.i];
                let d = (c as char).to_digit(16).ok_or_else(|| self.err("bad \\u escape"))?;
                v = v << 4 | d;
                self.i += 1;
            }
            Ok(v)
        }

        fn string(&mut self) -> Result<String, String> {
            self.expect(b'"')?;
            let mut buf: Vec<u8> = Vec::new();
            loop {
                // Copy the run of plain bytes at once.
                let start = self.i;
                while let Some(c) = self.peek() {
                    if c == b'"' || c == b'\\' || c < 0x20 {
                        break;
                    }
                    self.i += 1;
                }
                buf.extend_from_slice(&self.s[start..self.i]);
                match self.next() {
                    Some(b'"') => break,
                    Some(b'\\') => {
                        let c = match self.next() {
                            Some(b'"') => '"',
                            Some(b'\\') => '\\',
                            Some(b'/') => '/',
                            Some(b'b') => '\u{8}',
                            Some(b'f') => '\u{c}',
                            Some(b'n') => '\n',
                            Some(b'r') => '\r',
                            Some(b't') => '\t',
                            Some(b'u') => {
                                let hi = self.hex4()?;
                                let cp = if (0xD800..0xDC00).contains(&hi)
                                    && self.s[self.i..].starts_with(b"\\u")
                                {
                                    let save = self.i;
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    } else {
                                        self.i = save; // lone high surrogate
                                        0xFFFD
                                    }
                                } else {
                                    hi
                                };
                                char::from_u32(cp).unwrap_or('\u{FFFD}')
                            }
                            _ => return Err(self.err("bad escape")),
                        };
                        let mut tmp = [0u8; 4];
                        buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                    }
                    Some(_) => return Err(self.err("control character in string")),
                    None => return Err(self.err("unterminated string")),
                }
            }
            String::from_utf8(buf).map_err(|_| self.err("invalid UTF-8 in string"))
        }

        fn skip_value(&mut self, depth: usize) -> Result<(), String> {
            if depth > MAX_DEPTH {
                return Err(self.err("nesting too deep"));
            }
            match self.peek() {
                Some(b'"') => self.string().map(|_| ()),
                Some(b't') => self.literal(b"true"),
                Some(b'f') => self.literal(b"false"),
                Some(b'n') => self.literal(b"null"),
                Some(b'{') | Some(b'[') => {
                    let close = if self.next() == Some(b'{') { b'}' } else { b']' };
                    self.ws();
                    if self.peek() == Some(close) {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.ws();
                        if close == b'}' {
                            self.string()?;
                            self.ws();
                            self.expect(b':')?;
                            self.ws();
                        }
                        self.skip_value(depth + 1)?;
                        self.ws();
                        match self.next() {
                            Some(b',') => continue,
                            Some(c) if c == close => return Ok(()),
                            _ => return Err(self.err("expected ',' or end of container")),
                        }
                    }
                }
                Some(b'-' | b'0'..=b'9') => {
                    let start = self.i;
                    while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
                        self.i += 1;
                    }
                    if self.i == start {
                        Err(self.err("bad number"))
                    } else {
                        Ok(())
                    }
                }
                _ => Err(self.err("unexpected character")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn upper_ascii_matches_make_ascii_uppercase() {
        let all: Vec<u8> = (0..=255u8).collect();
        for shift in 0..9 {
            let mut input = vec![b'x'; shift];
            input.extend_from_slice(&all);
            input.extend_from_slice("héllo wörld `{@[az]}".as_bytes());
            let mut want = input.clone();
            want.make_ascii_uppercase();
            let mut got = input.clone();
            super::upper_ascii(&mut got);
            assert_eq!(got, want, "shift {}", shift);
        }
    }

    use super::*;

    #[test]
    fn base64_roundtrip() {
        for n in 0..40usize {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let e = base64::encode(&data);
            assert_eq!(e.len() % 4, 0);
            assert_eq!(base64::decode(e.as_bytes()).unwrap(), data);
            assert_eq!(base64::decode(e.trim_end_matches('=').as_bytes()).unwrap(), data);
        }
        assert_eq!(base64::encode(b"the-value"), "dGhlLXZhbHVl");
        assert_eq!(base64::encode(b"ab"), "YWI=");
        assert_eq!(base64::encode(b"a"), "YQ==");
        assert!(base64::decode(b"YQ=a").is_err());
        assert!(base64::decode(b"Y").is_err());
        assert!(base64::decode(b"Y===").is_err());
        assert!(base64::decode(b"YQ*=").is_err());
        assert!(base64::decode(b"YQ=").is_err());
    }

    #[test]
    fn record_roundtrip() {
        let mut r = Record::new();
        r.topic = Some("t\"o\\p\u{1}é".into());
        r.key = Some(vec![]);
        r.value = Some(b"the-value".to_vec());
        r.headers.insert("h1".into(), b"v1".to_vec());
        r.headers.insert("h\n2".into(), vec![0, 255, 1]);
        let j = r.to_json();
        assert_eq!(Record::from_json(j.as_bytes()).unwrap(), r);
        let empty = Record::new();
        assert_eq!(empty.to_json(), r#"{"headers":{}}"#);
        assert_eq!(Record::from_json(b"{\"headers\":{}}").unwrap(), empty);
    }

    #[test]
    fn record_parse_host_shape() {
        let j = br#" { "headers" : {"a":"YQ==", "b\u003c":""} , "topic":"x\u00e9\ud83d\ude00",
            "key":null, "value":"dGhlLXZhbHVl", "extra":[1,-2.5e3,{"x":true},null,"s"] } "#;
        let r = Record::from_json(j).unwrap();
        assert_eq!(r.topic.as_deref(), Some("xé😀"));
        assert_eq!(r.key, None);
        assert_eq!(r.value.as_deref(), Some(&b"the-value"[..]));
        assert_eq!(r.headers["a"], b"a");
        assert_eq!(r.headers["b<"], b"");
        assert!(Record::from_json(b"{}").unwrap() == Record::new());
        assert!(Record::from_json(b"{\"value\":1}").is_err());
        assert!(Record::from_json(b"{\"value\":\"!!\"}").is_err());
        assert!(Record::from_json(b"{\"headers\":{\"a\":1}}").is_err());
        assert!(Record::from_json(b"{} x").is_err());
        assert!(Record::from_json(b"{\"topic\":\"a").is_err());
    }

    fn names_buf(names: &[&[u8]]) -> Vec<u8> {
        let mut b = (names.len() as u32).to_le_bytes().to_vec();
        for n in names {
            b.extend_from_slice(&(n.len() as u32).to_le_bytes());
            b.extend_from_slice(n);
        }
        b
    }

    #[test]
    fn header_names_decode() {
        assert_eq!(parse_header_names(&[0, 0, 0, 0]).unwrap(), Vec::<Vec<u8>>::new());
        let b = names_buf(&[b"a", b"", b"kafka_key", "é".as_bytes()]);
        assert_eq!(
            parse_header_names(&b).unwrap(),
            vec![b"a".to_vec(), vec![], b"kafka_key".to_vec(), "é".as_bytes().to_vec()]
        );
        let b = names_buf(&[&b"x"[..]; 1000]);
        assert_eq!(parse_header_names(&b).unwrap().len(), 1000);
        // Malformed buffers.
        assert!(parse_header_names(&[]).is_err());
        assert!(parse_header_names(&[1, 0, 0]).is_err());
        assert!(parse_header_names(&[1, 0, 0, 0]).is_err()); // count 1, no name
        assert!(parse_header_names(&[1, 0, 0, 0, 5, 0, 0, 0, b'a']).is_err()); // short name
        assert!(parse_header_names(&[0, 0, 0, 0, 0]).is_err()); // trailing byte
        assert!(parse_header_names(&[255, 255, 255, 255]).is_err()); // huge count
        assert!(parse_header_names(&[1, 0, 0, 0, 255, 255, 255, 255]).is_err()); // huge length
        let mut b = names_buf(&[b"ab"]);
        b.push(0);
        assert!(parse_header_names(&b).is_err());
    }

    #[test]
    fn lossy_names() {
        assert_eq!(lossy_string(b"ok".to_vec()), "ok");
        assert_eq!(lossy_string(vec![b'a', 0xff]), "a\u{FFFD}");
    }

    #[test]
    fn param_absent_sentinel() {
        assert_eq!(PARAM_ABSENT, -1i64 as u64);
        assert_eq!(unpack(PARAM_ABSENT), (u32::MAX, u32::MAX));
        assert_eq!(log::Level::Debug as i32, 0);
        assert_eq!(log::Level::Info as i32, 1);
        assert_eq!(log::Level::Warn as i32, 2);
        assert_eq!(log::Level::Error as i32, 3);
    }

    #[test]
    fn emit_json_shape() {
        // What record::emit sends: the record JSON of set_record.
        let mut r = Record::new();
        r.topic = Some("foo".into());
        r.key = Some(b"k".to_vec());
        r.value = Some(b"a".to_vec());
        r.headers.insert("h<&>".into(), b"v".to_vec());
        assert_eq!(
            r.to_json(),
            r#"{"headers":{"h<&>":"dg=="},"topic":"foo","key":"aw==","value":"YQ=="}"#
        );
    }

    #[test]
    fn message_conversion() {
        let m: Message = Record { value: Some(b"v".to_vec()), ..Record::new() }.into();
        assert_eq!(m.key, b"");
        assert_eq!(m.topic, "");
        let r: Record = m.into();
        assert_eq!(r.key, None);
        assert_eq!(r.topic, None);
        assert_eq!(r.value.as_deref(), Some(&b"v"[..]));
    }

    #[test]
    fn alloc_dealloc() {
        let p = alloc(0);
        assert!(!p.is_null());
        unsafe { dealloc(p, 0) };
        unsafe { dealloc(std::ptr::null_mut(), 0) };
        let p = alloc(10);
        unsafe { dealloc(p, 10) };
        let res = error_result("boom");
        let (ptr, len) = unpack(res);
        assert_eq!(len & ERROR_BIT, ERROR_BIT);
        assert_eq!(len & !ERROR_BIT, 4);
        // Native pointers are 64-bit, so the packed pointer is not usable here; only check
        // the encoding of the length. (On wasm32 the host frees it with dealloc(ptr, len).)
        let _ = ptr;
        assert_eq!(result::<String>(Ok(())), OK);
    }
}
