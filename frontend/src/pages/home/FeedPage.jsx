// Live feed: who is at the door now, and the sessions still open.
import { useEffect, useState } from 'react';
import { homeownerApi, errorText } from '../../lib/api.js';
import { Link } from '../../lib/router.jsx';
import { SessionRow } from './HistoryPage.jsx';

export default function FeedPage({ dash }) {
  const [open, setOpen] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    homeownerApi('/sessions?limit=20')
      .then((r) => setOpen((r.sessions || []).filter((s) => ['ringing', 'active', 'missed'].includes(s.status))))
      .catch(setError);
  }, [dash.updates]);

  return (
    <main className="page" data-testid="feed-page">
      <div className="row between">
        <h1>At your doors</h1>
        <span className="muted small" data-testid="feed-connection" data-state={dash.connection}>
          {dash.connection === 'online' ? '● Live: your doorbell rings here' : '○ Connecting…'}
        </span>
      </div>
      {error && <p className="error">{errorText(error)}</p>}
      <div className="card">
        {open && open.length === 0 && (
          <p className="muted">
            Nobody is at the door. Keep this page open and it will ring. No doors yet? <Link to="/app/doors">Create one</Link>.
          </p>
        )}
        <ul className="list" data-testid="feed-list">
          {(open || []).map((s) => (
            <SessionRow key={s.id} s={dash.lastSessions[s.id] || s} />
          ))}
        </ul>
      </div>
    </main>
  );
}
