// Hostile stanzas for the fuzzer: well-formed XML that a malicious server (or whoever holds its key)
// can send, aimed at every parser Vireo has — carbons (XEP-0280), archive results (XEP-0313), OMEMO
// (XEP-0384 v0.3), rooms (XEP-0045, 0249), PEP/pubsub events (XEP-0163: bookmarks 0402, MDS 0490,
// device lists), the roster (RFC 6121 §2.1.6 pushes), stream management (XEP-0198), receipts,
// markers, retraction, moderation — plus sheer size: huge attributes, deep nesting, 10,000 children,
// character references. Seeded, so a failing run can be replayed with the same FUZZ_SEED.
// The malformed-stream cases (RFC 6120 §4.9.3.13, §4.9.3.18) are in malformed-stream.ts.

export interface FuzzContext {
  own: string; // the account's bare JID
  domain: string;
  peer: string; // a contact's bare JID
  room: string; // a room's bare JID
}

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function createHostileStanzas(ctx: FuzzContext, rng: Rng) {
  const int = (n: number) => Math.floor(rng() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => rng() < p;

  // Text that is legal XML 1.0 (§2.2) yet awkward: bidi overrides, astral characters, predefined and
  // numeric character references, markup-looking text, very long words.
  const TEXTS = [
    '',
    ' ',
    'hello',
    '\u202Eexe.png',
    '😀👍🏽',
    '\uFFFD\uFEFF',
    '<script>alert(1)</script>',
    '&amp;&lt;&gt;&quot;&apos;',
    '&#x1F600;&#65;&#xFFFD;',
    ']]>',
    'a'.repeat(5000),
    '\t\n\r',
  ];
  const text = () => {
    const t = pick(TEXTS);
    // Entries with references are written as they are (the parser resolves them); the rest is escaped.
    return t.includes('&') && !t.includes('<') ? t : esc(t);
  };
  const num = () => pick(['0', '1', '-1', '4294967295', '4294967296', '1e9', 'NaN', '', ' 7', '01', '99999999999999999999', 'x']);
  const stamp = () =>
    pick([
      '2024-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      'yesterday',
      '',
      '2024-13-45T99:99:99Z',
      '-271821-04-20T00:00:00Z',
    ]);
  const b64 = () => pick(['', '====', 'AAAA', '!!!!', 'QUJD', 'A'.repeat(4000), 'Zm9v\nYmFy']);
  const jid = () =>
    pick([
      ctx.own,
      `${ctx.own}/other`,
      ctx.peer,
      `${ctx.peer}/phone`,
      ctx.room,
      `${ctx.room}/nick`,
      `${ctx.room}/${ctx.own}`,
      ctx.domain,
      '',
      '@',
      'a@b@c',
      `@${ctx.domain}`,
      `${'x'.repeat(3000)}@${ctx.domain}`,
      'user@[::1',
      `ünï€ødé@${ctx.domain}`,
      `${ctx.peer}/`,
      `/${ctx.peer}`,
      `evil@${ctx.domain}/\u202E`,
      'a'.repeat(1100),
    ]);
  const id = () => pick(['', 'x', `id-${int(1e6)}`, 'a'.repeat(3000), '\u202E', 'same-id']);
  const type = () => pick(['chat', 'groupchat', 'normal', 'headline', 'error', '', 'bogus']);
  const opt = (name: string, v: () => string) => (chance(0.8) ? ` ${name}='${esc(v())}'` : '');

  const body = () => `<body>${text()}</body>`;
  const innerMessage = (depth = 0): string =>
    `<message xmlns='jabber:client'${opt('from', jid)}${opt('to', jid)}${opt('type', type)}${opt('id', id)}>${chance(0.8) ? body() : ''}${chance(0.3) ? encrypted() : ''}${chance(0.2) ? `<origin-id xmlns='urn:xmpp:sid:0'${opt('id', id)}/>` : ''}${chance(0.2) ? `<stanza-id xmlns='urn:xmpp:sid:0'${opt('by', jid)}${opt('id', id)}/>` : ''}${depth < 3 && chance(0.15) ? carbonPayload(depth + 1) : ''}</message>`;
  const forwarded = (depth = 0) =>
    chance(0.9)
      ? `<forwarded xmlns='urn:xmpp:forward:0'>${chance(0.6) ? `<delay xmlns='urn:xmpp:delay'${opt('stamp', stamp)}/>` : ''}${chance(0.9) ? innerMessage(depth) : ''}</forwarded>`
      : '';
  const carbonPayload = (depth = 0) => {
    const name = pick(['received', 'sent', 'private']);
    return `<${name} xmlns='urn:xmpp:carbons:2'>${forwarded(depth)}</${name}>`;
  };
  const encrypted = () =>
    `<encrypted xmlns='eu.siacs.conversations.axolotl'><header${opt('sid', num)}>${Array.from({ length: int(4) }, () => `<key${opt('rid', num)}${opt('prekey', () => pick(['true', '1', 'false', 'yes']))}>${b64()}</key>`).join('')}${chance(0.8) ? `<iv>${b64()}</iv>` : ''}</header>${chance(0.7) ? `<payload>${b64()}</payload>` : ''}</encrypted>`;
  const event = (node: string, items: string) =>
    `<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${esc(node)}'>${items}</items></event>`;
  const item = (payload: string) => `<item${opt('id', () => pick(['current', ctx.room, 'x', '']))}>${payload}</item>`;
  const mucItem = () =>
    `<item${opt('affiliation', () => pick(['owner', 'admin', 'member', 'outcast', 'none', 'god']))}${opt('role', () => pick(['moderator', 'participant', 'visitor', 'none', 'x']))}${opt('jid', jid)}${opt('nick', text)}/>`;
  const status = () =>
    `<status${opt('code', () => pick(['100', '110', '170', '201', '210', '301', '303', '307', '321', '332', 'x', '']))}/>`;

  const targeted: Record<string, () => string> = {
    carbon: () => `<message${opt('from', () => pick([ctx.own, ctx.own, ctx.peer, '']))}${opt('to', jid)}>${carbonPayload()}</message>`,
    mamResult: () =>
      `<message${opt('from', () => pick([ctx.own, ctx.room, ctx.peer]))}><result xmlns='urn:xmpp:mam:2'${opt('queryid', id)}${opt('id', id)}>${forwarded()}</result></message>`,
    mamFin: () =>
      `<iq type='${pick(['result', 'error', 'set'])}'${opt('id', id)}${opt('from', jid)}><fin xmlns='urn:xmpp:mam:2'${opt('complete', () => pick(['true', 'false', '1', 'x']))}><set xmlns='http://jabber.org/protocol/rsm'><first>${text()}</first><last>${text()}</last><count>${num()}</count></set></fin></iq>`,
    omemoMessage: () =>
      `<message${opt('from', jid)}${opt('type', type)}${opt('id', id)}>${encrypted()}${chance(0.5) ? body() : ''}<store xmlns='urn:xmpp:hints'/></message>`,
    deviceList: () =>
      `<message${opt('from', () => pick([ctx.peer, ctx.own, ctx.room, '']))}>${event('eu.siacs.conversations.axolotl.devicelist', item(`<list xmlns='eu.siacs.conversations.axolotl'>${Array.from({ length: int(6) }, () => `<device${opt('id', num)}${opt('label', text)}/>`).join('')}</list>`))}</message>`,
    bundleEvent: () =>
      `<message${opt('from', jid)}>${event(`eu.siacs.conversations.axolotl.bundles:${num()}`, item(`<bundle xmlns='eu.siacs.conversations.axolotl'><signedPreKeyPublic${opt('signedPreKeyId', num)}>${b64()}</signedPreKeyPublic><signedPreKeySignature>${b64()}</signedPreKeySignature><identityKey>${b64()}</identityKey><prekeys>${Array.from({ length: int(5) }, () => `<preKeyPublic${opt('preKeyId', num)}>${b64()}</preKeyPublic>`).join('')}</prekeys></bundle>`))}</message>`,
    mucPresence: () =>
      `<presence${opt('from', () => pick([`${ctx.room}/${text().slice(0, 40) || 'n'}`, ctx.room, `${ctx.room}/nick`, jid()]))}${opt('type', () => pick(['unavailable', 'error', 'subscribe', '']))}><x xmlns='http://jabber.org/protocol/muc#user'>${Array.from({ length: int(3) }, mucItem).join('')}${Array.from({ length: int(4) }, status).join('')}${chance(0.2) ? `<destroy${opt('jid', jid)}><reason>${text()}</reason></destroy>` : ''}</x>${chance(0.3) ? `<occupant-id xmlns='urn:xmpp:occupant-id:0'${opt('id', id)}/>` : ''}${chance(0.2) ? `<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>` : ''}</presence>`,
    groupchat: () =>
      `<message type='groupchat'${opt('from', () => pick([`${ctx.room}/nick`, ctx.room, jid()]))}${opt('id', id)}>${chance(0.3) ? `<subject>${text()}</subject>` : body()}${chance(0.3) ? `<stanza-id xmlns='urn:xmpp:sid:0'${opt('by', jid)}${opt('id', id)}/>` : ''}${chance(0.2) ? `<delay xmlns='urn:xmpp:delay'${opt('stamp', stamp)}/>` : ''}</message>`,
    mucInvite: () => {
      const name = pick(['invite', 'decline']);
      return `<message${opt('from', jid)}><x xmlns='http://jabber.org/protocol/muc#user'><${name}${opt('from', jid)}${opt('to', jid)}><reason>${text()}</reason></${name}>${chance(0.5) ? `<password>${text()}</password>` : ''}</x></message>`;
    },
    directInvite: () =>
      `<message${opt('from', jid)}><x xmlns='jabber:x:conference'${opt('jid', jid)}${opt('password', text)}${opt('reason', text)}${opt('continue', () => pick(['true', 'x']))}/></message>`,
    bookmarks: () =>
      `<message${opt('from', () => pick([ctx.own, ctx.peer, '']))}>${event('urn:xmpp:bookmarks:1', chance(0.3) ? `<retract${opt('id', jid)}/>` : item(`<conference xmlns='urn:xmpp:bookmarks:1'${opt('name', text)}${opt('autojoin', () => pick(['true', '1', 'false', 'maybe']))}>${chance(0.6) ? `<nick>${text()}</nick>` : ''}${chance(0.3) ? `<password>${text()}</password>` : ''}</conference>`))}</message>`,
    mds: () =>
      `<message${opt('from', () => pick([ctx.own, ctx.peer]))}>${event('urn:xmpp:mds:displayed:0', item(`<displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0'${opt('by', jid)}${opt('id', id)}/></displayed>`))}</message>`,
    rosterPush: () =>
      `<iq type='set'${opt('id', id)}${opt('from', () => pick([ctx.own, ctx.peer, ctx.domain, '']))}><query xmlns='jabber:iq:roster'${opt('ver', id)}>${Array.from({ length: 1 + int(3) }, () => `<item${opt('jid', jid)}${opt('name', text)}${opt('subscription', () => pick(['none', 'to', 'from', 'both', 'remove', 'all']))}${opt('ask', () => pick(['subscribe', 'x']))}>${chance(0.5) ? `<group>${text()}</group>` : ''}</item>`).join('')}</query></iq>`,
    sm: () =>
      pick([
        `<r xmlns='urn:xmpp:sm:3'/>`,
        `<a xmlns='urn:xmpp:sm:3'/>`,
        `<a xmlns='urn:xmpp:sm:3' h='x'/>`,
        `<a xmlns='urn:xmpp:sm:3' h='-1'/>`,
        `<enabled xmlns='urn:xmpp:sm:3' id='x'/>`,
        `<resumed xmlns='urn:xmpp:sm:3'/>`,
        `<failed xmlns='urn:xmpp:sm:3'/>`,
      ]),
    receiptsMarkers: () =>
      `<message${opt('from', jid)}${opt('type', type)}${opt('id', id)}>${pick([`<received xmlns='urn:xmpp:receipts'${opt('id', id)}/>`, `<request xmlns='urn:xmpp:receipts'/>`, `<${pick(['displayed', 'received', 'acknowledged', 'markable'])} xmlns='urn:xmpp:chat-markers:0'${opt('id', id)}/>`])}${chance(0.3) ? body() : ''}</message>`,
    retraction: () =>
      `<message${opt('from', jid)}${opt('type', type)}>${pick([`<retract xmlns='urn:xmpp:message-retract:1'${opt('id', id)}/>`, `<apply-to xmlns='urn:xmpp:fasten:0'${opt('id', id)}><retract xmlns='urn:xmpp:message-retract:0'/></apply-to>`, `<retract xmlns='urn:xmpp:message-retract:1'${opt('id', id)}><moderated xmlns='urn:xmpp:message-moderate:1'${opt('by', jid)}/><reason>${text()}</reason></retract>`, `<moderated xmlns='urn:xmpp:message-moderate:1'${opt('by', jid)}><retract xmlns='urn:xmpp:message-retract:1'/></moderated>`])}</message>`,
    messageError: () =>
      `<message type='error'${opt('from', jid)}${opt('id', id)}><error${opt('type', () => pick(['cancel', 'wait', 'auth', 'modify', 'x']))}><${pick(['remote-server-not-found', 'service-unavailable', 'forbidden', 'not-a-condition'])} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>${text()}</text></error></message>`,
    iqRequest: () =>
      `<iq type='${pick(['get', 'set'])}'${opt('id', id)}${opt('from', jid)}><${pick(['query', 'ping', 'time', 'vcard', 'pubsub'])} xmlns='${pick(['http://jabber.org/protocol/disco#info', 'urn:xmpp:ping', 'jabber:iq:version', 'urn:xmpp:time', 'vcard-temp', 'urn:x:unknown', 'http://jabber.org/protocol/pubsub'])}'/></iq>`,
    iqResponse: () =>
      `<iq type='${pick(['result', 'error'])}'${opt('id', () => pick(['', 'x', `bind-${int(9)}`, 'a'.repeat(200)]))}${opt('from', jid)}>${chance(0.5) ? `<query xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:mam:2'/></query>` : ''}</iq>`,
    presence: () =>
      `<presence${opt('from', jid)}${opt('type', () => pick(['subscribe', 'subscribed', 'unsubscribe', 'unsubscribed', 'unavailable', 'probe', 'error', 'x']))}>${chance(0.5) ? `<show>${pick(['away', 'xa', 'dnd', 'chat', 'x'])}</show>` : ''}${chance(0.5) ? `<status>${text()}</status>` : ''}${chance(0.5) ? `<priority>${num()}</priority>` : ''}${chance(0.4) ? `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='${esc(text())}' ver='${esc(text())}'/>` : ''}${chance(0.2) ? `<nick xmlns='http://jabber.org/protocol/nick'>${text()}</nick>` : ''}</presence>`,
    chatMessage: () =>
      `<message${opt('from', jid)}${opt('to', jid)}${opt('type', type)}${opt('id', id)}>${body()}${chance(0.3) ? `<replace xmlns='urn:xmpp:message-correct:0'${opt('id', id)}/>` : ''}${chance(0.3) ? `<reply xmlns='urn:xmpp:reply:0'${opt('to', jid)}${opt('id', id)}/>` : ''}${chance(0.3) ? `<reference xmlns='urn:xmpp:reference:0' type='mention'${opt('uri', () => `xmpp:${jid()}`)}${opt('begin', num)}${opt('end', num)}/>` : ''}${chance(0.3) ? `<${pick(['active', 'composing', 'paused', 'gone'])} xmlns='http://jabber.org/protocol/chatstates'/>` : ''}${chance(0.2) ? `<delay xmlns='urn:xmpp:delay'${opt('stamp', stamp)}/>` : ''}</message>`,
  };

  // Sheer size, each still one well-formed stanza under 1 MiB.
  const sized: Record<string, () => string> = {
    hugeAttribute: () => `<message from='${ctx.peer}/x' type='chat' id='${'i'.repeat(200_000 + int(300_000))}'>${body()}</message>`,
    deepNesting: () => {
      const depth = 10_000;
      return `<message from='${ctx.peer}/x' type='chat'>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}${body()}</message>`;
    },
    tenThousandChildren: () =>
      pick([
        `<message from='${ctx.peer}/x' type='chat'>${'<body>b</body>'.repeat(10_000)}</message>`,
        `<message from='${ctx.peer}'>${event('eu.siacs.conversations.axolotl.devicelist', item(`<list xmlns='eu.siacs.conversations.axolotl'>${Array.from({ length: 10_000 }, (_, i) => `<device id='${i + 1}'/>`).join('')}</list>`))}</message>`,
        `<iq type='set' id='push' from='${ctx.own}'><query xmlns='jabber:iq:roster'>${Array.from({ length: 10_000 }, (_, i) => `<item jid='c${i}@${ctx.domain}' subscription='both'/>`).join('')}</query></iq>`,
        `<presence from='${ctx.room}/big'><x xmlns='http://jabber.org/protocol/muc#user'>${"<status code='110'/>".repeat(10_000)}</x></presence>`,
      ]),
    manyReferences: () => `<message from='${ctx.peer}/x' type='chat'><body>${'&amp;&#x1F600;&lt;&#65;'.repeat(20_000)}</body></message>`,
  };

  // A random tree from the vocabulary of all of the above.
  const NAMES = [
    'message',
    'presence',
    'iq',
    'body',
    'x',
    'item',
    'items',
    'event',
    'forwarded',
    'result',
    'received',
    'sent',
    'encrypted',
    'header',
    'key',
    'list',
    'device',
    'query',
    'error',
    'delay',
    'stanza-id',
  ];
  const NSS = [
    'jabber:client',
    'urn:xmpp:carbons:2',
    'urn:xmpp:mam:2',
    'urn:xmpp:forward:0',
    'eu.siacs.conversations.axolotl',
    'http://jabber.org/protocol/muc#user',
    'http://jabber.org/protocol/pubsub#event',
    'jabber:iq:roster',
    'urn:xmpp:sm:3',
    'urn:xmpp:sid:0',
    'x:unknown',
  ];
  const ATTRS = ['from', 'to', 'id', 'type', 'node', 'jid', 'rid', 'sid', 'h', 'queryid', 'by', 'code', 'stamp', 'xml:lang'];
  const randomTree = (depth: number): string => {
    const name = pick(NAMES);
    const attrs = Array.from({ length: int(4) }, () => {
      const a = pick(ATTRS);
      return ` ${a}='${esc(pick([jid(), id(), num(), text().slice(0, 50)]))}'`;
    });
    const ns = chance(0.5) ? ` xmlns='${pick(NSS)}'` : '';
    const unique = [...new Set(attrs.map((s) => s.split('=')[0]))].map((k) => attrs.find((s) => s.startsWith(k!))!).join('');
    const kids = depth < 5 ? Array.from({ length: int(4) }, () => (chance(0.3) ? text() : randomTree(depth + 1))).join('') : '';
    return `<${name}${ns}${unique}>${kids}</${name}>`;
  };
  const random = () => {
    const top = pick(['message', 'presence', 'iq']);
    const inner = Array.from({ length: 1 + int(3) }, () => randomTree(1)).join('');
    return `<${top}${opt('from', jid)}${opt('type', () => pick(['chat', 'get', 'set', 'result', 'error', 'groupchat', 'x']))}${opt('id', id)}>${inner}</${top}>`;
  };

  const targetedNames = Object.keys(targeted);
  const sizedNames = Object.keys(sized);
  /** The next stanza and what kind it is (for the report of a failure). */
  return function next(): { kind: string; xml: string } {
    const r = rng();
    if (r < 0.01) {
      const k = pick(sizedNames);
      return { kind: k, xml: sized[k]!() };
    }
    if (r < 0.3) return { kind: 'random', xml: random() };
    const k = pick(targetedNames);
    return { kind: k, xml: targeted[k]!() };
  };
}
