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
 *     (bw_host_get_value, bw_host_set_value, ...);
 *   - an allocator and the exports the host needs, "alloc" and "dealloc";
 *   - helpers that return getter results as a bw_buf {ptr, len} and set fields from
 *     C strings or byte buffers;
 *   - bw_error / bw_error_n to return an error to the host (bit 31 of the length).
 *
 * Exactly one .c file of a module must define BENTHOS_WASM_IMPLEMENTATION before including
 * this header: that file gets the allocator and the "alloc"/"dealloc" exports (and weak
 * memcpy/memmove/memset, which clang may emit calls to; define BENTHOS_WASM_NO_MEMFUNCS if
 * a libc provides them). Other files include the header without the macro.
 *
 *     #define BENTHOS_WASM_IMPLEMENTATION
 *     #include "benthos_wasm.h"
 *
 *     BW_EXPORT("to_upper") void to_upper(void) {
 *         bw_buf v = bw_get_value();
 *         for (uint32_t i = 0; i < v.len; i++)
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
 */
#ifndef BENTHOS_WASM_H
#define BENTHOS_WASM_H

#if !defined(__wasm32__)
#error "benthos_wasm.h targets wasm32 (clang --target=wasm32)"
#endif

typedef unsigned char bw_u8;
typedef unsigned int bw_u32;
typedef unsigned long long bw_u64;

typedef __UINTPTR_TYPE__ bw_uptr; /* 32 bits on wasm32 */

#ifdef __cplusplus
extern "C" {
#endif

/* Marks a function as a module export named `name`. */
#define BW_EXPORT(name) __attribute__((export_name(name)))
#define BW_IMPORT(name) __attribute__((import_module("env"), import_name(name)))

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

/* ------------------------------------------------------------------------------------- */
/* Allocator (defined with BENTHOS_WASM_IMPLEMENTATION)                                   */
/* ------------------------------------------------------------------------------------- */

/* Exported as "alloc": `size` bytes, 8-byte aligned, never NULL (traps when out of memory).
 * alloc(0) returns a real (minimum-size) block, to be freed like any other. */
void *bw_alloc(bw_u32 size);
/* Exported as "dealloc": frees a block from bw_alloc. `len` is ignored apart from its use by
 * the host (bit 31 may be set); dealloc(NULL, ...) does nothing. */
void bw_dealloc(void *ptr, bw_u32 len);

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

extern unsigned char __heap_base; /* provided by wasm-ld: first byte after data and stack */

static bw_u64 bw__top;                          /* next unused byte of the heap */
static void *bw__free_lists[BW__MAX_CLASS + 1]; /* per class: free payloads, linked */

static bw_u32 bw__class(bw_u32 size) {
    bw_u32 c = BW__MIN_CLASS;
    while (c < BW__MAX_CLASS && ((bw_u64)1 << c) < (bw_u64)size) c++;
    return c;
}

/* Takes `need` fresh bytes from the end of the heap, growing memory; traps if impossible. */
static bw_u8 *bw__sbrk(bw_u64 need) {
    if (bw__top == 0) bw__top = ((bw_u64)(bw_uptr)&__heap_base + 7u) & ~(bw_u64)7u;
    bw_u64 end = bw__top + need;
    if (end > 0x100000000ull) __builtin_trap();
    bw_u64 have = (bw_u64)__builtin_wasm_memory_size(0) * BW__PAGE;
    if (end > have) {
        bw_u64 pages = (end - have + BW__PAGE - 1) / BW__PAGE;
        if (__builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1)
            __builtin_trap();
    }
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
    if ((a & 7u) != 0 || bw__top == 0 || a < (bw_u64)(bw_uptr)&__heap_base + BW__HEADER ||
        a >= bw__top)
        __builtin_trap(); /* not a block of ours */
    bw_u32 *h = (bw_u32 *)((bw_u8 *)ptr - BW__HEADER);
    if (h[0] != BW__MAGIC_USED || h[1] < BW__MIN_CLASS || h[1] > BW__MAX_CLASS)
        __builtin_trap(); /* double free or bad pointer */
    h[0] = BW__MAGIC_FREE;
    *(void **)ptr = bw__free_lists[h[1]];
    bw__free_lists[h[1]] = ptr;
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
