//! Copying to the clipboard with OSC 52: the terminal, not the machine the
//! program runs on, sets its clipboard, so it works over SSH too.

use std::io::Write;

use base64::Engine;
use zeroize::Zeroize;

/// The escape sequence that asks the terminal to put `text` on the clipboard.
pub fn sequence(text: &str) -> String {
    let mut encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{encoded}\x07");
    encoded.zeroize();
    seq
}

/// Writes the sequence to the terminal. `Ok` means it was sent; whether the
/// terminal honours it cannot be known from here.
pub fn copy(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    let mut seq = sequence(text);
    let result = out.write_all(seq.as_bytes()).and_then(|()| out.flush());
    seq.zeroize();
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_as_osc_52() {
        assert_eq!(super::sequence("hi"), "\x1b]52;c;aGk=\x07");
    }
}
