//! `json.dumps` as Python writes it by default (`", "` and `": "` separators, non-ASCII as
//! `\uXXXX`), so metadata values are byte for byte those kanboard-cli writes.

use serde_json::Value;
use std::fmt::Write;

pub(crate) fn dumps(v: &Value) -> String {
    let mut s = String::new();
    write_value(&mut s, v);
    s
}

fn write_value(s: &mut String, v: &Value) {
    match v {
        Value::Null => s.push_str("null"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&n.to_string()),
        Value::String(t) => write_str(s, t),
        Value::Array(a) => {
            s.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_value(s, x);
            }
            s.push(']');
        }
        Value::Object(o) => {
            s.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_str(s, k);
                s.push_str(": ");
                write_value(s, x);
            }
            s.push('}');
        }
    }
}

fn write_str(s: &mut String, t: &str) {
    s.push('"');
    for c in t.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\u{8}' => s.push_str("\\b"),
            '\u{c}' => s.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(s, "\\u{unit:04x}");
                }
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

#[cfg(test)]
mod tests {
    use super::dumps;
    use serde_json::json;

    #[test]
    fn matches_python_json_dumps() {
        // Outputs of Python 3.11's json.dumps for the same values.
        assert_eq!(
            dumps(&json!({"name": "Q3 launch", "description": "café \"beta\""})),
            r#"{"name": "Q3 launch", "description": "caf\u00e9 \"beta\""}"#
        );
        assert_eq!(
            dumps(&json!(["Beta", "GA 🚀"])),
            r#"["Beta", "GA \ud83d\ude80"]"#
        );
        assert_eq!(dumps(&json!([])), "[]");
    }
}
