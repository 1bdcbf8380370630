/*
 * benthos_wasm_json.h - read or write one scalar (string, number, boolean, null) at a path of
 * object keys in a JSON document held as bytes, such as the value under
 * `value_converter: json`. Freestanding like benthos_wasm.h (no libc), which it includes:
 *
 *     #define BENTHOS_WASM_IMPLEMENTATION
 *     #include "benthos_wasm_json.h"
 *
 *     static const char *const email[] = {"email"};
 *     bw_buf v = bw_get_value(), s, out;
 *     bw_json_error err;
 *     if (bw_json_get_string(v, email, 1, &s, &err) != BW_JSON_OK) ...
 *     if (bw_json_set_string(v, email, 1, "***", 3, &out, &err) != BW_JSON_OK) ...
 *     bw_set_value(out.ptr, out.len);
 *
 * A path is an array of NUL-terminated keys; it goes through objects only (array indexes are
 * not supported); with duplicate keys the last one counts, as in JavaScript's JSON.parse. A
 * write splices the new value into a copy of the document and leaves every other byte as it
 * was (key order, spacing, the spelling of numbers). Every function checks that the whole
 * document is JSON and returns a bw_json_status; on failure it fills the optional
 * bw_json_error, which bw_json_error_message turns into the same text as the other SDKs
 * ("path email: not found", "invalid JSON at byte 7", ...). Results are new buffers from
 * bw_alloc (free with bw_free), except bw_json_raw's, which points into the document.
 *
 * Numbers: C has no float parsing or printing without libc, so read integers with
 * bw_json_get_int and anything else as text with bw_json_raw; write integers with
 * bw_json_set_int and any other value as JSON text with bw_json_set_raw.
 */
#ifndef BENTHOS_WASM_JSON_H
#define BENTHOS_WASM_JSON_H

#include "benthos_wasm.h"

typedef enum {
    BW_JSON_OK = 0,
    BW_JSON_INVALID = 1,    /* the document is not one JSON value */
    BW_JSON_NOT_FOUND = 2,  /* the path leads to no value */
    BW_JSON_NOT_OBJECT = 3, /* a step of the path is not an object */
    BW_JSON_WRONG_TYPE = 4, /* the value is not of the type asked for */
} bw_json_status;

/* What went wrong, for bw_json_error_message. */
typedef struct {
    bw_json_status status;
    bw_u32 offset;    /* INVALID: the byte at which the text stops being JSON */
    bw_u32 step;      /* NOT_OBJECT: how many keys of the path lead to the non-object */
    bw_u8 found;      /* NOT_OBJECT, WRONG_TYPE: first byte of the value found */
    const char *want; /* WRONG_TYPE: "a string", ...; NULL when `raw` is out of range */
    bw_buf raw;       /* WRONG_TYPE: the value's text, pointing into the document */
} bw_json_error;

/* Nesting bound, so that a hostile value cannot exhaust the stack (as in every SDK). */
#define BW_JSON_MAX_DEPTH 512

/* ---- scanning ------------------------------------------------------------------------ */

typedef struct {
    const bw_u8 *p;
    bw_u32 n, i;
} bw_json__scan;

static inline void bw_json__space(bw_json__scan *s) {
    while (s->i < s->n && (s->p[s->i] == ' ' || s->p[s->i] == '\t' || s->p[s->i] == '\n' ||
                           s->p[s->i] == '\r'))
        s->i++;
}

/* 1 if the next byte is c, consumed. */
static inline int bw_json__at(bw_json__scan *s, bw_u8 c) {
    if (s->i < s->n && s->p[s->i] == c) {
        s->i++;
        return 1;
    }
    return 0;
}

static inline int bw_json__hex4(const bw_u8 *p, bw_u32 avail, bw_u32 *out) {
    bw_u32 r = 0;
    if (avail < 4) return 0;
    for (int k = 0; k < 4; k++) {
        bw_u8 c = p[k];
        if (c >= '0' && c <= '9') r = r << 4 | (bw_u32)(c - '0');
        else if (c >= 'a' && c <= 'f') r = r << 4 | (bw_u32)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') r = r << 4 | (bw_u32)(c - 'A' + 10);
        else return 0;
    }
    *out = r;
    return 1;
}

