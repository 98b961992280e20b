//! GitHub as a person at the agency or the customer's: plain REST with a token of their own (so
//! their writes do not spend Fabrik's content-creation budget). The template tests and the
//! template bench use it (the bench by `#[path]`) to change repositories as people do.
#![allow(dead_code)]

use serde_json::{json, Value};

/// Path → file text.
pub type Files = std::collections::BTreeMap<String, String>;

/// The person's GitHub token (the simulator is told to accept it).
pub const PERSON: &str = "person-token-0c4b";

pub struct Person {
    pub api: String,
    pub http: reqwest::Client,
}

impl Person {
    /// `api`: the GitHub API's base URL.
    pub fn new(api: String) -> Person {
        Person {
            api,
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(PERSON)
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "fabrik-test");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let v = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, v)
    }

    /// A 2xx answer's body; anything else fails the caller with what GitHub said.
    pub async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (s, v) = self.call(method.clone(), path, body).await;
        assert!((200..300).contains(&s), "{method} {path}: {s} {v}");
        v
    }

    /// One commit on `branch` whose tree is exactly `files` (all other files removed).
    pub async fn commit_exactly(
        &self,
        repo: &str,
        branch: &str,
        files: &Files,
        message: &str,
    ) -> String {
        let head = self
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{repo}/git/ref/heads/{branch}"),
                None,
            )
            .await["object"]["sha"]
            .as_str()
            .unwrap()
            .to_string();
        let entries: Vec<Value> = files
            .iter()
            .map(|(p, t)| json!({"path": p, "mode": "100644", "type": "blob", "content": t}))
            .collect();
        let tree = self
            .ok(
                reqwest::Method::POST,
                &format!("/repos/{repo}/git/trees"),
                Some(json!({"tree": entries})),
            )
            .await["sha"]
            .as_str()
            .unwrap()
            .to_string();
        let commit = self
            .ok(
                reqwest::Method::POST,
                &format!("/repos/{repo}/git/commits"),
                Some(json!({"message": message, "tree": tree, "parents": [head]})),
            )
            .await["sha"]
            .as_str()
            .unwrap()
            .to_string();
        self.ok(
            reqwest::Method::PATCH,
            &format!("/repos/{repo}/git/refs/heads/{branch}"),
            Some(json!({"sha": commit})),
        )
        .await;
        commit
    }

    /// Every file of a commit, as text.
    pub async fn files_at(&self, repo: &str, commit: &str) -> Files {
        use base64::Engine as _;
        let c = self
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{repo}/git/commits/{commit}"),
                None,
            )
            .await;
        let tree = c["tree"]["sha"].as_str().unwrap();
        let t = self
            .ok(
                reqwest::Method::GET,
                &format!("/repos/{repo}/git/trees/{tree}?recursive=1"),
                None,
            )
            .await;
        let mut out = Files::new();
        for e in t["tree"].as_array().unwrap() {
            if e["type"] != "blob" {
                continue;
            }
            let b = self
                .ok(
                    reqwest::Method::GET,
                    &format!("/repos/{repo}/git/blobs/{}", e["sha"].as_str().unwrap()),
                    None,
                )
                .await;
            let packed: String = b["content"].as_str().unwrap().split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(packed)
                .unwrap();
            out.insert(
                e["path"].as_str().unwrap().to_string(),
                String::from_utf8(bytes).unwrap(),
            );
        }
        out
    }
}
