//! A real OpenLDAP directory for the tests: Debian's `slapd`, run as a child process with a config of its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tokio::io::AsyncWriteExt as _;
use tokio::process::{Child, Command};

use crate::{Ready, free_port};

/// How long [`LdapServer::start`] waits for slapd to accept a bind.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How many times a start is retried when another process took the port in the meantime.
const PORT_ATTEMPTS: usize = 5;

const SLAPD: &str = "/usr/sbin/slapd";
const SLAPADD: &str = "/usr/sbin/slapadd";
const LDAP_UTILS: [&str; 3] = ["/usr/bin/ldapsearch", "/usr/bin/ldapmodify", "/usr/bin/ldapwhoami"];
const SLAPD_MISSING: &str =
    "slapd is not installed: run scripts/test (it installs the pinned Debian packages in scripts/debian-packages.txt)";
const LDAP_UTILS_MISSING: &str = "ldap-utils (ldapsearch, ldapmodify, ldapwhoami) is not installed: run scripts/test \
     (it installs the pinned Debian packages in scripts/debian-packages.txt)";

/// The directory's suffix.
pub const SUFFIX: &str = "dc=example,dc=com";
/// Where the people are.
pub const PEOPLE_DN: &str = "ou=people,dc=example,dc=com";
/// Where the groups are.
pub const GROUPS_DN: &str = "ou=groups,dc=example,dc=com";
/// The account keyward binds as: it may read and write everything but passwords.
pub const SERVICE_DN: &str = "cn=keyward,ou=services,dc=example,dc=com";
/// The service account's password.
pub const SERVICE_PASSWORD: &str = "kw-LDAP-SERVICE-PASSWORD-7c1d";
/// The directory's root DN (`olcRootDN`), which access control does not restrict.
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=com";
/// The root DN's password.
pub const ADMIN_PASSWORD: &str = "kw-LDAP-ADMIN-PASSWORD-03f9";
/// The password policy every entry falls under (the ppolicy overlay's default).
pub const POLICY_DN: &str = "cn=default,ou=policies,dc=example,dc=com";

/// What to change in the directory's configuration.
#[derive(Debug, Clone, Default)]
pub struct LdapOptions {
    /// Most entries one paged search by the service account may return in all, over every page
    /// (slapd's `size.prtotal` limit). The search that goes past it ends with `sizeLimitExceeded`
    /// after that many entries. `None`: no such limit.
    pub paged_total_limit: Option<u32>,
    /// Serve TLS with this certificate: `ldaps://` on a second port ([`LdapServer::ldaps_url`])
    /// and StartTLS on the `ldap://` one. `None`: plain LDAP only, StartTLS refused.
    pub tls: Option<ServerCertificate>,
}

/// The certificate a TLS-serving directory presents, from the checked-in test-only fixtures in
/// `crates/keyward-testkit/data/tls/` (see its README). Both are signed by [`test_ca_file`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCertificate {
    /// Names `localhost` and `127.0.0.1`: the name the URLs use.
    Localhost,
    /// Names `directory.example.org` only: a server whose certificate is for another host.
    OtherHost,
}

impl ServerCertificate {
    fn files(self) -> (PathBuf, PathBuf) {
        let name = match self {
            ServerCertificate::Localhost => "localhost",
            ServerCertificate::OtherHost => "other-host",
        };
        (tls_fixture(&format!("test-only-{name}.pem")), tls_fixture(&format!("test-only-{name}-key.pem")))
    }
}

/// The test-only CA (PEM) that signed both [`ServerCertificate`]s: what a client trusts to accept
/// a TLS-serving directory.
pub fn test_ca_file() -> PathBuf {
    tls_fixture("test-only-ca.pem")
}

/// A test-only CA (PEM) that signed neither [`ServerCertificate`].
pub fn other_ca_file() -> PathBuf {
    tls_fixture("test-only-other-ca.pem")
}

fn tls_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tls").join(name)
}

