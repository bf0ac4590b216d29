//! Inputs made to hang: every run ends within its documented time, whatever the files or
//! the server say.

use super::*;

/// Files built to make a parser or a matcher work far more than their size: an 80,000-line
/// `.env`, `.gitignore` patterns built for backtracking against a long directory name, quotes
/// that never close. Every command finishes as usual, well inside the component's time limit;
/// none is stopped by it.
#[test]
fn pathological_files_cost_no_more_than_their_length() {
    let dir = tempdir();
    let repo = dir.path();
    fs::create_dir(repo.join(".git")).unwrap();
    let mut big = String::new();
    for n in 0..80_000 {
        big.push_str(&format!("V{n}=1\n"));
    }
    big.push_str(&format!("DASHSCOPE_API_KEY={STANDARD}\n"));
    write(repo.join(".env"), &big);
    // `*a*a…*a*b` against a name of a's: the classic exponential case for a backtracking glob,
    // as a name pattern, a path pattern and a globstar pattern, filling a megabyte.
    let stars = format!("{}b", "*a".repeat(40));
    let mut gitignore = String::new();
    while gitignore.len() < (1 << 20) - 600 {
        gitignore.push_str(&format!(
            "{stars}\n{stars}/{stars}\n**/{stars}/**/x{stars}\n"
        ));
    }
    write(repo.join(".gitignore"), &gitignore);
    let deep = repo.join("a".repeat(200)).join("a".repeat(200));
    // Quotes that open on every line and never close.
    let quotes: String = (0..20_000).map(|n| format!("Q{n}='\"x\n")).collect();
    write(deep.join(".env"), &quotes);

    for args in [&["status", "--json"][..], &["init", "--json"]] {
        let out = run(&deep, &[], args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let v = out.json();
        if args[0] == "status" {
            assert_eq!(v["dotenv_files"][1]["entries"], 80_001);
            assert_eq!(v["key"]["source"], "repo-dotenv");
            let codes: Vec<&str> = v["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["code"].as_str().unwrap())
                .collect();
            assert!(codes.contains(&"dotenv-not-ignored"), "{codes:?}");
            assert!(codes.contains(&"dotenv-syntax"), "{codes:?}");
        }
    }
}

/// A server that asks to wait a minute between tries cannot hold `verify --timeout 1` past
/// the three seconds the whole verification may take.
#[test]
fn retry_after_cannot_stretch_verify_past_its_budget() {
    let dir = tempdir();
    let mock = Mock::start(vec![
        Reply::json(503, "{}").with_header("retry-after", "60"),
    ]);
    let started = std::time::Instant::now();
    let env = verify_env(&mock);
    let out = run(
        dir.path(),
        &borrow(&env),
        &[
            "verify",
            "--json",
            "--timeout",
            "1",
            "--allow-host",
            &mock.grant(),
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(out.code, 8, "{}", out.stdout);
    let v = out.json();
    assert_eq!(v["attempts"].as_array().unwrap().len(), 1);
    assert!(
        v["hints"][0]
            .as_str()
            .unwrap()
            .starts_with("No retry was made: the server asked to wait 60 s"),
        "{v}"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "took {elapsed:?}"
    );
}
