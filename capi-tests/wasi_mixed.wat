;; A WASI command that also imports a host function (test_wasi.c):
;; exits with env.add_one(41).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "env" "add_one" (func $add_one (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $exit (call $add_one (i32.const 41)))))
