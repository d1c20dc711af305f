// Homeowner's view of one visitor session: accept/decline, chat and calls while it is live;
// a read-only transcript once it is over.
import { useEffect, useRef, useState } from 'react';
import { homeownerApi, errorText } from '../../lib/api.js';
import { Link, navigate } from '../../lib/router.jsx';
import { useSessionRealtime } from '../../hooks/useSessionRealtime.js';
import { useCall } from '../../webrtc/useCall.js';
import Chat, { ConnectionBanner } from '../../components/Chat.jsx';
import CallPanel from '../../components/CallPanel.jsx';
import { when } from './HistoryPage.jsx';

const TERMINAL = new Set(['declined', 'ended']);

export default function SessionView({ sessionId, token }) {
  const [initial, setInitial] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    homeownerApi(`/sessions/${sessionId}`).then((r) => setInitial(r.session)).catch(setError);
  }, [sessionId]);

  if (error) return <main className="page"><p className="error">{errorText(error)}</p></main>;
  if (!initial) return <main className="page"><p className="muted">Loading…</p></main>;
  if (TERMINAL.has(initial.status)) return <Transcript session={initial} />;
  return <LiveSession sessionId={sessionId} token={token} initial={initial} />;
}

function Header({ s }) {
  return (
    <header className="row between">
      <div>
        <Link to="/app/history" className="small no-print">← History</Link>
        <h1 data-testid="hs-visitor">{s.visitorName || 'Visitor'}</h1>
        <div className="muted small">
          at {s.doorLabel}
          {s.purpose ? ` · “${s.purpose}”` : ''} · {when(s.createdAt)}
        </div>
      </div>
      <span className={`status-pill ${s.status}`} data-testid="session-status">{s.status}</span>
    </header>
  );
}

function LiveSession({ sessionId, token, initial }) {
  const rt = useSessionRealtime(sessionId, { token }, 'homeowner');
  const call = useCall(rt, 'homeowner', token);
  const s = rt.session || initial;
  const [actionError, setActionError] = useState(null);
  const autoAccepted = useRef(false);

  const act = async (event) => {
    setActionError(null);
    const res = await rt.emit(event, { sessionId });
    if (res && res.ok && res.session) rt.setSession(res.session);
    else setActionError((res && res.error && res.error.message) || 'That did not work. Try again.');
  };

  // Arrived here from the ring alert's Accept: accept once joined.
  useEffect(() => {
    if (autoAccepted.current || !rt.joined || !rt.session) return;
    if (new URLSearchParams(window.location.search).get('accept') === '1') {
      autoAccepted.current = true;
      navigate(`/app/sessions/${sessionId}`, { replace: true });
      if (rt.session.status === 'ringing') act('session.accept');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rt.joined, rt.session]);

  return (
    <>
      <ConnectionBanner connection={rt.connection} />
      <main className="page" data-testid="homeowner-session" data-status={s.status}>
        <Header s={s} />
        {s.status === 'ringing' && (
          <div className="card row" data-testid="hs-ringing">
            <span className="grow">{s.visitorName || 'A visitor'} is at the door.</span>
            <button type="button" className="btn good" onClick={() => act('session.accept')} data-testid="session-accept">Accept</button>
            <button type="button" className="btn danger" onClick={() => act('session.decline')} data-testid="session-decline">Decline</button>
          </div>
        )}
        {actionError && <p className="error">{actionError}</p>}
        <div className="two-col">
          <div className="stack">
            {s.status === 'active' && <CallPanel call={call} canCall otherName={s.visitorName || 'The visitor'} />}
            {s.status === 'active' && (
              <button type="button" className="btn block" onClick={() => act('session.end')} data-testid="session-end">
                End visit
              </button>
            )}
            {!rt.otherPresent && s.status === 'active' && <p className="muted small">The visitor’s page is not open right now.</p>}
          </div>
          <div className="card">
            <Chat rt={rt} draftId={`h.${sessionId}`} otherName={s.visitorName || 'The visitor'} readOnlyNote="This visit is over." />
          </div>
        </div>
      </main>
    </>
  );
}

function Transcript({ session }) {
  const [messages, setMessages] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    homeownerApi(`/sessions/${session.id}/messages?afterSeq=0&limit=500`).then((r) => setMessages(r.messages || [])).catch(setError);
  }, [session.id]);
  return (
    <main className="page narrow" data-testid="homeowner-transcript" data-status={session.status}>
      <Header s={session} />
      {session.endReason && <p className="muted small">Ended: {session.endReason}</p>}
      {error && <p className="error">{errorText(error)}</p>}
      <div className="card chat">
        <div className="chat-log">
          {messages.length === 0 && <p className="muted small center">No messages in this visit.</p>}
          {messages.map((m) => (
            <div key={m.seq} className={`msg ${m.senderRole === 'homeowner' ? 'mine' : 'theirs'}`} data-testid="chat-message">
              <div className="body">{m.body}</div>
              <div className="meta"><span>{when(m.createdAt)}</span></div>
            </div>
          ))}
        </div>
      </div>
    </main>
  );
}
