//! Reviews of an app's accounts that no person's planning covers:
//! accounts matching nobody (or several people, or written as a look-alike
//! of someone's address), and accounts on an e-mail domain the company
//! does not control.

use jiff::civil::Date;

use crate::action::Action;
use crate::correlate::{Indexes, Link, explain};
use crate::hints::candidates_message;
use crate::i18n::{Arg, Msg};
use crate::identity::doubt_reason;
use crate::people::People;
use crate::plan::{AccountRef, Change, PersonRef};

use super::context::AppCtx;

/// Accounts matched to a person but on an e-mail domain that is neither
/// the company's nor a partner's (`spec.identities`): a private address
/// stays reachable by its owner after they leave, whatever HR says. Only
/// reviewed — moving an account to another address is a human's job.
pub(super) fn plan_foreign_domains(ctx: &AppCtx<'_>, people: &People, scope: Option<&[usize]>, out: &mut Vec<Change>) {
    let Some(ids) = &ctx.app.identities else { return };
    if ids.internal.is_empty() {
        return;
    }
    for (ai, link) in ctx.links.iter().enumerate() {
        let Link::Person { person, .. } = link else { continue };
        if scope.is_some_and(|s| s.binary_search(&(*person as usize)).is_err()) {
            continue;
        }
        let a = &ctx.listing.accounts[ai];
        if !a.status.is_live() {
            continue;
        }
        let Some(domain) = a.email.as_deref().and_then(crate::compile::model::CompiledIdentities::domain) else {
            continue;
        };
        if !ids.is_foreign(&domain) {
            continue;
        }
        let acct = AccountRef::of(a);
        if out.iter().any(|c| c.action == Action::Review && c.account == acct) {
            continue;
        }
        let mut c = Change::new(
            ctx.app.name.as_str(),
            Action::Review,
            acct,
            Msg::new("reason-foreign-domain").arg("domain", domain.to_string()),
        );
        c.person = people.get(*person as usize).map(PersonRef::of);
        out.push(c);
    }
}

/// Accounts in doubt (see `identity`: older than their person, or on an
/// address with earlier holders) that can still sign in and that no
/// change of their person's already reviews: each is reviewed once, with
/// the evidence and the records it could belong to.
pub(super) fn plan_doubted(ctx: &AppCtx<'_>, people: &People, scope: Option<&[usize]>, out: &mut Vec<Change>) {
    for (ai, link) in ctx.links.iter().enumerate() {
        let Link::Person { person, doubt: Some(_), .. } = link else { continue };
        if scope.is_some_and(|s| s.binary_search(&(*person as usize)).is_err()) {
            continue;
        }
        let a = &ctx.listing.accounts[ai];
        let acct = AccountRef::of(a);
        if !a.status.is_live() || out.iter().any(|c| c.account == acct) {
            continue;
        }
        let d = explain(ctx.app, people, a, *link);
        let Some(v) = d.verdict else { continue };
        let mut c = Change::new(ctx.app.name.as_str(), Action::Review, acct, doubt_reason(&v, None));
        c.person = people.get(*person as usize).map(PersonRef::of);
        out.push(c);
    }
}

/// Orphans, ambiguous matches and look-alike addresses that can still
/// sign in.
/// An orphan's review names the people its name suggests (never a match).
pub(super) fn plan_unmatched(ctx: &AppCtx<'_>, people: &People, indexes: &Indexes, today: Date, out: &mut Vec<Change>) {
    for (ai, link) in ctx.links.iter().enumerate() {
        if !link.is_unmatched() {
            continue;
        }
        let a = &ctx.listing.accounts[ai];
        if !a.status.is_live() {
            continue;
        }
        let d = explain(ctx.app, people, a, *link);
        let names: Vec<String> =
            d.candidates.iter().filter_map(|&p| people.get(p)).map(|p| format!("{} {}", p.id, p.label())).collect();
        let reason = match link {
            Link::LookAlike { .. } => {
                let resembles = if names.is_empty() {
                    Msg::new("reason-resembles-nobody")
                } else {
                    Msg::new("reason-resembles").arg("names", names.join("; "))
                };
                Msg::new("reason-look-alike")
                    .arg("email", a.email.as_deref().unwrap_or_default())
                    .arg("chars", d.look_alike.join(", "))
                    .arg("resembles", resembles)
            }
            Link::Ambiguous { .. } => {
                let (what, key) = d.matched_by.unwrap_or_default();
                // The correlator's words in the reader's language; the
                // English text stays what it was.
                let what = d.deciding.map_or_else(|| what.into(), Arg::from);
                Msg::new("reason-ambiguous").arg("what", what).arg("key", key).arg("names", names.join("; "))
            }
            _ => {
                let what = if d.tried.is_empty() {
                    Msg::new("reason-tried-nothing")
                } else {
                    let t: Vec<Arg> = d
                        .tried
                        .iter()
                        .map(|(w, v)| {
                            Msg::new("reason-tried-one").arg("what", w.clone()).arg("value", v.as_str()).into()
                        })
                        .collect();
                    Msg::new("reason-tried").arg("tried", Arg::List(t))
                };
                let hints = indexes.names(people).probable(a);
                match candidates_message(people, &hints, today) {
                    Some(c) => Msg::new("reason-orphan-probably").arg("what", what).arg("candidates", c),
                    None => Msg::new("reason-orphan").arg("what", what),
                }
            }
        };
        out.push(Change::new(ctx.app.name.as_str(), Action::Review, AccountRef::of(a), reason));
    }
}
