/**
 * A short CSS path of an element for a click breadcrumb — tag, id and two classes of it and up to three
 * ancestors below `body` — never its text content.
 *
 * @example
 * cssPath(saveButton) // 'main > div.toolbar > button#save.primary'
 */
export function cssPath(target: unknown): string {
  const parts: string[] = []
  for (
    let el = target as Element | null;
    el && el.nodeType === 1 && el.tagName !== 'BODY' && parts.length < 4;
    el = el.parentElement
  ) {
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\s+/).slice(0, 2).filter(Boolean) : []
    parts.unshift(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes.map((name) => '.' + name).join(''))
    if (el.id) break
  }
  return parts.join(' > ')
}
