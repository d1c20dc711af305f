// Browser test 5: the diagnostics page gathers relay candidates over UDP, TCP and TLS against
// the harness's coturn with the server-issued credentials.
import { BASE, launch, newPage, shot, apiCall, assert, log, main } from './lib.mjs';

main(async (browsers) => {
  const browser = await launch();
  browsers.push(browser);
  const { page } = await newPage(browser, 'homeowner', { mobile: false });
  const stamp = `${Date.now()}`;
  const { token } = await apiCall('/auth/signup', {
    method: 'POST',
    body: { email: `diag-${stamp}@example.test`, password: 'correct horse battery', displayName: 'Diag Owner' },
  });
  await page.goto(`${BASE}/diagnostics`);
  await page.evaluate((t) => localStorage.setItem('qring.token', t), token);
  await page.goto(`${BASE}/diagnostics`);
  await page.locator('[data-testid="diag-row"]').first().waitFor({ timeout: 30000 });
  await page.locator('[data-testid="diagnostics-page"][data-running="false"]').waitFor({ timeout: 30000 });
  const rows = await page.$$eval('[data-testid="diag-row"]', (els) =>
    els.map((el) => ({
      url: el.dataset.url,
      transport: el.dataset.transport,
      relay: el.dataset.relay === 'yes',
      errors: (el.querySelector('[data-testid="diag-errors"]') || {}).textContent || '',
    })),
  );
  log('rows', JSON.stringify(rows));
  await shot(page, 'diagnostics');
  for (const t of ['udp', 'tcp', 'tls']) {
    const r = rows.filter((x) => x.transport === t);
    assert(r.length > 0, `a ${t} TURN server is listed`);
    assert(r.some((x) => x.relay), `relay candidate over ${t}`);
  }
  const secretInPage = await page.content();
  return { rows, pageHasCredentialText: /credential/i.test(secretInPage) };
});
