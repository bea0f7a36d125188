;; Typed function references for test_typed_refs.c.
(module
  (type $unary (func (param i32) (result i32)))
  (func $inc (export "inc") (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $other (export "other") (param i64))
  ;; a non-nullable typed parameter
  (func (export "take") (param $f (ref $unary)) (result i32)
    (call_ref $unary (i32.const 41) (local.get $f)))
  ;; a nullable one, and a typed result
  (func (export "call_or_trap") (param $f (ref null $unary)) (result i32)
    (call_ref $unary (i32.const 1) (local.get $f)))
  (func (export "get_inc") (result (ref $unary)) (ref.func $inc)))
