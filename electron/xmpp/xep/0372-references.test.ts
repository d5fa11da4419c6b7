import { describe, expect, it } from 'vitest';
import { xmlOf } from '../test-xml.js';
import { parseMentionedJids } from './0372-references.js';

describe('XEP-0372 mentions', () => {
  it('reads the JIDs of mention references, decoded, without the query', () => {
    const msg = xmlOf(`<message xmlns='jabber:client' type='groupchat' from='tea@muc.x/bob'>
      <body>Dr. Who: look</body>
      <reference xmlns='urn:xmpp:reference:0' type='mention' begin='0' end='7' uri='xmpp:tea@muc.x/Dr.%20Who'/>
      <reference xmlns='urn:xmpp:reference:0' type='mention' uri='xmpp:alice@x?message'/>
      <reference xmlns='urn:xmpp:reference:0' type='data' uri='xmpp:carol@x'/>
      <reference xmlns='urn:xmpp:reference:0' type='mention' uri='https://example.org/'/>
      <reference xmlns='urn:xmpp:reference:0' type='mention' uri='xmpp:%E0%A4%A'/>
      <reference xmlns='urn:other' type='mention' uri='xmpp:dave@x'/>
    </message>`);
    expect(parseMentionedJids(msg)).toEqual(['tea@muc.x/Dr. Who', 'alice@x']);
  });
});
