;; The guest of the host-function fuzz target (hostabi/fuzz_test.go). The test
;; calls the host functions itself, so this module imports none: it only
;; provides memory and an alloc the test steers through exported globals.
;;   alloc_next  where the next alloc returns (then bumped by the size; it may
;;               be set anywhere, even outside memory, to test the host's checks)
;;   alloc_trap  when non-zero, alloc traps
;;   alloc_calls how many times alloc ran
(module
  (memory (export "memory") 1 1)
  (global $next (export "alloc_next") (mut i32) (i32.const 32768))
  (global $trap (export "alloc_trap") (mut i32) (i32.const 0))
  (global $calls (export "alloc_calls") (mut i32) (i32.const 0))
  (func (export "alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (global.get $trap) (then unreachable))
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    (local.get $ptr))
  (func (export "dealloc") (param i32 i32))
  (func (export "f"))
)
