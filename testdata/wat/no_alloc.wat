;; Lacks alloc, and exports memory under another name.
(module
  (memory (export "mem") 1)
  (func (export "dealloc") (param i32 i32))
  (func (export "f"))
)
