//! The test organisation that the end-to-end tests of the CLI (`keyward apply`) and of the standalone
//! controller both run against: an HR master export in one fixed column layout, the `PeopleSource`
//! that reads it, the access policies of the SCIM Application `chat`, that Application, and the SCIM
//! user resources the tests seed the server with.
//!
//! Only what those tests share lives here. Each test keeps the parts that tell its own story: the HR
//! rows (fixed dates for the CLI, dates relative to today for the daemon), which accounts it seeds,
//! the token and where it comes from, and the directory layout.
//!
//! ```
//! use keyward_testkit::org::{ChatApp, HR_CSV_HEADER, people_yaml, scim_user, scim_user_active};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let hr = format!("{HR_CSV_HEADER}E1,山田,太郎,taro@example.com,営業本部,部長,正社員,在籍,2015/04/01,,\n");
//! std::fs::write(dir.path().join("hr.csv"), hr).unwrap();
//! std::fs::write(dir.path().join("people.yaml"), people_yaml("hr.csv")).unwrap();
//! let app = ChatApp::new("http://127.0.0.1:8000/v2", "{env: MY_SCIM_TOKEN}").spec("  mode: observe\n");
//! std::fs::write(dir.path().join("chat.yaml"), app.yaml()).unwrap();
//!
//! let taro = scim_user("taro@example.com", true, Some("E1"));
//! assert!(scim_user_active(&taro));
//! ```

use serde_json::{Value, json};

/// The header row (with its line end) of the HR master export that [`people_source_yaml`] maps, in
/// the column names of a SmartHR export. The rows after it are each test's own.
pub const HR_CSV_HEADER: &str =
    "社員番号,姓,名,メールアドレス,部署,役職,雇用形態,在籍状況,入社年月日,退職年月日,上長社員番号\n";

/// A temporary directory holding `files` (paths relative to it, parent
/// directories made): a test's organisation of policy and data files.
#[must_use]
pub fn directory(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a directory of the organisation");
        }
        std::fs::write(&path, text).expect("write a file of the organisation");
    }
    dir
}

/// The access policies for `chat`, as further documents of a policy file: they start with `---`
/// so that they can follow the `PeopleSource` in one file, as in [`people_yaml`].
const CHAT_ACCESS_POLICIES: &str = "---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: everyone}
spec:
  select: {}
  grant: [{app: chat, role: member}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: engineers}
spec:
  select: {department: [開発本部/**]}
  grant: [{app: chat, groups: [engineers]}]
---
apiVersion: keyward.io/v1alpha1
kind: AccessPolicy
metadata: {name: sales}
spec:
  select: {department: [営業本部/**]}
  grant: [{app: chat, groups: [sales]}]
";

/// The `PeopleSource` named `smarthr`, one YAML document that reads the HR export at `csv_path`
/// (relative to the policy file, as keyward resolves it) with every column of [`HR_CSV_HEADER`] mapped.
///
/// Tests assert error positions inside this document (`keyward validate` reports the `department`
/// value at line 12, column 19), so its layout is part of the contract: change it only together with
/// those tests.
#[must_use]
pub fn people_source_yaml(csv_path: &str) -> String {
    format!(
        "apiVersion: keyward.io/v1alpha1
kind: PeopleSource
metadata: {{name: smarthr}}
spec:
  csv:
    path: {csv_path}
    columns:
      id: 社員番号
      familyName: 姓
      givenName: 名
      email: メールアドレス
      department: 部署
      title: 役職
      employmentType: 雇用形態
      status: 在籍状況
      startDate: 入社年月日
      endDate: 退職年月日
      manager: 上長社員番号
"
    )
}

/// [`people_source_yaml`] followed by the organisation's access policies for the Application `chat`:
/// everyone gets the role `member`, people under `開発本部` are put in the group `engineers` and people
/// under `営業本部` in `sales`.
#[must_use]
pub fn people_yaml(csv_path: &str) -> String {
    people_source_yaml(csv_path) + CHAT_ACCESS_POLICIES
}

/// The Application `chat`, the one app of the organisation: a SCIM connector with the enterprise
/// extension (`employeeNumber`, `department`, `manager`), roles `member` and `admin`, accounts named
/// `svc-…` protected, and a deprovisioning guard loose enough for every plan of the fixture
/// (`maxDeprovision: 10`, which tests may tighten with a text replace on [`yaml`](Self::yaml)).
#[derive(Debug, Clone)]
#[must_use]
pub struct ChatApp {
    url: String,
    token: String,
    timeout_seconds: u32,
    spec: String,
}

impl ChatApp {
    /// `chat` against the SCIM base URL `url`. `token` is the connector's `token:` value as a YAML
    /// flow mapping, such as `{env: MY_SCIM_TOKEN}` or `{file: ../secrets/scim-token}`: the tests pick
    /// where their token comes from, never the token itself. The request timeout is 10 seconds.
    pub fn new(url: &str, token: &str) -> Self {
        Self { url: url.to_owned(), token: token.to_owned(), timeout_seconds: 10, spec: String::new() }
    }

    /// Sets the connector's `timeoutSeconds`: tests that inject delays or lost responses want it short.
    pub fn timeout_seconds(mut self, seconds: u32) -> Self {
        self.timeout_seconds = seconds;
        self
    }

    /// Adds `lines` at the end of `spec:`, such as `"  mode: observe\n"`. Each line must be indented by
    /// two spaces and end with a newline; calls add up in order.
    pub fn spec(mut self, lines: &str) -> Self {
        self.spec.push_str(lines);
        self
    }

    /// The Application as one YAML document, ending with a newline.
    #[must_use]
    pub fn yaml(&self) -> String {
        let Self { url, token, timeout_seconds, spec } = self;
        format!(
            "apiVersion: keyward.io/v1alpha1
kind: Application
metadata: {{name: chat}}
spec:
  connector:
    scim:
      url: {url}
      token: {token}
      enterprise: [employeeNumber, department, manager]
      timeoutSeconds: {timeout_seconds}
  roles: [member, admin]
  protect: [{{username: '^svc-', reason: CI bot}}]
  apply:
    concurrency: 2
    requestsPerSecond: 200
    guard: {{maxDeprovision: 10, maxDeprovisionPercent: 100}}
{spec}"
        )
    }
}

/// A SCIM `User` resource to seed [`ScimServer`](crate::ScimServer) with: `user_name` is also the
/// display name and the primary work e-mail, the role is `member`, and `externalId` is set only when
/// `external_id` is given (an account keyward has not linked to a person yet has none).
#[must_use]
pub fn scim_user(user_name: &str, active: bool, external_id: Option<&str>) -> Value {
    let mut user = json!({
        "userName": user_name,
        "displayName": user_name,
        "emails": [{"value": user_name, "type": "work", "primary": true}],
        "active": active,
        "roles": [{"value": "member", "primary": true}],
    });
    if let Some(id) = external_id {
        user["externalId"] = json!(id);
    }
    user
}

/// Whether a SCIM `User` resource as read back from the server is active. A resource without a
/// boolean `active` counts as active, because RFC 7643 makes the attribute optional.
#[must_use]
pub fn scim_user_active(user: &Value) -> bool {
    user["active"].as_bool().unwrap_or(true)
}
