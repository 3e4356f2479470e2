import type { Alert } from './types'

const WEBHOOK_TIMEOUT_MS = 5_000

/**
 * POSTs one alert as JSON (`{ alert, source }`) to a webhook. Never rejects: resolves to the HTTP status as
 * text, or `error: …` when the request failed or timed out.
 *
 * @example
 * await postWebhook('https://hooks.example/marco', alert) // '200'
 */
export async function postWebhook(url: string, alert: Alert, source = 'marco-collector'): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source, alert }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    })
    // Read it so the connection is released.
    await response.arrayBuffer().catch(() => undefined)
    return String(response.status)
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}
