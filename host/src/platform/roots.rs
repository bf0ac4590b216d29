//! Certificates trusted beside the system's (`SSL_CERT_FILE`, as curl takes it).
//!
//! - Linux: the system verifier reads `SSL_CERT_FILE` and `SSL_CERT_DIR` itself.
//! - macOS and Windows: the system verifier asks the system's own store, which knows neither
//!   variable; the certificates in `SSL_CERT_FILE` are added to it here. `SSL_CERT_DIR` is not
//!   read there: a directory of hashed names is OpenSSL's convention, not these systems'.

/// The certificates to trust beside the system's, or why they cannot be read.
pub fn extra() -> Result<Vec<reqwest::Certificate>, String> {
    if cfg!(target_os = "linux") {
        return Ok(Vec::new());
    }
    let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let shown = std::path::Path::new(&path).display().to_string();
    let pem =
        std::fs::read(&path).map_err(|e| format!("SSL_CERT_FILE {shown} cannot be read: {e}"))?;
    reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("SSL_CERT_FILE {shown} holds no readable PEM certificates: {e}"))
}
