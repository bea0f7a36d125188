;; Each instance gets its own memory and a function to read it.
(module
  (memory (export "memory") 1)
  (func (export "get") (result i32) (i32.load (i32.const 0))))
