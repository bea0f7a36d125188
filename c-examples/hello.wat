;; The smallest useful module: it imports one host function and exports a
;; function that calls it.
(module
  (import "host" "hello" (func $hello))
  (func (export "run")
    call $hello))
