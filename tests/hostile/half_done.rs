//! Nothing half-done: a writing command checks everything before it changes anything, creates
//! no directory it then refuses, and adds no second key line below one it cannot read.

use crate::common::*;

/// `verify --output skills` is refused, and leaves no `skills/` behind: one would change where
/// the chain finds the repository root, and the next `status` would lose the repository's
/// `.env`.
#[test]
fn a_refused_output_directory_is_never_created() {
    let dir = tempdir();
    let repo = dir.path();
    std::fs::create_dir(repo.join(".git")).unwrap();
    write(
        repo.join(".env"),
        &format!("DASHSCOPE_API_KEY={STANDARD}\n"),
    );
    let app = repo.join("app");
    std::fs::create_dir(&app).unwrap();
    for output in ["skills", "deep/skills"] {
        if output.contains('/') {
            std::fs::create_dir_all(app.join("deep")).unwrap();
        }
        let out = run(&app, &[], &["verify", "--json", "--output", output]);
        assert_eq!(out.code, 2, "{output}: {}", out.all());
        assert!(
            out.json()["error"].as_str().unwrap().contains("skills/"),
            "{}",
            out.stdout
        );
        assert!(
            !app.join(output).exists(),
            "{output} was created, then refused"
        );
    }
    let v = run(&app, &[], &["status", "--json"]).json();
    assert_eq!(v["key"]["source"], "repo-dotenv", "{v}");
}

/// `init --key-stdin` below a key line it cannot read writes nothing, as `init` does.
#[test]
fn a_key_is_never_added_below_one_that_cannot_be_read() {
    let dir = tempdir();
    let before = "DASHSCOPE_API_KEY=\"sk-FAKE_unterminated\nOTHER=1\n";
    write(dir.path().join(".env"), before);
    for (args, input) in [
        (&["init", "--json"][..], ""),
        (&["init", "--key-stdin", "--json"], STANDARD_2),
    ] {
        let out = run_with_stdin(dir.path(), &[], args, input);
        assert_eq!(out.code, 3, "{args:?}: {}", out.all());
        assert_eq!(
            out.json()["outcome"],
            "key-line-unreadable",
            "{}",
            out.stdout
        );
        assert_no_leak(&out.all(), &ALL_KEYS, "init");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".env")).unwrap(),
            before,
            "{args:?} changed .env"
        );
    }
}

/// `init` that cannot change `.gitignore` (a symbolic link) changes nothing at all: `.env` is
/// not created either.
#[cfg(unix)]
#[test]
fn init_changes_everything_or_nothing() {
    let dir = tempdir();
    let elsewhere = write(dir.path().join("shared-ignore"), "node_modules\n");
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&elsewhere, project.join(".gitignore")).unwrap();
    let out = run(&project, &[], &["init", "--json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let v = out.json();
    assert_eq!(v["outcome"], "failed");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("nothing was changed")
            && v["summary"].as_str().unwrap().contains("symbolic link"),
        "{v}"
    );
    assert!(
        !project.join(".env").exists(),
        ".env was created before the refusal"
    );
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        "node_modules\n"
    );
}

/// Plain http to a granted `localhost` goes to the loopback address the name has (the
/// refusal of one that leads elsewhere is tested where it is decided, in the network grant).
#[test]
fn plain_http_to_localhost_reaches_loopback() {
    let dir = tempdir();
    let mock = crate::mock::Mock::start(vec![crate::mock::Reply::json(200, crate::mock::OK_BODY)]);
    let port = mock.grant().rsplit(':').next().unwrap().to_string();
    let url = format!("http://localhost:{port}");
    let grant = format!("localhost:{port}");
    let out = run(
        dir.path(),
        &[("DASHSCOPE_API_KEY", STANDARD), ("QWEN_BASE_URL", &url)],
        &["verify", "--json", "--allow-host", &grant],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(mock.seen().len(), 1);
}
