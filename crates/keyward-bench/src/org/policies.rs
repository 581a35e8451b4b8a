//! The access policies the generator writes: department and title
//! patterns, grants, and the catalogue of about forty policies over the
//! divisions. What they select is [`super::selection`]'s business.

use super::departments::{DEPTS_PER_DIVISION, Kind, division_kind, division_name};
use super::people::{EXTERNAL, Emp, REGULAR, STAFF};

/// A department pattern: `X/**` (X and everything under it) or exactly X.
#[derive(Debug, Clone)]
pub(crate) enum DeptPattern {
    Tree(String),
    Exact(String),
}

impl DeptPattern {
    pub(crate) fn written(&self) -> String {
        match self {
            Self::Tree(p) => format!("{p}/**"),
            Self::Exact(p) => p.clone(),
        }
    }
}

/// A title condition, written as a regular expression.
#[derive(Debug, Clone)]
pub(crate) enum TitleMatch {
    /// One of these titles exactly: `^(?:a|b)$`.
    OneOf(&'static [&'static str]),
    /// Contains one of these: `a|b`.
    Contains(&'static [&'static str]),
    /// Ends with this: `x$`.
    EndsWith(&'static str),
}

impl TitleMatch {
    pub(crate) fn regex(&self) -> String {
        match self {
            Self::OneOf(t) => format!("^(?:{})$", t.join("|")),
            Self::Contains(t) => t.join("|"),
            Self::EndsWith(t) => format!("{t}$"),
        }
    }
}

/// One grant: app index (0-based), role, groups.
#[derive(Debug, Clone)]
pub(crate) struct GrantDef {
    pub(crate) app: usize,
    pub(crate) role: Option<&'static str>,
    pub(crate) groups: Vec<String>,
}

/// An AccessPolicy.
#[derive(Debug, Clone)]
pub(crate) struct PolicyDef {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) depts: Vec<DeptPattern>,
    pub(crate) title: Option<TitleMatch>,
    pub(crate) emp: Vec<Emp>,
    /// `attributes: {github: ".+"}`.
    pub(crate) needs_github: bool,
    pub(crate) grants: Vec<GrantDef>,
}

impl PolicyDef {
    fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            depts: Vec::new(),
            title: None,
            emp: Vec::new(),
            needs_github: false,
            grants: Vec::new(),
        }
    }

    fn tree(mut self, p: impl Into<String>) -> Self {
        self.depts.push(DeptPattern::Tree(p.into()));
        self
    }

    fn exact(mut self, p: impl Into<String>) -> Self {
        self.depts.push(DeptPattern::Exact(p.into()));
        self
    }

    fn title(mut self, t: TitleMatch) -> Self {
        self.title = Some(t);
        self
    }

    fn emp(mut self, e: &[Emp]) -> Self {
        self.emp = e.to_vec();
        self
    }

    fn github(mut self) -> Self {
        self.needs_github = true;
        self
    }

    /// `app` is 1-based, as in the file names.
    fn grant(mut self, app: usize, role: Option<&'static str>, groups: &[String]) -> Self {
        self.grants.push(GrantDef { app: app - 1, role, groups: groups.to_vec() });
        self
    }
}

fn g(s: impl Into<String>) -> Vec<String> {
    vec![s.into()]
}

