//! The application catalogue: twenty SaaS apps with the layout of their
//! user exports, their roles, and their joiner/leaver lifecycles.

/// The layout of an app's user export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Slack's member list: status and role mixed in one column.
    Slack,
    /// Google Workspace's user download (bulk-upload headers).
    Google,
    /// A GitHub organisation's people list: no status column.
    GitHub,
    /// Salesforce's user report: `Active` true/false, profiles as roles.
    Salesforce,
    /// A Japanese admin screen's export (Shift_JIS when `sjis`).
    Japanese { sjis: bool },
    /// A plain English export; `employee_number` adds the HR id column.
    Generic { employee_number: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuspendTiming {
    OnLastDay,
    AfterLastDay,
    DaysAfter(i32),
}

impl SuspendTiming {
    pub(crate) fn first_day(self, last: i32) -> i32 {
        match self {
            Self::OnLastDay => last,
            Self::AfterLastDay => last + 1,
            Self::DaysAfter(n) => last + n,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TransferTo {
    Nobody,
    Manager,
    Account(&'static str),
}

/// Lifecycle settings of one app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifecycle {
    pub(crate) provision_before: i32,
    pub(crate) on_leave_suspend: bool,
    pub(crate) mover_grace: i32,
    pub(crate) ungranted_suspend: bool,
    pub(crate) suspend: SuspendTiming,
    pub(crate) transfer: TransferTo,
    pub(crate) delete_after: Option<i32>,
}

const LC: Lifecycle = Lifecycle {
    provision_before: 0,
    on_leave_suspend: false,
    mover_grace: 0,
    ungranted_suspend: false,
    suspend: SuspendTiming::AfterLastDay,
    transfer: TransferTo::Nobody,
    delete_after: None,
};

/// One SaaS application.
#[derive(Debug, Clone)]
pub(crate) struct App {
    /// `app-01`.
    pub(crate) name: String,
    pub(crate) display: &'static str,
    pub(crate) owner: &'static str,
    pub(crate) format: Format,
    /// Least to most privileged.
    pub(crate) roles: &'static [&'static str],
    pub(crate) default_role: Option<&'static str>,
    pub(crate) lifecycle: Lifecycle,
    /// Accounts on the pre-merger domain count as the current one.
    pub(crate) domain_alias: bool,
    pub(crate) seat_cost: Option<(u32, &'static str)>,
}

impl App {
    pub(crate) fn rank(&self, role: &str) -> usize {
        self.roles.iter().position(|r| *r == role).unwrap_or(0)
    }
}

/// The app catalogue; `count` ≤ 20 takes the first ones.
pub(crate) fn apps(count: usize) -> Vec<App> {
    use Format::*;
    let catalogue = [
        App {
            name: String::new(),
            display: "Slack",
            owner: "it-admin@example.com",
            format: Slack,
            roles: &["guest", "member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((1050, "JPY")),
        },
        App {
            name: String::new(),
            display: "Google Workspace",
            owner: "it-admin@example.com",
            format: Google,
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle {
                provision_before: 7,
                mover_grace: 30,
                transfer: TransferTo::Manager,
                delete_after: Some(90),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((1360, "JPY")),
        },
        App {
            name: String::new(),
            display: "Zoom",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["basic", "licensed"],
            default_role: Some("basic"),
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                suspend: SuspendTiming::OnLastDay,
                delete_after: Some(30),
                ..LC
            },
            domain_alias: false,
            seat_cost: Some((2000, "JPY")),
        },
        App {
            name: String::new(),
            display: "Confluence",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["viewer", "editor", "admin"],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 14, ..LC },
            domain_alias: true,
            seat_cost: Some((870, "JPY")),
        },
        App {
            name: String::new(),
            display: "Okta",
            owner: "security@example.com",
            format: Generic { employee_number: true },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { provision_before: 7, suspend: SuspendTiming::OnLastDay, ..LC },
            domain_alias: false,
            seat_cost: Some((800, "JPY")),
        },
        App {
            name: String::new(),
            display: "freee会計",
            owner: "keiri@example.com",
            format: Japanese { sjis: true },
            roles: &["viewer", "member", "admin"],
            default_role: None,
            lifecycle: Lifecycle { on_leave_suspend: true, delete_after: Some(365), ..LC },
            domain_alias: true,
            seat_cost: Some((2380, "JPY")),
        },
        App {
            name: String::new(),
            display: "セキュリティ研修",
            owner: "security@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { ungranted_suspend: true, ..LC },
            domain_alias: false,
            seat_cost: None,
        },
        App {
            name: String::new(),
            display: "SmartHR 従業員ポータル",
            owner: "jinji@example.com",
            format: Japanese { sjis: false },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 14, ..LC },
            domain_alias: false,
            seat_cost: Some((600, "JPY")),
        },
        App {
            name: String::new(),
            display: "Box",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle {
                transfer: TransferTo::Account("archive@example.com"),
                delete_after: Some(180),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((1800, "JPY")),
        },
        App {
            name: String::new(),
            display: "1Password",
            owner: "security@example.com",
            format: Generic { employee_number: false },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                suspend: SuspendTiming::DaysAfter(3),
                delete_after: Some(60),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((8, "USD")),
        },
        App {
            name: String::new(),
            display: "GitHub",
            owner: "cto@example.com",
            format: GitHub,
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((4, "USD")),
        },
        App {
            name: String::new(),
            display: "Salesforce",
            owner: "sales-ops@example.com",
            format: Salesforce,
            roles: &["read-only", "standard", "manager"],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 30, transfer: TransferTo::Manager, delete_after: Some(90), ..LC },
            domain_alias: true,
            seat_cost: Some((19800, "JPY")),
        },
        App {
            name: String::new(),
            display: "Jira",
            owner: "cto@example.com",
            format: Generic { employee_number: false },
            roles: &["user", "admin"],
            default_role: Some("user"),
            lifecycle: Lifecycle { mover_grace: 14, ..LC },
            domain_alias: true,
            seat_cost: Some((1100, "JPY")),
        },
        App {
            name: String::new(),
            display: "Figma",
            owner: "design@example.com",
            format: Generic { employee_number: false },
            roles: &["viewer", "editor"],
            default_role: None,
            lifecycle: Lifecycle { delete_after: Some(30), ..LC },
            domain_alias: false,
            seat_cost: Some((2250, "JPY")),
        },
        App {
            name: String::new(),
            display: "kintone",
            owner: "somu@example.com",
            format: Japanese { sjis: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { mover_grace: 30, ..LC },
            domain_alias: true,
            seat_cost: Some((1500, "JPY")),
        },
        App {
            name: String::new(),
            display: "Tableau",
            owner: "planning@example.com",
            format: Generic { employee_number: true },
            roles: &["viewer", "explorer", "creator"],
            default_role: None,
            lifecycle: Lifecycle { ungranted_suspend: true, delete_after: Some(60), ..LC },
            domain_alias: false,
            seat_cost: Some((70, "USD")),
        },
        App {
            name: String::new(),
            display: "Zendesk",
            owner: "support@example.com",
            format: Generic { employee_number: false },
            roles: &["light-agent", "agent", "admin"],
            default_role: None,
            lifecycle: Lifecycle {
                on_leave_suspend: true,
                transfer: TransferTo::Manager,
                delete_after: Some(30),
                ..LC
            },
            domain_alias: true,
            seat_cost: Some((55, "USD")),
        },
        App {
            name: String::new(),
            display: "Notion",
            owner: "it-admin@example.com",
            format: Generic { employee_number: false },
            roles: &["member"],
            default_role: Some("member"),
            lifecycle: Lifecycle { provision_before: 3, ..LC },
            domain_alias: true,
            seat_cost: Some((1650, "JPY")),
        },
        App {
            name: String::new(),
            display: "Miro",
            owner: "design@example.com",
            format: Generic { employee_number: false },
            roles: &[],
            default_role: None,
            lifecycle: Lifecycle { suspend: SuspendTiming::DaysAfter(7), ..LC },
            domain_alias: false,
            seat_cost: Some((1200, "JPY")),
        },
        App {
            name: String::new(),
            display: "Datadog",
            owner: "sre@example.com",
            format: Generic { employee_number: true },
            roles: &["member", "admin"],
            default_role: Some("member"),
            lifecycle: Lifecycle { mover_grace: 7, ..LC },
            domain_alias: false,
            seat_cost: Some((23, "USD")),
        },
    ];
    catalogue
        .into_iter()
        .take(count)
        .enumerate()
        .map(|(i, app)| App { name: format!("app-{:02}", i + 1), ..app })
        .collect()
}