static inline int bw_json__digits(bw_json__scan *s) {
    bw_u32 start = s->i;
    while (s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9') s->i++;
    return s->i > start;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline int bw_json__number(bw_json__scan *s) {
    bw_json__at(s, '-');
    if (!bw_json__at(s, '0') && !bw_json__digits(s)) return 0;
    if (bw_json__at(s, '.') && !bw_json__digits(s)) return 0;
    if (bw_json__at(s, 'e') || bw_json__at(s, 'E')) {
        if (!bw_json__at(s, '+')) bw_json__at(s, '-');
        if (!bw_json__digits(s)) return 0;
    }
    return 1;
}

/* A string literal, quotes included. */
static inline int bw_json__string(bw_json__scan *s) {
    bw_u32 u;
    if (!bw_json__at(s, '"')) return 0;
    while (s->i < s->n) {
        bw_u8 c = s->p[s->i];
        if (c == '"') {
            s->i++;
            return 1;
        }
        if (c < 0x20) return 0;
        if (c != '\\') {
            s->i++;
            continue;
        }
        if (++s->i >= s->n) return 0;
        c = s->p[s->i];
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
            c == 't')
            s->i++;
        else if (c == 'u' && bw_json__hex4(s->p + s->i + 1, s->n - s->i - 1, &u))
            s->i += 5;
        else
            return 0;
    }
    return 0;
}

static inline int bw_json__literal(bw_json__scan *s, const char *word) {
    bw_u32 n = bw_strlen(word);
    if (s->n - s->i < n || !bw_mem_eq(s->p + s->i, word, n)) return 0;
    s->i += n;
    return 1;
}

/* Checks the value at s->i (after any space) and moves past it; 0 if it is not JSON, with
 * s->i at the offending byte. */
static inline int bw_json__value(bw_json__scan *s, int depth) {
    bw_json__space(s);
    if (s->i >= s->n || depth > BW_JSON_MAX_DEPTH) return 0;
    bw_u8 open = s->p[s->i];
    if (open == '{' || open == '[') {
        bw_u8 close = open == '{' ? '}' : ']';
        s->i++;
        bw_json__space(s);
        if (bw_json__at(s, close)) return 1;
        for (;;) {
            if (open == '{') {
                bw_json__space(s);
                if (!bw_json__string(s)) return 0;
                bw_json__space(s);
                if (!bw_json__at(s, ':')) return 0;
            }
            if (!bw_json__value(s, depth + 1)) return 0;
            bw_json__space(s);
            if (bw_json__at(s, close)) return 1;
            if (!bw_json__at(s, ',')) return 0;
        }
    }
    switch (open) {
    case '"': return bw_json__string(s);
    case 't': return bw_json__literal(s, "true");
    case 'f': return bw_json__literal(s, "false");
    case 'n': return bw_json__literal(s, "null");
    default: return bw_json__number(s);
    }
}

/* ---- strings ------------------------------------------------------------------------- */

static inline bw_u32 bw_json__utf8(bw_u8 *dst, bw_u32 r) {
    if (r < 0x80) {
        dst[0] = (bw_u8)r;
        return 1;
    }
    if (r < 0x800) {
        dst[0] = (bw_u8)(0xc0 | r >> 6);
        dst[1] = (bw_u8)(0x80 | (r & 0x3f));
        return 2;
    }
    if (r < 0x10000) {
        dst[0] = (bw_u8)(0xe0 | r >> 12);
        dst[1] = (bw_u8)(0x80 | (r >> 6 & 0x3f));
        dst[2] = (bw_u8)(0x80 | (r & 0x3f));
        return 3;
    }
    dst[0] = (bw_u8)(0xf0 | r >> 18);
    dst[1] = (bw_u8)(0x80 | (r >> 12 & 0x3f));
    dst[2] = (bw_u8)(0x80 | (r >> 6 & 0x3f));
    dst[3] = (bw_u8)(0x80 | (r & 0x3f));
    return 4;
}

/* Unescapes the checked string literal of `len` bytes at `lit` into `dst` (room for len
 * bytes: unescaping never lengthens); returns the length. A lone surrogate becomes U+FFFD. */
static inline bw_u32 bw_json__unquote(const bw_u8 *lit, bw_u32 len, bw_u8 *dst) {
    const bw_u8 *b = lit + 1;
    bw_u32 n = len - 2, i = 0, o = 0, r, lo;
    while (i < n) {
        if (b[i] != '\\') {
            dst[o++] = b[i++];
            continue;
        }
        bw_u8 e = b[i + 1];
        i += 2;
        switch (e) {
        case 'b': dst[o++] = '\b'; break;
        case 'f': dst[o++] = '\f'; break;
        case 'n': dst[o++] = '\n'; break;
        case 'r': dst[o++] = '\r'; break;
        case 't': dst[o++] = '\t'; break;
        case 'u':
            bw_json__hex4(b + i, n - i, &r);
            i += 4;
            if (r >= 0xd800 && r < 0xdc00 && n - i >= 6 && b[i] == '\\' && b[i + 1] == 'u' &&
                bw_json__hex4(b + i + 2, n - i - 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            } else if (r >= 0xd800 && r < 0xe000) {
                r = 0xfffd;
            }
            o += bw_json__utf8(dst + o, r);
            break;
        default: dst[o++] = e; /* '"', '\\', '/' */
        }
    }
    return o;
}

/* A growable output buffer from bw_alloc. */
typedef struct {
    bw_buf b;
    bw_u32 cap;
} bw_json__out;

static inline void bw_json__put(bw_json__out *w, const void *p, bw_u32 n) {
    if (w->b.len + n > w->cap) {
        w->cap = (w->b.len + n) * 2 + 16;
        w->b.ptr = (bw_u8 *)bw_realloc(w->b.ptr, w->cap);
    }
    bw_copy(w->b.ptr + w->b.len, p, n);
    w->b.len += n;
}

static inline void bw_json__puts(bw_json__out *w, const char *s) { bw_json__put(w, s, bw_strlen(s)); }

/* Writes a string literal: quotes, backslashes and control characters escaped, other bytes
 * (UTF-8 included) as they are. */
static inline void bw_json__quote(bw_json__out *w, const bw_u8 *s, bw_u32 n) {
    static const char hex[] = "0123456789abcdef";
    bw_json__put(w, "\"", 1);
    for (bw_u32 i = 0; i < n; i++) {
        bw_u8 c = s[i];
        char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4 & 15], hex[c & 15]};
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            bw_json__put(w, esc, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            bw_json__put(w, esc, 2);
        } else if (c < 0x20) {
            bw_json__put(w, esc, 6);
        } else {
            bw_json__put(w, &c, 1);
        }
    }
    bw_json__put(w, "\"", 1);
}

