;; Exception handling for test_exceptions.c: tags imported from the host
;; and exported, exceptions caught by the guest and escaping it.
(module
  (import "host" "tag" (tag $host_tag (param i32)))
  (import "host" "throw" (func $host_throw (param i32)))
  (import "other" "tag" (tag $other (param i32)))
  (tag $e (export "e") (param i32))
  (func (export "uncaught") (param i32) (throw $e (local.get 0)))
  ;; the host throws $host_tag; the guest catches it
  (func (export "catch_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $host_tag $h) (call $host_throw (local.get 0)))
      (i32.const -1)))
  ;; an exception of a tag another instance exported
  (func (export "throw_other") (param i32) (throw $other (local.get 0)))
  (func (export "trap") (block $h (try_table (catch_all $h) (unreachable)))))
