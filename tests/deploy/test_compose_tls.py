"""The reverse proxy of docker-compose.yml without Docker: the certificates compose-init writes (a real TLS
handshake checks them), and what the compose files and nginx's template promise each other."""

from __future__ import annotations

import re
import socket
import ssl
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from typer.testing import CliRunner

from jobdating.ops import compose, compose_tls
from jobdating.ops.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
TEMPLATE = ROOT / "deploy" / "proxy" / "nginx.conf.template"
START = ROOT / "deploy" / "proxy" / "start.sh"
FIXED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _served_once(folder: Path) -> tuple[int, threading.Thread]:
    """A TLS server on loopback with the proxy's certificate, answering one handshake."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(
        folder / compose_tls.SERVER_DIR / compose_tls.SERVER_CERT,
        folder / compose_tls.SERVER_DIR / compose_tls.SERVER_KEY,
    )
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with listener:
            connection, _ = listener.accept()
            try:
                with server.wrap_socket(connection, server_side=True) as tls:
                    tls.sendall(b"ok")
            except (ssl.SSLError, OSError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def _handshake(folder: Path, server_name: str, cafile: Path | None) -> bytes:
    port, thread = _served_once(folder)
    client = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            client.wrap_socket(raw, server_hostname=server_name) as tls,
        ):
            return tls.recv(2)
    finally:
        thread.join(5)


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1", "jobdating.lan"])
def test_the_local_certificate_verifies_against_the_local_authority_only(tmp_path: Path, name: str) -> None:
    # On the real clock: the handshake checks the certificate's dates against it.
    names = [*compose_tls.DEFAULT_NAMES, "jobdating.lan"]
    compose_tls.ensure_certificates(tmp_path, names, "", datetime.now(UTC))
    assert _handshake(tmp_path, name, tmp_path / compose_tls.CA_CERT) == b"ok"
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(tmp_path, name, None)  # the system's authorities do not know it
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(tmp_path, "autre.exemple.fr", tmp_path / compose_tls.CA_CERT)


def test_the_authority_key_is_the_operators_alone_and_kept_across_runs(tmp_path: Path) -> None:
    written = compose_tls.ensure_certificates(tmp_path, compose_tls.DEFAULT_NAMES, "", FIXED)
    assert len(written) == 4
    assert stat.S_IMODE((tmp_path / compose_tls.CA_KEY).stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    server = tmp_path / compose_tls.SERVER_DIR
    assert sorted(p.name for p in server.iterdir()) == [compose_tls.SERVER_CERT, compose_tls.SERVER_KEY]
    assert stat.S_IMODE((server / compose_tls.SERVER_KEY).stat().st_mode) == 0o600
    authority = x509.load_pem_x509_certificate((tmp_path / compose_tls.CA_CERT).read_bytes())
    assert authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    issued = x509.load_pem_x509_certificate((server / compose_tls.SERVER_CERT).read_bytes())
    assert not issued.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert issued.not_valid_after_utc - FIXED < timedelta(days=826)  # browsers refuse longer ones
    before = {
        p.name: p.read_bytes() for p in (tmp_path / compose_tls.CA_CERT, server / compose_tls.SERVER_CERT)
    }
    assert (
        compose_tls.ensure_certificates(tmp_path, compose_tls.DEFAULT_NAMES, "", FIXED + timedelta(days=1))
        == []
    )
    after = {
        p.name: p.read_bytes() for p in (tmp_path / compose_tls.CA_CERT, server / compose_tls.SERVER_CERT)
    }
    assert after == before


def test_the_certificate_is_issued_again_for_new_names_or_near_its_end_by_the_same_authority(
    tmp_path: Path,
) -> None:
    compose_tls.ensure_certificates(tmp_path, compose_tls.DEFAULT_NAMES, "", FIXED)
    authority = (tmp_path / compose_tls.CA_CERT).read_bytes()
    cert = tmp_path / compose_tls.SERVER_DIR / compose_tls.SERVER_CERT
    first = cert.read_bytes()
    names = [*compose_tls.DEFAULT_NAMES, "192.168.1.20"]
    again = compose_tls.ensure_certificates(tmp_path, names, "", FIXED)
    assert str(cert) in again
    assert compose_tls.covers(x509.load_pem_x509_certificate(cert.read_bytes()), names)
    assert (tmp_path / compose_tls.CA_CERT).read_bytes() == authority  # what people trust stays
    second = cert.read_bytes()
    assert second != first
    late = FIXED + timedelta(days=compose_tls.SERVER_DAYS) - compose_tls.RENEW_BEFORE
    assert str(cert) in compose_tls.ensure_certificates(tmp_path, names, "", late)
    assert cert.read_bytes() != second


def test_a_public_host_gets_a_provisional_certificate_then_keeps_the_acme_authoritys(tmp_path: Path) -> None:
    written = compose_tls.ensure_certificates(tmp_path, compose_tls.DEFAULT_NAMES, "jobdating.nord.fr", FIXED)
    assert not (tmp_path / compose_tls.CA_KEY).exists()  # no local authority
    assert (tmp_path / compose_tls.ACME_DIR).is_dir()  # certbot's web root, served on port 80
    cert = tmp_path / compose_tls.SERVER_DIR / compose_tls.SERVER_CERT
    assert str(cert) in written
    provisional = x509.load_pem_x509_certificate(cert.read_bytes())
    assert compose_tls.covers(provisional, ["jobdating.nord.fr"])
    cert.write_bytes(b"the ACME authority's certificate")  # what certbot's deploy hook copies there
    assert (
        compose_tls.ensure_certificates(tmp_path, compose_tls.DEFAULT_NAMES, "jobdating.nord.fr", FIXED) == []
    )
    assert cert.read_bytes() == b"the ACME authority's certificate"


def test_tls_names_reads_the_setting_and_defaults_to_this_machine() -> None:
    assert compose_tls.tls_names("") == ["localhost", "127.0.0.1", "::1"]
    assert compose_tls.tls_names("localhost, jobdating.lan  10.0.0.5") == [
        "localhost",
        "jobdating.lan",
        "10.0.0.5",
    ]
    assert isinstance(compose_tls.general_name("::1"), x509.IPAddress)
    assert isinstance(compose_tls.general_name("jobdating.lan"), x509.DNSName)


def test_compose_init_writes_the_local_authority_and_the_consoles_https_address(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(EXAMPLE.read_text())
    result = CliRunner().invoke(app, ["compose-init", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    settings = compose.read_env(tmp_path / ".env")
    assert settings["CONSOLE_PUBLIC_BASE_URL"] == settings["IDENTITY_PUBLIC_BASE_URL"] == "https://localhost"
    assert settings["PROXY_BIND"] == "127.0.0.1"
    folder = tmp_path / "deploy" / "compose" / "tls"
    assert (folder / compose_tls.CA_CERT).exists()
    assert "autorité locale" in result.output
    assert str(folder / compose_tls.CA_CERT) in result.output.replace("\n", "")


def test_compose_init_with_a_public_host_sets_the_address_and_listens_everywhere(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(EXAMPLE.read_text())
    args = ["compose-init", "--root", str(tmp_path), "--public-host", "jobdating.nord.fr"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    settings = compose.read_env(tmp_path / ".env")
    assert settings["PROXY_PUBLIC_HOST"] == "jobdating.nord.fr"
    assert settings["CONSOLE_PUBLIC_BASE_URL"] == "https://jobdating.nord.fr"
    assert settings["IDENTITY_PUBLIC_BASE_URL"] == "https://jobdating.nord.fr"
    assert settings["PROXY_BIND"] == "0.0.0.0"
    assert "certbot" in result.output
    assert not (tmp_path / "deploy" / "compose" / "tls" / compose_tls.CA_KEY).exists()


def test_the_consoles_address_follows_the_proxys_port(tmp_path: Path) -> None:
    compose.init(
        EXAMPLE, tmp_path / ".env", tmp_path / "config", demo=False, overrides={"PROXY_HTTPS_PORT": "8443"}
    )
    settings = compose.read_env(tmp_path / ".env")
    assert settings["CONSOLE_PUBLIC_BASE_URL"] == "https://localhost:8443"


def test_only_the_proxy_publishes_http_and_the_direct_ports_are_a_separate_file() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nats", "postgres", "proxy"}  # NATS and PostgreSQL for the operator's commands
    proxy = services["proxy"]
    assert [p.rsplit(":", 1)[1] for p in proxy["ports"]] == ["443", "80"]
    mounts = {v.rsplit(":", 2)[1]: v.rsplit(":", 2)[0] for v in proxy["volumes"]}
    # The proxy sees its certificate and the ACME challenges, never the authority's key.
    assert mounts["/etc/nginx/tls"] == "${PROXY_TLS_DIR:-./deploy/compose/tls}/server"
    assert mounts["/var/www/acme"] == "${PROXY_TLS_DIR:-./deploy/compose/tls}/acme"
    direct = (ROOT / "docker-compose.direct.yml").read_text()
    assert set(yaml.safe_load(direct)["services"]) == set(services) - {
        "nats",
        "postgres",
        "provision",
        "mail",
        "proxy",
    }
    example = set(re.findall(r"^#?\s*(\w+)=", EXAMPLE.read_text(), re.MULTILINE))
    assert set(re.findall(r"\$\{(\w+)", direct)) - example == set()


def test_nginx_gets_each_of_its_settings_from_env_example_and_reaches_each_api() -> None:
    template = TEMPLATE.read_text()
    wanted = set(re.findall(r"\$\{(PROXY_\w+)\}", template))
    replaced = set(re.findall(r"\$\{(PROXY_\w+)\}", START.read_text()))
    assert wanted == replaced  # start.sh replaces them all, and nothing of nginx's own
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    environment = services["proxy"]["environment"]
    assert set(environment) == wanted
    example = compose.read_env(EXAMPLE)
    for name in wanted:
        assert environment[name] == f"${{{name}:-{example[name]}}}", name
    # Every API location passes to a compose service at the port its image listens on.
    blocks = [b for b in template.split("location ")[1:] if b.startswith("/api/")]
    upstreams = {
        block.split()[0]: found.group(1)
        for block in blocks
        if (found := re.search(r"set \$upstream ([\w:-]+);", block.split("location ")[0]))
    }
    assert len(upstreams) == 7
    ports = {
        "registration": "8001",
        "sites": "8002",
        "scheduling": "8003",
        "notifications": "8004",
        "identity": "8005",
    }
    for location, upstream in upstreams.items():
        host, port = upstream.split(":")
        assert host in services, location
        assert ports[host.removesuffix("-mission-locale")] == port, location
        assert location.rstrip("/").endswith(host.removesuffix("-mission-locale")), location
        assert f"rewrite ^{location}(.*)$ /$1 break;" in template
    assert template.count("limit_req zone=api") == len(upstreams) + 1  # and the unknown /api/ paths
    # The APIs' frame policy follows the path asked: the locations rewrite $uri before answering.
    assert "map $request_uri $frame_policy" in template
