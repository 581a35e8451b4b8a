//! The two reconciles, step by step: everything (at start, on a policy
//! change, at every resync) and one person (after an HR event). Each step
//! is its own module's business; this one only sequences them under the
//! engine's lock and stops before applying when the engine is stopping.

use std::collections::BTreeSet;
use std::time::Instant;

use jiff::Timestamp;
use jiff::civil::Date;
use keyward_connectors::PersonKeys;
use keyward_core::PolicySet;
use keyward_core::load::Named;
use keyward_core::resources::{ApplicationSpec, ReconcileMode};
use keyward_core::roster::Roster;

use super::planning::plan_readable;
use super::problems::people_problems;
use super::reading::{Read, people_per_source};
use super::{Engine, ReconcileKind, ReconcileReport};
use crate::status::{self, Problem, SourceRead};

impl Engine {
    /// Reconciles everything: reads the HR data, lists every app, plans,
    /// applies the changes of apps in enforce mode, and updates every
    /// status. Never panics; problems end up in the statuses.
    pub async fn reconcile_all(&self, set: &PolicySet, today: Date) -> ReconcileReport {
        let clock = Instant::now();
        let mut report = ReconcileReport::new(ReconcileKind::Full, None, today);
        let mut connections = self.connections.lock().await;
        // Everything planned below is read after this instant.
        let read_from = Instant::now();
        if self.is_stopping() {
            report.interrupted = true;
            return self.finish(report, clock);
        }
        let now = Timestamp::now();
        let people = match self.read_people(set).await {
            Ok(p) => p,
            Err(e) => {
                let (sources, problem) = people_problems(set, &e);
                tracing::warn!(error = %problem.message, "cannot read the HR data; nothing is planned");
                self.publish_sources(&sources, now);
                for app in &set.applications {
                    let p = Problem::new(
                        "PeopleSourceFailed",
                        format!("the HR data could not be read: {}", problem.message),
                    );
                    report.apps.insert(app.name.clone(), status::unplanned(app.spec.mode, p));
                }
                report.error = Some(problem);
                self.publish_full(set, &mut report, now);
                return self.finish(report, clock);
            }
        };
        let source_counts = people_per_source(set, &people);

        let all: Vec<&Named<ApplicationSpec>> = set.applications.iter().collect();
        let mut problems =
            connections.connect(set, &all, ReconcileKind::Full, self.secrets.as_deref(), &self.metrics).await;
        let Some(listings) = self.read_apps(&mut connections, &all, &mut problems, Read::All).await else {
            report.interrupted = true;
            return self.finish(report, clock);
        };
        let roster = self.read_roster().await;
        // What was read, with owners, for the audit log (`keyward
        // history`); an app that could not be read is not on record.
        let mut listed = keyward_core::owners::listed_accounts(set, &people, &listings);
        listed.retain(|app, _| !problems.contains_key(app));
        let plan = match plan_readable(
            set,
            &people,
            listings,
            &problems,
            today,
            None,
            roster.as_ref().unwrap_or(&Roster::default()),
        ) {
            Ok(x) => x,
            Err(problem) => {
                for app in &set.applications {
                    report.apps.insert(app.name.clone(), status::unplanned(app.spec.mode, problem.clone()));
                }
                report.error = Some(problem);
                self.publish_full(set, &mut report, now);
                return self.finish(report, clock);
            }
        };
        self.record_listings(&listed).await;
        let applied = self.apply(&connections, set, &plan, ReconcileKind::Full, read_from).await;
        self.record_outcomes(set, &plan, &problems, &applied, &mut report);
        // Only after a read that worked (a roster keyward could not read is
        // left for a human); the update applies to the roster as stored
        // now, which another replica may have updated since.
        if roster.is_some() {
            self.update_roster(|now| now.updated(&people, today)).await;
        }
        drop(connections);
        let sources: Vec<(String, SourceRead)> =
            source_counts.into_iter().map(|(name, count)| (name, SourceRead::Read(count))).collect();
        self.publish_sources(&sources, now);
        self.publish_full(set, &mut report, now);
        self.finish(report, clock)
    }

