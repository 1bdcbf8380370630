/*
 * Native unit tests of sdk/c/benthos_wasm.h: base64, decimal formatting, the record JSON
 * parser and writer, the header names iterator, the record helpers, the allocator, and the
 * extension wrappers against a mock host. Run with ./run.sh (builds with -no-pie so that
 * guest pointers fit in the 32-bit halves of packed results, as on wasm32).
 */
#define BENTHOS_WASM_NATIVE
#define BENTHOS_WASM_IMPLEMENTATION
#include "benthos_wasm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int buf_is(bw_buf b, const void *p, size_t n) { return b.len == n && memcmp(b.ptr, p, n) == 0; }
#define BUF_IS(b, s) buf_is((b), (s), sizeof(s) - 1)

/* ---- mock host ------------------------------------------------------------------------ */

#define MAXH 16
#define MAXE 16
static struct {
    int has_key;
    char key[256];
    size_t key_len;
    char value[256];
    size_t value_len;
    int nh;
    char hname[MAXH][32];
    char hval[MAXH][32];
    bw_i32 partition;
    bw_i64 timestamp;
    const char *param_name[4];
    const char *param_val[4];
    int dropped;
    int n_emitted;
    char emitted[MAXE][512];
    int log_level;
    char log_msg[256];
    char record_json[512];
} H;

static void host_reset(void) { memset(&H, 0, sizeof H); H.partition = -1; H.timestamp = -1; }

static bw_u64 host_give(const void *p, size_t n) { /* what the host does for a getter */
    void *dst = bw_alloc((bw_u32)n);
    memcpy(dst, p, n);
    return bw_pack(dst, (bw_u32)n);
}

