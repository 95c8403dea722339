//! Printing results: `table` (aligned, fitted to the terminal), `json` (every field), `csv` and
//! `quiet` (ids only). Everything printed comes from the normalized JSON of a result, so every
//! method prints without per-method code.

use crate::terminal_text;
use comfy_table::{ContentArrangement, Table, presets};
use kanboard::config::OutputFormat;
use kanboard::descriptor::{MethodDescriptor, ReturnKind};
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};

/// What a command produced.
#[derive(Debug)]
pub enum Outcome {
    /// A result to print; the return kind tells a map of ids from a single object.
    Value(Value, Option<ReturnKind>),
    /// Something was created with this id.
    Created(i64, String),
    /// An action succeeded.
    Done(String),
    /// Rows with the command's own table columns, used unless `--columns` is given (csv, json
    /// and quiet still see every field).
    Listing(Value, Vec<&'static str>),
    /// A report: `text` for table output, `data` for json, csv and quiet.
    Report(String, Value),
    /// Text printed as it is in every output format (a DOT or Mermaid graph asked for by name).
    Text(String),
}

/// How to print.
#[derive(Debug, Clone)]
pub struct Style {
    pub format: OutputFormat,
    /// Columns asked for with `--columns`, else the command's own, else chosen to fit.
    pub columns: Option<Vec<String>>,
    /// Terminal width for tables.
    pub width: usize,
    /// Whether to add notes on stderr (columns left out, an empty result): only on a terminal.
    pub notes: bool,
}

impl Style {
    pub fn new(format: OutputFormat, columns: Option<Vec<String>>) -> Self {
        Style {
            format,
            columns,
            width: terminal_width(),
            notes: std::io::stderr().is_terminal(),
        }
    }
}

/// `COLUMNS` when set, else the terminal's width, else 120 (output piped to a file).
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| w.0 as usize)
        .unwrap_or(120)
}

/// Longest cell shown in a list table at `width` columns: 48 characters, or two thirds of a wider
/// terminal, so a long value (an action's class name, a path) shows whole where there is room;
/// the rest is in `-o json`.
fn cell_max(width: usize) -> usize {
    48.max(width * 2 / 3)
}

/// Renders an outcome to text (what goes to stdout), and an optional note for stderr. Text for
/// the terminal has its control characters made visible; `json` and `csv` data stay exact.
pub fn render(style: &Style, outcome: &Outcome) -> (String, Option<String>) {
    let (out, mut note) = render_raw(style, outcome);
    // A table with nothing in it would leave a person at the prompt wondering.
    if out.is_empty() && note.is_none() && style.notes && style.format == OutputFormat::Table {
        note = Some("(no results)".to_owned());
    }
    if is_exact_data(style.format, outcome) {
        (out, note)
    } else {
        (terminal_text::visible(&out).into_owned(), note)
    }
}

/// Whether the output is data a program reads, to be passed on byte for byte. A DOT or
/// Mermaid graph is not: it is shown, or drawn by a tool that has no use for control characters.
fn is_exact_data(format: OutputFormat, outcome: &Outcome) -> bool {
    matches!(format, OutputFormat::Json | OutputFormat::Csv) && !matches!(outcome, Outcome::Text(_))
}

fn render_raw(style: &Style, outcome: &Outcome) -> (String, Option<String>) {
    let mut out = String::new();
    let mut note = None;
    match (outcome, style.format) {
        (Outcome::Done(msg), OutputFormat::Json) => {
            out = pretty(&serde_json::json!({"status": "ok", "message": msg}));
        }
        (Outcome::Done(_), OutputFormat::Quiet) => {}
        (Outcome::Done(msg), _) => out = format!("✓ {msg}\n"),
        (Outcome::Created(id, msg), OutputFormat::Json) => {
            out = pretty(&serde_json::json!({"status": "ok", "id": id, "message": msg}));
        }
        (Outcome::Created(id, _), OutputFormat::Quiet) => out = format!("{id}\n"),
        (Outcome::Created(id, _), OutputFormat::Csv) => out = format!("id\n{id}\n"),
        (Outcome::Created(_, msg), _) => out = format!("✓ {msg}\n"),
        (Outcome::Text(text), _) => out = text.clone(),
        (Outcome::Report(text, _), OutputFormat::Table) => out = text.clone(),
        (Outcome::Report(_, data), _) => {
            return render_raw(style, &Outcome::Value(data.clone(), None));
        }
        (Outcome::Listing(v, columns), OutputFormat::Table) if style.columns.is_none() => {
            let rows = match Rows::of(v, Some(ReturnKind::List)) {
                Rows::Records(rows) => rows,
                // An empty list still shows its columns, as a table with no rows.
                _ if v.as_array().is_some_and(|a| a.is_empty()) => Vec::new(),
                _ => return render_raw(style, &Outcome::Value(v.clone(), None)),
            };
            let wanted: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
            let chosen = fit(&rows, &wanted, style.width);
            let hidden = wanted.len() - chosen.len();
            let own = Style {
                columns: Some(chosen),
                ..style.clone()
            };
            out = Rows::Records(rows).table(&own).0;
            if hidden > 0 && style.notes {
                note = Some(hidden_note(hidden));
            }
        }
        (Outcome::Listing(v, _), _) => {
            return render_raw(style, &Outcome::Value(v.clone(), Some(ReturnKind::List)));
        }
        (Outcome::Value(v, _), OutputFormat::Json) => out = pretty(v),
        (Outcome::Value(v, kind), fmt) => {
            let rows = Rows::of(v, *kind);
            match fmt {
                OutputFormat::Quiet => out = rows.quiet(),
                OutputFormat::Csv => out = rows.csv(style.columns.as_deref()),
                _ => {
                    let (text, hidden) = rows.table(style);
                    out = text;
                    if hidden > 0 && style.notes {
                        note = Some(hidden_note(hidden));
                    }
                }
            }
        }
    }
    (out, note)
}