/* ---- finding a path ------------------------------------------------------------------ */

/* Where a path leads: the value's bytes [start, end), or the object lacking key
 * path[missing], whose closing brace is at `close`. */
typedef struct {
    int found, empty;
    bw_u32 start, end, missing, close;
} bw_json__place;

static inline bw_json_status bw_json__fail(bw_json_error *err, bw_json_error e) {
    if (err) *err = e;
    return e.status;
}

/* 1 if the checked key literal at lit equals the NUL-terminated key. */
static inline int bw_json__key_eq(const bw_u8 *lit, bw_u32 len, const char *key) {
    bw_u32 n = bw_strlen(key), i = 1;
    while (i + 1 < len && lit[i] != '\\') i++;
    if (i + 1 >= len) /* no escape: compare the bytes between the quotes */
        return len - 2 == n && bw_mem_eq(lit + 1, key, n);
    bw_buf tmp = bw_buf_new(len);
    tmp.len = bw_json__unquote(lit, len, tmp.ptr);
    int eq = tmp.len == n && bw_mem_eq(tmp.ptr, key, n);
    bw_free(tmp);
    return eq;
}

static inline bw_json_status bw_json__find(bw_buf doc, const char *const *path, bw_u32 n,
                                           bw_json__place *pl, bw_json_error *err) {
    bw_json__scan s = {doc.ptr, doc.len, 0};
    bw_json_error e = {BW_JSON_OK, 0, 0, 0, 0, {0, 0}};
    if (!bw_json__value(&s, 0) || (bw_json__space(&s), s.i != s.n)) {
        e.status = BW_JSON_INVALID;
        e.offset = s.i;
        return bw_json__fail(err, e);
    }
    s.i = 0;
    bw_json__space(&s);
    for (bw_u32 k = 0; k < n; k++) {
        if (doc.ptr[s.i] != '{') {
            e.status = BW_JSON_NOT_OBJECT;
            e.step = k;
            e.found = doc.ptr[s.i];
            return bw_json__fail(err, e);
        }
        s.i++;
        bw_json__space(&s);
        bw_u32 members = 0, value_at = 0;
        int matched = 0;
        /* Everything here was checked above. */
        while (doc.ptr[s.i] != '}') {
            bw_u32 key_start = s.i;
            bw_json__string(&s);
            int eq = bw_json__key_eq(doc.ptr + key_start, s.i - key_start, path[k]);
            bw_json__space(&s);
            s.i++; /* ':' */
            bw_json__space(&s);
            if (eq) {
                matched = 1;
                value_at = s.i;
            }
            bw_json__value(&s, 0);
            bw_json__space(&s);
            bw_json__at(&s, ',');
            bw_json__space(&s);
            members++;
        }
        if (!matched) {
            pl->found = 0;
            pl->missing = k;
            pl->close = s.i;
            pl->empty = members == 0;
            return BW_JSON_OK;
        }
        s.i = value_at;
    }
    pl->found = 1;
    pl->start = s.i;
    bw_json__value(&s, 0);
    pl->end = s.i;
    return BW_JSON_OK;
}

