//! Desired state: which person should have which app, with which role and
//! groups, and why.
//!
//! Evaluation is split for speed on large organisations: selectors are
//! decided once per distinct post (department, title) — thousands of people
//! share a post — and per person only the person-level conditions are
//! checked. An entitlement for one person and one app is then assembled on
//! demand from the policies that selected the person, borrowing names from
//! the compiled policies, so nothing is allocated for the common case of
//! "nothing to change"; words explaining a grant are written only for
//! changes. Selectors that select nobody, or name departments the HR
//! data does not have, are reported by `coverage`.

use std::collections::HashMap;

use jiff::civil::Date;

mod coverage;

pub(crate) use coverage::from_selections as selector_warnings_from;
pub use coverage::selector_warnings;

use crate::compile::model::{Compiled, CompiledGrant, CompiledSelector};
use crate::i18n::{Arg, Lang, Msg};
use crate::people::{People, Person, Phase, Post};

/// A policy that selected a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index into `Compiled::policies`.
    pub(crate) policy: u32,
    /// Index into the person's posts, when the selector looked at posts.
    pub(crate) post: Option<u32>,
}

/// Where a grant of an [`EntView`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Src {
    Policy(Hit),
    Exception(u32),
}

/// An entitlement borrowed from the compiled policies; cheap to build and
/// to compare with an account.
#[derive(Debug, Default)]
pub(crate) struct EntView<'c> {
    pub(crate) role: Option<&'c str>,
    /// The role's number in the app's `role_ids`.
    pub(crate) role_id: Option<u32>,
    role_rank: usize,
    /// Sorted, without duplicates.
    pub(crate) groups: Vec<&'c str>,
    pub(crate) sources: Vec<Src>,
    /// The role the grants named before `spec.identities.partnerMaxRole`
    /// lowered it, when it did.
    pub(crate) capped_from: Option<&'c str>,
}

impl EntView<'_> {
    fn clear(&mut self) {
        self.role = None;
        self.role_id = None;
        self.role_rank = 0;
        self.groups.clear();
        self.sources.clear();
        self.capped_from = None;
    }

    /// `true` when an exception is among the sources.
    pub(crate) fn has_exception(&self) -> bool {
        self.sources.iter().any(|s| matches!(s, Src::Exception(_)))
    }

    /// "granted by AccessPolicy a (dept), Exception b until … (why),
    /// approved by …".
    pub(crate) fn describe(&self, compiled: &Compiled, person: &Person) -> Msg {
        let sources: Vec<Arg> = self.sources.iter().map(|src| Arg::from(src_message(compiled, person, *src))).collect();
        match (self.capped_from, self.role) {
            (Some(from), Some(to)) => {
                Msg::new("reason-granted-by-capped").arg("sources", Arg::List(sources)).arg("from", from).arg("to", to)
            }
            _ => Msg::new("reason-granted-by").arg("sources", Arg::List(sources)),
        }
    }
}

impl<'c> EntView<'c> {
    /// Lowers the role to the app's `partnerMaxRole` when the person's
    /// work e-mail is on a partner domain and the grants give more.
    pub(crate) fn cap_for_partner(&mut self, app: &'c crate::compile::model::CompiledApp, person: &Person) {
        let Some(ids) = &app.identities else { return };
        let Some((role, id, rank)) = &ids.partner_max_role else { return };
        if self.role.is_some() && self.role_rank > *rank && ids.is_partner(person.email.as_deref()) {
            self.capped_from = self.role;
            self.role = Some(role.as_str());
            self.role_id = *id;
            self.role_rank = *rank;
        }
    }
}

/// One source of a grant in words: "AccessPolicy a (dept)" or "Exception b
/// until … (why), approved by …".
pub(crate) fn describe_src(out: &mut String, compiled: &Compiled, person: &Person, src: Src) {
    out.push_str(&src_message(compiled, person, src).render(crate::i18n::Lang::En));
}

/// [`describe_src`] as a message.
pub(crate) fn src_message(compiled: &Compiled, person: &Person, src: Src) -> Msg {
    match src {
        Src::Policy(hit) => {
            let name = compiled.policies[hit.policy as usize].name.as_str();
            match hit.post.and_then(|p| person.posts.get(p as usize)).and_then(|p| p.department.as_deref()) {
                Some(dept) => Msg::new("grant-src-policy-dept").arg("name", name).arg("dept", dept),
                None => Msg::new("grant-src-policy").arg("name", name),
            }
        }
        Src::Exception(i) => {
            let ex = &compiled.exceptions[i as usize];
            Msg::new("grant-src-exception")
                .arg("name", ex.name.as_str())
                .arg("until", ex.until)
                .arg("why", ex.reason.as_str())
                .arg("approver", ex.approver.as_str())
        }
    }
}

