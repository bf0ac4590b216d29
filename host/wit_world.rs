//! The capabilities the WIT world's doc comment lists, read by build.rs so that the CLI's
//! `capabilities` command and docs/reference/capabilities.md say what the WIT says, from one text.

/// One bullet of the world's capability list: the imports it names (as written, with
/// `qianwen:auth/` added to the package's own), and what is granted through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub imports: Vec<String>,
    pub grant: String,
}

/// The bullets between the world's "Its imports are its capabilities" and "It imports no".
pub fn capabilities(wit: &str) -> Result<Vec<Capability>, String> {
    let start = wit
        .find("Its imports are its capabilities")
        .ok_or("the world's doc comment does not list its capabilities")?;
    let rest = &wit[start..];
    let end = rest
        .find("/// It imports no")
        .ok_or("the world's capability list has no end (`It imports no ...`)")?;
    let text: Vec<&str> = rest[..end]
        .lines()
        .skip(1)
        .map(|l| l.trim().trim_start_matches("///").trim())
        .collect();
    let mut bullets: Vec<String> = Vec::new();
    for line in text {
        if let Some(first) = line.strip_prefix("- ") {
            bullets.push(first.to_string());
        } else if let Some(last) = bullets.last_mut()
            && !line.is_empty()
        {
            last.push(' ');
            last.push_str(line);
        }
    }
    bullets.iter().map(|b| capability(b)).collect()
}

/// `` `a`, `b` (with `c`): what is granted `` as imports and grant.
fn capability(bullet: &str) -> Result<Capability, String> {
    let split = ["`: ", "): "]
        .iter()
        .filter_map(|sep| bullet.find(sep).map(|i| i + sep.len() - 2))
        .min()
        .ok_or_else(|| format!("a capability without `import`: grant: {bullet}"))?;
    let (head, grant) = (&bullet[..split], &bullet[split + 2..]);
    let imports = head
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|name| {
            if name.contains(':') {
                name.to_string()
            } else {
                format!("qianwen:auth/{name}")
            }
        })
        .collect::<Vec<_>>();
    if imports.is_empty() {
        return Err(format!("a capability that names no import: {bullet}"));
    }
    Ok(Capability {
        imports,
        grant: grant.trim().to_string(),
    })
}
