use super::*;
use crate::wit::update_check::SkippedSkill;

const NOW: u64 = 1_795_722_480;

fn dir(path: &str, has_git: bool, has_skills: bool) -> Directory {
    Directory {
        path: path.into(),
        has_git,
        has_skills,
        has_dotenv_local: false,
    }
}

fn input(found: Option<&str>, state: Option<&str>, answer: Option<UpdateAnswer>) -> UpdateInput {
    UpdateInput {
        found: found.map(Into::into),
        searched: vec!["/home/u/.claude/skills/qianwen-update-check/SKILL.md".into()],
        skipped: Vec::new(),
        programs: vec![
            LocatedProgram {
                name: "python3".into(),
                found: Ok("/usr/bin/python3".into()),
            },
            LocatedProgram {
                name: "npx".into(),
                found: Ok("/usr/local/bin/npx".into()),
            },
        ],
        state_file: state.map(|s| s.as_bytes().to_vec()),
        now: NOW,
        answer,
        force: false,
    }
}

/// The state an answer saves, read back a moment later.
fn saved(report: &UpdateReport, later: u64) -> Reminder {
    read_state(report.save.as_ref().expect("saved").as_bytes(), NOW + later).unwrap()
}

/// Only the directory the user named and the user's own skill directories: never a
/// `skills/` the current directory or the repository holds, which a clone could bring.
#[test]
fn looks_where_the_user_chose_never_where_the_repository_does() {
    let dirs = [
        dir("/r/a/b", false, true),
        dir("/r/a", false, false),
        dir("/r", true, true),
        dir("/", false, true),
    ];
    let search = search(&dirs, Some("/home/u"), Some("/opt/skills"));
    assert_eq!(
        search.candidates,
        [
            "/opt/skills/qianwen-update-check/SKILL.md",
            "/home/u/.claude/skills/qianwen-update-check/SKILL.md",
            "/home/u/.agents/skills/qianwen-update-check/SKILL.md",
        ]
    );
    assert_eq!(search.repository.as_deref(), Some("/r"));
    let search = super::search(&dirs, None, None);
    assert!(search.candidates.is_empty(), "{:?}", search.candidates);
    // Without git, the chain's root is the repository the state is kept out of.
    let dirs = [dir("/p/sub", false, false), dir("/p", false, true)];
    assert_eq!(search_repository(&dirs), Some("/p".into()));
    assert_eq!(search_repository(&[dir("/x", false, false)]), None);
}

fn search_repository(dirs: &[Directory]) -> Option<String> {
    search(dirs, None, None).repository
}

#[test]
fn a_place_named_twice_is_looked_at_once() {
    let dirs = [dir("/home/u", true, false)];
    let search = search(&dirs, Some("/home/u"), Some("/home/u/.claude/skills/"));
    assert_eq!(search.candidates.len(), 2, "{:?}", search.candidates);
}

#[test]
fn found_names_the_checker_and_passes_force_on() {
    let found = "/home/u/.claude/skills/qianwen-update-check/SKILL.md";
    let report = check(&input(Some(found), None, None));
    let UpdateState::Installed(checker) = &report.state else {
        panic!("{:?}", report.state)
    };
    assert_eq!(checker.program, "/usr/bin/python3");
    assert_eq!(
        checker.args,
        [
            "/home/u/.claude/skills/qianwen-update-check/scripts/check_update.py",
            "--print-response"
        ]
    );
    assert!(
        checker.shown.starts_with("/usr/bin/python3 /home/u/"),
        "{}",
        checker.shown
    );
    assert_eq!(
        report.skill.as_deref(),
        Some("/home/u/.claude/skills/qianwen-update-check")
    );
    assert!(report.save.is_none());
    let mut forced = input(Some(found), None, None);
    forced.force = true;
    let UpdateState::Installed(checker) = check(&forced).state else {
        panic!()
    };
    assert_eq!(checker.args.last().map(String::as_str), Some("--force"));
}

#[test]
fn an_answer_with_the_skill_installed_records_nothing() {
    let found = "/home/u/.claude/skills/qianwen-update-check/SKILL.md";
    let report = check(&input(Some(found), None, Some(UpdateAnswer::Never)));
    assert!(report.save.is_none());
    assert!(report.warnings[0].contains("installed"));
}

#[test]
fn missing_asks_exactly_three_choices_and_runs_nothing() {
    let report = check(&input(None, None, None));
    assert!(
        report
            .message
            .starts_with("The update-check skill is not installed.")
    );
    let UpdateState::Asked(choices) = &report.state else {
        panic!("{:?}", report.state)
    };
    let answers: Vec<_> = choices.iter().map(|c| (c.number, c.answer)).collect();
    assert_eq!(
        answers,
        [
            (1, UpdateAnswer::Install),
            (2, UpdateAnswer::Skip),
            (3, UpdateAnswer::Never)
        ]
    );
    assert_eq!(
        choices[0].command.as_ref().map(|c| c.shown.as_str()),
        Some("/usr/local/bin/npx skills add QianWen-AI/qianwen-ai --skill qianwen-update-check -y")
    );
    assert!(
        choices[0]
            .label
            .contains("(npx skills add QianWen-AI/qianwen-ai --skill"),
        "the original skill's words: {}",
        choices[0].label
    );
    assert!(choices[1].command.is_none() && choices[2].command.is_none());
    assert!(report.save.is_none());
}

