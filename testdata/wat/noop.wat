;; The smallest module that fits the ABI: a bump allocator, a function that
;; does nothing, one that only reads the record, and one that sets the value
;; back unchanged. Used for start-up checks and for the host's own overhead
;; (time and allocations).
(module
  (import "env" "get_value" (func $get_value (result i64)))
  (import "env" "get_key" (func $get_key (result i64)))
  (import "env" "get_topic" (func $get_topic (result i64)))
  (import "env" "get_header" (func $get_header (param i32 i32) (result i64)))
  (import "env" "has_header" (func $has_header (param i32 i32) (result i32)))
  (import "env" "get_partition" (func $get_partition (result i32)))
  (import "env" "get_timestamp" (func $get_timestamp (result i64)))
  (import "env" "set_value" (func $set_value (param i32 i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    ;; wrap around well inside the first page: tests never keep buffers
    (if (i32.gt_u (global.get $next) (i32.const 60000))
      (then (global.set $next (i32.const 1024))))
    (local.get $ptr))
  (func (export "dealloc") (param i32 i32))
  (func (export "noop"))
  (data (i32.const 16) "h")
  ;; reads the value, key, topic, header "h" and more, writes nothing
  (func (export "read_parts")
    (drop (call $get_value))
    (drop (call $get_key))
    (drop (call $get_topic))
    (drop (call $get_header (i32.const 16) (i32.const 1)))
    (drop (call $has_header (i32.const 16) (i32.const 1)))
    (drop (call $get_partition))
    (drop (call $get_timestamp)))
  ;; reads the value and sets it back unchanged: the cost of a value round
  ;; trip through the host, with no work done on the bytes
  (func (export "roundtrip")
    (local $packed i64)
    (local.set $packed (call $get_value))
    (call $set_value
      (i32.wrap_i64 (i64.shr_u (local.get $packed) (i64.const 32)))
      (i32.wrap_i64 (local.get $packed))))
  ;; wrong signature: takes a parameter
  (func (export "takes_param") (param i32))
  ;; wrong signature: returns i32
  (func (export "returns_i32") (result i32) (i32.const 0))
)
