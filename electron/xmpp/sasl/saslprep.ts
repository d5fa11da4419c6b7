// SASLprep (RFC 4013), the stringprep profile (RFC 3454) that SCRAM applies to passwords (RFC 5802
// §2.2) and that servers apply to the passwords they store (Prosody's util.sasl.scram, for one). Plain
// NFKC is not enough: "a\u00ADb" (a soft hyphen) is "ab" to the server, so a client that only
// normalises computes a different key and the right password is refused.
// https://www.rfc-editor.org/rfc/rfc4013 — https://www.rfc-editor.org/rfc/rfc3454

/** RFC 4013 §2.1 + RFC 3454 C.1.2: non-ASCII space characters, mapped to SPACE. (First, as in the RFC.) */
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/gu;
/** RFC 3454 B.1: "commonly mapped to nothing". */
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

/** RFC 4013 §2.3: the prohibited output, RFC 3454 C.2.1–C.9 (C.1.2 is already mapped to SPACE). */
const PROHIBITED = new RegExp(
  [
    '[\\u0000-\\u001F\\u007F]', // C.2.1 ASCII control characters
    '[\\u0080-\\u009F\\u06DD\\u070F\\u180E\\u200C\\u200D\\u2028\\u2029\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFC\\u{1D173}-\\u{1D17A}]', // C.2.2
    '[\\uE000-\\uF8FF\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]', // C.3 private use
    '[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{4FFFE}\\u{4FFFF}\\u{5FFFE}\\u{5FFFF}\\u{6FFFE}\\u{6FFFF}\\u{7FFFE}\\u{7FFFF}\\u{8FFFE}\\u{8FFFF}\\u{9FFFE}\\u{9FFFF}\\u{AFFFE}\\u{AFFFF}\\u{BFFFE}\\u{BFFFF}\\u{CFFFE}\\u{CFFFF}\\u{DFFFE}\\u{DFFFF}\\u{EFFFE}\\u{EFFFF}\\u{FFFFE}\\u{FFFFF}\\u{10FFFE}\\u{10FFFF}]', // C.4 non-characters
    '\\p{Cs}', // C.5 surrogate code points (a lone surrogate in a JavaScript string)
    '[\\uFFF9-\\uFFFD]', // C.6 inappropriate for plain text
    '[\\u2FF0-\\u2FFB]', // C.7 inappropriate for canonical representation
    '[\\u0340\\u0341\\u200E\\u200F\\u202A-\\u202E]', // C.8 change display properties (206A-206F above)
    '[\\u{E0001}\\u{E0020}-\\u{E007F}]', // C.9 tagging characters
    // RFC 3454 §7 / RFC 5802 §2.2 (passwords are "stored strings"): unassigned code points are
    // prohibited. Table A.1 is Unicode 3.2's; the current Unicode is the closest JavaScript knows, so a
    // character assigned since 3.2 passes here (the server then decides).
    '\\p{Cn}',
  ].join('|'),
  'u',
);

/** RFC 3454 D.1: characters with bidirectional property R or AL. */
const RAND_AL =
  /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u063A\u0640-\u064A\u066D-\u066F\u0671-\u06D5\u06DD\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710\u0712-\u072C\u0780-\u07A5\u07B1\u200F\uFB1D\uFB1F-\uFB28\uFB2A-\uFB36\uFB38-\uFB3C\uFB3E\uFB40\uFB41\uFB43\uFB44\uFB46-\uFBB1\uFBD3-\uFD3D\uFD50-\uFD8F\uFD92-\uFDC7\uFDF0-\uFDFC\uFE70-\uFE74\uFE76-\uFEFC]/u;
/**
 * RFC 3454 D.2: bidirectional property L. Approximated as the letters of left-to-right scripts (the
 * table is long); it errs towards accepting, and the server has the last word.
 */
const L_CAT = /(?![\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}])\p{L}/u;

export class SaslPrepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslPrepError';
  }
}

/** The password as SCRAM must hash it; throws SaslPrepError for a password SASLprep forbids. */
export function saslprep(input: string): string {
  const mapped = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '');
  const out = mapped.normalize('NFKC');
  const bad = PROHIBITED.exec(out);
  if (bad) {
    const cp = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new SaslPrepError(`the password contains a character that cannot be used to sign in (U+${cp})`);
  }
  // RFC 3454 §6: a string with right-to-left characters has no left-to-right ones, and starts and ends
  // with right-to-left ones.
  if (RAND_AL.test(out)) {
    const chars = [...out];
    if (L_CAT.test(out) || !RAND_AL.test(chars[0]!) || !RAND_AL.test(chars.at(-1)!)) {
      throw new SaslPrepError('the password mixes right-to-left and left-to-right text in a way that cannot be used to sign in');
    }
  }
  return out;
}
