//! What a Graph discovery scan makes of the tenant's listings, one item
//! at a time: service principals (which are third-party apps, and their
//! names), users (to name a grant's principal), delegated grants (one use
//! per user grant, one tenant consent per app) and sign-ins (folded into
//! one use per user and app with the first and last day seen).
//!
//! Kept apart from the HTTP paging so the same code reads the pages of a
//! scan and a fuzz target's arbitrary JSON (`mapping::graph_discovery`).
//! Every item is a vendor's and hostile: what is kept is cut to a bound,
//! and an item that does not say what it must is skipped, as Graph lists
//! objects that are not apps a person consented to.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use keyward_core::account::Text;
use keyward_core::discovery::{AppFacts, AppUse, Evidence};
use serde_json::Value;

use crate::graph::{text, utc_day};

/// Tenants Microsoft publishes its own apps from (Microsoft Services and
/// Microsoft's corporate tenant): their service principals are not
/// third-party apps.
const MICROSOFT_TENANTS: [&str; 2] = ["f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"];

/// Longest name, publisher or home page kept from a service principal,
/// and the most scopes kept of one grant: a hostile tenant object cannot
/// make the scan's output grow without bound.
const MAX_TEXT: usize = 256;
const MAX_SCOPES: usize = 64;

/// What a scan keeps of a third-party service principal.
struct ThirdParty {
    app_id: Text,
    facts: AppFacts,
}

/// One (user, app)'s sign-ins, folded.
struct SignIns {
    user: Text,
    first: Option<Date>,
    last: Option<Date>,
}

/// The scan's state as the listings are read, in the order the scan
/// reads them: service principals, users, grants, sign-ins.
pub(crate) struct Fold {
    /// The tenant's own id, lower case: apps it registered itself are not
    /// third party.
    tenant_id: String,
    /// Service principal object id → the third-party app it stands for.
    third_party: HashMap<Text, ThirdParty>,
    /// The app ids of [`Self::third_party`], which sign-ins name: built at
    /// the first sign-in from the principals kept then, and forgotten when
    /// a principal comes in after, so a principal that replaced another
    /// under its object id takes the other's app with it.
    app_ids: Option<HashSet<Text>>,
    /// User object id → mail, or the UPN where there is no mail.
    users: HashMap<Text, Text>,
    /// Uses from grants, in the order read.
    uses: Vec<AppUse>,
    /// Apps a tenant-wide consent was already counted for.
    consented: HashSet<Text>,
    /// (user id, app id) → sign-ins.
    signed_in: HashMap<(Text, Text), SignIns>,
}

impl Fold {
    pub(crate) fn new(tenant_id: &str) -> Self {
        Self {
            tenant_id: tenant_id.to_ascii_lowercase(),
            third_party: HashMap::new(),
            app_ids: None,
            users: HashMap::new(),
            uses: Vec::new(),
            consented: HashSet::new(),
            signed_in: HashMap::new(),
        }
    }

    /// Users read so far.
    pub(crate) fn users(&self) -> usize {
        self.users.len()
    }

    /// One service principal: kept when it stands for a third-party app.
    pub(crate) fn service_principal(&mut self, sp: &Value) {
        // No owner (a managed identity, a legacy principal): not an app
        // someone signed in to with a consent.
        let Some(owner) = text(sp, "appOwnerOrganizationId").map(str::to_ascii_lowercase) else { return };
        if owner == self.tenant_id || MICROSOFT_TENANTS.contains(&owner.as_str()) {
            return;
        }
        let (Some(id), Some(app_id)) = (text(sp, "id"), text(sp, "appId")) else { return };
        let publisher =
            sp.get("verifiedPublisher").and_then(|v| text(v, "displayName")).or_else(|| text(sp, "publisherName"));
        let facts = AppFacts {
            name: text(sp, "displayName").map(bounded),
            publisher: publisher.map(bounded),
            homepage: text(sp, "homepage").map(|h| bounded(h).to_string()),
            object_id: Some(bounded(id)),
        };
        self.app_ids = None;
        self.third_party.insert(bounded(id), ThirdParty { app_id: bounded(app_id), facts });
    }

