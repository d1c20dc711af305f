// Homeowner area under /app: sign-in, then feed, doors, history and session views.
// The dashboard socket lives here so that a ring is heard on any /app page.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { homeownerAuth, homeownerApi } from '../../lib/api.js';
import { Link, match, navigate } from '../../lib/router.jsx';
import { useDashboard, Chime } from '../../hooks/useDashboard.js';
import { declineSession } from '../../lib/signal.js';
import { clock } from '../../lib/time.js';
import AuthPage from './AuthPage.jsx';
import Icon from '../../components/Icon.jsx';
import FeedPage from './FeedPage.jsx';
import DoorsPage from './DoorsPage.jsx';
import PrintDoorPage from './PrintDoorPage.jsx';
import HistoryPage from './HistoryPage.jsx';
import SessionView from './SessionView.jsx';

function subscribeAuth(fn) {
  window.addEventListener('qring-auth', fn);
  window.addEventListener('storage', fn);
  return () => {
    window.removeEventListener('qring-auth', fn);
    window.removeEventListener('storage', fn);
  };
}

export default function HomeownerApp({ path }) {
  const token = useSyncExternalStore(subscribeAuth, () => homeownerAuth.token);
  if (!token) return <AuthPage />;
  return <SignedIn token={token} path={path} />;
}

function SignedIn({ token, path }) {
  // Rings come live over the dashboard socket and, after any (re)connect or page load, from a
  // re-read of the ringing sessions (useDashboard): the alert and the chime follow dash.ringing.
  const dash = useDashboard(token);
  const [me, setMe] = useState(null);
  const chime = useRef(null);

  useEffect(() => {
    homeownerApi('/me').then((r) => setMe(r.homeowner)).catch(() => {});
  }, [token]);

  useEffect(() => {
    chime.current = new Chime();
    return () => chime.current.dispose();
  }, []);
  useEffect(() => {
    if (!chime.current) return;
    const calling = dash.incomingCalls.some((c) => !path.endsWith(c.sessionId));
    if (dash.ringing.length || calling) chime.current.start();
    else chime.current.stop();
  }, [dash.ringing.length, dash.incomingCalls, path]);
  useEffect(() => {
    document.title = dash.ringing.length ? '(Ringing) Someone is at the door — QRing' : 'QRing';
  }, [dash.ringing.length]);

  const logout = async () => {
    try {
      await homeownerApi('/auth/logout', { method: 'POST' });
    } catch {
      /* the token is forgotten locally anyway */
    }
    homeownerAuth.clear();
    navigate('/app');
  };

  let page;
  let params;
  if (path === '/app' || path === '/app/') page = <FeedPage dash={dash} />;
  else if (path === '/app/doors') page = <DoorsPage />;
  else if ((params = match('/app/doors/:id/print', path))) page = <PrintDoorPage doorId={params.id} />;
  else if (path === '/app/history') page = <HistoryPage updates={dash.updates} />;
  else if ((params = match('/app/sessions/:id', path))) page = <SessionView key={params.id} sessionId={params.id} token={token} />;
  else page = <FeedPage dash={dash} />;

  const nav = (to, label, id) => (
    <Link to={to} className={path === to ? 'active' : ''} data-testid={id}>
      {label}
    </Link>
  );

  return (
    <>
      <nav className="topbar no-print">
        <span className="brand">◎ QRing</span>
        {nav('/app', 'Feed', 'nav-feed')}
        {nav('/app/doors', 'Doors', 'nav-doors')}
        {nav('/app/history', 'History', 'nav-history')}
        {nav('/diagnostics', 'Diagnostics', 'nav-diagnostics')}
        <button type="button" className="btn small ghost" onClick={logout} data-testid="logout">
          Log out{me ? ` (${me.displayName})` : ''}
        </button>
      </nav>
      {dash.connection !== 'online' && dash.connection !== 'connecting' && (
        <div className="banner" data-testid="dashboard-banner">Reconnecting to QRing… anyone who rings meanwhile will show here when the connection returns.</div>
      )}
      {page}
      {dash.ringing.length > 0 && <RingAlert dash={dash} token={token} current={path} />}
      {dash.ringing.length === 0 && <CallAlert dash={dash} path={path} />}
    </>
  );
}

function RingAlert({ dash, token }) {
  const r = dash.ringing[0];
  const s = r.session;
  const [busy, setBusy] = useState(false);
  const accept = () => {
    dash.dismiss(s.id);
    navigate(`/app/sessions/${s.id}?accept=1`);
  };
  const decline = async () => {
    setBusy(true);
    await declineSession(token, s.id);
    dash.dismiss(s.id);
    setBusy(false);
  };
  return (
    <div className="ring-alert no-print" role="alertdialog" aria-label="Someone is at the door" data-testid="ring-alert" data-session-id={s.id}>
      <div className="row">
        <span className="bell" aria-hidden="true">
          <Icon name="bell" />
        </span>
        <div className="grow">
          <div className="small">{(r.door && r.door.label) || s.doorLabel}</div>
          <div className="who" data-testid="ring-visitor">{s.visitorName || 'A visitor'}</div>
          {s.purpose && <div className="small">“{s.purpose}”</div>}
          {r.caughtUp && s.createdAt && (
            <div className="small muted" data-testid="ring-rang-at">
              Rang at {clock(s.createdAt)}
            </div>
          )}
        </div>
      </div>
      <div className="row">
        <button type="button" className="btn good" onClick={accept} data-testid="ring-accept" disabled={busy}>Accept</button>
        <button type="button" className="btn danger" onClick={decline} data-testid="ring-decline" disabled={busy}>Decline</button>
      </div>
      {dash.ringing.length > 1 && <div className="small">+{dash.ringing.length - 1} more at the door</div>}
    </div>
  );
}

/** A visitor is calling while this device shows another page: offer to open the session (which has Accept). */
function CallAlert({ dash, path }) {
  const call = dash.incomingCalls.find((c) => path !== `/app/sessions/${c.sessionId}`);
  if (!call) return null;
  const s = dash.lastSessions[call.sessionId];
  return (
    <div className="ring-alert no-print" role="alertdialog" aria-label="Incoming call" data-testid="call-alert">
      <div className="row">
        <span className="bell" aria-hidden="true">
          <Icon name="bell" />
        </span>
        <div className="grow">
          <div className="who">{(s && s.visitorName) || 'The visitor'} is calling ({call.media})</div>
        </div>
      </div>
      <div className="row">
        <button type="button" className="btn good" onClick={() => navigate(`/app/sessions/${call.sessionId}`)} data-testid="call-alert-open">
          Open
        </button>
        <button type="button" className="btn" onClick={() => dash.dismissCall(call.id)}>
          Not now
        </button>
      </div>
    </div>
  );
}
