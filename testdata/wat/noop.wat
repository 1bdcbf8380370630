;; The smallest module that fits the ABI: a bump allocator and a function
;; that does nothing. Used for start-up checks and host overhead.
(module
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
  ;; wrong signature: takes a parameter
  (func (export "takes_param") (param i32))
  ;; wrong signature: returns i32
  (func (export "returns_i32") (result i32) (i32.const 0))
)
