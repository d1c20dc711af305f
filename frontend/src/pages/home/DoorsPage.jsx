import { useEffect, useState } from 'react';
import { homeownerApi, errorText } from '../../lib/api.js';
import { Link } from '../../lib/router.jsx';
import { useQrBlobUrl } from '../../lib/qr.js';

function DoorItem({ door, onChange, onDelete }) {
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(door.label);
  const [error, setError] = useState(null);
  const qr = useQrBlobUrl(door.id);

  const patch = async (body) => {
    setError(null);
    try {
      const r = await homeownerApi(`/doors/${door.id}`, { method: 'PATCH', body });
      onChange(r.door);
      setEditing(false);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete "${door.label}"? Its QR code stops working.`)) return;
    setError(null);
    try {
      await homeownerApi(`/doors/${door.id}`, { method: 'DELETE' });
      onDelete(door.id);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <li className="row" data-testid="door-item" data-door-id={door.id} data-qr-slug={door.qrSlug}>
      {qr ? <img className="qr-thumb" src={qr} alt={`QR code for ${door.label}`} data-testid="door-qr" /> : <div className="qr-thumb" />}
      <div className="grow stack">
        {editing ? (
          <form className="row" onSubmit={(e) => { e.preventDefault(); patch({ label: label.trim() }); }}>
            <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={80} required aria-label="Door name" className="grow" />
            <button className="btn small primary" type="submit">Save</button>
            <button className="btn small" type="button" onClick={() => { setEditing(false); setLabel(door.label); }}>Cancel</button>
          </form>
        ) : (
          <div>
            <strong data-testid="door-item-label">{door.label}</strong>{' '}
            <span className={`status-pill ${door.active ? 'active' : 'ended'}`}>{door.active ? 'on' : 'off'}</span>
          </div>
        )}
        <div className="small url">
          <a href={door.visitorUrl} data-testid="door-visitor-url" target="_blank" rel="noreferrer">{door.visitorUrl}</a>
        </div>
        <div className="row">
          {!editing && <button type="button" className="btn small" onClick={() => setEditing(true)}>Rename</button>}
          <button type="button" className="btn small" onClick={() => patch({ active: !door.active })} data-testid="door-toggle">
            {door.active ? 'Switch off' : 'Switch on'}
          </button>
          <Link className="btn small" to={`/app/doors/${door.id}/print`} data-testid="door-print">Print QR</Link>
          <button type="button" className="btn small ghost" onClick={remove} data-testid="door-delete">Delete</button>
        </div>
        {error && <p className="error small">{error}</p>}
      </div>
    </li>
  );
}

export default function DoorsPage() {
  const [doors, setDoors] = useState(null);
  const [label, setLabel] = useState('');
  const [error, setError] = useState(null);

  useEffect(() => {
    homeownerApi('/doors').then((r) => setDoors(r.doors || [])).catch(setError);
  }, []);

  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await homeownerApi('/doors', { method: 'POST', body: { label: label.trim() } });
      setDoors((d) => [...(d || []), r.door]);
      setLabel('');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main className="page" data-testid="doors-page">
      <h1>Your doors</h1>
      <form className="card row" onSubmit={create}>
        <input className="grow" data-testid="door-new-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Front door, Gate, Office…" maxLength={80} required aria-label="New door name" />
        <button className="btn primary" type="submit" data-testid="door-create">Add door</button>
      </form>
      {error && <p className="error">{errorText(error)}</p>}
      <div className="card">
        {doors && doors.length === 0 && <p className="muted">No doors yet. Add one, print its QR code and stick it by the door.</p>}
        <ul className="list" data-testid="door-list">
          {(doors || []).map((d) => (
            <DoorItem
              key={d.id}
              door={d}
              onChange={(nd) => setDoors((list) => list.map((x) => (x.id === nd.id ? nd : x)))}
              onDelete={(id) => setDoors((list) => list.filter((x) => x.id !== id))}
            />
          ))}
        </ul>
      </div>
    </main>
  );
}
