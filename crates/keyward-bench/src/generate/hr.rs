//! The HR master: SmartHR's employee export (UTF-8 with BOM, Japanese
//! headers), one row per person record, concurrent posts `;`-separated.

use super::csv::row;
use crate::days;
use crate::org::Org;

/// SmartHR's employee export: UTF-8 with BOM, Japanese headers.
pub(super) fn hr_csv(org: &Org) -> Vec<u8> {
    let mut s = String::with_capacity(org.persons.len() * 160);
    s.push('\u{feff}');
    row(
        &mut s,
        &[
            "社員番号",
            "姓",
            "名",
            "メールアドレス",
            "部署",
            "役職",
            "雇用形態",
            "在籍状況",
            "入社年月日",
            "退職年月日",
            "上長社員番号",
            "異動日",
            "GitHubアカウント",
        ],
    );
    for p in &org.persons {
        let sep = if p.spaced_dept { " / " } else { "/" };
        let depts: Vec<String> = p.posts.iter().map(|post| org.depts[post.dept].path.replace('/', sep)).collect();
        let titles: Vec<&str> = p.posts.iter().map(|post| post.title).collect();
        let titles = if titles.iter().all(|t| t.is_empty()) { String::new() } else { titles.join(";") };
        let manager = p.manager.map(|m| org.persons[m].id.as_str()).unwrap_or_default();
        row(
            &mut s,
            &[
                &p.id,
                p.family_kanji(),
                p.given_kanji(),
                &p.email,
                &depts.join(";"),
                &titles,
                p.emp.label(),
                p.status_label,
                &days::slash(p.start),
                &p.end.map(days::slash).unwrap_or_default(),
                manager,
                &p.moved_on.map(days::slash).unwrap_or_default(),
                p.github_cell.as_deref().unwrap_or_default(),
            ],
        );
    }
    s.into_bytes()
}
