// Small inline SVG icons (no icon font or emoji font needed; CSP-safe: no inline styles).
const PATHS = {
  bell: 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z',
  check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z',
  note: 'M4 4h12l4 4v12H4V4Zm11 1.5V9h3.5L15 5.5ZM7 12h10v1.5H7V12Zm0 3.5h7V17H7v-1.5Z',
  cross: 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6 6.4 5Z',
  wave: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-4 8.5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3Zm8 0a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3ZM12 18a6 6 0 0 1-5.2-3h10.4A6 6 0 0 1 12 18Z',
};

export default function Icon({ name, className = '' }) {
  return (
    <svg className={`icon ${className}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name] || PATHS.bell} fill="currentColor" />
    </svg>
  );
}
