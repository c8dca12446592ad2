import type { Problem } from '@tresen/contract'

/** An error answer of the API (problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  get code() {
    return this.problem?.code ?? (this.status === 0 ? 'network' : 'unknown')
  }
}

let csrfToken = ''
let language = 'de'

/** The CSRF token of the current session, sent with every changing request. */
export const setCsrfToken = (token: string) => {
  csrfToken = token
}

/** Errors come back in the language the person reads. */
export const setApiLanguage = (lang: string) => {
  language = lang
}

type Options = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  body?: unknown
  query?: Record<string, string | number | boolean | undefined | null | string[]>
  signal?: AbortSignal
}

const unauthorizedListeners = new Set<() => void>()
/** Called when a request finds the session ended (401), so the app can return to sign-in. */
export const onUnauthorized = (fn: () => void) => {
  unauthorizedListeners.add(fn)
  return () => unauthorizedListeners.delete(fn)
}

export const queryString = (query: Options['query']) => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, Array.isArray(value) ? value.join(',') : String(value))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

export async function api<T>(path: string, options: Options = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language }
  let body: BodyInit | undefined
  if (options.body instanceof FormData) body = options.body
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(`/api/v1${path}${queryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, undefined, (err as Error).message)
  }
  if (res.status === 204) return undefined as T
  const isJson = (res.headers.get('content-type') ?? '').includes('json')
  const data: unknown = isJson ? await res.json() : undefined
  if (!res.ok) {
    const problem = data as Problem | undefined
    if (res.status === 401 && !path.startsWith('/auth/')) for (const fn of unauthorizedListeners) fn()
    throw new ApiError(res.status, problem, problem?.detail ?? problem?.title ?? res.statusText)
  }
  return data as T
}