/// Which policies select each person, and which exceptions are in force.
pub(crate) struct Selections {
    /// `hits[offsets[p]..offsets[p + 1]]` are person `p`'s hits.
    offsets: Vec<u32>,
    hits: Vec<Hit>,
    /// Exceptions in force, by person index.
    exceptions: HashMap<usize, Vec<u32>>,
    /// Per person, `words` 64-bit words: bit `a` set when something grants
    /// app `a`, so people an app concerns are found without assembling
    /// their entitlement.
    app_bits: Vec<u64>,
    words: usize,
    /// Exceptions whose person is not in the HR data, or that expired.
    pub(crate) warnings: Vec<Msg>,
}

/// Post-level verdicts: the policies (that look at posts) this post meets.
type PostVerdict = Vec<u32>;

fn post_verdict(compiled: &Compiled, dept: Option<&str>, title: Option<&str>) -> PostVerdict {
    let mut out = Vec::new();
    for (i, pol) in compiled.policies.iter().enumerate() {
        let sel = &pol.selector;
        if sel.department.is_none() && sel.title.is_none() {
            continue;
        }
        match (&sel.department, dept) {
            (Some(m), Some(d)) if m.matches(d) => {}
            (Some(_), _) => continue,
            (None, _) => {}
        }
        if let Some(re) = &sel.title
            && !re.is_match(title.unwrap_or(""))
        {
            continue;
        }
        out.push(i as u32);
    }
    out
}

/// Person-level conditions: status, employment type, attributes.
fn person_ok(sel: &CompiledSelector, person: &Person, phase: Phase) -> bool {
    let status_ok = match phase {
        Phase::NotStarted { .. } | Phase::Employed => sel.active,
        Phase::OnLeave => sel.on_leave,
        Phase::Left { .. } => false,
    };
    if !status_ok {
        return false;
    }
    if !sel.employment_types.is_empty() {
        match person.employment_type.as_deref() {
            Some(ty) if sel.employment_types.iter().any(|t| t == ty) => {}
            _ => return false,
        }
    }
    // A missing value is matched as the empty string, so `.*` means
    // "anyone" and `.+` means "has a value".
    sel.attributes.iter().all(|(attr, re)| re.is_match(person.attributes.get(attr).map_or("", String::as_str)))
}

/// A person's posts, or one empty post so that selectors on departments
/// and titles see "none" rather than nothing.
fn posts_of(p: &Person) -> &[Post] {
    static NO_POST: [Post; 1] = [Post { department: None, title: None }];
    if p.posts.is_empty() { &NO_POST } else { &p.posts }
}

