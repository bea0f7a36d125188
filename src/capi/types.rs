//! Type objects: value, function, global, table, memory, tag and extern
//! types, import and export descriptors.
//!
//! Every specific type is a transparent view of one `wasm_externtype_t`, so
//! `wasm_functype_as_externtype` and back are pointer casts. Parts that C
//! borrows (`wasm_functype_params`, `wasm_globaltype_content`, ...) are
//! stored in C form inside the object.

use super::vec::*;
use crate::engine::{
    ExternType, FuncType, GlobalType, Limits, MemoryType, Mutability, TableType, TagType, ValType,
};
use std::ptr;

pub type wasm_valkind_t = u8;
pub const WASM_I32: wasm_valkind_t = 0;
pub const WASM_I64: wasm_valkind_t = 1;
pub const WASM_F32: wasm_valkind_t = 2;
pub const WASM_F64: wasm_valkind_t = 3;
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
pub const WASM_FUNCREF: wasm_valkind_t = 129;

pub type wasm_mutability_t = u8;
pub const WASM_CONST: wasm_mutability_t = 0;
pub const WASM_VAR: wasm_mutability_t = 1;

pub type wasm_externkind_t = u8;
pub const WASM_EXTERN_FUNC: wasm_externkind_t = 0;
pub const WASM_EXTERN_GLOBAL: wasm_externkind_t = 1;
pub const WASM_EXTERN_TABLE: wasm_externkind_t = 2;
pub const WASM_EXTERN_MEMORY: wasm_externkind_t = 3;
pub const WASM_EXTERN_TAG: wasm_externkind_t = 4;

#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

const NO_MAX: u32 = u32::MAX;

impl wasm_limits_t {
    fn from_limits(l: &Limits) -> wasm_limits_t {
        wasm_limits_t {
            min: l.min.min(u64::from(u32::MAX)) as u32,
            max: l.max.map_or(NO_MAX, |m| m.min(u64::from(NO_MAX)) as u32),
        }
    }

    fn to_limits(self) -> Limits {
        Limits {
            min: self.min.into(),
            max: (self.max != NO_MAX).then_some(self.max.into()),
        }
    }
}

#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

pub(crate) fn valkind_of(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        // The standard header has no v128 kind; wasmrt.h names this value.
        ValType::V128 => 4,
        // wasm.h has no typed references: a typed function reference
        // shows as funcref (as in wasmtime).
        ValType::Ref(r) if r.is_func() => WASM_FUNCREF,
        ValType::Ref(_) => WASM_EXTERNREF,
    }
}

pub(crate) fn valtype_of_kind(k: wasm_valkind_t) -> Option<ValType> {
    Some(match k {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        4 => ValType::V128,
        WASM_EXTERNREF => ValType::ExternRef,
        WASM_FUNCREF => ValType::FuncRef,
        _ => return None,
    })
}

pub(crate) fn boxed_valtype(ty: ValType) -> *mut wasm_valtype_t {
    Box::into_raw(Box::new(wasm_valtype_t { ty }))
}

fn valtype_vec(tys: &[ValType]) -> wasm_valtype_vec_t {
    WasmVec::from_vec(tys.iter().map(|t| boxed_valtype(*t)).collect())
}

pub(crate) enum CExternType {
    Func {
        ty: FuncType,
        params: wasm_valtype_vec_t,
        results: wasm_valtype_vec_t,
    },
    Global {
        ty: GlobalType,
        content: Box<wasm_valtype_t>,
    },
    Table {
        ty: TableType,
        element: Box<wasm_valtype_t>,
        limits: wasm_limits_t,
    },
    Memory {
        ty: MemoryType,
        limits: wasm_limits_t,
    },
    Tag {
        functype: Box<wasm_functype_t>,
    },
}

pub struct wasm_externtype_t {
    pub(crate) which: CExternType,
}

impl Drop for wasm_externtype_t {
    fn drop(&mut self) {
        if let CExternType::Func {
            params, results, ..
        } = &mut self.which
        {
            // SAFETY: both vectors were made by `valtype_vec`.
            unsafe {
                wasm_valtype_vec_delete(params);
                wasm_valtype_vec_delete(results);
            }
        }
    }
}

impl Clone for wasm_externtype_t {
    fn clone(&self) -> wasm_externtype_t {
        wasm_externtype_t::new(&self.ty())
    }
}

