//! A validator for the function bodies most modules are made of (numbers,
//! locals, globals, one 32-bit memory with `memory.copy` and `memory.fill`,
//! blocks, branches and calls, tail calls included), about
//! 2.5 times faster than wasmparser's on them (on the large benchmark
//! module's 20,000 bodies, 7.6 ms against 18.4 ms on one core).
//!
//! It answers only "valid" or "not sure". Anything it does not know (an
//! operator, type or encoding outside that subset: vectors, references,
//! several memories, 64-bit memories, table and segment instructions,
//! exceptions, ...), anything malformed and anything invalid make it give
//! up, and wasmparser's validator decides the body (and reports its error
//! with wasmparser's message). So it only has to be right when it says a
//! body is valid: where a rule is subtle it is stricter than the
//! specification (a body it refuses is then checked by wasmparser), never
//! looser. The tests below, the spec suite's invalid modules and the
//! `validate` fuzz target (through `Module::new`) hold it to that.

use crate::module::body_reader::BodyReader;
use crate::module::types::{HeapType, Mutability, RefType, ValType};
use crate::module::ModuleInfo;

/// An operand type: one of the four number types, or `UNKNOWN`, the type
/// of an operand popped from the empty stack of unreachable code (it
/// matches every type).
type Ty = u8;
const UNKNOWN: Ty = 0;
const I32: Ty = 1;
const I64: Ty = 2;
const F32: Ty = 3;
const F64: Ty = 4;

/// Most locals (parameters included) a body checked here may have; more
/// are left to wasmparser, which keeps them in runs rather than one entry
/// each (its own limit is 50,000).
const MAX_LOCALS: usize = 4096;

/// The wasmparser features every body checked here may assume (the
/// encodings and rules of the operators it knows depend on them).
const ASSUMED: wasmparser::WasmFeatures = wasmparser::WasmFeatures::FLOATS
    .union(wasmparser::WasmFeatures::MULTI_VALUE)
    .union(wasmparser::WasmFeatures::SIGN_EXTENSION)
    .union(wasmparser::WasmFeatures::SATURATING_FLOAT_TO_INT)
    .union(wasmparser::WasmFeatures::REFERENCE_TYPES);

/// A run of operand types in `FastValidator::types`.
#[derive(Copy, Clone)]
struct Span {
    start: u32,
    len: u32,
}

/// A function type whose parameters and results are all numbers.
#[derive(Copy, Clone)]
struct Signature {
    params: Span,
    results: Span,
}

/// What the bodies of one module may refer to, in the form the check
/// reads (built once the sections before the code are known).
pub(crate) struct FastValidator {
    /// Every type list of `signatures`, after the four one-type lists
    /// (`[I32]` at 1, ..., `[F64]` at 4) that block types use.
    types: Vec<Ty>,
    /// Each type index's signature (`None`: not a function type, or not
    /// all numbers).
    signatures: Vec<Option<Signature>>,
    /// Each function's type index.
    func_types: Vec<u32>,
    /// Each global's type with `MUTABLE` added if it may be set (0: not a
    /// number).
    globals: Vec<u8>,
    /// Whether each table holds nullable `funcref`s, indexed by i32 (the
    /// tables `call_indirect` may use here).
    funcref_tables: Vec<bool>,
    /// Whether memory 0 exists and is indexed by i32.
    memory32: bool,
    /// Whether `memory.copy` and `memory.fill` may be used.
    bulk_memory: bool,
    /// Whether `return_call` and `return_call_indirect` may be used.
    tail_call: bool,
}

/// Flag of a mutable global in `FastValidator::globals`.
const MUTABLE: u8 = 0x80;

/// Reusable stacks (one per validating thread).
#[derive(Default)]
pub(crate) struct Scratch {
    operands: Vec<Ty>,
    frames: Vec<Frame>,
    locals: Vec<Ty>,
}

#[derive(Copy, Clone, PartialEq)]
enum FrameKind {
    Block,
    Loop,
    If,
    Else,
}

#[derive(Copy, Clone)]
struct Frame {
    kind: FrameKind,
    params: Span,
    results: Span,
    /// Operand stack height at entry, below the parameters.
    height: usize,
    /// Whether the rest of the frame is unreachable (after `br`,
    /// `return`, `unreachable`, ...).
    unreachable: bool,
}

