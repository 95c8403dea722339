//! Text renderings of a [`DependencyGraph`]: Graphviz DOT and Mermaid flowcharts.
//!
//! Tasks are grouped by project; closed tasks are grey, resolved edges dashed, cross-project
//! edges coloured, and the highlighted chain (the critical path) drawn in bold red.

use super::dependencies::DependencyGraph;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

impl DependencyGraph {
    fn on_path(&self) -> HashSet<(i64, i64)> {
        self.critical_path
            .windows(2)
            .map(|w| (w[0], w[1]))
            .collect()
    }

    fn by_project(&self) -> BTreeMap<i64, (String, Vec<usize>)> {
        let mut groups: BTreeMap<i64, (String, Vec<usize>)> = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let g = groups.entry(n.project_id).or_default();
            if g.0.is_empty() {
                g.0 = n.project_name.clone();
            }
            g.1.push(i);
        }
        groups
    }

    /// Graphviz DOT (`dot -Tsvg`).
    pub fn to_dot(&self) -> String {
        let path = self.on_path();
        let mut s = String::from(
            "digraph dependencies {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n",
        );
        for (pid, (name, members)) in self.by_project() {
            let label = if name.is_empty() {
                format!("project #{pid}")
            } else {
                format!("{name} (#{pid})")
            };
            let _ = writeln!(
                s,
                "  subgraph cluster_p{pid} {{\n    label={};",
                dot_str(&label)
            );
            for &i in &members {
                let n = &self.nodes[i];
                let style = if n.is_active {
                    ""
                } else {
                    ", style=\"rounded,filled\", fillcolor=lightgrey"
                };
                let _ = writeln!(
                    s,
                    "    t{} [label={}{style}];",
                    n.id,
                    dot_str(&format!("#{} {}", n.id, n.title))
                );
            }
            s.push_str("  }\n");
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if e.is_resolved {
                attrs.push("style=dashed".to_owned());
            }
            if path.contains(&(e.task_id, e.opposite_task_id)) {
                attrs.push("color=red, penwidth=2.5".to_owned());
            } else if e.is_cross_project {
                attrs.push("color=blue".to_owned());
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(s, "  t{} -> t{}{attrs};", e.task_id, e.opposite_task_id);
        }
        s.push_str("}\n");
        s
    }

    /// A Mermaid flowchart (` ```mermaid ` blocks in Markdown).
    pub fn to_mermaid(&self) -> String {
        let path = self.on_path();
        let mut s = String::from("flowchart LR\n");
        for (pid, (name, members)) in self.by_project() {
            let label = if name.is_empty() {
                format!("project #{pid}")
            } else {
                name
            };
            let _ = writeln!(s, "  subgraph p{pid}[\"{}\"]", mermaid_text(&label));
            for &i in &members {
                let n = &self.nodes[i];
                let _ = writeln!(s, "    t{}[\"#{} {}\"]", n.id, n.id, mermaid_text(&n.title));
            }
            s.push_str("  end\n");
        }
        let mut bold = Vec::new();
        for (k, e) in self.edges.iter().enumerate() {
            let arrow = if e.is_resolved { "-.->" } else { "-->" };
            let _ = writeln!(s, "  t{} {arrow} t{}", e.task_id, e.opposite_task_id);
            if path.contains(&(e.task_id, e.opposite_task_id)) {
                bold.push(k.to_string());
            }
        }
        let closed: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| !n.is_active)
            .map(|n| format!("t{}", n.id))
            .collect();
        if !closed.is_empty() {
            s.push_str("  classDef closed fill:#ddd,color:#666\n");
            let _ = writeln!(s, "  class {} closed", closed.join(","));
        }
        if !bold.is_empty() {
            let _ = writeln!(
                s,
                "  linkStyle {} stroke:red,stroke-width:3px",
                bold.join(",")
            );
        }
        s
    }
}

/// A DOT double-quoted string.
fn dot_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text inside a Mermaid `"…"` label: quotes and markup characters become entity codes.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::models::{LinkLabel, LinkedTask, ProjectId, Task, TaskId};
    use crate::orchestration::DependencySnapshot;
    use std::collections::HashMap;

    fn task(id: i64, project_id: i64, title: &str, active: bool) -> Task {
        Task {
            id: id.into(),
            project_id: project_id.into(),
            title: title.into(),
            is_active: active,
            ..Default::default()
        }
    }

    fn link(other: &Task, label: LinkLabel) -> LinkedTask {
        LinkedTask {
            task_id: other.id,
            label,
            title: other.title.clone(),
            project_id: other.project_id,
            is_active: other.is_active,
            ..Default::default()
        }
    }

    #[test]
    fn dot_and_mermaid_show_projects_states_and_the_path() {
        let a = task(1, 10, "Design \"API\"", true);
        let b = task(2, 20, "Build <core>", true);
        let c = task(3, 20, "Old", false);
        let links = HashMap::from([
            (TaskId(1), vec![link(&b, LinkLabel::Blocks)]),
            (
                TaskId(2),
                vec![
                    link(&a, LinkLabel::IsBlockedBy),
                    link(&c, LinkLabel::IsBlockedBy),
                ],
            ),
            (TaskId(3), vec![link(&b, LinkLabel::Blocks)]),
        ]);
        let names = HashMap::from([
            (ProjectId(10), "Web".to_string()),
            (ProjectId(20), "Core".to_string()),
        ]);
        let snap = DependencySnapshot::from_links(vec![a, b, c], &links, &names);
        let path: Vec<i64> = snap
            .critical_path()
            .unwrap()
            .iter()
            .map(|t| t.id.get())
            .collect();
        assert_eq!(path, vec![1, 2]);
        let g = snap.graph(false).highlight(path);
        let dot = g.to_dot();
        assert!(
            dot.contains("subgraph cluster_p10 {\n    label=\"Web (#10)\";"),
            "{dot}"
        );
        assert!(
            dot.contains("t1 [label=\"#1 Design \\\"API\\\"\"];"),
            "{dot}"
        );
        assert!(
            dot.contains("t3 [label=\"#3 Old\", style=\"rounded,filled\", fillcolor=lightgrey];")
        );
        assert!(dot.contains("t1 -> t2 [color=red, penwidth=2.5];"), "{dot}");
        assert!(dot.contains("t3 -> t2 [style=dashed];"), "{dot}");
        let mm = g.to_mermaid();
        assert!(mm.starts_with("flowchart LR\n"));
        assert!(mm.contains("t2[\"#2 Build #lt;core#gt;\"]"), "{mm}");
        assert!(mm.contains("  t1 --> t2\n"), "{mm}");
        assert!(mm.contains("  t3 -.-> t2\n"), "{mm}");
        assert!(mm.contains("class t3 closed"), "{mm}");
        assert!(mm.contains("linkStyle 0 stroke:red"), "{mm}");
    }
}
