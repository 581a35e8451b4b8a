//! The Markdown of a checklist, in the language of the person who will
//! tick it off: the marker naming the app, one line per item with its id,
//! ticked where the human had ticked it before, each saying what to do in
//! the app's own words and naming the account as the app does; then the
//! app's reviews, decisions for the human apart from the changes (no
//! checkbox: deciding is not ticked off here, and what is decided comes
//! back as a change in the next plan).

use std::fmt::Write as _;

use jiff::civil::Date;
use keyward_core::action::Action;
use keyward_core::i18n::{Arg, Lang};
use keyward_core::plan::{AccountRef, AppSummary, Change};
use keyward_core::present::render;
use keyward_core::resources::Vendor;
use keyward_core::t;

use super::ticks::{MARKER_END, MARKER_START, Ticks};

/// What one app's checklist holds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sheet<'a> {
    /// The app.
    pub(crate) app: &'a AppSummary,
    /// The app behind its connector, for its own words; `None`: generic.
    pub(crate) vendor: Option<Vendor>,
    /// The day the plan is for, and the apply run.
    pub(crate) when: (Date, &'a str),
    /// The changes to make by hand.
    pub(crate) changes: &'a [&'a Change],
    /// The app's reviews: decisions for the human.
    pub(crate) reviews: &'a [&'a Change],
}

/// The checklist for one app's changes in `lang`, in the order a human
/// should make them (the apply phase order: a hand-over before the deletion).
/// Items ticked in `ticks` (the file as the human left it) stay ticked.
pub(crate) fn render(sheet: &Sheet<'_>, ticks: &Ticks, lang: Lang) -> String {
    let Sheet { app, vendor, when: (date, run), changes, reviews } = *sheet;
    let mut sorted: Vec<&Change> = changes.to_vec();
    sorted.sort_by_key(|c| c.action);
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER_START}{}{MARKER_END}", marker_name(&app.name));
    let _ = writeln!(out, "# {}", t!(lang, "checklist-title", app = app.display_name.as_str()));
    let _ = writeln!(out);
    let intro = t!(
        lang,
        "checklist-intro",
        date = date,
        run = run,
        app = app.display_name.as_str(),
        connector = app.connector.as_str(),
        count = Arg::Text(sorted.len().to_string()),
    );
    let _ = writeln!(out, "{intro}");
    let _ = writeln!(out);
    for c in sorted {
        let id = c.item_id();
        let tick = if ticks.is_ticked(&id) { 'x' } else { ' ' };
        let _ = writeln!(out, "- [{tick}] {id} {}", line(c, vendor, lang));
    }
    if !reviews.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "## {}", t!(lang, "checklist-reviews-title"));
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", t!(lang, "checklist-reviews-intro", count = Arg::Text(reviews.len().to_string())));
        let _ = writeln!(out);
        for c in reviews {
            let _ = writeln!(out, "- {}", line(c, vendor, lang));
        }
    }
    out
}