impl Frame {
    /// The types a branch to this frame's label carries.
    fn label(&self) -> Span {
        if self.kind == FrameKind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

/// The operand type of `ty`, if it is a number.
fn number(ty: &ValType) -> Option<Ty> {
    match ty {
        ValType::I32 => Some(I32),
        ValType::I64 => Some(I64),
        ValType::F32 => Some(F32),
        ValType::F64 => Some(F64),
        _ => None,
    }
}

/// The operand type of value type byte `byte`, if it is a number.
fn number_byte(byte: u8) -> Option<Ty> {
    match byte {
        0x7F => Some(I32),
        0x7E => Some(I64),
        0x7D => Some(F32),
        0x7C => Some(F64),
        _ => None,
    }
}

impl FastValidator {
    /// What bodies of the module `info` describes (all its sections before
    /// the code read) may refer to; `None` if `features` lack one this
    /// check assumes.
    pub(crate) fn new(info: &ModuleInfo, features: wasmparser::WasmFeatures) -> Option<Self> {
        if !features.contains(ASSUMED) {
            return None;
        }
        let mut types = vec![UNKNOWN, I32, I64, F32, F64];
        let mut span_of = |tys: &[ValType]| -> Option<Span> {
            let start = types.len() as u32;
            for t in tys {
                types.push(number(t)?);
            }
            Some(Span {
                start,
                len: tys.len() as u32,
            })
        };
        let signatures = info
            .types
            .iter()
            .zip(&info.heap_types)
            .map(|(ty, heap)| {
                if !matches!(heap, HeapType::Concrete(_)) {
                    return None;
                }
                Some(Signature {
                    params: span_of(ty.params())?,
                    results: span_of(ty.results())?,
                })
            })
            .collect();
        let funcref = ValType::Ref(RefType {
            nullable: true,
            heap: HeapType::Func,
        });
        Some(FastValidator {
            types,
            signatures,
            func_types: info.func_types.clone(),
            globals: info
                .globals
                .iter()
                .map(|g| match number(&g.content) {
                    Some(t) if g.mutability == Mutability::Var => t | MUTABLE,
                    Some(t) => t,
                    None => 0,
                })
                .collect(),
            funcref_tables: info
                .tables
                .iter()
                .map(|t| t.element == funcref && !t.table64)
                .collect(),
            memory32: info.memories.first().is_some_and(|m| !m.memory64),
            bulk_memory: features.contains(wasmparser::WasmFeatures::BULK_MEMORY),
            tail_call: features.contains(wasmparser::WasmFeatures::TAIL_CALL),
        })
    }

    /// Whether `body` (a function body without its size: locals, then
    /// operators) of a function of type index `ty` is certainly valid;
    /// `false` means "ask wasmparser".
    pub(crate) fn validate(&self, scratch: &mut Scratch, ty: u32, body: &[u8]) -> bool {
        let Some(Some(sig)) = self.signatures.get(ty as usize) else {
            return false;
        };
        scratch.operands.clear();
        scratch.frames.clear();
        scratch.locals.clear();
        let mut check = Check {
            v: self,
            r: BodyReader::new(body),
            operands: &mut scratch.operands,
            frames: &mut scratch.frames,
            locals: &mut scratch.locals,
            height: 0,
            unreachable: false,
        };
        check.body(*sig).is_some()
    }

    fn span(&self, span: Span) -> &[Ty] {
        &self.types[span.start as usize..(span.start + span.len) as usize]
    }
}

/// The check of one body: a reader over its bytes and the stacks.
struct Check<'a> {
    v: &'a FastValidator,
    r: BodyReader<'a>,
    operands: &'a mut Vec<Ty>,
    frames: &'a mut Vec<Frame>,
    locals: &'a mut Vec<Ty>,
    /// The current frame's `height` and `unreachable` (read by every pop).
    height: usize,
    unreachable: bool,
}

/// The empty type list.
const EMPTY: Span = Span { start: 0, len: 0 };

impl Check<'_> {
    /// A block type: its parameters and results.
    fn block_type(&mut self) -> Option<(Span, Span)> {
        let b = self.r.peek()?;
        if b == 0x40 {
            self.r.pos += 1;
            return Some((EMPTY, EMPTY));
        }
        if let Some(t) = number_byte(b) {
            self.r.pos += 1;
            return Some((
                EMPTY,
                Span {
                    start: t as u32,
                    len: 1,
                },
            ));
        }
        // A type index: a non-negative s33, here of one byte (0..63) or a
        // u32 whose encoding is also an s33 (at most four bytes, so its
        // sign bit is clear).
        if b & 0xC0 == 0x40 {
            return None;
        }
        let start = self.r.pos;
        let index = self.r.u32()?;
        // (At most four bytes, and the s33's sign, bit 6 of the last
        // byte, clear.)
        let len = self.r.pos - start;
        if len > 4 || index >> (7 * len - 1) != 0 {
            return None;
        }
        let sig = (*self.v.signatures.get(index as usize)?)?;
        Some((sig.params, sig.results))
    }

    /// The signature of the function whose index comes next (a direct
    /// call's callee).
    fn read_direct_signature(&mut self) -> Option<Signature> {
        let func = self.r.u32()?;
        let ty = *self.v.func_types.get(func as usize)?;
        *self.v.signatures.get(ty as usize)?
    }

    /// The signature and table an indirect call names: the signature, if
    /// the table holds `funcref`s.
    fn read_indirect_signature(&mut self) -> Option<Signature> {
        let ty = self.r.u32()?;
        // The table index in one byte (longer encodings are valid only
        // under some features).
        let table = self.r.byte()?;
        if table >= 0x80 || !*self.v.funcref_tables.get(table as usize)? {
            return None;
        }
        *self.v.signatures.get(ty as usize)?
    }

    /// A memory access's immediates, for an access of natural alignment
    /// `2^max_align` to memory 0 (the only one checked here).
    #[inline(always)]
    fn memarg(&mut self, max_align: u32) -> Option<()> {
        let flags = self.r.u32()?;
        // Larger values set flags (a memory index, ...) or over-align.
        if flags > max_align || !self.v.memory32 {
            return None;
        }
        self.r.u32().map(drop)
    }

    // ---- the operand stack

    #[inline(always)]
    fn push(&mut self, t: Ty) {
        self.operands.push(t);
    }

    /// Pops an operand of type `expected` (`UNKNOWN`: of any type) and
    /// returns its type.
    #[inline(always)]
    fn pop(&mut self, expected: Ty) -> Option<Ty> {
        if self.operands.len() == self.height {
            return self.unreachable.then_some(UNKNOWN);
        }
        let actual = self.operands.pop()?;
        (actual == expected || actual == UNKNOWN || expected == UNKNOWN).then_some(actual)
    }

    fn pop_span(&mut self, span: Span) -> Option<()> {
        for i in (span.start..span.start + span.len).rev() {
            self.pop(self.v.types[i as usize])?;
        }
        Some(())
    }

    fn push_span(&mut self, span: Span) {
        let v = self.v;
        self.operands.extend_from_slice(v.span(span));
    }

    /// Pops an operand of type `operand`, pushes one of type `result`.
    #[inline(always)]
    fn unary(&mut self, operand: Ty, result: Ty) -> Option<()> {
        // In the common case the operand is rewritten in place.
        let len = self.operands.len();
        if len > self.height && self.operands[len - 1] == operand {
            self.operands[len - 1] = result;
            return Some(());
        }
        self.pop(operand)?;
        self.push(result);
        Some(())
    }

    /// Pops two operands of type `operand`, pushes one of type `result`.
    #[inline(always)]
    fn binary(&mut self, operand: Ty, result: Ty) -> Option<()> {
        let len = self.operands.len();
        if len >= self.height + 2
            && self.operands[len - 1] == operand
            && self.operands[len - 2] == operand
        {
            self.operands[len - 2] = result;
            self.operands.truncate(len - 1);
            return Some(());
        }
        self.pop(operand)?;
        self.pop(operand)?;
        self.push(result);
        Some(())
    }

