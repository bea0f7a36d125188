;; Imports a mutable global from the host and exports one of its own.
(module
  (global $limit (import "host" "limit") (mut i32))
  (global $hits (export "hits") (mut i32) (i32.const 0))
  (func (export "hit") (result i32)
    (global.set $hits (i32.add (global.get $hits) (i32.const 1)))
    (i32.lt_s (global.get $hits) (global.get $limit))))
