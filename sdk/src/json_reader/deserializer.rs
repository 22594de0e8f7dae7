//! [`Reader`] as a serde `Deserializer`: one method per kind of value, as
//! serde_json's, so each visitor's copy holds the code for its kind only,
//! and one copy of [`Reader::unexpected`] refuses the other kinds.

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, Unexpected, Visitor};

use super::{
    EOF_LIST, EOF_OBJECT, EOF_VALUE, EXPECTED_LIST_COMMA_OR_END, EXPECTED_OBJECT_COMMA_OR_END,
    EXPECTED_VALUE, Error, KEY_MUST_BE_A_STRING, Reader, TRAILING_COMMA, Text,
};

impl<'de> Reader<'de> {
    fn array<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        self.enter()?;
        let value = visitor.visit_seq(Elements {
            reader: &mut *self,
            first: true,
        });
        self.depth_left += 1;
        // Read to the end even after an error, whose place is then after it.
        let end = self.end_seq();
        value.and_then(|v| end.map(|()| v))
    }

    fn object<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        self.enter()?;
        let value = visitor.visit_map(Entries {
            reader: &mut *self,
            first: true,
        });
        self.depth_left += 1;
        let end = self.end_map();
        value.and_then(|v| end.map(|()| v))
    }

    fn text<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            Some(b'"') => match self.after(1).string(true)? {
                Text::Borrowed(text) => visitor.visit_borrowed_str(text),
                Text::Copied(text) => visitor.visit_str(text),
            },
            _ => Err(self.unexpected(&visitor)),
        };
        value.map_err(|e| self.place(e))
    }

    fn numeric<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            Some(b'-') => self.after(1).number(false)?.visit(visitor),
            Some(b'0'..=b'9') => self.number(true)?.visit(visitor),
            _ => Err(self.unexpected(&visitor)),
        };
        value.map_err(|e| self.place(e))
    }

    /// An array or an object, as `[array, object]` allows.
    fn container<V: Visitor<'de>>(
        &mut self,
        visitor: V,
        allowed: [bool; 2],
    ) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            Some(b'[') if allowed[0] => self.array(visitor),
            Some(b'{') if allowed[1] => self.object(visitor),
            _ => Err(self.unexpected(&visitor)),
        };
        value.map_err(|e| self.place(e))
    }
}

