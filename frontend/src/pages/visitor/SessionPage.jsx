// The visitor's session page: ringing / answered / declined / missed, chat (a note when
// nobody answers), and audio/video calls once the homeowner has accepted.
import { useEffect } from 'react';
import { api } from '../../lib/api.js';
import { useSessionRealtime } from '../../hooks/useSessionRealtime.js';
import { useCall } from '../../webrtc/useCall.js';
import Chat, { ConnectionBanner } from '../../components/Chat.jsx';
import CallPanel from '../../components/CallPanel.jsx';
import Icon from '../../components/Icon.jsx';

const STATUS = {
  ringing: { icon: 'bell', title: 'Ringing…', text: 'Waiting for the homeowner to answer. You can already write a message.' },
  active: { icon: 'wave', title: 'The homeowner answered', text: 'Chat here, or start a call.' },
  declined: { icon: 'cross', title: 'The homeowner can’t come to the door', text: 'They declined this visit.' },
  missed: { icon: 'note', title: 'Nobody answered', text: 'Leave a note: the homeowner will see it.' },
  ended: { icon: 'check', title: 'Visit ended', text: 'Thanks for ringing.' },
};

export default function SessionPage({ doorLabel, visit, onRingAgain }) {
  // Calls use server-issued ICE servers first; env.webRtcIceServers (config/env.js) is the static fallback.
  const rt = useSessionRealtime(visit.sessionId, { visitorToken: visit.visitorToken }, 'visitor');
  const call = useCall(rt, 'visitor', visit.visitorToken);
  const session = rt.session || visit.session || {};
  const status = session.status || 'ringing';
  const info = STATUS[status] || STATUS.ringing;
  const { setSession } = rt;

  // Safety net while ringing: the answer normally arrives as session.updated, but an event lost on a
  // weak network (or raced with the join) must not leave the visitor waiting forever.
  useEffect(() => {
    if (status !== 'ringing') return undefined;
    const timer = setInterval(() => {
      api(`/sessions/${visit.sessionId}`, { token: visit.visitorToken })
        .then((r) => r && r.session && r.session.status !== 'ringing' && setSession(r.session))
        .catch(() => {});
    }, 3000);
    return () => clearInterval(timer);
  }, [status, visit.sessionId, visit.visitorToken, setSession]);

  return (
    <>
      <ConnectionBanner connection={rt.connection} />
      <main className="page narrow" data-testid="visitor-session" data-status={status}>
        <header className="row between">
          <div>
            <div className="muted small">Door</div>
            <strong data-testid="door-label">{doorLabel || session.doorLabel || ''}</strong>
          </div>
          <span className={`status-pill ${status}`} data-testid="session-status">{status}</span>
        </header>
        {rt.joinError && rt.joinError.code === 'unauthorized' ? (
          <div className="card">
            <p className="error">This visit link has expired.</p>
            <button className="btn primary block" type="button" onClick={onRingAgain}>Ring again</button>
          </div>
        ) : (
          <>
            <section className={`session-status status-${status}`}>
              <div className={`big-icon ${status === 'ringing' ? 'pulse' : ''}`} aria-hidden="true">
                <Icon name={info.icon} />
              </div>
              <h1 data-testid="session-title">{info.title}</h1>
              <p className="muted">{info.text}</p>
            </section>
            {status === 'active' && (
              <div className="stack">
                <CallPanel call={call} canCall otherName="The homeowner" />
              </div>
            )}
            <div className="card">
              <Chat
                rt={rt}
                draftId={`v.${visit.sessionId}`}
                otherName="The homeowner"
                placeholder={status === 'missed' ? 'Leave a note…' : 'Write a message…'}
                readOnlyNote="This conversation is closed."
              />
            </div>
            {(status === 'declined' || status === 'ended') && (
              <button className="btn block" type="button" onClick={onRingAgain} data-testid="ring-again">
                Ring again
              </button>
            )}
          </>
        )}
      </main>
    </>
  );
}
