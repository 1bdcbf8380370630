;; Guests that misuse the ABI, to check the host refuses them cleanly.
(module
  (import "env" "get_value" (func $get_value (result i64)))
  (import "env" "set_value" (func $set_value (param i32 i32)))
  (memory (export "memory") 1)
  (global $bad_alloc (mut i32) (i32.const 0))
  (func (export "alloc") (param $size i32) (result i32)
    (if (result i32) (global.get $bad_alloc)
      (then (i32.const -16))          ;; far outside memory
      (else (i32.const 1024))))
  ;; dealloc records its last arguments and how often it ran, so tests can
  ;; check that the host hands every result back.
  (global $dealloc_calls (export "dealloc_calls") (mut i32) (i32.const 0))
  (global $dealloc_ptr (export "dealloc_ptr") (mut i32) (i32.const 0))
  (global $dealloc_len (export "dealloc_len") (mut i32) (i32.const 0))
  (func (export "dealloc") (param $ptr i32) (param $len i32)
    (global.set $dealloc_calls (i32.add (global.get $dealloc_calls) (i32.const 1)))
    (global.set $dealloc_ptr (local.get $ptr))
    (global.set $dealloc_len (local.get $len)))
  ;; set_value from a pointer outside memory
  (func (export "set_out_of_bounds")
    (call $set_value (i32.const 65000) (i32.const 10000)))
  ;; get_value with an alloc that returns garbage
  (func (export "garbage_alloc")
    (global.set $bad_alloc (i32.const 1))
    (drop (call $get_value))
    (global.set $bad_alloc (i32.const 0)))
  ;; an error result "nope!" (ptr 2048, length 5 with bit 31 set)
  (func (export "error_result") (result i64)
    (i64.const 0x00000800_80000005))
  ;; a success result (ptr 2048, length 3)
  (func (export "ok_result") (result i64)
    (i64.const 0x00000800_00000003))
  (data (i32.const 2048) "nope!")
  ;; an error result whose message lies outside memory
  (func (export "bad_error_result") (result i64)
    (i64.const 0x0000FFF0_80001000))
)