/// Hands each named method to one of [`Reader`]'s readers of a kind.
macro_rules! kind {
    ($reader:ident => $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.$reader(visitor)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            None => return Err(self.peek_error(EOF_VALUE)),
            Some(b'n') => {
                self.after(1).ident(b"ull")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.after(1).ident(b"rue")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.after(1).ident(b"alse")?;
                visitor.visit_bool(false)
            }
            Some(b'-' | b'0'..=b'9') => return self.numeric(visitor),
            Some(b'"') => return self.text(visitor),
            Some(b'[') => self.array(visitor),
            Some(b'{') => self.object(visitor),
            Some(_) => return Err(self.peek_error(EXPECTED_VALUE)),
        };
        value.map_err(|e| self.place(e))
    }

    kind!(text => deserialize_char deserialize_str deserialize_string deserialize_identifier);
    kind!(numeric =>
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8
        deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64);
    kind!(deserialize_any => deserialize_bytes deserialize_byte_buf);

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            Some(b't') => {
                self.after(1).ident(b"rue")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.after(1).ident(b"alse")?;
                visitor.visit_bool(false)
            }
            _ => Err(self.unexpected(&visitor)),
        };
        value.map_err(|e| self.place(e))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = match self.whitespace() {
            Some(b'n') => {
                self.after(1).ident(b"ull")?;
                visitor.visit_unit()
            }
            _ => Err(self.unexpected(&visitor)),
        };
        value.map_err(|e| self.place(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.container(visitor, [true, false])
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.container(visitor, [false, true])
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.whitespace() == Some(b'n') {
            self.after(1).ident(b"ull")?;
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_unit(self, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.container(visitor, [true, false])
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.container(visitor, [true, false])
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.container(visitor, [true, true])
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.whitespace() {
            Some(b'"') => visitor.visit_enum(UnitVariant(self)),
            Some(b'{') => {
                self.enter()?;
                let value = visitor.visit_enum(TaggedVariant(&mut *self));
                self.depth_left += 1;
                let value = value?;
                match self.whitespace() {
                    Some(b'}') => {
                        self.at += 1;
                        Ok(value)
                    }
                    Some(_) => Err(self.error(EXPECTED_VALUE)),
                    None => Err(self.error(EOF_OBJECT)),
                }
            }
            Some(_) => Err(self.peek_error(EXPECTED_VALUE)),
            None => Err(self.peek_error(EOF_VALUE)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skip_value()?;
        visitor.visit_unit()
    }
}

/// An array's elements.
struct Elements<'r, 'de> {
    reader: &'r mut Reader<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let r = &mut *self.reader;
        match r.whitespace() {
            None => return Err(r.peek_error(EOF_LIST)),
            Some(b']') => return Ok(None),
            Some(_) if self.first => self.first = false,
            Some(b',') => match r.after(1).whitespace() {
                Some(b']') => return Err(r.peek_error(TRAILING_COMMA)),
                Some(_) => {}
                None => return Err(r.peek_error(EOF_VALUE)),
            },
            Some(_) => return Err(r.peek_error(EXPECTED_LIST_COMMA_OR_END)),
        }
        seed.deserialize(r).map(Some)
    }
}

/// An object's entries.
struct Entries<'r, 'de> {
    reader: &'r mut Reader<'de>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Entries<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let r = &mut *self.reader;
        match r.whitespace() {
            None => return Err(r.peek_error(EOF_OBJECT)),
            Some(b'}') => return Ok(None),
            Some(b'"') if self.first => self.first = false,
            Some(_) if self.first => return Err(r.peek_error(KEY_MUST_BE_A_STRING)),
            Some(b',') => match r.after(1).whitespace() {
                Some(b'"') => {}
                Some(b'}') => return Err(r.peek_error(TRAILING_COMMA)),
                Some(_) => return Err(r.peek_error(KEY_MUST_BE_A_STRING)),
                None => return Err(r.peek_error(EOF_VALUE)),
            },
            Some(_) => return Err(r.peek_error(EXPECTED_OBJECT_COMMA_OR_END)),
        }
        // As serde_json reads a key: its visitor's error is placed by the
        // object's reader, after it, not here.
        match r.after(1).string(true)? {
            Text::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
            Text::Copied(key) => seed.deserialize(StrDeserializer::new(key)),
        }
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        self.reader.colon()?;
        seed.deserialize(&mut *self.reader)
    }
}

/// An enum written as its variant's name.
struct UnitVariant<'r, 'de>(&'r mut Reader<'de>);

impl<'de> de::EnumAccess<'de> for UnitVariant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let variant = seed.deserialize(&mut *self.0)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"newtype variant",
        ))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"tuple variant",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::invalid_type(
            Unexpected::UnitVariant,
            &"struct variant",
        ))
    }
}

/// An enum written as `{"Variant": value}`.
struct TaggedVariant<'r, 'de>(&'r mut Reader<'de>);

impl<'de> de::EnumAccess<'de> for TaggedVariant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let r = &mut *self.0;
        match r.whitespace() {
            Some(b'"') => {}
            Some(b'}') => return Err(r.peek_error(EXPECTED_VALUE)),
            Some(_) => return Err(r.peek_error(KEY_MUST_BE_A_STRING)),
            None => return Err(r.peek_error(EOF_OBJECT)),
        }
        let variant = seed.deserialize(&mut *r)?;
        r.colon()?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for TaggedVariant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(self.0)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self.0, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self.0, "", fields, visitor)
    }
}
