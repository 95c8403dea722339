//! Snapshots of the generated code for small fixture schemas (`cargo insta review` to update):
//! one per return convention, a parameter named like a Rust keyword, a wire rename, a user-only
//! method, and one schema with all of them together.

/// A one-model, one-method schema around `method` (YAML at method level).
fn schema(method: &str) -> String {
    format!(
        "version: 1
models:
  Thing:
    doc: A thing.
    fields:
      id: int
      when: timestamp
resources:
  things:
    doc: Things.
    methods:
{}",
        method
            .lines()
            .map(|l| format!("      {l}\n"))
            .collect::<String>()
    )
}

fn generated(method: &str) -> String {
    kanboard_codegen::generate(&schema(method)).expect("fixture schema is valid")
}

#[test]
fn new_id() {
    insta::assert_snapshot!(generated(
        "create_thing:\n  rpc: createThing\n  doc: Creates a thing.\n  params:\n    name: string\n  returns: {kind: new_id}"
    ));
}

#[test]
fn model_not_found_on_null() {
    insta::assert_snapshot!(generated(
        "get_thing:\n  rpc: getThing\n  doc: One thing.\n  params:\n    thing_id: int\n  returns: {kind: model, type: Thing}"
    ));
}

#[test]
fn list_empty_on_false() {
    insta::assert_snapshot!(generated(
        "get_all_things:\n  rpc: getAllThings\n  doc: All things.\n  returns: {kind: list, type: \"list<Thing>\"}"
    ));
}

#[test]
fn map_keyed_by_id() {
    insta::assert_snapshot!(generated(
        "get_thing_names:\n  rpc: getThingNames\n  doc: Names by id.\n  returns: {kind: map, type: \"map<int,string>\"}"
    ));
}

#[test]
fn success_true_or_rejected() {
    insta::assert_snapshot!(generated(
        "remove_thing:\n  rpc: removeThing\n  doc: Removes a thing.\n  params:\n    thing_id: int\n  returns: {kind: success}"
    ));
}

#[test]
fn plain_value() {
    insta::assert_snapshot!(generated(
        "get_thing_note:\n  rpc: getThingNote\n  doc: A note.\n  params:\n    thing_id: int\n  returns: {kind: value, type: string, on_false: empty}"
    ));
}

#[test]
fn keyword_parameter() {
    insta::assert_snapshot!(generated(
        "link_thing:\n  rpc: linkThing\n  doc: Links.\n  params:\n    url: string\n    type: {type: string, default: auto}\n  returns: {kind: new_id}"
    ));
}

#[test]
fn wire_rename() {
    insta::assert_snapshot!(generated(
        "update_thing:\n  rpc: updateThing\n  doc: Changes a thing.\n  params:\n    thing_id: {type: int, wire: id}\n    tags: {type: \"list<string>\", default: null}\n  returns: {kind: success}"
    ));
}

#[test]
fn user_only_method() {
    insta::assert_snapshot!(generated(
        "get_my_things:\n  rpc: getMyThings\n  doc: The caller's things.\n  auth: user\n  returns: {kind: list, type: \"list<Thing>\"}"
    ));
}

#[test]
fn all_together() {
    let yaml = include_str!("fixtures/conventions.yaml");
    let code = kanboard_codegen::generate(yaml).expect("fixture schema is valid");
    insta::assert_snapshot!("conventions", code);
}
