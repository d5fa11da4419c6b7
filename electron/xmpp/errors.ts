// Protocol failures as typed errors, mapped to the contract's ErrorCode at the service boundary.
import type { ErrorCode } from '../../shared/errors.js';
import { CertificateError } from './tls-verify.js';

export class XmppFailure extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'XmppFailure';
    this.code = code;
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNERROR',
]);

/** Classify anything thrown while connecting into the contract's vocabulary. */
export function classifyConnectError(err: unknown): { code: ErrorCode; detail: string; certificate?: CertificateError['certificate'] } {
  if (err instanceof CertificateError) return { code: 'certificate-invalid', detail: err.message, certificate: err.certificate };
  if (err instanceof XmppFailure) return { code: err.code, detail: err.message };
  const e = err as { code?: string; name?: string; message?: string; condition?: string; cause?: unknown };
  if (e?.cause instanceof CertificateError) return classifyConnectError(e.cause);
  if (e?.name === 'SASLError') return { code: 'auth-failed', detail: e.condition ?? e.message ?? 'SASL failure' };
  if (e?.name === 'TimeoutError') return { code: 'server-unreachable', detail: 'timed out' };
  if (e?.code && UNREACHABLE.has(e.code)) return { code: 'server-unreachable', detail: `${e.code}: ${e.message ?? ''}` };
  if (e?.name === 'StreamError') return { code: 'server-error', detail: `${e.condition ?? ''} ${e.message ?? ''}`.trim() };
  return { code: 'server-unreachable', detail: e?.message ?? String(err) };
}
