//! Conformance guest for the `wasm_smt` host ABI, written against the Rust SDK
//! (`sdk/rust`). Built by `build.sh` into `testdata/wasm/rust.wasm`.
//!
//! The first four functions use the Kafka Connect Wasm SDK helper names on purpose (a module
//! written for that SDK must keep working); the others use the idiomatic API.

use benthos_wasm_sdk::record;
use benthos_wasm_sdk::*;

/// value = upper-case(value)
#[no_mangle]
pub extern "C" fn to_upper() {
    let mut v = get_connect_record_value();
    v.make_ascii_uppercase();
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

/// Through the record JSON: key = value, value = upper-case(value).
#[no_mangle]
pub extern "C" fn transform() -> u64 {
    let mut rec = match get_record() {
        Ok(r) => r,
        Err(e) => return error_result(&e),
    };
    let value = match rec.value.take() {
        Some(v) => v,
        None => return error_result("transform: record has no value"),
    };
    let mut upper = value.clone();
    upper.make_ascii_uppercase();
    rec.key = Some(value);
    rec.value = Some(upper);
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
    v.make_ascii_uppercase();
    record::set_value(&v);
}

/// Fails the record with the message "rejected: " followed by the value bytes.
#[no_mangle]
pub extern "C" fn reject() -> u64 {
    let mut msg = b"rejected: ".to_vec();
    msg.extend_from_slice(&record::value());
    error_result_bytes(&msg)
}
