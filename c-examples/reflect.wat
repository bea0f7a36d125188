;; A module with one import and one export of every kind, to reflect on.
(module
  (import "env" "log" (func (param i32 f64)))
  (import "env" "base" (global i64))
  (import "env" "slots" (table 1 10 funcref))
  (import "env" "heap" (memory 1))
  (func (export "compute") (param i32) (result i32 i64) (local.get 0) (i64.const 0))
  (global (export "version") (mut f32) (f32.const 1.5))
  (table (export "handlers") 2 externref)
  ;; One memory per module in WebAssembly 2.0: re-export the imported one.
  (export "scratch" (memory 0)))
