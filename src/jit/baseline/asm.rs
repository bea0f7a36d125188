//! An x86-64 instruction encoder for the baseline compiler: only the forms
//! it emits, written straight into a byte vector (no instruction values in
//! between, as the compiler's speed is the point of the tier).
//!
//! Registers are numbered as in the encoding (`RAX` = 0 ... `R15` = 15);
//! the same numbers name `xmm0`..`xmm15` in the SSE forms.

pub type Reg = u8;

pub const RAX: Reg = 0;
pub const RCX: Reg = 1;
pub const RDX: Reg = 2;
pub const RBX: Reg = 3;
pub const RSP: Reg = 4;
pub const RBP: Reg = 5;
pub const RSI: Reg = 6;
pub const RDI: Reg = 7;
pub const R8: Reg = 8;
pub const R9: Reg = 9;
pub const R10: Reg = 10;
pub const R11: Reg = 11;
pub const R12: Reg = 12;
pub const R13: Reg = 13;
pub const R14: Reg = 14;
pub const R15: Reg = 15;

/// Condition codes (the low nibble of `jcc`, `setcc` and `cmovcc`).
pub type Cond = u8;
pub const CC_B: Cond = 0x2;
pub const CC_AE: Cond = 0x3;
pub const CC_E: Cond = 0x4;
pub const CC_NE: Cond = 0x5;
pub const CC_BE: Cond = 0x6;
pub const CC_A: Cond = 0x7;
pub const CC_P: Cond = 0xa;
pub const CC_NP: Cond = 0xb;
pub const CC_L: Cond = 0xc;
pub const CC_GE: Cond = 0xd;
pub const CC_LE: Cond = 0xe;
pub const CC_G: Cond = 0xf;

/// The condition that holds when `cc` does not.
pub fn invert(cc: Cond) -> Cond {
    cc ^ 1
}

/// A memory operand `[base + index * 2^scale + disp]`.
#[derive(Copy, Clone, Debug)]
pub struct Mem {
    pub base: Reg,
    pub index: Option<(Reg, u8)>,
    pub disp: i32,
}

impl Mem {
    pub fn at(base: Reg, disp: i32) -> Mem {
        Mem {
            base,
            index: None,
            disp,
        }
    }

    pub fn indexed(base: Reg, index: Reg, scale: u8, disp: i32) -> Mem {
        Mem {
            base,
            index: Some((index, scale)),
            disp,
        }
    }
}

/// The r/m operand of an instruction.
#[derive(Copy, Clone, Debug)]
pub enum Rm {
    Reg(Reg),
    Mem(Mem),
}

/// ALU operations sharing the classic encodings (`op r/m, r` is
/// `base + 1`, `op r, r/m` is `base + 3`, `op r/m, imm` is `0x81 /ext`).
#[derive(Copy, Clone, Debug)]
pub enum Alu {
    Add,
    Or,
    And,
    Sub,
    Xor,
    Cmp,
}

impl Alu {
    fn ext(self) -> u8 {
        match self {
            Alu::Add => 0,
            Alu::Or => 1,
            Alu::And => 4,
            Alu::Sub => 5,
            Alu::Xor => 6,
            Alu::Cmp => 7,
        }
    }
}

/// Shifts and rotates (`0xd3 /ext` by `cl`, `0xc1 /ext ib`).
#[derive(Copy, Clone, Debug)]
pub enum Shift {
    Rol = 0,
    Ror = 1,
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// One instruction's bytes, gathered in a register.
#[derive(Default)]
struct Enc {
    bytes: u128,
    n: u32,
}

impl Enc {
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.bytes |= u128::from(b) << (8 * self.n);
        self.n += 1;
    }

