//! Custom domains on a Vercel project (addProjectDomain, getProjectDomain(s),
//! verifyProjectDomain, removeProjectDomain, getDomainConfig), read leniently: a field that is
//! absent, `null` or of another type is empty, never a failed run.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{project_segment, Vercel, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// A custom domain of a project, as addProjectDomain, getProjectDomain(s) and
/// verifyProjectDomain answer it. Read leniently: a field that is absent, `null` or of another
/// type reads as empty (`""`, `None`, `false`, no challenge), never as a failed answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ProjectDomain {
    #[serde(default, deserialize_with = "lenient")]
    pub name: String,
    /// The registrable domain (`kund.se` for `www.kund.se`); the TXT challenge sits under it.
    #[serde(rename = "apexName", default, deserialize_with = "lenient")]
    pub apex_name: String,
    #[serde(rename = "projectId", default, deserialize_with = "lenient")]
    pub project_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub redirect: Option<String>,
    #[serde(
        rename = "redirectStatusCode",
        default,
        deserialize_with = "lenient_number"
    )]
    pub redirect_status_code: Option<u16>,
    #[serde(rename = "gitBranch", default, deserialize_with = "lenient")]
    pub git_branch: Option<String>,
    #[serde(rename = "customEnvironmentId", default, deserialize_with = "lenient")]
    pub custom_environment_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(rename = "createdAt", default, deserialize_with = "lenient_number")]
    pub created_at: Option<i64>,
    #[serde(rename = "updatedAt", default, deserialize_with = "lenient_number")]
    pub updated_at: Option<i64>,
    /// Verified for use on the project. Until then Vercel does not serve it, and
    /// `verification` says what the customer's DNS must carry.
    #[serde(default, deserialize_with = "lenient")]
    pub verified: bool,
    #[serde(default, deserialize_with = "lenient_list")]
    pub verification: Vec<DomainChallenge>,
}

/// One way to verify a domain: for `TXT`, a TXT record at `domain` with the text `value`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct DomainChallenge {
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient")]
    pub domain: String,
    #[serde(default, deserialize_with = "lenient")]
    pub value: String,
    #[serde(default, deserialize_with = "lenient")]
    pub reason: String,
}

/// How a domain's DNS looks to Vercel (getDomainConfig): the records to ask the customer
/// for, and whether they are in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainConfig {
    /// Not (yet) configured so that Vercel serves it with a certificate. An answer without
    /// the field counts as misconfigured.
    pub misconfigured: bool,
    /// The preferred (rank 1) addresses for an A record, e.g. `76.76.21.21`.
    pub recommended_ipv4: Vec<String>,
    /// The preferred (rank 1) target for a CNAME record, e.g. `cname.vercel-dns.com.`.
    pub recommended_cname: Option<String>,
    /// How Vercel sees the domain reach it (`CNAME`, `A`, `http`, `dns-01`); `None` = not at all.
    pub configured_by: Option<String>,
    /// Certificate challenges the domain can use (`dns-01`, `http-01`).
    pub accepted_challenges: Vec<String>,
}

impl DomainConfig {
    /// Reads any JSON leniently: what is missing or mistyped is empty.
    pub fn read(v: &Value) -> DomainConfig {
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect(),
                _ => vec![],
            }
        };
        // The entries of the best rank present (rank 1 normally); an entry without one is last.
        let preferred = |v: &Value| -> Vec<String> {
            let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
            let rank = |i: &Value| i["rank"].as_f64().unwrap_or(f64::MAX);
            let best = items.iter().map(rank).fold(f64::MAX, f64::min);
            let mut out: Vec<String> = Vec::new();
            for value in items
                .iter()
                .filter(|i| rank(i) == best)
                .flat_map(|i| strings(&i["value"]))
            {
                if !value.trim().is_empty() && !out.contains(&value) {
                    out.push(value);
                }
            }
            out
        };
        DomainConfig {
            misconfigured: v["misconfigured"].as_bool().unwrap_or(true),
            recommended_ipv4: preferred(&v["recommendedIPv4"]),
            recommended_cname: preferred(&v["recommendedCNAME"]).into_iter().next(),
            configured_by: v["configuredBy"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(String::from),
            accepted_challenges: strings(&v["acceptedChallenges"]),
        }
    }
}

