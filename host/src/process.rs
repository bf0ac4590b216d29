//! The process holds keys in its memory, and keeps them there. Before anything is read (an
//! argument may be a pasted key), it gives up core files, so that a crash writes nothing to
//! disk; and on Linux it becomes non-dumpable, so that no core is written whatever the limits
//! say, and no other process of the same user may attach to it or read its memory.

/// Called first thing in `main`. Either step failing leaves the process as the system made it;
/// neither can fail when lowering what a process may do.
pub fn guard_secrets() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = setrlimit(Resource::Core, none);
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}
