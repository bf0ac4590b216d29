use std::fs;
use std::process::Command;

use super::*;

/// A directory outside any repository, with an empty home for the user's configuration.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("home")).unwrap();
        Self { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn user(&self) -> UserConfig {
        UserConfig {
            home: Some(self.path("home")),
            xdg: Some(self.path("home/.config")),
            global: None,
        }
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// `git` in `dir`, with no configuration but the world's; false when git cannot run here.
    fn git(&self, dir: &str, args: &[&str]) -> bool {
        let out = Command::new("git")
            .current_dir(self.path(dir))
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("home/.config"))
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output();
        match out {
            Ok(out) if out.status.success() => true,
            Ok(out) => panic!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)),
            Err(_) => false,
        }
    }

    /// Git's own word on whether `dir/.env` is in the index.
    fn git_tracks(&self, dir: &str) -> bool {
        let out = Command::new("git")
            .current_dir(self.path(dir))
            .args(["ls-files", "--error-unmatch", ".env"])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.path("home"))
            .output()
            .unwrap();
        out.status.success()
    }

    /// The answer for the `.env` files of `cwd` (relative) and of the repository at `top`
    /// levels above it.
    fn lookup(&self, cwd: &str, depths: &[u32]) -> GitAnswer {
        let dirs: Vec<PathBuf> = self
            .path(cwd)
            .canonicalize()
            .unwrap()
            .ancestors()
            .map(Path::to_path_buf)
            .collect();
        lookup(&dirs, depths, &self.user())
    }
}

fn repository(answer: GitAnswer) -> GitRepository {
    match answer {
        GitAnswer::Repository(r) => r,
        other => panic!("not an answer: {other:?}"),
    }
}

fn cannot_tell(answer: GitAnswer) -> String {
    match answer {
        GitAnswer::CannotTell(why) => why,
        other => panic!("an answer, where none could be given: {other:?}"),
    }
}

fn text(file: &Option<IgnoreFile>) -> Option<String> {
    file.as_ref()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
}

#[test]
fn no_git_entry_is_no_repository() {
    let world = World::new();
    fs::create_dir_all(world.path("a/b")).unwrap();
    assert!(matches!(world.lookup("a/b", &[0]), GitAnswer::NoRepository));
}

/// Git itself as the control: index versions 2, 3 and 4, SHA-256 names, a file only added
/// with intent, a linked worktree and a separate git directory, each answered as
/// `git ls-files` answers.
#[test]
fn the_index_says_what_git_says() {
    let world = World::new();
    fs::create_dir_all(world.path("r/app")).unwrap();
    if !world.git("r", &["init", "-q"]) {
        eprintln!("skipped: git cannot be run here");
        return;
    }
    world.write("r/.env", "A=1\n");
    world.write("r/app/.env", "A=1\n");
    world.write("r/app/x", "x\n");
    world.git("r", &["add", ".env", "app/x"]);
    for version in ["2", "3", "4", "2"] {
        world.git("r", &["update-index", "--index-version", version]);
        let r = repository(world.lookup("r/app", &[0, 1]));
        assert_eq!(r.tracked, vec![1], "version {version}");
        assert!(!world.git_tracks("r/app") && world.git_tracks("r"));
    }
    world.git("r", &["add", "-N", "app/.env"]);
    assert_eq!(
        repository(world.lookup("r/app", &[0, 1])).tracked,
        vec![0, 1]
    );
    assert!(world.git_tracks("r/app"));

    // A file only added with intent is not committed: the linked worktree lacks it.
    world.git("r", &["commit", "-qm", "one"]);
    world.git("r", &["worktree", "add", "-q", "../linked"]);
    world.write("r/.git/info/exclude", "from-the-common-dir\n");
    world.write("linked/app/.env", "A=1\n");
    let r = repository(world.lookup("linked/app", &[0, 1]));
    assert_eq!(r.tracked, vec![1]);
    assert!(!world.git_tracks("linked/app") && world.git_tracks("linked"));
    assert_eq!(
        text(&r.info_exclude).as_deref(),
        Some("from-the-common-dir\n")
    );

    fs::create_dir_all(world.path("separate")).unwrap();
    world.git(
        "separate",
        &["init", "-q", "--separate-git-dir", "../elsewhere.git"],
    );
    world.write("separate/.env", "A=1\n");
    world.git("separate", &["add", ".env"]);
    assert!(world.path("separate/.git").is_file());
    assert_eq!(repository(world.lookup("separate", &[0])).tracked, vec![0]);

    fs::create_dir_all(world.path("sha256")).unwrap();
    if world.git("sha256", &["init", "-q", "--object-format=sha256"]) {
        world.write("sha256/.env", "A=1\n");
        world.git("sha256", &["add", ".env"]);
        assert_eq!(repository(world.lookup("sha256", &[0])).tracked, vec![0]);
    }
}

