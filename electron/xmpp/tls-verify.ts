// Certificate validation for every transport (ARCHITECTURE.md "Connections"): the chain must lead to a
// trusted root AND the certificate must be valid for the JID's domain (RFC 6125 via Node's
// checkServerIdentity). The single exception is a certificate the user pinned for this account after
// seeing its fingerprint. Nothing is written to the socket before `verifyPeer` has accepted it.
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import net from 'node:net';
import type { CertificateView } from '../../shared/errors.js';

export interface TlsPolicy {
  /** The name the certificate must be valid for: the JID's domain, whatever host we connect to. */
  servername: string;
  /** SHA-256 fingerprint (Node's `fingerprint256` format) the user chose to trust. */
  pinned?: string;
}

/** Raised when the certificate is refused; carries what a person needs to decide about pinning. */
export class CertificateError extends Error {
  readonly certificate: CertificateView;
  constructor(certificate: CertificateView) {
    super(`certificate refused: ${certificate.reason}`);
    this.name = 'CertificateError';
    this.certificate = certificate;
  }
}

/** Plain-words reasons for OpenSSL/Node verification codes. */
function explain(code: string | undefined, servername: string, cert: PeerCertificate): string {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `It is issued for ${certNames(cert).join(', ') || 'another name'}, not for ${servername}.`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'It is self-signed: no certificate authority vouches for it.';
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'It is issued by a certificate authority this computer does not know.';
    case 'CERT_HAS_EXPIRED':
      return `It expired on ${cert.valid_to}.`;
    case 'CERT_NOT_YET_VALID':
      return `It is not valid before ${cert.valid_from}.`;
    case 'CERT_REVOKED':
      return 'It has been revoked.';
    default:
      return `It could not be verified (${code ?? 'unknown reason'}).`;
  }
}

function certNames(cert: PeerCertificate): string[] {
  const alt = cert.subjectaltname ?? '';
  return alt
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
    .map((s) => s.replace(/^DNS:|^IP Address:/, ''));
}

function describe(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

export function certificateView(cert: PeerCertificate, reason: string): CertificateView {
  return {
    subject: describe(cert.subject as unknown as Record<string, string>),
    issuer: describe(cert.issuer as unknown as Record<string, string>),
    names: certNames(cert),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    fingerprint256: cert.fingerprint256,
    reason,
  };
}

/**
 * Decide whether to talk over this TLS socket. Node has already run the full verification (chain and
 * `checkServerIdentity` against `servername`) and recorded the outcome in `authorized`.
 */
export function verifyPeer(socket: TLSSocket, policy: TlsPolicy): void {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) {
    throw new CertificateError({
      subject: '',
      issuer: '',
      names: [],
      validFrom: '',
      validTo: '',
      fingerprint256: '',
      reason: 'The server presented no certificate.',
    });
  }
  if (socket.authorized) return;
  if (policy.pinned && cert.fingerprint256 === policy.pinned) return;
  throw new CertificateError(certificateView(cert, explain(String(socket.authorizationError), policy.servername, cert)));
}

/**
 * SNI carries the name (never an IP address: RFC 6066 §3 forbids it, and servers answer with an
 * 'unrecognized name' alert), and the identity check is always against that name or address.
 */
export function tlsNameOptions(name: string): Pick<tls.ConnectionOptions, 'servername' | 'checkServerIdentity'> {
  return {
    ...(net.isIP(name) ? {} : { servername: name }),
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
  };
}

export interface SecureConnectOptions extends TlsPolicy {
  /** Upgrade this plain socket (STARTTLS) instead of dialing host:port (Direct TLS). */
  socket?: net.Socket;
  host?: string;
  port?: number;
  /** ALPN, e.g. ['xmpp-client'] for XEP-0368 Direct TLS. */
  alpn?: string[];
  /** Give up on a peer that accepts TCP but never finishes the handshake (captive portals…). */
  timeoutMs?: number;
}

/**
 * Open (or upgrade to) TLS and resolve only once the peer is accepted. Node's automatic rejection is
 * replaced by `verifyPeer` — which applies the same verification result, plus the user's pin — so
 * that a refused certificate can still be shown to the user with its fingerprint.
 */
export function secureConnect(opts: SecureConnectOptions): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      ...(opts.socket ? { socket: opts.socket } : { host: opts.host, port: opts.port }),
      ...tlsNameOptions(opts.servername),
      ALPNProtocols: opts.alpn,
      // Verification still runs (chain + name); the outcome is enforced in verifyPeer below.
      rejectUnauthorized: false,
    });
    // XMPP is many small request/response exchanges: Nagle's algorithm would hold a small write
    // (an IQ right after an ack) back for the peer's delayed ACK, ~40 ms each time.
    socket.setNoDelay(true);
    opts.socket?.setNoDelay(true);
    const onError = (err: Error) => reject(err);
    socket.once('error', onError);
    socket.setTimeout(opts.timeoutMs ?? 15_000, () =>
      socket.destroy(Object.assign(new Error('the TLS handshake did not finish in time'), { code: 'ETIMEDOUT' })),
    );
    socket.once('secureConnect', () => {
      socket.setTimeout(0);
      socket.off('error', onError);
      try {
        verifyPeer(socket, opts);
        resolve(socket);
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });
  });
}
