;; A table of functions called indirectly, and filled by the host.
(module
  (type $unop (func (param i32) (result i32)))
  (table (export "ops") 3 funcref)
  (func $double (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $unop) (i32.mul (local.get 0) (local.get 0)))
  (elem (i32.const 0) $double $square)
  (func (export "apply") (param $op i32) (param $x i32) (result i32)
    (call_indirect (type $unop) (local.get $x) (local.get $op))))
