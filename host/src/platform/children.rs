//! Stopping a program the user asked to run, with everything it started: at the time limit,
//! and when it ends, whatever it left running.
//!
//! - Linux: it runs in its own process group, and the CLI makes itself a subreaper first
//!   (`adopt_orphans`): a descendant that leaves the group (`setsid`, a double fork) and loses
//!   its parent is handed to this process rather than to init, so it can still be found. The
//!   group is killed, then every child this process is left with, until none is. The CLI starts
//!   no other program, so every such child is the program's.
//! - macOS and other Unix: the process group only. A descendant that starts a session of its
//!   own outlives the program: these systems offer no subreaper.
//! - Windows: it runs in a job object, which is terminated with every process in it. A process
//!   the program starts in the instant before it is put in the job is not in it.

use std::process::{Child, Command};

/// Whether orphans of this process's descendants come to this process (Linux only).
#[cfg(target_os = "linux")]
static ADOPTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Make this process the one its descendants' orphans are handed to, where the system can.
/// For the CLI only: afterwards, `stop` kills every child this process has.
pub fn adopt_orphans() {
    #[cfg(target_os = "linux")]
    if rustix::process::set_child_subreaper(Some(rustix::process::getpid())).is_ok() {
        ADOPTING.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A program's tree of processes, from before it starts until it is stopped.
pub struct Tree {
    #[cfg(windows)]
    job: Option<job::Job>,
}

impl Tree {
    /// Set `command` up so that `stop` reaches what it starts.
    pub fn prepare(command: &mut Command) -> Self {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(command, 0);
        #[cfg(not(unix))]
        let _ = command;
        Self {
            #[cfg(windows)]
            job: job::Job::new(),
        }
    }

    /// The program has started.
    pub fn started(&mut self, child: &Child) {
        #[cfg(windows)]
        if let Some(job) = &self.job {
            job.assign(child);
        }
        #[cfg(not(windows))]
        let _ = child;
    }

    /// Stop the program, if it still runs, and everything it started; reap them all.
    pub fn stop(&mut self, child: &mut Child) {
        #[cfg(unix)]
        {
            use rustix::process::{Pid, Signal, kill_process_group};
            if let Some(group) = Pid::from_raw(child.id() as i32) {
                let _ = kill_process_group(group, Signal::KILL);
            }
        }
        #[cfg(windows)]
        if let Some(job) = &self.job {
            job.terminate();
        }
        let _ = child.kill();
        let _ = child.wait();
        #[cfg(target_os = "linux")]
        if ADOPTING.load(std::sync::atomic::Ordering::SeqCst) {
            orphans::stop_all();
        }
    }
}

/// The orphans this process adopted: found in `/proc` by their parent, killed with their
/// groups, and reaped, until none is left.
#[cfg(target_os = "linux")]
mod orphans {
    use rustix::process::{Pid, Signal, WaitOptions, getpid, kill_process, kill_process_group};

    /// Rounds of killing and reaping; each round takes at least one generation of a tree that
    /// keeps forking, and such a tree cannot outgrow the bound of processes a user may have.
    const ROUNDS: usize = 200;

    pub fn stop_all() {
        for _ in 0..ROUNDS {
            let children = children();
            if children.is_empty() {
                return;
            }
            for child in children {
                let _ = kill_process_group(child, Signal::KILL);
                let _ = kill_process(child, Signal::KILL);
            }
            while let Ok(Some(_)) = rustix::process::waitpid(None, WaitOptions::NOHANG) {}
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// This process's children, from `/proc/*/stat`.
    fn children() -> Vec<Pid> {
        let me = getpid().as_raw_nonzero().get();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
            .filter(|&pid| parent_of(pid) == Some(me))
            .filter_map(Pid::from_raw)
            .collect()
    }

    /// The parent in `/proc/PID/stat`: the second field after the command's closing `)`.
    fn parent_of(pid: i32) -> Option<i32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let after = &stat[stat.rfind(')')? + 1..];
        after.split_whitespace().nth(1)?.parse().ok()
    }
}

#[cfg(windows)]
mod job {
    use std::os::windows::io::AsRawHandle;
    use std::process::Child;

    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
        SetInformationJobObject, TerminateJobObject,
    };

    /// A job whose processes end when it is terminated, or when this process ends.
    pub struct Job(HANDLE);

    impl Job {
        pub fn new() -> Option<Self> {
            // SAFETY: no security attributes, no name; the handle is checked.
            let handle = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
            if handle.is_null() {
                return None;
            }
            let job = Job(handle);
            // SAFETY: an all-zero structure is valid, with the one limit set below.
            let mut limits: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { std::mem::zeroed() };
            limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            // SAFETY: the job's handle, and the structure with its size.
            let set = unsafe {
                SetInformationJobObject(
                    job.0,
                    JobObjectExtendedLimitInformation,
                    (&raw const limits).cast(),
                    std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
                )
            };
            (set != 0).then_some(job)
        }

        pub fn assign(&self, child: &Child) {
            // SAFETY: the job's handle and the child's process handle, both open.
            unsafe { AssignProcessToJobObject(self.0, child.as_raw_handle() as HANDLE) };
        }

        pub fn terminate(&self) {
            // SAFETY: the job's open handle.
            unsafe { TerminateJobObject(self.0, 1) };
        }
    }

    impl Drop for Job {
        fn drop(&mut self) {
            // SAFETY: the job's handle, closed once.
            unsafe { CloseHandle(self.0) };
        }
    }
}