/// The excludes file as git finds it: the user's `core.excludesFile` (through an include, with
/// `~/`), git's default, `$GIT_CONFIG_GLOBAL`; the repository's own only inside it.
#[test]
fn the_excludes_file_is_the_one_git_reads() {
    let world = World::new();
    fs::create_dir_all(world.path("r/.git")).unwrap();
    let excludes = |world: &World| text(&repository(world.lookup("r", &[0])).excludes_file);
    assert_eq!(excludes(&world), None);
    world.write("home/.config/git/ignore", "default\n");
    assert_eq!(excludes(&world).as_deref(), Some("default\n"));

    world.write("home/mine", "mine\n");
    world.write("home/.gitconfig", "[include]\n\tpath = more.inc\n");
    world.write("home/more.inc", "[core]\n\texcludesFile = ~/mine\n");
    assert_eq!(excludes(&world).as_deref(), Some("mine\n"));

    world.write("r/inside", "inside\n");
    world.write("r/.git/config", "[core]\n\texcludesFile = inside\n");
    assert_eq!(excludes(&world).as_deref(), Some("inside\n"));
    // Out of the repository: the user's own setting stands.
    world.write("outside", "outside\n");
    world.write("r/.git/config", "[core]\n\texcludesFile = ../outside\n");
    assert_eq!(excludes(&world).as_deref(), Some("mine\n"));
    // An include in the repository's configuration is not followed.
    world.write("r/.git/config", "[include]\n\tpath = ../../outside.inc\n");
    world.write("outside.inc", "[core]\n\texcludesFile = ../outside\n");
    assert_eq!(excludes(&world).as_deref(), Some("mine\n"));

    let global = world.write("global", "[core]\n\texcludesFile = ~/mine2\n");
    world.write("home/mine2", "mine2\n");
    let mut user = world.user();
    user.global = Some(global);
    let dirs: Vec<PathBuf> = world
        .path("r")
        .canonicalize()
        .unwrap()
        .ancestors()
        .map(Path::to_path_buf)
        .collect();
    let r = repository(lookup(&dirs, &[0], &user));
    assert_eq!(text(&r.excludes_file).as_deref(), Some("mine2\n"));
}

