// Minimal declarations for xmpp.js packages that ship no types and have no @types package.
declare module '@xmpp/connection-tcp' {
  class ConnectionTCP {
    socketParameters(service: string): unknown;
    Socket: unknown;
    NS: string;
  }
  export default ConnectionTCP;
}
declare module '@xmpp/websocket/lib/Connection.js' {
  class ConnectionWebSocket {
    socketParameters(service: string): unknown;
    Socket: unknown;
  }
  export default ConnectionWebSocket;
}
