//! The C API: the standard `wasm.h` (and `wasmrt.h` extensions), one file
//! per section of the header. Each function converts its arguments and
//! delegates to `engine`; none contains engine logic.
//!
//! Rules that hold throughout:
//! * No panic may unwind across the C boundary (in an `extern "C"` function
//!   it would abort the process): arguments are validated and misuse the
//!   API can detect cheaply (null pointers, wrong kinds, objects of another
//!   store) gives an error result instead.
//! * Objects created by `*_new`, `*_copy` and as `own` results are `Box`es
//!   handed to C with `Box::into_raw` and reclaimed by `*_delete`.
//! * Reference handles (`wasm_func_t`, ...) are views of one `wasm_ref_t`
//!   layout, so the `*_as_*` conversions are pointer casts, as the standard
//!   intends.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

mod engine;
mod exception;
mod ext;
mod r#extern;
mod foreign;
mod frame;
mod func;
mod global;
mod instance;
mod memory;
mod module;
mod r#ref;
mod reftypes;
mod sandbox;
mod store;
mod table;
#[doc(hidden)]
pub mod testing;
mod trap;
mod types;
mod val;
mod vec;
mod wasi;

pub use self::engine::*;
pub use self::exception::*;
pub use self::ext::*;
pub use self::foreign::*;
pub use self::frame::*;
pub use self::func::*;
pub use self::global::*;
pub use self::instance::*;
pub use self::memory::*;
pub use self::module::*;
pub use self::r#extern::*;
pub use self::r#ref::*;
pub use self::reftypes::*;
pub use self::store::*;
pub use self::table::*;
pub use self::trap::*;
pub use self::types::*;
pub use self::val::*;
pub use self::vec::*;
pub use self::wasi::*;