    /// One user: its mail, or its UPN.
    pub(crate) fn user(&mut self, u: &Value) {
        let name = text(u, "mail").or_else(|| text(u, "userPrincipalName"));
        if let (Some(id), Some(name)) = (text(u, "id"), name) {
            self.users.insert(bounded(id), bounded(name));
        }
    }

    /// One delegated grant: a use when it is to a third-party app, by one
    /// user or (once per app) by the whole tenant.
    pub(crate) fn grant(&mut self, g: &Value) {
        let Some(tp) = text(g, "clientId").and_then(|c| self.third_party.get(c)) else { return };
        let scopes: Vec<Text> =
            text(g, "scope").unwrap_or_default().split_whitespace().take(MAX_SCOPES).map(bounded).collect();
        // (user, user id, evidence): a tenant-wide consent names nobody.
        let (user, user_id, evidence) = match text(g, "consentType") {
            Some("AllPrincipals") if self.consented.insert(tp.app_id.clone()) => {
                (Text::default(), None, Evidence::TenantConsent)
            }
            Some("Principal") => {
                let Some(principal) = text(g, "principalId") else { return };
                let user = self.users.get(principal).cloned().unwrap_or_else(|| bounded(principal));
                (user, Some(bounded(principal)), Evidence::DelegatedGrant)
            }
            _ => return,
        };
        self.uses.push(AppUse {
            app: tp.app_id.clone(),
            user,
            user_id,
            evidence,
            scopes,
            first_seen: None,
            last_seen: None,
            grant_id: text(g, "id").map(bounded),
        });
    }

    /// One sign-in record: folded into its (user, app) when the app is a
    /// third-party one.
    pub(crate) fn sign_in(&mut self, s: &Value) {
        let third_party = &self.third_party;
        let app_ids = self.app_ids.get_or_insert_with(|| third_party.values().map(|t| t.app_id.clone()).collect());
        let Some(app) = text(s, "appId").and_then(|a| app_ids.get(a)) else { return };
        let Some(user_id) = text(s, "userId") else { return };
        let day = text(s, "createdDateTime").and_then(utc_day);
        let users = &self.users;
        let entry = self.signed_in.entry((bounded(user_id), app.clone())).or_insert_with(|| SignIns {
            user: users
                .get(user_id)
                .cloned()
                .or_else(|| text(s, "userPrincipalName").map(bounded))
                .unwrap_or_else(|| bounded(user_id)),
            first: None,
            last: None,
        });
        if let Some(day) = day {
            entry.first = Some(entry.first.map_or(day, |f| f.min(day)));
            entry.last = Some(entry.last.map_or(day, |l| l.max(day)));
        }
    }

    /// Forgets the sign-ins read: the listing was refused on a later page.
    pub(crate) fn drop_sign_ins(&mut self) {
        self.signed_in.clear();
    }

    /// The apps some use names, and the uses: grants in the order read,
    /// then sign-ins (one per user and app, sorted).
    pub(crate) fn finish(self) -> (BTreeMap<Text, AppFacts>, Vec<AppUse>) {
        let mut signed_in: Vec<AppUse> = self
            .signed_in
            .into_iter()
            .map(|((user_id, app), s)| AppUse {
                app,
                user: s.user,
                user_id: Some(user_id),
                evidence: Evidence::SignIn,
                scopes: Vec::new(),
                first_seen: s.first,
                last_seen: s.last,
                grant_id: None,
            })
            .collect();
        signed_in.sort_by(|a, b| (&a.app, &a.user, &a.user_id).cmp(&(&b.app, &b.user, &b.user_id)));
        let mut uses = self.uses;
        uses.extend(signed_in);
        let used: HashSet<&Text> = uses.iter().map(|u| &u.app).collect();
        let apps: BTreeMap<Text, AppFacts> = self
            .third_party
            .into_values()
            .filter(|tp| used.contains(&tp.app_id))
            .map(|tp| (tp.app_id, tp.facts))
            .collect();
        (apps, uses)
    }
}

/// `s` cut to [`MAX_TEXT`] characters.
fn bounded(s: &str) -> Text {
    match s.char_indices().nth(MAX_TEXT) {
        Some((end, _)) => Text::from(&s[..end]),
        None => Text::from(s),
    }
}
