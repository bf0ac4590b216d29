//! The end-to-end tests: the real binary, the sandbox with hostile components, and the faults
//! and leaks an attacker would try, in one test binary (one link of wasmtime, not one per file).

mod common;
mod mock;

mod commands;
mod dotenv_lines;
mod faults;
mod flow;
mod git_hygiene;
mod hostile;
mod init;
mod leaks;
mod messages;
mod sandbox;
// The advice names the shell's `export`, and the paths are Unix paths.
#[cfg(unix)]
mod screens;
mod skill;
mod status;
// Terminals (a pty) and stand-in programs (shell scripts): Unix only.
#[cfg(unix)]
mod terminal;
#[cfg(unix)]
mod update_check;
mod verify;