impl wasm_externtype_t {
    pub(crate) fn new(ty: &ExternType) -> wasm_externtype_t {
        let which = match ty {
            ExternType::Func(f) => CExternType::Func {
                ty: f.clone(),
                params: valtype_vec(f.params()),
                results: valtype_vec(f.results()),
            },
            ExternType::Global(g) => CExternType::Global {
                ty: *g,
                content: Box::new(wasm_valtype_t { ty: g.content }),
            },
            ExternType::Table(t) => CExternType::Table {
                ty: *t,
                element: Box::new(wasm_valtype_t { ty: t.element }),
                limits: wasm_limits_t::from_limits(&t.limits),
            },
            ExternType::Memory(m) => CExternType::Memory {
                ty: *m,
                limits: wasm_limits_t::from_limits(&m.limits),
            },
            ExternType::Tag(t) => CExternType::Tag {
                functype: Box::new(wasm_functype_t {
                    ext: wasm_externtype_t::new(&ExternType::Func(t.params.clone())),
                }),
            },
        };
        wasm_externtype_t { which }
    }

    pub(crate) fn ty(&self) -> ExternType {
        match &self.which {
            CExternType::Func { ty, .. } => ExternType::Func(ty.clone()),
            CExternType::Global { ty, .. } => ExternType::Global(*ty),
            CExternType::Table { ty, .. } => ExternType::Table(*ty),
            CExternType::Memory { ty, .. } => ExternType::Memory(*ty),
            CExternType::Tag { functype } => ExternType::Tag(TagType {
                params: functype.func_type().clone(),
            }),
        }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.which {
            CExternType::Func { .. } => WASM_EXTERN_FUNC,
            CExternType::Global { .. } => WASM_EXTERN_GLOBAL,
            CExternType::Table { .. } => WASM_EXTERN_TABLE,
            CExternType::Memory { .. } => WASM_EXTERN_MEMORY,
            CExternType::Tag { .. } => WASM_EXTERN_TAG,
        }
    }
}

