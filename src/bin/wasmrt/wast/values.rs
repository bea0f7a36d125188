//! Conversions between wast script values and engine values, and matching
//! of results against expectations (NaN patterns, v128 lanes, references).

use std::collections::HashMap;
use wasmrt::*;
use wast::core::{HeapType, NanPattern, V128Const, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Host references of a script: `ref.extern N` is the same reference every
/// time it appears.
#[derive(Default)]
pub struct ExternRefs(HashMap<u32, ExternRef>);

impl ExternRefs {
    fn get(&mut self, store: &mut Store, n: u32) -> ExternRef {
        *self.0.entry(n).or_insert_with(|| ExternRef::new(store, n))
    }
}

/// The null of `ht`'s hierarchy (a concrete type index is taken for a
/// function type: scripts name no other in arguments).
fn null_of(ht: &HeapType<'_>) -> Val {
    use wast::core::AbstractHeapType as A;
    match ht {
        HeapType::Abstract { ty, .. } => match ty {
            A::Func | A::NoFunc => Val::FuncRef(None),
            A::Extern | A::NoExtern => Val::ExternRef(None),
            A::Exn | A::NoExn => Val::ExnRef(None),
            _ => Val::AnyRef(None),
        },
        _ => Val::FuncRef(None),
    }
}

fn v128_bits(v: &V128Const) -> u128 {
    u128::from_le_bytes(v.to_le_bytes())
}

/// Converts an argument; `None` for kinds this engine has no value for.
pub fn arg(store: &mut Store, refs: &mut ExternRefs, a: &WastArg<'_>) -> Option<Val> {
    let WastArg::Core(a) = a else { return None };
    Some(match a {
        WastArgCore::I32(x) => Val::I32(*x),
        WastArgCore::I64(x) => Val::I64(*x),
        WastArgCore::F32(x) => Val::F32(x.bits),
        WastArgCore::F64(x) => Val::F64(x.bits),
        WastArgCore::V128(v) => Val::V128(v128_bits(v)),
        WastArgCore::RefNull(ht) => null_of(ht),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(refs.get(store, *n))),
        _ => return None,
    })
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn v128_matches(p: &V128Pattern, v: u128) -> bool {
    let b = v.to_le_bytes();
    let lane = |i: usize, n: usize| -> u64 {
        let mut x = 0u64;
        for k in 0..n {
            x |= u64::from(b[i * n + k]) << (8 * k);
        }
        x
    };
    match p {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) as u8 == *x as u8),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) as u16 == *x as u16),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) as u32 == *x as u32),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(p, lane(i, 4) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}

/// Whether `got` satisfies `want`. `Err` when the expectation uses a kind
/// of value this engine does not have (counted as skipped by the caller).
pub fn matches(store: &Store, want: &WastRet<'_>, got: &Val) -> Result<bool, ()> {
    let WastRet::Core(want) = want else {
        return Err(());
    };
    core_matches(store, want, got)
}

fn core_matches(store: &Store, want: &WastRetCore<'_>, got: &Val) -> Result<bool, ()> {
    Ok(match (want, got) {
        (WastRetCore::I32(x), Val::I32(y)) => x == y,
        (WastRetCore::I64(x), Val::I64(y)) => x == y,
        (WastRetCore::F32(p), Val::F32(bits)) => f32_matches(p, *bits),
        (WastRetCore::F64(p), Val::F64(bits)) => f64_matches(p, *bits),
        (WastRetCore::V128(p), Val::V128(v)) => v128_matches(p, *v),
        (WastRetCore::RefNull(_), Val::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::ExnRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::AnyRef(None)) => true,
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(e))) => {
            e.data(store).downcast_ref::<u32>() == Some(n)
        }
        (WastRetCore::Either(alts), v) => {
            let mut any = false;
            for alt in alts {
                any |= core_matches(store, alt, v)?;
            }
            any
        }
        (
            WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared
            | WastRetCore::RefHost(_),
            _,
        ) => return Err(()),
        _ => false,
    })
}
