//! Explanations as text for a terminal, in English or Japanese. The data
//! (names, departments, account ids, policy names) is printed as HR and the
//! apps wrote it, made printable; keyward's own words come from the
//! catalogue (`explain.ftl`).

use std::fmt::Write as _;

use crate::account::status_in;
use crate::grants::Because;
use crate::i18n::{Arg, Lang, Msg};
use crate::present::inventory::InventoryRow;
use crate::printable::escape as printable;

use super::{AccountExplanation, Explained, Explanation};

impl Explained {
    /// The explanation as text in `lang`.
    pub fn to_text_in(&self, lang: Lang) -> String {
        match self {
            Self::Person(e) => e.to_text_in(lang),
            Self::Account(e) => e.to_text_in(lang),
        }
    }
}

/// `slack: taro@example.com [active] role member, groups a, b`.
fn account_line(r: &InventoryRow, lang: Lang) -> String {
    let mut what = t!(lang, "explain-account", app = &r.app, account = &r.account, status = status_in(&r.status, lang));
    if !r.role.is_empty() {
        what = t!(lang, "explain-account-role", what = what, role = &r.role);
    }
    if !r.groups.is_empty() {
        let groups: Vec<String> = r.groups.split(';').map(str::to_owned).collect();
        what = t!(lang, "explain-with-groups", what = what, groups = groups);
    }
    what
}

/// Writes `heading` and a blank line before it.
fn heading(out: &mut String, text: String) {
    let _ = writeln!(out, "\n{text}");
}

fn line(out: &mut String, indent: usize, text: &str) {
    let _ = writeln!(out, "{:indent$}{text}", "");
}

impl Explanation {
    /// For a leaver, the "Still open" section: every declared account not
    /// suspended or deleted and every discovered grant, or "nothing left
    /// open" when there are none. Empty for anyone else. English.
    pub fn still_open_lines(&self) -> Vec<String> {
        self.still_open_lines_in(Lang::En)
    }

    /// [`Self::still_open_lines`] in `lang`.
    pub fn still_open_lines_in(&self, lang: Lang) -> Vec<String> {
        if !self.is_leaver() {
            return Vec::new();
        }
        let mut lines = Vec::new();
        for r in self.open_accounts() {
            let mut l =
                t!(lang, "explain-account", app = &r.app, account = &r.account, status = status_in(&r.status, lang));
            let planned: Vec<Arg> = self
                .changes
                .iter()
                .filter(|c| c.app == r.app && c.account.id.as_deref() == Some(r.account_id.as_str()))
                .map(|c| c.action.message().into())
                .collect();
            if !planned.is_empty() {
                l = t!(lang, "explain-open-planned", what = l, actions = Arg::List(planned));
            }
            lines.push(l);
        }
        for g in &self.discovered {
            let covered = match g.covered_by.as_deref() {
                Some(c) => t!(lang, "explain-covered-by", app = c),
                None => t!(lang, "explain-undeclared"),
            };
            let mut l = t!(
                lang,
                "explain-discovered",
                app = &g.app,
                covered = covered,
                evidence = g.evidence.as_str(),
                directory = &g.directory
            );
            if !g.scopes.is_empty() {
                l = t!(lang, "explain-scopes", what = l, scopes = g.scopes.clone());
                if g.more_scopes > 0 {
                    l = t!(lang, "explain-more-scopes", what = l, count = g.more_scopes);
                }
            }
            if let Some(d) = g.last_seen {
                l = t!(lang, "explain-last-seen", what = l, date = d);
            }
            lines.push(l);
        }
        let read = !self.directories.is_empty();
        match (lines.is_empty(), read) {
            (true, true) => lines.push(t!(lang, "explain-nothing-open")),
            (true, false) => lines.push(t!(lang, "explain-nothing-open-declared")),
            (false, false) => lines.push(t!(lang, "explain-grants-not-read")),
            (false, true) => {}
        }
        lines.into_iter().map(|l| printable(&l).into_owned()).collect()
    }

