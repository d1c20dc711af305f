import { useEffect, useState } from 'react';
import { homeownerApi, errorText } from '../../lib/api.js';
import { Link } from '../../lib/router.jsx';
import { useQrBlobUrl } from '../../lib/qr.js';

export default function PrintDoorPage({ doorId }) {
  const [door, setDoor] = useState(null);
  const [error, setError] = useState(null);
  const qr = useQrBlobUrl(doorId);
  useEffect(() => {
    homeownerApi('/doors')
      .then((r) => setDoor((r.doors || []).find((d) => String(d.id) === String(doorId)) || null))
      .catch(setError);
  }, [doorId]);

  return (
    <main className="page narrow" data-testid="print-page">
      <div className="row between no-print">
        <Link to="/app/doors">← Doors</Link>
        <button type="button" className="btn primary" onClick={() => window.print()}>Print</button>
      </div>
      {error && <p className="error">{errorText(error)}</p>}
      <section className="print-sheet card">
        <div className="door-label">{door ? door.label : ''}</div>
        {qr && <img className="qr-print" src={qr} alt="QR code" data-testid="print-qr" />}
        <h2>Scan to ring the doorbell</h2>
        <p className="muted">Point your phone camera at the code. No app needed.</p>
      </section>
    </main>
  );
}
