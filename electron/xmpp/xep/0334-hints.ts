// XEP-0334: Message Processing Hints — https://xmpp.org/extensions/xep-0334.html
// Hints are added by the features that need them (carbons' <no-copy/>, <store/> for encrypted and retraction messages).
export const NS_HINTS = 'urn:xmpp:hints';
