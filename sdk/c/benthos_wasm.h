/*
 * benthos_wasm.h - C guest SDK for the benthos-wasm `wasm_smt` processor.
 *
 * One header, no libc: build with
 *
 *     clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o guest.wasm guest.c
 *
 * The ABI is described in docs/ABI.md. This header gives you:
 *
 *   - declarations of the ten host functions imported from module "env"
 *     (bw_host_get_value, bw_host_set_value, ...) and of the eleven extensions
 *     (bw_host_has_key, bw_host_drop_record, bw_host_emit_record, bw_host_get_param, ...);
 *   - an allocator and the exports the host needs, "alloc" and "dealloc";
 *   - helpers that return getter results as a bw_buf {ptr, len} and set fields from
 *     C strings or byte buffers;
 *   - the extensions: bw_has_key, bw_has_header, bw_remove_header, header name iteration,
 *     bw_partition, bw_timestamp, bw_set_timestamp, bw_drop, bw_emit / bw_emit_json,
 *     bw_param, bw_log;
 *   - the record JSON of get_record / set_record / emit_record as a bw_record (parser and
 *     writer), base64, decimal formatting;
 *   - bw_error / bw_error_n to return an error to the host (bit 31 of the length).
 *
 * benthos_wasm_json.h (which includes this header) adds helpers that read and write one
 * string, number, boolean or null at a path of a JSON value, such as the record's value.
 *
 * Exactly one .c file of a module must define BENTHOS_WASM_IMPLEMENTATION before including
 * this header: that file gets the allocator, the "alloc"/"dealloc" exports, the record JSON
 * and base64 code (and weak memcpy/memmove/memset, which clang may emit calls to; define
 * BENTHOS_WASM_NO_MEMFUNCS if a libc provides them). Other files include the header without
 * the macro.
 *
 *     #define BENTHOS_WASM_IMPLEMENTATION
 *     #include "benthos_wasm.h"
 *
 *     BW_EXPORT("to_upper") void to_upper(void) {
 *         bw_buf v = bw_get_value();
 *         for (bw_u32 i = 0; i < v.len; i++)
 *             if (v.ptr[i] >= 'a' && v.ptr[i] <= 'z') v.ptr[i] -= 32;
 *         bw_set_value(v.ptr, v.len);
 *         bw_free(v);
 *     }
 *
 * Allocator: size classes of powers of two (16 bytes to 2 GiB) with one free list each, on
 * top of memory taken from __heap_base upwards (growing the memory as needed). Freed blocks
 * are reused by later allocations of the same class, so a guest that frees what it
 * allocates runs in bounded memory however many records it processes. Each block carries an
 * 8-byte header (class and an in-use marker); freeing a pointer that is not a live block
 * traps. Out of memory traps.
 *
 * Memory ownership (see docs/ABI.md):
 *   - every getter result is a block from alloc: free it with bw_free (also when empty);
 *   - setters copy: the guest keeps (and frees) its buffers;
 *   - the buffer of bw_error is freed by the host through "dealloc".
 *
 * Native builds (for unit tests only): defining BENTHOS_WASM_NATIVE lets the header compile
 * for the build machine. The host functions are then plain extern functions the test
 * program defines, the allocator works in a static arena, and pointers must fit in 32 bits
 * for bw_pack (link with -no-pie). See sdk/c/test.
 */
#ifndef BENTHOS_WASM_H
#define BENTHOS_WASM_H

#if !defined(__wasm32__) && !defined(BENTHOS_WASM_NATIVE)
#error "benthos_wasm.h targets wasm32 (clang --target=wasm32)"
#endif

typedef unsigned char bw_u8;
typedef unsigned int bw_u32;
typedef unsigned long long bw_u64;
typedef int bw_i32;
typedef long long bw_i64;

typedef __UINTPTR_TYPE__ bw_uptr; /* 32 bits on wasm32 */

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a function as a module export named `name`. */
#ifdef BENTHOS_WASM_NATIVE
#define BW_EXPORT(name)
#define BW_IMPORT(name)
#ifndef BENTHOS_WASM_NO_MEMFUNCS
#define BENTHOS_WASM_NO_MEMFUNCS /* the native libc has them */
#endif
#else
#define BW_EXPORT(name) __attribute__((export_name(name)))
#define BW_IMPORT(name) __attribute__((import_module("env"), import_name(name)))
#endif

/* ------------------------------------------------------------------------------------- */
/* Host functions (import module "env")                                                   */
/* ------------------------------------------------------------------------------------- */

/* Getters return ptr << 32 | len of a buffer the host got from our "alloc". */
BW_IMPORT("get_key") bw_u64 bw_host_get_key(void);
BW_IMPORT("set_key") void bw_host_set_key(const void *ptr, bw_u32 len);
BW_IMPORT("get_value") bw_u64 bw_host_get_value(void);
BW_IMPORT("set_value") void bw_host_set_value(const void *ptr, bw_u32 len);
BW_IMPORT("get_topic") bw_u64 bw_host_get_topic(void);
BW_IMPORT("set_topic") void bw_host_set_topic(const void *ptr, bw_u32 len);
BW_IMPORT("get_header") bw_u64 bw_host_get_header(const void *name_ptr, bw_u32 name_len);
BW_IMPORT("set_header") void bw_host_set_header(const void *name_ptr, bw_u32 name_len,
                                                const void *val_ptr, bw_u32 val_len);
BW_IMPORT("get_record") bw_u64 bw_host_get_record(void);
BW_IMPORT("set_record") void bw_host_set_record(const void *ptr, bw_u32 len);

/* Extensions (docs/ABI.md, "Extensions"). A module imports only the ones it calls. */
BW_IMPORT("has_key") bw_i32 bw_host_has_key(void);
BW_IMPORT("has_header") bw_i32 bw_host_has_header(const void *name_ptr, bw_u32 name_len);
BW_IMPORT("remove_header") void bw_host_remove_header(const void *name_ptr, bw_u32 name_len);
BW_IMPORT("get_header_names") bw_u64 bw_host_get_header_names(void);
BW_IMPORT("get_partition") bw_i32 bw_host_get_partition(void);
BW_IMPORT("get_timestamp") bw_i64 bw_host_get_timestamp(void);
BW_IMPORT("set_timestamp") void bw_host_set_timestamp(bw_i64 ms);
BW_IMPORT("drop_record") void bw_host_drop_record(void);
BW_IMPORT("emit_record") void bw_host_emit_record(const void *ptr, bw_u32 len);
BW_IMPORT("get_param") bw_u64 bw_host_get_param(const void *name_ptr, bw_u32 name_len);
BW_IMPORT("log") void bw_host_log(bw_i32 level, const void *ptr, bw_u32 len);

/* ------------------------------------------------------------------------------------- */
/* Allocator (defined with BENTHOS_WASM_IMPLEMENTATION)                                   */
/* ------------------------------------------------------------------------------------- */

