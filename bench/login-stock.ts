// The stock @xmpp/client login, run in its own process so that NODE_EXTRA_CA_CERTS (the only way to
// make it trust the test server) applies and its CPU time is measured apart from Vireo's.
// argv: service domain username password count → prints one JSON line { cpuMs: number[] }.
import { client } from '@xmpp/client';

const [service, domain, username, password, countArg] = process.argv.slice(2) as [string, string, string, string, string];
const cpuMs: number[] = [];
for (let i = 0; i < Number(countArg); i++) {
  const xmpp = client({ service, domain, username, password, resource: `stock-${i}` });
  xmpp.on('error', () => {});
  const before = process.cpuUsage();
  await xmpp.start();
  const used = process.cpuUsage(before);
  cpuMs.push((used.user + used.system) / 1000);
  await xmpp.stop();
}
console.log(JSON.stringify({ cpuMs }));
