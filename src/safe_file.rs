//! Reading and replacing the small files a user keeps (`config.toml`, `portfolios.json`) without
//! harming whatever is found in their place. Both the config writer and the portfolio store go
//! through here.
//!
//! - **Atomic replacement**: the new content goes to a temporary file in the same folder, is
//!   flushed, renamed over the file, and the folder is flushed: a reader sees the old file or the
//!   new one, never a part of one, even if the writer is killed.
//! - **Symbolic links are written through**: the link is resolved, the temporary file is made
//!   beside its target and renamed over the target, so the link stays a link (a dotfiles manager's
//!   link keeps working). A *dangling* link is refused ([`FileError::DanglingLink`]), for reading
//!   and for writing: creating a file wherever a link points is how a planted link redirects a
//!   write, and treating it as "no file yet" would silently ignore the file the user meant.
//! - **Refusals change nothing**: a read-only file (its owner's write bit is clear, or this user
//!   may not write it) is [`FileError::ReadOnly`], and a FIFO, directory, device or socket in the
//!   file's place is [`FileError::NotRegular`]. The decision comes from the file's metadata, not
//!   from a failed `open`, so it holds for root too; nothing is renamed or chmod-ed.
//! - **Never blocks**: a file is checked before it is opened, opened with `O_NONBLOCK` and checked
//!   again on the open handle, so a FIFO put in its place is an error, not a hang.
//! - **Permissions**: a new file is created 0600 (it may hold credentials). A replaced file keeps
//!   its permission bits and, where the system allows, its owner and group; when the group cannot
//!   be kept the group bits are dropped rather than handing them to another group.

use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a path names when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A directory.
    Directory,
    /// A named pipe: reading it could block until another process writes.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character device such as `/dev/null` or a terminal.
    CharDevice,
    /// A block device such as a disk.
    BlockDevice,
    /// Anything else that is not a regular file.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "directory",
            FileKind::Fifo => "FIFO (named pipe)",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Other => "special file",
        })
    }
}

/// Why a file could not be read or replaced. Every variant names the file concerned: for a
/// symbolic link, its target.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// Something other than a regular file is in the file's place; it was left alone.
    #[error("{} is a {kind}, not a regular file: refusing to {action} it", .path.display())]
    NotRegular {
        /// The path, or a symbolic link's target.
        path: PathBuf,
        /// What is there instead.
        kind: FileKind,
        /// `read` or `replace`.
        action: &'static str,
    },

    /// The file may not be written by this user (see the module docs); it was left alone.
    #[error(
        "{} is read-only (mode {mode:04o}): refusing to replace it; make it writable \
         (chmod u+w) to allow this", .path.display()
    )]
    ReadOnly {
        /// The file, or a symbolic link's target.
        path: PathBuf,
        /// Its permission bits, e.g. `0o444`.
        mode: u32,
    },

    /// The path is a symbolic link to nothing; no file was created at the target.
    #[error(
        "{} is a symbolic link to {}, which does not exist: create the target or remove the link",
        .path.display(), .target.display()
    )]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },

    /// The system refused an operation.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// The file, or a symbolic link's target.
        path: PathBuf,
        /// What was being done: `read`, `write`, `rename over`, ...
        action: &'static str,
        /// The system error.
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::NotRegular { path, .. }
            | FileError::ReadOnly { path, .. }
            | FileError::DanglingLink { path, .. }
            | FileError::Io { path, .. } => path,
        }
    }
}

fn io_error<'a>(
    path: &'a Path,
    action: &'static str,
) -> impl FnOnce(std::io::Error) -> FileError + 'a {
    move |source| FileError::Io {
        path: path.to_owned(),
        action,
        source,
    }
}

/// The file a path stands for: itself, or the final target of a symbolic link, with its
/// metadata (`None` when nothing is there yet).
struct Located {
    path: PathBuf,
    meta: Option<Metadata>,
}

fn locate(path: &Path) -> Result<Located, FileError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Located {
                path: path.to_owned(),
                meta: None,
            });
        }
        Err(e) => return Err(io_error(path, "inspect")(e)),
    };
    if !meta.file_type().is_symlink() {
        return Ok(Located {
            path: path.to_owned(),
            meta: Some(meta),
        });
    }
    match fs::canonicalize(path) {
        Ok(target) => {
            // A canonical path has no link left in it, so this is the file itself.
            let meta = fs::symlink_metadata(&target).map_err(io_error(&target, "inspect"))?;
            Ok(Located {
                path: target,
                meta: Some(meta),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(FileError::DanglingLink {
            path: path.to_owned(),
            target: fs::read_link(path).unwrap_or_default(),
        }),
        Err(e) => Err(io_error(path, "resolve the symbolic link")(e)),
    }
}

/// The path a write to `path` replaces: `path` itself, or the target of the symbolic link it is.
/// What to lock, so that two links to one file share a lock.
pub fn resolve(path: &Path) -> Result<PathBuf, FileError> {
    locate(path).map(|l| l.path)
}

fn kind_of(meta: &Metadata) -> Option<FileKind> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some(FileKind::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some(FileKind::Fifo);
        }
        if t.is_socket() {
            return Some(FileKind::Socket);
        }
        if t.is_char_device() {
            return Some(FileKind::CharDevice);
        }
        if t.is_block_device() {
            return Some(FileKind::BlockDevice);
        }
    }
    Some(FileKind::Other)
}

