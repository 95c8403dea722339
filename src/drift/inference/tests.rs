//! The inference against a model of Kanboard's `ProcedureHandler::getArguments`, over every
//! small signature and many schema guesses: no probe ever runs a method that requires a
//! parameter, and what is reported is the truth.

use super::*;

/// A method as the server has it: parameter names, the first `required` of them required.
#[derive(Debug, Clone)]
struct ServerMethod {
    params: Vec<String>,
    required: usize,
    user_only: bool,
}

impl ServerMethod {
    /// libs/jsonrpc ProcedureHandler: beforeProcedure (403), count checks, named binding.
    /// `None` means the method body would run.
    fn answer(&self, p: &Probe) -> Option<Answer> {
        if self.user_only {
            return Some(Answer::Forbidden);
        }
        let keys = p.params();
        let keys = keys.as_object().unwrap();
        assert_eq!(keys.len(), p.count, "a probe has exactly its count of keys");
        assert!(
            keys.keys().all(|k| k.parse::<i64>().is_err()),
            "never positional"
        );
        if keys.len() < self.required {
            return Some(Answer::WrongCount);
        }
        if keys.len() > self.params.len() {
            return Some(Answer::TooMany);
        }
        for (i, name) in self.params.iter().enumerate() {
            if !keys.contains_key(name) && i < self.required {
                return Some(Answer::Missing(name.clone()));
            }
        }
        None
    }
}

struct Run {
    observed: Observed,
    executed: bool,
    rounds: usize,
}

fn run(server: Option<&ServerMethod>, hint: &Hint) -> Run {
    let mut inf = Inference::new(hint.clone());
    let mut executed = false;
    let mut rounds = 0;
    loop {
        let probes = inf.next_probes();
        if probes.is_empty() {
            break;
        }
        rounds += 1;
        assert!(rounds < 40, "no end: {inf:?}");
        for p in &probes {
            assert!(p.names.iter().all(|n| is_php_name(n)));
        }
        let answers: Vec<(Probe, Answer)> = probes
            .into_iter()
            .map(|p| {
                let a = match server {
                    None => Answer::NotFound,
                    Some(s) => s.answer(&p).unwrap_or_else(|| {
                        executed = true;
                        Answer::Other("result: true".into())
                    }),
                };
                (p, a)
            })
            .collect();
        inf.absorb(&answers);
    }
    Run {
        observed: inf.observed(),
        executed,
        rounds,
    }
}

fn hint_of(params: &[&str], required: usize) -> Hint {
    Hint {
        required: params[..required].iter().map(|s| s.to_string()).collect(),
        total: params.len(),
        user_only: false,
    }
}

fn server(params: &[&str], required: usize) -> ServerMethod {
    ServerMethod {
        params: params.iter().map(|s| s.to_string()).collect(),
        required,
        user_only: false,
    }
}

/// Every signature of up to 5 parameters and, for each, a set of schema guesses: exact, a
/// required parameter renamed, two swapped, one more or one fewer parameter of each kind,
/// everything required, nothing required, no parameters at all.
fn cases() -> Vec<(ServerMethod, Hint)> {
    let pool = ["a", "b", "c", "d", "e"];
    let mut out = Vec::new();
    for len in 0..=pool.len() {
        for req in 0..=len {
            let names = &pool[..len];
            let s = server(names, req);
            let mut hints = vec![hint_of(names, req), hint_of(&[], 0), hint_of(names, len)];
            hints.push(hint_of(names, 0));
            if req >= 1 {
                let mut renamed: Vec<&str> = names.to_vec();
                renamed[req - 1] = "zz";
                hints.push(hint_of(&renamed, req));
                hints.push(hint_of(names, req - 1));
                hints.push(hint_of(&names[..len - 1], req.min(len - 1)));
            }
            if req >= 2 {
                let mut swapped: Vec<&str> = names.to_vec();
                swapped.swap(0, 1);
                hints.push(hint_of(&swapped, req));
            }
            if req < len {
                hints.push(hint_of(names, req + 1));
            }
            let mut more: Vec<&str> = names.to_vec();
            more.push("extra");
            hints.push(hint_of(&more, req));
            hints.push(hint_of(&more, len + 1));
            let mut front = vec!["first"];
            front.extend_from_slice(names);
            hints.push(hint_of(&front, (req + 1).min(front.len())));
            for h in hints {
                out.push((s.clone(), h));
            }
        }
    }
    out
}