    #[inline(always)]
    fn mem_operand(&mut self, reg: Reg, m: Mem) {
        let base = m.base & 7;
        // `[rbp]`/`[r13]` have no form without a displacement.
        let (mode, disp_len) = if m.disp == 0 && base != 5 {
            (0u8, 0)
        } else if i8::try_from(m.disp).is_ok() {
            (1, 1)
        } else {
            (2, 4)
        };
        match m.index {
            None if base != 4 => self.byte((mode << 6) | (reg << 3) | base),
            None => {
                self.byte((mode << 6) | (reg << 3) | 4);
                self.byte(0x24);
            }
            Some((index, scale)) => {
                self.byte((mode << 6) | (reg << 3) | 4);
                self.byte((scale << 6) | ((index & 7) << 3) | base);
            }
        }
        match disp_len {
            1 => self.byte(m.disp as u8),
            4 => {
                self.bytes |= u128::from(m.disp as u32) << (8 * self.n);
                self.n += 4;
            }
            _ => {}
        }
    }
}

/// Bytes of code being assembled.
#[derive(Default)]
pub struct Asm {
    pub buf: Vec<u8>,
}

impl Asm {
    pub fn pos(&self) -> usize {
        self.buf.len()
    }

    #[inline(always)]
    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    #[inline(always)]
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn patch_u32(&mut self, at: usize, v: u32) {
        self.buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    pub fn read_u32(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.buf[at..at + 4].try_into().unwrap_or_default())
    }

    /// Appends the `n` low bytes of `bytes` (at most 16) with one store
    /// and one length update: appending byte by byte made each byte wait
    /// for the vector's length stored by the one before.
    #[inline(always)]
    fn put(&mut self, bytes: u128, n: u32) {
        debug_assert!(n <= 16);
        self.buf.reserve(16);
        let len = self.buf.len();
        // SAFETY: `reserve(16)` leaves room for 16 more bytes, all written
        // here; only the first `n <= 16` become part of the vector.
        unsafe {
            self.buf
                .as_mut_ptr()
                .add(len)
                .cast::<[u8; 16]>()
                .write_unaligned(bytes.to_le_bytes());
            self.buf.set_len(len + n as usize);
        }
    }

    /// An instruction with a ModRM operand: optional mandatory prefix,
    /// REX (when `w`, an extended register or `byte_regs` asks for one),
    /// the opcode bytes, then ModRM/SIB/displacement (at most 11 bytes).
    #[inline(always)]
    fn inst(&mut self, prefix: u8, w: bool, byte_regs: bool, op: &[u8], reg: Reg, rm: Rm) {
        self.inst_imm(prefix, w, byte_regs, op, reg, rm, 0, 0);
    }

