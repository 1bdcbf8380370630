//! The Data Transforms conformance guest in Rust: a WASI command that calls
//! the `redpanda_transform` host functions exactly as Redpanda's Rust
//! transform SDK does (ABI version 2, the same five imports and signatures,
//! the same loop, the same payload decoding and encoding), with its own small
//! code and no crate: the SDK is not reachable here, and a guest that tests a
//! host should not share code with what it mirrors.
//!
//! What it does to each record is chosen by the environment variable BW_CASE,
//! with the same cases as the Go guest (testdata/transform/go);
//! testdata/FUNCTIONS-peer-abis.md lists them and says how each fault ends.
//! build.sh builds it into testdata/wasm/transform_rust.wasm. Natively
//! (`rustc --test`) only the codec and the cases run: the host functions
//! exist only in Wasm.
//!
//! Where the SDK differs from the Go SDK, this guest does as the Rust SDK
//! does, so that a host is tested against both:
//! - the input buffer is resized to exactly `read_batch_header`'s result every
//!   batch (shrinking too) and its length is what `read_next_record` gets;
//! - any negative part length reads as null (not only -1), a null header key
//!   reads as an empty key, header keys are always written with a length,
//!   and bytes after the last header are ignored;
//! - the record's timestamp becomes a `SystemTime` by adding the milliseconds
//!   as an unsigned number, so -1 ms reads as 2^64 - 1 ms after the epoch;
//! - every negative result from the host is an `assert!`, and a payload that
//!   does not decode or an error from the transform function an `expect`:
//!   a panic, which on wasm32-wasi prints to stderr and aborts with the
//!   `unreachable` instruction (a trap, not `proc_exit`).

use std::env::VarError;
use std::fmt;
use std::ptr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The host functions, declared with the SDK's pointer and length types
/// (typed pointers, u32 lengths): in Wasm they are all i32.
#[cfg(target_os = "wasi")]
mod abi {
    #[link(wasm_import_module = "redpanda_transform")]
    extern "C" {
        /// A no-op marker: importing it says the module speaks version 2.
        pub fn check_abi_version_2();

        /// Blocks until the host has a batch, writes its header through the
        /// ten pointers, and returns the size of its largest record payload,
        /// or a negative error code.
        pub fn read_batch_header(
            base_offset: *mut i64,
            record_count: *mut i32,
            partition_leader_epoch: *mut i32,
            attributes: *mut i16,
            last_offset_delta: *mut i32,
            base_timestamp: *mut i64,
            max_timestamp: *mut i64,
            producer_id: *mut i64,
            producer_epoch: *mut i16,
            base_sequence: *mut i32,
        ) -> i32;

        /// Writes the next record's attributes, timestamp (ms) and offset and
        /// copies its payload into buf[..len]; returns the payload's length
        /// or a negative error code.
        pub fn read_next_record(
            attributes: *mut u8,
            timestamp: *mut i64,
            offset: *mut i64,
            buf: *mut u8,
            len: u32,
        ) -> i32;

        /// Emits a payload to the default output topic; returns its length
        /// on success.
        pub fn write_record(buf: *const u8, len: u32) -> i32;

        /// As write_record, with options (the output topic).
        pub fn write_record_with_options(
            buf: *const u8,
            len: u32,
            opts: *const u8,
            opts_len: u32,
        ) -> i32;
    }
}