/* Exported as "alloc": `size` bytes, 8-byte aligned, never NULL (traps when out of memory).
 * alloc(0) returns a real (minimum-size) block, to be freed like any other. */
void *bw_alloc(bw_u32 size);
/* Exported as "dealloc": frees a block from bw_alloc. `len` is ignored apart from its use by
 * the host (bit 31 may be set); dealloc(NULL, ...) does nothing. */
void bw_dealloc(void *ptr, bw_u32 len);
/* Grows or shrinks a block from bw_alloc to `size` bytes, keeping its contents up to the
 * smaller size; may move it. bw_realloc(NULL, n) is bw_alloc(n). */
void *bw_realloc(void *ptr, bw_u32 size);

/* ------------------------------------------------------------------------------------- */
/* Buffers and results                                                                    */
/* ------------------------------------------------------------------------------------- */

/* A buffer owned by the guest: `ptr` is a block from bw_alloc (or NULL), `len` its length. */
typedef struct {
    bw_u8 *ptr;
    bw_u32 len;
} bw_buf;

#define BW_ERROR_BIT 0x80000000u
/* The result of a function that succeeded (the host then calls dealloc(0, 0): a no-op). */
#define BW_OK ((bw_u64)0)

static inline bw_u64 bw_pack(const void *ptr, bw_u32 len) {
    return ((bw_u64)(bw_u32)(bw_uptr)ptr << 32) | (bw_u64)len;
}

static inline bw_buf bw_unpack(bw_u64 packed) {
    bw_buf b;
    b.ptr = (bw_u8 *)(bw_uptr)(bw_u32)(packed >> 32);
    b.len = (bw_u32)packed;
    return b;
}

static inline void bw_free(bw_buf b) { bw_dealloc(b.ptr, b.len); }

static inline bw_u32 bw_strlen(const char *s) {
    bw_u32 n = 0;
    while (s[n]) n++;
    return n;
}

/* Allocates a buffer of `len` bytes (contents undefined). */
static inline bw_buf bw_buf_new(bw_u32 len) {
    bw_buf b;
    b.ptr = (bw_u8 *)bw_alloc(len);
    b.len = len;
    return b;
}

/* Copies `n` bytes from `src` to `dst` (the regions must not overlap). */
static inline void bw_copy(void *dst, const void *src, bw_u32 n) {
    bw_u8 *d = (bw_u8 *)dst;
    const bw_u8 *s = (const bw_u8 *)src;
    for (bw_u32 i = 0; i < n; i++) d[i] = s[i];
}

/* A new buffer holding a copy of `n` bytes at `p`. */
static inline bw_buf bw_buf_copy(const void *p, bw_u32 n) {
    bw_buf b = bw_buf_new(n);
    bw_copy(b.ptr, p, n);
    return b;
}

/* 1 if the `n` bytes at `a` and `b` are equal. */
static inline int bw_mem_eq(const void *a, const void *b, bw_u32 n) {
    const bw_u8 *x = (const bw_u8 *)a, *y = (const bw_u8 *)b;
    for (bw_u32 i = 0; i < n; i++)
        if (x[i] != y[i]) return 0;
    return 1;
}

/* 1 if `b` holds exactly the NUL-terminated string `s`. */
static inline int bw_buf_eq_str(bw_buf b, const char *s) {
    bw_u32 n = bw_strlen(s);
    return b.len == n && bw_mem_eq(b.ptr, s, n);
}

/* The offset of the first occurrence of the `n` bytes at `needle` in `b`, or -1
 * (an empty needle is found at 0). */
static inline long bw_find(bw_buf b, const void *needle, bw_u32 n) {
    if (n > b.len) return -1;
    for (bw_u32 i = 0; i + n <= b.len; i++)
        if (bw_mem_eq(b.ptr + i, needle, n)) return (long)i;
    return -1;
}

/* 1 if `b` contains the NUL-terminated string `s`. */
static inline int bw_contains(bw_buf b, const char *s) { return bw_find(b, s, bw_strlen(s)) >= 0; }

/* Writes `v` in decimal (with a leading '-' if negative) to `dst`, which must have room for
 * 20 bytes; returns the number of bytes written. No NUL is written. */
static inline bw_u32 bw_fmt_i64(char *dst, bw_i64 v) {
    char tmp[20];
    bw_u32 n = 0, out = 0;
    bw_u64 u = v < 0 ? (bw_u64)0 - (bw_u64)v : (bw_u64)v; /* also right for INT64_MIN */
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0) dst[out++] = '-';
    while (n) dst[out++] = tmp[--n];
    return out;
}

/* Upper-cases the ASCII letters of the `len` bytes at `p` in place; every other byte,
 * including those of non-ASCII UTF-8 characters, is left alone. Eight bytes at a time:
 * wasm32 has no SIMD by default, and a byte loop dominates a transform of 1 KiB. */
static inline void bw_upper_ascii(bw_u8 *p, bw_u32 len) {
    const bw_u64 low = 0x7f7f7f7f7f7f7f7fULL, high = 0x8080808080808080ULL;
    const bw_u64 from_a = 0x1f1f1f1f1f1f1f1fULL; /* 0x80 - 'a' in each byte */
    const bw_u64 past_z = 0x0505050505050505ULL; /* 0x80 - ('z' + 1) in each byte */
    bw_u32 i = 0;
    for (; i + 8 <= len; i += 8) {
        bw_u64 x;
        __builtin_memcpy(&x, p + i, 8); /* wasm32 and x86 are little-endian */
        bw_u64 l = x & low;
        /* high bit per byte: >= 'a' in l + from_a, > 'z' in l + past_z (seven-bit sums
         * never carry); x's own high bit marks non-ASCII bytes */
        bw_u64 lower = (l + from_a) & ~(l + past_z) & ~x & high;
        x ^= lower >> 2;
        __builtin_memcpy(p + i, &x, 8);
    }
    for (; i < len; i++)
        if (p[i] >= 'a' && p[i] <= 'z') p[i] -= 'a' - 'A';
}

/* Compares `b` with the first `n` bytes of `prefix`. */
static inline int bw_has_prefix(bw_buf b, const void *prefix, bw_u32 n) {
    const bw_u8 *p = (const bw_u8 *)prefix;
    if (b.len < n) return 0;
    for (bw_u32 i = 0; i < n; i++)
        if (b.ptr[i] != p[i]) return 0;
    return 1;
}

/* Returns an error to the host: `msg` (len bytes of UTF-8) is copied into a block from
 * bw_alloc, the length gets bit 31; the host frees the block with dealloc. Use as
 * `return bw_error_n(p, n);` from a function declared to return bw_u64. */
static inline bw_u64 bw_error_n(const void *msg, bw_u32 len) {
    const bw_u8 *m = (const bw_u8 *)msg;
    len &= ~BW_ERROR_BIT;
    bw_u8 *p = (bw_u8 *)bw_alloc(len);
    for (bw_u32 i = 0; i < len; i++) p[i] = m[i];
    return bw_pack(p, len | BW_ERROR_BIT);
}

