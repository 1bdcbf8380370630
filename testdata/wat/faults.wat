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
  (func (export "dealloc") (param i32 i32))
  ;; set_value from a pointer outside memory
  (func (export "set_out_of_bounds")
    (call $set_value (i32.const 65000) (i32.const 10000)))
  ;; get_value with an alloc that returns garbage
  (func (export "garbage_alloc")
    (global.set $bad_alloc (i32.const 1))
    (drop (call $get_value))
    (global.set $bad_alloc (i32.const 0)))
  ;; an error result whose message lies outside memory
  (func (export "bad_error_result") (result i64)
    (i64.const 0x0000FFF0_80001000))
)
