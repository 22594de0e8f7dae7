//! Decoding JSON objects into derived structs.
//!
//! serde's derived readers take a struct from a JSON object and also from an
//! array of its field values (`["a", [], null]`); serde_json compiles both
//! readers into every struct's decoding code. The API's bodies and the npm
//! package's options are objects, so the types here ask for an object only,
//! and the array reader of each struct read through them is never compiled:
//! about a third of that type's decoding code, 4.5 KB of the npm package's
//! gzip-compressed WebAssembly in all. An array is refused as any other
//! wrong type is ("invalid type: sequence, expected struct ...").
//!
//! [`from_slice`] reads a document with the SDK's reader
//! ([`crate::json_reader`]); [`Object`], [`one`], [`option`] and [`vec`]
//! read the structs inside one (`#[serde(deserialize_with)]`).

use serde::de::{Deserialize, DeserializeOwned, Deserializer, Visitor};

use crate::json_reader;

/// Decodes `bytes`, a JSON object, into `T` (a struct read by serde's derive),
/// with serde_json's checks and errors: `serde_json::from_slice`, except that
/// a JSON array is not read as the struct's fields in order.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, json_reader::Error> {
    let mut reader = json_reader::Reader::new(bytes);
    let value = T::deserialize(ObjectOnly(&mut reader))?;
    reader.end()?;
    Ok(value)
}

/// A `T` read from a JSON object only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(ObjectOnly(d)).map(Object)
    }
}

/// A field holding a struct, read from a JSON object only.
pub fn one<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize(ObjectOnly(d))
}

/// A field holding an optional struct: `null`, or a JSON object.
pub fn option<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Object<T>>::deserialize(d)?.map(|o| o.0))
}

/// A field holding a list of structs, each read from a JSON object only.
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Vec::<Object<T>>::deserialize(d)?
        .into_iter()
        .map(|o| o.0)
        .collect())
}

/// A deserializer that reads a struct from an object only (`deserialize_map`)
/// and hands every other request to the one it wraps, unchanged.
struct ObjectOnly<D>(D);

/// Forwards each named method to the wrapped deserializer.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*))*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(visitor)
    }

    forward! {
        deserialize_any() deserialize_bool() deserialize_i8() deserialize_i16()
        deserialize_i32() deserialize_i64() deserialize_u8() deserialize_u16()
        deserialize_u32() deserialize_u64() deserialize_f32() deserialize_f64()
        deserialize_char() deserialize_str() deserialize_string() deserialize_bytes()
        deserialize_byte_buf() deserialize_option() deserialize_unit() deserialize_seq()
        deserialize_map() deserialize_identifier() deserialize_ignored_any()
        deserialize_unit_struct(name: &'static str)
        deserialize_newtype_struct(name: &'static str)
        deserialize_tuple(len: usize)
        deserialize_tuple_struct(name: &'static str, len: usize)
        deserialize_enum(name: &'static str, variants: &'static [&'static str])
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Pair {
        name: String,
        #[serde(default)]
        size: Option<u32>,
    }

    #[test]
    fn reads_an_object_as_serde_json_does() {
        let json = br#" {"name":"a","size":3} "#;
        let pair: Pair = super::from_slice(json).unwrap();
        assert_eq!(pair, serde_json::from_slice::<Pair>(json).unwrap());
        assert_eq!(
            super::from_slice::<Pair>(br#"{"name":"b"}"#).unwrap(),
            Pair {
                name: "b".into(),
                size: None
            }
        );
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Nested {
        #[serde(deserialize_with = "super::one")]
        one: Pair,
        #[serde(default, deserialize_with = "super::option")]
        option: Option<Pair>,
        #[serde(default, deserialize_with = "super::vec")]
        vec: Vec<Pair>,
    }

    #[test]
    fn structs_inside_are_read_from_objects_only() {
        let pair = || Pair {
            name: "a".into(),
            size: None,
        };
        let json =
            br#"{"one":{"name":"a"},"option":{"name":"a"},"vec":[{"name":"a"},{"name":"a"}]}"#;
        let nested: Nested = super::from_slice(json).unwrap();
        assert_eq!(nested.one, pair());
        assert_eq!(nested.option, Some(pair()));
        assert_eq!(nested.vec, [pair(), pair()]);
        let none: Nested = super::from_slice(br#"{"one":{"name":"a"},"option":null}"#).unwrap();
        assert_eq!((none.option, none.vec), (None, vec![]));
        for (bad, path) in [
            (&br#"{"one":["a"]}"#[..], "one"),
            (br#"{"one":{"name":"a"},"option":["a"]}"#, "option"),
            (br#"{"one":{"name":"a"},"vec":[{"name":"a"},["a"]]}"#, "vec"),
        ] {
            assert!(serde_json::from_slice::<Pair>(br#"["a"]"#).is_ok());
            let e = super::from_slice::<Nested>(bad).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("invalid type: sequence, expected struct Pair"),
                "{path}: {e}"
            );
        }
        let list: Vec<super::Object<Pair>> = serde_json::from_slice(br#"[{"name":"a"}]"#).unwrap();
        assert_eq!(list, [super::Object(pair())]);
        assert!(serde_json::from_slice::<Vec<super::Object<Pair>>>(br#"[["a"]]"#).is_err());
    }

    #[test]
    fn refuses_an_array_and_what_serde_json_refuses() {
        // serde_json alone reads the array as the fields in order.
        assert!(serde_json::from_slice::<Pair>(br#"["a",3]"#).is_ok());
        let e = super::from_slice::<Pair>(br#"["a",3]"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid type: sequence, expected struct Pair at line 1"),
            "{e}"
        );
        for bad in [
            &br#"{"name":"a"} x"#[..],
            br#"{"size":1}"#,
            br#"{"name":1}"#,
            b"null",
            b"",
        ] {
            let ours = super::from_slice::<Pair>(bad).unwrap_err().to_string();
            let theirs = serde_json::from_slice::<Pair>(bad).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(bad));
        }
    }
}