static inline bw_u64 bw_error(const char *msg) { return bw_error_n(msg, bw_strlen(msg)); }

/* Returns an error whose message is a buffer the guest already allocated with bw_alloc
 * (ownership passes to the host). */
static inline bw_u64 bw_error_buf(bw_buf msg) {
    return bw_pack(msg.ptr, (msg.len & ~BW_ERROR_BIT) | BW_ERROR_BIT);
}

/* ------------------------------------------------------------------------------------- */
/* Record access. Getter results must be released with bw_free. A getter on an absent      */
/* key/value/topic/header makes the host abandon the call (the record fails).             */
/* ------------------------------------------------------------------------------------- */

static inline bw_buf bw_get_value(void) { return bw_unpack(bw_host_get_value()); }
static inline void bw_set_value(const void *p, bw_u32 n) { bw_host_set_value(p, n); }

static inline bw_buf bw_get_key(void) { return bw_unpack(bw_host_get_key()); }
static inline void bw_set_key(const void *p, bw_u32 n) { bw_host_set_key(p, n); }

static inline bw_buf bw_get_topic(void) { return bw_unpack(bw_host_get_topic()); }
static inline void bw_set_topic(const void *p, bw_u32 n) { bw_host_set_topic(p, n); }

static inline bw_buf bw_get_header_n(const void *name, bw_u32 name_len) {
    return bw_unpack(bw_host_get_header(name, name_len));
}
static inline bw_buf bw_get_header(const char *name) {
    return bw_get_header_n(name, bw_strlen(name));
}
static inline void bw_set_header_n(const void *name, bw_u32 name_len, const void *p, bw_u32 n) {
    bw_host_set_header(name, name_len, p, n);
}
static inline void bw_set_header(const char *name, const void *p, bw_u32 n) {
    bw_host_set_header(name, bw_strlen(name), p, n);
}

/* The record JSON of docs/ABI.md, raw. */
static inline bw_buf bw_get_record_json(void) { return bw_unpack(bw_host_get_record()); }
static inline void bw_set_record_json(const void *p, bw_u32 n) { bw_host_set_record(p, n); }

/* ------------------------------------------------------------------------------------- */
/* Extensions (docs/ABI.md, "Extensions")                                                 */
/* ------------------------------------------------------------------------------------- */

/* 1 if the record has a key, else 0. Sees the writes made earlier in the call. */
static inline int bw_has_key(void) { return bw_host_has_key() != 0; }

/* 1 if the record has the header, else 0. */
static inline int bw_has_header_n(const void *name, bw_u32 name_len) {
    return bw_host_has_header(name, name_len) != 0;
}
static inline int bw_has_header(const char *name) { return bw_has_header_n(name, bw_strlen(name)); }

/* Removes the header (nothing happens if it is absent). */
static inline void bw_remove_header_n(const void *name, bw_u32 name_len) {
    bw_host_remove_header(name, name_len);
}
static inline void bw_remove_header(const char *name) { bw_remove_header_n(name, bw_strlen(name)); }

/* The record's partition, -1 if it has none. */
static inline bw_i32 bw_partition(void) { return bw_host_get_partition(); }

/* The record's timestamp in milliseconds since the Unix epoch, -1 if it has none. */
static inline bw_i64 bw_timestamp(void) { return bw_host_get_timestamp(); }

/* Sets the timestamp; a negative `ms` makes the host fail the record. */
static inline void bw_set_timestamp(bw_i64 ms) { bw_host_set_timestamp(ms); }

/* Filters this record out if the call succeeds (acknowledged, not an error). Records
 * emitted in the same call are still passed on. */
static inline void bw_drop(void) { bw_host_drop_record(); }

/* Emits an extra record after this one (fan-out) from record JSON: a copy of the incoming
 * record (partition, timestamp... included) with topic, key, value and headers replaced from
 * the JSON, as set_record would. It appears only if the call succeeds. Malformed JSON fails
 * the record. */
static inline void bw_emit_json(const void *json, bw_u32 len) { bw_host_emit_record(json, len); }

/* Looks up the entry `name` of the processor's `params` map. Returns 1 and stores the value in
 * *out (free it with bw_free; it may be empty) if there is one, else returns 0 and stores an
 * empty buffer. `out` may be NULL to test presence only. */
static inline int bw_param_n(const void *name, bw_u32 name_len, bw_buf *out) {
    bw_u64 r = bw_host_get_param(name, name_len);
    if (r == ~(bw_u64)0) { /* -1: no such entry */
        if (out) {
            out->ptr = 0;
            out->len = 0;
        }
        return 0;
    }
    bw_buf b = bw_unpack(r);
    if (out)
        *out = b;
    else
        bw_free(b);
    return 1;
}
static inline int bw_param(const char *name, bw_buf *out) {
    return bw_param_n(name, bw_strlen(name), out);
}

/* Log levels of the `log` host function. */
#define BW_LOG_DEBUG 0
#define BW_LOG_INFO 1
#define BW_LOG_WARN 2
#define BW_LOG_ERROR 3

/* Writes `len` bytes of UTF-8 at `msg` to the host log at `level` (BW_LOG_...). */
static inline void bw_log(bw_i32 level, const void *msg, bw_u32 len) { bw_host_log(level, msg, len); }
static inline void bw_log_str(bw_i32 level, const char *msg) { bw_host_log(level, msg, bw_strlen(msg)); }
static inline void bw_log_debug(const char *msg) { bw_log_str(BW_LOG_DEBUG, msg); }
static inline void bw_log_info(const char *msg) { bw_log_str(BW_LOG_INFO, msg); }
static inline void bw_log_warn(const char *msg) { bw_log_str(BW_LOG_WARN, msg); }
static inline void bw_log_error(const char *msg) { bw_log_str(BW_LOG_ERROR, msg); }

/* Header names (get_header_names), iterated in the host's order (ascending bytes):
 *
 *     bw_header_names it = bw_get_header_names();
 *     bw_buf name;
 *     while (bw_header_names_next(&it, &name)) { ... name.ptr, name.len ... }
 *     bw_header_names_free(&it);
 *
 * `name` points into the iterator's buffer (do not free it; it is valid until
 * bw_header_names_free). `count` is the number of names. */
typedef struct {
    bw_buf buf;    /* the host's buffer: u32 LE count, then per name u32 LE length + bytes */
    bw_u32 count;  /* number of names */
    bw_u32 next;   /* index of the next name */
    bw_u32 off;    /* offset of the next name's length in buf */
} bw_header_names;

/* Checks the structure of a header names buffer and sets up an iterator over it (taking
 * ownership of `buf`). Returns 1, or 0 if the buffer is malformed (truncated, or with
 * trailing bytes); the iterator then yields nothing but still owns `buf`. */
