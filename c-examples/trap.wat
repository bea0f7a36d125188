;; Three nested calls; the innermost divides by its argument.
(module
  (func $divide (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $middle (param i32) (result i32) (call $divide (local.get 0)))
  (func (export "outer") (param i32) (result i32) (call $middle (local.get 0))))
