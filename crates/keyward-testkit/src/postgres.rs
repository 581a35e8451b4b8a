//! A real PostgreSQL 15 for the tests: Debian's `postgresql-15`, a cluster of its own made with
//! `initdb` in a temporary directory and run as a child process on a free loopback port.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::free_port;

/// How long [`PostgresServer::start`] waits for the server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times a start is retried when another process took the port in the meantime.
const PORT_ATTEMPTS: usize = 5;
/// Where Debian installs PostgreSQL 15's programs; `KEYWARD_PG_BIN` names another directory.
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";
const MISSING: &str = "PostgreSQL 15 is not installed: run scripts/test (it installs the pinned Debian packages in \
     scripts/debian-packages.txt, postgresql-15 among them), or set KEYWARD_PG_BIN to the directory holding initdb, \
     postgres, pg_isready and psql";
/// PostgreSQL refuses to run as root; as root the server runs as this system user (the Debian
/// package creates it).
const SYSTEM_USER: &str = "postgres";

/// A running PostgreSQL 15 on a free loopback port (TCP on 127.0.0.1 only, its unix socket in its
/// own temporary directory), with a cluster of its own, stopped and removed when dropped. It never
/// touches a system cluster.
///
/// The superuser is [`PostgresServer::USER`] with [`PostgresServer::PASSWORD`]: TCP connections
/// must give the password (scram-sha-256), the unix socket (used by [`psql`](Self::psql), so the
/// tests' view of the database does not go through the client under test) is trusted.
#[derive(Debug)]
pub struct PostgresServer {
    child: Child,
    port: u16,
    bin: PathBuf,
    dir: TempDir,
}

impl PostgresServer {
    /// The superuser.
    pub const USER: &str = "keyward";
    /// The superuser's password.
    pub const PASSWORD: &str = "kw-PG-TEST-PASSWORD-4e1b";

    /// Makes a cluster and starts it; panics (naming what is missing) when PostgreSQL 15 is not
    /// installed or the server does not come up.
    pub fn start() -> PostgresServer {
        let bin = std::env::var_os("KEYWARD_PG_BIN").map_or_else(|| PathBuf::from(DEFAULT_BIN), PathBuf::from);
        for program in ["initdb", "postgres", "pg_isready", "psql"] {
            assert!(bin.join(program).is_file(), "{} is missing. {MISSING}", bin.join(program).display());
        }
        for attempt in 1..=PORT_ATTEMPTS {
            let dir = tempfile::tempdir().expect("create a temporary directory for PostgreSQL");
            give_to_server_user(dir.path());
            let pwfile = dir.path().join("password");
            std::fs::write(&pwfile, Self::PASSWORD).expect("write the password file");
            give_to_server_user(&pwfile);
            let data = dir.path().join("data");
            let out = as_server_user(&bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", Self::USER, "-E", "UTF8", "--locale=C", "--no-sync"])
                .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
                .arg(format!("--pwfile={}", pwfile.display()))
                .output()
                .unwrap_or_else(|e| panic!("cannot run initdb: {e}. {MISSING}"));
            assert!(out.status.success(), "initdb failed:\n{}{}", text(&out.stdout), text(&out.stderr));
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("postgres.log")).expect("create the server log");
            let child = as_server_user(&bin.join("postgres"))
                .arg("-D")
                .arg(&data)
                .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-k"])
                .arg(dir.path())
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("open the server log"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run postgres: {e}. {MISSING}"));
            let mut server = PostgresServer { child, port, bin: bin.clone(), dir };
            if server.wait_ready() {
                return server;
            }
            let log = server.log();
            if !log.contains("Address already in use") || attempt == PORT_ATTEMPTS {
                panic!("PostgreSQL did not start; its log:\n{log}");
            }
        }
        unreachable!("every attempt returns or panics")
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string(), "-d", "postgres"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `postgres://keyward@127.0.0.1:PORT/DB?sslmode=disable`: the URL keyward is given (the
    /// password goes separately).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{}@127.0.0.1:{}/{db}?sslmode=disable", Self::USER, self.port)
    }

    /// Creates database `name` (owned by [`Self::USER`]) and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
        self.url(name)
    }

    /// `psql` on database `db` through the unix socket, as the superuser, stopping at the first
    /// error, quiet, unaligned, without headers: ready for `.arg("-c")` or a script on stdin.
    pub fn psql_command(&self, db: &str) -> Command {
        let mut c = Command::new(self.bin.join("psql"));
        c.arg("-h").arg(self.dir.path()).args(["-p", &self.port.to_string(), "-U", Self::USER, "-d", db]).args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
        ]);
        c
    }

    /// Runs `sql` on database `db` and returns what it printed; panics with psql's message when
    /// it fails.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = self.psql_command(db).arg("-c").arg(sql).output().expect("run psql");
        assert!(out.status.success(), "psql failed on {sql}:\n{}", text(&out.stderr));
        text(&out.stdout)
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // SIGQUIT: immediate shutdown, the server and its backends exit at once.
        let _ = Command::new("kill").args(["-QUIT", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `program`, run as [`SYSTEM_USER`] when this process is root.
fn as_server_user(program: &Path) -> Command {
    if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", SYSTEM_USER, "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Hands `path` to [`SYSTEM_USER`] when this process is root, so the server can use it.
fn give_to_server_user(path: &Path) {
    if !running_as_root() {
        return;
    }
    let out = Command::new("chown").arg(SYSTEM_USER).arg(path).output().expect("run chown");
    assert!(out.status.success(), "cannot chown {} to {SYSTEM_USER}: {}", path.display(), text(&out.stderr));
}