    /// The explanation as text for a terminal, in English.
    pub fn to_text(&self) -> String {
        self.to_text_in(Lang::En)
    }

    /// The explanation as text for a terminal, in `lang`.
    pub fn to_text_in(&self, lang: Lang) -> String {
        let p = &self.person;
        let mut out = String::new();
        if let Some(asked) = &self.asked
            && let Some(m) = asked.by.message(&asked.query)
        {
            line(&mut out, 0, &printable(&m.render(lang)));
        }
        line(&mut out, 0, &format!("{} ({})", p.label(), p.id));
        if !p.previous_ids.is_empty() {
            line(&mut out, 2, &t!(lang, "explain-earlier-ids", ids = p.previous_ids.clone()));
        }
        line(&mut out, 2, &t!(lang, "explain-on-date", date = self.date, situation = self.situation_message.clone()));
        for post in &p.posts {
            let dept = post.department.clone().unwrap_or_else(|| t!(lang, "explain-no-department"));
            let text = match &post.title {
                Some(t) => t!(lang, "explain-post-titled", department = dept, title = t),
                None => t!(lang, "explain-post", department = dept),
            };
            line(&mut out, 2, &text);
        }
        if let Some(t) = &p.employment_type {
            line(&mut out, 2, &t!(lang, "explain-employment-type", kind = t));
        }
        if let Some(m) = &p.manager {
            line(&mut out, 2, &t!(lang, "explain-manager", manager = m));
        }
        for (k, v) in &p.attributes {
            line(&mut out, 2, &format!("{k}: {v}"));
        }
        if let Some(source) = &self.source_message {
            line(&mut out, 2, &t!(lang, "explain-from", source = source.clone()));
        }
        self.grants_section(&mut out, lang);
        self.accounts_section(&mut out, lang);
        self.plan_section(&mut out, lang);
        let open = self.still_open_lines_in(lang);
        if !open.is_empty() {
            heading(&mut out, t!(lang, "explain-still-open-heading", date = self.date));
            for l in open {
                line(&mut out, 2, &l);
            }
        }
        if !self.violations.is_empty() {
            heading(&mut out, t!(lang, "explain-duties-heading"));
            for v in &self.violations {
                line(&mut out, 2, &format!("✗ {}: {}", v.rule, v.duty_names()));
                for (duty, what) in crate::present::render::duty_evidence_in(v, lang) {
                    line(&mut out, 4, &format!("{duty} — {what}"));
                }
            }
        }
        out
    }

    fn grants_section(&self, out: &mut String, lang: Lang) {
        heading(out, t!(lang, "explain-grants-heading"));
        let left = self.grants.phase == "left";
        if self.grants.grants.is_empty() && !left {
            line(out, 2, &t!(lang, "explain-none"));
        }
        for g in &self.grants.grants {
            let mut what = g.app.clone();
            if let Some(r) = &g.role {
                what = t!(lang, "explain-grant-role", app = what, role = r);
            }
            if !g.groups.is_empty() {
                what = t!(lang, "explain-with-groups", what = what, groups = g.groups.clone());
            }
            line(out, 2, &what);
            for b in &g.because {
                line(out, 4, &t!(lang, "explain-because", what = because(b)));
            }
        }
        for x in &self.grants.exceptions_not_in_force_messages {
            line(out, 2, &t!(lang, "explain-not-in-force", what = x.clone()));
        }
        if left {
            // Every policy says the same: one line instead of one per policy.
            let id = if self.grants.grants.is_empty() { "explain-left-none" } else { "explain-left-exceptions-only" };
            line(out, 2, &Msg::new(id).render(lang));
        } else if !self.grants.not_selected.is_empty() {
            heading(out, t!(lang, "explain-not-selected-heading"));
            for n in &self.grants.not_selected {
                let text = t!(
                    lang,
                    "explain-not-selected",
                    policy = &n.policy,
                    apps = n.apps.clone(),
                    why = n.why_message.clone()
                );
                line(out, 2, &text);
            }
        }
    }

