//! The admin report of the example organisation, opened in a real browser:
//! headless Chromium loads `report.html` from disk, runs its script, and
//! the DOM it dumps must show the numbers of `keyward plan --format json`;
//! a URL fragment must filter the access matrix; a screenshot must be a
//! real picture of the page.
//!
//! Chromium comes from Debian, pinned in `scripts/debian-packages.txt` and
//! installed by `scripts/test`. A missing browser fails these tests: a
//! skipped browser test would pass while the page is broken.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";
const DATE: &str = "2026-11-23";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn keyward(args: &[&str]) -> String {
    let out =
        Command::cargo_bin("keyward").unwrap().current_dir(repo()).env("NO_COLOR", "1").args(args).output().unwrap();
    assert!(out.status.success(), "keyward {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// What every test reads: the report written once per test run, with the
/// plan and the inventory of the same inputs.
struct Example {
    dir: PathBuf,
    html: PathBuf,
    plan: Value,
    inventory: Vec<BTreeMap<String, String>>,
}

fn example() -> &'static Example {
    static EXAMPLE: OnceLock<Example> = OnceLock::new();
    EXAMPLE.get_or_init(|| {
        // Under the target directory, so the page and the screenshot can be
        // looked at after the run.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report_html");
        std::fs::create_dir_all(&dir).unwrap();
        let html = dir.join("report.html");
        let json = dir.join("report.json");
        let out = keyward(&[
            "report",
            "-f",
            "policies/",
            "--at",
            DATE,
            "--html",
            html.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert!(out.starts_with("Wrote "), "{out}");
        let plan: Value =
            serde_json::from_str(&keyward(&["plan", "-f", "policies/", "--at", DATE, "--format", "json"])).unwrap();
        let csv = keyward(&["inventory", "-f", "policies/", "--at", DATE, "--format", "csv"]);
        let inventory = csv::Reader::from_reader(csv.as_bytes()).deserialize().map(Result::unwrap).collect();
        let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(report["people"], plan["people"], "the report's data is the plan's");
        assert_eq!(report["summary"], plan["summary"]);
        Example { dir, html, plan, inventory }
    })
}

fn file_url(path: &Path, fragment: &str) -> String {
    format!("file://{}{fragment}", path.display())
}

/// Runs headless Chromium with a fresh profile and returns its standard
/// output; fails the test if it does not finish within a minute.
fn chromium(args: &[String]) -> String {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: the report's browser tests need Chromium from Debian. Run scripts/test, which installs the version pinned in scripts/debian-packages.txt (apt-get install chromium=… chromium-common=…)."
    );
    let profile = tempfile::tempdir().unwrap();
    let mut child = Process::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while it runs: a dumped DOM is larger than a pipe's buffer.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    assert!(status.success(), "chromium {args:?} failed: {}", String::from_utf8_lossy(&stderr));
    String::from_utf8(stdout).unwrap()
}

/// The DOM after the page's script ran.
fn dump_dom(fragment: &str) -> String {
    let dom = chromium(&["--dump-dom".to_owned(), file_url(&example().html, fragment)]);
    assert!(dom.contains("id=\"matrix-table\""), "not the report: {dom:.500}");
    dom
}

/// A start tag found in serialized HTML, and what follows it.
struct Element<'a> {
    /// The tag's attributes, as serialized.
    attrs: &'a str,
    /// Everything after the tag.
    rest: &'a str,
}

impl<'a> Element<'a> {
    fn attr(&self, name: &str) -> Option<&'a str> {
        let key = format!(" {name}=\"");
        let start = self.attrs.find(&key)? + key.len();
        let len = self.attrs[start..].find('"')?;
        Some(&self.attrs[start..start + len])
    }

    fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
            || self.attrs.ends_with(&format!(" {name}"))
            || self.attrs.contains(&format!(" {name} "))
    }

    /// The text up to the next tag.
    fn text(&self) -> &'a str {
        &self.rest[..self.rest.find('<').unwrap_or(self.rest.len())]
    }
}

/// Every `<tag …>` in `html`, in order. Quoted attribute values may hold
/// `>`, so the end of a tag is found outside quotes.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<Element<'a>> {
    let open = format!("<{tag}");
    html.match_indices(&open)
        .filter_map(|(i, _)| {
            let after = &html[i + open.len()..];
            if !after.starts_with([' ', '>']) {
                return None;
            }
            let mut quoted = false;
            let end = after.char_indices().find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '>' && !quoted
            })?;
            Some(Element { attrs: &after[..end.0], rest: &after[end.0 + 1..] })
        })
        .collect()
}

