//! Which `Host` values (and so which origins) name the preview server: a page on another
//! site must not reach it through DNS rebinding, nor listen to its live-reload channel.

use std::net::{IpAddr, SocketAddr};

/// Which `Host` values (and so which origins) name this server.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    port: u16,
    exact: Vec<String>,
    /// Bound to every interface: any IP literal (never a DNS name) with our port.
    any_ip: bool,
}

impl HostPolicy {
    pub fn new(addr: SocketAddr) -> HostPolicy {
        let port = addr.port();
        let ip = addr.ip();
        let mut exact = vec![SocketAddr::new(ip, port).to_string()];
        if ip.is_loopback() || ip.is_unspecified() {
            exact.push(format!("localhost:{port}"));
            exact.push(SocketAddr::new(IpAddr::from([127, 0, 0, 1]), port).to_string());
            if ip.is_ipv6() {
                exact.push(format!("[::1]:{port}"));
            }
        }
        HostPolicy {
            port,
            exact,
            any_ip: ip.is_unspecified(),
        }
    }

    /// Whether a `Host` header value (`127.0.0.1:1111`) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        if self.exact.contains(&host) {
            return true;
        }
        // Port 80 may be left out.
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.ends_with(']'));
        if self.port == 80 && !has_port {
            let with_port = format!("{host}:80");
            if self.exact.contains(&with_port) {
                return true;
            }
        }
        self.any_ip
            && host
                .parse::<SocketAddr>()
                .is_ok_and(|a| a.port() == self.port)
    }

    /// Whether an `Origin` header value (`http://127.0.0.1:1111`) is this server.
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| !host.contains('/') && self.allows(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_must_name_this_server() {
        let local = HostPolicy::new("127.0.0.1:1111".parse().unwrap());
        assert!(local.allows("127.0.0.1:1111"));
        assert!(local.allows("localhost:1111"));
        assert!(local.allows("LOCALHOST:1111"));
        assert!(!local.allows("evil.example:1111"));
        assert!(!local.allows("127.0.0.1:2222"));
        assert!(!local.allows("localhost"));
        assert!(local.allows_origin("http://localhost:1111"));
        assert!(!local.allows_origin("http://evil.example"));
        assert!(!local.allows_origin("null"));
        let all = HostPolicy::new("0.0.0.0:1111".parse().unwrap());
        assert!(all.allows("192.168.1.20:1111"));
        assert!(!all.allows("rebind.example:1111"));
    }
}