    fn accounts_section(&self, out: &mut String, lang: Lang) {
        heading(out, t!(lang, "explain-accounts-heading"));
        for r in &self.accounts {
            line(out, 2, &account_line(r, lang));
            line(out, 4, &t!(lang, "explain-matched-by", how = r.matched_by_message.clone()));
        }
        if !self.no_account_in.is_empty() {
            line(out, 2, &t!(lang, "explain-no-account-in", apps = self.no_account_in.clone()));
        }
    }

    fn plan_section(&self, out: &mut String, lang: Lang) {
        heading(out, t!(lang, "explain-plan-heading"));
        if self.changes.is_empty() {
            line(out, 2, &t!(lang, "explain-nothing-to-change"));
        }
        changes(out, &self.changes, &self.held, lang);
    }
}

/// The plan's changes and held changes, one a line.
fn changes(out: &mut String, changes: &[crate::plan::Change], held: &[crate::plan::Held], lang: Lang) {
    for c in changes {
        let text = t!(
            lang,
            "explain-change",
            app = c.app.as_str(),
            action = c.action.message(),
            account = c.account.label(),
            reason = c.reason_in(lang).into_owned()
        );
        line(out, 2, &text);
    }
    for h in held {
        let c = &h.change;
        let text = t!(
            lang,
            "explain-held",
            app = c.app.as_str(),
            action = c.action.message(),
            account = c.account.label(),
            until = h.until,
            reason = c.reason_in(lang).into_owned()
        );
        line(out, 2, &text);
    }
}

fn because(b: &Because) -> Msg {
    match b {
        Because::AccessPolicy { name, department, title, role } => {
            let mut m = Msg::new("explain-because-policy").arg("name", name);
            m = match (department, title) {
                (Some(d), Some(t)) => {
                    Msg::new("explain-because-post-titled").arg("what", m).arg("department", d).arg("title", t)
                }
                (Some(d), None) => Msg::new("explain-because-post").arg("what", m).arg("department", d),
                (None, Some(t)) => Msg::new("explain-because-title").arg("what", m).arg("title", t),
                (None, None) => m,
            };
            match role {
                Some(r) => Msg::new("explain-because-grants").arg("what", m).arg("role", r),
                None => m,
            }
        }
        Because::Exception { name, until, reason, approver } => Msg::new("explain-because-exception")
            .arg("name", name)
            .arg("until", *until)
            .arg("reason", reason)
            .arg("approver", approver),
    }
}

impl AccountExplanation {
    /// The explanation as text for a terminal, in `lang`.
    pub fn to_text_in(&self, lang: Lang) -> String {
        let r = &self.account;
        let mut out = String::new();
        // The id too, when the account is shown by its e-mail or username.
        match r.account == r.account_id {
            true => line(&mut out, 0, &account_line(r, lang)),
            false => {
                line(&mut out, 0, &t!(lang, "explain-account-id", what = account_line(r, lang), id = &r.account_id))
            }
        }
        if !r.last_active.is_empty() {
            line(&mut out, 2, &t!(lang, "explain-last-active", date = &r.last_active));
        }
        let how = match self.matches_nobody() {
            true => t!(lang, "explain-matches-nobody"),
            false => t!(lang, "explain-matched-by", how = r.matched_by_message.clone()),
        };
        line(&mut out, 2, &how);
        if let Some(m) = &self.probably_message {
            line(&mut out, 2, &t!(lang, "explain-probably", candidates = m.clone()));
        } else if self.matches_nobody() {
            line(&mut out, 2, &t!(lang, "explain-no-probable"));
        }
        heading(&mut out, t!(lang, "explain-plan-heading"));
        if self.changes.is_empty() && self.held.is_empty() {
            line(&mut out, 2, &t!(lang, "explain-nothing-to-change"));
        }
        changes(&mut out, &self.changes, &self.held, lang);
        out.lines().map(|l| printable(l).into_owned() + "\n").collect()
    }
}
