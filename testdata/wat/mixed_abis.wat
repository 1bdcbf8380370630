;; Imports from two ABIs at once (Kafka Connect's env and Redpanda Connect's
;; benthos_wasm): the host must refuse it, naming both.
(module
  (import "env" "get_value" (func (result i64)))
  (import "benthos_wasm" "v0_msg_as_bytes" (func (result i64)))
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "dealloc") (param i32 i32))
  (func (export "process")))
