//! Finding a word in a text, for the SDK's few searches of short texts (a
//! URL, a serde message), without the standard library's substring search
//! (`str::find` with a `&str` pattern, Two-Way): its forward search and a
//! second copy of its reverse one were 0.4 KB of the npm package's
//! gzip-compressed WebAssembly (serde_json keeps one reverse search).

/// Where `needle` first starts in `haystack`, in bytes.
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    // A match of whole UTF-8 text starts and ends on character boundaries.
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Where `needle` last starts in `haystack`, in bytes.
pub(crate) fn rfind(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len());
    }
    haystack
        .as_bytes()
        .windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
}

/// `haystack` around the first `needle`: what comes before and after it.
pub(crate) fn split_once<'a>(haystack: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(haystack, needle)?;
    Some((&haystack[..at], &haystack[at + needle.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_as_the_standard_library_does() {
        let texts = [
            "",
            "a",
            "://",
            "https://x.io",
            "é://ü",
            "a://b://c",
            "ab",
            "`, x`, x",
        ];
        let needles = ["", "://", "`, x", "a", "é", "xyz", "a://b://c!"];
        for text in texts {
            for needle in needles {
                assert_eq!(find(text, needle), text.find(needle), "{text} {needle}");
                assert_eq!(rfind(text, needle), text.rfind(needle), "{text} {needle}");
                assert_eq!(
                    split_once(text, needle),
                    text.split_once(needle),
                    "{text} {needle}"
                );
            }
        }
    }
}
