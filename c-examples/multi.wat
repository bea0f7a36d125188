;; Multiple results, both from wasm and from a host function.
(module
  (import "host" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
  (func (export "stats") (param i64 i64) (result i64 i64 i64)
    (i64.add (local.get 0) (local.get 1))
    (i64.sub (local.get 0) (local.get 1))
    (i64.mul (local.get 0) (local.get 1)))
  (func (export "swapped_divmod") (param i32 i32) (result i32 i32)
    (local $q i32) (local $r i32)
    (call $divmod (local.get 0) (local.get 1))
    (local.set $r) (local.set $q)
    (local.get $r) (local.get $q)))
