//! What a hostile repository, a shared directory, a hostile server or a hostile program can do
//! to the host's edges, each tried as an attacker would: a cloned `.git` built to hang or
//! exhaust, control characters in names and values, words that look like keys and keys that do
//! not, input that grows faster than itself, and changes made halfway.

// FIFOs, devices, sparse files and owners: Unix only.
#[cfg(unix)]
mod git;
mod growth;
mod half_done;
// FIFOs, devices and sparse files: Unix only.
#[cfg(unix)]
mod readers;
mod screen;
mod words;
