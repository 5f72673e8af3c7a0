//! JSON written the way Python's `json.dumps` writes it by default (`", "` and `": "` as
//! separators, `ensure_ascii=True`), so that our `to_json` output is byte-identical to Keras'.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// A `serde_json` formatter with Python's default separators and ASCII-only output.
struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    /// Python escapes everything outside `' '..='~'`; characters beyond the BMP become a
    /// UTF-16 surrogate pair, as in `json.dumps("😀")` → `"\ud83d\ude00"`.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// `json.dumps(value)` with Python's defaults.
pub fn dumps<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    // Serializing plain data (strings, numbers, maps) into memory cannot fail.
    value.serialize(&mut ser).expect("serializing to memory");
    // The formatter writes only ASCII.
    String::from_utf8(out).expect("ASCII output")
}

#[cfg(test)]
mod tests {
    use super::dumps;
    use serde_json::json;

    #[test]
    fn matches_python_json_dumps() {
        // Reference: python3 -c 'import json; print(json.dumps({"말이": 1, "a\tb": [1, 2], "e": "😀\x7f"}))'
        let v = json!({"말이": 1, "a\tb": [1, 2], "e": "😀\u{7f}"});
        assert_eq!(
            dumps(&v),
            r#"{"\ub9d0\uc774": 1, "a\tb": [1, 2], "e": "\ud83d\ude00\u007f"}"#
        );
    }
}