impl<'de> Deserialize<'de> for DomainConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(DomainConfig::read(&Value::deserialize(d)?))
    }
}

/// Any JSON value as `T`, or `T`'s default when it is `null` or of another type.
fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    Ok(serde_json::from_value(Value::deserialize(d)?).unwrap_or_default())
}

/// A whole number (also written `307.0`) that fits `T`; else `None`.
fn lenient_number<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    let v = Value::deserialize(d)?;
    let n = v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    });
    Ok(n.and_then(|n| T::try_from(n).ok()))
}

/// A list whose items are read one by one; an item that cannot be read is left out, and
/// anything but a list is an empty one.
fn lenient_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|i| serde_json::from_value(i).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A domain name as Vercel takes it: trimmed, lower-case, without a trailing dot. Checked here
/// because it becomes part of a URL path: nothing but a host name may get there (a `..`
/// would turn `DELETE …/domains/..` into a request on the project itself).
pub fn domain_name(name: &str) -> Result<String, ProviderError> {
    crate::customer::host_name(name).ok_or_else(|| {
        ProviderError::new(
            P,
            ErrorKind::Invalid,
            format!("\"{}\" is not a domain name", name.trim()),
        )
    })
}

/// One page of getProjectDomains: `{domains, pagination: {next}}`.
#[derive(Deserialize)]
struct DomainPage {
    #[serde(default, deserialize_with = "lenient_list")]
    domains: Vec<ProjectDomain>,
    #[serde(default)]
    pagination: Value,
}

/// Pages getProjectDomains is followed for at most (100 domains each).
const MAX_DOMAIN_PAGES: usize = 50;

