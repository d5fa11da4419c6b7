import { describe, expect, it } from 'vitest';
import { buildDisableCarbons, buildEnableCarbons, buildNoCopy, buildPrivate, parseCarbon } from './0280-carbons.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const me = 'romeo@montague.example';

const carbon = (kind: 'sent' | 'received', opts: { outerFrom?: string | null; inner?: string } = {}) => {
  const from = opts.outerFrom === null ? '' : `from='${opts.outerFrom ?? me}'`;
  const inner =
    opts.inner ??
    (kind === 'sent'
      ? `<message xmlns='jabber:client' to='juliet@capulet.example/balcony' from='romeo@montague.example/home' type='chat'><body>Neither, fair saint</body></message>`
      : `<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='romeo@montague.example/garden' type='chat'><body>What man art thou</body></message>`);
  return xmlOf(`<message xmlns='jabber:client' ${from} to='romeo@montague.example/garden' type='chat'>
    <${kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>${inner}</forwarded></${kind}>
  </message>`);
};

describe('XEP-0280 builders', () => {
  it('enables, disables and marks a message private', () => {
    expectXmlEqual(buildEnableCarbons(), `<enable xmlns='urn:xmpp:carbons:2'/>`);
    expectXmlEqual(buildDisableCarbons(), `<disable xmlns='urn:xmpp:carbons:2'/>`);
    expectXmlEqual(buildPrivate(), `<private xmlns='urn:xmpp:carbons:2'/>`);
    expectXmlEqual(buildNoCopy(), `<no-copy xmlns='urn:xmpp:hints'/>`);
  });
});

describe('XEP-0280 parsing', () => {
  it('unwraps a genuine sent carbon', () => {
    const c = parseCarbon(carbon('sent'), me);
    expect(c).toMatchObject({ forged: false, direction: 'sent' });
    if (c && !c.forged) {
      expectXmlEqual(
        c.inner,
        `<message xmlns='jabber:client' to='juliet@capulet.example/balcony' from='romeo@montague.example/home' type='chat'><body>Neither, fair saint</body></message>`,
      );
    }
  });

  it('unwraps a genuine received carbon, also when the original went to the bare JID', () => {
    expect(parseCarbon(carbon('received'), me)).toMatchObject({ forged: false, direction: 'received' });
    const toBare = carbon('received', {
      inner: `<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='Romeo@Montague.example'><body>x</body></message>`,
    });
    expect(parseCarbon(toBare, me)).toMatchObject({ forged: false, direction: 'received' });
  });

  it('is not a carbon without <sent/> or <received/> in the carbons namespace', () => {
    expect(parseCarbon(xmlOf(`<message from='${me}'><body>hi</body></message>`), me)).toBeUndefined();
    // A delivery receipt also uses <received/>, in another namespace.
    expect(
      parseCarbon(xmlOf(`<message from='juliet@capulet.example/b'><received xmlns='urn:xmpp:receipts' id='x'/></message>`), me),
    ).toBeUndefined();
    expect(parseCarbon(xmlOf(`<iq from='${me}'><sent xmlns='urn:xmpp:carbons:2'/></iq>`), me)).toBeUndefined();
  });

  it('flags a carbon from another JID as forged (CVE-2017-5589)', () => {
    expect(parseCarbon(carbon('sent', { outerFrom: 'juliet@capulet.example/balcony' }), me)).toEqual({
      forged: true,
      reason: 'outer-from-not-own-bare',
    });
    expect(parseCarbon(carbon('received', { outerFrom: 'montague.example' }), me)).toEqual({
      forged: true,
      reason: 'outer-from-not-own-bare',
    });
  });

  it('flags a carbon from the own full JID or without from as forged', () => {
    expect(parseCarbon(carbon('sent', { outerFrom: `${me}/home` }), me)).toEqual({ forged: true, reason: 'outer-from-not-own-bare' });
    expect(parseCarbon(carbon('received', { outerFrom: null }), me)).toEqual({ forged: true, reason: 'outer-from-not-own-bare' });
  });

  it('flags a sent carbon whose original is not from the user', () => {
    const spoof = `<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='romeo@montague.example'><body>I love you</body></message>`;
    expect(parseCarbon(carbon('sent', { inner: spoof }), me)).toEqual({ forged: true, reason: 'sent-inner-from-not-own' });
    const noFrom = `<message xmlns='jabber:client' to='juliet@capulet.example'><body>x</body></message>`;
    expect(parseCarbon(carbon('sent', { inner: noFrom }), me)).toEqual({ forged: true, reason: 'sent-inner-from-not-own' });
  });

  it('flags a received carbon whose original was not addressed to the user', () => {
    const elsewhere = `<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='tybalt@capulet.example'><body>x</body></message>`;
    expect(parseCarbon(carbon('received', { inner: elsewhere }), me)).toEqual({ forged: true, reason: 'received-inner-to-not-own' });
    const noTo = `<message xmlns='jabber:client' from='juliet@capulet.example/balcony'><body>x</body></message>`;
    expect(parseCarbon(carbon('received', { inner: noTo }), me)).toEqual({ forged: true, reason: 'received-inner-to-not-own' });
  });

  it('flags malformed, ambiguous and nested carbons', () => {
    expect(parseCarbon(carbon('sent', { inner: '' }), me)).toEqual({ forged: true, reason: 'malformed' });
    expect(parseCarbon(carbon('sent', { inner: `<message xmlns='urn:evil' from='${me}/a'/>` }), me)).toEqual({
      forged: true,
      reason: 'malformed',
    });
    const noForwarded = xmlOf(
      `<message from='${me}'><sent xmlns='urn:xmpp:carbons:2'><message xmlns='jabber:client' from='${me}/a'/></sent></message>`,
    );
    expect(parseCarbon(noForwarded, me)).toEqual({ forged: true, reason: 'malformed' });
    const both = xmlOf(`<message from='${me}'>
      <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='${me}/a' to='x@y.z'/></forwarded></sent>
      <received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='x@y.z' to='${me}'/></forwarded></received>
    </message>`);
    expect(parseCarbon(both, me)).toEqual({ forged: true, reason: 'ambiguous' });
    // Juliet sends Romeo a message that itself looks like a carbon; his server wraps it as received.
    const nested = `<message xmlns='jabber:client' from='juliet@capulet.example/balcony' to='${me}'>
      <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='${me}/home' to='x@y.z'><body>fake</body></message></forwarded></sent>
    </message>`;
    expect(parseCarbon(carbon('received', { inner: nested }), me)).toEqual({ forged: true, reason: 'nested' });
  });
});
