;; Imports a host function the host does not provide, and one with a wrong type.
(module
  (import "env" "get_value" (func (result i32)))
  (import "env" "launch_missiles" (func))
  (import "other" "thing" (func))
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 0))
  (func (export "dealloc") (param i32 i32))
  (func (export "f"))
)
