import { describe, expect, it } from 'vitest'
import { isSafeUrl } from './isSafeUrl'
import { loadSanitizer } from './loadSanitizer'
import { sanitizeHtml } from './sanitizeHtml'
import { XSS_VECTORS } from './xssVectors.fixture'

// jsdom ships no types here: this is the part the test uses.
interface JsdomOptions {
  url?: string
  runScripts?: 'dangerously'
  beforeParse?(window: Window): void
}
const { JSDOM } = (await import('jsdom' as string)) as {
  JSDOM: new (html?: string, options?: JsdomOptions) => { window: Window & typeof globalThis }
}

const EVENTS = [
  'load',
  'error',
  'click',
  'mouseover',
  'focus',
  'toggle',
  'submit',
  'animationstart',
  'pointerdown',
  'begin',
  'pageshow',
  'start',
]
const URL_ATTRIBUTES = [
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'background',
  'srcdoc',
  'dynsrc',
  'lowsrc',
  'code',
]

/**
 * Loads sanitized HTML into a jsdom document that RUNS scripts (inline scripts while parsing, and every
 * event handler when its event fires), then fires every event at every element. Returns how often the
 * vector's payload ran and what dangerous markup survived.
 */
function detonate(html: string): { ran: number; survivors: string[] } {
  const dom = new JSDOM(`<!doctype html><body><div id=host>${html}</div></body>`, {
    runScripts: 'dangerously',
    url: 'https://app.example.com/',
    beforeParse(window) {
      const record = () =>
        void ((window as unknown as { ran: number }).ran = ((window as unknown as { ran?: number }).ran ?? 0) + 1)
      Object.assign(window, { ran: 0, xss: record, alert: record })
    },
  })
  const { window } = dom
  const survivors: string[] = []
  for (const element of window.document.querySelectorAll('#host *')) {
    if (
      ['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META', 'LINK', 'STYLE', 'FORM', 'svg', 'math'].includes(
        element.tagName,
      )
    )
      survivors.push(element.tagName)
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) survivors.push(`${element.tagName}[${attribute.name}]`)
      if (URL_ATTRIBUTES.includes(attribute.name.toLowerCase()) && !isSafeUrl(attribute.value))
        survivors.push(`${element.tagName}[${attribute.name}=${attribute.value}]`)
    }
    for (const type of EVENTS) element.dispatchEvent(new window.Event(type))
  }
  const ran = (window as unknown as { ran: number }).ran
  window.close()
  return { ran, survivors }
}

describe('sanitizeHtml', () => {
  it('has a corpus of at least 100 known XSS vectors, each of which really runs unsanitized', async () => {
    expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(100)
    // The harness must be able to see an attack: a sample of raw vectors does run.
    expect(detonate('<img src=x onerror=xss()>').ran).toBe(1)
    expect(detonate('<script>xss()</script>').ran).toBe(1)
    expect(detonate('<div onmouseover=xss()>hover</div>').ran).toBe(1)
  })

  it('leaves no script that runs and no handler, for every vector', async () => {
    const { window } = new JSDOM('<!doctype html>', { url: 'https://app.example.com/' })
    const sanitize = await loadSanitizer({ window: window as unknown as Window })
    const failures: { vector: string; output: string; ran: number; survivors: string[] }[] = []
    for (const vector of XSS_VECTORS) {
      const output = sanitize(vector)
      const { ran, survivors } = detonate(output)
      // Sanitizing twice changes nothing (no mutation left to exploit).
      if (ran || survivors.length || sanitize(output) !== output) failures.push({ vector, output, ran, survivors })
    }
    expect(failures).toEqual([])
    // 141 jsdom documents that run scripts: seconds of work, more on a busy 2-core machine.
  }, 60_000)

  it('keeps ordinary rich text', async () => {
    const { window } = new JSDOM('<!doctype html>')
    const html =
      '<p>Hello <b>bold</b> <i>it</i> <a href="https://example.com/x">link</a><br><img src="https://example.com/a.png" alt="a"></p><ul><li>one</li></ul>'
    expect(await sanitizeHtml(html, { window: window as unknown as Window })).toBe(html)
  })

  it('escapes everything where there is no DOM at all', async () => {
    expect(await sanitizeHtml('<b onclick="xss()">hi</b>')).toBe('&lt;b onclick=&quot;xss()&quot;&gt;hi&lt;/b&gt;')
  })
})
