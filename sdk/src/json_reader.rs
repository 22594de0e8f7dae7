//! The SDK's JSON reader: a serde `Deserializer` over a byte slice, behind
//! [`crate::json_object::from_slice`], so behind every response the client
//! decodes and every argument the npm package reads.
//!
//! Why not serde_json's reader: its error type describes an unexpected
//! value with serde's `Unexpected`, whose float case formats the number
//! with the standard library's float printing (Grisu and Dragon, 17 KB of
//! the npm package's WebAssembly, 6 KB gzip), for a message that never
//! shows the value anyway (`error::without_values`). This reader reads as
//! serde_json 1.0 reads: the same grammar, recursion limit and number
//! conversion, and the same messages, lines and columns (the tests hold
//! them equal over a corpus), except that an unexpected float is a
//! "floating point number", without its digits. serde_json still writes
//! every JSON the SDK sends.

use std::fmt::{self, Display};

use serde::de::{self, Expected, Unexpected};

/// Why a document did not read, and where, as serde_json says it.
#[derive(Debug)]
pub struct Error {
    message: Box<str>,
    /// 1-based; 0 until the reader places the error.
    line: usize,
    /// Bytes from the start of the line.
    column: usize,
}

impl Error {
    /// The line the reader stopped at (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column the reader stopped at, in bytes from the line's start.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "{} at line {} column {}",
                self.message, self.line, self.column
            )
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    #[cold]
    fn custom<T: Display>(message: T) -> Self {
        Error {
            message: message.to_string().into(),
            line: 0,
            column: 0,
        }
    }

    #[cold]
    fn invalid_type(unexpected: Unexpected, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {expected}",
            Described(unexpected)
        ))
    }

    #[cold]
    fn invalid_value(unexpected: Unexpected, expected: &dyn Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {expected}",
            Described(unexpected)
        ))
    }
}

/// serde's words for a value found, as serde_json words them, but a float
/// without its digits: formatting one is what this reader avoids.
struct Described<'a>(Unexpected<'a>);

impl Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(n) => write!(f, "integer `{n}`"),
            Unexpected::Signed(n) => write!(f, "integer `{n}`"),
            Unexpected::Float(_) => f.write_str("floating point number"),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

const EOF_LIST: &str = "EOF while parsing a list";
const EOF_OBJECT: &str = "EOF while parsing an object";
const EOF_STRING: &str = "EOF while parsing a string";
const EOF_VALUE: &str = "EOF while parsing a value";
const EXPECTED_COLON: &str = "expected `:`";
const EXPECTED_LIST_COMMA_OR_END: &str = "expected `,` or `]`";
const EXPECTED_OBJECT_COMMA_OR_END: &str = "expected `,` or `}`";
const EXPECTED_IDENT: &str = "expected ident";
const EXPECTED_VALUE: &str = "expected value";
const INVALID_ESCAPE: &str = "invalid escape";
const INVALID_NUMBER: &str = "invalid number";
const NUMBER_OUT_OF_RANGE: &str = "number out of range";
const INVALID_UNICODE: &str = "invalid unicode code point";
const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";
const KEY_MUST_BE_A_STRING: &str = "key must be a string";
const LONE_LEADING_SURROGATE: &str = "lone leading surrogate in hex escape";
const TRAILING_COMMA: &str = "trailing comma";
const TRAILING_CHARACTERS: &str = "trailing characters";
const UNEXPECTED_END_OF_HEX_ESCAPE: &str = "unexpected end of hex escape";
const RECURSION_LIMIT_EXCEEDED: &str = "recursion limit exceeded";

/// Reads `raw`, one JSON string with its quotes, into its text.
pub fn string(raw: &[u8]) -> Result<String, Error> {
    let mut reader = Reader::new(raw);
    let text = <String as de::Deserialize>::deserialize(&mut reader)?;
    reader.end()?;
    Ok(text)
}

