//! What an error answer names, in either of DashScope's shapes (docs/behaviour.md#verification):
//! compatible mode `{"error":{"message","type","param","code"},"request_id"}` and native mode
//! `{"code","message","request_id"}`. Workspace hosts put the ids inside `error` too.

use serde_json::Value;

/// The parts of an error answer that decide its judgement.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// The error code; where the server sends `"code": null`, its error `type` instead.
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

/// Codes and ids are taken only when they look like codes and ids: short, plain characters.
pub fn of(v: &Value) -> Fields {
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let plain = |v: Option<&Value>| {
        text(v).filter(|s| {
            s.len() <= 80
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
    };
    let error = v.get("error");
    let inner = |name: &str| error.and_then(|e| e.get(name));
    let code = plain(inner("code"))
        .or_else(|| plain(v.get("code")))
        .or_else(|| plain(inner("type")));
    let message = text(inner("message")).or_else(|| text(v.get("message")));
    let request_id = ["request_id", "id"]
        .iter()
        .find_map(|name| plain(v.get(*name)).or_else(|| plain(inner(name))));
    Fields {
        code,
        message,
        request_id,
    }
}

/// The server's message as a short quotation: one line, without control characters, links
/// (messages end in "For details, see: <URL>", and only the link table's URLs are printed) or
/// more than `max` characters.
pub fn quotation(message: &str, max: usize) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let end = ["for details, see", "see: http", "http://", "https://"]
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min()
        .unwrap_or(message.len());
    // `end` was found in an ASCII-lowered copy of the same bytes, so it is a char boundary.
    let words: Vec<&str> = message[..end]
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let line = words.join(" ");
    let line = line.trim_end_matches([' ', ':', ',', ';']);
    if line.is_empty() {
        return None;
    }
    let mut cut: String = line.chars().take(max).collect();
    if cut.len() < line.len() {
        cut.push('…');
    }
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Fields {
        of(&serde_json::from_str(body).unwrap())
    }

    #[test]
    fn both_shapes_and_the_ids_where_workspace_hosts_put_them() {
        let f = fields(
            r#"{"error":{"message":"m","type":"invalid_request_error","code":"invalid_api_key"},"request_id":"r-1"}"#,
        );
        assert_eq!(f.code.as_deref(), Some("invalid_api_key"));
        assert_eq!(f.request_id.as_deref(), Some("r-1"));
        let f = fields(r#"{"code":"Arrearage","message":"m","request_id":"r-2"}"#);
        assert_eq!(f.code.as_deref(), Some("Arrearage"));
        assert_eq!(f.request_id.as_deref(), Some("r-2"));
        let f = fields(r#"{"error":{"code":"x","id":"chatcmpl-3","request_id":"r-3"}}"#);
        assert_eq!(f.request_id.as_deref(), Some("r-3"));
        let f = fields(r#"{"error":{"code":"x","id":"chatcmpl-4"}}"#);
        assert_eq!(f.request_id.as_deref(), Some("chatcmpl-4"));
        // The top level's request id beats the completion id.
        let f = fields(r#"{"error":{"code":"x"},"id":"chatcmpl-5","request_id":"r-5"}"#);
        assert_eq!(f.request_id.as_deref(), Some("r-5"));
    }

    #[test]
    fn the_type_stands_in_for_a_null_code_only() {
        let f = fields(r#"{"error":{"message":"m","type":"model_not_found","code":null}}"#);
        assert_eq!(f.code.as_deref(), Some("model_not_found"));
        let f = fields(
            r#"{"error":{"type":"invalid_request_error","code":"invalid_parameter_error"}}"#,
        );
        assert_eq!(f.code.as_deref(), Some("invalid_parameter_error"));
        let f = fields(r#"{"error":{"type":"a b <c>","code":null}}"#);
        assert_eq!(f.code, None);
    }

    #[test]
    fn a_quotation_is_one_clean_line_without_links() {
        let q = |m: &str| quotation(m, 40);
        assert_eq!(
            q(
                "Input data may contain inappropriate content. For details, see: https://help.aliyun.com/x#y"
            ),
            Some("Input data may contain inappropriate con…".into())
        );
        assert_eq!(
            quotation(
                "Incorrect API key provided. For details, see: https://x",
                200
            ),
            Some("Incorrect API key provided.".into())
        );
        assert_eq!(
            quotation("bad\u{1b}[31m\nvalue\tthere see http://evil.example/", 200),
            Some("bad [31m value there see".into())
        );
        assert_eq!(quotation("https://only.example/a link", 200), None);
        assert_eq!(quotation(" \n ", 200), None);
        assert_eq!(
            quotation("参数错误：模型不存在", 4),
            Some("参数错误…".into())
        );
    }
}
