import { describe, expect, it } from 'vitest';
import { buildRetraction, parseRetractedTombstone, parseRetraction } from './0424-retraction.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

describe('XEP-0424 retraction', () => {
  it('builds a retraction with fallback body and store hint', () => {
    expectXmlEqual(
      buildRetraction({ to: 'lord@capulet.example', type: 'chat', targetId: 'origin-id-1', id: 'retract-message-1' }),
      `<message type='chat' to='lord@capulet.example' id='retract-message-1'>
        <retract id='origin-id-1' xmlns='urn:xmpp:message-retract:1'/>
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>
        <body>This person attempted to retract a previous message, but it's unsupported by your client.</body>
        <store xmlns='urn:xmpp:hints'/>
      </message>`,
    );
    expect(() => buildRetraction({ to: 'room@muc.example/nick', type: 'groupchat', targetId: 'x' })).toThrow(RangeError);
    expect(() => buildRetraction({ to: 'room@muc.example', type: 'groupchat', targetId: '' })).toThrow(RangeError);
  });

  it('reads both the :1 and the older :0 (fastening) form', () => {
    expect(
      parseRetraction(
        xmlOf(`<message from='a@b.c/d'><retract id='o1' xmlns='urn:xmpp:message-retract:1'/><body>fallback</body></message>`),
      ),
    ).toEqual({ targetId: 'o1', version: 1 });
    expect(
      parseRetraction(
        xmlOf(
          `<message from='a@b.c/d'><apply-to id='o0' xmlns='urn:xmpp:fasten:0'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to></message>`,
        ),
      ),
    ).toEqual({ targetId: 'o0', version: 0 });
  });

  it('leaves moderations, errors and malformed retractions alone', () => {
    expect(
      parseRetraction(
        xmlOf(
          `<message><retract id='s' xmlns='urn:xmpp:message-retract:1'><moderated xmlns='urn:xmpp:message-moderate:1' by='r@m/x'/></retract></message>`,
        ),
      ),
    ).toBeUndefined();
    expect(
      parseRetraction(
        xmlOf(
          `<message><apply-to id='s' xmlns='urn:xmpp:fasten:0'><moderated xmlns='urn:xmpp:message-moderate:0'><retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to></message>`,
        ),
      ),
    ).toBeUndefined();
    expect(parseRetraction(xmlOf(`<message type='error'><retract id='o1' xmlns='urn:xmpp:message-retract:1'/></message>`))).toBeUndefined();
    expect(parseRetraction(xmlOf(`<message><retract xmlns='urn:xmpp:message-retract:1'/></message>`))).toBeUndefined();
    expect(
      parseRetraction(
        xmlOf(
          `<message><retract id='a' xmlns='urn:xmpp:message-retract:1'/><retract id='b' xmlns='urn:xmpp:message-retract:1'/></message>`,
        ),
      ),
    ).toBeUndefined();
    expect(
      parseRetraction(xmlOf(`<message><apply-to id='x' xmlns='urn:xmpp:fasten:0'><external name='body'/></apply-to></message>`)),
    ).toBeUndefined();
  });

  it('reads tombstones', () => {
    expect(
      parseRetractedTombstone(xmlOf(`<message><retracted stamp='2019-09-20T23:09:32Z' xmlns='urn:xmpp:message-retract:1'/></message>`)),
    ).toEqual({ retractedAt: Date.parse('2019-09-20T23:09:32Z') });
    expect(parseRetractedTombstone(xmlOf(`<message><retracted stamp='garbage' xmlns='urn:xmpp:message-retract:0'/></message>`))).toEqual(
      {},
    );
    expect(parseRetractedTombstone(xmlOf(`<message><body>hi</body></message>`))).toBeUndefined();
  });
});
