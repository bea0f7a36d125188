//! Tables: growable arrays of raw references (see `vmcontext` for the
//! encoding). The element vector may move when it grows; instances reach
//! it through the [`VMTableDefinition`], which is updated on every growth.

use super::vmcontext::VMTableDefinition;

/// Implementation limit on table size, so a `table.grow` cannot exhaust
/// host memory. Larger requests fail the way the spec allows (-1).
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

pub struct TableData {
    pub def: VMTableDefinition,
    elements: Vec<u64>,
    max: u64,
}

// SAFETY: the element vector is owned exclusively by this value; `def`
// points into it.
unsafe impl Send for TableData {}

impl TableData {
    /// A table of `min` elements set to `init`, growable to `max`.
    pub fn new(min: u64, max: Option<u64>, init: u64) -> Result<TableData, String> {
        let max = max.unwrap_or(u64::from(u32::MAX)).min(MAX_TABLE_ELEMENTS);
        if min > max {
            return Err(format!(
                "table minimum of {min} elements exceeds the limit of {max}"
            ));
        }
        let mut elements = vec![init; min as usize];
        let def = VMTableDefinition {
            base: elements.as_mut_ptr(),
            current_elements: elements.len(),
        };
        Ok(TableData { def, elements, max })
    }

    pub fn size(&self) -> u64 {
        self.elements.len() as u64
    }

    pub fn elements(&self) -> &[u64] {
        &self.elements
    }

    pub fn elements_mut(&mut self) -> &mut [u64] {
        &mut self.elements
    }

    /// Grows by `delta` elements set to `init`; returns the old size or
    /// `None` when the limit would be exceeded.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.def.base = self.elements.as_mut_ptr();
        self.def.current_elements = self.elements.len();
        Some(old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grow_updates_definition() {
        let mut t = TableData::new(1, Some(4), 0).unwrap();
        assert_eq!(t.grow(3, 9), Some(1));
        assert_eq!(t.def.current_elements, 4);
        assert_eq!(t.elements(), &[0, 9, 9, 9]);
        assert_eq!(t.def.base as *const u64, t.elements().as_ptr());
        assert_eq!(t.grow(1, 0), None);
    }
}
