//! The fused (narrow) instruction forms against the plain (wide) ones.
//!
//! Every function below is translated twice: with the narrow forms
//! (address adds folded into loads and stores, float arithmetic with a
//! memory operand, multiply-add, fused selects, negated compare-and-branch)
//! and with the wide forms only, as the translator does for frames past
//! 16-bit slots. Both must compute the same results and trap at the same
//! wasm offsets; a few results are also checked against values worked out
//! by hand, and a module with 33,000 locals checks that the translator
//! really falls back to the wide forms.

use crate::engine::*;

/// Enough locals to overflow 16-bit slots.
const WIDE_LOCALS: usize = 33_000;

fn module_text(extra_locals: usize) -> String {
    let pad = if extra_locals == 0 {
        String::new()
    } else {
        format!("(local {})", "i64 ".repeat(extra_locals))
    };
    format!(
        r#"(module
  (memory 1)
  (data (i32.const 16) "\01\80\ff\7f\00\01\02\03\04\05\06\07\08\09\0a\0b")
  (data (i32.const 64) "\00\00\00\00\00\00\f8\3f\00\00\00\00\00\00\04\40\00\00\c0\3f")

  ;; Loads of every width through `local + imm`, `local + local` and a
  ;; plain address, mixed into one checksum.
  (func (export "loads") (param $p i32) (param $q i32) (result i64)
    {pad}
    (local $acc i64)
    (local.set $acc (i64.load8_s (i32.add (local.get $p) (i32.const 1))))
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_u (i32.load8_u (i32.add (local.get $p) (i32.const 2))))))
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_s (i32.load8_s (i32.add (local.get $p) (local.get $q))))))
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_s (i32.load16_s (i32.add (local.get $p) (i32.const 2))))))
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_u (i32.load16_u offset=1 (i32.add (local.get $p) (i32.const 1))))))
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_u (i32.load (i32.add (i32.const 4) (local.get $p))))))
    (local.set $acc (i64.add (local.get $acc) (i64.load (i32.sub (local.get $p) (i32.const -8)))))
    (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get $p))))
    (local.set $acc (i64.add (local.get $acc) (i64.load16_s offset=2 (local.get $p))))
    (local.set $acc (i64.add (local.get $acc) (i64.load16_u (i32.add (local.get $p) (i32.const 6)))))
    (local.set $acc (i64.add (local.get $acc) (i64.load32_s (i32.add (local.get $p) (i32.const 1)))))
    (local.set $acc (i64.add (local.get $acc) (i64.load32_u (i32.add (local.get $q) (local.get $p)))))
    ;; an add whose right operand is computed (not a local or constant)
    (local.set $acc (i64.add (local.get $acc)
      (i64.extend_i32_u (i32.load (i32.add (local.get $p) (i32.shl (local.get $q) (i32.const 1)))))))
    (local.get $acc))

  ;; Stores of every width through the same address forms, read back.
  (func (export "stores") (param $p i32) (param $v i64) (result i64)
    {pad}
    (i64.store (i32.add (local.get $p) (i32.const 8)) (local.get $v))
    (i32.store8 (i32.add (local.get $p) (i32.const 1)) (i32.wrap_i64 (local.get $v)))
    (i32.store16 (i32.add (local.get $p) (local.get $p)) (i32.const 0x1234))
    (i32.store (i32.add (local.get $p) (i32.const 20)) (i32.add (i32.wrap_i64 (local.get $v)) (i32.const 7)))
    (i64.store8 (local.get $p) (i64.const 0x99))
    (i64.store16 (i32.add (local.get $p) (i32.const 24)) (local.get $v))
    (i64.store32 offset=4 (i32.add (local.get $p) (i32.const 24)) (local.get $v))
    (i64.add
      (i64.add (i64.load (i32.add (local.get $p) (i32.const 8))) (i64.load (local.get $p)))
      (i64.add (i64.load (i32.add (local.get $p) (i32.const 16)))
               (i64.load (i32.add (local.get $p) (i32.const 24))))))

  ;; Float arithmetic with memory operands and multiply-add.
  (func (export "floats") (param $p i32) (param $x f64) (result f64)
    {pad}
    (local $y f64) (local $f f32)
    (local.set $y (f64.mul (local.get $x) (f64.load (local.get $p))))
    (local.set $y (f64.add (f64.load offset=8 (local.get $p)) (local.get $y)))
    (local.set $y (f64.sub (local.get $y) (f64.load (i32.add (local.get $p) (i32.const 8)))))
    (local.set $y (f64.sub (f64.load (local.get $p)) (local.get $y)))
    (local.set $y (f64.div (local.get $y) (f64.load (local.get $p))))
    (local.set $y (f64.div (f64.load offset=8 (local.get $p)) (local.get $y)))
    (local.set $y (f64.add (f64.mul (local.get $y) (local.get $x)) (local.get $x)))
    (local.set $y (f64.sub (local.get $y) (f64.mul (local.get $x) (local.get $x))))
    (local.set $y (f64.sub (f64.mul (local.get $y) (local.get $x)) (f64.const 0.25)))
    (local.set $f (f32.mul (f32.demote_f64 (local.get $x)) (f32.load offset=16 (local.get $p))))
    (local.set $f (f32.add (local.get $f) (f32.load offset=16 (local.get $p))))
    (local.set $f (f32.sub (f32.load offset=16 (local.get $p)) (local.get $f)))
    (local.set $f (f32.div (local.get $f) (f32.load offset=16 (local.get $p))))
    (local.set $f (f32.add (f32.mul (local.get $f) (local.get $f)) (f32.const 1)))
    (f64.add (local.get $y) (f64.promote_f32 (local.get $f))))

  ;; select fused with comparisons and eqz, into locals and on the stack.
  (func (export "selects") (param $a i64) (param $b i64) (result i64)
    {pad}
    (local $r i64)
    (local.set $r (select (local.get $a) (local.get $b) (i64.gt_u (local.get $a) (local.get $b))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $a) (local.get $b) (i64.lt_s (local.get $a) (i64.const -5)))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $b) (local.get $a) (i64.eqz (i64.and (local.get $a) (i64.const 1))))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $a) (local.get $b)
        (i32.eqz (i32.wrap_i64 (local.get $b))))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $a) (local.get $b)
        (i32.ge_u (i32.wrap_i64 (local.get $a)) (i32.const 3)))))
    (local.set $r (i64.add (local.get $r)
      (select (i64.const 100) (local.get $b) (i32.wrap_i64 (local.get $a)))))
    (local.get $r))

  ;; A comparison negated by eqz, branched on: loops while x*x <= 4.
  (func (export "escape") (param $x f64) (result i32)
    {pad}
    (local $n i32)
    (block $out
      (loop $top
        (br_if $out (i32.eqz (f64.le (f64.mul (local.get $x) (local.get $x)) (f64.const 4))))
        (local.set $x (f64.add (local.get $x) (f64.const 0.5)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $n))

  ;; Counted loops closed by a fused add-and-branch, in each form.
  (func (export "loops") (param $n i32) (param $step i32) (result i32)
    {pad}
    (local $i i32) (local $acc i32) (local $j i32)
    ;; i += 1 until i == n: immediate step, slot bound
    (loop $a
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $a (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    ;; j += step while j <u 100: slot step, immediate bound
    (loop $b
      (local.set $acc (i32.xor (local.get $acc) (local.get $j)))
      (local.set $j (i32.add (local.get $j) (local.get $step)))
      (br_if $b (i32.lt_u (local.get $j) (i32.const 100))))
    ;; while n > i, i += 3: the counter on the right
    (local.set $i (i32.const 0))
    (loop $c
      (local.set $acc (i32.add (local.get $acc) (i32.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 3)))
      (br_if $c (i32.gt_s (local.get $n) (local.get $i))))
    ;; while j >= -50, j -= 7: negative step, signed
    (loop $d
      (local.set $acc (i32.sub (local.get $acc) (local.get $j)))
      (local.set $j (i32.add (local.get $j) (i32.const -7)))
      (br_if $d (i32.ge_s (local.get $j) (i32.const -50))))
    ;; while i != j, i += step (slot step, slot bound)
    (local.set $i (i32.sub (local.get $j) (i32.mul (local.get $step) (i32.const 3))))
    (loop $e
      (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
      (local.set $i (i32.add (local.get $step) (local.get $i)))
      (br_if $e (i32.ne (local.get $i) (local.get $j))))
    (local.get $acc))

  ;; Branches and selects on bit tests; multiply-add by constants.
  (func (export "bits") (param $x i64) (param $y i32) (result i64)
    {pad}
    (local $r i64)
    (if (i32.and (local.get $y) (i32.const 4)) (then (local.set $r (i64.const 1))))
    (if (i32.eqz (i32.and (local.get $y) (i32.const 1)))
      (then (local.set $r (i64.add (local.get $r) (i64.const 10)))))
    (if (i64.eqz (i64.and (local.get $x) (i64.const 0x40000000)))
      (then (local.set $r (i64.add (local.get $r) (i64.const 100)))))
    (local.set $r (i64.add (local.get $r)
      (select (i64.const 1000) (i64.const 2000) (i32.and (local.get $y) (i32.const 2)))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $x) (i64.const 3) (i64.eqz (i64.and (local.get $x) (i64.const 1))))))
    (local.set $r (i64.add (local.get $r)
      (select (local.get $x) (i64.const 5) (i32.eqz (i32.and (local.get $y) (i32.const 8))))))
    (local.set $r (i64.add (local.get $r)
      (i64.add (i64.mul (local.get $x) (i64.const 1664525)) (i64.const 1013904223))))
    (local.set $r (i64.add (local.get $r) (i64.extend_i32_u
      (i32.add (i32.mul (local.get $y) (i32.const -1640531535)) (i32.const 12345)))))
    (local.get $r))

  ;; Two float operators fused: op2(op1(x, y), z) in every combination.
  (func (export "pairs") (param $x f64) (param $y f64) (param $z f64) (result f64)
    {pad}
    (local $r f64) (local $s f32) (local $a f32) (local $b f32) (local $c f32)
    (local.set $r (f64.add (f64.add (local.get $x) (local.get $y)) (local.get $z)))
    (local.set $r (f64.mul (local.get $r) (f64.sub (f64.add (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $r (f64.add (local.get $r) (f64.sub (local.get $z) (f64.add (local.get $x) (local.get $y)))))
    (local.set $r (f64.sub (local.get $r) (f64.mul (f64.add (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $r (f64.add (local.get $r) (f64.add (f64.sub (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $r (f64.mul (local.get $r) (f64.sub (f64.sub (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $r (f64.add (local.get $r) (f64.sub (local.get $z) (f64.sub (local.get $x) (local.get $y)))))
    (local.set $r (f64.sub (local.get $r) (f64.mul (f64.sub (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $r (f64.add (local.get $r) (f64.mul (f64.mul (local.get $x) (local.get $y)) (local.get $z))))
    (local.set $a (f32.demote_f64 (local.get $x)))
    (local.set $b (f32.demote_f64 (local.get $y)))
    (local.set $c (f32.demote_f64 (local.get $z)))
    (local.set $s (f32.add (f32.add (local.get $a) (local.get $b)) (local.get $c)))
    (local.set $s (f32.mul (local.get $s) (f32.sub (f32.add (local.get $a) (local.get $b)) (local.get $c))))
    (local.set $s (f32.add (local.get $s) (f32.sub (local.get $c) (f32.add (local.get $a) (local.get $b)))))
    (local.set $s (f32.sub (local.get $s) (f32.mul (f32.add (local.get $a) (local.get $b)) (local.get $c))))
    (local.set $s (f32.add (local.get $s) (f32.add (f32.sub (local.get $a) (local.get $b)) (local.get $c))))
    (local.set $s (f32.mul (local.get $s) (f32.sub (f32.sub (local.get $a) (local.get $b)) (local.get $c))))
    (local.set $s (f32.add (local.get $s) (f32.sub (local.get $c) (f32.sub (local.get $a) (local.get $b)))))
    (local.set $s (f32.sub (local.get $s) (f32.mul (f32.sub (local.get $a) (local.get $b)) (local.get $c))))
    (local.set $s (f32.add (local.get $s) (f32.mul (f32.mul (local.get $a) (local.get $b)) (local.get $c))))
    (f64.add (local.get $r) (f64.promote_f32 (local.get $s))))

  ;; x[i] op= a: read-modify-write of f32 and f64 elements, and the
  ;; f64 add fused into a compare-and-branch.
  (func (export "rmw") (param $p i32) (param $a f64) (result f64)
    {pad}
    (local $n i32) (local $fa f32)
    (local.set $fa (f32.demote_f64 (local.get $a)))
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $a)))
    (f64.store offset=8 (local.get $p) (f64.sub (local.get $a) (f64.load offset=8 (local.get $p))))
    (f64.store (i32.add (local.get $p) (i32.const 8))
      (f64.sub (f64.load (i32.add (local.get $p) (i32.const 8))) (local.get $a)))
    (f64.store (local.get $p) (f64.mul (local.get $a) (f64.load (local.get $p))))
    (f32.store offset=16 (local.get $p)
      (f32.add (f32.load offset=16 (local.get $p)) (local.get $fa)))
    (f32.store offset=16 (local.get $p)
      (f32.sub (local.get $fa) (f32.load offset=16 (local.get $p))))
    (f32.store offset=16 (local.get $p)
      (f32.mul (f32.load offset=16 (local.get $p)) (local.get $fa)))
    (f32.store offset=16 (local.get $p)
      (f32.sub (f32.load offset=16 (local.get $p)) (local.get $fa)))
    ;; count how often x + a stays below 100 / above 100 while doubling a
    (block $out
      (loop $l
        (br_if $out (f64.ge (f64.add (local.get $a) (local.get $a)) (f64.const 100)))
        (if (f64.lt (f64.add (local.get $a) (f64.const 0.5)) (f64.const 1))
          (then (local.set $n (i32.add (local.get $n) (i32.const 1000)))))
        (local.set $a (f64.add (local.get $a) (local.get $a)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $l (f64.lt (f64.const -1e9) (f64.add (local.get $a) (f64.const 1))))))
    (f64.add
      (f64.add (f64.load (local.get $p)) (f64.load offset=8 (local.get $p)))
      (f64.add (f64.promote_f32 (f32.load offset=16 (local.get $p)))
               (f64.convert_i32_s (local.get $n)))))

  ;; Calls whose first arguments are locals, directly and through a table.
  (type $binop (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $sub $mix)
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mix (type $binop) (i32.xor (i32.mul (local.get 0) (i32.const 31)) (local.get 1)))
  (func $three (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 100)) (i32.add (i32.mul (local.get 1) (i32.const 10)) (local.get 2))))
  (func (export "calls") (param $x i32) (param $y i32) (result i32)
    {pad}
    (local $r i32)
    (local.set $r (call $sub (local.get $x) (local.get $y)))
    (local.set $r (i32.add (local.get $r) (call $sub (local.get $y) (i32.const 5))))
    (local.set $r (i32.add (local.get $r) (call $sub (i32.const 7) (local.get $x))))
    (local.set $r (i32.add (local.get $r) (call $three (local.get $y) (local.get $x) (local.get $y))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $binop) (local.get $x) (local.get $y) (i32.const 1))))
    (local.set $r (i32.add (local.get $r) (call_indirect (type $binop) (local.get $y) (local.get $x) (local.get $r))))
    (local.get $r))

  ;; Pointer walks `*++p` (pre-incrementing loads) of three widths, until
  ;; a zero byte or `n` steps; the sum mixes the final pointer in.
  (func (export "walk") (param $p i32) (param $n i32) (result i64)
    {pad}
    (local $acc i64) (local $q i32)
    (local.set $q (local.get $p))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $acc (i64.add (local.get $acc)
          (i64.extend_i32_u (i32.load8_u (local.tee $p (i32.add (local.get $p) (i32.const 1)))))))
        (local.set $acc (i64.add (local.get $acc)
          (i64.load16_s offset=1 (local.tee $q (i32.add (local.get $q) (i32.const 2))))))
        (local.set $acc (i64.add (local.get $acc)
          (i64.load (local.tee $q (i32.add (local.get $q) (i32.const -1))))))
        (br_if $next (i32.load8_u (local.get $p)))))
    (i64.add (local.get $acc) (i64.extend_i32_u (i32.add (local.get $p) (local.get $q)))))

  ;; Adds stored to two locals at once (`local.set` of a `local.tee`).
  (func (export "tees") (param $a i32) (param $n i32) (result i32)
    {pad}
    (local $b i32) (local $c i32)
    (loop $again
      (local.set $a (local.tee $b (i32.add (local.get $a) (i32.const 3))))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $n (local.tee $b (i32.add (local.get $n) (i32.const -1))))
      (br_if $again (local.get $b)))
    (i32.add (i32.mul (local.get $a) (i32.const 1000)) (local.get $c)))

  ;; An address add that wraps at 32 bits.
  (func (export "wrap") (param $p i32) (result i32)
    {pad}
    (i32.load (i32.add (local.get $p) (i32.const -4))))
)"#
    )
}

struct Run {
    store: Store,
    instance: Instance,
    ir: String,
}

fn instantiate(extra_locals: usize, force_wide: bool) -> Run {
    // The full translator's forms are the subject (`auto` would start the
    // functions in the light translator's code).
    let mut config = crate::Config::new();
    config.strategy(crate::Strategy::Interpreter);
    let engine = Engine::new(&config);
    let wasm = wat2wasm(&module_text(extra_locals)).expect("test module assembles");
    // Functions are translated at their first call, or all at once by
    // `dump_ir`: that is where the switch must be on.
    super::translate::testing::set_force_wide(force_wide);
    let module = Module::new(&engine, &wasm);
    let ir = module.as_ref().map(|m| m.dump_ir()).unwrap_or_default();
    super::translate::testing::set_force_wide(false);
    let module = module.expect("test module compiles");
    let mut store = Store::new(&engine);
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    Run {
        store,
        instance,
        ir,
    }
}

impl Run {
    fn call(&mut self, name: &str, args: &[Val]) -> Result<Val, Trap> {
        let f = self.instance.get_func(&self.store, name).expect("export");
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, args, &mut out).map(|_| out[0])
    }
}

fn f(x: f64) -> Val {
    Val::F64(x.to_bits())
}

/// The calls compared between the two translations.
fn calls() -> Vec<(&'static str, Vec<Val>)> {
    vec![
        ("loads", vec![Val::I32(16), Val::I32(3)]),
        ("loads", vec![Val::I32(17), Val::I32(1)]),
        (
            "stores",
            vec![Val::I32(128), Val::I64(0x0102_0304_0506_0708)],
        ),
        ("stores", vec![Val::I32(1000), Val::I64(-2)]),
        ("floats", vec![Val::I32(64), Val::F64(3.5f64.to_bits())]),
        ("floats", vec![Val::I32(64), Val::F64((-0.75f64).to_bits())]),
        ("selects", vec![Val::I64(7), Val::I64(-9)]),
        ("selects", vec![Val::I64(-20), Val::I64(4)]),
        ("selects", vec![Val::I64(2), Val::I64(0x1_0000_0000)]),
        ("escape", vec![Val::F64((-2.0f64).to_bits())]),
        ("escape", vec![Val::F64(f64::NAN.to_bits())]),
        ("wrap", vec![Val::I32(20)]),
        ("wrap", vec![Val::I32(2)]),
        ("loads", vec![Val::I32(65534), Val::I32(1)]),
        ("stores", vec![Val::I32(65530), Val::I64(1)]),
        ("floats", vec![Val::I32(-8), Val::F64(0)]),
        ("loops", vec![Val::I32(10), Val::I32(7)]),
        ("loops", vec![Val::I32(1), Val::I32(33)]),
        ("bits", vec![Val::I64(0x4000_0001), Val::I32(0b1110)]),
        ("bits", vec![Val::I64(-2), Val::I32(0b0001)]),
        ("pairs", vec![f(1.5), f(-0.25), f(3.0)]),
        ("pairs", vec![f(1e300), f(1e300), f(-1e-300)]),
        ("pairs", vec![f(f64::NAN), f(2.0), f(0.0)]),
        ("rmw", vec![Val::I32(64), f(2.5)]),
        ("rmw", vec![Val::I32(200), f(-3.0)]),
        ("rmw", vec![Val::I32(65530), f(1.0)]),
        ("calls", vec![Val::I32(9), Val::I32(4)]),
        ("calls", vec![Val::I32(-3), Val::I32(1)]),
        ("calls", vec![Val::I32(9), Val::I32(7)]),
        ("tees", vec![Val::I32(5), Val::I32(3)]),
        ("tees", vec![Val::I32(-7), Val::I32(40)]),
        ("walk", vec![Val::I32(16), Val::I32(100)]),
        ("walk", vec![Val::I32(19), Val::I32(3)]),
        ("walk", vec![Val::I32(65530), Val::I32(100)]),
        ("walk", vec![Val::I32(-1), Val::I32(5)]),
    ]
}

#[test]
fn narrow_and_wide_translations_agree() {
    let mut narrow = instantiate(0, false);
    let mut wide = instantiate(0, true);
    // The two really are different translations.
    for fused in [
        "I64Load8SDisp",
        "I32Load8SIndexed",
        "F64MulDisp",
        "F64MulAdd",
        "SelectI64GtU",
    ] {
        assert!(
            narrow.ir.contains(fused),
            "narrow translation lacks {fused}"
        );
        assert!(!wide.ir.contains(fused), "wide translation has {fused}");
    }
    assert!(narrow.ir.contains("BrF64NotLe"));
    for fused in [
        "IncBrI32Ne {",
        "AddBrI32LtUImm",
        "IncBrI32LtS {",
        "IncBrI32GeSImm",
        "AddBrI32Ne {",
        "BrI32TestImm",
        "BrI32NotTestImm",
        "BrI64TestImm",
        "SelectI32TestImm",
        "SelectI64TestImm",
        "I64MulAddImm",
        "I32MulAddImm",
        "F64AddAdd",
        "F64AddSub",
        "F64AddRsub",
        "F64AddMul",
        "F64SubAdd",
        "F64SubSub",
        "F64SubRsub",
        "F64SubMul",
        "F64MulMul",
        "F32AddRsub",
        "F32SubMul",
        "F32MulMul",
        "F64AddDispStore",
        "F64RsubDispStore",
        "F64SubDispStore",
        "F64MulDispStore",
        "F32AddDispStore",
        "F32SubDispStore",
        "F32MulDispStore",
        "F32RsubDispStore",
        "BrF64AddGe",
        "BrF64AddNotLt",
        "BrF64AddGt",
        "CallInternalArgs",
        "CallIndirectArgs",
        "I32Load8UDispInc",
        "I64Load16SDispInc",
        "I64LoadDispInc",
        "I32AddImmCopy",
    ] {
        assert!(
            narrow.ir.contains(fused),
            "narrow translation lacks {fused}"
        );
    }
    for (name, args) in calls() {
        let (n, w) = (narrow.call(name, &args), wide.call(name, &args));
        match (&n, &w) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}{args:?}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "{name}{args:?}");
                let (fa, fb) = (&a.trace()[0], &b.trace()[0]);
                assert_eq!(fa.func_offset, fb.func_offset, "{name}{args:?}: trap site");
            }
            _ => panic!("{name}{args:?}: narrow {n:?}, wide {w:?}"),
        }
    }
}

#[test]
fn fused_forms_compute_the_wasm_results() {
    let mut r = instantiate(0, false);
    // Bytes from 16: 01 80 ff 7f 00 01 02 03 04 05 06 07 08 09 0a 0b.
    let loads = r.call("loads", &[Val::I32(16), Val::I32(3)]).unwrap();
    let expected: i64 = -128 // i64.load8_s [17]
        + 0xff // i32.load8_u [18]
        + 0x7f // i32.load8_s [16 + 3]
        + 0x7fff // i32.load16_s [18]
        + 0x7fff // i32.load16_u offset=1 [17]
        + 0x0302_0100 // i32.load [20]
        + 0x0b0a_0908_0706_0504 // i64.load [24]
        + 0x01 // i64.load8_u [16]
        + 0x7fff // i64.load16_s offset=2 [16]
        + 0x0302 // i64.load16_u [22]
        + 0x007f_ff80 // i64.load32_s [17]
        + 0x0201_007f // i64.load32_u [19]
        + 0x0504_0302; // i32.load [16 + (3 << 1)]
    assert_eq!(loads, Val::I64(expected));
    // walk(19, 3): p = 20 reads 0x00, q = 21 reads [22..24] = 0x0302,
    // q = 20 reads [20..28]; the byte at 20 ends the walk; p + q = 40.
    assert_eq!(
        r.call("walk", &[Val::I32(19), Val::I32(3)]).unwrap(),
        Val::I64(0x0706_0504_0302_0100 + 0x0302 + 40)
    );
    // tees(5, 3): a = b = 8, 11, 14 while n counts down to 0; c = 8 + 11 + 14.
    assert_eq!(
        r.call("tees", &[Val::I32(5), Val::I32(3)]).unwrap(),
        Val::I32(14_000 + 33)
    );
    // q = 65531 makes the i64 load run past the end.
    let t = r
        .call("walk", &[Val::I32(65530), Val::I32(100)])
        .unwrap_err();
    assert_eq!(t.code(), Some(crate::runtime::TrapCode::MemoryOutOfBounds));
    // -4 wraps: 20 - 4 = 16.
    assert_eq!(
        r.call("wrap", &[Val::I32(20)]).unwrap(),
        Val::I32(0x7fff_8001)
    );
    // 2 - 4 wraps to 0xffff_fffe: out of bounds.
    let t = r.call("wrap", &[Val::I32(2)]).unwrap_err();
    assert_eq!(t.code(), Some(crate::runtime::TrapCode::MemoryOutOfBounds));
    // max(7, -9 as u64) = -9; a < -5 false -> -9; a odd -> select(b, a, 0) = a = 7;
    // low 32 bits of b nonzero -> b; (7 as u32) >= 3 -> a = 7; a != 0 -> 100.
    assert_eq!(
        r.call("selects", &[Val::I64(7), Val::I64(-9)]).unwrap(),
        Val::I64(-9 - 9 + 7 - 9 + 7 + 100)
    );
    // x = -2, -1.5, ..., 2 all satisfy x*x <= 4: nine iterations; NaN none.
    assert_eq!(
        r.call("escape", &[Val::F64((-2.0f64).to_bits())]).unwrap(),
        Val::I32(9)
    );
    assert_eq!(
        r.call("escape", &[Val::F64(f64::NAN.to_bits())]).unwrap(),
        Val::I32(0)
    );
}

#[test]
fn huge_frames_fall_back_to_wide_forms() {
    let mut narrow = instantiate(0, false);
    let mut huge = instantiate(WIDE_LOCALS, false);
    assert!(narrow.ir.contains("Disp"));
    assert!(
        !huge.ir.contains("Disp"),
        "33,000 locals do not fit narrow forms"
    );
    for (name, args) in calls() {
        let (n, h) = (narrow.call(name, &args), huge.call(name, &args));
        match (&n, &h) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{name}{args:?}"),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{name}{args:?}"),
            _ => panic!("{name}{args:?}: narrow {n:?}, huge frame {h:?}"),
        }
    }
}

/// `loops` and `bits` worked out in Rust.
#[test]
fn fused_branches_and_selects_compute_the_wasm_results() {
    let loops = |n: i32, step: i32| {
        let mut acc = 0i32;
        let mut i = 0i32;
        loop {
            acc = acc.wrapping_add(i);
            i = i.wrapping_add(1);
            if i == n {
                break;
            }
        }
        let mut j = 0i32;
        loop {
            acc ^= j;
            j = j.wrapping_add(step);
            if (j as u32) >= 100 {
                break;
            }
        }
        i = 0;
        loop {
            acc = acc.wrapping_add(7);
            i += 3;
            if n <= i {
                break;
            }
        }
        loop {
            acc = acc.wrapping_sub(j);
            j = j.wrapping_add(-7);
            if j < -50 {
                break;
            }
        }
        i = j.wrapping_sub(step.wrapping_mul(3));
        loop {
            acc = acc.wrapping_add(1);
            i = step.wrapping_add(i);
            if i == j {
                break;
            }
        }
        acc
    };
    let bits = |x: i64, y: i32| {
        let mut r = 0i64;
        if y & 4 != 0 {
            r = 1;
        }
        if y & 1 == 0 {
            r += 10;
        }
        if x & 0x4000_0000 == 0 {
            r += 100;
        }
        r += if y & 2 != 0 { 1000 } else { 2000 };
        r += if x & 1 == 0 { x } else { 3 };
        r += if y & 8 == 0 { x } else { 5 };
        r = r.wrapping_add(x.wrapping_mul(1664525).wrapping_add(1013904223));
        r.wrapping_add(y.wrapping_mul(-1640531535).wrapping_add(12345) as u32 as i64)
    };
    let mut r = instantiate(0, false);
    for (n, step) in [(10, 7), (1, 33), (7, 1)] {
        let got = r.call("loops", &[Val::I32(n), Val::I32(step)]).unwrap();
        assert_eq!(got, Val::I32(loops(n, step)), "loops({n}, {step})");
    }
    for (x, y) in [(0x4000_0001i64, 0b1110), (-2, 0b0001), (12345, 0), (-1, -1)] {
        let got = r.call("bits", &[Val::I64(x), Val::I32(y)]).unwrap();
        assert_eq!(got, Val::I64(bits(x, y)), "bits({x}, {y})");
    }
}

/// `calls` worked out in Rust (the last call_indirect traps unless `r`
/// selects a table entry).
#[test]
fn calls_with_copied_arguments_compute_the_wasm_results() {
    let sub = |a: i32, b: i32| a.wrapping_sub(b);
    let mix = |a: i32, b: i32| a.wrapping_mul(31) ^ b;
    let mut r = instantiate(0, false);
    for (x, y) in [(9i32, 4i32), (-3, 1), (9, 7)] {
        let mut acc = sub(x, y);
        acc = acc.wrapping_add(sub(y, 5));
        acc = acc.wrapping_add(sub(7, x));
        acc = acc.wrapping_add(y * 100 + x * 10 + y);
        acc = acc.wrapping_add(mix(x, y));
        let got = r.call("calls", &[Val::I32(x), Val::I32(y)]);
        match acc {
            0 => assert_eq!(got.unwrap(), Val::I32(acc.wrapping_add(sub(y, x)))),
            1 => assert_eq!(got.unwrap(), Val::I32(acc.wrapping_add(mix(y, x)))),
            _ => assert_eq!(
                got.unwrap_err().code(),
                Some(crate::runtime::TrapCode::UndefinedElement),
                "calls({x}, {y})"
            ),
        }
    }
}