bw_u64 bw_host_get_key(void) { return host_give(H.key, H.key_len); }
void bw_host_set_key(const void *p, bw_u32 n) { memcpy(H.key, p, n); H.key_len = n; H.has_key = 1; }
bw_u64 bw_host_get_value(void) { return host_give(H.value, H.value_len); }
void bw_host_set_value(const void *p, bw_u32 n) { memcpy(H.value, p, n); H.value_len = n; }
bw_u64 bw_host_get_topic(void) { return host_give("foo", 3); }
void bw_host_set_topic(const void *p, bw_u32 n) { (void)p; (void)n; }
static int host_hindex(const void *name, bw_u32 n) {
    for (int i = 0; i < H.nh; i++)
        if (strlen(H.hname[i]) == n && memcmp(H.hname[i], name, n) == 0) return i;
    return -1;
}
bw_u64 bw_host_get_header(const void *name, bw_u32 n) {
    int i = host_hindex(name, n);
    if (i < 0) abort();
    return host_give(H.hval[i], strlen(H.hval[i]));
}
void bw_host_set_header(const void *name, bw_u32 n, const void *p, bw_u32 m) {
    int i = host_hindex(name, n);
    if (i < 0) i = H.nh++;
    memcpy(H.hname[i], name, n); H.hname[i][n] = 0;
    memcpy(H.hval[i], p, m); H.hval[i][m] = 0;
}
bw_u64 bw_host_get_record(void) { return host_give(H.record_json, strlen(H.record_json)); }
void bw_host_set_record(const void *p, bw_u32 n) { memcpy(H.record_json, p, n); H.record_json[n] = 0; }
bw_i32 bw_host_has_key(void) { return H.has_key; }
bw_i32 bw_host_has_header(const void *name, bw_u32 n) { return host_hindex(name, n) >= 0; }
void bw_host_remove_header(const void *name, bw_u32 n) {
    int i = host_hindex(name, n);
    if (i < 0) return;
    for (; i + 1 < H.nh; i++) {
        strcpy(H.hname[i], H.hname[i + 1]);
        strcpy(H.hval[i], H.hval[i + 1]);
    }
    H.nh--;
}
bw_u64 bw_host_get_header_names(void) { /* names in the order stored: tests store them sorted */
    unsigned char b[1024];
    size_t o = 4;
    b[0] = (unsigned char)H.nh; b[1] = b[2] = b[3] = 0;
    for (int i = 0; i < H.nh; i++) {
        size_t n = strlen(H.hname[i]);
        b[o] = (unsigned char)n; b[o + 1] = b[o + 2] = b[o + 3] = 0;
        memcpy(b + o + 4, H.hname[i], n);
        o += 4 + n;
    }
    return host_give(b, o);
}
bw_i32 bw_host_get_partition(void) { return H.partition; }
bw_i64 bw_host_get_timestamp(void) { return H.timestamp; }
void bw_host_set_timestamp(bw_i64 ms) { H.timestamp = ms; }
void bw_host_drop_record(void) { H.dropped = 1; }
void bw_host_emit_record(const void *p, bw_u32 n) {
    memcpy(H.emitted[H.n_emitted], p, n);
    H.emitted[H.n_emitted++][n] = 0;
}
bw_u64 bw_host_get_param(const void *name, bw_u32 n) {
    for (int i = 0; i < 4 && H.param_name[i]; i++)
        if (strlen(H.param_name[i]) == n && memcmp(H.param_name[i], name, n) == 0)
            return host_give(H.param_val[i], strlen(H.param_val[i]));
    return (bw_u64)-1;
}
void bw_host_log(bw_i32 level, const void *p, bw_u32 n) {
    H.log_level = level;
    memcpy(H.log_msg, p, n);
    H.log_msg[n] = 0;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_base64(void) {
    static const struct { const char *plain, *enc; } v[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {"the-value", "dGhlLXZhbHVl"},
        {"\xff\xfe\x00", "//4A"}, {"\xfb\xff", "+/8="},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n = strlen(v[i].plain) + (i == 8); /* the one with a NUL */
        bw_u8 out[64];
        bw_u32 m = bw_base64_encode(v[i].plain, (bw_u32)n, out);
        CHECK(m == bw_base64_encoded_len((bw_u32)n) && m == strlen(v[i].enc) && memcmp(out, v[i].enc, m) == 0);
        bw_u8 dec[64];
        bw_u32 dn = 99;
        CHECK(bw_base64_decode(v[i].enc, m, dec, &dn) && dn == n && memcmp(dec, v[i].plain, n) == 0);
    }
    /* round trips of every length, decoding in place */
    for (bw_u32 n = 0; n < 70; n++) {
        bw_u8 data[70], enc[100];
        for (bw_u32 i = 0; i < n; i++) data[i] = (bw_u8)(i * 37 + 11);
        bw_u32 m = bw_base64_encode(data, n, enc), dn = 0;
        CHECK(bw_base64_decode(enc, m, enc, &dn) && dn == n && memcmp(enc, data, n) == 0);
    }
    bw_u8 d[16];
    bw_u32 dn;
    CHECK(bw_base64_decode("YQ", 2, d, &dn) && dn == 1 && d[0] == 'a'); /* padding optional */
    CHECK(bw_base64_decode("YW\r\nI=", 6, d, &dn) && dn == 2);       /* line breaks ignored */
    CHECK(!bw_base64_decode("YQ=a", 4, d, &dn));
    CHECK(!bw_base64_decode("Y", 1, d, &dn));
    CHECK(!bw_base64_decode("Y===", 4, d, &dn));
    CHECK(!bw_base64_decode("YQ*=", 4, d, &dn));
    CHECK(!bw_base64_decode("YQ=", 3, d, &dn));
    CHECK(!bw_base64_decode("YQ==YQ==", 8, d, &dn));
}

static void test_upper_ascii(void) {
    for (int shift = 0; shift < 9; shift++) {
        unsigned char in[300], got[300], want[300];
        int n = 0;
        for (int i = 0; i < shift; i++) in[n++] = 'x';
        for (int c = 0; c < 256; c++) in[n++] = (unsigned char)c;
        for (int i = 0; i < n; i++) {
            got[i] = in[i];
            want[i] = (in[i] >= 'a' && in[i] <= 'z') ? (unsigned char)(in[i] - 32) : in[i];
        }
        bw_upper_ascii(got, (bw_u32)n);
        CHECK(memcmp(got, want, (size_t)n) == 0);
    }
}

static void test_fmt(void) {
    char s[24];
    bw_u32 n;
    n = bw_fmt_i64(s, 0); CHECK(n == 1 && memcmp(s, "0", 1) == 0);
    n = bw_fmt_i64(s, -1); CHECK(n == 2 && memcmp(s, "-1", 2) == 0);
    n = bw_fmt_i64(s, 3); CHECK(n == 1 && s[0] == '3');
    n = bw_fmt_i64(s, 1700000000000LL); CHECK(n == 13 && memcmp(s, "1700000000000", 13) == 0);
    n = bw_fmt_i64(s, INT64_MAX); CHECK(n == 19 && memcmp(s, "9223372036854775807", 19) == 0);
    n = bw_fmt_i64(s, INT64_MIN); CHECK(n == 20 && memcmp(s, "-9223372036854775808", 20) == 0);
}

static int parse(bw_record *r, const char *json) { return bw_record_parse(r, json, (bw_u32)strlen(json)) == 0; }

static void test_parse(void) {
    bw_record r;
    /* The host's shape, with Go's escapes of <, >, & and a surrogate pair. */
    const char *j =
        " { \"headers\" : {\"a\":\"YQ==\", \"b\\u003c\\u003e\\u0026\":\"\"} , "
        "\"topic\":\"x\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"key\":null, "
        "\"value\":\"dGhlLXZhbHVl\", \"extra\":[1,-2.5e3,{\"x\":true},null,\"s\\\"\",[]] } ";
    CHECK(parse(&r, j));
    CHECK(r.has_topic && BUF_IS(r.topic, "x\xc3\xa9\xf0\x9f\x98\x80\"\\/\b\f\n\r\t"));
    CHECK(!r.has_key && r.key.len == 0);
    CHECK(r.has_value && BUF_IS(r.value, "the-value"));
    CHECK(r.n_headers == 2);
    const bw_buf *h = bw_record_header(&r, "a");
    CHECK(h && BUF_IS(*h, "a"));
    h = bw_record_header(&r, "b<>&");
    CHECK(h && h->len == 0);
    CHECK(bw_record_header(&r, "c") == 0);
    bw_record_free(&r);

    /* Absent vs empty. */
    CHECK(parse(&r, "{\"headers\":{},\"key\":\"\",\"value\":\"\"}"));
    CHECK(!r.has_topic && r.has_key && r.key.len == 0 && r.has_value && r.value.len == 0 && r.n_headers == 0);
    bw_record_free(&r);
    CHECK(parse(&r, "{}"));
    CHECK(!r.has_topic && !r.has_key && !r.has_value && r.n_headers == 0);
    bw_record_free(&r);

    /* Lone surrogates become U+FFFD; a repeated header keeps the last value. */
    CHECK(parse(&r, "{\"topic\":\"\\ud800x\\udc00\\ud800\\u0041\",\"headers\":{\"h\":\"YQ==\",\"h\":\"Yg==\"}}"));
    CHECK(BUF_IS(r.topic, "\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd" "A"));
    CHECK(r.n_headers == 1 && BUF_IS(*bw_record_header(&r, "h"), "b"));
    bw_record_free(&r);

    /* Raw UTF-8 passes through. */
    CHECK(parse(&r, "{\"topic\":\"\xc3\xa9t\xc3\xa9\"}"));
    CHECK(BUF_IS(r.topic, "\xc3\xa9t\xc3\xa9"));
    bw_record_free(&r);

    static const char *bad[] = {
        "", "[]", "{", "{\"value\":1}", "{\"value\":\"!!\"}", "{\"headers\":{\"a\":1}}",
        "{} x", "{\"topic\":\"a", "{\"topic\":\"a\x01\"}", "{\"topic\":\"\\x\"}",
        "{\"topic\":\"\\u12\"}", "{\"topic\":\"\\u12g4\"}", "{\"headers\":[]}", "{\"a\" 1}",
        "{\"a\":1,}", "{\"a\":tru}", "{\"value\":\"YQ=\"}", "{\"headers\":{\"a\":\"YQ==\",}}",
        "{\"topic\":\"\\",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bw_record_init(&r);
        const char *err = bw_record_parse(&r, bad[i], (bw_u32)strlen(bad[i]));
        CHECK(err != 0 && strncmp(err, "record json: ", 13) == 0);
        CHECK(r.n_headers == 0 && !r.has_topic && !r.has_key && !r.has_value && r.headers == 0);
        if (!err) fprintf(stderr, "  accepted: %s\n", bad[i]);
    }
    /* Nesting limit. */
    char deep[300] = "{\"x\":";
    for (int i = 0; i < 100; i++) strcat(deep, "[");
    for (int i = 0; i < 100; i++) strcat(deep, "]");
    strcat(deep, "}");
    CHECK(!parse(&r, deep));
}

static void test_write(void) {
    bw_record r;
    bw_record_init(&r);
    bw_buf j = bw_record_to_json(&r);
    CHECK(BUF_IS(j, "{\"headers\":{}}"));
    bw_free(j);

    bw_record_set_topic(&r, "foo", 3);
    bw_record_set_key(&r, "k", 1);
    bw_record_set_value(&r, "a", 1);
    bw_record_set_header(&r, "h<&>", "v", 1);
    bw_record_set_header(&r, "e", "", 0);
    j = bw_record_to_json(&r);
    CHECK(BUF_IS(j, "{\"headers\":{\"h<&>\":\"dg==\",\"e\":\"\"},\"topic\":\"foo\",\"key\":\"aw==\",\"value\":\"YQ==\"}"));
    bw_free(j);

    /* Round trip with characters that need escaping. */
    bw_record_set_topic(&r, "t\"o\\p\x01\n\xc3\xa9", 9);
    bw_record_set_header(&r, "h\n2", "\x00\xff\x01", 3);
    bw_record_clear_key(&r);
    bw_record_set_value(&r, "", 0);
    j = bw_record_to_json(&r);
    bw_record q;
    CHECK(bw_record_parse(&q, j.ptr, j.len) == 0);
    CHECK(q.has_topic && BUF_IS(q.topic, "t\"o\\p\x01\n\xc3\xa9"));
    CHECK(!q.has_key && q.has_value && q.value.len == 0);
    CHECK(q.n_headers == 3 && BUF_IS(*bw_record_header(&q, "h\n2"), "\x00\xff\x01"));
    bw_buf j2 = bw_record_to_json(&q);
    CHECK(j2.len == j.len && memcmp(j2.ptr, j.ptr, j.len) == 0);
    bw_free(j2);
    bw_free(j);
    bw_record_free(&q);

    /* Setters copy, also from the record itself. */
    bw_record_set_value(&r, "xyz", 3);
    bw_record_set_key(&r, r.value.ptr, r.value.len);
    CHECK(r.has_key && BUF_IS(r.key, "xyz"));
    bw_record_set_value(&r, r.value.ptr + 1, 2);
    CHECK(BUF_IS(r.value, "yz"));
    bw_record_remove_header(&r, "h<&>");
    bw_record_remove_header(&r, "absent");
    CHECK(r.n_headers == 2 && bw_record_header(&r, "h<&>") == 0 && bw_record_header(&r, "e") != 0);
    for (int i = 0; i < 40; i++) { /* grows the headers array */
        char name[8];
        int n = snprintf(name, sizeof name, "n%d", i);
        bw_record_set_header_n(&r, name, (bw_u32)n, name, (bw_u32)n);
    }
    CHECK(r.n_headers == 42 && BUF_IS(*bw_record_header(&r, "n39"), "n39"));
    bw_record_free(&r);
    CHECK(r.n_headers == 0 && r.headers == 0 && !r.has_topic);
}

static bw_buf names_buf(int n, const char **names) {
    bw_u8 b[1024];
    bw_u32 o = 4;
    b[0] = (bw_u8)n; b[1] = b[2] = b[3] = 0;
    for (int i = 0; i < n; i++) {
        bw_u32 l = (bw_u32)strlen(names[i]);
        b[o] = (bw_u8)l; b[o + 1] = b[o + 2] = b[o + 3] = 0;
        memcpy(b + o + 4, names[i], l);
        o += 4 + l;
    }
    return bw_buf_copy(b, o);
}

static void test_header_names(void) {
    const char *names[] = {"a", "", "kafka_key", "\xc3\xa9"};
    bw_header_names it;
    CHECK(bw_header_names_init(&it, names_buf(4, names)));
    CHECK(it.count == 4);
    bw_buf name;
    int i = 0;
    while (bw_header_names_next(&it, &name)) {
        CHECK(buf_is(name, names[i], strlen(names[i])));
        i++;
    }
    CHECK(i == 4);
    bw_header_names_rewind(&it);
    CHECK(bw_header_names_next(&it, &name) && BUF_IS(name, "a"));
    bw_header_names_free(&it);

    CHECK(bw_header_names_init(&it, names_buf(0, names)) && it.count == 0 && !bw_header_names_next(&it, &name));
    bw_header_names_free(&it);

    static const struct { const char *b; bw_u32 n; } bad[] = {
        {"", 0}, {"\x01\x00\x00", 3}, {"\x01\x00\x00\x00", 4}, {"\x01\x00\x00\x00\x05\x00\x00\x00" "a", 9},
        {"\x00\x00\x00\x00\x00", 5}, {"\xff\xff\xff\xff", 4}, {"\x01\x00\x00\x00\xff\xff\xff\xff", 8},
        {"\x01\x00\x00\x00\x01\x00\x00\x00" "ab", 10},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CHECK(!bw_header_names_init(&it, bw_buf_copy(bad[k].b, bad[k].n)));
        CHECK(!bw_header_names_next(&it, &name));
        bw_header_names_free(&it);
    }
}

static void test_allocator(void) {
    void *p = bw_alloc(0), *q;
    CHECK(p != 0 && ((uintptr_t)p & 7) == 0);
    bw_dealloc(p, 0);
    bw_dealloc(0, 0);
    p = bw_alloc(10);
    memcpy(p, "0123456789", 10);
    q = bw_realloc(p, 16); /* same class: stays */
    CHECK(q == p);
    q = bw_realloc(p, 1000);
    CHECK(memcmp(q, "0123456789", 10) == 0);
    bw_dealloc(q, 1000 | BW_ERROR_BIT); /* the host passes bit 31 through */

    /* A long run of parse/write/free must not grow the heap once warmed up. */
    const char *j = "{\"headers\":{\"a\":\"YQ==\",\"b\":\"Yg==\",\"c\":\"\"},\"topic\":\"foo\",\"value\":\"dGhlLXZhbHVl\"}";
    bw_u64 top = 0;
    for (int i = 0; i < 100000; i++) {
        bw_record r;
        if (bw_record_parse(&r, j, (bw_u32)strlen(j))) { CHECK(0); break; }
        bw_record_set_key(&r, r.value.ptr, r.value.len);
        bw_record_set_header(&r, "d", "x", 1);
        bw_buf out = bw_record_to_json(&r);
        bw_record_free(&r);
        bw_free(out);
        bw_u64 e = bw_error("boom"); /* freed by the host */
        bw_dealloc(bw_unpack(e).ptr, (bw_u32)e);
        if (i == 10) top = bw__top;
    }
    CHECK(bw__top == top);
}

/* Guest functions run against the mock host. */
static bw_u64 guest_fan_out(void) {
    bw_record r;
    const char *err = bw_get_record(&r);
    if (err) return bw_error(err);
    bw_buf v = r.value;
    r.value.ptr = 0;
    r.value.len = 0;
    bw_drop();
    bw_u32 start = 0;
    for (bw_u32 i = 0; i <= v.len; i++)
        if (i == v.len || v.ptr[i] == ',') {
            bw_record_set_value(&r, v.ptr + start, i - start);
            bw_emit(&r);
            start = i + 1;
        }
    bw_free(v);
    bw_record_free(&r);
    return BW_OK;
}

static void test_mock_host(void) {
    host_reset();
    CHECK(!bw_has_key());
    bw_set_key("k", 1);
    CHECK(bw_has_key());
    CHECK(bw_partition() == -1 && bw_timestamp() == -1);
    H.partition = 3;
    H.timestamp = 1700000000000LL;
    CHECK(bw_partition() == 3 && bw_timestamp() == 1700000000000LL);
    bw_set_timestamp(bw_timestamp() + 1000);
    CHECK(H.timestamp == 1700000001000LL);

    bw_buf b;
    H.param_name[0] = "suffix"; H.param_val[0] = "-s";
    H.param_name[1] = "empty"; H.param_val[1] = "";
    CHECK(bw_param("suffix", &b) && BUF_IS(b, "-s"));
    bw_free(b);
    CHECK(bw_param("empty", &b) && b.len == 0);
    bw_free(b);
    CHECK(!bw_param("nope", &b) && b.ptr == 0 && b.len == 0);
    CHECK(bw_param("suffix", 0) && !bw_param("nope", 0));

    bw_set_header("a", "1", 1);
    bw_set_header("secret", "2", 1);
    CHECK(bw_has_header("secret") && !bw_has_header("other"));
    bw_header_names it = bw_get_header_names();
    bw_buf name;
    CHECK(it.count == 2 && bw_header_names_next(&it, &name) && BUF_IS(name, "a"));
    CHECK(bw_header_names_next(&it, &name) && BUF_IS(name, "secret") && !bw_header_names_next(&it, &name));
    bw_header_names_free(&it);
    bw_remove_header("secret");
    CHECK(!bw_has_header("secret") && H.nh == 1);

    bw_log_info("hello");
    CHECK(H.log_level == BW_LOG_INFO && strcmp(H.log_msg, "hello") == 0);
    bw_log(BW_LOG_ERROR, "x\0y", 3);
    CHECK(H.log_level == 3 && memcmp(H.log_msg, "x\0y", 3) == 0);

    strcpy(H.record_json, "{\"headers\":{\"h\":\"dg==\"},\"topic\":\"foo\",\"key\":\"aw==\",\"value\":\"YSwsYg==\"}");
    CHECK(guest_fan_out() == BW_OK);
    CHECK(H.dropped && H.n_emitted == 3);
    CHECK(strcmp(H.emitted[0], "{\"headers\":{\"h\":\"dg==\"},\"topic\":\"foo\",\"key\":\"aw==\",\"value\":\"YQ==\"}") == 0);
    CHECK(strcmp(H.emitted[1], "{\"headers\":{\"h\":\"dg==\"},\"topic\":\"foo\",\"key\":\"aw==\",\"value\":\"\"}") == 0);
    CHECK(strcmp(H.emitted[2], "{\"headers\":{\"h\":\"dg==\"},\"topic\":\"foo\",\"key\":\"aw==\",\"value\":\"Yg==\"}") == 0);

    bw_record r;
    CHECK(bw_get_record(&r) == 0 && BUF_IS(r.value, "a,,b"));
    bw_record_set_topic(&r, "bar", 3);
    bw_set_record(&r);
    CHECK(strstr(H.record_json, "\"topic\":\"bar\"") != 0);
    bw_record_free(&r);
    strcpy(H.record_json, "{\"value\":1}");
    bw_u64 res = guest_fan_out();
    bw_buf msg = bw_unpack(res);
    CHECK((msg.len & BW_ERROR_BIT) && strncmp((char *)msg.ptr, "record json: ", 13) == 0);
    bw_dealloc(msg.ptr, msg.len);
}

static void test_helpers(void) {
    bw_buf b = bw_buf_copy("say drop it", 11);
    CHECK(bw_contains(b, "drop") && !bw_contains(b, "dropx") && bw_find(b, "it", 2) == 9);
    CHECK(bw_find(b, "", 0) == 0 && bw_has_prefix(b, "say", 3) && bw_buf_eq_str(b, "say drop it"));
    bw_free(b);
    b = bw_buf_copy("dro", 3);
    CHECK(!bw_contains(b, "drop"));
    bw_free(b);
}

int main(void) {
    if ((uintptr_t)bw__arena + sizeof bw__arena > 0xffffffffu) {
        fprintf(stderr, "the arena is above 4 GiB: build with -no-pie\n");
        return 2;
    }
    test_base64();
    test_upper_ascii();
    test_fmt();
    test_parse();
    test_write();
    test_header_names();
    test_helpers();
    test_mock_host();
    test_allocator();
    return check_report("");
}
