//! A real PostgreSQL server for the tests: Debian's binaries
//! (`/usr/lib/postgresql/<major>/bin`), a cluster made with `initdb` in a
//! temporary folder, run as the `postgres` user when the tests run as root
//! (the server refuses root), on a free 127.0.0.1 port, with password
//! authentication. It starts once per test process, at the first test that
//! asks, and dies with the process: a parent-death signal stops it, as for
//! the Apertium server in `translate/support.rs`. Folders left by earlier
//! runs whose process is gone are removed at start.
//!
//! Each test takes a database of its own ([`fresh_url`]). Without the
//! binaries the PostgreSQL tests are skipped with a message, except under
//! CI (`CI` set), where `.ci/run` installs them and their absence fails.

use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The superuser's password on the test server: deliberately odd, so a
/// leak is easy to find in any output.
pub const PASSWORD: &str = "pg-T3st-s3cret";

/// A running test server.
#[derive(Debug)]
pub struct Server {
    pub port: u16,
    bin: PathBuf,
}

/// Where Debian puts the server binaries: the newest major version.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

/// The test server, started on first use; `None` (after a message) when
/// the PostgreSQL binaries are not installed.
pub fn server() -> Option<&'static Server> {
    static SERVER: OnceLock<Option<Server>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let Some(bin) = bin_dir() else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL is not installed; .ci/run installs it (apt-get install postgresql)"
                );
                return None;
            };
            Some(start(bin))
        })
        .as_ref()
}

/// Says why a test does nothing.
pub fn skip(test: &str) {
    eprintln!(
        "skipped {test}: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin \
         (apt-get install postgresql postgresql-contrib)"
    );
}

/// The uid and gid of the `postgres` user, when running as root.
fn postgres_ids() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    Some((
        id("-u")
            .expect("running as root: the `postgres` user is needed (apt-get install postgresql)"),
        id("-g").expect("the `postgres` group"),
    ))
}

/// A command run as the `postgres` user when the tests run as root.
fn as_postgres(program: &Path, ids: Option<(u32, u32)>) -> Command {
    let mut cmd = Command::new(program);
    if let Some((uid, gid)) = ids {
        cmd.uid(uid).gid(gid);
    }
    cmd
}

/// Removes the folders of earlier test processes that have ended.
fn sweep_old_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("depeche-pg-test-")) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn start(bin: PathBuf) -> Server {
    sweep_old_folders();
    let ids = postgres_ids();
    let dir = std::env::temp_dir().join(format!("depeche-pg-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pw"), PASSWORD).unwrap();
    if let Some((uid, gid)) = ids {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
        std::os::unix::fs::chown(dir.join("pw"), Some(uid), Some(gid)).unwrap();
    }
    let data = dir.join("data");
    let out = as_postgres(&bin.join("initdb"), ids)
        .current_dir(&dir)
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=scram-sha-256", "--no-sync", "-E", "UTF8"])
        .args(["--locale=C.UTF-8"])
        .arg(format!("--pwfile={}", dir.join("pw").display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    let postgres = bin.join("postgres");
    let log = std::fs::File::create(dir.join("log")).unwrap();
    let sockets = dir.clone();
    // The death signal follows the thread that spawned the child, so that
    // thread lives as long as the test process.
    std::thread::spawn(move || {
        let mut cmd = as_postgres(&postgres, ids);
        cmd.current_dir(&sockets)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(&sockets)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=300", "-c", "shared_buffers=32MB"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        // SAFETY: prctl is async-signal-safe and touches no shared state.
        // SIGQUIT: immediate shutdown, which also ends the server's children.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGQUIT);
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("spawn postgres");
        tx.send(()).unwrap();
        let _ = child.wait();
    });
    rx.recv().unwrap();
    let server = Server { port, bin };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.psql("postgres", "SELECT 1").status.success() {
        assert!(
            Instant::now() < deadline,
            "PostgreSQL did not start on port {port}; see {}",
            dir.join("log").display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

impl Server {
    /// Runs one SQL command with `psql` as the superuser on `db`.
    pub fn psql(&self, db: &str, sql: &str) -> std::process::Output {
        Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .env_remove("PGPASSFILE")
            .output()
            .unwrap()
    }

    /// Runs `sql` on `db` and returns what it printed, failing the test on
    /// an error.
    pub fn query(&self, db: &str, sql: &str) -> String {
        let out = self.psql(db, sql);
        assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// A new, empty database; returns its name.
    pub fn fresh_db(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        self.query("postgres", &format!("CREATE DATABASE {name}"));
        name
    }

    /// The URL of `db` without a password (give it through `PGPASSWORD`).
    pub fn url_without_password(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// The URL of `db` with the password in it.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }
}

/// The URL (password included) of a new database on the test server, or
/// `None` after a skip message.
pub fn fresh_url(test: &str) -> Option<String> {
    let Some(server) = server() else {
        skip(test);
        return None;
    };
    Some(server.url(&server.fresh_db()))
}
