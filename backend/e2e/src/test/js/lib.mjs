// Shared helpers of the browser tests: launch headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core from the repo root node_modules), talk to the QRing API, ask the
// JUnit harness to act on processes (stop/start PostgreSQL...), take screenshots.
//
// Environment (set by the JUnit test):
//   QRING_BASE_URL      http://127.0.0.1:PORT of the QRing server under test
//   QRING_CONTROL_URL   http://127.0.0.1:PORT of the harness control endpoint (optional)
//   QRING_SCREENSHOTS   directory for screenshots (optional)
//   QRING_HOST_EXCLUDES comma-separated addresses Chromium may resolve/reach (TURN IPs)
//   QRING_SPKI          base64 SHA-256 of the TURN TLS certificate's public key (turns: with a self-signed cert)
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASE = process.env.QRING_BASE_URL || 'http://127.0.0.1:8080';
export const CONTROL = process.env.QRING_CONTROL_URL || '';
export const SHOTS = process.env.QRING_SCREENSHOTS || '';

const started = Date.now();
export function log(...a) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
}

export function chromiumArgs() {
  const excludes = ['127.0.0.1', ...(process.env.QRING_HOST_EXCLUDES || '').split(',').filter(Boolean)];
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    `--host-resolver-rules=MAP * ~NOTFOUND, ${excludes.map((e) => `EXCLUDE ${e}`).join(', ')}`,
  ];
  if (process.env.QRING_SPKI) args.push(`--ignore-certificate-errors-spki-list=${process.env.QRING_SPKI}`);
  return args;
}