/// Natively there is no host: the loop cannot run, the tests do not call it.
#[cfg(not(target_os = "wasi"))]
#[allow(clippy::too_many_arguments)]
mod abi {
    pub unsafe fn check_abi_version_2() {
        unimplemented!("the host functions exist only in Wasm")
    }
    pub unsafe fn read_batch_header(
        _: *mut i64,
        _: *mut i32,
        _: *mut i32,
        _: *mut i16,
        _: *mut i32,
        _: *mut i64,
        _: *mut i64,
        _: *mut i64,
        _: *mut i16,
        _: *mut i32,
    ) -> i32 {
        unimplemented!("the host functions exist only in Wasm")
    }
    pub unsafe fn read_next_record(_: *mut u8, _: *mut i64, _: *mut i64, _: *mut u8, _: u32) -> i32 {
        unimplemented!("the host functions exist only in Wasm")
    }
    pub unsafe fn write_record(_: *const u8, _: u32) -> i32 {
        unimplemented!("the host functions exist only in Wasm")
    }
    pub unsafe fn write_record_with_options(_: *const u8, _: u32, _: *const u8, _: u32) -> i32 {
        unimplemented!("the host functions exist only in Wasm")
    }
}

// ---------------------------------------------------------------------------
// The payload codec: zigzag varints, length-prefixed parts (see
// docs/PEER-ABI-FACTS.md section 1.4).

/// Appends v zigzag-encoded, seven bits a byte, least significant first.
fn put_varint(out: &mut Vec<u8>, v: i64) {
    let mut u = ((v << 1) ^ (v >> 63)) as u64;
    while u >= 0x80 {
        out.push(u as u8 | 0x80);
        u >>= 7;
    }
    out.push(u as u8);
}

/// Appends a part: -1 for null, else its length and its bytes.
fn put_part(out: &mut Vec<u8>, part: Option<&[u8]>) {
    match part {
        None => put_varint(out, -1),
        Some(b) => {
            put_varint(out, b.len() as i64);
            out.extend_from_slice(b);
        }
    }
}

/// Why a payload did not decode. Its Debug form is what the loop's panic
/// prints after "deserializing record failed: ".
#[derive(Debug, PartialEq, Eq)]
enum DecodeError {
    /// A varint ran past 10 bytes.
    VarintTooLong,
    /// The payload ended inside a varint.
    PayloadEndsInVarint,
    /// A part's length is more than the bytes left.
    PartPastEnd { length: usize, left: usize },
}

/// Reads one zigzag varint and how many bytes it took. As the SDK's reader:
/// an 11th byte is an error, but bits beyond 64 in the 10th are dropped
/// without one.
fn get_varint(b: &[u8]) -> Result<(i64, usize), DecodeError> {
    let mut u: u64 = 0;
    for (i, &c) in b.iter().enumerate() {
        if i == 10 {
            return Err(DecodeError::VarintTooLong);
        }
        u |= u64::from(c & 0x7f) << (7 * i);
        if c & 0x80 == 0 {
            return Ok((((u >> 1) as i64) ^ -((u & 1) as i64), i + 1));
        }
    }
    Err(DecodeError::PayloadEndsInVarint)
}

/// Reads a length-prefixed part, borrowed from b, and the bytes it took.
/// As the SDK: any negative length is null, and the length is cut to the
/// width of usize (32 bits in wasm32) before it is checked.
fn get_part(b: &[u8]) -> Result<(Option<&[u8]>, usize), DecodeError> {
    let (n, used) = get_varint(b)?;
    if n < 0 {
        return Ok((None, used));
    }
    let n = n as usize;
    let left = b.len() - used;
    if n > left {
        return Err(DecodeError::PartPastEnd { length: n, left });
    }
    Ok((Some(&b[used..used + n]), used + n))
}

/// One record header, as the SDK hands it over: the key is never null.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header<'a> {
    key: &'a [u8],
    value: Option<&'a [u8]>,
}

/// The parts of a record the payload carries, borrowed from the input
/// buffer (valid until the next record is read, as in the SDK).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record<'a> {
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    headers: Vec<Header<'a>>,
}

