//! Snapshots of the generated code for small fixture schemas (`cargo insta review` to update).

#[test]
fn conventions_keywords_renames_user_only() {
    let yaml = include_str!("fixtures/conventions.yaml");
    let code = kanboard_codegen::generate(yaml).expect("fixture schema is valid");
    insta::assert_snapshot!("conventions", code);
}
