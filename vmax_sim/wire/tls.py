"""Self-signed server certificates for the simulator's HTTPS endpoint.

The certificate is its own CA: a client trusts it by passing the
certificate file as its CA bundle (pywbem ``ca_certs=``, curl ``--cacert``).
It names 127.0.0.1 and localhost (plus any extra host) in both the common
name and subjectAltName, so hostname checking passes for loopback URLs.
"""

import datetime
import ipaddress
import os

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

CERT_FILENAME = 'vmax-sim-cert.pem'
KEY_FILENAME = 'vmax-sim-key.pem'
DEFAULT_HOSTS = ('127.0.0.1', 'localhost')


def _subject_alt_names(hosts):
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _hosts_with(extra_hosts):
    hosts = list(DEFAULT_HOSTS)
    for host in extra_hosts or ():
        if host and host not in hosts and host not in ('0.0.0.0', '::'):
            hosts.append(host)
    return hosts


def generate_self_signed(directory, extra_hosts=None, days=825):
    """Write a new key and self-signed certificate into ``directory``.

    Returns ``(certfile, keyfile)``.  The key file is created readable by
    the owner only.
    """
    hosts = _hosts_with(extra_hosts)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, hosts[0]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'vmax-sim'),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(
            _subject_alt_names(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0),
                       critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(
            public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    os.makedirs(directory, exist_ok=True)
    certfile = os.path.join(directory, CERT_FILENAME)
    keyfile = os.path.join(directory, KEY_FILENAME)
    key_fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(key_fd, 'wb') as key_out:
        key_out.write(key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    with open(certfile, 'wb') as cert_out:
        cert_out.write(cert.public_bytes(serialization.Encoding.PEM))
    return certfile, keyfile


def _usable(certfile, keyfile, hosts):
    """True when an existing certificate still fits: valid and naming hosts.
    """
    if not (os.path.exists(certfile) and os.path.exists(keyfile)):
        return False
    try:
        with open(certfile, 'rb') as cert_in:
            cert = x509.load_pem_x509_certificate(cert_in.read())
        san = cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    now = datetime.datetime.now(datetime.timezone.utc)
    if not (cert.not_valid_before_utc <= now <
            cert.not_valid_after_utc - datetime.timedelta(days=1)):
        return False
    return all(name in san for name in _subject_alt_names(hosts))


def ensure_certificate(directory, extra_hosts=None):
    """Reuse the certificate in ``directory`` if it fits, else make one.

    Reusing it lets clients keep trusting the same file across restarts.
    Returns ``(certfile, keyfile)``.
    """
    certfile = os.path.join(directory, CERT_FILENAME)
    keyfile = os.path.join(directory, KEY_FILENAME)
    if _usable(certfile, keyfile, _hosts_with(extra_hosts)):
        return certfile, keyfile
    return generate_self_signed(directory, extra_hosts)
