// Call controls, local/remote video and the network badge. Shown once the session is active.
import { useEffect, useRef } from 'react';
import { badgeText } from '../webrtc/stats.js';
import { env } from '../config/env.js';

function Video({ stream, className, muted, testid }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream || null;
  }, [stream]);
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} data-testid={testid} />;
}

const ENDED_TEXT = {
  ended: 'Call ended',
  declined: 'Call declined',
  missed: 'Call not answered',
  cancelled: 'Call cancelled',
  failed: 'Call failed: no connection could be made',
};

export default function CallPanel({ call, canCall, otherName }) {
  const { leg, incoming, elsewhere, lastEnded, error } = call;

  if (leg) {
    const s = leg.stats;
    const phaseText =
      leg.phase === 'outgoing'
        ? `Calling ${otherName}…`
        : leg.phase === 'connecting' || leg.phase === 'starting'
          ? 'Connecting…'
          : leg.phase === 'reconnecting'
            ? 'Reconnecting the call…'
            : 'Connected';
    return (
      <section className="call" data-testid="call-panel" data-phase={leg.phase}>
        <div className="call-info">
          <strong data-testid="call-phase">{phaseText}</strong>
          <span
            className={`badge ${s && s.path ? s.path : ''}`}
            data-testid="call-badge"
            data-path={s ? s.path || '' : ''}
            data-protocol={s ? s.relayProtocol || s.protocol || '' : ''}
            title="How this call's media travels"
          >
            {badgeText(s)}
          </span>
        </div>
        {leg.stepDown && (
          <div className="notice warn small" data-testid="call-stepdown">
            {leg.stepDown}{' '}
            {leg.audioOnly && (
              <button type="button" className="btn small" onClick={call.resumeVideo}>
                Try video again
              </button>
            )}
          </div>
        )}
        <div className={`videos ${leg.audioOnly && leg.media !== 'video' ? 'audio-only' : ''} ${leg.audioOnly ? 'no-local-video' : ''}`}>
          <Video stream={leg.remoteStream} className="remote" testid="remote-video" />
          <Video stream={leg.localStream} className="local" muted testid="local-video" />
          {leg.audioOnly && leg.media !== 'video' && <div className="audio-only-note">Audio call</div>}
        </div>
        <div className="call-controls">
          <button type="button" className="btn" data-testid="call-mute" onClick={call.toggleMute}>
            {leg.muted ? 'Unmute' : 'Mute'}
          </button>
          {!leg.audioOnly && (
            <button type="button" className="btn" data-testid="call-camera" onClick={call.toggleCamera}>
              {leg.cameraOff ? 'Camera on' : 'Camera off'}
            </button>
          )}
          <button type="button" className="btn danger" data-testid="call-end" onClick={call.hangup}>
            End
          </button>
        </div>
        <p className="small muted center">
          {s && s.rttMs != null ? `RTT ${s.rttMs} ms` : ''}
          {s && s.recentLossPct != null ? ` · loss ${s.recentLossPct}%` : ''}
          {leg.setupMs != null ? ` · set up in ${leg.setupMs} ms` : ''}
          {env.relayOnly ? ' · relay-only mode' : ''}
        </p>
      </section>
    );
  }

  if (incoming) {
    return (
      <section className="card" data-testid="call-incoming">
        <p>
          <strong>{otherName}</strong> is calling ({incoming.media}).
        </p>
        <div className="row">
          <button type="button" className="btn good grow" data-testid="call-accept" onClick={call.accept}>
            Accept
          </button>
          <button type="button" className="btn danger grow" data-testid="call-decline" onClick={call.decline}>
            Decline
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card" data-testid="call-idle">
      {elsewhere && <p className="muted small">A call is in progress on another device.</p>}
      {lastEnded && (
        <p
          className="muted small"
          data-testid="call-ended"
          data-state={lastEnded.state || ''}
          data-path={lastEnded.path || ''}
          data-answered-at={lastEnded.answeredAt || ''}
          data-connected-at={lastEnded.connectedAt || ''}
          data-end-reason={lastEnded.endReason || ''}
          data-server-setup-ms={Number.isFinite(lastEnded.setupMs) ? String(lastEnded.setupMs) : ''}
        >
          {ENDED_TEXT[lastEnded.state] || 'Call ended'}
        </p>
      )}
      {error && <p className="error small">{error}</p>}
      {canCall && !elsewhere && (
        <div className="row">
          <button type="button" className="btn primary grow" data-testid="call-start-video" onClick={() => call.start('video')}>
            Video call
          </button>
          <button type="button" className="btn grow" data-testid="call-start-audio" onClick={() => call.start('audio')}>
            Audio call
          </button>
        </div>
      )}
    </section>
  );
}
