//! Where `verify` keeps its evidence: one directory of records inside an output directory the
//! user may choose with `--output`.

/// The names as literals, once, for `concat!`.
macro_rules! default_output {
    () => {
        "output"
    };
}
macro_rules! subdir {
    () => {
        "qianwen-ops-auth"
    };
}

/// The directory the records go into, inside the output directory.
pub const SUBDIR: &str = subdir!();

/// The output directory when `--output` names none.
pub const DEFAULT_OUTPUT: &str = default_output!();

/// The default evidence directory as a `.gitignore` line, which `init` adds.
pub const DEFAULT_DIR_LINE: &str = concat!(default_output!(), "/", subdir!(), "/");

/// A record's path in the default evidence directory: what that line must cover.
pub const DEFAULT_RECORD: &str = concat!(default_output!(), "/", subdir!(), "/record.json");
