//! Values: `wasm_val_t` and conversion to and from engine values.

use super::r#ref::{wasm_ref_t, RefKind};
use super::store::wasm_store_t;
use super::types::*;
use crate::engine::{HeapType, Val, ValType};
use std::ptr;

#[repr(C)]
#[derive(Copy, Clone)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub ref_: *mut wasm_ref_t,
}

#[repr(C)]
#[derive(Copy, Clone)]
pub struct wasm_val_t {
    pub kind: wasm_valkind_t,
    pub of: wasm_val_union,
}

const _: () = assert!(std::mem::size_of::<wasm_val_t>() == 16);
const _: () = assert!(std::mem::offset_of!(wasm_val_t, of) == 8);

impl wasm_val_t {
    pub(crate) fn blank() -> wasm_val_t {
        wasm_val_t {
            kind: WASM_I32,
            of: wasm_val_union { i64: 0 },
        }
    }

    fn is_ref(&self) -> bool {
        self.kind == WASM_EXTERNREF || self.kind == WASM_FUNCREF
    }

    /// A copy owning its own reference handle.
    ///
    /// # Safety
    /// `self` must be a valid value (a reference kind holds a live handle
    /// or null).
    pub(crate) unsafe fn deep_copy(&self) -> wasm_val_t {
        let mut out = *self;
        if self.is_ref() {
            // SAFETY: guaranteed by the caller.
            let r = unsafe { self.of.ref_ };
            out.of.ref_ = if r.is_null() {
                ptr::null_mut()
            } else {
                // SAFETY: `r` is live.
                unsafe { wasm_ref_t::boxed((*r).store, (*r).kind.clone()) }
            };
        }
        out
    }