/// Prints an outcome on stdout (and a note on stderr).
pub fn print(style: &Style, outcome: &Outcome) -> std::io::Result<()> {
    let (text, note) = render(style, outcome);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    if let Some(n) = note {
        terminal_text::warn(&n);
    }
    Ok(())
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    s.push('\n');
    s
}

/// The names in `--columns` that no record of the outcome has (empty when every name is known,
/// or the outcome has no records to pick from), with the names it does have.
pub fn unknown_columns(style: &Style, outcome: &Outcome) -> (Vec<String>, Vec<String>) {
    let (Some(wanted), Some((v, kind))) = (&style.columns, outcome.data()) else {
        return (Vec::new(), Vec::new());
    };
    let fields: Vec<String> = match Rows::of(v, kind) {
        Rows::Records(rows) => {
            let mut names: Vec<String> = Vec::new();
            for k in rows.iter().flat_map(|r| r.keys()) {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
            names
        }
        Rows::Record(r) => r.keys().cloned().collect(),
        _ => return (Vec::new(), Vec::new()),
    };
    let unknown = wanted
        .iter()
        .filter(|w| !fields.contains(w))
        .cloned()
        .collect();
    (unknown, fields)
}

impl Outcome {
    /// A method's result as printed: a list of a model the schema gives table columns
    /// (`columns:`) is a listing with those columns, so a list looks the same whatever its data.
    pub fn of_method(desc: &MethodDescriptor, value: Value) -> Outcome {
        let columns = desc
            .returns
            .ty
            .strip_prefix("list<")
            .and_then(|t| t.strip_suffix('>'))
            .and_then(kanboard::descriptor::ModelDescriptor::find)
            .map(|m| m.columns)
            .filter(|c| !c.is_empty());
        match columns {
            Some(c) => Outcome::Listing(value, c.to_vec()),
            None => Outcome::Value(value, Some(desc.returns.kind)),
        }
    }

    /// The data of an outcome that prints records, with its kind.
    fn data(&self) -> Option<(&Value, Option<ReturnKind>)> {
        match self {
            Outcome::Value(v, kind) => Some((v, *kind)),
            Outcome::Listing(v, _) => Some((v, Some(ReturnKind::List))),
            Outcome::Report(_, v) => Some((v, None)),
            _ => None,
        }
    }
}

/// A result seen as printable data.
enum Rows {
    /// Nothing (a null result).
    Nothing,
    /// One plain value.
    Scalar(String),
    /// Plain values, one per line.
    Scalars(Vec<String>),
    /// Records with fields.
    Records(Vec<Map<String, Value>>),
    /// One record, shown field per line.
    Record(Map<String, Value>),
}

/// A cell's text: strings as they are, null as nothing, lists of plain values comma-joined,
/// anything else as compact JSON.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(is_plain) => {
            a.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn is_plain(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

/// Nothing worth a column: null, empty, or 0 (Kanboard's "none" for ids and counts).
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Columns people look for first; the rest follow in the server's order.
const FIRST: &[&str] = &[
    "id",
    "key",
    "scope",
    "role_id",
    "title",
    // A comment's text: what a list of comments is read for.
    "comment",
    "name",
    "label",
    "username",
    "tag",
    "value",
    "role",
    "email",
    "is_active",
    "status",
    "priority",
    "date_due",
    // Where a task is on the board, by name (task tables show these in place of the ids).
    "column_name",
    "swimlane_name",
    "owner_id",
    "project_id",
    "column_id",
];

impl Rows {
    fn of(v: &Value, kind: Option<ReturnKind>) -> Rows {
        match v {
            Value::Null => Rows::Nothing,
            Value::Array(items) if items.iter().all(|i| i.is_object()) && !items.is_empty() => {
                Rows::Records(
                    items
                        .iter()
                        .filter_map(|i| i.as_object().cloned())
                        .collect(),
                )
            }
            Value::Array(items) => Rows::Scalars(items.iter().map(cell).collect()),
            Value::Object(map) if kind == Some(ReturnKind::Map) || kind.is_none() && keyed(map) => {
                Rows::Records(
                    map.iter()
                        .map(|(k, v)| {
                            let mut row = Map::new();
                            row.insert("key".into(), Value::String(k.clone()));
                            match v {
                                Value::Object(fields) => {
                                    row.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())))
                                }
                                other => {
                                    row.insert("value".into(), other.clone());
                                }
                            }
                            row
                        })
                        .collect(),
                )
            }
            Value::Object(map) => Rows::Record(map.clone()),
            other => Rows::Scalar(cell(other)),
        }
    }

    /// What names a record in quiet output: its id, else its key, else its name (portfolios
    /// and milestones are known by name).
    fn quiet(&self) -> String {
        let mut out = String::new();
        let mut line = |s: &str| {
            out.push_str(s);
            out.push('\n');
        };
        match self {
            Rows::Nothing => {}
            Rows::Scalar(s) => line(s),
            Rows::Scalars(v) => v.iter().for_each(|s| line(s)),
            Rows::Records(rows) => rows
                .iter()
                .filter_map(identity)
                .for_each(|v| line(&cell(v))),
            Rows::Record(r) => {
                if let Some(id) = identity(r) {
                    line(&cell(id))
                }
            }
        }
        out
    }

    fn all_columns(rows: &[Map<String, Value>]) -> Vec<String> {
        let mut cols: Vec<String> = Vec::new();
        for r in rows {
            for k in r.keys() {
                if !cols.contains(k) {
                    cols.push(k.clone());
                }
            }
        }
        cols
    }

    fn csv(&self, columns: Option<&[String]>) -> String {
        let records: Vec<Map<String, Value>> = match self {
            Rows::Nothing => return String::new(),
            Rows::Scalar(s) => return format!("value\n{}\n", csv_field(s)),
            Rows::Scalars(v) => {
                let mut out = String::from("value\n");
                for s in v {
                    out.push_str(&csv_field(s));
                    out.push('\n');
                }
                return out;
            }
            Rows::Records(r) => r.clone(),
            Rows::Record(r) => vec![r.clone()],
        };
        let cols = match columns {
            Some(c) => c.to_vec(),
            None => Self::all_columns(&records),
        };
        let mut out = cols
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for r in &records {
            let line: Vec<String> = cols
                .iter()
                .map(|c| csv_field(&r.get(c).map(cell).unwrap_or_default()))
                .collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        out
    }

    /// The table text and how many columns were left out to fit.
    fn table(&self, style: &Style) -> (String, usize) {
        let mut t = Table::new();
        t.load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(style.width.min(u16::MAX as usize) as u16);
        let mut hidden = 0;
        match self {
            Rows::Nothing => return (String::new(), 0),
            Rows::Scalar(s) => return (format!("{s}\n"), 0),
            Rows::Scalars(v) => return (v.iter().map(|s| format!("{s}\n")).collect(), 0),
            Rows::Record(r) => {
                let fields: Vec<(&String, &Value)> = match &style.columns {
                    Some(cols) => cols.iter().filter_map(|c| r.get_key_value(c)).collect(),
                    None => r.iter().collect(),
                };
                for (k, v) in fields {
                    t.add_row(vec![one_line(k), one_line(&cell(v))]);
                }
            }
            Rows::Records(rows) => {
                let cols = match &style.columns {
                    Some(c) => c.clone(),
                    None => {
                        let (cols, left_out) = fit_columns(rows, style.width);
                        hidden = left_out;
                        cols
                    }
                };
                t.set_header(cols.iter().map(|c| one_line(c)).collect::<Vec<_>>());
                for r in rows {
                    t.add_row(
                        cols.iter()
                            .map(|c| {
                                shorten(
                                    &one_line(&r.get(c).map(cell).unwrap_or_default()),
                                    style.width,
                                )
                            })
                            .collect::<Vec<_>>(),
                    );
                }
            }
        }
        let text: String = t.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        (text, hidden)
    }
}

