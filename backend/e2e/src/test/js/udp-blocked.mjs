// Browser test 2 (the seed's failover test): the visitor's Chromium runs in a network namespace
// where UDP is dropped; the homeowner's Chromium, the QRing server and coturn are in another.
// The server issues UDP and TLS TURN entries; the call connects over turns: with no user action
// and the visitor's badge says TLS relay.
//
// Only the homeowner is relay-only (`?relay=1`, the per-browser operator setting, remembered in
// localStorage); the visitor's page runs the default ICE policy ('all'): it gathers host candidates
// and tries them, but with UDP dropped on its side and a relay-only far end (TURN relays are UDP), the
// only pair that works is its own turns: (TLS) allocation, which ICE finds by itself.
//
// Env: QRING_BASE_URL (same URL in both namespaces: 127.0.0.1:PORT), QRING_NETNS_SERVER,
// QRING_NETNS_CLIENT, QRING_HOST_EXCLUDES (the TURN address).
import { BASE, launch, newPage, shot, assert, log, main } from './lib.mjs';
import { runCall } from './call.mjs';

main(async (browsers) => {
  const homeBrowser = await launch({ netns: process.env.QRING_NETNS_SERVER });
  browsers.push(homeBrowser);
  const visitorBrowser = await launch({ netns: process.env.QRING_NETNS_CLIENT });
  browsers.push(visitorBrowser);
  const { page: home } = await newPage(homeBrowser, 'homeowner', { mobile: false });
  const { page: visitor } = await newPage(visitorBrowser, 'visitor');

  // Setup through the homeowner's page (the API is only reachable inside the namespaces).
  await home.goto(`${BASE}/app?relay=1`);
  const { token, door } = await home.evaluate(async () => {
    const post = async (path, body, token) => {
      const res = await fetch(`/api/v1${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const { token } = await post('/auth/signup', { email: `netns-${Date.now()}@example.test`, password: 'correct horse battery', displayName: 'Ada Owner' });
    const { door } = await post('/doors', { label: 'Back gate' }, token);
    localStorage.setItem('qring.token', token);
    return { token, door };
  });
  assert(token, 'signed up');
  await home.goto(`${BASE}/app`);
  await home.locator('[data-testid="feed-connection"][data-state="online"]').waitFor({ timeout: 30000 });

  // The visitor's ICE servers: UDP gathers nothing here (no error either), TLS works. Default ICE policy.
  await visitor.goto(`${BASE}/d/${door.qrSlug}`);
  await visitor.getByTestId('visitor-name').fill('Vera Visitor');
  await visitor.getByTestId('visitor-purpose').fill('Behind a UDP-blocking firewall');
  await visitor.getByTestId('ring-button').click();
  await home.getByTestId('ring-alert').waitFor({ timeout: 30000 });
  await home.getByTestId('ring-accept').click();
  await visitor.locator('[data-testid="visitor-session"][data-status="active"]').waitFor({ timeout: 30000 });
  await home.locator('[data-testid="homeowner-session"][data-status="active"]').waitFor({ timeout: 30000 });

  // The screenshot is taken while the call is up and the badge says TLS relay (runCall hangs up afterwards).
  const call = await runCall(home, visitor, {
    shots: false,
    visitorRelayOnly: false,
    whileConnected: async ({ visitorBadge }) => {
      assert(/TLS/.test(visitorBadge), `visitor badge says TLS relay (got ${visitorBadge})`);
      await visitor.locator('[data-testid="call-badge"][data-protocol="tls"]').waitFor({ timeout: 5000 });
      await shot(visitor, 'visitor-udp-blocked-tls-relay');
    },
  });
  log('visitor badge', call.visitorBadge);
  log('visitor local candidate types', [...new Set(call.visitor.localCandidates.map((c) => `${c.type}/${c.relayProtocol || c.protocol}`))].join(' '));
  assert(call.visitor.iceTransportPolicy === 'all', `visitor runs the default ICE policy (got ${call.visitor.iceTransportPolicy})`);
  assert(call.visitor.localCandidates.some((c) => c.type === 'host'), 'visitor gathered host candidates too (nothing forced relay on its side)');
  assert(call.visitor.relayProtocol === 'tls', `visitor relays over TLS (got ${call.visitor.relayProtocol})`);
  assert(/TLS/.test(call.visitorBadge), `visitor badge says TLS relay (got ${call.visitorBadge})`);
  return { call };
});
