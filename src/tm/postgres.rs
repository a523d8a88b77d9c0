//! The translation memory on a PostgreSQL server, behind [`MemoryStore`]:
//! one memory shared by every worker of every machine.
//!
//! Same contract as the SQLite store (see [`MemoryStore`]): entries keyed
//! by the normalised source and the two locales, one per origin (`human`
//! or `mt:<provider>`), human first, newest wins among equals, written text
//! and glossary version kept. What differs is only where the work is done:
//!
//! - Exact lookups of a whole batch are one query on a SHA-256 key of
//!   (source locale, target locale, normalised source), so sentences of any
//!   length are indexed (a B-tree entry holds at most ~2.7 kB).
//! - Fuzzy lookups ask `pg_trgm` (Debian's `postgresql-contrib`) for the
//!   sentences nearest by trigrams to the one looked up, through a GiST
//!   index, then score those with the word measure of [`fuzzy`], so
//!   qualities and thresholds are those of the SQLite store. The trigram
//!   bar is set well under the word threshold (see [`trigram_bar`]) and at
//!   most [`FUZZY_CANDIDATES`] sentences are scored per lookup. A server
//!   without `pg_trgm` offers no fuzzy matches (the store contract allows
//!   it) and says so once in the log.
//! - Stores run in one transaction, row by row in key order, pipelined on
//!   one connection: the per-row rules are exactly SQLite's, and two
//!   workers storing the same sentences lock them in the same order, so
//!   they never deadlock.
//! - The schema is versioned ([`MIGRATIONS`]). Opening migrates it in one
//!   transaction under a transaction-scoped advisory lock, so workers that
//!   start together wait for the first one and then find the schema done.
//!
//! Connections come from a pool ([`POOL_SIZE`] by default). The password
//! comes from the URL, else `PGPASSWORD`, else the password file
//! (`PGPASSFILE` or `~/.pgpass`), as libpq finds them; it never appears in
//! a message, a log line or `Debug` output: the store is named by
//! [`PostgresUrl`]'s display, which leaves it out.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use sha2::{Digest as _, Sha256};
use tokio_postgres::config::Host;
use tokio_postgres::{NoTls, Row};

use super::fuzzy;
use super::store::{Lookup, Match, MemoryStore};
use super::{
    Entry, EntryOrigin, Error, Filter, NewEntry, StatRow, canonical_lang, lang, normalize,
};

/// Connections kept by default: lookups and stores of the articles in
/// flight share them.
pub const POOL_SIZE: usize = 8;

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a caller waits for a free pooled connection.
const POOL_WAIT: Duration = Duration::from_secs(60);

/// Most sentences scored with the word measure per fuzzy lookup: the best
/// by trigram similarity.
pub const FUZZY_CANDIDATES: i64 = 64;

/// Fuzzy lookups of one batch per connection, at least, before the batch
/// is spread over several.
const FUZZY_PART: usize = 8;

/// Most connections one batch of fuzzy lookups uses at once.
const FUZZY_CONNECTIONS: usize = 4;

/// The key of the advisory lock migrations hold ("depeche" + 1 in ASCII).
const MIGRATION_LOCK: i64 = 0x6465_7065_6368_6501;

/// The versioned schema: migration `i` brings the schema to version `i + 1`.
/// Each runs once per database, in the transaction that records it.
const MIGRATIONS: &[&str] = &[
    // 1: entries, as in SQLite schema 2. Text columns compare by code point
    // (`C`), as SQLite does, so listings sort the same on both stores.
    // Times are RFC 3339 UTC text, as in SQLite, so that "newest wins"
    // compares exactly the same strings.
    "CREATE TABLE depeche.entries (
         id bigserial PRIMARY KEY,
         key bytea NOT NULL,
         source_lang text COLLATE \"C\" NOT NULL,
         target_lang text COLLATE \"C\" NOT NULL,
         source text COLLATE \"C\" NOT NULL,
         origin text COLLATE \"C\" NOT NULL,
         target text NOT NULL,
         glossary_version text,
         created text NOT NULL,
         updated text NOT NULL,
         source_text text NOT NULL,
         UNIQUE (key, origin)
     );
     CREATE INDEX entries_pair ON depeche.entries (source_lang, target_lang);",
    // 2: what workers coordinate through (see `crate::coordination`).
    // Claims and buckets are unlogged: fast, and a crash of the server only
    // forgets who was translating what and the recent traffic, which the
    // workers rebuild. Times are the server's clock, the one all workers
    // share.
    "CREATE UNLOGGED TABLE depeche.claims (
         key bytea PRIMARY KEY,
         worker text NOT NULL,
         expires timestamptz NOT NULL
     );
     CREATE INDEX claims_worker ON depeche.claims (worker);
     CREATE UNLOGGED TABLE depeche.buckets (
         name text PRIMARY KEY,
         tokens double precision NOT NULL,
         updated timestamptz NOT NULL,
         paused_until timestamptz
     );
     CREATE TABLE depeche.budgets (
         name text PRIMARY KEY,
         spent bigint NOT NULL,
         exhausted boolean NOT NULL DEFAULT false,
         created timestamptz NOT NULL DEFAULT now()
     );",
];

