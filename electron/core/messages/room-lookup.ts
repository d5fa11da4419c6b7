// What the message path asks of the rooms feature. Rooms are built on the message path and import it
// (rooms/ → messages/), so the message path names only what it needs of them, and the composition root
// hands it the rooms service once that is built (kernel/late.ts).
import type { OccupantView } from '../../../shared/views.js';

export interface RoomLookup {
  /** The user's nickname in a room. */
  nickIn(accountId: string, jid: string): string | undefined;
  /** Whether we are in the room now. */
  isJoined(accountId: string, jid: string): boolean;
  /** Whether this bare JID is a room the user is in. */
  isRoom(accountId: string, jid: string): boolean;
  /** A room's configured name, once known. */
  nameOf(accountId: string, jid: string): string | undefined;
  /** Whether a room's history was caught up since it was last joined. */
  isCaughtUp(accountId: string, jid: string): boolean;
  /** A room's state changed for the window. */
  announce(accountId: string, jid: string): void;
  /** Whether we may moderate in a room, and what it supports. */
  moderationFacts(accountId: string, jid: string): { joined: boolean; role?: OccupantView['role']; features: Set<string> } | undefined;
}
