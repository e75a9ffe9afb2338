//! Streaming the records of a JSON document shaped
//! `{ …, "<key>": [record, record, …], … }`.
//!
//! The document is parsed with `serde_json::Deserializer::from_reader` and a
//! visitor (the pattern of serde.rs "stream-array"): each element of the
//! array is captured as a [`RawValue`] (its exact text, syntax-checked),
//! handed to a callback and dropped, so memory holds one record at a time,
//! whatever the size of the file. Parsing the record's text into typed
//! structures is the callback's business: a record with a wrong type then
//! fails alone, and the stream goes on (a typed parse inside the visitor
//! would leave the parser in the middle of the record).
//!
//! Members other than the array are kept as raw text: they are a few small
//! scalars in a feed, and the whole record when the document is a single
//! bare record (NVD 2.0 per-CVE files).

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::Error;

/// The message of the serde error used to stop parsing when the callback
/// fails; the callback's own error is kept aside and returned instead.
const STOPPED: &str = "stopped by the record handler";

/// What a streamed document held besides the array's elements.
#[derive(Debug, Default)]
pub(crate) struct Document {
    /// Whether the array member was present.
    pub(crate) array_seen: bool,
    /// How many elements the array had.
    pub(crate) elements: u64,
    /// The other members, in order, as raw JSON text.
    pub(crate) members: Vec<(String, Box<RawValue>)>,
}

impl Document {
    /// The raw text of a member.
    pub(crate) fn member(&self, key: &str) -> Option<&RawValue> {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// A member that is a JSON string, or a number (NVD 1.1 writes
    /// `CVE_data_numberOfCVEs` as a string), as text.
    pub(crate) fn scalar(&self, key: &str) -> Option<String> {
        let raw = self.member(key)?.get();
        match serde_json::from_str::<serde_json::Value>(raw).ok()? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Rebuilds the members into one JSON object text (for a document that
    /// is itself a single record).
    pub(crate) fn members_as_object(&self) -> String {
        let mut out = String::from("{");
        for (i, (key, value)) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // A `String` always serialises.
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            out.push_str(value.get());
        }
        out.push('}');
        out
    }
}

/// Parses a JSON object from `reader`, handing every element of the array
/// member `array_key` to `on_element` (with its index) as it is read.
///
/// Errors: a callback error is returned as is; malformed JSON, a top level
/// that is not an object, or trailing data are [`Error::Format`] naming
/// `source_name` with the line and column; a read error goes through
/// `on_io`.
pub(crate) fn stream_object<R: Read>(
    reader: R,
    source_name: &str,
    array_key: &str,
    on_element: &mut dyn FnMut(u64, Box<RawValue>) -> Result<(), Error>,
    on_io: &dyn Fn(std::io::Error) -> Error,
) -> Result<Document, Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut doc = Document::default();
    let mut stopped = None;
    let visitor = ObjectVisitor {
        array_key,
        on_element,
        doc: &mut doc,
        stopped: &mut stopped,
    };
    let result = de::Deserializer::deserialize_map(&mut de, visitor).and_then(|()| de.end());
    if let Some(err) = stopped {
        return Err(err);
    }
    match result {
        Ok(()) => Ok(doc),
        Err(e) => Err(json_error(e, source_name, on_io)),
    }
}

/// Maps a serde_json error of a whole document to the crate's error.
pub(crate) fn json_error(
    e: serde_json::Error,
    source_name: &str,
    on_io: &dyn Fn(std::io::Error) -> Error,
) -> Error {
    if e.is_io() {
        on_io(std::io::Error::from(e))
    } else {
        let message = if e.is_eof() {
            format!("unexpected end of the data (truncated?): {e}")
        } else {
            format!("not valid JSON of the expected shape: {e}")
        };
        Error::Format {
            source_name: source_name.to_owned(),
            message,
        }
    }
}

struct ObjectVisitor<'a, 'f> {
    array_key: &'a str,
    on_element: &'a mut (dyn FnMut(u64, Box<RawValue>) -> Result<(), Error> + 'f),
    doc: &'a mut Document,
    stopped: &'a mut Option<Error>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.array_key {
                if self.doc.array_seen {
                    return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                }
                self.doc.array_seen = true;
                map.next_value_seed(ArraySeed {
                    on_element: &mut *self.on_element,
                    count: &mut self.doc.elements,
                    stopped: &mut *self.stopped,
                })?;
            } else {
                let value: Box<RawValue> = map.next_value()?;
                self.doc.members.push((key, value));
            }
        }
        Ok(())
    }
}

struct ArraySeed<'a, 'f> {
    on_element: &'a mut (dyn FnMut(u64, Box<RawValue>) -> Result<(), Error> + 'f),
    count: &'a mut u64,
    stopped: &'a mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let index = *self.count;
            *self.count += 1;
            if let Err(e) = (self.on_element)(index, raw) {
                *self.stopped = Some(e);
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn io(e: std::io::Error) -> Error {
        Error::Io {
            path: "t".into(),
            source: e,
        }
    }

    #[test]
    fn streams_elements_and_keeps_members() {
        let text = br#"{"a": 1, "items": [{"x": 1}, [2], "three"], "b": {"c": [true]}}"#;
        let mut seen = Vec::new();
        let doc = stream_object(
            &text[..],
            "t",
            "items",
            &mut |i, raw| {
                seen.push((i, raw.get().to_owned()));
                Ok(())
            },
            &io,
        )
        .unwrap();
        assert_eq!(
            seen,
            vec![
                (0, r#"{"x": 1}"#.to_owned()),
                (1, "[2]".into()),
                (2, r#""three""#.into())
            ]
        );
        assert!(doc.array_seen);
        assert_eq!(doc.elements, 3);
        assert_eq!(doc.scalar("a").as_deref(), Some("1"));
        assert_eq!(doc.members_as_object(), r#"{"a":1,"b":{"c": [true]}}"#);
    }

    #[test]
    fn callback_error_stops() {
        let text = br#"{"items": [1, 2, 3]}"#;
        let mut n = 0;
        let err = stream_object(
            &text[..],
            "t",
            "items",
            &mut |_, _| {
                n += 1;
                if n == 2 {
                    Err(Error::Sink("enough".into()))
                } else {
                    Ok(())
                }
            },
            &io,
        )
        .unwrap_err();
        assert!(matches!(err, Error::Sink(m) if m == "enough"));
        assert_eq!(n, 2);
    }

    #[test]
    fn malformed_documents() {
        for (text, want) in [
            (&b"[1, 2]"[..], "expected"),
            (b"{\"items\": [1, 2", "truncated"),
            (b"{\"items\": [1]} x", "trailing"),
            (b"{\"items\": 5}", "an array of records"),
            (b"{\"items\": [], \"items\": []}", "duplicate key"),
            (b"", "truncated"),
        ] {
            let err = stream_object(text, "src", "items", &mut |_, _| Ok(()), &io).unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("src: "), "{msg}");
            assert!(msg.contains(want), "{msg} lacks {want}");
        }
    }
}
