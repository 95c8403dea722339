//! Snapshots of the generated code for small fixture schemas (`cargo insta review` to update):
//! one per return convention, a parameter named like a Rust keyword, a wire rename, a user-only
//! method, and one schema with all of them together.

/// A one-model, one-method schema around `method` (YAML at method level).
fn schema(method: &str) -> String {
    format!(
        "version: 1
models:
  Thing:
    doc: A thing, as every method here returns it.
    fields:
      id: {{type: int, doc: \"Unique across the server.\"}}
      when: {{type: timestamp, doc: \"Unix seconds on the wire; `None` for 0.\"}}
resources:
  things:
    doc: Things of the fixture server, for the snapshots.
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
        "create_thing:\n  rpc: createThing\n  doc: Makes a new thing and answers its id.\n  params:\n    name: {type: string, doc: \"Any text; empty is refused.\"}\n  returns: {kind: new_id}"
    ));
}

#[test]
fn model_not_found_on_null() {
    insta::assert_snapshot!(generated(
        "get_thing:\n  rpc: getThing\n  doc: One thing by id.\n  params:\n    thing_id: {type: int, doc: \"Id from `getAllThings`.\"}\n  returns: {kind: model, type: Thing}"
    ));
}

#[test]
fn list_empty_on_false() {
    insta::assert_snapshot!(generated(
        "get_all_things:\n  rpc: getAllThings\n  doc: Every thing, oldest first.\n  returns: {kind: list, type: \"list<Thing>\"}"
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
        "remove_thing:\n  rpc: removeThing\n  doc: Deletes a thing for good.\n  params:\n    thing_id: {type: int, doc: \"Id from `getAllThings`.\"}\n  returns: {kind: success}"
    ));
}

#[test]
fn plain_value() {
    insta::assert_snapshot!(generated(
        "get_thing_note:\n  rpc: getThingNote\n  doc: The free text noted on a thing.\n  params:\n    thing_id: {type: int, doc: \"Id from `getAllThings`.\"}\n  returns: {kind: value, type: string, on_false: empty}"
    ));
}

#[test]
fn keyword_parameter() {
    insta::assert_snapshot!(generated(
        "link_thing:\n  rpc: linkThing\n  doc: Attaches an address to a thing.\n  params:\n    url: {type: string, doc: \"An http or https address.\"}\n    type: {type: string, default: auto, doc: \"How to read the address; `auto` guesses.\"}\n  returns: {kind: new_id}"
    ));
}

#[test]
fn wire_rename() {
    insta::assert_snapshot!(generated(
        "update_thing:\n  rpc: updateThing\n  doc: Changes a thing.\n  params:\n    thing_id: {type: int, wire: id, doc: \"Id from `getAllThings`.\"}\n    tags: {type: \"list<string>\", default: null, doc: \"Replaces all tags; empty removes them.\"}\n  returns: {kind: success}"
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
