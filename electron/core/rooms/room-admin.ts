// Room creation with configuration, administration and moderation (XEP-0045 §8–§10):
// - a room created "reserved" stays locked while its owner fills in the configuration form, which is
//   submitted or cancelled (a cancelled new room is destroyed); owners reopen it later (§10.2);
// - kick, voice and moderator status by nickname (roles, §8 and §9.6–§9.7); ban, membership, admin and
//   owner status by real address (affiliations, §9 and §10), and the lists of each;
// - the subject (§8.1).
// The room decides what the user may do: refusals come back as Result values with a code in words.
// What the UI offers is decided from the same tables in OccupantActions.svelte.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import { randomUUID } from 'node:crypto';
import type { AccountId, BareJid } from '../../../shared/ids.js';
import { fail, ok, type ErrorCode, type Result, type VireoError } from '../../../shared/errors.js';
import type {
  DataFieldView,
  DataFormValue,
  DataFormView,
  RoomAffiliation,
  RoomAffiliationView,
  RoomCreateView,
  RoomRole,
  RoomView,
} from '../../../shared/views.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { RoomService } from './rooms.js';
import { bareOf, parseJid } from '../../xmpp/jid.js';
import { buildCancelForm, buildSubmitFromFields, type ParsedForm, type SubmitValue } from '../../xmpp/xep/0004-data-forms.js';
import { buildSubjectChange } from '../../xmpp/xep/0045-muc.js';
import {
  buildAffiliationListQuery,
  buildConfigRequest,
  buildConfigSubmit,
  buildDestroyRoom,
  buildInstantRoom,
  buildSetAffiliation,
  buildSetRole,
  parseAffiliationList,
  parseConfigForm,
} from '../../xmpp/xep/0045-muc-admin.js';
import { parseMessageError } from '../../xmpp/rfc/6121-message.js';
import { accountKey } from '../../lib/account-key.js';
import { requestIq } from '../../xmpp/iq.js';

/**
 * Refusals of admin and owner requests. §8–§10: a request beyond the user's privileges gets
 * <forbidden/> ("auth") or <not-allowed/> ("cancel") — e.g. §8.4: "If a moderator attempts to revoke
 * voice privileges from such a user, the service MUST deny the request and return a <not-allowed/>
 * error"; §10.2 for a non-owner asking for the configuration: <forbidden/>. Removing the last owner
 * is a <conflict/> (§10.7).
 */
const REFUSALS: Readonly<Record<string, ErrorCode>> = {
  forbidden: 'room-forbidden',
  'not-allowed': 'room-forbidden',
  conflict: 'room-forbidden',
  'item-not-found': 'not-found',
  'not-acceptable': 'invalid-input',
  'bad-request': 'invalid-input',
  'jid-malformed': 'invalid-jid',
};

function refusal(condition: string, text?: string): { ok: false; error: VireoError } {
  return fail(REFUSALS[condition] ?? 'server-error', text ? `${condition}: ${text}` : condition);
}

function fromThrown(err: unknown): { ok: false; error: VireoError } {
  const e = err as { name?: string; condition?: string; text?: string; message?: string };
  if (e?.name === 'StanzaError') return refusal(e.condition ?? 'undefined-condition', e.text || undefined);
  if (e?.name === 'TimeoutError') return fail('timeout');
  if (err instanceof RangeError) return fail('invalid-input', err.message);
  // The stream went away under the request: the same as not being connected.
  return fail('connection-lost', e?.message);
}

/** What the renderer sees of a form: a password's value stays in main (`hasValue` says there is one). */
export function dataFormView(form: ParsedForm): DataFormView {
  const fields: DataFieldView[] = form.fields.map((f) => ({
    ...(f.var !== undefined ? { var: f.var } : {}),
    type: f.type,
    ...(f.label !== undefined ? { label: f.label } : {}),
    ...(f.desc !== undefined ? { desc: f.desc } : {}),
    required: f.required,
    ...(f.type === 'text-private' ? { values: [], hasValue: f.values.some((v) => v !== '') } : { values: [...f.values] }),
    options: f.options.map((o) => ({ ...(o.label !== undefined ? { label: o.label } : {}), value: o.value })),
  }));
  return { ...(form.title ? { title: form.title } : {}), ...(form.instructions ? { instructions: form.instructions } : {}), fields };
}

