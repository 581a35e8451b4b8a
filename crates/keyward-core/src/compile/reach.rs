//! What each PeopleSource and Application may reach, checked once for the
//! whole set: every credential and every file a resource names, through
//! its [`Locator`](crate::load::Locator), which knows where the resource
//! came from ([`Reach`](crate::load::Reach)). For policy files this
//! accepts everything (their authors run keyward); for objects from the
//! Kubernetes API it refuses credentials that are not `secret:`
//! references and files that are not absolute paths inside the
//! directories the operator allowed — each an error naming the resource
//! and the field, so nothing of it is ever read.
//!
//! Empty paths are left to the kinds' own checks, which say so better.

use super::checker::Checker;
use crate::load::{Named, Origin};
use crate::resources::SecretRef;

/// Checks the credentials and files of every source and application.
pub(super) fn check_reach(c: &mut Checker<'_>) {
    let set = c.set;
    for src in &set.people_sources {
        check_resource(c, src, src.spec.credentials(), src.spec.files());
    }
    for app in &set.applications {
        check_resource(c, app, app.spec.connector.credentials(), app.spec.connector.files());
    }
}

fn check_resource<T>(
    c: &mut Checker<'_>,
    resource: &Named<T>,
    credentials: Vec<(&'static str, &SecretRef)>,
    files: Vec<(&'static str, &str)>,
) {
    let o: &Origin = &resource.origin;
    let locator = c.set.locator(o);
    for (field, r) in credentials {
        if let Err(refusal) = locator.admit_secret(field, r) {
            c.diags.push(locator.refused(&refusal));
        }
    }
    for (field, written) in files {
        if written.trim().is_empty() {
            continue;
        }
        if let Err(refusal) = locator.admit_path(field, written) {
            c.diags.push(locator.refused(&refusal));
        }
    }
}