/// Reads one JSON document from a byte slice.
pub struct Reader<'de> {
    bytes: &'de [u8],
    /// The next byte to read.
    at: usize,
    /// Arrays and objects that may still open (serde_json's limit, 128).
    depth_left: u8,
    /// A string's text once an escape made it differ from its bytes.
    scratch: Vec<u8>,
}

/// A string's text: the document's own bytes, or the unescaped copy.
enum Text<'de, 's> {
    Borrowed(&'de str),
    Copied(&'s str),
}

impl<'de> Reader<'de> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'de [u8]) -> Self {
        Reader {
            bytes,
            at: 0,
            depth_left: 128,
            scratch: Vec::new(),
        }
    }

    /// Checks that only whitespace follows the document.
    pub fn end(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Ok(()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The next byte that is not whitespace, not consumed.
    fn whitespace(&mut self) -> Option<u8> {
        while let Some(b) = self.peek() {
            if !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(b);
            }
            self.at += 1;
        }
        None
    }

    /// An error at `at`, with serde_json's line and column.
    #[cold]
    fn error_at(&self, at: usize, message: &str) -> Error {
        let before = &self.bytes[..at.min(self.bytes.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            message: message.into(),
            line: 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count(),
            column: before.len() - line_start,
        }
    }

    /// An error caused by the byte just read.
    fn error(&self, message: &str) -> Error {
        self.error_at(self.at, message)
    }

    /// An error caused by the byte not yet read.
    fn peek_error(&self, message: &str) -> Error {
        self.error_at(self.at + 1, message)
    }

    /// Places an error a visitor made where the reader stands.
    #[cold]
    fn place(&self, e: Error) -> Error {
        if e.line != 0 {
            return e;
        }
        let placed = self.error_at(self.at, "");
        Error {
            message: e.message,
            ..placed
        }
    }

    /// The rest of `null`, `true` or `false`.
    fn ident(&mut self, rest: &[u8]) -> Result<(), Error> {
        for &expected in rest {
            let Some(b) = self.peek() else {
                return Err(self.error(EOF_VALUE));
            };
            self.at += 1;
            if b != expected {
                return Err(self.error(EXPECTED_IDENT));
            }
        }
        Ok(())
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth_left -= 1;
        if self.depth_left == 0 {
            return Err(self.peek_error(RECURSION_LIMIT_EXCEEDED));
        }
        self.at += 1;
        Ok(())
    }

    fn colon(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b':') => {
                self.at += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_error(EXPECTED_COLON)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    fn end_seq(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b']') => {
                self.at += 1;
                Ok(())
            }
            Some(b',') => {
                self.at += 1;
                match self.whitespace() {
                    Some(b']') => Err(self.peek_error(TRAILING_COMMA)),
                    _ => Err(self.peek_error(TRAILING_CHARACTERS)),
                }
            }
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_LIST)),
        }
    }

    fn end_map(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b'}') => {
                self.at += 1;
                Ok(())
            }
            Some(b',') => Err(self.peek_error(TRAILING_COMMA)),
            Some(_) => Err(self.peek_error(TRAILING_CHARACTERS)),
            None => Err(self.peek_error(EOF_OBJECT)),
        }
    }

    /// A string whose opening quote was read. With `keep`, its text
    /// (checked as UTF-8, surrogates paired); without, only skipped, as
    /// serde_json skips a value nobody reads.
    // long: serde_json's string reader, escapes included, kept in one piece.
    fn string<'s>(&'s mut self, keep: bool) -> Result<Text<'de, 's>, Error> {
        self.scratch.clear();
        let bytes = self.bytes;
        let mut start = self.at;
        let mut escaped = false;
        loop {
            let run = bytes[self.at..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let Some(run) = run else {
                self.at = bytes.len();
                return Err(self.error(EOF_STRING));
            };
            self.at += run;
            match bytes[self.at] {
                b'"' => {
                    let raw = &bytes[start..self.at];
                    self.at += 1;
                    if !keep {
                        return Ok(Text::Borrowed(""));
                    }
                    if !escaped {
                        return self.utf8(raw).map(Text::Borrowed);
                    }
                    self.scratch.extend_from_slice(raw);
                    return match std::str::from_utf8(&self.scratch) {
                        Ok(text) => Ok(Text::Copied(text)),
                        Err(e) => Err(self.invalid_utf8(self.scratch.len(), e)),
                    };
                }
                b'\\' => {
                    if keep {
                        self.scratch.extend_from_slice(&bytes[start..self.at]);
                    }
                    self.at += 1;
                    self.escape(keep)?;
                    escaped = true;
                    start = self.at;
                }
                _ => {
                    // serde_json places this error after the character when
                    // reading a string, and on it when skipping one.
                    if keep {
                        self.at += 1;
                    }
                    return Err(self.error(CONTROL_CHARACTER));
                }
            }
        }
    }

    fn utf8<'a>(&self, text: &'a [u8]) -> Result<&'a str, Error> {
        std::str::from_utf8(text).map_err(|e| self.invalid_utf8(text.len(), e))
    }

    /// Invalid UTF-8 in the string just read, of `len` bytes: serde_json
    /// counts back from the closing quote to the first bad byte.
    #[cold]
    fn invalid_utf8(&self, len: usize, e: std::str::Utf8Error) -> Error {
        let mut error = self.error(INVALID_UNICODE);
        error.column = error.column.saturating_sub(len - e.valid_up_to());
        error
    }

    /// The escape after a backslash.
    fn escape(&mut self, keep: bool) -> Result<(), Error> {
        let Some(b) = self.peek() else {
            return Err(self.error(EOF_STRING));
        };
        self.at += 1;
        let plain = match b {
            b'"' | b'\\' | b'/' => b,
            b'b' => b'\x08',
            b'f' => b'\x0c',
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(keep),
            _ => return Err(self.error(INVALID_ESCAPE)),
        };
        if keep {
            self.scratch.push(plain);
        }
        Ok(())
    }

    /// `\uXXXX`, and its trailing surrogate when it is a leading one.
    fn unicode_escape(&mut self, keep: bool) -> Result<(), Error> {
        let n = self.hex4()?;
        if !keep {
            return Ok(());
        }
        let code = match n {
            0xDC00..=0xDFFF => return Err(self.error(LONE_LEADING_SURROGATE)),
            0xD800..=0xDBFF => {
                for expected in [b'\\', b'u'] {
                    let Some(b) = self.peek() else {
                        return Err(self.error(EOF_STRING));
                    };
                    self.at += 1;
                    if b != expected {
                        return Err(self.error(UNEXPECTED_END_OF_HEX_ESCAPE));
                    }
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error(LONE_LEADING_SURROGATE));
                }
                0x1_0000 + ((u32::from(n) - 0xD800) << 10 | (u32::from(low) - 0xDC00))
            }
            n => u32::from(n),
        };
        // Every value left is a scalar value: surrogates were paired above.
        let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
        self.scratch
            .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let Some(digits) = self.bytes.get(self.at..self.at + 4) else {
            self.at = self.bytes.len();
            return Err(self.error(EOF_STRING));
        };
        self.at += 4;
        let mut n = 0u16;
        for &d in digits {
            let Some(v) = char::from(d).to_digit(16) else {
                return Err(self.error(INVALID_ESCAPE));
            };
            n = n << 4 | v as u16;
        }
        Ok(n)
    }

    /// Skips a value nobody reads, checking it as serde_json does: with a
    /// stack of its own, so no nesting is too deep.
    // long: serde_json's `ignore_value`, one loop over the open containers.
    fn skip_value(&mut self) -> Result<(), Error> {
        let mut open: Vec<u8> = Vec::new();
        let mut enclosing: Option<u8> = None;
        loop {
            let opened = match self.whitespace() {
                None => return Err(self.peek_error(EOF_VALUE)),
                Some(b'n') => self.after(1).ident(b"ull").map(|()| None)?,
                Some(b't') => self.after(1).ident(b"rue").map(|()| None)?,
                Some(b'f') => self.after(1).ident(b"alse").map(|()| None)?,
                Some(b'-') => self.after(1).skip_number().map(|()| None)?,
                Some(b'0'..=b'9') => self.skip_number().map(|()| None)?,
                Some(b'"') => self.after(1).string(false).map(|_| None)?,
                Some(b @ (b'[' | b'{')) => {
                    open.extend(enclosing.take());
                    self.at += 1;
                    Some(b)
                }
                Some(_) => return Err(self.peek_error(EXPECTED_VALUE)),
            };
            let (mut accept_comma, mut frame) = match opened {
                Some(frame) => (false, frame),
                None => match enclosing.take().or_else(|| open.pop()) {
                    Some(frame) => (true, frame),
                    None => return Ok(()),
                },
            };
            loop {
                match self.whitespace() {
                    Some(b',') if accept_comma => {
                        self.at += 1;
                        break;
                    }
                    Some(b']') if frame == b'[' => {}
                    Some(b'}') if frame == b'{' => {}
                    Some(_) if !accept_comma => break,
                    Some(_) if frame == b'[' => {
                        return Err(self.peek_error(EXPECTED_LIST_COMMA_OR_END));
                    }
                    Some(_) => return Err(self.peek_error(EXPECTED_OBJECT_COMMA_OR_END)),
                    None if frame == b'[' => return Err(self.peek_error(EOF_LIST)),
                    None => return Err(self.peek_error(EOF_OBJECT)),
                }
                self.at += 1;
                match open.pop() {
                    Some(outer) => frame = outer,
                    None => return Ok(()),
                }
                accept_comma = true;
            }
            if frame == b'{' {
                match self.whitespace() {
                    Some(b'"') => self.at += 1,
                    Some(_) => return Err(self.peek_error(KEY_MUST_BE_A_STRING)),
                    None => return Err(self.peek_error(EOF_OBJECT)),
                }
                self.string(false)?;
                self.colon()?;
            }
            enclosing = Some(frame);
        }
    }

    /// Steps over `n` bytes already peeked.
    fn after(&mut self, n: usize) -> &mut Self {
        self.at += n;
        self
    }

    /// The error for a value of another kind than `expected`, as serde_json
    /// words and places it: a scalar is read first (and its error wins), an
    /// array or an object is not. Not generic: one copy serves every visitor.
    #[cold]
    fn unexpected(&mut self, expected: &dyn Expected) -> Error {
        let found = match self.whitespace() {
            None => return self.peek_error(EOF_VALUE),
            Some(b'n') => self.after(1).ident(b"ull").map(|()| Unexpected::Unit),
            Some(b't') => self.after(1).ident(b"rue").map(|()| Unexpected::Bool(true)),
            Some(b'f') => self
                .after(1)
                .ident(b"alse")
                .map(|()| Unexpected::Bool(false)),
            Some(b'-') => self.after(1).number(false).map(Number::unexpected),
            Some(b'0'..=b'9') => self.number(true).map(Number::unexpected),
            Some(b'"') => match self.after(1).string(true) {
                Ok(Text::Borrowed(text)) => {
                    return self.place(de::Error::invalid_type(Unexpected::Str(text), expected));
                }
                Ok(Text::Copied(_)) => {
                    let text = String::from_utf8_lossy(&self.scratch).into_owned();
                    return self.place(de::Error::invalid_type(Unexpected::Str(&text), expected));
                }
                Err(e) => Err(e),
            },
            Some(b'[') => Ok(Unexpected::Seq),
            Some(b'{') => Ok(Unexpected::Map),
            Some(_) => return self.peek_error(EXPECTED_VALUE),
        };
        match found {
            Ok(found) => self.place(de::Error::invalid_type(found, expected)),
            Err(e) => e,
        }
    }
}

mod deserializer;
mod number;

use number::Number;

#[cfg(test)]
mod tests;
