//! CSV output as the exports have it: comma-separated, a field quoted only
//! when it must be, `\n` line ends.

/// Appends one CSV field, quoted only when it must be.
fn cell(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

pub(super) fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, f);
    }
    out.push('\n');
}
