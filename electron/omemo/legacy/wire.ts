// XEP-0384: OMEMO Encryption, version 0.3 ("legacy OMEMO", namespace eu.siacs.conversations.axolotl)
// https://xmpp.org/extensions/attic/xep-0384-0.3.0.html — what Conversations, Dino, Gajim, Monal,
// Profanity and Converse.js speak today. Pure build/parse of the device list, the bundle and the
// <encrypted/> element; no crypto, no connection. OMEMO 2 (urn:xmpp:omemo:2) will live in ../omemo2/.
//
// Parsers are lenient exactly where real peers deviate (e2e/peers/omemo-python/README.md):
// items without id='current', a prekey message without prekey='true', an <encrypted/> with no <key/>
// for us, and an empty key-transport message without <payload/>. They return `undefined` for
// anything they cannot use instead of throwing.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { buildEme, buildStoreHint } from '../eme.js';
import { buildPublish, parseItemPayloads, type AccessModel } from '../pep.js';

export const NS_AXOLOTL = 'eu.siacs.conversations.axolotl';
/** §4.3 "Announcing support": the PEP node of the device list. */
export const NODE_DEVICELIST = `${NS_AXOLOTL}.devicelist`;
/** §4.4: one PEP node per device: "eu.siacs.conversations.axolotl.bundles:" + device id. */
export const bundleNode = (deviceId: number): string => `${NS_AXOLOTL}.bundles:${deviceId}`;
/** The device id in a bundle node's name, or `undefined` if the node is not a bundle node. */
export function deviceOfBundleNode(node: unknown): number | undefined {
  const prefix = `${NS_AXOLOTL}.bundles:`;
  return typeof node === 'string' && node.startsWith(prefix) ? parseId(node.slice(prefix.length)) : undefined;
}

/** Conversations' wording, so that users of every client recognise it. */
export const FALLBACK_BODY =
  'I sent you an OMEMO encrypted message but your client doesn’t seem to support that. Find more information on https://conversations.im/omemo';

/** §4.2: "a randomly generated integer between 1 and 2^31 - 1". Some clients use the full 32 bits; accept those too. */
export function isDeviceId(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 0xffffffff;
}

/**
 * A prekey or signed prekey id: §4.4 gives them as xs:unsignedInt in the bundle, so any integer
 * 0 … 2^32−1. Several widely used clients number them from 0 (libsignal's own key helper does);
 * only device ids must be ≥ 1. Decimal digits only, as xs:unsignedInt's lexical form; a leading zero
 * ('01') is accepted as peers write it, anything else (a sign, a space, '1.0', '') is not an id.
 */
export function parseKeyId(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,10}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 0xffffffff ? n : undefined;
}

