// URL forms that look like a path on this site but lead elsewhere (open-redirect and link-check bypasses),
// and forms that really stay on it. Base: https://app.example. The expected answers are how the WHATWG URL
// parser (browsers, Node) reads each one.

/** Ways to write a link to another site that look like a path on this one, each as a browser reads it. */
export const OTHER_ORIGIN_FORMS = [
  '//evil.com',
  '//evil.com/path?next=/',
  '///evil.com',
  '////evil.com',
  '/\\evil.com',
  '\\\\evil.com',
  '\\/evil.com',
  '/\\/evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r\n/evil.com',
  '\t//evil.com',
  ' //evil.com',
  '\x00//evil.com',
  '\x1f/\\evil.com',
  '//evil.com\\@app.example',
  'https://evil.com',
  'https://evil.com\\@app.example/',
  'https://app.example@evil.com',
  'https://app.example.evil.com',
  'https://app.example:8443/',
  'http://app.example/',
  'http:evil.com',
  'HTTPS://EVIL.COM',
  'https://evil%2Ecom',
  'https://%65vil.com',
  '//evil。com',
  'javascript:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'blob:https://app.example/6e1a9c1e-0000-4000-8000-000000000000',
  'file:///etc/passwd',
  'mailto:a@app.example',
  'https://[bad',
]

/** Paths, queries and fragments on this origin, however they are written. */
export const SAME_ORIGIN_FORMS = [
  '/',
  '/canvas?room=1#top',
  'canvas/42',
  '../up',
  '?next=//evil.com',
  '#//evil.com',
  '/%5Cevil.com',
  '/%2F%2Fevil.com',
  '/.//evil.com',
  'https://app.example/canvas',
  'HTTPS://APP.EXAMPLE:443/canvas',
  // A scheme-relative URL with this page's own special scheme is a path here (WHATWG URL: "special relative").
  'https:canvas',
  '',
]
