//! Reading a function body's bytes for the light translator: the body was
//! validated before it gets here, so a read that fails (which cannot
//! happen) only makes the translator give up (`None`).

/// A position in one function body.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    #[inline(always)]
    pub(super) fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// An unsigned LEB128 of at most 32 bits.
    #[inline(always)]
    pub(super) fn u32(&mut self) -> Option<u32> {
        let first = self.byte()?;
        if first < 0x80 {
            return Some(u32::from(first));
        }
        let mut value = u32::from(first & 0x7f);
        let mut shift = 7;
        loop {
            let b = self.byte()?;
            if shift == 28 && b > 0x0f {
                return None;
            }
            value |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    /// A signed LEB128 of at most `bits` bits, sign-extended to 64.
    #[inline(always)]
    pub(super) fn signed(&mut self, bits: u32) -> Option<i64> {
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                // One byte: bit 6 is the sign.
                Some(i64::from((b << 1) as i8 >> 1))
            }
            _ => self.signed_rest(bits),
        }
    }

    fn signed_rest(&mut self, bits: u32) -> Option<i64> {
        let mut value: i64 = 0;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift >= bits {
                return None;
            }
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Some(value);
            }
        }
    }

    /// `n` bytes, little-endian, as an integer (float constants).
    pub(super) fn fixed(&mut self, n: usize) -> Option<u64> {
        let bytes = self.bytes.get(self.pos..self.pos + n)?;
        self.pos += n;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Reader;

    #[test]
    fn reads_leb128_and_fixed_width_values() {
        let mut r = Reader::new(&[0x05, 0xe5, 0x8e, 0x26, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(r.u32(), Some(5));
        assert_eq!(r.u32(), Some(624_485));
        assert_eq!(r.u32(), Some(u32::MAX));
        assert!(r.at_end());
        assert_eq!(r.u32(), None);
        // -1 (i32), -128 (i64), 63, and i32::MIN.
        let mut r = Reader::new(&[0x7f, 0x80, 0x7f, 0x3f, 0x80, 0x80, 0x80, 0x80, 0x78]);
        assert_eq!(r.signed(32), Some(-1));
        assert_eq!(r.signed(64), Some(-128));
        assert_eq!(r.signed(32), Some(63));
        assert_eq!(r.signed(32), Some(i64::from(i32::MIN)));
        // 1.0f32 and a 33-bit unsigned value, which is refused.
        let mut r = Reader::new(&[0x00, 0x00, 0x80, 0x3f, 0x80, 0x80, 0x80, 0x80, 0x10]);
        assert_eq!(r.fixed(4), Some(0x3f80_0000));
        assert_eq!(r.u32(), None);
    }
}
