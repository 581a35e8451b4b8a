//! The connector catalogue (`catalogue/*.yaml` at the top of the
//! repository), built into the binary so `keyward discover` can offer a
//! ready definition for an app nobody declared, on a machine that has only
//! the binary. `tests/catalogue_embedded.rs` fails when a file of the
//! directory is missing here.

use keyward_core::present::discovered::{CatalogueEntry, CatalogueError};

/// Every catalogue definition: file name and text.
pub const FILES: [(&str, &str); 9] = [
    ("box.yaml", include_str!("../../../catalogue/box.yaml")),
    ("dropbox.yaml", include_str!("../../../catalogue/dropbox.yaml")),
    ("freee.yaml", include_str!("../../../catalogue/freee.yaml")),
    ("hubspot.yaml", include_str!("../../../catalogue/hubspot.yaml")),
    ("kintone.yaml", include_str!("../../../catalogue/kintone.yaml")),
    ("line-works.yaml", include_str!("../../../catalogue/line-works.yaml")),
    ("notion.yaml", include_str!("../../../catalogue/notion.yaml")),
    ("zendesk.yaml", include_str!("../../../catalogue/zendesk.yaml")),
    ("zoom.yaml", include_str!("../../../catalogue/zoom.yaml")),
];

/// The catalogue, parsed. A definition that does not parse is a bug of
/// this build (the catalogue's tests load every file), reported as such.
pub fn entries() -> Result<Vec<CatalogueEntry>, CatalogueError> {
    FILES.iter().map(|(file, text)| CatalogueEntry::parse(file, text)).collect()
}
