//! Files the host reads for itself, named by the user's environment: the certificates in
//! `SSL_CERT_FILE` and `SSL_CERT_DIR`. A FIFO there once left `verify` waiting for good; a
//! device or a sparse file, reading without end. Each is now refused before the TLS client
//! starts, named, and nothing is sent.

use std::time::Duration;

use crate::common::*;

fn verify(dir: &std::path::Path, variable: &str, value: &str) -> serde_json::Value {
    let env = [
        ("DASHSCOPE_API_KEY", STANDARD),
        ("QWEN_BASE_URL", "https://localhost:9/v1"),
        (variable, value),
    ];
    let args = [
        "verify",
        "--json",
        "--timeout",
        "5",
        "--allow-host",
        "localhost:9",
    ];
    let watched = run_watched(dir, &env, &args, Duration::from_secs(60));
    let out = watched.output;
    assert_no_leak(&out.all(), &ALL_KEYS, variable);
    assert_eq!(out.code, 6, "{variable}={value}: {}", out.stdout);
    if let Some(peak) = watched.peak_kib {
        assert!(peak < 512 << 10, "{variable}={value}: held {peak} KiB");
    }
    out.json()
}

#[test]
fn certificates_that_are_not_regular_files_are_refused_not_read() {
    let dir = tempdir();
    let fifo = dir.path().join("fifo");
    make_fifo(&fifo);
    let sparse = dir.path().join("sparse.pem");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    for (value, says) in [
        (fifo.to_str().unwrap(), "is not a regular file"),
        ("/dev/zero", "is not a regular file"),
        ("/dev/urandom", "is not a regular file"),
        (
            sparse.to_str().unwrap(),
            "is larger than the 16 MiB read of it",
        ),
    ] {
        let v = verify(dir.path(), "SSL_CERT_FILE", value);
        assert_eq!(v["outcome"], "network");
        let cause = v["cause"].as_str().unwrap();
        assert!(
            cause.contains(&format!("SSL_CERT_FILE: {value} {says}")),
            "{cause}"
        );
        assert_eq!(v["attempts"].as_array().map(Vec::len), Some(1), "{v}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_certificate_directory_is_read_as_files_are() {
    let dir = tempdir();
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).unwrap();
    std::fs::File::create(certs.join("huge.pem"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let v = verify(dir.path(), "SSL_CERT_DIR", certs.to_str().unwrap());
    let cause = v["cause"].as_str().unwrap();
    assert!(
        cause.contains("SSL_CERT_DIR: ") && cause.contains("huge.pem is larger than"),
        "{cause}"
    );
}
