//! Conformance guest for the `wasm_smt` host ABI, written against the Rust SDK
//! (`sdk/rust`). Built by `build.sh` into `testdata/wasm/rust.wasm`.
//!
//! The first four functions use the Kafka Connect Wasm SDK helper names on purpose (a module
//! written for that SDK must keep working); the others use the idiomatic API. The functions
//! and their behaviour are listed in testdata/FUNCTIONS.md.

use benthos_wasm_sdk::record;
use benthos_wasm_sdk::*;

/// value = upper-case(value)
#[no_mangle]
pub extern "C" fn to_upper() {
    let mut v = get_connect_record_value();
    upper_ascii(&mut v);
    set_connect_record_value(v);
}

/// key = value
#[no_mangle]
pub extern "C" fn value_to_key() {
    let v = get_connect_record_value();
    set_connect_record_key(v);
}

/// key = header "the-key"
#[no_mangle]
pub extern "C" fn header_to_key() {
    let v = get_connect_record_header("the-key".to_string());
    set_connect_record_key(v);
}

/// header "the-header-out" = header "the-header-in"
#[no_mangle]
pub extern "C" fn copy_header() {
    let v = get_connect_record_header("the-header-in".to_string());
    set_connect_record_header("the-header-out".to_string(), v);
}

/// Through the record JSON: key = value, value = upper-case(value). An absent value stays
/// absent and makes the key absent.
#[no_mangle]
pub extern "C" fn transform() -> u64 {
    let mut rec = match get_record() {
        Ok(r) => r,
        Err(e) => return error_result(&e),
    };
    rec.key = rec.value.clone();
    if let Some(v) = rec.value.as_mut() {
        upper_ascii(v);
    }
    set_record(&rec);
    OK
}

/// Always traps.
#[no_mangle]
pub extern "C" fn trap() {
    benthos_wasm_sdk::trap()
}

/// Traps when the value starts with "trap", else value = upper-case(value).
#[no_mangle]
pub extern "C" fn upper_or_trap() {
    let mut v = record::value();
    if v.starts_with(b"trap") {
        benthos_wasm_sdk::trap();
    }
    upper_ascii(&mut v);
    record::set_value(&v);
}

/// Fails the record with the message "rejected: " followed by the value bytes.
#[no_mangle]
pub extern "C" fn reject() -> u64 {
    let mut msg = b"rejected: ".to_vec();
    msg.extend_from_slice(&record::value());
    error_result_bytes(&msg)
}

// ---------------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------------

/// Drops the record when its value contains "drop".
#[no_mangle]
pub extern "C" fn filter() {
    let v = record::value();
    if v.windows(4).any(|w| w == b"drop") {
        record::drop();
    }
}

/// Replaces the record by one record per `,`-separated part of its value (no trimming; an
/// empty value gives one empty part). A record without a value is left as it is.
#[no_mangle]
pub extern "C" fn fan_out() -> u64 {
    let mut rec = match get_record() {
        Ok(r) => r,
        Err(e) => return error_result(&e),
    };
    let value = match rec.value.take() {
        Some(v) => v,
        None => return OK,
    };
    record::drop();
    for part in value.split(|&b| b == b',') {
        rec.value = Some(part.to_vec());
        record::emit(&rec);
    }
    OK
}

/// value = the header names, in the host's order, joined with ",".
#[no_mangle]
pub extern "C" fn list_headers() {
    let names = record::header_names_bytes();
    record::set_value(&names.join(&b','));
}

/// Removes header "secret" if present; header "removed" = "yes" or "no".
#[no_mangle]
pub extern "C" fn remove_header() {
    if record::has_header("secret") {
        record::remove_header("secret");
        record::set_header("removed", b"yes");
    } else {
        record::set_header("removed", b"no");
    }
}

/// value = "yes" if the record has a key, else "no".
#[no_mangle]
pub extern "C" fn has_key() {
    record::set_value(if record::has_key() { b"yes" } else { b"no" });
}

/// value = "<partition>:<timestamp>" (-1 for an absent one); then, if the record has a
/// timestamp, moves it one second later.
#[no_mangle]
pub extern "C" fn timestamp_partition() {
    let p = record::partition();
    let t = record::timestamp();
    let s = format!("{}:{}", p.unwrap_or(-1), t.unwrap_or(-1));
    record::set_value(s.as_bytes());
    if let Some(t) = t {
        record::set_timestamp(t + 1000);
    }
}

/// value = value followed by the "suffix" param; fails with "no suffix param" without it.
#[no_mangle]
pub extern "C" fn params() -> u64 {
    let suffix = match param("suffix") {
        Some(s) => s,
        None => return error_result("no suffix param"),
    };
    let mut v = record::value();
    v.extend_from_slice(&suffix);
    record::set_value(&v);
    OK
}

/// Logs "log: <value>" at level info; the record is unchanged.
#[no_mangle]
pub extern "C" fn log() {
    let mut msg = b"log: ".to_vec();
    msg.extend_from_slice(&record::value());
    benthos_wasm_sdk::log::log_bytes(benthos_wasm_sdk::log::Level::Info, &msg);
}

// ---------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------

/// The string at path ["email"] of the JSON value becomes its first character, "***@" and its
/// domain; every other byte of the value stays as it was. The helpers' errors are returned as
/// they are, prefixed.
#[no_mangle]
pub extern "C" fn mask_json_email() -> u64 {
    let value = record::value();
    let masked = json::get_string(&value, &["email"])
        .and_then(|email| json::set_string(&value, &["email"], &mask_email(&email)));
    match masked {
        Ok(out) => {
            record::set_value(&out);
            OK
        }
        Err(e) => error_result(&format!("mask_json_email: {}", e)),
    }
}

/// bob@example.com becomes b***@example.com (the first character whole); without a user
/// part, "***".
fn mask_email(e: &str) -> String {
    match (e.find('@'), e.chars().next()) {
        (Some(at), Some(first)) if at > 0 => format!("{}***@{}", first, &e[at + 1..]),
        _ => "***".to_string(),
    }
}
