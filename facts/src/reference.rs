//! The reference under `docs/reference/` and the README's generated regions are written from
//! the code, never by hand: each crate's tests render its tables and compare them with the
//! files. `QIANWEN_AUTH_BLESS=1 cargo test --workspace` writes them instead. The
//! pinned screens under `tests/snapshots/` are checked and written the same way.

use std::path::PathBuf;

const BLESS: &str = "QIANWEN_AUTH_BLESS";

/// The repository's top directory: this crate sits one below it.
fn top() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("facts/ has a parent")
        .to_path_buf()
}

fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|v| v == "1")
}

fn stale(file: &str) -> String {
    format!("{file} is not what the code says; write it with `{BLESS}=1 cargo test --workspace`")
}

/// `file` (from the repository's top) holds exactly `text`, a generated file.
pub fn check_file(file: &str, text: &str) {
    let path = top().join(file);
    let text = format!(
        "<!-- Generated from the code; edit the code, then `{BLESS}=1 cargo test --workspace`. -->\n\n{text}"
    );
    if blessing() {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{file}: {e}"));
        return;
    }
    let now = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(now == text, "{}", stale(file));
}

/// The region of `file` between `<!-- generated: NAME -->` and `<!-- end: NAME -->` holds
/// exactly `text`; the rest of the file is prose and is never read.
pub fn check_region(file: &str, name: &str, text: &str) {
    let path = top().join(file);
    let whole = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (open, close) = (
        format!("<!-- generated: {name} -->\n"),
        format!("<!-- end: {name} -->"),
    );
    let start = whole
        .find(&open)
        .unwrap_or_else(|| panic!("{file} has no `{}`", open.trim()))
        + open.len();
    let end = start
        + whole[start..]
            .find(&close)
            .unwrap_or_else(|| panic!("{file} has no `{close}`"));
    if blessing() {
        let new = format!("{}{text}{}", &whole[..start], &whole[end..]);
        std::fs::write(&path, new).unwrap_or_else(|e| panic!("{file}: {e}"));
        return;
    }
    assert!(&whole[start..end] == text, "{}", stale(file));
}

/// A Markdown table: a header row, then one row per item, `|` in a cell escaped.
pub fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let row = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let mut out = row(&header);
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        out.push_str(&row(&r));
    }
    out
}

/// The cases of `enum NAME` in the WIT, each with its doc comment on one line.
pub fn wit_enum(name: &str) -> Vec<(String, String)> {
    let wit = std::fs::read_to_string(top().join("wit/qianwen-auth.wit")).expect("the WIT");
    let open = format!("enum {name} {{");
    let start = wit.find(&open).unwrap_or_else(|| panic!("no `{open}`")) + open.len();
    let body = &wit[start..start + wit[start..].find('}').expect("the enum ends")];
    let mut cases = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    for line in body.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if let Some(case) = line.strip_suffix(',') {
            cases.push((case.to_string(), doc.join(" ")));
            doc.clear();
        }
    }
    cases
}
