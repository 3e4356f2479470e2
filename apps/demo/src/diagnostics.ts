import type { CrashReporter } from '@marco/crash-reporter'
import type { Smoother } from './smoother'

declare global {
  interface Window {
    /** Set by the deliberately injected inline script — only if the CSP failed to block it. */
    __cspProbeRan?: boolean
  }
}

/** Thrown by the "Throw error" button, so reports name it. */
class DemoCrashError extends Error {
  override name = 'DemoCrashError'
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/**
 * The buttons that break things on purpose (an uncaught error, an unhandled rejection, a wasm trap, an
 * injected inline script the CSP must block) and "Report a bug", which shows
 * `CrashReporter.generateErrorReport()` in a dialog with a copy button.
 */
export function startDiagnostics(
  crash: CrashReporter,
  smoother: () => Smoother | undefined,
  toast: (text: string) => void,
): void {
  $('crash-throw').addEventListener('click', () => {
    // Uncaught on purpose: the crash reporter's `error` listener sees it, the page goes on.
    throw new DemoCrashError('Demo: the "Throw error" button threw')
  })
  $('crash-reject').addEventListener('click', () => {
    void Promise.reject(new Error('Demo: the "Reject promise" button left a promise rejected'))
  })
  $('crash-wasm-trap').addEventListener('click', () => {
    const wasm = smoother()
    if (!wasm) return toast('The wasm module is not loaded')
    wasm.trap() // RuntimeError: unreachable, two wasm frames deep
  })
  $('crash-csp').addEventListener('click', () => {
    // What an XSS would do: an inline <script> with no nonce. Under the page's policy it must not run.
    const script = document.createElement('script')
    script.append(document.createTextNode('window.__cspProbeRan = true'))
    try {
      document.body.append(script)
    } catch (error) {
      // Trusted Types may refuse the insertion itself (also a reported violation).
      console.info('[demo] the injected script was refused:', (error as Error).message)
    }
    script.remove()
    setTimeout(
      () =>
        toast(
          window.__cspProbeRan
            ? 'The injected script RAN — the CSP is not enforced!'
            : 'The injected inline script was blocked by the CSP',
        ),
      50,
    )
  })

  const dialog = $<HTMLDialogElement>('bug-report-dialog')
  const text = $<HTMLPreElement>('bug-report-text')
  const status = $<HTMLSpanElement>('bug-report-status')
  $('report-bug').addEventListener('click', () => {
    const report = crash.generateErrorReport()
    text.textContent = report.text
    status.textContent = `${report.errors.length} recent error${report.errors.length === 1 ? '' : 's'} · ${report.breadcrumbs.length} breadcrumbs`
    dialog.showModal()
  })
  $('bug-report-copy').addEventListener('click', () => {
    const value = text.textContent ?? ''
    navigator.clipboard?.writeText(value).then(
      () => (status.textContent = 'Copied to the clipboard'),
      () => {
        // No clipboard permission (e.g. an iframe or headless browser): select it for Ctrl+C instead.
        getSelection()?.selectAllChildren(text)
        status.textContent = 'Selected — press Ctrl+C to copy'
      },
    )
  })
  $('bug-report-close').addEventListener('click', () => dialog.close())
}
