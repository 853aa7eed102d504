import type { RequestHandler } from 'express';

/** Makes every response inert: not sniffed as script, not cached, not readable by other origins' pages. */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  // Over TLS (ours or a trusted proxy's): browsers keep to https for this host from now on.
  if (req.secure) res.set('Strict-Transport-Security', 'max-age=31536000');
  next();
};