/// Declares a specific type as a transparent view of `wasm_externtype_t`.
macro_rules! view_type {
    ($t:ident, $kind:ident, $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident) => {
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $t {
            pub(crate) ext: wasm_externtype_t,
        }

        impl $t {
            pub(crate) fn boxed(ty: ExternType) -> *mut $t {
                Box::into_raw(Box::new($t {
                    ext: wasm_externtype_t::new(&ty),
                }))
            }
        }

        #[no_mangle]
        pub extern "C" fn $as_ext(t: *mut $t) -> *mut wasm_externtype_t {
            t.cast()
        }

        #[no_mangle]
        pub extern "C" fn $as_ext_const(t: *const $t) -> *const wasm_externtype_t {
            t.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(e: *mut wasm_externtype_t) -> *mut $t {
            // SAFETY: a non-null `e` is a live extern type (C API contract);
            // the view is only handed out when the kinds agree.
            if !e.is_null() && unsafe { matches!((*e).which, CExternType::$kind { .. }) } {
                e.cast()
            } else {
                ptr::null_mut()
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(e: *const wasm_externtype_t) -> *const $t {
            // SAFETY: as above.
            unsafe { $from_ext(e as *mut _) }
        }
    };
}

view_type!(
    wasm_functype_t,
    Func,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
view_type!(
    wasm_globaltype_t,
    Global,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
view_type!(
    wasm_tabletype_t,
    Table,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
view_type!(
    wasm_memorytype_t,
    Memory,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);
view_type!(
    wasm_tagtype_t,
    Tag,
    wasm_tagtype_as_externtype,
    wasm_tagtype_as_externtype_const,
    wasm_externtype_as_tagtype,
    wasm_externtype_as_tagtype_const
);

impl wasm_functype_t {
    pub(crate) fn func_type(&self) -> &FuncType {
        match &self.ext.which {
            CExternType::Func { ty, .. } => ty,
            _ => unreachable!("a functype view always holds a function type"),
        }
    }
}

/// Declares `copy` and `delete` for a boxed type.
macro_rules! copy_delete {
    ($t:ty, $copy:ident, $delete:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $copy(t: *const $t) -> *mut $t {
            if t.is_null() {
                return ptr::null_mut();
            }
            // SAFETY: a non-null `t` is live (C API contract).
            Box::into_raw(Box::new(unsafe { (*t).clone() }))
        }

        #[no_mangle]
        pub unsafe extern "C" fn $delete(t: *mut $t) {
            if !t.is_null() {
                // SAFETY: `t` is an owned box made by this library.
                drop(unsafe { Box::from_raw(t) });
            }
        }
    };
}

copy_delete!(wasm_valtype_t, wasm_valtype_copy, wasm_valtype_delete);
copy_delete!(wasm_functype_t, wasm_functype_copy, wasm_functype_delete);
copy_delete!(
    wasm_globaltype_t,
    wasm_globaltype_copy,
    wasm_globaltype_delete
);
copy_delete!(wasm_tabletype_t, wasm_tabletype_copy, wasm_tabletype_delete);
copy_delete!(
    wasm_memorytype_t,
    wasm_memorytype_copy,
    wasm_memorytype_delete
);
copy_delete!(wasm_tagtype_t, wasm_tagtype_copy, wasm_tagtype_delete);
copy_delete!(
    wasm_externtype_t,
    wasm_externtype_copy,
    wasm_externtype_delete
);
copy_delete!(
    wasm_importtype_t,
    wasm_importtype_copy,
    wasm_importtype_delete
);
copy_delete!(
    wasm_exporttype_t,
    wasm_exporttype_copy,
    wasm_exporttype_delete
);

// ---- value types ----------------------------------------------------------

#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    match valtype_of_kind(kind) {
        Some(ty) => boxed_valtype(ty),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    // SAFETY: `t` is a live value type (C API contract); null reads as i32.
    unsafe { t.as_ref() }.map_or(WASM_I32, |t| valkind_of(t.ty))
}

/// Takes ownership of the value types in `v` and returns them.
///
/// # Safety
/// `v` must be null or a valid vector whose elements are owned.
unsafe fn take_valtypes(v: *mut wasm_valtype_vec_t) -> Option<Vec<ValType>> {
    if v.is_null() {
        return Some(Vec::new());
    }
    // SAFETY: guaranteed by the caller.
    let items = unsafe { (*v).take() };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for p in items {
        if p.is_null() {
            ok = false;
        } else {
            // SAFETY: elements are owned boxes.
            out.push(unsafe { Box::from_raw(p) }.ty);
        }
    }
    ok.then_some(out)
}

// ---- function types -------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    // SAFETY: the vectors are valid and owned (C API contract).
    let (p, r) = unsafe { (take_valtypes(params), take_valtypes(results)) };
    match (p, r) {
        (Some(p), Some(r)) => wasm_functype_t::boxed(ExternType::Func(FuncType::new(p, r))),
        _ => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: `t` is null or a live function type (C API contract).
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Func { params, .. }) => params,
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: as above.
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Func { results, .. }) => results,
        _ => ptr::null(),
    }
}

// ---- global types ---------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    if content.is_null() || mutability > WASM_VAR {
        return ptr::null_mut();
    }
    // SAFETY: `content` is an owned box (C API contract).
    let content = unsafe { Box::from_raw(content) }.ty;
    let m = if mutability == WASM_VAR {
        Mutability::Var
    } else {
        Mutability::Const
    };
    wasm_globaltype_t::boxed(ExternType::Global(GlobalType::new(content, m)))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(
    t: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    // SAFETY: `t` is null or a live global type (C API contract).
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Global { content, .. }) => &**content,
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(
    t: *const wasm_globaltype_t,
) -> wasm_mutability_t {
    // SAFETY: as above.
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Global { ty, .. }) if ty.mutability == Mutability::Var => WASM_VAR,
        _ => WASM_CONST,
    }
}

// ---- table types ----------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    if element.is_null() || limits.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: owned box and valid limits (C API contract).
    let (element, limits) = unsafe { (Box::from_raw(element).ty, *limits) };
    if !element.is_ref() {
        return ptr::null_mut();
    }
    wasm_tabletype_t::boxed(ExternType::Table(TableType {
        element,
        limits: limits.to_limits(),
        table64: false,
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(
    t: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    // SAFETY: `t` is null or a live table type (C API contract).
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Table { element, .. }) => &**element,
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    // SAFETY: as above.
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Table { limits, .. }) => limits,
        _ => ptr::null(),
    }
}

