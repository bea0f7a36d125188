//! What the runtime functions need of an instance beyond its
//! [`VMContext`](super::VMContext): the memory and table objects (to grow
//! them) and the element and data segments (for `*.init` and `*.drop`).

use super::memory::LinearMemory;
use super::table::TableData;
use std::ffi::c_void;

/// A data segment's bytes, borrowed from the module binary (which the
/// instance keeps alive); empty once dropped.
#[derive(Copy, Clone, Debug)]
pub struct DataBytes {
    pub ptr: *const u8,
    pub len: usize,
}

impl DataBytes {
    pub const EMPTY: DataBytes = DataBytes {
        ptr: std::ptr::NonNull::<u8>::dangling().as_ptr(),
        len: 0,
    };

    pub fn new(bytes: &[u8]) -> DataBytes {
        DataBytes {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        }
    }

    /// # Safety
    /// The binary the bytes were borrowed from must still be alive.
    pub unsafe fn as_slice<'a>(self) -> &'a [u8] {
        // SAFETY: guaranteed by the caller; EMPTY is a valid empty slice.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// The runtime's record of one instance, owned by the engine's instance
/// record and pointed at by the instance's context.
#[derive(Debug)]
pub struct VMInstance {
    /// Memory index -> the memory object (imported ones are owned
    /// elsewhere in the store).
    pub memories: Box<[*mut LinearMemory]>,
    /// Table index -> the table object.
    pub tables: Box<[*mut TableData]>,
    /// Element segments as raw references; emptied by `elem.drop`.
    pub elems: Vec<Box<[u64]>>,
    /// Data segments; emptied by `data.drop`.
    pub datas: Box<[DataBytes]>,
    /// The engine's record of this instance (opaque here).
    pub owner: *const c_void,
}

impl VMInstance {
    pub fn new() -> VMInstance {
        VMInstance {
            memories: Box::new([]),
            tables: Box::new([]),
            elems: Vec::new(),
            datas: Box::new([]),
            owner: std::ptr::null(),
        }
    }
}

impl Default for VMInstance {
    fn default() -> VMInstance {
        VMInstance::new()
    }
}
