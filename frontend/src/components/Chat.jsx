// Chat log and composer. Message bodies are rendered as React text nodes: never as HTML.
import { useEffect, useRef, useState } from 'react';
import { clock } from '../lib/time.js';

const STATE_LABEL = {
  sending: 'Sending…',
  saved: 'Saved',
  delivered: 'Delivered',
  read: 'Read',
  not_saved: 'Not saved',
  failed: 'Not sent',
};

const time = clock;

const draftKey = (id) => `qring.draft.${id}`;

export default function Chat({ rt, draftId, placeholder = 'Write a message…', otherName = 'They', readOnlyNote }) {
  const { items, send, retry, discard, setTyping, otherTyping, chatOpen } = rt;
  const [text, setText] = useState(() => {
    try {
      return localStorage.getItem(draftKey(draftId)) || '';
    } catch {
      return '';
    }
  });
  const logRef = useRef(null);
  const typingRef = useRef({ on: false, timer: null });

  useEffect(() => {
    try {
      if (text) localStorage.setItem(draftKey(draftId), text);
      else localStorage.removeItem(draftKey(draftId));
    } catch {
      /* ignore */
    }
  }, [text, draftId]);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length]);

  const onChange = (e) => {
    setText(e.target.value);
    const t = typingRef.current;
    if (!t.on) {
      t.on = true;
      setTyping(true);
    }
    clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.on = false;
      setTyping(false);
    }, 2500);
  };

  const onSubmit = (e) => {
    e.preventDefault();
    if (text.length > 2000) return;
    if (send(text)) {
      setText('');
      clearTimeout(typingRef.current.timer);
      typingRef.current.on = false;
      setTyping(false);
    }
  };

  return (
    <section className="chat" data-testid="chat">
      <div className="chat-log" ref={logRef} data-testid="chat-log" aria-live="polite">
        {items.length === 0 && <p className="muted small center">No messages yet.</p>}
        {items.map((m) => (
          <div
            key={m.key}
            className={`msg ${m.mine ? 'mine' : 'theirs'} ${m.state || ''}`}
            data-testid="chat-message"
            data-mine={m.mine ? 'true' : 'false'}
            data-state={m.state || ''}
            data-client-id={m.clientId || ''}
            data-seq={m.seq ?? ''}
          >
            <div className="body" data-testid="chat-body">{m.body}</div>
            <div className="meta">
              <span>{time(m.createdAt)}</span>
              {m.mine && (
                <span className={`state-${m.state}`} data-testid="chat-state">
                  {STATE_LABEL[m.state] || m.state}
                  {m.state === 'not_saved' && m.retrying ? ' · retrying' : ''}
                </span>
              )}
              {m.mine && (m.state === 'not_saved' || m.state === 'failed') && (
                <>
                  {m.state === 'not_saved' && (
                    <button type="button" className="btn small" data-testid="chat-retry" onClick={() => retry(m.clientId)}>
                      Retry
                    </button>
                  )}
                  <button type="button" className="btn small ghost" onClick={() => discard(m.clientId)}>
                    Delete
                  </button>
                </>
              )}
            </div>
            {m.mine && m.state === 'failed' && m.error && <div className="small error">{m.error.message || m.error.code}</div>}
          </div>
        ))}
      </div>
      <div className="typing" data-testid="typing">{otherTyping ? `${otherName} is typing…` : ''}</div>
      {chatOpen ? (
        <form className="chat-form" onSubmit={onSubmit}>
          <input
            data-testid="chat-input"
            value={text}
            onChange={onChange}
            placeholder={placeholder}
            maxLength={2000}
            aria-label="Message"
            autoComplete="off"
          />
          <button className="btn primary" type="submit" data-testid="chat-send" disabled={!text.trim()}>
            Send
          </button>
        </form>
      ) : (
        readOnlyNote && <p className="muted small center">{readOnlyNote}</p>
      )}
    </section>
  );
}

export function ConnectionBanner({ connection }) {
  if (connection === 'online' || connection === 'connecting') return null;
  return (
    <div className={`banner ${connection === 'offline' ? 'offline' : ''}`} data-testid="connection-banner" role="status">
      {connection === 'offline'
        ? 'You are offline. Messages will be sent when your connection returns.'
        : 'Reconnecting… messages will be sent when the connection returns.'}
    </div>
  );
}
