//! Bounds on what one YAML document may cost to build.
//!
//! An alias is a deep copy of its anchor, so aliases of aliases grow
//! exponentially: a 400-byte "billion laughs" file expands to a billion
//! nodes. The builder charges every alias what it copies — its nodes and
//! the bytes of its strings — against a budget per document, and refuses
//! the alias that overdraws it. Nesting depth is bounded too, because every
//! walk over a [`Node`](super::Node) tree (conversion to JSON, dropping it)
//! recurses once per level.

/// How many nodes aliases may add to one document. Real policies use
/// anchors for a few shared lists; this is far above any of them.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// How many bytes of string text aliases may add to one document.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

/// How deeply collections may nest. Policies nest a handful of levels.
pub const MAX_DEPTH: usize = 128;

/// What a subtree holds: its nodes and the bytes of its strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub nodes: usize,
    pub bytes: usize,
}

impl Size {
    /// One scalar of `bytes` bytes.
    pub fn scalar(bytes: usize) -> Self {
        Self { nodes: 1, bytes }
    }

    /// One collection node, before its children are added.
    pub fn collection() -> Self {
        Self { nodes: 1, bytes: 0 }
    }

    /// Adds a child's size (saturating: a size past the budget is refused anyway).
    pub fn add(&mut self, other: Self) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

/// What the aliases of the current document have added so far.
#[derive(Debug, Default)]
pub(super) struct AliasBudget {
    spent: Size,
}

impl AliasBudget {
    /// Charges one alias expansion; `Err` says which limit it crossed.
    pub fn charge(&mut self, expansion: Size) -> Result<(), String> {
        self.spent.add(expansion);
        if self.spent.nodes > MAX_ALIAS_NODES {
            return Err(format!(
                "aliases in this document expand to more than {MAX_ALIAS_NODES} nodes (this alias copies {} more)",
                expansion.nodes
            ));
        }
        if self.spent.bytes > MAX_ALIAS_BYTES {
            return Err(format!(
                "aliases in this document expand to more than {MAX_ALIAS_BYTES} bytes of text (this alias copies {} more)",
                expansion.bytes
            ));
        }
        Ok(())
    }

    /// Starts a new document with a full budget.
    pub fn reset(&mut self) {
        self.spent = Size::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_crossed_by_nodes_or_bytes_and_reset_per_document() {
        let mut b = AliasBudget::default();
        assert!(b.charge(Size { nodes: MAX_ALIAS_NODES, bytes: 0 }).is_ok());
        assert!(b.charge(Size::scalar(0)).unwrap_err().contains("nodes"));
        b.reset();
        assert!(b.charge(Size { nodes: 1, bytes: MAX_ALIAS_BYTES + 1 }).unwrap_err().contains("bytes"));
    }
}