/** A wrapper executable that starts Chromium inside network namespace `netns`. */
function netnsChromium(netns) {
  const dir = mkdtempSync(join(tmpdir(), 'qring-chromium-'));
  const path = join(dir, 'chromium-in-netns');
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${netns} /usr/bin/chromium "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** One Chromium (own profile) per party, like two phones. */
export async function launch({ netns } = {}) {
  const browser = await chromium.launch({
    executablePath: netns ? netnsChromium(netns) : '/usr/bin/chromium',
    args: chromiumArgs(),
    timeout: 30000,
  });
  return browser;
}

const pages = [];
/** Content-Security-Policy violations any page reported (console errors "Refused to …"). */
export const cspViolations = [];

export async function newPage(browser, name, { mobile = true } = {}) {
  const context = await browser.newContext({
    viewport: mobile ? { width: 390, height: 844 } : { width: 1200, height: 860 },
    permissions: ['camera', 'microphone'],
    ignoreHTTPSErrors: false,
  });
  // Generous: the suite may share two cores with the rest of the build.
  context.setDefaultTimeout(45000);
  const page = await context.newPage();
  pages.push({ name, page });
  page.on('pageerror', (e) => log(`${name} pageerror:`, e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log(`${name} console.${m.type()}:`, m.text());
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${name}: ${m.text()}`);
  });
  return { context, page };
}

export async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

export async function apiCall(path, { method = 'GET', body, token } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${BASE}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return data;
}

/** Asks the JUnit harness to do something (e.g. 'db/stop'); resolves when it is done. */
export async function control(action) {
  if (!CONTROL) throw new Error('no QRING_CONTROL_URL');
  const res = await fetch(`${CONTROL}/${action}`, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${action} -> ${res.status} ${text}`);
  log('control', action, '->', text);
  return text;
}

/** Homeowner signs up through the UI; returns {page, token}. */
export async function signUpInUi(page, { email, password, name }) {
  await page.goto(`${BASE}/app`);
  await page.getByTestId('tab-signup').click();
  await page.getByTestId('auth-name').fill(name);
  await page.getByTestId('auth-email').fill(email);
  await page.getByTestId('auth-password').fill(password);
  await page.getByTestId('auth-submit').click();
  await page.getByTestId('feed-page').waitFor();
  await page.locator('[data-testid="feed-connection"][data-state="online"]').waitFor({ timeout: 30000 });
  return page.evaluate(() => localStorage.getItem('qring.token'));
}

export async function createDoorInUi(page, label) {
  await page.getByTestId('nav-doors').click();
  await page.getByTestId('door-new-label').fill(label);
  await page.getByTestId('door-create').click();
  const item = page.locator('[data-testid="door-item"]', { hasText: label });
  await item.waitFor();
  await item.getByTestId('door-qr').waitFor({ timeout: 20000 });
  return { slug: await item.getAttribute('data-qr-slug'), visitorUrl: await item.getByTestId('door-visitor-url').getAttribute('href') };
}

export async function ringAsVisitor(page, slug, { name, purpose, query = '' }) {
  await page.goto(`${BASE}/d/${slug}${query}`);
  await page.getByTestId('door-label').waitFor();
  await page.getByTestId('visitor-name').fill(name);
  await page.getByTestId('visitor-purpose').fill(purpose);
  await page.getByTestId('ring-button').click();
  await page.getByTestId('visitor-session').waitFor();
}

/** Sends a chat message from `page` and returns its clientId. */
export async function sendChat(page, text) {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
  const msg = page.locator('[data-testid="chat-message"][data-mine="true"]', { hasText: text }).last();
  await msg.waitFor();
  return msg.getAttribute('data-client-id');
}

export function message(page, text, mine) {
  return page.locator(`[data-testid="chat-message"][data-mine="${mine ? 'true' : 'false'}"]`, { hasText: text });
}

export async function waitState(page, text, state, timeout = 30000) {
  await page.locator(`[data-testid="chat-message"][data-mine="true"][data-state="${state}"]`, { hasText: text }).waitFor({ timeout });
}

/** All chat bodies on a page, in display order. */
export function bodies(page) {
  return page.$$eval('[data-testid="chat-message"] [data-testid="chat-body"]', (els) => els.map((e) => e.textContent));
}

export function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

export async function main(fn) {
  const browsers = [];
  try {
    const result = await fn(browsers);
    console.log('RESULT ' + JSON.stringify(result || {}));
    process.exitCode = 0;
  } catch (e) {
    console.error('FAILED', e && e.stack ? e.stack : e);
    process.exitCode = 1;
    // What each browser showed when it failed: URL, statuses, call and ICE states.
    for (const { name, page } of pages) {
      const state = await page
        .evaluate(() => {
          const cs = window.__qring && window.__qring.call;
          const pc = cs && cs.pc;
          return {
            url: location.href,
            statuses: [...document.querySelectorAll('[data-status],[data-phase],[data-testid="call-ended"]')].map((el) => `${el.dataset.testid}=${el.dataset.status || el.dataset.phase || el.dataset.state}`),
            signalingConnected: Boolean(window.__qring && window.__qring.signaling && window.__qring.signaling.connected),
            call: cs ? { callId: cs.callId, phase: cs.state.phase, call: cs.call && cs.call.state, pending: cs.pendingCandidates.length } : null,
            pc: pc ? { signaling: pc.signalingState, ice: pc.iceConnectionState, conn: pc.connectionState, gathering: pc.iceGatheringState } : null,
          };
        })
        .catch((err) => ({ error: String(err) }));
      console.error(`STATE ${name} ${JSON.stringify(state)}`);
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
  }
}

/** Fast setup through the API: homeowner account + door; the homeowner page signed in with that token. */
export async function homeownerWithDoor(page, label = 'Front door', { query = '' } = {}) {
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const { token } = await apiCall('/auth/signup', {
    method: 'POST',
    body: { email: `owner-${stamp}@example.test`, password: 'correct horse battery', displayName: 'Ada Owner' },
  });
  const { door } = await apiCall('/doors', { method: 'POST', token, body: { label } });
  await page.goto(`${BASE}/app${query}`);
  await page.evaluate((t) => localStorage.setItem('qring.token', t), token);
  await page.goto(`${BASE}/app${query}`);
  await page.locator('[data-testid="feed-connection"][data-state="online"]').waitFor({ timeout: 30000 });
  return { token, door };
}

/** Visitor rings from the door page; the homeowner accepts from the ring alert; both see `active`. */
export async function ringAndAccept(home, visitor, slug, { query = '' } = {}) {
  await ringAsVisitor(visitor, slug, { name: 'Vera Visitor', purpose: 'Parcel delivery', query });
  await home.getByTestId('ring-alert').waitFor({ timeout: 30000 });
  await home.getByTestId('ring-accept').click();
  await home.locator('[data-testid="homeowner-session"][data-status="active"]').waitFor({ timeout: 30000 });
  await visitor.locator('[data-testid="visitor-session"][data-status="active"]').waitFor({ timeout: 30000 });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
