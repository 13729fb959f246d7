/** The request target as the gateway routes and forwards it: one normalized path, and the raw query. */
export interface Target {
  path: string
  /** After the `?`, as sent; undefined when there is no `?`. */
  query: string | undefined
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i
const UNRESERVED = /[A-Za-z0-9\-._~]/

/**
 * Reduces a request target (RFC 9112 §3.2) to one normalized path, or says why it cannot be forwarded:
 * origin-form as is, absolute-form (`http://host/path`) to its path; authority-form and asterisk-form are
 * refused. Percent-encoded unreserved characters are decoded (`%63atalog` is `catalog`); an encoded `/`,
 * `\`, or control character, a raw `\`, and `.` / `..` segments are refused: each could make the path an
 * upstream resolves differ from the one the route was matched on.
 */
export function parseTarget(url: string): Target | { refused: string } {
  let target = url
  if (ABSOLUTE_FORM.test(target)) {
    const authority = target.indexOf('//') + 2
    const end = target.slice(authority).search(/[/?#]/)
    target = end === -1 ? '/' : target.slice(authority + end)
    if (!target.startsWith('/')) target = `/${target}`
  } else if (!target.startsWith('/')) {
    return {
      refused: 'only origin-form ("/path") and absolute-form ("http://host/path") targets are forwarded',
    }
  }
  const hash = target.indexOf('#')
  if (hash !== -1) target = target.slice(0, hash)
  const mark = target.indexOf('?')
  const rawPath = mark === -1 ? target : target.slice(0, mark)
  const query = mark === -1 ? undefined : target.slice(mark + 1)
  if (rawPath.includes('\\')) return { refused: 'a backslash in the path' }
  let path = ''
  for (let i = 0; i < rawPath.length; i++) {
    const char = rawPath[i] as string
    if (char !== '%') {
      if (char.charCodeAt(0) < 0x21 || char.charCodeAt(0) === 0x7f) return { refused: 'a control character' }
      path += char
      continue
    }
    const hex = rawPath.slice(i + 1, i + 3)
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { refused: `a "%" not followed by two hex digits` }
    const code = Number.parseInt(hex, 16)
    const decoded = String.fromCharCode(code)
    if (code < 0x20 || code === 0x7f || decoded === '/' || decoded === '\\') {
      return {
        refused: `an encoded ${decoded === '/' ? 'slash' : decoded === '\\' ? 'backslash' : 'control character'} (%${hex})`,
      }
    }
    path += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`
    i += 2
  }
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { refused: 'a "." or ".." segment; send the normalised path' }
  }
  return { path, query }
}

/**
 * The upstream path of a target under `prefix` (already normalized and checked to be under it): the
 * prefix replaced by `rewritePrefix`, the query kept. Never outside `rewritePrefix` (or `/`).
 */
export function upstreamPath(target: Target, prefix: string, rewritePrefix: string): string {
  const rest = target.path.slice(prefix.length)
  const path = `${rewritePrefix}${rest}` || '/'
  return target.query === undefined ? path : `${path}?${target.query}`
}

/** Whether a normalized path is `prefix` itself or below it (segment boundary). */
export function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47)
}
