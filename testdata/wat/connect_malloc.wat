;; A Redpanda Connect `wasm` processor module in the malloc/free style (the
;; style of TinyGo builds and of Benthos's tinygo guest package), with a real
;; allocator that reports what is live, so a host test can check that
;; nothing leaks and nothing is freed twice.
;;
;; Ownership, as the TinyGo guest package and the open-source wasm processor
;; (Benthos before v4.28) use it:
;;  - a buffer the host returns from v0_msg_as_bytes or v0_msg_get_meta comes
;;    from this module's malloc, and the HOST frees it (free) once the
;;    exported function has returned; the guest reads and may change it in
;;    place until then, and never frees it;
;;  - a buffer the guest passes to v0_msg_set_bytes, v0_msg_set_meta or as
;;    v0_msg_get_meta's key stays the guest's: the host copies it during the
;;    call and never frees it.
;; So after each call, with a host that keeps those rules, live_bytes() and
;; live_blocks() are 0.
;;
;; Like TinyGo's runtime, malloc(0) returns 0 and free(0) does nothing, and
;; the allocator works only after _start has run (TinyGo's _start sets up
;; its heap): malloc before _start traps. free of a pointer that is not a
;; live block (a double free, or a pointer malloc never returned) traps.
(module
  (import "benthos_wasm" "v0_msg_as_bytes" (func $as_bytes (result i64)))
  (import "benthos_wasm" "v0_msg_set_bytes" (func $set_bytes (param i32 i32)))
  (import "benthos_wasm" "v0_msg_get_meta" (func $get_meta (param i32 i32) (result i64)))
  (import "benthos_wasm" "v0_msg_set_meta" (func $set_meta (param i32 i32 i32 i32)))
  (memory (export "memory") 1)

  (data (i32.const 0) "in")
  (data (i32.const 8) "out")

  ;; --- allocator -------------------------------------------------------
  ;; Blocks of 2^k bytes (k = 4..31), each with an 8-byte header: the size
  ;; asked for (i32) and a tag (i32): 0xA1100000|k when live, 0xF2EE0000|k
  ;; when free. Free blocks sit on one list per k (heads at 1024 + 4k; the
  ;; next pointer is the first word after the header). New blocks come from
  ;; the top of the heap, which starts at 4096 and grows memory as needed.
  (global $ready (mut i32) (i32.const 0))
  (global $top (mut i32) (i32.const 4096))
  (global $live_bytes (mut i32) (i32.const 0))
  (global $live_blocks (mut i32) (i32.const 0))

  (func $alloc (param $n i32) (result i32)
    (local $k i32) (local $b i32) (local $head i32) (local $need i32)
    (if (i32.eqz (global.get $ready)) (then unreachable))
    (if (i32.gt_u (local.get $n) (i32.const 0x3FFFFFF0)) (then unreachable))
    ;; k = max(4, ceil(log2(n + 8)))
    (local.set $k (i32.sub (i32.const 32) (i32.clz (i32.add (local.get $n) (i32.const 7)))))
    (if (i32.lt_u (local.get $k) (i32.const 4)) (then (local.set $k (i32.const 4))))
    (local.set $head (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $b (i32.load (local.get $head)))
    (if (local.get $b)
      (then
        (i32.store (local.get $head) (i32.load (i32.add (local.get $b) (i32.const 8)))))
      (else
        (local.set $b (global.get $top))
        (global.set $top (i32.add (local.get $b) (i32.shl (i32.const 1) (local.get $k))))
        (local.set $need
          (i32.shr_u (i32.add (global.get $top) (i32.const 65535)) (i32.const 16)))
        (if (i32.gt_u (local.get $need) (memory.size))
          (then
            (if (i32.lt_s (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const 0))
              (then unreachable))))))
    (i32.store (local.get $b) (local.get $n))
    (i32.store offset=4 (local.get $b) (i32.or (i32.const 0xA1100000) (local.get $k)))
    (global.set $live_bytes (i32.add (global.get $live_bytes) (local.get $n)))
    (global.set $live_blocks (i32.add (global.get $live_blocks) (i32.const 1)))
    (i32.add (local.get $b) (i32.const 8)))

  ;; Checks that p is a live block and returns its header's address.
  (func $block (param $p i32) (result i32)
    (local $b i32)
    (if (i32.and (local.get $p) (i32.const 7)) (then unreachable))
    (if (i32.lt_u (local.get $p) (i32.const 4104)) (then unreachable))
    (if (i32.ge_u (local.get $p) (global.get $top)) (then unreachable))
    (local.set $b (i32.sub (local.get $p) (i32.const 8)))
    (if (i32.ne (i32.and (i32.load offset=4 (local.get $b)) (i32.const 0xFFFF0000))
                (i32.const 0xA1100000))
      (then unreachable))
    (local.get $b))

  (func $release (param $b i32)
    (local $k i32) (local $head i32)
    (local.set $k (i32.and (i32.load offset=4 (local.get $b)) (i32.const 0xFF)))
    (global.set $live_bytes (i32.sub (global.get $live_bytes) (i32.load (local.get $b))))
    (global.set $live_blocks (i32.sub (global.get $live_blocks) (i32.const 1)))
    (i32.store offset=4 (local.get $b) (i32.or (i32.const 0xF2EE0000) (local.get $k)))
    (local.set $head (i32.add (i32.const 1024) (i32.shl (local.get $k) (i32.const 2))))
    (i32.store offset=8 (local.get $b) (i32.load (local.get $head)))
    (i32.store (local.get $head) (local.get $b)))

  (func (export "malloc") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (call $alloc (local.get $n)))

  (func (export "free") (param $p i32)
    (if (i32.eqz (local.get $p)) (then (return)))
    (call $release (call $block (local.get $p))))

  (func (export "live_bytes") (result i32) (global.get $live_bytes))
  (func (export "live_blocks") (result i32) (global.get $live_blocks))

  (func (export "_start") (global.set $ready (i32.const 1)))

  ;; --- processing -----------------------------------------------------
  ;; A buffer from the host: (ptr << 32) | len. A non-empty one must be a
  ;; live block of exactly len bytes, else trap: the host must use malloc.
  (func $ptr (param $pl i64) (result i32)
    (i32.wrap_i64 (i64.shr_u (local.get $pl) (i64.const 32))))
  (func $len (param $pl i64) (result i32)
    (i32.wrap_i64 (local.get $pl)))
  (func $check_inbound (param $p i32) (param $n i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (if (i32.ne (i32.load (call $block (local.get $p))) (local.get $n)) (then unreachable)))

  (func $upper (param $p i32) (param $n i32)
    (local $end i32) (local $c i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (i32.store8 (local.get $p) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes))))

  ;; payload = upper(payload): upper-cased in place in the host's buffer,
  ;; which is handed back to v0_msg_set_bytes (the host copies it before it
  ;; frees it).
  (func $process_payload (param $trap_word i32)
    (local $pl i64) (local $p i32) (local $n i32)
    (local.set $pl (call $as_bytes))
    (local.set $p (call $ptr (local.get $pl)))
    (local.set $n (call $len (local.get $pl)))
    (call $check_inbound (local.get $p) (local.get $n))
    ;; "trap" = 74 72 61 70, little-endian i32 0x70617274
    (if (i32.and (local.get $trap_word) (i32.ge_u (local.get $n) (i32.const 4)))
      (then (if (i32.eq (i32.load (local.get $p)) (i32.const 0x70617274))
        (then unreachable))))
    (call $upper (local.get $p) (local.get $n))
    (call $set_bytes (local.get $p) (local.get $n)))

  (func (export "process") (call $process_payload (i32.const 0)))

  ;; passthru: the payload read and set back unchanged, for benchmarks of
  ;; what the ABI itself costs.
  (func (export "passthru")
    (local $pl i64)
    (local.set $pl (call $as_bytes))
    (call $set_bytes (call $ptr (local.get $pl)) (call $len (local.get $pl))))

  ;; trap_if: traps when the payload starts with "trap", else as process.
  (func (export "trap_if") (call $process_payload (i32.const 1)))

  (func (export "trap") unreachable)

  ;; set_meta: metadata "out" = metadata "in" (absent reads as empty).
  (func (export "set_meta")
    (local $pl i64) (local $p i32) (local $n i32)
    (local.set $pl (call $get_meta (i32.const 0) (i32.const 2)))
    (local.set $p (call $ptr (local.get $pl)))
    (local.set $n (call $len (local.get $pl)))
    (call $check_inbound (local.get $p) (local.get $n))
    (call $set_meta (i32.const 8) (i32.const 3) (local.get $p) (local.get $n)))
)
