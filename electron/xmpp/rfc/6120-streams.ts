// RFC 6120 §4 XML Streams — https://www.rfc-editor.org/rfc/rfc6120#section-4
// The namespaces of the stream itself; what is sent on it lives in the files of the specs that define it.

/** §4.8.1 "The Stream Namespace": the <stream:stream/>, <stream:features/> and <stream:error/> elements. */
export const NS_STREAMS = 'http://etherx.jabber.org/streams';
/** §4.8.2 "The Content Namespace" of a client stream: message, presence and iq stanzas. */
export const NS_CLIENT = 'jabber:client';
/** §4.9.3 stream error conditions, as children of <stream:error/>. */
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
