/**
 * The text an HTML template carries wherever the response's CSP nonce belongs
 * (`<script nonce="__CSP_NONCE__" type="module" src="/app.js">`); the server (or nginx `sub_filter`, or the
 * CDN worker) replaces it with the nonce it put in the header.
 *
 * @example
 * html.replaceAll(CSP_NONCE_PLACEHOLDER, nonce)
 */
export const CSP_NONCE_PLACEHOLDER = '__CSP_NONCE__'

/**
 * The nginx variable that carries the nonce: `$request_id`, 128 random bits as 32 hex digits, new per request.
 *
 * @example
 * toNginxSnippet(securityHeaders({ nonce: NGINX_NONCE_VARIABLE }))
 */
export const NGINX_NONCE_VARIABLE = '$request_id'