impl Vercel {
    /// Adds a custom domain to the project (addProjectDomain). A new domain normally comes
    /// back unverified, with the TXT challenge the customer's DNS must carry. When Vercel
    /// refuses because the domain is already in use, and it is this project that has it (an
    /// add tried again after its answer was lost), that domain is the answer; on another
    /// project it stays the refusal (409, `ErrorKind::Conflict`).
    pub async fn add_domain(
        &self,
        project_id: &str,
        name: &str,
    ) -> Result<ProjectDomain, ProviderError> {
        let (project, name) = (project_segment(project_id)?, domain_name(name)?);
        let req = self
            .req(Method::POST, &format!("/v10/projects/{project}/domains"))
            .json(&json!({ "name": name }));
        match http::send(P, req).await {
            Ok(r) => http::json(P, r).await,
            Err(e)
                if e.status == Some(409)
                    || (e.status == Some(400)
                        && e.code.as_deref() == Some("domain_already_in_use")) =>
            {
                match self.project_domain(project_id, &name).await? {
                    Some(d) => Ok(d),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// One custom domain of the project (getProjectDomain); `None` when the project does not
    /// have it.
    pub async fn project_domain(
        &self,
        project_id: &str,
        name: &str,
    ) -> Result<Option<ProjectDomain>, ProviderError> {
        let (project, name) = (project_segment(project_id)?, domain_name(name)?);
        let req = self.req(
            Method::GET,
            &format!("/v9/projects/{project}/domains/{name}"),
        );
        match http::send(P, req).await {
            Ok(r) => http::json(P, r).await.map(Some),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every domain of the project (getProjectDomains), following the pages
    /// (`pagination.next` as `until`).
    pub async fn project_domains(
        &self,
        project_id: &str,
    ) -> Result<Vec<ProjectDomain>, ProviderError> {
        let path = format!("/v9/projects/{}/domains", project_segment(project_id)?);
        let mut all: Vec<ProjectDomain> = Vec::new();
        let mut until: Option<i64> = None;
        for _ in 0..MAX_DOMAIN_PAGES {
            let mut req = self.req(Method::GET, &path).query(&[("limit", "100")]);
            if let Some(u) = until {
                req = req.query(&[("until", u.to_string())]);
            }
            let page: DomainPage = http::json(P, http::send(P, req).await?).await?;
            let empty = page.domains.is_empty();
            for d in page.domains {
                if !all.iter().any(|x| x.name == d.name) {
                    all.push(d);
                }
            }
            match super::next_until(&page.pagination, empty, until) {
                Some(n) => until = Some(n),
                None => break,
            }
        }
        Ok(all)
    }

    /// Asks Vercel to check the domain's challenge (verifyProjectDomain). Verified, the domain
    /// comes back `verified`. While the customer's TXT record is not (yet) right Vercel refuses
    /// with a 400; that is not a failure but "not yet", so the domain comes back as it stands,
    /// unverified, with its challenge. Other refusals are errors.
    pub async fn verify_domain(
        &self,
        project_id: &str,
        name: &str,
    ) -> Result<ProjectDomain, ProviderError> {
        let (project, name) = (project_segment(project_id)?, domain_name(name)?);
        let req = self.req(
            Method::POST,
            &format!("/v9/projects/{project}/domains/{name}/verify"),
        );
        match http::send(P, req).await {
            Ok(r) => http::json(P, r).await,
            Err(e) if e.status == Some(400) && challenge_unmet(&e) => {
                match self.project_domain(project_id, &name).await? {
                    Some(d) => Ok(d),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Removes the domain from the project (removeProjectDomain). A domain the project does
    /// not have (any more) counts as removed.
    pub async fn remove_domain(&self, project_id: &str, name: &str) -> Result<(), ProviderError> {
        let (project, name) = (project_segment(project_id)?, domain_name(name)?);
        let req = self.req(
            Method::DELETE,
            &format!("/v9/projects/{project}/domains/{name}"),
        );
        match http::send(P, req).await {
            Ok(_) => Ok(()),
            Err(e) if e.kind == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// How the domain's DNS looks to Vercel (getDomainConfig): the records to ask for and
    /// whether they are in place.
    pub async fn domain_config(&self, name: &str) -> Result<DomainConfig, ProviderError> {
        let name = domain_name(name)?;
        let req = self.req(Method::GET, &format!("/v6/domains/{name}/config"));
        http::json(P, http::send(P, req).await?).await
    }
}

/// Whether a 400 from verifyProjectDomain says the TXT challenge is not met (yet): missing,
/// not matching, or verifying the domain for another project. Vercel's codes are not
/// documented; `missing_txt_record` is the one seen, the words decide the rest.
fn challenge_unmet(e: &ProviderError) -> bool {
    let code = e.code.as_deref().unwrap_or("").to_ascii_lowercase();
    code.contains("txt") || e.message.to_ascii_lowercase().contains("txt record")
}

#[cfg(test)]
mod domain_tests {
    use super::{domain_name, DomainConfig, ProjectDomain, Vercel};
    use crate::providers::site::Site;
    use crate::providers::ErrorKind;
    use crate::secrets::Secret;
    use serde_json::{json, Value};
    use std::time::Duration;

    /// Whatever Vercel leaves out, sends as `null` or types otherwise, a domain answer and a
    /// domain config are read (never refused, never a panic); rank 1 is what is recommended.
    #[test]
    fn domain_answers_are_read_leniently() {
        let d: ProjectDomain = serde_json::from_value(json!({
            "name": "www.kund.se", "apexName": null, "verified": "yes", "createdAt": 1.7e12,
            "redirectStatusCode": 308.0, "gitBranch": 7,
            "verification": [{"type": "TXT", "domain": "_vercel.kund.se", "value": "v", "reason": null}, 5, null]
        }))
        .unwrap();
        assert_eq!(
            (
                d.name.as_str(),
                d.apex_name.as_str(),
                d.verified,
                d.git_branch
            ),
            ("www.kund.se", "", false, None)
        );
        assert_eq!(
            (d.created_at, d.redirect_status_code),
            (Some(1_700_000_000_000), Some(308))
        );
        assert_eq!(d.verification.len(), 1);
        assert_eq!(
            (
                d.verification[0].kind.as_str(),
                d.verification[0].reason.as_str()
            ),
            ("TXT", "")
        );
        assert_eq!(
            serde_json::from_value::<ProjectDomain>(json!({})).unwrap(),
            ProjectDomain::default()
        );

        let c: DomainConfig = serde_json::from_value(json!({
            "misconfigured": false, "configuredBy": "A", "acceptedChallenges": ["http-01", 3],
            "recommendedIPv4": [{"rank": 2, "value": ["198.51.100.1"]}, {"rank": 1, "value": ["76.76.21.21", "76.76.21.21"]}],
            "recommendedCNAME": [{"rank": 1, "value": "cname.vercel-dns.com."}, {"rank": 2, "value": "x.vercel-dns.com."}]
        }))
        .unwrap();
        assert_eq!(
            c,
            DomainConfig {
                misconfigured: false,
                recommended_ipv4: vec!["76.76.21.21".into()],
                recommended_cname: Some("cname.vercel-dns.com.".into()),
                configured_by: Some("A".into()),
                accepted_challenges: vec!["http-01".into()],
            }
        );
        for nothing in [
            json!({}),
            json!(null),
            json!([1]),
            json!({"misconfigured": null, "recommendedIPv4": "x", "recommendedCNAME": [{"value": null}]}),
        ] {
            let c: DomainConfig = serde_json::from_value(nothing).unwrap();
            assert!(c.misconfigured, "unknown is not configured");
            assert_eq!((c.recommended_cname, c.configured_by), (None, None));
        }
    }

    /// Only a host name reaches the URL path.
    #[test]
    fn domain_names_are_normalised_or_refused() {
        assert_eq!(domain_name(" WWW.Kund.se. ").unwrap(), "www.kund.se");
        for bad in [
            "",
            "..",
            "kund",
            "a/../b.se",
            "kund..se",
            "x.se?teamId=t",
            "-a.se",
            "a b.se",
        ] {
            assert_eq!(
                domain_name(bad).unwrap_err().kind,
                ErrorKind::Invalid,
                "{bad}"
            );
        }
    }

    /// Against the simulator: a customer's domain is added (unverified, with its TXT
    /// challenge), its records read from the config, verification refused until the DNS is
    /// in place, then verified, served as production, and removed again.
    #[tokio::test]
    async fn a_custom_domain_is_added_verified_and_removed() {
        crate::providers::install_crypto_provider();
        let sim = fabrik_sim::start(fabrik_sim::SimConfig::default())
            .await
            .expect("simulator");
        let team = sim.seed().vercel_team_id.clone();
        let v = Vercel::new(
            &sim.vercel_api_url(),
            Secret::new(fabrik_sim::DEFAULT_TOKEN),
            Some(team),
            Duration::from_secs(10),
        );
        let marker = [
            json!({"key": "FABRIK_MANAGED", "value": "1", "type": "plain", "target": ["production"]}),
        ];
        let template = "fabrik-agency/saas-template";
        let p = v.create_project("kund-ab", template, "nextjs", &marker);
        let p = p.await.unwrap();
        let repo_id = p.link.as_ref().and_then(|l| l.repo_id.as_ref());
        let repo_id = repo_id
            .and_then(|v| v.as_u64())
            .expect("a linked repository");
        v.create_deployment((&p.id, &p.name), repo_id, "main")
            .await
            .unwrap();

        let d = v.add_domain(&p.id, " WWW.Kund.se ").await.unwrap();
        assert_eq!(
            (
                d.name.as_str(),
                d.apex_name.as_str(),
                d.project_id.as_str(),
                d.verified
            ),
            ("www.kund.se", "kund.se", p.id.as_str(), false)
        );
        let challenge = &d.verification[0];
        assert_eq!(
            (challenge.kind.as_str(), challenge.domain.as_str()),
            ("TXT", "_vercel.kund.se")
        );
        assert!(
            challenge.value.starts_with("vc-domain-verify=www.kund.se,"),
            "{challenge:?}"
        );
        assert_eq!(
            v.add_domain(&p.id, "www.kund.se").await.unwrap(),
            d,
            "adding it again (a lost answer) gives the domain it already is"
        );
        assert_eq!(
            v.project_domain(&p.id, "www.kund.se").await.unwrap(),
            Some(d.clone())
        );
        assert_eq!(
            v.project_domain(&p.id, "annan.kund.se").await.unwrap(),
            None
        );
        let all = v.project_domains(&p.id).await.unwrap();
        assert_eq!(
            all.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            ["www.kund.se"]
        );

        let config = v.domain_config("www.kund.se").await.unwrap();
        assert_eq!(
            config,
            DomainConfig {
                misconfigured: true,
                recommended_ipv4: vec![],
                recommended_cname: Some("cname.vercel-dns.com.".into()),
                configured_by: None,
                accepted_challenges: vec![],
            }
        );
        v.add_domain(&p.id, "kund.se").await.unwrap();
        let apex = v.domain_config("kund.se").await.unwrap();
        assert_eq!(
            (apex.recommended_ipv4, apex.recommended_cname),
            (vec!["76.76.21.21".to_string()], None)
        );

        // Refused while the TXT record is missing: "not yet", the domain as it stands.
        let pending = v.verify_domain(&p.id, "www.kund.se").await.unwrap();
        assert!(!pending.verified);
        assert_eq!(pending.verification, d.verification);
        let log: Value = reqwest::get(format!("{}/__sim/requests", sim.base_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let refused = log["requests"].as_array().unwrap().iter().any(|r| {
            r["path"]
                .as_str()
                .unwrap_or("")
                .ends_with("/domains/www.kund.se/verify")
                && r["status"] == 400
        });
        assert!(refused, "the simulator refused the verification");

        // The customer sets the records.
        let r = reqwest::Client::new()
            .post(format!(
                "{}/__sim/vercel/domains/www.kund.se/verifiable",
                sim.base_url()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let verified = v.verify_domain(&p.id, "www.kund.se").await.unwrap();
        assert!(
            verified.verified && verified.verification.is_empty(),
            "{verified:?}"
        );
        let config = v.domain_config("www.kund.se").await.unwrap();
        assert_eq!(
            (config.misconfigured, config.configured_by.as_deref()),
            (false, Some("CNAME"))
        );

        // Production answers on it, and names it as its domain.
        let site = Site::new(&sim.vercel_site_url_template(), Duration::from_secs(10));
        assert_eq!(site.visit("www.kund.se").await.unwrap(), 200);
        let project = v.project(&p.id).await.unwrap().unwrap();
        let production = v
            .deployment(project.production_deployment().unwrap())
            .await
            .unwrap();
        assert_eq!(
            production.production_domain().as_deref(),
            Some("www.kund.se")
        );

        // Removed: gone, no longer served; removing again is no error.
        v.remove_domain(&p.id, "www.kund.se").await.unwrap();
        assert_eq!(v.project_domain(&p.id, "www.kund.se").await.unwrap(), None);
        assert_eq!(site.visit("www.kund.se").await.unwrap(), 404);
        v.remove_domain(&p.id, "www.kund.se").await.unwrap();
        let names: Vec<String> = v
            .project_domains(&p.id)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names, ["kund.se"]);

        // Someone else's project has a domain: a conflict, never adopted.
        let other = v.create_project("annan", template, "nextjs", &marker);
        let other = other.await.unwrap();
        let taken = v.add_domain(&other.id, "kund.se").await.unwrap_err();
        assert_eq!((taken.kind, taken.status), (ErrorKind::Conflict, Some(409)));
        assert_eq!(
            v.add_domain(&p.id, "inte en domän").await.unwrap_err().kind,
            ErrorKind::Invalid
        );
        sim.shutdown().await;
    }
}
