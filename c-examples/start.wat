;; The start function runs during instantiation and tells the host.
(module
  (import "host" "started" (func $started (param i32)))
  (global $ready (export "ready") (mut i32) (i32.const 0))
  (func $init
    (global.set $ready (i32.const 1))
    (call $started (i32.const 7)))
  (start $init))