    /// Frees the reference handle a reference value owns.
    pub(crate) fn release(self) {
        if self.is_ref() {
            // SAFETY: reference values own their handle (or hold null).
            let r = unsafe { self.of.ref_ };
            if !r.is_null() {
                // SAFETY: an owned handle made by this library.
                drop(unsafe { Box::from_raw(r) });
            }
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    if !v.is_null() {
        // SAFETY: a valid value (C API contract); it no longer owns a ref.
        unsafe {
            (*v).release();
            (*v).of.ref_ = ptr::null_mut();
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, v: *const wasm_val_t) {
    if out.is_null() || v.is_null() {
        return;
    }
    // SAFETY: valid value and writable output (C API contract).
    unsafe { out.write((*v).deep_copy()) }
}

/// The raw slot bits of a C value of numeric kind `kind` (the call fast
/// paths: `valkind_of` a numeric type); `None` when the value is of
/// another kind or `kind` is not numeric.
#[inline(always)]
pub(crate) fn numeric_to_raw(v: &wasm_val_t, kind: wasm_valkind_t) -> Option<u64> {
    if v.kind != kind || kind > WASM_F64 {
        return None;
    }
    // Without a jump table over the four kinds: the 64-bit ones (I64,
    // F64) have bit 0 set, and a float's bits are read as the integer of
    // its width.
    // SAFETY: the member read is `kind`'s or the integer of its width,
    // whose bytes are the same (initialised) ones.
    unsafe {
        Some(if kind & 1 != 0 {
            v.of.i64 as u64
        } else {
            v.of.i32 as u32 as u64
        })
    }
}

/// The C value of raw slot bits of numeric kind `kind` (I32, I64, F32 or
/// F64: see `FuncType::is_numeric`).
#[inline(always)]
pub(crate) fn numeric_from_raw(raw: u64, kind: wasm_valkind_t) -> wasm_val_t {
    // As in `numeric_to_raw`: a float is written as the integer of its
    // width, the member whose bytes it shares.
    let of = if kind & 1 != 0 {
        wasm_val_union { i64: raw as i64 }
    } else {
        wasm_val_union {
            i32: raw as u32 as i32,
        }
    };
    wasm_val_t { kind, of }
}

/// Converts a C value to an engine value of type `ty`, as a parameter,
/// global or table value. Reference values are accepted by the reference
/// they hold, whichever reference kind the C side used (the standard's
/// examples pass functions with `WASM_REF_VAL`, kind externref).
///
/// # Safety
/// `v` must be a valid value; `store` the live store the value is for.
pub(crate) unsafe fn to_val(
    store: *mut wasm_store_t,
    v: &wasm_val_t,
    ty: ValType,
) -> Result<Val, String> {
    // SAFETY: the union member read is the one `kind` says is set.
    unsafe {
        Ok(match (v.kind, ty) {
            (WASM_I32, ValType::I32) => Val::I32(v.of.i32),
            (WASM_I64, ValType::I64) => Val::I64(v.of.i64),
            (WASM_F32, ValType::F32) => Val::F32(v.of.f32.to_bits()),
            (WASM_F64, ValType::F64) => Val::F64(v.of.f64.to_bits()),
            (WASM_EXTERNREF | WASM_FUNCREF, ValType::Ref(_)) => ref_to_val(store, v.of.ref_, ty)?,
            (k, t) => {
                return Err(format!(
                    "value of kind {} where {t} was expected",
                    kind_name(k)
                ))
            }
        })
    }
}

fn kind_name(k: wasm_valkind_t) -> String {
    match valtype_of_kind(k) {
        Some(t) => t.to_string(),
        None => format!("<invalid kind {k}>"),
    }
}

/// Converts a reference handle (or null) to a value of reference type `ty`.
///
/// # Safety
/// `r` must be null or live; `store` live.
pub(crate) unsafe fn ref_to_val(
    store: *mut wasm_store_t,
    r: *const wasm_ref_t,
    ty: ValType,
) -> Result<Val, String> {
    if r.is_null() {
        return Ok(Val::default_for(ty));
    }
    // SAFETY: guaranteed by the caller.
    let r = unsafe { &*r };
    if !r.store.is_null() && r.store != store {
        return Err("reference from another store".into());
    }
    // Nullability and the signature of a typed function reference are
    // checked where the value is used (`Func::call`, globals, tables).
    match ty {
        ValType::Ref(rt) => match rt.heap.top() {
            HeapType::Func => match r.kind {
                RefKind::Func(f) => Ok(Val::FuncRef(Some(f))),
                _ => Err("a funcref value must be a function reference".into()),
            },
            HeapType::Exn => match r.kind {
                RefKind::Exn(e) => Ok(Val::ExnRef(Some(e))),
                _ => Err("an exnref value must be an exception reference".into()),
            },
            HeapType::Extern => {
                // SAFETY: `store` is live (caller).
                let e = unsafe { (*store).externref_for(&r.kind) };
                Ok(Val::ExternRef(Some(e)))
            }
            _ => Err(format!(
                "{ty} has no values but null (wasmrt has no GC objects)"
            )),
        },
        t => Err(format!("{t} is not a reference type")),
    }
}

/// A new reference handle for a reference value; null for null.
pub(crate) fn val_to_ref(store: *mut wasm_store_t, v: &Val) -> *mut wasm_ref_t {
    match *v {
        Val::FuncRef(Some(f)) => wasm_ref_t::boxed(store, RefKind::Func(f)),
        Val::ExnRef(Some(e)) => wasm_ref_t::boxed(store, RefKind::Exn(e)),
        Val::ExternRef(Some(e)) => {
            // SAFETY: `store` is the live store the value came from.
            let kind = unsafe { (*store).kind_of_externref(e) };
            wasm_ref_t::boxed(store, kind)
        }
        _ => ptr::null_mut(),
    }
}

/// Converts an engine value to a C value (reference handles are new and
/// owned by the result).
pub(crate) fn from_val(store: *mut wasm_store_t, v: &Val) -> wasm_val_t {
    let (kind, of) = match *v {
        Val::I32(x) => (WASM_I32, wasm_val_union { i32: x }),
        Val::I64(x) => (WASM_I64, wasm_val_union { i64: x }),
        Val::F32(x) => (
            WASM_F32,
            wasm_val_union {
                f32: f32::from_bits(x),
            },
        ),
        Val::F64(x) => (
            WASM_F64,
            wasm_val_union {
                f64: f64::from_bits(x),
            },
        ),
        // wasm.h has no v128 member: the low half is all it can carry;
        // wasmrt.h offers calls with full v128 values.
        Val::V128(x) => (4, wasm_val_union { i64: x as i64 }),
        Val::FuncRef(_) => (
            WASM_FUNCREF,
            wasm_val_union {
                ref_: val_to_ref(store, v),
            },
        ),
        // wasm.h has no exnref or anyref kind: an exception reference
        // travels as an externref-kind value whose handle comes back as
        // itself, a GC reference (always null) as a null one.
        Val::ExternRef(_) | Val::ExnRef(_) | Val::AnyRef(_) => (
            WASM_EXTERNREF,
            wasm_val_union {
                ref_: val_to_ref(store, v),
            },
        ),
    };
    wasm_val_t { kind, of }
}
