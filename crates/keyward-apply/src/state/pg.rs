//! A PostgreSQL state: the `postgres://` URL (never with a password), the
//! password from the environment or a Kubernetes Secret, TLS through
//! rustls, a small connection pool, and the schema migrations.

use std::path::PathBuf;
use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres::config::SslMode;

use super::StateError;

/// The password of the database, when it is not in the environment.
pub const PASSWORD_ENV: &str = "KEYWARD_STATE_PASSWORD";
/// A file holding the password (a mounted Secret, a credentials file).
pub const PASSWORD_FILE_ENV: &str = "KEYWARD_STATE_PASSWORD_FILE";

/// Connections one process keeps: appends take turns on the chain's head
/// anyway, so a few are enough for a reader beside a writer.
const POOL_SIZE: usize = 4;

/// The advisory lock migrations run under, so two keywards starting at once
/// against an empty database do not both create the schema.
const MIGRATION_LOCK: i64 = 0x6b65_7977_6172_6431;

/// What refinery calls the schema-version table.
const HISTORY_TABLE: &str = "keyward_schema_history";

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// How the connection is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tls {
    /// `sslmode=disable`: plain TCP (a loopback or a trusted network only).
    Disable,
    /// `require`, `verify-ca`, `verify-full` (the default): TLS, and the
    /// server's certificate verified against the system's CAs or
    /// `sslrootcert` — stricter than libpq's `require`, which does not
    /// verify: an audit store is worth no less than the apps it records.
    Verify { root_cert: Option<PathBuf> },
}

/// A PostgreSQL database to keep the state in, parsed and ready to connect.
#[derive(Clone)]
pub struct PgState {
    /// Boxed: it is large, and a [`super::State`] is mostly files.
    config: Box<tokio_postgres::Config>,
    shown: String,
    tls: Tls,
}

impl std::fmt::Debug for PgState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgState").field("url", &self.shown).finish_non_exhaustive()
    }
}

