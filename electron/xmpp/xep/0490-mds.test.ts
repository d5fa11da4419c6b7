import { describe, expect, it } from 'vitest';
import { buildMdsFetch, buildMdsPublish, parseMdsEvent, parseMdsItems } from './0490-mds.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const me = 'juliet@capulet.lit';

const event = (from: string | undefined, items: string) =>
  xmlOf(`<message ${from ? `from='${from}'` : ''} to='juliet@capulet.lit/balcony' type='headline' id='new-displayed-pep-event'>
    <event xmlns='http://jabber.org/protocol/pubsub#event'>${items}</event>
  </message>`);

const item = (id: string, sid = `<stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='0423e3a9'/>`) =>
  `<item id='${id}'><displayed xmlns='urn:xmpp:mds:displayed:0'>${sid}</displayed></item>`;

describe('XEP-0490 builders', () => {
  it('publishes the displayed state with the required publish-options (spec example)', () => {
    expectXmlEqual(
      buildMdsPublish('romeo@montegue.lit', '0f710f2b-52ed-4d52-b928-784dad74a52b', 'juliet@capulet.lit'),
      `<pubsub xmlns='http://jabber.org/protocol/pubsub'>
        <publish node='urn:xmpp:mds:displayed:0'>
          <item id='romeo@montegue.lit'>
            <displayed xmlns='urn:xmpp:mds:displayed:0'>
              <stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='0f710f2b-52ed-4d52-b928-784dad74a52b'/>
            </displayed>
          </item>
        </publish>
        <publish-options>
          <x xmlns='jabber:x:data' type='submit'>
            <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
            <field var='pubsub#persist_items'><value>true</value></field>
            <field var='pubsub#max_items'><value>max</value></field>
            <field var='pubsub#send_last_published_item'><value>never</value></field>
            <field var='pubsub#access_model'><value>whitelist</value></field>
          </x>
        </publish-options>
      </pubsub>`,
    );
  });

  it('fetches all items to catch up', () => {
    expectXmlEqual(buildMdsFetch(), `<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:mds:displayed:0'/></pubsub>`);
  });

  it('refuses to publish without a chat, id or assigner', () => {
    expect(() => buildMdsPublish('', 'x', me)).toThrow(RangeError);
    expect(() => buildMdsPublish('romeo@montegue.lit', '', me)).toThrow(RangeError);
    expect(() => buildMdsPublish('romeo@montegue.lit', 'x', '')).toThrow(RangeError);
  });
});

describe('XEP-0490 notifications', () => {
  it('reads a notification from the own account (spec example)', () => {
    expect(parseMdsEvent(event(me, `<items node='urn:xmpp:mds:displayed:0'>${item('romeo@montegue.lit')}</items>`), me)).toEqual([
      { peer: 'romeo@montegue.lit', stanzaId: '0423e3a9', by: 'juliet@capulet.lit' },
    ]);
  });

  it('keeps room and occupant chats apart and normalises the JIDs', () => {
    const room = item(
      'Example@Conference.shakespeare.lit',
      `<stanza-id xmlns='urn:xmpp:sid:0' by='example@conference.shakespeare.lit' id='ca21'/>`,
    );
    const pm = item('example@conference.shakespeare.lit/Nurse');
    expect(parseMdsEvent(event(me, `<items node='urn:xmpp:mds:displayed:0'>${room}${pm}</items>`), me)).toEqual([
      { peer: 'example@conference.shakespeare.lit', stanzaId: 'ca21', by: 'example@conference.shakespeare.lit' },
      { peer: 'example@conference.shakespeare.lit/Nurse', stanzaId: '0423e3a9', by: 'juliet@capulet.lit' },
    ]);
  });

  it('ignores notifications not from the own bare JID', () => {
    const items = `<items node='urn:xmpp:mds:displayed:0'>${item('romeo@montegue.lit')}</items>`;
    expect(parseMdsEvent(event('mallory@evil.example', items), me)).toEqual([]);
    expect(parseMdsEvent(event('juliet@capulet.lit/other', items), me)).toEqual([]);
    expect(parseMdsEvent(event('capulet.lit', items), me)).toEqual([]);
    expect(parseMdsEvent(event(undefined, items), me)).toEqual([]);
  });

  it('ignores other nodes, retractions and malformed items', () => {
    expect(parseMdsEvent(event(me, `<items node='urn:xmpp:bookmarks:1'>${item('romeo@montegue.lit')}</items>`), me)).toEqual([]);
    expect(parseMdsEvent(event(me, `<items node='urn:xmpp:mds:displayed:0'><retract id='romeo@montegue.lit'/></items>`), me)).toEqual([]);
    const bad = [
      `<item><displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='1'/></displayed></item>`,
      item('romeo@montegue.lit', ''),
      item(
        'romeo@montegue.lit',
        `<stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='1'/><stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='2'/>`,
      ),
      item('romeo@montegue.lit', `<stanza-id xmlns='urn:xmpp:sid:0' id='1'/>`),
      item('romeo@montegue.lit', `<stanza-id xmlns='urn:xmpp:sid:0' by='${me}'/>`),
      item('romeo@montegue.lit', `<stanza-id xmlns='urn:xmpp:sid:1' by='${me}' id='1'/>`),
      `<item id='/nodomain'><displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' by='${me}' id='1'/></displayed></item>`,
    ].join('');
    expect(parseMdsEvent(event(me, `<items node='urn:xmpp:mds:displayed:0'>${bad}${item('ok@montegue.lit')}</items>`), me)).toEqual([
      { peer: 'ok@montegue.lit', stanzaId: '0423e3a9', by: me },
    ]);
  });

  it('reads the catch-up result', () => {
    const iq = (from: string) =>
      xmlOf(`<iq type='result' ${from} to='juliet@capulet.lit/balcony' id='catchup-1'>
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:mds:displayed:0'>${item('romeo@montegue.lit')}</items></pubsub>
      </iq>`);
    const expected = [{ peer: 'romeo@montegue.lit', stanzaId: '0423e3a9', by: me }];
    expect(parseMdsItems(iq(''), me)).toEqual(expected);
    expect(parseMdsItems(iq(`from='${me}'`), me)).toEqual(expected);
    expect(parseMdsItems(iq(`from='mallory@evil.example'`), me)).toEqual([]);
    expect(parseMdsItems(xmlOf(`<iq type='error'/>`), me)).toEqual([]);
  });
});
