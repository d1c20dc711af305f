// Connection diagnostics (like the trickle-ICE sample of the seed's verification step 1):
// gathers ICE candidates against each server-issued ICE server URL separately and shows,
// per server and transport, whether host / srflx / relay candidates appeared, with the
// error code of any icecandidateerror (701 unreachable, 401 bad credentials, …).
import { useEffect, useState } from 'react';
import { env } from '../config/env.js';
import { fetchIceServers, transportOf } from '../webrtc/iceServers.js';
import { homeownerAuth } from '../lib/api.js';
import { Link } from '../lib/router.jsx';

const GATHER_TIMEOUT_MS = 10000;

function visitorTokenFromStorage() {
  try {
    for (let i = 0; i < sessionStorage.length; i++) {
      const k = sessionStorage.key(i);
      if (k && k.startsWith('qring.visit.')) {
        const v = JSON.parse(sessionStorage.getItem(k));
        if (v && v.visitorToken) return v.visitorToken;
      }
    }
  } catch {
    /* ignore */
  }
  return null;
}

/** Gathers candidates for one ICE URL; resolves {types:Set, candidates:[], errors:[]}. */
export function gather(entry, url) {
  return new Promise((resolve) => {
    const result = { types: new Set(), candidates: [], errors: [], ms: null };
    const t0 = performance.now();
    let pc;
    try {
      pc = new RTCPeerConnection({ iceServers: [{ urls: [url], username: entry.username, credential: entry.credential }], iceCandidatePoolSize: 0 });
    } catch (e) {
      result.errors.push({ errorCode: 'config', errorText: e.message });
      resolve(result);
      return;
    }
    const finish = () => {
      clearTimeout(timer);
      result.ms = Math.round(performance.now() - t0);
      try {
        pc.close();
      } catch {
        /* ignore */
      }
      resolve(result);
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    pc.onicecandidate = (e) => {
      if (!e.candidate) return finish();
      const c = e.candidate;
      if (!c.candidate) return undefined;
      result.types.add(c.type);
      result.candidates.push({ type: c.type, protocol: c.protocol, address: c.address, port: c.port, relayProtocol: c.relayProtocol, text: c.candidate });
      return undefined;
    };
    pc.onicecandidateerror = (e) => {
      result.errors.push({ errorCode: e.errorCode, errorText: e.errorText, url: e.url });
    };
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && finish();
    pc.createDataChannel('diagnostics');
    pc.createOffer()
      .then((o) => pc.setLocalDescription(o))
      .catch((e) => {
        result.errors.push({ errorCode: 'offer', errorText: e.message });
        finish();
      });
  });
}

function redact(url) {
  return url;
}

export default function DiagnosticsPage() {
  const [source, setSource] = useState(null);
  const [rows, setRows] = useState([]);
  const [running, setRunning] = useState(false);
  const [relayOnly, setRelayOnly] = useState(env.relayOnly);

  const run = async () => {
    setRunning(true);
    const token = homeownerAuth.token || visitorTokenFromStorage();
    const ice = token ? await fetchIceServers(token) : { iceServers: env.webRtcIceServers, source: 'fallback' };
    setSource(ice.source);
    const list = [];
    for (const entry of ice.iceServers || []) {
      const urls = Array.isArray(entry.urls) ? entry.urls : [entry.urls];
      for (const url of urls) list.push({ entry, url, transport: transportOf(url), status: 'gathering' });
    }
    setRows(list.map((r) => ({ url: r.url, transport: r.transport, status: 'gathering' })));
    const results = await Promise.all(list.map((r) => gather(r.entry, r.url)));
    setRows(
      list.map((r, i) => ({
        url: r.url,
        transport: r.transport,
        status: 'done',
        host: results[i].types.has('host'),
        srflx: results[i].types.has('srflx'),
        relay: results[i].types.has('relay'),
        relayCandidates: results[i].candidates.filter((c) => c.type === 'relay').map((c) => c.text),
        errors: results[i].errors,
        ms: results[i].ms,
      })),
    );
    setRunning(false);
  };

  useEffect(() => {
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const toggleRelay = () => {
    env.setRelayOnly(!relayOnly);
    setRelayOnly(!relayOnly);
  };

  const cell = (on, testid) => (
    <td className={on ? 'yes' : 'no'} data-testid={testid} data-value={on ? 'yes' : 'no'}>
      {on ? '✓' : '—'}
    </td>
  );

  return (
    <main className="page" data-testid="diagnostics-page" data-running={running ? 'true' : 'false'}>
      <div className="row between">
        <h1>Connection diagnostics</h1>
        <Link to={homeownerAuth.token ? '/app' : '/'}>← Back</Link>
      </div>
      <p className="muted">
        Checks each STUN/TURN server this browser is given. A working TURN server shows a <strong>relay</strong> candidate; calls
        still work where UDP is blocked as long as the TCP or TLS row shows one.
      </p>
      {source === 'fallback' && (
        <p className="notice warn" data-testid="diag-fallback">
          Using the built-in fallback list: sign in (or open from a visitor page) to test the server-issued TURN credentials.
        </p>
      )}
      <div className="card">
        <div className="table-wrap">
        <table data-testid="diag-table">
          <thead>
            <tr>
              <th>Server</th>
              <th>host</th>
              <th>srflx</th>
              <th>relay</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">{running ? 'Fetching ICE servers…' : 'No ICE servers configured.'}</td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.url} data-testid="diag-row" data-transport={r.transport} data-url={r.url} data-status={r.status} data-relay={r.relay ? 'yes' : 'no'}>
                <td>
                  <strong>{r.transport.toUpperCase()}</strong>
                  <div className="url muted">{redact(r.url)}</div>
                </td>
                {r.status === 'gathering' ? (
                  <td colSpan={4} className="muted">gathering…</td>
                ) : (
                  <>
                    {cell(r.host, 'diag-host')}
                    {cell(r.srflx, 'diag-srflx')}
                    {cell(r.relay, 'diag-relay')}
                    <td className="small" data-testid="diag-errors">
                      {r.errors.length === 0
                        ? r.relay || r.transport === 'stun'
                          ? ''
                          : 'no candidate from this server'
                        : [...new Set(r.errors.map((e) => `${e.errorCode}${e.errorText ? ' ' + e.errorText : ''}`))].join('; ')}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        </div>
        <div className="row">
          <button type="button" className="btn primary" onClick={run} disabled={running} data-testid="diag-run">
            {running ? 'Testing…' : 'Run again'}
          </button>
          <label className="row small check">
            <input type="checkbox" className="grow-0" checked={relayOnly} onChange={toggleRelay} disabled={env.relayOnlyFromBuild} data-testid="diag-relay-only" />
            Relay-only calls on this browser (forces TURN)
          </label>
        </div>
      </div>
    </main>
  );
}
