//! Stopping a program the user asked to run, with what it started.
//!
//! - Unix: it runs in its own process group, and the whole group is killed at the time limit
//!   (npx starts node, which starts more).
//! - Windows: it is killed (`TerminateProcess`); programs it started and left running are not
//!   found and outlive it.

use std::process::{Child, Command};

/// Set `command` up so that `stop` reaches what it starts.
pub fn isolate(command: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    #[cfg(not(unix))]
    let _ = command;
}

/// Stop the program, and on Unix its process group.
pub fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        use rustix::process::{Pid, Signal, kill_process_group};
        if let Some(pid) = Pid::from_raw(child.id() as i32) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }
    let _ = child.kill();
}
