import { Client } from 'undici'
import type { Pod } from '../model/pod.ts'
import type { PreviewCheck, PreviewResult } from '../plans/blue-green.ts'
import { parseServedBy } from '../run/load.ts'

/**
 * The smoke test through a preview Service (catalog-preview in k8s/overlays/blue-green): the service path
 * on every pod of the idle colour, which must answer 2xx from the expected version. One connection per
 * pod, closed afterwards.
 */
export async function previewCheck(
  pods: readonly Pod[],
  path: string,
  version: string,
): Promise<PreviewResult> {
  const checks = await Promise.all(
    pods.map(async (pod): Promise<PreviewCheck> => {
      const client = new Client(`http://127.0.0.1:${pod.port}`, { headersTimeout: 2000, bodyTimeout: 2000 })
      try {
        const response = await client.request({ method: 'GET', path })
        await response.body.dump()
        const served = parseServedBy(response.headers['x-served-by'])
        return {
          pod: pod.name,
          status: response.statusCode,
          ...(served.version ? { version: served.version } : {}),
        }
      } catch (err) {
        return { pod: pod.name, status: null, error: (err as Error).message }
      } finally {
        await client.close()
      }
    }),
  )
  const ok = checks.every((check) => check.status !== null && check.status < 300 && check.version === version)
  return { ok, checks }
}
