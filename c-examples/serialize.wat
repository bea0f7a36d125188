;; A tiny module to compile once and reload from its serialized form.
(module (func (export "answer") (result i32) (i32.const 42)))
