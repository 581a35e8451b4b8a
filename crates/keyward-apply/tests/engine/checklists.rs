//! A read-only app's checklist across runs: the ticks a human made stay,
//! and a previous file keyward cannot read back is kept aside, never lost.

use super::*;

/// Applies a plan of `changes` to the read-only app `legacy` as run `run`.
async fn checklist_run(env: &Env, run: &str, changes: Vec<Change>) -> (Report, String) {
    let set = policy(&[app_doc("legacy", "{}")]);
    let plan = plan(10, &[AppDef { name: "legacy", accounts: 100, read_only: true }], changes);
    let (mut fake, _) = Fake::new("legacy");
    fake.caps = Capabilities::READ_ONLY;
    let opts = env.opts(run);
    let report = env.apply(&plan, &connectors(vec![fake]), &set, &opts).await;
    let md = std::fs::read_to_string(opts.checklist_dir.join("legacy.md")).unwrap();
    (report, md)
}

#[tokio::test]
async fn a_rewritten_checklist_keeps_the_ticks_of_items_still_on_it() {
    let env = Env::new();
    let (dave, erin) = (change("legacy", Action::Suspend, "dave"), change("legacy", Action::Suspend, "erin"));
    let (_, md) = checklist_run(&env, "r1", vec![dave.clone(), erin.clone()]).await;
    let dave_line = format!("- [ ] {} ", dave.item_id());
    assert!(md.contains(&dave_line), "{md}");
    // The human ticks dave's item in the file.
    let path = env.dir.path().join("checklists/legacy.md");
    std::fs::write(&path, md.replace(&dave_line, &format!("- [x] {} ", dave.item_id()))).unwrap();

    let frank = change("legacy", Action::Suspend, "frank");
    let (report, md) = checklist_run(&env, "r2", vec![dave.clone(), erin.clone(), frank.clone()]).await;
    assert!(md.contains(&format!("- [x] {} ", dave.item_id())), "the tick survives:\n{md}");
    assert!(md.contains(&format!("- [ ] {} ", erin.item_id())), "{md}");
    assert!(md.contains(&format!("- [ ] {} ", frank.item_id())), "{md}");
    assert!(md.contains("`r2`"), "{md}");
    assert!(report.checklists_set_aside.is_empty());
    let items: keyward_apply::checklist::Items =
        serde_json::from_str(&std::fs::read_to_string(env.dir.path().join("checklists/legacy.items.json")).unwrap())
            .unwrap();
    assert_eq!(items.items.len(), 3);
    assert_eq!(items.find("dave@example.com")[0].id, dave.item_id());
}

#[tokio::test]
async fn an_unreadable_previous_checklist_is_kept_aside_and_reported() {
    let env = Env::new();
    let dir = env.dir.path().join("checklists");
    std::fs::create_dir_all(&dir).unwrap();
    // A checklist from before item ids, with a human's tick.
    let old = "# LEGACY: changes to make by hand\n\n- [x] **suspend** `dave@example.com` — done by Ann\n";
    std::fs::write(dir.join("legacy.md"), old).unwrap();
    let (report, md) = checklist_run(&env, "r2", vec![change("legacy", Action::Suspend, "dave")]).await;
    assert!(md.contains("- [ ] K-"), "{md}");
    let kept = dir.join("legacy.md.unreadable-r2");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), old, "the human's file is never lost");
    let said = report.render_text(keyward_core::i18n::Lang::En);
    assert!(
        said.contains(&format!(
            "the previous checklist {} could not be read back (line 3, column 1: a checkbox without a keyward item id (K-…)), so its ticks were not carried over; it was kept as {}.",
            dir.join("legacy.md").display(),
            kept.display()
        )),
        "{said}"
    );
}
