//! HTTPS against a local server whose certificate comes from a CA the test makes: rejected by
//! default, accepted with that CA added, accepted with verification explicitly turned off, and
//! still rejected for a certificate of another name or another CA.

mod raw_server;

use kanboard::{Error, KanboardClient};
use raw_server::{Script, Server, Stream};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca {
            issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// An HTTPS server on loopback whose certificate, issued by this CA, names `names`.
    async fn server(&self, names: &[&str]) -> Server {
        self.server_with(names, Script::Result(json!("1.2.53")))
            .await
    }

    /// The same, following `script`.
    async fn server_with(&self, names: &[&str], script: Script) -> Server {
        let key = KeyPair::generate().unwrap();
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), self.issuer.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        raw_server::start_with(script, move |tcp| {
            let acceptor = acceptor.clone();
            async move {
                let tls = acceptor.accept(tcp).await?;
                Ok(Box::new(tls) as Box<dyn Stream>)
            }
        })
        .await
    }
}

fn https(server: &Server) -> String {
    format!("https://{}/jsonrpc.php", server.addr)
}

fn builder(url: &str) -> kanboard::ClientBuilder {
    KanboardClient::builder(url)
        .app_token("token")
        .timeout(Duration::from_secs(10))
}

async fn version(kb: &KanboardClient) -> kanboard::Result<String> {
    kb.application().get_version().send().await
}

fn assert_certificate_refused(e: &Error, what: &str) {
    assert!(e.is_connection() && !e.is_timeout(), "{what}: {e:?}");
    let text = e.to_string();
    assert!(
        text.to_lowercase().contains("certificate"),
        "{what}: {text}"
    );
    println!("{what}: {text}");
}

#[tokio::test]
async fn a_self_signed_ca_is_rejected_by_default() {
    let ca = Ca::new("Kanboard test CA");
    let server = ca.server(&["127.0.0.1"]).await;
    let kb = builder(&https(&server)).build().unwrap();
    let e = version(&kb).await.unwrap_err();
    assert_certificate_refused(&e, "default trust");
}

#[tokio::test]
async fn the_extra_ca_option_accepts_it() {
    let ca = Ca::new("Kanboard test CA");
    let server = ca.server(&["127.0.0.1"]).await;
    let kb = builder(&https(&server))
        .add_root_certificate_pem(ca.pem())
        .build()
        .unwrap();
    assert_eq!(version(&kb).await.unwrap(), "1.2.53");
    assert!(server.requests.load(std::sync::atomic::Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn the_extra_ca_still_checks_names_and_issuers() {
    let ca = Ca::new("Kanboard test CA");
    // A certificate for another host name.
    let server = ca.server(&["kanboard.example"]).await;
    let kb = builder(&https(&server))
        .add_root_certificate_pem(ca.pem())
        .build()
        .unwrap();
    let e = version(&kb).await.unwrap_err();
    assert_certificate_refused(&e, "right CA, wrong name");
    // A certificate from a CA that was not added.
    let other = Ca::new("Another CA");
    let server = other.server(&["127.0.0.1"]).await;
    let kb = builder(&https(&server))
        .add_root_certificate_pem(ca.pem())
        .build()
        .unwrap();
    let e = version(&kb).await.unwrap_err();
    assert_certificate_refused(&e, "another CA");
}

#[tokio::test]
async fn the_explicit_insecure_option_accepts_it() {
    let ca = Ca::new("Kanboard test CA");
    let server = ca.server(&["kanboard.example"]).await;
    let kb = builder(&https(&server))
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert_eq!(version(&kb).await.unwrap(), "1.2.53");
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_configuration_error() {
    let e = KanboardClient::builder("https://127.0.0.1/jsonrpc.php")
        .app_token("token")
        .add_root_certificate_pem("not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config { field, .. } if field == "ca_cert"),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_redirect_from_https_to_http_is_never_followed() {
    let ca = Ca::new("Kanboard test CA");
    let plain = raw_server::start(Script::Result(json!("1.2.53"))).await;
    let server = ca
        .server_with(
            &["127.0.0.1"],
            Script::Redirect {
                status: 307,
                location: plain.http(),
            },
        )
        .await;
    for follow in [false, true] {
        let kb = builder(&https(&server))
            .add_root_certificate_pem(ca.pem())
            .auth_header("X-API-Auth")
            .follow_redirects(follow)
            .build()
            .unwrap();
        let e = version(&kb).await.unwrap_err();
        assert!(
            matches!(&e, Error::Redirect { status: 307, location: Some(l), .. } if *l == plain.http()),
            "{e:?}"
        );
    }
    // Nothing went out in cleartext.
    assert_eq!(plain.requests.load(std::sync::atomic::Ordering::SeqCst), 0);
}
