;; A second version of to_upper for the hot-reload test: it sets the value to
;; "reloaded", so a test can tell which module served each message.
(module
  (import "env" "set_value" (func $set_value (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "reloaded")
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "dealloc") (param i32 i32))
  (func (export "to_upper") (call $set_value (i32.const 16) (i32.const 8)))
)
