;; A WASI command: exports _start but not _initialize, so it runs main and exits.
(module
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "dealloc") (param i32 i32))
  (func (export "f"))
)