    fn load(&mut self, max_align: u32, result: Ty) -> Option<()> {
        self.memarg(max_align)?;
        self.unary(I32, result)
    }

    fn store(&mut self, max_align: u32, value: Ty) -> Option<()> {
        self.memarg(max_align)?;
        self.pop(value)?;
        self.pop(I32).map(drop)
    }

    // ---- control

    fn push_frame(&mut self, kind: FrameKind, params: Span, results: Span) {
        self.height = self.operands.len();
        self.unreachable = false;
        self.frames.push(Frame {
            kind,
            params,
            results,
            height: self.height,
            unreachable: false,
        });
        self.push_span(params);
    }

    /// Marks the rest of the current frame unreachable.
    fn set_unreachable(&mut self) -> Option<()> {
        let frame = self.frames.last_mut()?;
        self.operands.truncate(frame.height);
        frame.unreachable = true;
        self.unreachable = true;
        Some(())
    }

    /// Checks that the current frame's results, and nothing else, are on
    /// its stack, and pops the frame.
    fn pop_frame(&mut self) -> Option<Frame> {
        let frame = *self.frames.last()?;
        self.pop_span(frame.results)?;
        if self.operands.len() != frame.height {
            return None;
        }
        self.frames.pop();
        if let Some(outer) = self.frames.last() {
            self.height = outer.height;
            self.unreachable = outer.unreachable;
        }
        Some(frame)
    }

    /// The types a branch to the label whose depth comes next carries.
    fn read_label(&mut self) -> Option<Span> {
        let depth = self.r.u32()? as usize;
        let n = self.frames.len();
        Some(self.frames.get(n.checked_sub(1 + depth)?)?.label())
    }

    /// The type of the local whose index comes next.
    #[inline(always)]
    fn read_local(&mut self) -> Option<Ty> {
        let index = self.r.u32()? as usize;
        self.locals.get(index).copied()
    }

    /// Whether two type lists are the same.
    fn same(&self, a: Span, b: Span) -> bool {
        self.v.span(a) == self.v.span(b)
    }

