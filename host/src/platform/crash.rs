//! The process holds keys in its memory, and keeps them there. Before anything is read (an
//! argument may be a pasted key), it gives up what a crash would write to disk.
//!
//! - Unix: no core files (RLIMIT_CORE 0); on Linux also non-dumpable, so that no core is
//!   written whatever the limits or `core_pattern` say, and no other process of the same user
//!   may attach to it or read its memory.
//! - Windows: no crash dialog and no Windows Error Reporting prompt (`SetErrorMode`). A machine
//!   whose administrator configured WER `LocalDumps` for every program can still be made to
//!   keep a dump; that setting is the administrator's, not the process's.

/// Called first thing in `main`. Each step failing leaves the process as the system made it;
/// none can fail when lowering what a process may do.
pub fn guard_secrets() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        let _ = setrlimit(Resource::Core, none);
    }
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Diagnostics::Debug::{
            SEM_FAILCRITICALERRORS, SEM_NOGPFAULTERRORBOX, SetErrorMode,
        };
        // SAFETY: sets process-wide error-mode flags; no memory is passed.
        unsafe { SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX) };
    }
}