/**
 * The user's answers for `buildSubmitFromFields`: only fields the form has and the user may fill in
 * ('hidden' and 'fixed' ones are the form's own), a yes/no as a boolean. Throws a RangeError otherwise.
 */
function answersFor(form: ParsedForm, values: Readonly<Record<string, DataFormValue>>): Record<string, SubmitValue> {
  const answers: Record<string, SubmitValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const field = form.fields.find((f) => f.var === name);
    if (!field || field.type === 'fixed' || field.type === 'hidden') throw new RangeError(`The form has no field ${name} to fill in`);
    if (field.type === 'boolean' && typeof value === 'string') answers[name] = value === 'true' || value === '1';
    else answers[name] = value;
  }
  return answers;
}

export interface RoomAdminDeps {
  rooms: RoomService;
  connections: ConnectionService;
  log: Logger;
  /** How long to wait for the room's answer. */
  timeoutMs?: number;
}

export function createRoomAdminService(deps: RoomAdminDeps) {
  const timeoutMs = deps.timeoutMs ?? 15_000;
  /** The configuration form fetched last per room: submitted answers are checked against it (§10.2). */
  const forms = new Map<string, ParsedForm>();
  const roomView = (accountId: string, room: string): RoomView | undefined =>
    deps.rooms.list().find((r) => r.accountId === accountId && r.jid === room);

  async function iq(accountId: AccountId, room: string, type: 'get' | 'set', payload: Element): Promise<Result<Element>> {
    const client = deps.connections.client(accountId);
    if (!client) return fail('not-connected');
    try {
      return ok(await requestIq(client, xml('iq', { type, to: room }, payload), { timeoutMs }));
    } catch (err) {
      return fromThrown(err);
    }
  }

  /** Builds the payload (which may refuse the input with a RangeError), then sends it. */
  async function request(accountId: AccountId, room: string, type: 'get' | 'set', build: () => Element): Promise<Result<Element>> {
    let payload: Element;
    try {
      payload = build();
    } catch (err) {
      return fromThrown(err);
    }
    return iq(accountId, room, type, payload);
  }

  async function getConfig(accountId: AccountId, room: BareJid): Promise<Result<DataFormView>> {
    const res = await iq(accountId, room, 'get', buildConfigRequest());
    if (!res.ok) return res;
    const form = parseConfigForm(res.value);
    if (!form) return fail('server-error', 'the room sent no configuration form');
    forms.set(accountKey(accountId, room), form);
    return ok(dataFormView(form));
  }

  async function create(accountId: AccountId, room: BareJid, nick: string, password?: string): Promise<Result<RoomCreateView>> {
    const joined = await deps.rooms.join(accountId, room, nick, password, { reserved: true });
    if (!joined.ok) return joined;
    if (!joined.value.locked) return ok({ room: joined.value });
    // §10.1.3 "Creating a Reserved Room": "the initial room owner MUST request a configuration form".
    const form = await getConfig(accountId, room);
    if (form.ok) return ok({ room: joined.value, form: form.value });
    // No form to show: rather an instant room with the defaults (§10.1.2) than one locked for good.
    deps.log.info(`no configuration form for a new room (${form.error.code}); created it with the defaults`);
    const instant = await iq(accountId, room, 'set', buildInstantRoom());
    if (!instant.ok) return instant;
    deps.rooms.unlocked(accountId, room);
    return ok({ room: roomView(accountId, room) ?? joined.value });
  }

  async function configure(accountId: AccountId, room: BareJid, values: Record<string, DataFormValue>): Promise<Result<RoomView>> {
    let form = forms.get(accountKey(accountId, room));
    if (!form) {
      const fetched = await getConfig(accountId, room);
      if (!fetched.ok) return fetched;
      form = forms.get(accountKey(accountId, room))!;
    }
    const current = form;
    // Fields the user left alone keep the form's values — among them a password not retyped.
    const res = await request(accountId, room, 'set', () => buildConfigSubmit(buildSubmitFromFields(current, answersFor(current, values))));
    if (!res.ok) return res;
    forms.delete(accountKey(accountId, room));
    // Submitting the first configuration unlocks a new room (§10.1.3). Its name may have changed.
    deps.rooms.unlocked(accountId, room);
    await deps.rooms.refreshInfo(accountId, room);
    const view = roomView(accountId, room);
    return view ? ok(view) : fail('not-found');
  }

  async function cancelConfig(accountId: AccountId, room: BareJid): Promise<Result<null>> {
    forms.delete(accountKey(accountId, room));
    const wasNew = roomView(accountId, room)?.locked === true;
    // §10.1.3 / §10.2: "the owner MAY cancel the configuration process" with a form of type 'cancel';
    // an existing room then keeps its configuration.
    const cancelled = await iq(accountId, room, 'set', buildConfigSubmit(buildCancelForm()));
    if (!wasNew) return cancelled.ok ? ok(null) : cancelled;
    // §10.1.3: "If the initial room owner cancels the configuration form, the service SHOULD destroy
    // the room" — not every service does (Prosody keeps it locked), so the owner leaves and destroys it
    // (§10.9). Leaving first: an empty temporary room is gone already and the destroy then finds nothing.
    deps.rooms.unlocked(accountId, room);
    await deps.rooms.leave(accountId, room);
    const destroyed = await iq(accountId, room, 'set', buildDestroyRoom());
    if (!destroyed.ok && destroyed.error.code !== 'not-found')
      deps.log.info(`new room not destroyed: ${destroyed.error.detail ?? destroyed.error.code}`);
    return ok(null);
  }

  /** §8.1: the room sends the new subject to everyone, or refuses with a message error. */
  async function setSubject(accountId: AccountId, room: BareJid, subject: string): Promise<Result<null>> {
    const client = deps.connections.client(accountId);
    if (!client) return fail('not-connected');
    const view = roomView(accountId, room);
    if (view?.state !== 'joined') return fail('room-forbidden', 'not in the room');
    // Nothing would change: a service may say nothing at all then (Prosody does not re-send it).
    if ((view.subject ?? '') === subject) return ok(null);
    const id = randomUUID();
    const el = buildSubjectChange(room, subject);
    el.attrs.id = id;
    const outcome = new Promise<Result<null>>((resolve) => {
      const done = (r: Result<null>) => {
        clearTimeout(timer);
        client.off('stanza', onStanza);
        resolve(r);
      };
      const timer = setTimeout(() => done(fail('timeout', 'the room did not answer')), timeoutMs);
      function onStanza(s: Element) {
        if (!s.is('message') || bareOf(s.attrs.from) !== room) return;
        const bounced = parseMessageError(s);
        if (bounced && bounced.id === id) return done(refusal(bounced.condition, bounced.text));
        // The room's broadcast of our change comes from our occupant JID (§8.1 example).
        const from = parseJid(s.attrs.from as string | undefined);
        const nick = deps.rooms.nickIn(accountId, room);
        if (s.attrs.type === 'groupchat' && from?.resource === nick && !s.getChild('body') && s.getChildText('subject') === subject)
          done(ok(null));
      }
      client.on('stanza', onStanza);
    });
    try {
      await client.send(el);
    } catch (err) {
      // The listener ends with its timer; answer now.
      return fromThrown(err);
    }
    return outcome;
  }

  return {
    create,
    getConfig,
    configure,
    cancelConfig,
    setSubject,
    async setRole(accountId: AccountId, room: BareJid, nick: string, role: RoomRole, reason?: string): Promise<Result<null>> {
      const res = await request(accountId, room, 'set', () => buildSetRole(nick, role, reason));
      return res.ok ? ok(null) : res;
    },
    async setAffiliation(
      accountId: AccountId,
      room: BareJid,
      jid: BareJid,
      affiliation: RoomAffiliation,
      reason?: string,
    ): Promise<Result<null>> {
      const res = await request(accountId, room, 'set', () => buildSetAffiliation(jid, affiliation, reason));
      return res.ok ? ok(null) : res;
    },
    async listAffiliation(
      accountId: AccountId,
      room: BareJid,
      affiliation: Exclude<RoomAffiliation, 'none'>,
    ): Promise<Result<RoomAffiliationView[]>> {
      const res = await request(accountId, room, 'get', () => buildAffiliationListQuery(affiliation));
      if (!res.ok) return res;
      return ok(
        parseAffiliationList(res.value)
          .filter((i) => i.affiliation === affiliation)
          .map((i) => ({
            jid: i.jid as BareJid,
            affiliation: i.affiliation,
            ...(i.nick ? { nick: i.nick } : {}),
            ...(i.reason ? { reason: i.reason } : {}),
          }))
          .sort((a, b) => a.jid.localeCompare(b.jid)),
      );
    },
  };
}
export type RoomAdminService = ReturnType<typeof createRoomAdminService>;
