;; The 3.0 type system for test_type_system.c: a declared subtype called
;; through its supertype, a look-alike in another rec group, and GC types
;; (without GC instructions their only value is null).
(module
  (type $base (sub (func (result i32))))
  (type $derived (sub $base (func (result i32))))
  (rec (type $lookalike (func (result i32))) (type (struct)))
  (type $s (struct (field i32)))
  (func $d (type $derived) (i32.const 7))
  (func $l (type $lookalike) (i32.const 8))
  (table funcref (elem $d $l))
  (func (export "call_base") (param i32) (result i32)
    (call_indirect (type $base) (local.get 0)))
  (global (export "nothing") (mut anyref) (ref.null none))
  (func (export "is_null") (param (ref null $s)) (result i32)
    (ref.is_null (local.get 0))))
