//! Per-store resource limits: how much linear memory and how many table
//! elements, instances, tables and memories one store may hold. Growth
//! beyond a limit fails the way the specification allows (`memory.grow`
//! and `table.grow` return -1); creating an object beyond one fails with
//! an error naming the limit.

use std::fmt;

/// The ceilings of one store. `u64::MAX` / `usize::MAX`: no limit.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct StoreLimits {
    /// Bytes of all the store's linear memories together.
    pub memory_bytes: u64,
    /// Elements of all the store's tables together.
    pub table_elements: u64,
    /// Instances.
    pub instances: usize,
    /// Tables (defined by instances or created by the host).
    pub tables: usize,
    /// Linear memories (defined by instances or created by the host).
    pub memories: usize,
}

impl Default for StoreLimits {
    fn default() -> StoreLimits {
        StoreLimits {
            memory_bytes: u64::MAX,
            table_elements: u64::MAX,
            instances: usize::MAX,
            tables: usize::MAX,
            memories: usize::MAX,
        }
    }
}

/// Which limit refused a request.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LimitKind {
    MemoryBytes,
    TableElements,
    Instances,
    Tables,
    Memories,
}

/// A request the store's limits refuse.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LimitExceeded {
    pub kind: LimitKind,
    pub limit: u64,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            LimitKind::MemoryBytes => "linear memory bytes",
            LimitKind::TableElements => "table elements",
            LimitKind::Instances => "instances",
            LimitKind::Tables => "tables",
            LimitKind::Memories => "memories",
        };
        write!(
            f,
            "store resource limit exceeded: {what} (limit {})",
            self.limit
        )
    }
}

/// A store's limits and what it holds against them.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    pub limits: StoreLimits,
    memory_bytes: u64,
    table_elements: u64,
    instances: usize,
    tables: usize,
    memories: usize,
    /// The last growth of a memory or table the limits refused (wasm saw
    /// -1), kept so that an embedder can say why a guest failed.
    pub refused: Option<LimitExceeded>,
}

impl Resources {
    /// What the store holds: (memory bytes, table elements, instances,
    /// tables, memories).
    #[cfg(test)]
    pub fn usage(&self) -> (u64, u64, usize, usize, usize) {
        (
            self.memory_bytes,
            self.table_elements,
            self.instances,
            self.tables,
            self.memories,
        )
    }

    /// Whether the memories may grow by `bytes` more in total.
    pub fn may_grow_memory(&self, bytes: u64) -> bool {
        self.memory_bytes
            .checked_add(bytes)
            .is_some_and(|n| n <= self.limits.memory_bytes)
    }

    /// Records that a growth was refused by the memory limit.
    pub fn refused_memory(&mut self) {
        self.refused = Some(LimitExceeded {
            kind: LimitKind::MemoryBytes,
            limit: self.limits.memory_bytes,
        });
    }

    /// Records that a growth was refused by the table-element limit.
    pub fn refused_table(&mut self) {
        self.refused = Some(LimitExceeded {
            kind: LimitKind::TableElements,
            limit: self.limits.table_elements,
        });
    }

    /// Records that a memory grew by `bytes` (after `may_grow_memory`).
    pub fn grew_memory(&mut self, bytes: u64) {
        self.memory_bytes += bytes;
    }

    /// Whether the tables may grow by `elements` more in total.
    pub fn may_grow_table(&self, elements: u64) -> bool {
        self.table_elements
            .checked_add(elements)
            .is_some_and(|n| n <= self.limits.table_elements)
    }

    /// Records that a table grew by `elements` (after `may_grow_table`).
    pub fn grew_table(&mut self, elements: u64) {
        self.table_elements += elements;
    }

    /// Checks that `instances` more instances, `tables` more tables of
    /// `table_elements` elements and `memories` more memories of
    /// `memory_bytes` bytes fit, all together, without recording them.
    pub fn check_new(
        &self,
        instances: usize,
        tables: usize,
        table_elements: u64,
        memories: usize,
        memory_bytes: u64,
    ) -> Result<(), LimitExceeded> {
        let over = |kind, limit: u64| Err(LimitExceeded { kind, limit });
        let l = &self.limits;
        if self.instances.saturating_add(instances) > l.instances {
            return over(LimitKind::Instances, l.instances as u64);
        }
        if self.tables.saturating_add(tables) > l.tables {
            return over(LimitKind::Tables, l.tables as u64);
        }
        if self.memories.saturating_add(memories) > l.memories {
            return over(LimitKind::Memories, l.memories as u64);
        }
        if !self.may_grow_table(table_elements) {
            return over(LimitKind::TableElements, l.table_elements);
        }
        if !self.may_grow_memory(memory_bytes) {
            return over(LimitKind::MemoryBytes, l.memory_bytes);
        }
        Ok(())
    }

    /// Records new objects (after `check_new`).
    pub fn add_new(
        &mut self,
        instances: usize,
        tables: usize,
        table_elements: u64,
        memories: usize,
        memory_bytes: u64,
    ) {
        self.instances += instances;
        self.tables += tables;
        self.table_elements += table_elements;
        self.memories += memories;
        self.memory_bytes += memory_bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limits_by_default() {
        let r = Resources::default();
        assert!(r.may_grow_memory(1 << 40));
        assert!(r.check_new(1000, 1000, 1 << 30, 1000, 1 << 40).is_ok());
    }

    #[test]
    fn growth_counts_against_the_total() {
        let mut r = Resources::default();
        r.limits.memory_bytes = 3 * 65536;
        r.add_new(1, 0, 0, 1, 65536);
        assert!(r.may_grow_memory(2 * 65536));
        assert!(!r.may_grow_memory(2 * 65536 + 1));
        r.grew_memory(2 * 65536);
        assert!(!r.may_grow_memory(1));
        assert!(r.may_grow_memory(0));
        assert_eq!(r.usage().0, 3 * 65536);
    }

    #[test]
    fn creation_names_the_limit() {
        let mut r = Resources::default();
        r.limits.instances = 1;
        r.limits.tables = 2;
        r.add_new(1, 0, 0, 0, 0);
        let e = r.check_new(1, 0, 0, 0, 0).unwrap_err();
        assert_eq!(e.kind, LimitKind::Instances);
        assert_eq!(
            e.to_string(),
            "store resource limit exceeded: instances (limit 1)"
        );
        let e = r.check_new(0, 3, 0, 0, 0).unwrap_err();
        assert_eq!(e.kind, LimitKind::Tables);
        r.limits.table_elements = 10;
        let e = r.check_new(0, 1, 11, 0, 0).unwrap_err();
        assert_eq!(e.kind, LimitKind::TableElements);
        assert!(r.check_new(0, 1, 10, 0, 0).is_ok());
    }
}
