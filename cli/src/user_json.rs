//! JSON typed on the command line (`--params`, `--param k=JSON`, JSON-typed options). serde_json
//! reads an integer too big for 64 bits as a float, so `100000000000000000000000` would be sent
//! as `1e+23`: a different value, silently. Such integers are refused here instead, naming the
//! value. (serde_json's `arbitrary_precision` would keep them, but it changes number handling
//! for the whole library.)

use serde_json::Value;
use std::fmt;

/// Why typed text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserJsonError {
    /// Not JSON at all; the parser's message.
    Syntax(String),
    /// An integer literal outside the range Kanboard (PHP, 64-bit) takes.
    IntegerOutOfRange(String),
}

impl fmt::Display for UserJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserJsonError::Syntax(m) => write!(f, "not valid JSON: {m}"),
            UserJsonError::IntegerOutOfRange(n) => write!(
                f,
                "the integer {n} is out of range (Kanboard takes {} to {}); quote it to send it as text",
                i64::MIN,
                i64::MAX
            ),
        }
    }
}

impl std::error::Error for UserJsonError {}

/// Parses typed JSON, refusing integers that would not arrive as the integer typed.
pub fn parse(text: &str) -> Result<Value, UserJsonError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| UserJsonError::Syntax(e.to_string()))?;
    match integer_out_of_range(text) {
        Some(n) => Err(UserJsonError::IntegerOutOfRange(n.to_owned())),
        None => Ok(value),
    }
}

/// The first integer literal (no fraction, no exponent) outside `i64`, in text already known
/// to be valid JSON. Outside strings, digits only occur in numbers.
fn integer_out_of_range(json: &str) -> Option<&str> {
    let bytes = json.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let number = &json[start..i];
                if !number.contains(['.', 'e', 'E']) && number.parse::<i64>().is_err() {
                    return Some(number);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_in_range_stay_integers() {
        let v = parse(r#"{"task_id": 9223372036854775807, "n": -9223372036854775808, "f": 1.5e3}"#)
            .unwrap();
        assert_eq!(v["task_id"], json!(i64::MAX));
        assert_eq!(v["n"], json!(i64::MIN));
        assert!(v["f"].is_f64());
    }

    #[test]
    fn big_integers_are_refused_by_value() {
        let e = parse(r#"{"task_id": 100000000000000000000000}"#).unwrap_err();
        assert_eq!(
            e,
            UserJsonError::IntegerOutOfRange("100000000000000000000000".into())
        );
        assert!(e.to_string().contains("100000000000000000000000"));
        assert!(matches!(
            parse("[1, -9223372036854775809]"),
            Err(UserJsonError::IntegerOutOfRange(n)) if n == "-9223372036854775809"
        ));
        assert!(matches!(
            parse("18446744073709551616"),
            Err(UserJsonError::IntegerOutOfRange(_))
        ));
    }

    #[test]
    fn digits_in_strings_are_text() {
        let v = parse(r#"{"a\"b 1": "100000000000000000000000", "c": [true, null]}"#).unwrap();
        assert_eq!(v["c"], json!([true, null]));
    }

    #[test]
    fn syntax_errors_stay_syntax_errors() {
        assert!(matches!(
            parse("{task_id: 1}"),
            Err(UserJsonError::Syntax(_))
        ));
    }
}
