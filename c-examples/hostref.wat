;; Keeps host references (externref) in a table and hands them back.
(module
  (table $slots (export "slots") 8 externref)
  (func (export "keep") (param $i i32) (param $r externref)
    (table.set $slots (local.get $i) (local.get $r)))
  (func (export "fetch") (param $i i32) (result externref)
    (table.get $slots (local.get $i)))
  (func (export "is_null") (param externref) (result i32)
    (ref.is_null (local.get 0))))