/// The schema version this depeche reads and writes on a server.
pub const SERVER_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Current time as RFC 3339 UTC, to the second, as the SQLite store writes it.
const NOW: &str = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

const COLUMNS: &str = "source, target, source_lang, target_lang, origin, glossary_version, \
     created, updated, source_text, id, key";

/// A PostgreSQL connection URL (`postgres://user@host:port/db`), with its
/// password kept apart: `Display` and `Debug` show the URL without it.
#[derive(Clone)]
pub struct PostgresUrl {
    config: Box<tokio_postgres::Config>,
    shown: String,
}

impl fmt::Display for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PostgresUrl").field(&self.shown).finish()
    }
}

impl PostgresUrl {
    /// True when `text` is meant as a PostgreSQL URL (`postgres://` or
    /// `postgresql://`).
    pub fn is_url(text: &str) -> bool {
        let lower = text.trim_start().to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// Parses a `postgres://` URL, then finds the password as libpq does
    /// when the URL has none: `PGPASSWORD`, then the password file.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::parse_with_env(text, &|name| std::env::var_os(name).map(PathBuf::from))
    }

    /// [`parse`](Self::parse), reading variables through `env` (tests).
    pub fn parse_with_env(
        text: &str,
        env: &dyn Fn(&str) -> Option<PathBuf>,
    ) -> Result<Self, Error> {
        let bad = |reason: String| Error::BadLocation { location: redact(text), reason };
        if !Self::is_url(text) {
            return Err(bad("not a PostgreSQL URL (expected postgres://user@host/db)".into()));
        }
        let mut config = tokio_postgres::Config::from_str(text.trim())
            .map_err(|e| bad(format!("not a PostgreSQL URL that depeche can use: {e}")))?;
        if config.get_user().is_none() {
            let user = env("PGUSER")
                .or_else(|| env("USER"))
                .map(|u| u.to_string_lossy().into_owned())
                .ok_or_else(|| bad("no user name: write postgres://USER@host/db".into()))?;
            config.user(user);
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("depeche");
        let shown = shown(&config);
        if config.get_password().is_none() {
            if let Some(pw) = env("PGPASSWORD").filter(|p| !p.as_os_str().is_empty()) {
                config.password(pw.to_string_lossy().as_bytes());
            } else if let Some(pw) = password_file(&config, env) {
                config.password(pw);
            }
        }
        Ok(Self { config: Box::new(config), shown })
    }

    /// True when a password was found (in the URL, the environment or the
    /// password file).
    pub fn has_password(&self) -> bool {
        self.config.get_password().is_some()
    }
}

/// The URL as shown: user, hosts, ports and database, never the password.
fn shown(config: &tokio_postgres::Config) -> String {
    let user = config.get_user().unwrap_or_default();
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match ports.get(i).or(ports.first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let db = config.get_dbname().unwrap_or(user);
    format!("postgres://{user}@{}/{db}", hosts.join(","))
}

/// `text` with anything that may be a password cut out: what follows the
/// first `:` of the user part, and any `password=` parameter. For messages
/// about text that could not be parsed.
pub fn redact(text: &str) -> String {
    let mut out = text.trim().to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let rest = out.get(rest_start..).unwrap_or_default();
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = rest.get(..authority_end).unwrap_or_default();
        if let Some(at) = authority.rfind('@') {
            let userinfo = authority.get(..at).unwrap_or_default();
            if let Some(colon) = userinfo.find(':') {
                let user = userinfo.get(..colon).unwrap_or_default();
                let after = authority.get(at..).unwrap_or_default();
                let tail = rest.get(authority_end..).unwrap_or_default();
                out =
                    format!("{}{user}:***{after}{tail}", out.get(..rest_start).unwrap_or_default());
            }
        }
    }
    // A `password=` query parameter, up to the next `&`.
    let lower = out.to_ascii_lowercase();
    if let Some(pos) = lower.find("password=") {
        let value_start = pos + "password=".len();
        let value_end =
            out.get(value_start..).and_then(|v| v.find('&')).map_or(out.len(), |e| value_start + e);
        out = format!(
            "{}***{}",
            out.get(..value_start).unwrap_or_default(),
            out.get(value_end..).unwrap_or_default()
        );
    }
    out
}

/// The password for `config` from the password file, as libpq reads it:
/// `PGPASSFILE` or `~/.pgpass`, lines `host:port:database:user:password`
/// with `*` for any value and `\` escaping `:` and `\`; the first line that
/// matches wins. A file others can read is ignored, with a warning, as
/// libpq does.
fn password_file(
    config: &tokio_postgres::Config,
    env: &dyn Fn(&str) -> Option<PathBuf>,
) -> Option<Vec<u8>> {
    let path = env("PGPASSFILE").or_else(|| env("HOME").map(|h| h.join(".pgpass")))?;
    let text = std::fs::read_to_string(&path).ok()?;
    if !private(&path) {
        tracing::warn!(
            path = %path.display(),
            "password file ignored: others can read it (chmod 0600 it)"
        );
        return None;
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    pgpass_lookup(&text, &host, &port, db, user).map(String::into_bytes)
}

#[cfg(unix)]
fn private(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 == 0)
}

#[cfg(not(unix))]
fn private(_path: &Path) -> bool {
    true
}

/// The password of the first line of a password file that matches.
fn pgpass_lookup(text: &str, host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        let [h, p, d, u, password] = fields.as_slice() else { continue };
        let fits = |field: &String, value: &str| field == "*" || field == value;
        if fits(h, host) && fits(p, port) && fits(d, db) && fits(u, user) {
            return Some(password.clone());
        }
    }
    None
}

