;; Edge cases of the ABI extensions that no well-behaved SDK produces:
;; writes followed by a failure, malformed emits, out-of-range arguments.
(module
  (import "env" "emit_record" (func $emit_record (param i32 i32)))
  (import "env" "drop_record" (func $drop_record))
  (import "env" "set_timestamp" (func $set_timestamp (param i64)))
  (import "env" "log" (func $log (param i32 i32 i32)))
  (import "env" "get_param" (func $get_param (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"value\":\"ZQ==\"}")     ;; 16 bytes: value "e"
  (data (i32.const 1100) "{\"nope\":1}")             ;; 10 bytes
  (data (i32.const 1200) "failed")                   ;; 6 bytes
  (data (i32.const 1300) "loud")                     ;; 4 bytes
  (data (i32.const 1400) "missing")                  ;; 7 bytes
  (func (export "alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "dealloc") (param i32 i32))
  ;; emits a record, then returns an error: nothing may come out but the
  ;; original, flagged
  (func (export "emit_then_error") (result i64)
    (call $emit_record (i32.const 1024) (i32.const 16))
    (call $drop_record)
    (i64.or (i64.shl (i64.const 1200) (i64.const 32)) (i64.const 0x80000006)))
  ;; drops, then traps
  (func (export "drop_then_trap")
    (call $drop_record)
    unreachable)
  (func (export "bad_emit")
    (call $emit_record (i32.const 1100) (i32.const 10)))
  (func (export "negative_timestamp")
    (call $set_timestamp (i64.const -5)))
  ;; a level above 3 logs as an error
  (func (export "log_level_99")
    (call $log (i32.const 99) (i32.const 1300) (i32.const 4)))
  ;; get_param of an absent name returns -1; trap if it does not
  (func (export "absent_param_is_minus_one")
    (if (i64.ne (call $get_param (i32.const 1400) (i32.const 7)) (i64.const -1))
      (then unreachable)))
)
