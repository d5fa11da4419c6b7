import { describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { expectXmlEqual, xmlOf } from '../../xmpp/test-xml.js';
import { buildConfigureNode, buildFetchItems, isPreconditionNotMet } from '../pep.js';
import { parseEme } from '../eme.js';
import {
  buildBundlePublish,
  buildDeviceListPublish,
  buildEncrypted,
  buildEncryptedMessageChildren,
  bundleNode,
  deviceOfBundleNode,
  FALLBACK_BODY,
  keyForDevice,
  NODE_DEVICELIST,
  parseBundleStanza,
  parseDeviceListStanza,
  parseEncrypted,
  parseKeyId,
  type LegacyBundle,
} from './wire.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const PUBLISH_OPEN = `<publish-options><x xmlns='jabber:x:data' type='submit'>
  <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
  <field var='pubsub#access_model'><value>open</value></field></x></publish-options>`;

describe('legacy OMEMO device list', () => {
  it('publishes the list as item current with access model open', () => {
    expectXmlEqual(
      buildDeviceListPublish([12345, 4223]),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'>
        <publish node='eu.siacs.conversations.axolotl.devicelist'><item id='current'>
          <list xmlns='eu.siacs.conversations.axolotl'><device id='12345'/><device id='4223'/></list>
        </item></publish>${PUBLISH_OPEN}</pubsub>`,
    );
    expectXmlEqual(
      buildDeviceListPublish([1], 'none'),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='eu.siacs.conversations.axolotl.devicelist'><item id='current'>
        <list xmlns='eu.siacs.conversations.axolotl'><device id='1'/></list></item></publish></pubsub>`,
    );
    expect(() => buildDeviceListPublish([0])).toThrow(RangeError);
  });

  it('reads a notification without item id, skipping bad ids and duplicates', () => {
    const msg = xmlOf(`<message from='juliet@capulet.lit' to='romeo@montague.lit' type='headline'>
      <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='eu.siacs.conversations.axolotl.devicelist'>
        <item><list xmlns='eu.siacs.conversations.axolotl'><device id='12345'/><device id='abc'/><device/><device id='12345'/><device id='4223'/></list></item>
      </items></event></message>`);
    expect(parseDeviceListStanza(msg)).toEqual([12345, 4223]);
  });

  it('reads an items result; another node or no list gives undefined', () => {
    const iq =
      xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='eu.siacs.conversations.axolotl.devicelist'>
      <item id='current'><list xmlns='eu.siacs.conversations.axolotl'/></item></items></pubsub></iq>`);
    expect(parseDeviceListStanza(iq)).toEqual([]);
    expect(
      parseDeviceListStanza(
        xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='other'>
      <item><list xmlns='eu.siacs.conversations.axolotl'><device id='1'/></list></item></items></pubsub></iq>`),
      ),
    ).toBeUndefined();
  });
});

describe('PEP publish-options and the reconfigure flow', () => {
  it('recognises precondition-not-met and builds the owner configure form', () => {
    const err = xmlOf(`<iq type='error' id='p1'><error type='cancel'>
      <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
      <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>`);
    expect(isPreconditionNotMet(err)).toBe(true);
    expect(
      isPreconditionNotMet(
        xmlOf(`<iq type='error'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`),
      ),
    ).toBe(false);
    expect(isPreconditionNotMet(xmlOf(`<iq type='result'/>`))).toBe(false);
    expectXmlEqual(
      buildConfigureNode(NODE_DEVICELIST, 'open'),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='eu.siacs.conversations.axolotl.devicelist'>
        <x xmlns='jabber:x:data' type='submit'>
          <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#node_config</value></field>
          <field var='pubsub#access_model'><value>open</value></field></x></configure></pubsub>`,
    );
    expectXmlEqual(
      buildFetchItems(bundleNode(42), 1),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='eu.siacs.conversations.axolotl.bundles:42' max_items='1'/></pubsub>`,
    );
  });
});

const bundle: LegacyBundle = {
  signedPreKey: { id: 1, publicKey: bytes(33, 5) },
  signedPreKeySignature: bytes(64, 7),
  identityKey: bytes(33, 5),
  preKeys: [
    { id: 1, publicKey: bytes(33, 5) },
    { id: 2, publicKey: new Uint8Array([5, ...bytes(32, 9)]) },
  ],
};

describe('legacy OMEMO bundle', () => {
  it('publishes and reads back a bundle', () => {
    const pub = buildBundlePublish(31415, bundle);
    expectXmlEqual(
      pub,
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='eu.siacs.conversations.axolotl.bundles:31415'><item id='current'>
        <bundle xmlns='eu.siacs.conversations.axolotl'>
          <signedPreKeyPublic signedPreKeyId='1'>${b64(bytes(33, 5))}</signedPreKeyPublic>
          <signedPreKeySignature>${b64(bytes(64, 7))}</signedPreKeySignature>
          <identityKey>${b64(bytes(33, 5))}</identityKey>
          <prekeys><preKeyPublic preKeyId='1'>${b64(bytes(33, 5))}</preKeyPublic><preKeyPublic preKeyId='2'>${b64(new Uint8Array([5, ...bytes(32, 9)]))}</preKeyPublic></prekeys>
        </bundle></item></publish>${PUBLISH_OPEN}</pubsub>`,
    );
    const result = xml(
      'iq',
      { type: 'result' },
      xml(
        'pubsub',
        { xmlns: 'http://jabber.org/protocol/pubsub' },
        xml('items', { node: bundleNode(31415) }, pub.getChild('publish')!.getChild('item')!),
      ),
    );
    expect(parseBundleStanza(result, 31415)).toEqual(bundle);
    expect(parseBundleStanza(result, 1)).toBeUndefined();
  });

  it('is lenient with line-wrapped base64, 32-byte keys and bad prekeys; strict with required parts', () => {
    const k32 = b64(bytes(32, 3));
    const el =
      xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='eu.siacs.conversations.axolotl.bundles:7'><item>
      <bundle xmlns='eu.siacs.conversations.axolotl'>
        <signedPreKeyPublic signedPreKeyId='3'>${k32.slice(0, 20)}
          ${k32.slice(20)}</signedPreKeyPublic>
        <signedPreKeySignature>${b64(bytes(64, 1))}</signedPreKeySignature>
        <identityKey>${b64(bytes(33, 5))}</identityKey>
        <prekeys><preKeyPublic preKeyId='9'>${k32}</preKeyPublic><preKeyPublic>${k32}</preKeyPublic><preKeyPublic preKeyId='10'>!!</preKeyPublic></prekeys>
      </bundle></item></items></pubsub></iq>`);
    const parsed = parseBundleStanza(el, 7)!;
    expect(parsed.signedPreKey.id).toBe(3);
    expect(parsed.signedPreKey.publicKey).toEqual(new Uint8Array([5, ...bytes(32, 3)]));
    expect(parsed.preKeys.map((k) => k.id)).toEqual([9]);
    const noIdentity =
      xmlOf(`<bundle xmlns='eu.siacs.conversations.axolotl'><signedPreKeyPublic signedPreKeyId='1'>${k32}</signedPreKeyPublic>
      <signedPreKeySignature>${b64(bytes(64, 1))}</signedPreKeySignature></bundle>`);
    expect(
      parseBundleStanza(
        xml(
          'message',
          {},
          xml(
            'event',
            { xmlns: 'http://jabber.org/protocol/pubsub#event' },
            xml('items', { node: bundleNode(1) }, xml('item', {}, noIdentity)),
          ),
        ),
        1,
      ),
    ).toBeUndefined();
  });
});

describe('bundle node names', () => {
  it('give back the device id of a bundle node, and nothing for other nodes', () => {
    expect(deviceOfBundleNode(bundleNode(31415))).toBe(31415);
    for (const other of [
      NODE_DEVICELIST,
      'eu.siacs.conversations.axolotl.bundles:0',
      'eu.siacs.conversations.axolotl.bundles:',
      'urn:xmpp:omemo:2:bundles',
      undefined,
    ]) {
      expect(deviceOfBundleNode(other), String(other)).toBeUndefined();
    }
  });
});

describe('prekey and signed prekey ids (issue #11 §1)', () => {
  it('accepts any integer 0 … 2^32−1, written as decimal digits', () => {
    expect(parseKeyId('0')).toBe(0);
    expect(parseKeyId('1')).toBe(1);
    expect(parseKeyId('4294967295')).toBe(0xffffffff);
    expect(parseKeyId('01')).toBe(1);
    for (const bad of ['4294967296', '-1', '', ' 1', '1.0', 'x', '1e3', '+1', '99999999999', undefined])
      expect(parseKeyId(bad), String(bad)).toBeUndefined();
  });

  it('reads a bundle whose signed prekey and first prekey have id 0, as several real clients publish it', () => {
    const k = b64(bytes(33, 5));
    const parsed = parseBundleStanza(
      xmlOf(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='eu.siacs.conversations.axolotl.bundles:7'><item id='current'>
      <bundle xmlns='eu.siacs.conversations.axolotl'>
        <signedPreKeyPublic signedPreKeyId='0'>${k}</signedPreKeyPublic>
        <signedPreKeySignature>${b64(bytes(64, 1))}</signedPreKeySignature>
        <identityKey>${k}</identityKey>
        <prekeys><preKeyPublic preKeyId='0'>${k}</preKeyPublic><preKeyPublic preKeyId='1'>${k}</preKeyPublic>
          <preKeyPublic preKeyId='-1'>${k}</preKeyPublic><preKeyPublic preKeyId='4294967296'>${k}</preKeyPublic><preKeyPublic preKeyId='4294967295'>${k}</preKeyPublic></prekeys>
      </bundle></item></items></pubsub></iq>`),
      7,
    );
    expect(parsed?.signedPreKey.id).toBe(0);
    // One bad entry drops that entry, not the bundle.
    expect(parsed?.preKeys.map((p) => p.id)).toEqual([0, 1, 0xffffffff]);
  });

  it('rejects a bundle whose signed prekey id is not an id at all', () => {
    const k = b64(bytes(33, 5));
    for (const bad of ['-1', 'x', '4294967296']) {
      expect(
        parseBundleStanza(
          xmlOf(`<message><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='eu.siacs.conversations.axolotl.bundles:7'><item>
        <bundle xmlns='eu.siacs.conversations.axolotl'><signedPreKeyPublic signedPreKeyId='${bad}'>${k}</signedPreKeyPublic>
          <signedPreKeySignature>${b64(bytes(64, 1))}</signedPreKeySignature><identityKey>${k}</identityKey></bundle></item></items></event></message>`),
          7,
        ),
        bad,
      ).toBeUndefined();
    }
  });
});

