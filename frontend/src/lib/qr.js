// The QR image needs the bearer token, so it is fetched and shown through a blob: URL
// (CSP img-src allows blob:).
import { useEffect, useState } from 'react';
import { api, homeownerAuth } from './api.js';

export function useQrBlobUrl(doorId, format = 'svg') {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    let revoked = false;
    let objectUrl = null;
    api(`/doors/${doorId}/qr.${format}`, { raw: true, token: homeownerAuth.token })
      .then((res) => res.blob())
      .then((blob) => {
        if (revoked) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => setUrl(null));
    return () => {
      revoked = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [doorId, format]);
  return url;
}
