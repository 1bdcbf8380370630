/*
 * Conformance guest for the `wasm_smt` host ABI, written against the C SDK
 * (sdk/c/benthos_wasm.h). Built by build.sh into testdata/wasm/c.wasm.
 * Same functions as testdata/rust/functions.rs except `transform` (record JSON).
 */
#define BENTHOS_WASM_IMPLEMENTATION
#include "benthos_wasm.h"

static void ascii_upper(bw_buf b) {
    for (bw_u32 i = 0; i < b.len; i++)
        if (b.ptr[i] >= 'a' && b.ptr[i] <= 'z') b.ptr[i] -= 'a' - 'A';
}

/* value = upper-case(value) */
BW_EXPORT("to_upper") void to_upper(void) {
    bw_buf v = bw_get_value();
    ascii_upper(v);
    bw_set_value(v.ptr, v.len);
    bw_free(v);
}

/* key = value */
BW_EXPORT("value_to_key") void value_to_key(void) {
    bw_buf v = bw_get_value();
    bw_set_key(v.ptr, v.len);
    bw_free(v);
}

/* key = header "the-key" */
BW_EXPORT("header_to_key") void header_to_key(void) {
    bw_buf v = bw_get_header("the-key");
    bw_set_key(v.ptr, v.len);
    bw_free(v);
}

/* header "the-header-out" = header "the-header-in" */
BW_EXPORT("copy_header") void copy_header(void) {
    bw_buf v = bw_get_header("the-header-in");
    bw_set_header("the-header-out", v.ptr, v.len);
    bw_free(v);
}

/* Always traps. */
BW_EXPORT("trap") void trap(void) { __builtin_trap(); }

/* Traps when the value starts with "trap", else value = upper-case(value). */
BW_EXPORT("upper_or_trap") void upper_or_trap(void) {
    bw_buf v = bw_get_value();
    if (bw_has_prefix(v, "trap", 4)) __builtin_trap();
    ascii_upper(v);
    bw_set_value(v.ptr, v.len);
    bw_free(v);
}

/* Fails the record with the message "rejected: " followed by the value bytes. */
BW_EXPORT("reject") bw_u64 reject(void) {
    static const char prefix[] = "rejected: ";
    const bw_u32 n = sizeof prefix - 1;
    bw_buf v = bw_get_value();
    bw_buf msg = bw_buf_new(n + v.len);
    for (bw_u32 i = 0; i < n; i++) msg.ptr[i] = (bw_u8)prefix[i];
    for (bw_u32 i = 0; i < v.len; i++) msg.ptr[n + i] = v.ptr[i];
    bw_free(v);
    return bw_error_buf(msg); /* the host frees msg with dealloc */
}
