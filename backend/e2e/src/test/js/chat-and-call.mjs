// Browser test 1: visitor rings, homeowner accepts, chat both ways reaching `read`; then (when
// QRING_CALL=1) the homeowner starts a video call with relay-only on: both sides connect through
// coturn (typ relay candidates, relay pair, remote frames decoded), hang up, both show ended.
import { runCall } from './call.mjs';
import { BASE, launch, newPage, shot, signUpInUi, createDoorInUi, ringAsVisitor, sendChat, waitState, message, bodies, assert, log, main, cspViolations } from './lib.mjs';

const withCall = process.env.QRING_CALL === '1';

main(async (browsers) => {
  const browser = await launch();
  browsers.push(browser);
  const { page: home } = await newPage(browser, 'homeowner', { mobile: false });
  const { page: visitor } = await newPage(browser, 'visitor');
  const stamp = Date.now();

  const token = await signUpInUi(home, { email: `owner-${stamp}@example.test`, password: 'correct horse battery', name: 'Ada Owner' });
  assert(token && token.startsWith('qh_'), 'homeowner token stored');
  const { slug } = await createDoorInUi(home, 'Front door');
  await shot(home, 'homeowner-doors');
  if (withCall) await home.goto(`${BASE}/app?relay=1`);
  else await home.goto(`${BASE}/app`);
  await home.locator('[data-testid="feed-connection"][data-state="online"]').waitFor({ timeout: 30000 });

  await visitor.goto(`${BASE}/d/${slug}${withCall ? '?relay=1' : ''}`);
  await visitor.getByTestId('door-label').waitFor();
  await visitor.getByTestId('visitor-name').fill('Vera Visitor');
  await visitor.getByTestId('visitor-purpose').fill('Parcel delivery');
  await shot(visitor, 'visitor-door-page');
  await visitor.getByTestId('ring-button').click();
  await visitor.locator('[data-testid="visitor-session"][data-status="ringing"]').waitFor();
  await shot(visitor, 'visitor-ringing');

  log('homeowner is rung');
  await home.getByTestId('ring-alert').waitFor({ timeout: 30000 });
  const ringName = await home.getByTestId('ring-visitor').textContent();
  assert(ringName === 'Vera Visitor', 'ring shows the visitor name');
  await shot(home, 'homeowner-ring-alert');
  await home.getByTestId('ring-accept').click();
  await home.locator('[data-testid="homeowner-session"][data-status="active"]').waitFor({ timeout: 30000 });
  await visitor.locator('[data-testid="visitor-session"][data-status="active"]').waitFor({ timeout: 30000 });

  log('chat both ways');
  await sendChat(visitor, 'Hello, I have a parcel for you');
  await message(home, 'Hello, I have a parcel for you', false).waitFor({ timeout: 20000 });
  await waitState(visitor, 'Hello, I have a parcel for you', 'read');
  await sendChat(home, 'Coming down, one minute!');
  await message(visitor, 'Coming down, one minute!', false).waitFor({ timeout: 20000 });
  await waitState(home, 'Coming down, one minute!', 'read');
  const visitorBodies = await bodies(visitor);
  const homeBodies = await bodies(home);
  assert(JSON.stringify(visitorBodies) === JSON.stringify(homeBodies), `both sides show the same chat: ${visitorBodies} vs ${homeBodies}`);
  await shot(visitor, 'visitor-chat');
  await shot(home, 'homeowner-session-chat');

  // The realtime sockets run over WebSocket under the page's CSP (connect-src 'self'): no fallback to polling.
  const transport = (page, which) =>
    page.evaluate((w) => {
      const s = window.__qring && window.__qring[w];
      return s && s.connected ? s.io.engine.transport.name : null;
    }, which);
  const sockets = { visitorSignaling: await transport(visitor, 'signaling'), homeSignaling: await transport(home, 'signaling') };
  log('socket transports', JSON.stringify(sockets));
  for (const [k, v] of Object.entries(sockets)) assert(v === 'websocket', `${k} socket is connected over websocket (got ${v})`);

  let call = null;
  if (withCall) call = await runCall(home, visitor, { iceRestart: true });
  assert(cspViolations.length === 0, `no Content-Security-Policy violations: ${cspViolations.join(' | ')}`);

  // History and the printable QR, for the screenshots in docs/.
  await home.goto(`${BASE}/app/history`);
  await home.locator('[data-testid="session-row"]').first().waitFor({ timeout: 20000 });
  await shot(home, 'homeowner-history');
  await home.goto(`${BASE}/app/doors`);
  await home.getByTestId('door-print').first().click();
  await home.getByTestId('print-qr').waitFor({ timeout: 20000 });
  await shot(home, 'homeowner-print-qr');

  return { slug, visitorBodies, homeBodies, readStates: true, sockets, call };
});
