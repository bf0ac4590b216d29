use super::*;
use crate::status::{FileInput, resolve};
use crate::wit::project::{Directory, FileContents};
use crate::wit::types::{Options, System};

const KEY: &str = "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2";

/// A `.gitignore` that covers everything init would add.
const COVERED: &str = ".env\n.env.local\n*.env\noutput/qianwen-ops-auth/\n";

fn inputs(
    env: &[(&str, &str)],
    dotenv: Option<&str>,
    gitignore: Option<&str>,
    git: bool,
) -> Inputs {
    crate::status::one_directory(env, dotenv, gitignore, git)
}

fn plan_for(i: &Inputs, key: Option<&str>) -> Plan {
    plan_with(
        i,
        key.map(|key| Given {
            key,
            replace: false,
        }),
    )
}

fn plan_with(i: &Inputs, given: Option<Given>) -> Plan {
    let resolved = resolve(i, &crate::status::sending_nothing(System::Unix));
    plan(i, &resolved, given, System::Unix)
}

fn changes(p: &Plan) -> Vec<Change> {
    p.changes.iter().map(|(c, _)| c.clone()).collect()
}

fn append(file: ProjectFile, line: &str) -> Change {
    Change::Append(file, line.into())
}

#[test]
fn fresh_directory_gets_the_placeholder_and_gitignore_lines() {
    let p = plan_for(&inputs(&[], None, None, true), None);
    assert_eq!(p.outcome, InitOutcome::Changed);
    assert_eq!(
        changes(&p),
        vec![
            append(ProjectFile::Dotenv, "DASHSCOPE_API_KEY=sk-your-key-here"),
            append(ProjectFile::Gitignore, ".env"),
            append(ProjectFile::Gitignore, ".env.local"),
            append(ProjectFile::Gitignore, "*.env"),
            append(ProjectFile::Gitignore, "output/qianwen-ops-auth/"),
        ]
    );
    assert!(
        p.next_steps[0]
            .words
            .contains("export DASHSCOPE_API_KEY='sk-...'")
    );
}

#[test]
fn on_windows_the_placeholder_advice_is_for_powershell() {
    let i = inputs(&[], None, None, true);
    let resolved = resolve(&i, &crate::status::sending_nothing(System::Windows));
    let p = plan(&i, &resolved, None, System::Windows);
    assert!(
        p.next_steps[0]
            .words
            .contains("`$env:DASHSCOPE_API_KEY = 'sk-...'` in PowerShell"),
        "{:?}",
        p.next_steps
    );
}

#[test]
fn an_empty_key_line_takes_the_placeholder_in_place() {
    let p = plan_for(
        &inputs(
            &[],
            Some("A=1\nDASHSCOPE_API_KEY=\nB=2\n"),
            Some(COVERED),
            false,
        ),
        None,
    );
    assert_eq!(
        changes(&p),
        vec![Change::Replace(
            ProjectFile::Dotenv,
            LineRef {
                number: 2,
                old: "DASHSCOPE_API_KEY=".into()
            },
            "DASHSCOPE_API_KEY=sk-your-key-here".into()
        )]
    );
}

#[test]
fn second_run_changes_nothing() {
    let p = plan_for(
        &inputs(
            &[],
            Some("DASHSCOPE_API_KEY=sk-your-key-here\n"),
            Some(COVERED),
            true,
        ),
        None,
    );
    assert_eq!(p.outcome, InitOutcome::Unchanged);
    assert!(p.changes.is_empty());
    assert!(p.summary.contains("placeholder is already"));
}

#[test]
fn existing_gitignore_coverage_is_respected() {
    let p = plan_for(
        &inputs(
            &[],
            Some("DASHSCOPE_API_KEY=sk-your-key-here\n"),
            Some("*.env\noutput/\n"),
            true,
        ),
        None,
    );
    assert_eq!(
        changes(&p),
        vec![append(ProjectFile::Gitignore, ".env.local")]
    );
    let p = plan_for(
        &inputs(
            &[],
            Some("DASHSCOPE_API_KEY=sk-your-key-here\n"),
            Some(".env*\n/output\n"),
            true,
        ),
        None,
    );
    assert_eq!(changes(&p), vec![append(ProjectFile::Gitignore, "*.env")]);
}

