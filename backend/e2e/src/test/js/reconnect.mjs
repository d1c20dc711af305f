// Browser test 4: the homeowner's connection drops while the visitor sends three messages;
// after reconnect the homeowner has all three, once each, in order. Meanwhile a second visitor
// rings: the live `ring` never reaches the offline dashboard, so the ring alert must come from the
// re-read of the ringing sessions after the reconnect.
import { randomUUID } from 'node:crypto';
import { launch, newPage, shot, homeownerWithDoor, ringAndAccept, sendChat, waitState, message, bodies, assert, log, sleep, main, apiCall } from './lib.mjs';

main(async (browsers) => {
  const browser = await launch();
  browsers.push(browser);
  const { page: home, context: homeCtx } = await newPage(browser, 'homeowner', { mobile: false });
  const { page: visitor } = await newPage(browser, 'visitor');
  const { door } = await homeownerWithDoor(home);
  await ringAndAccept(home, visitor, door.qrSlug);
  await sendChat(visitor, 'Before the drop');
  await message(home, 'Before the drop', false).waitFor({ timeout: 20000 });

  log('homeowner goes offline');
  await homeCtx.setOffline(true);
  // Emulated offline stops new connections; close the live websocket too, as a dead network would.
  await home.evaluate(() => {
    window.__qring.signaling.io.engine.close();
    if (window.__qring.dashboard) window.__qring.dashboard.io.engine.close();
  });
  await home.getByTestId('connection-banner').waitFor({ timeout: 20000 });
  await shot(home, 'homeowner-reconnecting');

  const texts = ['One: are you there?', 'Two: I will wait a minute', 'Three: leaving it by the door'];
  for (const t of texts) {
    await sendChat(visitor, t);
    await waitState(visitor, t, 'saved', 10000).catch(async () => {
      const st = await visitor.locator('[data-testid="chat-message"]', { hasText: t }).getAttribute('data-state');
      if (!['saved', 'delivered', 'read'].includes(st)) throw new Error(`${t} not saved (state ${st})`);
    });
  }
  log('a second visitor rings while the homeowner is offline');
  const missed = await apiCall('/visitor-sessions', {
    method: 'POST',
    body: { qrSlug: door.qrSlug, requestId: randomUUID(), visitorName: 'Milo Missed', purpose: 'Rang while you were offline' },
  });
  const missedAlert = home.locator(`[data-testid="ring-alert"][data-session-id="${missed.session.id}"]`);
  await sleep(500);
  assert((await message(home, texts[0], false).count()) === 0, 'offline homeowner has not received anything yet');
  assert((await missedAlert.count()) === 0, 'offline homeowner has not heard the second ring yet');

  log('homeowner back online');
  await homeCtx.setOffline(false);
  const t0 = Date.now();
  await message(home, texts[2], false).waitFor({ timeout: 20000 });
  const catchUpMs = Date.now() - t0;
  await home.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 20000 });
  await sleep(1000);
  const all = await bodies(home);
  const got = all.filter((b) => texts.includes(b));
  assert(JSON.stringify(got) === JSON.stringify(texts), `all three once, in order: ${JSON.stringify(got)}`);
  assert(all.filter((b) => b === 'Before the drop').length === 1, 'earlier message not doubled');
  for (const t of texts) await waitState(visitor, t, 'read', 10000);
  await shot(home, 'homeowner-after-reconnect');

  log('the ring missed while offline shows after the reconnect');
  await missedAlert.waitFor({ timeout: 20000 });
  const missedRingVisitor = await missedAlert.getByTestId('ring-visitor').textContent();
  assert(missedRingVisitor === 'Milo Missed', `the caught-up ring alert names the visitor (got ${missedRingVisitor})`);
  return { catchUpMs, homeBodies: all, missedRingShown: true, missedRingVisitor };
});
