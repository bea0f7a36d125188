//! The numeric operators (opcodes `0x45..=0xc4` and the saturating
//! conversions), each to the interpreter instruction that computes it.

use super::{LightTranslator, Num};
use crate::interp::ir::Instr;

impl LightTranslator {
    /// Translates numeric operator `op`; `None` if it is not one.
    #[inline(always)]
    pub(super) fn numeric(&mut self, op: u8) -> Option<()> {
        use Num::*;
        macro_rules! un {
            ($t:expr, $v:ident) => {
                self.unary($t, |dst, src| Instr::$v { dst, src })
            };
        }
        macro_rules! bin {
            ($t:expr, $v:ident) => {
                self.binary($t, |dst, a, b| Instr::$v { dst, a, b })
            };
        }
        macro_rules! bini {
            ($t:expr, $v:ident, $vi:ident) => {
                self.binary_imm(
                    $t,
                    |dst, a, b| Instr::$v { dst, a, b },
                    |dst, a, imm| Instr::$vi { dst, a, imm },
                )
            };
        }
        match op {
            0x45 => un!(I32, I32Eqz),
            0x46 => bini!(I32, I32Eq, I32EqImm),
            0x47 => bini!(I32, I32Ne, I32NeImm),
            0x48 => bini!(I32, I32LtS, I32LtSImm),
            0x49 => bini!(I32, I32LtU, I32LtUImm),
            0x4a => bini!(I32, I32GtS, I32GtSImm),
            0x4b => bini!(I32, I32GtU, I32GtUImm),
            0x4c => bini!(I32, I32LeS, I32LeSImm),
            0x4d => bini!(I32, I32LeU, I32LeUImm),
            0x4e => bini!(I32, I32GeS, I32GeSImm),
            0x4f => bini!(I32, I32GeU, I32GeUImm),
            0x50 => un!(I32, I64Eqz),
            0x51 => bini!(I32, I64Eq, I64EqImm),
            0x52 => bini!(I32, I64Ne, I64NeImm),
            0x53 => bini!(I32, I64LtS, I64LtSImm),
            0x54 => bini!(I32, I64LtU, I64LtUImm),
            0x55 => bini!(I32, I64GtS, I64GtSImm),
            0x56 => bini!(I32, I64GtU, I64GtUImm),
            0x57 => bini!(I32, I64LeS, I64LeSImm),
            0x58 => bini!(I32, I64LeU, I64LeUImm),
            0x59 => bini!(I32, I64GeS, I64GeSImm),
            0x5a => bini!(I32, I64GeU, I64GeUImm),
            0x5b => bin!(I32, F32Eq),
            0x5c => bin!(I32, F32Ne),
            0x5d => bin!(I32, F32Lt),
            0x5e => bin!(I32, F32Gt),
            0x5f => bin!(I32, F32Le),
            0x60 => bin!(I32, F32Ge),
            0x61 => bin!(I32, F64Eq),
            0x62 => bin!(I32, F64Ne),
            0x63 => bin!(I32, F64Lt),
            0x64 => bin!(I32, F64Gt),
            0x65 => bin!(I32, F64Le),
            0x66 => bin!(I32, F64Ge),
            0x67 => un!(I32, I32Clz),
            0x68 => un!(I32, I32Ctz),
            0x69 => un!(I32, I32Popcnt),
            0x6a => bini!(I32, I32Add, I32AddImm),
            0x6b => bini!(I32, I32Sub, I32SubImm),
            0x6c => bini!(I32, I32Mul, I32MulImm),
            0x6d => bini!(I32, I32DivS, I32DivSImm),
            0x6e => bini!(I32, I32DivU, I32DivUImm),
            0x6f => bini!(I32, I32RemS, I32RemSImm),
            0x70 => bini!(I32, I32RemU, I32RemUImm),
            0x71 => bini!(I32, I32And, I32AndImm),
            0x72 => bini!(I32, I32Or, I32OrImm),
            0x73 => bini!(I32, I32Xor, I32XorImm),
            0x74 => bini!(I32, I32Shl, I32ShlImm),
            0x75 => bini!(I32, I32ShrS, I32ShrSImm),
            0x76 => bini!(I32, I32ShrU, I32ShrUImm),
            0x77 => bini!(I32, I32Rotl, I32RotlImm),
            0x78 => bini!(I32, I32Rotr, I32RotrImm),
            0x79 => un!(I64, I64Clz),
            0x7a => un!(I64, I64Ctz),
            0x7b => un!(I64, I64Popcnt),
            0x7c => bini!(I64, I64Add, I64AddImm),
            0x7d => bini!(I64, I64Sub, I64SubImm),
            0x7e => bini!(I64, I64Mul, I64MulImm),
            0x7f => bini!(I64, I64DivS, I64DivSImm),
            0x80 => bini!(I64, I64DivU, I64DivUImm),
            0x81 => bini!(I64, I64RemS, I64RemSImm),
            0x82 => bini!(I64, I64RemU, I64RemUImm),
            0x83 => bini!(I64, I64And, I64AndImm),
            0x84 => bini!(I64, I64Or, I64OrImm),
            0x85 => bini!(I64, I64Xor, I64XorImm),
            0x86 => bini!(I64, I64Shl, I64ShlImm),
            0x87 => bini!(I64, I64ShrS, I64ShrSImm),
            0x88 => bini!(I64, I64ShrU, I64ShrUImm),
            0x89 => bini!(I64, I64Rotl, I64RotlImm),
            0x8a => bini!(I64, I64Rotr, I64RotrImm),
            0x8b => un!(F32, F32Abs),
            0x8c => un!(F32, F32Neg),
            0x8d => un!(F32, F32Ceil),
            0x8e => un!(F32, F32Floor),
            0x8f => un!(F32, F32Trunc),
            0x90 => un!(F32, F32Nearest),
            0x91 => un!(F32, F32Sqrt),
            0x92 => bin!(F32, F32Add),
            0x93 => bin!(F32, F32Sub),
            0x94 => bin!(F32, F32Mul),
            0x95 => bin!(F32, F32Div),
            0x96 => bin!(F32, F32Min),
            0x97 => bin!(F32, F32Max),
            0x98 => bin!(F32, F32Copysign),
            0x99 => un!(F64, F64Abs),
            0x9a => un!(F64, F64Neg),
            0x9b => un!(F64, F64Ceil),
            0x9c => un!(F64, F64Floor),
            0x9d => un!(F64, F64Trunc),
            0x9e => un!(F64, F64Nearest),
            0x9f => un!(F64, F64Sqrt),
            0xa0 => bin!(F64, F64Add),
            0xa1 => bin!(F64, F64Sub),
            0xa2 => bin!(F64, F64Mul),
            0xa3 => bin!(F64, F64Div),
            0xa4 => bin!(F64, F64Min),
            0xa5 => bin!(F64, F64Max),
            0xa6 => bin!(F64, F64Copysign),
            0xa7 => un!(I32, I32WrapI64),
            0xa8 => un!(I32, I32TruncF32S),
            0xa9 => un!(I32, I32TruncF32U),
            0xaa => un!(I32, I32TruncF64S),
            0xab => un!(I32, I32TruncF64U),
            0xac => un!(I64, I64ExtendI32S),
            0xad => un!(I64, I64ExtendI32U),
            0xae => un!(I64, I64TruncF32S),
            0xaf => un!(I64, I64TruncF32U),
            0xb0 => un!(I64, I64TruncF64S),
            0xb1 => un!(I64, I64TruncF64U),
            0xb2 => un!(F32, F32ConvertI32S),
            0xb3 => un!(F32, F32ConvertI32U),
            0xb4 => un!(F32, F32ConvertI64S),
            0xb5 => un!(F32, F32ConvertI64U),
            0xb6 => un!(F32, F32DemoteF64),
            0xb7 => un!(F64, F64ConvertI32S),
            0xb8 => un!(F64, F64ConvertI32U),
            0xb9 => un!(F64, F64ConvertI64S),
            0xba => un!(F64, F64ConvertI64U),
            0xbb => un!(F64, F64PromoteF32),
            // Reinterpretations keep the bits: only the static type changes.
            0xbc => self.retype(I32),
            0xbd => self.retype(I64),
            0xbe => self.retype(F32),
            0xbf => self.retype(F64),
            0xc0 => un!(I32, I32Extend8S),
            0xc1 => un!(I32, I32Extend16S),
            0xc2 => un!(I64, I64Extend8S),
            0xc3 => un!(I64, I64Extend16S),
            0xc4 => un!(I64, I64Extend32S),
            _ => None,
        }
    }

    /// Translates saturating conversion `0xfc sub`; `None` if it is not one.
    pub(super) fn saturating(&mut self, sub: u32) -> Option<()> {
        use Num::*;
        let make: fn(u32, u32) -> Instr = match sub {
            0 => |dst, src| Instr::I32TruncSatF32S { dst, src },
            1 => |dst, src| Instr::I32TruncSatF32U { dst, src },
            2 => |dst, src| Instr::I32TruncSatF64S { dst, src },
            3 => |dst, src| Instr::I32TruncSatF64U { dst, src },
            4 => |dst, src| Instr::I64TruncSatF32S { dst, src },
            5 => |dst, src| Instr::I64TruncSatF32U { dst, src },
            6 => |dst, src| Instr::I64TruncSatF64S { dst, src },
            7 => |dst, src| Instr::I64TruncSatF64U { dst, src },
            _ => return None,
        };
        self.unary(if sub < 4 { I32 } else { I64 }, make)
    }
}