#[test]
fn a_configured_key_changes_nothing_where_its_files_are_safe() {
    for (env, dotenv) in [
        (vec![("DASHSCOPE_API_KEY", KEY)], None),
        (vec![], Some(format!("QIANWEN_API_KEY={KEY}\n"))),
        (
            vec![("DASHSCOPE_API_KEY", "LTAI5tFAKE_Kp3Wz8Qm_Xa0000")],
            None,
        ),
    ] {
        let p = plan_for(&inputs(&env, dotenv.as_deref(), Some(COVERED), true), None);
        assert_eq!(p.outcome, InitOutcome::Unchanged);
        assert!(p.changes.is_empty());
        let usable = !env.iter().any(|(_, v)| v.starts_with("LTAI"));
        let said = if usable {
            "already configured"
        } else {
            "cannot be used"
        };
        assert!(p.summary.contains(said), "{}", p.summary);
        assert!(!p.summary.contains("Zq8vX3mK"));
        assert!(!p.summary.contains("nothing was changed"), "{}", p.summary);
    }
}

#[test]
fn a_configured_key_is_kept_and_its_files_made_safe() {
    let mut i = inputs(&[], Some(&format!("DASHSCOPE_API_KEY={KEY}\n")), None, true);
    if let Ok(Some(file)) = &mut i.dotenvs[0].read {
        file.mode = Some(0o644);
    }
    let p = plan_for(&i, None);
    assert_eq!(p.outcome, InitOutcome::Changed);
    let made = changes(&p);
    assert_eq!(made[0], Change::MakePrivate);
    assert!(
        p.changes[0].1.contains("mode 0600; it was 0644"),
        "{}",
        p.changes[0].1
    );
    assert!(made.contains(&append(ProjectFile::Gitignore, ".env")));
    assert!(!made.iter().any(|c| matches!(c, Change::WriteKey(..))));
    assert!(!made.contains(&append(
        ProjectFile::Dotenv,
        "DASHSCOPE_API_KEY=sk-your-key-here"
    )));
}

#[test]
fn a_given_key_replaces_the_placeholder_in_place() {
    let text = "# keys\nexport DASHSCOPE_API_KEY=sk-your-key-here\nOTHER=1\n";
    let p = plan_for(&inputs(&[], Some(text), Some(COVERED), true), Some(KEY));
    assert_eq!(p.outcome, InitOutcome::Changed);
    assert_eq!(
        changes(&p),
        vec![Change::WriteKey(
            "DASHSCOPE_API_KEY".into(),
            Some(LineRef {
                number: 2,
                old: "export DASHSCOPE_API_KEY=sk-your-key-here".into()
            })
        )]
    );
    assert!(
        !format!("{:?}", p.changes).contains("Zq8vX3mK"),
        "a description holds the key"
    );
}

#[test]
fn a_given_key_is_appended_when_there_is_no_placeholder() {
    let p = plan_for(&inputs(&[], Some("OTHER=1"), None, false), Some(KEY));
    assert_eq!(
        changes(&p)[0],
        Change::WriteKey("DASHSCOPE_API_KEY".into(), None)
    );
}

#[test]
fn a_given_key_never_overwrites_a_real_one() {
    let p = plan_for(
        &inputs(
            &[],
            Some("DASHSCOPE_API_KEY=sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c\n"),
            None,
            false,
        ),
        Some(KEY),
    );
    assert_eq!(p.outcome, InitOutcome::KeyRefused);
    assert!(p.changes.is_empty());
    assert!(p.summary.contains("line 1"));
}

