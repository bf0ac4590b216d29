//! Certificates trusted beside the system's (`SSL_CERT_FILE`, and `SSL_CERT_DIR` on Linux, as
//! curl takes them).
//!
//! Whatever reads them meets only what the host reads of any file (`reading`): `SSL_CERT_FILE`
//! and each file in `SSL_CERT_DIR` a regular file of at most 16 MiB, checked here before the
//! TLS client starts, so that a FIFO or a device named there is an error, not a `verify` that
//! never ends.
//!
//! - Linux: the system verifier reads both variables itself, once they passed the check.
//! - macOS and Windows: the system verifier asks the system's own store, which knows neither
//!   variable; the certificates in `SSL_CERT_FILE` are read here and added to it.
//!   `SSL_CERT_DIR` is not read there: a directory of hashed names is OpenSSL's convention, not
//!   these systems'.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::reading::{self, Unreadable};

/// The most of one file of certificates that is read.
const MAX_CERTS: u64 = 16 << 20;

/// The most files of `SSL_CERT_DIR` looked at.
const MAX_DIR_ENTRIES: usize = 10_000;

/// The certificates to trust beside the system's, or why they cannot be read.
pub fn extra() -> Result<Vec<reqwest::Certificate>, Unusable> {
    let named = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    let file = named("SSL_CERT_FILE");
    let pem = match &file {
        Some(path) => Some(
            reading::read(path, MAX_CERTS)
                .map_err(|e| Unusable::File(path.clone(), e))?
                .ok_or_else(|| Unusable::NoFile(path.clone()))?,
        ),
        None => None,
    };
    if cfg!(target_os = "linux") {
        if let Some(dirs) = named("SSL_CERT_DIR") {
            for dir in std::env::split_paths(&dirs) {
                check_dir(&dir)?;
            }
        }
        return Ok(Vec::new());
    }
    let (Some(path), Some(pem)) = (file, pem) else {
        return Ok(Vec::new());
    };
    reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Unusable::NoPem(path, e.to_string()))
}

/// Every file the system verifier would read in `dir` (the entries that are files, through
/// links), as `reading` would read it.
fn check_dir(dir: &Path) -> Result<(), Unusable> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Not there or not a directory: the verifier reads nothing from it either.
        return Ok(());
    };
    for (n, entry) in entries.flatten().enumerate() {
        if n == MAX_DIR_ENTRIES {
            return Err(Unusable::CrowdedDir(dir.to_path_buf()));
        }
        let path = entry.path();
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            reading::open(&path, MAX_CERTS).map_err(|e| Unusable::DirFile(path, e))?;
        }
    }
    Ok(())
}

/// Why the certificates named in `SSL_CERT_FILE` or `SSL_CERT_DIR` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// `SSL_CERT_FILE` names a file that cannot be read (see `reading`).
    File(PathBuf, Unreadable),
    /// `SSL_CERT_FILE` names nothing that exists.
    NoFile(PathBuf),
    /// `SSL_CERT_FILE` holds no certificate the TLS library can read: its words.
    NoPem(PathBuf, String),
    /// An `SSL_CERT_DIR` directory with more than `MAX_DIR_ENTRIES` entries.
    CrowdedDir(PathBuf),
    /// A file in `SSL_CERT_DIR` that cannot be read.
    DirFile(PathBuf, Unreadable),
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path, why) => write!(f, "SSL_CERT_FILE: {}", why.about(path)),
            Self::NoFile(path) => write!(f, "SSL_CERT_FILE: {} does not exist", path.display()),
            Self::NoPem(path, why) => write!(
                f,
                "SSL_CERT_FILE {} holds no readable PEM certificates: {why}",
                path.display()
            ),
            Self::CrowdedDir(dir) => write!(
                f,
                "SSL_CERT_DIR: {} holds more than {MAX_DIR_ENTRIES} entries",
                dir.display()
            ),
            Self::DirFile(path, why) => write!(f, "SSL_CERT_DIR: {}", why.about(path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_is_nothing_to_check() {
        assert_eq!(check_dir(Path::new("/nonexistent/certs")), Ok(()));
    }

    #[test]
    fn an_oversized_certificate_file_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pem"), "read later by the verifier").unwrap();
        let big = dir.path().join("b.0");
        // Sparse: the size is checked before anything is read.
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_CERTS + 1)
            .unwrap();
        let why = check_dir(dir.path()).unwrap_err();
        let too_large = Unreadable::TooLarge {
            size: MAX_CERTS + 1,
            max: MAX_CERTS,
        };
        assert_eq!(why, Unusable::DirFile(big.clone(), too_large));
        assert!(
            why.to_string()
                .starts_with(&format!("SSL_CERT_DIR: {} is larger than", big.display())),
            "{why}"
        );
    }
}
