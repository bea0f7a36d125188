(module
  (import "host" "v" (func (param v128) (result i32)))
  (func (export "lane0") (param v128) (result i32)
    (i32x4.extract_lane 0 (local.get 0))))