    /// The roster kept beside the audit log, or `None` when it cannot be
    /// read: the plan then shows nobody as vanished and the file is left
    /// as it is for a human to restore, never overwritten.
    async fn read_roster(&self) -> Option<Roster> {
        match self.roster.read().await {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the roster; people who left the HR data are not shown this time");
                None
            }
        }
    }

    /// Records whom this reconcile saw. A failure is logged: the next
    /// reconcile compares with the older roster, which only delays news.
    async fn update_roster(&self, update: impl FnOnce(&Roster) -> Roster) {
        if let Err(e) = self.roster.update(update).await {
            tracing::warn!(error = %e, "cannot write the roster");
        }
    }

    /// Reconciles one person after an HR event: finds them in the HR data
    /// (by employee number or e-mail), looks up only their accounts (and
    /// their manager's, who may receive a hand-over) in every app in
    /// enforce mode at once, plans for them alone and applies. For a SCIM
    /// app that is one lookup plus one request per change. Apps in observe
    /// mode are not read (nothing would be applied to them), nor are
    /// read-only apps (their checklists are the full reconcile's).
    pub async fn reconcile_person(&self, set: &PolicySet, person_key: &str, today: Date) -> ReconcileReport {
        let clock = Instant::now();
        let mut report = ReconcileReport::new(ReconcileKind::Person, Some(person_key), today);
        let mut connections = self.connections.lock().await;
        // Everything planned below is read after this instant.
        let read_from = Instant::now();
        if self.is_stopping() {
            report.interrupted = true;
            return self.finish(report, clock);
        }
        let now = Timestamp::now();
        let people = match self.read_people(set).await {
            Ok(p) => p,
            Err(e) => {
                let (_, problem) = people_problems(set, &e);
                tracing::warn!(person = person_key, error = %problem.message, "cannot read the HR data");
                report.error = Some(problem);
                return self.finish(report, clock);
            }
        };
        let Some(index) = people.find(person_key.trim()) else {
            report.error = Some(Problem::new(
                "PersonNotFound",
                format!(
                    "nobody with employee number or work e-mail `{person_key}` is in the HR data; check the event, or whether the HR export already has the change"
                ),
            ));
            return self.finish(report, clock);
        };
        let Some(person) = people.get(index) else {
            report.error = Some(Problem::new(
                "PersonNotFound",
                format!("`{person_key}` was found but not read (a bug: please report it)"),
            ));
            return self.finish(report, clock);
        };
        let mut keys = PersonKeys::of(person);
        if let Some(manager) = person.manager.as_deref().and_then(|m| people.find(m)).and_then(|i| people.get(i)) {
            keys.extend(PersonKeys::of(manager));
        }
        let enforced: Vec<&Named<ApplicationSpec>> =
            set.applications.iter().filter(|a| a.spec.mode == ReconcileMode::Enforce).collect();
        let mut problems =
            connections.connect(set, &enforced, ReconcileKind::Person, self.secrets.as_deref(), &self.metrics).await;
        // Read-only apps (csv exports) are left to the full reconcile: their
        // changes go to a checklist per app, which a one-person apply would
        // replace with that person's lines only.
        let enforced: Vec<&Named<ApplicationSpec>> = enforced
            .into_iter()
            .filter(|a| connections.get(&a.name).is_none_or(|c| !c.capabilities().is_read_only()))
            .collect();
        let read = Read::Person(&keys, person_key);
        let Some(listings) = self.read_apps(&mut connections, &enforced, &mut problems, read).await else {
            report.interrupted = true;
            return self.finish(report, clock);
        };
        // Apps not read (observe mode, read-only) get an empty stand-in
        // listing when planning; none of their changes is kept or reported.
        let not_read: BTreeSet<String> = set
            .applications
            .iter()
            .filter(|a| !enforced.iter().any(|e| e.name == a.name))
            .map(|a| a.name.clone())
            .collect();
        let plan = match plan_readable(set, &people, listings, &problems, today, Some(index), &Roster::default()) {
            Ok(x) => x,
            Err(problem) => {
                report.error = Some(problem);
                return self.finish(report, clock);
            }
        };
        let applied = self.apply(&connections, set, &plan, ReconcileKind::Person, read_from).await;
        self.record_outcomes(set, &plan, &problems, &applied, &mut report);
        drop(connections);
        report.apps.retain(|name, _| !not_read.contains(name));
        self.publish_person(&mut report, &person.id, now);
        self.finish(report, clock)
    }
}