/// One entry as `ldapsearch` printed it: the DN and the values by attribute name, names lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The DN, as the server returns it.
    pub dn: String,
    /// Values by lower-cased attribute name, in the server's order.
    pub attrs: BTreeMap<String, Vec<String>>,
}

impl Entry {
    /// The values of `name` (any case); empty when the entry has none.
    pub fn values(&self, name: &str) -> &[String] {
        self.attrs.get(&name.to_ascii_lowercase()).map(Vec::as_slice).unwrap_or_default()
    }

    /// The first value of `name` (any case).
    pub fn first(&self, name: &str) -> Option<&str> {
        self.values(name).first().map(String::as_str)
    }
}

/// A running OpenLDAP `slapd` (Debian's `slapd=2.5.13+dfsg-5`) on a free loopback port, with a config
/// directory and an mdb database of its own in a temporary directory, run in the foreground as the
/// current user and killed when dropped. It never touches a system slapd or `/etc/ldap/slapd.d`.
///
/// What the directory holds and does (checked against 2.5.13):
/// - Suffix [`SUFFIX`] with `ou=people` ([`PEOPLE_DN`]), `ou=groups` ([`GROUPS_DN`]), `ou=services` and
///   `ou=policies`; schemas core, cosine and inetorgperson (so `inetOrgPerson`, `groupOfNames`,
///   `groupOfUniqueNames`, `employeeNumber`), and no `memberOf` overlay.
/// - [`SERVICE_DN`] / [`SERVICE_PASSWORD`] may read and write every entry and attribute except
///   `userPassword` (which it can neither read nor write); [`ADMIN_DN`] / [`ADMIN_PASSWORD`] is the
///   root DN. People may bind with their own `userPassword`; anonymous users may only bind.
/// - The ppolicy overlay is loaded with [`POLICY_DN`] as the default policy, which has `pwdLockout:
///   TRUE`: an entry whose `pwdAccountLockedTime` is `000001010000Z` cannot bind (49, invalid
///   credentials). Without `pwdLockout: TRUE` slapd 2.5 keeps the attribute but still lets the
///   person bind. `pwdMaxFailure` is 0, so wrong passwords never lock anyone.
/// - A `groupOfNames` must keep at least one `member` (removing the last one answers 65,
///   objectClassViolation); [`add_group`](Self::add_group) with no members gives the group the
///   empty DN as its one member, which slapd accepts.
/// - With [`LdapOptions::tls`], slapd (built with GnuTLS) serves TLS with that certificate:
///   `ldaps://` on [`ldaps_url`](Self::ldaps_url) and StartTLS on [`url`](Self::url); it asks for
///   no client certificate. Without it, StartTLS is refused (52, unavailable).
/// - Paged results (RFC 2696) are supported; with [`LdapOptions::paged_total_limit`] a paged search
///   by the service account stops with `sizeLimitExceeded` (4) after that many entries. Otherwise the
///   default limits apply (500 entries for a search without paging).
///
/// Seeding and inspection use the `ldap-utils` command-line tools, so the tests' view of the
/// directory does not go through the LDAP client under test. Every helper binds as the root DN and
/// panics with the tool's output when it fails.
#[derive(Debug)]
pub struct LdapServer {
    child: Child,
    port: u16,
    ldaps_port: Option<u16>,
    dir: TempDir,
}

impl LdapServer {
    /// Starts a directory with the default configuration.
    pub async fn start() -> LdapServer {
        Self::start_with(LdapOptions::default()).await
    }

