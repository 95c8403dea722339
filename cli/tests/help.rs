//! Snapshots of help texts: the root, kanboard-cli's groups and commands, the generated `api`
//! groups and methods, the portfolio and milestone groups with their orchestration commands, and
//! `schema drift` and `schema compare`.

mod common;

fn help(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let out = common::kanboard(home.path()).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn root() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn kanboard_cli_task_group() {
    insta::assert_snapshot!(help(&["task", "--help"]));
}

#[test]
fn api_group() {
    insta::assert_snapshot!(help(&["api", "tasks", "--help"]));
}

#[test]
fn api_method() {
    insta::assert_snapshot!(help(&["api", "tasks", "create-task", "--help"]));
}

#[test]
fn kanboard_cli_task_create() {
    insta::assert_snapshot!(help(&["task", "create", "--help"]));
}

#[test]
fn kanboard_cli_project_access_add_user() {
    insta::assert_snapshot!(help(&["project-access", "add-user", "--help"]));
}

#[test]
fn config() {
    insta::assert_snapshot!(help(&["config", "--help"]));
}

#[test]
fn portfolio_group_with_the_orchestration_commands() {
    insta::assert_snapshot!(help(&["portfolio", "--help"]));
}

#[test]
fn milestone_group_with_the_orchestration_commands() {
    insta::assert_snapshot!(help(&["milestone", "--help"]));
}

#[test]
fn portfolio_dependencies() {
    insta::assert_snapshot!(help(&["portfolio", "dependencies", "--help"]));
}

#[test]
fn portfolio_migrate_local_to_remote() {
    insta::assert_snapshot!(help(&["portfolio", "migrate", "local-to-remote", "--help"]));
}

#[test]
fn milestone_add_task() {
    insta::assert_snapshot!(help(&["milestone", "add-task", "--help"]));
}

#[test]
fn schema_drift() {
    insta::assert_snapshot!(help(&["schema", "drift", "--help"]));
}

#[test]
fn schema_compare() {
    insta::assert_snapshot!(help(&["schema", "compare", "--help"]));
}
