// /d/{qrSlug}: the page a visitor's phone opens from the QR code on the door.
import { useEffect, useState } from 'react';
import { api, errorText, newId } from '../../lib/api.js';
import SessionPage from './SessionPage.jsx';
import Icon from '../../components/Icon.jsx';

// The ring request id is generated once per visit and kept in sessionStorage, so a
// double tap, a retry after a network error or a reload maps to ONE visitor session.
const visitKey = (slug) => `qring.visit.${slug}`;
function loadVisit(slug) {
  try {
    return JSON.parse(sessionStorage.getItem(visitKey(slug)) || 'null');
  } catch {
    return null;
  }
}
function saveVisit(slug, v) {
  try {
    if (v) sessionStorage.setItem(visitKey(slug), JSON.stringify(v));
    else sessionStorage.removeItem(visitKey(slug));
  } catch {
    /* ignore */
  }
}

export default function DoorPage({ slug }) {
  const [door, setDoor] = useState(null);
  const [doorError, setDoorError] = useState(null);
  const [visit, setVisit] = useState(() => loadVisit(slug) || { requestId: newId() });
  const [name, setName] = useState(visit.visitorName || '');
  const [purpose, setPurpose] = useState(visit.purpose || '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    api(`/doors/by-qr/${encodeURIComponent(slug)}`)
      .then((r) => setDoor(r.door))
      .catch((e) => setDoorError(e));
  }, [slug]);

  const update = (v) => {
    setVisit(v);
    saveVisit(slug, v);
  };

  const ring = async (e) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const v = { ...visit, visitorName: name.trim(), purpose: purpose.trim() };
    update(v); // requestId persisted BEFORE the request: a retry after a lost response reuses it
    try {
      const res = await api('/visitor-sessions', {
        method: 'POST',
        body: { qrSlug: slug, requestId: v.requestId, visitorName: v.visitorName, purpose: v.purpose },
      });
      update({ ...v, sessionId: res.session.id, visitorToken: res.visitorToken, session: res.session });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const ringAgain = () => update({ requestId: newId(), visitorName: visit.visitorName, purpose: visit.purpose });

  if (visit.sessionId && visit.visitorToken) {
    return <SessionPage slug={slug} doorLabel={door ? door.label : visit.session && visit.session.doorLabel} visit={visit} onRingAgain={ringAgain} />;
  }

  return (
    <main className="page narrow" data-testid="door-page">
      <header className="brand-hero">
        <div className="logo" aria-hidden="true">◎</div>
        {door ? (
          <>
            <p className="muted small">You are at</p>
            <div className="door-label" data-testid="door-label">{door.label}</div>
          </>
        ) : doorError ? (
          <p className="error" data-testid="door-error">
            {doorError.code === 'not_found' ? 'This QR code is not linked to a door.' : errorText(doorError)}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </header>
      {door && !door.active && <p className="notice warn">This doorbell is switched off right now.</p>}
      {door && door.active && (
        <form className="card stack" onSubmit={ring}>
          <div>
            <label htmlFor="v-name">Your name</label>
            <input id="v-name" data-testid="visitor-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required autoComplete="name" />
          </div>
          <div>
            <label htmlFor="v-purpose">What brings you here?</label>
            <input id="v-purpose" data-testid="visitor-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={200} placeholder="Delivery, visit, …" required />
          </div>
          {error && <p className="error" data-testid="ring-error">{errorText(error)}</p>}
          <button className="btn primary big block" type="submit" data-testid="ring-button" disabled={busy}>
            <Icon name="bell" /> {busy ? 'Ringing…' : 'Ring the bell'}
          </button>
          <p className="muted small center">No app or account needed. The homeowner sees your name and message.</p>
        </form>
      )}
    </main>
  );
}