    /// Starts a directory configured as `options` says.
    pub async fn start_with(options: LdapOptions) -> LdapServer {
        for program in [SLAPD, SLAPADD] {
            assert!(Path::new(program).is_file(), "{program} is missing. {SLAPD_MISSING}");
        }
        for program in LDAP_UTILS {
            assert!(Path::new(program).is_file(), "{program} is missing. {LDAP_UTILS_MISSING}");
        }
        for attempt in 1..=PORT_ATTEMPTS {
            let dir = tempfile::tempdir().expect("create a temporary directory for slapd");
            let config = dir.path().join("slapd.d");
            let data = dir.path().join("data");
            std::fs::create_dir(&config).expect("create the slapd config directory");
            std::fs::create_dir(&data).expect("create the slapd database directory");
            let config_ldif = dir.path().join("config.ldif");
            std::fs::write(&config_ldif, config_ldif_text(dir.path(), &data, &options)).expect("write config.ldif");
            let base_ldif = dir.path().join("base.ldif");
            std::fs::write(&base_ldif, base_ldif_text()).expect("write base.ldif");
            slapadd(&config, "0", &config_ldif).await;
            slapadd(&config, "1", &base_ldif).await;

            let port = free_port();
            let ldaps_port = options.tls.map(|_| free_port());
            let mut listen = format!("ldap://127.0.0.1:{port}/");
            if let Some(p) = ldaps_port {
                listen.push_str(&format!(" ldaps://127.0.0.1:{p}/"));
            }
            let log = std::fs::File::create(dir.path().join("slapd.log")).expect("create the slapd log");
            let child = Command::new(SLAPD)
                // `-d 0` keeps slapd in the foreground (no fork, so it dies with the test) and
                // quiet but for its startup errors.
                .args(["-d", "0", "-F"])
                .arg(&config)
                .args(["-h", &listen])
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("open the slapd log"))
                .stderr(log)
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {SLAPD}: {e}. {SLAPD_MISSING}"));
            let mut server = LdapServer { child, port, ldaps_port, dir };
            match server.wait_ready().await {
                Ready::Yes => return server,
                Ready::PortTaken if attempt < PORT_ATTEMPTS => continue,
                Ready::PortTaken | Ready::Exited => {
                    panic!("slapd exited before accepting a bind; its log:\n{}", server.log())
                }
                Ready::TimedOut => panic!(
                    "slapd did not accept a bind as {SERVICE_DN} on {} within {START_TIMEOUT:?}; its log:\n{}",
                    server.url(),
                    server.log()
                ),
            }
        }
        unreachable!("the loop returns or panics")
    }

    async fn wait_ready(&mut self) -> Ready {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return if self.log().contains("Address already in use") { Ready::PortTaken } else { Ready::Exited };
            }
            if self.can_bind(SERVICE_DN, SERVICE_PASSWORD).await {
                return Ready::Yes;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ready::TimedOut
    }

    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// `ldaps://127.0.0.1:PORT`, the TLS port; panics unless started with [`LdapOptions::tls`].
    pub fn ldaps_url(&self) -> String {
        let port = self.ldaps_port.expect("ldaps_url needs a directory started with LdapOptions::tls");
        format!("ldaps://127.0.0.1:{port}")
    }

    /// What slapd printed so far (with `-d 0`: startup errors only).
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(self.dir.path().join("slapd.log")).unwrap_or_default()).into_owned()
    }

    /// Whether `dn` can bind with `password` (`ldapwhoami`). A refused bind is `false`; a server that
    /// does not answer is `false` too (the start waits on this).
    pub async fn can_bind(&self, dn: &str, password: &str) -> bool {
        let out = tool("/usr/bin/ldapwhoami")
            .args(["-x", "-H", &self.url(), "-D", dn, "-w", password, "-o", "nettimeout=2"])
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run ldapwhoami: {e}. {LDAP_UTILS_MISSING}"));
        out.status.success()
    }

    /// Adds the entries of `ldif` (`ldapadd`, as the root DN).
    pub async fn add(&self, ldif: &str) {
        self.ldapmodify(&["-a"], ldif).await;
    }

    /// Applies `ldif` with `changetype:` records (`ldapmodify`, as the root DN).
    pub async fn modify(&self, ldif: &str) {
        self.ldapmodify(&[], ldif).await;
    }

    async fn ldapmodify(&self, extra: &[&str], ldif: &str) {
        let mut child = tool("/usr/bin/ldapmodify")
            .args(["-x", "-H", &self.url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run ldapmodify: {e}. {LDAP_UTILS_MISSING}"));
        let mut stdin = child.stdin.take().expect("ldapmodify's stdin");
        stdin.write_all(ldif.as_bytes()).await.expect("write to ldapmodify");
        drop(stdin);
        let out = child.wait_with_output().await.expect("wait for ldapmodify");
        assert!(
            out.status.success(),
            "ldapmodify {extra:?} failed ({}):\n{}{}\nLDIF sent:\n{ldif}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Adds an `inetOrgPerson` `uid=UID` under [`PEOPLE_DN`] with `cn`, `sn` and `mail`
    /// (`UID@example.com`), and `employeeNumber` and `userPassword` when given. Returns its DN.
    pub async fn add_person(&self, uid: &str, employee_number: Option<&str>, password: Option<&str>) -> String {
        let dn = format!("uid={uid},{PEOPLE_DN}");
        let mut ldif = format!(
            "dn: {dn}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid} person\nsn: {uid}\nmail: {uid}@example.com\n"
        );
        if let Some(n) = employee_number {
            ldif.push_str(&format!("employeeNumber: {n}\n"));
        }
        if let Some(p) = password {
            ldif.push_str(&format!("userPassword: {p}\n"));
        }
        self.add(&ldif).await;
        dn
    }

    /// Sets the entry's ppolicy `pwdAccountLockedTime` to `time` (`000001010000Z`: locked until an
    /// administrator unlocks it; another time: a lockout after failed binds).
    pub async fn set_locked_time(&self, dn: &str, time: &str) {
        self.modify(&format!(
            "dn: {dn}\nchangetype: modify\nreplace: pwdAccountLockedTime\npwdAccountLockedTime: {time}\n"
        ))
        .await;
    }

    /// Adds a `groupOfNames` `cn=CN` under [`GROUPS_DN`] with these member DNs (the empty DN alone
    /// when there are none: the class needs one). Returns its DN.
    pub async fn add_group(&self, cn: &str, members: &[&str]) -> String {
        let dn = format!("cn={cn},{GROUPS_DN}");
        let mut ldif = format!("dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n");
        if members.is_empty() {
            ldif.push_str("member:\n");
        }
        for m in members {
            ldif.push_str(&format!("member: {m}\n"));
        }
        self.add(&ldif).await;
        dn
    }

    /// The entries under `base` (subtree) matching `filter`, with every user and operational attribute
    /// (`ldapsearch -LLL … '*' '+'`), as the root DN. A missing base is no entries.
    pub async fn search(&self, base: &str, filter: &str) -> Vec<Entry> {
        let out = tool("/usr/bin/ldapsearch")
            .args(["-x", "-LLL", "-o", "ldif_wrap=no", "-H", &self.url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD])
            .args(["-b", base, filter, "*", "+"])
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run ldapsearch: {e}. {LDAP_UTILS_MISSING}"));
        // 32: noSuchObject, the base is not there.
        if out.status.code() == Some(32) {
            return Vec::new();
        }
        assert!(
            out.status.success(),
            "ldapsearch -b {base} {filter} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        parse_ldif(&String::from_utf8_lossy(&out.stdout))
    }

    /// The entry `dn` with every user and operational attribute, or `None` when there is none.
    pub async fn entry(&self, dn: &str) -> Option<Entry> {
        let mut found = self.search(dn, "(objectClass=*)").await;
        found.retain(|e| e.dn.eq_ignore_ascii_case(dn));
        found.pop()
    }

    /// The `member` values of the group `cn=CN` under [`GROUPS_DN`], in the server's order; panics
    /// when there is no such group.
    pub async fn members(&self, cn: &str) -> Vec<String> {
        let dn = format!("cn={cn},{GROUPS_DN}");
        let group = self.entry(&dn).await.unwrap_or_else(|| panic!("the directory has no group {dn}"));
        group.values("member").to_vec()
    }
}

impl Drop for LdapServer {
    fn drop(&mut self) {
        // `kill_on_drop` kills it too; this also works when dropped outside of a runtime.
        let _ = self.child.start_kill();
    }
}

/// A client tool that reads neither `/etc/ldap/ldap.conf` nor `~/.ldaprc`, whose settings (a default
/// base, TLS requirements) would change what the tests see.
fn tool(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("LDAPNOINIT", "1").stdin(Stdio::null()).kill_on_drop(true);
    c
}

async fn slapadd(config: &Path, database: &str, ldif: &Path) {
    let out = Command::new(SLAPADD)
        .args(["-F"])
        .arg(config)
        .args(["-n", database, "-l"])
        .arg(ldif)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {SLAPADD}: {e}. {SLAPD_MISSING}"));
    assert!(
        out.status.success(),
        "slapadd -n{database} {} failed ({}):\n{}{}",
        ldif.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// cn=config: the mdb database in `data`, the ppolicy overlay, access for the service account,
/// and the TLS certificate when `options` has one.
fn config_ldif_text(dir: &Path, data: &Path, options: &LdapOptions) -> String {
    let limits = match options.paged_total_limit {
        Some(n) => format!("olcLimits: dn.exact=\"{SERVICE_DN}\" size.prtotal={n}\n"),
        None => String::new(),
    };
    let tls = match options.tls {
        Some(certificate) => {
            let (cert, key) = certificate.files();
            format!(
                "olcTLSCACertificateFile: {}\nolcTLSCertificateFile: {}\nolcTLSCertificateKeyFile: {}\nolcTLSVerifyClient: never\n",
                test_ca_file().display(),
                cert.display(),
                key.display()
            )
        }
        None => String::new(),
    };
    let pid = dir.join("slapd.pid");
    let args = dir.join("slapd.args");
    let data = data.display();
    format!(
        "dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {pid}
olcArgsFile: {args}
{tls}
dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend

dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: {{0}}to * by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcDbDirectory: {data}
olcSuffix: {SUFFIX}
olcRootDN: {ADMIN_DN}
olcRootPW: {ADMIN_PASSWORD}
olcDbIndex: objectClass eq
olcDbIndex: uid,mail,employeeNumber,cn eq
olcDbIndex: member,uniqueMember eq
{limits}olcAccess: {{0}}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {{1}}to * by dn.exact=\"{SERVICE_DN}\" write by users read by * none

dn: olcOverlay={{0}}ppolicy,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {{0}}ppolicy
olcPPolicyDefault: {POLICY_DN}
",
        pid = pid.display(),
        args = args.display(),
    )
}

/// The entries every directory starts with.
fn base_ldif_text() -> String {
    format!(
        "dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: ou=services,dc=example,dc=com
objectClass: organizationalUnit
ou: services

dn: ou=policies,dc=example,dc=com
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,dc=example,dc=com
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

dn: cn=keyward,ou=services,dc=example,dc=com
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: keyward
userPassword: {SERVICE_PASSWORD}
"
    )
}

/// Entries of `ldapsearch -LLL -o ldif_wrap=no` output: `name: value` lines, `name:: base64` for
/// values that are not plain text, a blank line between entries.
fn parse_ldif(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut dn = None;
        let mut attrs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for line in block.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let Some((name, rest)) = line.split_once(':') else {
                panic!("ldapsearch printed a line that is not `name: value`: {line:?}");
            };
            let value = match rest.strip_prefix(':') {
                Some(b64) => String::from_utf8_lossy(&base64_decode(b64.trim())).into_owned(),
                None => rest.strip_prefix(' ').unwrap_or(rest).to_owned(),
            };
            if name.eq_ignore_ascii_case("dn") {
                dn = Some(value);
            } else {
                attrs.entry(name.to_ascii_lowercase()).or_default().push(value);
            }
        }
        if let Some(dn) = dn {
            out.push(Entry { dn, attrs });
        }
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("ldapsearch printed invalid base64 {s:?}"),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_and_base64_values() {
        let entries = parse_ldif("dn: uid=a,ou=people,dc=example,dc=com\ncn: Ann\nCN:: w4VzYQ==\n\ndn:: dWlkPWI=\n");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].values("cn"), ["Ann", "Åsa"]);
        assert_eq!(entries[1].dn, "uid=b");
    }
}