/// A program that cannot be run is named with why; its command keeps the bare name.
#[test]
fn a_program_that_cannot_be_run_says_why() {
    let mut missing = input(Some("/s/qianwen-update-check/SKILL.md"), None, None);
    missing.programs[0].found = Err("it is not on PATH (outside the repository)".into());
    let report = check(&missing);
    let UpdateState::Installed(checker) = &report.state else {
        panic!("{:?}", report.state)
    };
    assert_eq!(checker.program, "python3");
    assert_eq!(
        report.warnings,
        ["python3 cannot be run: it is not on PATH (outside the repository)"]
    );
}

/// Candidates the caller did not use are named, with why.
#[test]
fn skipped_candidates_are_named() {
    let mut skipped = input(None, None, None);
    skipped.skipped.push(SkippedSkill {
        path: "/shared/qianwen-update-check/SKILL.md".into(),
        why: "/shared can be changed by all users (mode 777)".into(),
    });
    let report = check(&skipped);
    assert_eq!(report.warnings.len(), 1);
    assert!(
        report.warnings[0].starts_with(
            "/shared/qianwen-update-check/SKILL.md was not used: /shared can be changed by all users"
        ),
        "{}",
        report.warnings[0]
    );
}

#[test]
fn install_and_skip_dismiss_for_a_day() {
    for answer in [UpdateAnswer::Install, UpdateAnswer::Skip] {
        let report = check(&input(None, None, Some(answer)));
        assert_eq!(
            report.reminder,
            Reminder::Dismissed(NOW + DISMISSAL_SECONDS)
        );
        assert_eq!(saved(&report, 1), report.reminder);
        assert_eq!(saved(&report, DISMISSAL_SECONDS), Reminder::Due);
        let UpdateState::Answered((given, command)) = &report.state else {
            panic!()
        };
        assert_eq!(*given, answer);
        assert_eq!(command.is_some(), answer == UpdateAnswer::Install);
    }
    let install = check(&input(None, None, Some(UpdateAnswer::Install)));
    assert!(
        install
            .message
            .contains("; once it has succeeded, the reminder is dismissed until"),
        "{}",
        install.message
    );
}

#[test]
fn a_dismissal_is_quiet_for_24_hours_then_asks_again() {
    let state = write_state(Reminder::Dismissed(NOW + 3600));
    let report = check(&input(None, Some(&state), None));
    assert_eq!(report.state, UpdateState::Quiet);
    assert!(report.message.contains("24 hours"), "{}", report.message);
    let mut later = input(None, Some(&state), None);
    later.now = NOW + 3600;
    assert!(matches!(check(&later).state, UpdateState::Asked(_)));
}

#[test]
fn never_is_honoured_and_never_weakened() {
    let report = check(&input(None, None, Some(UpdateAnswer::Never)));
    assert_eq!(report.reminder, Reminder::Never);
    let state = report.save.unwrap();
    let quiet = check(&input(None, Some(&state), None));
    assert_eq!(quiet.state, UpdateState::Quiet);
    assert!(quiet.message.contains("never"));
    for answer in [UpdateAnswer::Install, UpdateAnswer::Skip] {
        let report = check(&input(None, Some(&state), Some(answer)));
        assert_eq!(report.reminder, Reminder::Never);
        assert!(report.save.is_none(), "{answer:?} must not replace never");
        // The words say what stays, never "skipped" beside "not reminded again".
        assert!(!report.message.starts_with("Skipped"), "{}", report.message);
    }
    let skipped = check(&input(None, Some(&state), Some(UpdateAnswer::Skip)));
    assert_eq!(
        skipped.message,
        "Nothing to skip: you asked never to be reminded, and that stays."
    );
    // Nothing runs without --run, so the advice to install names it.
    assert!(
        quiet
            .next_steps
            .iter()
            .any(|s| s.contains("--answer 1 --run` installs")),
        "{:?}",
        quiet.next_steps
    );
    // A year on, still never.
    let mut later = input(None, Some(&state), None);
    later.now = NOW + 365 * DISMISSAL_SECONDS;
    assert_eq!(check(&later).state, UpdateState::Quiet);
}

#[test]
fn a_state_file_not_understood_is_ignored_without_repeating_it() {
    let hostile = [
        "sk-FAKE_Zq8vX3mKw9Tj_Rp4Hs7Lc2Nb_a1b2".to_string(),
        "never\nnever".into(),
        "dismissed-until soon".into(),
        format!("dismissed-until {}", NOW + 10 * DISMISSAL_SECONDS),
        String::new(),
    ];
    for text in &hostile {
        let report = check(&input(None, Some(text), None));
        assert!(matches!(report.state, UpdateState::Asked(_)), "{text:?}");
        assert_eq!(report.warnings.len(), 1, "{text:?}");
        assert!(!report.warnings[0].contains("Zq8vX3mK"));
    }
    let binary = UpdateInput {
        state_file: Some(vec![0xff, 0xfe]),
        ..input(None, None, None)
    };
    assert_eq!(check(&binary).warnings.len(), 1);
}

#[test]
fn commands_are_shown_as_typed_and_quoted_where_needed() {
    let command = command(
        "python3".into(),
        vec![
            "/my skills/it's/check_update.py".into(),
            "--print-response".into(),
        ],
    );
    assert_eq!(
        command.shown,
        r"python3 '/my skills/it'\''s/check_update.py' --print-response"
    );
}

#[test]
fn paths_join_without_doubled_separators() {
    assert_eq!(join("/", "skills"), "/skills");
    assert_eq!(join("/r", "skills"), "/r/skills");
    assert_eq!(join(r"C:\", "skills"), r"C:\skills");
}
