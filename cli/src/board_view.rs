//! The board as Kanboard shows it, drawn as text for `board show` in table output: the columns
//! side by side, each headed by its name, its open tasks and its WIP limit; the swimlanes as
//! bands across them; each open task as `#id title` with its assignee, colour and due date.
//! Columns share the width given; when they would be too narrow to read, they fold into
//! several rows of columns, each drawn the same way. Widths are display widths, so wide
//! characters (CJK, emoji) keep the columns aligned.

use crate::terminal_text;
use jiff::tz::TimeZone;
use kanboard::models::{BoardColumn, BoardSwimlane, BoardTask};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Narrowest column drawn side by side: `#123 a title` and `due 2026-12-31` fit.
const MIN_COLUMN: usize = 16;
/// Widest column: past this, lines get long to read and the room is better left empty.
const MAX_COLUMN: usize = 60;
/// Between two columns.
const GAP: &str = " │ ";
const GAP_WIDTH: usize = 3;
/// Lines of a task title shown; the rest is cut with `…` (the whole title is in `-o json`).
const TITLE_LINES: usize = 3;
/// Lines of a column title shown in its header.
const HEADER_LINES: usize = 2;
/// Marks a count over its limit.
const OVER: &str = "⚠";

/// Where and when the board is read: due dates are shown as dates of `tz`, and an open task
/// due before `now` is overdue (as on Kanboard's board).
#[derive(Debug, Clone)]
pub struct Clock {
    pub tz: TimeZone,
    pub now: jiff::Timestamp,
}

impl Clock {
    /// This computer's time zone, and now.
    pub fn local() -> Clock {
        Clock {
            tz: TimeZone::system(),
            now: jiff::Timestamp::now(),
        }
    }
}

/// The board of `getBoard` drawn in `width` columns of text.
pub fn draw(board: &[BoardSwimlane], width: usize, clock: &Clock) -> String {
    let Some(first) = board.first() else {
        return "No board to show: no project with this id, or all its swimlanes are disabled.\n"
            .into();
    };
    // Every swimlane holds the board's columns, in the same order.
    let columns = &first.columns;
    if columns.is_empty() {
        return "The board has no columns.\n".into();
    }
    let limits = Limits::of(board);
    let (per_row, col_width) = fit(columns.len(), width);
    let folds = columns.len().div_ceil(per_row);
    let mut out = String::new();
    let mut flagged = false;
    for fold in 0..folds {
        let range = fold * per_row..((fold + 1) * per_row).min(columns.len());
        let shown = range.len();
        let row_width = shown * col_width + (shown - 1) * GAP_WIDTH;
        if fold > 0 {
            out.push('\n');
        }
        if folds > 1 {
            let label = format!(
                "columns {}-{} of {}",
                range.start + 1,
                range.end,
                columns.len()
            );
            out.push_str(&rule(&label, row_width, '·'));
        }
        let headers: Vec<Vec<String>> = columns[range.clone()]
            .iter()
            .map(|c| {
                let (text, over) = header(c, limits);
                flagged |= over;
                cut_lines(wrap(&text, col_width, 0), HEADER_LINES, col_width)
            })
            .collect();
        out.push_str(&grid(&headers, col_width));
        out.push_str(&underline(shown, col_width));
        for lane in board {
            let (heading, over) = lane_heading(lane);
            flagged |= over;
            out.push_str(&rule(&heading, row_width, '═'));
            let cells: Vec<&BoardColumn> =
                range.clone().filter_map(|i| lane.columns.get(i)).collect();
            if cells.iter().all(|c| open(c).next().is_none()) && !limits.per_swimlane {
                let empty = if folds > 1 {
                    "(no open tasks in these columns)"
                } else {
                    "(no open tasks)"
                };
                out.push_str(&paragraph(empty, row_width));
                continue;
            }
            let drawn: Vec<Vec<String>> = cells
                .iter()
                .map(|c| {
                    let (lines, over) = cell(c, limits, col_width, clock);
                    flagged |= over;
                    lines
                })
                .collect();
            out.push_str(&grid(&drawn, col_width));
        }
    }
    if flagged {
        out.push('\n');
        out.push_str(&paragraph(
            &format!("{OVER} more open tasks than the limit"),
            width,
        ));
    }
    out
}