#[test]
fn never_runs_a_method_that_requires_a_parameter_and_reports_only_the_truth() {
    let mut known = 0;
    for (s, h) in cases() {
        let r = run(Some(&s), &h);
        let truth_required: Vec<String> = s.params[..s.required].to_vec();
        if s.required >= 1 || s.params.is_empty() {
            assert!(!r.executed, "ran {s:?} with hint {h:?}");
        }
        match &r.observed {
            Observed::Known { required, total } => {
                assert_eq!(required, &truth_required, "{s:?} {h:?}");
                assert_eq!(*total, s.params.len(), "{s:?} {h:?}");
                known += 1;
            }
            Observed::AtMost { at_most } => {
                assert!(
                    s.params.len() <= *at_most,
                    "{s:?} {h:?}: {r:?}",
                    r = r.observed
                );
                // Only when the schema requires nothing, or more than the server takes.
                assert!(
                    h.required.is_empty() || s.params.len() < h.required.len(),
                    "{s:?} {h:?} gave up early"
                );
            }
            Observed::Stopped { reason } => {
                assert!(r.executed, "{s:?} {h:?} stopped: {reason}")
            }
            other => panic!("{s:?} {h:?}: {other:?}"),
        }
        // Complete whenever the method requires a parameter and the schema's guess gives a
        // safe start: it requires some, and no more than the server takes.
        let safe_start = !h.required.is_empty() && h.required.len() <= s.params.len();
        if s.required >= 1 && safe_start || s.params.is_empty() && h.total == 0 {
            assert!(matches!(r.observed, Observed::Known { .. }), "{s:?} {h:?}");
        }
    }
    assert!(known >= 130, "{known}");
}

/// The one risk the module docs state: a method that requires nothing but accepts parameters
/// can run, and only when it accepts at least as many as the schema requires (or, when the
/// schema requires none, more than the schema lists).
#[test]
fn the_only_runs_are_the_documented_ones() {
    for (s, h) in cases() {
        let r = run(Some(&s), &h);
        if !r.executed {
            continue;
        }
        assert_eq!(s.required, 0, "{s:?} {h:?}");
        assert!(!s.params.is_empty(), "{s:?} {h:?}");
        if h.required.is_empty() {
            assert!(s.params.len() > h.total, "{s:?} {h:?}");
        } else {
            assert!(s.params.len() >= h.required.len(), "{s:?} {h:?}");
        }
        assert!(matches!(r.observed, Observed::Stopped { .. }));
    }
}

#[test]
fn a_matching_method_takes_at_most_three_rounds() {
    for (params, req) in [
        (&["task_id"][..], 1),
        (&["project_id", "status_id"][..], 1),
        (&["title", "project_id", "color_id", "column_id"][..], 2),
        (&["a", "b", "c", "d", "e", "f"][..], 4),
        (&[][..], 0),
    ] {
        let r = run(Some(&server(params, req)), &hint_of(params, req));
        assert!(r.rounds <= 3, "{params:?}: {} rounds", r.rounds);
        assert!(matches!(r.observed, Observed::Known { .. }));
    }
}

#[test]
fn absent_and_user_only_methods() {
    let h = hint_of(&["name"], 1);
    assert_eq!(run(None, &h).observed, Observed::Absent);
    let mut s = server(&["name"], 1);
    s.user_only = true;
    assert_eq!(run(Some(&s), &h).observed, Observed::UserOnly);
}

#[test]
fn a_renamed_required_parameter_is_found_by_name() {
    let r = run(Some(&server(&["column_id"], 1)), &hint_of(&["col_id"], 1));
    assert_eq!(
        r.observed,
        Observed::Known {
            required: vec!["column_id".into()],
            total: 1
        }
    );
}

#[test]
fn many_parameters_beyond_the_schema_are_counted() {
    let names: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let r = run(Some(&server(&refs, 2)), &hint_of(&refs[..3], 2));
    assert_eq!(
        r.observed,
        Observed::Known {
            required: vec!["p0".into(), "p1".into()],
            total: 30
        }
    );
}

#[test]
fn unexpected_answers_stop_the_probe() {
    let mut inf = Inference::new(hint_of(&["a"], 1));
    let probes = inf.next_probes();
    let answers: Vec<_> = probes
        .into_iter()
        .map(|p| (p, Answer::Other("result: 3".into())))
        .collect();
    inf.absorb(&answers);
    assert!(inf.next_probes().is_empty());
    assert!(matches!(inf.observed(), Observed::Stopped { .. }));
}

#[test]
fn filler_keys_are_not_php_names() {
    assert!(!is_php_name(&filler(0)));
    assert!(is_php_name("task_id") && is_php_name("_x1") && !is_php_name("1x") && !is_php_name(""));
    let p = Probe {
        names: vec!["a".into()],
        count: 3,
    };
    assert_eq!(p.params().to_string(), r#"{"a":null,"~0":null,"~1":null}"#);
}
