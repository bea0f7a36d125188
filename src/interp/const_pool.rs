//! A function's constants as both translators keep them while translating:
//! each distinct value once, numbered in the order it was first read (the
//! interpreter copies them into frame slots on entry).

/// Up to this many constants, a value's number is found by a scan: most
/// functions have a few, and a scan finds them faster than a hash map,
/// which takes over past it.
const SCANNED: usize = 32;

/// The constants of the function being translated.
#[derive(Default)]
pub struct ConstPool {
    values: Vec<u64>,
    /// Each value's number, once there are more than `SCANNED` (foldhash:
    /// SipHash was 2 % of translation; the per-process seed still keeps
    /// crafted collisions out).
    ids: std::collections::HashMap<u64, u32, foldhash::fast::RandomState>,
}

impl ConstPool {
    /// Forgets the last function's constants (keeping the allocations;
    /// the map is refilled when the scan gives way to it).
    pub fn clear(&mut self) {
        self.values.clear();
    }

    /// The constants, by number.
    pub fn values(&self) -> &[u64] {
        &self.values
    }

    /// The number of constant `v` (added if new).
    pub fn id(&mut self, v: u64) -> u32 {
        let n = self.values.len();
        if n <= SCANNED {
            if let Some(id) = self.values.iter().position(|&c| c == v) {
                return id as u32;
            }
            if n < SCANNED {
                self.values.push(v);
                return n as u32;
            }
            // The map takes over: it gets every constant so far.
            self.ids.clear();
            for (id, &c) in self.values.iter().enumerate() {
                self.ids.insert(c, id as u32);
            }
        }
        let id = *self.ids.entry(v).or_insert(n as u32);
        if id == n as u32 {
            self.values.push(v);
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_once_in_order_past_the_scan() {
        let mut pool = ConstPool::default();
        for round in 0..2 {
            pool.clear();
            // Each value twice: the second read finds the first's number,
            // by scan below `SCANNED` values and by map above.
            for v in 0..100u64 {
                let v = v * 7 + round;
                assert_eq!(pool.id(v), (v / 7) as u32);
                assert_eq!(pool.id(v), (v / 7) as u32);
            }
            let expected: Vec<u64> = (0..100).map(|v| v * 7 + round).collect();
            assert_eq!(pool.values(), &expected[..]);
        }
    }
}
