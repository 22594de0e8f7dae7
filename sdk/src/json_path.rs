//! Where in a JSON document a decode error happened, written as a path such
//! as `records[12].expires_at` (`.` for the document itself).
//!
//! serde_json reports the line and column where it stopped; this walks the
//! text up to there. `serde_path_to_error` would track the same while
//! decoding, but it doubles every type's decoding code: 8 KB of the npm
//! package's gzip-compressed WebAssembly, and 1 ms on a list of 1,000 keys.
//! The walk runs only when decoding has failed, and its paths agree with
//! `serde_path_to_error`'s (see the tests).

enum Frame {
    Object {
        key: Option<String>,
        /// After `{` or `,`: the next string is a key, not a value.
        expecting_key: bool,
    },
    Array {
        index: usize,
        /// Whether the element at `index` has begun.
        entered: bool,
    },
}

/// A decode error that says where it happened, as serde_json's do.
pub trait Located: std::fmt::Display {
    /// 1-based.
    fn line(&self) -> usize;
    /// Bytes from the line's start.
    fn column(&self) -> usize;
}

impl Located for serde_json::Error {
    fn line(&self) -> usize {
        serde_json::Error::line(self)
    }
    fn column(&self) -> usize {
        serde_json::Error::column(self)
    }
}

impl Located for crate::json_reader::Error {
    fn line(&self) -> usize {
        crate::json_reader::Error::line(self)
    }
    fn column(&self) -> usize {
        crate::json_reader::Error::column(self)
    }
}

/// The path to where `error` happened in `json`, the document it came from.
pub fn of_error(json: &[u8], error: &impl Located) -> String {
    let offset = offset_of(json, error.line(), error.column());
    // A struct missing a field fails at its closing brace: the path names the
    // struct, not the last field read.
    let missing_field = error.to_string().starts_with("missing field");
    render(&walk(&json[..offset]), missing_field)
}

/// serde_json's line is 1-based; its column counts bytes from the line's start.
fn offset_of(json: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(json.len(), |(i, _)| i + 1)
    };
    (line_start + column).min(json.len())
}

