//! A broken schema is reported as `LINE:COL: what is wrong`, never a panic.

use kanboard_codegen::{Diagnostic, check};

const GOOD: &str = "\
version: 1
resources:
  application:
    doc: Server information.
    methods:
      get_version:
        rpc: getVersion
        doc: Which release runs.
        returns: {kind: value, type: string}
";

fn err(yaml: &str) -> Diagnostic {
    check(yaml).expect_err("the schema should be refused")
}

#[test]
fn good_schema_passes() {
    check(GOOD).unwrap();
}

#[test]
fn misspelled_key_points_at_it() {
    let d = err(&GOOD.replace("returns:", "retuns:"));
    assert_eq!((d.line, d.column), (9, 9), "{d}");
    assert!(d.message.contains("unknown field `retuns`"), "{d}");
    assert!(
        !d.message.contains("line 9"),
        "the position is said once: {d}"
    );
    assert_eq!(
        d.render("schema/kanboard.yaml").split(": ").next().unwrap(),
        "schema/kanboard.yaml:9:9"
    );
}

#[test]
fn unknown_type_points_at_it() {
    let d = err(&GOOD.replace("type: string", "type: strng"));
    assert_eq!(d.line, 9, "{d}");
    assert!(d.message.starts_with("unknown type `strng`"), "{d}");
}

#[test]
fn duplicate_method_points_at_second_declaration() {
    let yaml = format!(
        "{GOOD}      version_again:\n        rpc: getVersion\n        doc: A second declaration.\n        returns: {{kind: value, type: string}}\n"
    );
    let d = err(&yaml);
    assert_eq!((d.line, d.column), (11, 14), "{d}");
    assert!(
        d.message.contains(
            "duplicate method: `getVersion` is already declared as `application.get_version`"
        ),
        "{d}"
    );
}

#[test]
fn duplicate_yaml_key_is_refused() {
    let yaml = format!(
        "{GOOD}      get_version:\n        rpc: getVersion2\n        doc: A second declaration.\n        returns: {{kind: value, type: string}}\n"
    );
    let d = err(&yaml);
    assert!(d.line >= 10, "{d}");
    assert!(d.message.to_lowercase().contains("duplicate"), "{d}");
}

#[test]
fn convention_that_does_not_fit_the_type() {
    let d = err(&GOOD.replace("{kind: value, type: string}", "{kind: list, type: string}"));
    assert_eq!(d.line, 9);
    assert!(d.message.contains("does not fit"), "{d}");
    let d = err(&GOOD.replace(
        "{kind: value, type: string}",
        "{kind: model, type: string, on_false: empty}",
    ));
    assert!(d.message.contains("does not fit"), "{d}");
    let d = err(&GOOD.replace(
        "{kind: value, type: string}",
        "{kind: list, type: \"list<int>\", on_empty: rejected}",
    ));
    assert!(
        d.message
            .contains("`on_empty: rejected` does not fit a `list` return"),
        "{d}"
    );
}

#[test]
fn other_mistakes() {
    for (from, to, needle) in [
        ("version: 1", "version: 2", "unsupported schema version"),
        ("get_version:", "GetVersion:", "must be snake_case"),
        ("kind: value", "kind: thing", "unknown return kind"),
        (
            "doc: Which release runs.",
            "doc: Which release runs.\n        auth: admin",
            "`auth: admin`",
        ),
        (
            "doc: Which release runs.",
            "doc: Which release runs.\n        params: {x: \"list<\"}",
            "unknown type",
        ),
        (
            "doc: Which release runs.",
            "doc: Which release runs.\n        params: {x: \"map<float,int>\"}",
            "map key",
        ),
        (
            "doc: Which release runs.",
            "doc: Which release runs.\n        params: {x: \"int?\"}",
            "say `required: false`",
        ),
    ] {
        let d = err(&GOOD.replace(from, to));
        assert!(d.message.contains(needle), "{from} -> {to}: {d}");
        assert!(d.line > 0, "{from} -> {to}: no position in {d}");
    }
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        ":",
        "[",
        "version: [1",
        "\t- x",
        "resources: 5",
        "version: 1\nresources: {a: {doc: x, methods: {m: 1}}}",
    ] {
        let _ = check(text);
    }
}