#[test]
fn includes_that_never_end_are_cut() {
    let world = World::new();
    fs::create_dir_all(world.path("r/.git")).unwrap();
    world.write("home/.gitconfig", "[include]\n\tpath = ~/.gitconfig\n");
    let why = cannot_tell(world.lookup("r", &[0]));
    assert!(
        why.contains("includes more configuration than git"),
        "{why}"
    );
    let job = Repository {
        worktree: world.path("r"),
        user: world.user(),
        until: Instant::now() + DEADLINE,
    };
    match job.read(&[]) {
        Err(CannotTell::TooMuchConfig(file)) => assert_eq!(file, world.path("home/.gitconfig")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_dot_git_naming_nothing_is_told_as_such() {
    let world = World::new();
    world.write("r/.git", "not a pointer\n");
    let job = Repository {
        worktree: world.path("r"),
        user: world.user(),
        until: Instant::now() + DEADLINE,
    };
    match job.read(&[]) {
        Err(why @ CannotTell::NotGitLink(_)) => assert!(
            why.to_string()
                .ends_with("is neither a directory nor a file naming one (gitdir: …)"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
}

// FIFOs, devices, sparse files, links and owners: Unix only.
#[cfg(unix)]
mod hostile {
    use super::*;
    use std::os::unix::fs::symlink;

    fn fifo(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = fs::remove_file(path);
        crate::files::tests::make_fifo(path);
    }

    /// A hand-made repository whose `.env` is asked about.
    fn made(world: &World) {
        fs::create_dir_all(world.path("r/.git/info")).unwrap();
    }

    /// Every file this reads, as a FIFO that no writer will ever open: named, never waited on.
    #[test]
    fn a_fifo_is_named_never_waited_on() {
        for (name, path) in [
            ("index", "r/.git/index"),
            ("config", "r/.git/config"),
            ("info/exclude", "r/.git/info/exclude"),
            ("commondir", "r/.git/commondir"),
            ("the user's configuration", "home/.gitconfig"),
            ("the excludes file", "home/.config/git/ignore"),
        ] {
            let world = World::new();
            made(&world);
            fifo(&world.path(path));
            let started = std::time::Instant::now();
            let why = cannot_tell(world.lookup("r", &[0]));
            assert!(started.elapsed() < DEADLINE, "{name}: waited");
            assert!(why.ends_with("is not a regular file"), "{name}: {why}");
        }
        // A `.git` file that is a FIFO.
        let world = World::new();
        fs::create_dir_all(world.path("r")).unwrap();
        fifo(&world.path("r/.git"));
        let why = cannot_tell(world.lookup("r", &[0]));
        assert!(why.contains("is not a regular file"), "{why}");
    }

    /// Devices and files far larger than they may be, by link or in place: refused by their
    /// kind or size before a byte is read.
    #[test]
    fn devices_and_huge_files_are_not_read() {
        for target in ["/dev/zero", "/dev/urandom"] {
            for path in ["r/.git/info/exclude", "r/.git/config", "r/.git/index"] {
                let world = World::new();
                made(&world);
                symlink(target, world.path(path)).unwrap();
                let why = cannot_tell(world.lookup("r", &[0]));
                assert!(why.ends_with("is not a regular file"), "{path}: {why}");
            }
        }
        for (path, size) in [
            ("r/.git/config", 21 << 20),
            ("r/.git/index", 4 << 30),
            ("r/.git/info/exclude", 2 << 30),
        ] {
            let world = World::new();
            made(&world);
            let file = fs::File::create(world.path(path)).unwrap();
            file.set_len(size).unwrap();
            let why = cannot_tell(world.lookup("r", &[0]));
            assert!(why.contains("is larger than the"), "{path}: {why}");
        }
        let world = World::new();
        made(&world);
        world.write("home/.gitconfig", "[core]\n\texcludesFile = /dev/zero\n");
        let why = cannot_tell(world.lookup("r", &[0]));
        assert!(why.contains("is not a regular file"), "{why}");
    }

    /// A repository another user owns, as one left in a shared directory above this one:
    /// not read at all (its configuration names a FIFO, which would hang a reader), unless
    /// the user's own `safe.directory` names it. Needs root, to give files away.
    #[test]
    fn another_user_s_repository_is_not_read() {
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: only root can give a file to another user");
            return;
        }
        let world = World::new();
        made(&world);
        fs::create_dir_all(world.path("r/sub")).unwrap();
        fifo(&world.path("r/.git/index"));
        let nobody = Some(rustix::process::Uid::from_raw(65534));
        rustix::fs::chown(world.path("r/.git"), nobody, None).unwrap();
        let why = cannot_tell(world.lookup("r/sub", &[1]));
        assert!(
            why.contains("belongs to another user (uid 65534)") && why.contains("safe.directory"),
            "{why}"
        );
        fs::remove_file(world.path("r/.git/index")).unwrap();
        let top = world.path("r").canonicalize().unwrap();
        world.write(
            "home/.gitconfig",
            &format!("[safe]\n\tdirectory = {}\n", top.display()),
        );
        assert!(matches!(
            world.lookup("r/sub", &[1]),
            GitAnswer::Repository(_)
        ));
        world.write(
            "home/.gitconfig",
            "[safe]\n\tdirectory = *\n\tdirectory =\n",
        );
        cannot_tell(world.lookup("r/sub", &[1]));
    }
}

/// A repository still being read when the deadline passes is "cannot tell", naming it: the
/// deadline is checked before each file is opened.
#[test]
fn a_lookup_past_its_deadline_cannot_tell() {
    let world = World::new();
    fs::create_dir_all(world.path("r/.git")).unwrap();
    let dirs = vec![world.path("r").canonicalize().unwrap()];
    let why = cannot_tell(lookup_until(&dirs, &[0], &world.user(), Instant::now()));
    assert!(
        why.starts_with("reading the repository at ") && why.ends_with("took longer than 3 s"),
        "{why}"
    );
    assert!(matches!(
        lookup_until(&dirs, &[0], &world.user(), Instant::now() + DEADLINE),
        GitAnswer::Repository(_)
    ));
}

/// An index that never ends costs the deadline, no more: it is read as a stream that stops
/// when the deadline passes.
#[test]
fn an_index_that_never_ends_stops_at_the_deadline() {
    let mut header = b"DIRC".to_vec();
    header.extend(2u32.to_be_bytes());
    header.extend(u32::MAX.to_be_bytes());
    let endless = header.as_slice().chain(std::io::repeat(0));
    let started = Instant::now();
    let stream = Until {
        inner: endless,
        until: started + Duration::from_millis(100),
    };
    let answer = index::tracked(stream, u64::MAX, 20, &[b".env".to_vec()]);
    assert_eq!(answer, Err(IndexError::Io(ErrorKind::TimedOut)));
    assert!(started.elapsed() < Duration::from_secs(5));
}