/// The fields of one password file line: split on `:`, `\` escaping the
/// next character; the password takes the rest of the line.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == ':' && fields.len() < 5 {
            fields.push(String::new());
            continue;
        }
        let Some(field) = fields.last_mut() else { break };
        match c {
            '\\' => field.extend(chars.next()),
            c => field.push(c),
        }
    }
    fields
}

/// The translation memory on a PostgreSQL server.
///
/// Cheap to clone (clones share the pool) and `Send + Sync`. Everything
/// goes through [`MemoryStore`]; no method blocks.
#[derive(Clone)]
pub struct PostgresStore {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pool: Pool,
    url: PostgresUrl,
    /// `pg_trgm` is installed: fuzzy lookups can be answered.
    trigrams: bool,
    /// This process among the workers: host, process id and a random part.
    pub(super) worker: String,
    /// How long a claim lasts unless renewed.
    pub(super) lease: Duration,
    /// Set once the task renewing this worker's claims runs.
    pub(super) renewing: std::sync::atomic::AtomicBool,
    /// The claims held by the articles of this process: the server knows
    /// the worker only, so two articles in flight that meet the same
    /// sentence are told apart here.
    pub(super) held: std::sync::Mutex<std::collections::HashSet<Vec<u8>>>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.inner.url.shown)
            .field("trigrams", &self.inner.trigrams)
            .finish_non_exhaustive()
    }
}

/// A row of the entries table, with its id and key.
struct Stored {
    id: i64,
    key: Vec<u8>,
    entry: Entry,
}

impl PostgresStore {
    /// Connects to the server at `url` with [`POOL_SIZE`] connections and
    /// brings the schema up to date.
    pub async fn open(url: &PostgresUrl) -> Result<Self, Error> {
        Self::open_with_pool(url, POOL_SIZE).await
    }

    /// [`open`](Self::open) with at most `connections` connections.
    pub async fn open_with_pool(url: &PostgresUrl, connections: usize) -> Result<Self, Error> {
        let manager = Manager::from_config(
            (*url.config).clone(),
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(connections.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| store_error(url, e))?;
        let mut inner = Inner {
            pool,
            url: url.clone(),
            trigrams: false,
            worker: worker_id(),
            lease: crate::coordination::lease_from_env(),
            renewing: std::sync::atomic::AtomicBool::new(false),
            held: std::sync::Mutex::default(),
        };
        inner.trigrams = inner.migrate().await?;
        if !inner.trigrams {
            tracing::warn!(
                server = %inner.url,
                "pg_trgm is not installed on the server: no fuzzy matches will be offered \
                 (install postgresql-contrib and run CREATE EXTENSION pg_trgm as a superuser)"
            );
        }
        Ok(Self { inner: Arc::new(inner) })
    }

    /// The server, as shown in messages.
    pub fn url(&self) -> &PostgresUrl {
        &self.inner.url
    }

    /// True when fuzzy lookups are answered (`pg_trgm` is installed).
    pub fn fuzzy_available(&self) -> bool {
        self.inner.trigrams
    }

    /// A pooled connection.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Client, Error> {
        self.inner.client().await
    }

