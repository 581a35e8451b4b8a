//! Policy files as `keyward plan -f` reads them: YAML parsing with
//! positions, typing, validation and compilation (`PolicySet::load`), the
//! diagnostics' text, and — for a set that loads — a plan for a small
//! fixed HR snapshot with empty listings.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use jiff::civil::date;
use keyward_core::account::AccountListing;
use keyward_core::people::People;
use keyward_core::{PolicySet, SourceFile};
use libfuzzer_sys::fuzz_target;

/// A few people in several phases, from the HR reader itself.
const HR: &str = "社員番号,姓,名,メールアドレス,部署,役職,雇用形態,在籍状況,入社年月日,退職年月日,上長社員番号,異動日,GitHubアカウント
E0001,山本,健一,kenichi.yamamoto@example.com,経営企画室,社長,正社員,在籍,2012/04/01,,,,
E0002,加藤,恵,megumi.kato@example.com,営業本部/第一営業部;経営企画室,部長;企画,正社員,退職済み,2018/04/01,2026/09/30,E0001,,megumi-k
E0003,Ito,Nana,nana.ito@example.co.jp,開発部,,契約社員,休職中,2020/10/01,,E0001,2026/11/01,
E0004,Ono,Ren,ren.ono@example.com,開発部/基盤,エンジニア,業務委託,在籍,2026/12/01,,E0003,,ren-o
";

fn people() -> &'static People {
    static PEOPLE: OnceLock<People> = OnceLock::new();
    PEOPLE.get_or_init(|| {
        let set = keyward_fuzz::hr_sources();
        let (info, persons) = keyward_sources::read_csv_bytes(set, 0, "hr.csv", HR.as_bytes().to_vec())
            .unwrap_or_else(|d| panic!("the harness's HR data does not read: {d:?}"));
        People::new(vec![info], persons).unwrap_or_else(|e| panic!("the harness's HR data: {e:?}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile { path: "policies/fuzz.yaml".to_owned(), text: text.to_owned() };
    match PolicySet::load("policies", vec![file]) {
        Err(diagnostics) => {
            let _ = diagnostics.to_string();
        }
        Ok(loaded) => {
            for w in &loaded.warnings {
                let _ = w.to_string();
            }
            let set: PolicySet = loaded.set;
            let listings: BTreeMap<String, AccountListing> = set
                .applications
                .iter()
                .map(|a| (a.name.clone(), AccountListing::new(format!("{}.csv", a.name), Vec::new())))
                .collect();
            let _ = keyward_core::plan(&set, people(), &listings, date(2026, 11, 23));
        }
    }
});
