;; Numeric functions both ways (the call fast paths): mixed types through a
;; host function, a host function that answers with the wrong kinds, and a
;; host function that calls back into wasm.
(module
  (import "host" "mix" (func $mix (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
  (import "host" "bad" (func $bad (param i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (func (export "call_mix") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "call_bad") (param i32) (result i32)
    (call $bad (local.get 0)))
  (func (export "call_reenter") (param i32) (result i32)
    (call $reenter (local.get 0)))
  (func (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "nine") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 8))))
