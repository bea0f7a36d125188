//! Hands a function body's operators to the translator one at a time,
//! through wasmparser's visitor interface: each operator is built in place
//! and passed by reference. `OperatorsReader::read` returns it through a
//! `Result` instead, which on the large benchmark module made decoding
//! take twice as long (25 ms against 12 ms for its 1.69 M operators).

use wasmparser::{
    for_each_visit_operator, for_each_visit_simd_operator, BlockType, Ieee64, Operator,
    VisitOperator, VisitSimdOperator,
};

/// A visitor that calls `F` with each operator it is shown.
pub(super) struct Feed<F>(pub F);

/// What a [`Feed`] hands its operators to: every operator as an
/// [`Operator`], except that the most frequent ones (local accesses,
/// constants, common `i32` arithmetic, blocks and branches: 85 % of the
/// operators of the large benchmark module, compiled C) may be taken by
/// a method of their own. A translator
/// that takes them skips building an `Operator` and matching on it
/// again, a second indirect jump per operator after the decoder's.
pub(super) trait Sink<'a> {
    type Error;
    fn operator(&mut self, op: &Operator<'a>) -> Result<(), Self::Error>;

    #[inline(always)]
    fn local_get(&mut self, local_index: u32) -> Result<(), Self::Error> {
        self.operator(&Operator::LocalGet { local_index })
    }
    #[inline(always)]
    fn local_set(&mut self, local_index: u32) -> Result<(), Self::Error> {
        self.operator(&Operator::LocalSet { local_index })
    }
    #[inline(always)]
    fn local_tee(&mut self, local_index: u32) -> Result<(), Self::Error> {
        self.operator(&Operator::LocalTee { local_index })
    }
    #[inline(always)]
    fn i32_const(&mut self, value: i32) -> Result<(), Self::Error> {
        self.operator(&Operator::I32Const { value })
    }
    #[inline(always)]
    fn i64_const(&mut self, value: i64) -> Result<(), Self::Error> {
        self.operator(&Operator::I64Const { value })
    }
    #[inline(always)]
    fn f64_const(&mut self, value: Ieee64) -> Result<(), Self::Error> {
        self.operator(&Operator::F64Const { value })
    }
    #[inline(always)]
    fn i32_add(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32Add)
    }
    #[inline(always)]
    fn i32_sub(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32Sub)
    }
    #[inline(always)]
    fn i32_mul(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32Mul)
    }
    #[inline(always)]
    fn i32_and(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32And)
    }
    #[inline(always)]
    fn i32_xor(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32Xor)
    }
    #[inline(always)]
    fn i32_shr_u(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::I32ShrU)
    }
    #[inline(always)]
    fn block(&mut self, blockty: BlockType) -> Result<(), Self::Error> {
        self.operator(&Operator::Block { blockty })
    }
    #[inline(always)]
    fn end(&mut self) -> Result<(), Self::Error> {
        self.operator(&Operator::End)
    }
    #[inline(always)]
    fn br(&mut self, relative_depth: u32) -> Result<(), Self::Error> {
        self.operator(&Operator::Br { relative_depth })
    }
    #[inline(always)]
    fn br_if(&mut self, relative_depth: u32) -> Result<(), Self::Error> {
        self.operator(&Operator::BrIf { relative_depth })
    }
}

impl<'a, E, F: FnMut(&Operator<'a>) -> Result<(), E>> Sink<'a> for F {
    type Error = E;
    #[inline(always)]
    fn operator(&mut self, op: &Operator<'a>) -> Result<(), E> {
        self(op)
    }
}

/// The [`Sink`] method operator `$op` goes to.
macro_rules! route {
    ($sink:ident, LocalGet { $a:ident }) => { $sink.local_get($a) };
    ($sink:ident, LocalSet { $a:ident }) => { $sink.local_set($a) };
    ($sink:ident, LocalTee { $a:ident }) => { $sink.local_tee($a) };
    ($sink:ident, I32Const { $a:ident }) => { $sink.i32_const($a) };
    ($sink:ident, I64Const { $a:ident }) => { $sink.i64_const($a) };
    ($sink:ident, F64Const { $a:ident }) => { $sink.f64_const($a) };
    ($sink:ident, I32Add) => { $sink.i32_add() };
    ($sink:ident, I32Sub) => { $sink.i32_sub() };
    ($sink:ident, I32Mul) => { $sink.i32_mul() };
    ($sink:ident, I32And) => { $sink.i32_and() };
    ($sink:ident, I32Xor) => { $sink.i32_xor() };
    ($sink:ident, I32ShrU) => { $sink.i32_shr_u() };
    ($sink:ident, Block { $a:ident }) => { $sink.block($a) };
    ($sink:ident, End) => { $sink.end() };
    ($sink:ident, Br { $a:ident }) => { $sink.br($a) };
    ($sink:ident, BrIf { $a:ident }) => { $sink.br_if($a) };
    ($sink:ident, $op:ident $({ $($arg:ident),* })?) => {
        $sink.operator(&Operator::$op $({ $($arg),* })?)
    };
}

macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[inline(always)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let sink = &mut self.0;
                route!(sink, $op $({ $($arg),* })?)
            }
        )*
    };
}

impl<'a, F: Sink<'a>> VisitOperator<'a> for Feed<F>
where
    F::Error: 'a,
{
    type Output = Result<(), F::Error>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    for_each_visit_operator!(define_visit);
}

impl<'a, F: Sink<'a>> VisitSimdOperator<'a> for Feed<F>
where
    F::Error: 'a,
{
    for_each_visit_simd_operator!(define_visit);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operator of a body arrives, in order, as `read` returns it.
    #[test]
    fn feeds_the_operators_read_returns() {
        let wasm = wat::parse_str(
            r#"(module (func (param i32) (result i32)
                 (block (result i32)
                   (br_table 0 0 (i32.const 7) (local.get 0)))
                 (i8x16.splat (i32.const 1)) (drop)))"#,
        )
        .unwrap();
        let body = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .find_map(|p| match p.unwrap() {
                wasmparser::Payload::CodeSectionEntry(b) => Some(b),
                _ => None,
            })
            .unwrap();
        let mut expected = Vec::new();
        let mut reader = body.get_operators_reader().unwrap();
        while !reader.eof() {
            expected.push(format!("{:?}", reader.read().unwrap()));
        }
        let mut fed = Vec::new();
        let mut reader = body.get_operators_reader().unwrap();
        while !reader.eof() {
            let mut feed = Feed(|op: &Operator<'_>| -> Result<(), ()> {
                fed.push(format!("{op:?}"));
                Ok(())
            });
            reader.visit_operator(&mut feed).unwrap().unwrap();
        }
        assert_eq!(fed, expected);
        assert!(fed.iter().any(|o| o.starts_with("BrTable")));
        assert!(fed.iter().any(|o| o.starts_with("I8x16Splat")));
    }

    /// A sink that takes some operators by their own methods: those
    /// arrive there, with their immediates, and only the rest as
    /// `Operator`s.
    #[test]
    fn routes_the_frequent_operators_to_their_methods() {
        struct Split(Vec<String>);
        impl<'a> Sink<'a> for Split {
            type Error = ();
            fn operator(&mut self, op: &Operator<'a>) -> Result<(), ()> {
                self.0.push(format!("{op:?}"));
                Ok(())
            }
            fn local_get(&mut self, local_index: u32) -> Result<(), ()> {
                self.0.push(format!("get {local_index}"));
                Ok(())
            }
            fn i64_const(&mut self, value: i64) -> Result<(), ()> {
                self.0.push(format!("i64 {value}"));
                Ok(())
            }
            fn br_if(&mut self, relative_depth: u32) -> Result<(), ()> {
                self.0.push(format!("br_if {relative_depth}"));
                Ok(())
            }
            fn end(&mut self) -> Result<(), ()> {
                self.0.push("end".into());
                Ok(())
            }
        }
        let wasm = wat::parse_str(
            r#"(module (func (param i32) (result i64)
                 (block (br_if 0 (local.get 0)))
                 (i64.const -5)))"#,
        )
        .unwrap();
        let body = wasmparser::Parser::new(0)
            .parse_all(&wasm)
            .find_map(|p| match p.unwrap() {
                wasmparser::Payload::CodeSectionEntry(b) => Some(b),
                _ => None,
            })
            .unwrap();
        let mut feed = Feed(Split(Vec::new()));
        let mut reader = body.get_operators_reader().unwrap();
        while !reader.eof() {
            reader.visit_operator(&mut feed).unwrap().unwrap();
        }
        assert_eq!(
            feed.0 .0,
            [
                "Block { blockty: Empty }",
                "get 0",
                "br_if 0",
                "end",
                "i64 -5",
                "end"
            ]
        );
    }
}