/// How the board's WIP limits count. Kanboard checks a column's limit against its open tasks
/// across all swimlanes, or in each swimlane on its own when the project says so; `getBoard`
/// gives the count checked as `column_nb_open_tasks`, which differs from the column's total
/// (`nb_open_tasks`) only in the second case.
#[derive(Debug, Clone, Copy)]
struct Limits {
    per_swimlane: bool,
}

impl Limits {
    fn of(board: &[BoardSwimlane]) -> Limits {
        Limits {
            per_swimlane: board.iter().any(|lane| {
                lane.columns
                    .iter()
                    .any(|c| c.column_nb_open_tasks != c.nb_open_tasks)
            }),
        }
    }
}

/// Columns per row and the width of each: as many as fit at `MIN_COLUMN`, spread evenly over
/// the rows they need (5 columns that fit 3 at a time make rows of 3 and 2, not 4 and 1).
fn fit(columns: usize, width: usize) -> (usize, usize) {
    let fits = ((width + GAP_WIDTH) / (MIN_COLUMN + GAP_WIDTH)).clamp(1, columns);
    let rows = columns.div_ceil(fits);
    let per_row = columns.div_ceil(rows);
    let room = width.saturating_sub(GAP_WIDTH * (per_row - 1)) / per_row;
    (per_row, room.clamp(8, MAX_COLUMN))
}

fn open(c: &BoardColumn) -> impl Iterator<Item = &BoardTask> {
    c.tasks.iter().filter(|t| t.is_active)
}

/// `Backlog 2`, `Work in progress 3/2 ⚠`, or `Review 4 (max 2/swimlane)`; and whether
/// it is over the limit.
fn header(c: &BoardColumn, limits: Limits) -> (String, bool) {
    let title = name_or(&c.title, || format!("(column {})", c.id));
    let total = c.nb_open_tasks;
    if c.task_limit <= 0 {
        (format!("{title} {total}"), false)
    } else if limits.per_swimlane {
        (
            format!("{title} {total} (max {}/swimlane)", c.task_limit),
            false,
        )
    } else {
        let over = c.column_nb_open_tasks > c.task_limit;
        (
            format!(
                "{title} {total}/{}{}",
                c.task_limit,
                if over {
                    format!(" {OVER}")
                } else {
                    String::new()
                }
            ),
            over,
        )
    }
}

/// `Default swimlane · 3 open · 1 closed not shown`, with the swimlane's own limit when set.
fn lane_heading(lane: &BoardSwimlane) -> (String, bool) {
    let name = name_or(&lane.name, || format!("(swimlane {})", lane.id));
    let all: Vec<&BoardTask> = lane.columns.iter().flat_map(|c| c.tasks.iter()).collect();
    let open = all.iter().filter(|t| t.is_active).count() as i64;
    let closed = all.len() as i64 - open;
    let mut s = format!("{name} · {open} open");
    let mut over = false;
    if lane.task_limit > 0 {
        over = open > lane.task_limit;
        s.push_str(&format!(
            "/{} limit{}",
            lane.task_limit,
            if over {
                format!(" {OVER}")
            } else {
                String::new()
            }
        ));
    }
    if closed > 0 {
        s.push_str(&format!(" · {closed} closed not shown"));
    }
    (s, over)
}

/// One swimlane's part of a column: its open tasks, or `(empty)`; with the count against the
/// limit first when limits count per swimlane.
fn cell(c: &BoardColumn, limits: Limits, width: usize, clock: &Clock) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let mut over = false;
    if limits.per_swimlane && c.task_limit > 0 {
        over = c.column_nb_open_tasks > c.task_limit;
        let count = format!(
            "{}/{}{}",
            c.column_nb_open_tasks,
            c.task_limit,
            if over {
                format!(" {OVER}")
            } else {
                String::new()
            }
        );
        lines.extend(wrap(&count, width, 0));
    }
    let mut any = false;
    for t in open(c) {
        // A blank line between cards, so each task reads as one.
        if any {
            lines.push(String::new());
        }
        any = true;
        lines.extend(card(t, width, clock));
    }
    if !any {
        lines.push("(empty)".into());
    }
    (lines, over)
}