/// The part of `html` from the element with `id` to the end of the
/// section it is in.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("<section id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let len = html[start..].find("</section>").unwrap();
    &html[start..start + len]
}

fn stat(dom: &str, name: &str) -> u64 {
    let e = elements(dom, "span")
        .into_iter()
        .chain(elements(dom, "div"))
        .find(|e| e.attr("data-stat") == Some(name))
        .unwrap_or_else(|| panic!("no data-stat={name}"));
    e.text().trim().parse().unwrap_or_else(|_| panic!("data-stat={name} shows {:?}", e.text()))
}

fn matrix_rows(dom: &str) -> Vec<Element<'_>> {
    elements(section(dom, "matrix"), "tr").into_iter().filter(|e| e.attr("data-kind").is_some()).collect()
}

fn visible<'a>(rows: &'a [Element<'a>]) -> Vec<&'a Element<'a>> {
    rows.iter().filter(|r| !r.has("hidden")).collect()
}

fn shown(dom: &str) -> usize {
    let e = elements(dom, "b").into_iter().find(|e| e.attr("id") == Some("matrix-shown")).unwrap();
    assert_eq!(e.attr("data-count"), Some(e.text()));
    e.text().parse().unwrap()
}

#[test]
fn the_page_in_a_browser_shows_the_numbers_of_the_plan() {
    let ex = example();
    let dom = dump_dom("");
    let plan = &ex.plan;
    assert!(
        dom.contains("data-filter=\"q=&amp;dept=&amp;type=&amp;app=&amp;problem=\""),
        "the page's script did not run"
    );

    let date = elements(&dom, "time").into_iter().find(|e| e.attr("id") == Some("report-date")).unwrap();
    assert_eq!(date.text(), plan["date"].as_str().unwrap());
    for (stat_name, key) in [
        ("people-total", "total"),
        ("people-employed", "employed"),
        ("people-on-leave", "onLeave"),
        ("people-not-started", "notStarted"),
        ("people-left", "left"),
    ] {
        assert_eq!(stat(&dom, stat_name), plan["people"][key].as_u64().unwrap(), "{stat_name}");
    }
    for (action, n) in plan["summary"].as_object().unwrap() {
        let e = elements(&dom, "li").into_iter().find(|e| e.attr("data-summary") == Some(action)).unwrap();
        assert_eq!(e.rest.strip_prefix("<b>").unwrap().split('<').next().unwrap(), n.to_string(), "{action}");
    }
    let changes: u64 = plan["summary"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(stat(&dom, "changes"), changes);

    // Per app: the header's counts, and one list of unmatched accounts per
    // app that has any, as long as the plan's count.
    let apps = plan["apps"].as_array().unwrap();
    assert_eq!(stat(&dom, "apps"), apps.len() as u64);
    let app_rows = elements(section(&dom, "summary"), "tr");
    let orphan_groups = elements(section(&dom, "orphans"), "div");
    for app in apps {
        let name = app["name"].as_str().unwrap();
        let row = app_rows.iter().find(|e| e.attr("data-app") == Some(name)).unwrap();
        let cells = elements(row.rest.split("</tr>").next().unwrap(), "td");
        for field in ["accounts", "matched", "orphans", "protected", "bots"] {
            let td = cells.iter().find(|c| c.attr("data-field") == Some(field)).unwrap();
            assert_eq!(td.text(), app[field].to_string(), "{name} {field}");
        }
        let group = orphan_groups.iter().find(|e| e.attr("data-app") == Some(name));
        let listed = group.map_or(0, |g| g.attr("data-count").unwrap().parse::<u64>().unwrap());
        assert_eq!(listed, app["orphans"].as_u64().unwrap(), "{name}: unmatched accounts listed");
    }
    let orphans: u64 = apps.iter().map(|a| a["orphans"].as_u64().unwrap()).sum();
    assert_eq!(stat(&dom, "orphan-accounts"), orphans);

    // Leavers' accounts still open: the inventory's accounts of people
    // who left that are not suspended, and for each what the plan does.
    let mut open: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &ex.inventory {
        if r["person_status"].starts_with("left") && r["status"] != "suspended" {
            open.entry(&r["app"]).or_default().insert(&r["account_id"]);
        }
    }
    let leavers = section(&dom, "leavers");
    let groups: Vec<Element<'_>> =
        elements(leavers, "div").into_iter().filter(|e| e.attr("data-app").is_some()).collect();
    assert_eq!(
        groups.iter().map(|g| g.attr("data-app").unwrap()).collect::<BTreeSet<_>>(),
        open.keys().copied().collect::<BTreeSet<_>>()
    );
    let plan_changes = plan["changes"].as_array().unwrap();
    for g in &groups {
        let app = g.attr("data-app").unwrap();
        let body = g.rest.split("</table>").next().unwrap();
        let rows: Vec<Element<'_>> =
            elements(body, "tr").into_iter().filter(|e| e.attr("data-account-id").is_some()).collect();
        assert_eq!(rows.len().to_string(), g.attr("data-count").unwrap());
        let ids: BTreeSet<&str> = rows.iter().map(|r| r.attr("data-account-id").unwrap()).collect();
        assert_eq!(ids, open[app], "{app}");
        let mut days: Vec<i64> = Vec::new();
        for r in &rows {
            let id = r.attr("data-account-id").unwrap();
            let shown: BTreeSet<&str> = r.attr("data-plan").unwrap().split_whitespace().collect();
            let planned: BTreeSet<&str> = plan_changes
                .iter()
                .filter(|c| c["app"] == app && c["account"]["id"] == id)
                .map(|c| c["action"].as_str().unwrap())
                .collect();
            assert_eq!(shown, planned, "{app} {id}");
            if let Ok(d) = r.attr("data-days").unwrap().parse() {
                days.push(d);
            }
        }
        assert!(days.windows(2).all(|w| w[0] >= w[1]), "{app}: longest gone first: {days:?}");
    }
    let open_total: usize = open.values().map(BTreeSet::len).sum();
    assert_eq!(stat(&dom, "leaver-accounts"), open_total as u64);
    // tatsuya.hashimoto left on 2025-03-31: 602 days before the plan date.
    assert!(leavers.contains("data-account-id=\"tatsuya.hashimoto@example.co.jp\" data-days=\"602\""), "{leavers}");

    // Seats: the plan's own seat change, per app and per currency.
    let seat_rows = elements(section(&dom, "seats"), "tr");
    let mut totals: BTreeMap<&str, (u64, u64, f64)> = BTreeMap::new();
    for app in apps {
        let name = app["name"].as_str().unwrap();
        let row = seat_rows.iter().find(|e| e.attr("data-app") == Some(name)).unwrap();
        let Some(seats) = app.get("seats") else {
            assert_eq!(row.attr("data-plan-added"), None, "{name}");
            continue;
        };
        assert_eq!(row.attr("data-plan-added").unwrap(), seats["added"].to_string(), "{name}");
        assert_eq!(row.attr("data-plan-freed").unwrap(), seats["freed"].to_string(), "{name}");
        let change: f64 = row.attr("data-plan-change").unwrap().parse().unwrap();
        assert_eq!(change, seats["monthlyChange"].as_f64().unwrap(), "{name}");
        let t = totals.entry(seats["currency"].as_str().unwrap()).or_default();
        t.0 += seats["added"].as_u64().unwrap();
        t.1 += seats["freed"].as_u64().unwrap();
        t.2 += change;
    }
    assert!(!totals.is_empty());
    for (currency, (added, freed, change)) in totals {
        let row = seat_rows.iter().find(|e| e.attr("data-currency") == Some(currency)).unwrap();
        assert_eq!(row.attr("data-plan-added").unwrap(), added.to_string(), "{currency}");
        assert_eq!(row.attr("data-plan-freed").unwrap(), freed.to_string(), "{currency}");
        assert_eq!(row.attr("data-plan-change").unwrap().parse::<f64>().unwrap(), change, "{currency}");
    }

    // Nothing filtered: every row shows, and the count says so.
    let rows = matrix_rows(&dom);
    assert_eq!(visible(&rows).len(), rows.len());
    assert_eq!(shown(&dom), rows.len());
    assert_eq!(
        rows.iter().filter(|r| r.attr("data-kind") == Some("person")).count() as u64,
        stat(&dom, "people-total")
    );
}

#[test]
fn a_url_fragment_filters_the_access_matrix() {
    let ex = example();
    let page = std::fs::read_to_string(&ex.html).unwrap();
    let all = matrix_rows(&page);
    let contractors = all.iter().filter(|r| r.attr("data-type") == Some("contractor")).count();
    assert!(contractors > 0 && contractors < all.len(), "the example has contractors among others");

    let dom = dump_dom("#type=contractor");
    let rows = matrix_rows(&dom);
    let left = visible(&rows);
    assert_eq!(left.len(), contractors, "only contractors remain");
    assert!(left.iter().all(|r| r.attr("data-type") == Some("contractor")));
    assert_eq!(shown(&dom), contractors);
    assert!(dom.contains("data-filter=\"q=&amp;dept=&amp;type=contractor&amp;app=&amp;problem=\""));

    // Text (Japanese, percent-encoded as a link would carry it) and
    // "only problems" together.
    let expected = all
        .iter()
        .filter(|r| r.attr("data-q").unwrap().contains("営業") && !r.attr("data-problems").unwrap().trim().is_empty())
        .count();
    assert!(expected > 0);
    let dom = dump_dom("#q=%E5%96%B6%E6%A5%AD&problem=any");
    let rows = matrix_rows(&dom);
    let left = visible(&rows);
    assert_eq!(left.len(), expected);
    assert!(left.iter().all(|r| r.attr("data-q").unwrap().contains("営業")));
    assert_eq!(shown(&dom), expected);

    // One app: its column stays, the others are hidden, and only rows
    // with something in that app remain.
    let dom = dump_dom("#app=github");
    let heads: Vec<Element<'_>> =
        elements(section(&dom, "matrix"), "th").into_iter().filter(|e| e.attr("data-col").is_some()).collect();
    assert!(heads.len() > 1);
    for h in &heads {
        assert_eq!(h.has("hidden"), h.attr("data-col") != Some("github"), "{}", h.attrs);
    }
    let rows = matrix_rows(&dom);
    let left = visible(&rows);
    assert!(!left.is_empty() && left.len() < rows.len());
    assert!(left.iter().all(|r| r.attr("data-apps").unwrap().split_whitespace().any(|a| a == "github")));
}

#[test]
fn a_screenshot_of_the_page_is_a_real_picture() {
    let ex = example();
    let png = ex.dir.join("report.png");
    let _ = std::fs::remove_file(&png);
    chromium(&[
        format!("--screenshot={}", png.display()),
        "--window-size=1400,2000".to_owned(),
        file_url(&ex.html, ""),
    ]);
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    println!("screenshot: {}", png.display());
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1400, 2000));
    // A blank page of that size compresses to about 10 KB; the report's
    // tables and charts make it many times larger.
    assert!(bytes.len() > 100_000, "{} bytes: is the page empty?", bytes.len());
}