static inline int bw_header_names_init(bw_header_names *it, bw_buf buf) {
    it->buf = buf;
    it->count = 0;
    it->next = 0;
    it->off = 4;
    if (buf.len < 4) return 0;
    bw_u32 count = (bw_u32)buf.ptr[0] | (bw_u32)buf.ptr[1] << 8 | (bw_u32)buf.ptr[2] << 16 |
                   (bw_u32)buf.ptr[3] << 24;
    bw_u32 off = 4;
    for (bw_u32 i = 0; i < count; i++) {
        if (buf.len - off < 4) return 0;
        const bw_u8 *p = buf.ptr + off;
        bw_u32 n = (bw_u32)p[0] | (bw_u32)p[1] << 8 | (bw_u32)p[2] << 16 | (bw_u32)p[3] << 24;
        off += 4;
        if (buf.len - off < n) return 0;
        off += n;
    }
    if (off != buf.len) return 0;
    it->count = count;
    return 1;
}

/* Reads the header names of the record. Traps if the host's buffer is malformed. */
static inline bw_header_names bw_get_header_names(void) {
    bw_header_names it;
    if (!bw_header_names_init(&it, bw_unpack(bw_host_get_header_names()))) __builtin_trap();
    return it;
}

/* Stores the next name in *name and returns 1, or returns 0 at the end. */
static inline int bw_header_names_next(bw_header_names *it, bw_buf *name) {
    if (it->next >= it->count) return 0;
    const bw_u8 *p = it->buf.ptr + it->off;
    bw_u32 n = (bw_u32)p[0] | (bw_u32)p[1] << 8 | (bw_u32)p[2] << 16 | (bw_u32)p[3] << 24;
    name->ptr = it->buf.ptr + it->off + 4;
    name->len = n;
    it->off += 4 + n;
    it->next++;
    return 1;
}

/* Restarts the iteration at the first name. */
static inline void bw_header_names_rewind(bw_header_names *it) {
    it->next = 0;
    it->off = 4;
}

/* Frees the iterator's buffer. */
static inline void bw_header_names_free(bw_header_names *it) {
    bw_free(it->buf);
    it->buf.ptr = 0;
    it->buf.len = 0;
    it->count = it->next = 0;
}

/* ------------------------------------------------------------------------------------- */
/* Base64 (standard alphabet, '=' padding), as in the record JSON                          */
/* ------------------------------------------------------------------------------------- */

/* Length of the padded encoding of `n` bytes. */
static inline bw_u32 bw_base64_encoded_len(bw_u32 n) { return (n + 2) / 3 * 4; }
/* Upper bound of the decoded length of `n` characters. */
static inline bw_u32 bw_base64_decoded_max(bw_u32 n) { return n / 4 * 3 + 3; }

/* Encodes `n` bytes at `src` into `dst` (room for bw_base64_encoded_len(n) bytes); returns
 * the number of bytes written. */
bw_u32 bw_base64_encode(const void *src, bw_u32 n, bw_u8 *dst);

/* Decodes `n` characters at `src` into `dst` (room for bw_base64_decoded_max(n) bytes; `dst`
 * may equal `src` to decode in place). Padding is optional; '\r' and '\n' are ignored.
 * Returns 1 and sets *out_len, or 0 on bad input (a character outside the alphabet, data
 * after padding, a dangling character, wrong padding). */
int bw_base64_decode(const void *src, bw_u32 n, bw_u8 *dst, bw_u32 *out_len);

/* ------------------------------------------------------------------------------------- */
/* Record JSON (get_record / set_record / emit_record)                                    */
/* ------------------------------------------------------------------------------------- */

typedef struct {
    bw_buf name;  /* UTF-8 */
    bw_buf value; /* decoded bytes */
} bw_header;

/* A whole record. Every buffer is owned by the record (a block from bw_alloc, or NULL when
 * empty/absent). has_topic/has_key/has_value tell absent (0) from empty (1 with len 0).
 * Change it with the bw_record_* functions, which keep ownership straight. */
typedef struct {
    int has_topic, has_key, has_value;
    bw_buf topic, key, value;
    bw_header *headers; /* n_headers entries, in the order of the JSON / of insertion */
    bw_u32 n_headers, cap_headers;
} bw_record;

/* An empty record: no topic, key, value or headers. */
void bw_record_init(bw_record *r);
/* Frees everything the record owns and makes it empty. */
void bw_record_free(bw_record *r);

/* Parses record JSON into *r (which need not be initialised; whatever it held is NOT freed).
 * Returns NULL on success, else a static error message (and *r is empty). `null` counts as
 * absent; unknown fields are skipped; a header appearing twice keeps the last value. */
const char *bw_record_parse(bw_record *r, const void *json, bw_u32 len);
/* Serialises *r as record JSON (absent fields left out) into a new buffer (free it). */
bw_buf bw_record_to_json(const bw_record *r);

/* Reads the whole record (get_record) into *r, as bw_record_parse. Free it with
 * bw_record_free. Returns NULL, or an error message. */
const char *bw_get_record(bw_record *r);
/* Replaces topic, key, value and all headers of the record (set_record). */
void bw_set_record(const bw_record *r);
/* Emits an extra record from *r (emit_record; see bw_emit_json). */
void bw_emit(const bw_record *r);

/* Field setters: copy `n` bytes at `p` (which may point into the record itself). */
void bw_record_set_topic(bw_record *r, const void *p, bw_u32 n);
void bw_record_set_key(bw_record *r, const void *p, bw_u32 n);
void bw_record_set_value(bw_record *r, const void *p, bw_u32 n);
/* Make a field absent. */
void bw_record_clear_topic(bw_record *r);
void bw_record_clear_key(bw_record *r);
void bw_record_clear_value(bw_record *r);
/* Headers by name (name and length, or NUL-terminated). get returns NULL if absent; the
 * returned buffer belongs to the record. */
const bw_buf *bw_record_header_n(const bw_record *r, const void *name, bw_u32 name_len);
void bw_record_set_header_n(bw_record *r, const void *name, bw_u32 name_len, const void *p,
                            bw_u32 n);
void bw_record_remove_header_n(bw_record *r, const void *name, bw_u32 name_len);
static inline const bw_buf *bw_record_header(const bw_record *r, const char *name) {
    return bw_record_header_n(r, name, bw_strlen(name));
}
static inline void bw_record_set_header(bw_record *r, const char *name, const void *p, bw_u32 n) {
    bw_record_set_header_n(r, name, bw_strlen(name), p, n);
}
static inline void bw_record_remove_header(bw_record *r, const char *name) {
    bw_record_remove_header_n(r, name, bw_strlen(name));
}

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------------------- */
/* Implementation                                                                         */
/* ------------------------------------------------------------------------------------- */

#ifdef BENTHOS_WASM_IMPLEMENTATION
#ifndef BENTHOS_WASM_IMPLEMENTED
#define BENTHOS_WASM_IMPLEMENTED

