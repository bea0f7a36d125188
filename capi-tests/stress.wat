;; Used by test_stress.c: state in every kind of object (a memory with a
;; data segment, a mutable global, a table), a host import and an
;; indirect call, so a fresh instance that sees another's state, or a
;; wrong call, gives a wrong result.
(module
  (type $unary (func (param i32) (result i32)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "w")
  (global $calls (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $double $square)
  (func $double (type $unary) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  ;; f(k) + 1000 * (byte 0 of memory before the call) + (calls so far),
  ;; where f is $double for even k and $square for odd; stores k's low
  ;; byte at 0.
  (func (export "work") (param $k i32) (result i32)
    (local $before i32)
    (local.set $before (i32.load8_u (i32.const 0)))
    (i32.store8 (i32.const 0) (local.get $k))
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $add
      (call_indirect (type $unary) (local.get $k) (i32.and (local.get $k) (i32.const 1)))
      (i32.add (i32.mul (local.get $before) (i32.const 1000)) (global.get $calls)))))