    /// Turns a server error into the store's error.
    pub(crate) fn err(&self, e: impl std::error::Error + Send + Sync + 'static) -> Error {
        store_error(&self.inner.url, e)
    }
}

/// This process among the workers: `host:pid:random`.
fn worker_id() -> String {
    use std::hash::{BuildHasher as _, RandomState};
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let random = RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{host}:{}:{random:016x}", std::process::id())
}

fn store_error(url: &PostgresUrl, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Store { store: url.shown.clone(), source: Box::new(e) }
}

/// Why a connection could not be had, with the likely fix.
fn connect_error(url: &PostgresUrl, e: deadpool_postgres::PoolError) -> Error {
    use deadpool_postgres::PoolError;
    use tokio_postgres::error::SqlState;
    let store = url.shown.clone();
    let e = match e {
        PoolError::Backend(e) => e,
        PoolError::Timeout(_) => {
            return Error::Connect {
                store,
                hint: " (no connection within the time allowed: is the server reachable?)".into(),
                source: Box::new(e),
            };
        }
        other => return store_error(url, other),
    };
    let code = e.code();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(&c.to_string());
        cause = c.source();
    }
    let hint = if code == Some(&SqlState::INVALID_PASSWORD) || text.contains("password missing") {
        " (check the password: in the URL, PGPASSWORD or ~/.pgpass)"
    } else if code == Some(&SqlState::INVALID_CATALOG_NAME) {
        " (create the database first, e.g. with createdb)"
    } else if code == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION) {
        " (the server refuses this user from this host: see its pg_hba.conf)"
    } else if code.is_none() && e.as_db_error().is_none() && !e.is_closed() {
        " (is the server running, and are the host and port right?)"
    } else {
        ""
    };
    Error::Connect { store, hint: hint.into(), source: Box::new(e) }
}

impl Inner {
    pub(super) async fn client(&self) -> Result<deadpool_postgres::Client, Error> {
        self.pool.get().await.map_err(|e| connect_error(&self.url, e))
    }

    pub(super) fn err(&self, e: impl std::error::Error + Send + Sync + 'static) -> Error {
        store_error(&self.url, e)
    }

    /// Brings the schema to [`SERVER_SCHEMA_VERSION`]; returns whether
    /// `pg_trgm` is there for fuzzy lookups.
    async fn migrate(&self) -> Result<bool, Error> {
        let mut client = self.client().await?;
        let found = schema_version(&client).await.map_err(|e| self.err(e))?;
        if found > SERVER_SCHEMA_VERSION {
            return Err(self.too_new(found));
        }
        if found < SERVER_SCHEMA_VERSION || !trigram_index(&client).await.unwrap_or(false) {
            let tx = client.transaction().await.map_err(|e| self.err(e))?;
            // Held until commit: workers starting together queue here, and
            // each reads the version again once it has the lock.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(|e| self.err(e))?;
            tx.batch_execute(
                "CREATE SCHEMA IF NOT EXISTS depeche;
                 CREATE TABLE IF NOT EXISTS depeche.schema_version (
                     version integer PRIMARY KEY,
                     applied timestamptz NOT NULL DEFAULT now()
                 );",
            )
            .await
            .map_err(|e| self.err(e))?;
            let found = schema_version(&tx).await.map_err(|e| self.err(e))?;
            if found > SERVER_SCHEMA_VERSION {
                return Err(self.too_new(found));
            }
            for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0))
            {
                let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
                tx.batch_execute(sql).await.map_err(|e| self.err(e))?;
                tx.execute("INSERT INTO depeche.schema_version (version) VALUES ($1)", &[&version])
                    .await
                    .map_err(|e| self.err(e))?;
                tracing::info!(server = %self.url, version, "translation memory schema upgraded");
            }
            // The trigram index for fuzzy lookups, where pg_trgm can be had:
            // not a numbered migration, since it may come later, once an
            // administrator installs the extension.
            tx.batch_execute("SAVEPOINT trigrams").await.map_err(|e| self.err(e))?;
            let made = tx
                .batch_execute(
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm;
                     CREATE INDEX IF NOT EXISTS entries_trigrams
                         ON depeche.entries USING gist (source gist_trgm_ops);",
                )
                .await;
            if let Err(e) = made {
                tracing::debug!(server = %self.url, "no trigram index: {e}");
                tx.batch_execute("ROLLBACK TO SAVEPOINT trigrams")
                    .await
                    .map_err(|e| self.err(e))?;
            }
            tx.commit().await.map_err(|e| self.err(e))?;
        }
        trigram_index(&client).await.map_err(|e| self.err(e))
    }

    fn too_new(&self, found: i64) -> Error {
        Error::ServerTooNew {
            store: self.url.shown.clone(),
            found,
            expected: SERVER_SCHEMA_VERSION,
        }
    }
}