/// A task: `#id title` (up to [`TITLE_LINES`] lines, later lines under the title), then its
/// assignee, colour and due date on indented lines.
fn card(t: &BoardTask, width: usize, clock: &Clock) -> Vec<String> {
    let number = format!("#{} ", t.id);
    let hang = if width >= UnicodeWidthStr::width(number.as_str()) + 8 {
        UnicodeWidthStr::width(number.as_str())
    } else {
        0
    };
    let title = terminal_text::one_line(&t.title);
    let mut lines = cut_lines(
        wrap(&format!("{number}{title}"), width, hang),
        TITLE_LINES,
        width,
    );
    let mut facts: Vec<String> = Vec::new();
    let assignee = t
        .assignee_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(terminal_text::one_line)
        .or_else(|| {
            t.assignee_username
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(|u| format!("@{}", terminal_text::one_line(u)))
        });
    facts.extend(assignee);
    let colour = t.color_id.as_str();
    if !colour.is_empty() {
        facts.push(terminal_text::one_line(colour));
    }
    facts.extend(t.date_due.map(|due| due_text(due, t.is_active, clock)));
    lines.extend(pack(&facts, width));
    lines
}

/// `due 2026-12-31`, `due 2026-12-31 15:30` when a time other than midnight is set (as
/// Kanboard's board shows it), `overdue 2026-01-05` for an open task past its due time.
fn due_text(due: jiff::Timestamp, active: bool, clock: &Clock) -> String {
    let at = due.to_zoned_datetime(clock.tz.clone());
    let date = at.date();
    let when = if at.time() == jiff::civil::Time::midnight() {
        date.to_string()
    } else {
        format!("{date} {}", at.time().strftime("%H:%M"))
    };
    if active && due < clock.now {
        format!("overdue {when}")
    } else {
        format!("due {when}")
    }
}

