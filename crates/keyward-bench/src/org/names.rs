//! Japanese names with their romanisations, the e-mail domains people
//! have by employment type, and the [`Namer`] that makes addresses and
//! GitHub logins unique the way a real directory numbers them.

use std::collections::HashMap;

pub(crate) const FAMILY: [(&str, &str); 50] = [
    ("佐藤", "sato"),
    ("鈴木", "suzuki"),
    ("高橋", "takahashi"),
    ("田中", "tanaka"),
    ("伊藤", "ito"),
    ("渡辺", "watanabe"),
    ("山本", "yamamoto"),
    ("中村", "nakamura"),
    ("小林", "kobayashi"),
    ("加藤", "kato"),
    ("吉田", "yoshida"),
    ("山田", "yamada"),
    ("佐々木", "sasaki"),
    ("山口", "yamaguchi"),
    ("松本", "matsumoto"),
    ("井上", "inoue"),
    ("木村", "kimura"),
    ("林", "hayashi"),
    ("斎藤", "saito"),
    ("清水", "shimizu"),
    ("山崎", "yamazaki"),
    ("森", "mori"),
    ("池田", "ikeda"),
    ("橋本", "hashimoto"),
    ("阿部", "abe"),
    ("石川", "ishikawa"),
    ("山下", "yamashita"),
    ("中島", "nakajima"),
    ("石井", "ishii"),
    ("小川", "ogawa"),
    ("前田", "maeda"),
    ("岡田", "okada"),
    ("長谷川", "hasegawa"),
    ("藤田", "fujita"),
    ("後藤", "goto"),
    ("近藤", "kondo"),
    ("村上", "murakami"),
    ("遠藤", "endo"),
    ("青木", "aoki"),
    ("坂本", "sakamoto"),
    ("斉藤", "saito"),
    ("福田", "fukuda"),
    ("太田", "ota"),
    ("西村", "nishimura"),
    ("藤井", "fujii"),
    ("金子", "kaneko"),
    ("岡本", "okamoto"),
    ("藤原", "fujiwara"),
    ("中野", "nakano"),
    ("三浦", "miura"),
];

pub(crate) const GIVEN: [(&str, &str); 50] = [
    ("翔太", "shota"),
    ("蓮", "ren"),
    ("大翔", "hiroto"),
    ("陽斗", "haruto"),
    ("健一", "kenichi"),
    ("誠", "makoto"),
    ("直樹", "naoki"),
    ("修", "osamu"),
    ("大輔", "daisuke"),
    ("拓也", "takuya"),
    ("亮", "ryo"),
    ("和也", "kazuya"),
    ("隆", "takashi"),
    ("浩", "hiroshi"),
    ("学", "manabu"),
    ("悠真", "yuma"),
    ("湊", "minato"),
    ("樹", "itsuki"),
    ("蒼太", "sota"),
    ("健太", "kenta"),
    ("陽菜", "hina"),
    ("結衣", "yui"),
    ("葵", "aoi"),
    ("さくら", "sakura"),
    ("美咲", "misaki"),
    ("恵", "megumi"),
    ("彩", "aya"),
    ("愛", "ai"),
    ("真由美", "mayumi"),
    ("裕子", "yuko"),
    ("直美", "naomi"),
    ("智子", "tomoko"),
    ("由美", "yumi"),
    ("麻衣", "mai"),
    ("千夏", "chinatsu"),
    ("沙織", "saori"),
    ("明美", "akemi"),
    ("陽子", "yoko"),
    ("里美", "satomi"),
    ("杏", "an"),
    ("凛", "rin"),
    ("芽衣", "mei"),
    ("彩花", "ayaka"),
    ("七海", "nanami"),
    ("美羽", "miu"),
    ("莉子", "riko"),
    ("花子", "hanako"),
    ("太郎", "taro"),
    ("次郎", "jiro"),
    ("三郎", "saburo"),
];

pub(super) const CONTRACTOR_DOMAINS: [&str; 4] =
    ["partner-a.co.jp", "partner-b.com", "freelance-jp.net", "devhouse.io"];
pub(super) const TEMP_DOMAIN: &str = "staff.haken-agency.co.jp";
/// The company's domain, and the pre-merger domain some accounts still use.
pub(crate) const DOMAIN: &str = "example.com";
pub(crate) const OLD_DOMAIN: &str = "example.co.jp";

/// Hands out addresses and logins, numbering the second and later
/// holders of the same name as directories do.
#[derive(Debug, Default)]
pub(super) struct Namer {
    emails: HashMap<String, u32>,
    logins: HashMap<String, u32>,
}

impl Namer {
    /// `given.family@domain`, numbered from the second of a name.
    pub(super) fn email(&mut self, given: &str, family: &str, domain: &str) -> String {
        let base = format!("{given}.{family}@{domain}");
        let n = self.emails.entry(base).or_insert(0);
        *n += 1;
        if *n == 1 { format!("{given}.{family}@{domain}") } else { format!("{given}.{family}{n}@{domain}") }
    }

    pub(super) fn login(&mut self, given: &str, family: &str) -> String {
        let base = format!("{given}-{family}");
        let n = self.logins.entry(base).or_insert(0);
        *n += 1;
        if *n == 1 { format!("{given}-{family}") } else { format!("{given}-{family}{n}") }
    }
}