/// Decides every selector for every person on `today`.
pub(crate) fn select_all(compiled: &Compiled, people: &People, phases: &[Phase], today: Date) -> Selections {
    let mut warnings = Vec::new();
    let mut exceptions: HashMap<usize, Vec<u32>> = HashMap::new();
    for (i, ex) in compiled.exceptions.iter().enumerate() {
        match people.find(&ex.person) {
            Some(p) => {
                let in_force = ex.from.is_none_or(|f| f <= today) && today <= ex.until;
                if in_force {
                    exceptions.entry(p).or_default().push(i as u32);
                }
            }
            None => warnings.push(Msg::new("warning-exception-nobody").arg("name", &ex.name).arg("person", &ex.person)),
        }
        if ex.until < today {
            warnings.push(Msg::new("warning-exception-expired").arg("name", &ex.name).arg("until", ex.until));
        }
    }
    // In the order of their English text, as the plan always listed them.
    warnings.sort_by_cached_key(|m| m.render(Lang::En));

    let postless: Vec<u32> = compiled
        .policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.selector.department.is_none() && p.selector.title.is_none())
        .map(|(i, _)| i as u32)
        .collect();
    // Departments and titles repeat across thousands of people: decide
    // each distinct post once.
    let mut verdicts: HashMap<(Option<&str>, Option<&str>), PostVerdict> = HashMap::new();
    for person in people.persons() {
        for post in posts_of(person) {
            let key = (post.department.as_deref(), post.title.as_deref());
            verdicts.entry(key).or_insert_with(|| post_verdict(compiled, key.0, key.1));
        }
    }
    let select_person = |person: &Person, phase: Phase, hits: &mut Vec<Hit>| {
        if matches!(phase, Phase::Left { .. }) {
            return;
        }
        let start = hits.len();
        for &policy in &postless {
            if person_ok(&compiled.policies[policy as usize].selector, person, phase) {
                hits.push(Hit { policy, post: None });
            }
        }
        for (post_idx, post) in posts_of(person).iter().enumerate() {
            let key = (post.department.as_deref(), post.title.as_deref());
            for &policy in verdicts.get(&key).map(Vec::as_slice).unwrap_or(&[]) {
                // The first post that qualifies explains the grant.
                if hits[start..].iter().any(|h| h.policy == policy) {
                    continue;
                }
                if person_ok(&compiled.policies[policy as usize].selector, person, phase) {
                    let post = (!person.posts.is_empty()).then_some(post_idx as u32);
                    hits.push(Hit { policy, post });
                }
            }
        }
        hits[start..].sort_by_key(|h| h.policy);
    };
    // Chunks of people in parallel, stitched back in order.
    const CHUNK: usize = 4096;
    let chunks: Vec<(Vec<u32>, Vec<Hit>)> = {
        use rayon::prelude::*;
        people
            .persons()
            .par_chunks(CHUNK)
            .zip(phases.par_chunks(CHUNK))
            .map(|(persons, phases)| {
                let mut ends = Vec::with_capacity(persons.len());
                let mut hits = Vec::with_capacity(persons.len() * 4);
                for (person, phase) in persons.iter().zip(phases) {
                    select_person(person, *phase, &mut hits);
                    ends.push(hits.len() as u32);
                }
                (ends, hits)
            })
            .collect()
    };
    let mut offsets = Vec::with_capacity(people.len() + 1);
    let mut hits: Vec<Hit> = Vec::with_capacity(chunks.iter().map(|(_, h)| h.len()).sum());
    offsets.push(0);
    for (ends, chunk_hits) in chunks {
        let base = hits.len() as u32;
        offsets.extend(ends.into_iter().map(|e| base + e));
        hits.extend(chunk_hits);
    }
    let words = compiled.apps.len().div_ceil(64).max(1);
    let mask = |grants: &[crate::compile::model::CompiledGrant]| {
        let mut m = vec![0u64; words];
        for g in grants {
            m[g.app / 64] |= 1 << (g.app % 64);
        }
        m
    };
    let policy_bits: Vec<Vec<u64>> = compiled.policies.iter().map(|p| mask(&p.grants)).collect();
    let mut app_bits = vec![0u64; people.len() * words];
    for (p, bits) in app_bits.chunks_mut(words).enumerate() {
        for h in &hits[offsets[p] as usize..offsets[p + 1] as usize] {
            for (b, m) in bits.iter_mut().zip(&policy_bits[h.policy as usize]) {
                *b |= m;
            }
        }
        for &e in exceptions.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
            for (b, m) in bits.iter_mut().zip(mask(&compiled.exceptions[e as usize].grants)) {
                *b |= m;
            }
        }
    }
    Selections { offsets, hits, exceptions, app_bits, words, warnings }
}

impl Selections {
    fn hits_of(&self, person: usize) -> &[Hit] {
        let (a, b) = (self.offsets[person] as usize, self.offsets[person + 1] as usize);
        &self.hits[a..b]
    }

    /// `true` when a policy or exception grants the person `app`.
    pub(crate) fn grants_app(&self, person: usize, app: usize) -> bool {
        self.app_bits[person * self.words + app / 64] & (1 << (app % 64)) != 0
    }

    /// Calls `f` with every grant of `app` that applies to the person, and
    /// where it comes from: the single grants before [`Self::entitlement`]
    /// merges them into one role (separation of duties must see a role the
    /// merge hid behind a more privileged one).
    pub(crate) fn each_grant<'c>(
        &self,
        compiled: &'c Compiled,
        person: usize,
        app: usize,
        mut f: impl FnMut(Src, &'c CompiledGrant),
    ) {
        for hit in self.hits_of(person) {
            for g in &compiled.policies[hit.policy as usize].grants {
                if g.app == app {
                    f(Src::Policy(*hit), g);
                }
            }
        }
        if let Some(exs) = self.exceptions.get(&person) {
            for &ei in exs {
                for g in &compiled.exceptions[ei as usize].grants {
                    if g.app == app {
                        f(Src::Exception(ei), g);
                    }
                }
            }
        }
    }

    /// Fills `out` with the person's entitlement to `app`; `false` when
    /// nothing grants the app.
    pub(crate) fn entitlement<'c>(
        &self,
        compiled: &'c Compiled,
        person: usize,
        app: usize,
        out: &mut EntView<'c>,
    ) -> bool {
        out.clear();
        self.each_grant(compiled, person, app, |src, g| merge(out, g, src));
        if out.sources.is_empty() {
            return false;
        }
        out.groups.sort_unstable();
        out.groups.dedup();
        true
    }
}

fn merge<'c>(out: &mut EntView<'c>, g: &'c CompiledGrant, src: Src) {
    if let Some(role) = g.role.as_deref()
        && (out.role.is_none() || g.rank > out.role_rank)
    {
        out.role = Some(role);
        out.role_id = g.role_id;
        out.role_rank = g.rank;
    }
    out.groups.extend(g.groups.iter().map(String::as_str));
    out.sources.push(src);
}