/// Decodes a payload as the SDK does: key, value, header count, headers; a
/// null header key becomes empty; whatever follows the last header is
/// ignored. The header list is allocated for the count before any header
/// is read (so a negative count, as a huge usize, fails to allocate).
fn decode(b: &[u8]) -> Result<Record<'_>, DecodeError> {
    let (key, n) = get_part(b)?;
    let mut at = n;
    let (value, n) = get_part(&b[at..])?;
    at += n;
    let (count, n) = get_varint(&b[at..])?;
    at += n;
    let mut headers = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (k, n) = get_part(&b[at..])?;
        at += n;
        let (v, n) = get_part(&b[at..])?;
        at += n;
        headers.push(Header { key: k.unwrap_or(&[]), value: v });
    }
    Ok(Record { key, value, headers })
}

/// Appends a record's payload; header keys always with their length.
fn encode(out: &mut Vec<u8>, key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header]) {
    put_part(out, key);
    put_part(out, value);
    put_varint(out, headers.len() as i64);
    for h in headers {
        put_part(out, Some(h.key));
        put_part(out, h.value);
    }
}

// ---------------------------------------------------------------------------
// The loop.

/// The batch header, a struct of the ABI's field types (so each field has
/// its natural width and alignment, as in the SDK), zeroed before each call.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct BatchHeader {
    base_offset: i64,
    record_count: i32,
    partition_leader_epoch: i32,
    attributes: i16,
    last_offset_delta: i32,
    base_timestamp: i64,
    max_timestamp: i64,
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
}

/// A batch as the transform function sees it: the header and
/// read_batch_header's result.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Batch {
    header: BatchHeader,
    max_size: i32,
}

/// One record as read_next_record gave it. The SDK hands its functions only
/// the record and the timestamp; the attributes, offset and batch are here
/// for `describe`.
struct Event<'a> {
    record: Record<'a>,
    timestamp: SystemTime,
    attributes: u8,
    offset: i64,
    batch: &'a Batch,
}

/// An error of the transform function. Its Debug form is what the loop's
/// panic prints after "transforming record failed: ", and it reads as a
/// sentence, as the errors SDK users return (anyhow's) do.
#[derive(PartialEq, Eq)]
enum Error {
    /// The value starts with "panic".
    User,
    /// A write returned this instead of the payload's length.
    Write(i32),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::User => write!(f, "user error: the value starts with \"panic\""),
            Error::Write(n) => write!(f, "writing record failed with errno: {n}"),
        }
    }
}

/// Where the transform function writes; a topic of None means the default
/// output topic (write_record), Some a named one (write_record_with_options).
trait Sink {
    fn write(&mut self, key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header], topic: Option<&str>) -> Result<(), Error>;
}

/// Writes through the host, with a payload and an options buffer reused for
/// every write, as the SDK's writer does. Anything but the payload's length
/// back is an error for the transform function to return.
#[derive(Default)]
struct AbiSink {
    payload: Vec<u8>,
    options: Vec<u8>,
}

impl Sink for AbiSink {
    fn write(&mut self, key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header], topic: Option<&str>) -> Result<(), Error> {
        self.payload.clear();
        encode(&mut self.payload, key, value, headers);
        let n = match topic {
            None => unsafe { abi::write_record(self.payload.as_ptr(), self.payload.len() as u32) },
            Some(t) => {
                // The topic option: 0x01, then the name length-prefixed.
                self.options.clear();
                self.options.push(0x01);
                put_part(&mut self.options, Some(t.as_bytes()));
                unsafe {
                    abi::write_record_with_options(
                        self.payload.as_ptr(),
                        self.payload.len() as u32,
                        self.options.as_ptr(),
                        self.options.len() as u32,
                    )
                }
            }
        };
        if n == self.payload.len() as i32 {
            Ok(())
        } else {
            Err(Error::Write(n))
        }
    }
}

/// Checks the ABI version once, then handles batches for ever.
fn run(t: &Transformer) -> ! {
    unsafe { abi::check_abi_version_2() };
    let mut input: Vec<u8> = Vec::new();
    let mut sink = AbiSink::default();
    loop {
        process_batch(t, &mut input, &mut sink);
    }
}

