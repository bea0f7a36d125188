;; Reference values, tables of externrefs, globals and memory growth.
(module
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (table $t (export "refs") 4 externref)
  (func (export "put") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
  (func $f (export "eleven") (result i32) (i32.const 11))
  (func (export "fref") (result funcref) (ref.func $f))
  (global (export "g") (mut i64) (i64.const 1))
  (memory (export "mem") 1 2)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))