/* ---- reading ------------------------------------------------------------------------- */

/* The text of the value at `path` (any type: a string keeps its quotes and escapes, a number
 * its spelling), pointing into `doc`: do not free it. n = 0 is the whole document. */
static inline bw_json_status bw_json_raw(bw_buf doc, const char *const *path, bw_u32 n,
                                         bw_buf *out, bw_json_error *err) {
    bw_json__place pl;
    bw_json_status st = bw_json__find(doc, path, n, &pl, err);
    if (st != BW_JSON_OK) return st;
    if (!pl.found) {
        bw_json_error e = {BW_JSON_NOT_FOUND, 0, 0, 0, 0, {0, 0}};
        return bw_json__fail(err, e);
    }
    out->ptr = doc.ptr + pl.start;
    out->len = pl.end - pl.start;
    return BW_JSON_OK;
}

/* bw_json_raw, failing with BW_JSON_WRONG_TYPE unless the value starts with one of `first`. */
static inline bw_json_status bw_json__typed(bw_buf doc, const char *const *path, bw_u32 n,
                                            const char *first, const char *want, bw_buf *out,
                                            bw_json_error *err) {
    bw_json_status st = bw_json_raw(doc, path, n, out, err);
    if (st != BW_JSON_OK) return st;
    for (const char *f = first; *f; f++)
        if ((bw_u8)*f == out->ptr[0]) return BW_JSON_OK;
    bw_json_error e = {BW_JSON_WRONG_TYPE, 0, 0, out->ptr[0], want, *out};
    return bw_json__fail(err, e);
}

/* The string at `path`, unescaped, in a new buffer (free with bw_free). */
static inline bw_json_status bw_json_get_string(bw_buf doc, const char *const *path, bw_u32 n,
                                                bw_buf *out, bw_json_error *err) {
    bw_buf lit;
    bw_json_status st = bw_json__typed(doc, path, n, "\"", "a string", &lit, err);
    if (st != BW_JSON_OK) return st;
    *out = bw_buf_new(lit.len);
    out->len = bw_json__unquote(lit.ptr, lit.len, out->ptr);
    return BW_JSON_OK;
}

