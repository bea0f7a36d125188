;; A WASI guest for test_wasi.c: prints its last argument, echoes stdin
;; to stdout, writes out.txt in its preopened directory (fd 3) when it has
;; one, and exits with status 10 * argc + (number of environment variables).
;; `open_many` opens its directory (fd 3) until refused, and exits with
;; status 100 * (descriptors opened) + (the errno that refused the next).
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 900) "out.txt")
  (data (i32.const 920) "written by the guest\n")
  (data (i32.const 950) "\n")
  (data (i32.const 960) ".")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))
  (func (export "_start") (local $argc i32) (local $last i32)
    (drop (call $args_sizes (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (drop (call $args_get (i32.const 100) (i32.const 1000)))
    (if (local.get $argc)
      (then
        (local.set $last
          (i32.load (i32.add (i32.const 96) (i32.mul (i32.const 4) (local.get $argc)))))
        (drop (call $write (i32.const 1) (local.get $last) (call $strlen (local.get $last))))
        (drop (call $write (i32.const 1) (i32.const 950) (i32.const 1)))))
    ;; echo up to 1000 bytes of stdin
    (i32.store (i32.const 0) (i32.const 2000))
    (i32.store (i32.const 4) (i32.const 1000))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $write (i32.const 1) (i32.const 2000) (i32.load (i32.const 8))))
    ;; out.txt beneath fd 3: create, truncate, right to write
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 900) (i32.const 7)
                   (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 24)))
      (then
        (drop (call $write (i32.load (i32.const 24)) (i32.const 920) (i32.const 21)))
        (drop (call $fd_close (i32.load (i32.const 24))))))
    (drop (call $env_sizes (i32.const 16) (i32.const 20)))
    (call $exit (i32.add (i32.mul (local.get $argc) (i32.const 10)) (i32.load (i32.const 16))))
    unreachable)
  (func (export "open_many") (local $opened i32) (local $errno i32)
    (block $refused
      (loop $again
        (local.set $errno
          (call $path_open (i32.const 3) (i32.const 0) (i32.const 960) (i32.const 1)
            (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 24)))
        (br_if $refused (local.get $errno))
        (local.set $opened (i32.add (local.get $opened) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $opened) (i32.const 5000)))))
    (call $exit (i32.add (i32.mul (local.get $opened) (i32.const 100)) (local.get $errno)))
    unreachable)
  (func (export "crash") unreachable))