/// The containers open at the end of `json`, outermost first.
// long: one byte-level state machine over JSON; its arms read best side by side.
fn walk(json: &[u8]) -> Vec<Frame> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < json.len() {
        let byte = json[i];
        match byte {
            b'{' | b'[' => {
                enter_value(&mut stack);
                stack.push(if byte == b'{' {
                    Frame::Object {
                        key: None,
                        expecting_key: true,
                    }
                } else {
                    Frame::Array {
                        index: 0,
                        entered: false,
                    }
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index, entered }) => {
                    *index += 1;
                    *entered = false;
                }
                Some(Frame::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let end = string_end(json, i + 1);
                if let Some(Frame::Object {
                    key,
                    expecting_key: true,
                }) = stack.last_mut()
                {
                    let raw = &json[i..end.min(json.len())];
                    *key = Some(
                        crate::json_reader::string(raw)
                            .unwrap_or_else(|_| String::from_utf8_lossy(&raw[1..]).into_owned()),
                    );
                } else {
                    enter_value(&mut stack);
                }
                i = end;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            // The first byte of a number, `true`, `false` or `null`.
            _ => {
                enter_value(&mut stack);
                while i + 1 < json.len() && !b",:]} \t\r\n".contains(&json[i + 1]) {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    stack
}

/// Marks the current array element as begun.
fn enter_value(stack: &mut [Frame]) {
    if let Some(Frame::Array { entered, .. }) = stack.last_mut() {
        *entered = true;
    }
}

/// The index just past the string whose contents start at `from`.
fn string_end(json: &[u8], mut from: usize) -> usize {
    while from < json.len() {
        match json[from] {
            b'\\' => from += 2,
            b'"' => return from + 1,
            _ => from += 1,
        }
    }
    json.len()
}

const MAX_KEY_CHARS: usize = 64;

fn render(stack: &[Frame], missing_field: bool) -> String {
    let mut path = String::new();
    let last = stack.len().saturating_sub(1);
    for (depth, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Array {
                index,
                entered: true,
            } => path.push_str(&format!("[{index}]")),
            // A key counts once its `:` is read: in a broken body, a string
            // in key position may be a value (perhaps a secret) out of place.
            // For the same reason a key too long to be a field name is not shown.
            Frame::Object {
                key: Some(key),
                expecting_key: false,
            } if !(missing_field && depth == last) => {
                if !path.is_empty() {
                    path.push('.');
                }
                if key.chars().count() <= MAX_KEY_CHARS {
                    path.push_str(key);
                } else {
                    path.push('…');
                }
            }
            _ => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::key::ApiKey;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Page {
        records: Vec<ApiKey>,
        total: Option<u32>,
        tags: Option<BTreeMap<String, Vec<u8>>>,
    }

    /// The path serde_path_to_error finds while decoding, and ours afterwards.
    fn both(json: &str) -> (String, String) {
        let mut de = serde_json::Deserializer::from_str(json);
        let tracked = serde_path_to_error::deserialize::<_, Page>(&mut de)
            .err()
            .unwrap_or_else(|| panic!("{json} should not decode"));
        let plain = serde_json::from_str::<Page>(json).err().unwrap();
        (
            tracked.path().to_string(),
            of_error(json.as_bytes(), &plain),
        )
    }

    #[test]
    fn paths_agree_with_serde_path_to_error() {
        let key = r#"{"id":"a","name":"n","permissions":[{"access":"read","resource":"datasets"}],"expires_at":null}"#;
        let cases = [
            "5".to_string(),
            "{}".to_string(),
            r#"{"records":5}"#.to_string(),
            r#"{"records":{}}"#.to_string(),
            r#"{"records":[5]}"#.to_string(),
            format!(r#"{{"records":[{key},{{"id":"b"}}]}}"#),
            format!(r#"{{"records":[{key},{key},{{"id":"c","name":7}}]}}"#),
            format!(
                r#"{{"records":[{key},{{"id":"b","name":"x","permissions":[{{"access":"read","resource":5}}]}}]}}"#
            ),
            r#"{"records":[{"id":"b","name":"x , : ] } \" [","permissions":[],"expires_at":"2027-13-01T00:00:00Z"}]}"#.to_string(),
            r#"{"records":[{"id":"b","name":"x","permissions":[{"access":"read"}]}]}"#.to_string(),
            format!("{{\n  \"records\": [\n    {key},\n    {{\"id\": true}}\n  ]\n}}"),
            format!(r#"{{"records":[{key}],"total":-1}}"#),
            format!(r#"{{"records":[{key}],"total":1.5}}"#),
            r#"{"records":[],"tags":{"a":[1,2],"b\"q":[1,300]}}"#.to_string(),
            r#"{"records":[],"tags":{"a":[1,2],"b":null}}"#.to_string(),
        ];
        for json in &cases {
            let (tracked, ours) = both(json);
            assert_eq!(ours, tracked, "in {json}");
        }
    }

    #[test]
    fn a_string_out_of_place_is_not_shown() {
        let path = |json: &str| {
            let e = serde_json::from_str::<Page>(json).err().unwrap();
            of_error(json.as_bytes(), &e)
        };
        assert_eq!(
            path(r#"{"records":[{"id":"a","sk_live_X" 1}]}"#),
            "records[0]"
        );
        assert_eq!(path(r#"{"records":[{"id":"a","sk_live_X""#), "records[0]");
        let long = "k".repeat(65);
        assert_eq!(path(&format!(r#"{{"{long}":[1,2"#)), "…[1]");
    }

    #[test]
    fn truncated_and_garbage_documents_do_not_panic() {
        let json = r#"{"records":[{"id":"a","name":"n\"#;
        for end in 0..=json.len() {
            let text = &json[..end];
            if let Err(e) = serde_json::from_str::<Page>(text) {
                let _ = of_error(text.as_bytes(), &e);
            }
        }
        let bytes = b"{\"a\xff\":[1,\"\\";
        if let Err(e) = serde_json::from_slice::<Page>(bytes) {
            let _ = of_error(bytes, &e);
        }
    }
}
