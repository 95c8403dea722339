//! The one command tree: every command with what runs it. kanboard-cli's groups (`task`,
//! `project`, ... with its commands and the orchestration commands) at the top, every schema
//! method under `api`, then `call`, `config`, `schema` and `completion`. Why the generated
//! commands sit under `api`: cli/README.md.

use crate::node::Node;
use clap::Command;

/// The tree under `root` (the root command with the global options).
pub fn tree(root: Command) -> Node {
    Node::group(root)
        .children(kanboard_cli_groups())
        .child(crate::api_cmd::node())
        .child(crate::raw_call::node())
        .child(crate::config_cmd::node())
        .child(crate::drift_cmd::node())
        .child(crate::completion::node())
}

/// kanboard-cli's groups, each with its table commands and the hand-written ones.
fn kanboard_cli_groups() -> Vec<Node> {
    crate::compat::groups()
        .iter()
        .map(|&(alias, resource)| match alias {
            "portfolio" => crate::portfolio_cmd::node(),
            "milestone" => crate::milestone_cmd::node(),
            "me" => crate::compat::group(alias, resource)
                .runs_alone(crate::special::me_alone())
                .map_command(|c| {
                    c.about("The logged-in user (needs --auth-mode user); alone, shows the user")
                }),
            _ => crate::compat::group(alias, resource).children(crate::special::nodes(alias)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole() -> Node {
        tree(crate::app::root_command())
    }

    #[test]
    fn every_command_has_a_handler() {
        let t = whole();
        for (path, node) in t.walk() {
            if node.is_leaf() {
                assert!(node.has_handler(), "{} has no handler", path.join(" "));
            }
        }
        t.command().debug_assert();
    }

    #[test]
    fn every_schema_method_is_under_api_once() {
        let t = whole();
        let api: Vec<_> = t
            .walk()
            .into_iter()
            .filter(|(p, n)| p.len() == 4 && p[1] == "api" && n.is_leaf())
            .collect();
        assert_eq!(api.len(), kanboard::api::descriptors::METHODS.len());
    }

    /// The modules of `cli/src` and the `crate::` modules each one names.
    fn imports() -> Vec<(String, Vec<String>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
                let module = rel
                    .trim_end_matches(".rs")
                    .trim_end_matches("/mod")
                    .split('/')
                    .next()
                    .unwrap()
                    .to_owned();
                if module == "lib" || module == "main" {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                // Tests may reach anywhere; the circle rule is about the program.
                let code = text.split("#[cfg(test)]").next().unwrap();
                let mut used: Vec<String> = code
                    .match_indices("crate::")
                    .map(|(i, _)| {
                        code[i + 7..]
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .filter(|m| !m.is_empty() && *m != module)
                    .collect();
                used.sort();
                used.dedup();
                match out
                    .iter_mut()
                    .find(|(m, _): &&mut (String, Vec<String>)| *m == module)
                {
                    Some((_, u)) => {
                        u.extend(used);
                        u.sort();
                        u.dedup();
                    }
                    None => out.push((module, used)),
                }
            }
        }
        out
    }

    #[test]
    fn no_module_imports_itself_through_others() {
        let graph = imports();
        assert!(graph.len() > 20, "{}", graph.len());
        let deps = |m: &str| -> Vec<String> {
            graph
                .iter()
                .find(|(n, _)| n == m)
                .map(|(_, d)| d.clone())
                .unwrap_or_default()
        };
        for (start, _) in &graph {
            // Every module reachable from `start`; reaching `start` again is a circle.
            let mut seen: Vec<String> = Vec::new();
            let mut todo = deps(start);
            while let Some(m) = todo.pop() {
                assert_ne!(
                    &m, start,
                    "cli/src/{start} reaches itself through its imports"
                );
                if !seen.contains(&m) {
                    todo.extend(deps(&m));
                    seen.push(m);
                }
            }
        }
    }
}