    fn body(&mut self, sig: Signature) -> Option<()> {
        let v = self.v;
        self.locals.extend_from_slice(v.span(sig.params));
        let groups = self.r.u32()?;
        for _ in 0..groups {
            let count = self.r.u32()? as usize;
            let ty = number_byte(self.r.byte()?)?;
            if count > MAX_LOCALS - self.locals.len().min(MAX_LOCALS) {
                return None;
            }
            self.locals.resize(self.locals.len() + count, ty);
        }
        // The function's own frame: a block with its results.
        self.push_frame(FrameKind::Block, EMPTY, sig.results);
        loop {
            match self.r.byte()? {
                0x00 => self.set_unreachable()?,
                0x01 => {}
                op @ (0x02 | 0x03) => {
                    let (params, results) = self.block_type()?;
                    self.pop_span(params)?;
                    let kind = if op == 0x02 {
                        FrameKind::Block
                    } else {
                        FrameKind::Loop
                    };
                    self.push_frame(kind, params, results);
                }
                0x04 => {
                    let (params, results) = self.block_type()?;
                    self.pop(I32)?;
                    self.pop_span(params)?;
                    self.push_frame(FrameKind::If, params, results);
                }
                0x05 => {
                    let frame = self.pop_frame()?;
                    if frame.kind != FrameKind::If {
                        return None;
                    }
                    self.push_frame(FrameKind::Else, frame.params, frame.results);
                }
                0x0B => {
                    let frame = self.pop_frame()?;
                    // An `if` without `else` passes its parameters on.
                    if frame.kind == FrameKind::If && !self.same(frame.params, frame.results) {
                        return None;
                    }
                    if self.frames.is_empty() {
                        return self.r.at_end().then_some(());
                    }
                    self.push_span(frame.results);
                }
                0x0C => {
                    let label = self.read_label()?;
                    self.pop_span(label)?;
                    self.set_unreachable()?;
                }
                0x0D => {
                    let label = self.read_label()?;
                    self.pop(I32)?;
                    self.pop_span(label)?;
                    self.push_span(label);
                }
                0x0E => {
                    // The targets, then the default. Here they all carry
                    // the same types (the specification allows
                    // differences in unreachable code).
                    let count = self.r.u32()?;
                    let label = self.read_label()?;
                    for _ in 0..count {
                        let other = self.read_label()?;
                        if !self.same(label, other) {
                            return None;
                        }
                    }
                    self.pop(I32)?;
                    self.pop_span(label)?;
                    self.set_unreachable()?;
                }
                0x0F => {
                    self.pop_span(self.frames.first()?.results)?;
                    self.set_unreachable()?;
                }
                0x10 => {
                    let sig = self.read_direct_signature()?;
                    self.pop_span(sig.params)?;
                    self.push_span(sig.results);
                }
                0x11 => {
                    let sig = self.read_indirect_signature()?;
                    self.pop(I32)?;
                    self.pop_span(sig.params)?;
                    self.push_span(sig.results);
                }
                op @ (0x12 | 0x13) => {
                    // return_call, return_call_indirect: the callee's
                    // results (here the same types) are the caller's.
                    if !v.tail_call {
                        return None;
                    }
                    let sig = if op == 0x12 {
                        self.read_direct_signature()?
                    } else {
                        let sig = self.read_indirect_signature()?;
                        self.pop(I32)?;
                        sig
                    };
                    if !self.same(sig.results, self.frames.first()?.results) {
                        return None;
                    }
                    self.pop_span(sig.params)?;
                    self.set_unreachable()?;
                }
                0x1A => {
                    self.pop(UNKNOWN)?;
                }
                0x1B => {
                    self.pop(I32)?;
                    let a = self.pop(UNKNOWN)?;
                    let b = self.pop(UNKNOWN)?;
                    if a != b && a != UNKNOWN && b != UNKNOWN {
                        return None;
                    }
                    self.push(if a == UNKNOWN { b } else { a });
                }
                0x1C => {
                    if self.r.byte()? != 1 {
                        return None;
                    }
                    let t = number_byte(self.r.byte()?)?;
                    self.pop(I32)?;
                    self.pop(t)?;
                    self.pop(t)?;
                    self.push(t);
                }
                0x20 => {
                    let t = self.read_local()?;
                    self.push(t);
                }
                0x21 => {
                    let t = self.read_local()?;
                    self.pop(t)?;
                }
                0x22 => {
                    let t = self.read_local()?;
                    self.unary(t, t)?;
                }
                0x23 => {
                    let t = *v.globals.get(self.r.u32()? as usize)? & !MUTABLE;
                    if t == 0 {
                        return None;
                    }
                    self.push(t);
                }
                0x24 => {
                    // (A global that is not a number is 0: not `MUTABLE`.)
                    let g = *v.globals.get(self.r.u32()? as usize)?;
                    if g & MUTABLE == 0 {
                        return None;
                    }
                    self.pop(g & !MUTABLE)?;
                }
                0x28 => self.load(2, I32)?,
                0x29 => self.load(3, I64)?,
                0x2A => self.load(2, F32)?,
                0x2B => self.load(3, F64)?,
                0x2C | 0x2D => self.load(0, I32)?,
                0x2E | 0x2F => self.load(1, I32)?,
                0x30 | 0x31 => self.load(0, I64)?,
                0x32 | 0x33 => self.load(1, I64)?,
                0x34 | 0x35 => self.load(2, I64)?,
                0x36 => self.store(2, I32)?,
                0x37 => self.store(3, I64)?,
                0x38 => self.store(2, F32)?,
                0x39 => self.store(3, F64)?,
                0x3A => self.store(0, I32)?,
                0x3B => self.store(1, I32)?,
                0x3C => self.store(0, I64)?,
                0x3D => self.store(1, I64)?,
                0x3E => self.store(2, I64)?,
                op @ (0x3F | 0x40) => {
                    // Memory 0, as the single zero byte.
                    if self.r.byte()? != 0 || !v.memory32 {
                        return None;
                    }
                    if op == 0x40 {
                        self.pop(I32)?;
                    }
                    self.push(I32);
                }
                0x41 => {
                    self.r.skip_signed(32)?;
                    self.push(I32);
                }
                0x42 => {
                    self.r.skip_signed(64)?;
                    self.push(I64);
                }
                0x43 => {
                    self.r.skip(4)?;
                    self.push(F32);
                }
                0x44 => {
                    self.r.skip(8)?;
                    self.push(F64);
                }
                0x45 => self.unary(I32, I32)?,
                0x46..=0x4F => self.binary(I32, I32)?,
                0x50 => self.unary(I64, I32)?,
                0x51..=0x5A => self.binary(I64, I32)?,
                0x5B..=0x60 => self.binary(F32, I32)?,
                0x61..=0x66 => self.binary(F64, I32)?,
                0x67..=0x69 => self.unary(I32, I32)?,
                0x6A..=0x78 => self.binary(I32, I32)?,
                0x79..=0x7B => self.unary(I64, I64)?,
                0x7C..=0x8A => self.binary(I64, I64)?,
                0x8B..=0x91 => self.unary(F32, F32)?,
                0x92..=0x98 => self.binary(F32, F32)?,
                0x99..=0x9F => self.unary(F64, F64)?,
                0xA0..=0xA6 => self.binary(F64, F64)?,
                0xA7 => self.unary(I64, I32)?,
                0xA8 | 0xA9 => self.unary(F32, I32)?,
                0xAA | 0xAB => self.unary(F64, I32)?,
                0xAC | 0xAD => self.unary(I32, I64)?,
                0xAE | 0xAF => self.unary(F32, I64)?,
                0xB0 | 0xB1 => self.unary(F64, I64)?,
                0xB2 | 0xB3 => self.unary(I32, F32)?,
                0xB4 | 0xB5 => self.unary(I64, F32)?,
                0xB6 => self.unary(F64, F32)?,
                0xB7 | 0xB8 => self.unary(I32, F64)?,
                0xB9 | 0xBA => self.unary(I64, F64)?,
                0xBB => self.unary(F32, F64)?,
                0xBC => self.unary(F32, I32)?,
                0xBD => self.unary(F64, I64)?,
                0xBE => self.unary(I32, F32)?,
                0xBF => self.unary(I64, F64)?,
                0xC0 | 0xC1 => self.unary(I32, I32)?,
                0xC2..=0xC4 => self.unary(I64, I64)?,
                0xFC => match self.r.u32()? {
                    0 | 1 => self.unary(F32, I32)?,
                    2 | 3 => self.unary(F64, I32)?,
                    4 | 5 => self.unary(F32, I64)?,
                    6 | 7 => self.unary(F64, I64)?,
                    // memory.copy (two memory indices) and memory.fill
                    // (one), on memory 0 as single zero bytes.
                    op @ (10 | 11) => {
                        if !v.bulk_memory || !v.memory32 || self.r.byte()? != 0 {
                            return None;
                        }
                        if op == 10 && self.r.byte()? != 0 {
                            return None;
                        }
                        for _ in 0..3 {
                            self.pop(I32)?;
                        }
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Config, Engine, Module};

    /// Module scaffolding around the bodies of the tests: two memories'
    /// worth of types, globals of every number type, a function table.
    const PRELUDE: &str = r#"
      (type $pair (func (param i32 i64) (result f32 f64)))
      (type $i2i (func (param i32) (result i32)))
      (type $two (func (result i32 i32)))
      (import "m" "f" (func $imported (param f64) (result i64)))
      (import "m" "g" (global $imm_i64 i64))
      (memory 1)
      (table $t 4 funcref)
      (table $t2 1 funcref)
      (global $g_i32 (mut i32) (i32.const 0))
      (global $g_i64 (mut i64) (i64.const 0))
      (global $g_f32 (mut f32) (f32.const 0))
      (global $g_f64 (mut f64) (f64.const 0))
      (global $c_i32 i32 (i32.const 7))
      (func $callee (type $pair) (f32.const 1) (f64.const 2))
      (data "passive")
    "#;

    /// Functions using every operator the fast validator knows.
    fn corpus() -> String {
        let mut funcs = String::from(
            r#"
            (func (param i32 i64 f32 f64) (result i32)
              (local i32 i64) (local f32) (local f64 f64)
              (local.set 4 (local.get 0))
              (local.set 5 (local.tee 1 (local.get 1)))
              (local.set 6 (local.get 2))
              (local.set 7 (local.get 3))
              (global.set $g_i32 (global.get $c_i32))
              (global.set $g_i64 (global.get $imm_i64))
              (global.set $g_f32 (global.get $g_f32))
              (global.set $g_f64 (global.get $g_f64))
              (drop (call $callee (i32.const -1) (i64.const 0x7fffffffffffffff)))
              (drop)
              (drop (call $imported (f64.const -0.5)))
              (drop (call_indirect $t (type $i2i) (i32.const 3) (i32.const 0)))
              (drop (call_indirect $t2 (type $i2i) (i32.const 3) (i32.const 0)))
              (drop (select (i32.const 1) (i32.const 2) (local.get 0)))
              (drop (select (result f64) (f64.const 1) (f64.const 2) (local.get 0)))
              (drop (memory.size))
              (drop (memory.grow (i32.const 1)))
              (memory.copy (i32.const 0) (i32.const 1) (local.get 0))
              (memory.fill (i32.const 0) (i32.const 1) (local.get 0))
              (nop)
              (block $b (result i32)
                (loop $l (result i32)
                  (br_if $l (i32.eqz (local.get 0)))
                  (br_table $b $b $b (i32.const 5) (local.get 0))))
              (if (result i32) (local.get 0)
                (then (i32.const 1))
                (else (return (i32.const 2))))
              (i32.add)
              (block (param i32) (result i32) (i32.const 1) (i32.add))
              (loop (type $i2i) (br_if 0 (i32.const 0)))
              (if (type $i2i) (local.get 0) (then (i32.const 3) (i32.sub)))
              (if (local.get 0) (then (unreachable) (i32.add) (br 0)))
              (block (br 0) (drop) (drop) (unreachable))
              (block (result i32 i32) (i32.const 1) (i32.const 2))
              (drop)
              (i32.add))
            (func (type $two) (i32.const 1) (i32.const 2) (br 0))
            (func (type $pair) (return_call $callee (local.get 0) (local.get 1)))
            (func (type $i2i)
              (return_call_indirect $t2 (type $i2i) (local.get 0) (local.get 0)))
            (func (param i32) (unreachable) (select) (drop))
            "#,
        );
        let loads = [
            ("i32.load", 2, "i32"),
            ("i64.load", 3, "i64"),
            ("f32.load", 2, "f32"),
            ("f64.load", 3, "f64"),
            ("i32.load8_s", 0, "i32"),
            ("i32.load8_u", 0, "i32"),
            ("i32.load16_s", 1, "i32"),
            ("i32.load16_u", 1, "i32"),
            ("i64.load8_s", 0, "i64"),
            ("i64.load8_u", 0, "i64"),
            ("i64.load16_s", 1, "i64"),
            ("i64.load16_u", 1, "i64"),
            ("i64.load32_s", 2, "i64"),
            ("i64.load32_u", 2, "i64"),
        ];
        for (op, align, ty) in loads {
            let align = 1 << align;
            funcs += &format!(
                "(func (result {ty}) ({op} offset=4294967295 align={align} (i32.const 0)))\n"
            );
        }
        let stores = [
            ("i32.store", 2, "i32"),
            ("i64.store", 3, "i64"),
            ("f32.store", 2, "f32"),
            ("f64.store", 3, "f64"),
            ("i32.store8", 0, "i32"),
            ("i32.store16", 1, "i32"),
            ("i64.store8", 0, "i64"),
            ("i64.store16", 1, "i64"),
            ("i64.store32", 2, "i64"),
        ];
        for (op, align, ty) in stores {
            let align = 1 << align;
            funcs += &format!(
                "(func (param {ty}) ({op} offset=3 align={align} (i32.const 0) (local.get 0)))\n"
            );
        }
        // (operand type, result type, operators)
        let unary: [(&str, &str, &str); 14] = [
            ("i32", "i32", "i32.eqz i32.clz i32.ctz i32.popcnt i32.extend8_s i32.extend16_s"),
            ("i64", "i32", "i64.eqz i32.wrap_i64"),
            ("i64", "i64", "i64.clz i64.ctz i64.popcnt i64.extend8_s i64.extend16_s i64.extend32_s"),
            ("f32", "f32", "f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt"),
            ("f64", "f64", "f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt"),
            ("f32", "i32", "i32.trunc_f32_s i32.trunc_f32_u i32.reinterpret_f32 i32.trunc_sat_f32_s i32.trunc_sat_f32_u"),
            ("f64", "i32", "i32.trunc_f64_s i32.trunc_f64_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u"),
            ("i32", "i64", "i64.extend_i32_s i64.extend_i32_u"),
            ("f32", "i64", "i64.trunc_f32_s i64.trunc_f32_u i64.trunc_sat_f32_s i64.trunc_sat_f32_u"),
            ("f64", "i64", "i64.trunc_f64_s i64.trunc_f64_u i64.reinterpret_f64 i64.trunc_sat_f64_s i64.trunc_sat_f64_u"),
            ("i32", "f32", "f32.convert_i32_s f32.convert_i32_u f32.reinterpret_i32"),
            ("i64", "f32", "f32.convert_i64_s f32.convert_i64_u"),
            ("f64", "f32", "f32.demote_f64"),
            ("i32", "f64", "f64.convert_i32_s f64.convert_i32_u"),
        ];
        let more_unary = [
            (
                "i64",
                "f64",
                "f64.convert_i64_s f64.convert_i64_u f64.reinterpret_i64",
            ),
            ("f32", "f64", "f64.promote_f32"),
        ];
        for (a, r, ops) in unary.iter().chain(&more_unary) {
            for op in ops.split_whitespace() {
                funcs += &format!("(func (param {a}) (result {r}) ({op} (local.get 0)))\n");
            }
        }
        let binary = [
            ("i32", "i32", "i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u"),
            ("i64", "i32", "i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u"),
            ("f32", "i32", "f32.eq f32.ne f32.lt f32.gt f32.le f32.ge"),
            ("f64", "i32", "f64.eq f64.ne f64.lt f64.gt f64.le f64.ge"),
            ("i32", "i32", "i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr"),
            ("i64", "i64", "i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr"),
            ("f32", "f32", "f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign"),
            ("f64", "f64", "f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign"),
        ];
        for (a, r, ops) in binary {
            for op in ops.split_whitespace() {
                funcs += &format!(
                    "(func (param {a} {a}) (result {r}) ({op} (local.get 0) (local.get 1)))\n"
                );
            }
        }
        funcs
    }

    /// A valid module's bytes with `funcs` after the prelude.
    fn module(funcs: &str) -> Vec<u8> {
        wat::parse_str(format!("(module {PRELUDE} {funcs})")).expect("test module parses")
    }

    /// The fast validator of valid module `wasm` and each defined
    /// function's type index and body range.
    fn setup(wasm: &[u8]) -> (FastValidator, Vec<(u32, std::ops::Range<usize>)>) {
        let engine = Engine::new(&Config::new());
        let m = Module::new(&engine, wasm).expect("test module is valid");
        let info = &m.0.info;
        let features = engine.config().features.to_wasmparser();
        let fast = FastValidator::new(info, features).expect("default features suffice");
        let bodies = info
            .func_bodies
            .iter()
            .enumerate()
            .map(|(i, range)| {
                let ty = info.func_types[info.num_imported_funcs as usize + i];
                (ty, range.clone())
            })
            .collect();
        (fast, bodies)
    }

    fn wasmparser_accepts(wasm: &[u8]) -> bool {
        let features = Config::new().features.to_wasmparser();
        wasmparser::Validator::new_with_features(features)
            .validate_all(wasm)
            .is_ok()
    }

    #[test]
    fn finds_every_body_of_its_subset_valid() {
        let wasm = module(&corpus());
        let (fast, bodies) = setup(&wasm);
        assert!(bodies.len() > 150, "the corpus has a function per operator");
        let mut scratch = Scratch::default();
        for (i, (ty, range)) in bodies.iter().enumerate() {
            assert!(
                fast.validate(&mut scratch, *ty, &wasm[range.clone()]),
                "body {i} of the corpus was not found valid"
            );
        }
    }

    #[test]
    fn leaves_other_operators_and_types_to_wasmparser() {
        // Valid functions, each beside a twin the fast validator knows
        // (so that a refusal is not an accident of the module).
        for func in [
            "(func (result v128) (v128.const i64x2 0 0))",
            "(func (param funcref))",
            "(func (local externref))",
            "(func (drop (ref.null func)))",
            "(func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))",
            "(func (result i32) (ref.is_null (table.get $t (i32.const 0))))",
            "(func (drop (table.size $t)))",
            "(func (block (result funcref) (ref.null func)) (drop))",
        ] {
            let twin = "(func (call $callee (i32.const 0) (i64.const 0)) (drop) (drop))";
            let wasm = wat::parse_str(format!("(module {PRELUDE} {twin} {func})"))
                .unwrap_or_else(|e| panic!("{func}: {e}"));
            assert!(wasmparser_accepts(&wasm), "{func} is valid");
            let (fast, bodies) = setup(&wasm);
            let mut scratch = Scratch::default();
            let [.., (twin_ty, twin_range), (ty, range)] = &bodies[..] else {
                unreachable!("two functions or more")
            };
            assert!(fast.validate(&mut scratch, *twin_ty, &wasm[twin_range.clone()]));
            assert!(
                !fast.validate(&mut scratch, *ty, &wasm[range.clone()]),
                "{func}"
            );
        }
    }

    #[test]
    fn leaves_bulk_memory_to_wasmparser_when_it_is_off() {
        let wasm = module("(func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))");
        let engine = Engine::new(&Config::new());
        let m = Module::new(&engine, &wasm).expect("valid");
        let info = &m.0.info;
        let features = engine.config().features.to_wasmparser();
        let body = last_body(&wasm);
        let ty = *info.func_types.last().unwrap();
        let mut scratch = Scratch::default();
        let on = FastValidator::new(info, features).unwrap();
        assert!(on.validate(&mut scratch, ty, body));
        let off = features.difference(wasmparser::WasmFeatures::BULK_MEMORY);
        let off = FastValidator::new(info, off).unwrap();
        assert!(!off.validate(&mut scratch, ty, body));
    }

    #[test]
    fn refuses_invalid_bodies() {
        // (signature and locals, body)
        for (sig, body) in [
            // Operand types.
            ("(result i32)", "(i64.const 0)"),
            ("", "(drop (i32.add (i32.const 0) (f32.const 0)))"),
            (
                "(result i32)",
                "(select (i32.const 0) (i64.const 0) (i32.const 1))",
            ),
            ("(local i32)", "(local.set 0 (i64.const 0))"),
            ("(param f32)", "(drop (i32.eqz (local.get 0)))"),
            // Stack heights.
            ("", "(i32.const 0)"),
            ("(result i32)", ""),
            ("", "(drop)"),
            (
                "",
                "(block (result i32) (i32.const 0) (i32.const 0)) (drop)",
            ),
            ("", "(block (param i32) (drop))"),
            ("(param i32)", "(block (local.get 0))"),
            // Labels, locals, globals, functions, types, tables.
            ("", "(br 1)"),
            ("(param i32)", "(drop (local.get 3))"),
            ("", "(global.set $c_i32 (i32.const 0))"),
            ("", "(global.set $imm_i64 (i64.const 0))"),
            ("", "(drop (global.get 9))"),
            ("", "(call 99)"),
            ("", "(return_call $callee (i32.const 0) (i64.const 0))"),
            (
                "(result i64)",
                "(return_call_indirect (type $i2i) (i32.const 0) (i32.const 0))",
            ),
            ("", "(drop (call_indirect (type 7) (i32.const 0)))"),
            (
                "",
                "(drop (call_indirect 5 (type $i2i) (i32.const 0) (i32.const 0)))",
            ),
            // Control.
            (
                "",
                "(if (result i32) (i32.const 1) (then (i32.const 1))) (drop)",
            ),
            (
                "",
                "(block (result i32) (br_table 0 1 (i32.const 0) (i32.const 0))) (drop)",
            ),
            (
                "(result i32)",
                "(block (result i32) (br_if 0 (i64.const 0) (i32.const 1)))",
            ),
            // Memory immediates.
            ("", "(drop (i32.load align=8 (i32.const 0)))"),
            ("", "(i64.store16 align=4 (i32.const 0) (i64.const 0))"),
            ("", "(drop (memory.grow (i64.const 1)))"),
            (
                "",
                "(memory.fill (i32.const 0) (i64.const 0) (i32.const 0))",
            ),
            ("", "(memory.copy (i32.const 0) (i32.const 0))"),
        ] {
            let invalid = wat::parse_str(format!("(module {PRELUDE} (func {sig} {body}))"))
                .unwrap_or_else(|e| panic!("{body}: {e}"));
            assert!(!wasmparser_accepts(&invalid), "{body} is invalid");
            // The module with a valid body of the same type.
            let valid = module(&format!("(func {sig} (unreachable))"));
            let (fast, bodies) = setup(&valid);
            let (ty, range) = bodies.last().unwrap().clone();
            let mut scratch = Scratch::default();
            assert!(fast.validate(&mut scratch, ty, &valid[range]));
            assert!(
                !fast.validate(&mut scratch, ty, last_body(&invalid)),
                "{body} was found valid"
            );
        }
    }

    /// The last function body of `wasm`, without its size.
    fn last_body(wasm: &[u8]) -> &[u8] {
        wasmparser::Parser::new(0)
            .parse_all(wasm)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::CodeSectionEntry(b)) => Some(b.range()),
                _ => None,
            })
            .last()
            .map(|r| &wasm[r.start as usize..r.end as usize])
            .expect("a body")
    }

    /// Every body of the corpus with each of its bytes replaced by bytes
    /// of interest (opcodes, immediates, LEB128 continuations): whenever
    /// the fast validator finds the result valid, wasmparser must too.
    #[test]
    fn never_accepts_a_mutation_wasmparser_refuses() {
        let wasm = module(&corpus());
        let (fast, bodies) = setup(&wasm);
        let mut scratch = Scratch::default();
        let replacements = [
            0x00, 0x01, 0x02, 0x04, 0x05, 0x0B, 0x0C, 0x0E, 0x1A, 0x1B, 0x20, 0x3F, 0x40, 0x41,
            0x7C, 0x7F, 0x80, 0xFF,
        ];
        let (mut accepted, mut refused) = (0, 0);
        let mut mutated = wasm.clone();
        for (ty, range) in &bodies {
            for pos in range.clone() {
                let original = wasm[pos];
                for new in replacements.iter().copied().chain([
                    original ^ 1,
                    original.wrapping_add(1),
                    original ^ 0x40,
                ]) {
                    if new == original {
                        continue;
                    }
                    mutated[pos] = new;
                    if fast.validate(&mut scratch, *ty, &mutated[range.clone()]) {
                        accepted += 1;
                        assert!(
                            wasmparser_accepts(&mutated),
                            "byte {pos:#x} {original:#04x} -> {new:#04x} was found valid"
                        );
                    } else {
                        refused += 1;
                    }
                }
                mutated[pos] = original;
            }
        }
        // Both answers were exercised many times.
        assert!(accepted > 1000 && refused > 1000, "{accepted} {refused}");
    }

    /// A small deterministic random number generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
    }

