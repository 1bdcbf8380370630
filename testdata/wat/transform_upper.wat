;; A Redpanda Data Transforms module in WAT (ABI version 2) that upper-cases
;; each record's value in place inside the payload and writes the payload
;; back with write_record; key and headers are untouched, a null value stays
;; null. The loop is the SDKs' (see transform_identity.wat). The payload is
;; parsed as far as the value: key length (zigzag varint, -1 = null), key,
;; value length, value. A record whose value starts with "trap" traps
;; (unreachable) before anything is written for it, as a Rust SDK transform
;; that panics; a negative result from the host, a length below -1 or past
;; the payload's end, or a varint longer than 5 bytes also trap.
(module
  (import "redpanda_transform" "check_abi_version_2" (func $check_abi))
  (import "redpanda_transform" "read_batch_header"
    (func $read_batch_header (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "redpanda_transform" "read_next_record"
    (func $read_next_record (param i32 i32 i32 i32 i32) (result i32)))
  (import "redpanda_transform" "write_record"
    (func $write_record (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  (global $pos (mut i32) (i32.const 0))   ;; parse position
  (global $end (mut i32) (i32.const 0))   ;; end of the payload

  ;; Reads a zigzag varint of at most 5 bytes at $pos, advancing $pos; traps
  ;; at the payload's end. Lengths fit in an i32, so 5 bytes are enough.
  (func $varint (result i32)
    (local $u i32) (local $shift i32) (local $b i32)
    (loop $more
      (if (i32.ge_u (global.get $pos) (global.get $end)) (then unreachable))
      (if (i32.ge_u (local.get $shift) (i32.const 35)) (then unreachable))
      (local.set $b (i32.load8_u (global.get $pos)))
      (global.set $pos (i32.add (global.get $pos) (i32.const 1)))
      (local.set $u
        (i32.or (local.get $u)
          (i32.shl (i32.and (local.get $b) (i32.const 0x7f)) (local.get $shift))))
      (local.set $shift (i32.add (local.get $shift) (i32.const 7)))
      (br_if $more (i32.and (local.get $b) (i32.const 0x80))))
    ;; zigzag: (u >> 1) ^ -(u & 1)
    (i32.xor (i32.shr_u (local.get $u) (i32.const 1))
             (i32.sub (i32.const 0) (i32.and (local.get $u) (i32.const 1)))))

  ;; Reads a length; returns it (-1 for null) and checks it fits.
  (func $length (result i32)
    (local $len i32)
    (local.set $len (call $varint))
    (if (i32.lt_s (local.get $len) (i32.const -1)) (then unreachable))
    (if (i32.gt_s (local.get $len) (i32.sub (global.get $end) (global.get $pos)))
      (then unreachable))
    (local.get $len))

  ;; Upper-cases the value of the payload at [$p, $p+$n).
  (func $upper_value (param $p i32) (param $n i32)
    (local $len i32) (local $i i32) (local $c i32) (local $stop i32)
    (global.set $pos (local.get $p))
    (global.set $end (i32.add (local.get $p) (local.get $n)))
    ;; skip the key
    (local.set $len (call $length))
    (if (i32.gt_s (local.get $len) (i32.const 0))
      (then (global.set $pos (i32.add (global.get $pos) (local.get $len)))))
    ;; the value
    (local.set $len (call $length))
    (if (i32.lt_s (local.get $len) (i32.const 1)) (then (return)))
    (local.set $i (global.get $pos))
    ;; "trap" = 74 72 61 70, little-endian i32 0x70617274
    (if (i32.ge_s (local.get $len) (i32.const 4))
      (then (if (i32.eq (i32.load (local.get $i)) (i32.const 0x70617274))
        (then unreachable))))
    (local.set $stop (i32.add (local.get $i) (local.get $len)))
    (loop $bytes
      (local.set $c (i32.load8_u (local.get $i)))
      (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
        (then (i32.store8 (local.get $i) (i32.sub (local.get $c) (i32.const 32)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $i) (local.get $stop)))))

  (func (export "_start")
    (local $size i32) (local $count i32) (local $n i32) (local $need i32)
    (call $check_abi)
    (loop $batch
      (local.set $size
        (call $read_batch_header
          (i32.const 0) (i32.const 8) (i32.const 12) (i32.const 16) (i32.const 20)
          (i32.const 24) (i32.const 32) (i32.const 40) (i32.const 48) (i32.const 52)))
      (if (i32.lt_s (local.get $size) (i32.const 0)) (then unreachable))
      (local.set $need
        (i32.shr_u (i32.add (i32.add (local.get $size) (i32.const 1024)) (i32.const 65535))
                   (i32.const 16)))
      (if (i32.gt_u (local.get $need) (memory.size))
        (then
          (if (i32.lt_s (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const 0))
            (then unreachable))))
      (local.set $count (i32.load (i32.const 8)))
      (block $done
        (loop $record
          (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
          (local.set $n
            (call $read_next_record
              (i32.const 64) (i32.const 72) (i32.const 80) (i32.const 1024) (local.get $size)))
          (if (i32.lt_s (local.get $n) (i32.const 0)) (then unreachable))
          (call $upper_value (i32.const 1024) (local.get $n))
          (if (i32.ne (call $write_record (i32.const 1024) (local.get $n)) (local.get $n))
            (then unreachable))
          (local.set $count (i32.sub (local.get $count) (i32.const 1)))
          (br $record)))
      (br $batch)))
)
