//! Reading a function body's bytes directly, for the passes that do not
//! need wasmparser's decoder in between: the fast validator
//! (`engine::fast_validate`) and the light translator (`interp::light`).
//! The validator's reads accept the encodings wasmparser accepts, so
//! its verdicts match wasmparser's; every read that fails is `None`.

/// A position in one function body.
pub struct BodyReader<'a> {
    bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> BodyReader<'a> {
    pub fn new(bytes: &'a [u8]) -> BodyReader<'a> {
        BodyReader { bytes, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The next byte, left unread.
    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    pub fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// An unsigned LEB128 of at most 32 bits (five bytes, the fifth with
    /// four bits of value).
    #[inline(always)]
    pub fn u32(&mut self) -> Option<u32> {
        let first = self.byte()?;
        if first < 0x80 {
            return Some(u32::from(first));
        }
        self.u32_rest(first)
    }

    fn u32_rest(&mut self, first: u8) -> Option<u32> {
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

    /// A signed LEB128 of at most `bits` (32 or 64) bits, sign-extended
    /// to 64, from a body already validated (see `skip_signed`).
    #[inline(always)]
    pub fn signed(&mut self, bits: u32) -> Option<i64> {
        match self.peek() {
            Some(b) if b < 0x80 => {
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

    /// Skips a signed LEB128 of at most `bits` (32 or 64) bits, checked
    /// as a validator checks it: its last possible byte has no
    /// continuation bit, and its bits beyond `bits` repeat the sign.
    #[inline(always)]
    pub fn skip_signed(&mut self, bits: u32) -> Option<()> {
        let b = self.byte()?;
        if b & 0x80 == 0 {
            return Some(());
        }
        let last_shift = (bits - 1) / 7 * 7;
        let mut shift = 7;
        loop {
            let b = self.byte()?;
            if shift == last_shift {
                let sign_and_unused = ((b << 1) as i8) >> (bits - shift);
                return (b & 0x80 == 0 && (sign_and_unused == 0 || sign_and_unused == -1))
                    .then_some(());
            }
            if b & 0x80 == 0 {
                return Some(());
            }
            shift += 7;
        }
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Option<()> {
        if self.bytes.len() - self.pos < n {
            return None;
        }
        self.pos += n;
        Some(())
    }

    /// `n` bytes, little-endian, as an integer (float constants).
    pub fn fixed(&mut self, n: usize) -> Option<u64> {
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
    use super::BodyReader;

    #[test]
    fn reads_leb128_and_fixed_width_values() {
        let mut r = BodyReader::new(&[0x05, 0xe5, 0x8e, 0x26, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(r.u32(), Some(5));
        assert_eq!(r.u32(), Some(624_485));
        assert_eq!(r.u32(), Some(u32::MAX));
        assert!(r.at_end());
        assert_eq!(r.u32(), None);
        // -1 (i32), -128 (i64), 63, and i32::MIN.
        let mut r = BodyReader::new(&[0x7f, 0x80, 0x7f, 0x3f, 0x80, 0x80, 0x80, 0x80, 0x78]);
        assert_eq!(r.signed(32), Some(-1));
        assert_eq!(r.signed(64), Some(-128));
        assert_eq!(r.signed(32), Some(63));
        assert_eq!(r.signed(32), Some(i64::from(i32::MIN)));
        // 1.0f32 and a 33-bit unsigned value, which is refused.
        let mut r = BodyReader::new(&[0x00, 0x00, 0x80, 0x3f, 0x80, 0x80, 0x80, 0x80, 0x10]);
        assert_eq!(r.fixed(4), Some(0x3f80_0000));
        assert_eq!(r.u32(), None);
    }

    #[test]
    fn signed_values_end_by_their_width() {
        let read = |bytes: &[u8], bits| BodyReader::new(bytes).signed(bits);
        let skip = |bytes: &[u8], bits| {
            let mut r = BodyReader::new(bytes);
            r.skip_signed(bits).map(|()| r.pos)
        };
        // i64::MIN and i64::MAX in ten bytes.
        let min = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f];
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert_eq!(read(&min, 64), Some(i64::MIN));
        assert_eq!(read(&max, 64), Some(i64::MAX));
        assert_eq!(skip(&min, 64), Some(10));
        // The last byte of an i32 repeats its sign in the unused bits ...
        let i32_max = [0xff, 0xff, 0xff, 0xff, 0x07];
        assert_eq!(read(&i32_max, 32), Some(i64::from(i32::MAX)));
        assert_eq!(skip(&i32_max, 32), Some(5));
        assert_eq!(skip(&[0xff, 0xff, 0xff, 0xff, 0x17], 32), None);
        assert_eq!(skip(&[0x80, 0x80, 0x80, 0x80, 0x70], 32), None);
        // ... and continues no further; nor does an i64's tenth byte.
        assert_eq!(skip(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 32), None);
        assert_eq!(read(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 32), None);
        let eleven = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
        assert_eq!(skip(&eleven, 64), None);
        // A value cut short is refused.
        assert_eq!(read(&[0x80, 0x80], 64), None);
        assert_eq!(skip(&[0x80, 0x80], 64), None);
        assert_eq!(read(&[0x80, 0x7f], 64), Some(-128));
        assert_eq!(skip(&[0x80, 0x7f], 64), Some(2));
    }
}
