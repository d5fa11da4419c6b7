import { describe, expect, it } from 'vitest';
import {
  buildAffiliationListQuery,
  buildBan,
  buildConfigRequest,
  buildConfigSubmit,
  buildDestroyRoom,
  buildGrantVoice,
  buildInstantRoom,
  buildKick,
  buildRevokeVoice,
  buildSetAffiliation,
  parseAffiliationList,
  parseConfigForm,
} from './0045-muc-admin.js';
import { buildCancelForm, buildSubmitFromFields } from './0004-data-forms.js';
import { expectXmlEqual, xmlOf } from '../test-xml.js';

const ADMIN = 'http://jabber.org/protocol/muc#admin';
const OWNER = 'http://jabber.org/protocol/muc#owner';

describe('XEP-0045 moderator and admin IQs', () => {
  it('kicks, grants and revokes voice by nick, with a reason', () => {
    expectXmlEqual(
      buildKick('pistol', 'Avaunt, you cullion!'),
      `<query xmlns='${ADMIN}'><item nick='pistol' role='none'><reason>Avaunt, you cullion!</reason></item></query>`,
    );
    expectXmlEqual(buildGrantVoice('thirdwitch'), `<query xmlns='${ADMIN}'><item nick='thirdwitch' role='participant'/></query>`);
    expectXmlEqual(
      buildRevokeVoice('thirdwitch', 'Not so worthy'),
      `<query xmlns='${ADMIN}'><item nick='thirdwitch' role='visitor'><reason>Not so worthy</reason></item></query>`,
    );
    expect(() => buildKick('')).toThrow(RangeError);
  });

  it('bans and sets affiliations by bare JID', () => {
    expectXmlEqual(
      buildBan('EarlOfCambridge@shakespeare.lit/stabber', 'Treason'),
      `<query xmlns='${ADMIN}'><item affiliation='outcast' jid='earlofcambridge@shakespeare.lit'><reason>Treason</reason></item></query>`,
    );
    for (const a of ['member', 'admin', 'owner', 'none'] as const) {
      expectXmlEqual(
        buildSetAffiliation('hag66@shakespeare.lit', a),
        `<query xmlns='${ADMIN}'><item affiliation='${a}' jid='hag66@shakespeare.lit'/></query>`,
      );
    }
    expect(() => buildSetAffiliation('', 'member')).toThrow(RangeError);
    expect(() => buildSetAffiliation('a@b.c', 'god' as never)).toThrow(RangeError);
  });

  it('asks for and reads an affiliation list', () => {
    expectXmlEqual(buildAffiliationListQuery('outcast'), `<query xmlns='${ADMIN}'><item affiliation='outcast'/></query>`);
    expect(() => buildAffiliationListQuery('none' as never)).toThrow(RangeError);
    const iq = xmlOf(`<iq type='result'><query xmlns='${ADMIN}'>
      <item affiliation='outcast' jid='earlofcambridge@shakespeare.lit/x'><reason>Treason</reason></item>
      <item affiliation='member' jid='hag66@shakespeare.lit' nick='thirdwitch'/>
      <item affiliation='emperor' jid='a@b.c'/><item affiliation='member'/>
    </query></iq>`);
    expect(parseAffiliationList(iq)).toEqual([
      { jid: 'earlofcambridge@shakespeare.lit', affiliation: 'outcast', reason: 'Treason' },
      { jid: 'hag66@shakespeare.lit', affiliation: 'member', nick: 'thirdwitch' },
    ]);
    expect(parseAffiliationList(xmlOf(`<iq type='error'/>`))).toEqual([]);
  });
});

describe('XEP-0045 owner IQs', () => {
  it('requests, reads and submits the configuration form', () => {
    expectXmlEqual(buildConfigRequest(), `<query xmlns='${OWNER}'/>`);
    const iq = xmlOf(`<iq type='result'><query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='form'>
      <title>Configuration for "coven" Room</title>
      <field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
      <field label='Natural-Language Room Name' type='text-single' var='muc#roomconfig_roomname'><value>A Dark Cave</value></field>
      <field label='Make Room Persistent?' type='boolean' var='muc#roomconfig_persistentroom'><value>0</value></field>
      <field label='Who May Discover Real JIDs?' type='list-single' var='muc#roomconfig_whois'><option label='Moderators Only'><value>moderators</value></option><option label='Anyone'><value>anyone</value></option><value>moderators</value></field>
    </x></query></iq>`);
    const form = parseConfigForm(iq)!;
    expect(form.formType).toBe('http://jabber.org/protocol/muc#roomconfig');
    expectXmlEqual(
      buildConfigSubmit(buildSubmitFromFields(form, { 'muc#roomconfig_persistentroom': true, 'muc#roomconfig_whois': 'anyone' })),
      `<query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>
        <field var='muc#roomconfig_roomname'><value>A Dark Cave</value></field>
        <field var='muc#roomconfig_persistentroom'><value>true</value></field>
        <field var='muc#roomconfig_whois'><value>anyone</value></field>
      </x></query>`,
    );
    expectXmlEqual(buildConfigSubmit(buildCancelForm()), `<query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='cancel'/></query>`);
    expect(() => buildConfigSubmit(xmlOf(`<x xmlns='jabber:x:data' type='form'/>`))).toThrow(RangeError);
    expect(
      parseConfigForm(xmlOf(`<iq type='result'><query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='result'/></query></iq>`)),
    ).toBeUndefined();
    expect(
      parseConfigForm(xmlOf(`<iq type='error'><query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='form'/></query></iq>`)),
    ).toBeUndefined();
  });

  it('accepts an instant room with an empty submit form', () => {
    expectXmlEqual(buildInstantRoom(), `<query xmlns='${OWNER}'><x xmlns='jabber:x:data' type='submit'/></query>`);
  });

  it('destroys a room, with an alternate venue and reason', () => {
    expectXmlEqual(
      buildDestroyRoom({ alternate: 'coven@chat.shakespeare.lit/x', reason: 'Macbeth doth come.' }),
      `<query xmlns='${OWNER}'><destroy jid='coven@chat.shakespeare.lit'><reason>Macbeth doth come.</reason></destroy></query>`,
    );
    expectXmlEqual(buildDestroyRoom(), `<query xmlns='${OWNER}'><destroy/></query>`);
    expect(() => buildDestroyRoom({ alternate: '' })).toThrow(RangeError);
  });
});