#[test]
fn a_report_that_cannot_be_written_names_the_file() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/report.html");
    let out = Command::cargo_bin("keyward")
        .unwrap()
        .current_dir(repo())
        .args(["report", "-f", "policies/", "--at", DATE, "-o"])
        .arg(&missing)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write the report to") && err.contains("no-such-dir/report.html"), "{err}");
}

/// The Japanese page (`--lang ja`) in the browser: its script runs, a URL
/// fragment filters it, and its numbers are the English page's.
#[test]
fn the_japanese_page_in_a_browser_filters_and_shows_the_same_numbers() {
    let html = example().dir.join("report-ja.html");
    keyward(&["report", "-f", "policies/", "--at", DATE, "--lang", "ja", "--html", html.to_str().unwrap()]);
    let dom = chromium(&["--dump-dom".to_owned(), file_url(&html, "#problem=leaver")]);
    assert!(dom.contains("<html lang=\"ja\""), "{dom:.300}");
    assert!(dom.contains("アクセスマトリクス"), "the page is in Japanese");
    let english = dump_dom("#problem=leaver");
    for name in ["people-total", "apps", "leaver-accounts", "orphan-accounts", "changes"] {
        assert_eq!(stat(&dom, name), stat(&english, name), "{name}");
    }
    let rows = matrix_rows(&dom);
    let shown_rows = visible(&rows);
    assert!(!shown_rows.is_empty() && shown_rows.len() < rows.len(), "the fragment filtered the matrix");
    assert_eq!(shown(&dom), shown_rows.len());
}