fn check_regular(path: &Path, meta: &Metadata, action: &'static str) -> Result<(), FileError> {
    match kind_of(meta) {
        None => Ok(()),
        Some(kind) => Err(FileError::NotRegular {
            path: path.to_owned(),
            kind,
            action,
        }),
    }
}

/// The file's content, or `None` when nothing is at `path`. A symbolic link is read through;
/// anything but a regular file is refused without blocking.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>, FileError> {
    let Located { path, meta } = locate(path)?;
    let Some(meta) = meta else {
        return Ok(None);
    };
    check_regular(&path, &meta, "read")?;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should a FIFO be swapped in after the check, opening it still returns at once.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let mut file = match options.open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(&path, "read")(e)),
    };
    let meta = file.metadata().map_err(io_error(&path, "inspect"))?;
    check_regular(&path, &meta, "read")?;
    let mut bytes = Vec::with_capacity(meta.len().try_into().unwrap_or(0));
    file.read_to_end(&mut bytes)
        .map_err(io_error(&path, "read"))?;
    Ok(Some(bytes))
}

/// Whether this user may replace the file, from its metadata (see the module docs).
fn writable(path: &Path, meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.mode() & 0o200 == 0 {
            return false;
        }
        let me = rustix::process::geteuid();
        if me.is_root() || me.as_raw() == meta.uid() {
            return true;
        }
        // Someone else's file: writable through its group or other bits, as access(2) says.
        rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        !meta.permissions().readonly()
    }
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.`: the start of every temporary file name for the file at `target`.
fn temp_prefix(target: &Path) -> String {
    format!(
        ".{}.",
        target.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// Replaces the file's content atomically (see the module docs for links, refusals and modes).
/// The folder must exist.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let Located { path: target, meta } = locate(path)?;
    if let Some(meta) = &meta {
        check_regular(&target, meta, "replace")?;
        if !writable(&target, meta) {
            return Err(FileError::ReadOnly {
                path: target,
                mode: permission_bits(meta),
            });
        }
    }
    let dir = folder(&target);
    let temp = dir.join(format!(
        "{}{}.{}.tmp",
        temp_prefix(&target),
        std::process::id(),
        TEMP_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = private_options()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io_error(&temp, "create a temporary file"))?;
        file.write_all(bytes).map_err(io_error(&temp, "write"))?;
        set_permissions(&file, meta.as_ref()).map_err(io_error(&temp, "set the mode of"))?;
        file.sync_all().map_err(io_error(&temp, "flush"))?;
        drop(file);
        fs::rename(&temp, &target).map_err(io_error(&target, "replace"))?;
        sync_dir(&dir).map_err(io_error(&dir, "flush the folder"))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Temporary files a killed writer left beside `target`. Only for callers holding a lock that
/// every writer of the file takes, so that none of them can have one open.
pub(crate) fn remove_stale_temps(target: &Path) {
    let prefix = temp_prefix(target);
    let Ok(entries) = fs::read_dir(folder(target)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

fn permission_bits(meta: &Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// Gives the temporary file the mode (and owner) the file will have: the old file's, or 0600.
/// Set explicitly, so the umask can neither narrow nor widen it.
fn set_permissions(file: &File, old: Option<&Metadata>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = match old {
            None => 0o600,
            Some(old) => {
                let mut mode = permission_bits(old);
                let new = file.metadata()?;
                if (new.uid(), new.gid()) != (old.uid(), old.gid())
                    && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
                    && std::os::unix::fs::fchown(file, None, Some(old.gid())).is_err()
                    && new.gid() != old.gid()
                {
                    // The file changes group: its group bits must not go to the new group.
                    mode &= !0o070;
                }
                mode
            }
        };
        file.set_permissions(fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, old);
        Ok(())
    }
}

/// Files readable and writable by the owner only from their creation on, so that credentials
/// are never readable by others, not even for a moment.
pub(crate) fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Makes a rename durable: on Unix the folder entry is flushed too.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