/// Facts joined by ` · ` on lines indented by two, each line within `width`.
fn pack(facts: &[String], width: usize) -> Vec<String> {
    let indent = if width >= 12 { 2 } else { 0 };
    let room = width - indent;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for fact in facts {
        let joined = if line.is_empty() {
            fact.clone()
        } else {
            format!("{line} · {fact}")
        };
        if UnicodeWidthStr::width(joined.as_str()) <= room {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut parts = wrap(fact, room, 0);
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let pad = " ".repeat(indent);
    lines.into_iter().map(|l| format!("{pad}{l}")).collect()
}

/// Words of `text` on lines of at most `width` display columns; lines after the first are
/// indented by `hang` (and so hold `width - hang`). A word wider than a line is split.
fn wrap(text: &str, width: usize, hang: usize) -> Vec<String> {
    let width = width.max(1);
    let hang = if hang < width { hang } else { 0 };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    let room = |lines: &Vec<String>| {
        if lines.is_empty() {
            width
        } else {
            width - hang
        }
    };
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = UnicodeWidthStr::width(word);
        let space = usize::from(used > 0);
        if used + space + w <= room(&lines) {
            if space == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += space + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for ch in word.chars() {
            let cw = UnicodeWidthChar::width(ch).unwrap_or(0);
            if used + cw > room(&lines) && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(ch);
            used += cw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    let pad = " ".repeat(hang);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("{pad}{l}") })
        .collect()
}

/// `text` wrapped to `width`, each line ended.
fn paragraph(text: &str, width: usize) -> String {
    wrap(text, width, 2).into_iter().map(|l| l + "\n").collect()
}

/// At most `max` lines; a cut ends with `…` on the last line kept.
fn cut_lines(mut lines: Vec<String>, max: usize, width: usize) -> Vec<String> {
    if lines.len() <= max {
        return lines;
    }
    lines.truncate(max);
    if let Some(last) = lines.last_mut() {
        while UnicodeWidthStr::width(last.as_str()) + 1 > width {
            last.pop();
        }
        last.push('…');
    }
    lines
}

/// Cells side by side, each padded to `width`, joined by [`GAP`]; lines end without spaces.
fn grid(cells: &[Vec<String>], width: usize) -> String {
    let height = cells.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for row in 0..height {
        let line: Vec<String> = cells
            .iter()
            .map(|c| pad(c.get(row).map(String::as_str).unwrap_or(""), width))
            .collect();
        out.push_str(line.join(GAP).trim_end());
        out.push('\n');
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The line under the column headers: `────┼────`.
fn underline(columns: usize, width: usize) -> String {
    let bar = "─".repeat(width);
    let mut s = vec![bar; columns].join("─┼─");
    s.push('\n');
    s
}

/// `══ label ═══…` across `width`; a label wider than that goes on over more lines.
fn rule(label: &str, width: usize, fill: char) -> String {
    let lead = format!("{fill}{fill} ");
    let mut out = String::new();
    for (i, line) in wrap(label, width.saturating_sub(3), 0).iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("   {line}\n"));
            continue;
        }
        let rest = width.saturating_sub(3 + UnicodeWidthStr::width(line.as_str()) + 1);
        out.push_str(&lead);
        out.push_str(line);
        if rest > 0 {
            out.push(' ');
            out.push_str(&fill.to_string().repeat(rest));
        }
        out.push('\n');
    }
    out
}

/// A name as shown, or `fallback` for an empty one (Kanboard does not require names).
fn name_or(name: &str, fallback: impl FnOnce() -> String) -> String {
    let shown = terminal_text::one_line(name);
    if shown.trim().is_empty() {
        fallback()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kanboard::models::Color;

    fn clock() -> Clock {
        Clock {
            tz: TimeZone::UTC,
            now: "2026-06-15T12:00:00Z".parse().unwrap(),
        }
    }

    fn ts(s: &str) -> Option<jiff::Timestamp> {
        Some(s.parse().unwrap())
    }

    fn task(id: i64, title: &str) -> BoardTask {
        let mut t = BoardTask::default();
        t.id = id.into();
        t.title = title.into();
        t.is_active = true;
        t.color_id = Color::Yellow;
        t
    }

    fn column(id: i64, title: &str, tasks: Vec<BoardTask>) -> BoardColumn {
        let mut c = BoardColumn::default();
        c.id = id.into();
        c.title = title.into();
        c.nb_open_tasks = tasks.iter().filter(|t| t.is_active).count() as i64;
        c.column_nb_open_tasks = c.nb_open_tasks;
        c.tasks = tasks;
        c
    }

    fn lane(id: i64, name: &str, columns: Vec<BoardColumn>) -> BoardSwimlane {
        let mut l = BoardSwimlane::default();
        l.id = id.into();
        l.name = name.into();
        l.columns = columns;
        l
    }

    /// Two swimlanes over five columns: assigned, coloured and due tasks, a long title, a
    /// Unicode title, a closed task, an empty column, a column over its WIP limit.
    fn sample() -> Vec<BoardSwimlane> {
        let mut first = task(1, "Write the release notes for 2.0");
        first.assignee_username = Some("alice".into());
        first.assignee_name = Some("Alice Martin".into());
        first.color_id = Color::Green;
        first.date_due = ts("2026-12-31T00:00:00Z");
        let mut late = task(2, "Fix login on Safari");
        late.assignee_username = Some("bob".into());
        late.color_id = Color::Red;
        late.date_due = ts("2026-06-01T15:30:00Z");
        let unicode = task(3, "日本語のタイトル 🚀 emoji");
        let mut closed = task(4, "Old chore");
        closed.is_active = false;
        let long = task(
            5,
            "A task with a very long title that goes on and on well past what one column can hold in a few lines of text",
        );
        let wip = |lane_tasks: Vec<BoardTask>| {
            let mut c = column(3, "Work in progress", lane_tasks);
            c.task_limit = 2;
            c.nb_open_tasks = 3;
            c.column_nb_open_tasks = 3;
            c
        };
        let mut blue = task(6, "Review API");
        blue.color_id = Color::Blue;
        vec![
            lane(
                1,
                "Default swimlane",
                vec![
                    column(1, "Backlog", vec![first, unicode]),
                    column(2, "Ready", vec![]),
                    wip(vec![late, long]),
                    column(4, "Review", vec![]),
                    column(5, "Done", vec![closed]),
                ],
            ),
            lane(
                2,
                "Support",
                vec![
                    column(1, "Backlog", vec![]),
                    column(2, "Ready", vec![]),
                    wip(vec![blue]),
                    column(4, "Review", vec![]),
                    column(5, "Done", vec![]),
                ],
            ),
        ]
    }

    fn widths_within(text: &str, width: usize) {
        for l in text.lines() {
            assert!(
                UnicodeWidthStr::width(l) <= width,
                "{} > {width}: {l:?}",
                UnicodeWidthStr::width(l)
            );
        }
    }

    #[test]
    fn the_board_at_200_columns() {
        let text = draw(&sample(), 200, &clock());
        widths_within(&text, 200);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_board_at_80_columns_folds_its_columns() {
        let text = draw(&sample(), 80, &clock());
        widths_within(&text, 80);
        assert!(text.contains("columns 1-3 of 5") && text.contains("columns 4-5 of 5"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn very_narrow_stacks_one_column_a_row() {
        let text = draw(&sample(), 20, &clock());
        widths_within(&text, 20);
        assert!(text.contains("columns 5-5 of 5"), "{text}");
        assert!(text.contains("#5 A task"), "{text}");
    }

    #[test]
    fn wide_characters_keep_the_columns_aligned() {
        let text = draw(&sample(), 120, &clock());
        // Every line that crosses the columns has its separators at the same display columns.
        let stops = |l: &str| -> Vec<usize> {
            let mut at = 0;
            let mut v = Vec::new();
            for ch in l.chars() {
                if ch == '│' || ch == '┼' {
                    v.push(at);
                }
                at += UnicodeWidthChar::width(ch).unwrap_or(0);
            }
            v
        };
        let full: Vec<Vec<usize>> = text.lines().map(stops).filter(|s| s.len() == 4).collect();
        assert!(full.len() > 3, "{text}");
        assert!(full.iter().all(|s| *s == full[0]), "{text}");
        assert!(text.contains("日本語のタイトル"), "{text}");
    }

    #[test]
    fn limits_counts_and_empty_places_are_shown() {
        let text = draw(&sample(), 200, &clock());
        assert!(text.contains("Work in progress 3/2 ⚠"), "{text}");
        assert!(text.contains("Backlog 2 "), "{text}");
        assert!(text.contains("(empty)"), "{text}");
        assert!(text.contains("1 closed not shown"), "{text}");
        assert!(!text.contains("Old chore"), "{text}");
        assert!(text.contains("overdue 2026-06-01 15:30"), "{text}");
        assert!(text.contains("  Alice Martin · green "), "{text}");
        assert!(text.contains("  due 2026-12-31 "), "{text}");
        assert!(
            text.ends_with("⚠ more open tasks than the limit\n"),
            "{text}"
        );
        let mut quiet = sample();
        quiet[1].columns[2].tasks.clear();
        let text = draw(&quiet, 200, &clock());
        assert!(
            text.contains("══ Support · 0 open ══")
                && text.ends_with("══\n(no open tasks)\n\n⚠ more open tasks than the limit\n"),
            "{text}"
        );
    }

    #[test]
    fn limits_per_swimlane_are_checked_in_each_swimlane() {
        let mut board = sample();
        // The project counts limits per swimlane: 2 here, 1 in Support, 3 in the column.
        board[0].columns[2].column_nb_open_tasks = 2;
        board[1].columns[2].column_nb_open_tasks = 1;
        board[1].columns[2].task_limit = 2;
        board[1].columns[2].tasks.push(task(7, "Another"));
        board[1].columns[2].column_nb_open_tasks = 3;
        let text = draw(&board, 320, &clock());
        assert!(
            text.contains("Work in progress 3 (max 2/swimlane)"),
            "{text}"
        );
        assert!(text.contains("2/2 ") || text.contains("2/2\n"), "{text}");
        assert!(text.contains("3/2 ⚠"), "{text}");
    }

    #[test]
    fn a_board_with_nothing_says_so() {
        assert!(draw(&[], 80, &clock()).starts_with("No board to show"));
        assert_eq!(
            draw(&[lane(1, "x", vec![])], 80, &clock()),
            "The board has no columns.\n"
        );
    }

    #[test]
    fn control_characters_in_titles_are_made_visible() {
        let board = vec![lane(
            1,
            "L\x1b[2J",
            vec![column(1, "C\x07", vec![task(1, "t\x1b]0;x\x07")])],
        )];
        let text = draw(&board, 80, &clock());
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("\\x1b[2J"), "{text}");
    }

    #[test]
    fn folding_spreads_columns_evenly() {
        assert_eq!(fit(5, 80), (3, 24));
        assert_eq!(fit(4, 80), (4, 17));
        assert_eq!(fit(5, 200), (5, 37));
        assert_eq!(fit(2, 200), (2, MAX_COLUMN));
        assert_eq!(fit(3, 10).0, 1);
    }

    #[test]
    fn wrapping_splits_long_words_and_hangs() {
        assert_eq!(
            wrap("#12 abc defgh", 8, 4),
            vec!["#12 abc", "    defg", "    h"]
        );
        assert_eq!(wrap("日本語", 4, 0), vec!["日本", "語"]);
        assert_eq!(
            cut_lines(vec!["aaaa".into(), "bbbb".into(), "cc".into()], 2, 4),
            vec!["aaaa", "bbb…"]
        );
    }
}