#[test]
fn the_same_key_again_is_unchanged() {
    let p = plan_for(
        &inputs(
            &[],
            Some(&format!("DASHSCOPE_API_KEY={KEY}\n")),
            Some(COVERED),
            false,
        ),
        Some(KEY),
    );
    assert_eq!(p.outcome, InitOutcome::Unchanged);
}

#[test]
fn plan_and_broken_keys_are_refused() {
    let p = plan_for(
        &inputs(&[], None, None, false),
        Some("sk-sp-FAKE_Hb2Ng7Rc4Xv9_Lq6Mw1Dy8Js_c3d4"),
    );
    assert_eq!(p.outcome, InitOutcome::PlanKeyRefused);
    assert!(p.changes.is_empty());
    for bad in [
        "",
        "sk-your-key-here",
        "sk-FAKE Zq8v X3mK",
        "LTAI5tFAKE_Kp3Wz8Qm_Xa0000",
        "'sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2'",
    ] {
        let p = plan_for(&inputs(&[], None, None, false), Some(bad));
        assert_eq!(p.outcome, InitOutcome::KeyRefused, "{bad:?}");
        assert!(p.changes.is_empty());
    }
}

#[test]
fn an_environment_key_is_said_to_still_win() {
    let p = plan_for(
        &inputs(
            &[("QIANWEN_API_KEY", "sk-FAKE_Jd6Yu1Qe5Wn8_Vm3Kx9Pg4Tz_9f3c")],
            None,
            None,
            false,
        ),
        Some(KEY),
    );
    assert_eq!(p.outcome, InitOutcome::Changed);
    assert!(p.next_steps[0].words.contains("still wins"));
}

#[test]
fn unusable_dotenv_is_left_alone() {
    let mut i = inputs(&[], None, None, false);
    i.dotenvs[0].read = Err(crate::wit::project::ReadError::NotAFile);
    assert_eq!(plan_for(&i, None).outcome, InitOutcome::Failed);
    let mut i = inputs(&[], None, None, false);
    i.dotenvs[0].read = Ok(Some(FileContents {
        bytes: vec![0xff, 0xfe],
        mode: None,
    }));
    assert_eq!(plan_for(&i, None).outcome, InitOutcome::Failed);
}

/// `replace` rotates the key in `./.env` in place; without it the key stays and the advice
/// names the option; a key spanning lines is never replaced by half.
#[test]
fn a_key_is_replaced_only_when_asked() {
    let other = "sk-FAKE_Rotated_Wq3Lm8Xc5Vb2_e5f6";
    let i = inputs(
        &[],
        Some(&format!("A=1\nDASHSCOPE_API_KEY={KEY}\n")),
        Some(COVERED),
        true,
    );
    let kept = plan_with(
        &i,
        Some(Given {
            key: other,
            replace: false,
        }),
    );
    assert_eq!(kept.outcome, InitOutcome::KeyRefused);
    assert!(kept.changes.is_empty());
    assert!(
        kept.next_steps[0].words.contains("--key-stdin --replace"),
        "{:?}",
        kept.next_steps
    );
    let replaced = plan_with(
        &i,
        Some(Given {
            key: other,
            replace: true,
        }),
    );
    assert_eq!(replaced.outcome, InitOutcome::Changed);
    match &changes(&replaced)[..] {
        [Change::WriteKey(name, Some(at))] => {
            assert_eq!((name.as_str(), at.number), ("DASHSCOPE_API_KEY", 2));
        }
        other => panic!("{other:?}"),
    }
    let spanning = inputs(
        &[],
        Some(&format!("DASHSCOPE_API_KEY=\"{KEY}\n\"\n")),
        Some(COVERED),
        true,
    );
    let refused = plan_with(
        &spanning,
        Some(Given {
            key: other,
            replace: true,
        }),
    );
    assert_eq!(refused.outcome, InitOutcome::KeyRefused);
    assert!(refused.changes.is_empty());
}
