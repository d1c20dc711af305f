// Times arrive as ISO-8601 strings (product.md); epoch seconds or milliseconds are accepted too.
export function toDate(v) {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return new Date(v < 1e11 ? v * 1000 : v);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function clock(v) {
  const d = toDate(v);
  return d ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

export function when(v) {
  const d = toDate(v);
  return d ? d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '';
}
