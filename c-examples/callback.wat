;; Calls a host function that keeps state in its environment.
(module
  (import "host" "count" (func $count (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $last i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $last (call $count (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $last)))
