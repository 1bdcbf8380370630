;; The smallest correct Redpanda Data Transforms module: identity. A WASI
;; command (exports _start and memory) that imports nothing from WASI. _start
;; calls check_abi_version_1 once (ABI version 1, as Redpanda's C++ SDK: no
;; write_record_with_options), then loops forever as the SDKs do:
;; read_batch_header, grow memory so the input buffer holds the batch's
;; largest payload (its result), then record_count times read_next_record
;; into that buffer with that size and write_record of the same bytes. A
;; negative result, or a write_record result other than the length, traps
;; (unreachable), as an SDK's panic ends the module.
(module
  (import "redpanda_transform" "check_abi_version_1" (func $check_abi))
  (import "redpanda_transform" "read_batch_header"
    (func $read_batch_header (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "redpanda_transform" "read_next_record"
    (func $read_next_record (param i32 i32 i32 i32 i32) (result i32)))
  (import "redpanda_transform" "write_record"
    (func $write_record (param i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; Batch header fields at 0..56, record metadata at 64..88, payload buffer
  ;; from 1024.
  (func (export "_start")
    (local $size i32) (local $count i32) (local $n i32) (local $need i32)
    (call $check_abi)
    (loop $batch
      (local.set $size
        (call $read_batch_header
          (i32.const 0)    ;; base_offset       i64
          (i32.const 8)    ;; record_count      i32
          (i32.const 12)   ;; partition_leader_epoch i32
          (i32.const 16)   ;; attributes        i16
          (i32.const 20)   ;; last_offset_delta i32
          (i32.const 24)   ;; base_timestamp    i64
          (i32.const 32)   ;; max_timestamp     i64
          (i32.const 40)   ;; producer_id       i64
          (i32.const 48)   ;; producer_epoch    i16
          (i32.const 52))) ;; base_sequence     i32
      (if (i32.lt_s (local.get $size) (i32.const 0)) (then unreachable))
      ;; pages needed for 1024 + size bytes
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
              (i32.const 64)    ;; attributes u8
              (i32.const 72)    ;; timestamp  i64
              (i32.const 80)    ;; offset     i64
              (i32.const 1024)
              (local.get $size)))
          (if (i32.lt_s (local.get $n) (i32.const 0)) (then unreachable))
          (if (i32.ne (call $write_record (i32.const 1024) (local.get $n)) (local.get $n))
            (then unreachable))
          (local.set $count (i32.sub (local.get $count) (i32.const 1)))
          (br $record)))
      (br $batch)))
)
