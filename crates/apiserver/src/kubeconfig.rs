//! The kubeconfig handed to clients: one cluster, user and context named `flotilla`, with the
//! CA inline (`certificate-authority-data`) and the bearer token or a client certificate, so
//! that it works as is.
//!
//! Owns: the kubeconfig text. Must not: create keys or tokens (`tls`) or write files.

/// How a client reaches and proves itself to the server.
#[derive(Clone, Debug, Default)]
pub struct Access<'a> {
    /// `https://host:port` or, for plain HTTP on loopback, `http://host:port`.
    pub server: &'a str,
    /// The CA certificate (PEM) the server's certificate chains to.
    pub ca_pem: Option<&'a str>,
    /// The bearer token.
    pub token: Option<&'a str>,
    /// A client certificate and its key (PEM), signed by the server's CA.
    pub client_cert: Option<(&'a str, &'a str)>,
}

/// The kubeconfig YAML for `access`.
pub fn render(access: &Access<'_>) -> String {
    let mut cluster = format!("    server: {}\n", access.server);
    if let Some(ca) = access.ca_pem {
        cluster.push_str(&format!(
            "    certificate-authority-data: {}\n",
            crate::base64::encode(ca.as_bytes())
        ));
    }
    let mut user = String::new();
    if let Some(token) = access.token {
        user.push_str(&format!("    token: {token}\n"));
    }
    if let Some((cert, key)) = access.client_cert {
        user.push_str(&format!(
            "    client-certificate-data: {}\n    client-key-data: {}\n",
            crate::base64::encode(cert.as_bytes()),
            crate::base64::encode(key.as_bytes())
        ));
    }
    let user = if user.is_empty() {
        "  user: {}\n".to_string()
    } else {
        format!("  user:\n{user}")
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: flotilla\n  cluster:\n{cluster}\
         users:\n- name: flotilla-admin\n{user}contexts:\n- name: flotilla\n  context:\n    \
         cluster: flotilla\n    user: flotilla-admin\ncurrent-context: flotilla\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ca_and_token() {
        let text = render(&Access {
            server: "https://127.0.0.1:6443",
            ca_pem: Some("PEM"),
            token: Some("t0k"),
            client_cert: None,
        });
        assert!(
            text.contains("    server: https://127.0.0.1:6443\n"),
            "{text}"
        );
        assert!(
            text.contains("    certificate-authority-data: UEVN\n"),
            "{text}"
        );
        assert!(text.contains("  user:\n    token: t0k\n"), "{text}");
        let plain = render(&Access {
            server: "http://127.0.0.1:1",
            ..Access::default()
        });
        assert!(plain.contains("  user: {}\n"), "{plain}");
        assert!(!plain.contains("certificate-authority"), "{plain}");
        let cert = render(&Access {
            server: "https://h:1",
            client_cert: Some(("C", "K")),
            ..Access::default()
        });
        assert!(
            cert.contains(
                "  user:\n    client-certificate-data: Qw==\n    client-key-data: Sw==\n"
            ),
            "{cert}"
        );
    }
}
