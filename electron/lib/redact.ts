// What may go into the log file a user attaches to a report (issue #12 §6, CONTRIBUTING.md 8): the
// servers involved, what failed and why — not who the user talks to, where they are, what they wrote or
// anything that signs them in. Applied to every line of the file, as a net under the call sites (which
// already avoid passing bodies and secrets).
import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

export interface Redactor {
  (text: string): string;
}

/**
 * Builds a redactor. Addresses become `~<6 hex>@domain` (resource: `/~<6 hex>`): the domain stays
 * (which server misbehaved matters in a report), the same person reads the same within one run, and the
 * key is random per run so the short hash cannot be looked up against a list of names.
 */
export function createRedactor(opts: { key?: Uint8Array } = {}): Redactor {
  const key = opts.key ?? randomBytes(16);
  const tag = (s: string) => `~${createHmac('sha256', key).update(s).digest('hex').slice(0, 6)}`;
  return (text) => {
    let out = text;
    // Message text and SASL exchanges, as stanza XML (XEP-0388's <initial-response>, FAST's <token>).
    out = out.replace(XML_SECRET_RE, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ''}>[redacted]</${name}>`);
    out = out.replace(XML_TEXT_RE, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ''}>[text]</${name}>`);
    // Credentials in a URL (a proxy's user:password@host).
    out = out.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/giu, '$1[redacted]@');
    // `password=…`, `token: …`, `"secret":"…"`.
    out = out.replace(SECRET_PAIR_RE, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
    // Keys, tokens and key material in base64 or hex.
    out = out.replace(BLOB_RE, (m) => (looksLikeKey(m) ? '[blob]' : m));
    out = out.replace(
      JID_RE,
      (_m, _local: string, domain: string, resource: string | undefined) =>
        `${tag(_local)}@${domain}${resource ? `/${tag(resource.slice(1))}` : ''}`,
    );
    out = out.replace(IP_CANDIDATE_RE, (m) => redactIp(m));
    return out;
  };
}

// <body>, <subject> and the encrypted <payload> of OMEMO carry what people wrote.
const XML_TEXT_RE = /<(body|subject|payload|thread)(\s[^>]*)?>[\s\S]*?<\/\1>/giu;
const XML_SECRET_RE = /<(auth|response|challenge|success|initial-response|additional-data|token|password)(\s[^>]*)?>[\s\S]*?<\/\1>/giu;
const SECRET_PAIR_RE =
  /\b(pass(?:word|wd|phrase)?|pwd|token|secret|api[-_]?key|private[-_]?key|authorization|cookie)(["']?\s*[=:]\s*)(?:"[^"]*"|'[^']*'|\S+)/giu;
const BLOB_RE = /[A-Za-z0-9+/_-]{41,}={0,2}/gu;
// RFC 7622: localpart@domainpart/resourcepart. Only what looks like an address with a local part;
// a bare domain (the server) stays.
const JID_RE = /([^\s@/"'<>&:()[\]{},;=]+)@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*)(\/[^\s"'<>)\]},;]+)?/gu;
const IP_CANDIDATE_RE = /(?<![\w.:])[0-9A-Fa-f:.]*[.:][0-9A-Fa-f:.]*(?![\w])/gu;

/** Random base64 mixes cases and digits (or is all hex); a file path has its slashes. */
function looksLikeKey(s: string): boolean {
  if ((s.match(/\//gu)?.length ?? 0) >= 3) return false;
  return /^[0-9a-f]+$/iu.test(s) || (/[A-Z]/u.test(s) && /[a-z]/u.test(s) && /[0-9]/u.test(s));
}

/** The machine's own loopback says nothing about the user; every other address is hidden. */
function redactIp(candidate: string): string {
  const trimmed = candidate.replace(/[.:]+$/u, '');
  const rest = candidate.slice(trimmed.length);
  let ip = trimmed;
  let port = '';
  if (!isIP(ip)) {
    const m = /^(.+\d):(\d{1,5})$/u.exec(trimmed);
    if (!m || isIP(m[1]!) !== 4) return candidate;
    ip = m[1]!;
    port = `:${m[2]}`;
  }
  if (/^127\./u.test(ip) || ip === '::1' || ip === '0.0.0.0' || ip === '::') return candidate;
  return `[ip]${port}${rest}`;
}
