//! What the store (`portfolios.json`) and config (`config.toml`) writers do with what they find
//! in their file's place: a symbolic link (written through), a dangling link, a read-only file,
//! a FIFO or a directory (refused, nothing changed, no hang), an existing file's mode (kept), and
//! store keys this library does not know (kept).
#![cfg(unix)]

use kanboard::config::{ConfigFile, Field};
use kanboard::orchestration::{Error, LocalPortfolioStore, Portfolio};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const STORE: &str = r#"{
  "version": 1,
  "portfolios": []
}
"#;

const CONFIG: &str = "[settings]\ndefault_profile = \"default\"\n\n[profiles.default]\nurl = \"http://k.example/jsonrpc.php\"\ntoken = \"abc\"\n";

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "kb-hostile-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn set_mode(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs `f` on another thread and fails the test if it takes more than five seconds, so that a
/// call that blocks (opening a FIFO) fails instead of hanging the run.
fn within_5s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what} still blocked after 5 s"))
}

fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", p.display());
}

fn write_profile(path: &Path) -> kanboard::Result<()> {
    let mut f = ConfigFile::load(path)?;
    f.write_profile(
        "added",
        &[(Field::Url, "http://added.example/jsonrpc.php".into())],
    )
}

// ----- symbolic links -----

#[test]
fn a_symlinked_store_stays_a_link_and_its_target_is_updated() {
    let dir = temp_dir("store-link");
    std::fs::create_dir_all(dir.join("real")).unwrap();
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let target = dir.join("real/portfolios.json");
    std::fs::write(&target, STORE).unwrap();
    set_mode(&target, 0o640);
    let link = dir.join("home/portfolios.json");
    std::os::unix::fs::symlink("../real/portfolios.json", &link).unwrap();

    let store = LocalPortfolioStore::new(&link);
    store.create_portfolio("Launch", "", &[1]).unwrap();

    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../real/portfolios.json")
    );
    assert!(std::fs::read_to_string(&target).unwrap().contains("Launch"));
    assert_eq!(mode(&target), 0o640);
    assert_eq!(store.load().unwrap()[0].name, "Launch");
    // No temporary file left beside the link or the target.
    assert!(
        names_in(&dir.join("real"))
            .iter()
            .all(|n| !n.ends_with(".tmp"))
    );
    assert!(
        names_in(&dir.join("home"))
            .iter()
            .all(|n| !n.ends_with(".tmp"))
    );
}

#[test]
fn a_symlinked_config_stays_a_link_and_its_target_is_updated() {
    let dir = temp_dir("config-link");
    let target = dir.join("dotfiles-config.toml");
    std::fs::write(&target, CONFIG).unwrap();
    set_mode(&target, 0o600);
    let link = dir.join("config.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    write_profile(&link).unwrap();

    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("added.example") && text.contains("token = \"abc\""));
    assert_eq!(mode(&target), 0o600);
    assert_eq!(
        ConfigFile::load(&link).unwrap().profile_names(),
        ["default", "added"]
    );
}

#[test]
fn a_dangling_symlink_is_refused_and_no_target_is_created() {
    let dir = temp_dir("dangling");
    let missing = dir.join("nowhere/portfolios.json");
    let link = dir.join("portfolios.json");
    std::os::unix::fs::symlink(&missing, &link).unwrap();
    let store = LocalPortfolioStore::new(&link);

    for r in [
        store.load().map(|_| ()),
        store.create_portfolio("x", "", &[]).map(|_| ()),
        store.save(&[Portfolio::new("x")]),
    ] {
        let e = r.expect_err("a dangling link must be refused");
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(e.to_string().contains("nowhere"), "{e}");
    }
    assert!(!missing.exists());
    assert_eq!(std::fs::read_link(&link).unwrap(), missing);

    // A config link whose target goes away between reading and writing.
    let target = dir.join("real-config.toml");
    std::fs::write(&target, CONFIG).unwrap();
    let clink = dir.join("config.toml");
    std::os::unix::fs::symlink(&target, &clink).unwrap();
    let mut f = ConfigFile::load(&clink).unwrap();
    std::fs::remove_file(&target).unwrap();
    let e = f
        .write_profile("added", &[(Field::Url, "http://a.example/".into())])
        .expect_err("a dangling link must be refused");
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!target.exists());
    assert!(
        std::fs::symlink_metadata(&clink)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let e = ConfigFile::load(&clink).expect_err("reading a dangling link is refused too");
    assert!(e.to_string().contains("does not exist"), "{e}");
}

// ----- read-only files -----

/// Refusal is decided from the permission bits, so it holds for root too (the tests may run as
/// root, who could write the file anyway).
#[test]
fn a_read_only_store_is_refused_and_left_unchanged() {
    let dir = temp_dir("store-ro");
    let path = dir.join("portfolios.json");
    std::fs::write(&path, STORE).unwrap();
    set_mode(&path, 0o444);
    let store = LocalPortfolioStore::new(&path);

    assert!(store.load().unwrap().is_empty(), "reading is fine");
    for r in [
        store.create_portfolio("x", "", &[]).map(|_| ()),
        store.save(&[Portfolio::new("x")]),
    ] {
        let e = r.expect_err("a read-only store must be refused");
        let msg = e.to_string();
        assert!(msg.contains("read-only"), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), STORE);
    assert_eq!(mode(&path), 0o444);
    assert!(names_in(&dir).iter().all(|n| !n.ends_with(".tmp")));
}

