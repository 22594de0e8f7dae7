//! Numbers, read as serde_json 1.0 reads them (without its `float_roundtrip`
//! feature): the grammar and its errors, integers exactly, and a float as
//! its significand's first 19 or 20 digits times a power of ten.

use serde::de::{Unexpected, Visitor};

use super::{EOF_VALUE, Error, INVALID_NUMBER, NUMBER_OUT_OF_RANGE, Reader};

/// A number as serde_json hands it to a visitor.
pub(super) enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl Number {
    pub(super) fn unexpected(self) -> Unexpected<'static> {
        match self {
            Number::Unsigned(n) => Unexpected::Unsigned(n),
            Number::Signed(n) => Unexpected::Signed(n),
            Number::Float(f) => Unexpected::Float(f),
        }
    }

    pub(super) fn visit<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Number::Unsigned(n) => visitor.visit_u64(n),
            Number::Signed(n) => visitor.visit_i64(n),
            Number::Float(f) => visitor.visit_f64(f),
        }
    }
}

impl Reader<'_> {
    /// A number, after its `-` if it has one, converted as serde_json
    /// converts it (without its `float_roundtrip` feature): the significand's
    /// first 19 or 20 digits times a power of ten.
    // long: serde_json's number grammar and its errors, kept in one piece.
    pub(super) fn number(&mut self, positive: bool) -> Result<Number, Error> {
        let Some(first) = self.peek() else {
            return Err(self.error(EOF_VALUE));
        };
        self.at += 1;
        let mut significand = match first {
            b'0' if matches!(self.peek(), Some(b'0'..=b'9')) => {
                return Err(self.peek_error(INVALID_NUMBER));
            }
            b'0'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error(INVALID_NUMBER)),
        };
        // Digits past what a u64 holds count as powers of ten.
        let mut exponent: i32 = 0;
        let mut overflowed = false;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.at += 1;
            match significand
                .checked_mul(10)
                .and_then(|s| s.checked_add(u64::from(c - b'0')))
            {
                Some(s) if !overflowed => significand = s,
                _ => {
                    overflowed = true;
                    exponent = exponent.saturating_add(1);
                }
            }
        }
        let is_float = matches!(self.peek(), Some(b'.' | b'e' | b'E'));
        if !is_float && !overflowed {
            return Ok(if positive {
                Number::Unsigned(significand)
            } else {
                match (significand as i64).wrapping_neg() {
                    neg if neg < 0 => Number::Signed(neg),
                    _ => Number::Float(-(significand as f64)),
                }
            });
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            let mut digits = 0;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                self.at += 1;
                digits += 1;
                if let Some(s) = significand
                    .checked_mul(10)
                    .and_then(|s| s.checked_add(u64::from(c - b'0')))
                    .filter(|_| !overflowed)
                {
                    significand = s;
                    exponent -= 1;
                } else {
                    overflowed = true;
                }
            }
            if digits == 0 {
                let message = if self.peek().is_some() {
                    INVALID_NUMBER
                } else {
                    EOF_VALUE
                };
                return Err(self.peek_error(message));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            return self.exponent(positive, significand, exponent);
        }
        self.float(positive, significand, exponent)
    }

    /// The exponent after `e` or `E`.
    fn exponent(&mut self, positive: bool, significand: u64, before: i32) -> Result<Number, Error> {
        let positive_exp = match self.peek() {
            Some(b'+') => {
                self.at += 1;
                true
            }
            Some(b'-') => {
                self.at += 1;
                false
            }
            _ => true,
        };
        let Some(first) = self.peek() else {
            return Err(self.error(EOF_VALUE));
        };
        self.at += 1;
        if !first.is_ascii_digit() {
            return Err(self.error(INVALID_NUMBER));
        }
        let mut exp = i32::from(first - b'0');
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.at += 1;
            match exp
                .checked_mul(10)
                .and_then(|e| e.checked_add(i32::from(c - b'0')))
            {
                Some(e) => exp = e,
                None if significand != 0 && positive_exp => {
                    return Err(self.error(NUMBER_OUT_OF_RANGE));
                }
                None => {
                    while let Some(b'0'..=b'9') = self.peek() {
                        self.at += 1;
                    }
                    return Ok(Number::Float(if positive { 0.0 } else { -0.0 }));
                }
            }
        }
        let exponent = if positive_exp {
            before.saturating_add(exp)
        } else {
            before.saturating_sub(exp)
        };
        self.float(positive, significand, exponent)
    }

    /// `significand` × 10^`exponent`, as serde_json computes it.
    fn float(&self, positive: bool, significand: u64, mut exponent: i32) -> Result<Number, Error> {
        let mut f = significand as f64;
        loop {
            let power = exponent.unsigned_abs();
            if power <= 308 {
                // Exact up to 10^22, as serde_json's table is.
                let pow = 10f64.powi(power as i32);
                if exponent >= 0 {
                    f *= pow;
                    if f.is_infinite() {
                        return Err(self.error(NUMBER_OUT_OF_RANGE));
                    }
                } else {
                    f /= pow;
                }
                break;
            }
            if f == 0.0 {
                break;
            }
            if exponent >= 0 {
                return Err(self.error(NUMBER_OUT_OF_RANGE));
            }
            f /= 1e308;
            exponent += 308;
        }
        Ok(Number::Float(if positive { f } else { -f }))
    }

    /// Skips a number nobody reads (after its `-`): its grammar checked, as
    /// serde_json checks it, its value not computed.
    pub(super) fn skip_number(&mut self) -> Result<(), Error> {
        let first = self.peek();
        if first.is_some() {
            self.at += 1;
        }
        match first {
            Some(b'0') if matches!(self.peek(), Some(b'0'..=b'9')) => {
                return Err(self.peek_error(INVALID_NUMBER));
            }
            Some(b'0'..=b'9') => self.skip_digits(),
            _ => return Err(self.error(INVALID_NUMBER)),
        };
        if self.peek() == Some(b'.') && self.after(1).skip_digits() == 0 {
            return Err(self.peek_error(INVALID_NUMBER));
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            let first = self.peek();
            if first.is_some() {
                self.at += 1;
            }
            if !matches!(first, Some(b'0'..=b'9')) {
                return Err(self.error(INVALID_NUMBER));
            }
            self.skip_digits();
        }
        Ok(())
    }

    /// Steps over ASCII digits; how many.
    fn skip_digits(&mut self) -> usize {
        let n = self.bytes[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.at += n;
        n
    }
}