/// One batch: the header, the buffer resized to exactly the batch's largest
/// payload, then read_next_record exactly record_count times (never once
/// more to see -1), each record decoded and handed to the transform.
fn process_batch(t: &Transformer, input: &mut Vec<u8>, sink: &mut AbiSink) {
    let mut batch = Batch::default();
    let h = &mut batch.header;
    let size = unsafe {
        abi::read_batch_header(
            &mut h.base_offset,
            &mut h.record_count,
            &mut h.partition_leader_epoch,
            &mut h.attributes,
            &mut h.last_offset_delta,
            &mut h.base_timestamp,
            &mut h.max_timestamp,
            &mut h.producer_id,
            &mut h.producer_epoch,
            &mut h.base_sequence,
        )
    };
    assert!(size >= 0, "read_batch_header failed (errno: {size})");
    batch.max_size = size;
    input.resize(size as usize, 0);
    for _ in 0..batch.header.record_count {
        let mut attributes: u8 = 0;
        let mut timestamp: i64 = 0;
        let mut offset: i64 = 0;
        let n = unsafe {
            abi::read_next_record(&mut attributes, &mut timestamp, &mut offset, input.as_mut_ptr(), input.len() as u32)
        };
        assert!(n >= 0, "read_next_record failed (errno: {n}, buffer size: {size})");
        // The milliseconds are added as unsigned, as in the SDK: a negative
        // timestamp is a time far in the future, not before the epoch.
        let timestamp = UNIX_EPOCH + Duration::from_millis(timestamp as u64);
        // A length beyond the buffer panics here on the slice, as in the SDK.
        let record = decode(&input[..n as usize]).expect("deserializing record failed");
        let ev = Event { record, timestamp, attributes, offset, batch: &batch };
        t.handle(&ev, sink).expect("transforming record failed");
    }
}

// ---------------------------------------------------------------------------
// The cases.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Identity,
    Upper,
    Drop,
    Twice,
    MultiTopic,
    Describe,
}

/// The guest's configuration, read from the environment once at start-up.
#[derive(Debug)]
struct Transformer {
    case: Case,
    input_topic: String,
    /// The REDPANDA_OUTPUT_TOPIC_i (i in 0..8) that are set and not empty,
    /// in order of i, as the Go guest reads them.
    output_topics: Vec<String>,
}

impl Transformer {
    /// Reads BW_CASE (unset or empty: identity), REDPANDA_INPUT_TOPIC and
    /// REDPANDA_OUTPUT_TOPIC_0..7 through var (std::env::var in the guest).
    fn from_env(var: impl Fn(&str) -> Result<String, VarError>) -> Result<Transformer, String> {
        let case = match var("BW_CASE") {
            Err(VarError::NotPresent) => Case::Identity,
            Err(VarError::NotUnicode(v)) => return Err(format!("unknown BW_CASE {v:?}")),
            Ok(name) => match name.as_str() {
                "" | "identity" => Case::Identity,
                "upper" => Case::Upper,
                "drop" => Case::Drop,
                "twice" => Case::Twice,
                "multi_topic" => Case::MultiTopic,
                "describe" => Case::Describe,
                _ => return Err(format!("unknown BW_CASE {name:?}")),
            },
        };
        let input_topic = var("REDPANDA_INPUT_TOPIC").unwrap_or_default();
        let output_topics = (0..8)
            .filter_map(|i| var(&format!("REDPANDA_OUTPUT_TOPIC_{i}")).ok())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(Transformer { case, input_topic, output_topics })
    }