/// The schema version recorded on the server; 0 before the first migration.
async fn schema_version(
    client: &impl deadpool_postgres::GenericClient,
) -> Result<i64, tokio_postgres::Error> {
    let exists =
        client.query_one("SELECT to_regclass('depeche.schema_version') IS NOT NULL", &[]).await?;
    if !exists.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = client
        .query_one("SELECT coalesce(max(version), 0) FROM depeche.schema_version", &[])
        .await?;
    Ok(i64::from(row.get::<_, i32>(0)))
}

/// True when the trigram index exists (and so `pg_trgm` too).
async fn trigram_index(
    client: &impl deadpool_postgres::GenericClient,
) -> Result<bool, tokio_postgres::Error> {
    let row =
        client.query_one("SELECT to_regclass('depeche.entries_trigrams') IS NOT NULL", &[]).await?;
    Ok(row.get(0))
}

/// The lookup key of a sentence: SHA-256 of the locales and the normalised
/// source.
pub(crate) fn entry_key(src: &str, tgt: &str, source_key: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(src.as_bytes());
    h.update([0x1f]);
    h.update(tgt.as_bytes());
    h.update([0x1f]);
    h.update(source_key.as_bytes());
    h.finalize().to_vec()
}

/// The trigram similarity under which `pg_trgm` need not look, for a word
/// similarity `threshold`. A sentence sharing a share `s` of its words
/// shares about `s / (2 − s)` of its trigrams with the other; half of that
/// leaves room for short words and punctuation, which trigrams weigh
/// differently (0.75 → 0.30, 0.5 → 0.17).
pub fn trigram_bar(threshold: f64) -> f64 {
    (threshold / (2.0 - threshold) * 0.5).clamp(0.05, 1.0)
}

/// Best first, as the store contract ranks: human, then newest, then last
/// stored.
fn rank(a: &Stored, b: &Stored) -> std::cmp::Ordering {
    let human = |s: &Stored| s.entry.origin == EntryOrigin::Human;
    human(b)
        .cmp(&human(a))
        .then_with(|| b.entry.updated.cmp(&a.entry.updated))
        .then_with(|| b.id.cmp(&a.id))
}

/// One row of [`COLUMNS`]; `None` for an origin this version does not know.
fn read_row(row: &Row) -> Result<Option<Stored>, tokio_postgres::Error> {
    let origin: String = row.try_get(4)?;
    let Some(origin) = EntryOrigin::from_key(&origin) else { return Ok(None) };
    Ok(Some(Stored {
        id: row.try_get(9)?,
        key: row.try_get(10)?,
        entry: Entry {
            source: row.try_get(0)?,
            target: row.try_get(1)?,
            source_lang: row.try_get(2)?,
            target_lang: row.try_get(3)?,
            origin,
            glossary_version: row.try_get(5)?,
            created: row.try_get(6)?,
            updated: row.try_get(7)?,
            source_text: row.try_get(8)?,
        },
    }))
}

fn read_rows(rows: &[Row]) -> Result<Vec<Stored>, tokio_postgres::Error> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.extend(read_row(row)?);
    }
    Ok(out)
}

