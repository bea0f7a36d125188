//! Hands a function body's operators to the translator one at a time,
//! through wasmparser's visitor interface: each operator is built in place
//! and passed by reference. `OperatorsReader::read` returns it through a
//! `Result` instead, which on the large benchmark module made decoding
//! take twice as long (25 ms against 12 ms for its 1.69 M operators).
//! The operators a [`Sink`] takes by a method of their own are not built
//! at all.

use wasmparser::{
    for_each_visit_operator, for_each_visit_simd_operator, Operator, VisitOperator,
    VisitSimdOperator,
};

/// A visitor that hands each operator it is shown to its [`Sink`].
pub(super) struct Feed<S>(pub S);

macro_rules! define_sink {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[inline(always)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<(), Self::Error> {
                self.operator(&Operator::$op $({ $($arg),* })?)
            }
        )*
    };
}

/// What a [`Feed`] hands its operators to: by default every operator as
/// an [`Operator`] to `operator`. A sink may take any operator by the
/// method of its name instead (`visit_local_get`, ...), skipping the
/// building of an `Operator` and the match on it: a second indirect jump
/// per operator after the decoder's. The translator takes the most
/// frequent ones that way.
pub(super) trait Sink<'a> {
    type Error;
    fn operator(&mut self, op: &Operator<'a>) -> Result<(), Self::Error>;

    for_each_visit_operator!(define_sink);
    for_each_visit_simd_operator!(define_sink);
}

impl<'a, E, F: FnMut(&Operator<'a>) -> Result<(), E>> Sink<'a> for F {
    type Error = E;
    #[inline(always)]
    fn operator(&mut self, op: &Operator<'a>) -> Result<(), E> {
        self(op)
    }
}

macro_rules! define_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[inline(always)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                self.0.$visit($($($arg),*)?)
            }
        )*
    };
}

impl<'a, S: Sink<'a>> VisitOperator<'a> for Feed<S>
where
    S::Error: 'a,
{
    type Output = Result<(), S::Error>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    for_each_visit_operator!(define_visit);
}

impl<'a, S: Sink<'a>> VisitSimdOperator<'a> for Feed<S>
where
    S::Error: 'a,
{
    for_each_visit_simd_operator!(define_visit);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first function body of module `wasm`.
    fn first_body(wasm: &[u8]) -> wasmparser::FunctionBody<'_> {
        wasmparser::Parser::new(0)
            .parse_all(wasm)
            .find_map(|p| match p.unwrap() {
                wasmparser::Payload::CodeSectionEntry(b) => Some(b),
                _ => None,
            })
            .unwrap()
    }

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
        let body = first_body(&wasm);
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
    fn a_sinks_own_methods_take_their_operators() {
        struct Split(Vec<String>);
        impl<'a> Sink<'a> for Split {
            type Error = ();
            fn operator(&mut self, op: &Operator<'a>) -> Result<(), ()> {
                self.0.push(format!("{op:?}"));
                Ok(())
            }
            fn visit_local_get(&mut self, local_index: u32) -> Result<(), ()> {
                self.0.push(format!("get {local_index}"));
                Ok(())
            }
            fn visit_i64_const(&mut self, value: i64) -> Result<(), ()> {
                self.0.push(format!("i64 {value}"));
                Ok(())
            }
            fn visit_br_if(&mut self, relative_depth: u32) -> Result<(), ()> {
                self.0.push(format!("br_if {relative_depth}"));
                Ok(())
            }
            fn visit_end(&mut self) -> Result<(), ()> {
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
        let body = first_body(&wasm);
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
