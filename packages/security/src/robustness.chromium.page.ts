// The page of robustness.chromium.test.ts, under the package's own CSP: renders two comments with
// renderSanitizedHtml, as the README shows, and makes the marco policy twice; what each step gave lands in
// `window.robustnessResult` (its value, or `threw …`).
import { createTrustedTypesPolicy, renderSanitizedHtml } from '@marco/security'

declare global {
  interface Window {
    robustnessResult: Record<string, unknown>
  }
}

const result: Record<string, unknown> = {}
async function attempt(name: string, step: () => Promise<unknown>): Promise<void> {
  try {
    result[name] = await step()
  } catch (error) {
    result[name] = `threw ${String(error)}`
  }
}
const render = async (html: string) => {
  const element = document.createElement('div')
  await renderSanitizedHtml(element, html)
  return element.innerHTML
}
await attempt('first', () => render('<b>one</b>'))
await attempt('second', () => render('<b>two</b>'))
await attempt('policyTwice', async () => {
  createTrustedTypesPolicy()
  createTrustedTypesPolicy()
  return 'ok'
})
window.robustnessResult = result
