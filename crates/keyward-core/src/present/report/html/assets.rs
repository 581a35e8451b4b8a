//! The page's inline style sheet and script: constants, so the page needs
//! nothing from the network.

pub(super) const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f3f5f8;--card:#fff;--accent:#2b5f91;--ok:#1f7a4a;--warn:#a86a12;--bad:#b42318;--idle:#98a2b3}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP","Yu Gothic",Meiryo,"IPAPGothic",sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}
[hidden]{display:none!important}
header.top{background:#17263a;color:#fff;padding:22px 32px 18px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.01em}
header.top .meta{color:#b9c6d6;margin-top:4px}
header.top .meta b{color:#fff;font-weight:600}
nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:0 32px;display:flex;gap:22px;flex-wrap:wrap}
nav a{color:var(--muted);text-decoration:none;padding:10px 0;font-weight:500;border-bottom:2px solid transparent}
nav a:hover{color:var(--accent);border-bottom-color:var(--accent)}
main{padding:24px 32px 8px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin-bottom:24px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{font-size:17px;margin:0 0 4px}
h3{font-size:14px;margin:18px 0 8px;display:flex;gap:8px;align-items:baseline}
h3 .count{color:var(--muted);font-weight:400}
p.lead{color:var(--muted);margin:0 0 16px;max-width:980px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:4px 0 20px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fbfcfd}
.kpi .n{font-size:28px;font-weight:600;line-height:1.2;font-variant-numeric:tabular-nums}
.kpi .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.kpi .d{color:var(--muted);font-size:12px;margin-top:2px}
.kpi.bad .n{color:var(--bad)}.kpi.warn .n{color:var(--warn)}.kpi.good .n{color:var(--ok)}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 16px;padding:0;list-style:none}
.counts li{border:1px solid var(--line);border-radius:14px;padding:2px 10px;font-size:13px;color:var(--muted)}
.counts li b{color:var(--ink);font-variant-numeric:tabular-nums}
.scroll{overflow:auto;max-width:100%}
.matrix-scroll{max-height:760px;border:1px solid var(--line);border-radius:8px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-weight:600;color:var(--muted);background:#f7f9fb;position:sticky;top:0;z-index:1;white-space:nowrap}
thead th.app{white-space:normal;min-width:96px;max-width:130px}
tbody tr:hover td{background:#f8fafc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nowrap{white-space:nowrap}
.sub{color:var(--muted);font-size:12px}
.name{font-weight:600}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;line-height:20px;white-space:nowrap;border:1px solid transparent}
.st-active{background:#e6f4ec;color:#17603a}
.st-invited{background:#e8f0fb;color:#234e86}
.st-suspended{background:#eef0f3;color:#596474}
.st-missing{background:#fff;color:var(--bad);border:1px dashed #e3a29b}
.st-none{color:#c4cad3}
.p-leaver{background:#fdecea;color:var(--bad)}
.p-orphan{background:#fff4e0;color:#8a5a0b}
.p-mismatch{background:#f1ecfb;color:#5b3a9b}
.sit-left{background:#fdecea;color:var(--bad)}
.sit-joins{background:#e8f0fb;color:#234e86}
.sit-leave{background:#fff4e0;color:#8a5a0b}
.sit-employed{color:var(--muted)}
.sit-nobody{background:#fff4e0;color:#8a5a0b}
td.c{white-space:nowrap;min-width:92px}
td.c.leaver{background:#fff6f5}
td.c .act{display:block;font-size:11px;color:#5b3a9b;margin-top:2px}
tr.r-leaver td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
tr.r-unmatched td:first-child{box-shadow:inset 3px 0 0 #d99a22}
form.filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:end;margin:0 0 12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}
form.filters input,form.filters select{font:inherit;font-size:13px;padding:5px 8px;border:1px solid #cdd4dc;border-radius:6px;background:#fff;color:var(--ink);min-width:150px}
form.filters input[type=search]{min-width:260px}
form.filters button{font:inherit;font-size:13px;padding:5px 12px;border:1px solid #cdd4dc;border-radius:6px;background:#f7f9fb;cursor:pointer}
.shown{margin-left:auto;color:var(--muted);font-size:13px;padding-bottom:6px}
.shown b{color:var(--ink)}
.legend{display:flex;flex-wrap:wrap;gap:8px 14px;margin:10px 0 0;font-size:12px;color:var(--muted);align-items:center}
.empty{padding:18px;color:var(--muted);text-align:center}
.none{color:var(--muted);margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:20px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
figcaption{font-weight:600;margin-bottom:8px}
svg text{font-family:inherit;font-size:12px;fill:var(--ink)}
svg .lbl{fill:var(--muted)}
svg .v{font-variant-numeric:tabular-nums}
svg .grid-line{stroke:#eef1f4}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.f-open{fill:#3b78b5;background:#3b78b5}.f-suspended{fill:#a7b1bf;background:#a7b1bf}.f-unmatched{fill:#e0a030;background:#e0a030}.f-other{fill:#d5dbe3;background:#d5dbe3}.f-dept{fill:#4c8bc9}.f-leaver{fill:#d1495b}
.reason{color:var(--muted);font-size:12px;max-width:520px}
.total td{font-weight:600;background:#f7f9fb}
footer{padding:0 32px 32px;color:var(--muted);font-size:12px}
footer ul{margin:6px 0 12px;padding-left:18px}
@media print{nav,form.filters{display:none}.matrix-scroll{max-height:none}section{break-inside:avoid-page}}
"#;

/// Reads the filter from the URL fragment (`#q=営業&type=contractor`),
/// shows the matching rows, and keeps the fragment in step with the
/// controls so a filtered view can be linked to. It only toggles `hidden`
/// and writes numbers: it never turns data into markup.
pub(super) const SCRIPT: &str = r#"
(function () {
  'use strict';
  var form = document.getElementById('filters');
  if (!form) return;
  var fields = ['q', 'dept', 'type', 'app', 'problem'];
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix-table tbody tr'));
  var cols = Array.prototype.slice.call(document.querySelectorAll('#matrix-table [data-col]'));
  var shown = document.getElementById('matrix-shown');
  var empty = document.getElementById('matrix-empty');
  function control(name) { return form.elements[name]; }
  function has(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  function fromHash() {
    var state = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf('=');
      var key = i < 0 ? pair : pair.slice(0, i);
      var value = i < 0 ? '' : pair.slice(i + 1);
      try {
        state[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, ' '));
      } catch (e) { /* a malformed escape: ignore that pair */ }
    });
    if (state.problems && !state.problem) state.problem = 'any';
    fields.forEach(function (f) {
      var c = control(f);
      var v = state[f] || '';
      if (c.tagName === 'SELECT' && !has(c, v)) v = '';
      c.value = v;
    });
    apply();
  }
  function toHash() {
    var parts = [];
    fields.forEach(function (f) {
      var v = control(f).value;
      if (v) parts.push(f + '=' + encodeURIComponent(v));
    });
    try {
      history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search);
    } catch (e) { /* some browsers refuse on file: URLs; the filter still works */ }
  }
  function apply() {
    var q = control('q').value.trim().toLowerCase();
    var d = control('dept');
    var dept = d.value ? ' ' + d.options[d.selectedIndex].getAttribute('data-key') + ' ' : '';
    var type = control('type').value;
    var app = control('app').value;
    var problem = control('problem').value;
    var count = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.getAttribute('data-q').indexOf(q) >= 0)
        && (!dept || r.getAttribute('data-depts').indexOf(dept) >= 0)
        && (!type || (type === '*external' ? r.getAttribute('data-external') === '1' : r.getAttribute('data-type') === type))
        && (!app || r.getAttribute('data-apps').indexOf(' ' + app + ' ') >= 0)
        && (!problem || (problem === 'any'
          ? r.getAttribute('data-problems').trim() !== ''
          : r.getAttribute('data-problems').indexOf(' ' + problem + ' ') >= 0));
      r.hidden = !ok;
      if (ok) count++;
    });
    cols.forEach(function (c) { c.hidden = app !== '' && c.getAttribute('data-col') !== app; });
    shown.textContent = String(count);
    shown.setAttribute('data-count', String(count));
    empty.hidden = count > 0;
    document.documentElement.setAttribute('data-filter', fields.map(function (f) {
      return f + '=' + control(f).value;
    }).join('&'));
  }
  form.addEventListener('input', function () { apply(); toHash(); });
  form.addEventListener('change', function () { apply(); toHash(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('reset', function () { setTimeout(function () { apply(); toHash(); }, 0); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
"#;
