//! The end-to-end tests: the real binary, the sandbox with hostile components, and the faults
//! and leaks an attacker would try, in one test binary (one link of wasmtime, not one per file).

mod common;
mod mock;

mod commands;
mod dotenv_lines;
mod faults;
mod flow;
mod git_hygiene;
mod init;
mod leaks;
mod messages;
mod sandbox;
mod skill;
mod status;
mod terminal;
mod update_check;
mod verify;
