;; Lacks alloc, exports memory under another name, and has a dealloc of the wrong type.
(module
  (memory (export "mem") 1)
  (func (export "dealloc") (param i32))
  (func (export "f"))
)
