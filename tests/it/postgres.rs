//! The PostgreSQL memory beyond the shared store behaviour (`store_suite`):
//! migrations when workers start together, passwords that never show,
//! `depeche tm` on a server and `tm copy` both ways, and a translate run
//! that shares its memory through the server. See: #14

use std::path::Path;
use std::process::{Command, Output};

use depeche::tm::{self, Location, PostgresStore, PostgresUrl};

use crate::pg::{self, PASSWORD};
use crate::support::{fixture, root, validate_xliff, xliff_files};

/// `depeche ARGS` from the project root, with `env` set and no password in
/// the environment unless given.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("depeche"));
    cmd.current_dir(root()).args(args).env_remove("PGPASSWORD").env_remove("PGPASSFILE");
    cmd.env("HOME", "/nonexistent");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_starting_together_migrate_once() {
    let Some(server) = pg::server() else { return pg::skip("migrations") };
    let db = server.fresh_db();
    let url = PostgresUrl::parse(&server.url(&db)).unwrap();
    let opens = (0..8).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { PostgresStore::open_with_pool(&url, 2).await })
    });
    for store in futures::future::join_all(opens).await {
        assert!(store.unwrap().unwrap().fuzzy_available());
    }
    let versions =
        server.query(&db, "SELECT string_agg(version::text, ',') FROM depeche.schema_version");
    let expected: Vec<String> = (1..=tm::SERVER_SCHEMA_VERSION).map(|v| v.to_string()).collect();
    assert_eq!(versions, expected.join(","));

    // A schema from a newer depeche is refused, by name.
    server.query(&db, "INSERT INTO depeche.schema_version (version) VALUES (99)");
    let err = PostgresStore::open(&url).await.unwrap_err();
    let shown = format!("postgres://postgres@127.0.0.1:{}/{db}", server.port);
    assert_eq!(
        err.to_string(),
        format!(
            "{shown}: translation memory schema 99 is newer than this depeche reads ({}); \
             upgrade depeche",
            tm::SERVER_SCHEMA_VERSION
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_never_shows() {
    let Some(server) = pg::server() else { return pg::skip("passwords") };
    let db = server.fresh_db();
    let shown = format!("postgres://postgres@127.0.0.1:{}/{db}", server.port);

    // The library: Debug and errors.
    let url = PostgresUrl::parse(&server.url(&db)).unwrap();
    let store = PostgresStore::open(&url).await.unwrap();
    for text in [format!("{url:?}"), format!("{store:?}"), url.to_string()] {
        assert!(!text.contains(PASSWORD), "{text}");
    }
    let wrong = format!("postgres://postgres:Wr0ng-pw-123@127.0.0.1:{}/{db}", server.port);
    let err = PostgresStore::open(&PostgresUrl::parse(&wrong).unwrap()).await.unwrap_err();
    let debug = format!("{err:?}");
    let chain = format!("{:#} {debug}", anyhow::Error::from(err));
    assert!(!chain.contains("Wr0ng-pw-123"), "{chain}");
    assert!(chain.contains(&shown) && chain.contains("password"), "{chain}");

    // The command line: errors, verbose logs and summaries.
    let out = run(&["-vv", "tm", "--tm", &wrong, "stats"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains("Wr0ng-pw-123"), "{}", text(&out));
    assert!(text(&out).contains(&shown), "{}", text(&out));
    let good = server.url(&db);
    let out = run(&["-vvv", "tm", "--tm", &good, "stats"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(PASSWORD), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{shown}\n")));
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "-v",
            "translate",
            "--no-progress",
            "--provider",
            "none",
            "--tm",
            &good,
            "--out",
            dir.path().to_str().unwrap(),
            "fixtures/articles/brief-me-2021-09-25-rappel-ambassadeur.txt",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(PASSWORD), "{}", text(&out));
    let bad_config = dir.path().join("depeche.toml");
    std::fs::write(&bad_config, format!("[memory]\nurl = \"{wrong}\"\n")).unwrap();
    let out = run(&["--config", bad_config.to_str().unwrap(), "tm", "stats"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains("Wr0ng-pw-123"), "{}", text(&out));
}

#[test]
fn the_password_comes_from_pgpassword_or_the_password_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let Some(server) = pg::server() else { return pg::skip("password sources") };
    let db = server.fresh_db();
    let bare = server.url_without_password(&db);
    let stats = |env: &[(&str, &str)]| run(&["tm", "--tm", &bare, "stats"], env);
    let out = stats(&[]);
    assert_eq!(out.status.code(), Some(2), "no password: {}", text(&out));
    let out = stats(&[("PGPASSWORD", PASSWORD)]);
    assert!(out.status.success(), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pgpass");
    std::fs::write(&file, format!("127.0.0.1:{}:*:postgres:{PASSWORD}\n", server.port)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = stats(&[("PGPASSFILE", file.to_str().unwrap())]);
    assert!(out.status.success(), "{}", text(&out));
    // ~/.pgpass, as libpq finds it.
    std::fs::copy(&file, dir.path().join(".pgpass")).unwrap();
    let out = stats(&[("HOME", dir.path().to_str().unwrap())]);
    assert!(out.status.success(), "{}", text(&out));
}

fn sqlite_entries(path: &Path) -> Vec<tm::Entry> {
    tm::Memory::open(path).unwrap().entries(&tm::Filter::default()).unwrap()
}

#[test]
fn tm_commands_work_on_a_server_and_copy_both_ways() {
    let Some(server) = pg::server() else { return pg::skip("tm commands") };
    let url = server.url(&server.fresh_db());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tm.sqlite");
    let path = |p: &Path| p.to_str().unwrap().to_string();
    for tmx in ["tmx/tm-fr-en.tmx", "tmx/inline-and-props.tmx"] {
        let out = run(&["tm", "--tm", &path(&file), "import", &path(&fixture(tmx))], &[]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let original = sqlite_entries(&file);
    assert_eq!(original.len(), 5);

    // File -> server: everything new; again: nothing changes.
    let out = run(&["tm", "copy", &path(&file), &url], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.ends_with(": 5 entries read, 5 new or changed\n"), "{stdout}");
    assert!(!stdout.contains(PASSWORD), "{stdout}");
    let again = run(&["tm", "copy", &path(&file), &url], &[]);
    assert!(String::from_utf8_lossy(&again.stdout).ends_with("5 entries read, 0 new or changed\n"));

    // Stats and exports agree between the two stores.
    let stats = |tm: &str| {
        let out = run(&["tm", "--tm", tm, "stats"], &[]);
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).lines().skip(1).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(stats(&url), stats(&path(&file)));
    let export = |tm: &str, name: &str| {
        let tmx = dir.path().join(name);
        let out = run(&["tm", "--tm", tm, "export", &path(&tmx)], &[]);
        assert!(out.status.success(), "{}", text(&out));
        std::fs::read_to_string(tmx).unwrap()
    };
    assert_eq!(export(&url, "pg.tmx"), export(&path(&file), "file.tmx"));

    // Import into the server, then server -> a new file: the same entries.
    let out = run(&["tm", "--tm", &url, "import", &path(&fixture("tmx/tm-fr-en.tmx"))], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(0 new or changed)"), "{}", text(&out));
    let back = dir.path().join("back.sqlite");
    let out = run(&["tm", "copy", &url, &path(&back)], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sqlite_entries(&back), original, "origin, glossary version and dates survive");

    // A missing source is named, not created.
    let missing = dir.path().join("none.sqlite");
    let out = run(&["tm", "copy", &path(&missing), &url], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("none.sqlite: no such translation memory"), "{}", text(&out));
    assert!(!missing.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_translate_run_shares_its_memory_through_the_server() {
    let Some(server) = pg::server() else { return pg::skip("translate") };
    let db = server.fresh_db();
    let dir = tempfile::tempdir().unwrap();
    // The server named in the config, the password in the environment.
    let config = dir.path().join("depeche.toml");
    std::fs::write(&config, format!("[memory]\nurl = \"{}\"\n", server.url_without_password(&db)))
        .unwrap();
    let mt = crate::support::echo_libretranslate(std::time::Duration::ZERO).await;
    let translate = |out: &str| {
        run(
            &[
                "--config",
                config.to_str().unwrap(),
                "translate",
                "--no-progress",
                "--provider",
                "libretranslate",
                "--endpoint",
                &mt.uri(),
                "--out",
                dir.path().join(out).to_str().unwrap(),
                fixture("articles/brief-me-2021-09-25-rappel-ambassadeur.txt").to_str().unwrap(),
            ],
            &[("PGPASSWORD", PASSWORD)],
        )
    };
    let first = translate("one");
    assert!(first.status.success(), "{}", text(&first));
    let requests = mt.received_requests().await.unwrap().len();
    assert!(requests > 0);
    let second = translate("two");
    assert!(second.status.success(), "{}", text(&second));
    assert_eq!(mt.received_requests().await.unwrap().len(), requests, "served by the memory");
    let summary = String::from_utf8_lossy(&second.stdout).into_owned();
    let segments: usize =
        server.query(&db, "SELECT count(*) FROM depeche.entries").parse().unwrap();
    assert!(
        summary.contains(&format!("memory     {segments} hits of {segments} segments")),
        "{summary}"
    );
    let files = xliff_files(&dir.path().join("two"));
    validate_xliff(&files.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    // The same memory through the library's location type.
    let store = Location::parse(&server.url(&db)).unwrap().open().await.unwrap();
    assert_eq!(store.stats().await.unwrap()[0].entries as usize, segments);
}