// ---- memory types ---------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    if limits.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: valid limits (C API contract).
    let limits = unsafe { *limits };
    wasm_memorytype_t::boxed(ExternType::Memory(MemoryType {
        limits: limits.to_limits(),
        memory64: false,
        shared: false,
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(
    t: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    // SAFETY: `t` is null or a live memory type (C API contract).
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Memory { limits, .. }) => limits,
        _ => ptr::null(),
    }
}

// ---- tag types ------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_new(functype: *mut wasm_functype_t) -> *mut wasm_tagtype_t {
    if functype.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: an owned box (C API contract).
    let f = unsafe { Box::from_raw(functype) };
    wasm_tagtype_t::boxed(ExternType::Tag(TagType {
        params: f.func_type().clone(),
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_functype(t: *const wasm_tagtype_t) -> *const wasm_functype_t {
    // SAFETY: `t` is null or a live tag type (C API contract).
    match unsafe { t.as_ref() }.map(|t| &t.ext.which) {
        Some(CExternType::Tag { functype }) => &**functype,
        _ => ptr::null(),
    }
}

// ---- extern types ---------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    // SAFETY: `t` is null or a live extern type (C API contract); null
    // reads as a function.
    unsafe { t.as_ref() }.map_or(WASM_EXTERN_FUNC, |t| t.kind())
}

// ---- import and export types ----------------------------------------------

pub struct wasm_importtype_t {
    pub(crate) module: wasm_name_t,
    pub(crate) name: wasm_name_t,
    pub(crate) ty: Box<wasm_externtype_t>,
}

pub type wasm_name_t = wasm_byte_vec_t;

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        // SAFETY: both names are owned byte vectors.
        unsafe {
            wasm_byte_vec_delete(&mut self.module);
            wasm_byte_vec_delete(&mut self.name);
        }
    }
}

impl Clone for wasm_importtype_t {
    fn clone(&self) -> wasm_importtype_t {
        // SAFETY: the names are valid vectors.
        unsafe {
            wasm_importtype_t {
                module: byte_vec(self.module.as_slice()),
                name: byte_vec(self.name.as_slice()),
                ty: self.ty.clone(),
            }
        }
    }
}

pub struct wasm_exporttype_t {
    pub(crate) name: wasm_name_t,
    pub(crate) ty: Box<wasm_externtype_t>,
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        // SAFETY: the name is an owned byte vector.
        unsafe { wasm_byte_vec_delete(&mut self.name) }
    }
}

impl Clone for wasm_exporttype_t {
    fn clone(&self) -> wasm_exporttype_t {
        // SAFETY: the name is a valid vector.
        unsafe {
            wasm_exporttype_t {
                name: byte_vec(self.name.as_slice()),
                ty: self.ty.clone(),
            }
        }
    }
}

/// Takes an owned name vector out of `*p`.
unsafe fn take_name(p: *mut wasm_name_t) -> wasm_name_t {
    // SAFETY: `p` is a valid, owned vector (C API contract); it is left
    // empty so the caller's later delete is harmless.
    unsafe { WasmVec::from_vec((*p).take()) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    if module.is_null() || name.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: all three are owned (C API contract).
    unsafe {
        Box::into_raw(Box::new(wasm_importtype_t {
            module: take_name(module),
            name: take_name(name),
            ty: Box::from_raw(ty),
        }))
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is null or live (C API contract).
    unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.module)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is null or live (C API contract).
    unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.name)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(
    t: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    // SAFETY: `t` is null or live (C API contract).
    unsafe { t.as_ref() }.map_or(ptr::null(), |t| &*t.ty)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    if name.is_null() || ty.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: both are owned (C API contract).
    unsafe {
        Box::into_raw(Box::new(wasm_exporttype_t {
            name: take_name(name),
            ty: Box::from_raw(ty),
        }))
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    // SAFETY: `t` is null or live (C API contract).
    unsafe { t.as_ref() }.map_or(ptr::null(), |t| &t.name)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(
    t: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    // SAFETY: `t` is null or live (C API contract).
    unsafe { t.as_ref() }.map_or(ptr::null(), |t| &*t.ty)
}

// Layout promises of wasm.h.
const _: () = assert!(std::mem::size_of::<wasm_limits_t>() == 8);
const _: () = assert!(std::mem::size_of::<wasm_valtype_vec_t>() == 16);
