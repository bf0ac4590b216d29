//! docs/behaviour.md#oss, custom OSS upload storage, as status only: which variables are set, which
//! AccessKey pair is in use, and what is missing. Values are never reported; the AccessKey id
//! only masked.

use crate::chain::{self, Level};
use crate::keys;
use crate::wit::types::{OssReport, VariableState, Warning, WarningCode};

pub use qianwen_auth_facts::variables::oss::{ALL, BUCKET, PAIRS, REGION, URL_EXPIRES};

/// The OSS settings on the chain, what is missing, and which AccessKey pair is in use.
pub fn report(levels: &[Level]) -> OssReport {
    let set = |name: &str| chain::setting(levels, name);
    let variables = ALL
        .into_iter()
        .map(|name| {
            let found = set(name);
            VariableState {
                name: name.to_string(),
                set: found.is_some(),
                source: found.map(|(level, _)| level.source),
            }
        })
        .collect();

    let complete = PAIRS
        .iter()
        .find(|pair| set(pair.id).is_some() && set(pair.secret).is_some());
    let enabled = set(BUCKET).is_some();
    let problems = problems(levels, enabled, complete.is_some());
    let summary = if enabled {
        "uploads go to your own OSS bucket".to_string()
    } else {
        "no custom bucket: uploads use DashScope's temporary storage (files expire after 48 \
         hours; upload policy limited to 100 QPS), which is not for production"
            .to_string()
    };
    OssReport {
        enabled,
        credentials: complete.map(|pair| pair.label.to_string()),
        access_key_id: complete
            .and_then(|pair| set(pair.id))
            .and_then(|(_, value)| keys::mask(keys::normalize(value))),
        variables,
        problems,
        summary,
    }
}

/// What is missing or wrong in the OSS settings: half pairs, a bucket without its region or
/// credentials, settings without a bucket, a bad expiry.
fn problems(levels: &[Level], enabled: bool, complete: bool) -> Vec<Warning> {
    let set = |name: &str| chain::setting(levels, name);
    let mut problems = Vec::new();
    for pair in PAIRS {
        match (set(pair.id).is_some(), set(pair.secret).is_some()) {
            (true, false) => problems.push(half_pair(pair.id, pair.secret)),
            (false, true) => problems.push(half_pair(pair.secret, pair.id)),
            _ => {}
        }
    }
    if enabled {
        if set(REGION).is_none() {
            problems.push(warning(
                WarningCode::OssRegionMissing,
                format!("{BUCKET} is set, so {REGION} is required, but it is not set"),
            ));
        }
        if !complete {
            problems.push(warning(
                WarningCode::OssCredentialsMissing,
                format!(
                    "{BUCKET} is set, but neither {} + {} nor {} + {} are both set",
                    PAIRS[0].id, PAIRS[0].secret, PAIRS[1].id, PAIRS[1].secret
                ),
            ));
        }
    } else if complete || set(REGION).is_some() {
        problems.push(warning(
            WarningCode::OssBucketMissing,
            format!("OSS variables are set but {BUCKET} is not, so they are not used"),
        ));
    }
    if let Some((_, value)) = set(URL_EXPIRES)
        && !value.parse::<u64>().is_ok_and(|s| s > 0)
    {
        problems.push(warning(
            WarningCode::OssUrlExpiresInvalid,
            format!("{URL_EXPIRES} is not a positive whole number of seconds"),
        ));
    }
    problems
}

fn half_pair(present: &str, missing: &str) -> Warning {
    warning(
        WarningCode::OssIncompletePair,
        format!("{present} is set but {missing} is not, so this pair is not used"),
    )
}

fn warning(code: WarningCode, message: String) -> Warning {
    Warning { code, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::Named;

    const AK_ID: &str = "LTAI5tSENTINELossid0000";
    const AK_SECRET: &str = "SENTINELossSecret000000000000";

    fn report_for(pairs: &[(&str, &str)]) -> OssReport {
        report(&[Level::env(
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        )])
    }

    fn codes(r: &OssReport) -> Vec<&str> {
        r.problems.iter().map(|p| p.code.name()).collect()
    }

    #[test]
    fn nothing_set_means_temporary_storage() {
        let r = report_for(&[]);
        assert!(!r.enabled);
        assert_eq!(r.credentials, None);
        assert!(r.summary.contains("48 hours"));
        assert!(r.problems.is_empty());
        assert_eq!(r.variables.len(), 9);
        assert!(r.variables.iter().all(|v| !v.set));
    }

    #[test]
    fn bucket_with_region_and_the_qwen_pair() {
        let r = report_for(&[
            (BUCKET, "my-bucket"),
            (REGION, "oss-cn-beijing"),
            ("QWEN_TMP_OSS_AK_ID", AK_ID),
            ("QWEN_TMP_OSS_AK_SECRET", AK_SECRET),
            ("OSS_ACCESS_KEY_ID", "LTAIother00000000000000"),
            ("OSS_ACCESS_KEY_SECRET", "other"),
        ]);
        assert!(r.enabled);
        assert_eq!(r.credentials.as_deref(), Some("QWEN_TMP_OSS_AK"));
        assert_eq!(r.access_key_id.as_deref(), Some("LTAI****************0000"));
        assert!(r.problems.is_empty(), "{:?}", codes(&r));
    }

    #[test]
    fn falls_back_to_the_oss_pair() {
        let r = report_for(&[
            (BUCKET, "b"),
            (REGION, "r"),
            ("QWEN_TMP_OSS_AK_ID", AK_ID),
            ("OSS_ACCESS_KEY_ID", AK_ID),
            ("OSS_ACCESS_KEY_SECRET", AK_SECRET),
        ]);
        assert_eq!(r.credentials.as_deref(), Some("OSS_ACCESS_KEY"));
        assert_eq!(codes(&r), vec!["oss-incomplete-pair"]);
    }

    #[test]
    fn bucket_without_region_or_credentials() {
        let r = report_for(&[(BUCKET, "b")]);
        assert_eq!(
            codes(&r),
            vec!["oss-region-missing", "oss-credentials-missing"]
        );
    }

    #[test]
    fn credentials_without_bucket_and_bad_expiry() {
        let r = report_for(&[
            ("OSS_ACCESS_KEY_ID", AK_ID),
            ("OSS_ACCESS_KEY_SECRET", AK_SECRET),
            (URL_EXPIRES, "soon"),
        ]);
        assert_eq!(
            codes(&r),
            vec!["oss-bucket-missing", "oss-url-expires-invalid"]
        );
    }

    #[test]
    fn nothing_reported_holds_a_secret() {
        let r = report_for(&[
            (BUCKET, "b"),
            ("OSS_ACCESS_KEY_ID", AK_ID),
            ("OSS_ACCESS_KEY_SECRET", AK_SECRET),
        ]);
        let text = format!("{r:?}");
        assert!(!text.contains("SENTINEL"), "the OSS report holds a secret");
    }
}