#[async_trait]
impl MemoryStore for PostgresStore {
    async fn lookup(&self, lookups: &[Lookup]) -> Result<Vec<Vec<Match>>, Error> {
        // Stored locales are canonical; what is not a tag matches nothing.
        // Each lookup asks for its own pair, then for the bare languages
        // (`fr` → `en`), whose entries answer after the pair's own (see
        // `locale_pairs`); one key per pair.
        type Keyed = (String, String, Vec<(String, String, Vec<u8>)>);
        let keyed: Vec<Option<Keyed>> = lookups
            .iter()
            .map(|l| {
                let (src, tgt) = (canonical_lang(&l.src)?, canonical_lang(&l.tgt)?);
                let pairs = super::locale_pairs(&src, &tgt)
                    .into_iter()
                    .map(|(s, t)| {
                        let key = entry_key(&s, &t, &l.source_key);
                        (s, t, key)
                    })
                    .collect();
                Some((src, tgt, pairs))
            })
            .collect();
        let mut keys: Vec<&[u8]> = keyed
            .iter()
            .flatten()
            .flat_map(|(_, _, pairs)| pairs.iter().map(|(_, _, k)| k.as_slice()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out: Vec<Vec<Match>> = vec![Vec::new(); lookups.len()];
        if keys.is_empty() {
            return Ok(out);
        }
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {COLUMNS} FROM depeche.entries WHERE key = ANY($1)"))
            .await
            .map_err(|e| self.err(e))?;
        let rows = client.query(&stmt, &[&keys]).await.map_err(|e| self.err(e))?;
        let mut by_key: HashMap<Vec<u8>, Vec<Stored>> = HashMap::new();
        for s in read_rows(&rows).map_err(|e| self.err(e))? {
            by_key.entry(s.key.clone()).or_default().push(s);
        }
        for found in by_key.values_mut() {
            found.sort_by(rank);
        }
        let mut fuzzy_wanted = Vec::new();
        for (i, (l, keyed)) in lookups.iter().zip(&keyed).enumerate() {
            let Some((src, tgt, pairs)) = keyed else { continue };
            let exact: Vec<Match> = pairs
                .iter()
                .flat_map(|(ps, pt, key)| {
                    by_key.get(key).map_or(&[][..], Vec::as_slice).iter().filter(move |s| {
                        s.entry.source == l.source_key
                            && &s.entry.source_lang == ps
                            && &s.entry.target_lang == pt
                    })
                })
                .take(l.limit)
                .map(|s| Match::exact(s.entry.clone()))
                .collect();
            if exact.is_empty() {
                if let Some(f) = l.fuzzy.filter(|_| self.inner.trigrams) {
                    fuzzy_wanted.push((i, src.as_str(), tgt.as_str(), f));
                }
            } else if let Some(slot) = out.get_mut(i) {
                *slot = exact;
            }
        }
        if fuzzy_wanted.is_empty() {
            return Ok(out);
        }
        // A long batch is spread over a few connections, which the server
        // answers side by side.
        drop(client);
        let parts = fuzzy_wanted.len().div_ceil(FUZZY_PART).clamp(1, FUZZY_CONNECTIONS);
        let part_len = fuzzy_wanted.len().div_ceil(parts);
        let answers =
            futures::future::try_join_all(fuzzy_wanted.chunks(part_len).map(|part| async move {
                let client = self.client().await?;
                self.fuzzy_lookups(client, lookups, part).await
            }))
            .await?;
        for (i, matches) in answers.into_iter().flatten() {
            if let Some(slot) = out.get_mut(i) {
                *slot = matches;
            }
        }
        Ok(out)
    }

    async fn store(&self, entries: &[NewEntry]) -> Result<usize, Error> {
        let mut rows = Vec::with_capacity(entries.len());
        for e in entries {
            let e = e.xml_safe();
            let source = normalize(&e.source);
            if source.is_empty() || e.target.trim().is_empty() {
                continue;
            }
            let (src, tgt) = (lang(&e.source_lang)?, lang(&e.target_lang)?);
            let key = entry_key(&src, &tgt, &source);
            rows.push((key, e.origin.as_key(), source, src, tgt, e));
        }
        if rows.is_empty() {
            return Ok(0);
        }
        // Key order, stable: every worker locks rows in the same order (no
        // deadlock), and repeats within one batch keep their order.
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| self.err(e))?;
        let stmt = tx
            .prepare_cached(&format!(
                "INSERT INTO depeche.entries AS e (key, source_lang, target_lang, source, origin,
                     target, glossary_version, created, updated, source_text)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, {NOW}),
                     coalesce($9, $8, {NOW}), $10)
                 ON CONFLICT (key, origin) DO UPDATE SET
                     target = excluded.target,
                     source_text = excluded.source_text,
                     glossary_version = excluded.glossary_version,
                     updated = excluded.updated
                 WHERE excluded.updated >= e.updated
                   AND (e.target IS DISTINCT FROM excluded.target
                        OR e.glossary_version IS DISTINCT FROM excluded.glossary_version)"
            ))
            .await
            .map_err(|e| self.err(e))?;
        // Sent together: the connection pipelines them, in order.
        let (tx_ref, stmt_ref) = (&tx, &stmt);
        let results = futures::future::try_join_all(rows.iter().map(
            |(key, origin, source, src, tgt, e)| async move {
                tx_ref
                    .execute(
                        stmt_ref,
                        &[
                            key,
                            src,
                            tgt,
                            source,
                            origin,
                            &e.target,
                            &e.glossary_version,
                            &e.created,
                            &e.updated,
                            &e.source,
                        ],
                    )
                    .await
            },
        ))
        .await
        .map_err(|e| self.err(e))?;
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(results.into_iter().map(|n| usize::try_from(n).unwrap_or(0)).sum())
    }

    fn describe(&self) -> String {
        self.inner.url.shown.clone()
    }

    fn coordinator(&self) -> Option<Arc<dyn crate::coordination::Coordinator>> {
        Some(Arc::new(self.clone()))
    }

    async fn stats(&self) -> Result<Vec<StatRow>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT source_lang, target_lang, origin, count(*) FROM depeche.entries
                 GROUP BY source_lang, target_lang, origin
                 ORDER BY source_lang, target_lang, origin = 'human' DESC, origin",
                &[],
            )
            .await
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let origin: String = r.try_get(2).map_err(|e| self.err(e))?;
            let n: i64 = r.try_get(3).map_err(|e| self.err(e))?;
            if let Some(origin) = EntryOrigin::from_key(&origin) {
                out.push(StatRow {
                    source_lang: r.try_get(0).map_err(|e| self.err(e))?,
                    target_lang: r.try_get(1).map_err(|e| self.err(e))?,
                    origin,
                    entries: u64::try_from(n).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    async fn entries(&self, filter: &Filter) -> Result<Vec<Entry>, Error> {
        let src = filter.source_lang.as_deref().map(lang).transpose()?;
        let tgt = filter.target_lang.as_deref().map(lang).transpose()?;
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM depeche.entries
                     WHERE ($1::text IS NULL OR source_lang = $1)
                       AND ($2::text IS NULL OR target_lang = $2)
                       AND (NOT $3 OR origin = 'human')
                     ORDER BY source_lang, target_lang, source, origin = 'human' DESC, origin"
                ),
                &[&src, &tgt, &filter.human_only],
            )
            .await
            .map_err(|e| self.err(e))?;
        Ok(read_rows(&rows).map_err(|e| self.err(e))?.into_iter().map(|s| s.entry).collect())
    }

    async fn scan(&self, after: i64, limit: usize) -> Result<Vec<(i64, Entry)>, Error> {
        let client = self.client().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM depeche.entries WHERE id > $1 ORDER BY id LIMIT $2"
                ),
                &[&after, &limit],
            )
            .await
            .map_err(|e| self.err(e))?;
        Ok(read_rows(&rows)
            .map_err(|e| self.err(e))?
            .into_iter()
            .map(|s| (s.id, s.entry))
            .collect())
    }
}

