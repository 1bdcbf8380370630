;; A guest for the ABI-neutral host core's own tests (hostabi/hostabi_test.go):
;; it knows no ABI, only a test host module "test".
(module
  ;; echo(ptr, len) -> ptr: the host reads len bytes at ptr and gives them
  ;; back in a buffer from $alloc.
  (import "test" "echo" (func $echo (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func $alloc (export "alloc") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    (local.get $p))
  ;; call_echo(ptr, len) -> ptr of the copy
  (func (export "call_echo") (param i32 i32) (result i32)
    (call $echo (local.get 0) (local.get 1)))
  (func (export "trap") unreachable)
  (func (export "spin") (loop $l (br $l)))
  ;; grow(pages) -> the old size in pages, or -1
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (data (i32.const 0) "hello"))
