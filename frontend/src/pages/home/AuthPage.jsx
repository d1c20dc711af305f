import { useState } from 'react';
import { api, errorText, homeownerAuth } from '../../lib/api.js';

export default function AuthPage() {
  const [mode, setMode] = useState('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res =
        mode === 'signup'
          ? await api('/auth/signup', { method: 'POST', body: { email, password, displayName } })
          : await api('/auth/login', { method: 'POST', body: { email, password } });
      homeownerAuth.set(res.token);
    } catch (err) {
      setError(
        err.code === 'conflict'
          ? 'An account with this email already exists. Log in instead.'
          : err.code === 'unauthorized'
            ? 'Email or password is wrong.'
            : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page narrow" data-testid="auth-page">
      <header className="brand-hero">
        <div className="logo" aria-hidden="true">◎</div>
        <h1>QRing for homeowners</h1>
        <p className="muted">Answer your door from anywhere.</p>
      </header>
      <div className="tabs">
        <button type="button" className={`btn ${mode === 'login' ? 'on' : ''}`} onClick={() => setMode('login')} data-testid="tab-login">
          Log in
        </button>
        <button type="button" className={`btn ${mode === 'signup' ? 'on' : ''}`} onClick={() => setMode('signup')} data-testid="tab-signup">
          Sign up
        </button>
      </div>
      <form className="card stack" onSubmit={submit}>
        {mode === 'signup' && (
          <div>
            <label htmlFor="a-name">Your name</label>
            <input id="a-name" data-testid="auth-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required maxLength={80} />
          </div>
        )}
        <div>
          <label htmlFor="a-email">Email</label>
          <input id="a-email" data-testid="auth-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </div>
        <div>
          <label htmlFor="a-pass">Password</label>
          <input
            id="a-pass"
            data-testid="auth-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={mode === 'signup' ? 10 : undefined}
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          />
          {mode === 'signup' && <p className="muted small">At least 10 characters.</p>}
        </div>
        {error && <p className="error" data-testid="auth-error">{error}</p>}
        <button className="btn primary block" type="submit" disabled={busy} data-testid="auth-submit">
          {mode === 'signup' ? 'Create account' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
