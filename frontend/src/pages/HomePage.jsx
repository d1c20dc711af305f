import { Link } from '../lib/router.jsx';

export default function HomePage() {
  return (
    <main className="page narrow" data-testid="home-page">
      <header className="brand-hero">
        <div className="logo" aria-hidden="true">◎</div>
        <h1>QRing</h1>
        <p className="muted">A doorbell anyone can ring with their phone camera.</p>
      </header>
      <div className="card stack">
        <Link className="btn primary block" to="/app" data-testid="go-dashboard">Open my dashboard</Link>
        <Link className="btn block" to="/diagnostics">Connection diagnostics</Link>
      </div>
      <p className="muted small center">Visitors: scan the QR code on the door.</p>
    </main>
  );
}