impl PostgresStore {
    /// Fuzzy answers for `wanted` (lookup index, locales, settings), one
    /// query each, pipelined on one connection in one read-only transaction.
    async fn fuzzy_lookups(
        &self,
        mut client: deadpool_postgres::Client,
        lookups: &[Lookup],
        wanted: &[(usize, &str, &str, fuzzy::Fuzzy)],
    ) -> Result<Vec<(usize, Vec<Match>)>, Error> {
        let tx =
            client.build_transaction().read_only(true).start().await.map_err(|e| self.err(e))?;
        // The GiST index walks the sentences nearest by trigrams first and
        // stops at the limit, so templated sentences that all pass the bar
        // are not all scored. `%` applies the session's trigram bar, which is
        // set per transaction; lookups are grouped by their word threshold.
        let stmt = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM depeche.entries WHERE key IN (
                     SELECT key FROM depeche.entries
                     WHERE source_lang = $1 AND target_lang = $2 AND source % $3
                     ORDER BY source <-> $3
                     LIMIT $4)"
            ))
            .await
            .map_err(|e| self.err(e))?;
        let mut thresholds: Vec<f64> = wanted.iter().map(|w| w.3.threshold()).collect();
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        let mut out = Vec::with_capacity(wanted.len());
        for threshold in thresholds {
            let bar = trigram_bar(threshold).to_string();
            tx.execute("SELECT set_config('pg_trgm.similarity_threshold', $1, true)", &[&bar])
                .await
                .map_err(|e| self.err(e))?;
            let group: Vec<&(usize, &str, &str, fuzzy::Fuzzy)> = wanted
                .iter()
                .filter(|w| w.3.threshold().to_bits() == threshold.to_bits())
                .collect();
            let (tx_ref, stmt_ref) = (&tx, &stmt);
            let answers = futures::future::try_join_all(group.iter().map(|(i, src, tgt, _)| {
                let key = lookups.get(*i).map_or("", |l| l.source_key.as_str());
                async move { tx_ref.query(stmt_ref, &[src, tgt, &key, &FUZZY_CANDIDATES]).await }
            }))
            .await
            .map_err(|e| self.err(e))?;
            for ((i, _, _, fz), rows) in group.into_iter().zip(answers) {
                let Some(l) = lookups.get(*i) else { continue };
                out.push((*i, score(l, *fz, read_rows(&rows).map_err(|e| self.err(e))?)));
            }
        }
        tx.commit().await.map_err(|e| self.err(e))?;
        Ok(out)
    }
}

