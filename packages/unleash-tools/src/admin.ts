import { ApiError } from './errors.ts'

/** A strategy as the admin API returns it (variants belong to the strategy since Unleash 5). */
export interface AdminStrategy {
  id: string
  name: string
  constraints?: unknown[]
  parameters?: Record<string, string>
  variants?: AdminVariant[]
  segments?: number[]
  disabled?: boolean | null
}

export interface AdminVariant {
  name: string
  weight: number
  weightType?: string
  stickiness?: string
  payload?: { type: string; value: string }
}

export interface AdminFeature {
  name: string
  type?: string
  description?: string | null
  environments: { name: string; enabled: boolean; strategies: AdminStrategy[]; variants?: AdminVariant[] }[]
}

export type StrategyBody = Omit<AdminStrategy, 'id'>

export interface ApiToken {
  secret: string
  tokenName: string
  type: string
  environment: string
}

export interface AdminClientOptions {
  /** The server, e.g. http://127.0.0.1:4242 (a trailing /api/ is accepted and dropped). */
  url: string
  /** An admin API token, sent as `Authorization: <token>` (no "Bearer"). */
  token: string
  project?: string
  environment?: string
  timeoutMs?: number
}

/** The server root from a URL that may end in /api/ (the services' UNLEASH_URL form). */
export function serverRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/, '')
}

/** The admin API calls zdd needs, for one project and environment. Every failure names the call. */
export class AdminClient {
  readonly url: string
  readonly project: string
  readonly environment: string
  readonly #token: string
  readonly #timeoutMs: number

  constructor(options: AdminClientOptions) {
    this.url = serverRoot(options.url)
    this.#token = options.token
    this.project = options.project ?? 'default'
    this.environment = options.environment ?? 'development'
    this.#timeoutMs = options.timeoutMs ?? 10_000
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: this.#token,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message
      throw new ApiError(method, path, 'no answer', cause)
    }
    const text = await res.text()
    if (!res.ok) {
      let message = text.slice(0, 300)
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message
      } catch {
        // not JSON: the raw text says it
      }
      throw Object.assign(new ApiError(method, path, res.status, message), { status: res.status })
    }
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** Whether the admin token is accepted (false on 401/403; other failures throw). */
  async authorized(): Promise<boolean> {
    try {
      await this.request('GET', '/api/admin/projects')
      return true
    } catch (err) {
      const status = (err as { status?: number }).status
      if (status === 401 || status === 403) return false
      throw err
    }
  }

  #features(): string {
    return `/api/admin/projects/${this.project}/features`
  }

  #strategies(feature: string): string {
    return `${this.#features()}/${encodeURIComponent(feature)}/environments/${this.environment}/strategies`
  }

  /** Names of the project's flags (archived ones are not listed), in the server's order. */
  async featureNames(): Promise<string[]> {
    const list = await this.request<{ features: { name: string }[] }>('GET', this.#features())
    return list.features.map((f) => f.name)
  }

  /** One flag with its environments and strategies, or undefined when there is none by that name. */
  async feature(name: string): Promise<AdminFeature | undefined> {
    try {
      return await this.request<AdminFeature>('GET', `${this.#features()}/${encodeURIComponent(name)}`)
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined
      throw err
    }
  }

  async createFeature(feature: { name: string; type?: string; description?: string }): Promise<void> {
    await this.request('POST', this.#features(), feature)
  }

  async updateFeature(name: string, fields: { type?: string; description?: string }): Promise<void> {
    await this.request('PUT', `${this.#features()}/${encodeURIComponent(name)}`, { name, ...fields })
  }

  async addStrategy(feature: string, strategy: StrategyBody): Promise<AdminStrategy> {
    return this.request<AdminStrategy>('POST', this.#strategies(feature), strategy)
  }

  async updateStrategy(feature: string, id: string, strategy: StrategyBody): Promise<AdminStrategy> {
    return this.request<AdminStrategy>('PUT', `${this.#strategies(feature)}/${id}`, strategy)
  }

  async deleteStrategy(feature: string, id: string): Promise<void> {
    await this.request('DELETE', `${this.#strategies(feature)}/${id}`)
  }

  /** On/off in this environment. Enabling with no strategy makes Unleash add its default one: add first. */
  async setEnabled(feature: string, enabled: boolean): Promise<void> {
    const path = `${this.#features()}/${encodeURIComponent(feature)}/environments/${this.environment}`
    await this.request('POST', `${path}/${enabled ? 'on' : 'off'}`)
  }

  async tokens(): Promise<ApiToken[]> {
    return (await this.request<{ tokens: ApiToken[] }>('GET', '/api/admin/api-tokens')).tokens
  }

  /** A backend token for every project in this environment (what services poll with). */
  async createBackendToken(tokenName: string): Promise<ApiToken> {
    return this.request<ApiToken>('POST', '/api/admin/api-tokens', {
      tokenName,
      type: 'backend',
      environment: this.environment,
      projects: ['*'],
    })
  }

  async deleteToken(secret: string): Promise<void> {
    await this.request('DELETE', `/api/admin/api-tokens/${encodeURIComponent(secret)}`)
  }
}
