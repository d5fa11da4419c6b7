// Limits that both sides of the IPC contract must agree on (no imports: the renderer uses them too).

/**
 * The longest message body chat:send accepts, in UTF-16 code units (JavaScript's string length, which
 * is what zod's max counts). The composer says so before sending; the browser host's frame limit
 * derives from it (issue #11 §4).
 */
export const MAX_MESSAGE_LENGTH = 100_000;