/// An object whose keys are all ids (`{"1": "Alice"}`), as maps of ids print best as rows.
fn keyed(map: &Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|k| k.parse::<i64>().is_ok())
}

/// A cell on one line with its control characters made visible before the table is laid out,
/// so the widths are those of what is shown.
fn one_line(s: &str) -> String {
    terminal_text::one_line(s)
}

fn shorten(s: &str, width: usize) -> String {
    let max = cell_max(width);
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn hidden_note(hidden: usize) -> String {
    format!("({hidden} more columns: see them with -o json, or pick with --columns)")
}

/// Of `wanted`, in order, the columns that fit the width with the rows' cells; the first one
/// always.
fn fit(rows: &[Map<String, Value>], wanted: &[String], width: usize) -> Vec<String> {
    let mut chosen = Vec::new();
    let mut used = 0;
    for c in wanted {
        let w = rows
            .iter()
            .map(|r| {
                r.get(c)
                    .map(|v| shorten(&one_line(&cell(v)), width).chars().count())
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0)
            .max(c.chars().count())
            + 2;
        if chosen.is_empty() || used + w <= width {
            chosen.push(c.clone());
            used += w;
        }
    }
    chosen
}

/// Chooses the columns of a list table with no columns of its own: plain fields that are not
/// empty in every row, the usual ones first, as many as fit the width. Returns them and how
/// many were left out.
fn fit_columns(rows: &[Map<String, Value>], width: usize) -> (Vec<String>, usize) {
    let all = Rows::all_columns(rows);
    let mut useful: Vec<String> = all
        .iter()
        .filter(|c| {
            rows.iter().filter_map(|r| r.get(c.as_str())).any(|v| {
                !is_empty(v)
                    && (is_plain(v) || v.as_array().is_some_and(|a| a.iter().all(is_plain)))
            })
        })
        .cloned()
        .collect();
    useful.sort_by_key(|c| FIRST.iter().position(|f| f == c).unwrap_or(FIRST.len()));
    let chosen = fit(rows, &useful, width);
    let left_out = all.len() - chosen.len();
    (chosen, left_out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The field that names a record in quiet output.
fn identity(r: &Map<String, Value>) -> Option<&Value> {
    r.get("id")
        .or_else(|| r.get("key"))
        .or_else(|| r.get("name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn style(format: OutputFormat) -> Style {
        Style {
            format,
            columns: None,
            width: 60,
            notes: true,
        }
    }

    #[test]
    fn narrow_tables_leave_columns_out_and_say_so() {
        let v = json!([{"id": 1, "title": "a long title for a task", "description": "x".repeat(40), "owner_id": 0}]);
        let (text, note) = render(&style(OutputFormat::Table), &Outcome::Value(v, None));
        assert!(
            text.contains("title") && !text.contains("description"),
            "{text}"
        );
        assert!(note.unwrap().contains("more columns"));
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    }

    #[test]
    fn an_empty_result_on_a_terminal_says_so() {
        let t = style(OutputFormat::Table);
        let empty = Outcome::Value(json!([]), Some(ReturnKind::List));
        assert_eq!(
            render(&t, &empty),
            (String::new(), Some("(no results)".into()))
        );
        // Piped (no notes), nothing at all; in json the empty list itself.
        let piped = Style {
            notes: false,
            ..t.clone()
        };
        assert_eq!(render(&piped, &empty), (String::new(), None));
        assert_eq!(render(&style(OutputFormat::Json), &empty).0, "[]\n");
        // A listing with its own columns shows them, and needs no note.
        let listing = Outcome::Listing(json!([]), vec!["id", "title"]);
        let (text, note) = render(&t, &listing);
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), ["id", "title"]);
        assert_eq!(note, None);
    }

    #[test]
    fn csv_quotes_and_keeps_every_column() {
        let v = json!([{"id": 1, "title": "a, \"b\"", "tags": ["x", "y"], "empty": null}]);
        let (text, _) = render(&style(OutputFormat::Csv), &Outcome::Value(v, None));
        assert_eq!(text, "id,title,tags,empty\n1,\"a, \"\"b\"\"\",\"x, y\",\n");
    }

    #[test]
    fn quiet_prints_ids_only() {
        let v = json!([{"id": 3, "title": "a"}, {"id": 4, "title": "b"}]);
        let (text, _) = render(&style(OutputFormat::Quiet), &Outcome::Value(v, None));
        assert_eq!(text, "3\n4\n");
        let (text, _) = render(
            &style(OutputFormat::Quiet),
            &Outcome::Created(9, "made".into()),
        );
        assert_eq!(text, "9\n");
        let (text, _) = render(&style(OutputFormat::Quiet), &Outcome::Done("ok".into()));
        assert_eq!(text, "");
    }

    #[test]
    fn maps_of_ids_print_as_rows() {
        let v = json!({"1": "admin", "2": "alice"});
        let (text, _) = render(
            &style(OutputFormat::Csv),
            &Outcome::Value(v, Some(ReturnKind::Map)),
        );
        assert_eq!(text, "key,value\n1,admin\n2,alice\n");
    }
}