    /// The transform function. In every case a record whose value starts
    /// with a fault word fails in that way first, before any write.
    fn handle(&self, ev: &Event, w: &mut dyn Sink) -> Result<(), Error> {
        let r = &ev.record;
        let v = r.value.unwrap_or(&[]);
        if v.starts_with(b"panic") {
            return Err(Error::User);
        }
        if v.starts_with(b"loop") {
            spin();
        }
        if v.starts_with(b"bomb") {
            bomb();
        }
        if v.starts_with(b"exit") {
            std::process::exit(3);
        }
        match self.case {
            Case::Identity => w.write(r.key, r.value, &r.headers, None),
            Case::Upper => {
                let upper = r.value.map(|v| v.to_ascii_uppercase());
                w.write(r.key, upper.as_deref(), &r.headers, None)
            }
            Case::Drop => Ok(()),
            Case::Twice => {
                w.write(r.key, r.value, &r.headers, None)?;
                w.write(r.key, r.value, &r.headers, None)
            }
            Case::MultiTopic => {
                for topic in &self.output_topics {
                    w.write(r.key, r.value, &r.headers, Some(topic))?;
                }
                Ok(())
            }
            Case::Describe => {
                let d = self.describe(ev);
                w.write(r.key, Some(d.as_bytes()), &r.headers, None)
            }
        }
    }

    /// The JSON text `describe` writes as the value: the same keys in the
    /// same order as the Go guest's, compact. The timestamp is the
    /// SystemTime's milliseconds since the epoch (so -1 from the host is
    /// 18446744073709551615 here).
    fn describe(&self, ev: &Event) -> String {
        let r = &ev.record;
        let b = &ev.batch.header;
        let mut j = String::from("{\"key\":");
        json_part(&mut j, r.key);
        j.push_str(",\"value\":");
        json_part(&mut j, r.value);
        j.push_str(",\"headers\":[");
        for (i, h) in r.headers.iter().enumerate() {
            if i > 0 {
                j.push(',');
            }
            j.push('[');
            json_part(&mut j, Some(h.key));
            j.push(',');
            json_part(&mut j, h.value);
            j.push(']');
        }
        let ms = ev.timestamp.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        j.push_str(&format!(
            "],\"timestamp\":{ms},\"offset\":{},\"attributes\":{},\"batch\":{{\"base_offset\":{},\"record_count\":{},\
             \"base_timestamp\":{},\"max_timestamp\":{},\"last_offset_delta\":{},\"max_size\":{}}},\"input_topic\":",
            ev.offset,
            ev.attributes,
            b.base_offset,
            b.record_count,
            b.base_timestamp,
            b.max_timestamp,
            b.last_offset_delta,
            ev.batch.max_size,
        ));
        json_string(&mut j, self.input_topic.as_bytes());
        j.push('}');
        j
    }
}

/// Appends a part as a JSON string, or null.
fn json_part(out: &mut String, part: Option<&[u8]>) {
    match part {
        None => out.push_str("null"),
        Some(b) => json_string(out, b),
    }
}

/// Appends bytes as a JSON string, exactly as Go's encoding/json does with
/// HTML escaping off: each byte that does not start a valid UTF-8 sequence
/// becomes \ufffd on its own (Rust's from_utf8_lossy would replace a whole
/// broken sequence by one), and the escapes below.
fn json_string(out: &mut String, mut b: &[u8]) {
    out.push('"');
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                json_escape(out, s);
                break;
            }
            Err(e) => {
                let (good, bad) = b.split_at(e.valid_up_to());
                json_escape(out, std::str::from_utf8(good).unwrap_or_default());
                out.push_str("\\ufffd");
                b = &bad[1..];
            }
        }
    }
    out.push('"');
}

fn json_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------
// The faults that do not return.

/// What the infinite loop counts. Volatile, so the loop cannot be optimised
/// into nothing (or into a trap).
static mut SPIN: u64 = 0;

fn spin() -> ! {
    loop {
        unsafe {
            let n = ptr::read_volatile(ptr::addr_of!(SPIN));
            ptr::write_volatile(ptr::addr_of_mut!(SPIN), n.wrapping_add(1));
        }
    }
}