/* The number at `path`, which must be written as an integer (no fraction or exponent)
 * within the range of a 64-bit signed integer. */
static inline bw_json_status bw_json_get_int(bw_buf doc, const char *const *path, bw_u32 n,
                                             bw_i64 *out, bw_json_error *err) {
    bw_buf t;
    bw_json_status st = bw_json__typed(doc, path, n, "-0123456789", "a number", &t, err);
    if (st != BW_JSON_OK) return st;
    int neg = t.ptr[0] == '-';
    bw_u64 limit = neg ? 0x8000000000000000ULL : 0x7fffffffffffffffULL, v = 0;
    for (bw_u32 i = (bw_u32)neg; i < t.len; i++) {
        bw_u8 c = t.ptr[i];
        if (c < '0' || c > '9' || v > (limit - (bw_u64)(c - '0')) / 10) {
            bw_json_error e = {BW_JSON_WRONG_TYPE, 0, 0, t.ptr[0], 0, t};
            return bw_json__fail(err, e);
        }
        v = v * 10 + (bw_u64)(c - '0');
    }
    *out = neg ? (bw_i64)(0 - v) : (bw_i64)v;
    return BW_JSON_OK;
}

/* The boolean at `path`: *out = 1 for true, 0 for false. */
static inline bw_json_status bw_json_get_bool(bw_buf doc, const char *const *path, bw_u32 n,
                                              int *out, bw_json_error *err) {
    bw_buf t;
    bw_json_status st = bw_json__typed(doc, path, n, "tf", "a boolean", &t, err);
    if (st == BW_JSON_OK) *out = t.ptr[0] == 't';
    return st;
}

/* *out = 1 if the value at `path` is null, else 0; a missing path is an error, not null. */
static inline bw_json_status bw_json_is_null(bw_buf doc, const char *const *path, bw_u32 n,
                                             int *out, bw_json_error *err) {
    bw_buf t;
    bw_json_status st = bw_json_raw(doc, path, n, &t, err);
    if (st == BW_JSON_OK) *out = t.ptr[0] == 'n';
    return st;
}

/* ---- writing ------------------------------------------------------------------------- */

/* A copy of doc with the JSON text `enc` at `path`. A missing last key is added at the end
 * of its object, and missing objects on the way are created; a step that exists but is not
 * an object is an error. */
static inline bw_json_status bw_json__splice(bw_buf doc, const char *const *path, bw_u32 n,
                                             const void *enc, bw_u32 enc_len, bw_buf *out,
                                             bw_json_error *err) {
    bw_json__place pl;
    bw_json_status st = bw_json__find(doc, path, n, &pl, err);
    if (st != BW_JSON_OK) return st;
    bw_json__out w = {{0, 0}, 0};
    bw_u32 at = pl.found ? pl.start : pl.close, end = pl.found ? pl.end : pl.close;
    bw_json__put(&w, doc.ptr, at);
    if (!pl.found) {
        /* `"k1":{"k2":...:value}` before the closing brace */
        if (!pl.empty) bw_json__put(&w, ",", 1);
        for (bw_u32 k = pl.missing; k < n; k++) {
            if (k > pl.missing) bw_json__put(&w, "{", 1);
            bw_json__quote(&w, (const bw_u8 *)path[k], bw_strlen(path[k]));
            bw_json__put(&w, ":", 1);
        }
    }
    bw_json__put(&w, enc, enc_len);
    if (!pl.found)
        for (bw_u32 k = pl.missing + 1; k < n; k++) bw_json__put(&w, "}", 1);
    bw_json__put(&w, doc.ptr + end, doc.len - end);
    *out = w.b;
    return BW_JSON_OK;
}

/* A copy of doc (free with bw_free) with the value at `path` replaced by, or set to, the
 * string of `len` bytes at `s` (quotes, backslashes and control characters escaped). */