#ifdef __cplusplus
extern "C" {
#endif

#define BW__HEADER 8u            /* block header: magic (4 bytes) + class (4 bytes) */
#define BW__MIN_CLASS 4u         /* smallest payload: 16 bytes */
#define BW__MAX_CLASS 31u        /* largest payload: 2 GiB */
#define BW__MAGIC_USED 0xB3A7A110u
#define BW__MAGIC_FREE 0xB3A7F4EEu
#define BW__PAGE 65536ull

#ifdef BENTHOS_WASM_NATIVE
/* Native unit tests: a static arena stands for the linear memory. */
#ifndef BENTHOS_WASM_NATIVE_ARENA
#define BENTHOS_WASM_NATIVE_ARENA (64u << 20)
#endif
static unsigned char bw__arena[BENTHOS_WASM_NATIVE_ARENA] __attribute__((aligned(16)));
#define BW__HEAP_BASE ((bw_u64)(bw_uptr)bw__arena)
#else
extern unsigned char __heap_base; /* provided by wasm-ld: first byte after data and stack */
#define BW__HEAP_BASE ((bw_u64)(bw_uptr)&__heap_base)
#endif

static bw_u64 bw__top;                          /* next unused byte of the heap */
static void *bw__free_lists[BW__MAX_CLASS + 1]; /* per class: free payloads, linked */

static bw_u32 bw__class(bw_u32 size) {
    bw_u32 c = BW__MIN_CLASS;
    while (c < BW__MAX_CLASS && ((bw_u64)1 << c) < (bw_u64)size) c++;
    return c;
}

/* Takes `need` fresh bytes from the end of the heap, growing memory; traps if impossible. */
static bw_u8 *bw__sbrk(bw_u64 need) {
    if (bw__top == 0) bw__top = (BW__HEAP_BASE + 7u) & ~(bw_u64)7u;
    bw_u64 end = bw__top + need;
#ifdef BENTHOS_WASM_NATIVE
    if (end > BW__HEAP_BASE + sizeof bw__arena) __builtin_trap();
#else
    if (end > 0x100000000ull) __builtin_trap();
    bw_u64 have = (bw_u64)__builtin_wasm_memory_size(0) * BW__PAGE;
    if (end > have) {
        bw_u64 pages = (end - have + BW__PAGE - 1) / BW__PAGE;
        if (__builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1)
            __builtin_trap();
    }
#endif
    bw_u8 *p = (bw_u8 *)(bw_uptr)bw__top;
    bw__top = end;
    return p;
}

BW_EXPORT("alloc") void *bw_alloc(bw_u32 size) {
    if (size > ((bw_u32)1 << BW__MAX_CLASS)) __builtin_trap();
    bw_u32 c = bw__class(size);
    bw_u32 *h;
    void *p = bw__free_lists[c];
    if (p) {
        bw__free_lists[c] = *(void **)p;
        h = (bw_u32 *)((bw_u8 *)p - BW__HEADER);
        if (h[0] != BW__MAGIC_FREE || h[1] != c) __builtin_trap(); /* heap corrupted */
    } else {
        h = (bw_u32 *)bw__sbrk((bw_u64)BW__HEADER + ((bw_u64)1 << c));
        h[1] = c;
        p = (bw_u8 *)h + BW__HEADER;
    }
    h[0] = BW__MAGIC_USED;
    return p;
}

BW_EXPORT("dealloc") void bw_dealloc(void *ptr, bw_u32 len) {
    (void)len; /* the block header knows the size; bit 31 from the host is irrelevant */
    if (!ptr) return;
    bw_u64 a = (bw_u64)(bw_uptr)ptr;
    if ((a & 7u) != 0 || bw__top == 0 || a < BW__HEAP_BASE + BW__HEADER || a >= bw__top)
        __builtin_trap(); /* not a block of ours */
    bw_u32 *h = (bw_u32 *)((bw_u8 *)ptr - BW__HEADER);
    if (h[0] != BW__MAGIC_USED || h[1] < BW__MIN_CLASS || h[1] > BW__MAX_CLASS)
        __builtin_trap(); /* double free or bad pointer */
    h[0] = BW__MAGIC_FREE;
    *(void **)ptr = bw__free_lists[h[1]];
    bw__free_lists[h[1]] = ptr;
}

void *bw_realloc(void *ptr, bw_u32 size) {
    if (!ptr) return bw_alloc(size);
    bw_u32 *h = (bw_u32 *)((bw_u8 *)ptr - BW__HEADER);
    if (h[0] != BW__MAGIC_USED || h[1] < BW__MIN_CLASS || h[1] > BW__MAX_CLASS)
        __builtin_trap(); /* not a live block */
    bw_u64 cap = (bw_u64)1 << h[1];
    if ((bw_u64)size <= cap && bw__class(size) == h[1]) return ptr; /* same class: keep */
    void *n = bw_alloc(size);
    bw_copy(n, ptr, (bw_u32)((bw_u64)size < cap ? (bw_u64)size : cap));
    bw_dealloc(ptr, 0);
    return n;
}

/* ---- base64 ---------------------------------------------------------------------------- */

static const char bw__b64_alphabet[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bw_u32 bw_base64_encode(const void *src, bw_u32 n, bw_u8 *dst) {
    const bw_u8 *s = (const bw_u8 *)src;
    bw_u32 o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        bw_u32 v = (bw_u32)s[i] << 16 | (bw_u32)s[i + 1] << 8 | s[i + 2];
        dst[o++] = (bw_u8)bw__b64_alphabet[v >> 18 & 63];
        dst[o++] = (bw_u8)bw__b64_alphabet[v >> 12 & 63];
        dst[o++] = (bw_u8)bw__b64_alphabet[v >> 6 & 63];
        dst[o++] = (bw_u8)bw__b64_alphabet[v & 63];
    }
    if (i < n) {
        bw_u32 v = (bw_u32)s[i] << 16 | (i + 1 < n ? (bw_u32)s[i + 1] << 8 : 0);
        dst[o++] = (bw_u8)bw__b64_alphabet[v >> 18 & 63];
        dst[o++] = (bw_u8)bw__b64_alphabet[v >> 12 & 63];
        dst[o++] = i + 1 < n ? (bw_u8)bw__b64_alphabet[v >> 6 & 63] : (bw_u8)'=';
        dst[o++] = '=';
    }
    return o;
}

static int bw__sextet(bw_u8 c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int bw_base64_decode(const void *src, bw_u32 n, bw_u8 *dst, bw_u32 *out_len) {
    const bw_u8 *s = (const bw_u8 *)src;
    bw_u32 acc = 0, k = 0, pad = 0, o = 0;
    for (bw_u32 i = 0; i < n; i++) {
        bw_u8 c = s[i];
        if (c == '\r' || c == '\n') continue;
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad) return 0; /* data after padding */
        int v = bw__sextet(c);
        if (v < 0) return 0;
        acc = acc << 6 | (bw_u32)v;
        if (++k == 4) { /* o + 3 <= i + 1: writing in place never overtakes reading */
            dst[o++] = (bw_u8)(acc >> 16);
            dst[o++] = (bw_u8)(acc >> 8);
            dst[o++] = (bw_u8)acc;
            acc = 0;
            k = 0;
        }
    }
    if (k == 1) return 0;
    if (k == 2) dst[o++] = (bw_u8)(acc >> 4);
    if (k == 3) {
        dst[o++] = (bw_u8)(acc >> 10);
        dst[o++] = (bw_u8)(acc >> 2);
    }
    if (pad && (k + pad) % 4 != 0) return 0;
    *out_len = o;
    return 1;
}

/* ---- record ---------------------------------------------------------------------------- */

void bw_record_init(bw_record *r) {
    r->has_topic = r->has_key = r->has_value = 0;
    r->topic.ptr = r->key.ptr = r->value.ptr = 0;
    r->topic.len = r->key.len = r->value.len = 0;
    r->headers = 0;
    r->n_headers = r->cap_headers = 0;
}

static void bw__buf_release(bw_buf *b) {
    bw_free(*b);
    b->ptr = 0;
    b->len = 0;
}

static void bw__headers_free(bw_record *r) {
    for (bw_u32 i = 0; i < r->n_headers; i++) {
        bw_free(r->headers[i].name);
        bw_free(r->headers[i].value);
    }
    bw_dealloc(r->headers, 0);
    r->headers = 0;
    r->n_headers = r->cap_headers = 0;
}

void bw_record_free(bw_record *r) {
    bw__buf_release(&r->topic);
    bw__buf_release(&r->key);
    bw__buf_release(&r->value);
    bw__headers_free(r);
    bw_record_init(r);
}

/* Replaces *field with a copy of p/n (copy first: p may point into *field). */
static void bw__field_set(bw_buf *field, int *has, const void *p, bw_u32 n) {
    bw_buf b = bw_buf_copy(p, n);
    bw_free(*field);
    *field = b;
    *has = 1;
}

static void bw__field_clear(bw_buf *field, int *has) {
    bw__buf_release(field);
    *has = 0;
}

void bw_record_set_topic(bw_record *r, const void *p, bw_u32 n) { bw__field_set(&r->topic, &r->has_topic, p, n); }
void bw_record_set_key(bw_record *r, const void *p, bw_u32 n) { bw__field_set(&r->key, &r->has_key, p, n); }
void bw_record_set_value(bw_record *r, const void *p, bw_u32 n) { bw__field_set(&r->value, &r->has_value, p, n); }
void bw_record_clear_topic(bw_record *r) { bw__field_clear(&r->topic, &r->has_topic); }
void bw_record_clear_key(bw_record *r) { bw__field_clear(&r->key, &r->has_key); }
void bw_record_clear_value(bw_record *r) { bw__field_clear(&r->value, &r->has_value); }

static long bw__header_index(const bw_record *r, const void *name, bw_u32 name_len) {
    for (bw_u32 i = 0; i < r->n_headers; i++)
        if (r->headers[i].name.len == name_len && bw_mem_eq(r->headers[i].name.ptr, name, name_len))
            return (long)i;
    return -1;
}

const bw_buf *bw_record_header_n(const bw_record *r, const void *name, bw_u32 name_len) {
    long i = bw__header_index(r, name, name_len);
    return i < 0 ? 0 : &r->headers[i].value;
}

/* Sets header `name` to the buffer `value`, taking ownership of it. */
static void bw__header_put(bw_record *r, const void *name, bw_u32 name_len, bw_buf value) {
    long i = bw__header_index(r, name, name_len);
    if (i >= 0) {
        bw_free(r->headers[i].value);
        r->headers[i].value = value;
        return;
    }
    if (r->n_headers == r->cap_headers) {
        bw_u32 cap = r->cap_headers ? r->cap_headers * 2 : 4;
        if (cap > 0x7fffffffu / sizeof(bw_header)) __builtin_trap();
        r->headers = (bw_header *)bw_realloc(r->headers, cap * (bw_u32)sizeof(bw_header));
        r->cap_headers = cap;
    }
    r->headers[r->n_headers].name = bw_buf_copy(name, name_len);
    r->headers[r->n_headers].value = value;
    r->n_headers++;
}

void bw_record_set_header_n(bw_record *r, const void *name, bw_u32 name_len, const void *p,
                            bw_u32 n) {
    bw__header_put(r, name, name_len, bw_buf_copy(p, n));
}

void bw_record_remove_header_n(bw_record *r, const void *name, bw_u32 name_len) {
    long i = bw__header_index(r, name, name_len);
    if (i < 0) return;
    bw_free(r->headers[i].name);
    bw_free(r->headers[i].value);
    for (bw_u32 j = (bw_u32)i; j + 1 < r->n_headers; j++) r->headers[j] = r->headers[j + 1];
    r->n_headers--;
}

/* ---- JSON parser ----------------------------------------------------------------------- */

#define BW__MAX_DEPTH 64

typedef struct {
    const bw_u8 *s;
    bw_u32 n, i;
    const char *err;
} bw__jp;

static int bw__fail(bw__jp *p, const char *msg) {
    if (!p->err) p->err = msg;
    return 0;
}

static void bw__ws(bw__jp *p) {
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int bw__peek(const bw__jp *p) { return p->i < p->n ? p->s[p->i] : -1; }

static int bw__expect(bw__jp *p, bw_u8 c, const char *msg) {
    if (p->i < p->n && p->s[p->i] == c) {
        p->i++;
        return 1;
    }
    return bw__fail(p, msg);
}

static int bw__literal(bw__jp *p, const char *lit) {
    bw_u32 n = bw_strlen(lit);
    if (p->n - p->i < n || !bw_mem_eq(p->s + p->i, lit, n))
        return bw__fail(p, "record json: invalid literal");
    p->i += n;
    return 1;
}

/* Consumes `null` if it is next: returns 1 if it was. */
static int bw__null(bw__jp *p) {
    if (bw__peek(p) == 'n' && p->n - p->i >= 4 && bw_mem_eq(p->s + p->i, "null", 4)) {
        p->i += 4;
        return 1;
    }
    return 0;
}

static int bw__hex4(bw__jp *p, bw_u32 *out) {
    if (p->n - p->i < 4) return bw__fail(p, "record json: truncated \\u escape");
    bw_u32 v = 0;
    for (int k = 0; k < 4; k++) {
        bw_u8 c = p->s[p->i++];
        bw_u32 d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return bw__fail(p, "record json: bad \\u escape");
        v = v << 4 | d;
    }
    *out = v;
    return 1;
}

static bw_u32 bw__utf8(bw_u8 *d, bw_u32 cp) {
    if (cp < 0x80) {
        d[0] = (bw_u8)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (bw_u8)(0xC0 | cp >> 6);
        d[1] = (bw_u8)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (bw_u8)(0xE0 | cp >> 12);
        d[1] = (bw_u8)(0x80 | (cp >> 6 & 0x3F));
        d[2] = (bw_u8)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (bw_u8)(0xF0 | cp >> 18);
    d[1] = (bw_u8)(0x80 | (cp >> 12 & 0x3F));
    d[2] = (bw_u8)(0x80 | (cp >> 6 & 0x3F));
    d[3] = (bw_u8)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a JSON string. With `out`, stores the decoded bytes in a new buffer (the decoded
 * form is never longer than the quoted one: \uXXXX is 6 bytes for at most 3, a surrogate
 * pair 12 for 4); without, only skips it. Lone surrogates become U+FFFD. */
static int bw__string(bw__jp *p, bw_buf *out) {
    if (!bw__expect(p, '"', "record json: expected a string")) return 0;
    bw_u32 start = p->i, end = p->i;
    int escapes = 0;
    for (;;) { /* find the closing quote */
        if (end >= p->n) return bw__fail(p, "record json: unterminated string");
        bw_u8 c = p->s[end];
        if (c == '"') break;
        if (c < 0x20) return bw__fail(p, "record json: control character in string");
        if (c == '\\') {
            escapes = 1;
            end++;
            if (end >= p->n) return bw__fail(p, "record json: unterminated string");
        }
        end++;
    }
    if (!out && !escapes) {
        p->i = end + 1;
        return 1;
    }
    bw_buf b = bw_buf_new(end - start);
    bw_u32 o = 0;
    while (p->i < end) {
        bw_u8 c = p->s[p->i++];
        if (c != '\\') {
            b.ptr[o++] = c;
            continue;
        }
        c = p->s[p->i++];
        switch (c) {
        case '"': b.ptr[o++] = '"'; break;
        case '\\': b.ptr[o++] = '\\'; break;
        case '/': b.ptr[o++] = '/'; break;
        case 'b': b.ptr[o++] = '\b'; break;
        case 'f': b.ptr[o++] = '\f'; break;
        case 'n': b.ptr[o++] = '\n'; break;
        case 'r': b.ptr[o++] = '\r'; break;
        case 't': b.ptr[o++] = '\t'; break;
        case 'u': {
            bw_u32 cp;
            if (p->i + 4 > end || !bw__hex4(p, &cp)) {
                bw_free(b);
                return bw__fail(p, "record json: bad \\u escape");
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                bw_u32 lo = 0, save = p->i;
                if (end - p->i >= 6 && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
                    p->i += 2;
                    if (!bw__hex4(p, &lo)) {
                        bw_free(b);
                        return 0;
                    }
                }
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    p->i = save; /* lone high surrogate; what follows is decoded on its own */
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                cp = 0xFFFD; /* lone low surrogate */
            }
            o += bw__utf8(b.ptr + o, cp);
            break;
        }
        default:
            bw_free(b);
            return bw__fail(p, "record json: bad escape");
        }
    }
    p->i = end + 1;
    if (out) {
        b.len = o;
        *out = b;
    } else {
        bw_free(b);
    }
    return 1;
}

/* A JSON string holding base64: decoded bytes in a new buffer. */
static int bw__b64(bw__jp *p, bw_buf *out) {
    bw_buf s;
    if (!bw__string(p, &s)) return 0;
    bw_u32 n;
    if (!bw_base64_decode(s.ptr, s.len, s.ptr, &n)) { /* in place */
        bw_free(s);
        return bw__fail(p, "record json: bad base64");
    }
    s.len = n;
    *out = s;
    return 1;
}

static int bw__skip(bw__jp *p, int depth) {
    if (depth > BW__MAX_DEPTH) return bw__fail(p, "record json: nesting too deep");
    int c = bw__peek(p);
    if (c == '"') return bw__string(p, 0);
    if (c == 't') return bw__literal(p, "true");
    if (c == 'f') return bw__literal(p, "false");
    if (c == 'n') return bw__literal(p, "null");
    if (c == '{' || c == '[') {
        bw_u8 close = c == '{' ? '}' : ']';
        p->i++;
        bw__ws(p);
        if (bw__peek(p) == close) {
            p->i++;
            return 1;
        }
        for (;;) {
            bw__ws(p);
            if (close == '}') {
                if (!bw__string(p, 0)) return 0;
                bw__ws(p);
                if (!bw__expect(p, ':', "record json: expected ':'")) return 0;
                bw__ws(p);
            }
            if (!bw__skip(p, depth + 1)) return 0;
            bw__ws(p);
            c = bw__peek(p);
            if (c == ',') {
                p->i++;
                continue;
            }
            if (c == close) {
                p->i++;
                return 1;
            }
            return bw__fail(p, "record json: expected ',' or end of container");
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        while (p->i < p->n) {
            c = p->s[p->i];
            if (!(c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')))
                break;
            p->i++;
        }
        return 1;
    }
    return bw__fail(p, "record json: unexpected character");
}

static int bw__headers(bw__jp *p, bw_record *r) {
    bw__headers_free(r); /* a repeated "headers" field replaces */
    if (!bw__expect(p, '{', "record json: expected '{' for headers")) return 0;
    bw__ws(p);
    if (bw__peek(p) == '}') {
        p->i++;
        return 1;
    }
    for (;;) {
        bw_buf name, val;
        bw__ws(p);
        if (!bw__string(p, &name)) return 0;
        bw__ws(p);
        if (!bw__expect(p, ':', "record json: expected ':'")) {
            bw_free(name);
            return 0;
        }
        bw__ws(p);
        if (!bw__b64(p, &val)) {
            bw_free(name);
            return 0;
        }
        bw__header_put(r, name.ptr, name.len, val);
        bw_free(name);
        bw__ws(p);
        int c = bw__peek(p);
        p->i++;
        if (c == ',') continue;
        if (c == '}') return 1;
        return bw__fail(p, "record json: expected ',' or '}' in headers");
    }
}

/* Parses an optional field: null (absent), else a string (plain or base64). */
static int bw__opt_field(bw__jp *p, bw_buf *field, int *has, int base64) {
    bw__field_clear(field, has);
    if (bw__null(p)) return 1;
    if (!(base64 ? bw__b64(p, field) : bw__string(p, field))) return 0;
    *has = 1;
    return 1;
}

static int bw__record(bw__jp *p, bw_record *r) {
    bw__ws(p);
    if (!bw__expect(p, '{', "record json: expected '{'")) return 0;
    bw__ws(p);
    if (bw__peek(p) == '}') {
        p->i++;
    } else {
        for (;;) {
            bw_buf f;
            int ok;
            bw__ws(p);
            if (!bw__string(p, &f)) return 0;
            bw__ws(p);
            if (!bw__expect(p, ':', "record json: expected ':'")) {
                bw_free(f);
                return 0;
            }
            bw__ws(p);
            if (bw_buf_eq_str(f, "headers"))
                ok = bw__null(p) ? (bw__headers_free(r), 1) : bw__headers(p, r);
            else if (bw_buf_eq_str(f, "topic"))
                ok = bw__opt_field(p, &r->topic, &r->has_topic, 0);
            else if (bw_buf_eq_str(f, "key"))
                ok = bw__opt_field(p, &r->key, &r->has_key, 1);
            else if (bw_buf_eq_str(f, "value"))
                ok = bw__opt_field(p, &r->value, &r->has_value, 1);
            else
                ok = bw__skip(p, 0);
            bw_free(f);
            if (!ok) return 0;
            bw__ws(p);
            int c = bw__peek(p);
            p->i++;
            if (c == ',') continue;
            if (c == '}') break;
            return bw__fail(p, "record json: expected ',' or '}'");
        }
    }
    bw__ws(p);
    if (p->i != p->n) return bw__fail(p, "record json: trailing data");
    return 1;
}

const char *bw_record_parse(bw_record *r, const void *json, bw_u32 len) {
    bw__jp p;
    p.s = (const bw_u8 *)json;
    p.n = len;
    p.i = 0;
    p.err = 0;
    bw_record_init(r);
    if (bw__record(&p, r)) return 0;
    bw_record_free(r);
    return p.err ? p.err : "record json: malformed";
}

/* ---- JSON writer ----------------------------------------------------------------------- */

/* Writes `s` as a JSON string at `d` (or only counts, when `d` is NULL); returns the
 * length. Bytes >= 0x80 are copied as they are. */
static bw_u64 bw__jstr(bw_u8 *d, const bw_u8 *s, bw_u32 n) {
    static const char hex[] = "0123456789abcdef";
    bw_u64 o = 0;
    if (d) d[o] = '"';
    o++;
    for (bw_u32 i = 0; i < n; i++) {
        bw_u8 c = s[i];
        bw_u8 esc = 0;
        switch (c) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        default: break;
        }
        if (esc) {
            if (d) {
                d[o] = '\\';
                d[o + 1] = esc;
            }
            o += 2;
        } else if (c < 0x20) {
            if (d) {
                d[o] = '\\';
                d[o + 1] = 'u';
                d[o + 2] = '0';
                d[o + 3] = '0';
                d[o + 4] = (bw_u8)hex[c >> 4];
                d[o + 5] = (bw_u8)hex[c & 15];
            }
            o += 6;
        } else {
            if (d) d[o] = c;
            o++;
        }
    }
    if (d) d[o] = '"';
    return o + 1;
}

static bw_u64 bw__jraw(bw_u8 *d, const char *s) {
    bw_u32 n = bw_strlen(s);
    if (d) bw_copy(d, s, n);
    return n;
}

static bw_u64 bw__jb64(bw_u8 *d, bw_buf b) {
    if (d) {
        d[0] = '"';
        bw_base64_encode(b.ptr, b.len, d + 1);
        d[1 + bw_base64_encoded_len(b.len)] = '"';
    }
    return (bw_u64)bw_base64_encoded_len(b.len) + 2;
}

/* Writes (or, with d == NULL, measures) the record JSON. */
static bw_u64 bw__jrecord(bw_u8 *d, const bw_record *r) {
#define BW__AT (d ? d + o : 0)
    bw_u64 o = 0;
    o += bw__jraw(BW__AT, "{\"headers\":{");
    for (bw_u32 i = 0; i < r->n_headers; i++) {
        if (i) o += bw__jraw(BW__AT, ",");
        o += bw__jstr(BW__AT, r->headers[i].name.ptr, r->headers[i].name.len);
        o += bw__jraw(BW__AT, ":");
        o += bw__jb64(BW__AT, r->headers[i].value);
    }
    o += bw__jraw(BW__AT, "}");
    if (r->has_topic) {
        o += bw__jraw(BW__AT, ",\"topic\":");
        o += bw__jstr(BW__AT, r->topic.ptr, r->topic.len);
    }
    if (r->has_key) {
        o += bw__jraw(BW__AT, ",\"key\":");
        o += bw__jb64(BW__AT, r->key);
    }
    if (r->has_value) {
        o += bw__jraw(BW__AT, ",\"value\":");
        o += bw__jb64(BW__AT, r->value);
    }
    o += bw__jraw(BW__AT, "}");
    return o;
#undef BW__AT
}

bw_buf bw_record_to_json(const bw_record *r) {
    bw_u64 n = bw__jrecord(0, r);
    if (n > 0x7fffffffu) __builtin_trap();
    bw_buf b = bw_buf_new((bw_u32)n);
    bw__jrecord(b.ptr, r);
    return b;
}

/* ---- whole-record host calls ----------------------------------------------------------- */

const char *bw_get_record(bw_record *r) {
    bw_buf j = bw_get_record_json();
    const char *err = bw_record_parse(r, j.ptr, j.len);
    bw_free(j);
    return err;
}

void bw_set_record(const bw_record *r) {
    bw_buf j = bw_record_to_json(r);
    bw_set_record_json(j.ptr, j.len);
    bw_free(j);
}

void bw_emit(const bw_record *r) {
    bw_buf j = bw_record_to_json(r);
    bw_emit_json(j.ptr, j.len);
    bw_free(j);
}

#ifndef BENTHOS_WASM_NO_MEMFUNCS
/* clang may lower struct copies and loops to calls to these; there is no libc to provide
 * them. Weak, so that a real libc's versions win if one is linked. no_builtin keeps clang
 * from turning the loops below back into calls to themselves. */
#if defined(__has_attribute)
#if __has_attribute(no_builtin)
#define BW__NO_BUILTIN __attribute__((no_builtin))
#endif
#endif
#ifndef BW__NO_BUILTIN
#define BW__NO_BUILTIN
#endif

__attribute__((weak)) BW__NO_BUILTIN void *memcpy(void *dst, const void *src, unsigned long n) {
    bw_u8 *d = (bw_u8 *)dst;
    const bw_u8 *s = (const bw_u8 *)src;
    while (n--) *d++ = *s++;
    return dst;
}

__attribute__((weak)) BW__NO_BUILTIN void *memmove(void *dst, const void *src, unsigned long n) {
    bw_u8 *d = (bw_u8 *)dst;
    const bw_u8 *s = (const bw_u8 *)src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else if (d > s) {
        d += n;
        s += n;
        while (n--) *--d = *--s;
    }
    return dst;
}

__attribute__((weak)) BW__NO_BUILTIN void *memset(void *dst, int c, unsigned long n) {
    bw_u8 *d = (bw_u8 *)dst;
    while (n--) *d++ = (bw_u8)c;
    return dst;
}
#endif /* BENTHOS_WASM_NO_MEMFUNCS */

#ifdef __cplusplus
}
#endif

#endif /* BENTHOS_WASM_IMPLEMENTED */
#endif /* BENTHOS_WASM_IMPLEMENTATION */

#endif /* BENTHOS_WASM_H */
