/*
 * Native unit tests of sdk/c/benthos_wasm_json.h: reading and writing a scalar at a path of
 * a JSON document, the syntax check, escapes both ways and the error messages. Run with
 * ./run.sh. The host functions are never called here: they are stubs that abort.
 */
#define BENTHOS_WASM_NATIVE
#define BENTHOS_WASM_IMPLEMENTATION
#include "benthos_wasm_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- host stubs ----------------------------------------------------------------------- */

bw_u64 bw_host_get_key(void) { abort(); }
void bw_host_set_key(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_u64 bw_host_get_value(void) { abort(); }
void bw_host_set_value(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_u64 bw_host_get_topic(void) { abort(); }
void bw_host_set_topic(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_u64 bw_host_get_header(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
void bw_host_set_header(const void *p, bw_u32 n, const void *q, bw_u32 m) { (void)p, (void)n, (void)q, (void)m, abort(); }
bw_u64 bw_host_get_record(void) { abort(); }
void bw_host_set_record(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_i32 bw_host_has_key(void) { abort(); }
bw_i32 bw_host_has_header(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
void bw_host_remove_header(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_u64 bw_host_get_header_names(void) { abort(); }
bw_i32 bw_host_get_partition(void) { abort(); }
bw_i64 bw_host_get_timestamp(void) { abort(); }
void bw_host_set_timestamp(bw_i64 ms) { (void)ms, abort(); }
void bw_host_drop_record(void) { abort(); }
void bw_host_emit_record(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
bw_u64 bw_host_get_param(const void *p, bw_u32 n) { (void)p, (void)n, abort(); }
void bw_host_log(bw_i32 level, const void *p, bw_u32 n) { (void)level, (void)p, (void)n, abort(); }

/* ---- checks --------------------------------------------------------------------------- */

#include "check.h"

static bw_buf doc_of(const char *s) { return (bw_buf){(bw_u8 *)s, (bw_u32)strlen(s)}; }
static int is(bw_buf b, const char *s) { return b.len == strlen(s) && memcmp(b.ptr, s, b.len) == 0; }
#define P(...) ((const char *const[]){__VA_ARGS__}), (bw_u32)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

/* 1 if a call failed with `status` and the message `msg`. */
static int failed_with(bw_json_status got, bw_json_status status, const bw_json_error *err,
                       const char *const *path, bw_u32 n, const char *msg) {
    if (got != status || err->status != status) return 0;
    bw_buf m = bw_json_error_message(err, path, n);
    int ok = is(m, msg);
    if (!ok) fprintf(stderr, "message: %.*s\n  want: %s\n", (int)m.len, m.ptr, msg);
    bw_free(m);
    return ok;
}

static const char *DOC =
    "{\"user\": {\"name\": \"bob\", \"tags\": [\"a\", {\"x\": 1}], \"age\": 42},\n"
    " \"email\":\"bob@example.com\", \"score\": -1.5e3, \"ok\": true, \"gone\": null,\n"
    " \"esc\": \"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\", \"n\": 9007199254740993, \"zero\": 0,\n"
    " \"min\": -9223372036854775808}";

static void test_getters(void) {
    bw_buf d = doc_of(DOC), s;
    bw_i64 i;
    int b;
    bw_json_error err;
    CHECK(bw_json_get_string(d, P("user", "name"), &s, &err) == BW_JSON_OK && is(s, "bob"));
    bw_free(s);
    CHECK(bw_json_get_string(d, P("esc"), &s, &err) == BW_JSON_OK && is(s, "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80"));
    bw_free(s);
    CHECK(bw_json_get_int(d, P("user", "age"), &i, &err) == BW_JSON_OK && i == 42);
    CHECK(bw_json_get_int(d, P("n"), &i, &err) == BW_JSON_OK && i == 9007199254740993LL);
    CHECK(bw_json_get_int(d, P("zero"), &i, &err) == BW_JSON_OK && i == 0);
    CHECK(bw_json_get_int(d, P("min"), &i, &err) == BW_JSON_OK && i == (-9223372036854775807LL - 1));
    CHECK(bw_json_get_bool(d, P("ok"), &b, &err) == BW_JSON_OK && b == 1);
    CHECK(bw_json_is_null(d, P("gone"), &b, &err) == BW_JSON_OK && b == 1);
    CHECK(bw_json_is_null(d, P("ok"), &b, &err) == BW_JSON_OK && b == 0);
    CHECK(bw_json_raw(d, P("score"), &s, &err) == BW_JSON_OK && is(s, "-1.5e3"));
    CHECK(bw_json_raw(d, P("user", "tags"), &s, &err) == BW_JSON_OK && is(s, "[\"a\", {\"x\": 1}]"));
    CHECK(bw_json_raw(doc_of(" 7 "), NULL, 0, &s, &err) == BW_JSON_OK && is(s, "7"));
    /* the last duplicate counts; escaped keys match */
    CHECK(bw_json_get_string(doc_of("{\"a\":\"first\",\"a\":\"last\"}"), P("a"), &s, &err) == BW_JSON_OK && is(s, "last"));
    bw_free(s);
    CHECK(bw_json_get_string(doc_of("{\"\\u00e9t\\u00e9\":\"summer\"}"), P("\xc3\xa9t\xc3\xa9"), &s, &err) == BW_JSON_OK && is(s, "summer"));
    bw_free(s);
    /* lone surrogates become U+FFFD; \u0000 is kept as a byte */
    CHECK(bw_json_get_string(doc_of("\"\\ud800x\\udc00\""), NULL, 0, &s, &err) == BW_JSON_OK && is(s, "\xef\xbf\xbdx\xef\xbf\xbd"));
    bw_free(s);
    CHECK(bw_json_get_string(doc_of("\"a\\u0000b\""), NULL, 0, &s, &err) == BW_JSON_OK && s.len == 3 && s.ptr[1] == 0);
    bw_free(s);
}

static void test_errors(void) {
    bw_buf d = doc_of(DOC), s;
    bw_i64 i;
    int b;
    bw_json_error e;
    static const char *const phone[] = {"phone"}, *const user_phone[] = {"user", "phone"},
                             *const email_x[] = {"email", "x"}, *const tags0[] = {"user", "tags", "0"},
                             *const a[] = {"a"}, *const score[] = {"score"}, *const gone[] = {"gone"},
                             *const user[] = {"user"}, *const email[] = {"email"}, *const n[] = {"n"};
    CHECK(failed_with(bw_json_get_string(d, phone, 1, &s, &e), BW_JSON_NOT_FOUND, &e, phone, 1, "path phone: not found"));
    CHECK(failed_with(bw_json_get_string(d, user_phone, 2, &s, &e), BW_JSON_NOT_FOUND, &e, user_phone, 2, "path user.phone: not found"));
    CHECK(failed_with(bw_json_get_string(d, email_x, 2, &s, &e), BW_JSON_NOT_OBJECT, &e, email_x, 2, "path email.x: email is a string, not an object"));
    CHECK(failed_with(bw_json_get_string(d, tags0, 3, &s, &e), BW_JSON_NOT_OBJECT, &e, tags0, 3, "path user.tags.0: user.tags is an array, not an object"));
    CHECK(failed_with(bw_json_get_string(doc_of("[1]"), a, 1, &s, &e), BW_JSON_NOT_OBJECT, &e, a, 1, "path a: the root is an array, not an object"));
    CHECK(failed_with(bw_json_get_string(d, score, 1, &s, &e), BW_JSON_WRONG_TYPE, &e, score, 1, "path score: a number, not a string"));
    CHECK(failed_with(bw_json_get_string(d, gone, 1, &s, &e), BW_JSON_WRONG_TYPE, &e, gone, 1, "path gone: null, not a string"));
    CHECK(failed_with(bw_json_get_bool(d, user, 1, &b, &e), BW_JSON_WRONG_TYPE, &e, user, 1, "path user: an object, not a boolean"));
    CHECK(failed_with(bw_json_get_int(d, email, 1, &i, &e), BW_JSON_WRONG_TYPE, &e, email, 1, "path email: a string, not a number"));
    CHECK(failed_with(bw_json_get_int(d, score, 1, &i, &e), BW_JSON_WRONG_TYPE, &e, score, 1, "path score: -1.5e3 is not a 64-bit integer"));
    CHECK(failed_with(bw_json_get_int(doc_of("{\"n\":9223372036854775808}"), n, 1, &i, &e), BW_JSON_WRONG_TYPE, &e, n, 1, "path n: 9223372036854775808 is not a 64-bit integer"));
    CHECK(failed_with(bw_json_get_string(doc_of("hello"), a, 1, &s, &e), BW_JSON_INVALID, &e, a, 1, "invalid JSON at byte 0"));
    CHECK(failed_with(bw_json_get_string(doc_of(""), a, 1, &s, &e), BW_JSON_INVALID, &e, a, 1, "invalid JSON at byte 0"));
    CHECK(failed_with(bw_json_get_string(doc_of("{\"a\":\"b"), a, 1, &s, &e), BW_JSON_INVALID, &e, a, 1, "invalid JSON at byte 7"));
    CHECK(failed_with(bw_json_get_string(doc_of("{\"a\":\"b\"} x"), a, 1, &s, &e), BW_JSON_INVALID, &e, a, 1, "invalid JSON at byte 10"));
    /* the error is optional */
    CHECK(bw_json_get_string(d, phone, 1, &s, NULL) == BW_JSON_NOT_FOUND);
}

static void test_syntax(void) {
    static const char *good[] = {"{}", "[]", " {\"a\" : [ 1 , 2 ] } ", "\"x\"", "-0.0e-0", "true", "null",
                                 "{\"a\":{\"b\":{\"c\":[]}}}"};
    static const char *bad[] = {"{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{a:1}", "{'a':1}", "01",
                                "1.", ".5", "-", "+1", "1e", "1e+", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"",
                                "\"a\tb\"", "tru", "nul", "falsey", "[1 2]", "{\"a\":1 \"b\":2}", "NaN",
                                "Infinity", "\"abc", "1 2"};
    bw_buf s;
    for (size_t k = 0; k < sizeof good / sizeof *good; k++) CHECK(bw_json_raw(doc_of(good[k]), NULL, 0, &s, NULL) == BW_JSON_OK);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        int invalid = bw_json_raw(doc_of(bad[k]), NULL, 0, &s, NULL) == BW_JSON_INVALID;
        if (!invalid) fprintf(stderr, "accepted: %s\n", bad[k]);
        CHECK(invalid);
    }
    static char deep[BW_JSON_MAX_DEPTH + 3];
    memset(deep, '[', sizeof deep - 1);
    CHECK(bw_json_raw(doc_of(deep), NULL, 0, &s, NULL) == BW_JSON_INVALID);
}

/* 1 if the call succeeded with the document `want`; frees it. */
static int wrote(bw_json_status st, bw_buf out, const char *want) {
    int ok = st == BW_JSON_OK && is(out, want);
    if (st == BW_JSON_OK) {
        bw_buf check;
        ok = ok && bw_json_raw(out, NULL, 0, &check, NULL) == BW_JSON_OK;
        if (!ok) fprintf(stderr, "wrote: %.*s\n want: %s\n", (int)out.len, out.ptr, want);
        bw_free(out);
    }
    return ok;
}

static void test_setters(void) {
    static const char *src = "{\"user\": {\"name\": \"bob\"} ,  \"email\":\"bob@example.com\", \"n\": 1.50}";
    bw_buf d = doc_of(src), o = {0, 0};
    bw_json_error e;
    CHECK(wrote(bw_json_set_string(d, P("email"), "b***@example.com", 16, &o, &e), o,
                "{\"user\": {\"name\": \"bob\"} ,  \"email\":\"b***@example.com\", \"n\": 1.50}"));
    CHECK(wrote(bw_json_set_string(d, P("user", "name"), "alice", 5, &o, &e), o,
                "{\"user\": {\"name\": \"alice\"} ,  \"email\":\"bob@example.com\", \"n\": 1.50}"));
    CHECK(wrote(bw_json_set_null(d, P("user"), &o, &e), o, "{\"user\": null ,  \"email\":\"bob@example.com\", \"n\": 1.50}"));
    CHECK(wrote(bw_json_set_bool(d, P("ok"), 1, &o, &e), o,
                "{\"user\": {\"name\": \"bob\"} ,  \"email\":\"bob@example.com\", \"n\": 1.50,\"ok\":true}"));
    CHECK(wrote(bw_json_set_int(d, P("user", "id"), -7, &o, &e), o,
                "{\"user\": {\"name\": \"bob\",\"id\":-7} ,  \"email\":\"bob@example.com\", \"n\": 1.50}"));
    CHECK(wrote(bw_json_set_string(doc_of("{ }"), P("k"), "v", 1, &o, &e), o, "{ \"k\":\"v\"}"));
    CHECK(wrote(bw_json_set_raw(doc_of("{}"), P("a", "b", "c"), "2.5", 3, &o, &e), o, "{\"a\":{\"b\":{\"c\":2.5}}}"));
    CHECK(wrote(bw_json_set_string(doc_of("{\"s\":1}"), P("s"), "q\"b\\\n\t\x01\xc3\xa9", 9, &o, &e), o,
                "{\"s\":\"q\\\"b\\\\\\n\\t\\u0001\xc3\xa9\"}"));
    CHECK(wrote(bw_json_set_string(doc_of("{}"), P("a\"b"), "v", 1, &o, &e), o, "{\"a\\\"b\":\"v\"}"));
    CHECK(wrote(bw_json_set_int(doc_of(" \"x\" "), NULL, 0, 3, &o, &e), o, " 3 "));
    CHECK(bw_json_set_string(d, P("email", "a"), "x", 1, &o, &e) == BW_JSON_NOT_OBJECT);
    CHECK(bw_json_set_string(doc_of("{\"a\":"), P("a"), "x", 1, &o, &e) == BW_JSON_INVALID);
    CHECK(bw_json_set_raw(d, P("n"), "1.", 2, &o, &e) == BW_JSON_INVALID && e.offset == 2);
    /* what is written reads back, control characters and NULs included */
    static const char rt[] = "\x00\x1f\"\\/\xc3\xa9\xf0\x9f\x98\x80";
    bw_buf back = {0, 0};
    CHECK(bw_json_set_string(doc_of("{}"), P("k"), rt, sizeof rt - 1, &o, &e) == BW_JSON_OK &&
          bw_json_get_string(o, P("k"), &back, &e) == BW_JSON_OK && back.len == sizeof rt - 1 &&
          memcmp(back.ptr, rt, back.len) == 0);
    bw_free(o);
    bw_free(back);
}

int main(void) {
    test_getters();
    test_errors();
    test_syntax();
    test_setters();
    return check_report("json: ");
}
