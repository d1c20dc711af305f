import { useEffect, useState } from 'react';
import { homeownerApi, errorText } from '../../lib/api.js';
import { Link } from '../../lib/router.jsx';
import { when } from '../../lib/time.js';

export { when };

export function SessionRow({ s }) {
  return (
    <li className="row between" data-testid="session-row" data-session-id={s.id} data-status={s.status}>
      <div>
        <Link to={`/app/sessions/${s.id}`}>
          <strong>{s.visitorName || 'Visitor'}</strong>
        </Link>{' '}
        <span className="muted">at {s.doorLabel}</span>
        <div className="small muted">
          {s.purpose ? `“${s.purpose}” · ` : ''}
          {when(s.createdAt)}
        </div>
      </div>
      <span className={`status-pill ${s.status}`}>{s.status}</span>
    </li>
  );
}

export default function HistoryPage({ updates }) {
  const [sessions, setSessions] = useState([]);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    const q = new URLSearchParams({ limit: '25' });
    if (status) q.set('status', status);
    homeownerApi(`/sessions?${q}`)
      .then((r) => {
        setSessions(r.sessions || []);
        setNext(r.next || null);
      })
      .catch(setError);
  }, [updates, status]);

  const more = async () => {
    const q = new URLSearchParams({ limit: '25', before: next });
    if (status) q.set('status', status);
    const r = await homeownerApi(`/sessions?${q}`);
    setSessions((s) => [...s, ...(r.sessions || [])]);
    setNext(r.next || null);
  };

  return (
    <main className="page" data-testid="history-page">
      <div className="row between">
        <h1>History</h1>
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Filter by status" className="grow-0">
          <option value="">All visits</option>
          {['ringing', 'active', 'missed', 'declined', 'ended'].map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </div>
      {error && <p className="error">{errorText(error)}</p>}
      <div className="card">
        {sessions.length === 0 && <p className="muted">No visits yet.</p>}
        <ul className="list" data-testid="history-list">
          {sessions.map((s) => (
            <SessionRow key={s.id} s={s} />
          ))}
        </ul>
        {next && (
          <button type="button" className="btn block" onClick={more}>
            Older visits
          </button>
        )}
      </div>
    </main>
  );
}