    fn leb(mut n: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn section(id: u8, payload: &[u8], out: &mut Vec<u8>) {
        out.push(id);
        leb(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    /// A module whose function 1, of type `(param i32 i64 f32 f64)
    /// (result i32)` with locals `i32 f64`, has body `code` (its
    /// operators); function 0 is `(param i32 i64) (result f32 f64)`,
    /// type 2, also the type `call_indirect` names. Type 1 is
    /// `[i32] -> [i32]`, type 3 `[] -> [i32 i32]`; global 0 is a mutable
    /// i32, global 1 an immutable i64; one table, one memory.
    fn module_with_body(code: &[u8]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        section(
            1,
            &[
                5, 0x60, 0, 0, 0x60, 1, 0x7F, 1, 0x7F, 0x60, 2, 0x7F, 0x7E, 2, 0x7D, 0x7C, 0x60, 0,
                2, 0x7F, 0x7F, 0x60, 4, 0x7F, 0x7E, 0x7D, 0x7C, 1, 0x7F,
            ],
            &mut m,
        );
        section(3, &[2, 2, 4], &mut m);
        section(4, &[1, 0x70, 0, 1], &mut m);
        section(5, &[1, 0, 1], &mut m);
        section(
            6,
            &[2, 0x7F, 1, 0x41, 0, 0x0B, 0x7E, 0, 0x42, 0, 0x0B],
            &mut m,
        );
        let callee = [0, 0x43, 0, 0, 0, 0, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B];
        let mut body = vec![2, 1, 0x7F, 1, 0x7C];
        body.extend_from_slice(code);
        let mut code_section = vec![2];
        leb(callee.len() as u64, &mut code_section);
        code_section.extend_from_slice(&callee);
        leb(body.len() as u64, &mut code_section);
        code_section.extend_from_slice(&body);
        section(10, &code_section, &mut m);
        m
    }

    /// Emits random operators, mostly well typed: `want` is the type the
    /// code must leave (0: none), `depth` the open blocks around it.
    fn random_code(rng: &mut Rng, want: Ty, depth: u32, fuel: &mut u32, out: &mut Vec<u8>) {
        // Sometimes the wrong type, or an operator out of nowhere.
        let want = if rng.chance(3) {
            rng.below(5) as Ty
        } else {
            want
        };
        if rng.chance(2) {
            out.push(rng.below(256) as u8);
        }
        if *fuel == 0 {
            return constant(rng, want, out);
        }
        *fuel -= 1;
        // Statements before the value.
        while rng.chance(25) && *fuel > 0 {
            *fuel -= 1;
            match rng.below(8) {
                0 => {
                    random_code(rng, I32, depth, fuel, out);
                    out.extend([0x21, 0]);
                }
                1 => {
                    let t = rng.below(5) as Ty;
                    random_code(rng, t, depth, fuel, out);
                    out.push(0x1A);
                }
                2 => {
                    random_code(rng, I32, depth, fuel, out);
                    random_code(rng, F64, depth, fuel, out);
                    out.extend([0x39, rng.below(5) as u8, rng.below(300) as u8 & 0x7F]);
                }
                3 => {
                    random_code(rng, I32, depth, fuel, out);
                    out.extend([0x0D, rng.below(depth as u64 + 2) as u8]);
                }
                4 => {
                    for t in [I32, I32, I32] {
                        random_code(rng, t, depth, fuel, out);
                    }
                    out.extend([0xFC, 11, 0]);
                }
                5 => {
                    random_code(rng, I32, depth, fuel, out);
                    out.extend([0x24, rng.below(3) as u8]);
                }
                6 => out.push(0x01),
                _ => {
                    out.extend([0x02, 0x40]);
                    random_code(rng, 0, depth + 1, fuel, out);
                    out.extend([0x0C, rng.below(depth as u64 + 2) as u8, 0x0B]);
                }
            }
        }
        let ty_byte = |t: Ty| [0x40, 0x7F, 0x7E, 0x7D, 0x7C][t as usize];
        match (want, rng.below(12)) {
            (0, _) => {}
            (_, 0) => constant(rng, want, out),
            (_, 1) => {
                // A local of the wanted type (0-3 the parameters, 4 i32,
                // 5 f64).
                let index = [0, 0, 1, 2, 3][want as usize];
                let index = if rng.chance(10) { rng.below(7) } else { index };
                out.extend([0x20, index as u8]);
            }
            (I32, 2) => {
                random_code(rng, I32, depth, fuel, out);
                random_code(rng, I32, depth, fuel, out);
                out.push(0x6A + rng.below(15) as u8);
            }
            (I32, 3) => {
                random_code(rng, F64, depth, fuel, out);
                random_code(rng, F64, depth, fuel, out);
                out.push(0x61 + rng.below(6) as u8);
            }
            (I32, 4) => {
                random_code(rng, I64, depth, fuel, out);
                out.push(0xA7);
            }
            (_, 5) => {
                out.extend([0x02, ty_byte(want)]);
                random_code(rng, want, depth + 1, fuel, out);
                out.push(0x0B);
            }
            (_, 6) => {
                random_code(rng, I32, depth, fuel, out);
                out.extend([0x04, ty_byte(want)]);
                random_code(rng, want, depth + 1, fuel, out);
                if !rng.chance(5) {
                    out.push(0x05);
                    random_code(rng, want, depth + 1, fuel, out);
                }
                out.push(0x0B);
            }
            (_, 7) => {
                out.extend([0x03, ty_byte(want)]);
                random_code(rng, want, depth + 1, fuel, out);
                out.push(0x0B);
            }
            (_, 8) => {
                random_code(rng, want, depth, fuel, out);
                random_code(rng, want, depth, fuel, out);
                random_code(rng, I32, depth, fuel, out);
                out.push(0x1B);
            }
            (I32, 9) => {
                random_code(rng, I32, depth, fuel, out);
                out.extend([0x28, rng.below(4) as u8, 0]);
            }
            (I32, 10) => {
                // br_table to a block of the wanted type.
                out.extend([0x02, 0x7F]);
                random_code(rng, I32, depth + 1, fuel, out);
                random_code(rng, I32, depth + 1, fuel, out);
                out.extend([0x0E, 2, 0, rng.below(2) as u8, 0, 0x0B]);
            }
            (F32, 11) => {
                random_code(rng, I32, depth, fuel, out);
                random_code(rng, I64, depth, fuel, out);
                out.extend([0x10, 0, 0x1A]);
            }
            (I32, 11) => {
                random_code(rng, I32, depth, fuel, out);
                out.extend([0x00]);
            }
            _ => constant(rng, want, out),
        }
    }

    fn constant(rng: &mut Rng, t: Ty, out: &mut Vec<u8>) {
        match t {
            I32 => out.extend([0x41, rng.below(128) as u8]),
            I64 => out.extend([0x42, 0x80 | rng.below(128) as u8, 0x7F]),
            F32 => out.extend([0x43, 0, 0, 0x80, 0x3F]),
            F64 => out.extend([0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
            _ => {}
        }
    }

    /// Random bodies, mostly valid, some not: whenever the fast validator
    /// finds one valid, wasmparser must too.
    #[test]
    fn never_accepts_a_random_body_wasmparser_refuses() {
        let (fast, bodies) = setup(&module_with_body(&[0x00, 0x0B]));
        let ty = bodies[1].0;
        let mut scratch = Scratch::default();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut accepted, mut refused, mut valid) = (0, 0, 0);
        for _ in 0..20_000 {
            let mut code = Vec::new();
            let mut fuel = rng.below(40) as u32;
            random_code(&mut rng, I32, 0, &mut fuel, &mut code);
            code.push(0x0B);
            let wasm = module_with_body(&code);
            let wasmparser_valid = wasmparser_accepts(&wasm);
            valid += usize::from(wasmparser_valid);
            let body = last_body(&wasm);
            if fast.validate(&mut scratch, ty, body) {
                accepted += 1;
                assert!(wasmparser_valid, "found valid: {code:02x?}");
            } else {
                refused += 1;
            }
        }
        // Both answers were exercised, and most valid bodies accepted.
        assert!(refused > 1000, "{accepted} {refused}");
        assert!(accepted * 10 > valid * 9, "{accepted} of {valid}");
    }
}
