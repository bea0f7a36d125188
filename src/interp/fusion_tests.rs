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
    let engine = Engine::default();
    let wasm = wat2wasm(&module_text(extra_locals)).expect("test module assembles");
    super::translate::testing::set_force_wide(force_wide);
    let module = Module::new(&engine, &wasm);
    super::translate::testing::set_force_wide(false);
    let module = module.expect("test module compiles");
    let ir = module.dump_ir();
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