/// `drift:` entries: a known kind, `param` exactly when the kind is about one parameter, a
/// parameter the method has (or, for `omitted`, one it does not), a reason, no repeats.
#[test]
fn drift_declarations_are_checked() {
    let with = |drift: &str| {
        GOOD.replace(
            "doc: Which release runs.",
            &format!("doc: Which release runs.\n        params: {{since: {{type: int, default: 0, doc: \"A version number; 0 for all.\"}}}}\n        drift:\n{drift}"),
        )
    };
    check(&with(
        "          - {param: since, kind: required, reason: Optional here.}\n          - {param: flavour, kind: omitted, reason: Never sent.}\n          - {kind: absent, reason: Newer servers only.}\n",
    ))
    .expect("valid drift declarations");
    for (drift, needle) in [
        (
            "          - {param: since, kind: renamed, reason: x}\n",
            "`kind: renamed`: use one of name, required, omitted, extra, user_only, absent",
        ),
        (
            "          - {kind: required, reason: x}\n",
            "is about one parameter: say which with `param:`",
        ),
        (
            "          - {param: since, kind: user_only, reason: x}\n",
            "is about the whole method: remove `param`",
        ),
        (
            "          - {param: until, kind: extra, reason: x}\n",
            "`get_version` has no parameter sent as `until`",
        ),
        (
            "          - {param: since, kind: omitted, reason: x}\n",
            "`since` is a parameter of `get_version`",
        ),
        (
            "          - {param: since, kind: required, reason: \" \"}\n",
            "say why the schema differs",
        ),
        (
            "          - {param: since, kind: required, reason: a}\n          - {param: since, kind: required, reason: b}\n",
            "declared twice",
        ),
        (
            "          - {param: since, reason: x}\n",
            "missing field `kind`",
        ),
    ] {
        let d = err(&with(drift));
        assert!(d.message.contains(needle), "{drift}: {d}");
        assert!(d.line >= 10, "{drift}: no useful position in {d}");
    }
}

fn with_models(models: &str) -> String {
    GOOD.replacen("resources:", &format!("models:\n{models}resources:"), 1)
}

#[test]
fn extending_an_undeclared_model_points_at_it() {
    let d = err(&with_models(
        "  Entry:\n    doc: A versioned entry.\n    extends: Base\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n",
    ));
    assert_eq!(d.line, 5, "{d}");
    assert!(
        d.message
            .contains("`extends: Base` names no model declared above"),
        "{d}"
    );
}

#[test]
fn a_field_repeated_from_the_extended_model_is_refused() {
    let d = err(&with_models(
        "  Base:\n    doc: A base shape.\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n  Entry:\n    doc: A longer shape.\n    extends: Base\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n",
    ));
    assert_eq!(d.line, 11, "{d}");
    assert!(
        d.message.contains("field `id` is already in the model"),
        "{d}"
    );
}

#[test]
fn an_ignored_key_needs_a_reason_and_cannot_be_a_field() {
    let d = err(&with_models(
        "  User:\n    doc: An account.\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n    ignored:\n      id: \"a secret\"\n",
    ));
    assert!(
        d.message.contains("`id` is both a field and ignored"),
        "{d}"
    );
    let d = err(&with_models(
        "  User:\n    doc: An account.\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n    ignored:\n      password: \" \"\n",
    ));
    assert!(d.message.contains("say why `password` is not kept"), "{d}");
}

#[test]
fn when_must_say_when() {
    let d = err(&with_models(
        "  Project:\n    fields:\n      url: {type: string, when: \"\"}\n",
    ));
    assert_eq!(d.line, 5, "{d}");
    assert!(d.message.contains("`when:` must say when"), "{d}");
}

