//! docs/behaviour.md#agents: the block agents keep in `AGENTS.md` / `CLAUDE.md`, between two
//! markers. A file is changed only where the markers are, or by appending after one blank line.

/// The marker before the block.
pub const START: &str = "<!-- QIANWEN_SKILLS -->";
/// The marker after the block.
pub const END: &str = "<!-- /QIANWEN_SKILLS -->";

/// The block, markers included, ending in a line break.
pub fn block() -> String {
    use qianwen_auth_facts::variables::{DEFAULT_KEY_NAME, PLACEHOLDER};
    let legend = qianwen_auth_facts::exit::Exit::legend();
    format!(
        "{START}
## QianWen (DashScope) credentials

When a QianWen / DashScope call fails with a missing key or HTTP 401, run `qianwen-auth`
instead of touching the key yourself:

- `qianwen-auth status --json`: which key is in use (masked), where it came from, what is
  wrong. Exit 0 usable, 3 no usable key, 5 Token Plan key (scripts need a standard `sk-` key).
- `qianwen-auth verify --json`: checks the key against DashScope and writes evidence to
  `output/qianwen-ops-auth/`. On a 401 it asks where the key came from; answer with
  `--answer 1` (created in the QianWen console: verify again) or `--answer 2` (may be invalid:
  create a new one on the API-key page).
- `qianwen-auth init`: adds `{DEFAULT_KEY_NAME}={PLACEHOLDER}` to `./.env` and `.env` to
  `.gitignore`, for the user to fill in.

Never print, log or ask for the key's value; never put it in a command line. Exit codes:
{legend}.
{END}
"
    )
}

/// `existing` with the block put in place of the old one, or appended after one blank line.
pub fn apply(existing: Option<&str>) -> Result<String, String> {
    let block = block();
    let Some(text) = existing.filter(|t| !t.is_empty()) else {
        return Ok(block);
    };
    match (text.find(START), text.find(END)) {
        (Some(start), Some(end)) if start < end => {
            let after = &text[end + END.len()..];
            let after = after
                .strip_prefix("\r\n")
                .or_else(|| after.strip_prefix('\n'))
                .unwrap_or(after);
            Ok(format!("{}{block}{after}", &text[..start]))
        }
        (None, None) => {
            let separator = if text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            Ok(format!("{text}{separator}{block}"))
        }
        (Some(_), Some(_)) => Err(format!("{END} comes before {START}; fix the markers first")),
        (Some(_), None) => Err(format!(
            "{START} has no {END} after it; fix the markers first"
        )),
        (None, Some(_)) => Err(format!(
            "{END} has no {START} before it; fix the markers first"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_holds_both_markers_and_no_url_but_its_own_commands() {
        let b = block();
        assert!(b.starts_with(START) && b.trim_end().ends_with(END));
        assert!(!b.contains("http"));
    }

    #[test]
    fn new_and_empty_files_get_the_block() {
        assert_eq!(apply(None).unwrap(), block());
        assert_eq!(apply(Some("")).unwrap(), block());
    }

    #[test]
    fn appended_after_one_blank_line() {
        assert_eq!(
            apply(Some("# Agents\n")).unwrap(),
            format!("# Agents\n\n{}", block())
        );
        assert_eq!(
            apply(Some("# Agents")).unwrap(),
            format!("# Agents\n\n{}", block())
        );
        assert_eq!(
            apply(Some("# Agents\n\n")).unwrap(),
            format!("# Agents\n\n{}", block())
        );
    }

    #[test]
    fn replaced_between_the_markers_and_nothing_else_moves() {
        let old = format!("before\n{START}\nold text\n{END}\nafter\n");
        let new = apply(Some(&old)).unwrap();
        assert_eq!(new, format!("before\n{}after\n", block()));
        assert_eq!(apply(Some(&new)).unwrap(), new, "idempotent");
    }

    #[test]
    fn broken_markers_are_refused() {
        assert!(apply(Some(&format!("{START}\nno end\n"))).is_err());
        assert!(apply(Some(&format!("{END}\n{START}\n"))).is_err());
        assert!(apply(Some(&format!("x\n{END}\n"))).is_err());
    }
}