impl PgState {
    /// Parses `postgres://user@host:port/db?sslmode=…[&sslrootcert=FILE]`
    /// and takes `password` (from [`PgState::password_from_env`] or a
    /// Secret). A URL carrying a password is refused, with the password
    /// redacted: URLs end up in process lists, logs and manifests.
    pub fn parse(url: &str, password: Option<String>) -> Result<Self, StateError> {
        let bad = |shown: String, why: &str| StateError::BadUrl { url: shown, why: why.to_owned() };
        let parsed = url::Url::parse(url).map_err(|e| bad(redact(url), &e.to_string()))?;
        if !matches!(parsed.scheme(), "postgres" | "postgresql") {
            return Err(bad(redact(url), "the scheme must be postgres://"));
        }
        let user = parsed.username();
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| bad(redact(url), "it names no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = parsed.port().unwrap_or(5432);
        let db = parsed.path().trim_start_matches('/');
        let shown_host = parsed.host_str().unwrap_or_default();
        let mut shown = format!("postgres://{user}{}{shown_host}:{port}/{db}", if user.is_empty() { "" } else { "@" });
        if parsed.password().is_some() {
            return Err(StateError::PasswordInUrl { url: redact(url) });
        }
        if user.is_empty() {
            return Err(bad(shown, "it names no user (postgres://USER@host/db)"));
        }
        if db.is_empty() || db.contains('/') {
            return Err(bad(shown, "it names no database (postgres://user@host/DATABASE)"));
        }
        let mut tls = Tls::Verify { root_cert: None };
        let mut mode = "verify-full".to_owned();
        for (k, v) in parsed.query_pairs() {
            match &*k {
                "sslmode" => {
                    tls = match &*v {
                        "disable" => Tls::Disable,
                        "require" | "verify-ca" | "verify-full" => tls_with_mode(tls),
                        _ => {
                            return Err(bad(
                                shown,
                                "sslmode must be disable, require, verify-ca or verify-full (require verifies the certificate too)",
                            ));
                        }
                    };
                    mode = v.into_owned();
                }
                "sslrootcert" => {
                    if let Tls::Verify { root_cert } = &mut tls {
                        *root_cert = Some(PathBuf::from(&*v));
                    }
                }
                other => {
                    return Err(bad(
                        shown,
                        &format!("unknown parameter {}; keyward understands sslmode and sslrootcert", excerpt(other)),
                    ));
                }
            }
        }
        shown.push_str(&format!("?sslmode={mode}"));
        let mut config = tokio_postgres::Config::new();
        config
            .user(user)
            .host(host)
            .port(port)
            .dbname(db)
            .application_name("keyward")
            .connect_timeout(std::time::Duration::from_secs(10))
            .ssl_mode(if tls == Tls::Disable { SslMode::Disable } else { SslMode::Require });
        if let Some(p) = password {
            config.password(p);
        }
        Ok(Self { config: Box::new(config), shown, tls })
    }

    /// The password from `KEYWARD_STATE_PASSWORD`, else the file named by
    /// `KEYWARD_STATE_PASSWORD_FILE` (without its line end); `None` when
    /// neither is set (peer or certificate authentication).
    pub fn password_from_env() -> Result<Option<String>, StateError> {
        if let Some(p) = std::env::var_os(PASSWORD_ENV) {
            return Ok(Some(p.to_string_lossy().into_owned()));
        }
        let Some(file) = std::env::var_os(PASSWORD_FILE_ENV) else { return Ok(None) };
        let path = PathBuf::from(file);
        let text =
            std::fs::read_to_string(&path).map_err(|source| StateError::PasswordFile { path: path.clone(), source })?;
        Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
    }

    /// The URL as keyward shows it: user, host, port, database and sslmode.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// A pool of connections; none is made until one is needed.
    pub(crate) fn pool(&self) -> Result<Pool, StateError> {
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(self.tls_config()?);
        let manager = Manager::from_config(
            tokio_postgres::Config::clone(&self.config),
            tls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StateError::Connect { url: self.shown.clone(), error: e.to_string() })
    }

    fn tls_config(&self) -> Result<ClientConfig, StateError> {
        let fail = |why: String| StateError::Tls { url: self.shown.clone(), why };
        let mut roots = RootCertStore::empty();
        match &self.tls {
            Tls::Verify { root_cert: Some(file) } => {
                let pem = std::fs::read(file)
                    .map_err(|e| fail(format!("cannot read sslrootcert {}: {e}", file.display())))?;
                for cert in CertificateDer::pem_slice_iter(&pem) {
                    let cert = cert.map_err(|e| fail(format!("sslrootcert {} is not PEM: {e}", file.display())))?;
                    roots.add(cert).map_err(|e| fail(format!("sslrootcert {}: {e}", file.display())))?;
                }
            }
            Tls::Verify { root_cert: None } => {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
            // Never used: the connection is made without TLS.
            Tls::Disable => {}
        }
        Ok(ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }

    /// Connects and brings the schema up to date (see [`migrate`]).
    pub(crate) async fn connect(&self) -> Result<Pool, StateError> {
        let pool = self.pool()?;
        let mut client = pool.get().await.map_err(|e| self.connect_error(&e))?;
        migrate(&mut client, &self.shown).await?;
        Ok(pool)
    }

    pub(crate) fn connect_error(&self, e: &dyn std::fmt::Display) -> StateError {
        StateError::Connect { url: self.shown.clone(), error: e.to_string() }
    }
}

fn tls_with_mode(tls: Tls) -> Tls {
    match tls {
        Tls::Disable => Tls::Verify { root_cert: None },
        verify => verify,
    }
}

fn excerpt(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `url` with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        // Unparseable: show nothing after the scheme's user part.
        Err(_) => match url.split_once('@') {
            Some((_, rest)) => format!("postgres://***@{rest}"),
            None => url.chars().take(80).collect(),
        },
    }
}

/// The newest schema this keyward knows.
pub fn schema_version() -> i32 {
    embedded::migrations::runner().get_migrations().iter().map(|m| m.version()).max().unwrap_or(0)
}

/// Applies the migrations this database lacks, in order, in one
/// transaction, under an advisory lock; refuses a database whose schema is
/// newer than this keyward (a newer keyward migrated it: run that one).
pub(crate) async fn migrate(client: &mut tokio_postgres::Client, shown: &str) -> Result<(), StateError> {
    let fail = |error: String| StateError::Migrate { url: shown.to_owned(), error };
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await.map_err(|e| fail(e.to_string()))?;
    let result = migrate_locked(client, shown).await;
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await;
    result?;
    unlocked.map(|_| ()).map_err(|e| fail(e.to_string()))
}

async fn migrate_locked(client: &mut tokio_postgres::Client, shown: &str) -> Result<(), StateError> {
    let fail = |error: String| StateError::Migrate { url: shown.to_owned(), error };
    let known = schema_version();
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&HISTORY_TABLE])
        .await
        .map_err(|e| fail(e.to_string()))?
        .get(0);
    if exists {
        let found: Option<i32> = client
            .query_one(&format!("SELECT max(version) FROM {HISTORY_TABLE}"), &[])
            .await
            .map_err(|e| fail(e.to_string()))?
            .get(0);
        if let Some(found) = found.filter(|f| *f > known) {
            return Err(StateError::SchemaNewer { url: shown.to_owned(), found, known });
        }
    }
    let mut runner = embedded::migrations::runner().set_grouped(true).set_abort_missing(true).set_abort_divergent(true);
    runner.set_migration_table_name(HISTORY_TABLE);
    runner.run_async(client).await.map_err(|e| {
        if let refinery::error::Kind::MissingVersion(m) = e.kind() {
            StateError::SchemaNewer { url: shown.to_owned(), found: m.version(), known }
        } else {
            fail(e.to_string())
        }
    })?;
    Ok(())
}
