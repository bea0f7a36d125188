;; Used by test_sandbox.c: a counting loop, endless loops with and without
;; calls, and memory/table growth.
(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (global $g (export "count") (mut i32) (i32.const 0))
  (func (export "run") (param $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l))))
  (func (export "spin") (loop $l (br $l)))
  (func (export "spin_calls") (loop $l (call $nothing) (br $l)))
  (func $nothing)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0))))
