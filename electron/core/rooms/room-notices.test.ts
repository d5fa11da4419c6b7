// Room notices are sentences the core writes around nicknames and a moderator's reason (presence.ts): those
// are the network's, and an override in them must end with them (issue #11 §6), or "was removed from
// the room" and the closing quote would be shown reversed.
import { describe, expect, it } from 'vitest';
import { removalNotice, roleNotice } from './rooms.js';

const RLO = '\u202E';
const PDF = '\u202C';
const [FSI, PDI] = ['\u2068', '\u2069'];

describe('room notices', () => {
  it('isolate the nicknames and the reason, so the words after them keep their order', () => {
    expect(removalNotice(`eve${RLO}`, 'kicked', `mod${RLO}`, `spam${RLO}`))
      .toBe(`${FSI}eve${RLO}${PDF}${PDI} was removed from the room by ${FSI}mod${RLO}${PDF}${PDI}: “${FSI}spam${RLO}${PDF}${PDI}”`);
    expect(removalNotice('שרה', 'banned')).toBe(`${FSI}שרה${PDI} was banned from the room.`);
    expect(roleNotice(`eve${RLO}`, 'participant', 'moderator')).toBe(`${FSI}eve${RLO}${PDF}${PDI} is now a moderator.`);
  });

  it('leave plain left-to-right names and reasons as they are', () => {
    expect(removalNotice('Carol', 'kicked', 'Alice', 'Too loud')).toBe('Carol was removed from the room by Alice: “Too loud”');
    expect(roleNotice(undefined, 'participant', 'visitor')).toBe('You can no longer speak in this room (a moderator took the voice away).');
  });
});