/// Every item the generated code makes public needs a `doc` that says more than its name: a
/// missing one, or one made of the name's own words, fails with the item's position.
#[test]
fn docs_are_required_and_must_say_more_than_the_name() {
    let with_param = |param: &str| {
        GOOD.replace(
            "doc: Which release runs.",
            &format!("doc: Which release runs.\n        params:\n          {param}\n"),
        )
    };
    check(&with_param(
        "since: {type: int, doc: \"Oldest version wanted, as a Unix time; 0 for all.\"}",
    ))
    .expect("a parameter with a doc");
    let d = err(&with_param("since: int"));
    assert_eq!((d.line, d.column), (10, 18), "{d}");
    assert!(
        d.message.starts_with(
            "parameter `since` of `get_version` has no `doc`: say what the name does not"
        ),
        "{d}"
    );
    assert_eq!(
        d.render("schema/kanboard.yaml").split(": ").next().unwrap(),
        "schema/kanboard.yaml:10:18"
    );
    for doc in [
        "The since parameter.",
        "`since` (`int`)",
        "Since.",
        "The `since`.",
    ] {
        let d = err(&with_param(&format!(
            "since: {{type: int, doc: \"{doc}\"}}"
        )));
        assert_eq!(d.line, 10, "{doc}: {d}");
        assert!(
            d.message.contains(
                "the `doc` of parameter `since` of `get_version` only repeats its name or type"
            ),
            "{doc}: {d}"
        );
    }
    let d = err(&with_models(
        "  Thing:\n    doc: A thing with an id.\n    fields:\n      id: int\n",
    ));
    assert_eq!(d.line, 6, "{d}");
    assert!(
        d.message.starts_with("field `id` of `Thing` has no `doc`"),
        "{d}"
    );
    let d = err(&with_models(
        "  Thing:\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n",
    ));
    assert!(d.message.starts_with("model `Thing` has no `doc`"), "{d}");
    let d = err(&with_models(
        "  Thing:\n    doc: A thing.\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n",
    ));
    assert!(
        d.message
            .starts_with("the `doc` of model `Thing` only repeats"),
        "{d}"
    );
    let d = err(&GOOD.replace("doc: Server information.", "doc: The application."));
    assert_eq!(d.line, 4, "{d}");
    assert!(
        d.message
            .starts_with("the `doc` of resource `application` only repeats"),
        "{d}"
    );
    let d = err(&GOOD.replace("doc: Which release runs.", "doc: Gets the version."));
    assert!(
        d.message
            .starts_with("the `doc` of method `get_version` only repeats"),
        "{d}"
    );
}

#[test]
fn table_columns_must_be_fields_of_the_model() {
    let model = "  Tag:\n    doc: A label.\n    columns: [id, nmae]\n    fields:\n      id: {type: int, doc: \"Unique.\"}\n      name: {type: string, doc: \"Shown.\"}\n";
    let d = err(&with_models(model));
    assert_eq!((d.line, d.column), (5, 19), "{d}");
    assert!(
        d.message.contains("column `nmae` is not a field of `Tag`"),
        "{d}"
    );
    let d = err(&with_models(&model.replace("nmae", "id")));
    assert!(d.message.contains("column `id` is listed twice"), "{d}");
    check(&with_models(&model.replace("nmae", "name"))).unwrap();
}

#[test]
fn since_and_until_are_checked_against_the_releases() {
    let with = |releases: &str, param: &str| {
        GOOD.replacen("resources:", &format!("{releases}resources:"), 1)
            .replacen(
                "        returns:",
                &format!("        params:\n          {param}\n        returns:"),
                1,
            )
    };
    let range = "releases: {oldest: \"1.2.20\", newest: \"1.2.53\"}\n";
    let ok = "x: {type: int, default: null, doc: \"A later option.\", since: \"1.2.45\"}";
    check(&with(range, ok)).unwrap();
    let d = err(&with("", ok));
    assert!(d.message.contains("no `releases:"), "{d}");
    for (param, says) in [
        (ok.replace("1.2.45", "1.2.20"), "leave `since` out"),
        (ok.replace("1.2.45", "1.2.60"), "after the newest release"),
        (ok.replace("1.2.45", "1.2"), "not a Kanboard release"),
        (
            ok.replace("since: \"1.2.45\"", "since: \"1.2.45\", until: \"1.2.30\""),
            "before its `since`",
        ),
    ] {
        let d = err(&with(range, &param));
        assert_eq!(d.line, 11, "{d}");
        assert!(d.message.contains(says), "{says}: {d}");
    }
}

#[test]
fn extern_names_are_checked() {
    let with = |ext: &str| GOOD.replacen("resources:", &format!("{ext}resources:"), 1);
    check(&with("extern: {ids: [ProjectId], enums: [Color]}\n")).unwrap();
    let d = err(&with("extern: {ids: [ProjectId, ProjectId]}\n"));
    assert!(d.message.contains("listed once"), "{d}");
    let d = err(&with("extern: {ids: [projectId]}\n"));
    assert!(d.message.contains("must be CamelCase"), "{d}");
    // The extension trait's name must be a type name.
    let d = kanboard_codegen::generate_extension(GOOD, "my_crate", "my_ext").unwrap_err();
    assert!(d.message.contains("not a Rust type name"), "{d}");
    let code = kanboard_codegen::generate_extension(GOOD, "my_crate", "MyExt").unwrap();
    assert!(
        code.contains("pub trait MyExt")
            && code.contains("impl MyExt for ::kanboard::KanboardClient")
    );
    assert!(!code.contains("crate::request"), "{code}");
}
