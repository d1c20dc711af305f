// Connects with the given homeowner and visitor tokens and reports how and when each socket ends: a socket must
// not outlive its token. Args: <baseUrl> <homeownerToken> <visitorToken> <tokensIssuedAtEpochMs> <waitMs>.
import { connect } from './lib.mjs';

const [, , , token, visitorToken, issuedAt, waitMs] = process.argv;
const socks = {
  signalingHomeowner: await connect('/realtime/signaling', { token }),
  dashboardHomeowner: await connect('/realtime/dashboard', { token }),
  signalingVisitor: await connect('/realtime/signaling', { visitorToken }),
};
const reasons = {};
const afterMs = {};
await Promise.all(Object.entries(socks).map(([name, s]) => new Promise((resolve) => {
  const t = setTimeout(() => { reasons[name] = 'still connected'; resolve(); }, Number(waitMs));
  s.on('disconnect', (reason) => {
    clearTimeout(t);
    reasons[name] = reason;
    afterMs[name] = Date.now() - Number(issuedAt);
    resolve();
  });
})));
for (const s of Object.values(socks)) s.close();
console.log('RESULT ' + JSON.stringify({ reasons, afterMs }));
process.exit(0);
