// Browser test 3 (the seed's persistence test): PostgreSQL stopped mid-chat -> the sender sees
// "Not saved" and the other side sees nothing; PostgreSQL back -> Retry (or the automatic retry)
// saves it; the other side shows it exactly once.
import { launch, newPage, shot, control, homeownerWithDoor, ringAndAccept, sendChat, waitState, message, bodies, assert, log, sleep, main } from './lib.mjs';

main(async (browsers) => {
  const browser = await launch();
  browsers.push(browser);
  const { page: home } = await newPage(browser, 'homeowner', { mobile: false });
  const { page: visitor } = await newPage(browser, 'visitor');
  const { door } = await homeownerWithDoor(home);
  await ringAndAccept(home, visitor, door.qrSlug);

  await sendChat(visitor, 'Is anyone home?');
  await message(home, 'Is anyone home?', false).waitFor({ timeout: 20000 });
  await waitState(visitor, 'Is anyone home?', 'read');

  log('stopping PostgreSQL');
  await control('db/stop');
  const during = 'Sent while the database was down';
  await sendChat(visitor, during);
  const t0 = Date.now();
  await waitState(visitor, during, 'not_saved', 20000);
  const notSavedAfterMs = Date.now() - t0;
  const label = await visitor.locator('[data-testid="chat-message"][data-state="not_saved"]', { hasText: during }).getByTestId('chat-state').textContent();
  assert(label.startsWith('Not saved'), `sender sees "Not saved" (got ${label})`);
  await visitor.getByTestId('chat-retry').first().waitFor();
  await shot(visitor, 'visitor-not-saved');
  await sleep(1000);
  assert((await message(home, during, false).count()) === 0, 'the other side shows nothing that was not saved');

  log('starting PostgreSQL again');
  await control('db/start');
  // Manual Retry (the automatic retry may win the race: both reuse the same clientId).
  let clickedRetry = false;
  for (let i = 0; i < 40; i++) {
    const st = await visitor.locator('[data-testid="chat-message"]', { hasText: during }).getAttribute('data-state');
    if (['saved', 'delivered', 'read'].includes(st)) break;
    const retry = visitor.locator('[data-testid="chat-message"]', { hasText: during }).getByTestId('chat-retry');
    if (await retry.count()) {
      await retry.click().catch(() => {});
      clickedRetry = true;
    }
    await sleep(500);
  }
  await waitState(visitor, during, 'read', 20000);
  await message(home, during, false).waitFor({ timeout: 20000 });
  await sleep(1500); // let any duplicate show up
  const homeCount = await message(home, during, false).count();
  const visitorCount = await message(visitor, during, true).count();
  assert(homeCount === 1, `other side shows it exactly once (got ${homeCount})`);
  assert(visitorCount === 1, `sender shows it exactly once (got ${visitorCount})`);
  await shot(visitor, 'visitor-saved-after-retry');
  return { notSavedAfterMs, clickedRetry, homeCount, visitorCount, homeBodies: await bodies(home) };
});
