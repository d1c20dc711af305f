// A very small client-side router (pushState + popstate): the app has a handful of
// routes and needs nothing more. The server falls back to index.html for /d/*, /app/*
// and /diagnostics.
import { useEffect, useState, useSyncExternalStore } from 'react';

const listeners = new Set();
function subscribe(fn) {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
}
const getPath = () => window.location.pathname + window.location.search;

export function navigate(to, { replace = false } = {}) {
  if (to === getPath()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((fn) => fn());
  window.scrollTo(0, 0);
}

export function useLocationPath() {
  const full = useSyncExternalStore(subscribe, getPath);
  return full.split('?')[0];
}

export function Link({ to, children, className, ...rest }) {
  return (
    <a
      href={to}
      className={className}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(to);
      }}
      {...rest}
    >
      {children}
    </a>
  );
}

/** Matches `pattern` like '/d/:slug' against `path`; returns params or null. */
export function match(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Redirect({ to }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) {
      setDone(true);
      navigate(to, { replace: true });
    }
  }, [done, to]);
  return null;
}
