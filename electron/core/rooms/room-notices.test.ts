// Room notices are stored as what happened (shared/notices.ts) and worded by the window
// (renderer/src/lib/notice-text.ts, whose tests hold the sentences): which presences make one, and what
// it records. The nicknames and the reason are the network's, kept as they came (the window isolates them).
import { describe, expect, it } from 'vitest';
import { removalNotice, roleNotice } from './rooms.js';

const RLO = '\u202E';

describe('room notices', () => {
  it('a kick or a ban records who, by whom and why, as the network said them', () => {
    expect(removalNotice(`eve${RLO}`, 'kicked', `mod${RLO}`, `spam${RLO}`)).toEqual({
      kind: 'removed',
      nick: `eve${RLO}`,
      cause: 'kicked',
      actor: `mod${RLO}`,
      reason: `spam${RLO}`,
    });
    expect(removalNotice('שרה', 'banned')).toEqual({ kind: 'removed', nick: 'שרה', cause: 'banned' });
  });

  it('a removal for lost membership records only who; an ordinary leave or a shutdown makes no notice', () => {
    expect(removalNotice('Carol', 'affiliation', 'Alice', 'x')).toEqual({ kind: 'removed', nick: 'Carol', cause: 'affiliation' });
    expect(removalNotice('Carol', 'members-only')).toEqual({ kind: 'removed', nick: 'Carol', cause: 'members-only' });
    expect(removalNotice('Carol', undefined)).toBeUndefined();
    expect(removalNotice('Carol', 'shutdown')).toBeUndefined();
  });

  it('a role change records what changed, for someone or for the user; no change, no notice', () => {
    expect(roleNotice(undefined, 'participant', 'visitor')).toEqual({ kind: 'role', change: 'voice-taken' });
    expect(roleNotice('Bob', 'visitor', 'participant')).toEqual({ kind: 'role', nick: 'Bob', change: 'voice-given' });
    expect(roleNotice('Bob', 'participant', 'moderator')).toEqual({ kind: 'role', nick: 'Bob', change: 'moderator' });
    expect(roleNotice(undefined, 'moderator', 'participant')).toEqual({ kind: 'role', change: 'moderator-taken' });
    expect(roleNotice('Bob', 'participant', 'participant')).toBeUndefined();
    expect(roleNotice('Bob', 'participant', 'none')).toBeUndefined();
  });
});
