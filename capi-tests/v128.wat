;; v128 parameters and results, for the wasmrt.h call interface.
(module
  (func (export "add4") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "lane") (param v128 i32) (result i32)
    (i32x4.extract_lane 0 (i32x4.shl (local.get 0) (local.get 1)))))
