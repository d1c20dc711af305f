// Benchmark (not a test): call setup time through the TURN relay, relay-only, headless Chromium with fake
// media. One visitor session; N video calls in a row. Setup = from the visitor pressing Accept until BOTH
// peers report connectionState 'connected' (wall clock; both tabs run on this machine).
// Env: QRING_BASE_URL, QRING_SPKI, CALLS (default 10), WARMUP (default 1). Prints key=value lines.
import { BASE, launch, newPage, homeownerWithDoor, ringAndAccept, log, main } from './lib.mjs';

const calls = Number(process.env.CALLS || 10);
const warmup = Number(process.env.WARMUP || 1);

async function oneCall(home, visitor) {
  await home.getByTestId('call-start-video').click();
  await visitor.getByTestId('call-accept').click({ timeout: 15000 });
  await visitor.locator('[data-testid="call-panel"][data-phase="connected"]').waitFor({ timeout: 30000 });
  await home.locator('[data-testid="call-panel"][data-phase="connected"]').waitFor({ timeout: 30000 });
  const v = await visitor.evaluate(() => ({ a: window.__qring.call.acceptedAtEpochMs, c: window.__qring.call.connectedAtEpochMs }));
  const h = await home.evaluate(() => window.__qring.call.connectedAtEpochMs);
  await home.getByTestId('call-end').click();
  await visitor.getByTestId('call-ended').waitFor({ timeout: 10000 });
  await home.getByTestId('call-start-video').waitFor({ timeout: 10000 });
  await visitor.getByTestId('call-panel').waitFor({ state: 'detached', timeout: 10000 });
  return Math.max(v.c, h) - v.a;
}

main(async (browsers) => {
  const browser = await launch();
  browsers.push(browser);
  const { page: home } = await newPage(browser, 'homeowner', { mobile: false });
  const { page: visitor } = await newPage(browser, 'visitor');
  const { door } = await homeownerWithDoor(home, 'Bench door', { query: '?relay=1' });
  await ringAndAccept(home, visitor, door.qrSlug, { query: '?relay=1' });
  const samples = [];
  for (let i = 0; i < warmup + calls; i++) {
    const ms = await oneCall(home, visitor);
    log(`call ${i + 1}: ${ms.toFixed(0)} ms${i < warmup ? ' (warm-up)' : ''}`);
    if (i >= warmup) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * (samples.length - 1) + 0.5))];
  const median = samples.length % 2 ? samples[(samples.length - 1) / 2] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
  console.log(`call_setup_median_ms=${median.toFixed(0)}`);
  console.log(`call_setup_p90_ms=${q(0.9).toFixed(0)}`);
  console.log(`call_setup_samples=${samples.length}`);
  return { samples: samples.map((s) => Math.round(s)), base: BASE };
});
