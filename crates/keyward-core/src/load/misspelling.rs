//! Documents of another API group that were most likely meant to be
//! keyward resources: a group one or two letters off `keyward.io`
//! (`keyword.io`), `keyward` in another spelling, or a keyward kind (or one
//! a letter or two off) with no group at all (`apiVersion: v1alpha1`).
//! They are skipped like any other group's documents — kubectl would not
//! apply them as keyward resources either — but with a located warning, so
//! a typo never silently drops a policy. Documents of genuinely other
//! groups (`v1 Namespace`, `apps/v1 Deployment`, Argo CD's `Application`)
//! stay silent: policy repositories mix them.

use super::KINDS;
use crate::diag::Diagnostic;
use crate::i18n::Msg;
use crate::resources::{API_VERSION, GROUP};
use crate::yaml::Node;

/// How many letters (inserted, removed, changed or swapped) a group or kind
/// may be off and still read as a misspelling of keyward's.
const MAX_EDITS: usize = 2;

/// A warning when the skipped document `root` (with `apiVersion`
/// `api_version`) looks like a misspelt keyward resource.
pub(super) fn warning(path: &str, root: &Node, api_version: &Node) -> Option<Diagnostic> {
    let written = api_version.as_str().unwrap_or_default();
    // `group/version`; without a `/` the core group (`v1`).
    let group = written.split_once('/').map_or("", |(g, _)| g);
    let kind_node = root.get("kind");
    let kind = kind_node.and_then(Node::as_str).unwrap_or_default();
    let meant_kind = KINDS.iter().copied().find(|k| close(kind, k));
    let group_off = looks_like_group(group);
    if !group_off && (!group.is_empty() || meant_kind.is_none()) {
        return None;
    }
    let help = match meant_kind {
        Some(k) if k != kind => Msg::new("load-misspelt-help-kind").arg("version", API_VERSION).arg("kind", k),
        _ => Msg::new("diag-did-you-mean").arg("name", API_VERSION),
    };
    // Point at what is wrong: the kind when only the kind is off
    // (`v1 Aplication`), else the apiVersion.
    let at = match (group_off, meant_kind, kind_node) {
        (false, Some(k), Some(node)) if k != kind => node,
        _ => api_version,
    };
    Some(
        Diagnostic::warning(
            path,
            Some(at.location),
            Msg::new("load-misspelt-skipped").arg("api_version", written).arg("kind", kind),
        )
        .with_help(help),
    )
}

fn looks_like_group(group: &str) -> bool {
    let lower = group.to_lowercase();
    lower.contains("keyward") || (!lower.is_empty() && edits(&lower, GROUP) <= MAX_EDITS)
}

fn close(written: &str, kind: &str) -> bool {
    !written.is_empty() && edits(&written.to_lowercase(), &kind.to_lowercase()) <= MAX_EDITS
}

fn edits(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of the core and the common built-in groups: none may read
    /// as a misspelt keyward kind, or mixing them would warn.
    const BUILT_IN: [&str; 24] = [
        "Namespace",
        "ConfigMap",
        "Secret",
        "Service",
        "ServiceAccount",
        "Pod",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Endpoints",
        "Event",
        "LimitRange",
        "ResourceQuota",
        "Node",
        "ReplicationController",
        "Binding",
        "ComponentStatus",
        "PodTemplate",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Role",
        "RoleBinding",
        "NetworkPolicy",
        "PodDisruptionBudget",
    ];

    #[test]
    fn no_built_in_kind_reads_as_a_keyward_kind() {
        for built_in in BUILT_IN {
            assert!(!KINDS.iter().any(|k| close(built_in, k)), "{built_in}");
        }
    }

    #[test]
    fn common_groups_do_not_read_as_keyward() {
        for group in ["apps", "batch", "argoproj.io", "k8s.io", "cert-manager.io", "kyverno.io", "keda.sh", "fluxcd.io"]
        {
            assert!(!looks_like_group(group), "{group}");
        }
        for group in ["keyword.io", "keywrad.io", "keyward.com", "Keyward.IO", "keyward", "kayward.io"] {
            assert!(looks_like_group(group), "{group}");
        }
    }
}
