//! Loading: policy files (Kubernetes manifests, so `kubectl apply -f
//! policies/` works on the same files) or objects read from the Kubernetes
//! API, into typed resources that remember where they were defined.
//!
//! Loading never stops at the first problem: every document of every file
//! is read and all diagnostics are returned together, each naming file,
//! line and column. It checks each document on its own — YAML, apiVersion,
//! kind, `metadata.name` and the fields of its kind; whatever needs two
//! fields or two resources is compilation's job, which runs on what this
//! returns. It must not depend on compilation.
//!
//! A resource's [`Origin`] is turned into a [`Locator`] (`locator`) for
//! whoever reports a problem with it later, so readers and connectors need
//! nothing else of the policy set. Where the resources came from decides,
//! once, what they may reach ([`Reach`], `reach`): policy files reach
//! variables and files; objects from the Kubernetes API only Secrets of
//! their namespace and the directories the operator allowed. The parsed files are kept in
//! [`PolicyFiles`] (`files`); one document becomes a typed resource in
//! `document`; a skipped document that looks like a misspelt keyward
//! resource is warned about (`misspelling`).

use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::resources::{
    AccessPolicy, AccessPolicySpec, Application, ApplicationSpec, Exception, ExceptionSpec, PeopleSource,
    PeopleSourceSpec, SeparationOfDuties, SeparationOfDutiesSpec,
};
use crate::yaml;

mod document;
mod files;
mod locator;
mod misspelling;
mod reach;

pub use files::PolicyFiles;
pub use locator::Locator;
pub use reach::{AllowedDirs, Reach, Refusal};

/// The kinds of keyward resources.
const KINDS: [&str; 5] = ["PeopleSource", "Application", "AccessPolicy", "Exception", "SeparationOfDuties"];

/// A policy file's text, as read by the caller.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as the user should see it.
    pub path: String,
    /// The whole text.
    pub text: String,
}

/// Where a resource was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A document in a policy file.
    File {
        /// Index into the loaded files.
        file: usize,
        /// Index of the document within the file.
        doc: usize,
    },
    /// An object read from the Kubernetes API (`AccessPolicy default/sales`).
    Object(String),
}

/// A resource's name, spec and origin.
#[derive(Debug, Clone)]
pub struct Named<T> {
    /// `metadata.name`.
    pub name: String,
    /// The spec.
    pub spec: T,
    /// Where it was defined.
    pub origin: Origin,
}

/// A keyward resource of any kind, as read from the Kubernetes API.
#[derive(Debug, Clone)]
// Resources are read once per reconcile and only a few exist; boxing the
// larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum AnyResource {
    /// A PeopleSource.
    PeopleSource(PeopleSource),
    /// An Application.
    Application(Application),
    /// An AccessPolicy.
    AccessPolicy(AccessPolicy),
    /// An Exception.
    Exception(Exception),
    /// A SeparationOfDuties rule.
    SeparationOfDuties(SeparationOfDuties),
}

/// Every keyward resource of a policy repository (or a namespace), typed,
/// with the files they came from; not yet checked against each other.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    /// The policy files read, to locate what a resource declares.
    pub files: PolicyFiles,
    /// HR master sources, in declaration order.
    pub people_sources: Vec<Named<PeopleSourceSpec>>,
    /// Applications.
    pub applications: Vec<Named<ApplicationSpec>>,
    /// Access policies.
    pub policies: Vec<Named<AccessPolicySpec>>,
    /// Exceptions.
    pub exceptions: Vec<Named<ExceptionSpec>>,
    /// Separation-of-duties rules.
    pub duties: Vec<Named<SeparationOfDutiesSpec>>,
    /// Documents that are not keyward resources (another API group), by
    /// `file:line` and kind; kept so the CLI can say they were skipped.
    pub skipped: Vec<String>,
    /// What the resources may reach, by where they came from.
    pub reach: Reach,
}

impl Resources {
    /// Parses and type-checks policy files: the resources of every
    /// document that could be read, and a diagnostic for each that could not.
    pub fn from_files(files: Vec<SourceFile>) -> (Self, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut out = Self::default();
        for (fi, file) in files.into_iter().enumerate() {
            let docs = match yaml::parse_documents(&file.path, &file.text) {
                Ok(d) => d,
                Err(d) => {
                    diags.push(d);
                    Vec::new()
                }
            };
            let roots: Vec<Arc<yaml::Node>> = docs.into_iter().map(|d| Arc::new(d.root)).collect();
            for (di, root) in roots.iter().enumerate() {
                let origin = Origin::File { file: fi, doc: di };
                match document::read(&file.path, root, origin, &mut out) {
                    Ok(warning) => diags.extend(warning),
                    Err(d) => diags.push(d),
                }
            }
            out.files.push(file, roots);
        }
        (out, diags)
    }

    /// The resources of objects read from the Kubernetes API, which may
    /// read files under `files` only (and credentials only from Secrets).
    pub fn from_objects(resources: Vec<AnyResource>, files: AllowedDirs) -> Self {
        let mut out = Self { reach: Reach::Api(files), ..Self::default() };
        for r in resources {
            match r {
                AnyResource::PeopleSource(o) => out.people_sources.push(named(o.spec.clone(), &o)),
                AnyResource::Application(o) => out.applications.push(named(o.spec.clone(), &o)),
                AnyResource::AccessPolicy(o) => out.policies.push(named(o.spec.clone(), &o)),
                AnyResource::Exception(o) => out.exceptions.push(named(o.spec.clone(), &o)),
                AnyResource::SeparationOfDuties(o) => out.duties.push(named(o.spec.clone(), &o)),
            }
        }
        out
    }
}

fn named<K: kube::Resource<DynamicType = ()>, T>(spec: T, obj: &K) -> Named<T> {
    let meta = obj.meta();
    let name = meta.name.clone().unwrap_or_default();
    let ns = meta.namespace.clone().unwrap_or_else(|| "default".to_owned());
    let label = object_label(&K::kind(&()), &ns, &name);
    Named { name, spec, origin: Origin::Object(label) }
}

/// How an object from the Kubernetes API is named in messages, and as the
/// `file` of its diagnostics: `Application default/slack`.
pub fn object_label(kind: &str, namespace: &str, name: &str) -> String {
    format!("{kind} {namespace}/{name}")
}
