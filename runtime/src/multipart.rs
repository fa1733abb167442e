//! `multipart/form-data` bodies, encoded to bytes up front so a request can be retried.

use crate::error::Error;
use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

/// Raw bytes of a file-like field (`format: binary`). In JSON it is written as
/// base64 text; in a multipart body it is sent as a file part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Binary(pub Bytes);

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Binary(Bytes::from_static(bytes))
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Binary(bytes)
    }
}

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&crate::base64::encode(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        crate::base64::decode(&text)
            .map(|bytes| Binary(Bytes::from(bytes)))
            .ok_or_else(|| serde::de::Error::custom("binary value is not valid base64"))
    }
}

enum Part {
    Text { name: String, value: String },
    File { name: String, data: Bytes },
}

/// A `multipart/form-data` body under construction.
pub struct Form {
    boundary: String,
    parts: Vec<Part>,
}

impl Default for Form {
    fn default() -> Self {
        Self::new()
    }
}

impl Form {
    /// An empty form with a random boundary.
    pub fn new() -> Self {
        let boundary = format!("apigen-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        Self {
            boundary,
            parts: Vec::new(),
        }
    }

    /// Adds a text field: strings as they are, other scalars as their JSON text,
    /// arrays one part per item, objects as JSON text; `null`/`None` adds nothing.
    pub fn field<T: Serialize + ?Sized, E>(&mut self, name: &str, value: &T) -> Result<(), Error<E>> {
        let value = serde_json::to_value(value)
            .map_err(|err| Error::invalid_argument_owned(name.to_owned(), format!("cannot be encoded: {err}")))?;
        self.push_value(name, value);
        Ok(())
    }

    fn push_value(&mut self, name: &str, value: Value) {
        match value {
            Value::Null => {}
            Value::String(text) => self.parts.push(Part::Text {
                name: name.to_owned(),
                value: text,
            }),
            Value::Array(items) => {
                for item in items {
                    self.push_value(name, item);
                }
            }
            other => self.parts.push(Part::Text {
                name: name.to_owned(),
                value: other.to_string(),
            }),
        }
    }

    /// Adds every member of a serializable object as a field.
    pub fn fields<T: Serialize + ?Sized, E>(&mut self, body: &T) -> Result<(), Error<E>> {
        let value = serde_json::to_value(body)
            .map_err(|err| Error::invalid_argument("body", format!("cannot be encoded: {err}")))?;
        match value {
            Value::Object(members) => {
                for (name, member) in members {
                    self.push_value(&name, member);
                }
                Ok(())
            }
            _ => Err(Error::invalid_argument("body", "a multipart body must be an object")),
        }
    }

    /// Adds a file part.
    pub fn file(&mut self, name: &str, data: &Binary) {
        self.parts.push(Part::File {
            name: name.to_owned(),
            data: data.0.clone(),
        });
    }

    /// The `Content-Type` (with boundary) and the encoded body.
    pub fn finish(self) -> (String, Bytes) {
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
            match part {
                Part::Text { name, value } => {
                    out.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", quote(name)).as_bytes(),
                    );
                    out.extend_from_slice(value.as_bytes());
                }
                Part::File { name, data } => {
                    out.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{0}\"; filename=\"{0}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                            quote(name)
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(data);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            Bytes::from(out),
        )
    }
}

/// Escapes a field name for a quoted header parameter.
fn quote(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_text_and_file_parts() {
        let mut form = Form::new();
        form.field::<_, ()>("purpose", &json!("dispute_evidence")).unwrap();
        form.field::<_, ()>("expand", &json!(["a", "b"])).unwrap();
        form.field::<_, ()>("skip", &Value::Null).unwrap();
        form.file("file", &Binary::from(vec![0u8, 255]));
        let (content_type, body) = form.finish();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap()
            .to_owned();
        let text = String::from_utf8_lossy(&body);
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 4);
        assert!(text.contains("name=\"purpose\"\r\n\r\ndispute_evidence\r\n"));
        assert!(text.contains("name=\"expand\"\r\n\r\na\r\n"));
        assert!(!text.contains("skip"));
        assert!(body.windows(2).any(|pair| pair == [0u8, 255]));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn binary_is_base64_in_json() {
        let value = Binary::from(b"hi!".to_vec());
        assert_eq!(serde_json::to_value(&value).unwrap(), json!("aGkh"));
        assert_eq!(serde_json::from_value::<Binary>(json!("aGkh")).unwrap(), value);
        assert!(serde_json::from_value::<Binary>(json!("***")).is_err());
    }
}
