// SASL negotiation, RFC 6120 §6 — https://www.rfc-editor.org/rfc/rfc6120#section-6
// Vireo's own feature handler instead of @xmpp/sasl, because it must (a) prefer the strongest SCRAM,
// (b) verify the server's signature in <success/> (RFC 5802 mutual authentication), which the stock
// handler ignores, and (c) never send PLAIN or anything else over an unencrypted stream.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { createScramSession, SCRAM_MECHANISMS, type SaltedPasswordCache } from '../sasl/scram.js';
import { saslprep } from '../sasl/saslprep.js';
import { XmppFailure } from '../errors.js';
import { errorMessage } from '../../lib/error-message.js';

export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

export interface SaslCredentials {
  username: string;
  password: string;
  /** Salted-password cache of this account and password (reconnects skip PBKDF2). */
  cache?: SaltedPasswordCache;
  /**
   * The strongest password mechanism this account's server offered before (remembered per account).
   * A server offering only weaker ones now is refused before anything is sent: see `authenticate`.
   */
  floor?: string | undefined;
}

/** Our order of preference; PLAIN only when nothing better is offered (and only over TLS). */
export const MECHANISM_PREFERENCE = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;

export function chooseMechanism(offered: string[]): string | undefined {
  return MECHANISM_PREFERENCE.find((m) => offered.includes(m));
}

/**
 * Whether `mechanism` is weaker than `floor` in MECHANISM_PREFERENCE. A floor Vireo does not rank
 * (none is ever stored) constrains nothing. Token mechanisms (SASL2/FAST) are not password
 * mechanisms and are judged apart.
 */
export function isWeakerThan(mechanism: string, floor: string | undefined): boolean {
  const rank = (m: string) => (MECHANISM_PREFERENCE as readonly string[]).indexOf(m);
  return floor !== undefined && rank(floor) >= 0 && rank(mechanism) > rank(floor);
}

export function parseMechanisms(features: Element): string[] {
  return features.getChildren('mechanism', NS_SASL).map((m) => m.text().trim());
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s.trim(), 'base64').toString('utf8');

/** RFC 6120 §6.5: a <failure/> carries a defined condition and optional text. */
function failureFrom(el: Element): XmppFailure {
  const condition = el.children.find((c): c is Element => typeof c !== 'string' && c.name !== 'text')?.name ?? 'failure';
  const text = el.getChildText('text') ?? '';
  const code =
    condition === 'not-authorized' || condition === 'credentials-expired' || condition === 'account-disabled'
      ? 'auth-failed'
      : 'server-error';
  return new XmppFailure(code, `SASL ${condition}${text ? `: ${text}` : ''}`);
}

interface SaslEntity {
  isSecure(): boolean;
  sendReceive(el: Element): Promise<Element>;
  restart(): Promise<unknown>;
}

/** Runs one SASL exchange; resolves once authenticated, throws XmppFailure otherwise. */
export async function authenticate(entity: SaslEntity, offered: string[], creds: SaslCredentials): Promise<string> {
  // RFC 6120 §13.9.4: never expose credentials on an unprotected stream.
  if (!entity.isSecure()) throw new XmppFailure('tls-required', 'stream is not encrypted');
  const mechanism = chooseMechanism(offered);
  if (!mechanism) throw new XmppFailure('no-sasl-mechanism', `offered: ${offered.join(' ') || 'none'}`);
  // RFC 6120 §6.4.1 leaves the choice to the client, and the offer arrives before anything proves the
  // server knows the password: a tampered or reconfigured offer that drops SCRAM would make a client
  // that "takes the best offered" send the password itself with PLAIN (RFC 4616). Refuse, say so, and
  // let the user accept the weaker sign-in explicitly (which lowers the remembered floor).
  if (isWeakerThan(mechanism, creds.floor)) {
    throw new XmppFailure('sasl-downgrade', `the server offered ${offered.join(' ')}; it offered ${creds.floor} before`);
  }

  if (mechanism === 'PLAIN') {
    const reply = await entity.sendReceive(xml('auth', { xmlns: NS_SASL, mechanism }, b64(`\0${creds.username}\0${creds.password}`)));
    if (reply.is('success', NS_SASL)) return mechanism;
    throw reply.is('failure', NS_SASL) ? failureFrom(reply) : new XmppFailure('server-error', `unexpected ${reply.name}`);
  }

  // RFC 5802 §2.2: the password is hashed after SASLprep (RFC 4013), as the server does with the one it
  // keeps. One SASLprep forbids cannot match anything there: say so before sending anything.
  try {
    saslprep(creds.password);
  } catch (err) {
    throw new XmppFailure('password-unusable', errorMessage(err));
  }
  const scram = createScramSession(SCRAM_MECHANISMS[mechanism]!, creds.username, creds.password, undefined, creds.cache);
  let reply = await entity.sendReceive(xml('auth', { xmlns: NS_SASL, mechanism }, b64(scram.clientFirst())));
  if (reply.is('failure', NS_SASL)) throw failureFrom(reply);
  if (!reply.is('challenge', NS_SASL)) throw new XmppFailure('server-error', `unexpected ${reply.name}`);
  const final = await scram.clientFinal(unb64(reply.text()));
  reply = await entity.sendReceive(xml('response', { xmlns: NS_SASL }, b64(final)));
  if (reply.is('failure', NS_SASL)) throw failureFrom(reply);
  let serverFinal: string;
  if (reply.is('challenge', NS_SASL)) {
    // RFC 6120 §6.3.10 allows the additional data in a last challenge instead of in <success/>.
    serverFinal = unb64(reply.text());
    reply = await entity.sendReceive(xml('response', { xmlns: NS_SASL }));
  } else {
    serverFinal = unb64(reply.text());
  }
  if (!reply.is('success', NS_SASL))
    throw reply.is('failure', NS_SASL) ? failureFrom(reply) : new XmppFailure('server-error', `unexpected ${reply.name}`);
  try {
    scram.verifyServerFinal(serverFinal);
  } catch (err) {
    throw new XmppFailure('auth-failed', errorMessage(err));
  }
  return mechanism;
}

interface StreamFeatures {
  use(name: string, ns: string, handler: (ctx: { entity: SaslEntity }, next: () => unknown, feature: Element) => unknown): void;
}

/** Installs SASL as a stream feature; `onAuthenticated` reports the mechanism used. */
export function setupSasl(
  streamFeatures: StreamFeatures,
  getCredentials: () => SaslCredentials,
  onAuthenticated?: (mech: string) => void,
): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity }, _next, feature) => {
    const mech = await authenticate(entity, parseMechanisms(feature), getCredentials());
    onAuthenticated?.(mech);
    await entity.restart();
  });
}
