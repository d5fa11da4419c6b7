// XEP-0411: Bookmarks Conversion — https://xmpp.org/extensions/xep-0411.html
// A server that advertises this feature on the account "synchronizes" XEP-0048 bookmarks between
// XEP-0049 private XML storage and the PEP node 'storage:bookmarks' (XEP-0048 §3.3, XEP-0223), in both
// directions. Clients then use PEP: its notifications tell every device at once, also of a change a
// client made through private storage. (ejabberd 23.01 advertises this, not XEP-0402's #compat.)

export const BOOKMARKS_CONVERSION_FEATURE = 'urn:xmpp:bookmarks-conversion:0';