    /// [`Self::inst`] followed by an immediate of `imm_len` bytes (0, 1
    /// or 4; at most 15 bytes in all).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn inst_imm(
        &mut self,
        prefix: u8,
        w: bool,
        byte_regs: bool,
        op: &[u8],
        reg: Reg,
        rm: Rm,
        imm: u32,
        imm_len: u32,
    ) {
        let mut e = Enc::default();
        if prefix != 0 {
            e.byte(prefix);
        }
        let (b, x) = match rm {
            Rm::Reg(r) => (r, 0),
            Rm::Mem(m) => (m.base, m.index.map_or(0, |(i, _)| i)),
        };
        let rex = 0x40 | (u8::from(w) << 3) | ((reg >> 3) << 2) | ((x >> 3) << 1) | (b >> 3);
        let needs_byte_rex = byte_regs && (reg >= 4 || matches!(rm, Rm::Reg(r) if r >= 4));
        if rex != 0x40 || needs_byte_rex {
            e.byte(rex);
        }
        for &o in op {
            e.byte(o);
        }
        let reg = reg & 7;
        match rm {
            Rm::Reg(r) => e.byte(0xc0 | (reg << 3) | (r & 7)),
            Rm::Mem(m) => e.mem_operand(reg, m),
        }
        e.bytes |= u128::from(imm) << (8 * e.n);
        e.n += imm_len;
        self.put(e.bytes, e.n);
    }

    // Moves.

    /// `mov dst, src` (32 bits zero-extend).
    pub fn mov_rr(&mut self, w: bool, dst: Reg, src: Reg) {
        self.inst(0, w, false, &[0x89], src, Rm::Reg(dst));
    }

    /// `mov dst, [m]`.
    pub fn load(&mut self, w: bool, dst: Reg, m: Mem) {
        self.inst(0, w, false, &[0x8b], dst, Rm::Mem(m));
    }

    /// `mov [m], src`.
    pub fn store(&mut self, w: bool, m: Mem, src: Reg) {
        self.inst(0, w, false, &[0x89], src, Rm::Mem(m));
    }

    /// `mov byte [m], src`.
    pub fn store8(&mut self, m: Mem, src: Reg) {
        self.inst(0, false, true, &[0x88], src, Rm::Mem(m));
    }

    /// `mov word [m], src`.
    pub fn store16(&mut self, m: Mem, src: Reg) {
        self.inst(0x66, false, false, &[0x89], src, Rm::Mem(m));
    }

    /// `mov qword/dword [m], imm` (sign-extended to 64 bits when `w`).
    pub fn store_imm(&mut self, w: bool, m: Mem, imm: i32) {
        self.inst_imm(0, w, false, &[0xc7], 0, Rm::Mem(m), imm as u32, 4);
    }

    /// Loads a constant into `dst` with the shortest form.
    pub fn mov_imm(&mut self, dst: Reg, value: u64) {
        if value == 0 {
            self.alu_rr(false, Alu::Xor, dst, dst);
        } else if value <= u64::from(u32::MAX) {
            // mov r32, imm32 (with REX.B for r8-r15)
            let op = u128::from(0xb8 + (dst & 7));
            if dst >= 8 {
                self.put(0x41 | (op << 8) | (u128::from(value) << 16), 6);
            } else {
                self.put(op | (u128::from(value) << 8), 5);
            }
        } else if i32::try_from(value as i64).is_ok() {
            self.inst_imm(0, true, false, &[0xc7], 0, Rm::Reg(dst), value as u32, 4);
        } else {
            // movabs r64, imm64
            let rex = u128::from(0x48 | (dst >> 3));
            let op = u128::from(0xb8 + (dst & 7));
            self.put(rex | (op << 8) | (u128::from(value) << 16), 10);
        }
    }

    /// `movzx`/`movsx`/`movsxd` loads of narrow values: `op` is the
    /// opcode after `0x0f` (`0xb6`, `0xb7`, `0xbe`, `0xbf`) or `0x63`.
    pub fn load_ext(&mut self, w: bool, op: u8, dst: Reg, m: Mem) {
        if op == 0x63 {
            self.inst(0, true, false, &[0x63], dst, Rm::Mem(m));
        } else {
            self.inst(0, w, false, &[0x0f, op], dst, Rm::Mem(m));
        }
    }

    /// The same extensions between registers.
    pub fn ext_rr(&mut self, w: bool, op: u8, dst: Reg, src: Reg) {
        if op == 0x63 {
            self.inst(0, true, false, &[0x63], dst, Rm::Reg(src));
        } else {
            self.inst(0, w, true, &[0x0f, op], dst, Rm::Reg(src));
        }
    }

    pub fn lea(&mut self, dst: Reg, m: Mem) {
        self.inst(0, true, false, &[0x8d], dst, Rm::Mem(m));
    }

    // Arithmetic.

    /// `op dst, src`.
    pub fn alu_rr(&mut self, w: bool, op: Alu, dst: Reg, src: Reg) {
        self.inst(0, w, false, &[op.ext() * 8 + 1], src, Rm::Reg(dst));
    }

    /// `op dst, [m]`.
    pub fn alu_rm(&mut self, w: bool, op: Alu, dst: Reg, m: Mem) {
        self.inst(0, w, false, &[op.ext() * 8 + 3], dst, Rm::Mem(m));
    }

    /// `op dst, imm` (sign-extended).
    pub fn alu_ri(&mut self, w: bool, op: Alu, dst: Reg, imm: i32) {
        self.alu_imm(w, op, Rm::Reg(dst), imm);
    }

    /// `op r/m, imm` (sign-extended).
    pub fn alu_imm(&mut self, w: bool, op: Alu, rm: Rm, imm: i32) {
        if let Ok(small) = i8::try_from(imm) {
            self.inst_imm(
                0,
                w,
                false,
                &[0x83],
                op.ext(),
                rm,
                u32::from(small as u8),
                1,
            );
        } else {
            self.inst_imm(0, w, false, &[0x81], op.ext(), rm, imm as u32, 4);
        }
    }

    pub fn test_rr(&mut self, w: bool, a: Reg, b: Reg) {
        self.inst(0, w, false, &[0x85], b, Rm::Reg(a));
    }

    pub fn imul_rr(&mut self, w: bool, dst: Reg, src: Reg) {
        self.inst(0, w, false, &[0x0f, 0xaf], dst, Rm::Reg(src));
    }

    pub fn imul_rm(&mut self, w: bool, dst: Reg, m: Mem) {
        self.inst(0, w, false, &[0x0f, 0xaf], dst, Rm::Mem(m));
    }

    pub fn imul_ri(&mut self, w: bool, dst: Reg, imm: i32) {
        self.inst_imm(0, w, false, &[0x69], dst, Rm::Reg(dst), imm as u32, 4);
    }

    /// A shift of `dst` by `cl`.
    pub fn shift_cl(&mut self, w: bool, op: Shift, dst: Reg) {
        self.inst(0, w, false, &[0xd3], op as u8, Rm::Reg(dst));
    }

    /// A shift of `dst` by a constant.
    pub fn shift_imm(&mut self, w: bool, op: Shift, dst: Reg, by: u8) {
        self.inst_imm(
            0,
            w,
            false,
            &[0xc1],
            op as u8,
            Rm::Reg(dst),
            u32::from(by),
            1,
        );
    }

    /// `div`/`idiv` of `rdx:rax` by `src`.
    pub fn div(&mut self, w: bool, signed: bool, src: Reg) {
        self.inst(
            0,
            w,
            false,
            &[0xf7],
            if signed { 7 } else { 6 },
            Rm::Reg(src),
        );
    }

    /// `cdq` / `cqo`: sign-extends `rax` into `rdx`.
    pub fn sign_extend_rax(&mut self, w: bool) {
        if w {
            self.byte(0x48);
        }
        self.byte(0x99);
    }

    /// `lzcnt` (`0xbd`), `tzcnt` (`0xbc`) or `popcnt` (`0xb8`).
    pub fn bit_count(&mut self, w: bool, op: u8, dst: Reg, src: Reg) {
        self.inst(0xf3, w, false, &[0x0f, op], dst, Rm::Reg(src));
    }

    /// `and dst8, src8`.
    pub fn and8(&mut self, dst: Reg, src: Reg) {
        self.inst(0, false, true, &[0x20], src, Rm::Reg(dst));
    }

    /// `or dst8, src8`.
    pub fn or8(&mut self, dst: Reg, src: Reg) {
        self.inst(0, false, true, &[0x08], src, Rm::Reg(dst));
    }

    /// `bt`/`bts`/`btr`/`btc` (`ext` 4 to 7) of bit `bit` of `dst`.
    pub fn bit_test(&mut self, w: bool, ext: u8, dst: Reg, bit: u8) {
        self.inst_imm(
            0,
            w,
            false,
            &[0x0f, 0xba],
            ext,
            Rm::Reg(dst),
            u32::from(bit),
            1,
        );
    }

    pub fn setcc(&mut self, cc: Cond, dst: Reg) {
        self.inst(0, false, true, &[0x0f, 0x90 + cc], 0, Rm::Reg(dst));
    }

    pub fn cmov(&mut self, w: bool, cc: Cond, dst: Reg, src: Reg) {
        self.inst(0, w, false, &[0x0f, 0x40 + cc], dst, Rm::Reg(src));
    }

    // Control.

    /// `jcc rel32` with a zero displacement; returns the displacement's
    /// position.
    pub fn jcc(&mut self, cc: Cond) -> usize {
        self.put(u128::from(0x800f_u16 + (u16::from(cc) << 8)), 6);
        self.pos() - 4
    }

    /// `jmp rel32`; returns the displacement's position.
    pub fn jmp(&mut self) -> usize {
        self.put(0xe9, 5);
        self.pos() - 4
    }

    /// Points the displacement at `at` to `target`.
    pub fn bind(&mut self, at: usize, target: usize) {
        self.patch_u32(at, (target as i64 - at as i64 - 4) as u32);
    }

    pub fn call_m(&mut self, m: Mem) {
        self.inst(0, false, false, &[0xff], 2, Rm::Mem(m));
    }

    pub fn call_r(&mut self, r: Reg) {
        self.inst(0, false, false, &[0xff], 2, Rm::Reg(r));
    }

    pub fn jmp_r(&mut self, r: Reg) {
        self.inst(0, false, false, &[0xff], 4, Rm::Reg(r));
    }

    pub fn push(&mut self, r: Reg) {
        if r >= 8 {
            self.byte(0x41);
        }
        self.byte(0x50 + (r & 7));
    }

    pub fn pop(&mut self, r: Reg) {
        if r >= 8 {
            self.byte(0x41);
        }
        self.byte(0x58 + (r & 7));
    }

    pub fn ret(&mut self) {
        self.byte(0xc3);
    }

    /// `lea dst, [rip + rel32]`; returns the displacement's position.
    pub fn lea_rip(&mut self, dst: Reg) -> usize {
        self.byte(0x48 | ((dst >> 3) << 2));
        self.byte(0x8d);
        self.byte(((dst & 7) << 3) | 5);
        self.u32(0);
        self.pos() - 4
    }

    // SSE scalar floats (`double` picks the `f2` forms over `f3`).

    /// `movss`/`movsd xmm, [m]`.
    pub fn fload(&mut self, double: bool, dst: Reg, m: Mem) {
        self.inst(
            if double { 0xf2 } else { 0xf3 },
            false,
            false,
            &[0x0f, 0x10],
            dst,
            Rm::Mem(m),
        );
    }

    /// `movss`/`movsd [m], xmm`.
    pub fn fstore(&mut self, double: bool, m: Mem, src: Reg) {
        self.inst(
            if double { 0xf2 } else { 0xf3 },
            false,
            false,
            &[0x0f, 0x11],
            src,
            Rm::Mem(m),
        );
    }

    /// A scalar operation `op xmm_dst, xmm_src` (`0x58` add, `0x59` mul,
    /// `0x5c` sub, `0x5e` div, `0x51` sqrt, `0x5a` convert to the other
    /// width).
    pub fn fop(&mut self, double: bool, op: u8, dst: Reg, src: Reg) {
        self.inst(
            if double { 0xf2 } else { 0xf3 },
            false,
            false,
            &[0x0f, op],
            dst,
            Rm::Reg(src),
        );
    }

    /// `ucomiss`/`ucomisd a, b`.
    pub fn fcmp(&mut self, double: bool, a: Reg, b: Reg) {
        self.inst(
            if double { 0x66 } else { 0 },
            false,
            false,
            &[0x0f, 0x2e],
            a,
            Rm::Reg(b),
        );
    }

    /// A packed bitwise operation on whole registers (`0x54` and,
    /// `0x56` or, `0x57` xor, `0x28` move).
    pub fn fbits(&mut self, op: u8, dst: Reg, src: Reg) {
        self.inst(0, false, false, &[0x0f, op], dst, Rm::Reg(src));
    }

    /// `movd`/`movq xmm, gpr`.
    pub fn gpr_to_xmm(&mut self, w: bool, dst: Reg, src: Reg) {
        self.inst(0x66, w, false, &[0x0f, 0x6e], dst, Rm::Reg(src));
    }

    /// `movd`/`movq gpr, xmm`.
    pub fn xmm_to_gpr(&mut self, w: bool, dst: Reg, src: Reg) {
        self.inst(0x66, w, false, &[0x0f, 0x7e], src, Rm::Reg(dst));
    }

    /// `cvtsi2ss`/`cvtsi2sd xmm, gpr` (`w`: the integer is 64 bits).
    pub fn int_to_float(&mut self, double: bool, w: bool, dst: Reg, src: Reg) {
        self.inst(
            if double { 0xf2 } else { 0xf3 },
            w,
            false,
            &[0x0f, 0x2a],
            dst,
            Rm::Reg(src),
        );
    }

    /// `cvttss2si`/`cvttsd2si gpr, xmm` (`w`: to 64 bits).
    pub fn float_to_int(&mut self, double: bool, w: bool, dst: Reg, src: Reg) {
        self.inst(
            if double { 0xf2 } else { 0xf3 },
            w,
            false,
            &[0x0f, 0x2c],
            dst,
            Rm::Reg(src),
        );
    }

    /// `roundss`/`roundsd` with rounding `mode` (SSE4.1).
    pub fn round(&mut self, double: bool, mode: u8, dst: Reg, src: Reg) {
        self.inst(
            0x66,
            false,
            false,
            &[0x0f, 0x3a, if double { 0x0b } else { 0x0a }],
            dst,
            Rm::Reg(src),
        );
        self.byte(mode);
    }

    pub fn ud2(&mut self) {
        self.byte(0x0f);
        self.byte(0x0b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(f: impl FnOnce(&mut Asm)) -> Vec<u8> {
        let mut a = Asm::default();
        f(&mut a);
        a.buf
    }

    #[test]
    fn encodes_like_the_manual() {
        // mov eax, ecx
        assert_eq!(bytes(|a| a.mov_rr(false, RAX, RCX)), [0x89, 0xc8]);
        // mov r8, rdx
        assert_eq!(bytes(|a| a.mov_rr(true, R8, RDX)), [0x49, 0x89, 0xd0]);
        // mov eax, [rsp + 8]
        assert_eq!(
            bytes(|a| a.load(false, RAX, Mem::at(RSP, 8))),
            [0x8b, 0x44, 0x24, 0x08]
        );
        // mov rax, [rbp]
        assert_eq!(
            bytes(|a| a.load(true, RAX, Mem::at(RBP, 0))),
            [0x48, 0x8b, 0x45, 0x00]
        );
        // mov ecx, [r14 + rax + 0x1000]
        assert_eq!(
            bytes(|a| a.load(false, RCX, Mem::indexed(R14, RAX, 0, 0x1000))),
            [0x41, 0x8b, 0x8c, 0x06, 0x00, 0x10, 0x00, 0x00]
        );
        // add r9d, 5
        assert_eq!(
            bytes(|a| a.alu_ri(false, Alu::Add, R9, 5)),
            [0x41, 0x83, 0xc1, 0x05]
        );
        // cmp rax, 0x12345
        assert_eq!(
            bytes(|a| a.alu_ri(true, Alu::Cmp, RAX, 0x12345)),
            [0x48, 0x81, 0xf8, 0x45, 0x23, 0x01, 0x00]
        );
        // sete sil (needs an empty REX)
        assert_eq!(bytes(|a| a.setcc(CC_E, RSI)), [0x40, 0x0f, 0x94, 0xc6]);
        // movzx eax, sil
        assert_eq!(
            bytes(|a| a.ext_rr(false, 0xb6, RAX, RSI)),
            [0x40, 0x0f, 0xb6, 0xc6]
        );
        // movabs r10, 0x1122334455667788
        assert_eq!(
            bytes(|a| a.mov_imm(R10, 0x1122_3344_5566_7788)),
            [0x49, 0xba, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
        );
        // mov rax, -1 (sign-extended imm32)
        assert_eq!(
            bytes(|a| a.mov_imm(RAX, u64::MAX)),
            [0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff]
        );
        // addsd xmm1, xmm9
        assert_eq!(
            bytes(|a| a.fop(true, 0x58, 1, 9)),
            [0xf2, 0x41, 0x0f, 0x58, 0xc9]
        );
        // movq rax, xmm2
        assert_eq!(
            bytes(|a| a.xmm_to_gpr(true, RAX, 2)),
            [0x66, 0x48, 0x0f, 0x7e, 0xd0]
        );
        // shl r11d, cl
        assert_eq!(
            bytes(|a| a.shift_cl(false, Shift::Shl, R11)),
            [0x41, 0xd3, 0xe3]
        );
        // call [rdi]
        assert_eq!(bytes(|a| a.call_m(Mem::at(RDI, 0))), [0xff, 0x17]);
        // push r15
        assert_eq!(bytes(|a| a.push(R15)), [0x41, 0x57]);
    }
}