static inline bw_json_status bw_json_set_string(bw_buf doc, const char *const *path, bw_u32 n,
                                                const void *s, bw_u32 len, bw_buf *out,
                                                bw_json_error *err) {
    bw_json__out w = {{0, 0}, 0};
    bw_json__quote(&w, (const bw_u8 *)s, len);
    bw_json_status st = bw_json__splice(doc, path, n, w.b.ptr, w.b.len, out, err);
    bw_free(w.b);
    return st;
}

/* bw_json_set_string for an integer. */
static inline bw_json_status bw_json_set_int(bw_buf doc, const char *const *path, bw_u32 n,
                                             bw_i64 v, bw_buf *out, bw_json_error *err) {
    char text[20];
    return bw_json__splice(doc, path, n, text, bw_fmt_i64(text, v), out, err);
}

/* bw_json_set_string for a boolean (0 is false, anything else true). */
static inline bw_json_status bw_json_set_bool(bw_buf doc, const char *const *path, bw_u32 n,
                                              int v, bw_buf *out, bw_json_error *err) {
    return bw_json__splice(doc, path, n, v ? "true" : "false", v ? 4 : 5, out, err);
}

/* bw_json_set_string for null. */
static inline bw_json_status bw_json_set_null(bw_buf doc, const char *const *path, bw_u32 n,
                                              bw_buf *out, bw_json_error *err) {
    return bw_json__splice(doc, path, n, "null", 4, out, err);
}

/* bw_json_set_string for any value given as JSON text (such as a number with a fraction),
 * which must be one JSON value: else BW_JSON_INVALID, with the offset in that text. */
static inline bw_json_status bw_json_set_raw(bw_buf doc, const char *const *path, bw_u32 n,
                                             const void *json, bw_u32 len, bw_buf *out,
                                             bw_json_error *err) {
    bw_json__scan s = {(const bw_u8 *)json, len, 0};
    if (!bw_json__value(&s, 0) || (bw_json__space(&s), s.i != s.n)) {
        bw_json_error e = {BW_JSON_INVALID, s.i, 0, 0, 0, {0, 0}};
        return bw_json__fail(err, e);
    }
    return bw_json__splice(doc, path, n, json, len, out, err);
}

/* ---- messages ------------------------------------------------------------------------ */

static inline const char *bw_json__type_name(bw_u8 c) {
    switch (c) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
    }
}

static inline void bw_json__path(bw_json__out *w, const char *const *path, bw_u32 n) {
    for (bw_u32 k = 0; k < n; k++) {
        if (k > 0) bw_json__put(w, ".", 1);
        bw_json__puts(w, path[k]);
    }
}

/* The error as text, in a new buffer (free with bw_free), e.g. "path email: not found";
 * pass the path the failing call was given. */
static inline bw_buf bw_json_error_message(const bw_json_error *err, const char *const *path,
                                           bw_u32 n) {
    bw_json__out w = {{0, 0}, 0};
    char num[20];
    if (err->status == BW_JSON_INVALID) {
        bw_json__puts(&w, "invalid JSON at byte ");
        bw_json__put(&w, num, bw_fmt_i64(num, err->offset));
        return w.b;
    }
    bw_json__puts(&w, "path ");
    bw_json__path(&w, path, n);
    bw_json__puts(&w, ": ");
    switch (err->status) {
    case BW_JSON_NOT_FOUND: bw_json__puts(&w, "not found"); break;
    case BW_JSON_NOT_OBJECT:
        if (err->step == 0) bw_json__puts(&w, "the root");
        else bw_json__path(&w, path, err->step);
        bw_json__puts(&w, " is ");
        bw_json__puts(&w, bw_json__type_name(err->found));
        bw_json__puts(&w, ", not an object");
        break;
    case BW_JSON_WRONG_TYPE:
        if (err->want) {
            bw_json__puts(&w, bw_json__type_name(err->found));
            bw_json__puts(&w, ", not ");
            bw_json__puts(&w, err->want);
        } else {
            bw_json__put(&w, err->raw.ptr, err->raw.len);
            bw_json__puts(&w, " is not a 64-bit integer");
        }
        break;
    default: bw_json__puts(&w, "no error");
    }
    return w.b;
}

#endif /* BENTHOS_WASM_JSON_H */