/// The app's name for the marker line: resource names have no spaces or
/// `-->`, and anything else is replaced so the marker stays one comment.
fn marker_name(app: &str) -> String {
    app.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// The account as the checklist names it: as the app's admin console
/// does — the e-mail for apps that name users by it, else the login
/// (username) — falling back to what the account has.
pub(crate) fn shown_as(a: &AccountRef, vendor: Option<Vendor>) -> &str {
    if vendor.is_some_and(Vendor::names_users_by_email) {
        return a.label();
    }
    a.username.as_deref().or(a.email.as_deref()).or(a.id.as_deref()).unwrap_or("?")
}

/// The account named, with the e-mail (when named otherwise) or else the
/// app's id beside it, to recognise and find it by.
fn account(a: &AccountRef, vendor: Option<Vendor>, lang: Lang) -> String {
    let label = shown_as(a, vendor);
    match (a.email.as_deref(), a.id.as_deref()) {
        (Some(email), _) if email != label => t!(lang, "checklist-account-with-email", label = label, email = email),
        (_, Some(id)) if id != label => t!(lang, "checklist-account-with-id", label = label, id = id),
        _ => format!("`{label}`"),
    }
}

/// What a human does for `action` in the app, in its own words where
/// keyward knows them (GitHub: remove from the organisation), else the
/// action's name.
fn doing(action: Action, vendor: Option<Vendor>, lang: Lang) -> String {
    let Some(v) = vendor else { return render::action_name(action, lang) };
    let app = v.key();
    match action {
        Action::Create => t!(lang, "checklist-do-create", app = app),
        Action::Restore => t!(lang, "checklist-do-restore", app = app),
        Action::Suspend => t!(lang, "checklist-do-suspend", app = app),
        Action::Delete => t!(lang, "checklist-do-delete", app = app),
        Action::Update | Action::Transfer | Action::Revoke | Action::Review => render::action_name(action, lang),
    }
}

fn line(c: &Change, vendor: Option<Vendor>, lang: Lang) -> String {
    let mut s = format!("**{}** {}", doing(c.action, vendor, lang), account(&c.account, vendor, lang));
    if c.action == Action::Review
        && let Some(p) = c.proposed
    {
        let _ = write!(s, " — {}", t!(lang, "checklist-review-proposed", what = doing(p, vendor, lang)));
    }
    if let Some(p) = &c.person {
        let part = match p.name.as_deref() {
            Some(name) => t!(lang, "checklist-person-named", id = p.id.as_str(), name = name),
            None => t!(lang, "checklist-person", id = p.id.as_str()),
        };
        let _ = write!(s, " — {part}");
    }
    if let Some(r) = &c.role {
        let part = match &r.from {
            Some(from) => t!(lang, "checklist-role-change", from = from.as_str(), to = r.to.as_str()),
            None => t!(lang, "checklist-role", to = r.to.as_str()),
        };
        let _ = write!(s, " — {part}");
    }
    if let Some(g) = &c.groups {
        let mut parts: Vec<String> = g.add.iter().map(|x| format!("+{x}")).collect();
        parts.extend(g.remove.iter().map(|x| format!("−{x}")));
        if !parts.is_empty() {
            let _ = write!(s, " — {}", t!(lang, "checklist-groups", groups = parts.join(" ")));
        }
    }
    if c.action == Action::Transfer
        && let Some(to) = &c.transfer_to
    {
        let _ = write!(s, " — {}", t!(lang, "checklist-hand-over", to = account(to, vendor, lang)));
    }
    if c.action == Action::Revoke {
        // A read-only app cannot say what it can revoke: name everything a
        // human should look for in its admin console.
        let part = match c.revoke.filter(|r| !r.is_empty()) {
            Some(r) => t!(lang, "checklist-revoke", what = render::revoke_kinds(r, lang)),
            None => t!(lang, "checklist-revoke-all"),
        };
        let _ = write!(s, " — {part}");
    }
    // One item per line: a line break in a reason would split the item.
    let reason = c.reason_in(lang).replace(['\n', '\r'], " ");
    let _ = write!(s, " — {reason}");
    s
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use keyward_core::i18n::Msg;
    use keyward_core::plan::{Counts, PersonRef, RoleChange};

    use super::*;

    fn app(name: &str, display: &str) -> AppSummary {
        AppSummary {
            name: name.into(),
            display_name: display.into(),
            connector: "csvExport".into(),
            source: format!("{name}.csv"),
            read_only: true,
            accounts: 40,
            matched: 35,
            orphans: 1,
            protected: 1,
            bots: 0,
            changes: Counts::default(),
            seat_cost: None,
            seats: None,
            export: None,
        }
    }

    /// An account as a GitHub export lists it: the login is its id and
    /// username; the e-mail only when the member made it public.
    fn member(login: &str, email: Option<&str>) -> AccountRef {
        AccountRef {
            id: Some(login.into()),
            username: Some(login.into()),
            email: email.map(Into::into),
            ..AccountRef::default()
        }
    }

    fn person(id: &str, name: &str) -> Option<PersonRef> {
        Some(PersonRef { id: id.into(), email: None, name: Some(name.into()) })
    }

    fn left(last: &str) -> Msg {
        Msg::new("reason-left-on").arg("last", last).arg("col", "")
    }

    /// A GitHub organisation's checklist: an invitation, a role change, a
    /// leaver removed (one with a public e-mail, one without), and a review.
    fn github_changes() -> (Vec<Change>, Vec<Change>) {
        let mut invite = Change::new(
            "github",
            Action::Create,
            AccountRef {
                username: Some("mei-ito".into()),
                email: Some("mei.ito@example.com".into()),
                ..Default::default()
            },
            Msg::new("reason-joins")
                .arg("start", "2026-12-01")
                .arg("col", "")
                .arg("granted", Msg::new("reason-granted-by").arg("sources", "engineering")),
        );
        invite.person = person("E1042", "伊藤 芽衣");
        let mut promote = Change::new(
            "github",
            Action::Update,
            member("aoi-hirano", None),
            Msg::new("reason-granted-by").arg("sources", "platform-admins"),
        );
        promote.person = person("E0311", "平野 葵");
        promote.role = Some(Box::new(RoleChange { from: Some("member".into()), to: "admin".into() }));
        let mut remove = Change::new(
            "github",
            Action::Suspend,
            member("daichi-sakamoto", Some("daichi.sakamoto@example.com")),
            left("2026-11-20"),
        );
        remove.person = person("E0207", "坂本 大地");
        let mut gone = Change::new("github", Action::Suspend, member("chihiro-f", None), left("2026-11-21"));
        gone.person = person("E0188", "福田 千尋");
        let mut orphan = Change::new(
            "github",
            Action::Review,
            member("ghost-dev", None),
            Msg::new("reason-ungranted").arg("app", "GitHub (example-corp)").arg("moved", ""),
        );
        orphan.proposed = Some(Action::Suspend);
        (vec![gone, invite, remove, promote], vec![orphan])
    }

    fn github_sheet(lang: Lang) -> String {
        let app = app("github", "GitHub (example-corp)");
        let (changes, reviews) = github_changes();
        let changes: Vec<&Change> = changes.iter().collect();
        let reviews: Vec<&Change> = reviews.iter().collect();
        let sheet = Sheet {
            app: &app,
            vendor: Some(Vendor::Github),
            when: (date(2026, 11, 23), "20261123T091500Z-4242"),
            changes: &changes,
            reviews: &reviews,
        };
        let mut ticks = Ticks::default();
        ticks.items.insert(changes[2].item_id(), true);
        render(&sheet, &ticks, lang)
    }

    #[test]
    fn a_github_checklist_in_english() {
        insta::assert_snapshot!(github_sheet(Lang::En));
    }

    #[test]
    fn a_github_checklist_in_japanese() {
        insta::assert_snapshot!(github_sheet(Lang::Ja));
    }

    #[test]
    fn each_app_is_told_what_to_do_in_its_own_words() {
        let words = |v, a| doing(a, v, Lang::En);
        assert_eq!(
            words(Some(Vendor::Github), Action::Suspend),
            "remove from the organisation (GitHub has no suspension)"
        );
        assert_eq!(words(Some(Vendor::Slack), Action::Suspend), "deactivate");
        assert_eq!(words(Some(Vendor::GoogleWorkspace), Action::Suspend), "suspend");
        assert_eq!(words(Some(Vendor::Microsoft365), Action::Suspend), "block sign-in");
        assert_eq!(words(Some(Vendor::Slack), Action::Delete), "deactivate (Slack cannot delete accounts)");
        assert_eq!(words(None, Action::Suspend), "suspend", "generic words without a known app");
        assert_eq!(words(Some(Vendor::Github), Action::Update), "update");
        assert_eq!(doing(Action::Suspend, Some(Vendor::Microsoft365), Lang::Ja), "サインインをブロック");
        assert_eq!(doing(Action::Suspend, None, Lang::Ja), "停止");
    }

    #[test]
    fn the_account_is_named_as_the_app_names_it() {
        let both = member("daichi-sakamoto", Some("daichi.sakamoto@example.com"));
        assert_eq!(shown_as(&both, Some(Vendor::Github)), "daichi-sakamoto", "GitHub: the login, not the e-mail");
        assert_eq!(shown_as(&both, None), "daichi-sakamoto", "an app's own login before the e-mail");
        assert_eq!(shown_as(&both, Some(Vendor::Slack)), "daichi.sakamoto@example.com", "Slack names users by e-mail");
        assert_eq!(
            account(&both, Some(Vendor::Github), Lang::En),
            "`daichi-sakamoto` (daichi.sakamoto@example.com)",
            "the e-mail beside, to recognise the person"
        );
        let no_login =
            AccountRef { id: Some("U0042".into()), email: Some("a@example.com".into()), ..Default::default() };
        assert_eq!(shown_as(&no_login, Some(Vendor::Github)), "a@example.com");
        assert_eq!(account(&no_login, Some(Vendor::Slack), Lang::En), "`a@example.com` (id `U0042`)");
    }
}
