// Prints how each namespace answers a CONNECT with the given homeowner and visitor tokens.
import { connectOutcome } from './lib.mjs';

const [, , , token, visitorToken] = process.argv;
const out = {
  signalingHomeowner: await connectOutcome('/realtime/signaling', { token }),
  dashboardHomeowner: await connectOutcome('/realtime/dashboard', { token }),
  signalingVisitor: await connectOutcome('/realtime/signaling', { visitorToken }),
};
console.log('RESULT ' + JSON.stringify(out));
process.exit(0);
