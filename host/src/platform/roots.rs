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

use std::path::{Path, PathBuf};

use crate::reading;

/// The most of one file of certificates that is read.
const MAX_CERTS: u64 = 16 << 20;

/// The most files of `SSL_CERT_DIR` looked at.
const MAX_DIR_ENTRIES: usize = 10_000;

/// The certificates to trust beside the system's, or why they cannot be read.
pub fn extra() -> Result<Vec<reqwest::Certificate>, String> {
    let named = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    let file = named("SSL_CERT_FILE");
    let pem = match &file {
        Some(path) => Some(
            reading::read(path, MAX_CERTS)
                .map_err(|e| format!("SSL_CERT_FILE: {}", e.about(path)))?
                .ok_or_else(|| format!("SSL_CERT_FILE: {} does not exist", path.display()))?,
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
    reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        format!(
            "SSL_CERT_FILE {} holds no readable PEM certificates: {e}",
            path.display()
        )
    })
}

/// Every file the system verifier would read in `dir` (the entries that are files, through
/// links), as `reading` would read it.
fn check_dir(dir: &Path) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Not there or not a directory: the verifier reads nothing from it either.
        return Ok(());
    };
    for (n, entry) in entries.flatten().enumerate() {
        if n == MAX_DIR_ENTRIES {
            return Err(format!(
                "SSL_CERT_DIR: {} holds more than {MAX_DIR_ENTRIES} entries",
                dir.display()
            ));
        }
        let path = entry.path();
        if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            reading::open(&path, MAX_CERTS)
                .map_err(|e| format!("SSL_CERT_DIR: {}", e.about(&path)))?;
        }
    }
    Ok(())
}
