//! Where the shared register is and how to reach it: its address parsed from a
//! `postgres://` URL (the password kept apart, never in a message), and TLS.

use std::str::FromStr;
use std::time::Duration;

/// How long connecting may take.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the shared register is, and how to reach it.
#[derive(Clone)]
pub struct PgConfig {
    pub(super) config: tokio_postgres::Config,
    /// A CA file for a server whose certificate no public root signs (Supabase, RDS).
    root_cert: Option<std::path::PathBuf>,
    pub(super) tls: bool,
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.write_str(&self.describe())
    }
}

impl PgConfig {
    /// Reads a `postgres://` URL. `sslmode=disable` is honoured only for a server on this
    /// machine; any other host is reached over TLS. `sslrootcert=PATH` adds a CA.
    pub fn parse(url: &str) -> std::result::Result<PgConfig, String> {
        let mut root_cert = None;
        let mut sslmode = None;
        let cleaned = match url::Url::parse(url) {
            Ok(mut u) if u.scheme() == "postgres" || u.scheme() == "postgresql" => {
                let kept: Vec<(String, String)> = u
                    .query_pairs()
                    .filter_map(|(k, v)| match &*k {
                        "sslrootcert" => {
                            root_cert = Some(std::path::PathBuf::from(&*v));
                            None
                        }
                        "sslmode" => {
                            sslmode = Some(v.to_string());
                            None
                        }
                        _ => Some((k.to_string(), v.to_string())),
                    })
                    .collect();
                u.set_query(None);
                if !kept.is_empty() {
                    u.query_pairs_mut().extend_pairs(kept);
                }
                u.to_string()
            }
            _ => return Err("ange en adress som börjar med postgres://".into()),
        };
        let mut config = tokio_postgres::Config::from_str(&cleaned).map_err(|e| e.to_string())?;
        config.connect_timeout(CONNECT_TIMEOUT);
        // A network that drops without a word is noticed within about 20 s, not the system's
        // two hours: the connection is then made again.
        config.keepalives_idle(Duration::from_secs(10));
        config.keepalives_interval(Duration::from_secs(3));
        config.keepalives_retries(3);
        config.tcp_user_timeout(Duration::from_secs(20));
        if config.get_dbname().is_none() {
            config.dbname("postgres");
        }
        let local = config.get_hosts().iter().all(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => {
                matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]")
            }
            #[cfg(unix)]
            tokio_postgres::config::Host::Unix(_) => true,
        });
        let tls = match sslmode.as_deref() {
            Some("disable") if local => false,
            Some("disable") => {
                return Err("sslmode=disable gäller bara en server på den här datorn; en annan server nås alltid med TLS".into())
            }
            Some("require" | "verify-ca" | "verify-full") => true,
            Some("prefer" | "allow") | None => !local,
            Some(other) => return Err(format!("okänt sslmode: {other}")),
        };
        Ok(PgConfig {
            config,
            root_cert,
            tls,
        })
    }

    /// The password, when it is kept apart from the URL (in the OS keyring).
    pub fn set_password(&mut self, password: &str) {
        self.config.password(password);
    }

    pub fn has_password(&self) -> bool {
        self.config.get_password().is_some()
    }

    /// The password the URL carried (decoded), to be moved to the keyring.
    pub(crate) fn password(&self) -> Option<String> {
        self.config
            .get_password()
            .and_then(|p| std::str::from_utf8(p).ok())
            .map(str::to_string)
    }

    /// `user@host:port/db` — what a person recognises; never the password.
    pub fn describe(&self) -> String {
        let host = self
            .config
            .get_hosts()
            .first()
            .map(|h| match h {
                tokio_postgres::config::Host::Tcp(n) => n.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_default();
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        format!(
            "{}@{host}:{port}/{}",
            self.config.get_user().unwrap_or("?"),
            self.config.get_dbname().unwrap_or("postgres")
        )
    }

    /// The login: on a register with a login per person, the person.
    pub fn user(&self) -> Option<&str> {
        self.config.get_user()
    }

    pub fn tls(&self) -> bool {
        self.tls
    }

    pub(super) fn tls_connector(
        &self,
    ) -> std::result::Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        if let Some(path) = &self.root_cert {
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            for cert in certs {
                roots
                    .add(cert.map_err(|e| format!("{}: {e}", path.display()))?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}
