/*
 * Conformance guest for the `wasm_smt` host ABI, written against the C SDK
 * (sdk/c/benthos_wasm.h, and sdk/c/benthos_wasm_json.h for mask_json_email).
 * Built by build.sh into testdata/wasm/c.wasm.
 * The functions and their behaviour are listed in testdata/FUNCTIONS.md.
 */
#define BENTHOS_WASM_IMPLEMENTATION
#include "benthos_wasm_json.h" /* includes benthos_wasm.h */

static void ascii_upper(bw_buf b) { bw_upper_ascii(b.ptr, b.len); }

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

/* Through the record JSON: key = value, value = upper-case(value). An absent value stays
 * absent and makes the key absent. */
BW_EXPORT("transform") bw_u64 transform(void) {
    bw_record r;
    const char *err = bw_get_record(&r);
    if (err) return bw_error(err);
    if (r.has_value) {
        bw_record_set_key(&r, r.value.ptr, r.value.len);
        ascii_upper(r.value);
    } else {
        bw_record_clear_key(&r);
    }
    bw_set_record(&r);
    bw_record_free(&r);
    return BW_OK;
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

/* ------------------------------------------------------------------------------------- */
/* Extensions                                                                             */
/* ------------------------------------------------------------------------------------- */

/* Drops the record when its value contains "drop". */
BW_EXPORT("filter") void filter(void) {
    bw_buf v = bw_get_value();
    if (bw_contains(v, "drop")) bw_drop();
    bw_free(v);
}

/* Replaces the record by one record per ','-separated part of its value (no trimming; an
 * empty value gives one empty part). A record without a value is left as it is. */
BW_EXPORT("fan_out") bw_u64 fan_out(void) {
    bw_record r;
    const char *err = bw_get_record(&r);
    if (err) return bw_error(err);
    if (!r.has_value) {
        bw_record_free(&r);
        return BW_OK;
    }
    bw_buf v = r.value; /* take the value out of the record */
    r.value.ptr = 0;
    r.value.len = 0;
    bw_drop();
    bw_u32 start = 0;
    for (bw_u32 i = 0; i <= v.len; i++) {
        if (i == v.len || v.ptr[i] == ',') {
            bw_record_set_value(&r, v.ptr + start, i - start);
            bw_emit(&r);
            start = i + 1;
        }
    }
    bw_free(v);
    bw_record_free(&r);
    return BW_OK;
}

/* value = the header names, in the host's order, joined with ",". */
BW_EXPORT("list_headers") void list_headers(void) {
    bw_header_names it = bw_get_header_names();
    bw_buf name;
    bw_u32 total = it.count ? it.count - 1 : 0; /* the commas */
    while (bw_header_names_next(&it, &name)) total += name.len;
    bw_header_names_rewind(&it);
    bw_buf out = bw_buf_new(total);
    bw_u32 o = 0;
    while (bw_header_names_next(&it, &name)) {
        if (it.next > 1) out.ptr[o++] = ','; /* not before the first name */
        bw_copy(out.ptr + o, name.ptr, name.len);
        o += name.len;
    }
    bw_set_value(out.ptr, o);
    bw_free(out);
    bw_header_names_free(&it);
}

/* Removes header "secret" if present; header "removed" = "yes" or "no". */
BW_EXPORT("remove_header") void remove_header(void) {
    if (bw_has_header("secret")) {
        bw_remove_header("secret");
        bw_set_header("removed", "yes", 3);
    } else {
        bw_set_header("removed", "no", 2);
    }
}

/* value = "yes" if the record has a key, else "no". */
BW_EXPORT("has_key") void has_key(void) {
    if (bw_has_key())
        bw_set_value("yes", 3);
    else
        bw_set_value("no", 2);
}

/* value = "<partition>:<timestamp>" (-1 for an absent one); then, if the record has a
 * timestamp, moves it one second later. */
BW_EXPORT("timestamp_partition") void timestamp_partition(void) {
    bw_i32 p = bw_partition();
    bw_i64 t = bw_timestamp();
    char s[41];
    bw_u32 n = bw_fmt_i64(s, p);
    s[n++] = ':';
    n += bw_fmt_i64(s + n, t);
    bw_set_value(s, n);
    if (t >= 0) bw_set_timestamp(t + 1000);
}

/* value = value followed by the "suffix" param; fails with "no suffix param" without it. */
BW_EXPORT("params") bw_u64 params(void) {
    bw_buf suffix;
    if (!bw_param("suffix", &suffix)) return bw_error("no suffix param");
    bw_buf v = bw_get_value();
    bw_buf out = bw_buf_new(v.len + suffix.len);
    bw_copy(out.ptr, v.ptr, v.len);
    bw_copy(out.ptr + v.len, suffix.ptr, suffix.len);
    bw_set_value(out.ptr, out.len);
    bw_free(out);
    bw_free(v);
    bw_free(suffix);
    return BW_OK;
}

/* Logs "log: <value>" at level info; the record is unchanged. */
BW_EXPORT("log") void log_value(void) {
    static const char prefix[] = "log: ";
    const bw_u32 n = sizeof prefix - 1;
    bw_buf v = bw_get_value();
    bw_buf msg = bw_buf_new(n + v.len);
    bw_copy(msg.ptr, prefix, n);
    bw_copy(msg.ptr + n, v.ptr, v.len);
    bw_log(BW_LOG_INFO, msg.ptr, msg.len);
    bw_free(msg);
    bw_free(v);
}

/* ---- JSON helpers ------------------------------------------------------------------- */

/* An error "mask_json_email: <the helper's message>". */
static bw_u64 mask_json_error(const bw_json_error *err, const char *const *path, bw_u32 n) {
    static const char prefix[] = "mask_json_email: ";
    const bw_u32 p = sizeof prefix - 1;
    bw_buf m = bw_json_error_message(err, path, n);
    bw_buf msg = bw_buf_new(p + m.len);
    bw_copy(msg.ptr, prefix, p);
    bw_copy(msg.ptr + p, m.ptr, m.len);
    bw_free(m);
    return bw_error_buf(msg);
}

/* The length of the UTF-8 character starting with byte c (1 for a stray byte). */
static bw_u32 utf8_len(bw_u8 c) { return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1; }

/* The string at path ["email"] of the JSON value becomes its first character, "***@" and
 * its domain (without a user part: "***"); every other byte of the value stays as it was.
 * The helpers' errors are returned as they are, prefixed. */
BW_EXPORT("mask_json_email") bw_u64 mask_json_email(void) {
    static const char *const path[] = {"email"};
    bw_json_error err;
    bw_buf v = bw_get_value(), email, out;
    if (bw_json_get_string(v, path, 1, &email, &err) != BW_JSON_OK) {
        bw_free(v);
        return mask_json_error(&err, path, 1);
    }
    long at = bw_find(email, "@", 1);
    bw_buf masked = bw_buf_new(email.len + 4);
    if (at <= 0) {
        bw_copy(masked.ptr, "***", 3);
        masked.len = 3;
    } else {
        bw_u32 first = utf8_len(email.ptr[0]), domain = email.len - (bw_u32)at - 1;
        if (first > (bw_u32)at) first = (bw_u32)at; /* a stray byte before the '@' */
        bw_copy(masked.ptr, email.ptr, first);
        bw_copy(masked.ptr + first, "***@", 4);
        bw_copy(masked.ptr + first + 4, email.ptr + at + 1, domain);
        masked.len = first + 4 + domain;
    }
    bw_json_status st = bw_json_set_string(v, path, 1, masked.ptr, masked.len, &out, &err);
    bw_free(masked);
    bw_free(email);
    bw_free(v);
    if (st != BW_JSON_OK) return mask_json_error(&err, path, 1);
    bw_set_value(out.ptr, out.len);
    bw_free(out);
    return BW_OK;
}