/// About forty access policies over `apps` apps: everyone, externals,
/// per division, per sales and corporate department, and by title.
pub(crate) fn policies(divisions: usize, apps: usize) -> Vec<PolicyDef> {
    use TitleMatch::*;
    let none: &[String] = &[];
    let mut v = vec![
        PolicyDef::new("all-employees", "Every employee gets the everyday tools.")
            .emp(STAFF)
            .grant(1, Some("member"), none)
            .grant(2, None, none)
            .grant(3, Some("basic"), none)
            .grant(4, Some("editor"), none)
            .grant(5, None, none)
            .grant(6, Some("member"), none)
            .grant(7, None, none)
            .grant(8, None, none)
            .grant(9, None, none)
            .grant(10, None, none),
        PolicyDef::new("externals", "Temps and contractors: chat as guests, mail, video, read-only wiki, files.")
            .emp(EXTERNAL)
            .grant(1, Some("guest"), none)
            .grant(2, None, none)
            .grant(3, Some("basic"), none)
            .grant(4, Some("viewer"), none)
            .grant(5, None, none)
            .grant(7, None, none)
            .grant(9, None, none),
        PolicyDef::new("it-admins", "情報システム部 administers the core tools.")
            .tree("本部07/部01")
            .emp(REGULAR)
            .grant(1, Some("admin"), none)
            .grant(4, Some("admin"), none)
            .grant(10, Some("admin"), none)
            .grant(13, Some("admin"), none),
        PolicyDef::new("accounting", "経理部 runs the books.")
            .tree("本部07/部02")
            .emp(STAFF)
            .grant(6, Some("admin"), none)
            .grant(15, None, &g("経理")),
        PolicyDef::new("hr-team", "人事 administers the employee portal.")
            .tree("本部10")
            .emp(REGULAR)
            .grant(8, Some("admin"), none)
            .grant(15, None, &g("人事")),
        PolicyDef::new("executives", "社長室 sees every report.")
            .exact("社長室")
            .grant(12, Some("read-only"), none)
            .grant(16, Some("creator"), none),
    ];
    for d in 1..=divisions {
        let div = division_name(d);
        let team = format!("team-{d:02}");
        let mut p = PolicyDef::new(format!("division-{d:02}"), format!("{div} (staff) gets its division's tools."))
            .tree(div.clone())
            .emp(STAFF);
        p = match division_kind(d) {
            Kind::Sales => p
                .grant(14, Some("viewer"), none)
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("explorer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Engineering => p
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Design => p
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("editor"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("light-agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Corporate => p
                .grant(13, None, &g(div.clone()))
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("viewer"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Hr => p.grant(18, None, &g(div.clone())).grant(19, None, &g(div.clone())),
            Kind::Planning => p
                .grant(12, Some("read-only"), &g("企画"))
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(15, None, &g(div.clone()))
                .grant(16, Some("creator"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone())),
            Kind::Support => p
                .grant(12, Some("read-only"), &g("サポート"))
                .grant(13, None, &g(div.clone()))
                .grant(14, Some("viewer"), none)
                .grant(16, Some("viewer"), none)
                .grant(17, Some("agent"), none)
                .grant(18, None, &g(div.clone()))
                .grant(19, None, &g(div.clone()))
                .grant(20, None, none),
            Kind::Executive => p,
        };
        v.push(p);
        if matches!(division_kind(d), Kind::Engineering | Kind::Design) {
            v.push(
                PolicyDef::new(
                    format!("github-{d:02}"),
                    format!("{div}: GitHub organisation membership and the division team."),
                )
                .tree(div.clone())
                .emp(&[Emp::FullTime, Emp::Contract, Emp::Contractor])
                .github()
                .grant(11, None, &[String::from("engineers"), team]),
            );
        }
        if division_kind(d) == Kind::Sales {
            for j in 1..=DEPTS_PER_DIVISION {
                let dept = format!("{div}/部{j:02}");
                v.push(
                    PolicyDef::new(
                        format!("sales-{d:02}-{j:02}"),
                        format!("{dept} works its own pipeline in Salesforce."),
                    )
                    .tree(dept.clone())
                    .emp(REGULAR)
                    .grant(12, Some("standard"), &g(dept)),
                );
            }
        }
        if matches!(division_kind(d), Kind::Corporate | Kind::Hr) {
            for j in 1..=DEPTS_PER_DIVISION {
                let dept = format!("{div}/部{j:02}");
                v.push(
                    PolicyDef::new(format!("corporate-{d:02}-{j:02}"), format!("{dept}: its kintone workflow apps."))
                        .tree(dept.clone())
                        .emp(STAFF)
                        .grant(15, None, &g(dept)),
                );
            }
        }
    }
    let sales: Vec<usize> = (1..=divisions).filter(|d| division_kind(*d) == Kind::Sales).collect();
    let eng: Vec<usize> = (1..=divisions).filter(|d| division_kind(*d) == Kind::Engineering).collect();
    let mut sales_managers =
        PolicyDef::new("sales-managers", "Managers in sales see forecasts (Sales Manager profile).")
            .title(OneOf(&["課長", "部長", "本部長"]))
            .grant(12, Some("manager"), none);
    for d in &sales {
        sales_managers = sales_managers.tree(division_name(*d));
    }
    let mut eng_leads =
        PolicyDef::new("engineering-leads", "Tech leads and heads of engineering are organisation owners.")
            .title(OneOf(&["テックリード", "部長", "本部長"]))
            .grant(11, Some("admin"), none)
            .grant(20, Some("admin"), none);
    let mut eng_contractors =
        PolicyDef::new("engineering-contractors", "Contractors in engineering work in Jira and Notion.")
            .emp(&[Emp::Contractor])
            .grant(13, None, &g("contractors"))
            .grant(18, None, &g("contractors"));
    for d in &eng {
        eng_leads = eng_leads.tree(division_name(*d));
        eng_contractors = eng_contractors.tree(division_name(*d));
    }
    v.push(sales_managers);
    v.push(eng_leads);
    v.push(eng_contractors);
    v.push(
        PolicyDef::new("managers", "Every head (課長, 部長, 本部長…) gets a licensed Zoom, dashboards and approvals.")
            .title(EndsWith("長"))
            .grant(3, Some("licensed"), none)
            .grant(15, None, &g("承認者"))
            .grant(16, Some("viewer"), none),
    );
    v.push(
        PolicyDef::new("support-leads", "Support leads administer Zendesk.")
            .tree("本部09")
            .title(Contains(&["リーダー", "長"]))
            .grant(17, Some("admin"), none),
    );
    v.push(
        PolicyDef::new("product-managers", "Product managers read customer records and explore dashboards.")
            .title(OneOf(&["プロダクトマネージャー"]))
            .grant(12, Some("read-only"), none)
            .grant(16, Some("explorer"), none),
    );
    v.push(PolicyDef::new("designers", "Designers anywhere edit in Figma.").title(Contains(&["デザイナー"])).grant(
        14,
        Some("editor"),
        none,
    ));
    v.push(
        PolicyDef::new("platform", "プラットフォーム部 administers monitoring.")
            .tree("本部04/部01")
            .emp(&[Emp::FullTime, Emp::Contract, Emp::Contractor])
            .grant(20, Some("admin"), &g("platform")),
    );
    // Keep grants to apps that exist; drop policies left with none.
    for p in &mut v {
        p.grants.retain(|gr| gr.app < apps);
    }
    v.retain(|p| !p.grants.is_empty());
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}
