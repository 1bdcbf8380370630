;; Hostile guests: each function upper-cases the value of a good record and
;; misbehaves on a record whose value starts with "bad" (or, for
;; trap_every_7th, on every 7th call of the instance).
(module
  (import "env" "get_value" (func $get_value (result i64)))
  (import "env" "set_value" (func $set_value (param i32 i32)))
  (memory (export "memory") 2)
  (global $calls (mut i32) (i32.const 0))
  (global $garbage (mut i32) (i32.const 0))

  ;; Buffers go at 8192: the host writes, the guest reads at once.
  (func (export "alloc") (param $size i32) (result i32)
    (if (result i32) (global.get $garbage)
      (then (i32.const 0x7ffffff0))
      (else (i32.const 8192))))
  (func (export "dealloc") (param i32 i32))

  ;; $value reads the value; returns its length (bytes at 8192).
  (func $value (result i32)
    (i32.wrap_i64 (call $get_value)))

  ;; $is_bad: the value (at 8192, length $len) starts with "bad".
  (func $is_bad (param $len i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $len) (i32.const 3))
      (then (i32.const 0))
      (else
        (i32.and
          (i32.and
            (i32.eq (i32.load8_u (i32.const 8192)) (i32.const 98))    ;; b
            (i32.eq (i32.load8_u (i32.const 8193)) (i32.const 97)))   ;; a
          (i32.eq (i32.load8_u (i32.const 8194)) (i32.const 100)))))) ;; d

  ;; $upper upper-cases the value at 8192 and sets it.
  (func $upper (param $len i32)
    (local $i i32) (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.load8_u (i32.add (i32.const 8192) (local.get $i))))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 (i32.add (i32.const 8192) (local.get $i)) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $set_value (i32.const 8192) (local.get $len)))

  (func (export "loop_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then (loop $forever (br $forever))))
    (call $upper (local.get $len)))

  ;; grows memory until the host refuses, then traps as an allocator would
  (func (export "bomb_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then
        (loop $grow
          (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
        unreachable))
    (call $upper (local.get $len)))

  (func (export "trap_every_7th")
    (local $len i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (i32.eqz (i32.rem_u (global.get $calls) (i32.const 7)))
      (then unreachable))
    (local.set $len (call $value))
    (call $upper (local.get $len)))

  ;; passes the host a pointer outside memory
  (func (export "oob_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then (call $set_value (i32.const 0x7fff0000) (i32.const 16))))
    (call $upper (local.get $len)))

  ;; claims a 2 GiB value
  (func (export "huge_len_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then (call $set_value (i32.const 0) (i32.const 0x7fffffff))))
    (call $upper (local.get $len)))

  ;; calls get_value without end
  (func (export "flood_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then (loop $again (drop (call $get_value)) (br $again))))
    (call $upper (local.get $len)))

  ;; its alloc returns an offset outside memory
  (func (export "garbage_alloc_if_bad")
    (local $len i32)
    (local.set $len (call $value))
    (if (call $is_bad (local.get $len))
      (then
        (global.set $garbage (i32.const 1))
        (drop (call $get_value))))
    (global.set $garbage (i32.const 0))
    (call $upper (local.get $len)))
)
