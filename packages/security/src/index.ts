// Server side: the policy, the header set and its renderings. Nothing below the next comment imports these.
export { ContentSecurityPolicy } from './ContentSecurityPolicy'
export { createMarcoCspDirectives, CSP_REPORT_GROUP } from './createMarcoCspDirectives'
export type { MarcoCspOptions } from './createMarcoCspDirectives'
export type { CspDirectives, CspDirectiveName, CspFinding, CspSeverity } from './cspTypes'
export { parseCsp } from './parseCsp'
export { serializeCsp } from './serializeCsp'
export { validateCsp } from './validateCsp'
export { createNonce, NONCE_BYTES } from './createNonce'
export { securityHeaders, DEFAULT_PERMISSIONS, HSTS_MAX_AGE_SEC } from './securityHeaders'
export type { SecurityHeaders, SecurityHeadersOptions, PermissionsPolicy } from './securityHeaders'
export { toNginxSnippet } from './toNginxSnippet'
export type { NginxSnippetOptions } from './toNginxSnippet'
export { toCloudflareHeaderMap } from './toCloudflareHeaderMap'
export { CSP_NONCE_PLACEHOLDER, NGINX_NONCE_VARIABLE } from './nonceConstants'
export { matchesCsrfToken } from './matchesCsrfToken'

// Client side.
export { startCspReporting } from './startCspReporting'
export { CspReporting } from './CspReporting'
export type { CspViolation, CspReportingOptions } from './startCspReporting'
export { createTrustedTypesPolicy } from './createTrustedTypesPolicy'
export type { ScriptUrlPolicy, TrustedTypesFactory } from './createTrustedTypesPolicy'
export { SessionManager } from './SessionManager'
export type { SessionManagerOptions, SessionGrant, SessionEvent, SessionEventType } from './SessionManager'
export { verifyJwt } from './verifyJwt'
export type { VerifyJwtOptions, JwtAlgorithm, JwtKey, JwtClaims, JwtError, JwtErrorCode } from './verifyJwt'
export { decodeJwtSegment } from './decodeJwtSegment'
export { PeerAuthenticator } from './PeerAuthenticator'
export type {
  PeerAuthenticatorOptions,
  PeerStatement,
  PeerIdentity,
  PeerKey,
  PeerAuthErrorCode,
} from './PeerAuthenticator'
export { extractFingerprints } from './extractFingerprints'
export { escapeHtml } from './escapeHtml'
export { isSafeUrl } from './isSafeUrl'
export { isSameOriginUrl } from './isSameOriginUrl'
export { validateMessage } from './validateMessage'
export type { MessageSchema, InferMessage, MessageValidation, ValidateMessageOptions } from './validateMessage'
export { CsrfToken } from './CsrfToken'
export type { CsrfTokenOptions } from './CsrfToken'
export { sanitizeHtml } from './sanitizeHtml'
export { loadSanitizer } from './loadSanitizer'
export type { HtmlSanitizer, LoadSanitizerOptions } from './loadSanitizer'
export { renderSanitizedHtml } from './renderSanitizedHtml'
export { SANITIZER_CONFIG } from './sanitizerConfig'