/// Allocates 1 MiB blocks for ever, each touched and leaked. When memory
/// cannot grow, the allocator fails and std's handler prints "memory
/// allocation of 1048576 bytes failed" and aborts (a trap).
fn bomb() -> ! {
    loop {
        let mut chunk = vec![0u8; 1 << 20];
        let last = chunk.len() - 1;
        unsafe {
            ptr::write_volatile(&mut chunk[0], 1);
            ptr::write_volatile(&mut chunk[last], 1);
        }
        std::mem::forget(chunk);
    }
}

fn main() {
    // Before check_abi_version_2 and the first batch: an unknown case ends
    // the module as a panic in an SDK transform's main would.
    let t = Transformer::from_env(|k| std::env::var(k)).unwrap_or_else(|e| panic!("{e}"));
    run(&t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, VarError> {
        let m: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned().ok_or(VarError::NotPresent)
    }

    fn transformer(vars: &[(&str, &str)]) -> Transformer {
        Transformer::from_env(env(vars)).unwrap()
    }

    /// Records every write, each re-encoded as the host would receive it.
    #[derive(Default)]
    struct Fake {
        writes: Vec<(Vec<u8>, Option<String>)>,
        fail: Option<i32>,
    }

    impl Sink for Fake {
        fn write(&mut self, key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header], topic: Option<&str>) -> Result<(), Error> {
            if let Some(n) = self.fail {
                return Err(Error::Write(n));
            }
            let mut p = Vec::new();
            encode(&mut p, key, value, headers);
            self.writes.push((p, topic.map(String::from)));
            Ok(())
        }
    }

    const BATCH: Batch = Batch {
        header: BatchHeader {
            base_offset: 100,
            record_count: 3,
            partition_leader_epoch: -1,
            attributes: 0,
            last_offset_delta: 2,
            base_timestamp: 1700000000000,
            max_timestamp: 1700000000002,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
        },
        max_size: 42,
    };

    fn event<'a>(r: Record<'a>, ts: i64) -> Event<'a> {
        Event { record: r, timestamp: UNIX_EPOCH + Duration::from_millis(ts as u64), attributes: 0, offset: 101, batch: &BATCH }
    }

    fn payload(key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header]) -> Vec<u8> {
        let mut p = Vec::new();
        encode(&mut p, key, value, headers);
        p
    }

    #[test]
    fn varints_are_zigzag() {
        for (v, want) in [(0i64, &[0x00u8][..]), (-1, &[0x01]), (1, &[0x02]), (63, &[0x7e]), (-64, &[0x7f]), (64, &[0x80, 0x01])] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(b, want, "{v}");
            assert_eq!(get_varint(&b), Ok((v, b.len())));
        }
        for v in [i64::MIN, i64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert_eq!(b.len(), 10);
            assert_eq!(get_varint(&b), Ok((v, 10)));
        }
        assert_eq!(get_varint(&[0x80; 11]), Err(DecodeError::VarintTooLong));
        assert_eq!(get_varint(&[0x80, 0x80]), Err(DecodeError::PayloadEndsInVarint));
        assert_eq!(get_varint(&[]), Err(DecodeError::PayloadEndsInVarint));
    }

    #[test]
    fn payloads_decode_as_the_sdk_decodes_them() {
        let headers = [Header { key: b"h", value: None }, Header { key: b"", value: Some(b"") }];
        let p = payload(None, Some(b"\x00\xff"), &headers);
        let r = decode(&p).unwrap();
        assert_eq!(r, Record { key: None, value: Some(b"\x00\xff"), headers: headers.to_vec() });

        // A null header key reads as empty; bytes after the last header are
        // ignored; a length below -1 reads as null.
        let p = [0x00, 0x03, 0x02, 0x01, 0x02, b'v', 0xAA, 0xBB];
        assert_eq!(
            decode(&p).unwrap(),
            Record { key: Some(b""), value: None, headers: vec![Header { key: b"", value: Some(b"v") }] }
        );
        // A part longer than the payload, or a cut varint, does not decode.
        assert_eq!(decode(&[0x0a, b'a']), Err(DecodeError::PartPastEnd { length: 5, left: 1 }));
        assert_eq!(decode(&[0x01, 0x01]), Err(DecodeError::PayloadEndsInVarint));
        assert_eq!(decode(&[0x01, 0x01, 0x04, 0x01]), Err(DecodeError::PayloadEndsInVarint));
    }

    #[test]
    #[should_panic(expected = "capacity overflow")]
    fn a_header_count_of_minus_one_asks_for_too_much() {
        let _ = decode(&[0x01, 0x01, 0x01]);
    }

    #[test]
    fn cases_write_what_they_say() {
        let headers = [Header { key: b"h", value: Some(b"x") }];
        let r = Record { key: Some(b"k"), value: Some(b"abc-xyz \xc3\xa9\x00"), headers: headers.to_vec() };
        let mut w = Fake::default();
        transformer(&[]).handle(&event(r.clone(), 1), &mut w).unwrap();
        assert_eq!(w.writes, vec![(payload(r.key, r.value, &headers), None)], "identity is the default");

        let mut w = Fake::default();
        transformer(&[("BW_CASE", "upper")]).handle(&event(r.clone(), 1), &mut w).unwrap();
        assert_eq!(w.writes, vec![(payload(r.key, Some(b"ABC-XYZ \xc3\xa9\x00"), &headers), None)]);
        let mut w = Fake::default();
        let null = Record { key: None, value: None, headers: vec![] };
        transformer(&[("BW_CASE", "upper")]).handle(&event(null, 1), &mut w).unwrap();
        assert_eq!(w.writes, vec![(payload(None, None, &[]), None)], "a null value stays null");

        let mut w = Fake::default();
        transformer(&[("BW_CASE", "drop")]).handle(&event(r.clone(), 1), &mut w).unwrap();
        assert!(w.writes.is_empty());

        let mut w = Fake::default();
        transformer(&[("BW_CASE", "twice")]).handle(&event(r.clone(), 1), &mut w).unwrap();
        assert_eq!(w.writes.len(), 2);
        assert!(w.writes.iter().all(|x| *x == (payload(r.key, r.value, &headers), None)));

        assert_eq!(Transformer::from_env(env(&[("BW_CASE", "nope")])).unwrap_err(), "unknown BW_CASE \"nope\"");
    }

    #[test]
    fn multi_topic_writes_to_the_set_topics_in_order() {
        let vars: Vec<(String, String)> = (0..9).map(|i| (format!("REDPANDA_OUTPUT_TOPIC_{i}"), format!("out-{i}"))).collect();
        let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        vars.push(("BW_CASE", "multi_topic"));
        let r = Record { key: None, value: Some(b"v"), headers: vec![] };
        let mut w = Fake::default();
        transformer(&vars).handle(&event(r.clone(), 1), &mut w).unwrap();
        let topics: Vec<_> = w.writes.iter().map(|(_, t)| t.clone().unwrap()).collect();
        assert_eq!(topics, (0..8).map(|i| format!("out-{i}")).collect::<Vec<_>>(), "only 0..7 are read");

        let t = transformer(&[
            ("BW_CASE", "multi_topic"),
            ("REDPANDA_OUTPUT_TOPIC_1", "b"),
            ("REDPANDA_OUTPUT_TOPIC_0", ""),
            ("REDPANDA_OUTPUT_TOPIC_5", "f"),
        ]);
        let mut w = Fake::default();
        t.handle(&event(r.clone(), 1), &mut w).unwrap();
        let topics: Vec<_> = w.writes.iter().map(|(_, t)| t.clone().unwrap()).collect();
        assert_eq!(topics, ["b", "f"], "unset and empty variables are skipped");

        let mut w = Fake::default();
        transformer(&[("BW_CASE", "multi_topic")]).handle(&event(r, 1), &mut w).unwrap();
        assert!(w.writes.is_empty());
    }

    #[test]
    fn describe_is_the_go_guests_json() {
        // The example of testdata/FUNCTIONS-peer-abis.md.
        let t = transformer(&[("BW_CASE", "describe"), ("REDPANDA_INPUT_TOPIC", "in")]);
        let headers = vec![Header { key: b"h", value: None }, Header { key: b"", value: Some(b"") }];
        let batch = Batch {
            header: BatchHeader {
                base_offset: 10,
                record_count: 1,
                base_timestamp: 1700000000000,
                max_timestamp: 1700000000000,
                ..BatchHeader::default()
            },
            max_size: 15,
        };
        let ev = Event {
            record: Record { key: Some(b"k1"), value: Some(b"hello"), headers },
            timestamp: UNIX_EPOCH + Duration::from_millis(1700000000000),
            attributes: 0,
            offset: 10,
            batch: &batch,
        };
        assert_eq!(
            t.describe(&ev),
            r#"{"key":"k1","value":"hello","headers":[["h",null],["",""]],"timestamp":1700000000000,"offset":10,"attributes":0,"batch":{"base_offset":10,"record_count":1,"base_timestamp":1700000000000,"max_timestamp":1700000000000,"last_offset_delta":0,"max_size":15},"input_topic":"in"}"#
        );

        // The describe case writes it as the value, key and headers kept.
        let mut w = Fake::default();
        t.handle(&ev, &mut w).unwrap();
        assert_eq!(w.writes, vec![(payload(Some(b"k1"), Some(t.describe(&ev).as_bytes()), &ev.record.headers), None)]);

        // A timestamp of -1 reads as unsigned; no headers is [].
        let t = transformer(&[("BW_CASE", "describe")]);
        let d = t.describe(&event(Record { key: None, value: None, headers: vec![] }, -1));
        assert!(d.starts_with(r#"{"key":null,"value":null,"headers":[],"timestamp":18446744073709551615,"offset":101,"#), "{d}");
        assert!(d.ends_with(r#""input_topic":""}"#), "{d}");
    }

    #[test]
    fn json_strings_are_go_s() {
        // What Go 1.26's encoding/json writes for the same bytes, with
        // SetEscapeHTML(false).
        let mut s = String::new();
        json_string(&mut s, b"a\x08\x0c\x01\x7f\xe2\x80\xa8<&>\"\\\n\r\t\xe2\x82A\xed\xa0\x80\xef\xbf\xbd\xff");
        assert_eq!(s, "\"a\\b\\f\\u0001\x7f\\u2028<&>\\\"\\\\\\n\\r\\t\\ufffd\\ufffdA\\ufffd\\ufffd\\ufffd\u{fffd}\\ufffd\"");
    }

    #[test]
    fn faults_come_first_and_errors_read_as_sentences() {
        for case in ["identity", "upper", "drop", "twice", "multi_topic", "describe"] {
            let t = transformer(&[("BW_CASE", case), ("REDPANDA_OUTPUT_TOPIC_0", "o")]);
            let mut w = Fake::default();
            let r = Record { key: None, value: Some(b"panic now"), headers: vec![] };
            assert!(t.handle(&event(r, 1), &mut w) == Err(Error::User), "{case}");
            assert!(w.writes.is_empty(), "{case}");
        }
        let mut w = Fake::default();
        let r = Record { key: None, value: Some(b"no panic"), headers: vec![] };
        transformer(&[]).handle(&event(r.clone(), 1), &mut w).unwrap();
        assert_eq!(w.writes.len(), 1, "a fault word only as a prefix");

        let mut w = Fake { fail: Some(-3), ..Fake::default() };
        assert!(transformer(&[]).handle(&event(r, 1), &mut w) == Err(Error::Write(-3)));
        assert_eq!(format!("{:?}", Error::Write(-3)), "writing record failed with errno: -3");
        assert_eq!(format!("{:?}", Error::User), "user error: the value starts with \"panic\"");
    }
}
