//! A deployment's site as a visitor sees it (`https://<name>.vercel.app/` through the simulator):
//! the production alias answers 200, a per-deployment URL behind Deployment Protection 401.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::deployments::production_aliases;
use super::domains;
use super::{production_of, sso_protection};
use crate::errors::with_header;
use crate::state::AppState;
use crate::world::now_ms;

type St = State<Arc<AppState>>;

/// What a visitor's browser gets at `https://{host}/…` (the sandbox's stand-in for the public
/// internet, `/vercel-site/{host}`): a production domain serves the project's production
/// deployment (`production_of`) to anyone, and names it in `x-fabrik-sim-deployment` (the
/// simulator's own header, so a test can tell which build answers); a per-deployment URL answers 401 (Vercel's login page)
/// while the project's Deployment Protection is on; anything else is Vercel's 404. A custom
/// domain answers like the production domain once it is configured (verified, DNS at
/// Vercel); a redirect domain sends the visitor on to its target.
pub async fn site(State(st): St, Path(params): Path<HashMap<String, String>>) -> Response {
    let host = params
        .get("host")
        .cloned()
        .unwrap_or_default()
        .to_lowercase();
    let now = now_ms();
    enum Visit {
        /// The project's name and the deployment that answers.
        Page(String, String),
        Login,
        Missing,
        /// A redirect domain's status and target.
        Redirect(u16, String),
    }
    let visit = st.read(|w| {
        let project = |id: &str| w.vercel.projects.iter().find(|p| p.id == id);
        if let Some(d) = w.vercel.deployments.iter().find(|d| d.url == host) {
            let Some(p) = project(&d.project_id) else {
                return Visit::Missing;
            };
            return match (sso_protection(p), d.ready_state(now)) {
                (Some(_), _) => Visit::Login,
                (None, "READY") => Visit::Page(p.name.clone(), d.id.clone()),
                _ => Visit::Missing,
            };
        }
        let named = match domains::served(w, &host) {
            Some(domains::Served::Redirect(status, target)) => {
                return Visit::Redirect(status, target)
            }
            Some(domains::Served::Project(id)) => project(&id),
            None => w
                .vercel
                .deployments
                .iter()
                .rev()
                .find(|d| production_aliases(d, d.ready_state(now)).contains(&host))
                .and_then(|d| project(&d.project_id)),
        };
        let Some(p) = named else {
            return Visit::Missing;
        };
        match production_of(w, p, now) {
            _ if sso_protection(p).as_deref() == Some("all") => Visit::Login,
            Some(d) => Visit::Page(p.name.clone(), d.id.clone()),
            None => Visit::Missing,
        }
    });
    let html = |status: u16, body: String| {
        let mut r = (
            axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK),
            body,
        )
            .into_response();
        r.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        r
    };
    match visit {
        Visit::Page(name, deployment) => with_header(
            html(
                200,
                format!("<!doctype html><html><head><title>{name}</title></head><body><div id=\"__next\">{name}</div></body></html>"),
            ),
            "x-fabrik-sim-deployment",
            &deployment,
        ),
        Visit::Login => with_header(
            html(
                401,
                "<!doctype html><html><head><title>Authentication Required</title></head><body>Vercel Authentication</body></html>".into(),
            ),
            "x-vercel-protection",
            "sso",
        ),
        Visit::Missing => with_header(
            html(404, "The deployment could not be found on Vercel.\n\nDEPLOYMENT_NOT_FOUND".into()),
            "x-vercel-error",
            "DEPLOYMENT_NOT_FOUND",
        ),
        // To the target as the sandbox visits it (`https://{target}/…` on the internet).
        Visit::Redirect(status, target) => {
            let rest = params.get("rest").map(|r| format!("/{r}")).unwrap_or_default();
            with_header(
                html(status, String::new()),
                "location",
                format!("{}/vercel-site/{target}{rest}", st.base_url),
            )
        }
    }
}