describe('legacy OMEMO <encrypted/>', () => {
  const enc = {
    sid: 27183,
    iv: bytes(12, 1),
    payload: bytes(5, 2),
    keys: [
      { rid: 31415, prekey: false, data: bytes(40, 3) },
      { rid: 12321, prekey: true, data: bytes(50, 4) },
    ],
  };

  it('builds the element with the prekey flag only where needed', () => {
    expectXmlEqual(
      buildEncrypted(enc),
      `<encrypted xmlns='eu.siacs.conversations.axolotl'>
        <header sid='27183'>
          <key rid='31415'>${b64(bytes(40, 3))}</key>
          <key rid='12321' prekey='true'>${b64(bytes(50, 4))}</key>
          <iv>${b64(bytes(12, 1))}</iv>
        </header>
        <payload>${b64(bytes(5, 2))}</payload>
      </encrypted>`,
    );
    expect(parseEncrypted(buildEncrypted(enc))).toEqual(enc);
  });

  it('adds EME, the fallback body and a store hint; key transport has no payload and no body', () => {
    const msg = xml('message', { to: 'juliet@capulet.lit', type: 'chat' }, ...buildEncryptedMessageChildren(enc));
    expect(msg.getChildText('body')).toBe(FALLBACK_BODY);
    expect(parseEme(msg)).toBe('eu.siacs.conversations.axolotl');
    expectXmlEqual(
      msg.getChild('encryption')!,
      `<encryption xmlns='urn:xmpp:eme:0' namespace='eu.siacs.conversations.axolotl' name='OMEMO'/>`,
    );
    expect(msg.getChild('store', 'urn:xmpp:hints')).toBeDefined();
    const kt = { sid: 1, iv: bytes(12, 1), keys: [{ rid: 2, prekey: false, data: bytes(40, 3) }] };
    const ktMsg = xml('message', {}, ...buildEncryptedMessageChildren(kt));
    expect(ktMsg.getChild('body')).toBeUndefined();
    expect(ktMsg.getChild('encrypted')!.getChild('payload')).toBeUndefined();
    expect(buildEncryptedMessageChildren(enc, { fallbackBody: false }).some((c) => c.name === 'body')).toBe(false);
  });

  it('parses what peers send: prekey="1", no prekey flag, no key for us, no payload', () => {
    const m = xmlOf(`<message from='juliet@capulet.lit/phone' type='chat'>
      <encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='5'>
        <key rid='1' prekey='1'>${b64(bytes(40, 3))}</key>
        <key rid='2'>${b64(bytes(40, 3))}</key>
        <key rid='x'>${b64(bytes(40, 3))}</key>
        <key rid='3'></key>
        <iv>${b64(bytes(12, 1))}</iv></header></encrypted></message>`);
    const p = parseEncrypted(m)!;
    expect(p.keys.map((k) => [k.rid, k.prekey])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(p.payload).toBeUndefined();
    expect(keyForDevice(p, 2)?.rid).toBe(2);
    expect(keyForDevice(p, 99)).toBeUndefined();
  });

  it('returns undefined for unusable elements', () => {
    expect(parseEncrypted(xmlOf(`<message><body>hi</body></message>`))).toBeUndefined();
    expect(
      parseEncrypted(xmlOf(`<encrypted xmlns='eu.siacs.conversations.axolotl'><header><iv>${b64(bytes(12, 1))}</iv></header></encrypted>`)),
    ).toBeUndefined();
    expect(
      parseEncrypted(xmlOf(`<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'><iv>AAAA</iv></header></encrypted>`)),
    ).toBeUndefined();
    expect(
      parseEncrypted(xmlOf(`<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><iv>${b64(bytes(12, 1))}</iv></header></encrypted>`)),
    ).toBeUndefined();
  });
});