#[test]
fn a_read_only_config_is_refused_and_left_unchanged() {
    let dir = temp_dir("config-ro");
    let path = dir.join("config.toml");
    std::fs::write(&path, CONFIG).unwrap();
    set_mode(&path, 0o400);

    let e = write_profile(&path).expect_err("a read-only config must be refused");
    let msg = e.to_string();
    assert!(msg.contains("read-only"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
    assert_eq!(mode(&path), 0o400);
    assert_eq!(names_in(&dir), ["config.toml"]);
}

// ----- FIFOs and directories -----

#[test]
fn a_fifo_in_the_stores_place_is_an_error_not_a_hang() {
    let dir = temp_dir("store-fifo");
    let path = dir.join("portfolios.json");
    mkfifo(&path);
    let p = path.clone();
    let (load, create, save) = within_5s("the store on a FIFO", move || {
        let store = LocalPortfolioStore::new(&p);
        (
            store.load().map(|_| ()).map_err(|e| e.to_string()),
            store
                .create_portfolio("x", "", &[])
                .map(|_| ())
                .map_err(|e| e.to_string()),
            store.save(&[]).map_err(|e| e.to_string()),
        )
    });
    for r in [load, create, save] {
        let msg = r.expect_err("a FIFO must be refused");
        assert!(
            msg.contains("FIFO") && msg.contains("not a regular file"),
            "{msg}"
        );
    }
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_fifo_in_the_configs_place_is_an_error_not_a_hang() {
    let dir = temp_dir("config-fifo");
    let path = dir.join("config.toml");
    mkfifo(&path);
    let p = path.clone();
    let r = within_5s("the config on a FIFO", move || {
        ConfigFile::load(&p).map(|_| ()).map_err(|e| e.to_string())
    });
    let msg = r.expect_err("a FIFO must be refused");
    assert!(
        msg.contains("FIFO") && msg.contains("not a regular file"),
        "{msg}"
    );
    assert!(
        std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn a_directory_in_the_stores_place_is_refused() {
    let dir = temp_dir("store-dir");
    let path = dir.join("portfolios.json");
    std::fs::create_dir(&path).unwrap();
    let store = LocalPortfolioStore::new(&path);
    for r in [
        store.load().map(|_| ()),
        store.create_portfolio("x", "", &[]).map(|_| ()),
    ] {
        let msg = r.expect_err("a directory must be refused").to_string();
        assert!(msg.contains("directory"), "{msg}");
    }
    assert!(path.is_dir());
}

// ----- what is kept -----

#[test]
fn unknown_top_level_store_keys_survive_a_rewrite() {
    let dir = temp_dir("store-keys");
    let path = dir.join("portfolios.json");
    std::fs::write(
        &path,
        r#"{"generator": "kanboard-cli 9", "version": 1, "portfolios": [],
            "settings": {"colour": "blue", "n": [1, 2]}}"#,
    )
    .unwrap();
    let store = LocalPortfolioStore::new(&path);
    store.create_portfolio("A", "", &[]).unwrap();
    let all = store.load().unwrap();
    store.save(&all).unwrap();

    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["generator"], "kanboard-cli 9");
    assert_eq!(v["settings"]["colour"], "blue");
    assert_eq!(v["settings"]["n"], serde_json::json!([1, 2]));
    assert_eq!(v["version"], 1);
    assert_eq!(v["portfolios"][0]["name"], "A");
}

#[test]
fn an_existing_files_mode_is_kept_and_a_new_file_is_private() {
    let dir = temp_dir("modes");
    let store_path = dir.join("portfolios.json");
    std::fs::write(&store_path, STORE).unwrap();
    set_mode(&store_path, 0o640);
    LocalPortfolioStore::new(&store_path)
        .create_portfolio("A", "", &[])
        .unwrap();
    assert_eq!(mode(&store_path), 0o640);

    let config_path = dir.join("config.toml");
    std::fs::write(&config_path, CONFIG).unwrap();
    set_mode(&config_path, 0o640);
    write_profile(&config_path).unwrap();
    assert_eq!(mode(&config_path), 0o640);

    let fresh = dir.join("new/portfolios.json");
    LocalPortfolioStore::new(&fresh)
        .create_portfolio("A", "", &[])
        .unwrap();
    assert_eq!(mode(&fresh), 0o600);
    let fresh_config = dir.join("new/config.toml");
    write_profile(&fresh_config).unwrap();
    assert_eq!(mode(&fresh_config), 0o600);
}

/// The store's errors for these cases are typed: a caller can tell a refusal from an I/O error.
#[test]
fn refusals_are_typed() {
    let dir = temp_dir("typed");
    let path = dir.join("portfolios.json");
    std::fs::write(&path, STORE).unwrap();
    set_mode(&path, 0o400);
    let e = LocalPortfolioStore::new(&path)
        .create_portfolio("x", "", &[])
        .unwrap_err();
    assert!(matches!(e, Error::File(_)), "{e:?}");
}

/// A rewrite keeps the file's owner and group: a 0640 file must not become readable by the
/// writer's own group. Changing a file's group needs root, so this runs only as root.
#[test]
fn a_rewrite_keeps_the_files_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_dir("group");
    let path = dir.join("portfolios.json");
    std::fs::write(&path, STORE).unwrap();
    set_mode(&path, 0o640);
    if std::os::unix::fs::chown(&path, Some(4242), Some(4243)).is_err() {
        eprintln!("skipped: changing a file's owner needs root");
        return;
    }
    LocalPortfolioStore::new(&path)
        .create_portfolio("A", "", &[])
        .unwrap();
    let m = std::fs::metadata(&path).unwrap();
    assert_eq!((m.uid(), m.gid(), mode(&path)), (4242, 4243, 0o640));
}