/** A device id (sid, rid, a device list entry): surrounding whitespace tolerated, and it must be ≥ 1. */
function parseId(v: unknown): number | undefined {
  const n = typeof v === 'string' ? parseKeyId(v.trim()) : undefined;
  return n !== undefined && isDeviceId(n) ? n : undefined;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Base64 as peers send it: whitespace (line-wrapped output) tolerated; `undefined` if not base64. */
export function fromB64(text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const s = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

// ---- Device list (§4.3) ----

/** `<list xmlns='eu.siacs.conversations.axolotl'><device id='…'/>…</list>`. */
export function buildDeviceList(deviceIds: readonly number[]): Element {
  for (const id of deviceIds) if (!isDeviceId(id)) throw new RangeError(`not an OMEMO device id: ${id}`);
  return xml('list', { xmlns: NS_AXOLOTL }, ...[...new Set(deviceIds)].map((id) => xml('device', { id: String(id) })));
}

/** Device ids of a `<list/>`, deduplicated; entries with a bad id are skipped, not fatal. */
export function parseDeviceList(list: Element | undefined): number[] | undefined {
  if (!list?.is('list', NS_AXOLOTL)) return undefined;
  const ids = list.getChildren('device').map((d) => parseId(d.attrs.id));
  return [...new Set(ids.filter((id): id is number => id !== undefined))];
}

/** The device list in an items result or a PEP notification (any item id; the last item wins). */
export function parseDeviceListStanza(stanza: Element): number[] | undefined {
  const lists = parseItemPayloads(stanza, NODE_DEVICELIST).filter((p) => p.is('list', NS_AXOLOTL));
  return lists.length ? parseDeviceList(lists.at(-1)) : undefined;
}

/** The `<pubsub/>` of an `<iq type='set'>` publishing our device list (item 'current'; access model open unless 'none' = the server's default). */
export function buildDeviceListPublish(deviceIds: readonly number[], accessModel: AccessModel | 'none' = 'open'): Element {
  return buildPublish(NODE_DEVICELIST, buildDeviceList(deviceIds), {
    itemId: 'current',
    ...(accessModel !== 'none' ? { accessModel } : {}),
  });
}

// ---- Bundle (§4.4) ----

export interface PreKeyPublic {
  id: number;
  /** Curve25519 public key, 33 bytes with the 0x05 type prefix. */
  publicKey: Uint8Array;
}

export interface LegacyBundle {
  signedPreKey: PreKeyPublic;
  signedPreKeySignature: Uint8Array;
  /** 33 bytes with the 0x05 prefix. */
  identityKey: Uint8Array;
  preKeys: PreKeyPublic[];
}

/** Keys travel with the 0x05 type byte; a bare 32-byte key (some libraries) gets it added. */
function djbKey(bytes: Uint8Array | undefined): Uint8Array | undefined {
  if (!bytes) return undefined;
  if (bytes.length === 33 && bytes[0] === 0x05) return bytes;
  if (bytes.length === 32) return new Uint8Array([0x05, ...bytes]);
  return undefined;
}

export function buildBundle(b: LegacyBundle): Element {
  return xml(
    'bundle',
    { xmlns: NS_AXOLOTL },
    xml('signedPreKeyPublic', { signedPreKeyId: String(b.signedPreKey.id) }, b64(b.signedPreKey.publicKey)),
    xml('signedPreKeySignature', {}, b64(b.signedPreKeySignature)),
    xml('identityKey', {}, b64(b.identityKey)),
    xml('prekeys', {}, ...b.preKeys.map((k) => xml('preKeyPublic', { preKeyId: String(k.id) }, b64(k.publicKey)))),
  );
}

/** A `<bundle/>`, or `undefined` when a required part is missing or malformed. Bad one-time prekeys are skipped. */
export function parseBundle(el: Element | undefined): LegacyBundle | undefined {
  if (!el?.is('bundle', NS_AXOLOTL)) return undefined;
  const spk = el.getChild('signedPreKeyPublic');
  // The signed prekey id has been seen missing from some old clients; 0 is libsignal's default id.
  const spkId = spk?.attrs.signedPreKeyId === undefined ? 0 : parseKeyId(spk.attrs.signedPreKeyId);
  const spkKey = djbKey(fromB64(spk?.getText()));
  const signature = fromB64(el.getChildText('signedPreKeySignature') ?? undefined);
  const identityKey = djbKey(fromB64(el.getChildText('identityKey') ?? undefined));
  if (spkId === undefined || !spkKey || !signature || signature.length !== 64 || !identityKey) return undefined;
  const preKeys: PreKeyPublic[] = [];
  for (const pk of el.getChild('prekeys')?.getChildren('preKeyPublic') ?? []) {
    const id = parseKeyId(pk.attrs.preKeyId);
    const publicKey = djbKey(fromB64(pk.getText()));
    if (id !== undefined && publicKey) preKeys.push({ id, publicKey });
  }
  return { signedPreKey: { id: spkId, publicKey: spkKey }, signedPreKeySignature: signature, identityKey, preKeys };
}

/** The bundle in an items result or notification for `deviceId`'s node. */
export function parseBundleStanza(stanza: Element, deviceId: number): LegacyBundle | undefined {
  const bundles = parseItemPayloads(stanza, bundleNode(deviceId)).filter((p) => p.is('bundle', NS_AXOLOTL));
  return parseBundle(bundles.at(-1));
}

export function buildBundlePublish(deviceId: number, bundle: LegacyBundle, accessModel: AccessModel | 'none' = 'open'): Element {
  return buildPublish(bundleNode(deviceId), buildBundle(bundle), { itemId: 'current', ...(accessModel !== 'none' ? { accessModel } : {}) });
}

// ---- The <encrypted/> element (§4.5) ----

export interface EncryptedKey {
  /** Recipient device id. */
  rid: number;
  /** A PreKeyWhisperMessage (session start). Informational only: receivers must not rely on it. */
  prekey: boolean;
  /** The Signal message that carries the 16-byte AES key followed by the 16-byte GCM tag. */
  data: Uint8Array;
}

export interface LegacyEncrypted {
  /** Sender device id. */
  sid: number;
  keys: EncryptedKey[];
  /** 12 bytes (some old clients sent 16; accepted). */
  iv: Uint8Array;
  /** Absent in a key-transport message (§4.6: an empty OMEMO message that completes a session). */
  payload?: Uint8Array;
}

export function buildEncrypted(m: LegacyEncrypted): Element {
  return xml(
    'encrypted',
    { xmlns: NS_AXOLOTL },
    xml(
      'header',
      { sid: String(m.sid) },
      ...m.keys.map((k) => xml('key', k.prekey ? { rid: String(k.rid), prekey: 'true' } : { rid: String(k.rid) }, b64(k.data))),
      xml('iv', {}, b64(m.iv)),
    ),
    ...(m.payload ? [xml('payload', {}, b64(m.payload))] : []),
  );
}

const xsTrue = (v: unknown) => v === 'true' || v === '1';

/** The `<encrypted/>` of a message, or `undefined` if there is none or it is unusable (no sid, no iv). */
export function parseEncrypted(message: Element): LegacyEncrypted | undefined {
  const enc = message.is('encrypted', NS_AXOLOTL) ? message : message.getChild('encrypted', NS_AXOLOTL);
  const header = enc?.getChild('header');
  if (!enc || !header) return undefined;
  const sid = parseId(header.attrs.sid);
  const iv = fromB64(header.getChildText('iv') ?? undefined);
  if (sid === undefined || !iv || (iv.length !== 12 && iv.length !== 16)) return undefined;
  const keys: EncryptedKey[] = [];
  for (const k of header.getChildren('key')) {
    const rid = parseId(k.attrs.rid);
    const data = fromB64(k.getText());
    if (rid !== undefined && data && data.length > 0) keys.push({ rid, prekey: xsTrue(k.attrs.prekey), data });
  }
  const payloadEl = enc.getChild('payload');
  const payload = payloadEl ? fromB64(payloadEl.getText()) : undefined;
  if (payloadEl && !payload) return undefined;
  return { sid, keys, iv, ...(payload && payload.length > 0 ? { payload } : {}) };
}

/** Only the key addressed to our device is ever read (peer README: others may be garbage to us). */
export function keyForDevice(m: LegacyEncrypted, deviceId: number): EncryptedKey | undefined {
  return m.keys.find((k) => k.rid === deviceId);
}

/**
 * The children a chat `<message/>` carries: the `<encrypted/>`, the XEP-0380 hint, the fallback body
 * (unless asked not to, or for key transport, which has no text) and a XEP-0334 store hint so the
 * archive keeps key-transport messages too.
 */
export function buildEncryptedMessageChildren(m: LegacyEncrypted, opts: { fallbackBody?: string | false } = {}): Element[] {
  const body = opts.fallbackBody === false || !m.payload ? undefined : (opts.fallbackBody ?? FALLBACK_BODY);
  return [buildEncrypted(m), buildEme(NS_AXOLOTL, 'OMEMO'), ...(body ? [xml('body', {}, body)] : []), buildStoreHint()];
}