/// The fuzzy answer to `l` from the candidate rows: one entry per sentence
/// (its best ranked), the sentences at or above the threshold by the word
/// measure, most similar first, newest sentence first among equals.
fn score(l: &Lookup, fz: fuzzy::Fuzzy, rows: Vec<Stored>) -> Vec<Match> {
    let mut by_source: HashMap<String, Vec<Stored>> = HashMap::new();
    for s in rows {
        by_source.entry(s.entry.source.clone()).or_default().push(s);
    }
    let mut scored: Vec<(f64, i64, Stored)> = Vec::new();
    for (source, mut found) in by_source {
        if source == l.source_key {
            continue;
        }
        let similarity = fuzzy::similarity(&source, &l.source_key);
        if !fuzzy::reaches(similarity, fz.threshold()) {
            continue;
        }
        let first_id = found.iter().map(|s| s.id).min().unwrap_or(0);
        found.sort_by(rank);
        if let Some(best) = found.into_iter().next() {
            scored.push((similarity, first_id, best));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    scored
        .into_iter()
        .take(fz.max_matches())
        .map(|(similarity, _, s)| Match::fuzzy(s.entry, fuzzy::percent(similarity)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<PathBuf> + use<> {
        let pairs: Vec<(String, PathBuf)> =
            pairs.iter().map(|(k, v)| ((*k).to_string(), PathBuf::from(v))).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn urls_are_shown_without_their_password() {
        let url = PostgresUrl::parse_with_env(
            "postgres://tm:s3cr%65t@db.example:5433/newsroom",
            &env(&[]),
        )
        .unwrap();
        assert_eq!(url.to_string(), "postgres://tm@db.example:5433/newsroom");
        assert!(url.has_password());
        assert!(!format!("{url:?}").contains("s3cr"), "{url:?}");
        let plain = PostgresUrl::parse_with_env("postgresql://tm@db/tm", &env(&[])).unwrap();
        assert_eq!(plain.to_string(), "postgres://tm@db:5432/tm");
        assert!(!plain.has_password());
    }

    #[test]
    fn the_password_comes_from_pgpassword_when_the_url_has_none() {
        let e = env(&[("PGPASSWORD", "hunter2")]);
        let url = PostgresUrl::parse_with_env("postgres://tm@db/tm", &e).unwrap();
        assert!(url.has_password());
        assert_eq!(url.config.get_password(), Some(&b"hunter2"[..]));
        // The URL's own password wins.
        let url = PostgresUrl::parse_with_env("postgres://tm:mine@db/tm", &e).unwrap();
        assert_eq!(url.config.get_password(), Some(&b"mine"[..]));
    }

    #[test]
    #[allow(clippy::disallowed_methods, reason = "the test writes its own password file")]
    fn the_password_file_is_read_as_libpq_reads_it() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:*:*:*:no\ndb:5432:tm:tm:pa\\:ss\\\\word\n*:*:*:*:fallback\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = env(&[("PGPASSFILE", file.to_str().unwrap())]);
        let url = PostgresUrl::parse_with_env("postgres://tm@db/tm", &e).unwrap();
        assert_eq!(url.config.get_password(), Some(&b"pa:ss\\word"[..]));
        let url = PostgresUrl::parse_with_env("postgres://tm@elsewhere/tm", &e).unwrap();
        assert_eq!(url.config.get_password(), Some(&b"fallback"[..]));
        // Readable by others: ignored.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let url = PostgresUrl::parse_with_env("postgres://tm@db/tm", &e).unwrap();
        assert!(!url.has_password());
    }

    #[test]
    fn unparsable_urls_are_named_without_their_password() {
        let err = PostgresUrl::parse_with_env("postgres://tm:hunter2@db:notaport/tm", &env(&[]))
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.starts_with("postgres://tm:***@db:notaport/tm: "), "{text}");
        assert_eq!(
            redact("postgres://db/tm?user=tm&password=hunter2&sslmode=disable"),
            "postgres://db/tm?user=tm&password=***&sslmode=disable"
        );
        assert_eq!(redact("postgres://tm@db/tm"), "postgres://tm@db/tm");
    }

    #[test]
    fn keys_separate_locales_and_sources() {
        assert_ne!(entry_key("fr-FR", "en-GB", "Un."), entry_key("fr-FR", "en-US", "Un."));
        assert_eq!(entry_key("fr-FR", "en-GB", "Un.").len(), 32);
    }

    #[test]
    fn the_trigram_bar_sits_well_under_the_word_threshold() {
        assert!((trigram_bar(0.75) - 0.3).abs() < 1e-9);
        assert!(trigram_bar(0.5) < 0.17);
        assert!(trigram_bar(1.0) <= 0.5);
    }
}
